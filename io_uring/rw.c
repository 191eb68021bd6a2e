// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_READ, WRITE, READV, WRITEV, READ_FIXED, WRITE_FIXED,
 * READV_FIXED and WRITEV_FIXED on any file with ->read_iter or
 * ->write_iter: regular files, pipes, sockets, ttys, eventfds, ... The
 * _FIXED ones move data to or from a registered buffer's pinned pages; the
 * vectored ones take an iovec array whose parts, for READV_FIXED and
 * WRITEV_FIXED, all lie in that buffer.
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
#include <linux/blk-mq.h>
#include <linux/ioprio.h>
#include <linux/io_uring.h>

#include "uring.h"
#include "opdef.h"
#include "apoll.h"
#include "mshot.h"
#include "iopoll.h"
#include "issue.h"
#include "kbuf.h"
#include "submit.h"
#include "tw.h"

#include <trace/events/io_uring.h>

/*
 * The iterator over the request's buffers, kept across retries, and the
 * kiocb of the current try, which an asynchronous (O_DIRECT) try hands to
 * the file: it completes through ->ki_complete, possibly in irq context.
 */
struct io_rw_state {
	struct iov_iter		iter;
	struct iov_iter_state	saved;
	void			*free_vec;	/* iovec or bio_vec array */
	ssize_t			done;		/* bytes moved by earlier tries */
	long			async_res;	/* ->ki_complete's result */
	struct io_iopoll	iopoll;		/* IOPOLL: awaits the reaper */
	struct io_kiocb		*req;
	struct kiocb		kiocb;
	struct iovec		fast_iov[];	/* READV/WRITEV only */
};

/* A retry's poll fits beside the state in its slot (io_req_async_spare()). */
static_assert(sizeof(struct io_rw_state) + sizeof(struct io_poll) <= IO_ASYNC_SIZE);

struct io_rw {
	struct file		*file;
	loff_t			pos;
	rwf_t			flags;
	u16			ioprio;		/* 0: the task's */
	bool			cur_pos;	/* offset -1: use and move f_pos */
	bool			select;		/* a provided buffer is read into */
	size_t			sel_len;	/* ... at most this much of it */
	size_t			want;		/* bytes asked of this try */
	loff_t			async_pos;	/* where an asynchronous try began */
};

static int io_rw_dir(struct io_kiocb *req)
{
	u8 op = req->opcode;

	return (op == IORING_OP_READ || op == IORING_OP_READV ||
		op == IORING_OP_READ_FIXED || op == IORING_OP_READV_FIXED ||
		op == IORING_OP_READ_MULTISHOT) ? ITER_DEST : ITER_SOURCE;
}

/*
 * IOSQE_BUFFER_SELECT: the buffer is picked at issue. READV names how much
 * it wants in its one iovec.
 */
static int io_rw_prep_select(struct io_kiocb *req, void __user *buf, u32 len)
{
	struct io_rw *rw = io_kiocb_to_cmd(req, struct io_rw);
	struct iovec iov;

	rw->select = true;
	rw->sel_len = len;
	if (req->opcode == IORING_OP_READ_MULTISHOT) {
		req->multishot = true;
		return 0;
	}
	if (req->opcode != IORING_OP_READV)
		return 0;
	if (len != 1)
		return -EINVAL;
	if (io_user_iovec(req->ctx, &iov, buf, 0))
		return -EFAULT;
	rw->sel_len = iov.iov_len;
	return 0;
}

/* Pick the provided buffer of this try and read into it. */
static int io_rw_select(struct io_kiocb *req, struct io_rw_state *st,
			unsigned int issue_flags)
{
	size_t len = io_kiocb_to_cmd(req, struct io_rw)->sel_len;
	void __user *buf = io_buffer_select(req, &len, issue_flags);

	if (IS_ERR(buf))
		return PTR_ERR(buf);
	return import_ubuf(ITER_DEST, buf, len, &st->iter);
}

