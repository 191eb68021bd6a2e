// SPDX-License-Identifier: GPL-2.0
/*
 * io-wq: the worker pools behind io_wq_enqueue(). This file owns struct
 * io_wq, its bounded and unbounded pools, their worker threads (io threads
 * of the owner task) and the work queued on them.
 *
 * Locking:
 * - pool->lock, a raw spinlock, covers everything in its pool: the queues,
 *   the busy hash buckets, the worker and idle lists, the counters and
 *   flags, and each worker's @cur. The scheduler hooks take it, so nothing
 *   done under it sleeps or allocates. It is never taken from interrupts,
 *   so interrupts stay enabled. The two pool locks never nest.
 * - wq->aff_lock, a mutex, serialises affinity changes and covers each
 *   worker's @mask_gen; it nests outside pool->lock.
 * - worker->busy and worker->blocked belong to the worker thread: only its
 *   loop and the scheduler hooks, which run in its context, use them.
 * - ops->run() is never called with a lock of ours held.
 *
 * Lifetime: wq->nr_threads counts worker threads and slots reserved for
 * threads being created, plus one that io_wq_exit() holds until it has
 * stopped the pools; it then waits for the count to reach zero, so no
 * worker outlives it. wq->refs keeps the memory: one reference for the
 * caller's handle, dropped by io_wq_exit(), and one for each creation
 * request queued on the owner and each retry queued on a kernel worker,
 * which may run after io_wq_exit() returned.
 */
#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/bitops.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/cpuset.h>
#include <linux/hash.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/task_work.h>
#include <linux/workqueue.h>

#include "io-wq.h"

#define IO_WQ_HASH_BITS		6
#define IO_WQ_NR_BUCKETS	BIT(IO_WQ_HASH_BITS)
#define IO_WQ_IDLE_TIMEOUT	(5 * HZ)
#define IO_WQ_RETRY_MIN	(HZ / 10)
#define IO_WQ_RETRY_MAX	IO_WQ_IDLE_TIMEOUT

/* A FIFO of work items linked through io_wq_work.next. */
struct io_wq_list {
	struct io_wq_work	*first;
	struct io_wq_work	*last;
};

/**
 * struct io_wq_worker - one worker thread
 * @node: on pool->workers from the thread's start until it leaves
 * @idle_node: on pool->idle while the thread waits for work; whoever wakes
 *	       it for work takes it off, so an empty node means "claimed"
 * @pool: the pool it serves
 * @task: the thread
 * @cur: the item it runs, or NULL; under pool->lock
 * @mask_gen: the wq->mask_gen it runs with; under wq->aff_lock
 * @busy: inside ops->run(), counted in pool->nr_running unless @blocked
 * @blocked: busy and asleep
 * @dismissed: taken off pool->idle by io_wq_dismiss_idle(): leave unless
 *	       work is ready; under pool->lock
 */
struct io_wq_worker {
	struct list_head	node;
	struct list_head	idle_node;
	struct io_wq_pool	*pool;
	struct task_struct	*task;
	struct io_wq_work	*cur;
	unsigned int		mask_gen;
	bool			busy;
	bool			blocked;
	bool			dismissed;
};

/**
 * struct io_wq_pool - workers of one kind and their queue
 * @lock: covers all below except @create_cb's and @retry's linkage and @wq
 * @ready: items that may start now, in queue order
 * @parked: per hash bucket, hashed items waiting for the bucket's holder
 * @hash_busy: buckets with a holder: an item on @ready or running
 * @workers: every started worker
 * @idle: workers waiting for work, the most recently idle first
 * @nr_workers: live workers plus slots reserved for workers being created
 * @nr_running: busy workers not blocked
 * @max: no worker is created while @nr_workers >= @max
 * @exiting: io_wq_exit() has begun: nothing is queued or created any more
 * @create_pending: @create_cb is queued on the owner
 * @retry_pending: @retry is queued
 * @create_cb: task_work on the owner that creates a worker for the
 *	       scheduler hook
 * @retry: asks for a worker again, a while after creating one failed
 * @retry_delay: the wait before the next @retry: doubled after each
 *		 failure, back to IO_WQ_RETRY_MIN once a worker starts
 * @wq: the io_wq the pool belongs to
 */
struct io_wq_pool {
	raw_spinlock_t		lock;
	struct io_wq_list	ready;
	struct io_wq_list	parked[IO_WQ_NR_BUCKETS];
	DECLARE_BITMAP(hash_busy, IO_WQ_NR_BUCKETS);
	struct list_head	workers;
	struct list_head	idle;
	unsigned int		nr_workers;
	unsigned int		nr_running;
	unsigned int		max;
	bool			exiting;
	bool			create_pending;
	bool			retry_pending;
	struct callback_head	create_cb;
	struct delayed_work	retry;
	unsigned long		retry_delay;
	struct io_wq		*wq;
};

