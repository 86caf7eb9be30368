/* main.c - argv to context; collect into the model; filter, sort; hand
 * the view to one sink; report. The only place that prints errors and
 * exits. */
#include "config.h"

#include "cli.h"
#include "collect/collect.h"
#include "collect/inet_diag.h"
#include "collect/owners.h"
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
#include "util/escape.h"
#include "util/obuf.h"
#include "util/sbuf.h"

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAIN_FIELDS_MAX 32

/* Everything a run holds; released by main_ctx_free. */
struct main_ctx {
	struct cli_opts opts;
	struct rows *rows;
	struct facts *facts;
	struct addr_ctx *addr;
	struct fields_ctx fc;
	struct expr *filter;
	struct owners *owners;
	enum field_id output[MAIN_FIELDS_MAX], sort[MAIN_FIELDS_MAX],
		count_by[MAIN_FIELDS_MAX];
	size_t noutput, nsort, ncount_by;
	unsigned char bytecode[2][INET_DIAG_BC_MAX];
};

/* The consumer of the collection: rows into the model. A dump the kernel
 * restarts drops what it delivered since its begin. */
struct main_collect {
	struct main_ctx *m;
	size_t mark;
};

static int main_collect_begin(void *ud, enum collect_dump d)
{
	struct main_collect *c = ud;

	(void)d;
	c->mark = rows_mark(c->m->rows);
	return 0;
}

static int main_collect_discard(void *ud, enum collect_dump d)
{
	struct main_collect *c = ud;

	(void)d;
	rows_rollback(c->m->rows, c->mark);
	return 0;
}

static int main_collect_rec(void *ud, const struct sock_rec *r)
{
	struct main_collect *c = ud;

	facts_see(c->m->facts, r);
	rows_add(c->m->rows, r);
	return 0;
}

static unsigned main_popcount(unsigned v)
{
	return (unsigned)__builtin_popcount(v);
}

static unsigned main_term_cols(void)
{
	struct winsize ws;

	if (!isatty(STDOUT_FILENO))
		return 0;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

static void main_errline(const char *msg)
{
	fprintf(stderr, "sockscope: %s\n", msg);
}

static int main_usage_error(const char *msg)
{
	main_errline(msg);
	fputs("Try 'sockscope --help' for more information.\n", stderr);
	return SC_EXIT_USAGE;
}

static int main_finish_output(struct obuf *out)
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
static int main_color(const struct cli_opts *o)
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

static int main_keep(void *ud, const struct sock_rec *r)
{
	struct main_ctx *m = ud;

	return expr_match(m->filter, r, m->facts);
}

static int main_sort_cmp(void *ud, const struct sock_rec *a,
			 const struct sock_rec *b)
{
	struct main_ctx *m = ud;

	for (size_t i = 0; i < m->nsort; i++) {
		int d = fields_cmp(&m->fc, m->sort[i], a, b);

		if (d != 0)
			return d;
	}
	return 0;
}

/* Sort and group keys are single values: a holder list is not one. */
static int main_keys_only(const enum field_id *ids, size_t n,
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
static int main_prepare(struct main_ctx *m, unsigned *needs,
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
	     main_keys_only(m->sort, m->nsort, "--sort", err) < 0))
		return -1;
	if (o->count_by != NULL &&
	    (fields_parse_list(o->count_by, "--count-by", m->count_by,
			       MAIN_FIELDS_MAX, &m->ncount_by, err) < 0 ||
	     main_keys_only(m->count_by, m->ncount_by, "--count-by", err) < 0))
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
	if ((*needs & FIELD_NEED_OWNERS) && o->replay_path != NULL)
		return sc_err_set(err, EINVAL,
				  "--replay shows recorded sockets; process "
				  "fields read this machine's processes");
	return 0;
}

/* Push what the kernel can test of the filter into the requests. */
static void main_bytecode(struct main_ctx *m)
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
static unsigned main_rows_drop(const struct main_ctx *m, unsigned needs)
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
	if (!o->extended && !(needs & FIELD_NEED_OWNERS) &&
	    o->json == CLI_JSON_NONE && m->filter == NULL && !o->explain &&
	    m->noutput == 0 && m->nsort == 0 && m->ncount_by == 0)
		drop |= ROWS_DROP_IDS;
	if (!o->timers && o->json == CLI_JSON_NONE && !o->explain &&
	    !timer_field)
		drop |= ROWS_DROP_TIMER;
	return drop;
}

