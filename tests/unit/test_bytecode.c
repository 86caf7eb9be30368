/* test_bytecode.c - the kernel-side pre-filter: compiled programs agree
 * with the expression on sockets, widen it where the kernel cannot test a
 * predicate, pass the kernel's audit, and this kernel runs them as
 * bc_run() does. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/inet_diag.h>
#include <linux/netlink.h>

#include "collect/inet_diag.h"
#include "collect/nl.h"
#include "filter/bytecode.h"
#include "filter/expr.h"

/* ---- expressions by hand --------------------------------------------- */

static struct expr *ex_new(enum expr_kind kind, struct expr *l,
			   struct expr *r)
{
	struct expr *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	e->kind = kind;
	e->left = l;
	e->right = r;
	return e;
}

static struct expr *ex_and(struct expr *l, struct expr *r)
{
	return ex_new(EXPR_AND, l, r);
}

static struct expr *ex_or(struct expr *l, struct expr *r)
{
	return ex_new(EXPR_OR, l, r);
}

static struct expr *ex_not(struct expr *l)
{
	return ex_new(EXPR_NOT, l, NULL);
}

static struct expr *ex_port(enum expr_field f, enum expr_op op, uint64_t n)
{
	struct expr *e = ex_new(EXPR_PRED, NULL, NULL);

	e->field = f;
	e->op = op;
	e->num = n;
	return e;
}

/* A predicate the kernel cannot test; id numbers it for the truth
 * assignments of the superset check (kept in pos). */
static struct expr *ex_other(enum expr_field f, unsigned id)
{
	struct expr *e = ex_new(EXPR_PRED, NULL, NULL);

	e->field = f;
	e->op = EXPR_OP_EQ;
	e->num = 1;
	e->pos = id;
	if (f == EXPR_F_COMM || f == EXPR_F_USER || f == EXPR_F_PATH ||
	    f == EXPR_F_PEER_COMM) {
		e->text = strdup("x*");
		assert_non_null(e->text);
	}
	return e;
}

/* An address operand as ss writes it: "127.0.0.1/8:22", "[::1]:22",
 * "::1", "*:22", ":22", "*", "unix:/tmp/x*". */
static struct expr *ex_host(enum expr_field f, enum expr_op op,
			    const char *text)
{
	struct expr *e = ex_new(EXPR_PRED, NULL, NULL);
	struct expr_addr *a = &e->addr;
	char host[80], *slash, *colon;
	const char *end;

	e->field = f;
	e->op = op;
	if (strncmp(text, "unix:", 5) == 0) {
		a->family = AF_UNIX;
		a->glob = strdup(text + 5);
		assert_non_null(a->glob);
		return e;
	}
	if (text[0] == '[') {
		end = strchr(text, ']');
		assert_non_null(end);
		snprintf(host, sizeof(host), "%.*s", (int)(end - text - 1),
			 text + 1);
		if (end[1] == ':') {
			a->has_port = 1;
			a->port = (uint16_t)atoi(end + 2);
		}
	} else {
		/* one colon separates a port; more make a bare IPv6 address */
		snprintf(host, sizeof(host), "%s", text);
		colon = strchr(host, ':');
		if (colon != NULL && strchr(colon + 1, ':') == NULL) {
			a->has_port = 1;
			a->port = (uint16_t)atoi(colon + 1);
			*colon = '\0';
		}
	}
	slash = strchr(host, '/');
	if (slash != NULL)
		*slash = '\0';
	if (host[0] == '\0' || strcmp(host, "*") == 0) {
		a->family = 0;
		return e;
	}
	if (inet_pton(AF_INET, host, a->addr) == 1) {
		a->family = AF_INET;
		a->prefix = 32;
	} else {
		assert_int_equal(inet_pton(AF_INET6, host, a->addr), 1);
		a->family = AF_INET6;
		a->prefix = 128;
	}
	if (slash != NULL)
		a->prefix = (uint8_t)atoi(slash + 1);
	return e;
}

static void ex_free(struct expr *e)
{
	if (e == NULL)
		return;
	ex_free(e->left);
	ex_free(e->right);
	free(e->text);
	free(e->addr.glob);
	free(e);
}

/* ---- the reference: what the expression means on a socket -------------- */

enum pred_kind {
	PRED_KERNEL,    /* the kernel tests it */
	PRED_UNIX_ONLY, /* false for every TCP and UDP socket */
	PRED_UNKNOWN,   /* the kernel cannot tell */
};

static enum pred_kind pred_kind(const struct expr *e)
{
	switch (e->field) {
	case EXPR_F_SPORT:
	case EXPR_F_DPORT:
		return PRED_KERNEL;
	case EXPR_F_SRC:
	case EXPR_F_DST:
		return e->addr.family == AF_UNIX ? PRED_UNIX_ONLY : PRED_KERNEL;
	case EXPR_F_PATH:
	case EXPR_F_PEER_COMM:
		return PRED_UNIX_ONLY;
	default:
		return PRED_UNKNOWN;
	}
}

static int prefix_match(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned i;

	for (i = 0; i < bits; i++) {
		unsigned m = 0x80u >> (i % 8);
		if ((a[i / 8] & m) != (b[i / 8] & m))
			return 0;
	}
	return 1;
}

static int ref_addr(const struct expr_addr *a, const uint8_t *addr,
		    unsigned port, const struct sock_rec *r)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };

	if (a->has_port && a->port != port)
		return 0;
	switch (a->family) {
	case 0:
		return 1;
	case AF_INET:
		if (r->family == AF_INET)
			return prefix_match(addr, a->addr, a->prefix);
		return memcmp(addr, mapped, 12) == 0 &&
		       prefix_match(addr + 12, a->addr, a->prefix);
	case AF_INET6:
		return r->family == AF_INET6 &&
		       prefix_match(addr, a->addr, a->prefix);
	}
	fail_msg("unexpected address family %d", a->family);
	return 0;
}

static int ref_cmp(enum expr_op op, uint64_t have, uint64_t want)
{
	switch (op) {
	case EXPR_OP_EQ:
		return have == want;
	case EXPR_OP_NE:
		return have != want;
	case EXPR_OP_LT:
		return have < want;
	case EXPR_OP_LE:
		return have <= want;
	case EXPR_OP_GT:
		return have > want;
	case EXPR_OP_GE:
		return have >= want;
	}
	return 0;
}

/* e on r, with predicate number pos of those the kernel cannot test taken
 * as bit pos of assign. With assign 0 it is expr_match() without owner
 * facts on records without a uid (the expressions here compare inodes
 * and uids with 1, and records have inode 0), which check_expr() makes
 * sure of. */
