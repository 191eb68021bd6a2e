// SPDX-License-Identifier: GPL-2.0
/*
 * POLL_ADD / POLL_REMOVE, TIMEOUT / TIMEOUT_REMOVE, LINK_TIMEOUT and
 * ASYNC_CANCEL: results and errnos of the corner cases (missing targets,
 * invalid flags and arguments) and IORING_ASYNC_CANCEL_ALL counting.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "uring_helpers.h"

#define WAIT_MS		(URING_WAIT_SECS * 1000)

static struct __kernel_timespec one_hour = { .tv_sec = 3600 };

/* A ring with room for 512 CQEs, and two empty non-blocking pipes. */
FIXTURE(pt) {
	struct uring r;
	int p[2];		/* a pipe, empty unless a test writes to it */
	int q[2];		/* another one */
};

FIXTURE_SETUP(pt)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 512;
	ASSERT_EQ(0, uring_init_params(&self->r, 128, &p));
	ASSERT_EQ(0, pipe2(self->p, O_CLOEXEC | O_NONBLOCK));
	ASSERT_EQ(0, pipe2(self->q, O_CLOEXEC | O_NONBLOCK));
}

FIXTURE_TEARDOWN(pt)
{
	uring_exit(&self->r);
	close(self->p[0]);
	close(self->p[1]);
	close(self->q[0]);
	close(self->q[1]);
}

static struct io_uring_sqe *sqe_of(struct uring *r)
{
	struct io_uring_sqe *sqe = uring_get_sqe(r);

	if (!sqe) {
		/* never expected: the tests fit in the SQ ring */
		fprintf(stderr, "SQ ring full\n");
		abort();
	}
	return sqe;
}

/*
 * Reap the CQEs of user_data 1 and 2, in either order, into res[1] and
 * res[2]. Return: 0, or -1 if one is missing, doubled or another.
 */
static int reap_pair(struct uring *r, int res[3])
{
	struct io_uring_cqe cqe;
	int i, got = 0;

	for (i = 0; i < 2; i++) {
		if (uring_get_cqe_ms(r, &cqe, WAIT_MS) ||
		    (cqe.user_data != 1 && cqe.user_data != 2))
			return -1;
		res[cqe.user_data] = cqe.res;
		got |= 1 << cqe.user_data;
	}
	return got == 6 ? 0 : -1;
}

/* Wait for the next CQE, which must be for user_data ud: 0 or -errno. */
static int wait_ud(struct uring *r, __u64 ud, struct io_uring_cqe *out)
{
	int ret = uring_get_cqe_ms(r, out, WAIT_MS);

	if (ret)
		return ret;
	if (out->user_data == ud)
		return 0;
	fprintf(stderr, "# unexpected CQE ud %llu res %d\n",
		(unsigned long long)out->user_data, out->res);
	return -EEXIST;
}

/* Submit the one queued SQE and return its CQE's result. */
static int result_of(struct uring *r, __u64 ud)
{
	struct io_uring_cqe cqe;
	int ret;

	ret = uring_submit(r);
	if (ret != 1)
		return ret < 0 ? ret : -EIO;
	ret = wait_ud(r, ud, &cqe);
	return ret ? ret : cqe.res;
}

/* No CQE at all for ms milliseconds. */
static bool quiet(struct uring *r, int ms)
{
	struct io_uring_cqe cqe;
	int ret = uring_get_cqe_ms(r, &cqe, ms);

	if (!ret)
		fprintf(stderr, "# unexpected CQE ud %llu res %d\n",
			(unsigned long long)cqe.user_data, cqe.res);
	return ret == -ETIME;
}

/* --- poll --- */

/* Removing or updating a poll that is not armed fails with -ENOENT. */
TEST_F(pt, poll_remove_missing)
{
	struct io_uring_sqe *sqe;

	uring_prep_poll_remove(sqe_of(&self->r), 0x1234, 1);
	EXPECT_EQ(-ENOENT, result_of(&self->r, 1));
	/* nor can a poll that is not there be updated */
	sqe = sqe_of(&self->r);
	uring_prep_poll_remove(sqe, 0x1234, 2);
	sqe->len = IORING_POLL_UPDATE_EVENTS;
	sqe->poll32_events = POLLOUT;
	EXPECT_EQ(-ENOENT, result_of(&self->r, 2));
}

