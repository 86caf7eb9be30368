/* server.c - the poll() loop behind sockscope serve: accept up to a cap,
 * per-connection bounded buffers with backpressure, idle and io timeouts,
 * datagram replies to the sender. */
#include "config.h"

#include "serve/server.h"

#include "util/xalloc.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* A stream is read only with this much room, so a "ping" is not split by
 * a nearly full buffer. */
#define SERVER_READ_MIN 4096
/* Datagrams handled per wake-up, so connections get their turn. */
#define SERVER_DGRAM_BURST 64
/* After EMFILE and the like, try accept() again this much later. */
#define SERVER_ACCEPT_RETRY_NS (100ull * 1000000)

struct server_conn {
	int fd;
	uint64_t inode;
	struct sockaddr_storage local, peer;
	socklen_t local_len, peer_len;
	char *buf; /* replies not yet sent: SERVER_BUF_SIZE bytes */
	size_t used;
	bool eof;          /* the peer will send no more */
	uint64_t last_rx;  /* when data last came (or the accept) */
	uint64_t io_since; /* when pending output last moved */
};

struct server {
	struct endpoint ep;
	struct server_opts o;
	int fd;
	uint64_t inode;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	struct unixbind ub;
	struct server_conn *conns;
	size_t nconn, conn_cap;
	struct pollfd *pfds;
	size_t pfd_cap;
	char *dgram;            /* one datagram, SERVER_BUF_SIZE bytes */
	uint64_t accept_retry;  /* no accept() before this time */
	server_event_fn fn;
	void *ud;
	bool stopped;           /* fn asked to stop */
};

enum server_msg {
	SERVER_MSG_OTHER,
	SERVER_MSG_PING,
	SERVER_MSG_QUIT,
};

void server_opts_init(struct server_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->max_conn = 64;
	o->backlog = 128;
	o->idle_timeout_ns = 60ull * 1000000000;
	o->io_timeout_ns = 10ull * 1000000000;
}

const char *server_why_text(enum server_close_why why)
{
	switch (why) {
	case SERVER_BY_PEER:
		return "by peer";
	case SERVER_BY_SERVER:
		return "by server";
	case SERVER_IDLE_TIMEOUT:
		return "idle timeout";
	case SERVER_IO_TIMEOUT:
		return "io timeout";
	}
	return "?";
}

static uint64_t server_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* "ping" or "quit", alone or followed by "\n" or "\r\n". */
static enum server_msg server_classify(const char *p, size_t n)
{
	if (n >= 2 && p[n - 2] == '\r' && p[n - 1] == '\n')
		n -= 2;
	else if (n >= 1 && p[n - 1] == '\n')
		n -= 1;
	if (n != 4)
		return SERVER_MSG_OTHER;
	if (memcmp(p, "ping", 4) == 0)
		return SERVER_MSG_PING;
	if (memcmp(p, "quit", 4) == 0)
		return SERVER_MSG_QUIT;
	return SERVER_MSG_OTHER;
}

static uint64_t server_fd_inode(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 ? (uint64_t)st.st_ino : 0;
}

static int server_emit(struct server *s, const struct server_event *ev)
{
	if (s->stopped || s->fn == NULL)
		return 0;
	if (s->fn(s->ud, ev) != 0)
		s->stopped = true;
	return 0;
}

/* Close connection i (the last one takes its place). */
static void server_drop(struct server *s, size_t i, enum server_close_why why)
{
	struct server_conn *c = &s->conns[i];
	struct server_event ev = {
		.type = SERVER_EV_CLOSED,
		.why = why,
		.local = (const struct sockaddr *)&c->local,
		.local_len = c->local_len,
		.peer = (const struct sockaddr *)&c->peer,
		.peer_len = c->peer_len,
		.inode = c->inode,
	};

	close(c->fd);
	server_emit(s, &ev);
	free(c->buf);
	s->conns[i] = s->conns[s->nconn - 1];
	s->nconn--;
}

