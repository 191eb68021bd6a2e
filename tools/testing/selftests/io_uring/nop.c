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

#define NOP_ENTRIES	32

/*
 * The SQPOLL and ATTACH_WQ variants of this fixture, running the same
 * TEST_F cases, are in engine.c.
 */
FIXTURE(nop) {
	struct uring r;
};

FIXTURE_VARIANT(nop) {
	unsigned int flags;
};

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

FIXTURE_SETUP(nop)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = variant->flags;
	if (p.flags & IORING_SETUP_CQSIZE)
		p.cq_entries = 4 * NOP_ENTRIES;
	ASSERT_EQ(0, uring_init_params(&self->r, NOP_ENTRIES, &p));
	if (p.flags & IORING_SETUP_R_DISABLED)
		ASSERT_EQ(0, sys_io_uring_register(self->r.fd,
				IORING_REGISTER_ENABLE_RINGS, NULL, 0));
}

FIXTURE_TEARDOWN(nop)
{
	uring_exit(&self->r);
}

TEST_F(nop, single)
{
	struct io_uring_cqe cqe;

	ASSERT_EQ(0, uring_queue_nop(&self->r, 0xdeadbeefcafef00dULL, 0));
	ASSERT_EQ(1, uring_submit_and_wait(&self->r, 1));
	ASSERT_EQ(0, uring_get_cqe(&self->r, &cqe));
	EXPECT_EQ(0xdeadbeefcafef00dULL, cqe.user_data);
	EXPECT_EQ(0, cqe.res);
	EXPECT_EQ(0, cqe.flags);
	EXPECT_EQ(0, uring_cq_ready(&self->r));
}

TEST_F(nop, user_data_preserved)
{
	static const __u64 uds[] = {
		0, 1, ~0ULL, 1ULL << 63, 0x0123456789abcdefULL, 0xffffffffULL,
	};
	bool seen[ARRAY_SIZE(uds)] = { };
	struct io_uring_cqe cqe;
	int i, j;

	for (i = 0; i < ARRAY_SIZE(uds); i++)
		ASSERT_EQ(0, uring_queue_nop(&self->r, uds[i], 0));
	ASSERT_EQ(ARRAY_SIZE(uds),
		  uring_submit_and_wait(&self->r, ARRAY_SIZE(uds)));
	for (i = 0; i < ARRAY_SIZE(uds); i++) {
		ASSERT_EQ(0, uring_get_cqe(&self->r, &cqe));
		EXPECT_EQ(0, cqe.res);
		for (j = 0; j < ARRAY_SIZE(uds); j++)
			if (!seen[j] && uds[j] == cqe.user_data)
				break;
		ASSERT_LT(j, ARRAY_SIZE(uds)) TH_LOG("unexpected user_data %llx",
						     cqe.user_data);
		seen[j] = true;
	}
	EXPECT_EQ(0, uring_cq_ready(&self->r));
}

/* Fill the whole SQ ring and submit it with a single io_uring_enter(). */
TEST_F(nop, full_batch)
{
	bool seen[NOP_ENTRIES] = { };
	struct io_uring_cqe cqe;
	int i;

	for (i = 0; i < NOP_ENTRIES; i++)
		ASSERT_EQ(0, uring_queue_nop(&self->r, i, 0));
	EXPECT_EQ(-EBUSY, uring_queue_nop(&self->r, 1000, 0));
	ASSERT_EQ(NOP_ENTRIES, uring_submit_and_wait(&self->r, NOP_ENTRIES));
	EXPECT_EQ(NOP_ENTRIES, uring_cq_ready(&self->r));
	for (i = 0; i < NOP_ENTRIES; i++) {
		ASSERT_EQ(0, uring_get_cqe(&self->r, &cqe));
		EXPECT_EQ(0, cqe.res);
		ASSERT_LT(cqe.user_data, NOP_ENTRIES);
		EXPECT_FALSE(seen[cqe.user_data]);
		seen[cqe.user_data] = true;
	}
	EXPECT_EQ(0, uring_cq_ready(&self->r));
	EXPECT_EQ(uring_load(self->r.sq_tail), uring_load(self->r.sq_head));
}

/* Many odd-sized batches so that head/tail wrap the rings many times. */
TEST_F(nop, wrap_around)
{
	const unsigned int total = 2000, batch = 7;
	unsigned int sent = 0, done = 0, n, i;
	struct io_uring_cqe cqe;
	__u64 base;

	while (sent < total) {
		n = total - sent < batch ? total - sent : batch;
		base = sent;
		for (i = 0; i < n; i++)
			ASSERT_EQ(0, uring_queue_nop(&self->r, sent++, 0));
		ASSERT_EQ(n, uring_submit_and_wait(&self->r, n));
		for (i = 0; i < n; i++) {
			ASSERT_EQ(0, uring_get_cqe(&self->r, &cqe));
			ASSERT_EQ(0, cqe.res);
			ASSERT_GE(cqe.user_data, base);
			ASSERT_LT(cqe.user_data, base + n);
			done++;
		}
	}
	EXPECT_EQ(total, done);
	EXPECT_EQ(total, *self->r.cq_head);
	EXPECT_EQ(0, *self->r.sq_dropped);
	EXPECT_EQ(0, *self->r.cq_overflow);
}

