// SPDX-License-Identifier: GPL-2.0
/*
 * Waiting for a file to become ready: IORING_OP_POLL_ADD (one-shot or
 * multishot), IORING_OP_POLL_REMOVE (remove or update), and the internal
 * poll that retries a request which would have blocked (FEAT_FAST_POLL).
 *
 * A struct io_poll sits on up to two of the file's wait queues. Wakeups
 * never complete anything themselves; they hand the request to task_work.
 * Who may act on the request is decided by @owner: a wakeup, a cancel or
 * the arming code owns it when it raises the count from zero, and the
 * owner keeps working until it has accounted for every increment, so no
 * wakeup is lost and no two contexts act at once.
 *
 * Locking: the wait queue heads' locks for the entries; ctx->uring_lock
 * for everything else (task_work runs under it).
 */
#include <linux/kernel.h>
#include <linux/file.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/io_uring.h>

#include "uring.h"
#include "napi.h"
#include "opdef.h"
#include "complete.h"
#include "issue.h"
#include "kbuf.h"
#include "poll.h"
#include "tw.h"

#include <trace/events/io_uring.h>

#define IO_POLL_CANCEL		BIT(31)
#define IO_POLL_COUNT_MASK	(IO_POLL_CANCEL - 1)
#define IO_POLL_ADD_FLAGS	(IORING_POLL_ADD_MULTI | IORING_POLL_ADD_LEVEL)
#define IO_POLL_UPDATE_FLAGS	(IORING_POLL_UPDATE_EVENTS | \
				 IORING_POLL_UPDATE_USER_DATA | IORING_POLL_ADD_MULTI)

struct io_poll_entry {
	struct wait_queue_entry	wait;
	/* NULL once off the queue; under RCU across a POLLFREE */
	struct wait_queue_head	*head;
};

/* Packed to fit a 128-byte kmalloc slot: one per waiting request. */
struct io_poll {
	struct io_kiocb		*req;
	struct task_struct	*posting;	/* posting a multishot CQE */
	__poll_t		events;
	atomic_t		owner;
	int			error;		/* from queueing */
	u8			nr_entries;
	bool			multishot;
	bool			retry;		/* re-issue @req when ready */
	bool			uring_wake;	/* woken by a ring's eventfd */
	struct io_poll_entry	entries[2];
};

/* IORING_OP_POLL_ADD */
struct io_poll_add {
	struct file	*file;
	__poll_t	events;
	bool		multishot;
};

/* IORING_OP_POLL_REMOVE */
struct io_poll_update {
	struct file	*file;
	u64		old_user_data;
	u64		new_user_data;
	__poll_t	events;
	u32		flags;
};

struct io_poll_table {
	struct poll_table_struct	pt;
	struct io_poll			*poll;
};

static void io_poll_tw(struct io_kiocb *req, unsigned int issue_flags);

/* Take ownership (or, if someone has it, leave them one more round). */
static bool io_poll_get_owner(struct io_poll *poll)
{
	return !(atomic_fetch_inc(&poll->owner) & IO_POLL_COUNT_MASK);
}

static void io_poll_kick(struct io_poll *poll)
{
	if (io_poll_get_owner(poll))
		io_req_task_work_add(poll->req, io_poll_tw);
}

static int io_poll_wake(struct wait_queue_entry *wait, unsigned int mode,
			int sync, void *key)
{
	struct io_poll_entry *e = container_of(wait, struct io_poll_entry, wait);
	struct io_poll *poll = wait->private;
	__poll_t mask = key_to_poll(key);

	if (unlikely(mask & POLLFREE)) {
		/* the queue is going away: leave it, and end the request */
		atomic_or(IO_POLL_CANCEL, &poll->owner);
		list_del_init(&wait->entry);
		/* off the queue before the head goes; pairs with remove_entries */
		smp_store_release(&e->head, NULL);
		io_poll_kick(poll);
		return 1;
	}
	if (mask && !(mask & poll->events))
		return 0;
	/*
	 * Our own CQE made the file ready (an eventfd registered with the
	 * ring, an epoll set holding the ring fd): reporting that would post
	 * another CQE, and so on forever.
	 */
	if (READ_ONCE(poll->posting) == current)
		return 0;
	/*
	 * A ring's eventfd, signalled for CQEs (maybe ours, from a worker):
	 * a multishot poll ends here, or it could go on forever.
	 */
	if (mask & EPOLL_URING_WAKE)
		WRITE_ONCE(poll->uring_wake, true);
	io_poll_kick(poll);
	return 1;
}

static void io_poll_queue_proc(struct file *file, struct wait_queue_head *head,
			       struct poll_table_struct *pt)
{
	struct io_poll *poll = container_of(pt, struct io_poll_table, pt)->poll;
	struct io_poll_entry *e;

