/* test_summary.c - -s: byte for byte what ss -s prints for the same /proc
 * files (captured from a real kernel and hand-made), a kernel without
 * IPv6, missing and malformed files, the dumped sockets by state, and the
 * JSON form. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "output/summary.h"
#include "outkit.h"
#include "util/readfile.h"

#define ROOT FIXTURE_DIR "/proc-sockstat"

static char *summary_text(const char *root, const struct sock_rec *r,
			  size_t n, int json)
{
	struct outkit_rows k;
	struct sc_err err = { 0 };
	struct obuf out;
	char *text;

	outkit_rows(&k, r, n);
	outkit_open(&out);
	if (summary_write(root, r != NULL ? &k.v : NULL, json, &out, &err))
		fail_msg("summary_write: %s", err.msg);
	text = outkit_text(&out);
	outkit_rows_free(&k);
	if (json) {
		int ok = outkit_json_ok(text);

		if (ok == 0)
			print_error("invalid JSON: %s\n", text);
		assert_int_not_equal(ok, 0);
	}
	return text;
}

static char *read_text(const char *path)
{
	struct sc_err err;
	char *s;
	size_t len;

	if (sc_read_file(path, 1 << 20, &s, &len, &err))
		fail_msg("%s", err.msg);
	return s;
}

/* Equal to ss -s on the same files (ROOT/DIR/ss-s.txt). */
static void check_like_ss(const char *dir)
{
	char root[512], ref[600];
	char *want;

	snprintf(root, sizeof(root), "%s/%s", ROOT, dir);
	snprintf(ref, sizeof(ref), "%s/ss-s.txt", root);
	want = read_text(ref);
	outkit_check(summary_text(root, NULL, 0, 0), want);
	free(want);
}

static void test_like_ss(void **state)
{
	(void)state;
	check_like_ss("live");
	check_like_ss("no-ipv6");
	check_like_ss("busy");
}

/* The same, spelled out, so that the layout is visible here too. */
static void test_live_text(void **state)
{
	(void)state;
	outkit_check(summary_text(ROOT "/live", NULL, 0, 0),
		     "Total: 39\n"
		     "TCP:   60 (estab 11, closed 41, orphaned 0, timewait 1)\n"
		     "\n"
		     "Transport Total     IP        IPv6\n"
		     "RAW\t  0         0         0        \n"
		     "UDP\t  6         3         3        \n"
		     "TCP\t  19        13        6        \n"
		     "INET\t  25        16        9        \n"
		     "FRAG\t  0         0         0        \n"
		     "\n");
}

static void test_read(void **state)
{
	struct summary s;
	struct sc_err err = { 0 };
	(void)state;

	assert_int_equal(summary_read(ROOT "/busy", &s, &err), 0);
	assert_true(s.sockets == 2147483000);
	assert_true(s.tcp4 == 123456789);
	assert_true(s.tcp_orphan == 17);
	assert_true(s.tcp_tw == 1234567890);
	assert_true(s.tcp_alloc == 400000000);
	assert_true(s.tcp_estab == 987654);
	assert_true(s.udp4 == 42 && s.udp6 == 1000000000);
	assert_true(s.raw4 == 3 && s.raw6 == 1);
	assert_true(s.frag4 == 2 && s.frag6 == 5);
	assert_true(s.tcp6 == 7);

	/* no sockstat6: IPv6 is zero, not an error */
	assert_int_equal(summary_read(ROOT "/no-ipv6", &s, &err), 0);
	assert_true(s.tcp6 == 0 && s.udp6 == 0 && s.raw6 == 0 &&
		    s.frag6 == 0);
	assert_true(s.tcp4 == 13 && s.udp4 == 3);
}

