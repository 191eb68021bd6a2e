// SPDX-License-Identifier: GPL-2.0
/*
 * io_uring_setup(2): check the parameters, lay out the shared rings, hand
 * back an fd; and the other end of a ring's life, its teardown once the
 * last file reference is gone.
 */
#include <linux/kernel.h>
#include <linux/syscalls.h>
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/slab.h>
#include <linux/sysctl.h>
#include <linux/uaccess.h>
#include <linux/poll.h>
#include <linux/log2.h>
#include <linux/cred.h>
#include <linux/capability.h>
#include <linux/sched/mm.h>
#include <linux/security.h>
#include <linux/compat.h>
#include <linux/io_uring.h>

#include "uring.h"
#include "napi.h"
#include "cancel.h"
#include "complete.h"
#include "creds.h"
#include "policy.h"
#include "eventfd.h"
#include "fdinfo.h"
#include "kbuf.h"
#include "memmap.h"
#include "sqpoll.h"
#include "submit.h"
#include "tctx.h"
#include "tw.h"

#include <trace/events/io_uring.h>

/*
 * kernel.io_uring_disabled: 0 lets everyone create rings, 1 only members of
 * kernel.io_uring_group (and CAP_SYS_ADMIN), 2 nobody.
 */
static int io_disabled_mode;
static int io_allowed_gid = -1;

static struct ctl_table io_uring_sysctls[] = {
	{ .procname = "io_uring_disabled", .mode = 0644,
	  .data = &io_disabled_mode, .maxlen = sizeof(int),
	  .proc_handler = proc_dointvec_minmax,
	  .extra1 = SYSCTL_ZERO, .extra2 = SYSCTL_TWO },
	{ .procname = "io_uring_group", .mode = 0644,
	  .data = &io_allowed_gid, .maxlen = sizeof(int),
	  .proc_handler = proc_dointvec },
};

static bool io_uring_allowed(void)
{
	kgid_t gid;

	switch (READ_ONCE(io_disabled_mode)) {
	case 0:
		return true;
	case 1:
		gid = make_kgid(&init_user_ns, READ_ONCE(io_allowed_gid));
		return (gid_valid(gid) && in_group_p(gid)) || capable(CAP_SYS_ADMIN);
	default:
		return false;
	}
}

static int io_check_params(struct io_uring_params *p)
{
	unsigned int f = p->flags;

	if (f & ~IO_SETUP_FLAGS)
		return -EINVAL;
	if (memchr_inv(p->resv, 0, sizeof(p->resv)))
		return -EINVAL;
	if ((f & IORING_SETUP_TASKRUN_FLAG) &&
	    !(f & (IORING_SETUP_COOP_TASKRUN | IORING_SETUP_DEFER_TASKRUN)))
		return -EINVAL;
	if ((f & IORING_SETUP_DEFER_TASKRUN) && !(f & IORING_SETUP_SINGLE_ISSUER))
		return -EINVAL;
	if ((f & IORING_SETUP_REGISTERED_FD_ONLY) && !(f & IORING_SETUP_NO_MMAP))
		return -EINVAL;
	/* the SQPOLL thread submits: task_work goes to it, not to a waiter */
	if ((f & IORING_SETUP_SQPOLL) &&
	    (f & (IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG |
		  IORING_SETUP_DEFER_TASKRUN)))
		return -EINVAL;
	if ((f & IORING_SETUP_SQ_AFF) && !(f & IORING_SETUP_SQPOLL))
		return -EINVAL;
	if ((f & IORING_SETUP_HYBRID_IOPOLL) && !(f & IORING_SETUP_IOPOLL))
		return -EINVAL;
	/* a ring's CQEs (SQEs) are all 32 (128) bytes, or some are */
	if ((f & IORING_SETUP_CQE32) && (f & IORING_SETUP_CQE_MIXED))
		return -EINVAL;
	if ((f & IORING_SETUP_SQE128) && (f & IORING_SETUP_SQE_MIXED))
		return -EINVAL;
	/* SQ_REWIND: no head to share with a thread, no array to index */
	if ((f & IORING_SETUP_SQ_REWIND) &&
	    ((f & IORING_SETUP_SQPOLL) || !(f & IORING_SETUP_NO_SQARRAY)))
		return -EINVAL;
	/* without a thread to share, ATTACH_WQ only needs a ring fd */
	if ((f & IORING_SETUP_ATTACH_WQ) && !(f & IORING_SETUP_SQPOLL))
		return io_attach_ring(p->wq_fd, NULL);
	return 0;
}

static void io_ctx_refs_gone(struct percpu_ref *ref)
{
	struct io_ring_ctx *ctx = container_of(ref, struct io_ring_ctx, refs);

	complete(&ctx->refs_done);
}

