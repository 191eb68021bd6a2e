// SPDX-License-Identifier: GPL-2.0
/*
 * Ring lifetime: teardown on exit/exec/kill with work outstanding, fd
 * duplication and passing, closing while mapped, fdinfo, and creating many
 * rings without leaking file descriptors.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "uring_helpers.h"

#define EXEC_CHECK_ENV	"IO_URING_SELFTEST_EXEC_FD"

/*
 * When re-executed by exec_self_closes_ring, only check that the ring fd
 * did not survive exec (io_uring fds are always close-on-exec).
 */
static void __attribute__((constructor)) exec_check(void)
{
	const char *env = getenv(EXEC_CHECK_ENV);
	int fd;

	if (!env)
		return;
	fd = atoi(env);
	if (fcntl(fd, F_GETFD) == -1 && errno == EBADF)
		_exit(0);
	_exit(1);
}

#define EXITED_OK(status) ({						\
	int __st = (status);						\
	__st != -1 && WIFEXITED(__st) && WEXITSTATUS(__st) == 0;	\
})

/*
 * Children exiting with work outstanding on their ring. The SQPOLL variant
 * of this fixture is in engine.c.
 */
#include "child_exit_cases.h"

FIXTURE_VARIANT_ADD(child_exit, pending_cqes) {
	.flags = 0, .mode = MODE_PENDING_CQES
};

FIXTURE_VARIANT_ADD(child_exit, overflow) {
	.flags = 0, .mode = MODE_OVERFLOW
};

FIXTURE_VARIANT_ADD(child_exit, unsubmitted) {
	.flags = 0, .mode = MODE_UNSUBMITTED
};

FIXTURE_VARIANT_ADD(child_exit, killed) {
	.flags = 0, .mode = MODE_KILLED
};

FIXTURE_VARIANT_ADD(child_exit, defer_taskrun) {
	.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN,
	.mode = MODE_PENDING_CQES
};

FIXTURE_VARIANT_ADD(child_exit, defer_taskrun_overflow) {
	.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN,
	.mode = MODE_OVERFLOW
};

FIXTURE_VARIANT_ADD(child_exit, r_disabled) {
	.flags = IORING_SETUP_R_DISABLED, .mode = MODE_UNSUBMITTED
};

static int child_exec(void *data)
{
	const char *path = data;
	struct uring r;
	char env[64];
	int i;

	if (uring_init(&r, 8, 0))
		return 10;
	for (i = 0; i < 8; i++)
		if (uring_queue_nop(&r, i, 0))
			return 11;
	if (uring_submit(&r) != 8)
		return 12;
	/* and leave some SQEs unsubmitted too */
	for (i = 0; i < 4; i++)
		if (uring_queue_nop(&r, i, 0))
			return 11;
	uring_flush(&r);

	if (path) {
		execl(path, path, (char *)NULL);
	} else {
		snprintf(env, sizeof(env), EXEC_CHECK_ENV "=%d", r.fd);
		putenv(env);
		execl("/proc/self/exe", "exec-check", (char *)NULL);
	}
	return 20;
}

/* Exec of another program with NOPs done and pending tears the ring down. */
TEST(exec_bin_true)
{
	int status;

	if (access("/bin/true", X_OK))
		SKIP(return, "/bin/true not available");
	status = run_child(child_exec, "/bin/true");
	ASSERT_TRUE(EXITED_OK(status)) TH_LOG("status %#x", status);
}

/* A ring fd does not survive exec. */
TEST(exec_self_closes_ring)
{
	int status = run_child(child_exec, NULL);

	ASSERT_TRUE(EXITED_OK(status)) TH_LOG("status %#x", status);
}

/* io_uring_setup(2) returns its fd close-on-exec. */
TEST(ring_fd_cloexec)
{
	struct uring r;

	ASSERT_EQ(0, uring_init(&r, 8, 0));
	EXPECT_TRUE(fcntl(r.fd, F_GETFD) & FD_CLOEXEC);
	uring_exit(&r);
}

