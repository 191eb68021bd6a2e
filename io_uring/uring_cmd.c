// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_URING_CMD: a command for the file's driver (->uring_cmd()),
 * NVMe passthrough, block discard, socket queries, ..., and the driver API
 * of include/linux/io_uring/cmd.h, the calls a driver makes back into us.
 *
 * The SQE is copied at prep, so the driver may read it for as long as the
 * command lives. A driver that returns -EIOCBQUEUED completes the command
 * later with io_uring_cmd_done(); until then the request is parked, and
 * cancelled through the driver if it marked itself cancelable.
 */
#include <linux/kernel.h>
#include <linux/net.h>
#include <linux/uio.h>
#include <linux/slab.h>
#include <linux/security.h>
#include <linux/audit.h>
#include <linux/io_uring/cmd.h>
#include <linux/io_uring/net.h>
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <linux/ptp_clock_kernel.h>
#include <linux/skbuff.h>
#include <net/sock.h>
#include <asm/ioctls.h>

#include "uring.h"
#include "opdef.h"
#include "complete.h"
#include "iopoll.h"
#include "issue.h"
#include "tw.h"

/*
 * req->async of a command: the entry an IOPOLL ring's reaper polls, and
 * the copy of the SQE (one or two 64-byte slots) the driver reads.
 */
struct io_uring_cmd_async {
	struct io_iopoll	iopoll;
	struct io_uring_sqe	sqe[];
};

static struct io_iopoll *io_uring_cmd_iopoll_of(struct io_kiocb *req)
{
	return &((struct io_uring_cmd_async *)req->async)->iopoll;
}

/*
 * Is the command polled for its completion? On an IOPOLL ring, when its
 * file can be polled; a file that cannot (a socket) runs its commands as
 * on any other ring.
 */
static bool io_uring_cmd_polled(struct io_kiocb *req)
{
	struct io_uring_cmd *cmd = io_kiocb_to_cmd(req, struct io_uring_cmd);

	return (req->ctx->flags & IORING_SETUP_IOPOLL) &&
	       cmd->file->f_op->uring_cmd_iopoll;
}

static void io_uring_cmd_tw(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_uring_cmd *cmd = io_kiocb_to_cmd(req, struct io_uring_cmd);

	cmd->task_work_cb(cmd, issue_flags);
}

/* Completion handed over from a context without the ring lock. */
static void io_uring_cmd_post(struct io_kiocb *req, unsigned int issue_flags)
{
	io_req_unpark(req);
	io_req_complete_tw(req, issue_flags);
}

static void io_uring_cmd_punt_tw(struct io_kiocb *req, unsigned int issue_flags)
{
	if (issue_flags & IO_URING_F_TASK_DEAD) {
		req->res = -ECANCELED;
		io_uring_cmd_post(req, issue_flags);
		return;
	}
	io_req_punt(req);
}

/**
 * __io_uring_cmd_do_in_task - call @task_work_cb in the submitter's context
 * @ioucmd: the command
 * @task_work_cb: callback; gets the issue_flags to pass to io_uring_cmd_done()
 * @flags: IOU_F_TWQ_LAZY_WAKE or 0
 *
 * Context: any.
 */
void __io_uring_cmd_do_in_task(struct io_uring_cmd *ioucmd,
			       void (*task_work_cb)(struct io_uring_cmd *, unsigned int),
			       unsigned int flags)
{
	ioucmd->task_work_cb = task_work_cb;
	io_req_task_work_add(cmd_to_io_kiocb(ioucmd), io_uring_cmd_tw);
}
EXPORT_SYMBOL_GPL(__io_uring_cmd_do_in_task);

/**
 * io_uring_cmd_done - complete a command
 * @ioucmd: the command
 * @ret: CQE result
 * @res2: second result, in the big CQE of a CQE32 ring
 * @issue_flags: as io_uring passed them to the driver
 *
 * Context: any. With the @issue_flags of an issue or task_work callback
 * that holds the ring lock the CQE is batched at once; otherwise the
 * completion is handed to the submitter's task. A polled command
 * (IOPOLL ring, pollable file) is only marked done: the ring's reaper
 * completes it.
 */