	if (poll->nr_entries == ARRAY_SIZE(poll->entries)) {
		poll->error = -EOPNOTSUPP;
		return;
	}
	e = &poll->entries[poll->nr_entries++];
	e->head = head;
	init_waitqueue_func_entry(&e->wait, io_poll_wake);
	e->wait.private = poll;
	if (poll->events & EPOLLEXCLUSIVE)
		add_wait_queue_exclusive(head, &e->wait);
	else
		add_wait_queue(head, &e->wait);
}

static void io_poll_remove_entries(struct io_poll *poll)
{
	unsigned int i;

	/* a POLLFREE'd head stays valid for an RCU grace period */
	rcu_read_lock();
	for (i = 0; i < poll->nr_entries; i++) {
		struct io_poll_entry *e = &poll->entries[i];
		/* pairs with the POLLFREE release in io_poll_wake() */
		struct wait_queue_head *head = smp_load_acquire(&e->head);

		if (!head)
			continue;
		spin_lock_irq(&head->lock);
		list_del_init(&e->wait.entry);
		e->head = NULL;
		spin_unlock_irq(&head->lock);
	}
	rcu_read_unlock();
	poll->nr_entries = 0;
}

/* The file's state now, without queueing anything. */
static __poll_t io_poll_peek(struct io_poll *poll)
{
	struct poll_table_struct pt = { ._key = poll->events };

	return vfs_poll(poll->req->op.file, &pt) & poll->events;
}

/*
 * Queue @poll on the file's wait queues, holding ownership. Return: the
 * events ready already, 0 if none (armed), or -errno with nothing queued.
 */
static int io_poll_arm(struct io_poll *poll)
{
	struct io_poll_table ipt = { .poll = poll };
	__poll_t mask;

	init_poll_funcptr(&ipt.pt, io_poll_queue_proc);
	ipt.pt._key = poll->events;
	poll->nr_entries = 0;
	poll->error = 0;
	atomic_set(&poll->owner, 1);
	mask = vfs_poll(poll->req->op.file, &ipt.pt) & poll->events;
	if (unlikely(poll->error || (!mask && !poll->nr_entries))) {
		io_poll_remove_entries(poll);
		return poll->error ?: -EINVAL;
	}
	trace_io_uring_poll_arm(poll->req, (__force int)mask,
				(__force int)poll->events);
	io_napi_add(poll->req);
	return mask;
}

/* Give up ownership; if wakeups came meanwhile, task_work takes over. */
static void io_poll_release(struct io_poll *poll, unsigned int count)
{
	if (atomic_sub_return(count, &poll->owner) & IO_POLL_COUNT_MASK)
		io_req_task_work_add(poll->req, io_poll_tw);
}

static int io_poll_cancel(struct io_kiocb *req)
{
	atomic_or(IO_POLL_CANCEL, &req->poll->owner);
	io_poll_kick(req->poll);
	return 0;
}

static void io_poll_finish(struct io_kiocb *req, int res)
{
	io_poll_remove_entries(req->poll);
	req->res = res;
	io_req_done(req);
}

/* Post a multishot CQE, ignoring the wakeups it causes us. */
static bool io_poll_post(struct io_kiocb *req, __poll_t mask)
{
	struct io_poll *poll = req->poll;
	bool posted;

	WRITE_ONCE(poll->posting, current);
	posted = io_post_aux(req, mangle_poll(mask), 0);
	WRITE_ONCE(poll->posting, NULL);
	return posted;
}

/*
 * The file is ready (@mask) and we own the poll. Return: true if the
 * request is done with polling.
 */
static bool io_poll_ready(struct io_kiocb *req, __poll_t mask)
{
	struct io_poll *poll = req->poll;

	if (poll->retry) {
		io_poll_remove_entries(poll);
		io_req_unpark(req);
		io_queue_req(req);
		return true;
	}
	if (!poll->multishot || READ_ONCE(poll->uring_wake) ||
	    !io_poll_post(req, mask)) {
		io_poll_finish(req, mangle_poll(mask));
		return true;
	}
	return false;
}

/* task_work: we own the poll; look at the file until no wakeup is left. */
static void io_poll_tw(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_poll *poll = req->poll;
	unsigned int v;
	__poll_t mask;

	do {
		v = atomic_read(&poll->owner);
		if ((v & IO_POLL_CANCEL) || (issue_flags & IO_URING_F_TASK_DEAD)) {
			io_poll_finish(req, -ECANCELED);
			return;
		}
		mask = io_poll_peek(poll);
		if (mask && io_poll_ready(req, mask))
			return;
	} while (atomic_sub_return(v & IO_POLL_COUNT_MASK, &poll->owner) &
		 IO_POLL_COUNT_MASK);
}

static struct io_poll *io_poll_alloc(struct io_kiocb *req)
{
	if (!req->poll) {
		req->poll = kzalloc(sizeof(*req->poll), GFP_KERNEL_ACCOUNT);
		if (!req->poll)
			return NULL;
	}
	req->poll->req = req;
	return req->poll;
}