/* POLL_REMOVE cancels an armed poll (-ECANCELED), and only once. */
TEST_F(pt, poll_remove_armed)
{
	int res[3];

	uring_prep_poll_add(sqe_of(&self->r), self->p[0], POLLIN, 0, 1);
	ASSERT_EQ(1, uring_submit(&self->r));
	ASSERT_TRUE(quiet(&self->r, 50));
	uring_prep_poll_remove(sqe_of(&self->r), 1, 2);
	ASSERT_EQ(1, uring_submit(&self->r));
	ASSERT_EQ(0, reap_pair(&self->r, res));
	EXPECT_EQ(-ECANCELED, res[1]);
	EXPECT_EQ(0, res[2]);
	/* it is gone now */
	uring_prep_poll_remove(sqe_of(&self->r), 1, 3);
	EXPECT_EQ(-ENOENT, result_of(&self->r, 3));
}

/* POLL_ADD and POLL_REMOVE with unknown flags or a closed fd fail. */
TEST_F(pt, poll_bad_args)
{
	struct io_uring_sqe *sqe;

	/* unknown POLL_ADD flags (in sqe->len) */
	uring_prep_poll_add(sqe_of(&self->r), self->p[0], POLLIN, 1U << 31, 1);
	EXPECT_EQ(-EINVAL, result_of(&self->r, 1));
	/* unknown POLL_REMOVE flags */
	sqe = sqe_of(&self->r);
	uring_prep_poll_remove(sqe, 0x1234, 2);
	sqe->len = 1U << 31;
	EXPECT_EQ(-EINVAL, result_of(&self->r, 2));
	/* a file descriptor that is not open */
	uring_prep_poll_add(sqe_of(&self->r), lowest_free_fd() + 100, POLLIN,
			    0, 3);
	EXPECT_EQ(-EBADF, result_of(&self->r, 3));
}

/* A one-shot poll completes once, with POLLIN, when the pipe gets data. */
TEST_F(pt, poll_fires)
{
	struct io_uring_cqe cqe;

	uring_prep_poll_add(sqe_of(&self->r), self->p[0], POLLIN, 0, 1);
	ASSERT_EQ(1, uring_submit(&self->r));
	ASSERT_TRUE(quiet(&self->r, 50));
	ASSERT_EQ(1, write(self->p[1], "x", 1));
	ASSERT_EQ(0, wait_ud(&self->r, 1, &cqe));
	EXPECT_TRUE(cqe.res & POLLIN) TH_LOG("res %#x", cqe.res);
	EXPECT_FALSE(cqe.flags & IORING_CQE_F_MORE);
	/* one-shot: nothing more on more data */
	ASSERT_EQ(1, write(self->p[1], "x", 1));
	EXPECT_TRUE(quiet(&self->r, 50));
}

/* A multishot poll posts a CQE with F_MORE per event until removed. */
TEST_F(pt, poll_multishot)
{
	struct io_uring_cqe cqe;
	char buf[8];
	int i;

	uring_prep_poll_add(sqe_of(&self->r), self->p[0], POLLIN,
			    IORING_POLL_ADD_MULTI, 1);
	ASSERT_EQ(1, uring_submit(&self->r));
	ASSERT_TRUE(quiet(&self->r, 50));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(1, write(self->p[1], "x", 1));
		ASSERT_EQ(0, wait_ud(&self->r, 1, &cqe)) TH_LOG("event %d", i);
		EXPECT_TRUE(cqe.res & POLLIN) TH_LOG("res %#x", cqe.res);
		EXPECT_TRUE(cqe.flags & IORING_CQE_F_MORE);
		ASSERT_EQ(1, read(self->p[0], buf, sizeof(buf)));
	}
	uring_prep_poll_remove(sqe_of(&self->r), 1, 2);
	ASSERT_EQ(1, uring_submit(&self->r));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, uring_get_cqe_ms(&self->r, &cqe, WAIT_MS));
		if (cqe.user_data == 1) {
			/* the final CQE of the multishot poll */
			EXPECT_EQ(-ECANCELED, cqe.res);
			EXPECT_FALSE(cqe.flags & IORING_CQE_F_MORE);
		} else {
			EXPECT_EQ(2, cqe.user_data);
			EXPECT_EQ(0, cqe.res);
		}
	}
	EXPECT_TRUE(quiet(&self->r, 50));
}

