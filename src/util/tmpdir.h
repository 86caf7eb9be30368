/* tmpdir.h - a new private directory under TMPDIR, for a socket file
 * that must fit sun_path. */
#ifndef SOCKSCOPE_UTIL_TMPDIR_H
#define SOCKSCOPE_UTIL_TMPDIR_H

#include "util/err.h"

#include <stddef.h>

/* Make a new directory (mode 0700) PREFIX-<6 random characters> under
 * base, or when base is NULL under $TMPDIR, or /tmp when that is unset,
 * empty or too long. Its path, and room more bytes after it (the socket's
 * "/name"), must fit in size bytes with the NUL. Returns 0 with the path
 * in out, or -1 with err set. */
int tmpdir_make(const char *base, const char *prefix, size_t room, char *out,
		size_t size, struct sc_err *err);

#endif
