/* cli.c - ss-compatible options and the state filter words, parsed into a
 * cli_opts context; the --help and --version texts. */
#include "config.h"

#include "cli.h"
#include "cmd.h"
#include "filter/state.h"
#include "util/escape.h"
#include "util/parse.h"

#include <errno.h>
#include <stdio.h>
#include <getopt.h>
#include <string.h>

enum cli_long_only {
	OPT_BACKEND = 0x100,
	OPT_RECORD,
	OPT_REPLAY,
	OPT_OUTPUT,
	OPT_SORT,
	OPT_REVERSE,
	OPT_COUNT_BY,
	OPT_COLOR,
	OPT_EXPLAIN,
	OPT_TUI,
	OPT_EVENTS,
	OPT_YES,
	OPT_ALL_NETNS,
};

static const struct option cli_long_opts[] = {
	{ "tcp", no_argument, NULL, 't' },
	{ "udp", no_argument, NULL, 'u' },
	{ "unix", no_argument, NULL, 'x' },
	{ "ipv4", no_argument, NULL, '4' },
	{ "ipv6", no_argument, NULL, '6' },
	{ "listening", no_argument, NULL, 'l' },
	{ "all", no_argument, NULL, 'a' },
	{ "numeric", no_argument, NULL, 'n' },
	{ "resolve", no_argument, NULL, 'r' },
	{ "no-header", no_argument, NULL, 'H' },
	{ "processes", no_argument, NULL, 'p' },
	{ "extended", no_argument, NULL, 'e' },
	{ "info", no_argument, NULL, 'i' },
	{ "memory", no_argument, NULL, 'm' },
	{ "options", no_argument, NULL, 'o' },
	{ "summary", no_argument, NULL, 's' },
	{ "json", optional_argument, NULL, 'J' },
	{ "output", required_argument, NULL, OPT_OUTPUT },
	{ "sort", required_argument, NULL, OPT_SORT },
	{ "reverse", no_argument, NULL, OPT_REVERSE },
	{ "count-by", required_argument, NULL, OPT_COUNT_BY },
	{ "color", optional_argument, NULL, OPT_COLOR },
	{ "explain", no_argument, NULL, OPT_EXPLAIN },
	{ "tui", no_argument, NULL, OPT_TUI },
	{ "delay", required_argument, NULL, 'd' },
	{ "continuous", optional_argument, NULL, 'c' },
	{ "events", no_argument, NULL, OPT_EVENTS },
	{ "kill", no_argument, NULL, 'K' },
	{ "yes", no_argument, NULL, OPT_YES },
	{ "netns", required_argument, NULL, 'N' },
	{ "all-netns", no_argument, NULL, OPT_ALL_NETNS },
	{ "backend", required_argument, NULL, OPT_BACKEND },
	{ "record", required_argument, NULL, OPT_RECORD },
	{ "replay", required_argument, NULL, OPT_REPLAY },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static const char cli_short_opts[] = "+:tux46lanrHpeimosJhVd:N:c::K";

int cli_bad_value(struct sc_err *err, const char *opt, const char *value,
		  const char *expected)
{
	char esc[ESC_MAX(64)];

	/* the value is the user's: escaped, as every untrusted text */
	esc_text(esc, value, strnlen(value, 64), 0, NULL);
	return sc_err_set(err, EINVAL, "invalid %s '%s' (expected %s)", opt,
			  esc, expected);
}

static int cli_backend(const char *s, enum collect_backend *b,
		       struct sc_err *err)
{
	if (strcmp(s, "auto") == 0)
		*b = COLLECT_BACKEND_AUTO;
	else if (strcmp(s, "netlink") == 0)
		*b = COLLECT_BACKEND_NETLINK;
	else if (strcmp(s, "proc") == 0)
		*b = COLLECT_BACKEND_PROC;
	else
		return cli_bad_value(err, "--backend", s,
				     "auto, netlink or proc");
	return 0;
}

static int cli_json_arg(const char *s, enum cli_json *j, struct sc_err *err)
{
	if (s == NULL || strcmp(s, "document") == 0)
		*j = CLI_JSON_DOCUMENT;
	else if (strcmp(s, "lines") == 0)
		*j = CLI_JSON_LINES;
	else
		return cli_bad_value(err, "--json", s, "lines or document");
	return 0;
}

int cli_color_arg(const char *s, enum cli_color *c, struct sc_err *err)
{
	/* --color alone means always, as in GNU ls */
	if (s == NULL || strcmp(s, "always") == 0 || strcmp(s, "yes") == 0)
		*c = CLI_COLOR_ALWAYS;
	else if (strcmp(s, "auto") == 0)
		*c = CLI_COLOR_AUTO;
	else if (strcmp(s, "never") == 0 || strcmp(s, "no") == 0)
		*c = CLI_COLOR_NEVER;
	else
		return cli_bad_value(err, "--color", s, "auto, always or never");
	return 0;
}

/* An option getopt rejected. For a long option optopt holds the option's
 * val (a letter, or one of enum cli_long_only), so the argument itself is
 * the thing to name; stripped of any "=value", and never echoed raw. */
static int cli_opt_error(int argc, char **argv, int c, int prev,
			 struct sc_err *err)
{
	/* getopt moves optind past an element only when it is done with it:
	 * inside a group of short options ("-qt") it still points at it. */
	int at = optind > prev ? optind - 1 : optind;
	const char *arg = at > 0 && at < argc ? argv[at] : "";
	char name[64];
	size_t n;

	if (strncmp(arg, "--", 2) == 0) {
		n = strcspn(arg, "=");
		if (n >= sizeof(name))
			n = sizeof(name) - 1;
		memcpy(name, arg, n);
		name[n] = '\0';
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)name[i] < 0x20 ||
			    (unsigned char)name[i] >= 0x7f)
				name[i] = '?';
		if (c == ':')
			return sc_err_set(err, EINVAL,
					  "option '%s' requires an argument",
					  name);
		if (arg[n] == '=' && optopt != 0)
			return sc_err_set(err, EINVAL,
					  "option '%s' doesn't allow an "
					  "argument",
					  name);
		return sc_err_set(err, EINVAL, "unrecognized option '%s'",
				  name);
	}
	if (optopt > 0x20 && optopt < 0x7f) {
		if (c == ':')
			return sc_err_set(err, EINVAL,
					  "option requires an argument -- '%c'",
					  optopt);
		return sc_err_set(err, EINVAL, "invalid option -- '%c'",
				  optopt);
	}
	return sc_err_set(err, EINVAL, "invalid option -- '\\x%02x'",
			  (unsigned)optopt & 0xffu);
}