/* Errors name the file; nothing is written. */
static void test_errors(void **state)
{
	struct summary s;
	struct sc_err err = { 0 };
	struct obuf out;
	char *text;
	(void)state;

	assert_int_equal(summary_read(ROOT "/missing", &s, &err), -1);
	assert_int_equal(err.code, ENOENT);
	assert_string_equal(err.msg, "cannot read " ROOT "/missing/net/"
				     "sockstat: No such file or directory");

	assert_int_equal(summary_read(ROOT "/no-snmp", &s, &err), -1);
	assert_int_equal(err.code, ENOENT);
	assert_string_equal(err.msg, "cannot read " ROOT "/no-snmp/net/"
				     "snmp: No such file or directory");

	assert_int_equal(summary_read(ROOT "/malformed", &s, &err), -1);
	assert_int_equal(err.code, EINVAL);
	assert_string_equal(err.msg, "unexpected contents in " ROOT
				     "/malformed/net/sockstat: no number for "
				     "'TCP: alloc'");

	/* a /proc root that is not there at all */
	assert_int_equal(summary_read("/nonexistent/proc", &s, &err), -1);
	assert_string_equal(err.msg, "cannot read /nonexistent/proc/net/"
				     "sockstat: No such file or directory");

	outkit_open(&out);
	assert_int_equal(summary_write(ROOT "/missing", NULL, 0, &out, &err),
			 -1);
	text = outkit_text(&out);
	assert_string_equal(text, "");
	free(text);
}

/* Odd contents: a line cut short, a number with junk, a key that is a
 * prefix of another, an snmp values line shorter than its names. */
static void test_parse_edges(void **state)
{
	char root[] = "/tmp/sockscope-summary-XXXXXX";
	char net[64], path[96];
	struct summary s;
	struct sc_err err = { 0 };
	FILE *f;
	static const char *const cases[][3] = {
		/* sockstat, snmp, the error or NULL */
		{ "sockets: used 1\nTCP: inuse 1 orphan 0 tw 0 alloc\n"
		  "UDP: inuse 0\nRAW: inuse 0\nFRAG: inuse 0\n",
		  "Tcp: CurrEstab\nTcp: 0\n", "'TCP: alloc'" },
		{ "sockets: used 1\nTCP: inuse 1 orphan 0 tw 0 alloc 2x\n"
		  "UDP: inuse 0\nRAW: inuse 0\nFRAG: inuse 0\n",
		  "Tcp: CurrEstab\nTcp: 0\n", "'TCP: alloc'" },
		{ "sockets: used 1\nTCP: inuse 1 orphan 0 tw 0 allocx 2\n"
		  "UDP: inuse 0\nRAW: inuse 0\nFRAG: inuse 0\n",
		  "Tcp: CurrEstab\nTcp: 0\n", "'TCP: alloc'" },
		{ "sockets: used 1\nTCP: inuse 1 orphan 0 tw 0 alloc 2\n"
		  "UDP: inuse 0\nRAW: inuse 0\nFRAG: inuse 0\n",
		  "Tcp: A B CurrEstab\nTcp: 1 2\n", "'Tcp: CurrEstab'" },
		{ "sockets: used 1\nTCP: inuse 1 orphan 0 tw 0 alloc 2\n"
		  "UDP: inuse 0\nRAW: inuse 0\nFRAG: inuse 0\n",
		  "Tcp: A B CurrEstab\n", "'Tcp: CurrEstab'" },
		{ "sockets: used 1\nTCP: inuse 1 orphan 0 tw 0 alloc "
		  "99999999999999999999\n"
		  "UDP: inuse 0\nRAW: inuse 0\nFRAG: inuse 0\n",
		  "Tcp: CurrEstab\nTcp: 0\n", "'TCP: alloc'" },
		/* the last line without its newline, and TCP6 not TCP */
		{ "TCP6: inuse 9\nsockets: used 1\nUDP: inuse 0\n"
		  "RAW: inuse 0\nFRAG: inuse 0\nTCP: inuse 1 orphan 0 tw 0 "
		  "alloc 2",
		  "Ip: 1\nTcp: x CurrEstab\nTcp: -1 3", NULL },
	};
	(void)state;

	assert_non_null(mkdtemp(root));
	snprintf(net, sizeof(net), "%s/net", root);
	assert_int_equal(mkdir(net, 0755), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(path, sizeof(path), "%s/sockstat", net);
		f = fopen(path, "w");
		assert_non_null(f);
		fputs(cases[i][0], f);
		fclose(f);
		snprintf(path, sizeof(path), "%s/snmp", net);
		f = fopen(path, "w");
		assert_non_null(f);
		fputs(cases[i][1], f);
		fclose(f);
		if (cases[i][2] == NULL) {
			assert_int_equal(summary_read(root, &s, &err), 0);
			assert_true(s.tcp4 == 1 && s.tcp_alloc == 2 &&
				    s.tcp_estab == 3 && s.tcp6 == 0);
			continue;
		}
		assert_int_equal(summary_read(root, &s, &err), -1);
		if (strstr(err.msg, cases[i][2]) == NULL)
			fail_msg("case %zu: %s", i, err.msg);
	}
	snprintf(path, sizeof(path), "rm -rf '%s'", root);
	assert_int_equal(system(path), 0);
}

