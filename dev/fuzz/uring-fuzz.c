// SPDX-License-Identifier: GPL-2.0
/*
 * uring-fuzz: a seeded, reproducible io_uring fuzzer (raw syscalls only).
 *
 *   uring-fuzz -s SEED -t SECS [-u UID | -U] [-j NPROC] [-e EPISODE] [-C] [-v]
 *
 * A supervisor forks NPROC episodes at a time until SECS seconds have passed.
 * Episode n takes every decision from its own PRNG, seeded with
 * hash(SEED, n): it sets up one to three rings with random setup flags, opens
 * a pool of file descriptors (files, O_DIRECT files, pipes, UNIX, TCP and UDP
 * sockets, eventfd, timerfd, epoll, signalfd, devices, the rings themselves,
 * closed and absurd numbers) and maps buffers, then runs a few hundred random
 * actions: batches of SQEs (plausible for their opcode most of the time,
 * malformed now and then), io_uring_enter with random flags and wait
 * arguments, io_uring_register with every opcode (cBPF filters and
 * restrictions on rings and on the episode's task too), provided buffers, and
 * lifecycle events (closing, duplicating, unmapping and moving rings, fork,
 * threads, execve, killing children mid-flight).
 *
 * Every episode runs in a process group of its own, under resource limits
 * and an alarm, so that a hang or a crash ends that episode only: the
 * supervisor kills stragglers and goes on. With -u the episodes drop to that
 * uid/gid first; -U runs half the time as root and half as uid 65534 (or
 * the -u UID). The same (SEED, n) makes the same episode, up to what the
 * kernel's timing changes; -e n replays episode n alone, verbosely.
 *
 * The fuzzer does not judge the kernel (its caller reads dmesg): it prints
 * the seed first, "uring-fuzz: seed S secs T episodes E ops O uid U" at the
 * end of each half, and exits 0. With -C it then waits for io-wq and SQPOLL
 * threads and io_kiocb objects to go back to where they were at the start,
 * and exits 1 if they do not.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <linux/filter.h>
#include <linux/io_uring.h>
#include <linux/io_uring/bpf_filter.h>

/* ABI beyond the 6.12 uapi header, or missing from older ones. */
#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup		425
#define __NR_io_uring_enter		426
#define __NR_io_uring_register		427
#endif
#ifndef IORING_SETUP_HYBRID_IOPOLL
#define IORING_SETUP_HYBRID_IOPOLL	(1U << 17)
#endif
/* Opcodes newer than the headers we may be built against. */
#define FZ_OP_EPOLL_WAIT	59
#define FZ_OP_READV_FIXED	60
#define FZ_OP_WRITEV_FIXED	61
#define FZ_OP_PIPE		62
#define FZ_OP_NOP128		63
#define FZ_OP_URING_CMD128	64
#define FZ_OP_LAST		(IORING_OP_LAST > 65 ? IORING_OP_LAST : 65)
#define FZ_SETUP_CQE_MIXED		(1U << 18)
#define FZ_SETUP_SQE_MIXED		(1U << 19)
#define FZ_CQE_F_32			(1U << 15)
#define FZ_SEND_VECTORIZED		(1U << 5)
#define FZ_REGISTER_DST_REPLACE		(1U << 1)
#define FZ_TIMEOUT_IMMEDIATE_ARG	(1U << 7)
#define FZ_REGISTER_SEND_MSG_RING	31
#define FZ_REGISTER_QUERY		35
#define FZ_REGISTER_RESIZE_RINGS	33
#define FZ_REGISTER_MEM_REGION		34
#define FZ_REGISTER_BPF_FILTER		37
#define FZ_ENTER_EXT_ARG_REG		(1U << 6)

#ifndef IORING_ENTER_NO_IOWAIT
#define IORING_ENTER_NO_IOWAIT		(1U << 7)
#endif
#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id		_sigev_un._tid
#endif
#ifndef MAP_HUGE_2MB
#define MAP_HUGE_2MB			(21 << 26)
#endif
#define FZ_FUTEX2_SIZE_U32		0x02
#define FZ_FUTEX2_PRIVATE		128
#define FZ_XATTR_CREATE			1
#define FZ_XATTR_REPLACE		2
#define FZ_RESOLVE_BITS			0x3f
#define FZ_AT_EMPTY_PATH		0x1000
#define FZ_AT_REMOVEDIR			0x200

/* struct open_how and struct futex_waitv, as the kernel reads them. */
struct fz_open_how {
	__u64 flags;
	__u64 mode;
	__u64 resolve;
};

struct fz_futex_waitv {
	__u64 val;
	__u64 uaddr;
	__u32 flags;
	__u32 reserved;
};

#define MAX_RINGS	4
#define MAX_FDS		64
#define NBUFS		8
#define BUF_LEN		(64 * 1024)
#define HUGE_LEN	(2 * 1024 * 1024)
#define NPBMEM		8
#define PBMEM_LEN	(64 * 1024)
#define MAX_PBUF	4
#define MAX_RBUFS	16
#define MAX_PERS	4
#define MAX_THREADS	3
#define MAX_KIDS	4
#define NRECENT		16
#define ARENA_MAIN	(128 * 1024)
#define ARENA_SLICE	(32 * 1024)
#define ARENA_LEN	(ARENA_MAIN + (MAX_THREADS + 1) * ARENA_SLICE)
#define FILE_LEN	(256 * 1024)
#define DFILE_LEN	(1024 * 1024)
#define EP_ALARM	10	/* seconds: hard limit of one episode */
#define EP_SOFT_MS	5000	/* no new action after this */
#define EP_KILL_MS	((EP_ALARM + 2) * 1000)
#define EP_STUCK_MS	20000	/* unkillable after SIGKILL: give it up */
#define UD_MAGIC	0xa5ULL
#define UD_FD		0x100	/* the result is a new (non-direct) fd */
#define PAGE		4096UL
#define U64(p)		((__u64)(uintptr_t)(p))

/* --- kinds of file descriptors in the pool --- */

enum fd_kind {
	FK_FILE, FK_DFILE, FK_DIR, FK_PIPER, FK_PIPEW, FK_USTREAM, FK_UDGRAM,
	FK_TCP, FK_LISTEN, FK_UDP, FK_TCPNEW, FK_EVENTFD, FK_TIMERFD,
	FK_EPOLL, FK_SIGNALFD, FK_RING, FK_DEV, FK_PROC, FK_BLK, FK_MISC,
	FK_CLOSED, FK_NR
};

#define M(k)		(1U << (k))
#define FILE_FDS	(M(FK_FILE) | M(FK_DFILE) | M(FK_BLK))
#define PIPE_FDS	(M(FK_PIPER) | M(FK_PIPEW))
#define SOCK_FDS	(M(FK_USTREAM) | M(FK_UDGRAM) | M(FK_TCP) | M(FK_UDP) | \
			 M(FK_LISTEN) | M(FK_TCPNEW))
#define RW_FDS		(FILE_FDS | PIPE_FDS | M(FK_USTREAM) | M(FK_UDGRAM) | \
			 M(FK_TCP) | M(FK_EVENTFD) | M(FK_TIMERFD) | \
			 M(FK_SIGNALFD) | M(FK_DEV) | M(FK_PROC) | M(FK_MISC))
#define ANY_FDS		(~0U)

struct pool_fd {
	int fd;
	int kind;
};

/* A provided-buffer ring as registered on one ring. */
struct pbuf {
	bool live;
	bool kmap;		/* mmap'd from the kernel (IOU_PBUF_RING_MMAP) */
	__u16 bgid;
	__u16 tail;
	unsigned int entries;
	unsigned int mask;	/* what we may write: min(entries, room) - 1 */
	struct io_uring_buf_ring *br;
	size_t maplen;
};

struct ring {
	int fd;			/* -1 once closed, or registered only */
	int reg;		/* registered ring index, or -1 */
	struct io_uring_params p;
	bool usable;		/* the SQ/CQ pointers may be touched */
	bool disabled;
	bool user_mem;
	unsigned int sq_mask, cq_mask, sqe_size, cqe_size;
	unsigned int *sq_head, *sq_tail, *sq_flags, *sq_array;
	unsigned int *cq_head, *cq_tail;
	char *sqes, *cqes;
	void *sq_map, *cq_map, *sqe_map;
	size_t sq_len, cq_len, sqe_len;
	unsigned int tail;	/* our next SQE */
	int nfiles;		/* size of the fixed file table, 0: none */
	int nrbufs;
	struct { void *base; size_t len; } rbufs[MAX_RBUFS];
	int pers[MAX_PERS];
	struct pbuf pb[MAX_PBUF];
};

struct buf {
	char *p;
	size_t len;
};

struct fz;

/* Who acts: the episode's main thread, a helper thread or a forked child. */
struct actor {
	uint64_t rng;
	struct fz *f;
	timer_t guard;
	bool has_guard;
	bool main;		/* may change bookkeeping and do lifecycle */
	char *arena;
	size_t arena_len, arena_pos;
	unsigned long ops;
	int done;		/* helper thread finished (atomic) */
	pthread_t tid;
	bool started;
};

struct shared {
	unsigned long ops;
};

struct fz {
	unsigned long ep;
	long long end_ms;	/* soft end of the episode */
	struct shared *sh;
	struct ring rings[MAX_RINGS];
	int nrings;
	struct pool_fd pool[MAX_FDS];
	int npool;
	struct buf bufs[NBUFS];
	char *pbmem[NPBMEM];
	char *arena;
	char *guard;		/* a page of 'a', then a PROT_NONE page */
	char *hole;		/* unmapped */
	unsigned int *futex;	/* MAP_SHARED words */
	int dirfd;
	unsigned short port;	/* the TCP listener */
	unsigned short uport;	/* the UDP socket */
	__u64 recent[NRECENT];
	unsigned int nrecent;
	unsigned long seq;
	pid_t kids[MAX_KIDS];
	int nkids;
	struct actor main;
	struct actor thr[MAX_THREADS];
	int nthreads_live;
};

struct opts {
	unsigned long long seed;
	unsigned int secs;
	int uid;		/* -1: stay */
	bool both;
	int jobs;
	long episode;		/* -1: all */
	bool check;
	bool verbose;
};

static struct fz fz;
/* The fuzzer's own binary, as copied into the scratch dir (self_copy()). */
static char self_exe[PATH_MAX] = "/proc/self/exe";

/* --- PRNG: splitmix64, one stream per actor --- */

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rnd64(struct actor *a)
{
	a->rng += 0x9e3779b97f4a7c15ULL;
	return mix64(a->rng);
}

static uint32_t rnd32(struct actor *a)
{
	return (uint32_t)rnd64(a);
}

/* Uniform in [0, n), n > 0. */
static unsigned int rnd(struct actor *a, unsigned int n)
{
	return n ? (unsigned int)(rnd64(a) % n) : 0;
}

/* True with probability n/d. */
static bool chance(struct actor *a, unsigned int n, unsigned int d)
{
	return rnd(a, d) < n;
}

static uint64_t episode_seed(unsigned long long seed, unsigned long ep)
{
	return mix64(seed * 0x9e3779b97f4a7c15ULL + mix64(ep + 1));
}

#define PICK(a, arr)	((arr)[rnd((a), sizeof(arr) / sizeof((arr)[0]))])

static const __u32 edge32[] = {
	0, 1, 2, 7, 8, 15, 16, 63, 64, 511, 512, 4095, 4096, 4097, 65535,
	65536, 1U << 20, INT_MAX, 0x80000000U, UINT_MAX - 1, UINT_MAX,
};

static const __u64 edge64[] = {
	0, 1, 511, 512, 4096, 65536, 1ULL << 20, 1ULL << 30, INT_MAX,
	1ULL << 32, 1ULL << 40, 1ULL << 62, LLONG_MAX, -2ULL, -1ULL,
};

/* --- time, syscalls, the guard timer --- */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int sys_setup(unsigned int entries, struct io_uring_params *p)
{
	long ret = syscall(__NR_io_uring_setup, entries, p);

	return ret < 0 ? -errno : (int)ret;
}

static int sys_enter(int fd, unsigned int submit, unsigned int min,
		     unsigned int flags, void *arg, size_t argsz)
{
	long ret = syscall(__NR_io_uring_enter, fd, submit, min, flags, arg,
			   argsz);

	return ret < 0 ? -errno : (int)ret;
}

static int sys_register(int fd, unsigned int op, void *arg, unsigned int nr)
{
	long ret = syscall(__NR_io_uring_register, fd, op, arg, nr);

	return ret < 0 ? -errno : (int)ret;
}

static void on_signal(int sig)
{
	(void)sig;
}

/*
 * Each actor has a timer that sends SIGUSR1 to its own thread: armed
 * around any call that may block, it turns the block into EINTR.
 */
static void guard_init(struct actor *a)
{
	struct sigevent sev;

	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = SIGUSR1;
	sev.sigev_notify_thread_id = (pid_t)syscall(SYS_gettid);
	a->has_guard = !timer_create(CLOCK_MONOTONIC, &sev, &a->guard);
}

static void guard_arm(struct actor *a, unsigned int ms)
{
	struct itimerspec its;

	if (!a->has_guard)
		return;
	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = ms / 1000;
	its.it_value.tv_nsec = (ms % 1000) * 1000000L + 1;
	timer_settime(a->guard, 0, &its, NULL);
}

static void guard_disarm(struct actor *a)
{
	struct itimerspec its;

	if (!a->has_guard)
		return;
	memset(&its, 0, sizeof(its));
	timer_settime(a->guard, 0, &its, NULL);
}

static void count_op(struct actor *a)
{
	a->ops++;
	if (a->ops % 16 == 0 && a->f->sh)
		__atomic_fetch_add(&a->f->sh->ops, 16, __ATOMIC_RELAXED);
}

static void flush_ops(struct actor *a)
{
	if (a->f->sh)
		__atomic_fetch_add(&a->f->sh->ops, a->ops % 16,
				   __ATOMIC_RELAXED);
	a->ops -= a->ops % 16;
}

/* --- scratch memory for the structures SQEs point to --- */

static void *arena_get(struct actor *a, size_t len)
{
	size_t pos = a->arena_pos;
	char *p;

	len = (len + 15) & ~(size_t)15;
	if (len > a->arena_len)
		len = a->arena_len;
	if (pos + len > a->arena_len)
		pos = 0;
	a->arena_pos = pos + len;
	p = a->arena + pos;
	memset(p, 0, len);
	return p;
}

/* --- the fd pool --- */

static void pool_add(struct fz *f, int fd, int kind)
{
	if (fd < 3 || f->npool >= MAX_FDS)
		return;
	f->pool[f->npool].fd = fd;
	f->pool[f->npool].kind = kind;
	f->npool++;
}

/* A new fd an SQE produced: keep it unless we know it already. */
static void pool_adopt(struct fz *f, int fd, int kind)
{
	int i;

	if (fd < 3 || fcntl(fd, F_GETFD) < 0)
		return;
	for (i = 0; i < f->npool; i++)
		if (f->pool[i].fd == fd)
			return;
	pool_add(f, fd, kind);
}

static int special_fd(struct actor *a)
{
	static const int fds[] = {
		-1, -2, AT_FDCWD, 1 << 20, INT_MAX, INT_MIN, 255, 1023,
	};
	struct fz *f = a->f;
	int i;

	if (chance(a, 1, 3)) {
		for (i = 0; i < f->npool; i++)
			if (f->pool[i].kind == FK_CLOSED)
				return f->pool[i].fd;
	}
	if (chance(a, 1, 4))
		return 3 + rnd(a, 60);
	return PICK(a, fds);
}

static int pick_fd_kind(struct actor *a, unsigned int mask, int *kind)
{
	struct fz *f = a->f;
	int i, start, n = f->npool;

	*kind = FK_NR;
	if (!n || chance(a, 1, 14))
		return special_fd(a);
	start = rnd(a, n);
	for (i = 0; i < n; i++) {
		struct pool_fd *e = &f->pool[(start + i) % n];

		if (M(e->kind) & mask) {
			*kind = e->kind;
			return e->fd;
		}
	}
	*kind = f->pool[start].kind;
	return f->pool[start].fd;
}

static int pick_fd(struct actor *a, unsigned int mask)
{
	int kind;

	if (chance(a, 1, 10))
		mask = ANY_FDS;
	return pick_fd_kind(a, mask, &kind);
}

/* --- addresses, lengths and offsets --- */

static char *ring_addr(struct actor *a)
{
	struct fz *f = a->f;
	struct ring *r;

	if (!f->nrings)
		return NULL;
	r = &f->rings[rnd(a, f->nrings)];
	if (!r->usable)
		return NULL;
	return chance(a, 1, 2) ? (char *)r->cq_map : r->sqes;
}

/* Nothing mapped there (or nothing of ours): NULL, a hole, the kernel. */
static __u64 bad_addr(struct actor *a)
{
	static const __u64 bad[] = {
		0, 0xffff888000000000ULL, 0xffffffff81000000ULL, -4096ULL,
		0x0000800000000000ULL, 1, 4096,
	};

	if (chance(a, 1, 3))
		return U64(a->f->hole);
	return PICK(a, bad);
}

/*
 * An address for len bytes: mostly inside a buffer, at times anything.
 * Whatever the kernel writes past the end of a buffer, the arena or the
 * provided-buffer memory meets a PROT_NONE page: never our own state.
 */
static __u64 pick_addr(struct actor *a, __u64 len, bool align)
{
	struct fz *f = a->f;
	struct buf *b;
	__u64 off = 0;
	char *ra;

	if (chance(a, 17, 20)) {
		b = &f->bufs[rnd(a, NBUFS)];
		if (len < b->len)
			off = rnd(a, (unsigned int)(b->len - len + 1));
		if (align || chance(a, 1, 2))
			off &= ~(PAGE - 1);
		return U64(b->p + off);
	}
	switch (rnd(a, 6)) {
	case 0:
		return U64(f->guard + PAGE - 1 - rnd(a, 64));
	case 1:
		return U64(f->arena + rnd(a, ARENA_MAIN));
	case 2:
		ra = len <= PAGE ? ring_addr(a) : NULL;
		return ra ? U64(ra) : bad_addr(a);
	case 3:
		return U64(f->pbmem[rnd(a, NPBMEM)]);
	default:
		return bad_addr(a);
	}
}

static __u32 pick_len(struct actor *a, bool direct)
{
	if (chance(a, 1, 8))
		return PICK(a, edge32);
	if (direct)
		return chance(a, 1, 2) ? 4096 * (1 + rnd(a, 8)) :
					 512 * (1 + rnd(a, 16));
	return 1 + rnd(a, chance(a, 1, 2) ? 512 : BUF_LEN);
}

static __u64 pick_off(struct actor *a, bool direct)
{
	unsigned int r = rnd(a, 10);

	if (r < 3)
		return -1ULL;
	if (r < 8)
		return direct ? 4096ULL * rnd(a, 64) : rnd(a, FILE_LEN);
	return PICK(a, edge64);
}

static __u64 make_iovec(struct actor *a, unsigned int nr, bool direct)
{
	unsigned int i, n = nr < 16 ? nr : 16;
	struct iovec *iov = arena_get(a, (n ? n : 1) * sizeof(*iov));

	for (i = 0; i < n; i++) {
		iov[i].iov_len = pick_len(a, direct);
		if (chance(a, 1, 3))
			iov[i].iov_len &= 4095;
		iov[i].iov_base = (void *)(uintptr_t)
			pick_addr(a, iov[i].iov_len, direct);
	}
	return U64(iov);
}

