/* nl.c - sock_diag socket wrapper and message walk (libmnl). */
#include "config.h"

#include "collect/nl.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/sock_diag.h>

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

int nl_open(struct nl_sock *s, struct sc_err *err)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);

	if (fd < 0)
		return sc_err_set(err, errno,
				  "cannot open sock_diag netlink socket: %s",
				  strerror(errno));
	return nl_adopt(s, fd, err);
}

int nl_adopt(struct nl_sock *s, int fd, struct sc_err *err)
{
	int one = 1;

	s->mnl = mnl_socket_fdopen(fd);
	if (s->mnl == NULL) {
		int e = errno;
		close(fd);
		return sc_err_set(err, e,
				  "cannot use sock_diag netlink socket: %s",
				  strerror(e));
	}
	if (mnl_socket_bind(s->mnl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = errno;
		mnl_socket_close(s->mnl);
		s->mnl = NULL;
		return sc_err_set(err, e, "cannot bind netlink socket: %s",
				  strerror(e));
	}
	/* Both are best effort: older kernels answer without them. */
	(void)mnl_socket_setsockopt(s->mnl, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)mnl_socket_setsockopt(s->mnl, NETLINK_CAP_ACK, &one, sizeof(one));
	s->portid = mnl_socket_get_portid(s->mnl);
	s->seq = 0;
	return 0;
}

void nl_close(struct nl_sock *s)
{
	if (s->mnl != NULL)
		mnl_socket_close(s->mnl);
	s->mnl = NULL;
}

int nl_send(struct nl_sock *s, struct nlmsghdr *req, struct sc_err *err)
{
	req->nlmsg_seq = ++s->seq;
	if (mnl_socket_sendto(s->mnl, req, req->nlmsg_len) < 0)
		return sc_err_set(err, errno,
				  "cannot send sock_diag request: %s",
				  strerror(errno));
	return 0;
}

ssize_t nl_recv(struct nl_sock *s, void *buf, size_t cap, struct sc_err *err)
{
	struct sockaddr_nl addr;
	struct iovec iov = { .iov_base = buf, .iov_len = cap };
	struct msghdr msg = {
		.msg_name = &addr,
		.msg_namelen = sizeof(addr),
		.msg_iov = &iov,
		.msg_iovlen = 1,
	};
	ssize_t n;

	do {
		n = recvmsg(mnl_socket_get_fd(s->mnl), &msg, 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return sc_err_set(err, errno,
				  "cannot read sock_diag answer: %s",
				  strerror(errno));
	if (msg.msg_flags & MSG_TRUNC)
		return sc_err_set(err, EMSGSIZE,
				  "sock_diag answer larger than %zu bytes",
				  cap);
	if (addr.nl_pid != 0) /* not from the kernel: ignore it */
		return 0;
	return n;
}

struct nlmsghdr *nl_diag_dump_req(void *buf, size_t cap, size_t extra_len,
				  void **extra)
{
	struct nlmsghdr *nlh;

	if (cap < MNL_NLMSG_HDRLEN + MNL_ALIGN(extra_len))
		return NULL;
	memset(buf, 0, MNL_NLMSG_HDRLEN + MNL_ALIGN(extra_len));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	*extra = mnl_nlmsg_put_extra_header(nlh, extra_len);
	return nlh;
}

int nl_attr_parse(const struct nlmsghdr *nlh, unsigned offset, nl_attr_cb cb,
		  void *data)
{
	/* The message's own end, not libmnl's aligned tail: a last message
	 * of odd length ends the buffer, and an attribute running into its
	 * padding would be read past it. */
	const char *tail = (const char *)nlh + nlh->nlmsg_len;
	const struct nlattr *attr;
	long remain;

	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN ||
	    MNL_ALIGN(offset) > nlh->nlmsg_len - MNL_NLMSG_HDRLEN)
		return -1;
	attr = mnl_nlmsg_get_payload_offset(nlh, offset);
	remain = tail - (const char *)attr;
	while (remain > 0) {
		if (remain > INT32_MAX || !mnl_attr_ok(attr, (int)remain))
			return -1;
		if (cb(attr, data) <= MNL_CB_ERROR)
			return -1;
		remain -= MNL_ALIGN(attr->nla_len);
		attr = (const struct nlattr *)((const char *)attr +
					       MNL_ALIGN(attr->nla_len));
	}
	return 0;
}

static int nl_extack_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, NLMSGERR_ATTR_MAX) < 0)
		return MNL_CB_OK;
	if (type == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
		return MNL_CB_OK;
	tb[type] = attr;
	return MNL_CB_OK;
}

