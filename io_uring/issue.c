// SPDX-License-Identifier: GPL-2.0
/*
 * Getting a request done. It is first issued non-blocking; if it would
 * block it waits for its file to become ready (an internal poll) when the
 * file can be polled, and is handed to an io-wq worker otherwise, or
 * always with IOSQE_ASYNC. A request that waits is "parked": it sits on
 * ctx->parked with a ->cancel method until it completes.
 *
 * Whatever finishes a parked request does so in the submitter's context
 * through task_work, under ctx->uring_lock; that is also where a link
 * chain moves on to its next request. So requests are only ever freed
 * under uring_lock, which is what lets cancellation walk ctx->parked.
 */
#include <linux/kernel.h>
#include <linux/poll.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/cred.h>
#include <linux/sched/signal.h>
#include <linux/audit.h>
#include <linux/hash.h>
#include <linux/io_uring.h>

#include "uring.h"
#include "opdef.h"
#include "io-wq.h"
#include "issue.h"
#include "kbuf.h"
#include "apoll.h"
#include "mshot.h"
#include "submit.h"
#include "tw.h"

#include <trace/events/io_uring.h>

/* Times a request is re-polled before it goes to io-wq instead. */
#define IO_POLL_RETRIES	4

/**
 * io_req_park - note that a request waits and how to cancel it
 * @req: the request
 * @cancel: called under ctx->uring_lock to cancel it; returns 0 (or a
 *	    positive result for the canceller's CQE) when the request will now
 *	    complete as cancelled, -EALREADY when it is past cancelling (it
 *	    completes soon on its own)
 *
 * Calling it again for a parked request just changes the method.
 *
 * Context: ctx->uring_lock held.
 */
void io_req_park(struct io_kiocb *req, int (*cancel)(struct io_kiocb *req))
{
	struct io_uring_task *tctx = req->task->io_uring;

	lockdep_assert_held(&req->ctx->uring_lock);
	req->went_async = true;
	if (!req->cancel) {
		list_add_tail(&req->parked, &req->ctx->parked);
		spin_lock(&tctx->lock);
		list_add_tail(&req->task_parked, &tctx->parked);
		spin_unlock(&tctx->lock);
	}
	req->cancel = cancel;
}

/* ->cancel of a request whose cancellation is already under way. */
int io_req_cancel_noop(struct io_kiocb *req)
{
	return -EALREADY;
}

/* io_req_unpark() of a parked request. Context: ctx->uring_lock held. */
noinline void __io_req_unpark(struct io_kiocb *req)
{
	struct io_uring_task *tctx = req->task->io_uring;

	lockdep_assert_held(&req->ctx->uring_lock);
	list_del(&req->parked);
	spin_lock(&tctx->lock);
	list_del(&req->task_parked);
	spin_unlock(&tctx->lock);
	req->cancel = NULL;
}

/**
 * io_req_fail_chain - complete @req and everything linked behind it
 * @req: first request to fail
 * @err: result for each of them
 * @silent: post no CQEs for them (link timeouts follow their own flag)
 *
 * Context: ctx->uring_lock held.
 */
void io_req_fail_chain(struct io_kiocb *req, int err, bool silent)
{
	struct io_kiocb *next;

	lockdep_assert_held(&req->ctx->uring_lock);
	for (; req; req = next) {
		next = req->link;
		req->link = NULL;
		io_req_unpark(req);
		req->res = err;
		req->silent = silent;
		io_req_complete_defer(req);
	}
}

/*
 * Only the submitter, alive, has the files, mm and credentials a request
 * was submitted with: an exiting task's task_work runs after its file
 * table and mm are gone, and once its exit hook has stopped its io-wq
 * (tctx->dead) nothing may start again.
 */
static bool io_issue_context_ok(struct io_kiocb *req)
{
	return current == req->task && !(current->flags & PF_EXITING) &&
	       !READ_ONCE(current->io_uring->dead);
}

/* May the chain move on in this context, or must it be failed? */
static bool io_chain_may_issue(struct io_kiocb *next)
{
	if (!io_issue_context_ok(next))
		return false;
	return !READ_ONCE(current->io_uring->draining);
}

/* @req failed: what is linked behind it, from @link on, fails with it. */
static void io_trace_fail_links(struct io_kiocb *req, struct io_kiocb *link)
{
	for (; link; link = link->link)
		trace_io_uring_fail_link(req, link);
}

/*
 * Post @req's CQE and settle its link chain. Return: the next request to
 * issue, or NULL.
 */
