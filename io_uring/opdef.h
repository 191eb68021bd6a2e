/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The opcode table: what each IORING_OP_* is called and, for the opcodes
 * we implement, how it is prepared from its SQE and issued, and what else
 * the core must know of it: the core's only door into the op families,
 * whose handlers are declared here too. Locking: none, the table is
 * read-only.
 */
#ifndef IO_URING_OPDEF_H
#define IO_URING_OPDEF_H

#include <linux/nospec.h>
#include <linux/io_uring_types.h>

/**
 * struct io_op_def - one opcode
 * @name: for fdinfo and tracing
 * @prep: read the opcode's SQE fields (once) into the request
 * @issue: run it. Return 0 with req->res set; a negative error; -EAGAIN
 *	   with IO_URING_F_NONBLOCK when it would block; or IOU_PARKED when
 *	   the opcode parked the request and will complete it itself
 * @cleanup: release what @prep or @issue took, at free time (req->async
 *	     itself is freed by the core)
 * @needs_file: sqe->fd names the file the request works on (req->op.file)
 * @pollin: a would-block is retried when the file is readable
 * @pollout: ... when it is writable
 * @unbound_nonreg_file: in io-wq, may wait forever unless the file is a
 *	  regular file or block device
 * @hash_reg_file: in io-wq, serialise per inode on regular files
 * @iowq_locked: issued under ctx->uring_lock in io-wq too
 * @buffer_select: accepts IOSQE_BUFFER_SELECT
 * @iopoll: allowed on an IORING_SETUP_IOPOLL ring
 * @audit_skip: its issue makes no audit record (the data path: reads,
 *		writes, sends, polls, timeouts, ...), as the system calls it
 *		stands for are not audited either
 * @exit_cancel: cancelled when its task exits, as it may otherwise wait
 *		 forever (nobody left to wake it, or it waits for the task)
 * @sqe128: its SQE is 128 bytes: on an IORING_SETUP_SQE_MIXED ring it
 *	    takes two slots; refused on a ring of 64-byte SQEs
 * @big_cqe: fills req->big_cqe, the extra words of a CQE32 ring's CQE (on
 *	     an IORING_SETUP_CQE_MIXED ring, a request that sets
 *	     IORING_CQE_F_32 in req->cflags gets a 32-byte CQE)
 * @plug: may send block I/O: a submission batch holding one runs under a
 *	  block plug, so the device gets the batch's requests together
 * @link_arm: a guard of the request linked in front of it (LINK_TIMEOUT):
 *	      called, ctx->uring_lock held, when that request goes async
 * @link_detach: ... and when it completes; returns what is linked behind
 *		 the guard. A guard's CQE obeys only its own
 *		 IOSQE_CQE_SKIP_SUCCESS
 * @poll_ready: the opcode waits on its file with the readiness engine
 *		itself (POLL_ADD): the file is ready with @mask. Called by
 *		the poll's owner in task_work, ctx->uring_lock held; returns
 *		true when the request is done waiting. Without it, a request
 *		waiting on its file is a retry, issued again when it is ready
 *
 * An opcode without @issue is not supported: its SQEs fail with -EINVAL
 * and IORING_REGISTER_PROBE does not list it.
 */
struct io_op_def {
	const char	*name;
	int		(*prep)(struct io_kiocb *req, const struct io_uring_sqe *sqe);
	int		(*issue)(struct io_kiocb *req, unsigned int issue_flags);
	void		(*cleanup)(struct io_kiocb *req);
	unsigned int	needs_file : 1;
	unsigned int	pollin : 1;
	unsigned int	pollout : 1;
	unsigned int	unbound_nonreg_file : 1;
	unsigned int	hash_reg_file : 1;
	unsigned int	iowq_locked : 1;
	unsigned int	buffer_select : 1;
	unsigned int	iopoll : 1;
	unsigned int	audit_skip : 1;
	unsigned int	exit_cancel : 1;
	unsigned int	big_cqe : 1;
	unsigned int	sqe128 : 1;
	unsigned int	plug : 1;
	void		(*link_arm)(struct io_kiocb *guard, struct io_kiocb *target);
	struct io_kiocb	*(*link_detach)(struct io_kiocb *guard);
	bool		(*poll_ready)(struct io_kiocb *req, __poll_t mask);
} __aligned(64);	/* a cache line each: indexing is a shift */

