/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memmap.c: the memory a ring shares with userspace (regions, the
 * layout of the SQ and CQ rings, the parameter region of
 * IORING_REGISTER_MEM_REGION, ->mmap()). Locking: a region belongs to
 * what embeds it; ->mmap() of the rings holds ctx->mmap_lock.
 */
#ifndef IO_URING_MEMMAP_H
#define IO_URING_MEMMAP_H

#include "uring.h"

int io_region_alloc(struct io_region *r, size_t size);
int io_region_pin(struct io_region *r, u64 uaddr, size_t size);
void io_region_free(struct io_region *r);
int io_rings_size(u32 entries, struct io_uring_params *p);
int io_rings_alloc(struct io_rings *r, const struct io_uring_params *p);
void io_rings_offsets(const struct io_rings *r, struct io_uring_params *p);
void io_rings_free(struct io_rings *r);
int io_register_mem_region(struct io_ring_ctx *ctx, void __user *arg);
const struct io_uring_reg_wait *io_reg_wait_at(struct io_ring_ctx *ctx,
					       unsigned long offset);
int io_uring_mmap(struct file *file, struct vm_area_struct *vma);

#endif
