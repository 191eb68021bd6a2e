// SPDX-License-Identifier: GPL-2.0
/*
 * Submission: take SQEs off the SQ ring, turn each into a request through
 * the opcode table, run link chains in order, and batch the completions of
 * everything that finished inline into one CQ update.
 *
 * Requests come from a per-ring cache refilled in bulk, so the steady state
 * allocates nothing. Everything here runs under ctx->uring_lock.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/kasan.h>
#include <linux/sched/task.h>
#include <linux/cred.h>
#include <linux/sched/signal.h>
#include <linux/file.h>
#include <linux/nospec.h>
#include <linux/blkdev.h>
#include <linux/io_uring.h>

#include "uring.h"
#include "opdef.h"
#include "apoll.h"
#include "complete.h"
#include "creds.h"
#include "issue.h"
#include "kbuf.h"
#include "policy.h"
#include "restrict.h"
#include "submit.h"
#include "tw.h"

#include <trace/events/io_uring.h>

#define IO_REQ_REFILL	8
#define IO_LINK_FLAGS	(IOSQE_IO_LINK | IOSQE_IO_HARDLINK)

static struct kmem_cache *io_req_slab;

/* A link chain being collected: it is issued once its last member arrives. */
struct io_chain {
	struct io_kiocb *head;
	struct io_kiocb **tail;
};

static bool io_req_cache_refill(struct io_ring_ctx *ctx)
{
	void *reqs[IO_REQ_REFILL];
	int i, got;

	got = kmem_cache_alloc_bulk(io_req_slab, GFP_KERNEL_ACCOUNT | __GFP_NOWARN,
				    IO_REQ_REFILL, reqs);
	if (unlikely(got <= 0)) {
		reqs[0] = kmem_cache_alloc(io_req_slab, GFP_KERNEL_ACCOUNT);
		if (!reqs[0])
			return false;
		got = 1;
	}
	for (i = 0; i < got; i++) {
		struct io_kiocb *req = reqs[i];

		req->next = ctx->req_cache;
		ctx->req_cache = req;
	}
	return true;
}

/*
 * What a request holds while it lives: its task (which must outlive it,
 * even the task's exit), a count in the task's inflight and a ring
 * reference. They are taken for a whole batch of SQEs and given back for
 * a whole batch of completions: atomics per batch, not per request.
 */
static void io_req_refs_get(struct io_ring_ctx *ctx, unsigned int nr)
{
	refcount_add(nr, &current->usage);
	atomic_add(nr, &current->io_uring->inflight);
	percpu_ref_get_many(&ctx->refs, nr);
}

static void io_req_refs_put(struct io_ring_ctx *ctx, struct task_struct *task,
			    unsigned int nr)
{
	struct io_uring_task *tctx = task->io_uring;

	if (atomic_sub_and_test(nr, &tctx->inflight) &&
	    READ_ONCE(tctx->draining))
		wake_up(&tctx->wait);
	put_task_struct_many(task, nr);
	percpu_ref_put_many(&ctx->refs, nr);
}

/* A request from the cache; the caller took its references. */
static struct io_kiocb *io_req_alloc(struct io_ring_ctx *ctx)
{
	struct io_kiocb *req = ctx->req_cache;

	if (unlikely(!req)) {
		if (!io_req_cache_refill(ctx))
			return NULL;
		req = ctx->req_cache;
	}
	ctx->req_cache = req->next;
	req->ctx = ctx;
	req->task = current;
	return req;
}

/* Back to the cache; the caller drops its references. */
static void io_req_unalloc(struct io_kiocb *req)
{
	struct io_ring_ctx *ctx = req->ctx;

	req->next = ctx->req_cache;
	ctx->req_cache = req;
}

/* 8-byte units of a cached slot that @size takes: never 0, which is none. */
static u8 io_async_units(size_t size)
{
	return max_t(size_t, DIV_ROUND_UP(size, sizeof(u64)), 1);
}

