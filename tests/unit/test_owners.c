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

#include "collect/ownercache.h"
#include "collect/owners.h"
#include "proctree.h"

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
	/* the kernel writes no leading zeros */
	assert_int_equal(owners_parse_link(LINK("socket:[0042]"), &ino), -1);
	assert_int_equal(owners_parse_link(LINK("socket:[01]"), &ino), -1);
	assert_int_equal(owners_parse_link(LINK("socket:[10]"), &ino), 0);
	assert_int_equal(ino, 10);
	assert_int_equal(owners_parse_link(LINK("socket:12]"), &ino), -1);
	assert_int_equal(owners_parse_link(LINK("pipe:[12]"), &ino), -1);
	assert_int_equal(owners_parse_link(LINK("/dev/null"), &ino), -1);
	assert_int_equal(owners_parse_link(LINK("socket:[12] "), &ino), -1);
#undef LINK
}

struct tree {
	char root[64];
};

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
	proctree_pid(t.root, "100", "100 (srv) S 1 100", l100);
	proctree_pid(t.root, "42", "42 (a) b\x1b[35m) S 1 42", l42);
	proctree_pid(t.root, "7", "garbage without parens", l7);
	/* not processes: ignored */
	proctree_put(t.root, "self", "x");
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
	proctree_rm(t.root);

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
	proctree_put(d, "stat", "1 (many) S 0 1");
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
	proctree_rm(t.root);
}

/* A temporary proc root that a process of another user can read too
 * (mkdtemp makes it 0700). */
static void mk_root(struct tree *t)
{
	strcpy(t->root, "/tmp/sockscope-owners-XXXXXX");
	assert_non_null(mkdtemp(t->root));
	assert_int_equal(chmod(t->root, 0755), 0);
}

static void mk_link(const char *dir, const char *name, const char *target)
{
	char l[512];
	snprintf(l, sizeof(l), "%s/%s", dir, name);
	assert_int_equal(symlink(target, l), 0);
}

/* The fixture of test_scan_threads: NPROC processes, each holding a few
 * sockets, some inodes shared by many processes (and twice by one), fd
 * links created in descending order, processes created out of order. */
#define NPROC 300

struct held {
	uint64_t inode;
	uint32_t pid;
	int32_t fd;
};

static uint32_t many_pid(unsigned i)
{
	return 1000 + i * 37;
}

static unsigned many_nfds(unsigned i)
{
	return i % 50 == 0 ? 0 : 1 + i % 6;
}

static int32_t many_fd(unsigned i, unsigned k)
{
	return (int32_t)(k * 11 + i % 11);
}

static uint64_t many_inode(unsigned i, unsigned k)
{
	if (k == 0)
		return 5000 + i % 40;
	if (k == 1) /* sometimes the same inode as k == 0 */
		return 5000 + (i * 3) % 40;
	if (k == 2)
		return (1ull << 32) + i;
	return 100000 + i * 10 + k;
}

static int held_cmp(const void *a, const void *b)
{
	const struct held *x = a, *y = b;

	if (x->inode != y->inode)
		return x->inode < y->inode ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->fd < y->fd ? -1 : x->fd > y->fd;
}

/* Builds the tree; returns what it holds, sorted by (inode, pid, fd). */
static struct held *mk_many(struct tree *t, size_t *n)
{
	struct held *h = calloc(NPROC * 6, sizeof(*h));
	char d[256], fd[300], name[32], target[64], stat[64];

	assert_non_null(h);
	*n = 0;
	mk_root(t);
	for (unsigned j = 0; j < NPROC; j++) {
		unsigned i = (j * 7) % NPROC; /* 7 and NPROC are coprime */
		uint32_t pid = many_pid(i);

		snprintf(d, sizeof(d), "%s/%u", t->root, (unsigned)pid);
		assert_int_equal(mkdir(d, 0755), 0);
		snprintf(stat, sizeof(stat), "%u (c%u) S 1 %u", (unsigned)pid,
			 (unsigned)pid, (unsigned)pid);
		proctree_put(d, "stat", stat);
		snprintf(fd, sizeof(fd), "%s/fd", d);
		assert_int_equal(mkdir(fd, 0755), 0);
		mk_link(fd, "99", "pipe:[5001]");
		mk_link(fd, "98", "/dev/null");
		for (unsigned k = many_nfds(i); k-- > 0;) {
			snprintf(name, sizeof(name), "%d", (int)many_fd(i, k));
			snprintf(target, sizeof(target), "socket:[%llu]",
				 (unsigned long long)many_inode(i, k));
			mk_link(fd, name, target);
			h[*n].inode = many_inode(i, k);
			h[*n].pid = pid;
			h[*n].fd = many_fd(i, k);
			(*n)++;
		}
	}
	qsort(h, *n, sizeof(*h), held_cmp);
	return h;
}