static struct io_kiocb *io_req_finish(struct io_kiocb *req)
{
	struct io_kiocb *next = req->link;
	u8 req_flags = req->sqe_flags;
	bool broken;

	io_req_unpark(req);
	req->link = NULL;
	broken = req->failed ||
		 (req->res < 0 && !req->res_ok &&
		  !(req->sqe_flags & IOSQE_IO_HARDLINK));
	io_req_complete_defer(req);
	if (next && io_req_is_guard(next))
		next = io_op_defs[next->opcode].link_detach(next);
	if (!next)
		return NULL;
	if (broken || !io_chain_may_issue(next)) {
		if (broken && trace_io_uring_fail_link_enabled())
			io_trace_fail_links(req, next);
		/* a failed CQE_SKIP_SUCCESS request speaks for its chain */
		io_req_fail_chain(next, -ECANCELED,
				  broken && (req_flags & IOSQE_CQE_SKIP_SUCCESS));
		return NULL;
	}
	return next;
}

/* io_req_finish() of a request in no chain: there is only its CQE. */
static __always_inline void io_req_finish_alone(struct io_kiocb *req)
{
	io_req_unpark(req);
	io_req_complete_defer(req);
}

/**
 * io_req_done - complete a request whose result is set
 * @req: the request
 *
 * Posts the CQE (unless skipped) and issues or cancels what is linked
 * behind it.
 *
 * Context: ctx->uring_lock held, in the submitter's task or a fallback
 * worker.
 */
void io_req_done(struct io_kiocb *req)
{
	struct io_kiocb *next;

	lockdep_assert_held(&req->ctx->uring_lock);
	if (likely(!req->link)) {
		io_req_finish_alone(req);
		return;
	}
	next = io_req_finish(req);
	if (next)
		io_queue_req(next);
}

/* task_work callback: the result is set, finish the request. */
void io_req_complete_tw(struct io_kiocb *req, unsigned int issue_flags)
{
	io_req_done(req);
}

/* io_wq_cancel() matcher: this very work item. */
static bool io_wq_match_ptr(struct io_wq_work *work, void *data)
{
	return work == data;
}

/*
 * The io_wq is read under tctx->lock: its owner detaches it there before
 * it stops it, and work it finished may stay parked until its task_work.
 */
static int io_iowq_cancel(struct io_kiocb *req)
{
	struct io_uring_task *tctx = req->task->io_uring;
	enum io_wq_cancel found = IO_WQ_CANCEL_NOTFOUND;

	spin_lock(&tctx->lock);
	if (tctx->wq)
		found = io_wq_cancel(tctx->wq, io_wq_match_ptr, &req->work, false);
	spin_unlock(&tctx->lock);
	return found == IO_WQ_CANCEL_OK ? 0 : -EALREADY;
}

/**
 * io_req_exit_cancels - must @req be cancelled when its task exits?
 * @req: a parked request
 *
 * A task's requests outlive it, finishing on their own, except three
 * kinds: unbounded io-wq work, which could keep the exiting task's workers
 * waiting forever (bounded work the workers finish before they exit),
 * opcodes whose table entry says so (io_op_def.exit_cancel: waits nobody
 * may end once the task is gone, or that wait for the task itself), and
 * requests holding a ring file, which could keep their own ring alive
 * forever.
 *
 * Return: true for those three kinds.
 */
bool io_req_exit_cancels(struct io_kiocb *req)
{
	if (req->cancel == io_iowq_cancel)
		return atomic_read(&req->work.flags) & IO_WQ_WORK_UNBOUND;
	if (io_op_defs[req->opcode].exit_cancel)
		return true;
	return req->op.file && io_is_uring_fops(req->op.file);
}

static bool io_file_is_bounded(struct file *file)
{
	umode_t mode = file_inode(file)->i_mode;

	return S_ISREG(mode) || S_ISBLK(mode);
}

/*
 * The credentials @req runs with: its SQE's personality if it named one;
 * on an SQPOLL ring, the ring creator's, as the thread that issues it may
 * be shared with rings of other credentials (IORING_SETUP_ATTACH_WQ).
 * NULL: current's, the submitter's.
 */
static const struct cred *io_req_creds(struct io_kiocb *req)
{
	struct io_ring_ctx *ctx = req->ctx;

	if (req->creds)
		return req->creds;
	if ((ctx->flags & IORING_SETUP_SQPOLL) && ctx->creds != current_cred())
		return ctx->creds;
	return NULL;
}

/**
 * io_req_punt - hand a request to an io-wq worker
 * @req: the request, not complete
 *
 * Context: ctx->uring_lock held, in req->task.
 */
