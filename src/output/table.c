/* table.c - the ss-style table. Every row is measured first so the
 * columns fit them all, then written straight into the output buffer; the
 * rows themselves live in the model (model/rows). */
#include "config.h"

#include "output/table.h"
#include "output/tcpinfo.h"
#include "util/escape.h"
#include "util/obuf.h"
#include "util/sbuf.h"
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

#define TABLE_SGR_RESET "\033[0m"
#define TABLE_SGR_HEADER "\033[1m"

struct table {
	struct table_opts o;
	struct fields_ctx fc;
	size_t w[TC_COUNT];
	size_t w_rq, w_wq, w_netid, w_state;
	/* what follows the columns: Process, timer, -e details */
	struct sbuf tail;
	/* the continuation line (-i, -m for TCP) */
	struct sbuf more;
	/* --output: one cell at a time, and each column's width */
	struct sbuf cell;
	size_t *cw;
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

/* A state's colour: what needs a look stands out. */
static const char *table_state_sgr(unsigned state)
{
	switch (state) {
	case SOCK_ST_ESTABLISHED:
		return "\033[32m"; /* green */
	case SOCK_ST_LISTEN:
		return "\033[36m"; /* cyan */
	case SOCK_ST_CLOSE_WAIT:
		return "\033[1;31m"; /* bold red: the local side must close */
	case SOCK_ST_SYN_SENT:
	case SOCK_ST_SYN_RECV:
		return "\033[33m"; /* yellow */
	case SOCK_ST_TIME_WAIT:
	case SOCK_ST_FIN_WAIT1:
	case SOCK_ST_FIN_WAIT2:
	case SOCK_ST_LAST_ACK:
	case SOCK_ST_CLOSING:
		return "\033[2m"; /* dim: closing down */
	default:
		return NULL;
	}
}

/* A user or group by name, or by number when it has none. */
static void table_tail_id(struct table *t, const char *key, uint32_t id,
			  int group)
{
	const char *name = group ? facts_group(t->o.facts, id)
				 : facts_user(t->o.facts, id);

	sbuf_putc(&t->tail, ' ');
	sbuf_puts(&t->tail, key);
	if (name != NULL)
		sbuf_esc(&t->tail, name, strlen(name),
			 t->o.esc_flags | ESC_SPACE);
	else
		sbuf_u64(&t->tail, id);
}

static void table_tail_sep(struct table *t)
{
	if (t->tail.len > 0)
		sbuf_putc(&t->tail, ' ');
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
		sbuf_puts(&t->tail, "uid:");
		sbuf_u64(&t->tail, r->uid);
		if (user != NULL) {
			sbuf_puts(&t->tail, " user:");
			sbuf_esc(&t->tail, user, strlen(user),
				 t->o.esc_flags | ESC_SPACE);
		}
	}
	table_tail_sep(t);
	sbuf_puts(&t->tail, "ino:");
	sbuf_u64(&t->tail, r->inode);
	if (r->cookie != 0) {
		sbuf_puts(&t->tail, " sk:");
		fields_display(&t->fc, FIELD_COOKIE, r, &t->tail);
	}
	if (r->family != AF_UNIX)
		return;
	facts_file(t->o.facts, r, &file);
	if (file.status != FACTS_FILE_NONE) {
		sbuf_puts(&t->tail, " file:");
		sbuf_puts(&t->tail, facts_file_status_name(file.status));
	}
	if (file.status == FACTS_FILE_OK ||
	    file.status == FACTS_FILE_REPLACED) {
		facts_mode_text(file.mode, tmp);
		sbuf_puts(&t->tail, " mode:");
		sbuf_put(&t->tail, tmp, 10);
		table_tail_id(t, "owner:", file.uid, 0);
		table_tail_id(t, "group:", file.gid, 1);
	}
	pname = facts_unix_name(t->o.facts, r->peer_ino, &plen);
	if (pname != NULL) {
		size_t n = addr_unix_text(t->o.esc_flags | ESC_SPACE, pname,
					  plen, tmp, NULL);
		sbuf_puts(&t->tail, " peer_name:");
		sbuf_put(&t->tail, tmp, n);
	}
}

/* The text after the Peer column, in ss's order: Process (-p), the timer
 * (-o), socket memory of a Unix socket (-m), details (-e). TCP's memory
 * and internals go on the continuation line, as ss puts them. */
