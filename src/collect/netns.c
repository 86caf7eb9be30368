/* netns.c - find the host's network namespaces and collect inside them.
 * A sock_diag socket lists the namespace it was created in, and setns()
 * moves only the calling thread, so each namespace is dumped on a worker
 * thread that enters it; the caller's thread never moves. */
#include "config.h"

#include "collect/netns.h"

#include "collect/owners.h"
#include "model/rows.h"
#include "util/escape.h"
#include "util/readfile.h"
#include "util/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif

/* a /proc/PID/cgroup file is small; a hostile one is capped */
#define NETNS_CGROUP_MAX (64u * 1024u)

/* ---- -N's operand ------------------------------------------------------ */

static int netns_all_digits(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

int netns_spec_check(const char *spec, struct sc_err *err)
{
	char shown[ESC_MAX(64)];

	if (spec[0] == '\0')
		return sc_err_set(err, EINVAL,
				  "-N needs a namespace name, pid or path");
	if (strchr(spec, '/') != NULL || netns_all_digits(spec))
		return 0;
	if (strcmp(spec, ".") == 0 || strcmp(spec, "..") == 0) {
		esc_text(shown, spec, strlen(spec), 0, NULL);
		return sc_err_set(err, EINVAL,
				  "invalid network namespace name '%s'",
				  shown);
	}
	if (strlen(spec) > 255) {
		esc_text(shown, spec, 64, 0, NULL);
		return sc_err_set(err, EINVAL,
				  "network namespace name too long: '%s...'",
				  shown);
	}
	return 0;
}

/* ---- container labels --------------------------------------------------- */

static int netns_is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* "PREFIX<64 hex>SUFFIX" (SUFFIX may be empty): the id's first 12. */
static int netns_match_id(const char *c, size_t n, const char *prefix,
			  const char *suffix, const char **id)
{
	size_t pl = strlen(prefix), sl = strlen(suffix);

	if (n != pl + 64 + sl || memcmp(c, prefix, pl) != 0 ||
	    memcmp(c + pl + 64, suffix, sl) != 0 || !netns_is_hex(c + pl, 64))
		return 0;
	*id = c + pl;
	return 1;
}

static size_t netns_put(char *out, size_t cap, const char *kind,
			const char *s, size_t n)
{
	int w = snprintf(out, cap, "%s%.*s", kind, (int)n, s);

	if (w < 0)
		return 0;
	return (size_t)w < cap ? (size_t)w : cap - 1;
}

/* A Kubernetes pod uid from a component: "pod<uid>" (cgroupfs) or
 * "kubepods-<qos>-pod<uid with _>.slice" (systemd). */
static size_t netns_k8s_pod(const char *c, size_t n, char *out, size_t cap)
{
	const char *p = NULL;
	size_t len;
	char uid[64];

	if (n > 3 && memcmp(c, "pod", 3) == 0) {
		p = c + 3;
		len = n - 3;
	} else if (n > 6 + 9 && memcmp(c, "kubepods", 8) == 0 &&
		   memcmp(c + n - 6, ".slice", 6) == 0) {
		for (size_t i = n - 6; i >= 4; i--) {
			if (memcmp(c + i - 4, "-pod", 4) == 0) {
				p = c + i;
				break;
			}
		}
		if (p == NULL)
			return 0;
		len = (size_t)(c + n - 6 - p);
	} else {
		return 0;
	}
	if (len == 0 || len >= sizeof(uid))
		return 0;
	for (size_t i = 0; i < len; i++) {
		char ch = p[i] == '_' ? '-' : p[i];

		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
		      ch == '-'))
			return 0;
		uid[i] = ch;
	}
	return netns_put(out, cap, "k8s:", uid, len);
}

