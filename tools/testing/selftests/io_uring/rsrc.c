// SPDX-License-Identifier: GPL-2.0
/*
 * Registered buffers and files (io_uring_register(2)):
 *  - pinned pages are accounted in VmPin and, for an unprivileged user,
 *    charged against RLIMIT_MEMLOCK; unregistering or closing the ring
 *    gives them back, a failed registration leaks no charge, and a huge
 *    page shared by several buffers is charged once;
 *  - unregistering a table waits until no request in flight uses it, a
 *    buffer or file replaced under a request stays usable by it, and a
 *    tagged buffer's tag CQE comes only once the last request using it
 *    completed;
 *  - the errnos of bad registrations and of bad READ_FIXED / fixed file
 *    requests.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/uio.h>

#include "kselftest_harness.h"
#include "uring_helpers.h"

/* How long asynchronous releases (ring teardown, request free) may take. */
#define RELEASE_MS	2000
/* How long to look for a CQE that must not come. */
#define QUIET_MS	100
/* How long an unregister must keep waiting for a request in flight. */
#define UNREG_MS	1000

#define MAX_REG_BUFFERS	16384
#define NOBODY		65534

/* --- helpers --- */

/* Poll VmPin for at most ms milliseconds until it is want; the last value. */
static long wait_vmpin(long want, int ms)
{
	long long deadline = uring_now_ms() + ms;
	long kb;

	for (;;) {
		kb = uring_vmpin_kb(0);
		if (kb == want || uring_now_ms() >= deadline)
			return kb;
		usleep(5000);
	}
}

static long pages_kb(long pages)
{
	return pages * (long)(uring_page_size() / 1024);
}

/*
 * Anonymous memory, faulted in, in small pages only (no THP: a huge page
 * would be charged whole).
 */
static void *alloc_anon(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	madvise(p, len, MADV_NOHUGEPAGE);
	memset(p, 0x5a, len);
	return p;
}

static int register_bufs(struct uring *r, const struct iovec *iov,
			 unsigned int nr)
{
	return sys_io_uring_register(r->fd, IORING_REGISTER_BUFFERS, iov, nr);
}

static int register_bufs_tags(struct uring *r, const struct iovec *iov,
			      const __u64 *tags, unsigned int nr)
{
	struct io_uring_rsrc_register rr;

	memset(&rr, 0, sizeof(rr));
	rr.nr = nr;
	rr.data = (__u64)(unsigned long)iov;
	rr.tags = (__u64)(unsigned long)tags;
	return sys_io_uring_register(r->fd, IORING_REGISTER_BUFFERS2, &rr,
				     sizeof(rr));
}

static int register_files(struct uring *r, const int *fds, unsigned int nr)
{
	return sys_io_uring_register(r->fd, IORING_REGISTER_FILES, fds, nr);
}

/* BUFFERS_UPDATE or FILES_UPDATE2 of nr slots from offset. */
static int update_rsrc(struct uring *r, unsigned int op, unsigned int offset,
		       const void *data, const __u64 *tags, unsigned int nr)
{
	struct io_uring_rsrc_update2 up;

	memset(&up, 0, sizeof(up));
	up.offset = offset;
	up.data = (__u64)(unsigned long)data;
	up.tags = (__u64)(unsigned long)tags;
	up.nr = nr;
	return sys_io_uring_register(r->fd, op, &up, sizeof(up));
}

static int unregister(struct uring *r, unsigned int op)
{
	return sys_io_uring_register(r->fd, op, NULL, 0);
}

static void prep_read_fixed(struct io_uring_sqe *sqe, int fd, __u64 addr,
			    unsigned int len, unsigned int buf_index,
			    __u64 user_data)
{
	uring_prep_rw(sqe, IORING_OP_READ_FIXED, fd, NULL, len, (__u64)-1,
		      user_data);
	sqe->addr = addr;
	sqe->buf_index = buf_index;
}

/* Submit one READ_FIXED and return its CQE's res (or -ETIME / -errno). */
static int read_fixed_res(struct uring *r, int fd, __u64 addr,
			  unsigned int len, unsigned int buf_index)
{
	struct io_uring_sqe *sqe = uring_get_sqe(r);
	struct io_uring_cqe cqe;
	int ret;

	if (!sqe)
		return -EBUSY;
	prep_read_fixed(sqe, fd, addr, len, buf_index, 0x77);
	ret = uring_submit(r);
	if (ret != 1)
		return ret < 0 ? ret : -EIO;
	ret = uring_get_cqe_ms(r, &cqe, RELEASE_MS);
	return ret ? ret : cqe.res;
}

