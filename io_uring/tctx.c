// SPDX-License-Identifier: GPL-2.0
/*
 * Per-task io_uring state (current->io_uring): the ring files a task has
 * registered for IORING_ENTER_REGISTERED_RING, and the exit/exec hooks
 * that release it.
 *
 * Locking: only the owning task touches its io_uring_task, so none.
 */
#include <linux/kernel.h>
#include <linux/file.h>
#include <linux/slab.h>
#include <linux/nospec.h>
#include <linux/uaccess.h>
#include <linux/io_uring.h>

#include "uring.h"

struct io_uring_task {
	struct file	*rings[IO_RINGFD_REG_MAX];
};

static struct io_uring_task *io_tctx_get(void)
{
	if (!current->io_uring)
		current->io_uring = kzalloc(sizeof(*current->io_uring),
					    GFP_KERNEL_ACCOUNT);
	return current->io_uring;
}

/**
 * io_is_uring_fops - is this file an io_uring instance?
 * @file: any file
 *
 * Used to keep ring fds out of SCM_RIGHTS, where a ring could end up
 * referencing itself.
 */
bool io_is_uring_fops(struct file *file)
{
	return file->f_op == &io_uring_fops;
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
			fput(tctx->rings[up.offset]);
			tctx->rings[up.offset] = NULL;
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
		if (tctx->rings[slot]) {
			fput(tctx->rings[slot]);
			tctx->rings[slot] = NULL;
		}
	}
	return i ? i : ret;
}

/* Drop every ring the current task has registered. */
static void io_ringfd_unregister_all(void)
{
	struct io_uring_task *tctx = current->io_uring;
	int i;

	for (i = 0; i < IO_RINGFD_REG_MAX; i++) {
		if (tctx->rings[i]) {
			fput(tctx->rings[i]);
			tctx->rings[i] = NULL;
		}
	}
}

/**
 * io_uring_task_exit - the exit and exec hook
 * @exec: called from exec rather than exit
 *
 * Requests finish inline for now, so nothing can be in flight once the task
 * is back in userspace; what remains is the task's ring registrations.
 */
void io_uring_task_exit(bool exec)
{
	io_ringfd_unregister_all();
}

/**
 * io_uring_task_release - release a task's io_uring state when it is freed
 * @tsk: the task
 */
void io_uring_task_release(struct task_struct *tsk)
{
	struct io_uring_task *tctx = tsk->io_uring;
	int i;

	for (i = 0; i < IO_RINGFD_REG_MAX; i++)
		if (tctx->rings[i])
			fput(tctx->rings[i]);
	kfree(tctx);
	tsk->io_uring = NULL;
}
