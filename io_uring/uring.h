/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ring core's structures: the shared SQ/CQ header, the per-ring
 * context and the per-task state, and the rules for locking them. The
 * functions of each file are declared in that file's own header, so the
 * #include lines of a file tell what it uses. Knows no opcode.
 *
 * Locking: ctx->uring_lock (mutex) serialises submission, registration and
 * the request cache; ctx->cq_lock (spinlock) serialises CQE posting and the
 * overflow list. cq_lock nests inside uring_lock, never the other way round.
 * ctx->mmap_lock (mutex) keeps ->mmap() and fdinfo off a ring resize, which
 * holds all three; the shared header is read unlocked only under RCU.
 */
#ifndef IO_URING_URING_H
#define IO_URING_URING_H

#include <linux/io_uring_types.h>
#include <linux/percpu-refcount.h>
#include <linux/workqueue.h>
#include <linux/mutex.h>
#include <linux/wait.h>
#include <linux/llist.h>
#include <linux/spinlock.h>
#include <linux/xarray.h>
#include <linux/bitmap.h>

#include "rsrc.h"

/* Largest SQ and CQ rings a ring can be set up with. */
#define IO_MAX_SQ_ENTRIES	32768
#define IO_MAX_CQ_ENTRIES	(2 * IO_MAX_SQ_ENTRIES)
/* Ring fds a task may register for IORING_ENTER_REGISTERED_RING. */
#define IO_RINGFD_REG_MAX	16
/* Completions gathered during one submit before they are posted. */
#define IO_COMPL_BATCH		32
/* Async states of up to IO_ASYNC_SIZE bytes are recycled by their ring. */
#define IO_ASYNC_SIZE		256
#define IO_ASYNC_CACHE_MAX	32

/*
 * What this io_uring accepts: setup flags, enter flags and SQE flags, and
 * the features setup reports. IORING_REGISTER_QUERY reports them too.
 */
#define IO_SETUP_FLAGS	(IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP |	\
			 IORING_SETUP_R_DISABLED | IORING_SETUP_SUBMIT_ALL |	\
			 IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG | \
			 IORING_SETUP_SQE128 | IORING_SETUP_CQE32 |		\
			 IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | \
			 IORING_SETUP_NO_MMAP | IORING_SETUP_REGISTERED_FD_ONLY | \
			 IORING_SETUP_NO_SQARRAY | IORING_SETUP_SQPOLL |	\
			 IORING_SETUP_SQ_AFF | IORING_SETUP_ATTACH_WQ |	\
			 IORING_SETUP_IOPOLL | IORING_SETUP_HYBRID_IOPOLL | \
			 IORING_SETUP_CQE_MIXED | IORING_SETUP_SQE_MIXED | \
			 IORING_SETUP_SQ_REWIND)

#define IO_FEATURES	(IORING_FEAT_SINGLE_MMAP | IORING_FEAT_NODROP |	\
			 IORING_FEAT_SUBMIT_STABLE | IORING_FEAT_EXT_ARG |	\
			 IORING_FEAT_CQE_SKIP | IORING_FEAT_REG_REG_RING |	\
			 IORING_FEAT_MIN_TIMEOUT | IORING_FEAT_FAST_POLL |	\
			 IORING_FEAT_RW_CUR_POS | IORING_FEAT_POLL_32BITS |	\
			 IORING_FEAT_NATIVE_WORKERS | IORING_FEAT_SQPOLL_NONFIXED | \
			 IORING_FEAT_CUR_PERSONALITY | IORING_FEAT_RECVSEND_BUNDLE | \
			 IORING_FEAT_RSRC_TAGS | IORING_FEAT_LINKED_FILE | \
			 IORING_FEAT_NO_IOWAIT)

#define IO_ENTER_FLAGS	(IORING_ENTER_GETEVENTS | IORING_ENTER_SQ_WAKEUP | \
			 IORING_ENTER_SQ_WAIT | IORING_ENTER_EXT_ARG |	   \
			 IORING_ENTER_REGISTERED_RING | IORING_ENTER_ABS_TIMER | \
			 IORING_ENTER_EXT_ARG_REG | IORING_ENTER_NO_IOWAIT)

#define IO_SQE_FLAGS	(IOSQE_FIXED_FILE | IOSQE_IO_DRAIN | IOSQE_IO_LINK | \
			 IOSQE_IO_HARDLINK | IOSQE_ASYNC | IOSQE_BUFFER_SELECT | \
			 IOSQE_CQE_SKIP_SUCCESS)

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

