// SPDX-License-Identifier: GPL-2.0
/*
 * Waiting for completions (IORING_ENTER_GETEVENTS): sleep until enough CQEs
 * are ready, a timeout passes or a signal arrives. The waiter queues itself
 * before it looks at the CQ tail and posters publish the tail before they
 * look for waiters, so a wakeup cannot fall between the two.
 */
#include <linux/kernel.h>
#include <linux/sched/signal.h>
#include <linux/hrtimer.h>
#include <linux/signal.h>
#include <linux/uaccess.h>
#include <linux/compat.h>
#include <linux/io_uring.h>

#include "uring.h"
#include "napi.h"
#include "complete.h"
#include "tw.h"
#include "memmap.h"
#include "wait.h"

#include <trace/events/io_uring.h>

struct io_wait {
	clockid_t		clockid;	/* ctx->clockid, read once */
	const sigset_t __user	*sig;
	size_t			sigsz;
	ktime_t			deadline;	/* KTIME_MAX: none */
	ktime_t			min_deadline;	/* from then on, 1 CQE is enough */
	bool			min_passed;
	bool			iowait;		/* no IORING_ENTER_NO_IOWAIT */
	u32			timeouts;	/* ctx->cq_timeouts at the start */
};

static ktime_t io_clock_now(struct io_wait *w)
{
	return w->clockid == CLOCK_BOOTTIME ? ktime_get_boottime() : ktime_get();
}

/* What is left of the wait's timeout, for busy polling; KTIME_MAX: none. */
static ktime_t io_wait_left(struct io_wait *w)
{
	if (w->deadline == KTIME_MAX)
		return KTIME_MAX;
	return ktime_sub(w->deadline, io_clock_now(w));
}

/* A wait's timeout (relative unless ABS_TIMER) and minimum wait. */
static int io_wait_times(struct io_wait *w, unsigned int flags,
			 const struct timespec64 *ts, u32 min_wait_usec)
{
	ktime_t now = io_clock_now(w);

	if (min_wait_usec)
		w->min_deadline = ktime_add_us(now, min_wait_usec);
	if (!ts)
		return 0;
	if (!timespec64_valid(ts))
		return -EINVAL;
	w->deadline = timespec64_to_ktime(*ts);
	if (!(flags & IORING_ENTER_ABS_TIMER))
		w->deadline = ktime_add_safe(now, w->deadline);
	return 0;
}

/*
 * IORING_ENTER_EXT_ARG_REG: the argument is a struct io_uring_reg_wait at
 * byte offset @off of the ring's registered wait region, read once.
 */
static int io_wait_reg_args(struct io_ring_ctx *ctx, unsigned int flags,
			    unsigned long off, size_t argsz, struct io_wait *w)
{
	const struct io_uring_reg_wait *rw;
	struct timespec64 ts;
	u32 rw_flags;

	if (argsz != sizeof(*rw))
		return -EINVAL;
	rw = io_reg_wait_at(ctx, off);
	if (!rw)
		return -EFAULT;
	rw_flags = READ_ONCE(rw->flags);
	if (rw_flags & ~IORING_REG_WAIT_TS)
		return -EINVAL;
	w->sig = u64_to_user_ptr(READ_ONCE(rw->sigmask));
	w->sigsz = READ_ONCE(rw->sigmask_sz);
	ts.tv_sec = READ_ONCE(rw->ts.tv_sec);
	ts.tv_nsec = READ_ONCE(rw->ts.tv_nsec);
	return io_wait_times(w, flags, (rw_flags & IORING_REG_WAIT_TS) ? &ts : NULL,
			     READ_ONCE(rw->min_wait_usec));
}

/*
 * Decode io_uring_enter()'s argp: a sigset, with EXT_ARG the full arg,
 * and with EXT_ARG_REG too an offset into the registered wait region.
 */
static int io_wait_args(struct io_ring_ctx *ctx, unsigned int flags,
			const void __user *argp, size_t argsz, struct io_wait *w)
{
	struct io_uring_getevents_arg arg;
	struct timespec64 ts;

	w->clockid = READ_ONCE(ctx->clockid);
	w->timeouts = READ_ONCE(ctx->cq_timeouts);
	w->deadline = KTIME_MAX;
	w->min_deadline = KTIME_MAX;
	w->min_passed = false;
	w->iowait = !(flags & IORING_ENTER_NO_IOWAIT);
	if (!(flags & IORING_ENTER_EXT_ARG)) {
		if (flags & IORING_ENTER_EXT_ARG_REG)
			return -EINVAL;
		w->sig = argp;
		w->sigsz = argsz;
		return 0;
	}
	if (flags & IORING_ENTER_EXT_ARG_REG)
		return io_wait_reg_args(ctx, flags, (unsigned long)argp, argsz, w);
	if (argsz != sizeof(arg))
		return -EINVAL;
	if (copy_from_user(&arg, argp, sizeof(arg)))
		return -EFAULT;
	w->sig = u64_to_user_ptr(arg.sigmask);
	w->sigsz = arg.sigmask_sz;
	if (!arg.ts)
		return io_wait_times(w, flags, NULL, arg.min_wait_usec);
	if (get_timespec64(&ts, u64_to_user_ptr(arg.ts)))
		return -EFAULT;
	return io_wait_times(w, flags, &ts, arg.min_wait_usec);
}