static __u64 pick_path(struct actor *a, bool safe)
{
	static const char *const any[] = {
		"/dev/null", "/dev/zero", "/proc/self/status", "/proc/self/fd",
		"/nonexistent/x", "/tmp", "/sys/kernel/mm", "..",
	};
	static const char *const local[] = {
		"f", "d", "dir", "dir/x", "dir/y", "new", "new2", "fifo",
		"link", "", ".", "dir/../f", "dir/x/y",
	};
	const char *s;
	char *p;

	if (chance(a, 1, 30)) {
		p = arena_get(a, PATH_MAX + 64);
		memset(p, 'a', PATH_MAX + 16);
		return U64(p);
	}
	if (chance(a, 1, 30))
		return pick_addr(a, 1, false);
	s = (!safe && chance(a, 1, 4)) ? PICK(a, any) : PICK(a, local);
	p = arena_get(a, strlen(s) + 1);
	strcpy(p, s);
	return U64(p);
}

/* A socket address to the listener, the UDP socket, ::1 or a UNIX name. */
static __u64 pick_sockaddr(struct actor *a, __u32 *len)
{
	struct fz *f = a->f;
	struct sockaddr_in *in;
	struct sockaddr_in6 *in6;
	struct sockaddr_un *un;
	void *sa;

	switch (rnd(a, 6)) {
	case 0: case 1: case 2:
		in = arena_get(a, sizeof(*in));
		in->sin_family = AF_INET;
		in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		in->sin_port = htons(chance(a, 2, 3) ? f->port :
				     chance(a, 1, 2) ? f->uport : 0);
		*len = sizeof(*in);
		sa = in;
		break;
	case 3:
		in6 = arena_get(a, sizeof(*in6));
		in6->sin6_family = AF_INET6;
		in6->sin6_addr = in6addr_loopback;
		in6->sin6_port = htons(f->port);
		*len = sizeof(*in6);
		sa = in6;
		break;
	case 4:
		un = arena_get(a, sizeof(*un));
		un->sun_family = AF_UNIX;
		snprintf(un->sun_path + 1, sizeof(un->sun_path) - 1,
			 "uring-fuzz-%lu-%u", f->ep, rnd(a, 3));
		*len = offsetof(struct sockaddr_un, sun_path) + 1 +
		       strlen(un->sun_path + 1);
		sa = un;
		break;
	default:
		*len = PICK(a, edge32);
		return pick_addr(a, 128, false);
	}
	if (chance(a, 1, 12))
		*len = PICK(a, edge32);
	return U64(sa);
}

/* Make a relative time absolute on clock clk. */
static void ts_abs(struct __kernel_timespec *ts, clockid_t clk)
{
	struct timespec now;

	if (clock_gettime(clk, &now))
		return;
	ts->tv_sec += now.tv_sec;
	ts->tv_nsec += now.tv_nsec;
	if (ts->tv_nsec >= 1000000000LL) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000LL;
	}
}

/* Mostly short: nothing here may keep an episode waiting for long. */
static void pick_ts(struct actor *a, struct __kernel_timespec *ts, bool abs,
		    clockid_t clk)
{
	ts->tv_sec = 0;
	switch (rnd(a, 10)) {
	case 0:
		ts->tv_nsec = 0;
		break;
	case 1:
		ts->tv_nsec = rnd(a, 200) * 1000000LL;
		break;
	case 2:
		ts->tv_sec = rnd(a, 2);
		ts->tv_nsec = rnd(a, 1000) * 1000000LL;
		break;
	case 3:
		ts->tv_sec = (long long)rnd64(a);
		ts->tv_nsec = (long long)rnd64(a);
		return;
	default:
		ts->tv_nsec = rnd(a, 10000) * 1000LL;
		break;
	}
	if (abs)
		ts_abs(ts, clk);
}

static __u64 recent_ud(struct actor *a)
{
	struct fz *f = a->f;

	if (!f->nrecent || chance(a, 1, 10))
		return rnd64(a);
	return f->recent[rnd(a, f->nrecent < NRECENT ? f->nrecent : NRECENT)];
}

/* --- rings --- */

static bool in_map(__u32 off, size_t len, size_t map)
{
	return (size_t)off + len <= map;
}

static bool ring_set_ptrs(struct ring *r)
{
	struct io_uring_params *p = &r->p;
	char *sq = r->sq_map, *cq = r->cq_map;
	size_t sqa = (size_t)p->sq_entries * 4;

	if (!sq || !cq || !r->sqe_map)
		return false;
	if (!in_map(p->sq_off.head, 4, r->sq_len) ||
	    !in_map(p->sq_off.tail, 4, r->sq_len) ||
	    !in_map(p->sq_off.flags, 4, r->sq_len) ||
	    !in_map(p->cq_off.head, 4, r->cq_len) ||
	    !in_map(p->cq_off.tail, 4, r->cq_len) ||
	    !in_map(p->cq_off.cqes, (size_t)p->cq_entries * r->cqe_size,
		    r->cq_len))
		return false;
	if (!(p->flags & IORING_SETUP_NO_SQARRAY) &&
	    !in_map(p->sq_off.array, sqa, r->sq_len))
		return false;
	r->sq_head = (unsigned int *)(sq + p->sq_off.head);
	r->sq_tail = (unsigned int *)(sq + p->sq_off.tail);
	r->sq_flags = (unsigned int *)(sq + p->sq_off.flags);
	r->sq_array = (p->flags & IORING_SETUP_NO_SQARRAY) ? NULL :
		      (unsigned int *)(sq + p->sq_off.array);
	r->cq_head = (unsigned int *)(cq + p->cq_off.head);
	r->cq_tail = (unsigned int *)(cq + p->cq_off.tail);
	r->cqes = cq + p->cq_off.cqes;
	r->sqes = r->sqe_map;
	return true;
}

static bool pow2(unsigned int v)
{
	return v && !(v & (v - 1));
}

static void ring_map(struct actor *a, struct ring *r)
{
	struct io_uring_params *p = &r->p;
	int pop = chance(a, 4, 5) ? MAP_POPULATE : 0;
	size_t sq_len, cq_len;

	r->sqe_size = (p->flags & IORING_SETUP_SQE128) ? 128 : 64;
	r->cqe_size = (p->flags & IORING_SETUP_CQE32) ? 32 : 16;
	if (!pow2(p->sq_entries) || !pow2(p->cq_entries) ||
	    p->sq_entries > 65536 || p->cq_entries > 131072)
		return;
	r->sq_mask = p->sq_entries - 1;
	r->cq_mask = p->cq_entries - 1;
	if (r->user_mem) {
		r->usable = ring_set_ptrs(r);
		return;
	}
	sq_len = (size_t)p->sq_off.flags + 4;
	if (!(p->flags & IORING_SETUP_NO_SQARRAY))
		sq_len = (size_t)p->sq_off.array + p->sq_entries * 4;
	if (sq_len < (size_t)p->sq_off.flags + 4)
		sq_len = (size_t)p->sq_off.flags + 4;
	if (sq_len < (size_t)p->sq_off.dropped + 4)
		sq_len = (size_t)p->sq_off.dropped + 4;
	cq_len = (size_t)p->cq_off.cqes + (size_t)p->cq_entries * r->cqe_size;
	if (p->features & IORING_FEAT_SINGLE_MMAP) {
		if (cq_len > sq_len)
			sq_len = cq_len;
		cq_len = sq_len;
	}
	r->sq_map = mmap(NULL, sq_len, PROT_READ | PROT_WRITE,
			 MAP_SHARED | pop, r->fd, IORING_OFF_SQ_RING);
	if (r->sq_map == MAP_FAILED) {
		r->sq_map = NULL;
		return;
	}
	r->sq_len = sq_len;
	if (p->features & IORING_FEAT_SINGLE_MMAP) {
		r->cq_map = r->sq_map;
		r->cq_len = sq_len;
	} else {
		r->cq_map = mmap(NULL, cq_len, PROT_READ | PROT_WRITE,
				 MAP_SHARED | pop, r->fd, IORING_OFF_CQ_RING);
		if (r->cq_map == MAP_FAILED) {
			r->cq_map = NULL;
			return;
		}
		r->cq_len = cq_len;
	}
	r->sqe_len = (size_t)p->sq_entries * r->sqe_size;
	r->sqe_map = mmap(NULL, r->sqe_len, PROT_READ | PROT_WRITE,
			  MAP_SHARED | pop, r->fd, IORING_OFF_SQES);
	if (r->sqe_map == MAP_FAILED) {
		r->sqe_map = NULL;
		return;
	}
	r->usable = ring_set_ptrs(r);
}

static unsigned int roundup_pow2(unsigned int v)
{
	unsigned int p = 1;

	while (p < v && p < (1U << 31))
		p <<= 1;
	return p;
}

static void *map_anon(size_t len, int extra)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | extra, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/*
 * IORING_SETUP_NO_MMAP: the rings and the SQEs in our memory. Sized for
 * what the kernel will lay out (a guess with slack), in normal pages or
 * a huge page, at times too small or not there at all.
 */
static void ring_user_mem(struct actor *a, struct ring *r, unsigned int ent)
{
	struct io_uring_params *p = &r->p;
	unsigned int sq = roundup_pow2(ent ? (ent > 32768 ? 32768 : ent) : 1);
	unsigned int cq = (p->flags & IORING_SETUP_CQSIZE) ?
			  roundup_pow2(p->cq_entries) : 2 * sq;
	unsigned int cqe = (p->flags & IORING_SETUP_CQE32) ? 32 : 16;
	unsigned int sqe = (p->flags & IORING_SETUP_SQE128) ? 128 : 64;
	size_t rl, sl;
	int huge = 0;

	if (cq > 65536)
		cq = 65536;
	rl = (256 + (size_t)cq * cqe + (size_t)sq * 4 + PAGE - 1) & ~(PAGE - 1);
	sl = ((size_t)sq * sqe + PAGE - 1) & ~(PAGE - 1);
	if (chance(a, 1, 10)) {
		rl = PAGE;		/* too small for all but tiny rings */
		sl = PAGE;
	} else if (chance(a, 1, 5) && rl <= HUGE_LEN && sl <= HUGE_LEN) {
		huge = MAP_HUGETLB | MAP_HUGE_2MB;
		rl = HUGE_LEN;
		sl = HUGE_LEN;
	}
	r->sq_map = map_anon(rl, huge);
	r->sqe_map = map_anon(sl, huge);
	if (!r->sq_map || !r->sqe_map) {
		if (r->sq_map)
			munmap(r->sq_map, rl);
		if (r->sqe_map)
			munmap(r->sqe_map, sl);
		rl = PAGE;
		sl = PAGE;
		r->sq_map = map_anon(rl, 0);
		r->sqe_map = map_anon(sl, 0);
	}
	r->cq_map = r->sq_map;
	r->sq_len = rl;
	r->cq_len = rl;
	r->sqe_len = sl;
	r->user_mem = true;
	p->cq_off.user_addr = U64(r->sq_map);
	p->sq_off.user_addr = U64(r->sqe_map);
	if (chance(a, 1, 15))
		p->sq_off.user_addr = pick_addr(a, sl, true);
}

static unsigned int pick_setup_flags(struct actor *a, bool attach)
{
	unsigned int fl = 0;

	if (chance(a, 1, 10))
		return rnd32(a) & ((1U << 21) - 1);
	if (chance(a, 1, 6)) {
		fl |= IORING_SETUP_IOPOLL;
		if (chance(a, 1, 3))
			fl |= IORING_SETUP_HYBRID_IOPOLL;
	}
	if (chance(a, 1, 5)) {
		fl |= IORING_SETUP_SQPOLL;
		if (chance(a, 1, 3))
			fl |= IORING_SETUP_SQ_AFF;
	}
	if (chance(a, 1, 3))
		fl |= IORING_SETUP_CQSIZE;
	if (chance(a, 1, 4))
		fl |= IORING_SETUP_CLAMP;
	if (attach && chance(a, 1, 5))
		fl |= IORING_SETUP_ATTACH_WQ;
	if (chance(a, 1, 8))
		fl |= IORING_SETUP_R_DISABLED;
	if (chance(a, 1, 4))
		fl |= IORING_SETUP_SUBMIT_ALL;
	switch (rnd(a, 7)) {
	case 1:
		fl |= IORING_SETUP_COOP_TASKRUN;
		break;
	case 2:
		fl |= IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG;
		break;
	case 3:
		fl |= IORING_SETUP_SINGLE_ISSUER;
		break;
	case 4: case 5:
		if (!(fl & IORING_SETUP_SQPOLL))
			fl |= IORING_SETUP_SINGLE_ISSUER |
			      IORING_SETUP_DEFER_TASKRUN;
		if (chance(a, 1, 2))
			fl |= IORING_SETUP_TASKRUN_FLAG;
		break;
	default:
		break;
	}
	if (chance(a, 1, 6))
		fl |= chance(a, 1, 2) ? IORING_SETUP_SQE128 : FZ_SETUP_SQE_MIXED;
	if (chance(a, 1, 6))
		fl |= chance(a, 1, 2) ? IORING_SETUP_CQE32 : FZ_SETUP_CQE_MIXED;
	if (chance(a, 1, 8)) {
		fl |= IORING_SETUP_NO_MMAP;
		if (chance(a, 1, 3))
			fl |= IORING_SETUP_REGISTERED_FD_ONLY;
	}
	if (chance(a, 1, 4))
		fl |= IORING_SETUP_NO_SQARRAY;
	if (chance(a, 1, 12))
		fl ^= 1U << rnd(a, 21);
	return fl;
}

static unsigned int pick_entries(struct actor *a)
{
	static const unsigned int odd[] = {
		0, 1, 3, 4096, 4097, 32768, 32769, 65536, 1U << 20, UINT_MAX,
	};

	if (chance(a, 1, 12))
		return PICK(a, odd);
	return 1 + rnd(a, chance(a, 3, 4) ? 64 : 1024);
}

static int any_ring_fd(struct actor *a)
{
	struct fz *f = a->f;
	int i, start;

	if (!f->nrings)
		return -1;
	start = rnd(a, f->nrings);
	for (i = 0; i < f->nrings; i++)
		if (f->rings[(start + i) % f->nrings].fd >= 0)
			return f->rings[(start + i) % f->nrings].fd;
	return -1;
}

static void ring_create(struct actor *a)
{
	struct fz *f = a->f;
	struct ring *r;
	unsigned int entries;
	int ret, i;

	if (f->nrings >= MAX_RINGS)
		return;
	r = &f->rings[f->nrings];
	memset(r, 0, sizeof(*r));
	r->fd = -1;
	r->reg = -1;
	r->p.flags = pick_setup_flags(a, f->nrings > 0);
	entries = pick_entries(a);
	if (r->p.flags & IORING_SETUP_CQSIZE)
		r->p.cq_entries = chance(a, 1, 8) ? PICK(a, edge32) :
				  entries + rnd(a, 4 * entries + 8);
	/* a long idle keeps an SQPOLL thread spinning: rarely */
	r->p.sq_thread_idle = chance(a, 1, 30) ? PICK(a, edge32) :
			      1 + rnd(a, 20);
	r->p.sq_thread_cpu = chance(a, 3, 4) ? rnd(a, 2) : PICK(a, edge32);
	if (r->p.flags & IORING_SETUP_ATTACH_WQ)
		r->p.wq_fd = chance(a, 5, 6) ? any_ring_fd(a) : pick_fd(a, 0);
	if (chance(a, 1, 30))
		r->p.resv[rnd(a, 3)] = rnd32(a);
	if (r->p.flags & IORING_SETUP_NO_MMAP)
		ring_user_mem(a, r, entries);
	count_op(a);
	ret = sys_setup(entries, &r->p);
	if (ret < 0) {
		if (r->user_mem) {
			munmap(r->sq_map, r->sq_len);
			munmap(r->sqe_map, r->sqe_len);
		}
		return;
	}
	if (r->p.flags & IORING_SETUP_REGISTERED_FD_ONLY) {
		r->reg = ret;
	} else {
		r->fd = ret;
		pool_add(f, ret, FK_RING);
	}
	r->disabled = r->p.flags & IORING_SETUP_R_DISABLED;
	for (i = 0; i < MAX_PERS; i++)
		r->pers[i] = 0;
	if (r->fd >= 0 || r->user_mem)
		ring_map(a, r);
	__atomic_store_n(&f->nrings, f->nrings + 1, __ATOMIC_RELEASE);
}

/* A ring for SQEs (usable), or any ring at all. */
static struct ring *pick_ring(struct actor *a, bool usable)
{
	struct fz *f = a->f;
	int n = __atomic_load_n(&f->nrings, __ATOMIC_ACQUIRE), i, start;

	if (!n)
		return NULL;
	start = rnd(a, n);
	for (i = 0; i < n; i++) {
		struct ring *r = &f->rings[(start + i) % n];

		if (!usable || r->usable)
			return r;
	}
	return NULL;
}

static struct io_uring_sqe *sqe_get(struct actor *a, struct ring *r)
{
	unsigned int head = __atomic_load_n(r->sq_head, __ATOMIC_ACQUIRE);
	unsigned int idx = r->tail & r->sq_mask;
	struct io_uring_sqe *sqe;

	if (r->tail - head >= r->p.sq_entries)
		return NULL;
	sqe = (struct io_uring_sqe *)(r->sqes + (size_t)idx * r->sqe_size);
	memset(sqe, 0, r->sqe_size);
	if (r->sq_array)
		r->sq_array[idx] = chance(a, 1, 100) ? rnd32(a) : idx;
	r->tail++;
	return sqe;
}

/* --- SQE preparation, per opcode family --- */

static __u16 pick_bgid(struct actor *a, struct ring *r)
{
	int i = rnd(a, MAX_PBUF);

	if (r->pb[i].live && chance(a, 1, 2))
		return r->pb[i].bgid;
	return chance(a, 7, 8) ? rnd(a, 4) : rnd32(a);
}

static void buffer_select(struct actor *a, struct ring *r,
			  struct io_uring_sqe *sqe)
{
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = pick_bgid(a, r);
}

static __u32 pick_rw_flags(struct actor *a)
{
	if (chance(a, 1, 10))
		return rnd32(a);
	return rnd32(a) & 0x7f;	/* HIPRI .. ATOMIC */
}

static void fixed_buf(struct actor *a, struct ring *r,
		      struct io_uring_sqe *sqe, bool direct)
{
	unsigned int i;
	size_t len, off;

	if (!r->nrbufs || chance(a, 1, 10)) {
		sqe->buf_index = rnd(a, 20);
		sqe->len = pick_len(a, direct);
		sqe->addr = pick_addr(a, sqe->len, direct);
		return;
	}
	i = rnd(a, r->nrbufs);
	len = r->rbufs[i].len;
	sqe->buf_index = i;
	sqe->len = len ? 1 + rnd(a, len) : 0;
	if (direct || chance(a, 1, 2))
		sqe->len = (sqe->len + 511) & ~511U;
	off = len > sqe->len ? rnd(a, len - sqe->len + 1) : 0;
	if (direct)
		off &= ~(size_t)511;
	sqe->addr = U64((char *)r->rbufs[i].base + off);
	if (chance(a, 1, 10))
		sqe->addr += PICK(a, edge32);
}

/* READV_FIXED, WRITEV_FIXED: iovecs mostly inside one registered buffer. */
static __u64 make_fixed_iovec(struct actor *a, struct ring *r,
			      struct io_uring_sqe *sqe, bool direct)
{
	unsigned int i, n = 1 + rnd(a, 8);
	struct iovec *iov = arena_get(a, n * sizeof(*iov));

