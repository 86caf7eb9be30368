/* bench/runstat.c: runs a command and reports its wall time, CPU time and
 * peak RSS from wait4(), so bench/run needs neither hyperfine nor GNU time. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct runstat_opts {
	long runs;
	const char *out;	/* the child's stdout */
	char **argv;
};

struct runstat_result {
	double wall;
	double user;
	double sys;
	long maxrss_kib;
	int status;		/* exit code, or 128 + signal */
};

static double runstat_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double runstat_tv(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static void runstat_usage(FILE *f)
{
	fputs("Usage: runstat [-n RUNS] [-o FILE] [--] COMMAND [ARG]...\n"
	      "Runs COMMAND RUNS times (default 1) with stdin from /dev/null and\n"
	      "stdout to FILE (default /dev/null); prints one line per run:\n"
	      "  WALL_S USER_S SYS_S MAXRSS_KIB EXIT_STATUS\n",
	      f);
}

static int runstat_parse(int argc, char **argv, struct runstat_opts *o)
{
	int opt;

	while ((opt = getopt(argc, argv, "+n:o:h")) != -1) {
		char *end = NULL;
		switch (opt) {
		case 'n':
			o->runs = strtol(optarg, &end, 10);
			if (end == optarg || *end != '\0' || o->runs < 1)
				return -1;
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'h':
			runstat_usage(stdout);
			exit(0);
		default:
			return -1;
		}
	}
	if (optind >= argc)
		return -1;
	o->argv = argv + optind;
	return 0;
}

/* The fds are opened in the parent so a bad -o path is reported once, and
 * the child only has dup2 and exec left to do between fork and exec. */
static int runstat_once(const struct runstat_opts *o, int in, int out,
			struct runstat_result *r)
{
	struct rusage ru;
	int st = 0;

	double t0 = runstat_now();
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "runstat: fork: %s\n", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		if (dup2(in, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0)
			_exit(126);
		execvp(o->argv[0], o->argv);
		fprintf(stderr, "runstat: cannot run %s: %s\n", o->argv[0], strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &st, 0, &ru) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "runstat: wait4: %s\n", strerror(errno));
			return -1;
		}
	}
	r->wall = runstat_now() - t0;
	r->user = runstat_tv(ru.ru_utime);
	r->sys = runstat_tv(ru.ru_stime);
	r->maxrss_kib = ru.ru_maxrss;
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return 0;
}

int main(int argc, char **argv)
{
	struct runstat_opts o = { .runs = 1, .out = "/dev/null" };
	int failed = 0;

	if (runstat_parse(argc, argv, &o) != 0) {
		runstat_usage(stderr);
		return 2;
	}
	int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int out = open(o.out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (in < 0 || out < 0) {
		fprintf(stderr, "runstat: cannot open %s: %s\n",
			in < 0 ? "/dev/null" : o.out, strerror(errno));
		return 1;
	}
	for (long i = 0; i < o.runs; i++) {
		struct runstat_result r;
		if (runstat_once(&o, in, out, &r) != 0)
			return 1;
		printf("%.6f %.6f %.6f %ld %d\n", r.wall, r.user, r.sys, r.maxrss_kib,
		       r.status);
		if (r.status != 0)
			failed = 1;
	}
	if (fflush(stdout) != 0)
		return 1;
	return failed;
}
