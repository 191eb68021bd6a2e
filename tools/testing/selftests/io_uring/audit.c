// SPDX-License-Identifier: GPL-2.0
/*
 * Auditing of io_uring requests. Linux 6.12 wraps each issue of a request,
 * inline from io_uring_enter(2) or on an io-wq worker, in
 * audit_uring_entry()/audit_uring_exit(), except for the data path opcodes
 * marked audit_skip (NOP, READ, WRITE, READV, WRITEV, SEND, RECV, POLL_ADD,
 * TIMEOUT, ASYNC_CANCEL, ...). When a rule of the io_uring filter list
 * (AUDIT_FILTER_URING_EXIT, "auditctl -a always,io_uring") matches, the
 * kernel emits an AUDIT_URINGOP record "uring_op=N ... ppid=P pid=T ...":
 * at once when issued inside the syscall, through audit_log_exit() on an
 * io-wq worker, which copy_process() gave an audit context like any task.
 *
 * The test becomes the audit daemon (AUDIT_SET pid), so that records come
 * to its netlink socket, enables auditing, adds a rule for every io_uring
 * opcode of its children (AUDIT_PPID), forks a child that issues requests
 * one at a time and counts the child's records per opcode. A task has an
 * audit context only if auditing was ever enabled when it was forked, so
 * the child is forked afterwards. The teardown deletes the rule and puts
 * back the enabled state and no daemon.
 *
 * Needs root, CONFIG_AUDITSYSCALL and no audit daemon; skipped otherwise.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <linux/audit.h>
#include <linux/netlink.h>

#include "kselftest_harness.h"
#include "uring_helpers.h"

/* Longest wait for the audit subsystem to answer a request. */
#define ACK_MS		2000
/* How long records may still come after the child exited. */
#define SETTLE_MS	2000
/* uring_op is a u8 */
#define NR_OPS		256
/* more than an audit record can hold (MAX_AUDIT_MESSAGE_LENGTH) */
#define RECV_SZ		16384

static union {
	struct nlmsghdr nlh;
	char buf[RECV_SZ + 1];
} rx;

/* The test as audit daemon, with a rule for its children's io_uring ops. */
FIXTURE(audit) {
	int nl;
	__u32 seq;
	struct audit_status saved;	/* as AUDIT_GET found it */
	bool daemon, enabled, ruled;	/* what the teardown undoes */
	char path[64];			/* the file the child opens */
	unsigned int count[NR_OPS];	/* the child's records per opcode */
};

/* Receive one datagram into rx (NUL terminated): its length or -errno. */
static int audit_recv(int nl, long long deadline)
{
	struct pollfd pfd = { .fd = nl, .events = POLLIN };
	long long left = deadline - uring_now_ms();
	ssize_t n;

	if (poll(&pfd, 1, left > 0 ? (int)left : 0) != 1)
		return -ETIME;
	n = recv(nl, rx.buf, RECV_SZ, MSG_DONTWAIT);
	if (n < 0)
		return -errno;
	rx.buf[n] = '\0';
	return n;
}

/*
 * Send a request and wait for its answer: the NLMSG_ERROR ack (0 or
 * -errno), or for AUDIT_GET the status, which a kthread sends without an
 * ack. Records arriving meanwhile (sequence number 0) are dropped.
 */
