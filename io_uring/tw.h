/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tw.c: finishing requests in their submitter's context (task_work,
 * DEFER_TASKRUN, the fallback worker). Locking: lock-free llists; a
 * task's defer_kept is touched by the task alone.
 */
#ifndef IO_URING_TW_H
#define IO_URING_TW_H

#include "uring.h"

void io_req_task_work_add(struct io_kiocb *req,
			  void (*cb)(struct io_kiocb *req, unsigned int issue_flags));
void io_tw_run(struct callback_head *cb);
bool io_run_defer(struct io_uring_task *tctx, unsigned int flags);
bool io_run_task_work(void);
bool io_run_completions(void);
void io_fallback_work(struct work_struct *work);
void io_fallback_kick(struct io_ring_ctx *ctx);
void io_tw_kick(struct task_struct *task);
void io_tw_task_dead(struct io_uring_task *tctx);

/* Has @tctx DEFER_TASKRUN completions to run? Context: the task itself. */
static inline bool io_defer_pending(struct io_uring_task *tctx)
{
	return tctx->defer_kept || !llist_empty(&tctx->defer_list);
}

#endif
