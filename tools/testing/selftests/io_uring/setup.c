// SPDX-License-Identifier: GPL-2.0
/*
 * io_uring_setup(2): parameter validation, ring sizing and setup flags.
 *
 * Only flags of the core feature set are exercised here; everything that
 * needs IORING_SETUP_SQPOLL, SQ_AFF, ATTACH_WQ or IOPOLL is in engine.c.
 * Rejecting SQ_AFF without SQPOLL is core validation and stays here.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/resource.h>

#include "kselftest_harness.h"
#include "uring_helpers.h"

#define MAX_ENTRIES	32768U
#define MAX_CQ_ENTRIES	(2 * MAX_ENTRIES)

/*
 * Every feature bit of the 6.12 ABI is reported: programs that test a
 * bit take slower paths or skip a feature when it is missing, though the
 * behaviour is there.
 */
TEST(features_6_12)
{
	const __u32 all = (IORING_FEAT_MIN_TIMEOUT << 1) - 1;
	struct io_uring_params p;
	int fd;

	memset(&p, 0, sizeof(p));
	fd = sys_io_uring_setup(4, &p);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(all, p.features & all);
	EXPECT_TRUE(p.features & IORING_FEAT_RSRC_TAGS);
	EXPECT_TRUE(p.features & IORING_FEAT_LINKED_FILE);
	close(fd);
}

/* A ring of 0 entries is refused (-EINVAL), with or without CLAMP. */
TEST(entries_zero)
{
	EXPECT_EQ(-EINVAL, try_flags(0, 0));
	EXPECT_EQ(-EINVAL, try_flags(0, IORING_SETUP_CLAMP));
}

/* SQ entries round up to a power of two; the CQ is twice as big. */
TEST(entries_rounded_up)
{
	struct io_uring_params p;
	int fd;

	memset(&p, 0, sizeof(p));
	fd = sys_io_uring_setup(5, &p);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(8, p.sq_entries);
	/* default CQ size is twice the SQ size */
	EXPECT_EQ(16, p.cq_entries);
	close(fd);

	memset(&p, 0, sizeof(p));
	fd = sys_io_uring_setup(1, &p);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(1, p.sq_entries);
	EXPECT_EQ(2, p.cq_entries);
	close(fd);
}

/* 32768 entries, the most allowed, come with a 65536-entry CQ. */
TEST(entries_max)
{
	struct io_uring_params p;
	int fd;

	memset(&p, 0, sizeof(p));
	fd = sys_io_uring_setup(MAX_ENTRIES, &p);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(MAX_ENTRIES, p.sq_entries);
	EXPECT_EQ(MAX_CQ_ENTRIES, p.cq_entries);
	close(fd);
}

/* More than 32768 entries is refused with -EINVAL. */
TEST(entries_too_big)
{
	EXPECT_EQ(-EINVAL, try_flags(MAX_ENTRIES + 1, 0));
	EXPECT_EQ(-EINVAL, try_flags(1U << 20, 0));
	EXPECT_EQ(-EINVAL, try_flags(UINT_MAX, 0));
}

/* With CLAMP too many entries are cut down to the maximum. */
TEST(entries_clamped)
{
	unsigned int sizes[] = { MAX_ENTRIES + 1, 100000, UINT_MAX };
	struct io_uring_params p;
	int i, fd;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		memset(&p, 0, sizeof(p));
		p.flags = IORING_SETUP_CLAMP;
		fd = sys_io_uring_setup(sizes[i], &p);
		ASSERT_GE(fd, 0) TH_LOG("entries %u", sizes[i]);
		EXPECT_EQ(MAX_ENTRIES, p.sq_entries);
		EXPECT_EQ(MAX_CQ_ENTRIES, p.cq_entries);
		close(fd);
	}
}

/* CQSIZE sets a larger CQ, rounded up to a power of two. */
TEST(cqsize_larger)
{
	struct io_uring_params p;
	int fd;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 100;
	fd = sys_io_uring_setup(8, &p);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(8, p.sq_entries);
	EXPECT_EQ(128, p.cq_entries);
	close(fd);
}

