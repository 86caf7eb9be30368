/* table.h - ss-style columns: Netid, State, Recv-Q, Send-Q,
 * Local Address:Port, Peer Address:Port; widths fitted to the data and,
 * on a terminal, to its width. */
#ifndef SOCKSCOPE_OUTPUT_TABLE_H
#define SOCKSCOPE_OUTPUT_TABLE_H

#include "collect/owners.h"
#include "output/addr.h"
#include "output/sink.h"

struct table_opts {
	int show_netid;   /* more than one socket table selected */
	int show_state;   /* more than one state selected */
	int header;       /* print the header line */
	unsigned max_cols; /* terminal width; 0: not a terminal */
	struct addr_ctx *addr; /* borrowed */
	/* -p: the Process column, from this table (borrowed); NULL: none */
	const struct owners *owners;
	/* the owner scan missed processes: an unowned socket is "unknown" */
	int owners_partial;
	unsigned esc_flags; /* ESC_* for command names */
};

/* Create a table sink. Never fails (allocation aborts). */
struct sink table_sink_new(const struct table_opts *o);

#endif
