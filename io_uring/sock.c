// SPDX-License-Identifier: GPL-2.0
/*
 * Setting up and tearing down connections: IORING_OP_SOCKET, BIND, LISTEN,
 * CONNECT, ACCEPT and SHUTDOWN, each the equivalent of its system call.
 *
 * SOCKET and ACCEPT make new files, which land either in the task's fd
 * table or, with sqe->file_index, in the ring's fixed file table.
 *
 * ACCEPT and CONNECT are the two that wait for the peer. They are always
 * tried without blocking; when the socket is not ready they return -EAGAIN
 * and the core waits for it (pollin / pollout) and issues them again. The
 * socket's own O_NONBLOCK does not change that: only IORING_ACCEPT_DONTWAIT
 * makes an accept give up with -EAGAIN.
 *
 * A multishot accept takes every pending connection, posting one CQE per
 * descriptor, and then waits for the next connection in the same way. It
 * ends on an error, or with a final CQE (no IORING_CQE_F_MORE) holding the
 * last descriptor when the CQ ring has no room for more.
 *
 * Addresses for BIND and CONNECT are copied at prep, so the caller's
 * buffer need not outlive the submission.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/fcntl.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/io_uring.h>
#include <uapi/linux/io_uring/bpf_filter.h>
#include <net/sock.h>

#include "uring.h"
#include "opdef.h"
#include "rsrc.h"
#include "mshot.h"
#include "bpf_filter.h"

#define IO_ACCEPT_IOPRIO	(IORING_ACCEPT_MULTISHOT | \
				 IORING_ACCEPT_DONTWAIT | \
				 IORING_ACCEPT_POLL_FIRST)

struct io_socket {
	struct file		*file;		/* unused: no needs_file */
	int			domain;
	int			type;		/* and SOCK_* flags */
	int			protocol;
	u32			file_slot;	/* file_index; 0: fd table */
};

/* BIND and CONNECT; the address itself is in req->async. */
struct io_sock_addr {
	struct file		*file;
	int			addr_len;
	bool			in_progress;	/* CONNECT said -EINPROGRESS */
};

/* LISTEN and SHUTDOWN: a socket and one number, sqe->len */
struct io_sock_len {
	struct file		*file;
	int			len;		/* backlog, or how */
};

struct io_accept {
	struct file		*file;
	u32			file_slot;	/* file_index; 0: fd table */
	int			o_flags;	/* for the new file */
	bool			poll_first;	/* wait before the first try */
	int __user		*peer_len;
	struct sockaddr __user	*peer;
};

/* A socket op's result as the core wants it. */
static int io_sock_done(struct io_kiocb *req, int ret)
{
	if (ret < 0)
		return ret;
	req->res = ret;
	return 0;
}

/*
 * Hand a new socket file to the fd reserved for it (@fd >= 0) or to the
 * fixed table. Return: the fd, 0 or the picked slot, or -errno (the file
 * is gone then).
 */
static int io_sock_install(struct io_kiocb *req, unsigned int issue_flags,
			   struct file *file, int fd, u32 file_slot)
{
	if (fd >= 0) {
		fd_install(fd, file);
		return fd;
	}
	return io_fixed_fd_install(req, issue_flags, file, file_slot);
}

/**
 * io_socket_prep - prepare IORING_OP_SOCKET
 * @req: the request
 * @sqe: fd is the domain, off the type (SOCK_NONBLOCK and SOCK_CLOEXEC
 *	 allowed), len the protocol, file_index an optional fixed slot;
 *	 rw_flags must be 0
 *
 * Return: 0, or a negative errno for the CQE.
 */
int io_socket_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	struct io_socket *so = io_kiocb_to_cmd(req, struct io_socket);
	u64 type = READ_ONCE(sqe->off);

	/* sqe->fd is a domain, not a descriptor */
	if (req->sqe_flags & IOSQE_FIXED_FILE)
		return -EBADF;
	if (READ_ONCE(sqe->addr) || READ_ONCE(sqe->rw_flags) ||
	    READ_ONCE(sqe->buf_index))
		return -EINVAL;
	if (type > INT_MAX ||
	    (type & ~SOCK_TYPE_MASK & ~(SOCK_CLOEXEC | SOCK_NONBLOCK)))
		return -EINVAL;
	so->domain = READ_ONCE(sqe->fd);
	so->type = type;
	so->protocol = READ_ONCE(sqe->len);
	so->file_slot = READ_ONCE(sqe->file_index);
	/* a direct descriptor has no close-on-exec to honour */
	if (so->file_slot && (so->type & SOCK_CLOEXEC))
		return -EINVAL;
	return 0;
}

