/* app.c - the TUI's loop: refresh the view every interval, wait for a key
 * until then, act on it, redraw. */
#include "config.h"

#include "tui/app.h"

#include "tui/collector.h"
#include "tui/keys.h"
#include "util/xalloc.h"

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The listing's columns, and for Unix sockets the file and the peer's
 * holders too. */
static const enum field_id tui_cols_inet[] = {
	FIELD_NETID, FIELD_STATE, FIELD_RECV_Q, FIELD_SEND_Q,
	FIELD_LOCAL, FIELD_PEER,  FIELD_PROCESS,
};
static const enum field_id tui_cols_unix[] = {
	FIELD_NETID, FIELD_STATE, FIELD_RECV_Q, FIELD_SEND_Q, FIELD_LOCAL,
	FIELD_PEER,  FIELD_MODE,  FIELD_OWNER,  FIELD_PROCESS,
	FIELD_PEER_PROCESS,
};

/* The default columns: with namespaces (-N, --all-netns) the namespace
 * and the container first, as in the listing. */
static size_t tui_default_columns(const struct tui_opts *o, int is_unix,
				  enum field_id *out)
{
	const enum field_id *c = is_unix ? tui_cols_unix : tui_cols_inet;
	size_t n = is_unix ? sizeof tui_cols_unix / sizeof tui_cols_unix[0] :
			     sizeof tui_cols_inet / sizeof tui_cols_inet[0];
	size_t k = 0;

	if (o->netns_columns) {
		out[k++] = FIELD_NETNS;
		out[k++] = FIELD_CONTAINER;
	}
	memcpy(out + k, c, n * sizeof(*c));
	return k + n;
}

static uint64_t tui_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void tui_msg(struct tui_app *a, int error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A footer message; texts from outside are escaped by the caller. */
static void tui_msg(struct tui_app *a, int error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->msg, sizeof a->msg, fmt, ap);
	va_end(ap);
	a->msg_error = error;
}

static void tui_columns_for_tab(struct tui_app *a)
{
	if (a->custom_columns)
		return;
	{
		enum field_id cols[VIEW_MAX_COLUMNS];
		size_t n = tui_default_columns(a->o, a->tab == VIEW_TAB_UNIX,
					       cols);

		view_set_columns(a->view, cols, n);
	}
	memset(a->widths, 0, sizeof a->widths);
	a->sort_col = SIZE_MAX;
	view_set_sort(a->view, VIEW_SORT_NONE, a->invert);
}

/* tcp_info and socket memory are asked of the kernel only while the
 * detail pane shows them: they are most of a large dump's cost. */
static unsigned tui_internals(const struct tui_app *a)
{
	return a->mode == TUI_MODE_DETAIL ? COLLECT_INT_INFO | COLLECT_INT_MEM :
					    0;
}

static void tui_detail_text(struct tui_app *a)
{
	const struct view_entry *e = view_selected(a->view);

	if (e == NULL)
		return;
	a->detail.len = 0;
	a->detail_lines = view_detail(a->view, e, &a->detail);
}

/* A new snapshot into the view; the previous snapshot goes. */
static void tui_show(struct tui_app *a, struct snapshot *s, uint64_t took_ms,
		     unsigned internals)
{
	uint64_t now = tui_now_ms();

	view_update(a->view, s->rows, s->facts, now);
	if (a->have_snap)
		snapshot_free(&a->snap);
	a->snap = *s;
	a->have_snap = 1;
	a->snap_internals = internals;
	a->last_tick_ms = now;
	a->refresh_ms = took_ms;
	if (a->mode == TUI_MODE_DETAIL)
		tui_detail_text(a);
}

/* Ask the collector for the next snapshot unless one is under way. */
static void tui_request(struct tui_app *a)
{
	if (collector_request(a->coll, tui_internals(a)) == 0)
		a->pending_internals = tui_internals(a);
}

static void tui_apply_filter(struct tui_app *a, const char *text)
{
	struct sc_err err = { 0 };

	if (tui_set_filter(a, text, &err) < 0) {
		/* the message quotes the text escaped */
		tui_msg(a, 1, "%s", err.msg);
		return;
	}
	tui_msg(a, 0, a->filter[0] != '\0' ? "filter set" : "filter cleared");
}

static void tui_search(struct tui_app *a, int backward)
{
	if (a->search[0] == '\0')
		return;
	if (!view_next_match(a->view, a->search, backward))
		tui_msg(a, 1, "no match");
	else
		a->msg[0] = '\0';
}

