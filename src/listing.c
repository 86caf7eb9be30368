/* listing.c - the listing (sockscope without a command): argv to
 * context; collect into the model; filter, sort; hand the view to one
 * sink; report. Prints its errors and returns the exit status to main. */
#include "config.h"

#include "listing.h"

#include "cli.h"
#include "events.h"
#include "collect/collect.h"
#include "collect/inet_diag.h"
#include "collect/kill.h"
#include "collect/owners.h"
#include "collect/snapshot.h"
#include "filter/bytecode.h"
#include "filter/expr.h"
#include "model/facts.h"
#include "model/rows.h"
#include "output/addr.h"
#include "output/count.h"
#include "output/explain.h"
#include "output/fields.h"
#include "output/jsonout.h"
#include "output/summary.h"
#include "output/table.h"
#include "tui/tui.h"
#include "tui/view.h"
#include "util/escape.h"
#include "util/obuf.h"
#include "util/sbuf.h"
#include "util/stopfd.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAIN_FIELDS_MAX 32

/* Everything a run holds; released by listing_ctx_free. */
struct listing_ctx {
	struct cli_opts opts;
	struct snapshot snap;
	struct addr_ctx *addr;
	struct fields_ctx fc;
	struct expr *filter;
	enum field_id output[MAIN_FIELDS_MAX], sort[MAIN_FIELDS_MAX],
		count_by[MAIN_FIELDS_MAX];
	size_t noutput, nsort, ncount_by;
	enum field_id lead[2]; /* --all-netns: Netns, Container first */
	size_t nlead;
	unsigned char bytecode[2][INET_DIAG_BC_MAX];
};

static unsigned listing_popcount(unsigned v)
{
	return (unsigned)__builtin_popcount(v);
}

static unsigned listing_term_cols(void)
{
	struct winsize ws;

	if (!isatty(STDOUT_FILENO))
		return 0;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

static void listing_errline(const char *msg)
{
	fprintf(stderr, "sockscope: %s\n", msg);
}

static int listing_usage_error(const char *msg)
{
	listing_errline(msg);
	fputs("Try 'sockscope --help' for more information.\n", stderr);
	return SC_EXIT_USAGE;
}

static int listing_finish_output(struct obuf *out)
{
	int e = obuf_flush(out);

	if (e != 0) {
		fprintf(stderr, "sockscope: write error: %s\n", strerror(e));
		return SC_EXIT_FAILURE;
	}
	return SC_EXIT_OK;
}

/* Colour only for a table on a terminal, unless asked; NO_COLOR (any
 * non-empty value, https://no-color.org) turns the default off. */
static int listing_color(const struct cli_opts *o)
{
	const char *nc = getenv("NO_COLOR");

	if (o->json != CLI_JSON_NONE)
		return 0;
	switch (o->color) {
	case CLI_COLOR_ALWAYS:
		return 1;
	case CLI_COLOR_NEVER:
		return 0;
	case CLI_COLOR_AUTO:
		break;
	}
	if (nc != NULL && nc[0] != '\0')
		return 0;
	return isatty(STDOUT_FILENO);
}

static int listing_keep(void *ud, const struct sock_rec *r)
{
	struct listing_ctx *m = ud;

	return expr_match(m->filter, r, m->snap.facts);
}

static int listing_sort_cmp(void *ud, const struct sock_rec *a,
			 const struct sock_rec *b)
{
	struct listing_ctx *m = ud;

	for (size_t i = 0; i < m->nsort; i++) {
		int d = fields_cmp(&m->fc, m->sort[i], a, b);

		if (d != 0)
			return d;
	}
	return 0;
}

/* Sort and group keys are single values: a holder list is not one. */
static int listing_keys_only(const enum field_id *ids, size_t n,
			  const char *what, struct sc_err *err)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == FIELD_PROCESS || ids[i] == FIELD_PEER_PROCESS)
			return sc_err_set(err, EINVAL,
					  "%s: '%s' lists every holder and is "
					  "not a key; use %s or %s",
					  what, fields_name(ids[i]),
					  ids[i] == FIELD_PROCESS ? "comm"
								  : "peer_comm",
					  ids[i] == FIELD_PROCESS ? "pid"
								  : "peer_pid");
	return 0;
}

