/* facts.c - the model's answers beyond the kernel record, each worked out
 * once: user and group names by id, a Unix path's stat() by path, peer
 * names by inode. */
#include "config.h"

#include "model/facts.h"
#include "util/u64map.h"
#include "util/xalloc.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* Values in the id-name maps: an index into names, or this. */
#define FACTS_NO_NAME (U64MAP_EMPTY - 1)

/* Kept text never moves: a name handed out stays valid until facts_free. */
struct facts_block {
	struct facts_block *next;
	size_t used, cap;
	char data[];
};

/* One stat() of a path, shared by every socket bound there. */
struct facts_path {
	const char *name;
	uint16_t name_len;
	int err; /* 0: the stat below is valid */
	uint64_t ino, dev;
	uint32_t mode, uid, gid;
};

struct facts {
	struct facts_opts o;
	const struct owners *owners;
	struct netns_set *netns;
	struct facts_block *blocks; /* the newest first */
	struct u64map users, groups; /* id -> index in names */
	const char **names;
	size_t names_n, names_cap;
	struct u64map unix_names; /* inode -> index in unix_v */
	struct {
		const char *name;
		uint16_t len;
	} *unix_v;
	size_t unix_n, unix_cap;
	struct u64map paths; /* hash of the path -> index in path_v */
	struct facts_path *path_v;
	size_t path_n, path_cap;
};

struct facts *facts_new(const struct facts_opts *o)
{
	struct facts *f = xcalloc(1, sizeof(*f));

	f->o = *o;
	return f;
}

void facts_free(struct facts *f)
{
	if (f == NULL)
		return;
	while (f->blocks != NULL) {
		struct facts_block *b = f->blocks;
		f->blocks = b->next;
		free(b);
	}
	free(f->names);
	u64map_free(&f->users);
	u64map_free(&f->groups);
	u64map_free(&f->unix_names);
	free(f->unix_v);
	u64map_free(&f->paths);
	free(f->path_v);
	free(f);
}

/* A NUL-terminated copy of n bytes (which may hold NULs themselves). */
static const char *facts_keep(struct facts *f, const char *s, size_t n)
{
	struct facts_block *b = f->blocks;
	char *p;

	if (b == NULL || b->cap - b->used < n + 1) {
		size_t cap = n + 1 > 16384 ? n + 1 : 16384;
		b = xmalloc(sizeof(*b) + cap);
		b->cap = cap;
		b->used = 0;
		b->next = f->blocks;
		f->blocks = b;
	}
	p = b->data + b->used;
	memcpy(p, s, n);
	p[n] = '\0';
	b->used += n + 1;
	return p;
}

void facts_set_netns(struct facts *f, struct netns_set *ns)
{
	f->netns = ns;
}

const struct netns_info *facts_netns(const struct facts *f, unsigned idx)
{
	if (f == NULL || f->netns == NULL || idx >= f->netns->n)
		return NULL;
	return &f->netns->v[idx];
}

const char *facts_container(struct facts *f, const struct sock_rec *r)
{
	const struct owner *w;
	const struct netns_info *e;

	if (f == NULL || f->netns == NULL)
		return NULL;
	if (f->owners != NULL && r->inode != 0 &&
	    facts_holders(f, r->inode, &w) == FACTS_HELD) {
		for (; w != NULL; w = owners_next(f->owners, w)) {
			const char *l = netns_pid_label(f->netns, w->pid);

			if (l[0] != '\0')
				return l;
		}
	}
	e = facts_netns(f, r->netns);
	return e != NULL ? e->label : NULL;
}

void facts_see(struct facts *f, const struct sock_rec *r)
{
	if (f->o.peer_names && r->family == AF_UNIX && r->name_len > 0 &&
	    r->name != NULL) {
		int added;
		uint32_t *v = u64map_put(&f->unix_names, r->inode, &added);

		if (added) {
			if (f->unix_n == f->unix_cap) {
				f->unix_cap = f->unix_cap ? f->unix_cap * 2
							  : 1024;
				f->unix_v = xreallocarray(f->unix_v,
							  f->unix_cap,
							  sizeof(*f->unix_v));
			}
			*v = (uint32_t)f->unix_n++;
		}
		/* the name may hold NULs (abstract): keep its length */
		f->unix_v[*v].name = facts_keep(f, r->name, r->name_len);
		f->unix_v[*v].len = r->name_len;
	}
}

