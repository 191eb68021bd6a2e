// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_REGISTER_RESIZE_RINGS: new SQ and CQ rings, of other sizes, for
 * a ring in use. The new set is built aside; what userspace has not been
 * through yet (SQEs it published, CQEs it has not reaped) moves over at
 * the same head and tail values, so it carries on where it was once it has
 * mapped the new set; then the set is swapped in, and the old one freed
 * after an RCU grace period (struct io_rings says who reads it unlocked).
 * A mixed ring's 128-byte SQE keeps its fate: one valid in the old ring
 * must be in the new, and one that was not must not become so, or the
 * resize fails.
 *
 * Only DEFER_TASKRUN rings: their SQ is read, and their waits run, only in
 * their one submitter, the task that asks for the resize, and under
 * uring_lock; the rings are quiet but for CQEs posted under cq_lock.
 */
#include <linux/kernel.h>
#include <linux/nospec.h>
#include <linux/percpu-refcount.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <linux/uaccess.h>
#include <linux/io_uring.h>

#include "uring.h"
#include "memmap.h"
#include "opdef.h"
#include "resize.h"

/*
 * What a resize may ask; the layout flags come from the ring (and may be
 * passed back as a resize returned them).
 */
#define IO_RESIZE_FLAGS		(IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP)

static int io_resize_params(struct io_ring_ctx *ctx, struct io_uring_params *p)
{
	if (p->flags & ~(IO_RESIZE_FLAGS | ctx->flags))
		return -EINVAL;
	p->flags &= IO_RESIZE_FLAGS;
	if (memchr_inv(p->resv, 0, sizeof(p->resv)))
		return -EINVAL;
	p->flags |= ctx->flags & ~IO_RESIZE_FLAGS;
	return io_rings_size(p->sq_entries, p);
}

/* Does the SQE in this slot of a mixed ring take the next slot too? */
static bool io_resize_sqe_is_big(struct io_ring_ctx *ctx,
				 const struct io_uring_sqe *sqe)
{
	u8 op = READ_ONCE(sqe->opcode);

	return (ctx->flags & IORING_SETUP_SQE_MIXED) && op < IORING_OP_LAST &&
	       io_op_defs[op].sqe128;
}

static void io_resize_copy_sqe(struct io_ring_ctx *ctx, struct io_rings *n,
			       u32 n_entries, u32 pos, u32 idx)
{
	u32 slot = pos & (n_entries - 1);

	memcpy((void *)n->sqes + ((size_t)slot << ctx->sqe_shift),
	       (void *)ctx->rings.sqes + ((size_t)idx << ctx->sqe_shift),
	       (size_t)1 << ctx->sqe_shift);
	if (n->sq_array)
		n->sq_array[slot] = slot;
}

/*
 * Where a mixed ring's 128-byte SQE at @pos (old index @idx) goes: it is
 * valid in the old ring unless it starts in the last slot or its second
 * half is not published, and must stay as it was, valid or not, at its
 * new slot. Returns the slots to copy (1 or 2), or -EOVERFLOW when the
 * new ring would change its fate.
 */
static int io_resize_big_sqe(struct io_ring_ctx *ctx, u32 n_entries, u32 pos,
			     u32 idx, u32 tail)
{
	bool was_valid = idx != ctx->sq_entries - 1 && pos + 1 != tail;
	bool last = (pos & (n_entries - 1)) == n_entries - 1;

	if (pos + 1 == tail)
		return 1;
	if (was_valid == last)
		return -EOVERFLOW;
	return was_valid ? 2 : 1;
}

/*
 * The published SQEs each go to the slot of their SQ index in the new
 * ring, found through the old SQ array; the new array maps slots one to
 * one. An entry the old array made invalid stays invalid. A mixed ring's
 * 128-byte SQE takes its second half along.
 *
 * Context: ctx->uring_lock held: the SQ is read nowhere else.
 */
static int io_resize_copy_sq(struct io_ring_ctx *ctx, struct io_rings *n,
			     u32 n_entries)
{
	/* SQEs written by userspace before it moved the tail */
	u32 tail = smp_load_acquire(&ctx->rings.hdr->sq_tail);
	u32 head = ctx->sq_head, i, pos, idx;
	int slots;

	/* SQ_REWIND: nothing stays published between two submits */
	if (ctx->flags & IORING_SETUP_SQ_REWIND)
		return 0;
	if (tail - head > n_entries)
		return -EOVERFLOW;
	for (i = 0; n->sq_array && i < n_entries; i++)
		n->sq_array[i] = i;
	for (pos = head; pos != tail; pos += slots) {
		idx = pos & (ctx->sq_entries - 1);
		slots = 1;
		if (ctx->rings.sq_array) {
			idx = READ_ONCE(ctx->rings.sq_array[idx]);
			if (idx >= ctx->sq_entries) {
				n->sq_array[pos & (n_entries - 1)] = n_entries;
				continue;
			}
			idx = array_index_nospec(idx, ctx->sq_entries);
		}
		if (io_resize_sqe_is_big(ctx, (void *)ctx->rings.sqes +
					 ((size_t)idx << ctx->sqe_shift))) {
			slots = io_resize_big_sqe(ctx, n_entries, pos, idx, tail);
			if (slots < 0)
				return slots;
		}
		io_resize_copy_sqe(ctx, n, n_entries, pos, idx);
		if (slots == 2)
			io_resize_copy_sqe(ctx, n, n_entries, pos + 1, idx + 1);
	}
	n->hdr->sq_head = head;
	n->hdr->sq_tail = tail;
	return 0;
}

