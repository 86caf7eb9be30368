/* test_netlink.c - the sock_diag parsers and the dump walk, fed with
 * answers recorded from a real kernel (tests/fixtures/netlink) and with
 * hand-made malformed messages. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>

#include "collect/collect.h"
#include "collect/inet_diag.h"
#include "collect/nl.h"
#include "collect/record.h"
#include "collect/unix_diag.h"

#define FIXTURE FIXTURE_DIR "/netlink/population.rec"

/* ---- recorded answers ------------------------------------------------ */

struct saved {
	struct sock_rec r;
	char name[SOCK_UNIX_NAME_MAX];
};

struct collected {
	struct saved *v;
	size_t n, cap;
	int begins, discards;
};

static int col_rec(void *ud, const struct sock_rec *r)
{
	struct collected *c = ud;
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->v = realloc(c->v, c->cap * sizeof(*c->v));
		assert_non_null(c->v);
	}
	c->v[c->n].r = *r;
	assert_true(r->name_len <= SOCK_UNIX_NAME_MAX);
	if (r->name_len)
		memcpy(c->v[c->n].name, r->name, r->name_len);
	c->v[c->n].r.name = c->v[c->n].name;
	c->n++;
	return 0;
}

static int col_begin(void *ud, enum collect_dump d)
{
	(void)d;
	((struct collected *)ud)->begins++;
	return 0;
}

static int col_discard(void *ud, enum collect_dump d)
{
	(void)d;
	((struct collected *)ud)->discards++;
	return 0;
}

static const struct collect_query q_all = {
	.netids = SOCK_NETIDS_ALL,
	.states = SOCK_STATES_ALL,
	.families = COLLECT_AF_INET | COLLECT_AF_INET6,
};

static int replay_collect(const char *path, const struct collect_query *q,
			  struct collected *c, struct collect_report *rep,
			  struct sc_err *err)
{
	struct collect_opts o = { .replay_path = path };
	struct collect_consumer cons = { .ud = c,
					 .begin = col_begin,
					 .discard = col_discard,
					 .rec = col_rec };
	return collect_run(q, &o, &cons, rep, err);
}

static const struct saved *find_tcp(const struct collected *c, int family,
				    uint16_t sport, uint16_t dport, int state)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct sock_rec *r = &c->v[i].r;
		if (r->netid == SOCK_NETID_TCP && r->family == family &&
		    r->sport == sport && r->dport == dport &&
		    (state < 0 || r->state == state))
			return &c->v[i];
	}
	return NULL;
}

static const struct saved *find_unix_name(const struct collected *c,
					  const char *name, size_t len,
					  int state)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct sock_rec *r = &c->v[i].r;
		if (r->family == AF_UNIX && r->name_len >= len &&
		    memcmp(c->v[i].name, name, len) == 0 &&
		    (r->name_len == len || c->v[i].name[len] == '\0') &&
		    (state < 0 || r->state == state))
			return &c->v[i];
	}
	return NULL;
}

static const struct saved *find_inode(const struct collected *c,
				      uint64_t ino)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].r.inode == ino)
			return &c->v[i];
	return NULL;
}

static size_t count(const struct collected *c, int netid, int state)
{
	size_t n = 0;
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].r.netid == netid && c->v[i].r.state == state)
			n++;
	return n;
}

