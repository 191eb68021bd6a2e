/* SPDX-License-Identifier: GPL-2.0 */
/*
 * complete.c: posting CQEs, overflow and wakeups. Locking:
 * ctx->cq_lock, nested inside ctx->uring_lock where both are taken.
 */
#ifndef IO_URING_COMPLETE_H
#define IO_URING_COMPLETE_H

#include "uring.h"

bool io_post_cqe(struct io_ring_ctx *ctx, u64 user_data, s32 res, u32 cflags,
		 const u64 *big);
void io_cq_lock(struct io_ring_ctx *ctx);
void io_cq_unlock_post(struct io_ring_ctx *ctx);
bool io_flush_overflow(struct io_ring_ctx *ctx);
void io_drop_overflow(struct io_ring_ctx *ctx);
unsigned int io_cqes_ready(struct io_ring_ctx *ctx);
void io_req_post_list(struct io_ring_ctx *ctx, struct io_kiocb *req);
bool io_post_if_room(struct io_kiocb *req, s32 res, u32 cflags);

#endif
