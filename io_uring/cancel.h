/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cancel.c: cancelling parked requests (ASYNC_CANCEL, SYNC_CANCEL,
 * exit, exec and ring close). Locking: ctx->uring_lock held; ->cancel is
 * called with it.
 */
#ifndef IO_URING_CANCEL_H
#define IO_URING_CANCEL_H

#include "uring.h"

int io_cancel_parked(struct io_ring_ctx *ctx, struct task_struct *task,
		     bool all);
void io_tctx_drain(struct io_uring_task *tctx, bool all);
int io_sync_cancel(struct io_ring_ctx *ctx, void __user *arg);

#endif