static void *io_resize_cqe(struct io_rings *r, u32 entries, u32 pos,
			   unsigned int shift)
{
	return (void *)r->cqes + ((size_t)(pos & (entries - 1)) << shift);
}

/*
 * The slots the CQE at @pos takes: two for a mixed ring's 32-byte CQE
 * (never read as one from the last slot or past the tail, whatever
 * userspace wrote), none for its skip CQE, which is not copied.
 */
static u32 io_resize_cqe_slots(struct io_ring_ctx *ctx,
			       const struct io_uring_cqe *cqe, u32 pos, u32 tail)
{
	u32 flags = READ_ONCE(cqe->flags);

	if (!(ctx->flags & IORING_SETUP_CQE_MIXED))
		return 1;
	if (flags & IORING_CQE_F_SKIP)
		return 0;
	if ((flags & IORING_CQE_F_32) && pos + 1 != tail &&
	    (pos & (ctx->cq_entries - 1)) != ctx->cq_entries - 1)
		return 2;
	return 1;
}

/*
 * The CQEs not reaped yet, at their indices in the new ring, the new tail
 * in *@new_tail. On a mixed ring the skip CQEs stay behind, and a 32-byte
 * CQE that would now straddle the end gets one in the last slot first, as
 * when it is posted. Copying up to 64K CQEs keeps other posters spinning
 * on cq_lock meanwhile; a resize is rare.
 *
 * Context: ctx->cq_lock held.
 */
static int io_resize_copy_cq(struct io_ring_ctx *ctx, struct io_rings *n,
			     u32 n_entries, u32 *new_tail)
{
	u32 head = READ_ONCE(ctx->rings.hdr->cq_head), tail = ctx->cq_tail;
	unsigned int shift = ctx->cqe_shift;
	struct io_uring_cqe *src, *dst;
	u32 pos, to, slots;

	/*
	 * A head further from the tail than the ring is long was never one
	 * (userspace wrote over it): nothing there is pending, and the new
	 * ring starts empty, with a head userspace can use again.
	 */
	if (tail - head > ctx->cq_entries)
		head = tail;
	/* an overflowed CQ first drains to userspace, as the man page says */
	if (!list_empty(&ctx->overflow_list) || tail - head > n_entries)
		return -EOVERFLOW;
	pos = head;
	to = head;
	while (pos != tail) {
		src = io_resize_cqe(&ctx->rings, ctx->cq_entries, pos, shift);
		slots = io_resize_cqe_slots(ctx, src, pos, tail);
		if (!slots) {
			pos++;
			continue;
		}
		if (slots == 2 && (to & (n_entries - 1)) == n_entries - 1) {
			dst = io_resize_cqe(n, n_entries, to++, shift);
			*dst = (struct io_uring_cqe){ .flags = IORING_CQE_F_SKIP };
		}
		if (to + slots - head > n_entries)
			return -EOVERFLOW;
		dst = io_resize_cqe(n, n_entries, to, shift);
		memcpy(dst, src, (size_t)slots << shift);
		pos += slots;
		to += slots;
	}
	n->hdr->cq_head = head;
	n->hdr->cq_tail = to;
	*new_tail = to;
	return 0;
}

/*
 * Swap @n in, keeping the flags and counters of the header; @n gets the
 * old set. Returns the SQ flags copied over.
 * Context: ctx->uring_lock, ctx->mmap_lock and ctx->cq_lock held.
 */
static u32 io_resize_swap(struct io_ring_ctx *ctx, struct io_rings *n,
			  const struct io_uring_params *p, u32 cq_tail)
{
	struct io_shared_hdr *o = ctx->rings.hdr;
	struct io_rings old = ctx->rings;
	u32 sq_flags = READ_ONCE(o->sq_flags);

	n->hdr->sq_flags = sq_flags;
	n->hdr->sq_dropped = READ_ONCE(o->sq_dropped);
	n->hdr->cq_flags = READ_ONCE(o->cq_flags);
	n->hdr->cq_overflow = READ_ONCE(o->cq_overflow);
	ctx->rings.sq_array = n->sq_array;
	ctx->rings.sqes = n->sqes;
	ctx->rings.cqes = n->cqes;
	ctx->rings.ring = n->ring;
	ctx->rings.sqe = n->sqe;
	/* the header's contents before the pointer; pairs with READ_ONCE() */
	smp_store_release(&ctx->rings.hdr, n->hdr);
	WRITE_ONCE(ctx->sq_entries, p->sq_entries);
	WRITE_ONCE(ctx->cq_entries, p->cq_entries);
	ctx->cq_tail = cq_tail;
	ctx->cq_tail_posted = cq_tail;
	*n = old;
	return sq_flags;
}

