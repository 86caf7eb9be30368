/* addr.c - address and port text for the listing, in ss's forms, with
 * caches for service names (/etc/services), host names (-r) and interface
 * names. Names that come from outside (Unix paths, DNS answers, interface
 * names) are escaped here, at the sink side. */
#include "config.h"

#include "output/addr.h"
#include "util/escape.h"
#include "util/obuf.h"
#include "util/readfile.h"
#include "util/xalloc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct addr_service {
	uint16_t port;
	uint8_t udp; /* 0 tcp, 1 udp */
	uint32_t seq; /* line order: the first entry for a port wins */
	char *name;
};

struct addr_host {
	uint8_t used;
	uint8_t family;
	uint8_t addr[16];
	char *name; /* escaped host text, or NULL for numeric */
};

#define ADDR_IFCACHE 64
#define ADDR_HOSTCACHE_MIN 256

struct addr_ctx {
	struct addr_opts o;
	/* services, sorted by (udp, port); loaded on first use */
	int services_loaded;
	struct addr_service *svc;
	size_t nsvc;
	/* interface names by index (small indices only) */
	char *ifname[ADDR_IFCACHE];
	/* host names: open addressing */
	struct addr_host *hosts;
	size_t nhosts, hostcap;
};

struct addr_ctx *addr_ctx_new(const struct addr_opts *o)
{
	struct addr_ctx *c = xcalloc(1, sizeof(*c));
	c->o = *o;
	return c;
}

void addr_ctx_free(struct addr_ctx *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->nsvc; i++)
		free(c->svc[i].name);
	free(c->svc);
	for (size_t i = 0; i < ADDR_IFCACHE; i++)
		free(c->ifname[i]);
	for (size_t i = 0; i < c->hostcap; i++)
		free(c->hosts[i].name);
	free(c->hosts);
	free(c);
}

/* ---- /etc/services -------------------------------------------------- */

static int addr_svc_cmp(const void *a, const void *b)
{
	const struct addr_service *x = a, *y = b;
	if (x->udp != y->udp)
		return x->udp - y->udp;
	if (x->port != y->port)
		return (int)x->port - (int)y->port;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void addr_services_parse_line(struct addr_ctx *c, char *line,
				     size_t *cap)
{
	char *save = NULL;
	char *name = strtok_r(line, " \t", &save);
	char *pp = strtok_r(NULL, " \t", &save);
	char *slash, *end;
	unsigned long port;
	uint8_t udp;

	if (name == NULL || pp == NULL || name[0] == '#')
		return;
	slash = strchr(pp, '/');
	if (slash == NULL)
		return;
	*slash = '\0';
	errno = 0;
	port = strtoul(pp, &end, 10);
	if (errno != 0 || *end != '\0' || end == pp || port == 0 ||
	    port > 65535)
		return;
	if (strcmp(slash + 1, "tcp") == 0)
		udp = 0;
	else if (strcmp(slash + 1, "udp") == 0)
		udp = 1;
	else
		return;
	if (c->nsvc == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		c->svc = xreallocarray(c->svc, *cap, sizeof(*c->svc));
	}
	c->svc[c->nsvc].port = (uint16_t)port;
	c->svc[c->nsvc].udp = udp;
	c->svc[c->nsvc].seq = (uint32_t)c->nsvc;
	c->svc[c->nsvc].name = xstrdup(name);
	c->nsvc++;
}

static void addr_services_load(struct addr_ctx *c)
{
	const char *path = c->o.services_path ? c->o.services_path
					      : "/etc/services";
	struct sc_err err;
	size_t cap = 0, len;
	char *buf;

	c->services_loaded = 1;
	/* No services file, or an implausible one: ports stay numeric. */
	if (sc_read_file(path, 16u * 1024 * 1024, &buf, &len, &err) < 0)
		return;
	for (char *line = buf; line < buf + len;) {
		char *nl = memchr(line, '\n', (size_t)(buf + len - line));
		char *hash;
		if (nl != NULL)
			*nl = '\0';
		hash = strchr(line, '#');
		if (hash != NULL)
			*hash = '\0';
		addr_services_parse_line(c, line, &cap);
		if (nl == NULL)
			break;
		line = nl + 1;
	}
	free(buf);
	/* Sorted with line order as the last key: the lookup finds the first
	 * entry for a port, as getservbyport() does. */
	if (c->nsvc > 0)
		qsort(c->svc, c->nsvc, sizeof(*c->svc), addr_svc_cmp);
}

static const char *addr_service(struct addr_ctx *c, uint16_t port, int udp)
{
	size_t lo = 0, hi;

	if (!c->services_loaded)
		addr_services_load(c);
	hi = c->nsvc;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct addr_service *s = &c->svc[mid];
		if (s->udp < udp || (s->udp == udp && s->port < port))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < c->nsvc && c->svc[lo].udp == udp && c->svc[lo].port == port)
		return c->svc[lo].name;
	return NULL;
}

