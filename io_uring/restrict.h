/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restrict.c: IORING_REGISTER_RESTRICTIONS. Locking: a ring's are set
 * once, under ctx->uring_lock, before the ring is enabled (or copied from
 * its creator's policy at setup); read-only after.
 */
#ifndef IO_URING_RESTRICT_H
#define IO_URING_RESTRICT_H

#include "uring.h"

int io_restrictions_parse(struct io_restrictions *r, const void __user *arg,
			  unsigned int nr);
int io_register_restrictions(struct io_ring_ctx *ctx, void __user *arg,
			     unsigned int nr_args);
bool io_restrictions_allow(const struct io_restrictions *r, u8 opcode,
			   u8 flags);

/* May a restricted ring (ctx->restricted set) run this SQE? */
static inline bool io_sqe_allowed(struct io_ring_ctx *ctx, u8 opcode, u8 flags)
{
	return io_restrictions_allow(&ctx->restrictions, opcode, flags);
}

#endif
