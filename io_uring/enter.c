// SPDX-License-Identifier: GPL-2.0
/*
 * io_uring_enter(2): the one doorbell. Submits what the SQ ring holds, then
 * optionally waits for completions.
 */
#include <linux/kernel.h>
#include <linux/syscalls.h>
#include <linux/file.h>
#include <linux/io_uring.h>

#include "uring.h"
#include "iopoll.h"
#include "sqpoll.h"
#include "submit.h"
#include "tctx.h"
#include "wait.h"

/*
 * SINGLE_ISSUER: only the submitter task may submit (or, with
 * DEFER_TASKRUN, wait, since waiting runs its completions).
 */
static int io_check_issuer(struct io_ring_ctx *ctx)
{
	struct task_struct *owner = READ_ONCE(ctx->submitter_task);

	if (owner && owner != current)
		return -EEXIST;
	return 0;
}

static int io_enter_submit(struct io_ring_ctx *ctx, u32 to_submit)
{
	int ret = io_check_issuer(ctx);

	if (ret)
		return ret;
	if (unlikely(!io_tctx_get()))
		return -ENOMEM;
	mutex_lock(&ctx->uring_lock);
	ret = io_submit_sqes(ctx, to_submit);
	mutex_unlock(&ctx->uring_lock);
	return ret;
}

static int io_enter_getevents(struct io_ring_ctx *ctx, u32 min_complete,
			      u32 flags, const void __user *argp, size_t argsz)
{
	int ret;

	if (ctx->flags & IORING_SETUP_DEFER_TASKRUN) {
		ret = io_check_issuer(ctx);
		if (ret)
			return ret;
	}
	/* an SQPOLL thread polls for the ring; its waiters just wait */
	if ((ctx->flags & IORING_SETUP_IOPOLL) &&
	    !(ctx->flags & IORING_SETUP_SQPOLL))
		return io_iopoll_wait(ctx, min_complete);
	return io_cqring_wait(ctx, min_complete, flags, argp, argsz);
}

SYSCALL_DEFINE6(io_uring_enter, unsigned int, fd, u32, to_submit,
		u32, min_complete, u32, flags, const void __user *, argp,
		size_t, argsz)
{
	bool registered = flags & IORING_ENTER_REGISTERED_RING;
	struct io_ring_ctx *ctx;
	struct file *file;
	int submitted = 0;
	int ret = 0;

	if (flags & ~IO_ENTER_FLAGS)
		return -EINVAL;
	file = io_ring_fd_get(fd, registered);
	if (IS_ERR(file))
		return PTR_ERR(file);
	ctx = file->private_data;
	/* pairs with io_enable_rings(): the submitter is set before this */
	if (unlikely(smp_load_acquire(&ctx->disabled))) {
		ret = -EBADFD;
		goto out;
	}
	if (ctx->flags & IORING_SETUP_SQPOLL) {
		/* the thread submits; we only wake it or wait for SQ space */
		ret = io_sq_enter(ctx, flags);
		if (ret)
			goto out;
		submitted = to_submit;
	} else if (to_submit) {
		submitted = io_enter_submit(ctx, to_submit);
		if (submitted < 0) {
			ret = submitted;
			goto out;
		}
	}
	if (flags & IORING_ENTER_GETEVENTS)
		ret = io_enter_getevents(ctx, min_complete, flags, argp, argsz);
	if (submitted)
		ret = submitted;
out:
	io_ring_fd_put(file, registered);
	return ret;
}