/*
 * A pty's master. Its ->poll names two wait queues (the tty's read and
 * write queues), so a request waiting on it needs room for two entries.
 * Return: the master fd with *slave set, or -1 (the test skips).
 */
static int open_pty(int flags, int *slave)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC | flags);

	if (m < 0)
		return -1;
	if (grantpt(m) || unlockpt(m)) {
		close(m);
		return -1;
	}
	*slave = open(ptsname(m), O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*slave < 0) {
		close(m);
		return -1;
	}
	return m;
}

/*
 * POLL_ADD on a file with two wait queues: a multishot poll reports each
 * event and is removed, a one-shot poll fires once.
 */
TEST_F(pt, poll_two_queues)
{
	struct io_uring_cqe cqe;
	int m, s, i;
	char buf[8];

	m = open_pty(O_NONBLOCK, &s);
	if (m < 0)
		SKIP(return, "no pty: %s", strerror(errno));
	uring_prep_poll_add(sqe_of(&self->r), m, POLLIN, IORING_POLL_ADD_MULTI, 1);
	ASSERT_EQ(1, uring_submit(&self->r));
	ASSERT_TRUE(quiet(&self->r, 50));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(1, write(s, "x", 1));
		ASSERT_EQ(0, wait_ud(&self->r, 1, &cqe)) TH_LOG("event %d", i);
		EXPECT_TRUE(cqe.res & POLLIN) TH_LOG("res %#x", cqe.res);
		EXPECT_TRUE(cqe.flags & IORING_CQE_F_MORE);
		ASSERT_EQ(1, read(m, buf, sizeof(buf)));
	}
	uring_prep_poll_remove(sqe_of(&self->r), 1, 2);
	ASSERT_EQ(1, uring_submit(&self->r));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, uring_get_cqe_ms(&self->r, &cqe, WAIT_MS));
		EXPECT_EQ(cqe.user_data == 1 ? -ECANCELED : 0, cqe.res);
		EXPECT_FALSE(cqe.flags & IORING_CQE_F_MORE);
	}
	uring_prep_poll_add(sqe_of(&self->r), m, POLLIN, 0, 3);
	ASSERT_EQ(1, uring_submit(&self->r));
	ASSERT_TRUE(quiet(&self->r, 50));
	ASSERT_EQ(1, write(s, "x", 1));
	ASSERT_EQ(0, wait_ud(&self->r, 3, &cqe));
	EXPECT_TRUE(cqe.res & POLLIN) TH_LOG("res %#x", cqe.res);
	EXPECT_FALSE(cqe.flags & IORING_CQE_F_MORE);
	close(s);
	close(m);
}

/* A READ of a file with two wait queues waits on both, then reads. */
TEST_F(pt, read_two_queues)
{
	struct io_uring_cqe cqe;
	char buf[8] = "";
	int m, s;

	m = open_pty(0, &s);
	if (m < 0)
		SKIP(return, "no pty: %s", strerror(errno));
	uring_prep_rw(sqe_of(&self->r), IORING_OP_READ, m, buf, sizeof(buf), -1, 1);
	ASSERT_EQ(1, uring_submit(&self->r));
	ASSERT_TRUE(quiet(&self->r, 50));
	ASSERT_EQ(2, write(s, "hi", 2));
	ASSERT_EQ(0, wait_ud(&self->r, 1, &cqe));
	EXPECT_EQ(2, cqe.res);
	EXPECT_EQ(0, memcmp(buf, "hi", 2));
	close(s);
	close(m);
}

/* --- timeouts --- */

/* Removing or updating a timeout that is not armed fails with -ENOENT. */
TEST_F(pt, timeout_remove_missing)
{
	struct io_uring_sqe *sqe;

	uring_prep_timeout_remove(sqe_of(&self->r), 0x1234, 0, 1);
	EXPECT_EQ(-ENOENT, result_of(&self->r, 1));
	/* nor can a timeout that is not there be updated */
	sqe = sqe_of(&self->r);
	uring_prep_timeout_remove(sqe, 0x1234, IORING_TIMEOUT_UPDATE, 2);
	sqe->addr2 = (__u64)(unsigned long)&one_hour;
	EXPECT_EQ(-ENOENT, result_of(&self->r, 2));
}