void io_uring_cmd_done(struct io_uring_cmd *ioucmd, ssize_t ret, u64 res2,
		       unsigned int issue_flags)
{
	struct io_kiocb *req = cmd_to_io_kiocb(ioucmd);

	if (ret < 0)
		req->failed = true;
	req->res = ret;
	req->big_cqe[0] = res2;
	ioucmd->flags &= ~IORING_URING_CMD_CANCELABLE;
	if (io_uring_cmd_polled(req)) {
		/* the reaper completes it */
		io_iopoll_mark_done(io_uring_cmd_iopoll_of(req));
		return;
	}
	/*
	 * Called back from our task_work, the ring lock is held: post. From
	 * within ->uring_cmd() (which may still return -EIOCBQUEUED) or any
	 * other context: through task_work.
	 */
	if ((issue_flags & IO_URING_F_COMPLETE_DEFER) &&
	    !(issue_flags & (IO_URING_F_UNLOCKED | IO_URING_F_NONBLOCK)))
		io_uring_cmd_post(req, issue_flags);
	else
		io_req_task_work_add(req, io_uring_cmd_post);
}
EXPORT_SYMBOL_GPL(io_uring_cmd_done);

/**
 * io_uring_cmd_import_fixed - map a registered buffer for a command
 * @ubuf: user address inside a registered buffer
 * @len: bytes
 * @rw: ITER_SOURCE or ITER_DEST
 * @iter: filled in on success
 * @ioucmd: the command
 *
 * The command must have been submitted with IORING_URING_CMD_FIXED, which
 * makes its request hold the buffer sqe->buf_index names.
 *
 * Context: the command's issue; does not sleep.
 * Return: 0, or -EFAULT.
 */
int io_uring_cmd_import_fixed(u64 ubuf, unsigned long len, int rw,
			      struct iov_iter *iter, void *ioucmd)
{
	struct io_kiocb *req = cmd_to_io_kiocb(ioucmd);

	if (!req->rsrc_buf)
		return -EFAULT;
	return io_import_fixed(req, rw, ubuf, len, iter);
}
EXPORT_SYMBOL_GPL(io_uring_cmd_import_fixed);

/**
 * io_uring_cmd_mark_cancelable - let ring teardown cancel this command
 * @cmd: the command
 * @issue_flags: as passed to the driver
 *
 * Context: the command's issue. Issued from io-wq (IO_URING_F_UNLOCKED),
 * it takes ctx->uring_lock and may sleep.
 */
void io_uring_cmd_mark_cancelable(struct io_uring_cmd *cmd,
				  unsigned int issue_flags)
{
	struct io_ring_ctx *ctx = cmd_to_io_kiocb(cmd)->ctx;

	/* cancellers read the flag under the ring lock */
	if (issue_flags & IO_URING_F_UNLOCKED)
		mutex_lock(&ctx->uring_lock);
	cmd->flags |= IORING_URING_CMD_CANCELABLE;
	if (issue_flags & IO_URING_F_UNLOCKED)
		mutex_unlock(&ctx->uring_lock);
}
EXPORT_SYMBOL_GPL(io_uring_cmd_mark_cancelable);

/**
 * io_uring_cmd_issue_blocking - reissue a command from a context that may block
 * @ioucmd: the command
 *
 * The driver's nonblocking try found it would block: an io-wq worker of
 * the submitter issues it again.
 *
 * Context: any.
 */
void io_uring_cmd_issue_blocking(struct io_uring_cmd *ioucmd)
{
	io_req_task_work_add(cmd_to_io_kiocb(ioucmd), io_uring_cmd_punt_tw);
}
EXPORT_SYMBOL_GPL(io_uring_cmd_issue_blocking);

/*
 * SOCKET_URING_OP_GETSOCKOPT: level, optname, optval and optlen as for
 * getsockopt(2), but optlen is a value: the length the option took comes
 * back as the result. SOL_SOCKET only.
 */
static int io_uring_cmd_getsockopt(struct socket *sock,
				   struct io_uring_cmd *cmd,
				   unsigned int issue_flags)
{
	const struct io_uring_sqe *sqe = cmd->sqe;
	void __user *optval = u64_to_user_ptr(READ_ONCE(sqe->optval));
	int level = READ_ONCE(sqe->level);
	int optlen = READ_ONCE(sqe->optlen);
	int ret;

	if (level != SOL_SOCKET)
		return -EOPNOTSUPP;
	ret = do_sock_getsockopt(sock, issue_flags & IO_URING_F_COMPAT, level,
				 READ_ONCE(sqe->optname),
				 USER_SOCKPTR(optval), KERNEL_SOCKPTR(&optlen));
	return ret ?: optlen;
}