static void io_ctx_free(struct io_ring_ctx *ctx)
{
	io_req_cache_free(ctx);
	io_drop_overflow(ctx);
	io_napi_free(ctx);
	io_rings_free(&ctx->rings);
	io_region_free(&ctx->param_region);
	if (ctx->submitter_task)
		put_task_struct(ctx->submitter_task);
	mmdrop(ctx->mm_account);
	put_cred(ctx->creds);
	io_policy_detach(ctx);
	percpu_ref_exit(&ctx->refs);
	kfree(ctx);
}

/*
 * Runs once the ring fd is gone: cancel what is parked (again, as links
 * and retries park more) until every request is freed, then free the ring.
 */
static void io_ring_exit_work(struct work_struct *work)
{
	struct io_ring_ctx *ctx = container_of(work, struct io_ring_ctx, exit_work);
	unsigned int round = 0;

	do {
		mutex_lock(&ctx->uring_lock);
		io_cancel_parked(ctx, NULL, true);
		mutex_unlock(&ctx->uring_lock);
		io_fallback_kick(ctx);
		/* a DEFER_TASKRUN owner may never wait on this ring again */
		if ((ctx->flags & IORING_SETUP_DEFER_TASKRUN) &&
		    ctx->submitter_task && !(round++ % 20))
			io_tw_kick(ctx->submitter_task);
	} while (!wait_for_completion_timeout(&ctx->refs_done, HZ / 20));
	flush_work(&ctx->fallback_work);
	/* each request held a ring reference: none can be left anywhere */
	WARN_ON_ONCE(!list_empty(&ctx->parked) || !list_empty(&ctx->iopoll_list) ||
		     !list_empty(&ctx->timeouts) || ctx->drain_head ||
		     ctx->compl_head || ctx->nr_submitted != ctx->nr_freed);
	mutex_lock(&ctx->uring_lock);
	io_eventfd_unregister(ctx);
	io_rsrc_free_all(ctx);
	io_personalities_free(ctx);
	io_buf_groups_free(ctx);
	mutex_unlock(&ctx->uring_lock);
	io_ctx_free(ctx);
}

static struct io_ring_ctx *io_ctx_alloc(struct io_uring_params *p)
{
	struct io_ring_ctx *ctx = kzalloc(sizeof(*ctx), GFP_KERNEL_ACCOUNT);

	if (!ctx)
		return NULL;
	if (percpu_ref_init(&ctx->refs, io_ctx_refs_gone, 0, GFP_KERNEL_ACCOUNT)) {
		kfree(ctx);
		return NULL;
	}
	ctx->flags = p->flags;
	ctx->sq_entries = p->sq_entries;
	ctx->cq_entries = p->cq_entries;
	ctx->sqe_shift = io_sqe_shift(p->flags);
	ctx->cqe_shift = io_cqe_shift(p->flags);
	ctx->clockid = CLOCK_MONOTONIC;
	ctx->compat = in_compat_syscall();
	ctx->disabled = p->flags & IORING_SETUP_R_DISABLED;
	mutex_init(&ctx->uring_lock);
	mutex_init(&ctx->mmap_lock);
	spin_lock_init(&ctx->cq_lock);
	INIT_LIST_HEAD(&ctx->overflow_list);
	INIT_LIST_HEAD(&ctx->parked);
	INIT_LIST_HEAD(&ctx->timeouts);
	INIT_LIST_HEAD(&ctx->iopoll_list);
	init_waitqueue_head(&ctx->rsrc_wait);
	xa_init_flags(&ctx->personalities, XA_FLAGS_ALLOC1);
	xa_init(&ctx->buf_groups);
	spin_lock_init(&ctx->timeout_lock);
	ctx->drain_tail = &ctx->drain_head;
	init_waitqueue_head(&ctx->cq_wait);
	init_waitqueue_head(&ctx->poll_wait);
	init_waitqueue_head(&ctx->sq_space_wait);
	INIT_LIST_HEAD(&ctx->sq_node);
	init_completion(&ctx->refs_done);
	INIT_WORK(&ctx->exit_work, io_ring_exit_work);
	INIT_WORK(&ctx->fallback_work, io_fallback_work);
	ctx->compl_tail = &ctx->compl_head;
	ctx->creds = get_current_cred();
	io_policy_attach(ctx);
	ctx->pin_exempt = ns_capable_noaudit(&init_user_ns, CAP_IPC_LOCK);
	/* a ring is only ever set up by a user task, which has an mm */
	mmgrab(current->mm);
	ctx->mm_account = current->mm;
	if ((p->flags & IORING_SETUP_SINGLE_ISSUER) && !ctx->disabled &&
	    !(p->flags & IORING_SETUP_SQPOLL))
		ctx->submitter_task = get_task_struct(current);
	return ctx;
}

