/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ring core: the shared SQ/CQ memory, the per-ring context and the
 * request life cycle (alloc, issue, complete, free). Knows no opcode.
 *
 * Locking: ctx->uring_lock (mutex) serialises submission, registration and
 * the request cache; ctx->cq_lock (spinlock) serialises CQE posting and the
 * overflow list. cq_lock nests inside uring_lock, never the other way round.
 */
#ifndef IO_URING_URING_H
#define IO_URING_URING_H

#include <linux/io_uring_types.h>
#include <linux/percpu-refcount.h>
#include <linux/workqueue.h>
#include <linux/mutex.h>
#include <linux/wait.h>

/* Largest SQ and CQ rings a ring can be set up with. */
#define IO_MAX_SQ_ENTRIES	32768
#define IO_MAX_CQ_ENTRIES	(2 * IO_MAX_SQ_ENTRIES)
/* Ring fds a task may register for IORING_ENTER_REGISTERED_RING. */
#define IO_RINGFD_REG_MAX	16
/* Completions gathered during one submit before they are posted. */
#define IO_COMPL_BATCH		32

/*
 * The start of the ring memory shared with userspace. The kernel writes
 * sq_head and cq_tail, userspace writes sq_tail and cq_head; each pair sits
 * in its own cache line. Userspace finds every field through the offsets
 * io_uring_setup() returns, so this layout is ours to choose.
 */
struct io_shared_hdr {
	u32 sq_head;
	u32 sq_tail;
	u32 __pad0[14];
	u32 cq_head;
	u32 cq_tail;
	u32 __pad1[14];
	u32 sq_ring_mask;
	u32 sq_ring_entries;
	u32 cq_ring_mask;
	u32 cq_ring_entries;
	u32 sq_flags;		/* IORING_SQ_*, kernel-owned, atomic updates */
	u32 sq_dropped;		/* invalid SQ array entries skipped */
	u32 cq_flags;		/* IORING_CQ_*, userspace-owned */
	u32 cq_overflow;	/* CQEs lost because memory ran out */
	u32 __pad2[8];
};

/*
 * A piece of memory shared with userspace: kernel pages we map into the
 * process, or (IORING_SETUP_NO_MMAP) the process's own pages, pinned. In
 * both cases the kernel reaches it through one vmap at @ptr.
 */
struct io_region {
	void		*ptr;
	struct page	**pages;
	unsigned int	nr_pages;
	bool		user;
};

/* Completions waiting for CQ space, in submission order. */
struct io_overflow_cqe {
	struct list_head	list;
	struct io_uring_cqe	cqe;	/* followed by big_cqe on CQE32 rings */
};

struct io_ev_fd;
struct seq_file;
struct vm_area_struct;

/**
 * struct io_ring_ctx - one io_uring instance
 *
 * Fields under "submit" are protected by @uring_lock, fields under
 * "complete" by @cq_lock; the rest is set at setup and then read-only,
 * unless marked otherwise.
 */
struct io_ring_ctx {
	unsigned int		flags;		/* IORING_SETUP_* */
	unsigned int		sq_entries;
	unsigned int		cq_entries;
	unsigned int		sqe_shift;	/* log2 of the SQE size */
	unsigned int		cqe_shift;	/* log2 of the CQE size */
	struct io_shared_hdr	*hdr;
	u32			*sq_array;	/* NULL with NO_SQARRAY */
	struct io_uring_sqe	*sqes;
	struct io_uring_cqe	*cqes;
	struct io_region	ring_region;
	struct io_region	sqe_region;
	clockid_t		clockid;	/* for timed waits; uring_lock */
	bool			disabled;	/* R_DISABLED until ENABLE_RINGS */

	/* submit */
	struct mutex		uring_lock;
	u32			sq_head;	/* private copy of hdr->sq_head */
	struct task_struct	*submitter_task;	/* SINGLE_ISSUER */
	struct io_kiocb		*req_cache;
	struct io_kiocb		*compl_head;
	struct io_kiocb		**compl_tail;
	unsigned int		compl_nr;

	/* complete */
	spinlock_t		cq_lock;
	u32			cq_tail;	/* private copy of hdr->cq_tail */
	u32			cq_tail_posted;	/* last tail made visible and woken for */
	struct list_head	overflow_list;
	unsigned int		overflow_nr;
	bool			cqe_lost;	/* report -EBADR once; xchg() */

	struct io_ev_fd __rcu	*ev_fd;		/* eventfd.c; uring_lock to change */
	struct wait_queue_head	cq_wait;	/* io_uring_enter() waiters */
	struct wait_queue_head	poll_wait;	/* poll(2) on the ring fd */
	struct percpu_ref	refs;		/* one per live request, one for the fd */
	struct completion	refs_done;
	struct work_struct	exit_work;
	struct llist_head	fallback_list;	/* see io_req_task_work_add() */
	struct work_struct	fallback_work;
};

/* A request's opcode-private state, typed. */
#define io_kiocb_to_cmd(req, type) ({					\
	BUILD_BUG_ON(sizeof(type) > sizeof(struct io_cmd_data));	\
	(type *)&(req)->op;						\
})

/* setup.c */
extern const struct file_operations io_uring_fops;

/* memmap.c */
int io_region_alloc(struct io_region *r, size_t size);
int io_region_pin(struct io_region *r, u64 uaddr, size_t size);
void io_region_free(struct io_region *r);
int io_uring_mmap(struct file *file, struct vm_area_struct *vma);

/* submit.c */
int io_submit_sqes(struct io_ring_ctx *ctx, unsigned int nr);
void io_req_cache_free(struct io_ring_ctx *ctx);
void io_req_complete_defer(struct io_kiocb *req);
void io_fallback_work(struct work_struct *work);
void io_req_task_work_add(struct io_kiocb *req,
			  void (*cb)(struct io_kiocb *req, unsigned int issue_flags));

/* complete.c */
void io_post_cqe(struct io_ring_ctx *ctx, u64 user_data, s32 res, u32 cflags,
		 const u64 *big);
void io_cq_lock(struct io_ring_ctx *ctx);
void io_cq_unlock_post(struct io_ring_ctx *ctx);
bool io_flush_overflow(struct io_ring_ctx *ctx);
void io_drop_overflow(struct io_ring_ctx *ctx);
unsigned int io_cqes_ready(struct io_ring_ctx *ctx);
void io_req_post(struct io_kiocb *req);

/* wait.c */
int io_cqring_wait(struct io_ring_ctx *ctx, unsigned int min_complete,
		   unsigned int flags, const void __user *argp, size_t argsz);

/* eventfd.c */
int io_eventfd_register(struct io_ring_ctx *ctx, void __user *arg,
			unsigned int nr_args, bool async);
int io_eventfd_unregister(struct io_ring_ctx *ctx);
void io_eventfd_signal(struct io_ring_ctx *ctx);

/* tctx.c */
struct file *io_ring_fd_get(unsigned int fd, bool registered);
void io_ring_fd_put(struct file *file, bool registered);
int io_ringfd_register(void __user *arg, unsigned int nr_args);
int io_ringfd_unregister(void __user *arg, unsigned int nr_args);
int io_ringfd_install(struct file *file);

/* register.c */
int io_enable_rings(struct io_ring_ctx *ctx);

/* fdinfo.c */
void io_uring_show_fdinfo(struct seq_file *m, struct file *file);

#endif