/* Every inode's chain is exactly the expected holders in (pid, fd)
 * order, each with its process's name. */
static void check_many(const struct owners *o, const struct held *h,
		       size_t n, unsigned threads)
{
	char comm[32];
	size_t inodes = 0;

	assert_int_equal(owners_stats(o)->processes, NPROC);
	assert_int_equal(owners_stats(o)->unreadable, 0);
	assert_int_equal(owners_stats(o)->sockets, n);
	for (size_t i = 0; i < n;) {
		const struct owner *w = owners_first(o, h[i].inode);
		uint64_t ino = h[i].inode;

		inodes++;
		for (; i < n && h[i].inode == ino; i++) {
			if (w == NULL)
				fail_msg("threads=%u inode %llu: chain ends "
					 "before pid %u fd %d",
					 threads, (unsigned long long)ino,
					 (unsigned)h[i].pid, (int)h[i].fd);
			if (w->pid != h[i].pid || w->fd != h[i].fd)
				fail_msg("threads=%u inode %llu: got pid %u "
					 "fd %d, expected pid %u fd %d",
					 threads, (unsigned long long)ino,
					 (unsigned)w->pid, (int)w->fd,
					 (unsigned)h[i].pid, (int)h[i].fd);
			snprintf(comm, sizeof(comm), "c%u", (unsigned)w->pid);
			assert_int_equal(w->comm_len, strlen(comm));
			assert_memory_equal(owners_comm(o, w), comm,
					    w->comm_len);
			w = owners_next(o, w);
		}
		if (w != NULL)
			fail_msg("threads=%u inode %llu: extra holder pid %u",
				 threads, (unsigned long long)ino,
				 (unsigned)w->pid);
	}
	/* 40 shared, NPROC - 6 at 2^32 + i, and the unique ones */
	assert_true(inodes > 40);
	assert_null(owners_first(o, 4999));
	assert_null(owners_first(o, 5040));
	assert_null(owners_first(o, 5001 + (1ull << 32) * 2));
	assert_null(owners_first(o, 100000 + 0 * 10 + 3)); /* i = 0: none */
	assert_null(owners_first(o, 0));
}

/* The scan's answer does not depend on how many workers share it out. */
static void test_scan_threads(void **state)
{
	static const unsigned threads[] = { 1, 2, 3, 8, 0 };
	struct tree t;
	struct owners *o = NULL;
	struct sc_err err;
	size_t n;
	struct held *h;
	(void)state;

	h = mk_many(&t, &n);
	/* the fixture is what this test claims it is */
	assert_true(n > 700);
	assert_int_equal(h[0].inode, 5000);
	assert_true(h[1].inode == 5000 && h[2].inode == 5000);
	for (size_t i = 0; i < sizeof(threads) / sizeof(threads[0]); i++) {
		assert_int_equal(owners_scan(t.root, threads[i], &o, &err), 0);
		check_many(o, h, n, threads[i]);
		owners_free(o);
		o = NULL;
	}
	free(h);
	proctree_rm(t.root);
}