static int ref_match(const struct expr *e, const struct sock_rec *r,
		     unsigned assign)
{
	int m;

	switch (e->kind) {
	case EXPR_AND:
		return ref_match(e->left, r, assign) &&
		       ref_match(e->right, r, assign);
	case EXPR_OR:
		return ref_match(e->left, r, assign) ||
		       ref_match(e->right, r, assign);
	case EXPR_NOT:
		return !ref_match(e->left, r, assign);
	case EXPR_PRED:
		break;
	}
	if (pred_kind(e) == PRED_UNIX_ONLY)
		return 0;
	if (pred_kind(e) == PRED_UNKNOWN)
		return (assign >> e->pos) & 1u;
	switch (e->field) {
	case EXPR_F_SPORT:
		return ref_cmp(e->op, r->sport, e->num);
	case EXPR_F_DPORT:
		return ref_cmp(e->op, r->dport, e->num);
	case EXPR_F_SRC:
	case EXPR_F_DST:
		m = e->field == EXPR_F_SRC
			    ? ref_addr(&e->addr, r->src, r->sport, r)
			    : ref_addr(&e->addr, r->dst, r->dport, r);
		return e->op == EXPR_OP_NE ? !m : m;
	default:
		return 0;
	}
}

/* How many predicates the kernel cannot test (numbered 0..n-1). */
static unsigned count_unknown(const struct expr *e)
{
	if (e == NULL)
		return 0;
	if (e->kind != EXPR_PRED)
		return count_unknown(e->left) + count_unknown(e->right);
	return pred_kind(e) == PRED_UNKNOWN ? 1 : 0;
}

/* ---- socket records -------------------------------------------------- */

static struct sock_rec mkrec(int family, const char *src, unsigned sport,
			     const char *dst, unsigned dport)
{
	struct sock_rec r;

	memset(&r, 0, sizeof(r));
	r.netid = SOCK_NETID_TCP;
	r.family = (uint8_t)family;
	r.state = SOCK_ST_ESTABLISHED;
	r.sport = (uint16_t)sport;
	r.dport = (uint16_t)dport;
	assert_int_equal(inet_pton(family, src, r.src), 1);
	assert_int_equal(inet_pton(family, dst, r.dst), 1);
	return r;
}

struct recs {
	struct sock_rec v[32];
	size_t n;
};

static void recs_fill(struct recs *rs)
{
	static const struct {
		int family;
		const char *src;
		unsigned sport;
		const char *dst;
		unsigned dport;
	} t[] = {
		{ AF_INET, "127.0.0.1", 22, "0.0.0.0", 0 },
		{ AF_INET, "0.0.0.0", 443, "0.0.0.0", 0 },
		{ AF_INET, "127.0.0.1", 41000, "127.0.0.1", 443 },
		{ AF_INET, "127.0.0.1", 443, "127.0.0.1", 41000 },
		{ AF_INET, "10.1.2.3", 80, "192.168.1.9", 5555 },
		{ AF_INET, "10.255.0.1", 1, "192.168.2.9", 65535 },
		{ AF_INET, "0.0.0.0", 0, "0.0.0.0", 0 },
		{ AF_INET, "127.0.0.2", 65535, "10.1.2.3", 1023 },
		{ AF_INET, "128.0.0.1", 1024, "1.2.3.4", 1024 },
		{ AF_INET6, "::1", 22, "::", 0 },
		{ AF_INET6, "::", 443, "::", 0 },
		{ AF_INET6, "::ffff:127.0.0.1", 8080, "::ffff:10.1.2.3", 443 },
		{ AF_INET6, "::ffff:10.1.2.3", 443, "::ffff:127.0.0.1", 8080 },
		{ AF_INET6, "2001:db8::1", 80, "2001:db8:1::2", 65535 },
		{ AF_INET6, "2001:db9::1", 1, "fe80::1", 1024 },
		{ AF_INET6, "::127.0.0.1", 22, "::1", 41000 },
		{ AF_INET6, "::fffe:127.0.0.1", 22, "::1", 0 },
		{ AF_INET6, "::ffff:0.0.0.0", 0, "::", 0 },
		{ AF_INET6, "::1", 65535, "::1", 1 },
	};
	size_t i;

	rs->n = 0;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		rs->v[rs->n++] = mkrec(t[i].family, t[i].src, t[i].sport,
				       t[i].dst, t[i].dport);
}

/* ---- the checks ------------------------------------------------------- */

/* For both families: the program compiles, passes the audit, and on every
 * record accepts each socket some truth assignment of the unknown
 * predicates matches; with no unknown predicates, exactly those. */
static void check_expr(const struct expr *e, const struct recs *rs,
		       const char *what)
{
	static const int fams[2] = { AF_INET, AF_INET6 };
	unsigned char prog[INET_DIAG_BC_MAX];
	unsigned nunk = count_unknown(e);
	size_t len, i;
	int f;

	assert_true(nunk <= 8);
	for (f = 0; f < 2; f++) {
		if (bc_compile(e, fams[f], prog, sizeof(prog), &len) != 0)
			fail_msg("%s: does not compile for family %d", what,
				 fams[f]);
		if (len > 0 && bc_audit(prog, len) != 0)
			fail_msg("%s: the audit refuses the program", what);
		for (i = 0; i < rs->n; i++) {
			const struct sock_rec *r = &rs->v[i];
			unsigned a;
			int any = 0, got;

			if (r->family != fams[f])
				continue;
			if (ref_match(e, r, 0) != expr_match(e, r, NULL))
				fail_msg("%s: the reference and expr_match() "
					 "disagree on record %zu",
					 what, i);
			for (a = 0; a < (1u << nunk); a++)
				any |= ref_match(e, r, a);
			got = bc_run(prog, len, r);
			if (any && got != 1)
				fail_msg("%s: record %zu dropped (family %d)",
					 what, i, fams[f]);
			if (nunk == 0 && got != any)
				fail_msg("%s: record %zu accepted, but the "
					 "expression does not match it",
					 what, i);
		}
	}
}

/* The expression is checked and freed. */
static void check_and_free(struct expr *e, const struct recs *rs,
			   const char *what)
{
	check_expr(e, rs, what);
	ex_free(e);
}

