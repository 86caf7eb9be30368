/* client.c - sockscope connect's work: open the connections, ping them in
 * rounds with poll(), time the replies and close with the chosen side
 * first. */
#include "config.h"

#include "serve/client.h"

#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* The longest reply kept (the rest of a long echo is dropped). */
#define CLIENT_REPLY_MAX 512

static const char client_ping[] = "ping\n";
static const char client_quit[] = "quit\n";

struct client_conn {
	int fd; /* -1 once closed */
	uint64_t inode;
	struct sockaddr_storage local;
	socklen_t local_len;
	bool waiting; /* a ping is out */
	uint64_t sent_at;
	char rbuf[CLIENT_REPLY_MAX];
	size_t rlen;
};

struct client {
	const struct endpoint *ep;
	const struct client_opts *o;
	int stop_fd;
	client_event_fn fn;
	void *ud;
	struct client_stats *st;
	struct client_conn *conns;
	unsigned n;          /* conns made */
	unsigned open;       /* of them still open */
	struct pollfd *pfds; /* stop_fd, then one per connection */
	bool stopped;        /* fn asked to stop */
	bool interrupted;    /* stop_fd became readable */
	bool failed;         /* a connect() failed: close, no "quit" */
	char peer[EP_TEXT_MAX];
	char timeout_text[32];
};

void client_opts_init(struct client_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->connections = 1;
	o->interval_ns = 1000000000;
	o->count = 1;
	o->closer = CLIENT_CLOSER_CLIENT;
	o->timeout_ns = 5ull * 1000000000;
}

static uint64_t client_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A duration in its largest exact unit: "5s", "250ms", "1500us". */
static void client_fmt_dur(char *out, size_t n, uint64_t ns)
{
	static const struct {
		const char *unit;
		uint64_t mult;
	} units[] = {
		{ "h", 3600ull * 1000000000 }, { "m", 60ull * 1000000000 },
		{ "s", 1000000000 }, { "ms", 1000000 }, { "us", 1000 },
	};

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (ns != 0 && ns % units[i].mult == 0) {
			snprintf(out, n, "%" PRIu64 "%s", ns / units[i].mult,
				 units[i].unit);
			return;
		}
	}
	snprintf(out, n, "%" PRIu64 "ns", ns);
}

/* Milliseconds for poll() until deadline (rounded up), 0 when past. */
static int client_poll_ms(uint64_t deadline, uint64_t now)
{
	uint64_t ms;

	if (deadline <= now)
		return 0;
	ms = (deadline - now + 999999) / 1000000;
	return ms > INT32_MAX ? INT32_MAX : (int)ms;
}

static void client_emit(struct client *cl, struct client_event *ev,
			const struct client_conn *c)
{
	if (cl->stopped)
		return;
	if (c != NULL) {
		ev->local = (const struct sockaddr *)&c->local;
		ev->local_len = c->local_len;
		ev->inode = c->inode;
	}
	ev->peer = (const struct sockaddr *)&cl->ep->addr;
	ev->peer_len = cl->ep->addrlen;
	if (cl->fn(cl->ud, ev) != 0)
		cl->stopped = true;
}

