// SPDX-License-Identifier: GPL-2.0
/*
 * Provided buffers: memory userspace gives the ring ahead of time, in
 * numbered groups, for requests with IOSQE_BUFFER_SELECT to take from when
 * their data arrives rather than when they are submitted. A group is either
 * a list filled by IORING_OP_PROVIDE_BUFFERS, or a ring of struct
 * io_uring_buf shared with userspace (IORING_REGISTER_PBUF_RING) which
 * userspace fills at the tail and the kernel empties at the head.
 *
 * A request picks its buffer while it is issued. With ctx->uring_lock held
 * the pick is provisional: the request uses the buffer before the lock is
 * dropped (io_buffer_put() commits it) or leaves it where it was
 * (io_buffer_recycle()). Without the lock, in an io-wq worker that may
 * block with it, the buffer is taken out of its group at once.
 *
 * Locking: ctx->uring_lock over the groups and the head of each ring; the
 * xarray's own lock is taken as well for changes, so that mmap() can look
 * a group up without uring_lock.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include <linux/io_uring.h>

#include "uring.h"
#include "opdef.h"
#include "kbuf.h"
#include "memmap.h"

/* Largest buffer ring, as io_uring_register_buf_ring(3) gives it. */
#define IO_PBUF_RING_MAX	32768
#define IO_PBUF_FLAGS		(IOU_PBUF_RING_MMAP | IOU_PBUF_RING_INC)
/* Buffers one PROVIDE_BUFFERS may add: their ids must fit in 16 bits. */
#define IO_PROVIDE_MAX		65536

/* A buffer of a list group. */
struct io_buffer {
	struct list_head	list;
	u64			addr;
	u32			len;
	u16			bid;
};

/**
 * struct io_buf_group - one buffer group
 * @bgid: its id, sqe->buf_group
 * @is_ring: a shared ring, else a list of struct io_buffer
 * @inc: IOU_PBUF_RING_INC: a buffer is used up piece by piece
 * @min_left: with @inc, a buffer with less than this left is used up
 * @bufs: the list's buffers, in the order they are taken
 * @br: the ring, seen through @region's mapping
 * @mask: ring entries - 1
 * @head: the next entry the kernel takes; userspace owns the tail
 * @region: the ring's memory, ours (IOU_PBUF_RING_MMAP) or pinned
 */
struct io_buf_group {
	u16			bgid;
	bool			is_ring;
	bool			inc;
	u32			min_left;
	struct list_head	bufs;
	struct io_uring_buf_ring *br;
	u32			mask;
	u16			head;
	struct io_region	region;
};

/* IORING_OP_PROVIDE_BUFFERS and IORING_OP_REMOVE_BUFFERS */
struct io_provide {
	struct file	*file;
	u64		addr;
	u32		len;
	u32		nr;
	u16		bgid;
	u16		bid;
};

static struct io_buf_group *io_group_find(struct io_ring_ctx *ctx, u16 bgid)
{
	lockdep_assert_held(&ctx->uring_lock);
	return xa_load(&ctx->buf_groups, bgid);
}

static void io_group_free(struct io_buf_group *bg)
{
	struct io_buffer *buf, *tmp;

	/* a group may hold millions of them: let others run meanwhile */
	list_for_each_entry_safe(buf, tmp, &bg->bufs, list) {
		kfree(buf);
		cond_resched();
	}
	io_region_free(&bg->region);
	kfree(bg);
}

/* The entry @off places past the ring's head. */
static struct io_uring_buf *io_ring_entry(struct io_buf_group *bg, u16 off)
{
	return &bg->br->bufs[(u16)(bg->head + off) & bg->mask];
}

static u16 io_ring_avail(struct io_buf_group *bg)
{
	/* entries before the tail store they were published by */
	return smp_load_acquire(&bg->br->tail) - bg->head;
}

static void io_kbuf_lock(struct io_ring_ctx *ctx, unsigned int issue_flags)
{
	if (issue_flags & IO_URING_F_UNLOCKED)
		mutex_lock(&ctx->uring_lock);
}