static void test_ports(void **state)
{
	static const enum expr_op ops[] = { EXPR_OP_EQ, EXPR_OP_NE,
					    EXPR_OP_LT, EXPR_OP_LE,
					    EXPR_OP_GT, EXPR_OP_GE };
	static const uint64_t nums[] = { 0,     1,     2,     22,
					 443,   1023,  1024,  41000,
					 65534, 65535, 65536, 70000,
					 UINT64_MAX };
	struct recs rs;
	char what[64];
	size_t o, n;
	int side;
	(void)state;

	recs_fill(&rs);
	for (side = 0; side < 2; side++)
		for (o = 0; o < sizeof(ops) / sizeof(ops[0]); o++)
			for (n = 0; n < sizeof(nums) / sizeof(nums[0]); n++) {
				snprintf(what, sizeof(what), "%s op%zu %llu",
					 side ? "dport" : "sport", o,
					 (unsigned long long)nums[n]);
				check_and_free(
					ex_port(side ? EXPR_F_DPORT
						     : EXPR_F_SPORT,
						ops[o], nums[n]),
					&rs, what);
			}
}

static const char *const hosts[] = {
	"127.0.0.1",      "127.0.0.1:22",    "127.0.0.0/8",
	"127.0.0.0/8:443", "10.1.2.3",       "10.0.0.0/7",
	"0.0.0.0",        "0.0.0.0/0",       "0.0.0.0/0:443",
	"128.0.0.0/1",    "192.168.1.9:5555", "::1",
	"[::1]:22",       "::",              "::/0",
	"[::/0]:443",     "2001:db8::/32",   "2001:db8::/31",
	"::ffff:127.0.0.1", "::ffff:0.0.0.0/96", "[::ffff:10.1.2.3]:443",
	"fe80::/10",      "*",               "*:443",
	":22",            "*:0",
};

static void test_hosts(void **state)
{
	struct recs rs;
	char what[96];
	size_t h;
	int side, ne;
	(void)state;

	recs_fill(&rs);
	for (side = 0; side < 2; side++)
		for (ne = 0; ne < 2; ne++)
			for (h = 0; h < sizeof(hosts) / sizeof(hosts[0]);
			     h++) {
				snprintf(what, sizeof(what), "%s %s %s",
					 side ? "dst" : "src", ne ? "!=" : "=",
					 hosts[h]);
				check_and_free(
					ex_host(side ? EXPR_F_DST : EXPR_F_SRC,
						ne ? EXPR_OP_NE : EXPR_OP_EQ,
						hosts[h]),
					&rs, what);
			}
}

static void test_combinations(void **state)
{
	struct recs rs;
	(void)state;

	recs_fill(&rs);
	check_and_free(ex_or(ex_port(EXPR_F_SPORT, EXPR_OP_EQ, 22),
			     ex_port(EXPR_F_DPORT, EXPR_OP_EQ, 443)),
		       &rs, "sport = :22 or dport = :443");
	check_and_free(ex_not(ex_or(ex_port(EXPR_F_SPORT, EXPR_OP_EQ, 22),
				    ex_port(EXPR_F_SPORT, EXPR_OP_EQ, 443))),
		       &rs, "not (sport = :22 or sport = :443)");
	check_and_free(
		ex_or(ex_and(ex_host(EXPR_F_SRC, EXPR_OP_EQ, "127.0.0.0/8"),
			     ex_port(EXPR_F_DPORT, EXPR_OP_GE, 1000)),
		      ex_not(ex_host(EXPR_F_DST, EXPR_OP_EQ, "::1"))),
		&rs, "(src 127/8 and dport >= 1000) or not dst ::1");
	check_and_free(
		ex_not(ex_not(ex_and(ex_port(EXPR_F_SPORT, EXPR_OP_GT, 21),
				     ex_port(EXPR_F_SPORT, EXPR_OP_LT, 444)))),
		&rs, "not not (sport > 21 and sport < 444)");
	check_and_free(
		ex_and(ex_not(ex_or(ex_host(EXPR_F_SRC, EXPR_OP_EQ, "::1"),
				    ex_host(EXPR_F_SRC, EXPR_OP_EQ,
					    "127.0.0.1"))),
		       ex_or(ex_not(ex_port(EXPR_F_DPORT, EXPR_OP_LE, 1023)),
			     ex_host(EXPR_F_DST, EXPR_OP_NE, "*:0"))),
		&rs, "not (src ::1 or src 127.0.0.1) and (...)");
	/* an IPv6 condition folds to false in AF_INET dumps, inside an or */
	check_and_free(ex_or(ex_host(EXPR_F_SRC, EXPR_OP_EQ, "::1"),
			     ex_port(EXPR_F_SPORT, EXPR_OP_EQ, 443)),
		       &rs, "src ::1 or sport = :443");
	check_and_free(ex_and(ex_host(EXPR_F_SRC, EXPR_OP_NE, "::1"),
			      ex_port(EXPR_F_SPORT, EXPR_OP_EQ, 443)),
		       &rs, "src != ::1 and sport = :443");
}

/* ---- byte-exact programs --------------------------------------------- */

struct prog {
	unsigned char b[128];
	size_t len;
};

static void put_op(struct prog *p, unsigned code, unsigned yes, unsigned no)
{
	struct inet_diag_bc_op op = { (unsigned char)code,
				      (unsigned char)yes,
				      (unsigned short)no };

	memcpy(p->b + p->len, &op, sizeof(op));
	p->len += sizeof(op);
}

static void put_cond(struct prog *p, unsigned family, unsigned prefix,
		     int port, const char *addr)
{
	struct inet_diag_hostcond hc;

	memset(&hc, 0, sizeof(hc));
	hc.family = (uint8_t)family;
	hc.prefix_len = (uint8_t)prefix;
	hc.port = port;
	memcpy(p->b + p->len, &hc, sizeof(hc));
	p->len += sizeof(hc);
	if (family != AF_UNSPEC) {
		assert_int_equal(inet_pton((int)family, addr, p->b + p->len),
				 1);
		p->len += family == AF_INET ? 4 : 16;
	}
}

static void assert_prog(struct expr *e, int family, const struct prog *want)
{
	unsigned char got[INET_DIAG_BC_MAX];
	size_t len;

	assert_int_equal(bc_compile(e, family, got, sizeof(got), &len), 0);
	assert_int_equal(len, want->len);
	assert_memory_equal(got, want->b, len);
	ex_free(e);
}

/* Number the predicates the kernel cannot test 0, 1, ... (in pos), for
 * parsed expressions whose pos is a column. */
static void renumber(struct expr *e, unsigned *next)
{
	if (e == NULL)
		return;
	if (e->kind == EXPR_PRED) {
		if (pred_kind(e) == PRED_UNKNOWN)
			e->pos = (*next)++;
		return;
	}
	renumber(e->left, next);
	renumber(e->right, next);
}

