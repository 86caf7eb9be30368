/* test_cli.c - the command line: options into cli_opts, the state words,
 * the exact error messages, and the --help and --version texts checked
 * against the option table in src/cli.c. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "filter/state.h"

#define CLI_SOURCE FIXTURE_DIR "/../../src/cli.c"

#define B(s) SOCK_STATE_BIT(SOCK_ST_##s)
#define NET(n) SOCK_NETID_BIT(SOCK_NETID_##n)
#define BOTH_AF (COLLECT_AF_INET | COLLECT_AF_INET6)

/* ---- argv vectors ------------------------------------------------------ */

#define ARGS_MAX 32

/* getopt may write to argv, so the words live in writable arrays. */
struct argbuf {
	char text[ARGS_MAX][128];
	char *argv[ARGS_MAX + 2];
	int argc;
};

static int run(struct argbuf *ab, struct cli_opts *o, struct sc_err *err,
	       size_t n, const char *const *args)
{
	assert_true(n < ARGS_MAX);
	memset(ab, 0, sizeof(*ab));
	strcpy(ab->text[0], "sockscope");
	ab->argv[0] = ab->text[0];
	for (size_t i = 0; i < n; i++) {
		assert_true(strlen(args[i]) < sizeof(ab->text[0]));
		strcpy(ab->text[i + 1], args[i]);
		ab->argv[i + 1] = ab->text[i + 1];
	}
	ab->argc = (int)n + 1;
	ab->argv[n + 1] = NULL;
	memset(err, 0, sizeof(*err));
	return cli_parse(ab->argc, ab->argv, o, err);
}

#define ARGV(...) ((const char *const[]){ __VA_ARGS__ })
#define NARGS(...) (sizeof(ARGV(__VA_ARGS__)) / sizeof(const char *))
#define PARSE(ab, o, err, ...)                                                 \
	run(ab, o, err, NARGS(__VA_ARGS__), ARGV(__VA_ARGS__))

/* Parse and expect success with the given selection. */
#define OK_SEL(nets, afs, sts, ...)                                            \
	do {                                                                   \
		struct argbuf ab_;                                             \
		struct cli_opts o_;                                            \
		struct sc_err e_;                                              \
		int rc_ = PARSE(&ab_, &o_, &e_, __VA_ARGS__);                  \
		if (rc_ != 0)                                                  \
			print_error("unexpected error: %s\n", e_.msg);        \
		assert_int_equal(rc_, 0);                                      \
		assert_int_equal(o_.action, CLI_LIST);                         \
		assert_int_equal(o_.query.netids, (nets));                     \
		assert_int_equal(o_.query.families, (afs));                    \
		assert_int_equal(o_.query.states, (sts));                      \
	} while (0)

/* Parse and expect exactly this error message. */
#define BAD(want, ...)                                                          \
	do {                                                                   \
		struct argbuf ab_;                                             \
		struct cli_opts o_;                                            \
		struct sc_err e_;                                              \
		assert_int_equal(PARSE(&ab_, &o_, &e_, __VA_ARGS__), -1);      \
		assert_string_equal(e_.msg, (want));                           \
		assert_int_equal(e_.code, EINVAL);                             \
	} while (0)

/* ---- options ------------------------------------------------------------- */

static void test_defaults(void **state)
{
	struct argbuf ab;
	struct cli_opts o;
	struct sc_err err;

	(void)state;
	memset(&o, 0x5a, sizeof(o)); /* cli_parse sets every field */
	assert_int_equal(run(&ab, &o, &err, 0, NULL), 0);
	assert_int_equal(o.action, CLI_LIST);
	assert_int_equal(o.query.netids, SOCK_NETIDS_ALL);
	assert_int_equal(o.query.families, BOTH_AF);
	assert_int_equal(o.query.states, STATE_SET_DEFAULT);
	assert_int_equal(o.numeric, 0);
	assert_int_equal(o.resolve, 0);
	assert_int_equal(o.no_header, 0);
	assert_int_equal(o.backend, COLLECT_BACKEND_AUTO);
	assert_null(o.record_path);
	assert_null(o.replay_path);
}

