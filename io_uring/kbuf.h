/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kbuf.c: provided buffers, in list groups and buffer rings.
 * Locking: ctx->uring_lock over the groups and each ring's head; the
 * xarray's own lock too for changes, so that mmap() can look a group up
 * without uring_lock.
 */
#ifndef IO_URING_KBUF_H
#define IO_URING_KBUF_H

#include "uring.h"

/* What provided buffer a request holds (req->buf_sel) */
enum {
	IO_KBUF_NONE,
	IO_KBUF_LIST,		/* req->kbuf, out of its list */
	IO_KBUF_PEEK,		/* its group's first buf_nr buffers, not taken yet */
	IO_KBUF_TAKEN,		/* taken out of its group */
};

void __user *io_buffer_select(struct io_kiocb *req, size_t *len,
			      unsigned int issue_flags);
int io_buffers_select(struct io_kiocb *req, struct iovec *iov,
		      unsigned int max_iov, size_t max_len,
		      unsigned int issue_flags);
void io_buffer_recycle(struct io_kiocb *req, unsigned int issue_flags);
void io_buffer_keep(struct io_kiocb *req);
bool io_buffers_left(struct io_kiocb *req);
u32 io_buffer_put(struct io_kiocb *req, int res, unsigned int issue_flags);
void io_buffer_drop(struct io_kiocb *req);
int io_register_pbuf_ring(struct io_ring_ctx *ctx, void __user *arg);
int io_unregister_pbuf_ring(struct io_ring_ctx *ctx, void __user *arg);
int io_register_pbuf_status(struct io_ring_ctx *ctx, void __user *arg);
int io_pbuf_mmap(struct io_ring_ctx *ctx, struct vm_area_struct *vma);
void io_buf_groups_free(struct io_ring_ctx *ctx);

#endif
