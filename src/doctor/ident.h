/* ident.h - who the doctor evaluates for: a uid, its primary group, the
 * groups /etc/group gives it and the groups the current session holds
 * (they differ until the user logs in again after `usermod -aG`). */
#ifndef SOCKSCOPE_DOCTOR_IDENT_H
#define SOCKSCOPE_DOCTOR_IDENT_H

#include "util/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define IDENT_NAME_MAX 256

struct ident {
	uid_t uid;
	gid_t gid; /* the primary group (the session's effective gid) */
	/* The user's name ("" if the uid has no passwd entry). */
	char name[IDENT_NAME_MAX];
	bool has_pw; /* a passwd entry was found */
	/* getgrouplist(): the groups a new login would get, primary first. */
	gid_t *db_groups;
	size_t n_db;
	/* The groups this process holds (effective gid first): what a
	 * connect() made now is judged by. For another user (--user) the same
	 * as db_groups: a session of theirs would start from the database. */
	gid_t *sess_groups;
	size_t n_sess;
	bool other_user; /* built by ident_user(): not the caller */
};

/* The calling process: its effective uid and gid, getgroups(), and the
 * database's groups for the same user. Returns 0, or -1 with err set. */
int ident_self(struct ident *id, struct sc_err *err);

/* Another user, by name or by number (a number without a passwd entry is
 * an error: its groups cannot be known). Messages escape the name. */
int ident_user(struct ident *id, const char *user, struct sc_err *err);

void ident_free(struct ident *id);

/* The user's name, or the uid as a number when there is none. */
const char *ident_display(const struct ident *id, char *buf, size_t cap);

bool ident_in_db(const struct ident *id, gid_t gid);
bool ident_in_session(const struct ident *id, gid_t gid);

/* The name of a group or a user into buf (size cap, NUL-terminated);
 * the number when it has none. Returns buf. */
const char *ident_group_name(gid_t gid, char *buf, size_t cap);
const char *ident_user_name(uid_t uid, char *buf, size_t cap);

/* The process at the other end of a socket: its first holder (by pid),
 * how many hold it, and the systemd unit it runs in. */
struct ident_holder {
	bool found;      /* a holder was found */
	bool unreadable; /* some processes' fds could not be read */
	uint32_t pid;
	char comm[64];     /* raw bytes of its command name, NUL-terminated */
	unsigned nholders; /* processes holding the socket */
	char unit[256];    /* "docker.service", or "" */
	bool user_unit;    /* the unit belongs to a user's systemd */
};

/* Scan proc_root for the holders of a socket inode. Returns 0 (h->found
 * says whether any was seen), or -1 with err set if proc_root cannot be
 * read at all. */
int ident_holder_of(const char *proc_root, uint64_t inode,
		    struct ident_holder *h, struct sc_err *err);

/* The systemd unit in the text of /proc/PID/cgroup: the last ".service"
 * of the unified (0::) hierarchy's path, or of name=systemd's. *user_unit
 * tells a unit of a user manager (under user@UID.service). Returns 0 with
 * unit set, or -1 if there is none (a scope, the root, a container). */
int ident_cgroup_unit(const char *buf, size_t len, char *unit, size_t cap,
		      bool *user_unit);

#endif