static void io_kbuf_unlock(struct io_ring_ctx *ctx, unsigned int issue_flags)
{
	if (issue_flags & IO_URING_F_UNLOCKED)
		mutex_unlock(&ctx->uring_lock);
}

/*
 * IOU_PBUF_RING_INC: use the first @used bytes of the ring's head entry,
 * of @len, and leave the rest in place for the next request, unless what
 * is left is below the group's minimum.
 * Return: true if the entry stays (partly used), false if it is used up.
 */
static bool io_ring_use_part(struct io_buf_group *bg, struct io_uring_buf *buf,
			     u32 len, size_t used)
{
	if (!bg->inc || !used || used >= len || len - used < bg->min_left)
		return false;
	WRITE_ONCE(buf->addr, READ_ONCE(buf->addr) + used);
	WRITE_ONCE(buf->len, len - used);
	return true;
}

/*
 * Take back @used bytes' worth of the ring's first entries for a request
 * that selected up to @nr of them (at least one is always taken).
 * Return: IORING_CQE_F_BUF_MORE when the first entry left stays partly
 * used (IOU_PBUF_RING_INC).
 */
static u32 io_ring_consume(struct io_buf_group *bg, unsigned int nr,
			   size_t used)
{
	struct io_uring_buf *buf;
	u32 len;

	do {
		buf = io_ring_entry(bg, 0);
		len = READ_ONCE(buf->len);
		if (io_ring_use_part(bg, buf, len, used))
			return IORING_CQE_F_BUF_MORE;
		bg->head++;
		used -= min_t(size_t, used, len);
	} while (used && --nr);
	return 0;
}

/* The list counterpart of io_ring_consume(); a list has no INC mode. */
static void io_list_consume(struct io_buf_group *bg, unsigned int nr,
			    size_t used)
{
	struct io_buffer *buf;

	do {
		/* the buffers were counted under the lock still held */
		if (WARN_ON_ONCE(list_empty(&bg->bufs)))
			return;
		buf = list_first_entry(&bg->bufs, struct io_buffer, list);
		used -= min_t(size_t, used, buf->len);
		list_del(&buf->list);
		kfree(buf);
	} while (used && --nr);
}

static void __user *io_ring_pick(struct io_kiocb *req, struct io_buf_group *bg,
				 size_t *len, unsigned int issue_flags)
{
	struct io_uring_buf *buf;
	u32 blen;

	if (!io_ring_avail(bg))
		return ERR_PTR(-ENOBUFS);
	buf = io_ring_entry(bg, 0);
	blen = min_t(u32, READ_ONCE(buf->len), MAX_RW_COUNT);
	if (!*len || *len > blen)
		*len = blen;
	req->buf_id = READ_ONCE(buf->bid);
	req->buf_nr = 1;
	req->buf_sel = IO_KBUF_PEEK;
	if (issue_flags & IO_URING_F_UNLOCKED) {
		/*
		 * It may be used long after the lock is gone: take it whole,
		 * RING_INC or not. A piece taken ahead of a transfer that
		 * comes up short, or waits, could not be given back, and the
		 * entry's next CQE would not start where this one ends.
		 */
		bg->head++;
		req->buf_sel = IO_KBUF_TAKEN;
	}
	return u64_to_user_ptr(READ_ONCE(buf->addr));
}

static void __user *io_list_pick(struct io_kiocb *req, struct io_buf_group *bg,
				 size_t *len)
{
	struct io_buffer *buf;

	buf = list_first_entry_or_null(&bg->bufs, struct io_buffer, list);
	if (!buf)
		return ERR_PTR(-ENOBUFS);
	list_del(&buf->list);
	if (!*len || *len > buf->len)
		*len = buf->len;
	req->kbuf = buf;
	req->buf_id = buf->bid;
	req->buf_sel = IO_KBUF_LIST;
	return u64_to_user_ptr(buf->addr);
}