/**
 * io_socket_bpf_pdu - a SOCKET's part of a filter's context
 * @req: the request, prepared
 * @bctx: the context: socket.family, type (with its flags) and protocol
 */
void io_socket_bpf_pdu(struct io_kiocb *req, struct io_uring_bpf_ctx *bctx)
{
	struct io_socket *so = io_kiocb_to_cmd(req, struct io_socket);

	bctx->socket.family = so->domain;
	bctx->socket.type = so->type;
	bctx->socket.protocol = so->protocol;
}

/**
 * io_socket - issue IORING_OP_SOCKET
 * @req: the request
 * @issue_flags: IO_URING_F_*
 *
 * Return: 0 with req->res the new fd (0 or the picked slot for a direct
 * socket), or a negative errno.
 */
int io_socket(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_socket *so = io_kiocb_to_cmd(req, struct io_socket);
	struct file *file;
	int fd = -1;

	if (!so->file_slot) {
		fd = get_unused_fd_flags((so->type & SOCK_CLOEXEC) ?
					 O_CLOEXEC : 0);
		if (fd < 0)
			return fd;
	}
	file = __sys_socket_file(so->domain, so->type, so->protocol);
	if (IS_ERR(file)) {
		if (fd >= 0)
			put_unused_fd(fd);
		return PTR_ERR(file);
	}
	return io_sock_done(req, io_sock_install(req, issue_flags, file, fd,
						 so->file_slot));
}

/* Copy BIND's or CONNECT's address (@uaddr, @len bytes) into req->async. */
static int io_sock_addr_prep(struct io_kiocb *req, u64 uaddr, u64 len)
{
	struct io_sock_addr *sa = io_kiocb_to_cmd(req, struct io_sock_addr);
	struct sockaddr_storage *addr;

	if (len > sizeof(*addr))
		return -EINVAL;
	addr = kzalloc(sizeof(*addr), GFP_KERNEL);
	if (!addr)
		return -ENOMEM;
	req->async = addr;
	sa->addr_len = len;
	return move_addr_to_kernel(u64_to_user_ptr(uaddr), len, addr);
}

/**
 * io_bind_prep - prepare IORING_OP_BIND
 * @req: the request
 * @sqe: fd is the socket, addr the address and addr2 its length
 *
 * Return: 0, or a negative errno for the CQE.
 */
int io_bind_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	if (READ_ONCE(sqe->len) || READ_ONCE(sqe->rw_flags) ||
	    READ_ONCE(sqe->buf_index) || READ_ONCE(sqe->splice_fd_in) ||
	    READ_ONCE(sqe->addr3))
		return -EINVAL;
	return io_sock_addr_prep(req, READ_ONCE(sqe->addr),
				 READ_ONCE(sqe->addr2));
}

/**
 * io_bind - issue IORING_OP_BIND
 * @req: the request
 * @issue_flags: IO_URING_F_*
 *
 * Return: 0 with req->res 0, or a negative errno.
 */
int io_bind(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_sock_addr *sa = io_kiocb_to_cmd(req, struct io_sock_addr);
	struct socket *sock = sock_from_file(sa->file);

	if (!sock)
		return -ENOTSOCK;
	return io_sock_done(req, __sys_bind_socket(sock, req->async,
						   sa->addr_len));
}

/* The prep LISTEN and SHUTDOWN share: the socket in fd, the number in len. */
static int io_sock_len_prep(struct io_kiocb *req,
			    const struct io_uring_sqe *sqe)
{
	struct io_sock_len *sl = io_kiocb_to_cmd(req, struct io_sock_len);

	if (READ_ONCE(sqe->addr) || READ_ONCE(sqe->off) ||
	    READ_ONCE(sqe->rw_flags) || READ_ONCE(sqe->buf_index) ||
	    READ_ONCE(sqe->splice_fd_in))
		return -EINVAL;
	sl->len = READ_ONCE(sqe->len);
	return 0;
}

/* Call @fn (listen or shutdown) on the request's socket with that number. */
static int io_sock_len_issue(struct io_kiocb *req,
			     int (*fn)(struct socket *sock, int len))
{
	struct io_sock_len *sl = io_kiocb_to_cmd(req, struct io_sock_len);
	struct socket *sock = sock_from_file(sl->file);

	if (!sock)
		return -ENOTSOCK;
	return io_sock_done(req, fn(sock, sl->len));
}

/**
 * io_listen_prep - prepare IORING_OP_LISTEN
 * @req: the request
 * @sqe: fd is the socket, len the backlog
 *
 * Return: 0, or a negative errno for the CQE.
 */
int io_listen_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	if (READ_ONCE(sqe->addr3))
		return -EINVAL;
	return io_sock_len_prep(req, sqe);
}

