// SPDX-License-Identifier: GPL-2.0
/*
 * Policies (Linux 7.0): cBPF filters of requests (IORING_REGISTER_BPF_FILTER)
 * and task restrictions (IORING_REGISTER_RESTRICTIONS with fd -1), beyond
 * what liburing 2.15's cbpf_filter and task-restrict check: the errnos for
 * bad filters and programs that could read what is not the context, the
 * privilege rule, inheritance across fork and exec, stacking that can
 * only get stricter, requests issued by an SQPOLL thread, through io-wq,
 * in links and under a personality, MSG_RING into a filtered ring, and
 * fdinfo. A task's policy cannot be dropped, so each case that sets one
 * runs in a child. Each case skips where the kernel lacks the feature.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <linux/filter.h>

#include "kselftest_harness.h"
#include "uring_helpers.h"

/* The values and structures of Linux 7.0, for headers older than that. */
#define REGISTER_BPF_FILTER	37
#define BPF_CMD_FILTER		1
#define BPF_DENY_REST		1
#define BPF_SZ_STRICT		2
#define CTX_SIZE		40	/* sizeof(struct io_uring_bpf_ctx) */
#define CTX_OFF_SOCK_TYPE	20

struct bpf_filter_arg {
	__u16 cmd_type;
	__u16 cmd_flags;
	__u32 resv;
	__u32 opcode;
	__u32 flags;
	__u32 filter_len;
	__u8 pdu_size;
	__u8 resv1[3];
	__u64 filter_ptr;
	__u64 resv2[5];
};

struct task_restriction {
	__u16 flags;
	__u16 nr_res;
	__u32 resv[3];
	struct io_uring_restriction res[2];
};

/* The environment variable that makes an exec()ed copy of us a probe. */
#define EXEC_PROBE_ENV	"IO_URING_POLICY_EXEC_PROBE"

static struct sock_filter allow[] = { BPF_STMT(BPF_RET | BPF_K, 1) };
static struct sock_filter deny[] = { BPF_STMT(BPF_RET | BPF_K, 0) };

/* Deny the request whose user_data is 2 (its low word, little endian). */
static struct sock_filter deny_ud2[] = {
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 2, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, 0),
	BPF_STMT(BPF_RET | BPF_K, 1),
};

/* SOCKET: allow SOCK_STREAM only (type without its flags). */
static struct sock_filter stream_only[] = {
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, CTX_OFF_SOCK_TYPE),
	BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xf),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SOCK_STREAM, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, 1),
	BPF_STMT(BPF_RET | BPF_K, 0),
};

#define LEN(prog)	(sizeof(prog) / sizeof((prog)[0]))

static int bpf_filter(int fd, struct sock_filter *prog, unsigned int len,
		      __u32 opcode, __u32 flags, __u8 pdu)
{
	struct bpf_filter_arg a = {
		.cmd_type = BPF_CMD_FILTER, .opcode = opcode, .flags = flags,
		.filter_len = len, .pdu_size = pdu,
		.filter_ptr = (unsigned long)prog,
	};

	return sys_io_uring_register(fd, REGISTER_BPF_FILTER, &a, 1);
}

static int nop_result(struct uring *r, __u8 sqe_flags)
{
	struct io_uring_sqe *sqe = uring_get_sqe(r);

	uring_prep_nop(sqe, 1);
	sqe->flags = sqe_flags;
	return uring_run_one(r);
}

static int socket_result(struct uring *r, int family, int type)
{
	struct io_uring_sqe *sqe = uring_get_sqe(r);
	int ret;

	uring_prep_rw(sqe, IORING_OP_SOCKET, family, NULL, 0, type, 1);
	ret = uring_run_one(r);
	if (ret >= 0) {
		close(ret);
		ret = 0;
	}
	return ret;
}

/* Does the kernel take filters? Asked in a child: it keeps what it gets. */
static int probe_child(void *arg)
{
	int ret = bpf_filter(-1, allow, 1, IORING_OP_NOP, 0, 0);

	return ret == -EINVAL || ret == -EBADF ? 1 : 0;
}

