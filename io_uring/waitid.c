// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_WAITID: waitid(2) without blocking the submitter. The CQE
 * result is what waitid(2) returns (0, or -errno), and the siginfo goes to
 * sqe->addr2 as waitid(2) writes it.
 *
 * The request looks for a child as waitid(2) does, with the same helpers
 * (kernel/exit.h). If there is an eligible child that has nothing to
 * report yet, it hangs an entry of its own on the thread group's
 * wait_chldexit queue and parks. The entry's wake callback runs in the
 * exiting (or stopping) child's context with the queue's lock held: it
 * only claims the request and hands it to the submitter's task_work,
 * which looks again; a child that is not reapable after all (another
 * thread got it first) means waiting again.
 *
 * Ownership (io_waitid_wait::state): at most one context at a time, the
 * owner, looks for children or finishes the request. A wakeup or cancel
 * that finds the request owned only leaves a note for the owner, which
 * reads the notes before it gives ownership back.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <linux/pid.h>
#include <linux/resource.h>
#include <uapi/linux/wait.h>
#include <linux/sched/signal.h>
#include <linux/compat.h>
#include <linux/uaccess.h>
#include <linux/io_uring.h>

#include "../kernel/exit.h"

#include "uring.h"
#include "opdef.h"
#include "issue.h"
#include "tw.h"

/* The SQE, read at prep. */
struct io_waitid {
	struct file		*file;		/* unused: no needs_file */
	void __user		*infop;		/* compat_siginfo on 32-bit rings */
	int			which;		/* P_ALL, P_PID, P_PGID, P_PIDFD */
	pid_t			upid;
	int			options;	/* W* as given to waitid(2) */
};

/* io_waitid_wait::state bits */
#define IO_WAITID_OWNED		BIT(0)	/* someone runs or will run the request */
#define IO_WAITID_WOKEN		BIT(1)	/* a child changed state meanwhile */
#define IO_WAITID_CANCEL	BIT(2)	/* a cancel came meanwhile */

/**
 * struct io_waitid_wait - a WAITID in progress, as req->async
 * @req: the request
 * @state: IO_WAITID_*
 * @queued: @wo.child_wait is on @head (uring_lock)
 * @head: the thread group's wait_chldexit
 * @info: what the reaped or reported child left
 * @wo: waitid(2)'s wait state; its child_wait is our queue entry
 */
struct io_waitid_wait {
	struct io_kiocb		*req;
	atomic_t		state;
	bool			queued;
	struct wait_queue_head	*head;
	struct waitid_info	info;
	struct wait_opts	wo;
};

static int io_waitid_put_native(struct siginfo __user *infop,
				const struct waitid_info *info, int signo)
{
	if (!user_write_access_begin(infop, sizeof(*infop)))
		return -EFAULT;
	unsafe_put_user(signo, &infop->si_signo, efault);
	unsafe_put_user(0, &infop->si_errno, efault);
	unsafe_put_user(info->cause, &infop->si_code, efault);
	unsafe_put_user(info->pid, &infop->si_pid, efault);
	unsafe_put_user(info->uid, &infop->si_uid, efault);
	unsafe_put_user(info->status, &infop->si_status, efault);
	user_write_access_end();
	return 0;
efault:
	user_write_access_end();
	return -EFAULT;
}

#ifdef CONFIG_COMPAT
static int io_waitid_put_compat(struct compat_siginfo __user *infop,
				const struct waitid_info *info, int signo)
{
	if (!user_write_access_begin(infop, sizeof(*infop)))
		return -EFAULT;
	unsafe_put_user(signo, &infop->si_signo, efault);
	unsafe_put_user(0, &infop->si_errno, efault);
	unsafe_put_user(info->cause, &infop->si_code, efault);
	unsafe_put_user(info->pid, &infop->si_pid, efault);
	unsafe_put_user(info->uid, &infop->si_uid, efault);
	unsafe_put_user(info->status, &infop->si_status, efault);
	user_write_access_end();
	return 0;
efault:
	user_write_access_end();
	return -EFAULT;
}
#endif

/* Write the siginfo, if asked for, as waitid(2) does. */
static int io_waitid_put_info(struct io_kiocb *req, int signo)
{
	struct io_waitid *iw = io_kiocb_to_cmd(req, struct io_waitid);
	struct io_waitid_wait *ww = req->async;

	if (!iw->infop)
		return 0;
#ifdef CONFIG_COMPAT
	/* the ring creator's layout: we may run in any task's context */
	if (io_is_compat(req->ctx))
		return io_waitid_put_compat(iw->infop, &ww->info, signo);
#endif
	return io_waitid_put_native(iw->infop, &ww->info, signo);
}

/*
 * Leave the wait queue and set the CQE result from @ret, __do_wait()'s
 * answer (a pid, 0 for nothing under WNOHANG, or -errno) or -ECANCELED.
 * The siginfo is written on success only.
 *
 * Context: the owner, uring_lock held.
 */
static void io_waitid_finish(struct io_kiocb *req, long ret)
{
	struct io_waitid *iw = io_kiocb_to_cmd(req, struct io_waitid);
	struct io_waitid_wait *ww = req->async;

	if (ww->queued) {
		/* once off, no wake callback can be running on it */
		remove_wait_queue(ww->head, &ww->wo.child_wait);
		ww->queued = false;
	}
	if (ret > 0) {
		ret = io_waitid_put_info(req, SIGCHLD);
	} else if (ret == 0) {
		/* a pidfd opened O_NONBLOCK implies WNOHANG, but fails */
		if (!(iw->options & WNOHANG) && (ww->wo.wo_flags & WNOHANG))
			ret = -EAGAIN;
		else
			ret = io_waitid_put_info(req, 0);
	}
	req->res = ret;
}

