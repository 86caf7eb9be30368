/* inet_diag.h - TCP and UDP sockets over sock_diag: the dump request and
 * the parse of one answer message into a socket record. */
#ifndef SOCKSCOPE_COLLECT_INET_DIAG_H
#define SOCKSCOPE_COLLECT_INET_DIAG_H

#include <stddef.h>

#include <linux/netlink.h>

#include "model/sock.h"

/* The longest kernel-side filter we send (INET_DIAG_REQ_BYTECODE). */
#define INET_DIAG_BC_MAX 4096
#define INET_DIAG_REQ_BUF (256 + INET_DIAG_BC_MAX)

/* What a dump asks the kernel for. */
struct inet_diag_want {
	unsigned states;    /* SOCK_STATE_BIT() set */
	unsigned internals; /* COLLECT_INT_* (collect.h): extensions */
	/* a filter program (filter/bytecode.h) or NULL */
	const unsigned char *bytecode;
	size_t bytecode_len; /* at most INET_DIAG_BC_MAX */
};

/* Build a dump request for family (AF_INET/AF_INET6) and protocol
 * (IPPROTO_TCP/IPPROTO_UDP). NULL if it does not fit in cap. */
struct nlmsghdr *inet_diag_build_req(void *buf, size_t cap, int family,
				     int protocol,
				     const struct inet_diag_want *w);

/* Build the one request that dumps the TCP sockets of both address
 * families in a single walk of the kernel's tables: TCPDIAG_GETSOCK, the
 * original interface's request (ss sends it when no family is given). Its
 * answers are the same inet_diag messages, each with its own family. The
 * bytecode must suit both families. NULL if it does not fit in cap. */
struct nlmsghdr *inet_diag_build_tcp_req(void *buf, size_t cap,
					 const struct inet_diag_want *w);

/* Parse one inet_diag answer. netid is SOCK_NETID_TCP or SOCK_NETID_UDP.
 * Returns 0, or -1 if the message is malformed (too short, bad family,
 * bad state, attribute that does not fit). */
int inet_diag_parse(const struct nlmsghdr *nlh, enum sock_netid netid,
		    struct sock_rec *rec);

#endif