/*
 * io_uring_setup(2) says cq_entries "must be greater than entries", but
 * upstream only rejects a CQ that is smaller than the SQ: equal is fine.
 */
TEST(cqsize_equal)
{
	struct io_uring_params p;
	int fd;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 8;
	fd = sys_io_uring_setup(8, &p);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(8, p.sq_entries);
	EXPECT_EQ(8, p.cq_entries);
	close(fd);
}

/* A CQ smaller than the SQ is refused with -EINVAL. */
TEST(cqsize_smaller)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 8;
	EXPECT_EQ(-EINVAL, try_setup(16, &p));

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 1;
	EXPECT_EQ(-EINVAL, try_setup(64, &p));
}

/* CQSIZE with 0 CQ entries is refused, even with CLAMP. */
TEST(cqsize_zero)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	EXPECT_EQ(-EINVAL, try_setup(8, &p));

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP;
	EXPECT_EQ(-EINVAL, try_setup(8, &p));
}

/* A CQ over 65536 entries is refused, or clamped with CLAMP. */
TEST(cqsize_too_big)
{
	struct io_uring_params p;
	int fd;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = MAX_CQ_ENTRIES + 1;
	EXPECT_EQ(-EINVAL, try_setup(8, &p));

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP;
	p.cq_entries = MAX_CQ_ENTRIES + 1;
	fd = sys_io_uring_setup(8, &p);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(8, p.sq_entries);
	EXPECT_EQ(MAX_CQ_ENTRIES, p.cq_entries);
	close(fd);
}

/* Flag bits that this io_uring does not define (20 is SQ_REWIND). */
TEST(unknown_flags)
{
	int bit;

	for (bit = 21; bit < 32; bit++)
		EXPECT_EQ(-EINVAL, try_flags(8, 1U << bit))
			TH_LOG("flag bit %d accepted", bit);
	EXPECT_EQ(-EINVAL, try_flags(8, ~0U));
	/*
	 * Bit 17 is unknown in 6.12; later kernels use it for
	 * IORING_SETUP_HYBRID_IOPOLL, which is invalid without IOPOLL.
	 */
	EXPECT_EQ(-EINVAL, try_flags(8, 1U << 17));
}

/* A nonzero reserved field of the params is refused with -EINVAL. */
TEST(resv_nonzero)
{
	struct io_uring_params p;
	int i;

	for (i = 0; i < ARRAY_SIZE(p.resv); i++) {
		memset(&p, 0, sizeof(p));
		p.resv[i] = 1;
		EXPECT_EQ(-EINVAL, try_setup(8, &p)) TH_LOG("resv[%d]", i);
	}
}

/* SQ_AFF without SQPOLL is refused with -EINVAL. */
TEST(sq_aff_without_sqpoll)
{
	EXPECT_EQ(-EINVAL, try_flags(8, IORING_SETUP_SQ_AFF));
}

/* DEFER_TASKRUN is only accepted together with SINGLE_ISSUER. */
TEST(defer_taskrun_needs_single_issuer)
{
	EXPECT_EQ(-EINVAL, try_flags(8, IORING_SETUP_DEFER_TASKRUN));
	EXPECT_LE(0, try_flags(8, IORING_SETUP_DEFER_TASKRUN |
				  IORING_SETUP_SINGLE_ISSUER));
}

/* TASKRUN_FLAG needs COOP_TASKRUN or DEFER_TASKRUN. */
TEST(taskrun_flag_needs_coop_or_defer)
{
	EXPECT_EQ(-EINVAL, try_flags(8, IORING_SETUP_TASKRUN_FLAG));
	EXPECT_LE(0, try_flags(8, IORING_SETUP_TASKRUN_FLAG |
				  IORING_SETUP_COOP_TASKRUN));
	EXPECT_LE(0, try_flags(8, IORING_SETUP_TASKRUN_FLAG |
				  IORING_SETUP_DEFER_TASKRUN |
				  IORING_SETUP_SINGLE_ISSUER));
}