static int io_uring_release(struct inode *inode, struct file *file)
{
	struct io_ring_ctx *ctx = file->private_data;

	io_sq_detach(ctx);
	percpu_ref_kill(&ctx->refs);
	queue_work(system_unbound_wq, &ctx->exit_work);
	io_tctx_ring_closed();
	return 0;
}

static __poll_t io_uring_poll(struct file *file, poll_table *wait)
{
	struct io_ring_ctx *ctx = file->private_data;
	__poll_t mask = 0;

	poll_wait(file, &ctx->poll_wait, wait);
	/* queued before reading the rings; pairs with io_cq_unlock_post() */
	smp_mb();
	/* unlocked: against a resize, as struct io_rings says */
	rcu_read_lock();
	if (READ_ONCE(READ_ONCE(ctx->rings.hdr)->sq_tail) - READ_ONCE(ctx->sq_head) !=
	    READ_ONCE(ctx->sq_entries))
		mask |= EPOLLOUT | EPOLLWRNORM;
	rcu_read_unlock();
	if (io_cqes_ready(ctx) || !list_empty_careful(&ctx->overflow_list))
		mask |= EPOLLIN | EPOLLRDNORM;
	return mask;
}

/* What a ring fd is: io_is_uring_fops() recognises a ring by this. */
static const struct file_operations io_uring_fops = {
	.mmap		= io_uring_mmap,
	.poll		= io_uring_poll,
	.show_fdinfo	= io_uring_show_fdinfo,
	.release	= io_uring_release,
};

/**
 * io_is_uring_fops - is this file an io_uring instance?
 * @file: any file
 *
 * Used to keep ring fds out of SCM_RIGHTS, where a ring could end up
 * referencing itself.
 *
 * Context: any.
 * Return: true if @file is a ring.
 */
bool io_is_uring_fops(struct file *file)
{
	return file->f_op == &io_uring_fops;
}

/* Give the ring to userspace: an fd, or a registered-ring index. */
static int io_publish_ring(struct file *file, struct io_uring_params *p,
			   struct io_uring_params __user *up)
{
	int fd;

	if (p->flags & IORING_SETUP_REGISTERED_FD_ONLY) {
		if (copy_to_user(up, p, sizeof(*p))) {
			fput(file);
			return -EFAULT;
		}
		fd = io_ringfd_install(file);
		if (fd < 0)
			fput(file);
		return fd;
	}
	fd = get_unused_fd_flags(O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fput(file);
		return fd;
	}
	if (copy_to_user(up, p, sizeof(*p))) {
		put_unused_fd(fd);
		fput(file);
		return -EFAULT;
	}
	fd_install(fd, file);
	return fd;
}

static int io_uring_create(u32 entries, struct io_uring_params *p,
			   struct io_uring_params __user *up)
{
	struct io_ring_ctx *ctx;
	struct file *file;
	int ret;

	ret = io_rings_size(entries, p);
	if (ret)
		return ret;
	ctx = io_ctx_alloc(p);
	if (!ctx)
		return -ENOMEM;
	ret = io_rings_alloc(&ctx->rings, p);
	if (ret) {
		io_ctx_free(ctx);
		return ret;
	}
	io_rings_offsets(&ctx->rings, p);
	p->features = IO_FEATURES;

	file = anon_inode_create_getfile("[io_uring]", &io_uring_fops, ctx,
					 O_RDWR | O_CLOEXEC, NULL);
	if (IS_ERR(file)) {
		io_ctx_free(ctx);
		return PTR_ERR(file);
	}
	if (p->flags & IORING_SETUP_SQPOLL) {
		ret = io_sq_setup(ctx, p);
		if (ret) {
			fput(file);
			return ret;
		}
	}
	ret = io_publish_ring(file, p, up);
	/* @ctx may be gone already (its fd closed): only its address is kept */
	if (ret >= 0)
		trace_io_uring_create(ret, ctx, p);
	return ret;
}

SYSCALL_DEFINE2(io_uring_setup, u32, entries,
		struct io_uring_params __user *, params)
{
	struct io_uring_params p;
	int ret;

	if (!io_uring_allowed())
		return -EPERM;
	if (copy_from_user(&p, params, sizeof(p)))
		return -EFAULT;
	ret = io_check_params(&p);
	if (ret)
		return ret;
	return io_uring_create(entries, &p, params);
}

static int __init io_uring_init(void)
{
	register_sysctl_init("kernel", io_uring_sysctls);
	return 0;
}
device_initcall(io_uring_init);