size_t netns_cgroup_label(const char *path, size_t len, char *out,
			  size_t cap)
{
	/* the components, innermost last */
	const char *comp[64];
	size_t clen[64], nc = 0;
	const char *id;
	size_t pod = 0;
	char podbuf[NETNS_LABEL_MAX];

	if (cap == 0)
		return 0;
	out[0] = '\0';
	for (size_t i = 0; i < len && nc < 64;) {
		size_t j = i;

		while (j < len && path[j] != '/')
			j++;
		if (j > i) {
			comp[nc] = path + i;
			clen[nc++] = j - i;
		}
		i = j + 1;
	}
	/* the innermost container wins: a container's own sub-cgroups (and
	 * nested runtimes) sit below it */
	for (size_t k = nc; k-- > 0;) {
		const char *c = comp[k];
		size_t n = clen[k];

		if (netns_match_id(c, n, "docker-", ".scope", &id) ||
		    (k > 0 && clen[k - 1] == 6 &&
		     memcmp(comp[k - 1], "docker", 6) == 0 &&
		     netns_match_id(c, n, "", "", &id)))
			return netns_put(out, cap, "docker:", id, 12);
		if (netns_match_id(c, n, "libpod-", ".scope", &id) ||
		    netns_match_id(c, n, "libpod-conmon-", ".scope", &id) ||
		    (k > 0 && clen[k - 1] == 6 &&
		     memcmp(comp[k - 1], "libpod", 6) == 0 &&
		     netns_match_id(c, n, "", "", &id)))
			return netns_put(out, cap, "podman:", id, 12);
		if (netns_match_id(c, n, "cri-containerd-", ".scope", &id) ||
		    netns_match_id(c, n, "crio-", ".scope", &id) ||
		    netns_match_id(c, n, "crio-conmon-", ".scope", &id) ||
		    (k > 0 && netns_match_id(c, n, "", "", &id))) {
			/* a pod's containers are labelled by their pod */
			for (size_t m = k; m-- > 0 && pod == 0;)
				pod = netns_k8s_pod(comp[m], clen[m], podbuf,
						    sizeof(podbuf));
			if (pod > 0)
				return netns_put(out, cap, "", podbuf, pod);
			if (memcmp(c, "cri-containerd-", 15) == 0)
				return netns_put(out, cap, "containerd:", id,
						 12);
			if (memcmp(c, "crio-", 5) == 0)
				return netns_put(out, cap, "crio:", id, 12);
			/* a bare 64-hex component outside a pod: unknown
			 * runtime, keep looking outwards */
			continue;
		}
		pod = netns_k8s_pod(c, n, podbuf, sizeof(podbuf));
		if (pod > 0)
			return netns_put(out, cap, "", podbuf, pod);
	}
	for (size_t k = nc; k-- > 0;)
		if (clen[k] > 8 &&
		    memcmp(comp[k] + clen[k] - 8, ".service", 8) == 0)
			return netns_put(out, cap, "", comp[k], clen[k]);
	return 0;
}

size_t netns_cgroup_file_label(const char *text, size_t len, char *out,
			       size_t cap)
{
	const char *p = text, *end = text + len;
	size_t best = 0;

	if (cap == 0)
		return 0;
	out[0] = '\0';
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl != NULL ? nl : end;
		const char *c1 = memchr(p, ':', (size_t)(le - p));
		const char *c2 =
			c1 != NULL ? memchr(c1 + 1, ':', (size_t)(le - c1 - 1))
				   : NULL;

		if (c2 != NULL) {
			int v2 = c1 - p == 1 && p[0] == '0' && c2 == c1 + 1;
			char tmp[NETNS_LABEL_MAX];
			size_t n = netns_cgroup_label(c2 + 1,
						      (size_t)(le - c2 - 1),
						      tmp, sizeof(tmp));

			/* v2's line is the truth; on v1 a container label
			 * beats a unit name */
			if (v2 || (n > 0 && (best == 0 ||
					     strchr(tmp, ':') != NULL))) {
				best = netns_put(out, cap, "", tmp, n);
				if (v2)
					return best;
			}
		}
		p = le + 1;
	}
	return best;
}

