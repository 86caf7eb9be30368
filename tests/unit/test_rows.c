/* test_rows.c - the model's row store: every field of a record comes back
 * as it went in (names, internals, timers), rollback, and views: filter,
 * stable sort, reverse. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "model/rows.h"

static struct sock_rec tcp6_rec(void)
{
	static const unsigned char info[] = { 1, 2, 3, 4, 5, 6, 7 };
	static const unsigned char skmem[] = { 9, 0, 0, 0, 8, 0, 0, 0 };
	struct sock_rec r = { 0 };

	r.netid = SOCK_NETID_TCP;
	r.family = AF_INET6;
	r.state = SOCK_ST_ESTABLISHED;
	r.flags = SOCK_F_HAS_RQ | SOCK_F_HAS_WQ | SOCK_F_HAS_UID |
		  SOCK_F_HAS_TIMER | SOCK_F_V6ONLY;
	r.timer = SOCK_TIMER_KEEPALIVE;
	r.retrans = 3;
	r.expires_ms = 7000000;
	r.rq = 1;
	r.wq = 2;
	r.uid = 1000;
	r.inode = 0x1122334455ull;
	r.cookie = 0xdeadbeefcafeull;
	r.ifindex = 7;
	r.sport = 443;
	r.dport = 55555;
	memset(r.src, 0xab, 16);
	memset(r.dst, 0xcd, 16);
	r.tcp_info = info;
	r.tcp_info_len = sizeof(info);
	r.cong = "cubic";
	r.cong_len = 5;
	r.skmem = skmem;
	r.skmem_len = sizeof(skmem);
	return r;
}

static struct sock_rec unix_rec(uint64_t ino, const char *name, size_t len)
{
	struct sock_rec r = { 0 };

	r.netid = SOCK_NETID_UNIX_STREAM;
	r.family = AF_UNIX;
	r.state = SOCK_ST_LISTEN;
	r.flags = SOCK_F_HAS_VFS | SOCK_F_HAS_PEER;
	r.inode = ino;
	r.peer_ino = ino + 1;
	r.vfs_ino = 99;
	r.vfs_dev = (254u << 20) | 1;
	r.name = name;
	r.name_len = (uint16_t)len;
	return r;
}

static void test_roundtrip(void **state)
{
	struct rows *rs = rows_new(0);
	struct sock_rec in = tcp6_rec(), out;
	char abs[] = "\0a\0b";
	struct sock_rec u = unix_rec(10, abs, 4);
	struct sock_rec v4 = { 0 };

	(void)state;
	v4.netid = SOCK_NETID_UDP;
	v4.family = AF_INET;
	v4.state = SOCK_ST_CLOSE;
	v4.src[0] = 127;
	v4.src[3] = 1;
	v4.sport = 53;
	rows_add(rs, &in);
	rows_add(rs, &u);
	rows_add(rs, &v4);
	abs[1] = 'X'; /* the row keeps its own copy */
	assert_int_equal(rows_count(rs), 3);

	rows_get(rs, 0, &out);
	assert_int_equal(out.netid, in.netid);
	assert_int_equal(out.flags, in.flags);
	assert_int_equal(out.timer, SOCK_TIMER_KEEPALIVE);
	assert_int_equal(out.retrans, 3);
	assert_int_equal(out.expires_ms, 7000000);
	assert_int_equal(out.uid, 1000);
	assert_int_equal(out.inode, in.inode);
	assert_int_equal(out.cookie, in.cookie);
	assert_int_equal(out.ifindex, 7);
	assert_int_equal(out.sport, 443);
	assert_int_equal(out.dport, 55555);
	assert_memory_equal(out.src, in.src, 16);
	assert_memory_equal(out.dst, in.dst, 16);
	assert_int_equal(out.tcp_info_len, 7);
	assert_memory_equal(out.tcp_info, in.tcp_info, 7);
	assert_int_equal(out.cong_len, 5);
	assert_memory_equal(out.cong, "cubic", 5);
	assert_int_equal(out.skmem_len, 8);
	assert_memory_equal(out.skmem, in.skmem, 8);

	rows_get(rs, 1, &out);
	assert_int_equal(out.family, AF_UNIX);
	assert_int_equal(out.name_len, 4);
	assert_memory_equal(out.name, "\0a\0b", 4);
	assert_int_equal(out.peer_ino, 11);
	assert_int_equal(out.vfs_ino, 99);
	assert_int_equal(out.vfs_dev, (254u << 20) | 1);
	assert_null(out.tcp_info);
	assert_int_equal(out.flags & SOCK_F_HAS_TIMER, 0);

	rows_get(rs, 2, &out);
	assert_int_equal(out.family, AF_INET);
	assert_int_equal(out.src[0], 127);
	assert_int_equal(out.src[3], 1);
	assert_int_equal(out.ifindex, 0);
	assert_null(out.name);
	rows_free(rs);
}