/* Returned by an opcode's ->issue: the request waits; it completes later. */
#define IOU_PARKED	1
/*
 * ... or: it made progress and has more to do, but lets others run first
 * (a multishot request with data still coming); it is issued again from
 * task_work.
 */
#define IOU_REQUEUE	2

extern const struct io_op_def io_op_defs[IORING_OP_LAST];

const char *io_uring_get_opcode(u8 opcode);

/* Is @op an opcode of the table (implemented or not)? */
static inline bool io_op_valid(unsigned int op)
{
	return op < IORING_OP_LAST;
}

/* @op as an index into the table, safe under speculation; 0 if invalid. */
static inline u8 io_op_index(unsigned int op)
{
	return array_index_nospec(op, IORING_OP_LAST);
}

/* Is @req a guard of the request in front of it (io_op_def.link_arm)? */
static inline bool io_req_is_guard(const struct io_kiocb *req)
{
	return !!io_op_defs[req->opcode].link_detach;
}

/* nop.c */
int io_nop_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_nop(struct io_kiocb *req, unsigned int issue_flags);

/* rw.c */
int io_rw_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_read(struct io_kiocb *req, unsigned int issue_flags);
int io_write(struct io_kiocb *req, unsigned int issue_flags);
void io_rw_cleanup(struct io_kiocb *req);
int io_read_mshot(struct io_kiocb *req, unsigned int issue_flags);

/* uring_cmd.c */
int io_uring_cmd_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_uring_cmd(struct io_kiocb *req, unsigned int issue_flags);

/* poll.c */
int io_poll_add_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_poll_add(struct io_kiocb *req, unsigned int issue_flags);
bool io_poll_add_ready(struct io_kiocb *req, __poll_t mask);
int io_poll_remove_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_poll_remove(struct io_kiocb *req, unsigned int issue_flags);

/* rsrc.c */
int io_files_update_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_files_update(struct io_kiocb *req, unsigned int issue_flags);

/* timeout.c */
void io_link_timeout_arm(struct io_kiocb *lt, struct io_kiocb *target);
struct io_kiocb *io_link_timeout_detach(struct io_kiocb *lt);
int io_timeout_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_timeout(struct io_kiocb *req, unsigned int issue_flags);
int io_link_timeout_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_link_timeout(struct io_kiocb *req, unsigned int issue_flags);
int io_timeout_remove_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_timeout_remove(struct io_kiocb *req, unsigned int issue_flags);

/* cancel.c */
int io_async_cancel_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_async_cancel(struct io_kiocb *req, unsigned int issue_flags);
void io_async_cancel_cleanup(struct io_kiocb *req);

/* open.c */
int io_openat_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_openat2_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_openat(struct io_kiocb *req, unsigned int issue_flags);
void io_open_cleanup(struct io_kiocb *req);
int io_close_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_close(struct io_kiocb *req, unsigned int issue_flags);
int io_install_fixed_fd_prep(struct io_kiocb *req,
			     const struct io_uring_sqe *sqe);
int io_install_fixed_fd(struct io_kiocb *req, unsigned int issue_flags);

/* fs.c: path cleanups first, then the ops */
void io_onepath_cleanup(struct io_kiocb *req);
void io_twopath_cleanup(struct io_kiocb *req);
void io_statx_cleanup(struct io_kiocb *req);
int io_statx_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_statx(struct io_kiocb *req, unsigned int issue_flags);
int io_ftruncate_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_ftruncate(struct io_kiocb *req, unsigned int issue_flags);
int io_mkdirat_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_mkdirat(struct io_kiocb *req, unsigned int issue_flags);
int io_unlinkat_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_unlinkat(struct io_kiocb *req, unsigned int issue_flags);
int io_renameat_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_renameat(struct io_kiocb *req, unsigned int issue_flags);
int io_linkat_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_linkat(struct io_kiocb *req, unsigned int issue_flags);
int io_symlinkat_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_symlinkat(struct io_kiocb *req, unsigned int issue_flags);

/* xattr.c: one cleanup for all four */
void io_xattr_cleanup(struct io_kiocb *req);
int io_getxattr_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_getxattr(struct io_kiocb *req, unsigned int issue_flags);
int io_fgetxattr_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_fgetxattr(struct io_kiocb *req, unsigned int issue_flags);
int io_setxattr_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_setxattr(struct io_kiocb *req, unsigned int issue_flags);
int io_fsetxattr_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_fsetxattr(struct io_kiocb *req, unsigned int issue_flags);

