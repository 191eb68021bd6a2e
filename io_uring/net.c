// SPDX-License-Identifier: GPL-2.0
/*
 * Moving data over sockets: IORING_OP_SEND, RECV, SENDMSG and RECVMSG,
 * with provided buffers (IOSQE_BUFFER_SELECT, bundles of them with
 * IORING_RECVSEND_BUNDLE) and multishot receives; and SEND_ZC and
 * SENDMSG_ZC, which hand the user's pages to the network stack.
 *
 * Everything a request sends or receives through is set up once, at prep,
 * in a struct io_net_state: the msghdr with its iterator, a copy of the
 * destination address, the user's control buffer. Each try carries on
 * where the last one stopped, so MSG_WAITALL on a stream socket keeps the
 * progress of short transfers and completes with their sum.
 *
 * A multishot receive picks a provided buffer per message, posts a CQE
 * with IORING_CQE_F_MORE for each and goes on until the socket is empty,
 * then waits for it again. An error, EOF or a full CQ ring ends it.
 *
 * A zero-copy send completes with IORING_CQE_F_MORE in its CQE; a struct
 * io_zc_notif outlives it, counting the skbs that hold the user's pages,
 * and when the last lets go it posts an IORING_CQE_F_NOTIF CQE: then
 * userspace may reuse the buffer.
 */
#include <linux/kernel.h>
#include <linux/file.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <linux/socket.h>
#include <linux/io_uring.h>
#include <net/sock.h>
#include <net/compat.h>

#include "uring.h"
#include "opdef.h"
#include "apoll.h"
#include "complete.h"
#include "kbuf.h"
#include "mshot.h"
#include "submit.h"

#define IO_RECV_FLAGS	(IORING_RECVSEND_POLL_FIRST | IORING_RECV_MULTISHOT | \
			 IORING_RECVSEND_BUNDLE)
#define IO_SEND_FLAGS	(IORING_RECVSEND_POLL_FIRST | IORING_RECVSEND_BUNDLE | \
			 IORING_SEND_VECTORIZED)
#define IO_ZC_FLAGS	(IORING_RECVSEND_POLL_FIRST | IORING_RECVSEND_FIXED_BUF | \
			 IORING_SEND_ZC_REPORT_USAGE | IORING_SEND_VECTORIZED)
/* Provided buffers one bundle may take. */
#define IO_BUNDLE_MAX	UIO_FASTIOV

/*
 * What the stack holds of a zero-copy send: one reference per skb with
 * our pages, and the request's until it is freed. If the send's CQE
 * promised a notification (@post), the notif holds a ring reference from
 * then on and the last reference's owner posts it, from a worker: the
 * stack may let go in softirq context, where the CQ lock may not be taken.
 */
struct io_zc_notif {
	struct ubuf_info	uarg;
	struct io_ring_ctx	*ctx;
	u64			user_data;
	bool			post;		/* the send's CQE had F_MORE */
	bool			report;		/* IORING_SEND_ZC_REPORT_USAGE */
	bool			copied;		/* some data was copied after all */
	struct work_struct	work;
};

/* SEND, RECV, SENDMSG, RECVMSG */
struct io_sr {
	struct file	*file;
	void __user	*buf;		/* the data, or the user's msghdr */
	u32		len;
	u32		msg_flags;
	u16		flags;		/* IORING_RECVSEND_* */
	u16		addr_len;	/* SEND to an address (sendto) */
	bool		poll_first;	/* the first try waits for poll */
	bool		is_msg;
	bool		zc;		/* SEND_ZC, SENDMSG_ZC */
	u32		turn;		/* multishot RECV: bytes this turn */
	u32		left;		/* ... and before it ends, if @limited */
	bool		limited;	/* its sqe->optlen set a total */
};