/* TIMEOUT_REMOVE cancels an armed timeout (-ECANCELED), and only once. */
TEST_F(pt, timeout_remove_armed)
{
	int res[3];

	uring_prep_timeout(sqe_of(&self->r), &one_hour, 0, 0, 1);
	ASSERT_EQ(1, uring_submit(&self->r));
	ASSERT_TRUE(quiet(&self->r, 20));
	uring_prep_timeout_remove(sqe_of(&self->r), 1, 0, 2);
	ASSERT_EQ(1, uring_submit(&self->r));
	ASSERT_EQ(0, reap_pair(&self->r, res));
	EXPECT_EQ(-ECANCELED, res[1]);
	EXPECT_EQ(0, res[2]);
	uring_prep_timeout_remove(sqe_of(&self->r), 1, 0, 3);
	EXPECT_EQ(-ENOENT, result_of(&self->r, 3));
}

/* Queue a TIMEOUT with ts, flags and len, return its result. */
static int timeout_res(struct uring *r, const struct __kernel_timespec *ts,
		       unsigned int flags, unsigned int len)
{
	struct io_uring_sqe *sqe = sqe_of(r);

	uring_prep_timeout(sqe, ts, 0, flags, 7);
	sqe->len = len;
	return result_of(r, 7);
}

/* TIMEOUT and TIMEOUT_REMOVE refuse bad flags, lengths, times, fields. */
TEST_F(pt, timeout_bad_args)
{
	struct __kernel_timespec neg_sec = { .tv_sec = -1 };
	struct __kernel_timespec neg_nsec = { .tv_nsec = -1 };
	struct uring *r = &self->r;
	struct io_uring_sqe *sqe;

	/* unknown flags, two clocks, flags only TIMEOUT_REMOVE takes */
	EXPECT_EQ(-EINVAL, timeout_res(r, &one_hour, 1U << 31, 1));
	EXPECT_EQ(-EINVAL, timeout_res(r, &one_hour, IORING_TIMEOUT_BOOTTIME |
				       IORING_TIMEOUT_REALTIME, 1));
	EXPECT_EQ(-EINVAL, timeout_res(r, &one_hour, IORING_TIMEOUT_UPDATE, 1));
	EXPECT_EQ(-EINVAL, timeout_res(r, &one_hour,
				       IORING_LINK_TIMEOUT_UPDATE, 1));
	/* len must be 1 (one timespec) */
	EXPECT_EQ(-EINVAL, timeout_res(r, &one_hour, 0, 0));
	EXPECT_EQ(-EINVAL, timeout_res(r, &one_hour, 0, 2));
	/* negative times */
	EXPECT_EQ(-EINVAL, timeout_res(r, &neg_sec, 0, 1));
	EXPECT_EQ(-EINVAL, timeout_res(r, &neg_nsec, 0, 1));
	/* an unreadable timespec */
	EXPECT_EQ(-EFAULT, timeout_res(r, (void *)8UL, 0, 1));
	/* fields TIMEOUT does not use */
	sqe = sqe_of(r);
	uring_prep_timeout(sqe, &one_hour, 0, 0, 8);
	sqe->ioprio = 1;
	EXPECT_EQ(-EINVAL, result_of(r, 8));
	sqe = sqe_of(r);
	uring_prep_timeout(sqe, &one_hour, 0, 0, 9);
	sqe->buf_index = 1;
	EXPECT_EQ(-EINVAL, result_of(r, 9));

	/* TIMEOUT_REMOVE: unknown flags, or ABS without UPDATE */
	uring_prep_timeout_remove(sqe_of(r), 0x1234, 1U << 31, 10);
	EXPECT_EQ(-EINVAL, result_of(r, 10));
	uring_prep_timeout_remove(sqe_of(r), 0x1234, IORING_TIMEOUT_ABS, 11);
	EXPECT_EQ(-EINVAL, result_of(r, 11));

	/* none of that left anything armed */
	EXPECT_TRUE(quiet(r, 20));
}

