/* sockpop.c - builds a known socket population for the integration tests,
 * writes a manifest of it (with inode numbers) and waits to be stopped. */
#include "config.h"

#include "tcpwait.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* Paths bound by this process, unlinked on exit. */
#define POP_MAX_PATHS 64
/* How long to wait for a TCP state change on loopback before giving up. */
#define POP_WAIT_MS 5000

struct pop {
	FILE *manifest;
	const char *dir;
	char *paths[POP_MAX_PATHS];
	size_t npaths;
};

/* One inet endpoint: the address to bind or connect to, and how ss shows
 * it (the manifest records the display form). */
struct ep {
	int family;
	const char *addr;
	unsigned port;
	const char *shown;
};

static int pop_errno(const char *what, const char *detail)
{
	fprintf(stderr, "sockpop: %s%s%s: %s\n", what, detail ? " " : "",
		detail ? detail : "", strerror(errno));
	return -1;
}

static int pop_msg(const char *what)
{
	fprintf(stderr, "sockpop: %s\n", what);
	return -1;
}

static unsigned long pop_ino(int fd)
{
	struct stat st;

	if (fd < 0 || fstat(fd, &st) != 0)
		return 0;
	return (unsigned long)st.st_ino;
}

static void pop_record(struct pop *p, const char *id, const char *netid,
		       const char *state, const char *local, const char *peer,
		       unsigned long ino, unsigned long peer_ino)
{
	fprintf(p->manifest, "%s\t%s\t%s\t%s\t%s\t%lu\t%lu\n", id, netid,
		state, local, peer, ino, peer_ino);
}

static void pop_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int pop_sockaddr(const struct ep *e, struct sockaddr_storage *ss,
			socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (e->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)e->port);
		if (inet_pton(AF_INET, e->addr, &sin->sin_addr) != 1)
			return pop_msg("bad IPv4 address");
		*len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)e->port);
		if (inet_pton(AF_INET6, e->addr, &sin6->sin6_addr) != 1)
			return pop_msg("bad IPv6 address");
		*len = sizeof(*sin6);
	}
	return 0;
}

/* A socket of the given type bound to e; v6only is -1 to leave the
 * system default (dual-stack), else the IPV6_V6ONLY value. */
static int pop_bound(const struct ep *e, int type, int v6only, int *out)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;
	int one = 1;
	int fd;

	if (pop_sockaddr(e, &ss, &len) != 0)
		return -1;
	fd = socket(e->family, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return pop_errno("socket", e->shown);
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0) {
		close(fd);
		return pop_errno("SO_REUSEADDR", e->shown);
	}
	if (e->family == AF_INET6 && v6only >= 0 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only,
		       sizeof(v6only)) != 0) {
		close(fd);
		return pop_errno("IPV6_V6ONLY", e->shown);
	}
	if (bind(fd, (struct sockaddr *)&ss, len) != 0) {
		close(fd);
		return pop_errno("bind", e->shown);
	}
	*out = fd;
	return 0;
}

static int pop_connect(int fd, const struct ep *e)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;

	if (pop_sockaddr(e, &ss, &len) != 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&ss, len) != 0)
		return pop_errno("connect to", e->shown);
	return 0;
}

static int pop_wait_state(int fd, int state, const char *what)
{
	if (tcpwait_until(fd, state, POP_WAIT_MS) != 0)
		return pop_msg(what);
	return 0;
}

static int pop_wait_accept_queue(int lfd, unsigned n)
{
	for (int ms = 0; ms < POP_WAIT_MS; ms++) {
		struct tcp_info ti;
		socklen_t len = sizeof(ti);
		memset(&ti, 0, sizeof(ti));
		/* For a listener tcpi_unacked is the accept queue length. */
		if (getsockopt(lfd, IPPROTO_TCP, TCP_INFO, &ti, &len) == 0 &&
		    ti.tcpi_unacked == n)
			return 0;
		pop_sleep_ms(1);
	}
	return pop_msg("pending connections did not reach the accept queue");
}

