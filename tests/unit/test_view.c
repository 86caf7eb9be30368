/* test_view.c - the TUI's view model over hand-made ticks: births, tombs
 * and state changes with their events, identities of inode-less sockets,
 * the selection, sort, search, filter and tabs, the tree of listeners,
 * escaped cells, the bounded event log, and incremental order upkeep
 * checked against a full sort. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "collect/owners.h"
#include "filter/expr.h"
#include "model/facts.h"
#include "model/rows.h"
#include "proctree.h"
#include "tui/view.h"

#define TCP SOCK_NETID_TCP
#define UDP SOCK_NETID_UDP
#define USTR SOCK_NETID_UNIX_STREAM

static struct sock_rec inet(uint8_t netid, uint8_t state, uint64_t inode,
			    const char *src, uint16_t sport, const char *dst,
			    uint16_t dport)
{
	struct sock_rec r;
	int fam = strchr(src, ':') != NULL ? AF_INET6 : AF_INET;

	memset(&r, 0, sizeof(r));
	r.netid = netid;
	r.family = (uint8_t)fam;
	r.state = state;
	r.flags = SOCK_F_HAS_RQ | SOCK_F_HAS_WQ | SOCK_F_HAS_UID;
	r.inode = inode;
	assert_int_equal(inet_pton(fam, src, r.src), 1);
	assert_int_equal(inet_pton(fam, dst, r.dst), 1);
	r.sport = sport;
	r.dport = dport;
	return r;
}

static struct sock_rec unx(uint8_t state, uint64_t inode, const char *name,
			   size_t len, uint64_t peer)
{
	struct sock_rec r;

	memset(&r, 0, sizeof(r));
	r.netid = USTR;
	r.family = AF_UNIX;
	r.state = state;
	r.flags = SOCK_F_HAS_RQ | SOCK_F_HAS_WQ | SOCK_F_HAS_PEER;
	r.inode = inode;
	r.peer_ino = peer;
	r.name = name;
	r.name_len = (uint16_t)len;
	return r;
}

static uint64_t tick_ms;

/* One tick of n records. */
static void tickf(struct view *v, const struct sock_rec *r, size_t n,
		  struct facts *f)
{
	struct rows *rs = rows_new(0);

	for (size_t i = 0; i < n; i++)
		rows_add(rs, &r[i]);
	tick_ms += 1000;
	view_update(v, rs, f, tick_ms);
	rows_free(rs);
}

static void tick(struct view *v, const struct sock_rec *r, size_t n)
{
	tickf(v, r, n, NULL);
}

static struct view *mkview(const enum field_id *cols, size_t ncols)
{
	struct view_opts o;

	view_opts_default(&o);
	o.born_ticks = 2;
	o.changed_ticks = 2;
	o.tomb_ticks = 2;
	o.columns = cols;
	o.ncolumns = ncols;
	return view_new(&o);
}

static const enum field_id inode_col[] = { FIELD_INODE };

/* The lines as their first cells, space-separated, with tree depth as
 * '>' and flags as suffixes: +born, ~tomb, !changed, *updated. */
static const char *dump(struct view *v)
{
	static char buf[4096];
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < view_lines(v); i++) {
		const struct view_line *l = view_line(v, i);

		len += (size_t)snprintf(
			buf + len, sizeof(buf) - len, "%s%s%s%s%s%s%s",
			i ? " " : "", l->depth ? ">" : "", l->cells[0].text,
			(l->flags & VIEW_LF_BORN) ? "+" : "",
			(l->flags & VIEW_LF_TOMB) ? "~" : "",
			(l->flags & VIEW_LF_CHANGED) ? "!" : "",
			(l->flags & VIEW_LF_UPDATED) ? "*" : "");
		assert_true(len < sizeof(buf));
	}
	return buf;
}

static const char *sel_cell(struct view *v)
{
	size_t c = view_cursor(v);

	assert_true(c != VIEW_NONE);
	return view_line(v, c)->cells[0].text;
}

/* ---- life ---------------------------------------------------------- */

static void test_initial(void **state)
{
	struct view *v = mkview(inode_col, 1);
	struct sock_rec r[3];
	(void)state;

	r[0] = inet(TCP, SOCK_ST_LISTEN, 10, "0.0.0.0", 80, "0.0.0.0", 0);
	r[1] = inet(TCP, SOCK_ST_ESTABLISHED, 11, "127.0.0.1", 80,
		    "127.0.0.1", 40000);
	r[2] = inet(UDP, SOCK_ST_CLOSE, 12, "0.0.0.0", 53, "0.0.0.0", 0);
	tick(v, r, 3);
	assert_int_equal(view_events(v), 0);
	assert_string_equal(dump(v), "10 11 12");
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(view_line(v, i)->flags & ~VIEW_LF_SELECTED,
				 VIEW_LF_INITIAL);
	/* the same again: nothing happens */
	tick(v, r, 3);
	assert_int_equal(view_events(v), 0);
	assert_string_equal(dump(v), "10 11 12");
	view_free(v);
}

