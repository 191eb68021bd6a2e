// SPDX-License-Identifier: GPL-2.0
/*
 * The readiness engine: a request that waits for its file to become ready.
 * It serves the retry of a request whose non-blocking issue would have
 * blocked (FEAT_FAST_POLL), re-issued once its file is ready, and an
 * opcode that waits on its file itself (POLL_ADD), whose ->poll_ready of
 * the opcode table it calls instead.
 *
 * A struct io_poll sits on the file's wait queue: in the opcode's state
 * when the opcode holds one (so that a waiting POLL_ADD costs nothing but
 * its request), else in the unused end of the request's async state slot
 * (io_req_async_spare(): a waiting read allocates nothing more), else
 * allocated by the engine; a file with two wait queues gets an
 * io_poll_pair. Wakeups never complete anything themselves; they
 * hand the request to task_work. Who may act on the request is decided by
 * the owner count: a wakeup, a cancel or the arming code owns it when it
 * raises the count from zero, and the owner keeps working until it has
 * accounted for every increment, so no wakeup is lost and no two contexts
 * act at once.
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
#include "opdef.h"
#include "mshot.h"
#include "issue.h"
#include "submit.h"
#include "napi.h"
#include "tw.h"

#include <trace/events/io_uring.h>

/* io_poll.owner: a count of who wants to act, and these bits */
#define IO_POLL_CANCEL		BIT(31)	/* end it: cancelled, or its queue went */
#define IO_POLL_URING_WAKE	BIT(30)	/* woken by a ring's eventfd */
#define IO_POLL_MUTED		BIT(29)	/* req->task posts a CQE for it */
#define IO_POLL_PAIR		BIT(28)	/* an io_poll_pair: room for two queues */
#define IO_POLL_INLINE		BIT(27)	/* in the opcode's state or slot: not freed */
#define IO_POLL_KEYED		BIT(26)	/* a wakeup said which events: ready */
#define IO_POLL_COUNT_MASK	(IO_POLL_KEYED - 1)
/* what the storage is, kept when the poll is armed again */
#define IO_POLL_STORAGE		(IO_POLL_PAIR | IO_POLL_INLINE)

/* The engine's poll for a file with two wait queues. */
struct io_poll_pair {
	struct io_poll		poll;
	struct io_poll_entry	second;
};

struct io_poll_table {
	struct poll_table_struct	pt;
	struct io_kiocb			*req;
	unsigned int			nr;	/* wait queues the file named */
};

static void io_apoll_tw(struct io_kiocb *req, unsigned int issue_flags);

static unsigned int io_apoll_slots(struct io_poll *poll)
{
	return atomic_read(&poll->owner) & IO_POLL_PAIR ? 2 : 1;
}

static struct io_poll_entry *io_apoll_entry(struct io_poll *poll,
					    unsigned int i)
{
	return i ? &container_of(poll, struct io_poll_pair, poll)->second :
		   &poll->first;
}

/* Take ownership (or, if someone has it, leave them one more round). */
static bool io_apoll_get_owner(struct io_poll *poll)
{
	return !(atomic_fetch_inc(&poll->owner) & IO_POLL_COUNT_MASK);
}

static void io_apoll_kick(struct io_kiocb *req)
{
	if (io_apoll_get_owner(req->poll))
		io_req_task_work_add(req, io_apoll_tw);
}

static int io_apoll_wake(struct wait_queue_entry *wait, unsigned int mode,
			 int sync, void *key)
{
	struct io_poll_entry *e = container_of(wait, struct io_poll_entry, wait);
	struct io_kiocb *req = wait->private;
	struct io_poll *poll = req->poll;
	__poll_t mask = key_to_poll(key);

	if (unlikely(mask & POLLFREE)) {
		/*
		 * The queue is going away: end the request and leave the
		 * queue. Its owner's disarm waits for the queue's lock, held
		 * here, until the entry is off.
		 */
		atomic_or(IO_POLL_CANCEL, &poll->owner);
		io_apoll_kick(req);
		list_del_init(&wait->entry);
		/* the last touch; pairs with io_apoll_disarm() */
		smp_store_release(&e->head, NULL);
		return 1;
	}
	if (mask && !(mask & poll->events))
		return 0;
	/*
	 * A ring's eventfd, signalled for CQEs (maybe ours): a multishot
	 * poll ends with its next event, or it could go on forever.
	 */
	if (mask & EPOLL_URING_WAKE)
		atomic_or(IO_POLL_URING_WAKE, &poll->owner);
	/*
	 * Our own CQE made the file ready (an eventfd registered with the
	 * ring, an epoll set holding the ring fd): reporting that would post
	 * another CQE, and so on forever.
	 */
	if ((atomic_read(&poll->owner) & IO_POLL_MUTED) && current == req->task)
		return 0;
	/* the key names events we wait for: a retry need not look again */
	if (mask)
		atomic_or(IO_POLL_KEYED, &poll->owner);
	io_apoll_kick(req);
	return 1;
}

