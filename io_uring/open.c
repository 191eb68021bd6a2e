// SPDX-License-Identifier: GPL-2.0
/*
 * Opening and closing descriptors: IORING_OP_OPENAT, OPENAT2, CLOSE and
 * FIXED_FD_INSTALL.
 *
 * An open either lands in the task's file table, as openat2(2) would put
 * it, or, when sqe->file_index is set, in the ring's fixed file table (a
 * "direct descriptor"). The path is copied at prep, so userspace may reuse
 * its buffer once the SQE is submitted.
 *
 * An open is first tried inline, as long as the path walk can be served
 * from the dcache alone and nothing gets created or truncated; anything
 * else goes to io-wq. The inline try also opens with O_NONBLOCK, so that
 * a FIFO or a device does not hold up the submitter in its ->open().
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/fdtable.h>
#include <linux/fcntl.h>
#include <linux/namei.h>
#include <linux/audit.h>
#include <linux/uaccess.h>
#include <linux/io_uring.h>
#include <uapi/linux/io_uring/bpf_filter.h>

#include "../fs/internal.h"

#include "uring.h"
#include "opdef.h"
#include "rsrc.h"
#include "bpf_filter.h"

struct io_open {
	struct file		*file;		/* unused: no needs_file */
	struct filename		*filename;
	struct open_flags	op;
	int			dfd;
	u32			file_slot;	/* sqe->file_index; 0: fd table */
	unsigned int		fd_flags;	/* O_CLOEXEC for the new fd */
	/* the open_how, checked (so these hold it), for a cBPF filter */
	u32			how_flags;
	u16			how_mode;
	u8			how_resolve;
	bool			user_nonblock;	/* O_NONBLOCK was asked for */
};

struct io_close {
	struct file		*file;		/* unused: no needs_file */
	int			fd;
	u32			file_slot;
};

struct io_fd_install {
	struct file		*file;		/* the fixed file, from the core */
	unsigned int		o_flags;
};

/*
 * An interrupted wait (a FIFO waiting for its peer, a ->flush()) must not
 * show a restart code to userspace: nothing restarts a CQE.
 */
static int io_open_no_restart(int ret)
{
	if (ret == -ERESTARTSYS || ret == -ERESTARTNOINTR ||
	    ret == -ERESTARTNOHAND || ret == -ERESTART_RESTARTBLOCK)
		return -EINTR;
	return ret;
}

/* Errors of the inline try that a blocking open may not give. */
static bool io_open_retry_blocking(struct io_open *open, long err)
{
	if (err == -EAGAIN)
		return true;
	/* a FIFO without a reader refuses O_NONBLOCK writers */
	return err == -ENXIO && !open->user_nonblock;
}

/* What OPENAT and OPENAT2 share, once their open_how is known. */
static int io_open_prep_common(struct io_kiocb *req,
			       const struct io_uring_sqe *sqe,
			       struct open_how *how)
{
	struct io_open *open = io_kiocb_to_cmd(req, struct io_open);
	const char __user *path = u64_to_user_ptr(READ_ONCE(sqe->addr));
	struct filename *name;
	int ret;

	open->file_slot = READ_ONCE(sqe->file_index);
	/* a direct descriptor has no close-on-exec to honour */
	if (open->file_slot && (how->flags & O_CLOEXEC))
		return -EINVAL;
	ret = build_open_flags(how, &open->op);
	if (ret)
		return ret;
	open->how_flags = how->flags;
	open->how_mode = how->mode;
	open->how_resolve = how->resolve;
	open->fd_flags = how->flags & O_CLOEXEC;
	open->user_nonblock = how->flags & O_NONBLOCK;
	/* RESOLVE_CACHED: the user wants -EAGAIN, not a trip to io-wq */
	if (how->resolve & RESOLVE_CACHED)
		req->nowait = true;

	name = getname(path);
	if (IS_ERR(name))
		return PTR_ERR(name);
	open->filename = name;
	return 0;
}

/* The fields every open reads the same way; sqe->fd is a plain dir fd. */
static int io_open_check_sqe(struct io_kiocb *req,
			     const struct io_uring_sqe *sqe)
{
	struct io_open *open = io_kiocb_to_cmd(req, struct io_open);

	if (READ_ONCE(sqe->buf_index))
		return -EINVAL;
	if (req->sqe_flags & IOSQE_FIXED_FILE)
		return -EBADF;
	open->dfd = READ_ONCE(sqe->fd);
	return 0;
}

/**
 * io_openat_prep - prepare IORING_OP_OPENAT
 * @req: the request
 * @sqe: fd is the directory, addr the path, open_flags the flags, len the
 *	 mode and file_index an optional fixed slot
 *
 * Return: 0, or a negative errno for the CQE.
 */