/* Filters as users write them, through the real parser. */
static void test_parsed(void **state)
{
	static const char *const texts[] = {
		"sport = :22",
		"dport != :443",
		"sport < :1024",
		"sport > :1023 and dport <= :1024",
		"( dport >= :1024 and dport <= :2000 ) or src 127.0.0.1",
		"src 127.0.0.0/8",
		"dst [::1]:443",
		"src [::ffff:127.0.0.1]",
		"not src ::1",
		"dst *:443",
		"src *",
		"src 0.0.0.0/0",
		"dst 10.0.0.0/8 or dst [2001:db8::]/32",
		"sport gt :1023 and not ( dport eq :22 or dport eq :443 )",
		"src unix:/run/*",
		"path /tmp/* or sport = :22",
		"not peer_comm x",
		"pid 1 and sport = :22",
		"not ( comm sshd or dport = :22 )",
		"uid 0 or inode 5",
		"not ( user root and ( src ::1 or dport < :100 ) )",
	};
	struct recs rs;
	struct sc_err err;
	struct expr *e;
	size_t i;
	unsigned n;
	(void)state;

	recs_fill(&rs);
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		e = NULL;
		if (expr_parse_text(texts[i], strlen(texts[i]), &e, &err) != 0)
			fail_msg("'%s' does not parse: %s", texts[i], err.msg);
		assert_non_null(e);
		n = 0;
		renumber(e, &n);
		check_expr(e, &rs, texts[i]);
		expr_free(e);
	}
}

/* e compiles for family to the same program as want. */
static void assert_same_prog(struct expr *e, struct expr *want, int family)
{
	unsigned char a[INET_DIAG_BC_MAX], b[INET_DIAG_BC_MAX];
	size_t la, lb;

	assert_int_equal(bc_compile(e, family, a, sizeof(a), &la), 0);
	assert_int_equal(bc_compile(want, family, b, sizeof(b), &lb), 0);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	ex_free(e);
	ex_free(want);
}

static size_t prog_len(struct expr *e, int family)
{
	unsigned char p[INET_DIAG_BC_MAX];
	size_t len = 99;

	assert_int_equal(bc_compile(e, family, p, sizeof(p), &len), 0);
	ex_free(e);
	return len;
}

static void test_unknown_predicates(void **state)
{
	static const enum expr_field others[] = {
		EXPR_F_PID, EXPR_F_COMM, EXPR_F_UID, EXPR_F_USER, EXPR_F_INODE,
	};
	struct prog reject;
	struct recs rs;
	size_t i;
	(void)state;

	recs_fill(&rs);
	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		/* alone, in either polarity, nothing is pushed */
		assert_int_equal(prog_len(ex_other(others[i], 0), AF_INET), 0);
		assert_int_equal(prog_len(ex_not(ex_other(others[i], 0)),
					  AF_INET6),
				 0);
		/* "and" keeps the kernel's part */
		assert_same_prog(
			ex_and(ex_other(others[i], 0),
			       ex_port(EXPR_F_SPORT, EXPR_OP_EQ, 22)),
			ex_port(EXPR_F_SPORT, EXPR_OP_EQ, 22), AF_INET);
		/* "or" with an unknown side is everything */
		assert_int_equal(prog_len(ex_or(ex_other(others[i], 0),
						ex_port(EXPR_F_SPORT,
							EXPR_OP_EQ, 22)),
					  AF_INET),
				 0);
		/* not (p and k): true when p is false, whatever k is */
		assert_int_equal(
			prog_len(ex_not(ex_and(ex_other(others[i], 0),
					       ex_port(EXPR_F_SPORT,
						       EXPR_OP_EQ, 22))),
				 AF_INET6),
			0);
		/* not (p or k) implies not k */
		assert_same_prog(
			ex_not(ex_or(ex_other(others[i], 0),
				     ex_port(EXPR_F_SPORT, EXPR_OP_EQ, 22))),
			ex_port(EXPR_F_SPORT, EXPR_OP_NE, 22), AF_INET6);
	}
	/* Unix names and peers: no TCP or UDP socket has them */
	memset(&reject, 0, sizeof(reject));
	put_op(&reject, INET_DIAG_BC_JMP, 4, 8);
	assert_prog(ex_host(EXPR_F_SRC, EXPR_OP_EQ, "unix:/run/*"), AF_INET,
		    &reject);
	assert_prog(ex_other(EXPR_F_PATH, 0), AF_INET6, &reject);
	assert_prog(ex_other(EXPR_F_PEER_COMM, 0), AF_INET, &reject);
	assert_int_equal(prog_len(ex_not(ex_other(EXPR_F_PATH, 0)), AF_INET),
			 0);
	assert_same_prog(ex_and(ex_host(EXPR_F_SRC, EXPR_OP_NE, "unix:/x"),
				ex_port(EXPR_F_DPORT, EXPR_OP_EQ, 443)),
			 ex_port(EXPR_F_DPORT, EXPR_OP_EQ, 443), AF_INET);
	assert_same_prog(ex_or(ex_other(EXPR_F_PATH, 0),
			       ex_port(EXPR_F_DPORT, EXPR_OP_EQ, 443)),
			 ex_port(EXPR_F_DPORT, EXPR_OP_EQ, 443), AF_INET6);
	check_and_free(ex_or(ex_host(EXPR_F_DST, EXPR_OP_EQ, "unix:*"),
			     ex_not(ex_other(EXPR_F_PEER_COMM, 0))),
		       &rs, "dst unix:* or not peer_comm");

	/* the superset over every truth assignment of the unknowns */
	check_and_free(
		ex_or(ex_and(ex_other(EXPR_F_PID, 0),
			     ex_port(EXPR_F_SPORT, EXPR_OP_EQ, 22)),
		      ex_not(ex_and(ex_other(EXPR_F_COMM, 1),
				    ex_not(ex_port(EXPR_F_DPORT, EXPR_OP_LT,
						   1024))))),
		&rs, "(pid and sport = 22) or not (comm and not dport < 1024)");
	check_and_free(
		ex_not(ex_or(ex_and(ex_other(EXPR_F_UID, 0),
				    ex_host(EXPR_F_SRC, EXPR_OP_EQ,
					    "127.0.0.0/8")),
			     ex_not(ex_or(ex_other(EXPR_F_INODE, 1),
					  ex_host(EXPR_F_DST, EXPR_OP_EQ,
						  "::1"))))),
		&rs, "not ((uid and src 127/8) or not (inode or dst ::1))");
	check_and_free(ex_and(ex_not(ex_other(EXPR_F_PATH, 0)),
			      ex_or(ex_other(EXPR_F_USER, 1),
				    ex_port(EXPR_F_DPORT, EXPR_OP_GT, 1024))),
		       &rs, "not path and (user or dport > 1024)");
}

