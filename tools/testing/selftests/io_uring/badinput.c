// SPDX-License-Identifier: GPL-2.0
/*
 * Invalid SQEs, io_uring_enter(2) / io_uring_register(2) misuse and
 * IORING_REGISTER_PROBE.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/fs.h>

#include "kselftest_harness.h"
#include "uring_helpers.h"

#define PROBE_OPS	256

#ifndef IORING_ENTER_NO_IOWAIT
#define IORING_ENTER_NO_IOWAIT	0x00000080U
#define IORING_FEAT_NO_IOWAIT	0x00020000U
#endif

/* A plain 8-entry ring. */
FIXTURE(ring) {
	struct uring r;
};

FIXTURE_SETUP(ring)
{
	ASSERT_EQ(0, uring_init(&self->r, 8, 0));
}

FIXTURE_TEARDOWN(ring)
{
	uring_exit(&self->r);
}

/* Submit a single prepared SQE and return its CQE result. */
static int submit_one(struct uring *r, struct io_uring_cqe *cqe)
{
	int ret = uring_submit_and_wait(r, 1);

	if (ret != 1)
		return ret < 0 ? ret : -EIO;
	return uring_get_cqe(r, cqe);
}

/* An opcode past IORING_OP_LAST completes with -EINVAL and its user_data. */
TEST_F(ring, unknown_opcode)
{
	static const __u8 ops[] = { IORING_OP_LAST, 0x7f, 0xff };
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	int i;

	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		sqe = uring_get_sqe(&self->r);
		ASSERT_NE(NULL, sqe);
		sqe->opcode = ops[i];
		sqe->user_data = 0x100 + i;
		ASSERT_EQ(0, submit_one(&self->r, &cqe));
		EXPECT_EQ(0x100 + i, cqe.user_data);
		EXPECT_EQ(-EINVAL, cqe.res) TH_LOG("opcode %u", ops[i]);
	}
}

/* Errors are reported even when IOSQE_CQE_SKIP_SUCCESS is set. */
TEST_F(ring, unknown_opcode_skip_success)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;

	sqe = uring_get_sqe(&self->r);
	ASSERT_NE(NULL, sqe);
	sqe->opcode = 0xff;
	sqe->flags = IOSQE_CQE_SKIP_SUCCESS;
	sqe->user_data = 7;
	ASSERT_EQ(0, submit_one(&self->r, &cqe));
	EXPECT_EQ(7, cqe.user_data);
	EXPECT_EQ(-EINVAL, cqe.res);
}

/* An SQE with an undefined IOSQE_* flag bit completes with -EINVAL. */
TEST_F(ring, invalid_sqe_flags)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;

	sqe = uring_get_sqe(&self->r);
	ASSERT_NE(NULL, sqe);
	uring_prep_nop(sqe, 9);
	sqe->flags = 1U << 7;
	ASSERT_EQ(0, submit_one(&self->r, &cqe));
	EXPECT_EQ(9, cqe.user_data);
	EXPECT_EQ(-EINVAL, cqe.res);

	sqe = uring_get_sqe(&self->r);
	ASSERT_NE(NULL, sqe);
	uring_prep_nop(sqe, 10);
	sqe->flags = 0xff;
	ASSERT_EQ(0, submit_one(&self->r, &cqe));
	EXPECT_EQ(10, cqe.user_data);
	EXPECT_EQ(-EINVAL, cqe.res);
}

/* NOP does not support buffer selection. */
TEST_F(ring, nop_buffer_select)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;

	sqe = uring_get_sqe(&self->r);
	ASSERT_NE(NULL, sqe);
	uring_prep_nop(sqe, 11);
	sqe->flags = IOSQE_BUFFER_SELECT;
	ASSERT_EQ(0, submit_one(&self->r, &cqe));
	EXPECT_EQ(11, cqe.user_data);
	EXPECT_EQ(-EOPNOTSUPP, cqe.res);
}

/* A NOP with an unknown nop_flags bit completes with -EINVAL. */
TEST_F(ring, nop_unknown_nop_flags)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;

	sqe = uring_get_sqe(&self->r);
	ASSERT_NE(NULL, sqe);
	uring_prep_nop(sqe, 12);
	sqe->nop_flags = 1U << 31;
	ASSERT_EQ(0, submit_one(&self->r, &cqe));
	EXPECT_EQ(12, cqe.user_data);
	EXPECT_EQ(-EINVAL, cqe.res);
}