/* The two halves, with other work between them. */
static void test_scan_start_finish(void **state)
{
	struct tree t;
	struct owners_job *job = NULL;
	struct owners *o = NULL;
	struct sc_err err;
	size_t n;
	struct held *h;
	char empty[64];
	(void)state;

	h = mk_many(&t, &n);
	assert_int_equal(owners_scan_start(t.root, 3, &job, &err), 0);
	assert_non_null(job);
	/* the caller's own work, while the workers run */
	{
		struct owners *o2 = NULL;
		assert_int_equal(owners_scan(t.root, 1, &o2, &err), 0);
		check_many(o2, h, n, 1);
		owners_free(o2);
	}
	assert_int_equal(owners_scan_finish(job, &o), 0);
	assert_non_null(o);
	check_many(o, h, n, 3);
	owners_free(o);

	/* threads = 0 counts as one */
	job = NULL;
	assert_int_equal(owners_scan_start(t.root, 0, &job, &err), 0);
	assert_int_equal(owners_scan_finish(job, &o), 0);
	check_many(o, h, n, 0);
	owners_free(o);
	free(h);
	proctree_rm(t.root);

	/* an empty proc root: nothing, and no failure */
	strcpy(empty, "/tmp/sockscope-owners-XXXXXX");
	assert_non_null(mkdtemp(empty));
	assert_int_equal(owners_scan_start(empty, 2, &job, &err), 0);
	assert_int_equal(owners_scan_finish(job, &o), 0);
	assert_int_equal(owners_stats(o)->processes, 0);
	assert_int_equal(owners_stats(o)->unreadable, 0);
	assert_int_equal(owners_stats(o)->sockets, 0);
	assert_null(owners_first(o, 1));
	assert_null(owners_first(o, UINT64_MAX));
	owners_free(o);
	proctree_rm(empty);

	/* a start that fails leaves no job to finish */
	job = NULL;
	memset(&err, 0, sizeof(err));
	assert_int_equal(owners_scan_start("/nonexistent-proc", 2, &job, &err),
			 -1);
	assert_null(job);
	assert_int_equal(err.code, ENOENT);
	assert_non_null(strstr(err.msg, "/nonexistent-proc"));
}

/* In the unreadable fixture, even pids hide their fds from others. */
#define NHIDE 400
#define HIDE_PID0 10

static const unsigned nobody_threads[] = { 1, 2, 3, 8 };
#define NOBODY_RES (1 + 6 * 4)

static void scan_as_nobody(void *arg, long *res, size_t n)
{
	const struct tree *t = arg;

	/* no cmocka asserts here: this is the child */
	if (n != NOBODY_RES)
		return;
	for (size_t i = 0; i < 4; i++) {
		long *r = res + 1 + 6 * i;
		struct owners *o = NULL;
		struct sc_err err;

		r[0] = owners_scan(t->root, nobody_threads[i], &o, &err);
		if (r[0] != 0)
			continue;
		r[1] = (long)owners_stats(o)->processes;
		r[2] = (long)owners_stats(o)->unreadable;
		r[3] = (long)owners_stats(o)->sockets;
		for (unsigned k = 0; k < NHIDE; k++) {
			uint32_t pid = HIDE_PID0 + k;
			const struct owner *w = owners_first(o, 500 + pid);
			if (w == NULL)
				continue;
			if (pid % 2 == 1 && w->pid == pid && w->fd == 4 &&
			    owners_next(o, w) == NULL)
				r[4]++; /* readable, found as it should be */
			else
				r[5]++; /* anything else is wrong */
		}
		owners_free(o);
	}
}

/* Processes of another user: their fd directories are refused and
 * counted, even when the tests run as root (the scan runs as nobody),
 * whichever worker met them. */
static void test_scan_unreadable(void **state)
{
	static const char *const l_none[] = { "1", "/dev/null", NULL };
	struct tree t;
	char p[128], pid[16], stat[64], target[32];
	long res[NOBODY_RES];
	int skipped;
	(void)state;

	mk_root(&t);
	for (unsigned k = 0; k < NHIDE; k++) {
		unsigned n = HIDE_PID0 + k;
		const char *l[] = { "4", target, NULL };

		snprintf(pid, sizeof(pid), "%u", n);
		snprintf(stat, sizeof(stat), "%u (p%u) S 1", n, n);
		snprintf(target, sizeof(target), "socket:[%u]", 500 + n);
		proctree_pid(t.root, pid, stat, l);
		if (n % 2 == 0) {
			snprintf(p, sizeof(p), "%s/%u/fd", t.root, n);
			assert_int_equal(chmod(p, 0700), 0);
		}
	}
	/* readable, holding no socket */
	proctree_pid(t.root, "5", "5 (nosock) S 1", l_none);

	skipped = proctree_as_nobody(scan_as_nobody, &t, res, NOBODY_RES);
	proctree_rm(t.root);
	if (skipped)
		skip();
	assert_int_equal(res[0], 0);
	for (size_t i = 0; i < 4; i++) {
		const long *r = res + 1 + 6 * i;

		/* rc, processes, unreadable, sockets, found right, wrong */
		if (r[0] != 0 || r[1] != NHIDE + 1 || r[2] != NHIDE / 2 ||
		    r[3] != NHIDE / 2 || r[4] != NHIDE / 2 || r[5] != 0)
			fail_msg("threads=%u: rc %ld processes %ld unreadable "
				 "%ld sockets %ld found %ld wrong %ld",
				 nobody_threads[i], r[0], r[1], r[2], r[3],
				 r[4], r[5]);
	}
}

