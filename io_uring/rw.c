// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_READ, WRITE, READV and WRITEV on any file with ->read_iter or
 * ->write_iter: regular files, pipes, sockets, ttys, eventfds, ...
 *
 * The buffer (or iovec array, copied at prep) is turned into an iov_iter
 * once and kept in req->async, so a retry, from poll or from io-wq,
 * carries on where the last try stopped. An offset of -1 means the file
 * position (IORING_FEAT_RW_CUR_POS).
 */
#include <linux/kernel.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fsnotify.h>
#include <linux/uio.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/io_uring.h>

#include "uring.h"
#include "opdef.h"

/* The iterator over the request's buffers, kept across retries. */
struct io_rw_state {
	struct iov_iter		iter;
	struct iov_iter_state	saved;
	struct iovec		*free_iov;
	ssize_t			done;		/* bytes moved by earlier tries */
	struct iovec		fast_iov[UIO_FASTIOV];
};

struct io_rw {
	struct file		*file;
	loff_t			pos;
	rwf_t			flags;
	bool			cur_pos;	/* offset -1: use and move f_pos */
};

int io_rw_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	struct io_rw *rw = io_kiocb_to_cmd(req, struct io_rw);
	u8 op = req->opcode;
	int dir = (op == IORING_OP_READ || op == IORING_OP_READV) ? ITER_DEST : ITER_SOURCE;
	void __user *buf = u64_to_user_ptr(READ_ONCE(sqe->addr));
	u32 len = READ_ONCE(sqe->len);
	struct io_rw_state *st;
	struct iovec *iov;
	ssize_t ret;

	if (READ_ONCE(sqe->buf_index) || READ_ONCE(sqe->splice_fd_in))
		return -EINVAL;
	rw->pos = READ_ONCE(sqe->off);
	rw->cur_pos = rw->pos == -1;
	rw->flags = (__force rwf_t)READ_ONCE(sqe->rw_flags);
	st = kmalloc(sizeof(*st), GFP_KERNEL_ACCOUNT);
	if (!st)
		return -ENOMEM;
	req->async = st;
	st->done = 0;
	st->free_iov = NULL;
	if (op == IORING_OP_READ || op == IORING_OP_WRITE)
		return import_ubuf(dir, buf, len, &st->iter);
	iov = st->fast_iov;
	ret = import_iovec(dir, buf, len, UIO_FASTIOV, &iov, &st->iter);
	if (ret < 0)
		return ret;
	st->free_iov = iov;
	return 0;
}

void io_rw_cleanup(struct io_kiocb *req)
{
	struct io_rw_state *st = req->async;

	if (st)
		kfree(st->free_iov);
}

/* For a file that cannot do IOCB_NOWAIT: would the call block now? */
static bool io_rw_would_block(struct file *file, int dir)
{
	__poll_t want = dir == ITER_DEST ? EPOLLIN | EPOLLRDNORM :
					   EPOLLOUT | EPOLLWRNORM;

	if (!file_can_poll(file))
		return true;
	return !(vfs_poll(file, NULL) & (want | EPOLLERR | EPOLLHUP));
}

static int io_rw_init_kiocb(struct io_kiocb *req, struct kiocb *kiocb, int dir,
			    bool nonblock)
{
	struct io_rw *rw = io_kiocb_to_cmd(req, struct io_rw);
	struct file *file = rw->file;
	int ret;

	init_sync_kiocb(kiocb, file);
	ret = kiocb_set_rw_flags(kiocb, rw->flags, dir == ITER_DEST ? READ : WRITE);
	if (ret)
		return ret;
	if (kiocb->ki_flags & IOCB_NOWAIT)
		req->nowait = true;
	else if ((file->f_flags & O_NONBLOCK) && !(file->f_mode & FMODE_NOWAIT))
		req->nowait = true;
	if (nonblock) {
		if (file->f_mode & FMODE_NOWAIT)
			kiocb->ki_flags |= IOCB_NOWAIT;
		else if (io_rw_would_block(file, dir))
			return -EAGAIN;
	}
	if (rw->cur_pos)
		kiocb->ki_pos = (file->f_mode & FMODE_STREAM) ? 0 : file->f_pos;
	else
		kiocb->ki_pos = rw->pos;
	return 0;
}

