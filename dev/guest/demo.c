// SPDX-License-Identifier: GPL-2.0
/*
 * uring-demo DIR: show the kernel's io_uring at work: a NOP round trip, the
 * probe, an eventfd notification and, when the ring offers READ and WRITE,
 * a file copy through the ring.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <liburing.h>

static int nop_round_trip(struct io_uring *ring)
{
	struct io_uring_cqe *cqe;
	int i, ret;

	for (i = 0; i < 8; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

		io_uring_prep_nop(sqe);
		sqe->user_data = 0x1000 + i;
	}
	ret = io_uring_submit_and_wait(ring, 8);
	printf("demo: submitted 8 NOPs with one io_uring_enter: %d\n", ret);
	for (i = 0; i < 8; i++) {
		ret = io_uring_wait_cqe(ring, &cqe);
		if (ret)
			return ret;
		printf("demo:   cqe user_data=0x%llx res=%d\n",
		       (unsigned long long)cqe->user_data, cqe->res);
		io_uring_cqe_seen(ring, cqe);
	}
	return 0;
}

static void show_probe(struct io_uring *ring)
{
	struct io_uring_probe *p = io_uring_get_probe_ring(ring);
	int op;

	if (!p)
		return;
	printf("demo: probe: last_op=%d, supported:", p->last_op);
	for (op = 0; op <= p->last_op; op++)
		if (p->ops[op].flags & IO_URING_OP_SUPPORTED)
			printf(" %d", op);
	printf("\n");
	io_uring_free_probe(p);
}

static int eventfd_notify(struct io_uring *ring)
{
	struct io_uring_cqe *cqe;
	eventfd_t v = 0;
	int efd = eventfd(0, 0);

	if (efd < 0 || io_uring_register_eventfd(ring, efd))
		return -1;
	io_uring_prep_nop(io_uring_get_sqe(ring));
	io_uring_submit(ring);
	eventfd_read(efd, &v);
	io_uring_wait_cqe(ring, &cqe);
	io_uring_cqe_seen(ring, cqe);
	printf("demo: eventfd signalled %llu time(s) for a NOP completion\n",
	       (unsigned long long)v);
	io_uring_unregister_eventfd(ring);
	close(efd);
	return 0;
}

static int copy_file(struct io_uring *ring, const char *dir)
{
	char src[256], dst[256], buf[4096], back[4096];
	struct io_uring_cqe *cqe;
	int in, out, ret;

	if (!io_uring_opcode_supported(io_uring_get_probe_ring(ring), IORING_OP_READ)) {
		printf("demo: file copy skipped: IORING_OP_READ not offered yet\n");
		return 0;
	}
	snprintf(src, sizeof(src), "%s/demo-src", dir);
	snprintf(dst, sizeof(dst), "%s/demo-dst", dir);
	memset(buf, 'u', sizeof(buf));
	in = open(src, O_RDWR | O_CREAT | O_TRUNC, 0644);
	out = open(dst, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (in < 0 || out < 0 || write(in, buf, sizeof(buf)) != sizeof(buf))
		return -1;
	memset(buf, 0, sizeof(buf));
	io_uring_prep_read(io_uring_get_sqe(ring), in, buf, sizeof(buf), 0);
	io_uring_submit_and_wait(ring, 1);
	io_uring_wait_cqe(ring, &cqe);
	ret = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	if (ret != sizeof(buf))
		return -1;
	io_uring_prep_write(io_uring_get_sqe(ring), out, buf, sizeof(buf), 0);
	io_uring_submit_and_wait(ring, 1);
	io_uring_wait_cqe(ring, &cqe);
	ret = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	if (ret != sizeof(buf) || pread(out, back, sizeof(back), 0) != sizeof(back))
		return -1;
	printf("demo: copied %d bytes %s -> %s through the ring: %s\n", ret, src,
	       dst, memcmp(buf, back, sizeof(buf)) ? "MISMATCH" : "identical");
	close(in);
	close(out);
	return 0;
}

int main(int argc, char **argv)
{
	struct io_uring ring;
	int ret;

	ret = io_uring_queue_init(64, &ring, 0);
	if (ret) {
		printf("demo: io_uring_queue_init: %s\n", strerror(-ret));
		return 1;
	}
	printf("demo: ring set up: %u SQ entries, %u CQ entries, features 0x%x\n",
	       ring.sq.ring_entries, ring.cq.ring_entries, ring.features);
	ret = nop_round_trip(&ring) || eventfd_notify(&ring) ||
	      copy_file(&ring, argc > 1 ? argv[1] : "/tmp");
	show_probe(&ring);
	io_uring_queue_exit(&ring);
	printf("demo: %s\n", ret ? "FAILED" : "io_uring works");
	return ret;
}