static void tui_sort_step(struct tui_app *a, int dir)
{
	const enum field_id *ids;
	size_t n = view_columns(a->view, &ids);

	if (n == 0)
		return;
	/* none, then each column in turn, then none again */
	if (a->sort_col == SIZE_MAX)
		a->sort_col = dir > 0 ? 0 : n - 1;
	else if (dir > 0)
		a->sort_col = a->sort_col + 1 < n ? a->sort_col + 1 : SIZE_MAX;
	else
		a->sort_col = a->sort_col > 0 ? a->sort_col - 1 : SIZE_MAX;
	view_set_sort(a->view,
		      a->sort_col == SIZE_MAX ? VIEW_SORT_NONE :
						ids[a->sort_col],
		      a->invert);
}

static void tui_set_tab(struct tui_app *a, enum view_tab t)
{
	int unix_before = a->tab == VIEW_TAB_UNIX;

	a->tab = t;
	view_set_tab(a->view, t);
	if (unix_before != (t == VIEW_TAB_UNIX))
		tui_columns_for_tab(a);
}

static void tui_open_detail(struct tui_app *a)
{
	if (view_selected(a->view) == NULL)
		return;
	tui_detail_text(a);
	a->detail_top = 0;
	a->mode = TUI_MODE_DETAIL;
	/* the shown snapshot has no tcp_info: fetch one that has */
	if (!a->paused &&
	    (a->snap_internals & tui_internals(a)) != tui_internals(a))
		tui_request(a);
}

static void tui_scroll(size_t *top, size_t total, size_t page,
		       enum tui_action act)
{
	size_t max = total > page ? total - page : 0;

	switch (act) {
	case TUI_ACT_UP:
		if (*top > 0)
			(*top)--;
		break;
	case TUI_ACT_DOWN:
		if (*top < max)
			(*top)++;
		break;
	case TUI_ACT_PGUP:
		*top = *top > page ? *top - page : 0;
		break;
	case TUI_ACT_PGDN:
		*top = *top + page < max ? *top + page : max;
		break;
	case TUI_ACT_HOME:
		*top = 0;
		break;
	case TUI_ACT_END:
		*top = max;
		break;
	default:
		break;
	}
}

static void tui_prompt_done(struct tui_app *a, enum tui_prompt_result r)
{
	enum tui_prompt_kind k = a->prompting;

	a->prompting = TUI_PROMPT_NONE;
	curs_set(0);
	if (r != TUI_PROMPT_ACCEPT)
		return;
	if (k == TUI_PROMPT_SEARCH) {
		memcpy(a->search, a->prompt.text, a->prompt.len + 1);
		tui_search(a, 0);
	} else {
		tui_apply_filter(a, a->prompt.text);
	}
}

