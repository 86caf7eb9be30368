/* tui.h - the live TUI: the listing's selection refreshed every interval
 * into the view model (tui/view), drawn with ncurses (tui/draw), driven
 * by htop's keys (tui/keys). */
#ifndef SOCKSCOPE_TUI_TUI_H
#define SOCKSCOPE_TUI_TUI_H

#include "collect/snapshot.h"
#include "filter/expr.h"
#include "output/addr.h"
#include "output/fields.h"
#include "util/err.h"

#include <stddef.h>

struct tui_opts {
	/* what each refresh collects: the listing's query and data source;
	 * rows_drop and owners are set by the TUI */
	struct snapshot_opts snap;
	const struct addr_opts *addr;
	unsigned esc_flags;
	unsigned delay_ms;      /* between refreshes */
	int color;              /* colours (else a monochrome screen) */
	const char *filter;     /* the initial filter expression text, or NULL */
	/* the columns (--output), or none for the defaults */
	const enum field_id *columns;
	size_t ncolumns;
	enum field_id sort;     /* VIEW_SORT_NONE: collection order */
	int reverse;
	int utf8;               /* the locale is UTF-8: line drawing too */
};

/* Run until the user quits. Returns 0, or -1 with err set when the
 * terminal cannot be used or a collection fails. */
int tui_run(const struct tui_opts *o, struct sc_err *err);

#endif
