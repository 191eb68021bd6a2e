// SPDX-License-Identifier: GPL-2.0
/*
 * stream: 64 KiB messages into a loopback TCP connection whose other end
 * a thread drains with read().
 *	send-64k	IORING_OP_SEND, 4 in flight
 *	sendzc-64k	IORING_OP_SEND_ZC, 4 in flight; a buffer is used again
 *			once its notification CQE is in
 *	splice-64k	a file's pages to the socket: SPLICE file -> pipe
 *			linked to SPLICE pipe -> socket, one chain at a time
 * Both threads share CPU 0, as in echo: the figure is CPU cost per byte.
 * Reports MiB/s.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <liburing.h>
#include "bench.h"

#define MSG		65536
#define DEPTH		4
#define FILE_SIZE	(4 << 20)

enum mode { SEND, SEND_ZC, SPLICE };

/* The far end: reads until EOF. */
static void *drain(void *arg)
{
	static char buf[4 * MSG];
	int fd = *(int *)arg;

	while (read(fd, buf, sizeof(buf)) > 0)
		;
	return NULL;
}

/* A connected loopback pair: *@tx for the ring, *@rx for the drain. */
static int tcp_pair(int *tx, int *rx)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int lfd, ret = 0;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0)
		return -errno;
	*tx = socket(AF_INET, SOCK_STREAM, 0);
	if (*tx < 0 || bind(lfd, (void *)&sa, sizeof(sa)) || listen(lfd, 1) ||
	    getsockname(lfd, (void *)&sa, &len) ||
	    connect(*tx, (void *)&sa, sizeof(sa)))
		ret = -errno;
	else if ((*rx = accept(lfd, NULL, NULL)) < 0)
		ret = -errno;
	close(lfd);
	return ret;
}

/*
 * Keep DEPTH sends of MSG bytes in flight. Return: bytes sent until the
 * clock stopped (the sends still in flight then only drain), or a
 * negative errno.
 */
static long long send_loop(struct io_uring *ring, int fd, char *bufs,
			   bool zc, struct bench_clock *c, double *t)
{
	int inflight = 0, free_bufs[DEPTH], nfree = DEPTH, i;
	long long bytes = 0, counted = 0;
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	bool going = true;

	for (i = 0; i < DEPTH; i++)
		free_bufs[i] = i;
	while (going || inflight) {
		while (going && nfree) {
			int b = free_bufs[--nfree];

			sqe = io_uring_get_sqe(ring);
			if (zc)
				io_uring_prep_send_zc(sqe, fd, bufs + b * MSG,
						      MSG, MSG_WAITALL, 0);
			else
				io_uring_prep_send(sqe, fd, bufs + b * MSG,
						   MSG, MSG_WAITALL);
			sqe->user_data = b;
			inflight++;
		}
		if (io_uring_submit_and_wait(ring, 1) < 0)
			return -EIO;
		while (!io_uring_peek_cqe(ring, &cqe)) {
			int b = cqe->user_data;
			bool notif = cqe->flags & IORING_CQE_F_NOTIF;

			if (!notif && cqe->res != MSG)
				return cqe->res < 0 ? cqe->res : -EIO;
			if (!notif)
				bytes += MSG;
			/* a ZC send's buffer is ours again after its notification */
			if (notif || !(cqe->flags & IORING_CQE_F_MORE)) {
				free_bufs[nfree++] = b;
				inflight--;
			}
			io_uring_cqe_seen(ring, cqe);
		}
		if (going && !bench_going(c, bytes / MSG, t)) {
			going = false;
			counted = bytes;
		}
	}
	return counted;
}

/* One linked pair of SPLICEs per MSG: file -> pipe -> socket. */
static long long splice_loop(struct io_uring *ring, int fd, int file,
			     struct bench_clock *c, double *t)
{
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	long long bytes = 0;
	int p[2], i;

	if (pipe(p) || fcntl(p[1], F_SETPIPE_SZ, MSG) < MSG)
		return -errno;
	do {
		sqe = io_uring_get_sqe(ring);
		io_uring_prep_splice(sqe, file, bytes % FILE_SIZE, p[1], -1,
				     MSG, 0);
		sqe->flags |= IOSQE_IO_LINK;
		sqe = io_uring_get_sqe(ring);
		io_uring_prep_splice(sqe, p[0], -1, fd, -1, MSG, 0);
		if (io_uring_submit_and_wait(ring, 2) != 2)
			return -EIO;
		for (i = 0; i < 2; i++) {
			if (io_uring_peek_cqe(ring, &cqe))
				return -EIO;
			if (cqe->res != MSG)
				return cqe->res < 0 ? cqe->res : -EIO;
			io_uring_cqe_seen(ring, cqe);
		}
		bytes += MSG;
	} while (bench_going(c, bytes / MSG, t));
	close(p[0]);
	close(p[1]);
	return bytes;
}

static void run(const char *name, enum mode mode, int file, char *bufs)
{
	struct bench_clock c;
	struct io_uring ring;
	long long bytes;
	pthread_t tid;
	int tx = -1, rx = -1, ret;
	double t = 0;

	if (!bench_wanted(name))
		return;
	ret = tcp_pair(&tx, &rx);
	if (ret) {
		bench_fail(name, "loopback connection", ret);
		return;
	}
	ret = io_uring_queue_init(2 * DEPTH, &ring, 0);
	if (ret) {
		bench_fail(name, "io_uring_queue_init", ret);
		goto out;
	}
	pthread_create(&tid, NULL, drain, &rx);
	bench_start(&c);
	if (mode == SPLICE)
		bytes = splice_loop(&ring, tx, file, &c, &t);
	else
		bytes = send_loop(&ring, tx, bufs, mode == SEND_ZC, &c, &t);
	shutdown(tx, SHUT_WR);
	pthread_join(tid, NULL);
	io_uring_queue_exit(&ring);
	if (bytes < 0)
		bench_fail(name, mode == SPLICE ? "SPLICE" : "SEND", bytes);
	else
		bench_report(name, bytes / t / (1 << 20), "MiB/s", "higher");
out:
	close(tx);
	close(rx);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp";
	char path[256], *bufs;
	cpu_set_t set;
	int file;

	/* the drain threads inherit it */
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	sched_setaffinity(0, sizeof(set), &set);
	bufs = malloc(DEPTH * MSG > FILE_SIZE ? DEPTH * MSG : FILE_SIZE);
	if (!bufs)
		return 1;
	memset(bufs, 'x', FILE_SIZE);
	snprintf(path, sizeof(path), "%s/stream-bench.XXXXXX", dir);
	file = mkstemp(path);
	if (file < 0 || write(file, bufs, FILE_SIZE) != FILE_SIZE)
		return 1;
	unlink(path);
	run("send-64k", SEND, file, bufs);
	run("sendzc-64k", SEND_ZC, file, bufs);
	run("splice-64k", SPLICE, file, bufs);
	close(file);
	return 0;
}
