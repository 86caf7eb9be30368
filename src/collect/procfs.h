/* procfs.h - the /proc/net fallback: parse /proc/net/{tcp,tcp6,udp,udp6,unix}
 * text into socket records. Used where sock_diag is missing, or with
 * --backend=proc. */
#ifndef SOCKSCOPE_COLLECT_PROCFS_H
#define SOCKSCOPE_COLLECT_PROCFS_H

#include <stddef.h>

#include "collect/collect.h"
#include "model/sock.h"
#include "util/err.h"

/* Answers whether a socket file exists at a path (the path is not
 * NUL-terminated). Returns 1 if a socket file is there, 0 if nothing or
 * something else is, -1 if that cannot be known. The parser of
 * /proc/net/unix uses it to tell a real entry from text that a socket name
 * containing a newline planted in the file. */
typedef int (*procfs_probe_fn)(void *ud, const char *path, size_t len);

struct procfs_stats {
	unsigned long lines;     /* entries accepted */
	unsigned long malformed; /* lines that were not entries */
	unsigned long ambiguous; /* lines that could be socket-name text */
};

/* Parse the text of /proc/net/tcp, tcp6, udp or udp6. netid is
 * SOCK_NETID_TCP or SOCK_NETID_UDP; family is AF_INET or AF_INET6.
 * Calls cb for each entry. Returns 0, or the callback's negative value. */
int procfs_parse_inet(const char *buf, size_t len, enum sock_netid netid,
		      int family, sock_cb cb, void *ud,
		      struct procfs_stats *st);

/* Parse the text of /proc/net/unix. probe may be NULL (nothing is known of
 * the file system: every line that could be name text is treated as such).
 * Returns 0, or the callback's negative value. */
int procfs_parse_unix(const char *buf, size_t len, procfs_probe_fn probe,
		      void *probe_ud, sock_cb cb, void *ud,
		      struct procfs_stats *st);

/* Read one dump's file under proc_root ("/proc" normally) and parse it.
 * Adds warnings to rep (malformed or ambiguous lines). Returns 0, the
 * consumer's negative value, or -1 with err set when the file cannot be
 * read. */
int procfs_collect_dump(const char *proc_root, enum collect_dump dump,
			const struct collect_query *q,
			const struct collect_consumer *c,
			struct collect_report *rep, struct sc_err *err);

#endif
