// SPDX-License-Identifier: GPL-2.0
/*
 * Socket I/O with provided buffers:
 *  - a loopback TCP echo server driven by io_uring: one multishot ACCEPT
 *    takes every connection, one multishot RECV per connection picks its
 *    buffers from a ring registered with IORING_REGISTER_PBUF_RING, and
 *    each chunk goes back with IORING_OP_SEND straight from the buffer it
 *    arrived in, which returns to the ring once the send completed. A
 *    client thread (plain syscalls) checks every echoed byte; the server
 *    checks that the kernel never hands out a buffer that is not in the
 *    ring, that all buffers come back, that the accept keeps
 *    IORING_CQE_F_MORE until it is cancelled and that no stray CQE shows;
 *  - provided buffer rules: an empty ring gives -ENOBUFS, legacy
 *    IORING_OP_PROVIDE_BUFFERS, IORING_REGISTER_PBUF_STATUS after
 *    consumption, IORING_UNREGISTER_PBUF_RING, registration errnos;
 *  - READ_MULTISHOT of a pipe into a buffer ring, through the yields a
 *    batch of ready messages causes, until the ring runs dry (-ENOBUFS).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "kselftest_harness.h"

/* Room for the reason a side of the echo failed. */
#define ERR_LEN	256
#include <stdarg.h>

#include "uring_helpers.h"

#define WAIT_MS		(URING_WAIT_SECS * 1000)

/* --- the echo: sizes chosen to finish in well under a minute on TCG --- */

#define NR_CONN		64
#define NR_MSGS		100000	/* over all connections */
#define WINDOW		16	/* messages in flight per connection */
#define MAX_MSG		4096	/* one message in 32 is up to this long */
#define SMALL_MSG	128	/* the others are up to this long */
#define PAT_LEN		8192	/* messages start anywhere in here */

#define NR_BUFS		32	/* provided buffers, all in one ring */
#define BUF_SIZE	4096
#define ECHO_BGID	7

#define ECHO_SECS	100	/* the whole echo, a hang detector */
#define STALL_MS	15000	/* no CQE at all for this long: stuck */
#define QUIET_MS	50	/* how long to look for stray CQEs */

/* user_data: a tag, the kind of request and the server's connection slot */
#define UD_TAG		0xec40000000000000ULL
#define UD_TAG_MASK	0xffff000000000000ULL
enum { UD_ACCEPT = 1, UD_RECV, UD_SEND, UD_CANCEL };
#define UD(kind, slot)	(UD_TAG | ((__u64)(kind) << 32) | (__u32)(slot))
#define UD_KIND(ud)	((unsigned int)(((ud) >> 32) & 0xffff))
#define UD_SLOT(ud)	((unsigned int)(ud))

static unsigned char pattern[PAT_LEN + MAX_MSG];
static int echo_stop;		/* either side failed: the other gives up */

static __u32 mix32(__u32 x)
{
	x ^= x >> 16;
	x *= 0x7feb352dU;
	x ^= x >> 15;
	x *= 0x846ca68bU;
	x ^= x >> 16;
	return x;
}

static void pattern_init(void)
{
	__u32 x = 0x12345678;
	size_t i;

	for (i = 0; i < sizeof(pattern); i++) {
		x = mix32(x + (__u32)i);
		pattern[i] = (unsigned char)x;
	}
}

static __u32 msg_hash(unsigned int conn, unsigned int idx)
{
	return mix32(conn * 0x9e3779b9U ^ mix32(idx + 1));
}

/* Length of message idx of client connection conn: 1..MAX_MSG. */
static unsigned int msg_len(unsigned int conn, unsigned int idx)
{
	__u32 h = msg_hash(conn, idx);

	if (!(h & 31))
		return 1 + (h >> 5) % MAX_MSG;
	return 1 + (h >> 5) % SMALL_MSG;
}

/* Its bytes: byte off is msg_data(conn, idx)[off]. */
static const unsigned char *msg_data(unsigned int conn, unsigned int idx)
{
	return pattern + mix32(msg_hash(conn, idx) ^ 0xa5a5a5a5U) % PAT_LEN;
}

static unsigned int conn_msgs(unsigned int conn)
{
	return NR_MSGS / NR_CONN + (conn < NR_MSGS % NR_CONN);
}

static void set_stop(void)
{
	__atomic_store_n(&echo_stop, 1, __ATOMIC_RELEASE);
}

static bool stopped(void)
{
	return __atomic_load_n(&echo_stop, __ATOMIC_ACQUIRE);
}

/* --- the client: non-blocking sockets, poll(2), sendmsg(2), recv(2) --- */

struct cli_conn {
	int fd;
	unsigned int nr;	/* messages to send */
	unsigned int sent;	/* messages sent completely */
	unsigned int sent_off;	/* bytes of message sent, partly sent */
	unsigned int got;	/* messages echoed completely */
	unsigned int got_off;	/* bytes of message got, partly echoed */
	bool shut;		/* SHUT_WR done after the last message */
	bool done;		/* EOF seen after the whole echo */
};

struct client {
	unsigned short port;	/* network order */
	struct cli_conn c[NR_CONN];
	unsigned long long bytes;
	unsigned int msgs;
	char err[ERR_LEN];
	unsigned char rbuf[65536];
};

/* Record why a side failed in its err[ERR_LEN]; returns -1 to return. */
static int __printf(2, 3)
record_fail(char *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, ERR_LEN, fmt, ap);
	va_end(ap);
	return -1;
}