static void test_born(void **state)
{
	struct view *v = mkview(inode_col, 1);
	struct sock_rec r[2];
	const struct view_event *ev;
	struct view_counts c;
	(void)state;

	r[0] = inet(TCP, SOCK_ST_LISTEN, 10, "0.0.0.0", 80, "0.0.0.0", 0);
	r[1] = inet(TCP, SOCK_ST_ESTABLISHED, 11, "127.0.0.1", 80,
		    "127.0.0.1", 40000);
	tick(v, r, 1);
	tick(v, r, 2);
	assert_string_equal(dump(v), "10 11+");
	assert_false(view_line(v, 1)->flags & VIEW_LF_INITIAL);
	assert_int_equal(view_events(v), 1);
	ev = view_event(v, 0);
	assert_int_equal(ev->kind, VIEW_EV_BORN);
	assert_int_equal(ev->key.kind, VIEW_KEY_INODE);
	assert_int_equal(ev->key.id, 11);
	assert_int_equal(ev->netid, TCP);
	assert_int_equal(ev->new_state, SOCK_ST_ESTABLISHED);
	assert_int_equal(ev->time_ms, tick_ms);
	assert_string_equal(ev->local, "127.0.0.1:80");
	assert_string_equal(ev->peer, "127.0.0.1:40000");
	assert_string_equal(ev->owner, "");
	assert_string_equal(view_event_kind_name(ev->kind), "born");
	view_counts(v, &c);
	assert_int_equal(c.sockets, 2);
	assert_int_equal(c.born, 1);
	/* highlighted for 2 ticks */
	tick(v, r, 2);
	assert_string_equal(dump(v), "10 11+");
	tick(v, r, 2);
	assert_string_equal(dump(v), "10 11");
	assert_int_equal(view_events(v), 1);
	view_free(v);
}

static void test_tomb(void **state)
{
	struct view *v = mkview(inode_col, 1);
	struct sock_rec r[3];
	const struct view_event *ev;
	struct view_counts c;
	(void)state;

	r[0] = inet(TCP, SOCK_ST_ESTABLISHED, 10, "127.0.0.1", 80,
		    "127.0.0.1", 40000);
	r[1] = inet(TCP, SOCK_ST_ESTABLISHED, 11, "127.0.0.1", 80,
		    "127.0.0.1", 40001);
	r[2] = inet(TCP, SOCK_ST_ESTABLISHED, 12, "127.0.0.1", 80,
		    "127.0.0.1", 40002);
	tick(v, r, 3);
	r[1] = r[2];
	tick(v, r, 2);
	/* the tomb stays where it was */
	assert_string_equal(dump(v), "10 11~ 12");
	assert_int_equal(view_events(v), 1);
	ev = view_event(v, 0);
	assert_int_equal(ev->kind, VIEW_EV_DIED);
	assert_int_equal(ev->old_state, SOCK_ST_ESTABLISHED);
	assert_string_equal(ev->peer, "127.0.0.1:40001");
	view_counts(v, &c);
	assert_int_equal(c.sockets, 2);
	assert_int_equal(c.tombs, 1);
	assert_int_equal(c.died, 1);
	tick(v, r, 2);
	assert_string_equal(dump(v), "10 11~ 12");
	tick(v, r, 2);
	assert_string_equal(dump(v), "10 12");
	assert_int_equal(view_events(v), 1);
	view_counts(v, &c);
	assert_int_equal(c.tombs, 0);
	view_free(v);
}

static void test_state_change(void **state)
{
	struct view *v = mkview(inode_col, 1);
	struct sock_rec r = inet(TCP, SOCK_ST_ESTABLISHED, 10, "127.0.0.1",
				 80, "127.0.0.1", 40000);
	const struct view_event *ev;
	(void)state;

	tick(v, &r, 1);
	r.state = SOCK_ST_FIN_WAIT2;
	tick(v, &r, 1);
	assert_string_equal(dump(v), "10!");
	assert_int_equal(view_events(v), 1);
	ev = view_event(v, 0);
	assert_int_equal(ev->kind, VIEW_EV_STATE);
	assert_int_equal(ev->old_state, SOCK_ST_ESTABLISHED);
	assert_int_equal(ev->new_state, SOCK_ST_FIN_WAIT2);
	assert_string_equal(view_event_kind_name(ev->kind), "state");
	tick(v, &r, 1);
	tick(v, &r, 1);
	assert_string_equal(dump(v), "10");
	/* a queue change: lighter, no event */
	r.rq = 5;
	tick(v, &r, 1);
	assert_string_equal(dump(v), "10*");
	/* a timer ticking down: nothing to flash */
	r.flags |= SOCK_F_HAS_TIMER;
	r.timer = SOCK_TIMER_KEEPALIVE;
	r.expires_ms = 1000;
	tick(v, &r, 1);
	tick(v, &r, 1);
	r.expires_ms = 500;
	tick(v, &r, 1);
	assert_string_equal(dump(v), "10");
	assert_int_equal(view_events(v), 1);
	view_free(v);
}

/* ---- identities without an inode ------------------------------------ */

