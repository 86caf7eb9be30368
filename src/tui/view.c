/* view.c - the TUI's view model: sockets kept by identity across ticks
 * (mark-and-sweep, tombs), the event log, and the ordered lines. */
#include "config.h"

#include "tui/view.h"

#include "output/tcpinfo.h"
#include "util/escape.h"
#include "util/msort.h"
#include "util/obuf.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* A tick must stay cheap at 100k sockets, so:
 * - entries live in one array, found by a hash of their key; but first
 *   by a guess, the entry that followed the last row's in the last tick,
 *   since the kernel's order barely moves: most rows cost no hashing and
 *   visit the entries in the order they were made;
 * - what a socket needs from the tick's facts (holders, its file, its
 *   peer's name) is copied once, and compared afterwards, so sorting,
 *   drawing and tombs need no facts;
 * - the collection order and the sorted order are kept from tick to
 *   tick: only the born and the changed are placed again (a merge), and
 *   the lines are rebuilt only when an order, the filter's verdicts or
 *   the tree can have changed;
 * - cells are made when a line is first drawn and kept until its socket
 *   changes: a tick formats nothing but what is on screen. */

#define VNONE UINT32_MAX

/* What changed in a socket since the last tick. */
enum view_diff {
	VD_STATE = 1u << 0,
	VD_QUEUE = 1u << 1,
	VD_TIMER = 1u << 2,
	VD_INFO = 1u << 3, /* tcp_info, congestion control, memory */
	VD_ADDR = 1u << 4, /* netid, family, addresses, ports, Unix name */
	VD_IDS = 1u << 5,  /* uid, inode, cookie, peer, file identity */
	VD_OWNERS = 1u << 6,
	VD_PEER_OWNERS = 1u << 7,
	VD_FILE = 1u << 8,
	VD_PEER_NAME = 1u << 9,
	VD_NEW = 1u << 10, /* born (or a tomb seen again) */
	VD_NETNS = 1u << 11, /* its namespace's name, its container label */
};

/* Changes shown as a light "updated" (no event). Timers tick and
 * tcp_info moves all the time: those would light up every line. */
#define VD_LIGHT                                                            \
	(VD_QUEUE | VD_ADDR | VD_IDS | VD_OWNERS | VD_PEER_OWNERS | VD_FILE |  \
	 VD_PEER_NAME)

/* What may move a socket in an order by each field. */
static const unsigned view_field_diff[FIELD_COUNT] = {
	[FIELD_NETID] = VD_ADDR,
	[FIELD_STATE] = VD_STATE,
	[FIELD_RECV_Q] = VD_QUEUE,
	[FIELD_SEND_Q] = VD_QUEUE,
	[FIELD_LOCAL] = VD_ADDR | VD_IDS,
	[FIELD_PEER] = VD_ADDR | VD_IDS,
	[FIELD_SRC] = VD_ADDR,
	[FIELD_SPORT] = VD_ADDR,
	[FIELD_DST] = VD_ADDR | VD_IDS,
	[FIELD_DPORT] = VD_ADDR,
	[FIELD_PROCESS] = VD_OWNERS,
	[FIELD_PID] = VD_OWNERS | VD_IDS,
	[FIELD_COMM] = VD_OWNERS | VD_IDS,
	[FIELD_UID] = VD_IDS,
	[FIELD_USER] = VD_IDS,
	[FIELD_INODE] = VD_IDS,
	[FIELD_COOKIE] = VD_IDS,
	[FIELD_PATH] = VD_ADDR,
	[FIELD_FILE] = VD_FILE | VD_ADDR | VD_IDS,
	[FIELD_MODE] = VD_FILE | VD_ADDR | VD_IDS,
	[FIELD_OWNER] = VD_FILE | VD_ADDR | VD_IDS,
	[FIELD_GROUP] = VD_FILE | VD_ADDR | VD_IDS,
	[FIELD_PEER_PROCESS] = VD_PEER_OWNERS | VD_IDS,
	[FIELD_PEER_PID] = VD_PEER_OWNERS | VD_IDS,
	[FIELD_PEER_COMM] = VD_PEER_OWNERS | VD_IDS,
	[FIELD_PEER_NAME] = VD_PEER_NAME | VD_IDS,
	[FIELD_NETNS] = VD_NETNS,
	[FIELD_NETNS_INODE] = VD_NETNS,
	[FIELD_CONTAINER] = VD_NETNS | VD_OWNERS,
	[FIELD_PEER_INODE] = VD_IDS,
	[FIELD_TIMER] = VD_TIMER,
	[FIELD_FAMILY] = VD_ADDR,
};

static const enum field_id view_default_columns[] = {
	FIELD_NETID, FIELD_STATE, FIELD_RECV_Q, FIELD_SEND_Q,
	FIELD_LOCAL, FIELD_PEER,  FIELD_PROCESS,
};

/* Open addressing (linear probing, at most half full) from a 32-bit
 * hash to entry numbers; the caller compares the keys it hashed. */
struct vslot {
	uint32_t idx; /* VNONE: empty */
	uint32_t h;
};

struct vmap {
	struct vslot *s;
	size_t cap, used;
};

struct vent {
	struct view_entry pub; /* first: a view_entry * is a vent * */
	uint32_t used;
	uint32_t key_h;
	uint32_t seen; /* the tick it was last collected in */
	uint32_t row;  /* its row in that tick */
	uint32_t born_tick, state_tick, upd_tick, died_tick;
	uint32_t moved; /* the tick its sort key may have changed in */
	uint32_t next;  /* the free list; the tombs after it (collection) */
	uint32_t chain_head, chain_tail;
	uint32_t gen;   /* bumped on every change: tags the cells */
	uint32_t cells_gen, cells_cols;
	uint8_t match; /* passes the filter */
	unsigned char *bytes; /* name, tcp_info, cong, skmem */
	size_t bytes_cap;
	char *pname; /* the peer's name */
	/* with namespaces (-N, --all-netns): the namespace's inode, and its
	 * name then the container label, each NUL-terminated ("" if none) */
	uint64_t ns_ino;
	char *ns_text;
	struct view_owners *own, *peer_own;
	struct view_cell *cells; /* the cells, then their text */
};

/* In ltree: the line is a child (depth 1). Not a tree flag of the API,
 * whose VIEW_LF_BORN shares the bit. */
#define VIEW_LT_CHILD 1u

struct vevent {
	struct view_event pub;
	char *mem; /* the texts */
};

struct view {
	struct view_opts o;
	enum field_id cols[VIEW_MAX_COLUMNS];
	size_t ncols;
	uint32_t cols_gen;
	struct addr_ctx *addr;
	/* user and group names between ticks (looked up once each) */
	struct facts *names;
	struct fields_ctx fctx; /* addr and names */
	/* Events never resolve host names: a burst of a thousand must not
	 * wait on DNS (cells resolve, lazily, for the lines shown). */
	struct addr_ctx *ev_addr;
	struct fields_ctx ev_fctx;

	uint32_t tick;
	uint64_t now_ms;
	struct vent *ents;
	size_t nents, ents_cap;
	uint32_t free_head;
	uint64_t serial;
	size_t alive, tombs, n_born, n_died, n_changed;
	struct vmap prim, cook; /* by key; by (netid, cookie) */

	uint32_t *row_ent; /* entry of each row of this tick */
	uint32_t *prev_ent; /* and of the last tick */
	size_t row_cap, prev_cap, prev_n;
	uint32_t *coll, *coll_tmp; /* every entry in collection order */
	size_t ncoll, coll_cap;
	uint32_t *sorted, *sort_tmp; /* every entry by (sort key, serial) */
	size_t nsorted, sort_cap;
	uint32_t *moved;
	size_t nmoved, moved_cap;

	enum field_id sort;
	int invert, tree;
	enum view_tab tab;
	struct expr *filter;
	unsigned filter_needs;
	/* the filter was set without holders: judge every socket again at
	 * the next tick that has them */
	int refilter_owners;
	int dirty;

	struct view_line *lines;
	uint32_t *lent;   /* entry of each line */
	uint8_t *ltree;   /* tree flags of each line, and VIEW_LT_CHILD */
	size_t nlines, lines_cap;
	uint32_t *cand, *parent, *first, *last, *sib; /* tree building */
	size_t tree_cap;
	struct vmap lmap; /* listeners */

	uint32_t sel;
	uint64_t sel_serial;
	size_t cursor, top, page;

	struct vevent *ring;
	size_t ev_head, ev_n;

	struct view_mark *marks;
	size_t nmarks;

	struct sbuf sb;
};

/* ---- helpers ---------------------------------------------------------- */

static uint64_t view_mix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ull;
	k ^= k >> 33;
	return k;
}

static uint32_t view_hash_bytes(const void *p, size_t n, uint64_t seed)
{
	const unsigned char *s = p;
	uint64_t h = 0xcbf29ce484222325ull ^ seed; /* FNV-1a */

	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ull;
	}
	return (uint32_t)view_mix(h);
}

