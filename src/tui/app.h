/* app.h - the TUI's state, shared by its loop (app.c) and its drawing
 * (draw.c); nothing else sees it. */
#ifndef SOCKSCOPE_TUI_APP_H
#define SOCKSCOPE_TUI_APP_H

#include "tui/prompt.h"
#include "tui/tui.h"
#include "tui/view.h"
#include "util/sbuf.h"

#include <curses.h>
#include <stdint.h>

enum tui_mode {
	TUI_MODE_TABLE = 0,
	TUI_MODE_HELP,
	TUI_MODE_DETAIL,
};

enum tui_prompt_kind {
	TUI_PROMPT_NONE = 0,
	TUI_PROMPT_SEARCH,
	TUI_PROMPT_FILTER,
};

#define TUI_MSG_MAX 256

struct collector;

struct tui_app {
	const struct tui_opts *o;
	struct collector *coll;
	struct view *view;
	struct snapshot snap; /* the last one, kept for view_set_filter */
	int have_snap;
	enum tui_mode mode;
	enum tui_prompt_kind prompting;
	struct tui_prompt prompt;
	char search[TUI_PROMPT_MAX + 1];
	char filter[TUI_PROMPT_MAX + 1];
	char msg[TUI_MSG_MAX]; /* one line for the footer, already safe */
	int msg_error;
	enum view_tab tab;
	int tree, paused, events, invert;
	size_t sort_col; /* index into the columns; SIZE_MAX: none */
	int custom_columns;
	/* the detail pane: its text and scroll offset */
	struct sbuf detail;
	size_t detail_lines, detail_top;
	size_t help_top;
	/* column widths, grown as wider cells are seen; reset when the
	 * columns change */
	size_t widths[VIEW_MAX_COLUMNS];
	uint64_t refresh_ms; /* how long the last refresh took */
	uint64_t last_tick_ms;
	unsigned snap_internals; /* what the shown snapshot collected */
	unsigned pending_internals; /* and the one asked for */
	/* a narrated run (the demo): the current step's caption and text,
	 * display text already escaped, one line per '\n' */
	int narrating;
	char caption[128];
	struct sbuf narration;
	int next; /* the user asked for the next step */
	SCREEN *screen;
	int quit;
};

/* The whole screen from the state. */
void tui_draw(struct tui_app *a);

/* The page height of the table: what tui_draw gives it. */
size_t tui_table_rows(const struct tui_app *a);

#endif
