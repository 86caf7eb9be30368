/* perm.c - permission evaluation as fs/namei.c and fs/posix_acl.c do it
 * (mode bits, ACL entries, the mask), and the walk of a path that shows
 * where a lookup stops. */
#include "config.h"

#include "doctor/perm.h"

#include "util/xalloc.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

#define PERM_ACL_VERSION 2
#define PERM_ACL_HDR 4
#define PERM_ACL_ENTRY 8
#define PERM_ACL_XATTR "system.posix_acl_access"
/* the kernel's MAXSYMLINKS */
#define PERM_MAX_LINKS 40
/* components recorded, links expanded included */
#define PERM_MAX_COMPS 1024

/* ---- ACLs --------------------------------------------------------------- */

static uint32_t perm_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint16_t perm_le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

void perm_acl_free(struct perm_acl *acl)
{
	free(acl->e);
	acl->e = NULL;
	acl->n = 0;
	acl->mask = -1;
}

static int perm_acl_bad(struct perm_acl *acl, struct sc_err *err, int code,
			const char *what, size_t i)
{
	perm_acl_free(acl);
	if (i == SIZE_MAX)
		return sc_err_set(err, code, "malformed ACL: %s", what);
	return sc_err_set(err, code, "malformed ACL: entry %zu: %s", i + 1,
			  what);
}

/* posix_acl_valid()'s states: which tags may come next. */
enum perm_acl_state {
	PERM_ST_USER_OBJ,
	PERM_ST_USER,
	PERM_ST_GROUP,
	PERM_ST_OTHER,
	PERM_ST_DONE,
};

int perm_acl_parse(const void *buf, size_t len, struct perm_acl *acl,
		   struct sc_err *err)
{
	const unsigned char *p = buf;
	enum perm_acl_state st = PERM_ST_USER_OBJ;
	bool needs_mask = false;
	size_t n;

	acl->e = NULL;
	acl->n = 0;
	acl->mask = -1;
	if (len < PERM_ACL_HDR)
		return perm_acl_bad(acl, err, EINVAL, "shorter than its header",
				    SIZE_MAX);
	if (perm_le32(p) != PERM_ACL_VERSION)
		return perm_acl_bad(acl, err, EOPNOTSUPP, "not version 2",
				    SIZE_MAX);
	if ((len - PERM_ACL_HDR) % PERM_ACL_ENTRY != 0)
		return perm_acl_bad(acl, err, EINVAL,
				    "size is not a whole number of entries",
				    SIZE_MAX);
	n = (len - PERM_ACL_HDR) / PERM_ACL_ENTRY;
	if (n == 0)
		return 0;
	if (n > PERM_ACL_MAX)
		return perm_acl_bad(acl, err, EINVAL, "too many entries",
				    SIZE_MAX);
	acl->e = xreallocarray(NULL, n, sizeof(*acl->e));
	for (size_t i = 0; i < n; i++) {
		const unsigned char *q = p + PERM_ACL_HDR + i * PERM_ACL_ENTRY;
		struct perm_acl_entry *e = &acl->e[i];

		e->tag = perm_le16(q);
		e->perm = perm_le16(q + 2);
		e->id = perm_le32(q + 4);
		if (e->perm & ~7u)
			return perm_acl_bad(acl, err, EINVAL,
					    "permission bits beyond rwx", i);
		switch (e->tag) {
		case PERM_ACL_USER_OBJ:
			if (st != PERM_ST_USER_OBJ)
				return perm_acl_bad(acl, err, EINVAL,
						    "user:: out of place", i);
			st = PERM_ST_USER;
			break;
		case PERM_ACL_USER:
			if (st != PERM_ST_USER)
				return perm_acl_bad(acl, err, EINVAL,
						    "user: out of place", i);
			needs_mask = true;
			break;
		case PERM_ACL_GROUP_OBJ:
			if (st != PERM_ST_USER)
				return perm_acl_bad(acl, err, EINVAL,
						    "group:: out of place", i);
			st = PERM_ST_GROUP;
			break;
		case PERM_ACL_GROUP:
			if (st != PERM_ST_GROUP)
				return perm_acl_bad(acl, err, EINVAL,
						    "group: out of place", i);
			needs_mask = true;
			break;
		case PERM_ACL_MASK:
			if (st != PERM_ST_GROUP)
				return perm_acl_bad(acl, err, EINVAL,
						    "mask:: out of place", i);
			acl->mask = e->perm;
			st = PERM_ST_OTHER;
			break;
		case PERM_ACL_OTHER:
			if (st != PERM_ST_OTHER &&
			    !(st == PERM_ST_GROUP && !needs_mask))
				return perm_acl_bad(
					acl, err, EINVAL,
					needs_mask && st == PERM_ST_GROUP
						? "named entries "
						  "without a mask"
						: "other:: out of "
						  "place",
					i);
			st = PERM_ST_DONE;
			break;
		default:
			return perm_acl_bad(acl, err, EINVAL, "unknown tag", i);
		}
		if (st == PERM_ST_DONE && i + 1 < n)
			return perm_acl_bad(acl, err, EINVAL,
					    "entries after other::", i + 1);
	}
	if (st != PERM_ST_DONE)
		return perm_acl_bad(acl, err, EINVAL,
				    "no user::, group:: and other:: entries",
				    SIZE_MAX);
	acl->n = n;
	return 0;
}

