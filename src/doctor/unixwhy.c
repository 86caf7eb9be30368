/* unixwhy.c - the Unix socket doctor: each check the kernel's
 * unix_find_other() makes, redone so as to say which one fails and why,
 * then the fix, then a real connect() as the user to confirm it. */
#include "config.h"

#include "doctor/unixwhy.h"

#include "collect/collect.h"
#include "doctor/perm.h"
#include "doctor/probe.h"
#include "model/facts.h"
#include "util/readfile.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/xattr.h>
#include <unistd.h>

#define UW_SUN_PATH sizeof(((struct sockaddr_un *)0)->sun_path)

/* ---- well-known sockets ------------------------------------------------- */

struct uw_known {
	const char *glob; /* fnmatch() pattern on the file name */
	const char *unit; /* NULL: the file name less ".sock" */
	bool root_equiv;  /* write access is root access */
};

static const struct uw_known uw_known_table[] = {
	{ "docker.sock", "docker", true },
	{ "containerd.sock", "containerd", true },
	{ "podman.sock", "podman", true },
	{ "crio.sock", "crio", true },
	{ "buildkitd.sock", "buildkit", true },
	{ "libvirt-sock", "libvirtd", true },
	{ "mysqld.sock", "mysql (or mariadb)", false },
	{ "mysql.sock", "mysql (or mariadb)", false },
	{ ".s.PGSQL.*", "postgresql", false },
	{ "php*-fpm.sock", NULL, false },
	{ "redis*.sock", "redis-server", false },
	{ "memcached.sock", "memcached", false },
	{ "system_bus_socket", "dbus", false },
	{ "supervisor.sock", "supervisor", false },
	{ "cups.sock", "cups", false },
	{ "pcscd.comm", "pcscd", false },
	{ "snapd.socket", "snapd", false },
};

static const char *uw_base(const char *path, size_t len, size_t *blen)
{
	size_t i = len;

	while (i > 0 && path[i - 1] != '/')
		i--;
	*blen = len - i;
	return path + i;
}

int unixwhy_known_unit(const char *path, size_t len, char *unit, size_t cap,
		       bool *root_equiv)
{
	char base[NAME_MAX + 1];
	size_t blen;
	const char *b = uw_base(path, len, &blen);

	if (blen == 0 || blen > NAME_MAX || memchr(b, '\0', blen) != NULL)
		return -1;
	memcpy(base, b, blen);
	base[blen] = '\0';
	for (size_t i = 0;
	     i < sizeof(uw_known_table) / sizeof(uw_known_table[0]); i++) {
		const struct uw_known *k = &uw_known_table[i];

		if (fnmatch(k->glob, base, 0) != 0)
			continue;
		if (k->unit != NULL) {
			snprintf(unit, cap, "%s", k->unit);
		} else {
			if (blen > 5 && strcmp(base + blen - 5, ".sock") == 0)
				base[blen - 5] = '\0';
			snprintf(unit, cap, "%s", base);
		}
		*root_equiv = k->root_equiv;
		return 0;
	}
	return -1;
}

/* ---- the context -------------------------------------------------------- */

/* A Unix socket of the kernel's list that concerns the target. */
struct uw_sock {
	uint8_t netid, state, flags;
	uint32_t rq, wq, uid;
	uint64_t inode, vfs_ino, peer_ino;
	uint32_t vfs_dev;
	char *name; /* NUL-terminated copy; abstract names keep their NUL */
	size_t name_len;
	bool same_name; /* bound at the target's name */
};

enum uw_rank {
	UW_RANK_ADDRESS = 0, /* the address itself */
	UW_RANK_PATH,        /* the directories on the way */
	UW_RANK_FILE,        /* the file and its server */
	UW_RANK_ACCESS,      /* permission on the socket file */
	UW_RANK_SERVER,      /* the server's state */
};

struct uw {
	const struct unixwhy_opts *o;
	struct report *r;
	const char *target; /* bytes of the path or of the abstract name */
	size_t len;
	bool abstract;
	char *abs;      /* the path made absolute */
	char *resolved; /* the path with links and ".." resolved, if known */
	struct stat st; /* stat() of the target, when st_ok */
	bool st_ok;
	int st_errno;
	/* the server was matched by its name only (its file cannot be seen,
	 * or the socket list has no file identities) */
	bool live_by_name;
	bool no_vfs;
	char user[IDENT_NAME_MAX];
	struct perm_who sess, db;
	struct perm_walk walk;
	bool walked;
	struct uw_sock *socks;
	size_t nsocks, cap;
	const struct uw_sock *live;  /* the server whose file this is */
	const struct uw_sock *named; /* a server bound to this name elsewhere */
	struct ident_holder holder;
	bool have_holder;
	char unit[128]; /* the service: the holder's unit, or the table's */
	bool unit_from_table;
	bool root_equiv;
};

static struct report_cause *uw_cause(struct uw *u, const char *id, int err,
				     int rank)
{
	return report_cause(u->r, id, err, rank);
}

static const char *uw_user(const struct uw *u)
{
	return u->user;
}

/* Raw target text for messages: the path, or "@" and the name. */
static void uw_put_target(const struct uw *u, struct sbuf *b)
{
	if (u->abstract)
		sbuf_putc(b, '@');
	sbuf_put(b, u->target, u->len);
}

/* A path quoted for a shell command, when it needs it. */
static void uw_put_quoted(struct sbuf *b, const char *s, size_t n)
{
	bool plain = n > 0;

	for (size_t i = 0; i < n && plain; i++) {
		unsigned char c = (unsigned char)s[i];

		plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			(c >= '0' && c <= '9') ||
			(c != '\0' && strchr("/._-+,:@%", c) != NULL);
	}
	if (plain) {
		sbuf_put(b, s, n);
		return;
	}
	sbuf_putc(b, '\'');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\'')
			sbuf_puts(b, "'\\''");
		else
			sbuf_putc(b, s[i]);
	}
	sbuf_putc(b, '\'');
}

static const char *uw_type_name(int netid_or_type, bool is_netid)
{
	if (is_netid) {
		switch (netid_or_type) {
		case SOCK_NETID_UNIX_DGRAM:
			return "datagram";
		case SOCK_NETID_UNIX_SEQPACKET:
			return "seqpacket";
		default:
			return "stream";
		}
	}
	switch (netid_or_type) {
	case SOCK_DGRAM:
		return "datagram";
	case SOCK_SEQPACKET:
		return "seqpacket";
	default:
		return "stream";
	}
}

static int uw_type_netid(int type)
{
	switch (type) {
	case SOCK_DGRAM:
		return SOCK_NETID_UNIX_DGRAM;
	case SOCK_SEQPACKET:
		return SOCK_NETID_UNIX_SEQPACKET;
	default:
		return SOCK_NETID_UNIX_STREAM;
	}
}

/* ---- the kernel's list -------------------------------------------------- */

static bool uw_path_eq(const char *a, size_t an, const char *b)
{
	return b != NULL && strlen(b) == an && memcmp(a, b, an) == 0;
}

static bool uw_same_name(const struct uw *u, const char *name, size_t n)
{
	if (u->abstract)
		return n == u->len + 1 && name[0] == '\0' &&
		       memcmp(name + 1, u->target, u->len) == 0;
	if (n == 0 || name[0] == '\0')
		return false;
	return (n == u->len && memcmp(name, u->target, n) == 0) ||
	       uw_path_eq(name, n, u->abs) || uw_path_eq(name, n, u->resolved);
}

static bool uw_same_base(const struct uw *u, const char *name, size_t n)
{
	size_t a, b;
	const char *x, *y;

	if (u->abstract || n == 0 || name[0] == '\0')
		return false;
	x = uw_base(name, n, &a);
	y = uw_base(u->target, u->len, &b);
	return a > 0 && a == b && memcmp(x, y, a) == 0;
}