static void test_recorded_population(void **state)
{
	struct collected c = { 0 };
	struct collect_report rep;
	struct sc_err err = { 0 };
	const struct saved *s;
	const uint8_t lo4[4] = { 127, 0, 0, 1 };
	const char abs_name[] = "\0abs\x1b[31mname\0x";
	(void)state;

	assert_int_equal(replay_collect(FIXTURE, &q_all, &c, &rep, &err), 0);
	assert_int_equal(rep.warnings.n, 0);
	assert_int_equal(rep.interrupted, 0);
	assert_int_equal(c.n, 27);
	assert_int_equal(c.begins, 5);
	assert_int_equal(c.discards, 0);

	/* states, as the recorded table shows them */
	assert_int_equal(count(&c, SOCK_NETID_TCP, SOCK_ST_LISTEN), 5);
	assert_int_equal(count(&c, SOCK_NETID_TCP, SOCK_ST_ESTABLISHED), 8);
	assert_int_equal(count(&c, SOCK_NETID_TCP, SOCK_ST_TIME_WAIT), 1);
	assert_int_equal(count(&c, SOCK_NETID_TCP, SOCK_ST_CLOSE_WAIT), 1);
	assert_int_equal(count(&c, SOCK_NETID_TCP, SOCK_ST_FIN_WAIT2), 1);
	assert_int_equal(count(&c, SOCK_NETID_UDP, SOCK_ST_CLOSE), 2);
	assert_int_equal(count(&c, SOCK_NETID_UDP, SOCK_ST_ESTABLISHED), 1);
	assert_int_equal(count(&c, SOCK_NETID_UNIX_STREAM, SOCK_ST_LISTEN), 2);
	assert_int_equal(count(&c, SOCK_NETID_UNIX_STREAM,
			       SOCK_ST_ESTABLISHED), 3);
	assert_int_equal(count(&c, SOCK_NETID_UNIX_SEQPACKET,
			       SOCK_ST_ESTABLISHED), 2);
	assert_int_equal(count(&c, SOCK_NETID_UNIX_DGRAM, SOCK_ST_CLOSE), 1);

	/* a listener bound to lo with two connections waiting in its queue */
	s = find_tcp(&c, AF_INET, 8084, 0, SOCK_ST_LISTEN);
	assert_non_null(s);
	assert_int_equal(s->r.rq, 2);
	assert_int_equal(s->r.wq, 4);
	assert_int_equal(s->r.ifindex, 1);
	assert_memory_equal(s->r.src, lo4, 4);
	assert_int_equal(s->r.uid, 0);
	assert_true(s->r.inode != 0);
	assert_true(s->r.flags & SOCK_F_HAS_UID);

	/* dual-stack and v6-only wildcard listeners */
	s = find_tcp(&c, AF_INET6, 8081, 0, SOCK_ST_LISTEN);
	assert_non_null(s);
	assert_false(s->r.flags & SOCK_F_V6ONLY);
	assert_int_equal(s->r.wq, 5);
	s = find_tcp(&c, AF_INET6, 8083, 0, SOCK_ST_LISTEN);
	assert_non_null(s);
	assert_true(s->r.flags & SOCK_F_V6ONLY);
	assert_int_equal(s->r.wq, 7);

	/* TIME-WAIT sockets have no inode and no owner */
	for (size_t i = 0; i < c.n; i++)
		if (c.v[i].r.state == SOCK_ST_TIME_WAIT) {
			assert_int_equal(c.v[i].r.inode, 0);
			assert_int_equal(c.v[i].r.dport, 8080);
			assert_memory_equal(c.v[i].r.dst, lo4, 4);
		}
	/* CLOSE-WAIT holds the peer's FIN as one unread byte */
	for (size_t i = 0; i < c.n; i++)
		if (c.v[i].r.state == SOCK_ST_CLOSE_WAIT)
			assert_int_equal(c.v[i].r.rq, 1);

	/* Unix: the listener with one pending connection, backlog 3 */
	s = find_unix_name(&c, "/tmp/sockscope-fx/t.sock", 24,
			   SOCK_ST_LISTEN);
	assert_non_null(s);
	assert_int_equal(s->r.rq, 1);
	assert_int_equal(s->r.wq, 3);
	assert_true(s->r.flags & SOCK_F_HAS_VFS);
	assert_true(s->r.vfs_ino != 0);
	assert_int_equal(s->r.netid, SOCK_NETID_UNIX_STREAM);
	/* the accepted end with 5 unread bytes, whose peer points back */
	s = find_unix_name(&c, "/tmp/sockscope-fx/t.sock", 24,
			   SOCK_ST_ESTABLISHED);
	assert_non_null(s);
	assert_int_equal(s->r.rq, 5);
	assert_true(s->r.flags & SOCK_F_HAS_PEER);
	{
		const struct saved *peer = find_inode(&c, s->r.peer_ino);
		assert_non_null(peer);
		assert_int_equal(peer->r.peer_ino, s->r.inode);
		assert_int_equal(peer->r.name_len, 0);
	}
	/* a path with a space and a newline arrives byte for byte */
	s = find_unix_name(&c, "/tmp/sockscope-fx/we ird\nx.sock", 31,
			   SOCK_ST_LISTEN);
	assert_non_null(s);
	/* an abstract name: leading NUL, ESC and an interior NUL kept */
	s = find_unix_name(&c, abs_name, sizeof(abs_name) - 1, -1);
	assert_non_null(s);
	assert_int_equal(s->r.name_len, sizeof(abs_name) - 1);
	assert_int_equal(s->r.netid, SOCK_NETID_UNIX_DGRAM);
	assert_int_equal(s->r.state, SOCK_ST_CLOSE);
	free(c.v);
}

static void test_replay_query_filters(void **state)
{
	struct collected c = { 0 };
	struct collect_report rep;
	struct sc_err err = { 0 };
	struct collect_query q = {
		.netids = SOCK_NETID_BIT(SOCK_NETID_TCP),
		.states = SOCK_STATE_BIT(SOCK_ST_LISTEN),
		.families = COLLECT_AF_INET6,
	};
	(void)state;

	assert_int_equal(replay_collect(FIXTURE, &q, &c, &rep, &err), 0);
	assert_int_equal(c.n, 2); /* [::]:8083 and *:8081 */
	assert_int_equal(c.begins, 1);
	for (size_t i = 0; i < c.n; i++) {
		assert_int_equal(c.v[i].r.family, AF_INET6);
		assert_int_equal(c.v[i].r.state, SOCK_ST_LISTEN);
	}
	free(c.v);
}

/* ---- hand-made messages ------------------------------------------------- */

struct msgbuf {
	_Alignas(8) unsigned char b[4096];
	size_t len;
};