/* Parse the field lists and the filter; set what must be collected.
 * Returns 0, or -1 with err set (a usage error). */
static int listing_prepare(struct listing_ctx *m, unsigned *needs,
			struct sc_err *err)
{
	struct cli_opts *o = &m->opts;
	unsigned fn = 0;

	if (o->output != NULL &&
	    fields_parse_list(o->output, "--output", m->output,
			      MAIN_FIELDS_MAX, &m->noutput, err) < 0)
		return -1;
	if (o->sort != NULL &&
	    (fields_parse_list(o->sort, "--sort", m->sort, MAIN_FIELDS_MAX,
			       &m->nsort, err) < 0 ||
	     listing_keys_only(m->sort, m->nsort, "--sort", err) < 0))
		return -1;
	if (o->count_by != NULL &&
	    (fields_parse_list(o->count_by, "--count-by", m->count_by,
			       MAIN_FIELDS_MAX, &m->ncount_by, err) < 0 ||
	     listing_keys_only(m->count_by, m->ncount_by, "--count-by", err) < 0))
		return -1;
	if (o->nfilter > 0 &&
	    expr_parse((const char *const *)o->filter, o->nfilter, &m->filter,
		       err) < 0)
		return -1;
	for (size_t i = 0; i < m->noutput; i++)
		fn |= fields_needs(m->output[i]);
	for (size_t i = 0; i < m->nsort; i++)
		fn |= fields_needs(m->sort[i]);
	for (size_t i = 0; i < m->ncount_by; i++)
		fn |= fields_needs(m->count_by[i]);
	if ((expr_needs(m->filter) & EXPR_NEED_OWNERS) ||
	    (fn & FIELD_NEED_OWNERS))
		*needs |= FIELD_NEED_OWNERS;
	if (fn & FIELD_NEED_PEER_NAMES)
		*needs |= FIELD_NEED_PEER_NAMES;
	if (o->all_netns && m->noutput == 0 && m->ncount_by == 0) {
		m->lead[m->nlead++] = FIELD_NETNS;
		m->lead[m->nlead++] = FIELD_CONTAINER;
		fn |= FIELD_NEED_NETNS | FIELD_NEED_LABELS;
	}
	if ((fn & FIELD_NEED_NETNS) ||
	    (expr_needs(m->filter) & EXPR_NEED_NETNS))
		*needs |= FIELD_NEED_NETNS;
	if ((fn & FIELD_NEED_LABELS) ||
	    (expr_needs(m->filter) & EXPR_NEED_LABELS))
		*needs |= FIELD_NEED_LABELS;
	/* in our own namespace (the host's, as a rule) only the holders
	 * can say which container a socket belongs to */
	if ((*needs & FIELD_NEED_LABELS) && !o->all_netns && o->netns == NULL)
		*needs |= FIELD_NEED_OWNERS;
	if (o->netns != NULL && netns_spec_check(o->netns, err) < 0)
		return -1;
	if ((*needs & FIELD_NEED_NETNS) && o->replay_path != NULL)
		return sc_err_set(err, EINVAL,
				  "--replay shows recorded sockets; netns and "
				  "container read this machine's namespaces");
	if ((*needs & FIELD_NEED_OWNERS) && o->replay_path != NULL)
		return sc_err_set(err, EINVAL,
				  "--replay shows recorded sockets; process "
				  "fields read this machine's processes");
	return 0;
}

/* Which namespaces to list, and what to find out about them. */
static void listing_netns(const struct cli_opts *o, unsigned needs,
			  struct netns_select *sel)
{
	sel->mode = o->all_netns	  ? NETNS_ALL
		    : o->netns != NULL	  ? NETNS_ONE
		    : needs & FIELD_NEED_NETNS ? NETNS_OWN
					  : NETNS_NONE;
	sel->spec = o->netns;
	sel->labels = (needs & FIELD_NEED_LABELS) != 0;
}