void perm_bits_text(unsigned bits, char out[4])
{
	out[0] = (bits & PERM_R) ? 'r' : '-';
	out[1] = (bits & PERM_W) ? 'w' : '-';
	out[2] = (bits & PERM_X) ? 'x' : '-';
	out[3] = '\0';
}

void perm_acl_entry_text(const struct perm_acl_entry *e, const char *name,
			 char *out, size_t cap)
{
	char bits[4];
	const char *kind;

	perm_bits_text(e->perm, bits);
	switch (e->tag) {
	case PERM_ACL_USER_OBJ:
	case PERM_ACL_USER:
		kind = "u";
		break;
	case PERM_ACL_GROUP_OBJ:
	case PERM_ACL_GROUP:
		kind = "g";
		break;
	case PERM_ACL_MASK:
		kind = "m";
		break;
	default:
		kind = "o";
		break;
	}
	if (e->tag == PERM_ACL_USER || e->tag == PERM_ACL_GROUP)
		snprintf(out, cap, "%s:%s:%s", kind, name, bits);
	else
		snprintf(out, cap, "%s::%s", kind, bits);
}

/* ---- evaluation --------------------------------------------------------- */

static bool perm_in_group(const struct perm_who *w, gid_t gid)
{
	for (size_t i = 0; i < w->ngroups; i++)
		if (w->groups[i] == gid)
			return true;
	return false;
}

/* posix_acl_permission(), with the deciding entry kept. */
static void perm_check_acl(const struct perm_file *f, const struct perm_who *w,
			   unsigned want, struct perm_result *r)
{
	const struct perm_acl *acl = f->acl;
	unsigned mask = acl->mask >= 0 ? (unsigned)acl->mask : 7u;
	bool found = false;

	for (size_t i = 0; i < acl->n; i++) {
		const struct perm_acl_entry *e = &acl->e[i];

		switch (e->tag) {
		case PERM_ACL_USER:
			if (e->id != w->uid)
				break;
			r->by = PERM_BY_ACL_USER;
			r->id = e->id;
			r->entry = e->perm;
			r->have = e->perm & mask;
			r->masked = acl->mask >= 0;
			r->granted = (r->have & want) == want;
			return;
		case PERM_ACL_GROUP_OBJ:
		case PERM_ACL_GROUP: {
			gid_t g = e->tag == PERM_ACL_GROUP ? (gid_t)e->id
							   : f->gid;

			if (!perm_in_group(w, g))
				break;
			/* the first group found is reported if none grants */
			if (!found || (e->perm & want) == want) {
				r->by = e->tag == PERM_ACL_GROUP
						? PERM_BY_ACL_GROUP
						: PERM_BY_GROUP;
				r->id = g;
				r->entry = e->perm;
				r->have = e->perm & mask;
				r->masked = acl->mask >= 0;
			}
			found = true;
			if ((e->perm & want) == want) {
				/* the kernel stops at the first group entry
				 * that grants before the mask */
				r->granted = (r->have & want) == want;
				return;
			}
			break;
		}
		case PERM_ACL_OTHER:
			if (found) {
				r->granted = false;
				return;
			}
			r->by = PERM_BY_OTHER;
			r->id = 0;
			r->entry = r->have = e->perm;
			r->masked = false;
			r->granted = (e->perm & want) == want;
			return;
		default:
			break;
		}
	}
	/* a valid ACL always ends with other:: */
	r->granted = false;
	r->by = PERM_BY_OTHER;
}

