/* unix_diag.h - Unix domain sockets over sock_diag: the dump request and
 * the parse of one answer message into a socket record. */
#ifndef SOCKSCOPE_COLLECT_UNIX_DIAG_H
#define SOCKSCOPE_COLLECT_UNIX_DIAG_H

#include <stddef.h>

#include <linux/netlink.h>

#include "model/sock.h"

#define UNIX_DIAG_REQ_BUF 128

/* A dump request for the SOCK_STATE_BIT() set states; internals is a
 * COLLECT_INT_* set (COLLECT_INT_MEM asks for socket memory). */
struct nlmsghdr *unix_diag_build_req(void *buf, size_t cap, unsigned states,
				     unsigned internals);

/* Parse one unix_diag answer. rec->name points into the message. Returns
 * 0, or -1 if malformed (too short, unknown type or state, a name longer
 * than sun_path, an attribute shorter than its type needs). */
int unix_diag_parse(const struct nlmsghdr *nlh, struct sock_rec *rec);

#endif
