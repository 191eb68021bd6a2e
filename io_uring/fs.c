// SPDX-License-Identifier: GPL-2.0
/*
 * Namespace and inode operations: IORING_OP_RENAMEAT, UNLINKAT, MKDIRAT,
 * SYMLINKAT, LINKAT, STATX and FTRUNCATE.
 *
 * Each is the system call of the same name. The paths are copied at prep
 * (so the SQE's strings need only live until submission) and the work
 * always runs in io-wq: a path walk or an inode change may sleep on I/O.
 * The do_*() helpers of fs/namei.c consume the names they are given, so
 * a request forgets a name as it hands it over and ->cleanup puts only
 * what was never used.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/fcntl.h>
#include <linux/namei.h>
#include <linux/stat.h>
#include <linux/io_uring.h>

#include "../fs/internal.h"

#include "uring.h"
#include "opdef.h"

/* RENAMEAT, LINKAT and SYMLINKAT: two paths (SYMLINKAT has no old_dfd). */
struct io_twopath {
	struct file		*file;		/* unused: no needs_file */
	int			old_dfd;
	int			new_dfd;
	struct filename		*oldpath;
	struct filename		*newpath;
	int			flags;
};

/* UNLINKAT and MKDIRAT: one path. */
struct io_onepath {
	struct file		*file;		/* unused: no needs_file */
	int			dfd;
	int			flags;		/* unlink flags */
	umode_t			mode;		/* mkdir mode */
	struct filename		*path;
};

struct io_statx {
	struct file		*file;		/* unused: no needs_file */
	int			dfd;
	unsigned int		mask;
	unsigned int		flags;
	bool			fd_only;	/* NULL path with AT_EMPTY_PATH */
	struct filename		*filename;
	struct statx __user	*buffer;
};

struct io_ftrunc {
	struct file		*file;
	loff_t			len;
};

/* A CQE result from a helper's return value. */
static int io_fs_done(struct io_kiocb *req, int ret)
{
	if (ret < 0)
		return ret;
	req->res = ret;
	return 0;
}

/* Copy one path from userspace; nothing is stored on failure. */
static int io_fs_getname(u64 uaddr, int lookup_flags, struct filename **out)
{
	struct filename *name;

	name = getname_flags(u64_to_user_ptr(uaddr), lookup_flags);
	if (IS_ERR(name))
		return PTR_ERR(name);
	*out = name;
	return 0;
}

/* Hand a name to a do_*() helper, which consumes it: ->cleanup must not. */
static struct filename *io_fs_take(struct filename **name)
{
	struct filename *ret = *name;

	*name = NULL;
	return ret;
}

/*
 * The checks every path op makes: buf_index and splice_fd_in are unused,
 * and sqe->fd is a directory fd of the task, never a fixed file.
 */
static int io_fs_prep_path(struct io_kiocb *req,
			   const struct io_uring_sqe *sqe)
{
	if (READ_ONCE(sqe->buf_index) || READ_ONCE(sqe->splice_fd_in))
		return -EINVAL;
	return (req->sqe_flags & IOSQE_FIXED_FILE) ? -EBADF : 0;
}

/*
 * The common prep of RENAMEAT, SYMLINKAT and LINKAT: take the old name (or
 * the link's target) from addr with @old_lookup, the new one from addr2.
 */
static int io_twopath_prep(struct io_kiocb *req,
			   const struct io_uring_sqe *sqe, int old_lookup)
{
	struct io_twopath *tp = io_kiocb_to_cmd(req, struct io_twopath);
	int ret;

	ret = io_fs_prep_path(req, sqe);
	if (ret)
		return ret;
	ret = io_fs_getname(READ_ONCE(sqe->addr), old_lookup, &tp->oldpath);
	if (ret)
		return ret;
	return io_fs_getname(READ_ONCE(sqe->addr2), 0, &tp->newpath);
}