/**
 * io_req_async_alloc - give a request its async state (req->async)
 * @req: the request, being prepared
 * @size: bytes wanted
 *
 * A state of up to IO_ASYNC_SIZE bytes comes from the ring's cache when it
 * has one, so that the steady state allocates none; a bigger one from
 * kmalloc. Its contents are undefined. The core frees it with the request.
 *
 * Context: ctx->uring_lock held.
 * Return: the state, or NULL for lack of memory.
 */
void *io_req_async_alloc(struct io_kiocb *req, size_t size)
{
	struct io_ring_ctx *ctx = req->ctx;
	void *st;

	lockdep_assert_held(&ctx->uring_lock);
	if (size > IO_ASYNC_SIZE) {
		st = kmalloc(size, GFP_KERNEL_ACCOUNT);
	} else if (ctx->async_nr) {
		st = ctx->async_cache[--ctx->async_nr];
		kasan_mempool_unpoison_object(st, IO_ASYNC_SIZE);
		req->async_units = io_async_units(size);
	} else {
		st = kmalloc(IO_ASYNC_SIZE, GFP_KERNEL_ACCOUNT);
		req->async_units = io_async_units(size);
	}
	req->async = st;
	return st;
}

/**
 * io_req_async_spare - the unused end of a request's async state slot
 * @req: the request
 * @size: bytes wanted
 *
 * A cached async state takes a whole IO_ASYNC_SIZE slot; what its opcode
 * leaves unused is lent to the readiness engine, for the poll of a retry,
 * so that a waiting read costs no allocation of its own. The memory goes
 * with the state, when the request is freed.
 *
 * Return: @size bytes of the slot, or NULL if the request has no cached
 * state or it leaves less.
 */
void *io_req_async_spare(struct io_kiocb *req, size_t size)
{
	size_t used = req->async_units * sizeof(u64);

	if (!req->async_units || used + size > IO_ASYNC_SIZE)
		return NULL;
	return req->async + used;
}

/* Back to the ring's cache if it came from it and there is room. */
static void io_req_async_free(struct io_ring_ctx *ctx, struct io_kiocb *req)
{
	void *st = req->async;

	req->async = NULL;
	if (!req->async_units || ctx->async_nr == IO_ASYNC_CACHE_MAX) {
		kfree(st);
		return;
	}
	/* KASAN catches a use of the state while it sits in the cache */
	if (kasan_mempool_poison_object(st))
		ctx->async_cache[ctx->async_nr++] = st;
}

/*
 * Might @req hold something to release? One test, for the many requests
 * (NOPs, say) that hold nothing; io_req_release() then looks closer.
 */
static __always_inline bool io_req_may_hold(const struct io_kiocb *req,
					    const struct io_op_def *def)
{
	static_assert(IO_KBUF_NONE == 0);
	return ((unsigned long)def->cleanup | (unsigned long)req->op.file |
		(unsigned long)req->poll | (unsigned long)req->async |
		(unsigned long)req->creds | (unsigned long)req->rsrc_file |
		(unsigned long)req->rsrc_buf | req->buf_sel) != 0;
}

/* Release what the request took while it ran; it stays the caller's. */
static void io_req_release(struct io_kiocb *req)
{
	const struct io_op_def *def = &io_op_defs[req->opcode];
	struct io_ring_ctx *ctx = req->ctx;

	lockdep_assert_held(&ctx->uring_lock);
	ctx->nr_freed++;
	if (likely(!io_req_may_hold(req, def)))
		return;
	/* each test spares a call for what the request does not hold */
	if (def->cleanup)
		def->cleanup(req);
	if (req->buf_sel != IO_KBUF_NONE)
		io_buffer_drop(req);
	if (req->poll)
		io_apoll_free(req);
	if (req->async)
		io_req_async_free(ctx, req);
	if (req->creds)
		put_cred(req->creds);
	if (!req->rsrc_file && req->op.file && def->needs_file)
		fput(req->op.file);
	if (req->rsrc_file || req->rsrc_buf)
		io_req_rsrc_put(req);
}

