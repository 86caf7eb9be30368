/* report.c - the doctor's report: findings, verdict, prediction and probe,
 * and the text and JSON sinks that escape what they show. */
#include "config.h"

#include "doctor/report.h"

#include "doctor/probe.h"
#include "util/escape.h"
#include "util/json.h"
#include "util/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Text lines stay within this many columns (a long path may overflow). */
#define REPORT_WIDTH 96
#define REPORT_VERDICT_WIDTH 78
/* "  [FAIL] " */
#define REPORT_INDENT 9

void report_init(struct report *r, const char *kind)
{
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->cause = "unknown";
	r->probe_call = "connect()";
}

static void report_finding_free(struct report_finding *f)
{
	sbuf_free(&f->text);
	for (size_t i = 0; i < f->nsteps; i++) {
		struct report_step *s = &f->steps[i];

		sbuf_free(&s->owner);
		sbuf_free(&s->group);
		sbuf_free(&s->name);
		sbuf_free(&s->target);
		sbuf_free(&s->why);
	}
	free(f->steps);
	for (size_t i = 0; i < f->nkv; i++)
		sbuf_free(&f->kv[i].s);
	free(f->kv);
}

void report_free(struct report *r)
{
	for (size_t i = 0; i < r->n; i++)
		report_finding_free(&r->f[i]);
	free(r->f);
	sbuf_free(&r->target);
	sbuf_free(&r->what);
	sbuf_free(&r->user);
	sbuf_free(&r->verdict);
	sbuf_free(&r->fix);
	sbuf_free(&r->probe_note);
	for (size_t i = 0; i < r->ncauses; i++) {
		sbuf_free(&r->causes[i].text);
		sbuf_free(&r->causes[i].fix);
	}
	memset(r, 0, sizeof(*r));
}

struct report_finding *report_add(struct report *r, const char *check,
				  enum report_mark mark)
{
	struct report_finding *f;

	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->f = xreallocarray(r->f, r->cap, sizeof(*r->f));
	}
	f = &r->f[r->n++];
	memset(f, 0, sizeof(*f));
	f->check = check;
	f->mark = mark;
	return f;
}

struct report_cause *report_cause(struct report *r, const char *id, int err,
				  int rank)
{
	struct report_cause *c;

	if (r->ncauses == REPORT_CAUSES_MAX) {
		c = &r->causes[REPORT_CAUSES_MAX - 1];
		sbuf_free(&c->text);
		sbuf_free(&c->fix);
	} else {
		c = &r->causes[r->ncauses++];
	}
	memset(c, 0, sizeof(*c));
	c->id = id;
	c->err = err;
	c->rank = rank;
	return c;
}

void report_decide(struct report *r)
{
	size_t best = 0;

	r->has_prediction = true;
	if (r->ncauses == 0) {
		r->cause = "ok";
		r->predicted = 0;
		return;
	}
	for (size_t i = 1; i < r->ncauses; i++)
		if (r->causes[i].rank < r->causes[best].rank)
			best = i;
	r->cause = r->causes[best].id;
	sbuf_put(&r->verdict, r->causes[best].text.p, r->causes[best].text.len);
	for (size_t i = 0; i < r->ncauses; i++) {
		if (i == best)
			continue;
		sbuf_puts(&r->verdict, " Also: ");
		sbuf_put(&r->verdict, r->causes[i].text.p,
			 r->causes[i].text.len);
	}
	sbuf_put(&r->fix, r->causes[best].fix.p, r->causes[best].fix.len);
	/* connect() meets the problems in the order they were found */
	r->predicted = r->causes[0].err;
}