/**
 * struct io_net_state - what a socket request transfers through
 * @msg: its msghdr; @msg.msg_iter is where the next try starts
 * @addr: the destination (send) or where the source goes (recvmsg)
 * @free_vec: an iovec array too big for @fast_iov, or the bio_vec array
 *	      of a SENDMSG_ZC from a registered buffer, to kvfree()
 * @uctrl: the user's control buffer, as each try must start with it
 * @ctrl_len: its length
 * @uname: RECVMSG: where the source address goes in user memory
 * @umsg: RECVMSG: the user's msghdr, which gets the lengths and flags
 * @name_len: multishot RECVMSG: room for the name in each buffer
 * @done: bytes moved by earlier tries
 * @notif: a zero-copy send's, until its notification
 * @fast_iov: the iovecs of a small array, or of a bundle
 *
 * A plain send or receive has no @addr or @fast_iov (io_net_state_size()).
 */
struct io_net_state {
	struct msghdr			msg;
	void				*free_vec;
	void __user			*uctrl;
	__kernel_size_t			ctrl_len;
	struct sockaddr __user		*uname;
	struct user_msghdr __user	*umsg;
	int				name_len;
	int				done;
	struct io_zc_notif		*notif;
	/* the request's state ends here unless it needs these */
	struct sockaddr_storage		addr;
	struct iovec			fast_iov[UIO_FASTIOV];
};

/*
 * A plain send or receive keeps its state, and a retry's poll beside it
 * (io_req_async_spare()), in one slot of the ring's cache.
 */
static_assert(offsetof(struct io_net_state, addr) + sizeof(struct io_poll) <=
	      IO_ASYNC_SIZE);

/*
 * Read the user's msghdr into @m. A 32-bit ring's is a struct
 * compat_msghdr (whoever issues the request: the ring creator's layout
 * counts), widened here field by field.
 */
static int io_net_get_msghdr(struct io_kiocb *req, struct user_msghdr *m)
{
	struct io_sr *sr = io_kiocb_to_cmd(req, struct io_sr);
	struct compat_msghdr cm;

	if (!io_is_compat(req->ctx))
		return copy_from_user(m, sr->buf, sizeof(*m)) ? -EFAULT : 0;
	if (copy_from_user(&cm, sr->buf, sizeof(cm)))
		return -EFAULT;
	m->msg_name = compat_ptr(cm.msg_name);
	m->msg_namelen = cm.msg_namelen;
	m->msg_iov = compat_ptr(cm.msg_iov);
	m->msg_iovlen = cm.msg_iovlen;
	m->msg_control = compat_ptr(cm.msg_control);
	m->msg_controllen = cm.msg_controllen;
	m->msg_flags = cm.msg_flags;
	return 0;
}

/*
 * SENDMSG_ZC, or SEND_ZC with IORING_SEND_VECTORIZED, from a registered
 * buffer (IORING_RECVSEND_FIXED_BUF): the iovecs lie in it.
 */
static int io_net_import_fixed_vec(struct io_kiocb *req,
				   struct io_net_state *st,
				   const struct iovec __user *uvec,
				   unsigned long nr, u16 buf_index)
{
	struct bio_vec *bv;
	int ret;

	ret = io_req_fixed_buf(req, buf_index);
	if (ret)
		return ret;
	bv = io_import_fixed_vec(req, ITER_SOURCE, uvec, nr, &st->msg.msg_iter);
	if (IS_ERR(bv))
		return PTR_ERR(bv);
	st->free_vec = bv;
	return 0;
}

/* Copy a SENDMSG/RECVMSG msghdr and its iovecs in. */
static int io_net_copy_msghdr(struct io_kiocb *req, struct io_net_state *st,
			      int dir, u16 buf_index)
{
	struct io_sr *sr = io_kiocb_to_cmd(req, struct io_sr);
	struct user_msghdr __user *umsg = sr->buf;
	struct user_msghdr m;
	struct iovec *iov = st->fast_iov;
	int ret;

	ret = io_net_get_msghdr(req, &m);
	if (ret)
		return ret;
	st->msg.msg_name = &st->addr;
	ret = __copy_msghdr(&st->msg, &m, dir == ITER_DEST ? &st->uname : NULL);
	if (ret)
		return ret;
	st->umsg = umsg;
	st->uctrl = st->msg.msg_control_user;
	st->ctrl_len = st->msg.msg_controllen;
	/* a multishot buffer has room for what the msghdr sizes, named or not */
	st->name_len = m.msg_namelen;
	if (st->name_len < 0 || (req->multishot && st->ctrl_len > INT_MAX))
		return -EINVAL;
	if (req->sqe_flags & IOSQE_BUFFER_SELECT) {
		/* the data goes to a provided buffer: the iovec is only a size */
		if (m.msg_iovlen > 1)
			return -EINVAL;
		if (m.msg_iovlen == 1 &&
		    io_user_iovec(req->ctx, iov, m.msg_iov, 0))
			return -EFAULT;
		sr->len = m.msg_iovlen ? iov->iov_len : 0;
		return 0;
	}
	if (sr->flags & IORING_RECVSEND_FIXED_BUF)
		return io_net_import_fixed_vec(req, st, m.msg_iov, m.msg_iovlen,
					       buf_index);
	ret = __import_iovec(dir, m.msg_iov, m.msg_iovlen, UIO_FASTIOV, &iov,
			     &st->msg.msg_iter, io_is_compat(req->ctx));
	if (ret < 0)
		return ret;
	st->free_vec = iov;
	return 0;
}