void io_req_punt(struct io_kiocb *req)
{
	const struct io_op_def *def = &io_op_defs[req->opcode];
	struct file *file = req->op.file;
	/*
	 * Only the submitter, alive, has an io-wq to give work to: not once
	 * its exit hook stopped it (a new one would never be stopped).
	 */
	bool context_ok = io_issue_context_ok(req);
	struct io_wq *wq = NULL;
	int flags = 0;

	lockdep_assert_held(&req->ctx->uring_lock);
	/* a provisional buffer pick must not outlive the ring lock */
	if (req->buf_sel == IO_KBUF_PEEK)
		io_buffer_recycle(req, 0);
	if (context_ok)
		wq = io_tctx_wq(current->io_uring, req->ctx);
	if (!wq) {
		/* the caller may still look at @req: complete it later */
		req->res = context_ok ? -ENOMEM : -ECANCELED;
		io_req_task_work_add(req, io_req_complete_tw);
		return;
	}
	if (def->unbound_nonreg_file && (!file || !io_file_is_bounded(file)))
		flags |= IO_WQ_WORK_UNBOUND;
	if (def->hash_reg_file && file && S_ISREG(file_inode(file)->i_mode)) {
		flags |= IO_WQ_WORK_HASHED;
		req->work.hash = hash_ptr(file_inode(file), 32);
	}
	atomic_set(&req->work.flags, flags);
	/* IORING_FEAT_CUR_PERSONALITY: run as the submitter is now */
	if (!req->creds)
		req->creds = get_cred(io_req_creds(req) ?: current_cred());
	io_req_park(req, io_iowq_cancel);
	trace_io_uring_queue_async_work(req,
					!!(flags & IO_WQ_WORK_UNBOUND));
	io_wq_enqueue(wq, &req->work);
}

static bool io_req_pollable(struct io_kiocb *req)
{
	const struct io_op_def *def = &io_op_defs[req->opcode];

	if (!def->pollin && !def->pollout)
		return false;
	return req->op.file && file_can_poll(req->op.file);
}

/*
 * Wait for @req's file to be ready, then issue it again (io_apoll_retry();
 * @next: even if the file says it is ready now).
 */
static int io_req_poll_retry(struct io_kiocb *req, bool next)
{
	const struct io_op_def *def = &io_op_defs[req->opcode];
	__poll_t events = EPOLLERR | EPOLLHUP;

	/* a provisional buffer pick must not outlive the ring lock */
	if (req->buf_sel == IO_KBUF_PEEK)
		io_buffer_recycle(req, 0);
	if (def->pollin)
		events |= EPOLLIN | EPOLLRDNORM;
	if (def->pollout)
		events |= EPOLLOUT | EPOLLWRNORM;
	return io_apoll_retry(req, events, next);
}

/**
 * io_req_assign_file - take the file a request works on, at its first issue
 * @req: the request; sqe->fd is in req->file_fd
 *
 * Not at submission: a request linked behind an OPENAT into a fixed slot
 * must find the file that open put there.
 *
 * Context: ctx->uring_lock held.
 * Return: 0, or -EBADF.
 */
static int io_req_assign_file(struct io_kiocb *req)
{
	lockdep_assert_held(&req->ctx->uring_lock);
	if (req->sqe_flags & IOSQE_FIXED_FILE)
		return io_req_fixed_file(req, req->file_fd);
	trace_io_uring_file_get(req, req->file_fd);
	req->op.file = fget(req->file_fd);
	return req->op.file ? 0 : -EBADF;
}

/* ->issue inside an audit record. */
static noinline int io_issue_audit_record(struct io_kiocb *req,
					  const struct io_op_def *def,
					  unsigned int flags)
{
	int ret;

	audit_uring_entry(req->opcode);
	ret = def->issue(req, flags);
	audit_uring_exit(!ret, ret);
	return ret;
}

/* ->issue, inside an audit record unless the opcode makes none. */
static __always_inline int io_issue_audited(struct io_kiocb *req,
					    const struct io_op_def *def,
					    unsigned int flags)
{
	if (likely(def->audit_skip))
		return def->issue(req, flags);
	return io_issue_audit_record(req, def, flags);
}

/* io_issue_audited() with @creds in force. */
static noinline int io_issue_as(struct io_kiocb *req,
				const struct io_op_def *def,
				const struct cred *creds, unsigned int flags)
{
	const struct cred *old = override_creds(creds);
	int ret = io_issue_audited(req, def, flags);

	revert_creds(old);
	return ret;
}

