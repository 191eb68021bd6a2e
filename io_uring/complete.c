// SPDX-License-Identifier: GPL-2.0
/*
 * Posting completions: CQEs go into the CQ ring while it has room and onto
 * the ring's overflow list when it has none, so none is ever dropped for
 * lack of space; the list drains back into the ring in order as userspace
 * frees entries. Waiters, pollers and the eventfd hear about new CQEs once
 * per batch. All of it under ctx->cq_lock.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/poll.h>
#include <linux/io_uring.h>

#include "uring.h"
#include "opdef.h"
#include "complete.h"
#include "eventfd.h"
#include "submit.h"

#include <trace/events/io_uring.h>

void io_cq_lock(struct io_ring_ctx *ctx)
	__acquires(ctx->cq_lock)
{
	spin_lock(&ctx->cq_lock);
}

/* Make new CQEs visible, then wake whoever waits for them. */
void io_cq_unlock_post(struct io_ring_ctx *ctx)
	__releases(ctx->cq_lock)
{
	bool posted = ctx->cq_tail != ctx->cq_tail_posted;
	bool async;

	if (posted) {
		/* CQE contents before the tail that publishes them */
		smp_store_release(&ctx->rings.hdr->cq_tail, ctx->cq_tail);
		ctx->cq_tail_posted = ctx->cq_tail;
	}
	async = ctx->async_posted;
	ctx->async_posted = false;
	spin_unlock(&ctx->cq_lock);
	if (!posted)
		return;
	/*
	 * The tail store before the waiters' check; pairs with the barrier in
	 * set_current_state() of io_wait_loop() and the one in io_uring_poll().
	 * wq_has_sleeper() provides it for both checks.
	 */
	if (wq_has_sleeper(&ctx->cq_wait))
		wake_up(&ctx->cq_wait);
	/* ordered by the barrier in wq_has_sleeper() just above */
	if (waitqueue_active(&ctx->poll_wait))
		wake_up_interruptible_poll(&ctx->poll_wait, EPOLLIN | EPOLLRDNORM);
	io_eventfd_signal(ctx, async);
}

/* CQEs userspace has not consumed yet. Context: any; no lock needed. */
unsigned int io_cqes_ready(struct io_ring_ctx *ctx)
{
	struct io_shared_hdr *hdr;
	unsigned int n;

	/* against a resize, as struct io_rings says */
	rcu_read_lock();
	hdr = READ_ONCE(ctx->rings.hdr);
	n = READ_ONCE(hdr->cq_tail) - READ_ONCE(hdr->cq_head);
	rcu_read_unlock();
	return n;
}

/*
 * Free CQ slots: none if userspace put its head past the tail, or further
 * back than the ring is long.
 */
static u32 io_cq_room(struct io_ring_ctx *ctx)
{
	/* userspace is done with an entry once its head has moved past it */
	u32 used = ctx->cq_tail - smp_load_acquire(&ctx->rings.hdr->cq_head);

	return used < ctx->cq_entries ? ctx->cq_entries - used : 0;
}

/*
 * Does a CQE with these flags take two slots? Only a 32-byte CQE of an
 * IORING_SETUP_CQE_MIXED ring, which says so with IORING_CQE_F_32.
 */
static __always_inline bool io_cqe_is_pair(struct io_ring_ctx *ctx, u32 cflags)
{
	return unlikely(ctx->flags & IORING_SETUP_CQE_MIXED) &&
	       (cflags & IORING_CQE_F_32);
}

/*
 * The two slots of a mixed ring's 32-byte CQE, which must not be split by
 * the end of the ring: in the last slot goes a CQE userspace skips
 * (IORING_CQE_F_SKIP), even if the pair then has to wait for room.
 */
