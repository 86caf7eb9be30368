/* endpoint.h - the target of serve and connect ("tcp 127.0.0.1:8080",
 * "udp [::1]:53", "unix /run/x.sock", "unix @name") parsed into an address. */
#ifndef SOCKSCOPE_SERVE_ENDPOINT_H
#define SOCKSCOPE_SERVE_ENDPOINT_H

#include "util/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

enum ep_kind {
	EP_TCP,
	EP_UDP,
	EP_UNIX,
};

/* The longest socket path or abstract name: sun_path less the NUL (for a
 * path) or the leading NUL (for an abstract name). */
#define EP_UNIX_NAME_MAX (sizeof(((struct sockaddr_un *)0)->sun_path) - 1)

enum ep_flags {
	/* Parse for connect: the port must not be 0 and a target is needed. */
	EP_FOR_CONNECT = 1u << 0,
};

struct endpoint {
	enum ep_kind kind;
	int type; /* SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET */
	/* The user named the address (or the path): not a default. */
	bool explicit_addr;
	/* unix: the name is abstract (addr's sun_path starts with NUL). */
	bool abstract;
	/* unix: no path was given (serve makes a private directory). */
	bool no_path;
	struct sockaddr_storage addr;
	socklen_t addrlen;
};

/* Parse KIND ("tcp", "udp", "unix") and TARGET (NULL when none was given)
 * with flags (enum ep_flags). Host names are resolved. Returns 0, or -1
 * with err set (code EINVAL for a malformed spec, otherwise the resolver's
 * failure with code ENOENT). Untrusted text in err is escaped. */
int ep_parse(struct endpoint *ep, const char *kind, const char *target,
	     unsigned flags, struct sc_err *err);

/* "stream", "dgram" or "seqpacket" to a SOCK_* type. */
int ep_parse_type(const char *s, int *type, struct sc_err *err);

/* "tcp", "udp" or "unix". */
const char *ep_kind_name(enum ep_kind kind);

/* True for 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104; false for any other
 * address and for non-inet families. */
bool ep_is_loopback(const struct sockaddr *sa, socklen_t len);

/* The most bytes ep_addr_text() writes, NUL included. */
#define EP_TEXT_MAX (1 + 4 * EP_UNIX_NAME_MAX + 1 + 64)

/* An address as sockscope's listing writes it: "127.0.0.1:80",
 * "[::1]:80", "[fe80::1%eth0]:80", a path or "@name" escaped by esc_text()
 * with esc_flags | ESC_SPACE (so the text never holds a space), "*" for an
 * unnamed Unix socket. out holds EP_TEXT_MAX bytes; returns the length. */
size_t ep_addr_text(const struct sockaddr *sa, socklen_t len,
		    unsigned esc_flags, char *out);

#endif
