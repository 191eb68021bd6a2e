/* SPDX-License-Identifier: GPL-2.0 */
/*
 * io-wq, the worker pools that run requests which must block. The
 * scheduler calls the two hooks below when an io worker (PF_IO_WORKER)
 * blocks or runs again, so that a pool stays live while a worker sleeps.
 */
#ifndef IO_URING_IO_WQ_H
#define IO_URING_IO_WQ_H

#include <linux/sched.h>

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

/* True in an io-wq worker's own context. */
static inline bool io_wq_current_is_worker(void)
{
	return in_task() && (current->flags & PF_IO_WORKER);
}

#endif
