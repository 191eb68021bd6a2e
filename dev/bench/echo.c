// SPDX-License-Identifier: GPL-2.0
/*
 * echo: loopback TCP echo over 32 connections, 64-byte ping-pong messages
 * from an epoll client thread. The server is io_uring (multishot recv into
 * a provided buffer ring, send back from the buffer) or, as the fixed peer
 * that only the kernel's network stack moves, the same server on epoll.
 * echo-accept-256: the io_uring server over 256 connections, which it
 * takes with a multishot accept.
 * Client and server share CPU 0: the figure is CPU cost per message, not
 * how well two emulated CPUs happen to overlap. Reports round trips/s
 * (profiled: runs BENCH_OPS of them).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <liburing.h>
#include "bench.h"

#define CONNS	32
#define MAX_CONNS	256
#define MSG	64
#define NBUFS	256
#define BUFSZ	2048
#define BGID	7

enum { RECV = 1, SEND = 2, ACCEPT = 3 };
#define UD(type, bid, fd)	((unsigned long long)(type) << 56 | \
				 (unsigned long long)(bid) << 32 | (unsigned int)(fd))

struct client {
	int port;
	int conns;
	unsigned long long trips;
	double secs;
	int err;
};

static void nodelay(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/*
 * Ping-pong MSG bytes on every connection until bench_secs() has passed
 * or, profiled, until BENCH_OPS round trips have been made.
 */
static void *client_run(void *arg)
{
	struct client *c = arg;
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(c->port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct epoll_event ev, evs[MAX_CONNS];
	int fds[MAX_CONNS], got[MAX_CONNS] = { }, busy = 0, ep, i;
	char msg[MSG], buf[BUFSZ];
	struct bench_clock clk;
	int stopping = 0;
	double t;

	memset(msg, 'x', MSG);
	ep = epoll_create1(0);
	for (i = 0; i < c->conns; i++) {
		fds[i] = socket(AF_INET, SOCK_STREAM, 0);
		if (fds[i] < 0 || connect(fds[i], (void *)&sa, sizeof(sa))) {
			c->err = errno;
			return NULL;
		}
		nodelay(fds[i]);
		ev.events = EPOLLIN;
		ev.data.u32 = i;
		epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev);
	}
	bench_start(&clk);
	for (i = 0; i < c->conns; i++, busy++)
		if (write(fds[i], msg, MSG) != MSG)
			c->err = EIO;
	while (busy && !c->err) {
		int n = epoll_wait(ep, evs, c->conns, 1000);

		/* io_uring's task_work shows as EINTR too: not an error. */
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			c->err = n ? errno : ETIMEDOUT;
			break;
		}
		if (!stopping && !bench_counted(&clk) &&
		    !bench_going(&clk, c->trips, &t)) {
			stopping = 1;
			c->secs = t;
		}
		for (i = 0; i < n; i++) {
			int k = evs[i].data.u32;
			ssize_t r = read(fds[k], buf, sizeof(buf));

			if (r <= 0) {
				c->err = r ? errno : EPIPE;
				break;
			}
			got[k] += r;
			if (got[k] < MSG)
				continue;
			got[k] = 0;
			busy--;
			if (!stopping && bench_counted(&clk) &&
			    !bench_going(&clk, c->trips, &t)) {
				stopping = 1;
				c->secs = t;
			}
			if (stopping)
				continue;
			c->trips++;
			if (write(fds[k], msg, MSG) != MSG)
				c->err = EIO;
			busy++;
		}
	}
	for (i = 0; i < c->conns; i++)
		close(fds[i]);
	close(ep);
	return NULL;
}

static int server_epoll(int *fds, int nr, int lfd)
{
	struct epoll_event ev, evs[MAX_CONNS];
	int open = nr, ep, i;
	char buf[BUFSZ];

	ep = epoll_create1(0);
	if (ep < 0)
		return -errno;
	for (i = 0; i < nr; i++) {
		ev.events = EPOLLIN;
		ev.data.fd = fds[i];
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev))
			return -errno;
	}
	while (open) {
		int n = epoll_wait(ep, evs, nr, 5000);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n ? -errno : -ETIMEDOUT;
		for (i = 0; i < n; i++) {
			int fd = evs[i].data.fd;
			ssize_t r = read(fd, buf, sizeof(buf));

			if (r <= 0) {
				close(fd);
				open--;
				continue;
			}
			if (write(fd, buf, r) != r) {
				close(fd);
				open--;
			}
		}
	}
	close(ep);
	return 0;
}

static void arm_recv(struct io_uring *ring, int fd)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	io_uring_prep_recv_multishot(sqe, fd, NULL, 0, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = BGID;
	sqe->user_data = UD(RECV, 0, fd);
}

/* @lfd >= 0: take @nr connections from it with a multishot accept. */
static void arm_accept(struct io_uring *ring, int lfd)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	io_uring_prep_multishot_accept(sqe, lfd, NULL, NULL, 0);
	sqe->user_data = UD(ACCEPT, 0, lfd);
}

