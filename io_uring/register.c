// SPDX-License-Identifier: GPL-2.0
/*
 * io_uring_register(2): the ring's control plane. Every opcode runs under
 * ctx->uring_lock; opcodes not implemented here fail with -EINVAL. Four
 * take fd -1 too: IORING_REGISTER_SEND_MSG_RING and IORING_REGISTER_QUERY
 * need no ring, and IORING_REGISTER_RESTRICTIONS and BPF_FILTER then
 * apply to the calling task (policy.c).
 */
#include <linux/kernel.h>
#include <linux/syscalls.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/compat.h>
#include <linux/io_uring.h>

#include "uring.h"
#include "napi.h"
#include "opdef.h"
#include "query.h"
#include "resize.h"
#include "io-wq.h"
#include "cancel.h"
#include "creds.h"
#include "eventfd.h"
#include "issue.h"
#include "kbuf.h"
#include "memmap.h"
#include "policy.h"
#include "restrict.h"
#include "sqpoll.h"
#include "tctx.h"

#include <trace/events/io_uring.h>

static int io_probe(struct io_ring_ctx *ctx, void __user *arg,
		    unsigned int nr_args)
{
	struct io_uring_probe *p;
	size_t size;
	int i, ret = 0;

	nr_args = min_t(unsigned int, nr_args, IORING_OP_LAST);
	size = struct_size(p, ops, nr_args);
	p = memdup_user(arg, size);
	if (IS_ERR(p))
		return PTR_ERR(p);
	if (memchr_inv(p, 0, size)) {
		ret = -EINVAL;
		goto out;
	}
	p->last_op = IORING_OP_LAST - 1;
	p->ops_len = nr_args;
	for (i = 0; i < nr_args; i++) {
		p->ops[i].op = i;
		if (io_op_defs[i].issue)
			p->ops[i].flags = IO_URING_OP_SUPPORTED;
	}
	if (copy_to_user(arg, p, size))
		ret = -EFAULT;
out:
	kfree(p);
	return ret;
}

/**
 * io_enable_rings - start a ring set up with IORING_SETUP_R_DISABLED
 * @ctx: the ring
 *
 * A SINGLE_ISSUER ring takes the enabling task as its submitter.
 * Context: ctx->uring_lock held.
 * Return: 0, or -EBADFD if the ring is not disabled.
 */
static int io_enable_rings(struct io_ring_ctx *ctx)
{
	lockdep_assert_held(&ctx->uring_lock);
	if (!ctx->disabled)
		return -EBADFD;
	if ((ctx->flags & IORING_SETUP_SINGLE_ISSUER) && !ctx->submitter_task)
		WRITE_ONCE(ctx->submitter_task, get_task_struct(current));
	if (ctx->restrictions.registered)
		ctx->restricted = true;
	/* the submitter before the ring opens; pairs with io_uring_enter() */
	smp_store_release(&ctx->disabled, false);
	return 0;
}

static int io_register_clock(struct io_ring_ctx *ctx, void __user *arg)
{
	struct io_uring_clock_register reg;

	if (copy_from_user(&reg, arg, sizeof(reg)))
		return -EFAULT;
	if (memchr_inv(&reg.__resv, 0, sizeof(reg.__resv)))
		return -EINVAL;
	if (reg.clockid != CLOCK_MONOTONIC && reg.clockid != CLOCK_BOOTTIME)
		return -EINVAL;
	ctx->clockid = reg.clockid;
	return 0;
}

/*
 * Run @fn on the io-wq that requests on @ctx go to: the caller's, or for
 * an SQPOLL ring its thread's. The thread takes its own lock before the
 * ring's, so the ring's is let go meanwhile.
 */
static int io_register_wq_call(struct io_ring_ctx *ctx,
			       int (*fn)(struct io_wq *wq, void *arg), void *arg)
{
	struct io_uring_task *tctx;
	struct io_wq *wq;
	int ret;

	if (ctx->flags & IORING_SETUP_SQPOLL) {
		mutex_unlock(&ctx->uring_lock);
		ret = io_sq_wq_call(ctx, fn, arg);
		mutex_lock(&ctx->uring_lock);
		return ret;
	}
	tctx = io_tctx_get();
	wq = tctx ? io_tctx_wq(tctx, ctx) : NULL;
	return wq ? fn(wq, arg) : -ENOMEM;
}

static int io_register_wq_max(struct io_wq *wq, void *count)
{
	return io_wq_max_workers(wq, count);
}

static int io_register_wq_aff(struct io_wq *wq, void *mask)
{
	return io_wq_set_affinity(wq, mask);
}

