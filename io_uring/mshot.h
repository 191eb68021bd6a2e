/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mshot.c: the core's multishot policy. A multishot request posts a CQE
 * with IORING_CQE_F_MORE per result while each fits in the CQ ring; the
 * first that does not fit becomes its final CQE (which may overflow), as
 * does an error or an end of data. It yields after IO_MSHOT_BATCH results
 * (or sooner, when its opcode says its turn is over: a RECV's length)
 * so that others run (IOU_REQUEUE, issued again from task_work), and
 * waits for its file when nothing is ready (-EAGAIN, the core's poll), or
 * right after a result when the file says it has nothing more (a socket's
 * inq: a try that could only fail is not made).
 * The core counts the wakeups that find nothing to do; a posted result
 * starts that count afresh (io_mshot_progressed()).
 *
 * Locking: ctx->uring_lock held; a multishot request is only ever issued
 * under it.
 */
#ifndef IO_URING_MSHOT_H
#define IO_URING_MSHOT_H

#include "uring.h"

/* Results a multishot request posts per issue before it yields. */
#define IO_MSHOT_BATCH	16

/* What one step of a multishot request came to. */
enum io_mshot_step {
	IO_MSHOT_MORE,		/* a result that does not end it */
	IO_MSHOT_MORE_WAIT,	/* ... and the file has nothing more now */
	IO_MSHOT_MORE_YIELD,	/* ... and others have their turn first */
	IO_MSHOT_WAIT,		/* nothing ready: wait for the file */
	IO_MSHOT_DONE,		/* the last result: an error, the end, ... */
};

/*
 * Try for one result without blocking; fill *@res and *@cflags for the
 * CQE unless nothing was ready (IO_MSHOT_WAIT).
 */
typedef enum io_mshot_step (*io_mshot_step_t)(struct io_kiocb *req,
					      unsigned int issue_flags,
					      s32 *res, u32 *cflags);

int io_mshot_issue(struct io_kiocb *req, unsigned int issue_flags,
		   io_mshot_step_t step);
bool io_mshot_post(struct io_kiocb *req, s32 res, u32 cflags);

/*
 * Did @req post a result since the core last asked? Its retry loop asks
 * after each issue: a multishot request that made progress is not stuck,
 * however often its file woke it for nothing before.
 */
static inline bool io_mshot_progressed(struct io_kiocb *req)
{
	bool posted = req->mshot_posted;

	req->mshot_posted = false;
	return posted;
}

#endif
