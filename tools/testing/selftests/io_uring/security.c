// SPDX-License-Identifier: GPL-2.0
/*
 * Security regressions: each test checks one bug an earlier version of our
 * io_uring had (a crash, a use-after-free, or a request running with the
 * wrong credentials, limits or restrictions). Each fails (or oopses, which
 * the test runner sees in dmesg) on the buggy kernel and passes on a
 * correct one; the comment above each test says what Linux 6.12 does.
 *
 * Tests that change credentials do so in forked children, which report a
 * failed check to the test through a pipe (struct child_report). Every wait
 * is bounded, so that a hang becomes a failure.
 *
 * The IOPOLL cases read from the block device the environment variable
 * IO_URING_TEST_BLKDEV names (an NVMe namespace with poll queues, e.g.
 * /dev/nvme0n1, whose /dev/ngXnY char device the passthrough variants
 * use); without it they are skipped.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/uio.h>

#include <linux/nvme_ioctl.h>

#include "kselftest_harness.h"
#include "uring_helpers.h"

#ifndef __NR_pidfd_open
#define __NR_pidfd_open		434
#endif
#ifndef __NR_pidfd_getfd
#define __NR_pidfd_getfd	438
#endif

#define NOBODY		65534
#define WAIT_MS		(URING_WAIT_SECS * 1000)
/* How long to look for a CQE that must not come. */
#define QUIET_MS	100

/* argv[1] of this program re-executed by a child */
#define EXEC_CHILD_ARG	"--security-exec-child"

/* The new image of a child that exec'ed: nothing to do but exit 0. */
static void __attribute__((constructor)) exec_child(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], EXEC_CHILD_ARG))
		_exit(0);
}

/* --- common helpers --- */

static int drop_to_nobody(void)
{
	if (setgroups(0, NULL))
		return -errno;
	if (setresgid(NOBODY, NOBODY, NOBODY))
		return -errno;
	if (setresuid(NOBODY, NOBODY, NOBODY))
		return -errno;
	return 0;
}

/* A copy of file descriptor fd of process pid (pidfd_getfd), or -errno. */
static int grab_fd(pid_t pid, int fd)
{
	int pidfd, ret;

	pidfd = syscall(__NR_pidfd_open, pid, 0);
	if (pidfd < 0)
		return -errno;
	ret = syscall(__NR_pidfd_getfd, pidfd, fd, 0);
	if (ret < 0)
		ret = -errno;
	close(pidfd);
	return ret;
}

/*
 * Publish the queued SQEs of an SQPOLL ring and wake its thread if it
 * sleeps. The full barrier orders the tail store before the flags load.
 */
static int sq_publish(struct uring *r)
{
	uring_flush(r);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (uring_load(r->sq_flags) & IORING_SQ_NEED_WAKEUP)
		return sys_io_uring_enter(r->fd, 0, 0, IORING_ENTER_SQ_WAKEUP);
	return 0;
}

/*
 * Submit what is queued (SQPOLL or not) and wait at most ms for one CQE,
 * waking the SQ thread again should it have gone to sleep meanwhile.
 */
static int submit_get_cqe(struct uring *r, struct io_uring_cqe *out,
			  unsigned int ms)
{
	long long deadline = uring_now_ms() + ms;
	int ret;

	if (!(r->flags & IORING_SETUP_SQPOLL)) {
		ret = uring_submit(r);
		if (ret < 0)
			return ret;
		return uring_get_cqe_ms(r, out, ms);
	}
	ret = sq_publish(r);
	if (ret < 0)
		return ret;
	for (;;) {
		ret = uring_get_cqe_ms(r, out, 20);
		if (ret != -ETIME)
			return ret;
		if (uring_now_ms() >= deadline)
			return -ETIME;
		if (uring_load(r->sq_flags) & IORING_SQ_NEED_WAKEUP)
			sys_io_uring_enter(r->fd, 0, 0, IORING_ENTER_SQ_WAKEUP);
	}
}

/* Read exactly len bytes from fd within ms milliseconds; bytes read. */
static ssize_t read_within(int fd, void *buf, size_t len, int ms)
{
	long long deadline = uring_now_ms() + ms;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		long long left = deadline - uring_now_ms();

		if (left <= 0 || poll(&pfd, 1, (int)left) != 1)
			break;
		n = read(fd, (char *)buf + done, len - done);
		if (n <= 0)
			break;
		done += n;
	}
	return done;
}

/* Anonymous memory in small pages (no THP), faulted in. */
static void *alloc_anon(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	madvise(p, len, MADV_NOHUGEPAGE);
	memset(p, 0x5a, len);
	return p;
}

/* --- forked children that report a failed check --- */

/* What a forked child reports when one of its checks fails. */
struct child_report {
	int line;		/* -1: nothing reported */
	long ret;
	char what[112];
};

/* Exit code of a child that found a feature missing (what says which). */
#define CHILD_SKIP	4

static int report_fd = -1;

static void child_report(int line, const char *what, long ret, int code)
{
	struct child_report rep;

	memset(&rep, 0, sizeof(rep));
	rep.line = line;
	rep.ret = ret;
	snprintf(rep.what, sizeof(rep.what), "%s", what);
	if (report_fd >= 0 && write(report_fd, &rep, sizeof(rep)) < 0)
		code = 2;
	_exit(code);
}

/* In a forked child: if cond does not hold, report it and exit 1. */
#define CHILD_CHECK(cond, ret) do {					\
	if (!(cond))							\
		child_report(__LINE__, #cond, (long)(ret), 1);		\
} while (0)

#define CHILD_SKIP_IF(cond, why) do {					\
	if (cond)							\
		child_report(0, why, 0, CHILD_SKIP);			\
} while (0)

/*
 * Run fn(arg) in a forked child that may report through child_report();
 * wait at most ms for it. Returns its wait status (-1 if it had to be
 * killed) and what it reported in *rep (rep->line -1 if nothing).
 */
static int run_reporting(int (*fn)(void *), void *arg, int ms,
			 struct child_report *rep)
{
	int p[2], status;
	pid_t pid;

	memset(rep, 0, sizeof(*rep));
	rep->line = -1;
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK))
		return -1;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		report_fd = p[1];
		alarm(ms / 1000 + 1);
		_exit(fn(arg));
	}
	close(p[1]);
	status = wait_child_ms(pid, ms);
	if (read(p[0], rep, sizeof(*rep)) != sizeof(*rep)) {
		memset(rep, 0, sizeof(*rep));
		rep->line = -1;
	}
	close(p[0]);
	return status;
}

/* Log how a child ended; true if it exited 0. */
static bool child_ok(struct __test_metadata *_metadata, int status,
		     const struct child_report *rep)
{
	if (rep->line >= 0)
		TH_LOG("child, line %d: %s (%ld)", rep->line, rep->what,
		       rep->ret);
	if (status == -1) {
		TH_LOG("child did not finish in time");
		return false;
	}
	if (WIFSIGNALED(status)) {
		TH_LOG("child killed by signal %d", WTERMSIG(status));
		return false;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		TH_LOG("child status %#x", status);
		return false;
	}
	return true;
}

static bool child_skipped(int status)
{
	return status != -1 && WIFEXITED(status) &&
	       WEXITSTATUS(status) == CHILD_SKIP;
}

/* --- 1. multishot read of files without a read method --- */

#define MS_BGID		7
#define MS_NBUFS	8
#define MS_BUFLEN	64

enum { UD_PROVIDE = 1, UD_NOP, UD_CTRL, UD_CANCEL, UD_MSHOT, UD_READ };

static char ms_bufs[MS_NBUFS][MS_BUFLEN];

static void prep_read_mshot(struct io_uring_sqe *sqe, int fd, __u8 flags,
			    __u64 user_data)
{
	uring_prep_rw(sqe, IORING_OP_READ_MULTISHOT, fd, NULL, 0, 0,
		      user_data);
	sqe->flags = IOSQE_BUFFER_SELECT | flags;
	sqe->buf_group = MS_BGID;
}

/*
 * The control: a multishot read of a pipe with data in it gets a provided
 * buffer, so the SQE is well formed; then cancel it.
 */
static void mshot_control(struct __test_metadata *_metadata, struct uring *r)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	int p[2];

	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	ASSERT_EQ(5, write(p[1], "hello", 5));
	sqe = uring_get_sqe(r);
	ASSERT_NE(NULL, sqe);
	prep_read_mshot(sqe, p[0], 0, UD_CTRL);
	ASSERT_EQ(1, uring_submit(r));
	ASSERT_EQ(0, uring_get_cqe_ms(r, &cqe, WAIT_MS));
	ASSERT_EQ(UD_CTRL, cqe.user_data);
	ASSERT_EQ(5, cqe.res) TH_LOG("multishot read of a pipe: %d", cqe.res);
	EXPECT_TRUE(cqe.flags & IORING_CQE_F_BUFFER);
	if (cqe.flags & IORING_CQE_F_MORE) {
		sqe = uring_get_sqe(r);
		ASSERT_NE(NULL, sqe);
		uring_prep_cancel(sqe, UD_CTRL, -1, 0, UD_CANCEL);
		ASSERT_EQ(1, uring_submit(r));
		do {
			ASSERT_EQ(0, uring_get_cqe_ms(r, &cqe, WAIT_MS))
				TH_LOG("multishot read not cancelled");
		} while (cqe.user_data != UD_CTRL);
		EXPECT_FALSE(cqe.flags & IORING_CQE_F_MORE);
		if (uring_get_cqe_ms(r, &cqe, QUIET_MS) == 0)
			EXPECT_EQ(UD_CANCEL, cqe.user_data);
	}
	close(p[0]);
	close(p[1]);
}

/*
 * Issue a READ_MULTISHOT (or a plain READ) of fd, which poll reports
 * readable but which has no read method, and expect exactly one CQE with
 * -EINVAL. With nop_first, a NOP's CQE is left in the CQ ring meanwhile:
 * that is what makes the ring's own fd readable.
 */
static void expect_einval(struct __test_metadata *_metadata, struct uring *r,
			  int fd, bool mshot, __u8 flags, bool nop_first,
			  const char *what)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	__u64 ud = mshot ? UD_MSHOT : UD_READ;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	unsigned int base = 0;
	char buf[8];

	if (nop_first) {
		ASSERT_EQ(0, uring_queue_nop(r, UD_NOP, 0));
		ASSERT_EQ(1, uring_submit(r));
		ASSERT_EQ(0, uring_wait_cq_ms(r, 1, WAIT_MS));
		base = 1;
	}
	ASSERT_EQ(1, poll(&pfd, 1, 0)) TH_LOG("%s: fd not readable", what);
	ASSERT_TRUE(pfd.revents & POLLIN);

	sqe = uring_get_sqe(r);
	ASSERT_NE(NULL, sqe);
	if (mshot) {
		prep_read_mshot(sqe, fd, flags, ud);
	} else {
		uring_prep_rw(sqe, IORING_OP_READ, fd, buf, sizeof(buf), 0, ud);
		sqe->flags = flags;
	}
	ASSERT_EQ(1, uring_submit(r));
	ASSERT_EQ(0, uring_wait_cq_ms(r, base + 1, WAIT_MS))
		TH_LOG("%s: no completion", what);
	if (nop_first) {
		ASSERT_EQ(0, uring_try_get_cqe(r, &cqe));
		ASSERT_EQ(UD_NOP, cqe.user_data);
	}
	ASSERT_EQ(0, uring_try_get_cqe(r, &cqe));
	EXPECT_EQ(ud, cqe.user_data);
	EXPECT_EQ(-EINVAL, cqe.res) TH_LOG("%s: res %d", what, cqe.res);
	EXPECT_FALSE(cqe.flags & IORING_CQE_F_MORE)
		TH_LOG("%s: flags %#x", what, cqe.flags);
	EXPECT_EQ(-ETIME, uring_get_cqe_ms(r, &cqe, QUIET_MS))
		TH_LOG("%s: another CQE: user_data %llu res %d flags %#x",
		       what, (unsigned long long)cqe.user_data, cqe.res,
		       cqe.flags);
}

