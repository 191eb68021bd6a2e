// SPDX-License-Identifier: GPL-2.0
/*
 * Extended attributes: IORING_OP_FSETXATTR, SETXATTR, FGETXATTR and
 * GETXATTR, the equivalents of fsetxattr(2), setxattr(2), fgetxattr(2) and
 * getxattr(2). The path variants follow symlinks, as those calls do.
 *
 * The attribute name (and, for a set, the value) is copied in at prep; a
 * get copies the value out when it runs. The name buffer lives in
 * req->async. Everything runs in io-wq: attributes live on disk.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/audit.h>
#include <linux/uaccess.h>
#include <linux/xattr.h>
#include <linux/io_uring.h>

#include "../fs/internal.h"

#include "uring.h"
#include "opdef.h"

struct io_xattr {
	struct file		*file;		/* FSETXATTR/FGETXATTR only */
	struct xattr_ctx	ctx;
	struct filename		*filename;	/* SETXATTR/GETXATTR only */
};

/* The fields all four read: name, value, size; and room for the name. */
static int io_xattr_prep_common(struct io_kiocb *req,
				const struct io_uring_sqe *sqe)
{
	struct io_xattr *ix = io_kiocb_to_cmd(req, struct io_xattr);

	if (READ_ONCE(sqe->buf_index) || READ_ONCE(sqe->splice_fd_in))
		return -EINVAL;
	ix->ctx.value = u64_to_user_ptr(READ_ONCE(sqe->addr2));
	ix->ctx.size = READ_ONCE(sqe->len);
	ix->ctx.flags = READ_ONCE(sqe->xattr_flags);
	ix->ctx.kvalue = NULL;
	ix->ctx.kname = kmalloc(sizeof(*ix->ctx.kname), GFP_KERNEL_ACCOUNT);
	if (!ix->ctx.kname)
		return -ENOMEM;
	/* the core frees req->async after ->cleanup */
	req->async = ix->ctx.kname;
	return 0;
}

/* As getxattr(2) copies a name: empty or too long is -ERANGE. */
static int io_xattr_copy_name(struct io_xattr *ix, const char __user *uname)
{
	long len;

	len = strncpy_from_user(ix->ctx.kname->name, uname,
				sizeof(ix->ctx.kname->name));
	if (len == 0 || len == sizeof(ix->ctx.kname->name))
		return -ERANGE;
	return len < 0 ? len : 0;
}

/* The prep of the fd forms; @set: a set, which also copies the value. */
static int io_xattr_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe,
			 bool set)
{
	struct io_xattr *ix = io_kiocb_to_cmd(req, struct io_xattr);
	const char __user *uname = u64_to_user_ptr(READ_ONCE(sqe->addr));
	int ret;

	ret = io_xattr_prep_common(req, sqe);
	if (ret)
		return ret;
	/* a set: setxattr_copy() checks the flags, copies name and value */
	if (set)
		return setxattr_copy(uname, &ix->ctx);
	/* getxattr(2) takes no flags */
	if (ix->ctx.flags)
		return -EINVAL;
	return io_xattr_copy_name(ix, uname);
}

/*
 * The prep of the path forms: that of the fd form, then the path in
 * sqe->addr3, followed as setxattr(2) and getxattr(2) do.
 */
static int io_xattr_prep_path(struct io_kiocb *req,
			      const struct io_uring_sqe *sqe, bool set)
{
	struct io_xattr *ix = io_kiocb_to_cmd(req, struct io_xattr);
	struct filename *name;
	int ret;

	ret = io_xattr_prep(req, sqe, set);
	if (ret)
		return ret;
	name = getname(u64_to_user_ptr(READ_ONCE(sqe->addr3)));
	if (IS_ERR(name))
		return PTR_ERR(name);
	ix->filename = name;
	return 0;
}

/**
 * io_fgetxattr_prep - prepare IORING_OP_FGETXATTR
 * @req: the request
 * @sqe: fd the file, addr the name, addr2 the buffer of len bytes
 *
 * Return: 0, or a negative errno for the CQE.
 */
int io_fgetxattr_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	return io_xattr_prep(req, sqe, false);
}

/**
 * io_getxattr_prep - prepare IORING_OP_GETXATTR
 * @req: the request
 * @sqe: as FGETXATTR, with the path in addr3 instead of fd
 *
 * Return: 0, or a negative errno for the CQE.
 */
int io_getxattr_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	return io_xattr_prep_path(req, sqe, false);
}

/**
 * io_fsetxattr_prep - prepare IORING_OP_FSETXATTR
 * @req: the request
 * @sqe: fd the file, addr the name, addr2 the value of len bytes,
 *	 xattr_flags XATTR_CREATE or XATTR_REPLACE
 *
 * Return: 0, or a negative errno for the CQE.
 */
int io_fsetxattr_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	return io_xattr_prep(req, sqe, true);
}

/**
 * io_setxattr_prep - prepare IORING_OP_SETXATTR
 * @req: the request
 * @sqe: as FSETXATTR, with the path in addr3 instead of fd
 *
 * Return: 0, or a negative errno for the CQE.
 */
