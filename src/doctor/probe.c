/* probe.c - one connect() in a child process that has become the user: the
 * only way to be sure of what the kernel says, LSMs and firewalls included. */
#include "config.h"

#include "doctor/probe.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* What the child writes back: the stage that failed and its errno. */
enum probe_stage {
	PROBE_ST_DONE = 0, /* the connect (and datagram) happened */
	PROBE_ST_SETGROUPS,
	PROBE_ST_SETGID,
	PROBE_ST_SETUID,
	PROBE_ST_SOCKET,
};

struct probe_msg {
	int stage;
	int outcome; /* enum probe_outcome, for PROBE_ST_DONE */
	int err;
};

static const struct {
	int e;
	const char *name;
} probe_errnos[] = {
	{ EACCES, "EACCES" },
	{ EPERM, "EPERM" },
	{ ENOENT, "ENOENT" },
	{ ENOTDIR, "ENOTDIR" },
	{ ELOOP, "ELOOP" },
	{ ENAMETOOLONG, "ENAMETOOLONG" },
	{ ECONNREFUSED, "ECONNREFUSED" },
	{ EPROTOTYPE, "EPROTOTYPE" },
	{ EAGAIN, "EAGAIN" },
	{ ETIMEDOUT, "ETIMEDOUT" },
	{ EINVAL, "EINVAL" },
	{ ENETUNREACH, "ENETUNREACH" },
	{ EHOSTUNREACH, "EHOSTUNREACH" },
	{ EADDRNOTAVAIL, "EADDRNOTAVAIL" },
	{ ECONNRESET, "ECONNRESET" },
	{ EAFNOSUPPORT, "EAFNOSUPPORT" },
	{ EPROTONOSUPPORT, "EPROTONOSUPPORT" },
	{ EISCONN, "EISCONN" },
	{ EINTR, "EINTR" },
	{ EMFILE, "EMFILE" },
	{ ENFILE, "ENFILE" },
	{ ENOBUFS, "ENOBUFS" },
	{ ENOMEM, "ENOMEM" },
	{ EROFS, "EROFS" },
	{ EIO, "EIO" },
	{ ENETDOWN, "ENETDOWN" },
	{ EADDRINUSE, "EADDRINUSE" },
	{ ENOTSOCK, "ENOTSOCK" },
	{ EOPNOTSUPP, "EOPNOTSUPP" },
	{ ESRCH, "ESRCH" },
};

const char *probe_errno_name(int e)
{
	for (size_t i = 0; i < sizeof(probe_errnos) / sizeof(probe_errnos[0]);
	     i++)
		if (probe_errnos[i].e == e)
			return probe_errnos[i].name;
	return NULL;
}

static int probe_ms(uint64_t ns)
{
	uint64_t ms = (ns + 999999u) / 1000000u;

	return ms > 600000u ? 600000 : (int)ms;
}

/* Wait for a non-blocking connect() to finish; the outcome into m. */
static void probe_wait_connect(int fd, uint64_t timeout_ns, struct probe_msg *m)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	socklen_t sl = sizeof(m->err);
	int r;

	do
		r = poll(&p, 1, probe_ms(timeout_ns));
	while (r < 0 && errno == EINTR);
	if (r == 0) {
		m->outcome = PROBE_TIMEOUT;
		m->err = ETIMEDOUT;
		return;
	}
	if (r < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &m->err, &sl) < 0) {
		m->outcome = PROBE_FAILED;
		m->err = errno;
		return;
	}
	m->outcome = m->err == 0 ? PROBE_CONNECTED : PROBE_FAILED;
}

