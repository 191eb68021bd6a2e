// SPDX-License-Identifier: GPL-2.0
/*
 * Cancellation of in-flight requests when their task goes away: a child
 * process puts thousands of requests in flight (one-shot and multishot
 * polls on a pipe that never becomes ready, one hour timeouts, IOSQE_ASYNC
 * pipe reads, SPLICEs blocked in io-wq workers, link chains ending in a
 * LINK_TIMEOUT) and then exits, is killed or execs. Nothing may hang, no
 * io_uring thread may survive, and the requests must be freed again.
 *
 * When the ring is shared with the parent, the parent's ring must end up
 * with a completion for every one of the child's requests.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "kselftest_harness.h"
#include "uring_helpers.h"

/* argv[1] of this program re-executed by a child (see exec_child()) */
#define EXEC_CHILD_ARG	"--exit-cancel-exec-child"

/* Upper bound for a child to set up, and for it to be gone again. */
#define CHILD_MS	10000

/*
 * Not in the uapi headers. A SPLICE blocked in an io-wq worker of a task
 * that exits completes with -EINTR on 6.12, but upstream 6.18 lets the
 * internal -ERESTARTSYS through to the CQE; that is accepted too.
 */
#define ERESTARTSYS	512

#define WRK		"iou-wrk-"

/*
 * The new image of a child that exec'ed: exec cancelled the old image's
 * requests and closed its ring; no io_uring thread may be left over.
 */
static void __attribute__((constructor)) exec_child(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], EXEC_CHILD_ARG))
		return;
	_exit(count_threads(0, "iou-") == 0 ? 0 : 3);
}

/* --- the workload --- */

enum rtype {
	RT_POLL,	/* POLL_ADD, one-shot */
	RT_MPOLL,	/* POLL_ADD, multishot */
	RT_TIMEOUT,	/* TIMEOUT, one hour */
	RT_READ,	/* IOSQE_ASYNC READ of an empty pipe */
	RT_SPLICE,	/* SPLICE from an empty pipe: blocks an io-wq worker */
	RT_CPOLL,	/* chain: POLL_ADD -> NOP -> READ -> LINK_TIMEOUT */
	RT_CNOP,
	RT_CREAD,
	RT_CTIMEOUT,
	RT_NR
};

#define NR_CHAIN	64
#define NR_SPLICE	8
#define NR_MAX		1000

static const unsigned int rt_nr[RT_NR] = {
	[RT_POLL] = 1000, [RT_MPOLL] = 1000, [RT_TIMEOUT] = 1000,
	[RT_READ] = 256, [RT_SPLICE] = NR_SPLICE,
	[RT_CPOLL] = NR_CHAIN, [RT_CNOP] = NR_CHAIN, [RT_CREAD] = NR_CHAIN,
	[RT_CTIMEOUT] = NR_CHAIN,
};

static const char *const rt_name[RT_NR] = {
	"poll", "multishot poll", "timeout", "async read", "splice",
	"chain poll", "chain nop", "chain read", "chain link timeout",
};

#define UD(t, i)	((((__u64)(t) + 1) << 32) | (i))
#define UD_TYPE(ud)	((int)((ud) >> 32) - 1)
#define UD_IDX(ud)	((unsigned int)(ud))
#define CANCEL_UD	0xcafe

static struct __kernel_timespec one_hour = { .tv_sec = 3600 };
static char read_buf[NR_MAX][64];

struct workload {
	int poll_pipe[2];		/* never written while armed */
	int splice_pipe[NR_SPLICE][2];	/* never written */
	int devnull;
	bool splice;			/* IORING_OP_SPLICE supported */
};

static int workload_open(struct workload *w)
{
	int i;

	memset(w, 0, sizeof(*w));
	if (pipe2(w->poll_pipe, O_CLOEXEC))
		return -errno;
	for (i = 0; i < NR_SPLICE; i++)
		if (pipe2(w->splice_pipe[i], O_CLOEXEC))
			return -errno;
	w->devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	return w->devnull < 0 ? -errno : 0;
}

static void workload_close(struct workload *w)
{
	int i;

	close(w->poll_pipe[0]);
	close(w->poll_pipe[1]);
	for (i = 0; i < NR_SPLICE; i++) {
		close(w->splice_pipe[i][0]);
		close(w->splice_pipe[i][1]);
	}
	close(w->devnull);
}