/* Send what the window allows; 0, or -1 with cl->err set. */
static int cli_send(struct client *cl, unsigned int i)
{
	struct cli_conn *c = &cl->c[i];
	struct iovec iov[WINDOW];
	struct msghdr mh;
	unsigned int idx, off, n, left;
	ssize_t ret;

	for (;;) {
		n = 0;
		idx = c->sent;
		off = c->sent_off;
		while (idx < c->nr && idx < c->got + WINDOW && n < WINDOW) {
			iov[n].iov_base = (void *)(msg_data(i, idx) + off);
			iov[n].iov_len = msg_len(i, idx) - off;
			n++;
			idx++;
			off = 0;
		}
		if (!n)
			break;
		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = iov;
		mh.msg_iovlen = n;
		ret = sendmsg(c->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return record_fail(cl->err, "client %u: sendmsg: %s", i,
				 strerror(errno));
		}
		while (ret > 0) {
			left = msg_len(i, c->sent) - c->sent_off;
			if ((size_t)ret < left) {
				c->sent_off += ret;
				break;
			}
			ret -= left;
			c->sent++;
			c->sent_off = 0;
		}
	}
	if (c->sent == c->nr && !c->shut) {
		if (shutdown(c->fd, SHUT_WR))
			return record_fail(cl->err, "client %u: shutdown: %s", i,
				 strerror(errno));
		c->shut = true;
	}
	return 0;
}

/* Compare len received bytes with the stream connection i must echo. */
static int cli_check(struct client *cl, unsigned int i, size_t len)
{
	struct cli_conn *c = &cl->c[i];
	const unsigned char *want, *got = cl->rbuf;
	size_t p = 0, m, k;
	unsigned int mlen;

	while (p < len) {
		if (c->got >= c->nr)
			return record_fail(cl->err, "client %u: %zu bytes echoed after the end",
				 i, len - p);
		mlen = msg_len(i, c->got);
		want = msg_data(i, c->got) + c->got_off;
		m = mlen - c->got_off;
		if (m > len - p)
			m = len - p;
		if (memcmp(got + p, want, m)) {
			for (k = 0; got[p + k] == want[k]; k++)
				;
			return record_fail(cl->err,
				 "client %u: message %u byte %zu: got 0x%02x, sent 0x%02x",
				 i, c->got, c->got_off + k, got[p + k], want[k]);
		}
		p += m;
		c->got_off += m;
		if (c->got_off == mlen) {
			c->got++;
			c->got_off = 0;
			cl->msgs++;
		}
	}
	cl->bytes += len;
	return 0;
}

/* Read and check everything available; at EOF, the echo must be whole. */
static int cli_recv(struct client *cl, unsigned int i)
{
	struct cli_conn *c = &cl->c[i];
	ssize_t ret;

	for (;;) {
		ret = recv(c->fd, cl->rbuf, sizeof(cl->rbuf), MSG_DONTWAIT);
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return record_fail(cl->err, "client %u: recv: %s", i, strerror(errno));
		}
		if (!ret) {
			if (c->got != c->nr || c->got_off)
				return record_fail(cl->err,
					 "client %u: EOF after %u of %u messages",
					 i, c->got, c->nr);
			c->done = true;
			close(c->fd);
			c->fd = -1;
			return 0;
		}
		if (cli_check(cl, i, ret))
			return -1;
	}
}

