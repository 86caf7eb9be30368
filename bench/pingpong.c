/* pingpong.c - the smallest honest ping-pong: the reference that
 * `sockscope bench` is checked against (bench/uds-vs-tcp). No sockscope
 * code; build with `cc -O2 bench/pingpong.c -o pingpong`.
 *
 * Usage: pingpong [-p CPU,CPU] TRANSPORT SIZE COUNT [WARMUP]
 *   TRANSPORT  unix, unix-dgram, unix-seqpacket, tcp4, tcp6, udp4, udp6
 *   SIZE       message bytes; COUNT timed round trips; WARMUP untimed
 *              round trips first (default 1000)
 *   -p A,B     run this process on CPU A and the echo process on CPU B
 * Prints one line: TRANSPORT SIZE COUNT SECONDS MIN MEAN P50 P90 P99 MAX
 * (latencies in ns; percentiles nearest-rank over all samples, exact).
 *
 * The same socket setup as sockscope bench (abstract autobind names for
 * Unix sockets, connected datagram sockets, TCP_NODELAY), the same loop:
 * blocking send, recv until the message is whole, one clock_gettime per
 * round trip; the echo end is a forked child in a read-full/write-full
 * loop. Samples go to a preallocated array and are sorted afterwards. */
#define _GNU_SOURCE 1

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "pingpong: %s: %s\n", what, strerror(errno));
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int send_full(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* 1: a whole message; 0: the end (EOF, empty datagram); -1: error */
static int recv_full(int fd, char *p, size_t n, int stream)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = recv(fd, p + got, n - got, 0);

		if (r > 0) {
			if (!stream && (size_t)r != n)
				return -1;
			got += (size_t)r;
		} else if (r == 0) {
			return got == 0 ? 0 : -1;
		} else if (errno != EINTR) {
			return -1;
		}
	}
	return 1;
}

static socklen_t bind_addr(int family, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof *ss);
	if (family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		a->sin_family = AF_INET;
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		return sizeof *a;
	}
	if (family == AF_INET6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
		return sizeof *a;
	}
	ss->ss_family = AF_UNIX; /* autobind: a kernel-chosen abstract name */
	return sizeof(sa_family_t);
}

static int bound(int family, int type, struct sockaddr_storage *ss,
		 socklen_t *len)
{
	int fd = socket(family, type, 0);

	if (fd < 0)
		die("socket");
	if (bind(fd, (struct sockaddr *)ss, bind_addr(family, ss)) < 0)
		die("bind");
	*len = sizeof *ss;
	if (getsockname(fd, (struct sockaddr *)ss, len) < 0)
		die("getsockname");
	return fd;
}

