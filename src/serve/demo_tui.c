/* demo_tui.c - the demo's hooks into the TUI: a step becomes the
 * narration and the marks; a wait pumps the TUI's loop, so the table
 * keeps refreshing and keys keep working while the demo waits. */
#include "config.h"

#include "serve/demo_tui.h"

#include "model/sock.h"
#include "output/addr.h"
#include "tui/tui.h"
#include "util/escape.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* The table refreshes faster than the listing's TUI: a step's changes
 * show within a quarter of a second. */
#define DEMO_TUI_DELAY_MS 250u

struct demo_tui {
	struct tui_app *app;
	char filter[96];
	int next_pending; /* "next step" pressed while the kernel settled */
	int failed;
	struct sc_err err;
};

static uint64_t demo_tui_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void demo_tui_step(void *ud, const char *caption, const char *text,
			  size_t len, const struct demo_mark *marks,
			  size_t nmarks, const char *filter)
{
	struct demo_tui *t = ud;
	struct view_mark vm[DEMO_MARKS_MAX];

	if (strcmp(filter, t->filter) != 0) {
		struct sc_err err = { 0 };

		/* the demo writes the expression: it always parses */
		if (tui_set_filter(t->app, filter, &err) == 0)
			snprintf(t->filter, sizeof t->filter, "%s", filter);
	}
	if (nmarks > DEMO_MARKS_MAX)
		nmarks = DEMO_MARKS_MAX;
	for (size_t i = 0; i < nmarks; i++) {
		vm[i].inode = marks[i].inode;
		vm[i].cookie = marks[i].cookie;
	}
	tui_narrate(t->app, caption, text, len, vm, nmarks);
}

static int demo_tui_wait(void *ud, uint64_t ns, int step_end)
{
	struct demo_tui *t = ud;
	uint64_t until = demo_tui_now_ms() + ns / 1000000u;

	if (step_end && t->next_pending) {
		t->next_pending = 0;
		return 0;
	}
	for (;;) {
		int r = tui_pump(t->app, until, &t->err);

		if (r < 0) {
			t->failed = 1;
			return -1;
		}
		if (r == TUI_PUMP_QUIT)
			return -1;
		if (r == TUI_PUMP_TIME)
			return 0;
		/* TUI_PUMP_NEXT: ends a step's pause; during a settle it
		 * waits for the pause to come */
		if (step_end)
			return 0;
		t->next_pending = 1;
	}
}

int demo_tui_run(const struct demo_opts *o, int color, struct sc_err *err)
{
	struct demo_tui t = { 0 };
	struct demo_hooks hooks = {
		.ud = &t,
		.step = demo_tui_step,
		.wait = demo_tui_wait,
	};
	struct demo_opts dopts = *o;
	struct addr_opts aopts = { .numeric = 1, .esc_flags = o->esc_flags };
	struct tui_opts topts = { 0 };
	int r;

	topts.snap.query.states = SOCK_STATES_ALL;
	if (o->kind == DEMO_TCP) {
		topts.snap.query.netids = SOCK_NETID_BIT(SOCK_NETID_TCP);
		topts.snap.query.families =
			o->ipv6 ? COLLECT_AF_INET6 : COLLECT_AF_INET;
	} else {
		topts.snap.query.netids =
			SOCK_NETID_BIT(SOCK_NETID_UNIX_STREAM);
	}
	topts.snap.collect.proc_root = o->proc_root;
	topts.snap.owners = 1;
	topts.snap.peer_names = 1;
	topts.addr = &aopts;
	topts.esc_flags = o->esc_flags;
	topts.utf8 = (o->esc_flags & ESC_UTF8) != 0;
	topts.delay_ms = DEMO_TUI_DELAY_MS;
	topts.color = color;
	topts.sort = VIEW_SORT_NONE;
	topts.tree = 1;
	/* nothing of the demo's exists yet: an empty table to begin */
	topts.filter = "pid = 0";
	snprintf(t.filter, sizeof t.filter, "%s", topts.filter);
	if (tui_open(&topts, &t.app, err) < 0)
		return -1;
	dopts.hooks = &hooks;
	r = demo_run(&dopts, NULL, err);
	if (r == 0) {
		/* the summary stays until the user quits */
		do
			r = tui_pump(t.app, 0, &t.err);
		while (r == TUI_PUMP_NEXT);
		if (r < 0)
			t.failed = 1;
		else
			r = 0;
	} else if (err->code == ECANCELED && !t.failed) {
		r = 0; /* the user quit */
	}
	tui_close(t.app);
	if (t.failed)
		*err = t.err;
	return r;
}