static ssize_t io_rw_call(struct kiocb *kiocb, struct iov_iter *iter, int dir,
			  bool nonblock)
{
	struct file *file = kiocb->ki_filp;
	bool reg = S_ISREG(file_inode(file)->i_mode);
	loff_t *ppos = (file->f_mode & FMODE_STREAM) ? NULL : &kiocb->ki_pos;
	ssize_t ret;

	ret = rw_verify_area(dir == ITER_DEST ? READ : WRITE, file, ppos,
			     iov_iter_count(iter));
	if (ret)
		return ret;
	if (dir == ITER_DEST)
		return file->f_op->read_iter(kiocb, iter);
	if (reg) {
		if (!nonblock)
			sb_start_write(file_inode(file)->i_sb);
		else if (!sb_start_write_trylock(file_inode(file)->i_sb))
			return -EAGAIN;
	}
	ret = file->f_op->write_iter(kiocb, iter);
	if (reg)
		sb_end_write(file_inode(file)->i_sb);
	return ret;
}

/* A non-blocking try made progress: may the rest go on in io-wq? */
static bool io_rw_continue(struct kiocb *kiocb, struct iov_iter *iter, int dir)
{
	struct inode *inode = file_inode(kiocb->ki_filp);

	if (!iov_iter_count(iter) || !S_ISREG(inode->i_mode))
		return false;
	/* a short read at the end of the file is the answer, not a stall */
	return dir == ITER_SOURCE || kiocb->ki_pos < i_size_read(inode);
}

static int io_rw_result(struct io_kiocb *req, struct io_rw_state *st,
			ssize_t ret, size_t want)
{
	if (ret == -ERESTARTSYS || ret == -ERESTARTNOINTR ||
	    ret == -ERESTARTNOHAND || ret == -ERESTART_RESTARTBLOCK)
		ret = -EINTR;
	if (ret < 0 && !st->done)
		return ret;
	req->res = st->done;
	/* a short transfer breaks a link chain */
	if (iov_iter_count(&st->iter) && want)
		req->failed = true;
	return 0;
}

static int io_rw(struct io_kiocb *req, unsigned int issue_flags, int dir)
{
	struct io_rw *rw = io_kiocb_to_cmd(req, struct io_rw);
	bool nonblock = issue_flags & IO_URING_F_NONBLOCK;
	struct io_rw_state *st = req->async;
	struct file *file = rw->file;
	struct kiocb kiocb;
	size_t want;
	ssize_t ret;

	if (!(file->f_mode & (dir == ITER_DEST ? FMODE_READ : FMODE_WRITE)))
		return -EBADF;
	if (dir == ITER_DEST ? !file->f_op->read_iter : !file->f_op->write_iter)
		return -EINVAL;
	ret = io_rw_init_kiocb(req, &kiocb, dir, nonblock);
	if (ret)
		return ret;
	want = iov_iter_count(&st->iter);
	iov_iter_save_state(&st->iter, &st->saved);
	ret = io_rw_call(&kiocb, &st->iter, dir, nonblock);
	if (ret == -EAGAIN || (ret == -EOPNOTSUPP && (kiocb.ki_flags & IOCB_NOWAIT))) {
		iov_iter_restore(&st->iter, &st->saved);
		if (nonblock && !req->nowait)
			return -EAGAIN;
		ret = -EAGAIN;
	}
	if (ret > 0) {
		/* as read(2) and write(2) do, tell fanotify/inotify */
		if (dir == ITER_DEST)
			fsnotify_access(file);
		else
			fsnotify_modify(file);
		st->done += ret;
		/* the iterator must reflect exactly what was moved */
		iov_iter_restore(&st->iter, &st->saved);
		iov_iter_advance(&st->iter, ret);
		if (rw->cur_pos && !(file->f_mode & FMODE_STREAM))
			file->f_pos = kiocb.ki_pos;
		else
			rw->pos = kiocb.ki_pos;
		if (nonblock && !req->nowait && io_rw_continue(&kiocb, &st->iter, dir))
			return -EAGAIN;
	}
	return io_rw_result(req, st, ret, want);
}

int io_read(struct io_kiocb *req, unsigned int issue_flags)
{
	return io_rw(req, issue_flags, ITER_DEST);
}

int io_write(struct io_kiocb *req, unsigned int issue_flags)
{
	return io_rw(req, issue_flags, ITER_SOURCE);
}
