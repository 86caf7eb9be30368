/* events.c - the --events loop: a snapshot every interval, diffed with the
 * last one (model/diff), sharpened by the destroy notifications
 * (collect/destroy) so that a socket born and gone between two snapshots
 * is still reported; each event filtered and written as a line. */
#include "config.h"

#include "events.h"

#include "cli.h"
#include "collect/destroy.h"
#include "collect/snapshot.h"
#include "model/diff.h"
#include "output/fields.h"
#include "util/json.h"
#include "util/msort.h"
#include "util/sbuf.h"
#include "util/stopfd.h"
#include "util/u64map.h"
#include "util/xalloc.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

/* A notification whose socket is still listed is kept this many ticks for
 * the snapshot that no longer lists it. */
#define EVENTS_PENDING_TICKS 2
/* How long a tick waits for the notification of a socket the snapshot
 * found gone: the kernel sends them from a work queue, which a busy
 * machine may run after the dump. */
#define EVENTS_NOTICE_WAIT_MS 50

enum events_source { EV_SNAPSHOT, EV_DESTROY };

struct ev_event {
	enum diff_kind kind;
	enum events_source source;
	uint8_t old_state; /* SOCK_ST_UNKNOWN: none */
	uint8_t state;     /* SOCK_ST_UNKNOWN: not known */
	int prev_facts;    /* the record is from the last snapshot */
	uint64_t time_ns;  /* CLOCK_REALTIME */
	struct sock_rec rec; /* borrowed pointers into a snapshot's rows */
	/* with -N/--all-netns: its namespace (in prev or cur; NULL when
	 * neither lists it any more) and that namespace's inode */
	const struct netns_info *ns;
	uint64_t ns_ino;
};

/* A destroy notification not yet matched with the snapshots. */
struct ev_pending {
	struct sock_rec rec; /* without its borrowed pointers */
	uint64_t time_ns;
	uint64_t ns_ino; /* the namespace whose socket told it; 0: own */
	unsigned age;
};

/* The destroy notifications of one namespace: a netlink socket hears the
 * namespace it was created in. Without -N/--all-netns there is one, for
 * the caller's namespace (ino 0). */
struct ev_nsock {
	uint64_t ino;
	struct destroy_sock ds;
	int seen; /* listed by the last snapshot */
};

struct ev_ctx {
	const struct events_opts *o;
	struct obuf *out;
	struct snapshot prev, cur;
	struct diff_index prev_ix, cur_ix;
	int have_prev;
	uint64_t snap_ns;
	struct ev_event *ev;
	size_t nev, cap_ev;
	struct ev_pending *pend;
	size_t npend, cap_pend;
	/* cookies reported dead in this tick and the last one: a late
	 * notification of them is not a new socket */
	struct u64map died[2];
	unsigned cur_died;
	struct addr_ctx *json_addr; /* numeric, for JSON */
	struct sbuf line;
	uint32_t *order, *tmp;
	size_t cap_order;
	/* the destroy sockets; pfd has room for one per socket and one more */
	struct ev_nsock *nsk;
	size_t nnsk, cap_nsk;
	struct pollfd *pfd;
	uint64_t drain_ino; /* the namespace of the socket being read */
	unsigned long lost_gone; /* overruns of sockets closed since */
	int netns_on;      /* -N or --all-netns: events name their namespace */
	int skip_told, open_warned;
};

