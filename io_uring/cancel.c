// SPDX-License-Identifier: GPL-2.0
/*
 * Cancellation: the ASYNC_CANCEL opcode, IORING_REGISTER_SYNC_CANCEL, and
 * the cancel-everything paths of task exit/exec and ring close. A request
 * can be cancelled while it is parked (ctx->parked): each park site (io-wq,
 * poll, timeouts, drain) gives it a ->cancel method. Cancelling starts the
 * request's completion; its CQE follows through task_work.
 *
 * Locking: everything under the ring's uring_lock; ->cancel is called with
 * it held.
 */
#include <linux/kernel.h>
#include <linux/task_work.h>
#include <linux/file.h>
#include <linux/slab.h>
#include <linux/sched/signal.h>
#include <linux/uaccess.h>
#include <linux/io_uring.h>

#include "uring.h"
#include "opdef.h"
#include "cancel.h"
#include "issue.h"
#include "tw.h"

#define IO_CANCEL_FLAGS	(IORING_ASYNC_CANCEL_ALL | IORING_ASYNC_CANCEL_FD | \
			 IORING_ASYNC_CANCEL_ANY | IORING_ASYNC_CANCEL_FD_FIXED | \
			 IORING_ASYNC_CANCEL_USERDATA | IORING_ASYNC_CANCEL_OP)
#define IO_CANCEL_MANY	(IORING_ASYNC_CANCEL_ALL | IORING_ASYNC_CANCEL_ANY)

/* What to cancel: the keys of an ASYNC_CANCEL SQE or a SYNC_CANCEL call. */
struct io_cancel_data {
	struct file	*file;		/* CANCEL_FD: holds a reference */
	u64		user_data;
	u32		flags;
	u8		opcode;
};

struct io_cancel {
	struct file		*file;	/* unused: cancel takes no file */
	struct io_cancel_data	cd;
};

static bool io_cancel_match(struct io_kiocb *req, struct io_cancel_data *cd)
{
	if (cd->flags & IORING_ASYNC_CANCEL_ANY)
		return true;
	if ((cd->flags & IORING_ASYNC_CANCEL_FD) && req->op.file != cd->file)
		return false;
	if ((cd->flags & IORING_ASYNC_CANCEL_OP) && req->opcode != cd->opcode)
		return false;
	if ((cd->flags & IORING_ASYNC_CANCEL_USERDATA) &&
	    req->user_data != cd->user_data)
		return false;
	return true;
}

/*
 * Cancel what matches @cd (never @self). Return: the number cancelled
 * for ALL/ANY, else 0; -EALREADY if the only match is past cancelling;
 * -ENOENT if nothing matches.
 */
static int io_cancel_matching(struct io_ring_ctx *ctx, struct io_cancel_data *cd,
			      struct io_kiocb *self)
{
	struct io_kiocb *req, *tmp;
	int nr = 0, ret = -ENOENT;

	lockdep_assert_held(&ctx->uring_lock);
	list_for_each_entry_safe(req, tmp, &ctx->parked, parked) {
		if (req == self || !io_cancel_match(req, cd))
			continue;
		ret = req->cancel(req);
		if (ret < 0)
			continue;
		nr++;
		if (!(cd->flags & IO_CANCEL_MANY))
			return ret;
	}
	if (cd->flags & IO_CANCEL_MANY)
		return nr;
	return ret;
}

/**
 * io_cancel_parked - cancel the parked requests of @task (or of anyone)
 * @ctx: the ring
 * @task: whose requests; NULL for all
 * @all: all of them, or only those that cannot outlive their task
 *	 (io_req_exit_cancels())
 *
 * Context: ctx->uring_lock held.
 * Return: how many were parked (cancelled now or before).
 */
int io_cancel_parked(struct io_ring_ctx *ctx, struct task_struct *task,
		     bool all)
{
	struct io_kiocb *req, *tmp;
	int nr = 0;

	lockdep_assert_held(&ctx->uring_lock);
	list_for_each_entry_safe(req, tmp, &ctx->parked, parked) {
		if (task && req->task != task)
			continue;
		if (!all && !io_req_exit_cancels(req))
			continue;
		req->cancel(req);
		nr++;
	}
	return nr;
}