/* READ of 8 bytes from a timerfd that has expired. */
static void read_timerfd(struct __test_metadata *_metadata, struct uring *r,
			 __u8 flags)
{
	struct itimerspec its = { .it_value = { .tv_nsec = 1000 } };
	struct pollfd pfd = { .events = POLLIN };
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	__u64 ticks = 0;

	pfd.fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	ASSERT_LE(0, pfd.fd);
	ASSERT_EQ(0, timerfd_settime(pfd.fd, 0, &its, NULL));
	ASSERT_EQ(1, poll(&pfd, 1, WAIT_MS));

	sqe = uring_get_sqe(r);
	ASSERT_NE(NULL, sqe);
	uring_prep_rw(sqe, IORING_OP_READ, pfd.fd, &ticks, sizeof(ticks), 0,
		      UD_READ);
	sqe->flags = flags;
	ASSERT_EQ(1, uring_submit(r));
	ASSERT_EQ(0, uring_get_cqe_ms(r, &cqe, WAIT_MS));
	EXPECT_EQ(UD_READ, cqe.user_data);
	EXPECT_EQ(8, cqe.res) TH_LOG("timerfd read%s: res %d",
				     flags ? " (IOSQE_ASYNC)" : "", cqe.res);
	EXPECT_LE(1, ticks);
	close(pfd.fd);
}

/*
 * IORING_OP_READ_MULTISHOT with a provided buffer on files that can be
 * polled but have no read method at all: the ring's own fd (made readable
 * by a CQE waiting in it) and an epoll fd (made readable by a ready
 * eventfd in its set), issued inline and from io-wq (IOSQE_ASYNC). 6.12
 * completes each with -EINVAL (no read method), once, without F_MORE; so
 * does a plain IORING_OP_READ of the ring fd. A timerfd has ->read and no
 * ->read_iter (6.12 falls back to ->read): an 8 byte READ of an expired
 * timerfd returns 8.
 */
TEST(read_mshot_no_read_method)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	struct uring r;
	int ep, efd;

	ASSERT_EQ(0, uring_init(&r, 16, 0));
	if (!uring_op_supported(&r, IORING_OP_READ_MULTISHOT))
		SKIP(return, "IORING_OP_READ_MULTISHOT not supported");

	sqe = uring_get_sqe(&r);
	ASSERT_NE(NULL, sqe);
	uring_prep_provide_buffers(sqe, ms_bufs, MS_BUFLEN, MS_NBUFS, MS_BGID,
				   0, UD_PROVIDE);
	ASSERT_EQ(1, uring_submit(&r));
	ASSERT_EQ(0, uring_get_cqe_ms(&r, &cqe, WAIT_MS));
	ASSERT_LE(0, cqe.res) TH_LOG("PROVIDE_BUFFERS: %d", cqe.res);

	mshot_control(_metadata, &r);

	expect_einval(_metadata, &r, r.fd, true, 0, true,
		      "READ_MULTISHOT of the ring fd");
	expect_einval(_metadata, &r, r.fd, true, IOSQE_ASYNC, true,
		      "READ_MULTISHOT of the ring fd, IOSQE_ASYNC");

	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	efd = eventfd(1, EFD_CLOEXEC);
	ASSERT_LE(0, efd);
	ev.data.fd = efd;
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev));
	expect_einval(_metadata, &r, ep, true, 0, false,
		      "READ_MULTISHOT of an epoll fd");
	expect_einval(_metadata, &r, ep, true, IOSQE_ASYNC, false,
		      "READ_MULTISHOT of an epoll fd, IOSQE_ASYNC");

	expect_einval(_metadata, &r, r.fd, false, 0, true,
		      "READ of the ring fd");
	expect_einval(_metadata, &r, r.fd, false, IOSQE_ASYNC, true,
		      "READ of the ring fd, IOSQE_ASYNC");

	read_timerfd(_metadata, &r, 0);
	read_timerfd(_metadata, &r, IOSQE_ASYNC);

	close(efd);
	close(ep);
	uring_exit(&r);
}

/* --- 2. a drained or linked request due after its task's files went --- */

#define DRAIN_LEN	64

enum { UD_PIPE = 1, UD_FILE };

struct drain_cfg {
	bool child_ring;	/* the child sets up the ring (else shared) */
	unsigned int ring_flags;
	bool hold;		/* the parent takes a copy of that ring */
	bool link;		/* a link chain instead of a drain */
	__u8 flags;		/* sqe flags of the second request */
	bool write;		/* the second request writes the file */
};

struct drain_report {
	int step;		/* 0, or the step that failed */
	int ret;
	int ring_fd;
	struct io_uring_params p;
};

static const char *const drain_step[] = {
	"ok", "ring setup", "pipe", "open", "submit", "completed too early",
};

static char drain_buf[2][DRAIN_LEN];

/*
 * In the child: a READ of an empty pipe, then a READ or WRITE of the file
 * held back by IOSQE_IO_DRAIN (or linked behind the pipe read); report,
 * then exit with both in flight and every file still open.
 */
static int drain_child(struct uring *shared, const struct drain_cfg *c,
		       const char *path, int rfd, int gofd)
{
	struct drain_report rep;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	struct uring own, *r = shared;
	int p[2], fd, ret;
	char go;

	memset(&rep, 0, sizeof(rep));
	rep.ring_fd = -1;
	memset(drain_buf[1], 'w', DRAIN_LEN);
	if (c->child_ring) {
		rep.p.flags = c->ring_flags;
		ret = uring_init_params(&own, 8, &rep.p);
		if (ret) {
			rep.step = 1;
			rep.ret = ret;
			goto out;
		}
		r = &own;
		rep.ring_fd = own.fd;
	}
	if (pipe(p)) {
		rep.step = 2;
		rep.ret = -errno;
		goto out;
	}
	fd = open(path, c->write ? O_WRONLY : O_RDONLY);
	if (fd < 0) {
		rep.step = 3;
		rep.ret = -errno;
		goto out;
	}
	sqe = uring_get_sqe(r);
	uring_prep_rw(sqe, IORING_OP_READ, p[0], drain_buf[0], DRAIN_LEN,
		      (__u64)-1, UD_PIPE);
	if (c->link)
		sqe->flags = IOSQE_IO_LINK;
	sqe = uring_get_sqe(r);
	uring_prep_rw(sqe, c->write ? IORING_OP_WRITE : IORING_OP_READ, fd,
		      drain_buf[1], DRAIN_LEN, 0, UD_FILE);
	sqe->flags = c->flags;
	ret = uring_submit(r);
	if (ret != 2) {
		rep.step = 4;
		rep.ret = ret;
		goto out;
	}
	usleep(20000);
	if (r->flags & IORING_SETUP_DEFER_TASKRUN)
		sys_io_uring_enter(r->fd, 0, 0, IORING_ENTER_GETEVENTS);
	if (!uring_try_get_cqe(r, &cqe)) {
		rep.step = 5;
		rep.ret = (int)cqe.user_data;
	}
out:
	if (write(rfd, &rep, sizeof(rep)) != sizeof(rep))
		return 9;
	if (rep.step)
		return 1;
	if (c->hold && read(gofd, &go, 1) != 1)
		return 8;
	/* exit with the ring, the pipe and the file all open */
	return 0;
}

/* The file read or written; variants: drain or link, parent's or own ring. */
FIXTURE(drain_at_exit) {
	char path[64];
};

FIXTURE_VARIANT(drain_at_exit) {
	struct drain_cfg c;
};

FIXTURE_VARIANT_ADD(drain_at_exit, drain) {
	.c = { .flags = IOSQE_IO_DRAIN },
};

FIXTURE_VARIANT_ADD(drain_at_exit, drain_async) {
	.c = { .flags = IOSQE_IO_DRAIN | IOSQE_ASYNC },
};

FIXTURE_VARIANT_ADD(drain_at_exit, drain_write) {
	.c = { .flags = IOSQE_IO_DRAIN, .write = true },
};

FIXTURE_VARIANT_ADD(drain_at_exit, link) {
	.c = { .link = true },
};

FIXTURE_VARIANT_ADD(drain_at_exit, link_write) {
	.c = { .link = true, .write = true },
};

FIXTURE_VARIANT_ADD(drain_at_exit, own_ring) {
	.c = { .child_ring = true, .flags = IOSQE_IO_DRAIN },
};

FIXTURE_VARIANT_ADD(drain_at_exit, defer_taskrun) {
	.c = {
		.child_ring = true,
		.ring_flags = IORING_SETUP_SINGLE_ISSUER |
			      IORING_SETUP_DEFER_TASKRUN,
		.flags = IOSQE_IO_DRAIN,
	},
};

/*
 * The drained WRITE forced to io-wq: it became due while the exit hook ran
 * the ring's last completions, after the task's io-wq had been stopped,
 * and was punted to a new one, never stopped (the fuzzer's leaked io_wq,
 * tctx and task, and a child that took 20 s to reap).
 */
FIXTURE_VARIANT_ADD(drain_at_exit, defer_taskrun_async) {
	.c = {
		.child_ring = true,
		.ring_flags = IORING_SETUP_SINGLE_ISSUER |
			      IORING_SETUP_DEFER_TASKRUN,
		.flags = IOSQE_IO_DRAIN | IOSQE_ASYNC,
		.write = true,
	},
};

FIXTURE_VARIANT_ADD(drain_at_exit, defer_taskrun_held) {
	.c = {
		.child_ring = true,
		.ring_flags = IORING_SETUP_SINGLE_ISSUER |
			      IORING_SETUP_DEFER_TASKRUN,
		.hold = true,
		.flags = IOSQE_IO_DRAIN,
		.write = true,
	},
};

FIXTURE_SETUP(drain_at_exit)
{
	int fd;

	snprintf(self->path, sizeof(self->path), "drain-%d", (int)getpid());
	fd = open(self->path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);
	ASSERT_LE(0, fd);
	if (!variant->c.write)
		ASSERT_EQ(DRAIN_LEN, write(fd, drain_buf[1], DRAIN_LEN));
	close(fd);
}

FIXTURE_TEARDOWN(drain_at_exit)
{
	unlink(self->path);
}

