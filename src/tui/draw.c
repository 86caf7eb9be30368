/* draw.c - the TUI's screen, drawn from the state with ncurses: a title
 * bar, the column header, the table (or the help or detail pane), the
 * event log and a footer. Every text it puts on the screen is escaped
 * display text: the view's cells and events, or the prompt escaped here. */
#include "config.h"

#include "tui/app.h"

#include "tui/keys.h"
#include "util/escape.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#define TUI_PAIR_BORN 1
#define TUI_PAIR_CHANGED 2
#define TUI_PAIR_TOMB 3
#define TUI_PAIR_BAR 4
#define TUI_PAIR_MARK 5
#define TUI_CELL_MAX 48 /* a column is never wider, but the last */

static attr_t tui_pair(const struct tui_app *a, short pair, attr_t mono)
{
	if (a->o->color && has_colors())
		return COLOR_PAIR(pair);
	return mono;
}

/* The bytes of s (len) that fit in cols columns; *used receives the
 * columns they take. s is escaped display text: printable ASCII, or
 * printable UTF-8 in a UTF-8 locale. */
static size_t tui_fit(const char *s, size_t len, size_t cols, size_t *used)
{
	mbstate_t st;
	size_t i = 0, w = 0;

	memset(&st, 0, sizeof st);
	while (i < len) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s + i, len - i, &st);
		int cw;

		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			/* not in this locale's charset: one column a byte,
			 * which is what esc_text() made of it */
			n = 1;
			cw = 1;
			memset(&st, 0, sizeof st);
		} else {
			cw = wcwidth(wc);
			if (cw < 0)
				cw = 1;
		}
		if (w + (size_t)cw > cols)
			break;
		w += (size_t)cw;
		i += n;
	}
	if (used != NULL)
		*used = w;
	return i;
}

/* Put s at (y, x), at most cols columns; returns the columns used. */
static size_t tui_put(int y, int x, const char *s, size_t len, size_t cols)
{
	size_t used, n = tui_fit(s, len, cols, &used);

	if (n > 0)
		mvaddnstr(y, x, s, (int)n);
	return used;
}

static size_t tui_puts(int y, int x, const char *s, size_t cols)
{
	return tui_put(y, x, s, strlen(s), cols);
}

/* A bar across the screen (title, pane titles). */
static void tui_bar(const struct tui_app *a, int y, const char *text)
{
	attr_t at = tui_pair(a, TUI_PAIR_BAR, A_REVERSE);

	attron(at);
	mvhline(y, 0, ' ', COLS);
	tui_puts(y, 0, text, (size_t)COLS);
	attroff(at);
}

static size_t tui_events_rows(const struct tui_app *a)
{
	if (!a->events || LINES < 16 || a->mode != TUI_MODE_TABLE)
		return 0;
	return (size_t)(LINES / 4 < 8 ? LINES / 4 : 8);
}

/* The narration's lines (its caption bar aside): all of them, up to
 * half the screen. */
static size_t tui_narration_rows(const struct tui_app *a)
{
	size_t n = 0, max = (size_t)(LINES > 8 ? LINES / 2 : 1);
	const char *p = a->narration.p, *end = p + a->narration.len;

	if (!a->narrating || a->mode != TUI_MODE_TABLE)
		return 0;
	while (p != NULL && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		n++;
		p = nl != NULL ? nl + 1 : end;
	}
	return n < max ? n : max;
}

size_t tui_table_rows(const struct tui_app *a)
{
	size_t ev = tui_events_rows(a), nr = tui_narration_rows(a);
	int rows = LINES - 3 - (ev > 0 ? (int)ev + 1 : 0) -
		   (nr > 0 ? (int)nr + 1 : 0);

	return rows > 1 ? (size_t)rows : 1;
}

static const char *const tui_tab_names[] = { "All", "TCP", "UDP", "Unix" };