static bool have_filters(void)
{
	int status = run_child(probe_child, NULL);

	return status >= 0 && WIFEXITED(status) && !WEXITSTATUS(status);
}

/* The exit code of a child case: 0, or the number of the step that failed. */
static void expect_child(struct __test_metadata *_metadata,
			 int (*fn)(void *), void *arg)
{
	int status = run_child(fn, arg);

	ASSERT_LE(0, status);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST(bad_input)
{
	struct sock_filter byte_load[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 8), BPF_STMT(BPF_RET | BPF_A, 0),
	};
	struct sock_filter past_end[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, CTX_SIZE),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	struct sock_filter unaligned[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 2), BPF_STMT(BPF_RET | BPF_A, 0),
	};
	struct sock_filter indirect[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_IND, 0), BPF_STMT(BPF_RET | BPF_A, 0),
	};
	struct sock_filter msh[] = {
		BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0), BPF_STMT(BPF_RET | BPF_A, 0),
	};
	struct bpf_filter_arg a = {
		.cmd_type = BPF_CMD_FILTER, .opcode = IORING_OP_NOP,
		.filter_len = 1, .filter_ptr = (unsigned long)allow,
	};
	struct uring r;

	ASSERT_EQ(0, uring_init(&r, 4, 0));
	if (bpf_filter(r.fd, allow, 1, IORING_OP_LAST, 0, 0) != -EINVAL ||
	    !have_filters())
		SKIP(goto out, "IORING_REGISTER_BPF_FILTER not supported");
	EXPECT_EQ(-EINVAL, sys_io_uring_register(r.fd, REGISTER_BPF_FILTER, &a, 2));
	a.cmd_type = 2;
	EXPECT_EQ(-EINVAL, sys_io_uring_register(r.fd, REGISTER_BPF_FILTER, &a, 1));
	a.cmd_type = BPF_CMD_FILTER;
	a.cmd_flags = 1;
	EXPECT_EQ(-EINVAL, sys_io_uring_register(r.fd, REGISTER_BPF_FILTER, &a, 1));
	a.cmd_flags = 0;
	a.resv2[4] = 1;
	EXPECT_EQ(-EINVAL, sys_io_uring_register(r.fd, REGISTER_BPF_FILTER, &a, 1));
	a.resv2[4] = 0;
	a.flags = 4;
	EXPECT_EQ(-EINVAL, sys_io_uring_register(r.fd, REGISTER_BPF_FILTER, &a, 1));
	a.flags = 0;
	a.filter_len = 0;
	EXPECT_EQ(-EINVAL, sys_io_uring_register(r.fd, REGISTER_BPF_FILTER, &a, 1));
	a.filter_len = 1;
	a.filter_ptr = 8;
	EXPECT_EQ(-EFAULT, sys_io_uring_register(r.fd, REGISTER_BPF_FILTER, &a, 1));
	EXPECT_EQ(-EFAULT, sys_io_uring_register(r.fd, REGISTER_BPF_FILTER,
						 (void *)8, 1));
	/* nothing but words of the context may be read */
	EXPECT_EQ(-EINVAL, bpf_filter(r.fd, byte_load, 2, IORING_OP_NOP, 0, 0));
	EXPECT_EQ(-EINVAL, bpf_filter(r.fd, past_end, 2, IORING_OP_NOP, 0, 0));
	EXPECT_EQ(-EINVAL, bpf_filter(r.fd, unaligned, 2, IORING_OP_NOP, 0, 0));
	EXPECT_EQ(-EINVAL, bpf_filter(r.fd, indirect, 2, IORING_OP_NOP, 0, 0));
	EXPECT_EQ(-EINVAL, bpf_filter(r.fd, msh, 2, IORING_OP_NOP, 0, 0));
	/* NOP has no payload: a size is refused, and ours written back */
	a.pdu_size = 4;
	EXPECT_EQ(-EMSGSIZE, sys_io_uring_register(r.fd, REGISTER_BPF_FILTER, &a, 1));
	EXPECT_EQ(0, a.pdu_size);
	/* none of that left a filter behind */
	EXPECT_EQ(0, nop_result(&r, 0));