static void test_timewait_keys(void **state)
{
	static const enum field_id cols[] = { FIELD_STATE, FIELD_PEER };
	struct view *v = mkview(cols, 2);
	struct sock_rec r[2];
	const struct view_event *ev;
	(void)state;

	/* ESTABLISHED -> TIME-WAIT with the cookie kept: one socket */
	r[0] = inet(TCP, SOCK_ST_ESTABLISHED, 10, "127.0.0.1", 80,
		    "127.0.0.1", 40000);
	r[0].cookie = 0xabc;
	/* a TIME-WAIT without a cookie: its 4-tuple is its identity */
	r[1] = inet(TCP, SOCK_ST_TIME_WAIT, 0, "127.0.0.1", 80, "127.0.0.1",
		    40001);
	tick(v, r, 2);
	r[0].state = SOCK_ST_TIME_WAIT;
	r[0].inode = 0;
	tick(v, r, 2);
	assert_int_equal(view_events(v), 1);
	ev = view_event(v, 0);
	assert_int_equal(ev->kind, VIEW_EV_STATE);
	assert_int_equal(ev->old_state, SOCK_ST_ESTABLISHED);
	assert_int_equal(ev->new_state, SOCK_ST_TIME_WAIT);
	assert_int_equal(ev->key.kind, VIEW_KEY_COOKIE);
	assert_int_equal(ev->key.id, 0xabc);
	assert_int_equal(view_lines(v), 2);
	assert_int_equal(view_line(v, 0)->ent->key.kind, VIEW_KEY_COOKIE);
	assert_int_equal(view_line(v, 1)->ent->key.kind, VIEW_KEY_TUPLE);
	/* both stay themselves */
	tick(v, r, 2);
	tick(v, r, 2);
	assert_int_equal(view_events(v), 1);
	assert_string_equal(dump(v), "TIME-WAIT TIME-WAIT");

	/* without a cookie the TIME-WAIT minisock is a new socket */
	r[0] = inet(TCP, SOCK_ST_ESTABLISHED, 11, "127.0.0.1", 80,
		    "127.0.0.1", 40002);
	tick(v, r, 2);
	r[0].state = SOCK_ST_TIME_WAIT;
	r[0].inode = 0;
	tick(v, r, 2);
	/* ESTAB 11 born and the cookie one died; then the TIME-WAIT
	 * born and 11 died (a tick's births come before its deaths) */
	assert_int_equal(view_events(v), 5);
	assert_int_equal(view_event(v, 1)->kind, VIEW_EV_BORN);
	assert_int_equal(view_event(v, 1)->key.id, 11);
	assert_int_equal(view_event(v, 2)->kind, VIEW_EV_DIED);
	assert_int_equal(view_event(v, 2)->key.id, 0xabc);
	assert_int_equal(view_event(v, 3)->kind, VIEW_EV_BORN);
	assert_int_equal(view_event(v, 3)->key.kind, VIEW_KEY_TUPLE);
	assert_int_equal(view_event(v, 3)->key.dport, 40002);
	assert_int_equal(view_event(v, 4)->kind, VIEW_EV_DIED);
	assert_int_equal(view_event(v, 4)->key.id, 11);
	view_free(v);
}

/* ---- selection, sort, search ---------------------------------------- */

static void five(struct sock_rec *r)
{
	static const uint32_t rq[] = { 3, 1, 4, 1, 5 };

	for (int i = 0; i < 5; i++) {
		r[i] = inet(TCP, SOCK_ST_ESTABLISHED, 20 + (uint64_t)i,
			    "127.0.0.1", (uint16_t)(8080 + i), "127.0.0.1",
			    (uint16_t)(50000 + i));
		r[i].rq = rq[i];
	}
}

static void test_sort(void **state)
{
	struct view *v = mkview(inode_col, 1);
	struct sock_rec r[6];
	(void)state;

	five(r);
	tick(v, r, 5);
	view_set_sort(v, FIELD_RECV_Q, 0);
	/* ties by age: 21 came before 23 */
	assert_string_equal(dump(v), "21 23 20 22 24");
	view_set_sort(v, FIELD_RECV_Q, 1);
	assert_string_equal(dump(v), "24 22 20 23 21");
	view_set_sort(v, FIELD_SPORT, 1);
	assert_string_equal(dump(v), "24 23 22 21 20");
	view_set_sort(v, VIEW_SORT_NONE, 0);
	assert_string_equal(dump(v), "20 21 22 23 24");
	view_set_sort(v, VIEW_SORT_NONE, 1);
	assert_string_equal(dump(v), "24 23 22 21 20");

	/* kept in order across ticks: a new one, a moved one, a tomb that
	 * stays at its last value */
	view_set_sort(v, FIELD_RECV_Q, 0);
	r[5] = inet(TCP, SOCK_ST_ESTABLISHED, 30, "127.0.0.1", 9000,
		    "127.0.0.1", 1);
	r[5].rq = 2;
	r[0].rq = 0;
	r[2] = r[5];
	tick(v, r, 5);
	assert_string_equal(dump(v), "20* 21 23 30+ 22~ 24");
	view_free(v);
}

