// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_REGISTER_EVENTFD / IORING_UNREGISTER_EVENTFD: completions signal
 * the registered eventfd; registration errors.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <sys/eventfd.h>

#include "kselftest_harness.h"
#include "uring_helpers.h"

/* Return the eventfd counter (> 0) if it gets signalled within ms, else 0. */
static __u64 efd_wait(int efd, int ms)
{
	struct pollfd pfd = { .fd = efd, .events = POLLIN };
	__u64 val = 0;

	if (poll(&pfd, 1, ms) != 1)
		return 0;
	if (read(efd, &val, sizeof(val)) != sizeof(val))
		return 0;
	return val;
}

static int register_efd(int ring_fd, unsigned int op, int efd)
{
	return sys_io_uring_register(ring_fd, op, &efd, 1);
}

/* A ring and an eventfd, not yet registered. */
FIXTURE(efd) {
	struct uring r;
	int efd;
};

FIXTURE_SETUP(efd)
{
	self->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	ASSERT_GE(self->efd, 0);
	ASSERT_EQ(0, uring_init(&self->r, 8, 0));
}

FIXTURE_TEARDOWN(efd)
{
	uring_exit(&self->r);
	close(self->efd);
}

/* Submit one NOP and reap its CQE. */
static int nop_round_trip(struct uring *r, __u64 ud)
{
	struct io_uring_cqe cqe;
	int ret;

	ret = uring_queue_nop(r, ud, 0);
	if (ret)
		return ret;
	ret = uring_submit_and_wait(r, 1);
	if (ret != 1)
		return ret < 0 ? ret : -EIO;
	ret = uring_get_cqe(r, &cqe);
	if (ret)
		return ret;
	return cqe.user_data == ud && cqe.res == 0 ? 0 : -EIO;
}

/* Each completion signals the registered eventfd, and nothing before. */
TEST_F(efd, signalled)
{
	ASSERT_EQ(0, register_efd(self->r.fd, IORING_REGISTER_EVENTFD,
				  self->efd));
	EXPECT_EQ(0, efd_wait(self->efd, 0));
	ASSERT_EQ(0, nop_round_trip(&self->r, 1));
	EXPECT_LE(1, efd_wait(self->efd, 1000));

	/* and again for a second completion */
	ASSERT_EQ(0, nop_round_trip(&self->r, 2));
	EXPECT_LE(1, efd_wait(self->efd, 1000));
}

/* A batch of completions signals the eventfd at least once. */
TEST_F(efd, batch_signals)
{
	int i;

	ASSERT_EQ(0, register_efd(self->r.fd, IORING_REGISTER_EVENTFD,
				  self->efd));
	for (i = 0; i < 8; i++)
		ASSERT_EQ(0, uring_queue_nop(&self->r, i, 0));
	ASSERT_EQ(8, uring_submit_and_wait(&self->r, 8));
	/* batched completions may be coalesced into fewer signals */
	EXPECT_LE(1, efd_wait(self->efd, 1000));
}

/* After UNREGISTER_EVENTFD completions signal nothing. */
TEST_F(efd, unregister_stops_signals)
{
	ASSERT_EQ(0, register_efd(self->r.fd, IORING_REGISTER_EVENTFD,
				  self->efd));
	ASSERT_EQ(0, sys_io_uring_register(self->r.fd,
					   IORING_UNREGISTER_EVENTFD, NULL, 0));
	ASSERT_EQ(0, nop_round_trip(&self->r, 1));
	EXPECT_EQ(0, efd_wait(self->efd, 100));
}

/* After unregistering, a newly registered eventfd alone is signalled. */
TEST_F(efd, reregister)
{
	int efd2 = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	ASSERT_GE(efd2, 0);
	ASSERT_EQ(0, register_efd(self->r.fd, IORING_REGISTER_EVENTFD,
				  self->efd));
	ASSERT_EQ(0, sys_io_uring_register(self->r.fd,
					   IORING_UNREGISTER_EVENTFD, NULL, 0));
	ASSERT_EQ(0, register_efd(self->r.fd, IORING_REGISTER_EVENTFD, efd2));
	ASSERT_EQ(0, nop_round_trip(&self->r, 1));
	EXPECT_LE(1, efd_wait(efd2, 1000));
	EXPECT_EQ(0, efd_wait(self->efd, 0));
	close(efd2);
}

/* A second registration fails -EBUSY and leaves the first one working. */
TEST_F(efd, double_register)
{
	ASSERT_EQ(0, register_efd(self->r.fd, IORING_REGISTER_EVENTFD,
				  self->efd));
	EXPECT_EQ(-EBUSY, register_efd(self->r.fd, IORING_REGISTER_EVENTFD,
				       self->efd));
	EXPECT_EQ(-EBUSY, register_efd(self->r.fd,
				       IORING_REGISTER_EVENTFD_ASYNC,
				       self->efd));
	/* the original registration still works */
	ASSERT_EQ(0, nop_round_trip(&self->r, 1));
	EXPECT_LE(1, efd_wait(self->efd, 1000));
}

/* UNREGISTER_EVENTFD without a registered eventfd fails with -ENXIO. */
TEST_F(efd, unregister_none)
{
	EXPECT_EQ(-ENXIO, sys_io_uring_register(self->r.fd,
						IORING_UNREGISTER_EVENTFD,
						NULL, 0));
}

/* UNREGISTER_EVENTFD with an argument fails -EINVAL, without one works. */
TEST_F(efd, unregister_bad_args)
{
	int efd = self->efd;

	ASSERT_EQ(0, register_efd(self->r.fd, IORING_REGISTER_EVENTFD,
				  self->efd));
	EXPECT_EQ(-EINVAL, sys_io_uring_register(self->r.fd,
						 IORING_UNREGISTER_EVENTFD,
						 &efd, 1));
	EXPECT_EQ(0, sys_io_uring_register(self->r.fd,
					   IORING_UNREGISTER_EVENTFD, NULL, 0));
}