static struct nlmsghdr *put_msg(struct msgbuf *m, uint16_t type,
				uint16_t flags, const void *payload,
				size_t plen)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)(m->b + m->len);
	memset(nlh, 0, NLMSG_HDRLEN);
	nlh->nlmsg_len = (uint32_t)(NLMSG_HDRLEN + plen);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	if (plen)
		memcpy((unsigned char *)nlh + NLMSG_HDRLEN, payload, plen);
	m->len += NLMSG_ALIGN(nlh->nlmsg_len);
	return nlh;
}

static void add_attr(struct msgbuf *m, struct nlmsghdr *nlh, uint16_t type,
		     const void *data, uint16_t len)
{
	struct nlattr *a = (struct nlattr *)((unsigned char *)nlh +
					     NLMSG_ALIGN(nlh->nlmsg_len));
	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	memcpy((unsigned char *)a + NLA_HDRLEN, data, len);
	nlh->nlmsg_len = NLMSG_ALIGN(nlh->nlmsg_len) + NLA_ALIGN(a->nla_len);
	m->len = (size_t)((unsigned char *)nlh - m->b) +
		 NLMSG_ALIGN(nlh->nlmsg_len);
}

static struct inet_diag_msg tcp_msg(uint8_t state)
{
	struct inet_diag_msg d;
	memset(&d, 0, sizeof(d));
	d.idiag_family = AF_INET;
	d.idiag_state = state;
	d.id.idiag_sport = htons(80);
	d.id.idiag_dport = htons(4242);
	d.id.idiag_src[0] = htonl(0x7f000001);
	d.id.idiag_dst[0] = htonl(0x7f000002);
	d.idiag_rqueue = 3;
	d.idiag_wqueue = 9;
	d.idiag_uid = 1000;
	d.idiag_inode = 777;
	d.id.idiag_cookie[0] = 0x11223344;
	d.id.idiag_cookie[1] = 0x55667788;
	return d;
}

struct cbcount {
	int n;
	int bad;
	struct sock_rec last;
	int unix_dump;
};

static int count_cb(const struct nlmsghdr *nlh, void *ud)
{
	struct cbcount *c = ud;
	struct sock_rec r;
	int ok = c->unix_dump ? unix_diag_parse(nlh, &r)
			      : inet_diag_parse(nlh, SOCK_NETID_TCP, &r);
	if (ok < 0) {
		c->bad++;
		return 0;
	}
	c->last = r;
	c->n++;
	return 0;
}

static void test_inet_fields(void **state)
{
	struct msgbuf m = { .len = 0 };
	struct inet_diag_msg d = tcp_msg(SOCK_ST_ESTABLISHED);
	struct nl_walk w = { 0 };
	struct cbcount c = { 0 };
	uint8_t v6only = 1;
	(void)state;

	put_msg(&m, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, &d, sizeof(d));
	put_msg(&m, NLMSG_DONE, NLM_F_MULTI, "\0\0\0\0", 4);
	assert_int_equal(nl_walk_chunk(m.b, m.len, &w, count_cb, &c),
			 NL_WALK_DONE);
	assert_int_equal(c.n, 1);
	assert_int_equal(w.messages, 1);
	assert_int_equal(c.last.sport, 80);
	assert_int_equal(c.last.dport, 4242);
	assert_int_equal(c.last.rq, 3);
	assert_int_equal(c.last.wq, 9);
	assert_int_equal(c.last.uid, 1000);
	assert_int_equal(c.last.inode, 777);
	assert_int_equal(c.last.cookie, 0x5566778811223344ull);
	assert_int_equal(c.last.src[0], 127);
	assert_int_equal(c.last.dst[3], 2);
	assert_false(c.last.flags & SOCK_F_V6ONLY);

	/* TCP_NEW_SYN_RECV (12) is shown as SYN-RECV; v6only attribute */
	memset(&m, 0, sizeof(m));
	d = tcp_msg(12);
	d.idiag_family = AF_INET6;
	{
		struct nlmsghdr *nlh = put_msg(&m, SOCK_DIAG_BY_FAMILY, 0, &d,
					       sizeof(d));
		add_attr(&m, nlh, INET_DIAG_SKV6ONLY, &v6only, 1);
	}
	c.n = 0;
	w = (struct nl_walk){ 0 };
	assert_int_equal(nl_walk_chunk(m.b, m.len, &w, count_cb, &c),
			 NL_WALK_MORE);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.last.state, SOCK_ST_SYN_RECV);
	assert_true(c.last.flags & SOCK_F_V6ONLY);
}

static void test_truncated_header(void **state)
{
	struct msgbuf m = { .len = 0 };
	struct inet_diag_msg d = tcp_msg(1);
	struct nl_walk w = { 0 };
	struct cbcount c = { 0 };
	(void)state;

	put_msg(&m, SOCK_DIAG_BY_FAMILY, 0, &d, sizeof(d));
	/* 10 bytes: less than a netlink header */
	assert_int_equal(nl_walk_chunk(m.b, 10, &w, count_cb, &c),
			 NL_WALK_MORE);
	assert_int_equal(c.n, 0);
	assert_int_equal(w.malformed, 1);
	/* the first message whole, then half a header */
	w = (struct nl_walk){ 0 };
	put_msg(&m, SOCK_DIAG_BY_FAMILY, 0, &d, sizeof(d));
	assert_int_equal(nl_walk_chunk(m.b, m.len - sizeof(d) - 8, &w,
				       count_cb, &c),
			 NL_WALK_MORE);
	assert_int_equal(c.n, 1);
	assert_int_equal(w.malformed, 1);
}

