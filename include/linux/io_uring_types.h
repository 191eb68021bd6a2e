/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The request as drivers see it: a uring_cmd lives at the start of an
 * io_kiocb, and the issue flags tell a driver how it is being called.
 * Everything else about requests and rings is private to io_uring/.
 */
#ifndef IO_URING_TYPES_H
#define IO_URING_TYPES_H

#include <linux/types.h>
#include <linux/task_work.h>
#include <linux/llist.h>
#include <uapi/linux/io_uring.h>

/* How an opcode's issue handler (or a driver's ->uring_cmd()) is called. */
enum io_uring_cmd_flags {
	IO_URING_F_NONBLOCK		= 1 << 0,	/* must not block */
	IO_URING_F_UNLOCKED		= 1 << 1,	/* ring lock not held */
	IO_URING_F_COMPLETE_DEFER	= 1 << 2,	/* caller batches the CQE */
	IO_URING_F_MULTISHOT		= 1 << 3,
	IO_URING_F_IOWQ			= 1 << 4,	/* in an io-wq worker */
	IO_URING_F_SQE128		= 1 << 5,	/* ring has 128-byte SQEs */
	IO_URING_F_CQE32		= 1 << 6,	/* ring has 32-byte CQEs */
	IO_URING_F_IOPOLL		= 1 << 7,	/* ring polls for completions */
	IO_URING_F_CANCEL		= 1 << 8,	/* cancel a command issued earlier */
	IO_URING_F_COMPAT		= 1 << 9,	/* 32-bit submitter */
	IO_URING_F_TASK_DEAD		= 1 << 10,	/* submitter is exiting */
};

/* Task-work flags: a lazy wake may wait until more completions are due. */
enum {
	IOU_F_TWQ_LAZY_WAKE		= 1,
};

struct io_ring_ctx;

/*
 * Opcode-private state, 64 bytes, file pointer first so that a uring_cmd
 * (whose first member is its file) can overlay it.
 */
struct io_cmd_data {
	struct file		*file;
	__u8			data[56];
};

/**
 * struct io_kiocb - one request, from its SQE to its CQE
 * @op: opcode-private state; must stay first (see cmd_to_io_kiocb())
 * @ctx: the ring the request was submitted to
 * @task: the submitting task; completions are run in its context
 * @user_data: copied from the SQE, returned in the CQE
 * @res: result for the CQE
 * @cflags: IORING_CQE_F_* for the CQE
 * @opcode: IORING_OP_*
 * @sqe_flags: IOSQE_* as submitted
 * @failed: the request (or its chain) failed; links behind it are cancelled
 * @next: list linkage: request cache, completion batch, link chain
 * @tw: task_work used to finish the request in @task's context
 * @fallback_node: on ctx's fallback list when @task takes no more task_work
 * @tw_cb: what @tw runs
 * @big_cqe: the extra two words of a CQE32 ring's CQE
 */
struct io_kiocb {
	struct io_cmd_data	op;
	struct io_ring_ctx	*ctx;
	struct task_struct	*task;
	u64			user_data;
	s32			res;
	u32			cflags;
	u8			opcode;
	u8			sqe_flags;
	bool			failed;
	struct io_kiocb		*next;
	struct callback_head	tw;
	struct llist_node	fallback_node;
	void			(*tw_cb)(struct io_kiocb *req, unsigned int issue_flags);
	u64			big_cqe[2];
};

#define cmd_to_io_kiocb(ptr)	((struct io_kiocb *)(ptr))

#endif