static int audit_request(struct _test_data_audit *self, __u16 type,
			 const void *data, size_t len, struct audit_status *st)
{
	long long deadline = uring_now_ms() + ACK_MS;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	union {
		struct nlmsghdr nlh;
		char buf[NLMSG_SPACE(sizeof(struct audit_rule_data))];
	} tx;
	struct nlmsghdr *nlh = &rx.nlh;
	__u32 seq = ++self->seq;
	int n;

	memset(&tx, 0, sizeof(tx));
	tx.nlh.nlmsg_len = NLMSG_LENGTH(len);
	tx.nlh.nlmsg_type = type;
	tx.nlh.nlmsg_flags = NLM_F_REQUEST | (type == AUDIT_GET ? 0 : NLM_F_ACK);
	tx.nlh.nlmsg_seq = seq;
	if (len)
		memcpy(NLMSG_DATA(&tx.nlh), data, len);
	if (sendto(self->nl, &tx, tx.nlh.nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0)
		return -errno;
	while (uring_now_ms() < deadline) {
		n = audit_recv(self->nl, deadline);
		if (n < (int)NLMSG_HDRLEN || nlh->nlmsg_seq != seq)
			continue;
		if (nlh->nlmsg_type == NLMSG_ERROR)
			return ((struct nlmsgerr *)NLMSG_DATA(nlh))->error;
		if (nlh->nlmsg_type == AUDIT_GET && st) {
			memset(st, 0, sizeof(*st));
			memcpy(st, NLMSG_DATA(nlh),
			       n - NLMSG_HDRLEN < sizeof(*st) ?
			       n - NLMSG_HDRLEN : sizeof(*st));
			return 0;
		}
	}
	return -ETIME;
}

static bool refused(int err)
{
	return err == -EPERM || err == -ECONNREFUSED ||
	       err == -EPROTONOSUPPORT;
}

/* Always audit every io_uring opcode (mask bit N) of tasks we forked. */
static void fill_rule(struct audit_rule_data *rule)
{
	memset(rule, 0, sizeof(*rule));
	rule->flags = AUDIT_FILTER_URING_EXIT;
	rule->action = AUDIT_ALWAYS;
	memset(rule->mask, 0xff, sizeof(rule->mask));
	rule->field_count = 1;
	rule->fields[0] = AUDIT_PPID;
	rule->fieldflags[0] = AUDIT_EQUAL;
	rule->values[0] = getpid();
}

FIXTURE_SETUP(audit)
{
	int fd, ret;

	self->nl = -1;
	if (geteuid())
		SKIP(return, "needs root");
	self->nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	if (self->nl < 0)
		SKIP(return, "no audit netlink socket: %s", strerror(errno));
	ret = audit_request(self, AUDIT_GET, NULL, 0, &self->saved);
	if (refused(ret))
		SKIP(return, "AUDIT_GET refused: %s", strerror(-ret));
	ASSERT_EQ(0, ret) TH_LOG("AUDIT_GET: %s", strerror(-ret));
	if (self->saved.enabled == 2)	/* AUDIT_LOCKED */
		SKIP(return, "the audit configuration is locked");
	if (self->saved.pid)
		SKIP(return, "audit daemon %u is running", self->saved.pid);
	snprintf(self->path, sizeof(self->path), "/tmp/uring-audit-XXXXXX");
	fd = mkstemp(self->path);
	ASSERT_LE(0, fd);
	ASSERT_EQ(5, write(fd, "audit", 5));
	close(fd);
}

/* Everything is undone even when a test failed half way. */
FIXTURE_TEARDOWN(audit)
{
	struct audit_status st = { .mask = AUDIT_STATUS_ENABLED };
	struct audit_rule_data rule;

	if (self->ruled) {
		fill_rule(&rule);
		EXPECT_EQ(0, audit_request(self, AUDIT_DEL_RULE, &rule,
					   sizeof(rule), NULL));
	}
	if (self->enabled) {
		st.enabled = self->saved.enabled;
		EXPECT_EQ(0, audit_request(self, AUDIT_SET, &st, sizeof(st),
					   NULL));
	}
	if (self->daemon) {
		st.mask = AUDIT_STATUS_PID;
		st.pid = 0;
		EXPECT_EQ(0, audit_request(self, AUDIT_SET, &st, sizeof(st),
					   NULL));
	}
	close(self->nl);
	unlink(self->path);
}

/*
 * Become the audit daemon, enable auditing and add the rule; one step at
 * a time, so that the teardown undoes exactly what was done. False if the
 * kernel refused (the test is then skipped).
 */
static bool audit_start(struct __test_metadata *_metadata,
			struct _test_data_audit *self)
{
	struct audit_status st = { .mask = AUDIT_STATUS_PID, .pid = getpid() };
	struct audit_rule_data rule;
	int ret;

	ret = audit_request(self, AUDIT_SET, &st, sizeof(st), NULL);
	if (refused(ret) || ret == -EEXIST)
		SKIP(return false, "AUDIT_SET pid: %s", strerror(-ret));
	self->daemon = true;
	ASSERT_EQ(0, ret) TH_LOG("AUDIT_SET pid: %s", strerror(-ret));

	st.mask = AUDIT_STATUS_ENABLED;
	st.enabled = 1;
	ret = audit_request(self, AUDIT_SET, &st, sizeof(st), NULL);
	if (refused(ret))
		SKIP(return false, "AUDIT_SET enabled: %s", strerror(-ret));
	self->enabled = true;
	ASSERT_EQ(0, ret) TH_LOG("AUDIT_SET enabled: %s", strerror(-ret));

	fill_rule(&rule);
	ret = audit_request(self, AUDIT_ADD_RULE, &rule, sizeof(rule), NULL);
	if (ret == -EINVAL)
		SKIP(return false, "no io_uring audit filter list");
	self->ruled = true;
	ASSERT_TRUE(!ret || ret == -EEXIST)
		TH_LOG("AUDIT_ADD_RULE: %s", strerror(-ret));
	return true;
}

/*
 * The child: issue each request alone, flagged sqe_flags, and wait for
 * its CQE. 0, KSFT_SKIP if the ring lacks an opcode, 10 + the index of
 * the request that failed, or 1 if the setup failed.
 */
static int child_ops(const char *path, const __u8 *ops, int nr,
		     __u8 sqe_flags)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	static char data[64];
	struct statx stx;
	int i, rfd, wfd;
	struct uring r;

	rfd = open(path, O_RDONLY | O_CLOEXEC);
	wfd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (rfd < 0 || wfd < 0 || uring_init(&r, 4, 0))
		return 1;
	for (i = 0; i < nr; i++)
		if (!uring_op_supported(&r, ops[i]))
			return KSFT_SKIP;
	for (i = 0; i < nr; i++) {
		sqe = uring_get_sqe(&r);
		if (ops[i] == IORING_OP_OPENAT) {
			uring_prep_rw(sqe, ops[i], AT_FDCWD, path, 0, 0, i);
			sqe->open_flags = O_RDONLY | O_CLOEXEC;
		} else if (ops[i] == IORING_OP_STATX) {
			uring_prep_rw(sqe, ops[i], AT_FDCWD, path,
				      STATX_BASIC_STATS, (unsigned long)&stx, i);
		} else if (ops[i] == IORING_OP_READ) {
			uring_prep_rw(sqe, ops[i], rfd, data, sizeof(data), 0, i);
		} else if (ops[i] == IORING_OP_WRITE) {
			uring_prep_rw(sqe, ops[i], wfd, data, sizeof(data), 0, i);
		} else {
			uring_prep_nop(sqe, i);
		}
		sqe->flags = sqe_flags;
		if (uring_submit_and_wait(&r, 1) != 1 ||
		    uring_get_cqe(&r, &cqe) || cqe.res < 0)
			return 10 + i;
		if (ops[i] == IORING_OP_OPENAT)
			close(cqe.res);
	}
	uring_exit(&r);
	return 0;
}

