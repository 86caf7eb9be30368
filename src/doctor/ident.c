/* ident.c - the identity a connect() is judged by: uid, primary group, the
 * groups of the user database and those of the running session. */
#include "config.h"

#include "doctor/ident.h"

#include "collect/owners.h"
#include "util/escape.h"
#include "util/parse.h"
#include "util/readfile.h"
#include "util/xalloc.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The passwd entry of a name or a uid (name NULL), into *pw with its
 * strings in *buf (freed by the caller). Returns 1 found, 0 not, -1 on a
 * lookup error (errno kept). */
static int ident_getpw(const char *name, uid_t uid, struct passwd *pw,
		       char **buf)
{
	size_t cap = 1024;
	struct passwd *res = NULL;
	int r;

	for (;;) {
		*buf = xrealloc(*buf, cap);
		if (name != NULL)
			r = getpwnam_r(name, pw, *buf, cap, &res);
		else
			r = getpwuid_r(uid, pw, *buf, cap, &res);
		if (r != ERANGE || cap >= (1u << 20))
			break;
		cap *= 2;
	}
	if (r != 0 && r != ENOENT && r != ESRCH) {
		errno = r;
		return -1;
	}
	return res != NULL;
}

/* getgrouplist() with the array grown until it fits. */
static void ident_grouplist(const char *name, gid_t primary, gid_t **out,
			    size_t *n)
{
	int cap = 32, got;

	for (;;) {
		got = cap;
		*out = xreallocarray(*out, (size_t)cap, sizeof(gid_t));
		if (getgrouplist(name, primary, *out, &got) >= 0)
			break;
		/* got holds the size needed (glibc); grow at least twice */
		cap = got > cap ? got : cap * 2;
		if (cap > 1 << 20) {
			got = 0;
			break;
		}
	}
	*n = (size_t)got;
	if (*n == 0) {
		(*out)[0] = primary;
		*n = 1;
	}
}

static void ident_fill_db(struct ident *id, const struct passwd *pw)
{
	snprintf(id->name, sizeof(id->name), "%s", pw->pw_name);
	id->has_pw = true;
	ident_grouplist(pw->pw_name, pw->pw_gid, &id->db_groups, &id->n_db);
}

int ident_self(struct ident *id, struct sc_err *err)
{
	struct passwd pw;
	char *buf = NULL;
	int n, r;

	memset(id, 0, sizeof(*id));
	id->uid = geteuid();
	id->gid = getegid();
	n = getgroups(0, NULL);
	if (n < 0)
		return sc_err_set(err, errno,
				  "cannot read the session's "
				  "groups: %s",
				  strerror(errno));
	id->sess_groups = xreallocarray(NULL, (size_t)n + 1, sizeof(gid_t));
	id->sess_groups[0] = id->gid;
	n = getgroups(n, id->sess_groups + 1);
	if (n < 0) {
		r = errno;
		ident_free(id);
		return sc_err_set(err, r,
				  "cannot read the session's groups: "
				  "%s",
				  strerror(r));
	}
	id->n_sess = (size_t)n + 1;
	r = ident_getpw(NULL, id->uid, &pw, &buf);
	if (r > 0) {
		ident_fill_db(id, &pw);
	} else {
		/* No entry: the database knows no other groups than these. */
		id->db_groups = xreallocarray(NULL, id->n_sess, sizeof(gid_t));
		memcpy(id->db_groups, id->sess_groups,
		       id->n_sess * sizeof(gid_t));
		id->n_db = id->n_sess;
	}
	free(buf);
	return 0;
}

int ident_user(struct ident *id, const char *user, struct sc_err *err)
{
	struct passwd pw;
	char *buf = NULL;
	char q[ESC_MAX(64)];
	struct sc_err perr = { 0 };
	uint64_t num;
	int r;

	memset(id, 0, sizeof(*id));
	esc_text(q, user, strnlen(user, 64), 0, NULL);
	r = ident_getpw(user, 0, &pw, &buf);
	if (r == 0 &&
	    parse_u64(user, 0, UINT32_MAX - 1, "--user", &num, &perr) == 0)
		r = ident_getpw(NULL, (uid_t)num, &pw, &buf);
	if (r < 0) {
		r = errno;
		free(buf);
		return sc_err_set(err, r, "cannot look up user '%s': %s", q,
				  strerror(r));
	}
	if (r == 0) {
		free(buf);
		return sc_err_set(err, ENOENT, "no such user '%s'", q);
	}
	id->uid = pw.pw_uid;
	id->gid = pw.pw_gid;
	id->other_user = true;
	ident_fill_db(id, &pw);
	free(buf);
	id->sess_groups = xreallocarray(NULL, id->n_db, sizeof(gid_t));
	memcpy(id->sess_groups, id->db_groups, id->n_db * sizeof(gid_t));
	id->n_sess = id->n_db;
	return 0;
}

void ident_free(struct ident *id)
{
	free(id->db_groups);
	free(id->sess_groups);
	id->db_groups = id->sess_groups = NULL;
	id->n_db = id->n_sess = 0;
}

const char *ident_display(const struct ident *id, char *buf, size_t cap)
{
	if (id->name[0] != '\0')
		snprintf(buf, cap, "%s", id->name);
	else
		snprintf(buf, cap, "%lu", (unsigned long)id->uid);
	return buf;
}