static bool uw_vfs_match(const struct uw *u, const struct sock_rec *rec)
{
	return u->st_ok && (rec->flags & SOCK_F_HAS_VFS) &&
	       rec->vfs_ino == (uint64_t)u->st.st_ino &&
	       facts_same_dev(rec->vfs_dev, (uint64_t)u->st.st_dev);
}

static int uw_rec(void *ud, const struct sock_rec *rec)
{
	struct uw *u = ud;
	struct uw_sock *s;
	size_t n;

	if (rec->name_len == 0)
		return 0;
	/* a path name ends at its NUL; an abstract name is all its bytes */
	n = rec->name[0] == '\0' ? rec->name_len
				 : strnlen(rec->name, rec->name_len);
	if (!uw_vfs_match(u, rec) && !uw_same_name(u, rec->name, n) &&
	    !uw_same_base(u, rec->name, n))
		return 0;
	if (u->nsocks == u->cap) {
		u->cap = u->cap ? u->cap * 2 : 16;
		u->socks = xreallocarray(u->socks, u->cap, sizeof(*u->socks));
	}
	s = &u->socks[u->nsocks++];
	memset(s, 0, sizeof(*s));
	s->netid = rec->netid;
	s->state = rec->state;
	s->flags = rec->flags;
	s->rq = rec->rq;
	s->wq = rec->wq;
	s->uid = rec->uid;
	s->inode = rec->inode;
	s->vfs_ino = rec->vfs_ino;
	s->vfs_dev = rec->vfs_dev;
	s->peer_ino = rec->peer_ino;
	s->name = xmalloc(n + 1);
	memcpy(s->name, rec->name, n);
	s->name[n] = '\0';
	s->name_len = n;
	s->same_name = uw_same_name(u, rec->name, n);
	return 0;
}

static void uw_socks_clear(struct uw *u)
{
	for (size_t i = 0; i < u->nsocks; i++)
		free(u->socks[i].name);
	u->nsocks = 0;
}

/* The Unix list is one dump: a restart (inconsistent dump) starts the
 * list again. */
static int uw_discard(void *ud, enum collect_dump dump)
{
	(void)dump;
	uw_socks_clear(ud);
	return 0;
}

static int uw_collect(struct uw *u, struct sc_err *err)
{
	struct collect_query q = {
		.netids = SOCK_NETIDS_UNIX,
		.states = SOCK_STATES_ALL,
	};
	struct collect_opts co = { .proc_root = u->o->proc_root };
	struct collect_consumer c = {
		.ud = u,
		.discard = uw_discard,
		.rec = uw_rec,
	};
	struct collect_report rep = { 0 };

	if (collect_run(&q, &co, &c, &rep, err) < 0)
		return -1;
	/* /proc/net/unix has no file identity: match by name then */
	u->no_vfs = (rep.used_proc & (1u << COLLECT_DUMP_UNIX)) != 0;
	for (unsigned i = 0; i < rep.warnings.n; i++) {
		struct report_finding *f =
			report_add(u->r, "kernel", REPORT_NOTE);

		sbuf_puts(&f->text, rep.warnings.msg[i]);
	}
	return 0;
}

/* How much a socket looks like the server: listening beats bound. */
static int uw_server_score(const struct uw_sock *s)
{
	if (s->state == SOCK_ST_LISTEN)
		return 3;
	if (s->netid == SOCK_NETID_UNIX_DGRAM)
		return 2;
	return 1;
}

static bool uw_sock_is_vfs(const struct uw *u, const struct uw_sock *s)
{
	return u->st_ok && (s->flags & SOCK_F_HAS_VFS) &&
	       s->vfs_ino == (uint64_t)u->st.st_ino &&
	       facts_same_dev(s->vfs_dev, (uint64_t)u->st.st_dev);
}

static void uw_match(struct uw *u)
{
	for (size_t i = 0; i < u->nsocks; i++) {
		const struct uw_sock *s = &u->socks[i];
		bool mine = u->abstract ? s->same_name : uw_sock_is_vfs(u, s);

		if (mine) {
			if (u->live == NULL ||
			    uw_server_score(s) > uw_server_score(u->live))
				u->live = s;
		} else if (s->same_name && !u->abstract) {
			if (u->named == NULL ||
			    uw_server_score(s) > uw_server_score(u->named))
				u->named = s;
		}
	}
	/* a listener that lost its file is worth naming only if it listens */
	if (u->named != NULL && uw_server_score(u->named) < 2)
		u->named = NULL;
	/* the file cannot be seen (a directory we may not search): a
	 * server bound to the name is taken for its server */
	if (!u->abstract && u->named != NULL && u->live == NULL &&
	    (u->no_vfs ||
	     (!u->st_ok && u->st_errno != ENOENT && u->st_errno != ENOTDIR))) {
		u->live = u->named;
		u->named = NULL;
		u->live_by_name = true;
	}
}

/* ---- the service behind it ---------------------------------------------- */

static void uw_find_unit(struct uw *u, const struct uw_sock *server)
{
	char unit[128];
	bool root_equiv = false;

	if (server != NULL && !u->have_holder) {
		struct sc_err err;

		if (ident_holder_of(u->o->proc_root, server->inode, &u->holder,
				    &err) == 0)
			u->have_holder = true;
	}
	if (u->have_holder && u->holder.unit[0] != '\0') {
		size_t n = strlen(u->holder.unit);

		/* "docker.service" -> "docker" for systemctl */
		if (n > 8 && strcmp(u->holder.unit + n - 8, ".service") == 0)
			n -= 8;
		snprintf(u->unit, sizeof(u->unit), "%.*s", (int)n,
			 u->holder.unit);
		u->unit_from_table = false;
	}
	if (!u->abstract &&
	    unixwhy_known_unit(u->target, u->len, unit, sizeof(unit),
			       &root_equiv) == 0) {
		if (u->unit[0] == '\0') {
			snprintf(u->unit, sizeof(u->unit), "%s", unit);
			u->unit_from_table = true;
		}
		u->root_equiv = u->root_equiv || root_equiv;
	}
}

/* "sudo systemctl CMD UNIT" (user units: systemctl --user, no sudo). */
static void uw_systemctl(const struct uw *u, struct sbuf *b, const char *cmd)
{
	const char *alt = strstr(u->unit, " (or ");

	if (u->have_holder && u->holder.user_unit && !u->unit_from_table)
		report_printf(b, "systemctl --user %s ", cmd);
	else
		report_printf(b, "sudo systemctl %s ", cmd);
	if (alt != NULL)
		sbuf_put(b, u->unit, (size_t)(alt - u->unit));
	else
		sbuf_puts(b, u->unit);
}

/* "`systemctl status mysql` (or `systemctl status mariadb`)". */
static void uw_put_status(const struct uw *u, struct sbuf *b)
{
	const char *alt = strstr(u->unit, " (or ");
	const char *user =
		u->have_holder && u->holder.user_unit && !u->unit_from_table
			? "--user "
			: "";

	if (alt == NULL) {
		report_printf(b, "`systemctl %sstatus %s`", user, u->unit);
		return;
	}
	report_printf(b, "`systemctl %sstatus %.*s` (or `systemctl status ",
		      user, (int)(alt - u->unit), u->unit);
	alt += 5;
	report_printf(b, "%.*s`)", (int)strcspn(alt, ")"), alt);
}

/* ---- the checks --------------------------------------------------------- */