/* One non-blocking try, with the credentials the request runs with. */
static __always_inline int io_issue_inline(struct io_kiocb *req,
					   const struct io_op_def *def)
{
	unsigned int flags = IO_URING_F_NONBLOCK | IO_URING_F_COMPLETE_DEFER;
	const struct cred *creds = io_req_creds(req);

	if (unlikely(creds))
		return io_issue_as(req, def, creds, flags);
	return io_issue_audited(req, def, flags);
}

/*
 * io_issue_or_park() of a request whose first try came to @ret: it would
 * block, parked itself or yields. Retry, wait or punt as it needs.
 */
static noinline bool io_issue_retry(struct io_kiocb *req,
				    const struct io_op_def *def, int ret)
{
	int tries, armed;

	for (tries = 0; ; tries++) {
		if (tries)
			ret = io_issue_inline(req, def);
		if (req->multishot && io_mshot_progressed(req))
			tries = 0;
		if (ret == IOU_PARKED)
			return false;
		if (ret == IOU_REQUEUE) {
			io_req_task_work_add(req, io_req_queue_tw);
			return false;
		}
		if (ret != -EAGAIN || req->nowait)
			break;
		if (!io_req_pollable(req)) {
			io_req_punt(req);
			return false;
		}
		if (tries == IO_POLL_RETRIES)
			break;
		armed = io_req_poll_retry(req, false);
		if (armed == 0)
			return false;
		if (armed < 0) {
			req->iowq_block = true;
			io_req_punt(req);
			return false;
		}
		/* ready already: issue again */
	}
	if (ret == -EAGAIN && req->multishot && !req->nowait) {
		/*
		 * Ready every time, never able to go on, and it must not block:
		 * wait for the file's next wakeup, whatever it says now.
		 */
		armed = io_req_poll_retry(req, true);
		if (!armed)
			return false;
		if (armed < 0)
			req->res = armed;
		return true;
	}
	if (ret == -EAGAIN && !req->nowait) {
		/* ready but never able to go on: a worker waits for it */
		req->iowq_block = true;
		io_req_punt(req);
		return false;
	}
	if (ret < 0)
		req->res = ret;
	return true;
}

/*
 * Issue non-blocking, and park the request if it would block. Return:
 * true if it completed (res set), false if it is parked.
 */
static __always_inline bool io_issue_or_park(struct io_kiocb *req)
{
	const struct io_op_def *def = &io_op_defs[req->opcode];
	int ret;

	if (def->needs_file && !req->op.file) {
		ret = io_req_assign_file(req);
		if (ret)
			goto done;
	}
	/* IOSQE_ASYNC: the first issue is a worker's; retries are inline */
	if ((req->sqe_flags & IOSQE_ASYNC) && !req->went_async) {
		io_req_punt(req);
		return false;
	}
	ret = io_issue_inline(req, def);
	/* the common case: done, with a result or an error */
	if (unlikely(ret > 0 || ret == -EAGAIN))
		return io_issue_retry(req, def, ret);
done:
	if (ret < 0)
		req->res = ret;
	return true;
}

/* Issue @req, and what is linked behind it while they complete inline. */
static __always_inline void io_issue_chain(struct io_kiocb *req)
{
	while (req) {
		if (!io_issue_or_park(req)) {
			if (req->link && io_req_is_guard(req->link))
				io_op_defs[req->link->opcode].link_arm(req->link, req);
			return;
		}
		req = io_req_finish(req);
	}
}

/**
 * io_queue_req - issue a request and, as long as they complete inline,
 * what is linked behind it
 * @req: a prepared request
 *
 * Anywhere but in its live submitter (an exiting task's last task_work, a
 * kernel worker), the request and its chain fail with -ECANCELED instead.
 *
 * Context: ctx->uring_lock held.
 */
void io_queue_req(struct io_kiocb *req)
{
	lockdep_assert_held(&req->ctx->uring_lock);
	if (unlikely(!io_issue_context_ok(req))) {
		/* failed as a whole, an armed link timeout detached */
		req->res = -ECANCELED;
		req->failed = true;
		io_req_finish(req);
		return;
	}
	io_issue_chain(req);
}

/**
 * io_queue_new - io_queue_req() for a request its submitter just read
 * from the SQ ring
 * @req: the request, prepared
 *
 * Its submitter is alive and in io_uring_enter() (or is the ring's SQ
 * thread): the context io_queue_req() checks for is known good.
 *
 * Context: ctx->uring_lock held, in req->task.
 */