static int cli_connect(struct client *cl)
{
	struct sockaddr_in sin;
	unsigned int i;
	int one = 1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = cl->port;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (i = 0; i < NR_CONN; i++) {
		struct cli_conn *c = &cl->c[i];

		c->nr = conn_msgs(i);
		c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (c->fd < 0)
			return record_fail(cl->err, "socket: %s", strerror(errno));
		if (connect(c->fd, (struct sockaddr *)&sin, sizeof(sin)))
			return record_fail(cl->err, "client %u: connect: %s", i,
				 strerror(errno));
		setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	return 0;
}

static int cli_loop(struct client *cl)
{
	long long deadline = uring_now_ms() + ECHO_SECS * 1000LL;
	struct pollfd pfd[NR_CONN];
	unsigned int slot[NR_CONN];
	unsigned int i, n, left;
	int ret;

	for (i = 0; i < NR_CONN; i++)
		if (cli_send(cl, i))
			return -1;
	for (;;) {
		n = 0;
		left = 0;
		for (i = 0; i < NR_CONN; i++) {
			struct cli_conn *c = &cl->c[i];

			if (c->done)
				continue;
			left++;
			pfd[n].fd = c->fd;
			pfd[n].events = POLLIN;
			if (c->sent < c->nr && c->sent < c->got + WINDOW)
				pfd[n].events |= POLLOUT;
			pfd[n].revents = 0;
			slot[n++] = i;
		}
		if (!left)
			return 0;
		if (stopped())
			return record_fail(cl->err, "client stopped: the server failed");
		if (uring_now_ms() > deadline)
			return record_fail(cl->err, "client: echo not done in %d s", ECHO_SECS);
		ret = poll(pfd, n, 200);
		if (ret < 0 && errno != EINTR)
			return record_fail(cl->err, "poll: %s", strerror(errno));
		for (i = 0; ret > 0 && i < n; i++) {
			if (!pfd[i].revents)
				continue;
			if ((pfd[i].revents & ~POLLOUT) &&
			    cli_recv(cl, slot[i]))
				return -1;
			if (!cl->c[slot[i]].done && cli_send(cl, slot[i]))
				return -1;
		}
	}
}

static void *client_main(void *arg)
{
	struct client *cl = arg;
	unsigned int i;

	if (cli_connect(cl) || cli_loop(cl))
		set_stop();
	for (i = 0; i < NR_CONN; i++)
		if (cl->c[i].fd >= 0)
			close(cl->c[i].fd);
	return NULL;
}

/* --- the server: everything through one ring --- */

struct srv_chunk {
	__u16 bid;
	__u32 off;		/* already sent back */
	__u32 len;		/* still to send back */
};

struct srv_conn {
	int fd;
	bool armed;		/* a multishot RECV is active */
	bool starved;		/* it ended with -ENOBUFS */
	bool eof;		/* it ended with 0 */
	bool sending;		/* a SEND of chunk q[qh] is in flight */
	bool closed;
	unsigned int qh, qt;	/* chunks received, not yet sent back */
	struct srv_chunk q[NR_BUFS];
};

struct server {
	struct uring *r;
	int lfd;
	struct io_uring_buf_ring *br;
	char *bufs;
	__u16 tail;			/* our ring tail, published per batch */
	unsigned int in_ring;		/* buffers the kernel may hand out */
	bool out[NR_BUFS];		/* handed out, not yet back in the ring */
	unsigned int accepted, closed;
	bool cancel_sent, cancel_done, accept_done;
	unsigned long long bytes, recv_cqes, send_cqes, rearms, enobufs;
	char err[ERR_LEN];
	struct srv_conn c[NR_CONN];
};

static struct io_uring_sqe *srv_sqe(struct server *s)
{
	struct io_uring_sqe *sqe = uring_get_sqe(s->r);

	if (!sqe) {
		uring_submit(s->r);
		sqe = uring_get_sqe(s->r);
	}
	if (!sqe)
		snprintf(s->err, sizeof(s->err), "SQ ring stays full");
	return sqe;
}

static void buf_give(struct server *s, __u16 bid)
{
	uring_buf_ring_add(s->br, NR_BUFS - 1, s->tail,
			   s->bufs + (size_t)bid * BUF_SIZE, BUF_SIZE, bid);
	s->tail++;
	s->out[bid] = false;
	s->in_ring++;
}

/* The kernel handed out the buffer of a CQE: it must have been ours. */
static int buf_take(struct server *s, __u32 cflags, __u16 *bid)
{
	*bid = cflags >> IORING_CQE_BUFFER_SHIFT;
	if (*bid >= NR_BUFS)
		return record_fail(s->err, "buffer id %u was never provided", *bid);
	if (s->out[*bid])
		return record_fail(s->err, "buffer id %u handed out twice", *bid);
	s->out[*bid] = true;
	s->in_ring--;
	return 0;
}

static int arm_recv(struct server *s, unsigned int i)
{
	struct io_uring_sqe *sqe = srv_sqe(s);

	if (!sqe)
		return -1;
	uring_prep_recv(sqe, s->c[i].fd, NULL, 0, 0, UD(UD_RECV, i));
	sqe->ioprio = IORING_RECV_MULTISHOT;
	sqe->flags = IOSQE_BUFFER_SELECT;
	sqe->buf_group = ECHO_BGID;
	s->c[i].armed = true;
	s->c[i].starved = false;
	return 0;
}

static int start_send(struct server *s, unsigned int i)
{
	struct srv_conn *c = &s->c[i];
	struct srv_chunk *ch = &c->q[c->qh % NR_BUFS];
	struct io_uring_sqe *sqe = srv_sqe(s);

	if (!sqe)
		return -1;
	uring_prep_send(sqe, c->fd, s->bufs + (size_t)ch->bid * BUF_SIZE +
			ch->off, ch->len, MSG_NOSIGNAL, UD(UD_SEND, i));
	c->sending = true;
	return 0;
}

static int on_accept(struct server *s, const struct io_uring_cqe *cqe)
{
	struct io_uring_sqe *sqe;
	unsigned int i;
	int one = 1;

	if (cqe->res < 0) {
		if (!s->cancel_sent || cqe->res != -ECANCELED)
			return record_fail(s->err, "accept failed: %d after %u connections",
				 cqe->res, s->accepted);
		if (cqe->flags & IORING_CQE_F_MORE)
			return record_fail(s->err, "cancelled accept still has F_MORE");
		s->accept_done = true;
		return 0;
	}
	if (!(cqe->flags & IORING_CQE_F_MORE))
		return record_fail(s->err, "accept CQE %u (fd %d) without F_MORE",
			 s->accepted, cqe->res);
	if (s->accepted == NR_CONN) {
		close(cqe->res);
		return record_fail(s->err, "more than %d connections accepted", NR_CONN);
	}
	i = s->accepted++;
	s->c[i].fd = cqe->res;
	setsockopt(cqe->res, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (arm_recv(s, i))
		return -1;
	if (s->accepted < NR_CONN)
		return 0;
	sqe = srv_sqe(s);
	if (!sqe)
		return -1;
	uring_prep_cancel(sqe, UD(UD_ACCEPT, 0), -1, 0, UD(UD_CANCEL, 0));
	s->cancel_sent = true;
	return 0;
}

static int on_recv(struct server *s, unsigned int i,
		   const struct io_uring_cqe *cqe)
{
	struct srv_conn *c = &s->c[i];
	bool more = cqe->flags & IORING_CQE_F_MORE;
	__u16 bid = 0;

	s->recv_cqes++;
	if (!c->armed)
		return record_fail(s->err, "recv CQE for connection %u without a recv", i);
	if ((cqe->flags & IORING_CQE_F_BUFFER) && buf_take(s, cqe->flags, &bid))
		return -1;
	if (cqe->res > 0) {
		if (!(cqe->flags & IORING_CQE_F_BUFFER))
			return record_fail(s->err, "recv of %d bytes without a buffer",
				 cqe->res);
		if (cqe->res > BUF_SIZE)
			return record_fail(s->err, "recv of %d bytes into a %d byte buffer",
				 cqe->res, BUF_SIZE);
		c->q[c->qt % NR_BUFS] = (struct srv_chunk){ bid, 0, cqe->res };
		c->qt++;
		s->bytes += cqe->res;
	} else if (cqe->flags & IORING_CQE_F_BUFFER) {
		buf_give(s, bid);
	}
	if (more) {
		if (cqe->res <= 0)
			return record_fail(s->err, "recv result %d with F_MORE", cqe->res);
		return 0;
	}
	c->armed = false;
	if (cqe->res == 0) {
		c->eof = true;
	} else if (cqe->res == -ENOBUFS) {
		c->starved = true;
		s->enobufs++;
	} else if (cqe->res < 0) {
		return record_fail(s->err, "recv on connection %u failed: %d", i, cqe->res);
	}
	return 0;
}

static int on_send(struct server *s, unsigned int i,
		   const struct io_uring_cqe *cqe)
{
	struct srv_conn *c = &s->c[i];
	struct srv_chunk *ch = &c->q[c->qh % NR_BUFS];

	s->send_cqes++;
	if (!c->sending)
		return record_fail(s->err, "send CQE for connection %u without a send", i);
	c->sending = false;
	if (cqe->res <= 0 || (__u32)cqe->res > ch->len)
		return record_fail(s->err, "send of %u bytes on connection %u gave %d",
			 ch->len, i, cqe->res);
	ch->off += cqe->res;
	ch->len -= cqe->res;
	if (!ch->len) {
		buf_give(s, ch->bid);
		c->qh++;
	}
	return 0;
}

static int on_cqe(struct server *s, const struct io_uring_cqe *cqe)
{
	unsigned int slot = UD_SLOT(cqe->user_data);

	if ((cqe->user_data & UD_TAG_MASK) != UD_TAG)
		goto stray;
	switch (UD_KIND(cqe->user_data)) {
	case UD_ACCEPT:
		if (slot || s->accept_done)
			goto stray;
		return on_accept(s, cqe);
	case UD_RECV:
		if (slot >= s->accepted || s->c[slot].closed)
			goto stray;
		return on_recv(s, slot, cqe);
	case UD_SEND:
		if (slot >= s->accepted || s->c[slot].closed)
			goto stray;
		return on_send(s, slot, cqe);
	case UD_CANCEL:
		if (slot || !s->cancel_sent || s->cancel_done)
			goto stray;
		if (cqe->res)
			return record_fail(s->err, "cancel of the accept gave %d", cqe->res);
		s->cancel_done = true;
		return 0;
	}
stray:
	return record_fail(s->err, "unexpected CQE: user_data 0x%llx res %d flags 0x%x",
		 (unsigned long long)cqe->user_data, cqe->res, cqe->flags);
}

/*
 * After a batch of CQEs: send back what came in, re-arm the receives
 * that ended (those short of buffers only when some are back in the
 * ring), close connections at EOF once their echo is out.
 */
static int srv_service(struct server *s)
{
	unsigned int i;

	uring_buf_ring_publish(s->br, s->tail);
	for (i = 0; i < s->accepted; i++) {
		struct srv_conn *c = &s->c[i];

		if (c->closed)
			continue;
		if (!c->sending && c->qh != c->qt && start_send(s, i))
			return -1;
		if (!c->armed && !c->eof && (!c->starved || s->in_ring)) {
			if (arm_recv(s, i))
				return -1;
			s->rearms++;
		}
		if (c->eof && !c->sending && c->qh == c->qt) {
			close(c->fd);
			c->closed = true;
			s->closed++;
		}
	}
	return 0;
}

static int srv_loop(struct server *s)
{
	long long start = uring_now_ms(), last = start;
	struct io_uring_getevents_arg arg;
	struct __kernel_timespec ts;
	struct io_uring_cqe cqe;
	unsigned int n, wait;
	int ret;

	for (;;) {
		if (stopped())
			return record_fail(s->err, "server stopped: the client failed");
		n = 0;
		while (!uring_try_get_cqe(s->r, &cqe)) {
			if (on_cqe(s, &cqe))
				return -1;
			n++;
		}
		if (srv_service(s))
			return -1;
		if (s->accept_done && s->cancel_done && s->closed == NR_CONN)
			return 0;
		if (n)
			last = uring_now_ms();
		else if (uring_now_ms() - last > STALL_MS)
			return record_fail(s->err, "no CQE for %d ms: %u accepted, %u closed",
				 STALL_MS, s->accepted, s->closed);
		if (uring_now_ms() - start > ECHO_SECS * 1000LL)
			return record_fail(s->err, "echo not done in %d s", ECHO_SECS);

		/* submit, and wait for a CQE unless one is there already */
		wait = uring_cq_ready(s->r) ? 0 : 1;
		memset(&arg, 0, sizeof(arg));
		ts.tv_sec = 1;
		ts.tv_nsec = 0;
		arg.ts = (__u64)(unsigned long)&ts;
		ret = sys_io_uring_enter2(s->r->fd, uring_flush(s->r), wait,
					  IORING_ENTER_GETEVENTS |
					  IORING_ENTER_EXT_ARG,
					  &arg, sizeof(arg));
		if (ret < 0 && ret != -ETIME && ret != -EINTR &&
		    ret != -EBUSY && ret != -EAGAIN)
			return record_fail(s->err, "io_uring_enter: %d", ret);
	}
}

static int listen_loopback(unsigned short *port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    listen(fd, NR_CONN * 2) ||
	    getsockname(fd, (struct sockaddr *)&sin, &len)) {
		int err = -errno;

		close(fd);
		return err;
	}
	*port = sin.sin_port;
	return fd;
}

/* A ring with a registered buffer ring, and the server and client state. */
FIXTURE(echo) {
	struct uring r;
	struct server *s;
	struct client *cl;
	void *ring;
	char *bufs;
};

FIXTURE_SETUP(echo)
{
	static const unsigned int ops[] = {
		IORING_OP_ACCEPT, IORING_OP_RECV, IORING_OP_SEND,
		IORING_OP_ASYNC_CANCEL,
	};
	struct io_uring_params p;
	unsigned int i;
	int ret;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 4096;
	ASSERT_EQ(0, uring_init_params(&self->r, 256, &p));
	for (i = 0; i < ARRAY_SIZE(ops); i++)
		if (!uring_op_supported(&self->r, ops[i]))
			SKIP(return, "opcode %u not supported", ops[i]);

	self->ring = mmap(NULL, uring_page_size(), PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->ring);
	self->bufs = mmap(NULL, (size_t)NR_BUFS * BUF_SIZE,
			  PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->bufs);
	ret = uring_register_pbuf_ring(&self->r, self->ring, NR_BUFS,
				       ECHO_BGID);
	if (ret == -EINVAL)
		SKIP(return, "IORING_REGISTER_PBUF_RING not supported");
	ASSERT_EQ(0, ret);

	self->s = calloc(1, sizeof(*self->s));
	self->cl = calloc(1, sizeof(*self->cl));
	ASSERT_NE(NULL, self->s);
	ASSERT_NE(NULL, self->cl);
}

FIXTURE_TEARDOWN(echo)
{
	uring_exit(&self->r);
	munmap(self->ring, uring_page_size());
	munmap(self->bufs, (size_t)NR_BUFS * BUF_SIZE);
	free(self->s);
	free(self->cl);
}

/* Every byte echoed over loopback TCP, every provided buffer returned. */
TEST_F_TIMEOUT(echo, tcp_loopback, ECHO_SECS + 20)
{
	struct server *s = self->s;
	struct client *cl = self->cl;
	long long t0 = uring_now_ms();
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	unsigned int i, head;
	pthread_t thr;
	int ret;

	pattern_init();
	s->r = &self->r;
	s->br = self->ring;
	s->bufs = self->bufs;
	for (i = 0; i < NR_BUFS; i++)
		buf_give(s, i);
	uring_buf_ring_publish(s->br, s->tail);

	s->lfd = listen_loopback(&cl->port);
	ASSERT_LE(0, s->lfd);
	sqe = uring_get_sqe(&self->r);
	ASSERT_NE(NULL, sqe);
	uring_prep_accept(sqe, s->lfd, SOCK_CLOEXEC, IORING_ACCEPT_MULTISHOT,
			  UD(UD_ACCEPT, 0));
	ASSERT_EQ(1, uring_submit(&self->r));

	ASSERT_EQ(0, pthread_create(&thr, NULL, client_main, cl));
	ret = srv_loop(s);
	if (ret)
		set_stop();
	pthread_join(thr, NULL);
	close(s->lfd);
	for (i = 0; i < s->accepted; i++)
		if (!s->c[i].closed)
			close(s->c[i].fd);
	if (ret)
		TH_LOG("server: %s", s->err);
	if (cl->err[0])
		TH_LOG("%s", cl->err);
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, cl->err[0]);

	/* every message came back, through the server */
	EXPECT_EQ(NR_MSGS, cl->msgs);
	EXPECT_EQ(cl->bytes, s->bytes);
	EXPECT_EQ(NR_CONN, s->accepted);

	/* every buffer is back in the ring, and the kernel agrees */
	EXPECT_EQ(NR_BUFS, s->in_ring);
	for (i = 0; i < NR_BUFS; i++) {
		EXPECT_FALSE(s->out[i])
			TH_LOG("buffer %u never came back", i);
	}
	ret = uring_pbuf_head(&self->r, ECHO_BGID, &head);
	if (ret != -EINVAL) {
		EXPECT_EQ(0, ret);
		EXPECT_EQ(NR_BUFS, (__u16)(s->tail - head));
	}

	/* no CQE was dropped, none is left, nothing comes later */
	EXPECT_EQ(0, *self->r.cq_overflow);
	EXPECT_EQ(-ETIME, uring_get_cqe_ms(&self->r, &cqe, QUIET_MS))
		TH_LOG("stray CQE: user_data 0x%llx res %d flags 0x%x",
		       (unsigned long long)cqe.user_data, cqe.res, cqe.flags);
	EXPECT_EQ(0, uring_unregister_pbuf_ring(&self->r, ECHO_BGID));

	TH_LOG("%u messages, %llu bytes in %lld ms", cl->msgs, cl->bytes,
	       uring_now_ms() - t0);
	TH_LOG("%llu recv CQEs, %llu send CQEs, %llu recv re-arms (%llu for -ENOBUFS)",
	       s->recv_cqes, s->send_cqes, s->rearms, s->enobufs);
}