/* READV_FIXED, WRITEV_FIXED: slices of the registered buffer's pages. */
static int io_rw_prep_fixed_vec(struct io_kiocb *req, struct io_rw_state *st,
				const struct iovec __user *uvec, u32 nr,
				u16 buf_index)
{
	struct bio_vec *bv;
	int ret;

	ret = io_req_fixed_buf(req, buf_index);
	if (ret)
		return ret;
	bv = io_import_fixed_vec(req, io_rw_dir(req), uvec, nr, &st->iter);
	if (IS_ERR(bv))
		return PTR_ERR(bv);
	st->free_vec = bv;
	return 0;
}

int io_rw_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	struct io_rw *rw = io_kiocb_to_cmd(req, struct io_rw);
	u8 op = req->opcode;
	int dir = io_rw_dir(req);
	bool fixed_vec = op == IORING_OP_READV_FIXED || op == IORING_OP_WRITEV_FIXED;
	bool fixed = fixed_vec || op == IORING_OP_READ_FIXED ||
		     op == IORING_OP_WRITE_FIXED;
	void __user *buf = u64_to_user_ptr(READ_ONCE(sqe->addr));
	u16 buf_index = READ_ONCE(sqe->buf_index);
	u32 len = READ_ONCE(sqe->len);
	struct io_rw_state *st;
	struct iovec *iov;
	bool vectored;
	ssize_t ret;

	/* with IOSQE_BUFFER_SELECT, buf_index is the buffer group */
	if (buf_index && !fixed && !(req->sqe_flags & IOSQE_BUFFER_SELECT))
		return -EINVAL;
	if (READ_ONCE(sqe->splice_fd_in))
		return -EINVAL;
	rw->ioprio = READ_ONCE(sqe->ioprio);
	if (rw->ioprio) {
		ret = ioprio_check_cap(rw->ioprio);
		if (ret)
			return ret;
	}
	rw->pos = READ_ONCE(sqe->off);
	rw->cur_pos = rw->pos == -1;
	rw->flags = (__force rwf_t)READ_ONCE(sqe->rw_flags);
	vectored = (op == IORING_OP_READV || op == IORING_OP_WRITEV) &&
		   !(req->sqe_flags & IOSQE_BUFFER_SELECT);
	st = io_req_async_alloc(req, struct_size(st, fast_iov,
						 vectored ? UIO_FASTIOV : 0));
	if (!st)
		return -ENOMEM;
	st->done = 0;
	st->free_vec = NULL;
	st->req = req;
	rw->select = false;
	if (req->sqe_flags & IOSQE_BUFFER_SELECT)
		return io_rw_prep_select(req, buf, len);
	if (req->opcode == IORING_OP_READ_MULTISHOT)
		return -EINVAL;
	if (fixed_vec)
		return io_rw_prep_fixed_vec(req, st, buf, len, buf_index);
	if (fixed) {
		ret = io_req_fixed_buf(req, buf_index);
		if (ret)
			return ret;
		return io_import_fixed(req, dir, (u64)(uintptr_t)buf, len, &st->iter);
	}
	if (op == IORING_OP_READ || op == IORING_OP_WRITE)
		return import_ubuf(dir, buf, len, &st->iter);
	iov = st->fast_iov;
	/* a 32-bit ring's iovecs are compat ones, whoever issues it */
	ret = __import_iovec(dir, buf, len, UIO_FASTIOV, &iov, &st->iter,
			     io_is_compat(req->ctx));
	if (ret < 0)
		return ret;
	st->free_vec = iov;
	return 0;
}

void io_rw_cleanup(struct io_kiocb *req)
{
	struct io_rw_state *st = req->async;

	/* most hold none: spare them the call */
	if (!st || !st->free_vec)
		return;
	kvfree(st->free_vec);
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
	if (rw->ioprio)
		kiocb->ki_ioprio = rw->ioprio;
	ret = kiocb_set_rw_flags(kiocb, rw->flags, dir == ITER_DEST ? READ : WRITE);
	if (ret)
		return ret;
	/* a block device may take its bios from the per-CPU cache */
	kiocb->ki_flags |= IOCB_ALLOC_CACHE;
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
	if (req->ctx->flags & IORING_SETUP_IOPOLL) {
		/* completions are polled for: only direct I/O can be */
		if (!(kiocb->ki_flags & IOCB_DIRECT) || !file->f_op->iopoll)
			return -EOPNOTSUPP;
		kiocb->ki_flags |= IOCB_HIPRI;
	} else if (kiocb->ki_flags & IOCB_HIPRI) {
		/* RWF_HIPRI: nobody would poll for it; it would wait for the device's timeout */
		return -EINVAL;
	}
	if (rw->cur_pos)
		kiocb->ki_pos = (file->f_mode & FMODE_STREAM) ? 0 : file->f_pos;
	else
		kiocb->ki_pos = rw->pos;
	return 0;
}

