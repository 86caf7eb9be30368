/* table.c - the ss-style table. The columns are fitted to every row, so
 * rows are kept until the end: each as a compact binary record (about 24
 * bytes for an IPv4 socket), not as text. Widths are measured as rows
 * arrive, while the kernel is still dumping; the text is made again at
 * the end, straight into the output buffer. */
#include "config.h"

#include "output/table.h"
#include "util/escape.h"
#include "util/obuf.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

enum table_col {
	TC_LHOST,
	TC_LPORT,
	TC_PHOST,
	TC_PPORT,
	TC_COUNT
};

static const char *const table_headers[TC_COUNT] = {
	[TC_LHOST] = "Local Address", [TC_LPORT] = "Port",
	[TC_PHOST] = "Peer Address", [TC_PPORT] = "Port",
};

/* Record layout in the arena (unaligned; read with memcpy):
 *   u8 netid, u8 family, u8 state, u8 flags (SOCK_F_*), u8 extra (TR_*)
 *   u32 rq, u32 wq
 *   inet: u16 sport, u16 dport, src, dst (4 or 16 bytes each),
 *         [u32 ifindex if TR_IFINDEX], [u64 inode if TR_INODE]
 *   unix: u64 inode, u64 peer_ino, u8 name_len, name bytes,
 *         [u64 vfs_ino, u32 vfs_dev if TR_DETAILS]
 *   both: [u32 uid, u64 cookie if TR_DETAILS] */
enum table_rec_extra {
	TR_IFINDEX = 1u << 0,
	TR_INODE = 1u << 1,
	TR_DETAILS = 1u << 2,
};

#define TABLE_REC_MAX                                                          \
	(5 + 8 + 4 + 32 + 4 + 8 + 16 + 1 + SOCK_UNIX_NAME_MAX + 12 + 12)

struct table {
	struct table_opts o;
	unsigned char *rec;
	size_t reclen, reccap;
	size_t w[TC_COUNT];
	size_t w_rq, w_wq, w_netid, w_state;
	/* what follows the columns: Process, -e details */
	char *tail;
	size_t tail_len, tail_cap;
};

