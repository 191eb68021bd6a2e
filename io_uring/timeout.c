// SPDX-License-Identifier: GPL-2.0
/*
 * Timeouts: IORING_OP_TIMEOUT (relative or absolute, optionally complete
 * after a number of CQEs, optionally multishot), IORING_OP_TIMEOUT_REMOVE
 * (remove, or update a timeout or link timeout), and IORING_OP_LINK_TIMEOUT,
 * which cancels the request it is linked behind if that takes too long.
 *
 * The time is a struct __kernel_timespec in user memory, or with
 * IORING_TIMEOUT_IMMEDIATE_ARG the SQE's pointer field itself, in
 * nanoseconds. The hrtimer callback runs in hard interrupt context: it only
 * records what happened and queues task_work, which posts the CQEs.
 *
 * Locking: ctx->timeout_lock (irq-safe) over ctx->timeouts and the state
 * fields of struct io_timeout marked below; the rest under uring_lock.
 */
#include <linux/kernel.h>
#include <linux/hrtimer.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/io_uring.h>

#include "uring.h"
#include "opdef.h"
#include "mshot.h"
#include "issue.h"
#include "submit.h"
#include "tw.h"

#define IO_TIMEOUT_FLAGS	(IORING_TIMEOUT_ABS | IORING_TIMEOUT_CLOCK_MASK | \
				 IORING_TIMEOUT_ETIME_SUCCESS | IORING_TIMEOUT_MULTISHOT | \
				 IORING_TIMEOUT_IMMEDIATE_ARG)

/* The timer, allocated at prep as req->async. */
struct io_timer {
	struct hrtimer		timer;
	struct io_kiocb		*req;
	ktime_t			time;
	enum hrtimer_mode	mode;
	clockid_t		clock;
};

/**
 * struct io_timeout - a TIMEOUT or LINK_TIMEOUT request
 * @file: unused, first by convention
 * @list: on ctx->timeouts while armed (timeout_lock)
 * @count: TIMEOUT: complete after this many CQEs (0: timer only);
 *	   multishot: repeats left (0: forever)
 * @seq: the CQE sequence when it was armed
 * @flags: IORING_TIMEOUT_*
 * @fires: timer expiries task_work has not posted yet (timeout_lock)
 * @final: TIMEOUT: nonzero once the request is to complete with this res
 *	   (timeout_lock); 1 stands for 0. LINK_TIMEOUT: its res, set when
 *	   @tw_done is
 * @tw_queued: task_work queued and not yet run (timeout_lock)
 * @target: LINK_TIMEOUT: the request it guards, until that completes
 *	    (timeout_lock)
 * @victim: LINK_TIMEOUT: the target to cancel, set when the timer fires
 *	    (timeout_lock)
 * @fired: LINK_TIMEOUT: the timer expired (timeout_lock)
 * @tw_done: LINK_TIMEOUT: the task_work after expiry has run (timeout_lock)
 */
struct io_timeout {
	struct file		*file;
	struct list_head	list;
	u32			count;
	u32			seq;
	u16			flags;
	u16			fires;
	s32			final;
	struct io_kiocb		*target;
	struct io_kiocb		*victim;
	bool			tw_queued;
	bool			fired;
	bool			tw_done;
};

/* IORING_OP_TIMEOUT_REMOVE */
struct io_timeout_rem {
	struct file		*file;
	u64			user_data;
	u32			flags;
	ktime_t			time;
};

static inline struct io_timeout *io_to_timeout(struct io_kiocb *req)
{
	return io_kiocb_to_cmd(req, struct io_timeout);
}

static void io_timeout_tw(struct io_kiocb *req, unsigned int issue_flags);
static void io_link_timeout_tw(struct io_kiocb *req, unsigned int issue_flags);

static int io_timeout_clock(u32 flags, clockid_t *clock)
{
	switch (flags & IORING_TIMEOUT_CLOCK_MASK) {
	case 0:
		*clock = CLOCK_MONOTONIC;
		return 0;
	case IORING_TIMEOUT_BOOTTIME:
		*clock = CLOCK_BOOTTIME;
		return 0;
	case IORING_TIMEOUT_REALTIME:
		*clock = CLOCK_REALTIME;
		return 0;
	default:
		return -EINVAL;
	}
}

