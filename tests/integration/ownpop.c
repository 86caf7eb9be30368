/* ownpop.c - builds a known population of socket owners for the -p / -e
 * integration tests: sockets shared, split and handed between processes
 * with chosen names, socket files in known states; writes a manifest. */
#include "config.h"

#include "tcpwait.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Older libc headers lack it; the value is the kernel ABI (asm-generic). */
#ifndef SO_COOKIE
#define SO_COOKIE 57
#endif

/* Room for any sun_path: the longest path bound here. */
#define OWN_SUN_PATH sizeof(((struct sockaddr_un *)NULL)->sun_path)
#define OWN_MAX_KIDS 8
#define OWN_MAX_PATHS 8
#define OWN_MAX_FDS 1024
/* The Unix listener's backlog: the tests expect it as Send-Q. */
#define OWN_UNIX_BACKLOG 7
/* The TCP listener's backlog, likewise. */
#define OWN_TCP_BACKLOG 5
/* How long to wait for a TCP state change on loopback. */
#define OWN_WAIT_MS 5000
/* At most 15 bytes (TASK_COMM_LEN - 1), or the kernel truncates it. */
#define OWN_EVIL_COMM "evil)\x1b[35mname"

struct own {
	FILE *manifest;
	const char *dir;
	gid_t group;
	unsigned port;
	/* Uid for one extra holder that gives up root; -1: no such holder. */
	long drop_uid;
	pid_t main_pid;
	sigset_t stop;
	pid_t kids[OWN_MAX_KIDS];
	size_t nkids;
	/* Files to unlink on exit, then the one directory to remove. */
	char paths[OWN_MAX_PATHS][OWN_SUN_PATH];
	size_t npaths;
	char privdir[PATH_MAX];
};

static int own_errno(const char *what, const char *detail)
{
	fprintf(stderr, "ownpop: %s%s%s: %s\n", what, detail ? " " : "",
		detail ? detail : "", strerror(errno));
	return -1;
}

static int own_msg(const char *what, const char *detail)
{
	fprintf(stderr, "ownpop: %s%s%s\n", what, detail ? " " : "",
		detail ? detail : "");
	return -1;
}

static unsigned long own_ino(int fd)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return 0;
	return (unsigned long)st.st_ino;
}

/* The cookie sock_diag reports and ss -e prints as sk:. */
static uint64_t own_cookie(int fd)
{
	uint64_t cookie = 0;
	socklen_t len = sizeof(cookie);

	if (getsockopt(fd, SOL_SOCKET, SO_COOKIE, &cookie, &len) != 0)
		return 0;
	return cookie;
}

/* "sock ID PID FD INODE COOKIE": who holds a socket, under which fd. A
 * socket no process holds has pid 0 and fd -1. */
static void own_sock(struct own *o, const char *id, pid_t pid, int fd,
		     unsigned long ino, uint64_t cookie)
{
	fprintf(o->manifest, "sock %s %ld %d %lu %" PRIx64 "\n", id, (long)pid,
		fd, ino, cookie);
}

static void own_sock_fd(struct own *o, const char *id, pid_t pid, int fd)
{
	own_sock(o, id, pid, fd, own_ino(fd), own_cookie(fd));
}

static int own_remember(struct own *o, const char *path)
{
	if (o->npaths == OWN_MAX_PATHS)
		return own_msg("too many paths", path);
	snprintf(o->paths[o->npaths], sizeof(o->paths[0]), "%s", path);
	o->npaths++;
	return 0;
}

static int own_path(const struct own *o, const char *base, char *out,
		    size_t size)
{
	int n = snprintf(out, size, "%s/%s", o->dir, base);

	if (n < 0 || (size_t)n >= size || (size_t)n >= OWN_SUN_PATH)
		return own_msg("--dir is too long for a Unix socket path:",
			       out);
	return 0;
}

/* "@NAME" is an abstract name, anything else a path. Either way the
 * length counts one byte more than the name: the path's terminating NUL,
 * or the abstract name's leading one. */
static int own_unaddr(const char *name, struct sockaddr_un *sun,
		      socklen_t *len)
{
	int abstract = name[0] == '@';
	size_t n = strlen(name + abstract);

	if (n + 1 > sizeof(sun->sun_path))
		return own_msg("Unix socket name too long", name);
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path + abstract, name + abstract, n);
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
	return 0;
}

