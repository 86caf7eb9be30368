/* epargs.h - the KIND TARGET arguments and the --type option of the
 * commands that take an endpoint (serve, connect), checked into an
 * endpoint with the command's usage errors. */
#ifndef SOCKSCOPE_SERVE_EPARGS_H
#define SOCKSCOPE_SERVE_EPARGS_H

#include "cmd.h"
#include "serve/endpoint.h"

/* argv[first..argc) are KIND [TARGET]; type is --type's text or NULL;
 * flags are ep_parse()'s. Returns 0, or the exit status after printing
 * the error line: 2 for a malformed argument, 1 for a name that does not
 * resolve. */
int epargs_parse(const struct cmd_entry *c, int argc, char **argv, int first,
		 const char *type, unsigned flags, struct endpoint *ep);

#endif
