/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The request as drivers see it: a uring_cmd lives at the start of an
 * io_kiocb, and the issue flags tell a driver how it is being called.
 * Everything else about requests and rings is private to io_uring/.
 */
#ifndef IO_URING_TYPES_H
#define IO_URING_TYPES_H

#include <linux/types.h>
#include <linux/stddef.h>
#include <linux/llist.h>
#include <uapi/linux/io_uring.h>

/* How an opcode's issue handler (or a driver's ->uring_cmd()) is called. */
enum io_uring_cmd_flags {
	IO_URING_F_NONBLOCK		= 1 << 0,	/* must not block */
	IO_URING_F_UNLOCKED		= 1 << 1,	/* ring lock not held */
	IO_URING_F_COMPLETE_DEFER	= 1 << 2,	/* caller batches the CQE */
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
struct io_poll;
struct io_rsrc;
struct io_buffer;
struct cred;

/*
 * Opcode-private state, 64 bytes, file pointer first so that a uring_cmd
 * (whose first member is its file) can overlay it.
 */
struct io_cmd_data {
	struct file		*file;
	__u8			data[56];
};

/**
 * struct io_wq_work - a request's place in an io-wq queue (see io_uring/io-wq.h)
 * @next: queue linkage, owned by io-wq while queued
 * @flags: IO_WQ_WORK_*; a canceller sets IO_WQ_WORK_CANCEL while io-wq runs it
 * @hash: serialisation key for IO_WQ_WORK_HASHED work (32 bits of the
 *	  inode's address, so that the request stays within 256 bytes)
 */
struct io_wq_work {
	struct io_wq_work	*next;
	atomic_t		flags;
	u32			hash;
};

/**
 * struct io_kiocb - one request, from its SQE to its CQE
 * @op: opcode-private state; must stay first (see cmd_to_io_kiocb())
 * @res: result for the CQE
 * @cflags: IORING_CQE_F_* for the CQE
 * @failed: the request failed in a way that breaks its link chain
 * @went_async: it did not complete at its first issue
 * @nowait: the submitter asked for -EAGAIN rather than a wait
 * @silent: post no CQE (its chain failed on a CQE_SKIP_SUCCESS request)
 * @res_ok: a negative @res that still counts as success
 * @iowq_block: in io-wq, issue blocking even on a pollable file (polling
 *		found it ready and it still could not go on)
 * @buf_sel: IO_KBUF_*: what provided buffer the request holds (kbuf.c)
 * @buf_group: sqe->buf_group, with IOSQE_BUFFER_SELECT
 * @buf_id: the (first) provided buffer's id
 * @buf_nr: provided ring buffers selected at once (bundles)
 * @kbuf: the provided buffer taken from a list group
 * @multishot: posts a CQE per result with io_mshot_post() and goes on; its
 *	       ->issue is only ever called non-blocking, and returns -EAGAIN
 *	       to wait for its file again
 * @next: list linkage: request cache, completion batch, drain queue
 * @link: the next request of its link chain
 * @cancel: how to cancel it while parked; NULL when it cannot be
 * @async: state the opcode keeps while the request waits (freed by the
 *	   core after the opcode's ->cleanup)
 * @poll: the poll of a request waiting for its file to be ready (apoll.c):
 *	  in its opcode's state (POLL_ADD's) or allocated by the engine
 * @creds: the submitter's credentials, for a worker to run it with
 * @rsrc_file: the registered file it uses (IOSQE_FIXED_FILE), held
 * @rsrc_buf: the registered buffer it uses, held
 * @big_cqe: the extra two words of a 32-byte CQE, for URING_CMD and NOP
 *	     only, which never select a provided buffer (hence the union)
 * @ctx: the ring the request was submitted to
 * @task: the submitting task; completions are run in its context. The
 *	  request holds a reference on it.
 * @user_data: copied from the SQE, returned in the CQE
 * @opcode: IORING_OP_*
 * @sqe_flags: IOSQE_* as submitted
 * @mshot_posted: a multishot request posted a result since the core's
 *		  retry loop last asked (io_mshot_progressed())
 * @async_units: @async is one of the ring's cached states
 *		 (io_req_async_alloc()), its opcode using this many 8-byte
 *		 units of the slot; 0 if it is not
 * @file_fd: sqe->fd, the file (or fixed slot) taken at first issue
 * @parked: on ctx->parked while it waits somewhere it can be cancelled
 * @task_parked: on its task's list of parked requests at the same time
 * @tw_entry: on a task_work list
 * @tw_cb: what the task_work runs
 * @work: io-wq linkage while punted
 * @drain_seq: held back by a drain until this many requests were freed
 *	       (before its first issue, so never while in io-wq)
 *
 * The members from @op to @rsrc_buf form the group "state": what a new
 * request starts with all zero (io_req_init()).
 */
struct io_kiocb {
	struct_group(state,
		struct io_cmd_data	op;
		s32			res;
		u32			cflags;
		bool			failed;
		bool			went_async;
		bool			nowait;
		bool			silent;
		bool			res_ok;
		bool			iowq_block;
		bool			multishot;
		u8			buf_sel;
		union {
			struct {
				u16			buf_group;
				u16			buf_id;
				u16			buf_nr;
				struct io_buffer	*kbuf;
			};
			u64			big_cqe[2];
		};
		struct io_kiocb		*next;
		struct io_kiocb		*link;
		int			(*cancel)(struct io_kiocb *req);
		void			*async;
		struct io_poll		*poll;
		const struct cred	*creds;
		struct io_rsrc		*rsrc_file;
		struct io_rsrc		*rsrc_buf;
	);
	struct io_ring_ctx	*ctx;
	struct task_struct	*task;
	u64			user_data;
	u8			opcode;
	u8			sqe_flags;
	bool			mshot_posted;
	u8			async_units;
	s32			file_fd;
	struct list_head	parked;
	struct list_head	task_parked;
	struct llist_node	tw_entry;
	void			(*tw_cb)(struct io_kiocb *req, unsigned int issue_flags);
	union {
		struct io_wq_work	work;
		u64			drain_seq;
	};
};

#define cmd_to_io_kiocb(ptr)	((struct io_kiocb *)(ptr))

#endif