static void pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof set, &set) < 0)
		die("sched_setaffinity");
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t rank(const uint64_t *v, uint64_t n, unsigned permille)
{
	uint64_t r = (n * permille + 999) / 1000;

	return v[r == 0 ? 0 : r - 1];
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int family, type;
	} tr[] = {
		{ "unix", AF_UNIX, SOCK_STREAM },
		{ "unix-dgram", AF_UNIX, SOCK_DGRAM },
		{ "unix-seqpacket", AF_UNIX, SOCK_SEQPACKET },
		{ "tcp4", AF_INET, SOCK_STREAM },
		{ "tcp6", AF_INET6, SOCK_STREAM },
		{ "udp4", AF_INET, SOCK_DGRAM },
		{ "udp6", AF_INET6, SOCK_DGRAM },
	};
	int cpu[2] = { -1, -1 }, family = -1, type = 0, stream, fd[2], st;
	struct sockaddr_storage a0, a1;
	socklen_t l0, l1;
	size_t size;
	uint64_t count, warmup = 1000, *lat, t0, prev, sum;
	char *buf;
	pid_t child;

	if (argc > 2 && strcmp(argv[1], "-p") == 0) {
		if (sscanf(argv[2], "%d,%d", &cpu[0], &cpu[1]) != 2) {
			fprintf(stderr, "pingpong: -p wants CPU,CPU\n");
			return 2;
		}
		argc -= 2;
		argv += 2;
	}
	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: pingpong [-p CPU,CPU] TRANSPORT SIZE "
				"COUNT [WARMUP]\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof tr / sizeof tr[0]; i++)
		if (strcmp(argv[1], tr[i].name) == 0) {
			family = tr[i].family;
			type = tr[i].type;
		}
	size = strtoull(argv[2], NULL, 10);
	count = strtoull(argv[3], NULL, 10);
	if (argc == 5)
		warmup = strtoull(argv[4], NULL, 10);
	if (family < 0 || size == 0 || count == 0) {
		fprintf(stderr, "pingpong: bad transport, size or count\n");
		return 2;
	}
	stream = type == SOCK_STREAM;

	/* both ends connected before the fork */
	if (type == SOCK_DGRAM) {
		fd[0] = bound(family, type, &a0, &l0);
		fd[1] = bound(family, type, &a1, &l1);
		if (connect(fd[0], (struct sockaddr *)&a1, l1) < 0 ||
		    connect(fd[1], (struct sockaddr *)&a0, l0) < 0)
			die("connect");
	} else {
		int lfd = bound(family, type, &a0, &l0);

		if (listen(lfd, 1) < 0)
			die("listen");
		fd[0] = socket(family, type, 0);
		if (fd[0] < 0)
			die("socket");
		if (connect(fd[0], (struct sockaddr *)&a0, l0) < 0)
			die("connect");
		fd[1] = accept(lfd, NULL, NULL);
		if (fd[1] < 0)
			die("accept");
		close(lfd);
		if (family != AF_UNIX) {
			int one = 1;

			if (setsockopt(fd[0], IPPROTO_TCP, TCP_NODELAY, &one,
				       sizeof one) < 0 ||
			    setsockopt(fd[1], IPPROTO_TCP, TCP_NODELAY, &one,
				       sizeof one) < 0)
				die("TCP_NODELAY");
		}
	}

	buf = malloc(size);
	if (buf == NULL)
		die("malloc");
	memset(buf, 'p', size);

	pin(cpu[0]);
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		int rc;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(fd[0]);
		pin(cpu[1]);
		for (;;) {
			rc = recv_full(fd[1], buf, size, stream);
			if (rc == 0)
				_exit(0);
			if (rc < 0 || send_full(fd[1], buf, size) < 0)
				_exit(1);
		}
	}
	close(fd[1]);
	/* written after the fork: no page fault (nor copy-on-write) while
	 * timing */
	lat = malloc(count * sizeof *lat);
	if (lat == NULL)
		die("malloc");
	memset(lat, 0, count * sizeof *lat);

	for (uint64_t i = 0; i < warmup; i++)
		if (send_full(fd[0], buf, size) < 0 ||
		    recv_full(fd[0], buf, size, stream) != 1)
			die("warm-up round trip");
	t0 = now_ns();
	prev = t0;
	for (uint64_t i = 0; i < count; i++) {
		uint64_t t;

		if (send_full(fd[0], buf, size) < 0 ||
		    recv_full(fd[0], buf, size, stream) != 1)
			die("round trip");
		t = now_ns();
		lat[i] = t - prev;
		prev = t;
	}
	sum = prev - t0;

	if (stream)
		shutdown(fd[0], SHUT_WR);
	else
		send(fd[0], "", 0, MSG_NOSIGNAL);
	if (waitpid(child, &st, 0) < 0 || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0) {
		fprintf(stderr, "pingpong: the echo process failed\n");
		return 1;
	}
	close(fd[0]);

	qsort(lat, count, sizeof *lat, cmp_u64);
	printf("%s %zu %llu %.6f %llu %.1f %llu %llu %llu %llu\n", argv[1],
	       size, (unsigned long long)count, (double)sum / 1e9,
	       (unsigned long long)lat[0], (double)sum / (double)count,
	       (unsigned long long)rank(lat, count, 500),
	       (unsigned long long)rank(lat, count, 900),
	       (unsigned long long)rank(lat, count, 990),
	       (unsigned long long)lat[count - 1]);
	free(lat);
	free(buf);
	return 0;
}
