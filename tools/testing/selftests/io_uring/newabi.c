// SPDX-License-Identifier: GPL-2.0
/*
 * Opcodes newer than Linux 6.12, beyond what liburing 2.15's tests check:
 * IORING_OP_EPOLL_WAIT, READV_FIXED and WRITEV_FIXED (6.15) and
 * IORING_OP_PIPE (6.16), IORING_REGISTER_SEND_MSG_RING (6.13),
 * IORING_REGISTER_QUERY, IORING_SETUP_CQE_MIXED and IORING_SETUP_SQE_MIXED
 * (6.18), IORING_SEND_VECTORIZED (6.17), buffer clone ranges and
 * IORING_REGISTER_DST_REPLACE (6.13), SOCKET_URING_OP_GETSOCKNAME
 * (6.19), IORING_SETUP_SQ_REWIND (7.0) and IORING_TIMEOUT_IMMEDIATE_ARG
 * (7.1), a multishot RECV's total (6.17), their errnos for bad input,
 * and that a failed request leaves no descriptor behind.
 * Each case skips where the kernel does not offer the feature.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "uring_helpers.h"

/* The values of Linux 6.15/6.16, for headers older than that. */
#define OP_EPOLL_WAIT	59
#define OP_READV_FIXED	60
#define OP_WRITEV_FIXED	61
#define OP_PIPE		62
#define REGISTER_SEND_MSG_RING	31
#define REGISTER_QUERY		35
#define SETUP_CQE_MIXED		0x00040000U
#define NOP_CQE32		0x00000020U
#define CQE_F_SKIP		0x00000020U
#define CQE_F_32		0x00008000U
#define SETUP_SQE_MIXED		0x00080000U
#define OP_NOP128		63
#define SEND_VECTORIZED		0x0020U
#define SOCK_OP_GETSOCKNAME	5
#define TIMEOUT_IMMEDIATE_ARG	0x0080U
#define SETUP_SQ_REWIND		0x00100000U
#define REGISTER_DST_REPLACE	0x2U
#define REGISTER_RESIZE_RINGS	33
#define SOCK_OP_TX_TIMESTAMP	4
#define TIMESTAMP_TYPE_SHIFT	17
#define REGISTER_MEM_REGION	34
#define ENTER_EXT_ARG_REG	0x40U
#define MEM_REGION_TYPE_USER	1
#define MEM_REGION_REG_WAIT_ARG	1
#define REG_WAIT_TS		1

/* the structures of IORING_REGISTER_MEM_REGION, 6.13 */
struct region_desc {
	__u64 user_addr;
	__u64 size;
	__u32 flags;
	__u32 id;
	__u64 mmap_offset;
	__u64 resv[4];
};

struct mem_region_reg {
	__u64 region_uptr;
	__u64 flags;
	__u64 resv[2];
};

struct reg_wait {
	struct __kernel_timespec ts;
	__u32 min_wait_usec;
	__u32 flags;
	__u64 sigmask;
	__u32 sigmask_sz;
	__u32 pad[3];
	__u64 pad2[2];
};

/* struct io_uring_clone_buffers of 6.13 */
struct clone_bufs {
	__u32 src_fd;
	__u32 flags;
	__u32 src_off;
	__u32 dst_off;
	__u32 nr;
	__u32 pad[3];
};

/* linux/io_uring/query.h, for headers older than 6.18 */
struct query_hdr {
	__u64 next_entry;
	__u64 query_data;
	__u32 query_op;
	__u32 size;
	__s32 result;
	__u32 resv[3];
};

struct query_opcode {
	__u32 nr_request_opcodes;
	__u32 nr_register_opcodes;
	__u64 feature_flags;
	__u64 ring_setup_flags;
	__u64 enter_flags;
	__u64 sqe_flags;
	__u32 nr_query_opcodes;
	__u32 pad;
};

/* A ring with a sparse fixed file table of FILES slots. */
#define FILES		8

FIXTURE(ring) {
	struct uring r;
};

FIXTURE_SETUP(ring)
{
	ASSERT_EQ(0, uring_init(&self->r, 8, 0));
}

FIXTURE_TEARDOWN(ring)
{
	uring_exit(&self->r);
}

static void prep_epoll_wait(struct uring *r, int epfd,
			    struct epoll_event *evs, int nr, __u64 user_data)
{
	uring_prep_rw(uring_get_sqe(r), OP_EPOLL_WAIT, epfd, evs, nr, 0,
		      user_data);
}

/* A pipe (fds) and an epoll instance watching its read end for EPOLLIN. */
static int epoll_on_pipe(int fds[2])
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 0x1234 };
	int epfd;

	if (pipe(fds))
		return -1;
	epfd = epoll_create1(0);
	if (epfd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, fds[0], &ev))
		return -1;
	return epfd;
}

/* An event already ready completes at once with its data. */
TEST_F(ring, epoll_wait_ready)
{
	struct epoll_event evs[4];
	int fds[2], epfd;

	if (!uring_op_supported(&self->r, OP_EPOLL_WAIT))
		SKIP(return, "EPOLL_WAIT not supported");
	epfd = epoll_on_pipe(fds);
	ASSERT_GE(epfd, 0);
	ASSERT_EQ(1, write(fds[1], "x", 1));
	memset(evs, 0, sizeof(evs));
	prep_epoll_wait(&self->r, epfd, evs, 4, 1);
	EXPECT_EQ(1, uring_run_one(&self->r));
	EXPECT_EQ(EPOLLIN, evs[0].events);
	EXPECT_EQ(0x1234, evs[0].data.u64);
	close(epfd);
	close(fds[0]);
	close(fds[1]);
}

/* With nothing ready it waits, completes at the event, and can be cancelled. */
TEST_F(ring, epoll_wait_waits)
{
	struct io_uring_cqe cqe;
	struct epoll_event evs[2];
	int fds[2], epfd, i;

	if (!uring_op_supported(&self->r, OP_EPOLL_WAIT))
		SKIP(return, "EPOLL_WAIT not supported");
	epfd = epoll_on_pipe(fds);
	ASSERT_GE(epfd, 0);
	prep_epoll_wait(&self->r, epfd, evs, 2, 1);
	ASSERT_EQ(1, uring_submit(&self->r));
	EXPECT_EQ(-ETIME, uring_get_cqe_ms(&self->r, &cqe, 50));
	ASSERT_EQ(1, write(fds[1], "x", 1));
	ASSERT_EQ(0, uring_get_cqe_ms(&self->r, &cqe, 5000));
	EXPECT_EQ(1, cqe.res);

	/* drained: the next one waits until cancelled */
	ASSERT_EQ(1, read(fds[0], evs, 1));
	prep_epoll_wait(&self->r, epfd, evs, 2, 2);
	ASSERT_EQ(1, uring_submit(&self->r));
	uring_prep_cancel(uring_get_sqe(&self->r), 2, 0, 0, 3);
	ASSERT_EQ(1, uring_submit(&self->r));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, uring_get_cqe_ms(&self->r, &cqe, 5000));
		/* the wait is cancelled, the cancel finds it */
		EXPECT_EQ(cqe.user_data == 2 ? -ECANCELED : 0, cqe.res);
	}
	close(epfd);
	close(fds[0]);
	close(fds[1]);
}

/* A file that is no epoll instance, a bad count, flags, unreachable events. */
TEST_F(ring, epoll_wait_bad_input)
{
	struct epoll_event evs[2];
	struct io_uring_sqe *sqe;
	int fds[2], epfd;

	if (!uring_op_supported(&self->r, OP_EPOLL_WAIT))
		SKIP(return, "EPOLL_WAIT not supported");
	epfd = epoll_on_pipe(fds);
	ASSERT_GE(epfd, 0);
	ASSERT_EQ(1, write(fds[1], "x", 1));

	prep_epoll_wait(&self->r, fds[0], evs, 2, 1);
	EXPECT_EQ(-EINVAL, uring_run_one(&self->r));
	prep_epoll_wait(&self->r, epfd, evs, 0, 1);
	EXPECT_EQ(-EINVAL, uring_run_one(&self->r));
	prep_epoll_wait(&self->r, epfd, evs, -1, 1);
	EXPECT_EQ(-EINVAL, uring_run_one(&self->r));
	sqe = uring_get_sqe(&self->r);
	uring_prep_rw(sqe, OP_EPOLL_WAIT, epfd, evs, 2, 0, 1);
	sqe->rw_flags = 1;
	EXPECT_EQ(-EINVAL, uring_run_one(&self->r));
	prep_epoll_wait(&self->r, epfd, (void *)8, 2, 1);
	EXPECT_EQ(-EFAULT, uring_run_one(&self->r));
	prep_epoll_wait(&self->r, -1, evs, 2, 1);
	EXPECT_EQ(-EBADF, uring_run_one(&self->r));
	close(epfd);
	close(fds[0]);
	close(fds[1]);
}

static void prep_pipe(struct uring *r, int *fds, unsigned int flags,
		      unsigned int file_index)
{
	struct io_uring_sqe *sqe = uring_get_sqe(r);

	uring_prep_rw(sqe, OP_PIPE, 0, fds, 0, 0, 1);
	sqe->rw_flags = flags;		/* sqe->pipe_flags */
	sqe->file_index = file_index;
}