/**
 * io_listen - issue IORING_OP_LISTEN
 * @req: the request
 * @issue_flags: IO_URING_F_*
 *
 * Return: 0 with req->res 0, or a negative errno.
 */
int io_listen(struct io_kiocb *req, unsigned int issue_flags)
{
	return io_sock_len_issue(req, __sys_listen_socket);
}

/**
 * io_connect_prep - prepare IORING_OP_CONNECT
 * @req: the request
 * @sqe: fd is the socket, addr the address and off its length
 *
 * Return: 0, or a negative errno for the CQE.
 */
int io_connect_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	if (READ_ONCE(sqe->len) || READ_ONCE(sqe->rw_flags) ||
	    READ_ONCE(sqe->buf_index) || READ_ONCE(sqe->splice_fd_in))
		return -EINVAL;
	return io_sock_addr_prep(req, READ_ONCE(sqe->addr),
				 READ_ONCE(sqe->addr2));
}

/**
 * io_connect_bpf_pdu - a CONNECT's part of a filter's context
 * @req: the request, prepared: its address copied, zero beyond its length
 * @bctx: the context: struct io_bpf_connect_pdu where the union starts
 *
 * A length too short for the family leaves it all zero; the port and
 * address of AF_INET and AF_INET6 are read where the copy has them (zero
 * if the length stopped short of them).
 */
void io_connect_bpf_pdu(struct io_kiocb *req, struct io_uring_bpf_ctx *bctx)
{
	struct io_sock_addr *sa = io_kiocb_to_cmd(req, struct io_sock_addr);
	struct io_bpf_connect_pdu *pdu = (void *)&bctx->socket;
	const struct sockaddr_storage *addr = req->async;
	const struct sockaddr_in6 *in6 = req->async;
	const struct sockaddr_in *in = req->async;

	BUILD_BUG_ON(offsetof(struct io_uring_bpf_ctx, socket) + sizeof(*pdu) >
		     sizeof(*bctx));
	if (sa->addr_len < (int)sizeof(addr->ss_family))
		return;
	pdu->family = addr->ss_family;
	if (addr->ss_family == AF_INET) {
		pdu->port = in->sin_port;
		pdu->addr.v4 = in->sin_addr.s_addr;
	} else if (addr->ss_family == AF_INET6) {
		pdu->port = in6->sin6_port;
		memcpy(pdu->addr.v6, &in6->sin6_addr, sizeof(pdu->addr.v6));
	}
}

/**
 * io_connect - issue IORING_OP_CONNECT
 * @req: the request
 * @issue_flags: IO_URING_F_*
 *
 * A connection that cannot be made at once leaves the socket connecting:
 * the request waits for it to become writable and then connects again,
 * which, for a socket already connecting, reports how that went (and
 * resets the socket on failure, so that it can be connected anew).
 *
 * Return: 0 with req->res 0, a negative errno, or -EAGAIN to wait.
 */
int io_connect(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_sock_addr *sa = io_kiocb_to_cmd(req, struct io_sock_addr);
	int file_flags = (issue_flags & IO_URING_F_NONBLOCK) ? O_NONBLOCK : 0;
	int ret;

	ret = __sys_connect_file(sa->file, req->async, sa->addr_len,
				 file_flags);
	if (sa->in_progress) {
		/* still connecting; or someone else saw it through */
		if (ret == -EALREADY)
			return -EAGAIN;
		if (ret == -EISCONN)
			ret = 0;
	} else if (ret == -EINPROGRESS) {
		sa->in_progress = true;
		return -EAGAIN;
	}
	return io_sock_done(req, ret);
}

/**
 * io_accept_prep - prepare IORING_OP_ACCEPT
 * @req: the request
 * @sqe: fd is the listening socket, addr and addr2 the peer address buffer
 *	 and its length (both may be 0), accept_flags SOCK_NONBLOCK and
 *	 SOCK_CLOEXEC, ioprio IORING_ACCEPT_*, file_index an optional fixed
 *	 slot (only IORING_FILE_INDEX_ALLOC with IORING_ACCEPT_MULTISHOT)
 *
 * Return: 0, or a negative errno for the CQE.
 */