static unsigned int workload_total(const struct workload *w)
{
	unsigned int t, n = 0;

	for (t = 0; t < RT_NR; t++)
		if (t != RT_SPLICE || w->splice)
			n += rt_nr[t];
	return n;
}

/* Make room for n SQEs: submit, or wait for the SQ poll thread. */
static int make_room(struct uring *r, unsigned int n)
{
	long long deadline = uring_now_ms() + URING_WAIT_SECS * 1000;
	int ret;

	while (uring_sq_space(r) < n) {
		if (r->flags & IORING_SETUP_SQPOLL) {
			uring_flush(r);
			ret = sys_io_uring_enter(r->fd, 0, 0,
						 IORING_ENTER_SQ_WAKEUP |
						 IORING_ENTER_SQ_WAIT);
		} else {
			ret = uring_submit(r);
		}
		if (ret < 0)
			return ret;
		if (uring_now_ms() > deadline)
			return -ETIME;
	}
	return 0;
}

static void prep(struct io_uring_sqe *sqe, struct workload *w, int t,
		 unsigned int i)
{
	__u64 ud = UD(t, i);

	switch (t) {
	case RT_POLL:
	case RT_CPOLL:
		uring_prep_poll_add(sqe, w->poll_pipe[0], POLLIN, 0, ud);
		break;
	case RT_MPOLL:
		uring_prep_poll_add(sqe, w->poll_pipe[0], POLLIN,
				    IORING_POLL_ADD_MULTI, ud);
		break;
	case RT_TIMEOUT:
		uring_prep_timeout(sqe, &one_hour, 0, 0, ud);
		break;
	case RT_READ:
	case RT_CREAD:
		uring_prep_rw(sqe, IORING_OP_READ, w->poll_pipe[0],
			      read_buf[t == RT_READ ? i : NR_MAX - 1 - i],
			      sizeof(read_buf[0]), (__u64)-1, ud);
		sqe->flags = IOSQE_ASYNC;
		break;
	case RT_SPLICE:
		uring_prep_splice(sqe, w->splice_pipe[i][0], w->devnull, 64,
				  ud);
		sqe->flags = IOSQE_ASYNC;
		break;
	case RT_CNOP:
		uring_prep_nop(sqe, ud);
		break;
	case RT_CTIMEOUT:
		uring_prep_timeout(sqe, &one_hour, 0, 0, ud);
		sqe->opcode = IORING_OP_LINK_TIMEOUT;
		break;
	}
	if (t >= RT_CPOLL && t < RT_CTIMEOUT)
		sqe->flags |= IOSQE_IO_LINK;
}