/* Links and names the kernel would not make, and processes half gone. */
static void test_scan_odd_entries(void **state)
{
	static const char *const l5[] = {
		"3", "socket:[",
		"4", "socket:[]",
		"5", "socket:[12",
		"6", "socket:[1]x",
		"7", "socket:[123456789012345678901]",
		"8", "socket:[99999999999999999999]",
		"9", "socket:[18446744073709551616]",
		"10", "socket:[18446744073709551615]",
		"11", "socket:[4294967296]",
		"12", "socket:[0]",
		/* longer than any real link: cut short by the read */
		"13", "socket:[000000000000000000000000000000000000000000000"
		      "000000000000000031]",
		"14", "socket:[ 13]",
		"15", "socket:[+14]",
		"16", "SOCKET:[15]",
		"0017", "socket:[16]",
		"2147483647", "socket:[18]",
		"2147483648", "socket:[19]",
		"99999999999999999999", "socket:[20]",
		"-1", "socket:[21]",
		"24", "socket:[24]",
		"25", "socket:[0042]",
		"0", "socket:[26]",
		NULL };
	static const char *const l9[] = { "1", "socket:[900]", NULL };
	static const char *const l_max[] = { "1", "socket:[700]", NULL };
	static const char *const l_over[] = { "1", "socket:[701]", NULL };
	static const char *const none[] = { NULL };
	static const unsigned threads[] = { 1, 3 };
	/* none of the malformed links, nor fds beyond INT32_MAX */
	static const uint64_t absent[] = { 0, 1, 12, 13, 14, 15, 19, 20, 21,
					   22, 31, 42, 12345678901234567890ull,
					   9999999999999999999ull, 701 };
	struct tree t;
	struct owners *o = NULL;
	struct sc_err err;
	const struct owner *w;
	char p[256], longcomm[160];
	(void)state;

	mk_root(&t);
	proctree_pid(t.root, "5", "5 (odd) S 1", l5);
	snprintf(p, sizeof(p), "%s/5/fd", t.root);
	proctree_put(p, "22", "not a link");
	/* a process whose stat is gone: held, without a name */
	snprintf(p, sizeof(p), "%s/6", t.root);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/6/fd", t.root);
	assert_int_equal(mkdir(p, 0755), 0);
	mk_link(p, "3", "socket:[600]");
	/* a process that exited: no fd directory left */
	snprintf(p, sizeof(p), "%s/7", t.root);
	assert_int_equal(mkdir(p, 0755), 0);
	proctree_put(p, "stat", "7 (gone) Z 1");
	/* no descriptors at all */
	proctree_pid(t.root, "8", "8 (idle) S 1", none);
	/* a name longer than the kernel's: kept to 64 bytes */
	memset(longcomm, 0, sizeof(longcomm));
	strcpy(longcomm, "9 (");
	memset(longcomm + 3, 'n', 100);
	strcpy(longcomm + 103, ") S 1");
	proctree_pid(t.root, "9", longcomm, l9);
	/* the largest pid, and a name that is not one */
	proctree_pid(t.root, "4294967295", "4294967295 (max) S 1", l_max);
	proctree_pid(t.root, "4294967296", "4294967296 (over) S 1", l_over);

	for (size_t i = 0; i < sizeof(threads) / sizeof(threads[0]); i++) {
		assert_int_equal(owners_scan(t.root, threads[i], &o, &err), 0);
		assert_int_equal(owners_stats(o)->processes, 6);
		assert_int_equal(owners_stats(o)->unreadable, 0);
		assert_int_equal(owners_stats(o)->sockets, 9);

		w = owners_first(o, UINT64_MAX);
		assert_non_null(w);
		assert_int_equal(w->pid, 5);
		assert_int_equal(w->fd, 10);
		assert_int_equal(w->comm_len, 3);
		assert_memory_equal(owners_comm(o, w), "odd", 3);
		assert_null(owners_next(o, w));
		w = owners_first(o, 4294967296ull);
		assert_non_null(w);
		assert_int_equal(w->fd, 11);
		w = owners_first(o, 16);
		assert_non_null(w);
		assert_int_equal(w->fd, 17); /* "0017" */
		w = owners_first(o, 18);
		assert_non_null(w);
		assert_int_equal(w->fd, INT32_MAX);
		w = owners_first(o, 24);
		assert_non_null(w);
		assert_int_equal(w->fd, 24);
		w = owners_first(o, 26);
		assert_non_null(w);
		assert_int_equal(w->fd, 0);
		for (size_t k = 0; k < sizeof(absent) / sizeof(absent[0]);
		     k++)
			if (owners_first(o, absent[k]) != NULL)
				fail_msg("inode %llu should not be held",
					 (unsigned long long)absent[k]);

		w = owners_first(o, 600);
		assert_non_null(w);
		assert_int_equal(w->pid, 6);
		assert_int_equal(w->fd, 3);
		assert_int_equal(w->comm_len, 0);
		w = owners_first(o, 900);
		assert_non_null(w);
		assert_int_equal(w->comm_len, 64);
		assert_memory_equal(owners_comm(o, w), longcomm + 3, 64);
		w = owners_first(o, 700);
		assert_non_null(w);
		assert_int_equal(w->pid, UINT32_MAX);
		assert_int_equal(w->fd, 1);
		assert_memory_equal(owners_comm(o, w), "max", 3);
		owners_free(o);
		o = NULL;
	}
	proctree_rm(t.root);
}