/* The dumped sockets by state, after ss's block. */
static void dumped_rows(struct sock_rec *r)
{
	r[0] = outkit_inet(SOCK_NETID_TCP, AF_INET, SOCK_ST_LISTEN,
			   "0.0.0.0", 80, "0.0.0.0", 0);
	r[1] = outkit_inet(SOCK_NETID_TCP, AF_INET, SOCK_ST_ESTABLISHED,
			   "127.0.0.1", 80, "127.0.0.1", 40000);
	r[2] = outkit_inet(SOCK_NETID_TCP, AF_INET6, SOCK_ST_ESTABLISHED,
			   "::1", 80, "::1", 40001);
	r[3] = outkit_inet(SOCK_NETID_TCP, AF_INET, SOCK_ST_CLOSE_WAIT,
			   "127.0.0.1", 80, "127.0.0.1", 40002);
	r[4] = outkit_inet(SOCK_NETID_TCP, AF_INET, SOCK_ST_TIME_WAIT,
			   "127.0.0.1", 40003, "127.0.0.1", 80);
	r[5] = outkit_inet(SOCK_NETID_TCP, AF_INET, SOCK_ST_SYN_SENT,
			   "127.0.0.1", 40004, "127.0.0.1", 81);
}

static void test_states(void **state)
{
	struct sock_rec r[8];
	(void)state;

	dumped_rows(r);
	outkit_check(summary_text(ROOT "/live", r, 6, 0),
		     "Total: 39\n"
		     "TCP:   60 (estab 11, closed 41, orphaned 0, timewait 1)\n"
		     "\n"
		     "Transport Total     IP        IPv6\n"
		     "RAW\t  0         0         0        \n"
		     "UDP\t  6         3         3        \n"
		     "TCP\t  19        13        6        \n"
		     "INET\t  25        16        9        \n"
		     "FRAG\t  0         0         0        \n"
		     "\n"
		     "TCP states: ESTAB 2, SYN-SENT 1, TIME-WAIT 1, "
		     "CLOSE-WAIT 1, LISTEN 1\n"
		     "UDP states: none\n"
		     "\n");
	/* Unix sockets, when the view has any, get their own line */
	r[6] = outkit_inet(SOCK_NETID_UDP, AF_INET, SOCK_ST_CLOSE,
			   "127.0.0.1", 53, "0.0.0.0", 0);
	r[7] = outkit_unix(SOCK_NETID_UNIX_DGRAM, SOCK_ST_CLOSE, NULL, 0, 7);
	outkit_check(summary_text(ROOT "/no-ipv6", &r[6], 2, 0),
		     "Total: 39\n"
		     "TCP:   60 (estab 11, closed 47, orphaned 0, timewait 1)\n"
		     "\n"
		     "Transport Total     IP        IPv6\n"
		     "RAW\t  0         0         0        \n"
		     "UDP\t  3         3         0        \n"
		     "TCP\t  13        13        0        \n"
		     "INET\t  16        16        0        \n"
		     "FRAG\t  0         0         0        \n"
		     "\n"
		     "TCP states: none\n"
		     "UDP states: UNCONN 1\n"
		     "Unix states: UNCONN 1\n"
		     "\n");
}

