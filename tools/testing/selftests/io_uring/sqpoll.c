// SPDX-License-Identifier: GPL-2.0
/*
 * The SQ poll thread (IORING_SETUP_SQPOLL): going idle and being woken
 * without ever losing a submission, IORING_SETUP_SQ_AFF validation and
 * pinning, IORING_ENTER_SQ_WAIT, and the thread's lifetime (one thread per
 * ring or per ATTACH_WQ group, gone once the last ring is closed).
 *
 * The thread is found as the thread of this process whose comm starts
 * with "iou-sqp-".
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

#include "kselftest_harness.h"
#include "uring_helpers.h"

#define SQP		"iou-sqp-"
#define WAIT_MS		(URING_WAIT_SECS * 1000)

/*
 * Number of SQ threads once at least want of them exist (or 2 s passed).
 * A new SQ thread names itself when it first runs, and a thread exiting
 * (e.g. the last SQ thread) may take a moment to go away: callers compare
 * the result.
 */
static int sqp_threads(int want)
{
	int n = wait_threads(0, SQP, true, want, 2000);

	/* and no more than that show up */
	usleep(20000);
	return n == want ? count_threads(0, SQP) : n;
}

static int sqpoll_init(struct uring *r, unsigned int entries,
		       unsigned int flags, unsigned int idle_ms)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL | flags;
	p.sq_thread_idle = idle_ms;
	return uring_init_params(r, entries, &p);
}

/*
 * Publish the queued SQEs and wake the thread if it sleeps. The full
 * barrier orders the tail store before the flags load, pairing with the
 * thread setting IORING_SQ_NEED_WAKEUP before it rechecks the SQ ring and
 * sleeps: either it sees our tail or we see its flag.
 */
static int publish(struct uring *r, bool *woke)
{
	uring_flush(r);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (uring_load(r->sq_flags) & IORING_SQ_NEED_WAKEUP) {
		if (woke)
			*woke = true;
		return sys_io_uring_enter(r->fd, 0, 0, IORING_ENTER_SQ_WAKEUP);
	}
	return 0;
}

/* Wait until the thread flags that it went to sleep. */
static bool wait_need_wakeup(struct uring *r, int ms)
{
	long long deadline = uring_now_ms() + ms;

	while (!(uring_load(r->sq_flags) & IORING_SQ_NEED_WAKEUP)) {
		if (uring_now_ms() > deadline)
			return false;
		usleep(1000);
	}
	return true;
}

static int nop_round_trip(struct uring *r, __u64 ud)
{
	struct io_uring_cqe cqe;
	int ret;

	ret = uring_queue_nop(r, ud, 0);
	if (ret)
		return ret;
	ret = publish(r, NULL);
	if (ret < 0)
		return ret;
	ret = uring_get_cqe_ms(r, &cqe, WAIT_MS);
	if (ret)
		return ret;
	if (cqe.user_data != ud || cqe.res)
		return -EIO;
	return 0;
}

/* --- sleep and wakeup --- */

#define WAKE_NOPS	20000

/*
 * 20,000 NOPs in batches of 1 to 4 with a 1 ms idle time: the thread goes
 * to sleep between bursts and must be woken each time. Every 100th batch
 * pauses 0 to 9 ms, around the idle time (which the thread measures in
 * jiffies), to hit the moment it goes to sleep; every 1000th pauses 20 ms,
 * longer than the idle time even at HZ=100. A submission lost to a wakeup
 * race shows up as a 5 s -ETIME.
 */
TEST(wakeup_loop)
{
	unsigned char *seen;
	unsigned int sent = 0, done = 0, batch, i, iter = 0, wakeups = 0;
	struct io_uring_cqe cqe;
	struct uring r;
	long long start;
	bool woke;
	int ret;

	seen = calloc(WAKE_NOPS, 1);
	ASSERT_NE(NULL, seen);
	ASSERT_EQ(0, sqpoll_init(&r, 16, 0, 1));
	start = uring_now_ms();
	while (sent < WAKE_NOPS) {
		batch = 1 + iter % 4;
		if (batch > WAKE_NOPS - sent)
			batch = WAKE_NOPS - sent;
		for (i = 0; i < batch; i++)
			ASSERT_EQ(0, uring_queue_nop(&r, sent + i, 0));
		woke = false;
		ret = publish(&r, &woke);
		ASSERT_LE(0, ret) TH_LOG("wakeup: %d", ret);
		wakeups += woke;
		for (i = 0; i < batch; i++) {
			ret = uring_get_cqe_ms(&r, &cqe, WAIT_MS);
			ASSERT_EQ(0, ret)
				TH_LOG("NOP %u of batch %u..%u lost (%u wakeups)",
				       done, sent, sent + batch - 1, wakeups);
			ASSERT_GT(sent + batch, cqe.user_data);
			ASSERT_EQ(0, seen[cqe.user_data]);
			seen[cqe.user_data] = 1;
			EXPECT_EQ(0, cqe.res);
			done++;
		}
		sent += batch;
		iter++;
		/* pauses of 0..9 ms around the idle time, and longer ones */
		if (iter % 1000 == 0)
			usleep(20000);
		else if (iter % 100 == 0)
			usleep(iter / 100 % 10 * 1000);
	}
	TH_LOG("%u NOPs in %lld ms, %u wakeups", done, uring_now_ms() - start,
	       wakeups);
	EXPECT_EQ(WAKE_NOPS, done);
	EXPECT_EQ(0, *r.sq_dropped);

	/* idle, the thread goes to sleep and says so; a wakeup works */
	ASSERT_TRUE(wait_need_wakeup(&r, 2000));
	ASSERT_EQ(0, nop_round_trip(&r, WAKE_NOPS));
	uring_exit(&r);
	free(seen);
}

