/* bench.c - the measurement behind sockscope bench: a connected socket pair
 * per transport, a forked echo process, and timed loops that hold nothing
 * but blocking send/recv, one clock read per round trip and a histogram. */
#include "config.h"

#include "serve/bench.h"

#include "util/readfile.h"
#include "util/xalloc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct bench_tdesc {
	const char *name;
	int family;
	int type;
	int stream; /* bytes, not messages: reads loop until a message is whole */
};

static const struct bench_tdesc bench_tdesc[BENCH_TRANSPORTS] = {
	[BENCH_UNIX] = { "unix", AF_UNIX, SOCK_STREAM, 1 },
	[BENCH_UNIX_DGRAM] = { "unix-dgram", AF_UNIX, SOCK_DGRAM, 0 },
	[BENCH_UNIX_SEQPACKET] = { "unix-seqpacket", AF_UNIX, SOCK_SEQPACKET,
				   0 },
	[BENCH_TCP4] = { "tcp4", AF_INET, SOCK_STREAM, 1 },
	[BENCH_TCP6] = { "tcp6", AF_INET6, SOCK_STREAM, 1 },
	[BENCH_UDP4] = { "udp4", AF_INET, SOCK_DGRAM, 0 },
	[BENCH_UDP6] = { "udp6", AF_INET6, SOCK_DGRAM, 0 },
};

/* How the echo process ends when it does not end well (its exit code). */
enum bench_child_exit {
	BENCH_CHILD_OK = 0,
	BENCH_CHILD_ORPHAN = 10, /* the parent was gone before PDEATHSIG held */
	BENCH_CHILD_PIN = 11,    /* sched_setaffinity failed */
	BENCH_CHILD_IO = 12,     /* a send or receive failed */
};

/* The echo process as the measuring end sees it. */
struct bench_peer {
	pid_t pid;
	int reaped;
	int status;
};

const char *bench_transport_name(enum bench_transport t)
{
	return bench_tdesc[t].name;
}

int bench_transport_find(const char *name, size_t len)
{
	for (int t = 0; t < BENCH_TRANSPORTS; t++)
		if (strlen(bench_tdesc[t].name) == len &&
		    memcmp(bench_tdesc[t].name, name, len) == 0)
			return t;
	return -1;
}

int bench_transport_is_stream(enum bench_transport t)
{
	return bench_tdesc[t].stream;
}

static uint64_t bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* After EINTR (SIGCHLD has no SA_RESTART): has the echo process ended?
 * The echo process itself passes NULL and just retries. */
static int bench_peer_gone(struct bench_peer *p)
{
	if (p == NULL)
		return 0;
	if (!p->reaped && waitpid(p->pid, &p->status, WNOHANG) == p->pid)
		p->reaped = 1;
	return p->reaped;
}

/* What to do after a failed call: 1 to call again (with *flags), 0 to
 * fail with errno. A wait interrupted by SIGCHLD goes on while the echo
 * process lives; once it has ended, what it sent before may still be
 * queued (the kernel reports the signal even if data came with it), so
 * the call is made again without blocking, and only if that would block
 * is the echo process's end the error (ECHILD). */
static int bench_retry(struct bench_peer *peer, int *flags)
{
	if (errno == EINTR && !bench_peer_gone(peer))
		return 1;
	if (errno == EINTR && *flags == 0) {
		*flags = MSG_DONTWAIT;
		return 1;
	}
	if (*flags != 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR))
		errno = ECHILD;
	return 0;
}

/* All n bytes (one datagram on message transports). 0, or -1 with errno
 * (ECHILD when the echo process ended while this waited). */