/* Ring teardown: give the cached requests and states back to the slab. */
void io_req_cache_free(struct io_ring_ctx *ctx)
{
	struct io_kiocb *req;

	while (ctx->async_nr) {
		void *st = ctx->async_cache[--ctx->async_nr];

		kasan_mempool_unpoison_object(st, IO_ASYNC_SIZE);
		kfree(st);
	}

	while ((req = ctx->req_cache)) {
		ctx->req_cache = req->next;
		kmem_cache_free(io_req_slab, req);
	}
}

/*
 * Recycle a list of finished requests, dropping their references once
 * for each run of requests of the same task.
 */
static void io_req_free_list(struct io_ring_ctx *ctx, struct io_kiocb *req)
{
	struct task_struct *task = NULL;
	unsigned int nr = 0;
	struct io_kiocb *next;

	for (; req; req = next) {
		next = req->next;
		io_req_release(req);
		if (req->task != task) {
			if (nr)
				io_req_refs_put(ctx, task, nr);
			task = req->task;
			nr = 0;
		}
		nr++;
		io_req_unalloc(req);
	}
	if (nr)
		io_req_refs_put(ctx, task, nr);
}

/* Post every CQE of the batch under one lock, then recycle the requests. */
static void io_compl_post_batch(struct io_ring_ctx *ctx)
{
	struct io_kiocb *req;

	req = ctx->compl_head;
	io_req_post_list(ctx, req);
	ctx->compl_head = NULL;
	ctx->compl_tail = &ctx->compl_head;
	ctx->compl_nr = 0;
	io_req_free_list(ctx, req);
}

/**
 * io_drain_check - issue the held-back chains whose turn has come
 * @ctx: the ring
 *
 * Context: ctx->uring_lock held.
 */
static void io_drain_check(struct io_ring_ctx *ctx)
{
	struct io_kiocb *req;

	lockdep_assert_held(&ctx->uring_lock);
	while ((req = ctx->drain_head) && ctx->nr_freed >= req->drain_seq) {
		ctx->drain_head = req->next;
		if (!ctx->drain_head)
			ctx->drain_tail = &ctx->drain_head;
		io_req_unpark(req);
		req->next = NULL;
		/* issue in the submitter's context, which may not be ours */
		if (current == req->task)
			io_queue_req(req);
		else
			io_req_task_work_add(req, io_req_queue_tw);
	}
}

/**
 * io_compl_flush - post the CQEs of the batch and recycle the requests
 * @ctx: the ring
 *
 * Then issues what a drain held back, if its time has come, and completes
 * timeouts whose CQE count was reached; whatever that completes is posted
 * too before it returns.
 *
 * Context: ctx->uring_lock held.
 */
void io_compl_flush(struct io_ring_ctx *ctx)
{
	lockdep_assert_held(&ctx->uring_lock);
	while (ctx->compl_head) {
		io_compl_post_batch(ctx);
		/* a nested flush leaves held chains to the outer drain check */
		if (ctx->drain_head && !ctx->drain_running) {
			ctx->drain_running = true;
			io_drain_check(ctx);
			ctx->drain_running = false;
		}
		if (ctx->cq_posted)
			ctx->cq_posted(ctx);
	}
}

/*
 * A 128-byte SQE: the slot size of an SQE128 ring. On an SQE_MIXED ring
 * it takes its slot and the next one, which must be in the SQE array (not
 * past its last slot, whatever the SQ array maps) and published: it then
 * consumes an extra SQ entry, even if that is one past where this submit
 * meant to stop (the SQPOLL thread's round cap must not split a pair).
 * Elsewhere, or without that room, -EINVAL, and only the one entry is
 * consumed.
 */