/* Closing the fd while mapped keeps the memory valid until munmap. */
TEST(close_while_mapped)
{
	struct io_uring_cqe cqe;
	struct uring r;
	int i;

	ASSERT_EQ(0, uring_init(&r, 8, 0));
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, uring_queue_nop(&r, i, 0));
	ASSERT_EQ(4, uring_submit_and_wait(&r, 4));
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, uring_queue_nop(&r, i, 0));
	uring_flush(&r);

	ASSERT_EQ(0, close(r.fd));
	r.fd = -1;
	/* the mappings still point at the (now released) ring */
	EXPECT_EQ(8, *r.sq_ring_entries);
	EXPECT_EQ(16, *r.cq_ring_entries);
	EXPECT_EQ(4, uring_cq_ready(&r));
	ASSERT_EQ(0, uring_try_get_cqe(&r, &cqe));
	EXPECT_EQ(0, cqe.user_data);
	memset(r.sqes, 0xa5, r.sqes_sz);
	uring_exit(&r);

	/* a fresh ring still works */
	ASSERT_EQ(0, uring_init(&r, 8, 0));
	ASSERT_EQ(0, uring_queue_nop(&r, 5, 0));
	ASSERT_EQ(1, uring_submit_and_wait(&r, 1));
	ASSERT_EQ(0, uring_get_cqe(&r, &cqe));
	EXPECT_EQ(5, cqe.user_data);
	uring_exit(&r);
}

/*
 * A closed ring is torn down without its submitter: a stopped submitter
 * (it runs no task_work) must not keep the files of the ring's cancelled
 * requests. The child shares the fd table (CLONE_FILES, its own mm):
 * it polls the pipe's read end, unmaps the ring and stops; the parent
 * closes the ring and the read end. The pipe's write end reports POLLERR
 * once the teardown has dropped the request's reference to the read end.
 */
TEST(closed_ring_stopped_submitter)
{
	struct pollfd pfd;
	struct uring r;
	int p[2], status;
	pid_t pid;

	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, uring_init(&r, 8, 0));
	pid = syscall(SYS_clone, CLONE_FILES | SIGCHLD, NULL, NULL, NULL, NULL);
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		uring_prep_poll_add(uring_get_sqe(&r), p[0], POLLIN, 0, 1);
		if (uring_submit(&r) != 1)
			_exit(1);
		uring_unmap(&r);
		raise(SIGSTOP);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, WUNTRACED));
	ASSERT_TRUE(WIFSTOPPED(status));
	close(p[0]);
	uring_exit(&r);
	pfd = (struct pollfd){ .fd = p[1] };
	EXPECT_EQ(1, poll(&pfd, 1, CHILD_TIMEOUT_MS));
	EXPECT_TRUE(pfd.revents & POLLERR);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	close(p[1]);
}

/*
 * A task killed in the middle of a long batch of slow requests issued
 * inline (PROVIDE_BUFFERS and REMOVE_BUFFERS of 65536 buffers each: a
 * minute of work in all under emulation) dies at once: it submits no more.
 */
#define SLOW_BATCH	4096
#define SLOW_NBUFS	65536

static void slow_batch_child(int ready)
{
	static char bufs[SLOW_NBUFS];
	struct io_uring_sqe *sqe;
	struct uring r;
	int i;

	if (uring_init(&r, SLOW_BATCH, 0))
		_exit(1);
	for (i = 0; i < SLOW_BATCH; i++) {
		sqe = uring_get_sqe(&r);
		if (!sqe)
			_exit(1);
		if (i & 1) {
			uring_prep_provide_buffers(sqe, NULL, 0, SLOW_NBUFS, 1,
						   0, i);
			sqe->opcode = IORING_OP_REMOVE_BUFFERS;
		} else {
			uring_prep_provide_buffers(sqe, bufs, 1, SLOW_NBUFS, 1,
						   0, i);
		}
	}
	if (write(ready, "x", 1) != 1)
		_exit(1);
	uring_submit(&r);
	_exit(0);
}

