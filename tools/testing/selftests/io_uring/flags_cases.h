/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The setup flags fixture shared by setup.c (core setup flags) and engine.c
 * (IOPOLL, SQPOLL, SQPOLL|SQ_AFF and ATTACH_WQ): every flag combination is
 * accepted by io_uring_setup(2) and echoed back.
 *
 * Defines FIXTURE(flags), FIXTURE_VARIANT(flags), its setup/teardown and the
 * TEST_F(flags, ...) cases. Include it once per program, then add the flag
 * combinations to check with FIXTURE_VARIANT_ADD(flags, ...), setting .flags
 * to the IORING_SETUP_* flags of the ring.
 */
#ifndef __SELFTEST_IO_URING_FLAGS_CASES_H
#define __SELFTEST_IO_URING_FLAGS_CASES_H

#include "kselftest_harness.h"
#include "uring_helpers.h"

/* For the ATTACH_WQ variants, a ring whose io-wq to attach to. */
FIXTURE(flags) {
	/* ring to attach to for IORING_SETUP_ATTACH_WQ, else -1 (ignored) */
	int wq_fd;
};

FIXTURE_VARIANT(flags) {
	unsigned int flags;
};

FIXTURE_SETUP(flags)
{
	struct io_uring_params p;

	self->wq_fd = -1;
	if (variant->flags & IORING_SETUP_ATTACH_WQ) {
		memset(&p, 0, sizeof(p));
		self->wq_fd = sys_io_uring_setup(4, &p);
		ASSERT_GE(self->wq_fd, 0);
	}
}

FIXTURE_TEARDOWN(flags)
{
	if (self->wq_fd >= 0)
		close(self->wq_fd);
}

/* io_uring_setup(2) accepts the variant's flags and echoes them back. */
TEST_F(flags, accepted)
{
	struct io_uring_params p;
	int fd;

	memset(&p, 0, sizeof(p));
	p.flags = variant->flags;
	p.cq_entries = 64;
	p.wq_fd = self->wq_fd;
	fd = sys_io_uring_setup(16, &p);
	ASSERT_GE(fd, 0) TH_LOG("flags %#x: %s", variant->flags,
				strerror(-fd));
	EXPECT_EQ(variant->flags, p.flags);
	EXPECT_EQ(16, p.sq_entries);
	EXPECT_EQ((variant->flags & IORING_SETUP_CQSIZE) ? 64 : 32,
		  p.cq_entries);
	close(fd);
}

#endif /* __SELFTEST_IO_URING_FLAGS_CASES_H */