/*
 * Block the waiter's sigmask for the wait. It is an io_uring_enter()
 * argument, in the layout of the caller's system call (as for
 * epoll_pwait(2)), whatever the ring's.
 */
static int io_wait_sigmask(const struct io_wait *w)
{
	const compat_sigset_t __user *csig = (const void __user *)w->sig;

	if (in_compat_syscall())
		return set_compat_user_sigmask(csig, w->sigsz);
	return set_user_sigmask(w->sig, w->sigsz);
}

/* Move overflowed CQEs into the CQ ring as far as it has room. */
void io_wait_flush_overflow(struct io_ring_ctx *ctx)
{
	if (list_empty_careful(&ctx->overflow_list))
		return;
	io_cq_lock(ctx);
	io_flush_overflow(ctx);
	io_cq_unlock_post(ctx);
}

/* One round of the wait: 0 when done, 1 to go on sleeping, or -errno. */
static int io_wait_check(struct io_ring_ctx *ctx, unsigned int min_complete,
			 struct io_wait *w, ktime_t now)
{
	unsigned int ready;

	io_wait_flush_overflow(ctx);
	if (now >= w->min_deadline) {
		w->min_deadline = KTIME_MAX;
		w->min_passed = true;
	}
	ready = io_cqes_ready(ctx);
	if (ready >= min_complete || (ready && w->min_passed))
		return 0;
	/* an expired TIMEOUT request ends any wait (io_uring_prep_timeout(3)) */
	if (READ_ONCE(ctx->cq_timeouts) != w->timeouts)
		return 0;
	if (task_sigpending(current))
		return -EINTR;
	/* a min_wait longer than the timeout runs in full */
	if (now >= w->deadline && w->min_deadline == KTIME_MAX)
		return -ETIME;
	return 1;
}

/*
 * Sleep until woken, or until @until. While requests of the task are in
 * flight the sleep counts as waiting for I/O (iowait, as a task in
 * io_schedule() does), unless the waiter said not to
 * (IORING_ENTER_NO_IOWAIT).
 */
static void io_wait_sleep(struct io_wait *w, ktime_t until)
{
	struct io_uring_task *tctx = current->io_uring;
	bool iowait = w->iowait && tctx && atomic_read(&tctx->inflight);
	int token = 0;

	if (iowait)
		token = io_schedule_prepare();
	if (until == KTIME_MAX)
		schedule();
	else
		schedule_hrtimeout_range_clock(&until, 0, HRTIMER_MODE_ABS,
					       w->clockid);
	if (iowait)
		io_schedule_finish(token);
}

static int io_wait_loop(struct io_ring_ctx *ctx, unsigned int min_complete,
			struct io_wait *w)
{
	DEFINE_WAIT(wait);
	int ret;

	for (;;) {
		prepare_to_wait(&ctx->cq_wait, &wait, TASK_INTERRUPTIBLE);
		ret = io_wait_check(ctx, min_complete, w, io_clock_now(w));
		if (ret <= 0)
			break;
		/* task_work is no signal: run it and look again */
		if (io_run_completions())
			continue;
		io_wait_sleep(w, w->min_deadline != KTIME_MAX ? w->min_deadline :
				 w->deadline);
	}
	finish_wait(&ctx->cq_wait, &wait);
	return ret;
}

/**
 * io_cqring_wait - wait for @min_complete CQEs
 * @ctx: the ring
 * @min_complete: how many CQEs must be ready (clamped to the CQ size)
 * @flags: io_uring_enter() flags (EXT_ARG, EXT_ARG_REG, ABS_TIMER, NO_IOWAIT)
 * @argp: io_uring_enter() argp
 * @argsz: io_uring_enter() argsz
 *
 * Context: process context, no locks held; sleeps.
 * Return: 0, -ETIME on timeout or -EINTR on a signal (either only if no
 * CQE is ready by then), -EFAULT/-EINVAL for a bad argument, -EBADR (once)
 * when a CQE was lost and none is ready.
 */
int io_cqring_wait(struct io_ring_ctx *ctx, unsigned int min_complete,
		   unsigned int flags, const void __user *argp, size_t argsz)
{
	struct io_wait w;
	int ret;

	ret = io_wait_args(ctx, flags, argp, argsz, &w);
	if (ret)
		return ret;
	min_complete = min(min_complete, ctx->cq_entries);
	io_run_task_work();
	io_run_defer(current->io_uring, 0);
	io_wait_flush_overflow(ctx);
	if (!io_cqes_ready(ctx) && READ_ONCE(ctx->cqe_lost) && xchg(&ctx->cqe_lost, false))
		return -EBADR;
	if (io_cqes_ready(ctx) >= min_complete)
		return 0;
	trace_io_uring_cqring_wait(ctx, min_complete);
	if (w.sig) {
		ret = io_wait_sigmask(&w);
		if (ret)
			return ret;
	}
	io_napi_busy_wait(ctx, min_complete, io_wait_left(&w));
	ret = io_wait_loop(ctx, min_complete, &w);
	restore_saved_sigmask_unless(ret == -EINTR);
	/* a timeout or signal is news only to a waiter with nothing to reap */
	if (ret < 0 && io_cqes_ready(ctx))
		ret = 0;
	return ret;
}
