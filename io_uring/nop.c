// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_NOP: completes at once with 0, or with the value in sqe->len
 * when IORING_NOP_INJECT_RESULT is set (for testing error paths). With
 * IORING_NOP_CQE32, on a ring with 32-byte CQEs (all of them, or some:
 * IORING_SETUP_CQE_MIXED), the CQE's two extra words are sqe->off and
 * sqe->addr; on a mixed ring the CQE is then a 32-byte one
 * (IORING_CQE_F_32).
 */
#include <linux/kernel.h>
#include <linux/io_uring.h>

#include "uring.h"
#include "opdef.h"

struct io_nop {
	struct file	*file;
	int		result;
};

/* IORING_NOP_CQE32: the extra words, on a ring whose CQEs can carry them. */
static int io_nop_prep_cqe32(struct io_kiocb *req,
			     const struct io_uring_sqe *sqe)
{
	unsigned int ring_flags = req->ctx->flags;

	if (!(ring_flags & (IORING_SETUP_CQE32 | IORING_SETUP_CQE_MIXED)))
		return -EINVAL;
	req->big_cqe[0] = READ_ONCE(sqe->off);
	req->big_cqe[1] = READ_ONCE(sqe->addr);
	if (ring_flags & IORING_SETUP_CQE_MIXED)
		req->cflags |= IORING_CQE_F_32;
	return 0;
}

int io_nop_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	struct io_nop *nop = io_kiocb_to_cmd(req, struct io_nop);
	u32 flags = READ_ONCE(sqe->nop_flags);

	if (flags & ~(IORING_NOP_INJECT_RESULT | IORING_NOP_CQE32))
		return -EINVAL;
	nop->result = 0;
	if (flags & IORING_NOP_INJECT_RESULT)
		nop->result = READ_ONCE(sqe->len);
	if (flags & IORING_NOP_CQE32)
		return io_nop_prep_cqe32(req, sqe);
	return 0;
}

int io_nop(struct io_kiocb *req, unsigned int issue_flags)
{
	req->res = io_kiocb_to_cmd(req, struct io_nop)->result;
	return 0;
}
