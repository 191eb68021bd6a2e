// SPDX-License-Identifier: GPL-2.0
/*
 * Finishing requests in their submitter's context. Whatever completes a
 * request away from its task (an io-wq worker, a poll wakeup, a timer)
 * queues a callback here; the task runs the callbacks in the order they
 * were queued, with each ring's lock taken once per run of requests for
 * that ring.
 *
 * Two queues per task: tw_list, run by task_work on the task's way back to
 * userspace; and, for DEFER_TASKRUN rings, defer_list, run only when the
 * task waits for completions (or exits). Both are lock-free llists. What
 * the task took from defer_list but has not run yet waits on defer_kept,
 * which only the task touches.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/sched/signal.h>
#include <linux/task_work.h>
#include <linux/io_uring.h>

#include "uring.h"
#include "eventfd.h"
#include "submit.h"
#include "tw.h"

#include <trace/events/io_uring.h>

static void io_tw_lock(struct io_ring_ctx *ctx)
{
	/* a callback may free the last request holding the ring */
	percpu_ref_get(&ctx->refs);
	mutex_lock(&ctx->uring_lock);
	if (ctx->flags & IORING_SETUP_TASKRUN_FLAG)
		atomic_andnot(IORING_SQ_TASKRUN, (atomic_t *)&ctx->rings.hdr->sq_flags);
}

/* @nr callbacks ran under the lock; @local: from a DEFER_TASKRUN list. */
static void io_tw_unlock(struct io_ring_ctx *ctx, unsigned int nr, bool local)
{
	io_compl_flush(ctx);
	if (local)
		trace_io_uring_local_work_run(ctx, nr, 1);
	mutex_unlock(&ctx->uring_lock);
	percpu_ref_put(&ctx->refs);
}

/*
 * Run the callbacks of a detached chain given oldest first; @local: from
 * a task's DEFER_TASKRUN list. Return: how many ran.
 */
static unsigned int io_tw_run_list(struct llist_node *node, unsigned int flags,
				   bool local)
{
	struct io_ring_ctx *ctx = NULL;
	struct io_kiocb *req, *tmp;
	unsigned int nr = 0, total = 0;

	llist_for_each_entry_safe(req, tmp, node, tw_entry) {
		if (req->ctx != ctx) {
			if (ctx)
				io_tw_unlock(ctx, nr, local);
			ctx = req->ctx;
			io_tw_lock(ctx);
			total += nr;
			nr = 0;
		}
		req->tw_cb(req, flags);
		nr++;
	}
	if (ctx)
		io_tw_unlock(ctx, nr, local);
	return total + nr;
}

static unsigned int io_tw_flags(void)
{
	unsigned int flags = IO_URING_F_COMPLETE_DEFER;

	if (unlikely(current->flags & PF_EXITING))
		flags |= IO_URING_F_TASK_DEAD;
	return flags;
}

/* The task_work callback: the task is on its way back to userspace. */
void io_tw_run(struct callback_head *cb)
{
	struct io_uring_task *tctx = container_of(cb, struct io_uring_task,
						  tw_head);
	unsigned int count;

	count = io_tw_run_list(llist_reverse_order(llist_del_all(&tctx->tw_list)),
			       io_tw_flags(), false);
	trace_io_uring_task_work_run(tctx, count);
}

/*
 * All of a task's DEFER_TASKRUN completions, oldest first: those it kept
 * back (io_tw_kick_fn()), then its list. Only the task itself takes.
 */
static struct llist_node *io_defer_take(struct io_uring_task *tctx)
{
	struct llist_node *node = llist_reverse_order(llist_del_all(&tctx->defer_list));
	struct llist_node *kept = tctx->defer_kept, *last;

	if (!kept)
		return node;
	tctx->defer_kept = NULL;
	for (last = kept; last->next; last = last->next)
		;
	last->next = node;
	return kept;
}

/**
 * io_run_defer - run a task's DEFER_TASKRUN completions
 * @tctx: current's io_uring_task
 * @flags: extra issue flags for the callbacks (IO_URING_F_TASK_DEAD)
 *
 * Context: the task itself, no ring lock held.
 * Return: true if there was anything to run.
 */
bool io_run_defer(struct io_uring_task *tctx, unsigned int flags)
{
	if (!tctx || !io_defer_pending(tctx))
		return false;
	/* a waiter may call us between prepare_to_wait() and schedule() */
	__set_current_state(TASK_RUNNING);
	io_tw_run_list(io_defer_take(tctx), io_tw_flags() | flags, true);
	return true;
}

