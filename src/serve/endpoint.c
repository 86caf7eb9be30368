/* endpoint.c - parsing serve and connect targets into socket addresses,
 * and writing addresses back as the listing shows them. */
#include "config.h"

#include "serve/endpoint.h"

#include "output/addr.h"
#include "util/escape.h"
#include "util/parse.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* How much of a bad argument an error quotes. */
#define EP_QUOTE_MAX 80

/* s, escaped and cut to EP_QUOTE_MAX bytes, for an error message. */
static const char *ep_quote(char out[ESC_MAX(EP_QUOTE_MAX) + 4],
			    const char *s, size_t len)
{
	size_t n = len < EP_QUOTE_MAX ? len : EP_QUOTE_MAX;
	size_t k = esc_text(out, s, n, 0, NULL);

	if (n < len)
		memcpy(out + k, "...", 4);
	return out;
}

struct ep_type_name {
	const char *name;
	int type;
};

static const struct ep_type_name ep_types[] = {
	{ "stream", SOCK_STREAM },
	{ "dgram", SOCK_DGRAM },
	{ "seqpacket", SOCK_SEQPACKET },
};

int ep_parse_type(const char *s, int *type, struct sc_err *err)
{
	char q[ESC_MAX(EP_QUOTE_MAX) + 4];

	for (size_t i = 0; i < sizeof(ep_types) / sizeof(ep_types[0]); i++) {
		if (strcmp(s, ep_types[i].name) == 0) {
			*type = ep_types[i].type;
			return 0;
		}
	}
	return sc_err_set(err, EINVAL,
			  "invalid --type '%s' (expected stream, dgram or "
			  "seqpacket)",
			  ep_quote(q, s, strlen(s)));
}

const char *ep_kind_name(enum ep_kind kind)
{
	switch (kind) {
	case EP_TCP:
		return "tcp";
	case EP_UDP:
		return "udp";
	case EP_UNIX:
		return "unix";
	}
	return "?";
}

static int ep_parse_unix(struct endpoint *ep, const char *target,
			 unsigned flags, struct sc_err *err)
{
	struct sockaddr_un *sun = (struct sockaddr_un *)&ep->addr;
	size_t len;

	sun->sun_family = AF_UNIX;
	if (target == NULL) {
		if (flags & EP_FOR_CONNECT)
			return sc_err_set(err, EINVAL,
					  "unix needs a socket path or "
					  "@NAME to connect to");
		ep->no_path = true;
		ep->addrlen = sizeof(sa_family_t);
		return 0;
	}
	ep->explicit_addr = true;
	if (target[0] == '@') {
		len = strlen(target + 1);
		if (len == 0)
			return sc_err_set(err, EINVAL,
					  "empty abstract socket name '@'");
		if (len > EP_UNIX_NAME_MAX)
			return sc_err_set(err, EINVAL,
					  "abstract socket name is %zu bytes "
					  "long; the limit is %zu",
					  len, EP_UNIX_NAME_MAX);
		ep->abstract = true;
		sun->sun_path[0] = '\0';
		memcpy(sun->sun_path + 1, target + 1, len);
		ep->addrlen = (socklen_t)(offsetof(struct sockaddr_un,
						    sun_path) + 1 + len);
		return 0;
	}
	len = strlen(target);
	if (len == 0)
		return sc_err_set(err, EINVAL, "empty socket path");
	if (len > EP_UNIX_NAME_MAX)
		return sc_err_set(err, EINVAL,
				  "socket path is %zu bytes long; the limit "
				  "is %zu",
				  len, EP_UNIX_NAME_MAX);
	memcpy(sun->sun_path, target, len + 1);
	ep->addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
				  len + 1);
	return 0;
}

/* host (NUL-terminated) into ep->addr; numeric_v6 for a bracketed
 * literal. The port is filled in later. */
