/* test_destroy.c - the parse of the kernel's destroy notifications, fed
 * with notifications recorded from a 6.18 kernel (tests/fixtures/netlink/
 * destroy.bin: a TCP connection 127.0.0.1:40001 -> :5000 closed by both
 * sides, a UDP socket on 127.0.0.1:5353, an IPv6 listener on [::1]:6000)
 * and with malformed ones made from them. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include "collect/destroy.h"

#define FIXTURE FIXTURE_DIR "/netlink/destroy.bin"

/* aligned for the netlink headers */
static uint64_t fixture_buf[4096 / 8];

static size_t load(void)
{
	FILE *f = fopen(FIXTURE, "rb");
	size_t n;

	assert_non_null(f);
	n = fread(fixture_buf, 1, sizeof(fixture_buf), f);
	fclose(f);
	assert_true(n > 0 && n < sizeof(fixture_buf));
	return n;
}

struct got {
	struct sock_rec r[8];
	size_t n;
};

static void collect_cb(void *ud, const struct sock_rec *r)
{
	struct got *g = ud;

	assert_true(g->n < 8);
	g->r[g->n] = *r;
	/* its internals are only borrowed: not kept */
	g->r[g->n].tcp_info = NULL;
	g->n++;
}

static void test_recorded(void **state)
{
	size_t len = load();
	struct got g = { .n = 0 };
	unsigned long bad = 0;
	const uint8_t lo[4] = { 127, 0, 0, 1 };
	uint8_t lo6[16] = { 0 };

	(void)state;
	lo6[15] = 1;
	assert_int_equal(destroy_parse_buf(fixture_buf, len, collect_cb, &g,
					   &bad),
			 4);
	assert_int_equal(bad, 0);
	/* the client's side first: it closed first */
	assert_int_equal(g.r[0].netid, SOCK_NETID_TCP);
	assert_int_equal(g.r[0].family, AF_INET);
	assert_int_equal(g.r[0].state, SOCK_ST_CLOSE);
	assert_int_equal(g.r[0].sport, 40001);
	assert_int_equal(g.r[0].dport, 5000);
	assert_memory_equal(g.r[0].src, lo, 4);
	assert_memory_equal(g.r[0].dst, lo, 4);
	/* a destroyed socket has no file any more: no inode, uid 0 */
	assert_int_equal(g.r[0].inode, 0);
	assert_true(g.r[0].cookie != 0);
	assert_int_equal(g.r[1].netid, SOCK_NETID_TCP);
	assert_int_equal(g.r[1].sport, 5000);
	assert_int_equal(g.r[1].dport, 40001);
	assert_true(g.r[1].cookie != 0 && g.r[1].cookie != g.r[0].cookie);
	assert_int_equal(g.r[2].netid, SOCK_NETID_UDP);
	assert_int_equal(g.r[2].family, AF_INET);
	assert_int_equal(g.r[2].sport, 5353);
	assert_int_equal(g.r[2].dport, 0);
	assert_int_equal(g.r[3].netid, SOCK_NETID_TCP);
	assert_int_equal(g.r[3].family, AF_INET6);
	assert_int_equal(g.r[3].sport, 6000);
	assert_memory_equal(g.r[3].src, lo6, 16);
}

/* The UDP notification alone (the third datagram): header, inet_diag_msg,
 * INET_DIAG_PROTOCOL. Copied into buf; returns its length. */
static size_t udp_msg(uint64_t *buf, size_t cap)
{
	size_t len = load(), off = 0;
	const unsigned char *p = (const unsigned char *)fixture_buf;

	for (int i = 0; i < 2; i++) {
		struct nlmsghdr h;

		memcpy(&h, p + off, sizeof(h));
		off += NLMSG_ALIGN(h.nlmsg_len);
	}
	{
		struct nlmsghdr h;

		memcpy(&h, p + off, sizeof(h));
		assert_true(off + h.nlmsg_len <= len);
		assert_true(h.nlmsg_len <= cap);
		assert_int_equal(h.nlmsg_len, 96);
		memcpy(buf, p + off, h.nlmsg_len);
		return h.nlmsg_len;
	}
}

