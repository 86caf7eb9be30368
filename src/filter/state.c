/* state.c - state names and groups of ss's STATE-FILTER. */
#include "config.h"

#include "filter/state.h"

#include <stddef.h>
#include <strings.h>

#define B(s) SOCK_STATE_BIT(SOCK_ST_##s)

#define STATE_CONNECTED (STATE_SET_ALL & ~(B(LISTEN) | B(CLOSE)))
#define STATE_BUCKET (B(SYN_RECV) | B(TIME_WAIT))

struct state_name {
	const char *name;
	unsigned set;
};

static const struct state_name state_names[] = {
	{ "established", B(ESTABLISHED) },
	{ "estab", B(ESTABLISHED) },
	{ "syn-sent", B(SYN_SENT) },
	{ "syn-recv", B(SYN_RECV) },
	{ "fin-wait-1", B(FIN_WAIT1) },
	{ "fin-wait-2", B(FIN_WAIT2) },
	{ "time-wait", B(TIME_WAIT) },
	{ "closed", B(CLOSE) },
	{ "unconnected", B(CLOSE) },
	{ "unconn", B(CLOSE) },
	{ "close-wait", B(CLOSE_WAIT) },
	{ "last-ack", B(LAST_ACK) },
	{ "listening", B(LISTEN) },
	{ "listen", B(LISTEN) },
	{ "closing", B(CLOSING) },
	{ "all", STATE_SET_ALL },
	{ "connected", STATE_CONNECTED },
	{ "synchronized", STATE_CONNECTED & ~B(SYN_SENT) },
	{ "bucket", STATE_BUCKET },
	{ "big", STATE_SET_ALL & ~STATE_BUCKET },
};

unsigned state_lookup(const char *name)
{
	for (size_t i = 0; i < sizeof(state_names) / sizeof(state_names[0]);
	     i++)
		if (strcasecmp(name, state_names[i].name) == 0)
			return state_names[i].set;
	return 0;
}

const char *state_names_help(void)
{
	return "established, syn-sent, syn-recv, fin-wait-1, fin-wait-2, "
	       "time-wait, closed, close-wait, last-ack, listening, closing, "
	       "all, connected, synchronized, bucket, big";
}