/* Context: ctx->uring_lock held (a fixed fd is looked up under it). */
static int io_cancel_keys(struct io_ring_ctx *ctx, struct io_cancel_data *cd,
			  u32 flags, s32 fd, u64 user_data, u8 opcode)
{
	if (flags & ~IO_CANCEL_FLAGS)
		return -EINVAL;
	if ((flags & IORING_ASYNC_CANCEL_ANY) &&
	    (flags & (IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_OP |
		      IORING_ASYNC_CANCEL_USERDATA)))
		return -EINVAL;
	if (!(flags & (IORING_ASYNC_CANCEL_ANY | IORING_ASYNC_CANCEL_FD |
		       IORING_ASYNC_CANCEL_OP)))
		flags |= IORING_ASYNC_CANCEL_USERDATA;
	cd->flags = flags;
	cd->user_data = user_data;
	cd->opcode = opcode;
	cd->file = NULL;
	if (!(flags & IORING_ASYNC_CANCEL_FD))
		return 0;
	if (flags & IORING_ASYNC_CANCEL_FD_FIXED)
		cd->file = io_fixed_file_ref(ctx, fd, 0);
	else
		cd->file = fget(fd);
	return cd->file ? 0 : -EBADF;
}

static void io_cancel_keys_put(struct io_cancel_data *cd)
{
	if (cd->file)
		fput(cd->file);
	cd->file = NULL;
}

int io_async_cancel_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	struct io_cancel *c = io_kiocb_to_cmd(req, struct io_cancel);
	u32 flags = READ_ONCE(sqe->cancel_flags);
	u32 len = READ_ONCE(sqe->len);

	if (READ_ONCE(sqe->off) || READ_ONCE(sqe->splice_fd_in) ||
	    READ_ONCE(sqe->buf_index))
		return -EINVAL;
	if (!(flags & IORING_ASYNC_CANCEL_OP) && len)
		return -EINVAL;
	if (!io_op_valid(len))
		return -EINVAL;
	return io_cancel_keys(req->ctx, &c->cd, flags, READ_ONCE(sqe->fd),
			      READ_ONCE(sqe->addr), len);
}

int io_async_cancel(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_cancel *c = io_kiocb_to_cmd(req, struct io_cancel);

	req->res = io_cancel_matching(req->ctx, &c->cd, req);
	io_cancel_keys_put(&c->cd);
	return 0;
}

void io_async_cancel_cleanup(struct io_kiocb *req)
{
	io_cancel_keys_put(&io_kiocb_to_cmd(req, struct io_cancel)->cd);
}

static bool io_cancel_pending(struct io_ring_ctx *ctx, struct io_cancel_data *cd)
{
	struct io_kiocb *req;

	list_for_each_entry(req, &ctx->parked, parked)
		if (io_cancel_match(req, cd))
			return true;
	return false;
}

/* Wait until no request matching @cd is parked, or @deadline passes. */
static int io_sync_cancel_wait(struct io_ring_ctx *ctx,
			       struct io_cancel_data *cd, ktime_t deadline)
{
	struct io_uring_task *tctx = current->io_uring;
	bool pending;

	for (;;) {
		mutex_lock(&ctx->uring_lock);
		io_cancel_matching(ctx, cd, NULL);
		pending = io_cancel_pending(ctx, cd);
		mutex_unlock(&ctx->uring_lock);
		if (!pending)
			return 0;
		if (io_run_completions())
			continue;
		if (task_sigpending(current))
			return -EINTR;
		if (ktime_after(ktime_get(), deadline))
			return -ETIME;
		/* completions wake cq_wait; the timeout catches other tasks' */
		wait_event_interruptible_timeout(ctx->cq_wait,
						 task_work_pending(current) ||
						 (tctx && io_defer_pending(tctx)),
						 msecs_to_jiffies(1));
	}
}

/**
 * io_sync_cancel - IORING_REGISTER_SYNC_CANCEL
 * @ctx: the ring
 * @arg: struct io_uring_sync_cancel_reg
 *
 * Cancel like ASYNC_CANCEL, then wait until every match has completed or
 * the timeout in @arg passes.
 *
 * Context: ctx->uring_lock held on entry and exit; dropped while waiting.
 * Return: as ASYNC_CANCEL's CQE, or -ETIME, -EINTR, -EFAULT, -EINVAL.
 */