/* Copy the extended ACK text that follows an error or DONE payload. */
static void nl_extack(const struct nlmsghdr *nlh, unsigned offset,
		      struct nl_walk *w)
{
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = { 0 };

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (offset > nlh->nlmsg_len - NLMSG_HDRLEN)
		return;
	if (nl_attr_parse(nlh, offset, nl_extack_attr_cb, tb) < 0)
		return;
	if (tb[NLMSGERR_ATTR_MSG] != NULL) {
		const char *m = mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]);
		size_t n = strnlen(m, mnl_attr_get_payload_len(
					      tb[NLMSGERR_ATTR_MSG]));
		if (n >= sizeof(w->extack))
			n = sizeof(w->extack) - 1;
		memcpy(w->extack, m, n);
		w->extack[n] = '\0';
	}
}

static enum nl_walk_status nl_walk_error(const struct nlmsghdr *nlh,
					 struct nl_walk *w)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	unsigned offset;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e))) {
		w->malformed++;
		w->kernel_errno = EBADMSG;
		return NL_WALK_ERROR;
	}
	/* The kernel sends -errno; a positive value is taken as is. */
	w->kernel_errno = e->error < 0 ? -e->error : e->error;
	if (w->kernel_errno == 0)
		return NL_WALK_DONE; /* a plain ACK */
	offset = sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		/* The original request is echoed; the TLVs follow it. */
		if (e->msg.nlmsg_len < NLMSG_HDRLEN ||
		    e->msg.nlmsg_len > nlh->nlmsg_len)
			return NL_WALK_ERROR;
		offset += e->msg.nlmsg_len - NLMSG_HDRLEN;
	}
	nl_extack(nlh, MNL_ALIGN(offset), w);
	return NL_WALK_ERROR;
}

static enum nl_walk_status nl_walk_done(const struct nlmsghdr *nlh,
					struct nl_walk *w)
{
	int code;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		w->interrupted = 1;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(int))
		return NL_WALK_DONE;
	memcpy(&code, mnl_nlmsg_get_payload(nlh), sizeof(code));
	if (code == 0)
		return NL_WALK_DONE;
	w->kernel_errno = code < 0 ? -code : code;
	nl_extack(nlh, MNL_ALIGN(sizeof(int)), w);
	return NL_WALK_ERROR;
}

/* mnl_nlmsg_ok() compares the length as an int, so a nlmsg_len of 2^31 or
 * more passes as negative; compare unsigned. */
static int nl_msg_ok(const struct nlmsghdr *nlh, size_t remain)
{
	return remain >= sizeof(*nlh) && nlh->nlmsg_len >= sizeof(*nlh) &&
	       nlh->nlmsg_len <= remain;
}

enum nl_walk_status nl_walk_chunk(const void *buf, size_t len,
				  struct nl_walk *w, nl_msg_cb cb, void *ud)
{
	const struct nlmsghdr *nlh = buf;
	size_t remain = len;

	while (remain > 0) {
		if (!nl_msg_ok(nlh, remain)) {
			/* A short header or a length past the buffer: there
			 * is no way to find the next message. */
			w->malformed++;
			return NL_WALK_MORE;
		}
		if ((w->seq != 0 && nlh->nlmsg_seq != w->seq) ||
		    (w->portid != 0 && nlh->nlmsg_pid != w->portid)) {
			goto next; /* an answer to another request */
		}
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			w->interrupted = 1;
		switch (nlh->nlmsg_type) {
		case NLMSG_NOOP:
			break;
		case NLMSG_DONE:
			return nl_walk_done(nlh, w);
		case NLMSG_ERROR:
			return nl_walk_error(nlh, w);
		case NLMSG_OVERRUN:
			w->kernel_errno = ENOBUFS;
			return NL_WALK_ERROR;
		default:
			if (nlh->nlmsg_type < NLMSG_MIN_TYPE) {
				w->malformed++;
				break;
			}
			w->messages++;
			if (cb != NULL) {
				int r = cb(nlh, ud);
				if (r < 0) {
					w->cb_ret = r;
					return NL_WALK_STOP;
				}
			}
			break;
		}
next:
		/* The last message may lack its alignment padding. */
		if (NLMSG_ALIGN(nlh->nlmsg_len) >= remain)
			break;
		remain -= NLMSG_ALIGN(nlh->nlmsg_len);
		nlh = (const struct nlmsghdr *)((const char *)nlh +
						NLMSG_ALIGN(nlh->nlmsg_len));
	}
	return NL_WALK_MORE;
}
