/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Registered resources: the fixed file table and the registered buffer
 * table. Every slot in use holds one struct io_rsrc; the table owns a
 * reference on it and so does every request using it, so a file or a
 * buffer outlives its slot for as long as requests still use it. When the
 * last reference goes, the file is put or the pages unpinned (and
 * uncharged), and a non-zero tag is posted as a CQE.
 *
 * Locking: the tables change, and requests look slots up, under
 * ctx->uring_lock; the references are atomic.
 */
#ifndef IO_URING_RSRC_H
#define IO_URING_RSRC_H

#include <linux/types.h>
#include <linux/bits.h>
#include <linux/refcount.h>
#include <linux/bvec.h>
#include <linux/sizes.h>

struct io_ring_ctx;
struct io_kiocb;
struct io_pin_acct;
struct io_mapped_buf;
struct file;
struct iovec;

/**
 * struct io_rsrc - one registered file or buffer
 * @refs: the table's reference and one per request using it
 * @ctx: its ring
 * @tag: posted as a CQE's user_data once it is released, if non-zero
 * @is_buf: a buffer, else a file
 * @file: the file, holding a reference
 * @buf: the buffer
 */
struct io_rsrc {
	refcount_t		refs;
	struct io_ring_ctx	*ctx;
	u64			tag;
	bool			is_buf;
	union {
		struct file		*file;
		struct io_mapped_buf	*buf;
	};
};

/**
 * struct io_rsrc_table - the fixed files or the registered buffers
 * @slots: NULL for an empty slot
 * @nr: slots, 0 when nothing is registered
 */
struct io_rsrc_table {
	struct io_rsrc		**slots;
	unsigned int		nr;
};

void io_req_rsrc_put(struct io_kiocb *req);
void io_rsrc_free_all(struct io_ring_ctx *ctx);

int io_register_files(struct io_ring_ctx *ctx, void __user *arg,
		      unsigned int nr_args, bool v2);
int io_unregister_files(struct io_ring_ctx *ctx);
int io_register_buffers(struct io_ring_ctx *ctx, void __user *arg,
			unsigned int nr_args, bool v2);
int io_unregister_buffers(struct io_ring_ctx *ctx);
int io_register_rsrc_update(struct io_ring_ctx *ctx, void __user *arg,
			    unsigned int nr_args, unsigned int opcode);
int io_register_file_alloc_range(struct io_ring_ctx *ctx, void __user *arg);
int io_register_clone_buffers(struct io_ring_ctx *ctx, void __user *arg);

int io_req_fixed_file(struct io_kiocb *req, int fd);
int io_req_fixed_buf(struct io_kiocb *req, unsigned int index);
struct file *io_fixed_file_ref(struct io_ring_ctx *ctx, int fd,
			       unsigned int issue_flags);
int io_fixed_fd_install(struct io_kiocb *req, unsigned int issue_flags,
			struct file *file, unsigned int file_slot);
int io_fixed_fd_install_ctx(struct io_ring_ctx *ctx, struct file *file,
			    unsigned int file_slot);
int io_fixed_fd_install_pair(struct io_kiocb *req, unsigned int issue_flags,
			     struct file *files[2], unsigned int file_slot,
			     int __user *uslots);
int io_fixed_fd_remove(struct io_ring_ctx *ctx, unsigned int issue_flags,
		       unsigned int offset);
int io_import_fixed(struct io_kiocb *req, int dir, u64 addr, size_t len,
		    struct iov_iter *iter);
struct bio_vec *io_import_fixed_vec(struct io_kiocb *req, int dir,
				    const struct iovec __user *uvec,
				    unsigned long nr, struct iov_iter *iter);
int io_user_iovec(struct io_ring_ctx *ctx, struct iovec *iov,
		  const void __user *uiovs, unsigned int i);

#endif
