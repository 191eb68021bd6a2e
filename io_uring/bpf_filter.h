/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpf_filter.c: IORING_REGISTER_BPF_FILTER's classic BPF programs: one
 * rule per program, loaded through the kernel's cBPF checker with loads
 * limited to struct io_uring_bpf_ctx, and run at submission, after the
 * request's prep, on the context its opcode fills in. A rule is immutable
 * once loaded and shared, by reference, between the policies
 * (policy.c) that hold it.
 *
 * Locking: loading and freeing take no lock; io_bpf_filter_req() runs
 * where the request is submitted, under ctx->uring_lock.
 */
#ifndef IO_URING_BPF_FILTER_H
#define IO_URING_BPF_FILTER_H

#include <linux/refcount.h>

#include "uring.h"

struct bpf_prog;
struct io_uring_bpf_ctx;
struct io_uring_bpf_filter;

/**
 * struct io_bpf_rule - one filter of an opcode's chain
 * @refs: one per policy chain that starts at or passes through it
 * @next: the filter registered before it, which runs after it
 * @prog: the program; NULL in io_bpf_deny, which denies everything
 * @path_insns: instructions a request may run from here to the chain's
 *		end, IO_BPF_RULE_COST more per program
 */
struct io_bpf_rule {
	refcount_t		refs;
	struct io_bpf_rule	*next;
	struct bpf_prog		*prog;
	unsigned int		path_insns;
};

/*
 * What one request may cost its filters, as seccomp bounds a system
 * call's: a chain that would go past it is refused (-ENOMEM).
 */
#define IO_BPF_MAX_PATH_INSNS	32768
#define IO_BPF_RULE_COST	4

/* The rule IO_URING_BPF_FILTER_DENY_REST puts on unfiltered opcodes. */
extern struct io_bpf_rule io_bpf_deny;

#ifdef CONFIG_NET
int io_bpf_rule_load(struct io_uring_bpf_filter *f, struct io_bpf_rule **rulep);
void io_bpf_rule_put(struct io_bpf_rule *rule);
int io_bpf_filter_req(struct io_kiocb *req, const struct io_bpf_rule *rule);
int io_bpf_filter_sqe(const struct io_bpf_rule *rule,
		      const struct io_uring_sqe *sqe);
#else
/* the cBPF loader is the network stack's: without it, only io_bpf_deny */
static inline int io_bpf_rule_load(struct io_uring_bpf_filter *f,
				   struct io_bpf_rule **rulep)
{
	return -EINVAL;
}

static inline void io_bpf_rule_put(struct io_bpf_rule *rule) { }

static inline int io_bpf_filter_req(struct io_kiocb *req,
				    const struct io_bpf_rule *rule)
{
	return -EACCES;
}

static inline int io_bpf_filter_sqe(const struct io_bpf_rule *rule,
				    const struct io_uring_sqe *sqe)
{
	return -EACCES;
}
#endif

/* A reference on @rule's chain, for a new policy that shares it. */
static inline struct io_bpf_rule *io_bpf_rule_get(struct io_bpf_rule *rule)
{
	if (rule && rule != &io_bpf_deny)
		refcount_inc(&rule->refs);
	return rule;
}

/*
 * The opcode-specific part of the context, filled from what the opcode's
 * prep took (never read again from user memory): sock.c and open.c.
 */
void io_socket_bpf_pdu(struct io_kiocb *req, struct io_uring_bpf_ctx *bctx);
void io_connect_bpf_pdu(struct io_kiocb *req, struct io_uring_bpf_ctx *bctx);
void io_open_bpf_pdu(struct io_kiocb *req, struct io_uring_bpf_ctx *bctx);

/*
 * IORING_OP_CONNECT's part of the context, after 7.0's uapi header: the
 * address family, then, for AF_INET and AF_INET6, the port and the
 * address, in network byte order (liburing 2.15's cbpf_filter reads it
 * at these offsets). Zero where the address is too short to hold them.
 */
struct io_bpf_connect_pdu {
	__u32		family;
	__be16		port;
	__u16		pad;
	union {
		__be32	v4;
		__u8	v6[16];
	} addr;
};

#endif
