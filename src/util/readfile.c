/* readfile.c - whole-file reads with a cap. */
#include "config.h"

#include "util/readfile.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define READFILE_CHUNK (64 * 1024)

int sc_read_fd(int fd, const char *path, size_t max, char **out, size_t *len,
	       struct sc_err *err)
{
	size_t cap = max < READFILE_CHUNK ? max + 1 : READFILE_CHUNK;
	size_t got = 0;
	char *buf = xmalloc(cap + 1);

	for (;;) {
		ssize_t n;

		if (got == cap) {
			if (cap > max) {
				free(buf);
				return sc_err_set(err, EFBIG,
						  "cannot read %s: larger than "
						  "%zu MiB",
						  path, max >> 20);
			}
			/* One byte past the cap tells a file of exactly
			 * the cap from a larger one. */
			cap = cap * 2 > max ? max + 1 : cap * 2;
			buf = xrealloc(buf, cap + 1);
		}
		n = read(fd, buf + got, cap - got);
		if (n < 0) {
			int e = errno;
			if (e == EINTR)
				continue;
			free(buf);
			return sc_err_set(err, e, "cannot read %s: %s", path,
					  strerror(e));
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return 0;
}

int sc_read_file(const char *path, size_t max, char **out, size_t *len,
		 struct sc_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	int r;

	if (fd < 0)
		return sc_err_set(err, errno, "cannot read %s: %s", path,
				  strerror(errno));
	r = sc_read_fd(fd, path, max, out, len, err);
	close(fd);
	return r;
}