/* A task killed mid-batch dies at once, without finishing the batch. */
TEST(killed_mid_batch)
{
	long long killed;
	int p[2], status;
	pid_t pid, got;
	char c;

	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		slow_batch_child(p[1]);
	ASSERT_EQ(1, read(p[0], &c, 1));
	usleep(300 * 1000);
	killed = uring_now_ms();
	ASSERT_EQ(0, kill(pid, SIGKILL));
	do {
		got = waitpid(pid, &status, WNOHANG);
		if (!got)
			usleep(10 * 1000);
	} while (!got && uring_now_ms() - killed < 4 * CHILD_TIMEOUT_MS);
	EXPECT_EQ(pid, got) TH_LOG("killed child still alive after %lld ms",
				   uring_now_ms() - killed);
	EXPECT_GT(CHILD_TIMEOUT_MS, uring_now_ms() - killed);
	if (!got)
		waitpid(pid, &status, 0);
	close(p[0]);
	close(p[1]);
}

/* munmap first, then close. */
TEST(unmap_then_close)
{
	struct uring r;

	ASSERT_EQ(0, uring_init(&r, 8, 0));
	ASSERT_EQ(0, uring_queue_nop(&r, 1, 0));
	ASSERT_EQ(1, uring_submit(&r));
	uring_unmap(&r);
	EXPECT_EQ(0, sys_io_uring_enter(r.fd, 0, 0, IORING_ENTER_GETEVENTS));
	EXPECT_EQ(0, close(r.fd));
}

/* A dup()ed ring fd refers to the same ring. */
TEST(dup_ring_fd)
{
	struct io_uring_cqe cqe;
	struct uring r;
	int fd2;

	ASSERT_EQ(0, uring_init(&r, 8, 0));
	fd2 = dup(r.fd);
	ASSERT_GE(fd2, 0);
	close(r.fd);
	r.fd = fd2;
	ASSERT_EQ(0, uring_queue_nop(&r, 42, 0));
	ASSERT_EQ(1, uring_submit_and_wait(&r, 1));
	ASSERT_EQ(0, uring_get_cqe(&r, &cqe));
	EXPECT_EQ(42, cqe.user_data);
	EXPECT_EQ(0, cqe.res);
	uring_exit(&r);
}

/*
 * io_uring fds may not be passed with SCM_RIGHTS (upstream since 6.7,
 * enforced by net/core/scm.c through io_is_uring_fops()).
 */
TEST(scm_rights_rejected)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct msghdr msg = { };
	struct cmsghdr *cmsg;
	struct iovec iov;
	struct uring r;
	char c = 'x';
	int sv[2];

	ASSERT_EQ(0, uring_init(&r, 8, 0));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	memset(cbuf, 0, sizeof(cbuf));
	iov.iov_base = &c;
	iov.iov_len = 1;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf;
	msg.msg_controllen = sizeof(cbuf);
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &r.fd, sizeof(int));

	EXPECT_EQ(-1, sendmsg(sv[0], &msg, 0));
	EXPECT_EQ(EINVAL, errno);
	close(sv[0]);
	close(sv[1]);

	/* the ring is unaffected */
	ASSERT_EQ(0, uring_queue_nop(&r, 1, 0));
	EXPECT_EQ(1, uring_submit_and_wait(&r, 1));
	uring_exit(&r);
}

static int child_submit(void *data)
{
	struct uring *r = data;
	int ret;

	/* the parent published the SQE, we only enter */
	ret = sys_io_uring_enter(r->fd, 1, 0, 0);
	return ret == 1 ? 0 : 1;
}

/* A forked child shares the ring and may submit to it. */
TEST(fork_shared_ring)
{
	struct io_uring_cqe cqe;
	struct uring r;
	int status;

	ASSERT_EQ(0, uring_init(&r, 8, 0));
	ASSERT_EQ(0, uring_queue_nop(&r, 77, 0));
	uring_flush(&r);
	status = run_child(child_submit, &r);
	ASSERT_TRUE(EXITED_OK(status)) TH_LOG("status %#x", status);
	ASSERT_EQ(0, uring_get_cqe(&r, &cqe));
	EXPECT_EQ(77, cqe.user_data);
	EXPECT_EQ(0, cqe.res);
	uring_exit(&r);
}

static int child_enter_errno(void *data)
{
	struct uring *r = data;

	return -sys_io_uring_enter(r->fd, 1, 0, 0);
}