/* Both of the child's requests complete on the shared ring, once each. */
static void drain_results(struct __test_metadata *_metadata, struct uring *r,
			  bool link)
{
	bool seen[3] = { false, false, false };
	struct io_uring_cqe cqe;
	int res[3] = { 0, 0, 0 };

	/* the child moved the SQ tail */
	uring_sq_resync(r);
	while (!seen[UD_PIPE] || !seen[UD_FILE]) {
		ASSERT_EQ(0, uring_get_cqe_ms(r, &cqe, WAIT_MS))
			TH_LOG("pipe read %s, file request %s",
			       seen[UD_PIPE] ? "done" : "missing",
			       seen[UD_FILE] ? "done" : "missing");
		ASSERT_TRUE(cqe.user_data == UD_PIPE ||
			    cqe.user_data == UD_FILE)
			TH_LOG("unknown CQE %llu",
			       (unsigned long long)cqe.user_data);
		ASSERT_FALSE(seen[cqe.user_data])
			TH_LOG("second CQE for request %llu: res %d",
			       (unsigned long long)cqe.user_data, cqe.res);
		seen[cqe.user_data] = true;
		res[cqe.user_data] = cqe.res;
	}
	TH_LOG("pipe read: res %d; %s request: res %d", res[UD_PIPE],
	       link ? "linked" : "drained", res[UD_FILE]);
	/* nothing was ever written: end of file, or cancelled */
	EXPECT_GE(0, res[UD_PIPE]);
	/* due only once the task's files were gone: never issued */
	EXPECT_GT(0, res[UD_FILE]);
	EXPECT_EQ(-ETIME, uring_get_cqe_ms(r, &cqe, QUIET_MS))
		TH_LOG("extra CQE %llu: res %d",
		       (unsigned long long)cqe.user_data, cqe.res);

	/* the ring still works */
	ASSERT_EQ(0, uring_queue_nop(r, 42, 0));
	ASSERT_EQ(1, uring_submit(r));
	ASSERT_EQ(0, uring_get_cqe_ms(r, &cqe, WAIT_MS));
	EXPECT_EQ(42, cqe.user_data);
	EXPECT_EQ(0, cqe.res);
}

/*
 * A child submits a READ of an empty pipe, then a READ (or WRITE) of a
 * regular file held back by IOSQE_IO_DRAIN behind it (or linked behind
 * it), and exits with everything open. At exit its pipe's write end is
 * closed, the pipe read completes from task_work that runs in do_exit()
 * after the file table is gone, and the drained request becomes due: it
 * must fail (6.12: -EFAULT or -ECANCELED), not be issued (the buggy kernel
 * looked its fd up in the NULL file table and oopsed in fget). On the
 * shared ring (set up before the fork) the parent sees both CQEs, once
 * each; the WRITE variants also check that the file stayed empty. With a
 * DEFER_TASKRUN ring set up by the child, only the child's clean exit
 * (and no splat) is checked; in the held variant the parent keeps a copy
 * of that ring (pidfd_getfd) past the child's exit and closes it last.
 */
TEST_F(drain_at_exit, deferred_request_fails)
{
	const struct drain_cfg *c = &variant->c;
	struct drain_report rep;
	struct uring r = { .fd = -1 };
	int rp[2], gp[2], status, fd;
	struct stat st;
	ssize_t n;
	pid_t pid;

	if (!c->child_ring)
		ASSERT_EQ(0, uring_init(&r, 8, 0));
	ASSERT_EQ(0, pipe2(rp, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(gp, O_CLOEXEC));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(rp[0]);
		close(gp[1]);
		alarm(URING_WAIT_SECS);
		_exit(drain_child(&r, c, self->path, rp[1], gp[0]));
	}
	close(rp[1]);
	close(gp[0]);
	n = read_within(rp[0], &rep, sizeof(rep), WAIT_MS);
	close(rp[0]);
	if (n != sizeof(rep)) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	ASSERT_EQ(sizeof(rep), n) TH_LOG("no report from the child");
	EXPECT_EQ(0, rep.step)
		TH_LOG("child: %s failed (%d)",
		       rep.step < (int)ARRAY_SIZE(drain_step) ?
				drain_step[rep.step] : "?", rep.ret);

	if (c->hold && !rep.step) {
		fd = grab_fd(pid, rep.ring_fd);
		EXPECT_LE(0, fd) TH_LOG("pidfd_getfd: %d", fd);
		if (fd >= 0 && uring_map(&r, fd, &rep.p)) {
			EXPECT_TRUE(false) TH_LOG("cannot map the held ring");
			close(fd);
			r.fd = -1;
		}
	}
	/* only a holding child waits for it (another may be gone: SIGPIPE) */
	if (c->hold)
		EXPECT_EQ(1, write(gp[1], "g", 1));
	close(gp[1]);

	status = wait_child_ms(pid, CHILD_TIMEOUT_MS);
	ASSERT_NE(-1, status) TH_LOG("child did not exit");
	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("child status %#x", status);
	ASSERT_EQ(0, WEXITSTATUS(status));

	if (!c->child_ring) {
		drain_results(_metadata, &r, c->link);
		uring_exit(&r);
	} else if (r.fd >= 0) {
		usleep(QUIET_MS * 1000);
		TH_LOG("%u CQEs on the held ring after the child's exit",
		       uring_cq_ready(&r));
		uring_exit(&r);
	}
	/* let a ring closed last be torn down before looking at the file */
	usleep(200000);
	if (c->write) {
		ASSERT_EQ(0, stat(self->path, &st));
		EXPECT_EQ(0, st.st_size)
			TH_LOG("the drained WRITE was issued after the exit");
	}
}

/*
 * The fuzzer's IOWQ_AFF use-after-free ("refcount_t: addition on 0") came
 * after an io-wq worker had oopsed in READ_MULTISHOT of a file without a
 * read method: the dead worker stayed on its pool's list, and setting the
 * affinity took a reference on its freed task. The same sequence, as uid
 * 65534: the worker must survive (-EINVAL) and IOWQ_AFF must then work.
 */
static int aff_after_mshot_child(void)
{
	unsigned char mask[sizeof(cpu_set_t)] = { 1 };
	struct io_uring_params p = { 0 };
	struct io_uring_cqe cqe;
	struct uring r;
	int i, fd, res = 1;

	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534))
		return 2;
	if (uring_init(&r, 16, 0))
		return 3;
	uring_prep_provide_buffers(uring_get_sqe(&r), ms_bufs, MS_BUFLEN,
				   MS_NBUFS, MS_BGID, 0, UD_PROVIDE);
	if (uring_submit(&r) != 1 || uring_get_cqe_ms(&r, &cqe, WAIT_MS) ||
	    cqe.res < 0)
		return 4;
	/* a CQE waiting makes the ring fd readable */
	if (uring_queue_nop(&r, UD_NOP, 0) || uring_submit(&r) != 1 ||
	    uring_wait_cq_ms(&r, 1, WAIT_MS))
		return 5;
	prep_read_mshot(uring_get_sqe(&r), r.fd, IOSQE_ASYNC, UD_MSHOT);
	if (uring_submit(&r) != 1)
		return 6;
	/*
	 * Whatever became of the worker, the affinity calls come next, on
	 * another ring (a worker that died under the first ring's lock would
	 * hold it forever) but the same task's io-wq.
	 */
	while (!uring_get_cqe_ms(&r, &cqe, 2000))
		if (cqe.user_data == UD_MSHOT)
			res = cqe.res;
	fd = sys_io_uring_setup(4, &p);
	if (fd < 0)
		return 8;
	for (i = 0; i < 4; i++) {
		if (sys_io_uring_register(fd, IORING_REGISTER_IOWQ_AFF, mask,
					  sizeof(mask)))
			return 10 + i;
		if (sys_io_uring_register(fd, IORING_UNREGISTER_IOWQ_AFF,
					  NULL, 0))
			return 20 + i;
	}
	close(fd);
	uring_exit(&r);
	return res == -EINVAL ? 0 : 7;
}

/* After READ_MULTISHOT of a file without ->read, IOWQ_AFF still works. */
TEST(iowq_aff_after_worker_read_mshot)
{
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		alarm(4 * URING_WAIT_SECS);
		_exit(aff_after_mshot_child());
	}
	status = wait_child_ms(pid, 5 * CHILD_TIMEOUT_MS);
	ASSERT_NE(-1, status) TH_LOG("child did not exit");
	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("child status %#x", status);
	/* 7: the read did not fail with -EINVAL (or never completed) */
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* --- 3. io-wq affinity and limits against workers coming and going --- */

#define RACE_MS		5000
#define RACE_AFF	3	/* threads doing nothing but registering */
#define RACE_STACK	(256 << 10)

/* The rings the register threads aim at: always an io_uring fd each. */
enum { RS_PLAIN, RS_SQPOLL, RS_SHORT, RS_EXEC, RS_NR };

enum { RB_NONE, RB_AFF, RB_UNREG, RB_MAXW, RB_NOP, RB_STUCK, RB_THREAD };

static const char *const rb_name[] = {
	"nothing", "IORING_REGISTER_IOWQ_AFF", "IORING_UNREGISTER_IOWQ_AFF",
	"IORING_REGISTER_IOWQ_MAX_WORKERS", "an IOSQE_ASYNC NOP",
	"an exec child (stuck)", "pthread_create",
};

/* Shared with the test (MAP_SHARED), which reads it after the child. */
struct race {
	long long deadline;
	int slot[RS_NR];
	int placeholder;	/* a plain ring parked in emptied slots */
	int anchor;		/* an SQPOLL ring others attach to, or -1 */
	int ncpus;
	unsigned long aff[2], unreg[2], maxw[2];	/* 0, -EINVAL */
	unsigned long rings, ring_fail, threads;
	unsigned long exec_ok, exec_exit, exec_kill, exec_other;
	int bad;		/* the first unexpected result: RB_* */
	int bad_ret;
	int bad_line;
};

struct race_arg {
	struct race *rc;
	void *(*fn)(void *data);
	int slot;
	unsigned int seed;
};

static bool race_over(struct race *rc)
{
	return uring_now_ms() >= rc->deadline;
}

