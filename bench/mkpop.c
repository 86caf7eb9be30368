/* bench/mkpop.c: builds the benchmark's socket population in the current
 * network namespace and holds it until SIGTERM, so bench/run can time dumps. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* Each client binds a distinct (address, port) pair explicitly: the kernel's
 * ephemeral port search degrades as tens of thousands of ports fill, and
 * explicit pairs can never collide with a TIME-WAIT entry. */
enum {
	MKPOP_LISTEN_PORT = 5000,
	MKPOP_CLIENT_PORT_LO = 20000,
	MKPOP_CLIENT_PORTS = 40000,
	MKPOP_UNIX_LISTENERS_MAX = 2,
	MKPOP_FD_SLACK = 64,
};

struct mkpop_opts {
	long tcp;		/* TCP sockets wanted, listeners not counted */
	long unix_socks;	/* Unix sockets wanted, listeners not counted */
	int listeners;		/* TCP listener ports on 127.0.0.1 */
	const char *dir;	/* where the path-bound Unix listener lives */
};

struct mkpop_plan {
	long conns;		/* established loopback connections (2 sockets each) */
	long tw;		/* connections closed client-first (1 TIME-WAIT each) */
	long upairs;		/* Unix socketpairs */
	long uconns;		/* connections to Unix stream listeners */
};

static int mkpop_fail(const char *what)
{
	fprintf(stderr, "mkpop: %s: %s\n", what, strerror(errno));
	return -1;
}

static int mkpop_parse_long(const char *s, long max, long *out)
{
	char *end = NULL;

	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

static void mkpop_usage(FILE *f)
{
	fputs("Usage: mkpop [--tcp N] [--unix M] [--listeners L] [--dir DIR]\n"
	      "Builds N TCP sockets (90% ESTABLISHED over loopback, 10% TIME-WAIT)\n"
	      "and M Unix sockets, prints 'ready ...' and holds them until SIGTERM.\n",
	      f);
}

static int mkpop_parse(int argc, char **argv, struct mkpop_opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		long v = 0;

		if (strcmp(a, "--help") == 0) {
			mkpop_usage(stdout);
			exit(0);
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "mkpop: option '%s' needs a value\n", a);
			return -1;
		}
		const char *val = argv[++i];
		if (strcmp(a, "--dir") == 0) {
			o->dir = val;
			continue;
		}
		if (mkpop_parse_long(val, 4000000, &v) != 0) {
			fprintf(stderr, "mkpop: invalid value '%s' for %s\n", val, a);
			return -1;
		}
		if (strcmp(a, "--tcp") == 0) {
			o->tcp = v;
		} else if (strcmp(a, "--unix") == 0) {
			o->unix_socks = v;
		} else if (strcmp(a, "--listeners") == 0 && v >= 1 && v <= 1000) {
			o->listeners = (int)v;
		} else {
			fprintf(stderr, "mkpop: bad option '%s'\n", a);
			return -1;
		}
	}
	return 0;
}

static struct mkpop_plan mkpop_plan_make(const struct mkpop_opts *o)
{
	struct mkpop_plan p;

	p.tw = o->tcp / 10;
	p.conns = (o->tcp - p.tw) / 2;
	p.upairs = o->unix_socks / 4;
	p.uconns = (o->unix_socks - 2 * p.upairs) / 2;
	return p;
}

static int mkpop_raise_nofile(rlim_t need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return mkpop_fail("getrlimit(RLIMIT_NOFILE)");
	if (rl.rlim_cur >= need)
		return 0;
	rl.rlim_cur = need;
	if (rl.rlim_max < need)
		rl.rlim_max = need;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
		char what[96];
		snprintf(what, sizeof(what),
			 "cannot raise RLIMIT_NOFILE to %llu (fs.nr_open?)",
			 (unsigned long long)need);
		return mkpop_fail(what);
	}
	return 0;
}

static struct sockaddr_in mkpop_sin(uint32_t host_addr, uint16_t port)
{
	struct sockaddr_in sa;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(host_addr);
	sa.sin_port = htons(port);
	return sa;
}

static int mkpop_tcp_listen(int *fds, int n)
{
	int one = 1;

	for (int i = 0; i < n; i++) {
		struct sockaddr_in sa = mkpop_sin(INADDR_LOOPBACK,
						  (uint16_t)(MKPOP_LISTEN_PORT + i));
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return mkpop_fail("socket(AF_INET)");
		if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0)
			return mkpop_fail("setsockopt(SO_REUSEADDR)");
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
			return mkpop_fail("bind(127.0.0.1 listener)");
		if (listen(fd, 4096) != 0)
			return mkpop_fail("listen(tcp)");
		fds[i] = fd;
	}
	return 0;
}

/* Connection i goes from 127.1.X.1:PORT to listener i % n; returns the
 * client fd in *cfd and the accepted fd in *afd. */
static int mkpop_tcp_connect(long i, const int *lfds, int n, int *cfd, int *afd)
{
	uint32_t src = (127U << 24) | (1U << 16)
		       | ((uint32_t)(i / MKPOP_CLIENT_PORTS) << 8) | 1U;
	struct sockaddr_in from = mkpop_sin(src,
		(uint16_t)(MKPOP_CLIENT_PORT_LO + i % MKPOP_CLIENT_PORTS));
	struct sockaddr_in to = mkpop_sin(INADDR_LOOPBACK,
		(uint16_t)(MKPOP_LISTEN_PORT + i % n));

	int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c < 0)
		return mkpop_fail("socket(AF_INET)");
	if (bind(c, (struct sockaddr *)&from, sizeof(from)) != 0)
		return mkpop_fail("bind(client 127.1.x.1)");
	if (connect(c, (struct sockaddr *)&to, sizeof(to)) != 0)
		return mkpop_fail("connect(127.0.0.1)");
	int a = accept4(lfds[i % n], NULL, NULL, SOCK_CLOEXEC);
	if (a < 0)
		return mkpop_fail("accept4(tcp)");
	*cfd = c;
	*afd = a;
	return 0;
}

