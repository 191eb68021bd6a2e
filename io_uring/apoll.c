// SPDX-License-Identifier: GPL-2.0
/*
 * The readiness engine: a request that waits for its file to become ready.
 * It serves the retry of a request whose non-blocking issue would have
 * blocked (FEAT_FAST_POLL), re-issued once its file is ready, and any op
 * family that waits on a file (POLL_ADD), each through the ready()
 * callback it arms with.
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
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/io_uring.h>

#include "uring.h"
#include "apoll.h"
#include "mshot.h"
#include "issue.h"
#include "napi.h"
#include "tw.h"

#include <trace/events/io_uring.h>

#define IO_POLL_CANCEL		BIT(31)
#define IO_POLL_COUNT_MASK	(IO_POLL_CANCEL - 1)

struct io_poll_entry {
	struct wait_queue_entry	wait;
	/* NULL once off the queue; under RCU across a POLLFREE */
	struct wait_queue_head	*head;
};

/* Packed to fit a 128-byte kmalloc slot: one per waiting request. */
struct io_poll {
	struct io_kiocb		*req;
	io_apoll_ready_t	ready;
	__poll_t		events;
	atomic_t		owner;
	u8			nr_entries;
	bool			muted;		/* req->task posts a CQE */
	bool			uring_wake;	/* woken by a ring's eventfd */
	struct io_poll_entry	entries[2];
};

static_assert(sizeof(struct io_poll) <= 128);

struct io_poll_table {
	struct poll_table_struct	pt;
	struct io_poll			*poll;
	int				error;
};

static void io_apoll_tw(struct io_kiocb *req, unsigned int issue_flags);

/* Take ownership (or, if someone has it, leave them one more round). */
static bool io_apoll_get_owner(struct io_poll *poll)
{
	return !(atomic_fetch_inc(&poll->owner) & IO_POLL_COUNT_MASK);
}

static void io_apoll_kick(struct io_poll *poll)
{
	if (io_apoll_get_owner(poll))
		io_req_task_work_add(poll->req, io_apoll_tw);
}

static int io_apoll_wake(struct wait_queue_entry *wait, unsigned int mode,
			 int sync, void *key)
{
	struct io_poll_entry *e = container_of(wait, struct io_poll_entry, wait);
	struct io_poll *poll = wait->private;
	__poll_t mask = key_to_poll(key);

	if (unlikely(mask & POLLFREE)) {
		/* the queue is going away: leave it, and end the request */
		atomic_or(IO_POLL_CANCEL, &poll->owner);
		list_del_init(&wait->entry);
		/* off the queue before the head goes; pairs with io_apoll_disarm() */
		smp_store_release(&e->head, NULL);
		io_apoll_kick(poll);
		return 1;
	}
	if (mask && !(mask & poll->events))
		return 0;
	/*
	 * Our own CQE made the file ready (an eventfd registered with the
	 * ring, an epoll set holding the ring fd): reporting that would post
	 * another CQE, and so on forever.
	 */
	if (READ_ONCE(poll->muted) && current == poll->req->task)
		return 0;
	/*
	 * A ring's eventfd, signalled for CQEs (maybe ours, from a worker):
	 * a multishot poll ends here, or it could go on forever.
	 */
	if (mask & EPOLL_URING_WAKE)
		WRITE_ONCE(poll->uring_wake, true);
	io_apoll_kick(poll);
	return 1;
}

static void io_apoll_queue_proc(struct file *file, struct wait_queue_head *head,
				struct poll_table_struct *pt)
{
	struct io_poll_table *ipt = container_of(pt, struct io_poll_table, pt);
	struct io_poll *poll = ipt->poll;
	struct io_poll_entry *e;

	if (poll->nr_entries == ARRAY_SIZE(poll->entries)) {
		ipt->error = -EOPNOTSUPP;
		return;
	}
	e = &poll->entries[poll->nr_entries++];
	e->head = head;
	init_waitqueue_func_entry(&e->wait, io_apoll_wake);
	e->wait.private = poll;
	if (poll->events & EPOLLEXCLUSIVE)
		add_wait_queue_exclusive(head, &e->wait);
	else
		add_wait_queue(head, &e->wait);
}

