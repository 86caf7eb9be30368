/* cmd.h - the subcommands (tui, serve, connect, demo, bench, why): each is a const
 * entry with its name, synopsis and run function, as tmux's commands. */
#ifndef SOCKSCOPE_CMD_H
#define SOCKSCOPE_CMD_H

struct cmd_entry {
	const char *name;
	const char *synopsis; /* after "sockscope NAME", for the help text */
	const char *summary;  /* one line, for the help text */
	/* argv[0] is the subcommand's name. Returns an exit status (enum
	 * sc_exit): the command prints its own output and error lines; only
	 * main exits. */
	int (*run)(int argc, char **argv);
};

extern const struct cmd_entry cmd_serve_entry;
extern const struct cmd_entry cmd_connect_entry;
extern const struct cmd_entry cmd_bench_entry;
extern const struct cmd_entry cmd_demo_entry;
extern const struct cmd_entry cmd_why_entry;
extern const struct cmd_entry cmd_tui_entry;

/* Print "sockscope NAME: MESSAGE" and the --help hint on stderr; returns
 * SC_EXIT_USAGE. Untrusted text in the message must be escaped already. */
int cmd_usage_error(const struct cmd_entry *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Print "sockscope NAME: MESSAGE" on stderr; returns SC_EXIT_FAILURE. */
int cmd_fail(const struct cmd_entry *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The usage error for what getopt_long() rejected: ch is its ':' or '?'
 * and prev the optind before the call (the GNU wording, the long option
 * named without its value). Returns SC_EXIT_USAGE. Call it with opterr
 * 0 and a ':' leading the short options. */
int cmd_getopt_error(const struct cmd_entry *c, int argc, char **argv,
		     int ch, int prev);

/* The entry called NAME, or NULL. */
const struct cmd_entry *cmd_find(const char *name);

/* The entries in help order, NULL-terminated. */
const struct cmd_entry *const *cmd_all(void);

#endif