static int cli_is_state_kw(const char *w)
{
	return strcmp(w, "state") == 0 || strcmp(w, "exclude") == 0 ||
	       strcmp(w, "excl") == 0;
}

/* The words after the options: `state NAME...` and `exclude NAME...`,
 * then the filter expression: the first word that is neither a keyword
 * nor (after a first state name) a state name starts it, as in ss. */
static int cli_words(int argc, char **argv, int i, struct cli_opts *o,
		     struct sc_err *err)
{
	int state_set = 0;

	while (i < argc) {
		const char *kw = argv[i];
		int exclude;
		int names = 0;

		if (strcmp(kw, "state") == 0) {
			exclude = 0;
		} else if (strcmp(kw, "exclude") == 0 ||
			   strcmp(kw, "excl") == 0) {
			exclude = 1;
		} else {
			o->filter = argv + i;
			o->nfilter = (size_t)(argc - i);
			return 0;
		}
		i++;
		if (!state_set) {
			o->query.states = exclude ? STATE_SET_ALL : 0;
			state_set = 1;
		}
		while (i < argc && !cli_is_state_kw(argv[i])) {
			unsigned set = state_lookup(argv[i]);

			if (set == 0 && names > 0)
				break; /* the filter expression */
			if (set == 0)
				return sc_err_set(err, EINVAL,
						  "unknown state '%s'",
						  argv[i]);
			if (exclude)
				o->query.states &= ~set;
			else
				o->query.states |= set;
			names++;
			i++;
		}
		if (names == 0)
			return sc_err_set(err, EINVAL,
					  "'%s' needs a state name", kw);
	}
	return 0;
}