/* A Unix stream socket at name: bound and listening, or connected to it. */
static int own_unix_stream(const char *name, int listening, int *out)
{
	struct sockaddr_un sun;
	socklen_t len = 0;
	int fd, r;

	if (own_unaddr(name, &sun, &len) != 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return own_errno("socket", "AF_UNIX");
	if (listening) {
		r = bind(fd, (struct sockaddr *)&sun, len);
		if (r != 0) {
			close(fd);
			return own_errno("bind", name);
		}
		r = listen(fd, OWN_UNIX_BACKLOG);
	} else {
		r = connect(fd, (struct sockaddr *)&sun, len);
	}
	if (r != 0) {
		close(fd);
		return own_errno(listening ? "listen" : "connect to", name);
	}
	*out = fd;
	return 0;
}

static int own_unix_listen(const char *name, int *out)
{
	return own_unix_stream(name, 1, out);
}

static int own_unix_connect(const char *name, int *out)
{
	return own_unix_stream(name, 0, out);
}

static int own_accept(int lfd, const char *name, int *out)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return own_errno("accept on", name);
	*out = fd;
	return 0;
}

static int own_kept(int fd, const int *keep, size_t nkeep)
{
	for (size_t i = 0; i < nkeep; i++)
		if (keep[i] == fd)
			return 1;
	return 0;
}

/* Close every descriptor above stderr but the kept ones and the sync
 * pipe: the fd list is read first, as closing while reading the
 * directory would also close the directory's own descriptor. */
static int own_close_others(const int *keep, size_t nkeep, int sync)
{
	int fds[OWN_MAX_FDS];
	size_t n = 0;
	struct dirent *de;
	DIR *d = opendir("/proc/self/fd");

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL && n < OWN_MAX_FDS) {
		char *end = NULL;
		long fd = strtol(de->d_name, &end, 10);
		if (end == de->d_name || *end != '\0' || fd <= 2 ||
		    fd == dirfd(d))
			continue;
		fds[n++] = (int)fd;
	}
	closedir(d);
	for (size_t i = 0; i < n; i++)
		if (fds[i] != sync && !own_kept(fds[i], keep, nkeep))
			close(fds[i]);
	return 0;
}

static _Noreturn void own_child(const struct own *o, const char *comm,
				const int *keep, size_t nkeep, int drop,
				int sync)
{
	int sig = 0;
	int null;

	/* A holder outliving a crashed ownpop would keep its sockets (and
	 * the test's temp dir) busy. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 ||
	    getppid() != o->main_pid)
		_exit(1);
	if (prctl(PR_SET_NAME, comm) != 0) {
		own_errno("PR_SET_NAME", NULL);
		_exit(1);
	}
	/* The test reads "ready" from ownpop's stdout: holders must not keep
	 * that pipe open after ownpop itself is gone. */
	null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (null < 0 || dup2(null, STDOUT_FILENO) < 0) {
		own_errno("cannot open", "/dev/null");
		_exit(1);
	}
	close(null);
	if (own_close_others(keep, nkeep, sync) != 0) {
		own_errno("cannot list", "/proc/self/fd");
		_exit(1);
	}
	if (drop) {
		gid_t gid = (gid_t)o->drop_uid;
		if (setgroups(0, NULL) != 0 || setresgid(gid, gid, gid) != 0 ||
		    setresuid((uid_t)o->drop_uid, (uid_t)o->drop_uid,
			      (uid_t)o->drop_uid) != 0) {
			own_errno("cannot drop privileges", comm);
			_exit(1);
		}
		/* A uid change clears the dumpable flag, which would make
		 * /proc/PID/fd root's even though the process is not. */
		if (prctl(PR_SET_DUMPABLE, 1) != 0) {
			own_errno("PR_SET_DUMPABLE", comm);
			_exit(1);
		}
	}
	if (write(sync, "r", 1) != 1)
		_exit(1);
	close(sync);
	while (sigwait(&o->stop, &sig) != 0)
		;
	_exit(0);
}

/* Fork a holder named comm that keeps only the descriptors in keep; the
 * manifest calls it key. It returns once the child has its name, its
 * privileges and no other descriptor, so a listing taken after "ready"
 * sees the final holders. */