const char *netns_pid_label(struct netns_set *s, uint32_t pid)
{
	int added;
	uint32_t *slot = u64map_put(&s->pl_map, pid, &added);
	char path[64 + 4096];
	char label[NETNS_LABEL_MAX];
	char *text = NULL;
	size_t len = 0;
	struct sc_err err;

	if (!added)
		return s->pl[*slot];
	snprintf(path, sizeof(path), "%s/%u/cgroup", s->proc_root, pid);
	label[0] = '\0';
	if (sc_read_file(path, NETNS_CGROUP_MAX, &text, &len, &err) == 0)
		netns_cgroup_file_label(text, len, label, sizeof(label));
	free(text);
	if (s->pl_n == s->pl_cap) {
		s->pl_cap = s->pl_cap ? s->pl_cap * 2 : 64;
		s->pl = xreallocarray(s->pl, s->pl_cap, sizeof(*s->pl));
	}
	s->pl[s->pl_n] = xstrdup(label);
	*slot = (uint32_t)s->pl_n++;
	return s->pl[*slot];
}

/* ---- the set of namespaces ---------------------------------------------- */

static struct netns_set *netns_set_new(const char *proc_root)
{
	struct netns_set *s = xcalloc(1, sizeof(*s));

	s->proc_root = xstrdup(proc_root);
	return s;
}

void netns_set_free(struct netns_set *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].name);
		free(s->v[i].label);
		free(s->v[i].path);
	}
	free(s->v);
	for (size_t i = 0; i < s->pl_n; i++)
		free(s->pl[i]);
	free(s->pl);
	u64map_free(&s->pl_map);
	free(s->proc_root);
	free(s);
}

static struct netns_info *netns_add(struct netns_set *s, uint64_t dev,
				    uint64_t ino)
{
	struct netns_info *e;

	if (s->n % 64 == 0)
		s->v = xreallocarray(s->v, s->n + 64, sizeof(*s->v));
	e = &s->v[s->n++];
	memset(e, 0, sizeof(*e));
	e->dev = dev;
	e->ino = ino;
	return e;
}

static int netns_stat(const char *path, struct stat *st)
{
	return stat(path, st) == 0 ? 0 : -errno;
}

/* Our own thread's namespace (/proc/self would be the main thread's). */
static int netns_own(struct stat *st)
{
	if (stat("/proc/thread-self/ns/net", st) == 0)
		return 0;
	return stat("/proc/self/ns/net", st) == 0 ? 0 : -1;
}

static int netns_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names under /var/run/netns, sorted; each a bind mount of an nsfs
 * file (anything else there is not a namespace and is passed over). */
static void netns_names(struct netns_set *s, struct u64map *by_ino,
			uint64_t nsfs_dev, int add_new)
{
	DIR *d = opendir(NETNS_RUN_DIR);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			names = xreallocarray(names, cap, sizeof(*names));
		}
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), netns_name_cmp);
	for (size_t i = 0; i < n; i++) {
		char path[sizeof(NETNS_RUN_DIR) + 256 + 1];
		struct stat st;
		uint32_t *slot;
		struct netns_info *e;

		snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, names[i]);
		if (netns_stat(path, &st) < 0 || (uint64_t)st.st_dev != nsfs_dev)
			continue;
		slot = u64map_get(by_ino, (uint64_t)st.st_ino);
		if (slot != NULL) {
			e = &s->v[*slot];
		} else if (add_new && s->n < NETNS_MAX) {
			int added;

			e = netns_add(s, (uint64_t)st.st_dev,
				      (uint64_t)st.st_ino);
			*u64map_put(by_ino, e->ino, &added) =
				(uint32_t)(s->n - 1);
		} else {
			continue;
		}
		if (e->name == NULL)
			e->name = xstrdup(names[i]);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* Fold one process's label into its namespace's. */
static void netns_fold_label(struct netns_info *e, const char *label)
{
	if (label[0] == '\0' || e->label_conflict)
		return;
	if (e->label == NULL) {
		e->label = xstrdup(label);
	} else if (strcmp(e->label, label) != 0) {
		free(e->label);
		e->label = NULL;
		e->label_conflict = 1;
	}
}

