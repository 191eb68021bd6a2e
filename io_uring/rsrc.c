// SPDX-License-Identifier: GPL-2.0
/*
 * Registered files and buffers (see rsrc.h for the reference rules).
 *
 * Tables change only under ctx->uring_lock; requests look slots up under
 * it too, at prep, and from then on hold their own reference on what they
 * found. Pinned buffer pages are charged to the locked_vm of the ring
 * creator's user, against the registering task's RLIMIT_MEMLOCK (unless
 * the creator had CAP_IPC_LOCK), and to the creator's mm's pinned_vm,
 * a large folio once however many buffers use it; a buffer is described
 * one page per bio_vec, never merged, so no page is ever reached through
 * a neighbour it only happened to follow.
 */
#include <linux/kernel.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sched/user.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <linux/uaccess.h>
#include <linux/nospec.h>
#include <linux/compat.h>
#include <linux/capability.h>
#include <linux/overflow.h>
#include <linux/io_uring.h>

#include "uring.h"
#include "rsrc.h"
#include "opdef.h"
#include "complete.h"
#include "tctx.h"
#include "tw.h"

/* Largest tables, as the io_uring_register(2) man page gives them. */
#define IO_MAX_FIXED_FILES	BIT(20)
#define IO_MAX_REG_BUFFERS	BIT(14)
#define IO_MAX_BUF_SIZE		SZ_1G

/**
 * struct io_mapped_buf - a registered buffer, pinned
 * @refs: one per table slot holding it (a cloned table shares it)
 * @acct: whom its pages are charged to; NULL until they are
 * @small_pages: its pages outside large folios, charged one by one
 * @uaddr: its user address, which READ_FIXED/WRITE_FIXED addresses use
 * @len: its length
 * @nr_bvecs: entries in @bvec
 * @bvec: one per page: the first starts at the buffer's offset in its
 *	  page, every other one at offset 0 and all but the last are full
 *	  pages, so a buffer offset maps to an entry by arithmetic
 */
struct io_mapped_buf {
	refcount_t		refs;
	struct io_pin_acct	*acct;
	unsigned long		small_pages;
	u64			uaddr;
	size_t			len;
	unsigned int		nr_bvecs;
	struct bio_vec		bvec[] __counted_by(nr_bvecs);
};

static struct io_rsrc *io_rsrc_new(struct io_ring_ctx *ctx, u64 tag)
{
	struct io_rsrc *rsrc = kzalloc(sizeof(*rsrc), GFP_KERNEL_ACCOUNT);

	if (rsrc) {
		refcount_set(&rsrc->refs, 1);
		rsrc->ctx = ctx;
		rsrc->tag = tag;
	}
	return rsrc;
}

/*
 * Memory accounting of pinned pages. A ring's buffers are charged to one
 * struct io_pin_acct, the user and mm of the ring's creator, whoever
 * registers them; buffers cloned into other rings keep charging it. A
 * small page is charged per buffer page; a large folio once, when the
 * first buffer pins it, and uncharged when the last one lets go (@folios
 * counts the pins), so replacing or dropping one of several buffers in the
 * same huge page leaves it charged for the others.
 */
struct io_pin_acct {
	refcount_t		refs;		/* the ring's and one per buffer */
	struct user_struct	*user;		/* NULL with CAP_IPC_LOCK */
	struct mm_struct	*mm;
	struct mutex		lock;		/* over @folios */
	struct xarray		folios;		/* pfn -> pins, as xa_mk_value() */
};

static struct io_pin_acct *io_pin_acct_get(struct io_ring_ctx *ctx)
{
	struct io_pin_acct *acct = ctx->pin_acct;

	if (!acct) {
		acct = kzalloc(sizeof(*acct), GFP_KERNEL_ACCOUNT);
		if (!acct)
			return NULL;
		refcount_set(&acct->refs, 1);
		/* the ring's creator pays, whoever registers */
		if (!ctx->pin_exempt)
			acct->user = get_uid(ctx->creds->user);
		acct->mm = ctx->mm_account;
		mmgrab(acct->mm);
		mutex_init(&acct->lock);
		xa_init(&acct->folios);
		ctx->pin_acct = acct;
	}
	refcount_inc(&acct->refs);
	return acct;
}

static void io_pin_acct_put(struct io_pin_acct *acct)
{
	if (!acct || !refcount_dec_and_test(&acct->refs))
		return;
	xa_destroy(&acct->folios);
	if (acct->user)
		free_uid(acct->user);
	mmdrop(acct->mm);
	kfree(acct);
}

static int io_acct_charge(struct io_pin_acct *acct, unsigned long nr)
{
	unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	unsigned long cur;

	if (!nr)
		return 0;
	if (acct->user) {
		cur = atomic_long_read(&acct->user->locked_vm);
		do {
			if (cur + nr > limit)
				return -ENOMEM;
		} while (!atomic_long_try_cmpxchg(&acct->user->locked_vm,
						  &cur, cur + nr));
	}
	atomic64_add(nr, &acct->mm->pinned_vm);
	return 0;
}

static void io_acct_uncharge(struct io_pin_acct *acct, unsigned long nr)
{
	if (acct->user)
		atomic_long_sub(nr, &acct->user->locked_vm);
	atomic64_sub(nr, &acct->mm->pinned_vm);
}

/* One more pin of a large folio: charged if it is the first. */
static int io_acct_folio_get(struct io_pin_acct *acct, struct folio *folio)
{
	unsigned long pfn = folio_pfn(folio);
	void *old = xa_load(&acct->folios, pfn);
	unsigned long pins = old ? xa_to_value(old) : 0;
	int ret;

	if (!pins) {
		ret = io_acct_charge(acct, folio_nr_pages(folio));
		if (ret)
			return ret;
	}
	ret = xa_err(xa_store(&acct->folios, pfn, xa_mk_value(pins + 1),
			      GFP_KERNEL_ACCOUNT));
	if (ret && !pins)
		io_acct_uncharge(acct, folio_nr_pages(folio));
	return ret;
}

static void io_acct_folio_put(struct io_pin_acct *acct, struct folio *folio)
{
	unsigned long pfn = folio_pfn(folio);
	unsigned long pins = xa_to_value(xa_load(&acct->folios, pfn));

	/* puts follow their gets folio by folio: an uncharged one is a bug */
	if (WARN_ON_ONCE(!pins))
		return;
	if (pins > 1) {
		/* the entry exists: replacing it allocates nothing */
		xa_store(&acct->folios, pfn, xa_mk_value(pins - 1), GFP_NOWAIT);
		return;
	}
	xa_erase(&acct->folios, pfn);
	io_acct_uncharge(acct, folio_nr_pages(folio));
}

/* Drop the folio pins of the first @nr_pages pages of @buf (runs count once). */
static void io_buf_folios_put(struct io_mapped_buf *buf, unsigned int nr_pages)
{
	struct folio *folio, *prev = NULL;
	unsigned int i;

	for (i = 0; i < nr_pages; i++) {
		folio = page_folio(buf->bvec[i].bv_page);
		if (!folio_test_large(folio) || folio == prev)
			continue;
		prev = folio;
		io_acct_folio_put(buf->acct, folio);
	}
}