static void uw_check_length(struct uw *u)
{
	struct report_finding *f;
	struct report_cause *c;
	size_t max = u->abstract ? UW_SUN_PATH - 1 : UW_SUN_PATH;

	if (u->abstract) {
		if (u->len <= max) {
			f = report_add(u->r, "length", REPORT_OK);
			report_printf(&f->text,
				      "the name is %zu bytes: it fits "
				      "sun_path (%zu bytes after the leading "
				      "NUL)",
				      u->len, max);
			return;
		}
	} else if (u->len + 1 <= max) {
		f = report_add(u->r, "length", REPORT_OK);
		report_printf(&f->text,
			      "the path is %zu bytes: it fits sun_path (%zu "
			      "bytes with the NUL)",
			      u->len, max);
		return;
	} else if (u->len == max) {
		f = report_add(u->r, "length", REPORT_NOTE);
		report_printf(&f->text,
			      "the path is %zu bytes: it fills sun_path with "
			      "no room for the NUL; Linux accepts that, "
			      "clients that add a NUL do not",
			      u->len);
		return;
	}
	f = report_add(u->r, "length", REPORT_FAIL);
	report_printf(&f->text,
		      "the %s is %zu bytes: sun_path holds only %zu%s, so "
		      "no connect() can name it",
		      u->abstract ? "name" : "path", u->len,
		      u->abstract ? max : max - 1,
		      u->abstract ? "" : " and the NUL");
	report_kv_u64(f, "bytes", u->len);
	c = uw_cause(u, "path_too_long", EINVAL, UW_RANK_ADDRESS);
	report_printf(&c->text,
		      "The %s does not fit a Unix socket address (%zu bytes; "
		      "at most %zu). No client can connect to it as it is; a "
		      "server cannot have bound it either, unless it bound a "
		      "relative path from inside the directory.",
		      u->abstract ? "name" : "path", u->len,
		      u->abstract ? max : max - 1);
	if (!u->abstract) {
		size_t dl, bl;
		const char *b = uw_base(u->target, u->len, &bl);

		dl = (size_t)(b - u->target);
		sbuf_puts(&c->fix, "cd ");
		uw_put_quoted(&c->fix, u->target, dl > 1 ? dl - 1 : dl);
		sbuf_puts(&c->fix, " and connect to ./");
		sbuf_put(&c->fix, b, bl);
		sbuf_puts(&c->fix, " (a relative path), or move the socket to "
				   "a shorter path");
	} else {
		sbuf_puts(&c->fix, "use a shorter abstract name");
	}
}

static void uw_mode_text(const struct stat *st, char out[11])
{
	facts_mode_text((uint32_t)st->st_mode, out);
}

static void uw_step(struct report_finding *f, const struct perm_comp *c)
{
	struct report_step *s = report_add_step(f);
	char name[IDENT_NAME_MAX];

	s->depth = c->depth;
	if (c->lerrno != 0) {
		snprintf(s->mode, sizeof(s->mode), "?");
		sbuf_puts(&s->owner, "?");
		sbuf_puts(&s->group, "?");
	} else {
		uw_mode_text(&c->st, s->mode);
		if (c->has_acl) {
			/* ls -l's sign of an ACL */
			s->mode[10] = '+';
			s->mode[11] = '\0';
		}
		sbuf_puts(&s->owner,
			  ident_user_name(c->st.st_uid, name, sizeof(name)));
		sbuf_puts(&s->group,
			  ident_group_name(c->st.st_gid, name, sizeof(name)));
	}
	sbuf_puts(&s->name, c->name);
	if (c->link != NULL) {
		s->is_link = true;
		sbuf_puts(&s->target, c->link);
	}
}

/* How a permission was decided, for a sentence: "through group docker
 * (rw-)". */
static void uw_perm_how(struct sbuf *b, const struct perm_result *pr,
			const struct perm_file *f)
{
	char name[IDENT_NAME_MAX], bits[4], mbits[4];

	perm_bits_text(pr->entry, bits);
	switch (pr->by) {
	case PERM_BY_ROOT:
		sbuf_puts(b, "as root (CAP_DAC_OVERRIDE)");
		return;
	case PERM_BY_OWNER:
		report_printf(b, "as its owner (%s)", bits);
		return;
	case PERM_BY_GROUP:
		report_printf(b, "through its group %s (%s",
			      ident_group_name(pr->id, name, sizeof(name)),
			      bits);
		break;
	case PERM_BY_ACL_USER:
		report_printf(b, "through the ACL entry u:%s:%s",
			      ident_user_name(pr->id, name, sizeof(name)),
			      bits);
		if (pr->masked && pr->have != pr->entry) {
			perm_bits_text(pr->have, mbits);
			report_printf(b, ", which the mask cuts to %s", mbits);
		}
		return;
	case PERM_BY_ACL_GROUP:
		report_printf(b, "through the ACL entry g:%s:%s",
			      ident_group_name(pr->id, name, sizeof(name)),
			      bits);
		if (pr->masked && pr->have != pr->entry) {
			perm_bits_text(pr->have, mbits);
			report_printf(b, ", which the mask cuts to %s", mbits);
		}
		return;
	default:
		report_printf(b, "through the bits for other users (%s)", bits);
		return;
	}
	if (f->acl != NULL && pr->masked && pr->have != pr->entry) {
		perm_bits_text(pr->have, mbits);
		report_printf(b, ", cut by the ACL mask to %s", mbits);
	}
	sbuf_putc(b, ')');
}

/* Whose bits decided a refusal: "those of its group docker (r--)". */
static void uw_perm_whose(struct sbuf *b, const struct perm_result *pr)
{
	char name[IDENT_NAME_MAX], bits[4], mbits[4];

	perm_bits_text(pr->entry, bits);
	perm_bits_text(pr->have, mbits);
	switch (pr->by) {
	case PERM_BY_OWNER:
		report_printf(b, "the owner's (%s)", bits);
		break;
	case PERM_BY_GROUP:
		report_printf(b, "those of its group %s (%s)",
			      ident_group_name(pr->id, name, sizeof(name)),
			      bits);
		break;
	case PERM_BY_ACL_USER:
		report_printf(b, "the ACL entry u:%s:%s",
			      ident_user_name(pr->id, name, sizeof(name)),
			      bits);
		break;
	case PERM_BY_ACL_GROUP:
		report_printf(b, "the ACL entry g:%s:%s",
			      ident_group_name(pr->id, name, sizeof(name)),
			      bits);
		break;
	default:
		report_printf(b, "those for other users (%s)", bits);
		return;
	}
	if (pr->masked && pr->have != pr->entry)
		report_printf(b, ", cut by the ACL mask to %s", mbits);
}

/* A permission the session lacks on f (a directory to search, or the
 * socket to write): the group finding, and the cause with its fix. */
