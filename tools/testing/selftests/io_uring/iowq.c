// SPDX-License-Identifier: GPL-2.0
/*
 * io-wq, the async worker pool: IORING_REGISTER_IOWQ_MAX_WORKERS (query,
 * set, partial set, clamping, bad arguments) and that the pool never runs
 * more workers than the limit allows, for bounded work (regular file
 * reads/writes) and for unbounded work (pipes); idle workers leaving when
 * their task closes its last ring.
 *
 * Workers are counted as the threads of this process whose comm starts
 * with "iou-wrk-". The io-wq belongs to the task that submits, so every
 * test here registers the limits and submits from the same thread.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "uring_helpers.h"

#define WRK		"iou-wrk-"

static int max_workers(struct uring *r, unsigned int *vals)
{
	return sys_io_uring_register(r->fd, IORING_REGISTER_IOWQ_MAX_WORKERS,
				     vals, 2);
}

/* Current {bounded, unbounded} limits, read with a {0, 0} query. */
static int query_workers(struct uring *r, unsigned int *vals)
{
	vals[0] = 0;
	vals[1] = 0;
	return max_workers(r, vals);
}

/* --- IORING_REGISTER_IOWQ_MAX_WORKERS --- */

/*
 * io_uring_register_iowq_max_workers(3): by default the bounded pool is
 * limited to min(SQ entries, 4 * online CPUs) and the unbounded pool to
 * RLIMIT_NPROC. The io-wq is set up with the task's first ring, which is
 * this one (every test runs in a fresh process).
 */
TEST(defaults)
{
	unsigned int vals[2];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct rlimit rl;
	struct uring r;

	ASSERT_EQ(0, uring_init(&r, 4, 0));
	ASSERT_EQ(0, query_workers(&r, vals));
	ASSERT_LT(0, cpus);
	EXPECT_EQ(4 * cpus < 4 ? 4 * cpus : 4, vals[0]);
	ASSERT_EQ(0, getrlimit(RLIMIT_NPROC, &rl));
	if (rl.rlim_cur <= INT_MAX) {
		EXPECT_EQ(rl.rlim_cur, vals[1]);
	} else {
		TH_LOG("RLIMIT_NPROC unlimited, unbounded default %u not checked",
		       vals[1]);
	}
	uring_exit(&r);
}

/* MAX_WORKERS returns the old limits, sets new ones, and 0 keeps a limit. */
TEST(round_trip)
{
	unsigned int vals[2], cur[2];
	struct uring r;

	ASSERT_EQ(0, uring_init(&r, 8, 0));
	ASSERT_EQ(0, query_workers(&r, cur));

	/* a query changes nothing */
	ASSERT_EQ(0, query_workers(&r, vals));
	EXPECT_EQ(cur[0], vals[0]);
	EXPECT_EQ(cur[1], vals[1]);

	/* setting returns the previous values */
	vals[0] = 3;
	vals[1] = 5;
	ASSERT_EQ(0, max_workers(&r, vals));
	EXPECT_EQ(cur[0], vals[0]);
	EXPECT_EQ(cur[1], vals[1]);
	ASSERT_EQ(0, query_workers(&r, vals));
	EXPECT_EQ(3, vals[0]);
	EXPECT_EQ(5, vals[1]);
	ASSERT_EQ(0, query_workers(&r, vals));
	EXPECT_EQ(3, vals[0]);
	EXPECT_EQ(5, vals[1]);

	/* 0 leaves that pool's limit alone */
	vals[0] = 2;
	vals[1] = 0;
	ASSERT_EQ(0, max_workers(&r, vals));
	EXPECT_EQ(3, vals[0]);
	EXPECT_EQ(5, vals[1]);
	ASSERT_EQ(0, query_workers(&r, vals));
	EXPECT_EQ(2, vals[0]);
	EXPECT_EQ(5, vals[1]);

	vals[0] = 0;
	vals[1] = 7;
	ASSERT_EQ(0, max_workers(&r, vals));
	EXPECT_EQ(2, vals[0]);
	EXPECT_EQ(5, vals[1]);
	ASSERT_EQ(0, query_workers(&r, vals));
	EXPECT_EQ(2, vals[0]);
	EXPECT_EQ(7, vals[1]);

	/* also after the ring has been used */
	ASSERT_EQ(0, uring_queue_nop(&r, 1, IOSQE_ASYNC));
	ASSERT_EQ(1, uring_submit_and_wait(&r, 1));
	ASSERT_EQ(0, query_workers(&r, vals));
	EXPECT_EQ(2, vals[0]);
	EXPECT_EQ(7, vals[1]);
	uring_exit(&r);
}