/* --- provided buffer rules, on a unix socket pair --- */

#define PB_BGID		3
#define PB_ENTRIES	8
#define PB_SIZE		256
#define LEGACY_BID	10
#define LEGACY_NR	4
#define LEGACY_SIZE	64

/* A ring, a unix socket pair and room for a buffer ring and its buffers. */
FIXTURE(pbuf) {
	struct uring r;
	int sp[2];
	struct io_uring_buf_ring *ring;
	char *bufs;
	__u16 tail;
};

FIXTURE_SETUP(pbuf)
{
	ASSERT_EQ(0, uring_init(&self->r, 16, 0));
	if (!uring_op_supported(&self->r, IORING_OP_RECV))
		SKIP(return, "IORING_OP_RECV not supported");
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
				self->sp));
	self->ring = mmap(NULL, uring_page_size(), PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->ring);
	self->bufs = mmap(NULL, PB_ENTRIES * PB_SIZE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->bufs);
}

FIXTURE_TEARDOWN(pbuf)
{
	uring_exit(&self->r);
	close(self->sp[0]);
	close(self->sp[1]);
	munmap(self->ring, uring_page_size());
	munmap(self->bufs, PB_ENTRIES * PB_SIZE);
}

static int pb_register(struct _test_data_pbuf *self)
{
	memset(self->ring, 0, uring_page_size());
	self->tail = 0;
	return uring_register_pbuf_ring(&self->r, self->ring, PB_ENTRIES,
					PB_BGID);
}

