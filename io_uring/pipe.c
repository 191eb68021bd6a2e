// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_PIPE: pipe2(2) from the ring. The two ends land in the task's
 * file table, as pipe2(2) puts them, or, with sqe->file_index set, in the
 * ring's fixed file table (direct descriptors). Either way the request
 * writes the read end's descriptor and then the write end's to the two
 * ints at sqe->addr, and both ends are installed or neither is.
 *
 * Making a pipe never waits, so the request always completes at its
 * first issue.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/fcntl.h>
#include <linux/pipe_fs_i.h>
#include <linux/watch_queue.h>
#include <linux/uaccess.h>
#include <linux/io_uring.h>

#include "uring.h"
#include "opdef.h"
#include "rsrc.h"

/* pipe2(2)'s flags */
#define IO_PIPE_FLAGS	(O_CLOEXEC | O_NONBLOCK | O_DIRECT | O_NOTIFICATION_PIPE)

struct io_pipe {
	struct file		*file;		/* unused: no needs_file */
	int __user		*fds;
	unsigned int		flags;
	u32			file_slot;	/* sqe->file_index; 0: fd table */
};

/**
 * io_pipe_prep - prepare IORING_OP_PIPE
 * @req: the request
 * @sqe: addr the two ints for the descriptors, pipe_flags as pipe2(2)'s,
 *	 file_index for direct descriptors; fd, off, len, buf_index and
 *	 addr3 must be zero
 *
 * Return: 0, or -EINVAL (an unknown flag, or O_CLOEXEC for direct
 * descriptors, which have no close-on-exec).
 */
int io_pipe_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe)
{
	struct io_pipe *p = io_kiocb_to_cmd(req, struct io_pipe);

	if (READ_ONCE(sqe->fd) || READ_ONCE(sqe->off) || READ_ONCE(sqe->len) ||
	    READ_ONCE(sqe->buf_index) || READ_ONCE(sqe->addr3))
		return -EINVAL;
	p->fds = u64_to_user_ptr(READ_ONCE(sqe->addr));
	p->flags = READ_ONCE(sqe->pipe_flags);
	p->file_slot = READ_ONCE(sqe->file_index);
	if (p->flags & ~IO_PIPE_FLAGS)
		return -EINVAL;
	if (p->file_slot && (p->flags & O_CLOEXEC))
		return -EINVAL;
	return 0;
}

/* Both ends into the task's file table, or neither. */
static int io_pipe_install_fds(struct io_pipe *p, struct file *files[2])
{
	int fds[2], ret;

	fds[0] = get_unused_fd_flags(p->flags & O_CLOEXEC);
	if (fds[0] < 0) {
		ret = fds[0];
		goto put_files;
	}
	fds[1] = get_unused_fd_flags(p->flags & O_CLOEXEC);
	if (fds[1] < 0) {
		ret = fds[1];
		goto put_fd0;
	}
	if (copy_to_user(p->fds, fds, sizeof(fds))) {
		ret = -EFAULT;
		put_unused_fd(fds[1]);
		goto put_fd0;
	}
	fd_install(fds[0], files[0]);
	fd_install(fds[1], files[1]);
	return 0;

put_fd0:
	put_unused_fd(fds[0]);
put_files:
	fput(files[0]);
	fput(files[1]);
	return ret;
}

/**
 * io_pipe - issue IORING_OP_PIPE
 * @req: the request
 * @issue_flags: IO_URING_F_*
 *
 * Return: 0 with req->res 0, or a negative errno as pipe2(2) gives it
 * (-EMFILE, -ENFILE, -EFAULT, -ENOMEM), or as a direct descriptor install
 * does (see io_fixed_fd_install_pair()).
 */
int io_pipe(struct io_kiocb *req, unsigned int issue_flags)
{
	struct io_pipe *p = io_kiocb_to_cmd(req, struct io_pipe);
	struct file *files[2];
	int ret;

	ret = create_pipe_files(files, p->flags);
	if (ret)
		return ret;
	/* as pipe2(2): pipes take IOCB_NOWAIT, so tries need no worker */
	files[0]->f_mode |= FMODE_NOWAIT;
	files[1]->f_mode |= FMODE_NOWAIT;
	if (p->file_slot)
		ret = io_fixed_fd_install_pair(req, issue_flags, files,
					       p->file_slot, p->fds);
	else
		ret = io_pipe_install_fds(p, files);
	if (ret)
		return ret;
	req->res = 0;
	return 0;
}