/**
 * io_renameat_prep - prepare IORING_OP_RENAMEAT
 * @req: the request
 * @sqe: fd/addr the old directory and path, len/addr2 the new ones,
 *	 rename_flags the renameat2(2) flags
 *
 * Return: 0, or a negative errno for the CQE.
 */
int io_renameat_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	struct io_twopath *rn = io_kiocb_to_cmd(req, struct io_twopath);

	rn->old_dfd = READ_ONCE(sqe->fd);
	rn->new_dfd = READ_ONCE(sqe->len);
	rn->flags = READ_ONCE(sqe->rename_flags);
	return io_twopath_prep(req, sqe, 0);
}

/**
 * io_renameat - issue IORING_OP_RENAMEAT
 * @req: the request
 * @issue_flags: IO_URING_F_*
 *
 * Return: 0 with req->res 0, a negative errno, or -EAGAIN for io-wq.
 */
int io_renameat(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_twopath *rn = io_kiocb_to_cmd(req, struct io_twopath);
	int ret;

	if (issue_flags & IO_URING_F_NONBLOCK)
		return -EAGAIN;
	ret = do_renameat2(rn->old_dfd, io_fs_take(&rn->oldpath), rn->new_dfd,
			   io_fs_take(&rn->newpath), rn->flags);
	return io_fs_done(req, ret);
}

/**
 * io_twopath_cleanup - put the paths of a RENAMEAT, LINKAT or SYMLINKAT
 * that were not handed over
 * @req: the request
 */
void io_twopath_cleanup(struct io_kiocb *req)
{
	struct io_twopath *tp = io_kiocb_to_cmd(req, struct io_twopath);

	if (tp->oldpath)
		putname(tp->oldpath);
	if (tp->newpath)
		putname(tp->newpath);
}

/**
 * io_unlinkat_prep - prepare IORING_OP_UNLINKAT
 * @req: the request
 * @sqe: fd the directory, addr the path, unlink_flags 0 or AT_REMOVEDIR
 *
 * Return: 0, or a negative errno for the CQE.
 */
int io_unlinkat_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	struct io_onepath *ul = io_kiocb_to_cmd(req, struct io_onepath);
	int ret;

	if (READ_ONCE(sqe->off) || READ_ONCE(sqe->len))
		return -EINVAL;
	ret = io_fs_prep_path(req, sqe);
	if (ret)
		return ret;
	ul->dfd = READ_ONCE(sqe->fd);
	ul->flags = READ_ONCE(sqe->unlink_flags);
	if (ul->flags & ~AT_REMOVEDIR)
		return -EINVAL;
	return io_fs_getname(READ_ONCE(sqe->addr), 0, &ul->path);
}

/**
 * io_unlinkat - issue IORING_OP_UNLINKAT
 * @req: the request
 * @issue_flags: IO_URING_F_*
 *
 * Return: 0 with req->res 0, a negative errno, or -EAGAIN for io-wq.
 */
int io_unlinkat(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_onepath *ul = io_kiocb_to_cmd(req, struct io_onepath);
	struct filename *path;

	if (issue_flags & IO_URING_F_NONBLOCK)
		return -EAGAIN;
	path = io_fs_take(&ul->path);
	if (ul->flags & AT_REMOVEDIR)
		return io_fs_done(req, do_rmdir(ul->dfd, path));
	return io_fs_done(req, do_unlinkat(ul->dfd, path));
}

/**
 * io_onepath_cleanup - put the path of an UNLINKAT or MKDIRAT that was
 * not handed over
 * @req: the request
 */
void io_onepath_cleanup(struct io_kiocb *req)
{
	struct io_onepath *op = io_kiocb_to_cmd(req, struct io_onepath);

	if (op->path)
		putname(op->path);
}

/**
 * io_mkdirat_prep - prepare IORING_OP_MKDIRAT
 * @req: the request
 * @sqe: fd the directory, addr the path, len the mode
 *
 * Return: 0, or a negative errno for the CQE.
 */