/* Every namespace a process of proc_root is in, and every name; v[0] is
 * ours. Sorted by inode after ours. */
static void netns_enumerate(struct netns_set *s, int labels)
{
	struct u64map by_ino = { 0 };
	struct stat own, host, st;
	DIR *d;
	struct dirent *de;
	char path[4096 + 64];
	int added;
	struct netns_info *e;

	if (netns_own(&own) < 0)
		memset(&own, 0, sizeof(own));
	e = netns_add(s, (uint64_t)own.st_dev, (uint64_t)own.st_ino);
	e->own = 1;
	*u64map_put(&by_ino, e->ino, &added) = 0;
	snprintf(path, sizeof(path), "%s/1/ns/net", s->proc_root);
	if (netns_stat(path, &host) < 0)
		host = own;

	d = opendir(s->proc_root);
	while (d != NULL && (de = readdir(d)) != NULL) {
		uint32_t *slot;
		unsigned long pid;
		char *endp;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		pid = strtoul(de->d_name, &endp, 10);
		if (*endp != '\0' || pid > UINT32_MAX)
			continue;
		snprintf(path, sizeof(path), "%s/%s/ns/net", s->proc_root,
			 de->d_name);
		if (netns_stat(path, &st) < 0) {
			/* gone (ENOENT/ESRCH) is not worth a word */
			if (errno == EACCES || errno == EPERM)
				s->unreadable++;
			continue;
		}
		slot = u64map_get(&by_ino, (uint64_t)st.st_ino);
		if (slot == NULL) {
			if (s->n >= NETNS_MAX)
				continue;
			e = netns_add(s, (uint64_t)st.st_dev,
				      (uint64_t)st.st_ino);
			*u64map_put(&by_ino, e->ino, &added) =
				(uint32_t)(s->n - 1);
		} else {
			e = &s->v[*slot];
		}
		if (e->pid == 0 || pid < e->pid)
			e->pid = (uint32_t)pid;
		/* the host's processes sit in every kind of unit: only a
		 * namespace of its own says which container it is */
		if (labels && st.st_ino != host.st_ino)
			netns_fold_label(e, netns_pid_label(s, (uint32_t)pid));
	}
	if (d != NULL)
		closedir(d);
	netns_names(s, &by_ino, (uint64_t)own.st_dev, 1);
	u64map_free(&by_ino);
}

static int netns_ino_cmp(const void *a, const void *b)
{
	const struct netns_info *x = a, *y = b;

	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

/* ---- entering ------------------------------------------------------------ */

/* Open a namespace of the set: by its name, else through its process;
 * the inode must still be the one enumerated (a pid may be reused). */
static int netns_open_info(const struct netns_set *s,
			   const struct netns_info *e)
{
	char path[4096 + 64];
	struct stat st;
	int fd;

	if (e->path != NULL)
		snprintf(path, sizeof(path), "%s", e->path);
	else if (e->name != NULL)
		snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, e->name);
	else
		snprintf(path, sizeof(path), "%s/%u/ns/net", s->proc_root,
			 e->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || (uint64_t)st.st_ino != e->ino ||
	    (uint64_t)st.st_dev != e->dev) {
		close(fd);
		return -ESRCH;
	}
	return fd;
}

/* The collection of one namespace, into its own rows. */
struct netns_fill {
	struct rows *rows;
	size_t mark;
	uint16_t idx;
};

static int netns_fill_begin(void *ud, enum collect_dump d)
{
	struct netns_fill *f = ud;

	(void)d;
	f->mark = rows_mark(f->rows);
	return 0;
}

static int netns_fill_discard(void *ud, enum collect_dump d)
{
	struct netns_fill *f = ud;

	(void)d;
	rows_rollback(f->rows, f->mark);
	return 0;
}

