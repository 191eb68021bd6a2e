/* SPDX-License-Identifier: GPL-2.0 */
/*
 * apoll.c: a request waiting for its file to become ready, the readiness
 * engine of the core. A ready file re-issues the request, or, for an
 * opcode that waits on its file itself (POLL_ADD), calls the opcode
 * table's ->poll_ready; the engine calls nothing else of an op family.
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

/**
 * struct io_poll_entry - a waiting request's place on one wait queue
 * @wait: the entry; its private is the request
 * @head: the queue; NULL once off it (under RCU across a POLLFREE)
 */
struct io_poll_entry {
	struct wait_queue_entry	wait;
	struct wait_queue_head	*head;
};

/**
 * struct io_poll - a request waiting for its file to become ready
 * @owner: who acts on the request (a count) and the engine's IO_POLL_* bits
 * @events: what it waits for
 * @first: its entry on the file's wait queue
 *
 * 56 bytes, so that an opcode's state (POLL_ADD's) can hold it. A file with
 * two wait queues gets a poll of the engine's with room for both.
 */
struct io_poll {
	atomic_t		owner;
	__poll_t		events;
	struct io_poll_entry	first;
};

int io_apoll_arm(struct io_kiocb *req, struct io_poll *own, __poll_t events);
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
