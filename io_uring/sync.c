// SPDX-License-Identifier: GPL-2.0
/*
 * Data integrity and hints: IORING_OP_FSYNC, SYNC_FILE_RANGE, FALLOCATE,
 * FADVISE and MADVISE, each the equivalent of its system call.
 *
 * Syncing, allocating and most advice wait on I/O or on locks, so those
 * run in io-wq. The fadvise hints that only set per-file readahead state
 * are cheap and done inline.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/fadvise.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/io_uring.h>

#include "uring.h"
#include "opdef.h"

struct io_sync {
	struct file		*file;
	loff_t			off;
	loff_t			len;
	unsigned int		flags;
};

struct io_fallocate {
	struct file		*file;
	loff_t			off;
	loff_t			len;
	int			mode;
};

struct io_fadvise {
	struct file		*file;
	loff_t			off;
	loff_t			len;
	int			advice;
};

struct io_madvise {
	struct file		*file;		/* unused: no needs_file */
	unsigned long		addr;
	size_t			len;
	int			advice;
};

/* A CQE result from a helper's return value. */
static int io_sync_done(struct io_kiocb *req, int ret)
{
	if (ret < 0)
		return ret;
	req->res = ret;
	return 0;
}

/**
 * io_fsync_prep - prepare IORING_OP_FSYNC
 * @req: the request
 * @sqe: fd the file, fsync_flags 0 or IORING_FSYNC_DATASYNC, off and len
 *	 an optional range (len 0: to the end of the file)
 *
 * Return: 0, or a negative errno for the CQE.
 */
int io_fsync_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	struct io_sync *sync = io_kiocb_to_cmd(req, struct io_sync);

	if (READ_ONCE(sqe->addr) || READ_ONCE(sqe->buf_index) ||
	    READ_ONCE(sqe->splice_fd_in))
		return -EINVAL;
	sync->flags = READ_ONCE(sqe->fsync_flags);
	if (sync->flags & ~IORING_FSYNC_DATASYNC)
		return -EINVAL;
	sync->off = READ_ONCE(sqe->off);
	sync->len = READ_ONCE(sqe->len);
	return 0;
}

/**
 * io_fsync - issue IORING_OP_FSYNC
 * @req: the request
 * @issue_flags: IO_URING_F_*
 *
 * Return: 0 with req->res 0, a negative errno, or -EAGAIN for io-wq.
 */
int io_fsync(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_sync *sync = io_kiocb_to_cmd(req, struct io_sync);
	loff_t end;

	if (issue_flags & IO_URING_F_NONBLOCK)
		return -EAGAIN;
	/* the last byte to sync; no length, or past the end: everything */
	if (!sync->len || check_add_overflow(sync->off, sync->len - 1, &end))
		end = LLONG_MAX;
	return io_sync_done(req, vfs_fsync_range(sync->file, sync->off, end,
				sync->flags & IORING_FSYNC_DATASYNC));
}

/**
 * io_sfr_prep - prepare IORING_OP_SYNC_FILE_RANGE
 * @req: the request
 * @sqe: fd the file, off and len the range, sync_range_flags the
 *	 sync_file_range(2) flags
 *
 * Return: 0, or a negative errno for the CQE.
 */
int io_sfr_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	struct io_sync *sync = io_kiocb_to_cmd(req, struct io_sync);

	if (READ_ONCE(sqe->addr) || READ_ONCE(sqe->buf_index) ||
	    READ_ONCE(sqe->splice_fd_in))
		return -EINVAL;
	sync->off = READ_ONCE(sqe->off);
	sync->len = READ_ONCE(sqe->len);
	sync->flags = READ_ONCE(sqe->sync_range_flags);
	return 0;
}

/**
 * io_sync_file_range - issue IORING_OP_SYNC_FILE_RANGE
 * @req: the request
 * @issue_flags: IO_URING_F_*
 *
 * Return: 0 with req->res 0, a negative errno, or -EAGAIN for io-wq.
 */
int io_sync_file_range(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_sync *sync = io_kiocb_to_cmd(req, struct io_sync);

	if (issue_flags & IO_URING_F_NONBLOCK)
		return -EAGAIN;
	return io_sync_done(req, sync_file_range(sync->file, sync->off,
						 sync->len, sync->flags));
}

/**
 * io_fallocate_prep - prepare IORING_OP_FALLOCATE
 * @req: the request
 * @sqe: fd the file, len the mode, off the offset and addr the length
 *
 * Return: 0, or a negative errno for the CQE.
 */