/*
 * Upstream (6.12 and 6.18) returns -EINVAL for a NULL array, as the man
 * page says ("values was NULL"), and -EFAULT for an unreadable one.
 * A value above INT_MAX is rejected and changes nothing.
 */
TEST(bad_args)
{
	unsigned int vals[2], cur[2];
	size_t pg = uring_page_size();
	struct uring r;
	void *hole;

	ASSERT_EQ(0, uring_init(&r, 8, 0));
	ASSERT_EQ(0, query_workers(&r, cur));

	vals[0] = 0;
	vals[1] = 0;
	EXPECT_EQ(-EINVAL,
		  sys_io_uring_register(r.fd, IORING_REGISTER_IOWQ_MAX_WORKERS,
					vals, 0));
	EXPECT_EQ(-EINVAL,
		  sys_io_uring_register(r.fd, IORING_REGISTER_IOWQ_MAX_WORKERS,
					vals, 1));
	EXPECT_EQ(-EINVAL,
		  sys_io_uring_register(r.fd, IORING_REGISTER_IOWQ_MAX_WORKERS,
					vals, 3));
	EXPECT_EQ(-EINVAL,
		  sys_io_uring_register(r.fd, IORING_REGISTER_IOWQ_MAX_WORKERS,
					NULL, 2));

	hole = mmap(NULL, pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, hole);
	EXPECT_EQ(-EFAULT, max_workers(&r, hole));
	munmap(hole, pg);

	vals[0] = (unsigned int)INT_MAX + 1;
	vals[1] = 0;
	EXPECT_EQ(-EINVAL, max_workers(&r, vals));
	vals[0] = 1;
	vals[1] = UINT_MAX;
	EXPECT_EQ(-EINVAL, max_workers(&r, vals));

	ASSERT_EQ(0, query_workers(&r, vals));
	EXPECT_EQ(cur[0], vals[0]);
	EXPECT_EQ(cur[1], vals[1]);
	uring_exit(&r);
}

/* Limits above RLIMIT_NPROC are clamped to it (upstream, 6.12 and 6.18). */
TEST(clamped_to_nproc)
{
	unsigned int vals[2];
	struct rlimit rl;
	struct uring r;

	ASSERT_EQ(0, getrlimit(RLIMIT_NPROC, &rl));
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < 100)
		SKIP(return, "RLIMIT_NPROC hard limit %lu too low",
		     (unsigned long)rl.rlim_max);
	rl.rlim_cur = 100;
	ASSERT_EQ(0, setrlimit(RLIMIT_NPROC, &rl));

	ASSERT_EQ(0, uring_init(&r, 8, 0));
	vals[0] = 1000;
	vals[1] = INT_MAX;
	ASSERT_EQ(0, max_workers(&r, vals));
	ASSERT_EQ(0, query_workers(&r, vals));
	EXPECT_EQ(100, vals[0]);
	EXPECT_EQ(100, vals[1]);
	uring_exit(&r);
}

/* --- worker pool limits --- */

/* Samples the io-wq worker count of this process until stopped. */
struct monitor {
	pthread_t thread;
	int stop;
	int max;
	int samples;
	int err;
};