static void race_bad(struct race *rc, int what, int ret, int line)
{
	int none = RB_NONE;

	if (__atomic_compare_exchange_n(&rc->bad, &none, what, false,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
		rc->bad_ret = ret;
		rc->bad_line = line;
	}
}

static void race_inc(unsigned long *counter)
{
	__atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

/*
 * A register call may only succeed or find the mask or ring unusable
 * (-EINVAL; -EOWNERDEAD once an SQPOLL ring's thread was killed).
 */
static void race_count(struct race *rc, int ret, unsigned long *count,
		       int what, int line)
{
	if (ret == 0)
		race_inc(&count[0]);
	else if (ret == -EINVAL || ret == -EOWNERDEAD)
		race_inc(&count[1]);
	else
		race_bad(rc, what, ret, line);
}

/*
 * A random CPU mask of len bytes: all ones, one online CPU, none, only
 * CPUs that do not exist, or random bytes.
 */
static void race_mask(unsigned char *mask, unsigned int len, int ncpus,
		      unsigned int *seed)
{
	unsigned int bits = len * 8, cpu;
	unsigned int i;

	memset(mask, 0, len);
	switch (rand_r(seed) % 5) {
	case 0:
		memset(mask, 0xff, len);
		break;
	case 1:
		cpu = rand_r(seed) % ncpus;
		if (cpu < bits)
			mask[cpu / 8] |= 1 << (cpu % 8);
		break;
	case 2:
		break;
	case 3:
		if (bits > (unsigned int)ncpus) {
			cpu = ncpus + rand_r(seed) % (bits - ncpus);
			mask[cpu / 8] |= 1 << (cpu % 8);
		}
		break;
	default:
		for (i = 0; i < len; i++)
			mask[i] = rand_r(seed);
	}
}

/* One of IOWQ_AFF (random mask and length), UNREGISTER, MAX_WORKERS. */
static void race_register(struct race *rc, int fd, unsigned int *seed)
{
	unsigned char mask[sizeof(cpu_set_t)];
	unsigned int vals[2], len;
	int op = rand_r(seed) % 8, ret;

	if (op < 5) {
		len = 1 + rand_r(seed) % sizeof(mask);
		race_mask(mask, len, rc->ncpus, seed);
		ret = sys_io_uring_register(fd, IORING_REGISTER_IOWQ_AFF, mask,
					    len);
		race_count(rc, ret, rc->aff, RB_AFF, __LINE__);
	} else if (op < 7) {
		ret = sys_io_uring_register(fd, IORING_UNREGISTER_IOWQ_AFF,
					    NULL, 0);
		race_count(rc, ret, rc->unreg, RB_UNREG, __LINE__);
	} else {
		vals[0] = rand_r(seed) % 5;
		vals[1] = rand_r(seed) % 5;
		ret = sys_io_uring_register(fd, IORING_REGISTER_IOWQ_MAX_WORKERS,
					    vals, 2);
		race_count(rc, ret, rc->maxw, RB_MAXW, __LINE__);
	}
}

/* Queue and submit up to n IOSQE_ASYNC NOPs. */
static void race_feed(struct uring *r, unsigned int n)
{
	struct io_uring_sqe *sqe;
	unsigned int i;

	for (i = 0; i < n; i++) {
		sqe = uring_get_sqe(r);
		if (!sqe)
			break;
		uring_prep_nop(sqe, i);
		sqe->flags = IOSQE_ASYNC;
	}
	if (r->flags & IORING_SETUP_SQPOLL)
		sq_publish(r);
	else
		uring_submit(r);
}

/*
 * A NOP succeeds or is cancelled. The short-lived threads' pipe read
 * (0x1000) may also be interrupted in its worker, and their cancel of it
 * (0x1001) may find it running (-EALREADY) or gone (-ENOENT).
 */
static bool race_cqe_ok(const struct io_uring_cqe *cqe)
{
	if (!cqe->res || cqe->res == -ECANCELED)
		return true;
	if (cqe->user_data == 0x1000)
		return cqe->res == -EINTR;
	if (cqe->user_data == 0x1001)
		return cqe->res == -EALREADY || cqe->res == -ENOENT;
	return false;
}

/* Consume the CQEs there are, after waiting at most ms for one. */
static void race_reap(struct race *rc, struct uring *r, unsigned int ms)
{
	struct io_uring_cqe cqe;

	if (ms && !uring_get_cqe_ms(r, &cqe, ms) && !race_cqe_ok(&cqe))
		race_bad(rc, RB_NOP, cqe.res, __LINE__);
	while (!uring_try_get_cqe(r, &cqe))
		if (!race_cqe_ok(&cqe))
			race_bad(rc, RB_NOP, cqe.res, __LINE__);
}

/* Put the ring r (set up by the caller) into slot, closing what was there. */
static void race_install(struct race *rc, struct uring *r, int slot)
{
	dup3(r->fd, rc->slot[slot], O_CLOEXEC);
	close(r->fd);
	r->fd = rc->slot[slot];
}

/*
 * Owner of the plain or the SQPOLL slot: set up a ring, put it in the slot
 * (closing the last one, maybe with work in flight), feed it IOSQE_ASYNC
 * NOPs for a while, registering on it too, then the next ring.
 */
static void *race_owner(void *data)
{
	struct race_arg *a = data;
	struct race *rc = a->rc;
	struct io_uring_params p;
	unsigned int k, rounds;
	struct uring r;

	while (!race_over(rc)) {
		memset(&p, 0, sizeof(p));
		if (a->slot == RS_SQPOLL) {
			p.flags = IORING_SETUP_SQPOLL;
			p.sq_thread_idle = 1;
			if (rc->anchor >= 0 && rand_r(&a->seed) % 3 == 0) {
				p.flags |= IORING_SETUP_ATTACH_WQ;
				p.wq_fd = rc->anchor;
			}
		}
		if (uring_init_params(&r, 16, &p)) {
			race_inc(&rc->ring_fail);
			usleep(1000);
			continue;
		}
		race_install(rc, &r, a->slot);
		race_inc(&rc->rings);
		rounds = 1 + rand_r(&a->seed) % 8;
		for (k = 0; k < rounds && !race_over(rc); k++) {
			race_feed(&r, 1 + rand_r(&a->seed) % 8);
			if (rand_r(&a->seed) % 4 == 0)
				race_register(rc, r.fd, &a->seed);
			race_reap(rc, &r, rand_r(&a->seed) % 2 ? 0 : 20);
			usleep(rand_r(&a->seed) % 300);
		}
		uring_unmap(&r);
	}
	return NULL;
}

/*
 * A short-lived thread: its own ring, put in the RS_SHORT slot, IOSQE_ASYNC
 * NOPs and a blocking pipe read (io-wq workers start), registrations on
 * the ring, maybe a cancel, then exit: its io-wq goes away while the ring
 * (with this thread's context on it) stays in the slot.
 */
static void *race_short(void *data)
{
	struct race_arg *a = data;
	struct race *rc = a->rc;
	struct io_uring_sqe *sqe;
	static char buf[64];
	struct uring r;
	int p[2], k;

	if (uring_init(&r, 16, 0)) {
		race_inc(&rc->ring_fail);
		return NULL;
	}
	if (pipe2(p, O_CLOEXEC)) {
		uring_exit(&r);
		return NULL;
	}
	race_install(rc, &r, RS_SHORT);
	race_inc(&rc->rings);
	sqe = uring_get_sqe(&r);
	uring_prep_rw(sqe, IORING_OP_READ, p[0], buf, sizeof(buf), (__u64)-1,
		      0x1000);
	sqe->flags = IOSQE_ASYNC;
	race_feed(&r, 4);
	for (k = 0; k < 3; k++)
		race_register(rc, r.fd, &a->seed);
	usleep(rand_r(&a->seed) % 1000);
	if (rand_r(&a->seed) % 2) {
		sqe = uring_get_sqe(&r);
		if (sqe) {
			uring_prep_cancel(sqe, 0x1000, -1, 0, 0x1001);
			uring_submit(&r);
		}
		race_reap(rc, &r, 50);
	}
	uring_unmap(&r);
	close(p[0]);
	close(p[1]);
	return NULL;
}

static void *race_spawner(void *data)
{
	struct race_arg *a = data, sa;
	struct race *rc = a->rc;
	pthread_t th;

	while (!race_over(rc)) {
		sa.rc = rc;
		sa.seed = rand_r(&a->seed);
		if (pthread_create(&th, NULL, race_short, &sa)) {
			race_bad(rc, RB_THREAD, -EAGAIN, __LINE__);
			break;
		}
		pthread_join(th, NULL);
		race_inc(&rc->threads);
	}
	return NULL;
}

/*
 * A process sharing our file table (CLONE_FILES): an SQPOLL ring of its
 * own in the RS_EXEC slot, its SQ thread's io-wq busy with IOSQE_ASYNC
 * NOPs, then exec (which unshares the file table: the ring stays with us,
 * its SQ thread goes), exit or SIGKILL.
 */
static int race_exec_fn(void *data)
{
	struct race *rc = data;
	unsigned int seed = (unsigned int)syscall(__NR_getpid);
	struct io_uring_params p;
	struct uring r;
	int mode;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL;
	p.sq_thread_idle = 1;
	/*
	 * _exit(), not return: that would end this thread only, and leave
	 * the process waiting for its SQ thread.
	 */
	if (uring_init_params(&r, 8, &p))
		_exit(2);
	race_install(rc, &r, RS_EXEC);
	race_feed(&r, 4);
	usleep(rand_r(&seed) % 2000);
	mode = rand_r(&seed) % 4;
	if (mode == 0)
		_exit(5);
	if (mode == 1)
		kill((pid_t)syscall(__NR_getpid), SIGKILL);
	execl("/proc/self/exe", "security", EXEC_CHILD_ARG, (char *)NULL);
	_exit(3);
}

static void *race_execer(void *data)
{
	struct race_arg *a = data;
	struct race *rc = a->rc;
	int status;
	char *stack;
	pid_t pid;

	stack = mmap(NULL, RACE_STACK, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		return NULL;
	while (!race_over(rc)) {
		pid = clone(race_exec_fn, stack + RACE_STACK,
			    CLONE_FILES | SIGCHLD, rc);
		if (pid < 0) {
			race_inc(&rc->exec_other);
			usleep(1000);
			continue;
		}
		status = wait_child_ms(pid, WAIT_MS);
		if (status == -1)
			race_bad(rc, RB_STUCK, 0, __LINE__);
		else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			race_inc(&rc->exec_ok);
		else if (WIFEXITED(status) && WEXITSTATUS(status) == 5)
			race_inc(&rc->exec_exit);
		else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
			race_inc(&rc->exec_kill);
		else
			race_inc(&rc->exec_other);
		dup3(rc->placeholder, rc->slot[RS_EXEC], O_CLOEXEC);
	}
	munmap(stack, RACE_STACK);
	return NULL;
}

/*
 * Registers on its own ring (its own io-wq, kept busy) and on every slot,
 * as fast as it can.
 */
static void *race_aff(void *data)
{
	struct race_arg *a = data;
	struct race *rc = a->rc;
	unsigned int iter = 0;
	struct uring own;
	int slot, fd;

	if (uring_init(&own, 16, 0)) {
		race_inc(&rc->ring_fail);
		return NULL;
	}
	while (!race_over(rc)) {
		if (iter++ % 16 == 0)
			race_feed(&own, 1 + rand_r(&a->seed) % 4);
		race_reap(rc, &own, 0);
		slot = rand_r(&a->seed) % (RS_NR + 1);
		fd = slot == RS_NR ? own.fd : rc->slot[slot];
		race_register(rc, fd, &a->seed);
	}
	race_reap(rc, &own, 200);
	uring_exit(&own);
	return NULL;
}

/* The unprivileged process doing it all, then checking the ring works. */
static int race_child(void *data)
{
	struct race *rc = data;
	struct race_arg args[4 + RACE_AFF];
	pthread_t th[4 + RACE_AFF];
	struct io_uring_params p;
	struct io_uring_cqe cqe;
	struct uring r;
	cpu_set_t set;
	int i, ret, cpu;

	ret = drop_to_nobody();
	CHILD_CHECK(ret == 0, ret);
	rc->ncpus = sysconf(_SC_NPROCESSORS_CONF);
	CHILD_CHECK(rc->ncpus > 0, rc->ncpus);
	memset(&p, 0, sizeof(p));
	rc->placeholder = sys_io_uring_setup(4, &p);
	CHILD_CHECK(rc->placeholder >= 0, rc->placeholder);
	for (i = 0; i < RS_NR; i++) {
		rc->slot[i] = fcntl(rc->placeholder, F_DUPFD_CLOEXEC, 0);
		CHILD_CHECK(rc->slot[i] >= 0, -errno);
	}
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL;
	p.sq_thread_idle = 1;
	rc->anchor = sys_io_uring_setup(4, &p);

	rc->deadline = uring_now_ms() + RACE_MS;
	args[0].fn = race_owner;
	args[1].fn = race_owner;
	args[2].fn = race_spawner;
	args[3].fn = race_execer;
	for (i = 4; i < 4 + RACE_AFF; i++)
		args[i].fn = race_aff;
	for (i = 0; i < 4 + RACE_AFF; i++) {
		args[i].rc = rc;
		args[i].slot = i == 0 ? RS_PLAIN : RS_SQPOLL;
		args[i].seed = 0x5eed + i;
		ret = pthread_create(&th[i], NULL, args[i].fn, &args[i]);
		CHILD_CHECK(ret == 0, -ret);
	}
	for (i = 0; i < 4 + RACE_AFF; i++)
		pthread_join(th[i], NULL);

	/* afterwards: io-wq works, and a valid mask is taken */
	ret = uring_init(&r, 4, 0);
	CHILD_CHECK(ret == 0, ret);
	CHILD_CHECK(uring_queue_nop(&r, 1, IOSQE_ASYNC) == 0, 0);
	ret = uring_submit(&r);
	CHILD_CHECK(ret == 1, ret);
	ret = uring_get_cqe_ms(&r, &cqe, WAIT_MS);
	CHILD_CHECK(ret == 0, ret);
	CHILD_CHECK(cqe.res == 0, cqe.res);
	CHILD_CHECK(sched_getaffinity(0, sizeof(set), &set) == 0, -errno);
	for (cpu = 0; cpu < CPU_SETSIZE && !CPU_ISSET(cpu, &set); cpu++)
		;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	ret = sys_io_uring_register(r.fd, IORING_REGISTER_IOWQ_AFF, &set,
				    sizeof(set));
	CHILD_CHECK(ret == 0, ret);
	ret = sys_io_uring_register(r.fd, IORING_UNREGISTER_IOWQ_AFF, NULL, 0);
	CHILD_CHECK(ret == 0, ret);
	CHILD_CHECK(uring_queue_nop(&r, 2, IOSQE_ASYNC) == 0, 0);
	ret = uring_submit(&r);
	CHILD_CHECK(ret == 1, ret);
	ret = uring_get_cqe_ms(&r, &cqe, WAIT_MS);
	CHILD_CHECK(ret == 0, ret);
	CHILD_CHECK(cqe.res == 0, cqe.res);
	uring_exit(&r);
	return 0;
}

/*
 * As uid 65534, for RACE_MS: threads calling IORING_REGISTER_IOWQ_AFF
 * (random masks of 1 to sizeof(cpu_set_t) bytes, some with no online or
 * no existing CPU), IORING_UNREGISTER_IOWQ_AFF and
 * IORING_REGISTER_IOWQ_MAX_WORKERS on their own ring and on rings that are
 * closed and set up again meanwhile: plain and SQPOLL (some attached to
 * another SQ thread) rings kept busy with IOSQE_ASYNC NOPs, rings left
 * behind by short-lived threads whose io-wq went away with them, and
 * SQPOLL rings of processes sharing our file table that exec, exit or are
 * killed (their SQ thread and its io-wq go). A fuzzer hit "refcount_t:
 * addition on 0; use-after-free" in io_wq_set_affinity() under
 * io_uring_register() as uid 65534; the trigger is unknown, hence the
 * shotgun. 6.12: no splat; each call returns 0 or -EINVAL (a mask outside
 * the allowed CPUs, no io-wq to apply it to); afterwards io-wq still runs
 * work and takes a valid mask.
 */
TEST(iowq_aff_race)
{
	struct child_report rep;
	struct race *rc;
	int status;

	if (geteuid() != 0)
		SKIP(return, "needs root to become uid %d", NOBODY);
	rc = mmap(NULL, sizeof(*rc), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, rc);
	memset(rc, 0, sizeof(*rc));

	status = run_reporting(race_child, rc, RACE_MS + 20000, &rep);
	TH_LOG("%lu rings set up (%lu failed), %lu short-lived threads",
	       rc->rings, rc->ring_fail, rc->threads);
	TH_LOG("exec children: %lu exec'ed, %lu exited, %lu killed, %lu other",
	       rc->exec_ok, rc->exec_exit, rc->exec_kill, rc->exec_other);
	TH_LOG("IOWQ_AFF %lu/%lu, UNREGISTER %lu/%lu, MAX_WORKERS %lu/%lu (0/-EINVAL)",
	       rc->aff[0], rc->aff[1], rc->unreg[0], rc->unreg[1],
	       rc->maxw[0], rc->maxw[1]);
	if (rc->anchor < 0)
		TH_LOG("no SQPOLL ring for uid %d (%d)", NOBODY, rc->anchor);
	EXPECT_TRUE(child_ok(_metadata, status, &rep));
	EXPECT_EQ(RB_NONE, rc->bad)
		TH_LOG("%s returned %d (line %d)",
		       rc->bad < (int)ARRAY_SIZE(rb_name) ?
				rb_name[rc->bad] : "?",
		       rc->bad_ret, rc->bad_line);
	EXPECT_LT(0, rc->aff[0] + rc->aff[1]);
	munmap(rc, sizeof(*rc));
}

/* --- 4. a polled read reaped by another task, then cancelled --- */

#define IOP_READS	4
#define IOP_LEN		4096

enum iop_mode {
	IOP_SYNC_CANCEL,	/* IORING_REGISTER_SYNC_CANCEL, CANCEL_ANY */
	IOP_CLOSE,		/* both processes close the ring */
	IOP_EXEC,		/* the submitter execs once continued */
};

struct iop_target {
	bool cmd;		/* NVMe passthrough on ng, not the block device */
	char ng[64];		/* its NVMe char device */
	unsigned int nsid;
	unsigned int lbs;	/* logical block size */
};

/* nsid and logical block size of the namespace behind the char device. */
static int nvme_ns_info(struct iop_target *t)
{
	struct nvme_admin_cmd id;
	unsigned int fmt, shift;
	unsigned char *data;
	int fd, ret;

	fd = open(t->ng, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = ioctl(fd, NVME_IOCTL_ID);
	if (ret <= 0) {
		ret = ret < 0 ? -errno : -EINVAL;
		goto out;
	}
	t->nsid = ret;
	data = alloc_anon(4096);
	if (!data) {
		ret = -ENOMEM;
		goto out;
	}
	memset(data, 0, 4096);
	memset(&id, 0, sizeof(id));
	id.opcode = 0x06;		/* Identify */
	id.nsid = t->nsid;
	id.addr = (__u64)(unsigned long)data;
	id.data_len = 4096;
	id.cdw10 = 0;			/* CNS 0: the namespace */
	ret = ioctl(fd, NVME_IOCTL_ADMIN_CMD, &id);
	if (ret) {
		ret = ret < 0 ? -errno : -EIO;
	} else {
		/* FLBAS bits 3:0 and 6:5, LBAF[i].LBADS */
		fmt = (data[26] & 0xf) | ((data[26] >> 5) & 3) << 4;
		shift = data[128 + 4 * fmt + 2];
		t->lbs = shift >= 9 && shift <= 12 ? 1u << shift : 0;
	}
	munmap(data, 4096);
out:
	close(fd);
	return ret;
}

static void prep_iop_read(struct io_uring_sqe *sqe, const struct iop_target *t,
			  int fd, char *buf, unsigned int i)
{
	struct nvme_uring_cmd *cmd;
	__u64 slba;

	if (!t->cmd) {
		uring_prep_rw(sqe, IORING_OP_READ, fd, buf + i * IOP_LEN,
			      IOP_LEN, (__u64)i * IOP_LEN, i + 1);
		return;
	}
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = fd;
	sqe->cmd_op = NVME_URING_CMD_IO;
	sqe->user_data = i + 1;
	cmd = (struct nvme_uring_cmd *)sqe->cmd;
	memset(cmd, 0, sizeof(*cmd));
	slba = (__u64)i * IOP_LEN / t->lbs;
	cmd->opcode = 0x02;		/* Read */
	cmd->nsid = t->nsid;
	cmd->addr = (__u64)(unsigned long)(buf + i * IOP_LEN);
	cmd->data_len = IOP_LEN;
	cmd->cdw10 = slba & 0xffffffff;
	cmd->cdw11 = slba >> 32;
	cmd->cdw12 = IOP_LEN / t->lbs - 1;	/* number of blocks, 0's based */
}

/* Submitter A: the reads, then stop until the parent continues it. */
static int iop_child(struct uring *r, const struct iop_target *t,
		     enum iop_mode mode)
{
	unsigned int i;
	char *buf;
	int fd;

	if (t->cmd)
		fd = open(t->ng, O_RDONLY);
	else
		fd = uring_open_blkdev(O_RDONLY | O_DIRECT, NULL, 0);
	if (fd < 0)
		return 10;
	buf = mmap(NULL, IOP_READS * IOP_LEN, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (buf == MAP_FAILED)
		return 11;
	for (i = 0; i < IOP_READS; i++) {
		struct io_uring_sqe *sqe = uring_get_sqe(r);

		if (!sqe)
			return 12;
		prep_iop_read(sqe, t, fd, buf, i);
	}
	if (uring_submit(r) != IOP_READS)
		return 13;
	raise(SIGSTOP);
	if (mode == IOP_EXEC) {
		execl("/proc/self/exe", "security", EXEC_CHILD_ARG,
		      (char *)NULL);
		return 14;
	}
	if (mode == IOP_CLOSE)
		uring_exit(r);
	return 0;
}

static void on_sigalrm(int sig)
{
	(void)sig;
}

/* GETEVENTS, interrupted by a timer (SIGALRM, no restart) after ms. */
static int getevents_within(struct uring *r, unsigned int min,
			    unsigned int ms)
{
	struct itimerval it, off;
	int ret;

	memset(&it, 0, sizeof(it));
	memset(&off, 0, sizeof(off));
	it.it_value.tv_sec = ms / 1000;
	it.it_value.tv_usec = (ms % 1000) * 1000;
	setitimer(ITIMER_REAL, &it, NULL);
	ret = sys_io_uring_enter(r->fd, 0, min, IORING_ENTER_GETEVENTS);
	setitimer(ITIMER_REAL, &off, NULL);
	return ret;
}

/* Count the CQEs there are per read; how many CQEs were consumed. */
static unsigned int iop_drain(struct __test_metadata *_metadata,
			      struct uring *r, unsigned int *count, int *res)
{
	struct io_uring_cqe cqe;
	unsigned int n = 0;

	while (!uring_try_get_cqe(r, &cqe)) {
		n++;
		if (cqe.user_data < 1 || cqe.user_data > IOP_READS) {
			TH_LOG("CQE with unknown user_data %llu, res %d",
			       (unsigned long long)cqe.user_data, cqe.res);
			count[0]++;
			continue;
		}
		count[cqe.user_data]++;
		res[cqe.user_data] = cqe.res;
	}
	return n;
}

static int wait_stopped(pid_t pid, int ms, int *status)
{
	long long deadline = uring_now_ms() + ms;
	pid_t ret;

	for (;;) {
		ret = waitpid(pid, status, WUNTRACED | WNOHANG);
		if (ret == pid)
			return WIFSTOPPED(*status) ? 0 : -ECHILD;
		if (ret < 0)
			return -errno;
		if (uring_now_ms() >= deadline)
			return -ETIME;
		usleep(1000);
	}
}

/* Variants: sync cancel, close or exec; block reads or NVMe commands. */
FIXTURE(iopoll_reaped_then_cancelled) {
};

FIXTURE_VARIANT(iopoll_reaped_then_cancelled) {
	enum iop_mode mode;
	bool cmd;
};

FIXTURE_VARIANT_ADD(iopoll_reaped_then_cancelled, sync_cancel) {
	.mode = IOP_SYNC_CANCEL,
};

FIXTURE_VARIANT_ADD(iopoll_reaped_then_cancelled, close) {
	.mode = IOP_CLOSE,
};

FIXTURE_VARIANT_ADD(iopoll_reaped_then_cancelled, exec) {
	.mode = IOP_EXEC,
};

FIXTURE_VARIANT_ADD(iopoll_reaped_then_cancelled, uring_cmd_sync_cancel) {
	.mode = IOP_SYNC_CANCEL, .cmd = true,
};

FIXTURE_VARIANT_ADD(iopoll_reaped_then_cancelled, uring_cmd_close) {
	.mode = IOP_CLOSE, .cmd = true,
};

FIXTURE_SETUP(iopoll_reaped_then_cancelled)
{
}

FIXTURE_TEARDOWN(iopoll_reaped_then_cancelled)
{
}

/*
 * An IOPOLL ring shared by a parent B and a child A. A opens the NVMe
 * namespace O_DIRECT, submits 4 KiB READs (or NVMe read commands through
 * IORING_OP_URING_CMD on the char device, SQE128|CQE32) and stops itself
 * (SIGSTOP). B enters with GETEVENTS, min_complete=1: it polls the device
 * and reaps A's requests (whose completion may then wait as task_work for
 * the stopped A). Then B either cancels synchronously
 * (IORING_REGISTER_SYNC_CANCEL, IORING_ASYNC_CANCEL_ANY, 100 ms timeout),
 * or closes the ring in both processes, or continues A, which execs at
 * once. The buggy kernel found the reaped request still on a list and hit
 * a general protection fault on list poison (and would post its CQE
 * twice). 6.12: no splat; the sync cancel returns -ENOENT, -EALREADY or
 * -ETIME; once A runs again exactly one CQE per read, res 4096 (0 for the
 * NVMe command), or -ECANCELED where the exec cancelled it.
 */
TEST_F(iopoll_reaped_then_cancelled, one_cqe_per_read)
{
	struct iop_target t = { .cmd = variant->cmd, .lbs = 512 };
	unsigned int count[IOP_READS + 1] = { 0 }, seen = 0, flags, i;
	int res[IOP_READS + 1] = { 0 }, status = 0, ret, ok_res;
	struct io_uring_sync_cancel_reg reg;
	bool closed = false, cancelled_ok;
	struct sigaction sa;
	long long deadline;
	char why[256];
	struct uring r;
	pid_t pid;

	flags = IORING_SETUP_IOPOLL;
	if (t.cmd) {
		if (uring_blkdev_ng_path(t.ng, sizeof(t.ng), why, sizeof(why)))
			SKIP(return, "%s", why);
		ret = nvme_ns_info(&t);
		ASSERT_EQ(0, ret) TH_LOG("NVMe namespace identify: %d", ret);
		if (t.lbs < 512 || t.lbs > IOP_LEN)
			SKIP(return, "logical block size %u", t.lbs);
		flags |= IORING_SETUP_SQE128 | IORING_SETUP_CQE32;
	} else {
		ret = uring_open_blkdev(O_RDONLY | O_DIRECT, why, sizeof(why));
		if (ret < 0)
			SKIP(return, "%s", why);
		close(ret);
	}
	ASSERT_EQ(0, uring_init(&r, 8, flags));
	if (t.cmd && !uring_op_supported(&r, IORING_OP_URING_CMD))
		SKIP(return, "IORING_OP_URING_CMD not supported");
	ok_res = t.cmd ? 0 : IOP_LEN;
	cancelled_ok = variant->mode == IOP_EXEC;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigalrm;
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		alarm(2 * URING_WAIT_SECS);
		_exit(iop_child(&r, &t, variant->mode));
	}
	ret = wait_stopped(pid, WAIT_MS, &status);
	if (ret) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	ASSERT_EQ(0, ret) TH_LOG("child did not stop: status %#x", status);
	uring_sq_resync(&r);

	/* B polls and reaps A's requests */
	for (i = 0; i < IOP_READS && seen < IOP_READS; i++) {
		ret = getevents_within(&r, 1, 1000);
		seen += iop_drain(_metadata, &r, count, res);
		if (ret < 0) {
			TH_LOG("GETEVENTS while A is stopped: %d", ret);
			break;
		}
	}
	TH_LOG("%u CQEs visible while A is stopped", seen);

	switch (variant->mode) {
	case IOP_SYNC_CANCEL:
		memset(&reg, 0, sizeof(reg));
		reg.fd = -1;
		reg.flags = IORING_ASYNC_CANCEL_ANY;
		reg.timeout.tv_nsec = 100 * 1000000;
		ret = sys_io_uring_register(r.fd, IORING_REGISTER_SYNC_CANCEL,
					    &reg, 1);
		TH_LOG("IORING_REGISTER_SYNC_CANCEL: %d", ret);
		EXPECT_TRUE(ret == -ENOENT || ret == -EALREADY ||
			    ret == -ETIME || ret >= 0);
		if (ret >= 0)
			cancelled_ok = true;
		break;
	case IOP_CLOSE:
		uring_exit(&r);
		closed = true;
		break;
	case IOP_EXEC:
		break;
	}

	kill(pid, SIGCONT);
	status = wait_child_ms(pid, WAIT_MS);
	ASSERT_NE(-1, status) TH_LOG("child did not finish");
	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("child status %#x", status);
	EXPECT_EQ(0, WEXITSTATUS(status));
	if (closed) {
		/* its teardown runs now: give it the time to splat */
		usleep(200000);
		return;
	}

	deadline = uring_now_ms() + WAIT_MS;
	while (seen < IOP_READS && uring_now_ms() < deadline) {
		getevents_within(&r, 0, 200);
		seen += iop_drain(_metadata, &r, count, res);
		usleep(1000);
	}
	/* and no second CQE for any of them */
	deadline = uring_now_ms() + QUIET_MS;
	while (uring_now_ms() < deadline) {
		getevents_within(&r, 0, 200);
		seen += iop_drain(_metadata, &r, count, res);
		usleep(1000);
	}
	EXPECT_EQ(0, count[0]);
	for (i = 1; i <= IOP_READS; i++) {
		EXPECT_EQ(1, count[i]) TH_LOG("read %u: %u CQEs", i, count[i]);
		if (count[i])
			EXPECT_TRUE(res[i] == ok_res ||
				    (cancelled_ok && res[i] == -ECANCELED))
				TH_LOG("read %u: res %d", i, res[i]);
	}
	uring_exit(&r);
}

/* --- 5. an attached SQ thread runs each ring with its creator's creds --- */

struct creds_paths {
	char secret[PATH_MAX];	/* root's, 0600 */
	char public[PATH_MAX];	/* root's, 0644 */
};

/* OPENAT of path for reading; *res is the CQE's res (any fd is closed). */
static int ring_openat(struct uring *r, const char *path, __u16 personality,
		       int *res)
{
	struct io_uring_sqe *sqe = uring_get_sqe(r);
	struct io_uring_cqe cqe;
	int ret;

	if (!sqe)
		return -EBUSY;
	sqe->opcode = IORING_OP_OPENAT;
	sqe->fd = AT_FDCWD;
	sqe->addr = (__u64)(unsigned long)path;
	sqe->open_flags = O_RDONLY | O_CLOEXEC;
	sqe->personality = personality;
	sqe->user_data = 0x0bad;
	ret = submit_get_cqe(r, &cqe, WAIT_MS);
	if (ret)
		return ret;
	*res = cqe.res;
	if (cqe.res >= 0)
		close(cqe.res);
	return 0;
}

/* READ of path with a real-time I/O priority (CAP_SYS_ADMIN's alone). */
static int ring_read_rt(struct uring *r, const char *path, int *res)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	char buf[16];
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	sqe = uring_get_sqe(r);
	if (!sqe) {
		close(fd);
		return -EBUSY;
	}
	uring_prep_rw(sqe, IORING_OP_READ, fd, buf, sizeof(buf), 0, 0x0bad);
	sqe->ioprio = 1 << 13;	/* IOPRIO_PRIO_VALUE(IOPRIO_CLASS_RT, 0) */
	ret = submit_get_cqe(r, &cqe, WAIT_MS);
	close(fd);
	if (!ret)
		*res = cqe.res;
	return ret;
}

static int creds_child(void *data)
{
	const struct creds_paths *cp = data;
	struct io_uring_params p;
	struct uring r1, r2;
	int ret, res = 0, fd, pers;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL;
	p.sq_thread_idle = 50;
	ret = uring_init_params(&r1, 4, &p);
	CHILD_SKIP_IF(ret == -EINVAL || ret == -EOPNOTSUPP,
		      "IORING_SETUP_SQPOLL not supported");
	CHILD_CHECK(ret == 0, ret);
	ret = ring_openat(&r1, cp->secret, 0, &res);
	CHILD_CHECK(ret == 0, ret);
	CHILD_CHECK(res >= 0, res);

	/*
	 * Past sq_thread_idle: the thread is asleep when R2 joins it, and
	 * R2 must still ask for a wakeup (it once did not: no CQE ever).
	 */
	usleep(200 * 1000);
	ret = drop_to_nobody();
	CHILD_CHECK(ret == 0, ret);
	fd = open(cp->public, O_RDONLY | O_CLOEXEC);
	CHILD_SKIP_IF(fd < 0, "uid 65534 cannot reach the test directory");
	close(fd);
	fd = open(cp->secret, O_RDONLY | O_CLOEXEC);
	CHILD_CHECK(fd < 0 && errno == EACCES, fd);

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL | IORING_SETUP_ATTACH_WQ;
	p.wq_fd = r1.fd;
	p.sq_thread_idle = 50;
	ret = uring_init_params(&r2, 4, &p);
	CHILD_CHECK(ret == 0, ret);

	/* the control: what uid 65534 may open, it opens */
	ret = ring_openat(&r2, cp->public, 0, &res);
	CHILD_CHECK(ret == 0, ret);
	CHILD_CHECK(res >= 0, res);
	/* R2 is uid 65534's, although root's SQ thread runs it */
	ret = ring_openat(&r2, cp->secret, 0, &res);
	CHILD_CHECK(ret == 0, ret);
	CHILD_CHECK(res == -EACCES, res);
	/* R1 stays root's */
	ret = ring_openat(&r1, cp->secret, 0, &res);
	CHILD_CHECK(ret == 0, ret);
	CHILD_CHECK(res >= 0, res);
	/* a personality registered on R2 by uid 65534 is uid 65534 */
	pers = sys_io_uring_register(r2.fd, IORING_REGISTER_PERSONALITY,
				     NULL, 0);
	CHILD_CHECK(pers > 0, pers);
	ret = ring_openat(&r2, cp->secret, pers, &res);
	CHILD_CHECK(ret == 0, ret);
	CHILD_CHECK(res == -EACCES, res);
	/* prep checks run as R2's creator too: a real-time ioprio is root's */
	ret = ring_read_rt(&r2, cp->public, &res);
	CHILD_CHECK(ret == 0, ret);
	CHILD_CHECK(res == -EPERM, res);

	uring_exit(&r2);
	uring_exit(&r1);
	return 0;
}

/*
 * A root process sets up an SQPOLL ring R1, drops to uid/gid 65534 (the
 * same process) and sets up R2 with IORING_SETUP_SQPOLL|ATTACH_WQ on R1:
 * R2 shares R1's SQ thread, which root created. An OPENAT on R2 of a root
 * 0600 file: 6.12 fails it with -EACCES (each ring's requests run with its
 * creator's credentials; the buggy kernel ran them with the SQ thread's,
 * and opened the file). On R1 the same OPENAT succeeds; with a personality
 * registered on R2 by uid 65534 it is -EACCES too; a file uid 65534 may
 * read opens on R2.
 */
TEST(attach_wq_creds)
{
	struct child_report rep;
	struct creds_paths *cp;
	char dir[64], cwd[PATH_MAX - 128];
	int status, fd;

	if (geteuid() != 0)
		SKIP(return, "needs root to become uid %d", NOBODY);
	cp = calloc(1, sizeof(*cp));
	ASSERT_NE(NULL, cp);
	ASSERT_NE(NULL, getcwd(cwd, sizeof(cwd)));
	snprintf(dir, sizeof(dir), "creds-%d", (int)getpid());
	ASSERT_EQ(0, mkdir(dir, 0755));
	ASSERT_EQ(0, chmod(dir, 0755));
	snprintf(cp->secret, sizeof(cp->secret), "%s/%s/secret", cwd, dir);
	snprintf(cp->public, sizeof(cp->public), "%s/%s/public", cwd, dir);
	fd = open(cp->secret, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fchmod(fd, 0600));
	ASSERT_EQ(7, write(fd, "secret\n", 7));
	close(fd);
	fd = open(cp->public, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fchmod(fd, 0644));
	close(fd);

	status = run_reporting(creds_child, cp, 2 * WAIT_MS, &rep);
	unlink(cp->secret);
	unlink(cp->public);
	rmdir(dir);
	free(cp);
	if (child_skipped(status))
		SKIP(return, "%s", rep.what);
	EXPECT_TRUE(child_ok(_metadata, status, &rep));
}

/* --- 6. zero-copy sends on a socket that cannot do them --- */

#define UD_ZC	0x2c

static void prep_zc(struct io_uring_sqe *sqe, __u8 op, int fd, void *buf,
		    unsigned int len, struct msghdr *msg, struct iovec *iov)
{
	if (op == IORING_OP_SEND_ZC) {
		uring_prep_rw(sqe, op, fd, buf, len, 0, UD_ZC);
		return;
	}
	memset(msg, 0, sizeof(*msg));
	iov->iov_base = buf;
	iov->iov_len = len;
	msg->msg_iov = iov;
	msg->msg_iovlen = 1;
	uring_prep_rw(sqe, op, fd, msg, 1, 0, UD_ZC);
}

/*
 * One SEND_ZC or SENDMSG_ZC on the AF_UNIX socket sv[0]: -EOPNOTSUPP, a
 * notification after it if and only if it has F_MORE, no data at sv[1].
 */
static void zc_unsupported(struct __test_metadata *_metadata,
			   struct uring *r, __u8 op, __u8 flags, int *sv,
			   const char *what)
{
	static char payload[16] = "zero copy data";
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	struct msghdr msg;
	struct iovec iov;
	char buf[64];
	bool more;

	sqe = uring_get_sqe(r);
	ASSERT_NE(NULL, sqe);
	prep_zc(sqe, op, sv[0], payload, sizeof(payload), &msg, &iov);
	sqe->flags = flags;
	ASSERT_EQ(1, uring_submit(r));
	ASSERT_EQ(0, uring_get_cqe_ms(r, &cqe, WAIT_MS))
		TH_LOG("%s: no CQE", what);
	EXPECT_EQ(UD_ZC, cqe.user_data);
	EXPECT_FALSE(cqe.flags & IORING_CQE_F_NOTIF)
		TH_LOG("%s: a notification came first", what);
	EXPECT_EQ(-EOPNOTSUPP, cqe.res) TH_LOG("%s: res %d", what, cqe.res);
	more = cqe.flags & IORING_CQE_F_MORE;
	TH_LOG("%s: res %d, IORING_CQE_F_MORE %s", what, cqe.res,
	       more ? "set" : "clear");
	if (more) {
		ASSERT_EQ(0, uring_get_cqe_ms(r, &cqe, WAIT_MS))
			TH_LOG("%s: F_MORE but no notification", what);
		EXPECT_EQ(UD_ZC, cqe.user_data);
		EXPECT_TRUE(cqe.flags & IORING_CQE_F_NOTIF)
			TH_LOG("%s: second CQE flags %#x", what, cqe.flags);
		EXPECT_FALSE(cqe.flags & IORING_CQE_F_MORE);
	}
	EXPECT_EQ(-ETIME, uring_get_cqe_ms(r, &cqe, QUIET_MS))
		TH_LOG("%s: extra CQE: res %d flags %#x", what, cqe.res,
		       cqe.flags);
	EXPECT_EQ(-1, recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT))
		TH_LOG("%s: data arrived at the peer", what);
	EXPECT_EQ(EAGAIN, errno);
}

/* A connected TCP pair over 127.0.0.1: *cfd connected to *afd. */
static int tcp_pair(int *cfd, int *afd)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int lfd, ret = -1;

	*cfd = -1;
	*afd = -1;
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    listen(lfd, 1) ||
	    getsockname(lfd, (struct sockaddr *)&sin, &len))
		goto out;
	*cfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (*cfd < 0 || connect(*cfd, (struct sockaddr *)&sin, sizeof(sin)))
		goto out;
	*afd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (*afd >= 0)
		ret = 0;
out:
	close(lfd);
	return ret;
}

