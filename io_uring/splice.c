// SPDX-License-Identifier: GPL-2.0
/*
 * Moving data through pipes without a user copy: IORING_OP_SPLICE and TEE,
 * the equivalents of splice(2) and tee(2).
 *
 * The request's file (sqe->fd) is the output. The input is named by
 * sqe->splice_fd_in: a task fd, or a fixed slot with SPLICE_F_FD_IN_FIXED.
 * It is looked up when the request runs, not at prep, so that a linked
 * request before it may have opened it. Either side may wait for as long
 * as its peer takes (a pipe, a socket), so both always run in io-wq.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/splice.h>
#include <linux/io_uring.h>

#include "uring.h"
#include "opdef.h"
#include "rsrc.h"

struct io_splice {
	struct file		*file;		/* output */
	loff_t			off_out;	/* -1: none */
	loff_t			off_in;		/* -1: none */
	size_t			len;
	int			fd_in;
	unsigned int		flags;		/* SPLICE_F_*, FD_IN_FIXED kept */
};

/* The fields SPLICE and TEE share. */
static int io_splice_prep_common(struct io_kiocb *req,
				 const struct io_uring_sqe *sqe)
{
	struct io_splice *sp = io_kiocb_to_cmd(req, struct io_splice);

	sp->len = READ_ONCE(sqe->len);
	sp->flags = READ_ONCE(sqe->splice_flags);
	if (sp->flags & ~(SPLICE_F_ALL | SPLICE_F_FD_IN_FIXED))
		return -EINVAL;
	sp->fd_in = READ_ONCE(sqe->splice_fd_in);
	return 0;
}

/**
 * io_splice_prep - prepare IORING_OP_SPLICE
 * @req: the request
 * @sqe: fd/off the output and its offset, splice_fd_in/splice_off_in the
 *	 input and its offset (-1: none), len the bytes, splice_flags the
 *	 SPLICE_F_* flags
 *
 * Return: 0, or a negative errno for the CQE.
 */
int io_splice_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	struct io_splice *sp = io_kiocb_to_cmd(req, struct io_splice);

	sp->off_in = READ_ONCE(sqe->splice_off_in);
	sp->off_out = READ_ONCE(sqe->off);
	return io_splice_prep_common(req, sqe);
}

/**
 * io_tee_prep - prepare IORING_OP_TEE
 * @req: the request
 * @sqe: fd the output pipe, splice_fd_in the input pipe, len the bytes,
 *	 splice_flags the SPLICE_F_* flags; pipes have no offsets
 *
 * Return: 0, or a negative errno for the CQE.
 */
int io_tee_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	if (READ_ONCE(sqe->splice_off_in) || READ_ONCE(sqe->off))
		return -EINVAL;
	return io_splice_prep_common(req, sqe);
}

/* A reference on the input file, or NULL if there is none. */
static struct file *io_splice_get_in(struct io_kiocb *req,
				     unsigned int issue_flags)
{
	struct io_splice *sp = io_kiocb_to_cmd(req, struct io_splice);

	if (sp->flags & SPLICE_F_FD_IN_FIXED)
		return io_fixed_file_ref(req->ctx, sp->fd_in, issue_flags);
	return fget(sp->fd_in);
}

/* The result: bytes moved; moving fewer than asked breaks a link chain. */
static int io_splice_done(struct io_kiocb *req, ssize_t ret)
{
	struct io_splice *sp = io_kiocb_to_cmd(req, struct io_splice);

	/* a pipe wait broken by a signal (io-wq cancel): no restart codes */
	if (ret == -ERESTARTSYS || ret == -ERESTARTNOINTR ||
	    ret == -ERESTARTNOHAND || ret == -ERESTART_RESTARTBLOCK)
		return -EINTR;
	if (ret < 0)
		return ret;
	if ((size_t)ret != sp->len)
		req->failed = true;
	req->res = ret;
	return 0;
}

/* SPLICE: an offset of -1 means the file's own position. */
static ssize_t io_splice_move(struct io_splice *sp, struct file *in,
			      unsigned int flags)
{
	loff_t *off_in = sp->off_in == -1 ? NULL : &sp->off_in;
	loff_t *off_out = sp->off_out == -1 ? NULL : &sp->off_out;

	return do_splice(in, off_in, sp->file, off_out, sp->len, flags);
}

/* TEE: pipes have no offsets. */
static ssize_t io_tee_move(struct io_splice *sp, struct file *in,
			   unsigned int flags)
{
	return do_tee(in, sp->file, sp->len, flags);
}

/*
 * Issue SPLICE or TEE: look the input up, @move the data from it to the
 * request's file, drop the input again.
 */
static int io_splice_issue(struct io_kiocb *req, unsigned int issue_flags,
			   ssize_t (*move)(struct io_splice *sp,
					   struct file *in,
					   unsigned int flags))
{
	struct io_splice *sp = io_kiocb_to_cmd(req, struct io_splice);
	struct file *in;
	ssize_t ret = 0;

	if (issue_flags & IO_URING_F_NONBLOCK)
		return -EAGAIN;
	in = io_splice_get_in(req, issue_flags);
	if (!in)
		return -EBADF;
	if (sp->len)
		ret = move(sp, in, sp->flags & ~SPLICE_F_FD_IN_FIXED);
	fput(in);
	return io_splice_done(req, ret);
}

/**
 * io_splice - issue IORING_OP_SPLICE
 * @req: the request
 * @issue_flags: IO_URING_F_*
 *
 * Return: 0 with req->res the bytes moved, a negative errno, or -EAGAIN
 * for io-wq.
 */
int io_splice(struct io_kiocb *req, unsigned int issue_flags)
{
	return io_splice_issue(req, issue_flags, io_splice_move);
}

/**
 * io_tee - issue IORING_OP_TEE
 * @req: the request
 * @issue_flags: IO_URING_F_*
 *
 * Return: 0 with req->res the bytes duplicated, a negative errno, or
 * -EAGAIN for io-wq.
 */
int io_tee(struct io_kiocb *req, unsigned int issue_flags)
{
	return io_splice_issue(req, issue_flags, io_tee_move);
}