/*
 * SEND or SEND_ZC with IORING_SEND_VECTORIZED: sqe->addr is an iovec
 * array of sqe->len entries, from a registered buffer with
 * IORING_RECVSEND_FIXED_BUF.
 */
static int io_send_import_vec(struct io_kiocb *req, struct io_net_state *st,
			      u16 buf_index)
{
	struct io_sr *sr = io_kiocb_to_cmd(req, struct io_sr);
	struct iovec *iov = st->fast_iov;
	ssize_t ret;

	if (sr->flags & IORING_RECVSEND_FIXED_BUF)
		return io_net_import_fixed_vec(req, st, sr->buf, sr->len,
					       buf_index);
	ret = __import_iovec(ITER_SOURCE, sr->buf, sr->len, UIO_FASTIOV, &iov,
			     &st->msg.msg_iter, io_is_compat(req->ctx));
	if (ret < 0)
		return ret;
	st->free_vec = iov;
	return 0;
}

/*
 * How much of struct io_net_state the request uses: a msghdr's name and
 * iovecs, a bundle's or a vectored send's iovecs need it all, a send to
 * an address all but the iovecs, a plain send or receive neither.
 */
static size_t io_net_state_size(struct io_sr *sr, void __user *uaddr)
{
	if (sr->is_msg ||
	    (sr->flags & (IORING_RECVSEND_BUNDLE | IORING_SEND_VECTORIZED)))
		return sizeof(struct io_net_state);
	if (uaddr)
		return offsetof(struct io_net_state, fast_iov);
	return offsetof(struct io_net_state, addr);
}

/* A SEND's destination (sendto): @uaddr (sqe->addr2), sqe->addr_len. */
static int io_send_addr(struct io_sr *sr, struct io_net_state *st,
			void __user *uaddr)
{
	int ret;

	if (!uaddr)
		return 0;
	ret = move_addr_to_kernel(uaddr, sr->addr_len, &st->addr);
	if (ret < 0)
		return ret;
	st->msg.msg_name = &st->addr;
	st->msg.msg_namelen = sr->addr_len;
	return 0;
}

/* Worker: the stack is done with a zero-copy send's pages; say so. */
static void io_send_zc_notif_work(struct work_struct *work)
{
	struct io_zc_notif *nd = container_of(work, struct io_zc_notif, work);
	struct io_ring_ctx *ctx = nd->ctx;
	s32 res = 0;

	if (nd->report && READ_ONCE(nd->copied))
		res = IORING_NOTIF_USAGE_ZC_COPIED;
	io_cq_lock(ctx);
	io_post_cqe(ctx, nd->user_data, res, IORING_CQE_F_NOTIF, NULL);
	io_cq_unlock_post(ctx);
	percpu_ref_put(&ctx->refs);
	kfree(nd);
}

/* Drop a reference; any context. */
static void io_send_zc_put(struct io_zc_notif *nd)
{
	if (!refcount_dec_and_test(&nd->uarg.refcnt))
		return;
	if (nd->post)
		queue_work(system_unbound_wq, &nd->work);
	else
		kfree(nd);
}

