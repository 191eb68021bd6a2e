// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_SETUP_SQPOLL: a kernel io thread of the ring's creator submits
 * what userspace puts in the SQ ring, so that submitting needs no system
 * call. Rings set up with IORING_SETUP_ATTACH_WQ pointing at an SQPOLL
 * ring of the same process share its thread.
 *
 * After sq_thread_idle ms without work the thread sets IORING_SQ_NEED_WAKEUP
 * and sleeps; io_uring_enter(IORING_ENTER_SQ_WAKEUP) wakes it. The thread
 * sets the flag, then (full barrier) looks at the SQ tails once more
 * before it sleeps; userspace writes its tail, then (full barrier) reads
 * the flag. One of the two always sees the other, so no submission is
 * left behind.
 *
 * Locking: sqd->lock protects sqd->rings and is held by the thread while
 * it works on them, so a ring detached under it is no longer touched.
 */
#include <linux/kernel.h>
#include <linux/task_work.h>
#include <linux/file.h>
#include <linux/slab.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/cpumask.h>
#include <linux/cpuset.h>
#include <linux/security.h>
#include <linux/cred.h>
#include <linux/io_uring.h>

#include "uring.h"
#include "iopoll.h"
#include "issue.h"
#include "sqpoll.h"
#include "submit.h"
#include "tctx.h"
#include "tw.h"

/* Most SQEs one ring submits per round when the thread serves several. */
#define IO_SQ_ROUND_CAP		8

struct io_sq_data {
	refcount_t		refs;
	struct mutex		lock;		/* over @rings; the thread's */
	struct list_head	rings;		/* ctx->sq_node */
	struct task_struct	*thread;	/* NULL once it has exited */
	pid_t			tgid;		/* the process it belongs to */
	struct wait_queue_head	wait;		/* the thread sleeps here */
	unsigned long		idle;		/* jiffies; longest of its rings */
	bool			stop;		/* last ring gone: exit */
	bool			self_stop;	/* ... released by the thread itself */
	struct io_wq		*wq;		/* the thread's; NULL once it exits */
	struct completion	started;	/* @wq is set (or failed) */
	struct completion	exited;
};

static void io_sq_set_wakeup(struct io_sq_data *sqd, bool on)
{
	struct io_ring_ctx *ctx;

	list_for_each_entry(ctx, &sqd->rings, sq_node) {
		atomic_t *flags = (atomic_t *)&ctx->rings.hdr->sq_flags;

		if (on)
			atomic_or(IORING_SQ_NEED_WAKEUP, flags);
		else
			atomic_andnot(IORING_SQ_NEED_WAKEUP, flags);
	}
}

static unsigned int io_sq_pending(struct io_ring_ctx *ctx)
{
	return READ_ONCE(ctx->rings.hdr->sq_tail) - ctx->sq_head;
}

/* IOPOLL requests in flight: the thread polls for them. */
static bool io_sq_polling(struct io_ring_ctx *ctx)
{
	return (ctx->flags & IORING_SETUP_IOPOLL) &&
	       !list_empty_careful(&ctx->iopoll_list);
}

static bool io_sq_any_pending(struct io_sq_data *sqd)
{
	struct io_ring_ctx *ctx;

	list_for_each_entry(ctx, &sqd->rings, sq_node)
		if (!READ_ONCE(ctx->disabled) &&
		    (io_sq_pending(ctx) || io_sq_polling(ctx)))
			return true;
	return false;
}

/* Submit what one ring has queued and reap what it polls for. */
static bool io_sq_round(struct io_ring_ctx *ctx, bool shared)
{
	unsigned int nr = io_sq_pending(ctx);
	bool poll = io_sq_polling(ctx);
	const struct cred *old = NULL;

	/* pairs with io_enable_rings(): a ring enabled is ready */
	if ((!nr && !poll) || smp_load_acquire(&ctx->disabled))
		return false;
	if (shared)
		nr = min(nr, IO_SQ_ROUND_CAP);
	mutex_lock(&ctx->uring_lock);
	/*
	 * The ring's creator's credentials, for what prep checks (ioprio,
	 * personalities) as for the issue: the thread may be another
	 * ring's, created with other credentials.
	 */
	if (ctx->creds != current_cred())
		old = override_creds(ctx->creds);
	if (nr)
		io_submit_sqes(ctx, nr);
	if (ctx->flags & IORING_SETUP_IOPOLL) {
		io_iopoll_reap(ctx, false);
		io_compl_flush(ctx);
	}
	if (old)
		revert_creds(old);
	mutex_unlock(&ctx->uring_lock);
	if (wq_has_sleeper(&ctx->sq_space_wait))
		wake_up(&ctx->sq_space_wait);
	return true;
}

