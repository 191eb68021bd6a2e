/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal raw-syscall io_uring helpers for the io_uring selftests. Their
 * bodies are in uring_helpers.c, which every test program links; only the
 * one-line ring accessors are inline here.
 *
 * Everything returns 0 / a count on success and -errno on failure so that
 * tests can compare directly against negative error codes.
 */
#ifndef __SELFTEST_IO_URING_HELPERS_H
#define __SELFTEST_IO_URING_HELPERS_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/io_uring.h>

#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup	425
#endif
#ifndef __NR_io_uring_enter
#define __NR_io_uring_enter	426
#endif
#ifndef __NR_io_uring_register
#define __NR_io_uring_register	427
#endif

/* Upper bound for any single blocking wait on a ring, in seconds. */
#define URING_WAIT_SECS		5

/* How long run_child() waits for its child, in milliseconds. */
#define CHILD_TIMEOUT_MS	(URING_WAIT_SECS * 1000)

struct uring {
	int fd;
	unsigned int flags;		/* setup flags */
	unsigned int features;
	unsigned int sq_entries;
	unsigned int cq_entries;

	unsigned int *sq_head;
	unsigned int *sq_tail;
	unsigned int *sq_mask;
	unsigned int *sq_ring_entries;
	unsigned int *sq_flags;
	unsigned int *sq_dropped;
	unsigned int *sq_array;		/* NULL with IORING_SETUP_NO_SQARRAY */
	char *sqes;
	unsigned int sqe_size;
	unsigned int sqe_tail;		/* next SQE slot handed out */
	unsigned int sqe_flushed;	/* SQEs already published to tail */

	unsigned int *cq_head;
	unsigned int *cq_tail;
	unsigned int *cq_mask;
	unsigned int *cq_ring_entries;
	unsigned int *cq_overflow;
	unsigned int *cq_flags;
	char *cqes;
	unsigned int cqe_size;

	void *sq_ring_ptr;
	size_t sq_ring_sz;
	void *cq_ring_ptr;
	size_t cq_ring_sz;
	void *sqes_ptr;
	size_t sqes_sz;
	bool user_mem;			/* we allocated the NO_MMAP memory */
};

/* The three system calls: their result, or -errno. */
int sys_io_uring_setup(unsigned int entries, struct io_uring_params *p);
int sys_io_uring_enter(int fd, unsigned int to_submit,
		       unsigned int min_complete, unsigned int flags);
int sys_io_uring_register(int fd, unsigned int opcode, const void *arg,
			  unsigned int nr_args);

