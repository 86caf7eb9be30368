/* snapshot.c - one collection into the model (rows, facts, owners). */
#include "config.h"

#include "collect/snapshot.h"

#include <string.h>
#include <time.h>

/* The consumer of the collection: rows into the model. A dump the kernel
 * restarts drops what it delivered since its begin. */
struct snapshot_fill {
	struct snapshot *s;
	size_t mark;
	struct u64map *live; /* the dumped inodes, for the owner cache */
};

static int snapshot_begin(void *ud, enum collect_dump d)
{
	struct snapshot_fill *c = ud;

	(void)d;
	c->mark = rows_mark(c->s->rows);
	return 0;
}

static int snapshot_discard(void *ud, enum collect_dump d)
{
	struct snapshot_fill *c = ud;

	(void)d;
	rows_rollback(c->s->rows, c->mark);
	return 0;
}

static int snapshot_rec(void *ud, const struct sock_rec *r)
{
	struct snapshot_fill *c = ud;

	facts_see(c->s->facts, r);
	rows_add(c->s->rows, r);
	if (c->live != NULL && r->inode != 0) {
		int added;
		*u64map_put(c->live, r->inode, &added) = 0;
	}
	return 0;
}

int snapshot_take(const struct snapshot_opts *o, struct snapshot *s,
		  struct sc_err *err)
{
	struct snapshot_fill fill = { .s = s };
	struct collect_consumer cons = {
		.ud = &fill,
		.begin = snapshot_begin,
		.discard = snapshot_discard,
		.rec = snapshot_rec,
	};
	struct facts_opts fopts = { 0 };
	struct owners_job *scan = NULL;
	const char *proc_root =
		o->collect.proc_root != NULL ? o->collect.proc_root : "/proc";
	int r;

	memset(s, 0, sizeof *s);
	if (o->owners && o->cache != NULL)
		fill.live = ownercache_live(o->cache);
	/* The owner scan runs on its own threads while the kernel dumps. */
	else if (o->owners && owners_scan_start(proc_root, owners_default_threads(),
					   &scan, err) < 0)
		return -1;
	fopts.owners = o->owners;
	fopts.peer_names = o->peer_names;
	fopts.recorded = o->collect.replay_path != NULL;
	s->facts = facts_new(&fopts);
	s->rows = rows_new(o->rows_drop);
	r = netns_collect(&o->netns, &o->query, &o->collect, &cons,
			  &s->report, &s->netns, err);
	facts_set_netns(s->facts, s->netns);
	if (scan != NULL) {
		owners_scan_finish(scan, &s->owners);
		facts_set_owners(s->facts, s->owners);
	} else if (fill.live != NULL && r == 0) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		r = ownercache_update(o->cache,
				      (uint64_t)ts.tv_sec * 1000u +
					      (uint64_t)ts.tv_nsec / 1000000u,
				      &s->owners, err);
		if (r == 0)
			facts_set_owners(s->facts, s->owners);
	}
	if (r < 0) {
		struct collect_report keep = s->report;

		snapshot_free(s);
		/* the warnings still say what happened before the failure */
		s->report = keep;
		return -1;
	}
	return 0;
}

void snapshot_free(struct snapshot *s)
{
	rows_free(s->rows);
	facts_free(s->facts);
	owners_free(s->owners);
	netns_set_free(s->netns);
	memset(s, 0, sizeof *s);
}