static void *monitor_fn(void *data)
{
	struct monitor *m = data;
	int n;

	while (!__atomic_load_n(&m->stop, __ATOMIC_ACQUIRE)) {
		n = count_threads(0, WRK);
		if (n < 0) {
			m->err = n;
			break;
		}
		if (n > __atomic_load_n(&m->max, __ATOMIC_RELAXED))
			__atomic_store_n(&m->max, n, __ATOMIC_RELEASE);
		m->samples++;
		usleep(1000);
	}
	return NULL;
}

static int monitor_start(struct monitor *m)
{
	memset(m, 0, sizeof(*m));
	return pthread_create(&m->thread, NULL, monitor_fn, m);
}

static void monitor_stop(struct monitor *m)
{
	__atomic_store_n(&m->stop, 1, __ATOMIC_RELEASE);
	pthread_join(m->thread, NULL);
}

static int monitor_max(struct monitor *m)
{
	return __atomic_load_n(&m->max, __ATOMIC_ACQUIRE);
}

/* An unlinked scratch file in the working directory (or /tmp). */
static int scratch_file(void)
{
	static const char *const dirs[] = { ".", "/tmp" };
	char path[64];
	int i, fd;

	for (i = 0; i < 2; i++) {
		fd = open(dirs[i], O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
		if (fd >= 0)
			return fd;
		snprintf(path, sizeof(path), "%s/iowq-XXXXXX", dirs[i]);
		fd = mkostemp(path, O_CLOEXEC);
		if (fd >= 0) {
			unlink(path);
			return fd;
		}
	}
	return -1;
}

/*
 * Bounded work: IOSQE_ASYNC reads of one regular file and buffered writes
 * to a few others. Regular file I/O is bounded work, and nothing here is
 * unbounded, so every worker counted belongs to the bounded pool.
 */
#define BND_TOTAL	10000
#define BND_CHUNK	512
#define BND_RCHUNKS	128		/* 64 KiB read file */
#define BND_NFILES	4		/* write files */
#define BND_WRITES	(BND_TOTAL / 5)	/* every 5th request writes */
#define BND_INFLIGHT	512
#define BND_MAX		2

struct bounded {
	int rfd;
	int wfd[BND_NFILES];
	unsigned char *rbuf;		/* BND_TOTAL chunks */
	unsigned char *wbuf;		/* BND_WRITES chunks */
	unsigned char *seen;		/* BND_TOTAL flags */
};

static unsigned char rpattern(unsigned int off)
{
	return (off * 7 + off / BND_CHUNK) & 0xff;
}

static unsigned char wpattern(unsigned int file, unsigned int chunk,
			      unsigned int i)
{
	return (file * 31 + chunk * 3 + i) & 0xff;
}

static bool is_write(unsigned int i)
{
	return i % 5 == 4;
}

static void prep_bounded(struct io_uring_sqe *sqe, struct bounded *b,
			 unsigned int i)
{
	unsigned int w = i / 5, file = w % BND_NFILES, chunk = w / BND_NFILES;

	if (is_write(i)) {
		uring_prep_rw(sqe, IORING_OP_WRITE, b->wfd[file],
			      b->wbuf + (size_t)w * BND_CHUNK, BND_CHUNK,
			      (__u64)chunk * BND_CHUNK, i);
	} else {
		uring_prep_rw(sqe, IORING_OP_READ, b->rfd,
			      b->rbuf + (size_t)i * BND_CHUNK, BND_CHUNK,
			      (__u64)(i % BND_RCHUNKS) * BND_CHUNK, i);
	}
	sqe->flags = IOSQE_ASYNC;
}

/* A ring and scratch files for 10000 IOSQE_ASYNC file reads and writes. */
FIXTURE(bounded) {
	struct bounded b;
	struct uring r;
};

FIXTURE_SETUP(bounded)
{
	struct io_uring_params p;
	unsigned char chunk[BND_CHUNK];
	unsigned int i, j, w;

	self->b.rfd = scratch_file();
	ASSERT_LE(0, self->b.rfd);
	for (i = 0; i < BND_RCHUNKS; i++) {
		for (j = 0; j < BND_CHUNK; j++)
			chunk[j] = rpattern(i * BND_CHUNK + j);
		ASSERT_EQ(BND_CHUNK, pwrite(self->b.rfd, chunk, BND_CHUNK,
					    i * BND_CHUNK));
	}
	for (i = 0; i < BND_NFILES; i++) {
		self->b.wfd[i] = scratch_file();
		ASSERT_LE(0, self->b.wfd[i]);
	}
	self->b.rbuf = calloc(BND_TOTAL, BND_CHUNK);
	self->b.wbuf = malloc((size_t)BND_WRITES * BND_CHUNK);
	self->b.seen = calloc(BND_TOTAL, 1);
	ASSERT_NE(NULL, self->b.rbuf);
	ASSERT_NE(NULL, self->b.wbuf);
	ASSERT_NE(NULL, self->b.seen);
	for (w = 0; w < BND_WRITES; w++)
		for (j = 0; j < BND_CHUNK; j++)
			self->b.wbuf[(size_t)w * BND_CHUNK + j] =
				wpattern(w % BND_NFILES, w / BND_NFILES, j);

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 2 * BND_INFLIGHT;
	ASSERT_EQ(0, uring_init_params(&self->r, 256, &p));
}

FIXTURE_TEARDOWN(bounded)
{
	int i;

	uring_exit(&self->r);
	close(self->b.rfd);
	for (i = 0; i < BND_NFILES; i++)
		close(self->b.wfd[i]);
	free(self->b.rbuf);
	free(self->b.wbuf);
	free(self->b.seen);
}

/*
 * 10,000 bounded requests with the bounded pool limited to 2 workers: at
 * no time more than 2 workers exist, and every request completes with the
 * right result and data.
 */
TEST_F(bounded, pool_limit)
{
	unsigned int vals[2] = { BND_MAX, BND_MAX }, cur[2];
	unsigned int submitted = 0, completed = 0, i, j;
	struct bounded *b = &self->b;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	unsigned char chunk[BND_CHUNK];
	struct monitor m;
	long long start;
	int ret;

	ASSERT_EQ(0, query_workers(&self->r, cur));
	ASSERT_EQ(0, max_workers(&self->r, vals));
	/* the previous values come back */
	EXPECT_EQ(cur[0], vals[0]);
	EXPECT_EQ(cur[1], vals[1]);
	ASSERT_EQ(0, query_workers(&self->r, vals));
	ASSERT_EQ(BND_MAX, vals[0]);
	ASSERT_EQ(BND_MAX, vals[1]);

	ASSERT_EQ(0, monitor_start(&m));
	start = uring_now_ms();
	while (completed < BND_TOTAL) {
		while (submitted < BND_TOTAL &&
		       submitted - completed < BND_INFLIGHT &&
		       (sqe = uring_get_sqe(&self->r))) {
			prep_bounded(sqe, b, submitted);
			submitted++;
		}
		ret = uring_submit(&self->r);
		ASSERT_LE(0, ret) TH_LOG("submit: %d", ret);

		ret = uring_get_cqe_ms(&self->r, &cqe, URING_WAIT_SECS * 1000);
		ASSERT_EQ(0, ret) TH_LOG("%u of %u completed", completed,
					 submitted);
		do {
			ASSERT_GT(BND_TOTAL, cqe.user_data);
			ASSERT_EQ(0, b->seen[cqe.user_data])
				TH_LOG("second CQE for %llu",
				       (unsigned long long)cqe.user_data);
			b->seen[cqe.user_data] = 1;
			ASSERT_EQ(BND_CHUNK, cqe.res)
				TH_LOG("request %llu (%s): res %d",
				       (unsigned long long)cqe.user_data,
				       is_write(cqe.user_data) ? "write" : "read",
				       cqe.res);
			completed++;
			ASSERT_LE(monitor_max(&m), BND_MAX);
		} while (!uring_try_get_cqe(&self->r, &cqe));
	}
	monitor_stop(&m);
	ASSERT_EQ(0, m.err);
	TH_LOG("%d requests in %lld ms, at most %d workers in %d samples",
	       BND_TOTAL, uring_now_ms() - start, m.max, m.samples);
	EXPECT_LE(m.max, BND_MAX);
	/* IOSQE_ASYNC work runs in io-wq, so some worker was seen */
	EXPECT_LE(1, m.max);
	EXPECT_LE(count_threads(0, WRK), BND_MAX);

	/* the data read and written is right */
	for (i = 0; i < BND_TOTAL; i++) {
		unsigned int off = (i % BND_RCHUNKS) * BND_CHUNK;

		if (is_write(i))
			continue;
		for (j = 0; j < BND_CHUNK; j++)
			if (b->rbuf[(size_t)i * BND_CHUNK + j] !=
			    rpattern(off + j))
				break;
		ASSERT_EQ(BND_CHUNK, j) TH_LOG("read %u byte %u", i, j);
	}
	for (i = 0; i < BND_WRITES; i++) {
		unsigned int file = i % BND_NFILES, c = i / BND_NFILES;

		ASSERT_EQ(BND_CHUNK, pread(b->wfd[file], chunk, BND_CHUNK,
					   c * BND_CHUNK));
		for (j = 0; j < BND_CHUNK; j++)
			if (chunk[j] != wpattern(file, c, j))
				break;
		ASSERT_EQ(BND_CHUNK, j) TH_LOG("file %u chunk %u byte %u",
					       file, c, j);
	}
}

/*
 * Unbounded work: requests on pipes. The unbounded pool is limited to 4
 * workers and more requests than that are outstanding.
 */
#define UNB_MAX		4
#define UNB_SPLICES	16
#define UNB_READS	64
#define UNB_LEN		64

/* A ring whose unbounded pool is limited to 4 workers, and 64 pipes. */
FIXTURE(unbounded) {
	struct uring r;
	int pipes[UNB_READS][2];
	int npipes;
	struct monitor m;
	bool monitoring;
};

FIXTURE_SETUP(unbounded)
{
	unsigned int vals[2] = { 1, UNB_MAX };
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 256;
	ASSERT_EQ(0, uring_init_params(&self->r, 128, &p));
	ASSERT_EQ(0, max_workers(&self->r, vals));
	ASSERT_EQ(0, query_workers(&self->r, vals));
	ASSERT_EQ(1, vals[0]);
	ASSERT_EQ(UNB_MAX, vals[1]);
	for (self->npipes = 0; self->npipes < UNB_READS; self->npipes++)
		ASSERT_EQ(0, pipe2(self->pipes[self->npipes], O_CLOEXEC));
	self->monitoring = false;
}

FIXTURE_TEARDOWN(unbounded)
{
	int i;

	if (self->monitoring)
		monitor_stop(&self->m);
	uring_exit(&self->r);
	for (i = 0; i < self->npipes; i++) {
		close(self->pipes[i][0]);
		close(self->pipes[i][1]);
	}
}

/* Write UNB_LEN bytes of pattern i into pipe i, for each of the n pipes. */
static int fill_pipes(int (*pipes)[2], int n)
{
	char buf[UNB_LEN];
	int i;

	for (i = 0; i < n; i++) {
		memset(buf, 'a' + i % 26, sizeof(buf));
		if (write(pipes[i][1], buf, sizeof(buf)) != sizeof(buf))
			return -1;
	}
	return 0;
}

/*
 * SPLICE from an empty pipe blocks an io-wq worker until data arrives (it
 * has no poll-driven retry), so 16 of them need 16 workers but may only
 * get 4: exactly 4 workers run, nothing completes, and once every pipe has
 * data all 16 complete, 4 at a time.
 */
TEST_F(unbounded, splice_blocked)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	bool seen[UNB_SPLICES] = { };
	int devnull, i, n;

	if (!uring_op_supported(&self->r, IORING_OP_SPLICE))
		SKIP(return, "IORING_OP_SPLICE not supported");
	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, devnull);

	ASSERT_EQ(0, monitor_start(&self->m));
	self->monitoring = true;
	for (i = 0; i < UNB_SPLICES; i++) {
		sqe = uring_get_sqe(&self->r);
		ASSERT_NE(NULL, sqe);
		uring_prep_splice(sqe, self->pipes[i][0], devnull, UNB_LEN, i);
		sqe->flags = IOSQE_ASYNC;
	}
	ASSERT_EQ(UNB_SPLICES, uring_submit(&self->r));

	/* the pool fills up to its limit and stays there */
	n = wait_threads(0, WRK, true, UNB_MAX, URING_WAIT_SECS * 1000);
	EXPECT_EQ(UNB_MAX, n);
	usleep(100000);
	EXPECT_EQ(UNB_MAX, count_threads(0, WRK));
	EXPECT_EQ(0, uring_cq_ready(&self->r));
	EXPECT_LE(monitor_max(&self->m), UNB_MAX);

	ASSERT_EQ(0, fill_pipes(self->pipes, UNB_SPLICES));
	for (i = 0; i < UNB_SPLICES; i++) {
		ASSERT_EQ(0, uring_get_cqe_ms(&self->r, &cqe,
					      URING_WAIT_SECS * 1000))
			TH_LOG("%d of %d splices completed", i, UNB_SPLICES);
		ASSERT_GT(UNB_SPLICES, cqe.user_data);
		ASSERT_FALSE(seen[cqe.user_data]);
		seen[cqe.user_data] = true;
		EXPECT_EQ(UNB_LEN, cqe.res)
			TH_LOG("splice %llu",
			       (unsigned long long)cqe.user_data);
	}
	monitor_stop(&self->m);
	self->monitoring = false;
	ASSERT_EQ(0, self->m.err);
	TH_LOG("at most %d workers in %d samples", self->m.max,
	       self->m.samples);
	EXPECT_EQ(UNB_MAX, self->m.max);
	close(devnull);
}