static int pop_wait_readable(int fd, int n)
{
	for (int ms = 0; ms < POP_WAIT_MS; ms++) {
		int avail = 0;
		if (ioctl(fd, FIONREAD, &avail) == 0 && avail == n)
			return 0;
		pop_sleep_ms(1);
	}
	return pop_msg("data did not arrive");
}

static int pop_tcp_listener(struct pop *p, const char *id, const struct ep *e,
			    int v6only, int backlog, const char *peer_shown,
			    int *out)
{
	int fd;

	if (pop_bound(e, SOCK_STREAM, v6only, &fd) != 0)
		return -1;
	if (listen(fd, backlog) != 0) {
		close(fd);
		return pop_errno("listen", e->shown);
	}
	pop_record(p, id, "tcp", "LISTEN", e->shown, peer_shown, pop_ino(fd),
		   0);
	/* Without out the socket simply stays open until exit. */
	if (out != NULL)
		*out = fd;
	return 0;
}

/* Connect a client bound to c to the listener lfd at s; the accepted
 * socket is returned in *srv unless srv is NULL (left pending). The
 * caller records the sockets, as their final states differ. */
static int pop_tcp_pair(int lfd, const struct ep *c, const struct ep *s,
			int *cli, int *srv)
{
	int fd;

	if (pop_bound(c, SOCK_STREAM, -1, &fd) != 0)
		return -1;
	if (pop_connect(fd, s) != 0) {
		close(fd);
		return -1;
	}
	if (srv != NULL) {
		int a = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (a < 0) {
			close(fd);
			return pop_errno("accept on", s->shown);
		}
		*srv = a;
	}
	*cli = fd;
	return 0;
}

