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
		.iopoll		= 1,
		.prep		= io_nop_prep,
		.issue		= io_nop,
	},
	[IORING_OP_READV] = {
		.name		= "READV",
		.iopoll		= 1,
		.prep		= io_rw_prep,
		.cleanup	= io_rw_cleanup,
		.issue		= io_read,
		.needs_file	= 1,
		.pollin		= 1,
		.unbound_nonreg_file = 1,
	},
	[IORING_OP_WRITEV] = {
		.name		= "WRITEV",
		.iopoll		= 1,
		.prep		= io_rw_prep,
		.cleanup	= io_rw_cleanup,
		.issue		= io_write,
		.needs_file	= 1,
		.pollout	= 1,
		.unbound_nonreg_file = 1,
		.hash_reg_file	= 1,
	},
	[IORING_OP_FSYNC] = {
		.name		= "FSYNC",
		.prep		= io_fsync_prep,
		.issue		= io_fsync,
		.needs_file	= 1,
	},
	[IORING_OP_READ_FIXED] = {
		.name		= "READ_FIXED",
		.iopoll		= 1,
		.prep		= io_rw_prep,
		.cleanup	= io_rw_cleanup,
		.issue		= io_read,
		.needs_file	= 1,
		.pollin		= 1,
		.unbound_nonreg_file = 1,
	},
	[IORING_OP_WRITE_FIXED] = {
		.name		= "WRITE_FIXED",
		.iopoll		= 1,
		.prep		= io_rw_prep,
		.cleanup	= io_rw_cleanup,
		.issue		= io_write,
		.needs_file	= 1,
		.pollout	= 1,
		.unbound_nonreg_file = 1,
		.hash_reg_file	= 1,
	},
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
	[IORING_OP_SYNC_FILE_RANGE] = {
		.name		= "SYNC_FILE_RANGE",
		.prep		= io_sfr_prep,
		.issue		= io_sync_file_range,
		.needs_file	= 1,
	},
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
	[IORING_OP_FALLOCATE] = {
		.name		= "FALLOCATE",
		.prep		= io_fallocate_prep,
		.issue		= io_fallocate,
		.needs_file	= 1,
		.hash_reg_file	= 1,
	},
	[IORING_OP_OPENAT] = {
		.name		= "OPENAT",
		.prep		= io_openat_prep,
		.issue		= io_openat,
		.cleanup	= io_open_cleanup,
		.unbound_nonreg_file = 1,
	},
	[IORING_OP_CLOSE] = {
		.name		= "CLOSE",
		.prep		= io_close_prep,
		.issue		= io_close,
	},
	[IORING_OP_FILES_UPDATE] = {
		.name		= "FILES_UPDATE",
		.iopoll		= 1,
		.prep		= io_files_update_prep,
		.issue		= io_files_update,
		.iowq_locked	= 1,
	},
	[IORING_OP_STATX] = {
		.name		= "STATX",
		.prep		= io_statx_prep,
		.issue		= io_statx,
		.cleanup	= io_statx_cleanup,
	},
	[IORING_OP_READ] = {
		.name		= "READ",
		.iopoll		= 1,
		.prep		= io_rw_prep,
		.cleanup	= io_rw_cleanup,
		.issue		= io_read,
		.needs_file	= 1,
		.pollin		= 1,
		.unbound_nonreg_file = 1,
	},
	[IORING_OP_WRITE] = {
		.name		= "WRITE",
		.iopoll		= 1,
		.prep		= io_rw_prep,
		.cleanup	= io_rw_cleanup,
		.issue		= io_write,
		.needs_file	= 1,
		.pollout	= 1,
		.unbound_nonreg_file = 1,
		.hash_reg_file	= 1,
	},
	[IORING_OP_FADVISE] = {
		.name		= "FADVISE",
		.prep		= io_fadvise_prep,
		.issue		= io_fadvise,
		.needs_file	= 1,
	},
	[IORING_OP_MADVISE] = {
		.name		= "MADVISE",
		.prep		= io_madvise_prep,
		.issue		= io_madvise,
	},
	[IORING_OP_SEND] = { .name = "SEND" },
	[IORING_OP_RECV] = { .name = "RECV" },
	[IORING_OP_OPENAT2] = {
		.name		= "OPENAT2",
		.prep		= io_openat2_prep,
		.issue		= io_openat,
		.cleanup	= io_open_cleanup,
		.unbound_nonreg_file = 1,
	},
	[IORING_OP_EPOLL_CTL] = { .name = "EPOLL_CTL" },
	[IORING_OP_SPLICE] = {
		.name		= "SPLICE",
		.prep		= io_splice_prep,
		.issue		= io_splice,
		.needs_file	= 1,
		.unbound_nonreg_file = 1,
		.hash_reg_file	= 1,
	},
	[IORING_OP_PROVIDE_BUFFERS] = { .name = "PROVIDE_BUFFERS" },
	[IORING_OP_REMOVE_BUFFERS] = { .name = "REMOVE_BUFFERS" },
	[IORING_OP_TEE] = {
		.name		= "TEE",
		.prep		= io_tee_prep,
		.issue		= io_tee,
		.needs_file	= 1,
		.unbound_nonreg_file = 1,
	},
	[IORING_OP_SHUTDOWN] = { .name = "SHUTDOWN" },
	[IORING_OP_RENAMEAT] = {
		.name		= "RENAMEAT",
		.prep		= io_renameat_prep,
		.issue		= io_renameat,
		.cleanup	= io_twopath_cleanup,
	},
	[IORING_OP_UNLINKAT] = {
		.name		= "UNLINKAT",
		.prep		= io_unlinkat_prep,
		.issue		= io_unlinkat,
		.cleanup	= io_onepath_cleanup,
	},
	[IORING_OP_MKDIRAT] = {
		.name		= "MKDIRAT",
		.prep		= io_mkdirat_prep,
		.issue		= io_mkdirat,
		.cleanup	= io_onepath_cleanup,
	},
	[IORING_OP_SYMLINKAT] = {
		.name		= "SYMLINKAT",
		.prep		= io_symlinkat_prep,
		.issue		= io_symlinkat,
		.cleanup	= io_twopath_cleanup,
	},
	[IORING_OP_LINKAT] = {
		.name		= "LINKAT",
		.prep		= io_linkat_prep,
		.issue		= io_linkat,
		.cleanup	= io_twopath_cleanup,
	},
	[IORING_OP_MSG_RING] = { .name = "MSG_RING" },
	[IORING_OP_FSETXATTR] = {
		.name		= "FSETXATTR",
		.prep		= io_fsetxattr_prep,
		.issue		= io_fsetxattr,
		.cleanup	= io_xattr_cleanup,
		.needs_file	= 1,
	},
	[IORING_OP_SETXATTR] = {
		.name		= "SETXATTR",
		.prep		= io_setxattr_prep,
		.issue		= io_setxattr,
		.cleanup	= io_xattr_cleanup,
	},
	[IORING_OP_FGETXATTR] = {
		.name		= "FGETXATTR",
		.prep		= io_fgetxattr_prep,
		.issue		= io_fgetxattr,
		.cleanup	= io_xattr_cleanup,
		.needs_file	= 1,
	},
	[IORING_OP_GETXATTR] = {
		.name		= "GETXATTR",
		.prep		= io_getxattr_prep,
		.issue		= io_getxattr,
		.cleanup	= io_xattr_cleanup,
	},
	[IORING_OP_SOCKET] = { .name = "SOCKET" },
	[IORING_OP_URING_CMD] = {
		.name		= "URING_CMD",
		.prep		= io_uring_cmd_prep,
		.issue		= io_uring_cmd,
		.needs_file	= 1,
	},
	[IORING_OP_SEND_ZC] = { .name = "SEND_ZC" },
	[IORING_OP_SENDMSG_ZC] = { .name = "SENDMSG_ZC" },
	[IORING_OP_READ_MULTISHOT] = { .name = "READ_MULTISHOT" },
	[IORING_OP_WAITID] = { .name = "WAITID" },
	[IORING_OP_FUTEX_WAIT] = { .name = "FUTEX_WAIT" },
	[IORING_OP_FUTEX_WAKE] = { .name = "FUTEX_WAKE" },
	[IORING_OP_FUTEX_WAITV] = { .name = "FUTEX_WAITV" },
	[IORING_OP_FIXED_FD_INSTALL] = {
		.name		= "FIXED_FD_INSTALL",
		.prep		= io_install_fixed_fd_prep,
		.issue		= io_install_fixed_fd,
		.needs_file	= 1,
	},
	[IORING_OP_FTRUNCATE] = {
		.name		= "FTRUNCATE",
		.prep		= io_ftruncate_prep,
		.issue		= io_ftruncate,
		.needs_file	= 1,
		.hash_reg_file	= 1,
	},
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