static void test_len_past_buffer(void **state)
{
	struct msgbuf m = { .len = 0 };
	struct inet_diag_msg d = tcp_msg(1);
	struct nl_walk w = { 0 };
	struct cbcount c = { 0 };
	struct nlmsghdr *nlh;
	(void)state;

	nlh = put_msg(&m, SOCK_DIAG_BY_FAMILY, 0, &d, sizeof(d));
	nlh->nlmsg_len = 4000; /* claims far more than the buffer holds */
	assert_int_equal(nl_walk_chunk(m.b, m.len, &w, count_cb, &c),
			 NL_WALK_MORE);
	assert_int_equal(c.n, 0);
	assert_int_equal(w.malformed, 1);
	/* and a length smaller than the header itself */
	nlh->nlmsg_len = 8;
	w = (struct nl_walk){ 0 };
	assert_int_equal(nl_walk_chunk(m.b, m.len, &w, count_cb, &c),
			 NL_WALK_MORE);
	assert_int_equal(w.malformed, 1);
}

static void test_short_payload_and_bad_values(void **state)
{
	struct msgbuf m = { .len = 0 };
	struct inet_diag_msg d = tcp_msg(1);
	struct nl_walk w = { 0 };
	struct cbcount c = { 0 };
	(void)state;

	put_msg(&m, SOCK_DIAG_BY_FAMILY, 0, &d, 20); /* payload cut short */
	d.idiag_family = AF_UNIX;
	put_msg(&m, SOCK_DIAG_BY_FAMILY, 0, &d, sizeof(d)); /* bad family */
	d = tcp_msg(0);
	put_msg(&m, SOCK_DIAG_BY_FAMILY, 0, &d, sizeof(d)); /* state 0 */
	d = tcp_msg(200);
	put_msg(&m, SOCK_DIAG_BY_FAMILY, 0, &d, sizeof(d)); /* state 200 */
	put_msg(&m, 7 /* below NLMSG_MIN_TYPE, not a control type */, 0, &d,
		sizeof(d));
	assert_int_equal(nl_walk_chunk(m.b, m.len, &w, count_cb, &c),
			 NL_WALK_MORE);
	assert_int_equal(c.n, 0);
	assert_int_equal(c.bad, 4);
	assert_int_equal(w.malformed, 1);
}

static void test_attr_shorter_than_header(void **state)
{
	struct msgbuf m = { .len = 0 };
	struct inet_diag_msg d = tcp_msg(1);
	struct nl_walk w = { 0 };
	struct cbcount c = { 0 };
	struct nlmsghdr *nlh;
	struct nlattr *a;
	uint8_t one = 1;
	(void)state;

	nlh = put_msg(&m, SOCK_DIAG_BY_FAMILY, 0, &d, sizeof(d));
	add_attr(&m, nlh, INET_DIAG_SKV6ONLY, &one, 1);
	a = (struct nlattr *)((unsigned char *)nlh + NLMSG_HDRLEN +
			      NLMSG_ALIGN(sizeof(d)));
	a->nla_len = 2; /* shorter than its own header */
	assert_int_equal(nl_walk_chunk(m.b, m.len, &w, count_cb, &c),
			 NL_WALK_MORE);
	assert_int_equal(c.bad, 1);
	/* an attribute that runs past its message */
	a->nla_len = 200;
	c.bad = 0;
	w = (struct nl_walk){ 0 };
	assert_int_equal(nl_walk_chunk(m.b, m.len, &w, count_cb, &c),
			 NL_WALK_MORE);
	assert_int_equal(c.bad, 1);
	/* a v6only attribute with no payload (u8 expected) */
	memset(&m, 0, sizeof(m));
	nlh = put_msg(&m, SOCK_DIAG_BY_FAMILY, 0, &d, sizeof(d));
	add_attr(&m, nlh, INET_DIAG_SKV6ONLY, &one, 0);
	c.bad = 0;
	assert_int_equal(nl_walk_chunk(m.b, m.len, &w, count_cb, &c),
			 NL_WALK_MORE);
	assert_int_equal(c.bad, 1);
}

static struct unix_diag_msg unix_msg(void)
{
	struct unix_diag_msg u;
	memset(&u, 0, sizeof(u));
	u.udiag_family = AF_UNIX;
	u.udiag_type = SOCK_STREAM;
	u.udiag_state = SOCK_ST_LISTEN;
	u.udiag_ino = 4242;
	return u;
}