/*
 * IORING_OP_SEND_ZC and IORING_OP_SENDMSG_ZC (inline and IOSQE_ASYNC) on an
 * AF_UNIX stream socketpair, which does not support zero copy: 6.12 fails
 * the request with -EOPNOTSUPP and nothing arrives at the peer. If that
 * first CQE has IORING_CQE_F_MORE, exactly one IORING_CQE_F_NOTIF CQE
 * follows, and then nothing (whether it is set is logged). The control:
 * SEND_ZC over TCP loopback sends its 4 KiB, with F_MORE, then one
 * notification.
 */
TEST(send_zc_not_supported)
{
	static char payload[4096], got[4096];
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	struct uring r;
	int sv[2], cfd, afd;

	ASSERT_EQ(0, uring_init(&r, 8, 0));
	if (!uring_op_supported(&r, IORING_OP_SEND_ZC) ||
	    !uring_op_supported(&r, IORING_OP_SENDMSG_ZC))
		SKIP(return, "SEND_ZC or SENDMSG_ZC not supported");
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	zc_unsupported(_metadata, &r, IORING_OP_SEND_ZC, 0, sv,
		       "SEND_ZC on AF_UNIX");
	zc_unsupported(_metadata, &r, IORING_OP_SEND_ZC, IOSQE_ASYNC, sv,
		       "SEND_ZC on AF_UNIX, IOSQE_ASYNC");
	zc_unsupported(_metadata, &r, IORING_OP_SENDMSG_ZC, 0, sv,
		       "SENDMSG_ZC on AF_UNIX");
	zc_unsupported(_metadata, &r, IORING_OP_SENDMSG_ZC, IOSQE_ASYNC, sv,
		       "SENDMSG_ZC on AF_UNIX, IOSQE_ASYNC");
	close(sv[0]);
	close(sv[1]);

	ASSERT_EQ(0, tcp_pair(&cfd, &afd)) TH_LOG("TCP loopback: %s",
						  strerror(errno));
	memset(payload, 'z', sizeof(payload));
	sqe = uring_get_sqe(&r);
	ASSERT_NE(NULL, sqe);
	uring_prep_rw(sqe, IORING_OP_SEND_ZC, cfd, payload, sizeof(payload), 0,
		      UD_ZC);
	ASSERT_EQ(1, uring_submit(&r));
	ASSERT_EQ(0, uring_get_cqe_ms(&r, &cqe, WAIT_MS));
	EXPECT_EQ(UD_ZC, cqe.user_data);
	EXPECT_EQ(sizeof(payload), cqe.res);
	EXPECT_TRUE(cqe.flags & IORING_CQE_F_MORE);
	EXPECT_FALSE(cqe.flags & IORING_CQE_F_NOTIF);
	EXPECT_EQ(sizeof(got), read_within(afd, got, sizeof(got), WAIT_MS));
	EXPECT_EQ(0, memcmp(payload, got, sizeof(got)));
	ASSERT_EQ(0, uring_get_cqe_ms(&r, &cqe, WAIT_MS))
		TH_LOG("TCP: no notification");
	EXPECT_EQ(UD_ZC, cqe.user_data);
	EXPECT_TRUE(cqe.flags & IORING_CQE_F_NOTIF);
	EXPECT_FALSE(cqe.flags & IORING_CQE_F_MORE);
	EXPECT_EQ(-ETIME, uring_get_cqe_ms(&r, &cqe, QUIET_MS));
	close(cfd);
	close(afd);
	uring_exit(&r);
}