/* Charge @buf's pages to @acct; on failure nothing stays charged. */
static int io_buf_charge(struct io_mapped_buf *buf, struct io_pin_acct *acct)
{
	struct folio *folio, *prev = NULL;
	unsigned int i;
	int ret = 0;

	buf->acct = acct;
	buf->small_pages = 0;
	for (i = 0; i < buf->nr_bvecs; i++)
		if (!folio_test_large(page_folio(buf->bvec[i].bv_page)))
			buf->small_pages++;
	mutex_lock(&acct->lock);
	ret = io_acct_charge(acct, buf->small_pages);
	for (i = 0; !ret && i < buf->nr_bvecs; i++) {
		folio = page_folio(buf->bvec[i].bv_page);
		if (!folio_test_large(folio) || folio == prev)
			continue;
		prev = folio;
		ret = io_acct_folio_get(acct, folio);
		if (ret) {
			io_buf_folios_put(buf, i);
			io_acct_uncharge(acct, buf->small_pages);
		}
	}
	mutex_unlock(&acct->lock);
	if (ret) {
		buf->acct = NULL;
		io_pin_acct_put(acct);
	}
	return ret;
}

static void io_buf_uncharge(struct io_mapped_buf *buf)
{
	struct io_pin_acct *acct = buf->acct;

	mutex_lock(&acct->lock);
	io_buf_folios_put(buf, buf->nr_bvecs);
	io_acct_uncharge(acct, buf->small_pages);
	mutex_unlock(&acct->lock);
	io_pin_acct_put(acct);
}

static void io_mapped_buf_put(struct io_mapped_buf *buf)
{
	unsigned int i;

	if (!refcount_dec_and_test(&buf->refs))
		return;
	if (buf->acct)
		io_buf_uncharge(buf);
	for (i = 0; i < buf->nr_bvecs; i++)
		unpin_user_page(buf->bvec[i].bv_page);
	kvfree(buf);
}

/**
 * io_rsrc_put - drop a reference on a registered file or buffer
 * @rsrc: it
 *
 * The last one releases it and posts its tag.
 *
 * Context: process context; not under ctx->cq_lock.
 */
static void io_rsrc_put(struct io_rsrc *rsrc)
{
	struct io_ring_ctx *ctx = rsrc->ctx;

	if (!refcount_dec_and_test(&rsrc->refs))
		return;
	if (rsrc->is_buf)
		io_mapped_buf_put(rsrc->buf);
	else
		fput(rsrc->file);
	if (rsrc->tag) {
		io_cq_lock(ctx);
		io_post_cqe(ctx, rsrc->tag, 0, 0, NULL);
		io_cq_unlock_post(ctx);
	}
	kfree(rsrc);
}

/* Empty slot @i of @t; what was there goes when its last user does. */
static void io_slot_clear(struct io_rsrc_table *t, unsigned int i)
{
	struct io_rsrc *rsrc = t->slots[i];

	t->slots[i] = NULL;
	if (rsrc)
		io_rsrc_put(rsrc);
}

static int io_table_alloc(struct io_rsrc_table *t, unsigned int nr)
{
	t->slots = kvcalloc(nr, sizeof(*t->slots), GFP_KERNEL_ACCOUNT);
	if (!t->slots)
		return -ENOMEM;
	t->nr = nr;
	return 0;
}

/* Drop a whole table; @tags: post the tags of what it held. */
static void io_table_free(struct io_rsrc_table *t, bool tags)
{
	unsigned int i;

	for (i = 0; i < t->nr; i++) {
		if (t->slots[i] && !tags)
			t->slots[i]->tag = 0;
		io_slot_clear(t, i);
	}
	kvfree(t->slots);
	t->slots = NULL;
	t->nr = 0;
}

/**
 * io_rsrc_free_all - ring teardown: drop both tables
 * @ctx: the ring, with no request left
 *
 * No tag is posted: nobody will read them.
 */
void io_rsrc_free_all(struct io_ring_ctx *ctx)
{
	/* users are requests, and none is left */
	WARN_ON_ONCE(ctx->file_users || ctx->buf_users);
	io_table_free(&ctx->files, false);
	io_table_free(&ctx->bufs, false);
	io_pin_acct_put(ctx->pin_acct);
	ctx->pin_acct = NULL;
}

/* Fixed files */

static int io_file_slot_set(struct io_ring_ctx *ctx, unsigned int i,
			    struct file *file, u64 tag)
{
	struct io_rsrc *rsrc;

	if (io_is_uring_fops(file)) {
		fput(file);
		return -EBADF;
	}
	rsrc = io_rsrc_new(ctx, tag);
	if (!rsrc) {
		fput(file);
		return -ENOMEM;
	}
	rsrc->file = file;
	io_slot_clear(&ctx->files, i);
	ctx->files.slots[i] = rsrc;
	return 0;
}

/* Put @fd (or nothing, for -1) in slot @i, with @tag. */
static int io_file_slot_update(struct io_ring_ctx *ctx, unsigned int i, int fd,
			       u64 tag)
{
	struct file *file;

	if (fd == -1) {
		if (tag)
			return -EINVAL;
		io_slot_clear(&ctx->files, i);
		return 0;
	}
	file = fget(fd);
	if (!file)
		return -EBADF;
	return io_file_slot_set(ctx, i, file, tag);
}

static int io_files_check_nr(unsigned int nr)
{
	if (!nr || nr > IO_MAX_FIXED_FILES)
		return -EINVAL;
	if (nr > rlimit(RLIMIT_NOFILE))
		return -EMFILE;
	return 0;
}

/* Fill the new file table from @data, an array of fds (NULL: all empty). */
static int io_files_fill(struct io_ring_ctx *ctx, const void __user *data,
			 const u64 __user *tags)
{
	const s32 __user *fds = data;
	unsigned int i;
	u64 tag = 0;
	s32 fd = -1;
	int ret;

	for (i = 0; i < ctx->files.nr; i++) {
		if (fds && get_user(fd, &fds[i]))
			return -EFAULT;
		if (tags && get_user(tag, &tags[i]))
			return -EFAULT;
		/* a sparse table may be asked for with -1 or, in v2, no data */
		if (fd == -1 && tag)
			return -EINVAL;
		if (fd == -1)
			continue;
		ret = io_file_slot_update(ctx, i, fd, tag);
		if (ret)
			return ret;
		if (task_sigpending(current))
			return -EINTR;
	}
	return 0;
}

/*
 * The arguments of a register call: an array and its length, or (@v2) a
 * struct io_uring_rsrc_register of @size bytes.
 */