static void test_unix_attrs(void **state)
{
	struct msgbuf m = { .len = 0 };
	struct unix_diag_msg u = unix_msg();
	struct nl_walk w = { 0 };
	struct cbcount c = { .unix_dump = 1 };
	struct nlmsghdr *nlh;
	char name[SOCK_UNIX_NAME_MAX + 1];
	struct unix_diag_vfs vfs = { .udiag_vfs_ino = 99, .udiag_vfs_dev = 7 };
	struct unix_diag_rqlen rql = { .udiag_rqueue = 2,
				       .udiag_wqueue = 128 };
	uint32_t peer = 5151, uid = 1001;
	(void)state;

	nlh = put_msg(&m, SOCK_DIAG_BY_FAMILY, 0, &u, sizeof(u));
	add_attr(&m, nlh, UNIX_DIAG_NAME, "/run/x.sock", 12);
	add_attr(&m, nlh, UNIX_DIAG_VFS, &vfs, sizeof(vfs));
	add_attr(&m, nlh, UNIX_DIAG_PEER, &peer, 4);
	add_attr(&m, nlh, UNIX_DIAG_RQLEN, &rql, sizeof(rql));
	add_attr(&m, nlh, UNIX_DIAG_UID, &uid, 4);
	assert_int_equal(nl_walk_chunk(m.b, m.len, &w, count_cb, &c),
			 NL_WALK_MORE);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.last.inode, 4242);
	assert_int_equal(c.last.name_len, 12);
	assert_int_equal(c.last.vfs_ino, 99);
	assert_int_equal(c.last.vfs_dev, 7);
	assert_int_equal(c.last.peer_ino, 5151);
	assert_int_equal(c.last.rq, 2);
	assert_int_equal(c.last.wq, 128);
	assert_int_equal(c.last.uid, 1001);
	assert_int_equal(c.last.flags & (SOCK_F_HAS_VFS | SOCK_F_HAS_PEER |
					 SOCK_F_HAS_RQ | SOCK_F_HAS_UID),
			 SOCK_F_HAS_VFS | SOCK_F_HAS_PEER | SOCK_F_HAS_RQ |
				 SOCK_F_HAS_UID);

	/* a name longer than sun_path is malformed */
	memset(&m, 0, sizeof(m));
	memset(name, 'a', sizeof(name));
	nlh = put_msg(&m, SOCK_DIAG_BY_FAMILY, 0, &u, sizeof(u));
	add_attr(&m, nlh, UNIX_DIAG_NAME, name, sizeof(name));
	c.n = 0;
	assert_int_equal(nl_walk_chunk(m.b, m.len, &w, count_cb, &c),
			 NL_WALK_MORE);
	assert_int_equal(c.n, 0);
	assert_int_equal(c.bad, 1);
	/* exactly 108 bytes is fine */
	memset(&m, 0, sizeof(m));
	nlh = put_msg(&m, SOCK_DIAG_BY_FAMILY, 0, &u, sizeof(u));
	add_attr(&m, nlh, UNIX_DIAG_NAME, name, SOCK_UNIX_NAME_MAX);
	assert_int_equal(nl_walk_chunk(m.b, m.len, &w, count_cb, &c),
			 NL_WALK_MORE);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.last.name_len, SOCK_UNIX_NAME_MAX);
	/* a path that fills sun_path, with the NUL the kernel adds: listed,
	 * the NUL dropped; an abstract name cannot be that long */
	name[SOCK_UNIX_NAME_MAX] = '\0';
	memset(&m, 0, sizeof(m));
	nlh = put_msg(&m, SOCK_DIAG_BY_FAMILY, 0, &u, sizeof(u));
	add_attr(&m, nlh, UNIX_DIAG_NAME, name, sizeof(name));
	name[0] = '\0';
	nlh = put_msg(&m, SOCK_DIAG_BY_FAMILY, 0, &u, sizeof(u));
	add_attr(&m, nlh, UNIX_DIAG_NAME, name, sizeof(name));
	c.n = 0;
	c.bad = 0;
	assert_int_equal(nl_walk_chunk(m.b, m.len, &w, count_cb, &c),
			 NL_WALK_MORE);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.bad, 1);
	assert_int_equal(c.last.name_len, SOCK_UNIX_NAME_MAX);
	/* a last message of odd length whose attribute runs into the
	 * padding after it (found by fuzz_netlink): malformed, not read */
	memset(&m, 0, sizeof(m));
	nlh = put_msg(&m, SOCK_DIAG_BY_FAMILY, 0, &u, sizeof(u));
	add_attr(&m, nlh, UNIX_DIAG_RQLEN, &rql, sizeof(rql));
	nlh->nlmsg_len -= 3;
	m.len -= 3;
	c.n = 0;
	c.bad = 0;
	assert_int_equal(nl_walk_chunk(m.b, m.len, &w, count_cb, &c),
			 NL_WALK_MORE);
	assert_int_equal(c.n, 0);
	assert_int_equal(c.bad, 1);
	/* short VFS and RQLEN attributes, unknown socket type */
	memset(&m, 0, sizeof(m));
	nlh = put_msg(&m, SOCK_DIAG_BY_FAMILY, 0, &u, sizeof(u));
	add_attr(&m, nlh, UNIX_DIAG_VFS, &vfs, 4);
	nlh = put_msg(&m, SOCK_DIAG_BY_FAMILY, 0, &u, sizeof(u));
	add_attr(&m, nlh, UNIX_DIAG_RQLEN, &rql, 6);
	nlh = put_msg(&m, SOCK_DIAG_BY_FAMILY, 0, &u, sizeof(u));
	add_attr(&m, nlh, UNIX_DIAG_PEER, &peer, 2);
	u.udiag_type = 9;
	put_msg(&m, SOCK_DIAG_BY_FAMILY, 0, &u, sizeof(u));
	c.n = 0;
	c.bad = 0;
	assert_int_equal(nl_walk_chunk(m.b, m.len, &w, count_cb, &c),
			 NL_WALK_MORE);
	assert_int_equal(c.n, 0);
	assert_int_equal(c.bad, 4);
}