/*
 * On an SQPOLL ring the SQ thread submits, so its io-wq runs the work:
 * IORING_REGISTER_IOWQ_MAX_WORKERS tunes that one, not the caller's. 16
 * blocked splices get exactly the 2 unbounded workers allowed, and a
 * plain ring of the caller still sees the default limits.
 */
TEST(sqpoll_limits)
{
	unsigned int vals[2] = { 1, 2 }, dflt[2];
	int pipes[UNB_SPLICES][2];
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	struct uring r, plain;
	struct monitor m;
	int devnull, i;

	ASSERT_EQ(0, uring_init(&plain, 4, 0));
	ASSERT_EQ(0, query_workers(&plain, dflt));
	ASSERT_EQ(0, uring_init(&r, 32, IORING_SETUP_SQPOLL));
	if (!uring_op_supported(&r, IORING_OP_SPLICE))
		SKIP(return, "IORING_OP_SPLICE not supported");
	ASSERT_EQ(0, max_workers(&r, vals));
	EXPECT_NE(0, vals[0]);
	EXPECT_NE(0, vals[1]);
	ASSERT_EQ(0, query_workers(&r, vals));
	EXPECT_EQ(1, vals[0]);
	EXPECT_EQ(2, vals[1]);
	ASSERT_EQ(0, query_workers(&plain, vals));
	EXPECT_EQ(dflt[0], vals[0]);
	EXPECT_EQ(dflt[1], vals[1]);

	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, devnull);
	for (i = 0; i < UNB_SPLICES; i++)
		ASSERT_EQ(0, pipe2(pipes[i], O_CLOEXEC));
	ASSERT_EQ(0, monitor_start(&m));
	for (i = 0; i < UNB_SPLICES; i++) {
		sqe = uring_get_sqe(&r);
		ASSERT_NE(NULL, sqe);
		uring_prep_splice(sqe, pipes[i][0], devnull, UNB_LEN, i);
		sqe->flags = IOSQE_ASYNC;
	}
	ASSERT_EQ(UNB_SPLICES, uring_submit(&r));
	EXPECT_EQ(2, wait_threads(0, WRK, true, 2, URING_WAIT_SECS * 1000));
	usleep(100000);
	EXPECT_EQ(2, count_threads(0, WRK));
	ASSERT_EQ(0, fill_pipes(pipes, UNB_SPLICES));
	for (i = 0; i < UNB_SPLICES; i++) {
		ASSERT_EQ(0, uring_get_cqe_ms(&r, &cqe, URING_WAIT_SECS * 1000))
			TH_LOG("%d of %d splices completed", i, UNB_SPLICES);
		EXPECT_EQ(UNB_LEN, cqe.res);
	}
	monitor_stop(&m);
	ASSERT_EQ(0, m.err);
	EXPECT_EQ(2, monitor_max(&m));
	for (i = 0; i < UNB_SPLICES; i++) {
		close(pipes[i][0]);
		close(pipes[i][1]);
	}
	close(devnull);
	uring_exit(&r);
	uring_exit(&plain);
}

