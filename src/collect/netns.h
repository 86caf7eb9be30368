/* netns.h - network namespaces: every one on the host (from the processes'
 * /proc/PID/ns/net and the names under /var/run/netns), -N's NAME|PID|PATH,
 * and a collection run inside others without moving the caller's thread. */
#ifndef SOCKSCOPE_COLLECT_NETNS_H
#define SOCKSCOPE_COLLECT_NETNS_H

#include <stddef.h>
#include <stdint.h>

#include "collect/collect.h"
#include "util/err.h"
#include "util/u64map.h"

#define NETNS_RUN_DIR "/var/run/netns"
/* a row's netns index is 16 bits (struct sock_rec.netns) */
#define NETNS_MAX 65535u
/* "docker:0123456789ab", "k8s:<pod uid>", a systemd unit name */
#define NETNS_LABEL_MAX 256

enum netns_mode {
	NETNS_NONE = 0, /* the caller's namespace; nothing recorded about it */
	NETNS_OWN,      /* the caller's namespace, identified (fields) */
	NETNS_ONE,      /* -N SPEC */
	NETNS_ALL,      /* --all-netns */
};

struct netns_select {
	enum netns_mode mode;
	const char *spec; /* NETNS_ONE: NAME, PID or PATH */
	int labels;       /* work out the container labels */
};

struct netns_info {
	uint64_t ino, dev; /* the nsfs inode: the namespace's identity */
	char *name;        /* under /var/run/netns (the first in order); NULL */
	uint32_t pid;      /* the lowest pid seen in it; 0: none */
	/* the container label all its labelled processes share; NULL when
	 * none, when they disagree, or for the host's namespace */
	char *label;
	int own;     /* the caller's namespace */
	int label_conflict;
	char *path;  /* -N PATH: the nsfs file it was opened by; NULL */
};

struct netns_set {
	struct netns_info *v; /* v[0] is the caller's own with NETNS_ALL */
	size_t n;
	size_t listed;        /* namespaces whose sockets were collected */
	unsigned skipped;     /* namespaces that could not be entered */
	int skip_errno;       /* why (the first one's errno) */
	unsigned long unreadable; /* processes whose namespace was refused */
	char *proc_root;
	/* holders' labels, read once per pid (netns_pid_label) */
	struct u64map pl_map; /* pid -> index in pl */
	char **pl;
	size_t pl_n, pl_cap;
};

/* Check -N's operand before anything runs: a name has no '/' and is not
 * "." or ".."; a PID is digits; a PATH has a '/'. Returns 0, or -1 with
 * err set (a usage error). */
int netns_spec_check(const char *spec, struct sc_err *err);

/* Collect the sockets of the selected namespace(s) through c, in order:
 * the rows of namespace i carry netns = i (struct sock_rec). *out gets
 * the namespaces (free with netns_set_free) unless mode is NETNS_NONE,
 * which is collect_run() alone. Namespaces that cannot be entered are
 * counted in (*out)->skipped, not errors; a dump failing in one of the
 * others becomes a warning. Returns 0, or -1 with err set (for -N: no
 * such namespace, not a namespace, not enterable). */
int netns_collect(const struct netns_select *sel,
		  const struct collect_query *q, const struct collect_opts *o,
		  const struct collect_consumer *c, struct collect_report *rep,
		  struct netns_set **out, struct sc_err *err);

void netns_set_free(struct netns_set *s);

/* The container label of a process from its /proc/PID/cgroup (cached);
 * "" when it has none. */
const char *netns_pid_label(struct netns_set *s, uint32_t pid);

/* The label of one cgroup path ("/system.slice/docker-<64 hex>.scope"):
 * docker:<id12>, podman:<id12>, k8s:<pod uid>, containerd:<id12>,
 * crio:<id12>, else the innermost systemd unit "*.service", else "".
 * Writes a NUL-terminated label into out (cap >= NETNS_LABEL_MAX is
 * always enough) and returns its length. */
size_t netns_cgroup_label(const char *path, size_t len, char *out,
			  size_t cap);

/* The same for the text of a /proc/PID/cgroup file: the cgroup v2 line
 * ("0::PATH") or, on v1, the first line whose path gives a label. */
size_t netns_cgroup_file_label(const char *text, size_t len, char *out,
			       size_t cap);

/* The note for skipped namespaces: "3 network namespaces skipped
 * (entering needs CAP_SYS_ADMIN; run as root)". "" when none. */
void netns_skip_note(const struct netns_set *s, char *out, size_t cap);

/* A socket(domain, type, protocol) created inside namespace idx of s (a
 * netlink socket answers for, and hears, the namespace it was created
 * in; it stays there after the helper thread that entered it is gone).
 * The caller's own namespace (s NULL, or its entry) is not entered.
 * Returns the descriptor, or
 * -1 with err set: err->code EACCES/EPERM when the namespace cannot be
 * entered, ESRCH/ENOENT when it is gone. */
int netns_socket_in(const struct netns_set *s, size_t idx, int domain,
		    int type, int protocol, struct sc_err *err);

#endif