static void test_exact_programs(void **state)
{
	struct prog p;
	(void)state;

	/* sport = :22 -- a port-only host condition, as ss sends it; on a
	 * little-endian machine these are the bytes ss 6.1 sends too, but
	 * for the 4 unused address bytes ss appends */
	memset(&p, 0, sizeof(p));
	put_op(&p, INET_DIAG_BC_S_COND, 12, 16);
	put_cond(&p, AF_UNSPEC, 0, 22, NULL);
	assert_prog(ex_port(EXPR_F_SPORT, EXPR_OP_EQ, 22), AF_INET, &p);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	{
		static const unsigned char le[12] = { 7, 12, 16, 0, 0, 0,
						      0, 0, 22, 0, 0, 0 };
		assert_memory_equal(p.b, le, sizeof(le));
	}
#endif

	/* dport >= 1024: the port in a second operation's "no" */
	memset(&p, 0, sizeof(p));
	put_op(&p, INET_DIAG_BC_D_GE, 8, 12);
	put_op(&p, 0, 0, 1024);
	assert_prog(ex_port(EXPR_F_DPORT, EXPR_OP_GE, 1024), AF_INET6, &p);

	/* sport < 1024 is sport <= 1023; dport > 1023 is dport >= 1024 */
	memset(&p, 0, sizeof(p));
	put_op(&p, INET_DIAG_BC_S_LE, 8, 12);
	put_op(&p, 0, 0, 1023);
	assert_prog(ex_port(EXPR_F_SPORT, EXPR_OP_LT, 1024), AF_INET, &p);
	memset(&p, 0, sizeof(p));
	put_op(&p, INET_DIAG_BC_D_GE, 8, 12);
	put_op(&p, 0, 0, 1024);
	assert_prog(ex_port(EXPR_F_DPORT, EXPR_OP_GT, 1023), AF_INET, &p);

	/* src 127.0.0.0/8 in either family's dump (mapped in AF_INET6) */
	memset(&p, 0, sizeof(p));
	put_op(&p, INET_DIAG_BC_S_COND, 16, 20);
	put_cond(&p, AF_INET, 8, -1, "127.0.0.0");
	assert_prog(ex_host(EXPR_F_SRC, EXPR_OP_EQ, "127.0.0.0/8"), AF_INET,
		    &p);
	assert_prog(ex_host(EXPR_F_SRC, EXPR_OP_EQ, "127.0.0.0/8"), AF_INET6,
		    &p);

	/* dst [::1]:443 */
	memset(&p, 0, sizeof(p));
	put_op(&p, INET_DIAG_BC_D_COND, 28, 32);
	put_cond(&p, AF_INET6, 128, 443, "::1");
	assert_prog(ex_host(EXPR_F_DST, EXPR_OP_EQ, "[::1]:443"), AF_INET6,
		    &p);

	/* an IPv6 address in an AF_INET dump: one jump past the end */
	memset(&p, 0, sizeof(p));
	put_op(&p, INET_DIAG_BC_JMP, 4, 8);
	assert_prog(ex_host(EXPR_F_DST, EXPR_OP_EQ, "[::1]:443"), AF_INET, &p);
	assert_prog(ex_port(EXPR_F_SPORT, EXPR_OP_LT, 0), AF_INET6, &p);

	/* not sport = :22: the condition, then a jump to "reject" */
	memset(&p, 0, sizeof(p));
	put_op(&p, INET_DIAG_BC_S_COND, 12, 16);
	put_cond(&p, AF_UNSPEC, 0, 22, NULL);
	put_op(&p, INET_DIAG_BC_JMP, 4, 8);
	assert_prog(ex_port(EXPR_F_SPORT, EXPR_OP_NE, 22), AF_INET, &p);

	/* sport = :22 or dport = :22 */
	memset(&p, 0, sizeof(p));
	put_op(&p, INET_DIAG_BC_S_COND, 12, 16);
	put_cond(&p, AF_UNSPEC, 0, 22, NULL);
	put_op(&p, INET_DIAG_BC_JMP, 4, 16);
	put_op(&p, INET_DIAG_BC_D_COND, 12, 16);
	put_cond(&p, AF_UNSPEC, 0, 22, NULL);
	assert_prog(ex_or(ex_port(EXPR_F_SPORT, EXPR_OP_EQ, 22),
			  ex_port(EXPR_F_DPORT, EXPR_OP_EQ, 22)),
		    AF_INET, &p);

	/* sport >= 1000 and sport <= 2000: both fail to 4 past the end */
	memset(&p, 0, sizeof(p));
	put_op(&p, INET_DIAG_BC_S_GE, 8, 20);
	put_op(&p, 0, 0, 1000);
	put_op(&p, INET_DIAG_BC_S_LE, 8, 12);
	put_op(&p, 0, 0, 2000);
	assert_prog(ex_and(ex_port(EXPR_F_SPORT, EXPR_OP_GE, 1000),
			   ex_port(EXPR_F_SPORT, EXPR_OP_LE, 2000)),
		    AF_INET, &p);

	/* nothing to push */
	assert_int_equal(prog_len(ex_port(EXPR_F_SPORT, EXPR_OP_GE, 0),
				  AF_INET),
			 0);
	assert_int_equal(prog_len(ex_host(EXPR_F_SRC, EXPR_OP_EQ, "*"),
				  AF_INET6),
			 0);
	{
		unsigned char b[8];
		size_t len = 99;

		assert_int_equal(bc_compile(NULL, AF_INET, b, sizeof(b), &len),
				 0);
		assert_int_equal(len, 0);
		/* only inet dumps take programs */
		assert_int_equal(bc_compile(NULL, AF_UNIX, b, sizeof(b), &len),
				 -1);
	}
}

/* dport = lo or ... or dport = hi, as a balanced tree */
static struct expr *ports_or(unsigned lo, unsigned hi)
{
	unsigned mid = lo + (hi - lo) / 2;

	if (lo == hi)
		return ex_port(EXPR_F_DPORT, EXPR_OP_EQ, lo);
	return ex_or(ports_or(lo, mid), ports_or(mid + 1, hi));
}