/*
 * IOSQE_ASYNC reads on empty pipes. Upstream (6.12, 6.18) issues them from
 * a worker without blocking and, as pipes can be polled, parks them on poll
 * instead of holding the worker; a pool that blocks in the read instead
 * would run 4 at a time. Either way never more than 4 workers exist, and
 * once the pipes have data every read completes with its own data.
 */
TEST_F(unbounded, pipe_reads)
{
	static char bufs[UNB_READS][UNB_LEN];
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	bool seen[UNB_READS] = { };
	int i, j;

	ASSERT_EQ(0, monitor_start(&self->m));
	self->monitoring = true;
	for (i = 0; i < UNB_READS; i++) {
		sqe = uring_get_sqe(&self->r);
		ASSERT_NE(NULL, sqe);
		uring_prep_rw(sqe, IORING_OP_READ, self->pipes[i][0], bufs[i],
			      UNB_LEN, (__u64)-1, i);
		sqe->flags = IOSQE_ASYNC;
	}
	ASSERT_EQ(UNB_READS, uring_submit(&self->r));
	usleep(200000);
	EXPECT_EQ(0, uring_cq_ready(&self->r));
	EXPECT_LE(count_threads(0, WRK), UNB_MAX);

	ASSERT_EQ(0, fill_pipes(self->pipes, UNB_READS));
	for (i = 0; i < UNB_READS; i++) {
		ASSERT_EQ(0, uring_get_cqe_ms(&self->r, &cqe,
					      URING_WAIT_SECS * 1000))
			TH_LOG("%d of %d reads completed", i, UNB_READS);
		ASSERT_GT(UNB_READS, cqe.user_data);
		ASSERT_FALSE(seen[cqe.user_data]);
		seen[cqe.user_data] = true;
		ASSERT_EQ(UNB_LEN, cqe.res);
		for (j = 0; j < UNB_LEN; j++)
			ASSERT_EQ('a' + cqe.user_data % 26,
				  bufs[cqe.user_data][j]);
	}
	monitor_stop(&self->m);
	self->monitoring = false;
	ASSERT_EQ(0, self->m.err);
	TH_LOG("at most %d workers in %d samples", self->m.max,
	       self->m.samples);
	EXPECT_LE(self->m.max, UNB_MAX);
}