/* Put buffer bid (PB_SIZE bytes at bufs + bid * PB_SIZE) in the ring. */
static void pb_add(struct _test_data_pbuf *self, __u16 bid)
{
	uring_buf_ring_add(self->ring, PB_ENTRIES - 1, self->tail,
			   self->bufs + bid * PB_SIZE, PB_SIZE, bid);
	uring_buf_ring_publish(self->ring, ++self->tail);
}

/* Queue bytes on the socket, then one RECV selecting from group bgid. */
static int recv_select(struct uring *r, int fd, int peer, const void *data,
		       size_t len, __u16 bgid, unsigned int buf_len,
		       bool multishot, struct io_uring_cqe *cqe)
{
	struct io_uring_sqe *sqe;
	int ret;

	if (len && write(peer, data, len) != (ssize_t)len)
		return -EIO;
	sqe = uring_get_sqe(r);
	if (!sqe)
		return -EBUSY;
	uring_prep_recv(sqe, fd, NULL, buf_len, 0, 0x5e1ec7);
	sqe->flags = IOSQE_BUFFER_SELECT;
	sqe->buf_group = bgid;
	if (multishot)
		sqe->ioprio = IORING_RECV_MULTISHOT;
	ret = uring_submit(r);
	if (ret != 1)
		return ret < 0 ? ret : -EIO;
	ret = uring_get_cqe_ms(r, cqe, WAIT_MS);
	if (ret)
		return ret;
	return cqe->user_data == 0x5e1ec7 ? 0 : -EBADMSG;
}

