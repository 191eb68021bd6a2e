// SPDX-License-Identifier: GPL-2.0
/*
 * Per-task io_uring state (current->io_uring): the ring files a task has
 * registered for IORING_ENTER_REGISTERED_RING, its io-wq, its requests in
 * flight, and the exit/exec hooks that cancel them.
 *
 * Locking: see struct io_uring_task in uring.h.
 */
#include <linux/kernel.h>
#include <linux/task_work.h>
#include <linux/file.h>
#include <linux/fdtable.h>
#include <linux/slab.h>
#include <linux/nospec.h>
#include <linux/uaccess.h>
#include <linux/io_uring.h>

#include "uring.h"
#include "io-wq.h"
#include "cancel.h"
#include "tctx.h"
#include "tw.h"

/**
 * io_tctx_get - current's io_uring_task, created on first use
 *
 * Context: process context, the task itself.
 * Return: the io_uring_task, or NULL without memory.
 */
struct io_uring_task *io_tctx_get(void)
{
	struct io_uring_task *tctx = current->io_uring;

	if (likely(tctx))
		return tctx;
	tctx = kzalloc(sizeof(*tctx), GFP_KERNEL_ACCOUNT);
	if (!tctx)
		return NULL;
	init_waitqueue_head(&tctx->wait);
	spin_lock_init(&tctx->lock);
	INIT_LIST_HEAD(&tctx->parked);
	init_llist_head(&tctx->tw_list);
	init_llist_head(&tctx->defer_list);
	init_task_work(&tctx->tw_head, io_tw_run);
	current->io_uring = tctx;
	return tctx;
}

/**
 * io_ring_fd_get - the ring file behind an fd or a registered-ring index
 * @fd: file descriptor, or index with @registered
 * @registered: @fd is an IORING_REGISTER_RING_FDS index
 *
 * Return: the file (to be released with io_ring_fd_put()), ERR_PTR(-EBADF)
 * for a bad fd, ERR_PTR(-EOPNOTSUPP) for a file that is not a ring, or
 * ERR_PTR(-EINVAL) for an index out of range.
 */
struct file *io_ring_fd_get(unsigned int fd, bool registered)
{
	struct io_uring_task *tctx = current->io_uring;
	struct file *file;

	if (registered) {
		if (!tctx || fd >= IO_RINGFD_REG_MAX)
			return ERR_PTR(-EINVAL);
		file = tctx->rings[array_index_nospec(fd, IO_RINGFD_REG_MAX)];
		return file ?: ERR_PTR(-EBADF);
	}
	file = fget(fd);
	if (!file)
		return ERR_PTR(-EBADF);
	if (!io_is_uring_fops(file)) {
		fput(file);
		return ERR_PTR(-EOPNOTSUPP);
	}
	return file;
}

void io_ring_fd_put(struct file *file, bool registered)
{
	if (!registered)
		fput(file);
}

/* Empty a slot, releasing the ring file it held. */
static void io_ringfd_drop(struct io_uring_task *tctx, unsigned int slot)
{
	struct file *file = tctx->rings[slot];

	tctx->rings[slot] = NULL;
	if (file)
		fput(file);
}

static int io_ringfd_free_slot(struct io_uring_task *tctx)
{
	int i;

	for (i = 0; i < IO_RINGFD_REG_MAX; i++)
		if (!tctx->rings[i])
			return i;
	return -EBUSY;
}

/* Register @file (whose reference we take over) in a free slot. */
int io_ringfd_install(struct file *file)
{
	struct io_uring_task *tctx = io_tctx_get();
	int slot;

	if (!tctx)
		return -ENOMEM;
	slot = io_ringfd_free_slot(tctx);
	if (slot >= 0)
		tctx->rings[slot] = file;
	return slot;
}

static int io_ringfd_add(struct io_uring_task *tctx, struct io_uring_rsrc_update *up)
{
	struct file *file;
	int slot = up->offset;

	if (up->offset == -1U)
		slot = io_ringfd_free_slot(tctx);
	else if (up->offset >= IO_RINGFD_REG_MAX)
		return -EINVAL;
	else if (tctx->rings[array_index_nospec(slot, IO_RINGFD_REG_MAX)])
		return -EBUSY;
	if (slot < 0)
		return slot;
	slot = array_index_nospec(slot, IO_RINGFD_REG_MAX);
	if (up->data > INT_MAX)
		return -EBADF;
	file = io_ring_fd_get(up->data, false);
	if (IS_ERR(file))
		return PTR_ERR(file);
	tctx->rings[slot] = file;
	up->offset = slot;
	return 0;
}

/**
 * io_ringfd_register - IORING_REGISTER_RING_FDS
 * @arg: array of struct io_uring_rsrc_update: data = ring fd, offset = slot
 *	 or -1U for any free one (written back)
 * @nr_args: entries in @arg
 *
 * Return: entries registered, or -errno if the first one failed.
 */
