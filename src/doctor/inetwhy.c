/* inetwhy.c - the TCP/UDP doctor: the listeners on a port (inet_diag),
 * the addresses they accept on against what the name resolves to here,
 * their owner and queue, and real attempts address by address. */
#include "config.h"

#include "doctor/inetwhy.h"

#include "collect/collect.h"
#include "doctor/probe.h"
#include "output/addr.h"
#include "util/escape.h"
#include "util/xalloc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define IW_ADDRS_MAX 16
#define IW_UDP_WAIT_NS 1000000000ull

enum iw_rank {
	IW_RANK_NAME = 0,
	IW_RANK_LISTENER,
	IW_RANK_ADDRESS,
	IW_RANK_SERVER,
};

/* Well-known ports and the service usually behind them. */
static const struct {
	uint16_t port;
	const char *unit;
} iw_ports[] = {
	{ 22, "ssh" },
	{ 25, "postfix" },
	{ 80, "nginx (or apache2)" },
	{ 443, "nginx (or apache2)" },
	{ 2375, "docker" },
	{ 3306, "mysql (or mariadb)" },
	{ 5432, "postgresql" },
	{ 5672, "rabbitmq-server" },
	{ 6379, "redis-server" },
	{ 9200, "elasticsearch" },
	{ 11211, "memcached" },
	{ 27017, "mongod" },
};

struct iw_sock {
	uint8_t family, state, flags;
	uint32_t rq, wq, uid, ifindex;
	uint64_t inode;
	uint8_t addr[16];
};

struct iw_addr {
	struct sockaddr_storage sa;
	socklen_t len;
	int family;
	uint8_t addr[16];
	bool local; /* an address of this machine (bind() takes it) */
	const struct iw_sock *match;
	bool has_prediction;
	int predicted;
	bool probed;
	struct probe_result pr;
};

struct iw {
	const struct inetwhy_opts *o;
	struct report *r;
	char host[256];
	uint16_t port;
	char user[IDENT_NAME_MAX];
	struct iw_addr addrs[IW_ADDRS_MAX];
	size_t naddrs;
	struct iw_sock *socks;
	size_t nsocks, cap;
	size_t mark; /* nsocks when the current dump began */
	unsigned lo_index;
	struct ident_holder holder;
	bool have_holder;
	const struct iw_sock *holder_of;
	char unit[128];
	bool unit_user;
};

/* ---- the target --------------------------------------------------------- */

int inetwhy_split(const char *target, char *host, size_t cap, uint16_t *port,
		  struct sc_err *err)
{
	char q[ESC_MAX(128)];
	const char *colon, *h = target;
	size_t hl;
	char *end;
	unsigned long p;

	esc_text(q, target, strnlen(target, 128), 0, NULL);
	if (target[0] == '[') {
		const char *close = strchr(target, ']');

		if (close == NULL || close[1] != ':')
			return sc_err_set(err, EINVAL,
					  "invalid target '%s' (expected "
					  "[IPv6]:PORT)",
					  q);
		h = target + 1;
		hl = (size_t)(close - h);
		colon = close + 1;
	} else {
		colon = strrchr(target, ':');
		if (colon == NULL)
			return sc_err_set(err, EINVAL,
					  "invalid target '%s' (expected "
					  "HOST:PORT)",
					  q);
		hl = (size_t)(colon - target);
		if (memchr(target, ':', hl) != NULL)
			return sc_err_set(err, EINVAL,
					  "invalid target '%s' (an IPv6 "
					  "address goes in brackets: "
					  "[::1]:PORT)",
					  q);
	}
	errno = 0;
	p = strtoul(colon + 1, &end, 10);
	if (colon[1] < '0' || colon[1] > '9' || *end != '\0' || errno != 0 ||
	    p == 0 || p > 65535)
		return sc_err_set(err, EINVAL,
				  "invalid port in '%s' (expected 1 to 65535)",
				  q);
	if (hl == 0) {
		h = "localhost";
		hl = strlen(h);
	}
	if (hl + 1 > cap)
		return sc_err_set(err, EINVAL, "host name too long in '%s'", q);
	memcpy(host, h, hl);
	host[hl] = '\0';
	*port = (uint16_t)p;
	return 0;
}