/* A pure timer completes with -ETIME after its time, ETIME_SUCCESS or not. */
TEST_F(pt, timeout_fires)
{
	struct __kernel_timespec ms20 = { .tv_nsec = 20000000 };
	struct io_uring_cqe cqe;
	long long start = uring_now_ms();

	uring_prep_timeout(sqe_of(&self->r), &ms20, 0, 0, 1);
	ASSERT_EQ(1, uring_submit(&self->r));
	ASSERT_EQ(0, wait_ud(&self->r, 1, &cqe));
	EXPECT_EQ(-ETIME, cqe.res);
	EXPECT_LE(19, uring_now_ms() - start);

	/* ETIME_SUCCESS only changes how links treat it: still -ETIME */
	uring_prep_timeout(sqe_of(&self->r), &ms20, 0,
			   IORING_TIMEOUT_ETIME_SUCCESS, 2);
	ASSERT_EQ(1, uring_submit(&self->r));
	ASSERT_EQ(0, wait_ud(&self->r, 2, &cqe));
	EXPECT_EQ(-ETIME, cqe.res);
}

/* A TIMEOUT with a count completes (res 0) after that many other CQEs. */
TEST_F(pt, timeout_count)
{
	struct io_uring_cqe cqe;
	int i, got = 0;

	uring_prep_timeout(sqe_of(&self->r), &one_hour, 2, 0, 1);
	ASSERT_EQ(1, uring_submit(&self->r));
	ASSERT_EQ(0, uring_queue_nop(&self->r, 2, 0));
	ASSERT_EQ(1, uring_submit(&self->r));
	ASSERT_EQ(0, wait_ud(&self->r, 2, &cqe));
	ASSERT_TRUE(quiet(&self->r, 20));
	ASSERT_EQ(0, uring_queue_nop(&self->r, 3, 0));
	ASSERT_EQ(1, uring_submit(&self->r));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, uring_get_cqe_ms(&self->r, &cqe, WAIT_MS));
		EXPECT_EQ(0, cqe.res)
			TH_LOG("ud %llu", (unsigned long long)cqe.user_data);
		got |= 1 << cqe.user_data;
	}
	EXPECT_EQ(0xa, got);
}

/* TIMEOUT_REMOVE with IORING_TIMEOUT_UPDATE re-arms a timeout. */
TEST_F(pt, timeout_update)
{
	struct __kernel_timespec ms10 = { .tv_nsec = 10000000 };
	struct io_uring_sqe *sqe;
	int res[3];

	uring_prep_timeout(sqe_of(&self->r), &one_hour, 0, 0, 1);
	ASSERT_EQ(1, uring_submit(&self->r));
	sqe = sqe_of(&self->r);
	uring_prep_timeout_remove(sqe, 1, IORING_TIMEOUT_UPDATE, 2);
	sqe->addr2 = (__u64)(unsigned long)&ms10;
	ASSERT_EQ(1, uring_submit(&self->r));
	ASSERT_EQ(0, reap_pair(&self->r, res));
	EXPECT_EQ(-ETIME, res[1]);
	EXPECT_EQ(0, res[2]);
}

/* A READ that never completes is cut short by its LINK_TIMEOUT. */
TEST_F(pt, link_timeout)
{
	struct __kernel_timespec ms20 = { .tv_nsec = 20000000 };
	struct io_uring_sqe *sqe;
	char buf[8];
	int res[3];

	sqe = sqe_of(&self->r);
	uring_prep_rw(sqe, IORING_OP_READ, self->p[0], buf, sizeof(buf),
		      (__u64)-1, 1);
	sqe->flags = IOSQE_IO_LINK;
	sqe = sqe_of(&self->r);
	uring_prep_timeout(sqe, &ms20, 0, 0, 2);
	sqe->opcode = IORING_OP_LINK_TIMEOUT;
	ASSERT_EQ(2, uring_submit(&self->r));
	ASSERT_EQ(0, reap_pair(&self->r, res));
	EXPECT_EQ(-ECANCELED, res[1]);
	EXPECT_EQ(-ETIME, res[2]);
}

/*
 * A LINK_TIMEOUT whose target is running in io-wq (an open of a FIFO with
 * no writer, blocked in its worker) interrupts it and completes with
 * -ETIME, as the man page says.
 */