static void client_problem(struct client *cl, const struct client_conn *c,
			   const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void client_problem(struct client *cl, const struct client_conn *c,
			   const char *fmt, ...)
{
	struct client_event ev = { .type = CLIENT_EV_PROBLEM };
	char msg[SC_ERR_MSG_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cl->st->problems++;
	ev.text = msg;
	ev.text_len = n < 0 ? 0 : strnlen(msg, sizeof(msg));
	client_emit(cl, &ev, c);
}

static void client_close(struct client *cl, struct client_conn *c,
			 bool server_first)
{
	struct client_event ev = {
		.type = CLIENT_EV_CLOSED,
		.server_first = server_first,
	};

	close(c->fd);
	c->fd = -1;
	c->waiting = false;
	cl->open--;
	client_emit(cl, &ev, c);
}

static void client_reply(struct client *cl, struct client_conn *c,
			 const char *p, size_t n, uint64_t now)
{
	struct client_event ev = { .type = CLIENT_EV_REPLY };
	uint64_t rtt = now - c->sent_at;

	if (n >= 2 && p[n - 2] == '\r' && p[n - 1] == '\n')
		n -= 2;
	else if (n >= 1 && p[n - 1] == '\n')
		n -= 1;
	c->waiting = false;
	cl->st->replies++;
	cl->st->rtt_sum_ns += rtt;
	if (cl->st->replies == 1 || rtt < cl->st->rtt_min_ns)
		cl->st->rtt_min_ns = rtt;
	if (rtt > cl->st->rtt_max_ns)
		cl->st->rtt_max_ns = rtt;
	ev.text = p;
	ev.text_len = n;
	ev.rtt_ns = rtt;
	client_emit(cl, &ev, c);
}

/* Connect one socket to the endpoint, within the timeout. Returns 0, 1
 * when stop_fd interrupted, -1 with err. */
static int client_connect_one(struct client *cl, struct client_conn *c,
			      struct sc_err *err)
{
	const struct endpoint *ep = cl->ep;
	int family = ep->kind == EP_UNIX ? AF_UNIX : ep->addr.ss_family;
	struct stat st;
	int fd, r, e = 0;

	fd = socket(family, ep->type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return sc_err_set(err, errno, "cannot create a socket: %s",
				  strerror(errno));
	if (ep->kind == EP_UNIX && ep->type == SOCK_DGRAM) {
		struct sockaddr_un auto_name = { .sun_family = AF_UNIX };

		/* An autobound name, so the server has somewhere to reply. */
		if (bind(fd, (struct sockaddr *)&auto_name,
			 sizeof(sa_family_t)) < 0) {
			e = errno;
			close(fd);
			return sc_err_set(err, e, "cannot bind a reply "
					  "address: %s", strerror(e));
		}
	}
	if (ep->kind == EP_UNIX) {
		/* A non-blocking Unix connect() gives EAGAIN on a full
		 * backlog and cannot be polled: block, bounded by the send
		 * timeout connect() honours. */
		struct timeval tv = {
			.tv_sec = (time_t)(cl->o->timeout_ns / 1000000000),
			.tv_usec = (suseconds_t)(cl->o->timeout_ns % 1000000000 /
						 1000),
		};

		if (tv.tv_sec == 0 && tv.tv_usec == 0)
			tv.tv_usec = 1;
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		r = connect(fd, (const struct sockaddr *)&ep->addr, ep->addrlen);
		e = r < 0 ? errno : 0;
		if (e == EAGAIN || e == EINPROGRESS)
			e = ETIMEDOUT;
		tv = (struct timeval){ 0 };
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	} else {
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		r = connect(fd, (const struct sockaddr *)&ep->addr, ep->addrlen);
		e = r < 0 ? errno : 0;
		if (e == EINPROGRESS) {
			uint64_t deadline = client_now() + cl->o->timeout_ns;
			struct pollfd p[2] = {
				{ .fd = fd, .events = POLLOUT },
				{ .fd = cl->stop_fd, .events = POLLIN },
			};

			for (;;) {
				r = poll(p, 2, client_poll_ms(deadline,
							      client_now()));
				if (r < 0 && errno == EINTR)
					continue;
				break;
			}
			if (r > 0 && p[1].revents != 0) {
				close(fd);
				cl->interrupted = true;
				return 1;
			}
			if (r == 0) {
				e = ETIMEDOUT;
			} else if (r < 0) {
				e = errno;
			} else {
				socklen_t len = sizeof(e);

				if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e,
					       &len) < 0)
					e = errno;
			}
		}
	}
	if (e != 0) {
		close(fd);
		if (e == ETIMEDOUT)
			return sc_err_set(err, e,
					  "cannot connect to %s: timed out "
					  "after %s",
					  cl->peer, cl->timeout_text);
		return sc_err_set(err, e, "cannot connect to %s: %s", cl->peer,
				  strerror(e));
	}
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->local_len = sizeof(c->local);
	if (getsockname(fd, (struct sockaddr *)&c->local, &c->local_len) < 0)
		c->local_len = 0;
	c->inode = fstat(fd, &st) == 0 ? (uint64_t)st.st_ino : 0;
	return 0;
}

/* Read what a connection has. While a ping is out it may complete the
 * reply; otherwise the data is dropped. Returns -1 when the connection
 * was closed by the server (it is then closed here too). */
static int client_read(struct client *cl, struct client_conn *c, uint64_t now,
		       bool closing)
{
	for (;;) {
		char scratch[CLIENT_REPLY_MAX];
		bool stream = cl->ep->type == SOCK_STREAM;
		bool dgram = cl->ep->type == SOCK_DGRAM;
		bool collect = c->waiting && !closing;
		char *p = collect ? c->rbuf + c->rlen : scratch;
		size_t room = collect ? sizeof(c->rbuf) - c->rlen
				      : sizeof(scratch);
		ssize_t n = recv(c->fd, p, room, MSG_DONTWAIT);
		int e = errno;

		if (n < 0 && e == EINTR)
			continue;
		if (n < 0 && (e == EAGAIN || e == EWOULDBLOCK))
			return 0;
		if (n < 0 && dgram) {
			/* e.g. ECONNREFUSED from an ICMP port unreachable */
			if (c->waiting) {
				c->waiting = false;
				client_problem(cl, c, "no reply from %s: %s",
					       cl->peer, strerror(e));
			}
			return 0;
		}
		/* A datagram may be empty; an empty read elsewhere is EOF. */
		if (n < 0 || (n == 0 && !dgram)) {
			if (closing && n == 0) {
				client_close(cl, c, true);
				return -1;
			}
			if (n == 0)
				client_problem(cl, c,
					       "%s closed the connection%s",
					       cl->peer,
					       c->waiting ? " before replying"
							  : "");
			else
				client_problem(cl, c, "connection to %s "
					       "failed: %s",
					       cl->peer, strerror(e));
			client_close(cl, c, true);
			return -1;
		}
		if (!collect)
			continue;
		if (!stream) {
			/* one message is one reply */
			client_reply(cl, c, c->rbuf, (size_t)n, now);
			c->rlen = 0;
			continue;
		}
		c->rlen += (size_t)n;
		{
			char *nl = memchr(c->rbuf, '\n', c->rlen);

			if (nl != NULL)
				client_reply(cl, c, c->rbuf,
					     (size_t)(nl - c->rbuf) + 1, now);
			else if (c->rlen == sizeof(c->rbuf))
				client_reply(cl, c, c->rbuf, c->rlen, now);
		}
	}
}

/* Build the poll set: stop_fd and the open connections (all of them, or
 * only those waiting for a reply). Returns the count. */
static nfds_t client_pollset(struct client *cl, bool waiting_only)
{
	nfds_t np = 0;

	cl->pfds[np++] = (struct pollfd){ .fd = cl->stop_fd, .events = POLLIN };
	for (unsigned i = 0; i < cl->n; i++) {
		struct client_conn *c = &cl->conns[i];
		bool want = c->fd >= 0 && (!waiting_only || c->waiting);

		cl->pfds[np++] = (struct pollfd){
			.fd = want ? c->fd : -1,
			.events = POLLIN,
		};
	}
	return np;
}

/* poll() the set until deadline; reads what comes. done() ends it early.
 * closing: an EOF is the expected end, not a problem. */
static void client_wait(struct client *cl, uint64_t deadline,
			bool waiting_only, bool closing)
{
	while (!cl->stopped && !cl->interrupted) {
		uint64_t now = client_now();
		bool any = false;
		nfds_t np;
		int r;

		for (unsigned i = 0; i < cl->n && !any; i++)
			any = cl->conns[i].fd >= 0 &&
			      (!waiting_only || cl->conns[i].waiting);
		if (waiting_only && !any)
			return;
		if (now >= deadline)
			return;
		np = client_pollset(cl, waiting_only);
		r = poll(cl->pfds, np, client_poll_ms(deadline, now));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (cl->pfds[0].revents != 0) {
			cl->interrupted = true;
			return;
		}
		now = client_now();
		for (unsigned i = 0; i < cl->n && !cl->stopped; i++) {
			struct client_conn *c = &cl->conns[i];

			if (c->fd >= 0 && cl->pfds[1 + i].revents != 0)
				client_read(cl, c, now, closing);
		}
	}
}

static void client_ping_round(struct client *cl)
{
	uint64_t now = client_now();

	for (unsigned i = 0; i < cl->n && !cl->stopped; i++) {
		struct client_conn *c = &cl->conns[i];
		ssize_t n;

		if (c->fd < 0)
			continue;
		/* A late reply of the last round is not this round's. */
		if (client_read(cl, c, now, false) < 0)
			continue;
		/* From before send(): on loopback the reply may be queued
		 * before send() returns. */
		c->sent_at = client_now();
		n = send(c->fd, client_ping, sizeof(client_ping) - 1,
			 MSG_DONTWAIT | MSG_NOSIGNAL);
		cl->st->pings++;
		if (n != (ssize_t)(sizeof(client_ping) - 1)) {
			client_problem(cl, c, "cannot send a ping to %s: %s",
				       cl->peer,
				       n < 0 ? strerror(errno)
					     : "short write");
			if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
				client_close(cl, c, true);
			continue;
		}
		c->waiting = true;
		c->rlen = 0;
	}
	client_wait(cl, client_now() + cl->o->timeout_ns, true, false);
	for (unsigned i = 0; i < cl->n && !cl->stopped; i++) {
		struct client_conn *c = &cl->conns[i];

		if (c->fd >= 0 && c->waiting) {
			c->waiting = false;
			if (!cl->interrupted)
				client_problem(cl, c,
					       "no reply from %s within %s",
					       cl->peer, cl->timeout_text);
		}
	}
}

/* Close every connection: the client first, or after "quit" and the
 * server's EOF. */
static void client_close_all(struct client *cl)
{
	bool by_server = cl->o->closer == CLIENT_CLOSER_SERVER &&
			 cl->ep->type != SOCK_DGRAM && !cl->interrupted &&
			 !cl->stopped && !cl->failed;

	if (by_server) {
		for (unsigned i = 0; i < cl->n; i++) {
			struct client_conn *c = &cl->conns[i];

			if (c->fd < 0)
				continue;
			if (send(c->fd, client_quit, sizeof(client_quit) - 1,
				 MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
				client_problem(cl, c,
					       "cannot send quit to %s: %s",
					       cl->peer, strerror(errno));
			/* every open connection now waits for the EOF */
			c->waiting = true;
		}
		client_wait(cl, client_now() + cl->o->timeout_ns, true, true);
		for (unsigned i = 0; i < cl->n && !cl->interrupted; i++)
			if (cl->conns[i].fd >= 0)
				client_problem(cl, &cl->conns[i],
					       "%s did not close the connection "
					       "within %s",
					       cl->peer, cl->timeout_text);
	}
	for (unsigned i = 0; i < cl->n; i++)
		if (cl->conns[i].fd >= 0)
			client_close(cl, &cl->conns[i], false);
}

/* Connect, ping in rounds, keep the connections for the duration. */
static int client_session(struct client *cl, struct sc_err *err)
{
	const struct client_opts *o = cl->o;
	uint64_t start, end, next;

	for (unsigned i = 0; i < o->connections; i++) {
		struct client_event ev = { .type = CLIENT_EV_CONNECTED };
		int r = client_connect_one(cl, &cl->conns[i], err);

		if (r < 0)
			return -1;
		if (r > 0)
			return 0;
		cl->n++;
		cl->open++;
		cl->st->connections++;
		client_emit(cl, &ev, &cl->conns[i]);
		if (cl->stopped)
			return 0;
	}
	start = client_now();
	end = o->duration_ns != 0 ? start + o->duration_ns : 0;
	next = start;
	for (uint64_t round = 0; round < o->count; round++) {
		if (round > 0) {
			next += o->interval_ns;
			if (end != 0 && next >= end)
				break;
			client_wait(cl, next, false, false);
		}
		if (cl->stopped || cl->interrupted || cl->open == 0)
			return 0;
		client_ping_round(cl);
	}
	if (end != 0)
		client_wait(cl, end, false, false);
	return 0;
}

int client_run(const struct endpoint *ep, const struct client_opts *o,
	       int stop_fd, client_event_fn fn, void *ud,
	       struct client_stats *st, struct sc_err *err)
{
	struct client cl = {
		.ep = ep,
		.o = o,
		.stop_fd = stop_fd,
		.fn = fn,
		.ud = ud,
		.st = st,
	};
	int r;

	memset(st, 0, sizeof(*st));
	ep_addr_text((const struct sockaddr *)&ep->addr, ep->addrlen, 0,
		     cl.peer);
	client_fmt_dur(cl.timeout_text, sizeof(cl.timeout_text),
		       o->timeout_ns);
	cl.conns = xcalloc(o->connections ? o->connections : 1,
			   sizeof(*cl.conns));
	cl.pfds = xcalloc((size_t)o->connections + 1, sizeof(*cl.pfds));
	r = client_session(&cl, err);
	cl.failed = r < 0;
	if (cl.stopped) {
		for (unsigned i = 0; i < cl.n; i++)
			if (cl.conns[i].fd >= 0)
				close(cl.conns[i].fd);
	} else {
		client_close_all(&cl);
	}
	free(cl.conns);
	free(cl.pfds);
	if (r < 0)
		return -1;
	return cl.stopped ? 1 : 0;
}