int io_fallocate_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	struct io_fallocate *fa = io_kiocb_to_cmd(req, struct io_fallocate);

	if (READ_ONCE(sqe->buf_index) || READ_ONCE(sqe->rw_flags) ||
	    READ_ONCE(sqe->splice_fd_in))
		return -EINVAL;
	fa->off = READ_ONCE(sqe->off);
	fa->len = READ_ONCE(sqe->addr);
	fa->mode = READ_ONCE(sqe->len);
	return 0;
}

/**
 * io_fallocate - issue IORING_OP_FALLOCATE
 * @req: the request
 * @issue_flags: IO_URING_F_*
 *
 * Return: 0 with req->res 0, a negative errno, or -EAGAIN for io-wq.
 */
int io_fallocate(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_fallocate *fa = io_kiocb_to_cmd(req, struct io_fallocate);

	if (issue_flags & IO_URING_F_NONBLOCK)
		return -EAGAIN;
	/* vfs_fallocate() tells fsnotify on success */
	return io_sync_done(req, vfs_fallocate(fa->file, fa->mode, fa->off,
					       fa->len));
}

/**
 * io_fadvise_prep - prepare IORING_OP_FADVISE
 * @req: the request
 * @sqe: fd the file, off the offset, fadvise_advice the advice; the
 *	 length is addr (64 bits) or, when addr is 0, len
 *
 * Return: 0, or a negative errno for the CQE.
 */
int io_fadvise_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	struct io_fadvise *fa = io_kiocb_to_cmd(req, struct io_fadvise);

	if (READ_ONCE(sqe->buf_index) || READ_ONCE(sqe->splice_fd_in))
		return -EINVAL;
	fa->advice = READ_ONCE(sqe->fadvise_advice);
	fa->off = READ_ONCE(sqe->off);
	fa->len = READ_ONCE(sqe->addr) ?: READ_ONCE(sqe->len);
	return 0;
}

/* Advice that only changes the file's readahead state does not block. */
static bool io_fadvise_nonblocking(int advice)
{
	switch (advice) {
	case POSIX_FADV_NORMAL:
	case POSIX_FADV_RANDOM:
	case POSIX_FADV_SEQUENTIAL:
		return true;
	default:
		return false;
	}
}

/**
 * io_fadvise - issue IORING_OP_FADVISE
 * @req: the request
 * @issue_flags: IO_URING_F_*
 *
 * Return: 0 with req->res 0, a negative errno, or -EAGAIN for io-wq.
 */
int io_fadvise(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_fadvise *fa = io_kiocb_to_cmd(req, struct io_fadvise);

	if ((issue_flags & IO_URING_F_NONBLOCK) &&
	    !io_fadvise_nonblocking(fa->advice))
		return -EAGAIN;
	return io_sync_done(req, vfs_fadvise(fa->file, fa->off, fa->len,
					     fa->advice));
}

/* madvise(2) exists only with an MMU and CONFIG_ADVISE_SYSCALLS. */
#define IO_HAVE_MADVISE	(IS_ENABLED(CONFIG_ADVISE_SYSCALLS) && IS_ENABLED(CONFIG_MMU))

/**
 * io_madvise_prep - prepare IORING_OP_MADVISE
 * @req: the request
 * @sqe: addr the start, fadvise_advice the advice; the length is off (64
 *	 bits) or, when off is 0, len
 *
 * Return: 0, or a negative errno for the CQE (-EOPNOTSUPP without
 * madvise(2) in the kernel).
 */
int io_madvise_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	struct io_madvise *ma = io_kiocb_to_cmd(req, struct io_madvise);

	if (!IO_HAVE_MADVISE)
		return -EOPNOTSUPP;
	if (READ_ONCE(sqe->buf_index) || READ_ONCE(sqe->splice_fd_in))
		return -EINVAL;
	ma->advice = READ_ONCE(sqe->fadvise_advice);
	ma->addr = READ_ONCE(sqe->addr);
	ma->len = READ_ONCE(sqe->off) ?: READ_ONCE(sqe->len);
	return 0;
}

/**
 * io_madvise - issue IORING_OP_MADVISE on the submitter's memory
 * @req: the request
 * @issue_flags: IO_URING_F_*
 *
 * Return: 0 with req->res 0, a negative errno, or -EAGAIN for io-wq.
 */
int io_madvise(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_madvise *ma = io_kiocb_to_cmd(req, struct io_madvise);

	if (!IO_HAVE_MADVISE)
		return -EOPNOTSUPP;
	/* takes mmap_lock, may fault pages in or write them back */
	if (issue_flags & IO_URING_F_NONBLOCK)
		return -EAGAIN;
	return io_sync_done(req, do_madvise(current->mm, ma->addr, ma->len,
					    ma->advice));
}
