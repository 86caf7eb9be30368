/* main.c - argv to context, collect into the sink, report; the only place
 * that prints errors and exits. */
#include "config.h"

#include "cli.h"
#include "collect/collect.h"
#include "collect/owners.h"
#include "model/facts.h"
#include "output/addr.h"
#include "output/table.h"
#include "util/escape.h"
#include "util/obuf.h"

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

struct main_ctx {
	struct sink sink;
	struct facts *facts;
	size_t mark, facts_mark;
};

static int main_begin(void *ud, enum collect_dump d)
{
	struct main_ctx *m = ud;
	(void)d;
	m->mark = m->sink.ops->mark(m->sink.st);
	m->facts_mark = facts_mark(m->facts);
	return 0;
}

static int main_discard(void *ud, enum collect_dump d)
{
	struct main_ctx *m = ud;
	(void)d;
	m->sink.ops->rollback(m->sink.st, m->mark);
	facts_rollback(m->facts, m->facts_mark);
	return 0;
}

static int main_rec(void *ud, const struct sock_rec *r)
{
	struct main_ctx *m = ud;

	facts_see(m->facts, r);
	return m->sink.ops->row(m->sink.st, r);
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

static int main_finish_output(struct obuf *out)
{
	int e = obuf_flush(out);

	if (e != 0) {
		fprintf(stderr, "sockscope: write error: %s\n", strerror(e));
		return SC_EXIT_FAILURE;
	}
	return SC_EXIT_OK;
}

int main(int argc, char **argv)
{
	struct cli_opts opts;
	struct sc_err err = { 0 };
	struct obuf out;
	struct collect_report rep;
	struct collect_opts copts = { 0 };
	struct addr_ctx *addr;
	struct table_opts topts = { 0 };
	struct main_ctx m = { 0 };
	struct collect_consumer cons;
	struct addr_opts aopts = { 0 };
	struct owners *owners = NULL;
	struct owners_job *scan = NULL;
	struct facts_opts fopts = { 0 };
	const char *proc_root;
	int status, r;

	setlocale(LC_ALL, "");
	/* A closed pipe is reported as a write error, not a silent death. */
	signal(SIGPIPE, SIG_IGN);

	if (cli_parse(argc, argv, &opts, &err) < 0) {
		main_errline(err.msg);
		fputs("Try 'sockscope --help' for more information.\n", stderr);
		return SC_EXIT_USAGE;
	}
	obuf_init(&out, STDOUT_FILENO);
	if (opts.action == CLI_HELP || opts.action == CLI_VERSION) {
		if (opts.action == CLI_HELP)
			cli_usage(&out);
		else
			cli_version(&out);
		status = main_finish_output(&out);
		obuf_free(&out);
		return status;
	}

	aopts.numeric = opts.numeric;
	aopts.resolve = opts.resolve;
	aopts.esc_flags = esc_locale_is_utf8() ? ESC_UTF8 : 0;
	addr = addr_ctx_new(&aopts);

	proc_root = getenv("SOCKSCOPE_PROC_ROOT");
	/* The owner scan runs on its own threads while the kernel dumps. */
	if (opts.processes &&
	    owners_scan_start(proc_root ? proc_root : "/proc",
			      owners_default_threads(), &scan, &err) < 0) {
		main_errline(err.msg);
		addr_ctx_free(addr);
		obuf_free(&out);
		return SC_EXIT_FAILURE;
	}
	fopts.owners = opts.processes;
	fopts.peer_names = opts.extended;
	fopts.recorded = opts.replay_path != NULL;
	m.facts = facts_new(&fopts);
	topts.processes = opts.processes;
	topts.extended = opts.extended;
	topts.facts = m.facts;
	topts.esc_flags = aopts.esc_flags;
	topts.show_netid = main_popcount(opts.query.netids) > 1;
	topts.show_state = main_popcount(opts.query.states) > 1;
	topts.header = !opts.no_header;
	topts.max_cols = main_term_cols();
	topts.addr = addr;
	m.sink = table_sink_new(&topts);

	copts.backend = opts.backend;
	copts.proc_root = proc_root;
	copts.record_path = opts.record_path;
	copts.replay_path = opts.replay_path;
	cons.ud = &m;
	cons.begin = main_begin;
	cons.discard = main_discard;
	cons.rec = main_rec;

	r = collect_run(&opts.query, &copts, &cons, &rep, &err);
	if (scan != NULL) {
		owners_scan_finish(scan, &owners);
		facts_set_owners(m.facts, owners);
	}
	for (unsigned i = 0; i < rep.warnings.n; i++)
		fprintf(stderr, "sockscope: warning: %s\n",
			rep.warnings.msg[i]);
	if (rep.warnings.dropped > 0)
		fprintf(stderr, "sockscope: warning: %u more warning(s)\n",
			rep.warnings.dropped);
	if (r < 0) {
		main_errline(err.msg);
		status = SC_EXIT_FAILURE;
	} else {
		unsigned long unknown = facts_unknown_owners(m.facts);

		m.sink.ops->end(m.sink.st, &out, &err);
		status = main_finish_output(&out);
		if (unknown > 0)
			fprintf(stderr,
				"sockscope: %lu socket(s) have unknown owners: "
				"the descriptors of %lu process(es) of other "
				"users cannot be read; run as root, or with "
				"CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH, to "
				"see them\n",
				unknown, facts_unreadable_processes(m.facts));
		if (status == SC_EXIT_OK && rep.interrupted != 0)
			status = SC_EXIT_INCOMPLETE;
	}
	m.sink.ops->destroy(m.sink.st);
	facts_free(m.facts);
	owners_free(owners);
	addr_ctx_free(addr);
	obuf_free(&out);
	return status;
}