static int netns_fill_rec(void *ud, const struct sock_rec *r)
{
	struct netns_fill *f = ud;
	struct sock_rec c = *r;

	c.netns = f->idx;
	rows_add(f->rows, &c);
	return 0;
}

enum netns_outcome {
	NS_PENDING = 0,
	NS_DONE,
	NS_GONE,    /* it went away since it was found */
	NS_SKIPPED, /* it could not be entered: errno in err */
	NS_FAILED,  /* the dump failed: err */
};

struct netns_job {
	enum netns_outcome out;
	int errnum;
	struct rows *rows;
	struct collect_report rep;
	struct sc_err err;
};

struct netns_run {
	pthread_mutex_t mu;
	size_t next;
	struct netns_set *s;
	struct netns_job *jobs;
	const struct collect_query *q;
	struct collect_opts o;
};

/* The procfs files of the namespace a thread entered are under its own
 * /proc entry; a redirected root (tests) stays as it is. */
static struct collect_opts netns_thread_opts(const struct collect_opts *o)
{
	struct collect_opts t = *o;

	if (t.proc_root == NULL || strcmp(t.proc_root, "/proc") == 0)
		t.proc_root = "/proc/thread-self";
	return t;
}

static void *netns_worker(void *arg)
{
	struct netns_run *run = arg;

	for (;;) {
		struct netns_job *j;
		struct netns_info *e;
		struct netns_fill fill;
		struct collect_consumer cons = {
			.ud = &fill,
			.begin = netns_fill_begin,
			.discard = netns_fill_discard,
			.rec = netns_fill_rec,
		};
		size_t i;
		int fd;

		pthread_mutex_lock(&run->mu);
		i = run->next++;
		pthread_mutex_unlock(&run->mu);
		if (i >= run->s->n)
			break;
		e = &run->s->v[i];
		j = &run->jobs[i];
		if (e->own)
			continue;
		fd = netns_open_info(run->s, e);
		if (fd < 0) {
			j->out = fd == -EACCES || fd == -EPERM ? NS_SKIPPED
							       : NS_GONE;
			j->errnum = -fd;
			continue;
		}
		if (setns(fd, CLONE_NEWNET) < 0) {
			j->errnum = errno;
			j->out = NS_SKIPPED;
			close(fd);
			continue;
		}
		close(fd);
		fill.rows = rows_new(0);
		fill.mark = 0;
		fill.idx = (uint16_t)i;
		j->rows = fill.rows;
		if (collect_run(run->q, &run->o, &cons, &j->rep, &j->err) < 0)
			j->out = NS_FAILED;
		else
			j->out = NS_DONE;
	}
	return NULL;
}

/* The namespace's identity for messages: its name, else "net:[INODE]". */
static void netns_ident(const struct netns_info *e, char *out, size_t cap)
{
	char shown[ESC_MAX(256)];

	if (e->name != NULL) {
		esc_text(shown, e->name, strlen(e->name), 0, NULL);
		snprintf(out, cap, "'%s'", shown);
	} else {
		snprintf(out, cap, "net:[%llu]", (unsigned long long)e->ino);
	}
}

static void netns_merge_report(struct collect_report *rep,
			       const struct netns_info *e,
			       const struct collect_report *r)
{
	char id[ESC_MAX(256) + 8];

	netns_ident(e, id, sizeof(id));
	rep->interrupted |= r->interrupted;
	rep->used_proc |= r->used_proc;
	rep->messages += r->messages;
	for (unsigned k = 0; k < r->warnings.n; k++)
		sc_warn_add(&rep->warnings, "network namespace %s: %s", id,
			    r->warnings.msg[k]);
	rep->warnings.dropped += r->warnings.dropped;
}

static int netns_collect_all(const struct netns_select *sel,
			     const struct collect_query *q,
			     const struct collect_opts *o,
			     const struct collect_consumer *c,
			     struct collect_report *rep, struct netns_set *s,
			     struct sc_err *err)
{
	struct netns_run run = { .s = s, .q = q };
	pthread_t tids[8];
	unsigned nt = owners_default_threads(), started = 0;
	int r;