/*
 * Freeze protection of a write: taken here, dropped when the write is
 * over, which for an asynchronous one is in its completion (and maybe in
 * irq context), so lockdep is told it changes hands.
 */
static bool io_rw_start_write(struct kiocb *kiocb, bool nonblock)
{
	struct super_block *sb = file_inode(kiocb->ki_filp)->i_sb;

	if (!nonblock)
		sb_start_write(sb);
	else if (!sb_start_write_trylock(sb))
		return false;
	if (kiocb->ki_complete)
		__sb_writers_release(sb, SB_FREEZE_WRITE);
	return true;
}

static void io_rw_end_write(struct kiocb *kiocb)
{
	struct super_block *sb = file_inode(kiocb->ki_filp)->i_sb;

	if (kiocb->ki_complete)
		__sb_writers_acquired(sb, SB_FREEZE_WRITE);
	sb_end_write(sb);
}

/**
 * io_rw_file_check - may @file be read (or written) at all?
 * @file: the request's file
 * @dir: ITER_DEST to read into the buffers, ITER_SOURCE to write them
 *
 * Every file the user names is checked before any of its methods is
 * called: it must be open for the direction and have a method for it.
 *
 * Return: 0, -EBADF when not open for it, -EINVAL when it has no method.
 */
static int io_rw_file_check(struct file *file, int dir)
{
	const struct file_operations *fops = file->f_op;

	if (dir == ITER_DEST) {
		if (!(file->f_mode & FMODE_READ))
			return -EBADF;
		return fops->read_iter || fops->read ? 0 : -EINVAL;
	}
	if (!(file->f_mode & FMODE_WRITE))
		return -EBADF;
	return fops->write_iter || fops->write ? 0 : -EINVAL;
}

/*
 * A file with ->read or ->write but no iterator method (timerfd, inotify,
 * some character devices): one call per user segment, as read(2) makes.
 * Only user memory can be handed to such a method, never a registered
 * buffer's pages. Such a method knows nothing of IOCB_NOWAIT: unless the
 * file itself is O_NONBLOCK, a try that must not block is not made (it
 * would block with the ring lock held).
 */
static ssize_t io_rw_by_segment(struct kiocb *kiocb, struct iov_iter *iter,
				int dir, loff_t *ppos, bool nonblock)
{
	struct file *file = kiocb->ki_filp;
	ssize_t moved = 0;

	if ((nonblock || (kiocb->ki_flags & IOCB_NOWAIT)) &&
	    !(file->f_flags & O_NONBLOCK))
		return -EAGAIN;
	if (!user_backed_iter(iter))
		return -EFAULT;
	while (iov_iter_count(iter)) {
		void __user *base = iter_iov_addr(iter);
		/* a ubuf's length is the count itself (they share storage) */
		size_t len = iter_is_ubuf(iter) ? iov_iter_count(iter) :
			     min(iov_iter_count(iter), iter_iov_len(iter));
		ssize_t n;

		if (!len)
			break;

		if (dir == ITER_DEST)
			n = file->f_op->read(file, base, len, ppos);
		else
			n = file->f_op->write(file, base, len, ppos);
		if (n < 0)
			return moved ?: n;
		moved += n;
		iov_iter_advance(iter, n);
		if (n < len)
			break;
	}
	return moved;
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
	if (dir == ITER_DEST) {
		if (!file->f_op->read_iter)
			return io_rw_by_segment(kiocb, iter, dir, ppos, nonblock);
		return file->f_op->read_iter(kiocb, iter);
	}
	if (reg && !io_rw_start_write(kiocb, nonblock))
		return -EAGAIN;
	kiocb->ki_flags |= IOCB_WRITE;
	if (file->f_op->write_iter)
		ret = file->f_op->write_iter(kiocb, iter);
	else
		ret = io_rw_by_segment(kiocb, iter, dir, ppos, nonblock);
	if (reg && ret != -EIOCBQUEUED)
		io_rw_end_write(kiocb);
	return ret;
}