static void tui_key(struct tui_app *a, int key)
{
	enum tui_action act;
	size_t page = tui_table_rows(a);

	if (a->prompting != TUI_PROMPT_NONE) {
		enum tui_prompt_result r = tui_prompt_key(&a->prompt, key);

		if (r != TUI_PROMPT_EDITING)
			tui_prompt_done(a, r);
		return;
	}
	if (key == KEY_RESIZE) {
		memset(a->widths, 0, sizeof a->widths);
		return;
	}
	act = tui_key_action(key);
	if (a->mode != TUI_MODE_TABLE) {
		size_t *top = a->mode == TUI_MODE_HELP ? &a->help_top :
							 &a->detail_top;
		unsigned nkeys;
		size_t total = a->mode == TUI_MODE_HELP ?
				       (tui_keys(&nkeys), (size_t)nkeys + 4) :
				       a->detail_lines;

		switch (act) {
		case TUI_ACT_QUIT:
			a->quit = 1;
			break;
		case TUI_ACT_CANCEL:
		case TUI_ACT_HELP:
		case TUI_ACT_DETAIL:
			a->mode = TUI_MODE_TABLE;
			break;
		case TUI_ACT_PAUSE:
			a->paused = !a->paused;
			break;
		default:
			tui_scroll(top, total, page, act);
			break;
		}
		return;
	}
	a->msg[0] = '\0';
	switch (act) {
	case TUI_ACT_UP:
		view_move(a->view, VIEW_MOVE_UP, page);
		break;
	case TUI_ACT_DOWN:
		view_move(a->view, VIEW_MOVE_DOWN, page);
		break;
	case TUI_ACT_PGUP:
		view_move(a->view, VIEW_MOVE_PAGE_UP, page);
		break;
	case TUI_ACT_PGDN:
		view_move(a->view, VIEW_MOVE_PAGE_DOWN, page);
		break;
	case TUI_ACT_HOME:
		view_move(a->view, VIEW_MOVE_HOME, page);
		break;
	case TUI_ACT_END:
		view_move(a->view, VIEW_MOVE_END, page);
		break;
	case TUI_ACT_SEARCH:
		a->prompting = TUI_PROMPT_SEARCH;
		tui_prompt_start(&a->prompt, a->search);
		curs_set(1);
		break;
	case TUI_ACT_SEARCH_NEXT:
		tui_search(a, 0);
		break;
	case TUI_ACT_FILTER:
		a->prompting = TUI_PROMPT_FILTER;
		tui_prompt_start(&a->prompt, a->filter);
		curs_set(1);
		break;
	case TUI_ACT_SORT_NEXT:
	case TUI_ACT_SORT_MENU:
		tui_sort_step(a, 1);
		break;
	case TUI_ACT_SORT_PREV:
		tui_sort_step(a, -1);
		break;
	case TUI_ACT_INVERT: {
		const enum field_id *ids;
		size_t n = view_columns(a->view, &ids);

		a->invert = !a->invert;
		view_set_sort(a->view,
			      a->sort_col == SIZE_MAX || a->sort_col >= n ?
				      VIEW_SORT_NONE :
				      ids[a->sort_col],
			      a->invert);
		break;
	}
	case TUI_ACT_TREE:
		a->tree = !a->tree;
		view_set_tree(a->view, a->tree);
		break;
	case TUI_ACT_PAUSE:
		a->paused = !a->paused;
		break;
	case TUI_ACT_DETAIL:
		tui_open_detail(a);
		break;
	case TUI_ACT_EVENTS:
		a->events = !a->events;
		break;
	case TUI_ACT_TAB_NEXT:
		tui_set_tab(a, (enum view_tab)((a->tab + 1) % 4));
		break;
	case TUI_ACT_TAB_ALL:
		tui_set_tab(a, VIEW_TAB_ALL);
		break;
	case TUI_ACT_TAB_TCP:
		tui_set_tab(a, VIEW_TAB_TCP);
		break;
	case TUI_ACT_TAB_UDP:
		tui_set_tab(a, VIEW_TAB_UDP);
		break;
	case TUI_ACT_TAB_UNIX:
		tui_set_tab(a, VIEW_TAB_UNIX);
		break;
	case TUI_ACT_HELP:
		a->mode = TUI_MODE_HELP;
		a->help_top = 0;
		break;
	case TUI_ACT_REDRAW:
		clearok(curscr, TRUE);
		break;
	case TUI_ACT_QUIT:
		a->quit = 1;
		break;
	case TUI_ACT_NEXT_STEP:
		a->next = a->narrating;
		break;
	case TUI_ACT_CANCEL:
	case TUI_ACT_NONE:
	case TUI_ACT_COUNT:
		break;
	}
}

static void tui_colors(void)
{
	start_color();
	use_default_colors();
	init_pair(1, COLOR_GREEN, -1);  /* born */
	init_pair(2, COLOR_YELLOW, -1); /* changed */
	init_pair(3, COLOR_RED, -1);    /* tomb, errors */
	init_pair(4, COLOR_BLACK, COLOR_CYAN); /* bars */
	init_pair(5, COLOR_CYAN, -1);   /* header, marks */
}

static void tui_app_free(struct tui_app *a)
{
	collector_free(a->coll);
	if (a->have_snap)
		snapshot_free(&a->snap);
	sbuf_free(&a->detail);
	sbuf_free(&a->narration);
	view_free(a->view);
	free(a);
}