out:
	uring_exit(&r);
}

/*
 * A request runs at most 32768 instructions of filters, 4 more per
 * program, as a seccomp'ed system call: the chain that would pass it is
 * refused, and the filters before it stay.
 */
TEST(path_limit)
{
	static struct sock_filter big[4096];
	struct uring r;
	int i;

	for (i = 0; i < 4095; i++)
		big[i] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_IMM, i);
	big[4095] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 1);
	ASSERT_EQ(0, uring_init(&r, 4, 0));
	if (!have_filters())
		SKIP(goto out, "IORING_REGISTER_BPF_FILTER not supported");
	for (i = 0; i < 7; i++)
		ASSERT_EQ(0, bpf_filter(r.fd, big, 4096, IORING_OP_NOP, 0, 0));
	EXPECT_EQ(-ENOMEM, bpf_filter(r.fd, big, 4096, IORING_OP_NOP, 0, 0));
	EXPECT_EQ(0, bpf_filter(r.fd, big, 4096, IORING_OP_SOCKET, 0, 0));
	EXPECT_EQ(0, nop_result(&r, 0));
out:
	uring_exit(&r);
}

/* A ring's own filter: a NOP denied, others untouched; fdinfo says so. */
TEST(ring_filter)
{
	char info[4096];
	struct uring r;

	ASSERT_EQ(0, uring_init(&r, 4, 0));
	if (!have_filters())
		SKIP(goto out, "IORING_REGISTER_BPF_FILTER not supported");
	ASSERT_EQ(0, bpf_filter(r.fd, deny, 1, IORING_OP_NOP, 0, 0));
	EXPECT_EQ(-EACCES, nop_result(&r, 0));
	EXPECT_EQ(0, socket_result(&r, AF_INET, SOCK_STREAM));
	ASSERT_LT(0, read_fdinfo(r.fd, info, sizeof(info)));
	EXPECT_NE(NULL, strstr(info, "BpfFilters:\t1\n"));
	EXPECT_NE(NULL, strstr(info, "BpfFilter:\tNOP 1\n"));
out:
	uring_exit(&r);
}

/* Without no_new_privs or CAP_SYS_ADMIN, neither kind can be registered. */
static int privilege_child(void *arg)
{
	struct task_restriction tr = { .nr_res = 1 };

	tr.res[0].opcode = IORING_RESTRICTION_SQE_OP;
	tr.res[0].sqe_op = IORING_OP_NOP;
	if (getuid() == 0)
		if (!(!setresuid(65534, 65534, 65534)))
			return 1;
	if (!(bpf_filter(-1, allow, 1, IORING_OP_NOP, 0, 0) == -EACCES))
		return 2;
	if (!(sys_io_uring_register(-1, IORING_REGISTER_RESTRICTIONS, &tr, 1) == -EACCES))
		return 3;
	if (!(!prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)))
		return 4;
	if (!(bpf_filter(-1, allow, 1, IORING_OP_NOP, 0, 0) == 0))
		return 5;
	if (!(sys_io_uring_register(-1, IORING_REGISTER_RESTRICTIONS, &tr, 1) == 0))
		return 6;
	return 0;
}

TEST(privilege)
{
	if (!have_filters())
		SKIP(return, "IORING_REGISTER_BPF_FILTER not supported");
	expect_child(_metadata, privilege_child, NULL);
}

/*
 * The network server of Documentation/io_uring/policy.rst, as a program
 * that knows nothing of the policy it runs under: it accepts one
 * connection on the listening socket it was given, receives into a
 * provided buffer, sends the data back, waits a little and cancels what
 * is left, then opens its log, which the policy does not allow. Its exit
 * code says what came back: 0 if the log was refused with -EACCES.
 */
#define SERVER_ENV	"IO_URING_POLICY_SERVER"
#define SERVER_BGID	1