static int own_spawn(struct own *o, const char *key, const char *comm,
		     const int *keep, size_t nkeep, int drop, pid_t *out)
{
	int sync[2];
	pid_t pid;
	char c = 0;
	ssize_t n;

	if (o->nkids == OWN_MAX_KIDS)
		return own_msg("too many holders", comm);
	if (pipe2(sync, O_CLOEXEC) != 0)
		return own_errno("pipe", NULL);
	/* Buffered manifest lines must not be written twice. */
	fflush(o->manifest);
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		close(sync[0]);
		close(sync[1]);
		return own_errno("fork", comm);
	}
	if (pid == 0)
		own_child(o, comm, keep, nkeep, drop, sync[1]);
	close(sync[1]);
	o->kids[o->nkids++] = pid;
	do
		n = read(sync[0], &c, 1);
	while (n < 0 && errno == EINTR);
	close(sync[0]);
	if (n != 1)
		return own_msg("a holder did not start:", comm);
	fprintf(o->manifest, "pid %s %ld\n", key, (long)pid);
	*out = pid;
	return 0;
}

static int own_wait_state(int fd, int state, const char *what)
{
	if (tcpwait_until(fd, state, OWN_WAIT_MS) != 0)
		return own_msg("timed out waiting for", what);
	return 0;
}

/* A client connection to the listener at sin, and its accepted end. */
static int own_tcp_pair(int l, const struct sockaddr_in *sin, int *cli,
			int *srv)
{
	int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int a;

	if (c < 0)
		return own_errno("socket", "AF_INET");
	if (connect(c, (const struct sockaddr *)sin, sizeof(*sin)) != 0) {
		close(c);
		return own_errno("connect to", "the TCP listener");
	}
	a = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	if (a < 0) {
		close(c);
		return own_errno("accept on", "the TCP listener");
	}
	*cli = c;
	*srv = a;
	return 0;
}

static unsigned own_local_port(int fd)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	if (getsockname(fd, (struct sockaddr *)&sin, &len) != 0)
		return 0;
	return ntohs(sin.sin_port);
}

/* A TIME-WAIT socket: the client closes first, the server answers with
 * its own FIN and waits for the last ACK, leaving the client side in
 * TIME-WAIT. Its cookie is taken first, as the time-wait socket inherits
 * it and a cookie only exists once asked for. */
static int own_timewait(struct own *o, int l, const struct sockaddr_in *sin)
{
	uint64_t cookie;
	unsigned port;
	int c, a;

	if (own_tcp_pair(l, sin, &c, &a) != 0)
		return -1;
	cookie = own_cookie(c);
	port = own_local_port(c);
	close(c);
	if (own_wait_state(a, TCP_CLOSE_WAIT, "CLOSE-WAIT") != 0)
		return -1;
	if (shutdown(a, SHUT_WR) != 0)
		return own_errno("shutdown", "the time-wait server side");
	if (own_wait_state(a, TCP_CLOSE, "the final ACK") != 0)
		return -1;
	close(a);
	own_sock(o, "tcp_tw", 0, -1, 0, cookie);
	fprintf(o->manifest, "port tcp_tw %u\n", port);
	return 0;
}

/* A TCP listener shared with a forked child (same fd in both), one
 * established connection whose both ends stay here, one TIME-WAIT. */
static int own_tcp(struct own *o)
{
	struct sockaddr_in sin;
	int one = 1;
	int l, c, a;
	pid_t kid;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)o->port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0)
		return own_errno("socket", "AF_INET");
	if (setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(l, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    listen(l, OWN_TCP_BACKLOG) != 0)
		return own_errno("cannot listen on TCP port", NULL);
	/* Only the listener exists yet, so the child holds just that. */
	if (own_spawn(o, "share", "ownpop-share", &l, 1, 0, &kid) != 0)
		return -1;
	own_sock_fd(o, "tcp_l", o->main_pid, l);
	own_sock_fd(o, "tcp_l_share", kid, l);
	fprintf(o->manifest, "port tcp_l %u\n", o->port);

	if (own_tcp_pair(l, &sin, &c, &a) != 0)
		return -1;
	own_sock_fd(o, "tcp_c", o->main_pid, c);
	own_sock_fd(o, "tcp_a", o->main_pid, a);
	fprintf(o->manifest, "port tcp_c %u\n", own_local_port(c));
	return own_timewait(o, l, &sin);
}

