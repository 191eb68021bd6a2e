// SPDX-License-Identifier: GPL-2.0
/*
 * NAPI busy polling: IORING_REGISTER_NAPI / IORING_UNREGISTER_NAPI, and
 * the polling itself.
 *
 * While busy polling is registered, the poll code reports each socket a
 * request waits on (io_napi_add()) and we remember the NAPI id the socket
 * last received through, with when we last saw it. A task waiting for
 * CQEs then first drives those NAPI contexts itself for up to
 * busy_poll_to usecs (io_napi_busy_wait()), running the completions that
 * this produces, before it goes to sleep. Ids not seen for a while are
 * dropped, so a ring only spins on queues it still uses.
 *
 * Locking: the id table is read under RCU and changed under napi->lock;
 * the settings change under ctx->uring_lock.
 */
#include <linux/spinlock.h>
#include <linux/hashtable.h>
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/net.h>
#include <linux/uaccess.h>
#include <linux/sched/signal.h>
#include <linux/io_uring.h>
#include <net/sock.h>
#include <net/busy_poll.h>

#include "uring.h"
#include "napi.h"
#include "complete.h"
#include "tw.h"

#define IO_NAPI_HASH_BITS	4

/**
 * struct io_napi - a ring's busy poll settings and the NAPI ids it saw
 * @lock: serialises changes to @hash and @nr_ids (readers use RCU)
 * @hash: struct io_napi_entry by NAPI id
 * @nr_ids: entries in @hash
 * @next_prune: jiffies; entries unseen for a while are dropped after it
 * @busy_poll_to: how long a CQ wait busy polls, in usecs; 0: off
 * @prefer_busy_poll: as SO_PREFER_BUSY_POLL
 *
 * @busy_poll_to and @prefer_busy_poll change under ctx->uring_lock and
 * are read locklessly.
 */
struct io_napi {
	spinlock_t		lock;		/* over @hash and @nr_ids changes */
	DECLARE_HASHTABLE(hash, IO_NAPI_HASH_BITS);
	unsigned int		nr_ids;
	unsigned long		next_prune;
	u32			busy_poll_to;
	bool			prefer_busy_poll;
};

/* An id not seen by a poll for this long is no longer polled. */
#define IO_NAPI_STALE		(60 * HZ)

struct io_napi_entry {
	struct hlist_node	node;
	unsigned int		napi_id;
	unsigned long		last_seen;	/* jiffies */
	struct rcu_head		rcu;
};

/* The ring's NAPI state, or NULL if busy polling was never registered. */
static struct io_napi *io_napi_get(struct io_ring_ctx *ctx)
{
	/* pairs with the release in io_napi_get_or_alloc() */
	return smp_load_acquire(&ctx->napi);
}

static struct io_napi *io_napi_get_or_alloc(struct io_ring_ctx *ctx)
{
	struct io_napi *napi = io_napi_get(ctx);

	if (napi)
		return napi;
	napi = kzalloc(sizeof(*napi), GFP_KERNEL_ACCOUNT);
	if (!napi)
		return NULL;
	spin_lock_init(&napi->lock);
	hash_init(napi->hash);
	napi->next_prune = jiffies + IO_NAPI_STALE;
	/* initialised before it is seen; pairs with the acquire in lookups */
	smp_store_release(&ctx->napi, napi);
	return napi;
}

/* Context: rcu_read_lock() or napi->lock held. */
static struct io_napi_entry *io_napi_find(struct io_napi *napi,
					  unsigned int napi_id)
{
	struct io_napi_entry *e;

	hash_for_each_possible_rcu(napi->hash, e, node, napi_id,
				   lockdep_is_held(&napi->lock))
		if (e->napi_id == napi_id)
			return e;
	return NULL;
}

/* Context: napi->lock held. */
static void io_napi_del(struct io_napi *napi, struct io_napi_entry *e)
{
	hash_del_rcu(&e->node);
	WRITE_ONCE(napi->nr_ids, napi->nr_ids - 1);
	kfree_rcu(e, rcu);
}

