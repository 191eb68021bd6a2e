// SPDX-License-Identifier: GPL-2.0
/*
 * epoll from the ring.
 *
 * IORING_OP_EPOLL_CTL: epoll_ctl(2). The epoll instance and the target are
 * plain file descriptors of the submitter, looked up by do_epoll_ctl()
 * itself, so the request takes no file of its own. The event is copied at
 * prep, as the syscall copies it before doing anything. The inline try
 * does not sleep on the epoll mutexes; if one is contended the request
 * goes on in io-wq.
 *
 * IORING_OP_EPOLL_WAIT: epoll_wait(2) that never blocks a thread. The
 * request's file is the epoll instance; each issue harvests its ready list
 * once, and when that is empty the core waits for the instance to become
 * readable (the op is @pollin) and issues again. As for EPOLL_CTL, the
 * inline try does not sleep on the epoll mutex.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/uaccess.h>
#include <linux/eventpoll.h>
#include <linux/io_uring.h>

#include "uring.h"
#include "opdef.h"

struct io_epoll_wait {
	struct file			*file;		/* the epoll instance */
	struct epoll_event __user	*events;
	int				maxevents;
};

struct io_epoll_ctl {
	struct file		*file;		/* unused: no needs_file */
	int			epfd;
	int			op;
	int			fd;
	struct epoll_event	event;		/* valid when the op has one */
};

/**
 * io_epoll_ctl_prep - prepare IORING_OP_EPOLL_CTL
 * @req: the request
 * @sqe: fd the epoll instance, len the EPOLL_CTL_* operation, off the
 *	 target fd, addr the struct epoll_event (unused for EPOLL_CTL_DEL)
 *
 * Return: 0, or a negative errno for the CQE (-EFAULT for a bad event).
 */
int io_epoll_ctl_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	struct io_epoll_ctl *ec = io_kiocb_to_cmd(req, struct io_epoll_ctl);

	if (READ_ONCE(sqe->buf_index) || READ_ONCE(sqe->splice_fd_in))
		return -EINVAL;
	ec->epfd = READ_ONCE(sqe->fd);
	ec->op = READ_ONCE(sqe->len);
	ec->fd = READ_ONCE(sqe->off);
	if (ep_op_has_event(ec->op)) {
		void __user *uev = u64_to_user_ptr(READ_ONCE(sqe->addr));

		if (copy_from_user(&ec->event, uev, sizeof(ec->event)))
			return -EFAULT;
	}
	return 0;
}

/**
 * io_epoll_ctl - issue IORING_OP_EPOLL_CTL
 * @req: the request
 * @issue_flags: IO_URING_F_*
 *
 * Return: 0 with req->res 0, a negative errno as epoll_ctl(2) gives it,
 * or -EAGAIN for io-wq when an epoll mutex is contended.
 */
int io_epoll_ctl(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_epoll_ctl *ec = io_kiocb_to_cmd(req, struct io_epoll_ctl);
	bool nonblock = issue_flags & IO_URING_F_NONBLOCK;
	int ret;

	ret = do_epoll_ctl(ec->epfd, ec->op, ec->fd, &ec->event, nonblock);
	if (ret < 0)
		return ret;
	req->res = ret;
	return 0;
}

/**
 * io_epoll_wait_prep - prepare IORING_OP_EPOLL_WAIT
 * @req: the request
 * @sqe: fd the epoll instance, addr the events array, len its size in
 *	 events; rw_flags, off, buf_index and splice_fd_in must be zero
 *
 * Return: 0, or -EINVAL.
 */
int io_epoll_wait_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	struct io_epoll_wait *ew = io_kiocb_to_cmd(req, struct io_epoll_wait);

	if (READ_ONCE(sqe->rw_flags) || READ_ONCE(sqe->off) ||
	    READ_ONCE(sqe->buf_index) || READ_ONCE(sqe->splice_fd_in))
		return -EINVAL;
	ew->events = u64_to_user_ptr(READ_ONCE(sqe->addr));
	ew->maxevents = READ_ONCE(sqe->len);
	return 0;
}

/**
 * io_epoll_wait - issue IORING_OP_EPOLL_WAIT
 * @req: the request
 * @issue_flags: IO_URING_F_*
 *
 * Return: 0 with req->res the number of events copied; -EAGAIN when none
 * is ready (or, inline, the instance's mutex is taken), for the core to
 * wait until the instance is readable and try again; or a
 * negative errno as epoll_wait(2) gives it (-EINVAL for a file that is no
 * epoll instance or a bad count, -EFAULT).
 */
int io_epoll_wait(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_epoll_wait *ew = io_kiocb_to_cmd(req, struct io_epoll_wait);
	int ret;

	/* an inline try holds the ring lock: it does not wait for epoll's */
	ret = epoll_sendevents(ew->file, ew->events, ew->maxevents,
			       issue_flags & IO_URING_F_NONBLOCK);
	if (ret == 0)
		return -EAGAIN;
	if (ret < 0)
		return ret;
	req->res = ret;
	return 0;
}
