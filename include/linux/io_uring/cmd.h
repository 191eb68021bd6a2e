/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The driver side of IORING_OP_URING_CMD: a driver's ->uring_cmd() gets a
 * struct io_uring_cmd, keeps its own state in @pdu, and finishes the command
 * with io_uring_cmd_done(), from the submitting task's context when it was
 * called back through one of the *_in_task helpers.
 */
#ifndef _LINUX_IO_URING_CMD_H
#define _LINUX_IO_URING_CMD_H

#include <uapi/linux/io_uring.h>
#include <linux/io_uring_types.h>

/* Kernel-internal uring_cmd_flags live in the top byte. */
#define IORING_URING_CMD_CANCELABLE	(1U << 30)

/**
 * struct io_uring_cmd - a passthrough command as a driver sees it
 * @file: the file the command was issued on
 * @sqe: the submission entry (stable for the life of the command)
 * @task_work_cb: set by the *_in_task helpers
 * @cmd_op: the driver-defined command (sqe->cmd_op)
 * @flags: IORING_URING_CMD_* flags
 * @pdu: private space for the driver
 */
struct io_uring_cmd {
	struct file	*file;
	const struct io_uring_sqe *sqe;
	void (*task_work_cb)(struct io_uring_cmd *cmd, unsigned int issue_flags);
	u32		cmd_op;
	u32		flags;
	u8		pdu[32];
};

static inline const void *io_uring_sqe_cmd(const struct io_uring_sqe *sqe)
{
	return sqe->cmd;
}

static inline void io_uring_cmd_private_sz_check(size_t cmd_sz)
{
	BUILD_BUG_ON(cmd_sz > sizeof_field(struct io_uring_cmd, pdu));
}

#define io_uring_cmd_to_pdu(cmd, pdu_type) ( \
	io_uring_cmd_private_sz_check(sizeof(pdu_type)), \
	((pdu_type *)&(cmd)->pdu) \
)

#if defined(CONFIG_IO_URING)
int io_uring_cmd_import_fixed(u64 ubuf, unsigned long len, int rw,
			      struct iov_iter *iter, void *ioucmd);
void io_uring_cmd_done(struct io_uring_cmd *cmd, ssize_t ret, u64 res2,
		       unsigned int issue_flags);
void __io_uring_cmd_do_in_task(struct io_uring_cmd *ioucmd,
			       void (*task_work_cb)(struct io_uring_cmd *, unsigned int),
			       unsigned int flags);
void io_uring_cmd_mark_cancelable(struct io_uring_cmd *cmd,
				  unsigned int issue_flags);
void io_uring_cmd_issue_blocking(struct io_uring_cmd *ioucmd);
#else
static inline int io_uring_cmd_import_fixed(u64 ubuf, unsigned long len, int rw,
					    struct iov_iter *iter, void *ioucmd)
{
	return -EOPNOTSUPP;
}

static inline void io_uring_cmd_done(struct io_uring_cmd *cmd, ssize_t ret,
				     u64 res2, unsigned int issue_flags)
{
}

static inline void __io_uring_cmd_do_in_task(struct io_uring_cmd *ioucmd,
			void (*task_work_cb)(struct io_uring_cmd *, unsigned int),
			unsigned int flags)
{
}

static inline void io_uring_cmd_mark_cancelable(struct io_uring_cmd *cmd,
						unsigned int issue_flags)
{
}

static inline void io_uring_cmd_issue_blocking(struct io_uring_cmd *ioucmd)
{
}
#endif

/* Completion from a polled queue, always in task context. */
static inline void io_uring_cmd_iopoll_done(struct io_uring_cmd *ioucmd,
					    ssize_t ret, ssize_t res2)
{
	lockdep_assert(in_task());
	io_uring_cmd_done(ioucmd, ret, res2, 0);
}

/* Run @task_work_cb in the submitter's context; the wakeup may be deferred. */
static inline void io_uring_cmd_do_in_task_lazy(struct io_uring_cmd *ioucmd,
			void (*task_work_cb)(struct io_uring_cmd *, unsigned int))
{
	__io_uring_cmd_do_in_task(ioucmd, task_work_cb, IOU_F_TWQ_LAZY_WAKE);
}

/* Run @task_work_cb in the submitter's context as soon as possible. */
static inline void io_uring_cmd_complete_in_task(struct io_uring_cmd *ioucmd,
			void (*task_work_cb)(struct io_uring_cmd *, unsigned int))
{
	__io_uring_cmd_do_in_task(ioucmd, task_work_cb, 0);
}

static inline struct task_struct *io_uring_cmd_get_task(struct io_uring_cmd *cmd)
{
	return cmd_to_io_kiocb(cmd)->task;
}

#endif /* _LINUX_IO_URING_CMD_H */
