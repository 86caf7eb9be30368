/* test_expr.c - the filter language: good expressions and their canonical
 * text, bad ones and their exact messages, and evaluation of every
 * predicate and operator on hand-made records (owners from a fake /proc). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "collect/owners.h"
#include "filter/expr.h"
#include "model/facts.h"
#include "proctree.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- helpers ---- */

static struct expr *parse_ok(const char *text)
{
	struct sc_err err = { 0 };
	struct expr *e = NULL;

	if (expr_parse_text(text, strlen(text), &e, &err) != 0)
		fail_msg("'%s' did not parse: %s", text, err.msg);
	return e;
}

/* The canonical text of text, checked to parse back to itself. */
static void check_format(const char *text, const char *want)
{
	struct expr *e = parse_ok(text), *again;
	char out[1024], out2[1024];
	size_t n = expr_format(e, out, sizeof(out));

	assert_int_equal(n, strlen(out));
	if (strcmp(out, want) != 0)
		fail_msg("'%s' formats as '%s', expected '%s'", text, out,
			 want);
	again = parse_ok(out);
	expr_format(again, out2, sizeof(out2));
	assert_string_equal(out, out2);
	expr_free(again);
	expr_free(e);
}

static void check_error_len(const char *text, size_t len, const char *want)
{
	struct sc_err err = { 0 };
	struct expr *e = (struct expr *)&err; /* must be cleared */

	if (expr_parse_text(text, len, &e, &err) == 0)
		fail_msg("'%s' parsed, expected: %s", text, want);
	assert_null(e);
	assert_int_equal(err.code, EINVAL);
	assert_null(strchr(err.msg, '\n'));
	if (strcmp(err.msg, want) != 0)
		fail_msg("'%s' gave\n  %s\nexpected\n  %s", text, err.msg,
			 want);
}

static void check_error(const char *text, const char *want)
{
	check_error_len(text, strlen(text), want);
}

/* ---- parsing ---- */

static void test_good(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		/* ports, every operator and spelling */
		{ "sport = :22", "sport = :22" },
		{ "sport :22", "sport = :22" },
		{ "sport=:22", "sport = :22" },
		{ "sport 22", "sport = :22" },
		{ "sport == :http", "sport = :80" },
		{ "dport eq ssh", "dport = :22" },
		{ "(dport>=:1024)", "dport >= :1024" },
		{ "dport ge 1024", "dport >= :1024" },
		{ "dport > 1", "dport > :1" },
		{ "dport gt 1", "dport > :1" },
		{ "dport < 1", "dport < :1" },
		{ "dport lt 1", "dport < :1" },
		{ "dport <= 1", "dport <= :1" },
		{ "dport le 1", "dport <= :1" },
		{ "dport != 1", "dport != :1" },
		{ "dport ne 1", "dport != :1" },
		{ "dport neq 1", "dport != :1" },
		{ "dport = :0", "dport = :0" },
		{ "dport = :065535", "dport = :65535" },
		/* addresses */
		{ "src 127.0.0.1", "src = 127.0.0.1" },
		{ "src 127.0.0.1/8", "src = 127.0.0.1/8" },
		{ "src == 127.0.0.1:80", "src = 127.0.0.1:80" },
		{ "src 127.0.0.1:http", "src = 127.0.0.1:80" },
		{ "dst 10.0.0.0/8:443", "dst = 10.0.0.0/8:443" },
		{ "dst 0.0.0.0/0", "dst = 0.0.0.0/0" },
		{ "src [::1]", "src = [::1]" },
		{ "src ::1", "src = [::1]" },
		{ "src [::1]:80", "src = [::1]:80" },
		{ "src [fe80::]/10", "src = [fe80::]/10" },
		{ "src fe80::/10", "src = [fe80::]/10" },
		{ "src [fe80::]/10:8080", "src = [fe80::]/10:8080" },
		{ "src [1.2.3.4]:5", "src = 1.2.3.4:5" },
		{ "src ::ffff:1.2.3.4", "src = [::ffff:1.2.3.4]" },
		{ "src [::1]:*", "src = [::1]" },
		{ "src *:22", "src = *:22" },
		{ "src :22", "src = *:22" },
		{ "src *", "src = *" },
		{ "src *:*", "src = *" },
		{ "src :*", "src = *" },
		{ "src unix:/run/*", "src = unix:/run/*" },
		{ "src 'unix:/run/a b'", "src = \"unix:/run/a b\"" },
		{ "dst != unix:@foo", "dst != unix:@foo" },
		/* numbers */
		{ "pid 1", "pid = 1" },
		{ "pid < 100", "pid < 100" },
		{ "uid >= 1000", "uid >= 1000" },
		{ "uid 4294967295", "uid = 4294967295" },
		{ "inode = 18446744073709551615",
		  "inode = 18446744073709551615" },
		/* text */
		{ "comm nginx", "comm = nginx" },
		{ "comm = 'ng inx'", "comm = \"ng inx\"" },
		{ "comm = \"a\\\"b\"", "comm = \"a\\\"b\"" },
		{ "comm = 'it\\'s'", "comm = \"it's\"" },
		{ "comm = \"a\\\\\"", "comm = \"a\\\\\"" },
		{ "comm = \"\"", "comm = \"\"" },
		{ "comm = sport", "comm = sport" },
		{ "comm = \"and\"", "comm = \"and\"" },
		{ "comm = 'not'", "comm = \"not\"" },
		{ "path = '/tmp/[!a]*'", "path = \"/tmp/[!a]*\"" },
		{ "path = /tmp/[!a]*", "path = \"/tmp/[!a]*\"" },
		{ "path=/tmp/x", "path = /tmp/x" },
		{ "path = \"a\\*b\"", "path = \"a\\\\*b\"" },
		{ "path = a\\b", "path = \"a\\\\b\"" },
		{ "path = @foo@bar", "path = @foo@bar" },
		{ "peer_comm != sshd", "peer_comm != sshd" },
		{ "user root", "user = root" },
		{ "user = 0", "user = 0" },
		{ "user ne 007", "user != 007" },
		/* logic */
		{ "sport = :22 or sport = :80", "sport = :22 or sport = :80" },
		{ "sport :22 dport :80", "sport = :22 and dport = :80" },
		{ "sport :22 and dport :80", "sport = :22 and dport = :80" },
		{ "! sport = :22", "not sport = :22" },
		{ "!sport=:22", "not sport = :22" },
		{ "not not sport 1", "not not sport = :1" },
		{ "!(sport = :22 || dport = :22)",
		  "not (sport = :22 or dport = :22)" },
		{ "sport 1 or sport 2 and sport 3",
		  "sport = :1 or sport = :2 and sport = :3" },
		{ "(sport 1 or sport 2) and sport 3",
		  "(sport = :1 or sport = :2) and sport = :3" },
		{ "sport 1 and (sport 2 and sport 3)",
		  "sport = :1 and (sport = :2 and sport = :3)" },
		{ "(sport 1 and sport 2) and sport 3",
		  "sport = :1 and sport = :2 and sport = :3" },
		{ "sport 1 or (sport 2 or sport 3)",
		  "sport = :1 or (sport = :2 or sport = :3)" },
		{ "sport 1 & sport 2 | sport 3 && sport 4 || sport 5",
		  "sport = :1 and sport = :2 or sport = :3 and sport = :4 or "
		  "sport = :5" },
		{ "not (sport 1) sport 2", "not sport = :1 and sport = :2" },
		{ "((sport = :1))", "sport = :1" },
		{ "\tsport\n=\r:1 ", "sport = :1" },
		{ "sport = :22 and not (comm = sshd or pid < 10)",
		  "sport = :22 and not (comm = sshd or pid < 10)" },
		{ "", "" },
		{ "   ", "" },
	};
	(void)state;

	for (size_t i = 0; i < N_ELEMS(cases); i++)
		check_format(cases[i].in, cases[i].out);
}