static noinline struct io_uring_cqe *io_cqe_pair_slot(struct io_ring_ctx *ctx)
{
	u32 mask = ctx->cq_entries - 1, room = io_cq_room(ctx);
	struct io_uring_cqe *cqe;

	if (room && (ctx->cq_tail & mask) == mask) {
		cqe = &ctx->rings.cqes[ctx->cq_tail++ & mask];
		WRITE_ONCE(cqe->user_data, 0);
		WRITE_ONCE(cqe->res, 0);
		WRITE_ONCE(cqe->flags, IORING_CQE_F_SKIP);
		room--;
	}
	if (room < 2)
		return NULL;
	cqe = &ctx->rings.cqes[ctx->cq_tail & mask];
	ctx->cq_tail += 2;
	return cqe;
}

static __always_inline struct io_uring_cqe *io_cqe_slot(struct io_ring_ctx *ctx,
							u32 cflags)
{
	size_t idx;

	if (io_cqe_is_pair(ctx, cflags))
		return io_cqe_pair_slot(ctx);
	if (!io_cq_room(ctx))
		return NULL;
	idx = ctx->cq_tail++ & (ctx->cq_entries - 1);
	return (void *)ctx->rings.cqes + (idx << ctx->cqe_shift);
}

/* Does a CQE with these flags carry the two extra words? */
static __always_inline bool io_cqe_is_big(struct io_ring_ctx *ctx, u32 cflags)
{
	return (ctx->flags & IORING_SETUP_CQE32) || io_cqe_is_pair(ctx, cflags);
}

static __always_inline void io_fill_cqe(struct io_ring_ctx *ctx,
					struct io_uring_cqe *cqe, u64 user_data,
					s32 res, u32 cflags, const u64 *big)
{
	WRITE_ONCE(cqe->user_data, user_data);
	WRITE_ONCE(cqe->res, res);
	WRITE_ONCE(cqe->flags, cflags);
	if (io_cqe_is_big(ctx, cflags)) {
		WRITE_ONCE(cqe->big_cqe[0], big ? big[0] : 0);
		WRITE_ONCE(cqe->big_cqe[1], big ? big[1] : 0);
	}
}

static void io_set_sq_flag(struct io_ring_ctx *ctx, u32 flag, bool on)
{
	atomic_t *flags = (atomic_t *)&ctx->rings.hdr->sq_flags;

	if (on)
		atomic_or(flag, flags);
	else
		atomic_andnot(flag, flags);
}

/* No room in the CQ ring: keep the CQE until there is. False if lost. */
static bool io_overflow_cqe(struct io_ring_ctx *ctx,
			    const struct io_uring_cqe *cqe, const u64 *big)
{
	size_t size = sizeof(struct io_overflow_cqe);
	struct io_overflow_cqe *ocqe;

	if (io_cqe_is_big(ctx, cqe->flags))
		size += 2 * sizeof(u64);
	ocqe = kmalloc(size, GFP_ATOMIC | __GFP_ACCOUNT | __GFP_NOWARN);
	trace_io_uring_cqe_overflow(ctx, cqe, ocqe);
	if (!ocqe) {
		/* the one case a CQE is lost: counted where userspace sees it */
		WRITE_ONCE(ctx->rings.hdr->cq_overflow, READ_ONCE(ctx->rings.hdr->cq_overflow) + 1);
		WRITE_ONCE(ctx->cqe_lost, true);
		return false;
	}
	ocqe->cqe = *cqe;
	if (io_cqe_is_big(ctx, cqe->flags)) {
		ocqe->cqe.big_cqe[0] = big ? big[0] : 0;
		ocqe->cqe.big_cqe[1] = big ? big[1] : 0;
	}
	if (list_empty(&ctx->overflow_list))
		io_set_sq_flag(ctx, IORING_SQ_CQ_OVERFLOW, true);
	list_add_tail(&ocqe->list, &ctx->overflow_list);
	ctx->overflow_nr++;
	return true;
}

/*
 * Fill the next free CQ ring slot, after any overflowed CQEs, which go
 * first to keep the order. False if the ring has no room left for it.
 */
