// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_POLL_ADD (one-shot or multishot) and IORING_OP_POLL_REMOVE
 * (remove or update), on the core's readiness engine (apoll.c).
 *
 * Locking: ctx->uring_lock; the engine's owner count decides who acts on
 * a waiting poll.
 */
#include <linux/kernel.h>
#include <linux/poll.h>
#include <linux/io_uring.h>

#include "uring.h"
#include "opdef.h"
#include "apoll.h"
#include "issue.h"
#include "tw.h"

#define IO_POLL_ADD_FLAGS	(IORING_POLL_ADD_MULTI | IORING_POLL_ADD_LEVEL)
#define IO_POLL_UPDATE_FLAGS	(IORING_POLL_UPDATE_EVENTS | \
				 IORING_POLL_UPDATE_USER_DATA | IORING_POLL_ADD_MULTI)

/*
 * IORING_OP_POLL_ADD: the poll it waits with is its own, so that a waiting
 * POLL_ADD costs its request and nothing more. poll.events holds what it
 * waits for, with EPOLLONESHOT unless it is multishot.
 */
struct io_poll_add {
	struct file	*file;
	struct io_poll	poll;
};

/* IORING_OP_POLL_REMOVE */
struct io_poll_update {
	struct file	*file;
	u64		old_user_data;
	u64		new_user_data;
	__poll_t	events;
	u32		flags;
};

static __poll_t io_poll_events(const struct io_uring_sqe *sqe)
{
	u32 events = READ_ONCE(sqe->poll32_events);

#ifdef __BIG_ENDIAN
	events = swahw32(events);
#endif
	/* errors and hangups are always reported */
	return demangle_poll(events) | EPOLLERR | EPOLLHUP |
	       (events & EPOLLEXCLUSIVE);
}

int io_poll_add_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	struct io_poll_add *pa = io_kiocb_to_cmd(req, struct io_poll_add);
	u32 flags = READ_ONCE(sqe->len);

	if (READ_ONCE(sqe->buf_index) || READ_ONCE(sqe->off) ||
	    READ_ONCE(sqe->addr))
		return -EINVAL;
	if (flags & ~IO_POLL_ADD_FLAGS)
		return -EINVAL;
	pa->poll.events = io_poll_events(sqe);
	if (flags & IORING_POLL_ADD_MULTI) {
		/* an exclusive wait wakes one waiter: it cannot go on forever */
		if (pa->poll.events & EPOLLEXCLUSIVE)
			return -EINVAL;
	} else {
		pa->poll.events |= EPOLLONESHOT;
	}
	return 0;
}

static bool io_poll_multishot(__poll_t events)
{
	return !(events & EPOLLONESHOT);
}

/**
 * io_poll_add_ready - POLL_ADD's ->poll_ready: report the ready events
 * @req: the request, whose poll the caller owns
 * @mask: the events
 *
 * A multishot poll goes on unless a ring's eventfd woke it or the CQ ring
 * is full.
 *
 * Context: ctx->uring_lock held, in task_work.
 * Return: true if the request is done.
 */
bool io_poll_add_ready(struct io_kiocb *req, __poll_t mask)
{
	lockdep_assert_held(&req->ctx->uring_lock);
	if (io_poll_multishot(req->poll->events) && !io_apoll_uring_woken(req) &&
	    io_apoll_post(req, mask))
		return false;
	io_apoll_disarm(req);
	req->res = mangle_poll(mask);
	io_req_done(req);
	return true;
}

/*
 * (Re)arm a POLL_ADD request for @events. Return: as an ->issue handler: 0
 * with res set when it completes at once, IOU_PARKED, or -errno.
 */
