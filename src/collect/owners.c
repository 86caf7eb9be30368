/* owners.c - one pass over /proc/PID/fd with openat/getdents64/readlinkat
 * (no stdio per entry), building an inode-keyed table of holders. */
#include "config.h"

#include "collect/owners.h"
#include "util/u64map.h"
#include "util/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <unistd.h>

struct owners {
	struct owner *v;
	size_t n; /* holders in v, sized once from the workers' counts */
	char *names;
	size_t names_len;
	struct u64map heads; /* inode -> first owner */
	struct owners_stats stats;
};

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

int owners_parse_stat(const char *buf, size_t len, const char **comm,
		      size_t *comm_len)
{
	const char *open = memchr(buf, '(', len);
	const char *close = NULL;

	if (open == NULL)
		return -1;
	for (const char *p = buf + len; p > open;) {
		p--;
		if (*p == ')') {
			close = p;
			break;
		}
	}
	if (close == NULL)
		return -1;
	*comm = open + 1;
	*comm_len = (size_t)(close - open - 1);
	return 0;
}

int owners_parse_link(const char *link, size_t len, uint64_t *inode)
{
	static const char prefix[] = "socket:[";
	const size_t plen = sizeof(prefix) - 1;
	uint64_t v = 0;
	size_t i;

	/* exactly as the kernel writes it: no sign, no leading zero */
	if (len < plen + 2 || memcmp(link, prefix, plen) != 0 ||
	    link[len - 1] != ']' || link[plen] == '0')
		return -1;
	for (i = plen; i < len - 1; i++) {
		unsigned d = (unsigned char)link[i] - '0';
		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	if (i == plen || v == 0)
		return -1;
	*inode = v;
	return 0;
}

/* Add one holder, keeping each inode's chain in (pid, fd) order whatever
 * order the workers found them in. */
static void owners_add(struct owners *o, uint64_t ino, uint32_t pid,
		       int32_t fd, uint32_t comm_off, uint16_t comm_len)
{
	struct owner *w = &o->v[o->n];
	int added;
	uint32_t *link = u64map_put(&o->heads, ino, &added);

	w->pid = pid;
	w->fd = fd;
	w->comm_off = comm_off;
	w->comm_len = comm_len;
	if (added) {
		w->next = OWNERS_END;
	} else {
		while (*link != OWNERS_END &&
		       (o->v[*link].pid < pid ||
			(o->v[*link].pid == pid && o->v[*link].fd < fd)))
			link = &o->v[*link].next;
		w->next = *link;
	}
	*link = (uint32_t)o->n;
	o->n++;
}

static ssize_t owners_read_small(int dirfd, const char *name, char *buf,
				 size_t cap)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	do
		n = read(fd, buf, cap);
	while (n < 0 && errno == EINTR);
	close(fd);
	return n;
}

/* One socket descriptor found by a worker, before the table is built. */
struct owners_found {
	uint64_t inode;
	uint32_t pid;
	int32_t fd;
	uint32_t comm_off; /* in the worker's own names arena */
	uint16_t comm_len;
};

/* A worker's private results: no locking while scanning. */
struct owners_part {
	struct owners_job *job;
	pthread_t thread;
	int started;
	struct owners_found *v;
	size_t n, cap;
	char *names;
	size_t names_len, names_cap;
	unsigned long unreadable, sockets;
	struct owners_fdlist fds; /* the process being scanned */
	char dents[64 * 1024];
};

struct owners_job {
	int procfd;
	uint32_t *pids; /* from one read of proc_root, in its order */
	char (*pidnames)[11];
	size_t npids;
	atomic_size_t next; /* next index of pids to hand out */
	struct owners_part *parts;
	unsigned nparts;
};

/* Workers take one process at a time: a few processes may hold most of
 * the sockets, and larger shares left one worker with the tail of the
 * scan (measured: 2 threads took 0.75 of one thread's time with shares of
 * 8, 0.55 with shares of 1). */
#define OWNERS_CHUNK 1

static uint32_t owners_part_comm(struct owners_part *p, const char *s,
				 size_t n)
{
	uint32_t off;

	if (p->names_len + n > p->names_cap) {
		do
			p->names_cap = p->names_cap ? p->names_cap * 2 : 16384;
		while (p->names_len + n > p->names_cap);
		p->names = xrealloc(p->names, p->names_cap);
	}
	off = (uint32_t)p->names_len;
	memcpy(p->names + p->names_len, s, n);
	p->names_len += n;
	return off;
}

static void owners_part_add(struct owners_part *p, uint64_t ino, uint32_t pid,
			    int32_t fd, uint32_t comm_off, uint16_t comm_len)
{
	struct owners_found *f;

	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 1024;
		p->v = xreallocarray(p->v, p->cap, sizeof(*p->v));
	}
	f = &p->v[p->n++];
	f->inode = ino;
	f->pid = pid;
	f->fd = fd;
	f->comm_off = comm_off;
	f->comm_len = comm_len;
	p->sockets++;
}

