// SPDX-License-Identifier: GPL-2.0
/*
 * mem: the kernel memory io_uring costs.
 *  mem-req-poll:	slab bytes per in-flight POLL_ADD (8192 of them waiting
 *			on an empty pipe), from /proc/slabinfo.
 *  mem-req-read:	the same for a READ of an empty pipe (async poll armed).
 *  mem-ring-4096:	bytes per ring of 4096 SQ entries (64 rings; MemFree
 *			before and after, so ring pages, context and slab).
 * Each is the median of 3 trials. Needs root for /proc/slabinfo.
 */
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>
#include <liburing.h>
#include "bench.h"

#define NREQ	8192
#define NRINGS	64
#define ENTRIES	4096
#define TRIALS	3

/* Bytes in use in all slab caches (active objects times object size). */
static long long slab_bytes(void)
{
	FILE *f = fopen("/proc/slabinfo", "r");
	long long sum = 0, active, num, size;
	char line[512], name[128];

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%127s %lld %lld %lld", name, &active, &num,
			   &size) == 4)
			sum += active * size;
	fclose(f);
	return sum;
}

static long long meminfo(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	long long v = -1;
	size_t n = strlen(key);

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':')
			v = atoll(line + n + 1) * 1024;
	fclose(f);
	return v;
}

static void settle(void)
{
	sync();
	usleep(300 * 1000);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Slab bytes per request for NREQ requests parked on an empty pipe. */
static int req_trial(int read, double *out)
{
	static char buf[NREQ][16];
	struct io_uring_params p = { .flags = IORING_SETUP_CQSIZE,
				     .cq_entries = 2 * NREQ };
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	long long before, after;
	int fds[2], i, ret;

	if (pipe(fds))
		return -errno;
	ret = io_uring_queue_init_params(ENTRIES, &ring, &p);
	if (ret)
		goto out_pipe;
	settle();
	before = slab_bytes();
	for (i = 0; i < NREQ; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

		if (!sqe) {
			ret = io_uring_submit(&ring);
			if (ret < 0)
				goto out;
			sqe = io_uring_get_sqe(&ring);
		}
		if (read)
			io_uring_prep_read(sqe, fds[0], buf[i], sizeof(buf[i]), 0);
		else
			io_uring_prep_poll_add(sqe, fds[0], POLLIN);
		sqe->user_data = i + 1;
	}
	ret = io_uring_submit(&ring);
	if (ret < 0)
		goto out;
	usleep(100 * 1000);
	after = slab_bytes();
	/* Nothing may have completed: they are all still in flight. */
	if (!io_uring_peek_cqe(&ring, &cqe)) {
		ret = cqe->res < 0 ? cqe->res : -EIO;
		goto out;
	}
	ret = 0;
	*out = (double)(after - before) / NREQ;
out:
	io_uring_queue_exit(&ring);
out_pipe:
	close(fds[0]);
	close(fds[1]);
	return ret;
}

static int ring_trial(double *out)
{
	static struct io_uring rings[NRINGS];
	long long before, after;
	int i, ret = 0;

	settle();
	before = meminfo("MemFree");
	for (i = 0; i < NRINGS; i++) {
		ret = io_uring_queue_init(ENTRIES, &rings[i], 0);
		if (ret)
			break;
	}
	after = meminfo("MemFree");
	if (!ret)
		*out = (double)(before - after) / NRINGS;
	while (i--)
		io_uring_queue_exit(&rings[i]);
	return ret;
}

static void report(const char *name, int (*trial)(int, double *), int arg)
{
	double v[TRIALS];
	int i, ret;

	for (i = 0; i < TRIALS; i++) {
		ret = trial(arg, &v[i]);
		if (ret) {
			bench_fail(name, "trial", ret);
			return;
		}
	}
	qsort(v, TRIALS, sizeof(v[0]), cmp);
	bench_report(name, v[TRIALS / 2], "bytes", "lower");
}

static int ring_trial_arg(int unused, double *out)
{
	return ring_trial(out);
}

int main(void)
{
	if (slab_bytes() < 0) {
		perror("/proc/slabinfo");
		printf("BENCH mem-req-poll failed - -\nBENCH mem-req-read failed - -\n");
	} else {
		report("mem-req-poll", req_trial, 0);
		report("mem-req-read", req_trial, 1);
	}
	report("mem-ring-4096", ring_trial_arg, 0);
	return 0;
}