	for (i = 0; i < n; i++) {
		fixed_buf(a, r, sqe, direct);
		iov[i].iov_base = (void *)(uintptr_t)sqe->addr;
		iov[i].iov_len = sqe->len;
	}
	/* fixed_buf() picked a buffer per part: the last one is named */
	sqe->len = chance(a, 1, 20) ? PICK(a, edge32) : n;
	return U64(iov);
}

static void prep_rw(struct actor *a, struct ring *r, struct io_uring_sqe *sqe)
{
	__u8 op = sqe->opcode;
	bool direct;
	int kind;

	sqe->fd = pick_fd_kind(a, chance(a, 1, 10) ? ANY_FDS : RW_FDS, &kind);
	direct = kind == FK_DFILE || kind == FK_BLK;
	if (op == IORING_OP_READV || op == IORING_OP_WRITEV) {
		sqe->len = chance(a, 1, 10) ? PICK(a, edge32) : 1 + rnd(a, 8);
		sqe->addr = make_iovec(a, sqe->len, direct);
	} else if (op == IORING_OP_READ_FIXED || op == IORING_OP_WRITE_FIXED) {
		fixed_buf(a, r, sqe, direct);
	} else if (op == FZ_OP_READV_FIXED || op == FZ_OP_WRITEV_FIXED) {
		sqe->addr = make_fixed_iovec(a, r, sqe, direct);
	} else {
		sqe->len = pick_len(a, direct);
		sqe->addr = pick_addr(a, sqe->len, direct);
	}
	sqe->off = pick_off(a, direct);
	if (chance(a, 1, 4))
		sqe->rw_flags = pick_rw_flags(a);
	if (chance(a, 1, 10))
		sqe->ioprio = (rnd(a, 4) << 13) | rnd(a, 8);
	if (op == IORING_OP_READ_MULTISHOT ||
	    ((op == IORING_OP_READ || op == IORING_OP_READV) &&
	     chance(a, 1, 6))) {
		if (op == IORING_OP_READ_MULTISHOT) {
			sqe->fd = pick_fd(a, PIPE_FDS | SOCK_FDS |
					  M(FK_EVENTFD) | M(FK_TIMERFD));
			sqe->off = 0;
		}
		buffer_select(a, r, sqe);
		if (op == IORING_OP_READV)
			sqe->len = 1;
		else if (chance(a, 1, 2))
			sqe->addr = 0;	/* and len 0: the buffer's size */
		if (sqe->addr == 0 && op != IORING_OP_READV)
			sqe->len = 0;
	}
}

static void prep_nop(struct actor *a, struct ring *r, struct io_uring_sqe *sqe)
{
	(void)r;
	if (chance(a, 1, 3)) {
		sqe->nop_flags = IORING_NOP_INJECT_RESULT;
		sqe->len = chance(a, 1, 2) ? -(__u32)(1 + rnd(a, 130)) :
					     PICK(a, edge32);
	}
	if (chance(a, 1, 10))
		sqe->nop_flags = rnd32(a) & 0x3f;
	if (chance(a, 1, 5))
		sqe->fd = pick_fd(a, ANY_FDS);
}

static __u32 pick_poll_events(struct actor *a)
{
	static const __u32 ev[] = {
		POLLIN, POLLOUT, POLLIN | POLLOUT, POLLPRI, POLLRDHUP,
		POLLIN | EPOLLET, POLLIN | EPOLLONESHOT, POLLERR | POLLHUP,
		POLLIN | EPOLLEXCLUSIVE,
	};

	return chance(a, 1, 10) ? rnd32(a) : PICK(a, ev);
}

static void prep_poll(struct actor *a, struct ring *r, struct io_uring_sqe *sqe)
{
	(void)r;
	sqe->poll32_events = pick_poll_events(a);
	if (sqe->opcode == IORING_OP_POLL_ADD) {
		sqe->fd = pick_fd(a, ANY_FDS);
		if (chance(a, 2, 5))
			sqe->len |= IORING_POLL_ADD_MULTI;
		if (chance(a, 1, 10))
			sqe->len |= IORING_POLL_ADD_LEVEL;
		if (chance(a, 1, 20))
			sqe->len = rnd32(a);
		return;
	}
	sqe->fd = -1;
	sqe->addr = recent_ud(a);
	if (chance(a, 1, 2))
		sqe->len = rnd(a, 8) & (IORING_POLL_UPDATE_EVENTS |
					IORING_POLL_UPDATE_USER_DATA |
					IORING_POLL_ADD_MULTI);
	sqe->off = rnd64(a);
}

static void prep_timeout(struct actor *a, struct ring *r,
			 struct io_uring_sqe *sqe)
{
	static const __u32 fl[] = {
		0, 0, 0, IORING_TIMEOUT_ABS, IORING_TIMEOUT_BOOTTIME,
		IORING_TIMEOUT_REALTIME, IORING_TIMEOUT_ETIME_SUCCESS,
		IORING_TIMEOUT_MULTISHOT,
		IORING_TIMEOUT_ABS | IORING_TIMEOUT_REALTIME,
		IORING_TIMEOUT_BOOTTIME | IORING_TIMEOUT_REALTIME,
	};
	struct __kernel_timespec *ts = arena_get(a, sizeof(*ts));
	clockid_t clk = CLOCK_MONOTONIC;

	(void)r;
	sqe->fd = -1;
	sqe->timeout_flags = chance(a, 1, 15) ? rnd32(a) & 0xff : PICK(a, fl);
	if (sqe->timeout_flags & IORING_TIMEOUT_BOOTTIME)
		clk = CLOCK_BOOTTIME;
	else if (sqe->timeout_flags & IORING_TIMEOUT_REALTIME)
		clk = CLOCK_REALTIME;
	pick_ts(a, ts, sqe->timeout_flags & IORING_TIMEOUT_ABS, clk);
	if (sqe->opcode == IORING_OP_TIMEOUT_REMOVE) {
		sqe->addr = recent_ud(a);
		sqe->timeout_flags &= ~IORING_TIMEOUT_MULTISHOT;
		if (chance(a, 1, 2))
			sqe->timeout_flags |= chance(a, 1, 2) ?
				IORING_TIMEOUT_UPDATE :
				IORING_LINK_TIMEOUT_UPDATE;
		sqe->addr2 = U64(ts);
		return;
	}
	sqe->addr = chance(a, 1, 30) ? pick_addr(a, 16, false) : U64(ts);
	/* IORING_TIMEOUT_IMMEDIATE_ARG: nanoseconds in the SQE */
	if (chance(a, 1, 8)) {
		sqe->timeout_flags |= FZ_TIMEOUT_IMMEDIATE_ARG;
		sqe->addr = chance(a, 1, 10) ? rnd64(a) : rnd(a, 50000000);
	}
	sqe->len = chance(a, 1, 20) ? rnd(a, 3) : 1;
	if (sqe->opcode == IORING_OP_TIMEOUT)
		sqe->off = chance(a, 1, 2) ? 0 : rnd(a, 5);
}

static void prep_cancel(struct actor *a, struct ring *r,
			struct io_uring_sqe *sqe)
{
	(void)r;
	sqe->addr = recent_ud(a);
	sqe->fd = pick_fd(a, ANY_FDS);
	sqe->cancel_flags = rnd32(a) & (chance(a, 1, 10) ? ~0U : 0x3f);
	if (sqe->cancel_flags & IORING_ASYNC_CANCEL_OP)
		sqe->len = rnd(a, IORING_OP_LAST + 2);
}

static __u32 pick_msg_flags(struct actor *a)
{
	static const __u32 fl[] = {
		0, 0, MSG_DONTWAIT, MSG_WAITALL, MSG_PEEK, MSG_TRUNC,
		MSG_NOSIGNAL, MSG_MORE, MSG_OOB, MSG_ZEROCOPY, MSG_CMSG_CLOEXEC,
		MSG_DONTWAIT | MSG_PEEK, MSG_ERRQUEUE,
	};

	return chance(a, 1, 15) ? rnd32(a) : PICK(a, fl);
}

/* A control message passing fds (rings too) or credentials. */
static void make_cmsg(struct actor *a, struct msghdr *m)
{
	struct fz *f = a->f;
	unsigned int i, n = 1 + rnd(a, 3);
	struct cmsghdr *c;
	size_t len = CMSG_SPACE(sizeof(int) * n);

	c = arena_get(a, len);
	m->msg_control = c;
	m->msg_controllen = len;
	c->cmsg_len = CMSG_LEN(sizeof(int) * n);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	for (i = 0; i < n; i++)
		((int *)CMSG_DATA(c))[i] = chance(a, 1, 3) ?
			any_ring_fd(a) : pick_fd(a, ANY_FDS);
	if (chance(a, 1, 10) && f->npool)
		c->cmsg_type = rnd(a, 4);
	if (chance(a, 1, 15))
		c->cmsg_len = PICK(a, edge32);
}

static __u64 make_msghdr(struct actor *a, bool send)
{
	struct msghdr *m = arena_get(a, sizeof(*m));
	unsigned int n = chance(a, 1, 10) ? PICK(a, edge32) : 1 + rnd(a, 4);
	__u32 len;

	if (chance(a, 1, 3)) {
		m->msg_name = (void *)(uintptr_t)pick_sockaddr(a, &len);
		m->msg_namelen = len;
	}
	m->msg_iov = (void *)(uintptr_t)make_iovec(a, n, false);
	m->msg_iovlen = n;
	if (send && chance(a, 1, 3)) {
		make_cmsg(a, m);
	} else if (!send && chance(a, 1, 2)) {
		m->msg_controllen = 16 + rnd(a, 256);
		m->msg_control = arena_get(a, m->msg_controllen);
	}
	if (chance(a, 1, 20))
		return pick_addr(a, sizeof(*m), false);
	return U64(m);
}

static void prep_sendrecv(struct actor *a, struct ring *r,
			  struct io_uring_sqe *sqe)
{
	__u8 op = sqe->opcode;
	bool send = op == IORING_OP_SEND || op == IORING_OP_SENDMSG ||
		    op == IORING_OP_SEND_ZC || op == IORING_OP_SENDMSG_ZC;
	bool msg = op == IORING_OP_SENDMSG || op == IORING_OP_RECVMSG ||
		   op == IORING_OP_SENDMSG_ZC;
	__u32 alen;

	sqe->fd = pick_fd(a, SOCK_FDS);
	sqe->msg_flags = pick_msg_flags(a);
	if (msg) {
		sqe->addr = make_msghdr(a, send);
		sqe->len = chance(a, 1, 10) ? rnd(a, 3) : 1;
	} else {
		sqe->len = pick_len(a, false);
		sqe->addr = pick_addr(a, sqe->len, false);
	}
	sqe->ioprio = rnd(a, 32) & (chance(a, 1, 2) ?
		IORING_RECVSEND_POLL_FIRST | IORING_RECV_MULTISHOT : 0x1f);
	if (chance(a, 1, 20))
		sqe->ioprio = rnd32(a);
	if (send && !msg && chance(a, 1, 6)) {
		/* IORING_SEND_VECTORIZED: an iovec array instead */
		sqe->ioprio |= FZ_SEND_VECTORIZED;
		sqe->len = 1 + rnd(a, 8);
		sqe->addr = make_iovec(a, sqe->len, false);
	}
	if (sqe->ioprio & IORING_RECVSEND_FIXED_BUF)
		sqe->buf_index = r->nrbufs ? rnd(a, r->nrbufs) : rnd(a, 4);
	if ((!send && chance(a, 1, 3)) ||
	    (sqe->ioprio & IORING_RECVSEND_BUNDLE)) {
		buffer_select(a, r, sqe);
		if (!msg && chance(a, 1, 2)) {
			sqe->addr = 0;
			sqe->len = 0;
		}
	}
	if (send && !msg && chance(a, 1, 4)) {
		sqe->addr2 = pick_sockaddr(a, &alen);
		sqe->addr_len = alen;
	}
}

static void prep_socket_ops(struct actor *a, struct ring *r,
			    struct io_uring_sqe *sqe)
{
	static const int types[] = {
		SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET, SOCK_RAW,
		SOCK_STREAM | SOCK_NONBLOCK, SOCK_DGRAM | SOCK_CLOEXEC,
	};
	static const int doms[] = { AF_INET, AF_INET6, AF_UNIX, AF_PACKET, 0 };
	__u32 alen;

	(void)r;
	switch (sqe->opcode) {
	case IORING_OP_ACCEPT:
		sqe->fd = pick_fd(a, M(FK_LISTEN));
		if (chance(a, 1, 2)) {
			__u32 *lenp;

			sqe->addr = pick_sockaddr(a, &alen);
			lenp = arena_get(a, sizeof(*lenp));
			*lenp = alen;
			sqe->addr2 = U64(lenp);
		}
		sqe->accept_flags = chance(a, 1, 10) ? rnd32(a) :
				    (rnd(a, 4) ? 0 : SOCK_NONBLOCK) |
				    (rnd(a, 2) ? SOCK_CLOEXEC : 0);
		sqe->ioprio = rnd(a, 8);
		break;
	case IORING_OP_CONNECT:
		sqe->fd = pick_fd(a, M(FK_TCPNEW) | M(FK_UDP) | M(FK_UDGRAM));
		sqe->addr = pick_sockaddr(a, &alen);
		sqe->off = alen;
		break;
	case IORING_OP_BIND:
		sqe->fd = pick_fd(a, SOCK_FDS);
		sqe->addr = pick_sockaddr(a, &alen);
		sqe->addr2 = alen;
		break;
	case IORING_OP_LISTEN:
		sqe->fd = pick_fd(a, SOCK_FDS);
		sqe->len = chance(a, 1, 5) ? PICK(a, edge32) : rnd(a, 16);
		break;
	case IORING_OP_SHUTDOWN:
		sqe->fd = pick_fd(a, SOCK_FDS);
		sqe->len = chance(a, 1, 8) ? rnd32(a) : rnd(a, 3);
		break;
	case IORING_OP_SOCKET:
		sqe->fd = chance(a, 1, 10) ? (int)rnd32(a) : PICK(a, doms);
		sqe->off = chance(a, 1, 10) ? rnd32(a) : (__u32)PICK(a, types);
		sqe->len = chance(a, 1, 8) ? rnd(a, 300) : 0;
		break;
	}
	if (chance(a, 1, 5)) {
		sqe->file_index = chance(a, 1, 2) ? IORING_FILE_INDEX_ALLOC :
						    rnd(a, 20);
	}
}

static void prep_uring_cmd(struct actor *a, struct ring *r,
			   struct io_uring_sqe *sqe)
{
	static const __u32 names[] = {
		SO_RCVBUF, SO_SNDBUF, SO_KEEPALIVE, SO_REUSEADDR, SO_TYPE,
		SO_LINGER, SO_RCVTIMEO_OLD, SO_PEEK_OFF,
	};
	int *val = arena_get(a, 128);
	unsigned int i;

	sqe->fd = pick_fd(a, SOCK_FDS);
	sqe->cmd_op = chance(a, 5, 6) ? rnd(a, 7) : rnd32(a);
	sqe->level = chance(a, 4, 5) ? SOL_SOCKET : rnd(a, 300);
	sqe->optname = chance(a, 4, 5) ? PICK(a, names) : rnd(a, 80);
	val[0] = (int)PICK(a, edge32);
	sqe->optval = chance(a, 9, 10) ? U64(val) : pick_addr(a, 4, false);
	sqe->optlen = chance(a, 4, 5) ? 4 : PICK(a, edge32);
	if (chance(a, 1, 10)) {
		sqe->uring_cmd_flags = rnd32(a) & 3;
		sqe->buf_index = rnd(a, r->nrbufs + 1);
	}
	if (sqe->cmd_op == 5) {
		/* SOCKET_URING_OP_GETSOCKNAME: address out, its length in/out */
		val[0] = chance(a, 4, 5) ? 16 + rnd(a, 48) : (int)PICK(a, edge32);
		sqe->addr = chance(a, 9, 10) ? U64(val + 1) : pick_addr(a, 16, false);
		sqe->addr3 = chance(a, 9, 10) ? U64(val) : pick_addr(a, 4, false);
		sqe->optlen = chance(a, 9, 10) ? rnd(a, 2) : rnd32(a);
	}
	if (r->sqe_size == 128 && chance(a, 1, 3))
		for (i = 0; i < 80; i++)
			sqe->cmd[i] = rnd32(a);
}

/* Directory fd and path for ops that change the file system. */
static int safe_dirfd(struct actor *a)
{
	if (chance(a, 1, 3) && a->f->dirfd >= 0)
		return a->f->dirfd;
	return chance(a, 1, 15) ? special_fd(a) : AT_FDCWD;
}

static __u32 pick_open_flags(struct actor *a)
{
	static const __u32 fl[] = {
		O_RDONLY, O_RDWR, O_WRONLY | O_CREAT | O_TRUNC, O_RDWR | O_CREAT,
		O_RDWR | O_DIRECT, O_RDONLY | O_DIRECTORY, O_PATH, O_TMPFILE | O_RDWR,
		O_RDWR | O_CREAT | O_EXCL, O_RDONLY | O_NONBLOCK,
		O_WRONLY | O_APPEND, O_RDONLY | O_NOFOLLOW, O_RDWR | O_SYNC,
	};

	return chance(a, 1, 10) ? rnd32(a) :
	       (PICK(a, fl) | (chance(a, 1, 2) ? O_CLOEXEC : 0));
}

static void prep_open(struct actor *a, struct ring *r, struct io_uring_sqe *sqe)
{
	bool create;
	struct fz_open_how *how;

	(void)r;
	sqe->fd = chance(a, 1, 4) ? pick_fd(a, M(FK_DIR)) : safe_dirfd(a);
	sqe->open_flags = pick_open_flags(a);
	create = (sqe->open_flags & (O_CREAT | O_TRUNC)) ||
		 (sqe->open_flags & O_TMPFILE) == O_TMPFILE;
	sqe->addr = pick_path(a, create);
	sqe->len = chance(a, 1, 10) ? rnd32(a) : 0644;
	if (sqe->opcode == IORING_OP_OPENAT2) {
		how = arena_get(a, 64);
		how->flags = sqe->open_flags;
		how->mode = chance(a, 1, 2) && create ? 0600 : 0;
		how->resolve = chance(a, 1, 3) ? rnd(a, FZ_RESOLVE_BITS + 1) : 0;
		if (chance(a, 1, 10))
			how->resolve = rnd64(a);
		sqe->addr2 = U64(how);
		sqe->len = chance(a, 1, 8) ? PICK(a, edge32) : sizeof(*how);
		sqe->open_flags = 0;
	}
	if (chance(a, 1, 5))
		sqe->file_index = chance(a, 1, 2) ? IORING_FILE_INDEX_ALLOC :
						    rnd(a, 20);
}

static void prep_close(struct actor *a, struct ring *r,
		       struct io_uring_sqe *sqe)
{
	int i;

	sqe->fd = pick_fd(a, ANY_FDS & ~M(FK_RING));
	if (r->nfiles && chance(a, 1, 3)) {
		sqe->fd = 0;
		sqe->file_index = 1 + rnd(a, r->nfiles + 1);
	}
	/* never our own stdio */
	for (i = 0; i < 3; i++)
		if (sqe->fd == i && !sqe->file_index)
			sqe->fd = -1;
}

static void prep_statx(struct actor *a, struct ring *r,
		       struct io_uring_sqe *sqe)
{
	(void)r;
	sqe->fd = chance(a, 1, 3) ? pick_fd(a, ANY_FDS) : safe_dirfd(a);
	sqe->addr = pick_path(a, false);
	sqe->len = chance(a, 1, 5) ? rnd32(a) : 0xfff;
	sqe->statx_flags = chance(a, 1, 4) ? FZ_AT_EMPTY_PATH :
			   rnd32(a) & 0x7f00;
	sqe->addr2 = chance(a, 9, 10) ? U64(arena_get(a, 256)) :
				      pick_addr(a, 256, false);
}

