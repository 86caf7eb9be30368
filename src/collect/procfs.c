/* procfs.c - the /proc/net fallback collector: parses the text of
 * /proc/net/{tcp,tcp6,udp,udp6,unix} into socket records. */
#include "config.h"

#include "collect/procfs.h"
#include "util/readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/xalloc.h"

/* A /proc/net file larger than this is refused rather than read. */
#define PROCFS_FILE_MAX ((size_t)512 * 1024 * 1024)

/* Flags bit the kernel sets on listening Unix sockets (__SO_ACCEPTCON). */
#define PROCFS_UNIX_ACCEPTCON 0x10000u

/* ---- scanning ------------------------------------------------------------ */

struct procfs_scan {
	const char *p;
	const char *end;
};

static int procfs_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int procfs_at(const struct procfs_scan *s, char c)
{
	return s->p < s->end && *s->p == c;
}

static int procfs_char(struct procfs_scan *s, char c)
{
	if (!procfs_at(s, c))
		return 0;
	s->p++;
	return 1;
}

/* Skips spaces; returns how many there were. */
static size_t procfs_spaces(struct procfs_scan *s)
{
	size_t n = 0;

	while (procfs_at(s, ' ')) {
		s->p++;
		n++;
	}
	return n;
}

/* 1 to maxd hex digits (maxd <= 16), not followed by another hex digit. */
static int procfs_hex(struct procfs_scan *s, unsigned maxd, uint64_t *v)
{
	uint64_t x = 0;
	unsigned n = 0;
	int d;

	while (s->p < s->end && n < maxd && (d = procfs_hexval(*s->p)) >= 0) {
		x = x << 4 | (uint64_t)d;
		s->p++;
		n++;
	}
	if (n == 0 || (s->p < s->end && procfs_hexval(*s->p) >= 0))
		return 0;
	*v = x;
	return 1;
}

/* Exactly 8 hex digits: one 32-bit word of an address. */
static int procfs_hex_word(struct procfs_scan *s, uint32_t *v)
{
	uint32_t x = 0;

	if (s->end - s->p < 8)
		return 0;
	for (int i = 0; i < 8; i++) {
		int d = procfs_hexval(s->p[i]);
		if (d < 0)
			return 0;
		x = x << 4 | (uint32_t)d;
	}
	s->p += 8;
	*v = x;
	return 1;
}

/* Decimal digits whose value is at most max. */
static int procfs_dec(struct procfs_scan *s, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;
	const char *start = s->p;

	while (s->p < s->end && *s->p >= '0' && *s->p <= '9') {
		unsigned d = (unsigned)(*s->p - '0');
		if (x > (max - d) / 10)
			return 0;
		x = x * 10 + d;
		s->p++;
	}
	if (s->p == start || (s->p < s->end && *s->p != ' '))
		return 0;
	*v = x;
	return 1;
}

/* One or more decimal digits whose value is not needed. */
static int procfs_dec_token(struct procfs_scan *s)
{
	const char *start = s->p;

	while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
		s->p++;
	return s->p != start;
}

/* Length of the line at pos (without its '\n'); *term says whether a '\n'
 * ends it. */
static size_t procfs_line(const char *buf, size_t len, size_t pos, int *term)
{
	const char *nl = memchr(buf + pos, '\n', len - pos);

	*term = nl != NULL;
	return nl != NULL ? (size_t)(nl - (buf + pos)) : len - pos;
}

/* ---- /proc/net/tcp, tcp6, udp, udp6 ------------------------------------- */

/* "ADDR:PORT": the address is the kernel's __be32 words, each printed with
 * %08X of its native value, so storing the value back in native order
 * yields the bytes in network order whatever the host's endianness. */
static int procfs_inet_addr(struct procfs_scan *s, unsigned words,
			    uint8_t *addr, uint16_t *port)
{
	uint64_t p;

	for (unsigned i = 0; i < words; i++) {
		uint32_t w;
		if (!procfs_hex_word(s, &w))
			return 0;
		memcpy(addr + 4 * i, &w, sizeof(w));
	}
	if (!procfs_char(s, ':') || !procfs_hex(s, 4, &p))
		return 0;
	*port = (uint16_t)p;
	return 1;
}

/* The "tr tm->when" columns as the model keeps them. when is in clock
 * ticks (USER_HZ), rounded up to milliseconds as ss does. The retransmit
 * timer counts retransmits (retrnsmt); keepalive and zero window probes
 * count probes, which the kernel prints in the "timeout" column. */
