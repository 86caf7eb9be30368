/* test_table.c - the ss-style table sink: exact text for headers with and
 * without the Netid and State columns, alignment of inet and Unix rows,
 * wide UTF-8 names, queue widths, rollback, fitting to a terminal and the
 * Process column. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "collect/owners.h"
#include "model/facts.h"
#include "proctree.h"
#include "output/addr.h"
#include "output/table.h"
#include "util/escape.h"

#define SERVICES FIXTURE_DIR "/services"

/* ---- rows ------------------------------------------------------------ */

static struct sock_rec inet(uint8_t netid, int family, uint8_t state,
			    const char *src, uint16_t sport, const char *dst,
			    uint16_t dport)
{
	struct sock_rec r;

	memset(&r, 0, sizeof(r));
	r.netid = netid;
	r.family = (uint8_t)family;
	r.state = state;
	r.flags = SOCK_F_HAS_RQ | SOCK_F_HAS_WQ;
	assert_int_equal(inet_pton(family, src, r.src), 1);
	assert_int_equal(inet_pton(family, dst, r.dst), 1);
	r.sport = sport;
	r.dport = dport;
	return r;
}

static struct sock_rec tcp4(const char *src, uint16_t sport, const char *dst,
			    uint16_t dport)
{
	return inet(SOCK_NETID_TCP, AF_INET, SOCK_ST_ESTABLISHED, src, sport,
		    dst, dport);
}

static struct sock_rec unx(uint8_t netid, uint8_t state, const char *name,
			   size_t len, uint64_t ino, uint64_t peer)
{
	struct sock_rec r;

	memset(&r, 0, sizeof(r));
	r.netid = netid;
	r.family = AF_UNIX;
	r.state = state;
	r.flags = SOCK_F_HAS_RQ | SOCK_F_HAS_WQ | SOCK_F_HAS_PEER;
	r.name = name;
	r.name_len = (uint16_t)len;
	r.inode = ino;
	r.peer_ino = peer;
	return r;
}

/* A path as the kernel reports it: the terminating NUL counted in. */
#define UPATH(netid, state, path, ino, peer)                                   \
	unx(netid, state, path, sizeof(path), ino, peer)
/* An abstract name: the leading NUL, no terminator. */
#define UABS(netid, state, name, ino, peer)                                    \
	unx(netid, state, name, sizeof(name) - 1, ino, peer)

/* ---- rendering --------------------------------------------------------- */

struct tbl {
	struct addr_ctx *addr;
	struct sink sink;
	struct rows *rows;
	struct facts *facts;
	unsigned long unknown; /* of the rows written, by tbl_end */
};

static void tbl_open_owners(struct tbl *t, int show_netid, int show_state,
			    int header, unsigned max_cols, unsigned esc_flags,
			    int numeric, struct facts *facts, int extended)
{
	struct addr_opts ao = {
		.numeric = numeric,
		.esc_flags = esc_flags,
		.services_path = SERVICES,
	};
	struct table_opts to = {
		.show_netid = show_netid,
		.show_state = show_state,
		.header = header,
		.max_cols = max_cols,
		.processes = facts != NULL && facts_owner_table(facts) != NULL,
		.extended = extended,
		.facts = facts,
		.esc_flags = esc_flags,
	};

	t->addr = addr_ctx_new(&ao);
	to.addr = t->addr;
	t->sink = table_sink_new(&to);
	t->rows = rows_new(0);
	t->facts = facts;
	t->unknown = 0;
	assert_non_null(t->sink.ops);
	assert_string_equal(t->sink.ops->name, "table");
}

static void tbl_open(struct tbl *t, int show_netid, int show_state,
		     int header, unsigned max_cols, unsigned esc_flags,
		     int numeric)
{
	tbl_open_owners(t, show_netid, show_state, header, max_cols,
			esc_flags, numeric, NULL, 0);
}

static void tbl_rows(struct tbl *t, const struct sock_rec *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		rows_add(t->rows, &rows[i]);
}

/* Every line ends in a newline and has no trailing blank. */
static void check_no_trailing_space(const char *s)
{
	for (const char *p = s; *p != '\0'; p++)
		if (*p == '\n')
			assert_true(p == s || p[-1] != ' ');
	if (*s != '\0')
		assert_int_equal(s[strlen(s) - 1], '\n');
}

/* The read end of the pipe, drained by a thread: output of any size. */
struct drain {
	int fd;
	char *buf;
	size_t len, cap;
};

static void *drain_run(void *arg)
{
	struct drain *d = arg;

	for (;;) {
		ssize_t n;
		if (d->cap - d->len < 4096) {
			d->cap = d->cap ? d->cap * 2 : 1 << 16;
			d->buf = realloc(d->buf, d->cap);
			if (d->buf == NULL)
				abort();
		}
		n = read(d->fd, d->buf + d->len, d->cap - 1 - d->len);
		if (n <= 0)
			break;
		d->len += (size_t)n;
	}
	d->buf[d->len] = '\0';
	return NULL;
}

