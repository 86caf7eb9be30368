/* nl.h - the netlink layer: one wrapper for the sock_diag socket, and one
 * walk over a received buffer that decodes NLMSG_DONE, NLMSG_ERROR (with
 * extended ACK messages) and NLM_F_DUMP_INTR. The walk takes any bytes, so
 * recorded answers and fuzz input go through the same code as live ones. */
#ifndef SOCKSCOPE_COLLECT_NL_H
#define SOCKSCOPE_COLLECT_NL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/netlink.h>

#include "util/err.h"

/* A dump answer never exceeds 32 KiB per read (the kernel caps it); the
 * buffer is larger so that MSG_TRUNC means something is really wrong. */
#define NL_RECV_BUF (36 * 1024)

struct mnl_socket;

struct nl_sock {
	struct mnl_socket *mnl;
	uint32_t portid;
	uint32_t seq;
};

int nl_open(struct nl_sock *s, struct sc_err *err);
/* The same for fd, a NETLINK_SOCK_DIAG socket opened elsewhere (in
 * another network namespace); taken over, closed on failure. */
int nl_adopt(struct nl_sock *s, int fd, struct sc_err *err);
void nl_close(struct nl_sock *s);
/* Send a request; stamps nlmsg_seq with a fresh sequence number. */
int nl_send(struct nl_sock *s, struct nlmsghdr *req, struct sc_err *err);
/* Receive one datagram into buf. Returns its length, or -1 with err set;
 * err->code is EMSGSIZE if the datagram did not fit (MSG_TRUNC). */
ssize_t nl_recv(struct nl_sock *s, void *buf, size_t cap,
		struct sc_err *err);

enum nl_walk_status {
	NL_WALK_MORE = 0,   /* the dump goes on: read more */
	NL_WALK_DONE = 1,   /* NLMSG_DONE seen, without error */
	NL_WALK_ERROR = -1, /* the kernel answered an error (kernel_errno) */
	NL_WALK_STOP = -2,  /* the message callback asked to stop */
};

#define NL_EXTACK_MAX 256

struct nl_walk {
	uint32_t seq;    /* expected sequence number; 0: do not check */
	uint32_t portid; /* expected port id; 0: do not check */
	int interrupted; /* NLM_F_DUMP_INTR was seen */
	unsigned long malformed; /* messages or bytes that did not parse */
	unsigned long messages;  /* data messages handed to the callback */
	int kernel_errno;        /* from NLMSG_ERROR or NLMSG_DONE */
	int cb_ret;              /* the callback's value when it stopped */
	char extack[NL_EXTACK_MAX]; /* the kernel's extended ACK message */
};

/* Start a SOCK_DIAG_BY_FAMILY dump request in buf: the netlink header and
 * a zeroed family-specific header of extra_len bytes, returned in *extra.
 * Returns NULL if cap is too small. */
struct nlmsghdr *nl_diag_dump_req(void *buf, size_t cap, size_t extra_len,
				  void **extra);

/* Parse the attributes of a message from offset (the fixed header's size)
 * through cb, like mnl_attr_parse(), but strictly: an attribute shorter
 * than its header or longer than what remains makes it fail instead of
 * silently ending the walk. Returns 0, or -1 (malformed, or cb said
 * MNL_CB_ERROR). */
struct nlattr;
typedef int (*nl_attr_cb)(const struct nlattr *attr, void *data);
int nl_attr_parse(const struct nlmsghdr *nlh, unsigned offset, nl_attr_cb cb,
		  void *data);

/* Called for each data message; returns 0 to go on or < 0 to stop. */
typedef int (*nl_msg_cb)(const struct nlmsghdr *nlh, void *ud);

/* Walk len bytes of messages. A header that is truncated or claims more
 * bytes than remain ends the walk of this buffer (counted as malformed). */
enum nl_walk_status nl_walk_chunk(const void *buf, size_t len,
				  struct nl_walk *w, nl_msg_cb cb, void *ud);

#endif
