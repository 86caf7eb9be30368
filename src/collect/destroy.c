/* destroy.c - listen to the sock_diag destroy groups and parse what they
 * say with the inet_diag parser. */
#include "config.h"

#include "collect/destroy.h"
#include "collect/inet_diag.h"
#include "collect/nl.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>

/* Room for a burst of short-lived connections between two reads. */
#define DESTROY_RCVBUF (4 * 1024 * 1024)

static unsigned destroy_groups(const struct collect_query *q)
{
	unsigned g = 0;
	int v4 = (q->families & COLLECT_AF_INET) != 0;
	int v6 = (q->families & COLLECT_AF_INET6) != 0;
	int tcp = (q->netids & SOCK_NETID_BIT(SOCK_NETID_TCP)) != 0;
	int udp = (q->netids & SOCK_NETID_BIT(SOCK_NETID_UDP)) != 0;

	if (tcp && v4)
		g |= 1u << (SKNLGRP_INET_TCP_DESTROY - 1);
	if (udp && v4)
		g |= 1u << (SKNLGRP_INET_UDP_DESTROY - 1);
	if (tcp && v6)
		g |= 1u << (SKNLGRP_INET6_TCP_DESTROY - 1);
	if (udp && v6)
		g |= 1u << (SKNLGRP_INET6_UDP_DESTROY - 1);
	return g;
}

int destroy_open(struct destroy_sock *d, const struct collect_query *q,
		 struct sc_err *err)
{
	return destroy_open_in(d, q, NULL, 0, err);
}

int destroy_open_in(struct destroy_sock *d, const struct collect_query *q,
		    const struct netns_set *ns, size_t idx,
		    struct sc_err *err)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int size = DESTROY_RCVBUF;
	const int type = SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK;

	memset(d, 0, sizeof(*d));
	d->fd = -1;
	sa.nl_groups = destroy_groups(q);
	if (sa.nl_groups == 0)
		return 0;
	d->fd = netns_socket_in(ns, idx, AF_NETLINK, type, NETLINK_SOCK_DIAG,
				err);
	if (d->fd < 0)
		return -1;
	/* beyond rmem_max only with CAP_NET_ADMIN; the plain size is the
	 * fallback */
	if (setsockopt(d->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size,
		       sizeof(size)) < 0)
		(void)setsockopt(d->fd, SOL_SOCKET, SO_RCVBUF, &size,
				 sizeof(size));
	if (bind(d->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		close(d->fd);
		d->fd = -1;
		return sc_err_set(err, e,
				  "cannot join the sock_diag destroy groups: "
				  "%s",
				  strerror(e));
	}
	return 0;
}

void destroy_close(struct destroy_sock *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}

static int destroy_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **proto = data;

	if (mnl_attr_get_type(attr) == INET_DIAG_PROTOCOL) {
		if (mnl_attr_validate(attr, MNL_TYPE_U8) < 0)
			return MNL_CB_ERROR;
		*proto = attr;
	}
	return MNL_CB_OK;
}

int destroy_parse(const struct nlmsghdr *nlh, struct sock_rec *rec)
{
	const struct nlattr *proto = NULL;
	enum sock_netid netid;

	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
	    nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(struct inet_diag_msg))
		return -1;
	if (nl_attr_parse(nlh, sizeof(struct inet_diag_msg), destroy_attr_cb,
			  &proto) < 0 ||
	    proto == NULL)
		return -1;
	switch (mnl_attr_get_u8(proto)) {
	case IPPROTO_TCP:
		netid = SOCK_NETID_TCP;
		break;
	case IPPROTO_UDP:
		netid = SOCK_NETID_UDP;
		break;
	default:
		return -1;
	}
	return inet_diag_parse(nlh, netid, rec);
}

struct destroy_walk {
	destroy_cb cb;
	void *ud;
	size_t n;
	unsigned long bad;
};

static int destroy_msg(const struct nlmsghdr *nlh, void *ud)
{
	struct destroy_walk *w = ud;
	struct sock_rec r;

	if (destroy_parse(nlh, &r) < 0) {
		w->bad++;
		return 0;
	}
	w->n++;
	w->cb(w->ud, &r);
	return 0;
}

size_t destroy_parse_buf(const void *buf, size_t len, destroy_cb cb,
			 void *ud, unsigned long *malformed)
{
	struct destroy_walk dw = { .cb = cb, .ud = ud };
	struct nl_walk w = { 0 };

	/* notifications carry no sequence number and come from the kernel
	 * (port 0): nothing to check */
	(void)nl_walk_chunk(buf, len, &w, destroy_msg, &dw);
	*malformed += dw.bad + w.malformed;
	return dw.n;
}

int destroy_drain(struct destroy_sock *d, destroy_cb cb, void *ud,
		  struct sc_err *err)
{
	/* aligned for the message headers inside */
	_Static_assert(NL_RECV_BUF % 8 == 0, "buffer alignment");
	uint64_t buf[NL_RECV_BUF / 8];

	if (d->fd < 0)
		return 0;
	for (;;) {
		struct sockaddr_nl from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(d->fd, buf, sizeof(buf), MSG_TRUNC,
				     (struct sockaddr *)&from, &fl);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				d->lost++;
				continue;
			}
			return sc_err_set(err, errno,
					  "cannot read the sock_diag destroy "
					  "notifications: %s",
					  strerror(errno));
		}
		/* only the kernel speaks on these groups */
		if (from.nl_pid != 0)
			continue;
		if ((size_t)n > sizeof(buf)) {
			d->malformed++;
			continue;
		}
		destroy_parse_buf(buf, (size_t)n, cb, ud, &d->malformed);
	}
}