/**
 * struct io_wq - the worker pools of one owner task
 * @pools: indexed by IO_WQ_BOUND and IO_WQ_UNBOUND
 * @ops: what the workers call
 * @task: the owner, referenced; workers are threads of its group
 * @refs: see "Lifetime" at the top of this file
 * @nr_threads: see "Lifetime" at the top of this file
 * @threads_done: completed when @nr_threads drops to zero
 * @aff_lock: covers the fields below
 * @cpu_mask: the affinity last set by io_wq_set_affinity()
 * @custom_mask: @cpu_mask is the caller's; new workers take it. Otherwise
 *		 they keep the affinity they inherit from their creator.
 * @mask_gen: bumped by each io_wq_set_affinity()
 * @dismissing: io_wq_dismiss_idle() was called and no work queued since:
 *		a worker that finds nothing to do leaves at once
 */
struct io_wq {
	struct io_wq_pool	pools[2];
	const struct io_wq_ops	*ops;
	struct task_struct	*task;
	refcount_t		refs;
	atomic_t		nr_threads;
	struct completion	threads_done;
	struct mutex		aff_lock;	/* see above */
	cpumask_var_t		cpu_mask;
	bool			custom_mask;
	unsigned int		mask_gen;
	bool			dismissing;
};

static void io_wq_list_append(struct io_wq_list *list, struct io_wq_work *work)
{
	work->next = NULL;
	if (list->last)
		list->last->next = work;
	else
		list->first = work;
	list->last = work;
}

/* Unlinks @work, which follows @prev (NULL if @work is the first). */
static void io_wq_list_del(struct io_wq_list *list, struct io_wq_work *work,
			   struct io_wq_work *prev)
{
	if (prev)
		prev->next = work->next;
	else
		list->first = work->next;
	if (list->last == work)
		list->last = prev;
}

/* Moves all of @src to the tail of @dst. */
static void io_wq_list_splice(struct io_wq_list *dst, struct io_wq_list *src)
{
	if (!src->first)
		return;
	if (dst->last)
		dst->last->next = src->first;
	else
		dst->first = src->first;
	dst->last = src->last;
	src->first = NULL;
	src->last = NULL;
}

static void io_wq_mark_cancelled(struct io_wq_work *work)
{
	atomic_or(IO_WQ_WORK_CANCEL, &work->flags);
}

/* Runs a chain of items, taken off every queue, as cancelled. */
static void io_wq_run_cancelled(struct io_wq *wq, struct io_wq_work *work)
{
	struct io_wq_work *next;

	for (; work; work = next) {
		next = work->next;
		io_wq_mark_cancelled(work);
		wq->ops->run(work);
	}
}

static void io_wq_put(struct io_wq *wq)
{
	if (!refcount_dec_and_test(&wq->refs))
		return;
	mutex_destroy(&wq->aff_lock);
	free_cpumask_var(wq->cpu_mask);
	put_task_struct(wq->task);
	kfree(wq);
}

static void io_wq_put_thread(struct io_wq *wq)
{
	if (atomic_dec_and_test(&wq->nr_threads))
		complete(&wq->threads_done);
}

static bool io_wq_is_hashed(const struct io_wq_work *work)
{
	return atomic_read(&work->flags) & IO_WQ_WORK_HASHED;
}

static unsigned int io_wq_bucket(const struct io_wq_work *work)
{
	return hash_32(work->hash, IO_WQ_HASH_BITS);
}

/*
 * Queues @work: on @ready, unless it is hashed and its bucket has a holder,
 * in which case it waits on the bucket's parked list. pool->lock held.
 */
static void io_wq_queue(struct io_wq_pool *pool, struct io_wq_work *work)
{
	unsigned int bucket;

	if (!io_wq_is_hashed(work)) {
		io_wq_list_append(&pool->ready, work);
		return;
	}
	bucket = io_wq_bucket(work);
	if (__test_and_set_bit(bucket, pool->hash_busy))
		io_wq_list_append(&pool->parked[bucket], work);
	else
		io_wq_list_append(&pool->ready, work);
}

/* Hands work to an idle worker. Return: false if none. pool->lock held. */
static bool io_wq_wake_idle(struct io_wq_pool *pool)
{
	struct io_wq_worker *worker;

	worker = list_first_entry_or_null(&pool->idle, struct io_wq_worker,
					  idle_node);
	if (!worker)
		return false;
	list_del_init(&worker->idle_node);
	wake_up_process(worker->task);
	return true;
}

/*
 * The holder of @bucket finished or was cancelled: the next parked item of
 * the bucket becomes its holder, on @ready, or the bucket is free.
 * pool->lock held. Return: true if an item became ready (the caller sees
 * that a worker takes it).
 */
