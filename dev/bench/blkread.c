// SPDX-License-Identifier: GPL-2.0
/*
 * blkread DEV: 4 KiB random O_DIRECT reads of DEV (null_blk in the guest)
 * at queue depth 1 and 32: interrupt-driven, IOPOLL, interrupt-driven
 * with fixed buffers and a registered file, and IOPOLL with both.
 * Reports IOPS.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/fs.h>
#include <liburing.h>
#include "bench.h"

#define BS	4096
#define MAXQD	32

enum mode { IRQ, IOPOLL, FIXED, POLL_FIXED };
static const char *const mode_name[] = { "irq", "iopoll", "fixed", "pollfixed" };

static const char *dev;
static unsigned long long nblocks;
static char *bufs;

static void prep(struct io_uring *ring, enum mode m, int fd, int slot,
		 unsigned long long *seed)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	unsigned long long off = (bench_rand(seed) % nblocks) * BS;

	if (m == FIXED || m == POLL_FIXED) {
		/* One registered buffer (index 0) holds every slot. */
		io_uring_prep_read_fixed(sqe, 0, bufs + slot * BS, BS, off, 0);
		sqe->flags |= IOSQE_FIXED_FILE;
	} else {
		io_uring_prep_read(sqe, fd, bufs + slot * BS, BS, off);
	}
	sqe->user_data = slot;
}

static void run(enum mode m, int qd)
{
	struct io_uring_params p = { };
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	unsigned long long ios = 0, seed = 0x9e3779b97f4a7c15ULL;
	struct bench_clock c;
	double t = 0;
	int fd, i, ret, n = 0;
	char name[64];

	snprintf(name, sizeof(name), "blk-%s-qd%d", mode_name[m], qd);
	if (!bench_wanted(name))
		return;
	fd = open(dev, O_RDONLY | O_DIRECT);
	if (fd < 0) {
		bench_fail(name, dev, errno);
		return;
	}
	if (m == IOPOLL || m == POLL_FIXED)
		p.flags = IORING_SETUP_IOPOLL;
	ret = io_uring_queue_init_params(MAXQD * 2, &ring, &p);
	if (ret) {
		bench_fail(name, "io_uring_queue_init_params", ret);
		close(fd);
		return;
	}
	if (m == FIXED || m == POLL_FIXED) {
		struct iovec iov = { bufs, (size_t)MAXQD * BS };

		ret = io_uring_register_buffers(&ring, &iov, 1);
		if (!ret)
			ret = io_uring_register_files(&ring, &fd, 1);
		if (ret) {
			bench_fail(name, "register buffers/files", ret);
			goto out;
		}
	}
	for (i = 0; i < qd; i++)
		prep(&ring, m, fd, i, &seed);
	bench_start(&c);
	ret = io_uring_submit(&ring);
	while (ret >= 0) {
		unsigned int head, got = 0;

		ret = io_uring_wait_cqe(&ring, &cqe);
		if (ret)
			break;
		io_uring_for_each_cqe(&ring, head, cqe) {
			if (cqe->res != BS) {
				ret = cqe->res < 0 ? cqe->res : -EIO;
				break;
			}
			prep(&ring, m, fd, cqe->user_data, &seed);
			got++;
		}
		io_uring_cq_advance(&ring, got);
		if (ret < 0)
			break;
		ios += got;
		n += got;
		if (n >= 64 || qd == 1 || bench_counted(&c)) {
			n = 0;
			if (!bench_going(&c, ios, &t))
				break;
		}
		ret = io_uring_submit(&ring);
	}
	if (ret < 0)
		bench_fail(name, "read", ret);
	else
		bench_report(name, ios / t, "IOPS", "higher");
out:
	io_uring_queue_exit(&ring);
	close(fd);
}

int main(int argc, char **argv)
{
	static const int qds[] = { 1, 32 };
	struct stat st;
	int fd, m, i, err = 0;

	dev = argc > 1 ? argv[1] : "/dev/nullb0";
	fd = open(dev, O_RDONLY);
	if (fd < 0 || fstat(fd, &st))
		err = errno;
	else if (S_ISBLK(st.st_mode) && ioctl(fd, BLKGETSIZE64, &nblocks))
		err = errno;
	else if (!S_ISBLK(st.st_mode))
		nblocks = st.st_size;
	if (fd >= 0)
		close(fd);
	nblocks /= BS;
	if (!err && !nblocks)
		err = ENOSPC;
	if (!err && posix_memalign((void **)&bufs, BS, (size_t)MAXQD * BS))
		err = ENOMEM;
	if (!err)
		memset(bufs, 0, (size_t)MAXQD * BS);
	for (m = IRQ; m <= POLL_FIXED; m++) {
		for (i = 0; i < 2; i++) {
			char name[64];

			if (!err) {
				run(m, qds[i]);
				continue;
			}
			/* No device: every row says so, none goes missing. */
			snprintf(name, sizeof(name), "blk-%s-qd%d", mode_name[m],
				 qds[i]);
			printf("BENCH %s failed - -\n", name);
		}
	}
	if (err)
		fprintf(stderr, "%s: %s\n", dev, strerror(err));
	return 0;
}
