/* SPDX-License-Identifier: GPL-2.0 */
/*
 * io_uring tracepoints: the events perf, bpftrace and trace-cmd scripts
 * know io_uring by. Their names and fields (what tracefs lists under
 * events/io_uring/) are ABI and must stay as they are; what fires them,
 * and where, is this implementation's (see Documentation/io_uring/).
 *
 * The events are instantiated in io_uring/opdef.c, the one file that
 * defines CREATE_TRACE_POINTS: their field assignments read the ring's
 * private types and io_uring_get_opcode(), which only io_uring/ sees.
 * Everywhere else this header only declares the trace_*() calls.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM io_uring

#if !defined(_TRACE_IO_URING_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_IO_URING_H

#include <linux/tracepoint.h>
#include <linux/io_uring_types.h>

struct io_ring_ctx;
struct io_uring_task;

/*
 * What every request event starts with: the ring, the request, its
 * user_data (each event keeps the name and type tracefs has always shown)
 * and its opcode; and how they are filled in from the request @r.
 */
#define IO_TP_REQ_FIELDS(ud_type, ud_name)		\
	__field(void *, ctx)				\
	__field(void *, req)				\
	__field(ud_type, ud_name)			\
	__field(u8, opcode)

#define IO_TP_REQ_FILL(r, ud_name)				\
	do {							\
		const struct io_kiocb *__req = (r);		\
								\
		__entry->ctx = __req->ctx;			\
		__entry->req = (void *)__req;			\
		__entry->ud_name = __req->user_data;		\
		__entry->opcode = __req->opcode;		\
	} while (0)

/*
 * A ring was set up; @fd is its fd (or registered index), @p what
 * io_uring_setup(2) returned. The ring may be gone already (its fd closed
 * by another thread): only its address is recorded.
 */
TRACE_EVENT(io_uring_create,
	    TP_PROTO(int fd, struct io_ring_ctx *ctx,
		     const struct io_uring_params *p),
	    TP_ARGS(fd, ctx, p),
	    TP_STRUCT__entry(__field(int, fd)
			     __field(void *, ctx)
			     __field(u32, sq_entries)
			     __field(u32, cq_entries)
			     __field(u32, flags)
	    ),
	    TP_fast_assign(__entry->ctx = ctx;
			   __entry->flags = p->flags;
			   __entry->sq_entries = p->sq_entries;
			   __entry->cq_entries = p->cq_entries;
			   __entry->fd = fd;
	    ),
	    TP_printk("ring %p, fd %d: %u SQEs, %u CQEs, setup flags 0x%x",
		      __entry->ctx, __entry->fd, __entry->sq_entries,
		      __entry->cq_entries, __entry->flags)
);

/*
 * io_uring_register(2) is done with @ret; the table sizes are the ring's
 * after the call.
 */
TRACE_EVENT(io_uring_register,
	    TP_PROTO(struct io_ring_ctx *ctx, unsigned int opcode, long ret),
	    TP_ARGS(ctx, opcode, ret),
	    TP_STRUCT__entry(__field(void *, ctx)
			     __field(unsigned, opcode)
			     __field(unsigned, nr_files)
			     __field(unsigned, nr_bufs)
			     __field(long, ret)
	    ),
	    TP_fast_assign(__entry->ctx = ctx;
			   __entry->ret = ret;
			   __entry->opcode = opcode;
			   __entry->nr_files = ctx->files.nr;
			   __entry->nr_bufs = ctx->bufs.nr;
	    ),
	    TP_printk("ring %p: register opcode %u gave %ld (%u fixed files, %u buffers)",
		      __entry->ctx, __entry->opcode, __entry->ret,
		      __entry->nr_files, __entry->nr_bufs)
);

/* A request takes its file by fd (fget), at its first issue. */
TRACE_EVENT(io_uring_file_get,
	    TP_PROTO(struct io_kiocb *req, int fd),
	    TP_ARGS(req, fd),
	    TP_STRUCT__entry(__field(void *, ctx)
			     __field(void *, req)
			     __field(u64, user_data)
			     __field(int, fd)
	    ),
	    TP_fast_assign(__entry->ctx = req->ctx;
			   __entry->req = req;
			   __entry->user_data = req->user_data;
			   __entry->fd = fd;
	    ),
	    TP_printk("req %p (ring %p, user_data 0x%llx): fget(%d)",
		      __entry->req, __entry->ctx, __entry->user_data, __entry->fd)
);

/*
 * A request goes to io-wq. @flags: its IOSQE_* flags; @rw: 1 for the
 * unbound pool, 0 for the bounded one.
 */
