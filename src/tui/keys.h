/* keys.h - the TUI's keys, htop's where it has one: a const table from
 * key codes (ncurses KEY_* values and characters) to actions, so the
 * help screen and the loop read the same table. */
#ifndef SOCKSCOPE_TUI_KEYS_H
#define SOCKSCOPE_TUI_KEYS_H

enum tui_action {
	TUI_ACT_NONE = 0,
	TUI_ACT_UP,
	TUI_ACT_DOWN,
	TUI_ACT_PGUP,
	TUI_ACT_PGDN,
	TUI_ACT_HOME,
	TUI_ACT_END,
	TUI_ACT_SEARCH,      /* / : search the rows' text */
	TUI_ACT_SEARCH_NEXT, /* n : next match */
	TUI_ACT_FILTER,      /* \ or F4: filter expression */
	TUI_ACT_SORT_NEXT,   /* > : sort by the next column */
	TUI_ACT_SORT_PREV,   /* < : sort by the previous column */
	TUI_ACT_SORT_MENU,   /* F6: choose the sort column */
	TUI_ACT_INVERT,      /* I : invert the order */
	TUI_ACT_TREE,        /* t or F5: tree view */
	TUI_ACT_PAUSE,       /* space: stop refreshing */
	TUI_ACT_DETAIL,      /* Enter: the detail pane */
	TUI_ACT_EVENTS,      /* e : the event log pane */
	TUI_ACT_TAB_NEXT,    /* Tab: all, TCP, UDP, Unix */
	TUI_ACT_TAB_ALL,     /* 1..4 */
	TUI_ACT_TAB_TCP,
	TUI_ACT_TAB_UDP,
	TUI_ACT_TAB_UNIX,
	TUI_ACT_HELP,        /* ? or F1 */
	TUI_ACT_REDRAW,      /* Ctrl-L */
	TUI_ACT_QUIT,        /* q or F10 */
	TUI_ACT_CANCEL,      /* Esc: close a pane or prompt */
	TUI_ACT_NEXT_STEP,   /* s or Right: the demo's next step now */
	TUI_ACT_COUNT
};

struct tui_key {
	int code;               /* a character or an ncurses KEY_* value */
	enum tui_action action;
	const char *name;       /* as the help screen shows it; NULL: an alias
				 * listed with the previous entry */
	const char *help;
};

/* The action of a key code, or TUI_ACT_NONE. */
enum tui_action tui_key_action(int code);

/* The table, for the help screen; *n receives its length. */
const struct tui_key *tui_keys(unsigned *n);

#endif