/* Both ends work, and pipe2(2)'s flags are honoured. */
TEST_F(ring, pipe_fds)
{
	int fds[2] = { -1, -1 };
	char c;

	if (!uring_op_supported(&self->r, OP_PIPE))
		SKIP(return, "PIPE not supported");
	prep_pipe(&self->r, fds, O_CLOEXEC | O_NONBLOCK, 0);
	ASSERT_EQ(0, uring_run_one(&self->r));
	ASSERT_GE(fds[0], 0);
	ASSERT_GE(fds[1], 0);
	EXPECT_EQ(FD_CLOEXEC, fcntl(fds[0], F_GETFD));
	EXPECT_EQ(FD_CLOEXEC, fcntl(fds[1], F_GETFD));
	EXPECT_EQ(O_RDONLY | O_NONBLOCK, fcntl(fds[0], F_GETFL) & (O_ACCMODE | O_NONBLOCK));
	EXPECT_EQ(O_WRONLY | O_NONBLOCK, fcntl(fds[1], F_GETFL) & (O_ACCMODE | O_NONBLOCK));
	EXPECT_EQ(-1, read(fds[0], &c, 1));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(1, write(fds[1], "y", 1));
	EXPECT_EQ(1, read(fds[0], &c, 1));
	EXPECT_EQ('y', c);
	close(fds[0]);
	close(fds[1]);
}

/* Bad flags and an unwritable fds array fail, and no descriptor is left. */
TEST_F(ring, pipe_bad_input)
{
	int fds[2], before;

	if (!uring_op_supported(&self->r, OP_PIPE))
		SKIP(return, "PIPE not supported");
	before = lowest_free_fd();
	prep_pipe(&self->r, fds, O_APPEND, 0);
	EXPECT_EQ(-EINVAL, uring_run_one(&self->r));
	prep_pipe(&self->r, (int *)8, 0, 0);
	EXPECT_EQ(-EFAULT, uring_run_one(&self->r));
	prep_pipe(&self->r, (int *)8, 0, IORING_FILE_INDEX_ALLOC);
	EXPECT_EQ(-ENFILE, uring_run_one(&self->r));	/* no table to allocate from */
	prep_pipe(&self->r, fds, 0, 1);
	EXPECT_EQ(-ENXIO, uring_run_one(&self->r));	/* no table */
	EXPECT_EQ(before, lowest_free_fd());
}

static int register_sparse(struct uring *r, unsigned int nr)
{
	struct io_uring_rsrc_register rr;

	memset(&rr, 0, sizeof(rr));
	rr.nr = nr;
	rr.flags = IORING_RSRC_REGISTER_SPARSE;
	return sys_io_uring_register(r->fd, IORING_REGISTER_FILES2, &rr,
				     sizeof(rr));
}

/*
 * Direct descriptors: named slots must both be free and in the table,
 * O_CLOEXEC does not apply, a failed request leaves the slots free, and
 * allocation needs two free slots.
 */
TEST_F(ring, pipe_direct)
{
	int fds[2], fd;

	if (!uring_op_supported(&self->r, OP_PIPE))
		SKIP(return, "PIPE not supported");
	ASSERT_EQ(0, register_sparse(&self->r, FILES));
	prep_pipe(&self->r, fds, O_CLOEXEC, 1);
	EXPECT_EQ(-EINVAL, uring_run_one(&self->r));
	prep_pipe(&self->r, fds, 0, FILES);	/* slots FILES - 1 and FILES */
	EXPECT_EQ(-EINVAL, uring_run_one(&self->r));

	/* an unwritable array: nothing installed, slots 2 and 3 stay free */
	prep_pipe(&self->r, (int *)8, 0, 3);
	EXPECT_EQ(-EFAULT, uring_run_one(&self->r));
	prep_pipe(&self->r, fds, 0, 3);
	ASSERT_EQ(0, uring_run_one(&self->r));
	EXPECT_EQ(2, fds[0]);
	EXPECT_EQ(3, fds[1]);
	/* slot 3 is taken now */
	prep_pipe(&self->r, fds, 0, 4);
	EXPECT_EQ(-EBUSY, uring_run_one(&self->r));

	/* allocation fills the other six slots, then has no pair left */
	for (fd = 0; fd < 3; fd++) {
		memset(fds, 0xff, sizeof(fds));
		prep_pipe(&self->r, fds, 0, IORING_FILE_INDEX_ALLOC);
		ASSERT_EQ(0, uring_run_one(&self->r));
		EXPECT_NE(fds[0], fds[1]);
		EXPECT_LT(fds[0], FILES);
		EXPECT_LT(fds[1], FILES);
	}
	prep_pipe(&self->r, fds, 0, IORING_FILE_INDEX_ALLOC);
	EXPECT_EQ(-ENFILE, uring_run_one(&self->r));
}

/* A write into the direct write end comes out of the direct read end. */
TEST_F(ring, pipe_direct_io)
{
	struct io_uring_sqe *sqe;
	int fds[2];
	char c = 0;

	if (!uring_op_supported(&self->r, OP_PIPE))
		SKIP(return, "PIPE not supported");
	ASSERT_EQ(0, register_sparse(&self->r, FILES));
	prep_pipe(&self->r, fds, 0, IORING_FILE_INDEX_ALLOC);
	ASSERT_EQ(0, uring_run_one(&self->r));
	sqe = uring_get_sqe(&self->r);
	uring_prep_rw(sqe, IORING_OP_WRITE, fds[1], "z", 1, 0, 1);
	sqe->flags |= IOSQE_FIXED_FILE;
	EXPECT_EQ(1, uring_run_one(&self->r));
	sqe = uring_get_sqe(&self->r);
	uring_prep_rw(sqe, IORING_OP_READ, fds[0], &c, 1, 0, 1);
	sqe->flags |= IOSQE_FIXED_FILE;
	EXPECT_EQ(1, uring_run_one(&self->r));
	EXPECT_EQ('z', c);
}

/* A registered buffer of BUF_PAGES pages, at index 0. */
#define BUF_PAGES	4

static char *register_buf(struct uring *r, size_t *len)
{
	struct iovec iov;

	*len = BUF_PAGES * uring_page_size();
	iov.iov_len = *len;
	iov.iov_base = aligned_alloc(uring_page_size(), *len);
	if (!iov.iov_base ||
	    sys_io_uring_register(r->fd, IORING_REGISTER_BUFFERS, &iov, 1))
		return NULL;
	return iov.iov_base;
}

/* Parts across page boundaries, out of order, go out and come back. */
TEST_F(ring, rw_fixed_vec)
{
	struct io_uring_sqe *sqe;
	struct iovec parts[3];
	size_t len, i, ps;
	char *buf;
	int fd;

	if (!uring_op_supported(&self->r, OP_READV_FIXED))
		SKIP(return, "READV_FIXED not supported");
	buf = register_buf(&self->r, &len);
	ASSERT_NE(NULL, buf);
	ps = uring_page_size();
	for (i = 0; i < len; i++)
		buf[i] = i * 7;
	parts[0] = (struct iovec){ buf + 2 * ps - 5, ps + 10 };
	parts[1] = (struct iovec){ buf + 1, 3 };
	parts[2] = (struct iovec){ buf + len - ps, ps };
	fd = open("/tmp", O_TMPFILE | O_RDWR, 0600);
	ASSERT_GE(fd, 0);

	sqe = uring_get_sqe(&self->r);
	uring_prep_rw(sqe, OP_WRITEV_FIXED, fd, parts, 3, 0, 1);
	sqe->buf_index = 0;
	EXPECT_EQ(2 * ps + 13, uring_run_one(&self->r));

	memset(buf, 0, len);
	sqe = uring_get_sqe(&self->r);
	uring_prep_rw(sqe, OP_READV_FIXED, fd, parts, 3, 0, 1);
	EXPECT_EQ(2 * ps + 13, uring_run_one(&self->r));
	for (i = 0; i < ps + 10; i++)
		ASSERT_EQ((char)((2 * ps - 5 + i) * 7), buf[2 * ps - 5 + i]);
	for (i = 0; i < 3; i++)
		ASSERT_EQ((char)((1 + i) * 7), buf[1 + i]);
	for (i = 0; i < ps; i++)
		ASSERT_EQ((char)((len - ps + i) * 7), buf[len - ps + i]);
	EXPECT_EQ(0, buf[0]);
	close(fd);
}

/*
 * A part outside the buffer or an unknown buffer index is -EFAULT, and
 * a provided buffer cannot stand in for the registered one (-EOPNOTSUPP,
 * as for any opcode without buffer selection).
 */
