/* cmd_demo.c - sockscope demo: the options of the lifecycle demo. */
#include "config.h"

#include "cli.h"
#include "cmd.h"
#include "serve/demo.h"
#include "serve/demo_tui.h"
#include "util/escape.h"
#include "util/obuf.h"
#include "util/parse.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CMD_DEMO_TTY_STEP_NS 2000000000ull
#define CMD_DEMO_TUI_STEP_NS 6000000000ull
#define CMD_DEMO_SETTLE_NS 2000000000ull

static void cmd_demo_usage(struct obuf *out)
{
	obuf_puts(out,
"Usage: sockscope demo [tcp|unix] [OPTION]...\n"
"Watch the life of a connection: listen(), connect(), the accept queue,\n"
"accept() returning a new socket, data in the queues, close() and\n"
"TIME-WAIT. A server and a client process make the calls one at a time;\n"
"after each, the sockets are read back from the kernel and shown with\n"
"their real inodes, states, queues, timers and owners. Default: tcp.\n"
"On a terminal it runs in the live view: the demo's sockets refresh in\n"
"the table, each step is told below it and its sockets are marked\n"
"(s: the next step now, Space: pause, q: quit). Otherwise, or with\n"
"--text, it prints the timeline.\n"
"\n"
"  -6, --ipv6           TCP over ::1 rather than 127.0.0.1\n"
"      --port=PORT      the server's TCP port (default: a free one)\n"
"      --closer=WHO     who closes first: client (default) or server;\n"
"                       that side ends in TIME-WAIT\n"
"      --step=DURATION  pause after each step (default: 6s in the live\n"
"                       view, 2s for text on a terminal, none otherwise),\n"
"                       e.g. 500ms, 3s\n"
"      --text           print the timeline even on a terminal\n"
"      --color=WHEN     colours in the live view: auto (default: unless\n"
"                       NO_COLOR is set), always or never\n"
"      --wait           stay until the TIME-WAIT socket is gone (60 s)\n"
"  -h, --help           show this help and exit\n");
}

enum {
	CMD_DEMO_PORT = 256,
	CMD_DEMO_CLOSER,
	CMD_DEMO_STEP,
	CMD_DEMO_WAIT,
	CMD_DEMO_TEXT,
	CMD_DEMO_COLOR,
};

static const struct option cmd_demo_longopts[] = {
	{ "ipv6", no_argument, NULL, '6' },
	{ "port", required_argument, NULL, CMD_DEMO_PORT },
	{ "closer", required_argument, NULL, CMD_DEMO_CLOSER },
	{ "step", required_argument, NULL, CMD_DEMO_STEP },
	{ "wait", no_argument, NULL, CMD_DEMO_WAIT },
	{ "text", no_argument, NULL, CMD_DEMO_TEXT },
	{ "color", required_argument, NULL, CMD_DEMO_COLOR },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int cmd_demo_run(int argc, char **argv)
{
	struct demo_opts o = {
		.settle_ns = CMD_DEMO_SETTLE_NS,
		.proc_root = "/proc",
	};
	struct sc_err err = { 0 };
	struct obuf out;
	int step_given = 0, help = 0, text = 0, c, status;
	enum cli_color color = CLI_COLOR_AUTO;
	uint64_t v;

	optind = 0;
	opterr = 0;
	for (;;) {
		int prev = optind > 0 ? optind : 1;

		c = getopt_long(argc, argv, ":6h", cmd_demo_longopts, NULL);
		if (c == -1)
			break;
		switch (c) {
		case '6':
			o.ipv6 = 1;
			break;
		case CMD_DEMO_PORT:
			if (parse_u64(optarg, 1, 65535, "--port", &v, &err) < 0)
				return cmd_usage_error(&cmd_demo_entry, "%s",
						       err.msg);
			o.port = (uint16_t)v;
			break;
		case CMD_DEMO_CLOSER:
			if (strcmp(optarg, "client") == 0) {
				o.closer = DEMO_CLIENT_FIRST;
			} else if (strcmp(optarg, "server") == 0) {
				o.closer = DEMO_SERVER_FIRST;
			} else {
				cli_bad_value(&err, "--closer", optarg,
					      "client or server");
				return cmd_usage_error(&cmd_demo_entry, "%s",
						       err.msg);
			}
			break;
		case CMD_DEMO_STEP:
			if (parse_duration_ns(optarg, 1000000000ull,
					      3600ull * 1000000000ull, "--step",
					      &o.step_ns, &err) < 0)
				return cmd_usage_error(&cmd_demo_entry, "%s",
						       err.msg);
			step_given = 1;
			break;
		case CMD_DEMO_WAIT:
			o.wait_timewait = 1;
			break;
		case CMD_DEMO_TEXT:
			text = 1;
			break;
		case CMD_DEMO_COLOR:
			if (cli_color_arg(optarg, &color, &err) < 0)
				return cmd_usage_error(&cmd_demo_entry, "%s",
						       err.msg);
			break;
		case 'h':
			help = 1;
			break;
		default:
			return cmd_getopt_error(&cmd_demo_entry, argc, argv, c,
						prev);
		}
	}
	obuf_init(&out, STDOUT_FILENO);
	if (help) {
		cmd_demo_usage(&out);
		status = obuf_flush(&out) != 0 ? SC_EXIT_FAILURE : SC_EXIT_OK;
		obuf_free(&out);
		return status;
	}
	if (optind < argc) {
		if (strcmp(argv[optind], "tcp") == 0) {
			o.kind = DEMO_TCP;
		} else if (strcmp(argv[optind], "unix") == 0) {
			o.kind = DEMO_UNIX;
		} else {
			char esc[ESC_MAX(32)];

			esc_text(esc, argv[optind], strnlen(argv[optind], 32),
				 0, NULL);
			obuf_free(&out);
			return cmd_usage_error(&cmd_demo_entry,
					       "unknown demo '%s' (expected tcp "
					       "or unix)",
					       esc);
		}
		optind++;
	}
	if (optind < argc) {
		obuf_free(&out);
		return cmd_usage_error(&cmd_demo_entry,
				       "too many arguments");
	}
	if (o.kind == DEMO_UNIX && (o.ipv6 || o.port != 0)) {
		obuf_free(&out);
		return cmd_usage_error(&cmd_demo_entry,
				       "--ipv6 and --port apply to the tcp "
				       "demo only");
	}
	o.esc_flags = esc_locale_is_utf8() ? ESC_UTF8 : 0;
	status = SC_EXIT_OK;
	if (!text && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		const char *nc = getenv("NO_COLOR");

		int on = color == CLI_COLOR_ALWAYS ||
			 (color == CLI_COLOR_AUTO && (nc == NULL || nc[0] == '\0'));

		if (!step_given)
			o.step_ns = CMD_DEMO_TUI_STEP_NS;
		if (demo_tui_run(&o, on, &err) < 0)
			status = cmd_fail(&cmd_demo_entry, "%s", err.msg);
		obuf_free(&out);
		return status;
	}
	if (!step_given && isatty(STDOUT_FILENO))
		o.step_ns = CMD_DEMO_TTY_STEP_NS;
	if (demo_run(&o, &out, &err) < 0)
		status = cmd_fail(&cmd_demo_entry, "%s", err.msg);
	obuf_free(&out);
	return status;
}

const struct cmd_entry cmd_demo_entry = {
	.name = "demo",
	.synopsis = "[tcp|unix] [OPTION]...",
	.summary = "watch listen(), accept(), close() and TIME-WAIT happen",
	.run = cmd_demo_run,
};
