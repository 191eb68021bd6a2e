// SPDX-License-Identifier: GPL-2.0
/*
 * sqpoll: NOP submissions/s on an SQPOLL ring whose poller stays awake
 * (2 s idle time, longer than the run): the application only fills the SQ
 * and reaps the CQ, up to 128 in flight; it enters the kernel only to wait
 * when the CQ is empty and the SQ is full.
 */
#include <liburing.h>
#include "bench.h"

#define DEPTH	128
#define BATCH	32

int main(void)
{
	const char *name = "sqpoll-nop";
	struct io_uring_params p = { .flags = IORING_SETUP_SQPOLL,
				     .sq_thread_idle = 2000 };
	struct io_uring ring;
	struct io_uring_cqe *cqes[DEPTH];
	unsigned long long done = 0;
	unsigned inflight = 0;
	double t0, t, secs = bench_secs();
	int i, ret, n = 0;

	ret = io_uring_queue_init_params(DEPTH, &ring, &p);
	if (ret) {
		bench_fail(name, "io_uring_queue_init_params", ret);
		return 0;
	}
	t0 = bench_now();
	for (;;) {
		unsigned got;

		for (i = 0; i < BATCH && inflight < DEPTH; i++, inflight++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

			if (!sqe)
				break;
			io_uring_prep_nop(sqe);
		}
		ret = io_uring_submit(&ring);
		if (ret < 0) {
			bench_fail(name, "io_uring_submit", ret);
			goto out;
		}
		got = io_uring_peek_batch_cqe(&ring, cqes, DEPTH);
		if (!got && inflight >= DEPTH) {
			struct io_uring_cqe *cqe;

			ret = io_uring_wait_cqe(&ring, &cqe);
			if (ret) {
				bench_fail(name, "io_uring_wait_cqe", ret);
				goto out;
			}
			got = io_uring_peek_batch_cqe(&ring, cqes, DEPTH);
		}
		for (i = 0; i < (int)got; i++) {
			if (cqes[i]->res) {
				bench_fail(name, "NOP", cqes[i]->res);
				goto out;
			}
		}
		io_uring_cq_advance(&ring, got);
		inflight -= got;
		done += got;
		if (++n % 16)
			continue;
		t = bench_now() - t0;
		if (t >= secs)
			break;
	}
	bench_report(name, done / t, "ops/s", "higher");
out:
	io_uring_queue_exit(&ring);
	return 0;
}