/* A personality that was never registered fails the request, -EINVAL. */
TEST_F(ring, invalid_personality)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;

	sqe = uring_get_sqe(&self->r);
	ASSERT_NE(NULL, sqe);
	uring_prep_nop(sqe, 13);
	sqe->personality = 0x1234;
	ASSERT_EQ(0, submit_one(&self->r, &cqe));
	EXPECT_EQ(13, cqe.user_data);
	EXPECT_EQ(-EINVAL, cqe.res);
}

/* Without SUBMIT_ALL submission stops after the first failed SQE. */
TEST_F(ring, submit_stops_at_error)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;

	sqe = uring_get_sqe(&self->r);
	ASSERT_NE(NULL, sqe);
	sqe->opcode = 0xff;
	sqe->user_data = 1;
	ASSERT_EQ(0, uring_queue_nop(&self->r, 2, 0));
	ASSERT_EQ(0, uring_queue_nop(&self->r, 3, 0));
	/* the failed SQE counts as consumed */
	ASSERT_EQ(1, uring_submit(&self->r));
	EXPECT_EQ(1, uring_load(self->r.sq_head));
	ASSERT_EQ(0, uring_try_get_cqe(&self->r, &cqe));
	EXPECT_EQ(1, cqe.user_data);
	EXPECT_EQ(-EINVAL, cqe.res);
	EXPECT_EQ(0, uring_cq_ready(&self->r));

	/* the rest is still queued */
	ASSERT_EQ(2, uring_submit_and_wait(&self->r, 2));
	ASSERT_EQ(0, uring_get_cqe(&self->r, &cqe));
	EXPECT_EQ(2, cqe.user_data);
	ASSERT_EQ(0, uring_get_cqe(&self->r, &cqe));
	EXPECT_EQ(3, cqe.user_data);
}

/* With IORING_SETUP_SUBMIT_ALL failed SQEs do not stop the batch. */
TEST(submit_all_continues)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	struct uring r;
	int i, errors = 0, ok = 0;

	ASSERT_EQ(0, uring_init(&r, 8, IORING_SETUP_SUBMIT_ALL));
	sqe = uring_get_sqe(&r);
	ASSERT_NE(NULL, sqe);
	sqe->opcode = 0xff;
	sqe->user_data = 1;
	ASSERT_EQ(0, uring_queue_nop(&r, 2, 0));
	sqe = uring_get_sqe(&r);
	ASSERT_NE(NULL, sqe);
	uring_prep_nop(sqe, 3);
	sqe->flags = 1U << 7;
	ASSERT_EQ(0, uring_queue_nop(&r, 4, 0));
	ASSERT_EQ(4, uring_submit_and_wait(&r, 4));
	EXPECT_EQ(4, uring_load(r.sq_head));
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, uring_get_cqe(&r, &cqe));
		if (cqe.user_data & 1) {
			EXPECT_EQ(-EINVAL, cqe.res);
			errors++;
		} else {
			EXPECT_EQ(0, cqe.res);
			ok++;
		}
	}
	EXPECT_EQ(2, errors);
	EXPECT_EQ(2, ok);
	uring_exit(&r);
}

/*
 * RWF_HIPRI asks for a completion polled for, which only an IOPOLL ring
 * does: elsewhere a polled block request would wait for the device's
 * timeout, so the flag is refused.
 */
TEST_F(ring, hipri_needs_iopoll)
{
	static const __u8 ops[] = { IORING_OP_READ, IORING_OP_WRITE };
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	char buf[64] = "data";
	int fd, i;

	fd = memfd_create("hipri", 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(sizeof(buf), pwrite(fd, buf, sizeof(buf), 0));
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		sqe = uring_get_sqe(&self->r);
		ASSERT_NE(NULL, sqe);
		uring_prep_rw(sqe, ops[i], fd, buf, sizeof(buf), 0, 0x200 + i);
		sqe->rw_flags = RWF_HIPRI;
		ASSERT_EQ(0, submit_one(&self->r, &cqe));
		EXPECT_EQ(-EINVAL, cqe.res) TH_LOG("opcode %u", ops[i]);
	}
	close(fd);
}