static unsigned int cqe_bid(const struct io_uring_cqe *cqe)
{
	return cqe->flags >> IORING_CQE_BUFFER_SHIFT;
}

/* A RECV finding the buffer ring empty fails -ENOBUFS; the data waits. */
TEST_F(pbuf, empty_ring_enobufs)
{
	struct io_uring_cqe cqe;
	int ret;

	ret = pb_register(self);
	if (ret == -EINVAL)
		SKIP(return, "IORING_REGISTER_PBUF_RING not supported");
	ASSERT_EQ(0, ret);

	/* data is waiting, but the ring has no buffer: both kinds fail */
	ASSERT_EQ(0, recv_select(&self->r, self->sp[0], self->sp[1], "hello",
				 5, PB_BGID, PB_SIZE, false, &cqe));
	EXPECT_EQ(-ENOBUFS, cqe.res);
	EXPECT_EQ(0, cqe.flags & IORING_CQE_F_BUFFER);
	ASSERT_EQ(0, recv_select(&self->r, self->sp[0], self->sp[1], NULL, 0,
				 PB_BGID, 0, true, &cqe));
	EXPECT_EQ(-ENOBUFS, cqe.res);
	EXPECT_EQ(0, cqe.flags & (IORING_CQE_F_BUFFER | IORING_CQE_F_MORE));

	/* the data is still there for the first buffer that comes */
	pb_add(self, 5);
	ASSERT_EQ(0, recv_select(&self->r, self->sp[0], self->sp[1], NULL, 0,
				 PB_BGID, PB_SIZE, false, &cqe));
	ASSERT_EQ(5, cqe.res);
	ASSERT_TRUE(cqe.flags & IORING_CQE_F_BUFFER);
	EXPECT_EQ(5, cqe_bid(&cqe));
	EXPECT_EQ(0, memcmp(self->bufs + 5 * PB_SIZE, "hello", 5));
}

/* PROVIDE_BUFFERS gives each buffer out once, then the group is empty. */
TEST_F(pbuf, legacy_provide_buffers)
{
	bool seen[LEGACY_NR] = { false };
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	char msg[16];
	unsigned int bid;
	int k;

	if (!uring_op_supported(&self->r, IORING_OP_PROVIDE_BUFFERS))
		SKIP(return, "IORING_OP_PROVIDE_BUFFERS not supported");
	sqe = uring_get_sqe(&self->r);
	ASSERT_NE(NULL, sqe);
	uring_prep_provide_buffers(sqe, self->bufs, LEGACY_SIZE, LEGACY_NR,
				   PB_BGID, LEGACY_BID, 0xb0f);
	ASSERT_EQ(1, uring_submit(&self->r));
	ASSERT_EQ(0, uring_get_cqe_ms(&self->r, &cqe, WAIT_MS));
	ASSERT_EQ(0xb0f, cqe.user_data);
	ASSERT_EQ(0, cqe.res);

	/* each receive takes one of the buffers and says which */
	for (k = 0; k < LEGACY_NR; k++) {
		memset(msg, 'a' + k, sizeof(msg));
		ASSERT_EQ(0, recv_select(&self->r, self->sp[0], self->sp[1],
					 msg, sizeof(msg), PB_BGID,
					 LEGACY_SIZE, false, &cqe));
		ASSERT_EQ(sizeof(msg), cqe.res);
		ASSERT_TRUE(cqe.flags & IORING_CQE_F_BUFFER);
		bid = cqe_bid(&cqe);
		ASSERT_LE(LEGACY_BID, bid);
		ASSERT_GT(LEGACY_BID + LEGACY_NR, bid);
		EXPECT_FALSE(seen[bid - LEGACY_BID]);
		seen[bid - LEGACY_BID] = true;
		EXPECT_EQ(0, memcmp(self->bufs +
				    (bid - LEGACY_BID) * LEGACY_SIZE,
				    msg, sizeof(msg)));
	}

	/* and then the group is empty */
	ASSERT_EQ(0, recv_select(&self->r, self->sp[0], self->sp[1], "x", 1,
				 PB_BGID, LEGACY_SIZE, false, &cqe));
	EXPECT_EQ(-ENOBUFS, cqe.res);
	EXPECT_EQ(0, cqe.flags & IORING_CQE_F_BUFFER);
}