static void test_nlmsg_error_extack(void **state)
{
	struct msgbuf m = { .len = 0 };
	struct nl_walk w = { 0 };
	struct {
		struct nlmsgerr e;
	} p;
	struct nlmsghdr *nlh;
	const char msg[] = "no such family";
	(void)state;

	memset(&p, 0, sizeof(p));
	p.e.error = -EPERM;
	p.e.msg.nlmsg_len = NLMSG_HDRLEN; /* capped: no echoed payload */
	nlh = put_msg(&m, NLMSG_ERROR, NLM_F_CAPPED | NLM_F_ACK_TLVS, &p,
		      sizeof(p));
	add_attr(&m, nlh, NLMSGERR_ATTR_MSG, msg, sizeof(msg));
	assert_int_equal(nl_walk_chunk(m.b, m.len, &w, NULL, NULL),
			 NL_WALK_ERROR);
	assert_int_equal(w.kernel_errno, EPERM);
	assert_string_equal(w.extack, "no such family");

	/* a positive error value is decoded the same way */
	memset(&m, 0, sizeof(m));
	p.e.error = ENOENT;
	put_msg(&m, NLMSG_ERROR, NLM_F_CAPPED, &p, sizeof(p));
	w = (struct nl_walk){ 0 };
	assert_int_equal(nl_walk_chunk(m.b, m.len, &w, NULL, NULL),
			 NL_WALK_ERROR);
	assert_int_equal(w.kernel_errno, ENOENT);
	assert_string_equal(w.extack, "");

	/* an error message too short for struct nlmsgerr */
	memset(&m, 0, sizeof(m));
	put_msg(&m, NLMSG_ERROR, 0, &p, 4);
	w = (struct nl_walk){ 0 };
	assert_int_equal(nl_walk_chunk(m.b, m.len, &w, NULL, NULL),
			 NL_WALK_ERROR);
	assert_int_equal(w.kernel_errno, EBADMSG);

	/* echoed request length larger than the message: no TLV read */
	memset(&m, 0, sizeof(m));
	p.e.error = -EINVAL;
	p.e.msg.nlmsg_len = 60000;
	put_msg(&m, NLMSG_ERROR, NLM_F_ACK_TLVS, &p, sizeof(p));
	w = (struct nl_walk){ 0 };
	assert_int_equal(nl_walk_chunk(m.b, m.len, &w, NULL, NULL),
			 NL_WALK_ERROR);
	assert_int_equal(w.kernel_errno, EINVAL);

	/* NLMSG_DONE carrying an error */
	memset(&m, 0, sizeof(m));
	{
		int code = -EBUSY;
		put_msg(&m, NLMSG_DONE, NLM_F_MULTI, &code, sizeof(code));
	}
	w = (struct nl_walk){ 0 };
	assert_int_equal(nl_walk_chunk(m.b, m.len, &w, NULL, NULL),
			 NL_WALK_ERROR);
	assert_int_equal(w.kernel_errno, EBUSY);
}

static void test_dump_intr_flag(void **state)
{
	struct msgbuf m = { .len = 0 };
	struct inet_diag_msg d = tcp_msg(1);
	struct nl_walk w = { 0 };
	struct cbcount c = { 0 };
	(void)state;

	put_msg(&m, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI | NLM_F_DUMP_INTR, &d,
		sizeof(d));
	put_msg(&m, NLMSG_DONE, NLM_F_MULTI, "\0\0\0\0", 4);
	assert_int_equal(nl_walk_chunk(m.b, m.len, &w, count_cb, &c),
			 NL_WALK_DONE);
	assert_int_equal(w.interrupted, 1);
	assert_int_equal(c.n, 1); /* the data is still delivered */
}

