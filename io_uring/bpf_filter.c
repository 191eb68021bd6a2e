// SPDX-License-Identifier: GPL-2.0
/*
 * Classic BPF filters of requests (IORING_REGISTER_BPF_FILTER, 7.0).
 *
 * A program is checked and translated by the kernel's cBPF loader, as a
 * seccomp filter is: besides the checks every classic program gets, ours
 * refuses any instruction that would read packet data, and turns the only
 * load it allows, a 32-bit aligned word at a fixed offset (BPF_LD | BPF_W
 * | BPF_ABS), into a load from struct io_uring_bpf_ctx, whose size bounds
 * the offset. The interpreter (or the JIT) then runs it on a context
 * filled from what the request's prep took.
 */
#include <linux/kernel.h>
#include <linux/filter.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/io_uring.h>
#include <uapi/linux/io_uring/bpf_filter.h>

#include "uring.h"
#include "bpf_filter.h"

/* How much of the context's union @opcode fills in. */
static u8 io_bpf_pdu_size(unsigned int opcode)
{
	switch (opcode) {
	case IORING_OP_SOCKET:
		return sizeof_field(struct io_uring_bpf_ctx, socket);
	case IORING_OP_OPENAT:
	case IORING_OP_OPENAT2:
		return sizeof_field(struct io_uring_bpf_ctx, open);
	case IORING_OP_CONNECT:
		return sizeof(struct io_bpf_connect_pdu);
	default:
		return 0;
	}
}

/* Is @code an instruction that touches nothing but A, X and scratch? */
static bool io_bpf_insn_plain(u16 code)
{
	switch (code) {
	case BPF_RET | BPF_K:
	case BPF_RET | BPF_A:
	case BPF_LD | BPF_IMM:
	case BPF_LDX | BPF_IMM:
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_MEM:
	case BPF_ST:
	case BPF_STX:
	case BPF_MISC | BPF_TAX:
	case BPF_MISC | BPF_TXA:
	case BPF_ALU | BPF_NEG:
	case BPF_JMP | BPF_JA:
		return true;
	}
	switch (BPF_CLASS(code)) {
	case BPF_ALU:
		switch (BPF_OP(code)) {
		case BPF_ADD: case BPF_SUB: case BPF_MUL: case BPF_DIV:
		case BPF_MOD: case BPF_AND: case BPF_OR: case BPF_XOR:
		case BPF_LSH: case BPF_RSH:
			return true;
		}
		return false;
	case BPF_JMP:
		switch (BPF_OP(code)) {
		case BPF_JEQ: case BPF_JGT: case BPF_JGE: case BPF_JSET:
			return true;
		}
		return false;
	}
	return false;
}

/*
 * The loader's hook (bpf_aux_classic_check_t), after its own checks:
 * loads from the context only, and no packet access of any kind.
 */
static int io_bpf_check(struct sock_filter *insns, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++) {
		struct sock_filter *in = &insns[i];

		switch (in->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (in->k >= sizeof(struct io_uring_bpf_ctx) || (in->k & 3))
				return -EINVAL;
			/* the loader's code for "a word of a context" */
			in->code = BPF_LDX | BPF_W | BPF_ABS;
			break;
		case BPF_LD | BPF_W | BPF_LEN:
			in->code = BPF_LD | BPF_IMM;
			in->k = sizeof(struct io_uring_bpf_ctx);
			break;
		case BPF_LDX | BPF_W | BPF_LEN:
			in->code = BPF_LDX | BPF_IMM;
			in->k = sizeof(struct io_uring_bpf_ctx);
			break;
		default:
			if (!io_bpf_insn_plain(in->code))
				return -EINVAL;
		}
	}
	return 0;
}

/*
 * The program's opcode payload size against ours: a bigger one names
 * fields we do not fill, a different one under SZ_STRICT is refused.
 */
static int io_bpf_pdu_check(struct io_uring_bpf_filter *f)
{
	u8 ours = io_bpf_pdu_size(f->opcode);
	u8 theirs = f->pdu_size;

	f->pdu_size = ours;
	if (theirs > ours)
		return -EMSGSIZE;
	if ((f->flags & IO_URING_BPF_FILTER_SZ_STRICT) && theirs != ours)
		return -EMSGSIZE;
	return 0;
}

/**
 * io_bpf_rule_load - check a filter and load its program
 * @f: the filter, copied from user memory; its pdu_size is set to ours,
 *     for the caller to write back, unless the filter is invalid
 * @rulep: the new rule, with one reference and no @next
 *
 * Context: process context; may sleep.
 * Return: 0; -EINVAL for a bad opcode, flags, reserved field or program;
 * -EMSGSIZE for a payload size we cannot serve; -EFAULT, -ENOMEM.
 */
