/* SPDX-License-Identifier: GPL-2.0 */
/*
 * eventfd.c: the eventfd signalled on new CQEs. Locking: ctx->ev_fd
 * changes under ctx->uring_lock and is read under RCU.
 */
#ifndef IO_URING_EVENTFD_H
#define IO_URING_EVENTFD_H

#include "uring.h"

int io_eventfd_register(struct io_ring_ctx *ctx, void __user *arg,
			unsigned int nr_args, bool async);
int io_eventfd_unregister(struct io_ring_ctx *ctx);
void io_eventfd_signal(struct io_ring_ctx *ctx, bool async);

#endif