/*
 * The SQE's time: a struct __kernel_timespec at @arg, or with
 * IORING_TIMEOUT_IMMEDIATE_ARG in @flags @arg itself, in nanoseconds.
 */
static int io_get_ktime(u64 arg, u32 flags, ktime_t *time)
{
	struct timespec64 ts;

	if (flags & IORING_TIMEOUT_IMMEDIATE_ARG) {
		if (arg > KTIME_MAX)
			return -EINVAL;
		*time = ns_to_ktime(arg);
		return 0;
	}
	if (get_timespec64(&ts, u64_to_user_ptr(arg)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0)
		return -EINVAL;
	*time = timespec64_to_ktime(ts);
	return 0;
}

/* Record an event for task_work; the caller holds timeout_lock. */
static void io_timeout_kick_locked(struct io_timeout *t, struct io_kiocb *req)
{
	if (!t->tw_queued) {
		t->tw_queued = true;
		io_req_task_work_add(req, io_timeout_tw);
	}
}

static enum hrtimer_restart io_timeout_fn(struct hrtimer *timer)
{
	struct io_timer *tm = container_of(timer, struct io_timer, timer);
	struct io_kiocb *req = tm->req;
	struct io_timeout *t = io_to_timeout(req);
	struct io_ring_ctx *ctx = req->ctx;
	enum hrtimer_restart ret = HRTIMER_NORESTART;
	unsigned long flags;

	spin_lock_irqsave(&ctx->timeout_lock, flags);
	if (!list_empty(&t->list)) {
		t->fires++;
		if ((t->flags & IORING_TIMEOUT_MULTISHOT) && t->count != 1) {
			if (t->count)
				t->count--;
			hrtimer_forward_now(timer, tm->time);
			ret = HRTIMER_RESTART;
		} else {
			list_del_init(&t->list);
			t->final = -ETIME;
		}
		io_timeout_kick_locked(t, req);
	}
	spin_unlock_irqrestore(&ctx->timeout_lock, flags);
	return ret;
}

/*
 * Stop an armed timeout that is to complete with @res. Return: 0, or
 * -EALREADY if its timer is firing or it is already done.
 */
static int io_timeout_stop(struct io_kiocb *req, int res)
{
	struct io_timeout *t = io_to_timeout(req);
	struct io_timer *tm = req->async;
	struct io_ring_ctx *ctx = req->ctx;
	int ret = -EALREADY;

	spin_lock_irq(&ctx->timeout_lock);
	if (!list_empty(&t->list) && hrtimer_try_to_cancel(&tm->timer) != -1) {
		list_del_init(&t->list);
		t->final = res ?: 1;
		io_timeout_kick_locked(t, req);
		ret = 0;
	}
	spin_unlock_irq(&ctx->timeout_lock);
	return ret;
}

static int io_timeout_cancel(struct io_kiocb *req)
{
	return io_timeout_stop(req, -ECANCELED);
}

/* task_work: post what the timer recorded; complete if it is over. */
static void io_timeout_tw(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_timeout *t = io_to_timeout(req);
	struct io_ring_ctx *ctx = req->ctx;
	unsigned int fires;
	int final;

	spin_lock_irq(&ctx->timeout_lock);
	fires = t->fires;
	final = t->final;
	t->fires = 0;
	t->tw_queued = false;
	spin_unlock_irq(&ctx->timeout_lock);

	/*
	 * A timeout's own CQEs (expiries, or reaching its count) do not count
	 * towards other timeouts, and they end any GETEVENTS wait.
	 */
	WRITE_ONCE(ctx->cq_timeouts, ctx->cq_timeouts + fires + (final == 1));
	if (final == -ETIME && fires)
		fires--;
	for (; fires; fires--) {
		if (io_mshot_post(req, -ETIME, 0))
			continue;
		/* no room in the CQ ring: the last expiry ends it, overflowing */
		if (!final && io_timeout_stop(req, -ETIME) == 0)
			return;
		break;
	}
	if (!final && (issue_flags & IO_URING_F_TASK_DEAD) &&
	    io_timeout_stop(req, -ECANCELED) == 0)
		return;
	if (!final)
		return;
	req->res = final == 1 ? 0 : final;
	/* ETIME_SUCCESS: an expiry is a success for links and CQE skipping */
	if (final == -ETIME && (t->flags & IORING_TIMEOUT_ETIME_SUCCESS))
		req->res_ok = true;
	io_req_done(req);
}

/*
 * ctx->cq_posted once a TIMEOUT was armed: complete the count-based ones
 * whose count is reached. Context: ctx->uring_lock held.
 */
static void io_timeouts_flush(struct io_ring_ctx *ctx)
{
	u32 seq = ctx->cq_seq - ctx->cq_timeouts;
	struct io_timeout *t, *tmp;
	struct io_kiocb *req;

	lockdep_assert_held(&ctx->uring_lock);
	/* armed only under uring_lock: an empty list stays empty here */
	if (list_empty(&ctx->timeouts))
		return;
	spin_lock_irq(&ctx->timeout_lock);
	list_for_each_entry_safe(t, tmp, &ctx->timeouts, list) {
		if (!t->count || (t->flags & IORING_TIMEOUT_MULTISHOT))
			continue;
		if (seq - t->seq < t->count)
			continue;
		req = container_of((void *)t, struct io_kiocb, op);
		if (hrtimer_try_to_cancel(&((struct io_timer *)req->async)->timer) == -1)
			continue;
		list_del_init(&t->list);
		t->final = 1;
		io_timeout_kick_locked(t, req);
	}
	spin_unlock_irq(&ctx->timeout_lock);
}

static int io_timer_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe,
			 u32 flags)
{
	struct io_timer *tm;
	int ret;

	tm = kzalloc(sizeof(*tm), GFP_KERNEL_ACCOUNT);
	if (!tm)
		return -ENOMEM;
	req->async = tm;
	tm->req = req;
	ret = io_timeout_clock(flags, &tm->clock);
	if (!ret)
		ret = io_get_ktime(READ_ONCE(sqe->addr), flags, &tm->time);
	if (ret)
		return ret;
	tm->mode = (flags & IORING_TIMEOUT_ABS) ? HRTIMER_MODE_ABS : HRTIMER_MODE_REL;
	hrtimer_init(&tm->timer, tm->clock, tm->mode);
	return 0;
}