/**
 * io_buffer_select - pick a buffer from the request's group
 * @req: a request with IOSQE_BUFFER_SELECT (group in req->buf_group)
 * @len: in: the most the request wants, 0 for no limit; out: the length
 *	 of the buffer it gets, at most that
 * @issue_flags: as the request is issued
 *
 * The request must then call io_buffer_put() with what it transferred, or
 * io_buffer_recycle() if it will issue again.
 *
 * Return: the buffer's user address, or ERR_PTR(-ENOBUFS) when the group
 * does not exist or is empty.
 */
void __user *io_buffer_select(struct io_kiocb *req, size_t *len,
			      unsigned int issue_flags)
{
	struct io_ring_ctx *ctx = req->ctx;
	struct io_buf_group *bg;
	void __user *ptr = ERR_PTR(-ENOBUFS);

	io_kbuf_lock(ctx, issue_flags);
	bg = io_group_find(ctx, req->buf_group);
	if (bg && bg->is_ring)
		ptr = io_ring_pick(req, bg, len, issue_flags);
	else if (bg)
		ptr = io_list_pick(req, bg, len);
	io_kbuf_unlock(ctx, issue_flags);
	return ptr;
}

/*
 * Add a buffer to a bundle being built in @iov; false when the bundle is
 * complete (@max_len reached).
 */
static bool io_bundle_add(struct iovec *iov, unsigned int *nr, size_t *total,
			  size_t max_len, u64 addr, u32 len)
{
	if (max_len && *total + len > max_len)
		len = max_len - *total;
	iov[*nr].iov_base = u64_to_user_ptr(addr);
	iov[*nr].iov_len = len;
	(*nr)++;
	*total += len;
	return !max_len || *total < max_len;
}

/* A bundle of a list group: its first buffers, left in place. */
static unsigned int io_list_peek(struct io_kiocb *req, struct io_buf_group *bg,
				 struct iovec *iov, unsigned int max_iov,
				 size_t max_len)
{
	struct io_buffer *buf;
	unsigned int nr = 0;
	size_t total = 0;

	list_for_each_entry(buf, &bg->bufs, list) {
		if (!nr)
			req->buf_id = buf->bid;
		if (!io_bundle_add(iov, &nr, &total, max_len, buf->addr, buf->len) ||
		    nr == max_iov)
			break;
	}
	return nr;
}

/* A bundle of a ring group: the entries from its head on. */
static unsigned int io_ring_peek(struct io_kiocb *req, struct io_buf_group *bg,
				 struct iovec *iov, unsigned int max_iov,
				 size_t max_len)
{
	unsigned int i, nr = 0, avail = io_ring_avail(bg);
	size_t total = 0;

	for (i = 0; i < min(avail, max_iov); i++) {
		struct io_uring_buf *buf = io_ring_entry(bg, i);

		if (!i)
			req->buf_id = READ_ONCE(buf->bid);
		if (!io_bundle_add(iov, &nr, &total, max_len, READ_ONCE(buf->addr),
				   READ_ONCE(buf->len)))
			break;
	}
	return nr;
}

/**
 * io_buffers_select - pick up to @max_iov buffers of a group at once
 * @req: a request with IOSQE_BUFFER_SELECT (bundles)
 * @iov: filled with the buffers
 * @max_iov: entries in @iov
 * @max_len: the most bytes wanted, 0 for no limit
 * @issue_flags: as the request is issued
 *
 * Under the ring lock the buffers stay in their group until io_buffer_put()
 * takes those used; without it they are taken at once.
 *
 * Return: the number of buffers, or -ENOBUFS.
 */