static int server_run(int lfd)
{
	struct __kernel_timespec ts = { .tv_nsec = 1000000 };
	static char buf[4][64];
	struct io_uring_buf_ring *br;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	struct uring r;
	int fd, i, n;

	br = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (br == MAP_FAILED || uring_init(&r, 8, 0) ||
	    uring_register_pbuf_ring(&r, br, 4, SERVER_BGID))
		return 40;
	for (i = 0; i < 4; i++)
		uring_buf_ring_add(br, 3, i, buf[i], sizeof(buf[i]), i);
	uring_buf_ring_publish(br, 4);
	sqe = uring_get_sqe(&r);
	uring_prep_accept(sqe, lfd, 0, 0, 1);
	fd = uring_run_one(&r);
	if (fd < 0)
		return 41;
	sqe = uring_get_sqe(&r);
	uring_prep_recv(sqe, fd, NULL, 0, 0, 2);
	sqe->flags = IOSQE_BUFFER_SELECT;
	sqe->buf_group = SERVER_BGID;
	if (uring_submit(&r) != 1 || uring_get_cqe_ms(&r, &cqe, 5000) ||
	    cqe.res <= 0 || !(cqe.flags & IORING_CQE_F_BUFFER))
		return 42;
	n = cqe.res;
	sqe = uring_get_sqe(&r);
	uring_prep_send(sqe, fd, buf[cqe.flags >> IORING_CQE_BUFFER_SHIFT], n,
			0, 3);
	if (uring_run_one(&r) != n)
		return 43;
	sqe = uring_get_sqe(&r);
	uring_prep_timeout(sqe, &ts, 0, 0, 4);
	if (uring_run_one(&r) != -ETIME)
		return 44;
	sqe = uring_get_sqe(&r);
	uring_prep_cancel(sqe, 99, -1, 0, 5);
	if (uring_run_one(&r) != -ENOENT)
		return 45;
	sqe = uring_get_sqe(&r);
	uring_prep_rw(sqe, IORING_OP_OPENAT, AT_FDCWD, "/tmp/server.log", 0644,
		      0, 6);
	sqe->open_flags = O_CREAT | O_WRONLY | O_APPEND;
	return uring_run_one(&r) == -EACCES ? 0 : 46;
}

static void __attribute__((constructor)) server_main(void)
{
	const char *lfd = getenv(SERVER_ENV);

	if (lfd)
		_exit(server_run(atoi(lfd)));
}

/* The policy: the server's working set is allowed, the rest denied. */
static int install_server_policy(void)
{
	static const __u8 ops[] = {
		IORING_OP_ACCEPT, IORING_OP_RECV, IORING_OP_SEND,
		IORING_OP_TIMEOUT, IORING_OP_ASYNC_CANCEL,
	};
	unsigned int i;
	int ret;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	/* DENY_REST last: it denies what has no filter when it comes */
	for (i = 0; i < sizeof(ops); i++) {
		ret = bpf_filter(-1, allow, 1, ops[i],
				 i == sizeof(ops) - 1 ? BPF_DENY_REST : 0, 0);
		if (ret)
			return ret;
	}
	return 0;
}

TEST(server_policy)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	char env[64], echo[8];
	int lfd, cfd, status;
	pid_t pid;

	if (!have_filters())
		SKIP(return, "IORING_REGISTER_BPF_FILTER not supported");
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, bind(lfd, (struct sockaddr *)&sa, sizeof(sa)));
	ASSERT_EQ(0, listen(lfd, 1));
	ASSERT_EQ(0, getsockname(lfd, (struct sockaddr *)&sa, &len));
	snprintf(env, sizeof(env), SERVER_ENV "=%d", lfd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		char *const argv[] = { "server", NULL };
		char *const envp[] = { env, NULL };

		if (install_server_policy())
			_exit(30);
		execve("/proc/self/exe", argv, envp);
		_exit(31);
	}
	cfd = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_LE(0, cfd);
	ASSERT_EQ(0, connect(cfd, (struct sockaddr *)&sa, sizeof(sa)));
	ASSERT_EQ(4, write(cfd, "ping", 4));
	EXPECT_EQ(4, read(cfd, echo, sizeof(echo)));
	EXPECT_EQ(0, memcmp(echo, "ping", 4));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	close(cfd);
	close(lfd);
}

