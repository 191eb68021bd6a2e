/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The driver side of IORING_OP_URING_CMD: a driver's ->uring_cmd() gets a
 * struct io_uring_cmd, keeps its own state in @pdu, and finishes the command
 * with io_uring_cmd_done(), from the submitting task's context when it was
 * called back through one of the *_in_task helpers.
 */
#ifndef _LINUX_IO_URING_CMD_H
#define _LINUX_IO_URING_CMD_H

#include <linux/bits.h>
#include <uapi/linux/io_uring.h>
#include <linux/io_uring_types.h>

/* Kernel-internal uring_cmd_flags live in the top byte. */
#define IORING_URING_CMD_CANCELABLE	BIT(30)

/**
 * struct io_uring_cmd - a passthrough command as a driver sees it
 * @file: the file the command was issued on (first: overlays the request's)
 * @sqe: the submission entry, stable for the life of the command
 * @cmd_op: the driver-defined command (sqe->cmd_op)
 * @flags: IORING_URING_CMD_* flags
 * @task_work_cb: what the *_in_task helpers run in the submitter's context
 * @pdu: private space for the driver, see io_uring_cmd_to_pdu()
 */
struct io_uring_cmd {
	struct file	*file;
	const struct io_uring_sqe *sqe;
	u32		cmd_op;
	u32		flags;
	void (*task_work_cb)(struct io_uring_cmd *cmd, unsigned int issue_flags);
	u8		pdu[32];
};

/* The command payload of a 128-byte SQE. */
static inline const void *io_uring_sqe_cmd(const struct io_uring_sqe *sqe)
{
	return &sqe->cmd[0];
}

/* A driver's view of @pdu; fails the build if its type does not fit. */
#define io_uring_cmd_to_pdu(cmd, type) ({				\
	static_assert(sizeof(type) <= sizeof(((struct io_uring_cmd *)0)->pdu)); \
	(type *)(cmd)->pdu;						\
})

#if !defined(CONFIG_IO_URING)
static inline int io_uring_cmd_import_fixed(u64 ubuf, unsigned long len, int rw,
					    struct iov_iter *iter, void *ioucmd)
{
	return -EOPNOTSUPP;
}

static inline void io_uring_cmd_done(struct io_uring_cmd *cmd, ssize_t ret,
				     u64 res2, unsigned int issue_flags) { }
static inline void
__io_uring_cmd_do_in_task(struct io_uring_cmd *ioucmd,
			  void (*cb)(struct io_uring_cmd *, unsigned int),
			  unsigned int flags) { }
static inline void io_uring_cmd_mark_cancelable(struct io_uring_cmd *cmd,
						unsigned int issue_flags) { }
static inline void io_uring_cmd_issue_blocking(struct io_uring_cmd *ioucmd) { }
#else
int io_uring_cmd_import_fixed(u64 ubuf, unsigned long len, int rw,
			      struct iov_iter *iter, void *ioucmd);
void io_uring_cmd_done(struct io_uring_cmd *cmd, ssize_t ret, u64 res2,
		       unsigned int issue_flags);
void __io_uring_cmd_do_in_task(struct io_uring_cmd *ioucmd,
			       void (*cb)(struct io_uring_cmd *, unsigned int),
			       unsigned int flags);
void io_uring_cmd_mark_cancelable(struct io_uring_cmd *cmd,
				  unsigned int issue_flags);
void io_uring_cmd_issue_blocking(struct io_uring_cmd *ioucmd);
#endif

/* Run @cb in the submitter's context as soon as it can. */
static inline void
io_uring_cmd_complete_in_task(struct io_uring_cmd *cmd,
			      void (*cb)(struct io_uring_cmd *, unsigned int))
{
	__io_uring_cmd_do_in_task(cmd, cb, 0);
}

/* As io_uring_cmd_complete_in_task(), but the wakeup may be batched. */
static inline void
io_uring_cmd_do_in_task_lazy(struct io_uring_cmd *cmd,
			     void (*cb)(struct io_uring_cmd *, unsigned int))
{
	__io_uring_cmd_do_in_task(cmd, cb, IOU_F_TWQ_LAZY_WAKE);
}

/*
 * Completion found by polling a queue (IORING_SETUP_IOPOLL): that happens
 * in the submitter's own task, so the CQE can be posted directly.
 */
static inline void io_uring_cmd_iopoll_done(struct io_uring_cmd *cmd,
					    ssize_t ret, ssize_t res2)
{
	io_uring_cmd_done(cmd, ret, res2, 0);
}

/* The task that submitted the command. */
static inline struct task_struct *io_uring_cmd_get_task(struct io_uring_cmd *cmd)
{
	return cmd_to_io_kiocb(cmd)->task;
}

#endif /* _LINUX_IO_URING_CMD_H */