/* "127.0.0.1", "::1" (no brackets, no port). */
static void iw_ntop(int family, const uint8_t *a, char *out, size_t cap)
{
	if (inet_ntop(family, a, out, (socklen_t)cap) == NULL)
		snprintf(out, cap, "?");
}

/* "127.0.0.1:80", "[::1]:80". */
static void iw_addr_port(int family, const uint8_t *a, uint16_t port,
			 struct sbuf *b)
{
	char t[ADDR_HOSTPORT_MAX];

	sbuf_put(b, t, addr_fmt_hostport(t, family, a, port));
}

static const uint8_t iw_zero[16];

static bool iw_is_any(const struct iw_sock *s)
{
	return memcmp(s->addr, iw_zero, s->family == AF_INET ? 4 : 16) == 0;
}

/* The listening address as the listing writes it, with what it means. */
static void iw_sock_text(const struct iw_sock *s, struct sbuf *b)
{
	char t[INET6_ADDRSTRLEN], ifn[IF_NAMESIZE];

	if (s->family == AF_INET6 && iw_is_any(s))
		sbuf_puts(b, (s->flags & SOCK_F_V6ONLY) ? "[::] (IPv6 only)"
							: "[::] (every "
							  "address, IPv4 too)");
	else if (s->family == AF_INET && iw_is_any(s))
		sbuf_puts(b, "0.0.0.0 (every IPv4 address)");
	else {
		iw_ntop(s->family, s->addr, t, sizeof(t));
		report_printf(b, s->family == AF_INET6 ? "[%s]" : "%s", t);
	}
	if (s->ifindex != 0) {
		if (if_indextoname(s->ifindex, ifn) != NULL)
			report_printf(b, " on device %s", ifn);
		else
			report_printf(b, " on device #%u", s->ifindex);
	}
}

static bool iw_v4mapped(const uint8_t *a6, const uint8_t *a4)
{
	static const uint8_t pre[12] = { 0, 0, 0, 0, 0,    0,
					 0, 0, 0, 0, 0xff, 0xff };

	return memcmp(a6, pre, 12) == 0 && memcmp(a6 + 12, a4, 4) == 0;
}

static bool iw_is_loopback(const struct iw_addr *a)
{
	static const uint8_t lo6[16] = { [15] = 1 };

	return a->family == AF_INET ? a->addr[0] == 127
				    : memcmp(a->addr, lo6, 16) == 0;
}

/* Does listener s take connections to a, as the kernel's lookup does? */
static bool iw_accepts(const struct iw *w, const struct iw_sock *s,
		       const struct iw_addr *a)
{
	if (s->ifindex != 0 && iw_is_loopback(a) && s->ifindex != w->lo_index)
		return false;
	if (s->family == a->family)
		return iw_is_any(s) ||
		       memcmp(s->addr, a->addr,
			      a->family == AF_INET ? 4 : 16) == 0;
	if (s->family == AF_INET6 && a->family == AF_INET &&
	    !(s->flags & SOCK_F_V6ONLY))
		return iw_is_any(s) || iw_v4mapped(s->addr, a->addr);
	return false;
}

/* ---- the kernel's list -------------------------------------------------- */

static int iw_rec(void *ud, const struct sock_rec *rec)
{
	struct iw *w = ud;
	struct iw_sock *s;

	if (rec->sport != w->port)
		return 0;
	if (!w->o->udp && rec->state != SOCK_ST_LISTEN)
		return 0;
	/* a connected UDP socket takes datagrams from its peer only */
	if (w->o->udp && rec->state != SOCK_ST_CLOSE)
		return 0;
	if (w->nsocks == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 8;
		w->socks = xreallocarray(w->socks, w->cap, sizeof(*w->socks));
	}
	s = &w->socks[w->nsocks++];
	memset(s, 0, sizeof(*s));
	s->family = rec->family;
	s->state = rec->state;
	s->flags = rec->flags;
	s->rq = rec->rq;
	s->wq = rec->wq;
	s->uid = rec->uid;
	s->ifindex = rec->ifindex;
	s->inode = rec->inode;
	memcpy(s->addr, rec->src, rec->family == AF_INET ? 4 : 16);
	return 0;
}