static int io_rsrc_register_args(void __user *arg, unsigned int size, bool v2,
				 struct io_uring_rsrc_register *rr)
{
	if (!v2) {
		*rr = (struct io_uring_rsrc_register){
			.nr = size, .data = (u64)(uintptr_t)arg,
		};
		return arg ? 0 : -EFAULT;
	}
	if (size != sizeof(*rr))
		return -EINVAL;
	if (copy_from_user(rr, arg, sizeof(*rr)))
		return -EFAULT;
	if (rr->resv2 || (rr->flags & ~IORING_RSRC_REGISTER_SPARSE))
		return -EINVAL;
	if ((rr->flags & IORING_RSRC_REGISTER_SPARSE) && (rr->data || rr->tags))
		return -EINVAL;
	return 0;
}

/*
 * IORING_REGISTER_FILES(2) and BUFFERS(2) into the empty table @t:
 * @check_nr vets the number of slots asked for, @fill fills them from the
 * user's array and tags. Nothing stays registered on failure.
 */
static int io_table_register(struct io_ring_ctx *ctx, struct io_rsrc_table *t,
			     void __user *arg, unsigned int nr_args, bool v2,
			     int (*check_nr)(unsigned int nr),
			     int (*fill)(struct io_ring_ctx *ctx,
					 const void __user *data,
					 const u64 __user *tags))
{
	struct io_uring_rsrc_register rr;
	int ret;

	ret = io_rsrc_register_args(arg, nr_args, v2, &rr);
	if (ret)
		return ret;
	if (t->nr)
		return -EBUSY;
	ret = check_nr(rr.nr);
	if (ret)
		return ret;
	ret = io_table_alloc(t, rr.nr);
	if (ret)
		return ret;
	ret = fill(ctx, u64_to_user_ptr(rr.data), u64_to_user_ptr(rr.tags));
	if (ret)
		io_table_free(t, false);
	return ret;
}

/**
 * io_register_files - IORING_REGISTER_FILES and IORING_REGISTER_FILES2
 * @ctx: the ring
 * @arg: an array of fds (-1: empty slot), or a struct io_uring_rsrc_register
 * @nr_args: the number of fds, or the size of the struct
 * @v2: @arg is the struct
 *
 * Context: ctx->uring_lock held.
 * Return: 0 or -errno; nothing stays registered on failure.
 */
int io_register_files(struct io_ring_ctx *ctx, void __user *arg,
		      unsigned int nr_args, bool v2)
{
	int ret;

	lockdep_assert_held(&ctx->uring_lock);
	ret = io_table_register(ctx, &ctx->files, arg, nr_args, v2,
				io_files_check_nr, io_files_fill);
	if (ret)
		return ret;
	ctx->file_alloc_start = 0;
	ctx->file_alloc_end = ctx->files.nr;
	ctx->file_alloc_hint = 0;
	return 0;
}

/*
 * ctx->file_users and ctx->buf_users change under ctx->uring_lock;
 * io_rsrc_quiesce() also reads them while it sleeps without it.
 */
static void io_users_inc(unsigned int *users)
{
	WRITE_ONCE(*users, *users + 1);
}

static void io_users_dec(struct io_ring_ctx *ctx, unsigned int *users)
{
	WRITE_ONCE(*users, *users - 1);
	/* the count before the check; pairs with the waiter's set_current_state() */
	if (!*users && wq_has_sleeper(&ctx->rsrc_wait))
		wake_up_all(&ctx->rsrc_wait);
}

/**
 * io_req_rsrc_put - a request is freed: drop what it took from the tables
 * @req: the request
 *
 * Context: ctx->uring_lock held.
 */
void io_req_rsrc_put(struct io_kiocb *req)
{
	struct io_ring_ctx *ctx = req->ctx;

	lockdep_assert_held(&ctx->uring_lock);
	if (req->rsrc_file) {
		io_rsrc_put(req->rsrc_file);
		io_users_dec(ctx, &ctx->file_users);
	}
	if (req->rsrc_buf) {
		io_rsrc_put(req->rsrc_buf);
		io_users_dec(ctx, &ctx->buf_users);
	}
}

/*
 * Unregistering a table returns once no request uses what it held, so
 * that the caller may reuse its buffers and files: completions may have
 * to run in this very task, so run them while waiting.
 */
static int io_rsrc_quiesce(struct io_ring_ctx *ctx, unsigned int *users)
{
	while (*users) {
		if (task_sigpending(current))
			return -EINTR;
		mutex_unlock(&ctx->uring_lock);
		io_run_completions();
		wait_event_interruptible_timeout(ctx->rsrc_wait,
						 !READ_ONCE(*users), HZ / 20);
		mutex_lock(&ctx->uring_lock);
	}
	return 0;
}

/* Unregister @t once no request holds anything of its kind (@users). */
static int io_table_unregister(struct io_ring_ctx *ctx, struct io_rsrc_table *t,
			       unsigned int *users)
{
	int ret;

	if (!t->nr)
		return -ENXIO;
	ret = io_rsrc_quiesce(ctx, users);
	if (ret)
		return ret;
	/* the lock was dropped: someone else may have unregistered it */
	if (!t->nr)
		return -ENXIO;
	io_table_free(t, true);
	return 0;
}

/**
 * io_unregister_files - IORING_UNREGISTER_FILES
 * @ctx: the ring
 *
 * Waits until no request uses a registered file.
 *
 * Context: ctx->uring_lock held; dropped and retaken while waiting.
 * Return: 0, -ENXIO if no files are registered, -EINTR on a signal (the
 * table stays).
 */
int io_unregister_files(struct io_ring_ctx *ctx)
{
	lockdep_assert_held(&ctx->uring_lock);
	return io_table_unregister(ctx, &ctx->files, &ctx->file_users);
}

/* Lock the ring unless the caller (issue_flags) already holds it. */
static void io_ring_lock_cond(struct io_ring_ctx *ctx, unsigned int issue_flags)
{
	if (issue_flags & IO_URING_F_UNLOCKED)
		mutex_lock(&ctx->uring_lock);
	lockdep_assert_held(&ctx->uring_lock);
}

static void io_ring_unlock_cond(struct io_ring_ctx *ctx, unsigned int issue_flags)
{
	if (issue_flags & IO_URING_F_UNLOCKED)
		mutex_unlock(&ctx->uring_lock);
}

/* A free slot in the allocation range, searched from where the last ended. */
static int io_file_slot_alloc(struct io_ring_ctx *ctx)
{
	unsigned int start = ctx->file_alloc_start, end = ctx->file_alloc_end;
	unsigned int hint = ctx->file_alloc_hint, i, n;

	if (hint < start || hint >= end)
		hint = start;
	for (n = 0; n < end - start; n++) {
		i = hint + n < end ? hint + n : hint + n - (end - start);
		if (!ctx->files.slots[i]) {
			ctx->file_alloc_hint = i + 1;
			return i;
		}
	}
	return -ENFILE;
}