/* Queue and submit the whole workload; 0 once the kernel consumed it. */
static int submit_workload(struct uring *r, struct workload *w)
{
	long long deadline;
	unsigned int i;
	int t, ret;

	for (t = RT_POLL; t <= RT_SPLICE; t++) {
		if (t == RT_SPLICE && !w->splice)
			continue;
		for (i = 0; i < rt_nr[t]; i++) {
			ret = make_room(r, 1);
			if (ret)
				return ret;
			prep(uring_get_sqe(r), w, t, i);
		}
	}
	/* a chain must not be split across two submissions */
	for (i = 0; i < NR_CHAIN; i++) {
		ret = make_room(r, 4);
		if (ret)
			return ret;
		for (t = RT_CPOLL; t <= RT_CTIMEOUT; t++)
			prep(uring_get_sqe(r), w, t, i);
	}
	ret = uring_submit(r);
	if (ret < 0)
		return ret;
	deadline = uring_now_ms() + URING_WAIT_SECS * 1000;
	while (uring_load(r->sq_head) != uring_load(r->sq_tail)) {
		if (uring_now_ms() > deadline)
			return -ETIME;
		if (r->flags & IORING_SETUP_SQPOLL) {
			ret = sys_io_uring_enter(r->fd, 0, 0,
						 IORING_ENTER_SQ_WAKEUP);
			usleep(1000);
		} else {
			ret = uring_submit(r);
		}
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* What a child reports to its parent once its requests are in flight. */
struct report {
	int code;	/* 0: all in flight */
	int err;
	__u64 user_data;
	int res;
};

/*
 * Put the workload in flight on r and check that it is: the splices hold
 * io-wq workers and nothing has completed.
 */
static void child_prepare(struct uring *r, struct workload *w,
			  struct report *rep)
{
	struct io_uring_cqe cqe;
	int ret;

	memset(rep, 0, sizeof(*rep));
	ret = submit_workload(r, w);
	if (ret) {
		rep->code = 1;
		rep->err = ret;
		return;
	}
	if (w->splice) {
		ret = wait_threads(0, WRK, true, NR_SPLICE,
				   URING_WAIT_SECS * 1000);
		if (ret < NR_SPLICE) {
			rep->code = 2;
			rep->err = ret;
			return;
		}
	}
	/* run any task work (DEFER_TASKRUN), then nothing may be there */
	sys_io_uring_enter(r->fd, 0, 0, IORING_ENTER_GETEVENTS);
	if (!uring_try_get_cqe(r, &cqe)) {
		rep->code = 3;
		rep->user_data = cqe.user_data;
		rep->res = cqe.res;
	}
}

static void log_report(struct __test_metadata *_metadata,
		       const struct report *rep)
{
	switch (rep->code) {
	case 0:
		break;
	case 1:
		TH_LOG("child: submitting the workload failed: %d", rep->err);
		break;
	case 2:
		TH_LOG("child: only %d io-wq workers for %d blocked splices",
		       rep->err, NR_SPLICE);
		break;
	case 3:
		TH_LOG("child: unexpected completion of %s %u: res %d",
		       UD_TYPE(rep->user_data) >= 0 &&
		       UD_TYPE(rep->user_data) < RT_NR ?
				rt_name[UD_TYPE(rep->user_data)] : "?",
		       UD_IDX(rep->user_data), rep->res);
		break;
	default:
		TH_LOG("child: error %d (%d)", rep->code, rep->err);
	}
}

/* Read the child's report: 0, or -ETIME / -EPIPE if it never came. */
static int read_report(int fd, struct report *rep, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;

	if (poll(&pfd, 1, ms) != 1)
		return -ETIME;
	n = read(fd, rep, sizeof(*rep));
	return n == sizeof(*rep) ? 0 : -EPIPE;
}

/* --- slab accounting --- */

/*
 * Ask SLUB to shrink the io_kiocb cache first: that flushes per-CPU slabs
 * and takes the cache's objects out of KASAN's free quarantine, so freed
 * requests stop counting as active (best effort: the file may be missing).
 */
static bool kiocb_shrink(void)
{
	int fd = open("/sys/kernel/slab/io_kiocb/shrink", O_WRONLY | O_CLOEXEC);
	bool done;

	if (fd < 0)
		return false;
	done = write(fd, "1", 1) == 1;
	close(fd);
	return done;
}

/* Active objects of the io_kiocb slab cache, or -1 if not visible. */
static long kiocb_active(void)
{
	char line[512];
	long active = -1;
	FILE *f;

	kiocb_shrink();
	f = fopen("/proc/slabinfo", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "io_kiocb ", 9)) {
			if (sscanf(line + 9, "%ld", &active) != 1)
				active = -1;
			break;
		}
	}
	fclose(f);
	return active;
}

/*
 * Freed objects that stay in per-CPU slabs still count as active in
 * /proc/slabinfo, so allow some slack; thousands of requests are in flight,
 * so a leak of any size worth speaking of still shows.
 */
#define SLAB_SLACK	512

/*
 * Wait (freeing may be deferred to a workqueue) until the io_kiocb active
 * count is back near base. Returns true if it is, or if it is not visible.
 */
static bool kiocb_settled(struct __test_metadata *_metadata, long base,
			  long peak)
{
	long long deadline = uring_now_ms() + 3000;
	long cur;

	if (base < 0) {
		TH_LOG("no io_kiocb line in /proc/slabinfo, leak check skipped");
		return true;
	}
	for (;;) {
		cur = kiocb_active();
		if (cur >= 0 && cur <= base + SLAB_SLACK)
			return true;
		if (uring_now_ms() > deadline)
			break;
		usleep(20000);
	}
	TH_LOG("io_kiocb active objects: %ld before, %ld in flight, %ld after",
	       base, peak, cur);
	return false;
}

/* --- a child with its own ring exits, is killed or execs --- */

enum exit_mode {
	MODE_EXIT,	/* _exit() with the ring open */
	MODE_KILL,	/* SIGKILL */
	MODE_EXEC,	/* execve() of this program */
};