/* Nothing to do for a while: sleep until woken, unless work shows up. */
static void io_sq_sleep(struct io_sq_data *sqd)
{
	DEFINE_WAIT(wait);

	prepare_to_wait(&sqd->wait, &wait, TASK_INTERRUPTIBLE);
	io_sq_set_wakeup(sqd, true);
	/* the flag before the tails; pairs with userspace's barrier */
	smp_mb__after_atomic();
	if (!io_sq_any_pending(sqd) && !task_work_pending(current) &&
	    !READ_ONCE(sqd->stop)) {
		mutex_unlock(&sqd->lock);
		schedule();
		mutex_lock(&sqd->lock);
	}
	finish_wait(&sqd->wait, &wait);
	io_sq_set_wakeup(sqd, false);
}

/*
 * The thread's io-wq exists from its start, so that the io-wq register
 * calls of its rings have something to tune.
 */
static void io_sq_thread_start(struct io_sq_data *sqd)
{
	struct io_uring_task *tctx = io_tctx_get();
	struct io_ring_ctx *ctx;

	ctx = list_first_entry_or_null(&sqd->rings, struct io_ring_ctx, sq_node);
	if (tctx && ctx)
		sqd->wq = io_tctx_wq(tctx, ctx);
	complete_all(&sqd->started);
}

/**
 * io_sq_wq_call - run @fn on the io-wq of an SQPOLL ring's thread
 * @ctx: the ring, uring_lock not held
 * @fn: called with the thread's lock held, so the io-wq stays
 * @arg: for @fn
 *
 * Return: what @fn returned, or -EOWNERDEAD when the thread is gone.
 */
int io_sq_wq_call(struct io_ring_ctx *ctx,
		  int (*fn)(struct io_wq *wq, void *arg), void *arg)
{
	struct io_sq_data *sqd = ctx->sq_data;
	int ret = -EOWNERDEAD;

	wait_for_completion(&sqd->started);
	mutex_lock(&sqd->lock);
	if (sqd->wq)
		ret = fn(sqd->wq, arg);
	mutex_unlock(&sqd->lock);
	return ret;
}

/* Return: true if a fatal signal ends the thread. */
static bool io_sq_signal(struct io_sq_data *sqd)
{
	struct ksignal ksig;
	bool fatal;

	mutex_unlock(&sqd->lock);
	fatal = get_signal(&ksig);
	mutex_lock(&sqd->lock);
	return fatal;
}

/* The last ring detached (the reference count says so): free @sqd. */
static void io_sq_data_free(struct io_sq_data *sqd)
{
	WARN_ON_ONCE(!list_empty(&sqd->rings));
	kfree(sqd);
}

static int io_sq_thread(void *data)
{
	struct io_sq_data *sqd = data;
	/* nothing was submitted yet: start asleep, the first submit wakes us */
	unsigned long idle_until = jiffies - 1;
	struct io_ring_ctx *ctx;
	char name[TASK_COMM_LEN];
	bool busy, shared;

	snprintf(name, sizeof(name), "iou-sqp-%d", sqd->tgid);
	set_task_comm(current, name);
	mutex_lock(&sqd->lock);
	io_sq_thread_start(sqd);
	while (!READ_ONCE(sqd->stop) && io_tctx_get()) {
		if (signal_pending(current) && io_sq_signal(sqd))
			break;
		busy = false;
		shared = !list_is_singular(&sqd->rings);
		list_for_each_entry(ctx, &sqd->rings, sq_node)
			busy |= io_sq_round(ctx, shared);
		/* completions may release a ring, which takes sqd->lock */
		if (task_work_pending(current)) {
			mutex_unlock(&sqd->lock);
			busy |= io_run_task_work();
			mutex_lock(&sqd->lock);
		}
		/* asleep once a whole sq_thread_idle went by without work */
		if (busy)
			idle_until = jiffies + sqd->idle;
		else if (time_after(jiffies, idle_until))
			io_sq_sleep(sqd);
		if (need_resched()) {
			mutex_unlock(&sqd->lock);
			cond_resched();
			mutex_lock(&sqd->lock);
		}
	}
	/* rings left behind must be told to come in (and get -EOWNERDEAD) */
	io_sq_set_wakeup(sqd, true);
	WRITE_ONCE(sqd->thread, NULL);
	sqd->wq = NULL;
	list_for_each_entry(ctx, &sqd->rings, sq_node)
		wake_up(&ctx->sq_space_wait);
	mutex_unlock(&sqd->lock);
	if (sqd->self_stop)
		io_sq_data_free(sqd);
	else
		complete(&sqd->exited);
	/* an io thread that returned would go to userspace */
	do_exit(0);
}