int io_timeout_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	struct io_timeout *t = io_to_timeout(req);
	u32 flags = READ_ONCE(sqe->timeout_flags);
	u32 count = READ_ONCE(sqe->off);

	if (READ_ONCE(sqe->buf_index) || READ_ONCE(sqe->len) != 1 ||
	    READ_ONCE(sqe->splice_fd_in) || READ_ONCE(sqe->ioprio))
		return -EINVAL;
	if (flags & ~IO_TIMEOUT_FLAGS)
		return -EINVAL;
	/* a multishot timeout repeats on its own: it never counts CQEs */
	if ((flags & IORING_TIMEOUT_MULTISHOT) && (flags & IORING_TIMEOUT_ABS))
		return -EINVAL;
	INIT_LIST_HEAD(&t->list);
	t->flags = flags;
	t->count = count;
	t->fires = 0;
	t->final = 0;
	t->tw_queued = false;
	t->target = NULL;
	t->victim = NULL;
	return io_timer_prep(req, sqe, flags);
}

int io_timeout(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_timeout *t = io_to_timeout(req);
	struct io_ring_ctx *ctx = req->ctx;
	struct io_timer *tm = req->async;

	t->seq = ctx->cq_seq - ctx->cq_timeouts;
	ctx->cq_posted = io_timeouts_flush;
	io_req_park(req, io_timeout_cancel);
	spin_lock_irq(&ctx->timeout_lock);
	list_add_tail(&t->list, &ctx->timeouts);
	tm->timer.function = io_timeout_fn;
	hrtimer_start(&tm->timer, tm->time, tm->mode);
	spin_unlock_irq(&ctx->timeout_lock);
	return IOU_PARKED;
}