static __always_inline bool io_cqe_try(struct io_ring_ctx *ctx,
				       struct io_kiocb *req, u64 user_data,
				       s32 res, u32 cflags, const u64 *big)
{
	struct io_uring_cqe *cqe;

	if (unlikely(!list_empty(&ctx->overflow_list)) &&
	    !io_flush_overflow(ctx))
		return false;
	cqe = io_cqe_slot(ctx, cflags);
	if (unlikely(!cqe))
		return false;
	trace_io_uring_complete(ctx, req, user_data, res, cflags, big);
	ctx->cq_seq++;
	io_fill_cqe(ctx, cqe, user_data, res, cflags, big);
	return true;
}

/* io_cqe_try() found no room: onto the overflow list. False if lost. */
static noinline bool io_cqe_defer(struct io_ring_ctx *ctx,
				  struct io_kiocb *req, u64 user_data,
				  s32 res, u32 cflags, const u64 *big)
{
	struct io_uring_cqe src = {
		.user_data = user_data, .res = res, .flags = cflags,
	};

	trace_io_uring_complete(ctx, req, user_data, res, cflags, big);
	ctx->cq_seq++;
	return io_overflow_cqe(ctx, &src, big);
}

/**
 * io_post_cqe - post one completion
 * @ctx: the ring
 * @user_data: for the CQE
 * @res: for the CQE
 * @cflags: IORING_CQE_F_*
 * @big: the two extra words of a CQE32 ring, or NULL for zeroes
 *
 * Context: ctx->cq_lock held (io_cq_lock() .. io_cq_unlock_post()).
 * Return: false in the one case the CQE is lost: no memory to overflow it.
 */
bool io_post_cqe(struct io_ring_ctx *ctx, u64 user_data, s32 res, u32 cflags,
		 const u64 *big)
{
	lockdep_assert_held(&ctx->cq_lock);
	return io_cqe_try(ctx, NULL, user_data, res, cflags, big) ||
	       io_cqe_defer(ctx, NULL, user_data, res, cflags, big);
}

/**
 * io_flush_overflow - move overflowed CQEs into the CQ ring as room allows
 * @ctx: the ring
 *
 * Context: ctx->cq_lock held.
 * Return: true when no overflowed CQE is left.
 */
bool io_flush_overflow(struct io_ring_ctx *ctx)
{
	struct io_overflow_cqe *ocqe;
	struct io_uring_cqe *cqe;

	lockdep_assert_held(&ctx->cq_lock);
	while (!list_empty(&ctx->overflow_list)) {
		ocqe = list_first_entry(&ctx->overflow_list,
					struct io_overflow_cqe, list);
		cqe = io_cqe_slot(ctx, ocqe->cqe.flags);
		if (!cqe)
			return false;
		io_fill_cqe(ctx, cqe, ocqe->cqe.user_data, ocqe->cqe.res,
			    ocqe->cqe.flags, ocqe->cqe.big_cqe);
		list_del(&ocqe->list);
		ctx->overflow_nr--;
		kfree(ocqe);
	}
	io_set_sq_flag(ctx, IORING_SQ_CQ_OVERFLOW, false);
	return true;
}

/* Ring teardown: overflowed CQEs nobody will read. */
void io_drop_overflow(struct io_ring_ctx *ctx)
{
	struct io_overflow_cqe *ocqe, *tmp;

	list_for_each_entry_safe(ocqe, tmp, &ctx->overflow_list, list)
		kfree(ocqe);
	INIT_LIST_HEAD(&ctx->overflow_list);
	ctx->overflow_nr = 0;
}

/* Does @req post no CQE: it asked to skip it on success, or is silent? */
static __always_inline bool io_req_skips_cqe(struct io_kiocb *req)
{
	bool skip = req->sqe_flags & IOSQE_CQE_SKIP_SUCCESS;

	if (likely(!skip && !req->silent))
		return false;
	/* a guard's CQE depends on its own flag alone */
	if (io_req_is_guard(req))
		return skip;
	return req->silent || req->res >= 0 || req->res_ok;
}

