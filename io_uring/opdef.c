// SPDX-License-Identifier: GPL-2.0
/*
 * The opcode table. Every IORING_OP_* has a name; an opcode is offered to
 * userspace once its family file (nop.c, rw.c, net.c, ...) fills in @issue.
 */
#include <linux/kernel.h>
#include <linux/io_uring.h>

#include "uring.h"
#include "opdef.h"

const struct io_op_def io_op_defs[IORING_OP_LAST] = {
	[IORING_OP_NOP] = {
		.name		= "NOP",
		.prep		= io_nop_prep,
		.issue		= io_nop,
	},
	[IORING_OP_READV] = {
		.name		= "READV",
		.prep		= io_rw_prep,
		.cleanup	= io_rw_cleanup,
		.issue		= io_read,
		.needs_file	= 1,
		.pollin		= 1,
		.unbound_nonreg_file = 1,
	},
	[IORING_OP_WRITEV] = {
		.name		= "WRITEV",
		.prep		= io_rw_prep,
		.cleanup	= io_rw_cleanup,
		.issue		= io_write,
		.needs_file	= 1,
		.pollout	= 1,
		.unbound_nonreg_file = 1,
		.hash_reg_file	= 1,
	},
	[IORING_OP_FSYNC] = { .name = "FSYNC" },
	[IORING_OP_READ_FIXED] = { .name = "READ_FIXED" },
	[IORING_OP_WRITE_FIXED] = { .name = "WRITE_FIXED" },
	[IORING_OP_POLL_ADD] = {
		.name		= "POLL_ADD",
		.prep		= io_poll_add_prep,
		.issue		= io_poll_add,
		.needs_file	= 1,
		.unbound_nonreg_file = 1,
		.iowq_locked	= 1,
	},
	[IORING_OP_POLL_REMOVE] = {
		.name		= "POLL_REMOVE",
		.prep		= io_poll_remove_prep,
		.issue		= io_poll_remove,
		.iowq_locked	= 1,
	},
	[IORING_OP_SYNC_FILE_RANGE] = { .name = "SYNC_FILE_RANGE" },
	[IORING_OP_SENDMSG] = { .name = "SENDMSG" },
	[IORING_OP_RECVMSG] = { .name = "RECVMSG" },
	[IORING_OP_TIMEOUT] = {
		.name		= "TIMEOUT",
		.prep		= io_timeout_prep,
		.issue		= io_timeout,
		.iowq_locked	= 1,
	},
	[IORING_OP_TIMEOUT_REMOVE] = {
		.name		= "TIMEOUT_REMOVE",
		.prep		= io_timeout_remove_prep,
		.issue		= io_timeout_remove,
		.iowq_locked	= 1,
	},
	[IORING_OP_ACCEPT] = { .name = "ACCEPT" },
	[IORING_OP_ASYNC_CANCEL] = {
		.name		= "ASYNC_CANCEL",
		.prep		= io_async_cancel_prep,
		.issue		= io_async_cancel,
		.cleanup	= io_async_cancel_cleanup,
		.iowq_locked	= 1,
	},
	[IORING_OP_LINK_TIMEOUT] = {
		.name		= "LINK_TIMEOUT",
		.prep		= io_link_timeout_prep,
		.issue		= io_link_timeout,
		.iowq_locked	= 1,
	},
	[IORING_OP_CONNECT] = { .name = "CONNECT" },
	[IORING_OP_FALLOCATE] = { .name = "FALLOCATE" },
	[IORING_OP_OPENAT] = { .name = "OPENAT" },
	[IORING_OP_CLOSE] = { .name = "CLOSE" },
	[IORING_OP_FILES_UPDATE] = { .name = "FILES_UPDATE" },
	[IORING_OP_STATX] = { .name = "STATX" },
	[IORING_OP_READ] = {
		.name		= "READ",
		.prep		= io_rw_prep,
		.cleanup	= io_rw_cleanup,
		.issue		= io_read,
		.needs_file	= 1,
		.pollin		= 1,
		.unbound_nonreg_file = 1,
	},
	[IORING_OP_WRITE] = {
		.name		= "WRITE",
		.prep		= io_rw_prep,
		.cleanup	= io_rw_cleanup,
		.issue		= io_write,
		.needs_file	= 1,
		.pollout	= 1,
		.unbound_nonreg_file = 1,
		.hash_reg_file	= 1,
	},
	[IORING_OP_FADVISE] = { .name = "FADVISE" },
	[IORING_OP_MADVISE] = { .name = "MADVISE" },
	[IORING_OP_SEND] = { .name = "SEND" },
	[IORING_OP_RECV] = { .name = "RECV" },
	[IORING_OP_OPENAT2] = { .name = "OPENAT2" },
	[IORING_OP_EPOLL_CTL] = { .name = "EPOLL_CTL" },
	[IORING_OP_SPLICE] = { .name = "SPLICE" },
	[IORING_OP_PROVIDE_BUFFERS] = { .name = "PROVIDE_BUFFERS" },
	[IORING_OP_REMOVE_BUFFERS] = { .name = "REMOVE_BUFFERS" },
	[IORING_OP_TEE] = { .name = "TEE" },
	[IORING_OP_SHUTDOWN] = { .name = "SHUTDOWN" },
	[IORING_OP_RENAMEAT] = { .name = "RENAMEAT" },
	[IORING_OP_UNLINKAT] = { .name = "UNLINKAT" },
	[IORING_OP_MKDIRAT] = { .name = "MKDIRAT" },
	[IORING_OP_SYMLINKAT] = { .name = "SYMLINKAT" },
	[IORING_OP_LINKAT] = { .name = "LINKAT" },
	[IORING_OP_MSG_RING] = { .name = "MSG_RING" },
	[IORING_OP_FSETXATTR] = { .name = "FSETXATTR" },
	[IORING_OP_SETXATTR] = { .name = "SETXATTR" },
	[IORING_OP_FGETXATTR] = { .name = "FGETXATTR" },
	[IORING_OP_GETXATTR] = { .name = "GETXATTR" },
	[IORING_OP_SOCKET] = { .name = "SOCKET" },
	[IORING_OP_URING_CMD] = { .name = "URING_CMD" },
	[IORING_OP_SEND_ZC] = { .name = "SEND_ZC" },
	[IORING_OP_SENDMSG_ZC] = { .name = "SENDMSG_ZC" },
	[IORING_OP_READ_MULTISHOT] = { .name = "READ_MULTISHOT" },
	[IORING_OP_WAITID] = { .name = "WAITID" },
	[IORING_OP_FUTEX_WAIT] = { .name = "FUTEX_WAIT" },
	[IORING_OP_FUTEX_WAKE] = { .name = "FUTEX_WAKE" },
	[IORING_OP_FUTEX_WAITV] = { .name = "FUTEX_WAITV" },
	[IORING_OP_FIXED_FD_INSTALL] = { .name = "FIXED_FD_INSTALL" },
	[IORING_OP_FTRUNCATE] = { .name = "FTRUNCATE" },
	[IORING_OP_BIND] = { .name = "BIND" },
	[IORING_OP_LISTEN] = { .name = "LISTEN" },
};

/**
 * io_uring_get_opcode - the name of an opcode
 * @opcode: IORING_OP_*
 *
 * Return: a static string, "INVALID" for an unknown opcode.
 */
const char *io_uring_get_opcode(u8 opcode)
{
	if (opcode < IORING_OP_LAST && io_op_defs[opcode].name)
		return io_op_defs[opcode].name;
	return "INVALID";
}