static void procfs_inet_timer(struct sock_rec *r, uint64_t tr, uint64_t when,
			      uint64_t retrnsmt, uint64_t probes, long hz)
{
	uint64_t ms, n = tr == SOCK_TIMER_ON ? retrnsmt : probes;

	/* tr 0, no timer running: left unset, which every sink shows as no
	 * timer, as for sock_diag's 0. */
	if (tr == SOCK_TIMER_OFF)
		return;
	ms = when > (UINT64_MAX - (uint64_t)hz) / 1000
		     ? UINT64_MAX
		     : (when * 1000 + (uint64_t)hz - 1) / (uint64_t)hz;
	r->flags |= SOCK_F_HAS_TIMER;
	r->timer = tr > UINT8_MAX ? UINT8_MAX : (uint8_t)tr; /* "unknown" */
	r->expires_ms = ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
	r->retrans = n > UINT8_MAX ? UINT8_MAX : (uint8_t)n;
}

/* One line: sl local rem st tx:rx tr:when retrnsmt uid timeout inode ... */
static int procfs_inet_line(const char *line, size_t n, unsigned words,
			    long hz, struct sock_rec *r)
{
	struct procfs_scan s = { line, line + n };
	uint64_t st, tx, rx, tr, when, retrnsmt, uid, probes, ino;
	int neg;

	if (memchr(line, '\0', n) != NULL)
		return 0;
	procfs_spaces(&s);
	/* sl */
	if (!procfs_dec_token(&s) || !procfs_char(&s, ':') ||
	    !procfs_spaces(&s))
		return 0;
	if (!procfs_inet_addr(&s, words, r->src, &r->sport) ||
	    !procfs_spaces(&s) ||
	    !procfs_inet_addr(&s, words, r->dst, &r->dport) ||
	    !procfs_spaces(&s))
		return 0;
	if (!procfs_hex(&s, 2, &st) || st == 0 || st >= SOCK_ST_COUNT ||
	    !procfs_spaces(&s))
		return 0;
	if (!procfs_hex(&s, 8, &tx) || !procfs_char(&s, ':') ||
	    !procfs_hex(&s, 8, &rx) || !procfs_spaces(&s))
		return 0;
	/* tr:tm->when (a long: 16 digits on 64-bit kernels), retrnsmt */
	if (!procfs_hex(&s, 8, &tr) || !procfs_char(&s, ':') ||
	    !procfs_hex(&s, 16, &when) || !procfs_spaces(&s) ||
	    !procfs_hex(&s, 8, &retrnsmt) || !procfs_spaces(&s))
		return 0;
	if (!procfs_dec(&s, UINT32_MAX, &uid) || !procfs_spaces(&s))
		return 0;
	/* timeout (%d): the probes sent; never negative from the kernel */
	neg = procfs_char(&s, '-');
	if (!procfs_dec(&s, INT32_MAX, &probes) || !procfs_spaces(&s))
		return 0;
	if (!procfs_dec(&s, UINT64_MAX, &ino))
		return 0;
	r->state = (uint8_t)st;
	r->wq = (uint32_t)tx;
	r->rq = (uint32_t)rx;
	r->uid = (uint32_t)uid;
	r->inode = ino;
	r->flags = SOCK_F_HAS_RQ;
	/* A TIME-WAIT line always says uid 0: filler, not an owner. */
	if (st != SOCK_ST_TIME_WAIT)
		r->flags |= SOCK_F_HAS_UID;
	/* A listener's backlog (ss's Send-Q) is not in /proc/net. */
	if (st != SOCK_ST_LISTEN)
		r->flags |= SOCK_F_HAS_WQ;
	procfs_inet_timer(r, tr, when, retrnsmt, neg ? 0 : probes, hz);
	return 1;
}

/* The first line is the header; anything else there is counted. */
static size_t procfs_header(const char *buf, size_t len, const char *word,
			    struct procfs_stats *st)
{
	struct procfs_scan s = { buf, buf + len };
	size_t wl = strlen(word);
	int term;
	size_t n = procfs_line(buf, len, 0, &term);

	procfs_spaces(&s);
	if (!term || (size_t)(s.end - s.p) < wl || memcmp(s.p, word, wl) != 0)
		st->malformed++;
	return n + (size_t)term;
}

