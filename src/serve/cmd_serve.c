/* cmd_serve.c - sockscope serve: a test server on one endpoint, with one
 * stable, machine-readable line per event on stdout. */
#include "config.h"

#include "cmd.h"
#include "cli.h"
#include "serve/endpoint.h"
#include "serve/epargs.h"
#include "serve/server.h"
#include "serve/unixbind.h"
#include "util/escape.h"
#include "util/parse.h"
#include "util/stopfd.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum {
	SERVE_OPT_TYPE = 256,
	SERVE_OPT_MODE,
	SERVE_OPT_GROUP,
	SERVE_OPT_ALLOW_REMOTE,
	SERVE_OPT_MAX_CONN,
	SERVE_OPT_BACKLOG,
	SERVE_OPT_NO_ACCEPT,
	SERVE_OPT_IDLE_TIMEOUT,
	SERVE_OPT_IO_TIMEOUT,
};

static const struct option serve_long_opts[] = {
	{ "type", required_argument, NULL, SERVE_OPT_TYPE },
	{ "mode", required_argument, NULL, SERVE_OPT_MODE },
	{ "group", required_argument, NULL, SERVE_OPT_GROUP },
	{ "allow-remote", no_argument, NULL, SERVE_OPT_ALLOW_REMOTE },
	{ "max-conn", required_argument, NULL, SERVE_OPT_MAX_CONN },
	{ "backlog", required_argument, NULL, SERVE_OPT_BACKLOG },
	{ "no-accept", no_argument, NULL, SERVE_OPT_NO_ACCEPT },
	{ "idle-timeout", required_argument, NULL, SERVE_OPT_IDLE_TIMEOUT },
	{ "io-timeout", required_argument, NULL, SERVE_OPT_IO_TIMEOUT },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const char serve_usage[] =
	"Usage: sockscope serve [OPTION]... KIND [TARGET]\n"
	"Run a test server: it answers \"ping\" with \"pong\", closes the\n"
	"connection first on \"quit\" and echoes anything else.\n"
	"\n"
	"KIND and TARGET:\n"
	"  tcp [ADDR:]PORT      ADDR: IPv4, [IPv6] or a host name (default\n"
	"  udp [ADDR:]PORT        127.0.0.1); PORT 0 picks a free port\n"
	"  unix [PATH|@NAME]    a socket file (default: serve.sock in a new\n"
	"                         private directory) or an abstract name\n"
	"\n"
	"Options:\n"
	"      --type=TYPE        unix socket type: stream (default), dgram,\n"
	"                           seqpacket\n"
	"      --mode=OCTAL       permissions of the socket file (e.g. 0660)\n"
	"      --group=NAME|GID   group of the socket file\n"
	"      --allow-remote     allow an address that is not loopback\n"
	"      --max-conn=N       serve at most N connections at once; the\n"
	"                           kernel queues the rest (default 64)\n"
	"      --backlog=N        listen backlog (default 128)\n"
	"      --no-accept        never accept (datagrams: never read), so\n"
	"                           the queue fills\n"
	"      --idle-timeout=DUR close a connection idle for DUR (default\n"
	"                           60s; 0: never)\n"
	"      --io-timeout=DUR   close a connection that leaves our replies\n"
	"                           unread for DUR (default 10s; 0: never)\n"
	"  -q, --quiet            print only the listening line\n"
	"  -h, --help             show this help and exit\n"
	"\n"
	"DUR is a number with ns, us, ms, s, m or h (seconds without one).\n"
	"Output, one line each: \"listening KIND ADDRESS inode N\", then\n"
	"\"accepted KIND LOCAL <- PEER inode N\" and \"closed KIND LOCAL <- PEER\n"
	"inode N (by peer|by server|idle timeout|io timeout)\".\n"
	"SIGINT, SIGTERM or SIGHUP stops the server and removes its socket\n"
	"file (and the private directory).\n";

struct serve_ctx {
	const struct endpoint *ep;
	unsigned esc_flags;
	bool quiet;
	int write_errno; /* stdout failed */
};

static int serve_line_end(struct serve_ctx *c)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		c->write_errno = errno ? errno : EIO;
		return -1;
	}
	return 0;
}