static void test_selection(void **state)
{
	struct view *v = mkview(inode_col, 1);
	struct sock_rec r[6];
	(void)state;

	five(r);
	assert_null(view_selected(v));
	assert_int_equal(view_cursor(v), VIEW_NONE);
	tick(v, r, 5);
	assert_int_equal(view_cursor(v), 0);
	view_move(v, VIEW_MOVE_DOWN, 2);
	view_move(v, VIEW_MOVE_DOWN, 2);
	assert_string_equal(sel_cell(v), "22");
	assert_true(view_line(v, 2)->flags & VIEW_LF_SELECTED);
	assert_false(view_line(v, 1)->flags & VIEW_LF_SELECTED);
	assert_int_equal(view_top(v), 1); /* a page of 2 shows it */
	assert_int_equal(view_selected(v)->key.id, 22);

	/* re-sorts */
	view_set_sort(v, FIELD_RECV_Q, 1);
	assert_string_equal(sel_cell(v), "22");
	assert_int_equal(view_cursor(v), 1);
	view_set_sort(v, VIEW_SORT_NONE, 0);
	assert_string_equal(sel_cell(v), "22");

	/* a refresh with a new socket before it */
	memmove(r + 1, r, 5 * sizeof(r[0]));
	r[0] = inet(TCP, SOCK_ST_ESTABLISHED, 19, "127.0.0.1", 7000,
		    "127.0.0.1", 1);
	tick(v, r, 6);
	assert_string_equal(dump(v), "19+ 20 21 22 23 24");
	assert_string_equal(sel_cell(v), "22");
	assert_int_equal(view_cursor(v), 3);
	assert_true(view_cursor(v) >= view_top(v) &&
		    view_cursor(v) < view_top(v) + 2);

	/* it dies: its tomb keeps the selection, then the line at its
	 * place takes it */
	memmove(r + 3, r + 4, 2 * sizeof(r[0]));
	tick(v, r, 5);
	assert_string_equal(sel_cell(v), "22");
	assert_true(view_selected(v)->tomb);
	tick(v, r, 5);
	assert_string_equal(sel_cell(v), "22");
	tick(v, r, 5);
	assert_string_equal(dump(v), "19 20 21 23 24");
	assert_string_equal(sel_cell(v), "23");

	/* moves */
	view_move(v, VIEW_MOVE_HOME, 2);
	assert_int_equal(view_cursor(v), 0);
	assert_int_equal(view_top(v), 0);
	view_move(v, VIEW_MOVE_UP, 2);
	assert_int_equal(view_cursor(v), 0);
	view_move(v, VIEW_MOVE_PAGE_DOWN, 2);
	assert_int_equal(view_cursor(v), 2);
	assert_int_equal(view_top(v), 1);
	view_move(v, VIEW_MOVE_PAGE_DOWN, 2);
	assert_int_equal(view_cursor(v), 4);
	view_move(v, VIEW_MOVE_PAGE_DOWN, 2);
	assert_int_equal(view_cursor(v), 4);
	assert_int_equal(view_top(v), 3);
	view_move(v, VIEW_MOVE_PAGE_UP, 2);
	assert_int_equal(view_cursor(v), 2);
	view_move(v, VIEW_MOVE_END, 10);
	assert_int_equal(view_cursor(v), 4);
	assert_int_equal(view_top(v), 0); /* all fit */
	assert_int_equal(view_select_line(v, 1), 0);
	assert_string_equal(sel_cell(v), "20");
	assert_int_equal(view_select_line(v, 5), -1);

	/* everything goes: no selection */
	tick(v, r, 0);
	tick(v, r, 0);
	tick(v, r, 0);
	assert_int_equal(view_lines(v), 0);
	assert_int_equal(view_cursor(v), VIEW_NONE);
	assert_null(view_selected(v));
	view_move(v, VIEW_MOVE_DOWN, 2);
	assert_int_equal(view_cursor(v), VIEW_NONE);
	view_free(v);
}

static void test_search(void **state)
{
	static const enum field_id cols[] = { FIELD_INODE, FIELD_LOCAL };
	struct view *v = mkview(cols, 2);
	struct sock_rec r[5];
	(void)state;

	five(r);
	tick(v, r, 5);
	view_select_line(v, 1);
	assert_int_equal(view_next_match(v, ":8083", 0), 1);
	assert_string_equal(sel_cell(v), "23");
	/* the inode and the address: the cells as shown, space-separated */
	assert_int_equal(view_next_match(v, "20 127.0.0.1:8080", 0), 1);
	assert_string_equal(sel_cell(v), "20");
	/* starts after the selection and wraps */
	assert_int_equal(view_next_match(v, "127.0.0.1", 0), 1);
	assert_string_equal(sel_cell(v), "21");
	view_select_line(v, 4);
	assert_int_equal(view_next_match(v, "127.0.0.1", 0), 1);
	assert_string_equal(sel_cell(v), "20");
	assert_int_equal(view_next_match(v, "127.0.0.1", 1), 1);
	assert_string_equal(sel_cell(v), "24");
	/* only itself matches: found, stays */
	assert_int_equal(view_next_match(v, ":8084", 0), 1);
	assert_string_equal(sel_cell(v), "24");
	/* case-sensitive; not found leaves the selection */
	assert_int_equal(view_next_match(v, "nomatch", 0), 0);
	assert_int_equal(view_next_match(v, "", 0), 0);
	assert_string_equal(sel_cell(v), "24");
	view_free(v);
}

