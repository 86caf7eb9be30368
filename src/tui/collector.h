/* collector.h - the TUI's collections on a thread of their own, so that
 * keys are answered while the kernel dumps and /proc is read. The loop
 * asks for a snapshot, polls collector_fd with the terminal, and takes
 * the result when the descriptor is readable. */
#ifndef SOCKSCOPE_TUI_COLLECTOR_H
#define SOCKSCOPE_TUI_COLLECTOR_H

#include "collect/snapshot.h"
#include "util/err.h"

#include <stdint.h>

struct collector;

/* o is borrowed for the collector's life; with o->owners the holders are
 * kept between snapshots (collect/ownercache). */
int collector_new(const struct snapshot_opts *o, struct collector **out,
		  struct sc_err *err);
/* Stops the thread, after the collection under way if any. */
void collector_free(struct collector *c);

/* A snapshot taken on the calling thread: the first one, whose failure
 * is reported before the screen is set up. */
int collector_take_now(struct collector *c, unsigned internals,
		       struct snapshot *s, uint64_t *took_ms,
		       struct sc_err *err);

/* Ask for a snapshot with these internals (COLLECT_INT_*). Returns 0, or
 * -1 if one is under way already. */
int collector_request(struct collector *c, unsigned internals);
int collector_busy(struct collector *c);
/* Readable when a requested snapshot is ready. */
int collector_fd(const struct collector *c);
/* Take it: 1 with *s set (the caller frees it), -1 with err set when the
 * collection failed, 0 when none is ready. */
int collector_take(struct collector *c, struct snapshot *s, uint64_t *took_ms,
		   struct sc_err *err);

#endif
