/* bench/mkpop.c: builds the benchmark's socket population in the current
 * network namespace and holds it until SIGTERM, so bench/run can time dumps. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Each client binds a distinct (address, port) pair explicitly: the kernel's
 * ephemeral port search degrades as tens of thousands of ports fill, and
 * explicit pairs can never collide with a TIME-WAIT entry. */
enum {
	MKPOP_LISTEN_PORT = 5000,
	MKPOP_CLIENT_PORT_LO = 20000,
	MKPOP_CLIENT_PORTS = 40000,
	MKPOP_TCP_LISTENERS_MAX = 256,
	MKPOP_UNIX_LISTENERS = 2,
	MKPOP_FD_SLACK = 64,
	MKPOP_WORKERS_MAX = 4096,
};

struct mkpop_opts {
	long tcp;		/* TCP sockets wanted, listeners not counted */
	long unix_socks;	/* Unix sockets wanted, listeners not counted */
	int listeners;		/* TCP listener ports on 127.0.0.1 */
	long procs;		/* holder processes; 0: as few as RLIMIT_NOFILE allows */
	const char *dir;	/* where the path-bound Unix listener lives */
};

/* The population is a row of units, each costing two fds: TCP connections
 * first, then Unix socketpairs, then connections to Unix listeners. */
struct mkpop_plan {
	long conns;		/* established loopback connections */
	long tw;		/* connections closed client-first (1 TIME-WAIT each) */
	long upairs;		/* Unix socketpairs */
	long uconns;		/* connections to Unix stream listeners */
};

struct mkpop_ctx {
	struct mkpop_plan plan;
	int ntcp;
	int tcp_lfd[MKPOP_TCP_LISTENERS_MAX];
	int nunix;
	int unix_lfd[MKPOP_UNIX_LISTENERS];
	struct sockaddr_un unix_sa[MKPOP_UNIX_LISTENERS];
	socklen_t unix_salen[MKPOP_UNIX_LISTENERS];
	int nworkers;
	pid_t workers[MKPOP_WORKERS_MAX];
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
	fputs("Usage: mkpop [--tcp N] [--unix M] [--listeners L] [--procs P] [--dir DIR]\n"
	      "Builds N TCP sockets (90% ESTABLISHED over loopback, 10% TIME-WAIT,\n"
	      "plus L listeners) and M Unix sockets in the current network namespace,\n"
	      "prints 'ready ...' and holds them until SIGTERM. The sockets are held\n"
	      "by P worker processes, each holding some (default: as few as the\n"
	      "RLIMIT_NOFILE hard limit allows); every worker also holds the listeners.\n",
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
		if (mkpop_parse_long(val, 10000000, &v) != 0) {
			fprintf(stderr, "mkpop: invalid value '%s' for %s\n", val, a);
			return -1;
		}
		if (strcmp(a, "--tcp") == 0) {
			o->tcp = v;
		} else if (strcmp(a, "--unix") == 0) {
			o->unix_socks = v;
		} else if (strcmp(a, "--listeners") == 0 && v >= 1
			   && v <= MKPOP_TCP_LISTENERS_MAX) {
			o->listeners = (int)v;
		} else if (strcmp(a, "--procs") == 0) {
			if (v > MKPOP_WORKERS_MAX) {
				fprintf(stderr, "mkpop: --procs %ld is more than %d\n", v,
					MKPOP_WORKERS_MAX);
				return -1;
			}
			o->procs = v;
		} else {
			fprintf(stderr, "mkpop: bad option '%s'\n", a);
			return -1;
		}
	}
	return 0;
}

/* Raises the soft limit as far as allowed and returns how many units one
 * process can hold; without CAP_SYS_RESOURCE that is bounded by the hard
 * limit, and the caller spreads the units over several processes. */
static long mkpop_units_per_process(rlim_t want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
		mkpop_fail("getrlimit(RLIMIT_NOFILE)");
		return -1;
	}
	if (rl.rlim_max < want) {
		struct rlimit more = { .rlim_cur = want, .rlim_max = want };
		if (setrlimit(RLIMIT_NOFILE, &more) == 0)
			rl = more;
	}
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
		mkpop_fail("setrlimit(RLIMIT_NOFILE)");
		return -1;
	}
	if (rl.rlim_cur <= (rlim_t)MKPOP_FD_SLACK + 2) {
		fprintf(stderr, "mkpop: RLIMIT_NOFILE %llu is too small\n",
			(unsigned long long)rl.rlim_cur);
		return -1;
	}
	return (long)((rl.rlim_cur - MKPOP_FD_SLACK) / 2);
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

static int mkpop_tcp_listen(struct mkpop_ctx *c, int n)
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
		c->tcp_lfd[c->ntcp++] = fd;
	}
	return 0;
}