static int io_poll_retry_queue(struct io_kiocb *req, bool next)
{
	const struct io_op_def *def = &io_op_defs[req->opcode];
	struct io_poll *poll = io_poll_alloc(req);
	int ret;

	if (!poll)
		return -ENOMEM;
	/* a provisional buffer pick must not outlive the ring lock */
	if (req->buf_sel == IO_KBUF_PEEK)
		io_buffer_recycle(req, 0);
	poll->retry = true;
	poll->multishot = false;
	poll->uring_wake = false;
	poll->events = EPOLLERR | EPOLLHUP;
	if (def->pollin)
		poll->events |= EPOLLIN | EPOLLRDNORM;
	if (def->pollout)
		poll->events |= EPOLLOUT | EPOLLWRNORM;
	ret = io_poll_arm(poll);
	if (ret < 0)
		return ret;
	if (ret && !next) {
		io_poll_remove_entries(poll);
		return 1;
	}
	io_req_park(req, io_poll_cancel);
	io_poll_release(poll, 1);
	return 0;
}

/**
 * io_poll_retry_arm - wait for req's file to become ready, then issue the
 * request again
 * @req: a request whose non-blocking issue returned -EAGAIN
 *
 * Context: ctx->uring_lock held, in req->task.
 * Return: 0 if parked; 1 if the file is ready already (issue again now);
 * -errno if the file cannot be polled this way.
 */
int io_poll_retry_arm(struct io_kiocb *req)
{
	lockdep_assert_held(&req->ctx->uring_lock);
	return io_poll_retry_queue(req, false);
}

/**
 * io_poll_retry_arm_next - as io_poll_retry_arm(), but wait for the file's
 * next wakeup even if it reports itself ready now
 * @req: a request that found the file ready and still could not go on
 *
 * Context: ctx->uring_lock held, in req->task.
 * Return: 0 if parked, or -errno.
 */
int io_poll_retry_arm_next(struct io_kiocb *req)
{
	lockdep_assert_held(&req->ctx->uring_lock);
	return io_poll_retry_queue(req, true);
}

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
	pa->multishot = flags & IORING_POLL_ADD_MULTI;
	pa->events = io_poll_events(sqe);
	/* an exclusive wait wakes one waiter: it cannot go on forever */
	if ((pa->events & EPOLLEXCLUSIVE) && pa->multishot)
		return -EINVAL;
	return 0;
}

/*
 * (Re)arm a POLL_ADD request. Return: as an ->issue handler: 0 with res
 * set when it completes at once, IOU_PARKED, or -errno.
 */
static int io_poll_add_arm(struct io_kiocb *req)
{
	struct io_poll *poll = req->poll;
	int ret;

	ret = io_poll_arm(poll);
	if (ret < 0)
		return ret;
	/*
	 * A file without a wait queue (no ->poll: a regular file, ...) is
	 * always ready and never tells of a change: a multishot poll on it
	 * reports once and ends, as a one-shot one does.
	 */
	if (ret && (!poll->multishot || !poll->nr_entries)) {
		io_poll_remove_entries(poll);
		req->res = mangle_poll(ret);
		return 0;
	}
	io_req_park(req, io_poll_cancel);
	/*
	 * Ready already: a multishot poll reports from task_work, where what
	 * else became ready by then is reported with it.
	 */
	if (ret)
		io_req_task_work_add(req, io_poll_tw);
	else
		io_poll_release(poll, 1);
	return IOU_PARKED;
}

int io_poll_add(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_poll_add *pa = io_kiocb_to_cmd(req, struct io_poll_add);
	struct io_poll *poll = io_poll_alloc(req);

	if (!poll)
		return -ENOMEM;
	poll->retry = false;
	poll->uring_wake = false;
	poll->multishot = pa->multishot;
	poll->events = pa->events;
	return io_poll_add_arm(req);
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
		if (req->cancel == io_poll_cancel && req->user_data == user_data &&
		    req->opcode == IORING_OP_POLL_ADD)
			return req;
	return NULL;
}

/* POLL_REMOVE with update flags: change a poll in place and re-arm it. */
static int io_poll_update(struct io_kiocb *preq, struct io_poll_update *pu)
{
	struct io_poll *poll = preq->poll;
	int ret;

	if (!io_poll_get_owner(poll))
		return -EALREADY;
	if (atomic_read(&poll->owner) & IO_POLL_CANCEL) {
		io_poll_release(poll, 1);
		return -EALREADY;
	}
	io_poll_remove_entries(poll);
	if (pu->flags & IORING_POLL_UPDATE_EVENTS) {
		poll->events = pu->events;
		poll->multishot = pu->flags & IORING_POLL_ADD_MULTI;
	}
	if (pu->flags & IORING_POLL_UPDATE_USER_DATA)
		preq->user_data = pu->new_user_data;
	ret = io_poll_add_arm(preq);
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
		req->res = io_poll_cancel(preq);
	return 0;
}