TEST_F(ring, rw_fixed_vec_bad_input)
{
	struct io_uring_sqe *sqe;
	struct iovec parts[2];
	size_t len;
	char *buf;
	int fd;

	if (!uring_op_supported(&self->r, OP_READV_FIXED))
		SKIP(return, "READV_FIXED not supported");
	buf = register_buf(&self->r, &len);
	ASSERT_NE(NULL, buf);
	fd = open("/dev/zero", O_RDONLY);
	ASSERT_GE(fd, 0);

	parts[0] = (struct iovec){ buf, 8 };
	parts[1] = (struct iovec){ buf + len - 4, 8 };	/* runs past the end */
	uring_prep_rw(uring_get_sqe(&self->r), OP_READV_FIXED, fd, parts, 2,
		      0, 1);
	EXPECT_EQ(-EFAULT, uring_run_one(&self->r));
	parts[1] = (struct iovec){ buf - 1, 1 };	/* starts before it */
	uring_prep_rw(uring_get_sqe(&self->r), OP_READV_FIXED, fd, parts, 2,
		      0, 1);
	EXPECT_EQ(-EFAULT, uring_run_one(&self->r));

	parts[1] = (struct iovec){ buf + 8, 8 };
	sqe = uring_get_sqe(&self->r);
	uring_prep_rw(sqe, OP_READV_FIXED, fd, parts, 2, 0, 1);
	sqe->buf_index = 1;
	EXPECT_EQ(-EFAULT, uring_run_one(&self->r));
	sqe = uring_get_sqe(&self->r);
	uring_prep_rw(sqe, OP_READV_FIXED, fd, parts, 2, 0, 1);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	EXPECT_EQ(-EOPNOTSUPP, uring_run_one(&self->r));
	uring_prep_rw(uring_get_sqe(&self->r), OP_READV_FIXED, fd, (void *)8,
		      2, 0, 1);
	EXPECT_EQ(-EFAULT, uring_run_one(&self->r));

	/* and the good one reads */
	uring_prep_rw(uring_get_sqe(&self->r), OP_READV_FIXED, fd, parts, 2,
		      0, 1);
	EXPECT_EQ(16, uring_run_one(&self->r));
	close(fd);
}

static int send_msg_sync(int fd, const struct io_uring_sqe *sqe,
			 unsigned int nr)
{
	return sys_io_uring_register(fd, REGISTER_SEND_MSG_RING, sqe, nr);
}

/* A data message for ring fd, as io_uring_prep_msg_ring() makes it. */
static void prep_msg(struct io_uring_sqe *sqe, int fd, unsigned int len,
		     __u64 data)
{
	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = IORING_OP_MSG_RING;
	sqe->fd = fd;
	sqe->addr = IORING_MSG_DATA;
	sqe->len = len;
	sqe->off = data;
}

/* A message from no ring lands as a CQE; its result comes back directly. */
TEST_F(ring, send_msg_ring_sync)
{
	struct io_uring_sqe sqe;
	struct io_uring_cqe cqe;
	int fds[2];

	prep_msg(&sqe, self->r.fd, 7, 0x55);
	if (send_msg_sync(-1, &sqe, 1) == -EINVAL)
		SKIP(return, "IORING_REGISTER_SEND_MSG_RING not supported");
	ASSERT_EQ(0, uring_get_cqe_ms(&self->r, &cqe, 5000));
	EXPECT_EQ(0x55, cqe.user_data);
	EXPECT_EQ(7, cqe.res);
	EXPECT_EQ(0, cqe.flags);

	sqe.msg_ring_flags = IORING_MSG_RING_FLAGS_PASS;
	sqe.file_index = 0x10000;	/* the flags passed */
	ASSERT_EQ(0, send_msg_sync(-1, &sqe, 1));
	ASSERT_EQ(0, uring_get_cqe_ms(&self->r, &cqe, 5000));
	EXPECT_EQ(0x10000, cqe.flags);

	/* errors come back here, and post nothing */
	prep_msg(&sqe, self->r.fd, 7, 0x55);
	EXPECT_EQ(-EINVAL, send_msg_sync(-1, &sqe, 2));
	EXPECT_EQ(-EINVAL, send_msg_sync(self->r.fd, &sqe, 1));
	EXPECT_EQ(-EFAULT, send_msg_sync(-1, (void *)8, 1));
	sqe.flags = IOSQE_FIXED_FILE;
	EXPECT_EQ(-EINVAL, send_msg_sync(-1, &sqe, 1));
	sqe.flags = 0;
	sqe.opcode = IORING_OP_NOP;
	EXPECT_EQ(-EINVAL, send_msg_sync(-1, &sqe, 1));
	sqe.opcode = IORING_OP_MSG_RING;
	sqe.addr = IORING_MSG_SEND_FD;
	sqe.file_index = 1;
	EXPECT_EQ(-EINVAL, send_msg_sync(-1, &sqe, 1));
	ASSERT_EQ(0, pipe(fds));
	prep_msg(&sqe, fds[0], 7, 0x55);
	EXPECT_EQ(-EBADFD, send_msg_sync(-1, &sqe, 1));
	prep_msg(&sqe, lowest_free_fd(), 7, 0x55);
	EXPECT_EQ(-EBADF, send_msg_sync(-1, &sqe, 1));
	close(fds[0]);
	close(fds[1]);
	EXPECT_EQ(0, uring_cq_ready(&self->r));
}

static int query(int fd, struct query_hdr *hdr)
{
	return sys_io_uring_register(fd, REGISTER_QUERY, hdr, 0);
}

static void query_init(struct query_hdr *hdr, struct query_opcode *op,
		       __u32 size)
{
	memset(hdr, 0, sizeof(*hdr));
	memset(op, 0, sizeof(*op));
	hdr->query_data = (__u64)(unsigned long)op;
	hdr->size = size;
}

/*
 * The opcode query, with and without a ring, agrees with what setup
 * reports; a shorter answer buffer gets what fits; a chain is answered
 * in turn.
 */
TEST_F(ring, query_opcodes)
{
	struct query_hdr hdr, hdr2;
	struct query_opcode op, op2;

	query_init(&hdr, &op, sizeof(op));
	if (query(-1, &hdr) == -EINVAL)
		SKIP(return, "IORING_REGISTER_QUERY not supported");
	EXPECT_EQ(0, hdr.result);
	EXPECT_EQ(sizeof(op), hdr.size);
	EXPECT_EQ(self->r.features, op.feature_flags);
	EXPECT_LE(63, op.nr_request_opcodes);	/* PIPE is 62 */
	EXPECT_LT(REGISTER_QUERY, op.nr_register_opcodes);
	EXPECT_NE(0, op.ring_setup_flags & IORING_SETUP_SQPOLL);
	EXPECT_NE(0, op.enter_flags & IORING_ENTER_GETEVENTS);
	EXPECT_EQ(0x7f, op.sqe_flags);		/* IOSQE_* bits 0-6 */
	EXPECT_LE(1, op.nr_query_opcodes);

	query_init(&hdr2, &op2, 8);
	hdr.next_entry = (__u64)(unsigned long)&hdr2;
	EXPECT_EQ(0, query(self->r.fd, &hdr));
	EXPECT_EQ(0, hdr2.result);
	EXPECT_EQ(8, hdr2.size);
	EXPECT_EQ(op.nr_request_opcodes, op2.nr_request_opcodes);
	EXPECT_EQ(op.nr_register_opcodes, op2.nr_register_opcodes);
	EXPECT_EQ(0, op2.feature_flags);	/* beyond the 8 bytes */
}

/* Unknown queries, bad pointers, loops, reserved fields and nr_args. */
TEST_F(ring, query_bad_input)
{
	struct query_hdr hdr, hdr2;
	struct query_opcode op;

	query_init(&hdr, &op, sizeof(op));
	if (query(-1, &hdr) == -EINVAL)
		SKIP(return, "IORING_REGISTER_QUERY not supported");
	hdr.query_op = 1000;
	hdr.result = 0;
	EXPECT_EQ(0, query(-1, &hdr));
	EXPECT_EQ(-EOPNOTSUPP, hdr.result);

	query_init(&hdr, &op, sizeof(op));
	hdr.query_data = 8;
	EXPECT_EQ(-EFAULT, query(-1, &hdr));
	EXPECT_EQ(-EFAULT, query(-1, (void *)8));
	hdr.query_data = (__u64)(unsigned long)&op;
	hdr.next_entry = 8;
	EXPECT_EQ(-EFAULT, query(-1, &hdr));

	hdr.next_entry = (__u64)(unsigned long)&hdr;
	EXPECT_EQ(-ELOOP, query(-1, &hdr));
	query_init(&hdr2, &op, sizeof(op));
	hdr.next_entry = (__u64)(unsigned long)&hdr2;
	hdr2.next_entry = (__u64)(unsigned long)&hdr;
	EXPECT_EQ(-ELOOP, query(-1, &hdr));

	query_init(&hdr, &op, sizeof(op));
	hdr.resv[1] = 1;
	EXPECT_EQ(-EINVAL, query(-1, &hdr));
	hdr.resv[1] = 0;
	EXPECT_EQ(-EINVAL, sys_io_uring_register(-1, REGISTER_QUERY, &hdr, 1));
	/* only two opcodes take fd -1 */
	EXPECT_EQ(-EBADF, sys_io_uring_register(-1, IORING_REGISTER_PROBE,
						&hdr, 0));
}

