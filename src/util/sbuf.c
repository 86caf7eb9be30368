/* sbuf.c - the growable text buffer. */
#include "config.h"

#include "util/sbuf.h"
#include "util/escape.h"
#include "util/obuf.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

char *sbuf_room(struct sbuf *b, size_t n)
{
	if (b->len + n > b->cap) {
		do
			b->cap = b->cap ? b->cap * 2 : 256;
		while (b->len + n > b->cap);
		b->p = xrealloc(b->p, b->cap);
	}
	return b->p + b->len;
}

void sbuf_put(struct sbuf *b, const void *s, size_t n)
{
	if (n == 0)
		return;
	memcpy(sbuf_room(b, n), s, n);
	b->len += n;
}

void sbuf_puts(struct sbuf *b, const char *s)
{
	sbuf_put(b, s, strlen(s));
}

void sbuf_putc(struct sbuf *b, char c)
{
	*sbuf_room(b, 1) = c;
	b->len++;
}

void sbuf_u64(struct sbuf *b, uint64_t v)
{
	b->len += fmt_u64(sbuf_room(b, 20), v);
}

void sbuf_esc(struct sbuf *b, const char *s, size_t n, unsigned flags)
{
	b->len += esc_text(sbuf_room(b, ESC_MAX(n)), s, n, flags, NULL);
}

void sbuf_free(struct sbuf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}