/* SINGLE_ISSUER rings reject submissions from other tasks. */
TEST(single_issuer_other_task)
{
	struct io_uring_cqe cqe;
	struct uring r;
	int status;

	ASSERT_EQ(0, uring_init(&r, 8, IORING_SETUP_SINGLE_ISSUER));
	ASSERT_EQ(0, uring_queue_nop(&r, 78, 0));
	uring_flush(&r);
	status = run_child(child_enter_errno, &r);
	ASSERT_NE(-1, status);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(EEXIST, WEXITSTATUS(status));
	/* the owner can still submit the pending SQE */
	ASSERT_EQ(1, sys_io_uring_enter(r.fd, 1, 1, IORING_ENTER_GETEVENTS));
	ASSERT_EQ(0, uring_get_cqe(&r, &cqe));
	EXPECT_EQ(78, cqe.user_data);
	uring_exit(&r);
}

static int child_getevents_errno(void *data)
{
	struct uring *r = data;

	return -sys_io_uring_enter(r->fd, 0, 0, IORING_ENTER_GETEVENTS);
}

/* DEFER_TASKRUN rings only let the owner task wait for completions. */
TEST(defer_taskrun_other_task)
{
	struct io_uring_cqe cqe;
	struct uring r;
	int status;

	ASSERT_EQ(0, uring_init(&r, 8, IORING_SETUP_SINGLE_ISSUER |
				IORING_SETUP_DEFER_TASKRUN));
	status = run_child(child_getevents_errno, &r);
	ASSERT_NE(-1, status);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(EEXIST, WEXITSTATUS(status));
	ASSERT_EQ(0, uring_queue_nop(&r, 79, 0));
	ASSERT_EQ(1, uring_submit_and_wait(&r, 1));
	ASSERT_EQ(0, uring_get_cqe(&r, &cqe));
	EXPECT_EQ(79, cqe.user_data);
	uring_exit(&r);
}

/*
 * A DEFER_TASKRUN ring's completions run when its task waits for them,
 * never at some other syscall's return: not even when the teardown of
 * another of the task's DEFER_TASKRUN rings has the task run that ring's
 * leftovers.
 */
TEST(defer_taskrun_runs_on_wait_only)
{
	const unsigned int flags = IORING_SETUP_SINGLE_ISSUER |
				   IORING_SETUP_DEFER_TASKRUN;
	struct io_uring_cqe cqe;
	struct uring live, closed;
	int p[2], i;

	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, uring_init(&live, 8, flags));
	uring_prep_poll_add(uring_get_sqe(&live), p[0], POLLIN, 0, 7);
	ASSERT_EQ(1, uring_submit(&live));
	ASSERT_EQ(1, write(p[1], "x", 1));
	/* the poll's completion now waits in the task's queue */
	ASSERT_EQ(0, uring_init(&closed, 8, flags));
	uring_exit(&closed);
	for (i = 0; i < 10; i++) {
		usleep(20 * 1000);
		ASSERT_EQ(0, uring_cq_ready(&live));
	}
	ASSERT_EQ(0, sys_io_uring_enter(live.fd, 0, 1, IORING_ENTER_GETEVENTS));
	ASSERT_EQ(0, uring_get_cqe(&live, &cqe));
	EXPECT_EQ(7, cqe.user_data);
	EXPECT_TRUE(cqe.res & POLLIN);
	uring_exit(&live);
	close(p[0]);
	close(p[1]);
}

static void *thread_ring(void *data)
{
	struct uring *r = data;
	int i;

	if (uring_init(r, 8, 0))
		return (void *)1;
	for (i = 0; i < 8; i++)
		if (uring_queue_nop(r, i, 0))
			return (void *)2;
	if (uring_submit(r) != 8)
		return (void *)3;
	return NULL;
}