int io_timeout_remove_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	struct io_timeout_rem *r = io_kiocb_to_cmd(req, struct io_timeout_rem);
	u32 flags = READ_ONCE(sqe->timeout_flags);
	clockid_t clock;
	int ret;

	if (READ_ONCE(sqe->buf_index) || READ_ONCE(sqe->len) ||
	    READ_ONCE(sqe->splice_fd_in) || READ_ONCE(sqe->ioprio))
		return -EINVAL;
	r->user_data = READ_ONCE(sqe->addr);
	r->flags = flags;
	if (!(flags & IORING_TIMEOUT_UPDATE_MASK)) {
		if (flags || READ_ONCE(sqe->off))
			return -EINVAL;
		return 0;
	}
	if (flags & ~(IORING_TIMEOUT_UPDATE_MASK | IORING_TIMEOUT_ABS |
		      IORING_TIMEOUT_CLOCK_MASK | IORING_TIMEOUT_ETIME_SUCCESS |
		      IORING_TIMEOUT_IMMEDIATE_ARG))
		return -EINVAL;
	ret = io_timeout_clock(flags, &clock);
	if (ret)
		return ret;
	return io_get_ktime(READ_ONCE(sqe->off), flags, &r->time);
}

static struct io_kiocb *io_timeout_find(struct io_ring_ctx *ctx, u64 user_data,
					bool link)
{
	struct io_timeout *t;

	lockdep_assert_held(&ctx->timeout_lock);
	list_for_each_entry(t, &ctx->timeouts, list) {
		struct io_kiocb *req = container_of((void *)t, struct io_kiocb, op);

		bool is_link = req->opcode == IORING_OP_LINK_TIMEOUT;

		if (req->user_data == user_data && is_link == link)
			return req;
	}
	return NULL;
}

/* Re-arm an armed (link) timeout with a new expiry. */
static int io_timeout_update(struct io_ring_ctx *ctx, struct io_timeout_rem *r)
{
	bool link = r->flags & IORING_LINK_TIMEOUT_UPDATE;
	struct io_kiocb *req;
	struct io_timer *tm;
	int ret = -ENOENT;

	spin_lock_irq(&ctx->timeout_lock);
	req = io_timeout_find(ctx, r->user_data, link);
	if (req) {
		tm = req->async;
		ret = -EALREADY;
		if (hrtimer_try_to_cancel(&tm->timer) != -1) {
			tm->time = r->time;
			tm->mode = (r->flags & IORING_TIMEOUT_ABS) ?
				   HRTIMER_MODE_ABS : HRTIMER_MODE_REL;
			hrtimer_start(&tm->timer, tm->time, tm->mode);
			ret = 0;
		}
	}
	spin_unlock_irq(&ctx->timeout_lock);
	return ret;
}

int io_timeout_remove(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_timeout_rem *r = io_kiocb_to_cmd(req, struct io_timeout_rem);
	struct io_ring_ctx *ctx = req->ctx;
	struct io_kiocb *treq;

	if (r->flags & IORING_TIMEOUT_UPDATE_MASK) {
		req->res = io_timeout_update(ctx, r);
		return 0;
	}
	spin_lock_irq(&ctx->timeout_lock);
	treq = io_timeout_find(ctx, r->user_data, false);
	spin_unlock_irq(&ctx->timeout_lock);
	/* only we (under uring_lock) free timeouts, so treq stays valid */
	req->res = treq ? io_timeout_stop(treq, -ECANCELED) : -ENOENT;
	return 0;
}

int io_link_timeout_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	struct io_timeout *t = io_to_timeout(req);
	u32 flags = READ_ONCE(sqe->timeout_flags);

	if (READ_ONCE(sqe->buf_index) || READ_ONCE(sqe->len) != 1 ||
	    READ_ONCE(sqe->splice_fd_in) || READ_ONCE(sqe->off) ||
	    READ_ONCE(sqe->ioprio))
		return -EINVAL;
	if (flags & ~(IORING_TIMEOUT_ABS | IORING_TIMEOUT_CLOCK_MASK |
		      IORING_TIMEOUT_IMMEDIATE_ARG))
		return -EINVAL;
	INIT_LIST_HEAD(&t->list);
	t->flags = flags;
	t->count = 0;
	t->target = NULL;
	t->victim = NULL;
	t->fired = false;
	t->tw_done = false;
	return io_timer_prep(req, sqe, flags);
}

/* A LINK_TIMEOUT issued on its own has nothing to guard. */
int io_link_timeout(struct io_kiocb *req, unsigned int issue_flags)
{
	return -EINVAL;
}