/* PBUF_STATUS reports the kernel's head moving on with each buffer used. */
TEST_F(pbuf, status_head)
{
	struct io_uring_cqe cqe;
	unsigned int head = ~0U;
	__u16 bid;
	int k, ret;

	ret = pb_register(self);
	if (ret == -EINVAL)
		SKIP(return, "IORING_REGISTER_PBUF_RING not supported");
	ASSERT_EQ(0, ret);
	for (bid = 0; bid < PB_ENTRIES; bid++)
		pb_add(self, bid);

	ret = uring_pbuf_head(&self->r, PB_BGID, &head);
	if (ret == -EINVAL)
		SKIP(return, "IORING_REGISTER_PBUF_STATUS not supported");
	ASSERT_EQ(0, ret);
	EXPECT_EQ(0, head);

	/* buffers go in ring order, the head follows each completion */
	for (k = 0; k < 3; k++) {
		ASSERT_EQ(0, recv_select(&self->r, self->sp[0], self->sp[1],
					 "data", 4, PB_BGID, PB_SIZE, false,
					 &cqe));
		ASSERT_EQ(4, cqe.res);
		ASSERT_TRUE(cqe.flags & IORING_CQE_F_BUFFER);
		EXPECT_EQ(k, cqe_bid(&cqe));
		ASSERT_EQ(0, uring_pbuf_head(&self->r, PB_BGID, &head));
		EXPECT_EQ(k + 1, head);
	}

	EXPECT_EQ(-ENOENT, uring_pbuf_head(&self->r, PB_BGID + 1, &head));
}

/* An unregistered buffer ring hands out nothing; its bgid can be reused. */
TEST_F(pbuf, unregister_then_enobufs)
{
	struct io_uring_cqe cqe;
	__u16 bid;
	int ret;

	ret = pb_register(self);
	if (ret == -EINVAL)
		SKIP(return, "IORING_REGISTER_PBUF_RING not supported");
	ASSERT_EQ(0, ret);
	for (bid = 0; bid < PB_ENTRIES; bid++)
		pb_add(self, bid);

	ASSERT_EQ(0, uring_unregister_pbuf_ring(&self->r, PB_BGID));
	ret = uring_unregister_pbuf_ring(&self->r, PB_BGID);
	EXPECT_TRUE(ret == -ENOENT || ret == -EINVAL) TH_LOG("got %d", ret);

	/* the group is gone with its buffers */
	ASSERT_EQ(0, recv_select(&self->r, self->sp[0], self->sp[1], "gone",
				 4, PB_BGID, PB_SIZE, false, &cqe));
	EXPECT_EQ(-ENOBUFS, cqe.res);
	EXPECT_EQ(0, cqe.flags & IORING_CQE_F_BUFFER);

	/* the group id can be registered again, and serves the data */
	ASSERT_EQ(0, pb_register(self));
	pb_add(self, 2);
	ASSERT_EQ(0, recv_select(&self->r, self->sp[0], self->sp[1], NULL, 0,
				 PB_BGID, PB_SIZE, false, &cqe));
	ASSERT_EQ(4, cqe.res);
	EXPECT_EQ(2, cqe_bid(&cqe));
	EXPECT_EQ(0, memcmp(self->bufs + 2 * PB_SIZE, "gone", 4));
}

/* PBUF_RING refuses a taken group and bad sizes (0, not 2^n, over 32768). */
TEST_F(pbuf, register_errors)
{
	size_t big = 65536 * sizeof(struct io_uring_buf);
	void *mem;
	int ret;

	ret = pb_register(self);
	if (ret == -EINVAL)
		SKIP(return, "IORING_REGISTER_PBUF_RING not supported");
	ASSERT_EQ(0, ret);

	/* the group is taken */
	EXPECT_EQ(-EEXIST, uring_register_pbuf_ring(&self->r, self->ring,
						    PB_ENTRIES, PB_BGID));
	/* sizes must be a power of two, at most 32768 */
	EXPECT_EQ(-EINVAL, uring_register_pbuf_ring(&self->r, self->ring, 3,
						    PB_BGID + 1));
	EXPECT_EQ(-EINVAL, uring_register_pbuf_ring(&self->r, self->ring, 0,
						    PB_BGID + 1));
	mem = mmap(NULL, big, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);
	EXPECT_EQ(-EINVAL, uring_register_pbuf_ring(&self->r, mem, 65536,
						    PB_BGID + 1));
	munmap(mem, big);
}

/* A minimum left in a buffer (min_left) is for IOU_PBUF_RING_INC only. */
TEST_F(pbuf, min_left_needs_inc)
{
	struct io_uring_buf_reg reg;

	memset(&reg, 0, sizeof(reg));
	reg.ring_addr = (__u64)(unsigned long)self->ring;
	reg.ring_entries = PB_ENTRIES;
	reg.bgid = PB_BGID;
	reg.min_left = 32;
	EXPECT_EQ(-EINVAL, sys_io_uring_register(self->r.fd, IORING_REGISTER_PBUF_RING,
						 &reg, 1));
	reg.flags = IOU_PBUF_RING_INC;
	EXPECT_EQ(0, sys_io_uring_register(self->r.fd, IORING_REGISTER_PBUF_RING,
					   &reg, 1));
}

/* --- READ_MULTISHOT through its yields, until its buffers run out --- */

#define RM_BGID		5
#define RM_NR		64	/* buffers, and messages: four yields' worth */
#define RM_LEN		16	/* one message fills one buffer */

FIXTURE(read_mshot) {
	struct uring r;
	int pipe[2];
	struct io_uring_buf_ring *ring;
	char *bufs;
};

/* Messages written before the read is armed, or by a thread 1 ms apart. */
FIXTURE_VARIANT(read_mshot) {
	bool async;
	bool writer;
};

FIXTURE_VARIANT_ADD(read_mshot, prefilled) {};
FIXTURE_VARIANT_ADD(read_mshot, prefilled_async) { .async = true };
FIXTURE_VARIANT_ADD(read_mshot, writer) { .writer = true };
FIXTURE_VARIANT_ADD(read_mshot, writer_async) { .async = true, .writer = true };

