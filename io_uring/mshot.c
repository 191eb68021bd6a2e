// SPDX-License-Identifier: GPL-2.0
/*
 * Multishot requests: one request, a CQE per result. What each opcode
 * does for one result is its own (a receive, a read, an accept, a poll
 * report, a timer expiry); when the request goes on, yields or ends is
 * decided here, the same for all of them.
 */
#include <linux/kernel.h>
#include <linux/io_uring.h>

#include "uring.h"
#include "complete.h"
#include "mshot.h"
#include "opdef.h"

/**
 * io_mshot_post - post one result of a multishot request that goes on
 * @req: the request
 * @res: for the CQE
 * @cflags: for the CQE; IORING_CQE_F_MORE is added
 *
 * A result goes out with IORING_CQE_F_MORE only into free CQ ring space:
 * a multishot request never fills the overflow list. When the ring is
 * full the result becomes the request's final CQE, without the flag (and
 * may overflow then, as any final CQE may). A posted result is progress
 * for the core's retry count (io_mshot_progressed()).
 *
 * Context: ctx->uring_lock held.
 * Return: false if the CQ ring had no room: nothing was posted, and the
 * caller ends the request with this result as its final CQE.
 */
bool io_mshot_post(struct io_kiocb *req, s32 res, u32 cflags)
{
	lockdep_assert_held(&req->ctx->uring_lock);
	if (!io_post_if_room(req, res, cflags | IORING_CQE_F_MORE))
		return false;
	req->mshot_posted = true;
	return true;
}

/**
 * io_mshot_issue - the ->issue of a multishot request
 * @req: the request
 * @issue_flags: IO_URING_F_*, always non-blocking
 * @step: what the opcode does for one result
 *
 * Context: ctx->uring_lock held.
 * Return: -EAGAIN to wait for the file, IOU_REQUEUE to go on after others
 * had their turn, or 0 with req->res and req->cflags the final CQE's.
 */
int io_mshot_issue(struct io_kiocb *req, unsigned int issue_flags,
		   io_mshot_step_t step)
{
	enum io_mshot_step next;
	s32 res = 0;
	u32 cflags = 0;
	int i;

	lockdep_assert_held(&req->ctx->uring_lock);
	for (i = 0; i < IO_MSHOT_BATCH; i++) {
		next = step(req, issue_flags, &res, &cflags);
		if (next == IO_MSHOT_WAIT)
			return -EAGAIN;
		/* no room in the CQ ring: this result is the last */
		if (next == IO_MSHOT_DONE || !io_mshot_post(req, res, cflags)) {
			req->res = res;
			req->cflags = cflags;
			return 0;
		}
		if (next == IO_MSHOT_MORE_WAIT)
			return -EAGAIN;
		if (next == IO_MSHOT_MORE_YIELD)
			break;
	}
	return IOU_REQUEUE;
}