/**
 * io_apoll_disarm - take a waiting request off its file's wait queues
 * @req: the request, whose poll the caller owns
 */
void io_apoll_disarm(struct io_kiocb *req)
{
	struct io_poll *poll = req->poll;
	unsigned int i;

	/* a POLLFREE'd head stays valid for an RCU grace period */
	rcu_read_lock();
	for (i = 0; i < poll->nr_entries; i++) {
		struct io_poll_entry *e = &poll->entries[i];
		/* pairs with the POLLFREE release in io_apoll_wake() */
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

/**
 * io_apoll_queued - is @req on any wait queue?
 * @req: an armed request
 *
 * Return: false for a file without a wait queue (no ->poll: always ready,
 * and never telling of a change).
 */
bool io_apoll_queued(struct io_kiocb *req)
{
	return req->poll->nr_entries;
}

/* The file's state now, without queueing anything. */
static __poll_t io_apoll_peek(struct io_poll *poll)
{
	struct poll_table_struct pt = { ._key = poll->events };

	return vfs_poll(poll->req->op.file, &pt) & poll->events;
}

/**
 * io_apoll_arm - queue @req on its file's wait queues
 * @req: the request; req->op.file is the file
 * @events: what to wait for (EPOLLEXCLUSIVE for an exclusive wait)
 * @ready: called when the file is ready
 *
 * The caller owns the poll afterwards: io_apoll_wait() lets it wait,
 * io_apoll_disarm() takes it off the queues again.
 *
 * Context: ctx->uring_lock held.
 * Return: the events ready already, 0 if none, or -errno with nothing
 * queued.
 */
int io_apoll_arm(struct io_kiocb *req, __poll_t events, io_apoll_ready_t ready)
{
	struct io_poll_table ipt = { .error = 0 };
	struct io_poll *poll = req->poll;
	__poll_t mask;

	lockdep_assert_held(&req->ctx->uring_lock);
	if (!poll) {
		poll = kzalloc(sizeof(*poll), GFP_KERNEL_ACCOUNT);
		if (!poll)
			return -ENOMEM;
		req->poll = poll;
	}
	poll->req = req;
	poll->ready = ready;
	poll->events = events;
	poll->nr_entries = 0;
	poll->muted = false;
	poll->uring_wake = false;
	atomic_set(&poll->owner, 1);
	ipt.poll = poll;
	init_poll_funcptr(&ipt.pt, io_apoll_queue_proc);
	ipt.pt._key = events;
	mask = vfs_poll(req->op.file, &ipt.pt) & events;
	if (unlikely(ipt.error || (!mask && !poll->nr_entries))) {
		io_apoll_disarm(req);
		return ipt.error ?: -EINVAL;
	}
	trace_io_uring_poll_arm(req, (__force int)mask, (__force int)events);
	io_napi_add(req);
	return mask;
}

/* Give up ownership; if wakeups came meanwhile, task_work takes over. */
static void io_apoll_release(struct io_poll *poll, unsigned int count)
{
	if (atomic_sub_return(count, &poll->owner) & IO_POLL_COUNT_MASK)
		io_req_task_work_add(poll->req, io_apoll_tw);
}

/**
 * io_apoll_wait - park an armed request until its file is ready
 * @req: the request, whose poll the caller owns
 * @ready_now: the file is ready already: call ready() from task_work
 *	       rather than at the next wakeup
 *
 * Context: ctx->uring_lock held.
 */
void io_apoll_wait(struct io_kiocb *req, bool ready_now)
{
	lockdep_assert_held(&req->ctx->uring_lock);
	io_req_park(req, io_apoll_cancel);
	if (ready_now)
		io_req_task_work_add(req, io_apoll_tw);
	else
		io_apoll_release(req->poll, 1);
}

/**
 * io_apoll_cancel - the ->cancel of a waiting request
 * @req: the request
 *
 * Its owner completes it with -ECANCELED.
 *
 * Context: ctx->uring_lock held.
 * Return: 0.
 */
int io_apoll_cancel(struct io_kiocb *req)
{
	lockdep_assert_held(&req->ctx->uring_lock);
	atomic_or(IO_POLL_CANCEL, &req->poll->owner);
	io_apoll_kick(req->poll);
	return 0;
}

/**
 * io_apoll_claim - own a waiting request's poll to change it
 * @req: the request
 *
 * Context: ctx->uring_lock held.
 * Return: true if the caller now owns it (and may disarm and re-arm it);
 * false if someone else does or it is being cancelled.
 */
bool io_apoll_claim(struct io_kiocb *req)
{
	struct io_poll *poll = req->poll;

	lockdep_assert_held(&req->ctx->uring_lock);
	if (!io_apoll_get_owner(poll))
		return false;
	if (atomic_read(&poll->owner) & IO_POLL_CANCEL) {
		io_apoll_release(poll, 1);
		return false;
	}
	return true;
}

/**
 * io_apoll_post - post a CQE for @mask for a request that goes on waiting
 * @req: the request, in its ready() callback
 * @mask: the events to report
 *
 * The wakeups the CQE itself causes (an eventfd of the ring, an epoll set
 * holding the ring fd, polled by this very request) are ignored.
 *
 * Return: false if the CQ ring is full (io_mshot_post()).
 */
bool io_apoll_post(struct io_kiocb *req, __poll_t mask)
{
	struct io_poll *poll = req->poll;
	bool posted;

	WRITE_ONCE(poll->muted, true);
	posted = io_mshot_post(req, mangle_poll(mask), 0);
	WRITE_ONCE(poll->muted, false);
	return posted;
}

/**
 * io_apoll_uring_woken - was @req woken by a ring's eventfd?
 * @req: the request, in its ready() callback
 *
 * Return: true if a wakeup carried EPOLL_URING_WAKE since it was armed.
 */
bool io_apoll_uring_woken(struct io_kiocb *req)
{
	return READ_ONCE(req->poll->uring_wake);
}

/* task_work: we own the poll; look at the file until no wakeup is left. */
static void io_apoll_tw(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_poll *poll = req->poll;
	unsigned int v;
	__poll_t mask;

	do {
		v = atomic_read(&poll->owner);
		if ((v & IO_POLL_CANCEL) || (issue_flags & IO_URING_F_TASK_DEAD)) {
			io_apoll_disarm(req);
			req->res = -ECANCELED;
			io_req_done(req);
			return;
		}
		mask = io_apoll_peek(poll);
		if (mask && poll->ready(req, mask))
			return;
	} while (atomic_sub_return(v & IO_POLL_COUNT_MASK, &poll->owner) &
		 IO_POLL_COUNT_MASK);
}

/* The retry's ready(): issue the request again. */
static bool io_apoll_requeue(struct io_kiocb *req, __poll_t mask)
{
	io_apoll_disarm(req);
	io_req_unpark(req);
	io_queue_req(req);
	return true;
}

/**
 * io_apoll_retry - wait for @req's file to become ready, then issue the
 * request again
 * @req: a request whose non-blocking issue returned -EAGAIN
 * @events: what it waits for
 * @next: wait for the file's next wakeup even if it reports itself ready
 *	  now (it was ready and still could not go on)
 *
 * Context: ctx->uring_lock held, in req->task.
 * Return: 0 if parked; 1 if the file is ready already (issue again now;
 * never with @next); -errno if the file cannot be polled this way.
 */
int io_apoll_retry(struct io_kiocb *req, __poll_t events, bool next)
{
	int ret;

	ret = io_apoll_arm(req, events, io_apoll_requeue);
	if (ret < 0)
		return ret;
	if (ret && !next) {
		io_apoll_disarm(req);
		return 1;
	}
	io_apoll_wait(req, false);
	return 0;
}

/**
 * io_apoll_free - free the poll entry of a finished request
 * @req: the request, off every wait queue for good
 *
 * Context: ctx->uring_lock held.
 */
void io_apoll_free(struct io_kiocb *req)
{
	lockdep_assert_held(&req->ctx->uring_lock);
	kfree(req->poll);
	req->poll = NULL;
}
