// SPDX-License-Identifier: GPL-2.0
/*
 * The bodies of the io_uring selftests' helpers (uring_helpers.h says what
 * each does), built into every test program.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "uring_helpers.h"

int sys_io_uring_setup(unsigned int entries, struct io_uring_params *p)
{
	long ret = syscall(__NR_io_uring_setup, entries, p);

	return ret < 0 ? -errno : (int)ret;
}

int sys_io_uring_enter(int fd, unsigned int to_submit,
		       unsigned int min_complete, unsigned int flags)
{
	long ret = syscall(__NR_io_uring_enter, fd, to_submit, min_complete,
			   flags, NULL, _NSIG / 8);

	return ret < 0 ? -errno : (int)ret;
}

int sys_io_uring_register(int fd, unsigned int opcode, const void *arg,
			  unsigned int nr_args)
{
	long ret = syscall(__NR_io_uring_register, fd, opcode, arg, nr_args);

	return ret < 0 ? -errno : (int)ret;
}

int uring_alloc_user_mem(struct io_uring_params *p)
{
	size_t pg = uring_page_size();
	void *rings, *sqes;

	rings = mmap(NULL, pg, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (rings == MAP_FAILED)
		return -errno;
	sqes = mmap(NULL, pg, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (sqes == MAP_FAILED) {
		munmap(rings, pg);
		return -errno;
	}
	p->cq_off.user_addr = (unsigned long)rings;
	p->sq_off.user_addr = (unsigned long)sqes;
	return 0;
}

void uring_unmap(struct uring *r)
{
	if (r->sqes_ptr && r->sqes_ptr != MAP_FAILED)
		munmap(r->sqes_ptr, r->sqes_sz);
	if (r->cq_ring_ptr && r->cq_ring_ptr != MAP_FAILED &&
	    r->cq_ring_ptr != r->sq_ring_ptr)
		munmap(r->cq_ring_ptr, r->cq_ring_sz);
	if (r->sq_ring_ptr && r->sq_ring_ptr != MAP_FAILED)
		munmap(r->sq_ring_ptr, r->sq_ring_sz);
	r->sqes_ptr = NULL;
	r->cq_ring_ptr = NULL;
	r->sq_ring_ptr = NULL;
}

int uring_map(struct uring *r, int fd, const struct io_uring_params *p)
{
	size_t sq_sz, cq_sz, end;

	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->flags = p->flags;
	r->features = p->features;
	r->sq_entries = p->sq_entries;
	r->cq_entries = p->cq_entries;
	r->sqe_size = (p->flags & IORING_SETUP_SQE128) ? 128 : 64;
	r->cqe_size = (p->flags & IORING_SETUP_CQE32) ? 32 : 16;

	sq_sz = p->sq_off.array + p->sq_entries * sizeof(unsigned int);
	end = (size_t)p->sq_off.dropped + sizeof(unsigned int);
	if (end > sq_sz)
		sq_sz = end;
	end = (size_t)p->sq_off.flags + sizeof(unsigned int);
	if (end > sq_sz)
		sq_sz = end;
	cq_sz = p->cq_off.cqes + (size_t)p->cq_entries * r->cqe_size;
	r->sqes_sz = (size_t)p->sq_entries * r->sqe_size;

	if (p->flags & IORING_SETUP_NO_MMAP) {
		/* caller owned memory, uring_exit() leaves it alone */
		r->sq_ring_sz = uring_page_size();
		r->cq_ring_sz = r->sq_ring_sz;
		r->sqes_sz = r->sq_ring_sz;
		r->sq_ring_ptr = (void *)(unsigned long)p->cq_off.user_addr;
		r->cq_ring_ptr = r->sq_ring_ptr;
		r->sqes_ptr = (void *)(unsigned long)p->sq_off.user_addr;
	} else {
		if (p->features & IORING_FEAT_SINGLE_MMAP) {
			if (cq_sz > sq_sz)
				sq_sz = cq_sz;
			cq_sz = sq_sz;
		}
		r->sq_ring_sz = sq_sz;
		r->cq_ring_sz = cq_sz;
		r->sq_ring_ptr = mmap(NULL, sq_sz, PROT_READ | PROT_WRITE,
				      MAP_SHARED | MAP_POPULATE, fd,
				      IORING_OFF_SQ_RING);
		if (r->sq_ring_ptr == MAP_FAILED)
			goto fail;
		if (p->features & IORING_FEAT_SINGLE_MMAP) {
			r->cq_ring_ptr = r->sq_ring_ptr;
		} else {
			r->cq_ring_ptr = mmap(NULL, cq_sz,
					      PROT_READ | PROT_WRITE,
					      MAP_SHARED | MAP_POPULATE, fd,
					      IORING_OFF_CQ_RING);
			if (r->cq_ring_ptr == MAP_FAILED)
				goto fail;
		}
		r->sqes_ptr = mmap(NULL, r->sqes_sz, PROT_READ | PROT_WRITE,
				   MAP_SHARED | MAP_POPULATE, fd,
				   IORING_OFF_SQES);
		if (r->sqes_ptr == MAP_FAILED)
			goto fail;
	}

	r->sq_head = (unsigned int *)((char *)r->sq_ring_ptr + p->sq_off.head);
	r->sq_tail = (unsigned int *)((char *)r->sq_ring_ptr + p->sq_off.tail);
	r->sq_mask = (unsigned int *)((char *)r->sq_ring_ptr +
				      p->sq_off.ring_mask);
	r->sq_ring_entries = (unsigned int *)((char *)r->sq_ring_ptr +
					      p->sq_off.ring_entries);
	r->sq_flags = (unsigned int *)((char *)r->sq_ring_ptr +
				       p->sq_off.flags);
	r->sq_dropped = (unsigned int *)((char *)r->sq_ring_ptr +
					 p->sq_off.dropped);
	if (!(p->flags & IORING_SETUP_NO_SQARRAY))
		r->sq_array = (unsigned int *)((char *)r->sq_ring_ptr +
					       p->sq_off.array);
	r->sqes = r->sqes_ptr;

	r->cq_head = (unsigned int *)((char *)r->cq_ring_ptr + p->cq_off.head);
	r->cq_tail = (unsigned int *)((char *)r->cq_ring_ptr + p->cq_off.tail);
	r->cq_mask = (unsigned int *)((char *)r->cq_ring_ptr +
				      p->cq_off.ring_mask);
	r->cq_ring_entries = (unsigned int *)((char *)r->cq_ring_ptr +
					      p->cq_off.ring_entries);
	r->cq_overflow = (unsigned int *)((char *)r->cq_ring_ptr +
					  p->cq_off.overflow);
	r->cq_flags = (unsigned int *)((char *)r->cq_ring_ptr +
				       p->cq_off.flags);
	r->cqes = (char *)r->cq_ring_ptr + p->cq_off.cqes;

	r->sqe_tail = uring_load(r->sq_tail);
	r->sqe_flushed = r->sqe_tail;
	return 0;