/* What setting up an 8-entry ring with @flags gives (closed again). */
static int setup_result(__u32 flags)
{
	struct io_uring_params p = { .flags = flags };
	struct uring r;
	int ret = uring_init_params(&r, 8, &p);

	if (!ret)
		uring_exit(&r);
	return ret;
}

/* A NOP whose CQE carries two extra words (IORING_NOP_CQE32). */
static void prep_nop32(struct uring *r, __u64 user_data, __u64 w0, __u64 w1)
{
	struct io_uring_sqe *sqe = uring_get_sqe(r);

	uring_prep_nop(sqe, user_data);
	sqe->rw_flags = NOP_CQE32;	/* sqe->nop_flags */
	sqe->off = w0;
	sqe->addr = w1;
}

/* Is @c a 32-byte CQE for @ud with words ud * 10 and ud * 100? */
static bool big_cqe_is(const struct io_uring_cqe *c, __u64 ud)
{
	return c->user_data == ud && (c->flags & CQE_F_32) &&
	       c->big_cqe[0] == ud * 10 && c->big_cqe[1] == ud * 100;
}

/*
 * A mixed ring of eight slots: a small CQE, three big ones in slot pairs,
 * a filler in the last slot, and the fourth big one overflowed until the
 * ring is read, then at slots 0 and 1.
 */
TEST(cqe_mixed)
{
	struct io_uring_params p = {
		.flags = SETUP_CQE_MIXED | IORING_SETUP_CQSIZE, .cq_entries = 8,
	};
	struct io_uring_cqe *c;
	struct uring r;
	__u64 ud;

	if (uring_init_params(&r, 8, &p) == -EINVAL)
		SKIP(return, "IORING_SETUP_CQE_MIXED not supported");
	uring_prep_nop(uring_get_sqe(&r), 1);
	for (ud = 2; ud <= 5; ud++)
		prep_nop32(&r, ud, ud * 10, ud * 100);
	ASSERT_EQ(5, uring_submit(&r));
	ASSERT_EQ(0, uring_wait_cq_ms(&r, 8, 5000));
	c = (struct io_uring_cqe *)r.cqes;
	EXPECT_EQ(1, c[0].user_data);
	EXPECT_EQ(0, c[0].flags);
	EXPECT_TRUE(big_cqe_is(&c[1], 2));
	EXPECT_TRUE(big_cqe_is(&c[3], 3));
	EXPECT_TRUE(big_cqe_is(&c[5], 4));
	EXPECT_EQ(CQE_F_SKIP, c[7].flags);
	EXPECT_EQ(0, c[7].user_data);
	EXPECT_NE(0, uring_load(r.sq_flags) & IORING_SQ_CQ_OVERFLOW);

	uring_store(r.cq_head, 8);
	ASSERT_EQ(0, uring_wait_cq_ms(&r, 2, 5000));
	EXPECT_TRUE(big_cqe_is(&c[0], 5));
	EXPECT_EQ(10, uring_load(r.cq_tail));
	uring_exit(&r);
}

/* NOP_CQE32 needs 32-byte CQEs; CQE32 rings take it without the flag bit. */
TEST(cqe_mixed_bad_input)
{
	struct io_uring_cqe *c;
	struct uring r;

	if (setup_result(SETUP_CQE_MIXED) == -EINVAL)
		SKIP(return, "IORING_SETUP_CQE_MIXED not supported");
	EXPECT_EQ(-EINVAL, setup_result(SETUP_CQE_MIXED | IORING_SETUP_CQE32));

	ASSERT_EQ(0, uring_init(&r, 8, 0));
	prep_nop32(&r, 1, 10, 100);
	EXPECT_EQ(-EINVAL, uring_run_one(&r));
	uring_exit(&r);

	ASSERT_EQ(0, uring_init(&r, 8, IORING_SETUP_CQE32));
	prep_nop32(&r, 1, 10, 100);
	ASSERT_EQ(1, uring_submit(&r));
	ASSERT_EQ(0, uring_wait_cq_ms(&r, 1, 5000));
	c = (struct io_uring_cqe *)r.cqes;
	EXPECT_EQ(0, c->flags);
	EXPECT_EQ(10, c->big_cqe[0]);
	EXPECT_EQ(100, c->big_cqe[1]);
	uring_exit(&r);
}

/* A NOP128 in two 64-byte slots of a mixed ring (or one of an SQE128). */
static void queue_nop128(struct uring *r, __u64 user_data)
{
	struct io_uring_sqe *sqe = uring_get_sqe(r);

	uring_prep_nop(sqe, user_data);
	sqe->opcode = OP_NOP128;
	if (r->flags & SETUP_SQE_MIXED)
		uring_get_sqe(r);
}

/* The results of the next n CQEs, by user_data (1 to 8). */
static int reap(struct uring *r, unsigned int n, int res[9])
{
	struct io_uring_cqe cqe;

	while (n--) {
		if (uring_get_cqe_ms(r, &cqe, 5000) || !cqe.user_data ||
		    cqe.user_data > 8)
			return -1;
		res[cqe.user_data] = cqe.res;
	}
	return 0;
}

/*
 * A mixed SQ: NOP128 takes two slots (the SQ head moves by four for NOP,
 * NOP128, NOP); in the last slot of the SQE array, or with only its first
 * slot published, it fails with -EINVAL and takes one.
 */
TEST(sqe_mixed)
{
	struct io_uring_params p = { .flags = SETUP_SQE_MIXED };
	int res[9];
	struct uring r;
	int i;

	if (uring_init_params(&r, 8, &p) == -EINVAL)
		SKIP(return, "IORING_SETUP_SQE_MIXED not supported");
	uring_prep_nop(uring_get_sqe(&r), 1);
	queue_nop128(&r, 2);
	uring_prep_nop(uring_get_sqe(&r), 3);
	EXPECT_EQ(4, uring_submit(&r));
	EXPECT_EQ(4, uring_load(r.sq_head));
	ASSERT_EQ(0, reap(&r, 3, res));
	for (i = 1; i <= 3; i++)
		EXPECT_EQ(0, res[i]);

	/* slots 4-6 with NOPs, then a NOP128 in the last one, slot 7 */
	for (i = 4; i <= 6; i++)
		uring_prep_nop(uring_get_sqe(&r), i);
	uring_prep_nop(uring_get_sqe(&r), 7);
	r.sqes[7 * 64] = OP_NOP128;
	EXPECT_EQ(4, uring_submit(&r));
	ASSERT_EQ(0, reap(&r, 4, res));
	EXPECT_EQ(-EINVAL, res[7]);
	EXPECT_EQ(8, uring_load(r.sq_head));

	/* its first half published alone */
	uring_prep_nop(uring_get_sqe(&r), 8);
	r.sqes[0] = OP_NOP128;
	EXPECT_EQ(1, uring_submit(&r));
	ASSERT_EQ(0, reap(&r, 1, res));
	EXPECT_EQ(-EINVAL, res[8]);
	uring_exit(&r);
}

/* NOP128 needs 128-byte SQEs; SQE128 and SQE_MIXED exclude each other. */
TEST(sqe_mixed_bad_input)
{
	int res[9];
	struct uring r;

	if (setup_result(SETUP_SQE_MIXED) == -EINVAL)
		SKIP(return, "IORING_SETUP_SQE_MIXED not supported");
	EXPECT_EQ(-EINVAL, setup_result(SETUP_SQE_MIXED | IORING_SETUP_SQE128));

	ASSERT_EQ(0, uring_init(&r, 8, 0));
	queue_nop128(&r, 1);
	ASSERT_EQ(1, uring_submit(&r));
	ASSERT_EQ(0, reap(&r, 1, res));
	EXPECT_EQ(-EINVAL, res[1]);
	uring_exit(&r);

	ASSERT_EQ(0, uring_init(&r, 8, IORING_SETUP_SQE128));
	queue_nop128(&r, 1);
	ASSERT_EQ(1, uring_submit(&r));
	ASSERT_EQ(0, reap(&r, 1, res));
	EXPECT_EQ(0, res[1]);
	uring_exit(&r);
}

/* SEND with an iovec array; SENDMSG refuses the flag. */
TEST_F(ring, send_vectorized)
{
	struct iovec iov[2] = { { "abc", 3 }, { "defg", 4 } };
	struct io_uring_sqe *sqe;
	char buf[16] = "";
	int sv[2], ret;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	sqe = uring_get_sqe(&self->r);
	uring_prep_rw(sqe, IORING_OP_SEND, sv[0], iov, 2, 0, 1);
	sqe->ioprio = SEND_VECTORIZED;
	ret = uring_run_one(&self->r);
	if (ret == -EINVAL)
		SKIP(goto out, "IORING_SEND_VECTORIZED not supported");
	EXPECT_EQ(7, ret);
	EXPECT_EQ(7, read(sv[1], buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "abcdefg", 7));

	sqe = uring_get_sqe(&self->r);
	uring_prep_rw(sqe, IORING_OP_SEND, sv[0], (void *)8, 2, 0, 1);
	sqe->ioprio = SEND_VECTORIZED;
	EXPECT_EQ(-EFAULT, uring_run_one(&self->r));
	sqe = uring_get_sqe(&self->r);
	uring_prep_rw(sqe, IORING_OP_SENDMSG, sv[0], iov, 1, 0, 1);
	sqe->ioprio = SEND_VECTORIZED;
	EXPECT_EQ(-EINVAL, uring_run_one(&self->r));
out:
	close(sv[0]);
	close(sv[1]);
}