/* --- 7. registered ring fds and the ring's restrictions / issuer --- */

/* IORING_REGISTER_RING_FDS of ring_fd itself, at any free index. */
static int register_ring_fd(int ring_fd, unsigned int *index)
{
	struct io_uring_rsrc_update up;
	int ret;

	memset(&up, 0, sizeof(up));
	up.offset = -1U;
	up.data = ring_fd;
	ret = sys_io_uring_register(ring_fd, IORING_REGISTER_RING_FDS, &up, 1);
	if (ret == 1 && index)
		*index = up.offset;
	return ret;
}

static int unregister_ring_fd(int ring_fd, unsigned int index)
{
	struct io_uring_rsrc_update up;

	memset(&up, 0, sizeof(up));
	up.offset = index;
	return sys_io_uring_register(ring_fd, IORING_UNREGISTER_RING_FDS,
				     &up, 1);
}

struct ringfd_call {
	int fd;
	int ret;
};

static void *ringfd_thread(void *data)
{
	struct ringfd_call *c = data;

	c->ret = register_ring_fd(c->fd, NULL);
	return NULL;
}

static int ringfd_child(void *data)
{
	int ret = register_ring_fd(*(int *)data, NULL);

	CHILD_CHECK(ret == -EEXIST, ret);
	return 0;
}

