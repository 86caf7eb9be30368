/* sink.h - one interface for every renderer (table now; JSON, TUI and
 * doctor later). Rows arrive as the collectors produce them; a renderer
 * that must see every row before writing (the table fits its columns)
 * keeps what it needs. */
#ifndef SOCKSCOPE_OUTPUT_SINK_H
#define SOCKSCOPE_OUTPUT_SINK_H

#include <stddef.h>

#include "model/sock.h"
#include "util/err.h"
#include "util/obuf.h"

struct sink_ops {
	const char *name;
	/* Take one socket; r->name is only valid during the call. */
	int (*row)(void *st, const struct sock_rec *r);
	/* An opaque position, and a return to it (a dump is restarted). */
	size_t (*mark)(void *st);
	void (*rollback)(void *st, size_t mark);
	/* Write everything out. Returns 0, or -1 with err set. */
	int (*end)(void *st, struct obuf *out, struct sc_err *err);
	void (*destroy)(void *st);
};

struct sink {
	const struct sink_ops *ops;
	void *st;
};

#endif
