// SPDX-License-Identifier: GPL-2.0
/*
 * The io_uring tracepoints: every event perf and bpftrace scripts know
 * io_uring by is listed under events/io_uring/ of tracefs with the fields
 * they read, and fires when a workload does what the event reports.
 *
 * Needs root and tracefs (mounted at /sys/kernel/tracing if it is not
 * yet); skipped without them. Leaves the io_uring events disabled and the
 * trace buffer empty.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "uring_helpers.h"

#define TRACEFS		"/sys/kernel/tracing"
#define TP_DIR		TRACEFS "/events/io_uring"
#define TP_MAX_FIELDS	20
/* Bounded waits for each CQE of the workload. */
#define TP_WAIT_MS	2000

struct tp_event {
	const char *name;
	/* the workload may not make it fire: logged, not failed */
	bool optional;
	const char *fields[TP_MAX_FIELDS];
};

static const struct tp_event tp_events[] = {
	{ "io_uring_create", false,
	  { "fd", "ctx", "sq_entries", "cq_entries", "flags" } },
	{ "io_uring_register", false,
	  { "ctx", "opcode", "nr_files", "nr_bufs", "ret" } },
	{ "io_uring_file_get", false,
	  { "ctx", "req", "user_data", "fd" } },
	{ "io_uring_queue_async_work", false,
	  { "ctx", "req", "user_data", "opcode", "flags", "work", "rw",
	    "op_str" } },
	{ "io_uring_defer", false,
	  { "ctx", "req", "data", "opcode", "op_str" } },
	{ "io_uring_link", false,
	  { "ctx", "req", "target_req" } },
	{ "io_uring_cqring_wait", false,
	  { "ctx", "min_events" } },
	{ "io_uring_fail_link", false,
	  { "ctx", "req", "user_data", "opcode", "link", "op_str" } },
	{ "io_uring_complete", false,
	  { "ctx", "req", "user_data", "res", "cflags", "extra1",
	    "extra2" } },
	{ "io_uring_submit_req", false,
	  { "ctx", "req", "user_data", "opcode", "flags", "sq_thread",
	    "op_str" } },
	{ "io_uring_poll_arm", false,
	  { "ctx", "req", "user_data", "opcode", "mask", "events",
	    "op_str" } },
	{ "io_uring_task_add", false,
	  { "ctx", "req", "user_data", "opcode", "mask", "op_str" } },
	{ "io_uring_req_failed", false,
	  { "ctx", "req", "user_data", "opcode", "flags", "ioprio", "off",
	    "addr", "len", "op_flags", "buf_index", "personality",
	    "file_index", "pad1", "addr3", "error", "op_str" } },
	{ "io_uring_cqe_overflow", false,
	  { "ctx", "user_data", "res", "cflags", "ocqe" } },
	{ "io_uring_task_work_run", false,
	  { "tctx", "count" } },
	/* only some kernels report a short buffered write this way */
	{ "io_uring_short_write", true,
	  { "ctx", "fpos", "wanted", "got" } },
	{ "io_uring_local_work_run", false,
	  { "ctx", "count", "loops" } },
};

#define TP_NR_EVENTS	ARRAY_SIZE(tp_events)

static int tp_write(const char *path, const char *val)
{
	size_t len = strlen(val);
	int fd, ret = 0;

	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, val, len) != (ssize_t)len)
		ret = -EIO;
	close(fd);
	return ret;
}