static void prep_fileops(struct actor *a, struct ring *r,
			 struct io_uring_sqe *sqe)
{
	int kind;

	(void)r;
	sqe->fd = pick_fd_kind(a, chance(a, 4, 5) ? FILE_FDS : ANY_FDS, &kind);
	switch (sqe->opcode) {
	case IORING_OP_FSYNC:
		sqe->fsync_flags = chance(a, 1, 10) ? rnd32(a) : rnd(a, 2);
		sqe->off = rnd(a, FILE_LEN);
		sqe->len = rnd(a, 3) ? 0 : rnd(a, FILE_LEN);
		break;
	case IORING_OP_SYNC_FILE_RANGE:
		sqe->off = pick_off(a, false);
		sqe->len = rnd(a, 2) ? 0 : pick_len(a, false);
		sqe->sync_range_flags = chance(a, 1, 10) ? rnd32(a) : rnd(a, 8);
		break;
	case IORING_OP_FALLOCATE:
		sqe->off = rnd(a, 2) ? rnd(a, DFILE_LEN) : pick_off(a, false);
		sqe->addr = rnd(a, 2) ? 1 + rnd(a, BUF_LEN) : PICK(a, edge64);
		sqe->len = chance(a, 1, 10) ? rnd32(a) : rnd(a, 0x80);
		break;
	case IORING_OP_FADVISE:
		sqe->off = pick_off(a, false);
		sqe->len = pick_len(a, false);
		sqe->fadvise_advice = chance(a, 1, 10) ? rnd32(a) : rnd(a, 6);
		break;
	case IORING_OP_FTRUNCATE:
		sqe->off = rnd(a, 2) ? rnd(a, DFILE_LEN) : PICK(a, edge64);
		break;
	}
}

static void prep_madvise(struct actor *a, struct ring *r,
			 struct io_uring_sqe *sqe)
{
	static const __u32 adv[] = {
		MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED,
		MADV_DONTNEED, MADV_FREE, MADV_COLD, MADV_PAGEOUT,
	};
	struct buf *b = &a->f->bufs[rnd(a, NBUFS)];
	size_t off = rnd(a, b->len) & ~(PAGE - 1);

	/* never the rings: a zapped ring mapping does not fault back in */
	(void)r;
	sqe->fd = -1;
	sqe->addr = U64(b->p + off);
	sqe->len = PAGE * (1 + rnd(a, (b->len - off) / PAGE));
	if (chance(a, 1, 8))
		sqe->addr = chance(a, 1, 2) ? bad_addr(a) : sqe->addr + 1;
	sqe->fadvise_advice = chance(a, 1, 10) ? rnd(a, 100) : PICK(a, adv);
}

static void prep_namei(struct actor *a, struct ring *r,
		       struct io_uring_sqe *sqe)
{
	(void)r;
	sqe->fd = safe_dirfd(a);
	sqe->addr = pick_path(a, true);
	switch (sqe->opcode) {
	case IORING_OP_RENAMEAT:
		sqe->len = safe_dirfd(a);
		sqe->addr2 = pick_path(a, true);
		sqe->rename_flags = chance(a, 1, 5) ? rnd(a, 8) : 0;
		break;
	case IORING_OP_UNLINKAT:
		sqe->unlink_flags = chance(a, 1, 3) ? FZ_AT_REMOVEDIR :
				    chance(a, 1, 10) ? rnd32(a) : 0;
		break;
	case IORING_OP_MKDIRAT:
		sqe->len = chance(a, 1, 10) ? rnd32(a) : 0755;
		break;
	case IORING_OP_SYMLINKAT:
		sqe->addr = pick_path(a, false);	/* the target */
		sqe->addr2 = pick_path(a, true);
		break;
	case IORING_OP_LINKAT:
		sqe->len = safe_dirfd(a);
		sqe->addr2 = pick_path(a, true);
		sqe->hardlink_flags = chance(a, 1, 4) ? 0x400 : 0;
		break;
	}
}

static void prep_xattr(struct actor *a, struct ring *r,
		       struct io_uring_sqe *sqe)
{
	static const char *const names[] = {
		"user.fz", "user.a", "trusted.fz", "security.fz",
		"system.posix_acl_access", "", "bogus", "user.",
	};
	__u8 op = sqe->opcode;
	const char *n = PICK(a, names);
	char *name = arena_get(a, 300);
	__u32 len = chance(a, 4, 5) ? rnd(a, 256) : PICK(a, edge32);

	(void)r;
	if (chance(a, 1, 20))
		memset(name, 'u', 290);
	else
		strcpy(name, n);
	sqe->addr = chance(a, 1, 20) ? pick_addr(a, 8, false) : U64(name);
	sqe->addr2 = pick_addr(a, len, false);
	sqe->len = len;
	sqe->xattr_flags = chance(a, 1, 10) ? rnd32(a) :
			   rnd(a, (FZ_XATTR_CREATE | FZ_XATTR_REPLACE) + 1);
	if (op == IORING_OP_FSETXATTR || op == IORING_OP_FGETXATTR)
		sqe->fd = pick_fd(a, FILE_FDS | M(FK_DIR));
	else
		sqe->addr3 = pick_path(a, op == IORING_OP_SETXATTR);
}

static void prep_splice(struct actor *a, struct ring *r,
			struct io_uring_sqe *sqe)
{
	static const __u32 fl[] = { 0, 1, 2, 4, 8, 3 };
	int k_in, k_out;

	(void)r;
	if (sqe->opcode == IORING_OP_TEE || chance(a, 1, 2)) {
		sqe->splice_fd_in = pick_fd_kind(a, M(FK_PIPER), &k_in);
		sqe->fd = pick_fd_kind(a, sqe->opcode == IORING_OP_TEE ?
				       M(FK_PIPEW) : ANY_FDS, &k_out);
	} else {
		sqe->splice_fd_in = pick_fd_kind(a, RW_FDS, &k_in);
		sqe->fd = pick_fd_kind(a, M(FK_PIPEW), &k_out);
	}
	sqe->len = chance(a, 1, 8) ? PICK(a, edge32) : 1 + rnd(a, BUF_LEN);
	sqe->splice_flags = chance(a, 1, 10) ? rnd32(a) : PICK(a, fl);
	if (sqe->opcode == IORING_OP_SPLICE) {
		sqe->off = (M(k_out) & PIPE_FDS) ? -1ULL : pick_off(a, false);
		sqe->splice_off_in = (M(k_in) & PIPE_FDS) ? -1ULL :
				     pick_off(a, false);
		if (chance(a, 1, 10))
			sqe->splice_off_in = PICK(a, edge64);
	}
	if (r->nfiles && chance(a, 1, 6)) {
		sqe->splice_flags |= SPLICE_F_FD_IN_FIXED;
		sqe->splice_fd_in = rnd(a, r->nfiles + 1);
	}
}

static void prep_epoll(struct actor *a, struct ring *r,
		       struct io_uring_sqe *sqe)
{
	struct epoll_event *ev = arena_get(a, sizeof(*ev));

	(void)r;
	sqe->fd = pick_fd(a, M(FK_EPOLL));
	sqe->off = chance(a, 1, 4) ? any_ring_fd(a) : pick_fd(a, ANY_FDS);
	sqe->len = chance(a, 1, 10) ? rnd32(a) : 1 + rnd(a, 3);
	ev->events = pick_poll_events(a);
	ev->data.u64 = rnd64(a);
	sqe->addr = chance(a, 1, 15) ? pick_addr(a, 12, false) : U64(ev);
}

/* EPOLL_WAIT: an epoll fd (or another), room for a few events. */
static void prep_epoll_wait(struct actor *a, struct ring *r,
			    struct io_uring_sqe *sqe)
{
	unsigned int nr = 1 + rnd(a, 4);

	(void)r;
	sqe->fd = chance(a, 5, 6) ? pick_fd(a, M(FK_EPOLL)) : pick_fd(a, ANY_FDS);
	sqe->len = chance(a, 1, 10) ? PICK(a, edge32) : nr;
	sqe->addr = chance(a, 1, 15) ? pick_addr(a, 12, false) :
		U64(arena_get(a, nr * sizeof(struct epoll_event)));
	sqe->off = 0;
	sqe->rw_flags = chance(a, 1, 20) ? rnd32(a) : 0;
}

/* PIPE: mostly into fixed slots (its plain fds are not adopted). */
static void prep_pipe(struct actor *a, struct ring *r,
		      struct io_uring_sqe *sqe)
{
	static const __u32 flags[] = { 0, O_CLOEXEC, O_NONBLOCK, O_DIRECT,
				       O_NONBLOCK | O_CLOEXEC, O_EXCL };

	sqe->fd = 0;
	sqe->off = 0;
	sqe->len = 0;
	sqe->addr = chance(a, 1, 15) ? pick_addr(a, 8, false) :
		U64(arena_get(a, 2 * sizeof(int)));
	sqe->rw_flags = chance(a, 1, 10) ? rnd32(a) : flags[rnd(a, 6)];
	if (chance(a, 7, 8))
		sqe->file_index = chance(a, 1, 2) ? IORING_FILE_INDEX_ALLOC :
			rnd(a, r->nfiles + 2);
}

static void prep_msg_ring(struct actor *a, struct ring *r,
			  struct io_uring_sqe *sqe)
{
	sqe->fd = chance(a, 5, 6) ? any_ring_fd(a) : pick_fd(a, ANY_FDS);
	sqe->addr = chance(a, 1, 10) ? rnd64(a) : rnd(a, 2);
	sqe->len = rnd32(a);
	sqe->off = rnd64(a);
	sqe->addr3 = r->nfiles ? rnd(a, r->nfiles + 1) : rnd(a, 4);
	sqe->file_index = chance(a, 1, 3) ? IORING_FILE_INDEX_ALLOC :
			  rnd(a, 20);
	sqe->msg_ring_flags = chance(a, 1, 10) ? rnd32(a) : rnd(a, 4);
}

static void prep_files_update(struct actor *a, struct ring *r,
			      struct io_uring_sqe *sqe)
{
	unsigned int i, n = 1 + rnd(a, 8);
	int *fds = arena_get(a, n * sizeof(int));

	for (i = 0; i < n; i++)
		fds[i] = chance(a, 1, 5) ? -1 : pick_fd(a, ANY_FDS);
	sqe->fd = -1;
	sqe->addr = chance(a, 1, 20) ? pick_addr(a, 4, false) : U64(fds);
	sqe->len = chance(a, 1, 10) ? PICK(a, edge32) : n;
	sqe->off = chance(a, 1, 3) ? IORING_FILE_INDEX_ALLOC :
		   rnd(a, r->nfiles + 2);
}

static void prep_buffers(struct actor *a, struct ring *r,
			 struct io_uring_sqe *sqe)
{
	__u32 len = chance(a, 1, 8) ? PICK(a, edge32) : 64 + rnd(a, 4033);
	int nr = chance(a, 1, 10) ? (int)PICK(a, edge32) : 1 + (int)rnd(a, 32);

	sqe->fd = nr;
	sqe->buf_group = chance(a, 1, 8) ? pick_bgid(a, r) : rnd(a, 4);
	if (sqe->opcode == IORING_OP_REMOVE_BUFFERS)
		return;
	sqe->len = len;
	sqe->addr = pick_addr(a, (__u64)len * (nr > 0 ? nr : 1), false);
	sqe->off = chance(a, 1, 10) ? PICK(a, edge32) : rnd(a, 1024);
}

static void prep_waitid(struct actor *a, struct ring *r,
			struct io_uring_sqe *sqe)
{
	struct fz *f = a->f;

	(void)r;
	sqe->len = chance(a, 1, 10) ? rnd32(a) : rnd(a, 4);	/* idtype */
	sqe->fd = f->nkids && chance(a, 1, 2) ? f->kids[rnd(a, f->nkids)] :
		  rnd(a, 2) ? 0 : (int)getpid();
	sqe->file_index = chance(a, 1, 10) ? rnd32(a) :
			  4 | (rnd(a, 2) ? WNOHANG : 0) |
			  (rnd(a, 4) ? 0 : WNOWAIT);
	sqe->addr2 = chance(a, 1, 10) ? pick_addr(a, 128, false) :
		     U64(arena_get(a, 128));
}

static void prep_futex(struct actor *a, struct ring *r,
		       struct io_uring_sqe *sqe)
{
	unsigned int *w = &a->f->futex[rnd(a, 8)];
	struct fz_futex_waitv *v;
	unsigned int i, n;

	(void)r;
	if (sqe->opcode == IORING_OP_FUTEX_WAITV) {
		n = chance(a, 1, 10) ? PICK(a, edge32) : 1 + rnd(a, 4);
		v = arena_get(a, 4 * sizeof(*v));
		for (i = 0; i < 4; i++) {
			v[i].uaddr = U64(&a->f->futex[rnd(a, 8)]);
			v[i].val = rnd(a, 2);
			v[i].flags = FZ_FUTEX2_SIZE_U32 |
				     (rnd(a, 2) ? FZ_FUTEX2_PRIVATE : 0);
			if (chance(a, 1, 15))
				v[i].flags = rnd32(a);
		}
		sqe->addr = U64(v);
		sqe->len = n;
		return;
	}
	sqe->fd = chance(a, 1, 10) ? (int)rnd(a, 256) :
		  FZ_FUTEX2_SIZE_U32 | (rnd(a, 2) ? FZ_FUTEX2_PRIVATE : 0);
	sqe->addr = chance(a, 1, 15) ? pick_addr(a, 4, false) : U64(w);
	sqe->addr2 = sqe->opcode == IORING_OP_FUTEX_WAKE ?
		     (rnd(a, 2) ? 1 : INT_MAX) :
		     (chance(a, 3, 4) ? __atomic_load_n(w, __ATOMIC_RELAXED) :
		      rnd(a, 3));
	sqe->addr3 = chance(a, 1, 8) ? rnd32(a) : 0xffffffffULL;
	if (chance(a, 1, 15))
		sqe->futex_flags = rnd32(a);
}

static void prep_fixed_install(struct actor *a, struct ring *r,
			       struct io_uring_sqe *sqe)
{
	sqe->flags |= IOSQE_FIXED_FILE;
	sqe->fd = rnd(a, r->nfiles + 2);
	sqe->install_fd_flags = chance(a, 1, 10) ? rnd32(a) : rnd(a, 2);
}

/* An opcode past the table, or one we know nothing about: noise. */
static void prep_noise(struct actor *a, struct ring *r,
		       struct io_uring_sqe *sqe)
{
	__u8 op = sqe->opcode;
	unsigned int i;

	(void)r;
	for (i = 0; i < 64; i += 8)
		*(__u64 *)((char *)sqe + i) = rnd64(a);
	sqe->opcode = op;
	sqe->flags = 0;
	sqe->fd = pick_fd(a, ANY_FDS);
	sqe->addr = pick_addr(a, 64, false);
}

typedef void (*prep_fn)(struct actor *a, struct ring *r,
			struct io_uring_sqe *sqe);

static const prep_fn preps[FZ_OP_LAST] = {
	[IORING_OP_NOP]			= prep_nop,
	[IORING_OP_READV]		= prep_rw,
	[IORING_OP_WRITEV]		= prep_rw,
	[IORING_OP_FSYNC]		= prep_fileops,
	[IORING_OP_READ_FIXED]		= prep_rw,
	[IORING_OP_WRITE_FIXED]		= prep_rw,
	[IORING_OP_POLL_ADD]		= prep_poll,
	[IORING_OP_POLL_REMOVE]		= prep_poll,
	[IORING_OP_SYNC_FILE_RANGE]	= prep_fileops,
	[IORING_OP_SENDMSG]		= prep_sendrecv,
	[IORING_OP_RECVMSG]		= prep_sendrecv,
	[IORING_OP_TIMEOUT]		= prep_timeout,
	[IORING_OP_TIMEOUT_REMOVE]	= prep_timeout,
	[IORING_OP_ACCEPT]		= prep_socket_ops,
	[IORING_OP_ASYNC_CANCEL]	= prep_cancel,
	[IORING_OP_LINK_TIMEOUT]	= prep_timeout,
	[IORING_OP_CONNECT]		= prep_socket_ops,
	[IORING_OP_FALLOCATE]		= prep_fileops,
	[IORING_OP_OPENAT]		= prep_open,
	[IORING_OP_CLOSE]		= prep_close,
	[IORING_OP_FILES_UPDATE]	= prep_files_update,
	[IORING_OP_STATX]		= prep_statx,
	[IORING_OP_READ]		= prep_rw,
	[IORING_OP_WRITE]		= prep_rw,
	[IORING_OP_FADVISE]		= prep_fileops,
	[IORING_OP_MADVISE]		= prep_madvise,
	[IORING_OP_SEND]		= prep_sendrecv,
	[IORING_OP_RECV]		= prep_sendrecv,
	[IORING_OP_OPENAT2]		= prep_open,
	[IORING_OP_EPOLL_CTL]		= prep_epoll,
	[IORING_OP_SPLICE]		= prep_splice,
	[IORING_OP_PROVIDE_BUFFERS]	= prep_buffers,
	[IORING_OP_REMOVE_BUFFERS]	= prep_buffers,
	[IORING_OP_TEE]			= prep_splice,
	[IORING_OP_SHUTDOWN]		= prep_socket_ops,
	[IORING_OP_RENAMEAT]		= prep_namei,
	[IORING_OP_UNLINKAT]		= prep_namei,
	[IORING_OP_MKDIRAT]		= prep_namei,
	[IORING_OP_SYMLINKAT]		= prep_namei,
	[IORING_OP_LINKAT]		= prep_namei,
	[IORING_OP_MSG_RING]		= prep_msg_ring,
	[IORING_OP_FSETXATTR]		= prep_xattr,
	[IORING_OP_SETXATTR]		= prep_xattr,
	[IORING_OP_FGETXATTR]		= prep_xattr,
	[IORING_OP_GETXATTR]		= prep_xattr,
	[IORING_OP_SOCKET]		= prep_socket_ops,
	[IORING_OP_URING_CMD]		= prep_uring_cmd,
	[IORING_OP_SEND_ZC]		= prep_sendrecv,
	[IORING_OP_SENDMSG_ZC]		= prep_sendrecv,
	[IORING_OP_READ_MULTISHOT]	= prep_rw,
	[IORING_OP_WAITID]		= prep_waitid,
	[IORING_OP_FUTEX_WAIT]		= prep_futex,
	[IORING_OP_FUTEX_WAKE]		= prep_futex,
	[IORING_OP_FUTEX_WAITV]		= prep_futex,
	[IORING_OP_FIXED_FD_INSTALL]	= prep_fixed_install,
	[IORING_OP_FTRUNCATE]		= prep_fileops,
	[IORING_OP_BIND]		= prep_socket_ops,
	[IORING_OP_LISTEN]		= prep_socket_ops,
	[FZ_OP_EPOLL_WAIT]		= prep_epoll_wait,
	[FZ_OP_READV_FIXED]		= prep_rw,
	[FZ_OP_WRITEV_FIXED]		= prep_rw,
	[FZ_OP_PIPE]			= prep_pipe,
	[FZ_OP_NOP128]			= prep_nop,
	[FZ_OP_URING_CMD128]		= prep_uring_cmd,
};

