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

#define NOP_ENTRIES	32

/* nop.c's NOP fixture on SQPOLL and ATTACH_WQ rings, same TEST_F cases. */
FIXTURE(nop) {
	struct uring r;
	int wq_fd;
};

FIXTURE_VARIANT(nop) {
	unsigned int flags;
};

FIXTURE_VARIANT_ADD(nop, sqpoll) { .flags = IORING_SETUP_SQPOLL };
FIXTURE_VARIANT_ADD(nop, attach_wq) { .flags = IORING_SETUP_ATTACH_WQ };

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
				IORING_REGISTER_ENABLE_RINGS, NULL, 0));
}

FIXTURE_TEARDOWN(nop)
{
	uring_exit(&self->r);
	if (self->wq_fd >= 0)
		close(self->wq_fd);
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
