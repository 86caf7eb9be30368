/* test_facts.c - the model's answers beyond the kernel record: modes as ls
 * shows them, device numbers, the state of a Unix socket's file (on real
 * sockets in a temporary directory), user and group names, peer names,
 * and who holds a socket given an owners table. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "collect/collect.h"
#include "collect/owners.h"
#include "model/facts.h"
#include "proctree.h"

static const struct facts_opts no_opts = { 0 };
/* Something a holder pointer holds before a call that must clear it. */
static const struct owner not_null;

/* ---- helpers ---- */

/* A temporary directory others can search (mkdtemp makes it 0700). */
static void mk_dir(char *dir, size_t cap)
{
	snprintf(dir, cap, "/tmp/sockscope-facts-XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chmod(dir, 0755), 0);
}

/* A listening Unix socket bound at path; returns its descriptor. */
static int bind_unix(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_true(strlen(path) < sizeof(a.sun_path));
	strcpy(a.sun_path, path);
	assert_int_equal(bind(fd, (const struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 1), 0);
	return fd;
}

/* The device number as unix_diag gives it. */
static uint32_t kdev(uint64_t st_dev)
{
	return (uint32_t)(major(st_dev) << 20 | minor(st_dev));
}

/* A record for a path socket, as unix_diag fills it: the name is the
 * path and, as the kernel sends it, its terminating NUL. */
static void path_rec(struct sock_rec *r, const char *path, size_t len,
		     const struct stat *st)
{
	memset(r, 0, sizeof(*r));
	r->family = AF_UNIX;
	r->netid = SOCK_NETID_UNIX_STREAM;
	r->state = SOCK_ST_LISTEN;
	r->inode = 777;
	r->name = path;
	r->name_len = (uint16_t)len;
	if (st != NULL) {
		r->flags = SOCK_F_HAS_VFS;
		r->vfs_ino = st->st_ino;
		r->vfs_dev = kdev(st->st_dev);
	}
}

static void unix_rec(struct sock_rec *r, uint64_t inode, const char *name,
		     size_t len)
{
	memset(r, 0, sizeof(*r));
	r->family = AF_UNIX;
	r->inode = inode;
	r->name = name;
	r->name_len = (uint16_t)len;
}

/* ---- modes and devices ---- */

static void test_mode_text(void **state)
{
	static const struct {
		uint32_t mode;
		const char *text;
	} cases[] = {
		{ S_IFSOCK | 0660, "srw-rw----" },
		{ S_IFSOCK | 0777, "srwxrwxrwx" },
		{ S_IFDIR | 0755, "drwxr-xr-x" },
		{ S_IFREG | 0644, "-rw-r--r--" },
		{ S_IFREG | 0, "----------" },
		{ S_IFREG | 0421, "-r---w---x" },
		{ S_IFREG | 04755, "-rwsr-xr-x" },
		{ S_IFREG | 04644, "-rwSr--r--" },
		{ S_IFREG | 02755, "-rwxr-sr-x" },
		{ S_IFREG | 02644, "-rw-r-Sr--" },
		{ S_IFDIR | 01777, "drwxrwxrwt" },
		{ S_IFDIR | 01770, "drwxrwx--T" },
		{ S_IFREG | 07777, "-rwsrwsrwt" },
		{ S_IFREG | 07000, "---S--S--T" },
		{ S_IFLNK | 0777, "lrwxrwxrwx" },
		{ S_IFIFO | 0600, "prw-------" },
		{ S_IFCHR | 0666, "crw-rw-rw-" },
		{ S_IFBLK | 0660, "brw-rw----" },
		{ 0644, "?rw-r--r--" }, /* no type bits */
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[16];

		memset(out, 'Z', sizeof(out));
		facts_mode_text(cases[i].mode, out);
		assert_string_equal(out, cases[i].text);
		/* exactly 10 characters and a NUL, nothing written beyond */
		assert_int_equal(out[11], 'Z');
	}
}

static void test_status_names(void **state)
{
	(void)state;
	assert_string_equal(facts_file_status_name(FACTS_FILE_OK), "ok");
	assert_string_equal(facts_file_status_name(FACTS_FILE_REPLACED),
			    "replaced");
	assert_string_equal(facts_file_status_name(FACTS_FILE_MISSING),
			    "missing");
	assert_string_equal(facts_file_status_name(FACTS_FILE_UNKNOWN),
			    "unknown");
	assert_string_equal(facts_file_status_name(FACTS_FILE_NONE), "none");
}

static void test_same_dev(void **state)
{
	struct stat st;
	(void)state;

	/* the kernel's form: major << 20 | minor */
	assert_int_equal((254u << 20) | 0, 266338304u);
	assert_true(facts_same_dev(266338304u, makedev(254, 0)));
	assert_true(facts_same_dev((8u << 20) | 1, makedev(8, 1)));
	assert_true(facts_same_dev(0, makedev(0, 0)));
	/* minors beyond 8 and 16 bits: the kernel form has 20 */
	assert_true(facts_same_dev((259u << 20) | 300, makedev(259, 300)));
	assert_true(facts_same_dev((259u << 20) | 65537, makedev(259, 65537)));
	assert_true(facts_same_dev((0u << 20) | 0xfffff, makedev(0, 0xfffff)));
	assert_true(facts_same_dev((4095u << 20) | 0xfffff,
				   makedev(4095, 0xfffff)));

	assert_false(facts_same_dev((8u << 20) | 1, makedev(8, 2)));
	assert_false(facts_same_dev((8u << 20) | 1, makedev(9, 1)));
	assert_false(facts_same_dev((8u << 20) | 1, makedev(0, 1)));
	/* the old 8:8 encoding is not the kernel's form */
	assert_false(facts_same_dev((8u << 8) | 1, makedev(8, 1)));
	assert_false(facts_same_dev(0xfe00, makedev(254, 0)));
	/* a minor wider than 20 bits cannot be the kernel's */
	assert_false(facts_same_dev((8u << 20) | 1, makedev(8, 1 | 1u << 20)));
	/* a major wider than 12 bits neither */
	assert_false(facts_same_dev((1u << 20) | 1, makedev(1 | 1u << 12, 1)));

	/* a real device */
	assert_int_equal(stat("/tmp", &st), 0);
	assert_true(facts_same_dev(kdev(st.st_dev), st.st_dev));
	assert_false(facts_same_dev(kdev(st.st_dev) + 1, st.st_dev));
}

/* ---- the file of a Unix socket ---- */

static void check_file(struct facts *f, const struct sock_rec *r,
		       enum facts_file_status want, uint32_t mode, uint32_t uid,
		       uint32_t gid)
{
	struct facts_file out;

	memset(&out, 0x5a, sizeof(out));
	facts_file(f, r, &out);
	if (out.status != want)
		fail_msg("status %s, expected %s",
			 facts_file_status_name(out.status),
			 facts_file_status_name(want));
	assert_int_equal(out.mode, mode);
	assert_int_equal(out.uid, uid);
	assert_int_equal(out.gid, gid);
}

/* Each state, with the path given as bytes alone (name_len = strlen). */
static void test_file_states(void **state)
{
	char dir[64], path[128], other[128], reg[128], rel[] = "rel.sock";
	struct stat st, st2;
	struct sock_rec r, r2;
	struct facts *f;
	int fd, fd2;
	uint32_t uid = geteuid() == 0 ? 1234 : getuid();
	uint32_t gid = geteuid() == 0 ? 5678 : getgid();
	(void)state;

	mk_dir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/s.sock", dir);
	fd = bind_unix(path);
	assert_int_equal(chmod(path, 0660), 0);
	if (geteuid() == 0)
		assert_int_equal(chown(path, uid, gid), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	path_rec(&r, path, strlen(path), &st);

	/* ok: the socket's own file */
	f = facts_new(&no_opts);
	check_file(f, &r, FACTS_FILE_OK, S_IFSOCK | 0660, uid, gid);
	{
		struct facts_file out;
		char m[11];
		facts_file(f, &r, &out);
		facts_mode_text(out.mode, m);
		assert_string_equal(m, "srw-rw----");
	}
	/* checked once per path: the answer stands though the file went */
	assert_int_equal(unlink(path), 0);
	check_file(f, &r, FACTS_FILE_OK, S_IFSOCK | 0660, uid, gid);
	facts_free(f);

	/* missing: nothing there now */
	f = facts_new(&no_opts);
	check_file(f, &r, FACTS_FILE_MISSING, 0, 0, 0);
	/* and that answer stands too, for this facts object */
	proctree_put(path, NULL, "x");
	check_file(f, &r, FACTS_FILE_MISSING, 0, 0, 0);
	facts_free(f);

	/* replaced by a regular file: its mode and owner are shown */
	assert_int_equal(chmod(path, 0640), 0);
	if (geteuid() == 0)
		assert_int_equal(chown(path, 4321, 8765), 0);
	f = facts_new(&no_opts);
	check_file(f, &r, FACTS_FILE_REPLACED, S_IFREG | 0640,
		   geteuid() == 0 ? 4321 : getuid(),
		   geteuid() == 0 ? 8765 : getgid());
	facts_free(f);

	/* replaced by another socket; the new socket's own record is ok,
	 * from the same cached stat */
	assert_int_equal(unlink(path), 0);
	fd2 = bind_unix(path);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(stat(path, &st2), 0);
	assert_true(st2.st_ino != st.st_ino);
	path_rec(&r2, path, strlen(path), &st2);
	f = facts_new(&no_opts);
	check_file(f, &r, FACTS_FILE_REPLACED, S_IFSOCK | 0600, st2.st_uid,
		   st2.st_gid);
	check_file(f, &r2, FACTS_FILE_OK, S_IFSOCK | 0600, st2.st_uid,
		   st2.st_gid);
	/* the same inode on another device is another file */
	r2.vfs_dev = kdev(st2.st_dev) + 1;
	check_file(f, &r2, FACTS_FILE_REPLACED, S_IFSOCK | 0600, st2.st_uid,
		   st2.st_gid);
	r2.vfs_dev = (uint32_t)(major(st2.st_dev) << 8 | minor(st2.st_dev));
	if (r2.vfs_dev != kdev(st2.st_dev))
		check_file(f, &r2, FACTS_FILE_REPLACED, S_IFSOCK | 0600,
			   st2.st_uid, st2.st_gid);
	r2.vfs_dev = kdev(st2.st_dev);
	r2.vfs_ino = st2.st_ino + 1;
	check_file(f, &r2, FACTS_FILE_REPLACED, S_IFSOCK | 0600, st2.st_uid,
		   st2.st_gid);
	facts_free(f);

	f = facts_new(&no_opts);
	/* unknown: no VFS identity to compare with (as from /proc) */
	path_rec(&r2, path, strlen(path), NULL);
	check_file(f, &r2, FACTS_FILE_UNKNOWN, 0, 0, 0);
	/* unknown: a relative path was relative to the binder's cwd */
	path_rec(&r2, rel, strlen(rel), &st2);
	check_file(f, &r2, FACTS_FILE_UNKNOWN, 0, 0, 0);
	/* unknown: longer than any sun_path */
	{
		char big[200];
		memset(big, 'a', sizeof(big));
		big[0] = '/';
		path_rec(&r2, big, sizeof(big), &st2);
		check_file(f, &r2, FACTS_FILE_UNKNOWN, 0, 0, 0);
	}

	/* none: abstract and unnamed sockets have no file */
	path_rec(&r2, "\0abs", 4, &st2);
	check_file(f, &r2, FACTS_FILE_NONE, 0, 0, 0);
	path_rec(&r2, "\0", 1, &st2);
	check_file(f, &r2, FACTS_FILE_NONE, 0, 0, 0);
	path_rec(&r2, NULL, 0, &st2);
	check_file(f, &r2, FACTS_FILE_NONE, 0, 0, 0);
	path_rec(&r2, path, 0, &st2);
	check_file(f, &r2, FACTS_FILE_NONE, 0, 0, 0);
	path_rec(&r2, NULL, 5, &st2);
	check_file(f, &r2, FACTS_FILE_NONE, 0, 0, 0);
	/* nor does anything but a Unix socket */
	path_rec(&r2, path, strlen(path), &st2);
	r2.family = AF_INET;
	check_file(f, &r2, FACTS_FILE_NONE, 0, 0, 0);

	/* missing: a component is a regular file (ENOTDIR) */
	snprintf(reg, sizeof(reg), "%s/regular", dir);
	proctree_put(reg, NULL, "x");
	snprintf(other, sizeof(other), "%s/regular/x.sock", dir);
	path_rec(&r2, other, strlen(other), &st2);
	check_file(f, &r2, FACTS_FILE_MISSING, 0, 0, 0);
	/* missing: a directory on the way is gone (ENOENT) */
	snprintf(other, sizeof(other), "%s/gone/x.sock", dir);
	path_rec(&r2, other, strlen(other), &st2);
	check_file(f, &r2, FACTS_FILE_MISSING, 0, 0, 0);
	/* a path that is a directory: replaced */
	path_rec(&r2, dir, strlen(dir), &st2);
	check_file(f, &r2, FACTS_FILE_REPLACED, S_IFDIR | 0755, geteuid(),
		   getegid());
	facts_free(f);

	close(fd);
	close(fd2);
	proctree_rm(dir);
}

/* The name as the kernel gives it ends with the path's NUL: unix_diag's
 * UNIX_DIAG_NAME for a socket bound at "/x" is the three bytes "/x\0". */
static void test_file_kernel_form(void **state)
{
	char dir[64], path[128];
	struct stat st;
	struct sock_rec r;
	struct facts *f;
	int fd;
	(void)state;

	mk_dir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/k.sock", dir);
	fd = bind_unix(path);
	assert_int_equal(chmod(path, 0660), 0);
	assert_int_equal(stat(path, &st), 0);
	path_rec(&r, path, strlen(path) + 1, &st);

	f = facts_new(&no_opts);
	check_file(f, &r, FACTS_FILE_OK, S_IFSOCK | 0660, st.st_uid,
		   st.st_gid);
	facts_free(f);

	assert_int_equal(unlink(path), 0);
	f = facts_new(&no_opts);
	check_file(f, &r, FACTS_FILE_MISSING, 0, 0, 0);
	facts_free(f);

	close(fd);
	proctree_rm(dir);
}

/* A path that fills sun_path has no NUL of its own: the kernel adds one,
 * so its name is SOCK_UNIX_NAME_MAX + 1 bytes. Returns the socket, with
 * the path (NUL-terminated) in path. */
static int bind_longest(const char *dir, char *path)
{
	/* valgrind reads sun_path up to a NUL: give it one past the end */
	struct {
		struct sockaddr_un a;
		char nul;
	} s = { .a = { .sun_family = AF_UNIX }, .nul = '\0' };
	size_t n = strlen(dir);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_true(n + 2 < SOCK_UNIX_NAME_MAX);
	memcpy(path, dir, n);
	path[n] = '/';
	memset(path + n + 1, 'L', SOCK_UNIX_NAME_MAX - n - 1);
	path[SOCK_UNIX_NAME_MAX] = '\0';
	memcpy(s.a.sun_path, path, SOCK_UNIX_NAME_MAX);
	assert_int_equal(bind(fd, (const struct sockaddr *)&s.a, sizeof(s.a)),
			 0);
	assert_int_equal(listen(fd, 1), 0);
	return fd;
}

static void test_file_longest_path(void **state)
{
	char dir[64], path[SOCK_UNIX_NAME_MAX + 1];
	struct stat st;
	struct sock_rec r;
	struct facts *f;
	struct facts_file out;
	int fd;
	(void)state;

	mk_dir(dir, sizeof(dir));
	fd = bind_longest(dir, path);
	assert_int_equal(stat(path, &st), 0);
	path_rec(&r, path, SOCK_UNIX_NAME_MAX + 1, &st);
	f = facts_new(&no_opts);
	facts_file(f, &r, &out);
	facts_free(f);
	close(fd);
	proctree_rm(dir);
	if (out.status != FACTS_FILE_OK)
		fail_msg("a %d-byte path's file is %s, expected ok",
			 SOCK_UNIX_NAME_MAX, facts_file_status_name(out.status));
	assert_int_equal(out.mode, st.st_mode);
	assert_int_equal(out.uid, st.st_uid);
	assert_int_equal(out.gid, st.st_gid);
}

/* The same through a record the kernel really sent. */
struct live {
	const char *path;
	uint64_t inode;
	struct facts *f;
	int seen;
	size_t name_len;
	int name_ok; /* the name starts with the whole path */
	struct facts_file file;
};

static int live_rec(void *ud, const struct sock_rec *r)
{
	struct live *l = ud;

	if (r->family != AF_UNIX || r->inode != l->inode)
		return 0;
	l->seen++;
	l->name_len = r->name_len;
	l->name_ok = r->name != NULL && r->name_len >= strlen(l->path) &&
		     memcmp(r->name, l->path, strlen(l->path)) == 0;
	facts_file(l->f, r, &l->file);
	return 0;
}

/* Dumps the Unix sockets and looks at the one bound at path. Returns 0,
 * or -1 if sock_diag cannot be used here. */
static int live_check(int fd, const char *path, struct live *l)
{
	struct stat sst;
	struct collect_query q = { .netids = SOCK_NETIDS_UNIX,
				   .states = SOCK_STATES_ALL };
	struct collect_opts o = { .backend = COLLECT_BACKEND_NETLINK,
				  .proc_root = "/proc",
				  .sequential = 1 };
	struct collect_consumer c = { .ud = l, .rec = live_rec };
	struct collect_report rep;
	struct sc_err err;
	int rc;

	assert_int_equal(fstat(fd, &sst), 0); /* the socket's own inode */
	memset(l, 0, sizeof(*l));
	l->path = path;
	l->inode = sst.st_ino;
	l->f = facts_new(&no_opts);
	memset(&rep, 0, sizeof(rep));
	rc = collect_run(&q, &o, &c, &rep, &err);
	facts_free(l->f);
	l->f = NULL;
	return rc;
}

static void test_file_live_kernel(void **state)
{
	char dir[64], path[128];
	struct stat st;
	struct live l;
	int fd, rc;
	(void)state;

	mk_dir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/live.sock", dir);
	fd = bind_unix(path);
	assert_int_equal(chmod(path, 0660), 0);
	assert_int_equal(stat(path, &st), 0);
	rc = live_check(fd, path, &l);
	close(fd);
	proctree_rm(dir);
	if (rc < 0)
		skip(); /* no sock_diag here */
	assert_int_equal(l.seen, 1);
	/* the kernel sends the path's NUL; a collector may drop it */
	assert_true(l.name_len == strlen(path) + 1 ||
		    l.name_len == strlen(path));
	assert_true(l.name_ok);
	if (l.file.status != FACTS_FILE_OK)
		fail_msg("a live socket's file is %s, expected ok",
			 facts_file_status_name(l.file.status));
	assert_int_equal(l.file.mode, S_IFSOCK | 0660);
	assert_int_equal(l.file.uid, st.st_uid);
	assert_int_equal(l.file.gid, st.st_gid);
}

/* A path filling sun_path: listed, and its file is its own. */
static void test_file_live_longest(void **state)
{
	char dir[64], path[SOCK_UNIX_NAME_MAX + 1];
	struct stat st;
	struct live l;
	int fd, rc;
	(void)state;

	mk_dir(dir, sizeof(dir));
	fd = bind_longest(dir, path);
	assert_int_equal(stat(path, &st), 0);
	rc = live_check(fd, path, &l);
	close(fd);
	proctree_rm(dir);
	if (rc < 0)
		skip(); /* no sock_diag here */
	if (l.seen != 1)
		fail_msg("the socket bound at a %d-byte path was listed %d "
			 "times, expected once",
			 SOCK_UNIX_NAME_MAX, l.seen);
	assert_true(l.name_len == SOCK_UNIX_NAME_MAX + 1 ||
		    l.name_len == SOCK_UNIX_NAME_MAX);
	assert_true(l.name_ok);
	if (l.file.status != FACTS_FILE_OK)
		fail_msg("the longest path's file is %s, expected ok",
			 facts_file_status_name(l.file.status));
	assert_int_equal(l.file.mode, st.st_mode);
}

struct eacces {
	struct sock_rec priv, pub;
};

static void file_as_nobody(void *arg, long *res, size_t n)
{
	const struct eacces *e = arg;
	struct facts *f = facts_new(&no_opts);
	struct facts_file out;

	if (n == 4) {
		facts_file(f, &e->priv, &out);
		res[1] = out.status;
		facts_file(f, &e->pub, &out);
		res[2] = out.status;
		res[3] = out.mode;
	}
	facts_free(f);
}

/* A path the checker may not search: unknown, not missing. */
static void test_file_no_access(void **state)
{
	char dir[64], priv[128], ppath[160], upath[128];
	struct stat pst, ust;
	struct eacces e;
	long res[4];
	int fd1, fd2, skipped;
	(void)state;

	mk_dir(dir, sizeof(dir));
	snprintf(priv, sizeof(priv), "%s/priv", dir);
	assert_int_equal(mkdir(priv, 0700), 0);
	snprintf(ppath, sizeof(ppath), "%s/p.sock", priv);
	snprintf(upath, sizeof(upath), "%s/u.sock", dir);
	fd1 = bind_unix(ppath);
	fd2 = bind_unix(upath);
	assert_int_equal(chmod(upath, 0666), 0);
	assert_int_equal(stat(ppath, &pst), 0);
	assert_int_equal(stat(upath, &ust), 0);
	path_rec(&e.priv, ppath, strlen(ppath), &pst);
	path_rec(&e.pub, upath, strlen(upath), &ust);

	skipped = proctree_as_nobody(file_as_nobody, &e, res, 4);
	close(fd1);
	close(fd2);
	proctree_rm(dir);
	if (skipped)
		skip();
	assert_int_equal(res[0], 0);
	assert_int_equal(res[1], FACTS_FILE_UNKNOWN);
	/* the control: the child can see what it may */
	assert_int_equal(res[2], FACTS_FILE_OK);
	assert_int_equal(res[3], S_IFSOCK | 0666);
}

/* ---- user and group names ---- */

static void test_user_group(void **state)
{
	struct facts *f = facts_new(&no_opts);
	const char *root, *groot, *s;
	const struct passwd *pw;
	const struct group *gr;
	(void)state;

	root = facts_user(f, 0);
	assert_non_null(root);
	assert_string_equal(root, "root");
	groot = facts_group(f, 0);
	assert_non_null(groot);
	assert_string_equal(groot, "root");
	/* looked up once: the same string again */
	assert_ptr_equal(facts_user(f, 0), root);
	assert_ptr_equal(facts_group(f, 0), groot);

	/* ids without an entry */
	assert_null(getpwuid(3999999999u));
	assert_null(facts_user(f, 3999999999u));
	assert_null(facts_user(f, 3999999999u));
	assert_null(getgrgid(3999999999u));
	assert_null(facts_group(f, 3999999999u));
	assert_null(facts_group(f, 3999999999u));
	assert_null(facts_user(f, UINT32_MAX - 1));

	/* users and groups are separate: a uid with a name and a gid of
	 * the same number without one, or different names */
	pw = getpwuid(65534);
	s = facts_user(f, 65534);
	if (pw == NULL)
		assert_null(s);
	else
		assert_string_equal(s, pw->pw_name);
	gr = getgrgid(65534);
	s = facts_group(f, 65534);
	if (gr == NULL)
		assert_null(s);
	else
		assert_string_equal(s, gr->gr_name);

	/* many more lookups, and much more kept text: the first names
	 * stay where they were */
	for (uint32_t id = 1; id < 3000; id++) {
		s = facts_user(f, id);
		pw = getpwuid(id);
		if ((s == NULL) != (pw == NULL) ||
		    (s != NULL && strcmp(s, pw->pw_name) != 0))
			fail_msg("uid %u: got %s", (unsigned)id,
				 s ? s : "(none)");
		s = facts_group(f, id);
		gr = getgrgid(id);
		if ((s == NULL) != (gr == NULL) ||
		    (s != NULL && strcmp(s, gr->gr_name) != 0))
			fail_msg("gid %u: got %s", (unsigned)id,
				 s ? s : "(none)");
	}
	assert_ptr_equal(facts_user(f, 0), root);
	assert_ptr_equal(facts_group(f, 0), groot);
	assert_string_equal(root, "root");
	assert_string_equal(groot, "root");
	facts_free(f);
}

/* Names live in blocks shared with the peer names: filling many blocks
 * must not move a name handed out before. */
static void test_names_stay(void **state)
{
	const struct facts_opts o = { .peer_names = 1 };
	struct facts *f = facts_new(&o);
	const char *root, *groot;
	char name[100];
	struct sock_rec r;
	(void)state;

	root = facts_user(f, 0);
	groot = facts_group(f, 0);
	assert_non_null(root);
	assert_non_null(groot);
	for (uint32_t i = 0; i < 5000; i++) {
		memset(name, 'a' + (int)(i % 26), sizeof(name));
		name[0] = '/';
		unix_rec(&r, 1000 + i, name, sizeof(name));
		facts_see(f, &r);
		if (i % 100 == 0) /* names found among the kept text */
			(void)facts_user(f, i);
	}
	assert_string_equal(root, "root");
	assert_string_equal(groot, "root");
	assert_ptr_equal(facts_user(f, 0), root);
	assert_ptr_equal(facts_group(f, 0), groot);
	/* and the peer names are all there */
	for (uint32_t i = 0; i < 5000; i++) {
		size_t len = 0;
		const char *s = facts_unix_name(f, 1000 + i, &len);
		memset(name, 'a' + (int)(i % 26), sizeof(name));
		name[0] = '/';
		if (s == NULL || len != sizeof(name) ||
		    memcmp(s, name, len) != 0)
			fail_msg("name of inode %u lost", (unsigned)(1000 + i));
	}
	facts_free(f);
}

/* ---- peer names ---- */

static void test_unix_names(void **state)
{
	const struct facts_opts on = { .peer_names = 1 };
	struct facts *f = facts_new(&on), *off = facts_new(&no_opts);
	char buf[32];
	struct sock_rec r;
	const char *s;
	size_t len;
	static const char abs_name[] = "\0ab\0c"; /* 5 bytes */
	(void)state;

	/* a path, as the kernel sends it (with its NUL) */
	strcpy(buf, "/run/x.sock");
	unix_rec(&r, 100, buf, strlen(buf) + 1);
	facts_see(f, &r);
	facts_see(off, &r);
	/* the name was only lent */
	memset(buf, 'Q', sizeof(buf));
	len = 0;
	s = facts_unix_name(f, 100, &len);
	assert_non_null(s);
	assert_int_equal(len, 12);
	assert_memory_equal(s, "/run/x.sock", 12);

	/* abstract, with NULs inside: every byte kept */
	memcpy(buf, abs_name, 5);
	unix_rec(&r, 101, buf, 5);
	facts_see(f, &r);
	memset(buf, 'Q', sizeof(buf));
	len = 0;
	s = facts_unix_name(f, 101, &len);
	assert_non_null(s);
	assert_int_equal(len, 5);
	assert_memory_equal(s, abs_name, 5);
	assert_int_equal(s[5], '\0'); /* kept terminated */

	/* a longest name */
	memset(buf, 'Q', sizeof(buf));
	{
		char big[SOCK_UNIX_NAME_MAX];
		memset(big, 'z', sizeof(big));
		big[0] = '/';
		unix_rec(&r, (1ull << 40) + 5, big, sizeof(big));
		facts_see(f, &r);
		s = facts_unix_name(f, (1ull << 40) + 5, &len);
		assert_non_null(s);
		assert_int_equal(len, SOCK_UNIX_NAME_MAX);
		assert_memory_equal(s, big, SOCK_UNIX_NAME_MAX);
	}

	/* unnamed sockets have no name */
	unix_rec(&r, 102, NULL, 0);
	facts_see(f, &r);
	assert_null(facts_unix_name(f, 102, &len));
	unix_rec(&r, 103, "/x", 0);
	facts_see(f, &r);
	assert_null(facts_unix_name(f, 103, &len));
	/* nor do other families */
	unix_rec(&r, 104, "/x", 2);
	r.family = AF_INET;
	facts_see(f, &r);
	assert_null(facts_unix_name(f, 104, &len));
	/* inode 0 is nobody's name */
	unix_rec(&r, 0, "/zero", 5);
	facts_see(f, &r);
	assert_null(facts_unix_name(f, 0, &len));
	/* never seen */
	assert_null(facts_unix_name(f, 105, &len));
	assert_null(facts_unix_name(f, UINT64_MAX, &len));

	/* seen again, as after a restarted dump: the same name */
	unix_rec(&r, 101, abs_name, 5);
	facts_see(f, &r);
	s = facts_unix_name(f, 101, &len);
	assert_int_equal(len, 5);
	assert_memory_equal(s, abs_name, 5);
	s = facts_unix_name(f, 100, &len);
	assert_int_equal(len, 12);
	assert_memory_equal(s, "/run/x.sock", 12);

	/* not asked for: not kept */
	assert_null(facts_unix_name(off, 100, &len));
	facts_free(f);
	facts_free(off);
}

/* ---- holders ---- */

struct tree {
	char root[64];
};

/* A process of the tree; with hidden set, its fds are for root only. */
static void mk_pid(const char *root, const char *pid, const char *stat,
		   const char *const *links, int hidden)
{
	char fd[300];

	proctree_pid(root, pid, stat, links);
	snprintf(fd, sizeof(fd), "%s/%s/fd", root, pid);
	if (hidden)
		assert_int_equal(chmod(fd, 0700), 0);
}

/* pid 10: fds 3 -> 100 and 4 -> 101; pid 11: fd 5 -> 100; pid 12,
 * hidden from others when hide is set: fd 6 -> 200. */
static void mk_tree(struct tree *t, int hide)
{
	static const char *const l10[] = { "4", "socket:[101]", "3",
					   "socket:[100]", NULL };
	static const char *const l11[] = { "5", "socket:[100]", NULL };
	static const char *const l12[] = { "6", "socket:[200]", NULL };

	mk_dir(t->root, sizeof(t->root));
	mk_pid(t->root, "11", "11 (cli) S 1", l11, 0);
	mk_pid(t->root, "10", "10 (srv) S 1", l10, 0);
	mk_pid(t->root, "12", "12 (priv) S 1", l12, hide);
}

/* A collected socket: seen by facts, kept in the rows. */
static void see_inode(struct facts *f, struct rows *rs, uint64_t inode)
{
	struct sock_rec r;

	memset(&r, 0, sizeof(r));
	r.family = AF_INET;
	r.inode = inode;
	facts_see(f, &r);
	rows_add(rs, &r);
}

/* The unknown holders among all the rows kept. */
static unsigned long unknown(const struct facts *f, const struct rows *rs)
{
	struct rows_view v;
	unsigned long n;

	rows_view_all(rs, &v);
	n = facts_unknown_in(f, &v);
	rows_view_free(&v);
	return n;
}

static void test_holders(void **state)
{
	const struct facts_opts on = { .owners = 1 };
	struct tree t;
	struct owners *o = NULL;
	struct sc_err err;
	struct facts *f;
	const struct owner *w;
	struct rows *rs = rows_new(0);
	(void)state;

	mk_tree(&t, 0);
	assert_int_equal(owners_scan(t.root, 2, &o, &err), 0);
	proctree_rm(t.root);
	assert_int_equal(owners_stats(o)->unreadable, 0);

	f = facts_new(&on);
	/* before the scan is handed over: nobody known */
	assert_null(facts_owner_table(f));
	w = &not_null;
	assert_int_equal(facts_holders(f, 100, &w), FACTS_NOBODY);
	assert_null(w);
	assert_int_equal(unknown(f, rs), 0);
	assert_int_equal(facts_unreadable_processes(f), 0);

	facts_set_owners(f, o);
	assert_ptr_equal(facts_owner_table(f), o);
	assert_int_equal(facts_holders(f, 100, &w), FACTS_HELD);
	assert_non_null(w);
	assert_int_equal(w->pid, 10);
	assert_int_equal(w->fd, 3);
	assert_memory_equal(owners_comm(o, w), "srv", 3);
	w = owners_next(o, w);
	assert_non_null(w);
	assert_int_equal(w->pid, 11);
	assert_int_equal(w->fd, 5);
	assert_null(owners_next(o, w));
	assert_int_equal(facts_holders(f, 101, &w), FACTS_HELD);
	assert_int_equal(w->fd, 4);
	assert_int_equal(facts_holders(f, 200, &w), FACTS_HELD);
	assert_int_equal(w->pid, 12);
	/* every process was read: a socket nobody holds is held by nobody */
	w = &not_null;
	assert_int_equal(facts_holders(f, 300, &w), FACTS_NOBODY);
	assert_null(w);
	w = &not_null;
	assert_int_equal(facts_holders(f, 0, &w), FACTS_NOBODY);
	assert_null(w);

	see_inode(f, rs, 100);
	see_inode(f, rs, 300);
	see_inode(f, rs, 0);
	see_inode(f, rs, 301);
	/* every process was read: nothing is unknown */
	assert_int_equal(unknown(f, rs), 0);
	assert_int_equal(facts_unreadable_processes(f), 0);
	rows_free(rs);
	facts_free(f);
	owners_free(o);
}

/* The checks of test_unknown_owners, in the child: the line of the first
 * one that fails, or 0. */
#define CHILD_CHECK(c)                                                         \
	do {                                                                   \
		if (!(c) && res[1] == 0)                                       \
			res[1] = __LINE__;                                     \
	} while (0)

static void unknown_as_nobody(void *arg, long *res, size_t n)
{
	const struct tree *t = arg;
	const struct facts_opts on = { .owners = 1 };
	struct owners *o = NULL;
	struct sc_err err;
	struct facts *f, *g;
	const struct owner *w;
	struct rows *rs, *rs2;
	size_t mark, mark2;

	if (n != 3)
		return;
	res[2] = owners_scan(t->root, 2, &o, &err);
	if (res[2] != 0)
		return;
	CHILD_CHECK(owners_stats(o)->unreadable == 1);
	f = facts_new(&on);
	facts_set_owners(f, o);
	CHILD_CHECK(facts_unreadable_processes(f) == 1);
	rs = rows_new(0);
	CHILD_CHECK(unknown(f, rs) == 0); /* none seen yet */

	CHILD_CHECK(facts_holders(f, 100, &w) == FACTS_HELD);
	CHILD_CHECK(w != NULL && w->pid == 10 && w->fd == 3);
	/* held by the hidden process, or by none: cannot tell */
	w = &not_null;
	CHILD_CHECK(facts_holders(f, 200, &w) == FACTS_UNKNOWN);
	CHILD_CHECK(w == NULL);
	w = &not_null;
	CHILD_CHECK(facts_holders(f, 300, &w) == FACTS_UNKNOWN);
	CHILD_CHECK(w == NULL);
	/* TIME-WAIT and request sockets are nobody's, whatever we read */
	w = &not_null;
	CHILD_CHECK(facts_holders(f, 0, &w) == FACTS_NOBODY);
	CHILD_CHECK(w == NULL);

	see_inode(f, rs, 100);
	see_inode(f, rs, 300);
	see_inode(f, rs, 0);
	see_inode(f, rs, 301);
	see_inode(f, rs, 101);
	CHILD_CHECK(unknown(f, rs) == 2); /* 300, 301 */

	/* a restarted dump forgets what it saw since the mark */
	mark = rows_mark(rs);
	see_inode(f, rs, 302);
	see_inode(f, rs, 303);
	see_inode(f, rs, 200);
	CHILD_CHECK(unknown(f, rs) == 5);
	rows_rollback(rs, mark);
	CHILD_CHECK(unknown(f, rs) == 2);
	see_inode(f, rs, 302);
	CHILD_CHECK(unknown(f, rs) == 3);
	rows_rollback(rs, mark + 100); /* beyond the end: nothing */
	CHILD_CHECK(unknown(f, rs) == 3);
	mark2 = rows_mark(rs);
	CHILD_CHECK(mark2 == mark + 1);
	see_inode(f, rs, 304);
	CHILD_CHECK(unknown(f, rs) == 4);
	rows_rollback(rs, mark2);
	CHILD_CHECK(unknown(f, rs) == 3);
	rows_rollback(rs, 0);
	CHILD_CHECK(unknown(f, rs) == 0);

	/* without -p nothing is counted, but holders still answer */
	g = facts_new(&(struct facts_opts){ .owners = 0 });
	facts_set_owners(g, o);
	rs2 = rows_new(0);
	see_inode(g, rs2, 300);
	CHILD_CHECK(unknown(g, rs2) == 0);
	CHILD_CHECK(facts_holders(g, 300, &w) == FACTS_UNKNOWN);
	rows_free(rs2);
	rows_free(rs);
	facts_free(g);
	facts_free(f);
	owners_free(o);
}

static void test_unknown_owners(void **state)
{
	struct tree t;
	long res[3];
	int skipped;
	(void)state;

	mk_tree(&t, 1);
	skipped = proctree_as_nobody(unknown_as_nobody, &t, res, 3);
	proctree_rm(t.root);
	if (skipped)
		skip();
	assert_int_equal(res[0], 0);
	assert_int_equal(res[2], 0); /* the scan */
	if (res[1] != 0)
		fail_msg("check at line %ld failed in the child", res[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mode_text),
		cmocka_unit_test(test_status_names),
		cmocka_unit_test(test_same_dev),
		cmocka_unit_test(test_file_states),
		cmocka_unit_test(test_file_kernel_form),
		cmocka_unit_test(test_file_longest_path),
		cmocka_unit_test(test_file_live_kernel),
		cmocka_unit_test(test_file_live_longest),
		cmocka_unit_test(test_file_no_access),
		cmocka_unit_test(test_user_group),
		cmocka_unit_test(test_names_stay),
		cmocka_unit_test(test_unix_names),
		cmocka_unit_test(test_holders),
		cmocka_unit_test(test_unknown_owners),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
