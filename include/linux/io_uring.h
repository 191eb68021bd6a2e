/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * io_uring hooks for the rest of the kernel: exit, exec and fork call these
 * so that a task's rings never outlive what the task owns, and so that the
 * policy a task registered (io_uring/policy.c) passes to its children.
 */
#ifndef _LINUX_IO_URING_H
#define _LINUX_IO_URING_H

#include <linux/sched.h>
#include <uapi/linux/io_uring.h>

#if defined(CONFIG_IO_URING)
void io_uring_task_exit(bool exec);
void io_uring_task_release(struct task_struct *tsk);
bool io_is_uring_fops(struct file *file);
void io_uring_policy_get(struct io_uring_policy *pol);
void io_uring_policy_put(struct io_uring_policy *pol);

static inline struct io_uring_policy *io_uring_policy_of(struct task_struct *tsk)
{
	return tsk->io_uring_policy;
}

/*
 * copy_process(), once the fork can no longer fail: the child inherits the
 * parent's io_uring policy (filters and restrictions registered with fd
 * -1). Called under the parent's siglock: takes a reference, nothing more.
 */
static inline void io_uring_fork(struct task_struct *tsk)
{
	struct io_uring_policy *pol = current->io_uring_policy;

	if (pol) {
		io_uring_policy_get(pol);
		tsk->io_uring_policy = pol;
	}
}

static inline struct io_uring_task *io_uring_of(struct task_struct *tsk)
{
	return tsk->io_uring;
}
#else
static inline void io_uring_task_exit(bool exec) { }
static inline void io_uring_task_release(struct task_struct *tsk) { }
static inline bool io_is_uring_fops(struct file *file) { return false; }
static inline void io_uring_policy_get(struct io_uring_policy *pol) { }
static inline void io_uring_policy_put(struct io_uring_policy *pol) { }

static inline struct io_uring_policy *io_uring_policy_of(struct task_struct *tsk)
{
	return NULL;
}

static inline void io_uring_fork(struct task_struct *tsk) { }

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

/* __put_task_struct(): release the per-task io_uring context and policy */
static inline void io_uring_free(struct task_struct *tsk)
{
	if (io_uring_of(tsk))
		io_uring_task_release(tsk);
	if (io_uring_policy_of(tsk))
		io_uring_policy_put(io_uring_policy_of(tsk));
}

#endif