static bool field(const char *text, const char *key, int *val)
{
	const char *p = strstr(text, key);

	return p && sscanf(p + strlen(key), "%d", val) == 1;
}

/*
 * Fork the child running ops and count its AUDIT_URINGOP records per
 * opcode, reading while it runs (kauditd blocks on a full socket, and
 * records beyond the backlog limit are then lost) and for SETTLE_MS after
 * it exited. False if the ring lacks an opcode (the test is skipped).
 */
static bool run_ops(struct __test_metadata *_metadata,
		    struct _test_data_audit *self, const __u8 *ops, int nr,
		    __u8 sqe_flags)
{
	long long deadline = uring_now_ms() + CHILD_TIMEOUT_MS;
	int status = 0, n, op, pid, ppid;
	bool exited = false;
	char *text = rx.buf + NLMSG_HDRLEN;
	pid_t child;

	memset(self->count, 0, sizeof(self->count));
	child = fork();
	ASSERT_LE(0, child);
	if (!child)
		_exit(child_ops(self->path, ops, nr, sqe_flags));
	while (uring_now_ms() < deadline) {
		if (!exited && waitpid(child, &status, WNOHANG) == child) {
			exited = true;
			deadline = uring_now_ms() + SETTLE_MS;
		}
		n = audit_recv(self->nl, exited ? deadline : uring_now_ms() + 10);
		if (n == -ENOBUFS)
			TH_LOG("audit socket overrun: records lost");
		/* a record's nlmsg_len leaves out the header: use n */
		if (n < (int)NLMSG_HDRLEN || rx.nlh.nlmsg_type != AUDIT_URINGOP)
			continue;
		if (field(text, "uring_op=", &op) && field(text, " pid=", &pid) &&
		    field(text, " ppid=", &ppid) && pid == child &&
		    ppid == getpid() && op >= 0 && op < NR_OPS)
			self->count[op]++;
	}
	if (!exited) {
		kill(child, SIGKILL);
		waitpid(child, &status, 0);
	}
	ASSERT_TRUE(exited) TH_LOG("the child hung");
	if (WIFEXITED(status) && WEXITSTATUS(status) == KSFT_SKIP)
		SKIP(return false, "the ring lacks one of the opcodes");
	ASSERT_EQ(0, status) TH_LOG("child status %#x (exit 10 + request)",
				    status);
	return true;
}