/* A non-blocking try made progress: may the rest go on in io-wq? */
static bool io_rw_continue(struct kiocb *kiocb, struct iov_iter *iter, int dir)
{
	/* a block device's size is its bdev inode's, not its /dev node's */
	struct inode *inode = kiocb->ki_filp->f_mapping->host;

	if (!iov_iter_count(iter) ||
	    !(S_ISREG(inode->i_mode) || S_ISBLK(inode->i_mode)))
		return false;
	/* a short read at the end of the file is the answer, not a stall */
	return dir == ITER_SOURCE || kiocb->ki_pos < i_size_read(inode);
}

static int io_rw_result(struct io_kiocb *req, struct io_rw_state *st,
			ssize_t ret, unsigned int issue_flags)
{
	struct io_rw *rw = io_kiocb_to_cmd(req, struct io_rw);

	if (ret == -ERESTARTSYS || ret == -ERESTARTNOINTR ||
	    ret == -ERESTARTNOHAND || ret == -ERESTART_RESTARTBLOCK)
		ret = -EINTR;
	if (rw->select)
		req->cflags = io_buffer_put(req, st->done ?: ret, issue_flags);
	if (ret < 0 && !st->done)
		return ret;
	req->res = st->done;
	/* a short transfer breaks a link chain */
	if (iov_iter_count(&st->iter) && rw->want)
		req->failed = true;
	return 0;
}

/* Account for @ret bytes moved by the last try, which ended at @end. */
static void io_rw_progress(struct io_kiocb *req, ssize_t ret, loff_t end,
			   int dir)
{
	struct io_rw *rw = io_kiocb_to_cmd(req, struct io_rw);
	struct io_rw_state *st = req->async;
	struct file *file = rw->file;

	/* as read(2) and write(2) do, tell fanotify/inotify */
	if (dir == ITER_DEST)
		fsnotify_access(file);
	else
		fsnotify_modify(file);
	st->done += ret;
	/* the iterator must reflect exactly what was moved */
	if (ret == st->saved.count) {
		/* all of it, the common case: nothing is left */
		iov_iter_truncate(&st->iter, 0);
	} else {
		iov_iter_restore(&st->iter, &st->saved);
		iov_iter_advance(&st->iter, ret);
	}
	if (rw->cur_pos && !(file->f_mode & FMODE_STREAM))
		file->f_pos = end;
	else
		rw->pos = end;
}

/* task_work: an asynchronous try has completed. */
static void io_rw_async_tw(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_rw *rw = io_kiocb_to_cmd(req, struct io_rw);
	struct io_rw_state *st = req->async;
	long res = st->async_res;
	int dir = io_rw_dir(req);

	io_req_unpark(req);
	if (res == -EAGAIN && !(issue_flags & IO_URING_F_TASK_DEAD)) {
		/* the device had no room for a nowait request: block in io-wq */
		iov_iter_restore(&st->iter, &st->saved);
		io_req_punt(req);
		return;
	}
	if (res > 0)
		io_rw_progress(req, res, rw->async_pos + res, dir);
	res = io_rw_result(req, st, res, issue_flags);
	if (res < 0) {
		req->res = res;
		req->failed = true;
	}
	io_req_complete_tw(req, issue_flags);
}

/* ->ki_complete of an asynchronous try; may run in irq context. */
static void io_rw_async_done(struct kiocb *kiocb, long res)
{
	struct io_rw_state *st = container_of(kiocb, struct io_rw_state, kiocb);

	if ((kiocb->ki_flags & IOCB_WRITE) &&
	    S_ISREG(file_inode(kiocb->ki_filp)->i_mode))
		io_rw_end_write(kiocb);
	st->async_res = res;
	io_req_task_work_add(st->req, io_rw_async_tw);
}

