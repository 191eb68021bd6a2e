/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NAPI busy polling for a ring (IORING_REGISTER_NAPI): what the ring core
 * calls. The state hangs off the ring as one pointer, allocated at the
 * first registration and freed with the ring.
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

#include <linux/spinlock.h>
#include <linux/hashtable.h>

#define IO_NAPI_HASH_BITS	4

/**
 * struct io_napi - a ring's busy poll settings and the NAPI ids it saw
 * @lock: serialises changes to @hash and @nr_ids (readers use RCU)
 * @hash: struct io_napi_entry by NAPI id
 * @nr_ids: entries in @hash
 * @next_prune: jiffies; entries unseen for a while are dropped after it
 * @busy_poll_to: how long a CQ wait busy polls, in usecs; 0: off
 * @prefer_busy_poll: as SO_PREFER_BUSY_POLL
 *
 * @busy_poll_to and @prefer_busy_poll change under ctx->uring_lock and
 * are read locklessly.
 */
struct io_napi {
	spinlock_t		lock;		/* over @hash and @nr_ids changes */
	DECLARE_HASHTABLE(hash, IO_NAPI_HASH_BITS);
	unsigned int		nr_ids;
	unsigned long		next_prune;
	u32			busy_poll_to;
	bool			prefer_busy_poll;
};

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