int io_buffers_select(struct io_kiocb *req, struct iovec *iov,
		      unsigned int max_iov, size_t max_len,
		      unsigned int issue_flags)
{
	struct io_buf_group *bg;
	unsigned int nr = 0;

	/* one transfer moves at most MAX_RW_COUNT bytes */
	max_len = max_len ? min_t(size_t, max_len, MAX_RW_COUNT) : MAX_RW_COUNT;
	io_kbuf_lock(req->ctx, issue_flags);
	bg = io_group_find(req->ctx, req->buf_group);
	if (bg && bg->is_ring)
		nr = io_ring_peek(req, bg, iov, max_iov, max_len);
	else if (bg)
		nr = io_list_peek(req, bg, iov, max_iov, max_len);
	if (nr) {
		req->buf_nr = nr;
		req->buf_sel = IO_KBUF_PEEK;
		/* without the lock, in io-wq: the buffers are taken at once */
		if (issue_flags & IO_URING_F_UNLOCKED)
			io_buffer_keep(req);
	}
	io_kbuf_unlock(req->ctx, issue_flags);
	return nr ?: -ENOBUFS;
}

/**
 * io_buffers_left - does the request's ring group have buffers ready?
 * @req: a request with IOSQE_BUFFER_SELECT
 *
 * Context: ctx->uring_lock held.
 * Return: true if its group has at least one buffer to hand out.
 */
bool io_buffers_left(struct io_kiocb *req)
{
	struct io_buf_group *bg = io_group_find(req->ctx, req->buf_group);

	lockdep_assert_held(&req->ctx->uring_lock);
	if (!bg)
		return false;
	return bg->is_ring ? io_ring_avail(bg) : !list_empty(&bg->bufs);
}

static u32 io_buffer_cflags(struct io_kiocb *req)
{
	return IORING_CQE_F_BUFFER | ((u32)req->buf_id << IORING_CQE_BUFFER_SHIFT);
}

/* Put a list buffer back at the front of its group, or free it. */
static void io_list_return(struct io_kiocb *req)
{
	struct io_buf_group *bg = io_group_find(req->ctx, req->buf_group);

	if (bg && !bg->is_ring)
		list_add(&req->kbuf->list, &bg->bufs);
	else
		kfree(req->kbuf);
	req->kbuf = NULL;
}

/**
 * io_buffer_recycle - give back an unused selected buffer
 * @req: the request, which will pick again when it is issued again
 * @issue_flags: as the request is issued
 *
 * A buffer already taken out of its ring stays taken: the request keeps
 * it for its next try.
 */
void io_buffer_recycle(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_ring_ctx *ctx = req->ctx;

	switch (req->buf_sel) {
	case IO_KBUF_LIST:
		io_kbuf_lock(ctx, issue_flags);
		io_list_return(req);
		io_kbuf_unlock(ctx, issue_flags);
		break;
	case IO_KBUF_PEEK:
		/* nothing was moved: the entries are still at the head */
		break;
	default:
		return;
	}
	req->buf_sel = IO_KBUF_NONE;
}

/**
 * io_buffer_keep - make a provisional ring pick the request's for good
 * @req: a request that goes on using its buffer after the lock is dropped
 *
 * Context: ctx->uring_lock held, as when the buffer was picked.
 */
void io_buffer_keep(struct io_kiocb *req)
{
	struct io_buf_group *bg;

	if (req->buf_sel != IO_KBUF_PEEK)
		return;
	lockdep_assert_held(&req->ctx->uring_lock);
	bg = io_group_find(req->ctx, req->buf_group);
	/* picked under this same hold of the lock: the group is still there */
	if (!WARN_ON_ONCE(!bg)) {
		if (bg->is_ring)
			bg->head += req->buf_nr;
		else
			io_list_consume(bg, req->buf_nr, SIZE_MAX);
	}
	req->buf_sel = IO_KBUF_TAKEN;
}

/*
 * A transfer of nothing hands its pick back. At EOF, a RING_INC entry's
 * CQE still names it, with IORING_CQE_F_BUF_MORE: it is there for more.
 */
static u32 io_buffer_put_nothing(struct io_kiocb *req, int res,
				 unsigned int issue_flags)
{
	struct io_buf_group *bg;
	u32 cflags = 0;

	if (!res && req->buf_sel == IO_KBUF_PEEK) {
		/* still under the lock the selection was made with */
		bg = io_group_find(req->ctx, req->buf_group);
		if (bg && bg->inc)
			cflags = io_buffer_cflags(req) | IORING_CQE_F_BUF_MORE;
	}
	io_buffer_recycle(req, issue_flags);
	return cflags;
}