void report_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	va_start(ap, fmt);
	/* vsnprintf writes the NUL too: room for it, not counted */
	vsnprintf(sbuf_room(b, (size_t)n + 1), (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

static struct report_kv *report_kv_add(struct report_finding *f,
				       const char *key)
{
	struct report_kv *kv;

	f->kv = xreallocarray(f->kv, f->nkv + 1, sizeof(*f->kv));
	kv = &f->kv[f->nkv++];
	memset(kv, 0, sizeof(*kv));
	kv->key = key;
	return kv;
}

void report_kv_str(struct report_finding *f, const char *key, const char *s,
		   size_t n)
{
	sbuf_put(&report_kv_add(f, key)->s, s, n);
}

void report_kv_u64(struct report_finding *f, const char *key, uint64_t v)
{
	struct report_kv *kv = report_kv_add(f, key);

	kv->is_num = true;
	kv->num = v;
}

struct report_step *report_add_step(struct report_finding *f)
{
	struct report_step *s;

	f->steps = xreallocarray(f->steps, f->nsteps + 1, sizeof(*f->steps));
	s = &f->steps[f->nsteps++];
	memset(s, 0, sizeof(*s));
	return s;
}

const struct report_finding *report_find(const struct report *r,
					 const char *check)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->f[i].check, check) == 0)
			return &r->f[i];
	return NULL;
}

int report_agree(const struct report *r)
{
	if (!r->has_prediction || !r->probed)
		return -1;
	return r->predicted == r->probe_err;
}

const char *report_mark_name(enum report_mark m)
{
	switch (m) {
	case REPORT_OK:
		return "ok";
	case REPORT_FAIL:
		return "fail";
	default:
		return "note";
	}
}

/* ---- text --------------------------------------------------------------- */

struct report_tx {
	struct obuf *out;
	unsigned esc;
	struct sbuf tmp;
};

/* b escaped into t->tmp (replacing what was there). */
static const char *report_esc(struct report_tx *t, const struct sbuf *b,
			      size_t *len)
{
	t->tmp.len = 0;
	sbuf_esc(&t->tmp, b->p ? b->p : "", b->len, t->esc);
	*len = t->tmp.len;
	return t->tmp.p ? t->tmp.p : "";
}

/* Escaped text s, word-wrapped: the cursor is at column col; continuation
 * lines start with indent spaces. Ends the line. */
static void report_wrap(struct obuf *out, const char *s, size_t len, size_t col,
			size_t indent, size_t width)
{
	bool empty = true;
	size_t i = 0;

	while (i < len) {
		size_t j, w;

		while (i < len && s[i] == ' ')
			i++;
		if (i >= len)
			break;
		j = i;
		while (j < len && s[j] != ' ')
			j++;
		w = esc_cols(s + i, j - i);
		if (!empty && col + 1 + w > width) {
			obuf_putc(out, '\n');
			obuf_pad(out, indent);
			col = indent;
			empty = true;
		}
		if (!empty) {
			obuf_putc(out, ' ');
			col++;
		}
		obuf_put(out, s + i, j - i);
		col += w;
		empty = false;
		i = j;
	}
	obuf_putc(out, '\n');
}

static void report_text_steps(struct report_tx *t,
			      const struct report_finding *f)
{
	size_t ow = 0, gw = 0, mw = 0, len, w;
	const char *s;

	for (size_t i = 0; i < f->nsteps; i++) {
		w = strlen(f->steps[i].mode);
		mw = w > mw ? w : mw;
		report_esc(t, &f->steps[i].owner, &len);
		w = esc_cols(t->tmp.p, len);
		ow = w > ow ? w : ow;
		report_esc(t, &f->steps[i].group, &len);
		w = esc_cols(t->tmp.p, len);
		gw = w > gw ? w : gw;
	}
	for (size_t i = 0; i < f->nsteps; i++) {
		const struct report_step *st = &f->steps[i];

		obuf_pad(t->out, REPORT_INDENT + 2 + 2 * st->depth);
		obuf_puts(t->out, st->mode);
		obuf_pad(t->out, mw - strlen(st->mode) + 1);
		s = report_esc(t, &st->owner, &len);
		obuf_put(t->out, s, len);
		obuf_pad(t->out, ow - esc_cols(s, len) + 1);
		s = report_esc(t, &st->group, &len);
		obuf_put(t->out, s, len);
		obuf_pad(t->out, gw - esc_cols(s, len) + 1);
		s = report_esc(t, &st->name, &len);
		obuf_put(t->out, s, len);
		if (st->is_link) {
			obuf_puts(t->out, " -> ");
			s = report_esc(t, &st->target, &len);
			obuf_put(t->out, s, len);
		}
		if (st->why.len > 0) {
			obuf_puts(t->out,
				  st->mark == REPORT_FAIL ? "  <- " : "  (");
			s = report_esc(t, &st->why, &len);
			obuf_put(t->out, s, len);
			if (st->mark != REPORT_FAIL)
				obuf_putc(t->out, ')');
		}
		obuf_putc(t->out, '\n');
	}
}