static void child_private(unsigned int flags, enum exit_mode mode, int fd)
{
	struct io_uring_params p;
	struct workload w;
	struct report rep;
	struct uring r;

	memset(&rep, 0, sizeof(rep));
	memset(&p, 0, sizeof(p));
	p.flags = flags | IORING_SETUP_CQSIZE;
	p.cq_entries = 8192;
	rep.err = uring_init_params(&r, 1024, &p);
	if (rep.err) {
		rep.code = 4;
		goto out;
	}
	rep.err = workload_open(&w);
	if (rep.err) {
		rep.code = 5;
		goto out;
	}
	w.splice = uring_op_supported(&r, IORING_OP_SPLICE);
	child_prepare(&r, &w, &rep);
out:
	if (write(fd, &rep, sizeof(rep)) != sizeof(rep) || rep.code)
		_exit(1);
	switch (mode) {
	case MODE_EXIT:
		_exit(0);
	case MODE_KILL:
		raise(SIGKILL);
		break;
	case MODE_EXEC:
		execl("/proc/self/exe", "exit_cancel", EXEC_CHILD_ARG,
		      (char *)NULL);
		break;
	}
	_exit(2);
}

/*
 * Wait for every thread of child pid to be gone, without reaping it yet
 * (the group leader is only reported once all its threads have exited).
 */
static int wait_exited(pid_t pid, int ms)
{
	long long deadline = uring_now_ms() + ms;
	siginfo_t info;

	for (;;) {
		memset(&info, 0, sizeof(info));
		if (waitid(P_PID, pid, &info, WEXITED | WNOWAIT | WNOHANG))
			return -errno;
		if (info.si_pid == pid)
			return 0;
		if (uring_now_ms() > deadline)
			return -ETIME;
		usleep(2000);
	}
}

/* Variants: the child's ring flavour and how it goes (exit, kill, exec). */
FIXTURE(exit_cancel) {
};

FIXTURE_VARIANT(exit_cancel) {
	unsigned int flags;
	enum exit_mode mode;
};

FIXTURE_VARIANT_ADD(exit_cancel, exit) { .flags = 0, .mode = MODE_EXIT };
FIXTURE_VARIANT_ADD(exit_cancel, kill) { .flags = 0, .mode = MODE_KILL };
FIXTURE_VARIANT_ADD(exit_cancel, exec) { .flags = 0, .mode = MODE_EXEC };
FIXTURE_VARIANT_ADD(exit_cancel, sqpoll_exit) {
	.flags = IORING_SETUP_SQPOLL, .mode = MODE_EXIT
};

FIXTURE_VARIANT_ADD(exit_cancel, sqpoll_exec) {
	.flags = IORING_SETUP_SQPOLL, .mode = MODE_EXEC
};

FIXTURE_VARIANT_ADD(exit_cancel, defer_taskrun_exit) {
	.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN,
	.mode = MODE_EXIT
};

FIXTURE_VARIANT_ADD(exit_cancel, defer_taskrun_exec) {
	.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN,
	.mode = MODE_EXEC
};

FIXTURE_SETUP(exit_cancel)
{
}

FIXTURE_TEARDOWN(exit_cancel)
{
}

/* A child that goes leaves no thread, process or request behind. */
TEST_F(exit_cancel, inflight)
{
	long base = kiocb_active(), peak;
	struct report rep;
	long long start;
	int st[2], status, ret;
	char path[32];
	pid_t pid;

	ASSERT_EQ(0, pipe2(st, O_CLOEXEC));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(st[0]);
		child_private(variant->flags, variant->mode, st[1]);
	}
	close(st[1]);
	ret = read_report(st[0], &rep, CHILD_MS);
	close(st[0]);
	if (ret || rep.code) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	ASSERT_EQ(0, ret) TH_LOG("no report from the child");
	log_report(_metadata, &rep);
	ASSERT_EQ(0, rep.code);
	peak = kiocb_active();

	/* every thread of the child, io-wq workers included, goes away */
	start = uring_now_ms();
	ret = wait_exited(pid, CHILD_MS);
	if (ret) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	ASSERT_EQ(0, ret) TH_LOG("child still running after %d ms", CHILD_MS);
	TH_LOG("child gone %lld ms after its requests were in flight",
	       uring_now_ms() - start);
	EXPECT_EQ(0, count_threads(pid, "iou-"));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	if (variant->mode == MODE_KILL) {
		ASSERT_TRUE(WIFSIGNALED(status)) TH_LOG("status %#x", status);
		EXPECT_EQ(SIGKILL, WTERMSIG(status));
	} else {
		ASSERT_TRUE(WIFEXITED(status)) TH_LOG("status %#x", status);
		EXPECT_EQ(0, WEXITSTATUS(status));
	}
	EXPECT_EQ(-1, kill(pid, 0));
	EXPECT_EQ(ESRCH, errno);
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	EXPECT_NE(0, access(path, F_OK));

	EXPECT_TRUE(kiocb_settled(_metadata, base, peak));
}

