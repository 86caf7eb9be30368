/* tui.h - the live TUI: the listing's selection refreshed every interval
 * into the view model (tui/view), drawn with ncurses (tui/draw), driven
 * by htop's keys (tui/keys). */
#ifndef SOCKSCOPE_TUI_TUI_H
#define SOCKSCOPE_TUI_TUI_H

#include "collect/snapshot.h"
#include "filter/expr.h"
#include "output/addr.h"
#include "output/fields.h"
#include "tui/view.h"
#include "util/err.h"

#include <stddef.h>
#include <stdint.h>

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
	int tree;               /* start in the tree view */
	int netns_columns;      /* Netns and Container columns first */
};

/* The TUI in parts, for a caller that drives it (the demo): open takes
 * the first snapshot and sets up the screen; pump runs the loop until
 * until_ms (CLOCK_MONOTONIC; 0: no limit), the user's "next step" key,
 * or quit; close restores the terminal. */
struct tui_app;
enum tui_pump_result {
	TUI_PUMP_QUIT = 0,
	TUI_PUMP_TIME = 1,
	TUI_PUMP_NEXT = 2,
};
int tui_open(const struct tui_opts *o, struct tui_app **out,
	     struct sc_err *err);
/* Returns an enum tui_pump_result, or -1 with err set. */
int tui_pump(struct tui_app *a, uint64_t until_ms, struct sc_err *err);
void tui_close(struct tui_app *a);
/* Set the filter expression (as the \ key does). Returns 0 or -1. */
int tui_set_filter(struct tui_app *a, const char *text, struct sc_err *err);
/* Show a narration pane: a caption and text (display text, escaped by
 * the caller; lines end in '\n'), and mark the sockets it is about. */
void tui_narrate(struct tui_app *a, const char *caption, const char *text,
		 size_t len, const struct view_mark *marks, size_t nmarks);

/* Run until the user quits. Returns 0, or -1 with err set when the
 * terminal cannot be used or a collection fails. */
int tui_run(const struct tui_opts *o, struct sc_err *err);

#endif
