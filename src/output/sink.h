/* sink.h - one interface for every renderer of a listing (the table,
 * JSON, counts, the summary). A sink is handed the final view, filtered
 * and sorted, with every fact known: the owner scan has finished. */
#ifndef SOCKSCOPE_OUTPUT_SINK_H
#define SOCKSCOPE_OUTPUT_SINK_H

#include <stddef.h>

#include "model/rows.h"
#include "util/err.h"
#include "util/obuf.h"

struct sink_ops {
	const char *name;
	/* Write the view out. It may reorder v. Returns 0, or -1 with err
	 * set. */
	int (*write)(void *st, struct rows_view *v, struct obuf *out,
		     struct sc_err *err);
	void (*destroy)(void *st);
};

struct sink {
	const struct sink_ops *ops;
	void *st;
};

#endif