static bool io_wq_hash_release(struct io_wq_pool *pool, unsigned int bucket)
{
	struct io_wq_work *next = pool->parked[bucket].first;

	if (!next) {
		__clear_bit(bucket, pool->hash_busy);
		return false;
	}
	io_wq_list_del(&pool->parked[bucket], next, NULL);
	io_wq_list_append(&pool->ready, next);
	return true;
}

/*
 * Finds a worker for ready work: wakes an idle one, or reserves a slot for
 * a new one if the pool is below its limit. pool->lock held.
 * Return: true if a slot was reserved: the caller must now pass it to
 * io_wq_create_worker(), with pool->lock dropped.
 */
static bool io_wq_activate(struct io_wq_pool *pool)
{
	if (pool->exiting || !pool->ready.first || io_wq_wake_idle(pool))
		return false;
	if (pool->nr_workers >= pool->max)
		return false;
	pool->nr_workers++;
	atomic_inc(&pool->wq->nr_threads);
	return true;
}

/* Takes every queued item off @pool, onto @out. pool->lock held. */
static void io_wq_pool_drain(struct io_wq_pool *pool, struct io_wq_list *out)
{
	unsigned int i;

	io_wq_list_splice(out, &pool->ready);
	for (i = 0; i < IO_WQ_NR_BUCKETS; i++)
		io_wq_list_splice(out, &pool->parked[i]);
	bitmap_zero(pool->hash_busy, IO_WQ_NR_BUCKETS);
}

/*
 * Asks the owner to create a worker, which cannot be done from the
 * scheduler hook; skipped at the pool's limit, if a request is already
 * queued, or if the owner is exiting. pool->lock held.
 */
static void io_wq_request_worker(struct io_wq_pool *pool)
{
	struct io_wq *wq = pool->wq;

	if (pool->create_pending || pool->nr_workers >= pool->max)
		return;
	pool->create_pending = true;
	refcount_inc(&wq->refs);
	if (task_work_add(wq->task, &pool->create_cb,
			  TWA_SIGNAL | TWAF_NO_ALLOC)) {
		pool->create_pending = false;
		refcount_dec(&wq->refs);
	}
}

/*
 * Work is ready and no worker runs: wake an idle one, or ask the owner to
 * create one. pool->lock held.
 */
static void io_wq_need_worker(struct io_wq_pool *pool)
{
	if (!pool->nr_running && !pool->exiting && pool->ready.first &&
	    !io_wq_wake_idle(pool))
		io_wq_request_worker(pool);
}

/* Delayed work: creating a worker failed a while ago; try again. */
static void io_wq_retry_fn(struct work_struct *work)
{
	struct io_wq_pool *pool = container_of(to_delayed_work(work),
					       struct io_wq_pool, retry);
	struct io_wq *wq = pool->wq;

	raw_spin_lock(&pool->lock);
	pool->retry_pending = false;
	io_wq_need_worker(pool);
	raw_spin_unlock(&pool->lock);
	io_wq_put(wq);
}

/*
 * A reserved slot did not become a worker. If no worker is left to run the
 * queue, fail what is queued rather than strand it. If the workers left
 * are all blocked (a read waiting for the write queued behind it), try
 * again a little later, then less and less often: only a worker's wakeup
 * or the next enqueue would otherwise ask again, and neither may come.
 */
static void io_wq_create_failed(struct io_wq_pool *pool)
{
	struct io_wq_list stranded = {};

	raw_spin_lock(&pool->lock);
	if (!--pool->nr_workers) {
		io_wq_pool_drain(pool, &stranded);
	} else if (!pool->exiting && !pool->retry_pending) {
		pool->retry_pending = true;
		refcount_inc(&pool->wq->refs);
		schedule_delayed_work(&pool->retry, pool->retry_delay);
		pool->retry_delay = min_t(unsigned long, 2 * pool->retry_delay,
					  IO_WQ_RETRY_MAX);
	}
	raw_spin_unlock(&pool->lock);
	io_wq_run_cancelled(pool->wq, stranded.first);
	io_wq_put_thread(pool->wq);
}

/* Worker side: take the next ready item. pool->lock held. */
static struct io_wq_work *io_wq_take(struct io_wq_pool *pool,
				     struct io_wq_worker *worker)
{
	struct io_wq_work *work = pool->ready.first;

	if (work) {
		io_wq_list_del(&pool->ready, work, NULL);
		worker->cur = work;
		worker->busy = true;
		pool->nr_running++;
	}
	return work;
}

static void io_wq_worker_run(struct io_wq_worker *worker,
			     struct io_wq_work *work)
{
	struct io_wq_pool *pool = worker->pool;
	bool hashed = io_wq_is_hashed(work);
	unsigned int bucket = io_wq_bucket(work);