static int bench_send_full(int fd, const char *p, size_t n,
			   struct bench_peer *peer)
{
	int flags = 0;

	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL | flags);

		if (w < 0) {
			if (bench_retry(peer, &flags))
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* One whole message of n bytes: on a stream, reads until n bytes came
 * (short reads happen with large messages); on a message transport, one
 * datagram, which must be n bytes. 1 when it came, 0 at the end (EOF, or
 * an empty datagram, before any byte), -1 with errno. */
static int bench_recv_full(int fd, char *p, size_t n, int stream,
			   struct bench_peer *peer)
{
	size_t got = 0;
	int flags = 0;

	while (got < n) {
		ssize_t r = recv(fd, p + got, n - got, flags);

		if (r > 0) {
			if (!stream && (size_t)r != n) {
				errno = EBADMSG;
				return -1;
			}
			got += (size_t)r;
			continue;
		}
		if (r == 0) {
			if (got == 0)
				return 0;
			errno = ECONNRESET;
			return -1;
		}
		if (!bench_retry(peer, &flags))
			return -1;
	}
	return 1;
}

/* The end marker of a message transport: an empty message. */
static int bench_send_end(int fd, struct bench_peer *peer)
{
	int flags = 0;

	while (send(fd, "", 0, MSG_NOSIGNAL | flags) < 0)
		if (!bench_retry(peer, &flags))
			return -1;
	return 0;
}

/* One round trip: the message there and back. */
static int bench_round_trip(int fd, char *buf, size_t size, int stream,
			    struct bench_peer *peer)
{
	int rc;

	if (bench_send_full(fd, buf, size, peer) < 0)
		return -1;
	rc = bench_recv_full(fd, buf, size, stream, peer);
	if (rc == 0) {
		errno = ECONNRESET;
		return -1;
	}
	return rc < 0 ? -1 : 0;
}

/* ---- the socket pair ---------------------------------------------------- */

/* The address to bind: loopback port 0, or for AF_UNIX an autobind (the
 * kernel picks a free abstract name, so there is no path to clean up). */
static socklen_t bench_bind_addr(int family, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof *ss);
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		return sizeof *sin;
	}
	if (family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
		return sizeof *sin6;
	}
	ss->ss_family = AF_UNIX;
	return sizeof(sa_family_t);
}

static int bench_bound_socket(const struct bench_tdesc *d,
			      struct sockaddr_storage *addr, socklen_t *len,
			      const char **step)
{
	int fd;
	socklen_t blen;

	*step = "socket";
	fd = socket(d->family, d->type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	*step = "bind";
	blen = bench_bind_addr(d->family, addr);
	if (bind(fd, (struct sockaddr *)addr, blen) < 0)
		goto fail;
	*step = "getsockname";
	*len = sizeof *addr;
	if (getsockname(fd, (struct sockaddr *)addr, len) < 0)
		goto fail;
	return fd;
fail:
	{
		int e = errno;

		close(fd);
		errno = e;
	}
	return -1;
}

/* fd[0] for the measuring end, fd[1] for the echo end, connected to each
 * other. Returns 0, 1 when the transport is not available here (r says
 * why), or -1 with err set. */
static int bench_pair(enum bench_transport t, int fd[2], struct bench_result *r,
		      struct sc_err *err)
{
	const struct bench_tdesc *d = &bench_tdesc[t];
	struct sockaddr_storage a0, a1;
	socklen_t l0, l1;
	const char *step = "socket";
	int lfd = -1, e;

	fd[0] = fd[1] = -1;
	if (d->type == SOCK_DGRAM) {
		fd[0] = bench_bound_socket(d, &a0, &l0, &step);
		if (fd[0] < 0)
			goto fail;
		fd[1] = bench_bound_socket(d, &a1, &l1, &step);
		if (fd[1] < 0)
			goto fail;
		step = "connect";
		if (connect(fd[0], (struct sockaddr *)&a1, l1) < 0 ||
		    connect(fd[1], (struct sockaddr *)&a0, l0) < 0)
			goto fail;
	} else {
		lfd = bench_bound_socket(d, &a0, &l0, &step);
		if (lfd < 0)
			goto fail;
		step = "listen";
		if (listen(lfd, 1) < 0)
			goto fail;
		step = "socket";
		fd[0] = socket(d->family, d->type | SOCK_CLOEXEC, 0);
		if (fd[0] < 0)
			goto fail;
		/* a loopback or Unix connect completes into the backlog, so
		 * one process can make both ends before the fork */
		step = "connect";
		if (connect(fd[0], (struct sockaddr *)&a0, l0) < 0)
			goto fail;
		step = "accept";
		fd[1] = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd[1] < 0)
			goto fail;
		close(lfd);
		lfd = -1;
	}
	if (d->family != AF_UNIX && d->type == SOCK_STREAM) {
		int one = 1;

		step = "setsockopt TCP_NODELAY";
		if (setsockopt(fd[0], IPPROTO_TCP, TCP_NODELAY, &one,
			       sizeof one) < 0 ||
		    setsockopt(fd[1], IPPROTO_TCP, TCP_NODELAY, &one,
			       sizeof one) < 0)
			goto fail;
	}
	return 0;
fail:
	e = errno;
	if (lfd >= 0)
		close(lfd);
	for (int i = 0; i < 2; i++)
		if (fd[i] >= 0)
			close(fd[i]);
	fd[0] = fd[1] = -1;
	if (d->family == AF_INET6 &&
	    (e == EAFNOSUPPORT || e == EADDRNOTAVAIL || e == ENETUNREACH ||
	     e == EPROTONOSUPPORT)) {
		r->skipped = 1;
		snprintf(r->reason, sizeof r->reason,
			 "IPv6 loopback (::1) is not available: %s: %s", step,
			 strerror(e));
		return 1;
	}
	return sc_err_set(err, e, "%s: %s: %s%s", d->name, step, strerror(e),
			  (e == ENETUNREACH || e == EADDRNOTAVAIL) ?
				  " (is the loopback interface up?)" :
				  "");
}