void facts_set_owners(struct facts *f, const struct owners *o)
{
	f->owners = o;
}

const struct owners *facts_owner_table(const struct facts *f)
{
	return f->owners;
}

enum facts_held facts_holders(const struct facts *f, uint64_t inode,
			      const struct owner **first)
{
	*first = NULL;
	if (inode == 0 || f->owners == NULL)
		return FACTS_NOBODY;
	*first = owners_first(f->owners, inode);
	if (*first != NULL)
		return FACTS_HELD;
	return owners_stats(f->owners)->unreadable > 0 ? FACTS_UNKNOWN
						       : FACTS_NOBODY;
}

unsigned long facts_unknown_in(const struct facts *f,
			       const struct rows_view *v)
{
	unsigned long n = 0;

	if (!f->o.owners || f->owners == NULL ||
	    owners_stats(f->owners)->unreadable == 0)
		return 0;
	for (size_t k = 0; k < v->n; k++) {
		struct sock_rec r;

		rows_view_get(v, k, &r);
		if (r.inode != 0 && owners_first(f->owners, r.inode) == NULL)
			n++;
	}
	return n;
}

unsigned long facts_unreadable_processes(const struct facts *f)
{
	return f->owners == NULL ? 0 : owners_stats(f->owners)->unreadable;
}

/* getpwuid_r/getgrgid_r want a buffer of a size they only hint at. */
static const char *facts_lookup_id(struct facts *f, uint32_t id, int group)
{
	const char *kept = NULL;
	size_t cap = 1024;
	int e;

	do {
		char *buf = xmalloc(cap);
		const char *name = NULL;

		if (group) {
			struct group gr, *res = NULL;
			e = getgrgid_r(id, &gr, buf, cap, &res);
			if (e == 0 && res != NULL)
				name = res->gr_name;
		} else {
			struct passwd pw, *res = NULL;
			e = getpwuid_r(id, &pw, buf, cap, &res);
			if (e == 0 && res != NULL)
				name = res->pw_name;
		}
		if (name != NULL)
			kept = facts_keep(f, name, strlen(name));
		free(buf);
		cap *= 4;
	} while (e == ERANGE && cap <= (1u << 22));
	return kept;
}

static const char *facts_id_name(struct facts *f, struct u64map *m,
				 uint32_t id, int group)
{
	int added;
	uint32_t *v = u64map_put(m, id, &added);
	const char *name;

	if (!added)
		return *v == FACTS_NO_NAME ? NULL : f->names[*v];
	*v = FACTS_NO_NAME;
	name = facts_lookup_id(f, id, group);
	if (name == NULL)
		return NULL;
	if (f->names_n == f->names_cap) {
		f->names_cap = f->names_cap ? f->names_cap * 2 : 16;
		f->names = xreallocarray(f->names, f->names_cap,
					 sizeof(*f->names));
	}
	*v = (uint32_t)f->names_n;
	f->names[f->names_n++] = name;
	return name;
}

const char *facts_user(struct facts *f, uint32_t uid)
{
	return facts_id_name(f, &f->users, uid, 0);
}

const char *facts_group(struct facts *f, uint32_t gid)
{
	return facts_id_name(f, &f->groups, gid, 1);
}

int facts_same_dev(uint32_t kernel_dev, uint64_t st_dev)
{
	return (kernel_dev >> 20) == major(st_dev) &&
	       (kernel_dev & 0xfffffu) == minor(st_dev);
}

static uint64_t facts_hash_bytes(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static void facts_stat_path(const char *path, struct facts_path *p)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		p->err = errno;
		return;
	}
	p->err = 0;
	p->ino = st.st_ino;
	p->dev = st.st_dev;
	p->mode = st.st_mode;
	p->uid = st.st_uid;
	p->gid = st.st_gid;
}