/* Submit one READ of a fixed file slot and return its CQE's res. */
static int read_fixed_file_res(struct uring *r, int slot, void *buf,
			       unsigned int len)
{
	struct io_uring_sqe *sqe = uring_get_sqe(r);
	struct io_uring_cqe cqe;
	int ret;

	if (!sqe)
		return -EBUSY;
	uring_prep_rw(sqe, IORING_OP_READ, slot, buf, len, (__u64)-1, 0x78);
	sqe->flags = IOSQE_FIXED_FILE;
	ret = uring_submit(r);
	if (ret != 1)
		return ret < 0 ? ret : -EIO;
	ret = uring_get_cqe_ms(r, &cqe, RELEASE_MS);
	return ret ? ret : cqe.res;
}

/*
 * An unregister run in a thread, so that one waiting for requests in
 * flight is seen as such instead of hanging the test.
 */
struct unreg_call {
	pthread_t thread;
	int fd;
	unsigned int op;
	int ret;
	bool done;
};

static void *unreg_fn(void *arg)
{
	struct unreg_call *c = arg;

	c->ret = sys_io_uring_register(c->fd, c->op, NULL, 0);
	__atomic_store_n(&c->done, true, __ATOMIC_RELEASE);
	return NULL;
}

static int unreg_start(struct unreg_call *c, struct uring *r, unsigned int op)
{
	memset(c, 0, sizeof(*c));
	c->fd = r->fd;
	c->op = op;
	return pthread_create(&c->thread, NULL, unreg_fn, c);
}

/* Wait at most ms for the unregister to return; joins it if it did. */
static bool unreg_wait(struct unreg_call *c, int ms)
{
	long long deadline = uring_now_ms() + ms;

	while (!__atomic_load_n(&c->done, __ATOMIC_ACQUIRE)) {
		if (uring_now_ms() >= deadline)
			return false;
		usleep(1000);
	}
	pthread_join(c->thread, NULL);
	return true;
}

/* --- accounting --- */

/*
 * Registering N pages raises VmPin by N pages; unregistering or closing
 * the ring brings it back. A buffer that is not page aligned pins every
 * page it touches.
 */
TEST(memlock_accounting)
{
	size_t pg = uring_page_size();
	const int npages = 16;
	struct iovec iov;
	struct uring r;
	long base;
	char *buf;

	buf = alloc_anon(npages * pg);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, uring_init(&r, 4, 0));
	base = uring_vmpin_kb(0);
	ASSERT_LE(0, base);

	iov.iov_base = buf;
	iov.iov_len = npages * pg;
	ASSERT_EQ(0, register_bufs(&r, &iov, 1));
	EXPECT_EQ(base + pages_kb(npages), uring_vmpin_kb(0));
	ASSERT_EQ(0, unregister(&r, IORING_UNREGISTER_BUFFERS));
	EXPECT_EQ(base, uring_vmpin_kb(0));

	/* 2 pages long, starting mid-page: 3 pages pinned */
	iov.iov_base = buf + 100;
	iov.iov_len = 2 * pg;
	ASSERT_EQ(0, register_bufs(&r, &iov, 1));
	EXPECT_EQ(base + pages_kb(3), uring_vmpin_kb(0));
	ASSERT_EQ(0, unregister(&r, IORING_UNREGISTER_BUFFERS));
	EXPECT_EQ(base, uring_vmpin_kb(0));

	/* closing the ring releases them, maybe asynchronously */
	iov.iov_base = buf;
	iov.iov_len = npages * pg;
	ASSERT_EQ(0, register_bufs(&r, &iov, 1));
	EXPECT_EQ(base + pages_kb(npages), uring_vmpin_kb(0));
	uring_exit(&r);
	EXPECT_EQ(base, wait_vmpin(base, RELEASE_MS));
	munmap(buf, npages * pg);
}

#define MEMLOCK_LIMIT	(64 << 10)

/* Exit codes of child_memlock(), for the parent's log. */
enum {
	ML_OK,
	ML_NO_RING,		/* unprivileged io_uring_setup refused */
	ML_SETUP,
	ML_FIRST,
	ML_BUSY,
	ML_UNREG,
	ML_MIXED,
	ML_BIG,
	ML_AGAIN,
	ML_LEAK,
};

static const char *const ml_step[] = {
	"ok", "setup refused", "setup (rlimit, privileges, memory)",
	"32 KiB registration", "second registration not -EBUSY",
	"unregister", "table of 32 KiB + 128 KiB not -ENOMEM",
	"128 KiB not -ENOMEM", "32 KiB again after the failures",
	"48 KiB after the failures",
};

