/* demo.c - the lifecycle demo. Two child processes (demo-server and
 * demo-client) perform the socket calls one at a time on command; after
 * each call the demo asks the kernel (sock_diag, and /proc for owners)
 * what their sockets look like and prints that, so the timeline shows the
 * real inodes, states, queues and timers of this run. */
#include "config.h"

#include "serve/demo.h"

#include "collect/collect.h"
#include "collect/owners.h"
#include "output/addr.h"
#include "util/escape.h"
#include "util/sbuf.h"
#include "util/tmpdir.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DEMO_BACKLOG 8
#define DEMO_SNAP_MAX 32
#define DEMO_REPLY_MS 5000
#define DEMO_MSG_LEN 4

/* ---- the actors: child processes that make one socket call per command */

enum demo_op {
	DEMO_OP_LISTEN = 1,
	DEMO_OP_CONNECT,
	DEMO_OP_ACCEPT,
	DEMO_OP_SEND,   /* a: 0 "ping", 1 "pong" */
	DEMO_OP_RECV,   /* reply a: bytes read (0 at end of stream) */
	DEMO_OP_CLOSE,  /* the connection */
	DEMO_OP_UNLISTEN, /* the listener (and its socket file) */
};

struct demo_msg {
	uint32_t op;
	int32_t err; /* errno of the call, 0 if it worked */
	uint64_t a, b;
};

/* What both actors need to know, fixed before they are forked. */
struct demo_setup {
	enum demo_kind kind;
	int ipv6;
	uint16_t port;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

struct demo_actor {
	pid_t pid;
	int to;   /* commands, parent to child */
	int from; /* replies, child to parent */
};

static socklen_t demo_addr(const struct demo_setup *s, uint16_t port,
			   struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof *ss);
	if (s->kind == DEMO_UNIX) {
		struct sockaddr_un *un = (struct sockaddr_un *)ss;

		un->sun_family = AF_UNIX;
		memcpy(un->sun_path, s->path, strlen(s->path) + 1);
		return (socklen_t)sizeof *un;
	}
	if (s->ipv6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_addr = in6addr_loopback;
		in6->sin6_port = htons(port);
		return (socklen_t)sizeof *in6;
	}
	{
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		in->sin_family = AF_INET;
		in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		in->sin_port = htons(port);
		return (socklen_t)sizeof *in;
	}
}

static int demo_family(const struct demo_setup *s)
{
	if (s->kind == DEMO_UNIX)
		return AF_UNIX;
	return s->ipv6 ? AF_INET6 : AF_INET;
}

/* The port and inode of a socket, for the reply. */
static void demo_ids(int fd, struct demo_msg *r)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	struct stat st;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0) {
		if (ss.ss_family == AF_INET)
			r->a = ntohs(((struct sockaddr_in *)&ss)->sin_port);
		else if (ss.ss_family == AF_INET6)
			r->a = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	}
	if (fstat(fd, &st) == 0)
		r->b = (uint64_t)st.st_ino;
}

static void demo_do(const struct demo_setup *s, int *lfd, int *cfd,
		    const struct demo_msg *m, struct demo_msg *r)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char buf[DEMO_MSG_LEN];
	int one = 1;

	switch (m->op) {
	case DEMO_OP_LISTEN:
		*lfd = socket(demo_family(s), SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (*lfd < 0)
			break;
		/* a port given with --port may still have a TIME-WAIT
		 * socket from the previous run */
		if (s->kind == DEMO_TCP)
			setsockopt(*lfd, SOL_SOCKET, SO_REUSEADDR, &one,
				   sizeof one);
		len = demo_addr(s, s->port, &ss);
		if (bind(*lfd, (struct sockaddr *)&ss, len) < 0 ||
		    listen(*lfd, DEMO_BACKLOG) < 0)
			break;
		demo_ids(*lfd, r);
		return;
	case DEMO_OP_CONNECT:
		*cfd = socket(demo_family(s), SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (*cfd < 0)
			break;
		len = demo_addr(s, (uint16_t)m->a, &ss);
		if (connect(*cfd, (struct sockaddr *)&ss, len) < 0)
			break;
		demo_ids(*cfd, r);
		return;
	case DEMO_OP_ACCEPT:
		*cfd = accept4(*lfd, NULL, NULL, SOCK_CLOEXEC);
		if (*cfd < 0)
			break;
		demo_ids(*cfd, r);
		return;
	case DEMO_OP_SEND:
		if (send(*cfd, m->a ? "pong" : "ping", DEMO_MSG_LEN,
			 MSG_NOSIGNAL) != DEMO_MSG_LEN)
			break;
		return;
	case DEMO_OP_RECV: {
		size_t got = 0;

		while (got < DEMO_MSG_LEN) {
			ssize_t n = recv(*cfd, buf + got, DEMO_MSG_LEN - got, 0);

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				goto fail;
			if (n == 0)
				break;
			got += (size_t)n;
		}
		r->a = got;
		return;
	}
	case DEMO_OP_CLOSE:
		close(*cfd);
		*cfd = -1;
		return;
	case DEMO_OP_UNLISTEN:
		close(*lfd);
		*lfd = -1;
		if (s->kind == DEMO_UNIX && unlink(s->path) < 0)
			break;
		return;
	default:
		errno = EINVAL;
		break;
	}
fail:
	r->err = errno != 0 ? errno : EIO;
}

/* The child's life: one command in, one reply out, until the parent
 * closes the command pipe (or dies: PR_SET_PDEATHSIG). */
static void demo_actor_main(const struct demo_setup *s, const char *name,
			    pid_t parent, int in, int out)
{
	struct demo_msg m, r;
	int lfd = -1, cfd = -1;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	prctl(PR_SET_NAME, name);
	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		ssize_t n = read(in, &m, sizeof m);

		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof m)
			break;
		memset(&r, 0, sizeof r);
		r.op = m.op;
		errno = 0;
		demo_do(s, &lfd, &cfd, &m, &r);
		if (write(out, &r, sizeof r) != (ssize_t)sizeof r)
			break;
	}
	_exit(0);
}