/**
 * io_fixed_fd_install - put a file a request opened into a fixed slot
 * @req: the request (OPENAT, ACCEPT, SOCKET, ... with a file_index)
 * @issue_flags: as the request was issued with
 * @file: the file; its reference is consumed in every case
 * @file_slot: the SQE's file_index: slot + 1, or IORING_FILE_INDEX_ALLOC
 *
 * A file already in the slot is replaced.
 *
 * Return: 0, the slot chosen for IORING_FILE_INDEX_ALLOC, or -ENXIO (no
 * table), -EINVAL (slot out of range), -ENFILE (no free slot, or no table
 * to allocate from), -EBADF.
 */
int io_fixed_fd_install(struct io_kiocb *req, unsigned int issue_flags,
			struct file *file, unsigned int file_slot)
{
	int ret;

	if (!(issue_flags & IO_URING_F_UNLOCKED))
		return io_fixed_fd_install_ctx(req->ctx, file, file_slot);
	mutex_lock(&req->ctx->uring_lock);
	ret = io_fixed_fd_install_ctx(req->ctx, file, file_slot);
	mutex_unlock(&req->ctx->uring_lock);
	return ret;
}

/**
 * io_fixed_fd_install_ctx - io_fixed_fd_install() into any ring
 * @ctx: the ring; the caller holds its uring_lock (MSG_RING's target)
 * @file: the file; its reference is consumed in every case
 * @file_slot: slot + 1, or IORING_FILE_INDEX_ALLOC
 *
 * Return: as io_fixed_fd_install().
 */
int io_fixed_fd_install_ctx(struct io_ring_ctx *ctx, struct file *file,
			    unsigned int file_slot)
{
	bool alloc = file_slot == IORING_FILE_INDEX_ALLOC;
	int slot, ret;

	lockdep_assert_held(&ctx->uring_lock);
	/* no table has no free slot either */
	if (alloc)
		slot = ctx->files.nr ? io_file_slot_alloc(ctx) : -ENFILE;
	else if (!ctx->files.nr)
		slot = -ENXIO;
	else if (!file_slot || file_slot > ctx->files.nr)
		slot = -EINVAL;
	else
		slot = array_index_nospec(file_slot - 1, ctx->files.nr);
	if (slot < 0) {
		fput(file);
		return slot;
	}
	ret = io_file_slot_set(ctx, slot, file, 0);
	return (!ret && alloc) ? slot : ret;
}

/* The two slots a pair goes to: both free, picked or named by @file_slot. */
static int io_file_slot_pair(struct io_ring_ctx *ctx, unsigned int file_slot,
			     int slots[2])
{
	if (file_slot == IORING_FILE_INDEX_ALLOC) {
		if (!ctx->files.nr)
			return -ENFILE;
		slots[0] = io_file_slot_alloc(ctx);
		if (slots[0] < 0)
			return slots[0];
		/* the search goes on after slots[0], back to it only if full */
		slots[1] = io_file_slot_alloc(ctx);
		if (slots[1] == slots[0])
			return -ENFILE;
		return 0;
	}
	if (!ctx->files.nr)
		return -ENXIO;
	if (!file_slot || file_slot >= ctx->files.nr)
		return -EINVAL;
	slots[0] = array_index_nospec(file_slot - 1, ctx->files.nr - 1);
	slots[1] = slots[0] + 1;
	if (ctx->files.slots[slots[0]] || ctx->files.slots[slots[1]])
		return -EBUSY;
	return 0;
}

/**
 * io_fixed_fd_install_pair - put two new files in free fixed slots
 * @req: the request that made them (PIPE with a file_index)
 * @issue_flags: as the request was issued with
 * @files: the files; their references are consumed in every case
 * @file_slot: the SQE's file_index: slot + 1 for @files[0], whose partner
 *	       goes to the slot after it, both of which must be empty; or
 *	       IORING_FILE_INDEX_ALLOC for any two free slots
 * @uslots: where in user memory the two slots are written
 *
 * Both files are installed and their slots written to @uslots, or neither
 * is.
 *
 * Return: 0, or -ENXIO (no table), -EINVAL (slots out of range), -EBUSY (a
 * named slot is taken), -ENFILE (fewer than two free slots), -ENOMEM,
 * -EFAULT.
 */
int io_fixed_fd_install_pair(struct io_kiocb *req, unsigned int issue_flags,
			     struct file *files[2], unsigned int file_slot,
			     int __user *uslots)
{
	struct io_ring_ctx *ctx = req->ctx;
	int slots[2], ret;

	io_ring_lock_cond(ctx, issue_flags);
	ret = io_file_slot_pair(ctx, file_slot, slots);
	if (ret) {
		fput(files[0]);
		fput(files[1]);
		goto out;
	}
	ret = io_file_slot_set(ctx, slots[0], files[0], 0);
	if (ret) {
		fput(files[1]);
		goto out;
	}
	ret = io_file_slot_set(ctx, slots[1], files[1], 0);
	if (!ret && copy_to_user(uslots, slots, sizeof(slots))) {
		io_slot_clear(&ctx->files, slots[1]);
		ret = -EFAULT;
	}
	if (ret)
		io_slot_clear(&ctx->files, slots[0]);
out:
	io_ring_unlock_cond(ctx, issue_flags);
	return ret;
}

/**
 * io_fixed_fd_remove - empty a fixed file slot (CLOSE with a file_index)
 * @ctx: the ring
 * @issue_flags: as the request was issued with
 * @offset: the slot
 *
 * Return: 0, -ENXIO (no table), -EINVAL (out of range), -EBADF (empty).
 */
int io_fixed_fd_remove(struct io_ring_ctx *ctx, unsigned int issue_flags,
		       unsigned int offset)
{
	int ret = 0;

	io_ring_lock_cond(ctx, issue_flags);
	if (!ctx->files.nr)
		ret = -ENXIO;
	else if (offset >= ctx->files.nr)
		ret = -EINVAL;
	else if (!ctx->files.slots[array_index_nospec(offset, ctx->files.nr)])
		ret = -EBADF;
	else
		io_slot_clear(&ctx->files, array_index_nospec(offset, ctx->files.nr));
	io_ring_unlock_cond(ctx, issue_flags);
	return ret;
}

static struct io_rsrc *io_slot_lookup(struct io_rsrc_table *t, u64 index)
{
	if (index >= t->nr)
		return NULL;
	return t->slots[array_index_nospec(index, t->nr)];
}

/**
 * io_req_fixed_file - IOSQE_FIXED_FILE: the request's file from the table
 * @req: the request, being prepared
 * @fd: the slot
 *
 * Context: ctx->uring_lock held.
 * Return: 0 (req->op.file set, held through req->rsrc_file), or -EBADF.
 */
int io_req_fixed_file(struct io_kiocb *req, int fd)
{
	struct io_rsrc *rsrc = io_slot_lookup(&req->ctx->files, (u32)fd);

	lockdep_assert_held(&req->ctx->uring_lock);
	if (!rsrc)
		return -EBADF;
	refcount_inc(&rsrc->refs);
	io_users_inc(&req->ctx->file_users);
	req->rsrc_file = rsrc;
	req->op.file = rsrc->file;
	return 0;
}

