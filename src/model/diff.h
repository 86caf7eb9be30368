/* diff.h - what changed between two snapshots of the sockets: which were
 * born, which changed state, which died. A socket is followed by its
 * inode, by its cookie where it has no inode (TIME-WAIT and request
 * sockets), and by its addresses where it has neither (/proc/net). */
#ifndef SOCKSCOPE_MODEL_DIFF_H
#define SOCKSCOPE_MODEL_DIFF_H

#include <stddef.h>
#include <stdint.h>

#include "collect/netns.h"
#include "model/rows.h"
#include "model/sock.h"
#include "util/u64map.h"

/* No row. */
#define DIFF_NONE SIZE_MAX

/* The rows of one snapshot, indexed by identity. The rows are borrowed
 * and must outlive the index; they must keep their ids (no
 * ROWS_DROP_IDS). */
struct diff_index {
	const struct rows *rows;
	struct u64map ino;    /* (netid, inode) -> row */
	struct u64map cookie; /* cookie -> row (cookies are unique per boot) */
	struct u64map tuple;  /* hash of the addresses and the namespace's
				 inode -> row, for sockets without an inode */
	/* the namespaces the rows' netns index (-N, --all-netns); NULL */
	const struct netns_set *netns;
};

/* Index rs (every row; of two rows with one identity the first wins). */
void diff_index_build(struct diff_index *ix, const struct rows *rs);
/* The same for rows of several namespaces (ns, borrowed, numbers their
 * netns index; a snapshot's, re-enumerated each time): addresses repeat
 * from one namespace to another, so the address keys carry the
 * namespace's inode, and diff_rows() compares two snapshots by it. */
void diff_index_build_ns(struct diff_index *ix, const struct rows *rs,
			 const struct netns_set *ns);
void diff_index_free(struct diff_index *ix);

/* The row of this socket in the index, or DIFF_NONE: by inode, else by
 * cookie (a TCP socket keeps its cookie when it turns into a TIME-WAIT
 * minisocket, which has no inode), else by addresses (and r's namespace,
 * its netns index read in ix's numbering). An inode found with another
 * cookie is a reused inode: another socket. */
size_t diff_index_find(const struct diff_index *ix, const struct sock_rec *r);

/* The row with this cookie (0: none), or DIFF_NONE. */
size_t diff_index_find_cookie(const struct diff_index *ix, uint64_t cookie);

/* The row of a socket without an inode (TIME-WAIT, request socket) with
 * r's netid and addresses, or DIFF_NONE. A TCP socket that turns into a
 * TIME-WAIT minisocket before anyone asked for its cookie leaves the
 * minisocket a cookie of its own: the addresses still tell. */
size_t diff_index_find_minisock(const struct diff_index *ix,
				const struct sock_rec *r);
/* The same for a socket of the namespace with inode ns_ino (r's netns
 * index is not used). */
size_t diff_index_find_minisock_ns(const struct diff_index *ix,
				   const struct sock_rec *r, uint64_t ns_ino);

enum diff_kind {
	DIFF_BORN,  /* in cur only: prev_row is DIFF_NONE */
	DIFF_STATE, /* in both, in another state */
	DIFF_DIED,  /* in prev only: cur_row is DIFF_NONE */
};

/* Called for each change; returns 0 to go on, < 0 to stop (returned). */
typedef int (*diff_cb)(void *ud, enum diff_kind kind, size_t prev_row,
		       size_t cur_row);

/* Compare two snapshots. Births and state changes come in cur's order,
 * then deaths in prev's order. prev may be NULL (nothing known before:
 * no events at all, the first snapshot is the baseline). Returns 0 or the
 * callback's stop value. */
int diff_rows(const struct diff_index *prev, const struct diff_index *cur,
	      diff_cb cb, void *ud);

#endif