/* A proc root that is not a directory is the one fatal error. */
static void test_scan_root_not_dir(void **state)
{
	struct tree t;
	struct owners *o = NULL;
	struct owners_job *job = NULL;
	struct sc_err err;
	char p[128];
	(void)state;

	mk_root(&t);
	proctree_put(t.root, "proc", "1 2 3\n");
	snprintf(p, sizeof(p), "%s/proc", t.root);
	memset(&err, 0, sizeof(err));
	assert_int_equal(owners_scan(p, 2, &o, &err), -1);
	assert_null(o);
	assert_int_equal(err.code, ENOTDIR);
	assert_non_null(strstr(err.msg, p));
	assert_non_null(strstr(err.msg, strerror(ENOTDIR)));
	memset(&err, 0, sizeof(err));
	assert_int_equal(owners_scan_start(p, 1, &job, &err), -1);
	assert_null(job);
	assert_int_equal(err.code, ENOTDIR);
	assert_non_null(strstr(err.msg, p));
	proctree_rm(t.root);
}

/* One refresh of the cache with the inodes of a dump. */
static struct owners *oc_tick(struct ownercache *c, uint64_t now_ms,
			      const uint64_t *live, size_t n)
{
	struct u64map *m = ownercache_live(c);
	struct owners *o = NULL;
	struct sc_err err;

	for (size_t i = 0; i < n; i++) {
		int added;
		*u64map_put(m, live[i], &added) = 0;
	}
	memset(&err, 0, sizeof(err));
	assert_int_equal(ownercache_update(c, now_ms, &o, &err), 0);
	assert_non_null(o);
	return o;
}

static uint32_t oc_pid(const struct owners *o, uint64_t ino)
{
	const struct owner *w = owners_first(o, ino);

	return w == NULL ? 0 : w->pid;
}

static void oc_relink(const char *root, const char *pid, const char *fd,
		      const char *target)
{
	char d[256];

	snprintf(d, sizeof(d), "%s/%s/fd/%s", root, pid, fd);
	assert_int_equal(unlink(d), 0);
	assert_int_equal(symlink(target, d), 0);
}

/* The incremental scan reads a process again only on a sign of change,
 * and always gets the same table as a full scan would. */