static int pop_tcp(struct pop *p)
{
	static const struct ep l4 = { AF_INET, "127.0.0.1", 41000,
				      "127.0.0.1:41000" };
	static const struct ep l6 = { AF_INET6, "::1", 41001, "[::1]:41001" };
	static const struct ep lds = { AF_INET6, "::", 41002, "*:41002" };
	static const struct ep l6o = { AF_INET6, "::", 41003, "[::]:41003" };
	static const struct ep l4w = { AF_INET, "0.0.0.0", 41004,
				       "0.0.0.0:41004" };
	static const struct ep lq = { AF_INET, "127.0.0.1", 41005,
				      "127.0.0.1:41005" };
	static const struct ep lssh = { AF_INET, "127.0.0.1", 22,
					"127.0.0.1:22" };
	static const struct ep e4c = { AF_INET, "127.0.0.1", 41100,
				       "127.0.0.1:41100" };
	static const struct ep e6c = { AF_INET6, "::1", 41101,
				       "[::1]:41101" };
	static const struct ep twc = { AF_INET, "127.0.0.1", 41102,
				       "127.0.0.1:41102" };
	static const struct ep cwc = { AF_INET, "127.0.0.1", 41103,
				       "127.0.0.1:41103" };
	static const struct ep q1c = { AF_INET, "127.0.0.1", 41104,
				       "127.0.0.1:41104" };
	static const struct ep q2c = { AF_INET, "127.0.0.1", 41105,
				       "127.0.0.1:41105" };
	static const struct ep dmc = { AF_INET, "127.0.0.1", 41106,
				       "127.0.0.1:41106" };
	/* The v4 client of the dual-stack listener, as it is dialled. */
	static const struct ep lds4 = { AF_INET, "127.0.0.1", 41002,
					"127.0.0.1:41002" };
	int fl4, fl6, flds, flq;
	int c, s;

	if (pop_tcp_listener(p, "tcp-l4", &l4, -1, 16, "0.0.0.0:*", &fl4) ||
	    pop_tcp_listener(p, "tcp-l6", &l6, 1, 16, "[::]:*", &fl6) ||
	    pop_tcp_listener(p, "tcp-lds", &lds, 0, 16, "*:*", &flds) ||
	    pop_tcp_listener(p, "tcp-l6o", &l6o, 1, 16, "[::]:*", NULL) ||
	    pop_tcp_listener(p, "tcp-l4w", &l4w, -1, 16, "0.0.0.0:*", NULL) ||
	    pop_tcp_listener(p, "tcp-lq", &lq, -1, 7, "0.0.0.0:*", &flq) ||
	    pop_tcp_listener(p, "tcp-ssh", &lssh, -1, 16, "0.0.0.0:*", NULL))
		return -1;

	/* Established over v4; 5 unread bytes make a known Recv-Q. */
	if (pop_tcp_pair(fl4, &e4c, &l4, &c, &s) != 0)
		return -1;
	if (write(c, "hello", 5) != 5)
		return pop_errno("write", e4c.shown);
	if (pop_wait_readable(s, 5) != 0)
		return -1;
	pop_record(p, "tcp-e4c", "tcp", "ESTAB", e4c.shown, l4.shown,
		   pop_ino(c), 0);
	pop_record(p, "tcp-e4s", "tcp", "ESTAB", l4.shown, e4c.shown,
		   pop_ino(s), 0);

	/* Established over v6. */
	if (pop_tcp_pair(fl6, &e6c, &l6, &c, &s) != 0)
		return -1;
	pop_record(p, "tcp-e6c", "tcp", "ESTAB", e6c.shown, l6.shown,
		   pop_ino(c), 0);
	pop_record(p, "tcp-e6s", "tcp", "ESTAB", l6.shown, e6c.shown,
		   pop_ino(s), 0);

	/* TIME-WAIT: the client closes first; the server answers with its
	 * own FIN and waits for the last ACK before it lets go. */
	if (pop_tcp_pair(fl4, &twc, &l4, &c, &s) != 0)
		return -1;
	close(c);
	if (pop_wait_state(s, TCP_CLOSE_WAIT, "no CLOSE-WAIT for time-wait") ||
	    shutdown(s, SHUT_WR) != 0 ||
	    pop_wait_state(s, TCP_CLOSE, "no final ACK for time-wait"))
		return -1;
	close(s);
	pop_record(p, "tcp-tw", "tcp", "TIME-WAIT", twc.shown, l4.shown, 0,
		   0);

	/* CLOSE-WAIT on the server, FIN-WAIT-2 on the client, which only
	 * shuts down its sending side so it keeps its fd (no orphan timer). */
	if (pop_tcp_pair(fl4, &cwc, &l4, &c, &s) != 0)
		return -1;
	if (shutdown(c, SHUT_WR) != 0)
		return pop_errno("shutdown", cwc.shown);
	if (pop_wait_state(s, TCP_CLOSE_WAIT, "no CLOSE-WAIT") ||
	    pop_wait_state(c, TCP_FIN_WAIT2, "no FIN-WAIT-2"))
		return -1;
	pop_record(p, "tcp-cw", "tcp", "CLOSE-WAIT", l4.shown, cwc.shown,
		   pop_ino(s), 0);
	pop_record(p, "tcp-fw2", "tcp", "FIN-WAIT-2", cwc.shown, l4.shown,
		   pop_ino(c), 0);

	/* Two connections left in the accept queue of a backlog-7 listener:
	 * the server sides are ESTAB without an fd (inode 0). */
	if (pop_tcp_pair(flq, &q1c, &lq, &c, NULL) != 0)
		return -1;
	pop_record(p, "tcp-q1c", "tcp", "ESTAB", q1c.shown, lq.shown,
		   pop_ino(c), 0);
	pop_record(p, "tcp-q1s", "tcp", "ESTAB", lq.shown, q1c.shown, 0, 0);
	if (pop_tcp_pair(flq, &q2c, &lq, &c, NULL) != 0)
		return -1;
	pop_record(p, "tcp-q2c", "tcp", "ESTAB", q2c.shown, lq.shown,
		   pop_ino(c), 0);
	pop_record(p, "tcp-q2s", "tcp", "ESTAB", lq.shown, q2c.shown, 0, 0);
	if (pop_wait_accept_queue(flq, 2) != 0)
		return -1;

	/* A v4 client of the dual-stack listener: the accepted socket is
	 * IPv6 with v4-mapped addresses. */
	if (pop_tcp_pair(flds, &dmc, &lds4, &c, &s) != 0)
		return -1;
	pop_record(p, "tcp-dmc", "tcp", "ESTAB", dmc.shown, lds4.shown,
		   pop_ino(c), 0);
	pop_record(p, "tcp-dms", "tcp", "ESTAB", "[::ffff:127.0.0.1]:41002",
		   "[::ffff:127.0.0.1]:41106", pop_ino(s), 0);
	return 0;
}