/* io_uring_enter(2) refuses unknown flag bits with -EINVAL. */
TEST_F(ring, enter_invalid_flags)
{
	EXPECT_EQ(-EINVAL, sys_io_uring_enter(self->r.fd, 0, 0, 1U << 31));
	EXPECT_EQ(-EINVAL, sys_io_uring_enter(self->r.fd, 0, 0, ~0U));
}

/*
 * IORING_ENTER_NO_IOWAIT is reported and accepted, alone and with a wait
 * that times out while a read is pending.
 */
TEST_F(ring, enter_no_iowait)
{
	struct io_uring_getevents_arg arg;
	struct __kernel_timespec ts = { .tv_nsec = 50 * 1000 * 1000 };
	struct io_uring_cqe cqe;
	char buf[8];
	int fds[2];

	if (!(self->r.features & IORING_FEAT_NO_IOWAIT))
		SKIP(return, "IORING_FEAT_NO_IOWAIT not reported");
	EXPECT_EQ(0, sys_io_uring_enter(self->r.fd, 0, 0, IORING_ENTER_NO_IOWAIT));
	ASSERT_EQ(0, pipe(fds));
	uring_prep_rw(uring_get_sqe(&self->r), IORING_OP_READ, fds[0], buf,
		      sizeof(buf), (__u64)-1, 1);
	ASSERT_EQ(1, uring_submit(&self->r));
	memset(&arg, 0, sizeof(arg));
	arg.ts = (__u64)(unsigned long)&ts;
	EXPECT_EQ(-ETIME, sys_io_uring_enter2(self->r.fd, 0, 1,
					      IORING_ENTER_GETEVENTS |
					      IORING_ENTER_EXT_ARG |
					      IORING_ENTER_NO_IOWAIT,
					      &arg, sizeof(arg)));
	ASSERT_EQ(1, write(fds[1], "x", 1));
	ASSERT_EQ(0, uring_get_cqe_ms(&self->r, &cqe, 5000));
	EXPECT_EQ(1, cqe.res);
	close(fds[0]);
	close(fds[1]);
}

/* io_uring_enter(2) on a negative or unused fd fails with -EBADF. */
TEST(enter_bad_fd)
{
	int fd;

	EXPECT_EQ(-EBADF, sys_io_uring_enter(-1, 0, 0, 0));
	EXPECT_EQ(-EBADF, sys_io_uring_enter(-1, 1, 1,
					     IORING_ENTER_GETEVENTS));
	fd = lowest_free_fd();
	ASSERT_GE(fd, 0);
	EXPECT_EQ(-EBADF, sys_io_uring_enter(fd, 0, 0, 0));
	EXPECT_EQ(-EBADF, sys_io_uring_enter(fd + 1000, 0, 0, 0));
}

/* io_uring_enter(2) on a file that is not a ring fails with -EOPNOTSUPP. */
TEST(enter_not_io_uring)
{
	int fd, pipefd[2];

	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(-EOPNOTSUPP, sys_io_uring_enter(fd, 0, 0, 0));
	EXPECT_EQ(-EOPNOTSUPP, sys_io_uring_enter(fd, 1, 1,
						  IORING_ENTER_GETEVENTS));
	close(fd);

	ASSERT_EQ(0, pipe2(pipefd, O_CLOEXEC));
	EXPECT_EQ(-EOPNOTSUPP, sys_io_uring_enter(pipefd[0], 0, 0, 0));
	close(pipefd[0]);
	close(pipefd[1]);
}

/*
 * fd -1 is avoided on purpose: since 6.13 it selects "blind" registration
 * opcodes that need no ring, and unknown ones fail with EINVAL there.
 */
TEST(register_bad_fd)
{
	EXPECT_EQ(-EBADF, sys_io_uring_register(-2, IORING_UNREGISTER_EVENTFD,
						NULL, 0));
	EXPECT_EQ(-EBADF, sys_io_uring_register(lowest_free_fd() + 1000,
						IORING_UNREGISTER_EVENTFD,
						NULL, 0));
}

/* io_uring_register(2) on a file that is not a ring: -EOPNOTSUPP. */
TEST(register_not_io_uring)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	ASSERT_GE(fd, 0);
	EXPECT_EQ(-EOPNOTSUPP, sys_io_uring_register(fd,
						     IORING_UNREGISTER_EVENTFD,
						     NULL, 0));
	close(fd);
}