/* A wakeup with nothing to submit is harmless, repeatedly. */
TEST(spurious_wakeups)
{
	struct uring r;
	int i;

	ASSERT_EQ(0, sqpoll_init(&r, 8, 0, 1));
	for (i = 0; i < 100; i++)
		ASSERT_EQ(0, sys_io_uring_enter(r.fd, 0, 0,
						IORING_ENTER_SQ_WAKEUP));
	ASSERT_TRUE(wait_need_wakeup(&r, 2000));
	ASSERT_EQ(0, nop_round_trip(&r, 1));
	uring_exit(&r);
}

/* --- SQ_AFF --- */

/* First CPU that is possible (< nr configured) but not online, or -1. */
static int offline_cpu(void)
{
	long conf = sysconf(_SC_NPROCESSORS_CONF);
	char path[64];
	int cpu, f;
	char c;

	for (cpu = 1; cpu < conf; cpu++) {
		snprintf(path, sizeof(path),
			 "/sys/devices/system/cpu/cpu%d/online", cpu);
		f = open(path, O_RDONLY | O_CLOEXEC);
		if (f < 0)
			continue;
		if (read(f, &c, 1) == 1 && c == '0') {
			close(f);
			return cpu;
		}
		close(f);
	}
	return -1;
}

static int setup_aff(unsigned int cpu)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL | IORING_SETUP_SQ_AFF;
	p.sq_thread_cpu = cpu;
	return try_setup(8, &p);
}

/* SQ_AFF to an absent or offline CPU is refused and leaves no thread. */
TEST(sq_aff_bad_cpu)
{
	long conf = sysconf(_SC_NPROCESSORS_CONF);
	int cpu;

	EXPECT_EQ(-EINVAL, setup_aff(4096));
	/* one past the highest CPU this kernel knows of */
	ASSERT_LT(0, conf);
	EXPECT_EQ(-EINVAL, setup_aff(conf));
	cpu = offline_cpu();
	if (cpu >= 0) {
		EXPECT_EQ(-EINVAL, setup_aff(cpu))
			TH_LOG("offline cpu %d", cpu);
	} else {
		TH_LOG("no offline CPU to try");
	}
	/* no SQ thread was left behind by the failed setups */
	EXPECT_EQ(0, wait_threads(0, SQP, false, 0, 3000));
}

/*
 * The poller's CPU must be in the caller's cpuset, not in its affinity
 * mask: an application may keep itself off the CPU it gives the poller.
 */
TEST(sq_aff_outside_own_affinity)
{
	cpu_set_t one, saved;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		SKIP(return, "needs two online CPUs");
	ASSERT_EQ(0, sched_getaffinity(0, sizeof(saved), &saved));
	if (!CPU_ISSET(0, &saved) || !CPU_ISSET(1, &saved))
		SKIP(return, "needs CPUs 0 and 1");
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(one), &one));
	EXPECT_LE(0, setup_aff(1));
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(saved), &saved));
}

/* The first iou-sqp- thread of this process, or -1. */
static pid_t sqp_tid(void)
{
	char path[320], comm[32];
	struct dirent *de;
	pid_t tid = -1;
	ssize_t len;
	DIR *d;
	int f;

	d = opendir("/proc/self/task");
	if (!d)
		return -1;
	while (tid < 0 && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm",
			 de->d_name);
		f = open(path, O_RDONLY | O_CLOEXEC);
		if (f < 0)
			continue;
		len = read(f, comm, sizeof(comm) - 1);
		close(f);
		if (len > 0 && !strncmp(comm, SQP, strlen(SQP)))
			tid = atoi(de->d_name);
	}
	closedir(d);
	return tid;
}