/**
 * io_fixed_file_ref - a reference to the file in a fixed slot
 * @ctx: the ring
 * @fd: the slot
 * @issue_flags: as the request is issued with
 *
 * Return: the file, to be fput(), or NULL for an empty or bad slot.
 */
struct file *io_fixed_file_ref(struct io_ring_ctx *ctx, int fd,
			       unsigned int issue_flags)
{
	struct io_rsrc *rsrc;
	struct file *file = NULL;

	io_ring_lock_cond(ctx, issue_flags);
	rsrc = io_slot_lookup(&ctx->files, (u32)fd);
	if (rsrc)
		file = get_file(rsrc->file);
	io_ring_unlock_cond(ctx, issue_flags);
	return file;
}

/**
 * io_register_file_alloc_range - IORING_REGISTER_FILE_ALLOC_RANGE
 * @ctx: the ring
 * @arg: struct io_uring_file_index_range
 *
 * Context: ctx->uring_lock held.
 * Return: 0, -ENXIO without a table, -EINVAL for a bad range.
 */
int io_register_file_alloc_range(struct io_ring_ctx *ctx, void __user *arg)
{
	struct io_uring_file_index_range range;
	u32 end;

	lockdep_assert_held(&ctx->uring_lock);
	if (copy_from_user(&range, arg, sizeof(range)))
		return -EFAULT;
	if (range.resv)
		return -EINVAL;
	if (!ctx->files.nr)
		return -ENXIO;
	/* [off, off + len) must lie in the table, without wrapping */
	if (check_add_overflow(range.off, range.len, &end))
		return -EOVERFLOW;
	if (end > ctx->files.nr)
		return -EINVAL;
	ctx->file_alloc_start = range.off;
	ctx->file_alloc_end = end;
	ctx->file_alloc_hint = range.off;
	return 0;
}

/* Registered buffers */

static int io_buf_validate(const struct iovec *iov)
{
	unsigned long end;

	/* NULL and 0: an empty slot */
	if (!iov->iov_base)
		return iov->iov_len ? -EFAULT : 0;
	if (!iov->iov_len || iov->iov_len > IO_MAX_BUF_SIZE)
		return -EFAULT;
	if (check_add_overflow((unsigned long)iov->iov_base, iov->iov_len, &end))
		return -EOVERFLOW;
	return 0;
}

static struct io_mapped_buf *io_buf_alloc(unsigned int nr)
{
	struct io_mapped_buf *buf;

	buf = kvzalloc(struct_size(buf, bvec, nr), GFP_KERNEL_ACCOUNT);
	if (!buf)
		return NULL;
	refcount_set(&buf->refs, 1);
	return buf;
}

/* Lay the pinned pages out one per bio_vec (see struct io_mapped_buf). */
static void io_buf_fill(struct io_mapped_buf *buf, struct page **pages,
			unsigned int nr)
{
	size_t left = buf->len, off = buf->uaddr & ~PAGE_MASK, seg;
	unsigned int i;

	buf->nr_bvecs = nr;
	for (i = 0; i < nr; i++) {
		seg = min_t(size_t, left, PAGE_SIZE - off);
		bvec_set_page(&buf->bvec[i], pages[i], seg, off);
		left -= seg;
		off = 0;
	}
}

static struct io_mapped_buf *io_buf_map(struct io_ring_ctx *ctx,
					const struct iovec *iov)
{
	unsigned long start = (unsigned long)iov->iov_base;
	unsigned long end = start + iov->iov_len;
	unsigned int nr = DIV_ROUND_UP(end, PAGE_SIZE) - start / PAGE_SIZE;
	struct io_pin_acct *acct;
	struct io_mapped_buf *buf;
	struct page **pages;
	int pinned, ret;

	pages = kvmalloc_array(nr, sizeof(*pages), GFP_KERNEL);
	buf = io_buf_alloc(nr);
	ret = -ENOMEM;
	if (!pages || !buf)
		goto fail;
	pinned = pin_user_pages_fast(start & PAGE_MASK, nr,
				     FOLL_WRITE | FOLL_LONGTERM, pages);
	if (pinned != nr) {
		if (pinned > 0)
			unpin_user_pages(pages, pinned);
		ret = pinned < 0 ? pinned : -EFAULT;
		goto fail;
	}
	buf->uaddr = start;
	buf->len = iov->iov_len;
	io_buf_fill(buf, pages, nr);
	kvfree(pages);
	acct = io_pin_acct_get(ctx);
	ret = acct ? io_buf_charge(buf, acct) : -ENOMEM;
	if (ret) {
		io_mapped_buf_put(buf);
		return ERR_PTR(ret);
	}
	return buf;
fail:
	kvfree(pages);
	if (buf)
		io_mapped_buf_put(buf);
	return ERR_PTR(ret);
}

/* Put @iov (or nothing, for NULL/0) in buffer slot @i, with @tag. */
static int io_buf_slot_update(struct io_ring_ctx *ctx, unsigned int i,
			      const struct iovec *iov, u64 tag)
{
	struct io_mapped_buf *buf;
	struct io_rsrc *rsrc;
	int ret;

	ret = io_buf_validate(iov);
	if (ret)
		return ret;
	if (!iov->iov_base) {
		if (tag)
			return -EINVAL;
		io_slot_clear(&ctx->bufs, i);
		return 0;
	}
	rsrc = io_rsrc_new(ctx, tag);
	if (!rsrc)
		return -ENOMEM;
	buf = io_buf_map(ctx, iov);
	if (IS_ERR(buf)) {
		kfree(rsrc);
		return PTR_ERR(buf);
	}
	rsrc->is_buf = true;
	rsrc->buf = buf;
	io_slot_clear(&ctx->bufs, i);
	ctx->bufs.slots[i] = rsrc;
	return 0;
}

/**
 * io_user_iovec - copy in one iovec of a user array
 * @ctx: the ring; a 32-bit ring's arrays hold struct compat_iovec
 * @iov: where the iovec goes
 * @uiovs: the array
 * @i: which one
 *
 * The layout is the ring creator's, not the caller's: an SQPOLL thread or
 * io-wq worker may be the one asking.
 *
 * Return: 0 or -EFAULT.
 */
int io_user_iovec(struct io_ring_ctx *ctx, struct iovec *iov,
		  const void __user *uiovs, unsigned int i)
{
	if (io_is_compat(ctx)) {
		const struct compat_iovec __user *ciov = uiovs;
		struct compat_iovec c;

		if (copy_from_user(&c, &ciov[i], sizeof(c)))
			return -EFAULT;
		iov->iov_base = compat_ptr(c.iov_base);
		iov->iov_len = c.iov_len;
		return 0;
	}
	if (copy_from_user(iov, (const struct iovec __user *)uiovs + i,
			   sizeof(*iov)))
		return -EFAULT;
	return 0;
}