/* ubuf_info ->complete: an skb let go of our pages. */
static void io_send_zc_release(struct sk_buff *skb, struct ubuf_info *uarg,
			       bool zerocopy_success)
{
	struct io_zc_notif *nd = container_of(uarg, struct io_zc_notif, uarg);

	if (!zerocopy_success)
		WRITE_ONCE(nd->copied, true);
	io_send_zc_put(nd);
}

void io_net_cleanup(struct io_kiocb *req)
{
	struct io_net_state *st = req->async;
	struct io_zc_notif *nd;

	if (!st)
		return;
	kvfree(st->free_vec);
	nd = st->notif;
	if (!nd)
		return;
	/* the ring must outlive a notification still to come */
	if (nd->post)
		percpu_ref_get(&nd->ctx->refs);
	io_send_zc_put(nd);
}

static const struct ubuf_info_ops io_send_zc_ops = {
	.complete	= io_send_zc_release,
};

static int io_send_zc_init(struct io_kiocb *req, struct io_net_state *st)
{
	struct io_sr *sr = io_kiocb_to_cmd(req, struct io_sr);
	struct io_zc_notif *nd = kzalloc(sizeof(*nd), GFP_KERNEL_ACCOUNT);

	if (!nd)
		return -ENOMEM;
	nd->uarg.ops = &io_send_zc_ops;
	nd->uarg.flags = SKBFL_ZEROCOPY_FRAG | SKBFL_DONT_ORPHAN;
	refcount_set(&nd->uarg.refcnt, 1);
	nd->ctx = req->ctx;
	nd->user_data = req->user_data;
	nd->report = sr->flags & IORING_SEND_ZC_REPORT_USAGE;
	INIT_WORK(&nd->work, io_send_zc_notif_work);
	st->notif = nd;
	sr->msg_flags |= MSG_ZEROCOPY;
	return 0;
}

/*
 * A multishot RECV's sqe->optlen is the most it moves in all: the step
 * that reaches it is the last. Elsewhere the field (a send's addr_len
 * and the pad after it) must be zero where the opcode has no use for it.
 */
static int io_recv_limit_prep(struct io_kiocb *req,
			      const struct io_uring_sqe *sqe)
{
	struct io_sr *sr = io_kiocb_to_cmd(req, struct io_sr);
	u32 limit = READ_ONCE(sqe->optlen);

	if (req->opcode == IORING_OP_RECV &&
	    (sr->flags & IORING_RECV_MULTISHOT)) {
		sr->limited = limit != 0;
		sr->left = limit;
		return 0;
	}
	if (READ_ONCE(sqe->__pad3[0]))
		return -EINVAL;
	if ((req->opcode == IORING_OP_RECV || sr->is_msg) && sr->addr_len)
		return -EINVAL;
	return 0;
}

