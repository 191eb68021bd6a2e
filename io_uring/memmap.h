/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memmap.c: the memory a ring shares with userspace (regions,
 * ->mmap()). Locking: a region belongs to what embeds it; no lock of
 * its own.
 */
#ifndef IO_URING_MEMMAP_H
#define IO_URING_MEMMAP_H

#include "uring.h"

int io_region_alloc(struct io_region *r, size_t size);
int io_region_pin(struct io_region *r, u64 uaddr, size_t size);
void io_region_free(struct io_region *r);
int io_uring_mmap(struct file *file, struct vm_area_struct *vma);

#endif
