/* fields.h - every named property of a listed socket, in one table: the
 * columns of --output, the keys of --sort and --count-by. Each field has
 * a value (for ordering and grouping) and a display text (escaped, as the
 * table shows it). */
#ifndef SOCKSCOPE_OUTPUT_FIELDS_H
#define SOCKSCOPE_OUTPUT_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#include "model/facts.h"
#include "model/sock.h"
#include "output/addr.h"
#include "util/err.h"
#include "util/sbuf.h"

enum field_id {
	FIELD_NETID,
	FIELD_STATE,
	FIELD_RECV_Q,
	FIELD_SEND_Q,
	FIELD_LOCAL, /* address and port, as the table's Local column */
	FIELD_PEER,
	FIELD_SRC, /* the local address alone (Unix: the name) */
	FIELD_SPORT,
	FIELD_DST,
	FIELD_DPORT,
	FIELD_PROCESS, /* users:(("comm",pid=N,fd=N),...) */
	FIELD_PID,     /* the first holder's (lowest pid, then fd) */
	FIELD_COMM,
	FIELD_UID,
	FIELD_USER,
	FIELD_INODE,
	FIELD_COOKIE,
	FIELD_PATH, /* Unix name: path, @abstract */
	FIELD_FILE, /* ok, replaced, missing, unknown */
	FIELD_MODE,
	FIELD_OWNER,
	FIELD_GROUP,
	FIELD_PEER_PROCESS,
	FIELD_PEER_PID,
	FIELD_PEER_COMM,
	FIELD_PEER_NAME,
	FIELD_PEER_INODE,
	FIELD_TIMER,
	FIELD_FAMILY, /* inet, inet6, unix */
	FIELD_NETNS,  /* network namespace: its name, else its inode */
	FIELD_NETNS_INODE,
	FIELD_CONTAINER, /* docker:ID12, podman:ID12, k8s:POD, UNIT.service */
	FIELD_COUNT
};

/* What a field needs collected besides the kernel's records. */
enum field_need {
	FIELD_NEED_OWNERS = 1u << 0,     /* the /proc scan (-p) */
	FIELD_NEED_PEER_NAMES = 1u << 1, /* facts' peer names (-e) */
	FIELD_NEED_TIMER = 1u << 2,      /* nothing extra today; -o's data */
	FIELD_NEED_NETNS = 1u << 3,      /* the namespaces identified */
	FIELD_NEED_LABELS = 1u << 4,     /* and their container labels */
};

struct fields_ctx {
	struct addr_ctx *addr; /* borrowed */
	struct facts *facts;   /* borrowed */
	unsigned esc_flags;    /* ESC_* for untrusted text */
};

const char *fields_name(enum field_id id);   /* "recv_q" */
const char *fields_header(enum field_id id); /* "Recv-Q" */
const char *fields_help(enum field_id id);   /* one line */
unsigned fields_needs(enum field_id id);
/* Numbers and queues are right-aligned in a table, text left. */
int fields_right_aligned(enum field_id id);

/* Look a name up (exact, lower case). Returns 0 or -1. */
int fields_lookup(const char *name, enum field_id *out);

/* Parse a comma-separated list of field names into out (at most max).
 * what names the option for messages ("--output"). Returns 0, or -1 with
 * err naming the bad entry. Duplicates are allowed. */
int fields_parse_list(const char *list, const char *what, enum field_id *out,
		      size_t max, size_t *n, struct sc_err *err);

/* `--output=help` text: each field, its header and what it is. */
void fields_list_help(struct sbuf *out);

enum field_kind {
	FIELD_V_NONE, /* no value: sorts first, shows "-" */
	FIELD_V_NUM,
	FIELD_V_TEXT, /* raw bytes (not escaped) */
	FIELD_V_ADDR, /* family, then address bytes, then port */
};

#define FIELD_VAL_BUF 128

struct field_val {
	enum field_kind kind;
	uint64_t num;     /* NUM; ADDR: the port */
	const char *text; /* TEXT; ADDR: 16 address bytes */
	size_t len;       /* TEXT */
	uint8_t family;   /* ADDR */
	char buf[FIELD_VAL_BUF]; /* text may point here */
};

/* The value of a field for ordering and grouping. */
void fields_value(struct fields_ctx *c, enum field_id id,
		  const struct sock_rec *r, struct field_val *v);
int fields_val_cmp(const struct field_val *a, const struct field_val *b);

/* Compare two rows on one field (fields_value of each). */
int fields_cmp(struct fields_ctx *c, enum field_id id,
	       const struct sock_rec *a, const struct sock_rec *b);

/* Append the field's display text for r to out: escaped, one cell ("-"
 * when the field has no value here). */
void fields_display(struct fields_ctx *c, enum field_id id,
		    const struct sock_rec *r, struct sbuf *out);

/* ss's holder list: prefix(("comm",pid=N,fd=M),...) for the socket with
 * this inode, the names escaped; unknown when a process we could not read
 * may hold it; nothing (returns 0) when no process holds it. Returns 1
 * when it wrote. */
int fields_holders(struct fields_ctx *c, uint64_t inode, const char *prefix,
		   const char *unknown, struct sbuf *out);

#endif