static int server_uring(int *fds, int nr, int lfd)
{
	struct io_uring_buf_ring *br;
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	int open = nr, i, ret;
	char *bufs;

	ret = io_uring_queue_init(512, &ring, 0);
	if (ret)
		return ret;
	br = io_uring_setup_buf_ring(&ring, NBUFS, BGID, 0, &ret);
	bufs = malloc(NBUFS * BUFSZ);
	if (!br || !bufs) {
		ret = br ? -ENOMEM : ret;
		goto out;
	}
	for (i = 0; i < NBUFS; i++)
		io_uring_buf_ring_add(br, bufs + i * BUFSZ, BUFSZ, i,
				      io_uring_buf_ring_mask(NBUFS), i);
	io_uring_buf_ring_advance(br, NBUFS);
	if (lfd >= 0)
		arm_accept(&ring, lfd);
	else
		for (i = 0; i < nr; i++)
			arm_recv(&ring, fds[i]);
	while (open) {
		unsigned int head, n = 0;

		ret = io_uring_submit_and_wait(&ring, 1);
		if (ret == -EINTR)
			continue;
		if (ret < 0)
			break;
		ret = 0;
		io_uring_for_each_cqe(&ring, head, cqe) {
			unsigned long long ud = cqe->user_data;
			int fd = (int)(unsigned int)ud, bid;

			n++;
			if (ud >> 56 == ACCEPT) {
				if (cqe->res < 0) {
					ret = cqe->res;
					open = 0;
					break;
				}
				nodelay(cqe->res);
				arm_recv(&ring, cqe->res);
				if (!(cqe->flags & IORING_CQE_F_MORE))
					arm_accept(&ring, lfd);
				continue;
			}
			if (ud >> 56 == SEND) {
				/* The echo went out (or the peer left): recycle. */
				bid = (ud >> 32) & 0xffff;
				io_uring_buf_ring_add(br, bufs + bid * BUFSZ, BUFSZ, bid,
						      io_uring_buf_ring_mask(NBUFS), 0);
				io_uring_buf_ring_advance(br, 1);
				continue;
			}
			if (cqe->res == -ENOBUFS) {
				if (!(cqe->flags & IORING_CQE_F_MORE))
					arm_recv(&ring, fd);
				continue;
			}
			if (cqe->res < 0 && bench_is_unsupported(cqe->res)) {
				ret = cqe->res;
				open = 0;
				break;
			}
			if (cqe->res <= 0) {
				if (!(cqe->flags & IORING_CQE_F_MORE)) {
					close(fd);
					open--;
				}
				continue;
			}
			if (!(cqe->flags & IORING_CQE_F_BUFFER)) {
				ret = -EINVAL;
				open = 0;
				break;
			}
			bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
			{
				struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

				if (!sqe) {
					io_uring_submit(&ring);
					sqe = io_uring_get_sqe(&ring);
				}
				io_uring_prep_send(sqe, fd, bufs + bid * BUFSZ,
						   cqe->res, MSG_WAITALL);
				sqe->user_data = UD(SEND, bid, fd);
			}
			if (!(cqe->flags & IORING_CQE_F_MORE))
				arm_recv(&ring, fd);
		}
		io_uring_cq_advance(&ring, n);
	}
out:
	io_uring_queue_exit(&ring);
	free(bufs);
	return ret;
}

/*
 * One row: @nr connections from the client thread, served by @server;
 * with @server_accepts, the server takes them off the listening socket.
 */
static void run(const char *name, int (*server)(int *fds, int nr, int lfd),
		int nr, bool server_accepts)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	struct client c = { .conns = nr };
	pthread_t tid;
	int lfd, fds[MAX_CONNS], i, ret;

	if (!bench_wanted(name))
		return;
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (void *)&sa, sizeof(sa)) || listen(lfd, nr) ||
	    getsockname(lfd, (void *)&sa, &len)) {
		bench_fail(name, "listen", errno);
		return;
	}
	c.port = ntohs(sa.sin_port);
	pthread_create(&tid, NULL, client_run, &c);
	if (server_accepts) {
		/* it closes each connection it took as the client leaves */
		ret = server(NULL, nr, lfd);
		close(lfd);
		goto join;
	}
	for (i = 0; i < nr; i++) {
		fds[i] = accept(lfd, NULL, NULL);
		if (fds[i] < 0) {
			bench_fail(name, "accept", errno);
			exit(1);
		}
		nodelay(fds[i]);
	}
	close(lfd);
	ret = server(fds, nr, -1);
	if (ret) {
		/* The client sees its connections go: it stops too. */
		for (i = 0; i < nr; i++)
			shutdown(fds[i], SHUT_RDWR);
	}
join:
	pthread_join(tid, NULL);
	if (ret)
		bench_fail(name, "server", ret);
	else if (c.err || !c.secs)
		bench_fail(name, "client", c.err ? c.err : EIO);
	else
		bench_report(name, c.trips / c.secs, "msgs/s", "higher");
}

int main(void)
{
	cpu_set_t set;

	/* The client thread inherits it. */
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	sched_setaffinity(0, sizeof(set), &set);
	run("echo-uring", server_uring, CONNS, false);
	run("echo-epoll", server_epoll, CONNS, false);
	run("echo-accept-256", server_uring, MAX_CONNS, true);
	return 0;
}