int procfs_parse_inet(const char *buf, size_t len, enum sock_netid netid,
		      int family, sock_cb cb, void *ud,
		      struct procfs_stats *st)
{
	unsigned words = family == AF_INET6 ? 4 : 1;
	long hz = sysconf(_SC_CLK_TCK);
	size_t pos;

	if (len == 0)
		return 0;
	if (hz <= 0)
		hz = 100; /* USER_HZ on every architecture Linux has */
	pos = procfs_header(buf, len, "sl ", st);
	while (pos < len) {
		struct sock_rec r;
		int term, rc;
		size_t n = procfs_line(buf, len, pos, &term);

		memset(&r, 0, sizeof(r));
		r.netid = (uint8_t)netid;
		r.family = (uint8_t)family;
		/* The kernel ends every line: one without '\n' was cut. */
		if (!term || !procfs_inet_line(buf + pos, n, words, hz, &r)) {
			st->malformed++;
		} else {
			st->lines++;
			rc = cb(ud, &r);
			if (rc < 0)
				return rc;
		}
		pos += n + (size_t)term;
	}
	return 0;
}

/* ---- /proc/net/unix ------------------------------------------------------ */

/*
 * Each socket is one line, "Num: RefCount Protocol Flags Type St Inode",
 * then, if it has a name, one space and the name. The kernel prints the
 * name raw (an abstract name as '@' and the name with its NULs shown as
 * '@'), so a name holding '\n' continues on the next lines and may hold
 * text that reads as a whole entry. Every line therefore belongs to the
 * entry above it or starts one, and the parser decides which, never
 * accepting a line as a socket on text alone; see procfs_unix_decide().
 *
 * Where this listing differs from sock_diag's (ss -xa) for the same
 * sockets, /proc does not carry the information:
 * - no peer inode, queue lengths, uid or file inode;
 * - an abstract name's inner NULs are '@' here (sock_diag has the bytes),
 *   and a path starting with '@' (a relative path) reads as abstract;
 * - Send-Q of listeners (the backlog) is not shown.
 * Sockets without an inode (connections not yet accept()ed, sockets being
 * released: St 02 or 04, inode 0) are skipped, as sock_diag skips them.
 */

struct procfs_unix_line {
	uint64_t inode;
	uint8_t netid;
	uint8_t state;
	int named;
	size_t name_off; /* offset of the name in the line */
};

/* Whether a line is an entry. The format is matched closely: a line that
 * is not an entry is name text or malformed, never a socket. */
static int procfs_unix_line(const char *line, size_t n,
			    struct procfs_unix_line *e)
{
	struct procfs_scan s = { line, line + n };
	uint64_t v, flags, type, sst, ino;
	int ok;

	if (memchr(line, '\0', n) != NULL)
		return 0;
	/* Num (%pK), RefCount, Protocol */
	if (!procfs_hex(&s, 16, &v) || !procfs_char(&s, ':') ||
	    !procfs_char(&s, ' ') || !procfs_hex(&s, 8, &v) ||
	    !procfs_char(&s, ' ') || !procfs_hex(&s, 8, &v) ||
	    !procfs_char(&s, ' '))
		return 0;
	if (!procfs_hex(&s, 8, &flags) || !procfs_char(&s, ' ') ||
	    !procfs_hex(&s, 8, &type) || !procfs_char(&s, ' ') ||
	    !procfs_hex(&s, 8, &sst) || !procfs_spaces(&s))
		return 0;
	/* The inode is %5lu: right-aligned after the separator. */
	if (!procfs_dec(&s, UINT64_MAX, &ino))
		return 0;
	e->netid = (uint8_t)sock_netid_from_unix_type((unsigned)type, &ok);
	if (!ok)
		return 0;
	/* St is a struct socket state (SS_*) that the kernel derives from
	 * the socket's own state: 3 (connected) for ESTABLISHED, 1 for the
	 * others, ACCEPTCON in Flags for LISTEN; so this is what sock_diag
	 * reports. 2 and 4 are printed for sockets without a struct socket,
	 * whose inode is 0 (skipped, see above), and are mapped as ss maps
	 * them when it reads this file. */
	switch (sst) {
	case 1:
		e->state = SOCK_ST_CLOSE;
		break;
	case 2:
		e->state = SOCK_ST_SYN_SENT;
		break;
	case 3:
		e->state = SOCK_ST_ESTABLISHED;
		break;
	case 4:
		e->state = SOCK_ST_CLOSING;
		break;
	default:
		return 0;
	}
	if (flags & PROCFS_UNIX_ACCEPTCON)
		e->state = SOCK_ST_LISTEN;
	e->inode = ino;
	e->named = s.p < s.end;
	e->name_off = (size_t)(s.p - line) + (e->named ? 1 : 0);
	return 1;
}