static int demo_actor_start(struct demo_actor *a, const struct demo_setup *s,
			    const char *name, const struct demo_actor *other,
			    struct sc_err *err)
{
	int to[2], from[2];
	pid_t parent = getpid();

	if (pipe2(to, O_CLOEXEC) < 0)
		return sc_err_set(err, errno, "cannot create a pipe: %s",
				  strerror(errno));
	if (pipe2(from, O_CLOEXEC) < 0) {
		int e = errno;

		close(to[0]);
		close(to[1]);
		return sc_err_set(err, e, "cannot create a pipe: %s",
				  strerror(e));
	}
	a->pid = fork();
	if (a->pid < 0) {
		int e = errno;

		close(to[0]);
		close(to[1]);
		close(from[0]);
		close(from[1]);
		return sc_err_set(err, e, "cannot start the %s: %s", name,
				  strerror(e));
	}
	if (a->pid == 0) {
		close(to[1]);
		close(from[0]);
		/* the other actor's pipes belong to the parent alone */
		if (other != NULL && other->pid > 0) {
			close(other->to);
			close(other->from);
		}
		demo_actor_main(s, name, parent, to[0], from[1]);
	}
	close(to[0]);
	close(from[1]);
	a->to = to[1];
	a->from = from[0];
	return 0;
}

static void demo_actor_stop(struct demo_actor *a)
{
	if (a->pid <= 0)
		return;
	close(a->to);
	close(a->from);
	/* a closed command pipe ends the child; the kill is for one that
	 * is stuck in a call */
	kill(a->pid, SIGKILL);
	while (waitpid(a->pid, NULL, 0) < 0 && errno == EINTR)
		;
	a->pid = 0;
}

/* One command and its reply. */
static int demo_call(struct demo_actor *a, const char *who, uint32_t op,
		     uint64_t arg, struct demo_msg *r, struct sc_err *err)
{
	struct demo_msg m = { .op = op, .a = arg };
	struct pollfd p = { .fd = a->from, .events = POLLIN };
	int n;

	if (write(a->to, &m, sizeof m) != (ssize_t)sizeof m)
		return sc_err_set(err, errno, "the demo's %s is gone", who);
	do
		n = poll(&p, 1, DEMO_REPLY_MS);
	while (n < 0 && errno == EINTR);
	if (n <= 0 || read(a->from, r, sizeof *r) != (ssize_t)sizeof *r)
		return sc_err_set(err, ETIMEDOUT,
				  "the demo's %s did not answer", who);
	return 0;
}

/* ---- observing the kernel ------------------------------------------- */

struct demo_sock {
	uint8_t state, flags, timer, family;
	uint32_t rq, wq, expires_ms;
	uint64_t inode, cookie, peer_ino;
	uint16_t sport, dport;
	uint8_t src[16], dst[16];
	uint16_t name_len;
	char name[SOCK_UNIX_NAME_MAX];
};

struct demo {
	const struct demo_opts *o;
	struct demo_setup setup;
	struct obuf *out;
	struct demo_actor server, client;
	uint16_t port;        /* the listener's port (TCP) */
	uint16_t client_port; /* the client's port (TCP) */
	uint64_t client_ino;  /* the client's socket, as fstat() says */
	uint64_t conn_ino;    /* the accepted socket, once the kernel showed it */
	/* the last observation */
	struct demo_sock snap[DEMO_SNAP_MAX];
	size_t nsnap;
	struct owners *owners;
	int step;
	/* what the summary tells */
	uint64_t first_listener_ino, queued_cookie, accepted_ino;
	/* a narrated run (o->hooks): the step being told */
	struct sbuf text;
	char caption[160];
	struct demo_mark marks[DEMO_MARKS_MAX];
	size_t nmarks;
};

static int demo_match(const struct demo *d, const struct sock_rec *r)
{
	if (d->setup.kind == DEMO_TCP)
		return r->sport == d->port ||
		       (d->client_port != 0 && r->sport == d->client_port &&
			r->dport == d->port);
	if (d->client_ino != 0 &&
	    (r->inode == d->client_ino || r->peer_ino == d->client_ino))
		return 1;
	if (d->conn_ino != 0 && r->inode == d->conn_ino)
		return 1;
	return r->name_len > 0 && r->name[0] != '\0' &&
	       strnlen(r->name, r->name_len) == strlen(d->setup.path) &&
	       memcmp(r->name, d->setup.path, strlen(d->setup.path)) == 0;
}