static void io_apoll_queue_proc(struct file *file, struct wait_queue_head *head,
				struct poll_table_struct *pt)
{
	struct io_poll_table *ipt = container_of(pt, struct io_poll_table, pt);
	struct io_kiocb *req = ipt->req;
	struct io_poll *poll = req->poll;
	struct io_poll_entry *e;

	/* no room: io_apoll_arm() sees the count and arms again, or fails */
	if (ipt->nr++ >= io_apoll_slots(poll))
		return;
	e = io_apoll_entry(poll, ipt->nr - 1);
	e->head = head;
	init_waitqueue_func_entry(&e->wait, io_apoll_wake);
	e->wait.private = req;
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
	unsigned int i, n = io_apoll_slots(poll);

	/* a POLLFREE'd head stays valid for an RCU grace period */
	rcu_read_lock();
	for (i = 0; i < n; i++) {
		struct io_poll_entry *e = io_apoll_entry(poll, i);
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
}

/**
 * io_apoll_queued - is @req on its file's wait queue?
 * @req: an armed request
 *
 * Return: false for a file without a wait queue (no ->poll: always ready,
 * and never telling of a change), or one that went away (POLLFREE).
 */
bool io_apoll_queued(struct io_kiocb *req)
{
	return READ_ONCE(req->poll->first.head);
}

/* The file's state now, without queueing anything. */
static __poll_t io_apoll_peek(struct io_kiocb *req)
{
	__poll_t events = req->poll->events;
	struct poll_table_struct pt = { ._key = events };

	return vfs_poll(req->op.file, &pt) & events;
}

/* Queue @req's poll, owned by the caller, with vfs_poll(). */
static __poll_t io_apoll_queue(struct io_kiocb *req, __poll_t events,
			       struct io_poll_table *ipt)
{
	struct io_poll *poll = req->poll;

