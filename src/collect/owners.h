/* owners.h - which processes hold which sockets: one scan of /proc/PID/fd
 * into a table keyed by socket inode, with each process's command name. */
#ifndef SOCKSCOPE_COLLECT_OWNERS_H
#define SOCKSCOPE_COLLECT_OWNERS_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct owners;

struct owner {
	uint32_t pid;
	int32_t fd;
	uint32_t comm_off; /* command name in the names arena */
	uint16_t comm_len;
	uint32_t next; /* next owner of the same inode, or OWNERS_END */
};

#define OWNERS_END UINT32_MAX

struct owners_stats {
	unsigned long processes;  /* /proc/PID directories seen */
	unsigned long unreadable; /* processes whose fd table was refused */
	unsigned long sockets;    /* socket descriptors found */
};

/* Scan proc_root ("/proc") once, with `threads` worker threads sharing
 * the processes out (0 counts as 1). Processes that exit during the scan
 * are skipped silently; processes whose fd table was refused are counted
 * in stats. Fails only if proc_root itself cannot be read. */
int owners_scan(const char *proc_root, unsigned threads, struct owners **out,
		struct sc_err *err);

/* The same, in two halves: start returns at once with the workers
 * running, so the caller can do other work (dump the sockets) meanwhile;
 * finish waits for them and builds the table. Every started job must be
 * finished. */
struct owners_job;
int owners_scan_start(const char *proc_root, unsigned threads,
		      struct owners_job **job, struct sc_err *err);
int owners_scan_finish(struct owners_job *job, struct owners **out);

/* Building blocks for an incremental scan (collect/ownercache). */

#define OWNERS_COMM_MAX 64 /* bytes of a command name kept */

struct owners_fd {
	uint64_t inode;
	int32_t fd;
};

/* One process's socket descriptors. */
struct owners_fdlist {
	struct owners_fd *v;
	size_t n, cap;
};

/* Open proc_root as a directory. Returns the descriptor, or -1 with err
 * naming the path. */
int owners_open_root(const char *proc_root, struct sc_err *err);
/* A /proc entry's name that is a pid (digits, at most UINT32_MAX): its
 * length, with *pid set; 0 for any other name. */
size_t owners_pid_name(const char *name, uint32_t *pid);

/* Read the socket descriptors of the process whose /proc directory is
 * piddir into out (emptied first), with dents as getdents64's buffer.
 * Returns 0, 1 if the process is gone, or -1 if its fd table was
 * refused. */
int owners_pid_fds(int piddir, char *dents, size_t dents_size,
		   struct owners_fdlist *out);
/* Its command name (at most OWNERS_COMM_MAX bytes, not terminated) from
 * its stat file. Returns 0, or -1 with *len 0. */
int owners_pid_comm(int piddir, char *comm, uint16_t *len);

/* A table built from holders the caller found: room for `holders`
 * holders and `names` bytes of command names; add each process's name
 * once and then its holders with the name's offset. */
struct owners *owners_build_new(size_t holders, size_t names);
uint32_t owners_build_name(struct owners *o, const char *s, size_t n);
void owners_build_add(struct owners *o, uint64_t ino, uint32_t pid,
		      int32_t fd, uint32_t name_off, uint16_t name_len);
void owners_build_stats(struct owners *o, const struct owners_stats *st);

/* Threads worth using on this machine: its online CPUs, at most 4. */
unsigned owners_default_threads(void);
void owners_free(struct owners *o);
const struct owners_stats *owners_stats(const struct owners *o);

/* The owners of a socket inode, in (pid, fd) order; NULL if none known. */
const struct owner *owners_first(const struct owners *o, uint64_t inode);
const struct owner *owners_next(const struct owners *o,
				const struct owner *w);
const char *owners_comm(const struct owners *o, const struct owner *w);

/* Parse the text of /proc/PID/stat: the command name is between the first
 * '(' and the LAST ')' (a name may itself contain ')' or spaces). Returns
 * 0 with *comm and *len set inside buf, or -1 if malformed. */
int owners_parse_stat(const char *buf, size_t len, const char **comm,
		      size_t *comm_len);

/* "socket:[12345]" -> 12345. Returns 0, or -1 if the link is not a
 * socket link or the number is malformed or out of range. */
int owners_parse_link(const char *link, size_t len, uint64_t *inode);

#endif