/* The exec()ed probe: a new ring, whose NOP must be denied. */
static void __attribute__((constructor)) exec_probe(void)
{
	struct uring r;
	int ret;

	if (!getenv(EXEC_PROBE_ENV))
		return;
	if (uring_init(&r, 4, 0))
		_exit(20);
	ret = nop_result(&r, 0);
	_exit(ret == -EACCES ? 0 : 21);
}

/*
 * A task filter: rings set up before it are free, rings after it are not,
 * nor those of a child, nor those of a program it exec()s.
 */
static int inherit_child(void *arg)
{
	static char * const argv[] = { "policy", NULL };
	static char * const envp[] = { EXEC_PROBE_ENV "=1", NULL };
	struct uring before, after;
	int status;
	pid_t pid;

	if (!(!prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)))
		return 1;
	if (!(!uring_init(&before, 4, 0)))
		return 2;
	if (!(bpf_filter(-1, deny, 1, IORING_OP_NOP, 0, 0) == 0))
		return 3;
	if (!(nop_result(&before, 0) == 0))
		return 4;
	if (!(!uring_init(&after, 4, 0)))
		return 5;
	if (!(nop_result(&after, 0) == -EACCES))
		return 6;
	pid = fork();
	if (!pid) {
		struct uring r;

		_exit(uring_init(&r, 4, 0) || nop_result(&r, 0) != -EACCES);
	}
	if (!(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && !WEXITSTATUS(status)))
		return 7;
	pid = fork();
	if (!pid) {
		execve("/proc/self/exe", argv, envp);
		_exit(30);
	}
	if (!(waitpid(pid, &status, 0) == pid && WIFEXITED(status)))
		return 8;
	if (WEXITSTATUS(status))
		return 9 + WEXITSTATUS(status);
	return 0;
}

TEST(inherit_fork_exec)
{
	if (!have_filters())
		SKIP(return, "IORING_REGISTER_BPF_FILTER not supported");
	expect_child(_metadata, inherit_child, NULL);
}

/*
 * Filters stack: the task allows stream sockets only, then a ring adds
 * its own filter, and a later allow-all cannot undo DENY_REST.
 */
static int stack_child(void *arg)
{
	struct io_uring_sqe *sqe;
	struct uring r;

	if (!(!prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)))
		return 1;
	if (!(bpf_filter(-1, stream_only, LEN(stream_only), IORING_OP_SOCKET, 0, 12) == 0))
		return 2;
	if (!(bpf_filter(-1, allow, 1, IORING_OP_NOP, BPF_DENY_REST, 0) == 0))
		return 3;
	if (!(bpf_filter(-1, allow, 1, IORING_OP_OPENAT, 0, 0) == 0))
		return 4;
	if (!(!uring_init(&r, 4, 0)))
		return 5;
	if (!(socket_result(&r, AF_INET, SOCK_STREAM) == 0))
		return 6;
	if (!(socket_result(&r, AF_INET, SOCK_DGRAM) == -EACCES))
		return 7;
	if (!(nop_result(&r, 0) == 0))
		return 8;
	/* OPENAT had no filter when DENY_REST came: allow-all cannot lift it */
	sqe = uring_get_sqe(&r);
	uring_prep_rw(sqe, IORING_OP_OPENAT, AT_FDCWD, "/dev/null", 0, 0, 1);
	if (!(uring_run_one(&r) == -EACCES))
		return 9;
	/* the ring's own filter goes on top of the task's */
	if (!(bpf_filter(r.fd, deny_ud2, LEN(deny_ud2), IORING_OP_SOCKET, 0, 0) == 0))
		return 10;
	if (!(socket_result(&r, AF_INET, SOCK_STREAM) == 0))
		return 11;
	sqe = uring_get_sqe(&r);
	uring_prep_rw(sqe, IORING_OP_SOCKET, AF_INET, NULL, 0, SOCK_STREAM, 2);
	if (!(uring_run_one(&r) == -EACCES))
		return 12;
	return 0;
}

TEST(stacking)
{
	if (!have_filters())
		SKIP(return, "IORING_REGISTER_BPF_FILTER not supported");
	expect_child(_metadata, stack_child, NULL);
}