/**
 * io_run_task_work - run current's pending task_work, ours among it
 *
 * Context: process context, no ring lock held.
 * Return: true if there was any.
 */
bool io_run_task_work(void)
{
	if (test_thread_flag(TIF_NOTIFY_SIGNAL))
		clear_notify_signal();
	if (!task_work_pending(current))
		return false;
	__set_current_state(TASK_RUNNING);
	task_work_run();
	return true;
}

/**
 * io_run_completions - run what completes current's requests: its
 * task_work, or else its DEFER_TASKRUN queue
 *
 * Context: process context, no ring lock held.
 * Return: true if there was any.
 */
bool io_run_completions(void)
{
	return io_run_task_work() || io_run_defer(current->io_uring, 0);
}

/* Requests whose task can run no more task_work finish from a kworker. */
void io_fallback_work(struct work_struct *work)
{
	struct io_ring_ctx *ctx = container_of(work, struct io_ring_ctx,
					       fallback_work);
	struct llist_node *node = llist_del_all(&ctx->fallback_list);

	io_tw_run_list(llist_reverse_order(node),
		       IO_URING_F_COMPLETE_DEFER | IO_URING_F_TASK_DEAD, false);
}

/*
 * A completion run by the ring's kernel worker: the ring is closed, or its
 * task can run no more task_work. A DEFER_TASKRUN ring's completions only
 * ever run in its submitter, so while the ring is open they wait for its
 * teardown (io_fallback_kick()).
 */
static void io_fallback_add(struct io_kiocb *req)
{
	struct io_ring_ctx *ctx = req->ctx;

	/* once on the list, @req and its ring reference may go at once */
	percpu_ref_get(&ctx->refs);
	if (llist_add(&req->tw_entry, &ctx->fallback_list) &&
	    (!(ctx->flags & IORING_SETUP_DEFER_TASKRUN) ||
	     percpu_ref_is_dying(&ctx->refs)))
		schedule_work(&ctx->fallback_work);
	percpu_ref_put(&ctx->refs);
}

/* Move a task's queue that it will never run to the rings' workers. */
static void io_tw_fallback(struct llist_head *list)
{
	struct llist_node *node = llist_del_all(list);
	struct io_kiocb *req, *tmp;

	node = llist_reverse_order(node);
	llist_for_each_entry_safe(req, tmp, node, tw_entry)
		io_fallback_add(req);
}

/**
 * io_fallback_kick - ring teardown: run the completions left to a worker
 * @ctx: the ring, its refs killed
 */
void io_fallback_kick(struct io_ring_ctx *ctx)
{
	if (!llist_empty(&ctx->fallback_list))
		schedule_work(&ctx->fallback_work);
}

static void io_tw_wake(struct io_ring_ctx *ctx, struct io_uring_task *tctx)
{
	/* the llist_add() before was a full barrier */
	if (waitqueue_active(&ctx->cq_wait))
		wake_up(&ctx->cq_wait);
	if (unlikely(READ_ONCE(tctx->draining)))
		wake_up(&tctx->wait);
}

/*
 * Once on the list, @req may be run and freed by its task at once, with
 * the last references to @ctx and @tctx: hold the ring, and RCU for
 * tctx (freed with kfree_rcu()), across the wakeups.
 */
static void io_defer_add(struct io_kiocb *req, struct io_ring_ctx *ctx,
			 struct io_uring_task *tctx)
{
	bool first;

	percpu_ref_get(&ctx->refs);
	rcu_read_lock();
	first = llist_add(&req->tw_entry, &tctx->defer_list);
	/* full barrier above; pairs with io_tw_task_dead() */
	if (unlikely(READ_ONCE(tctx->dead))) {
		io_tw_fallback(&tctx->defer_list);
	} else {
		io_tw_wake(ctx, tctx);
		/*
		 * An event loop sleeping on the ring's eventfd must learn that
		 * completions wait for it to come and run them.
		 */
		if (first)
			io_eventfd_signal(ctx, true);
	}
	rcu_read_unlock();
	percpu_ref_put(&ctx->refs);
}

/**
 * io_req_task_work_add - finish a request in its submitter's context
 * @req: the request
 * @cb: runs in req->task with ctx->uring_lock held
 *
 * Context: any, including hard interrupts. @cb gets IO_URING_F_TASK_DEAD
 * when the task is exiting or the ring is closed (it then runs in the
 * ring's worker), and must then fail the request rather than issue
 * anything.
 */
