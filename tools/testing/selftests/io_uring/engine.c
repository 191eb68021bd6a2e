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
#include <stdio.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "uring_helpers.h"

/* --- io_uring_setup(2) validation (from setup.c) --- */

/* Set up a ring, returning fd or -errno, and close it again on success. */
static int try_setup(unsigned int entries, struct io_uring_params *p)
{
	int fd = sys_io_uring_setup(entries, p);

	if (fd >= 0)
		close(fd);
	return fd;
}

static int try_flags(unsigned int entries, unsigned int flags)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = flags;
	return try_setup(entries, &p);
}

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
FIXTURE(flags) {
	int wq_fd;
};

FIXTURE_VARIANT(flags) {
	unsigned int flags;
};

FIXTURE_VARIANT_ADD(flags, iopoll) { .flags = IORING_SETUP_IOPOLL };
FIXTURE_VARIANT_ADD(flags, sqpoll) { .flags = IORING_SETUP_SQPOLL };
FIXTURE_VARIANT_ADD(flags, sqpoll_aff) {
	.flags = IORING_SETUP_SQPOLL | IORING_SETUP_SQ_AFF
};

FIXTURE_VARIANT_ADD(flags, attach_wq) { .flags = IORING_SETUP_ATTACH_WQ };

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

/* --- NOP round trips (from nop.c) --- */

/* nop.c's NOP fixture on SQPOLL and ATTACH_WQ rings, same TEST_F cases. */
#include "nop_cases.h"

FIXTURE_VARIANT_ADD(nop, sqpoll) { .flags = IORING_SETUP_SQPOLL };
FIXTURE_VARIANT_ADD(nop, attach_wq) { .flags = IORING_SETUP_ATTACH_WQ };

/* --- ring lifetime (from lifetime.c) --- */

#define CHILD_TIMEOUT_MS	(URING_WAIT_SECS * 1000)

/*
 * Run fn(arg) in a child process and return its wait status, or -1 if it
 * did not terminate within CHILD_TIMEOUT_MS.
 */
static int run_child(int (*fn)(void *), void *arg)
{
	int status, i;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		alarm(URING_WAIT_SECS);
		_exit(fn(arg));
	}
	for (i = 0; i < CHILD_TIMEOUT_MS / 10; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	for (i = 0; i < 100; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		usleep(10000);
	}
	return -1;
}

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

/* lifetime.c's child_exit fixture with an SQ poll thread. */
FIXTURE(child_exit) {
};

FIXTURE_VARIANT(child_exit) {
	unsigned int flags;
	enum child_mode mode;
};

FIXTURE_VARIANT_ADD(child_exit, sqpoll) {
	.flags = IORING_SETUP_SQPOLL, .mode = MODE_UNSUBMITTED
};

FIXTURE_SETUP(child_exit)
{
}

FIXTURE_TEARDOWN(child_exit)
{
}

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

static ssize_t read_fdinfo(int fd, char *buf, size_t len)
{
	char path[64];
	ssize_t ret;
	int f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return -errno;
	ret = read(f, buf, len - 1);
	if (ret < 0)
		ret = -errno;
	else
		buf[ret] = '\0';
	close(f);
	return ret;
}

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
