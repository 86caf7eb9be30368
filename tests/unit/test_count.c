/* test_count.c - --count-by: groups by value (not by display text), the
 * largest first and ties in key order, the table's alignment, header and
 * Total line, the JSON document (numbers, strings, null; valid for any
 * bytes), repeated keys, owners as keys, and a large view. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "collect/owners.h"
#include "model/facts.h"
#include "output/addr.h"
#include "output/count.h"
#include "outkit.h"
#include "proctree.h"

#define SERVICES FIXTURE_DIR "/services"

#define TCP SOCK_NETID_TCP
#define UDP SOCK_NETID_UDP
#define USTR SOCK_NETID_UNIX_STREAM
#define UDGR SOCK_NETID_UNIX_DGRAM

/* A listing's worth of rows: 3 ESTAB, 2 LISTEN, 1 TIME-WAIT over TCP,
 * 2 ESTAB Unix, 1 UDP UNCONN. */
static void base_rows(struct sock_rec *r)
{
	r[0] = outkit_inet(TCP, AF_INET, SOCK_ST_LISTEN, "0.0.0.0", 80,
			   "0.0.0.0", 0);
	r[1] = outkit_inet(TCP, AF_INET, SOCK_ST_ESTABLISHED, "127.0.0.1",
			   80, "127.0.0.1", 40000);
	r[2] = outkit_inet(TCP, AF_INET, SOCK_ST_ESTABLISHED, "127.0.0.1",
			   40000, "127.0.0.1", 80);
	r[3] = outkit_inet(TCP, AF_INET6, SOCK_ST_ESTABLISHED, "::1", 40001,
			   "::1", 8080);
	r[4] = outkit_inet(TCP, AF_INET6, SOCK_ST_LISTEN, "::", 8080, "::",
			   0);
	r[5] = outkit_inet(TCP, AF_INET, SOCK_ST_TIME_WAIT, "127.0.0.1",
			   40002, "127.0.0.1", 80);
	r[6] = outkit_unix(USTR, SOCK_ST_ESTABLISHED, NULL, 0, 1001);
	r[7] = outkit_unix(USTR, SOCK_ST_ESTABLISHED, "/run/a", 6, 1002);
	r[8] = outkit_inet(UDP, AF_INET, SOCK_ST_CLOSE, "127.0.0.1", 53,
			   "0.0.0.0", 0);
}
#define NBASE 9

struct ctx {
	struct addr_ctx *addr;
	struct fields_ctx fc;
};

static void ctx_open(struct ctx *c, struct facts *f, int numeric)
{
	struct addr_opts ao = { .numeric = numeric,
				.services_path = SERVICES };

	c->addr = addr_ctx_new(&ao);
	c->fc.addr = c->addr;
	c->fc.facts = f;
	c->fc.esc_flags = 0;
}

/* Count rows by the comma-separated keys; returns the output. */
static char *count_rows(struct ctx *c, const struct sock_rec *r, size_t n,
			const char *keys, int json, int header)
{
	enum field_id ids[8];
	size_t nk;
	struct sc_err err;
	struct outkit_rows k;
	struct count_opts o;
	struct obuf out;
	char *text;

	assert_int_equal(fields_parse_list(keys, "--count-by", ids, 8, &nk,
					   &err),
			 0);
	o = (struct count_opts){ .keys = ids, .nkeys = nk, .json = json,
				 .header = header, .fc = &c->fc };
	outkit_rows(&k, r, n);
	outkit_open(&out);
	assert_int_equal(count_write(&o, &k.v, &out, &err), 0);
	text = outkit_text(&out);
	outkit_rows_free(&k);
	if (json) {
		int ok = outkit_json_ok(text);

		if (ok == 0)
			print_error("invalid JSON: %s\n", text);
		assert_int_not_equal(ok, 0);
	} else {
		outkit_no_trailing_space(text);
	}
	return text;
}

static void check_count(const struct sock_rec *r, size_t n, const char *keys,
			int json, int header, const char *want)
{
	struct ctx c;

	ctx_open(&c, NULL, 1);
	outkit_check(count_rows(&c, r, n, keys, json, header), want);
	addr_ctx_free(c.addr);
}

