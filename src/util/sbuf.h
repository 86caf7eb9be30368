/* sbuf.h - a growable text buffer for one field or row at a time (the
 * holder list of a pre-forking server's listener runs to kilobytes). */
#ifndef SOCKSCOPE_UTIL_SBUF_H
#define SOCKSCOPE_UTIL_SBUF_H

#include <stddef.h>
#include <stdint.h>

struct sbuf {
	char *p;
	size_t len, cap;
};

/* Room for n more bytes at p + len (the caller adds what it wrote). */
char *sbuf_room(struct sbuf *b, size_t n);
void sbuf_put(struct sbuf *b, const void *s, size_t n);
void sbuf_puts(struct sbuf *b, const char *s);
void sbuf_putc(struct sbuf *b, char c);
void sbuf_u64(struct sbuf *b, uint64_t v);
/* Untrusted bytes, escaped by esc_text() with flags. */
void sbuf_esc(struct sbuf *b, const char *s, size_t n, unsigned flags);
void sbuf_free(struct sbuf *b);

#endif