/* Push what the kernel can test of the filter into the requests. */
static void listing_bytecode(struct listing_ctx *m)
{
	static const int fams[2] = { AF_INET, AF_INET6 };

	for (int k = 0; k < 2; k++) {
		size_t len = 0;

		if (bc_compile(m->filter, fams[k], m->bytecode[k],
			       sizeof(m->bytecode[k]), &len) < 0)
			len = 0; /* too long: filtered here instead */
		m->opts.query.bytecode[k] = len > 0 ? m->bytecode[k] : NULL;
		m->opts.query.bytecode_len[k] = len;
	}
}

/* What the rows may leave out: a plain table of a large host stays small
 * (ss's memory, or less). Anything beyond ss's columns needs the ids. */
static unsigned listing_rows_drop(const struct listing_ctx *m, unsigned needs)
{
	const struct cli_opts *o = &m->opts;
	unsigned drop = 0;
	int timer_field = 0;

	for (size_t i = 0; i < m->noutput; i++)
		timer_field |= m->output[i] == FIELD_TIMER;
	for (size_t i = 0; i < m->nsort; i++)
		timer_field |= m->sort[i] == FIELD_TIMER;
	for (size_t i = 0; i < m->ncount_by; i++)
		timer_field |= m->count_by[i] == FIELD_TIMER;
	if (!o->extended && !o->kill && !(needs & FIELD_NEED_OWNERS) &&
	    o->json == CLI_JSON_NONE && m->filter == NULL && !o->explain &&
	    m->noutput == 0 && m->nsort == 0 && m->ncount_by == 0)
		drop |= ROWS_DROP_IDS;
	if (!o->timers && o->json == CLI_JSON_NONE && !o->explain &&
	    !timer_field)
		drop |= ROWS_DROP_TIMER;
	return drop;
}

/* Write the view with the sink the options ask for. */
static int listing_write(struct listing_ctx *m, struct rows_view *v,
		      unsigned needs, struct obuf *out, struct sc_err *err)
{
	struct cli_opts *o = &m->opts;
	int json = o->json != CLI_JSON_NONE;
	int processes = o->processes || (needs & FIELD_NEED_OWNERS);
	struct sink sink;
	int r;

	if (o->summary) {
		const char *root = getenv("SOCKSCOPE_PROC_ROOT");

		return summary_write(root != NULL ? root : "/proc", v, json,
				     out, err);
	}
	if (m->ncount_by > 0) {
		struct count_opts co = {
			.keys = m->count_by,
			.nkeys = m->ncount_by,
			.json = json,
			.header = !o->no_header,
			.fc = &m->fc,
		};

		return count_write(&co, v, out, err);
	}
	if (json) {
		struct jsonout_opts jo = {
			.lines = o->json == CLI_JSON_LINES,
			.processes = processes,
			.info = o->info,
			.mem = o->mem,
			.facts = m->snap.facts,
			.unknown_owners = facts_unknown_in(m->snap.facts, v),
			.explain = o->explain,
			.fc = &m->fc,
			.netns = o->all_netns || o->netns != NULL
					 ? m->snap.netns
					 : NULL,
		};

		sink = jsonout_sink_new(&jo);
	} else {
		struct table_opts to = {
			.show_netid = listing_popcount(o->query.netids) > 1,
			.show_state = listing_popcount(o->query.states) > 1,
			.header = !o->no_header,
			.max_cols = listing_term_cols(),
			.addr = m->addr,
			.processes = o->processes,
			.extended = o->extended,
			.timers = o->timers,
			.mem = o->mem,
			.info = o->info,
			.numeric = o->numeric,
			.facts = m->snap.facts,
			.esc_flags = m->fc.esc_flags,
			.columns = m->output,
			.ncolumns = m->noutput,
			.color = listing_color(o),
			.lead = m->lead,
			.nlead = m->nlead,
		};

		sink = table_sink_new(&to);
	}
	r = sink.ops->write(sink.st, v, out, err);
	sink.ops->destroy(sink.st);
	/* the document carries its explanations; JSON Lines gets one more
	 * line; the table a blank line and the text */
	if (r == 0 && o->explain && o->json != CLI_JSON_DOCUMENT &&
	    (json || v->n > 0)) {
		if (!json)
			obuf_putc(out, '\n');
		r = explain_write(v, &m->fc, json, out, err);
	}
	return r;
}