/* End the table into a pipe and return what came out. */
static char *tbl_end(struct tbl *t)
{
	struct rows_view v;
	struct obuf o;
	struct sc_err err;
	struct drain d = { 0 };
	pthread_t th;
	int fds[2];

	assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
	d.fd = fds[0];
	assert_int_equal(pthread_create(&th, NULL, drain_run, &d), 0);
	obuf_init(&o, fds[1]);
	memset(&err, 0, sizeof(err));
	rows_view_all(t->rows, &v);
	assert_int_equal(t->sink.ops->write(t->sink.st, &v, &o, &err), 0);
	if (t->facts != NULL)
		t->unknown = facts_unknown_in(t->facts, &v);
	rows_view_free(&v);
	rows_free(t->rows);
	assert_int_equal(obuf_flush(&o), 0);
	obuf_free(&o);
	close(fds[1]);
	assert_int_equal(pthread_join(th, NULL), 0);
	close(fds[0]);
	t->sink.ops->destroy(t->sink.st);
	addr_ctx_free(t->addr);
	assert_non_null(d.buf);
	check_no_trailing_space(d.buf);
	return d.buf;
}

/* Compare, free, then assert: a failure leaks nothing under valgrind. */
static void check_text(char *got, const char *want)
{
	int same = strcmp(got, want) == 0;

	if (!same)
		print_error("want:\n%sgot:\n%s", want, got);
	free(got);
	assert_true(same);
}

static void expect_table(const char *want, const struct sock_rec *rows,
			 size_t n, int show_netid, int show_state, int header,
			 unsigned max_cols, unsigned esc_flags)
{
	struct tbl t;
	char *got;

	tbl_open(&t, show_netid, show_state, header, max_cols, esc_flags, 1);
	tbl_rows(&t, rows, n);
	got = tbl_end(&t);
	check_text(got, want);
}

/* ---- expected text ------------------------------------------------------ */

static const char want_basic[] =
	"Recv-Q Send-Q Local Address:Port Peer Address:Port\n"
	"0      0          127.0.0.1:8080    127.0.0.1:40000\n"
	"5      1024           [::1]:22          [::1]:51234\n";

static const char want_basic_noheader[] =
	"0      0          127.0.0.1:8080    127.0.0.1:40000\n"
	"5      1024           [::1]:22          [::1]:51234\n";

static const char want_empty[] =
	"Recv-Q Send-Q Local Address:Port Peer Address:Port\n";

static const char want_empty_ns[] =
	"Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port\n";

static const char want_mixed[] =
	"Netid State  Recv-Q Send-Q Local Address:Port Peer Address:Port\n"
	"u_str ESTAB  0      0        /run/a.sock 100             * 200\n"
	"u_dgr UNCONN 0      0               @abs 300             * 0\n"
	"udp   UNCONN 0      0            0.0.0.0:53        0.0.0.0:*\n"
	"tcp   LISTEN 0      128             [::]:22           [::]:*\n"
	"tcp   LISTEN 0      4096               *:80              *:*\n";

static const char want_mixed_netid[] =
	"Netid Recv-Q Send-Q Local Address:Port Peer Address:Port\n"
	"u_str 0      0        /run/a.sock 100             * 200\n"
	"u_dgr 0      0               @abs 300             * 0\n"
	"udp   0      0            0.0.0.0:53        0.0.0.0:*\n"
	"tcp   0      128             [::]:22           [::]:*\n"
	"tcp   0      4096               *:80              *:*\n";

static const char want_mixed_state[] =
	"State  Recv-Q Send-Q Local Address:Port Peer Address:Port\n"
	"ESTAB  0      0        /run/a.sock 100             * 200\n"
	"UNCONN 0      0               @abs 300             * 0\n"
	"UNCONN 0      0            0.0.0.0:53        0.0.0.0:*\n"
	"LISTEN 0      128             [::]:22           [::]:*\n"
	"LISTEN 0      4096               *:80              *:*\n";

static const char want_utf8[] =
	"Recv-Q Send-Q     Local Address:Port Peer Address:Port\n"
	"0      0      /tmp/\xe4\xb8\xad\xe6\x96\x87\xe4\xb8\xad\xe6\x96\x87\xe4\xb8\xad\xe6\x96\x87 1               * 2\n"
	"0      0               /tmp/abc 3               * 4\n"
	"0      0                     @\xc3\xa9 5               * 6\n"
	"0      0                 /tmp/e\xcc\x81 7               * 8\n";