/* However a request is issued, its filter saw it at submission. */
TEST(issue_paths)
{
	struct io_uring_params p = { .flags = IORING_SETUP_SQPOLL };
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	struct uring r, sq;
	int i, cred;

	ASSERT_EQ(0, uring_init(&r, 8, 0));
	if (!have_filters())
		SKIP(goto out, "IORING_REGISTER_BPF_FILTER not supported");
	ASSERT_EQ(0, bpf_filter(r.fd, deny_ud2, LEN(deny_ud2), IORING_OP_NOP,
				0, 0));
	/* io-wq: IOSQE_ASYNC */
	sqe = uring_get_sqe(&r);
	uring_prep_nop(sqe, 2);
	sqe->flags = IOSQE_ASYNC;
	EXPECT_EQ(-EACCES, uring_run_one(&r));
	/* a personality */
	cred = sys_io_uring_register(r.fd, IORING_REGISTER_PERSONALITY, NULL, 0);
	ASSERT_LT(0, cred);
	sqe = uring_get_sqe(&r);
	uring_prep_nop(sqe, 2);
	sqe->personality = cred;
	EXPECT_EQ(-EACCES, uring_run_one(&r));
	/* a link: the denied request fails, its chain is cancelled */
	for (i = 1; i <= 3; i++) {
		sqe = uring_get_sqe(&r);
		uring_prep_nop(sqe, i);
		sqe->flags = i < 3 ? IOSQE_IO_LINK : 0;
	}
	ASSERT_EQ(3, uring_submit(&r));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, uring_get_cqe_ms(&r, &cqe, 5000));
		EXPECT_EQ(cqe.user_data == 2 ? -EACCES : -ECANCELED, cqe.res);
	}
	/* an SQPOLL thread */
	ASSERT_EQ(0, uring_init_params(&sq, 4, &p));
	ASSERT_EQ(0, bpf_filter(sq.fd, deny, 1, IORING_OP_NOP, 0, 0));
	EXPECT_EQ(-EACCES, nop_result(&sq, 0));
	uring_exit(&sq);
out:
	uring_exit(&r);
}

/*
 * MSG_RING: the sender's filters see it; a filtered target still takes
 * the message, as it is no request of its own.
 */
TEST(msg_ring)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	struct uring a, b;

	ASSERT_EQ(0, uring_init(&a, 4, 0));
	ASSERT_EQ(0, uring_init(&b, 4, 0));
	if (!have_filters())
		SKIP(goto out, "IORING_REGISTER_BPF_FILTER not supported");
	ASSERT_EQ(0, bpf_filter(b.fd, deny, 1, IORING_OP_NOP, BPF_DENY_REST, 0));
	sqe = uring_get_sqe(&a);
	uring_prep_rw(sqe, IORING_OP_MSG_RING, b.fd, NULL, 0x55, 0x77, 1);
	EXPECT_EQ(0, uring_run_one(&a));
	ASSERT_EQ(0, uring_get_cqe_ms(&b, &cqe, 5000));
	EXPECT_EQ(0x77, cqe.user_data);
	EXPECT_EQ(0x55, cqe.res);
	/* and b may not send one */
	sqe = uring_get_sqe(&b);
	uring_prep_rw(sqe, IORING_OP_MSG_RING, a.fd, NULL, 0x55, 0x77, 1);
	EXPECT_EQ(-EACCES, uring_run_one(&b));
out:
	uring_exit(&a);
	uring_exit(&b);
}

