/* events.h - sockscope --events: one line (or JSON object) per socket
 * born, changed state or died, from successive snapshots and the kernel's
 * notifications of destroyed TCP and UDP sockets. */
#ifndef SOCKSCOPE_EVENTS_H
#define SOCKSCOPE_EVENTS_H

#include <stdint.h>

#include "collect/collect.h"
#include "collect/netns.h"
#include "filter/expr.h"
#include "output/addr.h"
#include "util/obuf.h"

struct events_opts {
	/* the selection: netids, families and the states events are shown
	 * for (every state is collected, to follow a socket through them) */
	struct collect_query query;
	struct collect_opts collect; /* backend, proc_root */
	/* -N, --all-netns (each event then names its namespace); labels are
	 * worked out here when the JSON or the filter needs them */
	struct netns_select netns;
	const struct expr *filter;   /* NULL: every socket */
	struct addr_ctx *addr;       /* for the text lines */
	unsigned esc_flags;
	int json;      /* JSON Lines */
	int processes; /* -p: the holders of each socket */
	uint64_t interval_ns;
};

/* Run until SIGINT or SIGTERM (exit status 0), a failure of the kernel
 * or of the output (1). Prints its own error lines. The first snapshot is
 * the baseline: the sockets in it are not reported. */
int events_run(const struct events_opts *o, struct obuf *out);

#endif