/**
 * io_buffer_put - settle the selected buffer(s) after a transfer
 * @req: the request
 * @res: bytes transferred, or -errno
 * @issue_flags: as the request is issued
 *
 * A transfer of nothing (an error, or EOF) hands back what it selected,
 * unless it was taken from its ring already; an EOF still names a
 * RING_INC entry (io_buffer_put_nothing()).
 *
 * Return: the CQE flags naming the buffer, or 0 when none was used.
 */
u32 io_buffer_put(struct io_kiocb *req, int res, unsigned int issue_flags)
{
	struct io_ring_ctx *ctx = req->ctx;
	struct io_buf_group *bg;
	u32 cflags = 0;

	if (req->buf_sel == IO_KBUF_NONE)
		return 0;
	if (res <= 0 && req->buf_sel != IO_KBUF_TAKEN)
		return io_buffer_put_nothing(req, res, issue_flags);
	cflags = io_buffer_cflags(req);
	switch (req->buf_sel) {
	case IO_KBUF_LIST:
		kfree(req->kbuf);
		req->kbuf = NULL;
		break;
	case IO_KBUF_PEEK:
		/* still under the lock the selection was made with */
		bg = io_group_find(ctx, req->buf_group);
		if (WARN_ON_ONCE(!bg))
			break;
		if (bg->is_ring)
			cflags |= io_ring_consume(bg, req->buf_nr, res);
		else
			io_list_consume(bg, req->buf_nr, res);
		break;
	}
	req->buf_sel = IO_KBUF_NONE;
	return cflags;
}

/**
 * io_buffer_drop - at request free: give back a buffer still selected
 * @req: the request
 *
 * Context: ctx->uring_lock held.
 */
void io_buffer_drop(struct io_kiocb *req)
{
	lockdep_assert_held(&req->ctx->uring_lock);
	if (req->buf_sel == IO_KBUF_LIST)
		io_list_return(req);
	req->buf_sel = IO_KBUF_NONE;
}

static int io_provide_prep_common(struct io_provide *p,
				  const struct io_uring_sqe *sqe)
{
	p->nr = READ_ONCE(sqe->fd);
	p->bgid = READ_ONCE(sqe->buf_group);
	if (!p->nr)
		return -EINVAL;
	if (p->nr > IO_PROVIDE_MAX)
		return -E2BIG;
	if (READ_ONCE(sqe->rw_flags) || READ_ONCE(sqe->splice_fd_in))
		return -EINVAL;
	return 0;
}

int io_remove_buffers_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	struct io_provide *p = io_kiocb_to_cmd(req, struct io_provide);

	if (READ_ONCE(sqe->addr) || READ_ONCE(sqe->len) || READ_ONCE(sqe->off))
		return -EINVAL;
	return io_provide_prep_common(p, sqe);
}

/* REMOVE_BUFFERS: res is how many were removed. */
int io_remove_buffers(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_provide *p = io_kiocb_to_cmd(req, struct io_provide);
	struct io_buf_group *bg = io_group_find(req->ctx, p->bgid);
	struct io_buffer *buf;
	u32 nr = 0;

	if (!bg)
		return -ENOENT;
	if (bg->is_ring)
		return -EINVAL;
	while (nr < p->nr && !list_empty(&bg->bufs)) {
		buf = list_first_entry(&bg->bufs, struct io_buffer, list);
		list_del(&buf->list);
		kfree(buf);
		nr++;
		cond_resched();
	}
	req->res = nr;
	return 0;
}

int io_provide_buffers_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	struct io_provide *p = io_kiocb_to_cmd(req, struct io_provide);
	u64 size;
	int ret;

	ret = io_provide_prep_common(p, sqe);
	if (ret)
		return ret;
	p->addr = READ_ONCE(sqe->addr);
	p->len = READ_ONCE(sqe->len);
	if (READ_ONCE(sqe->off) >= IO_PROVIDE_MAX)
		return -E2BIG;
	p->bid = READ_ONCE(sqe->off);
	if (p->bid + (u64)p->nr > IO_PROVIDE_MAX)
		return -EINVAL;
	if (check_mul_overflow((u64)p->len, (u64)p->nr, &size) ||
	    p->addr + size < p->addr)
		return -EOVERFLOW;
	if (!access_ok(u64_to_user_ptr(p->addr), size))
		return -EFAULT;
	return 0;
}