	netns_enumerate(s, sel->labels);
	if (s->n > 2)
		qsort(s->v + 1, s->n - 1, sizeof(*s->v), netns_ino_cmp);
	run.jobs = xcalloc(s->n, sizeof(*run.jobs));
	run.o = netns_thread_opts(o);
	pthread_mutex_init(&run.mu, NULL);
	if (nt > 8)
		nt = 8;
	if (nt > s->n - 1)
		nt = (unsigned)(s->n - 1);
	for (unsigned t = 0; t < nt; t++)
		if (pthread_create(&tids[started], NULL, netns_worker, &run) ==
		    0)
			started++;
	/* ours on this thread meanwhile, straight into the consumer */
	r = collect_run(q, o, c, rep, err);
	s->listed = r == 0;
	if (started == 0 && s->n > 1) {
		/* no thread to enter with: say so rather than list less */
		s->skipped = (unsigned)(s->n - 1);
		s->skip_errno = EAGAIN;
	}
	for (unsigned t = 0; t < started; t++)
		pthread_join(tids[t], NULL);
	pthread_mutex_destroy(&run.mu);
	for (size_t i = 1; i < s->n && r == 0; i++) {
		struct netns_job *j = &run.jobs[i];
		char id[ESC_MAX(256) + 8];

		switch (j->out) {
		case NS_PENDING:
		case NS_GONE:
			break;
		case NS_SKIPPED:
			if (s->skipped++ == 0)
				s->skip_errno = j->errnum;
			break;
		case NS_FAILED:
			netns_ident(&s->v[i], id, sizeof(id));
			sc_warn_add(&rep->warnings,
				    "network namespace %s not listed: %s", id,
				    j->err.msg);
			netns_merge_report(rep, &s->v[i], &j->rep);
			break;
		case NS_DONE:
			s->listed++;
			netns_merge_report(rep, &s->v[i], &j->rep);
			for (size_t k = 0, n = rows_count(j->rows);
			     k < n && r == 0; k++) {
				struct sock_rec rec;

				rows_get(j->rows, k, &rec);
				r = c->rec(c->ud, &rec);
			}
			if (r < 0)
				sc_err_set(err, -r, "collection stopped: %s",
					   strerror(-r));
			break;
		}
	}
	for (size_t i = 0; i < s->n; i++)
		rows_free(run.jobs[i].rows);
	free(run.jobs);
	return r < 0 ? -1 : 0;
}

/* ---- -N ---------------------------------------------------------------- */

/* Open -N's namespace. Errors name what was asked for. */
static int netns_open_spec(const char *spec, const char *proc_root,
			   struct sc_err *err)
{
	char path[4096 + 64];
	char shown[ESC_MAX(256)];
	struct statfs sfs;
	int fd, e, pid = netns_all_digits(spec);

	esc_text(shown, spec, strnlen(spec, 255), 0, NULL);
	if (pid)
		snprintf(path, sizeof(path), "%s/%s/ns/net", proc_root, spec);
	else if (strchr(spec, '/') != NULL)
		snprintf(path, sizeof(path), "%s", spec);
	else
		snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, spec);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		if (e == ENOENT && pid)
			return sc_err_set(err, e, "no process %s", shown);
		if (e == ENOENT && strchr(spec, '/') == NULL)
			return sc_err_set(err, e,
					  "no network namespace '%s' (no %s/%s)",
					  shown, NETNS_RUN_DIR, shown);
		esc_text(shown, path, strnlen(path, 255), 0, NULL);
		return sc_err_set(err, e, "cannot open %s: %s", shown,
				  strerror(e));
	}
	if (fstatfs(fd, &sfs) < 0 || sfs.f_type != NSFS_MAGIC) {
		close(fd);
		return sc_err_set(err, EINVAL,
				  "'%s' is not a namespace file (nsfs)", shown);
	}
	/* another kind of namespace is refused by setns() (EINVAL) */
	return fd;
}