static int pop_udp(struct pop *p)
{
	static const struct ep u4 = { AF_INET, "127.0.0.1", 41200,
				      "127.0.0.1:41200" };
	static const struct ep u6 = { AF_INET6, "::1", 41201, "[::1]:41201" };
	static const struct ep u4c = { AF_INET, "127.0.0.1", 41202,
				       "127.0.0.1:41202" };
	static const struct ep uds = { AF_INET6, "::", 41203, "*:41203" };
	static const struct ep u6c = { AF_INET6, "::1", 41204,
				       "[::1]:41204" };
	static const struct ep u53 = { AF_INET, "127.0.0.1", 53,
				       "127.0.0.1:53" };
	int fd;

	if (pop_bound(&u4, SOCK_DGRAM, -1, &fd) != 0)
		return -1;
	pop_record(p, "udp-4", "udp", "UNCONN", u4.shown, "0.0.0.0:*",
		   pop_ino(fd), 0);
	if (pop_bound(&u6, SOCK_DGRAM, 1, &fd) != 0)
		return -1;
	pop_record(p, "udp-6", "udp", "UNCONN", u6.shown, "[::]:*",
		   pop_ino(fd), 0);
	if (pop_bound(&uds, SOCK_DGRAM, 0, &fd) != 0)
		return -1;
	pop_record(p, "udp-ds", "udp", "UNCONN", uds.shown, "*:*",
		   pop_ino(fd), 0);
	if (pop_bound(&u53, SOCK_DGRAM, -1, &fd) != 0)
		return -1;
	pop_record(p, "udp-53", "udp", "UNCONN", u53.shown, "0.0.0.0:*",
		   pop_ino(fd), 0);
	if (pop_bound(&u4c, SOCK_DGRAM, -1, &fd) != 0 ||
	    pop_connect(fd, &u4) != 0)
		return -1;
	pop_record(p, "udp-4c", "udp", "ESTAB", u4c.shown, u4.shown,
		   pop_ino(fd), 0);
	if (pop_bound(&u6c, SOCK_DGRAM, 1, &fd) != 0 ||
	    pop_connect(fd, &u6) != 0)
		return -1;
	pop_record(p, "udp-6c", "udp", "ESTAB", u6c.shown, u6.shown,
		   pop_ino(fd), 0);
	return 0;
}

/* Fill a sockaddr_un with name[0..len): a path, or (name[0] == '\0') an
 * abstract name that may hold further NULs. */
static int pop_unaddr(const char *name, size_t len, struct sockaddr_un *sun,
		      socklen_t *slen)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (len > sizeof(sun->sun_path) - (name[0] != '\0'))
		return pop_msg("Unix socket name too long");
	memcpy(sun->sun_path, name, len);
	*slen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len +
			    (name[0] != '\0'));
	return 0;
}

