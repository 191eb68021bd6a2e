// SPDX-License-Identifier: GPL-2.0
/*
 * mem: the kernel memory io_uring costs.
 *  mem-req-poll:	slab bytes per in-flight POLL_ADD (8192 of them waiting
 *			on an empty pipe), from /proc/slabinfo.
 *  mem-req-read:	the same for a READ of an empty pipe (async poll armed).
 *  mem-ring-4096:	bytes per ring of 4096 SQ entries, all its SQE and CQE
 *			pages touched (64 rings; free memory from
 *			/proc/zoneinfo before and after, so ring pages, context
 *			and slab).
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

/*
 * Free memory in bytes: the buddy allocator's free pages plus the pages
 * parked on the per-CPU free lists, which MemFree leaves out. Kernels that
 * free ring memory as single pages park it there, out of MemFree's sight,
 * and the next allocation takes it back: MemFree alone would make the
 * second trial look cheaper than the first.
 */
static long long free_bytes(void)
{
	FILE *f = fopen("/proc/zoneinfo", "r");
	long long pages = 0, v;
	char line[256], key[64];

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " %63s %lld", key, &v) == 2 &&
		    (!strcmp(key, "nr_free_pages") || !strcmp(key, "count:")))
			pages += v;
	fclose(f);
	return pages * sysconf(_SC_PAGESIZE);
}

/*
 * Wait until the previous trial's memory is back: ring teardown runs
 * asynchronously, for longer on some kernels than on others. Done when
 * free memory moves by less than 256 KiB over 200 ms (at most 3 s).
 */
static void settle(void)
{
	long long prev = -1, cur;
	int i;

	sync();
	for (i = 0; i < 15; i++) {
		usleep(200 * 1000);
		cur = free_bytes();
		if (prev >= 0 && llabs(cur - prev) < 256 * 1024)
			break;
		prev = cur;
	}
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
	before = free_bytes();
	for (i = 0; i < NRINGS; i++) {
		ret = io_uring_queue_init(ENTRIES, &rings[i], 0);
		if (ret)
			break;
	}
	/*
	 * Touch every SQE and CQE page: a kernel that allocates ring pages
	 * only when they are first used pays for them here.
	 */
	for (i = 0; i < NRINGS && !ret; i++) {
		struct io_uring *r = &rings[i];

		memset(r->sq.sqes, 0, ENTRIES * sizeof(struct io_uring_sqe));
		memset(r->cq.cqes, 0,
		       *r->cq.kring_entries * sizeof(struct io_uring_cqe));
	}
	after = free_bytes();
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
		fprintf(stderr, "%s: trial %d: %.0f\n", name, i + 1, v[i]);
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
