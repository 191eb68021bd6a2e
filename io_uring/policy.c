// SPDX-License-Identifier: GPL-2.0
/*
 * Policies: the cBPF filters and task restrictions of Linux 7.0.
 *
 * A task registers them with io_uring_register(2) on fd -1; they apply to
 * the rings it sets up from then on, and, as copy_process() hands the
 * policy down, to those of its descendants, across exec. A ring starts
 * from its creator's policy and may be given filters of its own. Nothing
 * is ever taken away: a new filter goes in front of an opcode's chain and
 * a request must pass every rule of it; DENY_REST puts a rule that denies
 * on each opcode that has none yet. As for seccomp, registering needs
 * no_new_privs or CAP_SYS_ADMIN, so that a policy cannot be set up to
 * mislead a set-user-ID program.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/capability.h>
#include <linux/seq_file.h>
#include <linux/nospec.h>
#include <linux/io_uring.h>
#include <uapi/linux/io_uring/bpf_filter.h>

#include "uring.h"
#include "opdef.h"
#include "restrict.h"
#include "policy.h"

struct io_bpf_rule io_bpf_deny;

/**
 * io_uring_policy_get - take a reference on a policy
 * @pol: the policy
 *
 * Context: any (copy_process() calls it under the parent's siglock).
 */
void io_uring_policy_get(struct io_uring_policy *pol)
{
	refcount_inc(&pol->refs);
}

/**
 * io_uring_policy_put - drop a reference on a policy
 * @pol: the policy, or NULL
 *
 * Context: any (a task's is dropped from __put_task_struct()).
 */
void io_uring_policy_put(struct io_uring_policy *pol)
{
	unsigned int i;

	if (!pol || !refcount_dec_and_test(&pol->refs))
		return;
	for (i = 0; i < IORING_OP_LAST; i++)
		io_bpf_rule_put(pol->rules[i]);
	kfree(pol);
}

/* A new policy that starts as @old (which may be NULL: no policy). */
static struct io_uring_policy *io_policy_clone(const struct io_uring_policy *old)
{
	struct io_uring_policy *pol = kzalloc(sizeof(*pol), GFP_KERNEL_ACCOUNT);
	unsigned int i;

	if (!pol)
		return NULL;
	refcount_set(&pol->refs, 1);
	if (!old)
		return pol;
	pol->res = old->res;
	pol->nr_filters = old->nr_filters;
	pol->deny_rest = old->deny_rest;
	for (i = 0; i < IORING_OP_LAST; i++)
		pol->rules[i] = io_bpf_rule_get(old->rules[i]);
	return pol;
}

/* As seccomp(2): no_new_privs, or CAP_SYS_ADMIN in the task's namespace. */
static bool io_policy_may_register(void)
{
	return task_no_new_privs(current) ||
	       ns_capable_noaudit(current_user_ns(), CAP_SYS_ADMIN);
}

/*
 * Make @pol the policy of @ctx, or with no ring the calling task's, and
 * drop the one it replaces.
 */
static void io_policy_publish(struct io_ring_ctx *ctx,
			      struct io_uring_policy *pol)
{
	struct io_uring_policy *old;

	if (!ctx) {
		old = current->io_uring_policy;
		current->io_uring_policy = pol;
	} else {
		lockdep_assert_held(&ctx->uring_lock);
		mutex_lock(&ctx->mmap_lock);
		old = ctx->policy;
		ctx->policy = pol;
		mutex_unlock(&ctx->mmap_lock);
	}
	io_uring_policy_put(old);
}

/* A policy of @ctx's (or the task's) and @rule in front of its opcode. */
static struct io_uring_policy *io_policy_add(struct io_ring_ctx *ctx,
					     unsigned int opcode,
					     struct io_bpf_rule *rule,
					     bool deny_rest)
{
	struct io_uring_policy *pol;
	unsigned int i;

	pol = io_policy_clone(ctx ? ctx->policy : current->io_uring_policy);
	if (!pol)
		return NULL;
	/* the chain's reference passes from the policy to the new rule */
	rule->next = pol->rules[opcode];
	if (rule->next)
		rule->path_insns += rule->next->path_insns;
	pol->rules[opcode] = rule;
	pol->nr_filters++;
	if (deny_rest) {
		pol->deny_rest = true;
		for (i = 0; i < IORING_OP_LAST; i++) {
			if (!pol->rules[i])
				pol->rules[i] = &io_bpf_deny;
		}
	}
	return pol;
}

/**
 * io_register_bpf_filter - IORING_REGISTER_BPF_FILTER
 * @ctx: the ring, or NULL for the calling task (fd -1)
 * @arg: struct io_uring_bpf; its filter's pdu_size is set to ours
 * @nr_args: 1
 *
 * Context: ctx->uring_lock held if @ctx; process context.
 * Return: 0; -EACCES without no_new_privs or CAP_SYS_ADMIN; -EINVAL for a
 * bad command, filter or program; -EMSGSIZE (pdu_size written back) for a
 * payload size we cannot serve; -ENOMEM, also when the opcode's chain
 * would run more than IO_BPF_MAX_PATH_INSNS instructions; -EFAULT.
 */
