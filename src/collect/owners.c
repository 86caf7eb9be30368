/* owners.c - one pass over /proc/PID/fd with openat/getdents64/readlinkat
 * (no stdio per entry), building an inode-keyed table of holders. */
#include "config.h"

#include "collect/owners.h"
#include "util/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct owners_slot {
	uint64_t inode; /* 0: empty */
	uint32_t head;  /* first owner */
};

struct owners {
	struct owner *v;
	size_t n, cap;
	char *names;
	size_t names_len, names_cap;
	struct owners_slot *slots;
	size_t nslots; /* power of two */
	size_t used;
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

	if (len < plen + 2 || memcmp(link, prefix, plen) != 0 ||
	    link[len - 1] != ']')
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

static size_t owners_hash(uint64_t ino)
{
	ino ^= ino >> 33;
	ino *= 0xff51afd7ed558ccdull;
	ino ^= ino >> 33;
	return (size_t)ino;
}

static void owners_grow_slots(struct owners *o)
{
	struct owners_slot *old = o->slots;
	size_t oldn = o->nslots;

	o->nslots = oldn ? oldn * 2 : 4096;
	o->slots = xcalloc(o->nslots, sizeof(*o->slots));
	for (size_t i = 0; i < oldn; i++) {
		size_t k;
		if (old[i].inode == 0)
			continue;
		k = owners_hash(old[i].inode) & (o->nslots - 1);
		while (o->slots[k].inode != 0)
			k = (k + 1) & (o->nslots - 1);
		o->slots[k] = old[i];
	}
	free(old);
}

static struct owners_slot *owners_slot(const struct owners *o, uint64_t ino)
{
	size_t k;

