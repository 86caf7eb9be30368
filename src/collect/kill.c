/* kill.c - SOCK_DESTROY requests and their acknowledgements. */
#include "config.h"

#include "collect/kill.h"

#include <arpa/inet.h>
#include <errno.h>
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
	struct nl_sock nl;
	int fatal;            /* EPERM or EOPNOTSUPP seen: try no more */
	unsigned long failed; /* other failures */
	struct sc_err first;  /* the first of those */
};

static int kill_keep(void *ud, const struct sock_rec *r)
{
	struct kill_walk *k = ud;
	struct sc_err e = { 0 };

	if (k->fatal != 0)
		return 0;
	if (kill_sock(&k->nl, r, &e) == 0)
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
			if (k->failed++ == 0)
				k->first = e;
			break;
		}
		k->fatal = e.code;
		break;
	case EPERM:
		k->fatal = e.code;
		break;
	default:
		if (k->failed++ == 0)
			k->first = e;
		break;
	}
	return 0;
}

int kill_view(struct rows_view *v, struct sc_err *err)
{
	struct kill_walk k = { 0 };

	if (v->n == 0)
		return 0;
	if (nl_open(&k.nl, err) < 0) {
		v->n = 0;
		return -1;
	}
	rows_view_filter(v, kill_keep, &k);
	nl_close(&k.nl);
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
