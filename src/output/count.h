/* count.h - --count-by=KEYS: the sockets of a view grouped by the values
 * of some fields and counted, as `... | sort | uniq -c | sort -rn` would,
 * but on the values themselves rather than on their text. */
#ifndef SOCKSCOPE_OUTPUT_COUNT_H
#define SOCKSCOPE_OUTPUT_COUNT_H

#include <stddef.h>

#include "model/rows.h"
#include "output/fields.h"
#include "util/err.h"
#include "util/obuf.h"

#define COUNT_SCHEMA_VERSION 1

struct count_opts {
	const enum field_id *keys; /* borrowed; a repeated key counts once */
	size_t nkeys;              /* at least 1 */
	int json;
	int header; /* table: the header line and the Total line */
	struct fields_ctx *fc; /* borrowed */
};

/* Sort v by the keys (v is reordered), group the rows whose values are
 * equal on every key (fields_val_cmp), and write the groups, the largest
 * first, groups of equal size in key order. A group is shown with the
 * display text of its first row.
 *
 * Table: one column per key (header: fields_header), then "Count";
 * columns are single-space separated and padded to their widest cell,
 * numbers right-aligned, no trailing spaces. With the header, a last
 * "Total" line gives the number of sockets counted; without it (-H) only
 * the groups are written, so that the output can be fed to other tools
 * as it is.
 *
 * JSON: one document {"schema_version":1,"count_by":[names],
 * "groups":[{"<name>":value,...,"count":N},...],"total":N}: a key's value
 * is a number for numeric fields (the right-aligned ones: queues, ports,
 * pids, uids, inodes), the raw text for text fields (json_str keeps any
 * bytes valid), the display text for the others (state, netid,
 * addresses), null where the field has no value.
 *
 * Returns 0, or -1 with err set (no keys). Write errors stay in out. */
int count_write(const struct count_opts *o, struct rows_view *v,
		struct obuf *out, struct sc_err *err);

#endif
