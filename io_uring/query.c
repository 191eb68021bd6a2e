// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_REGISTER_QUERY: what this io_uring supports, for a program that
 * probes before it sets a ring up. The argument is a chain of struct
 * io_uring_query_hdr in user memory (uapi linux/io_uring/query.h), each
 * naming a query and room for its answer. Only IO_URING_QUERY_OPCODES is
 * answered; any other query gets -EOPNOTSUPP in its header.
 *
 * Locking: none needed, the answers are constants. With a ring fd it runs
 * under uring_lock as every register opcode does; with fd -1, unlocked.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/uaccess.h>
#include <linux/io_uring.h>
#include <uapi/linux/io_uring/query.h>

#include "uring.h"
#include "query.h"

/* A chain longer than this is refused: it is most likely a loop. */
#define IO_QUERY_MAX_CHAIN	256

/* Every answer we give, so one buffer fits any of them. */
union io_query_answer {
	struct io_uring_query_opcode	opcode;
};

/* The counts and flag masks a program needs before it sets a ring up. */
static const struct io_uring_query_opcode io_query_opcode_answer = {
	.nr_request_opcodes	= IORING_OP_LAST,
	.nr_register_opcodes	= IORING_REGISTER_LAST,
	.feature_flags		= IO_FEATURES,
	.ring_setup_flags	= IO_SETUP_FLAGS,
	.enter_flags		= IO_ENTER_FLAGS,
	.sqe_flags		= IO_SQE_FLAGS,
	.nr_query_opcodes	= IO_URING_QUERY_OPCODES + 1,
};

/* Fill @ans (zeroed) for @op. Return: the answer's size, or -EOPNOTSUPP. */
static int io_query_answer(u32 op, union io_query_answer *ans)
{
	switch (op) {
	case IO_URING_QUERY_OPCODES:
		ans->opcode = io_query_opcode_answer;
		return sizeof(ans->opcode);
	default:
		return -EOPNOTSUPP;
	}
}

/* Answer the query at @uhdr, whose header is @hdr. */
static int io_query_one(struct io_uring_query_hdr __user *uhdr,
			struct io_uring_query_hdr *hdr)
{
	union io_query_answer ans;
	int size;

	memset(&ans, 0, sizeof(ans));
	size = io_query_answer(hdr->query_op, &ans);
	if (size < 0) {
		hdr->result = size;
	} else {
		/* an older program's smaller struct gets what fits */
		hdr->size = min_t(u32, hdr->size, size);
		if (copy_to_user(u64_to_user_ptr(hdr->query_data), &ans,
				 hdr->size))
			return -EFAULT;
		hdr->result = 0;
	}
	return copy_to_user(uhdr, hdr, sizeof(*hdr)) ? -EFAULT : 0;
}

/**
 * io_register_query - IORING_REGISTER_QUERY, with or without a ring
 * @arg: the first struct io_uring_query_hdr of the chain
 * @nr_args: 0
 *
 * Each header gets its answer and result in turn; a bad header or buffer
 * stops the walk there, with what came before it answered.
 *
 * Context: process context; no lock needed.
 * Return: 0, -EINVAL (@nr_args, reserved fields), -EFAULT, or -ELOOP for a
 * chain of more than IO_QUERY_MAX_CHAIN queries.
 */
int io_register_query(void __user *arg, unsigned int nr_args)
{
	struct io_uring_query_hdr __user *uhdr = arg;
	struct io_uring_query_hdr hdr;
	unsigned int n;
	int ret;

	if (nr_args)
		return -EINVAL;
	for (n = 0; uhdr; n++) {
		if (n == IO_QUERY_MAX_CHAIN)
			return -ELOOP;
		if (copy_from_user(&hdr, uhdr, sizeof(hdr)))
			return -EFAULT;
		if (hdr.__resv[0] || hdr.__resv[1] || hdr.__resv[2])
			return -EINVAL;
		ret = io_query_one(uhdr, &hdr);
		if (ret)
			return ret;
		uhdr = u64_to_user_ptr(hdr.next_entry);
	}
	return 0;
}
