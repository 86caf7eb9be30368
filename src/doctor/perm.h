/* perm.h - the kernel's permission check, redone in user space so that it
 * can say why: mode bits, POSIX ACLs (the system.posix_acl_access xattr,
 * mask included) and a namei-style walk of a path's components. */
#ifndef SOCKSCOPE_DOCTOR_PERM_H
#define SOCKSCOPE_DOCTOR_PERM_H

#include "util/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

/* The bits asked for, as in the mode's rwx triplets. */
enum perm_want {
	PERM_X = 1u,
	PERM_W = 2u,
	PERM_R = 4u,
};

/* ACL entry tags as the kernel stores them (linux/posix_acl.h). */
enum perm_acl_tag {
	PERM_ACL_USER_OBJ = 0x01,
	PERM_ACL_USER = 0x02,
	PERM_ACL_GROUP_OBJ = 0x04,
	PERM_ACL_GROUP = 0x08,
	PERM_ACL_MASK = 0x10,
	PERM_ACL_OTHER = 0x20,
};

/* More entries than this are refused (the kernel's own limit for ext4 is
 * about 500 in a 4 KiB block). */
#define PERM_ACL_MAX 1024

struct perm_acl_entry {
	uint16_t tag;  /* enum perm_acl_tag */
	uint16_t perm; /* rwx bits */
	uint32_t id;   /* uid or gid for PERM_ACL_USER / PERM_ACL_GROUP */
};

struct perm_acl {
	size_t n;
	struct perm_acl_entry *e; /* owned */
	int mask;                 /* -1: no mask entry */
};

/* Parse the value of a system.posix_acl_access xattr (a little-endian
 * version 2 header, then entries of tag, perm and id) and check it as the
 * kernel's posix_acl_from_xattr() and posix_acl_valid() do: the entries in
 * tag order, exactly one USER_OBJ, GROUP_OBJ and OTHER, a MASK whenever
 * there are named entries, no bits beyond rwx. A header alone is no ACL
 * (n = 0), as for the kernel. Returns 0, or -1 with err set (EINVAL, or
 * EOPNOTSUPP for another version) naming what is malformed; acl is then
 * empty. */
int perm_acl_parse(const void *buf, size_t len, struct perm_acl *acl,
		   struct sc_err *err);
void perm_acl_free(struct perm_acl *acl);

/* "u:alice:rw-" style text of an entry; names come from the caller's
 * lookup into out (cap bytes). */
void perm_acl_entry_text(const struct perm_acl_entry *e, const char *name,
			 char *out, size_t cap);

/* Who asks: uid, groups (the effective gid among them) and whether the
 * kernel would let them past every mode (uid 0: CAP_DAC_OVERRIDE). */
struct perm_who {
	uid_t uid;
	const gid_t *groups;
	size_t ngroups;
	bool root;
};

/* The file as stat() sees it, and its ACL (NULL: none). */
struct perm_file {
	mode_t mode;
	uid_t uid;
	gid_t gid;
	const struct perm_acl *acl;
};

/* The class that decided, as the kernel picks it. */
enum perm_class {
	PERM_BY_ROOT = 0,  /* CAP_DAC_OVERRIDE */
	PERM_BY_OWNER,     /* the file's owner (mode or ACL USER_OBJ) */
	PERM_BY_ACL_USER,  /* a named user entry (u:NAME:), masked */
	PERM_BY_GROUP,     /* the owning group (mode or GROUP_OBJ) */
	PERM_BY_ACL_GROUP, /* a named group entry (g:NAME:), masked */
	PERM_BY_OTHER,     /* everybody else */
};

struct perm_result {
	bool granted;
	enum perm_class by;
	/* the uid or gid of the deciding entry (owner, group, ACL entry) */
	uint32_t id;
	/* the bits that class has, after the mask for masked classes */
	unsigned have;
	/* the bits of the entry before the mask (equal to have when no mask
	 * applies): have != entry means the mask took bits away */
	unsigned entry;
	bool masked;
};

/* Evaluate want (enum perm_want bits) for w on f. */
void perm_check(const struct perm_file *f, const struct perm_who *w,
		unsigned want, struct perm_result *r);

/* A group that, had w been in it, would grant want on f (the owning group
 * or a named ACL group entry, the mask considered); the first such in
 * kernel order. Returns true with *gid set, or false if none would. */
bool perm_granting_group(const struct perm_file *f, unsigned want, gid_t *gid);

/* The name of a class ("owner", "ACL user entry", ...). */
const char *perm_class_name(enum perm_class c);

/* "rwx"-style text of three bits into out (4 bytes). */
void perm_bits_text(unsigned bits, char out[4]);

/* ---- the walk ----------------------------------------------------------- */

enum perm_walk_end {
	PERM_WALK_OK = 0,   /* every component is there and searchable */
	PERM_WALK_MISSING,  /* a component does not exist (ENOENT) */
	PERM_WALK_NOTDIR,   /* a component that must be a directory is not */
	PERM_WALK_NOSEARCH, /* a directory lacks search (x) for the user */
	PERM_WALK_LOOP,     /* too many symbolic links (ELOOP) */
	PERM_WALK_ERROR,    /* lstat() failed otherwise (lerrno) */
};

struct perm_comp {
	char *name;     /* the component ("/" for the root), owned */
	char *path;     /* the full path up to it, owned */
	unsigned depth; /* symbolic links expanded to reach it */
	int lerrno;     /* lstat() failed with this (0: st is valid) */
	struct stat st;
	char *link; /* a symbolic link's target, owned; NULL otherwise */
	/* the ACL (has_acl), or acl_errno when it is there but unreadable
	 * or malformed */
	bool has_acl;
	struct perm_acl acl;
	int acl_errno;
	/* for directories passed through: search (x) as the session has it
	 * and as a new login would (the database's groups) */
	bool searched;
	struct perm_result search, search_db;
};

struct perm_walk {
	struct perm_comp *c;
	size_t n, cap;
	enum perm_walk_end end;
	int end_errno; /* ENOENT, ENOTDIR, EACCES, ELOOP, or lstat's errno */
	/* the component where the walk stops (n when it did not) */
	size_t stop;
	/* the last component, after following links: the file itself
	 * (valid when end is PERM_WALK_OK, or NOSEARCH with found set) */
	bool found;
	size_t file; /* index of the file's component */
	/* the last symbolic link met in the last place of the path (the
	 * file is its target: when that is missing, the link dangles), or
	 * SIZE_MAX */
	size_t final_link;
};

/* Walk path (relative paths from the current directory) as the kernel's
 * lookup would with LOOKUP_FOLLOW, recording each component and its
 * owner, mode, ACL and link target. sess decides where the walk stops;
 * db is evaluated beside it. Past a directory the user cannot search
 * the walk goes on when we can, to report on what lies behind. Returns
 * 0 (the outcome is in w->end), or -1 with err set for a failure of the
 * walk itself (getcwd). */
int perm_walk(const char *path, const struct perm_who *sess,
	      const struct perm_who *db, struct perm_walk *w,
	      struct sc_err *err);
void perm_walk_free(struct perm_walk *w);

/* The perm_file view of a component (its ACL when it has one). */
void perm_comp_file(const struct perm_comp *c, struct perm_file *f);

#endif