/*
 * Idle workers stay while the task can still reach a ring, and leave at
 * once (not after their idle timeout) when it closes its last one.
 */
TEST(idle_workers_leave_with_last_ring)
{
	struct io_uring_cqe cqe;
	struct uring a, b;

	ASSERT_EQ(0, uring_init(&a, 8, 0));
	ASSERT_EQ(0, uring_init(&b, 8, 0));
	ASSERT_EQ(0, uring_queue_nop(&a, 1, IOSQE_ASYNC));
	ASSERT_EQ(1, uring_submit(&a));
	ASSERT_EQ(0, uring_get_cqe_ms(&a, &cqe, URING_WAIT_SECS * 1000));
	ASSERT_LE(1, wait_threads(0, WRK, true, 1, 2000));

	uring_exit(&b);
	usleep(300 * 1000);
	EXPECT_LE(1, count_threads(0, WRK));

	uring_exit(&a);
	EXPECT_EQ(0, wait_threads(0, WRK, false, 0, 1000));
}

#define FIFO_PATH	"/tmp/iowq-retry-fifo"

/* An IOSQE_ASYNC openat of FIFO_PATH: blocks its worker until both ends. */
static void prep_fifo_open(struct uring *r, int flags, __u64 user_data)
{
	struct io_uring_sqe *sqe = uring_get_sqe(r);

	sqe->opcode = IORING_OP_OPENAT;
	sqe->fd = AT_FDCWD;
	sqe->addr = (unsigned long)FIFO_PATH;
	sqe->open_flags = flags;
	sqe->flags = IOSQE_ASYNC;
	sqe->user_data = user_data;
}