static const char want_utf8_c[] =
	"Recv-Q Send-Q                                                                 Local Address:Port Peer Address:Port\n"
	"0      0      /tmp/\\xe4\\xb8\\xad\\xe6\\x96\\x87\\xe4\\xb8\\xad\\xe6\\x96\\x87\\xe4\\xb8\\xad\\xe6\\x96\\x87 1               * 2\n"
	"0      0                                                                           /tmp/abc 3               * 4\n"
	"0      0                                                                          @\\xc3\\xa9 5               * 6\n"
	"0      0                                                                     /tmp/e\\xcc\\x81 7               * 8\n";

static const char want_fit80[] =
	"Netid State  Recv-Q Send-Q                  Local Address:Port Peer Address:Port\n"
	"u_str ESTAB  0      0                                  /a 10              * 11\n"
	"u_str LISTEN 0      0      /ppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp 12              * 0\n"
	"u_str ESTAB  0      0                                  @x 13              * 14\n";

static const char want_fit0[] =
	"Netid State  Recv-Q Send-Q                                                                                        Local Address:Port Peer Address:Port\n"
	"u_str ESTAB  0      0                                                                                                        /a 10              * 11\n"
	"u_str LISTEN 0      0      /ppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp 12              * 0\n"
	"u_str ESTAB  0      0                                                                                                        @x 13              * 14\n";

static const char want_fit20[] =
	"Netid State  Recv-Q Send-Q Local Address:Port Peer Address:Port\n"
	"u_str ESTAB  0      0                 /a 10              * 11\n"
	"u_str LISTEN 0      0      /ppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp 12              * 0\n"
	"u_str ESTAB  0      0                 @x 13              * 14\n";

static const char want_fit200[] =
	"Netid State  Recv-Q Send-Q                                                                                        Local Address:Port Peer Address:Port\n"
	"u_str ESTAB  0      0                                                                                                        /a 10              * 11\n"
	"u_str LISTEN 0      0      /ppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp 12              * 0\n"
	"u_str ESTAB  0      0                                                                                                        @x 13              * 14\n";

static const char want_fit_both[] =
	"Recv-Q Send-Q               Local Address:Port                Peer Address:Port\n"
	"0      0      [2001:db8:1111:2222:3333:4444:5555:6666]:443  [2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff]:50000\n"
	"0      0                         10.0.0.1:22                      10.0.0.2:50001\n";

static const char want_queues[] =
	"Recv-Q  Send-Q     Local Address:Port Peer Address:Port\n"
	"1234567 0              127.0.0.1:1       127.0.0.1:2\n"
	"0       4294967295     127.0.0.1:3       127.0.0.1:4\n";

static const char want_rollback[] =
	"Recv-Q Send-Q Local Address:Port Peer Address:Port\n"
	"0      0          127.0.0.1:1       127.0.0.1:2\n"
	"0      0          127.0.0.1:5       127.0.0.1:6\n";

static const char want_svc_utf8[] =
	"Recv-Q Send-Q Local Address:Port Peer Address:Port\n"
	"0      0          127.0.0.1:caf\xc3\xa9      0.0.0.0:*\n"
	"0      0          127.0.0.1:http      0.0.0.0:*\n";

static const char want_unknown_q[] =
	"Netid Recv-Q Send-Q Local Address:Port Peer Address:Port\n"
	"tcp   ?      ?          127.0.0.1:1       127.0.0.1:2\n"
	"u_str 3      ?                 /x 10              * ?\n";

static const char want_copied[] =
	"0      0          /tmp/sock 100             * 200\n";

static const char want_many_first[] =
	"0      0        /tmp/s00000 100000            * 0\n";

static const char want_proc[] =
	"Netid State     Recv-Q Send-Q Local Address:Port Peer Address:Port  Process\n"
	"tcp   LISTEN    0      128        127.0.0.1:80        0.0.0.0:*     users:((\"nginx\",pid=100,fd=3),(\"a\\\"b\\ec\",pid=200,fd=7))\n"
	"tcp   LISTEN    0      128        127.0.0.1:81        0.0.0.0:*     users:((\"nginx\",pid=100,fd=4))\n"
	"tcp   ESTAB     0      0          127.0.0.1:82      127.0.0.1:40000 users:((\"hidden\",pid=300,fd=1))\n"
	"tcp   ESTAB     0      0          127.0.0.1:84      127.0.0.1:40002\n"
	"tcp   TIME-WAIT 0      0          127.0.0.1:83      127.0.0.1:40001\n"
	"u_str ESTAB     0      0        /run/p.sock 5002            * 5003  users:((\"nginx\",pid=100,fd=5)) peer:((\"a\\\"b\\ec\",pid=200,fd=8))\n"
	"u_str ESTAB     0      0        /run/q.sock 7000            * 6000  peer:((\"hidden\",pid=300,fd=1))\n";