/* ---- filter and tabs -------------------------------------------------- */

static struct expr *parse(const char *text)
{
	struct expr *e = NULL;
	struct sc_err err;

	if (expr_parse_text(text, strlen(text), &e, &err) != 0)
		fail_msg("%s", err.msg);
	return e;
}

static void test_filter_tabs(void **state)
{
	struct view *v = mkview(inode_col, 1);
	struct sock_rec r[5];
	(void)state;

	r[0] = inet(TCP, SOCK_ST_LISTEN, 10, "0.0.0.0", 80, "0.0.0.0", 0);
	r[1] = inet(TCP, SOCK_ST_ESTABLISHED, 11, "127.0.0.1", 80,
		    "127.0.0.1", 40000);
	r[2] = inet(TCP, SOCK_ST_ESTABLISHED, 12, "127.0.0.1", 40000,
		    "127.0.0.1", 80);
	r[3] = inet(UDP, SOCK_ST_CLOSE, 13, "0.0.0.0", 80, "0.0.0.0", 0);
	r[4] = unx(SOCK_ST_LISTEN, 14, "/run/a", 6, 0);
	tick(v, r, 5);
	view_set_filter(v, parse("sport = :80"), NULL);
	assert_string_equal(dump(v), "10 11 13");
	view_set_tab(v, VIEW_TAB_UDP);
	assert_string_equal(dump(v), "13");
	view_set_tab(v, VIEW_TAB_UNIX);
	assert_string_equal(dump(v), "");
	view_set_filter(v, NULL, NULL);
	assert_string_equal(dump(v), "14");
	view_set_tab(v, VIEW_TAB_TCP);
	assert_string_equal(dump(v), "10 11 12");

	/* events only for what is in view */
	view_set_filter(v, parse("dport = :80"), NULL);
	assert_string_equal(dump(v), "12");
	r[1].state = SOCK_ST_CLOSE_WAIT; /* filtered out */
	r[2].state = SOCK_ST_CLOSE_WAIT;
	tick(v, r, 5);
	assert_int_equal(view_events(v), 1);
	assert_int_equal(view_event(v, 0)->key.id, 12);
	/* a change that makes a socket match brings it in */
	r[1].dport = 80;
	tick(v, r, 5);
	assert_string_equal(dump(v), "11!* 12!");
	view_set_tab(v, VIEW_TAB_ALL);
	view_set_filter(v, parse("src unix:/run/*"), NULL);
	assert_string_equal(dump(v), "14");
	view_free(v);
}

/* ---- the tree ---------------------------------------------------------- */

static void test_tree(void **state)
{
	struct view *v = mkview(inode_col, 1);
	static const char path[] = "/run/x.sock";
	struct sock_rec r[10];
	(void)state;

	r[0] = inet(TCP, SOCK_ST_LISTEN, 100, "0.0.0.0", 80, "0.0.0.0", 0);
	r[1] = inet(TCP, SOCK_ST_LISTEN, 110, "127.0.0.1", 8080, "0.0.0.0",
		    0);
	/* a client of port 80: not accepted by the listener */
	r[2] = inet(TCP, SOCK_ST_ESTABLISHED, 103, "127.0.0.1", 40000,
		    "127.0.0.1", 80);
	r[3] = unx(SOCK_ST_LISTEN, 200, path, sizeof(path), 0);
	/* the client's end: unnamed */
	r[4] = unx(SOCK_ST_ESTABLISHED, 202, NULL, 0, 201);
	tick(v, r, 5);
	view_set_tree(v, 1);
	assert_string_equal(dump(v), "100 110 103 200 202");

	/* accept() made new sockets: they appear under their listeners */
	r[5] = inet(TCP, SOCK_ST_ESTABLISHED, 101, "127.0.0.1", 80,
		    "127.0.0.1", 40000);
	r[6] = unx(SOCK_ST_ESTABLISHED, 201, path, sizeof(path), 202);
	r[7] = inet(TCP, SOCK_ST_ESTABLISHED, 102, "127.0.0.1", 80,
		    "127.0.0.1", 40001);
	/* the other listener's port on another address: not its own */
	r[8] = inet(TCP, SOCK_ST_ESTABLISHED, 111, "127.0.0.2", 8080,
		    "127.0.0.1", 40002);
	r[9] = inet(TCP, SOCK_ST_TIME_WAIT, 0, "127.0.0.1", 8080,
		    "127.0.0.1", 40003);
	tick(v, r, 10);
	assert_string_equal(dump(v), "100 >101+ >102+ 110 >0+ 103 200 >201+ "
				     "202 111+");
	assert_true(view_line(v, 0)->flags & VIEW_LF_PARENT);
	assert_false(view_line(v, 1)->flags & VIEW_LF_LAST_CHILD);
	assert_true(view_line(v, 2)->flags & VIEW_LF_LAST_CHILD);
	assert_int_equal(view_line(v, 1)->depth, 1);
	assert_int_equal(view_line(v, 0)->depth, 0);

	/* a child's tomb stays under its listener */
	r[5] = r[9];
	tick(v, r, 9);
	assert_string_equal(dump(v), "100 >101~ >102+ 110 >0+ 103 200 >201+ "
				     "202 111+");
	/* inverted: children stay under their parents */
	view_set_sort(v, FIELD_INODE, 1);
	assert_string_equal(dump(v), "202 200 >201+ 111+ 110 >0+ 103 100 "
				     ">102+ >101~");
	view_set_tree(v, 0);
	assert_string_equal(dump(v), "202 201+ 200 111+ 110 103 102+ 101~ "
				     "100 0+");
	view_free(v);
}