fail:
	{
		int err = -errno;

		uring_unmap(r);
		return err;
	}
}

int uring_init_params(struct uring *r, unsigned int entries,
		      struct io_uring_params *p)
{
	int fd, ret;
	bool own_mem = false;

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	if ((p->flags & IORING_SETUP_NO_MMAP) && !p->cq_off.user_addr &&
	    !p->sq_off.user_addr) {
		ret = uring_alloc_user_mem(p);
		if (ret)
			return ret;
		own_mem = true;
	}

	fd = sys_io_uring_setup(entries, p);
	if (fd < 0) {
		ret = fd;
		goto err_mem;
	}
	ret = uring_map(r, fd, p);
	if (ret) {
		close(fd);
		r->fd = -1;
		goto err_mem;
	}
	r->user_mem = own_mem;
	return 0;
err_mem:
	if (own_mem) {
		munmap((void *)(unsigned long)p->cq_off.user_addr,
		       uring_page_size());
		munmap((void *)(unsigned long)p->sq_off.user_addr,
		       uring_page_size());
	}
	return ret;
}

int uring_init(struct uring *r, unsigned int entries, unsigned int flags)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = flags;
	return uring_init_params(r, entries, &p);
}

void uring_exit(struct uring *r)
{
	if (r->user_mem || !(r->flags & IORING_SETUP_NO_MMAP))
		uring_unmap(r);
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
}

struct io_uring_sqe *uring_get_sqe(struct uring *r)
{
	unsigned int head = uring_load(r->sq_head);
	struct io_uring_sqe *sqe;

