/* SPDX-License-Identifier: GPL-2.0 */
/*
 * io-wq, the worker pools that run requests which must block. One io_wq
 * per submitting task; its workers are io threads of that task (same mm,
 * files and credentials). Two pools: bounded, for work that finishes in
 * bounded time (regular files, block devices), and unbounded, for work that
 * may wait forever (pipes, sockets, ttys). io-wq knows nothing of requests:
 * it runs struct io_wq_work items (include/linux/io_uring_types.h) through
 * the callbacks it was created with.
 *
 * Locking: each pool has a raw spinlock over its work list and worker
 * lists; nothing here takes io_uring's locks.
 */
#ifndef IO_URING_IO_WQ_H
#define IO_URING_IO_WQ_H

#include <linux/sched.h>
#include <linux/cpumask.h>
#include <linux/io_uring_types.h>

struct io_wq;

/* struct io_wq_work.flags */
enum {
	IO_WQ_WORK_UNBOUND	= 1 << 0,	/* run in the unbounded pool */
	IO_WQ_WORK_HASHED	= 1 << 1,	/* serialise with equal @hash */
	IO_WQ_WORK_CANCEL	= 1 << 2,	/* cancelled: run() must fail it */
};

/* io_wq_max_workers() indexes pools by the uapi's IO_WQ_BOUND/UNBOUND. */

/**
 * struct io_wq_ops - what io-wq calls
 * @run: run @work in a worker. May block. Called once per work item, also
 *	 for cancelled items (IO_WQ_WORK_CANCEL set), which must then be
 *	 completed as cancelled. After run() returns, io-wq does not touch
 *	 @work again.
 */
struct io_wq_ops {
	void	(*run)(struct io_wq_work *work);
};

/* What io_wq_cancel() found. */
enum io_wq_cancel {
	IO_WQ_CANCEL_NOTFOUND,	/* no matching work */
	IO_WQ_CANCEL_OK,	/* found queued: taken off and run() as cancelled */
	IO_WQ_CANCEL_RUNNING,	/* found running: flagged and its worker signalled */
};

struct io_wq *io_wq_create(unsigned int bounded, const struct io_wq_ops *ops);
void io_wq_enqueue(struct io_wq *wq, struct io_wq_work *work);
enum io_wq_cancel io_wq_cancel(struct io_wq *wq,
			       bool (*match)(struct io_wq_work *work, void *data),
			       void *data, bool all);
void io_wq_exit(struct io_wq *wq);
void io_wq_dismiss_idle(struct io_wq *wq);
int io_wq_max_workers(struct io_wq *wq, unsigned int *new_count);
int io_wq_set_affinity(struct io_wq *wq, const struct cpumask *mask);

#if defined(CONFIG_IO_WQ)
void io_wq_worker_sleeping(struct task_struct *tsk);
void io_wq_worker_running(struct task_struct *tsk);
#else
static inline void io_wq_worker_sleeping(struct task_struct *tsk)
{
}

static inline void io_wq_worker_running(struct task_struct *tsk)
{
}
#endif

#endif