static void test_tables(void **state)
{
	const unsigned unx = NET(UNIX_STREAM) | NET(UNIX_DGRAM) |
			     NET(UNIX_SEQPACKET);
	const unsigned all = unx | NET(UDP) | NET(TCP);
	const unsigned def = STATE_SET_DEFAULT;

	(void)state;
	assert_int_equal(SOCK_NETIDS_UNIX, unx);
	assert_int_equal(SOCK_NETIDS_ALL, all);
	OK_SEL(NET(TCP), BOTH_AF, def, "-t");
	OK_SEL(NET(TCP), BOTH_AF, def, "--tcp");
	OK_SEL(NET(UDP), BOTH_AF, def, "-u");
	OK_SEL(NET(UDP), BOTH_AF, def, "--udp");
	OK_SEL(unx, BOTH_AF, def, "-x");
	OK_SEL(unx, BOTH_AF, def, "--unix");
	OK_SEL(NET(TCP) | NET(UDP), BOTH_AF, def, "-t", "-u");
	OK_SEL(all, BOTH_AF, def, "-tux");
	OK_SEL(all, BOTH_AF, def, "-x", "--udp", "-t");
	OK_SEL(NET(TCP) | unx, BOTH_AF, def, "-xt");
	OK_SEL(NET(TCP), BOTH_AF, def, "-t", "-t");
}

/* -4/-6 without -t/-u/-x mean the inet tables only, as in ss. */
static void test_families(void **state)
{
	const unsigned inet = NET(UDP) | NET(TCP);
	const unsigned def = STATE_SET_DEFAULT;

	(void)state;
	OK_SEL(inet, COLLECT_AF_INET, def, "-4");
	OK_SEL(inet, COLLECT_AF_INET, def, "--ipv4");
	OK_SEL(inet, COLLECT_AF_INET6, def, "-6");
	OK_SEL(inet, COLLECT_AF_INET6, def, "--ipv6");
	OK_SEL(inet, BOTH_AF, def, "-46");
	OK_SEL(NET(TCP), COLLECT_AF_INET, def, "-4t");
	OK_SEL(NET(TCP), COLLECT_AF_INET, def, "-t", "-4");
	OK_SEL(NET(UDP), COLLECT_AF_INET6, def, "-6", "-u");
	OK_SEL(inet, COLLECT_AF_INET6, def, "-tu6");
}

static void test_state_options(void **state)
{
	const unsigned all = SOCK_NETIDS_ALL;

	(void)state;
	OK_SEL(all, BOTH_AF, B(LISTEN) | B(CLOSE), "-l");
	OK_SEL(all, BOTH_AF, B(LISTEN) | B(CLOSE), "--listening");
	OK_SEL(all, BOTH_AF, SOCK_STATES_ALL, "-a");
	OK_SEL(all, BOTH_AF, SOCK_STATES_ALL, "--all");
	OK_SEL(NET(TCP), BOTH_AF, B(LISTEN) | B(CLOSE), "-tl");
	OK_SEL(NET(TCP), BOTH_AF, SOCK_STATES_ALL, "-ta");
}