/* The SQ thread of an SQ_AFF ring is pinned to the CPU asked for. */
TEST(sq_aff_pins_thread)
{
	struct io_uring_params p;
	long long deadline;
	cpu_set_t set;
	struct uring r;
	int cpu;
	pid_t tid;

	ASSERT_EQ(0, sched_getaffinity(0, sizeof(set), &set));
	for (cpu = CPU_SETSIZE - 1; cpu >= 0; cpu--)
		if (CPU_ISSET(cpu, &set))
			break;
	ASSERT_LE(0, cpu);

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL | IORING_SETUP_SQ_AFF;
	p.sq_thread_cpu = cpu;
	p.sq_thread_idle = 1;
	ASSERT_EQ(0, uring_init_params(&r, 8, &p));
	ASSERT_EQ(0, nop_round_trip(&r, 1));
	tid = sqp_tid();
	ASSERT_LT(0, tid);

	/* the thread pins itself once it runs: give it a moment */
	deadline = uring_now_ms() + 2000;
	for (;;) {
		ASSERT_EQ(0, sched_getaffinity(tid, sizeof(set), &set));
		if (CPU_COUNT(&set) == 1 && CPU_ISSET(cpu, &set))
			break;
		ASSERT_GT(deadline, uring_now_ms())
			TH_LOG("SQ thread runs on %d CPUs, not only on %d",
			       CPU_COUNT(&set), cpu);
		usleep(10000);
	}
	ASSERT_EQ(0, nop_round_trip(&r, 2));
	uring_exit(&r);
}

/* --- IORING_ENTER_SQ_WAIT --- */

static void on_alarm(int sig)
{
}

/*
 * io_uring_enter() with a SIGALRM set to interrupt it (no SA_RESTART), so a
 * wait that never ends returns -EINTR instead of hanging the test.
 */
static int enter_bounded(int fd, unsigned int flags, int secs)
{
	struct sigaction sa, old;
	int ret;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, &old);
	alarm(secs);
	ret = sys_io_uring_enter(fd, 0, 0, flags);
	alarm(0);
	sigaction(SIGALRM, &old, NULL);
	return ret;
}

/* Fill the whole SQ ring with NOPs while the thread sleeps. */
static int fill_while_asleep(struct uring *r)
{
	unsigned int i;

	if (!wait_need_wakeup(r, 2000))
		return -ETIME;
	for (i = 0; i < r->sq_entries; i++)
		if (uring_queue_nop(r, 100 + i, 0))
			return -EBUSY;
	/* publish without waking it */
	uring_flush(r);
	return 0;
}

static int reap(struct uring *r, unsigned int nr)
{
	struct io_uring_cqe cqe;
	unsigned int i;
	int ret;

	for (i = 0; i < nr; i++) {
		ret = uring_get_cqe_ms(r, &cqe, WAIT_MS);
		if (ret)
			return ret;
		if (cqe.res)
			return -EIO;
	}
	return 0;
}

/* With room in the SQ ring, SQ_WAIT returns at once. */
TEST(sq_wait_not_full)
{
	struct uring r;

	ASSERT_EQ(0, sqpoll_init(&r, 8, 0, 1));
	ASSERT_EQ(0, nop_round_trip(&r, 1));
	EXPECT_EQ(0, enter_bounded(r.fd, IORING_ENTER_SQ_WAIT, URING_WAIT_SECS));
	ASSERT_EQ(0, uring_queue_nop(&r, 2, 0));
	uring_flush(&r);
	EXPECT_EQ(0, enter_bounded(r.fd, IORING_ENTER_SQ_WAIT |
				   IORING_ENTER_SQ_WAKEUP, URING_WAIT_SECS));
	ASSERT_EQ(0, reap(&r, 1));
	uring_exit(&r);
}

/* A full SQ ring: SQ_WAKEUP | SQ_WAIT returns once the thread made room. */
TEST(sq_wait_full)
{
	struct uring r;

	ASSERT_EQ(0, sqpoll_init(&r, 8, 0, 1));
	ASSERT_EQ(0, nop_round_trip(&r, 1));
	ASSERT_EQ(0, fill_while_asleep(&r));
	if (uring_sq_space(&r))
		TH_LOG("the thread consumed SQEs before the wait");
	EXPECT_EQ(0, enter_bounded(r.fd, IORING_ENTER_SQ_WAIT |
				   IORING_ENTER_SQ_WAKEUP, URING_WAIT_SECS));
	EXPECT_LT(0, uring_sq_space(&r));
	ASSERT_EQ(0, reap(&r, r.sq_entries));
	ASSERT_EQ(0, nop_round_trip(&r, 2));
	uring_exit(&r);
}

