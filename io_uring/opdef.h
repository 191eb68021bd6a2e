/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The opcode table: what each IORING_OP_* is called and, for the opcodes
 * we implement, how it is prepared from its SQE and issued. Read-only.
 */
#ifndef IO_URING_OPDEF_H
#define IO_URING_OPDEF_H

#include <linux/io_uring_types.h>

/**
 * struct io_op_def - one opcode
 * @name: for fdinfo and tracing
 * @prep: read the opcode's SQE fields (once) into the request
 * @issue: run it; return 0 with req->res set, or a negative error
 * @buffer_select: accepts IOSQE_BUFFER_SELECT
 *
 * An opcode without @issue is not supported: its SQEs fail with -EINVAL
 * and IORING_REGISTER_PROBE does not list it.
 */
struct io_op_def {
	const char	*name;
	int		(*prep)(struct io_kiocb *req, const struct io_uring_sqe *sqe);
	int		(*issue)(struct io_kiocb *req, unsigned int issue_flags);
	unsigned int	buffer_select : 1;
};

extern const struct io_op_def io_op_defs[IORING_OP_LAST];

const char *io_uring_get_opcode(u8 opcode);

/* nop.c */
int io_nop_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe);
int io_nop(struct io_kiocb *req, unsigned int issue_flags);

#endif
