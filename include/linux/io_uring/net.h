/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The socket layer's ->uring_cmd(): SOCKET_URING_OP_* commands on sockets. */
#ifndef _LINUX_IO_URING_NET_H
#define _LINUX_IO_URING_NET_H

struct io_uring_cmd;

#if !defined(CONFIG_IO_URING)
static inline int io_uring_cmd_sock(struct io_uring_cmd *cmd, unsigned int issue_flags)
{
	return -EOPNOTSUPP;
}
#else
int io_uring_cmd_sock(struct io_uring_cmd *cmd, unsigned int issue_flags);
#endif

#endif
