/* cmd_tui.c - sockscope tui: the listing's options and filter, shown live
 * (the same as sockscope --tui). */
#include "config.h"

#include "cli.h"
#include "cmd.h"
#include "listing.h"
#include "util/obuf.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void cmd_tui_usage(struct obuf *out)
{
	obuf_puts(out,
"Usage: sockscope tui [OPTION]... [state STATE...]... [exclude STATE...]...\n"
"                     [FILTER]\n"
"Show the sockets live: new ones highlighted, closed ones kept dimmed for\n"
"a few refreshes, state changes flashed and logged in the event pane, a\n"
"tree of each listener's accepted connections; keys as in htop (F1 or ?\n"
"lists them). The same as sockscope --tui.\n"
"\n"
"Selection, as in the listing (default: sockets in every state):\n"
"  -t, --tcp  -u, --udp  -x, --unix  -4, --ipv4  -6, --ipv6\n"
"  -l, --listening      only listening sockets (and unconnected ones)\n"
"  -a, --all            sockets in every state\n"
"  state STATE..., exclude STATE..., and a FILTER expression as in the\n"
"  listing (the \\ key changes the filter while it runs)\n"
"\n"
"Display:\n"
"  -d, --delay=TENTHS   refresh every TENTHS of a second (default 10)\n"
"  -n, --numeric        do not resolve service names\n"
"  -r, --resolve        resolve host names\n"
"      --output=COLS    these columns (default: the listing's, and for\n"
"                       Unix sockets mode, owner and peer_process too)\n"
"      --sort=KEYS      sort by the first of these fields\n"
"      --reverse        reverse the order\n"
"      --color[=WHEN]   auto (default: unless NO_COLOR is set), always,\n"
"                       never (a monochrome screen)\n"
"      --backend=KIND   auto, netlink or proc\n"
"  -h, --help           show this help and exit\n");
}

static int cmd_tui_run(int argc, char **argv)
{
	/* getopt wants char *const *: writable copies of the two words */
	char prog[] = "sockscope", flag[] = "--tui";
	char **args;
	int r;

	/* -h anywhere before "--" is the TUI's own help, not the listing's */
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			struct obuf out;

			obuf_init(&out, STDOUT_FILENO);
			cmd_tui_usage(&out);
			r = obuf_flush(&out) != 0 ? SC_EXIT_FAILURE :
						    SC_EXIT_OK;
			obuf_free(&out);
			return r;
		}
	}
	args = xcalloc((size_t)argc + 2, sizeof *args);
	args[0] = prog;
	args[1] = flag;
	for (int i = 1; i < argc; i++)
		args[i + 1] = argv[i];
	r = listing_run(argc + 1, args);
	free(args);
	return r;
}

const struct cmd_entry cmd_tui_entry = {
	.name = "tui",
	.synopsis = "[OPTION]... [state STATE...]... [FILTER]",
	.summary = "show the sockets live, as they are born, change and die",
	.run = cmd_tui_run,
};
