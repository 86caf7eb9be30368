/* tmpdir.c - a new private directory under TMPDIR. */
#include "config.h"

#include "util/tmpdir.h"

#include "util/escape.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* mkdtemp()'s six placeholder characters, spelled apart. */
#define TMPDIR_SUFFIX "-" "X" "X" "X" "X" "X" "X"

int tmpdir_make(const char *base, const char *prefix, size_t room, char *out,
		size_t size, struct sc_err *err)
{
	size_t tail = 1 + strlen(prefix) + strlen(TMPDIR_SUFFIX) + room;
	char esc[ESC_MAX(128)];
	size_t n;

	if (base == NULL) {
		base = getenv("TMPDIR");
		/* a TMPDIR too long for the socket's path: /tmp fits */
		if (base == NULL || base[0] == '\0' ||
		    strlen(base) + tail >= size)
			base = "/tmp";
	}
	n = strlen(base);
	while (n > 1 && base[n - 1] == '/')
		n--;
	esc_text(esc, base, n < 128 ? n : 128, 0, NULL);
	if (n + tail >= size)
		return sc_err_set(err, ENAMETOOLONG,
				  "cannot make a socket directory in %s: the "
				  "path would exceed %zu bytes",
				  esc, size - 1);
	memcpy(out, base, n);
	out[n] = '/';
	memcpy(out + n + 1, prefix, strlen(prefix));
	memcpy(out + n + 1 + strlen(prefix), TMPDIR_SUFFIX,
	       sizeof TMPDIR_SUFFIX);
	if (mkdtemp(out) == NULL) {
		int e = errno;

		out[0] = '\0';
		return sc_err_set(err, e, "cannot make a directory in %s: %s",
				  esc, strerror(e));
	}
	return 0;
}
