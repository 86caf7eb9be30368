/* inet_diag.h - TCP and UDP sockets over sock_diag: the dump request and
 * the parse of one answer message into a socket record. */
#ifndef SOCKSCOPE_COLLECT_INET_DIAG_H
#define SOCKSCOPE_COLLECT_INET_DIAG_H

#include <stddef.h>

#include <linux/netlink.h>

#include "model/sock.h"

#define INET_DIAG_REQ_BUF 256

/* Build a dump request for family (AF_INET/AF_INET6) and protocol
 * (IPPROTO_TCP/IPPROTO_UDP) limited to the given SOCK_STATE_BIT() set. */
struct nlmsghdr *inet_diag_build_req(void *buf, size_t cap, int family,
				     int protocol, unsigned states);

/* Parse one inet_diag answer. netid is SOCK_NETID_TCP or SOCK_NETID_UDP.
 * Returns 0, or -1 if the message is malformed (too short, bad family,
 * bad state, attribute that does not fit). */
int inet_diag_parse(const struct nlmsghdr *nlh, enum sock_netid netid,
		    struct sock_rec *rec);

#endif
