/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iopoll.c: IORING_SETUP_IOPOLL, requests whose device completes
 * them only when polled. Locking: ctx->iopoll_list under ctx->uring_lock.
 */
#ifndef IO_URING_IOPOLL_H
#define IO_URING_IOPOLL_H

#include "uring.h"

struct io_comp_batch;

/**
 * struct io_iopoll - a request on an IOPOLL ring, waiting to be polled
 * @node: on ctx->iopoll_list, under ctx->uring_lock
 * @req: the request
 * @poll: ask the device once (poll_flags as for ->iopoll)
 * @complete: finish the request, in its submitter with the ring lock held
 * @issued_ns: HYBRID_IOPOLL: when it went to the device
 * @done: the opcode has the result (io_iopoll_mark_done())
 * @slept: HYBRID_IOPOLL: a waiter slept for it already
 */
struct io_iopoll {
	struct list_head	node;
	struct io_kiocb		*req;
	void			(*poll)(struct io_iopoll *ip,
					struct io_comp_batch *iob,
					unsigned int poll_flags);
	void			(*complete)(struct io_kiocb *req,
					    unsigned int issue_flags);
	u64			issued_ns;
	bool			done;
	bool			slept;
};

void io_iopoll_queue(struct io_kiocb *req, struct io_iopoll *ip,
		     int (*cancel)(struct io_kiocb *req),
		     unsigned int issue_flags);
void io_iopoll_mark_done(struct io_iopoll *ip);
bool io_iopoll_settle(struct io_iopoll *ip);
unsigned int io_iopoll_reap(struct io_ring_ctx *ctx, bool spin);
int io_iopoll_wait(struct io_ring_ctx *ctx, unsigned int min_complete);

#endif
