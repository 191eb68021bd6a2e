// SPDX-License-Identifier: GPL-2.0
/*
 * nop: NOP throughput at 1, 8, 32 and 128 SQEs per io_uring_enter, on a
 * default ring and on a SINGLE_ISSUER|DEFER_TASKRUN ring whose fd is
 * registered. Each enter submits the batch and waits for all of it.
 */
#include <liburing.h>
#include "bench.h"

static void run(int batch, int dt)
{
	struct io_uring_params p = { };
	struct io_uring ring;
	struct io_uring_cqe *cqes[128];
	unsigned long long ops = 0;
	struct bench_clock c;
	double t;
	int i, ret, check = batch >= 64 ? 1 : 64 / batch, n = 0;
	char name[64];

	snprintf(name, sizeof(name), "nop-b%d%s", batch, dt ? "-dt-regfd" : "");
	if (!bench_wanted(name))
		return;
	if (dt)
		p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
	ret = io_uring_queue_init_params(128, &ring, &p);
	if (ret) {
		bench_fail(name, "io_uring_queue_init_params", ret);
		return;
	}
	if (dt) {
		ret = io_uring_register_ring_fd(&ring);
		if (ret != 1) {
			bench_fail(name, "io_uring_register_ring_fd", ret < 0 ? ret : EINVAL);
			goto out;
		}
	}
	bench_start(&c);
	for (;;) {
		unsigned int got;

		for (i = 0; i < batch; i++)
			io_uring_prep_nop(io_uring_get_sqe(&ring));
		ret = io_uring_submit_and_wait(&ring, batch);
		if (ret != batch) {
			bench_fail(name, "io_uring_submit_and_wait", ret < 0 ? ret : EIO);
			goto out;
		}
		got = io_uring_peek_batch_cqe(&ring, cqes, batch);
		if (got != (unsigned int)batch || cqes[0]->res) {
			bench_fail(name, "NOP completions", EIO);
			goto out;
		}
		io_uring_cq_advance(&ring, got);
		ops += batch;
		if (++n % check && !bench_counted(&c))
			continue;
		if (!bench_going(&c, ops, &t))
			break;
	}
	bench_report(name, ops / t, "ops/s", "higher");
out:
	io_uring_queue_exit(&ring);
}

int main(void)
{
	static const int batches[] = { 1, 8, 32, 128 };
	unsigned int i;
	int dt;

	for (dt = 0; dt < 2; dt++)
		for (i = 0; i < ARRAY_SIZE(batches); i++)
			run(batches[i], dt);
	return 0;
}