/* The whole of a small file, NUL-terminated; NULL if it cannot be read. */
static char *tp_read(const char *path)
{
	size_t size = 4096, len = 0;
	char *buf = malloc(size);
	ssize_t n;
	int fd;

	if (!buf)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(buf);
		return NULL;
	}
	for (;;) {
		if (len + 1 == size) {
			char *more = realloc(buf, size * 2);

			if (!more)
				break;
			buf = more;
			size *= 2;
		}
		n = read(fd, buf + len, size - len - 1);
		if (n <= 0)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

/*
 * Does a format file list @name? Its field lines read
 * "\tfield:TYPE NAME;\toffset:..." (NAME may end in "[N]").
 */
static bool tp_has_field(const char *format, const char *name)
{
	size_t nlen = strlen(name);
	const char *p = format;

	while ((p = strstr(p, "field:"))) {
		const char *end = strchr(p, ';');
		const char *start;

		if (!end)
			break;
		start = end;
		while (start > p && start[-1] != ' ' && start[-1] != ':')
			start--;
		if (!strncmp(start, name, nlen) &&
		    (start[nlen] == ';' || start[nlen] == '['))
			return true;
		p = end;
	}
	return false;
}

/* Needs root and tracefs (mounted here if it is not yet). */
FIXTURE(tp) {
	bool mounted;
};

FIXTURE_SETUP(tp)
{
	self->mounted = false;
	if (geteuid() != 0)
		SKIP(return, "needs root for tracefs");
	if (access(TRACEFS "/events", F_OK)) {
		if (mount("nodev", TRACEFS, "tracefs", 0, NULL))
			SKIP(return, "no tracefs: %s", strerror(errno));
		self->mounted = true;
	}
	if (access(TRACEFS "/events", F_OK))
		SKIP(return, "tracefs without events");
}

FIXTURE_TEARDOWN(tp)
{
	if (!access(TP_DIR "/enable", W_OK))
		tp_write(TP_DIR "/enable", "0");
	if (!access(TRACEFS "/trace", W_OK))
		tp_write(TRACEFS "/trace", "");
	if (self->mounted)
		umount(TRACEFS);
}

/* Each event exists and lists each field scripts read. */
TEST_F(tp, formats)
{
	char path[256];
	unsigned int i, j, missing = 0;

	for (i = 0; i < TP_NR_EVENTS; i++) {
		const struct tp_event *ev = &tp_events[i];
		char *format;

		snprintf(path, sizeof(path), TP_DIR "/%s/format", ev->name);
		format = tp_read(path);
		if (!format) {
			TH_LOG("no event %s", ev->name);
			missing++;
			continue;
		}
		for (j = 0; j < TP_MAX_FIELDS && ev->fields[j]; j++) {
			if (tp_has_field(format, ev->fields[j]))
				continue;
			TH_LOG("%s: no field %s", ev->name, ev->fields[j]);
			missing++;
		}
		free(format);
	}
	EXPECT_EQ(0, missing);
}

/* Wait for @nr CQEs; return how many came (within TP_WAIT_MS each). */
static unsigned int tp_reap(struct uring *r, unsigned int nr)
{
	struct io_uring_cqe cqe;
	unsigned int got = 0;

	while (got < nr && !uring_get_cqe_ms(r, &cqe, TP_WAIT_MS))
		got++;
	return got;
}

/*
 * A ring's share of the workload: NOPs, a link chain, failures at submit
 * and at issue, io-wq, a read that polls its pipe, a drain, a timed wait
 * and io_uring_register().
 */
static void tp_work_basic(struct __test_metadata *_metadata, unsigned int flags)
{
	struct __kernel_timespec ts = { .tv_nsec = 20 * 1000 * 1000 };
	struct io_uring_sqe *sqe;
	struct uring r;
	char buf[16];
	int fds[2];
	int i;

	ASSERT_EQ(0, pipe2(fds, O_CLOEXEC));
	ASSERT_EQ(0, uring_init(&r, 8, flags));

	/* a batch of NOPs, two of them a link chain */
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, uring_queue_nop(&r, 0x100 + i,
					     i == 0 ? IOSQE_IO_LINK : 0));
	EXPECT_EQ(3, uring_submit(&r));
	EXPECT_EQ(3, tp_reap(&r, 3));

	/* an SQE that fails its checks, heading a chain */
	sqe = uring_get_sqe(&r);
	ASSERT_NE(NULL, sqe);
	sqe->opcode = 250;
	sqe->flags = IOSQE_IO_LINK;
	sqe->user_data = 0x200;
	ASSERT_EQ(0, uring_queue_nop(&r, 0x201, 0));
	EXPECT_EQ(2, uring_submit(&r));
	EXPECT_EQ(2, tp_reap(&r, 2));

	/* a chain whose head fails when issued (no such fd) */
	sqe = uring_get_sqe(&r);
	ASSERT_NE(NULL, sqe);
	uring_prep_rw(sqe, IORING_OP_READ, -1, buf, sizeof(buf), 0, 0x300);
	sqe->flags = IOSQE_IO_LINK;
	ASSERT_EQ(0, uring_queue_nop(&r, 0x301, 0));
	EXPECT_EQ(2, uring_submit(&r));
	EXPECT_EQ(2, tp_reap(&r, 2));

	/* io-wq */
	ASSERT_EQ(0, uring_queue_nop(&r, 0x400, IOSQE_ASYNC));
	EXPECT_EQ(1, uring_submit(&r));
	EXPECT_EQ(1, tp_reap(&r, 1));

	/* a read that waits for its pipe, and a drain held behind it */
	sqe = uring_get_sqe(&r);
	ASSERT_NE(NULL, sqe);
	uring_prep_rw(sqe, IORING_OP_READ, fds[0], buf, sizeof(buf), 0, 0x500);
	ASSERT_EQ(0, uring_queue_nop(&r, 0x501, IOSQE_IO_DRAIN));
	EXPECT_EQ(2, uring_submit(&r));
	EXPECT_EQ(4, write(fds[1], "data", 4));
	EXPECT_EQ(2, tp_reap(&r, 2));

	/* a completion wait that has to sleep */
	sqe = uring_get_sqe(&r);
	ASSERT_NE(NULL, sqe);
	uring_prep_timeout(sqe, &ts, 0, 0, 0x600);
	EXPECT_EQ(1, uring_submit(&r));
	EXPECT_EQ(1, tp_reap(&r, 1));

	/* io_uring_register(2) */
	EXPECT_TRUE(uring_op_supported(&r, IORING_OP_NOP));

	uring_exit(&r);
	close(fds[0]);
	close(fds[1]);
}