static void uw_denied(struct uw *u, const struct perm_file *f, unsigned want,
		      const char *path, bool is_dir)
{
	struct perm_result rdb;
	struct report_finding *g;
	struct report_cause *c;
	char gname[IDENT_NAME_MAX], oname[IDENT_NAME_MAX];
	const char *verb = is_dir ? "search" : "write to";
	const char *user = uw_user(u);
	gid_t gid;

	perm_check(f, &u->db, want, &rdb);
	if (rdb.granted &&
	    (rdb.by == PERM_BY_GROUP || rdb.by == PERM_BY_ACL_GROUP)) {
		ident_group_name(rdb.id, gname, sizeof(gname));
		g = report_add(u->r, "group", REPORT_FAIL);
		report_printf(&g->text,
			      "%s is in group %s in /etc/group, but this "
			      "session does not have it: it started before "
			      "%s was added",
			      user, gname, user);
		report_kv_str(g, "group", gname, strlen(gname));
		report_kv_u64(g, "gid", rdb.id);
		c = uw_cause(u, "group_not_in_session", EACCES,
			     is_dir ? UW_RANK_PATH : UW_RANK_ACCESS);
		report_printf(&c->text,
			      "Group %s may %s %s, and %s was added to it, "
			      "but this login session still has the groups "
			      "it started with. Log out and in again, or run "
			      "`newgrp %s` in the shell that starts the "
			      "client.",
			      gname, verb, path, user, gname);
		report_printf(&c->fix, "newgrp %s", gname);
		return;
	}
	if (perm_granting_group(f, want, &gid) && gid != 0) {
		ident_group_name(gid, gname, sizeof(gname));
		g = report_add(u->r, "group", REPORT_FAIL);
		report_printf(&g->text,
			      "group %s may %s %s; %s is not in it (not in "
			      "/etc/group either)",
			      gname, verb, path, user);
		report_kv_str(g, "group", gname, strlen(gname));
		report_kv_u64(g, "gid", gid);
		c = uw_cause(u, is_dir ? "dir_no_search" : "group_missing",
			     EACCES, is_dir ? UW_RANK_PATH : UW_RANK_ACCESS);
		report_printf(&c->text,
			      "%s may not %s %s: that takes membership of "
			      "group %s. Add %s to it, then log in again (or "
			      "run `newgrp %s`).",
			      user, verb, path, gname, user, gname);
		if (is_dir)
			report_printf(&c->text,
				      " Or let %s alone search it: sudo "
				      "setfacl -m u:%s:x %s.",
				      user, user, path);
		report_printf(&c->fix, "sudo usermod -aG %s %s", gname, user);
		return;
	}
	if (is_dir) {
		c = uw_cause(u, "dir_no_search", EACCES, UW_RANK_PATH);
		report_printf(&c->text,
			      "%s may not search the directory %s (no x "
			      "permission), so nothing inside it can be "
			      "reached. Give %s search permission on it "
			      "with an ACL entry (or make a group that has "
			      "it and add %s to that group).",
			      user, path, user, user);
		sbuf_puts(&c->fix, "sudo setfacl -m u:");
		sbuf_puts(&c->fix, user);
		sbuf_puts(&c->fix, ":x ");
		uw_put_quoted(&c->fix, path, strlen(path));
		return;
	}
	if (perm_granting_group(f, want, &gid) && gid == 0) {
		/* membership of group root would be far more than access to
		 * one socket */
		c = uw_cause(u, "root_group_only", EACCES, UW_RANK_ACCESS);
		report_printf(&c->text,
			      "Only group root may write to %s, and adding %s "
			      "to group root would open much more than this "
			      "socket. Give the socket a dedicated group "
			      "instead (for a systemd .socket unit: "
			      "SocketGroup=NAME; by hand it lasts until the "
			      "service creates the socket again), then add %s "
			      "to it.",
			      path, user, user);
		sbuf_puts(&c->fix, "sudo groupadd sockusers && sudo chgrp "
				   "sockusers ");
		uw_put_quoted(&c->fix, path, strlen(path));
		report_printf(&c->fix, " && sudo usermod -aG sockusers %s",
			      user);
		return;
	}
	if (f->acl != NULL) {
		struct perm_result rs;

		perm_check(f, &u->sess, want, &rs);
		if ((rs.by == PERM_BY_ACL_USER || rs.by == PERM_BY_ACL_GROUP) &&
		    (rs.entry & want) == want) {
			c = uw_cause(u, "acl_mask", EACCES, UW_RANK_ACCESS);
			report_printf(&c->text,
				      "An ACL entry gives %s write access to "
				      "%s, but the ACL mask takes it away. "
				      "Widen the mask.",
				      user, path);
			sbuf_puts(&c->fix, "sudo setfacl -m m::rw ");
			uw_put_quoted(&c->fix, path, strlen(path));
			return;
		}
	}
	ident_user_name(f->uid, oname, sizeof(oname));
	c = uw_cause(u, "owner_only", EACCES, UW_RANK_ACCESS);
	report_printf(&c->text,
		      "Only its owner %s may write to %s: no group and no "
		      "ACL entry %s is in grants it. Run the client as %s, "
		      "or have the service create the socket for a dedicated "
		      "group (for a systemd .socket unit: SocketMode=0660 "
		      "and SocketGroup=GROUP), then add %s to that group.",
		      oname, path, user, oname, user);
	if (u->unit[0] != '\0' && strstr(u->unit, " (or ") == NULL) {
		uw_systemctl(u, &c->fix, "edit");
		sbuf_puts(&c->fix, ".socket");
	} else {
		report_printf(&c->fix, "sudo -u %s CLIENT...", oname);
	}
}

/* The path ends in a symbolic link whose target is missing. */
static bool uw_dangling(const struct perm_walk *w)
{
	return w->end == PERM_WALK_MISSING && w->final_link != SIZE_MAX &&
	       w->stop > w->final_link;
}

static void uw_walk_finding(struct uw *u)
{
	struct perm_walk *w = &u->walk;
	struct report_finding *f;
	struct report_cause *c;
	const char *user = uw_user(u);
	const struct perm_comp *at = w->stop < w->n ? &w->c[w->stop] : NULL;

	f = report_add(u->r, "path",
		       w->end == PERM_WALK_OK ? REPORT_OK : REPORT_FAIL);
	switch (w->end) {
	case PERM_WALK_OK:
		sbuf_puts(&f->text, "every directory on the way to ");
		uw_put_target(u, &f->text);
		report_printf(&f->text, " exists and %s may search it", user);
		break;
	case PERM_WALK_NOSEARCH:
		report_printf(&f->text,
			      "the walk stops at %s: %s has no search (x) "
			      "permission on it",
			      at->path, user);
		break;
	case PERM_WALK_MISSING:
		if (uw_dangling(w))
			report_printf(&f->text,
				      "%s does not exist: the symbolic link %s "
				      "to it dangles",
				      at->path, w->c[w->final_link].path);
		else
			report_printf(&f->text, "%s does not exist", at->path);
		break;
	case PERM_WALK_NOTDIR:
		report_printf(&f->text, "%s is not a directory", at->path);
		break;
	case PERM_WALK_LOOP:
		sbuf_puts(&f->text, "too many symbolic links on the way");
		break;
	default:
		report_printf(&f->text, "cannot look up %s: %s",
			      at ? at->path : "?", strerror(w->end_errno));
		break;
	}
	for (size_t i = 0; i < w->n; i++) {
		uw_step(f, &w->c[i]);
		if (i == w->stop) {
			struct report_step *s = &f->steps[f->nsteps - 1];

			s->mark = REPORT_FAIL;
			if (w->end == PERM_WALK_NOSEARCH)
				report_printf(&s->why, "no search (x) for %s",
					      user);
			else if (w->end == PERM_WALK_MISSING)
				sbuf_puts(&s->why, "missing");
			else if (w->end == PERM_WALK_NOTDIR)
				sbuf_puts(&s->why, "not a directory");
			else if (w->c[i].lerrno != 0)
				sbuf_puts(&s->why, strerror(w->c[i].lerrno));
		} else if (w->c[i].lerrno == EACCES) {
			struct report_step *s = &f->steps[f->nsteps - 1];

			report_printf(&s->why, "cannot look as %s", user);
		}
	}
	switch (w->end) {
	case PERM_WALK_OK:
		return;
	case PERM_WALK_NOSEARCH: {
		struct perm_file pf;

		perm_comp_file(at, &pf);
		uw_denied(u, &pf, PERM_X, at->path, true);
		return;
	}
	case PERM_WALK_MISSING:
		/* the listener step names it (missing or unlinked) */
		return;
	case PERM_WALK_NOTDIR:
		c = uw_cause(u, "not_a_directory", ENOTDIR, UW_RANK_PATH);
		report_printf(&c->text,
			      "%s is on the way to the socket but is not a "
			      "directory: the path is wrong.",
			      at->path);
		sbuf_puts(&c->fix, "check the path");
		return;
	case PERM_WALK_LOOP:
		c = uw_cause(u, "symlink_loop", ELOOP, UW_RANK_PATH);
		sbuf_puts(&c->text, "The symbolic links on the way form a loop "
				    "(or "
				    "more than 40 of them are followed).");
		sbuf_puts(&c->fix, "check the symbolic links with namei -l ");
		uw_put_quoted(&c->fix, u->target, u->len);
		return;
	default:
		c = uw_cause(u, "lookup_error", w->end_errno, UW_RANK_PATH);
		report_printf(&c->text, "Looking up %s fails: %s.",
			      at ? at->path : "the path",
			      strerror(w->end_errno));
		return;
	}
}