static int io_iovec_get(struct io_ring_ctx *ctx, struct iovec *iov,
			const void __user *uiovs, unsigned int i)
{
	if (!uiovs) {
		iov->iov_base = NULL;
		iov->iov_len = 0;
		return 0;
	}
	return io_user_iovec(ctx, iov, uiovs, i);
}

/* A buffer table has 1 to IO_MAX_REG_BUFFERS slots. */
static int io_bufs_check_nr(unsigned int nr)
{
	return (!nr || nr > IO_MAX_REG_BUFFERS) ? -EINVAL : 0;
}

/* Fill the new buffer table from @uiovs, an iovec array (NULL: all empty). */
static int io_bufs_fill(struct io_ring_ctx *ctx, const void __user *uiovs,
			const u64 __user *tags)
{
	struct iovec iov;
	unsigned int i;
	u64 tag = 0;
	int ret;

	for (i = 0; i < ctx->bufs.nr; i++) {
		ret = io_iovec_get(ctx, &iov, uiovs, i);
		if (ret)
			return ret;
		if (tags && get_user(tag, &tags[i]))
			return -EFAULT;
		ret = io_buf_slot_update(ctx, i, &iov, tag);
		if (ret)
			return ret;
		if (task_sigpending(current))
			return -EINTR;
	}
	return 0;
}

/**
 * io_register_buffers - IORING_REGISTER_BUFFERS and IORING_REGISTER_BUFFERS2
 * @ctx: the ring
 * @arg: an iovec array, or a struct io_uring_rsrc_register
 * @nr_args: the number of iovecs, or the size of the struct
 * @v2: @arg is the struct
 *
 * Context: ctx->uring_lock held.
 * Return: 0 or -errno; nothing stays registered on failure.
 */
int io_register_buffers(struct io_ring_ctx *ctx, void __user *arg,
			unsigned int nr_args, bool v2)
{
	lockdep_assert_held(&ctx->uring_lock);
	return io_table_register(ctx, &ctx->bufs, arg, nr_args, v2,
				 io_bufs_check_nr, io_bufs_fill);
}

/**
 * io_unregister_buffers - IORING_UNREGISTER_BUFFERS
 * @ctx: the ring
 *
 * Waits until no request uses a registered buffer.
 *
 * Context: ctx->uring_lock held; dropped and retaken while waiting.
 * Return: 0, -ENXIO if no buffers are registered, -EINTR on a signal (the
 * table stays).
 */
int io_unregister_buffers(struct io_ring_ctx *ctx)
{
	lockdep_assert_held(&ctx->uring_lock);
	return io_table_unregister(ctx, &ctx->bufs, &ctx->buf_users);
}

/* Updates of a range of slots */

/* An update needs a table, and the range must lie in it without wrapping. */
static int io_table_check_range(const struct io_rsrc_table *t,
				const struct io_uring_rsrc_update2 *up)
{
	u32 end;

	if (!t->nr)
		return -ENXIO;
	if (check_add_overflow(up->offset, up->nr, &end) || end > t->nr)
		return -EINVAL;
	return 0;
}

static int io_files_update_range(struct io_ring_ctx *ctx,
				 const struct io_uring_rsrc_update2 *up)
{
	const s32 __user *fds = u64_to_user_ptr(up->data);
	const u64 __user *tags = u64_to_user_ptr(up->tags);
	unsigned int done;
	u64 tag = 0;
	s32 fd;
	int ret;

	ret = io_table_check_range(&ctx->files, up);
	if (ret)
		return ret;
	for (done = 0; done < up->nr; done++) {
		ret = -EFAULT;
		if (get_user(fd, &fds[done]) || (tags && get_user(tag, &tags[done])))
			break;
		if (fd == IORING_REGISTER_FILES_SKIP) {
			ret = -EINVAL;
			if (tag)
				break;
			continue;
		}
		ret = io_file_slot_update(ctx, up->offset + done, fd, tag);
		if (ret)
			break;
	}
	return done ? done : ret;
}

static int io_bufs_update_range(struct io_ring_ctx *ctx,
				const struct io_uring_rsrc_update2 *up)
{
	const u64 __user *tags = u64_to_user_ptr(up->tags);
	unsigned int done;
	struct iovec iov;
	u64 tag = 0;
	int ret;

	ret = io_table_check_range(&ctx->bufs, up);
	if (ret)
		return ret;
	for (done = 0; done < up->nr; done++) {
		ret = io_iovec_get(ctx, &iov, u64_to_user_ptr(up->data), done);
		if (ret)
			break;
		ret = -EFAULT;
		if (tags && get_user(tag, &tags[done]))
			break;
		ret = io_buf_slot_update(ctx, up->offset + done, &iov, tag);
		if (ret)
			break;
	}
	return done ? done : ret;
}

/**
 * io_register_rsrc_update - IORING_REGISTER_FILES_UPDATE, FILES_UPDATE2,
 *			     BUFFERS_UPDATE
 * @ctx: the ring
 * @arg: struct io_uring_files_update, or struct io_uring_rsrc_update2
 * @nr_args: the number of fds (FILES_UPDATE), else the struct's size
 * @opcode: which of the three
 *
 * Context: ctx->uring_lock held.
 * Return: the number of slots processed, or -errno if the first failed.
 */
int io_register_rsrc_update(struct io_ring_ctx *ctx, void __user *arg,
			    unsigned int nr_args, unsigned int opcode)
{
	struct io_uring_rsrc_update2 up = { };

	lockdep_assert_held(&ctx->uring_lock);
	if (opcode == IORING_REGISTER_FILES_UPDATE) {
		struct io_uring_files_update fu;

		if (!nr_args)
			return -EINVAL;
		if (copy_from_user(&fu, arg, sizeof(fu)))
			return -EFAULT;
		if (fu.resv)
			return -EINVAL;
		up.offset = fu.offset;
		up.data = fu.fds;
		up.nr = nr_args;
	} else {
		if (nr_args != sizeof(up))
			return -EINVAL;
		if (copy_from_user(&up, arg, sizeof(up)))
			return -EFAULT;
		if (up.resv || up.resv2)
			return -EINVAL;
		if (!up.nr)
			return -EINVAL;
	}
	if (opcode == IORING_REGISTER_BUFFERS_UPDATE)
		return io_bufs_update_range(ctx, &up);
	return io_files_update_range(ctx, &up);
}

/* IORING_REGISTER_CLONE_BUFFERS */

/*
 * The range a clone takes: nr buffers (0: the source's whole table) from
 * src_off, to go from dst_off. Return: 0 with *@nr and *@end (the last
 * destination slot + 1) set, -EINVAL, or -EOVERFLOW.
 */
static int io_clone_range(const struct io_uring_clone_buffers *cb,
			  unsigned int src_nr, u32 *nr, u32 *end)
{
	u32 src_end;

	*nr = cb->nr ?: src_nr;
	if (*nr > src_nr)
		return -EINVAL;
	if (check_add_overflow(cb->src_off, *nr, &src_end) || src_end > src_nr)
		return -EOVERFLOW;
	if (check_add_overflow(cb->dst_off, *nr, end))
		return -EOVERFLOW;
	return *end > IO_MAX_REG_BUFFERS ? -EINVAL : 0;
}

