/* count.c - --count-by: sort the view on the keys, cut it where a key's
 * value changes, order the groups by size, write a table or JSON. */
#include "config.h"

#include "output/count.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/escape.h"
#include "util/json.h"
#include "util/sbuf.h"
#include "util/xalloc.h"

struct count_run {
	struct fields_ctx *fc;
	enum field_id *keys; /* without repeats */
	size_t nkeys;
};

struct count_group {
	size_t first; /* position of its first row in the sorted view */
	uint64_t n;
};

static int count_row_cmp(void *ud, const struct sock_rec *a,
			 const struct sock_rec *b)
{
	const struct count_run *c = ud;

	for (size_t i = 0; i < c->nkeys; i++) {
		int d = fields_cmp(c->fc, c->keys[i], a, b);

		if (d != 0)
			return d;
	}
	return 0;
}

/* The largest group first; groups of one size in key order. */
static int count_group_cmp(const void *pa, const void *pb)
{
	const struct count_group *a = pa, *b = pb;

	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return a->first < b->first ? -1 : a->first > b->first;
}

/* Runs of equal values in the sorted view. Values are compared, not
 * display texts: two paths that escape alike stay two groups. */
static struct count_group *count_groups(struct count_run *c,
					const struct rows_view *v, size_t *ng)
{
	struct field_val *vals = xreallocarray(NULL, 2 * c->nkeys,
					       sizeof(*vals));
	/* head holds the current group's values, cur the row's; they swap
	 * rather than copy because a value's text may point into itself */
	struct field_val *head = vals, *cur = vals + c->nkeys, *swap;
	struct count_group *g = NULL;
	size_t n = 0, cap = 0;
	struct sock_rec r;

	for (size_t k = 0; k < v->n; k++) {
		int same = n > 0;

		rows_view_get(v, k, &r);
		for (size_t i = 0; i < c->nkeys; i++) {
			fields_value(c->fc, c->keys[i], &r, &cur[i]);
			if (same && fields_val_cmp(&cur[i], &head[i]) != 0)
				same = 0;
		}
		if (same) {
			g[n - 1].n++;
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			g = xreallocarray(g, cap, sizeof(*g));
		}
		g[n].first = k;
		g[n].n = 1;
		n++;
		swap = head;
		head = cur;
		cur = swap;
	}
	free(vals);
	*ng = n;
	return g;
}

/* One cell: right-aligned cells are padded before, left-aligned after,
 * except in the last column, so that no line ends in spaces. */
static void count_cell(struct obuf *out, const char *s, size_t len,
		       size_t cols, size_t width, int right, int last)
{
	size_t pad = width > cols ? width - cols : 0;

	if (right)
		obuf_pad(out, pad);
	obuf_put(out, s, len);
	if (!last) {
		if (!right)
			obuf_pad(out, pad);
		obuf_putc(out, ' ');
	}
}

static size_t count_max(size_t a, size_t b)
{
	return a > b ? a : b;
}

static void count_table(struct count_run *c, const struct rows_view *v,
			const struct count_group *g, size_t ng, int header,
			struct obuf *out)
{
	size_t nk = c->nkeys;
	struct sbuf cells = { 0 };
	/* cell (i, k) is cells.p[off[i * nk + k] .. off[i * nk + k + 1]) */
	size_t *off = xreallocarray(NULL, ng * nk + 1, sizeof(*off));
	size_t *cols = xreallocarray(NULL, ng * nk + 1, sizeof(*cols));
	size_t *w = xcalloc(nk + 1, sizeof(*w));
	char num[24];
	size_t len;
	struct sock_rec r;

