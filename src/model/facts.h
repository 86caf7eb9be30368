/* facts.h - what sockscope knows about a socket beyond the kernel's
 * record: who holds it (and its Unix peer), its user's name, the state of
 * a Unix socket's file, its peer's name. Every sink asks here, so the
 * table, JSON and the TUI say the same thing. */
#ifndef SOCKSCOPE_MODEL_FACTS_H
#define SOCKSCOPE_MODEL_FACTS_H

#include <stddef.h>
#include <stdint.h>

#include "collect/netns.h"
#include "collect/owners.h"
#include "model/rows.h"
#include "model/sock.h"

struct facts;

struct facts_opts {
	int owners;     /* holders will be asked for (-p) */
	int peer_names; /* Unix peer names will be asked for (-e) */
	/* the sockets were recorded elsewhere (--replay): the files here
	 * say nothing about them */
	int recorded;
};

/* Never fails (allocation aborts). */
struct facts *facts_new(const struct facts_opts *o);
void facts_free(struct facts *f);

/* Every socket collected goes through here as it arrives (its name is
 * only borrowed for the call): the names of Unix peers are kept. A
 * socket of a restarted dump is seen again, with the same name. */
void facts_see(struct facts *f, const struct sock_rec *r);

/* The network namespaces the rows were listed in (borrowed; NULL: the
 * collection did not identify them). */
void facts_set_netns(struct facts *f, struct netns_set *ns);

/* Namespace idx of the collection (struct sock_rec.netns), or NULL. */
const struct netns_info *facts_netns(const struct facts *f, unsigned idx);

/* The container a socket belongs to: its first holder's that has a label
 * (when holders were scanned), else its namespace's (netns_info.label).
 * NULL when none, or when namespaces were not identified. */
const char *facts_container(struct facts *f, const struct sock_rec *r);

/* The holders, once the scan is done (borrowed; may come after rows). */
void facts_set_owners(struct facts *f, const struct owners *o);
const struct owners *facts_owner_table(const struct facts *f);

enum facts_held {
	FACTS_HELD,    /* *first is the first holder */
	FACTS_NOBODY,  /* no process holds it: TIME-WAIT, in flight, closed */
	FACTS_UNKNOWN, /* it may be held by a process we could not read */
};

/* Who holds the socket with this inode (0: a TIME-WAIT or request
 * socket, which by nature has no holder). */
enum facts_held facts_holders(const struct facts *f, uint64_t inode,
			      const struct owner **first);

/* The sockets of a view whose holders are unknown, and the processes
 * that could not be read. */
unsigned long facts_unknown_in(const struct facts *f,
			       const struct rows_view *v);
unsigned long facts_unreadable_processes(const struct facts *f);

/* The name of a user or group, NULL if it has none. Looked up once. */
const char *facts_user(struct facts *f, uint32_t uid);
const char *facts_group(struct facts *f, uint32_t gid);

enum facts_file_status {
	FACTS_FILE_NONE = 0, /* not bound to a filesystem path */
	FACTS_FILE_OK,       /* the path is this socket's file */
	FACTS_FILE_REPLACED, /* another file sits at the path */
	FACTS_FILE_MISSING,  /* nothing sits at the path */
	FACTS_FILE_UNKNOWN,  /* cannot tell (no access, relative path, /proc,
				replayed) */
};

struct facts_file {
	enum facts_file_status status;
	/* of the file at the path; set for OK and REPLACED */
	uint32_t mode, uid, gid;
};

/* The state of a Unix socket's file (checked once per path). */
void facts_file(struct facts *f, const struct sock_rec *r,
		struct facts_file *out);
const char *facts_file_status_name(enum facts_file_status s);

/* ls -l's form of a mode: 10 characters and a NUL, e.g. "srw-rw----". */
void facts_mode_text(uint32_t mode, char out[11]);

/* The name of the Unix socket with this inode, if it was seen and is
 * named (leading NUL: abstract). NULL otherwise. Needs opts.peer_names. */
const char *facts_unix_name(const struct facts *f, uint64_t inode,
			    size_t *len);

/* Does the kernel's device number (major << 20 | minor, as unix_diag
 * gives it) name the same device as a stat() st_dev? */
int facts_same_dev(uint32_t kernel_dev, uint64_t st_dev);

#endif