static void table_make_tail(struct table *t, const struct sock_rec *r)
{
	char tmp[TCPINFO_TEXT_MAX];
	size_t n;

	t->tail.len = 0;
	t->more.len = 0;
	if (t->o.processes) {
		fields_holders(&t->fc, r->inode, "users:(", "unknown",
			       &t->tail);
		if (r->family == AF_UNIX && r->peer_ino != 0) {
			size_t before = t->tail.len;

			table_tail_sep(t);
			if (!fields_holders(&t->fc, r->peer_ino, "peer:(",
					    "peer:unknown", &t->tail))
				t->tail.len = before;
		}
	}
	if (t->o.timers && (n = tcpinfo_timer_text(r, tmp, sizeof(tmp))) > 0) {
		table_tail_sep(t);
		sbuf_put(&t->tail, tmp, n);
	}
	if (t->o.mem && (n = tcpinfo_mem_text(r, tmp, sizeof(tmp))) > 0) {
		struct sbuf *b = r->netid == SOCK_NETID_TCP ? &t->more
							    : &t->tail;
		if (b->len > 0)
			sbuf_putc(b, ' ');
		sbuf_put(b, tmp, n);
	}
	if (t->o.extended)
		table_details(t, r);
	if (t->o.info && r->netid == SOCK_NETID_TCP &&
	    (n = tcpinfo_info_text_flags(
		     r,
		     (t->o.numeric ? TCPINFO_NUMERIC : 0) |
			     (t->o.timers ? TCPINFO_OPTIONS : 0),
		     tmp, sizeof(tmp))) > 0) {
		if (t->more.len > 0)
			sbuf_putc(&t->more, ' ');
		sbuf_put(&t->more, tmp, n);
	}
}

static void table_widen(size_t *w, size_t v)
{
	if (v > *w)
		*w = v;
}

