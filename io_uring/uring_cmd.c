// SPDX-License-Identifier: GPL-2.0
/*
 * The driver API for passthrough commands (include/linux/io_uring/cmd.h).
 * IORING_OP_URING_CMD itself is not offered yet, so no driver is called
 * with a command; these are the calls a driver makes back into us.
 */
#include <linux/kernel.h>
#include <linux/net.h>
#include <linux/uio.h>
#include <linux/io_uring/cmd.h>
#include <linux/io_uring/net.h>
#include <net/sock.h>
#include <asm/ioctls.h>

#include "uring.h"

static void io_uring_cmd_tw(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_uring_cmd *cmd = io_kiocb_to_cmd(req, struct io_uring_cmd);

	cmd->task_work_cb(cmd, issue_flags);
}

/* Completion handed over from a context without the ring lock. */
static void io_uring_cmd_post(struct io_kiocb *req, unsigned int issue_flags)
{
	io_req_complete_defer(req);
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
 * completion is handed to the submitter's task.
 */
void io_uring_cmd_done(struct io_uring_cmd *ioucmd, ssize_t ret, u64 res2,
		       unsigned int issue_flags)
{
	struct io_kiocb *req = cmd_to_io_kiocb(ioucmd);

	req->res = ret;
	req->big_cqe[0] = res2;
	if ((issue_flags & IO_URING_F_COMPLETE_DEFER) &&
	    !(issue_flags & IO_URING_F_UNLOCKED))
		io_req_complete_defer(req);
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
 * Return: -EFAULT: no buffer can be registered yet.
 */
int io_uring_cmd_import_fixed(u64 ubuf, unsigned long len, int rw,
			      struct iov_iter *iter, void *ioucmd)
{
	return -EFAULT;
}
EXPORT_SYMBOL_GPL(io_uring_cmd_import_fixed);

/**
 * io_uring_cmd_mark_cancelable - let ring teardown cancel this command
 * @cmd: the command
 * @issue_flags: as passed to the driver
 */
void io_uring_cmd_mark_cancelable(struct io_uring_cmd *cmd,
				  unsigned int issue_flags)
{
	cmd->flags |= IORING_URING_CMD_CANCELABLE;
}
EXPORT_SYMBOL_GPL(io_uring_cmd_mark_cancelable);

/**
 * io_uring_cmd_issue_blocking - reissue a command from a context that may block
 * @ioucmd: the command
 *
 * Without io-wq the command is failed with -EAGAIN.
 */
void io_uring_cmd_issue_blocking(struct io_uring_cmd *ioucmd)
{
	io_uring_cmd_done(ioucmd, -EAGAIN, 0, IO_URING_F_UNLOCKED);
}
EXPORT_SYMBOL_GPL(io_uring_cmd_issue_blocking);

/**
 * io_uring_cmd_sock - the socket layer's ->uring_cmd()
 * @cmd: SOCKET_URING_OP_SIOCINQ or SIOCOUTQ
 * @issue_flags: unused
 *
 * Return: the byte count the matching ioctl would give, or -errno.
 */
int io_uring_cmd_sock(struct io_uring_cmd *cmd, unsigned int issue_flags)
{
	struct socket *sock = cmd->file->private_data;
	struct sock *sk = sock->sk;
	int arg = 0, ret;

	if (!sk->sk_prot || !sk->sk_prot->ioctl)
		return -EOPNOTSUPP;
	switch (cmd->cmd_op) {
	case SOCKET_URING_OP_SIOCINQ:
		ret = sk->sk_prot->ioctl(sk, SIOCINQ, &arg);
		break;
	case SOCKET_URING_OP_SIOCOUTQ:
		ret = sk->sk_prot->ioctl(sk, SIOCOUTQ, &arg);
		break;
	default:
		return -EOPNOTSUPP;
	}
	return ret ?: arg;
}
EXPORT_SYMBOL_GPL(io_uring_cmd_sock);