/* GETSOCKNAME as a socket command: the address, truncated, and its length. */
TEST_F(ring, getsockname)
{
	struct sockaddr_in sin = { .sin_family = AF_INET }, got, want;
	socklen_t len = sizeof(want), glen;
	struct io_uring_sqe *sqe;
	int fd, ret;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_GE(fd, 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, getsockname(fd, (struct sockaddr *)&want, &len));

	memset(&got, 0, sizeof(got));
	glen = sizeof(got);
	sqe = uring_get_sqe(&self->r);
	uring_prep_rw(sqe, IORING_OP_URING_CMD, fd, &got, 0, 0, 1);
	sqe->cmd_op = SOCK_OP_GETSOCKNAME;
	sqe->addr3 = (__u64)(unsigned long)&glen;
	ret = uring_run_one(&self->r);
	if (ret == -EOPNOTSUPP)
		SKIP(goto out, "SOCKET_URING_OP_GETSOCKNAME not supported");
	EXPECT_EQ(0, ret);
	EXPECT_EQ(len, glen);
	EXPECT_EQ(0, memcmp(&got, &want, len));

	/* room for the family only: the rest stays, the length is whole */
	memset(&got, 0xaa, sizeof(got));
	glen = 2;
	sqe = uring_get_sqe(&self->r);
	uring_prep_rw(sqe, IORING_OP_URING_CMD, fd, &got, 0, 0, 1);
	sqe->cmd_op = SOCK_OP_GETSOCKNAME;
	sqe->addr3 = (__u64)(unsigned long)&glen;
	EXPECT_EQ(0, uring_run_one(&self->r));
	EXPECT_EQ(len, glen);
	EXPECT_EQ(AF_INET, got.sin_family);
	EXPECT_EQ(0xaaaa, got.sin_port);

	/* the peer of an unconnected socket; an unknown "peer" value */
	sqe = uring_get_sqe(&self->r);
	uring_prep_rw(sqe, IORING_OP_URING_CMD, fd, &got, 0, 0, 1);
	sqe->cmd_op = SOCK_OP_GETSOCKNAME;
	sqe->addr3 = (__u64)(unsigned long)&glen;
	sqe->optlen = 1;
	EXPECT_EQ(-ENOTCONN, uring_run_one(&self->r));
	sqe = uring_get_sqe(&self->r);
	uring_prep_rw(sqe, IORING_OP_URING_CMD, fd, &got, 0, 0, 1);
	sqe->cmd_op = SOCK_OP_GETSOCKNAME;
	sqe->addr3 = (__u64)(unsigned long)&glen;
	sqe->optlen = 2;
	EXPECT_EQ(-EINVAL, uring_run_one(&self->r));
out:
	close(fd);
}

/* A timeout's time in the SQE itself, in nanoseconds. */
TEST_F(ring, timeout_immediate)
{
	struct io_uring_sqe *sqe;
	long long start;
	int ret;

	start = uring_now_ms();
	sqe = uring_get_sqe(&self->r);
	uring_prep_rw(sqe, IORING_OP_TIMEOUT, -1, (void *)(20 * 1000 * 1000UL),
		      1, 0, 1);
	sqe->timeout_flags = TIMEOUT_IMMEDIATE_ARG;
	ret = uring_run_one(&self->r);
	if (ret == -EINVAL)
		SKIP(return, "IORING_TIMEOUT_IMMEDIATE_ARG not supported");
	EXPECT_EQ(-ETIME, ret);
	EXPECT_LE(19, uring_now_ms() - start);

	sqe = uring_get_sqe(&self->r);
	uring_prep_rw(sqe, IORING_OP_TIMEOUT, -1, (void *)-1UL, 1, 0, 1);
	sqe->timeout_flags = TIMEOUT_IMMEDIATE_ARG;
	EXPECT_EQ(-EINVAL, uring_run_one(&self->r));
}

/* Put NOPs for user_data ud, ud + 1, ... in SQE slots 0 to n - 1. */
static void nops_from_slot0(struct uring *r, unsigned int n, __u64 ud)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct io_uring_sqe *sqe = (void *)(r->sqes + i * r->sqe_size);

		memset(sqe, 0, r->sqe_size);
		uring_prep_nop(sqe, ud + i);
	}
}

/* SQ_REWIND: every submit takes its SQEs from slot 0; the head stays 0. */
TEST(sq_rewind)
{
	struct io_uring_params p = {
		.flags = SETUP_SQ_REWIND | IORING_SETUP_NO_SQARRAY,
	};
	struct io_uring_cqe cqe;
	struct uring r;
	int i;

	if (uring_init_params(&r, 8, &p) == -EINVAL)
		SKIP(return, "IORING_SETUP_SQ_REWIND not supported");
	nops_from_slot0(&r, 3, 10);
	EXPECT_EQ(3, sys_io_uring_enter(r.fd, 3, 0, 0));
	nops_from_slot0(&r, 2, 20);
	EXPECT_EQ(2, sys_io_uring_enter(r.fd, 2, 0, 0));
	EXPECT_EQ(0, uring_load(r.sq_head));
	for (i = 0; i < 5; i++) {
		ASSERT_EQ(0, uring_get_cqe_ms(&r, &cqe, 5000));
		EXPECT_EQ(i < 3 ? 10 + i : 20 + i - 3, cqe.user_data);
		EXPECT_EQ(0, cqe.res);
	}
	/* never more than the ring holds */
	nops_from_slot0(&r, 8, 30);
	EXPECT_EQ(8, sys_io_uring_enter(r.fd, 100, 0, 0));
	uring_exit(&r);

	EXPECT_EQ(-EINVAL, setup_result(SETUP_SQ_REWIND));
	EXPECT_EQ(-EINVAL, setup_result(SETUP_SQ_REWIND | IORING_SETUP_NO_SQARRAY |
					IORING_SETUP_SQPOLL));
}

static int clone_bufs(struct uring *dst, struct uring *src, __u32 src_off,
		      __u32 dst_off, __u32 nr, __u32 flags)
{
	struct clone_bufs cb = {
		.src_fd = src->fd, .flags = flags,
		.src_off = src_off, .dst_off = dst_off, .nr = nr,
	};

	return sys_io_uring_register(dst->fd, IORING_REGISTER_CLONE_BUFFERS,
				     &cb, 1);
}

/* READ_FIXED of 16 bytes of /dev/zero into buffer slot idx at addr. */
static int read_into(struct uring *r, int zero, unsigned int idx, void *addr)
{
	struct io_uring_sqe *sqe = uring_get_sqe(r);

	uring_prep_rw(sqe, IORING_OP_READ_FIXED, zero, addr, 16, 0, 1);
	sqe->buf_index = idx;
	return uring_run_one(r);
}

/*
 * Cloning part of a ring's buffers to an offset; into an existing table
 * only with DST_REPLACE, which replaces the range and grows the table.
 */
TEST(clone_buffers_range)
{
	struct iovec iov[4];
	struct uring src, dst;
	int i, zero, ret;

	zero = open("/dev/zero", O_RDONLY);
	ASSERT_GE(zero, 0);
	ASSERT_EQ(0, uring_init(&src, 8, 0));
	ASSERT_EQ(0, uring_init(&dst, 8, 0));
	for (i = 0; i < 4; i++) {
		iov[i].iov_len = 4096;
		iov[i].iov_base = aligned_alloc(4096, 4096);
		ASSERT_NE(NULL, iov[i].iov_base);
	}
	ASSERT_EQ(0, sys_io_uring_register(src.fd, IORING_REGISTER_BUFFERS,
					   iov, 4));
	ret = clone_bufs(&dst, &src, 2, 1, 2, 0);
	if (ret == -EINVAL)
		SKIP(goto out, "clone ranges not supported");
	ASSERT_EQ(0, ret);
	EXPECT_EQ(-EFAULT, read_into(&dst, zero, 0, iov[0].iov_base));
	EXPECT_EQ(16, read_into(&dst, zero, 1, iov[2].iov_base));
	EXPECT_EQ(16, read_into(&dst, zero, 2, iov[3].iov_base));
	EXPECT_EQ(-EFAULT, read_into(&dst, zero, 3, iov[3].iov_base));

	EXPECT_EQ(-EBUSY, clone_bufs(&dst, &src, 0, 0, 1, 0));
	/* slot 0 filled, and the table grown to 5 by a clone to 3 and 4 */
	EXPECT_EQ(0, clone_bufs(&dst, &src, 0, 0, 1, REGISTER_DST_REPLACE));
	EXPECT_EQ(16, read_into(&dst, zero, 0, iov[0].iov_base));
	EXPECT_EQ(0, clone_bufs(&dst, &src, 0, 3, 2, REGISTER_DST_REPLACE));
	EXPECT_EQ(16, read_into(&dst, zero, 4, iov[1].iov_base));
	EXPECT_EQ(16, read_into(&dst, zero, 1, iov[2].iov_base));

	/* ranges beyond the source, wrapping, or past the table limit */
	EXPECT_EQ(-EINVAL, clone_bufs(&dst, &src, 0, 0, 5,
				      REGISTER_DST_REPLACE));
	EXPECT_EQ(-EOVERFLOW, clone_bufs(&dst, &src, 3, 0, 2,
					 REGISTER_DST_REPLACE));
	EXPECT_EQ(-EOVERFLOW, clone_bufs(&dst, &src, 0, 0xffffffffU, 2,
					 REGISTER_DST_REPLACE));
	EXPECT_EQ(-EINVAL, clone_bufs(&dst, &src, 0, 1U << 14, 1,
				      REGISTER_DST_REPLACE));
	/* a ring clones from itself, over itself */
	EXPECT_EQ(0, clone_bufs(&src, &src, 0, 2, 2, REGISTER_DST_REPLACE));
	EXPECT_EQ(16, read_into(&src, zero, 2, iov[0].iov_base));
out:
	uring_exit(&dst);
	uring_exit(&src);
	close(zero);
}