static bool makes_fd(__u8 op)
{
	return op == IORING_OP_OPENAT || op == IORING_OP_OPENAT2 ||
	       op == IORING_OP_ACCEPT || op == IORING_OP_SOCKET;
}

static __u8 pick_sqe_flags(struct actor *a)
{
	__u8 fl = 0;

	if (chance(a, 1, 20))
		fl |= IOSQE_IO_DRAIN;
	if (chance(a, 1, 6))
		fl |= IOSQE_IO_LINK;
	if (chance(a, 1, 20))
		fl |= IOSQE_IO_HARDLINK;
	if (chance(a, 1, 6))
		fl |= IOSQE_ASYNC;
	if (chance(a, 1, 30))
		fl |= IOSQE_BUFFER_SELECT;
	if (chance(a, 1, 15))
		fl |= IOSQE_CQE_SKIP_SUCCESS;
	if (chance(a, 1, 50))
		fl |= rnd32(a);
	return fl;
}

/* Flip bits or overwrite a word of an SQE: the malformed share. */
static void corrupt_sqe(struct actor *a, struct ring *r,
			struct io_uring_sqe *sqe)
{
	unsigned int words = r->sqe_size / 8;
	__u64 *w = (__u64 *)sqe + rnd(a, words);

	if (chance(a, 1, 2))
		*w ^= 1ULL << rnd(a, 64);
	else
		*w = chance(a, 1, 2) ? rnd64(a) : PICK(a, edge64);
}

static void fill_sqe(struct actor *a, struct ring *r, struct io_uring_sqe *sqe,
		     bool link_timeout)
{
	struct fz *f = a->f;
	unsigned int op;
	__u64 ud;

	if (link_timeout)
		op = IORING_OP_LINK_TIMEOUT;
	else if (chance(a, 1, 20))
		op = FZ_OP_LAST + rnd(a, 6);
	else
		op = rnd(a, FZ_OP_LAST);
	sqe->opcode = op;
	ud = (UD_MAGIC << 56) | ((__u64)(++f->seq & 0xffffffffffULL) << 16) |
	     op;
	if (op < FZ_OP_LAST && preps[op])
		preps[op](a, r, sqe);
	else
		prep_noise(a, r, sqe);
	sqe->flags |= pick_sqe_flags(a);
	if (r->nfiles && op != IORING_OP_CLOSE && chance(a, 1, 4)) {
		sqe->flags |= IOSQE_FIXED_FILE;
		sqe->fd = chance(a, 9, 10) ? (int)rnd(a, r->nfiles) :
					     (int)PICK(a, edge32);
	}
	if (makes_fd(op) && !sqe->file_index &&
	    !(sqe->flags & IOSQE_CQE_SKIP_SUCCESS))
		ud |= UD_FD;
	sqe->user_data = chance(a, 1, 20) ? recent_ud(a) : ud;
	f->recent[f->nrecent++ % NRECENT] = sqe->user_data;
	if (chance(a, 1, 10))
		sqe->personality = chance(a, 2, 3) ? r->pers[rnd(a, MAX_PERS)] :
						     (int)rnd(a, 8);
	if (chance(a, 1, 12))
		corrupt_sqe(a, r, sqe);
}

/* --- CQEs --- */

static void note_cqe(struct actor *a, struct io_uring_cqe *cqe)
{
	__u64 ud = cqe->user_data;
	__u8 op = ud & 0xff;
	int kind = op == IORING_OP_OPENAT || op == IORING_OP_OPENAT2 ?
		   FK_FILE : op == IORING_OP_ACCEPT ? FK_TCP : FK_TCPNEW;

	if (!a->main || cqe->res < 3 || (ud >> 56) != UD_MAGIC ||
	    !(ud & UD_FD) || !makes_fd(op))
		return;
	pool_adopt(a->f, cqe->res, kind);
}

static void reap(struct actor *a, struct ring *r)
{
	unsigned int head, tail, n, i;
	char *c;

	if (!r->usable)
		return;
	head = __atomic_load_n(r->cq_head, __ATOMIC_RELAXED);
	tail = __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE);
	n = tail - head;
	if (n > r->p.cq_entries)
		n = r->p.cq_entries;
	for (i = 0; i < n; i++) {
		c = r->cqes + (size_t)((head + i) & r->cq_mask) * r->cqe_size;
		note_cqe(a, (struct io_uring_cqe *)c);
		/* a mixed ring's 32-byte CQE takes the next slot too */
		if ((r->p.flags & FZ_SETUP_CQE_MIXED) &&
		    (((struct io_uring_cqe *)c)->flags & FZ_CQE_F_32))
			i++;
	}
	if (chance(a, 1, 15))
		n /= 2;		/* leave some: overflow */
	if (chance(a, 1, 200))
		n = rnd32(a);	/* a head from nowhere */
	__atomic_store_n(r->cq_head, head + n, __ATOMIC_RELEASE);
}

/* --- io_uring_enter --- */

static sigset_t *pick_sigmask(struct actor *a)
{
	sigset_t *set = arena_get(a, sizeof(*set));

	sigemptyset(set);
	if (chance(a, 1, 2))
		sigaddset(set, SIGUSR2);
	if (chance(a, 1, 4))
		sigaddset(set, SIGCHLD);
	if (chance(a, 1, 8))
		memset(set, 0xff, 8);
	/* never keep out the guard or the episode alarm */
	sigdelset(set, SIGUSR1);
	sigdelset(set, SIGALRM);
	return set;
}

static void *ext_arg(struct actor *a, size_t *argsz, unsigned int flags)
{
	struct io_uring_getevents_arg *arg = arena_get(a, 64);
	struct __kernel_timespec *ts = arena_get(a, sizeof(*ts));

	*argsz = chance(a, 1, 12) ? PICK(a, edge32) : sizeof(*arg);
	if (chance(a, 1, 2)) {
		arg->sigmask = U64(pick_sigmask(a));
		arg->sigmask_sz = chance(a, 1, 10) ? rnd(a, 130) : _NSIG / 8;
	}
	if (chance(a, 1, 4))
		arg->min_wait_usec = rnd(a, 5000);
	if (chance(a, 4, 5)) {
		pick_ts(a, ts, false, CLOCK_MONOTONIC);
		if (ts->tv_sec > 1 || ts->tv_sec < 0)
			ts->tv_sec = 0;
		if (flags & IORING_ENTER_ABS_TIMER)
			ts_abs(ts, CLOCK_MONOTONIC);
		arg->ts = U64(ts);
	}
	if (chance(a, 1, 20))
		return (void *)(uintptr_t)pick_addr(a, 24, false);
	return arg;
}

static int do_enter(struct actor *a, struct ring *r, unsigned int submit)
{
	unsigned int flags = 0, min = 0;
	size_t argsz = 0;
	void *arg = NULL;
	int fd = r->fd, ret;

	if (r->reg >= 0 && (fd < 0 || chance(a, 1, 6))) {
		flags |= IORING_ENTER_REGISTERED_RING;
		fd = r->reg;
	}
	if (chance(a, 3, 5)) {
		flags |= IORING_ENTER_GETEVENTS;
		min = chance(a, 1, 2) ? 0 : 1 + rnd(a, 4);
		if (chance(a, 1, 20))
			min = PICK(a, edge32);
	}
	if ((r->p.flags & IORING_SETUP_SQPOLL) && chance(a, 1, 2))
		flags |= IORING_ENTER_SQ_WAKEUP;
	if (chance(a, 1, 15))
		flags |= IORING_ENTER_SQ_WAIT;
	if (chance(a, 1, 10))
		flags |= IORING_ENTER_ABS_TIMER;
	if (chance(a, 1, 8))
		flags |= IORING_ENTER_NO_IOWAIT;
	if (chance(a, 1, 12)) {
		/* a registered wait argument, by offset (64 bytes each) */
		flags |= IORING_ENTER_EXT_ARG | FZ_ENTER_EXT_ARG_REG;
		arg = (void *)(uintptr_t)(chance(a, 4, 5) ? 64 * rnd(a, 80) :
					  rnd64(a));
		argsz = chance(a, 9, 10) ? 64 : rnd(a, 130);
	} else if (chance(a, 2, 5)) {
		flags |= IORING_ENTER_EXT_ARG;
		arg = ext_arg(a, &argsz, flags);
	} else if (chance(a, 1, 10)) {
		arg = pick_sigmask(a);
		argsz = chance(a, 1, 8) ? rnd(a, 130) : _NSIG / 8;
	}
	if (chance(a, 1, 30))
		flags |= 1U << (6 + rnd(a, 26));
	if (chance(a, 1, 20))
		submit = PICK(a, edge32);
	count_op(a);
	guard_arm(a, 5 + rnd(a, 40));
	ret = sys_enter(fd, submit, min, flags, arg, argsz);
	guard_disarm(a);
	return ret;
}

/* --- provided buffer rings --- */

static void pbuf_add(struct actor *a, struct pbuf *pb, unsigned int n)
{
	struct io_uring_buf_ring *br = pb->br;
	unsigned int i, len, mask = pb->mask;
	struct io_uring_buf *e;
	struct buf *b;

	if (!pb->live || !br)
		return;
	for (i = 0; i < n; i++) {
		b = &a->f->bufs[rnd(a, NBUFS)];
		len = 64 + rnd(a, 4033);
		e = &br->bufs[(pb->tail + i) & mask];
		e->addr = U64(b->p + rnd(a, (unsigned int)(b->len - len)));
		e->len = chance(a, 1, 30) ? PICK(a, edge32) : len;
		e->bid = chance(a, 1, 30) ? rnd32(a) : pb->tail + i;
	}
	pb->tail += n;
	__atomic_store_n(&br->tail, pb->tail, __ATOMIC_RELEASE);
}

static void act_pbuf_refill(struct actor *a)
{
	struct ring *r = pick_ring(a, false);
	struct io_uring_buf_status st;
	struct pbuf *pb;
	unsigned int n;

	if (!r)
		return;
	pb = &r->pb[rnd(a, MAX_PBUF)];
	if (!pb->live)
		return;
	n = (pb->mask + 1) / 4 + 1;
	memset(&st, 0, sizeof(st));
	st.buf_group = pb->bgid;
	count_op(a);
	if (r->fd >= 0 &&
	    !sys_register(r->fd, IORING_REGISTER_PBUF_STATUS, &st, 1))
		n = (pb->mask + 1) - (__u16)(pb->tail - st.head);
	if (n > pb->mask + 1)
		n = pb->mask + 1;
	pbuf_add(a, pb, n);
}

/* --- io_uring_register --- */

struct regcall {
	unsigned int op, nr;
	void *arg;
	int nfiles;
	int nbufs;
	struct iovec *iov;
	struct io_uring_buf_reg *breg;
	struct io_uring_rsrc_update *upd;
	int pbmem;		/* index into pbmem, -1: none */
};

static unsigned int build_iovecs(struct actor *a, struct iovec **out)
{
	struct fz *f = a->f;
	unsigned int i, n = 1 + rnd(a, 8);
	struct iovec *iov = arena_get(a, MAX_RBUFS * sizeof(*iov));
	struct buf *b;
	size_t off;

	for (i = 0; i < n; i++) {
		b = &f->bufs[rnd(a, NBUFS)];
		off = rnd(a, 4) ? 0 : rnd(a, (unsigned int)b->len / 2);
		if (rnd(a, 2))
			off &= ~(PAGE - 1);
		iov[i].iov_base = b->p + off;
		iov[i].iov_len = 1 + rnd(a, (unsigned int)(b->len - off));
		if (chance(a, 1, 15))
			iov[i].iov_base = (void *)(uintptr_t)
				pick_addr(a, iov[i].iov_len, false);
		if (chance(a, 1, 20))
			iov[i].iov_len = chance(a, 1, 2) ? 0 : 1ULL << 31;
	}
	*out = iov;
	return n;
}

static unsigned int build_fds(struct actor *a, int **out, bool sparse_ok)
{
	unsigned int i, n = 1 + rnd(a, chance(a, 1, 8) ? 300 : 24);
	int *fds = arena_get(a, n * sizeof(int));

	for (i = 0; i < n; i++) {
		if (sparse_ok && chance(a, 1, 4))
			fds[i] = -1;
		else if (chance(a, 1, 40))
			fds[i] = IORING_REGISTER_FILES_SKIP;
		else
			fds[i] = pick_fd(a, ANY_FDS);
	}
	*out = fds;
	return n;
}

static __u64 build_tags(struct actor *a, unsigned int n)
{
	__u64 *tags;
	unsigned int i;

	if (chance(a, 1, 2))
		return 0;
	tags = arena_get(a, n * sizeof(*tags));
	for (i = 0; i < n; i++)
		tags[i] = chance(a, 1, 2) ? 0 : rnd64(a);
	return U64(tags);
}

static void build_rsrc(struct actor *a, struct ring *r, struct regcall *c)
{
	bool files = c->op == IORING_REGISTER_FILES2 ||
		     c->op == IORING_REGISTER_FILES_UPDATE2;
	struct iovec *iov;
	int *fds;
	unsigned int n;

	n = files ? build_fds(a, &fds, true) : build_iovecs(a, &iov);
	if (c->op == IORING_REGISTER_FILES2 ||
	    c->op == IORING_REGISTER_BUFFERS2) {
		struct io_uring_rsrc_register *rr = arena_get(a, sizeof(*rr));

		rr->nr = n;
		if (chance(a, 1, 3)) {
			rr->flags = IORING_RSRC_REGISTER_SPARSE;
			rr->nr = chance(a, 1, 10) ? PICK(a, edge32) :
						    1 + rnd(a, 64);
		} else {
			rr->data = files ? U64(fds) : U64(iov);
			rr->tags = build_tags(a, n);
		}
		if (chance(a, 1, 20))
			rr->resv2 = 1;
		c->arg = rr;
		c->nr = sizeof(*rr);
		c->nfiles = files ? (int)rr->nr : -1;
		if (!files && !rr->flags) {
			c->nbufs = n;
			c->iov = iov;
		}
	} else {
		struct io_uring_rsrc_update2 *u = arena_get(a, sizeof(*u));

		u->offset = rnd(a, 3) ? rnd(a, r->nfiles + 2) : PICK(a, edge32);
		u->data = files ? U64(fds) : U64(iov);
		u->tags = build_tags(a, n);
		u->nr = n;
		c->arg = u;
		c->nr = sizeof(*u);
	}
}

static void build_restrictions(struct actor *a, struct regcall *c)
{
	unsigned int i, n = 1 + rnd(a, 8);
	struct io_uring_restriction *res = arena_get(a, n * sizeof(*res));

	for (i = 0; i < n; i++) {
		res[i].opcode = chance(a, 1, 15) ? rnd(a, 10) : rnd(a, 4);
		switch (res[i].opcode) {
		case IORING_RESTRICTION_REGISTER_OP:
			res[i].register_op = rnd(a, IORING_REGISTER_LAST + 2);
			break;
		case IORING_RESTRICTION_SQE_OP:
			res[i].sqe_op = rnd(a, IORING_OP_LAST + 2);
			break;
		default:
			res[i].sqe_flags = rnd32(a) & 0x7f;
			break;
		}
		if (chance(a, 1, 20))
			res[i].resv = 1;
	}
	c->arg = res;
	c->nr = n;
}

static void build_pbuf_reg(struct actor *a, struct ring *r, struct regcall *c)
{
	static const unsigned int ents[] = {
		1, 2, 8, 16, 32, 64, 128, 256, 1024, 4096, 32768, 0, 3, 65536,
	};
	struct io_uring_buf_reg *br = arena_get(a, sizeof(*br));

	c->pbmem = -1;
	br->bgid = pick_bgid(a, r);
	if (c->op == IORING_REGISTER_PBUF_RING) {
		br->ring_entries = chance(a, 4, 5) ? 1U << rnd(a, 9) :
						     PICK(a, ents);
		br->flags = chance(a, 1, 10) ? rnd32(a) : rnd(a, 4);
		if (!(br->flags & IOU_PBUF_RING_MMAP)) {
			c->pbmem = rnd(a, NPBMEM);
			br->ring_addr = U64(a->f->pbmem[c->pbmem]);
			if (chance(a, 1, 15))
				br->ring_addr = pick_addr(a, 4096, false);
		}
		if (chance(a, 1, 20))
			br->resv[rnd(a, 5)] = 1;
		if (chance(a, 1, 4))
			br->min_left = chance(a, 1, 2) ? rnd(a, 64) : rnd32(a);
	}
	c->breg = br;
	c->arg = br;
	c->nr = chance(a, 1, 15) ? rnd(a, 3) : 1;
}

static void build_sync_cancel(struct actor *a, struct regcall *c)
{
	struct io_uring_sync_cancel_reg *sc = arena_get(a, sizeof(*sc));

	sc->addr = recent_ud(a);
	sc->fd = pick_fd(a, ANY_FDS);
	sc->flags = rnd32(a) & (chance(a, 1, 10) ? ~0U : 0x3f);
	sc->opcode = rnd(a, IORING_OP_LAST + 2);
	if (chance(a, 1, 3)) {
		sc->timeout.tv_sec = -1;
		sc->timeout.tv_nsec = -1;
	} else {
		sc->timeout.tv_nsec = rnd(a, 20) * 1000000LL;
	}
	if (chance(a, 1, 20))
		sc->pad2[0] = 1;
	c->arg = sc;
	c->nr = 1;
}

static void build_ring_fds(struct actor *a, struct regcall *c)
{
	unsigned int i, n = 1 + rnd(a, 4);
	struct io_uring_rsrc_update *u = arena_get(a, n * sizeof(*u));

	for (i = 0; i < n; i++) {
		u[i].offset = chance(a, 1, 2) ? -1U : rnd(a, 20);
		u[i].data = c->op == IORING_REGISTER_RING_FDS ?
			    (__u64)(chance(a, 4, 5) ? any_ring_fd(a) :
				    pick_fd(a, ANY_FDS)) : rnd64(a);
	}
	c->upd = u;
	c->arg = u;
	c->nr = n;
}

