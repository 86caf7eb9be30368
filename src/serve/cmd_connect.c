/* cmd_connect.c - sockscope connect: a test client that opens connections
 * to one endpoint, pings, times the replies and closes with a chosen side
 * first, one stable line per event on stdout. */
#include "config.h"

#include "cmd.h"
#include "cli.h"
#include "serve/client.h"
#include "serve/endpoint.h"
#include "serve/epargs.h"
#include "util/escape.h"
#include "util/parse.h"
#include "util/stopfd.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum {
	CONNECT_OPT_INTERVAL = 256,
	CONNECT_OPT_COUNT,
	CONNECT_OPT_DURATION,
	CONNECT_OPT_CLOSER,
	CONNECT_OPT_TYPE,
	CONNECT_OPT_TIMEOUT,
};

static const struct option connect_long_opts[] = {
	{ "connections", required_argument, NULL, 'n' },
	{ "interval", required_argument, NULL, CONNECT_OPT_INTERVAL },
	{ "count", required_argument, NULL, CONNECT_OPT_COUNT },
	{ "duration", required_argument, NULL, CONNECT_OPT_DURATION },
	{ "closer", required_argument, NULL, CONNECT_OPT_CLOSER },
	{ "type", required_argument, NULL, CONNECT_OPT_TYPE },
	{ "timeout", required_argument, NULL, CONNECT_OPT_TIMEOUT },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const char connect_usage[] =
	"Usage: sockscope connect [OPTION]... KIND TARGET\n"
	"Open connections to a server (sockscope serve, or any echo server),\n"
	"send \"ping\" and time the replies, then close.\n"
	"\n"
	"KIND and TARGET:\n"
	"  tcp [ADDR:]PORT      ADDR: IPv4, [IPv6] or a host name (default\n"
	"  udp [ADDR:]PORT        127.0.0.1)\n"
	"  unix PATH|@NAME      a socket file or an abstract name\n"
	"\n"
	"Options:\n"
	"  -n, --connections=N    open N connections (default 1, at most "
	"1000)\n"
	"      --count=N          pings per connection (default 1; with\n"
	"                           --duration: until it ends)\n"
	"      --interval=DUR     time between pings (default 1s)\n"
	"      --duration=DUR     keep the connections open for DUR\n"
	"      --closer=SIDE      client (default): the client closes first,\n"
	"                           its side ends in TIME-WAIT; server: send\n"
	"                           \"quit\", the server closes first\n"
	"      --type=TYPE        unix socket type: stream (default), dgram,\n"
	"                           seqpacket\n"
	"      --timeout=DUR      for each connect and reply (default 5s)\n"
	"  -q, --quiet            print only the summary line\n"
	"  -h, --help             show this help and exit\n"
	"\n"
	"DUR is a number with ns, us, ms, s, m or h (seconds without one).\n"
	"Output, one line each: \"connected KIND LOCAL -> PEER inode N\",\n"
	"\"reply from PEER: TEXT in T us\", \"closed KIND LOCAL -> PEER inode N\n"
	"(client first|server first)\", then \"N connection(s), N ping(s),\n"
	"N reply(ies), rtt min/avg/max = A/B/C us\". The exit status is 1 if\n"
	"a connection failed or a reply was missed.\n";

struct connect_ctx {
	const struct endpoint *ep;
	unsigned esc_flags;
	bool quiet;
	int write_errno;
};

static int connect_line_end(struct connect_ctx *c)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		c->write_errno = errno ? errno : EIO;
		return -1;
	}
	return 0;
}

/* Nanoseconds as microseconds with three decimals. */
static void connect_us(char *out, size_t n, uint64_t ns)
{
	snprintf(out, n, "%" PRIu64 ".%03" PRIu64, ns / 1000, ns % 1000);
}

