// SPDX-License-Identifier: GPL-2.0
/*
 * CQ ring overflow: completions beyond the CQ ring capacity must be kept
 * (IORING_FEAT_NODROP), flagged with IORING_SQ_CQ_OVERFLOW and handed out
 * in order once the application makes room.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>

#include "kselftest_harness.h"
#include "uring_helpers.h"

#define OVF_SQ		4
#define OVF_CQ		8

/* A 4-entry SQ and an 8-entry CQ, which NOPs soon overflow. */
FIXTURE(ovf) {
	struct uring r;
};

FIXTURE_VARIANT(ovf) {
	unsigned int flags;
};

FIXTURE_VARIANT_ADD(ovf, default) { .flags = 0 };
FIXTURE_VARIANT_ADD(ovf, coop_taskrun) {
	.flags = IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG
};

FIXTURE_VARIANT_ADD(ovf, defer_taskrun) {
	.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN
};

FIXTURE_VARIANT_ADD(ovf, cqe32) { .flags = IORING_SETUP_CQE32 };
FIXTURE_VARIANT_ADD(ovf, no_sqarray) { .flags = IORING_SETUP_NO_SQARRAY };

FIXTURE_SETUP(ovf)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = variant->flags | IORING_SETUP_CQSIZE;
	p.cq_entries = OVF_CQ;
	ASSERT_EQ(0, uring_init_params(&self->r, OVF_SQ, &p));
	ASSERT_EQ(OVF_SQ, p.sq_entries);
	ASSERT_EQ(OVF_CQ, p.cq_entries);
	ASSERT_TRUE(p.features & IORING_FEAT_NODROP);
}

FIXTURE_TEARDOWN(ovf)
{
	uring_exit(&self->r);
}

static bool cq_overflow_flagged(struct uring *r)
{
	return uring_load(r->sq_flags) & IORING_SQ_CQ_OVERFLOW;
}

/* Submit nr NOPs with user_data first..first+nr-1 without reaping. */
static int submit_nops(struct uring *r, __u64 first, unsigned int nr)
{
	unsigned int i, n;
	int ret;

	while (nr) {
		n = nr < OVF_SQ ? nr : OVF_SQ;
		for (i = 0; i < n; i++)
			if (uring_queue_nop(r, first++, 0))
				return -EBUSY;
		ret = uring_submit(r);
		if (ret != n)
			return ret < 0 ? ret : -EIO;
		nr -= n;
	}
	return 0;
}

/* 64 NOPs on an 8-entry CQ: each comes back once, none is dropped. */
TEST_F(ovf, no_cqe_lost)
{
	const unsigned int total = 64;
	struct io_uring_cqe cqe;
	unsigned int i;
	char *seen;

	seen = calloc(total, 1);
	ASSERT_NE(NULL, seen);
	ASSERT_EQ(0, submit_nops(&self->r, 0, total));

	/* CQ ring full, the rest is held back by the kernel */
	EXPECT_EQ(OVF_CQ, uring_cq_ready(&self->r));
	EXPECT_TRUE(cq_overflow_flagged(&self->r));
	EXPECT_EQ(0, *self->r.cq_overflow);

	for (i = 0; i < total; i++) {
		ASSERT_EQ(0, uring_get_cqe(&self->r, &cqe)) TH_LOG("cqe %u", i);
		EXPECT_EQ(0, cqe.res);
		ASSERT_LT(cqe.user_data, total);
		EXPECT_EQ(0, seen[cqe.user_data])
			TH_LOG("duplicate user_data %llu", cqe.user_data);
		seen[cqe.user_data] = 1;
	}
	for (i = 0; i < total; i++)
		EXPECT_EQ(1, seen[i]) TH_LOG("user_data %u lost", i);

	EXPECT_EQ(0, uring_cq_ready(&self->r));
	EXPECT_FALSE(cq_overflow_flagged(&self->r));
	EXPECT_EQ(0, *self->r.cq_overflow);
	/* nothing more is hiding anywhere */
	EXPECT_EQ(0, sys_io_uring_enter(self->r.fd, 0, 0,
					IORING_ENTER_GETEVENTS));
	EXPECT_EQ(0, uring_cq_ready(&self->r));
	free(seen);
}

/* Overflowed completions come out after the ones already in the ring. */
TEST_F(ovf, order_preserved)
{
	const unsigned int total = 40;
	struct io_uring_cqe cqe;
	unsigned int i;

	ASSERT_EQ(0, submit_nops(&self->r, 0, total));
	for (i = 0; i < total; i++) {
		ASSERT_EQ(0, uring_get_cqe(&self->r, &cqe));
		EXPECT_EQ(i, cqe.user_data);
	}
}

