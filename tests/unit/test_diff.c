/* test_diff.c - births, state changes and deaths between two snapshots:
 * identity by inode, by cookie across the turn into TIME-WAIT, by
 * addresses without either; reused inodes, duplicates, the baseline. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sys/socket.h>

#include "model/diff.h"
#include "model/rows.h"

static struct sock_rec tcp(uint16_t sport, uint16_t dport, uint8_t state,
			   uint64_t inode, uint64_t cookie)
{
	struct sock_rec r;

	memset(&r, 0, sizeof(r));
	r.netid = SOCK_NETID_TCP;
	r.family = AF_INET;
	r.state = state;
	r.src[0] = r.dst[0] = 127;
	r.src[3] = r.dst[3] = 1;
	r.sport = sport;
	r.dport = dport;
	r.inode = inode;
	r.cookie = cookie;
	return r;
}

static struct sock_rec unx(uint64_t inode, uint8_t state)
{
	struct sock_rec r;

	memset(&r, 0, sizeof(r));
	r.netid = SOCK_NETID_UNIX_STREAM;
	r.family = AF_UNIX;
	r.state = state;
	r.inode = inode;
	r.name = "/run/a.sock";
	r.name_len = 11;
	return r;
}

struct change {
	enum diff_kind kind;
	size_t prev, cur;
};

struct changes {
	struct change v[16];
	size_t n;
	int stop_after;
};

static int record(void *ud, enum diff_kind kind, size_t p, size_t c)
{
	struct changes *ch = ud;

	assert_true(ch->n < 16);
	ch->v[ch->n].kind = kind;
	ch->v[ch->n].prev = p;
	ch->v[ch->n].cur = c;
	ch->n++;
	if (ch->stop_after != 0 && (int)ch->n == ch->stop_after)
		return -7;
	return 0;
}

struct pair {
	struct rows *a, *b;
	struct diff_index ia, ib;
	struct changes ch;
};

static void run(struct pair *p, const struct sock_rec *prev, size_t np,
		const struct sock_rec *cur, size_t nc)
{
	memset(p, 0, sizeof(*p));
	p->a = rows_new(0);
	p->b = rows_new(0);
	for (size_t i = 0; i < np; i++)
		rows_add(p->a, &prev[i]);
	for (size_t i = 0; i < nc; i++)
		rows_add(p->b, &cur[i]);
	diff_index_build(&p->ia, p->a);
	diff_index_build(&p->ib, p->b);
	assert_int_equal(diff_rows(&p->ia, &p->ib, record, &p->ch), 0);
}

static void done(struct pair *p)
{
	diff_index_free(&p->ia);
	diff_index_free(&p->ib);
	rows_free(p->a);
	rows_free(p->b);
}

static void expect(const struct pair *p, size_t i, enum diff_kind k,
		   size_t prev, size_t cur)
{
	assert_true(i < p->ch.n);
	assert_int_equal(p->ch.v[i].kind, k);
	assert_int_equal(p->ch.v[i].prev, prev);
	assert_int_equal(p->ch.v[i].cur, cur);
}

static void test_born_state_died(void **state)
{
	struct sock_rec prev[] = {
		tcp(5000, 0, SOCK_ST_LISTEN, 100, 1),
		tcp(40001, 5000, SOCK_ST_ESTABLISHED, 101, 2),
		unx(200, SOCK_ST_LISTEN),
	};
	struct sock_rec cur[] = {
		unx(201, SOCK_ST_ESTABLISHED),
		tcp(40001, 5000, SOCK_ST_FIN_WAIT2, 101, 2),
		tcp(5000, 0, SOCK_ST_LISTEN, 100, 1),
	};
	struct pair p;

	(void)state;
	run(&p, prev, 3, cur, 3);
	assert_int_equal(p.ch.n, 3);
	/* births and changes in cur's order, then deaths in prev's */
	expect(&p, 0, DIFF_BORN, DIFF_NONE, 0);
	expect(&p, 1, DIFF_STATE, 1, 1);
	expect(&p, 2, DIFF_DIED, 2, DIFF_NONE);
	done(&p);
}