static int demo_rec(void *ud, const struct sock_rec *r)
{
	struct demo *d = ud;
	struct demo_sock *s;

	if (!demo_match(d, r) || d->nsnap == DEMO_SNAP_MAX)
		return 0;
	s = &d->snap[d->nsnap++];
	memset(s, 0, sizeof *s);
	s->state = r->state;
	s->flags = r->flags;
	s->timer = r->timer;
	s->family = r->family;
	s->rq = r->rq;
	s->wq = r->wq;
	s->expires_ms = r->expires_ms;
	s->inode = r->inode;
	s->cookie = r->cookie;
	s->peer_ino = r->peer_ino;
	s->sport = r->sport;
	s->dport = r->dport;
	memcpy(s->src, r->src, sizeof s->src);
	memcpy(s->dst, r->dst, sizeof s->dst);
	if (r->name_len > 0 && r->name_len <= sizeof s->name) {
		/* a path name ends at its NUL, as the listing shows it */
		size_t n = r->name[0] == '\0' ? r->name_len :
						strnlen(r->name, r->name_len);

		memcpy(s->name, r->name, n);
		s->name_len = (uint16_t)n;
	}
	return 0;
}

static int demo_begin(void *ud, enum collect_dump dump)
{
	struct demo *d = ud;

	(void)dump;
	d->nsnap = 0;
	return 0;
}

static int demo_observe(struct demo *d, struct sc_err *err)
{
	struct collect_query q = { .states = SOCK_STATES_ALL };
	struct collect_opts co = { .proc_root = d->o->proc_root };
	struct collect_consumer c = {
		.ud = d, .begin = demo_begin, .discard = demo_begin,
		.rec = demo_rec,
	};
	struct collect_report rep = { 0 };

	if (d->setup.kind == DEMO_TCP) {
		q.netids = SOCK_NETID_BIT(SOCK_NETID_TCP);
		q.families = d->setup.ipv6 ? COLLECT_AF_INET6 : COLLECT_AF_INET;
	} else {
		q.netids = SOCK_NETID_BIT(SOCK_NETID_UNIX_STREAM);
	}
	d->nsnap = 0;
	return collect_run(&q, &co, &c, &rep, err);
}

static const struct demo_sock *demo_listener(const struct demo *d)
{
	for (size_t i = 0; i < d->nsnap; i++)
		if (d->snap[i].state == SOCK_ST_LISTEN)
			return &d->snap[i];
	return NULL;
}

static const struct demo_sock *demo_client(const struct demo *d)
{
	for (size_t i = 0; i < d->nsnap; i++) {
		const struct demo_sock *s = &d->snap[i];

		if (d->setup.kind == DEMO_TCP ?
			    (s->sport == d->client_port && s->dport == d->port) :
			    s->inode == d->client_ino)
			return s;
	}
	return NULL;
}

/* The server's end of the connection (queued, accepted or closing). */
static const struct demo_sock *demo_conn(const struct demo *d)
{
	for (size_t i = 0; i < d->nsnap; i++) {
		const struct demo_sock *s = &d->snap[i];

		if (s->state == SOCK_ST_LISTEN)
			continue;
		if (d->setup.kind == DEMO_TCP) {
			if (s->sport == d->port && s->dport == d->client_port)
				return s;
		} else if (d->conn_ino != 0 ? s->inode == d->conn_ino :
					      (s->inode != d->client_ino &&
					       s->name_len > 0)) {
			return s;
		}
	}
	return NULL;
}

