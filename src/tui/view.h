/* view.h - the live TUI's view model, which knows nothing of the screen:
 * the sockets of each tick kept in one table across refreshes (born,
 * changed, tombs), an event log, and the filtered, sorted or tree-nested
 * lines with escaped cells, the selection and the scroll offset. */
#ifndef SOCKSCOPE_TUI_VIEW_H
#define SOCKSCOPE_TUI_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "filter/expr.h"
#include "model/facts.h"
#include "model/rows.h"
#include "model/sock.h"
#include "output/addr.h"
#include "output/fields.h"
#include "util/sbuf.h"

struct view;

/* No line, no selection. */
#define VIEW_NONE SIZE_MAX

/* Collection order (the kernel's, as the rows came), for view_set_sort. */
#define VIEW_SORT_NONE FIELD_COUNT

#define VIEW_MAX_COLUMNS 32

struct view_opts {
	/* Service names, host names, escaping of the address cells; NULL:
	 * numeric, escaped with esc_flags. Copied (services_path is kept
	 * as a pointer). Event texts never resolve host names. */
	const struct addr_opts *addr;
	unsigned esc_flags;     /* ESC_* for untrusted text */
	unsigned born_ticks;    /* ticks a new socket stays highlighted */
	unsigned changed_ticks; /* ticks a changed socket flashes */
	unsigned tomb_ticks;    /* ticks a vanished socket stays (0: none) */
	size_t event_cap;       /* events the log keeps (at least 1) */
	const enum field_id *columns; /* NULL: view_opts_default's */
	size_t ncolumns;              /* at most VIEW_MAX_COLUMNS */
};

/* born 3, changed 3, tombs 3 ticks, 1000 events, numeric addresses,
 * columns netid state recv_q send_q local peer process. */
void view_opts_default(struct view_opts *o);

/* A socket's identity across ticks. */
enum view_key_kind {
	VIEW_KEY_INODE,  /* (netid, inode) */
	VIEW_KEY_COOKIE, /* (netid, cookie): inode-0 sockets (TIME-WAIT,
			    SYN-RECV request sockets) */
	VIEW_KEY_TUPLE,  /* (netid, family, local, peer): inode-0 sockets
			    without a cookie (/proc/net) */
};

struct view_key {
	uint8_t kind; /* enum view_key_kind */
	uint8_t netid, family;
	uint16_t sport, dport;
	uint8_t src[16], dst[16]; /* TUPLE only */
	uint64_t id;              /* INODE: inode; COOKIE: cookie */
};

/* One holder of a socket; comm is the raw command name (not escaped). */
struct view_holder {
	uint32_t pid;
	int32_t fd;
	const char *comm;
	size_t comm_len;
};

/* What the last owner table said about a socket: held (h[0..n), in
 * (pid, fd) order) or unknown (a process we could not read may hold it).
 * text is ss's list, escaped: users:(("comm",pid=N,fd=N),...), "unknown";
 * for a Unix peer peer:(...) or "peer:unknown". */
struct view_owners {
	enum facts_held held; /* FACTS_HELD or FACTS_UNKNOWN */
	size_t n;
	const struct view_holder *h;
	const char *text; /* NUL-terminated */
	size_t text_len;
};

/* A socket the view knows: its latest record and what was known about it
 * when it was last seen (a tomb keeps its last). Read only; the pointers
 * (rec.name, rec.tcp_info, ..., owners) belong to the view and stay valid
 * until the next view_update() or view_free(). */
struct view_entry {
	struct sock_rec rec;
	struct view_key key;
	uint64_t serial;  /* creation order; breaks ties when sorting */
	uint64_t born_ms; /* now_ms of the tick it was first seen in */
	uint64_t died_ms; /* now_ms of the tick it was first missing in */
	int tomb;         /* vanished; kept for view_opts.tomb_ticks */
	int initial;      /* in the first tick: never highlighted as born */
	const struct view_owners *owners;      /* NULL: no holder known */
	const struct view_owners *peer_owners; /* holders of a Unix peer */
	struct facts_file file; /* a Unix socket's file (status NONE else) */
	const char *peer_name;  /* a Unix peer's name, raw; NULL: unknown */
	size_t peer_name_len;
};

enum view_line_flag {
	VIEW_LF_BORN = 1u << 0,     /* new, for view_opts.born_ticks */
	VIEW_LF_TOMB = 1u << 1,     /* vanished: dim it */
	VIEW_LF_CHANGED = 1u << 2,  /* its state changed: flash it */
	VIEW_LF_UPDATED = 1u << 3,  /* queues, owners, address changed */
	VIEW_LF_SELECTED = 1u << 4,
	VIEW_LF_INITIAL = 1u << 5,  /* there at the first tick */
	VIEW_LF_PARENT = 1u << 6,   /* tree: a listener with children below */
	VIEW_LF_LAST_CHILD = 1u << 7, /* tree: the last child of its parent */
	VIEW_LF_MARKED = 1u << 8,   /* one of view_set_marks' sockets */
};

/* A socket to point out (the demo's): by inode, or by cookie for the
 * sockets without one (TIME-WAIT); 0 matches nothing. */
struct view_mark {
	uint64_t inode, cookie;
};

/* A cell: escaped display text (no control characters), its length in
 * bytes and its width in terminal columns. */
struct view_cell {
	const char *text; /* NUL-terminated */
	size_t len, cols;
};

