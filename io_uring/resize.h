/* SPDX-License-Identifier: GPL-2.0 */
/*
 * resize.c: IORING_REGISTER_RESIZE_RINGS, new SQ and CQ rings for a ring
 * in use. Locking: called with ctx->uring_lock; takes ctx->mmap_lock and
 * ctx->cq_lock for the swap.
 */
#ifndef IO_URING_RESIZE_H
#define IO_URING_RESIZE_H

#include "uring.h"

int io_register_resize_rings(struct io_ring_ctx *ctx, void __user *arg);

#endif