/* -c, --events and -K: what each cannot be combined with. unix_asked:
 * -x was given. */
static int cli_check_live(const struct cli_opts *o, int unix_asked,
			  struct sc_err *err)
{
	if (o->yes && !o->kill)
		return sc_err_set(err, EINVAL,
				  "--yes confirms -K; use it with -K");
	if (o->events &&
	    (o->summary || o->count_by != NULL || o->output != NULL ||
	     o->sort != NULL || o->reverse || o->explain || o->info ||
	     o->mem || o->timers || o->extended || o->tui || o->kill ||
	     o->record_path != NULL || o->replay_path != NULL))
		return sc_err_set(err, EINVAL,
				  "--events prints one line per event; it "
				  "cannot be combined with -s, -e, -i, -m, -o, "
				  "-K, --count-by, --output, --sort, "
				  "--reverse, --explain, --tui, --record or "
				  "--replay");
	if (o->continuous_ns != 0 && !o->events &&
	    (o->tui || o->kill || o->record_path != NULL ||
	     o->replay_path != NULL))
		return sc_err_set(err, EINVAL,
				  "-c lists the live sockets again and again; "
				  "it cannot be combined with --tui, -K, "
				  "--record or --replay");
	if (o->kill &&
	    (o->summary || o->count_by != NULL || o->tui ||
	     o->replay_path != NULL || o->backend == COLLECT_BACKEND_PROC))
		return sc_err_set(err, EINVAL,
				  "-K closes live sockets found through "
				  "sock_diag; it cannot be combined with -s, "
				  "--count-by, --tui, --replay or "
				  "--backend=proc");
	if (o->kill && unix_asked)
		return sc_err_set(err, EINVAL,
				  "-K closes TCP and UDP sockets; Unix sockets "
				  "cannot be closed from outside (drop -x)");
	return 0;
}