static int ep_resolve(struct endpoint *ep, const char *host, bool numeric_v6,
		      const char *spec, struct sc_err *err)
{
	struct addrinfo hints = { 0 }, *res = NULL;
	char q[ESC_MAX(EP_QUOTE_MAX) + 4], q2[ESC_MAX(EP_QUOTE_MAX) + 4];
	int r;

	hints.ai_family = numeric_v6 ? AF_INET6 : AF_UNSPEC;
	hints.ai_socktype = ep->kind == EP_UDP ? SOCK_DGRAM : SOCK_STREAM;
	hints.ai_flags = numeric_v6 ? AI_NUMERICHOST : 0;
	r = getaddrinfo(host, NULL, &hints, &res);
	if (r != 0 || res == NULL) {
		if (numeric_v6)
			return sc_err_set(err, EINVAL,
					  "invalid IPv6 address '%s' in '%s'",
					  ep_quote(q, host, strlen(host)),
					  ep_quote(q2, spec, strlen(spec)));
		sc_err_set(err, ENOENT, "cannot resolve '%s': %s",
			   ep_quote(q, host, strlen(host)),
			   r == EAI_SYSTEM ? strerror(errno) : gai_strerror(r));
		if (res != NULL)
			freeaddrinfo(res);
		return -1;
	}
	memcpy(&ep->addr, res->ai_addr, res->ai_addrlen);
	ep->addrlen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static int ep_parse_inet(struct endpoint *ep, const char *target,
			 unsigned flags, struct sc_err *err)
{
	char q[ESC_MAX(EP_QUOTE_MAX) + 4];
	char host[NI_MAXHOST];
	const char *port_text, *colon;
	bool bracket = false;
	size_t hlen = 0;
	uint64_t port;

	if (target == NULL)
		return sc_err_set(err, EINVAL, "%s needs [ADDR:]PORT",
				  ep_kind_name(ep->kind));
	if (target[0] == '[') {
		const char *close = strchr(target, ']');

		if (close == NULL)
			return sc_err_set(err, EINVAL,
					  "invalid address '%s' (missing ']')",
					  ep_quote(q, target, strlen(target)));
		if (close[1] != ':')
			return sc_err_set(err, EINVAL,
					  "invalid address '%s' (expected "
					  "[IPV6]:PORT)",
					  ep_quote(q, target, strlen(target)));
		hlen = (size_t)(close - target - 1);
		if (hlen == 0)
			return sc_err_set(err, EINVAL,
					  "invalid address '%s' (empty IPv6 "
					  "address)",
					  ep_quote(q, target, strlen(target)));
		if (hlen >= sizeof(host))
			return sc_err_set(err, EINVAL,
					  "invalid address '%s' (too long)",
					  ep_quote(q, target, strlen(target)));
		memcpy(host, target + 1, hlen);
		bracket = true;
		port_text = close + 2;
	} else {
		colon = strrchr(target, ':');
		if (colon != NULL && memchr(target, ':', (size_t)(colon - target)))
			return sc_err_set(err, EINVAL,
					  "invalid address '%s' (write an IPv6 "
					  "address in brackets: [::1]:PORT)",
					  ep_quote(q, target, strlen(target)));
		if (colon == NULL) {
			port_text = target;
			if (target[strspn(target, "0123456789")] != '\0')
				return sc_err_set(err, EINVAL,
						  "missing port in '%s' "
						  "(expected [ADDR:]PORT)",
						  ep_quote(q, target,
							   strlen(target)));
		} else {
			hlen = (size_t)(colon - target);
			if (hlen >= sizeof(host))
				return sc_err_set(err, EINVAL,
						  "invalid address '%s' (too "
						  "long)",
						  ep_quote(q, target,
							   strlen(target)));
			memcpy(host, target, hlen);
			port_text = colon + 1;
		}
	}
	host[hlen] = '\0';
	if (port_text[0] == '\0')
		return sc_err_set(err, EINVAL,
				  "missing port in '%s' (expected [ADDR:]PORT)",
				  ep_quote(q, target, strlen(target)));
	if (parse_u64(port_text, flags & EP_FOR_CONNECT ? 1 : 0, 65535,
		      "port", &port, err) < 0)
		return -1;
	if (hlen > 0) {
		struct in_addr a4;

		ep->explicit_addr = true;
		if (!bracket && inet_pton(AF_INET, host, &a4) == 1) {
			struct sockaddr_in *sin = (struct sockaddr_in *)&ep->addr;

			sin->sin_family = AF_INET;
			sin->sin_addr = a4;
			ep->addrlen = sizeof(*sin);
		} else if (ep_resolve(ep, host, bracket, target, err) < 0) {
			return -1;
		}
	} else {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ep->addr;

		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		ep->addrlen = sizeof(*sin);
	}
	if (ep->addr.ss_family == AF_INET)
		((struct sockaddr_in *)&ep->addr)->sin_port =
			htons((uint16_t)port);
	else
		((struct sockaddr_in6 *)&ep->addr)->sin6_port =
			htons((uint16_t)port);
	return 0;
}

int ep_parse(struct endpoint *ep, const char *kind, const char *target,
	     unsigned flags, struct sc_err *err)
{
	char q[ESC_MAX(EP_QUOTE_MAX) + 4];

	memset(ep, 0, sizeof(*ep));
	if (strcmp(kind, "tcp") == 0) {
		ep->kind = EP_TCP;
		ep->type = SOCK_STREAM;
	} else if (strcmp(kind, "udp") == 0) {
		ep->kind = EP_UDP;
		ep->type = SOCK_DGRAM;
	} else if (strcmp(kind, "unix") == 0) {
		ep->kind = EP_UNIX;
		ep->type = SOCK_STREAM;
		return ep_parse_unix(ep, target, flags, err);
	} else {
		return sc_err_set(err, EINVAL,
				  "unknown socket kind '%s' (expected tcp, udp "
				  "or unix)",
				  ep_quote(q, kind, strlen(kind)));
	}
	return ep_parse_inet(ep, target, flags, err);
}

bool ep_is_loopback(const struct sockaddr *sa, socklen_t len)
{
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;

		return (ntohl(sin->sin_addr.s_addr) >> 24) == 127;
	}
	if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *s6 =
			(const struct sockaddr_in6 *)sa;
		const uint8_t *b = s6->sin6_addr.s6_addr;

		if (IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr))
			return true;
		return IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr) && b[12] == 127;
	}
	return false;
}