static void report_errno_text(struct sbuf *b, int e)
{
	const char *name = probe_errno_name(e);

	if (e == 0) {
		sbuf_puts(b, "success");
		return;
	}
	if (name != NULL)
		sbuf_puts(b, name);
	else
		report_printf(b, "errno %d", e);
	report_printf(b, " (%s)", strerror(e));
}

void report_write_text(const struct report *r, struct obuf *out,
		       unsigned esc_flags)
{
	static const char *const marks[] = {
		[REPORT_OK] = "  [ ok ] ",
		[REPORT_FAIL] = "  [FAIL] ",
		[REPORT_NOTE] = "  [note] ",
	};
	struct report_tx t = { .out = out, .esc = esc_flags };
	const char *dash = (esc_flags & ESC_UTF8) ? " \xe2\x80\x94 " : " -- ";
	struct sbuf line = { 0 };
	const char *s;
	size_t len;
	int agree;

	/* header: "why TARGET: WHAT, as USER (uid N)" */
	sbuf_puts(&line, "why ");
	sbuf_esc(&line, r->target.p ? r->target.p : "", r->target.len,
		 esc_flags);
	sbuf_puts(&line, ": ");
	sbuf_esc(&line, r->what.p ? r->what.p : "", r->what.len, esc_flags);
	sbuf_puts(&line, ", as ");
	sbuf_esc(&line, r->user.p ? r->user.p : "", r->user.len, esc_flags);
	report_printf(&line, " (uid %lu)", (unsigned long)r->uid);
	report_wrap(out, line.p, line.len, 0, 4, REPORT_WIDTH);

	for (size_t i = 0; i < r->n; i++) {
		const struct report_finding *f = &r->f[i];

		obuf_puts(out, marks[f->mark]);
		s = report_esc(&t, &f->text, &len);
		report_wrap(out, s, len, REPORT_INDENT, REPORT_INDENT,
			    REPORT_WIDTH);
		report_text_steps(&t, f);
	}
	obuf_putc(out, '\n');
	obuf_puts(out, "Verdict: ");
	s = report_esc(&t, &r->verdict, &len);
	report_wrap(out, s, len, 9, 0, REPORT_VERDICT_WIDTH);
	obuf_puts(out, "Fix: ");
	if (r->fix.len == 0) {
		obuf_puts(out, "none needed\n");
	} else {
		s = report_esc(&t, &r->fix, &len);
		obuf_put(out, s, len);
		obuf_putc(out, '\n');
	}

	/* the probe: "connect() as USER: RESULT -- as predicted" */
	line.len = 0;
	sbuf_puts(&line, r->probe_call);
	sbuf_puts(&line, " as ");
	sbuf_esc(&line, r->user.p ? r->user.p : "", r->user.len, esc_flags);
	sbuf_puts(&line, ": ");
	if (r->probed)
		report_errno_text(&line, r->probe_err);
	else
		sbuf_puts(&line, "not made");
	if (r->probe_note.len > 0) {
		sbuf_puts(&line, ", ");
		sbuf_esc(&line, r->probe_note.p, r->probe_note.len, esc_flags);
	}
	agree = report_agree(r);
	if (agree == 1) {
		sbuf_puts(&line, dash);
		sbuf_puts(&line, "as predicted");
	} else if (agree == 0) {
		sbuf_puts(&line, dash);
		sbuf_puts(&line, "differs from the prediction: ");
		report_errno_text(&line, r->predicted);
		sbuf_puts(&line, " was expected; something the checks cannot "
				 "see decided (a security module, a firewall, "
				 "or a change while checking)");
	} else if (r->probed) {
		sbuf_puts(&line, dash);
		sbuf_puts(&line, "no prediction was possible");
	}
	report_wrap(out, line.p, line.len, 0, 4, REPORT_WIDTH);
	sbuf_free(&line);
	sbuf_free(&t.tmp);
}