/*
 * A replaced set, freed once its unlocked readers (struct io_rings) are
 * done with it, after a grace period: the resize does not wait for one.
 */
struct io_rings_old {
	struct rcu_work		rwork;
	struct io_rings		rings;
	struct io_ring_ctx	*ctx;		/* holds a ctx->refs reference */
	u32			sq_flags;	/* as copied to the new set */
};

static void io_rings_old_free(struct work_struct *work)
{
	struct io_rings_old *old = container_of(to_rcu_work(work),
						struct io_rings_old, rwork);
	struct io_ring_ctx *ctx = old->ctx;
	u32 late = READ_ONCE(old->rings.hdr->sq_flags) & ~old->sq_flags;

	/* task work queued through the old header after the swap */
	if (late & IORING_SQ_TASKRUN) {
		rcu_read_lock();
		atomic_or(IORING_SQ_TASKRUN,
			  (atomic_t *)&READ_ONCE(ctx->rings.hdr)->sq_flags);
		rcu_read_unlock();
	}
	io_rings_free(&old->rings);
	percpu_ref_put(&ctx->refs);
	kfree(old);
}

/*
 * Move the entries over and swap. On failure nothing has changed and
 * @n->rings is still the new set; on success it is the old one.
 */
static int io_resize_commit(struct io_ring_ctx *ctx, struct io_rings_old *n,
			    const struct io_uring_params *p)
{
	u32 cq_tail;
	int ret;

	ret = io_resize_copy_sq(ctx, &n->rings, p->sq_entries);
	if (ret)
		return ret;
	mutex_lock(&ctx->mmap_lock);
	spin_lock(&ctx->cq_lock);
	ret = io_resize_copy_cq(ctx, &n->rings, p->cq_entries, &cq_tail);
	if (!ret)
		n->sq_flags = io_resize_swap(ctx, &n->rings, p, cq_tail);
	spin_unlock(&ctx->cq_lock);
	mutex_unlock(&ctx->mmap_lock);
	return ret;
}

/**
 * io_register_resize_rings - IORING_REGISTER_RESIZE_RINGS
 * @ctx: the ring
 * @arg: a struct io_uring_params: sq_entries, with IORING_SETUP_CQSIZE
 *	 cq_entries, IORING_SETUP_CLAMP (the ring's own flags are accepted and
 *	 ignored); with IORING_SETUP_NO_MMAP the new
 *	 memory in sq_off.user_addr and cq_off.user_addr. Filled in as by
 *	 io_uring_setup() for mapping the new rings, the ring's flags added.
 *
 * Context: ctx->uring_lock held, by the ring's submitter (io_uring_register()
 * refuses anyone else). The old set is freed after an RCU grace period.
 * Return: 0; -EINVAL for a ring without DEFER_TASKRUN, other flags, reserved
 * fields, sizes io_uring_setup() would refuse or (NO_MMAP) a misaligned
 * address; -EOVERFLOW when the new rings cannot hold the entries pending as
 * they are, or CQEs wait in the overflow list; -EFAULT; -ENOMEM.
 */
int io_register_resize_rings(struct io_ring_ctx *ctx, void __user *arg)
{
	struct io_uring_params p;
	struct io_rings_old *n;
	int ret;

	lockdep_assert_held(&ctx->uring_lock);
	if (!(ctx->flags & IORING_SETUP_DEFER_TASKRUN))
		return -EINVAL;
	if (copy_from_user(&p, arg, sizeof(p)))
		return -EFAULT;
	ret = io_resize_params(ctx, &p);
	if (ret)
		return ret;
	n = kzalloc(sizeof(*n), GFP_KERNEL_ACCOUNT);
	if (!n)
		return -ENOMEM;
	ret = io_rings_alloc(&n->rings, &p);
	if (ret)
		goto fail;
	/* flags and all, as userspace needs them to map the new set */
	io_rings_offsets(&n->rings, &p);
	ret = -EFAULT;
	if (copy_to_user(arg, &p, sizeof(p)))
		goto fail;
	ret = io_resize_commit(ctx, n, &p);
	if (ret)
		goto fail;
	n->ctx = ctx;
	percpu_ref_get(&ctx->refs);
	INIT_RCU_WORK(&n->rwork, io_rings_old_free);
	queue_rcu_work(system_wq, &n->rwork);
	return 0;
fail:
	io_rings_free(&n->rings);
	kfree(n);
	return ret;
}