static int parse_one(const uint64_t *buf)
{
	struct sock_rec r;

	return destroy_parse((const struct nlmsghdr *)buf, &r);
}

static void test_udp_alone(void **state)
{
	uint64_t buf[16];
	struct sock_rec r;

	(void)state;
	udp_msg(buf, sizeof(buf));
	assert_int_equal(destroy_parse((struct nlmsghdr *)buf, &r), 0);
	assert_int_equal(r.netid, SOCK_NETID_UDP);
	assert_int_equal(r.sport, 5353);
}

#define ATTR_OFF (NLMSG_HDRLEN + sizeof(struct inet_diag_msg))

static void test_malformed(void **state)
{
	uint64_t buf[16];
	unsigned char *b = (unsigned char *)buf;
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	struct nlattr *a = (struct nlattr *)(b + ATTR_OFF);
	struct got g = { .n = 0 };
	unsigned long bad = 0;
	size_t len;

	(void)state;
	/* not a sock_diag message */
	len = udp_msg(buf, sizeof(buf));
	h->nlmsg_type = SOCK_DESTROY;
	assert_int_equal(parse_one(buf), -1);
	/* too short for an inet_diag_msg */
	udp_msg(buf, sizeof(buf));
	h->nlmsg_len = NLMSG_HDRLEN + 20;
	assert_int_equal(parse_one(buf), -1);
	/* no protocol attribute */
	udp_msg(buf, sizeof(buf));
	h->nlmsg_len = ATTR_OFF;
	assert_int_equal(parse_one(buf), -1);
	/* a protocol that is neither TCP nor UDP (SCTP) */
	udp_msg(buf, sizeof(buf));
	b[ATTR_OFF + 4] = 132;
	assert_int_equal(parse_one(buf), -1);
	/* a protocol attribute without its byte */
	udp_msg(buf, sizeof(buf));
	a->nla_len = 4;
	assert_int_equal(parse_one(buf), -1);
	/* an attribute longer than the message */
	udp_msg(buf, sizeof(buf));
	a->nla_len = 64;
	assert_int_equal(parse_one(buf), -1);
	/* a family that is not inet */
	udp_msg(buf, sizeof(buf));
	b[NLMSG_HDRLEN] = AF_UNIX;
	assert_int_equal(parse_one(buf), -1);
	/* a state out of range */
	udp_msg(buf, sizeof(buf));
	b[NLMSG_HDRLEN + 1] = 200;
	assert_int_equal(parse_one(buf), -1);
	/* in a datagram: a bad message is counted, the good one after it
	 * still parses; a header claiming more than the datagram ends it */
	{
		uint64_t two[32];
		unsigned char *t = (unsigned char *)two;

		udp_msg(buf, sizeof(buf));
		b[ATTR_OFF + 4] = 132;
		memcpy(t, buf, len);
		udp_msg(buf, sizeof(buf));
		memcpy(t + len, buf, len);
		assert_int_equal(destroy_parse_buf(two, 2 * len, collect_cb, &g,
						   &bad),
				 1);
		assert_int_equal(bad, 1);
		h = (struct nlmsghdr *)two;
		h->nlmsg_len = 4000;
		bad = 0;
		assert_int_equal(destroy_parse_buf(two, 2 * len, collect_cb, &g,
						   &bad),
				 0);
		assert_int_equal(bad, 1);
		/* a few bytes: no header at all */
		bad = 0;
		assert_int_equal(destroy_parse_buf(two, 7, collect_cb, &g, &bad),
				 0);
		assert_int_equal(bad, 1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recorded),
		cmocka_unit_test(test_udp_alone),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