	pool->wq->ops->run(work);

	/*
	 * @work may be gone: from here on only its bucket number is used. The
	 * bucket's next item is this worker's next take when nothing else is
	 * ready (a serialised file's writes run on one worker, with no wakeup
	 * between them); behind other work, an idle worker takes it.
	 */
	raw_spin_lock(&pool->lock);
	worker->cur = NULL;
	worker->busy = false;
	pool->nr_running--;
	if (hashed && io_wq_hash_release(pool, bucket) &&
	    pool->ready.first != pool->ready.last)
		io_wq_wake_idle(pool);
	raw_spin_unlock(&pool->lock);
}

/*
 * Between items: drop a stale notification (a cancel aimed at the item
 * just finished, or io_wq_exit()'s wake-up, which the loop rechecks under
 * the lock), run task_work queued on the worker (fput() of files used by
 * run()) and handle signals; io threads only take SIGKILL and SIGSTOP.
 * Return: true if a fatal signal says the worker must exit.
 */
static bool io_wq_worker_fatal_signal(void)
{
	struct ksignal ksig;

	clear_notify_signal();
	if (task_work_pending(current))
		task_work_run();
	return task_sigpending(current) && get_signal(&ksig);
}

/*
 * Waits on pool->idle. Entered with pool->lock held, returns without it.
 * Return: false if the wait timed out without anyone handing us work, or
 * the worker was dismissed.
 */
static bool io_wq_worker_idle(struct io_wq_worker *worker)
{
	struct io_wq_pool *pool = worker->pool;
	bool claimed, dismissed;
	long left;

	list_add(&worker->idle_node, &pool->idle);
	set_current_state(TASK_INTERRUPTIBLE);
	raw_spin_unlock(&pool->lock);
	left = schedule_timeout(IO_WQ_IDLE_TIMEOUT);

	raw_spin_lock(&pool->lock);
	claimed = list_empty(&worker->idle_node);
	list_del_init(&worker->idle_node);
	dismissed = worker->dismissed;
	worker->dismissed = false;
	raw_spin_unlock(&pool->lock);
	return !dismissed && (claimed || left);
}

/* A new worker takes a custom affinity; otherwise it keeps the inherited one. */
static void io_wq_worker_init_mask(struct io_wq_worker *worker)
{
	struct io_wq *wq = worker->pool->wq;

	mutex_lock(&wq->aff_lock);
	worker->mask_gen = wq->mask_gen;
	if (wq->custom_mask)
		set_cpus_allowed_ptr(current, wq->cpu_mask);
	mutex_unlock(&wq->aff_lock);
}

static void io_wq_worker_start(struct io_wq_worker *worker)
{
	struct io_wq_pool *pool = worker->pool;
	char name[TASK_COMM_LEN];

	worker->task = current;
	current->worker_private = worker;
	snprintf(name, sizeof(name), "iou-wrk-%d", task_pid_nr(pool->wq->task));
	set_task_comm(current, name);

	raw_spin_lock(&pool->lock);
	list_add_tail(&worker->node, &pool->workers);
	pool->retry_delay = IO_WQ_RETRY_MIN;
	raw_spin_unlock(&pool->lock);
	io_wq_worker_init_mask(worker);
}

/*
 * The worker thread: run ready items one at a time; leave on a fatal
 * signal, when the io_wq exits, after an idle timeout, or when there is
 * no work and the pool has more workers than its limit. An io thread must
 * not return to user space, so it ends with do_exit().
 */
static int io_wq_worker_fn(void *data)
{
	struct io_wq_worker *worker = data;
	struct io_wq_pool *pool = worker->pool;
	struct io_wq *wq = pool->wq;
	struct io_wq_work *work;
	bool timed_out = false;

	io_wq_worker_start(worker);
	for (;;) {
		bool fatal = io_wq_worker_fatal_signal();

		raw_spin_lock(&pool->lock);
		if (fatal)
			break;
		work = io_wq_take(pool, worker);
		if (work) {
			raw_spin_unlock(&pool->lock);
			io_wq_worker_run(worker, work);
			timed_out = false;
			continue;
		}
		if (timed_out || pool->exiting || pool->nr_workers > pool->max ||
		    READ_ONCE(wq->dismissing))
			break;
		timed_out = !io_wq_worker_idle(worker);
	}
	/* Leaving under the lock that decided it: enqueue sees a true count. */
	list_del(&worker->node);
	pool->nr_workers--;
	/* killed with work ready: it is another's */
	if (pool->ready.first)
		io_wq_wake_idle(pool);
	raw_spin_unlock(&pool->lock);

	/* The scheduler hooks must not find the worker once it is freed. */
	current->worker_private = NULL;
	kfree(worker);
	io_wq_put_thread(wq);
	do_exit(0);
}