static void *late_wakeup(void *data)
{
	struct uring *r = data;

	usleep(50000);
	sys_io_uring_enter(r->fd, 0, 0, IORING_ENTER_SQ_WAKEUP);
	return NULL;
}

/*
 * A full SQ ring and a sleeping thread: SQ_WAIT alone waits until another
 * thread's wakeup gets the SQ thread going and it makes room.
 */
TEST(sq_wait_other_waker)
{
	long long start;
	pthread_t t;
	struct uring r;

	ASSERT_EQ(0, sqpoll_init(&r, 8, 0, 1));
	ASSERT_EQ(0, nop_round_trip(&r, 1));
	ASSERT_EQ(0, fill_while_asleep(&r));
	start = uring_now_ms();
	ASSERT_EQ(0, pthread_create(&t, NULL, late_wakeup, &r));
	EXPECT_EQ(0, enter_bounded(r.fd, IORING_ENTER_SQ_WAIT,
				   URING_WAIT_SECS));
	TH_LOG("SQ_WAIT returned after %lld ms", uring_now_ms() - start);
	EXPECT_LT(0, uring_sq_space(&r));
	pthread_join(t, NULL);
	ASSERT_EQ(0, reap(&r, r.sq_entries));
	uring_exit(&r);
}

/* --- the thread's lifetime --- */

/* Closing an SQPOLL ring ends its SQ thread. */
TEST(thread_exits_on_close)
{
	struct uring r;

	EXPECT_EQ(0, count_threads(0, SQP));
	ASSERT_EQ(0, sqpoll_init(&r, 8, 0, 1));
	EXPECT_EQ(1, sqp_threads(1));
	ASSERT_EQ(0, nop_round_trip(&r, 1));
	uring_exit(&r);
	EXPECT_EQ(0, wait_threads(0, SQP, false, 0, 3000));
}

/* Likewise with requests still in flight: a poll and a timeout. */
TEST(thread_exits_with_requests)
{
	static struct __kernel_timespec hour = { .tv_sec = 3600 };
	struct io_uring_sqe *sqe;
	struct uring r;
	int p[2];

	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	ASSERT_EQ(0, sqpoll_init(&r, 8, 0, 1));
	sqe = uring_get_sqe(&r);
	uring_prep_poll_add(sqe, p[0], POLLIN, 0, 1);
	sqe = uring_get_sqe(&r);
	uring_prep_timeout(sqe, &hour, 0, 0, 2);
	ASSERT_LE(0, publish(&r, NULL));
	ASSERT_EQ(0, nop_round_trip(&r, 3));
	EXPECT_EQ(0, uring_cq_ready(&r));
	uring_exit(&r);
	EXPECT_EQ(0, wait_threads(0, SQP, false, 0, 3000));
	close(p[0]);
	close(p[1]);
}

/* Rings set up with ATTACH_WQ share one SQ thread. */
TEST(attach_wq_shares_thread)
{
	struct io_uring_params p;
	struct uring a, b;

	ASSERT_EQ(0, sqpoll_init(&a, 8, 0, 1));
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL | IORING_SETUP_ATTACH_WQ;
	p.wq_fd = a.fd;
	ASSERT_EQ(0, uring_init_params(&b, 8, &p));
	EXPECT_EQ(1, sqp_threads(1));
	ASSERT_EQ(0, nop_round_trip(&a, 1));
	ASSERT_EQ(0, nop_round_trip(&b, 2));
	EXPECT_EQ(1, count_threads(0, SQP));

	/* closing one keeps the thread for the other */
	uring_exit(&a);
	usleep(100000);
	EXPECT_EQ(1, count_threads(0, SQP));
	ASSERT_EQ(0, nop_round_trip(&b, 3));
	uring_exit(&b);
	EXPECT_EQ(0, wait_threads(0, SQP, false, 0, 3000));
}

/* Without ATTACH_WQ each SQPOLL ring has a thread of its own. */
TEST(thread_per_ring)
{
	struct uring a, b;

	ASSERT_EQ(0, sqpoll_init(&a, 8, 0, 1));
	ASSERT_EQ(0, sqpoll_init(&b, 8, 0, 1));
	EXPECT_EQ(2, sqp_threads(2));
	ASSERT_EQ(0, nop_round_trip(&a, 1));
	ASSERT_EQ(0, nop_round_trip(&b, 2));
	uring_exit(&b);
	EXPECT_EQ(1, wait_threads(0, SQP, false, 1, 3000));
	ASSERT_EQ(0, nop_round_trip(&a, 3));
	uring_exit(&a);
	EXPECT_EQ(0, wait_threads(0, SQP, false, 0, 3000));
}

TEST_HARNESS_MAIN