TEST_F(pt, link_timeout_iowq)
{
	static const char fifo[] = "/tmp/pt-link-timeout-fifo";
	struct __kernel_timespec ms20 = { .tv_nsec = 20000000 };
	struct io_uring_sqe *sqe;
	int res[3];

	unlink(fifo);
	ASSERT_EQ(0, mkfifo(fifo, 0600));
	sqe = sqe_of(&self->r);
	sqe->opcode = IORING_OP_OPENAT;
	sqe->fd = AT_FDCWD;
	sqe->addr = (unsigned long)fifo;
	sqe->open_flags = O_RDONLY;
	sqe->user_data = 1;
	sqe->flags = IOSQE_IO_LINK | IOSQE_ASYNC;
	sqe = sqe_of(&self->r);
	uring_prep_timeout(sqe, &ms20, 0, 0, 2);
	sqe->opcode = IORING_OP_LINK_TIMEOUT;
	ASSERT_EQ(2, uring_submit(&self->r));
	ASSERT_EQ(0, reap_pair(&self->r, res));
	EXPECT_TRUE(res[1] == -EINTR || res[1] == -ECANCELED)
		TH_LOG("open res %d", res[1]);
	EXPECT_EQ(-ETIME, res[2]);
	unlink(fifo);
}

/*
 * A LINK_TIMEOUT that cancels a FUTEX_WAIT completes with 1, the count an
 * ASYNC_CANCEL of it reports (Linux 6.13 on; 6.12 said -ETIME).
 */
TEST_F(pt, link_timeout_futex)
{
	struct __kernel_timespec ms20 = { .tv_nsec = 20000000 };
	static unsigned int futex_word;
	struct io_uring_sqe *sqe;
	int res[3];

	if (!uring_op_supported(&self->r, IORING_OP_FUTEX_WAIT))
		SKIP(return, "FUTEX_WAIT not supported");
	sqe = sqe_of(&self->r);
	uring_prep_rw(sqe, IORING_OP_FUTEX_WAIT, 0x02 /* FUTEX2_SIZE_U32 */,
		      &futex_word, 0, 0 /* the value it waits while equal */, 1);
	sqe->addr3 = 0xffffffff;	/* FUTEX_BITSET_MATCH_ANY */
	sqe->flags = IOSQE_IO_LINK;
	sqe = sqe_of(&self->r);
	uring_prep_timeout(sqe, &ms20, 0, 0, 2);
	sqe->opcode = IORING_OP_LINK_TIMEOUT;
	ASSERT_EQ(2, uring_submit(&self->r));
	ASSERT_EQ(0, reap_pair(&self->r, res));
	EXPECT_EQ(-ECANCELED, res[1]);
	EXPECT_EQ(1, res[2]);
}

/* --- ASYNC_CANCEL --- */

/* Cancelling what is not there: -ENOENT, or 0 for CANCEL_ALL and _ANY. */
TEST_F(pt, cancel_missing)
{
	uring_prep_cancel(sqe_of(&self->r), 0x1234, -1, 0, 1);
	EXPECT_EQ(-ENOENT, result_of(&self->r, 1));
	uring_prep_cancel(sqe_of(&self->r), 0, self->p[0],
			  IORING_ASYNC_CANCEL_FD, 2);
	EXPECT_EQ(-ENOENT, result_of(&self->r, 2));
	/*
	 * With IORING_ASYNC_CANCEL_ALL or _ANY the result is how many were
	 * cancelled: 0, not -ENOENT (upstream, seen on 6.18).
	 */
	uring_prep_cancel(sqe_of(&self->r), 0x1234, -1,
			  IORING_ASYNC_CANCEL_ALL, 3);
	EXPECT_EQ(0, result_of(&self->r, 3));
	uring_prep_cancel(sqe_of(&self->r), 0, -1, IORING_ASYNC_CANCEL_ANY, 4);
	EXPECT_EQ(0, result_of(&self->r, 4));
}

/* ASYNC_CANCEL refuses unknown flags, and ANY together with a key. */
TEST_F(pt, cancel_bad_flags)
{
	uring_prep_cancel(sqe_of(&self->r), 0x1234, -1, 1U << 31, 1);
	EXPECT_EQ(-EINVAL, result_of(&self->r, 1));
	/* ANY matches everything: a key to match as well makes no sense */
	uring_prep_cancel(sqe_of(&self->r), 0, self->p[0],
			  IORING_ASYNC_CANCEL_ANY | IORING_ASYNC_CANCEL_FD, 2);
	EXPECT_EQ(-EINVAL, result_of(&self->r, 2));
}

#define NR_SAME		64
#define UD_SAME		0x5555
#define UD_OTHER	0x6666

/*
 * N polls with the same user_data: CANCEL_ALL on that user_data cancels
 * all N (res N, N CQEs with -ECANCELED) and nothing else.
 */
