/* inet_diag.c - TCP and UDP sockets from sock_diag (NETLINK_SOCK_DIAG,
 * inet_diag_req_v2 / inet_diag_msg). */
#include "config.h"

#include "collect/inet_diag.h"
#include "collect/collect.h"
#include "collect/nl.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>

/* The extensions asked for: each costs kernel time per socket, so only
 * what is shown. */
static uint8_t inet_diag_ext(const struct inet_diag_want *w)
{
	uint8_t ext = 0;

	if (w->internals & COLLECT_INT_INFO)
		ext |= (1u << (INET_DIAG_INFO - 1)) |
		       (1u << (INET_DIAG_CONG - 1));
	if (w->internals & COLLECT_INT_MEM)
		ext |= 1u << (INET_DIAG_SKMEMINFO - 1);
	return ext;
}

/* Request sockets (TCP_NEW_SYN_RECV, 12) are what ss shows as SYN-RECV;
 * ask for them whenever SYN-RECV is wanted. */
static uint32_t inet_diag_states(const struct inet_diag_want *w)
{
	uint32_t states = w->states;

	if (states & SOCK_STATE_BIT(SOCK_ST_SYN_RECV))
		states |= 1u << 12;
	return states;
}

static struct nlmsghdr *inet_diag_put_bytecode(struct nlmsghdr *nlh,
					       size_t cap,
					       const struct inet_diag_want *w)
{
	if (w->bytecode != NULL && w->bytecode_len > 0) {
		if (w->bytecode_len > INET_DIAG_BC_MAX ||
		    nlh->nlmsg_len + MNL_ATTR_HDRLEN +
				    MNL_ALIGN(w->bytecode_len) >
			    cap)
			return NULL;
		mnl_attr_put(nlh, INET_DIAG_REQ_BYTECODE,
			     w->bytecode_len, w->bytecode);
	}
	return nlh;
}

struct nlmsghdr *inet_diag_build_req(void *buf, size_t cap, int family,
				     int protocol,
				     const struct inet_diag_want *w)
{
	struct inet_diag_req_v2 *req;
	void *extra;
	struct nlmsghdr *nlh = nl_diag_dump_req(buf, cap, sizeof(*req), &extra);

	if (nlh == NULL)
		return NULL;
	req = extra;
	req->sdiag_family = (uint8_t)family;
	req->sdiag_protocol = (uint8_t)protocol;
	req->idiag_ext = inet_diag_ext(w);
	req->idiag_states = inet_diag_states(w);
	return inet_diag_put_bytecode(nlh, cap, w);
}

struct nlmsghdr *inet_diag_build_tcp_req(void *buf, size_t cap,
					 const struct inet_diag_want *w)
{
	struct inet_diag_req *req;
	void *extra;
	struct nlmsghdr *nlh = nl_diag_dump_req(buf, cap, sizeof(*req), &extra);

	if (nlh == NULL)
		return NULL;
	/* The request of the original interface: the kernel dumps it with
	 * the family unspecified, so one walk finds both families. */
	nlh->nlmsg_type = TCPDIAG_GETSOCK;
	req = extra;
	req->idiag_family = AF_INET;
	req->idiag_ext = inet_diag_ext(w);
	req->idiag_states = inet_diag_states(w);
	return inet_diag_put_bytecode(nlh, cap, w);
}

/* The oldest tcp_info a kernel sends (2.6.10: up to tcpi_total_retrans);
 * newer kernels append fields, so any longer length is theirs. */
#define INET_DIAG_TCP_INFO_MIN 104
/* struct sock_rec keeps these lengths in one byte. */
#define INET_DIAG_CONG_MAX 255
#define INET_DIAG_SKMEM_MAX 252
/* Every kernel's skmeminfo has at least SK_MEMINFO_RMEM_ALLOC through
 * SK_MEMINFO_OPTMEM; BACKLOG and DROPS came later. */
#define INET_DIAG_SKMEM_MIN ((SK_MEMINFO_OPTMEM + 1) * 4)

static int inet_diag_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);
	uint16_t len = mnl_attr_get_payload_len(attr);
	const char *s;

	switch (type) {
	case INET_DIAG_SKV6ONLY:
		if (mnl_attr_validate(attr, MNL_TYPE_U8) < 0)
			return MNL_CB_ERROR;
		break;
	case INET_DIAG_INFO:
		if (len < INET_DIAG_TCP_INFO_MIN)
			return MNL_CB_ERROR;
		break;
	case INET_DIAG_CONG:
		/* the kernel sends the name with its NUL */
		s = mnl_attr_get_payload(attr);
		if (len == 0 || s[len - 1] != '\0' ||
		    strnlen(s, len) > INET_DIAG_CONG_MAX)
			return MNL_CB_ERROR;
		break;
	case INET_DIAG_SKMEMINFO:
		if (len < INET_DIAG_SKMEM_MIN || len % 4 != 0)
			return MNL_CB_ERROR;
		break;
	default:
		return MNL_CB_OK;
	}
	tb[type] = attr;
	return MNL_CB_OK;
}

/* The internals asked for with -i and -m, borrowed from the message. */
static void inet_diag_internals(const struct nlattr *const *tb,
				struct sock_rec *rec)
{
	if (tb[INET_DIAG_INFO] != NULL) {
		rec->tcp_info = mnl_attr_get_payload(tb[INET_DIAG_INFO]);
		rec->tcp_info_len = mnl_attr_get_payload_len(tb[INET_DIAG_INFO]);
	}
	if (tb[INET_DIAG_CONG] != NULL) {
		const char *s = mnl_attr_get_payload(tb[INET_DIAG_CONG]);
		size_t n = strlen(s); /* checked: ends in a NUL */
		if (n > 0) {
			rec->cong = s;
			rec->cong_len = (uint8_t)n;
		}
	}
	if (tb[INET_DIAG_SKMEMINFO] != NULL) {
		uint16_t n = mnl_attr_get_payload_len(tb[INET_DIAG_SKMEMINFO]);
		rec->skmem = mnl_attr_get_payload(tb[INET_DIAG_SKMEMINFO]);
		/* entries a later kernel may add are not shown */
		rec->skmem_len = (uint8_t)(n > INET_DIAG_SKMEM_MAX
						   ? INET_DIAG_SKMEM_MAX
						   : n);
	}
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
	/* The kernel fills the timer for every TCP socket, TIME-WAIT and
	 * request sockets included (timewait; on, for the SYN-ACK); UDP's is
	 * always off. expires is in milliseconds. */
	rec->flags |= SOCK_F_HAS_TIMER;
	rec->timer = m->idiag_timer;
	rec->retrans = m->idiag_retrans;
	rec->expires_ms = m->idiag_expires;
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
	inet_diag_internals(tb, rec);
	return 0;
}
