/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * io_uring hooks for the rest of the kernel: exit, exec and fork call these
 * so that a task's rings never outlive what the task owns.
 */
#ifndef _LINUX_IO_URING_H
#define _LINUX_IO_URING_H

#include <linux/sched.h>
#include <uapi/linux/io_uring.h>

#if defined(CONFIG_IO_URING)
void io_uring_task_exit(bool exec);
void io_uring_task_release(struct task_struct *tsk);
bool io_is_uring_fops(struct file *file);

static inline struct io_uring_task *io_uring_of(struct task_struct *tsk)
{
	return tsk->io_uring;
}
#else
static inline void io_uring_task_exit(bool exec) { }
static inline void io_uring_task_release(struct task_struct *tsk) { }
static inline bool io_is_uring_fops(struct file *file) { return false; }

static inline struct io_uring_task *io_uring_of(struct task_struct *tsk)
{
	return NULL;
}
#endif

/* do_exit(): cancel what the task has in flight, drop its ring registrations */
static inline void io_uring_files_cancel(void)
{
	if (io_uring_of(current))
		io_uring_task_exit(false);
}

/* begin_new_exec(): the same, for the image being replaced */
static inline void io_uring_task_cancel(void)
{
	if (io_uring_of(current))
		io_uring_task_exit(true);
}

/* free_task(): release the per-task io_uring context */
static inline void io_uring_free(struct task_struct *tsk)
{
	if (io_uring_of(tsk))
		io_uring_task_release(tsk);
}

#endif
