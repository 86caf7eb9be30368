/* ownercache.c - incremental holder scans. Reading /proc/PID/fd and a
 * readlink per descriptor is what a full scan costs (a third of a second
 * of CPU for 100,000 sockets); a stat of each /proc/PID/fd, whose size is
 * the process's open-descriptor count since Linux 6.2, tells which
 * processes to read again. */
#include "config.h"

#include "collect/ownercache.h"

#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* A process as the last refresh left it. */
struct oc_proc {
	uint32_t pid;
	char name[11];  /* its /proc directory's name */
	uint64_t dir_ino; /* /proc/PID's inode: a new one is a new process */
	int64_t nfd;      /* /proc/PID/fd's size: its descriptor count */
	int refused;      /* its fd table is not readable to us */
	int dirty;        /* read its fd table in this refresh */
	int scanned;      /* read in this refresh already */
	uint16_t comm_len;
	char comm[OWNERS_COMM_MAX];
	struct owners_fdlist fds;
};

struct ownercache {
	int procfd;
	unsigned threads;
	uint64_t full_every_ms, last_full_ms;
	struct oc_proc *procs, *spare;
	size_t nprocs, cap, spare_cap;
	struct u64map pids;    /* pid -> index in procs, rebuilt each time */
	struct u64map live[2]; /* this refresh's inodes and the last one's */
	int cur, have_prev;
	struct u64map gone; /* inodes that left the dump */
	struct ownercache_stats stats;
	char dents[64 * 1024];
};

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

int ownercache_new(const char *proc_root, unsigned threads,
		   uint64_t full_every_ms, struct ownercache **out,
		   struct sc_err *err)
{
	struct ownercache *c;
	int fd = owners_open_root(proc_root, err);

	if (fd < 0)
		return -1;
	c = xcalloc(1, sizeof(*c));
	c->procfd = fd;
	c->threads = threads ? threads : 1;
	c->full_every_ms = full_every_ms;
	*out = c;
	return 0;
}

void ownercache_free(struct ownercache *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->nprocs; i++)
		free(c->procs[i].fds.v);
	free(c->procs);
	free(c->spare);
	u64map_free(&c->pids);
	u64map_free(&c->live[0]);
	u64map_free(&c->live[1]);
	u64map_free(&c->gone);
	close(c->procfd);
	free(c);
}

struct u64map *ownercache_live(struct ownercache *c)
{
	u64map_clear(&c->live[c->cur]);
	return &c->live[c->cur];
}

const struct ownercache_stats *ownercache_stats(const struct ownercache *c)
{
	return &c->stats;
}

/* This refresh's processes, carrying over what is known of those that
 * are the same process as before with the same descriptor count. */