/* REGISTERED_FD_ONLY without NO_MMAP is refused with -EINVAL. */
TEST(registered_fd_only_needs_no_mmap)
{
	EXPECT_EQ(-EINVAL, try_flags(8, IORING_SETUP_REGISTERED_FD_ONLY));
}

/* Unreadable or read-only params fail -EFAULT without leaking an fd. */
TEST(params_efault)
{
	struct io_uring_params *p;
	int before;

	EXPECT_EQ(-EFAULT, sys_io_uring_setup(8, NULL));
	EXPECT_EQ(-EFAULT, sys_io_uring_setup(8, (void *)1UL));

	/* params readable but not writable: the ring must not leak an fd */
	p = mmap(NULL, uring_page_size(), PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, mprotect(p, uring_page_size(), PROT_READ));
	before = lowest_free_fd();
	EXPECT_EQ(-EFAULT, sys_io_uring_setup(8, p));
	EXPECT_EQ(before, lowest_free_fd());
	munmap(p, uring_page_size());
}

/* At RLIMIT_NOFILE setup fails -EMFILE; with room it gets the lowest fd. */
TEST(emfile)
{
	struct rlimit rl;
	int fd = lowest_free_fd();

	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &rl));
	rl.rlim_cur = fd;
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
	EXPECT_EQ(-EMFILE, try_flags(8, 0));
	rl.rlim_cur = fd + 1;
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
	EXPECT_EQ(fd, try_flags(8, 0));
}

/* A new ring's sizes, masks and counters, with and without an SQ array. */
TEST(ring_layout)
{
	struct io_uring_params p;
	struct uring r;

	memset(&p, 0, sizeof(p));
	ASSERT_EQ(0, uring_init_params(&r, 16, &p));
	EXPECT_EQ(16, *r.sq_ring_entries);
	EXPECT_EQ(15, *r.sq_mask);
	EXPECT_EQ(32, *r.cq_ring_entries);
	EXPECT_EQ(31, *r.cq_mask);
	EXPECT_EQ(0, *r.sq_head);
	EXPECT_EQ(0, *r.sq_tail);
	EXPECT_EQ(0, *r.cq_head);
	EXPECT_EQ(0, *r.cq_tail);
	EXPECT_EQ(0, *r.sq_dropped);
	EXPECT_EQ(0, *r.cq_overflow);
	EXPECT_EQ(0, *r.sq_flags & IORING_SQ_CQ_OVERFLOW);
	EXPECT_NE(0, p.sq_off.array);
	EXPECT_EQ(0, p.cq_off.cqes % 16);
	uring_exit(&r);

	/* no SQ index array: its offset is reported as zero */
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_NO_SQARRAY;
	ASSERT_EQ(0, uring_init_params(&r, 16, &p));
	EXPECT_EQ(0, p.sq_off.array);
	EXPECT_EQ(16, *r.sq_ring_entries);
	uring_exit(&r);
}

/* An R_DISABLED ring refuses I/O until ENABLE_RINGS, which works once. */
TEST(r_disabled)
{
	struct io_uring_cqe cqe;
	struct uring r;

	ASSERT_EQ(0, uring_init(&r, 8, IORING_SETUP_R_DISABLED));
	/* ENABLE_RINGS takes no argument */
	EXPECT_EQ(-EINVAL,
		  sys_io_uring_register(r.fd, IORING_REGISTER_ENABLE_RINGS,
					NULL, 1));

	ASSERT_EQ(0, uring_queue_nop(&r, 0x1234, 0));
	EXPECT_EQ(-EBADFD, uring_submit(&r));
	EXPECT_EQ(-EBADFD, sys_io_uring_enter(r.fd, 0, 0,
					      IORING_ENTER_GETEVENTS));
	EXPECT_EQ(0, uring_cq_ready(&r));
	EXPECT_EQ(0, uring_load(r.sq_head));

	ASSERT_EQ(0, sys_io_uring_register(r.fd, IORING_REGISTER_ENABLE_RINGS,
					   NULL, 0));
	/* the SQE queued while disabled is still there */
	EXPECT_EQ(1, uring_submit_and_wait(&r, 1));
	ASSERT_EQ(0, uring_get_cqe(&r, &cqe));
	EXPECT_EQ(0x1234, cqe.user_data);
	EXPECT_EQ(0, cqe.res);

	EXPECT_EQ(-EBADFD,
		  sys_io_uring_register(r.fd, IORING_REGISTER_ENABLE_RINGS,
					NULL, 0));
	uring_exit(&r);
}