int io_mkdirat_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	struct io_onepath *mk = io_kiocb_to_cmd(req, struct io_onepath);
	int ret;

	if (READ_ONCE(sqe->off) || READ_ONCE(sqe->rw_flags))
		return -EINVAL;
	ret = io_fs_prep_path(req, sqe);
	if (ret)
		return ret;
	mk->dfd = READ_ONCE(sqe->fd);
	mk->mode = READ_ONCE(sqe->len);
	return io_fs_getname(READ_ONCE(sqe->addr), 0, &mk->path);
}

/**
 * io_mkdirat - issue IORING_OP_MKDIRAT
 * @req: the request
 * @issue_flags: IO_URING_F_*
 *
 * Return: 0 with req->res 0, a negative errno, or -EAGAIN for io-wq.
 */
int io_mkdirat(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_onepath *mk = io_kiocb_to_cmd(req, struct io_onepath);

	if (issue_flags & IO_URING_F_NONBLOCK)
		return -EAGAIN;
	return io_fs_done(req, do_mkdirat(mk->dfd, io_fs_take(&mk->path),
					  mk->mode));
}

/**
 * io_symlinkat_prep - prepare IORING_OP_SYMLINKAT
 * @req: the request
 * @sqe: addr the link's target, fd/addr2 the directory and path of the
 *	 new link
 *
 * Return: 0, or a negative errno for the CQE.
 */
int io_symlinkat_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	struct io_twopath *sl = io_kiocb_to_cmd(req, struct io_twopath);

	if (READ_ONCE(sqe->len) || READ_ONCE(sqe->rw_flags))
		return -EINVAL;
	sl->new_dfd = READ_ONCE(sqe->fd);
	return io_twopath_prep(req, sqe, 0);
}

/**
 * io_symlinkat - issue IORING_OP_SYMLINKAT
 * @req: the request
 * @issue_flags: IO_URING_F_*
 *
 * Return: 0 with req->res 0, a negative errno, or -EAGAIN for io-wq.
 */
int io_symlinkat(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_twopath *sl = io_kiocb_to_cmd(req, struct io_twopath);
	int ret;

	if (issue_flags & IO_URING_F_NONBLOCK)
		return -EAGAIN;
	ret = do_symlinkat(io_fs_take(&sl->oldpath), sl->new_dfd,
			   io_fs_take(&sl->newpath));
	return io_fs_done(req, ret);
}

/**
 * io_linkat_prep - prepare IORING_OP_LINKAT
 * @req: the request
 * @sqe: fd/addr the old directory and path, len/addr2 the new ones,
 *	 hardlink_flags the linkat(2) flags
 *
 * Return: 0, or a negative errno for the CQE.
 */
int io_linkat_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	struct io_twopath *lk = io_kiocb_to_cmd(req, struct io_twopath);

	lk->old_dfd = READ_ONCE(sqe->fd);
	lk->new_dfd = READ_ONCE(sqe->len);
	lk->flags = READ_ONCE(sqe->hardlink_flags);
	/* AT_EMPTY_PATH lets the old path be "" (do_linkat checks the rest) */
	return io_twopath_prep(req, sqe, (lk->flags & AT_EMPTY_PATH) ?
				       LOOKUP_EMPTY : 0);
}

/**
 * io_linkat - issue IORING_OP_LINKAT
 * @req: the request
 * @issue_flags: IO_URING_F_*
 *
 * Return: 0 with req->res 0, a negative errno, or -EAGAIN for io-wq.
 */
int io_linkat(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_twopath *lk = io_kiocb_to_cmd(req, struct io_twopath);
	int ret;

	if (issue_flags & IO_URING_F_NONBLOCK)
		return -EAGAIN;
	ret = do_linkat(lk->old_dfd, io_fs_take(&lk->oldpath), lk->new_dfd,
			io_fs_take(&lk->newpath), lk->flags);
	return io_fs_done(req, ret);
}

