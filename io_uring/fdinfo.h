/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fdinfo.c: /proc/<pid>/fdinfo of a ring. Locking: a snapshot of the
 * rings' contents, under ctx->mmap_lock against a resize freeing them.
 */
#ifndef IO_URING_FDINFO_H
#define IO_URING_FDINFO_H

#include "uring.h"

void io_uring_show_fdinfo(struct seq_file *m, struct file *file);

#endif