/* ->ki_complete on an IOPOLL ring: the reaper finds the result. */
static void io_rw_iopoll_done(struct kiocb *kiocb, long res)
{
	struct io_rw_state *st = container_of(kiocb, struct io_rw_state, kiocb);

	if ((kiocb->ki_flags & IOCB_WRITE) &&
	    S_ISREG(file_inode(kiocb->ki_filp)->i_mode))
		io_rw_end_write(kiocb);
	st->async_res = res;
	io_iopoll_mark_done(&st->iopoll);
}

static void io_rw_iopoll(struct io_iopoll *ip, struct io_comp_batch *iob,
			 unsigned int poll_flags)
{
	struct io_rw_state *st = container_of(ip, struct io_rw_state, iopoll);

	st->kiocb.ki_filp->f_op->iopoll(&st->kiocb, iob, poll_flags);
}

static int io_rw_iopoll_cancel(struct io_kiocb *req)
{
	struct io_rw_state *st = req->async;

	io_iopoll_settle(&st->iopoll);
	return -EALREADY;
}

/*
 * O_DIRECT on a regular file or block device, issued inline: let the file
 * complete it asynchronously, DMA straight to or from the pages, without
 * an io-wq worker blocking on it. Not for file-position I/O, whose next
 * request needs this one's end.
 */
static bool io_rw_can_async(struct io_kiocb *req, struct kiocb *kiocb,
			    unsigned int issue_flags)
{
	struct io_rw *rw = io_kiocb_to_cmd(req, struct io_rw);
	umode_t mode = file_inode(kiocb->ki_filp)->i_mode;

	if (!(issue_flags & IO_URING_F_NONBLOCK) || (issue_flags & IO_URING_F_IOWQ))
		return false;
	/* a provided buffer picked under the lock must be settled under it */
	if (rw->select)
		return false;
	return (kiocb->ki_flags & IOCB_DIRECT) && !rw->cur_pos &&
	       (S_ISREG(mode) || S_ISBLK(mode));
}

/*
 * The request will be issued again: an unused provided buffer goes back,
 * one partly read into stays the request's.
 */
static void io_rw_retry_later(struct io_kiocb *req, struct io_rw_state *st,
			      unsigned int issue_flags)
{
	if (!io_kiocb_to_cmd(req, struct io_rw)->select)
		return;
	if (st->done)
		io_buffer_keep(req);
	else
		io_buffer_recycle(req, issue_flags);
}