static void test_bad(void **state)
{
	static const struct {
		const char *in, *msg;
	} cases[] = {
		{ "sport = foo",
		  "filter: expected a port after 'sport =' at column 9: 'foo'" },
		{ "bogus", "filter: unknown predicate at column 1: 'bogus'" },
		{ "sport = :22)", "filter: unbalanced ')' at column 12: ')'" },
		{ "(sport = :22))",
		  "filter: unbalanced ')' at column 14: ')'" },
		{ "sport =",
		  "filter: expected a port after 'sport =' at the end" },
		{ "sport", "filter: expected a port after 'sport' at the end" },
		{ "sport !",
		  "filter: expected a port after 'sport' at column 7: '!'" },
		{ "sport ge foo",
		  "filter: expected a port after 'sport ge' at column 10: "
		  "'foo'" },
		{ "sport = :",
		  "filter: expected a port after 'sport =' at column 9: ':'" },
		{ "sport = ::22",
		  "filter: expected a port after 'sport =' at column 9: "
		  "'::22'" },
		{ "sport = -1",
		  "filter: expected a port after 'sport =' at column 9: '-1'" },
		{ "sport = :65536",
		  "filter: port out of range after 'sport =' at column 9: "
		  "':65536'" },
		{ "(sport = :22", "filter: unbalanced '(' at column 1: '('" },
		{ "((sport = :22)", "filter: unbalanced '(' at column 1: '('" },
		{ ")", "filter: unbalanced ')' at column 1: ')'" },
		{ "()", "filter: expected a condition at column 2: ')'" },
		{ "sport = :22 and",
		  "filter: expected a condition after 'and' at the end" },
		{ "sport = :22 ||",
		  "filter: expected a condition after '||' at the end" },
		{ "not",
		  "filter: expected a condition after 'not' at the end" },
		{ "(", "filter: expected a condition after '(' at the end" },
		{ "and sport = :1",
		  "filter: expected a condition at column 1: 'and'" },
		{ "sport = :1 or or sport = :2",
		  "filter: expected a condition at column 15: 'or'" },
		{ "sport = :1 = :2",
		  "filter: expected a condition at column 12: '='" },
		{ "sport = :22 \"x\"",
		  "filter: expected a condition at column 13: '\"x\"'" },
		{ "src < 1.2.3.4",
		  "filter: 'src' takes only = or != at column 5: '<'" },
		{ "dst gt 1.2.3.4",
		  "filter: 'dst' takes only = or != at column 5: 'gt'" },
		{ "comm >= x", "filter: 'comm' takes only = or != at column 6: "
			       "'>='" },
		{ "path < x", "filter: 'path' takes only = or != at column 6: "
			      "'<'" },
		{ "peer_comm le x",
		  "filter: 'peer_comm' takes only = or != at column 11: 'le'" },
		{ "user > 5", "filter: 'user' takes only = or != at column 6: "
			      "'>'" },
		{ "src 1.2.3",
		  "filter: bad address after 'src' at column 5: '1.2.3'" },
		{ "src 1.2.3.256",
		  "filter: bad address after 'src' at column 5: '1.2.3.256'" },
		{ "src = 10.0.0.0/33",
		  "filter: bad prefix length after 'src =' at column 7: "
		  "'10.0.0.0/33'" },
		{ "src 10.0.0.0/",
		  "filter: bad prefix length after 'src' at column 5: "
		  "'10.0.0.0/'" },
		{ "src 10.0.0.0/+8",
		  "filter: bad prefix length after 'src' at column 5: "
		  "'10.0.0.0/+8'" },
		{ "dst [::1]/129",
		  "filter: bad prefix length after 'dst' at column 5: "
		  "'[::1]/129'" },
		{ "dst ::1/129",
		  "filter: bad prefix length after 'dst' at column 5: "
		  "'::1/129'" },
		{ "dst 1.2.3.4:99999",
		  "filter: bad port after 'dst' at column 5: '1.2.3.4:99999'" },
		{ "dst 1.2.3.4:nosuchservice",
		  "filter: bad port after 'dst' at column 5: "
		  "'1.2.3.4:nosuchservice'" },
		{ "dst [::1]:", "filter: bad port after 'dst' at column 5: "
			        "'[::1]:'" },
		{ "src [::1", "filter: bad address after 'src' at column 5: "
			      "'[::1'" },
		{ "src [::1]x", "filter: bad address after 'src' at column 5: "
				"'[::1]x'" },
		{ "src []",
		  "filter: bad address after 'src' at column 5: '[]'" },
		{ "src [::g]", "filter: bad address after 'src' at column 5: "
			       "'[::g]'" },
		{ "src 1:2:3:4:5:6:7:8:9",
		  "filter: bad address after 'src' at column 5: "
		  "'1:2:3:4:5:6:7:8:9'" },
		{ "src 1.2.3.4:5:6",
		  "filter: bad address after 'src' at column 5: "
		  "'1.2.3.4:5:6'" },
		{ "src unix:",
		  "filter: bad address after 'src' at column 5: 'unix:'" },
		{ "src */8", "filter: bad address after 'src' at column 5: "
			     "'*/8'" },
		{ "src ''", "filter: bad address after 'src' at column 5: "
			    "''''" },
		{ "src", "filter: expected an address after 'src' at the end" },
		{ "src (", "filter: expected an address after 'src' at column "
			   "5: '('" },
		{ "pid = x",
		  "filter: expected a number after 'pid =' at column 7: 'x'" },
		{ "pid = 4294967296",
		  "filter: number out of range after 'pid =' at column 7: "
		  "'4294967296'" },
		{ "uid = -1",
		  "filter: expected a number after 'uid =' at column 7: '-1'" },
		{ "inode = 18446744073709551616",
		  "filter: number out of range after 'inode =' at column 9: "
		  "'18446744073709551616'" },
		{ "user = 4294967296",
		  "filter: uid out of range after 'user =' at column 8: "
		  "'4294967296'" },
		{ "user = \"\"",
		  "filter: expected a user name or uid after 'user =' at "
		  "column 8: '\"\"'" },
		{ "user", "filter: expected a user name or uid after 'user' at "
			  "the end" },
		{ "comm = \"abc",
		  "filter: unterminated quote at column 8: '\"abc'" },
		{ "sport \"abc",
		  "filter: unterminated quote at column 7: '\"abc'" },
		{ "(\"abc", "filter: unterminated quote at column 2: '\"abc'" },
		{ "(pid 1)'x",
		  "filter: unterminated quote at column 8: ''x'" },
		{ "comm = 'a\\'",
		  "filter: unterminated quote at column 8: ''a\\\\''" },
		{ "comm = and",
		  "filter: expected a pattern after 'comm =' at column 8: "
		  "'and'" },
		{ "comm = )",
		  "filter: expected a pattern after 'comm =' at column 8: ')'" },
		{ "path",
		  "filter: expected a pattern after 'path' at the end" },
		/* what the user typed is escaped, and cut */
		{ "bogus\x1b[31m",
		  "filter: unknown predicate at column 1: 'bogus\\e[31m'" },
		{ "a\x01" "b", "filter: unknown predicate at column 1: "
			       "'a\\x01b'" },
		{ "\"\\\xff\xfe",
		  "filter: unterminated quote at column 1: '\"\\\\\\xff\\xfe'" },
		{ "sport = :1 Sport = :2",
		  "filter: unknown predicate at column 12: 'Sport'" },
		{ "x123456789x123456789x123456789x123456789x123456789x",
		  "filter: unknown predicate at column 1: "
		  "'x123456789x123456789x123456789x123456789x1234567...'" },
	};
	(void)state;

	for (size_t i = 0; i < N_ELEMS(cases); i++)
		check_error(cases[i].in, cases[i].msg);
}