/*
 * The child of worker_creation_retried, as an unprivileged user allowed
 * two tasks: itself and one worker. Return: 0, or where it failed.
 */
static int creation_retry_child(void)
{
	struct rlimit rl = { .rlim_cur = 2, .rlim_max = 8 };
	struct io_uring_cqe cqe;
	struct uring r;
	int i;

	if (setgid(54321) || setuid(54321) || setrlimit(RLIMIT_NPROC, &rl) ||
	    uring_init(&r, 8, 0))
		return 10;
	/* the reader's open waits in the only worker for a writer */
	prep_fifo_open(&r, O_RDONLY, 1);
	if (uring_submit(&r) != 1 || wait_threads(0, WRK, true, 1, 2000) != 1)
		return 11;
	usleep(100 * 1000);
	/* the writer's open is queued; its worker cannot be created */
	prep_fifo_open(&r, O_WRONLY, 2);
	if (uring_submit(&r) != 1)
		return 12;
	usleep(300 * 1000);
	if (uring_cq_ready(&r) || count_threads(0, WRK) != 1)
		return 13;
	rl.rlim_cur = 3;
	if (setrlimit(RLIMIT_NPROC, &rl))
		return 14;
	for (i = 0; i < 2; i++) {
		if (uring_get_cqe_ms(&r, &cqe, URING_WAIT_SECS * 1000))
			return 15;
		if (cqe.res < 0)
			return 16;
	}
	return 0;
}

/*
 * A worker that could not be created is asked for again later: work
 * queued behind an item blocked in the only worker must not be stranded
 * because creating a second worker failed once (RLIMIT_NPROC here;
 * memory, in general).
 */
TEST(worker_creation_retried)
{
	int status;
	pid_t pid;

	if (geteuid())
		SKIP(return, "needs root to become an unprivileged user");
	unlink(FIFO_PATH);
	ASSERT_EQ(0, mkfifo(FIFO_PATH, 0666));
	ASSERT_EQ(0, chmod(FIFO_PATH, 0666));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid)
		_exit(creation_retry_child());
	status = wait_child_ms(pid, 3 * URING_WAIT_SECS * 1000);
	unlink(FIFO_PATH);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_HARNESS_MAIN
