// SPDX-License-Identifier: GPL-2.0
/*
 * Memory shared with userspace: kernel pages that io_uring_mmap() maps into
 * the process, or, with IORING_SETUP_NO_MMAP, the process's own pages pinned
 * for the ring's lifetime. Either way the kernel sees one vmap.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/log2.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/io_uring.h>

#include "uring.h"
#include "kbuf.h"
#include "memmap.h"

static int io_region_vmap(struct io_region *r)
{
	r->ptr = vmap(r->pages, r->nr_pages, VM_MAP, PAGE_KERNEL);
	return r->ptr ? 0 : -ENOMEM;
}

/**
 * io_region_alloc - allocate zeroed kernel pages for a shared region
 * @r: the (zeroed) region to fill in
 * @size: bytes needed; rounded up to whole pages
 *
 * Context: process context, may sleep. On failure @r is safe to free.
 * Return: 0 or -ENOMEM.
 */
int io_region_alloc(struct io_region *r, size_t size)
{
	unsigned int i, nr = DIV_ROUND_UP(size, PAGE_SIZE);

	r->pages = kvcalloc(nr, sizeof(*r->pages), GFP_KERNEL_ACCOUNT);
	if (!r->pages)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		r->pages[i] = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
		if (!r->pages[i])
			return -ENOMEM;
		r->nr_pages++;
	}
	return io_region_vmap(r);
}

/**
 * io_region_pin - use process memory at @uaddr as a shared region
 * @r: the (zeroed) region to fill in
 * @uaddr: page-aligned user address
 * @size: bytes needed
 *
 * Return: 0, -EINVAL for a misaligned address, -EFAULT when the range is
 * not writable memory of the process, -ENOMEM.
 */
int io_region_pin(struct io_region *r, u64 uaddr, size_t size)
{
	unsigned int nr = DIV_ROUND_UP(size, PAGE_SIZE);
	int got;

	if (!uaddr || uaddr & ~PAGE_MASK)
		return uaddr ? -EINVAL : -EFAULT;
	if (uaddr + (u64)nr * PAGE_SIZE < uaddr || uaddr + (u64)nr * PAGE_SIZE > TASK_SIZE)
		return -EFAULT;
	r->user = true;
	r->pages = kvcalloc(nr, sizeof(*r->pages), GFP_KERNEL_ACCOUNT);
	if (!r->pages)
		return -ENOMEM;
	got = pin_user_pages_fast(uaddr, nr, FOLL_WRITE | FOLL_LONGTERM, r->pages);
	if (got > 0)
		r->nr_pages = got;
	if (got != nr)
		return got < 0 ? got : -EFAULT;
	return io_region_vmap(r);
}

/**
 * io_region_free - undo io_region_alloc() or io_region_pin()
 * @r: the region, possibly half set up
 *
 * Pages still mapped into a process stay alive until it unmaps them.
 */
void io_region_free(struct io_region *r)
{
	unsigned int i;

	if (r->ptr)
		vunmap(r->ptr);
	if (r->user) {
		unpin_user_pages(r->pages, r->nr_pages);
	} else {
		for (i = 0; i < r->nr_pages; i++)
			put_page(r->pages[i]);
	}
	kvfree(r->pages);
	memset(r, 0, sizeof(*r));
}

/**
 * io_rings_size - size the SQ and CQ rings
 * @entries: SQ entries asked for
 * @p: the parameters: CQSIZE, CLAMP and cq_entries in; sq_entries and
 *     cq_entries out
 *
 * Both are powers of two and the CQ is at least as large as the SQ (twice
 * as large without CQSIZE); CLAMP turns sizes past the limits into the
 * limits instead of an error.
 *
 * Return: 0 or -EINVAL.
 */
int io_rings_size(u32 entries, struct io_uring_params *p)
{
	bool clamp = p->flags & IORING_SETUP_CLAMP;

	if (!entries)
		return -EINVAL;
	if (entries > IO_MAX_SQ_ENTRIES) {
		if (!clamp)
			return -EINVAL;
		entries = IO_MAX_SQ_ENTRIES;
	}
	p->sq_entries = roundup_pow_of_two(entries);
	if (!(p->flags & IORING_SETUP_CQSIZE)) {
		p->cq_entries = 2 * p->sq_entries;
		return 0;
	}
	if (!p->cq_entries)
		return -EINVAL;
	if (p->cq_entries > IO_MAX_CQ_ENTRIES) {
		if (!clamp)
			return -EINVAL;
		p->cq_entries = IO_MAX_CQ_ENTRIES;
	}
	p->cq_entries = roundup_pow_of_two(p->cq_entries);
	if (p->cq_entries < p->sq_entries)
		return -EINVAL;
	return 0;
}

/*
 * Ring memory: the header, then the CQEs, then (unless NO_SQARRAY) the SQ
 * index array, on a cache line of its own. Returns the size and sets
 * *@array_off (0 without an array).
 */
