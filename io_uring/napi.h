/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NAPI busy polling for a ring (IORING_REGISTER_NAPI): what the ring core
 * calls. The state hangs off the ring as one pointer, allocated at the
 * first registration and freed with the ring.
 *
 * Locking: settings change under ctx->uring_lock; the id table is read
 * under RCU and changed under its own spinlock.
 */
#ifndef IO_URING_NAPI_H
#define IO_URING_NAPI_H

#include <linux/types.h>
#include <linux/ktime.h>
#include <linux/errno.h>
#include <linux/compiler_types.h>

struct io_ring_ctx;
struct io_kiocb;

#ifdef CONFIG_NET_RX_BUSY_POLL

int io_register_napi(struct io_ring_ctx *ctx, void __user *arg);
int io_unregister_napi(struct io_ring_ctx *ctx, void __user *arg);
void io_napi_add(struct io_kiocb *req);
void io_napi_busy_wait(struct io_ring_ctx *ctx, unsigned int min_complete,
		       ktime_t limit);
void io_napi_free(struct io_ring_ctx *ctx);

#else /* !CONFIG_NET_RX_BUSY_POLL */

/* Without busy polling the opcodes are unknown, as on older kernels. */
static inline int io_register_napi(struct io_ring_ctx *ctx, void __user *arg)
{
	return -EINVAL;
}

static inline int io_unregister_napi(struct io_ring_ctx *ctx,
				     void __user *arg)
{
	return -EINVAL;
}

static inline void io_napi_add(struct io_kiocb *req)
{
}

static inline void io_napi_busy_wait(struct io_ring_ctx *ctx,
				     unsigned int min_complete, ktime_t limit)
{
}

static inline void io_napi_free(struct io_ring_ctx *ctx)
{
}

#endif /* CONFIG_NET_RX_BUSY_POLL */

#endif
