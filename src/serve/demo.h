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

/* A socket a step is about: its inode, or for a TIME-WAIT one (inode 0)
 * its cookie. */
struct demo_mark {
	uint64_t inode, cookie;
};

#define DEMO_MARKS_MAX 8

/* Where a narrated run (the TUI) takes the timeline instead of a file. */
struct demo_hooks {
	void *ud;
	/* A step's text so far (display text: names escaped; lines end in
	 * '\n') under its caption, the sockets it showed, and a filter
	 * expression that selects the demo's sockets. */
	void (*step)(void *ud, const char *caption, const char *text,
		     size_t len, const struct demo_mark *marks, size_t nmarks,
		     const char *filter);
	/* Wait ns: the pause at the end of a step (step_end set) or a
	 * moment while the kernel settles. Returns 0, or -1 when the user
	 * quit (the demo then stops, ECANCELED). */
	int (*wait)(void *ud, uint64_t ns, int step_end);
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
	const struct demo_hooks *hooks; /* NULL: the timeline goes to out */
};

/* Run the demo, writing the timeline to out (flushed after each step),
 * or handing each step to o->hooks (out is then NULL).
 * Returns 0, or -1 with err set (a socket call failed, the kernel could
 * not be asked). The server and the client are child processes that are
 * gone when this returns. */
int demo_run(const struct demo_opts *o, struct obuf *out, struct sc_err *err);

#endif