TRACE_EVENT(io_uring_queue_async_work,
	    TP_PROTO(struct io_kiocb *req, int rw),
	    TP_ARGS(req, rw),
	    TP_STRUCT__entry(IO_TP_REQ_FIELDS(u64, user_data)
			     __field(unsigned long long, flags)
			     __field(struct io_wq_work *, work)
			     __field(int, rw)
			     __string(op_str, io_uring_get_opcode(req->opcode))
	    ),
	    TP_fast_assign(IO_TP_REQ_FILL(req, user_data);
			   __entry->flags = req->sqe_flags;
			   __entry->work = &req->work;
			   __entry->rw = rw;
			   __assign_str(op_str);
	    ),
	    TP_printk("%s req %p (ring %p, user_data 0x%llx, sqe flags 0x%llx) to the %s pool as work %p",
		      __get_str(op_str), __entry->req, __entry->ctx,
		      __entry->user_data, __entry->flags,
		      __entry->rw ? "unbound" : "bound", __entry->work)
);

/* IOSQE_IO_DRAIN holds back the chain @req heads. */
TRACE_EVENT(io_uring_defer,
	    TP_PROTO(struct io_kiocb *req),
	    TP_ARGS(req),
	    TP_STRUCT__entry(IO_TP_REQ_FIELDS(unsigned long long, data)
			     __string(op_str, io_uring_get_opcode(req->opcode))
	    ),
	    TP_fast_assign(IO_TP_REQ_FILL(req, data);
			   __assign_str(op_str);
	    ),
	    TP_printk("%s req %p (ring %p, user_data 0x%llx) held by a drain",
		      __get_str(op_str), __entry->req, __entry->ctx, __entry->data)
);

/* @req joins the link chain headed by @target_req (none: a new chain). */
TRACE_EVENT_CONDITION(io_uring_link,
		      TP_PROTO(struct io_kiocb *req, struct io_kiocb *target_req),
		      TP_ARGS(req, target_req),
		      TP_CONDITION(target_req),
		      TP_STRUCT__entry(__field(void *, ctx)
				       __field(void *, req)
				       __field(void *, target_req)
		      ),
		      TP_fast_assign(__entry->ctx = req->ctx;
				     __entry->req = req;
				     __entry->target_req = target_req;
		      ),
		      TP_printk("ring %p, request %p linked after %p",
				__entry->ctx, __entry->req, __entry->target_req)
);

/* A task waits for @min_events completions. */
TRACE_EVENT(io_uring_cqring_wait,
	    TP_PROTO(struct io_ring_ctx *ctx, int min_events),
	    TP_ARGS(ctx, min_events),
	    TP_STRUCT__entry(__field(void *, ctx)
			     __field(int, min_events)
	    ),
	    TP_fast_assign(__entry->ctx = ctx;
			   __entry->min_events = min_events;
	    ),
	    TP_printk("ring %p: waiting for %d CQEs", __entry->ctx,
		      __entry->min_events)
);

/* @link is cancelled because @req, ahead of it in its chain, failed. */
TRACE_EVENT(io_uring_fail_link,
	    TP_PROTO(struct io_kiocb *req, struct io_kiocb *link),
	    TP_ARGS(req, link),
	    TP_STRUCT__entry(IO_TP_REQ_FIELDS(unsigned long long, user_data)
			     __field(void *, link)
			     __string(op_str, io_uring_get_opcode(req->opcode))
	    ),
	    TP_fast_assign(IO_TP_REQ_FILL(req, user_data);
			   __entry->link = link;
			   __assign_str(op_str);
	    ),
	    TP_printk("%s req %p (ring %p, user_data 0x%llx) failed: %p is cancelled",
		      __get_str(op_str), __entry->req, __entry->ctx,
		      __entry->user_data, __entry->link)
);

/*
 * A CQE is posted, into the CQ ring or its overflow list. @req: NULL for
 * a CQE no request posts (a resource tag, a message from another ring);
 * @big: the extra words of a CQE32 ring's CQE, or NULL.
 */
TRACE_EVENT(io_uring_complete,
	    TP_PROTO(struct io_ring_ctx *ctx, struct io_kiocb *req, u64 user_data,
		     int res, unsigned int cflags, const u64 *big),
	    TP_ARGS(ctx, req, user_data, res, cflags, big),
	    TP_STRUCT__entry(__field(void *, ctx)
			     __field(void *, req)
			     __field(u64, user_data)
			     __field(int, res)
			     __field(unsigned, cflags)
			     __field(u64, extra1)
			     __field(u64, extra2)
	    ),
	    TP_fast_assign(__entry->ctx = ctx;
			   __entry->req = req;
			   __entry->user_data = user_data;
			   __entry->res = res;
			   __entry->cflags = cflags;
			   __entry->extra1 = big ? big[0] : 0;
			   __entry->extra2 = big ? big[1] : 0;
	    ),
	    TP_printk("req %p (ring %p, user_data 0x%llx): res %d cflags 0x%x big %llu %llu",
		      __entry->req, __entry->ctx, __entry->user_data,
		      __entry->res, __entry->cflags,
		      (unsigned long long)__entry->extra1,
		      (unsigned long long)__entry->extra2)
);