static int mkpop_unix_listen(struct mkpop_ctx *c, const char *dir)
{
	for (int k = 0; k < MKPOP_UNIX_LISTENERS; k++) {
		struct sockaddr_un *sa = &c->unix_sa[k];
		int w = 0;

		memset(sa, 0, sizeof(*sa));
		sa->sun_family = AF_UNIX;
		if (k == 0 && dir != NULL) {
			w = snprintf(sa->sun_path, sizeof(sa->sun_path), "%s/mkpop.sock", dir);
			if (w < 0 || (size_t)w >= sizeof(sa->sun_path)) {
				fprintf(stderr, "mkpop: --dir path too long for a Unix socket\n");
				return -1;
			}
			w++;	/* the terminating NUL */
		} else {
			w = 1 + snprintf(sa->sun_path + 1, sizeof(sa->sun_path) - 1,
					 "sockscope-bench-%ld-%d", (long)getpid(), k);
		}
		c->unix_salen[k] = (socklen_t)(offsetof(struct sockaddr_un, sun_path)
					       + (size_t)w);
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return mkpop_fail("socket(AF_UNIX)");
		if (bind(fd, (struct sockaddr *)sa, c->unix_salen[k]) != 0)
			return mkpop_fail("bind(unix listener)");
		if (listen(fd, 4096) != 0)
			return mkpop_fail("listen(unix)");
		c->unix_lfd[c->nunix++] = fd;
	}
	return 0;
}

/* Connection i goes from 127.1.X.1:PORT to listener i % n. */
static int mkpop_tcp_connect(const struct mkpop_ctx *c, long i, int *cfd, int *afd)
{
	uint32_t src = (127U << 24) | (1U << 16)
		       | ((uint32_t)(i / MKPOP_CLIENT_PORTS) << 8) | 1U;
	struct sockaddr_in from = mkpop_sin(src,
		(uint16_t)(MKPOP_CLIENT_PORT_LO + i % MKPOP_CLIENT_PORTS));
	struct sockaddr_in to = mkpop_sin(INADDR_LOOPBACK,
		(uint16_t)(MKPOP_LISTEN_PORT + i % c->ntcp));

	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return mkpop_fail("socket(AF_INET)");
	if (bind(fd, (struct sockaddr *)&from, sizeof(from)) != 0)
		return mkpop_fail("bind(client 127.1.x.1)");
	if (connect(fd, (struct sockaddr *)&to, sizeof(to)) != 0)
		return mkpop_fail("connect(127.0.0.1)");
	int a = accept4(c->tcp_lfd[i % c->ntcp], NULL, NULL, SOCK_CLOEXEC);
	if (a < 0)
		return mkpop_fail("accept4(tcp)");
	*cfd = fd;
	*afd = a;
	return 0;
}

static int mkpop_unit(const struct mkpop_ctx *c, long u)
{
	static const int types[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET };
	const struct mkpop_plan *p = &c->plan;
	int sv[2];

	if (u < p->conns)
		return mkpop_tcp_connect(c, u, &sv[0], &sv[1]);
	u -= p->conns;
	if (u < p->upairs) {
		if (socketpair(AF_UNIX, types[u % 3] | SOCK_CLOEXEC, 0, sv) != 0)
			return mkpop_fail("socketpair(AF_UNIX)");
		return 0;
	}
	u -= p->upairs;
	int k = (int)(u % c->nunix);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return mkpop_fail("socket(AF_UNIX)");
	if (connect(fd, (const struct sockaddr *)&c->unix_sa[k], c->unix_salen[k]) != 0)
		return mkpop_fail("connect(unix listener)");
	if (accept4(c->unix_lfd[k], NULL, NULL, SOCK_CLOEXEC) < 0)
		return mkpop_fail("accept4(unix)");
	return 0;
}

/* A worker builds units [lo, hi), says so on the pipe and holds them. The
 * parent starts workers one at a time, so nobody accepts another's
 * connection off the shared listeners. */
static pid_t mkpop_worker(const struct mkpop_ctx *c, long lo, long hi, const sigset_t *stop)
{
	int pfd[2];
	char ok = 0;
	int sig = 0;

	if (pipe2(pfd, O_CLOEXEC) != 0) {
		mkpop_fail("pipe");
		return -1;
	}
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		mkpop_fail("fork");
		return -1;
	}
	if (pid == 0) {
		close(pfd[0]);
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent)
			_exit(1);
		for (long u = lo; u < hi; u++) {
			if (mkpop_unit(c, u) != 0)
				_exit(1);
		}
		if (write(pfd[1], "k", 1) != 1)
			_exit(1);
		close(pfd[1]);
		while (sigwait(stop, &sig) != 0)
			continue;
		_exit(0);
	}
	close(pfd[1]);
	ssize_t n = read(pfd[0], &ok, 1);
	close(pfd[0]);
	if (n != 1) {
		fprintf(stderr, "mkpop: worker for units %ld..%ld failed\n", lo, hi);
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		return -1;
	}
	return pid;
}

