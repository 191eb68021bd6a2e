/* SPDX-License-Identifier: GPL-2.0 */
/*
 * creds.c: personalities, credentials saved under an id for
 * sqe->personality. Locking: ctx->personalities is an xarray, changed
 * under ctx->uring_lock.
 */
#ifndef IO_URING_CREDS_H
#define IO_URING_CREDS_H

#include "uring.h"

int io_register_personality(struct io_ring_ctx *ctx);
int io_unregister_personality(struct io_ring_ctx *ctx, unsigned int id);
int io_req_personality(struct io_kiocb *req, unsigned int id);
void io_personalities_free(struct io_ring_ctx *ctx);

#endif
