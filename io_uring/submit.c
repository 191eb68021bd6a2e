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
#include <linux/sched/signal.h>
#include <linux/task_work.h>
#include <linux/nospec.h>
#include <linux/io_uring.h>

#include "uring.h"
#include "opdef.h"

#define IO_REQ_REFILL	8
#define IO_SQE_FLAGS	(IOSQE_FIXED_FILE | IOSQE_IO_DRAIN | IOSQE_IO_LINK | \
			 IOSQE_IO_HARDLINK | IOSQE_ASYNC | IOSQE_BUFFER_SELECT | \
			 IOSQE_CQE_SKIP_SUCCESS)
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
	percpu_ref_get(&ctx->refs);
	return req;
}

static void io_req_free(struct io_kiocb *req)
{
	struct io_ring_ctx *ctx = req->ctx;

	lockdep_assert_held(&ctx->uring_lock);
	req->next = ctx->req_cache;
	ctx->req_cache = req;
	percpu_ref_put(&ctx->refs);
}

/* Ring teardown: give the cached requests back to the slab. */
void io_req_cache_free(struct io_ring_ctx *ctx)
{
	struct io_kiocb *req;

	while ((req = ctx->req_cache)) {
		ctx->req_cache = req->next;
		kmem_cache_free(io_req_slab, req);
	}
}

/* Post every CQE of the batch under one lock, then recycle the requests. */
static void io_compl_flush(struct io_ring_ctx *ctx)
{
	struct io_kiocb *req, *next;

	if (!ctx->compl_head)
		return;
	io_cq_lock(ctx);
	for (req = ctx->compl_head; req; req = req->next)
		io_req_post(req);
	io_cq_unlock_post(ctx);
	for (req = ctx->compl_head; req; req = next) {
		next = req->next;
		io_req_free(req);
	}
	ctx->compl_head = NULL;
	ctx->compl_tail = &ctx->compl_head;
	ctx->compl_nr = 0;
}

/**
 * io_req_complete_defer - queue a finished request's CQE on the batch
 * @req: the request, with res and cflags set
 *
 * Context: ctx->uring_lock held. The CQE appears at the next flush, at the
 * latest when the current submission or task-work run ends.
 */
void io_req_complete_defer(struct io_kiocb *req)
{
	struct io_ring_ctx *ctx = req->ctx;

	lockdep_assert_held(&ctx->uring_lock);
	req->next = NULL;
	*ctx->compl_tail = req;
	ctx->compl_tail = &req->next;
	if (++ctx->compl_nr >= IO_COMPL_BATCH)
		io_compl_flush(ctx);
}

static void io_req_tw_run(struct callback_head *cb)
{
	struct io_kiocb *req = container_of(cb, struct io_kiocb, tw);
	struct io_ring_ctx *ctx = req->ctx;
	unsigned int flags = IO_URING_F_COMPLETE_DEFER;

	if (unlikely(current->flags & PF_EXITING))
		flags |= IO_URING_F_TASK_DEAD;
	/* the request's own reference may go with it: keep the ring alive */
	percpu_ref_get(&ctx->refs);
	mutex_lock(&ctx->uring_lock);
	req->tw_cb(req, flags);
	io_compl_flush(ctx);
	mutex_unlock(&ctx->uring_lock);
	percpu_ref_put(&ctx->refs);
}

/* Requests whose task could take no more task_work finish from a worker. */
void io_fallback_work(struct work_struct *work)
{
	struct io_ring_ctx *ctx = container_of(work, struct io_ring_ctx,
					       fallback_work);
	struct llist_node *node = llist_del_all(&ctx->fallback_list);
	struct io_kiocb *req, *tmp;

	mutex_lock(&ctx->uring_lock);
	llist_for_each_entry_safe(req, tmp, node, fallback_node)
		req->tw_cb(req, IO_URING_F_COMPLETE_DEFER | IO_URING_F_TASK_DEAD);
	io_compl_flush(ctx);
	mutex_unlock(&ctx->uring_lock);
}

/**
 * io_req_task_work_add - finish a request in its submitter's context
 * @req: the request
 * @cb: runs in req->task with ctx->uring_lock held
 *
 * Context: any. If the task is past running task_work, @cb runs from a
 * kernel worker with IO_URING_F_TASK_DEAD so that it can fail the request.
 */
void io_req_task_work_add(struct io_kiocb *req,
			  void (*cb)(struct io_kiocb *req, unsigned int issue_flags))
{
	struct io_ring_ctx *ctx = req->ctx;

	req->tw_cb = cb;
	init_task_work(&req->tw, io_req_tw_run);
	if (likely(!task_work_add(req->task, &req->tw, TWA_SIGNAL)))
		return;
	if (llist_add(&req->fallback_node, &ctx->fallback_list))
		schedule_work(&ctx->fallback_work);
}

