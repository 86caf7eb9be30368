/* addr.h - the address columns as ss prints them: "127.0.0.1", "[::1]",
 * "*" (dual-stack wildcard), "0.0.0.0", "%ifname" suffixes, port numbers or
 * service names, and Unix names ("@" for abstract) with inode "ports". */
#ifndef SOCKSCOPE_OUTPUT_ADDR_H
#define SOCKSCOPE_OUTPUT_ADDR_H

#include <stddef.h>
#include <stdint.h>

#include "model/sock.h"

/* Longest text any of the functions below writes (an escaped 108-byte
 * abstract name, "@" and a NUL), so callers can size stack buffers. */
#define ADDR_TEXT_MAX (1 + 4 * SOCK_UNIX_NAME_MAX + 1 + 64)

struct addr_ctx; /* caches for service and host names, interface names */

struct addr_opts {
	int numeric; /* -n: ports as numbers */
	int resolve; /* -r: host names */
	unsigned esc_flags; /* ESC_* for untrusted names */
	const char *services_path; /* NULL: /etc/services */
};

struct addr_ctx *addr_ctx_new(const struct addr_opts *o);
void addr_ctx_free(struct addr_ctx *c);

/* Each writes NUL-terminated text into out (ADDR_TEXT_MAX bytes) and
 * returns its length; *cols (if not NULL) receives its width in columns. */
size_t addr_local_host(struct addr_ctx *c, const struct sock_rec *r,
		       char *out, size_t *cols);
size_t addr_local_port(struct addr_ctx *c, const struct sock_rec *r,
		       char *out);
size_t addr_peer_host(struct addr_ctx *c, const struct sock_rec *r,
		      char *out, size_t *cols);
size_t addr_peer_port(struct addr_ctx *c, const struct sock_rec *r,
		      char *out);

/* A Unix name as the address column shows it: "@" and the abstract name
 * (interior NULs as \0), or the path up to its first NUL (the kernel
 * counts the terminator in), or "*" when unnamed; escaped with flags. */
size_t addr_unix_text(unsigned flags, const char *name, size_t len,
		      char *out, size_t *cols);

/* The separator between host and port: ':' for inet, ' ' for Unix. */
char addr_separator(const struct sock_rec *r);

/* Dotted quad of 4 network-order bytes; returns length (at most 15). */
size_t addr_fmt_ipv4(char *out, const uint8_t a[4]);

/* "127.0.0.1:80" or "[::1]:80", numeric, from an address of family
 * (AF_INET: 4 bytes, AF_INET6: 16) and a port in host order. out holds
 * ADDR_HOSTPORT_MAX bytes; returns the length. */
#define ADDR_HOSTPORT_MAX (46 + 2 + 6 + 1)
size_t addr_fmt_hostport(char *out, int family, const uint8_t *a,
			 uint16_t port);

#endif
