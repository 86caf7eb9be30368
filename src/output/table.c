/* table.c - the ss-style table. Rows are formatted as they arrive (while
 * the kernel is still dumping) into one text arena, and column widths are
 * kept up to date; the end only pads and writes. */
#include "config.h"

#include "output/table.h"
#include "util/escape.h"
#include "util/obuf.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

enum table_text {
	TT_LHOST,
	TT_LPORT,
	TT_PHOST,
	TT_PPORT,
	TT_PROC,
	TT_COUNT
};

struct table_row {
	uint32_t off; /* of the first text in the arena */
	uint32_t rq, wq;
	uint16_t len[TT_COUNT];
	uint16_t cols[TT_COUNT];
	uint8_t netid, state;
	uint8_t known; /* SOCK_F_HAS_RQ, SOCK_F_HAS_WQ */
	char sep;
};

struct table {
	struct table_opts o;
	struct table_row *rows;
	size_t nrows, rowcap;
	char *text;
	size_t textlen, textcap;
	size_t w[TT_COUNT];
	size_t w_rq, w_wq, w_netid, w_state;
};

static const char *const table_headers[TT_COUNT] = {
	[TT_LHOST] = "Local Address", [TT_LPORT] = "Port",
	[TT_PHOST] = "Peer Address", [TT_PPORT] = "Port",
	[TT_PROC] = "Process",
};

/* The Process column stops growing past this many bytes. */
#define TABLE_PROC_MAX 4096