/* A dump starts: what it delivers from here on may be discarded. */
static int iw_begin(void *ud, enum collect_dump dump)
{
	struct iw *w = ud;

	(void)dump;
	w->mark = w->nsocks;
	return 0;
}

/* The dump restarts (inconsistent): forget what it delivered. */
static int iw_discard(void *ud, enum collect_dump dump)
{
	struct iw *w = ud;

	(void)dump;
	w->nsocks = w->mark;
	return 0;
}

static int iw_collect(struct iw *w, struct sc_err *err)
{
	struct collect_query q = {
		.netids = SOCK_NETID_BIT(w->o->udp ? SOCK_NETID_UDP
						   : SOCK_NETID_TCP),
		.states = SOCK_STATES_ALL,
		.families = COLLECT_AF_INET | COLLECT_AF_INET6,
	};
	struct collect_opts co = { .proc_root = w->o->proc_root };
	struct collect_consumer c = {
		.ud = w,
		.begin = iw_begin,
		.discard = iw_discard,
		.rec = iw_rec,
	};
	struct collect_report rep = { 0 };

	return collect_run(&q, &co, &c, &rep, err);
}

/* ---- the checks --------------------------------------------------------- */

static const char *iw_proto(const struct iw *w)
{
	return w->o->udp ? "UDP" : "TCP";
}

