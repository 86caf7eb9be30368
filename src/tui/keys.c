/* keys.c - the TUI's key table. */
#include "config.h"

#include "tui/keys.h"

#include <curses.h>

#define TUI_CTRL(c) ((c) & 0x1f)

static const struct tui_key tui_key_table[] = {
	{ KEY_UP, TUI_ACT_UP, "Up/Down", "move the selection" },
	{ KEY_DOWN, TUI_ACT_DOWN, NULL, NULL },
	{ 'k', TUI_ACT_UP, NULL, NULL },
	{ 'j', TUI_ACT_DOWN, NULL, NULL },
	{ KEY_PPAGE, TUI_ACT_PGUP, "PgUp/PgDn", "move by a page" },
	{ KEY_NPAGE, TUI_ACT_PGDN, NULL, NULL },
	{ KEY_HOME, TUI_ACT_HOME, "Home/End", "first or last row" },
	{ KEY_END, TUI_ACT_END, NULL, NULL },
	{ '/', TUI_ACT_SEARCH, "/", "search the rows' text; n: next match" },
	{ 'n', TUI_ACT_SEARCH_NEXT, NULL, NULL },
	{ '\\', TUI_ACT_FILTER, "\\ F4",
	  "filter: an expression as on the command line" },
	{ KEY_F(4), TUI_ACT_FILTER, NULL, NULL },
	{ '>', TUI_ACT_SORT_NEXT, "< > F6", "sort by another column" },
	{ '.', TUI_ACT_SORT_NEXT, NULL, NULL },
	{ '<', TUI_ACT_SORT_PREV, NULL, NULL },
	{ ',', TUI_ACT_SORT_PREV, NULL, NULL },
	{ KEY_F(6), TUI_ACT_SORT_MENU, NULL, NULL },
	{ 'I', TUI_ACT_INVERT, "I", "invert the sort order" },
	{ 't', TUI_ACT_TREE, "t F5",
	  "tree: accepted connections under their listener" },
	{ KEY_F(5), TUI_ACT_TREE, NULL, NULL },
	{ ' ', TUI_ACT_PAUSE, "Space", "pause or resume the refresh" },
	{ '\n', TUI_ACT_DETAIL, "Enter",
	  "details of the selected socket" },
	{ '\r', TUI_ACT_DETAIL, NULL, NULL },
	{ KEY_ENTER, TUI_ACT_DETAIL, NULL, NULL },
	{ 'e', TUI_ACT_EVENTS, "e", "show or hide the event log" },
	{ '\t', TUI_ACT_TAB_NEXT, "Tab 1-4", "all, TCP, UDP or Unix sockets" },
	{ '1', TUI_ACT_TAB_ALL, NULL, NULL },
	{ '2', TUI_ACT_TAB_TCP, NULL, NULL },
	{ '3', TUI_ACT_TAB_UDP, NULL, NULL },
	{ '4', TUI_ACT_TAB_UNIX, NULL, NULL },
	{ '?', TUI_ACT_HELP, "? F1 h", "this help" },
	{ KEY_F(1), TUI_ACT_HELP, NULL, NULL },
	{ 'h', TUI_ACT_HELP, NULL, NULL },
	{ TUI_CTRL('l'), TUI_ACT_REDRAW, "Ctrl-L", "redraw the screen" },
	{ 27, TUI_ACT_CANCEL, "Esc", "close a pane, the help or a prompt" },
	{ 's', TUI_ACT_NEXT_STEP, "s Right", "demo: go on to the next step now" },
	{ KEY_RIGHT, TUI_ACT_NEXT_STEP, NULL, NULL },
	{ 'q', TUI_ACT_QUIT, "q F10", "quit" },
	{ KEY_F(10), TUI_ACT_QUIT, NULL, NULL },
};

enum tui_action tui_key_action(int code)
{
	for (unsigned i = 0;
	     i < sizeof tui_key_table / sizeof tui_key_table[0]; i++)
		if (tui_key_table[i].code == code)
			return tui_key_table[i].action;
	return TUI_ACT_NONE;
}

const struct tui_key *tui_keys(unsigned *n)
{
	*n = sizeof tui_key_table / sizeof tui_key_table[0];
	return tui_key_table;
}