/* A lean store leaves ids and timers out, but a Unix socket keeps its
 * inode: the table shows it as the socket's "port". */
static void test_drop(void **state)
{
	struct rows *rs = rows_new(ROWS_DROP_IDS | ROWS_DROP_TIMER);
	struct sock_rec in = tcp6_rec(), out;
	struct sock_rec u = unix_rec(10, "/u", 3);

	(void)state;
	rows_add(rs, &in);
	rows_add(rs, &u);
	rows_get(rs, 0, &out);
	assert_int_equal(out.flags, SOCK_F_HAS_RQ | SOCK_F_HAS_WQ |
					    SOCK_F_V6ONLY);
	assert_int_equal(out.uid, 0);
	assert_int_equal(out.inode, 0);
	assert_int_equal(out.cookie, 0);
	assert_int_equal(out.timer, 0);
	assert_int_equal(out.expires_ms, 0);
	assert_int_equal(out.sport, 443);
	assert_int_equal(out.dport, 55555);
	assert_memory_equal(out.src, in.src, 16);
	assert_int_equal(out.ifindex, 7);
	assert_memory_equal(out.cong, "cubic", 5);
	rows_get(rs, 1, &out);
	assert_int_equal(out.inode, 10);
	assert_int_equal(out.peer_ino, 11);
	assert_memory_equal(out.name, "/u", 3);
	rows_free(rs);
}

static void test_rollback(void **state)
{
	struct rows *rs = rows_new(0);
	struct sock_rec a = unix_rec(1, "/a", 3), b = unix_rec(2, "/b", 3);
	struct sock_rec out;
	size_t m;

	(void)state;
	rows_add(rs, &a);
	m = rows_mark(rs);
	rows_add(rs, &b);
	rows_add(rs, &b);
	rows_rollback(rs, m);
	assert_int_equal(rows_count(rs), 1);
	rows_rollback(rs, m + 10); /* beyond the end: nothing */
	assert_int_equal(rows_count(rs), 1);
	rows_add(rs, &b);
	rows_get(rs, 1, &out);
	assert_int_equal(out.inode, 2);
	rows_rollback(rs, 0);
	assert_int_equal(rows_count(rs), 0);
	rows_free(rs);
}

static int keep_odd(void *ud, const struct sock_rec *r)
{
	(void)ud;
	return (r->inode & 1) != 0;
}

/* by rq only: equal keys must keep their order */
static int by_rq(void *ud, const struct sock_rec *a, const struct sock_rec *b)
{
	(void)ud;
	return a->rq < b->rq ? -1 : a->rq > b->rq;
}

static void test_views(void **state)
{
	struct rows *rs = rows_new(0);
	struct rows_view v;
	struct sock_rec out;
	/* rq values; inode = position + 1 */
	static const uint32_t rq[] = { 5, 1, 5, 0, 1, 5, 2, 0, 9, 1, 3 };
	static const uint64_t want[] = { 4, 8, 2, 5, 10, 7, 11, 1, 3, 6, 9 };
	size_t n = sizeof(rq) / sizeof(rq[0]);

	(void)state;
	rows_view_all(rs, &v);
	assert_int_equal(v.n, 0);
	rows_view_sort(&v, by_rq, NULL);
	rows_view_reverse(&v);
	rows_view_free(&v);

	for (size_t i = 0; i < n; i++) {
		struct sock_rec r = unix_rec(i + 1, "/x", 3);

		r.rq = rq[i];
		rows_add(rs, &r);
	}
	rows_view_all(rs, &v);
	rows_view_sort(&v, by_rq, NULL);
	for (size_t k = 0; k < n; k++) {
		rows_view_get(&v, k, &out);
		assert_int_equal(out.inode, want[k]);
	}
	rows_view_reverse(&v);
	rows_view_get(&v, 0, &out);
	assert_int_equal(out.inode, 9);
	rows_view_get(&v, n - 1, &out);
	assert_int_equal(out.inode, 4);
	rows_view_filter(&v, keep_odd, NULL);
	for (size_t k = 0; k < v.n; k++) {
		rows_view_get(&v, k, &out);
		assert_true(out.inode & 1);
	}
	assert_int_equal(v.n, 6);
	rows_view_free(&v);
	rows_free(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_drop),
		cmocka_unit_test(test_rollback),
		cmocka_unit_test(test_views),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