/* Owners from a fake /proc: the holder list in cells, events and tombs;
 * a tick without an owner table keeps them; nesting wants a shared
 * process when both are known. */
static void test_owners(void **state)
{
	static const char *const l100[] = { "3", "socket:[100]", "4",
					    "socket:[101]", NULL };
	static const char *const l200[] = { "5", "socket:[102]", NULL };
	static const enum field_id cols[] = { FIELD_INODE, FIELD_PROCESS,
					      FIELD_COMM, FIELD_PID };
	char root[] = "/tmp/sockscope-view-proc-XXXXXX";
	struct facts_opts fo = { .owners = 1 };
	struct owners *ow = NULL;
	struct sc_err err;
	struct facts *f, *bare;
	struct view *v = mkview(cols, 4);
	struct sock_rec r[3];
	const struct view_line *l;
	(void)state;

	assert_non_null(mkdtemp(root));
	assert_int_equal(chmod(root, 0755), 0);
	proctree_pid(root, "100", "100 (nginx) S 1 100", l100);
	proctree_pid(root, "200", "200 (a\x1b]0;x) S 1 200", l200);
	assert_int_equal(owners_scan(root, 1, &ow, &err), 0);
	proctree_rm(root);
	f = facts_new(&fo);
	facts_set_owners(f, ow);
	bare = facts_new(&fo);

	r[0] = inet(TCP, SOCK_ST_LISTEN, 100, "0.0.0.0", 80, "0.0.0.0", 0);
	r[1] = inet(TCP, SOCK_ST_ESTABLISHED, 101, "127.0.0.1", 80,
		    "127.0.0.1", 40000);
	r[2] = inet(TCP, SOCK_ST_ESTABLISHED, 102, "127.0.0.1", 80,
		    "127.0.0.1", 40001);
	tickf(v, r, 3, f);
	view_set_tree(v, 1);
	/* 102 is held by another process only: not nested */
	assert_string_equal(dump(v), "100 >101 102");
	l = view_line(v, 2);
	assert_string_equal(l->cells[1].text,
			    "users:((\"a\\e]0;x\",pid=200,fd=5))");
	assert_string_equal(l->cells[2].text, "a\\e]0;x");
	assert_string_equal(l->cells[3].text, "200");
	assert_int_equal(l->ent->owners->n, 1);
	assert_int_equal(l->ent->owners->h[0].pid, 200);
	assert_memory_equal(l->ent->owners->h[0].comm, "a\x1b]0;x", 6);

	/* no owner table this tick: the holders known stay */
	tickf(v, r, 3, bare);
	assert_string_equal(view_line(v, 0)->cells[1].text,
			    "users:((\"nginx\",pid=100,fd=3))");
	/* facts without an owner table are not a change */
	assert_string_equal(dump(v), "100 >101 102");

	/* the tomb and the died event keep the holders */
	tickf(v, r, 2, f);
	l = view_line(v, 2);
	assert_true(l->flags & VIEW_LF_TOMB);
	assert_string_equal(l->cells[1].text,
			    "users:((\"a\\e]0;x\",pid=200,fd=5))");
	assert_int_equal(view_events(v), 1);
	assert_string_equal(view_event(v, 0)->owner,
			    "users:((\"a\\e]0;x\",pid=200,fd=5))");

	/* sorting by a holder field needs no facts */
	view_set_tree(v, 0);
	view_set_sort(v, FIELD_COMM, 0);
	assert_string_equal(dump(v), "102~ 100 101");

	/* a filter on holders set without the facts: it sees none until a
	 * tick brings an owner table */
	view_set_sort(v, VIEW_SORT_NONE, 0);
	view_set_filter(v, parse("comm = nginx"), NULL);
	assert_string_equal(dump(v), "");
	tickf(v, r, 2, bare);
	assert_string_equal(dump(v), "");
	tickf(v, r, 2, f);
	assert_string_equal(dump(v), "100 101");
	view_set_filter(v, parse("comm = a*"), f);
	assert_string_equal(dump(v), "");
	view_set_filter(v, parse("comm = nginx"), f);
	assert_string_equal(dump(v), "100 101");
	view_free(v);
	facts_free(f);
	facts_free(bare);
	owners_free(ow);
}

/* ---- escaping, detail, the log ---------------------------------------- */