static int pop_unix_bound(struct pop *p, int type, const char *name,
			  size_t len, int *out)
{
	struct sockaddr_un sun;
	socklen_t slen = 0;
	int fd;

	if (pop_unaddr(name, len, &sun, &slen) != 0)
		return -1;
	fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return pop_errno("socket", "AF_UNIX");
	if (name[0] != '\0')
		unlink(name);
	if (bind(fd, (struct sockaddr *)&sun, slen) != 0) {
		close(fd);
		return pop_errno("bind Unix socket", name[0] ? name : "@...");
	}
	if (name[0] != '\0') {
		if (p->npaths == POP_MAX_PATHS) {
			close(fd);
			return pop_msg("too many socket paths");
		}
		p->paths[p->npaths] = strdup(name);
		if (p->paths[p->npaths] == NULL) {
			close(fd);
			return pop_msg("out of memory");
		}
		p->npaths++;
	}
	*out = fd;
	return 0;
}

static int pop_unix_connect(int type, const char *name, int *out)
{
	struct sockaddr_un sun;
	socklen_t slen = 0;
	int fd;

	if (pop_unaddr(name, strlen(name), &sun, &slen) != 0)
		return -1;
	fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return pop_errno("socket", "AF_UNIX");
	if (connect(fd, (struct sockaddr *)&sun, slen) != 0) {
		close(fd);
		return pop_errno("connect to", name);
	}
	*out = fd;
	return 0;
}

static int pop_path(const struct pop *p, const char *base, char *out,
		    size_t size)
{
	int n = snprintf(out, size, "%s/%s", p->dir, base);

	if (n < 0 || (size_t)n >= size ||
	    (size_t)n >= sizeof(((struct sockaddr_un *)NULL)->sun_path))
		return pop_msg("--dir is too long for a Unix socket path");
	return 0;
}

/* A listener with an accepted pair; for stream also one pending client. */
static int pop_unix_listener(struct pop *p, int type, const char *netid,
			     const char *base, const char *prefix, int pending)
{
	char path[PATH_MAX];
	char id[64];
	int l, c, a;
	int backlog = type == SOCK_STREAM ? 4 : 3;

	if (pop_path(p, base, path, sizeof(path)) != 0 ||
	    pop_unix_bound(p, type, path, strlen(path), &l) != 0)
		return -1;
	if (listen(l, backlog) != 0)
		return pop_errno("listen", path);
	if (pop_unix_connect(type, path, &c) != 0)
		return -1;
	a = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	if (a < 0)
		return pop_errno("accept on", path);
	snprintf(id, sizeof(id), "%s-l", prefix);
	pop_record(p, id, netid, "LISTEN", path, "*", pop_ino(l), 0);
	snprintf(id, sizeof(id), "%s-c", prefix);
	pop_record(p, id, netid, "ESTAB", "*", "*", pop_ino(c), pop_ino(a));
	snprintf(id, sizeof(id), "%s-a", prefix);
	pop_record(p, id, netid, "ESTAB", path, "*", pop_ino(a), pop_ino(c));
	if (pending) {
		/* The server side of a pending connection has no file (so the
		 * client's peer inode is 0) and sock_diag does not list it:
		 * it shows only as the listener's Recv-Q. */
		if (pop_unix_connect(type, path, &c) != 0)
			return -1;
		snprintf(id, sizeof(id), "%s-pc", prefix);
		pop_record(p, id, netid, "ESTAB", "*", "*", pop_ino(c), 0);
	}
	return 0;
}

