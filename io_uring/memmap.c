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

/* ->mmap() of a ring fd: IORING_OFF_SQ_RING/CQ_RING and IORING_OFF_SQES. */
int io_uring_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct io_ring_ctx *ctx = file->private_data;
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT;
	struct io_region *r;

	switch (off) {
	case IORING_OFF_SQ_RING:
	case IORING_OFF_CQ_RING:
		r = &ctx->ring_region;
		break;
	case IORING_OFF_SQES:
		r = &ctx->sqe_region;
		break;
	default:
		if ((off & IORING_OFF_MMAP_MASK) == IORING_OFF_PBUF_RING)
			return io_pbuf_mmap(ctx, vma);
		return -EINVAL;
	}
	if (r->user)
		return -EINVAL;
	if (vma_pages(vma) > r->nr_pages)
		return -EINVAL;
	vm_flags_set(vma, VM_DONTEXPAND);
	return vm_map_pages_zero(vma, r->pages, r->nr_pages);
}