/* srv.sock: a 0660 listener of a chosen group, one accepted connection
 * here, its client and one pending client in "udsclient". */
static int own_server(struct own *o)
{
	char path[PATH_MAX];
	int l, c, a, pc;
	int give[2];
	pid_t kid;

	if (own_path(o, "srv.sock", path, sizeof(path)) != 0)
		return -1;
	unlink(path);
	if (own_unix_listen(path, &l) != 0 || own_remember(o, path) != 0)
		return -1;
	if (chown(path, (uid_t)-1, o->group) != 0)
		return own_errno("chown", path);
	if (chmod(path, 0660) != 0)
		return own_errno("chmod", path);
	if (own_unix_connect(path, &c) != 0 || own_accept(l, path, &a) != 0)
		return -1;
	/* Connected after the accept, so it stays in the queue: Recv-Q 1. */
	if (own_unix_connect(path, &pc) != 0)
		return -1;
	own_sock_fd(o, "srv_l", o->main_pid, l);
	own_sock_fd(o, "srv_a", o->main_pid, a);
	give[0] = c;
	give[1] = pc;
	fprintf(o->manifest, "path srv_l %s\n", path);
	fprintf(o->manifest, "backlog srv_l %d\n", OWN_UNIX_BACKLOG);
	if (own_spawn(o, "udsclient", "udsclient", give, 2, 0, &kid) != 0)
		return -1;
	own_sock_fd(o, "srv_c", kid, c);
	own_sock_fd(o, "srv_p", kid, pc);
	close(c);
	close(pc);
	return 0;
}

/* An abstract listener and its client here; the accepted end held by
 * "abssrv", so the two ends of the pair have different holders. */
static int own_abstract(struct own *o)
{
	char name[64];
	int l, c, a;
	pid_t kid;

	snprintf(name, sizeof(name), "@ownpop-abstract-%ld",
		 (long)o->main_pid);
	if (own_unix_listen(name, &l) != 0 || own_unix_connect(name, &c) != 0 ||
	    own_accept(l, name, &a) != 0)
		return -1;
	fprintf(o->manifest, "name abs_l %s\n", name + 1);
	own_sock_fd(o, "abs_l", o->main_pid, l);
	own_sock_fd(o, "abs_c", o->main_pid, c);
	if (own_spawn(o, "abssrv", "abssrv", &a, 1, 0, &kid) != 0)
		return -1;
	own_sock_fd(o, "abs_a", kid, a);
	close(a);
	return 0;
}

/* One unnamed pair: end "a" handed to a holder named comm (key in the
 * manifest), end "b" kept here. */
static int own_pair(struct own *o, const char *prefix, const char *key,
		    const char *comm, int drop)
{
	char id[32];
	int sv[2];
	pid_t kid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return own_errno("socketpair", prefix);
	snprintf(id, sizeof(id), "%s_b", prefix);
	own_sock_fd(o, id, o->main_pid, sv[1]);
	snprintf(id, sizeof(id), "%s_a", prefix);
	if (own_spawn(o, key, comm, &sv[0], 1, drop, &kid) != 0)
		return -1;
	own_sock_fd(o, id, kid, sv[0]);
	close(sv[0]);
	return 0;
}

/* A socket in flight: sent over a carrier pair with SCM_RIGHTS and closed
 * here, so no process holds it while its peer ("fl_q") is held. */
static int own_inflight(struct own *o)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg;
	struct iovec iov;
	struct cmsghdr *cm;
	char byte = 'f';
	int car[2], fl[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, car) != 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fl) != 0)
		return own_errno("socketpair", "in flight");
	memset(&msg, 0, sizeof(msg));
	memset(&u, 0, sizeof(u));
	iov.iov_base = &byte;
	iov.iov_len = 1;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = u.buf;
	msg.msg_controllen = sizeof(u.buf);
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fl[0], sizeof(int));
	if (sendmsg(car[0], &msg, 0) != 1)
		return own_errno("sendmsg", "SCM_RIGHTS");
	own_sock(o, "fl_p", 0, -1, own_ino(fl[0]), own_cookie(fl[0]));
	close(fl[0]);
	own_sock_fd(o, "fl_q", o->main_pid, fl[1]);
	own_sock_fd(o, "car_a", o->main_pid, car[0]);
	own_sock_fd(o, "car_b", o->main_pid, car[1]);
	return 0;
}