int server_open(struct server **out, const struct endpoint *ep,
		const struct server_opts *o, struct sc_warnings *notes,
		struct sc_err *err)
{
	int family = ep->kind == EP_UNIX ? AF_UNIX : ep->addr.ss_family;
	struct server *s;
	struct stat st;
	int one = 1;

	*out = NULL;
	if (ep->kind != EP_UNIX && !o->allow_remote &&
	    !ep_is_loopback((const struct sockaddr *)&ep->addr, ep->addrlen)) {
		char t[EP_TEXT_MAX];

		ep_addr_text((const struct sockaddr *)&ep->addr, ep->addrlen, 0,
			     t);
		return sc_err_set(err, EPERM,
				  "refusing to listen on %s: not a loopback "
				  "address (use --allow-remote to serve other "
				  "machines)",
				  t);
	}
	s = xcalloc(1, sizeof(*s));
	s->ep = *ep;
	s->o = *o;
	s->fd = socket(family, ep->type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		sc_err_set(err, errno, "cannot create a %s socket: %s",
			   ep_kind_name(ep->kind), strerror(errno));
		free(s);
		return -1;
	}
	if (ep->kind == EP_UNIX) {
		if (ub_bind(s->fd, ep, &o->unix_opts, &s->ub, notes, err) < 0)
			goto fail;
	} else {
		if (ep->kind == EP_TCP)
			/* A restart must not wait for old TIME-WAIT sockets. */
			setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one,
				   sizeof(one));
		if (bind(s->fd, (const struct sockaddr *)&ep->addr,
			 ep->addrlen) < 0) {
			char t[EP_TEXT_MAX];
			int e = errno;

			ep_addr_text((const struct sockaddr *)&ep->addr,
				     ep->addrlen, 0, t);
			sc_err_set(err, e, "cannot bind %s: %s", t,
				   strerror(e));
			goto fail;
		}
	}
	if (ep->type != SOCK_DGRAM && listen(s->fd, o->backlog) < 0) {
		sc_err_set(err, errno, "cannot listen: %s", strerror(errno));
		goto fail;
	}
	s->addrlen = sizeof(s->addr);
	if (getsockname(s->fd, (struct sockaddr *)&s->addr, &s->addrlen) < 0 ||
	    fstat(s->fd, &st) < 0) {
		sc_err_set(err, errno, "cannot read the bound address: %s",
			   strerror(errno));
		goto fail;
	}
	s->inode = (uint64_t)st.st_ino;
	if (ep->type == SOCK_DGRAM)
		s->dgram = xmalloc(SERVER_BUF_SIZE);
	*out = s;
	return 0;
fail:
	close(s->fd);
	ub_release(&s->ub, NULL);
	free(s);
	return -1;
}

const struct sockaddr *server_address(const struct server *s, socklen_t *len)
{
	*len = s->addrlen;
	return (const struct sockaddr *)&s->addr;
}

uint64_t server_inode(const struct server *s)
{
	return s->inode;
}

static int server_accept(struct server *s, uint64_t now, struct sc_err *err)
{
	while (s->nconn < s->o.max_conn && !s->stopped) {
		struct server_conn c = { 0 };
		struct server_event ev = { .type = SERVER_EV_ACCEPTED };

		c.peer_len = sizeof(c.peer);
		c.fd = accept4(s->fd, (struct sockaddr *)&c.peer, &c.peer_len,
			       SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (c.fd < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			if (errno == EINTR || errno == ECONNABORTED ||
			    errno == EPROTO)
				continue;
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM) {
				/* The connection waits in the queue. */
				s->accept_retry = now + SERVER_ACCEPT_RETRY_NS;
				return 0;
			}
			return sc_err_set(err, errno, "cannot accept: %s",
					  strerror(errno));
		}
		c.local_len = sizeof(c.local);
		if (getsockname(c.fd, (struct sockaddr *)&c.local,
				&c.local_len) < 0)
			c.local_len = 0;
		c.inode = server_fd_inode(c.fd);
		c.buf = xmalloc(SERVER_BUF_SIZE);
		c.last_rx = now;
		c.io_since = now;
		if (s->nconn == s->conn_cap) {
			s->conn_cap = s->conn_cap ? s->conn_cap * 2 : 16;
			s->conns = xreallocarray(s->conns, s->conn_cap,
						 sizeof(*s->conns));
		}
		s->conns[s->nconn++] = c;
		ev.local = (const struct sockaddr *)&s->conns[s->nconn - 1].local;
		ev.local_len = c.local_len;
		ev.peer = (const struct sockaddr *)&s->conns[s->nconn - 1].peer;
		ev.peer_len = c.peer_len;
		ev.inode = c.inode;
		server_emit(s, &ev);
	}
	return 0;
}