/*
 * An SQPOLL thread shared by two rings takes at most a few SQEs of a ring
 * per round: a NOP128 straddling that cap must still run whole.
 */
TEST(sqe_mixed_sqpoll_round)
{
	struct io_uring_params p = {
		.flags = SETUP_SQE_MIXED | IORING_SETUP_SQPOLL,
		.sq_thread_idle = 100,
	};
	int res[9], i;
	struct uring a, b;

	if (uring_init_params(&a, 16, &p) == -EINVAL)
		SKIP(return, "IORING_SETUP_SQE_MIXED not supported");
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL | IORING_SETUP_ATTACH_WQ;
	p.wq_fd = a.fd;
	ASSERT_EQ(0, uring_init_params(&b, 16, &p));
	ASSERT_EQ(0, uring_queue_nop(&b, 1, 0));
	for (i = 1; i <= 7; i++)
		uring_prep_nop(uring_get_sqe(&a), i);
	queue_nop128(&a, 8);
	uring_submit(&b);
	uring_submit(&a);
	memset(res, 0x7f, sizeof(res));
	ASSERT_EQ(0, reap(&a, 8, res));
	for (i = 1; i <= 8; i++)
		EXPECT_EQ(0, res[i]);
	uring_exit(&b);
	uring_exit(&a);
}

/*
 * IORING_REGISTER_RESIZE_RINGS, then the new rings mapped in place of
 * the old (as liburing does it): what is published but not submitted
 * stays published.
 */
static int resize(struct uring *r, struct io_uring_params *p)
{
	unsigned int flags = r->flags;
	int ret, fd = r->fd;

	ret = sys_io_uring_register(fd, REGISTER_RESIZE_RINGS, p, 1);
	if (ret)
		return ret;
	/* the ring's flags come back with the new layout */
	if ((p->flags & flags) != flags)
		return -EPROTO;
	uring_unmap(r);
	/* SQ and CQ rings mapped apart, as liburing maps resized rings */
	p->features = r->features & ~IORING_FEAT_SINGLE_MMAP;
	ret = uring_map(r, fd, p);
	r->sqe_flushed = r->sqe_tail;
	return ret;
}

static int defer_ring(struct uring *r, unsigned int entries, __u32 flags)
{
	struct io_uring_params p = {
		.flags = flags | IORING_SETUP_SINGLE_ISSUER |
			 IORING_SETUP_DEFER_TASKRUN,
	};

	return uring_init_params(r, entries, &p);
}

/*
 * Three CQEs unreaped and two SQEs published but not submitted move to
 * rings four times as large, at the same head and tail; with an SQ array
 * and without.
 */
TEST(resize_rings)
{
	__u32 flags[] = { 0, IORING_SETUP_NO_SQARRAY };
	struct io_uring_params p;
	struct io_uring_cqe cqe;
	unsigned int i, f;
	struct uring r;

	for (f = 0; f < 2; f++) {
		ASSERT_EQ(0, defer_ring(&r, 8, flags[f]));
		for (i = 1; i <= 3; i++)
			uring_prep_nop(uring_get_sqe(&r), i);
		ASSERT_EQ(3, uring_submit(&r));
		for (i = 4; i <= 5; i++)
			uring_prep_nop(uring_get_sqe(&r), i);
		uring_flush(&r);
		memset(&p, 0, sizeof(p));
		p.sq_entries = 32;
		ASSERT_EQ(0, resize(&r, &p)) {
			uring_exit(&r);
			SKIP(return, "IORING_REGISTER_RESIZE_RINGS not supported");
		}
		EXPECT_EQ(32, p.sq_entries);
		EXPECT_EQ(64, p.cq_entries);
		EXPECT_EQ(32, *r.sq_ring_entries);
		EXPECT_EQ(64, *r.cq_ring_entries);
		EXPECT_EQ(3, uring_load(r.sq_head));
		EXPECT_EQ(5, uring_load(r.sq_tail));
		EXPECT_EQ(3, uring_cq_ready(&r));
		ASSERT_EQ(2, uring_enter(&r, 2, 0, 0));
		for (i = 1; i <= 5; i++) {
			ASSERT_EQ(0, uring_get_cqe_ms(&r, &cqe, 5000));
			EXPECT_EQ(i, cqe.user_data);
			EXPECT_EQ(0, cqe.res);
		}
		uring_exit(&r);
	}
}

/* The ring as it was after a refused resize: its 8 NOPs still to reap. */
static void expect_nops(struct __test_metadata *_metadata, struct uring *r,
			unsigned int n)
{
	struct io_uring_cqe cqe;
	unsigned int i;

	for (i = 1; i <= n; i++) {
		ASSERT_EQ(0, uring_get_cqe_ms(r, &cqe, 5000));
		EXPECT_EQ(i, cqe.user_data);
	}
}

static void *resize_elsewhere(void *arg)
{
	struct io_uring_params p = { .sq_entries = 16 };
	long ret = sys_io_uring_register(*(int *)arg, REGISTER_RESIZE_RINGS, &p, 1);

	return (void *)ret;
}

TEST(resize_rings_bad_input)
{
	struct io_uring_params p = { .sq_entries = 16 };
	struct uring r;
	pthread_t t;
	void *res;
	int i;

	ASSERT_EQ(0, uring_init(&r, 8, 0));
	EXPECT_EQ(-EINVAL, sys_io_uring_register(r.fd, REGISTER_RESIZE_RINGS, &p, 1));
	uring_exit(&r);

	ASSERT_EQ(0, defer_ring(&r, 8, 0));
	p.flags = IORING_SETUP_SQPOLL;
	EXPECT_EQ(-EINVAL, sys_io_uring_register(r.fd, REGISTER_RESIZE_RINGS, &p, 1));
	p.flags = 0;
	p.resv[1] = 1;
	EXPECT_EQ(-EINVAL, sys_io_uring_register(r.fd, REGISTER_RESIZE_RINGS, &p, 1));
	p.resv[1] = 0;
	p.sq_entries = 0;
	EXPECT_EQ(-EINVAL, sys_io_uring_register(r.fd, REGISTER_RESIZE_RINGS, &p, 1));
	p.sq_entries = 16;
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 8;	/* smaller than the SQ */
	EXPECT_EQ(-EINVAL, sys_io_uring_register(r.fd, REGISTER_RESIZE_RINGS, &p, 1));
	p.flags = 0;
	EXPECT_EQ(-EINVAL, sys_io_uring_register(r.fd, REGISTER_RESIZE_RINGS, &p, 2));
	EXPECT_EQ(-EINVAL, sys_io_uring_register(r.fd, REGISTER_RESIZE_RINGS, NULL, 1));
	EXPECT_EQ(-EFAULT, sys_io_uring_register(r.fd, REGISTER_RESIZE_RINGS,
						 (void *)8, 1));
	ASSERT_EQ(0, pthread_create(&t, NULL, resize_elsewhere, &r.fd));
	ASSERT_EQ(0, pthread_join(t, &res));
	EXPECT_EQ(-EEXIST, (long)res);

	/* eight CQEs do not fit in four */
	for (i = 1; i <= 8; i++)
		uring_prep_nop(uring_get_sqe(&r), i);
	ASSERT_EQ(8, uring_submit(&r));
	p.sq_entries = 2;
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 4;
	EXPECT_EQ(-EOVERFLOW, sys_io_uring_register(r.fd, REGISTER_RESIZE_RINGS, &p, 1));
	expect_nops(_metadata, &r, 8);

	/* nor does a CQ with CQEs in its overflow list resize */
	for (i = 1; i <= 17; i++) {
		uring_prep_nop(uring_get_sqe(&r), i);
		if (!(i % 8) || i == 17)
			ASSERT_LT(0, uring_submit(&r));
	}
	p.sq_entries = 32;
	p.flags = 0;
	EXPECT_EQ(-EOVERFLOW, sys_io_uring_register(r.fd, REGISTER_RESIZE_RINGS, &p, 1));
	expect_nops(_metadata, &r, 17);
	uring_exit(&r);
}

