/* state.h - ss's state filter language: state names, groups and the
 * default set. */
#ifndef SOCKSCOPE_FILTER_STATE_H
#define SOCKSCOPE_FILTER_STATE_H

/* Sets of states are SOCK_STATE_BIT() masks. */
#define STATE_SET_ALL SOCK_STATES_ALL
/* Without -a or -l: connected sockets only, as in ss (no LISTEN, no
 * unconnected, no TIME-WAIT and no SYN-RECV). */
#define STATE_SET_DEFAULT                                                      \
	(STATE_SET_ALL &                                                       \
	 ~(SOCK_STATE_BIT(SOCK_ST_LISTEN) | SOCK_STATE_BIT(SOCK_ST_CLOSE) |   \
	   SOCK_STATE_BIT(SOCK_ST_TIME_WAIT) | SOCK_STATE_BIT(SOCK_ST_SYN_RECV)))
#define STATE_SET_LISTENING                                                    \
	(SOCK_STATE_BIT(SOCK_ST_LISTEN) | SOCK_STATE_BIT(SOCK_ST_CLOSE))

/* Look up a state name or group (case-insensitive): the ss names
 * (established, syn-sent, syn-recv, fin-wait-1, fin-wait-2, time-wait,
 * closed, unconnected, close-wait, last-ack, listening, closing), the
 * column spellings (estab, listen, unconn, ...) and the groups all,
 * connected, synchronized, bucket, big. Returns the set, or 0 if unknown. */
unsigned state_lookup(const char *name);

/* Writes the list of accepted names, for error messages and --help. */
const char *state_names_help(void);

#include "model/sock.h"

#endif