/* In the memlock child: if a check did not hold, log it and return true. */
static bool ml_failed(bool ok, const char *cond, int line, int ret)
{
	if (ok)
		return false;
	fprintf(stderr, "# memlock child line %d: %s (ret %d)\n",
		line, cond, ret);
	return true;
}

#define ML_FAILED(cond, ret)	ml_failed(cond, #cond, __LINE__, ret)

/*
 * As an unprivileged user with RLIMIT_MEMLOCK at 64 KiB: 32 KiB fits, a
 * table going over the limit fails with -ENOMEM as a whole, and neither
 * failure leaves anything charged: afterwards 48 KiB still registers
 * (32 KiB left charged by the failed table would not leave room for it;
 * the slack is for kernels that charge the ring's own memory too).
 */
static int child_memlock(void *arg)
{
	struct rlimit rl = { MEMLOCK_LIMIT, MEMLOCK_LIMIT };
	struct iovec iov[2];
	char *a, *big;
	struct uring r;
	int ret = 0;

	(void)arg;
	a = alloc_anon(32 << 10);
	big = alloc_anon(128 << 10);
	if (ML_FAILED(a && big, ret))
		return ML_SETUP;
	if (ML_FAILED(!setrlimit(RLIMIT_MEMLOCK, &rl), ret))
		return ML_SETUP;
	if (ML_FAILED(!setgroups(0, NULL), ret))
		return ML_SETUP;
	if (ML_FAILED(!setresgid(NOBODY, NOBODY, NOBODY), ret))
		return ML_SETUP;
	if (ML_FAILED(!setresuid(NOBODY, NOBODY, NOBODY), ret))
		return ML_SETUP;

	ret = uring_init(&r, 4, 0);
	if (ret == -EPERM || ret == -EACCES)
		return ML_NO_RING;
	if (ML_FAILED(ret == 0, ret))
		return ML_SETUP;

	iov[0].iov_base = a;
	iov[0].iov_len = 32 << 10;
	ret = register_bufs(&r, iov, 1);
	if (ML_FAILED(ret == 0, ret))
		return ML_FIRST;
	iov[1].iov_base = big;
	iov[1].iov_len = 128 << 10;
	ret = register_bufs(&r, &iov[1], 1);
	if (ML_FAILED(ret == -EBUSY, ret))
		return ML_BUSY;
	ret = unregister(&r, IORING_UNREGISTER_BUFFERS);
	if (ML_FAILED(ret == 0, ret))
		return ML_UNREG;

	/* the first buffer fits, the second does not: all or nothing */
	ret = register_bufs(&r, iov, 2);
	if (ML_FAILED(ret == -ENOMEM, ret))
		return ML_MIXED;
	ret = register_bufs(&r, &iov[1], 1);
	if (ML_FAILED(ret == -ENOMEM, ret))
		return ML_BIG;

	ret = register_bufs(&r, iov, 1);
	if (ML_FAILED(ret == 0, ret))
		return ML_AGAIN;
	ret = unregister(&r, IORING_UNREGISTER_BUFFERS);
	if (ML_FAILED(ret == 0, ret))
		return ML_UNREG;

	iov[1].iov_len = 48 << 10;
	ret = register_bufs(&r, &iov[1], 1);
	if (ML_FAILED(ret == 0, ret))
		return ML_LEAK;
	ret = unregister(&r, IORING_UNREGISTER_BUFFERS);
	if (ML_FAILED(ret == 0, ret))
		return ML_UNREG;
	uring_exit(&r);
	return ML_OK;
}

/* An unprivileged task registers no more than RLIMIT_MEMLOCK allows. */
TEST(rlimit_memlock_enforced)
{
	int status;

	if (geteuid() != 0)
		SKIP(return, "needs root to drop privileges");
	status = run_child(child_memlock, NULL);
	ASSERT_NE(-1, status) TH_LOG("child did not finish");
	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("child status %#x", status);
	if (WEXITSTATUS(status) == ML_NO_RING)
		SKIP(return, "io_uring_setup refused to an unprivileged user");
	EXPECT_EQ(ML_OK, WEXITSTATUS(status)) {
		if (WEXITSTATUS(status) < ARRAY_SIZE(ml_step))
			TH_LOG("failed step: %s", ml_step[WEXITSTATUS(status)]);
	}
}