static const char want_proc_partial[] =
	"Netid State     Recv-Q Send-Q Local Address:Port Peer Address:Port  Process\n"
	"tcp   LISTEN    0      128        127.0.0.1:80        0.0.0.0:*     users:((\"nginx\",pid=100,fd=3),(\"a\\\"b\\ec\",pid=200,fd=7))\n"
	"tcp   LISTEN    0      128        127.0.0.1:81        0.0.0.0:*     users:((\"nginx\",pid=100,fd=4))\n"
	"tcp   ESTAB     0      0          127.0.0.1:82      127.0.0.1:40000 unknown\n"
	"tcp   ESTAB     0      0          127.0.0.1:84      127.0.0.1:40002 unknown\n"
	"tcp   TIME-WAIT 0      0          127.0.0.1:83      127.0.0.1:40001\n"
	"u_str ESTAB     0      0        /run/p.sock 5002            * 5003  users:((\"nginx\",pid=100,fd=5)) peer:((\"a\\\"b\\ec\",pid=200,fd=8))\n"
	"u_str ESTAB     0      0        /run/q.sock 7000            * 6000  unknown peer:unknown\n";

static const char want_proc_none[] =
	"Recv-Q Send-Q Local Address:Port Peer Address:Port  Process\n"
	"0      0          127.0.0.1:84      127.0.0.1:40002\n";

/* ---- tests ------------------------------------------------------------- */

static void test_basic(void **state)
{
	struct sock_rec rows[2];

	(void)state;
	rows[0] = tcp4("127.0.0.1", 8080, "127.0.0.1", 40000);
	rows[1] = inet(SOCK_NETID_TCP, AF_INET6, SOCK_ST_ESTABLISHED, "::1",
		       22, "::1", 51234);
	rows[1].rq = 5;
	rows[1].wq = 1024;
	expect_table(want_basic, rows, 2, 0, 0, 1, 0, 0);
	expect_table(want_basic_noheader, rows, 2, 0, 0, 0, 0, 0);
}

static void test_header_only(void **state)
{
	(void)state;
	expect_table(want_empty, NULL, 0, 0, 0, 1, 0, 0);
	expect_table(want_empty_ns, NULL, 0, 1, 1, 1, 0, 0);
	expect_table(want_empty, NULL, 0, 0, 0, 1, 80, 0);
	expect_table("", NULL, 0, 1, 1, 0, 0, 0);
}

static void mixed_rows(struct sock_rec *rows)
{
	rows[0] = UPATH(SOCK_NETID_UNIX_STREAM, SOCK_ST_ESTABLISHED,
			"/run/a.sock", 100, 200);
	rows[1] = UABS(SOCK_NETID_UNIX_DGRAM, SOCK_ST_CLOSE, "\0abs", 300, 0);
	rows[2] = inet(SOCK_NETID_UDP, AF_INET, SOCK_ST_CLOSE, "0.0.0.0", 53,
		       "0.0.0.0", 0);
	rows[3] = inet(SOCK_NETID_TCP, AF_INET6, SOCK_ST_LISTEN, "::", 22,
		       "::", 0);
	rows[3].flags |= SOCK_F_V6ONLY;
	rows[3].wq = 128;
	rows[4] = inet(SOCK_NETID_TCP, AF_INET6, SOCK_ST_LISTEN, "::", 80,
		       "::", 0);
	rows[4].wq = 4096;
}

/* Unix rows separate host and port by a blank, inet rows by ':'; Netid
 * and State appear only when asked for. */
static void test_mixed(void **state)
{
	struct sock_rec rows[5];

	(void)state;
	mixed_rows(rows);
	expect_table(want_mixed, rows, 5, 1, 1, 1, 0, 0);
	expect_table(want_mixed_netid, rows, 5, 1, 0, 1, 0, 0);
	expect_table(want_mixed_state, rows, 5, 0, 1, 1, 0, 0);
}

/* Right alignment by columns, not bytes, in a UTF-8 locale: a CJK
 * character is two columns, a combining accent none. */
static void test_utf8_names(void **state)
{
	struct sock_rec rows[4];

	(void)state;
	rows[0] = UPATH(SOCK_NETID_UNIX_STREAM, SOCK_ST_ESTABLISHED,
			"/tmp/\xe4\xb8\xad\xe6\x96\x87\xe4\xb8\xad\xe6\x96\x87"
			"\xe4\xb8\xad\xe6\x96\x87",
			1, 2);
	rows[1] = UPATH(SOCK_NETID_UNIX_STREAM, SOCK_ST_ESTABLISHED,
			"/tmp/abc", 3, 4);
	rows[2] = UABS(SOCK_NETID_UNIX_STREAM, SOCK_ST_ESTABLISHED,
		       "\0\xc3\xa9", 5, 6);
	rows[3] = UPATH(SOCK_NETID_UNIX_STREAM, SOCK_ST_ESTABLISHED,
			"/tmp/e\xcc\x81", 7, 8);
	expect_table(want_utf8, rows, 4, 0, 0, 1, 0, ESC_UTF8);
	/* the same names in the C locale: escaped, one column a byte */
	expect_table(want_utf8_c, rows, 4, 0, 0, 1, 0, 0);
}

