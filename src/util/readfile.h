/* readfile.h - read a whole file into memory, with a size cap: /proc files
 * report no size, so the buffer grows as the reads come. */
#ifndef SOCKSCOPE_UTIL_READFILE_H
#define SOCKSCOPE_UTIL_READFILE_H

#include <stddef.h>

#include "util/err.h"

/* Read fd to its end. *out is NUL-terminated (not counted in *len) and
 * owned by the caller. More than max bytes is an error (EFBIG). path only
 * names the file in messages ("cannot read PATH: ..."). Does not close
 * fd. Returns 0, or -1 with err set. */
int sc_read_fd(int fd, const char *path, size_t max, char **out, size_t *len,
	       struct sc_err *err);

/* Open path and sc_read_fd() it. */
int sc_read_file(const char *path, size_t max, char **out, size_t *len,
		 struct sc_err *err);

#endif
