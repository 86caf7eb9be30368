/* kill.c - SOCK_DESTROY requests and their acknowledgements. */
#include "config.h"

#include "collect/kill.h"
#include "collect/netns.h"
#include "util/xalloc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>

struct nlmsghdr *kill_build_req(void *buf, size_t cap,
				const struct sock_rec *r)
{
	struct inet_diag_req_v2 *req;
	void *extra;
	struct nlmsghdr *nlh;
	size_t alen = r->family == AF_INET ? 4 : 16;

	if ((r->family != AF_INET && r->family != AF_INET6) ||
	    (r->netid != SOCK_NETID_TCP && r->netid != SOCK_NETID_UDP))
		return NULL;
	nlh = nl_diag_dump_req(buf, cap, sizeof(*req), &extra);
	if (nlh == NULL)
		return NULL;
	nlh->nlmsg_type = SOCK_DESTROY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req = extra;
	req->sdiag_family = r->family;
	req->sdiag_protocol =
		r->netid == SOCK_NETID_TCP ? IPPROTO_TCP : IPPROTO_UDP;
	req->idiag_states = ~0u;
	req->id.idiag_sport = htons(r->sport);
	req->id.idiag_dport = htons(r->dport);
	memcpy(req->id.idiag_src, r->src, alen);
	memcpy(req->id.idiag_dst, r->dst, alen);
	req->id.idiag_if = r->ifindex;
	/* the cookie makes sure it is this socket, not a later one with the
	 * same addresses */
	req->id.idiag_cookie[0] = (uint32_t)r->cookie;
	req->id.idiag_cookie[1] = (uint32_t)(r->cookie >> 32);
	return nlh;
}

int kill_sock(struct nl_sock *nl, const struct sock_rec *r,
	      struct sc_err *err)
{
	uint64_t req[64];
	uint64_t buf[1024];
	struct nlmsghdr *nlh = kill_build_req(req, sizeof(req), r);

	if (nlh == NULL)
		return sc_err_set(err, EINVAL,
				  "only TCP and UDP sockets can be closed");
	if (nl_send(nl, nlh, err) < 0)
		return -1;
	for (;;) {
		struct nl_walk w = { .seq = nl->seq, .portid = nl->portid };
		ssize_t n = nl_recv(nl, buf, sizeof(buf), err);
		enum nl_walk_status st;

		if (n < 0)
			return -1;
		st = nl_walk_chunk(buf, (size_t)n, &w, NULL, NULL);
		if (st == NL_WALK_DONE)
			return 0;
		if (st == NL_WALK_ERROR)
			return sc_err_set(err, w.kernel_errno, "%s%s%s",
					  strerror(w.kernel_errno),
					  w.extack[0] != '\0' ? ": " : "",
					  w.extack);
	}
}

struct kill_walk {
	/* one sock_diag socket per namespace (SOCK_DESTROY names a socket
	 * within the namespace of the netlink socket it comes through):
	 * nl[0] alone without ns; opened when first needed */
	struct nl_sock *nl;
	unsigned char *tried;
	const struct netns_set *ns;
	int fatal;            /* EPERM or EOPNOTSUPP seen: try no more */
	unsigned long failed; /* other failures */
	struct sc_err first;  /* the first of those */
};

static void kill_failed(struct kill_walk *k, const struct sc_err *e)
{
	if (k->failed++ == 0)
		k->first = *e;
}

/* The socket for namespace idx; NULL (counted as failed) when it cannot
 * be had. */
static struct nl_sock *kill_nl(struct kill_walk *k, size_t idx)
{
	struct sc_err e = { 0 };
	int fd;

	if (k->nl[idx].mnl != NULL)
		return &k->nl[idx];
	if (k->tried[idx])
		goto unusable;
	k->tried[idx] = 1;
	fd = netns_socket_in(k->ns, idx, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
			     NETLINK_SOCK_DIAG, &e);
	if (fd >= 0 && nl_adopt(&k->nl[idx], fd, &e) == 0)
		return &k->nl[idx];
	kill_failed(k, &e);
	return NULL;
unusable:
	/* its other sockets fail alike: counted, the first error kept */
	k->failed++;
	return NULL;
}

static int kill_keep(void *ud, const struct sock_rec *r)
{
	struct kill_walk *k = ud;
	struct sc_err e = { 0 };
	size_t idx = k->ns != NULL ? r->netns : 0;
	struct nl_sock *nl;

	if (k->fatal != 0)
		return 0;
	if (k->ns != NULL && idx >= k->ns->n)
		return 0;
	nl = kill_nl(k, idx);
	if (nl == NULL)
		return 0;
	if (kill_sock(nl, r, &e) == 0)
		return 1;
	switch (e.code) {
	case ENOENT:
		break; /* closed meanwhile */
	case EOPNOTSUPP:
		if (r->state == SOCK_ST_TIME_WAIT) {
			/* a kernel that closes full sockets, not these */
			sc_err_set(&e, EOPNOTSUPP,
				   "this kernel cannot close TIME-WAIT "
				   "sockets");
			kill_failed(k, &e);
			break;
		}
		k->fatal = e.code;
		break;
	case EPERM:
		k->fatal = e.code;
		break;
	default:
		kill_failed(k, &e);
		break;
	}
	return 0;
}

int kill_view(struct rows_view *v, const struct netns_set *ns,
	      struct sc_err *err)
{
	struct kill_walk k = { .ns = ns };
	size_t n = ns != NULL ? ns->n : 1;

	if (v->n == 0)
		return 0;
	k.nl = xcalloc(n, sizeof(*k.nl));
	k.tried = xcalloc(n, 1);
	rows_view_filter(v, kill_keep, &k);
	for (size_t i = 0; i < n; i++)
		nl_close(&k.nl[i]);
	free(k.nl);
	free(k.tried);
	if (k.fatal == EOPNOTSUPP)
		return sc_err_set(err, EOPNOTSUPP,
				  "kernel lacks CONFIG_INET_DIAG_DESTROY: "
				  "cannot close sockets");
	if (k.fatal == EPERM)
		return sc_err_set(err, EPERM,
				  "closing sockets needs CAP_NET_ADMIN");
	if (k.failed > 0)
		return sc_err_set(err, k.first.code,
				  "%lu socket(s) could not be closed: %s",
				  k.failed, k.first.msg);
	return 0;
}