static void test_json(void **state)
{
	struct sock_rec r[6];
	(void)state;

	outkit_check(summary_text(ROOT "/busy", NULL, 0, 1),
		     "{\"schema_version\":1,\"total\":2147483000,"
		     "\"tcp\":{\"total\":1634567890,\"estab\":987654,"
		     "\"closed\":1511111094,\"orphaned\":17,"
		     "\"timewait\":1234567890},"
		     "\"transport\":{"
		     "\"raw\":{\"total\":4,\"ipv4\":3,\"ipv6\":1},"
		     "\"udp\":{\"total\":1000000042,\"ipv4\":42,"
		     "\"ipv6\":1000000000},"
		     "\"tcp\":{\"total\":123456796,\"ipv4\":123456789,"
		     "\"ipv6\":7},"
		     "\"inet\":{\"total\":1123456842,\"ipv4\":123456834,"
		     "\"ipv6\":1000000008},"
		     "\"frag\":{\"total\":7,\"ipv4\":2,\"ipv6\":5}}}\n");
	dumped_rows(r);
	outkit_check(summary_text(ROOT "/live", r, 6, 1),
		     "{\"schema_version\":1,\"total\":39,"
		     "\"tcp\":{\"total\":60,\"estab\":11,\"closed\":41,"
		     "\"orphaned\":0,\"timewait\":1},"
		     "\"transport\":{"
		     "\"raw\":{\"total\":0,\"ipv4\":0,\"ipv6\":0},"
		     "\"udp\":{\"total\":6,\"ipv4\":3,\"ipv6\":3},"
		     "\"tcp\":{\"total\":19,\"ipv4\":13,\"ipv6\":6},"
		     "\"inet\":{\"total\":25,\"ipv4\":16,\"ipv6\":9},"
		     "\"frag\":{\"total\":0,\"ipv4\":0,\"ipv6\":0}},"
		     "\"states\":{"
		     "\"tcp\":{\"estab\":2,\"syn_sent\":1,\"syn_recv\":0,"
		     "\"fin_wait_1\":0,\"fin_wait_2\":0,\"time_wait\":1,"
		     "\"unconn\":0,\"close_wait\":1,\"last_ack\":0,"
		     "\"listen\":1,\"closing\":0},"
		     "\"udp\":{\"estab\":0,\"syn_sent\":0,\"syn_recv\":0,"
		     "\"fin_wait_1\":0,\"fin_wait_2\":0,\"time_wait\":0,"
		     "\"unconn\":0,\"close_wait\":0,\"last_ack\":0,"
		     "\"listen\":0,\"closing\":0}}}\n");
}

/* A counter that races can make ss's "closed" negative: shown as is. */
static void test_negative_closed(void **state)
{
	struct summary s = { .sockets = 1, .tcp_alloc = 1, .tcp4 = 5 };
	struct obuf out;
	char *text;
	(void)state;

	outkit_open(&out);
	summary_print(&s, NULL, 0, &out);
	text = outkit_text(&out);
	assert_non_null(strstr(text, "TCP:   1 (estab 0, closed -4, "
				     "orphaned 0, timewait 0)\n"));
	free(text);
	outkit_open(&out);
	summary_print(&s, NULL, 1, &out);
	text = outkit_text(&out);
	assert_non_null(strstr(text, "\"closed\":-4,"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_like_ss),
		cmocka_unit_test(test_live_text),
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_parse_edges),
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_negative_closed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