static int io_sr_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe,
		      int dir)
{
	struct io_sr *sr = io_kiocb_to_cmd(req, struct io_sr);
	bool select = req->sqe_flags & IOSQE_BUFFER_SELECT;
	void __user *uaddr = NULL;
	struct io_net_state *st;
	size_t size;
	int ret;

	sr->is_msg = req->opcode == IORING_OP_SENDMSG ||
		     req->opcode == IORING_OP_RECVMSG ||
		     req->opcode == IORING_OP_SENDMSG_ZC;
	sr->zc = req->opcode == IORING_OP_SEND_ZC ||
		 req->opcode == IORING_OP_SENDMSG_ZC;
	sr->buf = u64_to_user_ptr(READ_ONCE(sqe->addr));
	sr->len = READ_ONCE(sqe->len);
	sr->flags = READ_ONCE(sqe->ioprio);
	sr->msg_flags = READ_ONCE(sqe->msg_flags) | MSG_NOSIGNAL;
	/* as the system calls do: these are the kernel's own */
	if (dir == ITER_SOURCE)
		sr->msg_flags &= ~MSG_INTERNAL_SENDMSG_FLAGS;
	/*
	 * So is MSG_CMSG_COMPAT: the socket layer then takes the control
	 * data, and writes RECVMSG's msghdr back, in the 32-bit layout, as
	 * for the compat system calls; a 32-bit ring's msghdrs have it.
	 */
	sr->msg_flags &= ~MSG_CMSG_COMPAT;
	if (sr->is_msg && io_is_compat(req->ctx))
		sr->msg_flags |= MSG_CMSG_COMPAT;
	sr->addr_len = READ_ONCE(sqe->addr_len);
	if (sr->flags & ~(dir == ITER_DEST ? IO_RECV_FLAGS :
			  sr->zc ? IO_ZC_FLAGS : IO_SEND_FLAGS))
		return -EINVAL;
	if (!select && !(sr->flags & IORING_RECVSEND_FIXED_BUF) &&
	    READ_ONCE(sqe->buf_index))
		return -EINVAL;
	ret = io_recv_limit_prep(req, sqe);
	if (ret)
		return ret;
	if ((dir == ITER_DEST || sr->is_msg) && READ_ONCE(sqe->addr2))
		return -EINVAL;
	if ((sr->flags & (IORING_RECV_MULTISHOT | IORING_RECVSEND_BUNDLE)) && !select)
		return -EINVAL;
	/* a bundle is an iovec of buffers: not for a msghdr's own iovecs */
	if ((sr->flags & IORING_RECVSEND_BUNDLE) && sr->is_msg)
		return -EINVAL;
	/* a vectored send names its own iovecs: no msghdr's, no buffers */
	if ((sr->flags & IORING_SEND_VECTORIZED) && (sr->is_msg || select))
		return -EINVAL;
	if (sr->flags & IORING_RECV_MULTISHOT) {
		if (sr->msg_flags & MSG_WAITALL)
			return -EINVAL;
		req->multishot = true;
	}
	/* a send bundle goes on, CQE by CQE, while its group has buffers */
	if (dir == ITER_SOURCE && (sr->flags & IORING_RECVSEND_BUNDLE))
		req->multishot = true;
	sr->poll_first = sr->flags & IORING_RECVSEND_POLL_FIRST;
	/* MSG_DONTWAIT: the would-block is the answer, nothing waits */
	if ((sr->msg_flags & MSG_DONTWAIT) && !req->multishot)
		req->nowait = true;
	/* read once: it decides the state's size, then fills it */
	if (dir == ITER_SOURCE)
		uaddr = u64_to_user_ptr(READ_ONCE(sqe->addr2));
	size = io_net_state_size(sr, uaddr);
	st = io_req_async_alloc(req, size);
	if (!st)
		return -ENOMEM;
	memset(st, 0, size);
	if (sr->zc) {
		ret = io_send_zc_init(req, st);
		if (ret)
			return ret;
	}
	if (sr->is_msg)
		return io_net_copy_msghdr(req, st, dir,
					  READ_ONCE(sqe->buf_index));
	if (dir == ITER_SOURCE) {
		ret = io_send_addr(sr, st, uaddr);
		if (ret)
			return ret;
	}
	if (select)
		return 0;
	if (sr->flags & IORING_SEND_VECTORIZED)
		return io_send_import_vec(req, st, READ_ONCE(sqe->buf_index));
	if (sr->flags & IORING_RECVSEND_FIXED_BUF) {
		ret = io_req_fixed_buf(req, READ_ONCE(sqe->buf_index));
		if (ret)
			return ret;
		return io_import_fixed(req, ITER_SOURCE, (u64)(uintptr_t)sr->buf,
				       sr->len, &st->msg.msg_iter);
	}
	return import_ubuf(dir, sr->buf, sr->len, &st->msg.msg_iter);
}

int io_sendrecv_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	bool recv = req->opcode == IORING_OP_RECV || req->opcode == IORING_OP_RECVMSG;

	return io_sr_prep(req, sqe, recv ? ITER_DEST : ITER_SOURCE);
}

/*
 * Give the iterator provided buffers to transfer through: one, or with
 * IORING_RECVSEND_BUNDLE as many as the ring has ready (up to a limit).
 */
