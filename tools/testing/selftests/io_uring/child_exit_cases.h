/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The child_exit fixture shared by lifetime.c (core ring flavours) and
 * engine.c (SQPOLL ring): a child process sets up a ring, leaves work
 * outstanding on it and exits (or is killed); the ring must be torn down
 * without hanging the child.
 *
 * Defines enum child_mode, FIXTURE(child_exit), FIXTURE_VARIANT(child_exit),
 * its setup/teardown and the TEST_F(child_exit, ...) cases. Include it once
 * per program, then add the cases to run with
 * FIXTURE_VARIANT_ADD(child_exit, ...), setting .flags to the
 * IORING_SETUP_* flags of the ring and .mode to what the child leaves behind.
 */
#ifndef __SELFTEST_IO_URING_CHILD_EXIT_CASES_H
#define __SELFTEST_IO_URING_CHILD_EXIT_CASES_H

#include "kselftest_harness.h"
#include "uring_helpers.h"

enum child_mode {
	MODE_PENDING_CQES,	/* CQEs posted, never reaped */
	MODE_OVERFLOW,		/* CQ overflowed, never reaped */
	MODE_UNSUBMITTED,	/* SQEs published to the SQ but never entered */
	MODE_KILLED,		/* SIGKILL with CQEs pending */
};

struct child_args {
	unsigned int flags;
	enum child_mode mode;
};

static int child_ring(void *data)
{
	struct child_args *a = data;
	struct io_uring_params p;
	struct uring r;
	unsigned int i, j;

	memset(&p, 0, sizeof(p));
	p.flags = a->flags;
	if (a->mode == MODE_OVERFLOW) {
		p.flags |= IORING_SETUP_CQSIZE;
		p.cq_entries = 8;
	}
	if (uring_init_params(&r, 8, &p))
		return 10;

	switch (a->mode) {
	case MODE_UNSUBMITTED:
		for (i = 0; i < 8; i++)
			if (uring_queue_nop(&r, i, 0))
				return 11;
		uring_flush(&r);
		break;
	case MODE_OVERFLOW:
		for (j = 0; j < 8; j++) {
			for (i = 0; i < 8; i++)
				if (uring_queue_nop(&r, i, 0))
					return 11;
			if (uring_submit(&r) != 8)
				return 12;
		}
		if (!(uring_load(r.sq_flags) & IORING_SQ_CQ_OVERFLOW))
			return 13;
		break;
	default:
		for (i = 0; i < 8; i++)
			if (uring_queue_nop(&r, i, 0))
				return 11;
		if (uring_submit(&r) != 8)
			return 12;
		break;
	}
	if (a->mode == MODE_KILLED)
		raise(SIGKILL);
	/* exit with the ring open, mapped and unreaped */
	return 0;
}

/* Variants: the ring flavour and the work the child leaves outstanding. */
FIXTURE(child_exit) {
};

FIXTURE_VARIANT(child_exit) {
	unsigned int flags;
	enum child_mode mode;
};

FIXTURE_SETUP(child_exit)
{
}

FIXTURE_TEARDOWN(child_exit)
{
}

/* The child exits (or dies of SIGKILL) in time with that work pending. */
TEST_F(child_exit, cancel)
{
	struct child_args a = { .flags = variant->flags, .mode = variant->mode };
	int status = run_child(child_ring, &a);

	ASSERT_NE(-1, status) TH_LOG("child did not exit");
	if (variant->mode == MODE_KILLED) {
		ASSERT_TRUE(WIFSIGNALED(status));
		EXPECT_EQ(SIGKILL, WTERMSIG(status));
	} else {
		ASSERT_TRUE(WIFEXITED(status)) TH_LOG("status %#x", status);
		EXPECT_EQ(0, WEXITSTATUS(status));
	}
}

#endif /* __SELFTEST_IO_URING_CHILD_EXIT_CASES_H */