/* Write the view with the sink the options ask for. */
static int main_write(struct main_ctx *m, struct rows_view *v,
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
			.facts = m->facts,
			.unknown_owners = facts_unknown_in(m->facts, v),
			.explain = o->explain,
			.fc = &m->fc,
		};

		sink = jsonout_sink_new(&jo);
	} else {
		struct table_opts to = {
			.show_netid = main_popcount(o->query.netids) > 1,
			.show_state = main_popcount(o->query.states) > 1,
			.header = !o->no_header,
			.max_cols = main_term_cols(),
			.addr = m->addr,
			.processes = o->processes,
			.extended = o->extended,
			.timers = o->timers,
			.mem = o->mem,
			.info = o->info,
			.numeric = o->numeric,
			.facts = m->facts,
			.esc_flags = m->fc.esc_flags,
			.columns = m->output,
			.ncolumns = m->noutput,
			.color = main_color(o),
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

static void main_ctx_free(struct main_ctx *m)
{
	expr_free(m->filter);
	rows_free(m->rows);
	facts_free(m->facts);
	owners_free(m->owners);
	addr_ctx_free(m->addr);
}

static void main_warnings(const struct collect_report *rep)
{
	for (unsigned i = 0; i < rep->warnings.n; i++)
		fprintf(stderr, "sockscope: warning: %s\n",
			rep->warnings.msg[i]);
	if (rep->warnings.dropped > 0)
		fprintf(stderr, "sockscope: warning: %u more warning(s)\n",
			rep->warnings.dropped);
}

int main(int argc, char **argv)
{
	struct main_ctx m = { 0 };
	struct cli_opts *o = &m.opts;
	struct sc_err err = { 0 };
	struct obuf out;
	struct collect_report rep = { 0 };
	struct collect_opts copts = { 0 };
	struct main_collect mc = { .m = &m };
	struct collect_consumer cons = {
		.ud = &mc,
		.begin = main_collect_begin,
		.discard = main_collect_discard,
		.rec = main_collect_rec,
	};
	struct addr_opts aopts = { 0 };
	struct owners_job *scan = NULL;
	struct facts_opts fopts = { 0 };
	struct rows_view view = { 0 };
	const char *proc_root;
	unsigned needs = 0;
	unsigned long untested = 0;
	int status, r;

	setlocale(LC_ALL, "");
	/* A closed pipe is reported as a write error, not a silent death. */
	signal(SIGPIPE, SIG_IGN);

	if (cli_parse(argc, argv, o, &err) < 0)
		return main_usage_error(err.msg);
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
		status = main_finish_output(&out);
		obuf_free(&out);
		return status;
	}
	if (main_prepare(&m, &needs, &err) < 0) {
		main_ctx_free(&m);
		obuf_free(&out);
		return main_usage_error(err.msg);
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
	main_bytecode(&m);

	aopts.numeric = o->numeric;
	aopts.resolve = o->resolve;
	aopts.esc_flags = esc_locale_is_utf8() ? ESC_UTF8 : 0;
	m.addr = addr_ctx_new(&aopts);

	proc_root = getenv("SOCKSCOPE_PROC_ROOT");
	if (o->processes)
		needs |= FIELD_NEED_OWNERS;
	/* The owner scan runs on its own threads while the kernel dumps. */
	if ((needs & FIELD_NEED_OWNERS) &&
	    owners_scan_start(proc_root ? proc_root : "/proc",
			      owners_default_threads(), &scan, &err) < 0) {
		main_errline(err.msg);
		main_ctx_free(&m);
		obuf_free(&out);
		return SC_EXIT_FAILURE;
	}
	fopts.owners = (needs & FIELD_NEED_OWNERS) != 0;
	fopts.peer_names = o->extended || (needs & FIELD_NEED_PEER_NAMES) ||
			   o->json != CLI_JSON_NONE;
	fopts.recorded = o->replay_path != NULL;
	m.facts = facts_new(&fopts);
	m.rows = rows_new(main_rows_drop(&m, needs));
	m.fc.addr = m.addr;
	m.fc.facts = m.facts;
	m.fc.esc_flags = aopts.esc_flags;

	copts.backend = o->backend;
	copts.proc_root = proc_root;
	copts.record_path = o->record_path;
	copts.replay_path = o->replay_path;
	r = collect_run(&o->query, &copts, &cons, &rep, &err);
	if (scan != NULL) {
		owners_scan_finish(scan, &m.owners);
		facts_set_owners(m.facts, m.owners);
	}
	main_warnings(&rep);
	if (r < 0) {
		main_errline(err.msg);
		main_ctx_free(&m);
		obuf_free(&out);
		return SC_EXIT_FAILURE;
	}

	rows_view_all(m.rows, &view);
	/* a socket whose holders are unknown matches no owner predicate:
	 * say how many could not be tested, never drop them silently */
	if (expr_needs(m.filter) & EXPR_NEED_OWNERS)
		untested = facts_unknown_in(m.facts, &view);
	if (m.filter != NULL)
		rows_view_filter(&view, main_keep, &m);
	if (m.nsort > 0)
		rows_view_sort(&view, main_sort_cmp, &m);
	if (o->reverse)
		rows_view_reverse(&view);
	if (main_write(&m, &view, needs, &out, &err) < 0) {
		main_errline(err.msg);
		status = SC_EXIT_FAILURE;
		/* what was written so far still goes out */
		main_finish_output(&out);
	} else {
		unsigned long unknown = facts_unknown_in(m.facts, &view);

		status = main_finish_output(&out);
		if (unknown > 0)
			fprintf(stderr,
				"sockscope: %lu socket(s) have unknown owners: "
				"the descriptors of %lu process(es) of other "
				"users cannot be read; run as root, or with "
				"CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH, to "
				"see them\n",
				unknown, facts_unreadable_processes(m.facts));
		if (untested > 0)
			fprintf(stderr,
				"sockscope: the filter's process predicates "
				"could not be tested on %lu socket(s) whose "
				"owners are unknown (they count as not "
				"matching); run as root, or with "
				"CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH, to "
				"test them\n",
				untested);
		if (status == SC_EXIT_OK && rep.interrupted != 0)
			status = SC_EXIT_INCOMPLETE;
	}
	rows_view_free(&view);
	main_ctx_free(&m);
	obuf_free(&out);
	return status;
}