/*
 * Share @src's buffers into @dst, as @cb says: into a new table or, with
 * IORING_REGISTER_DST_REPLACE, into @dst's own grown to fit, whose slots
 * in the range are replaced (their tags posted as for an update). @src
 * may be @dst. Both rings are locked by us.
 */
static int io_bufs_clone(struct io_ring_ctx *dst, struct io_ring_ctx *src,
			 const struct io_uring_clone_buffers *cb)
{
	struct io_rsrc_table t;
	struct io_rsrc *from, *rsrc;
	u32 nr, end, i;
	int ret;

	if (!src->bufs.nr)
		return -ENXIO;
	ret = io_clone_range(cb, src->bufs.nr, &nr, &end);
	if (!ret)
		ret = io_table_alloc(&t, max(end, dst->bufs.nr));
	if (ret)
		return ret;
	/* the clones first, while giving up costs nothing */
	for (i = 0; i < nr; i++) {
		from = src->bufs.slots[cb->src_off + i];
		if (!from)
			continue;
		rsrc = io_rsrc_new(dst, 0);
		if (!rsrc) {
			io_table_free(&t, false);
			return -ENOMEM;
		}
		rsrc->is_buf = true;
		rsrc->buf = from->buf;
		refcount_inc(&from->buf->refs);
		t.slots[cb->dst_off + i] = rsrc;
	}
	/* then what @dst keeps moves over; what the range replaces goes */
	for (i = 0; i < dst->bufs.nr; i++) {
		if (i >= cb->dst_off && i < end)
			continue;
		t.slots[i] = dst->bufs.slots[i];
		dst->bufs.slots[i] = NULL;
	}
	io_table_free(&dst->bufs, true);
	dst->bufs = t;
	return 0;
}

/* Lock @src as well as @ctx (held), in address order; false if same. */
static bool io_clone_lock_src(struct io_ring_ctx *ctx, struct io_ring_ctx *src)
{
	if (src == ctx)
		return false;
	mutex_unlock(&ctx->uring_lock);
	if (src < ctx) {
		mutex_lock(&src->uring_lock);
		mutex_lock_nested(&ctx->uring_lock, SINGLE_DEPTH_NESTING);
	} else {
		mutex_lock(&ctx->uring_lock);
		mutex_lock_nested(&src->uring_lock, SINGLE_DEPTH_NESTING);
	}
	return true;
}

/**
 * io_register_clone_buffers - share another ring's registered buffers
 * @ctx: the ring to fill
 * @arg: struct io_uring_clone_buffers: the source ring, and the range to
 *	 clone (all zero: the source's whole table)
 *
 * Without IORING_REGISTER_DST_REPLACE @ctx must have no buffers. The
 * pages stay pinned, and charged once, until the last ring using them
 * lets go. The source may be @ctx itself (with DST_REPLACE).
 *
 * Context: ctx->uring_lock held; dropped and retaken.
 * Return: 0, -EBUSY if @ctx has buffers and no DST_REPLACE, -ENXIO if
 * the source has none, -EINVAL for a bad argument or a range beyond the
 * source or the table limit, -EOVERFLOW for a range that wraps or runs
 * past the source's end, -EBADF for a bad fd.
 */
int io_register_clone_buffers(struct io_ring_ctx *ctx, void __user *arg)
{
	struct io_uring_clone_buffers cb;
	struct io_ring_ctx *src;
	struct file *file;
	bool registered, replace, locked;
	int ret;

	lockdep_assert_held(&ctx->uring_lock);
	if (copy_from_user(&cb, arg, sizeof(cb)))
		return -EFAULT;
	if ((cb.flags & ~(IORING_REGISTER_SRC_REGISTERED |
			  IORING_REGISTER_DST_REPLACE)) ||
	    memchr_inv(cb.pad, 0, sizeof(cb.pad)))
		return -EINVAL;
	registered = cb.flags & IORING_REGISTER_SRC_REGISTERED;
	replace = cb.flags & IORING_REGISTER_DST_REPLACE;
	file = io_ring_fd_get(cb.src_fd, registered);
	if (IS_ERR(file))
		return PTR_ERR(file) == -EOPNOTSUPP ? -EBADF : PTR_ERR(file);
	src = file->private_data;
	ret = -EBUSY;
	if (ctx->bufs.nr && !replace)
		goto out;
	/* never hold two ring locks but in address order */
	locked = io_clone_lock_src(ctx, src);
	ret = (ctx->bufs.nr && !replace) ? -EBUSY : io_bufs_clone(ctx, src, &cb);
	if (locked)
		mutex_unlock(&src->uring_lock);
out:
	io_ring_fd_put(file, registered);
	return ret;
}

/* Fixed buffers in requests */

/**
 * io_req_fixed_buf - a request's registered buffer, by index
 * @req: the request, being prepared
 * @index: sqe->buf_index
 *
 * Context: ctx->uring_lock held.
 * Return: 0 (held through req->rsrc_buf), or -EFAULT for a bad index or an
 * empty slot.
 */
int io_req_fixed_buf(struct io_kiocb *req, unsigned int index)
{
	struct io_rsrc *rsrc = io_slot_lookup(&req->ctx->bufs, index);

	lockdep_assert_held(&req->ctx->uring_lock);
	if (!rsrc)
		return -EFAULT;
	refcount_inc(&rsrc->refs);
	io_users_inc(&req->ctx->buf_users);
	req->rsrc_buf = rsrc;
	return 0;
}

/*
 * Where byte @off of @buf is: bvec @idx, @skip bytes in. The first bvec
 * runs to the first page boundary, every other one is a page (the last
 * maybe less), so bvec boundaries are page boundaries of the user range.
 */
static void io_buf_locate(const struct io_mapped_buf *buf, size_t off,
			  unsigned int *idx, size_t *skip)
{
	size_t first = buf->bvec[0].bv_len;

	if (off < first) {
		*idx = 0;
		*skip = off;
	} else {
		*idx = 1 + ((off - first) >> PAGE_SHIFT);
		*skip = (off - first) & ~PAGE_MASK;
	}
}

/* Is [addr, addr + len) inside @buf? */
static bool io_buf_holds(const struct io_mapped_buf *buf, u64 addr, size_t len)
{
	u64 end;

	if (check_add_overflow(addr, (u64)len, &end))
		return false;
	return addr >= buf->uaddr && end <= buf->uaddr + buf->len;
}

/**
 * io_import_fixed - an iterator over part of the request's registered buffer
 * @req: the request, holding its buffer (io_req_fixed_buf())
 * @dir: ITER_DEST or ITER_SOURCE
 * @addr: user address of the part, within the buffer
 * @len: its length
 * @iter: set up over the buffer's pages
 *
 * Return: 0, or -EFAULT if the range is not inside the buffer.
 */
