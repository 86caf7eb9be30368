/* epargs.c - KIND TARGET and --type for serve and connect. */
#include "config.h"

#include "serve/epargs.h"

#include "util/escape.h"

#include <errno.h>
#include <string.h>

int epargs_parse(const struct cmd_entry *c, int argc, char **argv, int first,
		 const char *type, unsigned flags, struct endpoint *ep)
{
	struct sc_err err = { 0 };
	int n = argc - first;

	if (n < 1)
		return cmd_usage_error(c, "missing socket kind (tcp, udp or "
					  "unix)");
	if (n > 2) {
		char q[ESC_MAX(64)];

		esc_text(q, argv[first + 2], strnlen(argv[first + 2], 64), 0,
			 NULL);
		return cmd_usage_error(c, "unexpected argument '%s'", q);
	}
	if (ep_parse(ep, argv[first], n == 2 ? argv[first + 1] : NULL, flags,
		     &err) < 0)
		return err.code == EINVAL ? cmd_usage_error(c, "%s", err.msg) :
					    cmd_fail(c, "%s", err.msg);
	if (type != NULL) {
		if (ep->kind != EP_UNIX)
			return cmd_usage_error(c, "--type applies to unix "
						  "sockets only");
		if (ep_parse_type(type, &ep->type, &err) < 0)
			return cmd_usage_error(c, "%s", err.msg);
	}
	return 0;
}