int owners_pid_comm(int piddir, char *comm, uint16_t *len)
{
	char stat[1024];
	const char *c;
	size_t n;
	ssize_t sn = owners_read_small(piddir, "stat", stat, sizeof(stat));

	*len = 0;
	if (sn <= 0 || owners_parse_stat(stat, (size_t)sn, &c, &n) < 0)
		return -1;
	if (n > OWNERS_COMM_MAX)
		n = OWNERS_COMM_MAX;
	memcpy(comm, c, n);
	*len = (uint16_t)n;
	return 0;
}

static void owners_fdlist_add(struct owners_fdlist *l, uint64_t ino,
			      int32_t fd)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	l->v[l->n].inode = ino;
	l->v[l->n].fd = fd;
	l->n++;
}

int owners_pid_fds(int piddir, char *dents, size_t dents_size,
		   struct owners_fdlist *out)
{
	int fddir = openat(piddir, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	out->n = 0;
	if (fddir < 0)
		return (errno == EACCES || errno == EPERM) ? -1 : 1;
	for (;;) {
		long got = syscall(SYS_getdents64, fddir, dents, dents_size);
		if (got < 0 && (errno == EACCES || errno == EPERM)) {
			close(fddir);
			return -1;
		}
		if (got <= 0)
			break;
		for (long pos = 0; pos < got;) {
			const struct linux_dirent64 *d =
				(const void *)(dents + pos);
			char link[64];
			uint64_t ino;
			long fdnum = 0;
			const char *c;
			ssize_t n;

			pos += d->d_reclen;
			if (d->d_type != DT_LNK && d->d_type != DT_UNKNOWN)
				continue;
			for (c = d->d_name; *c >= '0' && *c <= '9'; c++) {
				fdnum = fdnum * 10 + (*c - '0');
				if (fdnum > INT32_MAX)
					break;
			}
			if (*c != '\0' || c == d->d_name)
				continue;
			n = readlinkat(fddir, d->d_name, link, sizeof(link));
			if (n <= 0 || owners_parse_link(link, (size_t)n,
							&ino) < 0)
				continue;
			owners_fdlist_add(out, ino, (int32_t)fdnum);
		}
	}
	close(fddir);
	return 0;
}

/* Scan one process. Returns 0, or -1 if its fd table was refused. */
static int owners_scan_pid(struct owners_part *p, int procfd,
			   const char *pidname, uint32_t pid)
{
	char comm[OWNERS_COMM_MAX];
	uint32_t comm_off = 0;
	uint16_t comm_len = 0;
	int piddir, r;

	piddir = openat(procfd, pidname, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (piddir < 0)
		return 0; /* gone */
	r = owners_pid_fds(piddir, p->dents, sizeof(p->dents), &p->fds);
	/* the command name only for a process that holds a socket; a stat
	 * that does not parse leaves it empty */
	if (r == 0 && p->fds.n > 0 &&
	    owners_pid_comm(piddir, comm, &comm_len) == 0)
		comm_off = owners_part_comm(p, comm, comm_len);
	close(piddir);
	if (r < 0)
		return -1;
	for (size_t i = 0; r == 0 && i < p->fds.n; i++)
		owners_part_add(p, p->fds.v[i].inode, pid, p->fds.v[i].fd,
				comm_off, comm_len);
	return 0;
}

static void *owners_worker(void *arg)
{
	struct owners_part *p = arg;
	struct owners_job *j = p->job;

	for (;;) {
		size_t i = atomic_fetch_add(&j->next, OWNERS_CHUNK);
		size_t end = i + OWNERS_CHUNK;

		if (i >= j->npids)
			break;
		if (end > j->npids)
			end = j->npids;
		for (; i < end; i++)
			if (owners_scan_pid(p, j->procfd, j->pidnames[i],
					    j->pids[i]) < 0)
				p->unreadable++;
	}
	return NULL;
}

/* The process directories of proc_root, read at once so that workers can
 * share them out. */
int owners_open_root(const char *proc_root, struct sc_err *err)
{
	int fd = open(proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		int e = errno;
		return sc_err_set(err, e, "cannot read %s: %s", proc_root,
				  strerror(e));
	}
	return fd;
}

size_t owners_pid_name(const char *name, uint32_t *pid)
{
	unsigned long v = 0;
	const char *c;

	for (c = name; *c >= '0' && *c <= '9'; c++) {
		v = v * 10 + (unsigned long)(*c - '0');
		if (v > UINT32_MAX)
			return 0;
	}
	if (*c != '\0' || c == name)
		return 0;
	*pid = (uint32_t)v;
	return (size_t)(c - name);
}

static void owners_list_pids(struct owners_job *j)
{
	char *dents = xmalloc(64 * 1024);
	size_t cap = 0;
	long got;

	while ((got = syscall(SYS_getdents64, j->procfd, dents, 64 * 1024)) >
	       0) {
		for (long pos = 0; pos < got;) {
			const struct linux_dirent64 *d =
				(const void *)(dents + pos);
			uint32_t pid;
			size_t len;

			pos += d->d_reclen;
			len = owners_pid_name(d->d_name, &pid);
			if (len == 0)
				continue;
			if (j->npids == cap) {
				cap = cap ? cap * 2 : 512;
				j->pids = xreallocarray(j->pids, cap,
							sizeof(*j->pids));
				j->pidnames = xreallocarray(
					j->pidnames, cap, sizeof(*j->pidnames));
			}
			j->pids[j->npids] = pid;
			memcpy(j->pidnames[j->npids], d->d_name, len + 1);
			j->npids++;
		}
	}
	free(dents);
}

unsigned owners_default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > 4 ? 4 : (unsigned)n;
}

int owners_scan_start(const char *proc_root, unsigned threads,
		      struct owners_job **out, struct sc_err *err)
{
	struct owners_job *j;
	int procfd = owners_open_root(proc_root, err);

