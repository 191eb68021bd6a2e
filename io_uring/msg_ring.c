// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_MSG_RING: one ring talks to another (or to itself) by putting
 * something in it, named by sqe->addr:
 *
 * IORING_MSG_DATA	posts a CQE in the target ring, with sqe->off as its
 *			user_data, sqe->len as its res and, with
 *			IORING_MSG_RING_FLAGS_PASS, sqe->file_index as its
 *			flags.
 * IORING_MSG_SEND_FD	copies the file of our fixed slot sqe->addr3 into
 *			the target's fixed file table, at slot
 *			sqe->file_index - 1 or, for IORING_FILE_INDEX_ALLOC,
 *			at a free slot of its allocation range. The target
 *			gets a CQE with the slot (0 for a given slot) as res
 *			unless IORING_MSG_RING_CQE_SKIP is set.
 *
 * sqe->fd is the target ring's fd, held by the core for the request's life.
 * Our own CQE has res 0, or for an allocated slot that slot.
 *
 * IORING_REGISTER_SEND_MSG_RING sends a data message from no ring at all:
 * io_uring_register(2) with fd -1 and such an SQE (io_msg_ring_sync()).
 *
 * A target's CQ is posted to under its cq_lock from any task, so a data
 * message needs no lock of the target beyond that. A file needs the
 * target's uring_lock, and two rings may be sending files to each other
 * at the same time, each issuing under its own uring_lock: so we only
 * try the target's lock when we hold ours, and when that fails the
 * request goes to io-wq, where it holds no ring lock and may wait for it.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/mutex.h>
#include <linux/uaccess.h>
#include <linux/io_uring.h>

#include "uring.h"
#include "opdef.h"
#include "rsrc.h"
#include "complete.h"
#include "submit.h"
#include "policy.h"

#define IO_MSG_RING_FLAGS	(IORING_MSG_RING_CQE_SKIP | \
				 IORING_MSG_RING_FLAGS_PASS)

struct io_msg {
	struct file		*file;		/* the target ring, from the core */
	struct file		*src_file;	/* SEND_FD: ours until installed */
	u64			user_data;	/* for the target's CQE */
	u32			len;		/* DATA: the target CQE's res */
	u32			cmd;		/* IORING_MSG_* */
	u32			flags;		/* IORING_MSG_RING_* */
	u32			src_slot;	/* SEND_FD: our fixed slot */
	/* SEND_FD: slot + 1 or ALLOC; DATA with FLAGS_PASS: the CQE flags */
	u32			dst;
};

/* The SQE's fields, checked as io_msg_ring_prep() says. */
static int io_msg_parse(struct io_msg *msg, const struct io_uring_sqe *sqe)
{
	u64 cmd = READ_ONCE(sqe->addr);
	u64 src_slot = READ_ONCE(sqe->addr3);

	if (READ_ONCE(sqe->ioprio) || READ_ONCE(sqe->buf_index))
		return -EINVAL;
	msg->user_data = READ_ONCE(sqe->off);
	msg->len = READ_ONCE(sqe->len);
	msg->dst = READ_ONCE(sqe->file_index);
	msg->flags = READ_ONCE(sqe->msg_ring_flags);
	if (msg->flags & ~IO_MSG_RING_FLAGS)
		return -EINVAL;

	switch (cmd) {
	case IORING_MSG_DATA:
		/* no file moves, so no CQE to skip and no slots */
		if (src_slot || (msg->flags & IORING_MSG_RING_CQE_SKIP))
			return -EINVAL;
		if (msg->dst && !(msg->flags & IORING_MSG_RING_FLAGS_PASS))
			return -EINVAL;
		break;
	case IORING_MSG_SEND_FD:
		/* file_index is the slot here, it has no flags to pass */
		if (msg->len || (msg->flags & IORING_MSG_RING_FLAGS_PASS))
			return -EINVAL;
		if (!msg->dst || src_slot > U32_MAX)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	msg->cmd = cmd;
	msg->src_slot = src_slot;
	return 0;
}

/**
 * io_msg_ring_prep - prepare IORING_OP_MSG_RING
 * @req: the request
 * @sqe: fd the target ring, addr the IORING_MSG_* command, off the target
 *	 CQE's user_data, len its res (DATA), addr3 our fixed slot (SEND_FD),
 *	 file_index the target slot (SEND_FD) or the target CQE's flags
 *	 (DATA with IORING_MSG_RING_FLAGS_PASS), msg_ring_flags
 *
 * Return: 0, or -EINVAL for an unknown command or flag or a field the
 * command does not use.
 */
int io_msg_ring_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	return io_msg_parse(io_kiocb_to_cmd(req, struct io_msg), sqe);
}

/*
 * Post a CQE in @ctx, from any task. Return: false if it was lost, for
 * want of memory to overflow it.
 */
static bool io_msg_post(struct io_ring_ctx *ctx, u64 user_data, s32 res,
			u32 cflags)
{
	bool posted;

	io_cq_lock(ctx);
	posted = io_post_cqe(ctx, user_data, res, cflags, NULL);
	io_cq_unlock_post(ctx);
	return posted;
}

/* A data message's CQE flags: passed along, or none. */
static u32 io_msg_cflags(const struct io_msg *msg)
{
	return (msg->flags & IORING_MSG_RING_FLAGS_PASS) ? msg->dst : 0;
}

