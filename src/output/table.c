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

/* The Process column stops growing past this many bytes. */
#define TABLE_PROC_MAX 4096

/* Record layout in the arena (unaligned; read with memcpy):
 *   u8 netid, u8 family, u8 state, u8 flags (SOCK_F_*), u8 extra (TR_*)
 *   u32 rq, u32 wq
 *   inet: u16 sport, u16 dport, src, dst (4 or 16 bytes each),
 *         [u32 ifindex if TR_IFINDEX], [u64 inode if TR_INODE]
 *   unix: u64 inode, u64 peer_ino, u8 name_len, name bytes */
enum table_rec_extra {
	TR_IFINDEX = 1u << 0,
	TR_INODE = 1u << 1,
};

#define TABLE_REC_MAX (5 + 8 + 4 + 32 + 4 + 8 + 16 + 1 + SOCK_UNIX_NAME_MAX)

struct table {
	struct table_opts o;
	unsigned char *rec;
	size_t reclen, reccap;
	size_t w[TC_COUNT];
	size_t w_rq, w_wq, w_netid, w_state;
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
	if (r->family != AF_UNIX && t->o.owners != NULL)
		extra |= TR_INODE;
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
	return (size_t)(p - in);
}

/* ss's form: users:(("comm",pid=N,fd=M),...), the name escaped. Returns 0
 * when there is nothing to show. */
static size_t table_process(const struct table *t, const struct sock_rec *r,
			    char *out)
{
	const struct owner *w = owners_first(t->o.owners, r->inode);
	char *o = out;
	int first = 1;

	if (w == NULL) {
		if (r->inode == 0 || !t->o.owners_partial)
			return 0; /* TIME-WAIT, or held by no process */
		memcpy(out, "unknown", 7);
		return 7;
	}
	memcpy(o, "users:(", 7);
	o += 7;
	for (; w != NULL; w = owners_next(t->o.owners, w)) {
		/* an entry: at most 4 * 64 escaped name bytes + 40 */
		if ((size_t)(o - out) + 4 * 64 + 48 > TABLE_PROC_MAX) {
			memcpy(o, ",...", 4);
			o += 4;
			break;
		}
		if (!first)
			*o++ = ',';
		first = 0;
		memcpy(o, "(\"", 2);
		o += 2;
		o += esc_text(o, owners_comm(t->o.owners, w), w->comm_len,
			      t->o.esc_flags | ESC_DQUOTE, NULL);
		memcpy(o, "\",pid=", 6);
		o += 6;
		o += fmt_u64(o, w->pid);
		memcpy(o, ",fd=", 4);
		o += 4;
		o += fmt_u64(o, (uint64_t)w->fd);
		*o++ = ')';
	}
	*o++ = ')';
	return (size_t)(o - out);
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
	if (t->o.owners != NULL) {
		table_cell_left(out, "Port", 4, 4, t->w[TC_PPORT]);
		obuf_puts(out, " Process");
	} else {
		obuf_puts(out, "Port");
	}
	obuf_putc(out, '\n');
}

static void table_line(struct table *t, const struct sock_rec *r,
		       struct obuf *out, char *proc)
{
	char buf[ADDR_TEXT_MAX];
	size_t n, cols, plen;
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
	plen = t->o.owners != NULL ? table_process(t, r, proc) : 0;
	if (plen > 0) {
		table_cell_left(out, buf, n, esc_cols(buf, n), t->w[TC_PPORT]);
		obuf_putc(out, ' ');
		obuf_put(out, proc, plen);
	} else {
		obuf_put(out, buf, n);
	}
	obuf_putc(out, '\n');
}

static int table_end(void *st, struct obuf *out, struct sc_err *err)
{
	struct table *t = st;
	char *proc = NULL;
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
	if (t->o.owners != NULL)
		proc = xmalloc(TABLE_PROC_MAX);
	for (size_t off = 0; off < t->reclen;) {
		struct sock_rec r;
		off += table_decode(t->rec + off, &r);
		table_line(t, &r, out, proc);
	}
	free(proc);
	return 0;
}

static void table_destroy(void *st)
{
	struct table *t = st;

	if (t == NULL)
		return;
	free(t->rec);
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