static void tui_title(struct tui_app *a)
{
	struct view_counts c;
	char t[512], esc[ESC_MAX(64)];
	const enum field_id *ids;
	size_t n = view_columns(a->view, &ids), len = 0;
	int k;

	view_counts(a->view, &c);
	k = snprintf(t, sizeof t, " sockscope  %zu sockets", c.sockets);
	len = k > 0 ? (size_t)k : 0;
	if (c.born + c.died > 0 && len < sizeof t)
		len += (size_t)snprintf(t + len, sizeof t - len, " (+%zu -%zu)",
					c.born, c.died);
	for (int i = 0; i < 4 && len < sizeof t; i++)
		len += (size_t)snprintf(t + len, sizeof t - len,
					i == (int)a->tab ? "  [%s]" : "  %s",
					tui_tab_names[i]);
	if (a->sort_col != SIZE_MAX && a->sort_col < n && len < sizeof t)
		len += (size_t)snprintf(t + len, sizeof t - len,
					"  sort:%s%s",
					fields_name(ids[a->sort_col]),
					a->invert ? " (inverted)" : "");
	else if (a->invert && len < sizeof t)
		len += (size_t)snprintf(t + len, sizeof t - len,
					"  inverted");
	if (a->tree && len < sizeof t)
		len += (size_t)snprintf(t + len, sizeof t - len, "  tree");
	if (a->filter[0] != '\0' && len < sizeof t) {
		size_t fl = strlen(a->filter);

		esc_text(esc, a->filter, fl < 64 ? fl : 64, a->o->esc_flags,
			 NULL);
		len += (size_t)snprintf(t + len, sizeof t - len,
					"  filter:%s%s", esc,
					fl > 64 ? "..." : "");
	}
	if (a->paused && len < sizeof t)
		len += (size_t)snprintf(t + len, sizeof t - len, "  PAUSED");
	if (len < sizeof t)
		snprintf(t + len, sizeof t - len, "  (%llu ms)",
			 (unsigned long long)a->refresh_ms);
	tui_bar(a, 0, t);
}

static attr_t tui_line_attr(const struct tui_app *a, unsigned flags)
{
	attr_t at = A_NORMAL;

	/* one colour pair a line: pairs do not mix */
	if (flags & VIEW_LF_TOMB)
		at |= tui_pair(a, TUI_PAIR_TOMB, A_NORMAL) | A_DIM;
	else if (flags & VIEW_LF_MARKED)
		at |= tui_pair(a, TUI_PAIR_MARK, A_UNDERLINE) | A_BOLD;
	else if (flags & VIEW_LF_BORN)
		at |= tui_pair(a, TUI_PAIR_BORN, A_NORMAL) | A_BOLD;
	else if (flags & VIEW_LF_CHANGED)
		at |= tui_pair(a, TUI_PAIR_CHANGED, A_UNDERLINE) | A_BOLD;
	if (flags & VIEW_LF_SELECTED)
		at |= A_REVERSE;
	return at;
}

/* The widths of the columns: the widest header or cell seen so far on
 * the screen, at most TUI_CELL_MAX but for the last column. */
static void tui_widths(struct tui_app *a, size_t top, size_t rows)
{
	const enum field_id *ids;
	size_t n = view_columns(a->view, &ids), lines = view_lines(a->view);

	for (size_t c = 0; c < n; c++) {
		/* the sort column's header carries a + or - */
		size_t h = strlen(fields_header(ids[c])) + (c == a->sort_col);

		if (a->widths[c] < h)
			a->widths[c] = h;
	}
	for (size_t i = top; i < lines && i < top + rows; i++) {
		const struct view_line *ln = view_line(a->view, i);

		for (size_t c = 0; c < ln->ncells && c < n; c++) {
			size_t w = ln->cells[c].cols;

			if (c + 1 < n && w > TUI_CELL_MAX)
				w = TUI_CELL_MAX;
			if (a->widths[c] < w)
				a->widths[c] = w;
		}
	}
}

/* One cell padded to its column's width (right-aligned for numbers);
 * returns the next x. */
static int tui_cell(int y, int x, const char *s, size_t len, size_t cols,
		    size_t width, int right, int last)
{
	size_t room = (size_t)(COLS > x ? COLS - x : 0), w;

	if (room == 0)
		return x;
	if (!last && width < room)
		room = width;
	if (right && cols < room)
		x += (int)(room - cols);
	w = tui_put(y, x, s, len, room);
	if (right)
		return x + (int)w + 1;
	return x + (int)(last ? w : room) + 1;
}

static void tui_header(struct tui_app *a, int y)
{
	const enum field_id *ids;
	size_t n = view_columns(a->view, &ids);
	attr_t at = tui_pair(a, TUI_PAIR_MARK, A_NORMAL) | A_BOLD;
	int x = (a->narrating ? 2 : 0) + (a->tree ? 3 : 0);

	move(y, 0);
	clrtoeol();
	attron(at);
	for (size_t c = 0; c < n && x < COLS; c++) {
		const char *h = fields_header(ids[c]);
		char tmp[64];

		if (c == a->sort_col) {
			/* the sort column's header is marked */
			snprintf(tmp, sizeof tmp, "%s%s", h,
				 a->invert ? "-" : "+");
			h = tmp;
		}
		x = tui_cell(y, x, h, strlen(h), strlen(h), a->widths[c],
			     fields_right_aligned(ids[c]), c + 1 == n);
	}
	attroff(at);
}