/* Forget ids unseen for IO_NAPI_STALE (all of them with @all). */
static void io_napi_prune(struct io_napi *napi, bool all)
{
	unsigned long oldest = jiffies - IO_NAPI_STALE;
	struct io_napi_entry *e;
	struct hlist_node *tmp;
	unsigned int bkt;

	spin_lock(&napi->lock);
	WRITE_ONCE(napi->next_prune, jiffies + IO_NAPI_STALE);
	hash_for_each_safe(napi->hash, bkt, tmp, e, node) {
		/* last_seen is refreshed without the lock */
		if (all || time_before(READ_ONCE(e->last_seen), oldest))
			io_napi_del(napi, e);
	}
	spin_unlock(&napi->lock);
}

/* Tell userspace the settings in force (before they change). */
static int io_napi_copy_out(struct io_napi *napi, void __user *arg)
{
	struct io_uring_napi cur = {};

	if (napi) {
		cur.busy_poll_to = napi->busy_poll_to;
		cur.prefer_busy_poll = napi->prefer_busy_poll;
	}
	if (copy_to_user(arg, &cur, sizeof(cur)))
		return -EFAULT;
	return 0;
}

/**
 * io_register_napi - IORING_REGISTER_NAPI: turn busy polling on
 * @ctx: the ring
 * @arg: struct io_uring_napi; pad and resv must be zero. The settings in
 *	 force until now are written back to it.
 *
 * A busy_poll_to of 0 keeps busy polling off.
 *
 * Context: ctx->uring_lock held.
 * Return: 0, -EFAULT, -EINVAL for non-zero padding, or -ENOMEM.
 */
int io_register_napi(struct io_ring_ctx *ctx, void __user *arg)
{
	struct io_uring_napi reg;
	struct io_napi *napi;
	int ret;

	lockdep_assert_held(&ctx->uring_lock);
	if (copy_from_user(&reg, arg, sizeof(reg)))
		return -EFAULT;
	if (memchr_inv(reg.pad, 0, sizeof(reg.pad)) || reg.resv)
		return -EINVAL;
	napi = io_napi_get_or_alloc(ctx);
	if (!napi)
		return -ENOMEM;
	ret = io_napi_copy_out(napi, arg);
	if (ret)
		return ret;
	WRITE_ONCE(napi->prefer_busy_poll, !!reg.prefer_busy_poll);
	WRITE_ONCE(napi->busy_poll_to, reg.busy_poll_to);
	return 0;
}

/**
 * io_unregister_napi - IORING_UNREGISTER_NAPI: turn busy polling off
 * @ctx: the ring
 * @arg: NULL, or a struct io_uring_napi to receive the settings that were
 *	 in force
 *
 * The ids seen so far are forgotten; the state itself stays until the
 * ring goes, as a waiter may be looking at it.
 *
 * Context: ctx->uring_lock held.
 * Return: 0, or -EFAULT (then nothing changed).
 */
int io_unregister_napi(struct io_ring_ctx *ctx, void __user *arg)
{
	struct io_napi *napi = io_napi_get(ctx);
	int ret;

	lockdep_assert_held(&ctx->uring_lock);
	if (arg) {
		ret = io_napi_copy_out(napi, arg);
		if (ret)
			return ret;
	}
	if (!napi)
		return 0;
	WRITE_ONCE(napi->busy_poll_to, 0);
	WRITE_ONCE(napi->prefer_busy_poll, false);
	io_napi_prune(napi, true);
	return 0;
}

/**
 * io_napi_add - note the NAPI id of the socket a request waits on
 * @req: a request whose file (req->op.file) is being polled, or became
 *	 ready while polled
 *
 * Does nothing unless busy polling is on and the file is a socket that
 * has received through a NAPI context.
 *
 * Context: process context (it may allocate), no spinlock held.
 */