void perm_check(const struct perm_file *f, const struct perm_who *w,
		unsigned want, struct perm_result *r)
{
	unsigned mode = (unsigned)f->mode;

	memset(r, 0, sizeof(*r));
	want &= 7u;
	if (w->uid == f->uid) {
		r->by = PERM_BY_OWNER;
		r->id = f->uid;
		r->have = r->entry = (mode >> 6) & 7u;
		r->granted = (r->have & want) == want;
	} else if (f->acl != NULL && f->acl->n > 0 && (mode & 070u) != 0) {
		/* As acl_permission_check(): ACLs count only while the group
		 * bits (the mask) are not all clear. */
		perm_check_acl(f, w, want, r);
	} else if (perm_in_group(w, f->gid)) {
		r->by = PERM_BY_GROUP;
		r->id = f->gid;
		r->have = r->entry = (mode >> 3) & 7u;
		r->granted = (r->have & want) == want;
	} else {
		r->by = PERM_BY_OTHER;
		r->have = r->entry = mode & 7u;
		r->granted = (r->have & want) == want;
	}
	if (!r->granted && w->root) {
		/* CAP_DAC_OVERRIDE: any write, any directory search */
		r->granted = true;
		r->by = PERM_BY_ROOT;
		r->id = 0;
	}
}

bool perm_granting_group(const struct perm_file *f, unsigned want, gid_t *gid)
{
	const struct perm_acl *acl = f->acl;
	unsigned mode = (unsigned)f->mode;

	want &= 7u;
	if (acl == NULL || acl->n == 0 || (mode & 070u) == 0) {
		if ((((mode >> 3) & 7u) & want) != want)
			return false;
		*gid = f->gid;
		return true;
	}
	for (size_t i = 0; i < acl->n; i++) {
		const struct perm_acl_entry *e = &acl->e[i];
		unsigned mask = acl->mask >= 0 ? (unsigned)acl->mask : 7u;

		if (e->tag != PERM_ACL_GROUP_OBJ && e->tag != PERM_ACL_GROUP)
			continue;
		if ((e->perm & mask & want) != want)
			continue;
		*gid = e->tag == PERM_ACL_GROUP ? (gid_t)e->id : f->gid;
		return true;
	}
	return false;
}

const char *perm_class_name(enum perm_class c)
{
	static const char *const names[] = {
		[PERM_BY_ROOT] = "root",
		[PERM_BY_OWNER] = "owner",
		[PERM_BY_ACL_USER] = "ACL user entry",
		[PERM_BY_GROUP] = "group",
		[PERM_BY_ACL_GROUP] = "ACL group entry",
		[PERM_BY_OTHER] = "other",
	};

	return (unsigned)c < sizeof(names) / sizeof(names[0]) ? names[c] : "?";
}

/* ---- the walk ----------------------------------------------------------- */

/* The components still to look up, last to be looked up first. */
struct perm_pending {
	struct {
		char *name;
		unsigned depth;
	} * v;
	size_t n, cap;
};

