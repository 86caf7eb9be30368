/* main.c - the entry point: the locale, SIGPIPE, and a command (serve,
 * connect, demo, bench, why) or the listing. The only place that exits. */
#include "config.h"

#include "cmd.h"
#include "listing.h"

#include <locale.h>
#include <signal.h>
#include <stddef.h>

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	/* A closed pipe is reported as a write error, not a silent death. */
	signal(SIGPIPE, SIG_IGN);

	if (argc > 1) {
		const struct cmd_entry *cmd = cmd_find(argv[1]);

		if (cmd != NULL)
			return cmd->run(argc - 1, argv + 1);
	}
	return listing_run(argc, argv);
}