FIXTURE_SETUP(read_mshot)
{
	struct io_uring_params p = {
		.flags = IORING_SETUP_CQSIZE, .cq_entries = 2 * RM_NR,
	};
	int i;

	ASSERT_EQ(0, uring_init_params(&self->r, 4, &p));
	if (!uring_op_supported(&self->r, IORING_OP_READ_MULTISHOT))
		SKIP(return, "IORING_OP_READ_MULTISHOT not supported");
	ASSERT_EQ(0, pipe(self->pipe));
	self->ring = mmap(NULL, uring_page_size(), PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->ring);
	self->bufs = malloc(RM_NR * RM_LEN);
	ASSERT_NE(NULL, self->bufs);
	memset(self->ring, 0, uring_page_size());
	ASSERT_EQ(0, uring_register_pbuf_ring(&self->r, self->ring, RM_NR,
					      RM_BGID));
	for (i = 0; i < RM_NR; i++)
		uring_buf_ring_add(self->ring, RM_NR - 1, i,
				   self->bufs + i * RM_LEN, RM_LEN, i);
	uring_buf_ring_publish(self->ring, RM_NR);
}

FIXTURE_TEARDOWN(read_mshot)
{
	uring_exit(&self->r);
	close(self->pipe[0]);
	close(self->pipe[1]);
	munmap(self->ring, uring_page_size());
	free(self->bufs);
}

static void *rm_writer(void *arg)
{
	int fd = *(int *)arg;
	char msg[RM_LEN];
	int i;

	for (i = 0; i <= RM_NR; i++) {
		usleep(1000);
		memset(msg, 'a' + i % 26, sizeof(msg));
		if (write(fd, msg, sizeof(msg)) != sizeof(msg))
			break;
	}
	return NULL;
}

/*
 * One message per buffer with F_MORE, then -ENOBUFS once the group is
 * empty, also when results come in batches that make the request yield.
 */
TEST_F_TIMEOUT(read_mshot, yields_until_enobufs, 60)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	char msg[RM_LEN];
	pthread_t thread;
	int i;

	if (!variant->writer) {
		for (i = 0; i <= RM_NR; i++) {
			memset(msg, 'a' + i % 26, sizeof(msg));
			ASSERT_EQ(RM_LEN, write(self->pipe[1], msg, RM_LEN));
		}
	}
	sqe = uring_get_sqe(&self->r);
	uring_prep_rw(sqe, IORING_OP_READ_MULTISHOT, self->pipe[0], NULL, 0, 0,
		      0x4ead);
	sqe->flags = IOSQE_BUFFER_SELECT | (variant->async ? IOSQE_ASYNC : 0);
	sqe->buf_group = RM_BGID;
	ASSERT_EQ(1, uring_submit(&self->r));
	if (variant->writer)
		ASSERT_EQ(0, pthread_create(&thread, NULL, rm_writer,
					    &self->pipe[1]));
	for (i = 0; i < RM_NR; i++) {
		ASSERT_EQ(0, uring_get_cqe_ms(&self->r, &cqe, 20000))
			TH_LOG("CQE %d of %d never came", i, RM_NR);
		ASSERT_EQ(RM_LEN, cqe.res) TH_LOG("CQE %d", i);
		ASSERT_TRUE(cqe.flags & IORING_CQE_F_MORE);
		ASSERT_TRUE(cqe.flags & IORING_CQE_F_BUFFER);
	}
	ASSERT_EQ(0, uring_get_cqe_ms(&self->r, &cqe, 20000))
		TH_LOG("the final -ENOBUFS never came");
	EXPECT_EQ(-ENOBUFS, cqe.res);
	EXPECT_FALSE(cqe.flags & IORING_CQE_F_MORE);
	if (variant->writer)
		pthread_join(thread, NULL);
}

/*
 * A SEND to an address (sqe->addr2) on an unconnected UDP socket reaches
 * a RECV that waited for it; without an address, or with a short one, the
 * SEND fails as sendto(2) does.
 */
TEST(udp_send_to_address)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(sa);
	struct io_uring_cqe cqe;
	struct io_uring_sqe *sqe;
	char buf[16] = "";
	struct uring r;
	int rx, tx, i;

	ASSERT_EQ(0, uring_init(&r, 8, 0));
	rx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	tx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, rx);
	ASSERT_LE(0, tx);
	ASSERT_EQ(0, bind(rx, (struct sockaddr *)&sa, sizeof(sa)));
	ASSERT_EQ(0, getsockname(rx, (struct sockaddr *)&sa, &sl));

	uring_prep_recv(uring_get_sqe(&r), rx, buf, sizeof(buf), 0, 1);
	ASSERT_EQ(1, uring_submit(&r));
	ASSERT_EQ(-ETIME, uring_get_cqe_ms(&r, &cqe, 50));
	sqe = uring_get_sqe(&r);
	uring_prep_send(sqe, tx, "hello", 5, 0, 2);
	sqe->addr2 = (__u64)(uintptr_t)&sa;
	sqe->addr_len = sizeof(sa);
	ASSERT_EQ(1, uring_submit(&r));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, uring_get_cqe_ms(&r, &cqe, WAIT_MS));
		EXPECT_EQ(5, cqe.res) TH_LOG("user_data %llu", cqe.user_data);
	}
	EXPECT_EQ(0, memcmp(buf, "hello", 5));

	/* no address: an unconnected socket has nowhere to send */
	uring_prep_send(uring_get_sqe(&r), tx, "x", 1, 0, 3);
	ASSERT_EQ(1, uring_submit(&r));
	ASSERT_EQ(0, uring_get_cqe_ms(&r, &cqe, WAIT_MS));
	EXPECT_EQ(-EDESTADDRREQ, cqe.res);
	/* an address shorter than an IPv4 one */
	sqe = uring_get_sqe(&r);
	uring_prep_send(sqe, tx, "x", 1, 0, 4);
	sqe->addr2 = (__u64)(uintptr_t)&sa;
	sqe->addr_len = 4;
	ASSERT_EQ(1, uring_submit(&r));
	ASSERT_EQ(0, uring_get_cqe_ms(&r, &cqe, WAIT_MS));
	EXPECT_EQ(-EINVAL, cqe.res);
	close(rx);
	close(tx);
	uring_exit(&r);
}

TEST_HARNESS_MAIN