static uint64_t ev_now(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void ev_add(struct ev_ctx *c, const struct ev_event *e)
{
	if (c->nev == c->cap_ev) {
		c->cap_ev = c->cap_ev ? c->cap_ev * 2 : 64;
		c->ev = xreallocarray(c->ev, c->cap_ev, sizeof(*c->ev));
	}
	c->ev[c->nev++] = *e;
}

static void ev_died_note(struct ev_ctx *c, uint64_t cookie)
{
	int added;

	if (cookie != 0)
		*u64map_put(&c->died[c->cur_died], cookie, &added) = 0;
}

static int ev_died_recently(const struct ev_ctx *c, uint64_t cookie)
{
	return u64map_get(&c->died[0], cookie) != NULL ||
	       u64map_get(&c->died[1], cookie) != NULL;
}

/* The notification of this cookie, or npend. */
static size_t ev_pending_find(const struct ev_ctx *c, uint64_t cookie)
{
	size_t i;

	for (i = 0; i < c->npend; i++)
		if (c->pend[i].rec.cookie == cookie)
			break;
	return i;
}

static void ev_pending_del(struct ev_ctx *c, size_t i)
{
	c->pend[i] = c->pend[--c->npend];
}

static void ev_on_destroy(void *ud, const struct sock_rec *r)
{
	struct ev_ctx *c = ud;
	struct ev_pending *p;

	if (r->cookie == 0)
		return; /* cannot be matched with anything */
	if (c->npend == c->cap_pend) {
		c->cap_pend = c->cap_pend ? c->cap_pend * 2 : 64;
		c->pend = xreallocarray(c->pend, c->cap_pend,
					sizeof(*c->pend));
	}
	p = &c->pend[c->npend++];
	p->rec = *r;
	p->rec.name = NULL;
	p->rec.name_len = 0;
	p->rec.tcp_info = NULL;
	p->rec.tcp_info_len = 0;
	p->rec.cong = NULL;
	p->rec.cong_len = 0;
	p->rec.skmem = NULL;
	p->rec.skmem_len = 0;
	p->time_ns = ev_now(CLOCK_REALTIME);
	p->ns_ino = c->drain_ino;
	p->age = 0;
}

static int ev_drain(struct ev_ctx *c, size_t k, struct sc_err *err)
{
	c->drain_ino = c->nsk[k].ino;
	return destroy_drain(&c->nsk[k].ds, ev_on_destroy, c, err);
}

static int ev_drain_all(struct ev_ctx *c, struct sc_err *err)
{
	for (size_t k = 0; k < c->nnsk; k++)
		if (ev_drain(c, k, err) < 0)
			return -1;
	return 0;
}

static unsigned long ev_lost(const struct ev_ctx *c)
{
	unsigned long n = c->lost_gone;

	for (size_t k = 0; k < c->nnsk; k++)
		n += c->nsk[k].ds.lost;
	return n;
}

static struct ev_nsock *ev_nsock_add(struct ev_ctx *c, uint64_t ino)
{
	struct ev_nsock *k;

	if (c->nnsk == c->cap_nsk) {
		c->cap_nsk = c->cap_nsk ? c->cap_nsk * 2 : 8;
		c->nsk = xreallocarray(c->nsk, c->cap_nsk, sizeof(*c->nsk));
		c->pfd = xreallocarray(c->pfd, c->cap_nsk + 1,
				       sizeof(*c->pfd));
	}
	k = &c->nsk[c->nnsk++];
	memset(k, 0, sizeof(*k));
	k->ino = ino;
	k->ds.fd = -1;
	k->seen = 1;
	return k;
}

static void ev_open_warn(struct ev_ctx *c, const char *msg)
{
	if (c->open_warned)
		return;
	c->open_warned = 1;
	fprintf(stderr,
		"sockscope: warning: %s: sockets that live less than one "
		"interval are not reported\n",
		msg);
}

/* One destroy socket per namespace the snapshot found: opened for a new
 * one, closed (after reading what it holds) for one that is gone. A
 * namespace that cannot be entered keeps its entry, without a socket, so
 * that it is not tried again every interval; the snapshot counts it as
 * skipped. Returns 0 or -1 with err set. */
static int ev_nsock_sync(struct ev_ctx *c, const struct collect_query *q,
			 struct sc_err *err)
{
	const struct netns_set *s = c->cur.netns;
	struct u64map by_ino = { 0 }; /* namespace inode -> index in nsk */
	size_t k;
	int added;

	if (!c->netns_on || s == NULL ||
	    c->o->collect.backend == COLLECT_BACKEND_PROC)
		return 0;
	for (k = 0; k < c->nnsk; k++) {
		c->nsk[k].seen = 0;
		*u64map_put(&by_ino, c->nsk[k].ino, &added) = (uint32_t)k;
	}
	for (size_t i = 0; i < s->n; i++) {
		const uint32_t *v = u64map_get(&by_ino, s->v[i].ino);
		struct ev_nsock *n;
		struct sc_err oe = { 0 };

		if (v != NULL) {
			c->nsk[*v].seen = 1;
			continue;
		}
		n = ev_nsock_add(c, s->v[i].ino);
		if (destroy_open_in(&n->ds, q, s, i, &oe) < 0 &&
		    oe.code != EPERM && oe.code != EACCES &&
		    oe.code != ESRCH && oe.code != ENOENT)
			ev_open_warn(c, oe.msg);
	}
	u64map_free(&by_ino);
	k = 0;
	while (k < c->nnsk) {
		if (c->nsk[k].seen) {
			k++;
			continue;
		}
		if (ev_drain(c, k, err) < 0)
			return -1;
		c->lost_gone += c->nsk[k].ds.lost;
		destroy_close(&c->nsk[k].ds);
		c->nsk[k] = c->nsk[--c->nnsk];
	}
	return 0;
}

/* Namespace idx of a snapshot, or NULL. */
static const struct netns_info *ev_ns_of(const struct snapshot *s,
					 unsigned idx)
{
	return s->netns != NULL && idx < s->netns->n ? &s->netns->v[idx]
						     : NULL;
}

/* The namespace of a row's index in a snapshot, as the events name it. */
static void ev_set_ns(struct ev_ctx *c, struct ev_event *e,
		      const struct snapshot *s)
{
	if (!c->netns_on)
		return;
	e->ns = ev_ns_of(s, e->rec.netns);
	e->ns_ino = e->ns != NULL ? e->ns->ino : 0;
}

static int ev_on_diff(void *ud, enum diff_kind kind, size_t pi, size_t ci)
{
	struct ev_ctx *c = ud;
	struct ev_event e = { .kind = kind, .source = EV_SNAPSHOT,
			      .time_ns = c->snap_ns };
	struct sock_rec p;

	switch (kind) {
	case DIFF_BORN:
		rows_get(c->cur.rows, ci, &e.rec);
		e.state = e.rec.state;
		ev_set_ns(c, &e, &c->cur);
		break;
	case DIFF_STATE:
		rows_get(c->prev.rows, pi, &p);
		rows_get(c->cur.rows, ci, &e.rec);
		e.old_state = p.state;
		e.state = e.rec.state;
		ev_set_ns(c, &e, &c->cur);
		break;
	case DIFF_DIED: {
		size_t k;

		rows_get(c->prev.rows, pi, &e.rec);
		e.old_state = e.rec.state;
		e.prev_facts = 1;
		ev_set_ns(c, &e, &c->prev);
		k = e.rec.cookie != 0 ? ev_pending_find(c, e.rec.cookie)
				      : c->npend;
		if (k < c->npend) {
			/* reported once, when the kernel said */
			e.source = EV_DESTROY;
			e.time_ns = c->pend[k].time_ns;
			ev_pending_del(c, k);
		}
		ev_died_note(c, e.rec.cookie);
		break;
	}
	}
	ev_add(c, &e);
	return 0;
}

/* A death the kernel should have told of (a full TCP or UDP socket;
 * TIME-WAIT and request minisockets are not announced), not yet matched. */
static int ev_wants_notice(const struct ev_event *e)
{
	return e->kind == DIFF_DIED && e->source == EV_SNAPSHOT &&
	       e->rec.cookie != 0 &&
	       (e->rec.netid == SOCK_NETID_TCP ||
		e->rec.netid == SOCK_NETID_UDP) &&
	       e->rec.state != SOCK_ST_TIME_WAIT &&
	       e->rec.state != SOCK_ST_SYN_RECV;
}

/* Deaths found before their notification came: wait for it a little
 * (once per tick), so that each is told once, as the kernel told it. */
static int ev_late_notices(struct ev_ctx *c, struct sc_err *err)
{
	size_t i, n = 0;

	for (size_t k = 0; k < c->nnsk; k++)
		if (c->nsk[k].ds.fd >= 0)
			n++;
	if (n == 0)
		return 0;
	for (i = 0; i < c->nev && !ev_wants_notice(&c->ev[i]); i++)
		;
	if (i == c->nev)
		return 0;
	for (size_t k = 0; k < c->nnsk; k++)
		c->pfd[k] = (struct pollfd){ .fd = c->nsk[k].ds.fd,
					     .events = POLLIN };
	/* one wait for all: the notices of several namespaces come from
	 * one work queue */
	if (poll(c->pfd, c->nnsk, EVENTS_NOTICE_WAIT_MS) > 0 &&
	    ev_drain_all(c, err) < 0)
		return -1;
	for (; i < c->nev; i++) {
		struct ev_event *e = &c->ev[i];
		size_t k;

		if (!ev_wants_notice(e))
			continue;
		k = ev_pending_find(c, e->rec.cookie);
		if (k < c->npend) {
			e->source = EV_DESTROY;
			e->time_ns = c->pend[k].time_ns;
			ev_pending_del(c, k);
		}
	}
	return 0;
}

/* The row of a minisocket with p's addresses in p's namespace, or
 * DIFF_NONE (addresses repeat from one namespace to another). */
static size_t ev_find_minisock(const struct ev_ctx *c,
			       const struct ev_pending *p)
{
	if (!c->netns_on)
		return diff_index_find_minisock(&c->cur_ix, &p->rec);
	return diff_index_find_minisock_ns(&c->cur_ix, &p->rec, p->ns_ino);
}

/* A socket only its notification saw: its namespace by inode, in this
 * snapshot (its index there, for the filter) or else in the last. */
static void ev_pending_ns(struct ev_ctx *c, struct ev_event *e)
{
	const struct netns_set *s = c->cur.netns;

	if (!c->netns_on)
		return;
	e->rec.netns = UINT16_MAX; /* no namespace of the facts */
	for (size_t i = 0; s != NULL && i < s->n; i++)
		if (s->v[i].ino == e->ns_ino) {
			e->rec.netns = (uint16_t)i;
			e->ns = &s->v[i];
			return;
		}
	s = c->prev.netns;
	for (size_t i = 0; s != NULL && i < s->n; i++)
		if (s->v[i].ino == e->ns_ino)
			e->ns = &s->v[i];
}

/* The notifications the diff did not explain. */
static void ev_match_pending(struct ev_ctx *c)
{
	size_t i = 0;

	while (i < c->npend) {
		struct ev_pending *p = &c->pend[i];
		size_t k = diff_index_find_cookie(&c->cur_ix, p->rec.cookie);

		if (ev_died_recently(c, p->rec.cookie) ||
		    (k == DIFF_NONE && ev_find_minisock(c, p) != DIFF_NONE)) {
			/* told already, or a full socket that became a
			 * minisocket the snapshots list */
			ev_pending_del(c, i);
			continue;
		}
		if (k != DIFF_NONE) {
			struct sock_rec r;

			rows_get(c->cur.rows, k, &r);
			/* a full socket that became a TIME-WAIT minisocket
			 * (same cookie, no inode) is destroyed: the diff
			 * says it changed state. Otherwise the socket was
			 * listed while it went: the next snapshot has it
			 * gone. */
			if (r.inode == 0 || p->age >= EVENTS_PENDING_TICKS) {
				ev_pending_del(c, i);
			} else {
				p->age++;
				i++;
			}
			continue;
		}
		/* never in a snapshot: born and gone between two */
		{
			struct ev_event e = { .source = EV_DESTROY,
					      .time_ns = p->time_ns,
					      .rec = p->rec,
					      .ns_ino = p->ns_ino };

			ev_pending_ns(c, &e);
			e.kind = DIFF_BORN;
			ev_add(c, &e);
			e.kind = DIFF_DIED;
			ev_add(c, &e);
			ev_died_note(c, p->rec.cookie);
		}
		ev_pending_del(c, i);
	}
}

/* ---- filtering and writing ------------------------------------------- */

static int ev_state_in(const struct ev_ctx *c, uint8_t st)
{
	return st != SOCK_ST_UNKNOWN &&
	       (c->o->query.states & SOCK_STATE_BIT(st)) != 0;
}

static struct facts *ev_facts(struct ev_ctx *c, const struct ev_event *e)
{
	return e->prev_facts ? c->prev.facts : c->cur.facts;
}

static int ev_shown(struct ev_ctx *c, const struct ev_event *e)
{
	struct collect_query q = c->o->query;
	/* a socket only the notification saw went through states nobody
	 * saw: the state selection cannot judge it */
	int judge = e->source != EV_DESTROY || e->prev_facts;

	q.states = SOCK_STATES_ALL;
	if (!collect_rec_matches(&q, &e->rec))
		return 0;
	if (judge && e->kind == DIFF_STATE && !ev_state_in(c, e->old_state) &&
	    !ev_state_in(c, e->state))
		return 0;
	if (judge && e->kind != DIFF_STATE &&
	    !ev_state_in(c, e->kind == DIFF_DIED ? e->old_state : e->state))
		return 0;
	return c->o->filter == NULL ||
	       expr_match(c->o->filter, &e->rec, ev_facts(c, e));
}

static const char *ev_kind_name(enum diff_kind k)
{
	switch (k) {
	case DIFF_BORN:
		return "born";
	case DIFF_STATE:
		return "state";
	case DIFF_DIED:
		return "died";
	}
	return "?";
}

static const char *ev_state_name(uint8_t st)
{
	return st == SOCK_ST_UNKNOWN ? NULL : sock_state_name(st);
}

static void ev_time_text(uint64_t ns, int utc, char *buf, size_t cap)
{
	time_t s = (time_t)(ns / 1000000000u);
	unsigned ms = (unsigned)(ns % 1000000000u / 1000000u);
	struct tm tm;
	size_t n;

	if (utc)
		gmtime_r(&s, &tm);
	else
		localtime_r(&s, &tm);
	n = strftime(buf, cap, utc ? "%Y-%m-%dT%H:%M:%S" : "%H:%M:%S", &tm);
	snprintf(buf + n, cap - n, utc ? ".%03uZ" : ".%03u", ms);
}

/* The namespace as the listing names it: its name under /var/run/netns
 * (escaped), else net:[INODE]. */
static void ev_netns_text(const struct ev_ctx *c, const struct ev_event *e,
			  struct sbuf *b)
{
	if (e->ns != NULL && e->ns->name != NULL) {
		sbuf_esc(b, e->ns->name, strlen(e->ns->name), c->o->esc_flags);
		return;
	}
	sbuf_puts(b, "net:[");
	sbuf_u64(b, e->ns_ino);
	sbuf_putc(b, ']');
}

static void ev_write_text(struct ev_ctx *c, const struct ev_event *e)
{
	struct fields_ctx fc = { c->o->addr, ev_facts(c, e), c->o->esc_flags };
	struct sbuf *b = &c->line;
	const char *st;
	char tbuf[64];
	size_t mark;

	b->len = 0;
	ev_time_text(e->time_ns, 0, tbuf, sizeof(tbuf));
	sbuf_puts(b, tbuf);
	sbuf_putc(b, ' ');
	sbuf_puts(b, ev_kind_name(e->kind));
	sbuf_putc(b, ' ');
	sbuf_puts(b, sock_netid_name(e->rec.netid));
	sbuf_putc(b, ' ');
	if (e->kind == DIFF_STATE) {
		sbuf_puts(b, sock_state_name(e->old_state));
		sbuf_puts(b, "->");
	}
	st = ev_state_name(e->kind == DIFF_DIED ? e->old_state : e->state);
	sbuf_puts(b, st != NULL ? st : "-");
	sbuf_putc(b, ' ');
	fields_display(&fc, FIELD_LOCAL, &e->rec, b);
	sbuf_putc(b, ' ');
	fields_display(&fc, FIELD_PEER, &e->rec, b);
	sbuf_puts(b, " ino:");
	sbuf_u64(b, e->rec.inode);
	if (c->o->processes && e->rec.inode != 0) {
		sbuf_putc(b, ' ');
		mark = b->len;
		fields_display(&fc, FIELD_PROCESS, &e->rec, b);
		if (b->len == mark)
			b->len--; /* nobody holds it */
	}
	if (c->netns_on) {
		sbuf_puts(b, " netns:");
		ev_netns_text(c, e, b);
	}
	if (e->source == EV_DESTROY)
		sbuf_puts(b, " seen:destroy");
	sbuf_putc(b, '\n');
	obuf_put(c->out, b->p, b->len);
}

static void ev_json_addr(struct ev_ctx *c, struct json *j, const char *key,
			 const struct sock_rec *r, int local)
{
	struct fields_ctx fc = { c->json_addr, NULL, 0 };

	if (r->family != AF_UNIX) {
		c->line.len = 0;
		fields_display(&fc, local ? FIELD_LOCAL : FIELD_PEER, r,
			       &c->line);
		json_kstr(j, key, c->line.p, c->line.len);
		return;
	}
	if (!local || r->name == NULL || r->name_len == 0) {
		json_knull(j, key);
		return;
	}
	c->line.len = 0;
	if (r->name[0] == '\0') {
		sbuf_putc(&c->line, '@');
		sbuf_put(&c->line, r->name + 1, r->name_len - 1u);
	} else {
		sbuf_put(&c->line, r->name, strnlen(r->name, r->name_len));
	}
	json_kstr(j, key, c->line.p, c->line.len);
}

static void ev_json_owners(struct ev_ctx *c, struct json *j,
			   const struct ev_event *e)
{
	struct facts *f = ev_facts(c, e);
	const struct owners *ow;
	const struct owner *w;
	enum facts_held h;

	if (!c->o->processes || f == NULL) {
		json_knull(j, "owners");
		return;
	}
	h = facts_holders(f, e->rec.inode, &w);
	if (h == FACTS_UNKNOWN) {
		json_knull(j, "owners");
		return;
	}
	ow = facts_owner_table(f);
	json_key(j, "owners");
	json_arr_begin(j);
	for (; h == FACTS_HELD && w != NULL; w = owners_next(ow, w)) {
		json_obj_begin(j);
		json_ku64(j, "pid", w->pid);
		json_kstr(j, "comm", owners_comm(ow, w), w->comm_len);
		json_key(j, "fd");
		json_i64(j, w->fd);
		json_obj_end(j);
	}
	json_arr_end(j);
}

/* "netns" and "container" as the listing's JSON has them. */
static void ev_json_netns(struct ev_ctx *c, struct json *j,
			  const struct ev_event *e)
{
	struct facts *f = ev_facts(c, e);
	const char *label = NULL;

	json_key(j, "netns");
	json_obj_begin(j);
	json_ku64(j, "inode", e->ns_ino);
	json_kcstr(j, "name", e->ns != NULL ? e->ns->name : NULL);
	json_obj_end(j);
	/* the holder's label where the facts know the socket's namespace,
	 * else the namespace's */
	if (e->ns != NULL && facts_netns(f, e->rec.netns) == e->ns)
		label = facts_container(f, &e->rec);
	else if (e->ns != NULL)
		label = e->ns->label;
	json_kcstr(j, "container",
		   label != NULL && label[0] != '\0' ? label : NULL);
}

static void ev_write_json(struct ev_ctx *c, const struct ev_event *e)
{
	struct json j;
	const char *st;
	char tbuf[64];

	json_init(&j, c->out);
	json_obj_begin(&j);
	json_ku64(&j, "schema_version", 1);
	ev_time_text(e->time_ns, 1, tbuf, sizeof(tbuf));
	json_kascii(&j, "time", tbuf);
	json_kascii(&j, "event", ev_kind_name(e->kind));
	json_kascii(&j, "netid", sock_netid_name(e->rec.netid));
	st = e->kind == DIFF_DIED ? NULL : ev_state_name(e->state);
	if (st != NULL)
		json_kascii(&j, "state", st);
	else
		json_knull(&j, "state");
	st = ev_state_name(e->old_state);
	if (st != NULL)
		json_kascii(&j, "old_state", st);
	else
		json_knull(&j, "old_state");
	ev_json_addr(c, &j, "local", &e->rec, 1);
	ev_json_addr(c, &j, "peer", &e->rec, 0);
	json_ku64(&j, "inode", e->rec.inode);
	if (e->rec.cookie != 0) {
		char hex[17];

		hex[fmt_x64(hex, e->rec.cookie)] = '\0';
		json_kascii(&j, "cookie", hex);
	} else {
		json_knull(&j, "cookie");
	}
	ev_json_owners(c, &j, e);
	if (c->netns_on)
		ev_json_netns(c, &j, e);
	json_kascii(&j, "source",
		    e->source == EV_DESTROY ? "destroy" : "snapshot");
	json_obj_end(&j);
	obuf_putc(c->out, '\n');
}

static int ev_cmp_time(void *ud, uint32_t a, uint32_t b)
{
	const struct ev_ctx *c = ud;
	uint64_t ta = c->ev[a].time_ns, tb = c->ev[b].time_ns;

	return ta < tb ? -1 : ta > tb;
}

/* The events of a tick, in time order (the notifications came before the
 * snapshot that could not list their sockets). */
static void ev_flush_events(struct ev_ctx *c)
{
	if (c->nev > c->cap_order) {
		c->cap_order = c->nev;
		c->order = xreallocarray(c->order, c->cap_order,
					 sizeof(*c->order));
		c->tmp = xreallocarray(c->tmp, c->cap_order / 2 + 1,
				       sizeof(*c->tmp));
	}
	for (size_t i = 0; i < c->nev; i++)
		c->order[i] = (uint32_t)i;
	msort_u32(c->order, c->tmp, c->nev, ev_cmp_time, c);
	for (size_t i = 0; i < c->nev; i++) {
		const struct ev_event *e = &c->ev[c->order[i]];

		if (!ev_shown(c, e))
			continue;
		if (c->o->json)
			ev_write_json(c, e);
		else
			ev_write_text(c, e);
	}
	c->nev = 0;
}

/* ---- the loop ----------------------------------------------------------- */

static void ev_warnings(const struct collect_report *rep, int *warned)
{
	/* the same warning every interval says nothing new */
	if (*warned)
		return;
	for (unsigned i = 0; i < rep->warnings.n; i++) {
		fprintf(stderr, "sockscope: warning: %s\n",
			rep->warnings.msg[i]);
		*warned = 1;
	}
}

/* One tick: a snapshot, its events, written. Returns 0 or -1 (printed). */
static int ev_tick(struct ev_ctx *c, const struct snapshot_opts *so,
		   int *warned)
{
	struct sc_err err = { 0 };

	if (snapshot_take(so, &c->cur, &err) < 0) {
		fprintf(stderr, "sockscope: %s\n", err.msg);
		return -1;
	}
	if (!c->skip_told && c->cur.netns != NULL) {
		char note[160];

		/* the same namespaces every interval: said once */
		netns_skip_note(c->cur.netns, note, sizeof(note));
		if (note[0] != '\0') {
			fprintf(stderr, "sockscope: %s\n", note);
			c->skip_told = 1;
		}
	}
	if (ev_nsock_sync(c, &so->query, &err) < 0) {
		fprintf(stderr, "sockscope: %s\n", err.msg);
		return -1;
	}
	/* what was destroyed before the dump has been told by now (the
	 * kernel sends from a work queue): a socket missing from the
	 * snapshot is then matched with its notification */
	if (c->have_prev && ev_drain_all(c, &err) < 0) {
		fprintf(stderr, "sockscope: %s\n", err.msg);
		return -1;
	}
	ev_warnings(&c->cur.report, warned);
	c->snap_ns = ev_now(CLOCK_REALTIME);
	diff_index_build_ns(&c->cur_ix, c->cur.rows, c->cur.netns);
	c->cur_died ^= 1;
	u64map_free(&c->died[c->cur_died]);
	if (c->have_prev) {
		diff_rows(&c->prev_ix, &c->cur_ix, ev_on_diff, c);
		if (ev_late_notices(c, &err) < 0) {
			fprintf(stderr, "sockscope: %s\n", err.msg);
			return -1;
		}
		ev_match_pending(c);
		ev_flush_events(c);
	}
	diff_index_free(&c->prev_ix);
	snapshot_free(&c->prev);
	c->prev = c->cur;
	c->prev_ix = c->cur_ix;
	c->prev_ix.rows = c->prev.rows;
	memset(&c->cur, 0, sizeof(c->cur));
	memset(&c->cur_ix, 0, sizeof(c->cur_ix));
	c->have_prev = 1;
	return 0;
}

static void ev_ctx_free(struct ev_ctx *c)
{
	diff_index_free(&c->prev_ix);
	diff_index_free(&c->cur_ix);
	snapshot_free(&c->prev);
	snapshot_free(&c->cur);
	u64map_free(&c->died[0]);
	u64map_free(&c->died[1]);
	addr_ctx_free(c->json_addr);
	sbuf_free(&c->line);
	free(c->ev);
	free(c->pend);
	free(c->order);
	free(c->tmp);
	for (size_t k = 0; k < c->nnsk; k++)
		destroy_close(&c->nsk[k].ds);
	free(c->nsk);
	free(c->pfd);
}

/* Wait until deadline (CLOCK_MONOTONIC), reading notifications as they
 * come. Returns 1 when a stop signal came, 0 at the deadline, -1 on a
 * failure (printed). */
static int ev_wait(struct ev_ctx *c, struct stopfd *sf, uint64_t deadline)
{
	for (;;) {
		struct pollfd *pfd = c->pfd;
		uint64_t now = ev_now(CLOCK_MONOTONIC);
		int ms, n;

		if (now >= deadline)
			return 0;
		pfd[0] = (struct pollfd){ .fd = sf->fd, .events = POLLIN };
		for (size_t k = 0; k < c->nnsk; k++)
			pfd[k + 1] = (struct pollfd){ .fd = c->nsk[k].ds.fd,
						      .events = POLLIN };
		ms = (int)((deadline - now + 999999u) / 1000000u);
		n = poll(pfd, c->nnsk + 1, ms);
		if (n < 0 && errno != EINTR) {
			fprintf(stderr, "sockscope: poll: %s\n",
				strerror(errno));
			return -1;
		}
		if (n <= 0)
			continue;
		if (pfd[0].revents != 0)
			return 1;
		for (size_t k = 0; k < c->nnsk; k++) {
			struct sc_err err = { 0 };

			if (pfd[k + 1].revents != 0 &&
			    ev_drain(c, k, &err) < 0) {
				fprintf(stderr, "sockscope: %s\n", err.msg);
				return -1;
			}
		}
	}
}

int events_run(const struct events_opts *o, struct obuf *out)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, 0 };
	struct ev_ctx c = { .o = o, .out = out };
	struct snapshot_opts so = { 0 };
	struct addr_opts ao = { .numeric = 1 };
	struct stopfd sf;
	unsigned needs = expr_needs(o->filter);
	struct sc_err err = { 0 };
	unsigned long lost = 0;
	int warned = 0, status = SC_EXIT_OK;
	uint64_t next;

	if (stopfd_open(&sf, sigs, &err) < 0) {
		fprintf(stderr, "sockscope: %s\n", err.msg);
		return SC_EXIT_FAILURE;
	}
	so.query = o->query;
	so.query.states = SOCK_STATES_ALL;
	so.query.internals = 0;
	so.query.bytecode[0] = so.query.bytecode[1] = NULL;
	so.query.bytecode_len[0] = so.query.bytecode_len[1] = 0;
	so.collect = o->collect;
	so.owners = o->processes || (needs & EXPR_NEED_OWNERS) != 0;
	so.netns = o->netns;
	c.pfd = xmalloc(sizeof(*c.pfd)); /* the stop signal's */
	c.netns_on = so.netns.mode == NETNS_ONE || so.netns.mode == NETNS_ALL;
	if (so.netns.mode == NETNS_NONE &&
	    (needs & (EXPR_NEED_NETNS | EXPR_NEED_LABELS)) != 0)
		so.netns.mode = NETNS_OWN; /* for the filter */
	if (c.netns_on && (o->json || (needs & EXPR_NEED_LABELS) != 0))
		so.netns.labels = 1;
	/* the notifications name sockets by cookie: /proc/net has none.
	 * Other namespaces' sockets are opened as each is first listed. */
	if (!c.netns_on) {
		struct ev_nsock *k = ev_nsock_add(&c, 0);

		if (o->collect.backend != COLLECT_BACKEND_PROC &&
		    destroy_open(&k->ds, &o->query, &err) < 0)
			ev_open_warn(&c, err.msg);
	}
	if (o->json)
		c.json_addr = addr_ctx_new(&ao);
	next = ev_now(CLOCK_MONOTONIC);
	for (;;) {
		int w, e;

		if (ev_tick(&c, &so, &warned) < 0) {
			status = SC_EXIT_FAILURE;
			break;
		}
		if (ev_lost(&c) != lost) {
			fprintf(stderr,
				"sockscope: warning: the kernel dropped "
				"destroy notifications: some sockets that "
				"lived less than one interval are missing\n");
			lost = ev_lost(&c);
		}
		e = obuf_flush(out);
		if (e != 0) {
			fprintf(stderr, "sockscope: write error: %s\n",
				strerror(e));
			status = SC_EXIT_FAILURE;
			break;
		}
		next += o->interval_ns;
		/* a tick slower than the interval: the next one at once,
		 * not a burst to catch up */
		if (next < ev_now(CLOCK_MONOTONIC))
			next = ev_now(CLOCK_MONOTONIC);
		w = ev_wait(&c, &sf, next);
		if (w != 0) {
			status = w < 0 ? SC_EXIT_FAILURE : SC_EXIT_OK;
			break;
		}
	}
	stopfd_close(&sf);
	ev_ctx_free(&c);
	return status;
}