/* Socket files in every state -e tells apart: gone.sock unlinked
 * (missing), swap.sock replaced by a regular file (replaced),
 * priv/priv.sock under a 0700 directory (unknown to other users), and
 * rel.sock bound by a relative path (unknown: relative to what?). */
static int own_files(struct own *o)
{
	char path[PATH_MAX];
	int l, f;

	if (own_path(o, "gone.sock", path, sizeof(path)) != 0)
		return -1;
	unlink(path);
	if (own_unix_listen(path, &l) != 0)
		return -1;
	if (unlink(path) != 0)
		return own_errno("unlink", path);
	own_sock_fd(o, "gone_l", o->main_pid, l);
	fprintf(o->manifest, "path gone_l %s\n", path);

	if (own_path(o, "swap.sock", path, sizeof(path)) != 0)
		return -1;
	unlink(path);
	if (own_unix_listen(path, &l) != 0)
		return -1;
	if (unlink(path) != 0)
		return own_errno("unlink", path);
	f = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (f < 0 || own_remember(o, path) != 0)
		return own_errno("cannot create", path);
	/* The umask is already 022, but the tests depend on this mode. */
	if (fchmod(f, 0644) != 0)
		return own_errno("chmod", path);
	close(f);
	own_sock_fd(o, "swap_l", o->main_pid, l);
	fprintf(o->manifest, "path swap_l %s\n", path);

	if (own_path(o, "priv", o->privdir, sizeof(o->privdir)) != 0)
		return -1;
	if (mkdir(o->privdir, 0700) != 0 && errno != EEXIST) {
		own_errno("mkdir", o->privdir);
		o->privdir[0] = '\0';
		return -1;
	}
	if (chmod(o->privdir, 0700) != 0)
		return own_errno("chmod", o->privdir);
	if (own_path(o, "priv/priv.sock", path, sizeof(path)) != 0)
		return -1;
	unlink(path);
	if (own_unix_listen(path, &l) != 0 || own_remember(o, path) != 0)
		return -1;
	own_sock_fd(o, "priv_l", o->main_pid, l);
	fprintf(o->manifest, "path priv_l %s\n", path);

	if (own_path(o, "rel.sock", path, sizeof(path)) != 0)
		return -1;
	unlink(path);
	if (chdir(o->dir) != 0)
		return own_errno("chdir", o->dir);
	if (own_unix_listen("rel.sock", &l) != 0 ||
	    own_remember(o, path) != 0)
		return -1;
	/* The cwd was only needed for the bind. */
	if (chdir("/") != 0)
		return own_errno("chdir", "/");
	own_sock_fd(o, "rel_l", o->main_pid, l);
	fprintf(o->manifest, "path rel_l rel.sock\n");
	return 0;
}

static void own_cleanup(struct own *o)
{
	for (size_t i = 0; i < o->nkids; i++)
		kill(o->kids[i], SIGTERM);
	for (size_t i = 0; i < o->nkids; i++)
		while (waitpid(o->kids[i], NULL, 0) < 0 && errno == EINTR)
			;
	o->nkids = 0;
	for (size_t i = 0; i < o->npaths; i++)
		unlink(o->paths[i]);
	o->npaths = 0;
	if (o->privdir[0] != '\0')
		rmdir(o->privdir);
}

static void own_usage(FILE *f)
{
	fputs("Usage: ownpop --manifest FILE --dir DIR [--group GID]"
	      " [--port N] [--drop-uid UID]\n"
	      "Build a known population of socket holders, write a manifest,\n"
	      "print \"ready\" and wait for SIGTERM, SIGINT or SIGHUP.\n"
	      "Manifest lines:\n"
	      "  pid KEY PID            a process: main, share (that is\n"
	      "                         ownpop-share), udsclient, abssrv,\n"
	      "                         evil, nobodyend\n"
	      "  sock ID PID FD INO SK  a socket, its holder (pid 0, fd -1:\n"
	      "                         none), inode and cookie (hex)\n"
	      "  path ID PATH | name ID ABSTRACT | port ID N | backlog ID N\n"
	      "--group: group of DIR/srv.sock (default: ours).\n"
	      "--port: the TCP listener on 127.0.0.1 (default 41500), with\n"
	      "a connection tcp_c/tcp_a and a TIME-WAIT tcp_tw.\n"
	      "--drop-uid: add a pair whose end nb_a is held by \"nobodyend\"\n"
	      "running as UID.\n",
	      f);
}