/* Something else than a socket sits at the path, and no server claims
 * the name. */
static void uw_not_a_socket(struct uw *u, const struct perm_comp *fc)
{
	struct report_cause *c;
	const char *path = fc->path;

	c = uw_cause(u, "not_a_socket", ECONNREFUSED, UW_RANK_FILE);
	if (S_ISDIR(fc->st.st_mode)) {
		report_printf(&c->text,
			      "%s is a directory, not a socket: the path is "
			      "wrong (the socket may be inside it).",
			      path);
		sbuf_puts(&c->fix, "ls -l ");
		uw_put_quoted(&c->fix, path, strlen(path));
		return;
	}
	report_printf(&c->text,
		      "%s is %s, not a socket: whatever should listen there "
		      "never started, or this file keeps it from binding. "
		      "Check what the file is first; once it is not needed, "
		      "move it away and start the server.",
		      path,
		      S_ISREG(fc->st.st_mode) ? "a regular file"
					      : "another kind of file");
	sbuf_puts(&c->fix, "sudo mv -- ");
	uw_put_quoted(&c->fix, path, strlen(path));
	sbuf_putc(&c->fix, ' ');
	uw_put_quoted(&c->fix, path, strlen(path));
	sbuf_puts(&c->fix, ".bak");
	if (u->unit[0] != '\0') {
		sbuf_puts(&c->fix, " && ");
		uw_systemctl(u, &c->fix, "restart");
	}
}

/* The socket file itself: is it a socket, and may the user write to it? */
static void uw_check_file(struct uw *u)
{
	struct perm_walk *w = &u->walk;
	const struct perm_comp *fc;
	struct report_finding *f;
	struct report_cause *c;
	struct perm_file pf;
	struct perm_result pr;
	char mode[11], on[IDENT_NAME_MAX], gn[IDENT_NAME_MAX];
	const char *path;
	const char *kind;

	if (!w->found)
		return;
	fc = &w->c[w->file];
	path = fc->path;
	uw_mode_text(&fc->st, mode);
	ident_user_name(fc->st.st_uid, on, sizeof(on));
	ident_group_name(fc->st.st_gid, gn, sizeof(gn));
	perm_comp_file(fc, &pf);

	/* the kernel asks for write permission first, whatever the type */
	perm_check(&pf, &u->sess, PERM_W, &pr);
	if (S_ISSOCK(fc->st.st_mode)) {
		f = report_add(u->r, "file", REPORT_OK);
		report_printf(&f->text, "%s is a socket (%s %s %s)", path, mode,
			      on, gn);
	} else {
		kind = S_ISREG(fc->st.st_mode)    ? "a regular file"
		       : S_ISDIR(fc->st.st_mode)  ? "a directory"
		       : S_ISFIFO(fc->st.st_mode) ? "a FIFO"
						  : "not a socket";
		f = report_add(u->r, "file", REPORT_FAIL);
		report_printf(&f->text, "%s is %s, not a socket (%s %s %s)",
			      path, kind, mode, on, gn);
	}
	report_kv_str(f, "mode", mode, strlen(mode));
	report_kv_str(f, "owner", on, strlen(on));
	report_kv_str(f, "group", gn, strlen(gn));

	f = report_add(u->r, "write", pr.granted ? REPORT_OK : REPORT_FAIL);
	if (pr.granted) {
		report_printf(&f->text, "%s may write to it ", uw_user(u));
		uw_perm_how(&f->text, &pr, &pf);
	} else {
		report_printf(&f->text,
			      "%s may not write to it: the bits that apply "
			      "are ",
			      uw_user(u));
		uw_perm_whose(&f->text, &pr);
	}
	report_kv_str(f, "class", perm_class_name(pr.by),
		      strlen(perm_class_name(pr.by)));
	if (pr.granted &&
	    (pr.by == PERM_BY_GROUP || pr.by == PERM_BY_ACL_GROUP)) {
		struct report_finding *g = report_add(u->r, "group", REPORT_OK);
		char gname[IDENT_NAME_MAX];

		ident_group_name(pr.id, gname, sizeof(gname));
		report_printf(&g->text, "%s is in group %s%s", uw_user(u),
			      gname,
			      u->o->id->other_user ? " (in /etc/group)"
						   : ", in /etc/group and in "
						     "this session");
	}
	if (!pr.granted && S_ISSOCK(fc->st.st_mode)) {
		uw_denied(u, &pf, PERM_W, path, false);
	} else if (!pr.granted) {
		/* no point in access to a file that is not the socket */
		c = uw_cause(u, "not_writable", EACCES, UW_RANK_ACCESS);
		report_printf(&c->text,
			      "(That file is not writable by %s either, which "
			      "is why connect() says EACCES rather than "
			      "ECONNREFUSED.)",
			      uw_user(u));
	}
	if (!S_ISSOCK(fc->st.st_mode) && u->named == NULL)
		uw_not_a_socket(u, fc);
}

static bool uw_is_elsewhere(const struct uw *u, const struct uw_sock *s)
{
	return !s->same_name && uw_server_score(s) >= 2 &&
	       uw_same_base(u, s->name, s->name_len);
}

/* Listeners bound under the same file name elsewhere (a client looking
 * at /tmp/mysql.sock while the server uses /run/mysqld/mysqld.sock), as
 * a list into list; the first also into first. Returns how many. */
static size_t uw_same_base_listeners(const struct uw *u, struct sbuf *list,
				     struct sbuf *first)
{
	size_t n = 0;

	for (size_t i = 0; i < u->nsocks; i++) {
		const struct uw_sock *s = &u->socks[i];
		bool seen = false;

		if (!uw_is_elsewhere(u, s))
			continue;
		/* the same path twice (accepted sockets) counts once */
		for (size_t j = 0; j < i && !seen; j++)
			seen = uw_is_elsewhere(u, &u->socks[j]) &&
			       strcmp(u->socks[j].name, s->name) == 0;
		if (seen)
			continue;
		if (n > 0)
			sbuf_puts(list, ", ");
		sbuf_puts(list, s->name);
		if (n == 0)
			sbuf_puts(first, s->name);
		n++;
	}
	return n;
}