/* ---- JSON --------------------------------------------------------------- */

static void report_json_sbuf(struct json *j, const char *key,
			     const struct sbuf *b)
{
	json_kstr(j, key, b->p ? b->p : "", b->len);
}

static void report_json_errno(struct json *j, int e)
{
	const char *name = probe_errno_name(e);

	json_obj_begin(j);
	json_key(j, "errno");
	json_i64(j, e);
	if (e == 0 || name == NULL)
		json_knull(j, "name");
	else
		json_kascii(j, "name", name);
	json_obj_end(j);
}

static void report_json_finding(struct json *j, const struct report_finding *f)
{
	json_obj_begin(j);
	json_kascii(j, "check", f->check);
	json_kascii(j, "mark", report_mark_name(f->mark));
	report_json_sbuf(j, "text", &f->text);
	for (size_t i = 0; i < f->nkv; i++) {
		if (f->kv[i].is_num)
			json_ku64(j, f->kv[i].key, f->kv[i].num);
		else
			report_json_sbuf(j, f->kv[i].key, &f->kv[i].s);
	}
	if (f->nsteps > 0) {
		json_key(j, "chain");
		json_arr_begin(j);
		for (size_t i = 0; i < f->nsteps; i++) {
			const struct report_step *s = &f->steps[i];

			json_obj_begin(j);
			report_json_sbuf(j, "name", &s->name);
			json_kascii(j, "mode", s->mode);
			report_json_sbuf(j, "owner", &s->owner);
			report_json_sbuf(j, "group", &s->group);
			json_ku64(j, "depth", s->depth);
			if (s->is_link)
				report_json_sbuf(j, "target", &s->target);
			else
				json_knull(j, "target");
			json_kascii(j, "mark", report_mark_name(s->mark));
			if (s->why.len > 0)
				report_json_sbuf(j, "why", &s->why);
			else
				json_knull(j, "why");
			json_obj_end(j);
		}
		json_arr_end(j);
	}
	json_obj_end(j);
}

void report_write_json(const struct report *r, struct obuf *out)
{
	struct json j;
	int agree = report_agree(r);

	json_init(&j, out);
	json_obj_begin(&j);
	json_ku64(&j, "schema_version", REPORT_SCHEMA_VERSION);
	report_json_sbuf(&j, "target", &r->target);
	json_kascii(&j, "kind", r->kind);
	report_json_sbuf(&j, "what", &r->what);
	report_json_sbuf(&j, "user", &r->user);
	json_ku64(&j, "uid", r->uid);
	json_key(&j, "findings");
	j.line_depth = 2;
	json_arr_begin(&j);
	for (size_t i = 0; i < r->n; i++)
		report_json_finding(&j, &r->f[i]);
	json_arr_end(&j);
	j.line_depth = 0;
	json_key(&j, "verdict");
	json_obj_begin(&j);
	json_kascii(&j, "cause", r->cause);
	json_key(&j, "causes");
	json_arr_begin(&j);
	for (size_t i = 0; i < r->ncauses; i++)
		json_str(&j, r->causes[i].id, strlen(r->causes[i].id));
	json_arr_end(&j);
	report_json_sbuf(&j, "text", &r->verdict);
	if (r->fix.len > 0)
		report_json_sbuf(&j, "fix", &r->fix);
	else
		json_knull(&j, "fix");
	json_obj_end(&j);
	json_key(&j, "prediction");
	if (r->has_prediction)
		report_json_errno(&j, r->predicted);
	else
		json_null(&j);
	json_key(&j, "probe");
	if (r->probed) {
		report_json_errno(&j, r->probe_err);
	} else {
		json_null(&j);
	}
	if (r->probe_note.len > 0)
		report_json_sbuf(&j, "probe_note", &r->probe_note);
	else
		json_knull(&j, "probe_note");
	json_key(&j, "agree");
	if (agree < 0)
		json_null(&j);
	else
		json_bool(&j, agree);
	json_obj_end(&j);
	obuf_putc(out, '\n');
}