static size_t io_rings_layout(const struct io_uring_params *p, size_t *array_off)
{
	unsigned int cqe_shift = io_cqe_shift(p->flags);
	size_t cqes_end = sizeof(struct io_shared_hdr) +
			  ((size_t)p->cq_entries << cqe_shift);

	*array_off = 0;
	if (p->flags & IORING_SETUP_NO_SQARRAY)
		return cqes_end;
	*array_off = ALIGN(cqes_end, SMP_CACHE_BYTES);
	return *array_off + p->sq_entries * sizeof(u32);
}

/**
 * io_rings_alloc - lay out a set of rings sized by io_rings_size()
 * @r: the (zeroed) set to fill in
 * @p: the sizes and flags (SQE128, CQE32, NO_SQARRAY); with NO_MMAP, the
 *     process's memory for them at cq_off.user_addr and sq_off.user_addr
 *
 * The header starts zeroed with the masks and sizes filled in.
 *
 * Context: process context, may sleep. On failure @r is safe to free.
 * Return: 0, -ENOMEM, or for NO_MMAP the errors of io_region_pin().
 */
int io_rings_alloc(struct io_rings *r, const struct io_uring_params *p)
{
	unsigned int sqe_shift = io_sqe_shift(p->flags);
	size_t ring_size, sqes_size, array_off;
	int ret;

	ring_size = io_rings_layout(p, &array_off);
	sqes_size = (size_t)p->sq_entries << sqe_shift;
	if (p->flags & IORING_SETUP_NO_MMAP) {
		ret = io_region_pin(&r->ring, p->cq_off.user_addr, ring_size);
		if (!ret)
			ret = io_region_pin(&r->sqe, p->sq_off.user_addr, sqes_size);
	} else {
		ret = io_region_alloc(&r->ring, ring_size);
		if (!ret)
			ret = io_region_alloc(&r->sqe, sqes_size);
	}
	if (ret)
		return ret;
	r->hdr = r->ring.ptr;
	r->cqes = r->ring.ptr + sizeof(struct io_shared_hdr);
	if (array_off)
		r->sq_array = r->ring.ptr + array_off;
	r->sqes = r->sqe.ptr;
	/* the process's own memory may hold anything */
	memset(r->hdr, 0, sizeof(*r->hdr));
	r->hdr->sq_ring_mask = p->sq_entries - 1;
	r->hdr->sq_ring_entries = p->sq_entries;
	r->hdr->cq_ring_mask = p->cq_entries - 1;
	r->hdr->cq_ring_entries = p->cq_entries;
	return 0;
}

/**
 * io_rings_offsets - tell userspace where the fields of @r are
 * @r: a set from io_rings_alloc()
 * @p: its parameters; sq_off and cq_off are filled in (with NO_MMAP,
 *     their user_addr kept)
 */
void io_rings_offsets(const struct io_rings *r, struct io_uring_params *p)
{
	struct io_sqring_offsets *sq = &p->sq_off;
	struct io_cqring_offsets *cq = &p->cq_off;
	u64 sq_user = sq->user_addr, cq_user = cq->user_addr;

	memset(sq, 0, sizeof(*sq));
	memset(cq, 0, sizeof(*cq));
	sq->head = offsetof(struct io_shared_hdr, sq_head);
	sq->tail = offsetof(struct io_shared_hdr, sq_tail);
	sq->ring_mask = offsetof(struct io_shared_hdr, sq_ring_mask);
	sq->ring_entries = offsetof(struct io_shared_hdr, sq_ring_entries);
	sq->flags = offsetof(struct io_shared_hdr, sq_flags);
	sq->dropped = offsetof(struct io_shared_hdr, sq_dropped);
	if (r->sq_array)
		sq->array = (void *)r->sq_array - (void *)r->hdr;
	cq->head = offsetof(struct io_shared_hdr, cq_head);
	cq->tail = offsetof(struct io_shared_hdr, cq_tail);
	cq->ring_mask = offsetof(struct io_shared_hdr, cq_ring_mask);
	cq->ring_entries = offsetof(struct io_shared_hdr, cq_ring_entries);
	cq->overflow = offsetof(struct io_shared_hdr, cq_overflow);
	cq->flags = offsetof(struct io_shared_hdr, cq_flags);
	cq->cqes = sizeof(struct io_shared_hdr);
	if (p->flags & IORING_SETUP_NO_MMAP) {
		sq->user_addr = sq_user;
		cq->user_addr = cq_user;
	}
}

/**
 * io_rings_free - undo io_rings_alloc()
 * @r: the set, possibly half set up
 */
void io_rings_free(struct io_rings *r)
{
	io_region_free(&r->sqe);
	io_region_free(&r->ring);
	memset(r, 0, sizeof(*r));
}

/*
 * Where ->mmap() finds a parameter region of kernel memory (our choice:
 * userspace is told the offset), and the largest region: what it holds
 * is wait arguments, 64 bytes each.
 */
#define IO_OFF_PARAM_REGION	0x20000000ULL
#define IO_PARAM_REGION_MAX	SZ_16M