/*
 * Issued from io_uring_enter(2): OPENAT is audited; STATX, NOP, READ and
 * WRITE are audit_skip (the reference kernel makes no STATX record either).
 */
TEST_F(audit, inline_issue)
{
	static const __u8 ops[] = {
		IORING_OP_OPENAT, IORING_OP_STATX, IORING_OP_NOP,
		IORING_OP_READ, IORING_OP_WRITE,
	};

	if (!audit_start(_metadata, self) ||
	    !run_ops(_metadata, self, ops, ARRAY_SIZE(ops), 0))
		return;
	EXPECT_LE(1, self->count[IORING_OP_OPENAT]);
	EXPECT_EQ(0, self->count[IORING_OP_STATX]);
	EXPECT_EQ(0, self->count[IORING_OP_NOP]);
	EXPECT_EQ(0, self->count[IORING_OP_READ]);
	EXPECT_EQ(0, self->count[IORING_OP_WRITE]);
}

/*
 * IOSQE_ASYNC: each request is issued by an io-wq worker of the child,
 * with the worker's own audit context; OPENAT's record there is logged,
 * not required. The audit_skip opcodes stay silent on io-wq too.
 */
TEST_F(audit, iowq_issue)
{
	static const __u8 ops[] = {
		IORING_OP_OPENAT, IORING_OP_NOP, IORING_OP_READ,
		IORING_OP_WRITE,
	};

	if (!audit_start(_metadata, self) ||
	    !run_ops(_metadata, self, ops, ARRAY_SIZE(ops), IOSQE_ASYNC))
		return;
	TH_LOG("OPENAT on io-wq: %u record(s)", self->count[IORING_OP_OPENAT]);
	EXPECT_EQ(0, self->count[IORING_OP_NOP]);
	EXPECT_EQ(0, self->count[IORING_OP_READ]);
	EXPECT_EQ(0, self->count[IORING_OP_WRITE]);
}

TEST_HARNESS_MAIN