static void test_state(void **state)
{
	struct sock_rec r[NBASE];
	(void)state;

	base_rows(r);
	check_count(r, NBASE, "state", 0, 1,
		    "State     Count\n"
		    "ESTAB         5\n"
		    "LISTEN        2\n"
		    "TIME-WAIT     1\n"
		    "UNCONN        1\n"
		    "Total         9\n");
	/* -H: the groups alone, for other tools */
	check_count(r, NBASE, "state", 0, 0,
		    "ESTAB     5\n"
		    "LISTEN    2\n"
		    "TIME-WAIT 1\n"
		    "UNCONN    1\n");
	check_count(r, NBASE, "state", 1, 1,
		    "{\"schema_version\":1,\"count_by\":[\"state\"],"
		    "\"groups\":[{\"state\":\"ESTAB\",\"count\":5},"
		    "{\"state\":\"LISTEN\",\"count\":2},"
		    "{\"state\":\"TIME-WAIT\",\"count\":1},"
		    "{\"state\":\"UNCONN\",\"count\":1}],\"total\":9}\n");
}

/* Ties keep the order of the key's values: TIME-WAIT (6) before UNCONN
 * (7) above, whatever the rows' order was. */
static void test_ties_in_key_order(void **state)
{
	struct sock_rec r[4];
	(void)state;

	r[0] = outkit_inet(UDP, AF_INET, SOCK_ST_CLOSE, "127.0.0.1", 53,
			   "0.0.0.0", 0);
	r[1] = outkit_inet(TCP, AF_INET, SOCK_ST_LISTEN, "0.0.0.0", 80,
			   "0.0.0.0", 0);
	r[2] = outkit_inet(TCP, AF_INET, SOCK_ST_TIME_WAIT, "127.0.0.1",
			   40002, "127.0.0.1", 80);
	r[3] = outkit_inet(TCP, AF_INET, SOCK_ST_ESTABLISHED, "127.0.0.1",
			   40000, "127.0.0.1", 80);
	check_count(r, 4, "state", 0, 0,
		    "ESTAB     1\n"
		    "TIME-WAIT 1\n"
		    "UNCONN    1\n"
		    "LISTEN    1\n");
}

/* Ports: right-aligned, numbers in JSON (not the service name the table
 * shows), null for Unix sockets, which have none. */
static void test_dport(void **state)
{
	struct sock_rec r[NBASE];
	struct ctx c;
	(void)state;

	base_rows(r);
	check_count(r, NBASE, "dport", 0, 1,
		    " Port Count\n"
		    "    *     3\n"
		    "    -     2\n"
		    "   80     2\n"
		    " 8080     1\n"
		    "40000     1\n"
		    "Total     9\n");
	ctx_open(&c, NULL, 0);
	outkit_check(count_rows(&c, r, NBASE, "dport", 0, 1),
		     "    Port Count\n"
		     "       *     3\n"
		     "       -     2\n"
		     "    http     2\n"
		     "webcache     1\n"
		     "   40000     1\n"
		     "Total        9\n");
	outkit_check(count_rows(&c, r, NBASE, "dport", 1, 1),
		     "{\"schema_version\":1,\"count_by\":[\"dport\"],"
		     "\"groups\":[{\"dport\":0,\"count\":3},"
		     "{\"dport\":null,\"count\":2},{\"dport\":80,\"count\":2},"
		     "{\"dport\":8080,\"count\":1},"
		     "{\"dport\":40000,\"count\":1}],\"total\":9}\n");
	addr_ctx_free(c.addr);
}

/* Two keys; a repeated key counts once (a JSON object cannot hold a name
 * twice); netid and family are strings. */
static void test_two_keys(void **state)
{
	struct sock_rec r[NBASE];
	(void)state;

	base_rows(r);
	check_count(r, NBASE, "netid,state,netid", 0, 1,
		    "Netid State     Count\n"
		    "tcp   ESTAB         3\n"
		    "u_str ESTAB         2\n"
		    "tcp   LISTEN        2\n"
		    "udp   UNCONN        1\n"
		    "tcp   TIME-WAIT     1\n"
		    "Total               9\n");
	check_count(r, NBASE, "family,state", 1, 1,
		    "{\"schema_version\":1,\"count_by\":[\"family\",\"state\"],"
		    "\"groups\":["
		    "{\"family\":\"unix\",\"state\":\"ESTAB\",\"count\":2},"
		    "{\"family\":\"inet\",\"state\":\"ESTAB\",\"count\":2},"
		    "{\"family\":\"inet\",\"state\":\"TIME-WAIT\",\"count\":1},"
		    "{\"family\":\"inet\",\"state\":\"UNCONN\",\"count\":1},"
		    "{\"family\":\"inet\",\"state\":\"LISTEN\",\"count\":1},"
		    "{\"family\":\"inet6\",\"state\":\"ESTAB\",\"count\":1},"
		    "{\"family\":\"inet6\",\"state\":\"LISTEN\",\"count\":1}],"
		    "\"total\":9}\n");
}

