// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_NOP: completes at once with 0, or with the value in sqe->len
 * when IORING_NOP_INJECT_RESULT is set (for testing error paths).
 */
#include <linux/kernel.h>
#include <linux/io_uring.h>

#include "uring.h"
#include "opdef.h"

struct io_nop {
	struct file	*file;
	int		result;
};

int io_nop_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	struct io_nop *nop = io_kiocb_to_cmd(req, struct io_nop);
	u32 flags = READ_ONCE(sqe->nop_flags);

	if (flags & ~IORING_NOP_INJECT_RESULT)
		return -EINVAL;
	nop->result = 0;
	if (flags & IORING_NOP_INJECT_RESULT)
		nop->result = READ_ONCE(sqe->len);
	return 0;
}

int io_nop(struct io_kiocb *req, unsigned int issue_flags)
{
	req->res = io_kiocb_to_cmd(req, struct io_nop)->result;
	return 0;
}