/* Insert @bg under @bgid. Context: ctx->uring_lock held. */
static int io_group_insert(struct io_ring_ctx *ctx, struct io_buf_group *bg)
{
	return xa_err(xa_store(&ctx->buf_groups, bg->bgid, bg, GFP_KERNEL_ACCOUNT));
}

static struct io_buf_group *io_group_new(u16 bgid)
{
	struct io_buf_group *bg = kzalloc(sizeof(*bg), GFP_KERNEL_ACCOUNT);

	if (!bg)
		return NULL;
	bg->bgid = bgid;
	INIT_LIST_HEAD(&bg->bufs);
	return bg;
}

/* PROVIDE_BUFFERS: the buffers are added after those the group has. */
int io_provide_buffers(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_provide *p = io_kiocb_to_cmd(req, struct io_provide);
	struct io_ring_ctx *ctx = req->ctx;
	struct io_buf_group *bg = io_group_find(ctx, p->bgid);
	struct io_buffer *buf;
	u32 i;

	if (bg && bg->is_ring)
		return -EEXIST;
	if (!bg) {
		bg = io_group_new(p->bgid);
		if (!bg)
			return -ENOMEM;
		if (io_group_insert(ctx, bg)) {
			kfree(bg);
			return -ENOMEM;
		}
	}
	for (i = 0; i < p->nr; i++) {
		buf = kmalloc(sizeof(*buf), GFP_KERNEL_ACCOUNT);
		if (!buf)
			return -ENOMEM;
		buf->addr = p->addr + (u64)i * p->len;
		buf->len = min_t(u32, p->len, MAX_RW_COUNT);
		buf->bid = p->bid + i;
		list_add_tail(&buf->list, &bg->bufs);
		cond_resched();
	}
	req->res = 0;
	return 0;
}

static int io_pbuf_copy_reg(void __user *arg, struct io_uring_buf_reg *reg)
{
	if (copy_from_user(reg, arg, sizeof(*reg)))
		return -EFAULT;
	if (memchr_inv(reg->resv, 0, sizeof(reg->resv)))
		return -EINVAL;
	return 0;
}

/*
 * IORING_REGISTER_PBUF_RING. A list group may only be replaced while it
 * is empty.
 */
int io_register_pbuf_ring(struct io_ring_ctx *ctx, void __user *arg)
{
	struct io_uring_buf_reg reg;
	struct io_buf_group *bg, *old;
	size_t size;
	int ret;

	ret = io_pbuf_copy_reg(arg, &reg);
	if (ret)
		return ret;
	if (reg.flags & ~IO_PBUF_FLAGS)
		return -EINVAL;
	/* a minimum left in a buffer means something for RING_INC only */
	if (reg.min_left && !(reg.flags & IOU_PBUF_RING_INC))
		return -EINVAL;
	if (!is_power_of_2(reg.ring_entries) || reg.ring_entries > IO_PBUF_RING_MAX)
		return -EINVAL;
	if ((reg.flags & IOU_PBUF_RING_MMAP) && reg.ring_addr)
		return -EINVAL;
	old = io_group_find(ctx, reg.bgid);
	if (old && (old->is_ring || !list_empty(&old->bufs)))
		return -EEXIST;
	bg = io_group_new(reg.bgid);
	if (!bg)
		return -ENOMEM;
	size = reg.ring_entries * sizeof(struct io_uring_buf);
	if (reg.flags & IOU_PBUF_RING_MMAP)
		ret = io_region_alloc(&bg->region, size);
	else
		ret = io_region_pin(&bg->region, reg.ring_addr, size);
	if (!ret)
		ret = io_group_insert(ctx, bg);
	if (ret) {
		io_group_free(bg);
		return ret;
	}
	bg->is_ring = true;
	bg->inc = reg.flags & IOU_PBUF_RING_INC;
	bg->min_left = max(reg.min_left, 1U);
	bg->br = bg->region.ptr;
	bg->mask = reg.ring_entries - 1;
	if (old)
		io_group_free(old);
	return 0;
}