int cli_parse(int argc, char **argv, struct cli_opts *o, struct sc_err *err)
{
	unsigned netids = 0, families = 0;
	int all = 0, listening = 0;
	int c;

	memset(o, 0, sizeof(*o));
	o->backend = COLLECT_BACKEND_AUTO;
	optind = 0; /* full reset: cli_parse may run more than once */
	opterr = 0;
	for (;;) {
		int prev = optind > 0 ? optind : 1;

		c = getopt_long(argc, argv, cli_short_opts, cli_long_opts, NULL);
		if (c == -1)
			break;
		switch (c) {
		case 't': netids |= SOCK_NETID_BIT(SOCK_NETID_TCP); break;
		case 'u': netids |= SOCK_NETID_BIT(SOCK_NETID_UDP); break;
		case 'x': netids |= SOCK_NETIDS_UNIX; break;
		case '4': families |= COLLECT_AF_INET; break;
		case '6': families |= COLLECT_AF_INET6; break;
		case 'l': listening = 1; break;
		case 'a': all = 1; break;
		case 'n': o->numeric = 1; break;
		case 'r': o->resolve = 1; break;
		case 'H': o->no_header = 1; break;
		case 'p': o->processes = 1; break;
		case 'e': o->extended = 1; break;
		case 'i': o->info = 1; break;
		case 'm': o->mem = 1; break;
		case 'o': o->timers = 1; break;
		case 's': o->summary = 1; break;
		case 'J':
			if (cli_json_arg(optarg, &o->json, err) < 0)
				return -1;
			break;
		case OPT_OUTPUT:
			o->output = optarg;
			if (strcmp(optarg, "help") == 0) {
				o->action = CLI_OUTPUT_HELP;
				return 0;
			}
			break;
		case OPT_SORT: o->sort = optarg; break;
		case OPT_REVERSE: o->reverse = 1; break;
		case OPT_COUNT_BY: o->count_by = optarg; break;
		case OPT_COLOR:
			if (cli_color_arg(optarg, &o->color, err) < 0)
				return -1;
			break;
		case OPT_EXPLAIN: o->explain = 1; break;
		case OPT_TUI: o->tui = 1; break;
		case 'd': {
			uint64_t ds;

			if (parse_u64(optarg, 1, 36000, "-d/--delay", &ds,
				      err) < 0)
				return -1;
			o->delay_ds = (unsigned)ds;
			break;
		}
		case 'c':
			/* a bare number is seconds, as netstat -c's */
			o->continuous_ns = 1000000000u;
			if (optarg != NULL &&
			    parse_duration_ns(optarg, 1000000000u,
					      86400ull * 1000000000u,
					      "-c/--continuous",
					      &o->continuous_ns, err) < 0)
				return -1;
			if (o->continuous_ns < 10000000u)
				return sc_err_set(err, EINVAL,
						  "-c/--continuous: the interval "
						  "must be at least 10ms");
			break;
		case OPT_EVENTS: o->events = 1; break;
		case 'K': o->kill = 1; break;
		case OPT_YES: o->yes = 1; break;
		case 'h': o->action = CLI_HELP; return 0;
		case 'V': o->action = CLI_VERSION; return 0;
		case OPT_BACKEND:
			if (cli_backend(optarg, &o->backend, err) < 0)
				return -1;
			break;
		case 'N': o->netns = optarg; break;
		case OPT_ALL_NETNS: o->all_netns = 1; break;
		case OPT_RECORD: o->record_path = optarg; break;
		case OPT_REPLAY: o->replay_path = optarg; break;
		case ':':
		case '?':
		default:
			return cli_opt_error(argc, argv, c, prev, err);
		}
	}
	if (o->record_path != NULL && o->replay_path != NULL)
		return sc_err_set(err, EINVAL,
				  "--record and --replay cannot be combined");
	if (o->netns != NULL && o->all_netns)
		return sc_err_set(err, EINVAL,
				  "-N lists one network namespace, "
				  "--all-netns every one: choose one");
	if ((o->netns != NULL || o->all_netns) && o->replay_path != NULL)
		return sc_err_set(err, EINVAL,
				  "--replay shows recorded sockets; it cannot "
				  "be combined with %s",
				  o->all_netns ? "--all-netns" : "-N");
	if (o->all_netns && o->record_path != NULL)
		return sc_err_set(err, EINVAL,
				  "--record saves one namespace's answers; "
				  "use -N NS to record another namespace");
	if (o->replay_path != NULL && o->backend == COLLECT_BACKEND_PROC)
		return sc_err_set(err, EINVAL,
				  "--replay reads netlink answers; it cannot "
				  "be combined with --backend=proc");
	if (o->replay_path != NULL && o->processes)
		return sc_err_set(err, EINVAL,
				  "--replay shows recorded sockets; -p reads "
				  "this machine's processes and cannot be "
				  "combined with it");
	if (o->summary && (o->count_by != NULL || o->output != NULL))
		return sc_err_set(err, EINVAL,
				  "-s prints a summary; it cannot be combined "
				  "with --count-by or --output");
	if (o->explain && (o->summary || o->count_by != NULL))
		return sc_err_set(err, EINVAL,
				  "--explain explains a listing; it cannot be "
				  "combined with -s or --count-by");
	if (o->count_by != NULL && o->output != NULL)
		return sc_err_set(err, EINVAL,
				  "--count-by prints counts; it cannot be "
				  "combined with --output");
	if (o->json != CLI_JSON_NONE && o->output != NULL)
		return sc_err_set(err, EINVAL,
				  "--json writes every field; it cannot be "
				  "combined with --output");
	if (o->record_path != NULL && o->backend == COLLECT_BACKEND_PROC)
		return sc_err_set(err, EINVAL,
				  "--record saves netlink answers; it cannot "
				  "be combined with --backend=proc");
	if (o->tui && (o->summary || o->count_by != NULL ||
		       o->json != CLI_JSON_NONE || o->explain ||
		       o->record_path != NULL || o->replay_path != NULL))
		return sc_err_set(err, EINVAL,
				  "the TUI shows the live sockets; it cannot "
				  "be combined with -s, --count-by, --json, "
				  "--explain, --record or --replay");
	if (o->delay_ds != 0 && !o->tui)
		return sc_err_set(err, EINVAL,
				  "-d sets the TUI's refresh interval; use it "
				  "with --tui or 'sockscope tui'");

	if (cli_check_live(o, (netids & SOCK_NETIDS_UNIX) != 0, err) < 0)
		return -1;

	/* -4/-6 alone mean the inet tables, as in ss; so does -K, which
	 * can close nothing else. */
	if (netids == 0)
		netids = families || o->kill ? SOCK_NETIDS_INET
					     : SOCK_NETIDS_ALL;
	if (families == 0)
		families = COLLECT_AF_INET | COLLECT_AF_INET6;
	o->query.netids = netids;
	o->query.families = families;
	/* the TUI and the events follow sockets through every state by
	 * default */
	if (all || ((o->tui || o->events) && !listening))
		o->query.states = STATE_SET_ALL;
	else if (listening)
		o->query.states = STATE_SET_LISTENING;
	else
		o->query.states = STATE_SET_DEFAULT;
	return cli_words(argc, argv, optind, o, err);
}