/* ---- numbers and addresses ------------------------------------------ */

size_t addr_fmt_ipv4(char *out, const uint8_t a[4])
{
	char *o = out;
	for (int i = 0; i < 4; i++) {
		unsigned v = a[i];
		if (v >= 100) {
			*o++ = (char)('0' + v / 100);
			*o++ = (char)('0' + v / 10 % 10);
		} else if (v >= 10) {
			*o++ = (char)('0' + v / 10);
		}
		*o++ = (char)('0' + v % 10);
		if (i < 3)
			*o++ = '.';
	}
	*o = '\0';
	return (size_t)(o - out);
}

size_t addr_fmt_hostport(char *out, int family, const uint8_t *a,
			 uint16_t port)
{
	char host[INET6_ADDRSTRLEN];
	int n;

	if (family == AF_INET) {
		addr_fmt_ipv4(host, a);
		n = snprintf(out, ADDR_HOSTPORT_MAX, "%s:%u", host, port);
	} else {
		if (inet_ntop(AF_INET6, a, host, sizeof(host)) == NULL)
			memcpy(host, "?", 2);
		n = snprintf(out, ADDR_HOSTPORT_MAX, "[%s]:%u", host, port);
	}
	return n > 0 ? (size_t)n : 0;
}

static size_t addr_port(struct addr_ctx *c, const struct sock_rec *r,
			uint16_t port, char *out)
{
	const char *name;

	if (port == 0) {
		out[0] = '*';
		out[1] = '\0';
		return 1;
	}
	if (!c->o.numeric) {
		name = addr_service(c, port, r->netid == SOCK_NETID_UDP);
		if (name != NULL) {
			size_t n = strlen(name);
			if (n > 64)
				n = 64;
			return esc_text(out, name, n, c->o.esc_flags | ESC_SPACE,
					NULL);
		}
	}
	{
		size_t n = fmt_u64(out, port);
		out[n] = '\0';
		return n;
	}
}

static const char *addr_ifname(struct addr_ctx *c, uint32_t ifindex,
			       char *tmp)
{
	char name[IF_NAMESIZE];

	if (ifindex < ADDR_IFCACHE && c->ifname[ifindex] != NULL)
		return c->ifname[ifindex];
	if (if_indextoname(ifindex, name) == NULL) {
		size_t n = fmt_u64(tmp, ifindex);
		tmp[n] = '\0';
		return tmp;
	}
	esc_text(tmp, name, strnlen(name, IF_NAMESIZE),
		 c->o.esc_flags | ESC_SPACE, NULL);
	if (ifindex < ADDR_IFCACHE) {
		c->ifname[ifindex] = xstrdup(tmp);
		return c->ifname[ifindex];
	}
	return tmp;
}

static size_t addr_host_hash(int family, const uint8_t *a)
{
	size_t h = (size_t)family * 1099511628211u;
	for (int i = 0; i < 16; i++)
		h = (h ^ a[i]) * 1099511628211u;
	return h;
}

/* The -r name of an address, escaped, or NULL to print it numerically. */
static const char *addr_hostname(struct addr_ctx *c, int family,
				 const uint8_t *a)
{
	size_t i;
	struct addr_host *h;
	char host[NI_MAXHOST];
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	} sa;
	socklen_t salen;

	if (c->nhosts * 2 >= c->hostcap) {
		struct addr_host *old = c->hosts;
		size_t oldcap = c->hostcap;
		c->hostcap = oldcap ? oldcap * 2 : ADDR_HOSTCACHE_MIN;
		c->hosts = xcalloc(c->hostcap, sizeof(*c->hosts));
		for (size_t k = 0; k < oldcap; k++) {
			if (!old[k].used)
				continue;
			i = addr_host_hash(old[k].family, old[k].addr) &
			    (c->hostcap - 1);
			while (c->hosts[i].used)
				i = (i + 1) & (c->hostcap - 1);
			c->hosts[i] = old[k];
		}
		free(old);
	}
	i = addr_host_hash(family, a) & (c->hostcap - 1);
	while (c->hosts[i].used) {
		if (c->hosts[i].family == family &&
		    memcmp(c->hosts[i].addr, a, 16) == 0)
			return c->hosts[i].name;
		i = (i + 1) & (c->hostcap - 1);
	}
	h = &c->hosts[i];
	h->used = 1;
	h->family = (uint8_t)family;
	memcpy(h->addr, a, 16);
	h->name = NULL;
	c->nhosts++;

	memset(&sa, 0, sizeof(sa));
	if (family == AF_INET) {
		sa.in.sin_family = AF_INET;
		memcpy(&sa.in.sin_addr, a, 4);
		salen = sizeof(sa.in);
	} else {
		sa.in6.sin6_family = AF_INET6;
		memcpy(&sa.in6.sin6_addr, a, 16);
		salen = sizeof(sa.in6);
	}
	if (getnameinfo(&sa.sa, salen, host, sizeof(host), NULL, 0,
			NI_NAMEREQD) == 0) {
		size_t n = strnlen(host, sizeof(host));
		char *e;
		if (n > 255)
			n = 255;
		e = xmalloc(ESC_MAX(n));
		esc_text(e, host, n, c->o.esc_flags | ESC_SPACE, NULL);
		h->name = e;
	}
	return h->name;
}

