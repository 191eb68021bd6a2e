/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wait.c: waiting for CQEs (IORING_ENTER_GETEVENTS). Locking: none
 * of its own; the waiter queues itself before it reads the CQ tail.
 */
#ifndef IO_URING_WAIT_H
#define IO_URING_WAIT_H

#include "uring.h"

void io_wait_flush_overflow(struct io_ring_ctx *ctx);
int io_cqring_wait(struct io_ring_ctx *ctx, unsigned int min_complete,
		   unsigned int flags, const void __user *argp, size_t argsz);

#endif