/*
 * Turns a reserved slot into a worker thread, forked from current, which
 * must belong to the owner's thread group (a worker is an io thread of it).
 */
static void io_wq_create_worker(struct io_wq_pool *pool)
{
	struct io_wq_worker *worker;
	struct task_struct *tsk;

	if (WARN_ON_ONCE(!same_thread_group(current, pool->wq->task)) ||
	    (current->flags & PF_EXITING))
		goto fail;
	worker = kzalloc(sizeof(*worker), GFP_KERNEL);
	if (!worker)
		goto fail;
	worker->pool = pool;
	INIT_LIST_HEAD(&worker->idle_node);
	tsk = create_io_thread(io_wq_worker_fn, worker, NUMA_NO_NODE);
	if (!IS_ERR(tsk)) {
		wake_up_new_task(tsk);
		return;
	}
	kfree(worker);
fail:
	io_wq_create_failed(pool);
}

/* task_work on the owner, queued by io_wq_request_worker(). */
static void io_wq_create_cb(struct callback_head *cb)
{
	struct io_wq_pool *pool = container_of(cb, struct io_wq_pool, create_cb);
	struct io_wq *wq = pool->wq;
	bool create;

	raw_spin_lock(&pool->lock);
	pool->create_pending = false;
	create = io_wq_activate(pool);
	raw_spin_unlock(&pool->lock);
	if (create)
		io_wq_create_worker(pool);
	io_wq_put(wq);
}

/**
 * io_wq_worker_sleeping - an io thread is about to block
 * @tsk: the thread (current)
 *
 * If @tsk is a busy io-wq worker and was the last running one of its pool
 * while ready work waits, wake an idle worker, or ask the owner (by
 * task_work) to create one if the pool is below its limit. At most one such
 * request per pool is pending; none is made once the owner is exiting.
 * Other io threads (worker_private NULL) are ignored.
 *
 * Context: called by the scheduler; must not sleep or take sleeping locks.
 */
void io_wq_worker_sleeping(struct task_struct *tsk)
{
	struct io_wq_worker *worker = tsk->worker_private;
	struct io_wq_pool *pool;

	if (!worker || !worker->busy)
		return;
	worker->blocked = true;
	pool = worker->pool;
	raw_spin_lock(&pool->lock);
	pool->nr_running--;
	io_wq_need_worker(pool);
	raw_spin_unlock(&pool->lock);
}

/**
 * io_wq_worker_running - an io thread runs again after blocking
 * @tsk: the thread (current)
 *
 * Counts a busy io-wq worker that io_wq_worker_sleeping() saw block as
 * running again. Other io threads are ignored.
 *
 * Context: called by the scheduler; must not sleep or take sleeping locks.
 */
void io_wq_worker_running(struct task_struct *tsk)
{
	struct io_wq_worker *worker = tsk->worker_private;

	if (!worker || !worker->blocked)
		return;
	worker->blocked = false;
	raw_spin_lock(&worker->pool->lock);
	worker->pool->nr_running++;
	raw_spin_unlock(&worker->pool->lock);
}

/**
 * io_wq_enqueue - queue work for a worker
 * @wq: the io_wq
 * @work: the item; flags and hash set, not queued anywhere
 *
 * Appends @work to the pool IO_WQ_WORK_UNBOUND selects. An idle worker is
 * woken for it, or else a worker is created if the pool is below its
 * limit; at the limit the work waits for a busy worker. If the io_wq is
 * exiting, or no worker exists and creating one fails, @work and anything
 * else stranded in the pool are run as cancelled, here: ops->run() may be
 * called inline, with IO_WQ_WORK_CANCEL set.
 *
 * Context: process context, may sleep (creating a worker); current must be
 * the owner or another thread of its group, such as a worker.
 */
void io_wq_enqueue(struct io_wq *wq, struct io_wq_work *work)
{
	bool unbound = atomic_read(&work->flags) & IO_WQ_WORK_UNBOUND;
	struct io_wq_pool *pool = &wq->pools[unbound ? IO_WQ_UNBOUND : IO_WQ_BOUND];
	bool create;

	/* the owner submits again: idle workers may stay */
	if (unlikely(READ_ONCE(wq->dismissing)))
		WRITE_ONCE(wq->dismissing, false);
	raw_spin_lock(&pool->lock);
	if (pool->exiting) {
		raw_spin_unlock(&pool->lock);
		work->next = NULL;
		io_wq_run_cancelled(wq, work);
		return;
	}
	io_wq_queue(pool, work);
	create = io_wq_activate(pool);
	raw_spin_unlock(&pool->lock);
	if (create)
		io_wq_create_worker(pool);
}