	if (r->sqe_tail - head >= r->sq_entries)
		return NULL;
	sqe = (struct io_uring_sqe *)(r->sqes +
		(size_t)(r->sqe_tail & *r->sq_mask) * r->sqe_size);
	memset(sqe, 0, r->sqe_size);
	r->sqe_tail++;
	return sqe;
}

void uring_prep_nop(struct io_uring_sqe *sqe, __u64 user_data)
{
	sqe->opcode = IORING_OP_NOP;
	sqe->fd = -1;
	sqe->user_data = user_data;
}

int uring_queue_nop(struct uring *r, __u64 user_data, __u8 sqe_flags)
{
	struct io_uring_sqe *sqe = uring_get_sqe(r);

	if (!sqe)
		return -EBUSY;
	uring_prep_nop(sqe, user_data);
	sqe->flags = sqe_flags;
	return 0;
}

unsigned int uring_flush(struct uring *r)
{
	unsigned int mask = *r->sq_mask;
	unsigned int fresh = r->sqe_tail - r->sqe_flushed;

	if (r->sq_array) {
		for (; r->sqe_flushed != r->sqe_tail; r->sqe_flushed++)
			r->sq_array[r->sqe_flushed & mask] =
				r->sqe_flushed & mask;
	}
	r->sqe_flushed = r->sqe_tail;
	uring_store(r->sq_tail, r->sqe_tail);
	if (r->flags & IORING_SETUP_SQPOLL)
		return fresh;
	return r->sqe_tail - uring_load(r->sq_head);
}

int uring_enter(struct uring *r, unsigned int to_submit,
		unsigned int min_complete, unsigned int flags)
{
	int ret;

	if ((r->flags & IORING_SETUP_SQPOLL) &&
	    (uring_load(r->sq_flags) & IORING_SQ_NEED_WAKEUP))
		flags |= IORING_ENTER_SQ_WAKEUP;
	if (min_complete)
		alarm(URING_WAIT_SECS);
	ret = sys_io_uring_enter(r->fd, to_submit, min_complete, flags);
	if (min_complete)
		alarm(0);
	return ret;
}

int uring_submit_and_wait(struct uring *r, unsigned int wait_nr)
{
	unsigned int n = uring_flush(r);

	return uring_enter(r, n, wait_nr,
			   wait_nr ? IORING_ENTER_GETEVENTS : 0);
}

struct io_uring_cqe *uring_peek_cqe(struct uring *r)
{
	unsigned int head = *r->cq_head;

	if (head == uring_load(r->cq_tail))
		return NULL;
	return (struct io_uring_cqe *)(r->cqes +
		(size_t)(head & *r->cq_mask) * r->cqe_size);
}

int uring_get_cqe(struct uring *r, struct io_uring_cqe *out)
{
	struct io_uring_cqe *cqe;
	int ret;

	for (;;) {
		cqe = uring_peek_cqe(r);
		if (cqe) {
			out->user_data = cqe->user_data;
			out->res = cqe->res;
			out->flags = cqe->flags;
			uring_cqe_seen(r);
			return 0;
		}
		ret = uring_enter(r, 0, 1, IORING_ENTER_GETEVENTS);
		if (ret < 0 && ret != -EINTR)
			return ret;
	}
}

int uring_try_get_cqe(struct uring *r, struct io_uring_cqe *out)
{
	struct io_uring_cqe *cqe = uring_peek_cqe(r);

	if (!cqe)
		return -EAGAIN;
	out->user_data = cqe->user_data;
	out->res = cqe->res;
	out->flags = cqe->flags;
	uring_cqe_seen(r);
	return 0;
}

int lowest_free_fd(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	close(fd);
	return fd;
}

int try_setup(unsigned int entries, struct io_uring_params *p)
{
	int fd = sys_io_uring_setup(entries, p);

	if (fd >= 0)
		close(fd);
	return fd;
}

int try_flags(unsigned int entries, unsigned int flags)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = flags;
	return try_setup(entries, &p);
}

int run_child(int (*fn)(void *), void *arg)
{
	int status, i;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		alarm(URING_WAIT_SECS);
		_exit(fn(arg));
	}
	for (i = 0; i < CHILD_TIMEOUT_MS / 10; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	for (i = 0; i < 100; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		usleep(10000);
	}
	return -1;
}