/* A number from a one-line file, or -1. */
static long read_long(const char *path)
{
	long v = -1;
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static int write_long(const char *path, long v)
{
	FILE *f = fopen(path, "we");
	int ret;

	if (!f)
		return -errno;
	ret = fprintf(f, "%ld\n", v) < 0 ? -EIO : 0;
	if (fclose(f))
		ret = -errno;
	return ret;
}

/* Default huge page size in kB from /proc/meminfo, or -1. */
static long hugepage_kb(void)
{
	return uring_proc_value("/proc/meminfo", "Hugepagesize: %lld kB");
}

/*
 * Buffers in the same hugetlb page charge that page once, whole; buffers
 * in two huge pages charge both.
 */
TEST(hugepage_charged_once)
{
	const char *nr_path = "/proc/sys/vm/nr_hugepages";
	size_t pg = uring_page_size(), hsz;
	long hkb, nr, nr_free, restore = -1, base;
	char path[128];
	struct iovec iov[2];
	struct uring r;
	char *mem;

	hkb = hugepage_kb();
	if (hkb <= 0)
		SKIP(return, "no hugetlb support");
	hsz = (size_t)hkb << 10;
	snprintf(path, sizeof(path),
		 "/sys/kernel/mm/hugepages/hugepages-%ldkB/free_hugepages",
		 hkb);
	nr = read_long(nr_path);
	nr_free = read_long(path);
	if (nr >= 0 && nr_free >= 0 && nr_free < 2 &&
	    !write_long(nr_path, nr + 2 - nr_free))
		restore = nr;

	mem = mmap(NULL, 2 * hsz, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (mem == MAP_FAILED) {
		if (restore >= 0)
			write_long(nr_path, restore);
		SKIP(return, "cannot map two %ld kB huge pages", hkb);
	}
	memset(mem, 0, 2 * hsz);
	ASSERT_EQ(0, uring_init(&r, 4, 0));
	base = uring_vmpin_kb(0);
	ASSERT_LE(0, base);

	/* two buffers in the first huge page */
	iov[0].iov_base = mem;
	iov[0].iov_len = pg;
	iov[1].iov_base = mem + 2 * pg;
	iov[1].iov_len = pg;
	ASSERT_EQ(0, register_bufs(&r, iov, 2));
	EXPECT_EQ(base + hkb, uring_vmpin_kb(0));
	ASSERT_EQ(0, unregister(&r, IORING_UNREGISTER_BUFFERS));
	EXPECT_EQ(base, uring_vmpin_kb(0));

	/* one in each huge page */
	iov[1].iov_base = mem + hsz;
	ASSERT_EQ(0, register_bufs(&r, iov, 2));
	EXPECT_EQ(base + 2 * hkb, uring_vmpin_kb(0));
	ASSERT_EQ(0, unregister(&r, IORING_UNREGISTER_BUFFERS));
	EXPECT_EQ(base, uring_vmpin_kb(0));

	/* one buffer straddling both */
	iov[0].iov_base = mem + hsz - pg;
	iov[0].iov_len = 2 * pg;
	ASSERT_EQ(0, register_bufs(&r, iov, 1));
	EXPECT_EQ(base + 2 * hkb, uring_vmpin_kb(0));
	ASSERT_EQ(0, unregister(&r, IORING_UNREGISTER_BUFFERS));
	EXPECT_EQ(base, uring_vmpin_kb(0));

	uring_exit(&r);
	munmap(mem, 2 * hsz);
	if (restore >= 0)
		write_long(nr_path, restore);
}

/* --- lifetime across unregister and update --- */

/* Spin in userspace, without a system call, for @ms milliseconds. */
static void spin_ms(int ms)
{
	long long end = uring_now_ms() + ms;

	while (uring_now_ms() < end)
		;
}

/*
 * A completion waiting as task_work is no signal: registering buffers and
 * files while one is pending (an IOSQE_ASYNC NOP done by a worker while we
 * spin in userspace) succeeds instead of failing with -EINTR.
 */
TEST(register_with_task_work_pending)
{
	static char buf[4096];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct io_uring_cqe cqe;
	struct uring r;
	int fd = 0;

	ASSERT_EQ(0, uring_init(&r, 4, 0));
	ASSERT_EQ(0, uring_queue_nop(&r, 1, IOSQE_ASYNC));
	ASSERT_EQ(1, uring_submit(&r));
	spin_ms(200);
	EXPECT_EQ(0, sys_io_uring_register(r.fd, IORING_REGISTER_BUFFERS,
					   &iov, 1));
	ASSERT_EQ(0, uring_queue_nop(&r, 2, IOSQE_ASYNC));
	ASSERT_EQ(1, uring_submit(&r));
	spin_ms(200);
	EXPECT_EQ(0, sys_io_uring_register(r.fd, IORING_REGISTER_FILES,
					   &fd, 1));
	ASSERT_EQ(0, uring_get_cqe(&r, &cqe));
	ASSERT_EQ(0, uring_get_cqe(&r, &cqe));
	uring_exit(&r);
}

/*
 * A READ_FIXED waiting on an empty pipe keeps its buffer: unregistering
 * the table waits for it (as 6.12 does), the read lands in the buffer,
 * and then the table is gone and the pages unpinned.
 */
TEST(buffer_survives_unregister)
{
	size_t pg = uring_page_size();
	const int npages = 4;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	struct unreg_call uc;
	struct iovec iov;
	struct uring r;
	bool returned;
	int p[2];
	long base;
	char *buf;

	signal(SIGPIPE, SIG_IGN);
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	buf = alloc_anon(npages * pg);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, uring_init(&r, 4, 0));
	base = uring_vmpin_kb(0);
	ASSERT_LE(0, base);
	iov.iov_base = buf;
	iov.iov_len = npages * pg;
	ASSERT_EQ(0, register_bufs(&r, &iov, 1));
	ASSERT_EQ(base + pages_kb(npages), uring_vmpin_kb(0));

	sqe = uring_get_sqe(&r);
	ASSERT_NE(NULL, sqe);
	prep_read_fixed(sqe, p[0], (__u64)(unsigned long)(buf + 100), 64, 0, 1);
	ASSERT_EQ(1, uring_submit(&r));
	ASSERT_EQ(-ETIME, uring_get_cqe_ms(&r, &cqe, QUIET_MS))
		TH_LOG("read of an empty pipe completed: res %d", cqe.res);

	ASSERT_EQ(0, unreg_start(&uc, &r, IORING_UNREGISTER_BUFFERS));
	returned = unreg_wait(&uc, UNREG_MS);
	EXPECT_FALSE(returned)
		TH_LOG("UNREGISTER_BUFFERS returned (%d) with a request in flight",
		       uc.ret);
	/* the request still holds the pages */
	EXPECT_EQ(base + pages_kb(npages), uring_vmpin_kb(0));

	ASSERT_EQ(5, write(p[1], "hello", 5));
	ASSERT_EQ(0, uring_get_cqe_ms(&r, &cqe, RELEASE_MS));
	EXPECT_EQ(1, cqe.user_data);
	EXPECT_EQ(5, cqe.res);
	EXPECT_EQ(0, memcmp(buf + 100, "hello", 5));
	ASSERT_TRUE(unreg_wait(&uc, RELEASE_MS))
		TH_LOG("UNREGISTER_BUFFERS still waiting after the read");
	EXPECT_EQ(0, uc.ret);
	EXPECT_EQ(base, wait_vmpin(base, RELEASE_MS));
	/* the table is gone */
	EXPECT_EQ(-ENXIO, unregister(&r, IORING_UNREGISTER_BUFFERS));

	uring_exit(&r);
	munmap(buf, npages * pg);
	close(p[0]);
	close(p[1]);
}

/*
 * A tagged buffer replaced by BUFFERS_UPDATE while a READ_FIXED uses it
 * posts its tag only after the read completed.
 */
TEST(tag_after_last_user)
{
	const __u64 tag = 0xbeef0001, zero = 0;
	size_t pg = uring_page_size();
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	bool seen_read = false, seen_tag = false;
	struct iovec iov_a, iov_b;
	struct uring r;
	char *a, *b;
	int p[2], i;

	signal(SIGPIPE, SIG_IGN);
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	a = alloc_anon(pg);
	b = alloc_anon(pg);
	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	ASSERT_EQ(0, uring_init(&r, 4, 0));
	iov_a.iov_base = a;
	iov_a.iov_len = pg;
	iov_b.iov_base = b;
	iov_b.iov_len = pg;
	ASSERT_EQ(0, register_bufs_tags(&r, &iov_a, &tag, 1));

	sqe = uring_get_sqe(&r);
	ASSERT_NE(NULL, sqe);
	prep_read_fixed(sqe, p[0], (__u64)(unsigned long)a, 64, 0, 1);
	ASSERT_EQ(1, uring_submit(&r));
	ASSERT_EQ(-ETIME, uring_get_cqe_ms(&r, &cqe, QUIET_MS))
		TH_LOG("unexpected CQE: user_data %#llx res %d",
		       (unsigned long long)cqe.user_data, cqe.res);

	/* replace slot 0, untagged: the old buffer is still in use */
	ASSERT_EQ(1, update_rsrc(&r, IORING_REGISTER_BUFFERS_UPDATE, 0,
				 &iov_b, &zero, 1));
	ASSERT_EQ(-ETIME, uring_get_cqe_ms(&r, &cqe, QUIET_MS))
		TH_LOG("CQE while the read is pending: user_data %#llx res %d",
		       (unsigned long long)cqe.user_data, cqe.res);

	ASSERT_EQ(5, write(p[1], "hello", 5));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, uring_get_cqe_ms(&r, &cqe, RELEASE_MS))
			TH_LOG("only %d of 2 CQEs (read %d, tag %d)", i,
			       seen_read, seen_tag);
		if (cqe.user_data == 1 && !seen_read) {
			seen_read = true;
			EXPECT_EQ(5, cqe.res);
		} else if (cqe.user_data == tag && !seen_tag) {
			seen_tag = true;
			EXPECT_EQ(0, cqe.res);
			EXPECT_EQ(0, cqe.flags);
		} else {
			EXPECT_TRUE(false)
				TH_LOG("unexpected CQE: user_data %#llx res %d",
				       (unsigned long long)cqe.user_data,
				       cqe.res);
		}
	}
	EXPECT_TRUE(seen_read);
	EXPECT_TRUE(seen_tag);
	EXPECT_EQ(0, memcmp(a, "hello", 5));

	/* the untagged replacement posts nothing when it goes */
	ASSERT_EQ(0, unregister(&r, IORING_UNREGISTER_BUFFERS));
	EXPECT_EQ(-ETIME, uring_get_cqe_ms(&r, &cqe, QUIET_MS))
		TH_LOG("unexpected CQE: user_data %#llx res %d",
		       (unsigned long long)cqe.user_data, cqe.res);

	uring_exit(&r);
	munmap(a, pg);
	munmap(b, pg);
	close(p[0]);
	close(p[1]);
}