static int own_number(const char *s, unsigned long max, unsigned long *out)
{
	char *end = NULL;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v > max)
		return -1;
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	struct own o;
	const char *manifest = NULL;
	unsigned long v;
	int sig = 0;
	int rc = 1;

	memset(&o, 0, sizeof(o));
	o.group = getgid();
	o.port = 41500;
	o.drop_uid = -1;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(arg, "--help") == 0) {
			own_usage(stdout);
			return 0;
		}
		if (val == NULL) {
			fprintf(stderr, "ownpop: bad argument '%s'\n", arg);
			own_usage(stderr);
			return 2;
		}
		i++;
		if (strcmp(arg, "--dir") == 0) {
			o.dir = val;
		} else if (strcmp(arg, "--manifest") == 0) {
			manifest = val;
		} else if (strcmp(arg, "--group") == 0 &&
			   own_number(val, INT_MAX, &v) == 0) {
			o.group = (gid_t)v;
		} else if (strcmp(arg, "--port") == 0 &&
			   own_number(val, 65535, &v) == 0 && v != 0) {
			o.port = (unsigned)v;
		} else if (strcmp(arg, "--drop-uid") == 0 &&
			   own_number(val, INT_MAX, &v) == 0) {
			o.drop_uid = (long)v;
		} else {
			fprintf(stderr, "ownpop: bad argument '%s %s'\n", arg,
				val);
			own_usage(stderr);
			return 2;
		}
	}
	if (manifest == NULL || o.dir == NULL) {
		own_usage(stderr);
		return 2;
	}
	/* rel.sock is bound from inside DIR, after which the cwd changes. */
	if (o.dir[0] != '/') {
		fprintf(stderr, "ownpop: --dir must be an absolute path\n");
		return 2;
	}

	/* Blocked before any holder is forked: each inherits the mask and
	 * waits for the same signals, and none is lost before sigwait(). */
	sigemptyset(&o.stop);
	sigaddset(&o.stop, SIGTERM);
	sigaddset(&o.stop, SIGINT);
	sigaddset(&o.stop, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &o.stop, NULL) != 0) {
		own_errno("sigprocmask", NULL);
		return 1;
	}
	/* Socket file modes come from the umask: make them known. */
	umask(022);
	o.main_pid = getpid();
	/* The name the tests expect, however the program was started. */
	if (prctl(PR_SET_NAME, "ownpop") != 0) {
		own_errno("PR_SET_NAME", NULL);
		return 1;
	}
	o.manifest = fopen(manifest, "w");
	if (o.manifest == NULL) {
		own_errno("cannot create", manifest);
		return 1;
	}
	fprintf(o.manifest, "pid main %ld\n", (long)o.main_pid);
	if (own_tcp(&o) != 0 || own_server(&o) != 0 || own_abstract(&o) != 0 ||
	    own_pair(&o, "evil", "evil", OWN_EVIL_COMM, 0) != 0)
		goto out;
	if (o.drop_uid >= 0 &&
	    own_pair(&o, "nb", "nobodyend", "nobodyend", 1) != 0)
		goto out;
	if (own_inflight(&o) != 0 || own_files(&o) != 0)
		goto out;
	if (fclose(o.manifest) != 0) {
		o.manifest = NULL;
		own_errno("cannot write", manifest);
		goto out;
	}
	o.manifest = NULL;
	if (puts("ready") == EOF || fflush(stdout) == EOF) {
		own_errno("cannot write to stdout", NULL);
		goto out;
	}
	while (sigwait(&o.stop, &sig) != 0)
		;
	rc = 0;
out:
	if (o.manifest != NULL)
		fclose(o.manifest);
	own_cleanup(&o);
	return rc;
}