static int serve_event(void *ud, const struct server_event *ev)
{
	struct serve_ctx *c = ud;
	char local[EP_TEXT_MAX], peer[EP_TEXT_MAX];

	if (c->quiet)
		return 0;
	ep_addr_text(ev->local, ev->local_len, c->esc_flags, local);
	ep_addr_text(ev->peer, ev->peer_len, c->esc_flags, peer);
	if (ev->type == SERVER_EV_ACCEPTED)
		printf("accepted %s %s <- %s inode %llu\n",
		       ep_kind_name(c->ep->kind), local, peer,
		       (unsigned long long)ev->inode);
	else
		printf("closed %s %s <- %s inode %llu (%s)\n",
		       ep_kind_name(c->ep->kind), local, peer,
		       (unsigned long long)ev->inode,
		       server_why_text(ev->why));
	return serve_line_end(c);
}

static void serve_notes(const struct sc_warnings *w)
{
	for (unsigned i = 0; i < w->n; i++)
		fprintf(stderr, "sockscope serve: note: %s\n", w->msg[i]);
}

struct serve_args {
	struct server_opts so;
	const char *type;
	const char *mode;
	const char *group;
	bool quiet;
	bool help;
};

/* Options into a; returns -1 (with the usage error printed into *status)
 * or the index of the first operand. */
static int serve_parse(int argc, char **argv, struct serve_args *a,
		       int *status)
{
	struct sc_err err = { 0 };
	uint64_t v;
	int c;

	optind = 0;
	opterr = 0;
	for (;;) {
		int prev = optind > 0 ? optind : 1;

		c = getopt_long(argc, argv, ":qh", serve_long_opts, NULL);
		if (c == -1)
			break;
		switch (c) {
		case SERVE_OPT_TYPE:
			a->type = optarg;
			break;
		case SERVE_OPT_MODE:
			a->mode = optarg;
			break;
		case SERVE_OPT_GROUP:
			a->group = optarg;
			break;
		case SERVE_OPT_ALLOW_REMOTE:
			a->so.allow_remote = true;
			break;
		case SERVE_OPT_MAX_CONN:
			if (parse_u64(optarg, 1, 100000, "--max-conn", &v,
				      &err) < 0)
				goto bad;
			a->so.max_conn = (unsigned)v;
			break;
		case SERVE_OPT_BACKLOG:
			if (parse_u64(optarg, 0, 65535, "--backlog", &v,
				      &err) < 0)
				goto bad;
			a->so.backlog = (int)v;
			break;
		case SERVE_OPT_NO_ACCEPT:
			a->so.no_accept = true;
			break;
		case SERVE_OPT_IDLE_TIMEOUT:
			if (parse_duration_ns(optarg, 1000000000,
					      86400ull * 1000000000,
					      "--idle-timeout",
					      &a->so.idle_timeout_ns, &err) < 0)
				goto bad;
			break;
		case SERVE_OPT_IO_TIMEOUT:
			if (parse_duration_ns(optarg, 1000000000,
					      86400ull * 1000000000,
					      "--io-timeout",
					      &a->so.io_timeout_ns, &err) < 0)
				goto bad;
			break;
		case 'q':
			a->quiet = true;
			break;
		case 'h':
			a->help = true;
			return optind;
		default:
			*status = cmd_getopt_error(&cmd_serve_entry, argc, argv,
						   c, prev);
			return -1;
		}
	}
	return optind;
bad:
	*status = cmd_usage_error(&cmd_serve_entry, "%s", err.msg);
	return -1;
}