static int connect_event(void *ud, const struct client_event *ev)
{
	struct connect_ctx *c = ud;
	char local[EP_TEXT_MAX], peer[EP_TEXT_MAX];
	const char *kind = ep_kind_name(c->ep->kind);

	if (ev->type == CLIENT_EV_PROBLEM) {
		/* problems are already escaped */
		fflush(stdout);
		fprintf(stderr, "sockscope connect: %.*s\n", (int)ev->text_len,
			ev->text);
		return 0;
	}
	if (c->quiet)
		return 0;
	ep_addr_text(ev->peer, ev->peer_len, c->esc_flags, peer);
	switch (ev->type) {
	case CLIENT_EV_CONNECTED:
		ep_addr_text(ev->local, ev->local_len, c->esc_flags, local);
		printf("connected %s %s -> %s inode %" PRIu64 "\n", kind, local,
		       peer, ev->inode);
		break;
	case CLIENT_EV_REPLY: {
		char text[ESC_MAX(512)], us[32];
		size_t n = ev->text_len < 512 ? ev->text_len : 512;

		esc_text(text, ev->text, n, c->esc_flags | ESC_SPACE, NULL);
		connect_us(us, sizeof(us), ev->rtt_ns);
		printf("reply from %s: %s in %s us\n", peer, text, us);
		break;
	}
	case CLIENT_EV_CLOSED:
		ep_addr_text(ev->local, ev->local_len, c->esc_flags, local);
		printf("closed %s %s -> %s inode %" PRIu64 " (%s)\n", kind,
		       local, peer, ev->inode,
		       ev->server_first ? "server first" : "client first");
		break;
	case CLIENT_EV_PROBLEM:
		break;
	}
	return connect_line_end(c);
}

struct connect_args {
	struct client_opts co;
	const char *type;
	bool count_set;
	bool quiet;
	bool help;
};

/* Options into a; returns the index of the first operand, or -1 with the
 * usage error's status in *status. */
static int connect_parse(int argc, char **argv, struct connect_args *a,
			 int *status)
{
	struct sc_err err = { 0 };
	uint64_t v;
	int c;

	optind = 0;
	opterr = 0;
	for (;;) {
		int prev = optind > 0 ? optind : 1;

		c = getopt_long(argc, argv, ":n:qh", connect_long_opts, NULL);
		if (c == -1)
			break;
		switch (c) {
		case 'n':
			if (parse_u64(optarg, 1, CLIENT_MAX_CONNECTIONS,
				      "--connections", &v, &err) < 0)
				goto bad;
			a->co.connections = (unsigned)v;
			break;
		case CONNECT_OPT_COUNT:
			if (parse_u64(optarg, 0, UINT32_MAX, "--count", &v,
				      &err) < 0)
				goto bad;
			a->co.count = v;
			a->count_set = true;
			break;
		case CONNECT_OPT_INTERVAL:
			if (parse_duration_ns(optarg, 1000000000,
					      86400ull * 1000000000,
					      "--interval", &a->co.interval_ns,
					      &err) < 0)
				goto bad;
			break;
		case CONNECT_OPT_DURATION:
			if (parse_duration_ns(optarg, 1000000000,
					      366ull * 86400 * 1000000000,
					      "--duration", &a->co.duration_ns,
					      &err) < 0)
				goto bad;
			break;
		case CONNECT_OPT_TIMEOUT:
			if (parse_duration_ns(optarg, 1000000000,
					      3600ull * 1000000000,
					      "--timeout", &a->co.timeout_ns,
					      &err) < 0)
				goto bad;
			if (a->co.timeout_ns < 1000000) {
				*status = cmd_usage_error(
					&cmd_connect_entry,
					"--timeout must be at least 1ms");
				return -1;
			}
			break;
		case CONNECT_OPT_CLOSER:
			if (strcmp(optarg, "client") == 0) {
				a->co.closer = CLIENT_CLOSER_CLIENT;
			} else if (strcmp(optarg, "server") == 0) {
				a->co.closer = CLIENT_CLOSER_SERVER;
			} else {
				cli_bad_value(&err, "--closer", optarg,
					      "client or server");
				*status = cmd_usage_error(&cmd_connect_entry,
							  "%s", err.msg);
				return -1;
			}
			break;
		case CONNECT_OPT_TYPE:
			a->type = optarg;
			break;
		case 'q':
			a->quiet = true;
			break;
		case 'h':
			a->help = true;
			return optind;
		default:
			*status = cmd_getopt_error(&cmd_connect_entry, argc, argv,
						   c, prev);
			return -1;
		}
	}
	return optind;
bad:
	*status = cmd_usage_error(&cmd_connect_entry, "%s", err.msg);
	return -1;
}