/*
 * (a) A ring set up IORING_SETUP_R_DISABLED, restricted to the register
 * op IORING_REGISTER_PROBE and the SQE op IORING_OP_NOP, then enabled:
 * IORING_REGISTER_RING_FDS and IORING_UNREGISTER_RING_FDS of it fail with
 * -EACCES like any register op not allowed. (b) An
 * IORING_SETUP_SINGLE_ISSUER ring (enabled at setup: its creator is the
 * issuer): IORING_REGISTER_RING_FDS from a forked child or another thread
 * fails with -EEXIST. 6.12 does both; the creator itself may register it.
 */
TEST(ring_fds_obey_restrictions)
{
	struct io_uring_restriction res[2];
	struct {
		struct io_uring_probe p;
		struct io_uring_probe_op ops[256];
	} probe;
	struct child_report rep;
	struct io_uring_cqe cqe;
	struct ringfd_call call;
	struct iovec iov;
	unsigned int index;
	pthread_t th;
	struct uring r;
	char buf[64];
	int status;

	ASSERT_EQ(0, uring_init(&r, 4, IORING_SETUP_R_DISABLED));
	memset(res, 0, sizeof(res));
	res[0].opcode = IORING_RESTRICTION_REGISTER_OP;
	res[0].register_op = IORING_REGISTER_PROBE;
	res[1].opcode = IORING_RESTRICTION_SQE_OP;
	res[1].sqe_op = IORING_OP_NOP;
	ASSERT_EQ(0, sys_io_uring_register(r.fd, IORING_REGISTER_RESTRICTIONS,
					   res, 2));
	ASSERT_EQ(0, sys_io_uring_register(r.fd, IORING_REGISTER_ENABLE_RINGS,
					   NULL, 0));
	/* what is allowed works, what is not does not */
	memset(&probe, 0, sizeof(probe));
	EXPECT_EQ(0, sys_io_uring_register(r.fd, IORING_REGISTER_PROBE, &probe,
					   256));
	iov.iov_base = buf;
	iov.iov_len = sizeof(buf);
	EXPECT_EQ(-EACCES, sys_io_uring_register(r.fd,
						 IORING_REGISTER_BUFFERS,
						 &iov, 1));
	ASSERT_EQ(0, uring_queue_nop(&r, 1, 0));
	ASSERT_EQ(1, uring_submit(&r));
	ASSERT_EQ(0, uring_get_cqe_ms(&r, &cqe, WAIT_MS));
	EXPECT_EQ(0, cqe.res);

	EXPECT_EQ(-EACCES, register_ring_fd(r.fd, NULL));
	EXPECT_EQ(-EACCES, unregister_ring_fd(r.fd, 0));
	uring_exit(&r);

	/* (b) */
	ASSERT_EQ(0, uring_init(&r, 4, IORING_SETUP_SINGLE_ISSUER));
	status = run_reporting(ringfd_child, &r.fd, WAIT_MS, &rep);
	EXPECT_TRUE(child_ok(_metadata, status, &rep))
		TH_LOG("REGISTER_RING_FDS from a forked child");
	call.fd = r.fd;
	call.ret = 0;
	ASSERT_EQ(0, pthread_create(&th, NULL, ringfd_thread, &call));
	ASSERT_EQ(0, pthread_join(th, NULL));
	EXPECT_EQ(-EEXIST, call.ret)
		TH_LOG("REGISTER_RING_FDS from another thread: %d", call.ret);
	/* the control: the issuer may */
	ASSERT_EQ(1, register_ring_fd(r.fd, &index));
	EXPECT_EQ(1, unregister_ring_fd(r.fd, index));
	uring_exit(&r);
}

