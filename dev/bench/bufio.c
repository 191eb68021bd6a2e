// SPDX-License-Identifier: GPL-2.0
/*
 * bufio DIR: buffered I/O through io-wq on a file in DIR.
 *  bufio-read-async:	4 KiB random reads of a fully cached 32 MiB file,
 *			every one forced to io-wq with IOSQE_ASYNC, QD 16; the
 *			thread and its io-wq (IORING_REGISTER_IOWQ_AFF) on CPU 0,
 *			so the figure is CPU cost, not vCPU overlap.
 *  bufio-write-4t:	4 threads, a ring each, 4 KiB buffered writes with
 *			IOSQE_ASYNC to one shared file (io-wq hashes them by
 *			inode), QD 8 each; total writes/s.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/param.h>
#include <unistd.h>
#include <liburing.h>
#include "bench.h"

#define BS	4096
#define FSIZE	(32ULL << 20)
#define NBLK	(FSIZE / BS)
#define THREADS	4

struct job {
	int fd, write, qd, id, pin;
	unsigned long long quota;	/* profiled: requests to run; 0 when timed */
	unsigned long long ops;
	double secs;
	int err;
	const char *what;
	char *buf;
};

static void job_prep(struct job *j, struct io_uring *ring, int n,
		     unsigned long long *seed)
{
	while (n--) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
		unsigned long long off = (bench_rand(seed) % NBLK) * BS;

		if (j->write)
			io_uring_prep_write(sqe, j->fd, j->buf, BS, off);
		else
			io_uring_prep_read(sqe, j->fd, j->buf, BS, off);
		sqe->flags |= IOSQE_ASYNC;
	}
}

/*
 * Keep @j->qd reads or writes in flight for bench_secs(), or (profiled)
 * until @j->quota of them have completed.
 */
static void *job_run(void *arg)
{
	struct job *j = arg;
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	unsigned long long seed = 0x2545f4914f6cdd1dULL + j->id;
	double t0, secs = bench_secs();
	unsigned long long queued;
	int ret;

	ret = io_uring_queue_init(j->qd * 2, &ring, 0);
	if (ret) {
		j->err = ret;
		j->what = "io_uring_queue_init";
		return NULL;
	}
	if (j->pin) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(0, &set);
		pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
		ret = io_uring_register_iowq_aff(&ring, sizeof(set), &set);
		if (ret) {
			j->err = ret;
			j->what = "IORING_REGISTER_IOWQ_AFF";
			io_uring_queue_exit(&ring);
			return NULL;
		}
	}
	queued = j->quota ? MIN(j->qd, j->quota) : j->qd;
	job_prep(j, &ring, queued, &seed);
	t0 = bench_now();
	for (;;) {
		unsigned int head, got = 0;

		ret = io_uring_submit_and_wait(&ring, 1);
		if (ret < 0) {
			j->err = ret;
			j->what = "io_uring_submit_and_wait";
			break;
		}
		io_uring_for_each_cqe(&ring, head, cqe) {
			if (cqe->res != BS) {
				j->err = cqe->res < 0 ? cqe->res : -EIO;
				j->what = j->write ? "write" : "read";
				break;
			}
			got++;
		}
		io_uring_cq_advance(&ring, got);
		if (j->err)
			break;
		j->ops += got;
		j->secs = bench_now() - t0;
		if (j->quota ? j->ops >= j->quota : j->secs >= secs)
			break;
		if (j->quota)
			got = MIN(got, (unsigned int)(j->quota - queued));
		queued += got;
		job_prep(j, &ring, got, &seed);
	}
	io_uring_queue_exit(&ring);
	return NULL;
}

static int make_file(const char *path)
{
	char *buf = malloc(1 << 20);
	unsigned long long off;
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || !buf)
		return -1;
	memset(buf, 0x5a, 1 << 20);
	for (off = 0; off < FSIZE; off += 1 << 20)
		if (pwrite(fd, buf, 1 << 20, off) != 1 << 20)
			return -1;
	fsync(fd);
	/* Read it all once: the reads below find every page cached. */
	for (off = 0; off < FSIZE; off += 1 << 20)
		if (pread(fd, buf, 1 << 20, off) != 1 << 20)
			return -1;
	free(buf);
	return fd;
}

static void run(const char *name, int fd, int nthreads, int write, int qd,
		int pin)
{
	struct job jobs[THREADS] = { };
	pthread_t tids[THREADS];
	unsigned long long ops = 0;
	struct bench_clock c;
	double secs = 0, t;
	int i;

	if (!bench_wanted(name))
		return;
	bench_start(&c);
	for (i = 0; i < nthreads; i++) {
		jobs[i] = (struct job){ .fd = fd, .write = write, .qd = qd,
					.id = i, .pin = pin,
					.quota = c.ops / nthreads };
		if (posix_memalign((void **)&jobs[i].buf, BS, BS))
			return;
		memset(jobs[i].buf, 'a' + i, BS);
		pthread_create(&tids[i], NULL, job_run, &jobs[i]);
	}
	for (i = 0; i < nthreads; i++)
		pthread_join(tids[i], NULL);
	/* profiled: the window ends here */
	bench_going(&c, c.ops, &t);
	for (i = 0; i < nthreads; i++) {
		if (jobs[i].err) {
			bench_fail(name, jobs[i].what, jobs[i].err);
			return;
		}
		ops += jobs[i].ops;
		if (jobs[i].secs > secs)
			secs = jobs[i].secs;
		free(jobs[i].buf);
	}
	bench_report(name, ops / secs, "ops/s", "higher");
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : ".";
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/bench-bufio.dat", dir);
	fd = make_file(path);
	if (fd < 0) {
		perror(path);
		return 1;
	}
	run("bufio-read-async", fd, 1, 0, 16, 1);
	run("bufio-write-4t", fd, THREADS, 1, 8, 0);
	close(fd);
	unlink(path);
	return 0;
}
