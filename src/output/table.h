/* table.h - ss-style columns: Netid, State, Recv-Q, Send-Q,
 * Local Address:Port, Peer Address:Port, then the Process and detail
 * fields; or the columns chosen with --output. Widths are fitted to the
 * data and, on a terminal, to its width. */
#ifndef SOCKSCOPE_OUTPUT_TABLE_H
#define SOCKSCOPE_OUTPUT_TABLE_H

#include "model/facts.h"
#include "output/addr.h"
#include "output/fields.h"
#include "output/sink.h"

struct table_opts {
	int show_netid;   /* more than one socket table selected */
	int show_state;   /* more than one state selected */
	int header;       /* print the header line */
	unsigned max_cols; /* terminal width; 0: not a terminal */
	struct addr_ctx *addr; /* borrowed */
	int processes; /* -p: the Process column, and Unix peers' holders */
	int extended;  /* -e: uid, user, inode, cookie, Unix file and peer */
	int timers;    /* -o: timer:(name,left,retrans) */
	int mem;       /* -m: skmem:(...) */
	int info;      /* -i: TCP internals on a continuation line */
	int numeric;   /* -n: -i's rates as exact numbers, as ss */
	struct facts *facts; /* borrowed; needed for processes or extended */
	unsigned esc_flags; /* ESC_* for untrusted names */
	/* --output: these columns instead of ss's layout (borrowed) */
	const enum field_id *columns;
	size_t ncolumns;
	/* ss's layout: these columns first (--all-netns: Netns, Container;
	 * borrowed) */
	const enum field_id *lead;
	size_t nlead;
	/* --color: SGR sequences around states and headers */
	int color;
};

/* Create a table sink. Never fails (allocation aborts). */
struct sink table_sink_new(const struct table_opts *o);

#endif