/* --- a child submits through its parent's ring, then exits --- */

/* Which of the child's requests have posted their last CQE. */
struct tally {
	unsigned char done[RT_NR][NR_MAX];
	unsigned int ndone;
	unsigned int splices;
	int splice_res[NR_SPLICE];
	bool cancel_seen;
	int cancel_res;
};

/*
 * Account one CQE on the parent's ring. After the submitter exited, the
 * io-wq work it left (the splices) completes with -EINTR, -ECANCELED or
 * (6.18) -ERESTARTSYS; everything else can only be cancelled. Pipe reads
 * may also get -EINTR: upstream parks them on poll, but a kernel that keeps
 * them blocked in io-wq interrupts them like the splices.
 */
static bool tally_cqe(struct __test_metadata *_metadata, struct tally *t,
		      const struct io_uring_cqe *cqe)
{
	int type = UD_TYPE(cqe->user_data);
	unsigned int idx = UD_IDX(cqe->user_data);

	if (cqe->user_data == CANCEL_UD) {
		if (t->cancel_seen) {
			TH_LOG("second CQE for the cancel request");
			return false;
		}
		t->cancel_seen = true;
		t->cancel_res = cqe->res;
		return true;
	}
	if (type < 0 || type >= RT_NR || idx >= rt_nr[type]) {
		TH_LOG("CQE with unknown user_data %#llx",
		       (unsigned long long)cqe->user_data);
		return false;
	}
	if (t->done[type][idx]) {
		TH_LOG("CQE after the last one for %s %u: res %d",
		       rt_name[type], idx, cqe->res);
		return false;
	}
	if (cqe->flags & IORING_CQE_F_MORE) {
		TH_LOG("%s %u: res %d with IORING_CQE_F_MORE", rt_name[type],
		       idx, cqe->res);
		return false;
	}
	if (type == RT_SPLICE) {
		if (cqe->res != -EINTR && cqe->res != -ECANCELED &&
		    cqe->res != -ERESTARTSYS) {
			TH_LOG("splice %u: res %d", idx, cqe->res);
			return false;
		}
		t->splice_res[t->splices++] = cqe->res;
	} else if (cqe->res != -ECANCELED &&
		   !(cqe->res == -EINTR &&
		     (type == RT_READ || type == RT_CREAD))) {
		TH_LOG("%s %u: res %d, not -ECANCELED", rt_name[type], idx,
		       cqe->res);
		return false;
	}
	t->done[type][idx] = 1;
	t->ndone++;
	return true;
}