static void test_hostile(void **state)
{
	static const enum field_id cols[] = { FIELD_LOCAL, FIELD_PATH,
					      FIELD_PEER };
	static const char evil[] = "/tmp/a\x1b[31mb\nc";
	struct view *v = mkview(cols, 3);
	struct sock_rec r = unx(SOCK_ST_LISTEN, 77, evil, sizeof(evil) - 1,
				0);
	struct sbuf sb = { 0 };
	const struct view_line *l;
	size_t n;
	(void)state;

	tick(v, &r, 1);
	l = view_line(v, 0);
	assert_int_equal(l->ncells, 3);
	assert_string_equal(l->cells[0].text, "/tmp/a\\e[31mb\\nc 77");
	assert_string_equal(l->cells[1].text, "/tmp/a\\e[31mb\\nc");
	assert_string_equal(l->cells[2].text, "* 0");
	for (size_t c = 0; c < 3; c++) {
		assert_int_equal(l->cells[c].len, strlen(l->cells[c].text));
		assert_int_equal(l->cells[c].cols, l->cells[c].len);
		for (size_t i = 0; i < l->cells[c].len; i++)
			assert_true((unsigned char)l->cells[c].text[i] >= 0x20 &&
				    l->cells[c].text[i] != 0x7f);
	}

	/* the detail pane: escaped lines */
	n = view_detail(v, view_selected(v), &sb);
	assert_true(n > 5);
	sbuf_putc(&sb, '\0');
	assert_non_null(strstr(sb.p, "identity: inode 77\n"));
	assert_non_null(strstr(sb.p, "state: LISTEN\n"));
	assert_non_null(strstr(sb.p, "path: /tmp/a\\e[31mb\\nc\n"));
	assert_non_null(strstr(sb.p, "life: alive, there at the start\n"));
	assert_null(strstr(sb.p, "sport"));
	for (size_t i = 0, lines = 0; i + 1 < sb.len; i++) {
		assert_true((unsigned char)sb.p[i] >= 0x20 || sb.p[i] == '\n');
		lines += sb.p[i] == '\n';
		if (i + 2 == sb.len)
			assert_int_equal(lines, n);
	}
	assert_int_equal(view_detail(v, NULL, &sb), 0);
	sbuf_free(&sb);
	view_free(v);
}

static void test_detail_inet(void **state)
{
	static const unsigned char skmem[36] = { 1 };
	struct view *v = mkview(inode_col, 1);
	struct sock_rec r = inet(TCP, SOCK_ST_ESTABLISHED, 10, "::1", 443,
				 "::1", 50000);
	struct sbuf sb = { 0 };
	(void)state;

	r.cookie = 0x1f;
	r.uid = 0;
	r.rq = 7;
	r.flags |= SOCK_F_V6ONLY | SOCK_F_HAS_TIMER;
	r.timer = SOCK_TIMER_KEEPALIVE;
	r.expires_ms = 5000;
	r.skmem = skmem;
	r.skmem_len = sizeof(skmem);
	tick(v, &r, 1);
	r.inode = 0;
	r.state = SOCK_ST_TIME_WAIT;
	tick(v, &r, 1);
	view_detail(v, view_selected(v), &sb);
	sbuf_putc(&sb, '\0');
	assert_non_null(strstr(sb.p, "identity: cookie 1f\n"));
	assert_non_null(strstr(sb.p, "local: [::1]:443\n"));
	assert_non_null(strstr(sb.p, "peer: [::1]:50000\n"));
	assert_non_null(strstr(sb.p, "state: TIME-WAIT\n"));
	assert_non_null(strstr(sb.p, "recv_q: 7\n"));
	assert_non_null(strstr(sb.p, "user: root\n"));
	assert_non_null(strstr(sb.p, "cookie: 1f\n"));
	assert_non_null(strstr(sb.p, "timer: timer:(keepalive,5sec,0)\n"));
	assert_non_null(strstr(sb.p, "process: -\n"));
	assert_non_null(strstr(sb.p, "v6only: yes\n"));
	assert_non_null(strstr(sb.p, "memory: skmem:(r1,"));
	assert_null(strstr(sb.p, "path:"));
	sbuf_free(&sb);
	view_free(v);
}

static void test_ring(void **state)
{
	struct view_opts o;
	struct view *v;
	struct sock_rec r;
	(void)state;

	view_opts_default(&o);
	o.event_cap = 5;
	v = view_new(&o);
	tick(v, NULL, 0);
	for (uint64_t i = 0; i < 20; i++) {
		r = inet(TCP, SOCK_ST_ESTABLISHED, 1000 + i, "127.0.0.1", 80,
			 "127.0.0.1", (uint16_t)(40000 + i));
		tick(v, &r, 1);
	}
	/* 20 born, 19 died (each tick: one born, then the last one died);
	 * the last 5 stay, oldest first */
	assert_int_equal(view_events(v), 5);
	assert_int_equal(view_event(v, 0)->kind, VIEW_EV_DIED);
	assert_int_equal(view_event(v, 0)->key.id, 1016);
	assert_int_equal(view_event(v, 1)->kind, VIEW_EV_BORN);
	assert_int_equal(view_event(v, 1)->key.id, 1018);
	assert_int_equal(view_event(v, 3)->kind, VIEW_EV_BORN);
	assert_int_equal(view_event(v, 3)->key.id, 1019);
	assert_string_equal(view_event(v, 3)->peer, "127.0.0.1:40019");
	assert_int_equal(view_event(v, 4)->kind, VIEW_EV_DIED);
	assert_int_equal(view_event(v, 4)->key.id, 1018);
	view_free(v);
}

