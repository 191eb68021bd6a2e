/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tctx.c: per-task state (current->io_uring): registered ring fds,
 * io-wq, exit and exec hooks. Locking: see struct io_uring_task in
 * uring.h.
 */
#ifndef IO_URING_TCTX_H
#define IO_URING_TCTX_H

#include "uring.h"

struct io_uring_task *io_tctx_get(void);
struct file *io_ring_fd_get(unsigned int fd, bool registered);
void io_ring_fd_put(struct file *file, bool registered);
int io_ringfd_register(void __user *arg, unsigned int nr_args);
int io_ringfd_unregister(void __user *arg, unsigned int nr_args);
int io_ringfd_install(struct file *file);
void io_tctx_ring_closed(void);

#endif
