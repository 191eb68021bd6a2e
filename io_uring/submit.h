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
void io_compl_flush(struct io_ring_ctx *ctx);
void *io_req_async_alloc(struct io_kiocb *req, size_t size);
void *io_req_async_spare(struct io_kiocb *req, size_t size);

/**
 * io_req_complete_defer - queue a finished request's CQE on the batch
 * @req: the request, with res and cflags set
 *
 * Context: ctx->uring_lock held. The CQE appears at the next flush, at the
 * latest when the current submission or task-work run ends.
 */
static inline void io_req_complete_defer(struct io_kiocb *req)
{
	struct io_ring_ctx *ctx = req->ctx;

	lockdep_assert_held(&ctx->uring_lock);
	req->next = NULL;
	*ctx->compl_tail = req;
	ctx->compl_tail = &req->next;
	if (++ctx->compl_nr >= IO_COMPL_BATCH)
		io_compl_flush(ctx);
}

#endif
