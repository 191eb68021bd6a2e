// SPDX-License-Identifier: GPL-2.0
/*
 * io-wq worker pools. No pool exists yet: every request completes inline,
 * so no task ever has PF_IO_WORKER and these hooks have nothing to track.
 */
#include <linux/kernel.h>
#include <linux/sched.h>

#include "io-wq.h"

/**
 * io_wq_worker_sleeping - an io worker is about to block
 * @tsk: the worker (current)
 *
 * Context: called by the scheduler with preemption disabled.
 */
void io_wq_worker_sleeping(struct task_struct *tsk)
{
}

/**
 * io_wq_worker_running - an io worker runs again after blocking
 * @tsk: the worker (current)
 *
 * Context: called by the scheduler.
 */
void io_wq_worker_running(struct task_struct *tsk)
{
}
