/* bench/baredump.c: the benchmark's floor. Dumps sockets over NETLINK_SOCK_DIAG
 * and only counts the answers, so it costs what the kernel costs and no more. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The kernel sizes each dump skb to the largest read seen, capped near
 * 32 KiB; a bigger buffer only guarantees nothing is truncated. */
enum { BAREDUMP_BUF = 64 * 1024, BAREDUMP_STATES = 16 };

/* Every TCP state, ESTABLISHED (1) to NEW_SYN_RECV (12), as ss -a asks.
 * Not ~0: bit 13 (TCP_BOUND_INACTIVE, Linux 6.7+) makes the kernel walk the
 * bind hash too, which costs a quarter more and lists nothing ss would. */
#define BAREDUMP_TCP_STATES 0x1ffeU

struct baredump_ctx {
	int fd;
	uint32_t seq;
	int by_state;			/* also tally states (off for the floor) */
	int state_at;			/* offset of the state byte in a message */
	unsigned long total;
	unsigned long state[BAREDUMP_STATES];
	unsigned long intr;		/* messages flagged NLM_F_DUMP_INTR */
	unsigned long recvs;
	size_t maxrecv;			/* the largest datagram the kernel sent */
	unsigned char *buf;
};

static const char *const baredump_state_names[BAREDUMP_STATES] = {
	[1] = "ESTAB", [2] = "SYN-SENT", [3] = "SYN-RECV", [4] = "FIN-WAIT-1",
	[5] = "FIN-WAIT-2", [6] = "TIME-WAIT", [7] = "UNCONN", [8] = "CLOSE-WAIT",
	[9] = "LAST-ACK", [10] = "LISTEN", [11] = "CLOSING",
};

static int baredump_fail(const char *what)
{
	fprintf(stderr, "baredump: %s: %s\n", what, strerror(errno));
	return -1;
}