/**
 * struct io_wq_match - one io_wq_cancel() call
 * @fn: the caller's match()
 * @data: its argument
 * @all: cancel every match, not just the first
 * @queued: matching queued work was found
 * @running: matching running work was found
 * @taken: the queued matches, taken off their queues
 */
struct io_wq_match {
	bool			(*fn)(struct io_wq_work *work, void *data);
	void			*data;
	bool			all;
	bool			queued;
	bool			running;
	struct io_wq_list	taken;
};

static bool io_wq_match_done(const struct io_wq_match *m)
{
	return !m->all && (m->queued || m->running);
}

/* Moves the matches on @list (of @pool) to m->taken. pool->lock held. */
static void io_wq_cancel_list(struct io_wq_pool *pool, struct io_wq_list *list,
			      struct io_wq_match *m)
{
	struct io_wq_work *prev = NULL, *work = list->first;

	while (work) {
		if (!m->fn(work, m->data)) {
			prev = work;
			work = work->next;
			continue;
		}
		io_wq_list_del(list, work, prev);
		/* A hashed item on @ready holds its bucket; pass it on. */
		if (list == &pool->ready && io_wq_is_hashed(work) &&
		    io_wq_hash_release(pool, io_wq_bucket(work)))
			io_wq_wake_idle(pool);
		io_wq_list_append(&m->taken, work);
		m->queued = true;
		if (!m->all)
			return;
		work = prev ? prev->next : list->first;
	}
}

static void io_wq_cancel_queued(struct io_wq_pool *pool, struct io_wq_match *m)
{
	unsigned int i;

	io_wq_cancel_list(pool, &pool->ready, m);
	for (i = 0; i < IO_WQ_NR_BUCKETS && !io_wq_match_done(m); i++)
		io_wq_cancel_list(pool, &pool->parked[i], m);
}

/* Flags matching running items and interrupts their workers. Lock held. */
static void io_wq_cancel_running(struct io_wq_pool *pool, struct io_wq_match *m)
{
	struct io_wq_worker *worker;

	list_for_each_entry(worker, &pool->workers, node) {
		if (!worker->cur || !m->fn(worker->cur, m->data))
			continue;
		io_wq_mark_cancelled(worker->cur);
		set_notify_signal(worker->task);
		m->running = true;
		if (!m->all)
			return;
	}
}

/**
 * io_wq_cancel - cancel queued or running work
 * @wq: the io_wq
 * @match: selects the work to cancel. Called under a raw spinlock: it must
 *	   not sleep or take any lock but a raw spinlock.
 * @data: passed to @match
 * @all: cancel every match; otherwise stop at the first, looking at queued
 *	 work before running work
 *
 * Queued matches are taken off their queue and run as cancelled
 * (ops->run() with IO_WQ_WORK_CANCEL set), here, after the locks are
 * dropped. Running matches get IO_WQ_WORK_CANCEL and their worker a notify
 * signal, which breaks interruptible waits; ops->run() must then finish
 * them. A running item is only looked at until its worker, back from
 * ops->run(), retakes the pool lock.
 *
 * Context: process context; the owner or anyone holding the io_wq.
 * Return: IO_WQ_CANCEL_OK if queued work was cancelled, else
 * IO_WQ_CANCEL_RUNNING if running work was flagged, else
 * IO_WQ_CANCEL_NOTFOUND.
 */
enum io_wq_cancel io_wq_cancel(struct io_wq *wq,
			       bool (*match)(struct io_wq_work *work, void *data),
			       void *data, bool all)
{
	struct io_wq_match m = { .fn = match, .data = data, .all = all };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(wq->pools) && !io_wq_match_done(&m); i++) {
		raw_spin_lock(&wq->pools[i].lock);
		io_wq_cancel_queued(&wq->pools[i], &m);
		raw_spin_unlock(&wq->pools[i].lock);
	}
	for (i = 0; i < ARRAY_SIZE(wq->pools) && !io_wq_match_done(&m); i++) {
		raw_spin_lock(&wq->pools[i].lock);
		io_wq_cancel_running(&wq->pools[i], &m);
		raw_spin_unlock(&wq->pools[i].lock);
	}
	io_wq_run_cancelled(wq, m.taken.first);
	if (m.queued)
		return IO_WQ_CANCEL_OK;
	return m.running ? IO_WQ_CANCEL_RUNNING : IO_WQ_CANCEL_NOTFOUND;
}

/*
 * Stops @pool: no more queueing or creating. With @finish (the bounded
 * pool, whose work ends in bounded time) its workers still run what is
 * queued; otherwise the queue moves to @out, running items are flagged
 * cancelled and their workers signalled. Idle workers are woken either
 * way, and a creation queued on the owner is withdrawn.
 */
