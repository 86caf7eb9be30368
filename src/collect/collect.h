/* collect.h - gather sockets from the kernel (sock_diag over netlink, or the
 * /proc/net files) and hand each one to a consumer, in ss's table order. */
#ifndef SOCKSCOPE_COLLECT_COLLECT_H
#define SOCKSCOPE_COLLECT_COLLECT_H

#include "model/sock.h"
#include "util/err.h"

enum collect_backend {
	COLLECT_BACKEND_AUTO = 0, /* sock_diag, /proc/net where it is missing */
	COLLECT_BACKEND_NETLINK,  /* sock_diag only */
	COLLECT_BACKEND_PROC,     /* /proc/net only */
};

enum collect_family {
	COLLECT_AF_INET = 1u << 0,
	COLLECT_AF_INET6 = 1u << 1,
};

/* Internals the kernel adds to each socket when asked (they cost it time
 * per socket, so only when shown). */
enum collect_internals {
	COLLECT_INT_INFO = 1u << 0, /* -i: tcp_info and congestion control */
	COLLECT_INT_MEM = 1u << 1,  /* -m: socket memory (skmeminfo) */
};

/* What to list. The first three are sets of bits; an empty set lists
 * nothing. */
struct collect_query {
	unsigned netids;   /* SOCK_NETID_BIT() */
	unsigned states;   /* SOCK_STATE_BIT() */
	unsigned families; /* enum collect_family, for tcp and udp */
	unsigned internals; /* enum collect_internals */
	/* A kernel-side pre-filter for the tcp and udp dumps, per family
	 * ([0] AF_INET, [1] AF_INET6), from filter/bytecode.h; NULL: none.
	 * It may let through more than the filter matches, never less. */
	const unsigned char *bytecode[2];
	size_t bytecode_len[2];
};

/* One dump, i.e. one (table, address family) pair. Numbered for record and
 * replay files; the order is the order of the listing. */
enum collect_dump {
	COLLECT_DUMP_UNIX = 0,
	COLLECT_DUMP_UDP4,
	COLLECT_DUMP_UDP6,
	COLLECT_DUMP_TCP4,
	COLLECT_DUMP_TCP6,
	COLLECT_DUMP_COUNT
};

/* The consumer of a collection. begin() opens a dump; discard() says that
 * what was delivered since the last begin() must be forgotten because the
 * dump is being restarted (the kernel flagged it inconsistent); rec()
 * delivers a socket. Each returns 0, or a negative value to stop. */
struct collect_consumer {
	void *ud;
	int (*begin)(void *ud, enum collect_dump dump);
	int (*discard)(void *ud, enum collect_dump dump);
	sock_cb rec;
};

struct collect_opts {
	enum collect_backend backend;
	const char *proc_root;   /* "/proc" unless redirected for tests */
	const char *record_path; /* write the raw netlink answers here */
	const char *replay_path; /* read netlink answers from here */
	int sequential; /* receive and parse in one thread (no overlap) */
};

struct collect_report {
	unsigned used_proc;   /* dumps served from /proc/net (bit per dump) */
	unsigned interrupted; /* dumps still inconsistent after retries */
	unsigned long long messages; /* netlink messages parsed */
	struct sc_warnings warnings;
};

/* Returns 0, or -1 with err set. Partial results (interrupted dumps, a
 * fallback) are not errors: they are listed in rep. */
int collect_run(const struct collect_query *q, const struct collect_opts *o,
		const struct collect_consumer *c, struct collect_report *rep,
		struct sc_err *err);

/* Which dump a record belongs to, and whether a query wants that dump. */
int collect_dump_wanted(const struct collect_query *q, enum collect_dump d);
const char *collect_dump_name(enum collect_dump d); /* "tcp/IPv4", ... */

/* True if a record passes the query (netid, state, family). Collectors
 * ask the kernel to filter; this catches what the kernel cannot. */
int collect_rec_matches(const struct collect_query *q,
			const struct sock_rec *r);

#endif