/* Queue columns grow past their headers. */
static void test_queue_widths(void **state)
{
	struct sock_rec rows[2];

	(void)state;
	rows[0] = tcp4("127.0.0.1", 1, "127.0.0.1", 2);
	rows[0].rq = 1234567;
	rows[1] = tcp4("127.0.0.1", 3, "127.0.0.1", 4);
	rows[1].wq = UINT32_MAX;
	expect_table(want_queues, rows, 2, 0, 0, 1, 0, 0);
}

static void fit_rows(struct sock_rec *rows, char *longpath)
{
	memset(longpath, 'p', 100);
	longpath[0] = '/';
	longpath[100] = '\0';
	rows[0] = UPATH(SOCK_NETID_UNIX_STREAM, SOCK_ST_ESTABLISHED, "/a", 10,
			11);
	rows[1] = unx(SOCK_NETID_UNIX_STREAM, SOCK_ST_LISTEN, longpath, 101,
		      12, 0);
	rows[2] = UABS(SOCK_NETID_UNIX_STREAM, SOCK_ST_ESTABLISHED, "\0x", 13,
		       14);
}

/* On an 80-column terminal one long path overflows its own row; the other
 * rows keep to 80 columns. Without a terminal (0) or on a wide one, every
 * row is padded to the longest. Never narrower than the header text. */
static void test_fit(void **state)
{
	struct sock_rec rows[3];
	char longpath[101];

	(void)state;
	fit_rows(rows, longpath);
	expect_table(want_fit80, rows, 3, 1, 1, 1, 80, 0);
	expect_table(want_fit0, rows, 3, 1, 1, 1, 0, 0);
	expect_table(want_fit200, rows, 3, 1, 1, 1, 200, 0);
	expect_table(want_fit20, rows, 3, 1, 1, 1, 20, 0);
}

/* Both address columns give up padding, the wider one first. */
static void test_fit_both(void **state)
{
	struct sock_rec rows[2];

	(void)state;
	rows[0] = inet(SOCK_NETID_TCP, AF_INET6, SOCK_ST_ESTABLISHED,
		       "2001:db8:1111:2222:3333:4444:5555:6666", 443,
		       "2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff", 50000);
	rows[1] = tcp4("10.0.0.1", 22, "10.0.0.2", 50001);
	expect_table(want_fit_both, rows, 2, 0, 0, 1, 80, 0);
}

/* Rows dropped by a rollback (a restarted dump) leave no trace. */
static void test_rollback(void **state)
{
	struct sock_rec a = tcp4("127.0.0.1", 1, "127.0.0.1", 2);
	struct sock_rec b = tcp4("127.0.0.1", 3, "127.0.0.1", 4);
	struct sock_rec c = tcp4("127.0.0.1", 5, "127.0.0.1", 6);
	struct tbl t;
	size_t m, m0;
	char *got;

	(void)state;
	/* dropped rows of the same width leave no trace */
	tbl_open(&t, 0, 0, 1, 0, 0, 1);
	tbl_rows(&t, &a, 1);
	m = rows_mark(t.rows);
	tbl_rows(&t, &b, 1);
	tbl_rows(&t, &b, 1);
	rows_rollback(t.rows, m);
	assert_int_equal(rows_mark(t.rows), m);
	/* rolling back to where we are changes nothing */
	rows_rollback(t.rows, rows_mark(t.rows));
	tbl_rows(&t, &c, 1);
	got = tbl_end(&t);
	check_text(got, want_rollback);

	/* a restart of the same dump twice over */
	tbl_open(&t, 0, 0, 1, 0, 0, 1);
	tbl_rows(&t, &a, 1);
	m = rows_mark(t.rows);
	for (int i = 0; i < 3; i++) {
		rows_rollback(t.rows, m);
		tbl_rows(&t, &c, 1);
	}
	got = tbl_end(&t);
	check_text(got, want_rollback);

	/* back to the start: the header alone */
	tbl_open(&t, 0, 0, 1, 0, 0, 1);
	m0 = rows_mark(t.rows);
	tbl_rows(&t, &a, 1);
	tbl_rows(&t, &c, 1);
	rows_rollback(t.rows, m0);
	got = tbl_end(&t);
	check_text(got, want_empty);

	/* widths are measured on the rows that stay: a dropped wider row
	 * leaves nothing behind */
	b.rq = 12345678;
	tbl_open(&t, 0, 0, 1, 0, 0, 1);
	tbl_rows(&t, &a, 1);
	m = rows_mark(t.rows);
	tbl_rows(&t, &b, 1);
	rows_rollback(t.rows, m);
	tbl_rows(&t, &c, 1);
	got = tbl_end(&t);
	check_text(got, want_rollback);
}

