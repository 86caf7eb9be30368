/* server.h - a single-threaded poll() server for one endpoint: "ping" is
 * answered "pong", "quit" makes the server close first, anything else is
 * echoed. Events (accepted, closed) go to a callback; it prints nothing. */
#ifndef SOCKSCOPE_SERVE_SERVER_H
#define SOCKSCOPE_SERVE_SERVER_H

#include "serve/endpoint.h"
#include "serve/unixbind.h"
#include "util/err.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

/* What one connection may have waiting for the peer to read. */
#define SERVER_BUF_SIZE (64 * 1024)

struct server_opts {
	unsigned max_conn; /* connections served at once */
	int backlog;       /* listen() backlog */
	/* Never accept() (datagram sockets: never read), so the queue fills. */
	bool no_accept;
	/* Allow an address that is not loopback. */
	bool allow_remote;
	uint64_t idle_timeout_ns; /* nothing received nor pending; 0: never */
	uint64_t io_timeout_ns;   /* replies not read by the peer; 0: never */
	struct ub_opts unix_opts; /* mode, group, temp dir of a socket file */
};

/* The defaults: 64 connections, backlog 128, 60 s idle, 10 s io. */
void server_opts_init(struct server_opts *o);

enum server_event_type {
	SERVER_EV_ACCEPTED,
	SERVER_EV_CLOSED,
};

enum server_close_why {
	SERVER_BY_PEER,
	SERVER_BY_SERVER,
	SERVER_IDLE_TIMEOUT,
	SERVER_IO_TIMEOUT,
};

/* "by peer", "by server", "idle timeout", "io timeout". */
const char *server_why_text(enum server_close_why why);

struct server_event {
	enum server_event_type type;
	enum server_close_why why; /* SERVER_EV_CLOSED */
	const struct sockaddr *local;
	socklen_t local_len;
	const struct sockaddr *peer;
	socklen_t peer_len;
	uint64_t inode; /* the connection's socket inode */
};

/* Returns 0 to go on; anything else stops server_run(), which then closes
 * the remaining connections without further events. */
typedef int (*server_event_fn)(void *ud, const struct server_event *ev);

struct server;

/* Make the socket, bind (Unix paths through ub_bind()) and listen. A non
 * loopback address is refused unless o->allow_remote. notes collects
 * what ub_bind() has to say (a stale socket removed). */
int server_open(struct server **out, const struct endpoint *ep,
		const struct server_opts *o, struct sc_warnings *notes,
		struct sc_err *err);

/* The bound address (the real port of "PORT 0", the made-up path). */
const struct sockaddr *server_address(const struct server *s,
				      socklen_t *len);

/* The listening (or datagram) socket's inode. */
uint64_t server_inode(const struct server *s);

/* Serve until stop_fd (a signalfd, a pipe...) is readable, which closes
 * every connection "by server" and returns 0; returns 1 when fn asked to
 * stop, -1 with err on a failure. stop_fd is not read. */
int server_run(struct server *s, int stop_fd, server_event_fn fn, void *ud,
	       struct sc_err *err);

/* Close everything; remove the socket file if it is still ours and the
 * private directory (notes say what was left alone). NULL is allowed. */
void server_free(struct server *s, struct sc_warnings *notes);

#endif