/* ---- many ticks of churn: the kept orders equal fresh ones ------------ */

static uint64_t rng_state = 88172645463325252ull;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % n);
}

static void check_order(struct view *v, enum field_id f, int invert)
{
	size_t n;
	uint64_t *kept;

	view_set_sort(v, f, invert); /* the same field: no new sort */
	n = view_lines(v);
	kept = calloc(n + 1, sizeof(*kept));
	assert_non_null(kept);
	for (size_t i = 0; i < n; i++)
		kept[i] = view_line(v, i)->ent->serial;
	/* a full sort from scratch */
	view_set_sort(v, VIEW_SORT_NONE, 0);
	view_set_sort(v, f, invert);
	assert_int_equal(view_lines(v), n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(view_line(v, i)->ent->serial, kept[i]);
	free(kept);
}

static void test_churn(void **state)
{
	enum { N = 300 };
	struct view *v = mkview(inode_col, 1);
	struct sock_rec r[N];
	uint64_t next = 1;
	struct view_counts c;
	(void)state;

	for (size_t i = 0; i < N; i++) {
		r[i] = inet(TCP, SOCK_ST_ESTABLISHED, next++, "127.0.0.1",
			    (uint16_t)(1000 + rnd(50)), "127.0.0.1", 1);
		r[i].rq = rnd(5);
	}
	tick(v, r, N);
	view_set_sort(v, FIELD_RECV_Q, 0);
	for (int t = 0; t < 40; t++) {
		for (int k = 0; k < 10; k++) {
			size_t i = rnd(N);

			switch (rnd(4)) {
			case 0: /* replaced: one dies, one is born */
				r[i].inode = next++;
				break;
			case 1:
				r[i].rq = rnd(5);
				break;
			case 2:
				r[i].state = (uint8_t)(1 + rnd(11));
				break;
			default: /* the kernel's order moves */
			{
				struct sock_rec tmp = r[i];
				size_t j = rnd(N);

				r[i] = r[j];
				r[j] = tmp;
			}
			}
		}
		tick(v, r, N);
		view_counts(v, &c);
		assert_int_equal(c.sockets, N);
		assert_int_equal(view_lines(v), c.sockets + c.tombs);
		if (t % 10 == 9) {
			check_order(v, FIELD_RECV_Q, t % 20 == 19);
			view_set_sort(v, FIELD_RECV_Q, 0);
		}
	}
	/* collection order: the rows as they came, tombs among them */
	view_set_sort(v, VIEW_SORT_NONE, 0);
	for (size_t i = 0, j = 0; i < view_lines(v); i++) {
		const struct view_line *l = view_line(v, i);

		if (l->flags & VIEW_LF_TOMB)
			continue;
		assert_int_equal(l->ent->rec.inode, r[j++].inode);
	}
	view_free(v);
}

/* Marked sockets: by inode, and by cookie for a TIME-WAIT one. */
static void test_marks(void **state)
{
	struct view *v = mkview(inode_col, 1);
	struct sock_rec r[3];
	struct view_mark m[2] = { { .inode = 31 }, { .cookie = 0x77 } };
	(void)state;

	r[0] = inet(TCP, SOCK_ST_LISTEN, 30, "127.0.0.1", 80, "0.0.0.0", 0);
	r[1] = inet(TCP, SOCK_ST_ESTABLISHED, 31, "127.0.0.1", 80,
		    "127.0.0.1", 40000);
	r[2] = inet(TCP, SOCK_ST_TIME_WAIT, 0, "127.0.0.1", 40001,
		    "127.0.0.1", 80);
	r[2].cookie = 0x77;
	tick(v, r, 3);
	view_set_marks(v, m, 2);
	assert_int_equal(view_line(v, 0)->flags & VIEW_LF_MARKED, 0);
	assert_int_equal(view_line(v, 1)->flags & VIEW_LF_MARKED,
			 VIEW_LF_MARKED);
	assert_int_equal(view_line(v, 2)->flags & VIEW_LF_MARKED,
			 VIEW_LF_MARKED);
	/* a zero in a mark matches no socket that lacks the number */
	m[0].inode = 0;
	view_set_marks(v, m, 1);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(view_line(v, i)->flags & VIEW_LF_MARKED, 0);
	view_set_marks(v, NULL, 0);
	assert_int_equal(view_line(v, 1)->flags & VIEW_LF_MARKED, 0);
	view_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_initial),
		cmocka_unit_test(test_born),
		cmocka_unit_test(test_tomb),
		cmocka_unit_test(test_state_change),
		cmocka_unit_test(test_timewait_keys),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_selection),
		cmocka_unit_test(test_search),
		cmocka_unit_test(test_filter_tabs),
		cmocka_unit_test(test_tree),
		cmocka_unit_test(test_owners),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_detail_inet),
		cmocka_unit_test(test_ring),
		cmocka_unit_test(test_churn),
		cmocka_unit_test(test_marks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
