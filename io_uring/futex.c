// SPDX-License-Identifier: GPL-2.0
/*
 * Futexes: IORING_OP_FUTEX_WAIT and FUTEX_WAKE, the futex2 wait and wake
 * (FUTEX_WAIT_BITSET / FUTEX_WAKE_BITSET with futex2 flags), and
 * IORING_OP_FUTEX_WAITV, futex_waitv(2). None of them takes a timeout: a
 * linked timeout cancels a wait instead.
 *
 * A wait puts a futex_q of its own on each futex, with a wake handler in
 * place of a sleeping task, and parks the request. The handler runs under
 * the futex's hash bucket lock, from whatever task wakes the futex: it only
 * claims the request and passes it to the submitter's task_work, which
 * takes the other futexes off their queues and posts the CQE. Cancellation
 * claims the request the same way; whichever comes first finishes it.
 *
 * As with futex(2), a wait whose futex no longer holds the expected value
 * completes at once with -EAGAIN. A WAITV completes with the index of the
 * futex that woke it.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/io_uring.h>

#include "../kernel/futex/futex.h"

#include "uring.h"
#include "opdef.h"
#include "issue.h"
#include "tw.h"

/* FUTEX_WAKE: everything fits the request. */
struct io_futex_wake {
	struct file	*file;		/* unused: no needs_file */
	u64		uaddr;
	u64		mask;
	int		nr;
	unsigned int	flags;		/* FLAGS_* */
};

/* The bit of io_futex_waiter::owner whose setter finishes the request. */
#define IO_FUTEX_CLAIMED	0

/**
 * struct io_futex_waiter - a waiting FUTEX_WAIT or WAITV, as req->async
 * @req: the request
 * @owner: IO_FUTEX_CLAIMED once a wakeup or a cancel has taken it over
 * @queued: the futex_qs are (or were, until a waker took them off) queued;
 *	    cleared under uring_lock by whoever takes them all off
 * @nr: futexes waited on
 * @v: one per futex: what to wait for and our futex_q; a FUTEX_WAIT has one,
 *     with the bitset in its futex_q
 */
struct io_futex_waiter {
	struct io_kiocb		*req;
	unsigned long		owner;
	bool			queued;
	unsigned int		nr;
	struct futex_vector	v[] __counted_by(nr);
};

static struct io_futex_waiter *io_futex_waiter_alloc(struct io_kiocb *req,
						     unsigned int nr)
{
	struct io_futex_waiter *fw;

	fw = kzalloc(struct_size(fw, v, nr), GFP_KERNEL_ACCOUNT);
	if (!fw)
		return NULL;
	fw->req = req;
	fw->nr = nr;
	req->async = fw;
	return fw;
}

/*
 * Turn a futex2 flags word into the futex core's FLAGS_*. Return: 0, or
 * -EINVAL for unknown flags or a size the futex core does not do.
 */
static int io_futex_flags(u32 futex2_flags, unsigned int *flags)
{
	if (futex2_flags & ~FUTEX2_VALID_MASK)
		return -EINVAL;
	*flags = futex2_to_flags(futex2_flags);
	if (!futex_flags_valid(*flags))
		return -EINVAL;
	return 0;
}

/* The SQE fields no futex opcode uses. */
static bool io_futex_sqe_unused_ok(const struct io_uring_sqe *sqe)
{
	return !READ_ONCE(sqe->futex_flags) && !READ_ONCE(sqe->buf_index) &&
	       !READ_ONCE(sqe->file_index);
}

/* task_work: the wait was claimed; take the futex_qs off and post. */
static void io_futex_finish_tw(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_futex_waiter *fw = req->async;

	if (fw->queued) {
		futex_unqueue_multiple(fw->v, fw->nr);
		fw->queued = false;
	}
	if (issue_flags & IO_URING_F_TASK_DEAD)
		req->res = -ECANCELED;
	io_req_done(req);
}

/*
 * The futex_q's wake handler, called by futex_wake() and friends with the
 * futex's hash bucket lock held. The futex_q comes off its queue in any
 * case (the waker counts it as woken); only the first wakeup or cancel to
 * claim the request may look at it afterwards, as the winner may already
 * be freeing it.
 */
static void io_futex_wake_fn(struct wake_q_head *wake_q, struct futex_q *q)
{
	struct io_futex_waiter *fw = q->wake_data;
	struct io_kiocb *req = fw->req;
	int index = container_of(q, struct futex_vector, q) - fw->v;
	bool won = !test_and_set_bit(IO_FUTEX_CLAIMED, &fw->owner);

	__futex_wake_mark(q);
	if (!won)
		return;
	req->res = index;
	io_req_task_work_add(req, io_futex_finish_tw);
}

/*
 * ->cancel of a parked wait. A futex woken after our claim but before we
 * took its futex_q off still counted as a wakeup to its waker: the request
 * then reports that wakeup rather than the cancel.
 *
 * Return: 1 (what 6.12 reports for a cancelled futex wait) when the
 * request now completes with -ECANCELED; -EALREADY when it completes with
 * a wakeup.
 */
static int io_futex_cancel(struct io_kiocb *req)
{
	struct io_futex_waiter *fw = req->async;
	int woken;

	if (test_and_set_bit(IO_FUTEX_CLAIMED, &fw->owner))
		return -EALREADY;
	woken = fw->queued ? futex_unqueue_multiple(fw->v, fw->nr) : -1;
	fw->queued = false;
	req->res = woken >= 0 ? woken : -ECANCELED;
	io_req_task_work_add(req, io_futex_finish_tw);
	return woken >= 0 ? -EALREADY : 1;
}

/* Queued and waiting: let the wakeup or a cancel finish it. */
static int io_futex_park(struct io_kiocb *req)
{
	io_req_park(req, io_futex_cancel);
	return IOU_PARKED;
}

