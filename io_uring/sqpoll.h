/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sqpoll.c: the SQPOLL thread and the rings it serves. Locking:
 * sqd->lock over sqd->rings, held by the thread while it works on them.
 */
#ifndef IO_URING_SQPOLL_H
#define IO_URING_SQPOLL_H

#include "uring.h"

int io_attach_ring(int fd, struct io_sq_data **sqd);
int io_sq_setup(struct io_ring_ctx *ctx, struct io_uring_params *p);
void io_sq_detach(struct io_ring_ctx *ctx);
int io_sq_enter(struct io_ring_ctx *ctx, unsigned int flags);
void io_sq_show_fdinfo(struct io_ring_ctx *ctx, int *pid, int *cpu);
int io_sq_wq_call(struct io_ring_ctx *ctx,
		  int (*fn)(struct io_wq *wq, void *arg), void *arg);

#endif