int io_sync_cancel(struct io_ring_ctx *ctx, void __user *arg)
{
	struct io_uring_sync_cancel_reg reg;
	struct io_cancel_data cd;
	ktime_t deadline = KTIME_MAX;
	int ret, wret;

	lockdep_assert_held(&ctx->uring_lock);
	if (copy_from_user(&reg, arg, sizeof(reg)))
		return -EFAULT;
	if (memchr_inv(reg.pad, 0, sizeof(reg.pad)) ||
	    memchr_inv(reg.pad2, 0, sizeof(reg.pad2)))
		return -EINVAL;
	if (reg.timeout.tv_sec != -1 || reg.timeout.tv_nsec != -1) {
		struct timespec64 ts = {
			.tv_sec = reg.timeout.tv_sec,
			.tv_nsec = reg.timeout.tv_nsec,
		};

		if (!timespec64_valid(&ts))
			return -EINVAL;
		deadline = ktime_add_safe(ktime_get(), timespec64_to_ktime(ts));
	}
	if (!io_op_valid(reg.opcode))
		return -EINVAL;
	ret = io_cancel_keys(ctx, &cd, reg.flags, reg.fd, reg.addr, reg.opcode);
	if (ret)
		return ret;
	ret = io_cancel_matching(ctx, &cd, NULL);
	if (ret == -ENOENT)
		goto out;
	mutex_unlock(&ctx->uring_lock);
	wret = io_sync_cancel_wait(ctx, &cd, deadline);
	mutex_lock(&ctx->uring_lock);
	if (wret)
		ret = wret;
	else if (ret == -EALREADY)
		ret = 0;
out:
	io_cancel_keys_put(&cd);
	return ret;
}

/* Up to this many rings are cancelled per pass of io_tctx_drain(). */
#define IO_DRAIN_RINGS	8

/*
 * Cancel current's parked requests (@all, or those that cannot outlive it)
 * on every ring it has them on. Return: true if any was found.
 */
static bool io_tctx_cancel(struct io_uring_task *tctx, bool all)
{
	struct io_ring_ctx *rings[IO_DRAIN_RINGS];
	struct io_kiocb *req;
	int i, nr = 0;

	spin_lock(&tctx->lock);
	list_for_each_entry(req, &tctx->parked, task_parked) {
		if (!all && !io_req_exit_cancels(req))
			continue;
		for (i = 0; i < nr; i++)
			if (rings[i] == req->ctx)
				break;
		if (i < nr)
			continue;
		/* the parked request holds a reference too */
		percpu_ref_get(&req->ctx->refs);
		rings[nr++] = req->ctx;
		if (nr == IO_DRAIN_RINGS)
			break;
	}
	spin_unlock(&tctx->lock);
	for (i = 0; i < nr; i++) {
		mutex_lock(&rings[i]->uring_lock);
		io_cancel_parked(rings[i], current, all);
		mutex_unlock(&rings[i]->uring_lock);
		percpu_ref_put(&rings[i]->refs);
	}
	return nr;
}

/**
 * io_tctx_drain - cancel and finish the current task's requests
 * @tctx: current->io_uring
 * @all: every request (exec), or only those that cannot outlive the task
 *	 (exit: the others finish on their own, from a kernel worker)
 *
 * Returns once none of the requests concerned is left.
 *
 * Context: the task itself, no ring locks held; sleeps.
 */
void io_tctx_drain(struct io_uring_task *tctx, bool all)
{
	bool found;

	WRITE_ONCE(tctx->draining, true);
	for (;;) {
		found = io_tctx_cancel(tctx, all);
		io_run_task_work();
		io_run_defer(tctx, IO_URING_F_TASK_DEAD);
		if (all ? !atomic_read(&tctx->inflight) : !found)
			break;
		wait_event_timeout(tctx->wait, !atomic_read(&tctx->inflight) ||
				   task_work_pending(current) ||
				   io_defer_pending(tctx), HZ / 10);
	}
	WRITE_ONCE(tctx->draining, false);
}