/*
 * A READ of a fixed file waiting on an empty pipe keeps the file: with the
 * fd closed and an unregister waiting for the read, the pipe still has
 * its reader, and the read completes with what is written.
 */
TEST(fixed_file_survives_unregister)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	struct unreg_call uc;
	char buf[64] = { 0 };
	bool returned;
	struct uring r;
	int p[2];

	signal(SIGPIPE, SIG_IGN);
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	ASSERT_EQ(0, uring_init(&r, 4, 0));
	ASSERT_EQ(0, register_files(&r, &p[0], 1));

	sqe = uring_get_sqe(&r);
	ASSERT_NE(NULL, sqe);
	uring_prep_rw(sqe, IORING_OP_READ, 0, buf, sizeof(buf), (__u64)-1, 1);
	sqe->flags = IOSQE_FIXED_FILE;
	ASSERT_EQ(1, uring_submit(&r));
	ASSERT_EQ(-ETIME, uring_get_cqe_ms(&r, &cqe, QUIET_MS))
		TH_LOG("read of an empty pipe completed: res %d", cqe.res);

	ASSERT_EQ(0, unreg_start(&uc, &r, IORING_UNREGISTER_FILES));
	returned = unreg_wait(&uc, UNREG_MS);
	EXPECT_FALSE(returned)
		TH_LOG("UNREGISTER_FILES returned (%d) with a request in flight",
		       uc.ret);
	ASSERT_EQ(0, close(p[0]));

	EXPECT_EQ(5, write(p[1], "hello", 5))
		TH_LOG("write: %s (the pipe lost its reader)",
		       strerror(errno));
	ASSERT_EQ(0, uring_get_cqe_ms(&r, &cqe, RELEASE_MS));
	EXPECT_EQ(1, cqe.user_data);
	EXPECT_EQ(5, cqe.res);
	EXPECT_EQ(0, memcmp(buf, "hello", 5));
	ASSERT_TRUE(unreg_wait(&uc, RELEASE_MS))
		TH_LOG("UNREGISTER_FILES still waiting after the read");
	EXPECT_EQ(0, uc.ret);
	EXPECT_EQ(-ENXIO, unregister(&r, IORING_UNREGISTER_FILES));

	uring_exit(&r);
	close(p[1]);
}