static int io_poll_add_arm(struct io_kiocb *req, __poll_t events)
{
	struct io_poll_add *pa = io_kiocb_to_cmd(req, struct io_poll_add);
	int ret;

	ret = io_apoll_arm(req, &pa->poll, events);
	if (ret < 0)
		return ret;
	/*
	 * A file without a wait queue (no ->poll: a regular file, ...) is
	 * always ready and never tells of a change: a multishot poll on it
	 * reports once and ends, as a one-shot one does.
	 */
	if (ret && (!io_poll_multishot(events) || !io_apoll_queued(req))) {
		io_apoll_disarm(req);
		req->res = mangle_poll(ret);
		return 0;
	}
	/*
	 * Ready already: a multishot poll reports from task_work, where what
	 * else became ready by then is reported with it.
	 */
	io_apoll_wait(req, ret != 0);
	return IOU_PARKED;
}

int io_poll_add(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_poll_add *pa = io_kiocb_to_cmd(req, struct io_poll_add);

	return io_poll_add_arm(req, pa->poll.events);
}

int io_poll_remove_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	struct io_poll_update *pu = io_kiocb_to_cmd(req, struct io_poll_update);
	u32 flags = READ_ONCE(sqe->len);

	if (READ_ONCE(sqe->buf_index) || READ_ONCE(sqe->splice_fd_in))
		return -EINVAL;
	if (flags & ~IO_POLL_UPDATE_FLAGS)
		return -EINVAL;
	/* ADD_MULTI only makes sense when the events change */
	if ((flags & IORING_POLL_ADD_MULTI) && !(flags & IORING_POLL_UPDATE_EVENTS))
		return -EINVAL;
	if (!(flags & IORING_POLL_UPDATE_USER_DATA) && READ_ONCE(sqe->off))
		return -EINVAL;
	if (!(flags & IORING_POLL_UPDATE_EVENTS) && READ_ONCE(sqe->poll32_events))
		return -EINVAL;
	pu->flags = flags;
	pu->old_user_data = READ_ONCE(sqe->addr);
	pu->new_user_data = READ_ONCE(sqe->off);
	pu->events = io_poll_events(sqe);
	return 0;
}

static struct io_kiocb *io_poll_find(struct io_ring_ctx *ctx, u64 user_data)
{
	struct io_kiocb *req;

	/*
	 * Only an armed POLL_ADD: not one still queued in io-wq or held by
	 * drain, nor another request waiting on its file.
	 */
	list_for_each_entry(req, &ctx->parked, parked)
		if (req->cancel == io_apoll_cancel && req->user_data == user_data &&
		    req->opcode == IORING_OP_POLL_ADD)
			return req;
	return NULL;
}

/* POLL_REMOVE with update flags: change a poll in place and re-arm it. */
static int io_poll_update(struct io_kiocb *preq, struct io_poll_update *pu)
{
	__poll_t events = preq->poll->events;
	int ret;

	if (!io_apoll_claim(preq))
		return -EALREADY;
	io_apoll_disarm(preq);
	if (pu->flags & IORING_POLL_UPDATE_EVENTS) {
		events = pu->events;
		if (!(pu->flags & IORING_POLL_ADD_MULTI))
			events |= EPOLLONESHOT;
	}
	if (pu->flags & IORING_POLL_UPDATE_USER_DATA)
		preq->user_data = pu->new_user_data;
	ret = io_poll_add_arm(preq, events);
	if (ret < 0)
		preq->res = ret;
	/* in task_work: an io-wq worker must not move the chain on */
	if (ret != IOU_PARKED)
		io_req_task_work_add(preq, io_req_complete_tw);
	return 0;
}

int io_poll_remove(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_poll_update *pu = io_kiocb_to_cmd(req, struct io_poll_update);
	struct io_kiocb *preq = io_poll_find(req->ctx, pu->old_user_data);

	if (!preq)
		req->res = -ENOENT;
	else if (pu->flags & (IORING_POLL_UPDATE_EVENTS | IORING_POLL_UPDATE_USER_DATA))
		req->res = io_poll_update(preq, pu);
	else
		req->res = io_apoll_cancel(preq);
	return 0;
}
