// SPDX-License-Identifier: GPL-2.0
/*
 * sqpoll: NOP submissions/s on an SQPOLL ring whose poller stays awake
 * (2 s idle time, longer than the run). The poller is bound to CPU 1
 * (IORING_SETUP_SQ_AFF) and the application to CPU 0, so the two never
 * share a CPU; the application only fills the SQ and reaps the CQ by
 * spinning, up to 128 in flight, and never enters the kernel unless the
 * poller asks for a wakeup. Both vCPUs spin, so a busy host shows: the
 * figure is the best of 5 windows of a fifth of the run each.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <unistd.h>
#include <liburing.h>
#include "bench.h"

#define DEPTH	128
#define BATCH	32
#define WINDOWS	5

static const char *name = "sqpoll-nop";

/*
 * Keep up to DEPTH NOPs in flight for a fifth of the run (or, profiled,
 * for the operations asked); NOPs completed per second.
 */
static double window(struct io_uring *ring, unsigned int *inflight)
{
	struct io_uring_cqe *cqes[DEPTH];
	unsigned long long done = 0;
	struct bench_clock c;
	double t;
	int i, ret, n = 0;

	bench_start(&c);
	c.secs /= WINDOWS;

	for (;;) {
		unsigned int got;

		for (i = 0; i < BATCH && *inflight < DEPTH; i++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

			if (!sqe)
				break;
			io_uring_prep_nop(sqe);
			(*inflight)++;
		}
		ret = io_uring_submit(ring);
		if (ret < 0) {
			bench_fail(name, "io_uring_submit", ret);
			return -1;
		}
		got = io_uring_peek_batch_cqe(ring, cqes, DEPTH);
		for (i = 0; i < (int)got; i++) {
			if (cqes[i]->res) {
				bench_fail(name, "NOP", cqes[i]->res);
				return -1;
			}
		}
		io_uring_cq_advance(ring, got);
		*inflight -= got;
		done += got;
		if (++n % 16 && !bench_counted(&c))
			continue;
		if (!bench_going(&c, done, &t))
			return done / t;
	}
}

int main(void)
{
	struct io_uring_params p = { .flags = IORING_SETUP_SQPOLL,
				     .sq_thread_idle = 2000 };
	struct io_uring ring;
	unsigned int inflight = 0;
	double best = 0, v;
	cpu_set_t set;
	int i, ret;

	if (!bench_wanted(name))
		return 0;
	if (sysconf(_SC_NPROCESSORS_ONLN) >= 2) {
		p.flags |= IORING_SETUP_SQ_AFF;
		p.sq_thread_cpu = 1;
	}
	ret = io_uring_queue_init_params(DEPTH, &ring, &p);
	if (ret) {
		bench_fail(name, "io_uring_queue_init_params", ret);
		return 0;
	}
	/* Only now: the poller's CPU must be one its creator may run on. */
	if (p.flags & IORING_SETUP_SQ_AFF) {
		CPU_ZERO(&set);
		CPU_SET(0, &set);
		sched_setaffinity(0, sizeof(set), &set);
	}
	/* profiled: one window of the operations asked */
	for (i = 0; i < (getenv("BENCH_ROW") ? 1 : WINDOWS); i++) {
		v = window(&ring, &inflight);
		if (v < 0)
			goto out;
		fprintf(stderr, "%s: window %d: %.0f ops/s\n", name, i + 1, v);
		if (v > best)
			best = v;
	}
	bench_report(name, best, "ops/s", "higher");
out:
	io_uring_queue_exit(&ring);
	return 0;
}