/*
 * The SQ and CQ as userspace shares them: @ring holds the header, the
 * CQEs and (unless NO_SQARRAY) the SQ index array, @sqe the SQEs. Set up
 * with the ring; IORING_REGISTER_RESIZE_RINGS (resize.c) builds a second
 * set and swaps it in with uring_lock, mmap_lock and cq_lock held, so a
 * holder of any of them sees one set throughout. Code holding none (the
 * ring's ->poll(), io_cqes_ready(), the eventfd check and the task work
 * flag) reads @hdr under rcu_read_lock(): a replaced set is freed after a
 * grace period.
 */
struct io_rings {
	struct io_shared_hdr	*hdr;
	u32			*sq_array;	/* NULL with NO_SQARRAY */
	struct io_uring_sqe	*sqes;
	struct io_uring_cqe	*cqes;
	struct io_region	ring;
	struct io_region	sqe;
};

/* log2 of a slot's size in the SQE and CQ arrays, by setup flags */
static inline unsigned int io_sqe_shift(unsigned int setup_flags)
{
	return (setup_flags & IORING_SETUP_SQE128) ? 7 : 6;
}

static inline unsigned int io_cqe_shift(unsigned int setup_flags)
{
	return (setup_flags & IORING_SETUP_CQE32) ? 5 : 4;
}

/* What a ring registered with IORING_REGISTER_RESTRICTIONS allows. */
struct io_restrictions {
	DECLARE_BITMAP(register_op, IORING_REGISTER_LAST);
	DECLARE_BITMAP(sqe_op, IORING_OP_LAST);
	u8	sqe_flags_allowed;
	u8	sqe_flags_required;
	bool	registered;
};

/* Completions waiting for CQ space, in submission order. */
struct io_overflow_cqe {
	struct list_head	list;
	struct io_uring_cqe	cqe;	/* followed by big_cqe on CQE32 rings */
};

struct io_ev_fd;
struct io_napi;
struct io_sq_data;
struct io_wq;
struct seq_file;
struct vm_area_struct;
struct iovec;

/*
 * struct io_ring_ctx - one io_uring instance
 *
 * Fields under "submit" are protected by @uring_lock, fields under
 * "complete" by @cq_lock; the rest is set at setup and then read-only,
 * unless marked otherwise. @rings, @sq_entries and @cq_entries change
 * only in a resize, under @uring_lock, @mmap_lock and @cq_lock.
 */
struct io_ring_ctx {
	unsigned int		flags;		/* IORING_SETUP_* */
	unsigned int		sq_entries;
	unsigned int		cq_entries;
	unsigned int		sqe_shift;	/* log2 of the SQE size */
	unsigned int		cqe_shift;	/* log2 of the CQE size */
	struct io_rings		rings;
	/* ->mmap() and fdinfo against a resize; after uring_lock */
	struct mutex		mmap_lock;
	/*
	 * IORING_REGISTER_MEM_REGION (memmap.c): set once, under uring_lock
	 * and mmap_lock; @wait_region (REG_WAIT_ARG) only while disabled, so
	 * io_uring_enter() reads it unlocked once the ring is enabled.
	 */
	struct io_region	param_region;
	bool			wait_region;
	clockid_t		clockid;	/* for timed waits; uring_lock */
	/*
	 * Created by a 32-bit task: the user structs its requests name
	 * (iovecs, msghdrs, siginfo, ...) have the compat layout, whoever
	 * issues them (an SQPOLL thread or io-wq worker is never in a
	 * compat syscall). Use io_is_compat().
	 */
	bool			compat;
	bool			disabled;	/* R_DISABLED until ENABLE_RINGS */
	bool			restricted;	/* @restrictions apply (enabled) */
	struct io_restrictions	restrictions;	/* restrict.c; uring_lock */
	/* cBPF filters (policy.c); replaced under uring_lock and mmap_lock */
	struct io_uring_policy	*policy;
	struct xarray		personalities;	/* creds.c; uring_lock */
	u32			personality_next;
	/*
	 * The creator's: an SQPOLL thread issues the ring's requests with
	 * @creds, and pinned pages are charged to its user (unless it had
	 * CAP_IPC_LOCK: @pin_exempt) and to its mm.
	 */
	const struct cred	*creds;
	struct mm_struct	*mm_account;
	bool			pin_exempt;