static void test_same_is_quiet(void **state)
{
	struct sock_rec s[] = {
		tcp(5000, 0, SOCK_ST_LISTEN, 100, 1),
		unx(200, SOCK_ST_LISTEN),
		/* /proc/net: a TIME-WAIT socket has neither inode nor
		 * cookie; its addresses tell */
		tcp(40002, 5000, SOCK_ST_TIME_WAIT, 0, 0),
	};
	struct pair p;

	(void)state;
	run(&p, s, 3, s, 3);
	assert_int_equal(p.ch.n, 0);
	done(&p);
}

static void test_time_wait_by_cookie(void **state)
{
	/* the socket closes: its inode goes, its cookie stays */
	struct sock_rec prev[] = { tcp(40001, 5000, SOCK_ST_FIN_WAIT2, 101, 9) };
	struct sock_rec cur[] = { tcp(40001, 5000, SOCK_ST_TIME_WAIT, 0, 9) };
	struct pair p;

	(void)state;
	run(&p, prev, 1, cur, 1);
	assert_int_equal(p.ch.n, 1);
	expect(&p, 0, DIFF_STATE, 0, 0);
	assert_int_equal(diff_index_find_cookie(&p.ib, 9), 0);
	assert_int_equal(diff_index_find_cookie(&p.ib, 8), DIFF_NONE);
	assert_int_equal(diff_index_find_cookie(&p.ib, 0), DIFF_NONE);
	done(&p);
}

static void test_reused_inode(void **state)
{
	/* one inode, another cookie: another socket */
	struct sock_rec prev[] = { tcp(40001, 5000, SOCK_ST_ESTABLISHED, 101, 2) };
	struct sock_rec cur[] = { tcp(40001, 5000, SOCK_ST_ESTABLISHED, 101, 3) };
	struct pair p;

	(void)state;
	run(&p, prev, 1, cur, 1);
	assert_int_equal(p.ch.n, 2);
	expect(&p, 0, DIFF_BORN, DIFF_NONE, 0);
	expect(&p, 1, DIFF_DIED, 0, DIFF_NONE);
	done(&p);
}

static void test_cookie_other_netid(void **state)
{
	/* a cookie names one socket; the netid must agree too */
	struct sock_rec prev[] = { tcp(53, 0, SOCK_ST_CLOSE, 0, 5) };
	struct sock_rec cur[] = { tcp(53, 0, SOCK_ST_CLOSE, 0, 5) };
	struct pair p;

	(void)state;
	cur[0].netid = SOCK_NETID_UDP;
	run(&p, prev, 1, cur, 1);
	assert_int_equal(p.ch.n, 2);
	expect(&p, 0, DIFF_BORN, DIFF_NONE, 0);
	expect(&p, 1, DIFF_DIED, 0, DIFF_NONE);
	done(&p);
}

static void test_tuple(void **state)
{
	/* /proc/net rows without cookies: TIME-WAIT by addresses; another
	 * port is another socket */
	struct sock_rec prev[] = {
		tcp(40002, 5000, SOCK_ST_TIME_WAIT, 0, 0),
		tcp(40003, 5000, SOCK_ST_TIME_WAIT, 0, 0),
	};
	struct sock_rec cur[] = {
		tcp(40003, 5000, SOCK_ST_TIME_WAIT, 0, 0),
		tcp(40004, 5000, SOCK_ST_TIME_WAIT, 0, 0),
	};
	struct pair p;
	struct sock_rec probe = tcp(40004, 5000, SOCK_ST_CLOSE, 0, 77);

	(void)state;
	run(&p, prev, 2, cur, 2);
	assert_int_equal(p.ch.n, 2);
	expect(&p, 0, DIFF_BORN, DIFF_NONE, 1);
	expect(&p, 1, DIFF_DIED, 0, DIFF_NONE);
	/* a destroyed full socket's addresses find its minisocket */
	assert_int_equal(diff_index_find_minisock(&p.ib, &probe), 1);
	probe.dport = 5001;
	assert_int_equal(diff_index_find_minisock(&p.ib, &probe), DIFF_NONE);
	done(&p);
}