static void io_wq_pool_stop(struct io_wq_pool *pool, struct io_wq_list *out,
			    bool finish)
{
	struct io_wq_worker *worker;

	raw_spin_lock(&pool->lock);
	pool->exiting = true;
	if (!finish || !pool->nr_workers)
		io_wq_pool_drain(pool, out);
	list_for_each_entry(worker, &pool->workers, node) {
		if (worker->cur) {
			if (finish)
				continue;
			io_wq_mark_cancelled(worker->cur);
		}
		set_notify_signal(worker->task);
	}
	raw_spin_unlock(&pool->lock);

	/* Not the last reference: the caller of io_wq_exit() holds one. */
	if (task_work_cancel(pool->wq->task, &pool->create_cb))
		refcount_dec(&pool->wq->refs);
	if (cancel_delayed_work(&pool->retry))
		refcount_dec(&pool->wq->refs);
}

/* After the workers are gone: whatever is still queued fails. */
static void io_wq_cancel_leftovers(struct io_wq *wq)
{
	struct io_wq_list left = {};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(wq->pools); i++) {
		raw_spin_lock(&wq->pools[i].lock);
		io_wq_pool_drain(&wq->pools[i], &left);
		raw_spin_unlock(&wq->pools[i].lock);
	}
	io_wq_run_cancelled(wq, left.first);
}

/**
 * io_wq_dismiss_idle - let every idle worker go now
 * @wq: the io_wq
 *
 * For an owner that has no ring left to submit from: its workers would
 * otherwise idle on for IO_WQ_IDLE_TIMEOUT. A dismissed worker still runs
 * what is ready when it wakes; a busy one leaves when it is done and
 * finds nothing else, until io_wq_enqueue() queues work again, which
 * creates workers again as needed.
 *
 * Context: any; takes each pool's lock.
 */
void io_wq_dismiss_idle(struct io_wq *wq)
{
	struct io_wq_worker *worker, *next;
	int i;

	WRITE_ONCE(wq->dismissing, true);
	for (i = 0; i < ARRAY_SIZE(wq->pools); i++) {
		struct io_wq_pool *pool = &wq->pools[i];

		raw_spin_lock(&pool->lock);
		list_for_each_entry_safe(worker, next, &pool->idle, idle_node) {
			list_del_init(&worker->idle_node);
			worker->dismissed = true;
			wake_up_process(worker->task);
		}
		raw_spin_unlock(&pool->lock);
	}
}

/**
 * io_wq_exit - stop the workers and release the io_wq
 * @wq: the io_wq; not to be used after this call
 *
 * Bounded work, queued or running, is still run to its end by the
 * workers. Queued unbounded work is run as cancelled, here; running
 * unbounded work is flagged cancelled and its workers signalled. This
 * waits until every worker thread has exited, so a worker stuck in an
 * uninterruptible wait holds it up, and ops->run() must not wait for
 * anything that needs the caller. Work that workers killed by a fatal
 * signal left queued is run as cancelled at the end.
 *
 * Context: process context, may sleep; the owner when it exits or execs,
 * or anyone once the owner is dead. The caller holds no lock that
 * ops->run() may take.
 */
void io_wq_exit(struct io_wq *wq)
{
	struct io_wq_list cancelled = {};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(wq->pools); i++)
		io_wq_pool_stop(&wq->pools[i], &cancelled, i == IO_WQ_BOUND);
	io_wq_run_cancelled(wq, cancelled.first);

	io_wq_put_thread(wq);
	wait_for_completion(&wq->threads_done);
	/* a worker leaves its pool before it drops its thread count */
	for (i = 0; i < ARRAY_SIZE(wq->pools); i++)
		WARN_ON_ONCE(wq->pools[i].nr_workers ||
			     !list_empty(&wq->pools[i].workers));
	io_wq_cancel_leftovers(wq);
	io_wq_put(wq);
}

/* A pool limit: @count capped at @nproc (RLIMIT_NPROC), and at least 1. */
static unsigned int io_wq_limit(unsigned long count, unsigned long nproc)
{
	return max(min(count, nproc), 1UL);
}

/**
 * io_wq_max_workers - set and report the pool limits
 * @wq: the io_wq
 * @new_count: [IO_WQ_BOUND] and [IO_WQ_UNBOUND]: the new limit, or 0 to
 *	       keep the current one. Each is capped at the owner's
 *	       RLIMIT_NPROC. On return, the previous limits.
 *
 * A lower limit stops creation above it; workers beyond it finish their
 * work and exit when they find none.
 *
 * Context: process context.
 * Return: 0.
 */
int io_wq_max_workers(struct io_wq *wq, unsigned int *new_count)
{
	unsigned long nproc = task_rlimit(wq->task, RLIMIT_NPROC);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(wq->pools); i++) {
		struct io_wq_pool *pool = &wq->pools[i];
		unsigned int old;

		raw_spin_lock(&pool->lock);
		old = pool->max;
		if (new_count[i])
			pool->max = io_wq_limit(new_count[i], nproc);
		raw_spin_unlock(&pool->lock);
		new_count[i] = old;
	}
	return 0;
}