/* The table copies what it needs: r->name is only valid during row(). */
static void test_name_is_copied(void **state)
{
	char name[] = "/tmp/sock";
	struct sock_rec r = unx(SOCK_NETID_UNIX_STREAM, SOCK_ST_ESTABLISHED,
				name, sizeof(name), 100, 200);
	struct tbl t;
	char *got;

	(void)state;
	tbl_open(&t, 0, 0, 0, 0, 0, 1);
	tbl_rows(&t, &r, 1);
	memset(name, 'X', sizeof(name) - 1);
	got = tbl_end(&t);
	check_text(got, want_copied);
}

/* Many rows: the text arena and the row array grow. */
static void test_many_rows(void **state)
{
	struct tbl t;
	char *got;
	const char *p;
	size_t lines = 0;

	(void)state;
	tbl_open(&t, 0, 0, 0, 0, 0, 1);
	for (unsigned i = 0; i < 3000; i++) {
		char name[40];
		struct sock_rec r;
		int n = snprintf(name, sizeof(name), "/tmp/s%05u", i);
		r = unx(SOCK_NETID_UNIX_STREAM, SOCK_ST_ESTABLISHED, name,
			(size_t)n + 1, 100000 + i, 0);
		tbl_rows(&t, &r, 1);
	}
	got = tbl_end(&t);
	for (p = got; *p != '\0'; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 3000);
	assert_int_equal(strncmp(got, want_many_first, strlen(want_many_first)),
			 0);
	p = strstr(got, "/tmp/s02999 102999            * 0\n");
	assert_non_null(p);
	assert_int_equal(p[34], '\0');
	free(got);
}

/* Queues and Unix peers the source does not give (/proc) show as '?'. */
static void test_unknown_values(void **state)
{
	struct sock_rec rows[2];

	(void)state;
	rows[0] = tcp4("127.0.0.1", 1, "127.0.0.1", 2);
	rows[0].flags = 0;
	rows[0].rq = 77777777; /* not known: not shown, not measured */
	rows[0].wq = 88888888;
	rows[1] = UPATH(SOCK_NETID_UNIX_STREAM, SOCK_ST_ESTABLISHED, "/x", 10,
			99999999);
	rows[1].rq = 3;
	rows[1].wq = 99999999;
	rows[1].flags = SOCK_F_HAS_RQ;
	expect_table(want_unknown_q, rows, 2, 1, 0, 1, 0, 0);
}

/* ---- the Process column (-p) ------------------------------------------- */

static void proc_rows(struct sock_rec *rows)
{
	rows[0] = inet(SOCK_NETID_TCP, AF_INET, SOCK_ST_LISTEN, "127.0.0.1",
		       80, "0.0.0.0", 0);
	rows[0].wq = 128;
	rows[0].inode = 5000;
	rows[1] = inet(SOCK_NETID_TCP, AF_INET, SOCK_ST_LISTEN, "127.0.0.1",
		       81, "0.0.0.0", 0);
	rows[1].wq = 128;
	rows[1].inode = 5001;
	rows[2] = tcp4("127.0.0.1", 82, "127.0.0.1", 40000);
	rows[2].inode = 6000; /* held by pid 300 */
	rows[3] = tcp4("127.0.0.1", 84, "127.0.0.1", 40002);
	rows[3].inode = 6001; /* held by no process */
	rows[4] = inet(SOCK_NETID_TCP, AF_INET, SOCK_ST_TIME_WAIT,
		       "127.0.0.1", 83, "127.0.0.1", 40001);
	rows[4].inode = 0; /* TIME-WAIT: no socket file */
	/* a Unix connection, both ends held */
	rows[5] = UPATH(SOCK_NETID_UNIX_STREAM, SOCK_ST_ESTABLISHED,
			"/run/p.sock", 5002, 5003);
	/* held by nobody, its peer by pid 300 */
	rows[6] = UPATH(SOCK_NETID_UNIX_STREAM, SOCK_ST_ESTABLISHED,
			"/run/q.sock", 7000, 6000);
}

/* ss's users:((...)) form, in (pid, fd) order, with the command name
 * escaped (a '"' too, as it is shown inside quotes); "unknown" for a
 * socket nobody was seen to hold when the scan missed processes. */
/* Runs of spaces as one: for rows whose alignment is tested elsewhere. */
static char *squeeze(char *s)
{
	char *o = s;

	for (const char *p = s; *p != '\0'; p++)
		if (*p != ' ' || o == s || o[-1] != ' ')
			*o++ = *p;
	*o = '\0';
	return s;
}

/* Render rows with the holders of the tree at root, as a user who cannot
 * read pid 300's descriptors: in a child that drops to uid 65534 when run
 * as root (else the chmod alone shuts it out). Returns the text and sets
 * *unknown, or NULL when the child could not switch users. */
