/* obuf.h - a block output buffer for a file descriptor. Rows are appended
 * without stdio and written in large blocks; the first write error is kept
 * and reported once at the end (EPIPE, ENOSPC, ...). */
#ifndef SOCKSCOPE_UTIL_OBUF_H
#define SOCKSCOPE_UTIL_OBUF_H

#include <stddef.h>
#include <stdint.h>

#define OBUF_BLOCK (64 * 1024)

struct obuf {
	int fd;
	int error; /* first errno seen while writing, 0 if none */
	size_t len;
	char *buf; /* OBUF_BLOCK bytes */
};

void obuf_init(struct obuf *o, int fd);
void obuf_free(struct obuf *o);
void obuf_put(struct obuf *o, const void *p, size_t n);
void obuf_putc(struct obuf *o, char c);
void obuf_puts(struct obuf *o, const char *s);
void obuf_pad(struct obuf *o, size_t n); /* n spaces */
void obuf_u64(struct obuf *o, uint64_t v);
/* Write out what is buffered. Returns 0 or the first errno seen. */
int obuf_flush(struct obuf *o);

/* Decimal digits of v into out (at least 20 bytes); returns length. */
size_t fmt_u64(char *out, uint64_t v);
/* Lower-case hex digits of v, no prefix (at least 16 bytes). */
size_t fmt_x64(char *out, uint64_t v);

#endif