static int pop_unix(struct pop *p)
{
	static const char abstract[] = "\0sockscope-dgram";
	char path[PATH_MAX];
	int fd, c;
	int sv[2];

	if (pop_unix_listener(p, SOCK_STREAM, "u_str", "stream.sock", "ustr",
			      1) != 0 ||
	    pop_unix_listener(p, SOCK_SEQPACKET, "u_seq", "seq.sock", "useq",
			      0) != 0)
		return -1;

	if (pop_path(p, "dgram.sock", path, sizeof(path)) != 0 ||
	    pop_unix_bound(p, SOCK_DGRAM, path, strlen(path), &fd) != 0)
		return -1;
	pop_record(p, "udgr-path", "u_dgr", "UNCONN", path, "*", pop_ino(fd),
		   0);
	/* Since Linux 5.15 connect() on a datagram socket marks its target
	 * ESTAB as well, so the target is a socket of its own. */
	if (pop_path(p, "dgram-srv.sock", path, sizeof(path)) != 0 ||
	    pop_unix_bound(p, SOCK_DGRAM, path, strlen(path), &fd) != 0)
		return -1;
	pop_record(p, "udgr-srv", "u_dgr", "ESTAB", path, "*", pop_ino(fd), 0);
	if (pop_unix_connect(SOCK_DGRAM, path, &c) != 0)
		return -1;
	pop_record(p, "udgr-conn", "u_dgr", "ESTAB", "*", "*", pop_ino(c),
		   pop_ino(fd));
	if (pop_unix_bound(p, SOCK_DGRAM, abstract, sizeof(abstract) - 1,
			   &fd) != 0)
		return -1;
	pop_record(p, "udgr-abs", "u_dgr", "UNCONN", "@sockscope-dgram", "*",
		   pop_ino(fd), 0);

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return pop_errno("socketpair", NULL);
	pop_record(p, "upair-a", "u_str", "ESTAB", "*", "*", pop_ino(sv[0]),
		   pop_ino(sv[1]));
	pop_record(p, "upair-b", "u_str", "ESTAB", "*", "*", pop_ino(sv[1]),
		   pop_ino(sv[0]));
	return 0;
}

/* Names that would corrupt a terminal or a column layout if printed raw.
 * The manifest gives them by id; the test holds the expected escapes. */
struct hostile {
	const char *id;
	const char *name; /* leading NUL: abstract */
	size_t len;
};

#define HOSTILE(id, s) { id, s, sizeof(s) - 1 }

static int pop_hostile(struct pop *p)
{
	static const struct hostile paths[] = {
		HOSTILE("h-esc", "esc\x1b[31mred"),
		HOSTILE("h-nl", "nl\nx"),
		HOSTILE("h-bs", "bs\bx"),
		HOSTILE("h-cr", "cr\rx"),
		HOSTILE("h-tab", "tab\tx"),
		HOSTILE("h-space", "sp a ce"),
		HOSTILE("h-bad", "bad\xff\xfe"),
		HOSTILE("h-backslash", "back\\slash"),
		HOSTILE("h-del", "del\x7f"),
		HOSTILE("h-utf8", "caf\xc3\xa9"),
		HOSTILE("h-bidi", "bidi\xe2\x80\xaex"),
		HOSTILE("h-c1", "c1\xc2\x9bx"),
	};
	static const struct hostile abstracts[] = {
		HOSTILE("a-esc", "\0esc\x1b[31m"),
		HOSTILE("a-nl", "\0nl\nx"),
		HOSTILE("a-nul", "\0nul\0inner"),
		HOSTILE("a-tailnul", "\0tail\0"),
		HOSTILE("a-bad", "\0bad\xff\xfe"),
		HOSTILE("a-bscr", "\0bs\b\r"),
		HOSTILE("a-del", "\0del\x7f\\"),
	};
	char path[PATH_MAX];
	int fd;

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		if (pop_path(p, paths[i].name, path, sizeof(path)) != 0 ||
		    pop_unix_bound(p, SOCK_DGRAM, path, strlen(path), &fd))
			return -1;
		pop_record(p, paths[i].id, "u_dgr", "UNCONN", "-", "*",
			   pop_ino(fd), 0);
	}
	for (size_t i = 0; i < sizeof(abstracts) / sizeof(abstracts[0]); i++) {
		if (pop_unix_bound(p, SOCK_DGRAM, abstracts[i].name,
				   abstracts[i].len, &fd) != 0)
			return -1;
		pop_record(p, abstracts[i].id, "u_dgr", "UNCONN", "-", "*",
			   pop_ino(fd), 0);
	}
	return 0;
}