static int io_net_select(struct io_kiocb *req, struct io_net_state *st,
			 int dir, size_t len, unsigned int issue_flags)
{
	struct io_sr *sr = io_kiocb_to_cmd(req, struct io_sr);
	void __user *buf;
	int nr;

	if (sr->flags & IORING_RECVSEND_BUNDLE) {
		nr = io_buffers_select(req, st->fast_iov, IO_BUNDLE_MAX, len,
				       issue_flags);
		if (nr < 0)
			return nr;
		iov_iter_init(&st->msg.msg_iter, dir, st->fast_iov, nr,
			      iov_length(st->fast_iov, nr));
		return 0;
	}
	buf = io_buffer_select(req, &len, issue_flags);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	return import_ubuf(dir, buf, len, &st->msg.msg_iter);
}

/*
 * Would a short transfer be carried on rather than completed? With
 * MSG_WAITALL, and always for a send bundle, whose buffers are gone once
 * it completes.
 */
static bool io_net_waitall(struct io_kiocb *req, struct socket *sock,
			   u32 msg_flags, int dir)
{
	struct io_sr *sr = io_kiocb_to_cmd(req, struct io_sr);

	if (sock->type != SOCK_STREAM && sock->type != SOCK_SEQPACKET)
		return false;
	return (msg_flags & MSG_WAITALL) ||
	       (dir == ITER_SOURCE && (sr->flags & IORING_RECVSEND_BUNDLE));
}

/* One send or receive; the user's control buffer starts afresh. */
static int io_sr_call(struct io_kiocb *req, struct socket *sock, int dir,
		      unsigned int flags)
{
	struct io_sr *sr = io_kiocb_to_cmd(req, struct io_sr);
	struct io_net_state *st = req->async;
	struct msghdr *msg = &st->msg;

	msg->msg_control_user = st->uctrl;
	msg->msg_control_is_user = true;
	msg->msg_controllen = st->ctrl_len;
	msg->msg_get_inq = dir == ITER_DEST;
	/* what is still queued after the call; -1: the socket does not say */
	msg->msg_inq = -1;
	if (dir == ITER_SOURCE) {
		if (sr->is_msg)
			return __sys_sendmsg_sock(sock, msg, flags);
		msg->msg_flags = flags;
		return sock_sendmsg(sock, msg);
	}
	if (sr->is_msg)
		return __sys_recvmsg_sock(sock, msg, st->umsg, st->uname, flags);
	msg->msg_flags = 0;
	return sock_recvmsg(sock, msg, flags);
}

static int io_net_errno(int ret)
{
	if (ret == -ERESTARTSYS || ret == -ERESTARTNOINTR ||
	    ret == -ERESTARTNOHAND || ret == -ERESTART_RESTARTBLOCK)
		return -EINTR;
	return ret;
}

/* CQE flags of a receive: the buffer used, and whether more is queued. */
static u32 io_recv_cflags(struct io_kiocb *req, int ret,
			  unsigned int issue_flags)
{
	struct io_net_state *st = req->async;
	u32 cflags = io_buffer_put(req, ret, issue_flags);

	if (ret >= 0 && st->msg.msg_inq > 0)
		cflags |= IORING_CQE_F_SOCK_NONEMPTY;
	return cflags;
}

/*
 * SEND, RECV, SENDMSG and RECVMSG, one-shot: one transfer, carried on
 * across tries for MSG_WAITALL.
 */
