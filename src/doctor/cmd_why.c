/* cmd_why.c - sockscope why TARGET: explain why a connection to a Unix
 * socket or a TCP/UDP port fails, give the safe fix, and check it for real. */
#include "config.h"

#include "cmd.h"
#include "cli.h"
#include "doctor/ident.h"
#include "doctor/inetwhy.h"
#include "doctor/report.h"
#include "doctor/unixwhy.h"
#include "util/escape.h"
#include "util/obuf.h"
#include "util/parse.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum {
	WHY_OPT_TYPE = 256,
	WHY_OPT_USER,
	WHY_OPT_TIMEOUT,
};

static const struct option why_long_opts[] = {
	{ "type", required_argument, NULL, WHY_OPT_TYPE },
	{ "udp", no_argument, NULL, 'u' },
	{ "user", required_argument, NULL, WHY_OPT_USER },
	{ "timeout", required_argument, NULL, WHY_OPT_TIMEOUT },
	{ "json", no_argument, NULL, 'J' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const char why_usage[] =
	"Usage: sockscope why [OPTION]... TARGET\n"
	"Explain why a connection to TARGET fails, or confirm that it works:\n"
	"check each step the kernel takes, name the cause and the safe fix,\n"
	"then make a real connect() as the user and compare.\n"
	"\n"
	"TARGET:\n"
	"  PATH                a Unix socket file (unix://PATH too)\n"
	"  @NAME               an abstract Unix socket\n"
	"  HOST:PORT           a TCP port: HOST a name, an IPv4 address or\n"
	"                        [IPv6]; :PORT means localhost\n"
	"\n"
	"Options:\n"
	"      --type=TYPE     the client's Unix socket type: stream "
	"(default),\n"
	"                        dgram or seqpacket\n"
	"  -u, --udp           HOST:PORT is a UDP port (probed with a "
	"datagram)\n"
	"      --user=USER     judge for USER (a name or a uid; root only)\n"
	"      --timeout=DUR   how long the probe waits (default 3s)\n"
	"  -J, --json          the findings as one JSON document\n"
	"  -h, --help          show this help and exit\n"
	"\n"
	"DUR is a number with ns, us, ms, s, m or h (seconds without one).\n"
	"\n"
	"Exit status:\n"
	"  0  the connection works (the real connect() succeeded)\n"
	"  1  it fails (the diagnosis was printed), or the checks could not\n"
	"     be made\n"
	"  2  usage error\n";

struct why_args {
	const char *type;
	const char *user;
	bool udp;
	bool json;
	bool help;
	uint64_t timeout_ns;
};

/* Options into a; returns the index of the first operand, or -1 with
 * the usage error's status in *status. */
static int why_parse(int argc, char **argv, struct why_args *a, int *status)
{
	struct sc_err err = { 0 };
	int c;

	optind = 0;
	opterr = 0;
	for (;;) {
		int prev = optind > 0 ? optind : 1;

		c = getopt_long(argc, argv, ":uJh", why_long_opts, NULL);
		if (c == -1)
			break;
		switch (c) {
		case WHY_OPT_TYPE:
			a->type = optarg;
			break;
		case WHY_OPT_USER:
			a->user = optarg;
			break;
		case WHY_OPT_TIMEOUT:
			if (parse_duration_ns(optarg, 1000000000,
					      600ull * 1000000000, "--timeout",
					      &a->timeout_ns, &err) < 0) {
				*status = cmd_usage_error(&cmd_why_entry, "%s",
							  err.msg);
				return -1;
			}
			if (a->timeout_ns == 0) {
				*status = cmd_usage_error(&cmd_why_entry,
							  "--timeout must be "
							  "more than 0");
				return -1;
			}
			break;
		case 'u':
			a->udp = true;
			break;
		case 'J':
			a->json = true;
			break;
		case 'h':
			a->help = true;
			return optind;
		default:
			*status = cmd_getopt_error(&cmd_why_entry, argc, argv,
						   c, prev);
			return -1;
		}
	}
	return optind;
}

enum why_kind { WHY_UNIX, WHY_INET };

/* Unix or inet, and the target with a scheme ("unix://", "tcp://")
 * taken off. */
static enum why_kind why_classify(const char *t, const char **rest)
{
	static const char *const unix_schemes[] = { "unix://", "unix:" };
	static const char *const inet_schemes[] = { "tcp://", "udp://" };
	size_t n;

	for (size_t i = 0; i < 2; i++) {
		n = strlen(unix_schemes[i]);
		if (strncmp(t, unix_schemes[i], n) == 0 && t[n] != '\0') {
			*rest = t + n;
			return WHY_UNIX;
		}
		n = strlen(inet_schemes[i]);
		if (strncmp(t, inet_schemes[i], n) == 0) {
			*rest = t + n;
			return WHY_INET;
		}
	}
	*rest = t;
	if (t[0] == '@' || strchr(t, '/') != NULL)
		return WHY_UNIX;
	if (t[0] == '[' || t[0] == ':')
		return WHY_INET;
	/* HOST:PORT with a port of digits */
	{
		const char *colon = strrchr(t, ':');

		if (colon != NULL && colon[1] != '\0' &&
		    strspn(colon + 1, "0123456789") == strlen(colon + 1))
			return WHY_INET;
	}
	return WHY_UNIX;
}

static int why_type(const char *s, int *type)
{
	if (s == NULL || strcmp(s, "stream") == 0)
		*type = SOCK_STREAM;
	else if (strcmp(s, "dgram") == 0 || strcmp(s, "datagram") == 0)
		*type = SOCK_DGRAM;
	else if (strcmp(s, "seqpacket") == 0)
		*type = SOCK_SEQPACKET;
	else
		return -1;
	return 0;
}

static int why_output(const struct report *r, bool json)
{
	struct obuf out;
	int e;

	obuf_init(&out, STDOUT_FILENO);
	if (json)
		report_write_json(r, &out);
	else
		report_write_text(r, &out, esc_locale_is_utf8() ? ESC_UTF8 : 0);
	e = obuf_flush(&out);
	obuf_free(&out);
	if (e != 0) {
		cmd_fail(&cmd_why_entry, "write error: %s", strerror(e));
		return -1;
	}
	return 0;
}

static int cmd_why_run(int argc, char **argv)
{
	struct why_args a = { .timeout_ns = 3000000000ull };
	struct ident id;
	struct report r;
	struct sc_err err = { 0 };
	const char *target, *proc_root;
	char q[ESC_MAX(128)], name[IDENT_NAME_MAX];
	enum why_kind kind;
	int first, status = SC_EXIT_OK, type, rc;

	first = why_parse(argc, argv, &a, &status);
	if (first < 0)
		return status;
	if (a.help) {
		fputs(why_usage, stdout);
		return fflush(stdout) == 0 ? SC_EXIT_OK : SC_EXIT_FAILURE;
	}
	if (argc - first < 1)
		return cmd_usage_error(&cmd_why_entry, "missing target (a "
						       "socket path, @NAME or "
						       "HOST:PORT)");
	if (argc - first > 1) {
		esc_text(q, argv[first + 1], strnlen(argv[first + 1], 128), 0,
			 NULL);
		return cmd_usage_error(&cmd_why_entry,
				       "unexpected argument '%s'", q);
	}
	if (argv[first][0] == '\0')
		return cmd_usage_error(&cmd_why_entry, "empty target");
	kind = why_classify(argv[first], &target);
	if (why_type(a.type, &type) < 0) {
		esc_text(q, a.type, strnlen(a.type, 64), 0, NULL);
		return cmd_usage_error(&cmd_why_entry,
				       "invalid --type '%s' (expected stream, "
				       "dgram or seqpacket)",
				       q);
	}
	if (kind == WHY_UNIX && a.udp)
		return cmd_usage_error(&cmd_why_entry, "--udp applies to "
						       "HOST:PORT targets "
						       "only");
	if (kind == WHY_INET && a.type != NULL)
		return cmd_usage_error(&cmd_why_entry, "--type applies to Unix "
						       "sockets only");
	if (kind == WHY_INET) {
		char host[256];
		uint16_t port;

		if (inetwhy_split(target, host, sizeof(host), &port, &err) < 0)
			return cmd_usage_error(&cmd_why_entry, "%s", err.msg);
	}
	if (a.user != NULL) {
		if (geteuid() != 0)
			return cmd_usage_error(&cmd_why_entry, "--user needs "
							       "root (to read "
							       "what the user "
							       "can and to "
							       "connect as "
							       "them)");
		if (ident_user(&id, a.user, &err) < 0)
			return cmd_usage_error(&cmd_why_entry, "%s", err.msg);
	} else if (ident_self(&id, &err) < 0) {
		return cmd_fail(&cmd_why_entry, "%s", err.msg);
	}
	/* as the listing: tests may point at a fake /proc */
	proc_root = getenv("SOCKSCOPE_PROC_ROOT");
	if (proc_root == NULL)
		proc_root = "/proc";
	/* a server that closes on us must not kill the probe's parent */
	signal(SIGPIPE, SIG_IGN);
	report_init(&r, kind == WHY_UNIX ? "unix" : a.udp ? "udp" : "tcp");
	sbuf_puts(&r.target, argv[first]);
	sbuf_puts(&r.user, ident_display(&id, name, sizeof(name)));
	r.uid = id.uid;
	if (kind == WHY_UNIX) {
		struct unixwhy_opts uo = {
			.id = &id,
			.type = type,
			.switch_user = a.user != NULL && id.uid != geteuid(),
			.proc_root = proc_root,
		};

		rc = unixwhy_run(target, strlen(target), &uo, &r, &err);
	} else {
		struct inetwhy_opts io = {
			.id = &id,
			.udp = a.udp,
			.switch_user = a.user != NULL && id.uid != geteuid(),
			.proc_root = proc_root,
			.timeout_ns = a.timeout_ns,
		};

		rc = inetwhy_run(target, &io, &r, &err);
	}
	if (rc < 0) {
		status = cmd_fail(&cmd_why_entry, "%s", err.msg);
	} else if (why_output(&r, a.json) < 0) {
		status = SC_EXIT_FAILURE;
	} else {
		status = r.probed && r.probe_err == 0 ? SC_EXIT_OK
						      : SC_EXIT_FAILURE;
	}
	report_free(&r);
	ident_free(&id);
	return status;
}

const struct cmd_entry cmd_why_entry = {
	.name = "why",
	.synopsis = "[OPTION]... PATH|@NAME|HOST:PORT",
	.summary = "explain why a connect() fails, and the safe fix",
	.run = cmd_why_run,
};
