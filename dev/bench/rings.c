// SPDX-License-Identifier: GPL-2.0
/*
 * rings: the scaling row. 1, 2, 4 and 8 threads, each with a ring of its
 * own, submit NOPs in batches of 32 for the same time; the row is their
 * total throughput. Rings share nothing, so it must not fall as rings are
 * added (the guest has 2 vCPUs: beyond 2 it should stay flat). Profiled
 * (make profile), each thread runs its share of BENCH_OPS instead.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>
#include <liburing.h>
#include "bench.h"

#define BATCH		32
#define MAX_RINGS	8

struct ring_thread {
	pthread_t		thread;
	unsigned long long	ops;
	unsigned long long	quota;	/* profiled: NOPs to run; 0 when timed */
	int			err;
};

static atomic_int stop;
static pthread_barrier_t ready;

static void *drive(void *arg)
{
	struct ring_thread *rt = arg;
	struct io_uring_cqe *cqes[BATCH];
	struct io_uring ring;
	int i, ret;

	ret = io_uring_queue_init(BATCH * 2, &ring, 0);
	pthread_barrier_wait(&ready);
	if (ret) {
		rt->err = ret;
		return NULL;
	}
	while (!atomic_load_explicit(&stop, memory_order_relaxed) &&
	       (!rt->quota || rt->ops < rt->quota)) {
		for (i = 0; i < BATCH; i++)
			io_uring_prep_nop(io_uring_get_sqe(&ring));
		ret = io_uring_submit_and_wait(&ring, BATCH);
		if (ret != BATCH ||
		    io_uring_peek_batch_cqe(&ring, cqes, BATCH) != BATCH) {
			rt->err = ret < 0 ? ret : -EIO;
			break;
		}
		io_uring_cq_advance(&ring, BATCH);
		rt->ops += BATCH;
	}
	io_uring_queue_exit(&ring);
	return NULL;
}

static void run(int nr)
{
	struct ring_thread rt[MAX_RINGS] = { };
	unsigned long long ops = 0;
	struct bench_clock c;
	double t0, t;
	char name[32];
	int i, err = 0;

	snprintf(name, sizeof(name), "rings-%d", nr);
	if (!bench_wanted(name))
		return;
	atomic_store(&stop, 0);
	pthread_barrier_init(&ready, NULL, nr + 1);
	bench_start(&c);
	for (i = 0; i < nr; i++) {
		rt[i].quota = c.ops / nr;
		if (pthread_create(&rt[i].thread, NULL, drive, &rt[i])) {
			/* the barrier cannot complete without it */
			bench_fail(name, "pthread_create", EAGAIN);
			exit(1);
		}
	}
	pthread_barrier_wait(&ready);
	t0 = bench_now();
	if (!bench_counted(&c)) {
		usleep(bench_secs() * 1e6);
		atomic_store(&stop, 1);
	}
	for (i = 0; i < nr; i++) {
		pthread_join(rt[i].thread, NULL);
		ops += rt[i].ops;
		if (rt[i].err && !err)
			err = rt[i].err;
	}
	/* profiled: closes the window */
	bench_going(&c, c.ops, &t);
	t = bench_now() - t0;
	pthread_barrier_destroy(&ready);
	if (err)
		bench_fail(name, "a ring's NOPs", err);
	else
		bench_report(name, ops / t, "ops/s", "higher");
}

int main(void)
{
	static const int nr[] = { 1, 2, 4, 8 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(nr); i++)
		run(nr[i]);
	return 0;
}
