/* outkit.h - for the unit tests of the output modules (count, summary,
 * explain): hand-made rows, a view of them, output captured to a string,
 * and JSON checked by another parser. */
#ifndef SOCKSCOPE_TESTS_OUTKIT_H
#define SOCKSCOPE_TESTS_OUTKIT_H

#include <stddef.h>
#include <stdint.h>

#include "model/rows.h"
#include "model/sock.h"
#include "util/obuf.h"

/* An inet row (netid SOCK_NETID_TCP or _UDP), queues known. */
struct sock_rec outkit_inet(uint8_t netid, int family, uint8_t state,
			    const char *src, uint16_t sport, const char *dst,
			    uint16_t dport);
/* A Unix row named by len bytes of name (NULL, 0: unnamed). */
struct sock_rec outkit_unix(uint8_t netid, uint8_t state, const char *name,
			    size_t len, uint64_t inode);

/* Rows and a view of all of them, in order. */
struct outkit_rows {
	struct rows *rows;
	struct rows_view v;
};
void outkit_rows(struct outkit_rows *k, const struct sock_rec *r, size_t n);
void outkit_rows_free(struct outkit_rows *k);

/* An obuf on a temporary file; outkit_text() flushes it and returns what
 * was written (malloc'd, NUL-terminated) and frees the obuf. */
void outkit_open(struct obuf *o);
char *outkit_text(struct obuf *o);

/* Compare, free, then assert: a failure leaks nothing under valgrind. */
void outkit_check(char *got, const char *want);

/* Does python3's json module accept text as one document? 1 yes, 0 no,
 * -1 python3 is not there. */
int outkit_json_ok(const char *text);

/* Assert that no line of text ends in a space. */
void outkit_no_trailing_space(const char *text);

#endif