/* An SQE became request @req and passed its checks; @flags: IOSQE_*. */
TRACE_EVENT(io_uring_submit_req,
	    TP_PROTO(struct io_kiocb *req),
	    TP_ARGS(req),
	    TP_STRUCT__entry(IO_TP_REQ_FIELDS(unsigned long long, user_data)
			     __field(unsigned long long, flags)
			     __field(bool, sq_thread)
			     __string(op_str, io_uring_get_opcode(req->opcode))
	    ),
	    TP_fast_assign(IO_TP_REQ_FILL(req, user_data);
			   __entry->flags = req->sqe_flags;
			   __entry->sq_thread = req->ctx->flags & IORING_SETUP_SQPOLL;
			   __assign_str(op_str);
	    ),
	    TP_printk("%s req %p (ring %p, user_data 0x%llx, sqe flags 0x%llx)%s",
		      __get_str(op_str), __entry->req, __entry->ctx,
		      __entry->user_data, __entry->flags,
		      __entry->sq_thread ? " from the SQ thread" : "")
);

/*
 * A poll is queued on @req's file: a POLL_ADD, or a request waiting to be
 * issued again. @mask: the events ready already; @events: those waited for.
 */
TRACE_EVENT(io_uring_poll_arm,
	    TP_PROTO(struct io_kiocb *req, int mask, int events),
	    TP_ARGS(req, mask, events),
	    TP_STRUCT__entry(IO_TP_REQ_FIELDS(unsigned long long, user_data)
			     __field(int, mask)
			     __field(int, events)
			     __string(op_str, io_uring_get_opcode(req->opcode))
	    ),
	    TP_fast_assign(IO_TP_REQ_FILL(req, user_data);
			   __entry->mask = mask;
			   __entry->events = events;
			   __assign_str(op_str);
	    ),
	    TP_printk("%s req %p (ring %p, user_data 0x%llx) polls for 0x%x, ready 0x%x",
		      __get_str(op_str), __entry->req, __entry->ctx,
		      __entry->user_data, __entry->events, __entry->mask)
);

/* @req is queued to run in its task; @mask: poll events behind it, if any. */
TRACE_EVENT(io_uring_task_add,
	    TP_PROTO(struct io_kiocb *req, int mask),
	    TP_ARGS(req, mask),
	    TP_STRUCT__entry(IO_TP_REQ_FIELDS(unsigned long long, user_data)
			     __field(int, mask)
			     __string(op_str, io_uring_get_opcode(req->opcode))
	    ),
	    TP_fast_assign(IO_TP_REQ_FILL(req, user_data);
			   __entry->mask = mask;
			   __assign_str(op_str);
	    ),
	    TP_printk("%s req %p (ring %p, user_data 0x%llx) to task_work, mask 0x%x",
		      __get_str(op_str), __entry->req, __entry->ctx,
		      __entry->user_data, __entry->mask)
);

/*
 * An SQE failed its checks with @error. Everything but the pointers is
 * read from the SQE as userspace wrote it (an unknown opcode included).
 */