static inline unsigned int uring_load(const unsigned int *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void uring_store(unsigned int *p, unsigned int v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static inline size_t uring_page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

/*
 * Memory handed to the kernel with IORING_SETUP_NO_MMAP: one page for the
 * SQ/CQ rings and one for the SQEs, which is plenty for small rings and
 * keeps each region within a single page (no huge page needed).
 */
int uring_alloc_user_mem(struct io_uring_params *p);

/* Map the rings of an already set up ring fd, or point into user memory. */
int uring_map(struct uring *r, int fd, const struct io_uring_params *p);
/* Undo uring_map()'s mappings; the ring fd stays open. */
void uring_unmap(struct uring *r);

/* Set up a ring with caller supplied params and map it. */
int uring_init_params(struct uring *r, unsigned int entries,
		      struct io_uring_params *p);
/* uring_init_params() with just the IORING_SETUP_* flags. */
int uring_init(struct uring *r, unsigned int entries, unsigned int flags);

/* Unmap (or free the NO_MMAP memory) and close the ring. */
void uring_exit(struct uring *r);

/* Next free SQE, zeroed, or NULL if the SQ ring is full. */
struct io_uring_sqe *uring_get_sqe(struct uring *r);

/* Fill sqe in as a NOP. */
void uring_prep_nop(struct io_uring_sqe *sqe, __u64 user_data);

/* Queue one NOP; returns 0 or -EBUSY if the SQ ring is full. */
int uring_queue_nop(struct uring *r, __u64 user_data, __u8 sqe_flags);

/*
 * Publish locally queued SQEs to the kernel by moving the SQ tail.
 * Returns the number of SQEs the kernel has not consumed yet, or for
 * SQPOLL rings (where the kernel thread consumes them on its own) the
 * number of SQEs published by this call.
 */
unsigned int uring_flush(struct uring *r);

/*
 * io_uring_enter(2) on the ring, waking its SQ thread if it sleeps. A wait
 * for completions runs under alarm(URING_WAIT_SECS): SIGALRM ends a test
 * that would hang.
 */
int uring_enter(struct uring *r, unsigned int to_submit,
		unsigned int min_complete, unsigned int flags);

/* Submit everything queued and optionally wait for wait_nr completions. */
int uring_submit_and_wait(struct uring *r, unsigned int wait_nr);

static inline int uring_submit(struct uring *r)
{
	return uring_submit_and_wait(r, 0);
}

/* Number of CQEs currently visible in the CQ ring. */
static inline unsigned int uring_cq_ready(struct uring *r)
{
	return uring_load(r->cq_tail) - *r->cq_head;
}

/* The CQE at the head of the CQ ring, or NULL; uring_cqe_seen() consumes it. */
struct io_uring_cqe *uring_peek_cqe(struct uring *r);

static inline void uring_cqe_seen(struct uring *r)
{
	uring_store(r->cq_head, *r->cq_head + 1);
}

/*
 * Wait for one CQE, copy it to *out and consume it. Waits at most
 * URING_WAIT_SECS (SIGALRM terminates the test otherwise).
 */
int uring_get_cqe(struct uring *r, struct io_uring_cqe *out);

/* Consume a CQE only if one is already available; -EAGAIN otherwise. */
int uring_try_get_cqe(struct uring *r, struct io_uring_cqe *out);

/* Lowest file descriptor number that is currently free. */
int lowest_free_fd(void);

/* Set up a ring, returning fd or -errno, and close it again on success. */
int try_setup(unsigned int entries, struct io_uring_params *p);
/* try_setup() with just the IORING_SETUP_* flags. */
int try_flags(unsigned int entries, unsigned int flags);

/*
 * Run fn(arg) in a child process and return its wait status, or -1 if it
 * did not terminate within CHILD_TIMEOUT_MS.
 */
int run_child(int (*fn)(void *), void *arg);

/* Read /proc/self/fdinfo/<fd> into buf; returns its length or -errno. */
ssize_t read_fdinfo(int fd, char *buf, size_t len);

/* --- for the execution engine tests: iowq, exit_cancel, sqpoll, ... --- */

/* io_uring_enter(2) with an extended argument (IORING_ENTER_EXT_ARG). */
int sys_io_uring_enter2(int fd, unsigned int to_submit,
			unsigned int min_complete, unsigned int flags,
			const void *arg, size_t argsz);

/* CLOCK_MONOTONIC in milliseconds. */
long long uring_now_ms(void);

/*
 * Wait at most ms milliseconds for the CQ ring to hold at least n CQEs.
 * The wait is bounded by the kernel (IORING_ENTER_EXT_ARG timeout), not
 * by a signal: -ETIME if they did not arrive in time, so a lost completion
 * fails the test instead of hanging it.
 */
int uring_wait_cq_ms(struct uring *r, unsigned int n, unsigned int ms);

/* Wait at most ms milliseconds for one CQE, copy it to *out, consume it. */
int uring_get_cqe_ms(struct uring *r, struct io_uring_cqe *out,
		     unsigned int ms);

/*
 * Submit the one prepared SQE and return its CQE's result (a negative
 * errno if it was not submitted or no CQE came within 5 s).
 */
int uring_run_one(struct uring *r);

/*
 * The number in the first line of a /proc file that fmt (one %lld, e.g.
 * "VmPin: %lld kB") matches, or -1.
 */
long long uring_proc_value(const char *path, const char *fmt);

/* VmPin of process pid (0: this one) in kB, or -1. */
long uring_vmpin_kb(pid_t pid);

/*
 * Take over the SQ tail after another process (a forked child sharing the
 * mapping) submitted through this ring.
 */
void uring_sq_resync(struct uring *r);

/* Free SQ slots as seen by this submitter. */
static inline unsigned int uring_sq_space(struct uring *r)
{
	return r->sq_entries - (r->sqe_tail - uring_load(r->sq_head));
}

/* The fields of a read or write (and most opcodes with an fd and a buffer). */
void uring_prep_rw(struct io_uring_sqe *sqe, __u8 op, int fd, const void *addr,
		   unsigned int len, __u64 off, __u64 user_data);

/* POLL_ADD: poll_flags go to sqe->len (IORING_POLL_ADD_MULTI, ...). */
void uring_prep_poll_add(struct io_uring_sqe *sqe, int fd, unsigned int events,
			 unsigned int poll_flags, __u64 user_data);

/* POLL_REMOVE of the poll request with user_data target. */
void uring_prep_poll_remove(struct io_uring_sqe *sqe, __u64 target,
			    __u64 user_data);

/* TIMEOUT (count completions in sqe->off, 0 for a pure timer). */
void uring_prep_timeout(struct io_uring_sqe *sqe,
			const struct __kernel_timespec *ts, unsigned int count,
			unsigned int flags, __u64 user_data);

/* TIMEOUT_REMOVE of timeout target (with IORING_TIMEOUT_UPDATE: update it). */
void uring_prep_timeout_remove(struct io_uring_sqe *sqe, __u64 target,
			       unsigned int flags, __u64 user_data);

/* ASYNC_CANCEL keyed by user_data target (or fd with CANCEL_FD). */
void uring_prep_cancel(struct io_uring_sqe *sqe, __u64 target, int fd,
		       unsigned int flags, __u64 user_data);

/* SPLICE from fd_in to fd_out at the current file positions. */
void uring_prep_splice(struct io_uring_sqe *sqe, int fd_in, int fd_out,
		       unsigned int len, __u64 user_data);

/* Whether REGISTER_PROBE reports opcode op as supported on this ring. */
bool uring_op_supported(struct uring *r, unsigned int op);

/*
 * Number of threads of process pid (0 for this process) whose comm starts
 * with prefix ("iou-wrk-" for io-wq workers, "iou-sqp-" for SQPOLL
 * threads), or -errno if the process has no /proc entry.
 */
int count_threads(pid_t pid, const char *prefix);

/*
 * Poll for at most ms milliseconds until count_threads(pid, prefix) is at
 * least (at_least) or at most (!at_least) want. Returns the last count.
 */
int wait_threads(pid_t pid, const char *prefix, bool at_least, int want,
		 int ms);

/*
 * Wait at most ms milliseconds for child pid to terminate and reap it.
 * Returns its wait status, or -1 if it had to be killed.
 */
int wait_child_ms(pid_t pid, int ms);

/* --- sockets and provided buffers: echo --- */

/* ACCEPT on listening socket fd; ioprio IORING_ACCEPT_MULTISHOT or 0. */
void uring_prep_accept(struct io_uring_sqe *sqe, int fd,
		       unsigned int accept_flags, unsigned short ioprio,
		       __u64 user_data);

/* RECV into addr/len (NULL and a length or 0 with IOSQE_BUFFER_SELECT). */
void uring_prep_recv(struct io_uring_sqe *sqe, int fd, void *addr,
		     unsigned int len, unsigned int msg_flags, __u64 user_data);

/* SEND of addr/len. */
void uring_prep_send(struct io_uring_sqe *sqe, int fd, const void *addr,
		     unsigned int len, unsigned int msg_flags, __u64 user_data);

/* Legacy PROVIDE_BUFFERS: nr buffers of len bytes at addr, ids from bid. */
void uring_prep_provide_buffers(struct io_uring_sqe *sqe, void *addr,
				unsigned int len, int nr, __u16 bgid, __u16 bid,
				__u64 user_data);

/* IORING_REGISTER_PBUF_RING of caller memory (page aligned, zeroed). */
int uring_register_pbuf_ring(struct uring *r, void *ring, unsigned int entries,
			     __u16 bgid);

int uring_unregister_pbuf_ring(struct uring *r, __u16 bgid);

/* IORING_REGISTER_PBUF_STATUS: the kernel's head of buffer ring bgid. */
int uring_pbuf_head(struct uring *r, unsigned int bgid, unsigned int *head);

/*
 * Fill the buffer ring slot at index tail (not yet visible to the kernel;
 * mask is ring_entries - 1).
 */
void uring_buf_ring_add(struct io_uring_buf_ring *br, unsigned int mask,
			__u16 tail, void *addr, unsigned int len, __u16 bid);

/* Make the slots filled up to (not including) tail visible to the kernel. */
static inline void uring_buf_ring_publish(struct io_uring_buf_ring *br,
					  __u16 tail)
{
	__atomic_store_n(&br->tail, tail, __ATOMIC_RELEASE);
}

/* --- the block device of the device tests: dio, security, lsm_smack --- */

/*
 * The environment variable naming the block device the device tests use
 * and overwrite, e.g. IO_URING_TEST_BLKDEV=/dev/nvme0n1; the NVMe
 * passthrough cases need an NVMe namespace. Without it they are skipped.
 */
#define URING_BLKDEV_ENV	"IO_URING_TEST_BLKDEV"

/*
 * Open $IO_URING_TEST_BLKDEV with the open(2) flags. Returns the fd, or
 * -errno (-ENOENT if the variable is unset or empty) with the reason,
 * naming the variable, in why (len bytes, NULL for none): the message of
 * the test's SKIP().
 */
int uring_open_blkdev(int flags, char *why, size_t len);

/*
 * The NVMe generic char device (/dev/ngXnY) of the namespace
 * $IO_URING_TEST_BLKDEV names (/dev/nvmeXnY or a link to it), in path.
 * Returns 0, or -errno with the reason in why as uring_open_blkdev() does.
 */
int uring_blkdev_ng_path(char *path, size_t len, char *why, size_t wlen);

#endif /* __SELFTEST_IO_URING_HELPERS_H */