/* Answer what came on the datagram socket, to each sender's address. */
static void server_datagrams(struct server *s)
{
	for (int k = 0; k < SERVER_DGRAM_BURST; k++) {
		struct sockaddr_storage peer;
		socklen_t plen = sizeof(peer);
		ssize_t n;

		n = recvfrom(s->fd, s->dgram, SERVER_BUF_SIZE, MSG_DONTWAIT,
			     (struct sockaddr *)&peer, &plen);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		/* An unbound Unix sender cannot be answered. */
		if (plen <= sizeof(sa_family_t))
			continue;
		switch (server_classify(s->dgram, (size_t)n)) {
		case SERVER_MSG_QUIT:
			/* no connection to close */
			continue;
		case SERVER_MSG_PING:
			memcpy(s->dgram, "pong", 4);
			break;
		case SERVER_MSG_OTHER:
			break;
		}
		/* A sender that does not read loses the reply, as datagrams
		 * may be lost anyway. */
		sendto(s->fd, s->dgram, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL,
		       (struct sockaddr *)&peer, plen);
	}
}

static bool server_may_read(const struct server *s,
			    const struct server_conn *c)
{
	if (c->eof)
		return false;
	if (s->ep.type == SOCK_SEQPACKET)
		/* a message is read whole: only into an empty buffer */
		return c->used == 0;
	return SERVER_BUF_SIZE - c->used >= SERVER_READ_MIN;
}

/* Send what is pending. Returns -1 when the peer is gone. */
static int server_flush(struct server_conn *c, uint64_t now)
{
	while (c->used > 0) {
		ssize_t n = send(c->fd, c->buf, c->used,
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -1;
		}
		memmove(c->buf, c->buf + n, c->used - (size_t)n);
		c->used -= (size_t)n;
		c->io_since = now;
	}
	return 0;
}

/* Read, answer and send on one connection. Returns the reason to close
 * it, or -1 to keep it. */
static int server_conn_io(struct server *s, struct server_conn *c,
			  short revents, uint64_t now)
{
	if ((revents & (POLLIN | POLLHUP | POLLERR)) && server_may_read(s, c)) {
		size_t room = SERVER_BUF_SIZE - c->used;
		ssize_t n = recv(c->fd, c->buf + c->used, room, MSG_DONTWAIT);

		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR)
			return SERVER_BY_PEER;
		if (n == 0)
			c->eof = true;
		if (n > 0) {
			char *p = c->buf + c->used;

			c->last_rx = now;
			switch (server_classify(p, (size_t)n)) {
			case SERVER_MSG_QUIT:
				/* Whatever is still pending goes first. */
				server_flush(c, now);
				return SERVER_BY_SERVER;
			case SERVER_MSG_PING:
				memcpy(p, "pong", 4);
				break;
			case SERVER_MSG_OTHER:
				break;
			}
			if (c->used == 0)
				c->io_since = now;
			c->used += (size_t)n;
		}
	} else if (revents & POLLERR) {
		return SERVER_BY_PEER;
	}
	if (server_flush(c, now) < 0)
		return SERVER_BY_PEER;
	if (c->eof && c->used == 0)
		return SERVER_BY_PEER;
	if (!server_may_read(s, c) && (revents & POLLHUP))
		return SERVER_BY_PEER;
	return -1;
}