	if (procfd < 0)
		return -1;
	j = xcalloc(1, sizeof(*j));
	j->procfd = procfd;
	atomic_init(&j->next, 0);
	owners_list_pids(j);
	if (threads == 0)
		threads = 1;
	j->nparts = threads;
	j->parts = xcalloc(threads, sizeof(*j->parts));
	for (unsigned i = 0; i < threads; i++) {
		j->parts[i].job = j;
		/* A worker that cannot be started leaves its share to the
		 * others, or to owners_scan_finish. */
		j->parts[i].started = pthread_create(&j->parts[i].thread, NULL,
						     owners_worker,
						     &j->parts[i]) == 0;
	}
	*out = j;
	return 0;
}

struct owners *owners_build_new(size_t holders, size_t names)
{
	struct owners *o = xcalloc(1, sizeof(*o));

	o->v = xreallocarray(NULL, holders ? holders : 1, sizeof(*o->v));
	o->names = xmalloc(names ? names : 1);
	u64map_reserve(&o->heads, holders);
	return o;
}

uint32_t owners_build_name(struct owners *o, const char *s, size_t n)
{
	uint32_t off = (uint32_t)o->names_len;

	if (n > 0)
		memcpy(o->names + o->names_len, s, n);
	o->names_len += n;
	return off;
}

void owners_build_add(struct owners *o, uint64_t ino, uint32_t pid,
		      int32_t fd, uint32_t name_off, uint16_t name_len)
{
	owners_add(o, ino, pid, fd, name_off, name_len);
}

void owners_build_stats(struct owners *o, const struct owners_stats *st)
{
	o->stats = *st;
}

int owners_scan_finish(struct owners_job *j, struct owners **out)
{
	struct owners *o;
	struct owners_stats st = { .processes = j->npids };
	size_t total = 0, names = 0;

	for (unsigned i = 0; i < j->nparts; i++)
		if (j->parts[i].started)
			pthread_join(j->parts[i].thread, NULL);
	/* Whatever no worker took (none could be started) is scanned here,
	 * by the first part that has no thread. */
	for (unsigned i = 0; i < j->nparts; i++)
		if (!j->parts[i].started) {
			owners_worker(&j->parts[i]);
			break;
		}
	for (unsigned i = 0; i < j->nparts; i++) {
		total += j->parts[i].n;
		names += j->parts[i].names_len;
	}
	o = owners_build_new(total, names);
	for (unsigned i = 0; i < j->nparts; i++) {
		struct owners_part *p = &j->parts[i];
		uint32_t base = owners_build_name(o, p->names, p->names_len);

		for (size_t k = 0; k < p->n; k++)
			owners_add(o, p->v[k].inode, p->v[k].pid, p->v[k].fd,
				   base + p->v[k].comm_off, p->v[k].comm_len);
		st.unreadable += p->unreadable;
		st.sockets += p->sockets;
		free(p->v);
		free(p->names);
		free(p->fds.v);
	}
	o->stats = st;
	free(j->parts);
	free(j->pids);
	free(j->pidnames);
	close(j->procfd);
	free(j);
	*out = o;
	return 0;
}

int owners_scan(const char *proc_root, unsigned threads, struct owners **out,
		struct sc_err *err)
{
	struct owners_job *j;

	if (owners_scan_start(proc_root, threads, &j, err) < 0)
		return -1;
	return owners_scan_finish(j, out);
}

void owners_free(struct owners *o)
{
	if (o == NULL)
		return;
	free(o->v);
	free(o->names);
	u64map_free(&o->heads);
	free(o);
}

const struct owners_stats *owners_stats(const struct owners *o)
{
	return &o->stats;
}

const struct owner *owners_first(const struct owners *o, uint64_t inode)
{
	const uint32_t *head;

	if (inode == 0)
		return NULL;
	head = u64map_get(&o->heads, inode);
	return head == NULL ? NULL : &o->v[*head];
}

const struct owner *owners_next(const struct owners *o, const struct owner *w)
{
	return w->next == OWNERS_END ? NULL : &o->v[w->next];
}

const char *owners_comm(const struct owners *o, const struct owner *w)
{
	return o->names + w->comm_off;
}
