/* unixbind.h - binding a Unix socket to a path without harming what is
 * there: refuse anything but a stale socket, set the mode and group before
 * anyone can connect, and remove the file at exit only if it is still ours. */
#ifndef SOCKSCOPE_SERVE_UNIXBIND_H
#define SOCKSCOPE_SERVE_UNIXBIND_H

#include "serve/endpoint.h"
#include "util/err.h"

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

struct ub_opts {
	bool has_mode; /* else the mode a plain bind() under the umask gives */
	mode_t mode;
	bool has_group;
	gid_t gid;
	/* Where the private directory goes when the endpoint has no path;
	 * NULL: $TMPDIR, or /tmp when that is unset or too long. */
	const char *tmp_base;
};

struct unixbind {
	/* The socket file created (NUL-terminated), "" for an abstract name. */
	char path[EP_UNIX_NAME_MAX + 1];
	/* The private directory made for it, or "". */
	char dir[EP_UNIX_NAME_MAX + 1];
	/* The file's identity right after bind(): what ub_release() removes. */
	dev_t dev;
	ino_t ino;
};

/* Bind fd (an AF_UNIX socket, not yet bound) to ep's address; ep with no
 * path gets "DIR/serve.sock" in a new private directory. An existing
 * path that is not a socket, or a socket a server answers on, is refused
 * and left untouched; a stale socket is unlinked and a note added. The
 * file gets o's mode and group before bind() returns to the caller, so a
 * later listen() exposes no wider permissions. On failure nothing is left
 * behind. Messages are escaped. */
int ub_bind(int fd, const struct endpoint *ep, const struct ub_opts *o,
	    struct unixbind *ub, struct sc_warnings *notes, struct sc_err *err);

/* Remove the socket file if it is still the one ub_bind() made (a note
 * says when it was replaced and is left alone), then the private
 * directory. Idempotent. */
void ub_release(struct unixbind *ub, struct sc_warnings *notes);

/* An octal mode from 0 to 0777 ("0660", "660"). */
int ub_parse_mode(const char *s, mode_t *mode, struct sc_err *err);

/* A group name, or a number. */
int ub_parse_group(const char *s, gid_t *gid, struct sc_err *err);

#endif