/* Groups are cut on values: state 0 and an out-of-range state both show
 * as UNKNOWN but are two groups; paths that differ only after their
 * first NUL are one (the path ends there). */
static void test_values_not_text(void **state)
{
	struct sock_rec r[5];
	(void)state;

	r[0] = outkit_inet(TCP, AF_INET, 0, "127.0.0.1", 1, "0.0.0.0", 0);
	r[1] = outkit_inet(TCP, AF_INET, 0, "127.0.0.1", 2, "0.0.0.0", 0);
	r[2] = outkit_inet(TCP, AF_INET, 13, "127.0.0.1", 3, "0.0.0.0", 0);
	check_count(r, 3, "state", 0, 0,
		    "UNKNOWN 2\n"
		    "UNKNOWN 1\n");
	r[0] = outkit_unix(USTR, SOCK_ST_LISTEN, "/run/x\0a", 8, 1);
	r[1] = outkit_unix(USTR, SOCK_ST_LISTEN, "/run/x\0b", 8, 2);
	r[2] = outkit_unix(USTR, SOCK_ST_LISTEN, "/run/x", 6, 3);
	r[3] = outkit_unix(USTR, SOCK_ST_LISTEN, "/run/y", 6, 4);
	r[4] = outkit_unix(USTR, SOCK_ST_LISTEN, NULL, 0, 5);
	check_count(r, 5, "path", 0, 1,
		    "Path   Count\n"
		    "/run/x     3\n"
		    "-          1\n"
		    "/run/y     1\n"
		    "Total      5\n");
}

/* Hostile names: escaped in the table, raw bytes kept (and the document
 * valid) in JSON; widths count the escaped text. */
static void test_hostile_names(void **state)
{
	static const char evil[] = "/tmp/a\x1b[31mb\nc\xff";
	struct sock_rec r[3];
	(void)state;

	r[0] = outkit_unix(UDGR, SOCK_ST_CLOSE, evil, sizeof(evil) - 1, 1);
	r[1] = outkit_unix(UDGR, SOCK_ST_CLOSE, evil, sizeof(evil) - 1, 2);
	r[2] = outkit_unix(UDGR, SOCK_ST_CLOSE, "@x\"y", 4, 3);
	r[2].name = "\0x\"y";
	check_count(r, 3, "path,state", 0, 1,
		    "Path                 State  Count\n"
		    "/tmp/a\\e[31mb\\nc\\xff UNCONN     2\n"
		    "@x\"y                 UNCONN     1\n"
		    "Total                           3\n");
	check_count(r, 3, "path", 1, 1,
		    "{\"schema_version\":1,\"count_by\":[\"path\"],"
		    "\"groups\":[{\"path\":\"/tmp/a\\u001b[31mb\\nc\\udcff\","
		    "\"count\":2},{\"path\":\"@x\\\"y\",\"count\":1}],"
		    "\"total\":3}\n");
}

/* Owners as keys (facts over a fake /proc): comm and pid, "-" / null
 * without a holder. */