static size_t table_digits(uint32_t v)
{
	size_t n = 1;
	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

static unsigned char *table_put(unsigned char *p, const void *v, size_t n)
{
	memcpy(p, v, n);
	return p + n;
}

static size_t table_encode(const struct table *t, const struct sock_rec *r,
			   unsigned char *out)
{
	unsigned char *p = out;
	uint8_t extra = 0;

	if (r->family != AF_UNIX && r->ifindex != 0)
		extra |= TR_IFINDEX;
	if (r->family != AF_UNIX && (t->o.processes || t->o.extended))
		extra |= TR_INODE;
	if (t->o.extended)
		extra |= TR_DETAILS;
	*p++ = r->netid;
	*p++ = r->family;
	*p++ = r->state;
	*p++ = r->flags;
	*p++ = extra;
	p = table_put(p, &r->rq, 4);
	p = table_put(p, &r->wq, 4);
	if (r->family == AF_UNIX) {
		uint8_t n = r->name != NULL ? (uint8_t)r->name_len : 0;
		p = table_put(p, &r->inode, 8);
		p = table_put(p, &r->peer_ino, 8);
		*p++ = n;
		if (n > 0)
			p = table_put(p, r->name, n);
		if (extra & TR_DETAILS) {
			p = table_put(p, &r->vfs_ino, 8);
			p = table_put(p, &r->vfs_dev, 4);
		}
	} else {
		size_t alen = r->family == AF_INET ? 4 : 16;
		p = table_put(p, &r->sport, 2);
		p = table_put(p, &r->dport, 2);
		p = table_put(p, r->src, alen);
		p = table_put(p, r->dst, alen);
		if (extra & TR_IFINDEX)
			p = table_put(p, &r->ifindex, 4);
		if (extra & TR_INODE)
			p = table_put(p, &r->inode, 8);
	}
	if (extra & TR_DETAILS) {
		p = table_put(p, &r->uid, 4);
		p = table_put(p, &r->cookie, 8);
	}
	return (size_t)(p - out);
}

/* Read one record back into r (r->name points into the arena). Returns
 * the record's size. */
static size_t table_decode(const unsigned char *in, struct sock_rec *r)
{
	const unsigned char *p = in;
	uint8_t extra;

	memset(r, 0, sizeof(*r));
	r->netid = *p++;
	r->family = *p++;
	r->state = *p++;
	r->flags = *p++;
	extra = *p++;
	memcpy(&r->rq, p, 4);
	memcpy(&r->wq, p + 4, 4);
	p += 8;
	if (r->family == AF_UNIX) {
		memcpy(&r->inode, p, 8);
		memcpy(&r->peer_ino, p + 8, 8);
		p += 16;
		r->name_len = *p++;
		r->name = r->name_len ? (const char *)p : NULL;
		p += r->name_len;
		if (extra & TR_DETAILS) {
			memcpy(&r->vfs_ino, p, 8);
			memcpy(&r->vfs_dev, p + 8, 4);
			p += 12;
		}
	} else {
		size_t alen = r->family == AF_INET ? 4 : 16;
		memcpy(&r->sport, p, 2);
		memcpy(&r->dport, p + 2, 2);
		p += 4;
		memcpy(r->src, p, alen);
		memcpy(r->dst, p + alen, alen);
		p += 2 * alen;
		if (extra & TR_IFINDEX) {
			memcpy(&r->ifindex, p, 4);
			p += 4;
		}
		if (extra & TR_INODE) {
			memcpy(&r->inode, p, 8);
			p += 8;
		}
	}
	if (extra & TR_DETAILS) {
		memcpy(&r->uid, p, 4);
		memcpy(&r->cookie, p + 4, 8);
		p += 12;
	}
	return (size_t)(p - in);
}

/* Room for n more bytes of tail text. */
static char *table_tail(struct table *t, size_t n)
{
	if (t->tail_len + n > t->tail_cap) {
		do
			t->tail_cap = t->tail_cap ? t->tail_cap * 2 : 4096;
		while (t->tail_len + n > t->tail_cap);
		t->tail = xrealloc(t->tail, t->tail_cap);
	}
	return t->tail + t->tail_len;
}

static void table_tail_put(struct table *t, const char *s, size_t n)
{
	memcpy(table_tail(t, n), s, n);
	t->tail_len += n;
}

static void table_tail_sep(struct table *t)
{
	if (t->tail_len > 0)
		table_tail_put(t, " ", 1);
}

static void table_tail_u64(struct table *t, uint64_t v)
{
	t->tail_len += fmt_u64(table_tail(t, 20), v);
}

/* Untrusted text, escaped as one whitespace-free field. */
static void table_tail_text(struct table *t, const char *s, size_t n,
			    unsigned flags)
{
	t->tail_len += esc_text(table_tail(t, ESC_MAX(n)), s, n,
				t->o.esc_flags | flags, NULL);
}

/* ss's form of a holder list: prefix(("comm",pid=N,fd=M),...), the name
 * escaped; or the text unknown when a process we could not read may hold
 * it. Nothing when no process holds it. */
static void table_holders(struct table *t, uint64_t inode, const char *prefix,
			  const char *unknown)
{
	const struct owners *ow = facts_owner_table(t->o.facts);
	const struct owner *w;
	int first = 1;

	switch (facts_holders(t->o.facts, inode, &w)) {
	case FACTS_NOBODY:
		return;
	case FACTS_UNKNOWN:
		table_tail_sep(t);
		table_tail_put(t, unknown, strlen(unknown));
		return;
	case FACTS_HELD:
		break;
	}
	/* every holder, as ss lists them: a pre-forking server's listener
	 * may have hundreds */
	table_tail_sep(t);
	table_tail_put(t, prefix, strlen(prefix));
	for (; w != NULL; w = owners_next(ow, w)) {
		if (!first)
			table_tail_put(t, ",", 1);
		first = 0;
		table_tail_put(t, "(\"", 2);
		table_tail_text(t, owners_comm(ow, w), w->comm_len,
				ESC_DQUOTE);
		table_tail_put(t, "\",pid=", 6);
		table_tail_u64(t, w->pid);
		table_tail_put(t, ",fd=", 4);
		table_tail_u64(t, (uint64_t)w->fd);
		table_tail_put(t, ")", 1);
	}
	table_tail_put(t, ")", 1);
}

/* A user or group by name, or by number when it has none. */
static void table_tail_id(struct table *t, const char *key, uint32_t id,
			  int group)
{
	const char *name = group ? facts_group(t->o.facts, id)
				 : facts_user(t->o.facts, id);

	table_tail_sep(t);
	table_tail_put(t, key, strlen(key));
	if (name != NULL)
		table_tail_text(t, name, strlen(name), ESC_SPACE);
	else
		table_tail_u64(t, id);
}

/* -e: uid:N user:NAME ino:N sk:HEX, then for a Unix socket its file and
 * its peer's name. */
static void table_details(struct table *t, const struct sock_rec *r)
{
	struct facts_file file;
	char tmp[ADDR_TEXT_MAX];
	const char *pname;
	size_t plen;

	if (r->flags & SOCK_F_HAS_UID) {
		const char *user = facts_user(t->o.facts, r->uid);

		table_tail_sep(t);
		table_tail_put(t, "uid:", 4);
		table_tail_u64(t, r->uid);
		if (user != NULL) {
			table_tail_put(t, " user:", 6);
			table_tail_text(t, user, strlen(user), ESC_SPACE);
		}
	}
	table_tail_sep(t);
	table_tail_put(t, "ino:", 4);
	table_tail_u64(t, r->inode);
	if (r->cookie != 0) {
		static const char hex[] = "0123456789abcdef";
		char *o = tmp + 20;
		uint64_t v = r->cookie;

		do
			*--o = hex[v & 15];
		while ((v >>= 4) != 0);
		table_tail_put(t, " sk:", 4);
		table_tail_put(t, o, (size_t)(tmp + 20 - o));
	}
	if (r->family != AF_UNIX)
		return;
	facts_file(t->o.facts, r, &file);
	if (file.status != FACTS_FILE_NONE) {
		const char *st = facts_file_status_name(file.status);

		table_tail_put(t, " file:", 6);
		table_tail_put(t, st, strlen(st));
	}
	if (file.status == FACTS_FILE_OK ||
	    file.status == FACTS_FILE_REPLACED) {
		facts_mode_text(file.mode, tmp);
		table_tail_put(t, " mode:", 6);
		table_tail_put(t, tmp, 10);
		table_tail_id(t, "owner:", file.uid, 0);
		table_tail_id(t, "group:", file.gid, 1);
	}
	pname = facts_unix_name(t->o.facts, r->peer_ino, &plen);
	if (pname != NULL) {
		size_t n = addr_unix_text(t->o.esc_flags | ESC_SPACE, pname,
					  plen, tmp, NULL);
		table_tail_put(t, " peer_name:", 11);
		table_tail_put(t, tmp, n);
	}
}

/* The text after the Peer column: Process (-p), then details (-e). */
static void table_make_tail(struct table *t, const struct sock_rec *r)
{
	t->tail_len = 0;
	if (t->o.processes) {
		table_holders(t, r->inode, "users:(", "unknown");
		if (r->family == AF_UNIX && r->peer_ino != 0)
			table_holders(t, r->peer_ino, "peer:(",
				      "peer:unknown");
	}
	if (t->o.extended)
		table_details(t, r);
}

static void table_widen(size_t *w, size_t v)
{
	if (v > *w)
		*w = v;
}

static int table_row(void *st, const struct sock_rec *r)
{
	struct table *t = st;
	char buf[ADDR_TEXT_MAX];
	size_t cols;

	/* Measure now; the text is made again at the end. */
	addr_local_host(t->o.addr, r, buf, &cols);
	table_widen(&t->w[TC_LHOST], cols);
	/* a service name may be UTF-8: ports are measured in columns too */
	table_widen(&t->w[TC_LPORT],
		    esc_cols(buf, addr_local_port(t->o.addr, r, buf)));
	addr_peer_host(t->o.addr, r, buf, &cols);
	table_widen(&t->w[TC_PHOST], cols);
	table_widen(&t->w[TC_PPORT],
		    esc_cols(buf, addr_peer_port(t->o.addr, r, buf)));
	table_widen(&t->w_rq,
		    (r->flags & SOCK_F_HAS_RQ) ? table_digits(r->rq) : 1);
	table_widen(&t->w_wq,
		    (r->flags & SOCK_F_HAS_WQ) ? table_digits(r->wq) : 1);
	table_widen(&t->w_netid, strlen(sock_netid_name(r->netid)));
	table_widen(&t->w_state, strlen(sock_state_name(r->state)));

	if (t->reclen + TABLE_REC_MAX > t->reccap) {
		t->reccap = t->reccap ? t->reccap * 2 : 64 * 1024;
		t->rec = xrealloc(t->rec, t->reccap);
	}
	t->reclen += table_encode(t, r, t->rec + t->reclen);
	return 0;
}

/* A mark is a position in the record arena. */
static size_t table_mark(void *st)
{
	return ((struct table *)st)->reclen;
}

/* Widths only grow; after a rollback they may be wider than needed. */
static void table_rollback(void *st, size_t mark)
{
	struct table *t = st;

	if (mark < t->reclen)
		t->reclen = mark;
}

static void table_cell_left(struct obuf *out, const char *s, size_t len,
			    size_t cols, size_t width)
{
	obuf_put(out, s, len);
	if (cols < width)
		obuf_pad(out, width - cols);
}

static void table_cell_right(struct obuf *out, const char *s, size_t len,
			     size_t cols, size_t width)
{
	if (cols < width)
		obuf_pad(out, width - cols);
	obuf_put(out, s, len);
}

/* A queue length, or '?' where the source does not give it (/proc). */
static void table_num(struct obuf *out, uint32_t v, int known, size_t width)
{
	char tmp[20];
	size_t n = known ? fmt_u64(tmp, v) : 1;

	if (!known)
		tmp[0] = '?';
	table_cell_left(out, tmp, n, n, width);
	obuf_putc(out, ' ');
}

/* On a terminal narrower than the table, let the address columns give up
 * their padding (never their text): long values then push their own row
 * out instead of every row. */
static void table_fit(struct table *t, size_t fixed)
{
	size_t want, over, min_l, min_p;

	if (t->o.max_cols == 0)
		return;
	want = fixed + t->w[TC_LHOST] + t->w[TC_PHOST];
	if (want <= t->o.max_cols)
		return;
	over = want - t->o.max_cols;
	min_l = strlen(table_headers[TC_LHOST]);
	min_p = strlen(table_headers[TC_PHOST]);
	while (over > 0 && (t->w[TC_LHOST] > min_l || t->w[TC_PHOST] > min_p)) {
		if (t->w[TC_LHOST] >= t->w[TC_PHOST] && t->w[TC_LHOST] > min_l)
			t->w[TC_LHOST]--;
		else if (t->w[TC_PHOST] > min_p)
			t->w[TC_PHOST]--;
		else
			t->w[TC_LHOST]--;
		over--;
	}
}

static void table_header(const struct table *t, struct obuf *out)
{
	if (t->o.show_netid)
		table_cell_left(out, "Netid ", 6, 6, t->w_netid + 1);
	if (t->o.show_state)
		table_cell_left(out, "State ", 6, 6, t->w_state + 1);
	table_cell_left(out, "Recv-Q ", 7, 7, t->w_rq + 1);
	table_cell_left(out, "Send-Q ", 7, 7, t->w_wq + 1);
	table_cell_right(out, "Local Address", 13, 13, t->w[TC_LHOST]);
	obuf_putc(out, ':');
	table_cell_left(out, "Port", 4, 4, t->w[TC_LPORT]);
	obuf_putc(out, ' ');
	table_cell_right(out, "Peer Address", 12, 12, t->w[TC_PHOST]);
	obuf_putc(out, ':');
	if (t->o.processes) {
		table_cell_left(out, "Port", 4, 4, t->w[TC_PPORT]);
		obuf_puts(out, " Process");
	} else {
		obuf_puts(out, "Port");
	}
	obuf_putc(out, '\n');
}

static void table_line(struct table *t, const struct sock_rec *r,
		       struct obuf *out)
{
	char buf[ADDR_TEXT_MAX];
	size_t n, cols;
	char sep = addr_separator(r);

	if (t->o.show_netid) {
		const char *s = sock_netid_name(r->netid);
		n = strlen(s);
		table_cell_left(out, s, n, n, t->w_netid);
		obuf_putc(out, ' ');
	}
	if (t->o.show_state) {
		const char *s = sock_state_name(r->state);
		n = strlen(s);
		table_cell_left(out, s, n, n, t->w_state);
		obuf_putc(out, ' ');
	}
	table_num(out, r->rq, r->flags & SOCK_F_HAS_RQ, t->w_rq);
	table_num(out, r->wq, r->flags & SOCK_F_HAS_WQ, t->w_wq);
	n = addr_local_host(t->o.addr, r, buf, &cols);
	table_cell_right(out, buf, n, cols, t->w[TC_LHOST]);
	obuf_putc(out, sep);
	n = addr_local_port(t->o.addr, r, buf);
	table_cell_left(out, buf, n, esc_cols(buf, n), t->w[TC_LPORT]);
	obuf_putc(out, ' ');
	n = addr_peer_host(t->o.addr, r, buf, &cols);
	table_cell_right(out, buf, n, cols, t->w[TC_PHOST]);
	obuf_putc(out, sep);
	n = addr_peer_port(t->o.addr, r, buf);
	table_make_tail(t, r);
	if (t->tail_len > 0) {
		table_cell_left(out, buf, n, esc_cols(buf, n), t->w[TC_PPORT]);
		obuf_putc(out, ' ');
		obuf_put(out, t->tail, t->tail_len);
	} else {
		obuf_put(out, buf, n);
	}
	obuf_putc(out, '\n');
}

static int table_end(void *st, struct obuf *out, struct sc_err *err)
{
	struct table *t = st;
	size_t fixed;

	(void)err;
	table_widen(&t->w_netid, 5); /* "Netid" */
	table_widen(&t->w_state, 5); /* "State" */
	table_widen(&t->w_rq, 6);    /* "Recv-Q" */
	table_widen(&t->w_wq, 6);    /* "Send-Q" */
	for (int i = 0; i < TC_COUNT; i++)
		table_widen(&t->w[i], strlen(table_headers[i]));
	fixed = (t->o.show_netid ? t->w_netid + 1 : 0) +
		(t->o.show_state ? t->w_state + 1 : 0) + t->w_rq + 1 +
		t->w_wq + 1 + 1 + t->w[TC_LPORT] + 1 + 1 + t->w[TC_PPORT];
	table_fit(t, fixed);

	if (t->o.header)
		table_header(t, out);
	for (size_t off = 0; off < t->reclen;) {
		struct sock_rec r;
		off += table_decode(t->rec + off, &r);
		table_line(t, &r, out);
	}
	return 0;
}

static void table_destroy(void *st)
{
	struct table *t = st;

	if (t == NULL)
		return;
	free(t->rec);
	free(t->tail);
	free(t);
}

static const struct sink_ops table_ops = {
	.name = "table",
	.row = table_row,
	.mark = table_mark,
	.rollback = table_rollback,
	.end = table_end,
	.destroy = table_destroy,
};

struct sink table_sink_new(const struct table_opts *o)
{
	struct table *t = xcalloc(1, sizeof(*t));
	struct sink s = { .ops = &table_ops, .st = t };

	t->o = *o;
	return s;
}