/* sync.c */
int io_fsync_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_fsync(struct io_kiocb *req, unsigned int issue_flags);
int io_sfr_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_sync_file_range(struct io_kiocb *req, unsigned int issue_flags);
int io_fallocate_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_fallocate(struct io_kiocb *req, unsigned int issue_flags);
int io_fadvise_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_fadvise(struct io_kiocb *req, unsigned int issue_flags);
int io_madvise_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_madvise(struct io_kiocb *req, unsigned int issue_flags);

/* splice.c */
int io_splice_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_splice(struct io_kiocb *req, unsigned int issue_flags);
int io_tee_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_tee(struct io_kiocb *req, unsigned int issue_flags);

#if IS_ENABLED(CONFIG_NET)
/* net.c */
int io_sendrecv_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_send(struct io_kiocb *req, unsigned int issue_flags);
int io_recv(struct io_kiocb *req, unsigned int issue_flags);
int io_send_zc(struct io_kiocb *req, unsigned int issue_flags);
void io_net_cleanup(struct io_kiocb *req);

/* sock.c */
int io_socket_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_socket(struct io_kiocb *req, unsigned int issue_flags);
int io_bind_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_bind(struct io_kiocb *req, unsigned int issue_flags);
int io_listen_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_listen(struct io_kiocb *req, unsigned int issue_flags);
int io_connect_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_connect(struct io_kiocb *req, unsigned int issue_flags);
int io_accept_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_accept(struct io_kiocb *req, unsigned int issue_flags);
int io_shutdown_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_shutdown(struct io_kiocb *req, unsigned int issue_flags);
#else
/* without networking the socket opcodes have no ->issue: not offered */
#define io_sendrecv_prep	NULL
#define io_send			NULL
#define io_recv			NULL
#define io_send_zc		NULL
#define io_net_cleanup		NULL
#define io_socket_prep		NULL
#define io_socket		NULL
#define io_bind_prep		NULL
#define io_bind			NULL
#define io_listen_prep		NULL
#define io_listen		NULL
#define io_connect_prep		NULL
#define io_connect		NULL
#define io_accept_prep		NULL
#define io_accept		NULL
#define io_shutdown_prep	NULL
#define io_shutdown		NULL
#endif

/* msg_ring.c */
int io_msg_ring_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_msg_ring(struct io_kiocb *req, unsigned int issue_flags);
void io_msg_ring_cleanup(struct io_kiocb *req);
int io_msg_ring_sync(void __user *arg, unsigned int nr_args);

/* pipe.c */
int io_pipe_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_pipe(struct io_kiocb *req, unsigned int issue_flags);

#if IS_ENABLED(CONFIG_EPOLL)
/* epoll.c */
int io_epoll_ctl_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_epoll_ctl(struct io_kiocb *req, unsigned int issue_flags);
int io_epoll_wait_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_epoll_wait(struct io_kiocb *req, unsigned int issue_flags);
#else
#define io_epoll_ctl_prep	NULL
#define io_epoll_ctl		NULL
#define io_epoll_wait_prep	NULL
#define io_epoll_wait		NULL
#endif

#ifdef CONFIG_FUTEX
/* futex.c */
int io_futex_wait_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_futex_wait(struct io_kiocb *req, unsigned int issue_flags);
int io_futexv_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_futexv_wait(struct io_kiocb *req, unsigned int issue_flags);
int io_futex_wake_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_futex_wake(struct io_kiocb *req, unsigned int issue_flags);
#else
#define io_futex_wait_prep	NULL
#define io_futex_wait		NULL
#define io_futexv_prep		NULL
#define io_futexv_wait		NULL
#define io_futex_wake_prep	NULL
#define io_futex_wake		NULL
#endif

/* waitid.c */
int io_waitid_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_waitid(struct io_kiocb *req, unsigned int issue_flags);
void io_waitid_cleanup(struct io_kiocb *req);

/* kbuf.c */
int io_provide_buffers_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_provide_buffers(struct io_kiocb *req, unsigned int issue_flags);
int io_remove_buffers_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_remove_buffers(struct io_kiocb *req, unsigned int issue_flags);

#endif