	if (o->nslots == 0)
		return NULL;
	k = owners_hash(ino) & (o->nslots - 1);
	while (o->slots[k].inode != 0) {
		if (o->slots[k].inode == ino)
			return &o->slots[k];
		k = (k + 1) & (o->nslots - 1);
	}
	return NULL;
}

static void owners_add(struct owners *o, uint64_t ino, uint32_t pid,
		       int32_t fd, uint32_t comm_off, uint16_t comm_len)
{
	struct owners_slot *s;
	struct owner *w;
	size_t k;

	if (o->n == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 1024;
		o->v = xreallocarray(o->v, o->cap, sizeof(*o->v));
	}
	w = &o->v[o->n];
	w->pid = pid;
	w->fd = fd;
	w->comm_off = comm_off;
	w->comm_len = comm_len;

	s = owners_slot(o, ino);
	if (s != NULL) {
		/* Processes are scanned in directory order and fds in
		 * getdents order: keep each chain sorted by (pid, fd). */
		uint32_t *link = &s->head;
		while (*link != OWNERS_END &&
		       (o->v[*link].pid < pid ||
			(o->v[*link].pid == pid && o->v[*link].fd < fd)))
			link = &o->v[*link].next;
		w->next = *link;
		*link = (uint32_t)o->n;
		o->n++;
		return;
	}
	if ((o->used + 1) * 2 > o->nslots)
		owners_grow_slots(o);
	k = owners_hash(ino) & (o->nslots - 1);
	while (o->slots[k].inode != 0)
		k = (k + 1) & (o->nslots - 1);
	o->slots[k].inode = ino;
	o->slots[k].head = (uint32_t)o->n;
	w->next = OWNERS_END;
	o->used++;
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

static uint32_t owners_store_comm(struct owners *o, const char *s, size_t n)
{
	uint32_t off;

	if (o->names_len + n > o->names_cap) {
		do
			o->names_cap = o->names_cap ? o->names_cap * 2 : 16384;
		while (o->names_len + n > o->names_cap);
		o->names = xrealloc(o->names, o->names_cap);
	}
	off = (uint32_t)o->names_len;
	memcpy(o->names + o->names_len, s, n);
	o->names_len += n;
	return off;
}

/* Scan one process. Returns 0, or -1 if its fd table was refused. */
static int owners_scan_pid(struct owners *o, int procfd, const char *pidname,
			   uint32_t pid, char *dents, size_t dents_cap)
{
	char stat[1024];
	const char *comm = NULL;
	size_t comm_len = 0;
	uint32_t comm_off = 0;
	int have_comm = 0;
	int piddir, fddir;
	ssize_t n;

	piddir = openat(procfd, pidname, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (piddir < 0)
		return 0; /* gone */
	fddir = openat(piddir, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fddir < 0) {
		int e = errno;
		close(piddir);
		return (e == EACCES || e == EPERM) ? -1 : 0;
	}
	for (;;) {
		long got = syscall(SYS_getdents64, fddir, dents, dents_cap);
		if (got < 0 && (errno == EACCES || errno == EPERM)) {
			close(fddir);
			close(piddir);
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
			const char *p;

			pos += d->d_reclen;
			if (d->d_type != DT_LNK && d->d_type != DT_UNKNOWN)
				continue;
			for (p = d->d_name; *p >= '0' && *p <= '9'; p++)
				fdnum = fdnum * 10 + (*p - '0');
			if (*p != '\0' || p == d->d_name || fdnum > INT32_MAX)
				continue;
			n = readlinkat(fddir, d->d_name, link, sizeof(link));
			if (n <= 0 || owners_parse_link(link, (size_t)n,
							&ino) < 0)
				continue;
			if (!have_comm) {
				ssize_t sn = owners_read_small(
					piddir, "stat", stat, sizeof(stat));
				have_comm = 1;
				if (sn > 0 &&
				    owners_parse_stat(stat, (size_t)sn, &comm,
						      &comm_len) == 0) {
					if (comm_len > 64)
						comm_len = 64;
					comm_off = owners_store_comm(
						o, comm, comm_len);
				} else {
					comm_len = 0;
				}
			}
			owners_add(o, ino, pid, (int32_t)fdnum, comm_off,
				   (uint16_t)comm_len);
			o->stats.sockets++;
		}
	}
	close(fddir);
	close(piddir);
	return 0;
}

int owners_scan(const char *proc_root, struct owners **out,
		struct sc_err *err)
{
	struct owners *o = xcalloc(1, sizeof(*o));
	size_t dents_cap = 64 * 1024;
	char *dents;
	int procfd;

	procfd = open(proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0) {
		int e = errno;
		free(o);
		return sc_err_set(err, e, "cannot read %s: %s", proc_root,
				  strerror(e));
	}
	dents = xmalloc(dents_cap);
	{
		char *pdents = xmalloc(dents_cap);
		long got;
		while ((got = syscall(SYS_getdents64, procfd, pdents,
				      dents_cap)) > 0) {
			for (long pos = 0; pos < got;) {
				const struct linux_dirent64 *d =
					(const void *)(pdents + pos);
				unsigned long pid = 0;
				const char *p;

				pos += d->d_reclen;
				for (p = d->d_name; *p >= '0' && *p <= '9'; p++)
					pid = pid * 10 + (unsigned long)(*p - '0');
				if (*p != '\0' || p == d->d_name ||
				    pid > UINT32_MAX)
					continue;
				o->stats.processes++;
				if (owners_scan_pid(o, procfd, d->d_name,
						    (uint32_t)pid, dents,
						    dents_cap) < 0)
					o->stats.unreadable++;
			}
		}
		free(pdents);
	}
	free(dents);
	close(procfd);
	*out = o;
	return 0;
}

void owners_free(struct owners *o)
{
	if (o == NULL)
		return;
	free(o->v);
	free(o->names);
	free(o->slots);
	free(o);
}

const struct owners_stats *owners_stats(const struct owners *o)
{
	return &o->stats;
}

const struct owner *owners_first(const struct owners *o, uint64_t inode)
{
	const struct owners_slot *s;

	if (inode == 0)
		return NULL;
	s = owners_slot(o, inode);
	return s == NULL ? NULL : &o->v[s->head];
}

const struct owner *owners_next(const struct owners *o, const struct owner *w)
{
	return w->next == OWNERS_END ? NULL : &o->v[w->next];
}

const char *owners_comm(const struct owners *o, const struct owner *w)
{
	return o->names + w->comm_off;
}
