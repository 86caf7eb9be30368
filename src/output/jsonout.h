/* jsonout.h - the listing as JSON (-J/--json): one document
 * {"schema_version":1,"sockets":[...]} or JSON Lines (--json=lines), one
 * socket object per line. Field names are documented in sockscope(8) and
 * only ever added to within a schema version. */
#ifndef SOCKSCOPE_OUTPUT_JSONOUT_H
#define SOCKSCOPE_OUTPUT_JSONOUT_H

#include "model/facts.h"
#include "output/fields.h"
#include "output/sink.h"

#define JSONOUT_SCHEMA_VERSION 1

struct jsonout_opts {
	int lines;     /* JSON Lines instead of one document */
	int processes; /* owners were collected (-p) */
	int info;      /* -i: tcp_info */
	int mem;       /* -m: socket memory */
	struct facts *facts; /* borrowed */
	/* sockets in the view whose holders cannot be known (-p without
	 * root): said in the document, never hidden */
	unsigned long unknown_owners;
	/* --explain: the document gains "explanations" (output/explain) */
	int explain;
	struct fields_ctx *fc; /* borrowed; for explain */
	/* -N, --all-netns: the document gains "netns" (which namespaces,
	 * how many were skipped and why); NULL: null */
	const struct netns_set *netns;
};

/* Never fails (allocation aborts). */
struct sink jsonout_sink_new(const struct jsonout_opts *o);

#endif