/* A message transport may refuse a message of this size (UDP's limit is
 * checked before; a Unix datagram must fit the send buffer): try one
 * before the echo process starts, so the answer is a stated skip. */
static int bench_probe(enum bench_transport t, int fd[2], char *buf,
		       uint64_t size, struct bench_result *r,
		       struct sc_err *err)
{
	const char *name = bench_tdesc[t].name;
	struct timeval wait = { 1, 0 }, forever = { 0, 0 };
	ssize_t n;

	if (send(fd[0], buf, size, MSG_NOSIGNAL) < 0) {
		int e = errno, sndbuf = 0;
		socklen_t sl = sizeof sndbuf;

		if (e != EMSGSIZE && e != ENOBUFS)
			return sc_err_set(err, e, "%s: send: %s", name,
					  strerror(e));
		getsockopt(fd[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, &sl);
		r->skipped = 1;
		snprintf(r->reason, sizeof r->reason,
			 "the kernel refuses a %s message of %llu bytes: %s "
			 "(send buffer %d bytes)",
			 name, (unsigned long long)size, strerror(e), sndbuf);
		return 1;
	}
	/* one message in flight cannot be dropped, but a wait that never
	 * ends would be worse than an error */
	if (setsockopt(fd[1], SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait) < 0)
		return sc_err_set(err, errno, "%s: setsockopt SO_RCVTIMEO: %s",
				  name, strerror(errno));
	n = recv(fd[1], buf, size, 0);
	if (n != (ssize_t)size)
		return sc_err_set(err, n < 0 ? errno : EBADMSG,
				  "%s: a %llu-byte test message did not "
				  "arrive whole: %s",
				  name, (unsigned long long)size,
				  n < 0 ? strerror(errno) : "short message");
	/* the echo end waits without a timer: a timed wait costs more */
	if (setsockopt(fd[1], SOL_SOCKET, SO_RCVTIMEO, &forever,
		       sizeof forever) < 0)
		return sc_err_set(err, errno, "%s: setsockopt SO_RCVTIMEO: %s",
				  name, strerror(errno));
	return 0;
}

/* ---- the echo process ----------------------------------------------------- */

/* Ping-pong: a tight read-full/write-full loop until the end (EOF or an
 * empty datagram). Bulk: echo the warm-up round trips, then receive and
 * count until the end, and send the count (messages, bytes) back. */
static void __attribute__((noreturn))
bench_child(const struct bench_session *s, int fd, enum bench_transport t,
	    uint64_t size, pid_t parent)
{
	const struct bench_opts *o = s->o;
	int stream = bench_tdesc[t].stream, rc;
	char *buf = s->buf;
	uint64_t count[2] = { 0, 0 };

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(BENCH_CHILD_ORPHAN);
	if (o->pin) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(o->pin_cpu[1], &set);
		if (sched_setaffinity(0, sizeof set, &set) < 0)
			_exit(BENCH_CHILD_PIN);
	}
	if (!o->bulk) {
		for (;;) {
			rc = bench_recv_full(fd, buf, size, stream, NULL);
			if (rc == 0)
				_exit(BENCH_CHILD_OK);
			if (rc < 0 || bench_send_full(fd, buf, size, NULL) < 0)
				_exit(BENCH_CHILD_IO);
		}
	}
	for (uint64_t i = 0; i < o->warmup; i++)
		if (bench_recv_full(fd, buf, size, stream, NULL) <= 0 ||
		    bench_send_full(fd, buf, size, NULL) < 0)
			_exit(BENCH_CHILD_IO);
	for (;;) {
		/* a stream is read in blocks as large as the buffer */
		ssize_t n = recv(fd, buf, stream ? s->buflen : size, 0);

		if (n > 0) {
			count[0]++;
			count[1] += (uint64_t)n;
		} else if (n == 0) {
			break;
		} else if (errno != EINTR) {
			_exit(BENCH_CHILD_IO);
		}
	}
	if (bench_send_full(fd, (const char *)count, sizeof count, NULL) < 0)
		_exit(BENCH_CHILD_IO);
	_exit(BENCH_CHILD_OK);
}

