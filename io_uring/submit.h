/* SPDX-License-Identifier: GPL-2.0 */
/*
 * submit.c: SQEs to requests, link chains, the request and async state
 * caches and the completion batch. Locking: ctx->uring_lock held for all of it.
 */
#ifndef IO_URING_SUBMIT_H
#define IO_URING_SUBMIT_H

#include "uring.h"

int io_submit_sqes(struct io_ring_ctx *ctx, unsigned int nr);
void io_req_cache_free(struct io_ring_ctx *ctx);
void io_req_complete_defer(struct io_kiocb *req);
void io_compl_flush(struct io_ring_ctx *ctx);
void *io_req_async_alloc(struct io_kiocb *req, size_t size);

#endif
