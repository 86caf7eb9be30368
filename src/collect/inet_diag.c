/* inet_diag.c - TCP and UDP sockets from sock_diag (NETLINK_SOCK_DIAG,
 * inet_diag_req_v2 / inet_diag_msg). */
#include "config.h"

#include "collect/inet_diag.h"
#include "collect/nl.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>

struct nlmsghdr *inet_diag_build_req(void *buf, size_t cap, int family,
				     int protocol, unsigned states)
{
	struct inet_diag_req_v2 *req;
	void *extra;
	struct nlmsghdr *nlh = nl_diag_dump_req(buf, cap, sizeof(*req), &extra);

	if (nlh == NULL)
		return NULL;
	req = extra;
	req->sdiag_family = (uint8_t)family;
	req->sdiag_protocol = (uint8_t)protocol;
	/* No extensions: the listing needs only the fixed message, and every
	 * extension costs kernel time per socket. */
	req->idiag_ext = 0;
	/* Request sockets (TCP_NEW_SYN_RECV, 12) are what ss shows as
	 * SYN-RECV; ask for them whenever SYN-RECV is wanted. */
	if (states & SOCK_STATE_BIT(SOCK_ST_SYN_RECV))
		states |= 1u << 12;
	req->idiag_states = states;
	return nlh;
}

static int inet_diag_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type == INET_DIAG_SKV6ONLY) {
		if (mnl_attr_validate(attr, MNL_TYPE_U8) < 0)
			return MNL_CB_ERROR;
		tb[type] = attr;
	}
	return MNL_CB_OK;
}

int inet_diag_parse(const struct nlmsghdr *nlh, enum sock_netid netid,
		    struct sock_rec *rec)
{
	const struct inet_diag_msg *m;
	const struct nlattr *tb[INET_DIAG_SKV6ONLY + 1] = { 0 };

	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*m))
		return -1;
	m = mnl_nlmsg_get_payload(nlh);
	if (m->idiag_family != AF_INET && m->idiag_family != AF_INET6)
		return -1;
	if (m->idiag_state == 0 || m->idiag_state >= SOCK_ST_COUNT) {
		/* TCP_NEW_SYN_RECV (12) is a request socket: ss shows it as
		 * SYN-RECV. */
		if (m->idiag_state != 12)
			return -1;
	}
	if (nlh->nlmsg_len > MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*m)) &&
	    nl_attr_parse(nlh, sizeof(*m), inet_diag_attr_cb, tb) < 0)
		return -1;

	memset(rec, 0, sizeof(*rec));
	rec->netid = (uint8_t)netid;
	rec->family = m->idiag_family;
	rec->state = m->idiag_state == 12 ? SOCK_ST_SYN_RECV : m->idiag_state;
	rec->flags = SOCK_F_HAS_RQ | SOCK_F_HAS_WQ;
	/* TIME-WAIT and request sockets are not full sockets: the kernel
	 * reports uid 0 for them, which says nothing. */
	if (m->idiag_state != SOCK_ST_TIME_WAIT && m->idiag_state != 12)
		rec->flags |= SOCK_F_HAS_UID;
	rec->rq = m->idiag_rqueue;
	rec->wq = m->idiag_wqueue;
	rec->uid = m->idiag_uid;
	rec->inode = m->idiag_inode;
	rec->cookie = (uint64_t)m->id.idiag_cookie[0] |
		      ((uint64_t)m->id.idiag_cookie[1] << 32);
	rec->ifindex = m->id.idiag_if;
	rec->sport = ntohs(m->id.idiag_sport);
	rec->dport = ntohs(m->id.idiag_dport);
	if (m->idiag_family == AF_INET) {
		memcpy(rec->src, m->id.idiag_src, 4);
		memcpy(rec->dst, m->id.idiag_dst, 4);
	} else {
		memcpy(rec->src, m->id.idiag_src, 16);
		memcpy(rec->dst, m->id.idiag_dst, 16);
	}
	if (tb[INET_DIAG_SKV6ONLY] != NULL &&
	    mnl_attr_get_u8(tb[INET_DIAG_SKV6ONLY]) != 0)
		rec->flags |= SOCK_F_V6ONLY;
	return 0;
}