/* The echo process's end in words, for an error message. */
static void bench_peer_text(const struct bench_session *s,
			    const struct bench_peer *p, char *out, size_t n)
{
	if (!p->reaped) {
		snprintf(out, n, "the echo process did not end");
	} else if (WIFSIGNALED(p->status)) {
		snprintf(out, n, "the echo process was killed by signal %d (%s)",
			 WTERMSIG(p->status), strsignal(WTERMSIG(p->status)));
	} else if (WEXITSTATUS(p->status) == BENCH_CHILD_PIN) {
		snprintf(out, n, "the echo process could not run on CPU %u",
			 s->o->pin_cpu[1]);
	} else if (WEXITSTATUS(p->status) == BENCH_CHILD_IO) {
		snprintf(out, n, "the echo process failed to send or receive");
	} else {
		snprintf(out, n, "the echo process exited with status %d",
			 WEXITSTATUS(p->status));
	}
}

/* Wait up to ms milliseconds for the echo process to end; over UDP the
 * end marker (an empty datagram) is sent again every 10 ms, since a
 * datagram may be dropped. */
static void bench_wait_peer(struct bench_peer *p, int fd, int resend_marker,
			    unsigned ms)
{
	struct timespec tick = { 0, 1000000 };

	for (unsigned i = 0; i < ms && !p->reaped; i++) {
		pid_t w = waitpid(p->pid, &p->status, WNOHANG);

		if (w == p->pid) {
			p->reaped = 1;
			break;
		}
		if (w < 0 && errno != EINTR)
			break;
		if (resend_marker && i % 10 == 9)
			(void)send(fd, "", 0, MSG_NOSIGNAL);
		nanosleep(&tick, NULL);
	}
}