static uint32_t *view_grow32(uint32_t *p, size_t *cap, size_t need)
{
	if (need <= *cap)
		return p;
	if (*cap == 0)
		*cap = 64;
	while (*cap < need)
		*cap *= 2;
	return xreallocarray(p, *cap, sizeof(*p));
}

static size_t view_min(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* Equality of n bytes, n a multiple of 8, without a call into libc: these
 * run for every socket of every tick. */
static int view_eq8n(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	uint64_t acc = 0;

	for (size_t i = 0; i < n; i += 8) {
		uint64_t p, q;

		memcpy(&p, x + i, 8);
		memcpy(&q, y + i, 8);
		acc |= p ^ q;
	}
	return acc == 0;
}

static int view_key_eq(const struct view_key *a, const struct view_key *b)
{
	_Static_assert(sizeof(struct view_key) % 8 == 0,
		       "view_key is compared in words");
	return view_eq8n(a, b, sizeof(*a));
}

/* ---- the hash map ----------------------------------------------------- */

static void vmap_clear(struct vmap *m)
{
	if (m->cap)
		memset(m->s, 0xff, m->cap * sizeof(*m->s));
	m->used = 0;
}

static void vmap_free(struct vmap *m)
{
	free(m->s);
	memset(m, 0, sizeof(*m));
}

static void vmap_place(struct vmap *m, uint32_t h, uint32_t idx)
{
	size_t mask = m->cap - 1, k = h & mask;

	while (m->s[k].idx != VNONE)
		k = (k + 1) & mask;
	m->s[k].idx = idx;
	m->s[k].h = h;
}

static void vmap_add(struct vmap *m, uint32_t h, uint32_t idx)
{
	if ((m->used + 1) * 2 > m->cap) {
		struct vslot *old = m->s;
		size_t ocap = m->cap, cap = m->cap ? m->cap * 2 : 64;

		m->s = xreallocarray(NULL, cap, sizeof(*m->s));
		m->cap = cap;
		memset(m->s, 0xff, cap * sizeof(*m->s));
		for (size_t i = 0; i < ocap; i++)
			if (old[i].idx != VNONE)
				vmap_place(m, old[i].h, old[i].idx);
		free(old);
	}
	vmap_place(m, h, idx);
	m->used++;
}

/* Remove idx (stored under h): shift the rest of the run back so that no
 * lookup stops early at the hole. */
static void vmap_del(struct vmap *m, uint32_t h, uint32_t idx)
{
	size_t mask, i, j;

	if (m->cap == 0)
		return;
	mask = m->cap - 1;
	for (i = h & mask; m->s[i].idx != idx; i = (i + 1) & mask)
		if (m->s[i].idx == VNONE)
			return;
	j = i;
	for (;;) {
		size_t home;

		j = (j + 1) & mask;
		if (m->s[j].idx == VNONE)
			break;
		home = m->s[j].h & mask;
		/* stays if its home lies cyclically in (i, j] */
		if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
			continue;
		m->s[i] = m->s[j];
		i = j;
	}
	m->s[i].idx = VNONE;
	m->used--;
}

/* ---- identity ---------------------------------------------------------- */

static void view_key_of(const struct sock_rec *r, struct view_key *k)
{
	memset(k, 0, sizeof(*k));
	k->netid = r->netid;
	if (r->inode != 0) {
		k->kind = VIEW_KEY_INODE;
		k->id = r->inode;
	} else if (r->cookie != 0) {
		k->kind = VIEW_KEY_COOKIE;
		k->id = r->cookie;
	} else {
		k->kind = VIEW_KEY_TUPLE;
		k->family = r->family;
		k->sport = r->sport;
		k->dport = r->dport;
		memcpy(k->src, r->src, 16);
		memcpy(k->dst, r->dst, 16);
	}
}

static uint32_t view_key_hash(const struct view_key *k)
{
	if (k->kind != VIEW_KEY_TUPLE)
		return (uint32_t)view_mix(k->id ^ ((uint64_t)k->kind << 62) ^
					  ((uint64_t)k->netid << 54));
	return view_hash_bytes(k, sizeof(*k), 0);
}

static uint32_t view_cookie_hash(uint8_t netid, uint64_t cookie)
{
	return (uint32_t)view_mix(cookie ^ ((uint64_t)netid << 56) ^
				  0x9e3779b97f4a7c15ull);
}

/* The entry with key k not yet collected in this tick (a second record
 * with one key becomes a second entry). */
static uint32_t view_find(const struct view *v, const struct view_key *k,
			  uint32_t h)
{
	const struct vmap *m = &v->prim;
	size_t mask = m->cap - 1;

	if (m->cap == 0)
		return VNONE;
	for (size_t i = h & mask; m->s[i].idx != VNONE; i = (i + 1) & mask) {
		const struct vent *e = &v->ents[m->s[i].idx];

		if (m->s[i].h == h && e->seen != v->tick &&
		    view_key_eq(&e->pub.key, k))
			return m->s[i].idx;
	}
	return VNONE;
}

static uint32_t view_find_cookie(const struct view *v, uint8_t netid,
				 uint64_t cookie)
{
	const struct vmap *m = &v->cook;
	uint32_t h = view_cookie_hash(netid, cookie);
	size_t mask = m->cap - 1;

	if (m->cap == 0)
		return VNONE;
	for (size_t i = h & mask; m->s[i].idx != VNONE; i = (i + 1) & mask) {
		const struct vent *e = &v->ents[m->s[i].idx];

		if (m->s[i].h == h && e->seen != v->tick &&
		    e->pub.rec.netid == netid && e->pub.rec.cookie == cookie)
			return m->s[i].idx;
	}
	return VNONE;
}

/* ---- entries ----------------------------------------------------------- */

static uint32_t view_ent_new(struct view *v)
{
	uint32_t x;
	struct vent *e;

	if (v->free_head != VNONE) {
		x = v->free_head;
		v->free_head = v->ents[x].next;
	} else {
		if (v->nents == v->ents_cap) {
			v->ents_cap = v->ents_cap ? v->ents_cap * 2 : 256;
			v->ents = xreallocarray(v->ents, v->ents_cap,
						sizeof(*v->ents));
		}
		x = (uint32_t)v->nents++;
	}
	e = &v->ents[x];
	memset(e, 0, sizeof(*e));
	e->used = 1;
	e->next = VNONE;
	e->chain_head = e->chain_tail = VNONE;
	e->pub.serial = v->serial++;
	return x;
}

static void view_ent_release(struct view *v, uint32_t x)
{
	struct vent *e = &v->ents[x];

	vmap_del(&v->prim, e->key_h, x);
	if (e->pub.rec.cookie != 0)
		vmap_del(&v->cook,
			 view_cookie_hash(e->pub.rec.netid, e->pub.rec.cookie),
			 x);
	free(e->bytes);
	free(e->pname);
	free(e->ns_text);
	free(e->own);
	free(e->peer_own);
	free(e->cells);
	memset(e, 0, sizeof(*e));
	e->next = v->free_head;
	v->free_head = x;
}

static int view_bytes_eq(const void *a, size_t alen, const void *b,
			 size_t blen)
{
	return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

static unsigned view_rec_diff(const struct sock_rec *a,
			      const struct sock_rec *b)
{
	unsigned d = 0, fx = (unsigned)(a->flags ^ b->flags);

	if (a->state != b->state)
		d |= VD_STATE;
	if (a->rq != b->rq || a->wq != b->wq ||
	    (fx & (SOCK_F_HAS_RQ | SOCK_F_HAS_WQ)))
		d |= VD_QUEUE;
	if (a->timer != b->timer || a->retrans != b->retrans ||
	    a->expires_ms != b->expires_ms || (fx & SOCK_F_HAS_TIMER))
		d |= VD_TIMER;
	if (a->netid != b->netid || a->family != b->family ||
	    a->sport != b->sport || a->dport != b->dport ||
	    a->ifindex != b->ifindex || (fx & SOCK_F_V6ONLY) ||
	    !view_eq8n(a->src, b->src, 16) ||
	    !view_eq8n(a->dst, b->dst, 16) ||
	    !view_bytes_eq(a->name, a->name_len, b->name, b->name_len))
		d |= VD_ADDR;
	if (a->uid != b->uid || a->inode != b->inode ||
	    a->cookie != b->cookie || a->peer_ino != b->peer_ino ||
	    a->vfs_ino != b->vfs_ino || a->vfs_dev != b->vfs_dev ||
	    (fx & (SOCK_F_HAS_VFS | SOCK_F_HAS_UID | SOCK_F_HAS_PEER)))
		d |= VD_IDS;
	if (!view_bytes_eq(a->tcp_info, a->tcp_info_len, b->tcp_info,
			   b->tcp_info_len) ||
	    !view_bytes_eq(a->cong, a->cong_len, b->cong, b->cong_len) ||
	    !view_bytes_eq(a->skmem, a->skmem_len, b->skmem, b->skmem_len))
		d |= VD_INFO;
	return d;
}

/* The entry's record becomes r, with its borrowed bytes copied. */
static void view_ent_set_rec(struct vent *e, const struct sock_rec *r)
{
	size_t need = (size_t)r->name_len + r->tcp_info_len + r->cong_len +
		      r->skmem_len;
	unsigned char *p;

	if (need > e->bytes_cap) {
		e->bytes = xrealloc(e->bytes, need);
		e->bytes_cap = need;
	}
	e->pub.rec = *r;
	p = e->bytes;
	e->pub.rec.name = NULL;
	e->pub.rec.tcp_info = NULL;
	e->pub.rec.cong = NULL;
	e->pub.rec.skmem = NULL;
	if (r->name_len) {
		memcpy(p, r->name, r->name_len);
		e->pub.rec.name = (const char *)p;
		p += r->name_len;
	}
	if (r->tcp_info_len) {
		memcpy(p, r->tcp_info, r->tcp_info_len);
		e->pub.rec.tcp_info = p;
		p += r->tcp_info_len;
	}
	if (r->cong_len) {
		memcpy(p, r->cong, r->cong_len);
		e->pub.rec.cong = (const char *)p;
		p += r->cong_len;
	}
	if (r->skmem_len) {
		memcpy(p, r->skmem, r->skmem_len);
		e->pub.rec.skmem = p;
	}
}

/* ---- what facts say, kept ---------------------------------------------- */

static int view_owners_same(const struct view_owners *o,
			    const struct owners *ot, enum facts_held held,
			    const struct owner *w)
{
	size_t i = 0;

	if (held == FACTS_NOBODY)
		return o == NULL;
	if (o == NULL || o->held != held)
		return 0;
	for (; w != NULL; w = owners_next(ot, w), i++) {
		const struct view_holder *h = &o->h[i];

		if (i >= o->n || h->pid != w->pid || h->fd != w->fd ||
		    h->comm_len != w->comm_len ||
		    memcmp(h->comm, owners_comm(ot, w), w->comm_len) != 0)
			return 0;
	}
	return i == o->n;
}

/* One block: the struct, the holders, their names, the text. */
static struct view_owners *view_owners_make(struct view *v,
					    struct fields_ctx *tc,
					    uint64_t inode, int peer,
					    enum facts_held held,
					    const struct owner *w)
{
	const struct owners *ot = facts_owner_table(tc->facts);
	struct view_owners *o;
	struct view_holder *h;
	size_t n = 0, names = 0, size;
	char *p;

	for (const struct owner *x = w; x != NULL; x = owners_next(ot, x)) {
		n++;
		names += x->comm_len;
	}
	v->sb.len = 0;
	fields_holders(tc, inode, peer ? "peer:(" : "users:(",
		       peer ? "peer:unknown" : "unknown", &v->sb);
	size = sizeof(*o) + n * sizeof(*h) + names + v->sb.len + 1;
	o = xmalloc(size);
	h = (struct view_holder *)(o + 1);
	p = (char *)(h + n);
	o->held = held;
	o->n = n;
	o->h = h;
	for (const struct owner *x = w; x != NULL; x = owners_next(ot, x)) {
		h->pid = x->pid;
		h->fd = x->fd;
		h->comm_len = x->comm_len;
		memcpy(p, owners_comm(ot, x), x->comm_len);
		h->comm = p;
		p += x->comm_len;
		h++;
	}
	memcpy(p, v->sb.p, v->sb.len);
	p[v->sb.len] = '\0';
	o->text = p;
	o->text_len = v->sb.len;
	return o;
}

static int view_refresh_owners(struct view *v, struct fields_ctx *tc,
			       struct view_owners **slot, uint64_t inode,
			       int peer)
{
	const struct owner *w;
	enum facts_held held = facts_holders(tc->facts, inode, &w);

	if (view_owners_same(*slot, facts_owner_table(tc->facts), held, w))
		return 0;
	free(*slot);
	*slot = held == FACTS_NOBODY
			? NULL
			: view_owners_make(v, tc, inode, peer, held, w);
	return 1;
}

/* The namespace and the container label, kept: the tick's facts go. */
static unsigned view_refresh_netns(struct vent *e, struct facts *f)
{
	const struct sock_rec *r = &e->pub.rec;
	const struct netns_info *ns = facts_netns(f, r->netns);
	const char *name = ns != NULL && ns->name != NULL ? ns->name : "";
	const char *label = facts_container(f, r);
	size_t nl = strlen(name), ll;

	if (label == NULL)
		label = "";
	ll = strlen(label);
	if (e->ns_text != NULL && e->ns_ino == (ns != NULL ? ns->ino : 0) &&
	    strcmp(e->ns_text, name) == 0 &&
	    strcmp(e->ns_text + strlen(e->ns_text) + 1, label) == 0)
		return 0;
	free(e->ns_text);
	e->ns_text = xmalloc(nl + ll + 2);
	memcpy(e->ns_text, name, nl + 1);
	memcpy(e->ns_text + nl + 1, label, ll + 1);
	e->ns_ino = ns != NULL ? ns->ino : 0;
	return VD_NETNS;
}

/* Holders (when this tick has an owner table: without one, the last
 * known stay), a Unix socket's file and its peer's name. */
static unsigned view_refresh_facts(struct view *v, struct vent *e,
				   struct fields_ctx *tc, int have_owners)
{
	const struct sock_rec *r = &e->pub.rec;
	struct facts_file ff;
	const char *pn = NULL;
	size_t pl = 0;
	unsigned d = 0;

	if (tc->facts == NULL)
		return 0;
	if (have_owners) {
		if (view_refresh_owners(v, tc, &e->own, r->inode, 0))
			d |= VD_OWNERS;
		if (r->family == AF_UNIX &&
		    view_refresh_owners(v, tc, &e->peer_own, r->peer_ino, 1))
			d |= VD_PEER_OWNERS;
		e->pub.owners = e->own;
		e->pub.peer_owners = e->peer_own;
	}
	if (facts_netns(tc->facts, 0) != NULL)
		d |= view_refresh_netns(e, tc->facts);
	if (r->family != AF_UNIX)
		return d;
	facts_file(tc->facts, r, &ff);
	if (ff.status != e->pub.file.status || ff.mode != e->pub.file.mode ||
	    ff.uid != e->pub.file.uid || ff.gid != e->pub.file.gid) {
		e->pub.file = ff;
		d |= VD_FILE;
	}
	if (r->peer_ino != 0)
		pn = facts_unix_name(tc->facts, r->peer_ino, &pl);
	if (pn == NULL)
		pl = 0;
	if ((pn == NULL) != (e->pname == NULL) ||
	    !view_bytes_eq(pn, pl, e->pname, e->pub.peer_name_len)) {
		free(e->pname);
		e->pname = NULL;
		if (pn != NULL) {
			e->pname = xmalloc(pl + 1);
			memcpy(e->pname, pn, pl);
			e->pname[pl] = '\0';
		}
		e->pub.peer_name = e->pname;
		e->pub.peer_name_len = pl;
		d |= VD_PEER_NAME;
	}
	return d;
}

/* ---- values and cells -------------------------------------------------- */

/* Fields that need facts read the view's own copies: the tick's facts
 * are gone when the user re-sorts or a tomb is drawn. */
static int view_field_kept(enum field_id id)
{
	switch (id) {
	case FIELD_PROCESS:
	case FIELD_PID:
	case FIELD_COMM:
	case FIELD_FILE:
	case FIELD_MODE:
	case FIELD_OWNER:
	case FIELD_GROUP:
	case FIELD_PEER_PROCESS:
	case FIELD_PEER_PID:
	case FIELD_PEER_COMM:
	case FIELD_PEER_NAME:
	case FIELD_NETNS:
	case FIELD_NETNS_INODE:
	case FIELD_CONTAINER:
		return 1;
	default:
		return 0;
	}
}

static void view_v_text(struct field_val *fv, const char *s, size_t n)
{
	fv->kind = FIELD_V_TEXT;
	fv->text = s;
	fv->len = n;
}

static void view_v_num(struct field_val *fv, uint64_t n)
{
	fv->kind = FIELD_V_NUM;
	fv->num = n;
}

/* As fields.c reads a Unix name: "@" and the abstract name, or the path
 * up to its first NUL. */
static void view_v_unix_name(struct field_val *fv, const char *name,
			     size_t len)
{
	if (name == NULL || len == 0)
		return;
	if (name[0] == '\0') {
		size_t n = view_min(len - 1, FIELD_VAL_BUF - 1);

		fv->buf[0] = '@';
		memcpy(fv->buf + 1, name + 1, n);
		view_v_text(fv, fv->buf, n + 1);
	} else {
		const char *nul = memchr(name, '\0', len);

		view_v_text(fv, name, nul ? (size_t)(nul - name) : len);
	}
}

static void view_v_file(struct view *v, const struct vent *e,
			enum field_id id, struct field_val *fv)
{
	const struct facts_file *ff = &e->pub.file;
	const char *s;

	if (e->pub.rec.family != AF_UNIX || ff->status == FACTS_FILE_NONE)
		return;
	if (id == FIELD_FILE) {
		s = facts_file_status_name(ff->status);
		view_v_text(fv, s, strlen(s));
		return;
	}
	if (ff->status != FACTS_FILE_OK && ff->status != FACTS_FILE_REPLACED)
		return;
	if (id == FIELD_MODE) {
		facts_mode_text(ff->mode, fv->buf);
		view_v_text(fv, fv->buf, 10);
		return;
	}
	s = id == FIELD_OWNER ? facts_user(v->names, ff->uid)
			      : facts_group(v->names, ff->gid);
	if (s != NULL)
		view_v_text(fv, s, strlen(s));
	else
		view_v_num(fv, id == FIELD_OWNER ? ff->uid : ff->gid);
}

/* fields_value(), with the kept facts. */
/* As fields.c: the name, else the inode; the inode; the label. */
static void view_v_netns(const struct vent *e, enum field_id id,
			 struct field_val *fv)
{
	const char *label;

	if (e->ns_text == NULL)
		return;
	label = e->ns_text + strlen(e->ns_text) + 1;
	if (id == FIELD_CONTAINER) {
		if (label[0] != '\0')
			view_v_text(fv, label, strlen(label));
	} else if (id == FIELD_NETNS && e->ns_text[0] != '\0') {
		view_v_text(fv, e->ns_text, strlen(e->ns_text));
	} else if (e->ns_ino != 0) {
		view_v_num(fv, e->ns_ino);
	}
}

static void view_value(struct view *v, const struct vent *e, enum field_id id,
		       struct field_val *fv)
{
	const struct sock_rec *r = &e->pub.rec;
	const struct view_owners *o;
	int is_unix = r->family == AF_UNIX, peer;

	fv->kind = FIELD_V_NONE;
	switch (id) {
	case FIELD_PROCESS:
	case FIELD_PEER_PROCESS:
		return; /* a list, never a key (as in fields.c) */
	case FIELD_PID:
	case FIELD_COMM:
	case FIELD_PEER_PID:
	case FIELD_PEER_COMM:
		peer = id == FIELD_PEER_PID || id == FIELD_PEER_COMM;
		if (peer && !is_unix)
			return;
		o = peer ? (r->peer_ino ? e->peer_own : NULL)
			 : (r->inode ? e->own : NULL);
		if (o == NULL || o->held != FACTS_HELD || o->n == 0)
			return;
		if (id == FIELD_COMM || id == FIELD_PEER_COMM)
			view_v_text(fv, o->h[0].comm, o->h[0].comm_len);
		else
			view_v_num(fv, o->h[0].pid);
		return;
	case FIELD_FILE:
	case FIELD_MODE:
	case FIELD_OWNER:
	case FIELD_GROUP:
		view_v_file(v, e, id, fv);
		return;
	case FIELD_PEER_NAME:
		if (is_unix && r->peer_ino != 0)
			view_v_unix_name(fv, e->pname, e->pub.peer_name_len);
		return;
	case FIELD_NETNS:
	case FIELD_NETNS_INODE:
	case FIELD_CONTAINER:
		view_v_netns(e, id, fv);
		return;
	default:
		fields_value(&v->fctx, id, r, fv);
		return;
	}
}

/* fields_display(), with the kept facts: one escaped cell. */
static void view_cell_text(struct view *v, const struct vent *e,
			   enum field_id id, struct sbuf *out)
{
	const struct sock_rec *r = &e->pub.rec;
	size_t start = out->len;
	struct field_val fv;

	if (!view_field_kept(id)) {
		fields_display(&v->fctx, id, r, out);
		return;
	}
	switch (id) {
	case FIELD_PROCESS:
		if (r->inode != 0 && e->own != NULL)
			sbuf_put(out, e->own->text, e->own->text_len);
		break;
	case FIELD_PEER_PROCESS:
		if (r->family == AF_UNIX && r->peer_ino != 0 &&
		    e->peer_own != NULL)
			sbuf_put(out, e->peer_own->text,
				 e->peer_own->text_len);
		break;
	case FIELD_PEER_NAME:
		if (r->family == AF_UNIX && r->peer_ino != 0 &&
		    e->pname != NULL && e->pub.peer_name_len > 0)
			out->len += addr_unix_text(
				v->o.esc_flags | ESC_SPACE, e->pname,
				e->pub.peer_name_len,
				sbuf_room(out, ADDR_TEXT_MAX), NULL);
		break;
	default:
		view_value(v, e, id, &fv);
		if (fv.kind == FIELD_V_NUM)
			sbuf_u64(out, fv.num);
		else if (fv.kind == FIELD_V_TEXT)
			sbuf_esc(out, fv.text, fv.len,
				 v->o.esc_flags | ESC_SPACE);
		break;
	}
	if (out->len == start)
		sbuf_putc(out, '-');
}

static void view_format_cells(struct view *v, struct vent *e)
{
	size_t off[VIEW_MAX_COLUMNS + 1];
	struct view_cell *cells;
	char *text;

	v->sb.len = 0;
	for (size_t c = 0; c < v->ncols; c++) {
		off[c] = v->sb.len;
		view_cell_text(v, e, v->cols[c], &v->sb);
		sbuf_putc(&v->sb, '\0');
	}
	off[v->ncols] = v->sb.len;
	cells = xrealloc(e->cells, v->ncols * sizeof(*cells) + v->sb.len);
	text = (char *)(cells + v->ncols);
	memcpy(text, v->sb.p, v->sb.len);
	for (size_t c = 0; c < v->ncols; c++) {
		cells[c].text = text + off[c];
		cells[c].len = off[c + 1] - off[c] - 1;
		cells[c].cols = esc_cols(cells[c].text, cells[c].len);
	}
	e->cells = cells;
	e->cells_gen = e->gen;
	e->cells_cols = v->cols_gen;
}

static int view_cells_fresh(const struct view *v, const struct vent *e)
{
	return e->cells != NULL && e->cells_gen == e->gen &&
	       e->cells_cols == v->cols_gen;
}

/* ---- events ------------------------------------------------------------ */

static int view_tab_has(enum view_tab tab, uint8_t netid)
{
	switch (tab) {
	case VIEW_TAB_ALL:
		return 1;
	case VIEW_TAB_TCP:
		return netid == SOCK_NETID_TCP;
	case VIEW_TAB_UDP:
		return netid == SOCK_NETID_UDP;
	case VIEW_TAB_UNIX:
		return (SOCK_NETID_BIT(netid) & SOCK_NETIDS_UNIX) != 0;
	}
	return 0;
}

static int view_in_view(const struct view *v, const struct vent *e)
{
	return e->match && view_tab_has(v->tab, e->pub.rec.netid);
}

static void view_event_add(struct view *v, const struct vent *e,
			   enum view_event_kind kind, uint8_t old_state,
			   uint8_t new_state)
{
	struct vevent *ev;
	size_t o1, o2;

	if (v->ev_n < v->o.event_cap) {
		ev = &v->ring[(v->ev_head + v->ev_n++) % v->o.event_cap];
	} else {
		ev = &v->ring[v->ev_head];
		v->ev_head = (v->ev_head + 1) % v->o.event_cap;
		free(ev->mem);
	}
	v->sb.len = 0;
	fields_display(&v->ev_fctx, FIELD_LOCAL, &e->pub.rec, &v->sb);
	sbuf_putc(&v->sb, '\0');
	o1 = v->sb.len;
	fields_display(&v->ev_fctx, FIELD_PEER, &e->pub.rec, &v->sb);
	sbuf_putc(&v->sb, '\0');
	o2 = v->sb.len;
	if (e->own != NULL)
		sbuf_put(&v->sb, e->own->text, e->own->text_len);
	sbuf_putc(&v->sb, '\0');
	ev->mem = xmalloc(v->sb.len);
	memcpy(ev->mem, v->sb.p, v->sb.len);
	ev->pub.time_ms = v->now_ms;
	ev->pub.kind = kind;
	ev->pub.key = e->pub.key;
	ev->pub.netid = e->pub.rec.netid;
	ev->pub.old_state = old_state;
	ev->pub.new_state = new_state;
	ev->pub.local = ev->mem;
	ev->pub.peer = ev->mem + o1;
	ev->pub.owner = ev->mem + o2;
}

size_t view_events(const struct view *v)
{
	return v->ev_n;
}

const struct view_event *view_event(const struct view *v, size_t i)
{
	return &v->ring[(v->ev_head + i) % v->o.event_cap].pub;
}

const char *view_event_kind_name(enum view_event_kind k)
{
	switch (k) {
	case VIEW_EV_BORN:
		return "born";
	case VIEW_EV_STATE:
		return "state";
	case VIEW_EV_DIED:
		return "died";
	}
	return "?";
}

/* ---- order ------------------------------------------------------------- */

static int view_cmp(struct view *v, uint32_t a, uint32_t b)
{
	const struct vent *ea = &v->ents[a], *eb = &v->ents[b];
	int d;

	if (view_field_kept(v->sort)) {
		struct field_val va, vb;

		view_value(v, ea, v->sort, &va);
		view_value(v, eb, v->sort, &vb);
		d = fields_val_cmp(&va, &vb);
	} else {
		d = fields_cmp(&v->fctx, v->sort, &ea->pub.rec, &eb->pub.rec);
	}
	if (d != 0)
		return d;
	return ea->pub.serial < eb->pub.serial ? -1 : 1;
}

static int view_cmp_cb(void *ud, uint32_t a, uint32_t b)
{
	return view_cmp(ud, a, b);
}

/* sorted and sort_tmp hold every entry. */
static void view_sort_room(struct view *v)
{
	size_t cap = v->sort_cap;

	v->sorted = view_grow32(v->sorted, &cap, v->nents + 1);
	if (cap != v->sort_cap) {
		v->sort_cap = cap;
		v->sort_tmp = xreallocarray(v->sort_tmp, cap,
					    sizeof(*v->sort_tmp));
	}
}

static void view_sort_all(struct view *v)
{
	size_t n = 0;

	view_sort_room(v);
	for (size_t x = 0; x < v->nents; x++)
		if (v->ents[x].used)
			v->sorted[n++] = (uint32_t)x;
	v->nsorted = n;
	msort_u32(v->sorted, v->sort_tmp, n, view_cmp_cb, v);
}

/* The old order without the removed and the moved is still in order:
 * sort the moved alone and merge. A tick costs O(n + k log k) for k
 * moved entries, not a full sort. */
static int view_sort_tick(struct view *v, size_t removed)
{
	size_t k = 0, i = 0, j = 0, o = 0;
	const uint32_t *m = v->moved;
	uint32_t *t;

	if (v->nmoved == 0 && removed == 0)
		return 0;
	view_sort_room(v);
	for (size_t x = 0; x < v->nsorted; x++) {
		const struct vent *e = &v->ents[v->sorted[x]];

		if (e->used && e->moved != v->tick)
			v->sorted[k++] = v->sorted[x];
	}
	msort_u32(v->moved, v->sort_tmp, v->nmoved, view_cmp_cb, v);
	while (i < k && j < v->nmoved) {
		if (view_cmp(v, m[j], v->sorted[i]) < 0)
			v->sort_tmp[o++] = m[j++];
		else
			v->sort_tmp[o++] = v->sorted[i++];
	}
	while (i < k)
		v->sort_tmp[o++] = v->sorted[i++];
	while (j < v->nmoved)
		v->sort_tmp[o++] = m[j++];
	t = v->sorted;
	v->sorted = v->sort_tmp;
	v->sort_tmp = t;
	v->nsorted = o;
	return 1;
}

/* Collection order: this tick's rows as they came, each tomb right after
 * the living socket it followed before, so it stays where it was in the
 * kernel's order. Returns whether the order changed. */
static int view_coll_tick(struct view *v, size_t nrows)
{
	uint32_t anchor = VNONE, hh = VNONE, ht = VNONE, *t;
	size_t k = 0, cap = v->coll_cap;
	int changed;

	v->coll = view_grow32(v->coll, &cap, nrows + v->tombs + 1);
	if (cap != v->coll_cap) {
		v->coll_cap = cap;
		v->coll_tmp = xreallocarray(v->coll_tmp, cap,
					    sizeof(*v->coll_tmp));
	}
	for (size_t j = 0; j < v->ncoll; j++) {
		uint32_t x = v->coll[j];
		struct vent *e = &v->ents[x], *a;

		if (!e->used)
			continue;
		if (e->seen == v->tick) {
			anchor = x;
			continue;
		}
		e->next = VNONE;
		if (anchor == VNONE) {
			if (hh == VNONE)
				hh = x;
			else
				v->ents[ht].next = x;
			ht = x;
			continue;
		}
		a = &v->ents[anchor];
		if (a->chain_head == VNONE)
			a->chain_head = x;
		else
			v->ents[a->chain_tail].next = x;
		a->chain_tail = x;
	}
	for (uint32_t x = hh; x != VNONE; x = v->ents[x].next)
		v->coll_tmp[k++] = x;
	for (size_t i = 0; i < nrows; i++) {
		struct vent *e = &v->ents[v->row_ent[i]];

		v->coll_tmp[k++] = v->row_ent[i];
		for (uint32_t x = e->chain_head; x != VNONE;
		     x = v->ents[x].next)
			v->coll_tmp[k++] = x;
		e->chain_head = e->chain_tail = VNONE;
	}
	changed = k != v->ncoll ||
		  memcmp(v->coll_tmp, v->coll, k * sizeof(*v->coll)) != 0;
	t = v->coll;
	v->coll = v->coll_tmp;
	v->coll_tmp = t;
	v->ncoll = k;
	return changed;
}

/* ---- the tree ---------------------------------------------------------- */

static int view_is_listener(const struct sock_rec *r)
{
	if (r->state != SOCK_ST_LISTEN)
		return 0;
	if (r->netid == SOCK_NETID_TCP)
		return 1;
	return (r->netid == SOCK_NETID_UNIX_STREAM ||
		r->netid == SOCK_NETID_UNIX_SEQPACKET) &&
	       r->name_len > 0;
}

/* Could r be a socket a listener accepted? */
static int view_may_be_child(const struct sock_rec *r)
{
	if (r->netid == SOCK_NETID_TCP)
		return r->state != SOCK_ST_LISTEN &&
		       r->state != SOCK_ST_SYN_SENT &&
		       r->state != SOCK_ST_CLOSE;
	if (r->netid != SOCK_NETID_UNIX_STREAM &&
	    r->netid != SOCK_NETID_UNIX_SEQPACKET)
		return 0;
	/* it shares its listener's name and has a peer, the client */
	return r->state != SOCK_ST_LISTEN && r->name_len > 0 &&
	       (!(r->flags & SOCK_F_HAS_PEER) || r->peer_ino != 0);
}

/* Listeners and their children meet under this hash: TCP by port (the
 * family is checked after: a dual-stack listener takes IPv4 requests),
 * Unix by name. */
static uint32_t view_tree_hash(const struct sock_rec *r)
{
	if (r->family != AF_UNIX)
		return (uint32_t)view_mix(((uint64_t)r->netid << 16 |
					   r->sport) ^
					  0x5bd1e995u);
	return view_hash_bytes(r->name, r->name_len, r->netid);
}

static int view_addr_any(const uint8_t *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != 0)
			return 0;
	return 1;
}

static int view_has_pid(const struct view_owners *o, uint32_t pid)
{
	size_t lo = 0, hi = o->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (o->h[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < o->n && o->h[lo].pid == pid;
}

/* 1 if the two share a holding process, -1 if both are known and share
 * none, 0 if either is unknown. */
static int view_share_pid(const struct view_owners *a,
			  const struct view_owners *b)
{
	if (a == NULL || b == NULL || a->held != FACTS_HELD ||
	    b->held != FACTS_HELD)
		return 0;
	if (a->n > b->n) {
		const struct view_owners *t = a;
		a = b;
		b = t;
	}
	/* holders come in (pid, fd) order: search the longer list */
	for (size_t i = 0; i < a->n; i++)
		if (view_has_pid(b, a->h[i].pid))
			return 1;
	return -1;
}

/* How well listener l fits child c: -1 not at all; more is better (the
 * exact address over a wildcard, a shared process). */
static int view_fit(const struct vent *l, const struct vent *c)
{
	const struct sock_rec *lr = &l->pub.rec, *cr = &c->pub.rec;
	int score = 2, own;

	if (lr->netid != cr->netid)
		return -1;
	if (lr->family == AF_UNIX) {
		if (!view_bytes_eq(lr->name, lr->name_len, cr->name,
				   cr->name_len))
			return -1;
		/* an accepted socket shares its listener's file */
		if ((lr->flags & cr->flags & SOCK_F_HAS_VFS) &&
		    (lr->vfs_ino != cr->vfs_ino || lr->vfs_dev != cr->vfs_dev))
			return -1;
	} else {
		size_t alen = lr->family == AF_INET ? 4 : 16;

		if (lr->sport != cr->sport)
			return -1;
		if (lr->family == cr->family && view_eq8n(lr->src, cr->src, 16))
			score = 2;
		else if (view_addr_any(lr->src, alen) &&
			 (lr->family == cr->family ||
			  (lr->family == AF_INET6 && cr->family == AF_INET &&
			   !(lr->flags & SOCK_F_V6ONLY))))
			score = 0;
		else
			return -1;
	}
	own = view_share_pid(l->own, c->own);
	if (own < 0)
		return -1;
	return score + own;
}

static void view_tree_room(struct view *v, size_t m)
{
	size_t cap = v->tree_cap;

	v->parent = view_grow32(v->parent, &cap, m + 1);
	if (cap == v->tree_cap)
		return;
	v->tree_cap = cap;
	v->first = xreallocarray(v->first, cap, sizeof(*v->first));
	v->last = xreallocarray(v->last, cap, sizeof(*v->last));
	v->sib = xreallocarray(v->sib, cap, sizeof(*v->sib));
}

/* Lay out cand[0..m) as lines: each child right after its listener, in
 * their order; a child whose listener is not shown stays at depth 0. */
static void view_tree(struct view *v, size_t m)
{
	size_t k = 0;

	view_tree_room(v, m);
	vmap_clear(&v->lmap);
	for (size_t p = 0; p < m; p++) {
		const struct sock_rec *r = &v->ents[v->cand[p]].pub.rec;

		v->parent[p] = v->first[p] = v->last[p] = v->sib[p] = VNONE;
		if (view_is_listener(r))
			vmap_add(&v->lmap, view_tree_hash(r), (uint32_t)p);
	}
	for (size_t p = 0; v->lmap.used > 0 && p < m; p++) {
		const struct vent *c = &v->ents[v->cand[p]];
		size_t mask = v->lmap.cap - 1;
		uint32_t h, best = VNONE;
		int best_score = -1;

		if (!view_may_be_child(&c->pub.rec))
			continue;
		h = view_tree_hash(&c->pub.rec);
		for (size_t i = h & mask; v->lmap.s[i].idx != VNONE;
		     i = (i + 1) & mask) {
			uint32_t q = v->lmap.s[i].idx;
			int s;

			if (v->lmap.s[i].h != h)
				continue;
			s = view_fit(&v->ents[v->cand[q]], c);
			if (s > best_score || (s == best_score && q < best)) {
				best_score = s;
				best = q;
			}
		}
		if (best == VNONE || best_score < 0)
			continue;
		v->parent[p] = best;
		if (v->first[best] == VNONE)
			v->first[best] = (uint32_t)p;
		else
			v->sib[v->last[best]] = (uint32_t)p;
		v->last[best] = (uint32_t)p;
	}
	for (size_t p = 0; p < m; p++) {
		if (v->parent[p] != VNONE)
			continue;
		v->lent[k] = v->cand[p];
		v->ltree[k++] = v->first[p] != VNONE ? VIEW_LF_PARENT : 0;
		for (uint32_t c = v->first[p]; c != VNONE; c = v->sib[c]) {
			v->lent[k] = v->cand[c];
			v->ltree[k++] = VIEW_LT_CHILD |
					(c == v->last[p] ? VIEW_LF_LAST_CHILD
							 : 0);
		}
	}
}

/* ---- lines and the selection ------------------------------------------- */

static void view_scroll(struct view *v)
{
	size_t page = v->page ? v->page : 1;

	if (v->cursor == VIEW_NONE) {
		v->top = 0;
		return;
	}
	if (v->cursor < v->top)
		v->top = v->cursor;
	if (v->cursor >= v->top + page)
		v->top = v->cursor - page + 1;
	/* no empty screen below the last line */
	if (v->nlines <= page)
		v->top = 0;
	else if (v->top > v->nlines - page)
		v->top = v->nlines - page;
}

static void view_select(struct view *v, size_t i)
{
	v->cursor = i;
	v->sel = v->lent[i];
	v->sel_serial = v->ents[v->sel].pub.serial;
	view_scroll(v);
}

static void view_rebuild(struct view *v)
{
	const uint32_t *ord = v->sort == VIEW_SORT_NONE ? v->coll : v->sorted;
	size_t n = v->sort == VIEW_SORT_NONE ? v->ncoll : v->nsorted;
	size_t m = 0, old_cursor = v->cursor, old_top = v->top, cap;
	size_t found = VIEW_NONE;
	const struct vent *se;

	cap = v->lines_cap;
	v->cand = view_grow32(v->cand, &cap, n + 1);
	if (cap != v->lines_cap) {
		v->lines_cap = cap;
		v->lent = xreallocarray(v->lent, cap, sizeof(*v->lent));
		v->ltree = xreallocarray(v->ltree, cap, sizeof(*v->ltree));
		v->lines = xreallocarray(v->lines, cap, sizeof(*v->lines));
	}
	for (size_t j = 0; j < n; j++) {
		uint32_t x = ord[v->invert ? n - 1 - j : j];

		if (view_in_view(v, &v->ents[x]))
			v->cand[m++] = x;
	}
	if (v->tree) {
		view_tree(v, m);
	} else {
		memcpy(v->lent, v->cand, m * sizeof(*v->lent));
		memset(v->ltree, 0, m);
	}
	v->nlines = m;
	v->dirty = 0;

	se = v->sel != VNONE ? &v->ents[v->sel] : NULL;
	if (se != NULL && se->used && se->pub.serial == v->sel_serial) {
		for (size_t i = 0; i < m; i++) {
			if (v->lent[i] == v->sel) {
				found = i;
				break;
			}
		}
	}
	if (found != VIEW_NONE) {
		v->cursor = found;
	} else if (m == 0) {
		v->cursor = VIEW_NONE;
		v->sel = VNONE;
	} else {
		/* its tomb went, or the filter hid it: the line now there */
		v->cursor = old_cursor == VIEW_NONE
				    ? 0
				    : view_min(old_cursor, m - 1);
		v->sel = v->lent[v->cursor];
		v->sel_serial = v->ents[v->sel].pub.serial;
	}
	/* keep the selection on the same screen row where it can be */
	if (v->cursor != VIEW_NONE && old_cursor != VIEW_NONE &&
	    old_cursor >= old_top) {
		size_t off = old_cursor - old_top;

		v->top = v->cursor >= off ? v->cursor - off : 0;
	}
	view_scroll(v);
}

size_t view_lines(const struct view *v)
{
	return v->nlines;
}

static unsigned view_ent_flags(const struct view *v, const struct vent *e)
{
	unsigned f = e->pub.initial ? VIEW_LF_INITIAL : 0;

	if (e->pub.tomb)
		return f | VIEW_LF_TOMB;
	if (!e->pub.initial && v->tick - e->born_tick < v->o.born_ticks)
		f |= VIEW_LF_BORN;
	if (e->state_tick && v->tick - e->state_tick < v->o.changed_ticks)
		f |= VIEW_LF_CHANGED;
	if (e->upd_tick && v->tick - e->upd_tick < v->o.changed_ticks)
		f |= VIEW_LF_UPDATED;
	for (size_t i = 0; i < v->nmarks; i++)
		if ((v->marks[i].inode != 0 &&
		     v->marks[i].inode == e->pub.rec.inode) ||
		    (v->marks[i].cookie != 0 &&
		     v->marks[i].cookie == e->pub.rec.cookie))
			f |= VIEW_LF_MARKED;
	return f;
}

void view_set_marks(struct view *v, const struct view_mark *m, size_t n)
{
	free(v->marks);
	v->marks = NULL;
	v->nmarks = 0;
	if (n == 0)
		return;
	v->marks = xreallocarray(NULL, n, sizeof(*m));
	memcpy(v->marks, m, n * sizeof(*m));
	v->nmarks = n;
}

const struct view_line *view_line(struct view *v, size_t i)
{
	struct view_line *l = &v->lines[i];
	struct vent *e = &v->ents[v->lent[i]];

	if (!view_cells_fresh(v, e))
		view_format_cells(v, e);
	l->ent = &e->pub;
	l->depth = v->ltree[i] & VIEW_LT_CHILD;
	l->flags = (v->ltree[i] & ~VIEW_LT_CHILD) | view_ent_flags(v, e) |
		   (i == v->cursor ? VIEW_LF_SELECTED : 0);
	l->cells = e->cells;
	l->ncells = v->ncols;
	return l;
}

void view_set_page(struct view *v, size_t page)
{
	v->page = page ? page : 1;
	view_scroll(v);
}

void view_move(struct view *v, enum view_move m, size_t page)
{
	size_t c, n = v->nlines;

	v->page = page ? page : 1;
	if (n == 0)
		return;
	c = v->cursor == VIEW_NONE ? 0 : v->cursor;
	switch (m) {
	case VIEW_MOVE_UP:
		c = c > 0 ? c - 1 : 0;
		break;
	case VIEW_MOVE_DOWN:
		c = c + 1 < n ? c + 1 : c;
		break;
	case VIEW_MOVE_PAGE_UP:
		c = c > v->page ? c - v->page : 0;
		break;
	case VIEW_MOVE_PAGE_DOWN:
		c = n - 1 - c > v->page ? c + v->page : n - 1;
		break;
	case VIEW_MOVE_HOME:
		c = 0;
		break;
	case VIEW_MOVE_END:
		c = n - 1;
		break;
	}
	view_select(v, c);
}

int view_select_line(struct view *v, size_t i)
{
	if (i >= v->nlines)
		return -1;
	view_select(v, i);
	return 0;
}

size_t view_cursor(const struct view *v)
{
	return v->cursor;
}

size_t view_top(const struct view *v)
{
	return v->top;
}

const struct view_entry *view_selected(const struct view *v)
{
	return v->cursor == VIEW_NONE ? NULL : &v->ents[v->sel].pub;
}

/* The displayed text of line i, the cells space-separated, in v->sb. */
static void view_line_text(struct view *v, size_t i)
{
	struct vent *e = &v->ents[v->lent[i]];

	v->sb.len = 0;
	if (view_cells_fresh(v, e)) {
		for (size_t c = 0; c < v->ncols; c++) {
			if (c > 0)
				sbuf_putc(&v->sb, ' ');
			sbuf_put(&v->sb, e->cells[c].text, e->cells[c].len);
		}
		return;
	}
	/* not shown yet: format without keeping, so that a search over
	 * 100k lines does not keep 100k cell sets */
	for (size_t c = 0; c < v->ncols; c++) {
		if (c > 0)
			sbuf_putc(&v->sb, ' ');
		view_cell_text(v, e, v->cols[c], &v->sb);
	}
}

int view_next_match(struct view *v, const char *needle, int backward)
{
	size_t nl = strlen(needle), n = v->nlines, start;

	if (nl == 0 || n == 0)
		return 0;
	start = v->cursor != VIEW_NONE ? v->cursor : backward ? 0 : n - 1;
	for (size_t k = 1; k <= n; k++) {
		size_t i = backward ? (start + n - k % n) % n
				    : (start + k) % n;

		view_line_text(v, i);
		if (memmem(v->sb.p, v->sb.len, needle, nl) != NULL) {
			view_select(v, i);
			return 1;
		}
	}
	return 0;
}

/* ---- the tick ---------------------------------------------------------- */

static void view_moved(struct view *v, struct vent *e, uint32_t x)
{
	if (e->moved == v->tick)
		return;
	e->moved = v->tick;
	v->moved = view_grow32(v->moved, &v->moved_cap, v->nmoved + 1);
	v->moved[v->nmoved++] = x;
}

/* The row r of entry x: the record changes (or a tomb comes back). */
static uint32_t view_match_known(struct view *v, uint32_t x,
				 const struct sock_rec *r, unsigned *d,
				 uint8_t *old_state)
{
	struct vent *e = &v->ents[x];

	*old_state = e->pub.rec.state;
	*d = view_rec_diff(&e->pub.rec, r);
	if (e->pub.tomb) {
		/* gone from a dump and back: born again */
		e->pub.tomb = 0;
		e->pub.died_ms = 0;
		e->pub.initial = 0;
		e->pub.born_ms = v->now_ms;
		e->born_tick = v->tick;
		e->state_tick = e->upd_tick = 0;
		v->tombs--;
		*d = VD_NEW;
	}
	if (e->pub.rec.cookie != r->cookie) {
		if (e->pub.rec.cookie != 0)
			vmap_del(&v->cook,
				 view_cookie_hash(r->netid,
						  e->pub.rec.cookie),
				 x);
		if (r->cookie != 0)
			vmap_add(&v->cook,
				 view_cookie_hash(r->netid, r->cookie), x);
	}
	if (*d != 0)
		view_ent_set_rec(e, r);
	return x;
}

/* Find the entry of r, or make it. guess: the entry that followed the
 * last row's in the last tick (the kernel's order seldom changes: no
 * hashing, and the entries are visited in the order they were made).
 * Sets *d to VD_NEW for a new one (or a tomb seen again), else to what
 * changed in its record. */
static uint32_t view_match_row(struct view *v, const struct sock_rec *r,
			       uint32_t guess, unsigned *d,
			       uint8_t *old_state)
{
	struct view_key k;
	uint32_t h, x;
	struct vent *e;

	view_key_of(r, &k);
	if (guess != VNONE && v->ents[guess].seen != v->tick &&
	    view_key_eq(&v->ents[guess].pub.key, &k))
		return view_match_known(v, guess, r, d, old_state);
	h = view_key_hash(&k);
	x = view_find(v, &k, h);
	if (x == VNONE && r->cookie != 0) {
		/* TCP keeps the cookie when a socket turns into a TIME-WAIT
		 * minisock, which has no inode: the same socket, rekeyed */
		x = view_find_cookie(v, r->netid, r->cookie);
		if (x != VNONE) {
			e = &v->ents[x];
			vmap_del(&v->prim, e->key_h, x);
			e->pub.key = k;
			e->key_h = h;
			vmap_add(&v->prim, h, x);
		}
	}
	if (x == VNONE) {
		x = view_ent_new(v);
		e = &v->ents[x];
		e->pub.key = k;
		e->key_h = h;
		e->pub.born_ms = v->now_ms;
		e->pub.initial = v->tick == 1;
		e->born_tick = v->tick;
		vmap_add(&v->prim, h, x);
		view_ent_set_rec(e, r);
		if (r->cookie != 0)
			vmap_add(&v->cook,
				 view_cookie_hash(r->netid, r->cookie), x);
		*d = VD_NEW;
		*old_state = SOCK_ST_UNKNOWN;
		return x;
	}
	return view_match_known(v, x, r, d, old_state);
}

void view_update(struct view *v, const struct rows *rs, struct facts *f,
		 uint64_t now_ms)
{
	size_t n = rows_count(rs), removed = 0, next = 0;
	struct fields_ctx tc = { v->addr, f, v->o.esc_flags };
	int have_owners = f != NULL && facts_owner_table(f) != NULL;
	struct facts *ef = f != NULL ? f : v->names;
	unsigned refilter = VD_NEW | VD_ADDR | VD_IDS;
	unsigned relayout = VD_NEW;
	int refilter_all = v->refilter_owners && have_owners;

	v->tick++;
	v->now_ms = now_ms;
	v->n_born = v->n_died = v->n_changed = 0;
	v->nmoved = 0;
	if ((v->filter_needs & EXPR_NEED_OWNERS) && have_owners)
		refilter |= VD_OWNERS | VD_PEER_OWNERS;
	if (v->tree)
		relayout |= VD_STATE | VD_ADDR | VD_IDS | VD_OWNERS;
	{
		uint32_t *t = v->prev_ent;
		size_t c = v->prev_cap;

		v->prev_ent = v->row_ent;
		v->prev_cap = v->row_cap;
		v->row_ent = t;
		v->row_cap = c;
	}
	v->row_ent = view_grow32(v->row_ent, &v->row_cap, n + 1);

	for (size_t i = 0; i < n; i++) {
		struct sock_rec r;
		struct vent *e;
		unsigned d;
		uint8_t old_state;
		uint32_t x;

		rows_get(rs, i, &r);
		x = view_match_row(v, &r,
				   next < v->prev_n ? v->prev_ent[next] : VNONE,
				   &d, &old_state);
		e = &v->ents[x];
		/* the next row is likely the one after this in the last
		 * tick */
		if (e->seen == v->tick - 1 && !(d & VD_NEW))
			next = (size_t)e->row + 1;
		d |= view_refresh_facts(v, e, &tc, have_owners);
		e->seen = v->tick;
		e->row = (uint32_t)i;
		v->row_ent[i] = x;
		if ((d & refilter) || refilter_all) {
			uint8_t m = v->filter == NULL ||
				    expr_match(v->filter, &e->pub.rec, ef);

			if (m != e->match || (d & VD_NEW))
				v->dirty = 1;
			e->match = m;
		}
		if (d == 0)
			continue;
		e->gen++;
		if (d & relayout)
			v->dirty = 1;
		if (v->sort != VIEW_SORT_NONE &&
		    (d & (VD_NEW | view_field_diff[v->sort])))
			view_moved(v, e, x);
		if (d & VD_NEW) {
			if (e->pub.initial)
				continue;
			v->n_born++;
			if (view_in_view(v, e))
				view_event_add(v, e, VIEW_EV_BORN,
					       SOCK_ST_UNKNOWN,
					       e->pub.rec.state);
			continue;
		}
		if (d & VD_STATE) {
			e->state_tick = v->tick;
			v->n_changed++;
			if (view_in_view(v, e))
				view_event_add(v, e, VIEW_EV_STATE, old_state,
					       e->pub.rec.state);
		}
		if (d & VD_LIGHT)
			e->upd_tick = v->tick;
	}
	v->alive = n;
	v->prev_n = n;
	if (refilter_all)
		v->refilter_owners = 0;

	/* sweep: the unseen become tombs; old tombs go */
	for (size_t x = 0; x < v->nents; x++) {
		struct vent *e = &v->ents[x];

		if (!e->used || e->seen == v->tick)
			continue;
		if (!e->pub.tomb) {
			e->pub.tomb = 1;
			e->pub.died_ms = now_ms;
			e->died_tick = v->tick;
			v->tombs++;
			v->n_died++;
			if (view_in_view(v, e))
				view_event_add(v, e, VIEW_EV_DIED,
					       e->pub.rec.state,
					       SOCK_ST_UNKNOWN);
		}
		if (v->tick - e->died_tick >= v->o.tomb_ticks) {
			view_ent_release(v, (uint32_t)x);
			v->tombs--;
			removed++;
		}
	}

	if (view_coll_tick(v, n) && v->sort == VIEW_SORT_NONE)
		v->dirty = 1;
	if (v->sort != VIEW_SORT_NONE && view_sort_tick(v, removed))
		v->dirty = 1;
	if (removed > 0)
		v->dirty = 1;
	if (v->dirty)
		view_rebuild(v);
}

uint64_t view_tick(const struct view *v)
{
	return v->tick;
}

void view_counts(const struct view *v, struct view_counts *out)
{
	out->sockets = v->alive;
	out->tombs = v->tombs;
	out->lines = v->nlines;
	out->born = v->n_born;
	out->died = v->n_died;
	out->changed = v->n_changed;
}

/* ---- settings ---------------------------------------------------------- */

void view_opts_default(struct view_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->born_ticks = 3;
	o->changed_ticks = 3;
	o->tomb_ticks = 3;
	o->event_cap = 1000;
}

struct view *view_new(const struct view_opts *o)
{
	struct view *v = xcalloc(1, sizeof(*v));
	struct addr_opts ao = { .numeric = 1 };
	struct facts_opts fo = { 0 };

	v->o = *o;
	if (v->o.event_cap == 0)
		v->o.event_cap = 1;
	v->o.columns = NULL;
	v->o.addr = NULL;
	if (o->addr != NULL)
		ao = *o->addr;
	else
		ao.esc_flags = o->esc_flags;
	v->addr = addr_ctx_new(&ao);
	ao.resolve = 0;
	v->ev_addr = addr_ctx_new(&ao);
	v->names = facts_new(&fo);
	v->fctx.addr = v->addr;
	v->fctx.facts = v->names;
	v->fctx.esc_flags = o->esc_flags;
	v->ev_fctx = v->fctx;
	v->ev_fctx.addr = v->ev_addr;
	v->free_head = VNONE;
	v->sel = VNONE;
	v->cursor = VIEW_NONE;
	v->page = 1;
	v->sort = VIEW_SORT_NONE;
	v->ring = xcalloc(v->o.event_cap, sizeof(*v->ring));
	view_set_columns(v, view_default_columns,
			 sizeof(view_default_columns) /
				 sizeof(view_default_columns[0]));
	if (o->columns != NULL)
		view_set_columns(v, o->columns, o->ncolumns);
	return v;
}

void view_free(struct view *v)
{
	if (v == NULL)
		return;
	for (size_t x = 0; x < v->nents; x++) {
		struct vent *e = &v->ents[x];

		if (!e->used)
			continue;
		free(e->bytes);
		free(e->pname);
		free(e->ns_text);
		free(e->own);
		free(e->peer_own);
		free(e->cells);
	}
	for (size_t i = 0; i < v->ev_n; i++)
		free(v->ring[(v->ev_head + i) % v->o.event_cap].mem);
	free(v->ring);
	free(v->ents);
	vmap_free(&v->prim);
	vmap_free(&v->cook);
	vmap_free(&v->lmap);
	free(v->row_ent);
	free(v->prev_ent);
	free(v->coll);
	free(v->coll_tmp);
	free(v->sorted);
	free(v->sort_tmp);
	free(v->moved);
	free(v->lines);
	free(v->lent);
	free(v->ltree);
	free(v->cand);
	free(v->parent);
	free(v->first);
	free(v->last);
	free(v->sib);
	free(v->marks);
	expr_free(v->filter);
	sbuf_free(&v->sb);
	facts_free(v->names);
	addr_ctx_free(v->addr);
	addr_ctx_free(v->ev_addr);
	free(v);
}

void view_set_columns(struct view *v, const enum field_id *ids, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n && k < VIEW_MAX_COLUMNS; i++)
		if ((unsigned)ids[i] < FIELD_COUNT)
			v->cols[k++] = ids[i];
	if (k == 0)
		return;
	v->ncols = k;
	v->cols_gen++;
}

size_t view_columns(const struct view *v, const enum field_id **ids)
{
	*ids = v->cols;
	return v->ncols;
}

void view_set_sort(struct view *v, enum field_id field, int invert)
{
	if (field > VIEW_SORT_NONE)
		field = VIEW_SORT_NONE;
	if (field != v->sort) {
		v->sort = field;
		if (field != VIEW_SORT_NONE)
			view_sort_all(v);
	}
	v->invert = invert != 0;
	view_rebuild(v);
}

void view_set_filter(struct view *v, struct expr *e, struct facts *f)
{
	struct facts *ef = f != NULL ? f : v->names;

	if (e != v->filter)
		expr_free(v->filter);
	v->filter = e;
	v->filter_needs = expr_needs(e);
	v->refilter_owners = (v->filter_needs & EXPR_NEED_OWNERS) &&
			     (f == NULL || facts_owner_table(f) == NULL);
	for (size_t x = 0; x < v->nents; x++) {
		struct vent *en = &v->ents[x];

		if (en->used)
			en->match = e == NULL ||
				    expr_match(e, &en->pub.rec, ef);
	}
	view_rebuild(v);
}

void view_set_tab(struct view *v, enum view_tab tab)
{
	v->tab = tab;
	view_rebuild(v);
}

void view_set_tree(struct view *v, int on)
{
	v->tree = on != 0;
	view_rebuild(v);
}

/* ---- the detail pane --------------------------------------------------- */

/* Fields that say nothing about a socket of the other kind (and the
 * ones another line already says). */
static int view_detail_has(enum field_id id, int is_unix)
{
	switch (id) {
	case FIELD_SRC:
	case FIELD_DST:
	case FIELD_PID:
	case FIELD_COMM:
	case FIELD_PEER_PID:
	case FIELD_PEER_COMM:
		return 0;
	case FIELD_SPORT:
	case FIELD_DPORT:
	case FIELD_TIMER:
		return !is_unix;
	case FIELD_PATH:
	case FIELD_FILE:
	case FIELD_MODE:
	case FIELD_OWNER:
	case FIELD_GROUP:
	case FIELD_PEER_PROCESS:
	case FIELD_PEER_NAME:
	case FIELD_PEER_INODE:
		return is_unix;
	default:
		return 1;
	}
}

static void view_put_secs(struct sbuf *out, uint64_t ms)
{
	sbuf_u64(out, ms / 1000);
	sbuf_putc(out, '.');
	sbuf_putc(out, (char)('0' + ms / 100 % 10));
	sbuf_puts(out, " s");
}

size_t view_detail(struct view *v, const struct view_entry *pe,
		   struct sbuf *out)
{
	const struct vent *e = (const struct vent *)pe;
	const struct sock_rec *r;
	size_t lines = 0;
	char tmp[TCPINFO_TEXT_MAX];
	size_t n;

	if (pe == NULL)
		return 0;
	r = &pe->rec;

	sbuf_puts(out, "identity: ");
	switch (pe->key.kind) {
	case VIEW_KEY_INODE:
		sbuf_puts(out, "inode ");
		sbuf_u64(out, pe->key.id);
		break;
	case VIEW_KEY_COOKIE:
		sbuf_puts(out, "cookie ");
		out->len += fmt_x64(sbuf_room(out, 16), pe->key.id);
		break;
	default:
		sbuf_puts(out, "addresses and ports (no inode, no cookie)");
		break;
	}
	sbuf_putc(out, '\n');
	lines++;

	sbuf_puts(out, "life: ");
	if (pe->tomb) {
		sbuf_puts(out, "gone ");
		view_put_secs(out, v->now_ms - pe->died_ms);
		sbuf_puts(out, " ago");
	} else {
		sbuf_puts(out, "alive");
	}
	if (pe->initial) {
		sbuf_puts(out, ", there at the start");
	} else {
		sbuf_puts(out, ", appeared ");
		view_put_secs(out, v->now_ms - pe->born_ms);
		sbuf_puts(out, " ago");
	}
	sbuf_putc(out, '\n');
	lines++;

	for (int i = 0; i < FIELD_COUNT; i++) {
		enum field_id id = (enum field_id)i;

		if (!view_detail_has(id, r->family == AF_UNIX))
			continue;
		sbuf_puts(out, fields_name(id));
		sbuf_puts(out, ": ");
		view_cell_text(v, e, id, out);
		sbuf_putc(out, '\n');
		lines++;
	}
	if (r->family == AF_INET6) {
		sbuf_puts(out, (r->flags & SOCK_F_V6ONLY) ? "v6only: yes\n"
							   : "v6only: no\n");
		lines++;
	}
	n = tcpinfo_mem_text(r, tmp, sizeof(tmp));
	if (n > 0) {
		sbuf_puts(out, "memory: ");
		sbuf_esc(out, tmp, n, v->o.esc_flags);
		sbuf_putc(out, '\n');
		lines++;
	}
	n = tcpinfo_info_text(r, tmp, sizeof(tmp));
	if (n > 0) {
		sbuf_puts(out, "tcp_info: ");
		sbuf_esc(out, tmp, n, v->o.esc_flags);
		sbuf_putc(out, '\n');
		lines++;
	}
	return lines;
}
