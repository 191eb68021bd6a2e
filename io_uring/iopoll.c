// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_SETUP_IOPOLL: requests whose device reports completion only when
 * asked. The opcode that sent one to its device (rw.c for O_DIRECT reads
 * and writes, uring_cmd.c for passthrough commands) hangs its struct
 * io_iopoll on ctx->iopoll_list. The reaper, io_uring_enter()'s
 * GETEVENTS or the SQ thread, calls each entry's ->poll until the opcode
 * marks it done, then finishes the request with the entry's ->complete.
 *
 * With IORING_SETUP_HYBRID_IOPOLL a waiter does not spin from the start:
 * it first sleeps for about half of the recent completion time of the
 * ring, then polls.
 */
#include <linux/kernel.h>
#include <linux/blk-mq.h>
#include <linux/hrtimer.h>
#include <linux/sched/signal.h>
#include <linux/io_uring.h>

#include "uring.h"
#include "complete.h"
#include "iopoll.h"
#include "issue.h"
#include "submit.h"
#include "tw.h"
#include "wait.h"

/* Until a ring has seen a completion, a hybrid waiter sleeps this long. */
#define IO_HYBRID_FIRST_NS	(10 * NSEC_PER_USEC)

/**
 * io_iopoll_queue - hand an issued request to the reaper
 * @req: the request, whose device accepted it (-EIOCBQUEUED)
 * @ip: its entry; @ip->poll and @ip->complete set, @ip->done cleared
 *	before the request went to the device
 * @cancel: the request's ->cancel while it waits
 * @issue_flags: of the issue; the ring lock is taken if not held
 */
void io_iopoll_queue(struct io_kiocb *req, struct io_iopoll *ip,
		     int (*cancel)(struct io_kiocb *req),
		     unsigned int issue_flags)
{
	struct io_ring_ctx *ctx = req->ctx;

	ip->req = req;
	ip->slept = false;
	if (ctx->flags & IORING_SETUP_HYBRID_IOPOLL)
		ip->issued_ns = ktime_get_ns();
	if (issue_flags & IO_URING_F_UNLOCKED)
		mutex_lock(&ctx->uring_lock);
	list_add_tail(&ip->node, &ctx->iopoll_list);
	io_req_park(req, cancel);
	if (issue_flags & IO_URING_F_UNLOCKED)
		mutex_unlock(&ctx->uring_lock);
}

/* The result is in: the opcode stored it before calling this. */
void io_iopoll_mark_done(struct io_iopoll *ip)
{
	/* release: the result before the flag (io_iopoll_is_done()) */
	smp_store_release(&ip->done, true);
}

static bool io_iopoll_is_done(struct io_iopoll *ip)
{
	/* acquire: the flag before the result (io_iopoll_mark_done()) */
	return smp_load_acquire(&ip->done);
}

/* Ask the device about @ip once unless it is already done. */
static bool io_iopoll_try(struct io_iopoll *ip, struct io_comp_batch *iob,
			  unsigned int poll_flags)
{
	if (!io_iopoll_is_done(ip))
		ip->poll(ip, iob, poll_flags);
	return io_iopoll_is_done(ip);
}

/* Keep a running average of how long the ring's requests take. */
static void io_iopoll_account(struct io_ring_ctx *ctx, struct io_iopoll *ip)
{
	u64 took;

	if (!(ctx->flags & IORING_SETUP_HYBRID_IOPOLL))
		return;
	took = ktime_get_ns() - ip->issued_ns;
	ctx->hybrid_poll_ns = ctx->hybrid_poll_ns ?
			      (ctx->hybrid_poll_ns + took) / 2 : took;
}

/*
 * Off the reaper's list: its completion is on its way, so from now on no
 * canceller may touch it (it stays parked until that completion runs).
 */
static void io_iopoll_take(struct io_iopoll *ip)
{
	list_del(&ip->node);
	io_req_park(ip->req, io_req_cancel_noop);
}

/* Off the list, and finished in its submitter's context. */
static void io_iopoll_finish(struct io_iopoll *ip)
{
	struct io_kiocb *req = ip->req;

	io_iopoll_take(ip);
	if (current == req->task)
		ip->complete(req, 0);
	else
		io_req_task_work_add(req, ip->complete);
}

/**
 * io_iopoll_settle - for a polled request's ->cancel: poll it once more
 * @ip: the request's entry
 *
 * A polled request cannot be stopped, but ring exit and close must see it
 * end, and no reaper may be polling for it at the same time.
 *
 * Context: ctx->uring_lock held.
 * Return: true if it was done and now completes through task_work (and
 * can no longer be cancelled).
 */