struct netns_one {
	int fd;
	const struct collect_query *q;
	struct collect_opts o;
	const struct collect_consumer *c;
	struct collect_report *rep;
	struct sc_err *err;
	int ret;
	int setns_errno;
};

static void *netns_one_thread(void *arg)
{
	struct netns_one *t = arg;

	if (setns(t->fd, CLONE_NEWNET) < 0) {
		t->setns_errno = errno;
		t->ret = -1;
		return NULL;
	}
	t->ret = collect_run(t->q, &t->o, t->c, t->rep, t->err);
	return NULL;
}

static int netns_collect_one(const struct netns_select *sel,
			     const struct collect_query *q,
			     const struct collect_opts *o,
			     const struct collect_consumer *c,
			     struct collect_report *rep, struct netns_set *s,
			     struct sc_err *err)
{
	struct netns_one t = { .q = q, .c = c, .rep = rep, .err = err };
	struct stat own, st;
	struct netns_info *e;
	pthread_t tid;
	struct u64map by_ino = { 0 };
	int added, r;

	t.fd = netns_open_spec(sel->spec, s->proc_root, err);
	if (t.fd < 0)
		return -1;
	if (fstat(t.fd, &st) < 0) {
		close(t.fd);
		return sc_err_set(err, errno, "cannot stat the namespace: %s",
				  strerror(errno));
	}
	e = netns_add(s, (uint64_t)st.st_dev, (uint64_t)st.st_ino);
	*u64map_put(&by_ino, e->ino, &added) = 0;
	netns_names(s, &by_ino, e->dev, 0);
	u64map_free(&by_ino);
	if (netns_all_digits(sel->spec))
		e->pid = (uint32_t)strtoul(sel->spec, NULL, 10);
	else if (strchr(sel->spec, '/') != NULL)
		e->path = xstrdup(sel->spec);
	if (sel->labels) {
		/* the label is the namespace's processes' (all of them) */
		struct netns_set *all = netns_set_new(s->proc_root);

		netns_enumerate(all, 1);
		for (size_t i = 0; i < all->n; i++)
			if (all->v[i].ino == e->ino && all->v[i].dev == e->dev &&
			    all->v[i].label != NULL)
				e->label = xstrdup(all->v[i].label);
		netns_set_free(all);
	}
	if (netns_own(&own) == 0 && own.st_ino == st.st_ino &&
	    own.st_dev == st.st_dev) {
		/* our own: no need (nor, unprivileged, the right) to enter */
		e->own = 1;
		close(t.fd);
		return collect_run(q, o, c, rep, err);
	}
	t.o = netns_thread_opts(o);
	if (pthread_create(&tid, NULL, netns_one_thread, &t) != 0) {
		close(t.fd);
		return sc_err_set(err, EAGAIN,
				  "cannot start a thread to enter the "
				  "namespace");
	}
	pthread_join(tid, NULL);
	close(t.fd);
	r = t.ret;
	if (t.setns_errno != 0) {
		char shown[ESC_MAX(256)];

		esc_text(shown, sel->spec, strnlen(sel->spec, 255), 0, NULL);
		if (t.setns_errno == EINVAL)
			return sc_err_set(err, EINVAL,
					  "'%s' is not a network namespace",
					  shown);
		return sc_err_set(err, t.setns_errno,
				  "cannot enter network namespace '%s': %s%s",
				  shown, strerror(t.setns_errno),
				  t.setns_errno == EPERM
					  ? " (entering needs CAP_SYS_ADMIN; "
					    "run as root)"
					  : "");
	}
	return r;
}

int netns_collect(const struct netns_select *sel,
		  const struct collect_query *q, const struct collect_opts *o,
		  const struct collect_consumer *c, struct collect_report *rep,
		  struct netns_set **out, struct sc_err *err)
{
	const char *proc_root = o->proc_root != NULL ? o->proc_root : "/proc";
	struct netns_set *s;
	struct stat own;
	int r;