static void listing_ctx_free(struct listing_ctx *m)
{
	expr_free(m->filter);
	snapshot_free(&m->snap);
	addr_ctx_free(m->addr);
}

/* The live view: the selection, the filter's text, the columns and the
 * first sort key go to the TUI, which collects on its own every refresh.
 * No kernel pre-filter: the filter can change while it runs. */
static int listing_tui(struct listing_ctx *m, const struct addr_opts *aopts,
		       const char *proc_root)
{
	const struct cli_opts *o = &m->opts;
	struct tui_opts t = { 0 };
	struct sc_err err = { 0 };
	struct sbuf text = { 0 };
	int r;

	for (size_t i = 0; i < o->nfilter; i++) {
		if (i > 0)
			sbuf_putc(&text, ' ');
		sbuf_puts(&text, o->filter[i]);
	}
	sbuf_putc(&text, '\0');
	/* the TUI asks for tcp_info and memory only when it shows them */
	t.snap.query = o->query;
	t.snap.collect.backend = o->backend;
	t.snap.collect.proc_root = proc_root;
	t.snap.owners = 1;
	t.snap.peer_names = 1;
	/* the namespaces' columns and predicates need no switch of their
	 * own there: -N or --all-netns identifies them */
	listing_netns(o,
		      o->all_netns || o->netns != NULL
			      ? FIELD_NEED_NETNS | FIELD_NEED_LABELS
			      : 0,
		      &t.snap.netns);
	t.addr = aopts;
	t.esc_flags = aopts->esc_flags;
	t.utf8 = (aopts->esc_flags & ESC_UTF8) != 0;
	t.delay_ms = (o->delay_ds != 0 ? o->delay_ds : 10) * 100u;
	t.color = listing_color(o);
	t.filter = text.p;
	t.columns = m->output;
	t.ncolumns = m->noutput;
	t.sort = m->nsort > 0 ? m->sort[0] : VIEW_SORT_NONE;
	t.reverse = o->reverse;
	t.netns_columns = o->all_netns;
	r = tui_run(&t, &err);
	sbuf_free(&text);
	if (r < 0) {
		listing_errline(err.msg);
		return SC_EXIT_FAILURE;
	}
	return SC_EXIT_OK;
}

static void listing_warnings(const struct collect_report *rep)
{
	for (unsigned i = 0; i < rep->warnings.n; i++)
		fprintf(stderr, "sockscope: warning: %s\n",
			rep->warnings.msg[i]);
	if (rep->warnings.dropped > 0)
		fprintf(stderr, "sockscope: warning: %u more warning(s)\n",
			rep->warnings.dropped);
}

/* --events: the selection, the filter and the output options go to the
 * events loop, which collects on its own every interval. */
static int listing_events(struct listing_ctx *m, const struct addr_opts *aopts,
			  const char *proc_root, struct obuf *out)
{
	const struct cli_opts *o = &m->opts;
	struct events_opts eo = { 0 };

	m->addr = addr_ctx_new(aopts);
	eo.query = o->query;
	eo.collect.backend = o->backend;
	eo.collect.proc_root = proc_root;
	eo.filter = m->filter;
	eo.addr = m->addr;
	eo.esc_flags = aopts->esc_flags;
	eo.json = o->json != CLI_JSON_NONE;
	eo.processes = o->processes;
	listing_netns(o, 0, &eo.netns);
	eo.interval_ns = o->continuous_ns != 0 ? o->continuous_ns
					       : 1000000000u;
	return events_run(&eo, out);
}

/* -K without --yes: the rows listed are what would be closed. */
static void listing_kill_dry(size_t n)
{
	if (n == 1)
		fputs("sockscope: 1 socket would be closed; run again with "
		      "--yes\n",
		      stderr);
	else
		fprintf(stderr,
			"sockscope: %zu sockets would be closed; run again "
			"with --yes\n",
			n);
}

static int listing_main(int argc, char **argv, int once);