int io_bpf_rule_load(struct io_uring_bpf_filter *f, struct io_bpf_rule **rulep)
{
	struct sock_fprog fprog;
	struct io_bpf_rule *rule;
	int ret;

	if (f->opcode >= IORING_OP_LAST ||
	    (f->flags & ~(IO_URING_BPF_FILTER_DENY_REST |
			  IO_URING_BPF_FILTER_SZ_STRICT)) ||
	    memchr_inv(f->resv, 0, sizeof(f->resv)) ||
	    memchr_inv(f->resv2, 0, sizeof(f->resv2)) ||
	    !f->filter_len || f->filter_len > BPF_MAXINSNS)
		return -EINVAL;
	ret = io_bpf_pdu_check(f);
	if (ret)
		return ret;
	rule = kzalloc(sizeof(*rule), GFP_KERNEL_ACCOUNT);
	if (!rule)
		return -ENOMEM;
	fprog.len = f->filter_len;
	fprog.filter = u64_to_user_ptr(f->filter_ptr);
	ret = bpf_prog_create_from_user(&rule->prog, &fprog, io_bpf_check,
					false);
	if (ret) {
		kfree(rule);
		return ret;
	}
	refcount_set(&rule->refs, 1);
	rule->path_insns = f->filter_len + IO_BPF_RULE_COST;
	*rulep = rule;
	return 0;
}

/**
 * io_bpf_rule_put - drop a reference on a chain
 * @rule: its first rule, or NULL
 *
 * Frees each rule whose last reference this was, and goes on down the
 * chain while it does.
 * Context: any; the programs themselves are freed from a work item.
 */
void io_bpf_rule_put(struct io_bpf_rule *rule)
{
	while (rule && rule != &io_bpf_deny &&
	       refcount_dec_and_test(&rule->refs)) {
		struct io_bpf_rule *next = rule->next;

		bpf_prog_destroy(rule->prog);
		kfree(rule);
		rule = next;
	}
}

/*
 * Every rule of the chain must let @bctx through; the newest runs first.
 * A chain may be long (IO_BPF_MAX_PATH_INSNS) and a batch of requests
 * large: each request's run ends with a chance to reschedule.
 */
static int io_bpf_run(const struct io_bpf_rule *rule,
		      const struct io_uring_bpf_ctx *bctx)
{
	int ret = 0;

	for (; rule; rule = rule->next) {
		if (!rule->prog || !bpf_prog_run_pin_on_cpu(rule->prog, bctx)) {
			ret = -EACCES;
			break;
		}
	}
	cond_resched();
	return ret;
}

/**
 * io_bpf_filter_sqe - run filters on an SQE that is no ring's request
 * @rule: the first rule of its opcode's chain
 * @sqe: the SQE, copied to the kernel, of an opcode with no payload
 *
 * For IORING_REGISTER_SEND_MSG_RING, which the task's policy covers too.
 * Context: process context.
 * Return: 0, or -EACCES if a rule denies it.
 */
int io_bpf_filter_sqe(const struct io_bpf_rule *rule,
		      const struct io_uring_sqe *sqe)
{
	struct io_uring_bpf_ctx bctx;

	/* every byte: a program may read what no field of ours covers */
	memset(&bctx, 0, sizeof(bctx));
	bctx.user_data = sqe->user_data;
	bctx.opcode = sqe->opcode;
	bctx.sqe_flags = sqe->flags;
	return io_bpf_run(rule, &bctx);
}

/**
 * io_bpf_filter_req - run a request's filters
 * @req: the request, prepared
 * @rule: the first rule of its opcode's chain
 *
 * Every rule must let it through; the newest runs first.
 * Context: submission, ctx->uring_lock held.
 * Return: 0, or -EACCES if a rule denies it.
 */
int io_bpf_filter_req(struct io_kiocb *req, const struct io_bpf_rule *rule)
{
	struct io_uring_bpf_ctx bctx;

	lockdep_assert_held(&req->ctx->uring_lock);
	memset(&bctx, 0, sizeof(bctx));
	bctx.user_data = req->user_data;
	bctx.opcode = req->opcode;
	bctx.sqe_flags = req->sqe_flags;
	bctx.pdu_size = io_bpf_pdu_size(req->opcode);
	switch (req->opcode) {
	case IORING_OP_SOCKET:
		io_socket_bpf_pdu(req, &bctx);
		break;
	case IORING_OP_CONNECT:
		io_connect_bpf_pdu(req, &bctx);
		break;
	case IORING_OP_OPENAT:
	case IORING_OP_OPENAT2:
		io_open_bpf_pdu(req, &bctx);
		break;
	}
	return io_bpf_run(rule, &bctx);
}