size_t ep_addr_text(const struct sockaddr *sa, socklen_t len,
		    unsigned esc_flags, char *out)
{
	char host[INET6_ADDRSTRLEN + 1 + ESC_MAX(IF_NAMESIZE)];
	int n = 0;

	if (sa->sa_family == AF_UNIX) {
		const struct sockaddr_un *sun = (const struct sockaddr_un *)sa;
		size_t off = offsetof(struct sockaddr_un, sun_path);
		size_t nlen = len > off ? len - off : 0;

		if (nlen > sizeof(sun->sun_path))
			nlen = sizeof(sun->sun_path);
		return addr_unix_text(esc_flags | ESC_SPACE, sun->sun_path,
				      nlen, out, NULL);
	}
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;

		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
		n = snprintf(out, EP_TEXT_MAX, "%s:%u", host,
			     (unsigned)ntohs(sin->sin_port));
	} else if (sa->sa_family == AF_INET6 &&
		   len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *s6 =
			(const struct sockaddr_in6 *)sa;
		char ifn[IF_NAMESIZE];
		size_t h;

		inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof(host));
		h = strlen(host);
		if (s6->sin6_scope_id != 0) {
			if (if_indextoname(s6->sin6_scope_id, ifn) != NULL) {
				char e[ESC_MAX(IF_NAMESIZE)];

				esc_text(e, ifn, strnlen(ifn, IF_NAMESIZE),
					 esc_flags | ESC_SPACE, NULL);
				snprintf(host + h, sizeof(host) - h, "%%%s",
					 e);
			} else {
				snprintf(host + h, sizeof(host) - h, "%%%u",
					 (unsigned)s6->sin6_scope_id);
			}
		}
		n = snprintf(out, EP_TEXT_MAX, "[%s]:%u", host,
			     (unsigned)ntohs(s6->sin6_port));
	} else {
		n = snprintf(out, EP_TEXT_MAX, "?");
	}
	return n > 0 ? (size_t)n : 0;
}
