/* test_unixbind.c - binding Unix socket paths in a private temp dir: what
 * is refused is left exactly as it was (inode and content), stale sockets
 * are replaced, live ones are not, mode and group are applied, and the
 * cleanup removes only its own file. */
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
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "serve/endpoint.h"
#include "serve/unixbind.h"

struct fixture {
	char dir[64];
};

/* rm -r of the fixture's flat tree (files and one level of dirs). */
static void rm_tree(const char *dir)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_unixbind.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	umask(022);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	rm_tree(f->dir);
	free(f);
	return 0;
}

static void path_in(const struct fixture *f, const char *name, char *out,
		    size_t n)
{
	snprintf(out, n, "%s/%s", f->dir, name);
}

static void unix_ep(struct endpoint *ep, const char *path)
{
	struct sc_err err = { 0 };

	if (ep_parse(ep, "unix", path, 0, &err) != 0)
		fail_msg("%s: %s", path, err.msg);
}

static int new_sock(int type)
{
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	return fd;
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static void assert_content(const char *path, const char *text)
{
	char buf[64] = { 0 };
	FILE *fp = fopen(path, "r");

	assert_non_null(fp);
	assert_true(fread(buf, 1, sizeof(buf) - 1, fp) == strlen(text));
	fclose(fp);
	assert_string_equal(buf, text);
}

/* path into sun (the fixture's paths are short). */
static void set_sun(struct sockaddr_un *sun, const char *path)
{
	size_t n = strlen(path);

	assert_true(n < sizeof(sun->sun_path));
	memcpy(sun->sun_path, path, n + 1);
}

/* bind a plain socket at path (no unixbind), optionally listening. */
static int raw_bind(const char *path, int type, int backlog)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = new_sock(type);

	set_sun(&sun, path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	if (backlog >= 0)
		assert_int_equal(listen(fd, backlog), 0);
	return fd;
}

/* ub_bind at path must be refused with msg, leaving st as it was. */
static void refused(const char *path, int type, const char *msg)
{
	struct endpoint ep;
	struct unixbind ub;
	struct sc_warnings notes = { 0 };
	struct sc_err err = { 0 };
	struct stat before, after;
	int fd = new_sock(type);

	assert_int_equal(lstat(path, &before), 0);
	unix_ep(&ep, path);
	assert_int_equal(ub_bind(fd, &ep, &(struct ub_opts){ 0 }, &ub, &notes,
				 &err),
			 -1);
	assert_string_equal(err.msg, msg);
	assert_int_equal(notes.n, 0);
	assert_int_equal(lstat(path, &after), 0);
	assert_int_equal(after.st_ino, before.st_ino);
	assert_int_equal(after.st_dev, before.st_dev);
	assert_int_equal(after.st_mode, before.st_mode);
	assert_int_equal(after.st_size, before.st_size);
	assert_int_equal(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
	/* nothing to clean up */
	assert_string_equal(ub.path, "");
	assert_string_equal(ub.dir, "");
	close(fd);
}

static void test_missing_binds(void **state)
{
	struct fixture *f = *state;
	char path[128];
	struct endpoint ep;
	struct unixbind ub;
	struct sc_warnings notes = { 0 };
	struct sc_err err = { 0 };
	struct stat st;
	int fd = new_sock(SOCK_STREAM), c;

	path_in(f, "a.sock", path, sizeof(path));
	unix_ep(&ep, path);
	assert_int_equal(ub_bind(fd, &ep, &(struct ub_opts){ 0 }, &ub, &notes,
				 &err),
			 0);
	assert_int_equal(notes.n, 0);
	assert_string_equal(ub.path, path);
	assert_string_equal(ub.dir, "");
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_ino, ub.ino);
	assert_int_equal(st.st_dev, ub.dev);
	/* without --mode: what a plain bind under umask 022 gives */
	assert_int_equal(st.st_mode & 07777, 0755);
	/* it is the socket's address */
	assert_int_equal(listen(fd, 4), 0);
	c = new_sock(SOCK_STREAM);
	assert_int_equal(connect(c, (struct sockaddr *)&ep.addr, ep.addrlen), 0);
	close(c);
	/* the umask is back as it was */
	assert_int_equal(umask(022), 022);

	ub_release(&ub, &notes);
	assert_int_equal(notes.n, 0);
	assert_int_equal(lstat(path, &st), -1);
	assert_int_equal(errno, ENOENT);
	/* a second release does nothing */
	ub_release(&ub, &notes);
	assert_int_equal(notes.n, 0);
	close(fd);
}

static void test_refuse_files(void **state)
{
	struct fixture *f = *state;
	char path[128], target[128], msg[256];

	path_in(f, "regular", path, sizeof(path));
	write_file(path, "keep me\n");
	snprintf(msg, sizeof(msg), "refusing to use %s: it is a regular file",
		 path);
	refused(path, SOCK_STREAM, msg);
	assert_content(path, "keep me\n");

	/* a symbolic link to a file: neither is touched */
	path_in(f, "target", target, sizeof(target));
	write_file(target, "target\n");
	path_in(f, "link", path, sizeof(path));
	assert_int_equal(symlink(target, path), 0);
	snprintf(msg, sizeof(msg), "refusing to use %s: it is a symbolic link",
		 path);
	refused(path, SOCK_STREAM, msg);
	assert_content(target, "target\n");

	/* a dangling link is not followed either */
	path_in(f, "dangling", path, sizeof(path));
	path_in(f, "nowhere", target, sizeof(target));
	assert_int_equal(symlink(target, path), 0);
	snprintf(msg, sizeof(msg), "refusing to use %s: it is a symbolic link",
		 path);
	refused(path, SOCK_DGRAM, msg);
	assert_int_equal(access(target, F_OK), -1);

	path_in(f, "dir", path, sizeof(path));
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(msg, sizeof(msg), "refusing to use %s: it is a directory",
		 path);
	refused(path, SOCK_STREAM, msg);

	path_in(f, "fifo", path, sizeof(path));
	assert_int_equal(mkfifo(path, 0600), 0);
	snprintf(msg, sizeof(msg), "refusing to use %s: it is a named pipe",
		 path);
	refused(path, SOCK_SEQPACKET, msg);
}

static void test_stale_replaced(void **state)
{
	struct fixture *f = *state;
	char path[128], note[256];
	struct endpoint ep;
	struct unixbind ub;
	struct sc_warnings notes = { 0 };
	struct sc_err err = { 0 };
	struct stat st;
	int fd, old;

	path_in(f, "stale.sock", path, sizeof(path));
	/* a listener that went away: its file stays */
	old = raw_bind(path, SOCK_STREAM, 1);
	close(old);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));

	fd = new_sock(SOCK_STREAM);
	unix_ep(&ep, path);
	assert_int_equal(ub_bind(fd, &ep, &(struct ub_opts){ 0 }, &ub, &notes,
				 &err),
			 0);
	snprintf(note, sizeof(note),
		 "removed a stale socket at %s (no server was listening)", path);
	assert_int_equal(notes.n, 1);
	assert_string_equal(notes.msg[0], note);
	assert_int_equal(lstat(path, &st), 0);
	assert_int_equal(st.st_ino, ub.ino);
	ub_release(&ub, NULL);
	close(fd);

	/* a stale datagram socket, replaced by a datagram socket */
	old = raw_bind(path, SOCK_DGRAM, -1);
	close(old);
	fd = new_sock(SOCK_DGRAM);
	notes.n = 0;
	assert_int_equal(ub_bind(fd, &ep, &(struct ub_opts){ 0 }, &ub, &notes,
				 &err),
			 0);
	assert_int_equal(notes.n, 1);
	ub_release(&ub, NULL);
	close(fd);
}