static size_t table_digits(uint32_t v)
{
	size_t n = 1;
	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

/* ss's form: users:(("comm",pid=N,fd=M),...), the name escaped. */
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

static int table_row(void *st, const struct sock_rec *r)
{
	struct table *t = st;
	struct table_row *row;
	char buf[TT_COUNT][TABLE_PROC_MAX > ADDR_TEXT_MAX ? TABLE_PROC_MAX
							   : ADDR_TEXT_MAX];
	size_t len[TT_COUNT], cols[TT_COUNT];
	size_t total = 0;
	size_t v;

	len[TT_LHOST] = addr_local_host(t->o.addr, r, buf[TT_LHOST],
					&cols[TT_LHOST]);
	len[TT_LPORT] = addr_local_port(t->o.addr, r, buf[TT_LPORT]);
	cols[TT_LPORT] = len[TT_LPORT];
	len[TT_PHOST] = addr_peer_host(t->o.addr, r, buf[TT_PHOST],
				       &cols[TT_PHOST]);
	len[TT_PPORT] = addr_peer_port(t->o.addr, r, buf[TT_PPORT]);
	cols[TT_PPORT] = len[TT_PPORT];
	len[TT_PROC] = t->o.owners ? table_process(t, r, buf[TT_PROC]) : 0;
	cols[TT_PROC] = len[TT_PROC];

	for (int i = 0; i < TT_COUNT; i++)
		total += len[i];
	if (t->textlen + total > t->textcap) {
		do
			t->textcap = t->textcap ? t->textcap * 2 : 64 * 1024;
		while (t->textlen + total > t->textcap);
		t->text = xrealloc(t->text, t->textcap);
	}
	if (t->nrows == t->rowcap) {
		t->rowcap = t->rowcap ? t->rowcap * 2 : 1024;
		t->rows = xreallocarray(t->rows, t->rowcap, sizeof(*t->rows));
	}
	row = &t->rows[t->nrows++];
	row->off = (uint32_t)t->textlen;
	for (int i = 0; i < TT_COUNT; i++) {
		memcpy(t->text + t->textlen, buf[i], len[i]);
		t->textlen += len[i];
		row->len[i] = (uint16_t)len[i];
		row->cols[i] = (uint16_t)cols[i];
		if (cols[i] > t->w[i])
			t->w[i] = cols[i];
	}
	row->rq = r->rq;
	row->wq = r->wq;
	row->known = r->flags & (SOCK_F_HAS_RQ | SOCK_F_HAS_WQ);
	row->netid = r->netid;
	row->state = r->state;
	row->sep = addr_separator(r);
	v = (r->flags & SOCK_F_HAS_RQ) ? table_digits(r->rq) : 1;
	if (v > t->w_rq)
		t->w_rq = v;
	v = (r->flags & SOCK_F_HAS_WQ) ? table_digits(r->wq) : 1;
	if (v > t->w_wq)
		t->w_wq = v;
	v = strlen(sock_netid_name(r->netid));
	if (v > t->w_netid)
		t->w_netid = v;
	v = strlen(sock_state_name(r->state));
	if (v > t->w_state)
		t->w_state = v;
	return 0;
}

static size_t table_mark(void *st)
{
	return ((struct table *)st)->nrows;
}

/* Widths only grow; after a rollback they may be wider than needed. */
static void table_rollback(void *st, size_t mark)
{
	struct table *t = st;

	if (mark >= t->nrows)
		return;
	t->textlen = t->rows[mark].off;
	t->nrows = mark;
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
	want = fixed + t->w[TT_LHOST] + t->w[TT_PHOST];
	if (want <= t->o.max_cols)
		return;
	over = want - t->o.max_cols;
	min_l = strlen(table_headers[TT_LHOST]);
	min_p = strlen(table_headers[TT_PHOST]);
	while (over > 0 && (t->w[TT_LHOST] > min_l || t->w[TT_PHOST] > min_p)) {
		if (t->w[TT_LHOST] >= t->w[TT_PHOST] && t->w[TT_LHOST] > min_l)
			t->w[TT_LHOST]--;
		else if (t->w[TT_PHOST] > min_p)
			t->w[TT_PHOST]--;
		else
			t->w[TT_LHOST]--;
		over--;
	}
}

static int table_end(void *st, struct obuf *out, struct sc_err *err)
{
	struct table *t = st;
	size_t fixed;

	(void)err;
	if (t->w_netid < 5)
		t->w_netid = 5; /* "Netid" */
	if (t->w_state < 5)
		t->w_state = 5; /* "State" */
	if (t->w_rq < 6)
		t->w_rq = 6; /* "Recv-Q" */
	if (t->w_wq < 6)
		t->w_wq = 6; /* "Send-Q" */
	for (int i = 0; i < TT_PROC; i++)
		if (t->w[i] < strlen(table_headers[i]))
			t->w[i] = strlen(table_headers[i]);
	fixed = (t->o.show_netid ? t->w_netid + 1 : 0) +
		(t->o.show_state ? t->w_state + 1 : 0) + t->w_rq + 1 +
		t->w_wq + 1 + 1 + t->w[TT_LPORT] + 1 + 1 + t->w[TT_PPORT];
	table_fit(t, fixed);

	if (t->o.header) {
		if (t->o.show_netid)
			table_cell_left(out, "Netid ", 6, 6, t->w_netid + 1);
		if (t->o.show_state)
			table_cell_left(out, "State ", 6, 6, t->w_state + 1);
		table_cell_left(out, "Recv-Q ", 7, 7, t->w_rq + 1);
		table_cell_left(out, "Send-Q ", 7, 7, t->w_wq + 1);
		table_cell_right(out, "Local Address", 13, 13, t->w[TT_LHOST]);
		obuf_putc(out, ':');
		table_cell_left(out, "Port", 4, 4, t->w[TT_LPORT]);
		obuf_putc(out, ' ');
		table_cell_right(out, "Peer Address", 12, 12, t->w[TT_PHOST]);
		obuf_putc(out, ':');
		if (t->o.owners != NULL) {
			table_cell_left(out, "Port", 4, 4, t->w[TT_PPORT]);
			obuf_puts(out, " Process");
		} else {
			obuf_puts(out, "Port");
		}
		obuf_putc(out, '\n');
	}
	for (size_t i = 0; i < t->nrows; i++) {
		const struct table_row *row = &t->rows[i];
		const char *p = t->text + row->off;
		const char *lh = p;
		const char *lp = lh + row->len[TT_LHOST];
		const char *ph = lp + row->len[TT_LPORT];
		const char *pp = ph + row->len[TT_PHOST];
		const char *pr = pp + row->len[TT_PPORT];

		if (t->o.show_netid) {
			const char *s = sock_netid_name(row->netid);
			size_t n = strlen(s);
			table_cell_left(out, s, n, n, t->w_netid);
			obuf_putc(out, ' ');
		}
		if (t->o.show_state) {
			const char *s = sock_state_name(row->state);
			size_t n = strlen(s);
			table_cell_left(out, s, n, n, t->w_state);
			obuf_putc(out, ' ');
		}
		table_num(out, row->rq, row->known & SOCK_F_HAS_RQ, t->w_rq);
		table_num(out, row->wq, row->known & SOCK_F_HAS_WQ, t->w_wq);
		table_cell_right(out, lh, row->len[TT_LHOST],
				 row->cols[TT_LHOST], t->w[TT_LHOST]);
		obuf_putc(out, row->sep);
		table_cell_left(out, lp, row->len[TT_LPORT],
				row->cols[TT_LPORT], t->w[TT_LPORT]);
		obuf_putc(out, ' ');
		table_cell_right(out, ph, row->len[TT_PHOST],
				 row->cols[TT_PHOST], t->w[TT_PHOST]);
		obuf_putc(out, row->sep);
		if (row->len[TT_PROC] > 0) {
			table_cell_left(out, pp, row->len[TT_PPORT],
					row->cols[TT_PPORT], t->w[TT_PPORT]);
			obuf_putc(out, ' ');
			obuf_put(out, pr, row->len[TT_PROC]);
		} else {
			obuf_put(out, pp, row->len[TT_PPORT]);
		}
		obuf_putc(out, '\n');
	}
	return 0;
}

static void table_destroy(void *st)
{
	struct table *t = st;

	if (t == NULL)
		return;
	free(t->rows);
	free(t->text);
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