void cli_usage(struct obuf *out)
{
	obuf_puts(out,
"Usage: sockscope [OPTION]... [state STATE...]... [exclude STATE...]...\n"
"                 [FILTER]\n"
"   or: sockscope COMMAND [ARGUMENT]...\n"
"List TCP, UDP and Unix domain sockets from the kernel, as ss(8) does.\n"
"\n"
"Socket selection:\n"
"  -t, --tcp            TCP sockets\n"
"  -u, --udp            UDP sockets\n"
"  -x, --unix           Unix domain sockets (stream, dgram, seqpacket)\n"
"  -4, --ipv4           only IPv4 (TCP and UDP)\n"
"  -6, --ipv6           only IPv6 (TCP and UDP)\n"
"  -l, --listening      only listening sockets (and unconnected ones)\n"
"  -a, --all            sockets in every state\n"
"\n"
"Output:\n"
"  -n, --numeric        do not resolve service names\n"
"  -r, --resolve        resolve host names\n"
"  -H, --no-header      suppress the header line\n"
"  -p, --processes      show the processes that hold each socket, and\n"
"                       those at the other end of a Unix connection\n"
"  -e, --extended       show uid, user, inode and cookie; for Unix\n"
"                       sockets the socket file (ok, replaced, missing),\n"
"                       its mode, owner and group, and the peer's name\n"
"  -o, --options        show TCP timers: timer:(name,time left,count)\n"
"  -i, --info           show TCP internals (rtt, cwnd, ssthresh, bytes,\n"
"                       delivery rate, congestion control, ...)\n"
"  -m, --memory         show socket memory: skmem:(r,rb,t,tb,f,w,o,bl,d)\n"
"  -J, --json[=lines]   JSON: one document, or one object per line\n"
"      --output=COLS    these columns, in this order (comma-separated);\n"
"                       --output=help lists them\n"
"      --sort=KEYS      order the rows by these fields (comma-separated)\n"
"      --reverse        reverse the order\n"
"      --color[=WHEN]   colour states and headers: auto (default: on a\n"
"                       terminal unless NO_COLOR is set), always, never\n"
"      --explain        after the list, explain each state it shows\n"
"\n"
"Live view:\n"
"      --tui            show the sockets live, refreshed (as sockscope tui);\n"
"                       every state unless -l or state words say otherwise\n"
"  -d, --delay=TENTHS   refresh every TENTHS of a second (default 10)\n"
"  -c, --continuous[=SECS]\n"
"                       list again every SECS (default 1; 0.5, 250ms),\n"
"                       a blank line between listings, as netstat -c\n"
"      --events         one line per socket born, changed state or died\n"
"                       (JSON Lines with --json), every -c interval\n"
"                       (default 1s); every state unless -l or state words\n"
"\n"
"Closing sockets:\n"
"  -K, --kill           close the matching TCP and UDP sockets, as ss -K;\n"
"                       without --yes only lists them (a dry run)\n"
"      --yes            with -K: close them (needs CAP_NET_ADMIN)\n"
"\n"
"Counting:\n"
"  -s, --summary        counts per protocol and TCP state, as ss -s\n"
"      --count-by=KEYS  count the sockets per value of these fields,\n"
"                       e.g. state,comm or dport or user\n"
"\n"
"Network namespaces:\n"
"  -N, --netns=NS       the sockets of network namespace NS: a name under\n"
"                       /var/run/netns, a process's pid, or an nsfs path\n"
"      --all-netns      every network namespace on the host (found through\n"
"                       the processes and /var/run/netns), with Netns and\n"
"                       Container columns\n"
"\n"
"Data source:\n"
"      --backend=KIND   auto (sock_diag, /proc/net where it is missing),\n"
"                       netlink or proc\n"
"      --record=FILE    save the kernel's raw netlink answers to FILE\n"
"      --replay=FILE    read netlink answers from FILE, not the kernel\n"
"\n"
"  -h, --help           show this help and exit\n"
"  -V, --version        show version information and exit\n"
"\n"
"STATE: established, syn-sent, syn-recv, fin-wait-1, fin-wait-2,\n"
"  time-wait, closed, close-wait, last-ack, listening, closing, or a\n"
"  group: all, connected, synchronized, bucket, big.\n"
"Without -a or -l, listening, unconnected, TIME-WAIT and SYN-RECV\n"
"sockets are left out, as in ss.\n"
"FILTER: ss's expressions (sport = :8080, dport >= :1024, src 10.0.0.0/8,\n"
"  dst [::1], src unix:/run/*.sock) joined with and, or, not and ( ),\n"
"  plus pid, comm, uid, user, path, peer_comm, inode, netns and\n"
"  container, e.g.\n"
"  sockscope -tp 'comm = nginx and not dport = :443'\n"
"Without root, other users' processes cannot be seen: their sockets are\n"
"shown with owner 'unknown' and counted on standard error.\n"
"\n");
	obuf_puts(out, "Commands ('sockscope COMMAND --help' describes each):\n");
	for (const struct cmd_entry *const *c = cmd_all(); *c != NULL; c++) {
		char line[128];
		int n = snprintf(line, sizeof line, "  %-19s%s\n", (*c)->name,
				 (*c)->summary);

		if (n > 0)
			obuf_put(out, line, strnlen(line, sizeof line));
	}
	obuf_puts(out,
"\n"
"Exit status: 0 success, 1 failure, 2 usage error, 3 listing incomplete.\n"
"Full documentation: sockscope(8).\n");
}

void cli_version(struct obuf *out)
{
	obuf_puts(out,
		  PACKAGE_NAME " " PACKAGE_VERSION "\n"
		  "Copyright (C) 2026 the sockscope authors.\n"
		  "License GPLv2+: GNU GPL version 2 or later "
		  "<https://gnu.org/licenses/gpl.html>.\n"
		  "This is free software: you are free to change and "
		  "redistribute it.\n"
		  "There is NO WARRANTY, to the extent permitted by law.\n");
}
