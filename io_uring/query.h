/* SPDX-License-Identifier: GPL-2.0 */
/*
 * query.c: IORING_REGISTER_QUERY, which answers what this io_uring
 * supports. Locking: none needed; callable with or without a ring.
 */
#ifndef IO_URING_QUERY_H
#define IO_URING_QUERY_H

int io_register_query(void __user *arg, unsigned int nr_args);

#endif
