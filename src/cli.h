/* cli.h - the command line: ss-compatible options and the state filter
 * words, parsed into a context; usage and version text. */
#ifndef SOCKSCOPE_CLI_H
#define SOCKSCOPE_CLI_H

#include "collect/collect.h"
#include "util/err.h"
#include "util/obuf.h"

/* Exit statuses (documented in sockscope(8)). */
enum sc_exit {
	SC_EXIT_OK = 0,
	SC_EXIT_FAILURE = 1,    /* the kernel or the output failed */
	SC_EXIT_USAGE = 2,      /* bad option, state name or argument */
	SC_EXIT_INCOMPLETE = 3, /* listed, but a dump stayed inconsistent */
};

enum cli_action {
	CLI_LIST = 0,
	CLI_HELP,
	CLI_VERSION,
	CLI_OUTPUT_HELP, /* --output=help: list the fields */
};

enum cli_json {
	CLI_JSON_NONE = 0,
	CLI_JSON_DOCUMENT, /* -J, --json */
	CLI_JSON_LINES,    /* --json=lines */
};

enum cli_color {
	CLI_COLOR_AUTO = 0, /* on a terminal, unless NO_COLOR is set */
	CLI_COLOR_ALWAYS,
	CLI_COLOR_NEVER,
};

struct cli_opts {
	enum cli_action action;
	struct collect_query query;
	int numeric;
	int resolve;
	int no_header;
	int processes; /* -p */
	int extended;  /* -e */
	int info;      /* -i */
	int mem;       /* -m */
	int timers;    /* -o */
	int summary;   /* -s */
	int explain;   /* --explain */
	int reverse;   /* --reverse */
	enum cli_json json;
	enum cli_color color;
	const char *output;   /* --output=COLS */
	const char *sort;     /* --sort=KEYS */
	const char *count_by; /* --count-by=KEYS */
	/* the filter expression: the words after the options and the state
	 * words (parsed by filter/expr) */
	char *const *filter;
	size_t nfilter;
	enum collect_backend backend;
	const char *record_path;
	const char *replay_path;
	const char *netns; /* -N NAME|PID|PATH */
	int all_netns;     /* --all-netns */
	int tui;           /* --tui, or sockscope tui */
	unsigned delay_ds; /* -d: the TUI's refresh, in tenths of a second */
	uint64_t continuous_ns; /* -c: list again every so often (0: once) */
	int events;             /* --events */
	int kill;               /* -K */
	int yes;                /* --yes: -K closes, not a dry run */
};

/* Parse argv. Returns 0, or -1 with err holding one line that names what
 * is wrong (the caller adds the usage hint and exits SC_EXIT_USAGE). */
int cli_parse(int argc, char **argv, struct cli_opts *o, struct sc_err *err);

/* "invalid OPT 'VALUE' (expected EXPECTED)" into err, the value escaped
 * and cut to 64 bytes. Returns -1. */
int cli_bad_value(struct sc_err *err, const char *opt, const char *value,
		  const char *expected);
/* A --color value: NULL (the option alone) or "always"/"yes", "auto",
 * "never"/"no". Returns 0, or -1 with err set. */
int cli_color_arg(const char *s, enum cli_color *c, struct sc_err *err);

void cli_usage(struct obuf *out);
void cli_version(struct obuf *out);

#endif