/* --- bad input --- */

/* A plain ring and four anonymous pages to register. */
FIXTURE(ring) {
	struct uring r;
	char *buf;		/* 4 pages */
	size_t pg;
};

FIXTURE_SETUP(ring)
{
	self->pg = uring_page_size();
	self->buf = alloc_anon(4 * self->pg);
	ASSERT_NE(NULL, self->buf);
	ASSERT_EQ(0, uring_init(&self->r, 8, 0));
}

FIXTURE_TEARDOWN(ring)
{
	uring_exit(&self->r);
	munmap(self->buf, 4 * self->pg);
}

/* Bad counts, addresses and lengths fail REGISTER_BUFFERS, no table left. */
TEST_F(ring, register_buffers_bad_args)
{
	struct iovec iov;

	iov.iov_base = self->buf;
	iov.iov_len = self->pg;
	EXPECT_EQ(-EINVAL, register_bufs(&self->r, &iov, 0));
	EXPECT_EQ(-EFAULT, register_bufs(&self->r, NULL, 1));

	iov.iov_base = NULL;
	iov.iov_len = 4096;
	EXPECT_EQ(-EFAULT, register_bufs(&self->r, &iov, 1));
	iov.iov_base = self->buf;
	iov.iov_len = 0;
	EXPECT_EQ(-EFAULT, register_bufs(&self->r, &iov, 1));
	iov.iov_len = (1UL << 30) + self->pg;
	EXPECT_EQ(-EFAULT, register_bufs(&self->r, &iov, 1));

	/* none of these left a table behind */
	EXPECT_EQ(-ENXIO, unregister(&self->r, IORING_UNREGISTER_BUFFERS));

	/* the unregister takes no argument */
	iov.iov_len = self->pg;
	ASSERT_EQ(0, register_bufs(&self->r, &iov, 1));
	EXPECT_EQ(-EINVAL, sys_io_uring_register(self->r.fd,
						 IORING_UNREGISTER_BUFFERS,
						 &iov, 0));
	EXPECT_EQ(-EINVAL, sys_io_uring_register(self->r.fd,
						 IORING_UNREGISTER_BUFFERS,
						 NULL, 1));
	EXPECT_EQ(0, unregister(&self->r, IORING_UNREGISTER_BUFFERS));
}