ssize_t read_fdinfo(int fd, char *buf, size_t len)
{
	char path[64];
	ssize_t ret;
	int f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return -errno;
	ret = read(f, buf, len - 1);
	if (ret < 0)
		ret = -errno;
	else
		buf[ret] = '\0';
	close(f);
	return ret;
}

/* --- for the execution engine tests: iowq, exit_cancel, sqpoll, ... --- */

int sys_io_uring_enter2(int fd, unsigned int to_submit,
			unsigned int min_complete, unsigned int flags,
			const void *arg, size_t argsz)
{
	long ret = syscall(__NR_io_uring_enter, fd, to_submit, min_complete,
			   flags, arg, argsz);

	return ret < 0 ? -errno : (int)ret;
}

long long uring_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int uring_wait_cq_ms(struct uring *r, unsigned int n, unsigned int ms)
{
	long long deadline = uring_now_ms() + ms, left;
	struct io_uring_getevents_arg arg;
	struct __kernel_timespec ts;
	int ret;

	while (uring_cq_ready(r) < n) {
		left = deadline - uring_now_ms();
		if (left <= 0)
			return -ETIME;
		ts.tv_sec = left / 1000;
		ts.tv_nsec = (left % 1000) * 1000000;
		memset(&arg, 0, sizeof(arg));
		arg.ts = (__u64)(unsigned long)&ts;
		ret = sys_io_uring_enter2(r->fd, 0, n, IORING_ENTER_GETEVENTS |
					  IORING_ENTER_EXT_ARG, &arg,
					  sizeof(arg));
		if (ret < 0 && ret != -ETIME && ret != -EINTR)
			return ret;
	}
	return 0;
}

int uring_get_cqe_ms(struct uring *r, struct io_uring_cqe *out, unsigned int ms)
{
	int ret = uring_wait_cq_ms(r, 1, ms);

	return ret ?: uring_try_get_cqe(r, out);
}

int uring_run_one(struct uring *r)
{
	struct io_uring_cqe cqe;
	int ret = uring_submit(r);

	if (ret != 1)
		return ret < 0 ? ret : -EIO;
	ret = uring_get_cqe_ms(r, &cqe, 5000);
	return ret ? ret : cqe.res;
}

long long uring_proc_value(const char *path, const char *fmt)
{
	long long v = -1;
	char line[256];
	FILE *f;

	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, fmt, &v) == 1)
			break;
	fclose(f);
	return v;
}

long uring_vmpin_kb(pid_t pid)
{
	char path[64];

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/status");
	return uring_proc_value(path, "VmPin: %lld kB");
}

void uring_sq_resync(struct uring *r)
{
	r->sqe_tail = uring_load(r->sq_tail);
	r->sqe_flushed = r->sqe_tail;
}

void uring_prep_rw(struct io_uring_sqe *sqe, __u8 op, int fd, const void *addr,
		   unsigned int len, __u64 off, __u64 user_data)
{
	sqe->opcode = op;
	sqe->fd = fd;
	sqe->addr = (__u64)(unsigned long)addr;
	sqe->len = len;
	sqe->off = off;
	sqe->user_data = user_data;
}

void uring_prep_poll_add(struct io_uring_sqe *sqe, int fd, unsigned int events,
			 unsigned int poll_flags, __u64 user_data)
{
	sqe->opcode = IORING_OP_POLL_ADD;
	sqe->fd = fd;
	sqe->poll32_events = events;
	sqe->len = poll_flags;
	sqe->user_data = user_data;
}

void uring_prep_poll_remove(struct io_uring_sqe *sqe, __u64 target,
			    __u64 user_data)
{
	sqe->opcode = IORING_OP_POLL_REMOVE;
	sqe->fd = -1;
	sqe->addr = target;
	sqe->user_data = user_data;
}

void uring_prep_timeout(struct io_uring_sqe *sqe,
			const struct __kernel_timespec *ts, unsigned int count,
			unsigned int flags, __u64 user_data)
{
	sqe->opcode = IORING_OP_TIMEOUT;
	sqe->fd = -1;
	sqe->addr = (__u64)(unsigned long)ts;
	sqe->len = 1;
	sqe->off = count;
	sqe->timeout_flags = flags;
	sqe->user_data = user_data;
}