void io_req_task_work_add(struct io_kiocb *req,
			  void (*cb)(struct io_kiocb *req, unsigned int issue_flags))
{
	struct task_struct *task = req->task;
	struct io_uring_task *tctx = task->io_uring;
	struct io_ring_ctx *ctx = req->ctx;
	enum task_work_notify_mode notify = TWA_SIGNAL;

	trace_io_uring_task_add(req, 0);
	req->tw_cb = cb;
	if (ctx->flags & IORING_SETUP_TASKRUN_FLAG) {
		/* from any context: against a resize, as struct io_rings says */
		rcu_read_lock();
		atomic_or(IORING_SQ_TASKRUN,
			  (atomic_t *)&READ_ONCE(ctx->rings.hdr)->sq_flags);
		rcu_read_unlock();
	}
	/*
	 * A closed ring's completions (its teardown's cancellations, mostly)
	 * are no business of the task's: queued to it from the teardown
	 * worker, they could also take the place of a completion the task
	 * queues to itself, which it then would not run before it returns.
	 */
	if (unlikely(percpu_ref_is_dying(&ctx->refs))) {
		io_fallback_add(req);
		return;
	}
	if (ctx->flags & IORING_SETUP_DEFER_TASKRUN) {
		io_defer_add(req, ctx, tctx);
		return;
	}
	if (ctx->flags & IORING_SETUP_COOP_TASKRUN)
		notify = TWA_SIGNAL_NO_IPI;
	/* the task may run @req once it is on the list; see io_defer_add() */
	rcu_read_lock();
	if (llist_add(&req->tw_entry, &tctx->tw_list)) {
		if (likely(!task_work_add(task, &tctx->tw_head, notify))) {
			if (unlikely(READ_ONCE(tctx->draining)))
				wake_up(&tctx->wait);
		} else {
			io_tw_fallback(&tctx->tw_list);
		}
	}
	rcu_read_unlock();
}

/**
 * io_tw_task_dead - the task has exited: no DEFER_TASKRUN work may wait
 * for it any more
 * @tctx: current->io_uring
 *
 * What is queued runs now (failing, as the task is dead); what comes later
 * goes to the rings' fallback workers.
 *
 * Context: the exiting task.
 */
void io_tw_task_dead(struct io_uring_task *tctx)
{
	WRITE_ONCE(tctx->dead, true);
	/* the flag before the list; pairs with io_req_task_work_add() */
	smp_mb();
	io_run_defer(tctx, IO_URING_F_TASK_DEAD);
}

struct io_tw_kick {
	struct callback_head	cb;
};

/*
 * Run the completions of closed rings only: a live DEFER_TASKRUN ring's
 * run when the task waits for them, not at whatever syscall it returns
 * from. The others are kept back, in order, for the next io_run_defer().
 */
static void io_tw_kick_fn(struct callback_head *cb)
{
	struct io_uring_task *tctx = current->io_uring;
	struct llist_node *node, *next, *run = NULL, *kept = NULL;
	struct llist_node **run_tail = &run, **kept_tail = &kept;

	kfree(container_of(cb, struct io_tw_kick, cb));
	if (!tctx)
		return;
	/* an exiting task runs (and fails) all, for nothing would run later */
	if (current->flags & PF_EXITING) {
		io_run_defer(tctx, IO_URING_F_TASK_DEAD);
		return;
	}
	for (node = io_defer_take(tctx); node; node = next) {
		struct io_kiocb *req = llist_entry(node, struct io_kiocb, tw_entry);

		next = node->next;
		node->next = NULL;
		if (percpu_ref_is_dying(&req->ctx->refs)) {
			*run_tail = node;
			run_tail = &node->next;
		} else {
			*kept_tail = node;
			kept_tail = &node->next;
		}
	}
	tctx->defer_kept = kept;
	/* as in the ring's worker: nothing more is issued for a closed ring */
	if (run)
		io_tw_run_list(run, io_tw_flags() | IO_URING_F_TASK_DEAD, true);
}

/**
 * io_tw_kick - make @task run soon what its closed DEFER_TASKRUN rings
 * left on its queue
 * @task: a ring's submitter task
 *
 * A closed DEFER_TASKRUN ring cannot wait for its owner to call
 * io_uring_enter() again. The completions of the task's open rings stay
 * queued. If the task is already exiting, its exit path runs them all.
 *
 * Context: process context.
 */
void io_tw_kick(struct task_struct *task)
{
	struct io_tw_kick *kick = kmalloc(sizeof(*kick), GFP_KERNEL);

	if (!kick)
		return;
	init_task_work(&kick->cb, io_tw_kick_fn);
	if (task_work_add(task, &kick->cb, TWA_SIGNAL))
		kfree(kick);
}