static void test_output_options(void **state)
{
	struct argbuf ab;
	struct cli_opts o;
	struct sc_err err;

	(void)state;
	assert_int_equal(PARSE(&ab, &o, &err, "-n"), 0);
	assert_int_equal(o.numeric, 1);
	assert_int_equal(o.resolve, 0);
	assert_int_equal(o.no_header, 0);
	assert_int_equal(PARSE(&ab, &o, &err, "-r"), 0);
	assert_int_equal(o.numeric, 0);
	assert_int_equal(o.resolve, 1);
	assert_int_equal(PARSE(&ab, &o, &err, "-H"), 0);
	assert_int_equal(o.no_header, 1);
	assert_int_equal(o.numeric, 0);
	assert_int_equal(PARSE(&ab, &o, &err, "--numeric", "--resolve",
			       "--no-header"),
			 0);
	assert_int_equal(o.numeric, 1);
	assert_int_equal(o.resolve, 1);
	assert_int_equal(o.no_header, 1);
	assert_int_equal(PARSE(&ab, &o, &err, "-nrH"), 0);
	assert_int_equal(o.numeric + o.resolve + o.no_header, 3);
	assert_int_equal(o.processes + o.extended, 0);
	assert_int_equal(PARSE(&ab, &o, &err, "-tpe"), 0);
	assert_int_equal(o.processes, 1);
	assert_int_equal(o.extended, 1);
	assert_int_equal(PARSE(&ab, &o, &err, "--extended"), 0);
	assert_int_equal(o.processes, 0);
	assert_int_equal(o.extended, 1);
	/* -e with --replay is fine: it shows what was recorded */
	assert_int_equal(PARSE(&ab, &o, &err, "-e", "--replay=x"), 0);
	assert_int_equal(o.extended, 1);
	assert_int_equal(o.query.netids, SOCK_NETIDS_ALL);
	assert_int_equal(o.query.states, STATE_SET_DEFAULT);
	/* a unique prefix of a long option is the option */
	assert_int_equal(PARSE(&ab, &o, &err, "--num"), 0);
	assert_int_equal(o.numeric, 1);
}

static void test_backend_and_files(void **state)
{
	struct argbuf ab;
	struct cli_opts o;
	struct sc_err err;

	(void)state;
	assert_int_equal(PARSE(&ab, &o, &err, "--backend=auto"), 0);
	assert_int_equal(o.backend, COLLECT_BACKEND_AUTO);
	assert_int_equal(PARSE(&ab, &o, &err, "--backend=netlink"), 0);
	assert_int_equal(o.backend, COLLECT_BACKEND_NETLINK);
	assert_int_equal(PARSE(&ab, &o, &err, "--backend=proc"), 0);
	assert_int_equal(o.backend, COLLECT_BACKEND_PROC);
	assert_int_equal(PARSE(&ab, &o, &err, "--backend", "proc"), 0);
	assert_int_equal(o.backend, COLLECT_BACKEND_PROC);
	assert_int_equal(PARSE(&ab, &o, &err, "--backend=proc",
			       "--backend=netlink"),
			 0);
	assert_int_equal(o.backend, COLLECT_BACKEND_NETLINK);

	assert_int_equal(PARSE(&ab, &o, &err, "--record=/tmp/x.rec"), 0);
	assert_string_equal(o.record_path, "/tmp/x.rec");
	assert_null(o.replay_path);
	assert_int_equal(PARSE(&ab, &o, &err, "--record", "out file"), 0);
	assert_string_equal(o.record_path, "out file");
	assert_int_equal(PARSE(&ab, &o, &err, "--replay=in.rec", "-t"), 0);
	assert_string_equal(o.replay_path, "in.rec");
	assert_null(o.record_path);
	assert_int_equal(o.query.netids, NET(TCP));
	assert_int_equal(PARSE(&ab, &o, &err, "--replay", "in.rec",
			       "--backend=netlink"),
			 0);
	assert_string_equal(o.replay_path, "in.rec");
	assert_int_equal(o.backend, COLLECT_BACKEND_NETLINK);
	/* an argument that looks like an option is still the argument */
	assert_int_equal(PARSE(&ab, &o, &err, "--record", "-t"), 0);
	assert_string_equal(o.record_path, "-t");
	assert_int_equal(o.query.netids, SOCK_NETIDS_ALL);
}