static void test_cap(void **state)
{
	unsigned char buf[INET_DIAG_BC_MAX];
	struct expr *e, *d;
	size_t len = 99;
	unsigned i;
	(void)state;

	e = ex_port(EXPR_F_SPORT, EXPR_OP_EQ, 22);
	assert_int_equal(bc_compile(e, AF_INET, buf, 11, &len), -1);
	assert_int_equal(len, 0);
	assert_int_equal(bc_compile(e, AF_INET, buf, 12, &len), 0);
	assert_int_equal(len, 12);
	ex_free(e);

	/* 400 ports or'ed: 400 * 12 + 399 * 4 bytes */
	e = ports_or(1, 400);
	len = 99;
	assert_int_equal(bc_compile(e, AF_INET6, buf, sizeof(buf), &len), -1);
	assert_int_equal(len, 0);
	/* ... which "or pid" would make "true": no program, no error */
	e = ex_or(e, ex_other(EXPR_F_PID, 0));
	assert_int_equal(bc_compile(e, AF_INET6, buf, sizeof(buf), &len), 0);
	assert_int_equal(len, 0);
	ex_free(e);

	/* too deep to compile, however little it says */
	d = ex_port(EXPR_F_SPORT, EXPR_OP_EQ, 22);
	for (i = 0; i < BC_DEPTH_MAX + 2; i++)
		d = ex_not(d);
	assert_int_equal(bc_compile(d, AF_INET, buf, sizeof(buf), &len), -1);
	ex_free(d);
}

/* ---- audit ---------------------------------------------------------- */

static void test_audit(void **state)
{
	struct prog p;
	struct sock_rec r = mkrec(AF_INET, "127.0.0.1", 22, "0.0.0.0", 0);
	(void)state;

	/* an empty program is not sent; the kernel would refuse it */
	assert_int_equal(bc_audit(p.b, 0), -1);
	assert_int_equal(bc_run(p.b, 0, &r), 1);

	/* a jump into the middle of an operation */
	memset(&p, 0, sizeof(p));
	put_op(&p, INET_DIAG_BC_S_GE, 8, 4);
	put_op(&p, 0, 0, 22);
	assert_int_equal(bc_audit(p.b, p.len), -1);
	assert_int_equal(bc_run(p.b, p.len, &r), -1);

	/* a jump past "reject" */
	memset(&p, 0, sizeof(p));
	put_op(&p, INET_DIAG_BC_JMP, 4, 12);
	assert_int_equal(bc_audit(p.b, p.len), -1);

	/* a host condition cut short, one with a prefix too long */
	memset(&p, 0, sizeof(p));
	put_op(&p, INET_DIAG_BC_S_COND, 12, 16);
	put_cond(&p, AF_INET, 32, -1, "127.0.0.1");
	assert_int_equal(bc_audit(p.b, 12), -1);
	memset(&p, 0, sizeof(p));
	put_op(&p, INET_DIAG_BC_S_COND, 16, 20);
	put_cond(&p, AF_INET, 33, -1, "127.0.0.1");
	assert_int_equal(bc_audit(p.b, p.len), -1);
	/* a port-only condition may not have a prefix */
	memset(&p, 0, sizeof(p));
	put_op(&p, INET_DIAG_BC_S_COND, 12, 16);
	put_cond(&p, AF_UNSPEC, 1, 22, NULL);
	assert_int_equal(bc_audit(p.b, p.len), -1);

	/* a length not a multiple of 4; operations sockscope never sends */
	memset(&p, 0, sizeof(p));
	put_op(&p, INET_DIAG_BC_NOP, 4, 0);
	assert_int_equal(bc_audit(p.b, 4), 0);
	assert_int_equal(bc_audit(p.b, 6), -1);
	memset(&p, 0, sizeof(p));
	put_op(&p, INET_DIAG_BC_AUTO, 4, 8);
	assert_int_equal(bc_audit(p.b, p.len), -1);

	/* S_EQ, which ss never sends, is run as the kernel runs it */
	memset(&p, 0, sizeof(p));
	put_op(&p, INET_DIAG_BC_S_EQ, 8, 12);
	put_op(&p, 0, 0, 22);
	assert_int_equal(bc_run(p.b, p.len, &r), 1);
	r.sport = 23;
	assert_int_equal(bc_run(p.b, p.len, &r), 0);
}

/* ---- random expressions ---------------------------------------------- */

struct gen {
	uint64_t s;
	const uint64_t *ports;
	size_t nports;
	const char *const *hosts;
	size_t nhosts;
	unsigned nunk;
};

static unsigned gen_next(struct gen *g, unsigned n)
{
	g->s ^= g->s << 13;
	g->s ^= g->s >> 7;
	g->s ^= g->s << 17;
	return (unsigned)(g->s % n);
}

static struct expr *gen_expr(struct gen *g, unsigned depth)
{
	static const enum expr_field others[] = {
		EXPR_F_PID,  EXPR_F_COMM,      EXPR_F_UID,
		EXPR_F_USER, EXPR_F_PATH,      EXPR_F_PEER_COMM,
		EXPR_F_INODE,
	};
	unsigned k = gen_next(g, depth > 0 ? 10 : 5), f;

	switch (k) {
	case 0:
	case 1:
		return ex_port(gen_next(g, 2) ? EXPR_F_SPORT : EXPR_F_DPORT,
			       (enum expr_op)gen_next(g, 6),
			       g->ports[gen_next(g, (unsigned)g->nports)]);
	case 2:
	case 3:
		return ex_host(gen_next(g, 2) ? EXPR_F_SRC : EXPR_F_DST,
			       gen_next(g, 3) ? EXPR_OP_EQ : EXPR_OP_NE,
			       g->hosts[gen_next(g, (unsigned)g->nhosts)]);
	case 4:
		f = gen_next(g, 7);
		if (others[f] == EXPR_F_PATH || others[f] == EXPR_F_PEER_COMM)
			return ex_other(others[f], 0);
		if (g->nunk < 4)
			return ex_other(others[f], g->nunk++);
		return ex_port(EXPR_F_DPORT, EXPR_OP_NE, 0);
	case 5:
	case 6:
		return ex_not(gen_expr(g, depth - 1));
	case 7:
		return ex_or(gen_expr(g, depth - 1), gen_expr(g, depth - 1));
	default:
		return ex_and(gen_expr(g, depth - 1), gen_expr(g, depth - 1));
	}
}

static const uint64_t gen_ports[] = { 0,    1,    22,    443,   1023,
				      1024, 8080, 41000, 65535, 65536 };