static void test_nul(void **state)
{
	(void)state;
	check_error_len("pid\0 1", 6, "filter: NUL byte at column 4: '\\0'");
	check_error_len("comm = 'a\0'", 11,
			"filter: NUL byte at column 10: '\\0'");
	check_error_len("comm = 'a\\\0'", 12,
			"filter: NUL byte at column 11: '\\0'");
	/* only the given length is read */
	{
		struct sc_err err = { 0 };
		struct expr *e = NULL;
		char out[64];

		assert_int_equal(expr_parse_text("pid 1 garbage", 5, &e, &err),
				 0);
		expr_format(e, out, sizeof(out));
		assert_string_equal(out, "pid = 1");
		expr_free(e);
	}
}

static void test_words(void **state)
{
	static const char *const w1[] = { "sport", "=", "foo" };
	static const char *const w2[] = { "(dport>=:1024)", "or", "src",
					  "127.0.0.1/8" };
	static const char *const w3[] = { "path", "=", "/tmp/a b" };
	static const char *const w4[] = { "", "" };
	struct sc_err err = { 0 };
	struct expr *e = (struct expr *)&err;
	char out[128];
	(void)state;

	assert_int_equal(expr_parse(w1, 3, &e, &err), -1);
	assert_null(e);
	assert_string_equal(
		err.msg,
		"filter: expected a port after 'sport =' at column 9: 'foo'");

	assert_int_equal(expr_parse(w2, 4, &e, &err), 0);
	expr_format(e, out, sizeof(out));
	assert_string_equal(out, "dport >= :1024 or src = 127.0.0.1/8");
	assert_int_equal(e->right->pos, 18);
	expr_free(e);

	/* joined with spaces: a word's own space splits it */
	assert_int_equal(expr_parse(w3, 3, &e, &err), -1);
	assert_string_equal(err.msg,
			    "filter: unknown predicate at column 15: 'b'");

	e = (struct expr *)&err;
	assert_int_equal(expr_parse(NULL, 0, &e, &err), 0);
	assert_null(e);
	e = (struct expr *)&err;
	assert_int_equal(expr_parse(w4, 2, &e, &err), 0);
	assert_null(e);
}