/* A child's requests on its parent's ring end with one CQE each at its exit. */
TEST(shared_ring)
{
	static struct tally t;
	long base = kiocb_active(), peak;
	struct io_uring_params p;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	unsigned int total;
	struct workload w;
	struct report rep;
	long long deadline;
	int st[2], status, ret;
	struct uring r;
	pid_t pid;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 8192;
	ASSERT_EQ(0, uring_init_params(&r, 1024, &p));
	ASSERT_EQ(0, workload_open(&w));
	w.splice = uring_op_supported(&r, IORING_OP_SPLICE);
	if (!w.splice)
		TH_LOG("IORING_OP_SPLICE not supported: no io-wq work blocked");
	total = workload_total(&w);

	ASSERT_EQ(0, pipe2(st, O_CLOEXEC));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(st[0]);
		child_prepare(&r, &w, &rep);
		if (write(st[1], &rep, sizeof(rep)) != sizeof(rep))
			_exit(1);
		_exit(0);
	}
	close(st[1]);
	ret = read_report(st[0], &rep, CHILD_MS);
	close(st[0]);
	status = wait_child_ms(pid, CHILD_MS);
	ASSERT_EQ(0, ret) TH_LOG("no report from the child");
	log_report(_metadata, &rep);
	ASSERT_EQ(0, rep.code);
	ASSERT_NE(-1, status) TH_LOG("child did not exit");
	ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
		TH_LOG("status %#x", status);
	peak = kiocb_active();
	uring_sq_resync(&r);

	/*
	 * The work the child left blocked in io-wq is cancelled when it
	 * exits. Upstream (6.12 and 6.18) leaves its polls and timeouts armed
	 * on the still open ring, to complete (cancelled: their task is gone)
	 * when triggered or cancelled; a kernel that cancels those at exit
	 * too is fine as well.
	 */
	deadline = uring_now_ms() + URING_WAIT_SECS * 1000;
	while (w.splice && t.splices < NR_SPLICE) {
		ret = uring_get_cqe_ms(&r, &cqe, 100);
		if (ret == -ETIME && uring_now_ms() < deadline)
			continue;
		ASSERT_EQ(0, ret) TH_LOG("%u of %u splices completed",
					 t.splices, NR_SPLICE);
		ASSERT_TRUE(tally_cqe(_metadata, &t, &cqe));
	}
	while (!uring_try_get_cqe(&r, &cqe))
		ASSERT_TRUE(tally_cqe(_metadata, &t, &cqe));
	TH_LOG("%u of %u requests completed when the child exited", t.ndone,
	       total);
	if (t.splices)
		TH_LOG("the first splice completed with %d", t.splice_res[0]);

	/*
	 * Make the pipe ready: the polls and reads of the dead task complete
	 * (cancelled, upstream); then cancel whatever is left.
	 */
	ASSERT_EQ(1, write(w.poll_pipe[1], "x", 1));
	sqe = uring_get_sqe(&r);
	ASSERT_NE(NULL, sqe);
	uring_prep_cancel(sqe, 0, -1, IORING_ASYNC_CANCEL_ANY |
			  IORING_ASYNC_CANCEL_ALL, CANCEL_UD);
	ASSERT_EQ(1, uring_submit(&r));
	while (t.ndone < total || !t.cancel_seen) {
		ret = uring_get_cqe_ms(&r, &cqe, URING_WAIT_SECS * 1000);
		ASSERT_EQ(0, ret) TH_LOG("%u of %u requests completed", t.ndone,
					 total);
		ASSERT_TRUE(tally_cqe(_metadata, &t, &cqe));
	}
	EXPECT_TRUE(t.cancel_res >= 0 || t.cancel_res == -ENOENT)
		TH_LOG("cancel res %d", t.cancel_res);
	/* and nothing more */
	EXPECT_EQ(-ETIME, uring_get_cqe_ms(&r, &cqe, 100));

	/* the ring is still fine */
	ASSERT_EQ(0, uring_queue_nop(&r, 1, 0));
	ASSERT_EQ(1, uring_submit(&r));
	ASSERT_EQ(0, uring_get_cqe_ms(&r, &cqe, URING_WAIT_SECS * 1000));
	EXPECT_EQ(1, cqe.user_data);
	EXPECT_EQ(0, cqe.res);

	uring_exit(&r);
	workload_close(&w);
	EXPECT_TRUE(kiocb_settled(_metadata, base, peak));
}

/* --- exec while another thread has requests in flight --- */

enum thread_mode {
	THREAD_WAITS,		/* own ring, waits in io_uring_enter() */
	THREAD_SLEEPS,		/* own ring, sleeps in pause() */
	THREAD_MAIN_RING,	/* submits to the main thread's ring, sleeps */
};

#define THREAD_READS	32
#define THREAD_SPLICES	4

struct thread_ctx {
	enum thread_mode mode;
	struct uring *r;
	struct uring own;
	int pipe[2];
	int splice_pipe[THREAD_SPLICES][2];
	int devnull;
	bool splice;
	int state;		/* 1: submitted, < 0: failed */
};

