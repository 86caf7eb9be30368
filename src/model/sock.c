/* sock.c - names for netids and states, in ss's spelling. */
#include "config.h"

#include "model/sock.h"

#include <sys/socket.h>

static const char *const sock_netid_names[SOCK_NETID_COUNT] = {
	[SOCK_NETID_UNIX_STREAM] = "u_str",
	[SOCK_NETID_UNIX_DGRAM] = "u_dgr",
	[SOCK_NETID_UNIX_SEQPACKET] = "u_seq",
	[SOCK_NETID_UDP] = "udp",
	[SOCK_NETID_TCP] = "tcp",
};

static const char *const sock_state_names[SOCK_ST_COUNT] = {
	[SOCK_ST_UNKNOWN] = "UNKNOWN",
	[SOCK_ST_ESTABLISHED] = "ESTAB",
	[SOCK_ST_SYN_SENT] = "SYN-SENT",
	[SOCK_ST_SYN_RECV] = "SYN-RECV",
	[SOCK_ST_FIN_WAIT1] = "FIN-WAIT-1",
	[SOCK_ST_FIN_WAIT2] = "FIN-WAIT-2",
	[SOCK_ST_TIME_WAIT] = "TIME-WAIT",
	[SOCK_ST_CLOSE] = "UNCONN",
	[SOCK_ST_CLOSE_WAIT] = "CLOSE-WAIT",
	[SOCK_ST_LAST_ACK] = "LAST-ACK",
	[SOCK_ST_LISTEN] = "LISTEN",
	[SOCK_ST_CLOSING] = "CLOSING",
};

const char *sock_netid_name(enum sock_netid id)
{
	if ((unsigned)id >= SOCK_NETID_COUNT)
		return "?";
	return sock_netid_names[id];
}

const char *sock_state_name(enum sock_state st)
{
	if ((unsigned)st >= SOCK_ST_COUNT)
		return "UNKNOWN";
	return sock_state_names[st];
}

enum sock_netid sock_netid_from_unix_type(unsigned type, int *ok)
{
	*ok = 1;
	switch (type) {
	case SOCK_STREAM:
		return SOCK_NETID_UNIX_STREAM;
	case SOCK_DGRAM:
		return SOCK_NETID_UNIX_DGRAM;
	case SOCK_SEQPACKET:
		return SOCK_NETID_UNIX_SEQPACKET;
	default:
		*ok = 0;
		return SOCK_NETID_UNIX_STREAM;
	}
}