void uring_prep_timeout_remove(struct io_uring_sqe *sqe, __u64 target,
			       unsigned int flags, __u64 user_data)
{
	sqe->opcode = IORING_OP_TIMEOUT_REMOVE;
	sqe->fd = -1;
	sqe->addr = target;
	sqe->timeout_flags = flags;
	sqe->user_data = user_data;
}

void uring_prep_cancel(struct io_uring_sqe *sqe, __u64 target, int fd,
		       unsigned int flags, __u64 user_data)
{
	sqe->opcode = IORING_OP_ASYNC_CANCEL;
	sqe->fd = fd;
	sqe->addr = target;
	sqe->cancel_flags = flags;
	sqe->user_data = user_data;
}

void uring_prep_splice(struct io_uring_sqe *sqe, int fd_in, int fd_out,
		       unsigned int len, __u64 user_data)
{
	sqe->opcode = IORING_OP_SPLICE;
	sqe->fd = fd_out;
	sqe->off = (__u64)-1;
	sqe->splice_fd_in = fd_in;
	sqe->splice_off_in = (__u64)-1;
	sqe->len = len;
	sqe->user_data = user_data;
}

bool uring_op_supported(struct uring *r, unsigned int op)
{
	struct {
		struct io_uring_probe p;
		struct io_uring_probe_op ops[256];
	} probe;

	memset(&probe, 0, sizeof(probe));
	if (sys_io_uring_register(r->fd, IORING_REGISTER_PROBE, &probe, 256))
		return false;
	return op < probe.p.ops_len &&
	       (probe.p.ops[op].flags & IO_URING_OP_SUPPORTED);
}

int count_threads(pid_t pid, const char *prefix)
{
	char path[320], comm[32];
	size_t plen = strlen(prefix);
	struct dirent *de;
	int n = 0, f;
	ssize_t len;
	DIR *d;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/task");
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (pid)
			snprintf(path, sizeof(path), "/proc/%d/task/%s/comm",
				 (int)pid, de->d_name);
		else
			snprintf(path, sizeof(path), "/proc/self/task/%s/comm",
				 de->d_name);
		f = open(path, O_RDONLY | O_CLOEXEC);
		if (f < 0)
			continue;	/* the thread just exited */
		len = read(f, comm, sizeof(comm) - 1);
		close(f);
		if (len <= 0)
			continue;
		comm[len] = '\0';
		if (!strncmp(comm, prefix, plen))
			n++;
	}
	closedir(d);
	return n;
}

int wait_threads(pid_t pid, const char *prefix, bool at_least, int want, int ms)
{
	long long deadline = uring_now_ms() + ms;
	int n;

	for (;;) {
		n = count_threads(pid, prefix);
		if (n >= 0 && (at_least ? n >= want : n <= want))
			return n;
		if (uring_now_ms() >= deadline)
			return n;
		usleep(5000);
	}
}