/* Post @req's CQE, unless it asked to skip it on success. */
static __always_inline void io_req_post(struct io_ring_ctx *ctx,
					struct io_kiocb *req)
{
	const u64 *big = NULL;

	if (io_req_skips_cqe(req))
		return;
	if (req->went_async)
		ctx->async_posted = true;
	/*
	 * Only some opcodes have big CQE words, and a mixed ring's request
	 * asks for them with IORING_CQE_F_32; elsewhere the union holds
	 * other state.
	 */
	if (unlikely(ctx->flags & IORING_SETUP_CQE32) &&
	    io_op_defs[req->opcode].big_cqe)
		big = req->big_cqe;
	else if (io_cqe_is_pair(ctx, req->cflags))
		big = req->big_cqe;
	if (likely(io_cqe_try(ctx, req, req->user_data, req->res, req->cflags,
			      big)))
		return;
	io_cqe_defer(ctx, req, req->user_data, req->res, req->cflags, big);
}

/*
 * The common batch: 16-byte CQEs, nothing overflowed. Post @req's CQE and
 * those of the requests after it into the free slots, the room counted
 * once; return the first request left without a slot.
 */
static struct io_kiocb *io_req_post_room(struct io_ring_ctx *ctx,
					 struct io_kiocb *req)
{
	u32 mask = ctx->cq_entries - 1, room = io_cq_room(ctx);
	struct io_uring_cqe *cqe;

	for (; req && room; req = req->next) {
		if (io_req_skips_cqe(req))
			continue;
		if (req->went_async)
			ctx->async_posted = true;
		trace_io_uring_complete(ctx, req, req->user_data, req->res,
					req->cflags, NULL);
		cqe = &ctx->rings.cqes[ctx->cq_tail++ & mask];
		io_fill_cqe(ctx, cqe, req->user_data, req->res, req->cflags,
			    NULL);
		ctx->cq_seq++;
		room--;
	}
	return req;
}

/**
 * io_req_post_list - post the CQEs of finished requests, in their order
 * @ctx: the ring
 * @req: the first request, the others linked by ->next; their res, cflags
 *	 and big_cqe are final
 *
 * A request that asked to skip its CQE on success posts none. Waiters
 * hear once, after the last.
 *
 * Context: ctx->uring_lock held; takes ctx->cq_lock.
 */
void io_req_post_list(struct io_ring_ctx *ctx, struct io_kiocb *req)
{
	lockdep_assert_held(&ctx->uring_lock);
	io_cq_lock(ctx);
	if (likely(!(ctx->flags & (IORING_SETUP_CQE32 | IORING_SETUP_CQE_MIXED)) &&
		   list_empty(&ctx->overflow_list)))
		req = io_req_post_room(ctx, req);
	for (; req; req = req->next)
		io_req_post(ctx, req);
	io_cq_unlock_post(ctx);
}

/**
 * io_post_if_room - post a CQE for a request that goes on, if it fits
 * @req: the request, whose user_data the CQE carries
 * @res: for the CQE
 * @cflags: for the CQE
 *
 * Only posts into free CQ ring space, never into the overflow list: the
 * caller decides what a CQE that does not fit becomes (mshot.c). The
 * completions batched before it are posted first, as they happened first
 * (a link chain's).
 *
 * Context: ctx->uring_lock held.
 * Return: true if posted.
 */
bool io_post_if_room(struct io_kiocb *req, s32 res, u32 cflags)
{
	struct io_ring_ctx *ctx = req->ctx;
	bool posted;

	lockdep_assert_held(&ctx->uring_lock);
	io_compl_flush(ctx);

	io_cq_lock(ctx);
	posted = io_cqe_try(ctx, req, req->user_data, res, cflags, NULL);
	if (posted)
		ctx->async_posted = true;
	io_cq_unlock_post(ctx);
	return posted;
}