/* More CQEs than the CQ ring holds. */
static void tp_work_overflow(struct __test_metadata *_metadata)
{
	struct io_uring_params p;
	struct uring r;
	int i, round;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 4;
	ASSERT_EQ(0, uring_init_params(&r, 4, &p));
	for (round = 0; round < 2; round++) {
		for (i = 0; i < 4; i++)
			ASSERT_EQ(0, uring_queue_nop(&r, 0x700 + i, 0));
		EXPECT_EQ(4, uring_submit(&r));
	}
	EXPECT_EQ(8, tp_reap(&r, 8));
	uring_exit(&r);
}

/* A buffered write cut short by RLIMIT_FSIZE, in a child. */
static int tp_short_write(void *arg)
{
	struct rlimit rl = { .rlim_cur = 4096, .rlim_max = 4096 };
	static char data[8192];
	struct io_uring_cqe cqe;
	char name[] = "trace-short-XXXXXX";
	struct uring r;
	int fd;

	signal(SIGXFSZ, SIG_IGN);
	fd = mkstemp(name);
	if (fd < 0)
		return 1;
	unlink(name);
	if (setrlimit(RLIMIT_FSIZE, &rl) || uring_init(&r, 4, 0))
		return 1;
	uring_prep_rw(uring_get_sqe(&r), IORING_OP_WRITE, fd, data,
		      sizeof(data), 0, 0x800);
	if (uring_submit(&r) != 1 || uring_get_cqe_ms(&r, &cqe, TP_WAIT_MS))
		return 1;
	return 0;
}

/* Enable the events, run a workload, and check that each one fired. */
TEST_F(tp, fire)
{
	bool seen[TP_NR_EVENTS] = { false };
	char pat[64], *line = NULL;
	unsigned int i, missing = 0;
	size_t cap = 0;
	FILE *f;

	if (access(TP_DIR "/enable", W_OK))
		SKIP(return, "no io_uring events");
	ASSERT_EQ(0, tp_write(TRACEFS "/trace", ""));
	ASSERT_EQ(0, tp_write(TRACEFS "/tracing_on", "1"));
	ASSERT_EQ(0, tp_write(TP_DIR "/enable", "1"));

	tp_work_basic(_metadata, 0);
	tp_work_basic(_metadata, IORING_SETUP_SINGLE_ISSUER |
				 IORING_SETUP_DEFER_TASKRUN);
	tp_work_overflow(_metadata);
	if (run_child(tp_short_write, NULL))
		TH_LOG("short write workload did not run");

	ASSERT_EQ(0, tp_write(TP_DIR "/enable", "0"));
	f = fopen(TRACEFS "/trace", "re");
	ASSERT_NE(NULL, f);
	while (getline(&line, &cap, f) > 0) {
		for (i = 0; i < TP_NR_EVENTS; i++) {
			if (seen[i])
				continue;
			snprintf(pat, sizeof(pat), " %s:", tp_events[i].name);
			if (strstr(line, pat))
				seen[i] = true;
		}
	}
	free(line);
	fclose(f);

	for (i = 0; i < TP_NR_EVENTS; i++) {
		if (seen[i])
			continue;
		if (tp_events[i].optional) {
			TH_LOG("%s did not fire (not required)",
			       tp_events[i].name);
			continue;
		}
		TH_LOG("%s did not fire", tp_events[i].name);
		missing++;
	}
	EXPECT_EQ(0, missing);
}

TEST_HARNESS_MAIN
