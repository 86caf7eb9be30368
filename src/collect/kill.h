/* kill.h - close a TCP or UDP socket from outside, as ss -K does: a
 * SOCK_DESTROY request naming the socket by its addresses and cookie
 * (the kernel needs CONFIG_INET_DIAG_DESTROY, the caller CAP_NET_ADMIN). */
#ifndef SOCKSCOPE_COLLECT_KILL_H
#define SOCKSCOPE_COLLECT_KILL_H

#include <stddef.h>

#include <linux/netlink.h>

#include "collect/nl.h"
#include "model/rows.h"
#include "model/sock.h"
#include "util/err.h"

/* Build the request for r (tcp or udp, from sock_diag: with its cookie)
 * in buf. NULL if r is not an inet socket or cap is too small. */
struct nlmsghdr *kill_build_req(void *buf, size_t cap,
				const struct sock_rec *r);

/* Close r. Returns 0, or -1 with err set; err->code is the kernel's
 * errno: ENOENT (gone already, or another socket now has its addresses),
 * EOPNOTSUPP (no CONFIG_INET_DIAG_DESTROY, or a socket of a kind that
 * cannot be closed), EPERM (no CAP_NET_ADMIN). */
int kill_sock(struct nl_sock *nl, const struct sock_rec *r,
	      struct sc_err *err);

/* Close every socket of v; v keeps those closed (a socket gone already
 * is dropped silently). With ns (-N, --all-netns), each socket is closed
 * through a sock_diag socket of its own namespace (struct sock_rec.netns
 * indexes ns). The first EPERM or EOPNOTSUPP stops it: every other socket
 * would fail alike. Returns 0, or -1 with err set: EOPNOTSUPP ("kernel
 * lacks CONFIG_INET_DIAG_DESTROY"), EPERM ("closing sockets needs
 * CAP_NET_ADMIN"), or sockets that could not be closed, those of a
 * namespace that could not be entered among them (the others were). */
struct netns_set;
int kill_view(struct rows_view *v, const struct netns_set *ns,
	      struct sc_err *err);

#endif