static bool ident_has(const gid_t *g, size_t n, gid_t gid)
{
	for (size_t i = 0; i < n; i++)
		if (g[i] == gid)
			return true;
	return false;
}

bool ident_in_db(const struct ident *id, gid_t gid)
{
	return ident_has(id->db_groups, id->n_db, gid);
}

bool ident_in_session(const struct ident *id, gid_t gid)
{
	return ident_has(id->sess_groups, id->n_sess, gid);
}

const char *ident_group_name(gid_t gid, char *buf, size_t cap)
{
	struct group gr, *res = NULL;
	char *tmp = NULL;
	size_t tcap = 1024;
	int r;

	for (;;) {
		tmp = xrealloc(tmp, tcap);
		r = getgrgid_r(gid, &gr, tmp, tcap, &res);
		if (r != ERANGE || tcap >= (1u << 22))
			break;
		tcap *= 2;
	}
	if (r == 0 && res != NULL)
		snprintf(buf, cap, "%s", gr.gr_name);
	else
		snprintf(buf, cap, "%lu", (unsigned long)gid);
	free(tmp);
	return buf;
}

const char *ident_user_name(uid_t uid, char *buf, size_t cap)
{
	struct passwd pw;
	char *tmp = NULL;

	if (ident_getpw(NULL, uid, &pw, &tmp) > 0)
		snprintf(buf, cap, "%s", pw.pw_name);
	else
		snprintf(buf, cap, "%lu", (unsigned long)uid);
	free(tmp);
	return buf;
}

/* The unit in one cgroup path ("/system.slice/docker.service"). */
static int ident_unit_in_path(const char *p, size_t len, char *unit, size_t cap,
			      bool *user_unit)
{
	const char *best = NULL;
	size_t best_len = 0;
	bool in_user = false, best_user = false;
	size_t i = 0;

	while (i < len) {
		size_t j = i, n;

		while (j < len && p[j] != '/')
			j++;
		n = j - i;
		if (n > 8 && memcmp(p + i + n - 8, ".service", 8) == 0) {
			best = p + i;
			best_len = n;
			best_user = in_user;
			if (n > 13 && memcmp(p + i, "user@", 5) == 0)
				in_user = true;
		}
		i = j + 1;
	}
	if (best == NULL || best_len + 1 > cap)
		return -1;
	memcpy(unit, best, best_len);
	unit[best_len] = '\0';
	*user_unit = best_user;
	return 0;
}

int ident_cgroup_unit(const char *buf, size_t len, char *unit, size_t cap,
		      bool *user_unit)
{
	static const char *const prefixes[] = { "0::", "name=systemd:" };

	for (size_t k = 0; k < 2; k++) {
		size_t i = 0;

		while (i < len) {
			const char *line = buf + i, *nl, *colon;
			size_t n = len - i, plen = strlen(prefixes[k]);

			nl = memchr(line, '\n', n);
			if (nl != NULL)
				n = (size_t)(nl - line);
			i += n + 1;
			if (k == 0) {
				if (n < plen || memcmp(line, "0::", 3) != 0)
					continue;
				line += plen;
				n -= plen;
			} else {
				/* "1:name=systemd:/path" */
				colon = memchr(line, ':', n);
				if (colon == NULL)
					continue;
				n -= (size_t)(colon + 1 - line);
				line = colon + 1;
				if (n < plen ||
				    memcmp(line, prefixes[k], plen) != 0)
					continue;
				line += plen;
				n -= plen;
			}
			if (ident_unit_in_path(line, n, unit, cap, user_unit) ==
			    0)
				return 0;
		}
	}
	return -1;
}

int ident_holder_of(const char *proc_root, uint64_t inode,
		    struct ident_holder *h, struct sc_err *err)
{
	struct owners *o = NULL;
	const struct owner *w;
	char path[256], *buf = NULL;
	size_t len;
	struct sc_err rerr;
	uint32_t last = 0;

	memset(h, 0, sizeof(*h));
	if (owners_scan(proc_root, owners_default_threads(), &o, err) < 0)
		return -1;
	h->unreadable = owners_stats(o)->unreadable > 0;
	/* owners come in (pid, fd) order: count each process once */
	for (w = owners_first(o, inode); w != NULL; w = owners_next(o, w)) {
		if (!h->found) {
			h->found = true;
			h->pid = w->pid;
			snprintf(h->comm, sizeof(h->comm), "%.*s",
				 (int)w->comm_len, owners_comm(o, w));
			last = w->pid;
			h->nholders = 1;
		} else if (w->pid != last) {
			last = w->pid;
			h->nholders++;
		}
	}
	owners_free(o);
	if (!h->found)
		return 0;
	snprintf(path, sizeof(path), "%s/%lu/cgroup", proc_root,
		 (unsigned long)h->pid);
	if (sc_read_file(path, 1u << 16, &buf, &len, &rerr) == 0) {
		if (ident_cgroup_unit(buf, len, h->unit, sizeof(h->unit),
				      &h->user_unit) < 0)
			h->unit[0] = '\0';
		free(buf);
	}
	return 0;
}