static void oc_list(struct ownercache *c)
{
	size_t n = 0;
	long got;

	u64map_clear(&c->pids);
	u64map_reserve(&c->pids, c->nprocs);
	for (size_t i = 0; i < c->nprocs; i++) {
		int added;
		*u64map_put(&c->pids, c->procs[i].pid, &added) = (uint32_t)i;
	}
	lseek(c->procfd, 0, SEEK_SET);
	while ((got = syscall(SYS_getdents64, c->procfd, c->dents,
			      sizeof(c->dents))) > 0) {
		for (long pos = 0; pos < got;) {
			const struct linux_dirent64 *d =
				(const void *)(c->dents + pos);
			uint32_t pid;
			size_t len;
			struct stat dst, fst;
			char fdpath[16];
			struct oc_proc *p;
			const uint32_t *old;
			int refused = 0;

			pos += d->d_reclen;
			len = owners_pid_name(d->d_name, &pid);
			if (len == 0 ||
			    fstatat(c->procfd, d->d_name, &dst, 0) < 0)
				continue;
			snprintf(fdpath, sizeof fdpath, "%s/fd", d->d_name);
			if (fstatat(c->procfd, fdpath, &fst, 0) < 0) {
				if (errno != EACCES && errno != EPERM)
					continue; /* gone */
				refused = 1;
				fst.st_size = -1;
			}
			if (n == c->spare_cap) {
				c->spare_cap = c->spare_cap ? c->spare_cap * 2 :
							      256;
				c->spare = xreallocarray(c->spare, c->spare_cap,
							 sizeof(*c->spare));
			}
			p = &c->spare[n++];
			old = u64map_get(&c->pids, pid);
			if (old != NULL &&
			    c->procs[*old].dir_ino == (uint64_t)dst.st_ino) {
				*p = c->procs[*old];
				c->procs[*old].fds.v = NULL;
				/* a size of 0 is also what kernels before 6.2
				 * report: no sign, so read it */
				p->dirty = refused || p->refused ||
					   p->nfd != (int64_t)fst.st_size ||
					   fst.st_size == 0;
			} else {
				memset(p, 0, sizeof(*p));
				p->pid = pid;
				memcpy(p->name, d->d_name, len + 1);
				p->dir_ino = (uint64_t)dst.st_ino;
				p->dirty = 1;
			}
			p->nfd = (int64_t)fst.st_size;
			p->scanned = 0;
		}
	}
	for (size_t i = 0; i < c->nprocs; i++)
		free(c->procs[i].fds.v); /* processes that are gone */
	{
		struct oc_proc *t = c->procs;
		size_t tc = c->cap;

		c->procs = c->spare;
		c->cap = c->spare_cap;
		c->spare = t;
		c->spare_cap = tc;
	}
	c->nprocs = n;
}

/* Processes holding a socket that left the dump closed or passed on a
 * descriptor, whatever their count says. */
static void oc_mark_gone(struct ownercache *c)
{
	const struct u64map *now = &c->live[c->cur];
	const struct u64map *before = &c->live[!c->cur];

	if (!c->have_prev)
		return;
	u64map_clear(&c->gone);
	for (size_t i = 0; i < before->cap; i++) {
		int added;

		if (before->vals[i] == U64MAP_EMPTY ||
		    u64map_get(now, before->keys[i]) != NULL)
			continue;
		*u64map_put(&c->gone, before->keys[i], &added) = 0;
	}
	if (c->gone.used == 0)
		return;
	for (size_t i = 0; i < c->nprocs; i++) {
		struct oc_proc *p = &c->procs[i];

		for (size_t k = 0; !p->dirty && k < p->fds.n; k++)
			if (u64map_get(&c->gone, p->fds.v[k].inode) != NULL)
				p->dirty = 1;
	}
}

struct oc_worker {
	struct ownercache *c;
	atomic_size_t *next;
	pthread_t thread;
	char dents[64 * 1024];
};

/* Read one process again if it is dirty; otherwise only its command name
 * when it holds sockets (an exec keeps the descriptors). */