/* UDP: send one datagram and wait for an answer or an ICMP refusal. */
static void probe_datagram(int fd, uint64_t timeout_ns, struct probe_msg *m)
{
	static const char ping[] = "ping\n";
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char buf[64];
	int r;

	if (send(fd, ping, sizeof(ping) - 1, 0) < 0) {
		m->err = errno;
		m->outcome = m->err == ECONNREFUSED ? PROBE_UDP_REFUSED
						    : PROBE_FAILED;
		return;
	}
	do
		r = poll(&p, 1, probe_ms(timeout_ns));
	while (r < 0 && errno == EINTR);
	if (r == 0) {
		m->outcome = PROBE_UDP_SILENT;
		m->err = 0;
		return;
	}
	if (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0) {
		m->outcome = PROBE_UDP_ANSWERED;
		m->err = 0;
		return;
	}
	m->err = errno;
	m->outcome = m->err == ECONNREFUSED ? PROBE_UDP_REFUSED : PROBE_FAILED;
}

static void probe_child(int wfd, const struct sockaddr *addr, socklen_t len,
			int type, bool udp_probe, const struct probe_as *as,
			uint64_t timeout_ns)
{
	struct probe_msg m = { 0 };
	int fd;

	if (as->switch_user) {
		if (setgroups(as->ngroups, as->groups) < 0) {
			m.stage = PROBE_ST_SETGROUPS;
			goto out;
		}
		if (setgid(as->gid) < 0) {
			m.stage = PROBE_ST_SETGID;
			goto out;
		}
		if (setuid(as->uid) < 0) {
			m.stage = PROBE_ST_SETUID;
			goto out;
		}
	}
	fd = socket(addr->sa_family, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		m.stage = PROBE_ST_SOCKET;
		goto out;
	}
	if (connect(fd, addr, len) == 0) {
		m.outcome = PROBE_CONNECTED;
	} else if (errno == EINPROGRESS) {
		probe_wait_connect(fd, timeout_ns, &m);
	} else {
		m.err = errno;
		m.outcome = PROBE_FAILED;
	}
	if (udp_probe && m.outcome == PROBE_CONNECTED)
		probe_datagram(fd, timeout_ns, &m);
	close(fd);
	if (write(wfd, &m, sizeof(m)) < 0)
		_exit(1);
	_exit(0);
out:
	m.err = errno;
	if (write(wfd, &m, sizeof(m)) < 0)
		_exit(1);
	_exit(1);
}

int probe_connect(const struct sockaddr *addr, socklen_t len, int type,
		  bool udp_probe, const struct probe_as *as,
		  uint64_t timeout_ns, struct probe_result *r,
		  struct sc_err *err)
{
	static const char *const stage_names[] = {
		[PROBE_ST_SETGROUPS] = "setgroups",
		[PROBE_ST_SETGID] = "setgid",
		[PROBE_ST_SETUID] = "setuid",
		[PROBE_ST_SOCKET] = "socket",
	};
	struct probe_msg m = { 0 };
	int pfd[2], status;
	pid_t pid;
	ssize_t n;

	memset(r, 0, sizeof(*r));
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return sc_err_set(err, errno, "cannot make a pipe: %s",
				  strerror(errno));
	/* Anything buffered would be written twice, once by the child. */
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(pfd[0]);
		close(pfd[1]);
		return sc_err_set(err, e, "cannot fork: %s", strerror(e));
	}
	if (pid == 0) {
		close(pfd[0]);
		probe_child(pfd[1], addr, len, type, udp_probe, as, timeout_ns);
	}
	close(pfd[1]);
	do
		n = read(pfd[0], &m, sizeof(m));
	while (n < 0 && errno == EINTR);
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(m))
		return sc_err_set(err, EIO,
				  "the probe process died without "
				  "an answer");
	if (m.stage < PROBE_ST_DONE || m.stage > PROBE_ST_SOCKET)
		return sc_err_set(err, EIO,
				  "the probe process answered "
				  "nonsense");
	if (m.stage != PROBE_ST_DONE)
		return sc_err_set(err, m.err, "the probe's %s() failed: %s",
				  stage_names[m.stage], strerror(m.err));
	r->outcome = (enum probe_outcome)m.outcome;
	r->err = m.err;
	return 0;
}