static void uw_missing(struct uw *u)
{
	struct report_finding *f;
	struct report_cause *c;
	struct sbuf other = { 0 }, list = { 0 };
	size_t n;

	f = report_add(u->r, "listener", REPORT_FAIL);
	sbuf_puts(&f->text, "no socket file at ");
	uw_put_target(u, &f->text);
	sbuf_puts(&f->text, ", and no server bound to that name");
	n = uw_same_base_listeners(u, &list, &other);
	if (n > 0) {
		struct report_finding *g =
			report_add(u->r, "elsewhere", REPORT_NOTE);

		report_printf(&g->text,
			      "%s with the same file name listen%s "
			      "at ",
			      n > 1 ? "servers" : "a server", n > 1 ? "" : "s");
		sbuf_put(&g->text, list.p, list.len);
		report_kv_str(g, "path", other.p, other.len);
	}
	if (uw_dangling(&u->walk)) {
		const struct perm_comp *l = &u->walk.c[u->walk.final_link];

		c = uw_cause(u, "dangling_symlink", ENOENT, UW_RANK_FILE);
		report_printf(&c->text,
			      "%s is a symbolic link to %s, which does not "
			      "exist: the server that should create it is not "
			      "running, or the link is out of date.",
			      l->path, l->link);
		if (u->unit[0] != '\0') {
			sbuf_puts(&c->text, " See ");
			uw_put_status(u, &c->text);
			sbuf_putc(&c->text, '.');
			uw_systemctl(u, &c->fix, "start");
		} else {
			sbuf_puts(&c->fix, "start the server that creates ");
			uw_put_quoted(&c->fix, u->walk.c[u->walk.stop].path,
				      strlen(u->walk.c[u->walk.stop].path));
			sbuf_puts(&c->fix, ", or fix the link: ls -l ");
			uw_put_quoted(&c->fix, l->path, strlen(l->path));
		}
		sbuf_free(&other);
		sbuf_free(&list);
		return;
	}
	c = uw_cause(u, "missing", ENOENT, UW_RANK_FILE);
	sbuf_puts(&c->text, "Nothing exists at ");
	uw_put_target(u, &c->text);
	if (n > 0) {
		sbuf_puts(&c->text, ". A server listens at ");
		sbuf_put(&c->text, other.p, other.len);
		sbuf_puts(&c->text, " instead: the client looks in the wrong "
				    "place. "
				    "Point it there (its socket option or "
				    "config), or "
				    "link the expected name to it.");
		sbuf_puts(&c->fix, "ln -s ");
		uw_put_quoted(&c->fix, other.p, other.len);
		sbuf_putc(&c->fix, ' ');
		uw_put_quoted(&c->fix, u->target, u->len);
	} else if (u->unit[0] != '\0') {
		sbuf_puts(&c->text, ": the service is not running (or uses "
				    "another path). See ");
		uw_put_status(u, &c->text);
		sbuf_putc(&c->text, '.');
		uw_systemctl(u, &c->fix, "start");
	} else {
		sbuf_puts(&c->text, ": the server is not running, or listens "
				    "elsewhere. Start it, or point the client "
				    "at the "
				    "path the server uses.");
		sbuf_puts(&c->fix, "start the server that should create ");
		uw_put_quoted(&c->fix, u->target, u->len);
	}
	sbuf_free(&other);
	sbuf_free(&list);
}

/* Who serves the socket: process, user, unit. */
static void uw_owner_finding(struct uw *u, const struct uw_sock *s)
{
	struct report_finding *f;
	char un[IDENT_NAME_MAX];

	f = report_add(u->r, "owner", REPORT_NOTE);
	if (u->have_holder && u->holder.found) {
		report_printf(&f->text, "served by pid %lu (%s)",
			      (unsigned long)u->holder.pid, u->holder.comm);
		report_kv_u64(f, "pid", u->holder.pid);
		report_kv_str(f, "comm", u->holder.comm,
			      strlen(u->holder.comm));
		if (u->holder.nholders > 1)
			report_printf(&f->text, " and %u other processes",
				      u->holder.nholders - 1);
	} else {
		sbuf_puts(&f->text, "served by a process sockscope cannot see");
		if (!u->o->id->other_user && geteuid() != 0)
			sbuf_puts(&f->text, " (run as root to name it)");
	}
	if (s->flags & SOCK_F_HAS_UID) {
		ident_user_name(s->uid, un, sizeof(un));
		report_printf(&f->text, ", user %s", un);
		report_kv_u64(f, "uid", s->uid);
	}
	if (u->have_holder && u->holder.unit[0] != '\0') {
		report_printf(&f->text, ", %sunit %s",
			      u->holder.user_unit ? "user " : "",
			      u->holder.unit);
		report_kv_str(f, "unit", u->holder.unit,
			      strlen(u->holder.unit));
	}
	report_kv_u64(f, "inode", s->inode);
}

static void uw_restart_fix(struct uw *u, struct sbuf *fix,
			   const struct uw_sock *s)
{
	if (u->unit[0] != '\0') {
		uw_systemctl(u, fix, "restart");
	} else if (u->have_holder && u->holder.found) {
		report_printf(fix, "restart the server (pid %lu, %s)",
			      (unsigned long)u->holder.pid, u->holder.comm);
	} else {
		report_printf(fix, "restart the server (socket inode %llu)",
			      (unsigned long long)s->inode);
	}
}

static void uw_check_listener(struct uw *u)
{
	struct report_finding *f;
	struct report_cause *c;
	const struct perm_walk *w = &u->walk;
	bool file_missing = !u->abstract && w->end == PERM_WALK_MISSING;
	bool file_seen = !u->abstract && w->found;

	if (u->abstract && u->live == NULL) {
		f = report_add(u->r, "listener", REPORT_FAIL);
		sbuf_puts(&f->text, "no socket is bound to ");
		uw_put_target(u, &f->text);
		sbuf_puts(&f->text, " in this network namespace");
		c = uw_cause(u, "no_listener", ECONNREFUSED, UW_RANK_FILE);
		sbuf_puts(&c->text, "No server has the abstract name ");
		uw_put_target(u, &c->text);
		sbuf_puts(&c->text, ". Abstract names live in a network "
				    "namespace: "
				    "a server in a container or another "
				    "namespace is "
				    "not reachable from here. Start the server "
				    "(or "
				    "run the client in its namespace).");
		sbuf_puts(&c->fix, "start the server that binds ");
		uw_put_target(u, &c->fix);
		return;
	}
	if (u->live != NULL) {
		const struct uw_sock *s = u->live;
		bool listening = s->state == SOCK_ST_LISTEN ||
				 s->netid == SOCK_NETID_UNIX_DGRAM;

		uw_find_unit(u, s);
		f = report_add(u->r, "listener",
			       listening ? REPORT_OK : REPORT_FAIL);
		report_printf(&f->text, "a %s socket (inode %llu) %s ",
			      uw_type_name(s->netid, true),
			      (unsigned long long)s->inode,
			      listening ? (s->state == SOCK_ST_LISTEN ? "listen"
									"s on"
								      : "is "
									"bound "
									"to")
					: "is bound to, but does not listen "
					  "on,");
		uw_put_target(u, &f->text);
		if (u->live_by_name && u->no_vfs)
			sbuf_puts(&f->text, " (matched by its name: "
					    "/proc/net/unix gives "
					    "no file identity to tell a "
					    "replaced file)");
		else if (u->live_by_name)
			report_printf(&f->text,
				      " (matched by its name: the file cannot "
				      "be seen as %s)",
				      uw_user(u));
		report_kv_u64(f, "inode", s->inode);
		uw_owner_finding(u, s);
		if (!listening) {
			c = uw_cause(u, "not_listening", ECONNREFUSED,
				     UW_RANK_SERVER);
			sbuf_puts(&c->text,
				  s->state == SOCK_ST_ESTABLISHED
					  ? "The server closed its listening "
					    "socket; only connections it "
					    "accepted before hold the file. "
					    "Restart it."
					  : "The server bound the socket but "
					    "does not listen on it (yet): it "
					    "may be starting, or stuck. Check "
					    "it or restart it.");
			uw_restart_fix(u, &c->fix, s);
		}
		return;
	}
	if (u->named != NULL) {
		const struct uw_sock *s = u->named;

		uw_find_unit(u, s);
		f = report_add(u->r, "listener", REPORT_FAIL);
		report_printf(&f->text,
			      "a server listens on a socket bound to this "
			      "name (inode %llu), but %s",
			      (unsigned long long)s->inode,
			      file_missing ? "its file was removed"
					   : "the file now at the path is "
					     "another one");
		report_kv_u64(f, "inode", s->inode);
		uw_owner_finding(u, s);
		c = uw_cause(u, file_missing ? "unlinked" : "replaced",
			     file_missing ? ENOENT : ECONNREFUSED,
			     UW_RANK_FILE);
		sbuf_puts(&c->text, "The server still runs, but ");
		uw_put_target(u, &c->text);
		sbuf_puts(&c->text, file_missing ? " was removed after it "
						   "bound: nobody can "
						   "reach it through the path "
						   "any more. "
						 : " was replaced after it "
						   "bound (a second "
						   "start, a cleanup script, a "
						   "package "
						   "update): connections reach "
						   "the new file, "
						   "not the server. ");
		sbuf_puts(&c->text, "Restart the server so that it binds the "
				    "path again.");
		uw_restart_fix(u, &c->fix, s);
		return;
	}
	uw_find_unit(u, NULL);
	if (file_missing) {
		/* only when the socket file itself is missing; a missing
		 * directory is the same story */
		uw_missing(u);
		return;
	}
	if (!file_seen || !S_ISSOCK(w->c[w->file].st.st_mode)) {
		if (!file_seen) {
			f = report_add(u->r, "listener", REPORT_NOTE);
			sbuf_puts(&f->text, "no server is bound to the name ");
			uw_put_target(u, &f->text);
			report_printf(&f->text,
				      " (the file itself cannot be seen "
				      "as %s)",
				      uw_user(u));
		}
		return;
	}
	f = report_add(u->r, "listener", REPORT_FAIL);
	sbuf_puts(&f->text, "no process listens on ");
	uw_put_target(u, &f->text);
	sbuf_puts(&f->text, ": the socket file is stale");
	c = uw_cause(u, "stale", ECONNREFUSED, UW_RANK_FILE);
	sbuf_puts(&c->text, "Nothing listens on ");
	uw_put_target(u, &c->text);
	sbuf_puts(&c->text, ": the socket file was left behind by a server "
			    "that exited (or crashed) without removing it");
	if (u->unit[0] != '\0') {
		sbuf_puts(&c->text, ". The service is down: see ");
		uw_put_status(u, &c->text);
		sbuf_puts(&c->text, ", then start it (it replaces the stale "
				    "file when it binds).");
		uw_systemctl(u, &c->fix, "start");
	} else {
		sbuf_puts(&c->text, ". Start the server again; most servers "
				    "remove a "
				    "stale file when they bind, otherwise "
				    "remove it "
				    "first.");
		sbuf_puts(&c->fix, "start the server (the stale file can go: "
				   "rm -- ");
		uw_put_quoted(&c->fix, w->c[w->file].path,
			      strlen(w->c[w->file].path));
		sbuf_putc(&c->fix, ')');
	}
}