int io_openat_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	struct open_how how;
	umode_t mode;
	int flags, ret;

	ret = io_open_check_sqe(req, sqe);
	if (ret)
		return ret;
	mode = READ_ONCE(sqe->len);
	flags = READ_ONCE(sqe->open_flags);
	/* as openat(2): unknown flags are dropped, not refused */
	if (force_o_largefile())
		flags |= O_LARGEFILE;
	how = build_open_how(flags, mode);
	return io_open_prep_common(req, sqe, &how);
}

/**
 * io_open_bpf_pdu - an OPENAT's or OPENAT2's part of a filter's context
 * @req: the request, prepared
 * @bctx: the context: open.flags, mode and resolve, as the open will use
 *	  them (OPENAT: its flags and mode; both: O_LARGEFILE where forced)
 */
void io_open_bpf_pdu(struct io_kiocb *req, struct io_uring_bpf_ctx *bctx)
{
	struct io_open *open = io_kiocb_to_cmd(req, struct io_open);

	bctx->open.flags = open->how_flags;
	bctx->open.mode = open->how_mode;
	bctx->open.resolve = open->how_resolve;
}

/**
 * io_openat2_prep - prepare IORING_OP_OPENAT2
 * @req: the request
 * @sqe: fd is the directory, addr the path, addr2 a struct open_how of len
 *	 bytes and file_index an optional fixed slot
 *
 * Return: 0, or a negative errno for the CQE.
 */
int io_openat2_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	struct open_how __user *uhow;
	struct open_how how;
	size_t size;
	int ret;

	ret = io_open_check_sqe(req, sqe);
	if (ret)
		return ret;
	uhow = u64_to_user_ptr(READ_ONCE(sqe->addr2));
	size = READ_ONCE(sqe->len);
	if (size < OPEN_HOW_SIZE_VER0)
		return -EINVAL;
	if (size > PAGE_SIZE)
		return -E2BIG;
	ret = copy_struct_from_user(&how, sizeof(how), uhow, size);
	if (ret)
		return ret;
	audit_openat2_how(&how);
	if (!(how.flags & O_PATH) && force_o_largefile())
		how.flags |= O_LARGEFILE;
	return io_open_prep_common(req, sqe, &how);
}

/* Hand the new file to the fd table or to the fixed table. */
static int io_open_install(struct io_kiocb *req, unsigned int issue_flags,
			   struct file *file, int fd)
{
	struct io_open *open = io_kiocb_to_cmd(req, struct io_open);

	if (!open->file_slot) {
		fd_install(fd, file);
		return fd;
	}
	return io_fixed_fd_install(req, issue_flags, file, open->file_slot);
}

/**
 * io_openat - issue IORING_OP_OPENAT or OPENAT2
 * @req: the request
 * @issue_flags: IO_URING_F_*
 *
 * Return: 0 with req->res the new fd (0 or the picked slot for a direct
 * open), a negative errno, or -EAGAIN to be retried blocking.
 */
int io_openat(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_open *open = io_kiocb_to_cmd(req, struct io_open);
	bool nonblock = issue_flags & IO_URING_F_NONBLOCK;
	struct open_flags op = open->op;
	struct file *file;
	int fd = -1, ret;

	if (nonblock) {
		/* creating or truncating always means real I/O */
		if (op.open_flag & (O_CREAT | O_TRUNC | __O_TMPFILE))
			return -EAGAIN;
		op.lookup_flags |= LOOKUP_CACHED;
		op.open_flag |= O_NONBLOCK;
	}
	if (!open->file_slot) {
		fd = get_unused_fd_flags(open->fd_flags);
		if (fd < 0)
			return fd;
	}
	file = do_filp_open(open->dfd, open->filename, &op);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		if (fd >= 0)
			put_unused_fd(fd);
		if (nonblock && io_open_retry_blocking(open, ret))
			return -EAGAIN;
		return io_open_no_restart(ret);
	}
	/* not yet visible to anyone: no f_lock needed */
	if (nonblock && !open->user_nonblock)
		file->f_flags &= ~O_NONBLOCK;

	ret = io_open_install(req, issue_flags, file, fd);
	if (ret < 0)
		return ret;
	req->res = ret;
	return 0;
}

/**
 * io_open_cleanup - release what an open's prep took
 * @req: the request
 */
void io_open_cleanup(struct io_kiocb *req)
{
	struct io_open *open = io_kiocb_to_cmd(req, struct io_open);

	if (open->filename)
		putname(open->filename);
}