static struct io_sq_data *io_sq_data_new(struct io_uring_params *p)
{
	struct io_sq_data *sqd = kzalloc(sizeof(*sqd), GFP_KERNEL_ACCOUNT);
	struct task_struct *tsk;

	if (!sqd)
		return ERR_PTR(-ENOMEM);
	refcount_set(&sqd->refs, 1);
	mutex_init(&sqd->lock);
	INIT_LIST_HEAD(&sqd->rings);
	init_waitqueue_head(&sqd->wait);
	init_completion(&sqd->started);
	init_completion(&sqd->exited);
	sqd->tgid = current->tgid;
	tsk = create_io_thread(io_sq_thread, sqd, NUMA_NO_NODE);
	if (IS_ERR(tsk)) {
		kfree(sqd);
		return ERR_CAST(tsk);
	}
	if (p->flags & IORING_SETUP_SQ_AFF)
		set_cpus_allowed_ptr(tsk, cpumask_of(p->sq_thread_cpu));
	sqd->thread = tsk;
	return sqd;
}

/**
 * io_attach_ring - the ring behind IORING_SETUP_ATTACH_WQ's wq_fd
 * @fd: p->wq_fd
 * @sqd: set to its SQPOLL thread data (with a reference), or NULL if it
 *	 has none or belongs to another process; may be NULL itself
 *
 * Context: io_uring_setup().
 * Return: 0, -ENXIO for a bad fd, -EINVAL for a file that is no ring.
 */
int io_attach_ring(int fd, struct io_sq_data **sqd)
{
	struct io_sq_data *other;
	struct fd f = fdget(fd);
	int ret = 0;

	if (!fd_file(f))
		return -ENXIO;
	if (!io_is_uring_fops(fd_file(f))) {
		ret = -EINVAL;
		goto out;
	}
	if (!sqd)
		goto out;
	other = ((struct io_ring_ctx *)fd_file(f)->private_data)->sq_data;
	*sqd = NULL;
	if (other && other->tgid == current->tgid) {
		refcount_inc(&other->refs);
		*sqd = other;
	}
out:
	fdput(f);
	return ret;
}

/*
 * SQ_AFF: an online CPU of the caller's cpuset. The caller's own affinity
 * does not matter: it may well keep itself off the poller's CPU.
 */
static int io_sq_check_cpu(struct io_uring_params *p)
{
	unsigned int cpu = p->sq_thread_cpu;
	cpumask_var_t allowed;
	int ret = -EINVAL;

	if (cpu >= nr_cpu_ids || !cpu_online(cpu))
		return -EINVAL;
	if (!alloc_cpumask_var(&allowed, GFP_KERNEL))
		return -ENOMEM;
	cpuset_cpus_allowed(current, allowed);
	if (cpumask_test_cpu(cpu, allowed))
		ret = 0;
	free_cpumask_var(allowed);
	return ret;
}

/**
 * io_sq_setup - give an SQPOLL ring its thread
 * @ctx: the new ring
 * @p: its parameters (SQ_AFF, sq_thread_cpu, sq_thread_idle, ATTACH_WQ)
 *
 * Context: io_uring_setup(), before the ring is visible to userspace.
 * Return: 0 or -errno.
 */