/* The stat() of a path, from the cache when another socket asked. */
static const struct facts_path *facts_path(struct facts *f, const char *name,
					   size_t len, struct facts_path *tmp)
{
	uint64_t h = facts_hash_bytes(name, len);
	int added;
	uint32_t *v = u64map_put(&f->paths, h, &added);
	struct facts_path *p;
	char path[SOCK_UNIX_NAME_MAX + 1];

	if (!added) {
		p = &f->path_v[*v];
		if (p->name_len == len && memcmp(p->name, name, len) == 0)
			return p;
		/* Two paths with one hash: the later one is not cached. */
		memcpy(path, name, len);
		path[len] = '\0';
		facts_stat_path(path, tmp);
		return tmp;
	}
	if (f->path_n == f->path_cap) {
		f->path_cap = f->path_cap ? f->path_cap * 2 : 64;
		f->path_v = xreallocarray(f->path_v, f->path_cap,
					  sizeof(*f->path_v));
	}
	*v = (uint32_t)f->path_n++;
	p = &f->path_v[*v];
	p->name = facts_keep(f, name, len);
	p->name_len = (uint16_t)len;
	facts_stat_path(p->name, p);
	return p;
}

void facts_file(struct facts *f, const struct sock_rec *r,
		struct facts_file *out)
{
	const struct facts_path *p;
	struct facts_path tmp;
	size_t len;
	int elsewhere;

	memset(out, 0, sizeof(*out));
	if (r->family != AF_UNIX || r->name == NULL ||
	    r->name_len == 0 || r->name[0] == '\0')
		return; /* unnamed or abstract */
	out->status = FACTS_FILE_UNKNOWN;
	/* A relative path was relative to the binder's directory, and
	 * without the kernel's identity of the file there is nothing to
	 * compare with. The path ends at its first NUL (the kernel counts
	 * the terminator in), as the address column shows it. */
	len = strnlen(r->name, r->name_len);
	if (r->name[0] != '/' || !(r->flags & SOCK_F_HAS_VFS) ||
	    len > SOCK_UNIX_NAME_MAX || f->o.recorded)
		return;
	p = facts_path(f, r->name, len, &tmp);
	/* a socket of another network namespace was most likely bound in
	 * another mount namespace (a container's): its file found here
	 * proves it is there, its absence proves nothing */
	elsewhere = facts_netns(f, r->netns) != NULL &&
		    !facts_netns(f, r->netns)->own;
	if (p->err == ENOENT || p->err == ENOTDIR) {
		if (!elsewhere)
			out->status = FACTS_FILE_MISSING;
		return;
	}
	if (p->err != 0)
		return;
	if (p->ino == r->vfs_ino && facts_same_dev(r->vfs_dev, p->dev))
		out->status = FACTS_FILE_OK;
	else if (!elsewhere)
		out->status = FACTS_FILE_REPLACED;
	else
		return;
	out->mode = p->mode;
	out->uid = p->uid;
	out->gid = p->gid;
}

const char *facts_file_status_name(enum facts_file_status s)
{
	switch (s) {
	case FACTS_FILE_OK:
		return "ok";
	case FACTS_FILE_REPLACED:
		return "replaced";
	case FACTS_FILE_MISSING:
		return "missing";
	case FACTS_FILE_UNKNOWN:
		return "unknown";
	case FACTS_FILE_NONE:
		break;
	}
	return "none";
}

void facts_mode_text(uint32_t mode, char out[11])
{
	static const char rwx[] = "rwxrwxrwx";
	char t;

	switch (mode & S_IFMT) {
	case S_IFSOCK: t = 's'; break;
	case S_IFDIR: t = 'd'; break;
	case S_IFLNK: t = 'l'; break;
	case S_IFCHR: t = 'c'; break;
	case S_IFBLK: t = 'b'; break;
	case S_IFIFO: t = 'p'; break;
	case S_IFREG: t = '-'; break;
	default: t = '?'; break;
	}
	out[0] = t;
	for (int i = 0; i < 9; i++)
		out[1 + i] = (mode & (0400u >> i)) ? rwx[i] : '-';
	/* set-id and sticky bits, as ls shows them */
	if (mode & S_ISUID)
		out[3] = (mode & S_IXUSR) ? 's' : 'S';
	if (mode & S_ISGID)
		out[6] = (mode & S_IXGRP) ? 's' : 'S';
	if (mode & S_ISVTX)
		out[9] = (mode & S_IXOTH) ? 't' : 'T';
	out[10] = '\0';
}

const char *facts_unix_name(const struct facts *f, uint64_t inode,
			    size_t *len)
{
	const uint32_t *v;

	if (inode == 0)
		return NULL;
	v = u64map_get(&f->unix_names, inode);
	if (v == NULL)
		return NULL;
	*len = f->unix_v[*v].len;
	return f->unix_v[*v].name;
}
