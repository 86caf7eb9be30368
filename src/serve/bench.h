/* bench.h - round trips (or a one-way stream) between this process and a
 * forked echo process over Unix and loopback sockets, timed with nothing
 * in the loop but the socket calls, one clock read and a histogram. */
#ifndef SOCKSCOPE_SERVE_BENCH_H
#define SOCKSCOPE_SERVE_BENCH_H

#include <sched.h> /* cpu_set_t: _GNU_SOURCE comes from config.h */
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/utsname.h>

#include "serve/stats.h"
#include "util/err.h"

enum bench_transport {
	BENCH_UNIX,           /* AF_UNIX SOCK_STREAM */
	BENCH_UNIX_DGRAM,     /* AF_UNIX SOCK_DGRAM, connected */
	BENCH_UNIX_SEQPACKET, /* AF_UNIX SOCK_SEQPACKET */
	BENCH_TCP4,           /* 127.0.0.1, TCP_NODELAY */
	BENCH_TCP6,           /* ::1, TCP_NODELAY */
	BENCH_UDP4,           /* 127.0.0.1, connected */
	BENCH_UDP6,           /* ::1, connected */
	BENCH_TRANSPORTS
};

/* The name on the command line and in the output ("unix", "tcp4", ...). */
const char *bench_transport_name(enum bench_transport t);
/* The transport called name[0..len), or -1. */
int bench_transport_find(const char *name, size_t len);
/* Stream transports deliver bytes, not messages. */
int bench_transport_is_stream(enum bench_transport t);

#define BENCH_SIZES_MAX 16
#define BENCH_SIZE_MAX (16u << 20)
/* the largest UDP payloads: 65535 less the IPv4 and UDP headers, and
 * less the UDP header for IPv6 (its header is not in the length) */
#define BENCH_UDP4_MAX 65507
#define BENCH_UDP6_MAX 65527

struct bench_opts {
	enum bench_transport transports[BENCH_TRANSPORTS];
	unsigned ntransports;
	uint64_t sizes[BENCH_SIZES_MAX];
	unsigned nsizes;
	uint64_t count;       /* round trips (messages with bulk); 0: no limit */
	uint64_t duration_ns; /* 0: no limit */
	uint64_t warmup;      /* untimed round trips first */
	int bulk;             /* stream one way instead of ping-pong */
	int pin;              /* pin_cpu is set */
	unsigned pin_cpu[2];  /* the measuring end's CPU, the echo end's */
};

struct bench_result {
	enum bench_transport transport;
	uint64_t size;
	int bulk;
	int skipped; /* reason says why */
	char reason[200];
	uint64_t elapsed_ns;
	/* ping-pong: round trips timed and their latency in ns */
	uint64_t round_trips;
	uint64_t min_ns, p50_ns, p90_ns, p99_ns, max_ns;
	double mean_ns;
	/* bulk: messages and bytes sent, and the bytes the echo end received
	 * (fewer than sent only over UDP, which drops what it cannot queue) */
	uint64_t sent_msgs, sent_bytes, delivered_msgs, delivered_bytes;
};

/* What the figures were measured under, for the report. */
struct bench_conditions {
	struct utsname uts;
	long cpus_online;
	int cpus_allowed;          /* in this process's affinity mask */
	char allowed_list[128];    /* those CPUs, e.g. "0-3,6" */
	char clocksource[64];      /* "tsc", or "unknown" */
	double clock_read_ns;      /* the cost of one clock_gettime() */
};

void bench_conditions_get(struct bench_conditions *c);

/* 0 if this process may run on cpu, else -1 and a message naming the
 * CPUs it may use. */
int bench_cpu_check(unsigned cpu, struct sc_err *err);

/* State kept across the runs of one invocation: the buffer, the
 * histogram, the measuring end's pinning and the SIGCHLD handler that
 * lets a blocked call notice that the echo process died. */
struct bench_session {
	const struct bench_opts *o;
	char *buf;
	size_t buflen;
	struct stats_hist *hist;
	cpu_set_t saved_cpus;
	int pinned;
	int chld_set;
	struct sigaction old_chld;
};

int bench_begin(struct bench_session *s, const struct bench_opts *o,
		struct sc_err *err);
/* Measure one transport at one size into r (r->skipped and r->reason
 * when it cannot be measured here). -1 with err set on a failure. */
int bench_run(struct bench_session *s, enum bench_transport t, uint64_t size,
	      struct bench_result *r, struct sc_err *err);
void bench_end(struct bench_session *s);

#endif