/* The tree itself, as the bytecode compiler reads it. */
static void test_tree(void **state)
{
	struct expr *e;
	(void)state;

	e = parse_ok("src [fe80::]/10:8080 or not pid != 7");
	assert_int_equal(e->kind, EXPR_OR);
	assert_int_equal(e->left->kind, EXPR_PRED);
	assert_int_equal(e->left->field, EXPR_F_SRC);
	assert_int_equal(e->left->op, EXPR_OP_EQ);
	assert_int_equal(e->left->pos, 0);
	assert_int_equal(e->left->addr.family, AF_INET6);
	assert_int_equal(e->left->addr.prefix, 10);
	assert_int_equal(e->left->addr.has_port, 1);
	assert_int_equal(e->left->addr.port, 8080);
	assert_int_equal(e->left->addr.addr[0], 0xfe);
	assert_int_equal(e->left->addr.addr[1], 0x80);
	assert_int_equal(e->right->kind, EXPR_NOT);
	assert_null(e->right->right);
	assert_int_equal(e->right->left->field, EXPR_F_PID);
	assert_int_equal(e->right->left->op, EXPR_OP_NE);
	assert_int_equal(e->right->left->num, 7);
	assert_int_equal(e->right->left->pos, 28);
	expr_free(e);

	e = parse_ok("");
	assert_null(e);

	e = parse_ok("src *:22 dst unix:x*");
	assert_int_equal(e->kind, EXPR_AND);
	assert_int_equal(e->left->addr.family, 0);
	assert_int_equal(e->left->addr.prefix, 0);
	assert_int_equal(e->left->addr.port, 22);
	assert_int_equal(e->right->addr.family, AF_UNIX);
	assert_string_equal(e->right->addr.glob, "x*");
	assert_int_equal(e->right->pos, 9);
	expr_free(e);

	e = parse_ok("src 1.2.3.4/24 comm 'x y' user 12");
	assert_int_equal(e->left->left->addr.family, AF_INET);
	assert_int_equal(e->left->left->addr.prefix, 24);
	assert_int_equal(e->left->left->addr.has_port, 0);
	assert_memory_equal(e->left->left->addr.addr, "\x01\x02\x03\x04", 4);
	assert_string_equal(e->left->right->text, "x y");
	assert_string_equal(e->right->text, "12");
	assert_int_equal(e->right->num, 12);
	expr_free(e);
}

static void test_limits(void **state)
{
	size_t cap = 16 * 1024;
	char *buf = malloc(cap), msg[128];
	struct expr *e;
	size_t n;
	(void)state;

	assert_non_null(buf);
	/* 200 levels of parentheses parse; 201 do not */
	for (int depth = EXPR_MAX_NEST; depth <= EXPR_MAX_NEST + 1; depth++) {
		n = 0;
		for (int i = 0; i < depth; i++)
			buf[n++] = '(';
		n += (size_t)sprintf(buf + n, "pid 1");
		for (int i = 0; i < depth; i++)
			buf[n++] = ')';
		buf[n] = '\0';
		if (depth == EXPR_MAX_NEST) {
			e = parse_ok(buf);
			expr_free(e);
		} else {
			snprintf(msg, sizeof(msg),
				 "filter: nesting deeper than 200 levels at "
				 "column %d: '('",
				 EXPR_MAX_NEST + 1);
			check_error(buf, msg);
		}
	}
	/* nots count too, mixed with parentheses */
	n = 0;
	for (int i = 0; i < EXPR_MAX_NEST; i++)
		n += (size_t)sprintf(buf + n, i % 2 ? "not " : "(");
	n += (size_t)sprintf(buf + n, "!pid 1");
	check_error(buf, "filter: nesting deeper than 200 levels at column "
			 "501: '!'");

	/* 1000 conditions parse, the 1001st is refused */
	n = 0;
	for (int i = 0; i < EXPR_MAX_TERMS; i++)
		n += (size_t)sprintf(buf + n, "pid %d ", i % 10);
	e = parse_ok(buf);
	expr_free(e);
	sprintf(buf + n, "or pid 1");
	snprintf(msg, sizeof(msg),
		 "filter: more than 1000 conditions at column %zu: 'pid'",
		 n + 4);
	check_error(buf, msg);
	free(buf);
}

