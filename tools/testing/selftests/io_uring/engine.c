// SPDX-License-Identifier: GPL-2.0
/*
 * Cases that need the io_uring "engine" features IORING_SETUP_SQPOLL,
 * IORING_SETUP_SQ_AFF, IORING_SETUP_ATTACH_WQ and IORING_SETUP_IOPOLL:
 * their setup-time validation, the flag variants of setup.c's flags
 * fixture, the NOP round trips of nop.c on SQPOLL and ATTACH_WQ rings, and
 * ring teardown / fdinfo of lifetime.c on SQPOLL rings.
 *
 * Kept apart from setup, nop and lifetime so that those binaries only need
 * the core feature set.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>

#include "kselftest_harness.h"
#include "uring_helpers.h"

/* --- io_uring_setup(2) validation (from setup.c) --- */

/* SQ_AFF with a CPU that does not exist is refused with -EINVAL. */
TEST(sq_aff_bad_cpu)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL | IORING_SETUP_SQ_AFF;
	p.sq_thread_cpu = 0x7fffffff;
	EXPECT_EQ(-EINVAL, try_setup(8, &p));
}

/*
 * Not in io_uring_setup(2), but upstream behaviour since 5.19/6.1: the
 * task-work related flags make no sense with an SQ poll thread.
 */
TEST(sqpoll_rejects_taskrun_flags)
{
	EXPECT_EQ(-EINVAL, try_flags(8, IORING_SETUP_SQPOLL |
					IORING_SETUP_COOP_TASKRUN));
	EXPECT_EQ(-EINVAL, try_flags(8, IORING_SETUP_SQPOLL |
					IORING_SETUP_COOP_TASKRUN |
					IORING_SETUP_TASKRUN_FLAG));
	EXPECT_EQ(-EINVAL, try_flags(8, IORING_SETUP_SQPOLL |
					IORING_SETUP_SINGLE_ISSUER |
					IORING_SETUP_DEFER_TASKRUN));
	/* SINGLE_ISSUER alone is fine with SQPOLL */
	EXPECT_LE(0, try_flags(8, IORING_SETUP_SQPOLL |
				  IORING_SETUP_SINGLE_ISSUER));
}

/*
 * io_uring_setup(2) documents ENXIO for a wq_fd that is not an io_uring;
 * upstream returns ENXIO for a bad fd and EINVAL for a non-io_uring fd.
 */
TEST(attach_wq_bad_fd)
{
	struct io_uring_params p;
	int fd;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_ATTACH_WQ;
	p.wq_fd = lowest_free_fd() + 100;
	EXPECT_EQ(-ENXIO, try_setup(8, &p));

	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ASSERT_GE(fd, 0);
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_ATTACH_WQ;
	p.wq_fd = fd;
	EXPECT_EQ(-EINVAL, try_setup(8, &p));
	close(fd);
}

/* A ring may attach to another ring's io-wq with ATTACH_WQ. */
TEST(attach_wq)
{
	struct io_uring_params p;
	int fd, fd2;

	memset(&p, 0, sizeof(p));
	fd = sys_io_uring_setup(8, &p);
	ASSERT_GE(fd, 0);
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_ATTACH_WQ;
	p.wq_fd = fd;
	fd2 = sys_io_uring_setup(8, &p);
	EXPECT_GE(fd2, 0);
	if (fd2 >= 0)
		close(fd2);
	close(fd);
}

/* An IOPOLL ring is set up, with the flag echoed back. */
TEST(iopoll_accepted)
{
	struct io_uring_params p;
	int fd;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_IOPOLL;
	fd = sys_io_uring_setup(8, &p);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(IORING_SETUP_IOPOLL, p.flags);
	close(fd);
}

/*
 * The flag combinations of setup.c's flags fixture that need the engine
 * features: accepted and echoed back.
 */
#include "flags_cases.h"

FIXTURE_VARIANT_ADD(flags, iopoll) { .flags = IORING_SETUP_IOPOLL };
FIXTURE_VARIANT_ADD(flags, sqpoll) { .flags = IORING_SETUP_SQPOLL };
FIXTURE_VARIANT_ADD(flags, sqpoll_aff) {
	.flags = IORING_SETUP_SQPOLL | IORING_SETUP_SQ_AFF
};

FIXTURE_VARIANT_ADD(flags, attach_wq) { .flags = IORING_SETUP_ATTACH_WQ };

/* --- NOP round trips (from nop.c) --- */

/* nop.c's NOP fixture on SQPOLL and ATTACH_WQ rings, same TEST_F cases. */
#include "nop_cases.h"

FIXTURE_VARIANT_ADD(nop, sqpoll) { .flags = IORING_SETUP_SQPOLL };
FIXTURE_VARIANT_ADD(nop, attach_wq) { .flags = IORING_SETUP_ATTACH_WQ };

/* --- ring lifetime (from lifetime.c) --- */

/* lifetime.c's child_exit fixture with an SQ poll thread. */
#include "child_exit_cases.h"

FIXTURE_VARIANT_ADD(child_exit, sqpoll) {
	.flags = IORING_SETUP_SQPOLL, .mode = MODE_UNSUBMITTED
};

/* The SQPOLL part of lifetime.c's fdinfo test. */
TEST(fdinfo_sqpoll)
{
	static char buf[8192];
	struct uring r;

	ASSERT_EQ(0, uring_init(&r, 8, IORING_SETUP_SQPOLL));
	EXPECT_LT(0, read_fdinfo(r.fd, buf, sizeof(buf)));
	uring_exit(&r);
}

TEST_HARNESS_MAIN