void io_queue_new(struct io_kiocb *req)
{
	lockdep_assert_held(&req->ctx->uring_lock);
	lockdep_assert(io_issue_context_ok(req));
	io_issue_chain(req);
}

/**
 * io_queue_alone - io_queue_new() for a request in no link chain
 * @req: the request, prepared, with nothing linked to or behind it
 *
 * Most requests: without a chain, finishing one is just queueing its CQE.
 *
 * Context: ctx->uring_lock held, in req->task.
 */
void io_queue_alone(struct io_kiocb *req)
{
	lockdep_assert_held(&req->ctx->uring_lock);
	lockdep_assert(io_issue_context_ok(req) && !req->link);
	if (io_issue_or_park(req))
		io_req_finish_alone(req);
}

/* task_work callback: issue a request again (after a poll wakeup). */
void io_req_queue_tw(struct io_kiocb *req, unsigned int issue_flags)
{
	if (issue_flags & IO_URING_F_TASK_DEAD) {
		req->res = -ECANCELED;
		io_req_done(req);
		return;
	}
	io_queue_req(req);
}

/* task_work callback: a worker's non-blocking try must wait for poll. */
static void io_req_poll_tw(struct io_kiocb *req, unsigned int issue_flags)
{
	int ret;

	if (issue_flags & IO_URING_F_TASK_DEAD) {
		req->res = -ECANCELED;
		io_req_done(req);
		return;
	}
	ret = io_req_poll_retry(req, false);
	if (ret == 0)
		return;
	if (ret > 0) {
		io_queue_req(req);
		return;
	}
	req->res = ret;
	io_req_done(req);
}

/* io-wq's run(): issue a punted request, blocking as needed. */
static void io_wq_run_req(struct io_wq_work *work)
{
	struct io_kiocb *req = container_of(work, struct io_kiocb, work);
	const struct io_op_def *def = &io_op_defs[req->opcode];
	const struct cred *old = override_creds(req->creds);
	unsigned int flags = IO_URING_F_IOWQ;
	int ret = -ECANCELED;

	/*
	 * A pollable file is tried without blocking, then waited on by poll;
	 * a multishot request only ever tries, under the lock its provided
	 * buffers and extra CQEs want.
	 */
	if (req->multishot ||
	    (!req->nowait && !req->iowq_block && io_req_pollable(req)))
		flags |= IO_URING_F_NONBLOCK;
	if (!(atomic_read(&work->flags) & IO_WQ_WORK_CANCEL)) {
		if (def->iowq_locked || req->multishot) {
			mutex_lock(&req->ctx->uring_lock);
			ret = io_issue_audited(req, def, flags);
			io_compl_flush(req->ctx);
			mutex_unlock(&req->ctx->uring_lock);
		} else {
			ret = io_issue_audited(req, def,
					       flags | IO_URING_F_UNLOCKED);
		}
	}
	revert_creds(old);
	if (ret == IOU_PARKED)
		return;
	if (ret == IOU_REQUEUE) {
		io_req_task_work_add(req, io_req_queue_tw);
		return;
	}
	if (ret == -EAGAIN && !req->nowait && io_req_pollable(req)) {
		io_req_task_work_add(req, io_req_poll_tw);
		return;
	}
	/* a worker's wait broken by io-wq cancelling it is no restart */
	if (ret == -ERESTARTSYS || ret == -ERESTARTNOINTR ||
	    ret == -ERESTARTNOHAND || ret == -ERESTART_RESTARTBLOCK)
		ret = -EINTR;
	if (ret < 0)
		req->res = ret;
	io_req_task_work_add(req, io_req_complete_tw);
}

static const struct io_wq_ops io_wq_req_ops = {
	.run	= io_wq_run_req,
};

/**
 * io_tctx_wq - a task's io-wq, created on first use
 * @tctx: current's io_uring_task
 * @ctx: the ring whose SQ size bounds the pool
 *
 * Context: the task itself.
 * Return: the io_wq, or NULL if it could not be created.
 */
struct io_wq *io_tctx_wq(struct io_uring_task *tctx, struct io_ring_ctx *ctx)
{
	unsigned int bounded;
	struct io_wq *wq;

	if (tctx->wq)
		return tctx->wq;
	bounded = min(ctx->sq_entries, 4 * num_online_cpus());
	wq = io_wq_create(bounded, &io_wq_req_ops);
	spin_lock(&tctx->lock);
	tctx->wq = wq;
	spin_unlock(&tctx->lock);
	return wq;
}
