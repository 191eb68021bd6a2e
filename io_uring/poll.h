/* SPDX-License-Identifier: GPL-2.0 */
/*
 * poll.c: the internal poll that retries a request which would have
 * blocked. Locking: ctx->uring_lock held by its callers.
 */
#ifndef IO_URING_POLL_H
#define IO_URING_POLL_H

#include "uring.h"

int io_poll_retry_arm(struct io_kiocb *req);
int io_poll_retry_arm_next(struct io_kiocb *req);

#endif