/* Unknown io_uring_register(2) opcodes fail -EINVAL and harm nothing. */
TEST_F(ring, register_unknown_opcode)
{
	static const unsigned int ops[] = {
		IORING_REGISTER_LAST, 255, 1000, 0x7fffffff,
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(ops); i++)
		EXPECT_EQ(-EINVAL, sys_io_uring_register(self->r.fd, ops[i],
							 NULL, 0))
			TH_LOG("register opcode %u", ops[i]);
	/* the ring is unaffected */
	ASSERT_EQ(0, uring_queue_nop(&self->r, 1, 0));
	EXPECT_EQ(1, uring_submit_and_wait(&self->r, 1));
}

/* ENABLE_RINGS on a ring that was never disabled. */
TEST_F(ring, enable_rings_not_disabled)
{
	EXPECT_EQ(-EBADFD, sys_io_uring_register(self->r.fd,
						 IORING_REGISTER_ENABLE_RINGS,
						 NULL, 0));
}

static struct io_uring_probe *probe_alloc(unsigned int nr)
{
	return calloc(1, sizeof(struct io_uring_probe) +
		      nr * sizeof(struct io_uring_probe_op));
}

/* REGISTER_PROBE: one slot per opcode, NOP supported, nothing past ops_len. */
TEST_F(ring, probe)
{
	struct io_uring_probe *p = probe_alloc(PROBE_OPS);
	int i;

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, sys_io_uring_register(self->r.fd, IORING_REGISTER_PROBE,
					   p, PROBE_OPS));
	EXPECT_GE(p->last_op, IORING_OP_NOP);
	EXPECT_GE(p->ops_len, 1);
	EXPECT_LE(p->ops_len, PROBE_OPS);
	EXPECT_LE(p->ops_len, p->last_op + 1);
	EXPECT_EQ(IORING_OP_NOP, p->ops[IORING_OP_NOP].op);
	EXPECT_TRUE(p->ops[IORING_OP_NOP].flags & IO_URING_OP_SUPPORTED);
	for (i = 0; i < p->ops_len; i++)
		EXPECT_EQ(i, p->ops[i].op);
	/* nothing past the reported range is claimed */
	for (i = p->ops_len; i < PROBE_OPS; i++)
		EXPECT_EQ(0, p->ops[i].flags);
	free(p);
}

/* A probe with room for one op reports just NOP. */
TEST_F(ring, probe_short)
{
	struct io_uring_probe *p = probe_alloc(1);

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, sys_io_uring_register(self->r.fd, IORING_REGISTER_PROBE,
					   p, 1));
	EXPECT_EQ(1, p->ops_len);
	EXPECT_EQ(IORING_OP_NOP, p->ops[0].op);
	EXPECT_TRUE(p->ops[0].flags & IO_URING_OP_SUPPORTED);
	free(p);
}

/* The probe buffer must be zeroed by the caller. */
TEST_F(ring, probe_not_zeroed)
{
	struct io_uring_probe *p = probe_alloc(PROBE_OPS);

	ASSERT_NE(NULL, p);
	p->resv = 1;
	EXPECT_EQ(-EINVAL,
		  sys_io_uring_register(self->r.fd, IORING_REGISTER_PROBE,
					p, PROBE_OPS));
	memset(p, 0, sizeof(*p));
	p->ops[3].flags = 1;
	EXPECT_EQ(-EINVAL,
		  sys_io_uring_register(self->r.fd, IORING_REGISTER_PROBE,
					p, PROBE_OPS));
	free(p);
}

/* REGISTER_PROBE without a buffer, past 256 ops or at a bad address fails. */
TEST_F(ring, probe_bad_args)
{
	struct io_uring_probe *p = probe_alloc(PROBE_OPS + 1);

	ASSERT_NE(NULL, p);
	/* no buffer, or more than 256 ops asked for */
	EXPECT_EQ(-EINVAL,
		  sys_io_uring_register(self->r.fd, IORING_REGISTER_PROBE,
					NULL, PROBE_OPS));
	EXPECT_EQ(-EINVAL,
		  sys_io_uring_register(self->r.fd, IORING_REGISTER_PROBE,
					p, PROBE_OPS + 1));
	EXPECT_EQ(-EFAULT,
		  sys_io_uring_register(self->r.fd, IORING_REGISTER_PROBE,
					(void *)8UL, PROBE_OPS));
	free(p);
}

TEST_HARNESS_MAIN