static void bench_kill_peer(struct bench_peer *p)
{
	if (p->reaped)
		return;
	kill(p->pid, SIGKILL);
	while (waitpid(p->pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* ---- the timed loops ------------------------------------------------------ */

static int bench_pingpong(struct bench_session *s, int fd, int stream,
			  size_t size, struct bench_peer *peer,
			  struct bench_result *r)
{
	const struct bench_opts *o = s->o;
	struct stats_hist *h = s->hist;
	char *buf = s->buf;
	uint64_t limit = o->count != 0 ? o->count : UINT64_MAX;
	uint64_t n = 0, t0, prev, now, deadline;

	for (uint64_t i = 0; i < o->warmup; i++)
		if (bench_round_trip(fd, buf, size, stream, peer) < 0)
			return -1;
	t0 = bench_now();
	prev = t0;
	deadline = o->duration_ns != 0 ? t0 + o->duration_ns : UINT64_MAX;
	/* each round trip is the time between two clock reads, so the
	 * latencies add up to the elapsed time exactly */
	while (n < limit) {
		if (bench_round_trip(fd, buf, size, stream, peer) < 0)
			return -1;
		now = bench_now();
		stats_add(h, now - prev);
		prev = now;
		n++;
		if (now >= deadline)
			break;
	}
	r->round_trips = n;
	r->elapsed_ns = prev - t0;
	r->min_ns = h->min;
	r->max_ns = h->max;
	r->p50_ns = stats_percentile(h, 500);
	r->p90_ns = stats_percentile(h, 900);
	r->p99_ns = stats_percentile(h, 990);
	r->mean_ns = stats_mean(h);
	return 0;
}

/* Over UDP the echo process's count is awaited in 1 ms steps, sending the
 * end marker again each step (it is dropped when the receive queue is
 * full); at most this many steps. */
#define BENCH_UDP_END_TRIES 5000

static int bench_bulk(struct bench_session *s, enum bench_transport t, int fd,
		      size_t size, struct bench_peer *peer,
		      struct bench_result *r)
{
	const struct bench_opts *o = s->o;
	int stream = bench_tdesc[t].stream;
	int udp = bench_tdesc[t].family != AF_UNIX && !stream;
	char *buf = s->buf;
	uint64_t limit = o->count != 0 ? o->count : UINT64_MAX;
	uint64_t n = 0, t0, t1, deadline, count[2];
	/* the clock is read about every 64 KiB sent, not every message */
	uint64_t stride = size >= 65536 ? 1 : 65536 / size, left = stride;

	for (uint64_t i = 0; i < o->warmup; i++)
		if (bench_round_trip(fd, buf, size, stream, peer) < 0)
			return -1;
	t0 = bench_now();
	deadline = o->duration_ns != 0 ? t0 + o->duration_ns : UINT64_MAX;
	while (n < limit) {
		if (bench_send_full(fd, buf, size, peer) < 0)
			return -1;
		n++;
		if (--left == 0) {
			if (bench_now() >= deadline)
				break;
			left = stride;
		}
	}
	if (!udp) {
		int rc;

		/* EOF ends a stream; one empty message is enough where
		 * nothing is dropped */
		if (stream ? shutdown(fd, SHUT_WR) : bench_send_end(fd, peer))
			return -1;
		rc = bench_recv_full(fd, (char *)count, sizeof count, stream,
				     peer);
		if (rc == 0)
			errno = ECONNRESET;
		if (rc <= 0)
			return -1;
	} else {
		struct timeval step = { 0, 1000 }, forever = { 0, 0 };
		unsigned tries = 0;
		ssize_t got = -1;

		if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &step,
			       sizeof step) < 0)
			return -1;
		while (got != (ssize_t)sizeof count &&
		       tries++ < BENCH_UDP_END_TRIES) {
			(void)send(fd, "", 0, MSG_NOSIGNAL);
			got = recv(fd, count, sizeof count, 0);
			if (got < 0 && errno == EINTR && bench_peer_gone(peer)) {
				/* its count may have come with the signal */
				got = recv(fd, count, sizeof count,
					   MSG_DONTWAIT);
				if (got != (ssize_t)sizeof count) {
					errno = ECHILD;
					return -1;
				}
			}
		}
		if (got != (ssize_t)sizeof count) {
			errno = ETIMEDOUT;
			return -1;
		}
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &forever,
				 sizeof forever);
	}
	t1 = bench_now();
	r->elapsed_ns = t1 - t0;
	r->sent_msgs = n;
	r->sent_bytes = n * size;
	r->delivered_msgs = stream ? 0 : count[0];
	r->delivered_bytes = count[1];
	if (r->delivered_bytes > r->sent_bytes ||
	    (!udp && r->delivered_bytes != r->sent_bytes)) {
		errno = EBADMSG;
		return -1;
	}
	return 0;
}

/* ---- a run ------------------------------------------------------------------ */

int bench_run(struct bench_session *s, enum bench_transport t, uint64_t size,
	      struct bench_result *r, struct sc_err *err)
{
	const struct bench_tdesc *d = &bench_tdesc[t];
	struct bench_peer peer = { 0 };
	pid_t parent = getpid();
	int fd[2], rc, e;