static int io_msg_data(struct io_kiocb *req, struct io_ring_ctx *target,
		       unsigned int issue_flags)
{
	struct io_msg *msg = io_kiocb_to_cmd(req, struct io_msg);

	/* a message to ourselves comes after what completed before it */
	if (target == req->ctx && !(issue_flags & IO_URING_F_UNLOCKED))
		io_compl_flush(target);
	if (!io_msg_post(target, msg->user_data, msg->len, io_msg_cflags(msg)))
		return -EOVERFLOW;
	req->res = 0;
	return 0;
}

/*
 * Take @target's uring_lock. Holding our own ring's lock we only try: the
 * target may be issuing a SEND_FD to us under its lock right now.
 */
static bool io_msg_lock_target(struct io_ring_ctx *target,
			       unsigned int issue_flags)
{
	if (issue_flags & IO_URING_F_UNLOCKED) {
		mutex_lock(&target->uring_lock);
		return true;
	}
	return mutex_trylock(&target->uring_lock);
}

static int io_msg_send_fd(struct io_kiocb *req, struct io_ring_ctx *target,
			  unsigned int issue_flags)
{
	struct io_msg *msg = io_kiocb_to_cmd(req, struct io_msg);
	struct file *file;
	int ret;

	if (target == req->ctx)
		return -EINVAL;
	/* kept across a retry in io-wq, whatever the slot holds by then */
	if (!msg->src_file) {
		msg->src_file = io_fixed_file_ref(req->ctx, msg->src_slot,
						  issue_flags);
		if (!msg->src_file)
			return -EBADF;
	}
	/*
	 * Issued under our lock means issued non-blocking: io-wq runs us
	 * again with IO_URING_F_UNLOCKED.
	 */
	if (!io_msg_lock_target(target, issue_flags))
		return -EAGAIN;
	file = msg->src_file;
	msg->src_file = NULL;
	ret = io_fixed_fd_install_ctx(target, file, msg->dst);
	mutex_unlock(&target->uring_lock);
	if (ret < 0)
		return ret;
	if (!(msg->flags & IORING_MSG_RING_CQE_SKIP) &&
	    !io_msg_post(target, msg->user_data, ret, 0))
		return -EOVERFLOW;
	req->res = ret;
	return 0;
}

/* The ring @file is, if it takes messages (it is enabled), or NULL. */
static struct io_ring_ctx *io_msg_target(struct file *file)
{
	struct io_ring_ctx *target;

	if (!io_is_uring_fops(file))
		return NULL;
	target = file->private_data;
	/* pairs with the release in io_enable_rings() */
	if (smp_load_acquire(&target->disabled))
		return NULL;
	return target;
}

/**
 * io_msg_ring - issue IORING_OP_MSG_RING
 * @req: the request; req->op.file is the target ring's file
 * @issue_flags: IO_URING_F_*
 *
 * Return: 0 with req->res 0 (or the allocated slot), -EBADFD if the file
 * is no ring or the ring is still disabled, -EINVAL for a file sent to its
 * own ring, -EBADF for an empty source slot, -EOVERFLOW if the target's
 * CQE was lost, an error of the target's fixed table (-ENXIO, -EINVAL,
 * -ENFILE), or -EAGAIN to be retried in io-wq.
 */
int io_msg_ring(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_msg *msg = io_kiocb_to_cmd(req, struct io_msg);
	struct io_ring_ctx *target = io_msg_target(msg->file);

	if (!target)
		return -EBADFD;
	if (msg->cmd == IORING_MSG_DATA)
		return io_msg_data(req, target, issue_flags);
	return io_msg_send_fd(req, target, issue_flags);
}

/**
 * io_msg_ring_sync - IORING_REGISTER_SEND_MSG_RING: a message from no ring
 * @arg: an SQE, prepared as for an IORING_OP_MSG_RING data message
 * @nr_args: 1
 *
 * io_uring_register(2) with fd -1: the message is posted to the ring the
 * SQE's fd names (a plain fd, no fixed file) before this returns, and
 * its result comes back here instead of in a CQE. Only data messages.
 *
 * Context: process context, no ring lock held.
 * Return: 0; -EINVAL for @nr_args other than 1, an SQE that is not a data
 * MSG_RING or has flags, or a field a data message does not use;
 * -EFAULT; -EBADF; -EBADFD if the fd is no ring or a disabled one;
 * -EOVERFLOW if the target's CQE was lost.
 */
int io_msg_ring_sync(void __user *arg, unsigned int nr_args)
{
	struct io_uring_sqe sqe;
	struct io_ring_ctx *target;
	struct io_msg msg = {};
	struct file *file;
	int ret;

	if (nr_args != 1)
		return -EINVAL;
	if (copy_from_user(&sqe, arg, sizeof(sqe)))
		return -EFAULT;
	if (sqe.opcode != IORING_OP_MSG_RING || sqe.flags)
		return -EINVAL;
	ret = io_msg_parse(&msg, &sqe);
	if (ret)
		return ret;
	if (msg.cmd != IORING_MSG_DATA)
		return -EINVAL;
	ret = io_policy_check_sync(&sqe);
	if (ret)
		return ret;
	file = fget(sqe.fd);
	if (!file)
		return -EBADF;
	target = io_msg_target(file);
	if (!target)
		ret = -EBADFD;
	else if (!io_msg_post(target, msg.user_data, msg.len,
			      io_msg_cflags(&msg)))
		ret = -EOVERFLOW;
	fput(file);
	return ret;
}

/**
 * io_msg_ring_cleanup - drop a file that was never sent
 * @req: the request
 */
void io_msg_ring_cleanup(struct io_kiocb *req)
{
	struct io_msg *msg = io_kiocb_to_cmd(req, struct io_msg);

	if (msg->src_file)
		fput(msg->src_file);
}