/* IORING_REGISTER_IOWQ_MAX_WORKERS: set and/or read back the pool limits. */
static int io_register_iowq_max(struct io_ring_ctx *ctx, void __user *arg,
				unsigned int nr_args)
{
	unsigned int count[2];
	int ret;

	if (nr_args != 2)
		return -EINVAL;
	if (copy_from_user(count, arg, sizeof(count)))
		return -EFAULT;
	if (count[0] > INT_MAX || count[1] > INT_MAX)
		return -EINVAL;
	ret = io_register_wq_call(ctx, io_register_wq_max, count);
	if (ret)
		return ret;
	if (copy_to_user(arg, count, sizeof(count)))
		return -EFAULT;
	return 0;
}

/* IORING_REGISTER_IOWQ_AFF: @len bytes of CPU mask. */
static int io_register_iowq_aff(struct io_ring_ctx *ctx, void __user *arg,
				unsigned int len)
{
	cpumask_var_t mask;
	int ret;

	if (!arg || !len)
		return -EINVAL;
	if (!zalloc_cpumask_var(&mask, GFP_KERNEL))
		return -ENOMEM;
	len = min_t(size_t, len, cpumask_size());
	/* a compat caller's mask is of 32-bit longs, as for sched_setaffinity */
	if (in_compat_syscall())
		ret = compat_get_bitmap(cpumask_bits(mask), arg,
					len * BITS_PER_BYTE);
	else
		ret = copy_from_user(cpumask_bits(mask), arg, len) ? -EFAULT : 0;
	if (!ret)
		ret = io_register_wq_call(ctx, io_register_wq_aff, mask);
	free_cpumask_var(mask);
	return ret;
}

static int io_unregister_iowq_aff(struct io_ring_ctx *ctx)
{
	return io_register_wq_call(ctx, io_register_wq_aff, NULL);
}

/* The registered files and buffers opcodes; -ENOIOCTLCMD for the others. */
static int io_register_rsrc_op(struct io_ring_ctx *ctx, unsigned int opcode,
			       void __user *arg, unsigned int nr_args)
{
	switch (opcode) {
	case IORING_REGISTER_FILES:
	case IORING_REGISTER_FILES2:
		return io_register_files(ctx, arg, nr_args,
					 opcode == IORING_REGISTER_FILES2);
	case IORING_UNREGISTER_FILES:
		if (arg || nr_args)
			return -EINVAL;
		return io_unregister_files(ctx);
	case IORING_REGISTER_BUFFERS:
	case IORING_REGISTER_BUFFERS2:
		return io_register_buffers(ctx, arg, nr_args,
					   opcode == IORING_REGISTER_BUFFERS2);
	case IORING_UNREGISTER_BUFFERS:
		if (arg || nr_args)
			return -EINVAL;
		return io_unregister_buffers(ctx);
	case IORING_REGISTER_FILES_UPDATE:
	case IORING_REGISTER_FILES_UPDATE2:
	case IORING_REGISTER_BUFFERS_UPDATE:
		return io_register_rsrc_update(ctx, arg, nr_args, opcode);
	case IORING_REGISTER_FILE_ALLOC_RANGE:
		if (!arg || nr_args)
			return -EINVAL;
		return io_register_file_alloc_range(ctx, arg);
	case IORING_REGISTER_PERSONALITY:
		if (arg || nr_args)
			return -EINVAL;
		return io_register_personality(ctx);
	case IORING_UNREGISTER_PERSONALITY:
		if (arg)
			return -EINVAL;
		return io_unregister_personality(ctx, nr_args);
	case IORING_REGISTER_RESTRICTIONS:
		return io_register_restrictions(ctx, arg, nr_args);
	case IORING_REGISTER_CLONE_BUFFERS:
		if (!arg || nr_args != 1)
			return -EINVAL;
		return io_register_clone_buffers(ctx, arg);
	case IORING_REGISTER_PBUF_RING:
	case IORING_UNREGISTER_PBUF_RING:
	case IORING_REGISTER_PBUF_STATUS:
		if (!arg || nr_args != 1)
			return -EINVAL;
		if (opcode == IORING_REGISTER_PBUF_RING)
			return io_register_pbuf_ring(ctx, arg);
		if (opcode == IORING_UNREGISTER_PBUF_RING)
			return io_unregister_pbuf_ring(ctx, arg);
		return io_register_pbuf_status(ctx, arg);
	default:
		return -ENOIOCTLCMD;
	}
}