/* Inode numbers of the entries accepted so far (open addressing). */
struct procfs_inoset {
	uint64_t *slot; /* 0 = empty; inode 0 is never stored */
	size_t cap;     /* power of two */
	size_t n;
};

static size_t procfs_ino_hash(uint64_t x, size_t cap)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return (size_t)x & (cap - 1);
}

static void procfs_inoset_put(struct procfs_inoset *set, uint64_t ino)
{
	size_t i;

	if (ino == 0)
		return;
	if (2 * (set->n + 1) > set->cap) {
		struct procfs_inoset big = { 0 };
		big.cap = set->cap ? set->cap * 2 : 256;
		big.slot = xcalloc(big.cap, sizeof(*big.slot));
		for (size_t j = 0; j < set->cap; j++)
			if (set->slot[j] != 0)
				procfs_inoset_put(&big, set->slot[j]);
		free(set->slot);
		*set = big;
	}
	for (i = procfs_ino_hash(ino, set->cap); set->slot[i] != 0;
	     i = (i + 1) & (set->cap - 1))
		if (set->slot[i] == ino)
			return;
	set->slot[i] = ino;
	set->n++;
}

static int procfs_inoset_has(const struct procfs_inoset *set, uint64_t ino)
{
	if (set->cap == 0)
		return 0;
	for (size_t i = procfs_ino_hash(ino, set->cap); set->slot[i] != 0;
	     i = (i + 1) & (set->cap - 1))
		if (set->slot[i] == ino)
			return 1;
	return 0;
}

/* The entry being read: its name grows while lines join it. The name is
 * always one stretch of the buffer, the '\n's included. */
struct procfs_unix_entry {
	int have;
	int bad;              /* turned out malformed */
	unsigned long nlines; /* lines it spans */
	struct procfs_unix_line e;
	size_t name_off; /* in the buffer */
	size_t name_len;
	/* After an undecidable line the name is shown as it stood before it
	 * (the likelier reading: such lines are mostly real sockets), while
	 * name_len goes on growing to judge the lines after it. */
	int frozen;
	size_t shown_len;
};

struct procfs_unix {
	const char *buf;
	size_t len;
	procfs_probe_fn probe;
	void *probe_ud;
	sock_cb cb;
	void *ud;
	struct procfs_stats *st;
	struct procfs_inoset seen;
	struct procfs_unix_entry cur;
};

/* Where the group of lines that starts with the entry line [pos, pos + n)
 * ends: that line and the non-entry lines after it, i.e. the text that
 * would join a name if the entry line were name text. A line without '\n'
 * is malformed, never name text, and ends the group. Stops looking once
 * the group passes limit, returning an end past limit. *next is where the
 * line after the group starts. */
static size_t procfs_unix_group(const struct procfs_unix *u, size_t pos,
				size_t n, size_t limit, size_t *next)
{
	size_t end = pos + n;

	pos = end + 1;
	while (pos < u->len && end <= limit) {
		struct procfs_unix_line e;
		int term;
		size_t m = procfs_line(u->buf, u->len, pos, &term);

		if (!term || procfs_unix_line(u->buf + pos, m, &e))
			break;
		end = pos + m;
		pos = end + 1;
	}
	*next = pos;
	return end;
}

static int procfs_probe_name(const struct procfs_unix *u, size_t off,
			     size_t len)
{
	if (memchr(u->buf + off, '\0', len) != NULL)
		return 0; /* no name holds a NUL in this file */
	return u->probe(u->probe_ud, u->buf + off, len);
}

/*
 * Whether the entry line at pos, following an entry with a name, is name
 * text (1) or a socket of its own (0). It is a socket when:
 * (1) the name with it would pass SOCK_UNIX_NAME_MAX;
 * it is text when
 * (2) its inode is one already accepted, or
 * (3) a socket file exists at the path it would make, or at a path that
 *     it and the groups after it would make (a name with several fake
 *     lines);
 * it is a socket when (3) a socket file exists at the name as it stands
 * and at none of the longer paths, and no probe of them failed.
 * Otherwise (abstract names, unlinked files, no probe, failed probes) it
 * is taken as text and counted as ambiguous: listing it could invent a
 * socket. A probe answers for the caller's file system (and, for a
 * relative path, its working directory), which may not be the socket's.
 */