static void table_measure(struct table *t, const struct sock_rec *r)
{
	char buf[ADDR_TEXT_MAX];
	size_t cols;

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

static void table_cell(struct table *t, enum field_id id,
		       const struct sock_rec *r);
static void table_put_cell(struct table *t, struct obuf *out,
			   enum field_id id, const char *s, size_t len,
			   size_t width, int last, const struct sock_rec *r);

static void table_header(struct table *t, struct obuf *out)
{
	if (t->o.color)
		obuf_puts(out, TABLE_SGR_HEADER);
	for (size_t c = 0; c < t->o.nlead; c++) {
		const char *h = fields_header(t->o.lead[c]);

		table_put_cell(t, out, t->o.lead[c], h, strlen(h), t->cw[c], 0,
			       NULL);
		obuf_putc(out, ' ');
	}
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
	if (t->o.color)
		obuf_puts(out, TABLE_SGR_RESET);
	obuf_putc(out, '\n');
}

static void table_state(const struct table *t, const struct sock_rec *r,
			struct obuf *out, size_t width, int last)
{
	const char *s = sock_state_name(r->state);
	const char *sgr = t->o.color ? table_state_sgr(r->state) : NULL;
	size_t n = strlen(s);

	if (sgr != NULL)
		obuf_puts(out, sgr);
	obuf_put(out, s, n);
	if (sgr != NULL)
		obuf_puts(out, TABLE_SGR_RESET);
	if (!last && n < width)
		obuf_pad(out, width - n);
}

static void table_line(struct table *t, const struct sock_rec *r,
		       struct obuf *out)
{
	char buf[ADDR_TEXT_MAX];
	size_t n, cols;
	char sep = addr_separator(r);

	for (size_t c = 0; c < t->o.nlead; c++) {
		table_cell(t, t->o.lead[c], r);
		table_put_cell(t, out, t->o.lead[c], t->cell.p, t->cell.len,
			       t->cw[c], 0, r);
		obuf_putc(out, ' ');
	}
	if (t->o.show_netid) {
		const char *s = sock_netid_name(r->netid);
		n = strlen(s);
		table_cell_left(out, s, n, n, t->w_netid);
		obuf_putc(out, ' ');
	}
	if (t->o.show_state) {
		table_state(t, r, out, t->w_state, 0);
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
	if (t->tail.len > 0) {
		table_cell_left(out, buf, n, esc_cols(buf, n), t->w[TC_PPORT]);
		obuf_putc(out, ' ');
		obuf_put(out, t->tail.p, t->tail.len);
	} else {
		obuf_put(out, buf, n);
	}
	obuf_putc(out, '\n');
	if (t->more.len > 0) {
		obuf_put(out, "\t ", 2);
		obuf_put(out, t->more.p, t->more.len);
		obuf_putc(out, '\n');
	}
}

static int table_write_ss(struct table *t, struct rows_view *v,
			  struct obuf *out)
{
	struct sock_rec r;
	size_t fixed;

	size_t lead = 0;

	if (t->o.nlead > 0) {
		t->cw = xcalloc(t->o.nlead, sizeof(*t->cw));
		for (size_t c = 0; c < t->o.nlead; c++)
			t->cw[c] = strlen(fields_header(t->o.lead[c]));
	}
	for (size_t k = 0; k < v->n; k++) {
		rows_view_get(v, k, &r);
		table_measure(t, &r);
		for (size_t c = 0; c < t->o.nlead; c++) {
			table_cell(t, t->o.lead[c], &r);
			table_widen(&t->cw[c], esc_cols(t->cell.p, t->cell.len));
		}
	}
	for (size_t c = 0; c < t->o.nlead; c++)
		lead += t->cw[c] + 1;
	table_widen(&t->w_netid, 5); /* "Netid" */
	table_widen(&t->w_state, 5); /* "State" */
	table_widen(&t->w_rq, 6);    /* "Recv-Q" */
	table_widen(&t->w_wq, 6);    /* "Send-Q" */
	for (int i = 0; i < TC_COUNT; i++)
		table_widen(&t->w[i], strlen(table_headers[i]));
	fixed = lead + (t->o.show_netid ? t->w_netid + 1 : 0) +
		(t->o.show_state ? t->w_state + 1 : 0) + t->w_rq + 1 +
		t->w_wq + 1 + 1 + t->w[TC_LPORT] + 1 + 1 + t->w[TC_PPORT];
	table_fit(t, fixed);

	if (t->o.header)
		table_header(t, out);
	for (size_t k = 0; k < v->n; k++) {
		rows_view_get(v, k, &r);
		table_line(t, &r, out);
	}
	return 0;
}

/* ---- --output: chosen columns ---------------------------------------- */

static void table_cell(struct table *t, enum field_id id,
		       const struct sock_rec *r)
{
	t->cell.len = 0;
	fields_display(&t->fc, id, r, &t->cell);
}

static void table_put_cell(struct table *t, struct obuf *out,
			   enum field_id id, const char *s, size_t len,
			   size_t width, int last, const struct sock_rec *r)
{
	size_t cols = esc_cols(s, len);
	size_t pad = cols < width ? width - cols : 0;

	if (fields_right_aligned(id)) {
		obuf_pad(out, pad);
		obuf_put(out, s, len);
		return;
	}
	if (r != NULL && id == FIELD_STATE) {
		table_state(t, r, out, width, last);
		return;
	}
	obuf_put(out, s, len);
	if (!last)
		obuf_pad(out, pad);
}

static int table_write_columns(struct table *t, struct rows_view *v,
			       struct obuf *out)
{
	size_t nc = t->o.ncolumns;
	struct sock_rec r;

	t->cw = xcalloc(nc, sizeof(*t->cw));
	for (size_t c = 0; c < nc; c++)
		t->cw[c] = strlen(fields_header(t->o.columns[c]));
	for (size_t k = 0; k < v->n; k++) {
		rows_view_get(v, k, &r);
		for (size_t c = 0; c < nc; c++) {
			table_cell(t, t->o.columns[c], &r);
			table_widen(&t->cw[c], esc_cols(t->cell.p, t->cell.len));
		}
	}
	if (t->o.header) {
		if (t->o.color)
			obuf_puts(out, TABLE_SGR_HEADER);
		for (size_t c = 0; c < nc; c++) {
			const char *h = fields_header(t->o.columns[c]);

			if (c > 0)
				obuf_putc(out, ' ');
			table_put_cell(t, out, t->o.columns[c], h, strlen(h),
				       t->cw[c], c + 1 == nc, NULL);
		}
		if (t->o.color)
			obuf_puts(out, TABLE_SGR_RESET);
		obuf_putc(out, '\n');
	}
	for (size_t k = 0; k < v->n; k++) {
		rows_view_get(v, k, &r);
		for (size_t c = 0; c < nc; c++) {
			if (c > 0)
				obuf_putc(out, ' ');
			table_cell(t, t->o.columns[c], &r);
			table_put_cell(t, out, t->o.columns[c], t->cell.p,
				       t->cell.len, t->cw[c], c + 1 == nc, &r);
		}
		obuf_putc(out, '\n');
	}
	return 0;
}

static int table_write(void *st, struct rows_view *v, struct obuf *out,
		       struct sc_err *err)
{
	struct table *t = st;

	(void)err;
	if (t->o.ncolumns > 0)
		return table_write_columns(t, v, out);
	return table_write_ss(t, v, out);
}

static void table_destroy(void *st)
{
	struct table *t = st;

	if (t == NULL)
		return;
	sbuf_free(&t->tail);
	sbuf_free(&t->more);
	sbuf_free(&t->cell);
	free(t->cw);
	free(t);
}

static const struct sink_ops table_ops = {
	.name = "table",
	.write = table_write,
	.destroy = table_destroy,
};

struct sink table_sink_new(const struct table_opts *o)
{
	struct table *t = xcalloc(1, sizeof(*t));
	struct sink s = { .ops = &table_ops, .st = t };

	t->o = *o;
	t->fc.addr = o->addr;
	t->fc.facts = o->facts;
	t->fc.esc_flags = o->esc_flags;
	return s;
}