static void test_live_refused(void **state)
{
	struct fixture *f = *state;
	char path[128], msg[256];
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int live, c1, c2, c;

	path_in(f, "live.sock", path, sizeof(path));
	snprintf(msg, sizeof(msg), "a server is already listening at %s",
		 path);
	live = raw_bind(path, SOCK_STREAM, 4);
	refused(path, SOCK_STREAM, msg);
	/* a live socket of another type */
	refused(path, SOCK_DGRAM, msg);
	/* the server still answers */
	set_sun(&sun, path);
	c = new_sock(SOCK_STREAM);
	assert_int_equal(connect(c, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(c);
	close(live);
	unlink(path);

	/* a server that does not accept and whose backlog is full */
	live = raw_bind(path, SOCK_STREAM, 0);
	c1 = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	c2 = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_int_equal(connect(c1, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(connect(c2, (struct sockaddr *)&sun, sizeof(sun)), -1);
	assert_int_equal(errno, EAGAIN);
	refused(path, SOCK_STREAM, msg);
	close(c1);
	close(c2);
	close(live);
	unlink(path);

	/* a live datagram socket */
	live = raw_bind(path, SOCK_DGRAM, -1);
	refused(path, SOCK_DGRAM, msg);
	close(live);
}

static void test_mode_group(void **state)
{
	struct fixture *f = *state;
	char path[128];
	struct endpoint ep;
	struct unixbind ub;
	struct sc_err err = { 0 };
	struct ub_opts o = { .has_mode = true, .mode = 0660 };
	struct stat st;
	int fd = new_sock(SOCK_STREAM);

	o.has_group = true;
	/* root may give any group; others one of their own */
	o.gid = geteuid() == 0 ? 4242 : getegid();
	path_in(f, "mode.sock", path, sizeof(path));
	unix_ep(&ep, path);
	assert_int_equal(ub_bind(fd, &ep, &o, &ub, NULL, &err), 0);
	assert_int_equal(lstat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0660);
	assert_int_equal(st.st_gid, o.gid);
	ub_release(&ub, NULL);
	close(fd);

	/* a mode alone, wider than the umask allows */
	fd = new_sock(SOCK_DGRAM);
	o = (struct ub_opts){ .has_mode = true, .mode = 0777 };
	assert_int_equal(ub_bind(fd, &ep, &o, &ub, NULL, &err), 0);
	assert_int_equal(lstat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0777);
	assert_int_equal(st.st_gid, getegid());
	ub_release(&ub, NULL);
	close(fd);
}

static void test_cleanup_replaced(void **state)
{
	struct fixture *f = *state;
	char path[128], note[256];
	struct endpoint ep;
	struct unixbind ub;
	struct sc_warnings notes = { 0 };
	struct sc_err err = { 0 };
	int fd = new_sock(SOCK_STREAM), other;

	path_in(f, "replaced.sock", path, sizeof(path));
	unix_ep(&ep, path);
	assert_int_equal(ub_bind(fd, &ep, &(struct ub_opts){ 0 }, &ub, NULL,
				 &err),
			 0);
	/* someone else's file takes its place */
	assert_int_equal(unlink(path), 0);
	write_file(path, "theirs\n");
	ub_release(&ub, &notes);
	snprintf(note, sizeof(note),
		 "%s was replaced by another file: left it alone", path);
	assert_int_equal(notes.n, 1);
	assert_string_equal(notes.msg[0], note);
	assert_content(path, "theirs\n");
	assert_int_equal(unlink(path), 0);
	close(fd);

	/* another socket in its place is not ours either */
	fd = new_sock(SOCK_STREAM);
	assert_int_equal(ub_bind(fd, &ep, &(struct ub_opts){ 0 }, &ub, NULL,
				 &err),
			 0);
	assert_int_equal(unlink(path), 0);
	other = raw_bind(path, SOCK_STREAM, 1);
	notes.n = 0;
	ub_release(&ub, &notes);
	assert_int_equal(notes.n, 1);
	assert_string_equal(notes.msg[0], note);
	assert_int_equal(access(path, F_OK), 0);
	close(other);
	close(fd);

	/* gone already: nothing to say */
	unlink(path);
	fd = new_sock(SOCK_STREAM);
	assert_int_equal(ub_bind(fd, &ep, &(struct ub_opts){ 0 }, &ub, NULL,
				 &err),
			 0);
	assert_int_equal(unlink(path), 0);
	notes.n = 0;
	ub_release(&ub, &notes);
	assert_int_equal(notes.n, 0);
	close(fd);
}

static void test_private_dir(void **state)
{
	struct fixture *f = *state;
	struct endpoint ep;
	struct unixbind ub;
	struct sc_warnings notes = { 0 };
	struct sc_err err = { 0 };
	struct ub_opts o = { .tmp_base = f->dir };
	struct stat st;
	char want[128], sock_path[160];
	size_t n;
	int fd = new_sock(SOCK_STREAM);

	unix_ep(&ep, NULL);
	assert_int_equal(ub_bind(fd, &ep, &o, &ub, &notes, &err), 0);
	snprintf(want, sizeof(want), "%s/sockscope-", f->dir);
	n = strlen(want);
	assert_int_equal(strncmp(ub.dir, want, n), 0);
	assert_int_equal(strlen(ub.dir), n + 6);
	snprintf(sock_path, sizeof(sock_path), "%s/serve.sock", ub.dir);
	assert_string_equal(ub.path, sock_path);
	assert_int_equal(lstat(ub.dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(lstat(ub.path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	snprintf(want, sizeof(want), "%s", ub.dir);
	ub_release(&ub, &notes);
	assert_int_equal(notes.n, 0);
	assert_int_equal(access(want, F_OK), -1);

	/* a base too long for sun_path is an error naming the limit */
	memset(sock_path, 'x', sizeof(sock_path));
	sock_path[0] = '/';
	sock_path[90] = '\0';
	o.tmp_base = sock_path;
	assert_int_equal(ub_bind(fd, &ep, &o, &ub, &notes, &err), -1);
	assert_int_equal(strncmp(err.msg, "cannot make a socket directory in /xxx",
				 38),
			 0);
	assert_non_null(strstr(err.msg, ": the path would exceed 107 bytes"));
	close(fd);
}

static void test_bind_failures(void **state)
{
	struct fixture *f = *state;
	char path[128], msg[256];
	struct endpoint ep;
	struct unixbind ub;
	struct sc_err err = { 0 };
	int fd = new_sock(SOCK_STREAM);

	path_in(f, "no/such/dir.sock", path, sizeof(path));
	unix_ep(&ep, path);
	assert_int_equal(ub_bind(fd, &ep, &(struct ub_opts){ 0 }, &ub, NULL,
				 &err),
			 -1);
	snprintf(msg, sizeof(msg),
		 "cannot bind %s: No such file or directory", path);
	assert_string_equal(err.msg, msg);
	assert_int_equal(err.code, ENOENT);
	close(fd);

	/* an abstract name is bound as is, with no file to remove */
	fd = new_sock(SOCK_STREAM);
	snprintf(path, sizeof(path), "@sockscope-test-unixbind-%ld",
		 (long)getpid());
	unix_ep(&ep, path);
	assert_int_equal(ub_bind(fd, &ep, &(struct ub_opts){ 0 }, &ub, NULL,
				 &err),
			 0);
	assert_string_equal(ub.path, "");
	ub_release(&ub, NULL);
	{
		int again = new_sock(SOCK_STREAM);

		assert_int_equal(ub_bind(again, &ep, &(struct ub_opts){ 0 },
					 &ub, NULL, &err),
				 -1);
		snprintf(msg, sizeof(msg),
			 "cannot bind %s: Address already in use", path);
		assert_string_equal(err.msg, msg);
		close(again);
	}
	close(fd);
}

/* As nobody: a root-only socket cannot be probed (EACCES is a refusal
 * with the reason), and a failed chown removes what was bound. */
static void test_unprivileged(void **state)
{
	struct fixture *f = *state;
	char dir[96], path[128], mine[128];
	pid_t pid;
	int live, status;

	if (geteuid() != 0) {
		skip();
		return;
	}
	assert_int_equal(chmod(f->dir, 0755), 0);
	path_in(f, "open", dir, sizeof(dir));
	assert_int_equal(mkdir(dir, 0777), 0);
	assert_int_equal(chmod(dir, 0777), 0);
	snprintf(path, sizeof(path), "%s/root.sock", dir);
	snprintf(mine, sizeof(mine), "%s/mine.sock", dir);
	live = raw_bind(path, SOCK_STREAM, 1);
	assert_int_equal(chmod(path, 0700), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct endpoint ep;
		struct unixbind ub;
		struct sc_err err = { 0 };
		struct ub_opts o = { .has_group = true, .gid = 0 };
		char msg[256];
		int fd;

		if (setgroups(0, NULL) < 0 || setgid(65534) < 0 ||
		    setuid(65534) < 0)
			_exit(10);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		unix_ep(&ep, path);
		if (ub_bind(fd, &ep, &(struct ub_opts){ 0 }, &ub, NULL,
			    &err) != -1)
			_exit(11);
		snprintf(msg, sizeof(msg),
			 "refusing to use %s: cannot tell whether a server is "
			 "listening: Permission denied",
			 path);
		if (strcmp(err.msg, msg) != 0) {
			fprintf(stderr, "got: %s\n", err.msg);
			_exit(12);
		}
		unix_ep(&ep, mine);
		if (ub_bind(fd, &ep, &o, &ub, NULL, &err) != -1)
			_exit(13);
		snprintf(msg, sizeof(msg),
			 "cannot set the group of %s to 0: Operation not "
			 "permitted",
			 mine);
		if (strcmp(err.msg, msg) != 0) {
			fprintf(stderr, "got: %s\n", err.msg);
			_exit(14);
		}
		/* what was bound is gone */
		if (access(mine, F_OK) == 0)
			_exit(15);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	/* the live socket is still there */
	assert_int_equal(access(path, F_OK), 0);
	close(live);
}

static void test_parse(void **state)
{
	struct sc_err err = { 0 };
	mode_t m = 0;
	gid_t g = 1;
	(void)state;

	assert_int_equal(ub_parse_mode("0660", &m, &err), 0);
	assert_int_equal(m, 0660);
	assert_int_equal(ub_parse_mode("600", &m, &err), 0);
	assert_int_equal(m, 0600);
	assert_int_equal(ub_parse_mode("0", &m, &err), 0);
	assert_int_equal(m, 0);
	assert_int_equal(ub_parse_mode("0777", &m, &err), 0);
	assert_int_equal(m, 0777);
	assert_int_equal(ub_parse_mode("1000", &m, &err), -1);
	assert_string_equal(err.msg, "invalid --mode '1000' (expected an octal "
				     "mode from 0 to 0777, e.g. 0660)");
	assert_int_equal(ub_parse_mode("0668", &m, &err), -1);
	assert_int_equal(ub_parse_mode("", &m, &err), -1);
	assert_int_equal(ub_parse_mode("rw", &m, &err), -1);
	assert_int_equal(ub_parse_mode("0o660", &m, &err), -1);
	assert_int_equal(ub_parse_mode("000000660", &m, &err), -1);

	assert_int_equal(ub_parse_group("0", &g, &err), 0);
	assert_int_equal(g, 0);
	assert_int_equal(ub_parse_group("4242", &g, &err), 0);
	assert_int_equal(g, 4242);
	g = 1;
	assert_int_equal(ub_parse_group("root", &g, &err), 0);
	assert_int_equal(g, 0);
	assert_int_equal(ub_parse_group("no-such-group-here", &g, &err), -1);
	assert_string_equal(err.msg, "unknown group 'no-such-group-here'");
	assert_int_equal(ub_parse_group("12x", &g, &err), -1);
	assert_int_equal(ub_parse_group("4294967295", &g, &err), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_missing_binds, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_refuse_files, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_stale_replaced, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_live_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_mode_group, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_cleanup_replaced, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_private_dir, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bind_failures, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unprivileged, setup,
						teardown),
		cmocka_unit_test(test_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