static void perm_pending_push(struct perm_pending *p, const char *name,
			      size_t len, unsigned depth)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->v = xreallocarray(p->v, p->cap, sizeof(*p->v));
	}
	p->v[p->n].name = xmalloc(len + 1);
	memcpy(p->v[p->n].name, name, len);
	p->v[p->n].name[len] = '\0';
	p->v[p->n].depth = depth;
	p->n++;
}

/* Push the components of path so that the first comes out first; empty
 * ones and "." are dropped as the lookup drops them. */
static void perm_pending_path(struct perm_pending *p, const char *path,
			      unsigned depth)
{
	size_t len = strlen(path), end = len;

	while (end > 0) {
		size_t start = end;

		while (start > 0 && path[start - 1] != '/')
			start--;
		if (end > start && !(end - start == 1 && path[start] == '.'))
			perm_pending_push(p, path + start, end - start, depth);
		end = start > 0 ? start - 1 : 0;
	}
}

static void perm_pending_free(struct perm_pending *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i].name);
	free(p->v);
}

static void perm_read_acl(struct perm_comp *c)
{
	char stackbuf[512];
	char *buf = stackbuf;
	ssize_t len;
	struct sc_err err;

	if (S_ISLNK(c->st.st_mode))
		return;
	len = lgetxattr(c->path, PERM_ACL_XATTR, buf, sizeof(stackbuf));
	if (len < 0 && errno == ERANGE) {
		len = lgetxattr(c->path, PERM_ACL_XATTR, NULL, 0);
		if (len > 0) {
			buf = xmalloc((size_t)len);
			len = lgetxattr(c->path, PERM_ACL_XATTR, buf,
					(size_t)len);
		}
	}
	if (len < 0) {
		if (errno != ENODATA && errno != ENOTSUP)
			c->acl_errno = errno;
	} else if (perm_acl_parse(buf, (size_t)len, &c->acl, &err) < 0) {
		c->acl_errno = err.code;
	} else {
		c->has_acl = c->acl.n > 0;
	}
	if (buf != stackbuf)
		free(buf);
}

static struct perm_comp *perm_add(struct perm_walk *w, const char *name,
				  const char *path, unsigned depth)
{
	struct perm_comp *c;

	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 16;
		w->c = xreallocarray(w->c, w->cap, sizeof(*w->c));
	}
	c = &w->c[w->n++];
	memset(c, 0, sizeof(*c));
	c->acl.mask = -1;
	c->name = xstrdup(name);
	c->path = xstrdup(path);
	c->depth = depth;
	if (lstat(path, &c->st) < 0) {
		c->lerrno = errno;
		return c;
	}
	if (S_ISLNK(c->st.st_mode)) {
		size_t cap = (size_t)c->st.st_size + 1;
		ssize_t n;

		if (cap < 64 || cap > PATH_MAX)
			cap = PATH_MAX;
		c->link = xmalloc(cap + 1);
		n = readlink(path, c->link, cap);
		if (n < 0) {
			c->lerrno = errno;
			free(c->link);
			c->link = NULL;
			return c;
		}
		c->link[n] = '\0';
	}
	perm_read_acl(c);
	return c;
}

void perm_comp_file(const struct perm_comp *c, struct perm_file *f)
{
	f->mode = c->st.st_mode;
	f->uid = c->st.st_uid;
	f->gid = c->st.st_gid;
	f->acl = c->has_acl ? &c->acl : NULL;
}

static void perm_stop(struct perm_walk *w, enum perm_walk_end end, int err,
		      size_t at)
{
	if (w->stop != SIZE_MAX)
		return;
	w->end = end;
	w->end_errno = err;
	w->stop = at;
}

/* Before a lookup in directory d: is it one, and may the user search it? */
static int perm_enter(struct perm_walk *w, size_t d,
		      const struct perm_who *sess, const struct perm_who *db)
{
	struct perm_comp *c = &w->c[d];
	struct perm_file f;

	if (!S_ISDIR(c->st.st_mode)) {
		perm_stop(w, PERM_WALK_NOTDIR, ENOTDIR, d);
		return -1;
	}
	if (!c->searched) {
		perm_comp_file(c, &f);
		perm_check(&f, sess, PERM_X, &c->search);
		perm_check(&f, db, PERM_X, &c->search_db);
		c->searched = true;
	}
	if (!c->search.granted)
		perm_stop(w, PERM_WALK_NOSEARCH, EACCES, d);
	return 0;
}