/**
 * io_statx_prep - prepare IORING_OP_STATX
 * @req: the request
 * @sqe: fd the directory, addr the path, statx_flags the AT_* flags, len
 *	 the mask and addr2 the struct statx to fill in
 *
 * Return: 0, or a negative errno for the CQE.
 */
int io_statx_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	struct io_statx *sx = io_kiocb_to_cmd(req, struct io_statx);
	unsigned int at_flags;
	u64 path;
	int ret;

	ret = io_fs_prep_path(req, sqe);
	if (ret)
		return ret;
	sx->dfd = READ_ONCE(sqe->fd);
	sx->mask = READ_ONCE(sqe->len);
	sx->flags = READ_ONCE(sqe->statx_flags);
	sx->buffer = u64_to_user_ptr(READ_ONCE(sqe->addr2));
	path = READ_ONCE(sqe->addr);

	/* as statx(2): a NULL path with AT_EMPTY_PATH means the fd itself */
	at_flags = sx->flags & ~(AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE);
	if (!path && sx->dfd >= 0 && at_flags == AT_EMPTY_PATH) {
		sx->fd_only = true;
		return 0;
	}
	return io_fs_getname(path, getname_statx_lookup_flags(sx->flags),
			     &sx->filename);
}

/**
 * io_statx - issue IORING_OP_STATX
 * @req: the request
 * @issue_flags: IO_URING_F_*
 *
 * Return: 0 with req->res 0, a negative errno, or -EAGAIN for io-wq.
 */
int io_statx(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_statx *sx = io_kiocb_to_cmd(req, struct io_statx);
	int ret;

	if (issue_flags & IO_URING_F_NONBLOCK)
		return -EAGAIN;
	if (sx->fd_only)
		ret = do_statx_fd(sx->dfd, sx->flags & ~AT_NO_AUTOMOUNT,
				  sx->mask, sx->buffer);
	else
		ret = do_statx(sx->dfd, sx->filename, sx->flags, sx->mask,
			       sx->buffer);
	return io_fs_done(req, ret);
}

/**
 * io_statx_cleanup - put the path of a STATX
 * @req: the request
 */
void io_statx_cleanup(struct io_kiocb *req)
{
	struct io_statx *sx = io_kiocb_to_cmd(req, struct io_statx);

	if (sx->filename)
		putname(sx->filename);
}

/**
 * io_ftruncate_prep - prepare IORING_OP_FTRUNCATE
 * @req: the request
 * @sqe: fd the file, off the new length; nothing else may be set
 *
 * Return: 0, or a negative errno for the CQE.
 */
int io_ftruncate_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	struct io_ftrunc *ft = io_kiocb_to_cmd(req, struct io_ftrunc);

	if (READ_ONCE(sqe->addr) || READ_ONCE(sqe->len) ||
	    READ_ONCE(sqe->rw_flags) || READ_ONCE(sqe->buf_index) ||
	    READ_ONCE(sqe->splice_fd_in) || READ_ONCE(sqe->addr3))
		return -EINVAL;
	ft->len = READ_ONCE(sqe->off);
	if (ft->len < 0)
		return -EINVAL;
	return 0;
}

/**
 * io_ftruncate - issue IORING_OP_FTRUNCATE
 * @req: the request
 * @issue_flags: IO_URING_F_*
 *
 * Return: 0 with req->res 0, a negative errno, or -EAGAIN for io-wq.
 */
int io_ftruncate(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_ftrunc *ft = io_kiocb_to_cmd(req, struct io_ftrunc);

	if (issue_flags & IO_URING_F_NONBLOCK)
		return -EAGAIN;
	/* as ftruncate(2): a file not opened O_LARGEFILE stays below 2G */
	return io_fs_done(req, do_ftruncate(ft->file, ft->len, 1));
}