TRACE_EVENT(io_uring_req_failed,
	    TP_PROTO(const struct io_uring_sqe *sqe, struct io_kiocb *req,
		     int error),
	    TP_ARGS(sqe, req, error),
	    TP_STRUCT__entry(IO_TP_REQ_FIELDS(unsigned long long, user_data)
			     __field(u8, flags)
			     __field(u8, ioprio)
			     __field(u64, off)
			     __field(u64, addr)
			     __field(u32, len)
			     __field(u32, op_flags)
			     __field(u16, buf_index)
			     __field(u16, personality)
			     __field(u32, file_index)
			     __field(u64, pad1)
			     __field(u64, addr3)
			     __field(int, error)
			     __string(op_str, io_uring_get_opcode(READ_ONCE(sqe->opcode)))
	    ),
	    TP_fast_assign(__entry->ctx = req->ctx;
			   __entry->req = req;
			   __entry->user_data = READ_ONCE(sqe->user_data);
			   __entry->opcode = READ_ONCE(sqe->opcode);
			   __entry->flags = READ_ONCE(sqe->flags);
			   __entry->ioprio = READ_ONCE(sqe->ioprio);
			   __entry->off = READ_ONCE(sqe->off);
			   __entry->addr = READ_ONCE(sqe->addr);
			   __entry->len = READ_ONCE(sqe->len);
			   __entry->op_flags = READ_ONCE(sqe->rw_flags);
			   __entry->buf_index = READ_ONCE(sqe->buf_index);
			   __entry->personality = READ_ONCE(sqe->personality);
			   __entry->file_index = READ_ONCE(sqe->file_index);
			   __entry->pad1 = READ_ONCE(sqe->__pad2[0]);
			   __entry->addr3 = READ_ONCE(sqe->addr3);
			   __entry->error = error;
			   __assign_str(op_str);
	    ),
	    TP_printk("%s req %p (ring %p, user_data 0x%llx) failed with %d: sqe flags 0x%x ioprio %d off %llu addr 0x%llx len %u op_flags 0x%x buf_index %d personality %d file_index %u pad1 0x%llx addr3 0x%llx",
		      __get_str(op_str), __entry->req, __entry->ctx,
		      __entry->user_data, __entry->error, __entry->flags,
		      __entry->ioprio, (unsigned long long)__entry->off,
		      (unsigned long long)__entry->addr, __entry->len,
		      __entry->op_flags, __entry->buf_index, __entry->personality,
		      __entry->file_index, (unsigned long long)__entry->pad1,
		      (unsigned long long)__entry->addr3)
);

/*
 * The CQ ring is full: a CQE goes to the overflow list at @ocqe, or is
 * lost (@ocqe NULL) for lack of memory.
 */
TRACE_EVENT(io_uring_cqe_overflow,
	    TP_PROTO(struct io_ring_ctx *ctx, const struct io_uring_cqe *cqe,
		     void *ocqe),
	    TP_ARGS(ctx, cqe, ocqe),
	    TP_STRUCT__entry(__field(void *, ctx)
			     __field(unsigned long long, user_data)
			     __field(s32, res)
			     __field(u32, cflags)
			     __field(void *, ocqe)
	    ),
	    TP_fast_assign(__entry->ocqe = ocqe;
			   __entry->ctx = ctx;
			   __entry->user_data = cqe->user_data;
			   __entry->res = cqe->res;
			   __entry->cflags = cqe->flags;
	    ),
	    TP_printk("ring %p: CQE of user_data 0x%llx (res %d, cflags 0x%x) %s %p",
		      __entry->ctx, __entry->user_data, __entry->res,
		      __entry->cflags, __entry->ocqe ? "kept at" : "lost",
		      __entry->ocqe)
);

/* A task's task_work ran @count request callbacks. */
TRACE_EVENT(io_uring_task_work_run,
	    TP_PROTO(struct io_uring_task *tctx, unsigned int count),
	    TP_ARGS(tctx, count),
	    TP_STRUCT__entry(__field(void *, tctx)
			     __field(unsigned int, count)
	    ),
	    TP_fast_assign(__entry->tctx = tctx;
			   __entry->count = count;
	    ),
	    TP_printk("tctx %p ran %u callbacks", __entry->tctx,
		      __entry->count)
);

/* A buffered write to a regular file wrote @got of @wanted bytes at @fpos. */
TRACE_EVENT(io_uring_short_write,
	    TP_PROTO(struct io_ring_ctx *ctx, u64 fpos, u64 wanted, u64 got),
	    TP_ARGS(ctx, fpos, wanted, got),
	    TP_STRUCT__entry(__field(void *, ctx)
			     __field(u64, fpos)
			     __field(u64, wanted)
			     __field(u64, got)
	    ),
	    TP_fast_assign(__entry->ctx = ctx;
			   __entry->fpos = fpos;
			   __entry->wanted = wanted;
			   __entry->got = got;
	    ),
	    TP_printk("ring %p: wrote %lld of %lld bytes at %lld",
		      __entry->ctx, (long long)__entry->got,
		      (long long)__entry->wanted, (long long)__entry->fpos)
);

/* @count callbacks of @ctx queued for DEFER_TASKRUN ran in @loops passes. */
TRACE_EVENT(io_uring_local_work_run,
	    TP_PROTO(struct io_ring_ctx *ctx, int count, unsigned int loops),
	    TP_ARGS(ctx, count, loops),
	    TP_STRUCT__entry(__field(void *, ctx)
			     __field(int, count)
			     __field(unsigned int, loops)
	    ),
	    TP_fast_assign(__entry->ctx = ctx;
			   __entry->count = count;
			   __entry->loops = loops;
	    ),
	    TP_printk("ring %p ran %d callbacks in %u loops",
		      __entry->ctx, __entry->count, __entry->loops)
);

#endif /* _TRACE_IO_URING_H */

/* This part must be outside protection */
#include <trace/define_trace.h>
