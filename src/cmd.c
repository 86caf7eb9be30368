/* cmd.c - the table of subcommands. */
#include "config.h"

#include "cmd.h"

#include "cli.h"
#include "util/escape.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct cmd_entry *const cmd_table[] = {
	&cmd_tui_entry,
	&cmd_serve_entry,
	&cmd_connect_entry,
	&cmd_demo_entry,
	&cmd_bench_entry,
	&cmd_why_entry,
	NULL,
};

const struct cmd_entry *cmd_find(const char *name)
{
	for (size_t i = 0; cmd_table[i] != NULL; i++)
		if (strcmp(cmd_table[i]->name, name) == 0)
			return cmd_table[i];
	return NULL;
}

const struct cmd_entry *const *cmd_all(void)
{
	return cmd_table;
}

static void cmd_vline(const struct cmd_entry *c, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void cmd_vline(const struct cmd_entry *c, const char *fmt, va_list ap)
{
	fprintf(stderr, "sockscope %s: ", c->name);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int cmd_usage_error(const struct cmd_entry *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cmd_vline(c, fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try 'sockscope %s --help' for more information.\n",
		c->name);
	return SC_EXIT_USAGE;
}

int cmd_fail(const struct cmd_entry *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cmd_vline(c, fmt, ap);
	va_end(ap);
	return SC_EXIT_FAILURE;
}

int cmd_getopt_error(const struct cmd_entry *c, int argc, char **argv,
		     int ch, int prev)
{
	int at = optind > prev ? optind - 1 : optind;
	const char *arg = at > 0 && at < argc ? argv[at] : "";
	char name[ESC_MAX(64)];

	/* a long option is named without its "=value" */
	if (strncmp(arg, "--", 2) == 0) {
		size_t n = strcspn(arg, "=");

		esc_text(name, arg, n < 64 ? n : 64, 0, NULL);
		if (ch == ':')
			return cmd_usage_error(c, "option '%s' requires an "
						  "argument",
					       name);
		/* getopt sets optopt for a known option given a value */
		if (arg[n] == '=' && optopt != 0)
			return cmd_usage_error(c, "option '%s' doesn't allow "
						  "an argument",
					       name);
		return cmd_usage_error(c, "unrecognized option '%s'", name);
	}
	{
		char opt = (char)optopt;

		esc_text(name, &opt, optopt > 0 ? 1 : 0, 0, NULL);
	}
	if (ch == ':')
		return cmd_usage_error(c, "option requires an argument -- '%s'",
				       name);
	return cmd_usage_error(c, "invalid option -- '%s'", name);
}