static void test_ownercache(void **state)
{
	struct tree t;
	struct ownercache *c = NULL;
	struct owners *o;
	struct sc_err err;
	const struct ownercache_stats *st;
	static const char *const l100[] = { "3", "socket:[500]", "4",
					    "socket:[501]", "5", "/dev/null",
					    NULL };
	static const char *const l200[] = { "3", "socket:[600]", NULL };
	static const char *const l300[] = { "3", "socket:[800]", NULL };
	const uint64_t live1[] = { 500, 501, 600 };
	const uint64_t live3[] = { 500, 501, 601 };
	const uint64_t live4[] = { 500, 501, 601, 700 };
	const uint64_t live5[] = { 500, 501, 601, 700, 800 };
	char p[256];
	(void)state;

	mk_root(&t);
	proctree_pid(t.root, "100", "100 (srv) S 1 100", l100);
	proctree_pid(t.root, "200", "200 (cli) S 1 200", l200);
	memset(&err, 0, sizeof(err));
	assert_int_equal(ownercache_new(t.root, 2, 10000, &c, &err), 0);
	st = ownercache_stats(c);

	/* the first refresh reads everything */
	o = oc_tick(c, 1000, live1, 3);
	assert_int_equal(st->full, 1);
	assert_int_equal(st->processes, 2);
	assert_int_equal(st->rescanned, 2);
	assert_int_equal(oc_pid(o, 500), 100);
	assert_int_equal(oc_pid(o, 501), 100);
	assert_int_equal(oc_pid(o, 600), 200);
	assert_int_equal(owners_stats(o)->sockets, 3);
	assert_memory_equal(owners_comm(o, owners_first(o, 600)), "cli", 3);
	owners_free(o);

	/* nothing changed: nothing read */
	o = oc_tick(c, 2000, live1, 3);
	assert_int_equal(st->full, 0);
	assert_int_equal(st->rescanned, 0);
	assert_int_equal(oc_pid(o, 600), 200);
	owners_free(o);

	/* 200's socket left the dump and another took its descriptor */
	oc_relink(t.root, "200", "3", "socket:[601]");
	o = oc_tick(c, 3000, live3, 3);
	assert_int_equal(st->full, 0);
	assert_int_equal(st->rescanned, 1);
	assert_int_equal(oc_pid(o, 601), 200);
	assert_null(owners_first(o, 600));
	owners_free(o);

	/* a socket took the place of a file: no count changed, no socket
	 * left, but the newcomer has no holder -> everything is read */
	oc_relink(t.root, "100", "5", "socket:[700]");
	o = oc_tick(c, 4000, live4, 4);
	assert_int_equal(st->full, 1);
	assert_int_equal(oc_pid(o, 700), 100);
	assert_int_equal(owners_stats(o)->sockets, 4);
	owners_free(o);

	/* a new process is read, and only it */
	proctree_pid(t.root, "300", "300 (new) S 1 300", l300);
	o = oc_tick(c, 5000, live5, 5);
	assert_int_equal(st->full, 0);
	assert_int_equal(st->rescanned, 1);
	assert_int_equal(st->processes, 3);
	assert_int_equal(oc_pid(o, 800), 300);
	owners_free(o);

	/* an exec renames a holder without touching its descriptors */
	proctree_put(t.root, "100/stat", "100 (renamed) S 1 100");
	o = oc_tick(c, 6000, live5, 5);
	assert_int_equal(st->rescanned, 0);
	assert_memory_equal(owners_comm(o, owners_first(o, 500)), "renamed",
			    7);
	owners_free(o);

	/* a process that exits takes its holders with it */
	snprintf(p, sizeof(p), "%s/300", t.root);
	proctree_rm(p);
	o = oc_tick(c, 7000, live4, 4);
	assert_int_equal(st->processes, 2);
	assert_null(owners_first(o, 800));
	assert_int_equal(oc_pid(o, 700), 100);
	owners_free(o);

	/* and every full_every_ms everything is read again */
	o = oc_tick(c, 14001, live4, 4);
	assert_int_equal(st->full, 1);
	assert_int_equal(st->rescanned, 2);
	owners_free(o);

	ownercache_free(c);
	proctree_rm(t.root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_stat),
		cmocka_unit_test(test_parse_link),
		cmocka_unit_test(test_scan_fixture),
		cmocka_unit_test(test_scan_many),
		cmocka_unit_test(test_scan_threads),
		cmocka_unit_test(test_scan_start_finish),
		cmocka_unit_test(test_scan_unreadable),
		cmocka_unit_test(test_scan_odd_entries),
		cmocka_unit_test(test_scan_root_not_dir),
		cmocka_unit_test(test_ownercache),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
