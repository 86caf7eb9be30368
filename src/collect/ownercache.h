/* ownercache.h - the holders of sockets kept from one refresh to the next:
 * each refresh rescans only the processes whose fd table may have changed
 * instead of every /proc/PID/fd. For the live views (the TUI). */
#ifndef SOCKSCOPE_COLLECT_OWNERCACHE_H
#define SOCKSCOPE_COLLECT_OWNERCACHE_H

#include <stdint.h>

#include "collect/owners.h"
#include "util/err.h"
#include "util/u64map.h"

struct ownercache;

/* What the last update did, for the benchmarks and the tests. */
struct ownercache_stats {
	unsigned long processes; /* processes listed */
	unsigned long rescanned; /* whose fd tables were read again */
	int full;                /* every process was read again */
};

/* full_every_ms: read every process again at least this often (0:
 * never), to catch an fd replaced by another without any sign. */
int ownercache_new(const char *proc_root, unsigned threads,
		   uint64_t full_every_ms, struct ownercache **out,
		   struct sc_err *err);
void ownercache_free(struct ownercache *c);

/* The set of socket inodes of this refresh's dump, emptied: the caller
 * adds every inode it dumps before ownercache_update. */
struct u64map *ownercache_live(struct ownercache *c);

/* Bring the holders up to date and build this refresh's table. A
 * process is read again when it is new, its fd count changed, a socket
 * it held left the dump, a socket new in the dump has no known holder
 * (then every process is), or full_every_ms has passed. */
int ownercache_update(struct ownercache *c, uint64_t now_ms,
		      struct owners **out, struct sc_err *err);

const struct ownercache_stats *ownercache_stats(const struct ownercache *c);

#endif