static void test_help_version(void **state)
{
	struct argbuf ab;
	struct cli_opts o;
	struct sc_err err;

	(void)state;
	assert_int_equal(PARSE(&ab, &o, &err, "-h"), 0);
	assert_int_equal(o.action, CLI_HELP);
	assert_int_equal(PARSE(&ab, &o, &err, "--help"), 0);
	assert_int_equal(o.action, CLI_HELP);
	assert_int_equal(PARSE(&ab, &o, &err, "-t", "-h", "state", "bogus"),
			 0);
	assert_int_equal(o.action, CLI_HELP);
	assert_int_equal(PARSE(&ab, &o, &err, "-V"), 0);
	assert_int_equal(o.action, CLI_VERSION);
	assert_int_equal(PARSE(&ab, &o, &err, "--version"), 0);
	assert_int_equal(o.action, CLI_VERSION);
	assert_int_equal(PARSE(&ab, &o, &err, "-tV"), 0);
	assert_int_equal(o.action, CLI_VERSION);
}

/* ---- state words ------------------------------------------------------- */

static void test_state_words(void **state)
{
	const unsigned all = SOCK_NETIDS_ALL;
	const unsigned every = SOCK_STATES_ALL;
	const unsigned connected = every & ~(B(LISTEN) | B(CLOSE));

	(void)state;
	OK_SEL(all, BOTH_AF, B(ESTABLISHED), "state", "established");
	OK_SEL(all, BOTH_AF, B(ESTABLISHED), "state", "ESTAB");
	OK_SEL(all, BOTH_AF, B(ESTABLISHED) | B(CLOSE_WAIT), "state",
	       "established", "close-wait");
	OK_SEL(all, BOTH_AF, B(ESTABLISHED) | B(LISTEN), "state",
	       "established", "state", "listening");
	OK_SEL(all, BOTH_AF, B(TIME_WAIT), "state", "time-wait", "state",
	       "time-wait");
	OK_SEL(all, BOTH_AF, every & ~B(ESTABLISHED), "exclude",
	       "established");
	OK_SEL(all, BOTH_AF, every & ~(B(ESTABLISHED) | B(LISTEN)),
	       "exclude", "established", "listen");
	OK_SEL(all, BOTH_AF, every & ~(B(ESTABLISHED) | B(LISTEN)),
	       "exclude", "established", "exclude", "listen");
	OK_SEL(all, BOTH_AF, every & ~B(CLOSE), "excl", "unconn");
	/* a state word replaces -l / -a / the default; exclude starts from
	 * all when no state word came before */
	OK_SEL(all, BOTH_AF, every & ~B(LISTEN), "-l", "exclude",
	       "listening");
	OK_SEL(all, BOTH_AF, B(ESTABLISHED), "-a", "state", "established");
	OK_SEL(all, BOTH_AF, B(SYN_SENT), "-l", "state", "syn-sent");
	OK_SEL(all, BOTH_AF, connected & ~B(ESTABLISHED), "state",
	       "connected", "exclude", "established");
	OK_SEL(all, BOTH_AF, B(ESTABLISHED), "state", "established",
	       "exclude", "listening");
	OK_SEL(all, BOTH_AF, B(SYN_RECV) | B(TIME_WAIT) | B(LISTEN), "state",
	       "all", "exclude", "big", "state", "listening");
	OK_SEL(all, BOTH_AF, 0, "state", "established", "exclude", "all");
	OK_SEL(NET(TCP), COLLECT_AF_INET6, B(LISTEN), "-t6", "state",
	       "listening");
}

/* ---- errors ---------------------------------------------------------- */

