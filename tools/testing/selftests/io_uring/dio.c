// SPDX-License-Identifier: GPL-2.0
/*
 * O_DIRECT through registered buffers on a real block driver: a 16 MiB
 * pattern written with WRITE_FIXED comes back byte for byte with
 * READ_FIXED, on an interrupt driven ring, an IOPOLL ring and a
 * HYBRID_IOPOLL ring.
 *
 * The device is the one the environment variable IO_URING_TEST_BLKDEV
 * names, e.g. IO_URING_TEST_BLKDEV=/dev/nvme0n1: its first 16 MiB are
 * overwritten. IOPOLL needs a driver with poll queues (for NVMe, the
 * nvme.poll_queues= parameter). Without the variable, or if the device
 * cannot be opened, these tests are skipped.
 *
 * The data goes by DMA between the device and the registered pages
 * themselves: the fixed reads pin no page (the registration did, once),
 * while the same reads from an unregistered buffer pin every page they
 * touch, as /proc/vmstat's nr_foll_pin_acquired shows.
 *
 * And an exit with polled reads unreaped, on null_blk's poll queues:
 * /dev/nullb0 with poll_queues= set (modprobe null_blk poll_queues=2),
 * skipped without it.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/uio.h>

#include "kselftest_harness.h"
#include "uring_helpers.h"

#ifndef IORING_SETUP_HYBRID_IOPOLL
#define IORING_SETUP_HYBRID_IOPOLL	0x00020000U
#endif

#define DIO_SIZE	(16u << 20)
#define DIO_CHUNK	(256u << 10)
#define DIO_CHUNKS	(DIO_SIZE / DIO_CHUNK)
#define DIO_DEPTH	8
#define SECTOR		512

/* A word of the pattern: where it is and which run wrote it. */
static uint64_t pattern_word(uint64_t index, uint64_t seed)
{
	uint64_t x = index * 0x9e3779b97f4a7c15ull ^ seed;

	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ull;
	return x ^ (x >> 29);
}

static void pattern_fill(uint64_t *buf, uint64_t seed)
{
	size_t i;

	for (i = 0; i < DIO_SIZE / sizeof(*buf); i++)
		buf[i] = pattern_word(i, seed);
}

/* The first differing byte offset, or -1. */
static long pattern_check(const uint64_t *buf, uint64_t seed)
{
	size_t i;

	for (i = 0; i < DIO_SIZE / sizeof(*buf); i++)
		if (buf[i] != pattern_word(i, seed))
			return (long)(i * sizeof(*buf));
	return -1;
}

/* nr_foll_pin_acquired of /proc/vmstat, or -1. */
static long long pins_acquired(void)
{
	return uring_proc_value("/proc/vmstat", "nr_foll_pin_acquired %lld");
}

/* The device, and a ring of each flavour with both buffers registered. */
FIXTURE(dio) {
	struct uring r;
	int fd;
	uint64_t *src;
	uint64_t *dst;
};

FIXTURE_VARIANT(dio) {
	unsigned int flags;
};

FIXTURE_VARIANT_ADD(dio, irq) {
	.flags = 0,
};

FIXTURE_VARIANT_ADD(dio, iopoll) {
	.flags = IORING_SETUP_IOPOLL,
};

FIXTURE_VARIANT_ADD(dio, hybrid) {
	.flags = IORING_SETUP_IOPOLL | IORING_SETUP_HYBRID_IOPOLL,
};