static char *render_as_nobody(const char *root, const struct sock_rec *rows,
			      size_t n, unsigned long *unknown)
{
	int fds[2], status;
	pid_t pid;
	char *buf = NULL;
	size_t len = 0, cap = 0;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct owners *ow = NULL;
		struct facts_opts fo = { .owners = 1 };
		struct facts *f;
		struct sc_err err;
		struct tbl t;
		char *got;
		FILE *w;

		close(fds[0]);
		if (geteuid() == 0 &&
		    (setgroups(0, NULL) != 0 ||
		     setresgid(65534, 65534, 65534) != 0 ||
		     setresuid(65534, 65534, 65534) != 0))
			_exit(77);
		if (owners_scan(root, 2, &ow, &err) != 0)
			_exit(1);
		f = facts_new(&fo);
		facts_set_owners(f, ow);
		for (size_t i = 0; i < n; i++)
			facts_see(f, &rows[i]);
		tbl_open_owners(&t, 1, 1, 1, 0, 0, 1, f, 0);
		tbl_rows(&t, rows, n);
		got = tbl_end(&t);
		w = fdopen(fds[1], "w");
		fprintf(w, "%lu\n%s", t.unknown, got);
		fclose(w);
		free(got);
		facts_free(f);
		owners_free(ow);
		_exit(0);
	}
	close(fds[1]);
	for (;;) {
		ssize_t got;
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		got = read(fds[0], buf + len, cap - len - 1);
		if (got <= 0)
			break;
		len += (size_t)got;
	}
	close(fds[0]);
	buf[len] = '\0';
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77) {
		free(buf);
		return NULL;
	}
	assert_int_equal(WEXITSTATUS(status), 0);
	{
		char *nl = strchr(buf, '\n');
		char *text;
		assert_non_null(nl);
		*unknown = strtoul(buf, NULL, 10);
		text = strdup(nl + 1);
		free(buf);
		return text;
	}
}

static void test_processes(void **state)
{
	static const char *const l100[] = { "3", "socket:[5000]", "4",
					    "socket:[5001]", "5",
					    "socket:[5002]", NULL };
	static const char *const l200[] = { "7", "socket:[5000]", "8",
					    "socket:[5003]", NULL };
	static const char *const l300[] = { "1", "socket:[6000]", NULL };
	char root[] = "/tmp/sockscope-table-proc-XXXXXX";
	char fd300[64];
	struct owners *ow = NULL;
	struct facts_opts fo = { .owners = 1 };
	struct facts *f;
	struct sc_err err;
	struct sock_rec rows[7];
	struct tbl t;
	unsigned long unknown = 0;
	char *got;

	(void)state;
	assert_non_null(mkdtemp(root));
	assert_int_equal(chmod(root, 0755), 0);
	proctree_pid(root, "100", "100 (nginx) S 1 100", l100);
	proctree_pid(root, "200", "200 (a\"b\x1b" "c) S 1 200", l200);
	proctree_pid(root, "300", "300 (hidden) S 1 300", l300);
	assert_int_equal(owners_scan(root, 1, &ow, &err), 0);
	proc_rows(rows);

	f = facts_new(&fo);
	facts_set_owners(f, ow);
	for (size_t i = 0; i < 7; i++)
		facts_see(f, &rows[i]);
	tbl_open_owners(&t, 1, 1, 1, 0, 0, 1, f, 0);
	tbl_rows(&t, rows, 7);
	got = tbl_end(&t);
	check_text(got, want_proc);

	/* no row has an owner: the header still names the column */
	tbl_open_owners(&t, 0, 0, 1, 0, 0, 1, f, 0);
	tbl_rows(&t, &rows[3], 1);
	got = tbl_end(&t);
	check_text(got, want_proc_none);
	facts_free(f);
	owners_free(ow);

	/* pid 300's descriptors cannot be read: its sockets are unknown,
	 * counted once each, TIME-WAIT not among them */
	snprintf(fd300, sizeof(fd300), "%s/300/fd", root);
	assert_int_equal(chmod(fd300, 0), 0);
	got = render_as_nobody(root, rows, 7, &unknown);
	assert_int_equal(chmod(fd300, 0755), 0);
	proctree_rm(root);
	if (got == NULL)
		skip();
	check_text(got, want_proc_partial);
	/* 6000 (pid 300's), and 6001 and 7000, which pid 300 might hold */
	assert_int_equal(unknown, 3);
}

/* -e: uid and user, inode, cookie; for Unix sockets the file at the path
 * and the peer's name. */