int io_ringfd_register(void __user *arg, unsigned int nr_args)
{
	struct io_uring_rsrc_update __user *uarg = arg;
	struct io_uring_rsrc_update up;
	struct io_uring_task *tctx;
	unsigned int i;
	int ret = 0;

	if (!nr_args || nr_args > IO_RINGFD_REG_MAX)
		return -EINVAL;
	tctx = io_tctx_get();
	if (!tctx)
		return -ENOMEM;
	for (i = 0; i < nr_args; i++) {
		ret = -EFAULT;
		if (copy_from_user(&up, &uarg[i], sizeof(up)))
			break;
		ret = -EINVAL;
		if (up.resv)
			break;
		ret = io_ringfd_add(tctx, &up);
		if (ret)
			break;
		if (copy_to_user(&uarg[i].offset, &up.offset, sizeof(up.offset))) {
			io_ringfd_drop(tctx, up.offset);
			ret = -EFAULT;
			break;
		}
	}
	return i ? i : ret;
}

/**
 * io_ringfd_unregister - IORING_UNREGISTER_RING_FDS
 * @arg: array of struct io_uring_rsrc_update; offset = slot to release
 * @nr_args: entries in @arg
 *
 * Return: entries processed, or -errno if the first one was bad.
 */
int io_ringfd_unregister(void __user *arg, unsigned int nr_args)
{
	struct io_uring_rsrc_update __user *uarg = arg;
	struct io_uring_task *tctx = current->io_uring;
	struct io_uring_rsrc_update up;
	unsigned int i, slot;
	int ret = 0;

	if (!nr_args || nr_args > IO_RINGFD_REG_MAX)
		return -EINVAL;
	if (!tctx)
		return 0;
	for (i = 0; i < nr_args; i++) {
		ret = -EFAULT;
		if (copy_from_user(&up, &uarg[i], sizeof(up)))
			break;
		ret = -EINVAL;
		if (up.resv || up.offset >= IO_RINGFD_REG_MAX)
			break;
		slot = array_index_nospec(up.offset, IO_RINGFD_REG_MAX);
		io_ringfd_drop(tctx, slot);
	}
	return i ? i : ret;
}

/* Drop every ring @tctx has registered. */
static void io_ringfd_drop_all(struct io_uring_task *tctx)
{
	unsigned int slot = IO_RINGFD_REG_MAX;

	while (slot--)
		io_ringfd_drop(tctx, slot);
}

static int io_ring_file_match(const void *unused, struct file *file,
			      unsigned int fd)
{
	return io_is_uring_fops(file);
}

/* Can current still reach a ring: a registered one, or one in its fd table? */
static bool io_tctx_has_ring(struct io_uring_task *tctx)
{
	unsigned int slot;

	for (slot = 0; slot < IO_RINGFD_REG_MAX; slot++)
		if (tctx->rings[slot])
			return true;
	return iterate_fd(current->files, 0, io_ring_file_match, NULL);
}

/**
 * io_tctx_ring_closed - current closed a ring file for good
 *
 * A task that can no longer reach any ring submits nothing to its io-wq
 * any more: its idle workers leave now instead of at their idle timeout,
 * so the task's threads are only its own again (checkpoint/restore tools
 * quiesce a process by closing its rings). Only the task's own close
 * counts; a ring released by a worker or at exit is left alone.
 *
 * Context: the ring file's release, no locks held.
 */
void io_tctx_ring_closed(void)
{
	struct io_uring_task *tctx = current->io_uring;

	if (!tctx || !tctx->wq || !current->files ||
	    (current->flags & (PF_KTHREAD | PF_IO_WORKER)))
		return;
	if (!io_tctx_has_ring(tctx))
		io_wq_dismiss_idle(tctx->wq);
}

/**
 * io_uring_task_exit - the exit and exec hook
 * @exec: called from exec rather than exit
 *
 * Drops the task's ring registrations, cancels its requests and stops its
 * io-wq workers. Exec cancels every request of the task and waits until
 * all are freed; exit cancels only those that cannot outlive the task (see
 * io_req_exit_cancels()), and the rest complete later from a kernel worker.
 * A task that execs starts over with a fresh io-wq when it next needs one.
 *
 * Context: the exiting (or exec'ing) task, no locks held; sleeps.
 */
void io_uring_task_exit(bool exec)
{
	struct io_uring_task *tctx = current->io_uring;
	struct io_wq *wq;

	might_sleep();
	io_ringfd_drop_all(tctx);
	io_tctx_drain(tctx, exec);
	/* detached first: cancellers look it up under the lock */
	spin_lock(&tctx->lock);
	wq = tctx->wq;
	tctx->wq = NULL;
	spin_unlock(&tctx->lock);
	if (wq)
		io_wq_exit(wq);
	if (!exec)
		io_tw_task_dead(tctx);
}

/**
 * io_uring_task_release - release a task's io_uring state when it is freed
 * @tsk: the task
 *
 * Context: free_task(), maybe from an RCU callback; does not sleep.
 */
void io_uring_task_release(struct task_struct *tsk)
{
	struct io_uring_task *tctx = tsk->io_uring;

	/* each request holds a reference to its task: none is left */
	WARN_ON_ONCE(atomic_read(&tctx->inflight) ||
		     !list_empty(&tctx->parked));
	io_ringfd_drop_all(tctx);
	/* the exit hook has stopped the io-wq already */
	kfree_rcu(tctx, rcu);
	tsk->io_uring = NULL;
}