int io_setxattr_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	return io_xattr_prep_path(req, sqe, true);
}

/* A CQE result from a helper's return value. */
static int io_xattr_done(struct io_kiocb *req, ssize_t ret)
{
	if (ret < 0)
		return ret;
	req->res = ret;
	return 0;
}

/*
 * A get or a set on a resolved target: @path is where the attribute lives,
 * @file the open file of the fd forms (NULL for the path forms).
 */
typedef ssize_t (*io_xattr_fn)(struct io_xattr *ix, const struct path *path,
			       struct file *file);

/* FGETXATTR and GETXATTR; do_getxattr() allocates a bounce buffer each time. */
static ssize_t io_xattr_get(struct io_xattr *ix, const struct path *path,
			    struct file *file)
{
	ssize_t ret;

	ret = do_getxattr(mnt_idmap(path->mnt), path->dentry, &ix->ctx);
	kvfree(ix->ctx.kvalue);
	ix->ctx.kvalue = NULL;
	return ret;
}

/* FSETXATTR and SETXATTR: write access through the file, if there is one. */
static ssize_t io_xattr_set(struct io_xattr *ix, const struct path *path,
			    struct file *file)
{
	int ret;

	ret = file ? mnt_want_write_file(file) : mnt_want_write(path->mnt);
	if (ret)
		return ret;
	ret = do_setxattr(mnt_idmap(path->mnt), path->dentry, &ix->ctx);
	if (file)
		mnt_drop_write_file(file);
	else
		mnt_drop_write(path->mnt);
	return ret;
}

/* Run @fn on the open file of FGETXATTR or FSETXATTR. */
static int io_xattr_on_file(struct io_kiocb *req, unsigned int issue_flags,
			    io_xattr_fn fn)
{
	struct io_xattr *ix = io_kiocb_to_cmd(req, struct io_xattr);

	if (issue_flags & IO_URING_F_NONBLOCK)
		return -EAGAIN;
	audit_file(ix->file);
	return io_xattr_done(req, fn(ix, &ix->file->f_path, ix->file));
}

/*
 * Run @fn on the path of GETXATTR or SETXATTR, looked up again with
 * LOOKUP_REVAL if the first answer was stale.
 */
static int io_xattr_on_path(struct io_kiocb *req, unsigned int issue_flags,
			    io_xattr_fn fn)
{
	struct io_xattr *ix = io_kiocb_to_cmd(req, struct io_xattr);
	unsigned int lookup_flags = LOOKUP_FOLLOW;
	struct path path;
	ssize_t ret;

	if (issue_flags & IO_URING_F_NONBLOCK)
		return -EAGAIN;
retry:
	ret = filename_lookup(AT_FDCWD, ix->filename, lookup_flags, &path,
			      NULL);
	if (ret)
		return ret;
	ret = fn(ix, &path, NULL);
	path_put(&path);
	if (retry_estale(ret, lookup_flags)) {
		lookup_flags |= LOOKUP_REVAL;
		goto retry;
	}
	return io_xattr_done(req, ret);
}

/**
 * io_fgetxattr - issue IORING_OP_FGETXATTR
 * @req: the request
 * @issue_flags: IO_URING_F_*
 *
 * Return: 0 with req->res the value's size, a negative errno, or -EAGAIN
 * for io-wq.
 */
int io_fgetxattr(struct io_kiocb *req, unsigned int issue_flags)
{
	return io_xattr_on_file(req, issue_flags, io_xattr_get);
}

/**
 * io_getxattr - issue IORING_OP_GETXATTR
 * @req: the request
 * @issue_flags: IO_URING_F_*
 *
 * Return: 0 with req->res the value's size, a negative errno, or -EAGAIN
 * for io-wq.
 */
int io_getxattr(struct io_kiocb *req, unsigned int issue_flags)
{
	return io_xattr_on_path(req, issue_flags, io_xattr_get);
}

/**
 * io_fsetxattr - issue IORING_OP_FSETXATTR
 * @req: the request
 * @issue_flags: IO_URING_F_*
 *
 * Return: 0 with req->res 0, a negative errno, or -EAGAIN for io-wq.
 */
int io_fsetxattr(struct io_kiocb *req, unsigned int issue_flags)
{
	return io_xattr_on_file(req, issue_flags, io_xattr_set);
}

/**
 * io_setxattr - issue IORING_OP_SETXATTR
 * @req: the request
 * @issue_flags: IO_URING_F_*
 *
 * Return: 0 with req->res 0, a negative errno, or -EAGAIN for io-wq.
 */
int io_setxattr(struct io_kiocb *req, unsigned int issue_flags)
{
	return io_xattr_on_path(req, issue_flags, io_xattr_set);
}

/**
 * io_xattr_cleanup - release the value and path an xattr request holds
 * @req: the request
 *
 * The name buffer is req->async, which the core frees.
 */
void io_xattr_cleanup(struct io_kiocb *req)
{
	struct io_xattr *ix = io_kiocb_to_cmd(req, struct io_xattr);

	kvfree(ix->ctx.kvalue);
	if (ix->filename)
		putname(ix->filename);
}