static void uw_check_server(struct uw *u)
{
	const struct uw_sock *s = u->live;
	struct report_finding *f;
	struct report_cause *c;
	int want = uw_type_netid(u->o->type);

	if (s == NULL)
		return;
	if (s->netid != want) {
		f = report_add(u->r, "type", REPORT_FAIL);
		report_printf(&f->text,
			      "the server's socket is a %s socket; the client "
			      "uses %s (--type)",
			      uw_type_name(s->netid, true),
			      uw_type_name(u->o->type, false));
		c = uw_cause(u, "type_mismatch", EPROTOTYPE, UW_RANK_SERVER);
		report_printf(&c->text,
			      "The server uses a %s socket and the client a "
			      "%s one: the kernel refuses to connect "
			      "different types (EPROTOTYPE). Use a %s "
			      "client.",
			      uw_type_name(s->netid, true),
			      uw_type_name(u->o->type, false),
			      uw_type_name(s->netid, true));
		if (s->netid == SOCK_NETID_UNIX_DGRAM) {
			sbuf_puts(&c->fix, "socat - UNIX-SENDTO:");
			uw_put_quoted(&c->fix, u->target, u->len);
		} else {
			sbuf_puts(&c->fix, "socat - UNIX-CONNECT:");
			uw_put_quoted(&c->fix, u->target, u->len);
		}
		return;
	}
	f = report_add(u->r, "type", REPORT_OK);
	report_printf(&f->text,
		      "the server's socket is a %s socket, as the "
		      "client's",
		      uw_type_name(s->netid, true));
	if (s->netid == SOCK_NETID_UNIX_DGRAM && s->peer_ino != 0 &&
	    want == SOCK_NETID_UNIX_DGRAM) {
		f = report_add(u->r, "peer", REPORT_FAIL);
		sbuf_puts(&f->text, "the server's datagram socket is connected "
				    "to another socket");
		c = uw_cause(u, "server_connected", EPERM, UW_RANK_SERVER);
		sbuf_puts(&c->text, "The server's datagram socket is connected "
				    "to "
				    "another peer, so it takes datagrams from "
				    "that "
				    "peer only (EPERM for everyone else).");
		uw_restart_fix(u, &c->fix, s);
		return;
	}
	if (s->state != SOCK_ST_LISTEN || !(s->flags & SOCK_F_HAS_RQ))
		return;
	/* the kernel's unix_recvq_full(): more than the backlog waiting */
	if (s->rq > s->wq) {
		f = report_add(u->r, "queue", REPORT_FAIL);
		report_printf(&f->text,
			      "the listen queue is full: %lu connections wait "
			      "for accept(), the backlog is %lu",
			      (unsigned long)s->rq, (unsigned long)s->wq);
		report_kv_u64(f, "pending", s->rq);
		report_kv_u64(f, "backlog", s->wq);
		c = uw_cause(u, "queue_full", EAGAIN, UW_RANK_SERVER);
		sbuf_puts(&c->text, "The server does not accept connections: "
				    "its "
				    "queue is full, so a new connect() blocks "
				    "(or fails "
				    "with EAGAIN when non-blocking). It is "
				    "hung or "
				    "overloaded; a larger backlog only delays "
				    "this.");
		uw_restart_fix(u, &c->fix, s);
		return;
	}
	f = report_add(u->r, "queue",
		       s->rq == s->wq && s->wq > 0 ? REPORT_NOTE : REPORT_OK);
	report_printf(&f->text, "the listen queue has %lu of %lu waiting%s",
		      (unsigned long)s->rq, (unsigned long)s->wq,
		      s->rq == s->wq && s->wq > 0 ? ": at its limit, the next "
						    "connection fills it"
						  : "");
}

static void uw_check_labels(struct uw *u)
{
	char label[256], path[PATH_MAX];
	struct report_finding *f;
	ssize_t n;

	if (!u->abstract && u->walk.found &&
	    access("/sys/fs/selinux", F_OK) == 0) {
		n = lgetxattr(u->walk.c[u->walk.file].path, "security.selinux",
			      label, sizeof(label) - 1);
		if (n > 0) {
			if (label[n - 1] == '\0')
				n--;
			f = report_add(u->r, "selinux", REPORT_NOTE);
			sbuf_puts(&f->text, "SELinux label of the socket "
					    "file: ");
			sbuf_put(&f->text, label, (size_t)n);
			sbuf_puts(&f->text, " (the policy may deny a connect "
					    "the mode allows: see ausearch -m "
					    "avc)");
			report_kv_str(f, "label", label, (size_t)n);
		}
	}
	if (access("/sys/kernel/security/apparmor", F_OK) == 0) {
		char *buf = NULL;
		size_t len = 0;
		struct sc_err err;

		snprintf(path, sizeof(path), "%s/self/attr/apparmor/current",
			 u->o->proc_root);
		if (sc_read_file(path, 4096, &buf, &len, &err) < 0) {
			snprintf(path, sizeof(path), "%s/self/attr/current",
				 u->o->proc_root);
			if (sc_read_file(path, 4096, &buf, &len, &err) < 0)
				return;
		}
		while (len > 0 &&
		       (buf[len - 1] == '\n' || buf[len - 1] == '\0'))
			len--;
		f = report_add(u->r, "apparmor", REPORT_NOTE);
		if (len == 0 ||
		    (len == 10 && memcmp(buf, "unconfined", 10) == 0)) {
			sbuf_puts(&f->text, "AppArmor: this process is "
					    "unconfined");
		} else {
			sbuf_puts(&f->text, "AppArmor: this process is "
					    "confined "
					    "by ");
			sbuf_put(&f->text, buf, len);
			sbuf_puts(&f->text, "; its rules may deny the connect");
		}
		report_kv_str(f, "label", buf, len);
		free(buf);
	}
}

