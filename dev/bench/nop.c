// SPDX-License-Identifier: GPL-2.0
/*
 * nop: NOP throughput at 1, 8, 32 and 128 SQEs per io_uring_enter, on a
 * default ring and on a SINGLE_ISSUER|DEFER_TASKRUN ring whose fd is
 * registered. Each enter submits the batch and waits for all of it.
 * nop-link8: batches of 32 as four link chains of 8 NOPs each.
 */
#include <liburing.h>
#include "bench.h"

/* NOP SQEs for one enter; with @link, chains of @link requests. */
static void prep_batch(struct io_uring *ring, int batch, int link)
{
	struct io_uring_sqe *sqe;
	int i;

	for (i = 0; i < batch; i++) {
		sqe = io_uring_get_sqe(ring);
		io_uring_prep_nop(sqe);
		if (link && (i + 1) % link)
			sqe->flags |= IOSQE_IO_LINK;
	}
}

static void run(int batch, int dt, int link)
{
	struct io_uring_params p = { };
	struct io_uring ring;
	struct io_uring_cqe *cqes[128];
	unsigned long long ops = 0;
	struct bench_clock c;
	double t;
	int ret, check = batch >= 64 ? 1 : 64 / batch, n = 0;
	char name[64];

	if (link)
		snprintf(name, sizeof(name), "nop-link%d", link);
	else
		snprintf(name, sizeof(name), "nop-b%d%s", batch,
			 dt ? "-dt-regfd" : "");
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

		prep_batch(&ring, batch, link);
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
			run(batches[i], dt, 0);
	run(32, 0, 8);
	return 0;
}
