// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_NOP round trips through every core ring flavour, batching,
 * IOSQE_CQE_SKIP_SUCCESS and SQ ring indirection. The SQPOLL and ATTACH_WQ
 * ring flavours are covered by engine.c.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>

#include "kselftest_harness.h"
#include "uring_helpers.h"

/*
 * The NOP fixture and its TEST_F cases, shared with engine.c which runs
 * them on SQPOLL and ATTACH_WQ rings; the core ring flavours follow.
 */
#include "nop_cases.h"

FIXTURE_VARIANT_ADD(nop, default) { .flags = 0 };
FIXTURE_VARIANT_ADD(nop, cqsize) { .flags = IORING_SETUP_CQSIZE };
FIXTURE_VARIANT_ADD(nop, r_disabled) { .flags = IORING_SETUP_R_DISABLED };
FIXTURE_VARIANT_ADD(nop, submit_all) { .flags = IORING_SETUP_SUBMIT_ALL };
FIXTURE_VARIANT_ADD(nop, coop_taskrun) {
	.flags = IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG
};

FIXTURE_VARIANT_ADD(nop, sqe128) { .flags = IORING_SETUP_SQE128 };
FIXTURE_VARIANT_ADD(nop, cqe32) { .flags = IORING_SETUP_CQE32 };
FIXTURE_VARIANT_ADD(nop, single_issuer) {
	.flags = IORING_SETUP_SINGLE_ISSUER
};

FIXTURE_VARIANT_ADD(nop, defer_taskrun) {
	.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN
};

FIXTURE_VARIANT_ADD(nop, no_mmap) { .flags = IORING_SETUP_NO_MMAP };
FIXTURE_VARIANT_ADD(nop, no_sqarray) { .flags = IORING_SETUP_NO_SQARRAY };
FIXTURE_VARIANT_ADD(nop, big_entries) {
	.flags = IORING_SETUP_SQE128 | IORING_SETUP_CQE32 |
		 IORING_SETUP_NO_SQARRAY | IORING_SETUP_SINGLE_ISSUER |
		 IORING_SETUP_DEFER_TASKRUN
};

/* Tests below use a plain ring: they depend on synchronous submission. */

/* io_uring_enter(2) consumes to_submit SQEs, at most those published. */
TEST(partial_submit)
{
	struct io_uring_cqe cqe;
	struct uring r;
	int i;

	ASSERT_EQ(0, uring_init(&r, 8, 0));
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, uring_queue_nop(&r, i, 0));
	uring_flush(&r);
	/* only consume two of the four published SQEs */
	ASSERT_EQ(2, sys_io_uring_enter(r.fd, 2, 0, 0));
	EXPECT_EQ(2, uring_load(r.sq_head));
	EXPECT_EQ(2, uring_cq_ready(&r));
	/* asking for more than is queued submits what is there */
	ASSERT_EQ(2, sys_io_uring_enter(r.fd, 8, 0, 0));
	EXPECT_EQ(4, uring_load(r.sq_head));
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, uring_get_cqe(&r, &cqe));
		EXPECT_EQ(i, cqe.user_data);
	}
	EXPECT_EQ(0, sys_io_uring_enter(r.fd, 8, 0, 0));
	uring_exit(&r);
}

/* The SQ index array decides which SQE is consumed, duplicates allowed. */
TEST(sq_array_indirection)
{
	unsigned int counts[4] = { };
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	struct uring r;
	int i;

	ASSERT_EQ(0, uring_init(&r, 4, 0));
	for (i = 0; i < 4; i++) {
		sqe = (struct io_uring_sqe *)(r.sqes + i * r.sqe_size);
		memset(sqe, 0, r.sqe_size);
		uring_prep_nop(sqe, i);
	}
	r.sq_array[0] = 2;
	r.sq_array[1] = 2;
	r.sq_array[2] = 0;
	r.sq_array[3] = 0;
	uring_store(r.sq_tail, 4);
	ASSERT_EQ(4, sys_io_uring_enter(r.fd, 4, 4, IORING_ENTER_GETEVENTS));
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, uring_try_get_cqe(&r, &cqe));
		ASSERT_LT(cqe.user_data, 4);
		counts[cqe.user_data]++;
	}
	EXPECT_EQ(2, counts[0]);
	EXPECT_EQ(0, counts[1]);
	EXPECT_EQ(2, counts[2]);
	EXPECT_EQ(0, counts[3]);
	uring_exit(&r);
}

/* An out of range SQ array index is dropped and accounted in sq.dropped. */
TEST(sq_array_bad_index_dropped)
{
	struct io_uring_cqe cqe;
	struct uring r;
	int ret;

	ASSERT_EQ(0, uring_init(&r, 4, 0));
	ASSERT_EQ(0, uring_queue_nop(&r, 1, 0));
	r.sq_array[0] = 1000;
	r.sqe_flushed = r.sqe_tail;
	uring_store(r.sq_tail, r.sqe_tail);
	ret = sys_io_uring_enter(r.fd, 1, 0, 0);
	EXPECT_TRUE(ret == 0 || ret == 1) TH_LOG("ret %d", ret);
	EXPECT_EQ(1, uring_load(r.sq_head));
	EXPECT_EQ(1, uring_load(r.sq_dropped));
	EXPECT_EQ(0, uring_cq_ready(&r));

	/* the ring keeps working */
	ASSERT_EQ(0, uring_queue_nop(&r, 2, 0));
	ASSERT_EQ(1, uring_submit_and_wait(&r, 1));
	ASSERT_EQ(0, uring_get_cqe(&r, &cqe));
	EXPECT_EQ(2, cqe.user_data);
	EXPECT_EQ(0, cqe.res);
	uring_exit(&r);
}

TEST_HARNESS_MAIN