FIXTURE_SETUP(dio)
{
	struct iovec iov[2];
	char why[256];
	int ret;

	self->r.fd = -1;
	self->src = NULL;
	self->dst = NULL;
	self->fd = uring_open_blkdev(O_RDWR | O_DIRECT, why, sizeof(why));
	if (self->fd < 0)
		SKIP(return, "%s", why);
	ret = uring_init(&self->r, 2 * DIO_DEPTH, variant->flags);
	if (ret == -EINVAL && (variant->flags & IORING_SETUP_HYBRID_IOPOLL))
		SKIP(return, "kernel without IORING_SETUP_HYBRID_IOPOLL");
	ASSERT_EQ(0, ret);
	self->src = mmap(NULL, DIO_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	self->dst = mmap(NULL, DIO_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->src);
	ASSERT_NE(MAP_FAILED, self->dst);
	iov[0].iov_base = self->src;
	iov[0].iov_len = DIO_SIZE;
	iov[1].iov_base = self->dst;
	iov[1].iov_len = DIO_SIZE;
	ASSERT_EQ(0, sys_io_uring_register(self->r.fd, IORING_REGISTER_BUFFERS,
					   iov, 2));
}

FIXTURE_TEARDOWN(dio)
{
	if (self->r.fd >= 0)
		uring_exit(&self->r);
	if (self->src && self->src != MAP_FAILED)
		munmap(self->src, DIO_SIZE);
	if (self->dst && self->dst != MAP_FAILED)
		munmap(self->dst, DIO_SIZE);
	if (self->fd >= 0)
		close(self->fd);
}

/*
 * Move the whole buffer to or from the device in DIO_CHUNK pieces,
 * DIO_DEPTH at a time. @op is READ_FIXED/WRITE_FIXED (buffer @index) or
 * READ. Returns 0, or the first bad result.
 */
static int dio_transfer(struct uring *r, int fd, __u8 op, void *buf,
			int index)
{
	unsigned int sent = 0, done = 0;
	struct io_uring_cqe cqe;
	int ret;

	while (done < DIO_CHUNKS) {
		while (sent < DIO_CHUNKS && sent - done < DIO_DEPTH) {
			struct io_uring_sqe *sqe = uring_get_sqe(r);
			size_t off = (size_t)sent * DIO_CHUNK;

			if (!sqe)
				break;
			uring_prep_rw(sqe, op, fd, (char *)buf + off,
				      DIO_CHUNK, off, sent);
			sqe->buf_index = index;
			sent++;
		}
		ret = uring_submit_and_wait(r, 1);
		if (ret < 0)
			return ret;
		while (uring_try_get_cqe(r, &cqe) == 0) {
			if (cqe.res != DIO_CHUNK)
				return cqe.res < 0 ? cqe.res : -EIO;
			done++;
		}
	}
	return 0;
}

/* 16 MiB round trip through registered pages intact, no page pinned again. */
TEST_F(dio, fixed_pattern_roundtrip)
{
	uint64_t seed = (uint64_t)getpid() << 32 | (uint64_t)time(NULL);
	long long before, after;
	long bad;

	pattern_fill(self->src, seed);
	ASSERT_EQ(0, dio_transfer(&self->r, self->fd, IORING_OP_WRITE_FIXED,
				  self->src, 0));
	memset(self->dst, 0xa5, DIO_SIZE);
	before = pins_acquired();
	ASSERT_EQ(0, dio_transfer(&self->r, self->fd, IORING_OP_READ_FIXED,
				  self->dst, 1));
	after = pins_acquired();
	bad = pattern_check(self->dst, seed);
	EXPECT_EQ(-1, bad) {
		TH_LOG("first bad byte at offset %ld of %u", bad, DIO_SIZE);
	}
	if (before < 0)
		SKIP(return, "no nr_foll_pin_acquired in /proc/vmstat");
	/*
	 * The registered pages were pinned once, at registration: reading
	 * into them pins none of their 4096 pages again. The counter is
	 * system-wide, so a stray pin elsewhere is allowed for.
	 */
	EXPECT_LT(after - before, (long long)(DIO_SIZE / uring_page_size() / 64));
}

/* The control: an unregistered buffer is pinned for every read. */
TEST_F(dio, plain_read_pins)
{
	uint64_t seed = (uint64_t)getpid() << 32 | 0x5eed;
	long long before, after;

	pattern_fill(self->src, seed);
	ASSERT_EQ(0, dio_transfer(&self->r, self->fd, IORING_OP_WRITE_FIXED,
				  self->src, 0));
	before = pins_acquired();
	ASSERT_EQ(0, dio_transfer(&self->r, self->fd, IORING_OP_READ,
				  self->dst, 0));
	after = pins_acquired();
	EXPECT_EQ(-1, pattern_check(self->dst, seed));
	if (before < 0)
		SKIP(return, "no nr_foll_pin_acquired in /proc/vmstat");
	EXPECT_GE(after - before, (long long)(DIO_SIZE / uring_page_size()));
}

#define NULLB_DEV	"/dev/nullb0"
#define NULLB_TAGS	"/sys/block/nullb0/queue/nr_requests"

/*
 * The child of iopoll_exit_unreaped: fill null_blk's poll queues with
 * polled reads, more than they have tags, and exit without reaping any.
 * Return: 0, 77 without the device, or where it failed.
 */
static int unreaped_child(void)
{
	long long tags = uring_proc_value(NULLB_TAGS, "%lld");
	struct uring r;
	unsigned int i, nr;
	void *buf;
	int fd;

	fd = open(NULLB_DEV, O_RDONLY | O_DIRECT);
	if (fd < 0 || tags <= 0 || tags > 1024)
		return 77;
	nr = 4 * tags;
	if (uring_init(&r, nr, IORING_SETUP_IOPOLL) ||
	    posix_memalign(&buf, 4096, 4096))
		return 10;
	for (i = 0; i < nr; i++) {
		struct io_uring_sqe *sqe = uring_get_sqe(&r);

		uring_prep_rw(sqe, IORING_OP_READ, fd, buf, 4096,
			      (__u64)i * 4096, i);
		/* the first half fill the tags; the rest wait in workers */
		if (i >= nr / 2)
			sqe->flags = IOSQE_ASYNC;
	}
	if (uring_submit(&r) != (int)nr)
		return 11;
	usleep(200 * 1000);
	return 0;
}

/*
 * A task that exits with polled reads it never reaped, and more queued to
 * its io-wq behind them, is gone at once: not after the device's request
 * timeout (30 s) let go of tags its workers might wait for.
 */
TEST(iopoll_exit_unreaped)
{
	long long start;
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid)
		_exit(unreaped_child());
	start = uring_now_ms();
	status = wait_child_ms(pid, 10 * 1000);
	ASSERT_NE(-1, status)
		TH_LOG("the child took %lld ms to exit", uring_now_ms() - start);
	ASSERT_TRUE(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		SKIP(return, "no %s with poll queues (not in the test guest)",
		     NULLB_DEV);
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_HARNESS_MAIN