static void test_option_errors(void **state)
{
	(void)state;
	BAD("unrecognized option '--bogus'", "--bogus");
	BAD("unrecognized option '--bogus'", "--bogus=1");
	BAD("unrecognized option '--bogus'", "-t", "--bogus", "-u");
	BAD("invalid option -- 'q'", "-q");
	BAD("invalid option -- 'q'", "-tq");
	BAD("invalid option -- 'q'", "-qt");
	BAD("invalid option -- 'q'", "-t", "-qt");
	BAD("invalid option -- 'Q'", "-l", "-Q");
	BAD("option '--backend' requires an argument", "--backend");
	BAD("option '--record' requires an argument", "--record");
	BAD("option '--replay' requires an argument", "-t", "--replay");
	BAD("option '--help' doesn't allow an argument", "--help=x");
	BAD("option '--tcp' doesn't allow an argument", "--tcp=1");
	BAD("option '--no-header' doesn't allow an argument",
	    "--no-header=");
	BAD("invalid --backend 'x' (expected auto, netlink or proc)",
	    "--backend=x");
	BAD("invalid --backend '' (expected auto, netlink or proc)",
	    "--backend=");
	BAD("invalid --backend 'PROC' (expected auto, netlink or proc)",
	    "--backend", "PROC");
	/* a value is never echoed raw: escaped, and cut */
	BAD("invalid --backend 'a\\e[31mb\\n' (expected auto, netlink or "
	    "proc)",
	    "--backend=a\033[31mb\n");
	BAD("invalid --color '\\e]0;x\\a' (expected auto, always or never)",
	    "--color=\033]0;x\a");
	BAD("--record and --replay cannot be combined", "--record=a",
	    "--replay=b");
	BAD("--replay reads netlink answers; it cannot be combined with "
	    "--backend=proc",
	    "--replay=a", "--backend=proc");
	BAD("--replay reads netlink answers; it cannot be combined with "
	    "--backend=proc",
	    "--backend=proc", "--replay=a");
	BAD("--record saves netlink answers; it cannot be combined with "
	    "--backend=proc",
	    "--record=a", "--backend=proc");
	BAD("--replay shows recorded sockets; -p reads this machine's "
	    "processes and cannot be combined with it",
	    "-tp", "--replay=a");
	BAD("--replay shows recorded sockets; -p reads this machine's "
	    "processes and cannot be combined with it",
	    "--replay=a", "--processes");
}

/* After a long option, a bad letter inside a group of short ones is still
 * named as a letter (getopt has not moved past the group yet). */
static void test_option_error_after_long(void **state)
{
	(void)state;
	BAD("invalid option -- 'q'", "--tcp", "-qt");
	BAD("invalid option -- 'q'", "--backend=proc", "-qu");
	BAD("invalid option -- 'q'", "--record", "--x", "-qt");
}

/* Control characters in a bad option never reach the message raw. */
static void test_option_errors_escaped(void **state)
{
	(void)state;
	BAD("invalid option -- '\\x1b'", "-\x1b");
	BAD("invalid option -- '\\x01'", "-\x01");
	BAD("invalid option -- '\\xc3'", "-\xc3");
	BAD("unrecognized option '--bo?gus'", "--bo\x1bgus");
	BAD("unrecognized option '--?" "?'", "--\xc3\xa9");
}

static void test_word_errors(void **state)
{
	(void)state;
	BAD("'state' needs a state name", "state");
	BAD("'state' needs a state name", "-t", "state");
	BAD("'exclude' needs a state name", "exclude");
	BAD("'exclude' needs a state name", "state", "established",
	    "exclude");
	BAD("'state' needs a state name", "state", "state", "listening");
	BAD("unknown state 'bogus'", "state", "bogus");
	BAD("unknown state 'bogus'", "exclude", "bogus");
	BAD("unknown state ''", "state", "");
}

/* The first word that is not a state word starts the filter expression,
 * which takes every word after it (filter/expr parses it). */
#define FILTER(first, n, ...)                                                  \
	do {                                                                   \
		struct argbuf ab_;                                             \
		struct cli_opts o_;                                            \
		struct sc_err e_;                                              \
		assert_int_equal(PARSE(&ab_, &o_, &e_, __VA_ARGS__), 0);       \
		assert_int_equal(o_.nfilter, (n));                             \
		assert_string_equal(o_.filter[0], (first));                    \
	} while (0)