	memset(r, 0, sizeof *r);
	r->transport = t;
	r->size = size;
	r->bulk = s->o->bulk;
	if ((t == BENCH_UDP4 && size > BENCH_UDP4_MAX) ||
	    (t == BENCH_UDP6 && size > BENCH_UDP6_MAX)) {
		r->skipped = 1;
		snprintf(r->reason, sizeof r->reason,
			 "larger than the largest UDP payload over IPv%c "
			 "(%u bytes)",
			 t == BENCH_UDP4 ? '4' : '6',
			 t == BENCH_UDP4 ? BENCH_UDP4_MAX : BENCH_UDP6_MAX);
		return 0;
	}
	if (size > s->buflen)
		return sc_err_set(err, EINVAL, "%s: size %llu is above %zu",
				  d->name, (unsigned long long)size, s->buflen);
	rc = bench_pair(t, fd, r, err);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (!d->stream) {
		rc = bench_probe(t, fd, s->buf, size, r, err);
		if (rc != 0) {
			close(fd[0]);
			close(fd[1]);
			return rc < 0 ? -1 : 0;
		}
	}
	peer.pid = fork();
	if (peer.pid < 0) {
		e = errno;
		close(fd[0]);
		close(fd[1]);
		return sc_err_set(err, e, "%s: cannot start the echo process: %s",
				  d->name, strerror(e));
	}
	if (peer.pid == 0) {
		close(fd[0]);
		bench_child(s, fd[1], t, size, parent);
	}
	close(fd[1]);
	/* cleared after the fork: written here, its pages are this
	 * process's own before the timing starts (no copy-on-write faults) */
	stats_reset(s->hist);

	if (s->o->bulk)
		rc = bench_bulk(s, t, fd[0], size, &peer, r);
	else
		rc = bench_pingpong(s, fd[0], d->stream, size, &peer, r);
	if (rc < 0) {
		char why[160];

		e = errno;
		/* a dying echo process closes its socket before it can be
		 * waited for: give it a moment, to say how it ended */
		bench_wait_peer(&peer, fd[0], 0, 100);
		if (peer.reaped && (e == ECHILD || e == ECONNRESET ||
				    e == EPIPE || e == ECONNREFUSED ||
				    WIFSIGNALED(peer.status) ||
				    WEXITSTATUS(peer.status) != 0)) {
			bench_peer_text(s, &peer, why, sizeof why);
		} else {
			snprintf(why, sizeof why, "%s", strerror(e));
		}
		bench_kill_peer(&peer);
		close(fd[0]);
		return sc_err_set(err, e, "%s, %llu-byte messages: %s", d->name,
				  (unsigned long long)size, why);
	}
	/* the end: EOF on a stream, an empty message otherwise (the echo
	 * process of a bulk run has ended already) */
	if (!d->stream && !s->o->bulk)
		(void)send(fd[0], "", 0, MSG_NOSIGNAL);
	else if (!s->o->bulk)
		shutdown(fd[0], SHUT_WR);
	bench_wait_peer(&peer, fd[0], d->family != AF_UNIX && !d->stream,
			2000);
	close(fd[0]);
	if (!peer.reaped || !WIFEXITED(peer.status) ||
	    WEXITSTATUS(peer.status) != BENCH_CHILD_OK) {
		char why[160];

		bench_peer_text(s, &peer, why, sizeof why);
		bench_kill_peer(&peer);
		return sc_err_set(err, 0, "%s, %llu-byte messages: %s", d->name,
				  (unsigned long long)size, why);
	}
	return 0;
}

/* ---- the session ------------------------------------------------------------ */

/* Only there to interrupt a blocked send or recv (no SA_RESTART) when the
 * echo process dies, so the measuring end can notice instead of waiting
 * on a datagram that will not come. */
static void bench_on_sigchld(int sig)
{
	(void)sig;
}

int bench_begin(struct bench_session *s, const struct bench_opts *o,
		struct sc_err *err)
{
	static const char ping[4] = { 'p', 'i', 'n', 'g' };
	struct sigaction sa;
	uint64_t largest = 65536;

	memset(s, 0, sizeof *s);
	s->o = o;
	for (unsigned i = 0; i < o->nsizes; i++)
		if (o->sizes[i] > largest)
			largest = o->sizes[i];
	if (largest > BENCH_SIZE_MAX)
		return sc_err_set(err, EINVAL, "message size %llu is above %u",
				  (unsigned long long)largest, BENCH_SIZE_MAX);
	s->buflen = (size_t)largest;
	/* written once here so no page is first touched while timing; the
	 * 4-byte message is the classic "ping" */
	s->buf = xmalloc(s->buflen);
	for (size_t i = 0; i < s->buflen; i++)
		s->buf[i] = ping[i % 4];
	s->hist = xmalloc(sizeof *s->hist);
	stats_reset(s->hist);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = bench_on_sigchld;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_NOCLDSTOP;
	if (sigaction(SIGCHLD, &sa, &s->old_chld) < 0) {
		int e = errno;

		bench_end(s);
		return sc_err_set(err, e, "cannot handle SIGCHLD: %s",
				  strerror(e));
	}
	s->chld_set = 1;
	if (o->pin) {
		cpu_set_t set;

		if (sched_getaffinity(0, sizeof s->saved_cpus,
				      &s->saved_cpus) < 0) {
			int e = errno;

			bench_end(s);
			return sc_err_set(err, e, "sched_getaffinity: %s",
					  strerror(e));
		}
		CPU_ZERO(&set);
		CPU_SET(o->pin_cpu[0], &set);
		if (sched_setaffinity(0, sizeof set, &set) < 0) {
			int e = errno;

			bench_end(s);
			return sc_err_set(err, e, "cannot run on CPU %u: %s",
					  o->pin_cpu[0], strerror(e));
		}
		s->pinned = 1;
	}
	return 0;
}