TEST_F(pt, cancel_all_user_data)
{
	struct io_uring_cqe cqe;
	int i, cancelled = 0;

	for (i = 0; i < NR_SAME; i++)
		uring_prep_poll_add(sqe_of(&self->r), self->p[0], POLLIN, 0,
				    UD_SAME);
	uring_prep_poll_add(sqe_of(&self->r), self->p[0], POLLIN, 0, UD_OTHER);
	ASSERT_EQ(NR_SAME + 1, uring_submit(&self->r));
	ASSERT_TRUE(quiet(&self->r, 50));

	uring_prep_cancel(sqe_of(&self->r), UD_SAME, -1,
			  IORING_ASYNC_CANCEL_ALL, 1);
	ASSERT_EQ(1, uring_submit(&self->r));
	for (i = 0; i < NR_SAME + 1; i++) {
		ASSERT_EQ(0, uring_get_cqe_ms(&self->r, &cqe, WAIT_MS))
			TH_LOG("%d of %d CQEs", i, NR_SAME + 1);
		if (cqe.user_data == 1) {
			EXPECT_EQ(NR_SAME, cqe.res);
			continue;
		}
		ASSERT_EQ(UD_SAME, cqe.user_data);
		EXPECT_EQ(-ECANCELED, cqe.res);
		cancelled++;
	}
	EXPECT_EQ(NR_SAME, cancelled);
	ASSERT_TRUE(quiet(&self->r, 20));

	/* the other one is still armed; a plain cancel takes exactly it */
	uring_prep_cancel(sqe_of(&self->r), UD_OTHER, -1, 0, 2);
	ASSERT_EQ(1, uring_submit(&self->r));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, uring_get_cqe_ms(&self->r, &cqe, WAIT_MS));
		if (cqe.user_data == 2) {
			EXPECT_EQ(0, cqe.res);
		} else {
			EXPECT_EQ(UD_OTHER, cqe.user_data);
			EXPECT_EQ(-ECANCELED, cqe.res);
		}
	}
	uring_prep_cancel(sqe_of(&self->r), UD_SAME, -1,
			  IORING_ASYNC_CANCEL_ALL, 3);
	EXPECT_EQ(0, result_of(&self->r, 3));
}

/* Without CANCEL_ALL, one of the requests sharing a user_data goes. */
TEST_F(pt, cancel_one_of_many)
{
	struct io_uring_cqe cqe;
	int i;

	for (i = 0; i < 4; i++)
		uring_prep_poll_add(sqe_of(&self->r), self->p[0], POLLIN, 0,
				    UD_SAME);
	ASSERT_EQ(4, uring_submit(&self->r));
	for (i = 0; i < 4; i++) {
		uring_prep_cancel(sqe_of(&self->r), UD_SAME, -1, 0, 1);
		ASSERT_EQ(1, uring_submit(&self->r));
		ASSERT_EQ(0, uring_get_cqe_ms(&self->r, &cqe, WAIT_MS));
		if (cqe.user_data == 1) {
			EXPECT_EQ(0, cqe.res);
			ASSERT_EQ(0, wait_ud(&self->r, UD_SAME, &cqe));
		} else {
			ASSERT_EQ(UD_SAME, cqe.user_data);
			EXPECT_EQ(-ECANCELED, cqe.res);
			ASSERT_EQ(0, wait_ud(&self->r, 1, &cqe));
			EXPECT_EQ(0, cqe.res);
		}
		ASSERT_TRUE(quiet(&self->r, 10));
	}
	uring_prep_cancel(sqe_of(&self->r), UD_SAME, -1, 0, 2);
	EXPECT_EQ(-ENOENT, result_of(&self->r, 2));
}