static int procfs_unix_decide(struct procfs_unix *u, size_t pos, size_t n,
			      const struct procfs_unix_line *e)
{
	size_t off = u->cur.name_off;
	size_t limit = off + SOCK_UNIX_NAME_MAX;
	size_t next, end = procfs_unix_group(u, pos, n, limit, &next);
	int unknown = 0;

	if (end > limit)
		return 0;
	if (e->inode != 0 && procfs_inoset_has(&u->seen, e->inode))
		return 1;
	/* "Inode " and the end of the line: the name starts with '\n', so
	 * what follows is text (or the entry above is malformed). */
	if (u->cur.name_len == 0)
		return 1;
	if (u->probe != NULL && u->buf[off] != '@') {
		for (;;) {
			int r = procfs_probe_name(u, off, end - off);
			int term;
			size_t m;

			if (r == 1)
				return 1;
			if (r < 0)
				unknown = 1;
			if (next >= u->len)
				break;
			m = procfs_line(u->buf, u->len, next, &term);
			if (!term)
				break;
			end = procfs_unix_group(u, next, m, limit, &next);
			if (end > limit)
				break;
		}
		if (!unknown &&
		    procfs_probe_name(u, off, u->cur.name_len) == 1)
			return 0;
	}
	u->st->ambiguous++;
	if (!u->cur.frozen) {
		u->cur.frozen = 1;
		u->cur.shown_len = u->cur.name_len;
	}
	return 1;
}

/* Hand over the entry being read, if it is a socket. */
static int procfs_unix_flush(struct procfs_unix *u)
{
	struct procfs_unix_entry *c = &u->cur;
	char abstract[SOCK_UNIX_NAME_MAX];
	struct sock_rec r;
	int rc;

	if (!c->have)
		return 0;
	c->have = 0;
	/* A name of no bytes is never printed without a '\n' after it. */
	if (c->bad || (c->e.named && c->name_len == 0)) {
		u->st->malformed += c->nlines;
		return 0;
	}
	if (c->e.inode == 0)
		return 0;
	memset(&r, 0, sizeof(r));
	r.netid = c->e.netid;
	r.family = AF_UNIX;
	r.state = c->e.state;
	r.inode = c->e.inode;
	if (c->e.named) {
		size_t shown = c->frozen ? c->shown_len : c->name_len;
		r.name_len = (uint16_t)shown;
		r.name = u->buf + c->name_off;
		if (u->buf[c->name_off] == '@') {
			memcpy(abstract, u->buf + c->name_off, shown);
			abstract[0] = '\0';
			r.name = abstract;
		}
	}
	u->st->lines++;
	rc = u->cb(u->ud, &r);
	return rc < 0 ? rc : 0;
}

static int procfs_unix_run(struct procfs_unix *u, size_t pos)
{
	struct procfs_unix_entry *c = &u->cur;
	int rc;

	while (pos < u->len) {
		struct procfs_unix_line e;
		int term;
		size_t n = procfs_line(u->buf, u->len, pos, &term);
		size_t next = pos + n + (size_t)term;

		if (!term) {
			/* The kernel ends every line: this one was cut. */
			u->st->malformed++;
			break;
		}
		if (!procfs_unix_line(u->buf + pos, n, &e)) {
			if (c->have && c->e.named) {
				/* More of the name. */
				c->nlines++;
				c->name_len = pos + n - c->name_off;
				if (c->name_len > SOCK_UNIX_NAME_MAX ||
				    memchr(u->buf + pos, '\0', n) != NULL)
					c->bad = 1;
			} else {
				u->st->malformed++;
			}
			pos = next;
			continue;
		}
		if (c->have && c->e.named && !c->bad &&
		    procfs_unix_decide(u, pos, n, &e)) {
			c->nlines++;
			c->name_len = pos + n - c->name_off;
			pos = next;
			continue;
		}
		rc = procfs_unix_flush(u);
		if (rc < 0)
			return rc;
		c->have = 1;
		c->bad = 0;
		c->frozen = 0;
		c->nlines = 1;
		c->e = e;
		c->name_off = pos + e.name_off;
		c->name_len = e.named ? n - e.name_off : 0;
		if (c->name_len > SOCK_UNIX_NAME_MAX)
			c->bad = 1;
		procfs_inoset_put(&u->seen, e.inode);
		pos = next;
	}
	return procfs_unix_flush(u);
}