static int io_register_op(struct io_ring_ctx *ctx, unsigned int opcode,
			  void __user *arg, unsigned int nr_args)
{
	int ret = io_register_rsrc_op(ctx, opcode, arg, nr_args);

	if (ret != -ENOIOCTLCMD)
		return ret;
	switch (opcode) {
	case IORING_REGISTER_EVENTFD:
		return io_eventfd_register(ctx, arg, nr_args, false);
	case IORING_REGISTER_EVENTFD_ASYNC:
		return io_eventfd_register(ctx, arg, nr_args, true);
	case IORING_UNREGISTER_EVENTFD:
		if (arg || nr_args)
			return -EINVAL;
		return io_eventfd_unregister(ctx);
	case IORING_REGISTER_PROBE:
		if (!arg || nr_args > 256)
			return -EINVAL;
		return io_probe(ctx, arg, nr_args);
	case IORING_REGISTER_ENABLE_RINGS:
		if (arg || nr_args)
			return -EINVAL;
		return io_enable_rings(ctx);
	case IORING_REGISTER_CLOCK:
		if (!arg || nr_args)
			return -EINVAL;
		return io_register_clock(ctx, arg);
	case IORING_REGISTER_IOWQ_MAX_WORKERS:
		if (!arg)
			return -EINVAL;
		return io_register_iowq_max(ctx, arg, nr_args);
	case IORING_REGISTER_IOWQ_AFF:
		return io_register_iowq_aff(ctx, arg, nr_args);
	case IORING_UNREGISTER_IOWQ_AFF:
		if (arg || nr_args)
			return -EINVAL;
		return io_unregister_iowq_aff(ctx);
	case IORING_REGISTER_NAPI:
		if (!arg || nr_args != 1)
			return -EINVAL;
		return io_register_napi(ctx, arg);
	case IORING_UNREGISTER_NAPI:
		if (nr_args != 1)
			return -EINVAL;
		return io_unregister_napi(ctx, arg);
	/*
	 * Ring fd registration belongs to the task, but is asked of a ring
	 * and obeys its restrictions and issuer like any other opcode.
	 */
	case IORING_REGISTER_RING_FDS:
		return io_ringfd_register(arg, nr_args);
	case IORING_UNREGISTER_RING_FDS:
		return io_ringfd_unregister(arg, nr_args);
	case IORING_REGISTER_SYNC_CANCEL:
		if (!arg || nr_args != 1)
			return -EINVAL;
		return io_sync_cancel(ctx, arg);
	case IORING_REGISTER_QUERY:
		return io_register_query(arg, nr_args);
	case IORING_REGISTER_RESIZE_RINGS:
		if (!arg || nr_args != 1)
			return -EINVAL;
		return io_register_resize_rings(ctx, arg);
	case IORING_REGISTER_MEM_REGION:
		if (!arg || nr_args != 1)
			return -EINVAL;
		return io_register_mem_region(ctx, arg);
	case IORING_REGISTER_BPF_FILTER:
		return io_register_bpf_filter(ctx, arg, nr_args);
	default:
		return -EINVAL;
	}
}

/* io_uring_register(2) with fd -1: the opcodes that need no ring. */
static int io_register_blind(unsigned int opcode, void __user *arg,
			     unsigned int nr_args)
{
	switch (opcode) {
	case IORING_REGISTER_SEND_MSG_RING:
		return io_msg_ring_sync(arg, nr_args);
	case IORING_REGISTER_QUERY:
		return io_register_query(arg, nr_args);
	case IORING_REGISTER_RESTRICTIONS:
		return io_register_task_restrictions(arg, nr_args);
	case IORING_REGISTER_BPF_FILTER:
		return io_register_bpf_filter(NULL, arg, nr_args);
	default:
		return -EBADF;
	}
}

SYSCALL_DEFINE4(io_uring_register, unsigned int, fd, unsigned int, opcode,
		void __user *, arg, unsigned int, nr_args)
{
	bool registered = opcode & IORING_REGISTER_USE_REGISTERED_RING;
	struct io_ring_ctx *ctx;
	struct file *file;
	long ret;

	opcode &= ~IORING_REGISTER_USE_REGISTERED_RING;
	if (opcode >= IORING_REGISTER_LAST)
		return -EINVAL;
	if (fd == -1 && !registered)
		return io_register_blind(opcode, arg, nr_args);
	file = io_ring_fd_get(fd, registered);
	if (IS_ERR(file))
		return PTR_ERR(file);
	ctx = file->private_data;
	mutex_lock(&ctx->uring_lock);
	if (ctx->submitter_task && ctx->submitter_task != current)
		ret = -EEXIST;
	else if (ctx->restricted && !test_bit(opcode, ctx->restrictions.register_op))
		ret = -EACCES;
	else
		ret = io_register_op(ctx, opcode, arg, nr_args);
	trace_io_uring_register(ctx, opcode, ret);
	mutex_unlock(&ctx->uring_lock);
	io_ring_fd_put(file, registered);
	return ret;
}