int io_accept_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	struct io_accept *acc = io_kiocb_to_cmd(req, struct io_accept);
	u32 flags = READ_ONCE(sqe->accept_flags);
	u16 ioprio = READ_ONCE(sqe->ioprio);

	if (READ_ONCE(sqe->len) || READ_ONCE(sqe->buf_index))
		return -EINVAL;
	if (ioprio & ~IO_ACCEPT_IOPRIO)
		return -EINVAL;
	if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
		return -EINVAL;
	acc->peer = u64_to_user_ptr(READ_ONCE(sqe->addr));
	acc->peer_len = u64_to_user_ptr(READ_ONCE(sqe->addr2));
	acc->file_slot = READ_ONCE(sqe->file_index);
	/* a direct descriptor has no close-on-exec to honour */
	if (acc->file_slot && (flags & SOCK_CLOEXEC))
		return -EINVAL;
	/* one slot cannot take a stream of connections */
	if ((ioprio & IORING_ACCEPT_MULTISHOT) && acc->file_slot &&
	    acc->file_slot != IORING_FILE_INDEX_ALLOC)
		return -EINVAL;

	acc->o_flags = 0;
	if (flags & SOCK_CLOEXEC)
		acc->o_flags |= O_CLOEXEC;
	if (flags & SOCK_NONBLOCK)
		acc->o_flags |= O_NONBLOCK;
	acc->poll_first = ioprio & IORING_ACCEPT_POLL_FIRST;
	if (ioprio & IORING_ACCEPT_DONTWAIT)
		req->nowait = true;
	if (ioprio & IORING_ACCEPT_MULTISHOT)
		req->multishot = true;
	return 0;
}

/*
 * Accept one connection. @nonblock: fail with -EAGAIN rather than wait.
 * @nonempty, if not NULL, learns whether more connections are queued.
 * Return: the new fd, 0 or the picked slot for a direct one, or -errno.
 */
static int io_accept_one(struct io_kiocb *req, unsigned int issue_flags,
			 bool nonblock, bool *nonempty)
{
	struct io_accept *acc = io_kiocb_to_cmd(req, struct io_accept);
	/* is_empty stays negative for protocols that do not tell */
	struct proto_accept_arg arg = {
		.flags		= nonblock ? O_NONBLOCK : 0,
		.is_empty	= -1,
	};
	struct file *file;
	int fd = -1;

	if (!acc->file_slot) {
		fd = get_unused_fd_flags(acc->o_flags);
		if (fd < 0)
			return fd;
	}
	file = do_accept(acc->file, &arg, acc->peer, acc->peer_len,
			 acc->o_flags);
	if (IS_ERR(file)) {
		if (fd >= 0)
			put_unused_fd(fd);
		return PTR_ERR(file);
	}
	if (nonempty)
		*nonempty = arg.is_empty == 0;
	return io_sock_install(req, issue_flags, file, fd, acc->file_slot);
}

/*
 * One connection of a multishot accept (io_mshot_step_t): it goes on until
 * none is left (the core waits for the next one) or an error.
 */
static enum io_mshot_step io_accept_mshot_step(struct io_kiocb *req,
					       unsigned int issue_flags,
					       s32 *res, u32 *cflags)
{
	int ret = io_accept_one(req, issue_flags, true, NULL);

	if (ret == -EAGAIN)
		return IO_MSHOT_WAIT;
	*res = ret;
	*cflags = 0;
	return ret < 0 ? IO_MSHOT_DONE : IO_MSHOT_MORE;
}

/**
 * io_accept - issue IORING_OP_ACCEPT
 * @req: the request
 * @issue_flags: IO_URING_F_*
 *
 * Return: 0 with req->res the new fd (0 or the picked slot for a direct
 * one; the last one for a multishot accept), a negative errno, or -EAGAIN
 * to wait for a connection.
 */
int io_accept(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_accept *acc = io_kiocb_to_cmd(req, struct io_accept);
	bool nonblock, nonempty = false;
	int ret;

	if (acc->poll_first) {
		acc->poll_first = false;
		return -EAGAIN;
	}
	/* the core issues a multishot request under the ring lock only */
	if (req->multishot)
		return io_mshot_issue(req, issue_flags, io_accept_mshot_step);
	/* DONTWAIT never waits, not even in io-wq */
	nonblock = (issue_flags & IO_URING_F_NONBLOCK) || req->nowait;
	ret = io_accept_one(req, issue_flags, nonblock, &nonempty);
	if (ret < 0)
		return ret;
	if (nonempty)
		req->cflags |= IORING_CQE_F_SOCK_NONEMPTY;
	req->res = ret;
	return 0;
}

/**
 * io_shutdown_prep - prepare IORING_OP_SHUTDOWN
 * @req: the request
 * @sqe: fd is the socket, len how (SHUT_RD, SHUT_WR or SHUT_RDWR)
 *
 * Return: 0, or a negative errno for the CQE.
 */
int io_shutdown_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	return io_sock_len_prep(req, sqe);
}

/**
 * io_shutdown - issue IORING_OP_SHUTDOWN
 * @req: the request
 * @issue_flags: IO_URING_F_*
 *
 * Return: 0 with req->res 0, or a negative errno.
 */
int io_shutdown(struct io_kiocb *req, unsigned int issue_flags)
{
	return io_sock_len_issue(req, __sys_shutdown_sock);
}