/* Everything else that takes one small structure or a byte array. */
static void build_small(struct actor *a, struct ring *r, struct regcall *c)
{
	__u32 *w = arena_get(a, 256);
	unsigned int i;

	c->arg = w;
	switch (c->op) {
	case IORING_REGISTER_EVENTFD:
	case IORING_REGISTER_EVENTFD_ASYNC:
		w[0] = pick_fd(a, M(FK_EVENTFD));
		c->nr = 1;
		break;
	case IORING_REGISTER_PROBE:
		c->nr = chance(a, 4, 5) ? 256 : rnd(a, 300);
		c->arg = arena_get(a, sizeof(struct io_uring_probe) +
				   300 * sizeof(struct io_uring_probe_op));
		if (chance(a, 1, 10))
			((char *)c->arg)[rnd(a, 64)] = 1; /* must be zeroed */
		break;
	case IORING_UNREGISTER_PERSONALITY:
		c->arg = NULL;
		c->nr = chance(a, 4, 5) ? (unsigned int)r->pers[rnd(a, MAX_PERS)] :
					  rnd(a, 10);
		break;
	case IORING_REGISTER_IOWQ_AFF:
		for (i = 0; i < 4; i++)
			w[i] = chance(a, 2, 3) ? 1 + rnd(a, 3) : rnd32(a);
		c->nr = chance(a, 3, 4) ? 1 + rnd(a, 16) : PICK(a, edge32);
		break;
	case IORING_REGISTER_IOWQ_MAX_WORKERS:
		w[0] = chance(a, 3, 4) ? rnd(a, 5) : PICK(a, edge32);
		w[1] = chance(a, 3, 4) ? rnd(a, 5) : PICK(a, edge32);
		c->nr = chance(a, 9, 10) ? 2 : rnd(a, 4);
		break;
	case IORING_REGISTER_FILE_ALLOC_RANGE:
		w[0] = rnd(a, r->nfiles + 2);
		w[1] = rnd(a, 2) ? rnd(a, r->nfiles + 2) : PICK(a, edge32);
		c->nr = chance(a, 9, 10) ? 0 : 1;
		break;
	case IORING_REGISTER_PBUF_STATUS:
		w[0] = pick_bgid(a, r);
		c->nr = 1;
		break;
	case IORING_REGISTER_NAPI:
	case IORING_UNREGISTER_NAPI:
		w[0] = chance(a, 3, 4) ? rnd(a, 100) : rnd32(a);
		((__u8 *)w)[4] = rnd(a, 3);
		c->nr = chance(a, 9, 10) ? 1 : 0;
		if (c->op == IORING_UNREGISTER_NAPI && chance(a, 1, 2))
			c->arg = NULL;
		break;
	case IORING_REGISTER_CLOCK:
		w[0] = chance(a, 4, 5) ? (rnd(a, 2) ? CLOCK_MONOTONIC :
					  CLOCK_BOOTTIME) : rnd(a, 12);
		c->nr = 0;
		break;
	case IORING_REGISTER_CLONE_BUFFERS:
		w[1] = chance(a, 1, 4) ? IORING_REGISTER_SRC_REGISTERED :
			chance(a, 1, 10) ? rnd32(a) : 0;
		w[0] = (w[1] & IORING_REGISTER_SRC_REGISTERED) ? rnd(a, 16) :
		       chance(a, 4, 5) ? (__u32)any_ring_fd(a) :
		       (__u32)pick_fd(a, ANY_FDS);
		/* a range (src_off, dst_off, nr), over the destination's */
		if (chance(a, 1, 2)) {
			w[1] |= chance(a, 1, 2) ? FZ_REGISTER_DST_REPLACE : 0;
			w[2] = chance(a, 9, 10) ? rnd(a, 8) : rnd32(a);
			w[3] = chance(a, 9, 10) ? rnd(a, 8) : rnd32(a);
			w[4] = chance(a, 9, 10) ? rnd(a, 8) : rnd32(a);
		}
		c->nr = 1;
		break;
	default:	/* unregistrations, ENABLE_RINGS, unknown opcodes */
		for (i = 0; i < 64; i++)
			w[i] = rnd(a, 2) ? rnd32(a) : 0;
		c->nr = chance(a, 2, 3) ? 0 : PICK(a, edge32);
		if (chance(a, 2, 3))
			c->arg = NULL;
		break;
	}
}

/* SEND_MSG_RING: a data MSG_RING SQE, mostly aimed at one of our rings. */
static void build_msg_sqe(struct actor *a, struct regcall *c)
{
	struct io_uring_sqe *sqe = arena_get(a, sizeof(*sqe));

	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = chance(a, 9, 10) ? IORING_OP_MSG_RING : rnd(a, 64);
	sqe->fd = chance(a, 5, 6) ? any_ring_fd(a) : pick_fd(a, ANY_FDS);
	sqe->addr = chance(a, 9, 10) ? 0 : rnd(a, 3);	/* IORING_MSG_DATA */
	sqe->len = rnd32(a);
	sqe->off = rnd64(a);
	if (chance(a, 1, 4)) {
		sqe->msg_ring_flags = rnd(a, 4);
		sqe->file_index = rnd32(a);
	}
	if (chance(a, 1, 20))
		sqe->flags = rnd(a, 256);
	c->arg = sqe;
	c->nr = chance(a, 9, 10) ? 1 : rnd(a, 3);
}

/* QUERY: a chain of one to three headers, now and then a loop. */
static void build_query(struct actor *a, struct regcall *c)
{
	unsigned int i, n = 1 + rnd(a, 3);
	__u64 *h = arena_get(a, n * 40);

	memset(h, 0, n * 40);
	for (i = 0; i < n; i++) {
		__u64 *e = h + i * 5;

		e[0] = i + 1 < n ? U64(e + 5) : 0;	/* next_entry */
		e[1] = chance(a, 9, 10) ? U64(arena_get(a, 64)) :
					  pick_addr(a, 64, false);
		e[2] = rnd(a, 4) | ((__u64)rnd(a, 80) << 32);	/* op, size */
	}
	if (chance(a, 1, 10))
		h[(n - 1) * 5] = U64(h);
	c->arg = h;
	c->nr = chance(a, 9, 10) ? 0 : 1;
}

/* One instruction of a classic program, mostly one a filter may use. */
static struct sock_filter fz_bpf_insn(struct actor *a, unsigned int left)
{
	static const __u16 alu[] = {
		BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_MOD, BPF_AND, BPF_OR,
		BPF_XOR, BPF_LSH, BPF_RSH, BPF_NEG,
	};
	static const __u16 jmp[] = { BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET };
	static const __u16 misc[] = {
		BPF_LD | BPF_IMM, BPF_LDX | BPF_IMM, BPF_MISC | BPF_TAX,
		BPF_MISC | BPF_TXA, BPF_ST, BPF_STX, BPF_LD | BPF_MEM,
		BPF_LDX | BPF_MEM, BPF_LD | BPF_W | BPF_LEN,
		BPF_LDX | BPF_W | BPF_LEN, BPF_RET | BPF_A,
		/* what the kernel must refuse: packet loads of every kind */
		BPF_LD | BPF_H | BPF_ABS, BPF_LD | BPF_B | BPF_ABS,
		BPF_LD | BPF_W | BPF_IND, BPF_LDX | BPF_B | BPF_MSH,
	};
	struct sock_filter in = { 0 };

	switch (rnd(a, 6)) {
	case 0:		/* a word of the context, now and then past it */
		in.code = BPF_LD | BPF_W | BPF_ABS;
		in.k = chance(a, 1, 10) ? rnd(a, 64) : 4 * rnd(a, 10);
		break;
	case 1:
		in.code = BPF_ALU | PICK(a, alu) | (chance(a, 1, 4) ? BPF_X : BPF_K);
		in.k = chance(a, 1, 2) ? rnd(a, 33) : rnd32(a);
		break;
	case 2:
		in.code = BPF_JMP | PICK(a, jmp) | (chance(a, 1, 4) ? BPF_X : BPF_K);
		in.k = rnd(a, 3) ? rnd(a, 64) : rnd32(a);
		in.jt = rnd(a, left + 1);
		in.jf = rnd(a, left + 1);
		break;
	case 3:
		in.code = PICK(a, misc);
		in.k = rnd(a, 20);
		break;
	case 4:
		in.code = BPF_RET | BPF_K;
		in.k = rnd(a, 3) ? 1 : 0;
		break;
	default:
		in.code = chance(a, 1, 4) ? rnd32(a) & 0xffff : BPF_JMP | BPF_JA;
		in.k = rnd(a, left + 1);
		break;
	}
	return in;
}

/*
 * BPF_FILTER: a random program for a random opcode, that mostly ends by
 * allowing (a filter that denies everything would end the episode's
 * coverage); a bad header, flags, payload size or pointer now and then.
 */
static void build_bpf_filter(struct actor *a, struct regcall *c)
{
	static const __u8 pdu[] = { 0, 0, 0, 12, 24, 8, 40, 255 };
	unsigned int i, n = rnd(a, 12);
	struct sock_filter *prog = arena_get(a, (n + 1) * sizeof(*prog));
	struct io_uring_bpf *b = arena_get(a, sizeof(*b));

	for (i = 0; i < n; i++)
		prog[i] = fz_bpf_insn(a, n - i);
	prog[n] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
					       chance(a, 5, 6));
	memset(b, 0, sizeof(*b));
	b->cmd_type = chance(a, 1, 20) ? rnd(a, 4) : IO_URING_BPF_CMD_FILTER;
	b->cmd_flags = chance(a, 1, 30);
	b->filter.opcode = chance(a, 1, 20) ? rnd32(a) : rnd(a, IORING_OP_LAST + 2);
	b->filter.flags = chance(a, 1, 10) ? IO_URING_BPF_FILTER_DENY_REST : 0;
	if (chance(a, 1, 6))
		b->filter.flags |= IO_URING_BPF_FILTER_SZ_STRICT;
	if (chance(a, 1, 30))
		b->filter.flags = rnd32(a);
	b->filter.filter_len = chance(a, 1, 20) ? PICK(a, edge32) : n + 1;
	b->filter.pdu_size = PICK(a, pdu);
	b->filter.filter_ptr = chance(a, 1, 30) ? pick_addr(a, 8, false) : U64(prog);
	if (chance(a, 1, 30))
		b->filter.resv2[rnd(a, 5)] = 1;
	c->arg = b;
	c->nr = chance(a, 1, 20) ? rnd(a, 3) : 1;
}

/*
 * RESTRICTIONS with fd -1: the episode's task (and so its later rings)
 * gets a list, as struct io_uring_task_restriction wants it.
 */
static void build_task_restrictions(struct actor *a, struct regcall *c)
{
	unsigned int n = c->nr;
	__u8 *t = arena_get(a, 16 + n * sizeof(struct io_uring_restriction));

	memset(t, 0, 16);
	*(__u16 *)t = chance(a, 1, 20);			/* flags */
	*(__u16 *)(t + 2) = chance(a, 1, 20) ? rnd(a, 300) : n;
	memcpy(t + 16, c->arg, n * sizeof(struct io_uring_restriction));
	c->arg = t;
	c->nr = chance(a, 1, 20) ? rnd(a, 3) : 1;
}

/* RESIZE_RINGS: sizes around the ring's, now and then anything. */
static void build_resize(struct actor *a, struct regcall *c)
{
	struct io_uring_params *p = arena_get(a, sizeof(*p));

	memset(p, 0, sizeof(*p));
	p->sq_entries = chance(a, 9, 10) ? 1U << rnd(a, 8) : rnd32(a);
	if (chance(a, 1, 2)) {
		p->flags |= IORING_SETUP_CQSIZE;
		p->cq_entries = chance(a, 9, 10) ? 1U << rnd(a, 10) : rnd32(a);
	}
	if (chance(a, 1, 10))
		p->flags |= IORING_SETUP_CLAMP;
	if (chance(a, 1, 20))
		p->flags |= rnd32(a);
	if (chance(a, 1, 20))
		p->resv[rnd(a, 3)] = rnd32(a);
	c->arg = p;
	c->nr = chance(a, 9, 10) ? 1 : rnd(a, 3);
}

/*
 * MEM_REGION: our memory (a page-aligned piece of the arena, or anything)
 * or the kernel's, mostly for wait arguments, whose entries get a short
 * timeout.
 */
static void build_region(struct actor *a, struct regcall *c)
{
	__u64 *reg = arena_get(a, 32), *desc = arena_get(a, 64);
	unsigned int pages = 1 + rnd(a, 4);
	char *mem;
	unsigned int i;

	memset(desc, 0, 64);
	desc[1] = chance(a, 9, 10) ? (__u64)pages * PAGE : rnd64(a);	/* size */
	if (chance(a, 2, 3)) {
		mem = arena_get(a, (pages + 1) * PAGE);
		mem = (char *)(((uintptr_t)mem + PAGE - 1) & ~(PAGE - 1));
		for (i = 0; i < pages * PAGE / 64; i++) {
			((__u64 *)mem)[i * 8 + 1] = 1000 * 1000;  /* ts.tv_nsec */
			((__u32 *)mem)[i * 16 + 5] = 1;  /* IORING_REG_WAIT_TS */
		}
		desc[0] = chance(a, 9, 10) ? U64(mem) : pick_addr(a, PAGE, false);
		desc[2] = 1;			/* IORING_MEM_REGION_TYPE_USER */
	}
	if (chance(a, 1, 20))
		desc[2] |= rnd32(a);
	if (chance(a, 1, 20))
		desc[4 + rnd(a, 4)] = rnd64(a);
	memset(reg, 0, 32);
	reg[0] = chance(a, 19, 20) ? U64(desc) : pick_addr(a, 64, false);
	reg[1] = chance(a, 4, 5) ? 1 : rnd64(a);	/* REG_WAIT_ARG */
	c->arg = reg;
	c->nr = chance(a, 9, 10) ? 1 : rnd(a, 3);
}

static void reg_build(struct actor *a, struct ring *r, struct regcall *c)
{
	struct io_uring_files_update *fu;
	int *fds;

	c->nfiles = -1;
	c->pbmem = -1;
	switch (c->op) {
	case IORING_REGISTER_BUFFERS:
		c->nr = build_iovecs(a, &c->iov);
		c->nbufs = c->nr;
		c->arg = c->iov;
		break;
	case IORING_REGISTER_FILES:
		c->nr = build_fds(a, &fds, true);
		c->nfiles = c->nr;
		c->arg = fds;
		break;
	case IORING_REGISTER_FILES_UPDATE:
		fu = arena_get(a, sizeof(*fu));
		c->nr = build_fds(a, &fds, true);
		fu->offset = rnd(a, r->nfiles + 2);
		fu->fds = U64(fds);
		c->arg = fu;
		break;
	case IORING_REGISTER_FILES2:
	case IORING_REGISTER_BUFFERS2:
	case IORING_REGISTER_FILES_UPDATE2:
	case IORING_REGISTER_BUFFERS_UPDATE:
		build_rsrc(a, r, c);
		break;
	case IORING_REGISTER_RESTRICTIONS:
		build_restrictions(a, c);
		break;
	case IORING_REGISTER_PBUF_RING:
	case IORING_UNREGISTER_PBUF_RING:
		build_pbuf_reg(a, r, c);
		break;
	case IORING_REGISTER_SYNC_CANCEL:
		build_sync_cancel(a, c);
		break;
	case IORING_REGISTER_RING_FDS:
	case IORING_UNREGISTER_RING_FDS:
		build_ring_fds(a, c);
		break;
	case FZ_REGISTER_SEND_MSG_RING:
		build_msg_sqe(a, c);
		break;
	case FZ_REGISTER_QUERY:
		build_query(a, c);
		break;
	case FZ_REGISTER_RESIZE_RINGS:
		build_resize(a, c);
		break;
	case FZ_REGISTER_MEM_REGION:
		build_region(a, c);
		break;
	case FZ_REGISTER_BPF_FILTER:
		build_bpf_filter(a, c);
		break;
	default:
		build_small(a, r, c);
		break;
	}
}

static struct pbuf *pbuf_slot(struct ring *r, __u16 bgid, bool any)
{
	int i;

	for (i = 0; i < MAX_PBUF; i++)
		if (r->pb[i].live && r->pb[i].bgid == bgid)
			return &r->pb[i];
	if (!any)
		return NULL;
	for (i = 0; i < MAX_PBUF; i++)
		if (!r->pb[i].live)
			return &r->pb[i];
	return NULL;
}

/* A buffer ring was registered: map it if the kernel allocated it, fill it. */
static void pbuf_registered(struct actor *a, struct ring *r,
			    struct regcall *c)
{
	struct io_uring_buf_reg *br = c->breg;
	struct pbuf *pb = pbuf_slot(r, br->bgid, true);
	unsigned int room;
	void *m;

	if (!pb)
		return;
	memset(pb, 0, sizeof(*pb));
	pb->bgid = br->bgid;
	pb->entries = br->ring_entries;
	if (c->pbmem >= 0) {
		pb->br = (void *)a->f->pbmem[c->pbmem];
		room = PBMEM_LEN / sizeof(struct io_uring_buf);
	} else if (br->flags & IOU_PBUF_RING_MMAP) {
		if (r->fd < 0 || pb->entries > 65536)
			return;
		pb->maplen = (size_t)pb->entries * sizeof(struct io_uring_buf);
		m = mmap(NULL, pb->maplen, PROT_READ | PROT_WRITE, MAP_SHARED,
			 r->fd, IORING_OFF_PBUF_RING |
			 ((__u64)br->bgid << IORING_OFF_PBUF_SHIFT));
		if (m == MAP_FAILED)
			return;
		pb->br = m;
		pb->kmap = true;
		room = pb->entries;
	} else {
		return;		/* registered somewhere we did not choose */
	}
	room = room < pb->entries ? room : pb->entries;
	if (!pow2(room))
		return;
	pb->mask = room - 1;
	pb->live = true;
	pbuf_add(a, pb, room);
}

static void pbuf_unregistered(struct fz *f, struct ring *r, __u16 bgid)
{
	struct pbuf *pb = pbuf_slot(r, bgid, false);

	if (!pb)
		return;
	pb->live = false;
	if (pb->kmap && !f->nthreads_live)
		munmap(pb->br, pb->maplen);
	pb->br = NULL;
}

static void reg_done(struct actor *a, struct ring *r, struct regcall *c,
		     int ret)
{
	struct fz *f = a->f;
	int i;

	if (ret < 0 || !a->main)
		return;
	switch (c->op) {
	case FZ_REGISTER_RESIZE_RINGS:
		/* new rings: map them (the old mappings stay, unused) */
		if (c->arg && r->fd >= 0 && !r->user_mem) {
			__u32 features = r->p.features;

			memcpy(&r->p, c->arg, sizeof(r->p));
			r->p.features = features;
			ring_map(a, r);
		}
		break;
	case IORING_REGISTER_BUFFERS:
	case IORING_REGISTER_BUFFERS2:
		r->nrbufs = 0;
		for (i = 0; i < c->nbufs && i < MAX_RBUFS; i++) {
			r->rbufs[i].base = c->iov[i].iov_base;
			r->rbufs[i].len = c->iov[i].iov_len;
		}
		r->nrbufs = i;
		break;
	case IORING_UNREGISTER_BUFFERS:
		r->nrbufs = 0;
		break;
	case IORING_REGISTER_FILES:
	case IORING_REGISTER_FILES2:
		r->nfiles = c->nfiles;
		break;
	case IORING_UNREGISTER_FILES:
		r->nfiles = 0;
		break;
	case IORING_REGISTER_PERSONALITY:
		r->pers[rnd(a, MAX_PERS)] = ret;
		break;
	case IORING_REGISTER_ENABLE_RINGS:
		r->disabled = false;
		break;
	case IORING_REGISTER_RING_FDS:
		for (i = 0; i < ret && i < (int)c->nr; i++) {
			int k;

			for (k = 0; k < f->nrings; k++)
				if (f->rings[k].fd >= 0 &&
				    (__u64)f->rings[k].fd == c->upd[i].data)
					f->rings[k].reg = c->upd[i].offset;
		}
		break;
	case IORING_REGISTER_PBUF_RING:
		pbuf_registered(a, r, c);
		break;
	case IORING_UNREGISTER_PBUF_RING:
		pbuf_unregistered(f, r, c->breg->bgid);
		break;
	}
}

static unsigned int pick_reg_op(struct actor *a, struct ring *r)
{
	if (r->disabled && chance(a, 1, 2))
		return chance(a, 1, 2) ? IORING_REGISTER_RESTRICTIONS :
					 IORING_REGISTER_ENABLE_RINGS;
	if (chance(a, 1, 30))
		return rnd32(a) & 0xff;
	if (chance(a, 1, 20))
		return chance(a, 1, 2) ? FZ_REGISTER_SEND_MSG_RING :
					 FZ_REGISTER_QUERY;
	if (chance(a, 1, 25))
		return FZ_REGISTER_BPF_FILTER;
	return rnd(a, IORING_REGISTER_LAST + 4);
}