	/* submit */
	struct mutex		uring_lock;
	u32			sq_head;	/* private copy of hdr->sq_head */
	u32			sq_end;		/* where this submit stops */
	u32			sq_tail;	/* ... and the tail it read */
	struct task_struct	*submitter_task;	/* SINGLE_ISSUER */
	struct io_kiocb		*req_cache;
	unsigned int		async_nr;	/* states in async_cache */
	void			*async_cache[IO_ASYNC_CACHE_MAX];
	struct io_kiocb		*compl_head;
	struct io_kiocb		**compl_tail;
	unsigned int		compl_nr;
	struct list_head	parked;		/* requests with ->cancel set */
	struct io_kiocb		*drain_head;	/* held back by IOSQE_IO_DRAIN */
	struct io_kiocb		**drain_tail;
	u64			nr_submitted;	/* requests ever submitted */
	u64			nr_freed;	/* ... and freed */
	u64			drain_barrier;	/* nr_submitted after the last drain */
	bool			drain_running;	/* io_drain_check() under way */
	bool			drain_disabled;	/* a CQE_SKIP_SUCCESS was submitted */
	struct list_head	iopoll_list;	/* IOPOLL requests in flight; iopoll.c */
	u64			hybrid_poll_ns;	/* HYBRID_IOPOLL: average run time */

	/* complete */
	spinlock_t		cq_lock;
	u32			cq_tail;	/* private copy of hdr->cq_tail */
	u32			cq_tail_posted;	/* last tail made visible and woken for */
	struct list_head	overflow_list;
	unsigned int		overflow_nr;
	bool			cqe_lost;	/* report -EBADR once; xchg() */
	bool			async_posted;	/* batch has async completions */
	u32			cq_seq;		/* CQEs posted */
	u32			cq_timeouts;	/* of which, TIMEOUTs'; uring_lock */
	/* set by an op family that waits on CQE counts; uring_lock */
	void			(*cq_posted)(struct io_ring_ctx *ctx);

	/* timeout.c: armed TIMEOUTs, by target sequence; irq-safe */
	spinlock_t		timeout_lock;
	struct list_head	timeouts;

	/* rsrc.c: registered files and buffers; uring_lock */
	struct io_rsrc_table	files;
	struct io_rsrc_table	bufs;
	struct io_pin_acct	*pin_acct;	/* who pays for pinned pages */
	unsigned int		file_users;	/* requests holding a fixed file */
	unsigned int		buf_users;	/* ... a registered buffer */
	struct wait_queue_head	rsrc_wait;	/* unregister waits for them */
	unsigned int		file_alloc_start;	/* IORING_FILE_INDEX_ALLOC */
	unsigned int		file_alloc_end;		/* ... picks in [start, end) */
	unsigned int		file_alloc_hint;	/* ... from here on */

	struct xarray		buf_groups;	/* provided buffers; kbuf.c */

	struct io_sq_data	*sq_data;	/* SQPOLL thread; sqpoll.c */
	struct list_head	sq_node;
	struct wait_queue_head	sq_space_wait;	/* IORING_ENTER_SQ_WAIT */

	struct io_ev_fd __rcu	*ev_fd;		/* eventfd.c; uring_lock to change */
	struct io_napi		*napi;		/* napi.c; set once, at register */
	struct wait_queue_head	cq_wait;	/* io_uring_enter() waiters */
	struct wait_queue_head	poll_wait;	/* poll(2) on the ring fd */
	struct percpu_ref	refs;		/* one per live request, one for the fd */
	struct completion	refs_done;
	struct work_struct	exit_work;
	struct llist_head	fallback_list;	/* see io_req_task_work_add() */
	struct work_struct	fallback_work;
};

/*
 * Per-task state (current->io_uring), created at a task's first submission
 * or ring registration. Only the task touches @rings and @wq; @lock
 * protects @parked; the lists are lock-free.
 */
struct io_uring_task {
	struct file		*rings[IO_RINGFD_REG_MAX];
	struct io_wq		*wq;		/* created at the first punt */
	atomic_t		inflight;	/* requests not yet freed */
	bool			draining;	/* exit/exec waits on @wait */
	bool			dead;		/* exited: no more DEFER task_work */
	struct wait_queue_head	wait;
	spinlock_t		lock;		/* over @parked and @wq changes */
	struct list_head	parked;		/* our requests on any ctx->parked */
	struct llist_head	tw_list;	/* completions to run */
	struct callback_head	tw_head;	/* task_work that runs @tw_list */
	struct llist_head	defer_list;	/* same, DEFER_TASKRUN rings */
	struct llist_node	*defer_kept;	/* taken, not run; the task's */
	struct rcu_head		rcu;		/* task_work adders may look late */
};

/* Does the ring take its user structs in the 32-bit layout? */
static inline bool io_is_compat(const struct io_ring_ctx *ctx)
{
	return IS_ENABLED(CONFIG_COMPAT) && ctx->compat;
}

/* A request's opcode-private state, typed. */
#define io_kiocb_to_cmd(req, type) ({					\
	BUILD_BUG_ON(sizeof(type) > sizeof(struct io_cmd_data));	\
	(type *)&(req)->op;						\
})

#endif
