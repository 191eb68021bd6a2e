// SPDX-License-Identifier: GPL-2.0
/*
 * nop: NOP throughput at 1, 8, 32 and 128 SQEs per io_uring_enter, on a
 * default ring and on a SINGLE_ISSUER|DEFER_TASKRUN ring whose fd is
 * registered. Each enter submits the batch and waits for all of it.
 * nop-link8: batches of 32 as four link chains of 8 NOPs each.
 * nop-b32-filter4: batches of 32 on a ring whose NOPs pass four cBPF
 * filters (IORING_REGISTER_BPF_FILTER, 7.0; unsupported on 6.12), and
 * nop-b32-filter4-rel, its throughput in percent of nop-b32 measured just
 * before it in the same boot: the filters' cost.
 */
#include <linux/filter.h>
#include <liburing.h>
#include "bench.h"

/* struct io_uring_bpf of 7.0, for headers older than that */
struct bench_bpf {
	__u16 cmd_type, cmd_flags;
	__u32 resv;
	__u32 opcode, flags, filter_len;
	__u8 pdu_size, resv1[3];
	__u64 filter_ptr;
	__u64 resv2[5];
};

/* A filter of the usual shape: read the opcode, allow NOPs. */
static struct sock_filter allow_nop[] = {
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 8),
	BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xff),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IORING_OP_NOP, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, 1),
	BPF_STMT(BPF_RET | BPF_K, 0),
};

/* Four of them on the ring's NOPs; 0 or a negative errno. */
static int add_filters(struct io_uring *ring)
{
	struct bench_bpf b = {
		.cmd_type = 1, .opcode = IORING_OP_NOP,
		.filter_len = ARRAY_SIZE(allow_nop),
		.filter_ptr = (unsigned long)allow_nop,
	};
	int i, ret;

	for (i = 0; i < 4; i++) {
		ret = io_uring_register(ring->ring_fd, 37, &b, 1);
		if (ret)
			return ret;
	}
	return 0;
}

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

/* One row; returns its ops/s, or 0 if it was not measured. */
static double run(int batch, int dt, int link, bool filters)
{
	struct io_uring_params p = { };
	struct io_uring ring;
	struct io_uring_cqe *cqes[128];
	unsigned long long ops = 0;
	struct bench_clock c;
	double t, rate = 0;
	int ret, check = batch >= 64 ? 1 : 64 / batch, n = 0;
	char name[64];

	if (link)
		snprintf(name, sizeof(name), "nop-link%d", link);
	else
		snprintf(name, sizeof(name), "nop-b%d%s%s", batch,
			 dt ? "-dt-regfd" : "", filters ? "-filter4" : "");
	if (!bench_wanted(name))
		return 0;
	if (dt)
		p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
	ret = io_uring_queue_init_params(128, &ring, &p);
	if (ret) {
		bench_fail(name, "io_uring_queue_init_params", ret);
		return 0;
	}
	if (filters) {
		ret = add_filters(&ring);
		if (ret) {
			bench_fail(name, "IORING_REGISTER_BPF_FILTER", ret);
			goto out;
		}
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
	rate = ops / t;
	bench_report(name, rate, "ops/s", "higher");
out:
	io_uring_queue_exit(&ring);
	return rate;
}

int main(void)
{
	static const int batches[] = { 1, 8, 32, 128 };
	unsigned int i;
	int dt;

	double rate, plain = 0, filtered;

	for (dt = 0; dt < 2; dt++)
		for (i = 0; i < ARRAY_SIZE(batches); i++) {
			rate = run(batches[i], dt, 0, false);
			if (!dt && batches[i] == 32)
				plain = rate;
		}
	run(32, 0, 8, false);
	filtered = run(32, 0, 0, true);
	if (plain && filtered)
		bench_report("nop-b32-filter4-rel", 100 * filtered / plain, "%",
			     "higher");
	return 0;
}