static void test_filter_words(void **state)
{
	struct argbuf ab;
	struct cli_opts o;
	struct sc_err err;

	(void)state;
	FILTER("foo", 1, "foo");
	FILTER("dport", 3, "-t", "dport", "=", ":443");
	FILTER("bogus", 1, "state", "established", "bogus");
	FILTER("sport", 2, "state", "listening", "established", "sport",
	       ":22");
	/* a state word inside the expression is the expression's */
	FILTER("foo", 3, "-t", "foo", "state", "listening");
	FILTER("(", 5, "exclude", "listening", "(", "dport", ">", ":1",
	       ")");
	assert_int_equal(PARSE(&ab, &o, &err, "-t", "state", "listening"), 0);
	assert_int_equal(o.nfilter, 0);
	assert_null(o.filter);
}

static void test_query_options(void **state)
{
	struct argbuf ab;
	struct cli_opts o;
	struct sc_err err;

	(void)state;
	assert_int_equal(PARSE(&ab, &o, &err, "-imosJ", "--explain",
			       "--reverse", "--sort=pid,inode",
			       "--count-by=state", "--color=never"),
			 -1);
	assert_string_equal(err.msg, "-s prints a summary; it cannot be "
				     "combined with --count-by or --output");
	assert_int_equal(PARSE(&ab, &o, &err, "-imoJ", "--explain",
			       "--reverse", "--sort=pid,inode",
			       "--count-by=state", "--color=never"),
			 -1);
	assert_string_equal(err.msg, "--explain explains a listing; it cannot "
				     "be combined with -s or --count-by");
	assert_int_equal(PARSE(&ab, &o, &err, "-imoJ", "--reverse",
			       "--sort=pid,inode", "--count-by=state",
			       "--color=never"),
			 0);
	assert_true(o.info && o.mem && o.timers && !o.explain && o.reverse);
	assert_int_equal(o.json, CLI_JSON_DOCUMENT);
	assert_int_equal(o.color, CLI_COLOR_NEVER);
	assert_string_equal(o.sort, "pid,inode");
	assert_string_equal(o.count_by, "state");
	assert_int_equal(PARSE(&ab, &o, &err, "--json=lines", "--color"), 0);
	assert_int_equal(o.json, CLI_JSON_LINES);
	assert_int_equal(o.color, CLI_COLOR_ALWAYS);
	assert_int_equal(PARSE(&ab, &o, &err, "--json=document",
			       "--color=auto"),
			 0);
	assert_int_equal(o.json, CLI_JSON_DOCUMENT);
	assert_int_equal(o.color, CLI_COLOR_AUTO);
	assert_int_equal(PARSE(&ab, &o, &err, "--output=help"), 0);
	assert_int_equal(o.action, CLI_OUTPUT_HELP);
	assert_int_equal(PARSE(&ab, &o, &err, "--output=state,pid"), 0);
	assert_string_equal(o.output, "state,pid");
	BAD("invalid --json 'x' (expected lines or document)", "--json=x");
	BAD("invalid --color 'x' (expected auto, always or never)",
	    "--color=x");
	BAD("--count-by prints counts; it cannot be combined with --output",
	    "--count-by=state", "--output=state");
	BAD("--json writes every field; it cannot be combined with --output",
	    "-J", "--output=state");
	BAD("option '--output' requires an argument", "--output");
	BAD("option '--reverse' doesn't allow an argument", "--reverse=1");
}

/* cli_parse resets getopt, even after an error inside a group. */
static void test_reparse(void **state)
{
	struct argbuf ab;
	struct cli_opts o;
	struct sc_err err;

	(void)state;
	assert_int_equal(PARSE(&ab, &o, &err, "-tqx"), -1);
	assert_int_equal(PARSE(&ab, &o, &err, "-u"), 0);
	assert_int_equal(o.query.netids, NET(UDP));
	assert_int_equal(PARSE(&ab, &o, &err, "-t", "state", "listening"), 0);
	assert_int_equal(PARSE(&ab, &o, &err, "-x"), 0);
	assert_int_equal(o.query.netids, SOCK_NETIDS_UNIX);
	assert_int_equal(o.query.states, STATE_SET_DEFAULT);
}