/* The endpoint and the Unix file options, checked against each other. */
static int serve_endpoint(int argc, char **argv, int first,
			  struct serve_args *a, struct endpoint *ep,
			  int *status)
{
	struct sc_err err = { 0 };

	*status = epargs_parse(&cmd_serve_entry, argc, argv, first, a->type,
			       0, ep);
	if (*status != 0)
		return -1;
	if ((a->mode != NULL || a->group != NULL) &&
	    (ep->kind != EP_UNIX || ep->abstract)) {
		*status = cmd_usage_error(&cmd_serve_entry,
					  "%s applies to a unix socket file "
					  "only",
					  a->mode != NULL ? "--mode"
							  : "--group");
		return -1;
	}
	if (a->mode != NULL) {
		if (ub_parse_mode(a->mode, &a->so.unix_opts.mode, &err) < 0)
			goto bad;
		a->so.unix_opts.has_mode = true;
	}
	if (a->group != NULL) {
		if (ub_parse_group(a->group, &a->so.unix_opts.gid, &err) < 0)
			goto bad;
		a->so.unix_opts.has_group = true;
	}
	return 0;
bad:
	*status = cmd_usage_error(&cmd_serve_entry, "%s", err.msg);
	return -1;
}

static int serve_listening_line(struct serve_ctx *ctx, struct server *srv)
{
	char addr[EP_TEXT_MAX];
	socklen_t len;
	const struct sockaddr *sa = server_address(srv, &len);

	ep_addr_text(sa, len, ctx->esc_flags, addr);
	printf("listening %s %s inode %llu\n", ep_kind_name(ctx->ep->kind),
	       addr, (unsigned long long)server_inode(srv));
	return serve_line_end(ctx);
}

static const int serve_stop_signals[] = { SIGINT, SIGTERM, SIGHUP, 0 };

static int cmd_serve_run(int argc, char **argv)
{
	struct serve_args a = { 0 };
	struct endpoint ep;
	struct serve_ctx ctx = { 0 };
	struct sc_warnings notes = { 0 };
	struct sc_err err = { 0 };
	struct server *srv = NULL;
	struct stopfd stop;
	int first, status = SC_EXIT_OK, r;

	server_opts_init(&a.so);
	first = serve_parse(argc, argv, &a, &status);
	if (first < 0)
		return status;
	if (a.help) {
		fputs(serve_usage, stdout);
		return fflush(stdout) == 0 ? SC_EXIT_OK : SC_EXIT_FAILURE;
	}
	if (serve_endpoint(argc, argv, first, &a, &ep, &status) < 0)
		return status;
	ctx.ep = &ep;
	ctx.quiet = a.quiet;
	ctx.esc_flags = esc_locale_is_utf8() ? ESC_UTF8 : 0;

	/* The signals are read from a signalfd in the server's poll(): no
	 * handler runs. They stay blocked from before bind() until the file
	 * is removed, so a stop cannot leave it behind. */
	signal(SIGPIPE, SIG_IGN);
	if (stopfd_open(&stop, serve_stop_signals, &err) < 0)
		return cmd_fail(&cmd_serve_entry, "%s", err.msg);
	if (server_open(&srv, &ep, &a.so, &notes, &err) < 0) {
		serve_notes(&notes);
		status = cmd_fail(&cmd_serve_entry, "%s", err.msg);
		goto out;
	}
	serve_notes(&notes);
	notes.n = 0;
	if (serve_listening_line(&ctx, srv) == 0) {
		r = server_run(srv, stop.fd, serve_event, &ctx, &err);
		if (r < 0)
			status = cmd_fail(&cmd_serve_entry, "%s", err.msg);
	}
	if (ctx.write_errno != 0)
		status = cmd_fail(&cmd_serve_entry, "write error: %s",
				  strerror(ctx.write_errno));
	server_free(srv, &notes);
	serve_notes(&notes);
out:
	stopfd_close(&stop);
	return status;
}

const struct cmd_entry cmd_serve_entry = {
	.name = "serve",
	.synopsis = "[OPTION]... tcp|udp|unix [TARGET]",
	.summary = "run a test server (ping/pong, echo) on one endpoint",
	.run = cmd_serve_run,
};