/**
 * io_close_prep - prepare IORING_OP_CLOSE
 * @req: the request
 * @sqe: fd is the descriptor to close, or file_index the fixed slot (one
 *	 of the two only); IOSQE_FIXED_FILE is refused with -EBADF
 *
 * Return: 0, or a negative errno for the CQE.
 */
int io_close_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	struct io_close *close = io_kiocb_to_cmd(req, struct io_close);

	/* CLOSE names its target in fd or file_index, never in the flags */
	if (req->sqe_flags & IOSQE_FIXED_FILE)
		return -EBADF;
	close->file_slot = READ_ONCE(sqe->file_index);
	close->fd = READ_ONCE(sqe->fd);
	if ((close->file_slot && close->fd) || READ_ONCE(sqe->buf_index) ||
	    READ_ONCE(sqe->rw_flags) || READ_ONCE(sqe->len) ||
	    READ_ONCE(sqe->addr) || READ_ONCE(sqe->off))
		return -EINVAL;
	return 0;
}

/*
 * Take @fd out of the task's table, as close(2) does, unless it is a ring
 * (a ring closed under its own requests is refused) or its ->flush() may
 * sleep while we must not.
 */
static int io_close_fd(int fd, unsigned int issue_flags, struct file **filep)
{
	struct files_struct *files = current->files;
	struct file *file;

	spin_lock(&files->file_lock);
	file = files_lookup_fd_locked(files, fd);
	if (!file || io_is_uring_fops(file)) {
		spin_unlock(&files->file_lock);
		return -EBADF;
	}
	if (file->f_op->flush && (issue_flags & IO_URING_F_NONBLOCK)) {
		spin_unlock(&files->file_lock);
		return -EAGAIN;
	}
	*filep = file_close_fd_locked(files, fd);
	spin_unlock(&files->file_lock);
	return *filep ? 0 : -EBADF;
}

/**
 * io_close - issue IORING_OP_CLOSE
 * @req: the request
 * @issue_flags: IO_URING_F_*
 *
 * Return: 0 with req->res 0, a negative errno, or -EAGAIN to be retried
 * blocking (a file with ->flush()).
 */
int io_close(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_close *close = io_kiocb_to_cmd(req, struct io_close);
	struct file *file = NULL;
	int ret;

	if (close->file_slot) {
		ret = io_fixed_fd_remove(req->ctx, issue_flags,
					 close->file_slot - 1);
		if (ret < 0)
			return ret;
		req->res = 0;
		return 0;
	}
	ret = io_close_fd(close->fd, issue_flags, &file);
	if (ret)
		return ret;
	/* the descriptor is gone either way: no restart */
	ret = io_open_no_restart(filp_close(file, current->files));
	if (ret < 0)
		return ret;
	req->res = 0;
	return 0;
}

/**
 * io_install_fixed_fd_prep - prepare IORING_OP_FIXED_FD_INSTALL
 * @req: the request, whose file the core took from the fixed table
 * @sqe: fd is the fixed slot (IOSQE_FIXED_FILE required), install_fd_flags
 *	 zero or IORING_FIXED_FD_NO_CLOEXEC
 *
 * Return: 0, or a negative errno for the CQE.
 */
int io_install_fixed_fd_prep(struct io_kiocb *req,
			     const struct io_uring_sqe *sqe)
{
	struct io_fd_install *ifi = io_kiocb_to_cmd(req, struct io_fd_install);
	u32 flags;

	if (READ_ONCE(sqe->off) || READ_ONCE(sqe->addr) ||
	    READ_ONCE(sqe->len) || READ_ONCE(sqe->buf_index) ||
	    READ_ONCE(sqe->splice_fd_in) || READ_ONCE(sqe->addr3))
		return -EINVAL;
	/* only a fixed file can be installed */
	if (!(req->sqe_flags & IOSQE_FIXED_FILE))
		return -EBADF;
	flags = READ_ONCE(sqe->install_fd_flags);
	if (flags & ~IORING_FIXED_FD_NO_CLOEXEC)
		return -EINVAL;
	/* no planting files in the fd table under borrowed credentials */
	if (req->creds)
		return -EPERM;
	ifi->o_flags = (flags & IORING_FIXED_FD_NO_CLOEXEC) ? 0 : O_CLOEXEC;
	return 0;
}

/**
 * io_install_fixed_fd - issue IORING_OP_FIXED_FD_INSTALL
 * @req: the request
 * @issue_flags: IO_URING_F_*
 *
 * Return: 0 with req->res the new fd, or a negative errno.
 */
int io_install_fixed_fd(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_fd_install *ifi = io_kiocb_to_cmd(req, struct io_fd_install);
	int fd;

	fd = receive_fd(ifi->file, NULL, ifi->o_flags);
	if (fd < 0)
		return fd;
	req->res = fd;
	return 0;
}