static void test_seq_and_portid_filter(void **state)
{
	struct msgbuf m = { .len = 0 };
	struct inet_diag_msg d = tcp_msg(1);
	struct nl_walk w = { .seq = 7, .portid = 99 };
	struct cbcount c = { 0 };
	struct nlmsghdr *nlh;
	(void)state;

	nlh = put_msg(&m, SOCK_DIAG_BY_FAMILY, 0, &d, sizeof(d));
	nlh->nlmsg_seq = 6; /* a stale answer */
	nlh->nlmsg_pid = 99;
	nlh = put_msg(&m, SOCK_DIAG_BY_FAMILY, 0, &d, sizeof(d));
	nlh->nlmsg_seq = 7;
	nlh->nlmsg_pid = 99;
	assert_int_equal(nl_walk_chunk(m.b, m.len, &w, count_cb, &c),
			 NL_WALK_MORE);
	assert_int_equal(c.n, 1);
}

/* A recording whose tcp/IPv4 dump is flagged inconsistent: replay does not
 * retry (the answer is fixed), so the dump is reported as interrupted. */
static void write_recording(const char *path, const struct msgbuf *m,
			    uint32_t dump)
{
	struct record_writer rw;
	struct sc_err err;
	assert_int_equal(record_open(&rw, path, &err), 0);
	assert_int_equal(record_chunk(&rw, dump, m->b, m->len, &err), 0);
	assert_int_equal(record_close(&rw, &err), 0);
}