	*out = NULL;
	if (sel->mode == NETNS_NONE)
		return collect_run(q, o, c, rep, err);
	s = netns_set_new(proc_root);
	switch (sel->mode) {
	case NETNS_ALL:
		r = netns_collect_all(sel, q, o, c, rep, s, err);
		break;
	case NETNS_ONE:
		r = netns_collect_one(sel, q, o, c, rep, s, err);
		break;
	case NETNS_OWN:
	case NETNS_NONE:
	default: {
		struct u64map by_ino = { 0 };
		struct netns_info *e;
		int added;

		if (netns_own(&own) < 0)
			memset(&own, 0, sizeof(own));
		e = netns_add(s, (uint64_t)own.st_dev, (uint64_t)own.st_ino);
		e->own = 1;
		*u64map_put(&by_ino, e->ino, &added) = 0;
		netns_names(s, &by_ino, e->dev, 0);
		u64map_free(&by_ino);
		r = collect_run(q, o, c, rep, err);
		break;
	}
	}
	if (r < 0) {
		netns_set_free(s);
		return -1;
	}
	if (sel->mode != NETNS_ALL)
		s->listed = 1;
	*out = s;
	return 0;
}

struct netns_sock {
	int nsfd, domain, type, protocol;
	int fd, errnum, entered;
};

static void *netns_sock_thread(void *arg)
{
	struct netns_sock *t = arg;

	if (setns(t->nsfd, CLONE_NEWNET) < 0) {
		t->errnum = errno;
		return NULL;
	}
	t->entered = 1;
	t->fd = socket(t->domain, t->type, t->protocol);
	if (t->fd < 0)
		t->errnum = errno;
	return NULL;
}

int netns_socket_in(const struct netns_set *s, size_t idx, int domain,
		    int type, int protocol, struct sc_err *err)
{
	struct netns_sock t = { .domain = domain, .type = type,
				.protocol = protocol, .fd = -1 };
	const struct netns_info *e = s != NULL ? &s->v[idx] : NULL;
	char id[ESC_MAX(256) + 8];
	pthread_t tid;

	if (e == NULL || e->own) {
		t.fd = socket(domain, type, protocol);
		if (t.fd < 0)
			return sc_err_set(err, errno, "cannot open a socket: %s",
					  strerror(errno));
		return t.fd;
	}
	netns_ident(e, id, sizeof(id));
	t.nsfd = netns_open_info(s, e);
	if (t.nsfd < 0)
		return sc_err_set(err, -t.nsfd,
				  "cannot open network namespace %s: %s", id,
				  strerror(-t.nsfd));
	/* a thread of its own: setns() would move the caller's for good */
	if (pthread_create(&tid, NULL, netns_sock_thread, &t) != 0) {
		close(t.nsfd);
		return sc_err_set(err, EAGAIN,
				  "cannot start a thread to enter network "
				  "namespace %s",
				  id);
	}
	pthread_join(tid, NULL);
	close(t.nsfd);
	if (!t.entered)
		return sc_err_set(err, t.errnum,
				  "cannot enter network namespace %s: %s%s", id,
				  strerror(t.errnum),
				  t.errnum == EPERM || t.errnum == EACCES
					  ? " (entering needs CAP_SYS_ADMIN; "
					    "run as root)"
					  : "");
	if (t.fd < 0)
		return sc_err_set(err, t.errnum,
				  "cannot open a socket in network namespace "
				  "%s: %s",
				  id, strerror(t.errnum));
	return t.fd;
}

void netns_skip_note(const struct netns_set *s, char *out, size_t cap)
{
	const char *why;

	if (cap == 0)
		return;
	out[0] = '\0';
	if (s == NULL || s->skipped == 0)
		return;
	why = s->skip_errno == EPERM || s->skip_errno == EACCES
		      ? "entering needs CAP_SYS_ADMIN; run as root"
		      : strerror(s->skip_errno);
	snprintf(out, cap, "%u network namespace%s skipped (%s)", s->skipped,
		 s->skipped == 1 ? "" : "s", why);
}