static enum hrtimer_restart io_link_timeout_fn(struct hrtimer *timer)
{
	struct io_timer *tm = container_of(timer, struct io_timer, timer);
	struct io_kiocb *req = tm->req;
	struct io_timeout *t = io_to_timeout(req);
	struct io_ring_ctx *ctx = req->ctx;
	unsigned long flags;

	spin_lock_irqsave(&ctx->timeout_lock, flags);
	list_del_init(&t->list);
	t->fired = true;
	t->victim = t->target;
	spin_unlock_irqrestore(&ctx->timeout_lock, flags);
	io_req_task_work_add(req, io_link_timeout_tw);
	return HRTIMER_NORESTART;
}

static void io_link_timeout_complete(struct io_kiocb *req, int res)
{
	req->res = res;
	io_req_complete_defer(req);
}

/*
 * task_work after expiry: cancel the target if it is still there. The
 * LINK_TIMEOUT then completes with -ETIME, or with the count a cancel of
 * a WAITID or FUTEX_WAIT reports (1), as an ASYNC_CANCEL's CQE would.
 */
static void io_link_timeout_tw(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_timeout *t = io_to_timeout(req);
	struct io_ring_ctx *ctx = req->ctx;
	struct io_kiocb *victim;
	bool target_done;
	int res = 0;

	spin_lock_irq(&ctx->timeout_lock);
	victim = t->victim;
	t->victim = NULL;
	spin_unlock_irq(&ctx->timeout_lock);
	if (victim && victim->cancel)
		res = victim->cancel(victim);

	spin_lock_irq(&ctx->timeout_lock);
	t->final = res > 0 ? res : -ETIME;
	t->tw_done = true;
	target_done = !t->target;
	spin_unlock_irq(&ctx->timeout_lock);
	/* else the target's completion completes us (see detach) */
	if (target_done)
		io_link_timeout_complete(req, t->final);
}

/**
 * io_link_timeout_arm - start a LINK_TIMEOUT's timer
 * @lt: the LINK_TIMEOUT, linked right behind @target
 * @target: the request it guards, which has just gone async
 *
 * Context: ctx->uring_lock held.
 */
void io_link_timeout_arm(struct io_kiocb *lt, struct io_kiocb *target)
{
	struct io_timeout *t = io_to_timeout(lt);
	struct io_timer *tm = lt->async;
	struct io_ring_ctx *ctx = lt->ctx;

	lockdep_assert_held(&ctx->uring_lock);
	spin_lock_irq(&ctx->timeout_lock);
	if (!t->target && !t->fired) {
		t->target = target;
		list_add_tail(&t->list, &ctx->timeouts);
		tm->timer.function = io_link_timeout_fn;
		hrtimer_start(&tm->timer, tm->time, tm->mode);
	}
	spin_unlock_irq(&ctx->timeout_lock);
}

/**
 * io_link_timeout_detach - the guarded request has completed
 * @lt: its LINK_TIMEOUT
 *
 * Stops the timer and completes @lt with -ECANCELED, unless the timer has
 * fired, in which case @lt completes with its cancel's result (here or in
 * its task_work; see io_link_timeout_tw()).
 *
 * Context: ctx->uring_lock held.
 * Return: the request linked behind @lt, now the guarded request's next.
 */
struct io_kiocb *io_link_timeout_detach(struct io_kiocb *lt)
{
	struct io_timeout *t = io_to_timeout(lt);
	struct io_timer *tm = lt->async;
	struct io_ring_ctx *ctx = lt->ctx;
	struct io_kiocb *next = lt->link;
	bool fired, tw_done;

	lockdep_assert_held(&ctx->uring_lock);
	lt->link = NULL;
	spin_lock_irq(&ctx->timeout_lock);
	if (!t->fired && hrtimer_try_to_cancel(&tm->timer) != -1) {
		list_del_init(&t->list);
		t->target = NULL;
		spin_unlock_irq(&ctx->timeout_lock);
		io_link_timeout_complete(lt, -ECANCELED);
		return next;
	}
	t->target = NULL;
	t->victim = NULL;
	fired = t->fired;
	tw_done = t->tw_done;
	spin_unlock_irq(&ctx->timeout_lock);
	/* firing now (!fired): its task_work sees no target and completes it */
	if (fired && tw_done)
		io_link_timeout_complete(lt, t->final);
	return next;
}