/* SOCKET_URING_OP_SETSOCKOPT: setsockopt(2) at any level; 0 on success. */
static int io_uring_cmd_setsockopt(struct socket *sock,
				   struct io_uring_cmd *cmd,
				   unsigned int issue_flags)
{
	const struct io_uring_sqe *sqe = cmd->sqe;
	void __user *optval = u64_to_user_ptr(READ_ONCE(sqe->optval));

	return do_sock_setsockopt(sock, issue_flags & IO_URING_F_COMPAT,
				  READ_ONCE(sqe->level),
				  READ_ONCE(sqe->optname), USER_SOCKPTR(optval),
				  READ_ONCE(sqe->optlen));
}

/*
 * SOCKET_URING_OP_GETSOCKNAME: getsockname(2), or with optlen 1
 * getpeername(2): the address goes to addr, at most as many bytes as the
 * int at addr3 says, and that int becomes the address's full length.
 */
static int io_uring_cmd_getsockname(struct socket *sock,
				    struct io_uring_cmd *cmd)
{
	const struct io_uring_sqe *sqe = cmd->sqe;
	void __user *uaddr = u64_to_user_ptr(READ_ONCE(sqe->addr));
	int __user *ulen = u64_to_user_ptr(READ_ONCE(sqe->addr3));
	u32 peer = READ_ONCE(sqe->optlen);
	struct sockaddr_storage addr;
	int len, ret;

	if (peer > 1)
		return -EINVAL;
	ret = peer ? security_socket_getpeername(sock) :
		     security_socket_getsockname(sock);
	if (ret)
		return ret;
	ret = READ_ONCE(sock->ops)->getname(sock, (struct sockaddr *)&addr,
					    peer);
	if (ret < 0)
		return ret;
	/* then as the system calls hand the address out */
	if (get_user(len, ulen))
		return -EFAULT;
	len = min(len, ret);
	if (len < 0)
		return -EINVAL;
	if (len && audit_sockaddr(ret, &addr))
		return -ENOMEM;
	if (copy_to_user(uaddr, &addr, len) || put_user(ret, ulen))
		return -EFAULT;
	return 0;
}

/*
 * SOCKET_URING_OP_SIOCINQ and SIOCOUTQ: the bytes queued for reading or
 * not yet sent, from the protocol's ioctl.
 */
static int io_uring_cmd_sock_queued(struct sock *sk, u32 op)
{
	int arg = 0, ioc, ret;

	if (op == SOCKET_URING_OP_SIOCINQ)
		ioc = SIOCINQ;
	else if (op == SOCKET_URING_OP_SIOCOUTQ)
		ioc = SIOCOUTQ;
	else
		return -EOPNOTSUPP;
	if (!sk->sk_prot || !sk->sk_prot->ioctl)
		return -EOPNOTSUPP;
	ret = sk->sk_prot->ioctl(sk, ioc, &arg);
	return ret ?: arg;
}

/*
 * Is this error queue entry a transmit timestamp? Its origin value is
 * shared with the transmit status reports of Wi-Fi and ARCnet acks, which
 * are left for recvmsg(MSG_ERRQUEUE).
 */
static bool io_is_tx_tstamp(struct sk_buff *skb)
{
	const struct sock_exterr_skb *serr = SKB_EXT_ERR(skb);

	return serr->ee.ee_errno == ENOMSG &&
	       serr->ee.ee_origin == SO_EE_ORIGIN_TIMESTAMPING &&
	       serr->ee.ee_info <= SCM_TSTAMP_ACK && !skb_wifi_acked_valid(skb);
}

/*
 * The time of a transmit timestamp as recvmsg(MSG_ERRQUEUE) reports it:
 * the software one if the entry has it and the socket asked for software
 * reports, else the hardware one if asked for raw hardware reports (in
 * the bound PHC's time with SOF_TIMESTAMPING_BIND_PHC), else none (zero).
 * True for a hardware time. May sleep (the PHC conversion).
 */
static bool io_tx_tstamp_time(struct sock *sk, struct sk_buff *skb,
			      struct timespec64 *ts)
{
	u32 tsflags = READ_ONCE(sk->sk_tsflags);
	ktime_t hwts = skb_hwtstamps(skb)->hwtstamp;

