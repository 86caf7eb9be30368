/* test_owners.c - the /proc/PID/fd scan and its parsers, on a fixture /proc
 * tree built in a temporary directory (symlinks named like fds, pointing at
 * "socket:[N]" texts, as the kernel's are). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "collect/owners.h"

static void test_parse_stat(void **state)
{
	const char *c;
	size_t n;
	const char s1[] = "4242 (nginx) S 1 4242 4242 0 -1";
	const char s2[] = "77 (a) b) c) R 1 2 3";
	const char s3[] = "78 (\x1b[35mevil\n) S 1";
	const char s4[] = "79 () S 1";
	(void)state;

	assert_int_equal(owners_parse_stat(s1, sizeof(s1) - 1, &c, &n), 0);
	assert_int_equal(n, 5);
	assert_memory_equal(c, "nginx", 5);
	/* the name ends at the LAST ')' */
	assert_int_equal(owners_parse_stat(s2, sizeof(s2) - 1, &c, &n), 0);
	assert_int_equal(n, 7);
	assert_memory_equal(c, "a) b) c", 7);
	assert_int_equal(owners_parse_stat(s3, sizeof(s3) - 1, &c, &n), 0);
	assert_int_equal(n, 10);
	assert_int_equal(owners_parse_stat(s4, sizeof(s4) - 1, &c, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(owners_parse_stat("77 nothing", 10, &c, &n), -1);
	assert_int_equal(owners_parse_stat("77 (open", 8, &c, &n), -1);
	assert_int_equal(owners_parse_stat(") (x", 4, &c, &n), -1);
	assert_int_equal(owners_parse_stat("", 0, &c, &n), -1);
}

static void test_parse_link(void **state)
{
	uint64_t ino;
	(void)state;

#define LINK(s) s, sizeof(s) - 1
	assert_int_equal(owners_parse_link(LINK("socket:[12345]"), &ino), 0);
	assert_int_equal(ino, 12345);
	/* inode numbers of 2^32 and more */
	assert_int_equal(owners_parse_link(LINK("socket:[4294967296]"), &ino),
			 0);
	assert_int_equal(ino, 4294967296ull);
	assert_int_equal(
		owners_parse_link(LINK("socket:[18446744073709551615]"), &ino),
		0);
	assert_int_equal(ino, UINT64_MAX);
	/* overflow, empty, junk, other kinds of fd */
	assert_int_equal(
		owners_parse_link(LINK("socket:[18446744073709551616]"), &ino),
		-1);
	assert_int_equal(owners_parse_link(LINK("socket:[]"), &ino), -1);
	assert_int_equal(owners_parse_link(LINK("socket:["), &ino), -1);
	assert_int_equal(owners_parse_link(LINK("socket:[12a]"), &ino), -1);
	assert_int_equal(owners_parse_link(LINK("socket:[-1]"), &ino), -1);
	assert_int_equal(owners_parse_link(LINK("socket:[0]"), &ino), -1);
	assert_int_equal(owners_parse_link(LINK("socket:12]"), &ino), -1);
	assert_int_equal(owners_parse_link(LINK("pipe:[12]"), &ino), -1);
	assert_int_equal(owners_parse_link(LINK("/dev/null"), &ino), -1);
	assert_int_equal(owners_parse_link(LINK("socket:[12] "), &ino), -1);
#undef LINK
}

struct tree {
	char root[64];
};

static void put_file(const char *dir, const char *name, const char *text)
{
	char p[512];
	FILE *f;
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void mk_pid(struct tree *t, const char *pid, const char *stat,
		   const char *const *links)
{
	char d[256], fd[300], l[400];
	snprintf(d, sizeof(d), "%s/%s", t->root, pid);
	assert_int_equal(mkdir(d, 0755), 0);
	put_file(d, "stat", stat);
	snprintf(fd, sizeof(fd), "%s/fd", d);
	assert_int_equal(mkdir(fd, 0755), 0);
	for (int i = 0; links[i] != NULL; i += 2) {
		snprintf(l, sizeof(l), "%s/%s", fd, links[i]);
		assert_int_equal(symlink(links[i + 1], l), 0);
	}
}

static void rm_tree(const char *root)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

static void test_scan_fixture(void **state)
{
	struct tree t;
	struct owners *o = NULL;
	struct sc_err err;
	const struct owner *w;
	static const char *const l100[] = {
		"0", "/dev/null", "3", "socket:[500]", "4", "socket:[501]",
		"7", "socket:[4294967297]", "8", "socket:[", "9", "pipe:[500]",
		"x", "socket:[777]", NULL };
	static const char *const l42[] = { "5", "socket:[500]", "12",
					   "socket:[500]", NULL };
	static const char *const l7[] = { "1", "socket:[999]", NULL };
	(void)state;

	strcpy(t.root, "/tmp/sockscope-owners-XXXXXX");
	assert_non_null(mkdtemp(t.root));
	mk_pid(&t, "100", "100 (srv) S 1 100", l100);
	mk_pid(&t, "42", "42 (a) b\x1b[35m) S 1 42", l42);
	mk_pid(&t, "7", "garbage without parens", l7);
	/* not processes: ignored */
	put_file(t.root, "self", "x");
	{
		char p[128];
		snprintf(p, sizeof(p), "%s/12ab", t.root);
		assert_int_equal(mkdir(p, 0755), 0);
	}

	assert_int_equal(owners_scan(t.root, 2, &o, &err), 0);
	assert_int_equal(owners_stats(o)->processes, 3);
	assert_int_equal(owners_stats(o)->unreadable, 0);
	assert_int_equal(owners_stats(o)->sockets, 6);

	/* inode 500: shared by pid 42 (fds 5 and 12) and pid 100 (fd 3),
	 * in (pid, fd) order whatever the directory order was */
	w = owners_first(o, 500);
	assert_non_null(w);
	assert_int_equal(w->pid, 42);
	assert_int_equal(w->fd, 5);
	assert_int_equal(w->comm_len, 9);
	assert_memory_equal(owners_comm(o, w), "a) b\x1b[35m", 9);
	w = owners_next(o, w);
	assert_non_null(w);
	assert_int_equal(w->pid, 42);
	assert_int_equal(w->fd, 12);
	w = owners_next(o, w);
	assert_non_null(w);
	assert_int_equal(w->pid, 100);
	assert_int_equal(w->fd, 3);
	assert_memory_equal(owners_comm(o, w), "srv", 3);
	assert_null(owners_next(o, w));

	w = owners_first(o, 4294967297ull);
	assert_non_null(w);
	assert_int_equal(w->fd, 7);
	/* a process whose stat does not parse still owns, with no name */
	w = owners_first(o, 999);
	assert_non_null(w);
	assert_int_equal(w->pid, 7);
	assert_int_equal(w->comm_len, 0);
	/* fd names that are not numbers, and non-socket links, are skipped */
	assert_null(owners_first(o, 777));
	assert_null(owners_first(o, 12345));
	assert_null(owners_first(o, 0));
	owners_free(o);

	/* an fd directory that cannot be read is counted, not fatal */
	if (geteuid() != 0) {
		char p[128];
		snprintf(p, sizeof(p), "%s/100/fd", t.root);
		assert_int_equal(chmod(p, 0), 0);
		assert_int_equal(owners_scan(t.root, 2, &o, &err), 0);
		assert_int_equal(owners_stats(o)->unreadable, 1);
		assert_null(owners_first(o, 501));
		owners_free(o);
		assert_int_equal(chmod(p, 0755), 0);
	}
	rm_tree(t.root);

	assert_int_equal(owners_scan("/nonexistent-proc", 1, &o, &err), -1);
	assert_int_equal(err.code, ENOENT);
	assert_non_null(strstr(err.msg, "/nonexistent-proc"));
}

/* Many sockets: the table grows and every inode is found again. */
static void test_scan_many(void **state)
{
	struct tree t;
	struct owners *o = NULL;
	struct sc_err err;
	char d[128], l[160], target[64];
	(void)state;

	strcpy(t.root, "/tmp/sockscope-owners-XXXXXX");
	assert_non_null(mkdtemp(t.root));
	snprintf(d, sizeof(d), "%s/1", t.root);
	assert_int_equal(mkdir(d, 0755), 0);
	put_file(d, "stat", "1 (many) S 0 1");
	snprintf(d, sizeof(d), "%s/1/fd", t.root);
	assert_int_equal(mkdir(d, 0755), 0);
	for (int i = 0; i < 20000; i++) {
		snprintf(l, sizeof(l), "%s/%d", d, i);
		snprintf(target, sizeof(target), "socket:[%d]", 1000000 + i);
		assert_int_equal(symlink(target, l), 0);
	}
	assert_int_equal(owners_scan(t.root, 2, &o, &err), 0);
	assert_int_equal(owners_stats(o)->sockets, 20000);
	for (int i = 0; i < 20000; i++) {
		const struct owner *w = owners_first(o, 1000000u + (unsigned)i);
		assert_non_null(w);
		assert_int_equal(w->fd, i);
		assert_null(owners_next(o, w));
	}
	owners_free(o);
	rm_tree(t.root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_stat),
		cmocka_unit_test(test_parse_link),
		cmocka_unit_test(test_scan_fixture),
		cmocka_unit_test(test_scan_many),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