/* Write access that amounts to root: say why the forum fix is wrong. */
static void uw_check_danger(struct uw *u)
{
	struct report_finding *f;
	const struct perm_comp *fc;

	if (u->abstract || !u->walk.found)
		return;
	fc = &u->walk.c[u->walk.file];
	if (!S_ISSOCK(fc->st.st_mode))
		return;
	if (u->live != NULL && (u->live->flags & SOCK_F_HAS_UID) &&
	    u->live->uid == 0 && (fc->st.st_mode & S_IWGRP))
		u->root_equiv = true;
	if (!u->root_equiv)
		return;
	f = report_add(u->r, "danger", REPORT_NOTE);
	if (fc->st.st_mode & S_IWOTH)
		sbuf_puts(&f->text, "this socket is world-writable and its "
				    "server runs "
				    "as root: if the server acts for whoever "
				    "connects "
				    "(as docker's does), every local user has "
				    "root "
				    "through it; grant access by group "
				    "instead");
	else
		sbuf_puts(&f->text, "write access to this socket is root "
				    "access: the "
				    "server runs as root and acts for whoever "
				    "connects. "
				    "Never chmod 666 (or o+w) it: that gives "
				    "every local "
				    "user root");
}

/* ---- verdict and probe -------------------------------------------------- */

static void uw_verdict(struct uw *u)
{
	struct report *r = u->r;

	report_decide(r);
	if (r->ncauses == 0) {
		sbuf_puts(&r->verdict, "Every check passes: ");
		report_printf(&r->verdict, "%s can connect to ", uw_user(u));
		uw_put_target(u, &r->verdict);
		sbuf_puts(&r->verdict, ".");
		return;
	}
	if (u->root_equiv && (strcmp(r->cause, "group_missing") == 0 ||
			      strcmp(r->cause, "owner_only") == 0 ||
			      strcmp(r->cause, "root_group_only") == 0 ||
			      strcmp(r->cause, "group_not_in_session") == 0))
		sbuf_puts(&r->verdict, " Do not chmod 666 the socket: that "
				       "gives every "
				       "local user root.");
}

static int uw_probe(struct uw *u, struct sc_err *err)
{
	struct sockaddr_storage ss;
	struct sockaddr_un *sun = (struct sockaddr_un *)&ss;
	const size_t off = offsetof(struct sockaddr_un, sun_path);
	const size_t room = sizeof(ss) - off;
	size_t lead = u->abstract ? 1 : 0;
	socklen_t len;
	struct probe_as as = { 0 };
	struct probe_result pr;

	memset(&ss, 0, sizeof(ss));
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path + lead, u->target,
	       u->len < room - lead ? u->len : room - lead);
	if (u->abstract && 1 + u->len <= UW_SUN_PATH)
		len = (socklen_t)(off + 1 + u->len);
	else if (!u->abstract && u->len + 1 <= UW_SUN_PATH)
		len = (socklen_t)(off + u->len + 1);
	else if (!u->abstract && u->len == UW_SUN_PATH)
		len = (socklen_t)(off + u->len); /* Linux takes it */
	else
		/* too long: an address too long, which the kernel refuses
		 * as it would any client's (EINVAL) */
		len = (socklen_t)sizeof(ss);
	if (u->o->switch_user) {
		as.switch_user = true;
		as.uid = u->o->id->uid;
		as.gid = u->o->id->gid;
		as.groups = u->o->id->sess_groups;
		as.ngroups = u->o->id->n_sess;
	}
	if (probe_connect((struct sockaddr *)&ss, len, u->o->type, false, &as,
			  0, &pr, err) < 0)
		return -1;
	u->r->probed = true;
	u->r->probe_err = pr.err;
	if (pr.err == EAGAIN && u->o->type != SOCK_DGRAM)
		sbuf_puts(&u->r->probe_note, "a blocking client would wait");
	return 0;
}

static void uw_free(struct uw *u)
{
	uw_socks_clear(u);
	free(u->socks);
	free(u->abs);
	free(u->resolved);
	if (u->walked)
		perm_walk_free(&u->walk);
}

/* The absolute and the resolved forms of the path, for name matching. */
static void uw_names(struct uw *u)
{
	char *cwd, *rp;
	size_t bl;
	const char *b;

	if (u->target[0] == '/') {
		u->abs = xstrdup(u->target);
	} else {
		cwd = getcwd(NULL, 0);
		if (cwd != NULL) {
			u->abs = xmalloc(strlen(cwd) + u->len + 2);
			sprintf(u->abs, "%s/%s", cwd, u->target);
			free(cwd);
		}
	}
	rp = realpath(u->target, NULL);
	if (rp != NULL) {
		u->resolved = rp;
		return;
	}
	/* the file is missing: resolve its directory */
	b = uw_base(u->target, u->len, &bl);
	if (b == u->target) {
		rp = realpath(".", NULL);
	} else {
		char *dir = xmalloc((size_t)(b - u->target) + 1);

		memcpy(dir, u->target, (size_t)(b - u->target));
		dir[b - u->target] = '\0';
		rp = realpath(dir, NULL);
		free(dir);
	}
	if (rp != NULL) {
		u->resolved = xmalloc(strlen(rp) + bl + 2);
		sprintf(u->resolved, "%s%s%.*s", rp,
			strcmp(rp, "/") == 0 ? "" : "/", (int)bl, b);
		free(rp);
	}
}

int unixwhy_run(const char *target, size_t len, const struct unixwhy_opts *o,
		struct report *r, struct sc_err *err)
{
	struct uw u = { 0 };
	char *path = NULL;
	int ret = -1;

	u.o = o;
	u.r = r;
	ident_display(o->id, u.user, sizeof(u.user));
	u.abstract = len > 0 && target[0] == '@';
	u.target = u.abstract ? target + 1 : target;
	u.len = u.abstract ? len - 1 : len;
	u.sess.uid = o->id->uid;
	u.sess.groups = o->id->sess_groups;
	u.sess.ngroups = o->id->n_sess;
	u.sess.root = o->id->uid == 0;
	u.db.uid = o->id->uid;
	u.db.groups = o->id->db_groups;
	u.db.ngroups = o->id->n_db;
	u.db.root = o->id->uid == 0;
	report_printf(&r->what, "unix %s%s socket",
		      u.abstract ? "abstract " : "",
		      uw_type_name(o->type, false));

	if (!u.abstract) {
		/* paths hold no NUL: the rest of the code may use C strings */
		path = xmalloc(len + 1);
		memcpy(path, target, len);
		path[len] = '\0';
		u.target = path;
		uw_names(&u);
		u.st_ok = stat(path, &u.st) == 0;
		u.st_errno = u.st_ok ? 0 : errno;
	}
	if (uw_collect(&u, err) < 0)
		goto out;
	uw_match(&u);
	uw_check_length(&u);
	if (!u.abstract && u.len + 1 <= UW_SUN_PATH + 1) {
		if (perm_walk(path, &u.sess, &u.db, &u.walk, err) < 0)
			goto out;
		u.walked = true;
		uw_find_unit(&u, u.live != NULL ? u.live : u.named);
		uw_walk_finding(&u);
		uw_check_file(&u);
	}
	if (u.abstract) {
		struct report_finding *f =
			report_add(r, "permissions", REPORT_NOTE);

		sbuf_puts(&f->text, "abstract sockets have no file and no "
				    "permissions: any process in this network "
				    "namespace may connect, and the server "
				    "decides (by SO_PEERCRED)");
	}
	if (u.abstract || u.len + 1 <= UW_SUN_PATH + 1) {
		uw_check_listener(&u);
		uw_check_server(&u);
	}
	uw_check_labels(&u);
	uw_check_danger(&u);
	uw_verdict(&u);
	if (uw_probe(&u, err) < 0)
		goto out;
	ret = 0;
out:
	uw_free(&u);
	free(path);
	return ret;
}