static uint64_t listing_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* -c: the listing again every interval (start to start), a blank line
 * between two, as netstat -c; until SIGINT, SIGTERM or SIGHUP (status
 * 0), or a failure. A listing left incomplete makes the final status 3. */
static int listing_repeat(int argc, char **argv, uint64_t interval_ns)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, 0 };
	struct stopfd sf;
	struct sc_err err = { 0 };
	uint64_t next = listing_mono_ns();
	int incomplete = 0;

	if (stopfd_open(&sf, sigs, &err) < 0) {
		listing_errline(err.msg);
		return SC_EXIT_FAILURE;
	}
	for (int first = 1;; first = 0) {
		struct pollfd pfd = { .fd = sf.fd, .events = POLLIN };
		int status;

		if (!first) {
			struct obuf sep;
			int e;

			obuf_init(&sep, STDOUT_FILENO);
			obuf_putc(&sep, '\n');
			e = listing_finish_output(&sep);
			obuf_free(&sep);
			if (e != SC_EXIT_OK) {
				stopfd_close(&sf);
				return e;
			}
		}
		status = listing_main(argc, argv, 1);
		if (status == SC_EXIT_INCOMPLETE)
			incomplete = 1;
		else if (status != SC_EXIT_OK) {
			stopfd_close(&sf);
			return status;
		}
		next += interval_ns;
		for (;;) {
			uint64_t now = listing_mono_ns();
			int n;

			if (now >= next)
				break;
			n = poll(&pfd, 1,
				 (int)((next - now + 999999u) / 1000000u));
			if (n > 0) {
				stopfd_close(&sf);
				return incomplete ? SC_EXIT_INCOMPLETE
						  : SC_EXIT_OK;
			}
		}
		/* a listing slower than the interval: the next at once */
		if (next < listing_mono_ns())
			next = listing_mono_ns();
	}
}

int listing_run(int argc, char **argv)
{
	return listing_main(argc, argv, 0);
}