	poll->events = events;
	atomic_set(&poll->owner, 1 | (atomic_read(&poll->owner) & IO_POLL_STORAGE));
	ipt->req = req;
	ipt->nr = 0;
	init_poll_funcptr(&ipt->pt, io_apoll_queue_proc);
	ipt->pt._key = events;
	return vfs_poll(req->op.file, &ipt->pt) & events;
}

/* Give @req a poll of the engine's: @slots is 1, or 2 for an io_poll_pair. */
static int io_apoll_alloc(struct io_kiocb *req, unsigned int slots)
{
	struct io_poll_pair *pair;

	pair = kzalloc(slots == 2 ? sizeof(*pair) : sizeof(pair->poll),
		       GFP_KERNEL_ACCOUNT);
	if (!pair)
		return -ENOMEM;
	if (req->poll)
		io_apoll_free(req);
	atomic_set(&pair->poll.owner, slots == 2 ? IO_POLL_PAIR : 0);
	req->poll = &pair->poll;
	return 0;
}

/**
 * io_apoll_arm - queue @req on its file's wait queues
 * @req: the request; req->op.file is the file
 * @own: the opcode's own storage for the poll (one with ->poll_ready), or
 *	 NULL for a retry, whose poll goes to the unused end of the request's
 *	 async state slot if it fits, else the engine allocates it
 * @events: what to wait for (EPOLLEXCLUSIVE for an exclusive wait)
 *
 * The caller owns the poll afterwards: io_apoll_wait() lets it wait,
 * io_apoll_disarm() takes it off the queues again. A request keeps its
 * poll when armed again.
 *
 * Context: ctx->uring_lock held.
 * Return: the events ready already, 0 if none, or -errno with nothing
 * queued.
 */
int io_apoll_arm(struct io_kiocb *req, struct io_poll *own, __poll_t events)
{
	struct io_poll_table ipt;
	__poll_t mask;
	int ret;

	lockdep_assert_held(&req->ctx->uring_lock);
	if (!req->poll) {
		/* a retry's goes beside the opcode's state if there is room */
		own = own ?: io_req_async_spare(req, sizeof(*own));
		if (own) {
			atomic_set(&own->owner, IO_POLL_INLINE);
			own->first.head = NULL;
			req->poll = own;
		} else {
			ret = io_apoll_alloc(req, 1);
			if (ret)
				return ret;
		}
	}
	mask = io_apoll_queue(req, events, &ipt);
	if (unlikely(ipt.nr == 2 && io_apoll_slots(req->poll) == 1)) {
		/* two wait queues: again, with room for both */
		io_apoll_disarm(req);
		ret = io_apoll_alloc(req, 2);
		if (ret)
			return ret;
		mask = io_apoll_queue(req, events, &ipt);
	}
	if (unlikely(ipt.nr > io_apoll_slots(req->poll) || (!mask && !ipt.nr))) {
		io_apoll_disarm(req);
		return ipt.nr ? -EOPNOTSUPP : -EINVAL;
	}
	trace_io_uring_poll_arm(req, (__force int)mask, (__force int)events);
	io_napi_add(req);
	return mask;
}

/* Give up ownership; if wakeups came meanwhile, task_work takes over. */
static void io_apoll_release(struct io_kiocb *req, unsigned int count)
{
	if (atomic_sub_return(count, &req->poll->owner) & IO_POLL_COUNT_MASK)
		io_req_task_work_add(req, io_apoll_tw);
}

/**
 * io_apoll_wait - park an armed request until its file is ready
 * @req: the request, whose poll the caller owns
 * @ready_now: the file is ready already: act on it from task_work
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
		io_apoll_release(req, 1);
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
	io_apoll_kick(req);
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
		io_apoll_release(req, 1);
		return false;
	}
	return true;
}

/**
 * io_apoll_post - post a CQE for @mask for a request that goes on waiting
 * @req: the request, in its opcode's ->poll_ready
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

	atomic_or(IO_POLL_MUTED, &poll->owner);
	posted = io_mshot_post(req, mangle_poll(mask), 0);
	atomic_andnot(IO_POLL_MUTED, &poll->owner);
	return posted;
}

/**
 * io_apoll_uring_woken - was @req woken by a ring's eventfd?
 * @req: the request, in its opcode's ->poll_ready
 *
 * Return: true if a wakeup carried EPOLL_URING_WAKE since it was armed.
 */
bool io_apoll_uring_woken(struct io_kiocb *req)
{
	return atomic_read(&req->poll->owner) & IO_POLL_URING_WAKE;
}

/* The retry's: issue the request again. */
static bool io_apoll_requeue(struct io_kiocb *req)
{
	io_apoll_disarm(req);
	io_req_unpark(req);
	io_queue_req(req);
	return true;
}

/*
 * The file is ready with @mask: act on it. Return: true when the request
 * is done waiting, false to wait for the next wakeup.
 */
static bool io_apoll_ready(struct io_kiocb *req, __poll_t mask)
{
	const struct io_op_def *def = &io_op_defs[req->opcode];

	if (def->poll_ready)
		return def->poll_ready(req, mask);
	return io_apoll_requeue(req);
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
		if ((v & IO_POLL_KEYED) && !io_op_defs[req->opcode].poll_ready) {
			io_apoll_requeue(req);
			return;
		}
		mask = io_apoll_peek(req);
		if (mask && io_apoll_ready(req, mask))
			return;
	} while (atomic_sub_return(v & IO_POLL_COUNT_MASK, &poll->owner) &
		 IO_POLL_COUNT_MASK);
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

	ret = io_apoll_arm(req, NULL, events);
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
 * io_apoll_free - free the poll of a finished request
 * @req: the request, off every wait queue for good
 *
 * An opcode's own poll is part of the request and stays.
 *
 * Context: ctx->uring_lock held.
 */
void io_apoll_free(struct io_kiocb *req)
{
	struct io_poll *poll = req->poll;

	lockdep_assert_held(&req->ctx->uring_lock);
	req->poll = NULL;
	if (!(atomic_read(&poll->owner) & IO_POLL_INLINE))
		kfree(poll);
}