void io_napi_add(struct io_kiocb *req)
{
	struct io_napi *napi = io_napi_get(req->ctx);
	struct io_napi_entry *e;
	struct socket *sock;
	unsigned int napi_id;
	bool seen;

	if (!napi || !READ_ONCE(napi->busy_poll_to) || !req->op.file)
		return;
	sock = sock_from_file(req->op.file);
	if (!sock || !sock->sk)
		return;
	napi_id = READ_ONCE(sock->sk->sk_napi_id);
	if (napi_id < MIN_NAPI_ID)
		return;

	rcu_read_lock();
	e = io_napi_find(napi, napi_id);
	seen = e;
	if (seen && time_after(jiffies, READ_ONCE(e->last_seen)))
		WRITE_ONCE(e->last_seen, jiffies);
	rcu_read_unlock();
	if (seen)
		return;

	e = kmalloc(sizeof(*e), GFP_KERNEL_ACCOUNT);
	if (!e)
		return;
	e->napi_id = napi_id;
	e->last_seen = jiffies;
	spin_lock(&napi->lock);
	if (io_napi_find(napi, napi_id)) {
		spin_unlock(&napi->lock);
		kfree(e);
		return;
	}
	hash_add_rcu(napi->hash, &e->node, napi_id);
	WRITE_ONCE(napi->nr_ids, napi->nr_ids + 1);
	spin_unlock(&napi->lock);
}

/* One round over every id the ring knows. */
static void io_napi_poll_once(struct io_napi *napi, bool prefer)
{
	struct io_napi_entry *e;
	unsigned int bkt;

	rcu_read_lock();
	hash_for_each_rcu(napi->hash, bkt, e, node)
		napi_busy_loop_rcu(e->napi_id, NULL, NULL, prefer,
				   BUSY_POLL_BUDGET);
	rcu_read_unlock();
}

/* Run what the polling completed; stop once the waiter can go on. */
static bool io_napi_wait_done(struct io_ring_ctx *ctx,
			      unsigned int min_complete)
{
	io_run_completions();
	return io_cqes_ready(ctx) >= min_complete || signal_pending(current);
}

/**
 * io_napi_busy_wait - busy poll the ring's NAPI ids instead of sleeping
 * @ctx: the ring
 * @min_complete: CQEs the waiter wants; polling stops once they are ready
 * @limit: at most this long (relative, KTIME_MAX: no limit) besides the
 *	   registered busy_poll_to
 *
 * Also stops early on a signal. Returns without polling when busy polling
 * is off or no socket id is known yet. The caller then checks the CQ and
 * sleeps as usual.
 *
 * Context: process context, no locks held, TASK_RUNNING.
 */
void io_napi_busy_wait(struct io_ring_ctx *ctx, unsigned int min_complete,
		       ktime_t limit)
{
	struct io_napi *napi = io_napi_get(ctx);
	bool prefer;
	ktime_t end;
	u64 ns;

	if (!napi || !READ_ONCE(napi->nr_ids) || limit <= 0)
		return;
	ns = (u64)READ_ONCE(napi->busy_poll_to) * NSEC_PER_USEC;
	if (!ns)
		return;
	prefer = READ_ONCE(napi->prefer_busy_poll);
	end = ktime_add_ns(ktime_get(), min_t(u64, ns, limit));
	do {
		io_napi_poll_once(napi, prefer);
		if (io_napi_wait_done(ctx, min_complete))
			break;
		cond_resched();
	} while (ktime_before(ktime_get(), end));
	if (time_after(jiffies, READ_ONCE(napi->next_prune)))
		io_napi_prune(napi, false);
}

/**
 * io_napi_free - free the ring's NAPI state
 * @ctx: the ring, with no waiter left
 */
void io_napi_free(struct io_ring_ctx *ctx)
{
	struct io_napi *napi = io_napi_get(ctx);
	struct io_napi_entry *e;
	struct hlist_node *tmp;
	unsigned int bkt;

	if (!napi)
		return;
	hash_for_each_safe(napi->hash, bkt, tmp, e, node) {
		hash_del(&e->node);
		kfree(e);
	}
	kfree(napi);
	ctx->napi = NULL;
}