static int io_rw(struct io_kiocb *req, unsigned int issue_flags, int dir)
{
	struct io_rw *rw = io_kiocb_to_cmd(req, struct io_rw);
	bool nonblock = issue_flags & IO_URING_F_NONBLOCK;
	struct io_rw_state *st = req->async;
	struct kiocb *kiocb = &st->kiocb;
	struct file *file = rw->file;
	ssize_t ret;

	ret = io_rw_file_check(file, dir);
	if (ret)
		return ret;
	ret = io_rw_init_kiocb(req, kiocb, dir, nonblock);
	if (ret)
		return ret;
	/* picked last: nothing may return before the pick is settled */
	if (rw->select && req->buf_sel == IO_KBUF_NONE) {
		ret = io_rw_select(req, st, issue_flags);
		if (ret)
			return ret;
	}
	rw->want = iov_iter_count(&st->iter);
	rw->async_pos = kiocb->ki_pos;
	iov_iter_save_state(&st->iter, &st->saved);
	if (req->ctx->flags & IORING_SETUP_IOPOLL) {
		if (rw->select)
			io_buffer_keep(req);
		kiocb->ki_complete = io_rw_iopoll_done;
		st->iopoll.done = false;
		ret = io_rw_call(kiocb, &st->iter, dir, nonblock);
		if (ret == -EIOCBQUEUED) {
			st->iopoll.poll = io_rw_iopoll;
			st->iopoll.complete = io_rw_async_tw;
			io_iopoll_queue(req, &st->iopoll, io_rw_iopoll_cancel,
					issue_flags);
			return IOU_PARKED;
		}
		kiocb->ki_complete = NULL;
	} else if (io_rw_can_async(req, kiocb, issue_flags)) {
		bool went_async = req->went_async;

		/* parked first: the completion may come before the call returns */
		kiocb->ki_complete = io_rw_async_done;
		io_req_park(req, io_req_cancel_noop);
		ret = io_rw_call(kiocb, &st->iter, dir, nonblock);
		if (ret == -EIOCBQUEUED)
			return IOU_PARKED;
		io_req_unpark(req);
		req->went_async = went_async;
		kiocb->ki_complete = NULL;
	} else {
		ret = io_rw_call(kiocb, &st->iter, dir, nonblock);
	}
	if (ret == -EAGAIN || (ret == -EOPNOTSUPP && (kiocb->ki_flags & IOCB_NOWAIT))) {
		iov_iter_restore(&st->iter, &st->saved);
		if (nonblock && !req->nowait) {
			io_rw_retry_later(req, st, issue_flags);
			return -EAGAIN;
		}
		ret = -EAGAIN;
	}
	if (ret > 0) {
		io_rw_progress(req, ret, kiocb->ki_pos, dir);
		if (dir == ITER_SOURCE && iov_iter_count(&st->iter) &&
		    S_ISREG(file_inode(file)->i_mode))
			trace_io_uring_short_write(req->ctx, kiocb->ki_pos - ret,
						   rw->want, ret);
		if (nonblock && !req->nowait && io_rw_continue(kiocb, &st->iter, dir)) {
			io_rw_retry_later(req, st, issue_flags);
			return -EAGAIN;
		}
	}
	return io_rw_result(req, st, ret, issue_flags);
}

int io_read(struct io_kiocb *req, unsigned int issue_flags)
{
	return io_rw(req, issue_flags, ITER_DEST);
}

int io_write(struct io_kiocb *req, unsigned int issue_flags)
{
	return io_rw(req, issue_flags, ITER_SOURCE);
}

/* One read of READ_MULTISHOT (io_mshot_step_t). */
static enum io_mshot_step io_read_mshot_step(struct io_kiocb *req,
					     unsigned int issue_flags,
					     s32 *res, u32 *cflags)
{
	struct io_rw *rw = io_kiocb_to_cmd(req, struct io_rw);
	struct io_rw_state *st = req->async;
	ssize_t n;

	n = io_rw_select(req, st, issue_flags);
	if (!n)
		n = io_rw_init_kiocb(req, &st->kiocb, ITER_DEST, true);
	if (!n)
		n = io_rw_call(&st->kiocb, &st->iter, ITER_DEST, true);
	if (n == -EAGAIN) {
		io_buffer_recycle(req, issue_flags);
		return IO_MSHOT_WAIT;
	}
	*cflags = io_buffer_put(req, n, issue_flags);
	*res = n;
	/* an error or EOF ends it */
	if (n <= 0)
		return IO_MSHOT_DONE;
	fsnotify_access(rw->file);
	if (!(rw->file->f_mode & FMODE_STREAM))
		rw->pos = st->kiocb.ki_pos;
	return IO_MSHOT_MORE;
}

/**
 * io_read_mshot - IORING_OP_READ_MULTISHOT: read whatever arrives into
 * provided buffers, one CQE per read, until an error or EOF
 * @req: the request
 * @issue_flags: always non-blocking for a multishot request
 *
 * Return: -EAGAIN to wait for the file, IOU_REQUEUE to go on after
 * others had their turn, or 0 with the final result.
 */
int io_read_mshot(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_rw *rw = io_kiocb_to_cmd(req, struct io_rw);
	int ret;

	if (!file_can_poll(rw->file))
		return -EBADFD;
	ret = io_rw_file_check(rw->file, ITER_DEST);
	if (ret)
		return ret;
	/*
	 * Only ever tried without blocking: a file read through ->read that
	 * is not O_NONBLOCK could never be read, and would wait forever.
	 */
	if (!rw->file->f_op->read_iter && !(rw->file->f_flags & O_NONBLOCK))
		return -EBADFD;
	return io_mshot_issue(req, issue_flags, io_read_mshot_step);
}