static void test_random(void **state)
{
	struct gen g = { .s = 0x9e3779b97f4a7c15ull,
			 .ports = gen_ports,
			 .nports = sizeof(gen_ports) / sizeof(gen_ports[0]),
			 .hosts = hosts,
			 .nhosts = sizeof(hosts) / sizeof(hosts[0]) };
	struct recs rs;
	char what[32];
	unsigned i;
	(void)state;

	recs_fill(&rs);
	for (i = 0; i < 3000; i++) {
		g.nunk = 0;
		snprintf(what, sizeof(what), "random expression %u", i);
		check_and_free(gen_expr(&g, 5), &rs, what);
	}
}

/* ---- the kernel itself ------------------------------------------------ */

#define LIVE_MAX 16

struct live {
	int fd[LIVE_MAX];
	uint64_t ino[LIVE_MAX];
	size_t n;
	unsigned port4, port6dual, port6;
	int have6;
	/* what a dump returned of these sockets */
	struct sock_rec got[LIVE_MAX];
	size_t ngot;
};

static void live_add(struct live *l, int fd)
{
	struct stat st;

	assert_true(fd >= 0);
	assert_true(l->n < LIVE_MAX);
	assert_int_equal(fstat(fd, &st), 0);
	l->fd[l->n] = fd;
	l->ino[l->n] = (uint64_t)st.st_ino;
	l->n++;
}

/* A listener on addr port 0; returns its port (0 if it cannot). */
static unsigned live_listen(struct live *l, int family, const char *addr,
			    int v6only)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return 0;
	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		assert_int_equal(inet_pton(AF_INET, addr, &s4->sin_addr), 1);
		sl = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		assert_int_equal(inet_pton(AF_INET6, addr, &s6->sin6_addr), 1);
		sl = sizeof(*s6);
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only,
			       sizeof(v6only)) != 0) {
			close(fd);
			return 0;
		}
	}
	if (bind(fd, (struct sockaddr *)&ss, sl) != 0 || listen(fd, 8) != 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) {
		close(fd);
		return 0;
	}
	live_add(l, fd);
	return family == AF_INET
		       ? ntohs(((struct sockaddr_in *)&ss)->sin_port)
		       : ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

/* A connection from a client to addr:port, which lfd accepts. Returns 0,
 * or -1 if it cannot connect (no loopback in this namespace). */
static int live_connect(struct live *l, int family, const char *addr,
			unsigned port, int lfd)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		assert_int_equal(inet_pton(AF_INET, addr, &s4->sin_addr), 1);
		sl = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		assert_int_equal(inet_pton(AF_INET6, addr, &s6->sin6_addr), 1);
		sl = sizeof(*s6);
	}
	if (connect(fd, (struct sockaddr *)&ss, sl) != 0) {
		close(fd);
		return -1;
	}
	live_add(l, fd);
	live_add(l, accept(lfd, NULL, NULL));
	return 0;
}

static int live_build(struct live *l)
{
	int l4, l6d, l6;

	memset(l, 0, sizeof(*l));
	l->port4 = live_listen(l, AF_INET, "127.0.0.1", 0);
	if (l->port4 == 0)
		return -1;
	l4 = l->fd[l->n - 1];
	if (live_connect(l, AF_INET, "127.0.0.1", l->port4, l4) != 0)
		return -1;
	l->port6dual = live_listen(l, AF_INET6, "::", 0);
	if (l->port6dual == 0)
		return 0; /* no IPv6 here: the AF_INET part still runs */
	l6d = l->fd[l->n - 1];
	l->port6 = live_listen(l, AF_INET6, "::1", 1);
	if (l->port6 == 0)
		return 0;
	l6 = l->fd[l->n - 1];
	/* an IPv4 client of a dual-stack listener: the accepted socket is
	 * AF_INET6 with IPv4-mapped addresses */
	l->have6 = live_connect(l, AF_INET, "127.0.0.1", l->port6dual, l6d) ==
			   0 &&
		   live_connect(l, AF_INET6, "::1", l->port6, l6) == 0;
	return 0;
}

static void live_close(struct live *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		close(l->fd[i]);
	l->n = 0;
}

static int live_msg(const struct nlmsghdr *nlh, void *ud)
{
	struct live *l = ud;
	struct sock_rec r;
	size_t i;

	assert_int_equal(inet_diag_parse(nlh, SOCK_NETID_TCP, &r), 0);
	for (i = 0; i < l->n; i++)
		if (l->ino[i] == r.inode && r.inode != 0) {
			assert_true(l->ngot < LIVE_MAX);
			l->got[l->ngot++] = r;
		}
	return 0;
}

/* A TCP dump of family with the program; the sockets of l it returned
 * are in l->got. Returns 0, or the kernel's errno. */
static int live_dump(struct nl_sock *nl, struct live *l, int family,
		     const unsigned char *bc, size_t bclen)
{
	unsigned char rbuf[NL_RECV_BUF];
	unsigned char req[INET_DIAG_REQ_BUF];
	struct inet_diag_want w = { .states = SOCK_STATES_ALL,
				    .bytecode = bc,
				    .bytecode_len = bclen };
	struct nl_walk walk;
	struct nlmsghdr *nlh;
	struct sc_err err;
	enum nl_walk_status st = NL_WALK_MORE;

	l->ngot = 0;
	nlh = inet_diag_build_req(req, sizeof(req), family, IPPROTO_TCP, &w);
	assert_non_null(nlh);
	assert_int_equal(nl_send(nl, nlh, &err), 0);
	memset(&walk, 0, sizeof(walk));
	walk.seq = nl->seq;
	walk.portid = nl->portid;
	while (st == NL_WALK_MORE) {
		ssize_t n = nl_recv(nl, rbuf, sizeof(rbuf), &err);

		assert_true(n >= 0);
		st = nl_walk_chunk(rbuf, (size_t)n, &walk, live_msg, l);
	}
	if (st == NL_WALK_ERROR)
		return walk.kernel_errno != 0 ? walk.kernel_errno : EPROTO;
	assert_int_equal(st, NL_WALK_DONE);
	return 0;
}

static int live_has(const struct live *l, uint64_t ino)
{
	size_t i;

	for (i = 0; i < l->ngot; i++)
		if (l->got[i].inode == ino)
			return 1;
	return 0;
}

/* e, compiled for both families, is accepted by the kernel, which returns
 * of the population exactly what bc_run() accepts of the unfiltered dump,
 * and with no unknown predicates exactly what e matches. */
