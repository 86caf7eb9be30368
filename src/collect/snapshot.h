/* snapshot.h - one collection into the model: the kernel's sockets as
 * rows, the facts about them, and (when asked) their holders from /proc,
 * scanned on threads while the kernel dumps. The listing takes one; the
 * live views take one per refresh. */
#ifndef SOCKSCOPE_COLLECT_SNAPSHOT_H
#define SOCKSCOPE_COLLECT_SNAPSHOT_H

#include "collect/collect.h"
#include "collect/netns.h"
#include "collect/ownercache.h"
#include "collect/owners.h"
#include "model/facts.h"
#include "model/rows.h"
#include "util/err.h"

struct snapshot_opts {
	struct collect_query query;
	struct collect_opts collect; /* backend, proc_root, record/replay */
	unsigned rows_drop;          /* enum rows_drop */
	int owners;                  /* scan /proc for the holders */
	/* with owners: keep them from one snapshot to the next, rescanning
	 * only what changed (the live views); NULL scans everything */
	struct ownercache *cache;
	int peer_names;              /* keep Unix peer names (facts) */
	struct netns_select netns;   /* -N, --all-netns */
};

struct snapshot {
	struct rows *rows;
	struct facts *facts;
	struct owners *owners; /* NULL unless asked */
	struct netns_set *netns; /* NULL unless netns.mode is set */
	struct collect_report report;
};

/* Take a snapshot into s (zeroed by the caller or freed before). Returns
 * 0, or -1 with err set; on failure s holds nothing to free. Warnings and
 * interrupted dumps are in s->report. */
int snapshot_take(const struct snapshot_opts *o, struct snapshot *s,
		  struct sc_err *err);

void snapshot_free(struct snapshot *s);

#endif