static void test_replay_interrupted_and_errors(void **state)
{
	char path[] = "/tmp/sockscope-test-XXXXXX";
	struct msgbuf m = { .len = 0 };
	struct inet_diag_msg d = tcp_msg(1);
	struct collected c = { 0 };
	struct collect_report rep;
	struct sc_err err = { 0 };
	struct collect_query q = q_all;
	int fd = mkstemp(path);
	(void)state;

	assert_true(fd >= 0);
	close(fd);
	put_msg(&m, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI | NLM_F_DUMP_INTR, &d,
		sizeof(d));
	put_msg(&m, NLMSG_DONE, NLM_F_MULTI | NLM_F_DUMP_INTR, "\0\0\0\0", 4);
	write_recording(path, &m, COLLECT_DUMP_TCP4);

	q.netids = SOCK_NETID_BIT(SOCK_NETID_TCP);
	q.families = COLLECT_AF_INET;
	assert_int_equal(replay_collect(path, &q, &c, &rep, &err), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(rep.interrupted, 1u << COLLECT_DUMP_TCP4);
	assert_int_equal(rep.warnings.n, 1);
	assert_non_null(strstr(rep.warnings.msg[0], "tcp/IPv4"));
	assert_non_null(strstr(rep.warnings.msg[0], "inconsistent"));

	/* the same recording lacks the unix dump that -x needs */
	q.netids = SOCK_NETIDS_UNIX;
	c.n = 0;
	assert_int_equal(replay_collect(path, &q, &c, &rep, &err), -1);
	assert_non_null(strstr(err.msg, "no unix dump"));

	/* a dump answered with an error carries the kernel's text */
	memset(&m, 0, sizeof(m));
	{
		struct nlmsgerr e;
		struct nlmsghdr *nlh;
		memset(&e, 0, sizeof(e));
		e.error = -EACCES;
		e.msg.nlmsg_len = NLMSG_HDRLEN;
		nlh = put_msg(&m, NLMSG_ERROR, NLM_F_CAPPED | NLM_F_ACK_TLVS,
			      &e, sizeof(e));
		add_attr(&m, nlh, NLMSGERR_ATTR_MSG, "denied", 7);
	}
	write_recording(path, &m, COLLECT_DUMP_UNIX);
	assert_int_equal(replay_collect(path, &q, &c, &rep, &err), -1);
	assert_int_equal(err.code, EACCES);
	assert_non_null(strstr(err.msg, "unix"));
	assert_non_null(strstr(err.msg, "denied"));

	/* a recording that stops in the middle of a dump */
	memset(&m, 0, sizeof(m));
	d = tcp_msg(1);
	put_msg(&m, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, &d, sizeof(d));
	write_recording(path, &m, COLLECT_DUMP_UNIX);
	assert_int_equal(replay_collect(path, &q, &c, &rep, &err), -1);
	assert_non_null(strstr(err.msg, "ends early"));
	unlink(path);
	free(c.v);
}

/* Malformed messages among good ones: the good ones are listed and the
 * user is told how many were skipped, in which dump. */
static void test_replay_malformed_warns(void **state)
{
	char path[] = "/tmp/sockscope-test-XXXXXX";
	struct msgbuf m = { .len = 0 };
	struct inet_diag_msg d = tcp_msg(1);
	struct collected c = { 0 };
	struct collect_report rep;
	struct sc_err err = { 0 };
	struct collect_query q = q_all;
	struct nlmsghdr *nlh;
	uint8_t one = 1;
	int fd = mkstemp(path);
	(void)state;

	assert_true(fd >= 0);
	close(fd);
	put_msg(&m, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, &d, sizeof(d));
	put_msg(&m, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, &d, 12); /* too short */
	nlh = put_msg(&m, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, &d, sizeof(d));
	add_attr(&m, nlh, INET_DIAG_SKV6ONLY, &one, 0); /* empty u8 */
	d.idiag_state = 99;
	put_msg(&m, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, &d, sizeof(d));
	put_msg(&m, NLMSG_DONE, NLM_F_MULTI, "\0\0\0\0", 4);
	write_recording(path, &m, COLLECT_DUMP_TCP4);

	q.netids = SOCK_NETID_BIT(SOCK_NETID_TCP);
	q.families = COLLECT_AF_INET;
	assert_int_equal(replay_collect(path, &q, &c, &rep, &err), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(rep.interrupted, 0);
	assert_int_equal(rep.warnings.n, 1);
	assert_string_equal(rep.warnings.msg[0],
			    "3 malformed sock_diag message(s) in the tcp/IPv4 "
			    "dump were skipped");
	unlink(path);
	free(c.v);
}

static void test_replay_file_checks(void **state)
{
	struct replay r;
	struct sc_err err;
	const unsigned char bad_magic[16] = "NOTAREC\0\1\0\0\0\0\0\0";
	unsigned char v2[16];
	unsigned char trunc[16 + 8 + 4];
	size_t pos = 0;
	uint32_t dump;
	const unsigned char *buf;
	size_t len;
	uint32_t h[2] = { 0, 100 };
	(void)state;

	assert_int_equal(replay_from_memory(&r, bad_magic, 16, &err), -1);
	assert_non_null(strstr(err.msg, "not a sockscope recording"));
	memcpy(v2, RECORD_MAGIC, 8);
	memset(v2 + 8, 0, 8);
	v2[8] = 2;
	assert_int_equal(replay_from_memory(&r, v2, 16, &err), -1);
	assert_non_null(strstr(err.msg, "version 2"));
	/* a chunk that claims 100 bytes with 4 present */
	memcpy(trunc, RECORD_MAGIC, 8);
	memset(trunc + 8, 0, 8);
	trunc[8] = 1;
	memcpy(trunc + 16, h, 8);
	memset(trunc + 24, 0, 4);
	assert_int_equal(replay_from_memory(&r, trunc, sizeof(trunc), &err),
			 0);
	assert_int_equal(replay_next(&r, &pos, &dump, &buf, &len), -1);
	/* an unknown dump number */
	h[0] = 77;
	h[1] = 4;
	memcpy(trunc + 16, h, 8);
	pos = 0;
	assert_int_equal(replay_next(&r, &pos, &dump, &buf, &len), -1);
	assert_int_equal(replay_load(&r, "/nonexistent/x.rec", &err), -1);
	assert_int_equal(err.code, ENOENT);
	assert_int_equal(replay_load(&r, "/tmp", &err), -1);
}

static void test_requests(void **state)
{
	unsigned char buf[INET_DIAG_REQ_BUF];
	struct nlmsghdr *nlh;
	const struct inet_diag_req_v2 *req;
	const struct unix_diag_req *ureq;
	(void)state;

	struct inet_diag_want w = { .states =
					    SOCK_STATE_BIT(SOCK_ST_SYN_RECV) };

	nlh = inet_diag_build_req(buf, sizeof(buf), AF_INET6, IPPROTO_TCP, &w);
	assert_non_null(nlh);
	assert_int_equal(nlh->nlmsg_type, SOCK_DIAG_BY_FAMILY);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	req = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(req->sdiag_family, AF_INET6);
	assert_int_equal(req->sdiag_protocol, IPPROTO_TCP);
	/* SYN-RECV also asks for request sockets (TCP_NEW_SYN_RECV) */
	assert_int_equal(req->idiag_states, (1u << 3) | (1u << 12));
	assert_int_equal(req->idiag_ext, 0);
	assert_null(inet_diag_build_req(buf, 8, AF_INET, IPPROTO_TCP, &w));

	nlh = unix_diag_build_req(buf, sizeof(buf), SOCK_STATES_ALL, 0);
	assert_non_null(nlh);
	ureq = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(ureq->sdiag_family, AF_UNIX);
	assert_true(ureq->udiag_show & UDIAG_SHOW_NAME);
	assert_true(ureq->udiag_show & UDIAG_SHOW_PEER);
	assert_true(ureq->udiag_show & UDIAG_SHOW_VFS);
	assert_true(ureq->udiag_show & UDIAG_SHOW_RQLEN);
	assert_int_equal(ureq->udiag_states, SOCK_STATES_ALL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recorded_population),
		cmocka_unit_test(test_replay_query_filters),
		cmocka_unit_test(test_inet_fields),
		cmocka_unit_test(test_truncated_header),
		cmocka_unit_test(test_len_past_buffer),
		cmocka_unit_test(test_short_payload_and_bad_values),
		cmocka_unit_test(test_attr_shorter_than_header),
		cmocka_unit_test(test_unix_attrs),
		cmocka_unit_test(test_nlmsg_error_extack),
		cmocka_unit_test(test_dump_intr_flag),
		cmocka_unit_test(test_seq_and_portid_filter),
		cmocka_unit_test(test_replay_interrupted_and_errors),
		cmocka_unit_test(test_replay_malformed_warns),
		cmocka_unit_test(test_replay_file_checks),
		cmocka_unit_test(test_requests),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
