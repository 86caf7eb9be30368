/* report.h - what `sockscope why` found: findings with a mark, a verdict
 * with its fix, the predicted errno and the probe's; and its two sinks,
 * text for a terminal and JSON. Texts hold raw bytes (paths, names) and
 * are escaped by the sinks, once. */
#ifndef SOCKSCOPE_DOCTOR_REPORT_H
#define SOCKSCOPE_DOCTOR_REPORT_H

#include "util/obuf.h"
#include "util/sbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REPORT_SCHEMA_VERSION 1

enum report_mark {
	REPORT_OK = 0,
	REPORT_FAIL,
	REPORT_NOTE,
};

/* A structured value of a finding, for JSON (the text says it too). */
struct report_kv {
	const char *key; /* trusted snake_case */
	bool is_num;
	uint64_t num;
	struct sbuf s;
};

/* One line of a namei-style chain. */
struct report_step {
	unsigned depth; /* symbolic links followed to reach it */
	char mode[12];  /* "drwxr-xr-x", "+" after it with an ACL, "?" */
	struct sbuf owner, group, name, target; /* target: of a link */
	bool is_link;
	enum report_mark mark;
	struct sbuf why; /* a short remark, e.g. "no search (x) for alice" */
};

struct report_finding {
	const char *check; /* trusted id: "path", "socket", "write", ... */
	enum report_mark mark;
	struct sbuf text;
	struct report_step *steps;
	size_t nsteps;
	struct report_kv *kv;
	size_t nkv;
};

/* A problem found. Checks add them in the order connect() meets them in
 * the kernel; the verdict names the one of lowest rank (the most basic)
 * first. */
struct report_cause {
	const char *id; /* trusted: "group_missing", "stale", ... */
	int err;        /* what connect() gives for it */
	int rank;
	struct sbuf text, fix;
};

#define REPORT_CAUSES_MAX 8

struct report {
	const char *kind;   /* "unix", "tcp", "udp" */
	struct sbuf target; /* as the user gave it */
	struct sbuf what;   /* e.g. "unix stream socket" */
	struct sbuf user;   /* name, or the number */
	uint32_t uid;
	struct report_finding *f;
	size_t n, cap;
	struct report_cause causes[REPORT_CAUSES_MAX];
	size_t ncauses;
	/* the verdict: cause is a trusted id ("group_missing", "ok", ...) */
	const char *cause;
	struct sbuf verdict, fix; /* fix empty: nothing to do */
	/* what the checks expect connect() to give: 0 for success */
	bool has_prediction;
	int predicted;
	/* the real attempt */
	bool probed;
	int probe_err;          /* 0: it worked */
	const char *probe_call; /* "connect()", for the last line */
	struct sbuf probe_note; /* more about the attempt, or empty */
};

void report_init(struct report *r, const char *kind);
void report_free(struct report *r);

/* A new finding at the end; its text is empty. */
struct report_finding *report_add(struct report *r, const char *check,
				  enum report_mark mark);

/* A new cause (the last one is reused when there are too many). */
struct report_cause *report_cause(struct report *r, const char *id, int err,
				  int rank);

/* The verdict from the causes: the cause of lowest rank (the first of
 * them on a tie), its text and fix, then "Also:" and the others' texts;
 * the prediction is the errno of the first cause added. Without causes:
 * cause "ok", prediction 0, and the verdict text is left to the caller. */
void report_decide(struct report *r);

/* printf() appended to b; the arguments may hold raw bytes (no NULs). */
void report_printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void report_kv_str(struct report_finding *f, const char *key, const char *s,
		   size_t n);
void report_kv_u64(struct report_finding *f, const char *key, uint64_t v);
struct report_step *report_add_step(struct report_finding *f);

/* The finding for check, or NULL. */
const struct report_finding *report_find(const struct report *r,
					 const char *check);

/* The agreement of probe and prediction: 1 agree, 0 differ, -1 unknown. */
int report_agree(const struct report *r);

/* The text form: a header line, the findings ([ ok ], [FAIL], [note])
 * with their chains, the verdict paragraph, the fix and the probe's
 * line; lines wrap before 100 columns. esc_flags for esc_text(). */
void report_write_text(const struct report *r, struct obuf *out,
		       unsigned esc_flags);

/* One JSON document and a newline (schema_version 1). */
void report_write_json(const struct report *r, struct obuf *out);

const char *report_mark_name(enum report_mark m);

#endif