/* NO_MMAP without memory for the rings or for the SQEs is refused. */
TEST(no_mmap_null_memory)
{
	struct io_uring_params p;
	int ret;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_NO_MMAP;
	ret = try_setup(8, &p);
	EXPECT_TRUE(ret == -EFAULT || ret == -EINVAL) TH_LOG("ret %d", ret);

	/* valid rings, NULL SQEs */
	ASSERT_EQ(0, uring_alloc_user_mem(&p));
	munmap((void *)(unsigned long)p.sq_off.user_addr, uring_page_size());
	p.sq_off.user_addr = 0;
	ret = try_setup(8, &p);
	EXPECT_TRUE(ret == -EFAULT || ret == -EINVAL) TH_LOG("ret %d", ret);
	munmap((void *)(unsigned long)p.cq_off.user_addr, uring_page_size());
}

/* NO_MMAP refuses misaligned, read-only or unmapped memory. */
TEST(no_mmap_bad_memory)
{
	struct io_uring_params p;
	size_t pg = uring_page_size();
	void *ro;
	int ret;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_NO_MMAP;
	ASSERT_EQ(0, uring_alloc_user_mem(&p));

	/* misaligned */
	p.cq_off.user_addr += 64;
	EXPECT_EQ(-EINVAL, try_setup(8, &p));
	p.cq_off.user_addr -= 64;
	p.sq_off.user_addr += 64;
	EXPECT_EQ(-EINVAL, try_setup(8, &p));
	p.sq_off.user_addr -= 64;

	/* read-only memory cannot be used */
	ro = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	p.sq_off.user_addr = (unsigned long)ro;
	ret = try_setup(8, &p);
	EXPECT_TRUE(ret == -EFAULT || ret == -EINVAL) TH_LOG("ret %d", ret);

	/* unmapped memory */
	munmap(ro, pg);
	ret = try_setup(8, &p);
	EXPECT_TRUE(ret == -EFAULT || ret == -EINVAL) TH_LOG("ret %d", ret);
	munmap((void *)(unsigned long)p.cq_off.user_addr, pg);
}

/* A NO_MMAP ring runs in the caller's memory; its fd cannot be mmapped. */
TEST(no_mmap)
{
	struct io_uring_params p;
	struct io_uring_cqe cqe;
	struct uring r;
	void *ptr;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_NO_MMAP;
	ASSERT_EQ(0, uring_init_params(&r, 4, &p));

	/* the ring fd cannot be mmapped */
	ptr = mmap(NULL, uring_page_size(), PROT_READ | PROT_WRITE,
		   MAP_SHARED, r.fd, IORING_OFF_SQ_RING);
	EXPECT_EQ(MAP_FAILED, ptr);
	ptr = mmap(NULL, uring_page_size(), PROT_READ | PROT_WRITE,
		   MAP_SHARED, r.fd, IORING_OFF_SQES);
	EXPECT_EQ(MAP_FAILED, ptr);

	EXPECT_EQ(4, *r.sq_ring_entries);
	ASSERT_EQ(0, uring_queue_nop(&r, 77, 0));
	ASSERT_EQ(1, uring_submit_and_wait(&r, 1));
	ASSERT_EQ(0, uring_get_cqe(&r, &cqe));
	EXPECT_EQ(77, cqe.user_data);
	EXPECT_EQ(0, cqe.res);
	uring_exit(&r);
}