/* Reaping part of the backlog, then submitting more, keeps everything. */
TEST_F(ovf, interleaved)
{
	struct io_uring_cqe cqe;
	unsigned int i, next = 0;

	ASSERT_EQ(0, submit_nops(&self->r, 0, 20));
	EXPECT_TRUE(cq_overflow_flagged(&self->r));
	for (i = 0; i < 10; i++) {
		ASSERT_EQ(0, uring_get_cqe(&self->r, &cqe));
		EXPECT_EQ(next++, cqe.user_data);
	}
	ASSERT_EQ(0, submit_nops(&self->r, 20, 20));
	EXPECT_TRUE(cq_overflow_flagged(&self->r));
	for (i = 0; i < 30; i++) {
		ASSERT_EQ(0, uring_get_cqe(&self->r, &cqe));
		EXPECT_EQ(next++, cqe.user_data);
	}
	EXPECT_FALSE(cq_overflow_flagged(&self->r));
	EXPECT_EQ(0, *self->r.cq_overflow);
}

/* io_uring_enter(GETEVENTS) moves the backlog into the freed CQ slots. */
TEST_F(ovf, getevents_flushes)
{
	struct io_uring_cqe cqe;
	unsigned int i;

	ASSERT_EQ(0, submit_nops(&self->r, 0, 3 * OVF_CQ));
	EXPECT_EQ(OVF_CQ, uring_cq_ready(&self->r));
	for (i = 0; i < OVF_CQ; i++)
		ASSERT_EQ(0, uring_try_get_cqe(&self->r, &cqe));
	EXPECT_EQ(0, uring_cq_ready(&self->r));
	EXPECT_TRUE(cq_overflow_flagged(&self->r));

	ASSERT_EQ(0, sys_io_uring_enter(self->r.fd, 0, 1,
					IORING_ENTER_GETEVENTS));
	EXPECT_EQ(OVF_CQ, uring_cq_ready(&self->r));
	ASSERT_EQ(0, uring_try_get_cqe(&self->r, &cqe));
	EXPECT_EQ(OVF_CQ, cqe.user_data);
}

/* A large backlog relative to the CQ size. */
TEST_F(ovf, big_backlog)
{
	const unsigned int total = 1024;
	struct io_uring_cqe cqe;
	unsigned int i;

	ASSERT_EQ(0, submit_nops(&self->r, 0, total));
	EXPECT_TRUE(cq_overflow_flagged(&self->r));
	for (i = 0; i < total; i++) {
		ASSERT_EQ(0, uring_get_cqe(&self->r, &cqe));
		ASSERT_EQ(i, cqe.user_data);
	}
	EXPECT_EQ(0, uring_cq_ready(&self->r));
	EXPECT_FALSE(cq_overflow_flagged(&self->r));
}

/* Closing a ring with an overflow backlog must not hang or leak. */
TEST_F(ovf, close_with_backlog)
{
	struct io_uring_cqe cqe;
	struct uring r2;

	ASSERT_EQ(0, submit_nops(&self->r, 0, 4 * OVF_CQ));
	EXPECT_TRUE(cq_overflow_flagged(&self->r));
	uring_exit(&self->r);

	ASSERT_EQ(0, uring_init(&self->r, OVF_SQ, variant->flags));
	ASSERT_EQ(0, uring_init(&r2, OVF_SQ, 0));
	ASSERT_EQ(0, uring_queue_nop(&r2, 5, 0));
	ASSERT_EQ(1, uring_submit_and_wait(&r2, 1));
	ASSERT_EQ(0, uring_get_cqe(&r2, &cqe));
	EXPECT_EQ(5, cqe.user_data);
	uring_exit(&r2);
}

/*
 * A CQ head that userspace moved past the tail makes the ring look full:
 * new CQEs wait in the overflow list instead of overwriting entries that
 * head says are unread, and come out in order once the head is sane.
 */
TEST_F(ovf, cq_head_past_tail)
{
	struct io_uring_cqe cqe;
	unsigned int i, tail = uring_load(self->r.cq_tail);

	uring_store(self->r.cq_head, tail + 3);
	ASSERT_EQ(0, submit_nops(&self->r, 0, OVF_SQ));
	EXPECT_EQ(tail, uring_load(self->r.cq_tail));
	EXPECT_TRUE(cq_overflow_flagged(&self->r));

	uring_store(self->r.cq_head, tail);
	ASSERT_EQ(0, sys_io_uring_enter(self->r.fd, 0, OVF_SQ,
					IORING_ENTER_GETEVENTS));
	for (i = 0; i < OVF_SQ; i++) {
		ASSERT_EQ(0, uring_try_get_cqe(&self->r, &cqe));
		EXPECT_EQ(i, cqe.user_data);
	}
	EXPECT_FALSE(cq_overflow_flagged(&self->r));
	EXPECT_EQ(0, *self->r.cq_overflow);
}

/* CQE_SKIP_SUCCESS NOPs do not take CQ space, even when overflowing. */
TEST_F(ovf, skip_success_no_overflow)
{
	unsigned int i, j;

	for (i = 0; i < 4 * OVF_CQ; i += OVF_SQ) {
		for (j = 0; j < OVF_SQ; j++)
			ASSERT_EQ(0, uring_queue_nop(&self->r, i + j,
						     IOSQE_CQE_SKIP_SUCCESS));
		ASSERT_EQ(OVF_SQ, uring_submit(&self->r));
	}
	EXPECT_EQ(0, uring_cq_ready(&self->r));
	EXPECT_FALSE(cq_overflow_flagged(&self->r));
}

TEST_HARNESS_MAIN