static noinline int io_req_sqe128(struct io_ring_ctx *ctx,
				  const struct io_uring_sqe *sqe)
{
	size_t idx = ((const char *)sqe - (const char *)ctx->rings.sqes) >>
		     ctx->sqe_shift;

	if (ctx->flags & IORING_SETUP_SQE128)
		return 0;
	if (!(ctx->flags & IORING_SETUP_SQE_MIXED) ||
	    idx == ctx->sq_entries - 1 || ctx->sq_head == ctx->sq_tail)
		return -EINVAL;
	if (ctx->sq_head == ctx->sq_end)
		ctx->sq_end++;
	ctx->sq_head++;
	return 0;
}

/* Read the SQE's common fields once and let the opcode prepare the rest. */
static int io_req_init(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	const struct io_op_def *def;
	u16 personality;
	int ret;

	/* a recycled request: nothing of its last life may show through */
	memset(&req->state, 0, sizeof(req->state));
	req->opcode = READ_ONCE(sqe->opcode);
	req->sqe_flags = READ_ONCE(sqe->flags);
	req->mshot_posted = false;
	req->async_units = 0;
	req->user_data = READ_ONCE(sqe->user_data);
	/* the file is taken at issue: io_req_assign_file() */
	req->file_fd = READ_ONCE(sqe->fd);

	if (unlikely(!io_op_valid(req->opcode))) {
		req->opcode = io_op_index(req->opcode);
		return -EINVAL;
	}
	req->opcode = io_op_index(req->opcode);
	def = &io_op_defs[req->opcode];
	/* before any other check: the SQE's size says where the next one is */
	if (unlikely(def->sqe128)) {
		ret = io_req_sqe128(req->ctx, sqe);
		if (ret)
			return ret;
	}
	if (unlikely(req->ctx->restricted) &&
	    !io_sqe_allowed(req->ctx, req->opcode, req->sqe_flags))
		return -EACCES;
	if (unlikely(req->sqe_flags & ~IO_SQE_FLAGS))
		return -EINVAL;
	if (unlikely(!def->issue))
		return -EINVAL;
	if ((req->ctx->flags & IORING_SETUP_IOPOLL) && !def->iopoll)
		return -EINVAL;
	if (req->sqe_flags & IOSQE_BUFFER_SELECT) {
		if (!def->buffer_select)
			return -EOPNOTSUPP;
		req->buf_group = READ_ONCE(sqe->buf_group);
	}
	/* skipped CQEs break drain's counting: no drains after the first */
	if (req->sqe_flags & IOSQE_CQE_SKIP_SUCCESS)
		req->ctx->drain_disabled = true;
	if ((req->sqe_flags & IOSQE_IO_DRAIN) && req->ctx->drain_disabled)
		return -EOPNOTSUPP;
	personality = READ_ONCE(sqe->personality);
	if (personality) {
		ret = io_req_personality(req, personality);
		if (ret)
			return ret;
	}
	ret = def->prep(req, sqe);
	if (unlikely(ret))
		return ret;
	/* the filters see what prep took, as the request will use it */
	return io_policy_check_req(req);
}

static void io_drain_cancel_tw(struct io_kiocb *req, unsigned int issue_flags)
{
	io_req_fail_chain(req, -ECANCELED, false);
}

/*
 * A held-back chain is cancelled: take it off the drain queue; it fails
 * from task_work, as cancellers may be walking ctx->parked.
 */
static int io_drain_cancel(struct io_kiocb *req)
{
	struct io_ring_ctx *ctx = req->ctx;
	struct io_kiocb **pp;

	/* ->cancel is io_drain_cancel only while req is queued */
	for (pp = &ctx->drain_head; *pp && *pp != req; pp = &(*pp)->next)
		;
	if (WARN_ON_ONCE(!*pp))
		return -EALREADY;
	*pp = req->next;
	if (!*pp)
		ctx->drain_tail = pp;
	req->next = NULL;
	req->cancel = io_req_cancel_noop;
	io_req_task_work_add(req, io_drain_cancel_tw);
	return 0;
}