/* Bad counts, addresses or fds fail registration and register nothing. */
TEST_F(efd, register_bad_args)
{
	int efd = self->efd, bad = -1, pipefd[2];

	EXPECT_EQ(-EINVAL, sys_io_uring_register(self->r.fd,
						 IORING_REGISTER_EVENTFD,
						 &efd, 0));
	EXPECT_EQ(-EINVAL, sys_io_uring_register(self->r.fd,
						 IORING_REGISTER_EVENTFD,
						 &efd, 2));
	EXPECT_EQ(-EFAULT, sys_io_uring_register(self->r.fd,
						 IORING_REGISTER_EVENTFD,
						 NULL, 1));
	EXPECT_EQ(-EBADF, sys_io_uring_register(self->r.fd,
						IORING_REGISTER_EVENTFD,
						&bad, 1));
	/* not an eventfd */
	ASSERT_EQ(0, pipe2(pipefd, O_CLOEXEC));
	EXPECT_EQ(-EINVAL, sys_io_uring_register(self->r.fd,
						 IORING_REGISTER_EVENTFD,
						 &pipefd[0], 1));
	close(pipefd[0]);
	close(pipefd[1]);
	/* none of the failures left a registration behind */
	EXPECT_EQ(-ENXIO, sys_io_uring_register(self->r.fd,
						IORING_UNREGISTER_EVENTFD,
						NULL, 0));
}

/* IORING_CQ_EVENTFD_DISABLED in the CQ ring flags mutes notifications. */
TEST_F(efd, cq_flag_disables)
{
	ASSERT_EQ(0, register_efd(self->r.fd, IORING_REGISTER_EVENTFD,
				  self->efd));
	uring_store(self->r.cq_flags,
		    *self->r.cq_flags | IORING_CQ_EVENTFD_DISABLED);
	ASSERT_EQ(0, nop_round_trip(&self->r, 1));
	EXPECT_EQ(0, efd_wait(self->efd, 100));

	uring_store(self->r.cq_flags,
		    *self->r.cq_flags & ~IORING_CQ_EVENTFD_DISABLED);
	ASSERT_EQ(0, nop_round_trip(&self->r, 2));
	EXPECT_LE(1, efd_wait(self->efd, 1000));
}

/* The ring keeps its own reference: closing our eventfd fd is harmless. */
TEST_F(efd, close_registered_eventfd)
{
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	ASSERT_GE(efd, 0);
	ASSERT_EQ(0, register_efd(self->r.fd, IORING_REGISTER_EVENTFD, efd));
	close(efd);
	ASSERT_EQ(0, nop_round_trip(&self->r, 1));
	EXPECT_EQ(0, sys_io_uring_register(self->r.fd,
					   IORING_UNREGISTER_EVENTFD, NULL, 0));
	ASSERT_EQ(0, nop_round_trip(&self->r, 2));
}

/* Closing the ring with an eventfd still registered. */
TEST_F(efd, close_ring_registered)
{
	ASSERT_EQ(0, register_efd(self->r.fd, IORING_REGISTER_EVENTFD,
				  self->efd));
	ASSERT_EQ(0, nop_round_trip(&self->r, 1));
	uring_exit(&self->r);
	EXPECT_LE(1, efd_wait(self->efd, 1000));
	/* the eventfd itself is still usable */
	EXPECT_EQ(sizeof(__u64), write(self->efd, &(__u64){ 1 }, 8));
	EXPECT_EQ(1, efd_wait(self->efd, 0));
}

/* REGISTER_EVENTFD_ASYNC registers, and unregisters like the plain one. */
TEST_F(efd, register_async)
{
	ASSERT_EQ(0, register_efd(self->r.fd, IORING_REGISTER_EVENTFD_ASYNC,
				  self->efd));
	ASSERT_EQ(0, nop_round_trip(&self->r, 1));
	EXPECT_EQ(0, sys_io_uring_register(self->r.fd,
					   IORING_UNREGISTER_EVENTFD, NULL, 0));
}

/* Registering on a ring started with R_DISABLED is allowed. */
TEST(register_disabled_ring)
{
	struct uring r;
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	ASSERT_GE(efd, 0);
	ASSERT_EQ(0, uring_init(&r, 8, IORING_SETUP_R_DISABLED));
	ASSERT_EQ(0, register_efd(r.fd, IORING_REGISTER_EVENTFD, efd));
	ASSERT_EQ(0, sys_io_uring_register(r.fd, IORING_REGISTER_ENABLE_RINGS,
					   NULL, 0));
	ASSERT_EQ(0, nop_round_trip(&r, 1));
	EXPECT_LE(1, efd_wait(efd, 1000));
	uring_exit(&r);
	close(efd);
}

/* A DEFER_TASKRUN ring signals its eventfd for a completion too. */
TEST(defer_taskrun)
{
	struct uring r;
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	ASSERT_GE(efd, 0);
	ASSERT_EQ(0, uring_init(&r, 8, IORING_SETUP_SINGLE_ISSUER |
				IORING_SETUP_DEFER_TASKRUN));
	ASSERT_EQ(0, register_efd(r.fd, IORING_REGISTER_EVENTFD, efd));
	ASSERT_EQ(0, nop_round_trip(&r, 1));
	EXPECT_LE(1, efd_wait(efd, 1000));
	uring_exit(&r);
	close(efd);
}

TEST_HARNESS_MAIN