/*
 * Look for a child to report, as the owner, and finish the request if
 * there is one or there is nothing to wait for. Otherwise give ownership
 * back, unless a wakeup or a cancel came meanwhile.
 *
 * Context: the owner, in the submitter's thread group, uring_lock held.
 * Return: true if the request is finished (res set), false if it waits.
 */
static bool io_waitid_check(struct io_kiocb *req)
{
	struct io_waitid_wait *ww = req->async;
	long ret;

	for (;;) {
		atomic_andnot(IO_WAITID_WOKEN, &ww->state);
		/* the note goes before we look; pairs with the wake callback */
		smp_mb__after_atomic();
		ret = __do_wait(&ww->wo);
		if (ret != -ERESTARTSYS)
			break;
		if (atomic_read(&ww->state) & IO_WAITID_CANCEL) {
			ret = -ECANCELED;
			break;
		}
		if (atomic_cmpxchg(&ww->state, IO_WAITID_OWNED, 0) ==
		    IO_WAITID_OWNED)
			return false;
	}
	io_waitid_finish(req, ret);
	return true;
}

/* task_work after a wakeup claimed the request: look again. */
static void io_waitid_tw(struct io_kiocb *req, unsigned int issue_flags)
{
	if (issue_flags & IO_URING_F_TASK_DEAD)
		io_waitid_finish(req, -ECANCELED);
	else if (!io_waitid_check(req))
		return;
	io_req_done(req);
}

/* task_work after a cancel claimed the request. */
static void io_waitid_cancel_tw(struct io_kiocb *req, unsigned int issue_flags)
{
	io_waitid_finish(req, -ECANCELED);
	io_req_done(req);
}

/*
 * The wait_chldexit callback, called by __wake_up_parent() with the queue
 * lock held and the child as @key. The request may be freed only after
 * its entry left the queue under that lock, so it is safe to look at here.
 */
static int io_waitid_wake(struct wait_queue_entry *wait, unsigned int mode,
			  int sync, void *key)
{
	struct wait_opts *wo = container_of(wait, struct wait_opts, child_wait);
	struct io_waitid_wait *ww = container_of(wo, struct io_waitid_wait, wo);
	int old;

	if (!pid_child_should_wake(wo, key))
		return 0;
	old = atomic_fetch_or(IO_WAITID_WOKEN | IO_WAITID_OWNED, &ww->state);
	if (!(old & IO_WAITID_OWNED))
		io_req_task_work_add(ww->req, io_waitid_tw);
	return 1;
}

/*
 * ->cancel of a parked WAITID. If a wakeup owns the request already, its
 * task_work finishes it: with the child, if it can be reaped, or else as
 * cancelled.
 *
 * Return: 1 (what 6.12 reports for a cancelled waitid) when the request
 * now completes with -ECANCELED, -EALREADY otherwise.
 */
static int io_waitid_cancel(struct io_kiocb *req)
{
	struct io_waitid_wait *ww = req->async;
	int old;

	old = atomic_fetch_or(IO_WAITID_CANCEL | IO_WAITID_OWNED, &ww->state);
	if (old & IO_WAITID_OWNED)
		return -EALREADY;
	io_req_task_work_add(req, io_waitid_cancel_tw);
	return 1;
}

/**
 * io_waitid_prep - prepare IORING_OP_WAITID
 * @req: the request
 * @sqe: len the idtype, fd the id, file_index the options, addr2 the
 *	 siginfo_t (or NULL); addr, addr3, buf_index and waitid_flags 0
 *
 * Return: 0, or -EINVAL, -ENOMEM.
 */
int io_waitid_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	struct io_waitid *iw = io_kiocb_to_cmd(req, struct io_waitid);
	struct io_waitid_wait *ww;

	if (READ_ONCE(sqe->addr) || READ_ONCE(sqe->addr3) ||
	    READ_ONCE(sqe->buf_index) || READ_ONCE(sqe->waitid_flags))
		return -EINVAL;
	iw->which = READ_ONCE(sqe->len);
	iw->upid = READ_ONCE(sqe->fd);
	iw->options = READ_ONCE(sqe->file_index);
	iw->infop = u64_to_user_ptr(READ_ONCE(sqe->addr2));

	ww = kzalloc(sizeof(*ww), GFP_KERNEL_ACCOUNT);
	if (!ww)
		return -ENOMEM;
	ww->req = req;
	req->async = ww;
	return 0;
}

/*
 * Resolve the id (at issue, as the syscall would when called now), then
 * queue our entry before the first look, so that no child's exit falls
 * between the look and the wait.
 */
int io_waitid(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_waitid *iw = io_kiocb_to_cmd(req, struct io_waitid);
	struct io_waitid_wait *ww = req->async;
	int ret;

	ret = kernel_waitid_prepare(&ww->wo, iw->which, iw->upid, &ww->info,
				    iw->options, NULL);
	if (ret) {
		req->res = ret;
		return 0;
	}
	atomic_set(&ww->state, IO_WAITID_OWNED);
	ww->head = &req->task->signal->wait_chldexit;
	init_waitqueue_func_entry(&ww->wo.child_wait, io_waitid_wake);
	/* for __WNOTHREAD: children of the submitting thread only */
	ww->wo.child_wait.private = req->task;
	add_wait_queue(ww->head, &ww->wo.child_wait);
	ww->queued = true;

	if (io_waitid_check(req))
		return 0;
	/* a wakeup's task_work needs uring_lock: it runs after this */
	io_req_park(req, io_waitid_cancel);
	return IOU_PARKED;
}

/* Drop the pid reference kernel_waitid_prepare() took. */
void io_waitid_cleanup(struct io_kiocb *req)
{
	struct io_waitid_wait *ww = req->async;

	if (ww)
		put_pid(ww->wo.wo_pid);
}