static void test_extended(void **state)
{
	char dir[] = "/tmp/sockscope-table-ext-XXXXXX";
	char path[128], gone[128], want[4096], mode[11];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct facts_opts fo = { .peer_names = 1 };
	struct facts *f;
	struct sock_rec rows[6];
	struct stat st;
	struct tbl t;
	const char *user, *group;
	char *got;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/s.sock", dir);
	snprintf(gone, sizeof(gone), "%s/gone.sock", dir);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	strcpy(sa.sun_path, path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(chmod(path, 0660), 0);
	assert_int_equal(stat(path, &st), 0);

	rows[0] = tcp4("127.0.0.1", 22, "127.0.0.1", 40000);
	rows[0].flags |= SOCK_F_HAS_UID;
	rows[0].uid = 0;
	rows[0].inode = 4294967296ull;
	rows[0].cookie = 0x2cfe8d;
	rows[1] = tcp4("127.0.0.1", 23, "127.0.0.1", 40001);
	rows[1].flags |= SOCK_F_HAS_UID;
	rows[1].uid = 3999999999u; /* nobody's name */
	rows[1].inode = 77;
	rows[1].cookie = 1;
	rows[2] = inet(SOCK_NETID_TCP, AF_INET, SOCK_ST_TIME_WAIT,
		       "127.0.0.1", 24, "127.0.0.1", 40002);
	rows[2].cookie = 0xffffffffffffffffull;
	/* the accepted socket carries the listener's path */
	rows[3] = unx(SOCK_NETID_UNIX_STREAM, SOCK_ST_ESTABLISHED, path,
		      strlen(path) + 1, 900, 901);
	rows[3].flags |= SOCK_F_HAS_VFS | SOCK_F_HAS_UID;
	rows[3].vfs_ino = st.st_ino;
	rows[3].vfs_dev = (uint32_t)(major(st.st_dev) << 20 | minor(st.st_dev));
	rows[3].cookie = 0xabc;
	rows[4] = unx(SOCK_NETID_UNIX_STREAM, SOCK_ST_ESTABLISHED, NULL, 0,
		      901, 900);
	rows[4].cookie = 0xabd;
	rows[5] = unx(SOCK_NETID_UNIX_STREAM, SOCK_ST_LISTEN, gone,
		      strlen(gone) + 1, 902, 0);
	rows[5].flags |= SOCK_F_HAS_VFS;
	rows[5].vfs_ino = 12345;
	rows[5].cookie = 0xabe;

	f = facts_new(&fo);
	for (size_t i = 0; i < 6; i++)
		facts_see(f, &rows[i]);
	tbl_open_owners(&t, 1, 1, 0, 0, 0, 1, f, 1);
	tbl_rows(&t, rows, 6);
	got = squeeze(tbl_end(&t));

	user = facts_user(f, (uint32_t)st.st_uid);
	group = facts_group(f, (uint32_t)st.st_gid);
	assert_non_null(user);
	assert_non_null(group);
	facts_mode_text(st.st_mode, mode);
	assert_string_equal(mode, "srw-rw----");
	snprintf(want, sizeof(want),
		 "tcp ESTAB 0 0 127.0.0.1:22 127.0.0.1:40000 uid:0 user:root ino:4294967296 sk:2cfe8d\n"
		 "tcp ESTAB 0 0 127.0.0.1:23 127.0.0.1:40001 uid:3999999999 ino:77 sk:1\n"
		 "tcp TIME-WAIT 0 0 127.0.0.1:24 127.0.0.1:40002 ino:0 sk:ffffffffffffffff\n"
		 "u_str ESTAB 0 0 %s 900 * 901 uid:0 user:root ino:900 sk:abc file:ok mode:srw-rw---- owner:%s group:%s\n"
		 "u_str ESTAB 0 0 * 901 * 900 ino:901 sk:abd peer_name:%s\n"
		 "u_str LISTEN 0 0 %s 902 * 0 ino:902 sk:abe file:missing\n",
		 path, user, group, path, gone);
	check_text(got, want);
	facts_free(f);
	close(fd);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* A service name is measured in columns like the other texts. */
static void test_service_name_utf8(void **state)
{
	struct sock_rec rows[2];
	struct tbl t;
	char *got;

	(void)state;
	rows[0] = inet(SOCK_NETID_TCP, AF_INET, SOCK_ST_LISTEN, "127.0.0.1",
		       7010, "0.0.0.0", 0);
	rows[1] = inet(SOCK_NETID_TCP, AF_INET, SOCK_ST_LISTEN, "127.0.0.1",
		       80, "0.0.0.0", 0);
	tbl_open(&t, 0, 0, 1, 0, ESC_UTF8, 0);
	tbl_rows(&t, rows, 2);
	got = tbl_end(&t);
	check_text(got, want_svc_utf8);
}

int main(void)
{
	/* ESC_UTF8 is only ever used in a UTF-8 locale (see main.c) */
	setlocale(LC_CTYPE, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_header_only),
		cmocka_unit_test(test_mixed),
		cmocka_unit_test(test_utf8_names),
		cmocka_unit_test(test_queue_widths),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_fit_both),
		cmocka_unit_test(test_rollback),
		cmocka_unit_test(test_name_is_copied),
		cmocka_unit_test(test_many_rows),
		cmocka_unit_test(test_unknown_values),
		cmocka_unit_test(test_processes),
		cmocka_unit_test(test_extended),
		cmocka_unit_test(test_service_name_utf8),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