static void test_format_cap(void **state)
{
	struct expr *e = parse_ok("sport = :22");
	char out[16];
	(void)state;

	memset(out, 'Z', sizeof(out));
	assert_int_equal(expr_format(e, out, 5), 4);
	assert_string_equal(out, "spor");
	assert_int_equal(out[5], 'Z');
	assert_int_equal(expr_format(e, out, 1), 0);
	assert_string_equal(out, "");
	out[0] = 'Z';
	assert_int_equal(expr_format(e, out, 0), 0);
	assert_int_equal(out[0], 'Z');
	assert_int_equal(expr_format(NULL, out, sizeof(out)), 0);
	assert_string_equal(out, "");
	expr_free(e);
}

static void test_needs(void **state)
{
	static const struct {
		const char *in;
		unsigned needs;
	} cases[] = {
		{ "sport 1 dport 2 src * dst * uid 1 inode 2 path x", 0 },
		{ "pid 1", EXPR_NEED_OWNERS },
		{ "not comm x", EXPR_NEED_OWNERS },
		{ "peer_comm x", EXPR_NEED_OWNERS },
		{ "user root", EXPR_NEED_USERS },
		{ "user 0", 0 },
		{ "user 0x", EXPR_NEED_USERS },
		{ "(user root or sport 1) and pid 2",
		  EXPR_NEED_USERS | EXPR_NEED_OWNERS },
	};
	(void)state;

	assert_int_equal(expr_needs(NULL), 0);
	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		struct expr *e = parse_ok(cases[i].in);

		if (expr_needs(e) != cases[i].needs)
			fail_msg("'%s' needs %u, expected %u", cases[i].in,
				 expr_needs(e), cases[i].needs);
		expr_free(e);
	}
}

/* ---- evaluation ---- */

enum rec_id {
	R_TCP4,    /* 127.0.0.1:8080 -> 10.1.2.3:443, uid 1000, inode 100 */
	R_TCP6,    /* [::1]:22 -> [2001:db8::5]:5555, no uid, inode 200 */
	R_MAPPED,  /* [::ffff:127.0.0.1]:80 -> [::ffff:192.168.1.7]:40000 */
	R_UPATH,   /* /run/x.sock (and its NUL), peer 301, inode 300 */
	R_UABS,    /* abstract "\0foo\0bar", inode 302 */
	R_UNONAME, /* unnamed, inode 303 */
	R_UPATHNUL, /* "/tmp/a\0junk" */
	R_UAT,     /* abstract "\0": "@" */
	R_UID0,    /* 0.0.0.0:1 uid 0, inode 0 */
	R_COUNT
};

static void mk_recs(struct sock_rec *r)
{
	memset(r, 0, sizeof(*r) * R_COUNT);

	r[R_TCP4].family = AF_INET;
	r[R_TCP4].netid = SOCK_NETID_TCP;
	r[R_TCP4].state = SOCK_ST_ESTABLISHED;
	inet_pton(AF_INET, "127.0.0.1", r[R_TCP4].src);
	inet_pton(AF_INET, "10.1.2.3", r[R_TCP4].dst);
	r[R_TCP4].sport = 8080;
	r[R_TCP4].dport = 443;
	r[R_TCP4].uid = 1000;
	r[R_TCP4].flags = SOCK_F_HAS_UID;
	r[R_TCP4].inode = 100;

	r[R_TCP6].family = AF_INET6;
	r[R_TCP6].netid = SOCK_NETID_TCP;
	inet_pton(AF_INET6, "::1", r[R_TCP6].src);
	inet_pton(AF_INET6, "2001:db8::5", r[R_TCP6].dst);
	r[R_TCP6].sport = 22;
	r[R_TCP6].dport = 5555;
	r[R_TCP6].uid = 1000; /* not valid: no SOCK_F_HAS_UID */
	r[R_TCP6].inode = 200;

	r[R_MAPPED].family = AF_INET6;
	r[R_MAPPED].netid = SOCK_NETID_UDP;
	inet_pton(AF_INET6, "::ffff:127.0.0.1", r[R_MAPPED].src);
	inet_pton(AF_INET6, "::ffff:192.168.1.7", r[R_MAPPED].dst);
	r[R_MAPPED].sport = 80;
	r[R_MAPPED].dport = 40000;
	r[R_MAPPED].inode = 201;

	r[R_UPATH].family = AF_UNIX;
	r[R_UPATH].netid = SOCK_NETID_UNIX_STREAM;
	r[R_UPATH].name = "/run/x.sock";
	r[R_UPATH].name_len = 12;
	r[R_UPATH].inode = 300;
	r[R_UPATH].peer_ino = 301;
	r[R_UPATH].flags = SOCK_F_HAS_PEER | SOCK_F_HAS_UID;
	r[R_UPATH].uid = 7;

	r[R_UABS].family = AF_UNIX;
	r[R_UABS].name = "\0foo\0bar";
	r[R_UABS].name_len = 8;
	r[R_UABS].inode = 302;
	r[R_UABS].flags = SOCK_F_HAS_PEER; /* no peer */

	r[R_UNONAME].family = AF_UNIX;
	r[R_UNONAME].inode = 303;

	r[R_UPATHNUL].family = AF_UNIX;
	r[R_UPATHNUL].name = "/tmp/a\0junk";
	r[R_UPATHNUL].name_len = 11;
	r[R_UPATHNUL].inode = 304;
	r[R_UPATHNUL].peer_ino = 301; /* not valid: no SOCK_F_HAS_PEER */

	r[R_UAT].family = AF_UNIX;
	r[R_UAT].name = "";
	r[R_UAT].name_len = 1;
	r[R_UAT].inode = 305;

	r[R_UID0].family = AF_INET;
	r[R_UID0].sport = 1;
	r[R_UID0].flags = SOCK_F_HAS_UID;
	r[R_UID0].uid = 0;
}

