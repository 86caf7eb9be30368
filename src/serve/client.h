/* client.h - the client behind sockscope connect: N connections to one
 * endpoint, "ping" every interval with round-trip times, and a chosen side
 * closing first. Events go to a callback; it prints nothing. */
#ifndef SOCKSCOPE_SERVE_CLIENT_H
#define SOCKSCOPE_SERVE_CLIENT_H

#include "serve/endpoint.h"
#include "util/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* The most connections one run opens. */
#define CLIENT_MAX_CONNECTIONS 1000
/* "count" without a limit (with a duration: ping until it ends). */
#define CLIENT_COUNT_FOREVER UINT64_MAX

enum client_closer {
	/* The client closes first: its side ends in TIME-WAIT (TCP). */
	CLIENT_CLOSER_CLIENT,
	/* The client sends "quit" and closes after the server's EOF: the
	 * server's side ends in TIME-WAIT. */
	CLIENT_CLOSER_SERVER,
};

struct client_opts {
	unsigned connections;
	uint64_t interval_ns; /* between two pings on a connection */
	uint64_t count;       /* pings per connection */
	uint64_t duration_ns; /* keep the connections this long; 0: no */
	enum client_closer closer;
	uint64_t timeout_ns;  /* for connect() and each reply */
};

/* The defaults: 1 connection, 1 ping, 1 s interval, 5 s timeout. */
void client_opts_init(struct client_opts *o);

enum client_event_type {
	CLIENT_EV_CONNECTED,
	CLIENT_EV_REPLY,   /* text, rtt_ns */
	CLIENT_EV_PROBLEM, /* text: what went wrong (a missed reply...) */
	CLIENT_EV_CLOSED,  /* server_first */
};

struct client_event {
	enum client_event_type type;
	const struct sockaddr *local;
	socklen_t local_len;
	const struct sockaddr *peer;
	socklen_t peer_len;
	uint64_t inode;
	/* REPLY: the reply without its line end, raw (escape before
	 * printing); PROBLEM: a message, already escaped. */
	const char *text;
	size_t text_len;
	uint64_t rtt_ns;
	bool server_first; /* CLOSED: the server closed its side first */
};

/* Returns 0 to go on; anything else stops client_run() at once (the
 * connections are closed without further events). */
typedef int (*client_event_fn)(void *ud, const struct client_event *ev);

struct client_stats {
	unsigned long connections; /* made */
	unsigned long pings;
	unsigned long replies;
	unsigned long problems; /* PROBLEM events */
	uint64_t rtt_min_ns, rtt_max_ns, rtt_sum_ns;
};

/* Connect, ping, close as o says. stop_fd (a signalfd...; -1 for none)
 * readable ends the pings early; the connections are then closed by the
 * client. Returns 0 (problems along the way are events, counted in st),
 * 1 when fn asked to stop, or -1 with err when a connection could not be
 * made (those already made are closed, with events). */
int client_run(const struct endpoint *ep, const struct client_opts *o,
	       int stop_fd, client_event_fn fn, void *ud,
	       struct client_stats *st, struct sc_err *err);

#endif