int wait_child_ms(pid_t pid, int ms)
{
	long long deadline = uring_now_ms() + ms;
	int status;

	while (uring_now_ms() < deadline) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		usleep(2000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

/* --- sockets and provided buffers: echo --- */

void uring_prep_accept(struct io_uring_sqe *sqe, int fd,
		       unsigned int accept_flags, unsigned short ioprio,
		       __u64 user_data)
{
	sqe->opcode = IORING_OP_ACCEPT;
	sqe->fd = fd;
	sqe->accept_flags = accept_flags;
	sqe->ioprio = ioprio;
	sqe->user_data = user_data;
}

void uring_prep_recv(struct io_uring_sqe *sqe, int fd, void *addr,
		     unsigned int len, unsigned int msg_flags, __u64 user_data)
{
	sqe->opcode = IORING_OP_RECV;
	sqe->fd = fd;
	sqe->addr = (__u64)(unsigned long)addr;
	sqe->len = len;
	sqe->msg_flags = msg_flags;
	sqe->user_data = user_data;
}

void uring_prep_send(struct io_uring_sqe *sqe, int fd, const void *addr,
		     unsigned int len, unsigned int msg_flags, __u64 user_data)
{
	sqe->opcode = IORING_OP_SEND;
	sqe->fd = fd;
	sqe->addr = (__u64)(unsigned long)addr;
	sqe->len = len;
	sqe->msg_flags = msg_flags;
	sqe->user_data = user_data;
}

void uring_prep_provide_buffers(struct io_uring_sqe *sqe, void *addr,
				unsigned int len, int nr, __u16 bgid, __u16 bid,
				__u64 user_data)
{
	sqe->opcode = IORING_OP_PROVIDE_BUFFERS;
	sqe->fd = nr;
	sqe->addr = (__u64)(unsigned long)addr;
	sqe->len = len;
	sqe->off = bid;
	sqe->buf_group = bgid;
	sqe->user_data = user_data;
}

int uring_register_pbuf_ring(struct uring *r, void *ring, unsigned int entries,
			     __u16 bgid)
{
	struct io_uring_buf_reg reg;

	memset(&reg, 0, sizeof(reg));
	reg.ring_addr = (__u64)(unsigned long)ring;
	reg.ring_entries = entries;
	reg.bgid = bgid;
	return sys_io_uring_register(r->fd, IORING_REGISTER_PBUF_RING, &reg, 1);
}

int uring_unregister_pbuf_ring(struct uring *r, __u16 bgid)
{
	struct io_uring_buf_reg reg;

	memset(&reg, 0, sizeof(reg));
	reg.bgid = bgid;
	return sys_io_uring_register(r->fd, IORING_UNREGISTER_PBUF_RING,
				     &reg, 1);
}

int uring_pbuf_head(struct uring *r, unsigned int bgid, unsigned int *head)
{
	struct io_uring_buf_status st;
	int ret;

	memset(&st, 0, sizeof(st));
	st.buf_group = bgid;
	ret = sys_io_uring_register(r->fd, IORING_REGISTER_PBUF_STATUS,
				    &st, 1);
	if (!ret)
		*head = st.head;
	return ret;
}

void uring_buf_ring_add(struct io_uring_buf_ring *br, unsigned int mask,
			__u16 tail, void *addr, unsigned int len, __u16 bid)
{
	struct io_uring_buf *buf = &br->bufs[tail & mask];

	buf->addr = (__u64)(unsigned long)addr;
	buf->len = len;
	buf->bid = bid;
}

/* --- the block device of the device tests: dio, security, lsm_smack --- */

/* $IO_URING_TEST_BLKDEV, or NULL (and why says so) if unset or empty. */
static const char *blkdev_path(char *why, size_t len)
{
	const char *dev = getenv(URING_BLKDEV_ENV);

	if (dev && *dev)
		return dev;
	if (why)
		snprintf(why, len, "%s not set: no block device to test on",
			 URING_BLKDEV_ENV);
	return NULL;
}

int uring_open_blkdev(int flags, char *why, size_t len)
{
	const char *dev = blkdev_path(why, len);
	int fd, err;

	if (!dev)
		return -ENOENT;
	fd = open(dev, flags);
	if (fd >= 0)
		return fd;
	err = errno;
	if (why)
		snprintf(why, len, "cannot open %s=%s: %s", URING_BLKDEV_ENV,
			 dev, strerror(err));
	return -err;
}

int uring_blkdev_ng_path(char *path, size_t len, char *why, size_t wlen)
{
	const char *dev = blkdev_path(why, wlen), *base;
	unsigned int ctrl, ns;
	char real[PATH_MAX];
	struct stat st;
	int end = 0;

	if (!dev)
		return -ENOENT;
	if (!realpath(dev, real)) {
		int err = errno;

		if (why)
			snprintf(why, wlen, "cannot resolve %s=%s: %s",
				 URING_BLKDEV_ENV, dev, strerror(err));
		return -err;
	}
	base = strrchr(real, '/');
	base = base ? base + 1 : real;
	/* nvme<ctrl>n<ns> and nothing after it: a whole namespace */
	if (sscanf(base, "nvme%un%u%n", &ctrl, &ns, &end) != 2 || base[end]) {
		if (why)
			snprintf(why, wlen, "%s=%s: not an NVMe namespace",
				 URING_BLKDEV_ENV, dev);
		return -ENODEV;
	}
	snprintf(path, len, "/dev/ng%un%u", ctrl, ns);
	if (stat(path, &st) || !S_ISCHR(st.st_mode)) {
		if (why)
			snprintf(why, wlen, "%s=%s: no NVMe char device %s",
				 URING_BLKDEV_ENV, dev, path);
		return -ENODEV;
	}
	return 0;
}