static int connect_endpoint(int argc, char **argv, int first,
			    struct connect_args *a, struct endpoint *ep,
			    int *status)
{
	*status = epargs_parse(&cmd_connect_entry, argc, argv, first, a->type,
			       EP_FOR_CONNECT, ep);
	if (*status != 0)
		return -1;
	if (a->co.closer == CLIENT_CLOSER_SERVER && ep->type == SOCK_DGRAM) {
		*status = cmd_usage_error(&cmd_connect_entry,
					  "--closer=server needs a connection "
					  "(tcp, or unix stream or "
					  "seqpacket)");
		return -1;
	}
	if (!a->count_set)
		a->co.count = a->co.duration_ns != 0 ? CLIENT_COUNT_FOREVER : 1;
	return 0;
}

static void connect_summary(struct connect_ctx *ctx,
			    const struct client_stats *st)
{
	char mn[32], av[32], mx[32];

	if (st->replies == 0) {
		strcpy(mn, "-");
		strcpy(av, "-");
		strcpy(mx, "-");
	} else {
		connect_us(mn, sizeof(mn), st->rtt_min_ns);
		connect_us(av, sizeof(av), st->rtt_sum_ns / st->replies);
		connect_us(mx, sizeof(mx), st->rtt_max_ns);
	}
	printf("%lu connection(s), %lu ping(s), %lu reply(ies), "
	       "rtt min/avg/max = %s/%s/%s us\n",
	       st->connections, st->pings, st->replies, mn, av, mx);
	connect_line_end(ctx);
}

static const int connect_stop_signals[] = { SIGINT, SIGTERM, 0 };

static int cmd_connect_run(int argc, char **argv)
{
	struct connect_args a = { 0 };
	struct connect_ctx ctx = { 0 };
	struct client_stats st;
	struct sc_err err = { 0 };
	struct endpoint ep;
	struct stopfd stop;
	int first, status = SC_EXIT_OK, r;

	client_opts_init(&a.co);
	first = connect_parse(argc, argv, &a, &status);
	if (first < 0)
		return status;
	if (a.help) {
		fputs(connect_usage, stdout);
		return fflush(stdout) == 0 ? SC_EXIT_OK : SC_EXIT_FAILURE;
	}
	if (connect_endpoint(argc, argv, first, &a, &ep, &status) < 0)
		return status;
	ctx.ep = &ep;
	ctx.quiet = a.quiet;
	ctx.esc_flags = esc_locale_is_utf8() ? ESC_UTF8 : 0;

	/* SIGINT/SIGTERM end the pings early (read from a signalfd): the
	 * connections are still closed and the summary printed. */
	signal(SIGPIPE, SIG_IGN);
	if (stopfd_open(&stop, connect_stop_signals, &err) < 0)
		return cmd_fail(&cmd_connect_entry, "%s", err.msg);
	r = client_run(&ep, &a.co, stop.fd, connect_event, &ctx, &st, &err);
	if (r < 0)
		status = cmd_fail(&cmd_connect_entry, "%s", err.msg);
	else if (st.problems > 0)
		status = SC_EXIT_FAILURE;
	if (st.connections > 0 && ctx.write_errno == 0)
		connect_summary(&ctx, &st);
	if (ctx.write_errno != 0)
		status = cmd_fail(&cmd_connect_entry, "write error: %s",
				  strerror(ctx.write_errno));
	stopfd_close(&stop);
	return status;
}

const struct cmd_entry cmd_connect_entry = {
	.name = "connect",
	.synopsis = "[OPTION]... tcp|udp|unix TARGET",
	.summary = "connect to a server, ping it and time the replies",
	.run = cmd_connect_run,
};