static void oc_visit(struct oc_proc *p, int procfd, char *dents,
		     size_t dents_size)
{
	int piddir, r;

	if (!p->dirty && p->fds.n == 0)
		return;
	piddir = openat(procfd, p->name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (piddir < 0) {
		p->fds.n = 0; /* gone since the listing */
		return;
	}
	if (p->dirty) {
		r = owners_pid_fds(piddir, dents, dents_size, &p->fds);
		p->refused = r < 0;
		p->scanned = 1;
		p->dirty = 0;
	}
	if (p->fds.n > 0 && owners_pid_comm(piddir, p->comm, &p->comm_len) < 0)
		p->comm_len = 0;
	close(piddir);
}

static void *oc_work(void *arg)
{
	struct oc_worker *w = arg;
	struct ownercache *c = w->c;
	size_t i;

	while ((i = atomic_fetch_add(w->next, 1)) < c->nprocs)
		oc_visit(&c->procs[i], c->procfd, w->dents, sizeof(w->dents));
	return NULL;
}

/* Visit every process, on threads when there is much to read. */
static void oc_scan(struct ownercache *c)
{
	size_t dirty = 0;
	unsigned n = 1;
	struct oc_worker *w;
	atomic_size_t next;

	for (size_t i = 0; i < c->nprocs; i++)
		dirty += c->procs[i].dirty != 0;
	c->stats.rescanned += dirty;
	if (dirty >= 64)
		n = c->threads;
	atomic_init(&next, 0);
	if (n == 1) {
		for (size_t i = 0; i < c->nprocs; i++)
			oc_visit(&c->procs[i], c->procfd, c->dents,
				 sizeof(c->dents));
		return;
	}
	w = xcalloc(n, sizeof(*w));
	for (unsigned k = 0; k < n; k++) {
		w[k].c = c;
		w[k].next = &next;
		if (k > 0 && pthread_create(&w[k].thread, NULL, oc_work,
					    &w[k]) != 0)
			w[k].c = NULL;
	}
	oc_work(&w[0]);
	for (unsigned k = 1; k < n; k++)
		if (w[k].c != NULL)
			pthread_join(w[k].thread, NULL);
	free(w);
}

static struct owners *oc_table(const struct ownercache *c)
{
	struct owners_stats st = { .processes = c->nprocs };
	size_t total = 0, names = 0;
	struct owners *o;

	for (size_t i = 0; i < c->nprocs; i++) {
		total += c->procs[i].fds.n;
		if (c->procs[i].fds.n > 0)
			names += c->procs[i].comm_len;
		st.unreadable += c->procs[i].refused != 0;
	}
	st.sockets = total;
	o = owners_build_new(total, names);
	for (size_t i = 0; i < c->nprocs; i++) {
		const struct oc_proc *p = &c->procs[i];
		uint32_t off;

		if (p->fds.n == 0)
			continue;
		off = owners_build_name(o, p->comm, p->comm_len);
		for (size_t k = 0; k < p->fds.n; k++)
			owners_build_add(o, p->fds.v[k].inode, p->pid,
					 p->fds.v[k].fd, off, p->comm_len);
	}
	owners_build_stats(o, &st);
	return o;
}

/* A socket new in the dump that no process holds: some descriptor was
 * replaced without changing the count, somewhere. */
static int oc_unheld_newcomer(const struct ownercache *c,
			      const struct owners *o)
{
	const struct u64map *now = &c->live[c->cur];
	const struct u64map *before = &c->live[!c->cur];

	if (!c->have_prev)
		return 0;
	for (size_t i = 0; i < now->cap; i++)
		if (now->vals[i] != U64MAP_EMPTY &&
		    u64map_get(before, now->keys[i]) == NULL &&
		    owners_first(o, now->keys[i]) == NULL)
			return 1;
	return 0;
}

static void oc_mark_all(struct ownercache *c)
{
	for (size_t i = 0; i < c->nprocs; i++)
		c->procs[i].dirty = !c->procs[i].scanned;
}

int ownercache_update(struct ownercache *c, uint64_t now_ms,
		      struct owners **out, struct sc_err *err)
{
	struct owners *o;
	int full;

	(void)err;
	memset(&c->stats, 0, sizeof(c->stats));
	oc_list(c);
	full = !c->have_prev || (c->full_every_ms > 0 &&
				 now_ms - c->last_full_ms >= c->full_every_ms);
	if (full)
		oc_mark_all(c);
	else
		oc_mark_gone(c);
	oc_scan(c);
	o = oc_table(c);
	if (!full && oc_unheld_newcomer(c, o)) {
		owners_free(o);
		oc_mark_all(c);
		oc_scan(c);
		o = oc_table(c);
		full = 1;
	}
	if (full)
		c->last_full_ms = now_ms;
	c->stats.processes = c->nprocs;
	c->stats.full = full;
	c->cur = !c->cur;
	c->have_prev = 1;
	*out = o;
	return 0;
}