/*
 * IOSQE_IO_DRAIN: a chain waits until everything submitted before it has
 * completed, and everything after it waits until it has.
 */
static bool io_drain_hold(struct io_ring_ctx *ctx, struct io_kiocb *head,
			  unsigned int nr, bool drain)
{
	u64 before = ctx->nr_submitted - nr;

	/* nothing held, and the last drained chain (if any) is done */
	if (!drain && !ctx->drain_head && ctx->nr_freed >= ctx->drain_barrier)
		return false;
	if (drain) {
		head->drain_seq = before;
		ctx->drain_barrier = ctx->nr_submitted;
	} else {
		head->drain_seq = ctx->drain_barrier;
	}
	if (ctx->nr_freed >= head->drain_seq && !ctx->drain_head)
		return false;
	head->next = NULL;
	*ctx->drain_tail = head;
	ctx->drain_tail = &head->next;
	io_req_park(head, io_drain_cancel);
	trace_io_uring_defer(head);
	return true;
}

/*
 * A complete chain: fail it as a whole if a member failed its checks (that
 * member reports its own error, the others -ECANCELED), else issue it.
 */
static void io_chain_submit(struct io_ring_ctx *ctx, struct io_chain *chain)
{
	struct io_kiocb *req, *next, *head = chain->head, *failed = NULL;
	unsigned int nr = 0;
	bool drain = false;

	for (req = head; req; req = req->link) {
		if (unlikely(req->failed) && !failed)
			failed = req;
		drain |= req->sqe_flags & IOSQE_IO_DRAIN;
		nr++;
	}
	chain->head = NULL;
	chain->tail = &chain->head;
	if (unlikely(failed)) {
		for (req = head; req; req = next) {
			next = req->link;
			req->link = NULL;
			if (!req->failed) {
				req->res = -ECANCELED;
				trace_io_uring_fail_link(failed, req);
			}
			io_req_complete_defer(req);
		}
		return;
	}
	if (unlikely(io_drain_hold(ctx, head, nr, drain)))
		return;
	io_queue_new(head);
}

/*
 * A request neither in nor starting a link chain, with no drain to honour:
 * most of them. It is issued at once, without collecting a chain.
 */
static bool io_req_alone(struct io_ring_ctx *ctx, struct io_chain *chain,
			 struct io_kiocb *req)
{
	return !chain->head &&
	       !(req->sqe_flags & (IO_LINK_FLAGS | IOSQE_IO_DRAIN)) &&
	       !ctx->drain_head && ctx->nr_freed >= ctx->drain_barrier;
}

/* Next SQE by the SQ array (or directly); NULL for an invalid array entry. */
static const struct io_uring_sqe *io_next_sqe(struct io_ring_ctx *ctx)
{
	unsigned int idx = ctx->sq_head++ & (ctx->sq_entries - 1);

	if (ctx->rings.sq_array) {
		idx = READ_ONCE(ctx->rings.sq_array[idx]);
		if (unlikely(idx >= ctx->sq_entries)) {
			WRITE_ONCE(ctx->rings.hdr->sq_dropped,
				   READ_ONCE(ctx->rings.hdr->sq_dropped) + 1);
			return NULL;
		}
		idx = array_index_nospec(idx, ctx->sq_entries);
	}
	return (void *)ctx->rings.sqes + ((size_t)idx << ctx->sqe_shift);
}

/**
 * io_submit_sqes - consume up to @nr SQEs
 * @ctx: the ring
 * @nr: how many the caller asked for
 *
 * A request that fails its checks completes with the error and, unless the
 * ring has IORING_SETUP_SUBMIT_ALL, ends the batch. A task being killed
 * submits no more: a batch of slow requests issued inline (thousands of
 * PROVIDE_BUFFERS, say) must not keep it from dying.
 *
 * Context: ctx->uring_lock held.
 * Return: SQEs consumed, or -EAGAIN if none could be for lack of memory
 * (-EINTR if none were for a fatal signal).
 */