static void act_register(struct actor *a)
{
	struct ring *r = pick_ring(a, false);
	struct regcall c;
	unsigned int op;
	int fd, ret;

	if (!r)
		return;
	memset(&c, 0, sizeof(c));
	c.op = pick_reg_op(a, r);
	reg_build(a, r, &c);
	op = c.op;
	fd = r->fd;
	if (r->reg >= 0 && (fd < 0 || chance(a, 1, 6))) {
		op |= IORING_REGISTER_USE_REGISTERED_RING;
		fd = r->reg;
	} else if (chance(a, 1, 40)) {
		fd = pick_fd(a, ANY_FDS);
	} else if (chance(a, 1, 10)) {
		fd = -1;	/* the opcodes that need no ring, or the task */
		if (c.op == IORING_REGISTER_RESTRICTIONS)
			build_task_restrictions(a, &c);
		/* as a task without CAP_SYS_ADMIN needs, for its policy */
		if ((c.op == IORING_REGISTER_RESTRICTIONS ||
		     c.op == FZ_REGISTER_BPF_FILTER) && chance(a, 1, 2))
			prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	}
	if (chance(a, 1, 30))
		c.arg = (void *)(uintptr_t)pick_addr(a, 64, false);
	if (chance(a, 1, 30))
		c.nr = PICK(a, edge32);
	count_op(a);
	guard_arm(a, 20 + rnd(a, 80));
	ret = sys_register(fd, op, c.arg, c.nr);
	guard_disarm(a);
	reg_done(a, r, &c, ret);
}

/* Legacy provided buffers and a buffer ring, for BUFFER_SELECT to find. */
static void ring_seed_bufs(struct actor *a, struct ring *r)
{
	struct io_uring_sqe *sqe;
	struct regcall c;
	int fd = r->fd, flags = 0;

	if (fd < 0) {
		fd = r->reg;
		flags = IORING_ENTER_REGISTERED_RING;
	}
	if (r->usable && chance(a, 2, 3)) {
		r->tail = __atomic_load_n(r->sq_tail, __ATOMIC_RELAXED);
		sqe = sqe_get(a, r);
		if (sqe) {
			sqe->opcode = IORING_OP_PROVIDE_BUFFERS;
			sqe->fd = 32;
			sqe->addr = U64(a->f->bufs[rnd(a, 4)].p);
			sqe->len = 1024;
			sqe->buf_group = rnd(a, 4);
			sqe->user_data = 1;
			__atomic_store_n(r->sq_tail, r->tail, __ATOMIC_RELEASE);
			count_op(a);
			sys_enter(fd, 1, 0, flags, NULL, 0);
		}
	}
	if (chance(a, 1, 3))
		return;
	memset(&c, 0, sizeof(c));
	c.op = IORING_REGISTER_PBUF_RING;
	build_pbuf_reg(a, r, &c);
	c.pbmem = rnd(a, NPBMEM);
	c.breg->bgid = rnd(a, 4);
	c.breg->ring_addr = U64(a->f->pbmem[c.pbmem]);
	c.breg->ring_entries = 1U << (3 + rnd(a, 5));
	c.breg->flags = chance(a, 1, 3) ? IOU_PBUF_RING_INC : 0;
	/* an incremental ring may want more than a byte left in a buffer */
	c.breg->min_left = (c.breg->flags & IOU_PBUF_RING_INC) && chance(a, 1, 2) ?
			   1 + rnd(a, 128) : 0;
	memset(c.breg->resv, 0, sizeof(c.breg->resv));
	count_op(a);
	reg_done(a, r, &c, sys_register(r->fd >= 0 ? r->fd : r->reg,
					IORING_REGISTER_PBUF_RING |
					(r->fd >= 0 ? 0 :
					 IORING_REGISTER_USE_REGISTERED_RING),
					c.breg, 1));
}

/* --- actions on rings --- */

static void act_submit(struct actor *a)
{
	struct ring *r = pick_ring(a, true);
	struct io_uring_sqe *sqe;
	unsigned int i, n, done = 0;
	bool lt = false;

	if (!r)
		return;
	n = chance(a, 1, 10) ? r->p.sq_entries : 1 + rnd(a, 8);
	if (n > 512)
		n = 512;
	r->tail = __atomic_load_n(r->sq_tail, __ATOMIC_RELAXED);
	for (i = 0; i < n; i++) {
		sqe = sqe_get(a, r);
		if (!sqe)
			break;
		fill_sqe(a, r, sqe, lt);
		lt = (sqe->flags & (IOSQE_IO_LINK | IOSQE_IO_HARDLINK)) &&
		     chance(a, 1, 4);
		count_op(a);
		done++;
	}
	if (chance(a, 1, 200))
		r->tail += rnd(a, 2 * r->p.sq_entries + 2);	/* garbage */
	__atomic_store_n(r->sq_tail, r->tail, __ATOMIC_RELEASE);
	if ((r->p.flags & IORING_SETUP_SQPOLL) && chance(a, 1, 3))
		return;
	do_enter(a, r, done);
	reap(a, r);
}

static void act_wait(struct actor *a)
{
	struct ring *r = pick_ring(a, false);

	if (!r)
		return;
	do_enter(a, r, 0);
	reap(a, r);
}

/* Make fds readable or writable, so that polls and reads complete. */
static void act_poke(struct actor *a)
{
	static const char data[512];
	struct itimerspec its;
	int kind, fd = pick_fd_kind(a, ANY_FDS, &kind);
	__u64 one = 1;
	char sink[512];

	count_op(a);
	guard_arm(a, 10);
	switch (kind) {
	case FK_PIPEW: case FK_USTREAM: case FK_UDGRAM: case FK_TCP:
	case FK_FILE: case FK_DEV:
		if (send(fd, data, 1 + rnd(a, sizeof(data)), MSG_DONTWAIT) < 0 &&
		    write(fd, data, 1 + rnd(a, sizeof(data))) < 0)
			break;
		break;
	case FK_PIPER:
		if (read(fd, sink, sizeof(sink)) < 0)
			break;
		break;
	case FK_EVENTFD:
		if (write(fd, &one, sizeof(one)) < 0)
			break;
		break;
	case FK_TIMERFD:
		memset(&its, 0, sizeof(its));
		its.it_value.tv_nsec = 1000000 * (1 + rnd(a, 5));
		timerfd_settime(fd, 0, &its, NULL);
		break;
	case FK_SIGNALFD:
		kill(getpid(), SIGUSR2);	/* pending: readable */
		break;
	case FK_UDP:
		if (recv(fd, sink, sizeof(sink), MSG_DONTWAIT) < 0)
			break;
		break;
	default:
		__atomic_fetch_add(&a->f->futex[rnd(a, 8)], 1,
				   __ATOMIC_RELAXED);
		syscall(SYS_futex, &a->f->futex[rnd(a, 8)],
			rnd(a, 2) ? 1 | 128 : 1, INT_MAX, NULL, NULL, 0);
		break;
	}
	guard_disarm(a);
}

/* mmap() the ring fd at a random offset, then let go. */
static void act_mmap_probe(struct actor *a)
{
	static const __u64 offs[] = {
		IORING_OFF_SQ_RING, IORING_OFF_CQ_RING, IORING_OFF_SQES,
		IORING_OFF_PBUF_RING, IORING_OFF_PBUF_RING | (1 << 16),
		IORING_OFF_PBUF_RING | (8ULL << 16), 0x4000, 0xf0000000ULL,
	};
	int fd = any_ring_fd(a);
	size_t len = chance(a, 1, 2) ? PAGE : PAGE * (1 + rnd(a, 300));
	void *p;

	if (fd < 0)
		return;
	count_op(a);
	p = mmap(NULL, len, chance(a, 1, 6) ? PROT_READ :
		 PROT_READ | PROT_WRITE,
		 chance(a, 1, 10) ? MAP_PRIVATE : MAP_SHARED, fd,
		 chance(a, 1, 10) ? rnd64(a) & ~(PAGE - 1) : PICK(a, offs));
	if (p != MAP_FAILED)
		munmap(p, len);
}

/* --- lifecycle: rings, memory --- */

static void act_close_ring(struct actor *a)
{
	struct ring *r = pick_ring(a, false);

	if (!r || r->fd < 0)
		return;
	count_op(a);
	close(r->fd);
	r->fd = -1;
}

static void act_dup_ring(struct actor *a)
{
	int fd = any_ring_fd(a), nfd;

	if (fd < 0)
		return;
	count_op(a);
	nfd = chance(a, 1, 2) ? dup(fd) : fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (nfd >= 0)
		pool_add(a->f, nfd, FK_RING);
}

