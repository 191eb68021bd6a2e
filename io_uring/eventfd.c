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
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/io_uring.h>

#include "uring.h"

struct io_ev_fd {
	struct eventfd_ctx	*ctx;
	bool			async;
	struct rcu_head		rcu;
};

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
	rcu_assign_pointer(ctx->ev_fd, ev);
	return 0;
}

static void io_eventfd_free(struct rcu_head *rcu)
{
	struct io_ev_fd *ev = container_of(rcu, struct io_ev_fd, rcu);

	eventfd_ctx_put(ev->ctx);
	kfree(ev);
}

int io_eventfd_unregister(struct io_ring_ctx *ctx)
{
	struct io_ev_fd *ev;

	ev = rcu_dereference_protected(ctx->ev_fd,
				       lockdep_is_held(&ctx->uring_lock));
	if (!ev)
		return -ENXIO;
	RCU_INIT_POINTER(ctx->ev_fd, NULL);
	call_rcu(&ev->rcu, io_eventfd_free);
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
	if (READ_ONCE(ctx->hdr->cq_flags) & IORING_CQ_EVENTFD_DISABLED)
		return;
	rcu_read_lock();
	ev = rcu_dereference(ctx->ev_fd);
	/* an eventfd wakeup that posts CQEs must not signal it again */
	if (ev && (!ev->async || async) &&
	    eventfd_signal_allowed())
		eventfd_signal(ev->ctx);
	rcu_read_unlock();
}
