// SPDX-License-Identifier: GPL-2.0
/*
 * Personalities: IORING_REGISTER_PERSONALITY saves the caller's
 * credentials under a small id; an SQE naming that id in sqe->personality
 * is issued with them, wherever it runs (inline, io-wq, SQPOLL).
 */
#include <linux/kernel.h>
#include <linux/cred.h>
#include <linux/xarray.h>
#include <linux/security.h>
#include <linux/io_uring.h>

#include "uring.h"
#include "creds.h"

/**
 * io_register_personality - IORING_REGISTER_PERSONALITY
 * @ctx: the ring
 *
 * Context: ctx->uring_lock held.
 * Return: the new id (1..65535), or -ENOMEM / -EBUSY when none is left.
 */
int io_register_personality(struct io_ring_ctx *ctx)
{
	const struct cred *creds;
	u32 id;
	int ret;

	lockdep_assert_held(&ctx->uring_lock);
	creds = get_current_cred();
	ret = xa_alloc_cyclic(&ctx->personalities, &id, (void *)creds,
			      XA_LIMIT(1, USHRT_MAX), &ctx->personality_next,
			      GFP_KERNEL);
	if (ret < 0) {
		put_cred(creds);
		return ret;
	}
	return id;
}

/**
 * io_unregister_personality - IORING_UNREGISTER_PERSONALITY
 * @ctx: the ring
 * @id: what io_register_personality() returned
 *
 * Requests already holding the credentials keep them.
 *
 * Context: ctx->uring_lock held.
 * Return: 0, or -EINVAL for an unknown id.
 */
int io_unregister_personality(struct io_ring_ctx *ctx, unsigned int id)
{
	const struct cred *creds;

	lockdep_assert_held(&ctx->uring_lock);
	creds = xa_erase(&ctx->personalities, id);
	if (!creds)
		return -EINVAL;
	put_cred(creds);
	return 0;
}

/**
 * io_req_personality - give a request the credentials an SQE names
 * @req: the request, being prepared
 * @id: sqe->personality, not 0
 *
 * The LSM may refuse the switch to those credentials.
 *
 * Context: ctx->uring_lock held.
 * Return: 0, -EINVAL for an unknown id, or the LSM's error.
 */
int io_req_personality(struct io_kiocb *req, unsigned int id)
{
	const struct cred *creds;
	int ret;

	lockdep_assert_held(&req->ctx->uring_lock);
	creds = xa_load(&req->ctx->personalities, id);
	if (!creds)
		return -EINVAL;
	ret = security_uring_override_creds(creds);
	if (ret)
		return ret;
	req->creds = get_cred(creds);
	return 0;
}

/* Ring teardown. */
void io_personalities_free(struct io_ring_ctx *ctx)
{
	const struct cred *creds;
	unsigned long id;

	xa_for_each(&ctx->personalities, id, creds)
		put_cred(xa_erase(&ctx->personalities, id));
	xa_destroy(&ctx->personalities);
}