void bench_end(struct bench_session *s)
{
	if (s->pinned)
		(void)sched_setaffinity(0, sizeof s->saved_cpus,
					&s->saved_cpus);
	s->pinned = 0;
	if (s->chld_set)
		(void)sigaction(SIGCHLD, &s->old_chld, NULL);
	s->chld_set = 0;
	free(s->buf);
	s->buf = NULL;
	free(s->hist);
	s->hist = NULL;
}

/* ---- the conditions --------------------------------------------------------- */

/* "0-3,6" */
static void bench_cpu_list(const cpu_set_t *set, char *out, size_t n)
{
	size_t len = 0;

	out[0] = '\0';
	for (int c = 0; c < CPU_SETSIZE; c++) {
		int last = c;
		int w;

		if (!CPU_ISSET(c, set))
			continue;
		while (last + 1 < CPU_SETSIZE && CPU_ISSET(last + 1, set))
			last++;
		if (last == c)
			w = snprintf(out + len, n - len, "%s%d",
				     len ? "," : "", c);
		else
			w = snprintf(out + len, n - len, "%s%d-%d",
				     len ? "," : "", c, last);
		if (w < 0 || (size_t)w >= n - len) {
			out[len] = '\0';
			return;
		}
		len += (size_t)w;
		c = last;
	}
}

int bench_cpu_check(unsigned cpu, struct sc_err *err)
{
	cpu_set_t set;
	char list[128];

	if (sched_getaffinity(0, sizeof set, &set) < 0)
		return sc_err_set(err, errno, "sched_getaffinity: %s",
				  strerror(errno));
	if (cpu < CPU_SETSIZE && CPU_ISSET(cpu, &set))
		return 0;
	bench_cpu_list(&set, list, sizeof list);
	return sc_err_set(err, EINVAL,
			  "CPU %u is not available (this process may use "
			  "CPUs %s)",
			  cpu, list);
}

void bench_conditions_get(struct bench_conditions *c)
{
	static const char cs_path[] =
		"/sys/devices/system/clocksource/clocksource0/"
		"current_clocksource";
	struct sc_err err;
	cpu_set_t set;
	char *text = NULL;
	size_t len = 0;
	uint64_t best = UINT64_MAX;

	memset(c, 0, sizeof *c);
	if (uname(&c->uts) < 0)
		snprintf(c->uts.sysname, sizeof c->uts.sysname, "unknown");
	c->cpus_online = sysconf(_SC_NPROCESSORS_ONLN);
	if (sched_getaffinity(0, sizeof set, &set) == 0) {
		c->cpus_allowed = CPU_COUNT(&set);
		bench_cpu_list(&set, c->allowed_list, sizeof c->allowed_list);
	}
	snprintf(c->clocksource, sizeof c->clocksource, "unknown");
	if (sc_read_file(cs_path, 256, &text, &len, &err) == 0) {
		len = strcspn(text, "\n");
		if (len > 0 && len < sizeof c->clocksource) {
			memcpy(c->clocksource, text, len);
			c->clocksource[len] = '\0';
		}
	}
	free(text);
	/* the best of a few batches: what a clock read costs when nothing
	 * interferes, which is what each timed round trip pays */
	for (int b = 0; b < 5; b++) {
		uint64_t t0 = bench_now(), t1;

		for (int i = 0; i < 1000; i++)
			(void)bench_now();
		t1 = bench_now();
		if (t1 - t0 < best)
			best = t1 - t0;
	}
	c->clock_read_ns = (double)best / 1001.0;
}