static void live_check(struct nl_sock *nl, struct live *l,
		       struct sock_rec all[2][LIVE_MAX],
		       const size_t nall[2], const struct expr *e,
		       const char *what)
{
	static const int fams[2] = { AF_INET, AF_INET6 };
	unsigned char prog[INET_DIAG_BC_MAX];
	size_t len, i;
	int f, rc, want;

	for (f = 0; f < 2; f++) {
		if (bc_compile(e, fams[f], prog, sizeof(prog), &len) != 0)
			fail_msg("%s: does not compile", what);
		rc = live_dump(nl, l, fams[f], prog, len);
		if (rc != 0)
			fail_msg("%s: the kernel refuses the AF_INET%s "
				 "program (%zu bytes): %s",
				 what, f ? "6" : "", len, strerror(rc));
		for (i = 0; i < nall[f]; i++) {
			const struct sock_rec *r = &all[f][i];

			want = bc_run(prog, len, r);
			assert_true(want >= 0);
			if (live_has(l, r->inode) != want)
				fail_msg("%s: the kernel %s socket %u->%u "
					 "(AF_INET%s), bc_run() %s it",
					 what,
					 want ? "drops" : "returns",
					 r->sport, r->dport, f ? "6" : "",
					 want ? "accepts" : "drops");
			if (count_unknown(e) == 0 &&
			    want != ref_match(e, r, 0))
				fail_msg("%s: socket %u->%u: program and "
					 "expression disagree",
					 what, r->sport, r->dport);
		}
	}
}

static void test_live_kernel(void **state)
{
	struct sock_rec all[2][LIVE_MAX];
	size_t nall[2];
	struct nl_sock nl;
	struct sc_err err;
	struct live l;
	struct expr *e;
	char buf[64];
	unsigned i;
	(void)state;

	if (nl_open(&nl, &err) != 0)
		skip(); /* no sock_diag here */
	if (live_build(&l) != 0) {
		live_close(&l);
		nl_close(&nl);
		skip(); /* no loopback TCP here */
	}
	/* the truth: unfiltered dumps of the population */
	assert_int_equal(live_dump(&nl, &l, AF_INET, NULL, 0), 0);
	memcpy(all[0], l.got, sizeof(l.got));
	nall[0] = l.ngot;
	/* the IPv4 client of the dual-stack listener is AF_INET */
	if (l.have6)
		assert_int_equal(nall[0], 4);
	else
		assert_true(nall[0] >= 3);
	assert_int_equal(live_dump(&nl, &l, AF_INET6, NULL, 0), 0);
	memcpy(all[1], l.got, sizeof(l.got));
	nall[1] = l.ngot;
	if (l.have6)
		assert_int_equal(nall[1], 5);

	e = ex_port(EXPR_F_SPORT, EXPR_OP_EQ, l.port4);
	live_check(&nl, &l, all, nall, e, "sport = port4");
	ex_free(e);
	e = ex_or(ex_port(EXPR_F_DPORT, EXPR_OP_EQ, l.port4),
		  ex_port(EXPR_F_SPORT, EXPR_OP_EQ, l.port6dual));
	live_check(&nl, &l, all, nall, e, "dport = port4 or sport = dual");
	ex_free(e);
	snprintf(buf, sizeof(buf), "127.0.0.1:%u", l.port6dual);
	e = ex_host(EXPR_F_SRC, EXPR_OP_EQ, buf);
	live_check(&nl, &l, all, nall, e, "src 127.0.0.1:dual (mapped)");
	ex_free(e);
	snprintf(buf, sizeof(buf), "[::ffff:127.0.0.1]:%u", l.port6dual);
	e = ex_host(EXPR_F_SRC, EXPR_OP_EQ, buf);
	live_check(&nl, &l, all, nall, e, "src [::ffff:127.0.0.1]:dual");
	ex_free(e);
	e = ex_and(ex_host(EXPR_F_DST, EXPR_OP_EQ, "127.0.0.0/8"),
		   ex_not(ex_host(EXPR_F_SRC, EXPR_OP_EQ, "::1")));
	live_check(&nl, &l, all, nall, e, "dst 127/8 and not src ::1");
	ex_free(e);
	e = ex_not(ex_or(ex_other(EXPR_F_PID, 0),
			 ex_port(EXPR_F_SPORT, EXPR_OP_GT, l.port4)));
	live_check(&nl, &l, all, nall, e, "not (pid or sport > port4)");
	ex_free(e);
	e = ex_host(EXPR_F_DST, EXPR_OP_EQ, "[::1]:443");
	live_check(&nl, &l, all, nall, e, "dst [::1]:443 (false in AF_INET)");
	ex_free(e);

	/* and what the audit refuses, the kernel refuses too */
	{
		struct prog p;

		memset(&p, 0, sizeof(p));
		put_op(&p, INET_DIAG_BC_S_GE, 8, 4); /* into its operand */
		put_op(&p, 0, 0, 22);
		assert_int_equal(bc_audit(p.b, p.len), -1);
		assert_int_equal(live_dump(&nl, &l, AF_INET, p.b, p.len),
				 EINVAL);
		memset(&p, 0, sizeof(p));
		put_op(&p, INET_DIAG_BC_S_COND, 16, 20);
		put_cond(&p, AF_INET, 33, -1, "127.0.0.1");
		assert_int_equal(bc_audit(p.b, p.len), -1);
		assert_int_equal(live_dump(&nl, &l, AF_INET6, p.b, p.len),
				 EINVAL);
	}

	/* random expressions over the population's own ports */
	{
		uint64_t ports[8] = { 0, 1, l.port4, l.port6dual, l.port6,
				      l.port4 + 1u, 65535, l.port6 - 1u };
		const char *const live_hosts[] = {
			"127.0.0.1", "127.0.0.0/8", "::1", "::/0",
			"::ffff:127.0.0.1", "0.0.0.0/0", "*", "0.0.0.0",
			"::", "::ffff:0.0.0.0/96", "10.0.0.0/8",
		};
		struct gen g = { .s = 0x2545f4914f6cdd1dull,
				 .ports = ports,
				 .nports = 8,
				 .hosts = live_hosts,
				 .nhosts = sizeof(live_hosts) /
					   sizeof(live_hosts[0]) };

		for (i = 0; i < 300; i++) {
			g.nunk = 0;
			e = gen_expr(&g, 4);
			snprintf(buf, sizeof(buf), "live random %u", i);
			live_check(&nl, &l, all, nall, e, buf);
			ex_free(e);
		}
	}
	live_close(&l);
	nl_close(&nl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_hosts),
		cmocka_unit_test(test_combinations),
		cmocka_unit_test(test_unknown_predicates),
		cmocka_unit_test(test_parsed),
		cmocka_unit_test(test_exact_programs),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_audit),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_live_kernel),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
