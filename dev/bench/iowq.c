// SPDX-License-Identifier: GPL-2.0
/*
 * iowq DIR: 10,000 requests that block in io-wq (IOSQE_ASYNC opens of a
 * FIFO in DIR that has no writer yet) with the unbound and bound worker
 * limits set to 4 by IORING_REGISTER_IOWQ_MAX_WORKERS.
 *  iowq-threads:	the most io-wq worker threads seen while they wait
 *			(the limit says 4).
 *  iowq-drain:		opens completed per second once a writer appears
 *			and the queue drains through the 4 workers.
 */
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <liburing.h>
#include "bench.h"

#define NREQ	10000
#define WORKERS	4

/* Threads of this process besides the main one: io-wq workers here. */
static int worker_threads(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp";
	struct rlimit rl = { NREQ + 1024, NREQ + 1024 };
	struct io_uring_params p = { .flags = IORING_SETUP_CQSIZE,
				     .cq_entries = 16384 };
	unsigned int max[2] = { WORKERS, WORKERS };
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	int i, ret, wfd, peak = 0, done = 0;
	double t0, t = 0, secs = bench_secs();
	char path[4096];

	if (setrlimit(RLIMIT_NOFILE, &rl))
		perror("setrlimit");
	snprintf(path, sizeof(path), "%s/bench-iowq.fifo", dir);
	unlink(path);
	if (mkfifo(path, 0600)) {
		perror(path);
		return 1;
	}
	ret = io_uring_queue_init_params(4096, &ring, &p);
	if (ret) {
		bench_fail("iowq-threads", "io_uring_queue_init_params", ret);
		bench_fail("iowq-drain", "io_uring_queue_init_params", ret);
		goto out;
	}
	ret = io_uring_register_iowq_max_workers(&ring, max);
	if (ret) {
		bench_fail("iowq-threads", "IORING_REGISTER_IOWQ_MAX_WORKERS", ret);
		bench_fail("iowq-drain", "IORING_REGISTER_IOWQ_MAX_WORKERS", ret);
		goto out_ring;
	}
	for (i = 0; i < NREQ; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

		if (!sqe) {
			ret = io_uring_submit(&ring);
			if (ret < 0)
				break;
			sqe = io_uring_get_sqe(&ring);
		}
		io_uring_prep_openat(sqe, AT_FDCWD, path, O_RDONLY, 0);
		sqe->flags |= IOSQE_ASYNC;
	}
	ret = io_uring_submit(&ring);
	if (ret < 0) {
		bench_fail("iowq-threads", "io_uring_submit", ret);
		bench_fail("iowq-drain", "io_uring_submit", ret);
		goto out_ring;
	}
	/* Watch the workers pile up while every open waits for a writer. */
	t0 = bench_now();
	while (bench_now() - t0 < secs) {
		int n = worker_threads();

		if (n > peak)
			peak = n;
		usleep(10 * 1000);
	}
	if (!io_uring_peek_cqe(&ring, &cqe)) {
		/* Something completed without a writer: not what we measure. */
		bench_fail("iowq-threads", "open of the FIFO did not block",
			   cqe->res < 0 ? cqe->res : EIO);
		bench_fail("iowq-drain", "open of the FIFO did not block",
			   cqe->res < 0 ? cqe->res : EIO);
		goto out_ring;
	}
	bench_report("iowq-threads", peak, "threads", "lower");

	/* A reader-writer open of the FIFO releases every waiting reader. */
	wfd = open(path, O_RDWR);
	t0 = bench_now();
	while (done < NREQ) {
		unsigned int head, n = 0;

		ret = io_uring_wait_cqe(&ring, &cqe);
		if (ret)
			break;
		io_uring_for_each_cqe(&ring, head, cqe) {
			if (cqe->res < 0)
				ret = cqe->res;
			else
				close(cqe->res);
			n++;
		}
		io_uring_cq_advance(&ring, n);
		done += n;
		t = bench_now() - t0;
		if (ret || t >= 4 * secs)
			break;
	}
	if (ret)
		bench_fail("iowq-drain", "open", ret);
	else
		bench_report("iowq-drain", done / t, "ops/s", "higher");
	close(wfd);
out_ring:
	io_uring_queue_exit(&ring);
out:
	unlink(path);
	return 0;
}