static void mkpop_stop_workers(struct mkpop_ctx *c)
{
	for (int i = 0; i < c->nworkers; i++)
		kill(c->workers[i], SIGTERM);
	for (int i = 0; i < c->nworkers; i++)
		waitpid(c->workers[i], NULL, 0);
	c->nworkers = 0;
}

/* With procs set, worker i holds units [i * units / procs, (i + 1) * units /
 * procs): every worker gets some, and no two differ by more than one. */
static int mkpop_build(struct mkpop_ctx *c, long per_proc, long procs, const sigset_t *stop)
{
	const struct mkpop_plan *p = &c->plan;
	long units = p->conns + p->upairs + p->uconns;
	int sv[2];

	for (long lo = 0, i = 1; lo < units; i++) {
		long hi = procs > 0 ? i * units / procs
				    : (lo + per_proc < units ? lo + per_proc : units);
		if (c->nworkers == MKPOP_WORKERS_MAX) {
			fprintf(stderr, "mkpop: more than %d worker processes needed\n",
				MKPOP_WORKERS_MAX);
			return -1;
		}
		pid_t pid = mkpop_worker(c, lo, hi, stop);
		if (pid < 0)
			return -1;
		c->workers[c->nworkers++] = pid;
		lo = hi;
	}
	/* The client closes first so the TIME-WAIT lands on its side, and
	 * these come last because TIME-WAIT only lasts 60 s. */
	for (long i = p->conns; i < p->conns + p->tw; i++) {
		if (mkpop_tcp_connect(c, i, &sv[0], &sv[1]) != 0)
			return -1;
		close(sv[0]);
		close(sv[1]);
	}
	/* The workers hold the listeners too; dropping our copies leaves the
	 * workers as the only holders: exactly P processes hold sockets. */
	if (c->nworkers == 0)
		return 0;
	for (int i = 0; i < c->ntcp; i++)
		close(c->tcp_lfd[i]);
	for (int i = 0; i < c->nunix; i++)
		close(c->unix_lfd[i]);
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
	struct mkpop_ctx c = { .ntcp = 0 };
	sigset_t stop;
	int sig = 0;

	if (mkpop_parse(argc, argv, &o) != 0) {
		mkpop_usage(stderr);
		return 2;
	}
	c.plan.tw = o.tcp / 10;
	c.plan.conns = (o.tcp - c.plan.tw) / 2;
	c.plan.upairs = o.unix_socks / 4;
	c.plan.uconns = (o.unix_socks - 2 * c.plan.upairs) / 2;
	if (c.plan.conns + c.plan.tw > (long)MKPOP_CLIENT_PORTS * 255) {
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

	long units = c.plan.conns + c.plan.upairs + c.plan.uconns;
	if (o.procs > units) {
		fprintf(stderr, "mkpop: --procs %ld is more than the %ld socket pairs to share out\n",
			o.procs, units);
		return 2;
	}
	long want = o.procs > 0 ? (units + o.procs - 1) / o.procs : units;
	long per_proc = mkpop_units_per_process((rlim_t)(2 * want + MKPOP_FD_SLACK + 2
							 + o.listeners + MKPOP_UNIX_LISTENERS));
	if (per_proc < 0)
		return 1;
	if (o.procs > 0 && per_proc < want) {
		fprintf(stderr, "mkpop: RLIMIT_NOFILE lets one process hold %ld socket pairs,"
			" --procs %ld needs %ld\n", per_proc, o.procs, want);
		return 1;
	}

	double t0 = mkpop_now();
	if (mkpop_tcp_listen(&c, o.listeners) != 0 || mkpop_unix_listen(&c, o.dir) != 0)
		return 1;
	if (mkpop_build(&c, per_proc, o.procs, &stop) != 0) {
		mkpop_stop_workers(&c);
		return 1;
	}
	fprintf(stderr, "mkpop: built in %.2f s by %d worker process(es)\n",
		mkpop_now() - t0, c.nworkers);
	printf("ready tcp_listen=%d tcp_estab=%ld tcp_timewait=%ld unix_listen=%d unix=%ld"
	       " procs=%d\n", c.ntcp, 2 * c.plan.conns, c.plan.tw, c.nunix,
	       2 * c.plan.upairs + 2 * c.plan.uconns, c.nworkers);
	if (fflush(stdout) != 0) {
		mkpop_fail("write(stdout)");
		mkpop_stop_workers(&c);
		return 1;
	}

	while (sigwait(&stop, &sig) != 0)
		continue;
	mkpop_stop_workers(&c);
	return 0;
}