int tui_open(const struct tui_opts *o, struct tui_app **out,
	     struct sc_err *err)
{
	struct tui_app *a;
	struct view_opts vo;
	enum field_id defcols[VIEW_MAX_COLUMNS];
	struct snapshot s;
	uint64_t took;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return sc_err_set(err, ENOTTY, "the TUI needs a terminal on "
					       "standard input and output");
	a = xcalloc(1, sizeof(*a));
	a->o = o;
	a->sort_col = SIZE_MAX;
	a->events = 1;
	view_opts_default(&vo);
	vo.addr = o->addr;
	vo.esc_flags = o->esc_flags;
	if (o->ncolumns > 0) {
		vo.columns = o->columns;
		vo.ncolumns = o->ncolumns;
	} else {
		vo.columns = defcols;
		vo.ncolumns = tui_default_columns(o, 0, defcols);
	}
	a->custom_columns = o->ncolumns > 0;
	a->view = view_new(&vo);
	if (o->sort != VIEW_SORT_NONE) {
		for (size_t i = 0; i < vo.ncolumns; i++)
			if (vo.columns[i] == o->sort)
				a->sort_col = i;
		view_set_sort(a->view, o->sort, o->reverse);
	} else if (o->reverse) {
		view_set_sort(a->view, VIEW_SORT_NONE, 1);
	}
	a->invert = o->reverse;
	a->tree = o->tree;
	view_set_tree(a->view, a->tree);
	if (o->filter != NULL && o->filter[0] != '\0' &&
	    tui_set_filter(a, o->filter, err) < 0) {
		tui_app_free(a);
		return -1;
	}
	/* The first snapshot before the screen: a failure is reported on a
	 * normal terminal. */
	if (collector_new(&o->snap, &a->coll, err) < 0 ||
	    collector_take_now(a->coll, 0, &s, &took, err) < 0) {
		tui_app_free(a);
		return -1;
	}
	tui_show(a, &s, took, 0);
	a->screen = newterm(NULL, stdout, stdin);
	if (a->screen == NULL) {
		tui_app_free(a);
		return sc_err_set(err, ENOTTY, "cannot use the terminal "
					       "(is TERM set?)");
	}
	set_term(a->screen);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	if (o->color && has_colors())
		tui_colors();
	*out = a;
	return 0;
}

int tui_pump(struct tui_app *a, uint64_t until_ms, struct sc_err *err)
{
	a->next = 0;
	while (!a->quit) {
		struct pollfd pf[2] = {
			{ .fd = STDIN_FILENO, .events = POLLIN },
			{ .fd = collector_fd(a->coll), .events = POLLIN },
		};
		uint64_t now = tui_now_ms();
		uint64_t due = a->last_tick_ms + a->o->delay_ms, wake = due;
		int busy, wait, key;

		if (a->next)
			return TUI_PUMP_NEXT;
		/* paused, the caller's time stands still too */
		if (until_ms != 0 && !a->paused && now >= until_ms)
			return TUI_PUMP_TIME;
		if (!a->paused && now >= due)
			tui_request(a);
		busy = collector_busy(a->coll);
		tui_draw(a);
		if (busy)
			wake = UINT64_MAX;
		if (until_ms != 0 && until_ms < wake)
			wake = until_ms;
		/* while a snapshot is under way its eventfd wakes us */
		wait = a->paused ? -1 :
		       wake == UINT64_MAX ? -1 :
					     (int)(wake > now ? wake - now : 0);
		if (poll(pf, 2, wait) < 0 && errno != EINTR)
			return sc_err_set(err, errno, "poll: %s",
					  strerror(errno));
		if (pf[1].revents & POLLIN) {
			struct snapshot s;
			uint64_t took;
			int got = collector_take(a->coll, &s, &took, err);

			if (got < 0)
				return -1;
			/* paused, the table stays as it was */
			if (got > 0 && a->paused)
				snapshot_free(&s);
			else if (got > 0)
				tui_show(a, &s, took, a->pending_internals);
		}
		/* every key queued (held keys, pasted text), and KEY_RESIZE
		 * after a SIGWINCH interrupted the poll */
		timeout(0);
		while (!a->quit && (key = getch()) != ERR)
			tui_key(a, key);
	}
	return TUI_PUMP_QUIT;
}

void tui_close(struct tui_app *a)
{
	if (a == NULL)
		return;
	endwin();
	delscreen(a->screen);
	tui_app_free(a);
}

int tui_set_filter(struct tui_app *a, const char *text, struct sc_err *err)
{
	struct expr *e = NULL;
	size_t n = strnlen(text, TUI_PROMPT_MAX);

	if (n > 0 && expr_parse_text(text, n, &e, err) < 0)
		return -1;
	view_set_filter(a->view, e, a->have_snap ? a->snap.facts : NULL);
	memcpy(a->filter, text, n);
	a->filter[n] = '\0';
	return 0;
}

void tui_narrate(struct tui_app *a, const char *title, const char *text,
		 size_t len, const struct view_mark *marks, size_t nmarks)
{
	a->narration.len = 0;
	sbuf_put(&a->narration, text, len);
	snprintf(a->caption, sizeof a->caption, "%s", title);
	a->narrating = 1;
	view_set_marks(a->view, marks, nmarks);
}

int tui_run(const struct tui_opts *o, struct sc_err *err)
{
	struct tui_app *a;
	int r;

	if (tui_open(o, &a, err) < 0)
		return -1;
	r = tui_pump(a, 0, err);
	tui_close(a);
	return r < 0 ? -1 : 0;
}