static void tui_rows(struct tui_app *a, int y0, size_t rows)
{
	const enum field_id *ids;
	size_t n = view_columns(a->view, &ids), lines, top;

	view_set_page(a->view, rows);
	lines = view_lines(a->view);
	top = view_top(a->view);
	tui_widths(a, top, rows);
	tui_header(a, y0 - 1);
	for (size_t r = 0; r < rows; r++) {
		int y = y0 + (int)r, x = 0;
		const struct view_line *ln;
		attr_t at;

		move(y, 0);
		clrtoeol();
		if (top + r >= lines)
			continue;
		ln = view_line(a->view, top + r);
		at = tui_line_attr(a, ln->flags);
		attron(at);
		if (ln->flags & VIEW_LF_SELECTED)
			mvhline(y, 0, ' ', COLS);
		/* a narrated run points at its sockets in a gutter too: the
		 * colour alone is lost under the selection or without colour */
		if (a->narrating) {
			if (ln->flags & VIEW_LF_MARKED)
				tui_puts(y, 0, a->o->utf8 ? "\u25b6 " : "> ", 2);
			x = 2;
		}
		if (a->tree) {
			const char *mark = "";

			if (ln->depth > 0)
				mark = (ln->flags & VIEW_LF_LAST_CHILD) ?
					       (a->o->utf8 ? "\u2514\u2500 " :
							     "`- ") :
					       (a->o->utf8 ? "\u251c\u2500 " :
							     "|- ");
			tui_puts(y, x, mark, 3);
			x += 3;
		}
		for (size_t c = 0; c < ln->ncells && c < n && x < COLS; c++)
			x = tui_cell(y, x, ln->cells[c].text, ln->cells[c].len,
				     ln->cells[c].cols, a->widths[c],
				     fields_right_aligned(ids[c]), c + 1 == n);
		attroff(at);
	}
	if (lines == 0)
		tui_puts(y0, 1,
			 a->filter[0] != '\0' ?
				 "no socket matches the filter (\\ to change it)" :
				 "no sockets",
			 (size_t)(COLS > 1 ? COLS - 1 : 0));
}

static void tui_events(struct tui_app *a, int y0, size_t rows)
{
	size_t n = view_events(a->view), first = n > rows ? n - rows : 0;
	struct timespec wall, mono;
	int64_t off;

	clock_gettime(CLOCK_REALTIME, &wall);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	/* events carry monotonic milliseconds; the log shows wall time */
	off = ((int64_t)wall.tv_sec - (int64_t)mono.tv_sec) * 1000 +
	      ((int64_t)wall.tv_nsec - (int64_t)mono.tv_nsec) / 1000000;
	tui_bar(a, y0, " Events (e hides them)");
	for (size_t r = 0; r < rows; r++) {
		int y = y0 + 1 + (int)r;
		const struct view_event *ev;
		char line[1024], hhmmss[16], states[64];
		time_t t;
		struct tm tm;
		attr_t at = A_NORMAL;

		move(y, 0);
		clrtoeol();
		if (first + r >= n)
			continue;
		ev = view_event(a->view, first + r);
		t = (time_t)(((int64_t)ev->time_ms + off) / 1000);
		localtime_r(&t, &tm);
		strftime(hhmmss, sizeof hhmmss, "%H:%M:%S", &tm);
		if (ev->kind == VIEW_EV_STATE)
			snprintf(states, sizeof states, "%s%s%s",
				 sock_state_name((enum sock_state)ev->old_state),
				 a->o->utf8 ? "\u2192" : "->",
				 sock_state_name((enum sock_state)ev->new_state));
		else
			snprintf(states, sizeof states, "%s",
				 sock_state_name((enum sock_state)(
					 ev->kind == VIEW_EV_BORN ?
						 ev->new_state :
						 ev->old_state)));
		snprintf(line, sizeof line, "%s %-5s %-5s %-21s %s %s %s",
			 hhmmss, view_event_kind_name(ev->kind),
			 sock_netid_name((enum sock_netid)ev->netid), states,
			 ev->local, ev->peer, ev->owner);
		if (ev->kind == VIEW_EV_BORN)
			at = tui_pair(a, TUI_PAIR_BORN, A_BOLD);
		else if (ev->kind == VIEW_EV_DIED)
			at = tui_pair(a, TUI_PAIR_TOMB, A_DIM);
		else
			at = tui_pair(a, TUI_PAIR_CHANGED, A_NORMAL);
		attron(at);
		tui_puts(y, 0, line, (size_t)COLS);
		attroff(at);
	}
}