/* The thread that created and used a ring exits; others keep using it. */
TEST(submitter_thread_exit)
{
	struct io_uring_cqe cqe;
	struct uring r;
	pthread_t t;
	void *ret;
	int i;

	ASSERT_EQ(0, pthread_create(&t, NULL, thread_ring, &r));
	ASSERT_EQ(0, pthread_join(t, &ret));
	ASSERT_EQ(NULL, ret);
	for (i = 0; i < 8; i++) {
		ASSERT_EQ(0, uring_get_cqe(&r, &cqe));
		EXPECT_EQ(i, cqe.user_data);
	}
	ASSERT_EQ(0, uring_queue_nop(&r, 100, 0));
	ASSERT_EQ(1, uring_submit_and_wait(&r, 1));
	ASSERT_EQ(0, uring_get_cqe(&r, &cqe));
	EXPECT_EQ(100, cqe.user_data);
	uring_exit(&r);
}

/* fdinfo of a ring reads fine when idle, with a backlog and when disabled. */
TEST(fdinfo)
{
	static char buf[8192];
	struct uring r;
	int i;

	ASSERT_EQ(0, uring_init(&r, 8, 0));
	EXPECT_LT(0, read_fdinfo(r.fd, buf, sizeof(buf)));

	/* with completions pending and an overflow backlog */
	for (i = 0; i < 4; i++) {
		while (!uring_queue_nop(&r, i, 0))
			;
		ASSERT_EQ(8, uring_submit(&r));
	}
	EXPECT_LT(0, read_fdinfo(r.fd, buf, sizeof(buf)));
	uring_exit(&r);

	ASSERT_EQ(0, uring_init(&r, 8, IORING_SETUP_R_DISABLED));
	EXPECT_LT(0, read_fdinfo(r.fd, buf, sizeof(buf)));
	uring_exit(&r);
	/* the SQPOLL ring part of this test is fdinfo_sqpoll in engine.c */
}

/* Count the open file descriptors below 1024. */
static int count_fds(void)
{
	int fd, n = 0;

	for (fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) != -1)
			n++;
	return n;
}

/*
 * Create and destroy many rings under a tight RLIMIT_NOFILE: every close
 * must release the fd right away, whatever the kernel defers internally.
 */
TEST(many_rings)
{
	struct io_uring_params p;
	struct io_uring_cqe cqe;
	int fds, lowest, fd, i;
	struct rlimit rl;
	struct uring r;

	fds = count_fds();
	lowest = lowest_free_fd();
	ASSERT_GE(lowest, 0);
	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &rl));
	rl.rlim_cur = lowest + 2;
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));

	for (i = 0; i < 1000; i++) {
		memset(&p, 0, sizeof(p));
		fd = sys_io_uring_setup(8, &p);
		ASSERT_EQ(lowest, fd) TH_LOG("iteration %d", i);
		close(fd);
	}
	for (i = 0; i < 200; i++) {
		ASSERT_EQ(0, uring_init(&r, 8, 0)) TH_LOG("iteration %d", i);
		ASSERT_EQ(lowest, r.fd);
		ASSERT_EQ(0, uring_queue_nop(&r, i, 0));
		ASSERT_EQ(1, uring_submit_and_wait(&r, 1));
		ASSERT_EQ(0, uring_get_cqe(&r, &cqe));
		ASSERT_EQ(i, cqe.user_data);
		uring_exit(&r);
	}
	EXPECT_EQ(fds, count_fds());
	EXPECT_EQ(lowest, lowest_free_fd());
}

/* Many rings open at the same time, closed in reverse order. */
TEST(many_rings_concurrent)
{
	const int nr = 64;
	struct io_uring_cqe cqe;
	struct uring *rings;
	int i, fds;

	rings = calloc(nr, sizeof(*rings));
	ASSERT_NE(NULL, rings);
	fds = count_fds();
	for (i = 0; i < nr; i++) {
		ASSERT_EQ(0, uring_init(&rings[i], 4, 0)) TH_LOG("ring %d", i);
		ASSERT_EQ(0, uring_queue_nop(&rings[i], i, 0));
		ASSERT_EQ(1, uring_submit(&rings[i]));
	}
	for (i = 0; i < nr; i++) {
		ASSERT_EQ(0, uring_get_cqe(&rings[i], &cqe));
		EXPECT_EQ(i, cqe.user_data);
	}
	for (i = nr - 1; i >= 0; i--)
		uring_exit(&rings[i]);
	EXPECT_EQ(fds, count_fds());
	free(rings);
}

TEST_HARNESS_MAIN