struct match_case {
	const char *expr;
	const char *want; /* one '0'/'1' per enum rec_id */
};

static void check_matches(const struct match_case *cases, size_t n,
			  struct facts *f)
{
	struct sock_rec r[R_COUNT];

	mk_recs(r);
	for (size_t i = 0; i < n; i++) {
		struct expr *e = parse_ok(cases[i].expr);
		char got[R_COUNT + 1];

		assert_int_equal(strlen(cases[i].want), R_COUNT);
		for (int k = 0; k < R_COUNT; k++)
			got[k] = expr_match(e, &r[k], f) ? '1' : '0';
		got[R_COUNT] = '\0';
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("'%s' matched %s, expected %s", cases[i].expr,
				 got, cases[i].want);
		expr_free(e);
	}
}

/*                                 T T M P A N P @ 0 */
static const struct match_case kernel_cases[] = {
	/* ports: inet only */
	{ "sport = :8080", "100000000" },
	{ "sport :22", "010000000" },
	{ "sport != :8080", "011111111" },
	{ "sport < :8081", "111000001" },
	{ "sport <= :8080", "111000001" },
	{ "sport > :8080", "000000000" },
	{ "sport >= :80", "101000000" },
	{ "sport lt 8080", "011000001" },
	{ "sport gt 0", "111000001" },
	{ "dport = :443", "100000000" },
	{ "dport >= :5555", "011000000" },
	{ "dport ne :443", "011111111" },
	/* IPv4, prefixes, v4-mapped */
	{ "src 127.0.0.1", "101000000" },
	{ "src 127.0.0.0/8", "101000000" },
	{ "src 127.0.0.1/32", "101000000" },
	{ "src 126.0.0.0/7", "101000000" },
	{ "src 126.0.0.0/8", "000000000" },
	{ "src 128.0.0.0/1", "000000000" },
	{ "src 0.0.0.0/1", "101000001" },
	{ "src 0.0.0.0/0", "101000001" },
	{ "src 127.0.0.1:8080", "100000000" },
	{ "src 127.0.0.1:8081", "000000000" },
	{ "src 127.0.0.0/8:80", "001000000" },
	{ "src != 127.0.0.1", "010111111" },
	{ "dst 192.168.0.0/16", "001000000" },
	{ "dst 10.1.2.3:https", "100000000" },
	{ "dst 10.1.2.0/24", "100000000" },
	/* IPv6 */
	{ "src ::1", "010000000" },
	{ "src [::1]:22", "010000000" },
	{ "src [::1]:23", "000000000" },
	{ "src [::]/0", "011000000" },
	{ "src [::ffff:127.0.0.1]", "001000000" },
	{ "src ::ffff:0:0/96", "001000000" },
	{ "dst 2001:db8::/32", "010000000" },
	{ "dst [2001:db8::]/29", "010000000" },
	{ "dst [2001:db0::]/29", "000000000" },
	{ "dst [2001:db0::]/28", "010000000" },
	{ "dst 2001:db9::/32", "000000000" },
	/* any host */
	{ "src *", "111000001" },
	{ "src *:8080", "100000000" },
	{ "dst :40000", "001000000" },
	{ "dst != *", "000111110" },
	/* Unix names */
	{ "src unix:/run/*", "000100000" },
	{ "src unix:*", "000110110" },
	{ "src unix:@foo@bar", "000010000" },
	{ "src unix:@foo", "000000000" },
	{ "src unix:@foo*", "000010000" },
	{ "src != unix:*", "111001001" },
	{ "dst unix:*", "000000000" },
	{ "dst != unix:*", "111111111" },
	{ "path = /run/x.sock", "000100000" },
	{ "path /run/*", "000100000" },
	{ "path = @foo@bar", "000010000" },
	{ "path = '@foo?bar'", "000010000" },
	{ "path = @foo", "000000000" },
	{ "path = /tmp/a", "000000100" },
	{ "path = /tmp/a*", "000000100" },
	{ "path = @", "000000010" },
	{ "path = *", "000110110" },
	{ "path != *", "111001001" },
	{ "path = '[/@]*'", "000110110" },
	{ "path = '[!/]*'", "000010010" },
	{ "path = '/run/x\\.sock'", "000100000" },
	{ "path = '/run/x\\*'", "000000000" },
	/* uid and user by number */
	{ "uid = 1000", "100000000" },
	{ "uid != 1000", "011111111" },
	{ "uid < 1001", "100100001" },
	{ "uid <= 7", "000100001" },
	{ "uid > 999", "100000000" },
	{ "uid >= 1001", "000000000" },
	{ "user = 1000", "100000000" },
	{ "user 0", "000000001" },
	{ "user != 7", "111011111" },
	/* inode */
	{ "inode = 100", "100000000" },
	{ "inode > 300", "000011110" },
	{ "inode le 200", "110000001" },
	{ "inode neq 0", "111111110" },
	/* logic */
	{ "sport 8080 or sport 22", "110000000" },
	{ "sport 8080 and sport 22", "000000000" },
	{ "src *:8080 dst *:443", "100000000" },
	{ "not path *", "111001001" },
	{ "!(src * or path *)", "000001000" },
	{ "not not src *", "111000001" },
	{ "(path * or sport 22) and not path @*", "010100100" },
	{ "inode > 100 and inode < 304 or uid 0", "011111001" },
	{ "inode > 100 and (inode < 304 or uid 0)", "011111000" },
};

