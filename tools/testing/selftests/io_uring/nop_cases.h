/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The IORING_OP_NOP round trip fixture shared by nop.c (core ring flavours)
 * and engine.c (SQPOLL and ATTACH_WQ rings).
 *
 * Defines FIXTURE(nop), FIXTURE_VARIANT(nop), its setup/teardown and the
 * TEST_F(nop, ...) cases. Include it once per program, then add the ring
 * flavours to run the cases on with FIXTURE_VARIANT_ADD(nop, ...), setting
 * .flags to the IORING_SETUP_* flags of the ring.
 */
#ifndef __SELFTEST_IO_URING_NOP_CASES_H
#define __SELFTEST_IO_URING_NOP_CASES_H

#include "kselftest_harness.h"
#include "uring_helpers.h"

#define NOP_ENTRIES	32

/* A ring of the variant's flavour (and for ATTACH_WQ, the ring it joins). */
FIXTURE(nop) {
	struct uring r;
	int wq_fd;	/* ring to attach to for IORING_SETUP_ATTACH_WQ */
};

FIXTURE_VARIANT(nop) {
	unsigned int flags;
};

FIXTURE_SETUP(nop)
{
	struct io_uring_params p;

	self->wq_fd = -1;
	memset(&p, 0, sizeof(p));
	p.flags = variant->flags;
	if (p.flags & IORING_SETUP_CQSIZE)
		p.cq_entries = 4 * NOP_ENTRIES;
	if (p.flags & IORING_SETUP_ATTACH_WQ) {
		struct io_uring_params wp;

		memset(&wp, 0, sizeof(wp));
		self->wq_fd = sys_io_uring_setup(4, &wp);
		ASSERT_GE(self->wq_fd, 0);
		p.wq_fd = self->wq_fd;
	}
	if (p.flags & IORING_SETUP_SQPOLL)
		p.sq_thread_idle = 100;
	ASSERT_EQ(0, uring_init_params(&self->r, NOP_ENTRIES, &p));
	if (p.flags & IORING_SETUP_R_DISABLED)
		ASSERT_EQ(0, sys_io_uring_register(self->r.fd,
						   IORING_REGISTER_ENABLE_RINGS,
						   NULL, 0));
}

FIXTURE_TEARDOWN(nop)
{
	uring_exit(&self->r);
	if (self->wq_fd >= 0)
		close(self->wq_fd);
}

/* One NOP comes back with its user_data, res 0 and no flags. */
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

/* Each NOP's CQE carries back its own user_data, extreme values included. */
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

/* GETEVENTS returns only once min_complete CQEs are there. */
TEST_F(nop, getevents_waits_for_min_complete)
{
	int i;

	for (i = 0; i < 8; i++)
		ASSERT_EQ(0, uring_queue_nop(&self->r, i, 0));
	ASSERT_EQ(8, uring_submit_and_wait(&self->r, 8));
	EXPECT_EQ(8, uring_cq_ready(&self->r));
}

/* io_uring_enter(2) with nothing queued or pending returns 0 at once. */
TEST_F(nop, getevents_nothing_pending)
{
	EXPECT_EQ(0, sys_io_uring_enter(self->r.fd, 0, 0,
					IORING_ENTER_GETEVENTS));
	EXPECT_EQ(0, sys_io_uring_enter(self->r.fd, 0, 0, 0));
	EXPECT_EQ(0, uring_cq_ready(&self->r));
}

/* A successful NOP with IOSQE_CQE_SKIP_SUCCESS posts no CQE. */
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

/* A batch of CQE_SKIP_SUCCESS NOPs posts nothing and overflows nothing. */
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

#endif /* __SELFTEST_IO_URING_NOP_CASES_H */