/* The region a struct io_uring_region_desc asks for, in @r. */
static int io_param_region_make(struct io_region *r,
				struct io_uring_region_desc *desc)
{
	if (memchr_inv(desc->__resv, 0, sizeof(desc->__resv)) || desc->id ||
	    desc->flags & ~IORING_MEM_REGION_TYPE_USER || !desc->size ||
	    !PAGE_ALIGNED(desc->size) || desc->size > IO_PARAM_REGION_MAX)
		return -EINVAL;
	if (desc->flags & IORING_MEM_REGION_TYPE_USER)
		return io_region_pin(r, desc->user_addr, desc->size);
	if (desc->user_addr)
		return -EINVAL;
	desc->mmap_offset = IO_OFF_PARAM_REGION;
	return io_region_alloc(r, desc->size);
}

/**
 * io_register_mem_region - IORING_REGISTER_MEM_REGION
 * @ctx: the ring
 * @arg: a struct io_uring_mem_region_reg naming a struct
 *	 io_uring_region_desc, whose mmap_offset is filled in for a region
 *	 of kernel memory
 *
 * One region per ring, for good. With IORING_MEM_REGION_REG_WAIT_ARG it
 * holds the arguments of io_uring_enter(2) with IORING_ENTER_EXT_ARG_REG,
 * and may only be registered while the ring is disabled.
 *
 * Context: ctx->uring_lock held.
 * Return: 0; -EBUSY if the ring has its region; -EINVAL for unknown flags,
 * reserved fields, a size that is zero, not whole pages or over 16 MiB, a
 * user address for kernel memory, a misaligned one, or REG_WAIT_ARG on an
 * enabled ring; -EFAULT when a struct or the user memory cannot be
 * reached (or written); -ENOMEM.
 */
int io_register_mem_region(struct io_ring_ctx *ctx, void __user *arg)
{
	struct io_uring_region_desc __user *udesc;
	struct io_uring_mem_region_reg reg;
	struct io_uring_region_desc desc;
	struct io_region r = {};
	int ret;

	lockdep_assert_held(&ctx->uring_lock);
	if (copy_from_user(&reg, arg, sizeof(reg)))
		return -EFAULT;
	if (memchr_inv(reg.__resv, 0, sizeof(reg.__resv)) ||
	    reg.flags & ~IORING_MEM_REGION_REG_WAIT_ARG)
		return -EINVAL;
	if ((reg.flags & IORING_MEM_REGION_REG_WAIT_ARG) && !ctx->disabled)
		return -EINVAL;
	if (ctx->param_region.pages)
		return -EBUSY;
	udesc = u64_to_user_ptr(reg.region_uptr);
	if (copy_from_user(&desc, udesc, sizeof(desc)))
		return -EFAULT;
	ret = io_param_region_make(&r, &desc);
	if (!ret && !r.user && copy_to_user(udesc, &desc, sizeof(desc)))
		ret = -EFAULT;
	if (ret) {
		io_region_free(&r);
		return ret;
	}
	mutex_lock(&ctx->mmap_lock);
	ctx->param_region = r;
	mutex_unlock(&ctx->mmap_lock);
	ctx->wait_region = reg.flags & IORING_MEM_REGION_REG_WAIT_ARG;
	return 0;
}

/**
 * io_reg_wait_at - the registered wait argument at byte @offset
 * @ctx: an enabled ring
 * @offset: where in its REG_WAIT_ARG region (any alignment)
 *
 * Context: any; the region stays as long as the ring.
 * Return: the argument, in memory userspace may change at any time, or
 * NULL when the ring has no such region or it ends before the argument.
 */
const struct io_uring_reg_wait *io_reg_wait_at(struct io_ring_ctx *ctx,
					       unsigned long offset)
{
	size_t size = (size_t)ctx->param_region.nr_pages << PAGE_SHIFT;

	if (!ctx->wait_region || offset > size ||
	    size - offset < sizeof(struct io_uring_reg_wait))
		return NULL;
	return ctx->param_region.ptr + offset;
}

/*
 * ->mmap() of a ring fd: IORING_OFF_SQ_RING/CQ_RING, IORING_OFF_SQES, a
 * buffer ring, or a parameter region of kernel memory.
 */
int io_uring_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct io_ring_ctx *ctx = file->private_data;
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT;
	struct io_region *r;
	int ret = -EINVAL;

	switch (off) {
	case IORING_OFF_SQ_RING:
	case IORING_OFF_CQ_RING:
		r = &ctx->rings.ring;
		break;
	case IORING_OFF_SQES:
		r = &ctx->rings.sqe;
		break;
	case IO_OFF_PARAM_REGION:
		r = &ctx->param_region;
		break;
	default:
		if ((off & IORING_OFF_MMAP_MASK) == IORING_OFF_PBUF_RING)
			return io_pbuf_mmap(ctx, vma);
		return -EINVAL;
	}
	/* a resize frees the set it replaces under this lock */
	mutex_lock(&ctx->mmap_lock);
	if (!r->user && vma_pages(vma) <= r->nr_pages) {
		vm_flags_set(vma, VM_DONTEXPAND);
		ret = vm_map_pages_zero(vma, r->pages, r->nr_pages);
	}
	mutex_unlock(&ctx->mmap_lock);
	return ret;
}
