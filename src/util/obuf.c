/* obuf.c - block output buffer over a file descriptor. */
#include "config.h"

#include "util/obuf.h"
#include "util/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void obuf_init(struct obuf *o, int fd)
{
	o->fd = fd;
	o->error = 0;
	o->len = 0;
	o->buf = xmalloc(OBUF_BLOCK);
}

void obuf_free(struct obuf *o)
{
	free(o->buf);
	o->buf = NULL;
}

static void obuf_write_all(struct obuf *o, const char *p, size_t n)
{
	while (n > 0 && o->error == 0) {
		ssize_t w = write(o->fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			o->error = errno;
			return;
		}
		if (w == 0) {
			o->error = EIO;
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

int obuf_flush(struct obuf *o)
{
	if (o->len > 0)
		obuf_write_all(o, o->buf, o->len);
	o->len = 0;
	return o->error;
}

void obuf_put(struct obuf *o, const void *p, size_t n)
{
	if (n > OBUF_BLOCK - o->len) {
		obuf_flush(o);
		if (n >= OBUF_BLOCK) {
			obuf_write_all(o, p, n);
			return;
		}
	}
	memcpy(o->buf + o->len, p, n);
	o->len += n;
}

void obuf_putc(struct obuf *o, char c)
{
	if (o->len == OBUF_BLOCK)
		obuf_flush(o);
	o->buf[o->len++] = c;
}

void obuf_puts(struct obuf *o, const char *s)
{
	obuf_put(o, s, strlen(s));
}

void obuf_pad(struct obuf *o, size_t n)
{
	static const char spaces[64] = "                                "
				       "                                ";
	while (n > 0) {
		size_t k = n < sizeof(spaces) ? n : sizeof(spaces);
		obuf_put(o, spaces, k);
		n -= k;
	}
}

size_t fmt_u64(char *out, uint64_t v)
{
	char tmp[20];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

void obuf_u64(struct obuf *o, uint64_t v)
{
	char tmp[20];
	obuf_put(o, tmp, fmt_u64(tmp, v));
}

size_t fmt_x64(char *out, uint64_t v)
{
	static const char hex[] = "0123456789abcdef";
	char tmp[16];
	size_t n = 0;

	do
		tmp[n++] = hex[v & 15];
	while ((v >>= 4) != 0);
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}