/* CANCEL_FD | CANCEL_ALL counts the requests on that file only. */
TEST_F(pt, cancel_all_fd)
{
	struct io_uring_cqe cqe;
	int i, on_p = 0, on_q = 0;

	for (i = 0; i < 16; i++)
		uring_prep_poll_add(sqe_of(&self->r), self->p[0], POLLIN, 0,
				    100 + i);
	for (i = 0; i < 4; i++)
		uring_prep_poll_add(sqe_of(&self->r), self->q[0], POLLIN, 0,
				    200 + i);
	ASSERT_EQ(20, uring_submit(&self->r));

	uring_prep_cancel(sqe_of(&self->r), 0, self->p[0],
			  IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_ALL, 1);
	ASSERT_EQ(1, uring_submit(&self->r));
	for (i = 0; i < 17; i++) {
		ASSERT_EQ(0, uring_get_cqe_ms(&self->r, &cqe, WAIT_MS));
		if (cqe.user_data == 1) {
			EXPECT_EQ(16, cqe.res);
			continue;
		}
		ASSERT_LE(100, cqe.user_data);
		ASSERT_GT(116, cqe.user_data);
		EXPECT_EQ(-ECANCELED, cqe.res);
		on_p++;
	}
	EXPECT_EQ(16, on_p);
	ASSERT_TRUE(quiet(&self->r, 20));

	/* ANY | ALL takes the rest */
	uring_prep_cancel(sqe_of(&self->r), 0, -1, IORING_ASYNC_CANCEL_ANY |
			  IORING_ASYNC_CANCEL_ALL, 2);
	ASSERT_EQ(1, uring_submit(&self->r));
	for (i = 0; i < 5; i++) {
		ASSERT_EQ(0, uring_get_cqe_ms(&self->r, &cqe, WAIT_MS));
		if (cqe.user_data == 2) {
			EXPECT_EQ(4, cqe.res);
			continue;
		}
		ASSERT_LE(200, cqe.user_data);
		ASSERT_GT(204, cqe.user_data);
		EXPECT_EQ(-ECANCELED, cqe.res);
		on_q++;
	}
	EXPECT_EQ(4, on_q);
}

/*
 * CANCEL_ANY | CANCEL_ALL over different kinds of requests: polls,
 * multishot polls, timeouts and async pipe reads all go, each with
 * -ECANCELED, and the count says how many. (Upstream parks IOSQE_ASYNC pipe
 * reads on poll; a read that a kernel keeps blocked in an io-wq worker would
 * be interrupted instead, so -EINTR is accepted for those.)
 */
TEST_F(pt, cancel_any_mixed)
{
	static char bufs[8][16];
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	int i, n = 0, seen = 0;

	for (i = 0; i < 8; i++, n++)
		uring_prep_poll_add(sqe_of(&self->r), self->p[0], POLLIN, 0,
				    100 + n);
	for (i = 0; i < 8; i++, n++)
		uring_prep_poll_add(sqe_of(&self->r), self->p[0], POLLIN,
				    IORING_POLL_ADD_MULTI, 100 + n);
	for (i = 0; i < 8; i++, n++)
		uring_prep_timeout(sqe_of(&self->r), &one_hour, 0, 0, 100 + n);
	for (i = 0; i < 8; i++, n++) {
		sqe = sqe_of(&self->r);
		uring_prep_rw(sqe, IORING_OP_READ, self->q[0], bufs[i],
			      sizeof(bufs[i]), (__u64)-1, 100 + n);
		sqe->flags = IOSQE_ASYNC;
	}
	ASSERT_EQ(n, uring_submit(&self->r));
	ASSERT_TRUE(quiet(&self->r, 100));

	uring_prep_cancel(sqe_of(&self->r), 0, -1, IORING_ASYNC_CANCEL_ANY |
			  IORING_ASYNC_CANCEL_ALL, 1);
	ASSERT_EQ(1, uring_submit(&self->r));
	for (i = 0; i < n + 1; i++) {
		ASSERT_EQ(0, uring_get_cqe_ms(&self->r, &cqe, WAIT_MS))
			TH_LOG("%d of %d CQEs", i, n + 1);
		if (cqe.user_data == 1) {
			EXPECT_EQ(n, cqe.res);
			continue;
		}
		ASSERT_LE(100, cqe.user_data);
		ASSERT_GT(100 + n, cqe.user_data);
		if (cqe.user_data >= 100 + 24 && cqe.res == -EINTR)
			cqe.res = -ECANCELED;	/* a read, see above */
		EXPECT_EQ(-ECANCELED, cqe.res)
			TH_LOG("request %llu",
			       (unsigned long long)cqe.user_data - 100);
		EXPECT_FALSE(cqe.flags & IORING_CQE_F_MORE);
		seen++;
	}
	EXPECT_EQ(n, seen);
	EXPECT_TRUE(quiet(&self->r, 20));
}

TEST_HARNESS_MAIN