static int baredump_send(struct baredump_ctx *c, uint16_t type, const void *req, size_t len)
{
	struct {
		struct nlmsghdr nh;
		unsigned char body[sizeof(struct inet_diag_req_v2)
				   + sizeof(struct unix_diag_req)];
	} msg;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

	memset(&msg, 0, sizeof(msg));
	msg.nh.nlmsg_len = (uint32_t)NLMSG_LENGTH(len);
	msg.nh.nlmsg_type = type;
	msg.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	msg.nh.nlmsg_seq = ++c->seq;
	memcpy(msg.body, req, len);
	if (sendto(c->fd, &msg, msg.nh.nlmsg_len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0)
		return baredump_fail("sendto(NETLINK_SOCK_DIAG)");
	return 0;
}

/* The state byte sits at offset 1 in inet_diag_msg and 2 in unix_diag_msg. */
static void baredump_tally(struct baredump_ctx *c, struct nlmsghdr *nh)
{
	c->total++;
	if (nh->nlmsg_flags & NLM_F_DUMP_INTR)
		c->intr++;
	if (c->by_state && nh->nlmsg_len >= NLMSG_LENGTH(3)) {
		const unsigned char *m = NLMSG_DATA(nh);
		c->state[m[c->state_at] % BAREDUMP_STATES]++;
	}
}

static int baredump_recv(struct baredump_ctx *c)
{
	for (;;) {
		ssize_t n = recv(c->fd, c->buf, BAREDUMP_BUF, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return baredump_fail("recv(NETLINK_SOCK_DIAG)");
		}
		c->recvs++;
		if ((size_t)n > c->maxrecv)
			c->maxrecv = (size_t)n;
		size_t left = (size_t)n;
		for (struct nlmsghdr *nh = (struct nlmsghdr *)c->buf;
		     NLMSG_OK(nh, left); nh = NLMSG_NEXT(nh, left)) {
			if (nh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (nh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nh);
				errno = e->error < 0 ? -e->error : EPROTO;
				return baredump_fail("sock_diag dump");
			}
			baredump_tally(c, nh);
		}
	}
}

static int baredump_inet(struct baredump_ctx *c, uint8_t family)
{
	struct inet_diag_req_v2 r;

	memset(&r, 0, sizeof(r));
	r.sdiag_family = family;
	r.sdiag_protocol = IPPROTO_TCP;
	r.idiag_states = BAREDUMP_TCP_STATES;
	if (baredump_send(c, SOCK_DIAG_BY_FAMILY, &r, sizeof(r)) != 0)
		return -1;
	return baredump_recv(c);
}

/* The legacy TCPDIAG_GETSOCK request is served as an AF_UNSPEC dump: one
 * walk of the established hash yields both families, where the per-family
 * requests walk it twice and touch every socket twice. */
static int baredump_inet_unspec(struct baredump_ctx *c)
{
	struct inet_diag_req r;

	memset(&r, 0, sizeof(r));
	r.idiag_family = AF_INET;
	r.idiag_states = BAREDUMP_TCP_STATES;
	if (baredump_send(c, TCPDIAG_GETSOCK, &r, sizeof(r)) != 0)
		return -1;
	return baredump_recv(c);
}

/* Asks for what a listing needs (name, peer, queue lengths): that is
 * kernel work any Unix listing pays. */
static int baredump_unix(struct baredump_ctx *c)
{
	struct unix_diag_req r;

	memset(&r, 0, sizeof(r));
	r.sdiag_family = AF_UNIX;
	r.udiag_states = ~0U;
	r.udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_PEER | UDIAG_SHOW_RQLEN;
	if (baredump_send(c, SOCK_DIAG_BY_FAMILY, &r, sizeof(r)) != 0)
		return -1;
	return baredump_recv(c);
}

/* unix_diag reports states with the TCP numbers too. */
static void baredump_print_states(const struct baredump_ctx *c)
{
	for (int s = 0; s < BAREDUMP_STATES; s++) {
		if (c->state[s] == 0)
			continue;
		if (baredump_state_names[s] != NULL)
			printf(" %s=%lu", baredump_state_names[s], c->state[s]);
		else
			printf(" state%d=%lu", s, c->state[s]);
	}
}

int main(int argc, char **argv)
{
	static unsigned char buf[BAREDUMP_BUF];
	struct baredump_ctx c = { .fd = -1, .buf = buf };
	const char *mode = argc >= 2 ? argv[1] : "";
	int rc = 0;

	if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "--states") != 0)
	    || (strcmp(mode, "tcp") != 0 && strcmp(mode, "tcp-unspec") != 0
		&& strcmp(mode, "unix") != 0)) {
		fputs("Usage: baredump tcp|tcp-unspec|unix [--states]\n"
		      "Dumps every TCP (IPv4 and IPv6) or Unix socket over sock_diag\n"
		      "and prints how many there are. tcp asks per family as ss does;\n"
		      "tcp-unspec asks once with the legacy TCPDIAG_GETSOCK request.\n",
		      stderr);
		return 2;
	}
	c.by_state = argc == 3;
	c.state_at = strcmp(mode, "unix") == 0 ? 2 : 1;

	c.fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (c.fd < 0) {
		baredump_fail("socket(NETLINK_SOCK_DIAG)");
		return 1;
	}
	if (strcmp(mode, "tcp") == 0)
		rc = baredump_inet(&c, AF_INET) || baredump_inet(&c, AF_INET6);
	else if (strcmp(mode, "tcp-unspec") == 0)
		rc = baredump_inet_unspec(&c);
	else
		rc = baredump_unix(&c);
	close(c.fd);
	if (rc != 0)
		return 1;

	printf("%lu", c.total);
	if (c.by_state) {
		baredump_print_states(&c);
		printf(" recvs=%lu maxrecv=%zu", c.recvs, c.maxrecv);
	}
	putchar('\n');
	if (c.intr != 0) {
		fprintf(stderr, "baredump: %lu messages came from an interrupted dump\n", c.intr);
		return 3;
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