/*
 * A mixed SQ: a published NOP128 at index 3 cannot move to a 4-slot ring,
 * where it would start in the last slot and fail instead of running
 * (-EOVERFLOW, nothing changed); to 16 slots it moves and runs.
 */
TEST(resize_rings_sqe_mixed)
{
	struct io_uring_params p = { .sq_entries = 4 };
	struct io_uring_cqe cqe;
	struct uring r;
	int i;

	if (defer_ring(&r, 8, SETUP_SQE_MIXED | IORING_SETUP_NO_SQARRAY) == -EINVAL)
		SKIP(return, "IORING_SETUP_SQE_MIXED not supported");
	for (i = 1; i <= 3; i++)
		uring_prep_nop(uring_get_sqe(&r), i);
	ASSERT_EQ(3, uring_submit(&r));
	expect_nops(_metadata, &r, 3);
	queue_nop128(&r, 4);
	uring_flush(&r);
	ASSERT_EQ(-EOVERFLOW, resize(&r, &p));
	p.sq_entries = 16;
	ASSERT_EQ(0, resize(&r, &p)) {
		uring_exit(&r);
		SKIP(return, "IORING_REGISTER_RESIZE_RINGS not supported");
	}
	ASSERT_EQ(2, uring_enter(&r, 2, 0, 0));
	ASSERT_EQ(0, uring_get_cqe_ms(&r, &cqe, 5000));
	EXPECT_EQ(4, cqe.user_data);
	EXPECT_EQ(0, cqe.res);
	uring_exit(&r);
}

/*
 * A CQ head userspace wrote garbage over (further from the tail than the
 * ring is long) leaves nothing pending: the resize starts an empty CQ at
 * the tail, and the ring works on.
 */
TEST(resize_rings_scribbled_head)
{
	struct io_uring_params p = { .sq_entries = 16 };
	struct io_uring_cqe cqe;
	struct uring r;

	ASSERT_EQ(0, defer_ring(&r, 8, 0));
	ASSERT_EQ(0, uring_queue_nop(&r, 1, 0));
	ASSERT_EQ(1, uring_submit(&r));
	uring_store(r.cq_head, 0x5a5a5a5a);
	ASSERT_EQ(0, resize(&r, &p)) {
		uring_exit(&r);
		SKIP(return, "IORING_REGISTER_RESIZE_RINGS not supported");
	}
	EXPECT_EQ(1, uring_load(r.cq_head));
	EXPECT_EQ(1, uring_load(r.cq_tail));
	ASSERT_EQ(0, uring_queue_nop(&r, 2, 0));
	ASSERT_EQ(1, uring_submit(&r));
	ASSERT_EQ(0, uring_get_cqe_ms(&r, &cqe, 5000));
	EXPECT_EQ(2, cqe.user_data);
	uring_exit(&r);
}

/*
 * A mixed CQ: a 32-byte CQE at index 3 would straddle the end of a 4-slot
 * ring, so a skip CQE takes index 3 and the pair moves to 4 and 5.
 */
TEST(resize_rings_cqe_mixed)
{
	struct io_uring_params p = {
		.flags = IORING_SETUP_CQSIZE, .sq_entries = 2, .cq_entries = 4,
	};
	struct io_uring_cqe *c;
	struct uring r;
	int i;

	if (defer_ring(&r, 4, SETUP_CQE_MIXED) == -EINVAL)
		SKIP(return, "IORING_SETUP_CQE_MIXED not supported");
	for (i = 1; i <= 3; i++)
		uring_prep_nop(uring_get_sqe(&r), i);
	ASSERT_EQ(3, uring_submit(&r));
	uring_store(r.cq_head, 3);
	prep_nop32(&r, 4, 40, 400);
	ASSERT_EQ(1, uring_submit(&r));
	ASSERT_EQ(0, resize(&r, &p)) {
		uring_exit(&r);
		SKIP(return, "IORING_REGISTER_RESIZE_RINGS not supported");
	}
	ASSERT_EQ(3, uring_load(r.cq_head));
	ASSERT_EQ(6, uring_load(r.cq_tail));
	c = (void *)(r.cqes + 3 * 16);
	EXPECT_EQ(CQE_F_SKIP, c->flags);
	c = (void *)r.cqes;
	EXPECT_TRUE(big_cqe_is(c, 4));
	uring_exit(&r);
}

/*
 * A UDP socket on loopback with three software transmit timestamps (keys
 * 0 to 2) in its error queue, and among them a real error: the third
 * datagram went to a port where nobody listens any more.
 */
static int tstamp_socket(void)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	int rx, fd, val = SOF_TIMESTAMPING_SOFTWARE | SOF_TIMESTAMPING_TX_SOFTWARE |
		      SOF_TIMESTAMPING_OPT_ID | SOF_TIMESTAMPING_OPT_TSONLY;
	socklen_t len = sizeof(to);
	int one = 1, i;

	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	rx = socket(AF_INET, SOCK_DGRAM, 0);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (rx < 0 || fd < 0 || bind(rx, (void *)&to, sizeof(to)) ||
	    getsockname(rx, (void *)&to, &len) ||
	    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &val, sizeof(val)) ||
	    setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof(one)))
		return -1;
	for (i = 0; i < 2; i++)
		if (sendto(fd, "x", 1, 0, (void *)&to, sizeof(to)) != 1)
			return -1;
	close(rx);	/* its port is closed now: the third one bounces */
	if (sendto(fd, "x", 1, 0, (void *)&to, sizeof(to)) != 1)
		return -1;
	usleep(100 * 1000);
	return fd;
}

/* The errno an IP_RECVERR message from the error queue carries, or 0. */
static int bounce_errno(struct msghdr *msg)
{
	struct sock_extended_err *ee;
	struct cmsghdr *cm;

	for (cm = CMSG_FIRSTHDR(msg); cm; cm = CMSG_NXTHDR(msg, cm)) {
		if (cm->cmsg_level != SOL_IP || cm->cmsg_type != IP_RECVERR)
			continue;
		ee = (void *)CMSG_DATA(cm);
		return ee->ee_errno;
	}
	return 0;
}

/*
 * SOCKET_URING_OP_TX_TIMESTAMP: the three timestamps as 32-byte CQEs with
 * IORING_CQE_F_MORE (key in res, SCM_TSTAMP_SND as the type, a time), then
 * the command's own CQE; the bounce stays queued for recvmsg(); a ring of
 * 16-byte CQEs is refused.
 */
TEST(tx_timestamp)
{
	struct io_uring_params p = { .flags = IORING_SETUP_CQE32 };
	struct io_uring_cqe *c;
	struct io_uring_sqe *sqe;
	char cbuf[512], data[8];
	struct iovec iov = { data, sizeof(data) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct uring r;
	int fd, i, ret;

	fd = tstamp_socket();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, uring_init(&r, 8, 0));
	sqe = uring_get_sqe(&r);
	uring_prep_rw(sqe, IORING_OP_URING_CMD, fd, NULL, 0, 0, 1);
	sqe->cmd_op = SOCK_OP_TX_TIMESTAMP;
	ret = uring_run_one(&r);
	uring_exit(&r);
	if (ret == -EOPNOTSUPP)
		SKIP(return, "SOCKET_URING_OP_TX_TIMESTAMP not supported");
	EXPECT_EQ(-EINVAL, ret);

	ASSERT_EQ(0, uring_init_params(&r, 8, &p));
	sqe = uring_get_sqe(&r);
	uring_prep_rw(sqe, IORING_OP_URING_CMD, fd, NULL, 0, 0, 7);
	sqe->cmd_op = SOCK_OP_TX_TIMESTAMP;
	ASSERT_EQ(1, uring_submit_and_wait(&r, 1));
	ASSERT_EQ(4, uring_cq_ready(&r));
	for (i = 0; i < 4; i++) {
		c = (void *)(r.cqes + (size_t)((*r.cq_head + i) & *r.cq_mask) * 32);
		EXPECT_EQ(7, c->user_data);
		if (i == 3) {
			EXPECT_EQ(0, c->res);
			EXPECT_FALSE(c->flags & IORING_CQE_F_MORE);
			break;
		}
		EXPECT_EQ(i, c->res);
		EXPECT_TRUE(c->flags & IORING_CQE_F_MORE);
		EXPECT_EQ(SCM_TSTAMP_SND, c->flags >> TIMESTAMP_TYPE_SHIFT);
		EXPECT_NE(0, c->big_cqe[0] | c->big_cqe[1]);	/* the time */
	}
	uring_store(r.cq_head, *r.cq_head + 4);
	/* the bounce, and nothing else */
	EXPECT_LE(0, recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT));
	EXPECT_EQ(ECONNREFUSED, bounce_errno(&msg));
	EXPECT_EQ(-1, recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	uring_exit(&r);
	close(fd);
}