struct view_line {
	const struct view_entry *ent;
	unsigned depth; /* 0, or 1 for a listener's child in tree mode */
	unsigned flags; /* enum view_line_flag */
	const struct view_cell *cells; /* one per column (view_columns) */
	size_t ncells;
};

enum view_event_kind {
	VIEW_EV_BORN,
	VIEW_EV_STATE,
	VIEW_EV_DIED,
};

/* An event of a socket in view (passing the filter and the tab) at the
 * time. Texts are escaped and NUL-terminated; owner is "" when nobody
 * was known to hold it. */
struct view_event {
	uint64_t time_ms;
	enum view_event_kind kind;
	struct view_key key;
	uint8_t netid;
	uint8_t old_state; /* SOCK_ST_UNKNOWN for born */
	uint8_t new_state; /* SOCK_ST_UNKNOWN for died */
	const char *local, *peer, *owner;
};

enum view_tab {
	VIEW_TAB_ALL,
	VIEW_TAB_TCP,
	VIEW_TAB_UDP,
	VIEW_TAB_UNIX,
};

enum view_move {
	VIEW_MOVE_UP,
	VIEW_MOVE_DOWN,
	VIEW_MOVE_PAGE_UP,
	VIEW_MOVE_PAGE_DOWN,
	VIEW_MOVE_HOME,
	VIEW_MOVE_END,
};

struct view_counts {
	size_t sockets; /* alive */
	size_t tombs;
	size_t lines;
	/* in the last tick, over every socket (filter or not) */
	size_t born, died, changed;
};

/* Never fails (allocation aborts). */
struct view *view_new(const struct view_opts *o);
void view_free(struct view *v);

/* One tick: rs holds every socket collected now (with their ids: not made
 * with ROWS_DROP_IDS), f what is known about them (NULL: nothing; without
 * an owner table the holders known before are kept). Both are only
 * borrowed for the call. The first call is the initial population: no
 * events, no highlight. */
void view_update(struct view *v, const struct rows *rs, struct facts *f,
		 uint64_t now_ms);

/* Ticks so far. */
uint64_t view_tick(const struct view *v);
void view_counts(const struct view *v, struct view_counts *out);

/* The lines to show, in order. view_line() formats the cells of line i
 * on first use (hence not const) and keeps them until the entry or the
 * columns change; the result is valid until the next call that is not
 * view_line(), view_lines(), view_top(), view_cursor() or view_selected().
 * i < view_lines(). */
size_t view_lines(const struct view *v);
const struct view_line *view_line(struct view *v, size_t i);

/* The columns: n field ids (the first VIEW_MAX_COLUMNS valid ones; none
 * keeps the current ones). Headers: fields_header(). */
void view_set_columns(struct view *v, const enum field_id *ids, size_t n);
size_t view_columns(const struct view *v, const enum field_id **ids);

/* Sort by a field (VIEW_SORT_NONE: collection order), ties by age;
 * invert reverses the whole order. Tombs keep their last values. */
void view_set_sort(struct view *v, enum field_id field, int invert);

/* Show only the sockets e matches (NULL: all); the view takes e and frees
 * it. f: the facts of the last view_update if the caller still has them,
 * else NULL: then owner predicates see no holders until the next tick
 * (which evaluates the living sockets again); tombs are judged with f
 * once, here. */
void view_set_filter(struct view *v, struct expr *e, struct facts *f);
void view_set_tab(struct view *v, enum view_tab tab);

/* Tree mode: each listener's accepted sockets nested under it. */
void view_set_tree(struct view *v, int on);
/* Mark these sockets' lines (a copy is kept; n 0 clears the marks). */
void view_set_marks(struct view *v, const struct view_mark *m, size_t n);

/* The selection follows its socket across refreshes and re-sorts; when
 * its tomb goes (or the filter drops it) it moves to the line now at its
 * place. The scroll offset (view_top) keeps the selection on a page of
 * `page` lines (0 counts as 1), and its place on the screen across
 * refreshes where it can. view_move sets the page too. */
void view_set_page(struct view *v, size_t page);
void view_move(struct view *v, enum view_move m, size_t page);
/* Select line i (a click); returns 0, or -1 if there is no such line. */
int view_select_line(struct view *v, size_t i);
size_t view_cursor(const struct view *v); /* VIEW_NONE: no lines */
size_t view_top(const struct view *v);
const struct view_entry *view_selected(const struct view *v);

/* Select the next line (the previous one if backward) whose displayed
 * text (the cells, space-separated) contains needle, case-sensitive,
 * starting after the selection and wrapping around to it. Returns 1 if
 * found, 0 if not (the selection stays). */
int view_next_match(struct view *v, const char *needle, int backward);

/* The detail pane of e (view_selected() usually): "name: value" lines
 * (each ends in '\n', all escaped), every field the view has: identity,
 * life, the fields of output/fields, internals (timer, memory, tcp_info).
 * Appended to out. Returns the number of lines (0 for NULL). */
size_t view_detail(struct view *v, const struct view_entry *e,
		   struct sbuf *out);

/* The event log, oldest first: i < view_events(). Valid until the next
 * view_update(). */
size_t view_events(const struct view *v);
const struct view_event *view_event(const struct view *v, size_t i);
const char *view_event_kind_name(enum view_event_kind k); /* "born" */

#endif
