/* explain.h - --explain: after the listing, what its states mean in
 * plain words, with the conditions worth acting on (a full accept queue,
 * unread data, a program that does not close its connections, a Unix
 * socket whose file is gone). */
#ifndef SOCKSCOPE_OUTPUT_EXPLAIN_H
#define SOCKSCOPE_OUTPUT_EXPLAIN_H

#include "model/rows.h"
#include "output/fields.h"
#include "util/err.h"
#include "util/json.h"
#include "util/obuf.h"

#define EXPLAIN_SCHEMA_VERSION 1

/* One item per state seen in v, in the kernel's state order, each
 * followed by the conditions found in that state. Text: one line per
 * item, "STATE: text"; nothing for an empty view, and no separator
 * before the first line (the caller puts a blank line after the
 * listing). JSON: {"schema_version":1,"explanations":[{"state":"LISTEN",
 * "kind":"state","count":N,"text":"..."},...]}, kind being "state" or
 * one of "unread", "unacknowledged", "accept_queue_full",
 * "file_missing", "file_replaced"; count is the sockets concerned.
 * Names from outside (paths, commands) are escaped with fc->esc_flags.
 * Holders come from fc->facts when owners were collected (-p); files are
 * checked through fc->facts (may be NULL: no holders, no file checks).
 * v is read, not reordered. Returns 0 (write errors stay in out). */
int explain_write(const struct rows_view *v, struct fields_ctx *fc, int json,
		  struct obuf *out, struct sc_err *err);

/* The explanations as one JSON array value, after the caller's key (the
 * listing's document embeds them). */
void explain_json(const struct rows_view *v, struct fields_ctx *fc,
		  struct json *j);

#endif