/*
 * Picks a worker of @pool that has not yet taken the current wq->mask_gen,
 * marks it as taken, and returns its task, referenced; NULL if none left.
 * wq->aff_lock held.
 */
static struct task_struct *io_wq_next_stale(struct io_wq_pool *pool)
{
	struct io_wq_worker *worker;
	struct task_struct *tsk = NULL;

	raw_spin_lock(&pool->lock);
	list_for_each_entry(worker, &pool->workers, node) {
		if (worker->mask_gen == pool->wq->mask_gen)
			continue;
		worker->mask_gen = pool->wq->mask_gen;
		tsk = get_task_struct(worker->task);
		break;
	}
	raw_spin_unlock(&pool->lock);
	return tsk;
}

/* set_cpus_allowed_ptr() may sleep, so one worker at a time, unlocked. */
static int io_wq_pool_apply_mask(struct io_wq_pool *pool)
{
	struct task_struct *tsk;
	int ret = 0;

	while ((tsk = io_wq_next_stale(pool))) {
		int err = set_cpus_allowed_ptr(tsk, pool->wq->cpu_mask);

		put_task_struct(tsk);
		ret = ret ?: err;
	}
	return ret;
}

/**
 * io_wq_set_affinity - set the CPUs the workers may run on
 * @wq: the io_wq
 * @mask: the CPUs, or NULL for the default: every CPU the owner's cpuset
 *	  allows (all possible CPUs without cpusets)
 *
 * Applies to the current workers now and to those created later. After a
 * reset to the default, new workers inherit their creator's affinity.
 *
 * Context: process context, may sleep.
 * Return: 0, -EINVAL if @mask holds no online CPU, or the first error of
 * set_cpus_allowed_ptr() for a current worker.
 */
int io_wq_set_affinity(struct io_wq *wq, const struct cpumask *mask)
{
	unsigned int i;
	int ret = 0;

	if (mask && !cpumask_intersects(mask, cpu_online_mask))
		return -EINVAL;

	mutex_lock(&wq->aff_lock);
	if (mask)
		cpumask_copy(wq->cpu_mask, mask);
	else
		cpuset_cpus_allowed(wq->task, wq->cpu_mask);
	wq->custom_mask = !!mask;
	wq->mask_gen++;
	for (i = 0; i < ARRAY_SIZE(wq->pools); i++) {
		int err = io_wq_pool_apply_mask(&wq->pools[i]);

		ret = ret ?: err;
	}
	mutex_unlock(&wq->aff_lock);
	return ret;
}

static void io_wq_pool_init(struct io_wq_pool *pool, struct io_wq *wq,
			    unsigned int max)
{
	raw_spin_lock_init(&pool->lock);
	INIT_LIST_HEAD(&pool->workers);
	INIT_LIST_HEAD(&pool->idle);
	init_task_work(&pool->create_cb, io_wq_create_cb);
	INIT_DELAYED_WORK(&pool->retry, io_wq_retry_fn);
	pool->retry_delay = IO_WQ_RETRY_MIN;
	pool->max = max;
	pool->wq = wq;
}

/**
 * io_wq_create - create the worker pools of the current task
 * @bounded: limit of the bounded pool (at least 1 is used)
 * @ops: what the workers call; must outlive the io_wq
 *
 * current becomes the owner: it is referenced, and workers are io threads
 * of its group. The unbounded pool's limit is current's RLIMIT_NPROC. No
 * worker exists until work is queued.
 *
 * Context: process context, may sleep.
 * Return: the io_wq, or NULL if out of memory.
 */
struct io_wq *io_wq_create(unsigned int bounded, const struct io_wq_ops *ops)
{
	unsigned long nproc = task_rlimit(current, RLIMIT_NPROC);
	struct io_wq *wq;

	wq = kzalloc(sizeof(*wq), GFP_KERNEL);
	if (!wq)
		return NULL;
	if (!alloc_cpumask_var(&wq->cpu_mask, GFP_KERNEL)) {
		kfree(wq);
		return NULL;
	}
	wq->ops = ops;
	wq->task = get_task_struct(current);
	refcount_set(&wq->refs, 1);
	atomic_set(&wq->nr_threads, 1);
	init_completion(&wq->threads_done);
	mutex_init(&wq->aff_lock);
	io_wq_pool_init(&wq->pools[IO_WQ_BOUND], wq, max(bounded, 1U));
	io_wq_pool_init(&wq->pools[IO_WQ_UNBOUND], wq,
			io_wq_limit(UINT_MAX, nproc));
	return wq;
}