int io_register_bpf_filter(struct io_ring_ctx *ctx, void __user *arg,
			   unsigned int nr_args)
{
	struct io_uring_bpf __user *uarg = arg;
	struct io_uring_policy *pol;
	struct io_bpf_rule *rule;
	struct io_uring_bpf bpf;
	int ret;

	if (nr_args != 1)
		return -EINVAL;
	if (copy_from_user(&bpf, uarg, sizeof(bpf)))
		return -EFAULT;
	if (bpf.cmd_type != IO_URING_BPF_CMD_FILTER || bpf.cmd_flags ||
	    bpf.resv)
		return -EINVAL;
	if (!io_policy_may_register())
		return -EACCES;
	ret = io_bpf_rule_load(&bpf.filter, &rule);
	if (ret == -EMSGSIZE || !ret) {
		if (put_user(bpf.filter.pdu_size, &uarg->filter.pdu_size)) {
			if (!ret)
				io_bpf_rule_put(rule);
			return -EFAULT;
		}
	}
	if (ret)
		return ret;
	pol = io_policy_add(ctx, array_index_nospec(bpf.filter.opcode,
						    IORING_OP_LAST),
			    rule, bpf.filter.flags & IO_URING_BPF_FILTER_DENY_REST);
	if (!pol) {
		io_bpf_rule_put(rule);
		return -ENOMEM;
	}
	if (rule->path_insns > IO_BPF_MAX_PATH_INSNS) {
		/* the rule, and its hold on the chain, go with the policy */
		io_uring_policy_put(pol);
		return -ENOMEM;
	}
	io_policy_publish(ctx, pol);
	return 0;
}

/**
 * io_register_task_restrictions - IORING_REGISTER_RESTRICTIONS, fd -1
 * @arg: struct io_uring_task_restriction and its list
 * @nr_args: 1
 *
 * Restrictions for the rings the task and its descendants set up from now
 * on, in effect from their setup. A task has one list, its own or
 * inherited: it cannot be replaced.
 *
 * Context: process context.
 * Return: 0; -EPERM if the task has a list; -EACCES without
 * no_new_privs or CAP_SYS_ADMIN; -EINVAL for bad flags or entries;
 * -EFAULT, -ENOMEM.
 */
int io_register_task_restrictions(void __user *arg, unsigned int nr_args)
{
	struct io_uring_task_restriction __user *uarg = arg;
	struct io_uring_policy *old = current->io_uring_policy;
	struct io_uring_task_restriction head;
	struct io_uring_policy *pol;
	int ret;

	if (nr_args != 1)
		return -EINVAL;
	if (copy_from_user(&head, uarg, sizeof(head)))
		return -EFAULT;
	if (head.flags || memchr_inv(head.resv, 0, sizeof(head.resv)))
		return -EINVAL;
	if (!io_policy_may_register())
		return -EACCES;
	if (old && old->res.registered)
		return -EPERM;
	pol = io_policy_clone(old);
	if (!pol)
		return -ENOMEM;
	ret = io_restrictions_parse(&pol->res, uarg->restrictions, head.nr_res);
	if (ret) {
		io_uring_policy_put(pol);
		return ret;
	}
	io_policy_publish(NULL, pol);
	return 0;
}

/**
 * io_policy_check_sync - the task's policy on an SQE it runs with no ring
 * @sqe: the SQE (IORING_REGISTER_SEND_MSG_RING), copied to the kernel
 *
 * What the task's rings may not do, it may not do without one either:
 * its restrictions and its filters of the SQE's opcode apply.
 * Context: process context.
 * Return: 0, or -EACCES.
 */
int io_policy_check_sync(const struct io_uring_sqe *sqe)
{
	const struct io_uring_policy *pol = current->io_uring_policy;
	u8 op = io_op_index(sqe->opcode);

	if (!pol)
		return 0;
	if (pol->res.registered && !io_restrictions_allow(&pol->res, op,
							  sqe->flags))
		return -EACCES;
	if (!pol->rules[op])
		return 0;
	return io_bpf_filter_sqe(pol->rules[op], sqe);
}

/**
 * io_policy_attach - give a new ring its creator's policy
 * @ctx: the ring, being set up by current
 *
 * The task's restrictions become the ring's, in effect at once.
 * Context: process context, before the ring is visible.
 */
void io_policy_attach(struct io_ring_ctx *ctx)
{
	struct io_uring_policy *pol = current->io_uring_policy;

	if (!pol)
		return;
	io_uring_policy_get(pol);
	ctx->policy = pol;
	if (pol->res.registered) {
		ctx->restrictions = pol->res;
		ctx->restricted = true;
	}
}

/**
 * io_policy_detach - drop a ring's policy
 * @ctx: the ring, being freed
 *
 * Context: process context; no request is left.
 */
void io_policy_detach(struct io_ring_ctx *ctx)
{
	io_uring_policy_put(ctx->policy);
	ctx->policy = NULL;
}

/**
 * io_policy_show_fdinfo - the ring's restrictions and filters, in fdinfo
 * @m: the fdinfo file
 * @ctx: the ring
 *
 * Context: ctx->mmap_lock held.
 */
void io_policy_show_fdinfo(struct seq_file *m, struct io_ring_ctx *ctx)
{
	const struct io_uring_policy *pol = ctx->policy;
	unsigned int i, n;

	lockdep_assert_held(&ctx->mmap_lock);
	seq_printf(m, "Restricted:\t%d\n", ctx->restricted);
	seq_printf(m, "BpfFilters:\t%u\n", pol ? pol->nr_filters : 0);
	if (!pol)
		return;
	seq_printf(m, "BpfDenyRest:\t%d\n", pol->deny_rest);
	for (i = 0; i < IORING_OP_LAST; i++) {
		const struct io_bpf_rule *rule = pol->rules[i];

		for (n = 0; rule && rule != &io_bpf_deny; rule = rule->next)
			n++;
		if (n)
			seq_printf(m, "BpfFilter:\t%s %u%s\n",
				   io_uring_get_opcode(i), n,
				   rule ? " deny" : "");
	}
}