	for (size_t i = 0; i < ng; i++) {
		rows_view_get(v, g[i].first, &r);
		for (size_t k = 0; k < nk; k++) {
			size_t at = cells.len;

			off[i * nk + k] = at;
			fields_display(c->fc, c->keys[k], &r, &cells);
			cols[i * nk + k] = esc_cols(cells.p + at,
						    cells.len - at);
			w[k] = count_max(w[k], cols[i * nk + k]);
		}
		w[nk] = count_max(w[nk], fmt_u64(num, g[i].n));
	}
	off[ng * nk] = cells.len;
	if (header) {
		for (size_t k = 0; k < nk; k++) {
			const char *h = fields_header(c->keys[k]);

			w[k] = count_max(w[k], strlen(h));
		}
		w[0] = count_max(w[0], strlen("Total"));
		w[nk] = count_max(w[nk], strlen("Count"));
		w[nk] = count_max(w[nk], fmt_u64(num, v->n));

		for (size_t k = 0; k < nk; k++) {
			const char *h = fields_header(c->keys[k]);

			count_cell(out, h, strlen(h), strlen(h), w[k],
				   fields_right_aligned(c->keys[k]), 0);
		}
		count_cell(out, "Count", 5, 5, w[nk], 1, 1);
		obuf_putc(out, '\n');
	}
	for (size_t i = 0; i < ng; i++) {
		for (size_t k = 0; k < nk; k++) {
			size_t at = off[i * nk + k];

			count_cell(out, cells.p + at, off[i * nk + k + 1] - at,
				   cols[i * nk + k], w[k],
				   fields_right_aligned(c->keys[k]), 0);
		}
		len = fmt_u64(num, g[i].n);
		count_cell(out, num, len, len, w[nk], 1, 1);
		obuf_putc(out, '\n');
	}
	if (header) {
		/* a label, so left-aligned whatever the first column holds */
		count_cell(out, "Total", 5, 5, w[0], 0, 0);
		for (size_t k = 1; k < nk; k++)
			count_cell(out, "", 0, 0, w[k], 0, 0);
		len = fmt_u64(num, v->n);
		count_cell(out, num, len, len, w[nk], 1, 1);
		obuf_putc(out, '\n');
	}
	sbuf_free(&cells);
	free(off);
	free(cols);
	free(w);
}

/* A key's value as JSON: see count.h. */
static void count_json_value(struct count_run *c, enum field_id id,
			     const struct sock_rec *r, struct json *j,
			     struct sbuf *tmp)
{
	struct field_val val;

	fields_value(c->fc, id, r, &val);
	switch (val.kind) {
	case FIELD_V_NONE:
		json_null(j);
		return;
	case FIELD_V_TEXT:
		json_str(j, val.text, val.len);
		return;
	case FIELD_V_NUM:
		if (fields_right_aligned(id)) {
			json_u64(j, val.num);
			return;
		}
		break;
	case FIELD_V_ADDR:
		break;
	}
	tmp->len = 0;
	fields_display(c->fc, id, r, tmp);
	json_str(j, tmp->p, tmp->len);
}

static void count_json(struct count_run *c, const struct rows_view *v,
		       const struct count_group *g, size_t ng,
		       struct obuf *out)
{
	struct json j;
	struct sbuf tmp = { 0 };
	struct sock_rec r;

	json_init(&j, out);
	json_obj_begin(&j);
	json_ku64(&j, "schema_version", COUNT_SCHEMA_VERSION);
	json_key(&j, "count_by");
	json_arr_begin(&j);
	for (size_t k = 0; k < c->nkeys; k++)
		json_cstr(&j, fields_name(c->keys[k]));
	json_arr_end(&j);
	json_key(&j, "groups");
	json_arr_begin(&j);
	for (size_t i = 0; i < ng; i++) {
		rows_view_get(v, g[i].first, &r);
		json_obj_begin(&j);
		for (size_t k = 0; k < c->nkeys; k++) {
			json_key(&j, fields_name(c->keys[k]));
			count_json_value(c, c->keys[k], &r, &j, &tmp);
		}
		json_ku64(&j, "count", g[i].n);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_ku64(&j, "total", v->n);
	json_obj_end(&j);
	obuf_putc(out, '\n');
	sbuf_free(&tmp);
}

int count_write(const struct count_opts *o, struct rows_view *v,
		struct obuf *out, struct sc_err *err)
{
	struct count_run c = { .fc = o->fc };
	struct count_group *g;
	size_t ng;

	if (o->nkeys == 0)
		return sc_err_set(err, EINVAL, "--count-by needs a field");
	/* "state,state" would give a JSON object a repeated name */
	c.keys = xreallocarray(NULL, o->nkeys, sizeof(*c.keys));
	for (size_t i = 0; i < o->nkeys; i++) {
		size_t k = 0;

		while (k < c.nkeys && c.keys[k] != o->keys[i])
			k++;
		if (k == c.nkeys)
			c.keys[c.nkeys++] = o->keys[i];
	}

	rows_view_sort(v, count_row_cmp, &c);
	g = count_groups(&c, v, &ng);
	if (ng > 1)
		qsort(g, ng, sizeof(*g), count_group_cmp);
	if (o->json)
		count_json(&c, v, g, ng, out);
	else
		count_table(&c, v, g, ng, o->header, out);
	free(g);
	free(c.keys);
	return 0;
}