int procfs_parse_unix(const char *buf, size_t len, procfs_probe_fn probe,
		      void *probe_ud, sock_cb cb, void *ud,
		      struct procfs_stats *st)
{
	struct procfs_unix u = {
		.buf = buf,
		.len = len,
		.probe = probe,
		.probe_ud = probe_ud,
		.cb = cb,
		.ud = ud,
		.st = st,
	};
	int rc;

	if (len == 0)
		return 0;
	rc = procfs_unix_run(&u, procfs_header(buf, len, "Num ", st));
	free(u.seen.slot);
	return rc;
}

/* ---- reading the files --------------------------------------------------- */

/* The probe used on the live system: what is at the path now. A relative
 * path is looked up from the working directory, not the socket's. */
static int procfs_lstat_probe(void *ud, const char *path, size_t len)
{
	char tmp[SOCK_UNIX_NAME_MAX + 1];
	struct stat sb;

	(void)ud;
	if (len == 0 || len > SOCK_UNIX_NAME_MAX ||
	    memchr(path, '\0', len) != NULL)
		return 0;
	memcpy(tmp, path, len);
	tmp[len] = '\0';
	if (lstat(tmp, &sb) == 0)
		return S_ISSOCK(sb.st_mode) ? 1 : 0;
	if (errno == ENOENT || errno == ENOTDIR)
		return 0;
	return -1;
}

struct procfs_file {
	const char *name;
	enum sock_netid netid; /* for inet files */
	int family;
};

static const struct procfs_file procfs_files[COLLECT_DUMP_COUNT] = {
	[COLLECT_DUMP_UNIX] = { "unix", SOCK_NETID_UNIX_STREAM, AF_UNIX },
	[COLLECT_DUMP_UDP4] = { "udp", SOCK_NETID_UDP, AF_INET },
	[COLLECT_DUMP_UDP6] = { "udp6", SOCK_NETID_UDP, AF_INET6 },
	[COLLECT_DUMP_TCP4] = { "tcp", SOCK_NETID_TCP, AF_INET },
	[COLLECT_DUMP_TCP6] = { "tcp6", SOCK_NETID_TCP, AF_INET6 },
};

/* Passes on the records the query wants. */
struct procfs_pass {
	const struct collect_query *q;
	const struct collect_consumer *c;
};

static int procfs_pass_rec(void *ud, const struct sock_rec *r)
{
	const struct procfs_pass *p = ud;

	if (!collect_rec_matches(p->q, r))
		return 0;
	return p->c->rec(p->c->ud, r);
}

int procfs_collect_dump(const char *proc_root, enum collect_dump dump,
			const struct collect_query *q,
			const struct collect_consumer *c,
			struct collect_report *rep, struct sc_err *err)
{
	struct procfs_pass pass = { q, c };
	struct procfs_stats st = { 0 };
	const struct procfs_file *f;
	char path[PATH_MAX];
	char *buf = NULL;
	size_t len = 0;
	int n, rc;

	if ((unsigned)dump >= COLLECT_DUMP_COUNT)
		return sc_err_set(err, EINVAL, "no /proc/net file for dump %d",
				  (int)dump);
	f = &procfs_files[dump];
	n = snprintf(path, sizeof(path), "%s/net/%s", proc_root, f->name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return sc_err_set(err, ENAMETOOLONG, "cannot read %s/net/%s: %s",
				  proc_root, f->name, strerror(ENAMETOOLONG));
	if (sc_read_file(path, PROCFS_FILE_MAX, &buf, &len, err) < 0)
		return -1;
	rep->used_proc |= 1u << dump;
	rc = c->begin != NULL ? c->begin(c->ud, dump) : 0;
	if (rc >= 0 && dump == COLLECT_DUMP_UNIX)
		rc = procfs_parse_unix(buf, len, procfs_lstat_probe, NULL,
				       procfs_pass_rec, &pass, &st);
	else if (rc >= 0)
		rc = procfs_parse_inet(buf, len, f->netid, f->family,
				       procfs_pass_rec, &pass, &st);
	free(buf);
	if (rc < 0)
		return rc;
	if (st.malformed > 0)
		sc_warn_add(&rep->warnings,
			    "%lu malformed line(s) in %s were skipped",
			    st.malformed, path);
	if (st.ambiguous > 0)
		sc_warn_add(&rep->warnings,
			    "%lu line(s) of %s could be socket-name text and "
			    "were not listed (socket names with newlines); "
			    "sock_diag would show them exactly",
			    st.ambiguous, path);
	return 0;
}