	*ts = (struct timespec64){};
	if (skb->tstamp) {
		if (tsflags & SOF_TIMESTAMPING_SOFTWARE)
			*ts = ktime_to_timespec64(skb->tstamp);
		return false;
	}
	if (!hwts || !(tsflags & SOF_TIMESTAMPING_RAW_HARDWARE))
		return false;
	if (tsflags & SOF_TIMESTAMPING_BIND_PHC)
		hwts = ptp_convert_timestamp(&hwts, READ_ONCE(sk->sk_bind_phc));
	*ts = ktime_to_timespec64(hwts);
	return true;
}

/*
 * One timestamp's CQE. One that cannot be allocated is lost, and counted
 * as lost CQEs are (cq_overflow, -EBADR for the next wait).
 */
static void io_tx_tstamp_post(struct io_kiocb *req, struct sock *sk,
			      struct sk_buff *skb)
{
	const struct sock_exterr_skb *serr = SKB_EXT_ERR(skb);
	struct io_ring_ctx *ctx = req->ctx;
	u32 cflags = IORING_CQE_F_MORE |
		     (serr->ee.ee_info << IORING_TIMESTAMP_TYPE_SHIFT);
	struct timespec64 ts;
	u64 big[2];

	if (io_tx_tstamp_time(sk, skb, &ts))
		cflags |= IORING_CQE_F_TSTAMP_HW;
	if (ctx->flags & IORING_SETUP_CQE_MIXED)
		cflags |= IORING_CQE_F_32;
	big[0] = ts.tv_sec;	/* struct io_timespec */
	big[1] = ts.tv_nsec;
	io_cq_lock(ctx);
	io_post_cqe(ctx, req->user_data, serr->ee.ee_data, cflags, big);
	io_cq_unlock_post(ctx);
}

/*
 * What dequeueing the front error leaves as the socket's state, as
 * recvmsg(MSG_ERRQUEUE) leaves it: the error of an ICMP report now in
 * front, and a report to pollers that some are left.
 */
static void io_err_queue_rearm(struct sock *sk)
{
	struct sk_buff_head *q = &sk->sk_error_queue;
	const struct sock_exterr_skb *serr;
	struct sk_buff *skb;
	unsigned long flags;
	int err = 0;

	spin_lock_irqsave(&q->lock, flags);
	skb = skb_peek(q);
	if (skb) {
		serr = SKB_EXT_ERR(skb);
		if (serr->ee.ee_origin == SO_EE_ORIGIN_ICMP ||
		    serr->ee.ee_origin == SO_EE_ORIGIN_ICMP6)
			err = serr->ee.ee_errno;
	}
	spin_unlock_irqrestore(&q->lock, flags);
	if (err)
		WRITE_ONCE(sk->sk_err, err);
	if (skb)
		sk_error_report(sk);
}

/*
 * SOCKET_URING_OP_TX_TIMESTAMP: the transmit timestamps waiting in the
 * socket's error queue (SO_TIMESTAMPING) are taken off it in one pass and
 * each becomes a 32-byte CQE with IORING_CQE_F_MORE: its key (ee_data) in
 * res, its type (SCM_TSTAMP_*) in the flags from IORING_TIMESTAMP_TYPE_SHIFT,
 * the time in the extra words; then the command completes with 0. Other
 * entries stay queued; a timestamp's packet (without OPT_TSONLY) and
 * OPT_STATS are not passed on. Needs 32-byte CQEs (CQE32 or CQE_MIXED),
 * and what recvmsg(MSG_ERRQUEUE) would need of the LSM.
 */
static int io_uring_cmd_tx_timestamp(struct io_uring_cmd *cmd,
				     struct socket *sock)
{
	struct io_kiocb *req = cmd_to_io_kiocb(cmd);
	struct sock *sk = sock->sk;
	struct sk_buff_head *q = &sk->sk_error_queue, mine;
	struct msghdr msg = {};
	struct sk_buff *skb, *next;
	unsigned long flags;
	bool front;
	int ret;

	if (!(req->ctx->flags & (IORING_SETUP_CQE32 | IORING_SETUP_CQE_MIXED)))
		return -EINVAL;
	ret = security_socket_recvmsg(sock, &msg, 0, MSG_ERRQUEUE);
	if (ret)
		return ret;
	__skb_queue_head_init(&mine);
	spin_lock_irqsave(&q->lock, flags);
	skb = skb_peek(q);
	front = skb && io_is_tx_tstamp(skb);
	skb_queue_walk_safe(q, skb, next) {
		if (!io_is_tx_tstamp(skb))
			continue;
		__skb_unlink(skb, q);
		__skb_queue_tail(&mine, skb);
	}
	spin_unlock_irqrestore(&q->lock, flags);
	if (skb_queue_empty(&mine))
		return 0;
	while ((skb = __skb_dequeue(&mine))) {
		io_tx_tstamp_post(req, sk, skb);
		consume_skb(skb);
		cond_resched();
	}
	if (front)
		io_err_queue_rearm(sk);
	return 0;
}