int io_sq_setup(struct io_ring_ctx *ctx, struct io_uring_params *p)
{
	unsigned long idle = msecs_to_jiffies(p->sq_thread_idle ?: 1000);
	struct io_sq_data *sqd = NULL;
	bool attached;
	int ret;

	ret = security_uring_sqpoll();
	if (ret)
		return ret;
	if (p->flags & IORING_SETUP_SQ_AFF) {
		ret = io_sq_check_cpu(p);
		if (ret)
			return ret;
	}
	if (p->flags & IORING_SETUP_ATTACH_WQ) {
		ret = io_attach_ring(p->wq_fd, &sqd);
		if (ret)
			return ret;
	}
	/* nothing to share (or not ours to share): a thread of our own */
	attached = sqd;
	if (!sqd)
		sqd = io_sq_data_new(p);
	if (IS_ERR(sqd))
		return PTR_ERR(sqd);
	ctx->sq_data = sqd;
	/*
	 * The ring starts out asking for a wakeup: the thread it joins may
	 * be asleep already, and only flags the rings it had when it slept.
	 * It clears the flag once it runs.
	 */
	atomic_or(IORING_SQ_NEED_WAKEUP, (atomic_t *)&ctx->rings.hdr->sq_flags);
	mutex_lock(&sqd->lock);
	list_add_tail(&ctx->sq_node, &sqd->rings);
	sqd->idle = max(sqd->idle, idle);
	mutex_unlock(&sqd->lock);
	/* a new thread starts once its first ring is in place */
	if (!attached)
		wake_up_new_task(sqd->thread);
	return 0;
}

/**
 * io_sq_detach - a ring no longer needs its SQPOLL thread
 * @ctx: the ring, being released
 *
 * The last ring to leave stops the thread and waits for it.
 *
 * Context: process context, sleeps.
 */
void io_sq_detach(struct io_ring_ctx *ctx)
{
	struct io_sq_data *sqd = ctx->sq_data;

	might_sleep();
	if (!sqd)
		return;
	mutex_lock(&sqd->lock);
	list_del_init(&ctx->sq_node);
	mutex_unlock(&sqd->lock);
	ctx->sq_data = NULL;
	if (!refcount_dec_and_test(&sqd->refs))
		return;
	if (current == READ_ONCE(sqd->thread)) {
		/* our own completion dropped the last ring: exit, and free */
		sqd->self_stop = true;
		WRITE_ONCE(sqd->stop, true);
		return;
	}
	WRITE_ONCE(sqd->stop, true);
	wake_up(&sqd->wait);
	wait_for_completion(&sqd->exited);
	io_sq_data_free(sqd);
}

/**
 * io_sq_enter - io_uring_enter() on an SQPOLL ring
 * @ctx: the ring
 * @flags: IORING_ENTER_* (SQ_WAKEUP, SQ_WAIT)
 *
 * Context: process context, sleeps for SQ_WAIT.
 * Return: 0, -EOWNERDEAD if the thread is gone, -EINTR on a signal.
 */
int io_sq_enter(struct io_ring_ctx *ctx, unsigned int flags)
{
	struct io_sq_data *sqd = ctx->sq_data;
	struct io_shared_hdr *hdr;
	DEFINE_WAIT(wait);
	int ret = 0;

	if (!READ_ONCE(sqd->thread))
		return -EOWNERDEAD;
	if (flags & IORING_ENTER_SQ_WAKEUP)
		wake_up(&sqd->wait);
	if (!(flags & IORING_ENTER_SQ_WAIT))
		return 0;
	for (;;) {
		prepare_to_wait(&ctx->sq_space_wait, &wait, TASK_INTERRUPTIBLE);
		hdr = ctx->rings.hdr;
		/* room as userspace sees it: the published head */
		if (READ_ONCE(hdr->sq_tail) - smp_load_acquire(&hdr->sq_head) <
		    ctx->sq_entries)
			break;
		if (!READ_ONCE(sqd->thread)) {
			ret = -EOWNERDEAD;
			break;
		}
		if (task_sigpending(current)) {
			ret = -EINTR;
			break;
		}
		/* our completions are no signal: run them and wait on */
		if (task_work_pending(current)) {
			__set_current_state(TASK_RUNNING);
			io_run_task_work();
			continue;
		}
		schedule();
	}
	finish_wait(&ctx->sq_space_wait, &wait);
	return ret;
}

/**
 * io_sq_show_fdinfo - the SQPOLL thread's pid and CPU, for fdinfo
 * @ctx: the ring
 * @pid: set to the thread's pid, or -1
 * @cpu: set to the CPU it last ran on, or -1
 */
void io_sq_show_fdinfo(struct io_ring_ctx *ctx, int *pid, int *cpu)
{
	struct io_sq_data *sqd = ctx->sq_data;
	struct task_struct *tsk;

	*pid = -1;
	*cpu = -1;
	if (!sqd)
		return;
	mutex_lock(&sqd->lock);
	tsk = sqd->thread;
	if (tsk) {
		*pid = task_pid_nr(tsk);
		*cpu = task_cpu(tsk);
	}
	mutex_unlock(&sqd->lock);
}