/* Anonymous memory over a mapping: our pointers stay valid. */
static void overmap(void *p, size_t len)
{
	if (p && len)
		mmap(p, len, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
}

/* Move a ring's SQEs elsewhere, shrink or unmap its rings. */
static void act_unmap_ring(struct actor *a)
{
	struct fz *f = a->f;
	struct ring *r = pick_ring(a, true);
	void *n, *t;

	if (!r)
		return;
	count_op(a);
	if (f->nthreads_live || chance(a, 1, 3)) {
		if (chance(a, 1, 2))
			overmap(r->sqe_map, r->sqe_len);
		else
			overmap(r->cq_map, r->cq_len);
		return;
	}
	switch (rnd(a, 3)) {
	case 0:		/* onto a place of our own: nothing else goes */
		t = mmap(NULL, r->sqe_len, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (t == MAP_FAILED)
			return;
		n = mremap(r->sqe_map, r->sqe_len, r->sqe_len, MREMAP_MAYMOVE |
			   MREMAP_FIXED, t);
		if (n == MAP_FAILED) {
			munmap(t, r->sqe_len);
			return;
		}
		r->sqe_map = n;
		r->sqes = n;
		return;
	case 1:
		n = mremap(r->sq_map, r->sq_len, PAGE, 0);
		if (n != MAP_FAILED && r->sq_len > PAGE)
			r->usable = false;
		return;
	default:
		r->usable = false;
		munmap(r->sqe_map, r->sqe_len);
		if (r->cq_map != r->sq_map)
			munmap(r->cq_map, r->cq_len);
		munmap(r->sq_map, r->sq_len);
		r->sq_map = NULL;
		r->cq_map = NULL;
		r->sqe_map = NULL;
		return;
	}
}

/* Move a buffer away and back: for a moment there is nothing there. */
static void buffer_away(struct buf *b)
{
	void *t = mmap(NULL, b->len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	if (t == MAP_FAILED)
		return;
	if (mremap(b->p, b->len, b->len, MREMAP_MAYMOVE | MREMAP_FIXED, t) ==
	    MAP_FAILED) {
		munmap(t, b->len);
		return;
	}
	if (mremap(t, b->len, b->len, MREMAP_MAYMOVE | MREMAP_FIXED, b->p) ==
	    MAP_FAILED)
		overmap(b->p, b->len);
}

/*
 * Unmap, move, replace, protect or advise a buffer that may be registered
 * or in use by a request. Our own code never reads or writes buffers, so
 * any of this is safe with helper threads running.
 */
static void act_buffer_mm(struct actor *a)
{
	struct buf *b = &a->f->bufs[rnd(a, NBUFS)];

	count_op(a);
	switch (rnd(a, 6)) {
	case 0:
		overmap(b->p, b->len);
		break;
	case 4:
		buffer_away(b);
		break;
	case 5:
		munmap(b->p, b->len);
		overmap(b->p, b->len);
		break;
	case 1:
		mprotect(b->p, b->len, PROT_READ);
		break;
	case 2:
		mprotect(b->p, b->len, PROT_READ | PROT_WRITE);
		break;
	default:
		madvise(b->p, b->len, MADV_DONTNEED);
		break;
	}
}

static void act_close_fd(struct actor *a)
{
	struct fz *f = a->f;
	struct pool_fd *e;

	if (!f->npool)
		return;
	e = &f->pool[rnd(a, f->npool)];
	if (e->kind == FK_RING || e->kind == FK_CLOSED)
		return;
	count_op(a);
	close(e->fd);
	e->kind = FK_CLOSED;
}

/* --- lifecycle: threads, children, exec --- */

static void act_basic(struct actor *a);

static void *thread_main(void *arg)
{
	struct actor *a = arg;
	unsigned int i, n;

	guard_init(a);
	n = 5 + rnd(a, 40);
	for (i = 0; i < n; i++)
		act_basic(a);
	if (a->has_guard)
		timer_delete(a->guard);
	flush_ops(a);
	__atomic_store_n(&a->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void join_threads(struct fz *f, bool all)
{
	int i;

	for (i = 0; i < MAX_THREADS; i++) {
		struct actor *t = &f->thr[i];

		if (!t->started)
			continue;
		if (!all && !__atomic_load_n(&t->done, __ATOMIC_ACQUIRE))
			continue;
		pthread_join(t->tid, NULL);
		t->started = false;
		f->nthreads_live--;
	}
}

static void act_thread(struct actor *a)
{
	struct fz *f = a->f;
	struct actor *t = NULL;
	int i;

	join_threads(f, false);
	for (i = 0; i < MAX_THREADS; i++)
		if (!f->thr[i].started) {
			t = &f->thr[i];
			break;
		}
	if (!t)
		return;
	memset(t, 0, sizeof(*t));
	t->rng = rnd64(a);
	t->f = f;
	t->arena = f->arena + ARENA_MAIN + (i + 1) * ARENA_SLICE;
	t->arena_len = ARENA_SLICE;
	count_op(a);
	if (pthread_create(&t->tid, NULL, thread_main, t))
		return;
	t->started = true;
	f->nthreads_live++;
}

/* Become a fresh uring-fuzz that exits at once, fds and all. */
static void do_exec(struct actor *a)
{
	char ms[16];
	int fd = any_ring_fd(a);

	if (fd >= 0 && chance(a, 1, 2))
		fd = dup(fd);	/* not close-on-exec: survives the exec */
	snprintf(ms, sizeof(ms), "%u", rnd(a, 20));
	flush_ops(a);
	execl(self_exe, "uring-fuzz", "-X", ms, (char *)NULL);
}

static void kid_main(struct actor *a)
{
	unsigned int i, n = rnd(a, 30);

	alarm(3);
	a->f->nkids = 0;
	a->f->nthreads_live = 0;
	guard_init(a);
	for (i = 0; i < n; i++)
		act_basic(a);
	flush_ops(a);
	if (chance(a, 1, 4))
		do_exec(a);
	if (chance(a, 1, 4)) {
		struct ring *r = pick_ring(a, false);

		if (r && r->fd >= 0) {	/* block until killed or timed out */
			guard_arm(a, 200);
			sys_enter(r->fd, 0, 1, IORING_ENTER_GETEVENTS, NULL, 0);
		}
	}
	_exit(0);
}

static void act_fork(struct actor *a)
{
	struct fz *f = a->f;
	uint64_t seed = rnd64(a);
	pid_t pid;

	if (f->nkids >= MAX_KIDS)
		return;
	count_op(a);
	flush_ops(a);
	pid = fork();
	if (pid == 0) {
		a->rng = seed;
		kid_main(a);
	}
	if (pid > 0)
		f->kids[f->nkids++] = pid;
}

/* Reap children, killing one now and then wherever it is. */
static void act_kids(struct actor *a)
{
	struct fz *f = a->f;
	int i, st;

	count_op(a);
	for (i = 0; i < f->nkids; i++) {
		if (chance(a, 1, 3))
			kill(f->kids[i], SIGKILL);
		if (waitpid(f->kids[i], &st, WNOHANG) != 0) {
			f->kids[i--] = f->kids[--f->nkids];
			continue;
		}
	}
}

/* --- the action loops --- */

static void act_basic(struct actor *a)
{
	unsigned int r = rnd(a, 100);

	if (r < 50)
		act_submit(a);
	else if (r < 65)
		act_wait(a);
	else if (r < 85)
		act_register(a);
	else if (r < 95)
		act_poke(a);
	else
		act_pbuf_refill(a);
}

static void act_lifecycle(struct actor *a)
{
	switch (rnd(a, 16)) {
	case 0: case 1:
		ring_create(a);
		break;
	case 2:
		act_close_ring(a);
		break;
	case 3:
		act_dup_ring(a);
		break;
	case 4:
		act_unmap_ring(a);
		break;
	case 5: case 6:
		act_buffer_mm(a);
		break;
	case 7: case 8:
		act_fork(a);
		break;
	case 9: case 10:
		act_kids(a);
		break;
	case 11: case 12:
		act_thread(a);
		break;
	case 13:
		act_close_fd(a);
		break;
	case 14:
		act_mmap_probe(a);
		break;
	default:
		if (chance(a, 1, 40))
			do_exec(a);
		break;
	}
}

static void act_main(struct actor *a)
{
	unsigned int r = rnd(a, 100);

	if (r < 86)
		act_basic(a);
	else
		act_lifecycle(a);
}

/* --- episode set-up and tear-down --- */

/*
 * len bytes (aligned to align, a power of two, at least a page) with a
 * PROT_NONE page on each side, mapped with flags (and fd).
 */
static char *map_guarded(size_t len, size_t align, int flags, int fd)
{
	size_t total = len + 2 * align;
	char *p, *in;
	void *m;

	p = mmap(NULL, total, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	in = (char *)(((uintptr_t)p + PAGE + align - 1) & ~(align - 1));
	m = mmap(in, len, PROT_READ | PROT_WRITE, flags | MAP_FIXED, fd, 0);
	if (m == MAP_FAILED) {
		munmap(p, total);
		return NULL;
	}
	return m;
}

static char *map_buf(struct actor *a, int i, size_t *len, int filefd)
{
	const int anon = MAP_PRIVATE | MAP_ANONYMOUS;
	char *p = NULL;

	*len = BUF_LEN;
	if (i == 4) {
		p = map_guarded(BUF_LEN, PAGE, MAP_SHARED | MAP_ANONYMOUS, -1);
	} else if (i == 5 && filefd >= 0) {
		p = map_guarded(BUF_LEN, PAGE, MAP_SHARED, filefd);
	} else if (i == 6 && chance(a, 1, 2)) {
		p = map_guarded(HUGE_LEN, HUGE_LEN,
				anon | MAP_HUGETLB | MAP_HUGE_2MB, -1);
		if (p)
			*len = HUGE_LEN;
	}
	if (!p) {
		*len = BUF_LEN;
		p = map_guarded(BUF_LEN, PAGE, anon, -1);
	}
	if (p)
		memset(p, 'A' + i, *len);
	if (p && i == 7)
		mprotect(p, *len, PROT_READ);
	return p;
}

static bool mem_init(struct actor *a, int filefd)
{
	struct fz *f = a->f;
	int i;

	f->arena = map_guarded(ARENA_LEN, PAGE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	f->guard = map_anon(2 * PAGE, 0);
	f->hole = map_anon(128 * PAGE, 0);
	f->futex = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!f->arena || !f->guard || !f->hole || f->futex == MAP_FAILED)
		return false;
	memset(f->guard, 'a', PAGE);
	mprotect(f->guard + PAGE, PAGE, PROT_NONE);
	munmap(f->hole, 128 * PAGE);
	for (i = 0; i < NBUFS; i++) {
		f->bufs[i].p = map_buf(a, i, &f->bufs[i].len, filefd);
		if (!f->bufs[i].p)
			return false;
	}
	for (i = 0; i < NPBMEM; i++) {
		f->pbmem[i] = map_guarded(PBMEM_LEN, PAGE,
					  MAP_SHARED | MAP_ANONYMOUS, -1);
		if (!f->pbmem[i])
			return false;
	}
	a->arena = f->arena;
	a->arena_len = ARENA_MAIN;
	return true;
}

/* A file of len bytes, written or sparse, reopened with flags if any. */
static int make_file(const char *name, size_t len, bool sparse, int flags)
{
	static char chunk[4096];
	size_t off;
	int fd = open(name, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return -1;
	memset(chunk, 'f', sizeof(chunk));
	for (off = 0; !sparse && off < len; off += sizeof(chunk))
		if (write(fd, chunk, sizeof(chunk)) != sizeof(chunk))
			break;
	if (sparse && ftruncate(fd, len))
		len = 0;
	if (!flags)
		return fd;
	close(fd);
	return open(name, flags);
}

static void net_init(struct actor *a)
{
	struct fz *f = a->f;
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	int l, c, s;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l >= 0 && !bind(l, (void *)&sin, sizeof(sin)) && !listen(l, 16) &&
	    !getsockname(l, (void *)&sin, &sl)) {
		f->port = ntohs(sin.sin_port);
		pool_add(f, l, FK_LISTEN);
		c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		guard_arm(a, 500);
		if (c >= 0 && !connect(c, (void *)&sin, sizeof(sin))) {
			pool_add(f, c, FK_TCP);
			s = accept4(l, NULL, NULL, SOCK_CLOEXEC |
				    (chance(a, 1, 2) ? SOCK_NONBLOCK : 0));
			pool_add(f, s, FK_TCP);
		}
		guard_disarm(a);
	}
	pool_add(f, socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), FK_TCPNEW);
	pool_add(f, socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0),
		 FK_TCPNEW);
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	sin.sin_port = 0;
	sl = sizeof(sin);
	if (s >= 0 && !bind(s, (void *)&sin, sizeof(sin)) &&
	    !getsockname(s, (void *)&sin, &sl))
		f->uport = ntohs(sin.sin_port);
	pool_add(f, s, FK_UDP);
}

static void pair_init(struct fz *f, int domain, int type, int k1, int k2)
{
	int sv[2];

	if (domain == AF_UNSPEC ? pipe2(sv, O_CLOEXEC | type) :
	    socketpair(domain, type | SOCK_CLOEXEC, 0, sv))
		return;
	pool_add(f, sv[0], k1);
	pool_add(f, sv[1], k2);
}

static void fds_init(struct actor *a)
{
	struct fz *f = a->f;
	struct itimerspec its;
	struct epoll_event ev;
	sigset_t set;
	int fd;

	pool_add(f, make_file("f", FILE_LEN, false, 0), FK_FILE);
	fd = make_file("d", DFILE_LEN, true, O_RDWR | O_DIRECT | O_CLOEXEC);
	pool_add(f, fd, fd >= 0 ? FK_DFILE : FK_CLOSED);
	pool_add(f, open("d", O_RDONLY | O_CLOEXEC), FK_FILE);
	mkdir("dir", 0755);
	f->dirfd = open("dir", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	pool_add(f, f->dirfd, FK_DIR);
	mkfifo("fifo", 0644);
	pair_init(f, AF_UNSPEC, 0, FK_PIPER, FK_PIPEW);
	pair_init(f, AF_UNSPEC, O_NONBLOCK, FK_PIPER, FK_PIPEW);
	pair_init(f, AF_UNIX, SOCK_STREAM, FK_USTREAM, FK_USTREAM);
	pair_init(f, AF_UNIX, SOCK_DGRAM, FK_UDGRAM, FK_UDGRAM);
	pair_init(f, AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, FK_USTREAM,
		  FK_USTREAM);
	net_init(a);
	pool_add(f, eventfd(0, EFD_CLOEXEC | (chance(a, 1, 2) ?
					       EFD_NONBLOCK : 0)), FK_EVENTFD);
	fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	memset(&its, 0, sizeof(its));
	its.it_value.tv_nsec = 2000000;
	if (fd >= 0)
		timerfd_settime(fd, 0, &its, NULL);
	pool_add(f, fd, FK_TIMERFD);
	fd = epoll_create1(EPOLL_CLOEXEC);
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	if (fd >= 0 && f->npool)
		epoll_ctl(fd, EPOLL_CTL_ADD, f->pool[f->npool - 1].fd, &ev);
	pool_add(f, fd, FK_EPOLL);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	pool_add(f, signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK),
		 FK_SIGNALFD);
	pool_add(f, open("/dev/null", O_RDWR | O_CLOEXEC), FK_DEV);
	pool_add(f, open("/dev/zero", O_RDONLY | O_CLOEXEC), FK_DEV);
	pool_add(f, open("/proc/self/status", O_RDONLY | O_CLOEXEC), FK_PROC);
	pool_add(f, open(self_exe, O_RDONLY | O_CLOEXEC), FK_MISC);
	/* in the test guest: a raw NVMe namespace and a null_blk device */
	pool_add(f, open("/dev/uring-nvme", O_RDWR | O_DIRECT | O_CLOEXEC),
		 FK_BLK);
	pool_add(f, open("/dev/nullb0", O_RDONLY | O_DIRECT | O_CLOEXEC),
		 FK_BLK);
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		pool_add(f, fd, FK_CLOSED);
	}
}

static void set_limit(int res, rlim_t v)
{
	struct rlimit rl = { v, v };

	setrlimit(res, &rl);
}

static void episode_env(int uid)
{
	struct sigaction sa;
	sigset_t set;

	set_limit(RLIMIT_AS, 1ULL << 30);
	set_limit(RLIMIT_NOFILE, 256);
	set_limit(RLIMIT_NPROC, 256);
	set_limit(RLIMIT_FSIZE, 64ULL << 20);
	set_limit(RLIMIT_CORE, 0);
	if (uid >= 0 && (setgroups(0, NULL) || setgid(uid) || setuid(uid))) {
		fprintf(stderr, "uring-fuzz: cannot become uid %d: %s\n", uid,
			strerror(errno));
		_exit(3);
	}
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: EINTR */
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGXFSZ, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

/* The end of an episode: as it is, or after some orderly unwinding. */
static void episode_end(struct actor *a)
{
	struct fz *f = a->f;
	int i, st;

	switch (rnd(a, 4)) {
	case 0:
		flush_ops(a);
		_exit(0);	/* everything in flight */
	case 1:
		for (i = 0; i < f->nrings; i++) {
			struct ring *r = &f->rings[i];

			if (r->fd >= 0)
				sys_register(r->fd, IORING_UNREGISTER_FILES,
					     NULL, 0);
			if (r->fd >= 0)
				sys_register(r->fd, IORING_UNREGISTER_BUFFERS,
					     NULL, 0);
			if (r->fd >= 0)
				close(r->fd);
		}
		break;
	case 2:
		for (i = 0; i < f->nrings; i++)
			if (f->rings[i].usable)
				act_wait(a);
		break;
	default:
		break;
	}
	for (i = 0; i < f->nkids; i++)
		kill(f->kids[i], SIGKILL);
	join_threads(f, true);
	for (i = 0; i < f->nkids; i++)
		waitpid(f->kids[i], &st, 0);
	flush_ops(a);
}

static void episode(struct opts *o, int uid, unsigned long ep,
		    long long end_ms, struct shared *sh)
{
	struct fz *f = &fz;
	struct actor *a = &f->main;
	char dir[64];
	unsigned int i, n, nrings;

	episode_env(uid);
	alarm(EP_ALARM);
	memset(f, 0, sizeof(*f));
	f->ep = ep;
	f->sh = sh;
	f->dirfd = -1;
	f->end_ms = now_ms() + EP_SOFT_MS;
	if (f->end_ms > end_ms)
		f->end_ms = end_ms;
	a->f = f;
	a->main = true;
	a->rng = episode_seed(o->seed, ep);
	if (o->verbose)
		fprintf(stderr, "uring-fuzz: episode %lu pid %d\n", ep,
			(int)getpid());
	snprintf(dir, sizeof(dir), "p%d", (int)getpid());
	if (mkdir(dir, 0755) || chdir(dir))
		_exit(4);
	guard_init(a);
	fds_init(a);
	if (!mem_init(a, f->npool ? f->pool[0].fd : -1))
		_exit(5);
	nrings = 1 + rnd(a, 3);
	for (i = 0; i < nrings; i++)
		ring_create(a);
	for (i = 0; i < (unsigned int)f->nrings; i++)
		ring_seed_bufs(a, &f->rings[i]);
	n = 64 + rnd(a, 448);
	for (i = 0; i < n && now_ms() < f->end_ms; i++)
		act_main(a);
	episode_end(a);
	if (o->verbose)
		fprintf(stderr, "uring-fuzz: episode %lu: %u actions\n", ep, i);
	_exit(0);
}

/* --- the supervisor --- */

struct slot {
	pid_t pid;
	unsigned long ep;
	long long start, killed;
};

struct tally {
	unsigned long episodes, timeouts, crashes, stuck;
};

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void rm_tree(const char *path)
{
	nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

static void slot_reaped(struct opts *o, struct slot *s, int st,
			struct tally *t)
{
	char dir[64];

	kill(-s->pid, SIGKILL);		/* what it left behind */
	if (WIFSIGNALED(st)) {
		if (WTERMSIG(st) == SIGALRM || s->killed)
			t->timeouts++;
		else if (WTERMSIG(st) != SIGKILL)
			t->crashes++;
		if (o->verbose || (WTERMSIG(st) != SIGALRM &&
				   WTERMSIG(st) != SIGKILL && !s->killed))
			fprintf(stderr, "uring-fuzz: episode %lu: signal %d\n",
				s->ep, WTERMSIG(st));
	}
	snprintf(dir, sizeof(dir), "p%d", (int)s->pid);
	rm_tree(dir);
	s->pid = 0;
}

static void reap_slots(struct opts *o, struct slot *slots, int n,
		       struct tally *t)
{
	long long now = now_ms();
	pid_t pid;
	int i, st;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		for (i = 0; i < n; i++)
			if (slots[i].pid == pid)
				slot_reaped(o, &slots[i], st, t);
	}
	for (i = 0; i < n; i++) {
		struct slot *s = &slots[i];

		if (!s->pid)
			continue;
		if (!s->killed && now - s->start > EP_KILL_MS) {
			kill(-s->pid, SIGKILL);
			s->killed = now;
		} else if (s->killed && now - s->killed > EP_STUCK_MS) {
			fprintf(stderr, "uring-fuzz: episode %lu (pid %d) survives SIGKILL\n",
				s->ep, (int)s->pid);
			t->stuck++;
			s->pid = 0;
		}
	}
}

static bool slots_busy(struct slot *slots, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (slots[i].pid)
			return true;
	return false;
}

static bool spawn(struct opts *o, int uid, struct slot *s, unsigned long ep,
		  long long end, struct shared *sh)
{
	pid_t pid = fork();

	if (pid == 0) {
		setpgid(0, 0);
		episode(o, uid, ep, end, sh);
	}
	if (pid < 0)
		return false;
	setpgid(pid, pid);
	s->pid = pid;
	s->ep = ep;
	s->start = now_ms();
	s->killed = 0;
	return true;
}

/* One run of secs seconds (or just episode -e) as uid; prints its line. */
static void phase(struct opts *o, int uid, unsigned int secs)
{
	struct slot slots[16];
	struct tally t;
	struct shared *sh;
	long long start = now_ms(), end = start + secs * 1000LL, grace;
	unsigned long ep = o->episode >= 0 ? (unsigned long)o->episode : 0;
	int i, n = o->episode >= 0 ? 1 : o->jobs;

	sh = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return;
	memset(slots, 0, sizeof(slots));
	memset(&t, 0, sizeof(t));
	printf("uring-fuzz: seed %llu, %us as uid %d, %d jobs (episode n again: -s %llu -e n%s)\n",
	       o->seed, secs,
	       uid >= 0 ? uid : (int)getuid(), n, o->seed,
	       uid >= 0 ? " -u UID" : "");
	fflush(stdout);
	do {
		for (i = 0; i < n && now_ms() < end; i++) {
			if (slots[i].pid)
				continue;
			if (o->episode >= 0 && t.episodes)
				break;
			if (spawn(o, uid, &slots[i], ep, end, sh)) {
				ep++;
				t.episodes++;
			}
		}
		reap_slots(o, slots, n, &t);
		usleep(10000);
	} while (now_ms() < end && (o->episode < 0 || slots_busy(slots, n)));
	grace = now_ms() + EP_KILL_MS + EP_STUCK_MS + 5000;
	while (slots_busy(slots, n) && now_ms() < grace) {
		reap_slots(o, slots, n, &t);
		usleep(10000);
	}
	while (waitpid(-1, &i, WNOHANG) > 0)
		;
	if (t.timeouts || t.crashes || t.stuck)
		printf("uring-fuzz: timeouts %lu crashes %lu unkillable %lu\n",
		       t.timeouts, t.crashes, t.stuck);
	printf("uring-fuzz: seed %llu secs %lld episodes %lu ops %lu uid %d\n",
	       o->seed, (now_ms() - start + 500) / 1000, t.episodes,
	       __atomic_load_n(&sh->ops, __ATOMIC_RELAXED),
	       uid >= 0 ? uid : (int)getuid());
	fflush(stdout);
	munmap(sh, PAGE);
}

/* --- -C: what the kernel has left once everything is gone --- */

static int count_iou_threads(void)
{
	char path[600], comm[32];
	struct dirent *p, *t;
	DIR *pd, *td;
	int n = 0, fd;
	ssize_t len;

	pd = opendir("/proc");
	if (!pd)
		return 0;
	while ((p = readdir(pd))) {
		if (p->d_name[0] < '0' || p->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/task", p->d_name);
		td = opendir(path);
		if (!td)
			continue;
		while ((t = readdir(td))) {
			if (t->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "/proc/%s/task/%s/comm",
				 p->d_name, t->d_name);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			len = read(fd, comm, sizeof(comm) - 1);
			close(fd);
			comm[len > 0 ? len : 0] = 0;
			if (!strncmp(comm, "iou-wrk-", 8) ||
			    !strncmp(comm, "iou-sqp-", 8))
				n++;
		}
		closedir(td);
	}
	closedir(pd);
	return n;
}

/* Active io_kiocb objects, after flushing the per-CPU slabs; -1: unknown. */
static long kiocb_active(void)
{
	char line[512];
	long n = -1;
	FILE *fp;
	int fd = open("/sys/kernel/slab/io_kiocb/shrink", O_WRONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (write(fd, "1", 1) != 1)
			n = -1;
		close(fd);
	}
	fp = fopen("/proc/slabinfo", "re");
	if (!fp)
		return -1;
	while (fgets(line, sizeof(line), fp))
		if (!strncmp(line, "io_kiocb ", 9) &&
		    sscanf(line + 9, "%ld", &n) != 1)
			n = -1;
	fclose(fp);
	return n;
}

static int check_leftovers(int threads0, long reqs0)
{
	long long until = now_ms() + 15000;
	int threads;
	long reqs;

	for (;;) {
		threads = count_iou_threads() - threads0;
		reqs = kiocb_active();
		reqs = reqs < 0 || reqs0 < 0 ? 0 : reqs - reqs0;
		if ((threads <= 0 && reqs <= 0) || now_ms() > until)
			break;
		usleep(100000);
	}
	threads = threads > 0 ? threads : 0;
	reqs = reqs > 0 ? reqs : 0;
	printf("uring-fuzz: leftover threads %d requests %ld\n", threads, reqs);
	return threads || reqs;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: uring-fuzz -s SEED -t SECS [-u UID | -U] [-j N] [-e N] [-C] [-v]\n"
		"  -u UID  episodes run as UID (and gid UID)\n"
		"  -U      half the time as root, half as uid 65534 (or -u)\n"
		"  -j N    episodes at a time (default: CPUs, at most 8)\n"
		"  -e N    run episode N only (verbose)\n"
		"  -C      exit 1 if io_uring threads or requests are left\n"
		"  -v      one line per episode\n");
	exit(2);
}

static void parse(int argc, char **argv, struct opts *o)
{
	bool seeded = false;
	long n;
	int c;

	memset(o, 0, sizeof(*o));
	o->uid = -1;
	o->episode = -1;
	o->secs = 30;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	o->jobs = n < 1 ? 1 : n > 8 ? 8 : (int)n;
	while ((c = getopt(argc, argv, "s:t:u:Uj:e:Cv")) != -1) {
		switch (c) {
		case 's':
			o->seed = strtoull(optarg, NULL, 0);
			seeded = true;
			break;
		case 't':
			o->secs = strtoul(optarg, NULL, 0);
			break;
		case 'u':
			o->uid = atoi(optarg);
			break;
		case 'U':
			o->both = true;
			break;
		case 'j':
			n = atol(optarg);
			o->jobs = n < 1 ? 1 : n > 16 ? 16 : (int)n;
			break;
		case 'e':
			o->episode = atol(optarg);
			o->verbose = true;
			break;
		case 'C':
			o->check = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		default:
			usage();
		}
	}
	if (!seeded || optind != argc)
		usage();
}

/*
 * Copy our binary into the scratch dir and use the copy from then on (the
 * pool's FK_MISC file, the exec target): every file within the episodes'
 * reach is then on the scratch file system, wherever we were started
 * from. The test guest starts us from its 9p share, whose reads dirty
 * the destination pages unlocked, an ext4 warning plain pread(2) gives
 * too, not a finding about io_uring.
 */
static int self_copy(void)
{
	char buf[65536], *dir = getcwd(NULL, 0);
	int in = open(self_exe, O_RDONLY | O_CLOEXEC), out = -1;
	ssize_t n = 0;

	if (dir && in >= 0) {
		snprintf(self_exe, sizeof(self_exe), "%s/uring-fuzz.exe", dir);
		out = open(self_exe, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	}
	while (out >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			n = -1;
	free(dir);
	if (in >= 0)
		close(in);
	if (out < 0 || close(out) || n < 0) {
		perror("uring-fuzz: copying itself");
		return -1;
	}
	return 0;
}

/* The exec target of an episode: linger a few ms with what came along. */
static void exec_target(int argc, char **argv)
{
	if (argc > 2)
		usleep(1000 * atoi(argv[2]));
	_exit(0);
}

int main(int argc, char **argv)
{
	struct opts o;
	int threads0 = 0, uid;
	long reqs0 = -1;
	char *cwd;

	if (argc >= 2 && !strcmp(argv[1], "-X"))
		exec_target(argc, argv);
	/*
	 * The fd space is the fuzzer's alone: no file its starter left open
	 * (one on the harness's 9p share, say) is within reach of the fds it
	 * picks at random, and a seed replays alike wherever it is started.
	 */
	close_range(3, ~0U, 0);
	parse(argc, argv, &o);
	if ((o.uid >= 0 || o.both) && geteuid()) {
		if (!o.both) {
			fprintf(stderr, "uring-fuzz: -u needs root\n");
			return 2;
		}
		o.both = false;	/* only the unprivileged half */
		o.uid = -1;
	}
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (mkdir("uring-fuzz.d", 01777) && errno != EEXIST) {
		perror("uring-fuzz: mkdir uring-fuzz.d");
		return 2;
	}
	chmod("uring-fuzz.d", 01777);
	cwd = getcwd(NULL, 0);
	if (chdir("uring-fuzz.d")) {
		perror("uring-fuzz: chdir");
		return 2;
	}
	if (self_copy())
		return 2;
	if (o.check) {
		threads0 = count_iou_threads();
		reqs0 = kiocb_active();
	}
	uid = o.both ? (o.uid >= 0 ? o.uid : 65534) : o.uid;
	if (o.both) {
		phase(&o, -1, (o.secs + 1) / 2);
		phase(&o, uid, o.secs / 2);
	} else {
		phase(&o, uid, o.secs);
	}
	if (cwd && !chdir(cwd))
		rm_tree("uring-fuzz.d");
	free(cwd);
	if (o.check && check_leftovers(threads0, reqs0))
		return 1;
	return 0;
}