/* ---- usage and version ----------------------------------------------- */

static char *capture(void (*fn)(struct obuf *), size_t *len)
{
	struct obuf o;
	int fds[2];
	char *buf = malloc(65536);
	size_t n = 0;

	assert_non_null(buf);
	assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
	obuf_init(&o, fds[1]);
	fn(&o);
	assert_int_equal(obuf_flush(&o), 0); /* fits in the pipe buffer */
	obuf_free(&o);
	close(fds[1]);
	for (;;) {
		ssize_t r = read(fds[0], buf + n, 65535 - n);
		assert_true(r >= 0);
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fds[0]);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	if (f == NULL)
		fail_msg("cannot open %s", path);
	buf = malloc(1 << 20);
	assert_non_null(buf);
	n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

struct longopt {
	char name[32];
	int has_arg;
};

/* The entries of cli_long_opts[] in src/cli.c: `{ "name", ...arg... },`. */
static size_t source_long_opts(struct longopt *v, size_t max)
{
	char *src = read_file(CLI_SOURCE);
	char *p = strstr(src, "cli_long_opts[]");
	char *end;
	size_t n = 0;

	assert_non_null(p);
	end = strstr(p, "};");
	assert_non_null(end);
	*end = '\0';
	while ((p = strstr(p, "{ \"")) != NULL) {
		char *q = p + 3;
		size_t k = strcspn(q, "\"");
		char *eol = strchr(q, '\n');
		assert_true(k > 0 && k < sizeof(v[0].name));
		assert_true(n < max);
		memcpy(v[n].name, q, k);
		v[n].name[k] = '\0';
		if (eol != NULL)
			*eol = '\0';
		v[n].has_arg = strstr(q, "required_argument") != NULL;
		n++;
		p = eol != NULL ? eol + 1 : q + k;
	}
	free(src);
	return n;
}

/* The letters of cli_short_opts[] ("+:" and the option letters). */
static size_t source_short_opts(char *v, size_t max)
{
	char *src = read_file(CLI_SOURCE);
	char *p = strstr(src, "cli_short_opts[] = \"");
	size_t n = 0;

	assert_non_null(p);
	p += strlen("cli_short_opts[] = \"");
	for (; *p != '"' && *p != '\0'; p++) {
		if (*p == '+' || *p == ':')
			continue;
		assert_true(n + 1 < max);
		v[n++] = *p;
	}
	v[n] = '\0';
	free(src);
	return n;
}

static int is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '-';
}

/* "--name" as a whole word in text; returns what follows it, or NULL. */
static const char *find_long(const char *text, const char *name)
{
	size_t len = strlen(name);
	const char *p = text;

	while ((p = strstr(p, "--")) != NULL) {
		if ((p == text || !is_name_char(p[-1])) &&
		    strncmp(p + 2, name, len) == 0 &&
		    !is_name_char(p[2 + len]))
			return p + 2 + len;
		p += 2;
	}
	return NULL;
}

static void check_lines(const char *text, size_t len)
{
	const char *line = text;

	assert_true(len > 0);
	assert_int_equal(text[len - 1], '\n');
	while (line < text + len) {
		const char *nl = strchr(line, '\n');
		size_t n = (size_t)(nl - line);
		if (n > 80)
			print_error("line of %zu columns: %.*s\n", n, (int)n,
				    line);
		assert_true(n <= 80);
		if (n > 0)
			assert_int_not_equal(line[n - 1], ' ');
		for (size_t i = 0; i < n; i++)
			assert_true(line[i] >= 0x20 && line[i] < 0x7f);
		line = nl + 1;
	}
}