TEST_F(nop, getevents_waits_for_min_complete)
{
	int i;

	for (i = 0; i < 8; i++)
		ASSERT_EQ(0, uring_queue_nop(&self->r, i, 0));
	ASSERT_EQ(8, uring_submit_and_wait(&self->r, 8));
	EXPECT_EQ(8, uring_cq_ready(&self->r));
}

TEST_F(nop, getevents_nothing_pending)
{
	EXPECT_EQ(0, sys_io_uring_enter(self->r.fd, 0, 0,
					IORING_ENTER_GETEVENTS));
	EXPECT_EQ(0, sys_io_uring_enter(self->r.fd, 0, 0, 0));
	EXPECT_EQ(0, uring_cq_ready(&self->r));
}

TEST_F(nop, cqe_skip_success)
{
	struct io_uring_cqe cqe;

	ASSERT_EQ(0, uring_queue_nop(&self->r, 1, IOSQE_CQE_SKIP_SUCCESS));
	ASSERT_EQ(0, uring_queue_nop(&self->r, 2, 0));
	ASSERT_EQ(2, uring_submit_and_wait(&self->r, 1));
	ASSERT_EQ(0, uring_get_cqe(&self->r, &cqe));
	EXPECT_EQ(2, cqe.user_data);
	EXPECT_EQ(0, cqe.res);
	EXPECT_EQ(0, uring_cq_ready(&self->r));
}

TEST_F(nop, cqe_skip_success_all)
{
	struct io_uring_cqe cqe;
	int i;

	for (i = 0; i < 16; i++)
		ASSERT_EQ(0, uring_queue_nop(&self->r, i,
					     IOSQE_CQE_SKIP_SUCCESS));
	ASSERT_EQ(16, uring_submit(&self->r));
	/* a trailing marker NOP tells us all skipped ones were processed */
	ASSERT_EQ(0, uring_queue_nop(&self->r, 100, 0));
	ASSERT_EQ(1, uring_submit_and_wait(&self->r, 1));
	ASSERT_EQ(0, uring_get_cqe(&self->r, &cqe));
	EXPECT_EQ(100, cqe.user_data);
	EXPECT_EQ(0, uring_cq_ready(&self->r));
	EXPECT_EQ(0, *self->r.cq_overflow);
}

/* IORING_NOP_INJECT_RESULT makes the NOP complete with sqe->len. */
TEST_F(nop, inject_result)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;

	sqe = uring_get_sqe(&self->r);
	ASSERT_NE(NULL, sqe);
	uring_prep_nop(sqe, 1);
	sqe->nop_flags = IORING_NOP_INJECT_RESULT;
	sqe->len = 42;
	ASSERT_EQ(1, uring_submit_and_wait(&self->r, 1));
	ASSERT_EQ(0, uring_get_cqe(&self->r, &cqe));
	EXPECT_EQ(1, cqe.user_data);
	EXPECT_EQ(42, cqe.res);

	sqe = uring_get_sqe(&self->r);
	ASSERT_NE(NULL, sqe);
	uring_prep_nop(sqe, 2);
	sqe->nop_flags = IORING_NOP_INJECT_RESULT;
	sqe->len = (__u32)-EIO;
	ASSERT_EQ(1, uring_submit_and_wait(&self->r, 1));
	ASSERT_EQ(0, uring_get_cqe(&self->r, &cqe));
	EXPECT_EQ(2, cqe.user_data);
	EXPECT_EQ(-EIO, cqe.res);
}

/* A failing request still posts a CQE despite IOSQE_CQE_SKIP_SUCCESS. */
TEST_F(nop, cqe_skip_success_failure_posts)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;

	sqe = uring_get_sqe(&self->r);
	ASSERT_NE(NULL, sqe);
	uring_prep_nop(sqe, 3);
	sqe->flags = IOSQE_CQE_SKIP_SUCCESS;
	sqe->nop_flags = IORING_NOP_INJECT_RESULT;
	sqe->len = (__u32)-EIO;
	ASSERT_EQ(0, uring_queue_nop(&self->r, 4, IOSQE_CQE_SKIP_SUCCESS));
	ASSERT_EQ(0, uring_queue_nop(&self->r, 5, 0));
	ASSERT_EQ(3, uring_submit_and_wait(&self->r, 2));
	ASSERT_EQ(0, uring_get_cqe(&self->r, &cqe));
	EXPECT_EQ(3, cqe.user_data);
	EXPECT_EQ(-EIO, cqe.res);
	ASSERT_EQ(0, uring_get_cqe(&self->r, &cqe));
	EXPECT_EQ(5, cqe.user_data);
	EXPECT_EQ(0, cqe.res);
	EXPECT_EQ(0, uring_cq_ready(&self->r));
}

/* Tests below use a plain ring: they depend on synchronous submission. */

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