/* Read the SQE's common fields once and let the opcode prepare the rest. */
static int io_req_init(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	const struct io_op_def *def;

	req->task = current;
	req->opcode = READ_ONCE(sqe->opcode);
	req->sqe_flags = READ_ONCE(sqe->flags);
	req->user_data = READ_ONCE(sqe->user_data);
	req->res = 0;
	req->cflags = 0;
	req->failed = false;
	req->next = NULL;
	req->big_cqe[0] = 0;
	req->big_cqe[1] = 0;
	req->op.file = NULL;

	if (unlikely(req->sqe_flags & ~IO_SQE_FLAGS))
		return -EINVAL;
	if (unlikely(req->opcode >= IORING_OP_LAST))
		return -EINVAL;
	req->opcode = array_index_nospec(req->opcode, IORING_OP_LAST);
	def = &io_op_defs[req->opcode];
	if (unlikely(!def->issue))
		return -EINVAL;
	if ((req->sqe_flags & IOSQE_BUFFER_SELECT) && !def->buffer_select)
		return -EOPNOTSUPP;
	/* no personalities can be registered yet */
	if (READ_ONCE(sqe->personality))
		return -EINVAL;
	return def->prep(req, sqe);
}

static void io_req_issue(struct io_kiocb *req)
{
	int ret = io_op_defs[req->opcode].issue(req, IO_URING_F_COMPLETE_DEFER);

	if (ret < 0)
		req->res = ret;
}

/*
 * Run a complete chain in order. A member that failed at init fails the
 * whole chain; one that fails at issue cancels the rest unless it was
 * hard-linked.
 */
static void io_chain_run(struct io_chain *chain)
{
	struct io_kiocb *req, *next;
	bool cancel = false;

	for (req = chain->head; req; req = req->next)
		cancel |= req->failed;
	for (req = chain->head; req; req = next) {
		next = req->next;
		if (!req->failed) {
			if (cancel) {
				req->res = -ECANCELED;
			} else {
				io_req_issue(req);
				if (req->res < 0 && !(req->sqe_flags & IOSQE_IO_HARDLINK))
					cancel = true;
			}
		}
		io_req_complete_defer(req);
	}
	chain->head = NULL;
	chain->tail = &chain->head;
}

/* Next SQE by the SQ array (or directly); NULL for an invalid array entry. */
static const struct io_uring_sqe *io_next_sqe(struct io_ring_ctx *ctx)
{
	unsigned int idx = ctx->sq_head++ & (ctx->sq_entries - 1);

	if (ctx->sq_array) {
		idx = READ_ONCE(ctx->sq_array[idx]);
		if (unlikely(idx >= ctx->sq_entries)) {
			WRITE_ONCE(ctx->hdr->sq_dropped,
				   READ_ONCE(ctx->hdr->sq_dropped) + 1);
			return NULL;
		}
		idx = array_index_nospec(idx, ctx->sq_entries);
	}
	return (void *)ctx->sqes + ((size_t)idx << ctx->sqe_shift);
}

/**
 * io_submit_sqes - consume up to @nr SQEs
 * @ctx: the ring
 * @nr: how many the caller asked for
 *
 * A request that fails its checks completes with the error and, unless the
 * ring has IORING_SETUP_SUBMIT_ALL, ends the batch.
 *
 * Context: ctx->uring_lock held.
 * Return: SQEs consumed, or -EAGAIN if none could be for lack of memory.
 */
int io_submit_sqes(struct io_ring_ctx *ctx, unsigned int nr)
{
	/* SQEs written by userspace before it moved the tail */
	u32 tail = smp_load_acquire(&ctx->hdr->sq_tail);
	struct io_chain chain = { .tail = &chain.head };
	unsigned int done = 0;

	lockdep_assert_held(&ctx->uring_lock);
	nr = min3(nr, tail - ctx->sq_head, ctx->sq_entries);
	while (done < nr) {
		const struct io_uring_sqe *sqe;
		struct io_kiocb *req = io_req_alloc(ctx);
		int ret;

		if (unlikely(!req))
			break;
		sqe = io_next_sqe(ctx);
		done++;
		if (unlikely(!sqe)) {
			io_req_free(req);
			continue;
		}
		ret = io_req_init(req, sqe);
		if (unlikely(ret)) {
			req->res = ret;
			req->failed = true;
		}
		*chain.tail = req;
		chain.tail = &req->next;
		if (!(req->sqe_flags & IO_LINK_FLAGS))
			io_chain_run(&chain);
		if (unlikely(ret) && !(ctx->flags & IORING_SETUP_SUBMIT_ALL))
			break;
	}
	/* a chain left open by the last SQE runs as it is */
	if (chain.head)
		io_chain_run(&chain);
	/* SQEs read before userspace may reuse their slots */
	smp_store_release(&ctx->hdr->sq_head, ctx->sq_head);
	io_compl_flush(ctx);
	return done || !nr ? done : -EAGAIN;
}

static int __init io_submit_init(void)
{
	io_req_slab = KMEM_CACHE(io_kiocb, SLAB_HWCACHE_ALIGN | SLAB_PANIC |
				 SLAB_ACCOUNT);
	return 0;
}
device_initcall(io_submit_init);
