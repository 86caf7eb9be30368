/* unix_diag.c - Unix domain sockets from sock_diag (unix_diag_req /
 * unix_diag_msg and its attributes). */
#include "config.h"

#include "collect/unix_diag.h"
#include "collect/collect.h"
#include "collect/nl.h"

#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>

struct nlmsghdr *unix_diag_build_req(void *buf, size_t cap, unsigned states,
				     unsigned internals)
{
	struct unix_diag_req *req;
	void *extra;
	struct nlmsghdr *nlh = nl_diag_dump_req(buf, cap, sizeof(*req), &extra);

	if (nlh == NULL)
		return NULL;
	req = extra;
	req->sdiag_family = AF_UNIX;
	req->udiag_states = states;
	req->udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_VFS | UDIAG_SHOW_PEER |
			  UDIAG_SHOW_RQLEN | UDIAG_SHOW_UID;
	if (internals & COLLECT_INT_MEM)
		req->udiag_show |= UDIAG_SHOW_MEMINFO;
	return nlh;
}

/* skmeminfo as inet_diag.c takes it: at least SK_MEMINFO_OPTMEM, whole
 * u32 entries, kept up to what a one-byte length holds. */
#define UNIX_DIAG_SKMEM_MIN ((SK_MEMINFO_OPTMEM + 1) * 4)
#define UNIX_DIAG_SKMEM_MAX 252

static int unix_diag_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);
	uint16_t len = mnl_attr_get_payload_len(attr);

	switch (type) {
	case UNIX_DIAG_NAME:
		/* A path that fills sun_path comes with the NUL the kernel
		 * added after it: 109 bytes. */
		if (len > SOCK_UNIX_NAME_MAX + 1 ||
		    (len == SOCK_UNIX_NAME_MAX + 1 &&
		     (((const char *)mnl_attr_get_payload(attr))[0] == '\0' ||
		      ((const char *)mnl_attr_get_payload(attr))[len - 1] != '\0')))
			return MNL_CB_ERROR;
		break;
	case UNIX_DIAG_VFS:
		if (len < sizeof(struct unix_diag_vfs))
			return MNL_CB_ERROR;
		break;
	case UNIX_DIAG_PEER:
	case UNIX_DIAG_UID:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		break;
	case UNIX_DIAG_RQLEN:
		if (len < sizeof(struct unix_diag_rqlen))
			return MNL_CB_ERROR;
		break;
	case UNIX_DIAG_MEMINFO:
		if (len < UNIX_DIAG_SKMEM_MIN || len % 4 != 0)
			return MNL_CB_ERROR;
		break;
	default:
		return MNL_CB_OK; /* newer attributes: not needed */
	}
	tb[type] = attr;
	return MNL_CB_OK;
}

int unix_diag_parse(const struct nlmsghdr *nlh, struct sock_rec *rec)
{
	const struct unix_diag_msg *m;
	const struct nlattr *tb[UNIX_DIAG_UID + 1] = { 0 };
	int ok;

	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*m))
		return -1;
	m = mnl_nlmsg_get_payload(nlh);
	if (m->udiag_family != AF_UNIX)
		return -1;
	if (m->udiag_state == 0 || m->udiag_state >= SOCK_ST_COUNT)
		return -1;
	if (nlh->nlmsg_len > MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*m)) &&
	    nl_attr_parse(nlh, sizeof(*m), unix_diag_attr_cb, tb) < 0)
		return -1;

	memset(rec, 0, sizeof(*rec));
	rec->netid = (uint8_t)sock_netid_from_unix_type(m->udiag_type, &ok);
	if (!ok)
		return -1;
	rec->family = AF_UNIX;
	rec->state = m->udiag_state;
	rec->inode = m->udiag_ino;
	rec->cookie = (uint64_t)m->udiag_cookie[0] |
		      ((uint64_t)m->udiag_cookie[1] << 32);
	if (tb[UNIX_DIAG_NAME] != NULL) {
		rec->name = mnl_attr_get_payload(tb[UNIX_DIAG_NAME]);
		rec->name_len = mnl_attr_get_payload_len(tb[UNIX_DIAG_NAME]);
		/* ...whose NUL the model does not keep: names fit sun_path */
		if (rec->name_len > SOCK_UNIX_NAME_MAX)
			rec->name_len = SOCK_UNIX_NAME_MAX;
	}
	if (tb[UNIX_DIAG_VFS] != NULL) {
		struct unix_diag_vfs v;
		memcpy(&v, mnl_attr_get_payload(tb[UNIX_DIAG_VFS]), sizeof(v));
		rec->vfs_ino = v.udiag_vfs_ino;
		rec->vfs_dev = v.udiag_vfs_dev;
		rec->flags |= SOCK_F_HAS_VFS;
	}
	/* UDIAG_SHOW_PEER was asked for: no attribute means no peer. */
	rec->flags |= SOCK_F_HAS_PEER;
	if (tb[UNIX_DIAG_PEER] != NULL)
		rec->peer_ino = mnl_attr_get_u32(tb[UNIX_DIAG_PEER]);
	if (tb[UNIX_DIAG_RQLEN] != NULL) {
		struct unix_diag_rqlen q;
		memcpy(&q, mnl_attr_get_payload(tb[UNIX_DIAG_RQLEN]),
		       sizeof(q));
		rec->rq = q.udiag_rqueue;
		rec->wq = q.udiag_wqueue;
		rec->flags |= SOCK_F_HAS_RQ | SOCK_F_HAS_WQ;
	}
	if (tb[UNIX_DIAG_UID] != NULL) {
		rec->uid = mnl_attr_get_u32(tb[UNIX_DIAG_UID]);
		rec->flags |= SOCK_F_HAS_UID;
	}
	if (tb[UNIX_DIAG_MEMINFO] != NULL) {
		uint16_t n = mnl_attr_get_payload_len(tb[UNIX_DIAG_MEMINFO]);
		rec->skmem = mnl_attr_get_payload(tb[UNIX_DIAG_MEMINFO]);
		rec->skmem_len = (uint8_t)(n > UNIX_DIAG_SKMEM_MAX
						   ? UNIX_DIAG_SKMEM_MAX
						   : n);
	}
	return 0;
}
