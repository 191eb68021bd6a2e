/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * io_uring hooks for the rest of the kernel: exit, exec and fork call these
 * so that a task's rings never outlive what the task owns.
 */
#ifndef _LINUX_IO_URING_H
#define _LINUX_IO_URING_H

#include <linux/sched.h>
#include <linux/xarray.h>
#include <uapi/linux/io_uring.h>

#if defined(CONFIG_IO_URING)
void __io_uring_cancel(bool cancel_all);
void __io_uring_free(struct task_struct *tsk);
void io_uring_unreg_ringfd(void);
const char *io_uring_get_opcode(u8 opcode);
bool io_is_uring_fops(struct file *file);

/* do_exit(): cancel what the task has in flight, drop its ring registrations */
static inline void io_uring_files_cancel(void)
{
	if (current->io_uring)
		__io_uring_cancel(false);
}

/* exec: as on exit, but for every ring the task has touched */
static inline void io_uring_task_cancel(void)
{
	if (current->io_uring)
		__io_uring_cancel(true);
}

/* free_task(): release the per-task io_uring context */
static inline void io_uring_free(struct task_struct *tsk)
{
	if (tsk->io_uring)
		__io_uring_free(tsk);
}
#else
static inline void io_uring_task_cancel(void)
{
}

static inline void io_uring_files_cancel(void)
{
}

static inline void io_uring_free(struct task_struct *tsk)
{
}

static inline const char *io_uring_get_opcode(u8 opcode)
{
	return "";
}

static inline bool io_is_uring_fops(struct file *file)
{
	return false;
}
#endif

#endif
