// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_REGISTER_RESTRICTIONS: a ring set up disabled may be given, once,
 * the list of io_uring_register(2) opcodes, SQE opcodes and SQE flags it
 * will accept. When the ring is enabled the list takes effect: anything
 * not on it fails with -EACCES. A task may give itself such a list too
 * (fd -1, policy.c): its rings then start with it, in effect at once.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/io_uring.h>

#include "uring.h"
#include "restrict.h"

/* One entry of each kind for every value it can name, and no more. */
#define IO_MAX_RESTRICTIONS	(IORING_RESTRICTION_LAST + IORING_REGISTER_LAST + \
				 IORING_OP_LAST)

static int io_restriction_add(struct io_restrictions *r,
			      const struct io_uring_restriction *e)
{
	/* resv and resv2 are not checked: callers leave them unset */
	switch (e->opcode) {
	case IORING_RESTRICTION_REGISTER_OP:
		if (e->register_op >= IORING_REGISTER_LAST)
			return -EINVAL;
		__set_bit(e->register_op, r->register_op);
		return 0;
	case IORING_RESTRICTION_SQE_OP:
		if (e->sqe_op >= IORING_OP_LAST)
			return -EINVAL;
		__set_bit(e->sqe_op, r->sqe_op);
		return 0;
	case IORING_RESTRICTION_SQE_FLAGS_ALLOWED:
		r->sqe_flags_allowed = e->sqe_flags;
		return 0;
	case IORING_RESTRICTION_SQE_FLAGS_REQUIRED:
		r->sqe_flags_required = e->sqe_flags;
		return 0;
	default:
		return -EINVAL;
	}
}

/**
 * io_restrictions_parse - read a list of restrictions
 * @r: where they go, zeroed; on error left zeroed
 * @arg: array of struct io_uring_restriction in user memory
 * @nr: its length; 0 allows nothing
 *
 * Context: process context; may sleep.
 * Return: 0 with @r->registered set, -EINVAL for a bad entry or too many,
 * -EFAULT, -ENOMEM.
 */
int io_restrictions_parse(struct io_restrictions *r, const void __user *arg,
			  unsigned int nr)
{
	struct io_uring_restriction *list = NULL;
	unsigned int i;
	int ret = 0;

	if (nr > IO_MAX_RESTRICTIONS)
		return -EINVAL;
	if (nr) {
		list = memdup_array_user(arg, nr, sizeof(*list));
		if (IS_ERR(list))
			return PTR_ERR(list);
	}
	for (i = 0; i < nr && !ret; i++)
		ret = io_restriction_add(r, &list[i]);
	kfree(list);
	if (ret) {
		memset(r, 0, sizeof(*r));
		return ret;
	}
	r->registered = true;
	return 0;
}

/**
 * io_register_restrictions - IORING_REGISTER_RESTRICTIONS
 * @ctx: the ring, still disabled
 * @arg: array of struct io_uring_restriction
 * @nr_args: its length; 0 allows nothing
 *
 * Context: ctx->uring_lock held.
 * Return: 0, -EBADFD if the ring is enabled, -EBUSY if it has a list
 * already (its own, or its creator's task restrictions), or as
 * io_restrictions_parse() (and then no list is kept).
 */
int io_register_restrictions(struct io_ring_ctx *ctx, void __user *arg,
			     unsigned int nr_args)
{
	lockdep_assert_held(&ctx->uring_lock);
	if (!ctx->disabled)
		return -EBADFD;
	if (ctx->restrictions.registered)
		return -EBUSY;
	return io_restrictions_parse(&ctx->restrictions, arg, nr_args);
}

/**
 * io_restrictions_allow - does a list allow this SQE?
 * @r: the list
 * @opcode: the SQE's opcode (checked in range)
 * @flags: its IOSQE_* flags
 *
 * Return: true if the opcode is allowed and the flags are within limits.
 */
bool io_restrictions_allow(const struct io_restrictions *r, u8 opcode,
			   u8 flags)
{
	if (!test_bit(opcode, r->sqe_op))
		return false;
	if ((flags & r->sqe_flags_required) != r->sqe_flags_required)
		return false;
	return !(flags & ~(r->sqe_flags_allowed | r->sqe_flags_required));
}