static int register_region(struct uring *r, struct region_desc *rd, __u64 flags)
{
	struct mem_region_reg mr = {
		.region_uptr = (__u64)(unsigned long)rd, .flags = flags,
	};

	return sys_io_uring_register(r->fd, REGISTER_MEM_REGION, &mr, 1);
}

/* GETEVENTS for one CQE with the wait argument at @off of the region. */
static int wait_reg(struct uring *r, unsigned long off, size_t sz)
{
	return sys_io_uring_enter2(r->fd, 0, 1, IORING_ENTER_GETEVENTS |
				   IORING_ENTER_EXT_ARG | ENTER_EXT_ARG_REG,
				   (void *)off, sz);
}

/*
 * Registered wait arguments in the process's memory: a 10 ms timeout at
 * any offset that fits (-ETIME), -EFAULT past the end, -EINVAL for a
 * wrong size, unknown flags or EXT_ARG_REG without EXT_ARG.
 */
TEST(mem_region_wait)
{
	size_t page = uring_page_size();
	struct region_desc rd = { .size = page, .flags = MEM_REGION_TYPE_USER };
	struct io_uring_params p = { .flags = IORING_SETUP_R_DISABLED };
	struct reg_wait *w;
	struct uring r;
	void *mem;
	int ret;

	mem = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);
	rd.user_addr = (__u64)(unsigned long)mem;
	ASSERT_EQ(0, uring_init_params(&r, 8, &p));
	ret = register_region(&r, &rd, MEM_REGION_REG_WAIT_ARG);
	if (ret == -EINVAL) {
		uring_exit(&r);
		SKIP(return, "IORING_REGISTER_MEM_REGION not supported");
	}
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, sys_io_uring_register(r.fd, IORING_REGISTER_ENABLE_RINGS, NULL, 0));
	w = mem + 2 * sizeof(*w);
	w->ts.tv_nsec = 10 * 1000 * 1000;
	w->flags = REG_WAIT_TS;
	EXPECT_EQ(-ETIME, wait_reg(&r, 2 * sizeof(*w), sizeof(*w)));
	w = mem + page - sizeof(*w) - 3;
	w->ts.tv_nsec = 10 * 1000 * 1000;
	w->flags = REG_WAIT_TS;
	EXPECT_EQ(-ETIME, wait_reg(&r, page - sizeof(*w) - 3, sizeof(*w)));
	EXPECT_EQ(-EFAULT, wait_reg(&r, page - sizeof(*w) + 1, sizeof(*w)));
	EXPECT_EQ(-EFAULT, wait_reg(&r, -8UL, sizeof(*w)));
	EXPECT_EQ(-EINVAL, wait_reg(&r, 0, sizeof(*w) - 8));
	w = mem;
	w->flags = 2;
	EXPECT_EQ(-EINVAL, wait_reg(&r, 0, sizeof(*w)));
	w->flags = REG_WAIT_TS;
	w->ts.tv_nsec = 2000 * 1000 * 1000;	/* not a valid timespec */
	EXPECT_EQ(-EINVAL, wait_reg(&r, 0, sizeof(*w)));
	EXPECT_EQ(-EINVAL, sys_io_uring_enter2(r.fd, 0, 1, IORING_ENTER_GETEVENTS |
					       ENTER_EXT_ARG_REG, NULL, sizeof(*w)));
	/* one region per ring */
	EXPECT_EQ(-EBUSY, register_region(&r, &rd, 0));
	uring_exit(&r);
	munmap(mem, page);
}

/*
 * A region of kernel memory: mapped at the offset the kernel gives, the
 * wait arguments written there work. And the refusals: WAIT_ARG on an
 * enabled ring, reserved fields, sizes, a user address for kernel memory,
 * no wait region at all.
 */
TEST(mem_region_kernel)
{
	size_t page = uring_page_size();
	struct io_uring_params p = { .flags = IORING_SETUP_R_DISABLED };
	struct region_desc rd = { .size = page };
	struct reg_wait *w;
	struct uring r;
	int ret;

	ASSERT_EQ(0, uring_init(&r, 8, 0));
	ret = register_region(&r, &rd, MEM_REGION_REG_WAIT_ARG);
	if (ret == -EINVAL && register_region(&r, &rd, 0) == -EINVAL) {
		uring_exit(&r);
		SKIP(return, "IORING_REGISTER_MEM_REGION not supported");
	}
	EXPECT_EQ(-EINVAL, ret);	/* WAIT_ARG after enabling */
	EXPECT_EQ(-EFAULT, wait_reg(&r, 0, sizeof(*w)));	/* no wait region */
	uring_exit(&r);

	ASSERT_EQ(0, uring_init_params(&r, 8, &p));
	rd.resv[0] = 1;
	EXPECT_EQ(-EINVAL, register_region(&r, &rd, MEM_REGION_REG_WAIT_ARG));
	rd.resv[0] = 0;
	rd.size = page + 1;
	EXPECT_EQ(-EINVAL, register_region(&r, &rd, MEM_REGION_REG_WAIT_ARG));
	rd.size = 0;
	EXPECT_EQ(-EINVAL, register_region(&r, &rd, MEM_REGION_REG_WAIT_ARG));
	rd.size = page;
	rd.user_addr = 4096;
	EXPECT_EQ(-EINVAL, register_region(&r, &rd, MEM_REGION_REG_WAIT_ARG));
	rd.user_addr = 0;
	EXPECT_EQ(-EINVAL, register_region(&r, &rd, 2));
	ASSERT_EQ(0, register_region(&r, &rd, MEM_REGION_REG_WAIT_ARG));
	ASSERT_NE(0, rd.mmap_offset);
	w = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, r.fd, rd.mmap_offset);
	ASSERT_NE(MAP_FAILED, w);
	ASSERT_EQ(0, sys_io_uring_register(r.fd, IORING_REGISTER_ENABLE_RINGS, NULL, 0));
	w[1].ts.tv_nsec = 10 * 1000 * 1000;
	w[1].flags = REG_WAIT_TS;
	EXPECT_EQ(-ETIME, wait_reg(&r, sizeof(*w), sizeof(*w)));
	munmap(w, page);
	uring_exit(&r);
}

/*
 * A multishot RECV's sqe->optlen (6.17) is its total: the CQE that
 * reaches it is the last (no IORING_CQE_F_MORE) and the rest of the data
 * stays queued. Other receives must leave the field zero.
 */
#define LIM_BGID	3
#define LIM_BUFS	8
#define LIM_BUF_LEN	1024

static void prep_recv_limit(struct uring *r, __u8 op, int fd, __u32 limit,
			    __u16 ioprio)
{
	struct io_uring_sqe *sqe = uring_get_sqe(r);

	uring_prep_rw(sqe, op, fd, NULL, 0, 0, 9);
	sqe->ioprio = ioprio;
	sqe->flags = IOSQE_BUFFER_SELECT;
	sqe->buf_group = LIM_BGID;
	sqe->optlen = limit;
}

TEST_F(ring, recv_mshot_limit)
{
	static char data[3000], bufs[LIM_BUFS][LIM_BUF_LEN];
	struct io_uring_buf_ring *br;
	struct io_uring_cqe cqe;
	unsigned int got = 0, n = 0, i;
	int sv[2];

	br = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, br);
	ASSERT_EQ(0, uring_register_pbuf_ring(&self->r, br, LIM_BUFS, LIM_BGID));
	for (i = 0; i < LIM_BUFS; i++)
		uring_buf_ring_add(br, LIM_BUFS - 1, i, bufs[i], LIM_BUF_LEN, i);
	uring_buf_ring_publish(br, LIM_BUFS);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	memset(data, 'x', sizeof(data));
	ASSERT_EQ(sizeof(data), write(sv[1], data, sizeof(data)));

	prep_recv_limit(&self->r, IORING_OP_RECV, sv[0], 2500,
			IORING_RECV_MULTISHOT);
	ASSERT_EQ(1, uring_submit(&self->r));
	do {
		ASSERT_EQ(0, uring_get_cqe_ms(&self->r, &cqe, 5000));
		if (cqe.res == -EINVAL && !n)
			SKIP(goto out, "multishot RECV totals not supported");
		ASSERT_LT(0, cqe.res);
		ASSERT_TRUE(cqe.flags & IORING_CQE_F_BUFFER);
		got += cqe.res;
		n++;
	} while (cqe.flags & IORING_CQE_F_MORE);
	EXPECT_EQ(2500, got);
	EXPECT_EQ(3, n);
	/* the rest was left for the next reader */
	EXPECT_EQ(500, read(sv[0], bufs[0], sizeof(bufs[0])));

	/* only a multishot RECV has a total */
	prep_recv_limit(&self->r, IORING_OP_RECV, sv[0], 100, 0);
	EXPECT_EQ(-EINVAL, uring_run_one(&self->r));
	prep_recv_limit(&self->r, IORING_OP_RECVMSG, sv[0], 100,
			IORING_RECV_MULTISHOT);
	EXPECT_EQ(-EINVAL, uring_run_one(&self->r));
out:
	close(sv[0]);
	close(sv[1]);
	uring_unregister_pbuf_ring(&self->r, LIM_BGID);
	munmap(br, 4096);
}

TEST_HARNESS_MAIN