static void test_match_kernel(void **state)
{
	struct sock_rec r[R_COUNT];
	(void)state;

	/* no filter matches everything */
	mk_recs(r);
	for (int k = 0; k < R_COUNT; k++)
		assert_true(expr_match(NULL, &r[k], NULL));
	check_matches(kernel_cases, N_ELEMS(kernel_cases), NULL);
}

/* A name longer than sun_path (no collector makes one) is read only as
 * far as sun_path goes. */
static void test_long_name(void **state)
{
	char name[200], glob[SOCK_UNIX_NAME_MAX + 16];
	struct sock_rec r;
	struct expr *e;
	(void)state;

	memset(name, 'a', sizeof(name));
	memset(&r, 0, sizeof(r));
	r.family = AF_UNIX;
	r.name = name;
	r.name_len = sizeof(name);
	snprintf(glob, sizeof(glob), "path = %.*s", SOCK_UNIX_NAME_MAX, name);
	e = parse_ok(glob);
	assert_true(expr_match(e, &r, NULL));
	expr_free(e);
	name[0] = '\0';
	glob[7] = '@';
	e = parse_ok(glob);
	assert_true(expr_match(e, &r, NULL));
	expr_free(e);
}

/* "X != Y" is exactly "not (X = Y)", on every record. */
static void test_ne_is_not(void **state)
{
	/* predicate and operand */
	static const char *const preds[][2] = {
		{ "sport", ":8080" },	  { "dport", ":5555" },
		{ "src", "127.0.0.1" },	  { "src", "::1" },
		{ "src", "*" },		  { "src", "unix:*" },
		{ "dst", "unix:*" },	  { "dst", "*:443" },
		{ "uid", "1000" },	  { "user", "0" },
		{ "path", "*" },	  { "inode", "300" },
		{ "pid", "10" },	  { "comm", "*" },
		{ "peer_comm", "*" },	  { "user", "root" },
	};
	struct sock_rec r[R_COUNT];
	struct facts *f = facts_new(&(struct facts_opts){ 0 });
	(void)state;

	mk_recs(r);
	for (size_t i = 0; i < N_ELEMS(preds); i++) {
		char ne[64], eq[64], not_eq[80];
		struct expr *a, *b;

		snprintf(ne, sizeof(ne), "%s != %s", preds[i][0], preds[i][1]);
		snprintf(eq, sizeof(eq), "%s = %s", preds[i][0], preds[i][1]);
		snprintf(not_eq, sizeof(not_eq), "not (%s)", eq);
		a = parse_ok(ne);
		b = parse_ok(not_eq);
		for (int k = 0; k < R_COUNT; k++) {
			assert_int_equal(expr_match(a, &r[k], f),
					 expr_match(b, &r[k], f));
			assert_int_equal(expr_match(a, &r[k], NULL),
					 expr_match(b, &r[k], NULL));
		}
		expr_free(a);
		expr_free(b);
	}
	facts_free(f);
}

static void test_match_user(void **state)
{
	static const struct match_case cases[] = {
		/*                   T T M P A N P @ 0 */
		{ "user = root", "000000001" },
		{ "user root", "000000001" },
		{ "user != root", "111111110" },
		{ "user = nobody", "000000000" },
		{ "user = roo", "000000000" },
		{ "user = 'root*'", "000000000" }, /* names are not globs */
	};
	struct facts *f = facts_new(&(struct facts_opts){ 0 });
	struct sock_rec r[R_COUNT];
	struct expr *e;
	(void)state;

	check_matches(cases, N_ELEMS(cases), f);
	facts_free(f);

	/* without facts no name is known */
	mk_recs(r);
	e = parse_ok("user root");
	assert_false(expr_match(e, &r[R_UID0], NULL));
	expr_free(e);
	e = parse_ok("user 0");
	assert_true(expr_match(e, &r[R_UID0], NULL));
	expr_free(e);
}

/* ---- owners ---- */

struct tree {
	char root[64];
};

/* pid 10 "srv": fds -> 100 and 300; pid 11 "cli": -> 100; pid 12
 * "my proc" (hidden from others when hide is set): -> 301. */
static void mk_tree(struct tree *t, int hide)
{
	static const char *const l10[] = { "3", "socket:[100]", "4",
					   "socket:[300]", NULL };
	static const char *const l11[] = { "5", "socket:[100]", NULL };
	static const char *const l12[] = { "6", "socket:[301]", NULL };
	char fd[128];

	snprintf(t->root, sizeof(t->root), "/tmp/sockscope-expr-XXXXXX");
	assert_non_null(mkdtemp(t->root));
	assert_int_equal(chmod(t->root, 0755), 0);
	proctree_pid(t->root, "10", "10 (srv) S 1", l10);
	proctree_pid(t->root, "11", "11 (cli) S 1", l11);
	proctree_pid(t->root, "12", "12 (my proc) S 1", l12);
	snprintf(fd, sizeof(fd), "%s/12/fd", t->root);
	if (hide)
		assert_int_equal(chmod(fd, 0700), 0);
}