static char *perm_join(const char *dir, const char *name)
{
	size_t a = strlen(dir), b = strlen(name);
	char *s = xmalloc(a + b + 2);

	memcpy(s, dir, a);
	if (a == 0 || dir[a - 1] != '/')
		s[a++] = '/';
	memcpy(s + a, name, b + 1);
	return s;
}

int perm_walk(const char *path, const struct perm_who *sess,
	      const struct perm_who *db, struct perm_walk *w,
	      struct sc_err *err)
{
	struct perm_pending pend = { 0 };
	char *cur;
	size_t dir;
	unsigned links = 0;
	bool done;

	memset(w, 0, sizeof(*w));
	w->stop = SIZE_MAX;
	w->final_link = SIZE_MAX;
	if (path[0] == '/') {
		perm_pending_path(&pend, path, 0);
	} else {
		char *cwd = getcwd(NULL, 0), *abs;

		if (cwd == NULL)
			return sc_err_set(err, errno,
					  "cannot find the current directory: "
					  "%s",
					  strerror(errno));
		abs = perm_join(cwd, path);
		perm_pending_path(&pend, abs, 0);
		free(abs);
		free(cwd);
	}
	perm_add(w, "/", "/", 0);
	cur = xstrdup("/");
	dir = 0;
	while (pend.n > 0) {
		char *name = pend.v[pend.n - 1].name;
		unsigned depth = pend.v[pend.n - 1].depth;
		struct perm_comp *c;
		char *cand;

		pend.n--;
		if (w->c[dir].lerrno != 0 || perm_enter(w, dir, sess, db) < 0 ||
		    w->n >= PERM_MAX_COMPS) {
			free(name);
			if (w->n >= PERM_MAX_COMPS)
				perm_stop(w, PERM_WALK_LOOP, ELOOP, w->n - 1);
			break;
		}
		cand = perm_join(cur, name);
		c = perm_add(w, name, cand, depth);
		free(name);
		if (c->lerrno != 0) {
			free(cand);
			if (c->lerrno == ENOENT)
				perm_stop(w, PERM_WALK_MISSING, ENOENT,
					  w->n - 1);
			else
				perm_stop(w, PERM_WALK_ERROR, c->lerrno,
					  w->n - 1);
			break;
		}
		if (c->link != NULL) {
			char *target = c->link;

			free(cand);
			if (pend.n == 0)
				w->final_link = w->n - 1;
			if (++links > PERM_MAX_LINKS) {
				perm_stop(w, PERM_WALK_LOOP, ELOOP, w->n - 1);
				break;
			}
			perm_pending_path(&pend, target, depth + 1);
			if (target[0] == '/') {
				free(cur);
				cur = xstrdup("/");
				perm_add(w, "/", "/", depth + 1);
				dir = w->n - 1;
			}
			continue;
		}
		free(cur);
		cur = cand;
		dir = w->n - 1;
	}
	free(cur);
	done = pend.n == 0;
	perm_pending_free(&pend);
	if (done && w->c[w->n - 1].lerrno == 0 && w->c[w->n - 1].link == NULL &&
	    (w->stop == SIZE_MAX || w->end == PERM_WALK_NOSEARCH)) {
		w->found = true;
		w->file = w->n - 1;
	}
	if (w->stop == SIZE_MAX) {
		w->end = PERM_WALK_OK;
		w->stop = w->n;
	}
	return 0;
}

void perm_walk_free(struct perm_walk *w)
{
	for (size_t i = 0; i < w->n; i++) {
		free(w->c[i].name);
		free(w->c[i].path);
		free(w->c[i].link);
		perm_acl_free(&w->c[i].acl);
	}
	free(w->c);
	memset(w, 0, sizeof(*w));
}
