// SPDX-License-Identifier: GPL-2.0
/*
 * An eventfd registered with a ring is signalled when new CQEs are posted
 * (IORING_REGISTER_EVENTFD), or only for those that completed
 * asynchronously (IORING_REGISTER_EVENTFD_ASYNC). Userspace can mute it
 * with IORING_CQ_EVENTFD_DISABLED in the CQ ring flags.
 *
 * Locking: ctx->ev_fd changes under ctx->uring_lock and is read under RCU.
 */
#include <linux/kernel.h>
#include <linux/eventfd.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/io_uring.h>

#include "uring.h"
#include "eventfd.h"

/*
 * @refs: the ring's reference, and one while a signal is put off to @work
 * @work: signals put off from where the eventfd may not be signalled:
 *	  within a wakeup or with interrupts off
 * @deferred: @work is queued
 * @signaller: the task signalling it right now, from io_eventfd_signal()
 */
struct io_ev_fd {
	struct eventfd_ctx	*ctx;
	bool			async;
	refcount_t		refs;
	unsigned long		deferred;
	struct task_struct	*signaller;
	struct work_struct	work;
	struct rcu_head		rcu;
};

static void io_eventfd_free(struct rcu_head *rcu)
{
	struct io_ev_fd *ev = container_of(rcu, struct io_ev_fd, rcu);

	eventfd_ctx_put(ev->ctx);
	kfree(ev);
}

static void io_eventfd_put(struct io_ev_fd *ev)
{
	if (refcount_dec_and_test(&ev->refs))
		call_rcu(&ev->rcu, io_eventfd_free);
}

static void io_eventfd_work(struct work_struct *work)
{
	struct io_ev_fd *ev = container_of(work, struct io_ev_fd, work);

	clear_bit(0, &ev->deferred);
	eventfd_signal_mask(ev->ctx, EPOLL_URING_WAKE);
	io_eventfd_put(ev);
}

int io_eventfd_register(struct io_ring_ctx *ctx, void __user *arg,
			unsigned int nr_args, bool async)
{
	struct io_ev_fd *ev;
	s32 fd;

	lockdep_assert_held(&ctx->uring_lock);
	if (nr_args != 1)
		return -EINVAL;
	if (rcu_access_pointer(ctx->ev_fd))
		return -EBUSY;
	if (copy_from_user(&fd, arg, sizeof(fd)))
		return -EFAULT;
	ev = kmalloc(sizeof(*ev), GFP_KERNEL_ACCOUNT);
	if (!ev)
		return -ENOMEM;
	ev->ctx = eventfd_ctx_fdget(fd);
	if (IS_ERR(ev->ctx)) {
		int ret = PTR_ERR(ev->ctx);

		kfree(ev);
		return ret;
	}
	ev->async = async;
	refcount_set(&ev->refs, 1);
	ev->deferred = 0;
	ev->signaller = NULL;
	INIT_WORK(&ev->work, io_eventfd_work);
	rcu_assign_pointer(ctx->ev_fd, ev);
	return 0;
}

int io_eventfd_unregister(struct io_ring_ctx *ctx)
{
	struct io_ev_fd *ev;

	ev = rcu_dereference_protected(ctx->ev_fd,
				       lockdep_is_held(&ctx->uring_lock));
	if (!ev)
		return -ENXIO;
	RCU_INIT_POINTER(ctx->ev_fd, NULL);
	io_eventfd_put(ev);
	return 0;
}

/*
 * New CQEs were posted (@async: some for requests that did not complete
 * at once): tell the eventfd, if one is registered and wants it.
 */
void io_eventfd_signal(struct io_ring_ctx *ctx, bool async)
{
	struct io_ev_fd *ev;

	if (!rcu_access_pointer(ctx->ev_fd))
		return;
	rcu_read_lock();
	if (READ_ONCE(READ_ONCE(ctx->rings.hdr)->cq_flags) & IORING_CQ_EVENTFD_DISABLED)
		goto out;
	ev = rcu_dereference(ctx->ev_fd);
	if (!ev || (ev->async && !async))
		goto out;
	/*
	 * Not from within a wakeup: an eventfd's own (nesting), or any other,
	 * whose wait queue lock is held with interrupts off; the eventfd's
	 * wakeup may come back to that lock (an epoll watching the eventfd
	 * that a poll request waits on). Nor from an interrupt.
	 */
	if (eventfd_signal_allowed() && !irqs_disabled()) {
		WRITE_ONCE(ev->signaller, current);
		eventfd_signal_mask(ev->ctx, EPOLL_URING_WAKE);
		WRITE_ONCE(ev->signaller, NULL);
		goto out;
	}
	/*
	 * Signal from a worker, unless this is the wakeup of this very
	 * eventfd in the task signalling it: that signal is on its way.
	 */
	if ((READ_ONCE(ev->signaller) != current || in_interrupt()) &&
	    !test_and_set_bit(0, &ev->deferred)) {
		if (refcount_inc_not_zero(&ev->refs))
			queue_work(system_unbound_wq, &ev->work);
		else
			clear_bit(0, &ev->deferred);
	}
out:
	rcu_read_unlock();
}