static void test_tuple_netns(void **state)
{
	/* one TIME-WAIT 4-tuple in two namespaces (--all-netns over
	 * /proc/net), whose indexes swap from one snapshot to the next: the
	 * namespace's inode tells them apart */
	struct netns_info vp[2] = { { .ino = 100 }, { .ino = 200 } };
	struct netns_info vc[2] = { { .ino = 200 }, { .ino = 100 } };
	struct netns_set sp = { .v = vp, .n = 2 }, sc = { .v = vc, .n = 2 };
	struct sock_rec prev[] = {
		tcp(40002, 5000, SOCK_ST_TIME_WAIT, 0, 0),
		tcp(40002, 5000, SOCK_ST_TIME_WAIT, 0, 0),
	};
	struct sock_rec cur[] = {
		tcp(40002, 5000, SOCK_ST_TIME_WAIT, 0, 0),
	};
	struct sock_rec probe = tcp(40002, 5000, SOCK_ST_CLOSE, 0, 77);
	struct rows *a = rows_new(0), *b = rows_new(0);
	struct diff_index ia, ib;
	struct changes ch = { .n = 0 };

	(void)state;
	prev[1].netns = 1;
	cur[0].netns = 0; /* ino 200: prev's second row */
	for (size_t i = 0; i < 2; i++)
		rows_add(a, &prev[i]);
	rows_add(b, &cur[0]);
	diff_index_build_ns(&ia, a, &sp);
	diff_index_build_ns(&ib, b, &sc);
	assert_int_equal(diff_rows(&ia, &ib, record, &ch), 0);
	assert_int_equal(ch.n, 1);
	assert_int_equal(ch.v[0].kind, DIFF_DIED);
	assert_int_equal(ch.v[0].prev, 0);
	assert_int_equal(diff_index_find_minisock_ns(&ib, &probe, 200), 0);
	assert_int_equal(diff_index_find_minisock_ns(&ib, &probe, 100),
			 DIFF_NONE);
	assert_int_equal(diff_index_find_minisock_ns(&ia, &probe, 200), 1);
	diff_index_free(&ia);
	diff_index_free(&ib);
	rows_free(a);
	rows_free(b);
}

static void test_duplicates(void **state)
{
	/* two rows with one identity: the second is another socket */
	struct sock_rec prev[] = { unx(300, SOCK_ST_ESTABLISHED) };
	struct sock_rec cur[] = {
		unx(300, SOCK_ST_ESTABLISHED),
		unx(300, SOCK_ST_ESTABLISHED),
	};
	struct pair p;

	(void)state;
	run(&p, prev, 1, cur, 2);
	assert_int_equal(p.ch.n, 1);
	expect(&p, 0, DIFF_BORN, DIFF_NONE, 1);
	done(&p);
}

static void test_baseline_and_stop(void **state)
{
	struct sock_rec cur[] = {
		unx(1, SOCK_ST_LISTEN),
		unx(2, SOCK_ST_LISTEN),
		unx(3, SOCK_ST_LISTEN),
	};
	struct rows *rs = rows_new(0);
	struct rows *empty = rows_new(0);
	struct diff_index ix, ie;
	struct changes ch = { .n = 0 };

	(void)state;
	for (size_t i = 0; i < 3; i++)
		rows_add(rs, &cur[i]);
	diff_index_build(&ix, rs);
	diff_index_build(&ie, empty);
	/* no snapshot before: nothing is new */
	assert_int_equal(diff_rows(NULL, &ix, record, &ch), 0);
	assert_int_equal(ch.n, 0);
	/* everything born; the callback stops it after two */
	ch.stop_after = 2;
	assert_int_equal(diff_rows(&ie, &ix, record, &ch), -7);
	assert_int_equal(ch.n, 2);
	/* everything died */
	ch.n = 0;
	ch.stop_after = 0;
	assert_int_equal(diff_rows(&ix, &ie, record, &ch), 0);
	assert_int_equal(ch.n, 3);
	assert_int_equal(ch.v[2].kind, DIFF_DIED);
	assert_int_equal(ch.v[2].prev, 2);
	diff_index_free(&ix);
	diff_index_free(&ie);
	rows_free(rs);
	rows_free(empty);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_born_state_died),
		cmocka_unit_test(test_same_is_quiet),
		cmocka_unit_test(test_time_wait_by_cookie),
		cmocka_unit_test(test_reused_inode),
		cmocka_unit_test(test_cookie_other_netid),
		cmocka_unit_test(test_tuple),
		cmocka_unit_test(test_tuple_netns),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_baseline_and_stop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