static void test_usage(void **state)
{
	struct longopt opts[64];
	char shorts[64];
	size_t len, nopts, nshort;
	char *text = capture(cli_usage, &len);
	const char *p;

	(void)state;
	check_lines(text, len);
	assert_int_equal(strncmp(text, "Usage: sockscope [OPTION]...", 28), 0);

	nopts = source_long_opts(opts, 64);
	assert_true(nopts >= 15);
	for (size_t i = 0; i < nopts; i++) {
		const char *after = find_long(text, opts[i].name);
		if (after == NULL)
			print_error("--%s is missing from the usage\n",
				    opts[i].name);
		assert_non_null(after);
		/* options with an argument are shown as --name=ARG */
		assert_int_equal(*after == '=', opts[i].has_arg);
	}
	/* ... and the usage shows no option that does not exist */
	for (p = strstr(text, "--"); p != NULL; p = strstr(p + 2, "--")) {
		char name[32];
		size_t k = 0, i;
		if (p != text && is_name_char(p[-1]))
			continue;
		while (is_name_char(p[2 + k]) && k + 1 < sizeof(name)) {
			name[k] = p[2 + k];
			k++;
		}
		name[k] = '\0';
		for (i = 0; i < nopts; i++)
			if (strcmp(name, opts[i].name) == 0)
				break;
		if (i == nopts)
			print_error("usage shows unknown option --%s\n", name);
		assert_true(i < nopts);
	}

	/* every short option is listed as "-X, --" */
	nshort = source_short_opts(shorts, sizeof(shorts));
	assert_true(nshort >= 13);
	for (size_t i = 0; i < nshort; i++) {
		char want[8] = { ' ', ' ', '-', shorts[i], ',', ' ', '-', '-' };
		if (memmem(text, len, want, sizeof(want)) == NULL)
			print_error("-%c is missing from the usage\n",
				    shorts[i]);
		assert_non_null(memmem(text, len, want, sizeof(want)));
	}
	free(text);
}

/* The option names the usage test expects today, so that a broken parse
 * of src/cli.c cannot make that test pass vacuously. */
static void test_usage_known_options(void **state)
{
	static const char *const names[] = {
		"tcp", "udp", "unix", "ipv4", "ipv6", "listening", "all",
		"numeric", "resolve", "no-header", "backend", "record",
		"replay", "help", "version",
	};
	struct longopt opts[64];
	size_t len, nopts = source_long_opts(opts, 64);
	char *text = capture(cli_usage, &len);

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t k;
		for (k = 0; k < nopts; k++)
			if (strcmp(opts[k].name, names[i]) == 0)
				break;
		assert_true(k < nopts);
		assert_non_null(find_long(text, names[i]));
	}
	free(text);
}

static void test_version(void **state)
{
	size_t len;
	char *text = capture(cli_version, &len);
	const char *nl = strchr(text, '\n');

	(void)state;
	check_lines(text, len);
	assert_non_null(nl);
	assert_int_equal((size_t)(nl - text), strlen("sockscope 0.1.0"));
	assert_memory_equal(text, "sockscope 0.1.0\n", 16);
	assert_int_equal(strncmp(nl + 1, "Copyright (C) ", 14), 0);
	assert_non_null(strstr(text, "License GPLv2+"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_families),
		cmocka_unit_test(test_state_options),
		cmocka_unit_test(test_output_options),
		cmocka_unit_test(test_backend_and_files),
		cmocka_unit_test(test_help_version),
		cmocka_unit_test(test_state_words),
		cmocka_unit_test(test_filter_words),
		cmocka_unit_test(test_query_options),
		cmocka_unit_test(test_option_errors),
		cmocka_unit_test(test_option_error_after_long),
		cmocka_unit_test(test_option_errors_escaped),
		cmocka_unit_test(test_word_errors),
		cmocka_unit_test(test_reparse),
		cmocka_unit_test(test_usage),
		cmocka_unit_test(test_usage_known_options),
		cmocka_unit_test(test_version),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