static const struct match_case owner_cases[] = {
	/*                    T T M P A N P @ 0 */
	{ "pid = 10", "100100000" },
	{ "pid 11", "100000000" },
	{ "pid = 12", "000000000" },
	{ "pid > 10", "100000000" },
	{ "pid >= 10", "100100000" },
	{ "pid < 10", "000000000" },
	{ "pid <= 10", "100100000" },
	{ "pid != 10", "011011111" },
	{ "pid != 12", "111111111" },
	{ "comm = srv", "100100000" },
	{ "comm cli", "100000000" },
	{ "comm = '[cs]*'", "100100000" },
	{ "comm = *", "100100000" },
	{ "comm = nope", "000000000" },
	{ "comm != srv", "011011111" },
	{ "comm = 'my proc'", "000000000" },
	{ "peer_comm = 'my proc'", "000100000" },
	{ "peer_comm = my*", "000100000" },
	{ "peer_comm = *", "000100000" },
	{ "peer_comm = srv", "000000000" },
	{ "peer_comm != *", "111011111" },
	{ "pid 10 and not pid 11", "000100000" },
	{ "comm srv sport 8080", "100000000" },
};

static void test_match_owners(void **state)
{
	const struct facts_opts on = { .owners = 1 };
	struct sc_err err;
	struct owners *o = NULL;
	struct facts *f;
	struct tree t;
	(void)state;

	mk_tree(&t, 0);
	assert_int_equal(owners_scan(t.root, 2, &o, &err), 0);
	proctree_rm(t.root);
	f = facts_new(&on);
	facts_set_owners(f, o);
	check_matches(owner_cases, N_ELEMS(owner_cases), f);

	/* owner predicates without facts match nothing */
	{
		static const struct match_case none[] = {
			{ "pid 10", "000000000" },
			{ "comm *", "000000000" },
			{ "peer_comm *", "000000000" },
			{ "pid != 10", "111111111" },
		};
		check_matches(none, N_ELEMS(none), NULL);
	}
	facts_free(f);
	owners_free(o);
}

#define CHILD_CHECK(c)                                                         \
	do {                                                                   \
		if (!(c) && res[1] == 0)                                       \
			res[1] = __LINE__;                                     \
	} while (0)

static int child_match(const char *text, const struct sock_rec *r,
		       struct facts *f)
{
	struct sc_err err;
	struct expr *e = NULL;
	int m;

	if (expr_parse_text(text, strlen(text), &e, &err) != 0)
		return -1;
	m = expr_match(e, r, f);
	expr_free(e);
	return m;
}

/* In the child, as uid 65534: pid 12's fds cannot be read, so the Unix
 * peer's holders are unknown and no owner predicate matches them. */
static void unknown_as_nobody(void *arg, long *res, size_t n)
{
	const struct tree *t = arg;
	const struct facts_opts on = { .owners = 1 };
	struct owners *o = NULL;
	struct sc_err err;
	struct sock_rec r[R_COUNT];
	struct facts *f;

	if (n != 3)
		return;
	res[2] = owners_scan(t->root, 2, &o, &err);
	if (res[2] != 0)
		return;
	f = facts_new(&on);
	facts_set_owners(f, o);
	mk_recs(r);
	CHILD_CHECK(child_match("peer_comm *", &r[R_UPATH], f) == 0);
	CHILD_CHECK(child_match("peer_comm != *", &r[R_UPATH], f) == 1);
	CHILD_CHECK(child_match("pid 12", &r[R_UPATH], f) == 0);
	/* inode 201 has no known holder, and one process was unreadable */
	CHILD_CHECK(child_match("pid > 0", &r[R_MAPPED], f) == 0);
	CHILD_CHECK(child_match("comm *", &r[R_MAPPED], f) == 0);
	CHILD_CHECK(child_match("not comm *", &r[R_MAPPED], f) == 1);
	/* what could be read still matches */
	CHILD_CHECK(child_match("pid 10", &r[R_UPATH], f) == 1);
	CHILD_CHECK(child_match("comm srv", &r[R_TCP4], f) == 1);
	facts_free(f);
	owners_free(o);
}

static void test_match_unknown_owners(void **state)
{
	struct tree t;
	long res[3] = { 0 };
	int skipped;
	(void)state;

	mk_tree(&t, 1);
	skipped = proctree_as_nobody(unknown_as_nobody, &t, res, 3);
	proctree_rm(t.root);
	if (skipped)
		skip();
	assert_int_equal(res[0], 0);
	assert_int_equal(res[2], 0);
	if (res[1] != 0)
		fail_msg("check at line %ld failed in the child", res[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_nul),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_tree),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_format_cap),
		cmocka_unit_test(test_needs),
		cmocka_unit_test(test_match_kernel),
		cmocka_unit_test(test_long_name),
		cmocka_unit_test(test_ne_is_not),
		cmocka_unit_test(test_match_user),
		cmocka_unit_test(test_match_owners),
		cmocka_unit_test(test_match_unknown_owners),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