static void demo_sleep_ns(uint64_t ns)
{
	struct timespec ts = { .tv_sec = (time_t)(ns / 1000000000u),
			       .tv_nsec = (long)(ns % 1000000000u) };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static uint64_t demo_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Wait ns; a narrated run keeps answering its user meanwhile. Returns 0,
 * or -1 with err set when the user quit. */
static int demo_wait(struct demo *d, uint64_t ns, int step_end,
		     struct sc_err *err)
{
	if (d->o->hooks == NULL) {
		demo_sleep_ns(ns);
		return 0;
	}
	if (d->o->hooks->wait(d->o->hooks->ud, ns, step_end) < 0)
		return sc_err_set(err, ECANCELED, "the demo was stopped");
	return 0;
}

/* Observe until ready() holds or the settle time is over (loopback
 * packets are processed in softirq context, a moment after the call
 * returns). Then read the owners. Returns 1 if ready, 0 if not, -1 on
 * error. */
static int demo_settle(struct demo *d, int (*ready)(const struct demo *d),
		       struct sc_err *err)
{
	uint64_t end = demo_now_ns() + d->o->settle_ns;
	int ok;

	for (;;) {
		if (demo_observe(d, err) < 0)
			return -1;
		ok = ready(d);
		if (ok || demo_now_ns() >= end)
			break;
		if (demo_wait(d, 5000000, 0, err) < 0)
			return -1;
	}
	owners_free(d->owners);
	d->owners = NULL;
	if (owners_scan(d->o->proc_root, 1, &d->owners, err) < 0)
		return -1;
	return ok;
}

/* ---- printing --------------------------------------------------------- */

static void demo_puts(struct demo *d, const char *s)
{
	if (d->o->hooks != NULL)
		sbuf_puts(&d->text, s);
	else
		obuf_puts(d->out, s);
}

static void demo_printf(struct demo *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void demo_printf(struct demo *d, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	if (d->o->hooks != NULL)
		sbuf_put(&d->text, line, strnlen(line, sizeof line));
	else
		obuf_put(d->out, line, strnlen(line, sizeof line));
}

static void demo_inet_text(const struct demo_sock *s, int local, char *out)
{
	addr_fmt_hostport(out, s->family, local ? s->src : s->dst,
			  local ? s->sport : s->dport);
}

static const char *demo_state_name(uint8_t st)
{
	return sock_state_name((enum sock_state)st);
}

static void demo_owner_text(const struct demo *d, uint64_t inode, char *out,
			    size_t size)
{
	const struct owner *w;
	size_t len = 0;

	out[0] = '\0';
	if (inode == 0) {
		snprintf(out, size, "no file: no process holds it");
		return;
	}
	w = d->owners != NULL ? owners_first(d->owners, inode) : NULL;
	if (w == NULL) {
		snprintf(out, size, "held by no process we can see");
		return;
	}
	for (; w != NULL && len < size; w = owners_next(d->owners, w)) {
		const char *comm = owners_comm(d->owners, w);
		char esc[ESC_MAX(64)];
		int n;

		esc_text(esc, comm, w->comm_len < 64 ? w->comm_len : 64,
			 d->o->esc_flags, NULL);
		n = snprintf(out + len, size - len, "%s%s (pid %u, fd %d)",
			     len == 0 ? "held by " : ", ", esc, w->pid, w->fd);
		if (n < 0)
			break;
		len += (size_t)n;
	}
}

static void demo_timer_text(const struct demo_sock *s, char *out, size_t size)
{
	static const char *const names[SOCK_TIMER_COUNT] = {
		[SOCK_TIMER_OFF] = "off",
		[SOCK_TIMER_ON] = "retransmit",
		[SOCK_TIMER_KEEPALIVE] = "keepalive",
		[SOCK_TIMER_TIMEWAIT] = "timewait",
		[SOCK_TIMER_PROBE] = "zero-window probe",
	};

	out[0] = '\0';
	if (!(s->flags & SOCK_F_HAS_TIMER) || s->timer == SOCK_TIMER_OFF ||
	    s->timer >= SOCK_TIMER_COUNT)
		return;
	snprintf(out, size, ", timer %s %u.%u s left", names[s->timer],
		 s->expires_ms / 1000, s->expires_ms % 1000 / 100);
}

/* One observed socket: its role, state, addresses, inode, queues, timer
 * and holders, as the kernel and /proc gave them. */
static void demo_show(struct demo *d, const char *role,
		      const struct demo_sock *s)
{
	char where[ESC_MAX(SOCK_UNIX_NAME_MAX) + 64], owner[256], timer[64];

	if (s == NULL) {
		demo_printf(d, "    %-9s gone: the kernel lists no such socket\n",
			    role);
		return;
	}
	if (d->nmarks < DEMO_MARKS_MAX) {
		d->marks[d->nmarks].inode = s->inode;
		d->marks[d->nmarks].cookie = s->inode == 0 ? s->cookie : 0;
		d->nmarks++;
	}
	if (d->setup.kind == DEMO_TCP) {
		char l[ADDR_HOSTPORT_MAX], p[ADDR_HOSTPORT_MAX];

		demo_inet_text(s, 1, l);
		demo_inet_text(s, 0, p);
		if (s->state == SOCK_ST_LISTEN)
			snprintf(where, sizeof where, "%s", l);
		else
			snprintf(where, sizeof where, "%s -> %s", l, p);
	} else {
		char esc[ESC_MAX(SOCK_UNIX_NAME_MAX)];

		if (s->name_len > 0)
			esc_text(esc, s->name, s->name_len, d->o->esc_flags,
				 NULL);
		else
			snprintf(esc, sizeof esc, "(unnamed)");
		if (s->state == SOCK_ST_LISTEN)
			snprintf(where, sizeof where, "%s", esc);
		else if (s->peer_ino != 0)
			snprintf(where, sizeof where, "%s, peer inode %llu",
				 esc, (unsigned long long)s->peer_ino);
		else
			snprintf(where, sizeof where, "%s, no peer", esc);
	}
	demo_printf(d, "    %-9s %-11s %s\n", role, demo_state_name(s->state),
		    where);
	demo_timer_text(s, timer, sizeof timer);
	demo_owner_text(d, s->inode, owner, sizeof owner);
	if (s->state == SOCK_ST_LISTEN)
		demo_printf(d, "              inode %llu, accept queue %u of "
			       "%u\n",
			    (unsigned long long)s->inode, s->rq, s->wq);
	else
		demo_printf(d, "              inode %llu, sk %llx, Recv-Q %u, "
			       "Send-Q %u%s\n",
			    (unsigned long long)s->inode,
			    (unsigned long long)s->cookie, s->rq, s->wq, timer);
	demo_printf(d, "              %s\n", owner);
}

static void demo_step(struct demo *d, const char *title, const char *text)
{
	d->step++;
	if (d->o->hooks != NULL)
		snprintf(d->caption, sizeof d->caption, "[%d] %s", d->step,
			 title);
	else
		demo_printf(d, "\n[%d] %s\n", d->step, title);
	demo_puts(d, text);
}

/* The expression that selects the demo's sockets in the narrated view:
 * the TCP port once it is known (TIME-WAIT sockets have no holder),
 * else the two processes. */
static void demo_filter(const struct demo *d, char *out, size_t size)
{
	if (d->setup.kind == DEMO_TCP && d->port != 0)
		snprintf(out, size, "sport = :%u or dport = :%u",
			 (unsigned)d->port, (unsigned)d->port);
	else
		snprintf(out, size, "pid = %ld or pid = %ld",
			 (long)d->server.pid, (long)d->client.pid);
}

/* Hand the step told so far to the narrated view. */
static void demo_narrate(struct demo *d)
{
	char filter[96];

	demo_filter(d, filter, sizeof filter);
	d->o->hooks->step(d->o->hooks->ud, d->caption,
			  d->text.p != NULL ? d->text.p : "", d->text.len,
			  d->marks, d->nmarks, filter);
}

static void demo_unsettled(struct demo *d, int ready)
{
	if (!ready)
		demo_printf(d, "    (the kernel had not reached the expected "
			       "state within %llu ms; shown as it was)\n",
			    (unsigned long long)(d->o->settle_ns / 1000000));
}

static int demo_end_step(struct demo *d, struct sc_err *err)
{
	int e;

	if (d->o->hooks != NULL) {
		demo_narrate(d);
		d->text.len = 0;
		d->nmarks = 0;
		return demo_wait(d, d->o->step_ns, 1, err);
	}
	e = obuf_flush(d->out);
	if (e != 0)
		return sc_err_set(err, e, "write error: %s", strerror(e));
	if (d->o->step_ns > 0)
		demo_sleep_ns(d->o->step_ns);
	return 0;
}

/* ---- the steps ---------------------------------------------------------- */

static int demo_r_listen(const struct demo *d)
{
	return demo_listener(d) != NULL;
}

static int demo_r_queued(const struct demo *d)
{
	const struct demo_sock *l = demo_listener(d);

	return l != NULL && l->rq == 1 && demo_client(d) != NULL;
}

static int demo_r_accepted(const struct demo *d)
{
	const struct demo_sock *c = demo_conn(d);
	const struct demo_sock *l = demo_listener(d);

	return c != NULL && c->inode != 0 && l != NULL && l->rq == 0;
}

static int demo_r_unread(const struct demo *d)
{
	const struct demo_sock *c = demo_conn(d);

	return c != NULL && c->rq == DEMO_MSG_LEN;
}

static int demo_r_read(const struct demo *d)
{
	const struct demo_sock *c = demo_conn(d);
	const struct demo_sock *k = demo_client(d);

	return c != NULL && c->rq == 0 && k != NULL && k->rq == 0;
}

/* After the first close: the closer in FIN-WAIT-2, the other side in
 * CLOSE-WAIT (TCP); the closer gone (Unix). */
static int demo_r_half(const struct demo *d)
{
	const struct demo_sock *first, *second;
	int client_first = d->o->closer == DEMO_CLIENT_FIRST;

	first = client_first ? demo_client(d) : demo_conn(d);
	second = client_first ? demo_conn(d) : demo_client(d);
	if (d->setup.kind == DEMO_UNIX)
		return first == NULL && second != NULL &&
		       second->peer_ino == 0;
	return first != NULL && first->state == SOCK_ST_FIN_WAIT2 &&
	       second != NULL && second->state == SOCK_ST_CLOSE_WAIT;
}

static int demo_r_closed(const struct demo *d)
{
	const struct demo_sock *first, *second;
	int client_first = d->o->closer == DEMO_CLIENT_FIRST;

	first = client_first ? demo_client(d) : demo_conn(d);
	second = client_first ? demo_conn(d) : demo_client(d);
	if (d->setup.kind == DEMO_UNIX)
		return first == NULL && second == NULL;
	return first != NULL && first->state == SOCK_ST_TIME_WAIT &&
	       second == NULL;
}

static int demo_r_unlistened(const struct demo *d)
{
	return demo_listener(d) == NULL;
}

static int demo_r_timewait_over(const struct demo *d)
{
	return demo_client(d) == NULL && demo_conn(d) == NULL;
}

static void demo_show_all(struct demo *d)
{
	demo_show(d, "listener", demo_listener(d));
	demo_show(d, "client", demo_client(d));
	demo_show(d, "server", demo_conn(d));
}

static int demo_listen(struct demo *d, struct sc_err *err)
{
	struct demo_msg r;
	const struct demo_sock *l;
	int ok;

	if (demo_call(&d->server, "server", DEMO_OP_LISTEN, 0, &r, err) < 0)
		return -1;
	if (r.err != 0)
		return sc_err_set(err, r.err, "the demo server cannot listen: "
					      "%s", strerror(r.err));
	d->port = (uint16_t)r.a;
	ok = demo_settle(d, demo_r_listen, err);
	if (ok < 0)
		return -1;
	demo_step(d, "socket(), bind(), listen(): the server opens a "
		     "listening socket.",
		  "    It accepts nothing by itself: the kernel queues "
		  "incoming connections\n    for it, up to the backlog.\n");
	demo_unsettled(d, ok);
	l = demo_listener(d);
	demo_show(d, "listener", l);
	if (l != NULL)
		d->first_listener_ino = l->inode;
	return demo_end_step(d, err);
}

static int demo_connect(struct demo *d, struct sc_err *err)
{
	struct demo_msg r;
	const struct demo_sock *c;
	int ok;

	if (demo_call(&d->client, "client", DEMO_OP_CONNECT, d->port, &r,
		      err) < 0)
		return -1;
	if (r.err != 0)
		return sc_err_set(err, r.err, "the demo client cannot "
					      "connect: %s", strerror(r.err));
	d->client_port = (uint16_t)r.a;
	d->client_ino = r.b;
	ok = demo_settle(d, demo_r_queued, err);
	if (ok < 0)
		return -1;
	if (d->setup.kind == DEMO_TCP)
		demo_step(d, "connect(): the client connects; nobody has "
			     "called accept() yet.",
			  "    The kernel completed the three-way handshake "
			  "by itself: the server's\n    end of the connection "
			  "already exists and waits in the listener's "
			  "queue,\n    with no inode because no process holds "
			  "it yet.\n");
	else
		demo_step(d, "connect(): the client connects; nobody has "
			     "called accept() yet.",
			  "    The kernel made the server's end and queued it "
			  "on the listener; sock_diag\n    does not list it "
			  "until it is accepted, and the client has no peer "
			  "yet.\n");
	demo_unsettled(d, ok);
	demo_show(d, "listener", demo_listener(d));
	demo_show(d, "client", demo_client(d));
	c = demo_conn(d);
	if (c != NULL || d->setup.kind == DEMO_TCP)
		demo_show(d, "server", c);
	else
		demo_puts(d, "    server    not listed: it waits in the "
			     "listener's queue\n");
	if (c != NULL)
		d->queued_cookie = c->cookie;
	return demo_end_step(d, err);
}

static int demo_accept(struct demo *d, struct sc_err *err)
{
	struct demo_msg r;
	const struct demo_sock *l, *c;
	int ok;

	if (demo_call(&d->server, "server", DEMO_OP_ACCEPT, 0, &r, err) < 0)
		return -1;
	if (r.err != 0)
		return sc_err_set(err, r.err, "the demo server cannot accept: "
					      "%s", strerror(r.err));
	if (d->setup.kind == DEMO_UNIX)
		d->conn_ino = r.b;
	ok = demo_settle(d, demo_r_accepted, err);
	if (ok < 0)
		return -1;
	demo_step(d, "accept(): the server takes the connection from the "
		     "queue.",
		  "    accept() returns a NEW socket for this one "
		  "connection; the listener stays\n    as it was and goes "
		  "on listening.\n");
	demo_unsettled(d, ok);
	demo_show_all(d);
	l = demo_listener(d);
	c = demo_conn(d);
	if (l != NULL && c != NULL) {
		d->accepted_ino = c->inode;
		demo_printf(d, "    => the accepted socket is inode %llu; the "
			       "listener is inode %llu%s.\n",
			    (unsigned long long)c->inode,
			    (unsigned long long)l->inode,
			    l->inode == d->first_listener_ino ?
				    ", the same as in step 1" :
				    ", NOT the one of step 1");
		if (d->queued_cookie != 0 && c->cookie == d->queued_cookie)
			demo_printf(d, "    => it is the kernel socket that "
				       "waited in the queue (sk %llx): "
				       "accept() gave it\n       a file and "
				       "an inode.\n",
				    (unsigned long long)c->cookie);
	}
	return demo_end_step(d, err);
}

static int demo_data(struct demo *d, struct sc_err *err)
{
	struct demo_msg r;
	int ok;

	if (demo_call(&d->client, "client", DEMO_OP_SEND, 0, &r, err) < 0)
		return -1;
	if (r.err != 0)
		return sc_err_set(err, r.err, "the demo client cannot send: %s",
				  strerror(r.err));
	ok = demo_settle(d, demo_r_unread, err);
	if (ok < 0)
		return -1;
	demo_step(d, "send(): the client writes \"ping\" (4 bytes).",
		  d->setup.kind == DEMO_UNIX ?
			  "    Until the server reads them, the bytes wait in "
			  "the server socket's receive\n    queue (Recv-Q); "
			  "the client's Send-Q counts the kernel memory "
			  "they hold.\n" :
			  "    Until the server reads them, the bytes wait in "
			  "the server socket's receive\n    queue (Recv-Q).\n");
	demo_unsettled(d, ok);
	demo_show(d, "client", demo_client(d));
	demo_show(d, "server", demo_conn(d));
	if (demo_end_step(d, err) < 0)
		return -1;

	if (demo_call(&d->server, "server", DEMO_OP_RECV, 0, &r, err) < 0 ||
	    (r.err == 0 &&
	     demo_call(&d->server, "server", DEMO_OP_SEND, 1, &r, err) < 0))
		return -1;
	if (r.err == 0 &&
	    demo_call(&d->client, "client", DEMO_OP_RECV, 0, &r, err) < 0)
		return -1;
	if (r.err != 0)
		return sc_err_set(err, r.err, "the demo's exchange failed: %s",
				  strerror(r.err));
	ok = demo_settle(d, demo_r_read, err);
	if (ok < 0)
		return -1;
	demo_step(d, "recv() and send(): the server reads \"ping\" and "
		     "answers \"pong\"; the client reads it.",
		  "    Both queues are empty again.\n");
	demo_unsettled(d, ok);
	demo_show(d, "client", demo_client(d));
	demo_show(d, "server", demo_conn(d));
	return demo_end_step(d, err);
}

static int demo_close(struct demo *d, struct sc_err *err)
{
	int client_first = d->o->closer == DEMO_CLIENT_FIRST;
	struct demo_actor *first = client_first ? &d->client : &d->server;
	struct demo_actor *second = client_first ? &d->server : &d->client;
	const char *fname = client_first ? "client" : "server";
	const char *sname = client_first ? "server" : "client";
	char title[128];
	struct demo_msg r;
	int ok;

	if (demo_call(first, fname, DEMO_OP_CLOSE, 0, &r, err) < 0)
		return -1;
	ok = demo_settle(d, demo_r_half, err);
	if (ok < 0)
		return -1;
	snprintf(title, sizeof title, "close(): the %s closes first.", fname);
	if (d->setup.kind == DEMO_TCP)
		demo_step(d, title,
			  "    It sends FIN and waits for the other side's "
			  "(FIN-WAIT-2); its socket has\n    no file any "
			  "more (inode 0). The other side is in CLOSE-WAIT "
			  "until its\n    program reads the end of the "
			  "stream and calls close().\n");
	else
		demo_step(d, title,
			  "    A Unix socket has no handshake to finish: it "
			  "is gone at once, and the\n    other end is left "
			  "with no peer; its next read returns the end of "
			  "the stream.\n");
	demo_unsettled(d, ok);
	demo_show(d, "client", demo_client(d));
	demo_show(d, "server", demo_conn(d));
	if (demo_end_step(d, err) < 0)
		return -1;

	if (demo_call(second, sname, DEMO_OP_RECV, 0, &r, err) < 0 ||
	    demo_call(second, sname, DEMO_OP_CLOSE, 0, &r, err) < 0)
		return -1;
	ok = demo_settle(d, demo_r_closed, err);
	if (ok < 0)
		return -1;
	snprintf(title, sizeof title,
		 "read() returns 0, close(): the %s closes too.", sname);
	if (d->setup.kind == DEMO_TCP) {
		char text[400];

		snprintf(text, sizeof text,
			 "    The %s sent its FIN; once it was acknowledged "
			 "its socket went away.\n    The %s's side, which "
			 "closed first, is now in TIME-WAIT: it keeps the\n"
			 "    address pair for 60 s so that late packets of "
			 "this connection cannot\n    reach a new one.\n",
			 sname, fname);
		demo_step(d, title, text);
	} else {
		demo_step(d, title,
			  "    Both ends are gone: Unix sockets have no "
			  "TIME-WAIT.\n");
	}
	demo_unsettled(d, ok);
	demo_show(d, "client", demo_client(d));
	demo_show(d, "server", demo_conn(d));
	return demo_end_step(d, err);
}

static int demo_unlisten(struct demo *d, struct sc_err *err)
{
	struct demo_msg r;
	int ok;

	if (demo_call(&d->server, "server", DEMO_OP_UNLISTEN, 0, &r, err) < 0)
		return -1;
	if (r.err != 0)
		return sc_err_set(err, r.err, "the demo server cannot remove "
					      "its socket: %s",
				  strerror(r.err));
	ok = demo_settle(d, demo_r_unlistened, err);
	if (ok < 0)
		return -1;
	if (d->setup.kind == DEMO_UNIX)
		demo_step(d, "close() and unlink(): the server closes its "
			     "listening socket and removes\n    the socket "
			     "file.",
			  "    A file left behind would be a stale socket: "
			  "connecting to it is refused.\n");
	else
		demo_step(d, "close(): the server closes its listening "
			     "socket.",
			  "    New connections to the port are refused "
			  "from now on.\n");
	demo_unsettled(d, ok);
	demo_show(d, "listener", demo_listener(d));
	if (d->setup.kind == DEMO_TCP)
		demo_show(d, d->o->closer == DEMO_CLIENT_FIRST ? "client" :
								 "server",
			  d->o->closer == DEMO_CLIENT_FIRST ? demo_client(d) :
							      demo_conn(d));
	return demo_end_step(d, err);
}

/* Watch the TIME-WAIT socket until the kernel drops it. */
static int demo_timewait(struct demo *d, struct sc_err *err)
{
	uint64_t start = demo_now_ns(), last = 0;
	int ok;

	demo_step(d, "TIME-WAIT runs out.",
		  "    Watching the socket until the kernel removes it.\n");
	for (;;) {
		const struct demo_sock *s;

		if (demo_observe(d, err) < 0)
			return -1;
		if (demo_r_timewait_over(d))
			break;
		s = demo_client(d) != NULL ? demo_client(d) : demo_conn(d);
		if (s != NULL && demo_now_ns() - last >= 10000000000ull) {
			char l[ADDR_HOSTPORT_MAX], p[ADDR_HOSTPORT_MAX];

			demo_inet_text(s, 1, l);
			demo_inet_text(s, 0, p);
			demo_printf(d, "    %-11s %s -> %s, %u s left\n",
				    demo_state_name(s->state), l, p,
				    (s->expires_ms + 999) / 1000);
			last = demo_now_ns();
			if (d->o->hooks != NULL) {
				demo_narrate(d);
			} else if ((ok = obuf_flush(d->out)) != 0) {
				return sc_err_set(err, ok, "write error: %s",
						  strerror(ok));
			}
		}
		if (demo_now_ns() - start > 180000000000ull)
			return sc_err_set(err, ETIMEDOUT,
					  "the TIME-WAIT socket was still "
					  "there after 180 s");
		if (demo_wait(d, 200000000, 0, err) < 0)
			return -1;
	}
	demo_printf(d, "    gone after %llu s: the address pair is free "
		       "again.\n",
		    (unsigned long long)((demo_now_ns() - start) / 1000000000u));
	return demo_end_step(d, err);
}

static void demo_summary(struct demo *d)
{
	const struct demo_sock *tw;

	if (d->o->hooks != NULL)
		snprintf(d->caption, sizeof d->caption,
			 "Summary, as the kernel showed it (q quits)");
	else
		demo_puts(d, "\nSummary, as the kernel showed it:\n");
	demo_printf(d, "    listener  inode %llu, the same from listen() to "
		       "its close()\n",
		    (unsigned long long)d->first_listener_ino);
	demo_printf(d, "    client    inode %llu\n",
		    (unsigned long long)d->client_ino);
	demo_printf(d, "    accepted  inode %llu, a new socket made by "
		       "accept()\n",
		    (unsigned long long)d->accepted_ino);
	if (d->setup.kind != DEMO_TCP || d->o->wait_timewait)
		return;
	tw = d->o->closer == DEMO_CLIENT_FIRST ? demo_client(d) : demo_conn(d);
	if (tw != NULL && tw->state == SOCK_ST_TIME_WAIT && d->nmarks == 0) {
		d->marks[0].inode = 0;
		d->marks[0].cookie = tw->cookie;
		d->nmarks = 1;
	}
	if (tw != NULL && tw->state == SOCK_ST_TIME_WAIT)
		demo_printf(d, "The %s's TIME-WAIT socket stays about %u s "
			       "more; run with --wait to watch it end.\n",
			    d->o->closer == DEMO_CLIENT_FIRST ? "client" :
								"server",
			    (tw->expires_ms + 999) / 1000);
}

int demo_run(const struct demo_opts *o, struct obuf *out, struct sc_err *err)
{
	struct demo d = { .o = o, .out = out };
	int r = -1;

	d.setup.kind = o->kind;
	d.setup.ipv6 = o->ipv6;
	d.setup.port = o->port;
	if (o->kind == DEMO_UNIX) {
		size_t n;

		if (tmpdir_make(NULL, "sockscope-demo", strlen("/demo.sock"),
				d.setup.path, sizeof d.setup.path, err) < 0)
			return -1;
		n = strlen(d.setup.path);
		memcpy(d.setup.path + n, "/demo.sock", sizeof "/demo.sock");
	}
	if (demo_actor_start(&d.server, &d.setup, "demo-server", NULL, err) <
		    0 ||
	    demo_actor_start(&d.client, &d.setup, "demo-client", &d.server,
			     err) < 0)
		goto done;

	if (o->kind == DEMO_TCP)
		demo_printf(&d, "The life of a TCP connection over %s, as "
				"the kernel shows it.\n",
			    o->ipv6 ? "::1" : "127.0.0.1");
	else
		demo_puts(&d, "The life of a Unix stream connection, as the "
			      "kernel shows it.\n");
	if (o->hooks != NULL) {
		demo_printf(&d, "The server is pid %ld (demo-server), the "
				"client pid %ld (demo-client).\nThe table "
				"above is the kernel's, refreshed live; each "
				"step below shows what\nsock_diag and /proc "
				"said right after the call, and marks its "
				"sockets above.\ns: the next step now; Space: "
				"pause; q: quit.\n",
			    (long)d.server.pid, (long)d.client.pid);
		snprintf(d.caption, sizeof d.caption, "The demo: %s",
			 o->kind == DEMO_TCP ? "a TCP connection" :
					       "a Unix stream connection");
		if (demo_end_step(&d, err) < 0)
			goto done;
	} else {
		demo_printf(&d, "The server is pid %ld (demo-server), the "
				"client pid %ld (demo-client);\nevery line "
				"below was read from sock_diag and /proc after "
				"the call.\n",
			    (long)d.server.pid, (long)d.client.pid);
	}
	if (demo_listen(&d, err) < 0 || demo_connect(&d, err) < 0 ||
	    demo_accept(&d, err) < 0 || demo_data(&d, err) < 0 ||
	    demo_close(&d, err) < 0 || demo_unlisten(&d, err) < 0)
		goto done;
	if (o->kind == DEMO_TCP && o->wait_timewait &&
	    demo_timewait(&d, err) < 0)
		goto done;
	demo_summary(&d);
	r = 0;
	if (o->hooks != NULL) {
		demo_narrate(&d);
	} else {
		int e = obuf_flush(out);

		if (e != 0)
			r = sc_err_set(err, e, "write error: %s", strerror(e));
	}
done:
	sbuf_free(&d.text);
	demo_actor_stop(&d.client);
	demo_actor_stop(&d.server);
	owners_free(d.owners);
	if (o->kind == DEMO_UNIX) {
		char *slash;

		unlink(d.setup.path);
		slash = strrchr(d.setup.path, '/');
		if (slash != NULL) {
			*slash = '\0';
			rmdir(d.setup.path);
		}
	}
	return r;
}
