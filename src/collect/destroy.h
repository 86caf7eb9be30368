/* destroy.h - the kernel's notifications of TCP and UDP sockets being
 * destroyed (the sock_diag multicast groups SKNLGRP_INET*_DESTROY): they
 * tell of sockets that lived and died between two snapshots. */
#ifndef SOCKSCOPE_COLLECT_DESTROY_H
#define SOCKSCOPE_COLLECT_DESTROY_H

#include <stddef.h>
#include <stdint.h>

#include <linux/netlink.h>

#include "collect/collect.h"
#include "collect/netns.h"
#include "model/sock.h"
#include "util/err.h"

struct destroy_sock {
	int fd; /* -1: closed */
	unsigned long lost; /* overruns: notifications the kernel dropped */
	unsigned long malformed;
};

/* Subscribe to the groups of the tcp/udp netids and families q selects
 * (none selected: returns 0 with fd -1). The kernel lets any user join
 * them (NL_CFG_F_NONROOT_RECV); a kernel without them refuses the bind.
 * Returns 0, or -1 with err set. */
int destroy_open(struct destroy_sock *d, const struct collect_query *q,
		 struct sc_err *err);

/* The same in namespace idx of ns (netns_socket_in): the groups carry
 * only the sockets of the namespace the socket was created in. ns NULL:
 * the caller's namespace. err->code EACCES/EPERM: it cannot be entered. */
int destroy_open_in(struct destroy_sock *d, const struct collect_query *q,
		    const struct netns_set *ns, size_t idx,
		    struct sc_err *err);
void destroy_close(struct destroy_sock *d);

/* Called with each destroyed socket; its borrowed pointers (tcp_info)
 * point into the receive buffer and are valid during the call only. */
typedef void (*destroy_cb)(void *ud, const struct sock_rec *r);

/* Read what is queued without blocking. Returns 0, or -1 with err set. A
 * receive queue overrun is counted in d->lost, not an error. */
int destroy_drain(struct destroy_sock *d, destroy_cb cb, void *ud,
		  struct sc_err *err);

/* Parse one notification datagram of len bytes: each message is an
 * inet_diag_msg with INET_DIAG_PROTOCOL naming tcp or udp. Returns the
 * sockets handed to cb; messages that do not parse are counted in
 * *malformed. */
size_t destroy_parse_buf(const void *buf, size_t len, destroy_cb cb,
			 void *ud, unsigned long *malformed);

/* One message. Returns 0, or -1 if it is not a well-formed destroy
 * notification of a tcp or udp socket. */
int destroy_parse(const struct nlmsghdr *nlh, struct sock_rec *rec);

#endif