/**
 * io_futex_wait_prep - prepare IORING_OP_FUTEX_WAIT
 * @req: the request
 * @sqe: addr the futex, off the value it must hold, addr3 the bitset,
 *	 fd the futex2 flags (FUTEX2_SIZE_*, FUTEX2_PRIVATE); futex_flags 0
 *
 * Return: 0, or -EINVAL, -ENOMEM.
 */
int io_futex_wait_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	u64 uaddr = READ_ONCE(sqe->addr);
	u64 val = READ_ONCE(sqe->addr2);
	u64 mask = READ_ONCE(sqe->addr3);
	struct io_futex_waiter *fw;
	unsigned int flags;
	int ret;

	if (READ_ONCE(sqe->len) || !io_futex_sqe_unused_ok(sqe))
		return -EINVAL;
	ret = io_futex_flags(READ_ONCE(sqe->fd), &flags);
	if (ret)
		return ret;
	if (!mask || !futex_validate_input(flags, val) ||
	    !futex_validate_input(flags, mask))
		return -EINVAL;
	fw = io_futex_waiter_alloc(req, 1);
	if (!fw)
		return -ENOMEM;
	fw->v[0].w.uaddr = uaddr;
	fw->v[0].w.val = val;
	fw->v[0].w.flags = flags;
	fw->v[0].q = futex_q_init;
	fw->v[0].q.bitset = mask;
	fw->v[0].q.wake = io_futex_wake_fn;
	fw->v[0].q.wake_data = fw;
	return 0;
}

/*
 * Check the value and queue our futex_q under the bucket lock, as
 * futex_wait() does, and park.
 */
int io_futex_wait(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_futex_waiter *fw = req->async;
	struct futex_vector *v = &fw->v[0];
	struct futex_hash_bucket *hb;
	int ret;

	ret = futex_wait_setup(u64_to_user_ptr(v->w.uaddr), v->w.val,
			       v->w.flags, &v->q, &hb);
	if (ret) {
		/* -EAGAIN (value changed) is a result here, not a retry */
		req->res = ret;
		return 0;
	}
	futex_queue(&v->q, hb, NULL);
	fw->queued = true;
	return io_futex_park(req);
}

/**
 * io_futexv_prep - prepare IORING_OP_FUTEX_WAITV
 * @req: the request
 * @sqe: addr an array of struct futex_waitv, len its length (1 to
 *	 FUTEX_WAITV_MAX); fd, off, addr3 and futex_flags 0
 *
 * The array is read here, as futex_waitv(2) reads it at the call.
 *
 * Return: 0, or -EINVAL, -EFAULT, -ENOMEM.
 */
int io_futexv_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	u64 uaddr = READ_ONCE(sqe->addr);
	u32 nr = READ_ONCE(sqe->len);
	struct io_futex_waiter *fw;

	if (READ_ONCE(sqe->fd) || READ_ONCE(sqe->addr2) ||
	    READ_ONCE(sqe->addr3) || !io_futex_sqe_unused_ok(sqe))
		return -EINVAL;
	if (!uaddr || !nr || nr > FUTEX_WAITV_MAX)
		return -EINVAL;
	fw = io_futex_waiter_alloc(req, nr);
	if (!fw)
		return -ENOMEM;
	return futex_parse_waitv(fw->v, u64_to_user_ptr(uaddr), nr,
				 io_futex_wake_fn, fw);
}

/*
 * Queue a futex_q on every futex, or finish at once if one of them no
 * longer holds its value.
 */
int io_futexv_wait(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_futex_waiter *fw = req->async;
	int ret, woken = -1;

	ret = futex_wait_multiple_setup(fw->v, fw->nr, &woken);
	/* it readies current to sleep; we do not */
	__set_current_state(TASK_RUNNING);
	if (ret < 0) {
		req->res = ret;
		return 0;
	}
	/*
	 * 1: a futex was woken while the others were being queued. That
	 * wakeup went through io_futex_wake_fn(), which claimed the request
	 * and queued its completion; setup took the other futex_qs off.
	 */
	if (ret == 0)
		fw->queued = true;
	return io_futex_park(req);
}

/**
 * io_futex_wake_prep - prepare IORING_OP_FUTEX_WAKE
 * @req: the request
 * @sqe: addr the futex, off how many waiters to wake at most, addr3 the
 *	 bitset, fd the futex2 flags; futex_flags 0
 *
 * Return: 0, or -EINVAL.
 */
int io_futex_wake_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	struct io_futex_wake *fwk = io_kiocb_to_cmd(req, struct io_futex_wake);
	u64 nr = READ_ONCE(sqe->addr2);
	int ret;

	if (READ_ONCE(sqe->len) || !io_futex_sqe_unused_ok(sqe))
		return -EINVAL;
	ret = io_futex_flags(READ_ONCE(sqe->fd), &fwk->flags);
	if (ret)
		return ret;
	fwk->uaddr = READ_ONCE(sqe->addr);
	fwk->mask = READ_ONCE(sqe->addr3);
	if (!futex_validate_input(fwk->flags, nr) ||
	    !futex_validate_input(fwk->flags, fwk->mask))
		return -EINVAL;
	fwk->nr = min_t(u64, nr, INT_MAX);
	return 0;
}

/* Like futex_wake(2): the number of waiters woken. */
int io_futex_wake(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_futex_wake *fwk = io_kiocb_to_cmd(req, struct io_futex_wake);
	int ret;

	/* FLAGS_STRICT: waking 0 wakes nobody */
	ret = futex_wake(u64_to_user_ptr(fwk->uaddr), fwk->flags | FLAGS_STRICT,
			 fwk->nr, fwk->mask);
	req->res = ret;
	return 0;
}
