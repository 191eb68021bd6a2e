/* SPDX-License-Identifier: GPL-2.0 */
/*
 * policy.c: what requests and register opcodes a ring allows beyond its
 * own settings: the cBPF filters of IORING_REGISTER_BPF_FILTER and the
 * restrictions a task registered with fd -1. A task's policy applies to
 * every ring it, or a descendant, sets up afterwards; a ring starts from
 * its creator's and may add filters of its own.
 *
 * A policy is immutable once published: registering builds a new one that
 * shares the old one's filter chains, with one more rule in front.
 * Locking: a task's policy (task_struct->io_uring_policy) is replaced only
 * by the task itself, and read by it and by copy_process() on its behalf;
 * a ring's (ctx->policy) is replaced under ctx->uring_lock and
 * ctx->mmap_lock and read under either.
 */
#ifndef IO_URING_POLICY_H
#define IO_URING_POLICY_H

#include "uring.h"
#include "bpf_filter.h"

/**
 * struct io_uring_policy - filters and restrictions, shared by reference
 * @refs: tasks and rings that hold it
 * @res: a task's restrictions, once registered (@res.registered)
 * @nr_filters: programs registered, for fdinfo
 * @deny_rest: some filter was registered with DENY_REST, for fdinfo
 * @rules: per opcode, the first rule of its chain, or NULL (unfiltered)
 */
struct io_uring_policy {
	refcount_t		refs;
	struct io_restrictions	res;
	unsigned int		nr_filters;
	bool			deny_rest;
	struct io_bpf_rule	*rules[IORING_OP_LAST];
};

void io_policy_attach(struct io_ring_ctx *ctx);
void io_policy_detach(struct io_ring_ctx *ctx);
int io_register_bpf_filter(struct io_ring_ctx *ctx, void __user *arg,
			   unsigned int nr_args);
int io_register_task_restrictions(void __user *arg, unsigned int nr_args);
void io_policy_show_fdinfo(struct seq_file *m, struct io_ring_ctx *ctx);
int io_policy_check_sync(const struct io_uring_sqe *sqe);

/*
 * Submission: the filters of @req's opcode, if its ring has any, on the
 * prepared request. Context: ctx->uring_lock held.
 */
static inline int io_policy_check_req(struct io_kiocb *req)
{
	const struct io_uring_policy *pol = req->ctx->policy;

	if (likely(!pol) || likely(!pol->rules[req->opcode]))
		return 0;
	return io_bpf_filter_req(req, pol->rules[req->opcode]);
}

#endif