static int addr_is_zero(const uint8_t *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != 0)
			return 0;
	return 1;
}

static size_t addr_inet_host(struct addr_ctx *c, const struct sock_rec *r,
			     const uint8_t *a, uint32_t ifindex, char *out)
{
	size_t alen = r->family == AF_INET ? 4 : 16;
	const char *name = NULL;
	char *o = out;

	if (alen == 16 && addr_is_zero(a, 16) && !(r->flags & SOCK_F_V6ONLY)) {
		*o++ = '*'; /* the dual-stack wildcard, as ss shows it */
	} else {
		if (c->o.resolve && !addr_is_zero(a, alen))
			name = addr_hostname(c, r->family, a);
		if (name != NULL) {
			size_t n = strlen(name);
			memcpy(o, name, n);
			o += n;
		} else if (alen == 4) {
			o += addr_fmt_ipv4(o, a);
		} else {
			char tmp[INET6_ADDRSTRLEN];
			size_t n;
			inet_ntop(AF_INET6, a, tmp, sizeof(tmp));
			n = strlen(tmp);
			*o++ = '[';
			memcpy(o, tmp, n);
			o += n;
			*o++ = ']';
		}
	}
	if (ifindex != 0) {
		char tmp[4 * IF_NAMESIZE + 24];
		const char *ifn = addr_ifname(c, ifindex, tmp);
		size_t n = strlen(ifn);
		*o++ = '%';
		memcpy(o, ifn, n);
		o += n;
	}
	*o = '\0';
	return (size_t)(o - out);
}

size_t addr_unix_text(unsigned flags, const char *name, size_t len,
		      char *out, size_t *cols)
{
	size_t n, w = 0;

	if (len == 0 || name == NULL) {
		out[0] = '*';
		out[1] = '\0';
		if (cols != NULL)
			*cols = 1;
		return 1;
	}
	if (name[0] == '\0') {
		out[0] = '@';
		n = esc_text(out + 1, name + 1, len - 1u, flags, &w);
		if (cols != NULL)
			*cols = w + 1;
		return n + 1;
	}
	n = strnlen(name, len);
	n = esc_text(out, name, n, flags, &w);
	if (cols != NULL)
		*cols = w;
	return n;
}

static size_t addr_unix_name(struct addr_ctx *c, const struct sock_rec *r,
			     char *out, size_t *cols)
{
	return addr_unix_text(c->o.esc_flags, r->name, r->name_len, out, cols);
}

size_t addr_local_host(struct addr_ctx *c, const struct sock_rec *r,
		       char *out, size_t *cols)
{
	size_t n;

	if (r->family == AF_UNIX)
		return addr_unix_name(c, r, out, cols);
	n = addr_inet_host(c, r, r->src, r->ifindex, out);
	if (cols != NULL) /* a host or interface name may be UTF-8 */
		*cols = esc_cols(out, n);
	return n;
}

size_t addr_peer_host(struct addr_ctx *c, const struct sock_rec *r, char *out,
		      size_t *cols)
{
	size_t n;

	if (r->family == AF_UNIX) {
		out[0] = '*';
		out[1] = '\0';
		n = 1;
	} else {
		n = addr_inet_host(c, r, r->dst, 0, out);
	}
	if (cols != NULL)
		*cols = esc_cols(out, n);
	return n;
}

size_t addr_local_port(struct addr_ctx *c, const struct sock_rec *r, char *out)
{
	if (r->family == AF_UNIX) {
		size_t n = fmt_u64(out, r->inode);
		out[n] = '\0';
		return n;
	}
	return addr_port(c, r, r->sport, out);
}

size_t addr_peer_port(struct addr_ctx *c, const struct sock_rec *r, char *out)
{
	if (r->family == AF_UNIX) {
		size_t n;
		if (!(r->flags & SOCK_F_HAS_PEER)) {
			out[0] = '?'; /* /proc/net/unix does not say */
			out[1] = '\0';
			return 1;
		}
		n = fmt_u64(out, r->peer_ino);
		out[n] = '\0';
		return n;
	}
	return addr_port(c, r, r->dport, out);
}

char addr_separator(const struct sock_rec *r)
{
	return r->family == AF_UNIX ? ' ' : ':';
}
