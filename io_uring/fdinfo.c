// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/<pid>/fdinfo/<ring fd>: the ring's indices and state, for humans
 * and debuggers. A snapshot: nothing here is locked against the rings'
 * contents, only (ctx->mmap_lock) against a resize freeing them, or a
 * filter's registration replacing the ring's policy.
 */
#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/io_uring.h>

#include "uring.h"
#include "opdef.h"
#include "fdinfo.h"
#include "policy.h"
#include "sqpoll.h"

/* At most this many not yet consumed SQEs are listed. */
#define IO_FDINFO_SQES	16

static void io_show_pending_sqes(struct seq_file *m, struct io_ring_ctx *ctx,
				 u32 sq_tail)
{
	u32 head = READ_ONCE(ctx->sq_head);
	unsigned int i, n = min(sq_tail - head, ctx->sq_entries);

	for (i = 0; i < min_t(unsigned int, n, IO_FDINFO_SQES); i++) {
		unsigned int idx = (head + i) & (ctx->sq_entries - 1);
		const struct io_uring_sqe *sqe;

		if (ctx->rings.sq_array)
			idx = READ_ONCE(ctx->rings.sq_array[idx]);
		if (idx >= ctx->sq_entries)
			continue;
		sqe = (void *)ctx->rings.sqes + ((size_t)idx << ctx->sqe_shift);
		seq_printf(m, "Sqe%u:\t%s fd=%d user_data=0x%llx\n", i,
			   io_uring_get_opcode(READ_ONCE(sqe->opcode)),
			   READ_ONCE(sqe->fd), READ_ONCE(sqe->user_data));
	}
}

void io_uring_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct io_ring_ctx *ctx = file->private_data;
	struct io_shared_hdr *hdr;
	u32 sq_tail, cq_head, cq_tail;
	int sq_pid, sq_cpu;

	io_sq_show_fdinfo(ctx, &sq_pid, &sq_cpu);
	/* the rings as they are, not as a resize frees them */
	mutex_lock(&ctx->mmap_lock);
	hdr = ctx->rings.hdr;
	sq_tail = READ_ONCE(hdr->sq_tail);
	cq_head = READ_ONCE(hdr->cq_head);
	cq_tail = READ_ONCE(hdr->cq_tail);
	seq_printf(m, "SqMask:\t0x%x\n", ctx->sq_entries - 1);
	seq_printf(m, "SqHead:\t%u\n", READ_ONCE(hdr->sq_head));
	seq_printf(m, "SqTail:\t%u\n", sq_tail);
	seq_printf(m, "CachedSqHead:\t%u\n", READ_ONCE(ctx->sq_head));
	seq_printf(m, "SqEntries:\t%u\n", ctx->sq_entries);
	seq_printf(m, "SqDropped:\t%u\n", READ_ONCE(hdr->sq_dropped));
	seq_printf(m, "CqMask:\t0x%x\n", ctx->cq_entries - 1);
	seq_printf(m, "CqHead:\t%u\n", cq_head);
	seq_printf(m, "CqTail:\t%u\n", cq_tail);
	seq_printf(m, "CachedCqTail:\t%u\n", READ_ONCE(ctx->cq_tail));
	seq_printf(m, "CqEntries:\t%u\n", ctx->cq_entries);
	seq_printf(m, "CqOverflowList:\t%u\n", READ_ONCE(ctx->overflow_nr));
	seq_printf(m, "CqOverflowLost:\t%u\n", READ_ONCE(hdr->cq_overflow));
	seq_printf(m, "SqFlags:\t0x%x\n", READ_ONCE(hdr->sq_flags));
	seq_printf(m, "SetupFlags:\t0x%x\n", ctx->flags);
	seq_printf(m, "Disabled:\t%d\n", READ_ONCE(ctx->disabled));
	seq_printf(m, "EventFd:\t%s\n", rcu_access_pointer(ctx->ev_fd) ? "yes" : "no");
	seq_printf(m, "SqThread:\t%d\n", sq_pid);
	seq_printf(m, "SqThreadCpu:\t%d\n", sq_cpu);
	io_show_pending_sqes(m, ctx, sq_tail);
	io_policy_show_fdinfo(m, ctx);
	mutex_unlock(&ctx->mmap_lock);
}