static bool iw_local(const struct iw_addr *a)
{
	struct sockaddr_storage ss = a->sa;
	int fd, ok;

	if (iw_is_loopback(a))
		return true;
	fd = socket(a->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	if (a->family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_port = 0;
	else
		((struct sockaddr_in6 *)&ss)->sin6_port = 0;
	ok = bind(fd, (struct sockaddr *)&ss, a->len) == 0;
	close(fd);
	return ok;
}

static int iw_resolve(struct iw *w)
{
	struct addrinfo hints = { 0 }, *res = NULL, *ai;
	struct report_finding *f;
	struct report_cause *c;
	int e;

	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = w->o->udp ? SOCK_DGRAM : SOCK_STREAM;
	e = getaddrinfo(w->host, NULL, &hints, &res);
	if (e != 0) {
		f = report_add(w->r, "resolve", REPORT_FAIL);
		report_printf(&f->text, "%s does not resolve here: %s", w->host,
			      gai_strerror(e));
		c = report_cause(w->r, "unresolved", 0, IW_RANK_NAME);
		report_printf(&c->text,
			      "The name %s does not resolve on this machine "
			      "(%s): no connection can even start. Check the "
			      "name, /etc/hosts and the resolver.",
			      w->host, gai_strerror(e));
		report_printf(&c->fix, "getent ahosts %s", w->host);
		return -1;
	}
	for (ai = res; ai != NULL && w->naddrs < IW_ADDRS_MAX;
	     ai = ai->ai_next) {
		struct iw_addr *a = &w->addrs[w->naddrs];
		bool dup = false;

		if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
			continue;
		memset(a, 0, sizeof(*a));
		memcpy(&a->sa, ai->ai_addr, ai->ai_addrlen);
		a->len = ai->ai_addrlen;
		a->family = ai->ai_family;
		if (a->family == AF_INET) {
			struct sockaddr_in *in = (struct sockaddr_in *)&a->sa;

			in->sin_port = htons(w->port);
			memcpy(a->addr, &in->sin_addr, 4);
		} else {
			struct sockaddr_in6 *in6 =
				(struct sockaddr_in6 *)&a->sa;

			in6->sin6_port = htons(w->port);
			memcpy(a->addr, &in6->sin6_addr, 16);
		}
		for (size_t i = 0; i < w->naddrs && !dup; i++)
			dup = w->addrs[i].family == a->family &&
			      memcmp(w->addrs[i].addr, a->addr, 16) == 0;
		if (!dup) {
			a->local = iw_local(a);
			w->naddrs++;
		}
	}
	freeaddrinfo(res);
	f = report_add(w->r, "resolve",
		       w->naddrs > 0 ? REPORT_OK : REPORT_FAIL);
	report_printf(&f->text, "%s resolves here to ", w->host);
	for (size_t i = 0; i < w->naddrs; i++) {
		char t[INET6_ADDRSTRLEN];

		iw_ntop(w->addrs[i].family, w->addrs[i].addr, t, sizeof(t));
		report_printf(&f->text, "%s%s", i > 0 ? ", " : "", t);
		report_kv_str(f, "address", t, strlen(t));
	}
	if (w->naddrs > 1)
		sbuf_puts(&f->text, " (in this order: clients try them in "
				    "turn, some only the first)");
	if (w->naddrs == 0) {
		sbuf_puts(&f->text, "no IPv4 or IPv6 address");
		c = report_cause(w->r, "unresolved", 0, IW_RANK_NAME);
		report_printf(&c->text, "%s has no IPv4 or IPv6 address here.",
			      w->host);
		report_printf(&c->fix, "getent ahosts %s", w->host);
		return -1;
	}
	return 0;
}

static const char *iw_port_unit(uint16_t port)
{
	for (size_t i = 0; i < sizeof(iw_ports) / sizeof(iw_ports[0]); i++)
		if (iw_ports[i].port == port)
			return iw_ports[i].unit;
	return NULL;
}

/* "sudo systemctl CMD UNIT": the first name of "a (or b)". */
static void iw_systemctl(const struct iw *w, struct sbuf *b, const char *cmd,
			 const char *unit)
{
	const char *alt = strstr(unit, " (or ");

	report_printf(b, "%ssystemctl %s%s ", w->unit_user ? "" : "sudo ",
		      w->unit_user ? "--user " : "", cmd);
	sbuf_put(b, unit, alt != NULL ? (size_t)(alt - unit) : strlen(unit));
}

static void iw_owner(struct iw *w, const struct iw_sock *s)
{
	struct report_finding *f;
	char un[IDENT_NAME_MAX];
	struct sc_err err;

	if (w->have_holder)
		return;
	w->holder_of = s;
	if (ident_holder_of(w->o->proc_root, s->inode, &w->holder, &err) == 0)
		w->have_holder = true;
	f = report_add(w->r, "owner", REPORT_NOTE);
	if (w->have_holder && w->holder.found) {
		report_printf(&f->text, "served by pid %lu (%s)",
			      (unsigned long)w->holder.pid, w->holder.comm);
		report_kv_u64(f, "pid", w->holder.pid);
		report_kv_str(f, "comm", w->holder.comm,
			      strlen(w->holder.comm));
	} else {
		sbuf_puts(&f->text, "served by a process sockscope cannot see");
		if (geteuid() != 0)
			sbuf_puts(&f->text, " (run as root to name it)");
	}
	ident_user_name(s->uid, un, sizeof(un));
	report_printf(&f->text, ", user %s", un);
	report_kv_u64(f, "uid", s->uid);
	if (w->have_holder && w->holder.unit[0] != '\0') {
		size_t n = strlen(w->holder.unit);

		report_printf(&f->text, ", %sunit %s",
			      w->holder.user_unit ? "user " : "",
			      w->holder.unit);
		report_kv_str(f, "unit", w->holder.unit, n);
		if (n > 8 && strcmp(w->holder.unit + n - 8, ".service") == 0)
			n -= 8;
		snprintf(w->unit, sizeof(w->unit), "%.*s", (int)n,
			 w->holder.unit);
		w->unit_user = w->holder.user_unit;
	}
	report_kv_u64(f, "inode", s->inode);
}

static void iw_listeners(struct iw *w)
{
	struct report_finding *f;
	struct report_cause *c;
	const char *unit = iw_port_unit(w->port);

	if (w->nsocks == 0) {
		f = report_add(w->r, "listener", REPORT_FAIL);
		report_printf(&f->text, "nothing %s %s port %u, on any address",
			      w->o->udp ? "is bound to" : "listens on",
			      iw_proto(w), w->port);
		c = report_cause(w->r, "nothing_listening", ECONNREFUSED,
				 IW_RANK_LISTENER);
		report_printf(&c->text,
			      "No socket %s %s port %u on this machine (in "
			      "this network namespace): the server is not "
			      "running, or uses another port.",
			      w->o->udp ? "is bound to" : "listens on",
			      iw_proto(w), w->port);
		if (unit != NULL) {
			const char *alt = strstr(unit, " (or ");
			int n = alt != NULL ? (int)(alt - unit)
					    : (int)strlen(unit);

			report_printf(&c->text,
				      " Port %u is usually %s: see `systemctl "
				      "status %.*s`.",
				      w->port, unit, n, unit);
			iw_systemctl(w, &c->fix, "start", unit);
		} else {
			report_printf(&c->fix, "start the server on %s port %u",
				      iw_proto(w), w->port);
		}
		return;
	}
	f = report_add(w->r, "listener", REPORT_OK);
	report_printf(&f->text, "%s port %u %s ", iw_proto(w), w->port,
		      w->o->udp ? "has sockets bound on" : "is listened on at");
	for (size_t i = 0; i < w->nsocks; i++) {
		struct sbuf t = { 0 };

		if (i > 0)
			sbuf_puts(&f->text, ", ");
		iw_sock_text(&w->socks[i], &t);
		sbuf_put(&f->text, t.p, t.len);
		report_kv_str(f, "address", t.p, t.len);
		sbuf_free(&t);
	}
}

/* The addresses the name gave, one by one, against the listeners. */
static void iw_addresses(struct iw *w)
{
	struct report_finding *f;

	for (size_t i = 0; i < w->naddrs; i++) {
		struct iw_addr *a = &w->addrs[i];
		struct sbuf at = { 0 };

		iw_addr_port(a->family, a->addr, w->port, &at);
		for (size_t k = 0; k < w->nsocks && a->match == NULL; k++)
			if (iw_accepts(w, &w->socks[k], a))
				a->match = &w->socks[k];
		if (!a->local) {
			f = report_add(w->r, "address", REPORT_NOTE);
			sbuf_put(&f->text, at.p, at.len);
			sbuf_puts(&f->text, ": not an address of this machine; "
					    "its listeners cannot be seen from "
					    "here, only the probe can tell");
			a->has_prediction = false;
		} else if (a->match != NULL) {
			f = report_add(w->r, "address", REPORT_OK);
			sbuf_put(&f->text, at.p, at.len);
			sbuf_puts(&f->text, ": taken by the socket on ");
			iw_sock_text(a->match, &f->text);
			a->has_prediction = true;
			a->predicted = 0;
		} else {
			f = report_add(w->r, "address",
				       w->nsocks > 0 ? REPORT_FAIL
						     : REPORT_NOTE);
			sbuf_put(&f->text, at.p, at.len);
			sbuf_puts(&f->text, ": no socket takes it");
			if (w->nsocks > 0)
				sbuf_puts(&f->text, " (the listeners are on "
						    "other addresses)");
			a->has_prediction = true;
			/* a closed UDP port answers with ICMP unreachable,
			 * a closed TCP port with a reset */
			a->predicted = ECONNREFUSED;
		}
		report_kv_str(f, "address", at.p, at.len);
		sbuf_free(&at);
	}
}

/* The listeners and the addresses asked for do not meet. */
static void iw_mismatch(struct iw *w)
{
	struct report_cause *c;
	const struct iw_sock *s = &w->socks[0];
	struct sbuf on = { 0 }, use = { 0 };
	size_t matched = 0, local = 0;
	bool first_fails;

	for (size_t i = 0; i < w->naddrs; i++) {
		matched += w->addrs[i].match != NULL;
		local += w->addrs[i].local;
	}
	if (w->nsocks == 0 || local == 0)
		return;
	first_fails = w->addrs[0].local && w->addrs[0].match == NULL;
	if (matched > 0) {
		if (first_fails) {
			struct report_finding *f =
				report_add(w->r, "order", REPORT_NOTE);
			char t[INET6_ADDRSTRLEN];

			iw_ntop(w->addrs[0].family, w->addrs[0].addr, t,
				sizeof(t));
			report_printf(&f->text,
				      "%s comes first for %s, and nothing "
				      "takes it: clients that try only the "
				      "first address fail",
				      t, w->host);
		}
		return;
	}
	for (size_t i = 0; i < w->nsocks; i++) {
		if (i > 0)
			sbuf_puts(&on, i + 1 == w->nsocks ? " and " : ", ");
		iw_sock_text(&w->socks[i], &on);
	}
	/* a target the server does take: its own address, or 127.0.0.1 /
	 * ::1 for a wildcard */
	if (iw_is_any(s)) {
		if (s->family == AF_INET)
			report_printf(&use, "127.0.0.1:%u", w->port);
		else
			report_printf(&use, "[::1]:%u", w->port);
	} else {
		iw_addr_port(s->family, s->addr, w->port, &use);
	}
	c = report_cause(w->r, "wrong_address", ECONNREFUSED, IW_RANK_ADDRESS);
	report_printf(&c->text,
		      "The server listens on %s port %u, but only "
		      "on ",
		      iw_proto(w), w->port);
	sbuf_put(&c->text, on.p, on.len);
	if (w->naddrs == 1) {
		char t[INET6_ADDRSTRLEN];

		iw_ntop(w->addrs[0].family, w->addrs[0].addr, t, sizeof(t));
		if (strcmp(t, w->host) == 0)
			report_printf(&c->text,
				      "; it does not take the "
				      "target %s",
				      t);
		else
			report_printf(&c->text,
				      "; %s is %s here, which it "
				      "does not take",
				      w->host, t);
	} else {
		report_printf(&c->text, "; %s is ", w->host);
		for (size_t i = 0; i < w->naddrs; i++) {
			char t[INET6_ADDRSTRLEN];

			iw_ntop(w->addrs[i].family, w->addrs[i].addr, t,
				sizeof(t));
			report_printf(&c->text, "%s%s", i > 0 ? " and " : "",
				      t);
		}
		sbuf_puts(&c->text, " here, which it takes none of");
	}
	sbuf_puts(&c->text, ". Connect to ");
	sbuf_put(&c->text, use.p, use.len);
	sbuf_puts(&c->text, " instead, or make the server listen on the "
			    "address the clients use as well (or on every "
			    "address: :: or 0.0.0.0, if that is safe).");
	sbuf_puts(&c->fix, "connect to ");
	sbuf_put(&c->fix, use.p, use.len);
	sbuf_free(&on);
	sbuf_free(&use);
}

static void iw_queue(struct iw *w)
{
	struct report_finding *f;
	struct report_cause *c;
	const struct iw_sock *s = NULL;

	for (size_t i = 0; i < w->naddrs && s == NULL; i++)
		s = w->addrs[i].match;
	if (s == NULL)
		s = w->nsocks > 0 ? &w->socks[0] : NULL;
	if (s == NULL)
		return;
	iw_owner(w, s);
	if (w->o->udp || s->state != SOCK_ST_LISTEN)
		return;
	/* the kernel's sk_acceptq_is_full(): more than the backlog */
	if (s->rq > s->wq) {
		f = report_add(w->r, "queue", REPORT_FAIL);
		report_printf(&f->text,
			      "the accept queue is full: %lu connections wait "
			      "for accept(), the backlog is %lu",
			      (unsigned long)s->rq, (unsigned long)s->wq);
		report_kv_u64(f, "pending", s->rq);
		report_kv_u64(f, "backlog", s->wq);
		for (size_t i = 0; i < w->naddrs; i++)
			if (w->addrs[i].match == s)
				w->addrs[i].predicted = ETIMEDOUT;
		c = report_cause(w->r, "queue_full", ETIMEDOUT, IW_RANK_SERVER);
		sbuf_puts(&c->text, "The server does not accept connections: "
				    "its accept "
				    "queue is full, so the kernel drops new "
				    "SYNs and "
				    "clients wait until they time out. It is "
				    "hung or "
				    "overloaded; a larger backlog only delays "
				    "this.");
		if (w->unit[0] != '\0')
			iw_systemctl(w, &c->fix, "restart", w->unit);
		else if (w->have_holder && w->holder.found)
			report_printf(&c->fix,
				      "check the server (pid %lu, %s): it "
				      "does not call accept()",
				      (unsigned long)w->holder.pid,
				      w->holder.comm);
		else
			sbuf_puts(&c->fix, "check the server: it does not call "
					   "accept()");
		return;
	}
	f = report_add(w->r, "queue",
		       s->rq == s->wq && s->wq > 0 ? REPORT_NOTE : REPORT_OK);
	report_printf(&f->text, "the accept queue has %lu of %lu waiting%s",
		      (unsigned long)s->rq, (unsigned long)s->wq,
		      s->rq == s->wq && s->wq > 0 ? ": at its limit, the next "
						    "connection fills it"
						  : "");
}

/* ---- probe and verdict -------------------------------------------------- */

static void iw_probe_outcome(const struct iw *w, const struct iw_addr *a,
			     struct sbuf *b)
{
	const char *name = probe_errno_name(a->pr.err);

	switch (a->pr.outcome) {
	case PROBE_UDP_ANSWERED:
		sbuf_puts(b, "answered");
		break;
	case PROBE_UDP_SILENT:
		report_printf(
			b, "no answer and no refusal within %llu ms",
			(unsigned long long)(w->o->timeout_ns < IW_UDP_WAIT_NS
						     ? w->o->timeout_ns
						     : IW_UDP_WAIT_NS) /
				1000000u);
		break;
	case PROBE_CONNECTED:
		sbuf_puts(b, "connected");
		break;
	default:
		if (name != NULL)
			sbuf_puts(b, name);
		else
			report_printf(b, "errno %d", a->pr.err);
		break;
	}
}

/* "[::1]:80 ECONNREFUSED" for the list of attempts. */
static void iw_probe_note(const struct iw *w, const struct iw_addr *a,
			  struct sbuf *b)
{
	if (b->len > 0)
		sbuf_puts(b, ", ");
	iw_addr_port(a->family, a->addr, w->port, b);
	sbuf_putc(b, ' ');
	iw_probe_outcome(w, a, b);
}

static int iw_probe(struct iw *w, struct sc_err *err)
{
	struct probe_as as = { 0 };
	struct report *r = w->r;
	uint64_t t = w->o->timeout_ns;
	bool ok = false;
	int first_err = 0;

	if (w->o->udp && t > IW_UDP_WAIT_NS)
		t = IW_UDP_WAIT_NS;
	if (w->o->switch_user) {
		as.switch_user = true;
		as.uid = w->o->id->uid;
		as.gid = w->o->id->gid;
		as.groups = w->o->id->sess_groups;
		as.ngroups = w->o->id->n_sess;
	}
	/* as a client does: each address in turn until one works */
	for (size_t i = 0; i < w->naddrs && !ok; i++) {
		struct iw_addr *a = &w->addrs[i];

		if (probe_connect((struct sockaddr *)&a->sa, a->len,
				  w->o->udp ? SOCK_DGRAM : SOCK_STREAM,
				  w->o->udp, &as, t, &a->pr, err) < 0)
			return -1;
		a->probed = true;
		if (w->naddrs > 1)
			iw_probe_note(w, a, &r->probe_note);
		else if (a->pr.outcome == PROBE_UDP_ANSWERED ||
			 a->pr.outcome == PROBE_UDP_SILENT)
			iw_probe_outcome(w, a, &r->probe_note);
		if (a->pr.err == 0)
			ok = true;
		else if (i == 0)
			first_err = a->pr.err;
	}
	r->probed = true;
	r->probe_err = ok ? 0 : first_err;
	if (w->o->udp)
		r->probe_call = "datagram";
	return 0;
}

/* What a client trying the addresses in turn should get. */
static void iw_predict(struct iw *w)
{
	struct report *r = w->r;

	r->has_prediction = true;
	for (size_t i = 0; i < w->naddrs; i++) {
		const struct iw_addr *a = &w->addrs[i];

		if (!a->has_prediction) {
			r->has_prediction = false;
			return;
		}
		if (a->predicted == 0) {
			r->predicted = 0;
			return;
		}
	}
	r->predicted = w->naddrs > 0 ? w->addrs[0].predicted : 0;
}

static void iw_verdict(struct iw *w)
{
	struct report *r = w->r;
	struct report_finding *f;
	bool any_local = false;

	for (size_t i = 0; i < w->naddrs; i++)
		any_local = any_local || w->addrs[i].local;
	if (r->ncauses > 0) {
		bool has = r->has_prediction;
		int pred = r->predicted;

		report_decide(r);
		/* the per-address prediction knows the order of addresses */
		r->has_prediction = has;
		r->predicted = pred;
		return;
	}
	r->cause = "ok";
	if (!any_local) {
		r->cause = "remote";
		report_printf(&r->verdict,
			      "%s is not this machine: sockscope sees only "
			      "local sockets. ",
			      w->host);
		if (r->probe_err == ETIMEDOUT)
			sbuf_puts(&r->verdict, "The attempt timed out: a "
					       "firewall drops "
					       "the packets, the host is down, "
					       "or its "
					       "server's queue is full.");
		else if (r->probe_err == ECONNREFUSED)
			sbuf_puts(&r->verdict, "The host refused: nothing "
					       "listens on that "
					       "port there, or a firewall "
					       "rejects it.");
		else if (r->probe_err == 0)
			sbuf_puts(&r->verdict, "The attempt worked.");
		else
			report_printf(&r->verdict, "The attempt failed: %s.",
				      strerror(r->probe_err));
		return;
	}
	if (r->probe_err == ETIMEDOUT) {
		f = report_add(r, "timeout", REPORT_NOTE);
		sbuf_puts(&f->text, "the attempt timed out although a listener "
				    "takes "
				    "the address: a firewall rule (nftables, "
				    "iptables) "
				    "drops the SYN, or the queue filled "
				    "meanwhile");
	}
	report_printf(&r->verdict,
		      "Every check passes: a socket takes %s port %u on the "
		      "address%s %s resolves to.",
		      iw_proto(w), w->port, w->naddrs > 1 ? "es" : "", w->host);
}

int inetwhy_run(const char *target, const struct inetwhy_opts *o,
		struct report *r, struct sc_err *err)
{
	struct iw w = { 0 };
	int ret = -1;

	w.o = o;
	w.r = r;
	if (inetwhy_split(target, w.host, sizeof(w.host), &w.port, err) < 0)
		return -1;
	ident_display(o->id, w.user, sizeof(w.user));
	w.lo_index = if_nametoindex("lo");
	report_printf(&r->what, "%s port %u on %s", iw_proto(&w), w.port,
		      w.host);
	if (iw_collect(&w, err) < 0)
		goto out;
	if (iw_resolve(&w) < 0) {
		report_decide(r);
		r->has_prediction = false;
		ret = 0;
		goto out;
	}
	iw_listeners(&w);
	iw_addresses(&w);
	iw_mismatch(&w);
	iw_queue(&w);
	iw_predict(&w);
	if (iw_probe(&w, err) < 0)
		goto out;
	iw_verdict(&w);
	ret = 0;
out:
	free(w.socks);
	return ret;
}