static void tui_help(struct tui_app *a, int y0, size_t rows)
{
	unsigned nkeys;
	const struct tui_key *k = tui_keys(&nkeys);
	size_t line = 0;

	for (int y = y0 - 1; y < y0 + (int)rows; y++) {
		move(y, 0);
		clrtoeol();
	}
	tui_bar(a, y0 - 1, " Help: keys (Esc or ? closes, q quits; arrows scroll)");
	for (unsigned i = 0; i < nkeys; i++) {
		char l[160];

		if (k[i].name == NULL)
			continue;
		if (line >= a->help_top && line - a->help_top < rows) {
			snprintf(l, sizeof l, "  %-10s %s", k[i].name,
				 k[i].help);
			tui_puts(y0 + (int)(line - a->help_top), 0, l,
				 (size_t)COLS);
		}
		line++;
	}
	{
		static const char *const tail[] = {
			"",
			"  Green: born; yellow: its state changed; dim: gone "
			"(kept a few refreshes).",
			"  The filter takes the listing's expressions, e.g. "
			"sport = :22 or comm = sshd.",
		};

		for (size_t i = 0; i < sizeof tail / sizeof tail[0]; i++, line++)
			if (line >= a->help_top && line - a->help_top < rows)
				tui_puts(y0 + (int)(line - a->help_top), 0,
					 tail[i], (size_t)COLS);
	}
}

static void tui_detail(struct tui_app *a, int y0, size_t rows)
{
	const char *p = a->detail.p, *end = p + a->detail.len;
	size_t line = 0;

	for (int y = y0 - 1; y < y0 + (int)rows; y++) {
		move(y, 0);
		clrtoeol();
	}
	tui_bar(a, y0 - 1, " Details (Enter or Esc closes; arrows scroll)");
	while (p != NULL && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);

		if (line >= a->detail_top && line - a->detail_top < rows)
			tui_put(y0 + (int)(line - a->detail_top), 1, p, len,
				(size_t)(COLS > 1 ? COLS - 1 : 0));
		line++;
		p += len + 1;
	}
}

/* The narrated step: its caption in a bar, then its lines. */
static void tui_narration(struct tui_app *a, int y0, size_t rows)
{
	const char *p = a->narration.p, *end = p + a->narration.len;
	char bar[160];

	snprintf(bar, sizeof bar, " %s", a->caption);
	tui_bar(a, y0 - 1, bar);
	for (size_t line = 0; line < rows && p != NULL && p < end; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);

		tui_put(y0 + (int)line, 0, p, len, (size_t)COLS);
		p += len + 1;
	}
}

static void tui_footer(struct tui_app *a)
{
	int y = LINES - 1;

	move(y, 0);
	clrtoeol();
	if (a->prompting != TUI_PROMPT_NONE) {
		const char *label = a->prompting == TUI_PROMPT_SEARCH ?
					    "Search: " :
					    "Filter: ";
		char esc[ESC_MAX(TUI_PROMPT_MAX)];
		char before[ESC_MAX(TUI_PROMPT_MAX)];
		size_t bw, x = strlen(label);

		/* the text as typed, escaped: where the cursor is in the
		 * escaped text is the width of what precedes it */
		esc_text(esc, a->prompt.text, a->prompt.len, a->o->esc_flags,
			 NULL);
		esc_text(before, a->prompt.text, a->prompt.cursor,
			 a->o->esc_flags, &bw);
		attron(A_BOLD);
		tui_puts(y, 0, label, (size_t)COLS);
		attroff(A_BOLD);
		tui_puts(y, (int)x, esc,
			 (size_t)(COLS > (int)x ? COLS - (int)x : 0));
		move(y, (int)(x + bw < (size_t)COLS ? x + bw : (size_t)COLS - 1));
		return;
	}
	if (a->msg[0] != '\0') {
		attr_t at = a->msg_error ? tui_pair(a, TUI_PAIR_TOMB, A_BOLD) :
					   A_BOLD;

		attron(at);
		tui_puts(y, 0, a->msg, (size_t)COLS);
		attroff(at);
		return;
	}
	if (a->narrating) {
		tui_puts(y, 0,
			 "s Next step  Space Pause  t Tree  \\ Filter  "
			 "Enter Detail  e Events  F1 Help  q Quit",
			 (size_t)COLS);
		return;
	}
	tui_puts(y, 0,
		 "F1 Help  / Search  \\ Filter  t Tree  < > Sort  I Invert  "
		 "Tab Kind  Space Pause  Enter Detail  e Events  q Quit",
		 (size_t)COLS);
}

void tui_draw(struct tui_app *a)
{
	size_t rows = tui_table_rows(a), ev = tui_events_rows(a);
	size_t nr = tui_narration_rows(a);

	erase();
	tui_title(a);
	switch (a->mode) {
	case TUI_MODE_HELP:
		tui_help(a, 2, rows + (ev > 0 ? ev + 1 : 0));
		break;
	case TUI_MODE_DETAIL:
		tui_detail(a, 2, rows + (ev > 0 ? ev + 1 : 0));
		break;
	case TUI_MODE_TABLE:
		tui_rows(a, 2, rows);
		if (nr > 0)
			tui_narration(a, 3 + (int)rows, nr);
		if (ev > 0)
			tui_events(a, 2 + (int)rows + (nr > 0 ? (int)nr + 1 : 0),
				   ev);
		break;
	}
	tui_footer(a);
	refresh();
}