/**
 * io_uring_cmd_sock - the socket layer's ->uring_cmd()
 * @cmd: SOCKET_URING_OP_SIOCINQ, SIOCOUTQ, GETSOCKOPT, SETSOCKOPT,
 *	 GETSOCKNAME or TX_TIMESTAMP
 * @issue_flags: IO_URING_F_COMPAT for a 32-bit ring, whose socket options
 *		 skip the cgroup BPF hooks as the compat syscalls' do
 *
 * Context: the command's issue; socket options take the socket's lock
 * and may sleep.
 * Return: for SIOCINQ/SIOCOUTQ the byte count the matching ioctl would
 * give; for GETSOCKOPT the option's length; for SETSOCKOPT, GETSOCKNAME
 * and TX_TIMESTAMP 0; or -errno.
 */
int io_uring_cmd_sock(struct io_uring_cmd *cmd, unsigned int issue_flags)
{
	struct socket *sock = cmd->file->private_data;
	u32 op = cmd->cmd_op;

	if (op == SOCKET_URING_OP_GETSOCKOPT)
		return io_uring_cmd_getsockopt(sock, cmd, issue_flags);
	if (op == SOCKET_URING_OP_SETSOCKOPT)
		return io_uring_cmd_setsockopt(sock, cmd, issue_flags);
	if (op == SOCKET_URING_OP_GETSOCKNAME)
		return io_uring_cmd_getsockname(sock, cmd);
	if (op == SOCKET_URING_OP_TX_TIMESTAMP)
		return io_uring_cmd_tx_timestamp(cmd, sock);
	return io_uring_cmd_sock_queued(sock->sk, op);
}
EXPORT_SYMBOL_GPL(io_uring_cmd_sock);

/* The op itself */

int io_uring_cmd_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	struct io_uring_cmd *cmd = io_kiocb_to_cmd(req, struct io_uring_cmd);
	bool big = req->ctx->sqe_shift == 7 || io_op_defs[req->opcode].sqe128;
	size_t size = sizeof(*sqe) << big;
	u32 flags = READ_ONCE(sqe->uring_cmd_flags);
	struct io_uring_cmd_async *as;
	int ret;

	if (READ_ONCE(sqe->__pad1))
		return -EINVAL;
	if (flags & ~IORING_URING_CMD_FIXED)
		return -EINVAL;
	if (flags & IORING_URING_CMD_FIXED) {
		ret = io_req_fixed_buf(req, READ_ONCE(sqe->buf_index));
		if (ret)
			return ret;
	}
	/* the SQ slot may be reused before the driver is done with it */
	as = kmalloc(sizeof(*as) + size, GFP_KERNEL_ACCOUNT);
	if (!as)
		return -ENOMEM;
	memcpy(as->sqe, sqe, size);
	req->async = as;
	cmd->sqe = as->sqe;
	/* from the copy: what the driver reads must agree with it */
	cmd->cmd_op = as->sqe->cmd_op;
	cmd->flags = flags;
	/* a mixed CQ ring gives a command the big CQE a CQE32 ring would */
	if (req->ctx->flags & IORING_SETUP_CQE_MIXED)
		req->cflags |= IORING_CQE_F_32;
	return 0;
}

/* What a driver may need to know about the ring. */
static unsigned int io_uring_cmd_ring_flags(struct io_kiocb *req)
{
	unsigned int flags = 0;

	/* URING_CMD128 of a mixed ring has a big SQE, and gets a big CQE */
	if ((req->ctx->flags & IORING_SETUP_SQE128) ||
	    io_op_defs[req->opcode].sqe128)
		flags |= IO_URING_F_SQE128;
	if ((req->ctx->flags & IORING_SETUP_CQE32) ||
	    (req->cflags & IORING_CQE_F_32))
		flags |= IO_URING_F_CQE32;
	/* the ring's creator's ABI, not that of whoever issues it now */
	if (io_is_compat(req->ctx))
		flags |= IO_URING_F_COMPAT;
	return flags;
}

/*
 * ->cancel of a command the driver holds. A driver's cancel tears its
 * queue down, so it is asked only when the ring closes or the submitter
 * exits or execs, and only for a command it marked cancelable; it may
 * decline until later (the walkers come back). Its io_uring_cmd_done()
 * goes through task_work: the walkers must not see requests complete
 * under them.
 */