int io_import_fixed(struct io_kiocb *req, int dir, u64 addr, size_t len,
		    struct iov_iter *iter)
{
	struct io_mapped_buf *buf = req->rsrc_buf->buf;
	unsigned int idx;
	size_t skip;

	if (!io_buf_holds(buf, addr, len))
		return -EFAULT;
	io_buf_locate(buf, addr - buf->uaddr, &idx, &skip);
	if (idx >= buf->nr_bvecs) {
		/* an empty range at the very end */
		iov_iter_bvec(iter, dir, buf->bvec, 0, 0);
		return 0;
	}
	iov_iter_bvec(iter, dir, buf->bvec + idx, buf->nr_bvecs - idx, len);
	/* within the first segment: no walk over the segments needed */
	iter->iov_offset = skip;
	return 0;
}

/* Pages [addr, addr + len) touches. */
static size_t io_range_pages(u64 addr, size_t len)
{
	return len ? ((addr + len - 1) >> PAGE_SHIFT) - (addr >> PAGE_SHIFT) + 1 : 0;
}

/* Append the bvecs of @buf's bytes [off, off + len) to @bv at *@n. */
static void io_buf_slice(const struct io_mapped_buf *buf, size_t off,
			 size_t len, struct bio_vec *bv, unsigned int *n)
{
	unsigned int idx;
	size_t skip, seg;

	io_buf_locate(buf, off, &idx, &skip);
	for (; len; len -= seg, idx++, skip = 0) {
		const struct bio_vec *src = &buf->bvec[idx];

		seg = min_t(size_t, src->bv_len - skip, len);
		bvec_set_page(&bv[(*n)++], src->bv_page, seg,
			      src->bv_offset + skip);
	}
}

/* io_import_fixed_vec() of iovecs already copied in. */
static struct bio_vec *io_buf_gather(struct io_mapped_buf *buf, int dir,
				     const struct iovec *iov, unsigned int nr,
				     struct iov_iter *iter)
{
	size_t total = 0, segs = 0, len;
	struct bio_vec *bv;
	unsigned int i, n = 0;
	u64 addr;

	for (i = 0; i < nr; i++) {
		addr = (u64)(uintptr_t)iov[i].iov_base;
		if (!io_buf_holds(buf, addr, iov[i].iov_len))
			return ERR_PTR(-EFAULT);
		len = min_t(size_t, iov[i].iov_len, MAX_RW_COUNT - total);
		segs += io_range_pages(addr, len);
		total += len;
	}
	bv = kvmalloc_array(max_t(size_t, segs, 1), sizeof(*bv),
			    GFP_KERNEL_ACCOUNT);
	if (!bv)
		return ERR_PTR(-ENOMEM);
	for (i = 0, len = total; i < nr && len; i++) {
		size_t part = min_t(size_t, iov[i].iov_len, len);

		addr = (u64)(uintptr_t)iov[i].iov_base;
		io_buf_slice(buf, addr - buf->uaddr, part, bv, &n);
		len -= part;
	}
	iov_iter_bvec(iter, dir, bv, n, total);
	return bv;
}

/**
 * io_import_fixed_vec - an iterator over parts of the registered buffer
 * @req: the request, holding its buffer (io_req_fixed_buf())
 * @dir: ITER_DEST or ITER_SOURCE
 * @uvec: the user's iovec array (compat iovecs on a 32-bit ring), each
 *	  part a user address range within the buffer
 * @nr: how many
 * @iter: set up over a new bio_vec array; as readv(2), at most
 *	  MAX_RW_COUNT bytes
 *
 * READV_FIXED, WRITEV_FIXED and SENDMSG_ZC from a registered buffer: the
 * iovecs are copied in, each part is checked to lie inside the buffer,
 * and the parts become slices of the buffer's pages.
 *
 * Return: the bio_vec array, for the caller to kvfree() when done with
 * @iter; ERR_PTR(-EFAULT) if an iovec cannot be read or a part is outside
 * the buffer, ERR_PTR(-EINVAL) for too many iovecs or a negative length,
 * or ERR_PTR(-ENOMEM).
 */
struct bio_vec *io_import_fixed_vec(struct io_kiocb *req, int dir,
				    const struct iovec __user *uvec,
				    unsigned long nr, struct iov_iter *iter)
{
	struct iovec fast_iov[UIO_FASTIOV], *iov;
	struct bio_vec *bv;

	iov = iovec_from_user(uvec, nr, UIO_FASTIOV, fast_iov,
			      io_is_compat(req->ctx));
	if (IS_ERR(iov))
		return ERR_CAST(iov);
	bv = io_buf_gather(req->rsrc_buf->buf, dir, iov, nr, iter);
	if (iov != fast_iov)
		kfree(iov);
	return bv;
}

/* IORING_OP_FILES_UPDATE */

struct io_files_update {
	struct file	*file;
	u64		arg;
	u32		nr;
	u32		offset;
};

int io_files_update_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	struct io_files_update *fu = io_kiocb_to_cmd(req, struct io_files_update);

	if (READ_ONCE(sqe->rw_flags) || READ_ONCE(sqe->splice_fd_in))
		return -EINVAL;
	fu->offset = READ_ONCE(sqe->off);
	fu->nr = READ_ONCE(sqe->len);
	fu->arg = READ_ONCE(sqe->addr);
	if (!fu->nr)
		return -EINVAL;
	return 0;
}

/* IORING_FILE_INDEX_ALLOC: each fd to a free slot, written back in place. */
static int io_files_update_alloc(struct io_ring_ctx *ctx, s32 __user *fds,
				 unsigned int nr)
{
	unsigned int done;
	struct file *file;
	int slot, ret = 0;
	s32 fd;

	if (!ctx->files.nr)
		return -ENXIO;
	for (done = 0; done < nr; done++) {
		ret = -EFAULT;
		if (get_user(fd, &fds[done]))
			break;
		ret = -EBADF;
		file = fget(fd);
		if (!file)
			break;
		slot = io_file_slot_alloc(ctx);
		ret = slot < 0 ? slot : io_file_slot_set(ctx, slot, file, 0);
		if (slot < 0)
			fput(file);
		if (ret)
			break;
		if (put_user(slot, &fds[done])) {
			io_slot_clear(&ctx->files, slot);
			ret = -EFAULT;
			break;
		}
	}
	return done ? done : ret;
}

int io_files_update(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_files_update *fu = io_kiocb_to_cmd(req, struct io_files_update);
	struct io_ring_ctx *ctx = req->ctx;
	struct io_uring_rsrc_update2 up = {
		.offset = fu->offset, .data = fu->arg, .nr = fu->nr,
	};
	int ret;

	io_ring_lock_cond(ctx, issue_flags);
	if (fu->offset == IORING_FILE_INDEX_ALLOC)
		ret = io_files_update_alloc(ctx, u64_to_user_ptr(fu->arg), fu->nr);
	else
		ret = io_files_update_range(ctx, &up);
	io_ring_unlock_cond(ctx, issue_flags);
	if (ret < 0)
		return ret;
	req->res = ret;
	return 0;
}