static int io_sr_issue(struct io_kiocb *req, unsigned int issue_flags, int dir)
{
	struct io_sr *sr = io_kiocb_to_cmd(req, struct io_sr);
	struct io_net_state *st = req->async;
	bool nonblock = issue_flags & IO_URING_F_NONBLOCK;
	unsigned int flags = sr->msg_flags;
	struct socket *sock = sock_from_file(sr->file);
	size_t want;
	int ret;

	if (!sock)
		return -ENOTSOCK;
	if (sr->poll_first && nonblock) {
		sr->poll_first = false;
		return -EAGAIN;
	}
	if ((req->sqe_flags & IOSQE_BUFFER_SELECT) && req->buf_sel == IO_KBUF_NONE) {
		ret = io_net_select(req, st, dir, sr->len, issue_flags);
		if (ret)
			return ret;
	}
	if (nonblock)
		flags |= MSG_DONTWAIT;
	for (;;) {
		want = iov_iter_count(&st->msg.msg_iter);
		ret = io_sr_call(req, sock, dir, flags);
		if (ret == -EAGAIN && nonblock && !req->nowait) {
			if (!st->done)
				io_buffer_recycle(req, issue_flags);
			return -EAGAIN;
		}
		if (ret <= 0 || ret >= want || !io_net_waitall(req, sock, flags, dir))
			break;
		st->done += ret;
		/* the next try goes on in the same buffer */
		io_buffer_keep(req);
		if (nonblock && !req->nowait)
			return -EAGAIN;
	}
	ret = io_net_errno(ret);
	if (ret >= 0)
		ret += st->done;
	else if (st->done)
		ret = st->done;
	req->cflags = dir == ITER_DEST ? io_recv_cflags(req, ret, issue_flags) :
					 io_buffer_put(req, ret, issue_flags);
	/* a short MSG_WAITALL transfer breaks its link chain */
	if (ret < 0 || ((sr->msg_flags & MSG_WAITALL) && ret < st->done + want))
		req->failed = true;
	req->res = ret;
	return 0;
}

/*
 * Multishot RECVMSG: each buffer starts with a struct
 * io_uring_recvmsg_out, then room for the name and the control data as
 * the user's msghdr sized them, then the payload.
 */
static int io_recvmsg_mshot_call(struct io_kiocb *req, struct socket *sock,
				 unsigned int flags, bool *eof)
{
	struct io_net_state *st = req->async;
	struct io_uring_recvmsg_out out = {};
	size_t hdr = sizeof(out) + st->name_len + st->ctrl_len;
	size_t len = iov_iter_count(&st->msg.msg_iter);
	void __user *base = st->msg.msg_iter.ubuf;
	struct msghdr *msg = &st->msg;
	int ret;

	if (len < hdr)
		return -EFAULT;
	iov_iter_ubuf(&msg->msg_iter, ITER_DEST, base + hdr, len - hdr);
	msg->msg_name = &st->addr;
	msg->msg_namelen = 0;
	msg->msg_control_user = base + sizeof(out) + st->name_len;
	msg->msg_control_is_user = true;
	msg->msg_controllen = st->ctrl_len;
	msg->msg_get_inq = 1;
	msg->msg_inq = -1;
	/* as recvmsg(2): these two say how to write the control data */
	msg->msg_flags = flags & (MSG_CMSG_CLOEXEC | MSG_CMSG_COMPAT);
	ret = sock_recvmsg(sock, msg, flags);
	if (ret < 0)
		return ret;
	/* an empty datagram is a message; nothing on a stream is its end */
	*eof = !ret && sock->type == SOCK_STREAM;
	out.payloadlen = ret;
	out.namelen = msg->msg_namelen;
	out.controllen = st->ctrl_len - msg->msg_controllen;
	out.flags = msg->msg_flags & ~MSG_CMSG_COMPAT;
	if (copy_to_user(base + sizeof(out), &st->addr,
			 min_t(int, st->name_len, msg->msg_namelen)) ||
	    copy_to_user(base, &out, sizeof(out)))
		return -EFAULT;
	/* the CQE covers the whole buffer up to the payload's end */
	return hdr + min_t(size_t, ret, len - hdr);
}