/* --- 8. pinned memory is charged to the ring's creator --- */

#define MEMLOCK_LIMIT	(64 << 10)

struct memlock_sync {
	int ready[2];		/* child -> parent: its ring fd number */
	int go[2];		/* parent -> child: registrations done */
};

static int memlock_child(void *data)
{
	struct rlimit rl = { MEMLOCK_LIMIT, MEMLOCK_LIMIT };
	struct memlock_sync *s = data;
	char *big, *small, go;
	struct iovec iov;
	struct uring r;
	long base, kb;
	int ret;

	close(s->ready[0]);
	close(s->go[1]);
	big = alloc_anon(1 << 20);
	small = alloc_anon(32 << 10);
	CHILD_CHECK(big && small, -ENOMEM);
	ret = setrlimit(RLIMIT_MEMLOCK, &rl);
	CHILD_CHECK(ret == 0, -errno);
	ret = drop_to_nobody();
	CHILD_CHECK(ret == 0, ret);
	ret = uring_init(&r, 4, 0);
	CHILD_SKIP_IF(ret == -EPERM || ret == -EACCES,
		      "io_uring_setup refused to uid 65534");
	CHILD_CHECK(ret == 0, ret);
	ret = write(s->ready[1], &r.fd, sizeof(r.fd));
	CHILD_CHECK(ret == sizeof(r.fd), ret);
	ret = read_within(s->go[0], &go, 1, 2 * WAIT_MS);
	CHILD_CHECK(ret == 1, ret);

	base = uring_vmpin_kb(0);
	CHILD_CHECK(base >= 0, base);
	/* 1 MiB is over uid 65534's 64 KiB, whoever registered first */
	iov.iov_base = big;
	iov.iov_len = 1 << 20;
	ret = sys_io_uring_register(r.fd, IORING_REGISTER_BUFFERS, &iov, 1);
	if (ret == 0)
		sys_io_uring_register(r.fd, IORING_UNREGISTER_BUFFERS, NULL, 0);
	CHILD_CHECK(ret == -ENOMEM, ret);
	/* 32 KiB fits, and shows in our VmPin */
	iov.iov_base = small;
	iov.iov_len = 32 << 10;
	ret = sys_io_uring_register(r.fd, IORING_REGISTER_BUFFERS, &iov, 1);
	CHILD_CHECK(ret == 0, ret);
	kb = uring_vmpin_kb(0);
	CHILD_CHECK(kb == base + 32, kb - base);
	ret = sys_io_uring_register(r.fd, IORING_UNREGISTER_BUFFERS, NULL, 0);
	CHILD_CHECK(ret == 0, ret);
	uring_exit(&r);
	return 0;
}

/*
 * A child drops to uid 65534 with RLIMIT_MEMLOCK at 64 KiB and sets up a
 * ring; root (with CAP_IPC_LOCK) takes a copy of the ring fd
 * (pidfd_getfd: io_uring fds cannot be passed with SCM_RIGHTS), registers
 * a 4 KiB buffer on it first and unregisters it. Then the child registers
 * 1 MiB: 6.12 charges pinned memory to the ring's creator (uid 65534, its
 * mm), whoever registers, so this fails with -ENOMEM (the buggy kernel
 * made the first registrant, root, the payer for good, and let it
 * through). 32 KiB fits and shows in the child's VmPin; root's 4 KiB
 * showed in the child's VmPin too, not in root's.
 */
TEST(memlock_charged_to_creator)
{
	size_t pg = uring_page_size();
	struct child_report rep;
	struct memlock_sync s;
	long c0, c1, p0, p1;
	int status, ringfd, fdnum, p[2], ret;
	struct iovec iov;
	char *buf;
	pid_t pid;

	if (geteuid() != 0)
		SKIP(return, "needs root to become uid %d", NOBODY);
	buf = alloc_anon(pg);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, pipe2(s.ready, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(s.go, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC | O_NONBLOCK));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(p[0]);
		report_fd = p[1];
		alarm(3 * URING_WAIT_SECS);
		_exit(memlock_child(&s));
	}
	close(p[1]);
	close(s.ready[1]);
	close(s.go[0]);

	ret = read_within(s.ready[0], &fdnum, sizeof(fdnum), WAIT_MS);
	if (ret == sizeof(fdnum)) {
		ringfd = grab_fd(pid, fdnum);
		EXPECT_LE(0, ringfd) TH_LOG("pidfd_getfd: %d", ringfd);
		if (ringfd >= 0) {
			c0 = uring_vmpin_kb(pid);
			p0 = uring_vmpin_kb(0);
			iov.iov_base = buf;
			iov.iov_len = pg;
			EXPECT_EQ(0, sys_io_uring_register(ringfd,
							   IORING_REGISTER_BUFFERS,
							   &iov, 1));
			c1 = uring_vmpin_kb(pid);
			p1 = uring_vmpin_kb(0);
			EXPECT_EQ(c0 + (long)(pg >> 10), c1)
				TH_LOG("creator's VmPin %ld -> %ld kB", c0, c1);
			EXPECT_EQ(p0, p1)
				TH_LOG("registrant's VmPin %ld -> %ld kB", p0,
				       p1);
			EXPECT_EQ(0, sys_io_uring_register(ringfd,
							   IORING_UNREGISTER_BUFFERS,
							   NULL, 0));
			EXPECT_EQ(c0, uring_vmpin_kb(pid));
			close(ringfd);
		}
		EXPECT_EQ(1, write(s.go[1], "g", 1));
	}
	close(s.go[1]);
	close(s.ready[0]);
	status = wait_child_ms(pid, 3 * WAIT_MS);
	if (read(p[0], &rep, sizeof(rep)) != sizeof(rep)) {
		memset(&rep, 0, sizeof(rep));
		rep.line = -1;
	}
	close(p[0]);
	munmap(buf, pg);
	if (child_skipped(status))
		SKIP(return, "%s", rep.what);
	EXPECT_EQ(sizeof(fdnum), ret) TH_LOG("no ring fd from the child");
	EXPECT_TRUE(child_ok(_metadata, status, &rep));
}

/*
 * POLL_ADD with IORING_POLL_ADD_MULTI on a file with no wait queue (a
 * regular file: always ready, it never tells of a change) reports once and
 * ends, without IORING_CQE_F_MORE, as 6.12 does; it used to stay parked
 * after one CQE with F_MORE, until cancelled.
 */
TEST(poll_multishot_no_waitqueue)
{
	struct io_uring_cqe cqe;
	struct uring r;
	int fd;

	ASSERT_EQ(0, uring_init(&r, 8, 0));
	fd = open("poll-file", O_CREAT | O_TRUNC | O_RDWR, 0600);
	ASSERT_LE(0, fd);
	unlink("poll-file");
	uring_prep_poll_add(uring_get_sqe(&r), fd, POLLIN,
			    IORING_POLL_ADD_MULTI, 1);
	ASSERT_EQ(1, uring_submit(&r));
	ASSERT_EQ(0, uring_get_cqe_ms(&r, &cqe, WAIT_MS));
	EXPECT_EQ(1, cqe.user_data);
	EXPECT_TRUE(cqe.res & POLLIN) TH_LOG("res %#x", cqe.res);
	EXPECT_FALSE(cqe.flags & IORING_CQE_F_MORE);
	/* nothing left to cancel */
	uring_prep_cancel(uring_get_sqe(&r), 1, -1, 0, 2);
	ASSERT_EQ(1, uring_submit(&r));
	ASSERT_EQ(0, uring_get_cqe_ms(&r, &cqe, WAIT_MS));
	EXPECT_EQ(2, cqe.user_data);
	EXPECT_EQ(-ENOENT, cqe.res);
	EXPECT_EQ(-ETIME, uring_get_cqe_ms(&r, &cqe, QUIET_MS));
	close(fd);
	uring_exit(&r);
}

/*
 * An epoll watching a timerfd and the eventfd registered with a
 * DEFER_TASKRUN ring, and a multishot POLL_ADD of that epoll on the ring.
 * Each timer tick wakes the epoll's waiters with its wait queue lock held;
 * the poll queues its completion for the task and signalled the ring's
 * eventfd right there, whose wakeup comes back to the same epoll and its
 * held lock: lockdep's "circular locking dependency", and on a kernel
 * without lockdep a CPU spinning with interrupts off. The signal is now
 * put off to a worker when interrupts are off; the CQEs keep coming.
 */
TEST(eventfd_epoll_wakeup_loop)
{
	struct itimerspec its = {
		.it_value.tv_nsec = 2 * 1000 * 1000,
		.it_interval.tv_nsec = 2 * 1000 * 1000,
	};
	struct epoll_event ev = { .events = EPOLLIN };
	struct io_uring_cqe cqe;
	struct uring r;
	int efd, tfd, ep, i;

	ASSERT_EQ(0, uring_init(&r, 8, IORING_SETUP_SINGLE_ISSUER |
					IORING_SETUP_DEFER_TASKRUN));
	efd = eventfd(0, EFD_NONBLOCK);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	ep = epoll_create1(0);
	ASSERT_LE(0, efd);
	ASSERT_LE(0, tfd);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev));
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev));
	ASSERT_EQ(0, sys_io_uring_register(r.fd, IORING_REGISTER_EVENTFD,
					   &efd, 1));
	uring_prep_poll_add(uring_get_sqe(&r), ep, POLLIN,
			    IORING_POLL_ADD_MULTI, 1);
	ASSERT_EQ(1, uring_submit(&r));
	ASSERT_EQ(0, timerfd_settime(tfd, 0, &its, NULL));
	/* every tick is a chance for the loop: a few dozen of them */
	for (i = 0; i < 50; i++) {
		ASSERT_EQ(0, uring_get_cqe_ms(&r, &cqe, WAIT_MS));
		ASSERT_EQ(1, cqe.user_data);
		ASSERT_TRUE(cqe.res > 0 && (cqe.res & POLLIN))
			TH_LOG("res %d", cqe.res);
		if (!(cqe.flags & IORING_CQE_F_MORE)) {
			uring_prep_poll_add(uring_get_sqe(&r), ep, POLLIN,
					    IORING_POLL_ADD_MULTI, 1);
			ASSERT_EQ(1, uring_submit(&r));
		}
		usleep(1000);
	}
	close(ep);
	close(tfd);
	close(efd);
	uring_exit(&r);
}

TEST_HARNESS_MAIN