/* IORING_UNREGISTER_PBUF_RING */
int io_unregister_pbuf_ring(struct io_ring_ctx *ctx, void __user *arg)
{
	struct io_uring_buf_reg reg;
	struct io_buf_group *bg;
	int ret;

	ret = io_pbuf_copy_reg(arg, &reg);
	if (ret)
		return ret;
	if (reg.flags)
		return -EINVAL;
	bg = io_group_find(ctx, reg.bgid);
	if (!bg)
		return -ENOENT;
	if (!bg->is_ring)
		return -EINVAL;
	/* a mapping of it keeps its pages; mmap() finds the group no more */
	xa_erase(&ctx->buf_groups, reg.bgid);
	io_group_free(bg);
	return 0;
}

/* IORING_REGISTER_PBUF_STATUS: where the kernel's head is. */
int io_register_pbuf_status(struct io_ring_ctx *ctx, void __user *arg)
{
	struct io_uring_buf_status st;
	struct io_buf_group *bg;

	if (copy_from_user(&st, arg, sizeof(st)))
		return -EFAULT;
	if (memchr_inv(st.resv, 0, sizeof(st.resv)))
		return -EINVAL;
	if (st.buf_group > U16_MAX)
		return -ENOENT;
	bg = io_group_find(ctx, st.buf_group);
	if (!bg)
		return -ENOENT;
	if (!bg->is_ring)
		return -EINVAL;
	st.head = bg->head;
	return copy_to_user(arg, &st, sizeof(st)) ? -EFAULT : 0;
}

/**
 * io_pbuf_mmap - map a kernel-allocated buffer ring (IOU_PBUF_RING_MMAP)
 * @ctx: the ring
 * @vma: the mapping; its offset carries the group id
 *
 * Runs under mmap_lock, so without uring_lock (taken around pinning, which
 * takes mmap_lock): the group is found under the xarray's lock and its
 * pages held while they are mapped. Unregistering the group later leaves
 * them to the mapping.
 *
 * Return: 0 or -errno.
 */
int io_pbuf_mmap(struct io_ring_ctx *ctx, struct vm_area_struct *vma)
{
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT;
	unsigned long bgid = (off & ~IORING_OFF_MMAP_MASK) >> IORING_OFF_PBUF_SHIFT;
	struct page **pages = NULL;
	struct io_buf_group *bg;
	unsigned int i, nr = 0;
	int ret;

	xa_lock(&ctx->buf_groups);
	bg = xa_load(&ctx->buf_groups, bgid);
	if (bg && bg->is_ring && !bg->region.user) {
		nr = bg->region.nr_pages;
		pages = kmalloc_array(nr, sizeof(*pages), GFP_ATOMIC);
		for (i = 0; pages && i < nr; i++) {
			pages[i] = bg->region.pages[i];
			get_page(pages[i]);
		}
	}
	xa_unlock(&ctx->buf_groups);
	if (!pages)
		return nr ? -ENOMEM : -EINVAL;
	ret = -EINVAL;
	if (vma_pages(vma) <= nr) {
		vm_flags_set(vma, VM_DONTEXPAND);
		ret = vm_map_pages_zero(vma, pages, nr);
	}
	for (i = 0; i < nr; i++)
		put_page(pages[i]);
	kfree(pages);
	return ret;
}

/* Ring teardown. */
void io_buf_groups_free(struct io_ring_ctx *ctx)
{
	struct io_buf_group *bg;
	unsigned long index;

	xa_for_each(&ctx->buf_groups, index, bg) {
		xa_erase(&ctx->buf_groups, index);
		io_group_free(bg);
	}
	xa_destroy(&ctx->buf_groups);
}