static int io_uring_cmd_cancel(struct io_kiocb *req)
{
	struct io_uring_cmd *cmd = io_kiocb_to_cmd(req, struct io_uring_cmd);
	unsigned int flags = IO_URING_F_CANCEL | io_uring_cmd_ring_flags(req);

	if (!(cmd->flags & IORING_URING_CMD_CANCELABLE))
		return -EALREADY;
	if (!percpu_ref_is_dying(&req->ctx->refs) &&
	    !READ_ONCE(req->task->io_uring->draining))
		return -EALREADY;
	cmd->file->f_op->uring_cmd(cmd, flags);
	return -EALREADY;
}

/* IOPOLL ring: ask the driver whether the command is done. */
static void io_uring_cmd_iopoll(struct io_iopoll *ip, struct io_comp_batch *iob,
				unsigned int poll_flags)
{
	struct io_uring_cmd *cmd = io_kiocb_to_cmd(ip->req, struct io_uring_cmd);

	cmd->file->f_op->uring_cmd_iopoll(cmd, iob, poll_flags);
}

static int io_uring_cmd_iopoll_cancel(struct io_kiocb *req)
{
	if (io_iopoll_settle(io_uring_cmd_iopoll_of(req)))
		return -EALREADY;
	return io_uring_cmd_cancel(req);
}

/*
 * A polled command: the driver's completion only marks it done, so it
 * goes on the reaper's list once the driver has accepted it.
 */
static int io_uring_cmd_issue_polled(struct io_kiocb *req,
				     unsigned int issue_flags)
{
	struct io_uring_cmd *cmd = io_kiocb_to_cmd(req, struct io_uring_cmd);
	struct io_iopoll *ip = io_uring_cmd_iopoll_of(req);
	int ret;

	ip->done = false;
	ret = cmd->file->f_op->uring_cmd(cmd, issue_flags | IO_URING_F_IOPOLL);
	if (ret == -EIOCBQUEUED) {
		ip->poll = io_uring_cmd_iopoll;
		ip->complete = io_uring_cmd_post;
		io_iopoll_queue(req, ip, io_uring_cmd_iopoll_cancel, issue_flags);
		return IOU_PARKED;
	}
	if (ret < 0)
		return ret;
	req->res = ret;
	return 0;
}

/* Park and unpark from io-wq too, where the ring lock is not held. */
static void io_uring_cmd_park(struct io_kiocb *req, unsigned int issue_flags)
{
	if (issue_flags & IO_URING_F_UNLOCKED)
		mutex_lock(&req->ctx->uring_lock);
	io_req_park(req, io_uring_cmd_cancel);
	if (issue_flags & IO_URING_F_UNLOCKED)
		mutex_unlock(&req->ctx->uring_lock);
}

static void io_uring_cmd_unpark(struct io_kiocb *req, unsigned int issue_flags)
{
	if (issue_flags & IO_URING_F_UNLOCKED)
		mutex_lock(&req->ctx->uring_lock);
	io_req_unpark(req);
	if (issue_flags & IO_URING_F_UNLOCKED)
		mutex_unlock(&req->ctx->uring_lock);
}

/* The file must take commands, and the LSM must let this one through. */
static int io_uring_cmd_allowed(struct io_uring_cmd *cmd)
{
	if (!cmd->file->f_op->uring_cmd)
		return -EOPNOTSUPP;
	return security_uring_cmd(cmd);
}

int io_uring_cmd(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_uring_cmd *cmd = io_kiocb_to_cmd(req, struct io_uring_cmd);
	struct file *file = cmd->file;
	bool went_async;
	int ret;

	ret = io_uring_cmd_allowed(cmd);
	if (ret)
		return ret;
	issue_flags |= io_uring_cmd_ring_flags(req);
	if (io_uring_cmd_polled(req))
		return io_uring_cmd_issue_polled(req, issue_flags);
	/* parked first: the driver may complete it before it returns */
	went_async = req->went_async;
	io_uring_cmd_park(req, issue_flags);
	ret = file->f_op->uring_cmd(cmd, issue_flags);
	if (ret == -EIOCBQUEUED)
		return IOU_PARKED;
	io_uring_cmd_unpark(req, issue_flags);
	req->went_async = went_async;
	if (ret < 0)
		return ret;
	req->res = ret;
	return 0;
}
