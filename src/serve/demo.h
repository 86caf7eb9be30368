/* demo.h - the lifecycle demo: a server and a client process go through
 * listen(), connect(), accept(), data, close() and TIME-WAIT step by step,
 * and each step prints what the kernel shows of their sockets then. */
#ifndef SOCKSCOPE_SERVE_DEMO_H
#define SOCKSCOPE_SERVE_DEMO_H

#include "util/err.h"
#include "util/obuf.h"

#include <stdint.h>

enum demo_kind {
	DEMO_TCP = 0,
	DEMO_UNIX,
};

/* Who calls close() first: that side ends in TIME-WAIT (TCP). */
enum demo_closer {
	DEMO_CLIENT_FIRST = 0,
	DEMO_SERVER_FIRST,
};

struct demo_opts {
	enum demo_kind kind;
	enum demo_closer closer;
	int ipv6;               /* TCP over ::1 rather than 127.0.0.1 */
	uint16_t port;          /* TCP port; 0: a free one */
	uint64_t step_ns;       /* pause after each step */
	int wait_timewait;      /* stay until the TIME-WAIT socket is gone */
	uint64_t settle_ns;     /* how long a step waits for the kernel */
	const char *proc_root;  /* "/proc" unless redirected */
	unsigned esc_flags;     /* for esc_text() */
};

/* Run the demo, writing the timeline to out (flushed after each step).
 * Returns 0, or -1 with err set (a socket call failed, the kernel could
 * not be asked). The server and the client are child processes that are
 * gone when this returns. */
int demo_run(const struct demo_opts *o, struct obuf *out, struct sc_err *err);

#endif