static int mkpop_tcp_build(const struct mkpop_plan *p, int listeners)
{
	int lfds[1000];
	int c = -1;
	int a = -1;

	if (mkpop_tcp_listen(lfds, listeners) != 0)
		return -1;
	for (long i = 0; i < p->conns; i++) {
		if (mkpop_tcp_connect(i, lfds, listeners, &c, &a) != 0)
			return -1;
	}
	/* The client closes first so the TIME-WAIT lands on its side, and
	 * these come last because TIME-WAIT only lasts 60 s. */
	for (long i = p->conns; i < p->conns + p->tw; i++) {
		if (mkpop_tcp_connect(i, lfds, listeners, &c, &a) != 0)
			return -1;
		close(c);
		close(a);
	}
	return 0;
}

static int mkpop_unix_listen(const struct sockaddr_un *sa, socklen_t len)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return mkpop_fail("socket(AF_UNIX)");
	if (bind(fd, (const struct sockaddr *)sa, len) != 0)
		return mkpop_fail("bind(unix listener)");
	if (listen(fd, 4096) != 0)
		return mkpop_fail("listen(unix)");
	return fd;
}

/* Builds the Unix half: socketpairs of every type, then connections to a
 * path-bound and an abstract listener so named and unnamed sockets mix. */
static int mkpop_unix_build(const struct mkpop_plan *p, const char *dir)
{
	static const int types[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET };
	struct sockaddr_un sa[MKPOP_UNIX_LISTENERS_MAX];
	socklen_t salen[MKPOP_UNIX_LISTENERS_MAX];
	int lfd[MKPOP_UNIX_LISTENERS_MAX];
	int nl = 0;
	int sv[2];

	for (long i = 0; i < p->upairs; i++) {
		if (socketpair(AF_UNIX, types[i % 3] | SOCK_CLOEXEC, 0, sv) != 0)
			return mkpop_fail("socketpair(AF_UNIX)");
	}
	if (p->uconns == 0)
		return 0;

	memset(sa, 0, sizeof(sa));
	if (dir != NULL) {
		sa[nl].sun_family = AF_UNIX;
		int w = snprintf(sa[nl].sun_path, sizeof(sa[nl].sun_path),
				 "%s/mkpop.sock", dir);
		if (w < 0 || (size_t)w >= sizeof(sa[nl].sun_path)) {
			fprintf(stderr, "mkpop: --dir path too long for a Unix socket\n");
			return -1;
		}
		salen[nl] = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + (size_t)w + 1);
		nl++;
	}
	sa[nl].sun_family = AF_UNIX;
	int w = snprintf(sa[nl].sun_path + 1, sizeof(sa[nl].sun_path) - 1,
			 "sockscope-bench-%ld", (long)getpid());
	salen[nl] = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)w);
	nl++;
	for (int k = 0; k < nl; k++) {
		lfd[k] = mkpop_unix_listen(&sa[k], salen[k]);
		if (lfd[k] < 0)
			return -1;
	}

	for (long i = 0; i < p->uconns; i++) {
		int k = (int)(i % nl);
		int c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (c < 0)
			return mkpop_fail("socket(AF_UNIX)");
		if (connect(c, (struct sockaddr *)&sa[k], salen[k]) != 0)
			return mkpop_fail("connect(unix listener)");
		if (accept4(lfd[k], NULL, NULL, SOCK_CLOEXEC) < 0)
			return mkpop_fail("accept4(unix)");
	}
	return 0;
}

static double mkpop_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct mkpop_opts o = { .tcp = 100000, .unix_socks = 50000, .listeners = 8 };
	sigset_t stop;
	int sig = 0;

	if (mkpop_parse(argc, argv, &o) != 0) {
		mkpop_usage(stderr);
		return 2;
	}
	struct mkpop_plan p = mkpop_plan_make(&o);
	if (p.conns + p.tw > (long)MKPOP_CLIENT_PORTS * 255) {
		fprintf(stderr, "mkpop: --tcp %ld is more than the client address plan allows\n",
			o.tcp);
		return 2;
	}

	/* Block the stop signals before building so a SIGTERM that arrives
	 * mid-build is not lost, and die with the script that started us. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGHUP);
	sigprocmask(SIG_BLOCK, &stop, NULL);
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0) {
		mkpop_fail("prctl(PR_SET_PDEATHSIG)");
		return 1;
	}
	if (getppid() == 1)
		return 1;

	rlim_t need = (rlim_t)(o.listeners + 2 * p.conns + 2 * p.upairs
			       + 2 * p.uconns + MKPOP_FD_SLACK);
	if (mkpop_raise_nofile(need) != 0)
		return 1;

	double t0 = mkpop_now();
	if (mkpop_unix_build(&p, o.dir) != 0)
		return 1;
	double t1 = mkpop_now();
	if (mkpop_tcp_build(&p, o.listeners) != 0)
		return 1;
	double t2 = mkpop_now();

	fprintf(stderr, "mkpop: unix built in %.2f s, tcp in %.2f s\n", t1 - t0, t2 - t1);
	printf("ready tcp_listen=%d tcp_estab=%ld tcp_timewait=%ld unix=%ld\n",
	       o.listeners, 2 * p.conns, p.tw, 2 * p.upairs + 2 * p.uconns);
	if (fflush(stdout) != 0) {
		mkpop_fail("write(stdout)");
		return 1;
	}

	while (sigwait(&stop, &sig) != 0)
		continue;
	return 0;
}
