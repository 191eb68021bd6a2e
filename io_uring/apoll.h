/* SPDX-License-Identifier: GPL-2.0 */
/*
 * apoll.c: a request waiting for its file to become ready, the readiness
 * engine of the core. Whoever arms it gives a ready() callback; the engine
 * calls nothing else of an op family.
 *
 * Locking: the wait queue heads' locks for the entries; an atomic owner
 * count decides who acts on the request (a wakeup, a cancel or the arming
 * code, and the owner keeps acting until every wakeup is accounted for);
 * everything else under ctx->uring_lock, in the request's task_work.
 */
#ifndef IO_URING_APOLL_H
#define IO_URING_APOLL_H

#include <linux/poll.h>

#include "uring.h"

/*
 * The file is ready with @mask; the caller owns the poll, holds
 * ctx->uring_lock and runs in the request's task_work. Return: true when
 * the request is done waiting (completed, issued again or disarmed), false
 * to wait for the next wakeup.
 */
typedef bool (*io_apoll_ready_t)(struct io_kiocb *req, __poll_t mask);

int io_apoll_arm(struct io_kiocb *req, __poll_t events, io_apoll_ready_t ready);
void io_apoll_wait(struct io_kiocb *req, bool ready_now);
void io_apoll_disarm(struct io_kiocb *req);
bool io_apoll_queued(struct io_kiocb *req);
int io_apoll_cancel(struct io_kiocb *req);
bool io_apoll_claim(struct io_kiocb *req);
bool io_apoll_post(struct io_kiocb *req, __poll_t mask);
bool io_apoll_uring_woken(struct io_kiocb *req);
int io_apoll_retry(struct io_kiocb *req, __poll_t events, bool next);
void io_apoll_free(struct io_kiocb *req);

#endif
