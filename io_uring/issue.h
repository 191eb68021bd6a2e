/* SPDX-License-Identifier: GPL-2.0 */
/*
 * issue.c: getting a request done: issue, park, retry on poll or
 * in io-wq, finish and move its chain on. Locking: ctx->uring_lock, in
 * the submitter's task (or a fallback worker) unless a function says.
 */
#ifndef IO_URING_ISSUE_H
#define IO_URING_ISSUE_H

#include "uring.h"

void io_queue_req(struct io_kiocb *req);
void io_queue_new(struct io_kiocb *req);
void io_queue_alone(struct io_kiocb *req);
void io_req_done(struct io_kiocb *req);
void io_req_fail_chain(struct io_kiocb *req, int err, bool silent);
void io_req_park(struct io_kiocb *req, int (*cancel)(struct io_kiocb *req));
void __io_req_unpark(struct io_kiocb *req);
int io_req_cancel_noop(struct io_kiocb *req);
void io_req_complete_tw(struct io_kiocb *req, unsigned int issue_flags);
void io_req_queue_tw(struct io_kiocb *req, unsigned int issue_flags);
void io_req_punt(struct io_kiocb *req);
bool io_req_exit_cancels(struct io_kiocb *req);
struct io_wq *io_tctx_wq(struct io_uring_task *tctx, struct io_ring_ctx *ctx);

/**
 * io_req_unpark - take a request off the lists of cancellable ones
 * @req: the request, parked (io_req_park()) or not
 *
 * Context: ctx->uring_lock held.
 */
static inline void io_req_unpark(struct io_kiocb *req)
{
	if (req->cancel)
		__io_req_unpark(req);
}

#endif