/* Many unnamed stream pairs, for output bigger than a pipe buffer. */
static int pop_pairs(struct pop *p, unsigned long n)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return pop_errno("getrlimit", NULL);
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			return pop_errno("setrlimit", NULL);
	}
	for (unsigned long i = 0; i < n; i++) {
		char id[32];
		int sv[2];

		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
			return pop_errno("socketpair", "(--pairs)");
		snprintf(id, sizeof(id), "many-%lu-a", i);
		pop_record(p, id, "u_str", "ESTAB", "*", "*", pop_ino(sv[0]),
			   pop_ino(sv[1]));
		snprintf(id, sizeof(id), "many-%lu-b", i);
		pop_record(p, id, "u_str", "ESTAB", "*", "*", pop_ino(sv[1]),
			   pop_ino(sv[0]));
	}
	return 0;
}

static void pop_unlink_all(struct pop *p)
{
	for (size_t i = 0; i < p->npaths; i++) {
		unlink(p->paths[i]);
		free(p->paths[i]);
	}
	p->npaths = 0;
}

static void pop_usage(FILE *f)
{
	fputs("Usage: sockpop --manifest FILE --dir DIR [--base] [--hostile]"
	      " [--pairs N]\n"
	      "Build a known socket population, write one manifest line per\n"
	      "socket (id netid state local peer inode peer-inode, tab\n"
	      "separated), print \"ready\" and wait for SIGTERM or SIGINT.\n"
	      "--dir is where Unix sockets are bound. --pairs adds N unnamed\n"
	      "Unix stream pairs. Without --base, --hostile or --pairs the\n"
	      "population is --base.\n",
	      f);
}

int main(int argc, char **argv)
{
	struct pop p = { 0 };
	const char *manifest = NULL;
	int base = 0, hostile = 0;
	unsigned long pairs = 0;
	sigset_t stop;
	int sig = 0;
	int rc = 1;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--base") == 0) {
			base = 1;
		} else if (strcmp(argv[i], "--hostile") == 0) {
			hostile = 1;
		} else if (strcmp(argv[i], "--pairs") == 0 && i + 1 < argc) {
			char *end = NULL;
			errno = 0;
			pairs = strtoul(argv[++i], &end, 10);
			if (errno != 0 || end == argv[i] || *end != '\0' ||
			    pairs > 100000) {
				fprintf(stderr, "sockpop: bad --pairs '%s'\n",
					argv[i]);
				return 2;
			}
		} else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc) {
			p.dir = argv[++i];
		} else if (strcmp(argv[i], "--manifest") == 0 &&
			   i + 1 < argc) {
			manifest = argv[++i];
		} else if (strcmp(argv[i], "--help") == 0) {
			pop_usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "sockpop: bad argument '%s'\n",
				argv[i]);
			pop_usage(stderr);
			return 2;
		}
	}
	if (!base && !hostile && pairs == 0)
		base = 1;
	if (manifest == NULL || p.dir == NULL) {
		pop_usage(stderr);
		return 2;
	}

	/* Block the stop signals before any socket exists so that none is
	 * lost between "ready" and sigwait(). */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &stop, NULL) != 0) {
		pop_errno("sigprocmask", NULL);
		return 1;
	}

	p.manifest = fopen(manifest, "w");
	if (p.manifest == NULL) {
		pop_errno("cannot create", manifest);
		return 1;
	}
	if ((base && (pop_unix(&p) || pop_udp(&p) || pop_tcp(&p))) ||
	    (hostile && pop_hostile(&p)) || pop_pairs(&p, pairs))
		goto out;
	if (fclose(p.manifest) != 0) {
		p.manifest = NULL;
		pop_errno("cannot write", manifest);
		goto out;
	}
	p.manifest = NULL;

	if (puts("ready") == EOF || fflush(stdout) == EOF) {
		pop_errno("cannot write to stdout", NULL);
		goto out;
	}
	while (sigwait(&stop, &sig) != 0)
		;
	rc = 0;
out:
	if (p.manifest != NULL)
		fclose(p.manifest);
	pop_unlink_all(&p);
	return rc;
}