/* At most 16384 buffers in a table. */
TEST_F(ring, register_buffers_max)
{
	struct iovec *iov;
	unsigned int i;

	iov = calloc(MAX_REG_BUFFERS + 1, sizeof(*iov));
	ASSERT_NE(NULL, iov);
	for (i = 0; i <= MAX_REG_BUFFERS; i++) {
		iov[i].iov_base = self->buf;
		iov[i].iov_len = self->pg;
	}
	EXPECT_EQ(-EINVAL, register_bufs(&self->r, iov, MAX_REG_BUFFERS + 1));
	EXPECT_EQ(-ENXIO, unregister(&self->r, IORING_UNREGISTER_BUFFERS));
	EXPECT_EQ(0, register_bufs(&self->r, iov, MAX_REG_BUFFERS));
	EXPECT_EQ(0, unregister(&self->r, IORING_UNREGISTER_BUFFERS));
	free(iov);
}

/* A second buffer table is -EBUSY; unregistering none is -ENXIO. */
TEST_F(ring, register_buffers_busy_nxio)
{
	struct iovec iov;

	EXPECT_EQ(-ENXIO, unregister(&self->r, IORING_UNREGISTER_BUFFERS));
	iov.iov_base = self->buf;
	iov.iov_len = self->pg;
	ASSERT_EQ(0, register_bufs(&self->r, &iov, 1));
	EXPECT_EQ(-EBUSY, register_bufs(&self->r, &iov, 1));
	EXPECT_EQ(-EBUSY, register_bufs_tags(&self->r, &iov, NULL, 1));
	EXPECT_EQ(0, unregister(&self->r, IORING_UNREGISTER_BUFFERS));
	EXPECT_EQ(-ENXIO, unregister(&self->r, IORING_UNREGISTER_BUFFERS));
}

/* READ_FIXED of a buffer that is not in the table. */
TEST_F(ring, read_fixed_bad_index)
{
	__u64 addr = (__u64)(unsigned long)self->buf;
	struct iovec iov[2];
	int zero;

	zero = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, zero);

	/* no table at all */
	EXPECT_EQ(-EFAULT, read_fixed_res(&self->r, zero, addr, 16, 0));

	/* slot 1 is empty (sparse: NULL, 0), slot 2 does not exist */
	iov[0].iov_base = self->buf;
	iov[0].iov_len = self->pg;
	iov[1].iov_base = NULL;
	iov[1].iov_len = 0;
	ASSERT_EQ(0, register_bufs(&self->r, iov, 2));
	EXPECT_EQ(16, read_fixed_res(&self->r, zero, addr, 16, 0));
	EXPECT_EQ(-EFAULT, read_fixed_res(&self->r, zero, addr, 16, 1));
	EXPECT_EQ(-EFAULT, read_fixed_res(&self->r, zero, addr, 16, 2));
	EXPECT_EQ(-EFAULT, read_fixed_res(&self->r, zero, addr, 16, 65535));
	close(zero);
}