/* A ringless MSG_RING (IORING_REGISTER_SEND_MSG_RING) obeys the task. */
static int sync_msg_child(void *arg)
{
	struct io_uring_sqe sqe = {
		.opcode = IORING_OP_MSG_RING, .len = 0x55, .off = 0x77,
		.user_data = 2,
	};
	struct io_uring_cqe cqe;
	struct uring *r = arg;

	sqe.fd = r->fd;
	if (!(!prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)))
		return 1;
	if (!(sys_io_uring_register(-1, IORING_REGISTER_SEND_MSG_RING, &sqe,
				    1) == 0))
		return 2;
	if (!(bpf_filter(-1, deny_ud2, LEN(deny_ud2), IORING_OP_MSG_RING, 0,
			 0) == 0))
		return 3;
	if (!(sys_io_uring_register(-1, IORING_REGISTER_SEND_MSG_RING, &sqe,
				    1) == -EACCES))
		return 4;
	sqe.user_data = 1;
	if (!(sys_io_uring_register(-1, IORING_REGISTER_SEND_MSG_RING, &sqe,
				    1) == 0))
		return 5;
	/* the two that went through, and nothing of the denied one */
	if (uring_get_cqe_ms(r, &cqe, 5000) || uring_get_cqe_ms(r, &cqe, 5000))
		return 6;
	if (!uring_get_cqe_ms(r, &cqe, 100))
		return 7;
	return 0;
}

TEST(sync_msg_ring)
{
	struct uring r;

	ASSERT_EQ(0, uring_init(&r, 4, 0));
	if (!have_filters())
		SKIP(goto out, "IORING_REGISTER_BPF_FILTER not supported");
	expect_child(_metadata, sync_msg_child, &r);
out:
	uring_exit(&r);
}

/* Task restrictions: once per task, in effect from a ring's setup. */
static int restrict_child(void *arg)
{
	struct task_restriction tr = { .nr_res = 2 };
	struct io_uring_params p = { .flags = IORING_SETUP_R_DISABLED };
	struct io_uring_restriction one = {
		.opcode = IORING_RESTRICTION_SQE_OP, .sqe_op = IORING_OP_NOP,
	};
	char info[4096];
	struct uring r;

	tr.res[0].opcode = IORING_RESTRICTION_SQE_OP;
	tr.res[0].sqe_op = IORING_OP_NOP;
	tr.res[1].opcode = IORING_RESTRICTION_REGISTER_OP;
	tr.res[1].register_op = IORING_REGISTER_RESTRICTIONS;
	if (!(!prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)))
		return 1;
	tr.flags = 1;
	if (!(sys_io_uring_register(-1, IORING_REGISTER_RESTRICTIONS, &tr, 1) == -EINVAL))
		return 2;
	tr.flags = 0;
	if (!(sys_io_uring_register(-1, IORING_REGISTER_RESTRICTIONS, &tr, 2) == -EINVAL))
		return 3;
	tr.res[1].opcode = 99;
	if (!(sys_io_uring_register(-1, IORING_REGISTER_RESTRICTIONS, &tr, 1) == -EINVAL))
		return 4;
	tr.res[1].opcode = IORING_RESTRICTION_REGISTER_OP;
	if (!(sys_io_uring_register(-1, IORING_REGISTER_RESTRICTIONS, &tr, 1) == 0))
		return 5;
	if (!(sys_io_uring_register(-1, IORING_REGISTER_RESTRICTIONS, &tr, 1) == -EPERM))
		return 6;
	if (!(!uring_init(&r, 4, 0)))
		return 7;
	if (!(nop_result(&r, 0) == 0))
		return 8;
	if (!(nop_result(&r, IOSQE_ASYNC) == -EACCES))
		return 9;
	if (!(socket_result(&r, AF_INET, SOCK_STREAM) == -EACCES))
		return 10;
	if (!(sys_io_uring_register(r.fd, IORING_REGISTER_PROBE, NULL, 0) == -EACCES))
		return 11;
	if (!(read_fdinfo(r.fd, info, sizeof(info)) > 0 && strstr(info, "Restricted:\t1\n")))
		return 12;
	uring_exit(&r);
	/* a disabled ring has its list already: it cannot take another */
	if (!(!uring_init_params(&r, 4, &p)))
		return 13;
	if (!(sys_io_uring_register(r.fd, IORING_REGISTER_RESTRICTIONS, &one, 1) == -EBUSY))
		return 14;
	uring_exit(&r);
	return 0;
}

TEST(task_restrictions)
{
	if (!have_filters())
		SKIP(return, "task restrictions not supported");
	expect_child(_metadata, restrict_child, NULL);
}

TEST_HARNESS_MAIN