/* REGISTERED_FD_ONLY returns a registered ring index instead of an fd. */
TEST(registered_fd_only)
{
	struct io_uring_rsrc_update up;
	struct io_uring_params p;
	struct io_uring_cqe cqe;
	struct uring r;
	int idx, before;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_NO_MMAP | IORING_SETUP_REGISTERED_FD_ONLY;
	ASSERT_EQ(0, uring_alloc_user_mem(&p));
	before = lowest_free_fd();
	idx = sys_io_uring_setup(8, &p);
	ASSERT_GE(idx, 0);
	/* no file descriptor was installed */
	EXPECT_EQ(before, lowest_free_fd());

	ASSERT_EQ(0, uring_map(&r, idx, &p));
	ASSERT_EQ(0, uring_queue_nop(&r, 99, 0));
	uring_flush(&r);
	EXPECT_EQ(1, sys_io_uring_enter(idx, 1, 1, IORING_ENTER_GETEVENTS |
					IORING_ENTER_REGISTERED_RING));
	ASSERT_EQ(0, uring_try_get_cqe(&r, &cqe));
	EXPECT_EQ(99, cqe.user_data);
	EXPECT_EQ(0, cqe.res);

	memset(&up, 0, sizeof(up));
	up.offset = idx;
	EXPECT_EQ(1, sys_io_uring_register(idx, IORING_UNREGISTER_RING_FDS |
					   IORING_REGISTER_USE_REGISTERED_RING,
					   &up, 1));
	munmap((void *)(unsigned long)p.cq_off.user_addr, uring_page_size());
	munmap((void *)(unsigned long)p.sq_off.user_addr, uring_page_size());
}

/*
 * Every documented 6.12 flag combination is accepted and echoed back.
 * The IOPOLL, SQPOLL, SQPOLL|SQ_AFF and ATTACH_WQ variants live in engine.c.
 */
#include "flags_cases.h"

FIXTURE_VARIANT_ADD(flags, none) { .flags = 0 };
FIXTURE_VARIANT_ADD(flags, cqsize) { .flags = IORING_SETUP_CQSIZE };
FIXTURE_VARIANT_ADD(flags, clamp) { .flags = IORING_SETUP_CLAMP };
FIXTURE_VARIANT_ADD(flags, r_disabled) { .flags = IORING_SETUP_R_DISABLED };
FIXTURE_VARIANT_ADD(flags, submit_all) { .flags = IORING_SETUP_SUBMIT_ALL };
FIXTURE_VARIANT_ADD(flags, coop_taskrun) {
	.flags = IORING_SETUP_COOP_TASKRUN
};

FIXTURE_VARIANT_ADD(flags, taskrun_flag) {
	.flags = IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG
};

FIXTURE_VARIANT_ADD(flags, sqe128) { .flags = IORING_SETUP_SQE128 };
FIXTURE_VARIANT_ADD(flags, cqe32) { .flags = IORING_SETUP_CQE32 };
FIXTURE_VARIANT_ADD(flags, single_issuer) {
	.flags = IORING_SETUP_SINGLE_ISSUER
};

FIXTURE_VARIANT_ADD(flags, defer_taskrun) {
	.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN
};

FIXTURE_VARIANT_ADD(flags, no_sqarray) { .flags = IORING_SETUP_NO_SQARRAY };
FIXTURE_VARIANT_ADD(flags, all_compatible) {
	.flags = IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP |
		 IORING_SETUP_SUBMIT_ALL | IORING_SETUP_SQE128 |
		 IORING_SETUP_CQE32 | IORING_SETUP_SINGLE_ISSUER |
		 IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_TASKRUN_FLAG |
		 IORING_SETUP_NO_SQARRAY
};

TEST_HARNESS_MAIN