/* READ_FIXED ranges that leave the buffer. */
TEST_F(ring, read_fixed_out_of_range)
{
	size_t pg = self->pg;
	__u64 start = (__u64)(unsigned long)(self->buf + pg);
	__u64 end = start + 2 * pg;
	struct iovec iov;
	int zero;

	zero = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, zero);
	/* pages 1 and 2 of the four */
	iov.iov_base = self->buf + pg;
	iov.iov_len = 2 * pg;
	ASSERT_EQ(0, register_bufs(&self->r, &iov, 1));

	/* in range, up to either end */
	EXPECT_EQ(16, read_fixed_res(&self->r, zero, start, 16, 0));
	EXPECT_EQ(16, read_fixed_res(&self->r, zero, end - 16, 16, 0));
	EXPECT_EQ((int)(2 * pg), read_fixed_res(&self->r, zero, start,
						2 * pg, 0));

	EXPECT_EQ(-EFAULT, read_fixed_res(&self->r, zero, start - 1, 16, 0));
	EXPECT_EQ(-EFAULT, read_fixed_res(&self->r, zero, end - 8, 16, 0));
	EXPECT_EQ(-EFAULT, read_fixed_res(&self->r, zero, end, 1, 0));
	EXPECT_EQ(-EFAULT, read_fixed_res(&self->r, zero, start,
					  2 * pg + 1, 0));
	EXPECT_EQ(-EFAULT, read_fixed_res(&self->r, zero, ~0ULL - 8, 16, 0));
	close(zero);
}

/* REGISTER_FILES refuses the ring's own fd and closed fds, no table left. */
TEST_F(ring, register_files_bad_fds)
{
	int fds[2], p[2];

	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	EXPECT_EQ(-EINVAL, register_files(&self->r, p, 0));

	/* the ring itself cannot be a fixed file */
	EXPECT_EQ(-EBADF, register_files(&self->r, &self->r.fd, 1));
	fds[0] = p[0];
	fds[1] = self->r.fd;
	EXPECT_EQ(-EBADF, register_files(&self->r, fds, 2));

	/* nor can an fd that is not open */
	fds[1] = lowest_free_fd();
	ASSERT_LE(0, fds[1]);
	EXPECT_EQ(-EBADF, register_files(&self->r, fds, 2));

	/* nothing was registered */
	EXPECT_EQ(-ENXIO, unregister(&self->r, IORING_UNREGISTER_FILES));

	ASSERT_EQ(0, register_files(&self->r, p, 2));
	EXPECT_EQ(-EBUSY, register_files(&self->r, p, 2));
	EXPECT_EQ(-EINVAL, sys_io_uring_register(self->r.fd,
						 IORING_UNREGISTER_FILES,
						 p, 0));
	EXPECT_EQ(0, unregister(&self->r, IORING_UNREGISTER_FILES));
	EXPECT_EQ(-ENXIO, unregister(&self->r, IORING_UNREGISTER_FILES));
	close(p[0]);
	close(p[1]);
}

/* IOSQE_FIXED_FILE with an empty slot, or one past the table. */
TEST_F(ring, fixed_file_empty_slot)
{
	int fds[2] = { -1, -1 };
	char buf[16];

	/* no table */
	EXPECT_EQ(-EBADF, read_fixed_file_res(&self->r, 0, buf, sizeof(buf)));

	ASSERT_EQ(0, register_files(&self->r, fds, 2));
	EXPECT_EQ(-EBADF, read_fixed_file_res(&self->r, 0, buf, sizeof(buf)));
	EXPECT_EQ(-EBADF, read_fixed_file_res(&self->r, 1, buf, sizeof(buf)));
	EXPECT_EQ(-EBADF, read_fixed_file_res(&self->r, 2, buf, sizeof(buf)));
	EXPECT_EQ(0, unregister(&self->r, IORING_UNREGISTER_FILES));
}

/* A tag needs a file: FILES_UPDATE2 of fd -1 with a tag is refused. */
TEST_F(ring, files_update_tag_without_file)
{
	int fds[2] = { -1, -1 }, fd = -1, zero;
	__u64 tag = 0x1234;

	ASSERT_EQ(0, register_files(&self->r, fds, 2));
	EXPECT_EQ(-EINVAL, update_rsrc(&self->r, IORING_REGISTER_FILES_UPDATE2,
				       0, &fd, &tag, 1));

	/* with a file it is accepted, untagged -1 too */
	zero = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, zero);
	EXPECT_EQ(1, update_rsrc(&self->r, IORING_REGISTER_FILES_UPDATE2,
				 0, &zero, &tag, 1));
	tag = 0;
	EXPECT_EQ(1, update_rsrc(&self->r, IORING_REGISTER_FILES_UPDATE2,
				 1, &fd, &tag, 1));
	close(zero);
	EXPECT_EQ(0, unregister(&self->r, IORING_UNREGISTER_FILES));
}

/* UNREGISTER_FILES without a file table fails with -ENXIO. */
TEST_F(ring, unregister_files_none)
{
	EXPECT_EQ(-ENXIO, unregister(&self->r, IORING_UNREGISTER_FILES));
}

TEST_HARNESS_MAIN