int io_submit_sqes(struct io_ring_ctx *ctx, unsigned int nr)
{
	/* SQEs written by userspace before it moved the tail */
	u32 tail = smp_load_acquire(&ctx->rings.hdr->sq_tail);
	struct io_chain chain = { .tail = &chain.head };
	unsigned int done, used = 0;
	u32 start;
	struct blk_plug plug;
	bool plugged = false;

	lockdep_assert_held(&ctx->uring_lock);
	/* SQ_REWIND: no head or tail, the caller's SQEs start at slot 0 */
	if (unlikely(ctx->flags & IORING_SETUP_SQ_REWIND)) {
		ctx->sq_head = 0;
		tail = nr;
	}
	start = ctx->sq_head;
	ctx->sq_tail = tail;
	nr = min3(nr, tail - start, ctx->sq_entries);
	if (nr)
		io_req_refs_get(ctx, nr);
	/* a 128-byte SQE of a mixed ring moves sq_head by two */
	ctx->sq_end = start + nr;
	while (ctx->sq_head != ctx->sq_end) {
		const struct io_uring_sqe *sqe;
		struct io_kiocb *req;
		int ret;

		if (unlikely(fatal_signal_pending(current)))
			break;
		req = io_req_alloc(ctx);
		if (unlikely(!req))
			break;
		sqe = io_next_sqe(ctx);
		if (unlikely(!sqe)) {
			io_req_unalloc(req);
			continue;
		}
		used++;
		ret = io_req_init(req, sqe);
		if (unlikely(ret)) {
			trace_io_uring_req_failed(sqe, req, ret);
			req->res = ret;
			req->failed = true;
		} else {
			trace_io_uring_submit_req(req);
		}
		ctx->nr_submitted++;
		if (unlikely(io_op_defs[req->opcode].plug) && !plugged) {
			/* the rest of the batch's block I/O goes out together */
			blk_start_plug_nr_ios(&plug,
					      min_t(unsigned int,
						    ctx->sq_end - ctx->sq_head + 1,
						    USHRT_MAX));
			plugged = true;
		}
		if (likely(!ret && io_req_alone(ctx, &chain, req))) {
			io_queue_alone(req);
			continue;
		}
		trace_io_uring_link(req, chain.head);
		*chain.tail = req;
		chain.tail = &req->link;
		if (!(req->sqe_flags & IO_LINK_FLAGS))
			io_chain_submit(ctx, &chain);
		/* a failed link member still lets its chain be collected */
		if (unlikely(ret) && !(ctx->flags & IORING_SETUP_SUBMIT_ALL) &&
		    !(req->sqe_flags & IO_LINK_FLAGS))
			break;
	}
	/* a chain left open by the last SQE runs as it is */
	if (chain.head)
		io_chain_submit(ctx, &chain);
	if (plugged)
		blk_finish_plug(&plug);
	done = ctx->sq_head - start;
	if (used < nr)
		io_req_refs_put(ctx, current, nr - used);
	/* no head to publish with SQ_REWIND */
	if (likely(!(ctx->flags & IORING_SETUP_SQ_REWIND))) {
		/* SQEs read before userspace may reuse their slots */
		smp_store_release(&ctx->rings.hdr->sq_head, ctx->sq_head);
	}
	io_compl_flush(ctx);
	if (done || !nr)
		return done;
	return fatal_signal_pending(current) ? -EINTR : -EAGAIN;
}

/* Four cache lines: a request costs no more than the original's. */
static_assert(sizeof(struct io_kiocb) <= 256);

static int __init io_submit_init(void)
{
	/* unmerged, so that /proc/slabinfo shows requests in flight */
	io_req_slab = KMEM_CACHE(io_kiocb, SLAB_PANIC | SLAB_ACCOUNT |
				 SLAB_NO_MERGE);
	return 0;
}
device_initcall(io_submit_init);
