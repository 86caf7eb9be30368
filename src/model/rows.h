/* rows.h - the sockets of one listing, kept as compact binary records
 * (about 40 bytes for an IPv4 socket) until every sink has seen them; a
 * view is an ordered subset (filtered, sorted) of them. */
#ifndef SOCKSCOPE_MODEL_ROWS_H
#define SOCKSCOPE_MODEL_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "model/sock.h"

struct rows;

/* What a listing may leave out of its rows, to keep a large one small:
 * the plain table of ss needs neither ids nor timers. Left out, they read
 * back as zero (and SOCK_F_HAS_UID, SOCK_F_HAS_TIMER cleared). */
enum rows_drop {
	ROWS_DROP_IDS = 1u << 0,   /* uid, inode, cookie */
	ROWS_DROP_TIMER = 1u << 1, /* timer, retrans, expires_ms */
};

/* Never fails (allocation aborts). drop: enum rows_drop bits. */
struct rows *rows_new(unsigned drop);
void rows_free(struct rows *rs);

/* Copy r (its borrowed name and internals too). */
void rows_add(struct rows *rs, const struct sock_rec *r);

/* A mark, and a return to it (a dump is restarted). */
size_t rows_mark(const struct rows *rs);
void rows_rollback(struct rows *rs, size_t mark);

size_t rows_count(const struct rows *rs);

/* Row i (0 <= i < rows_count) into out; out's borrowed pointers point
 * into rs and stay valid until rs changes. */
void rows_get(const struct rows *rs, size_t i, struct sock_rec *out);

/* An ordered selection of rows: idx[0..n) are row numbers. */
struct rows_view {
	const struct rows *rows;
	uint32_t *idx;
	size_t n;
};

/* Every row, in collection order. Free with rows_view_free(). */
void rows_view_all(const struct rows *rs, struct rows_view *v);
void rows_view_free(struct rows_view *v);

/* Keep the rows for which keep() returns non-zero, in order. */
void rows_view_filter(struct rows_view *v,
		      int (*keep)(void *ud, const struct sock_rec *r),
		      void *ud);

/* Sort the view stably with cmp (which returns <0, 0, >0). */
void rows_view_sort(struct rows_view *v,
		    int (*cmp)(void *ud, const struct sock_rec *a,
			       const struct sock_rec *b),
		    void *ud);

/* Reverse the view's order. */
void rows_view_reverse(struct rows_view *v);

/* Row k of the view into out (as rows_get). */
void rows_view_get(const struct rows_view *v, size_t k, struct sock_rec *out);

#endif