/* The connection's next deadline, or 0 for none. */
static uint64_t server_deadline(const struct server *s,
				const struct server_conn *c)
{
	if (c->used > 0)
		return s->o.io_timeout_ns ? c->io_since + s->o.io_timeout_ns
					  : 0;
	if (c->eof || s->o.idle_timeout_ns == 0)
		return 0;
	return c->last_rx + s->o.idle_timeout_ns;
}

static void server_close_all(struct server *s)
{
	while (s->nconn > 0)
		server_drop(s, s->nconn - 1, SERVER_BY_SERVER);
}

int server_run(struct server *s, int stop_fd, server_event_fn fn, void *ud,
	       struct sc_err *err)
{
	s->fn = fn;
	s->ud = ud;
	s->stopped = false;
	while (!s->stopped) {
		uint64_t now = server_now(), next = 0;
		bool listen_fd;
		size_t np = 0;
		int timeout = -1, r;

		for (size_t i = s->nconn; i-- > 0 && !s->stopped;) {
			uint64_t d = server_deadline(s, &s->conns[i]);

			if (d != 0 && d <= now)
				server_drop(s, i,
					    s->conns[i].used > 0
						    ? SERVER_IO_TIMEOUT
						    : SERVER_IDLE_TIMEOUT);
			else if (d != 0 && (next == 0 || d < next))
				next = d;
		}
		if (s->stopped)
			break;
		if (s->accept_retry > now && (next == 0 || s->accept_retry < next))
			next = s->accept_retry;
		if (next != 0)
			/* rounded up, so the deadline has passed on waking */
			timeout = (int)((next - now + 999999) / 1000000);
		if (s->pfd_cap < s->nconn + 2) {
			s->pfd_cap = s->nconn + 2;
			s->pfds = xreallocarray(s->pfds, s->pfd_cap,
						sizeof(*s->pfds));
		}
		s->pfds[np++] = (struct pollfd){ .fd = stop_fd, .events = POLLIN };
		listen_fd = !s->o.no_accept &&
			    (s->ep.type == SOCK_DGRAM ||
			     (s->nconn < s->o.max_conn && s->accept_retry <= now));
		/* At the cap the kernel's queue holds the rest. */
		s->pfds[np++] = (struct pollfd){
			.fd = listen_fd ? s->fd : -1,
			.events = POLLIN,
		};
		for (size_t i = 0; i < s->nconn; i++) {
			struct server_conn *c = &s->conns[i];
			short ev = 0;

			if (server_may_read(s, c))
				ev |= POLLIN;
			if (c->used > 0)
				ev |= POLLOUT;
			s->pfds[np++] = (struct pollfd){ .fd = c->fd, .events = ev };
		}
		r = poll(s->pfds, np, timeout);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			server_close_all(s);
			return sc_err_set(err, errno, "poll: %s",
					  strerror(errno));
		}
		if (s->pfds[0].revents != 0) {
			server_close_all(s);
			return s->stopped ? 1 : 0;
		}
		now = server_now();
		/* Backwards: a closed connection's place is taken by the last
		 * one, which has been handled already. */
		for (size_t i = s->nconn; i-- > 0 && !s->stopped;) {
			short rev = s->pfds[2 + i].revents;
			int why;

			if (rev == 0)
				continue;
			why = server_conn_io(s, &s->conns[i], rev, now);
			if (why >= 0)
				server_drop(s, i, (enum server_close_why)why);
		}
		if (s->stopped || s->pfds[1].revents == 0)
			continue;
		if (s->ep.type == SOCK_DGRAM) {
			server_datagrams(s);
		} else if (server_accept(s, now, err) < 0) {
			server_close_all(s);
			return -1;
		}
	}
	s->fn = NULL;
	server_close_all(s);
	return 1;
}

void server_free(struct server *s, struct sc_warnings *notes)
{
	if (s == NULL)
		return;
	s->fn = NULL;
	server_close_all(s);
	close(s->fd);
	ub_release(&s->ub, notes);
	free(s->conns);
	free(s->pfds);
	free(s->dgram);
	free(s);
}