static void test_owners(void **state)
{
	static const char *const l100[] = { "3", "socket:[1001]", "4",
					    "socket:[1002]", NULL };
	static const char *const l200[] = { "3", "socket:[1003]", NULL };
	char root[] = "/tmp/sockscope-count-proc-XXXXXX";
	struct facts_opts fo = { .owners = 1 };
	struct owners *ow = NULL;
	struct sc_err err;
	struct facts *f;
	struct sock_rec r[4];
	struct ctx c;
	(void)state;

	assert_non_null(mkdtemp(root));
	assert_int_equal(chmod(root, 0755), 0);
	proctree_pid(root, "100", "100 (python3) S 1 100", l100);
	proctree_pid(root, "200", "200 (a\x1b]0;x) S 1 200", l200);
	assert_int_equal(owners_scan(root, 1, &ow, &err), 0);
	proctree_rm(root);

	r[0] = outkit_inet(TCP, AF_INET, SOCK_ST_CLOSE_WAIT, "127.0.0.1", 80,
			   "127.0.0.1", 40000);
	r[0].inode = 1001;
	r[1] = r[0];
	r[1].inode = 1002;
	r[2] = r[0];
	r[2].inode = 1003;
	r[3] = r[0];
	r[3].state = SOCK_ST_TIME_WAIT;
	r[3].inode = 0;
	f = facts_new(&fo);
	facts_set_owners(f, ow);
	ctx_open(&c, f, 1);
	outkit_check(count_rows(&c, r, 4, "state,comm,pid", 0, 1),
		     "State      Command PID Count\n"
		     "CLOSE-WAIT python3 100     2\n"
		     "TIME-WAIT  -         -     1\n"
		     "CLOSE-WAIT a\\e]0;x 200     1\n"
		     "Total                      4\n");
	outkit_check(count_rows(&c, r, 4, "comm", 1, 1),
		     "{\"schema_version\":1,\"count_by\":[\"comm\"],"
		     "\"groups\":[{\"comm\":\"python3\",\"count\":2},"
		     "{\"comm\":null,\"count\":1},"
		     "{\"comm\":\"a\\u001b]0;x\",\"count\":1}],\"total\":4}\n");
	addr_ctx_free(c.addr);
	facts_free(f);
	owners_free(ow);
}

static void test_empty_and_errors(void **state)
{
	struct outkit_rows k;
	struct count_opts o = { 0 };
	struct sc_err err = { 0 };
	struct obuf out;
	struct ctx c;
	(void)state;

	check_count(NULL, 0, "state,comm", 0, 1,
		    "State Command Count\n"
		    "Total             0\n");
	check_count(NULL, 0, "state", 0, 0, "");
	check_count(NULL, 0, "state", 1, 1,
		    "{\"schema_version\":1,\"count_by\":[\"state\"],"
		    "\"groups\":[],\"total\":0}\n");

	ctx_open(&c, NULL, 1);
	o.fc = &c.fc;
	outkit_rows(&k, NULL, 0);
	outkit_open(&out);
	assert_int_equal(count_write(&o, &k.v, &out, &err), -1);
	assert_string_equal(err.msg, "--count-by needs a field");
	free(outkit_text(&out));
	outkit_rows_free(&k);
	addr_ctx_free(c.addr);
}

/* Many rows: exact counts, the view sorted by the key afterwards. */
static void test_many(void **state)
{
	enum { N = 20000 };
	struct sock_rec *r = calloc(N, sizeof(*r));
	char want[256];
	(void)state;

	assert_non_null(r);
	for (size_t i = 0; i < N; i++)
		r[i] = outkit_inet(TCP, AF_INET,
				   i % 10 == 0	 ? SOCK_ST_LISTEN
				   : i % 3 == 0 ? SOCK_ST_TIME_WAIT
						: SOCK_ST_ESTABLISHED,
				   "127.0.0.1", (uint16_t)(i % 60000 + 1),
				   "127.0.0.1", 80);
	/* i % 10 == 0: 2000; else i % 3 == 0: 6667 - 667 = 6000 */
	snprintf(want, sizeof(want),
		 "{\"schema_version\":1,\"count_by\":[\"state\"],"
		 "\"groups\":[{\"state\":\"ESTAB\",\"count\":%d},"
		 "{\"state\":\"TIME-WAIT\",\"count\":%d},"
		 "{\"state\":\"LISTEN\",\"count\":%d}],\"total\":%d}\n",
		 N - 2000 - 6000, 6000, 2000, N);
	check_count(r, N, "state", 1, 1, want);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state),
		cmocka_unit_test(test_ties_in_key_order),
		cmocka_unit_test(test_dport),
		cmocka_unit_test(test_two_keys),
		cmocka_unit_test(test_values_not_text),
		cmocka_unit_test(test_hostile_names),
		cmocka_unit_test(test_owners),
		cmocka_unit_test(test_empty_and_errors),
		cmocka_unit_test(test_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