bool io_iopoll_settle(struct io_iopoll *ip)
{
	lockdep_assert_held(&ip->req->ctx->uring_lock);
	if (!io_iopoll_try(ip, NULL, BLK_POLL_ONESHOT))
		return false;
	io_iopoll_take(ip);
	io_req_task_work_add(ip->req, ip->complete);
	return true;
}

/**
 * io_iopoll_reap - poll the devices of an IOPOLL ring's requests
 * @ctx: the ring
 * @spin: let the first poll spin until something completes
 *
 * Polls the requests in issue order until one poll finds something: a
 * poll completes whatever its queue has ready, for other requests too,
 * so polling on for each one would only ask again. Then every request
 * that is done is finished. A request on another queue is reached in a
 * later round, once the queues in front of it have nothing ready or the
 * requests there are done.
 *
 * Context: ctx->uring_lock held.
 * Return: the number of requests that completed.
 */
unsigned int io_iopoll_reap(struct io_ring_ctx *ctx, bool spin)
{
	DEFINE_IO_COMP_BATCH(iob);
	struct io_iopoll *ip, *tmp;
	unsigned int done = 0;

	lockdep_assert_held(&ctx->uring_lock);
	list_for_each_entry(ip, &ctx->iopoll_list, node)
		if (io_iopoll_try(ip, &iob, spin ? 0 : BLK_POLL_ONESHOT) ||
		    !rq_list_empty(&iob.req_list))
			break;
	if (!rq_list_empty(&iob.req_list))
		iob.complete(&iob);
	list_for_each_entry_safe(ip, tmp, &ctx->iopoll_list, node) {
		if (!io_iopoll_is_done(ip))
			continue;
		io_iopoll_account(ctx, ip);
		io_iopoll_finish(ip);
		done++;
	}
	return done;
}

/*
 * HYBRID_IOPOLL: how long to sleep before polling for the oldest request,
 * which may already have waited part of the time. Once per request.
 */
static u64 io_iopoll_hybrid_delay(struct io_ring_ctx *ctx)
{
	struct io_iopoll *ip;
	u64 want, waited;

	ip = list_first_entry_or_null(&ctx->iopoll_list, struct io_iopoll, node);
	if (!ip || ip->slept || io_iopoll_is_done(ip))
		return 0;
	ip->slept = true;
	want = ctx->hybrid_poll_ns ? ctx->hybrid_poll_ns / 2 : IO_HYBRID_FIRST_NS;
	waited = ktime_get_ns() - ip->issued_ns;
	return want > waited ? want - waited : 0;
}

static void io_iopoll_hybrid_sleep(struct io_ring_ctx *ctx)
{
	ktime_t delay;

	mutex_lock(&ctx->uring_lock);
	delay = ns_to_ktime(io_iopoll_hybrid_delay(ctx));
	mutex_unlock(&ctx->uring_lock);
	if (!delay)
		return;
	set_current_state(TASK_INTERRUPTIBLE);
	schedule_hrtimeout(&delay, HRTIMER_MODE_REL);
}

/**
 * io_iopoll_wait - IORING_ENTER_GETEVENTS on an IOPOLL ring
 * @ctx: the ring, without SQPOLL (whose thread polls)
 * @min_complete: CQEs wanted
 *
 * Polls the devices until @min_complete CQEs are there or nothing is left
 * to poll for; never sleeps on the CQ, only (HYBRID_IOPOLL) before polling.
 *
 * Return: 0, or -EINTR on a signal.
 */
int io_iopoll_wait(struct io_ring_ctx *ctx, unsigned int min_complete)
{
	bool done;

	min_complete = min(min_complete, ctx->cq_entries);
	for (;;) {
		if (ctx->flags & IORING_SETUP_HYBRID_IOPOLL)
			io_iopoll_hybrid_sleep(ctx);
		/* completions of punted requests may be waiting as task_work */
		io_run_completions();
		mutex_lock(&ctx->uring_lock);
		io_iopoll_reap(ctx, true);
		io_compl_flush(ctx);
		io_wait_flush_overflow(ctx);
		done = io_cqes_ready(ctx) >= min_complete ||
		       list_empty(&ctx->iopoll_list);
		mutex_unlock(&ctx->uring_lock);
		if (done)
			return 0;
		if (task_sigpending(current))
			return -EINTR;
		cond_resched();
	}
}