/* once: a run of -c's loop (which parsed argv already). */
static int listing_main(int argc, char **argv, int once)
{
	struct listing_ctx m = { 0 };
	struct cli_opts *o = &m.opts;
	struct sc_err err = { 0 };
	struct obuf out;
	struct snapshot_opts sopts = { 0 };
	struct addr_opts aopts = { 0 };
	struct rows_view view = { 0 };
	const char *proc_root;
	unsigned needs = 0;
	unsigned long untested = 0;
	int status, r, kill_failed = 0;

	if (cli_parse(argc, argv, o, &err) < 0)
		return listing_usage_error(err.msg);
	if (!once && o->continuous_ns != 0 && !o->events &&
	    o->action == CLI_LIST)
		return listing_repeat(argc, argv, o->continuous_ns);
	obuf_init(&out, STDOUT_FILENO);
	if (o->action != CLI_LIST) {
		struct sbuf b = { 0 };

		if (o->action == CLI_HELP) {
			cli_usage(&out);
		} else if (o->action == CLI_VERSION) {
			cli_version(&out);
		} else {
			sbuf_puts(&b, "Fields for --output, --sort and "
				      "--count-by:\n");
			fields_list_help(&b);
			obuf_put(&out, b.p, b.len);
			sbuf_free(&b);
		}
		status = listing_finish_output(&out);
		obuf_free(&out);
		return status;
	}
	if (listing_prepare(&m, &needs, &err) < 0) {
		listing_ctx_free(&m);
		obuf_free(&out);
		return listing_usage_error(err.msg);
	}
	if (o->summary) {
		/* ss -s counts every TCP and UDP socket, whatever the
		 * selection */
		o->query.netids = SOCK_NETIDS_INET;
		o->query.states = SOCK_STATES_ALL;
		o->query.families = COLLECT_AF_INET | COLLECT_AF_INET6;
	}
	if (o->info)
		o->query.internals |= COLLECT_INT_INFO;
	if (o->mem)
		o->query.internals |= COLLECT_INT_MEM;
	aopts.numeric = o->numeric;
	aopts.resolve = o->resolve;
	aopts.esc_flags = esc_locale_is_utf8() ? ESC_UTF8 : 0;
	proc_root = getenv("SOCKSCOPE_PROC_ROOT");
	if (o->tui) {
		status = listing_tui(&m, &aopts, proc_root);
		listing_ctx_free(&m);
		obuf_free(&out);
		return status;
	}
	if (o->events) {
		status = listing_events(&m, &aopts, proc_root, &out);
		listing_ctx_free(&m);
		obuf_free(&out);
		return status;
	}
	listing_bytecode(&m);
	m.addr = addr_ctx_new(&aopts);

	if (o->processes)
		needs |= FIELD_NEED_OWNERS;
	sopts.query = o->query;
	sopts.collect.backend = o->backend;
	sopts.collect.proc_root = proc_root;
	sopts.collect.record_path = o->record_path;
	sopts.collect.replay_path = o->replay_path;
	sopts.rows_drop = listing_rows_drop(&m, needs);
	sopts.owners = (needs & FIELD_NEED_OWNERS) != 0;
	listing_netns(o, needs, &sopts.netns);
	sopts.peer_names = o->extended || (needs & FIELD_NEED_PEER_NAMES) ||
			   o->json != CLI_JSON_NONE;
	r = snapshot_take(&sopts, &m.snap, &err);
	listing_warnings(&m.snap.report);
	if (r == 0 && m.snap.netns != NULL) {
		char note[160];

		netns_skip_note(m.snap.netns, note, sizeof(note));
		if (note[0] != '\0')
			fprintf(stderr, "sockscope: %s\n", note);
	}
	if (r < 0) {
		listing_errline(err.msg);
		listing_ctx_free(&m);
		obuf_free(&out);
		return SC_EXIT_FAILURE;
	}
	m.fc.addr = m.addr;
	m.fc.facts = m.snap.facts;
	m.fc.esc_flags = aopts.esc_flags;

	rows_view_all(m.snap.rows, &view);
	/* a socket whose holders are unknown matches no owner predicate:
	 * say how many could not be tested, never drop them silently */
	if (expr_needs(m.filter) & EXPR_NEED_OWNERS)
		untested = facts_unknown_in(m.snap.facts, &view);
	if (m.filter != NULL)
		rows_view_filter(&view, listing_keep, &m);
	if (m.nsort > 0)
		rows_view_sort(&view, listing_sort_cmp, &m);
	if (o->reverse)
		rows_view_reverse(&view);
	/* -K --yes: the view keeps the sockets closed, which are listed */
	if (o->kill && o->yes && kill_view(&view, m.snap.netns, &err) < 0) {
		listing_errline(err.msg);
		kill_failed = 1;
	}
	/* -K that could close nothing: the error alone, no empty table */
	if (kill_failed && view.n == 0) {
		status = SC_EXIT_FAILURE;
	} else if (listing_write(&m, &view, needs, &out, &err) < 0) {
		listing_errline(err.msg);
		status = SC_EXIT_FAILURE;
		/* what was written so far still goes out */
		listing_finish_output(&out);
	} else {
		unsigned long unknown = facts_unknown_in(m.snap.facts, &view);

		status = listing_finish_output(&out);
		if (unknown > 0)
			fprintf(stderr,
				"sockscope: %lu socket(s) have unknown owners: "
				"the descriptors of %lu process(es) of other "
				"users cannot be read; run as root, or with "
				"CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH, to "
				"see them\n",
				unknown, facts_unreadable_processes(m.snap.facts));
		if (untested > 0)
			fprintf(stderr,
				"sockscope: the filter's process predicates "
				"could not be tested on %lu socket(s) whose "
				"owners are unknown (they count as not "
				"matching); run as root, or with "
				"CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH, to "
				"test them\n",
				untested);
		if (status == SC_EXIT_OK && m.snap.report.interrupted != 0)
			status = SC_EXIT_INCOMPLETE;
	}
	if (o->kill && !o->yes && status != SC_EXIT_FAILURE)
		listing_kill_dry(view.n);
	if (kill_failed)
		status = SC_EXIT_FAILURE;
	rows_view_free(&view);
	listing_ctx_free(&m);
	obuf_free(&out);
	return status;
}