static void *submitter(void *data)
{
	struct thread_ctx *c = data;
	struct io_uring_sqe *sqe;
	int i, ret = 0;

	if (c->mode != THREAD_MAIN_RING) {
		ret = uring_init(&c->own, 64, 0);
		c->r = &c->own;
	}
	if (!ret)
		c->splice = uring_op_supported(c->r, IORING_OP_SPLICE);
	for (i = 0; !ret && i < THREAD_READS; i++) {
		sqe = uring_get_sqe(c->r);
		uring_prep_rw(sqe, IORING_OP_READ, c->pipe[0], read_buf[i],
			      sizeof(read_buf[0]), (__u64)-1, i);
		sqe->flags = IOSQE_ASYNC;
	}
	for (i = 0; !ret && c->splice && i < THREAD_SPLICES; i++) {
		sqe = uring_get_sqe(c->r);
		uring_prep_splice(sqe, c->splice_pipe[i][0], c->devnull, 64,
				  100 + i);
		sqe->flags = IOSQE_ASYNC;
	}
	if (!ret) {
		ret = uring_submit(c->r);
		ret = ret == THREAD_READS + (c->splice ? THREAD_SPLICES : 0) ?
			0 : -EIO;
	}
	__atomic_store_n(&c->state, ret ? ret : 1, __ATOMIC_RELEASE);
	if (ret)
		return NULL;
	if (c->mode == THREAD_WAITS)
		for (;;)
			sys_io_uring_enter(c->r->fd, 0, 1,
					   IORING_ENTER_GETEVENTS);
	for (;;)
		pause();
	return NULL;
}

/* Why child_thread_exec() failed, by exit code. */
static const char *const thread_exec_err[] = {
	[10] = "pipe or /dev/null", [11] = "main thread's ring",
	[12] = "pthread_create", [13] = "submitter thread timed out",
	[14] = "submitter thread failed to set up or submit",
	[15] = "splices not blocked in io-wq workers",
	[16] = "requests completed that should be in flight",
	[17] = "execl",
};

static int child_thread_exec(enum thread_mode mode)
{
	static struct thread_ctx c;
	long long deadline = uring_now_ms() + URING_WAIT_SECS * 1000;
	struct uring main_ring;
	pthread_t thread;
	int i, state;

	c.mode = mode;
	if (pipe2(c.pipe, O_CLOEXEC))
		return 10;
	for (i = 0; i < THREAD_SPLICES; i++)
		if (pipe2(c.splice_pipe[i], O_CLOEXEC))
			return 10;
	c.devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (c.devnull < 0)
		return 10;
	if (mode == THREAD_MAIN_RING) {
		if (uring_init(&main_ring, 64, 0))
			return 11;
		c.r = &main_ring;
	}
	if (pthread_create(&thread, NULL, submitter, &c))
		return 12;
	while (!(state = __atomic_load_n(&c.state, __ATOMIC_ACQUIRE))) {
		if (uring_now_ms() > deadline)
			return 13;
		usleep(1000);
	}
	if (state < 0)
		return 14;
	if (c.splice && wait_threads(0, WRK, true, THREAD_SPLICES,
				     URING_WAIT_SECS * 1000) < THREAD_SPLICES)
		return 15;
	if (uring_cq_ready(c.r))
		return 16;
	execl("/proc/self/exe", "exit_cancel", EXEC_CHILD_ARG, (char *)NULL);
	return 17;
}

/* Variants: the thread waits in the kernel, sleeps, or uses the main ring. */
FIXTURE(exec_thread) {
};

FIXTURE_VARIANT(exec_thread) {
	enum thread_mode mode;
};

FIXTURE_VARIANT_ADD(exec_thread, waiting) { .mode = THREAD_WAITS };
FIXTURE_VARIANT_ADD(exec_thread, sleeping) { .mode = THREAD_SLEEPS };
FIXTURE_VARIANT_ADD(exec_thread, main_ring) { .mode = THREAD_MAIN_RING };

FIXTURE_SETUP(exec_thread)
{
}

FIXTURE_TEARDOWN(exec_thread)
{
}

/*
 * A thread has IOSQE_ASYNC pipe reads (and splices blocked in io-wq) in
 * flight; the main thread execs. exec must cancel them, and the new image
 * runs (with no io_uring thread left) and exits 0.
 */
TEST_F(exec_thread, cancel)
{
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(child_thread_exec(variant->mode));
	status = wait_child_ms(pid, CHILD_MS);
	ASSERT_NE(-1, status) TH_LOG("child did not finish");
	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("status %#x", status);
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("%s", WEXITSTATUS(status) < ARRAY_SIZE(thread_exec_err) &&
		       thread_exec_err[WEXITSTATUS(status)] ?
				thread_exec_err[WEXITSTATUS(status)] :
				"the new image saw io_uring threads");
}

TEST_HARNESS_MAIN