/* One message of a multishot receive (io_mshot_step_t). */
static enum io_mshot_step io_recv_mshot_step(struct io_kiocb *req,
					     unsigned int issue_flags,
					     s32 *res, u32 *cflags)
{
	struct io_sr *sr = io_kiocb_to_cmd(req, struct io_sr);
	struct socket *sock = sock_from_file(sr->file);
	unsigned int flags = sr->msg_flags | MSG_DONTWAIT;
	/* a RECV's length caps what a turn moves */
	bool capped = sr->len && !sr->is_msg;
	u32 want = capped ? sr->len - sr->turn : sr->len;
	bool eof = false;
	int n;

	if (sr->limited && (!want || want > sr->left))
		want = sr->left;
	n = io_net_select(req, req->async, ITER_DEST, want, issue_flags);
	if (!n && sr->is_msg)
		n = io_recvmsg_mshot_call(req, sock, flags, &eof);
	else if (!n)
		n = io_sr_call(req, sock, ITER_DEST, flags);
	if (n == -EAGAIN) {
		io_buffer_recycle(req, issue_flags);
		return IO_MSHOT_WAIT;
	}
	n = io_net_errno(n);
	*res = n;
	*cflags = io_recv_cflags(req, n, issue_flags);
	/* an error or EOF ends it, as does reaching its total */
	if (n <= 0 || eof)
		return IO_MSHOT_DONE;
	if (sr->limited) {
		sr->left -= min_t(u32, n, sr->left);
		if (!sr->left)
			return IO_MSHOT_DONE;
	}
	/* the socket said nothing more is queued: no try that would fail */
	if (!((struct io_net_state *)req->async)->msg.msg_inq)
		return IO_MSHOT_MORE_WAIT;
	/* a turn that reached its cap lets the others go */
	if (capped) {
		sr->turn += n;
		if (sr->turn >= sr->len)
			return IO_MSHOT_MORE_YIELD;
	}
	return IO_MSHOT_MORE;
}

static int io_recv_mshot(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_sr *sr = io_kiocb_to_cmd(req, struct io_sr);

	if (!sock_from_file(sr->file))
		return -ENOTSOCK;
	if (sr->poll_first) {
		sr->poll_first = false;
		return -EAGAIN;
	}
	/* each issue is a turn */
	sr->turn = 0;
	return io_mshot_issue(req, issue_flags, io_recv_mshot_step);
}

/*
 * One send of a bundle (io_mshot_step_t): it takes what the group has
 * ready. The bundle goes on while the group has more; a partial send
 * waiting for room keeps what it sent so far (st->done) for its CQE.
 */
static enum io_mshot_step io_send_bundle_step(struct io_kiocb *req,
					      unsigned int issue_flags,
					      s32 *res, u32 *cflags)
{
	struct io_net_state *st = req->async;
	int ret = io_sr_issue(req, issue_flags, ITER_SOURCE);

	if (ret == -EAGAIN)
		return IO_MSHOT_WAIT;
	*res = ret ? ret : req->res;
	*cflags = ret ? 0 : req->cflags;
	if (*res <= 0 || !io_buffers_left(req))
		return IO_MSHOT_DONE;
	/* this send's CQE is out either way: the next one starts afresh */
	st->done = 0;
	return IO_MSHOT_MORE;
}

int io_send(struct io_kiocb *req, unsigned int issue_flags)
{
	if (req->multishot)
		return io_mshot_issue(req, issue_flags, io_send_bundle_step);
	return io_sr_issue(req, issue_flags, ITER_SOURCE);
}

int io_recv(struct io_kiocb *req, unsigned int issue_flags)
{
	if (req->multishot)
		return io_recv_mshot(req, issue_flags);
	return io_sr_issue(req, issue_flags, ITER_DEST);
}

/**
 * io_send_zc - IORING_OP_SEND_ZC and SENDMSG_ZC
 * @req: the request
 * @issue_flags: as the request is issued
 *
 * The send completes as a SEND would, with IORING_CQE_F_MORE in its CQE:
 * the notification follows once the request is freed and the stack has
 * let go of its pages. A socket without zero-copy support fails it with
 * -EOPNOTSUPP (still followed by its notification).
 *
 * Return: -EAGAIN to wait for the socket, or 0 with the result set.
 */
int io_send_zc(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_sr *sr = io_kiocb_to_cmd(req, struct io_sr);
	struct socket *sock = sock_from_file(sr->file);
	struct io_net_state *st = req->async;
	int ret;

	/* set each time: copying a msghdr in clears it */
	st->msg.msg_ubuf = &st->notif->uarg;
	/* a socket that would copy anyway (AF_UNIX, ...) is refused */
	if (sock && !test_bit(SOCK_SUPPORT_ZC, &sock->flags))
		ret = -EOPNOTSUPP;
	else
		ret = io_sr_issue(req, issue_flags, ITER_SOURCE);
	if (ret == -EAGAIN)
		return ret;
	if (ret < 0)
		req->res = ret;
	req->cflags |= IORING_CQE_F_MORE;
	st->notif->post = true;
	return 0;
}
