/* explain.c - --explain: one pass counts the view by state and notes
 * queues and timers; each state seen then gets its sentence, built in a
 * buffer and written as a text line or a JSON object. */
#include "config.h"

#include "output/explain.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "collect/owners.h"
#include "model/facts.h"
#include "output/addr.h"
#include "util/json.h"
#include "util/sbuf.h"
#include "util/u64map.h"
#include "util/xalloc.h"

/* Names listed in one sentence before "and N more". */
#define EX_LIST_MAX 3
/* TIME-WAIT sockets past which the ports they pin are worth a word. */
#define EX_TW_MANY 1000

enum ex_proto { EX_TCP, EX_UDP, EX_UNIX, EX_NPROTO };

static const char *const ex_proto_name[EX_NPROTO] = { "TCP", "UDP", "Unix" };

struct ex_state {
	uint64_t n, proto[EX_NPROTO];
	uint64_t dgram;   /* UDP and Unix datagram sockets */
	uint64_t ustream; /* Unix stream and seqpacket sockets */
	uint64_t timed; /* with a running timer (told for TIME-WAIT) */
	uint32_t exp_min, exp_max;
	/* receive / send queues holding data (ESTAB) */
	uint64_t unread, unacked;
	uint32_t unread_max, unacked_max;
	size_t unread_at, unacked_at; /* view positions of the largest */
};

struct ex {
	const struct rows_view *v;
	struct fields_ctx *fc;
	struct obuf *out;
	int json;
	struct json *j; /* JSON: where the items go */
	struct sbuf t; /* the item being written */
	struct ex_state st[SOCK_ST_COUNT];
};

/* ---- building sentences ---------------------------------------------- */

static void ex_put(struct ex *x, const char *s)
{
	sbuf_puts(&x->t, s);
}

static void ex_num(struct ex *x, uint64_t n)
{
	sbuf_u64(&x->t, n);
}

/* "1 socket", "3 sockets", with a word between: "3 TCP sockets" */
static void ex_count(struct ex *x, uint64_t n, const char *what,
		     const char *one, const char *many)
{
	ex_num(x, n);
	ex_put(x, " ");
	if (what != NULL) {
		ex_put(x, what);
		ex_put(x, " ");
	}
	ex_put(x, n == 1 ? one : many);
}

static void ex_seconds(struct ex *x, uint32_t ms)
{
	/* rounded up: "in 12 s" must not promise more than there is */
	ex_num(x, ((uint64_t)ms + 999) / 1000);
	ex_put(x, " s");
}

/* The local address column of row k, as the table shows it (escaped). */
static void ex_local(struct ex *x, size_t k)
{
	struct sock_rec r;

	rows_view_get(x->v, k, &r);
	fields_display(x->fc, FIELD_LOCAL, &r, &x->t);
}

/* The separator before item i of a list of n shown m at most:
 * "a, b and c", "a, b, c and 2 more". */
static void ex_list_sep(struct ex *x, size_t i, uint64_t n, size_t m)
{
	if (i > 0)
		ex_put(x, i + 1 == m && n == m ? " and " : ", ");
}

static void ex_list_end(struct ex *x, uint64_t n, size_t m)
{
	if (n > m) {
		ex_put(x, " and ");
		ex_num(x, n - m);
		ex_put(x, " more");
	}
}

/* "N sockets" for a state only TCP has; for a shared one, which kinds:
 * "3 TCP sockets" or "5 sockets (3 TCP, 2 Unix)". */
static void ex_head(struct ex *x, const struct ex_state *s, int shared)
{
	int kinds = 0, p1 = 0;

	for (int p = 0; p < EX_NPROTO; p++)
		if (s->proto[p] != 0) {
			kinds++;
			p1 = p;
		}
	if (!shared || kinds == 0) {
		ex_count(x, s->n, NULL, "socket", "sockets");
		return;
	}
	if (kinds == 1) {
		ex_count(x, s->n, ex_proto_name[p1], "socket", "sockets");
		return;
	}
	ex_count(x, s->n, NULL, "socket", "sockets");
	ex_put(x, " (");
	for (int p = 0, first = 1; p < EX_NPROTO; p++) {
		if (s->proto[p] == 0)
			continue;
		ex_put(x, first ? "" : ", ");
		ex_num(x, s->proto[p]);
		ex_put(x, " ");
		ex_put(x, ex_proto_name[p]);
		first = 0;
	}
	ex_put(x, ")");
}

static void ex_emit(struct ex *x, unsigned st, const char *kind, uint64_t n)
{
	const char *name = sock_state_name((enum sock_state)st);

	if (x->json) {
		json_obj_begin(x->j);
		json_kcstr(x->j, "state", name);
		json_kcstr(x->j, "kind", kind);
		json_ku64(x->j, "count", n);
		json_kstr(x->j, "text", x->t.p, x->t.len);
		json_obj_end(x->j);
	} else {
		obuf_puts(x->out, name);
		obuf_put(x->out, ": ", 2);
		obuf_put(x->out, x->t.p, x->t.len);
		obuf_putc(x->out, '\n');
	}
	x->t.len = 0;
}

/* ---- holders --------------------------------------------------------- */

struct ex_holder {
	uint32_t pid;
	uint16_t comm_len;
	const char *comm;
	uint64_t n;
};

struct ex_tally {
	struct ex_holder *h;
	size_t n, cap;
	struct u64map pids; /* pid -> index in h */
	uint64_t sockets, unknown, nobody;
};

static int ex_owners_known(const struct ex *x)
{
	return x->fc->facts != NULL &&
	       facts_owner_table(x->fc->facts) != NULL;
}

/* Count a socket for each process that holds it (once per process,
 * however many descriptors it has on it). */
static void ex_tally_add(struct ex *x, struct ex_tally *t, uint64_t inode)
{
	const struct owners *ow = facts_owner_table(x->fc->facts);
	const struct owner *w;
	uint32_t last = 0;
	int added;

	t->sockets++;
	switch (facts_holders(x->fc->facts, inode, &w)) {
	case FACTS_NOBODY:
		t->nobody++;
		return;
	case FACTS_UNKNOWN:
		t->unknown++;
		return;
	case FACTS_HELD:
		break;
	}
	/* holders come in (pid, fd) order: a pid's descriptors together */
	for (int first = 1; w != NULL; w = owners_next(ow, w), first = 0) {
		uint32_t *slot;

		if (!first && w->pid == last)
			continue;
		last = w->pid;
		slot = u64map_put(&t->pids, w->pid, &added);
		if (added) {
			if (t->n == t->cap) {
				t->cap = t->cap ? t->cap * 2 : 8;
				t->h = xreallocarray(t->h, t->cap,
						     sizeof(*t->h));
			}
			*slot = (uint32_t)t->n;
			t->h[t->n].pid = w->pid;
			t->h[t->n].comm = owners_comm(ow, w);
			t->h[t->n].comm_len = w->comm_len;
			t->h[t->n].n = 0;
			t->n++;
		}
		t->h[*slot].n++;
	}
}

static int ex_holder_cmp(const void *pa, const void *pb)
{
	const struct ex_holder *a = pa, *b = pb;

	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return a->pid < b->pid ? -1 : a->pid > b->pid;
}

/* ", held by python3 (pid 1234)", or, when several processes hold more
 * than one socket, with counts: ", held by a (pid 1, 3 sockets), b (pid
 * 2, 1 socket) and 2 other processes" (a shared socket counts for each
 * of its holders); then the sockets whose holders could not be
 * read and those nobody holds. Nothing when the tally is empty. */
static void ex_tally_text(struct ex *x, struct ex_tally *t)
{
	size_t shown = t->n < EX_LIST_MAX ? t->n : EX_LIST_MAX;
	int first = 1;

	if (t->n > 1)
		qsort(t->h, t->n, sizeof(*t->h), ex_holder_cmp);
	if (t->n > 0) {
		ex_put(x, ", held by ");
		first = 0;
	}
	for (size_t i = 0; i < shown; i++) {
		const struct ex_holder *h = &t->h[i];

		ex_list_sep(x, i, t->n, shown);
		sbuf_esc(&x->t, h->comm, h->comm_len, x->fc->esc_flags);
		ex_put(x, " (pid ");
		ex_num(x, h->pid);
		if (t->n > 1 && t->sockets > 1) {
			ex_put(x, ", ");
			ex_count(x, h->n, NULL, "socket", "sockets");
		}
		ex_put(x, ")");
	}
	if (t->n > shown) {
		ex_put(x, " and ");
		ex_count(x, t->n - shown, "other", "process", "processes");
	}
	if (t->unknown > 0) {
		if (first && t->unknown == t->sockets) {
			ex_put(x, ", which");
		} else {
			ex_put(x, first ? ", " : "; ");
			ex_num(x, t->unknown);
		}
		ex_put(x, " may be held by processes that could not be read"
			  " (run as root to see them)");
		first = 0;
	}
	if (t->nobody > 0 && first) {
		ex_put(x, ", held by no process");
	} else if (t->nobody > 0) {
		ex_put(x, "; ");
		ex_count(x, t->nobody, NULL, "is", "are");
		ex_put(x, " held by no process");
	}
}

static void ex_tally_free(struct ex_tally *t)
{
	free(t->h);
	u64map_free(&t->pids);
}

/* ---- the most common value ------------------------------------------- */

struct ex_key {
	struct fields_ctx *fc;
	enum field_id id;
};

static int ex_key_cmp(void *ud, const struct sock_rec *a,
		      const struct sock_rec *b)
{
	const struct ex_key *k = ud;

	return fields_cmp(k->fc, k->id, a, b);
}

/* Among the rows in state st, the most common value of field id: how
 * many have it, with one of them in *r. */
static uint64_t ex_top(struct ex *x, unsigned st, enum field_id id,
		       struct sock_rec *r)
{
	struct rows_view sub = { .rows = x->v->rows };
	struct ex_key key = { x->fc, id };
	struct sock_rec a, b;
	uint64_t best = 0, run = 0;
	size_t best_at = 0;

	sub.idx = xreallocarray(NULL, x->st[st].n, sizeof(*sub.idx));
	for (size_t k = 0; k < x->v->n; k++) {
		rows_view_get(x->v, k, &a);
		if (a.state == st)
			sub.idx[sub.n++] = x->v->idx[k];
	}
	rows_view_sort(&sub, ex_key_cmp, &key);
	for (size_t k = 0; k < sub.n; k++) {
		rows_view_get(&sub, k, &a);
		if (k > 0) {
			rows_view_get(&sub, k - 1, &b);
			run = fields_cmp(x->fc, id, &a, &b) == 0 ? run + 1 : 1;
		} else {
			run = 1;
		}
		if (run > best) {
			best = run;
			best_at = k;
		}
	}
	if (best > 0)
		rows_view_get(&sub, best_at, r);
	free(sub.idx);
	return best;
}

/* " All are for X." / " Most (N) are for X." when one value stands out. */
static void ex_top_text(struct ex *x, unsigned st, enum field_id id,
			const char *prep)
{
	struct sock_rec r;
	uint64_t n = x->st[st].n < 2 ? 0 : ex_top(x, st, id, &r);

	if (n < 2)
		return;
	if (n == x->st[st].n) {
		ex_put(x, " All are ");
	} else {
		ex_put(x, " The most, ");
		ex_num(x, n);
		ex_put(x, ", are ");
	}
	ex_put(x, prep);
	ex_put(x, " ");
	fields_display(x->fc, id, &r, &x->t);
	ex_put(x, ".");
}

/* ---- the states ------------------------------------------------------ */

static void ex_scan(struct ex *x)
{
	struct sock_rec r;

	for (size_t k = 0; k < x->v->n; k++) {
		struct ex_state *s;
		enum ex_proto p;

		rows_view_get(x->v, k, &r);
		if (r.state >= SOCK_ST_COUNT)
			r.state = SOCK_ST_UNKNOWN;
		s = &x->st[r.state];
		p = r.netid == SOCK_NETID_TCP	? EX_TCP
		    : r.netid == SOCK_NETID_UDP ? EX_UDP
						: EX_UNIX;
		s->n++;
		s->proto[p]++;
		if (r.netid == SOCK_NETID_UDP ||
		    r.netid == SOCK_NETID_UNIX_DGRAM)
			s->dgram++;
		else if (p == EX_UNIX)
			s->ustream++;
		if ((r.flags & SOCK_F_HAS_TIMER) && r.timer != SOCK_TIMER_OFF) {
			if (s->timed == 0 || r.expires_ms < s->exp_min)
				s->exp_min = r.expires_ms;
			if (s->timed == 0 || r.expires_ms > s->exp_max)
				s->exp_max = r.expires_ms;
			s->timed++;
		}
		if (r.state != SOCK_ST_ESTABLISHED)
			continue;
		if ((r.flags & SOCK_F_HAS_RQ) && r.rq > 0) {
			if (s->unread == 0 || r.rq > s->unread_max) {
				s->unread_max = r.rq;
				s->unread_at = k;
			}
			s->unread++;
		}
		/* a UDP or Unix datagram send queue is only ever in flight */
		if ((r.flags & SOCK_F_HAS_WQ) && r.wq > 0 &&
		    r.netid != SOCK_NETID_UDP &&
		    r.netid != SOCK_NETID_UNIX_DGRAM) {
			if (s->unacked == 0 || r.wq > s->unacked_max) {
				s->unacked_max = r.wq;
				s->unacked_at = k;
			}
			s->unacked++;
		}
	}
}

static void ex_time_wait(struct ex *x, const struct ex_state *s)
{
	ex_head(x, s, 0);
	ex_put(x, ". This side closed first; the kernel keeps each for 60 s"
		  " so late packets are not mistaken for a new connection. ");
	if (s->timed == 0) {
		ex_put(x, s->n == 1 ? "When it expires is not known"
				    : "When they expire is not known");
		ex_put(x, " (no timer data).");
	} else if (s->n == 1) {
		ex_put(x, "It expires in ");
		ex_seconds(x, s->exp_min);
		ex_put(x, ".");
	} else {
		ex_put(x, "The next expires in ");
		ex_seconds(x, s->exp_min);
		ex_put(x, ", the last in ");
		ex_seconds(x, s->exp_max);
		ex_put(x, ".");
	}
	ex_put(x, " Not a leak.");
	if (s->n >= EX_TW_MANY)
		ex_put(x, " So many can use up the local ports for new"
			  " connections to one peer: reuse connections, or"
			  " see net.ipv4.tcp_tw_reuse.");
}

static void ex_close_wait(struct ex *x, const struct ex_state *s)
{
	struct ex_tally t = { 0 };
	struct sock_rec r;

	ex_head(x, s, 0);
	if (ex_owners_known(x)) {
		for (size_t k = 0; k < x->v->n; k++) {
			rows_view_get(x->v, k, &r);
			if (r.state == SOCK_ST_CLOSE_WAIT)
				ex_tally_add(x, &t, r.inode);
		}
		ex_tally_text(x, &t);
		ex_tally_free(&t);
	}
	ex_put(x, ": the peer closed its end and the local program has not"
		  " called close(). If the count keeps growing, the program"
		  " leaks connections.");
	if (!ex_owners_known(x))
		ex_put(x, " Run with -p to see which programs hold them.");
}

static void ex_unconn(struct ex *x, const struct ex_state *s)
{
	ex_head(x, s, 1);
	ex_put(x, ".");
	if (s->dgram > 0)
		ex_put(x, " Not connected: a UDP or Unix datagram socket here"
			  " takes datagrams from any sender, usually as a"
			  " server.");
	if (s->ustream > 0)
		ex_put(x, " A Unix stream socket here is neither listening"
			  " nor connected yet.");
	if (s->proto[EX_TCP] > 0)
		ex_put(x, " A TCP socket here is closed: bound, or shut down,"
			  " but neither listening nor connected.");
}

/* The sentence of a state that needs no counting beyond its size. */
struct ex_text {
	int shared; /* more than TCP has it: name the kinds */
	const char *text;
};

static const struct ex_text ex_texts[SOCK_ST_COUNT] = {
	[SOCK_ST_UNKNOWN] = { 1, ". The kernel reported a state sockscope"
				 " does not know." },
	[SOCK_ST_ESTABLISHED] = { 1, ". Connected: data flows both ways."
				     " Recv-Q is data that arrived and the"
				     " local program has not read, Send-Q"
				     " data the peer has not acknowledged"
				     " (TCP) or read (Unix) yet." },
	[SOCK_ST_SYN_SENT] = { 0, ". connect() sent a SYN and waits for the"
				  " answer: the peer is down or slow, or a"
				  " firewall drops the packets (a closed port"
				  " would refuse at once). The kernel retries,"
				  " then gives up after about 2 minutes"
				  " (net.ipv4.tcp_syn_retries)." },
	[SOCK_ST_SYN_RECV] = { 0, ". Handshakes half done: a SYN came in and"
				  " was answered, the final ACK has not"
				  " arrived. A few come and go under load;"
				  " many that stay mean a SYN flood (forged"
				  " sources never answer) or a listener whose"
				  " accept queue is full." },
	[SOCK_ST_FIN_WAIT1] = { 0, ". This side closed and sent its FIN,"
				   " which the peer has not acknowledged yet;"
				   " unsent data may still be queued. Normally"
				   " brief; many that stay mean the peer is"
				   " unreachable or not reading." },
	[SOCK_ST_FIN_WAIT2] = { 0, ". This side closed and the peer"
				   " acknowledged, but the peer has not closed"
				   " its end. A socket its program has closed"
				   " is dropped after net.ipv4.tcp_fin_timeout"
				   " (60 s by default); one only shut down"
				   " (shutdown()) waits for the peer for as"
				   " long as it takes." },
	[SOCK_ST_LAST_ACK] = { 0, ". The peer closed first, then the local"
				  " program; the kernel waits for the peer to"
				  " acknowledge its FIN, retrying for a while."
				  " Normally brief; many that stay mean the"
				  " peer went away." },
	[SOCK_ST_LISTEN] = { 1, ". Waiting for connections: Recv-Q counts"
				" those waiting for accept(), Send-Q the most"
				" that may wait (the backlog)." },
	[SOCK_ST_CLOSING] = { 0, ". Both sides closed at the same moment and"
				 " each waits for the other's"
				 " acknowledgement. Rare and brief; many that"
				 " stay point to packet loss." },
};

static void ex_state_item(struct ex *x, unsigned st)
{
	const struct ex_state *s = &x->st[st];

	switch (st) {
	case SOCK_ST_TIME_WAIT:
		ex_time_wait(x, s);
		break;
	case SOCK_ST_CLOSE_WAIT:
		ex_close_wait(x, s);
		break;
	case SOCK_ST_CLOSE:
		ex_unconn(x, s);
		break;
	default:
		ex_head(x, s, ex_texts[st].shared);
		ex_put(x, ex_texts[st].text);
		if (st == SOCK_ST_SYN_SENT)
			ex_top_text(x, st, FIELD_PEER, "to");
		else if (st == SOCK_ST_SYN_RECV)
			ex_top_text(x, st, FIELD_LOCAL, "for");
		break;
	}
	ex_emit(x, st, "state", s->n);
}

/* ---- conditions ------------------------------------------------------ */

/* "(Recv-Q: 4096 bytes, on X)" or "(Recv-Q; the most, 4096 bytes, on X)" */
static void ex_queue_text(struct ex *x, const char *queue, uint64_t n,
			  uint32_t max, size_t at)
{
	ex_put(x, " (");
	ex_put(x, queue);
	ex_put(x, n == 1 ? ": " : "; the most, ");
	ex_num(x, max);
	ex_put(x, " bytes, on ");
	ex_local(x, at);
	ex_put(x, ")");
}

static void ex_queues(struct ex *x, unsigned st)
{
	const struct ex_state *s = &x->st[st];

	if (s->unread > 0) {
		ex_count(x, s->unread, NULL, "socket holds", "sockets hold");
		ex_put(x, " data the local program has not read");
		ex_queue_text(x, "Recv-Q", s->unread, s->unread_max,
			      s->unread_at);
		ex_put(x, ". A moment's backlog is normal; if it stays, the"
			  " program is stuck or too slow.");
		ex_emit(x, st, "unread", s->unread);
	}
	if (s->unacked > 0) {
		ex_count(x, s->unacked, NULL, "socket holds", "sockets hold");
		ex_put(x, " sent data the peer has not taken yet");
		ex_queue_text(x, "Send-Q", s->unacked, s->unacked_max,
			      s->unacked_at);
		ex_put(x, ": the peer reads too slowly, or the network is"
			  " slow or losing packets.");
		ex_emit(x, st, "unacknowledged", s->unacked);
	}
}

/* One listener: "ADDR (2 waiting, backlog 1, held by ...)"; with
 * within=0 the holders follow the parenthesis instead. */
static void ex_listener(struct ex *x, size_t k, int within)
{
	struct sock_rec r;

	rows_view_get(x->v, k, &r);
	fields_display(x->fc, FIELD_LOCAL, &r, &x->t);
	ex_put(x, within ? " (" : " is full (");
	ex_num(x, r.rq);
	ex_put(x, " waiting, backlog ");
	ex_num(x, r.wq);
	if (!within)
		ex_put(x, ")");
	if (ex_owners_known(x)) {
		struct ex_tally t = { 0 };

		ex_tally_add(x, &t, r.inode);
		ex_tally_text(x, &t);
		ex_tally_free(&t);
	}
	if (within)
		ex_put(x, ")");
}

/* Listeners with Recv-Q >= Send-Q: the kernel takes no more once the
 * queue passes the backlog, so these are full or one away from it. */
static void ex_full_listeners(struct ex *x)
{
	size_t at[EX_LIST_MAX];
	struct sock_rec r;
	uint64_t n = 0;
	size_t m;

	for (size_t k = 0; k < x->v->n; k++) {
		rows_view_get(x->v, k, &r);
		if (r.state != SOCK_ST_LISTEN || r.rq == 0 || r.rq < r.wq ||
		    (r.flags & (SOCK_F_HAS_RQ | SOCK_F_HAS_WQ)) !=
			    (SOCK_F_HAS_RQ | SOCK_F_HAS_WQ))
			continue;
		if (n < EX_LIST_MAX)
			at[n] = k;
		n++;
	}
	if (n == 0)
		return;
	m = n < EX_LIST_MAX ? (size_t)n : EX_LIST_MAX;
	if (n == 1) {
		ex_put(x, "the accept queue of ");
		ex_listener(x, at[0], 0);
		ex_put(x, ": the program is not calling accept() fast"
			  " enough;");
	} else {
		ex_count(x, n, NULL, "listener", "listeners");
		ex_put(x, " have a full accept queue: ");
		for (size_t i = 0; i < m; i++) {
			ex_list_sep(x, i, n, m);
			ex_listener(x, at[i], 1);
		}
		ex_list_end(x, n, m);
		ex_put(x, ": their programs are not calling accept() fast"
			  " enough;");
	}
	ex_put(x, " new connections wait or are dropped.");
	if (!ex_owners_known(x))
		ex_put(x, n == 1 ? " Run with -p to see which program holds"
				   " it."
				 : " Run with -p to see which programs hold"
				   " them.");
	ex_emit(x, SOCK_ST_LISTEN, "accept_queue_full", n);
}

/* Unix sockets bound to a path whose file is gone or is another file.
 * Only where new clients look them up by path: listeners and unconnected
 * datagram sockets (a connected socket no longer needs its file). */
static void ex_files(struct ex *x, unsigned st, enum facts_file_status want)
{
	size_t at[EX_LIST_MAX];
	struct facts_file ff;
	struct sock_rec r;
	uint64_t n = 0;
	size_t m;
	int many;

	if (x->fc->facts == NULL)
		return;
	for (size_t k = 0; k < x->v->n; k++) {
		rows_view_get(x->v, k, &r);
		if (r.state != st || r.family != AF_UNIX)
			continue;
		facts_file(x->fc->facts, &r, &ff);
		if (ff.status != want)
			continue;
		if (n < EX_LIST_MAX)
			at[n] = k;
		n++;
	}
	if (n == 0)
		return;
	m = n < EX_LIST_MAX ? (size_t)n : EX_LIST_MAX;
	many = n > 1;
	if (want == FACTS_FILE_MISSING)
		ex_put(x, many ? "the files of " : "the file of ");
	else
		ex_put(x, many ? "other files now sit at " :
				 "another file now sits at ");
	for (size_t i = 0; i < m; i++) {
		char name[ADDR_TEXT_MAX];
		size_t len;

		ex_list_sep(x, i, n, m);
		rows_view_get(x->v, at[i], &r);
		len = addr_unix_text(x->fc->esc_flags, r.name, r.name_len,
				     name, NULL);
		sbuf_put(&x->t, name, len);
	}
	ex_list_end(x, n, m);
	if (want == FACTS_FILE_MISSING) {
		ex_put(x, many ? " are gone" : " is gone");
		ex_put(x, " (deleted, or in another mount namespace): clients"
			  " cannot reach ");
		ex_put(x, many ? "these sockets by their paths, though their"
				 " programs still have them open."
			       : "the socket by its path, though its program"
				 " still has it open.");
		ex_put(x, " Restart the program or have it bind again.");
		ex_emit(x, st, "file_missing", n);
	} else {
		ex_put(x, ": clients that connect by ");
		ex_put(x, many ? "these paths reach those files, not these"
				 " sockets"
			       : "the path reach that file, not this socket");
		ex_put(x, " (another instance bound the path again, or the"
			  " file was replaced).");
		ex_emit(x, st, "file_replaced", n);
	}
}

static void ex_conditions(struct ex *x, unsigned st)
{
	if (st == SOCK_ST_ESTABLISHED)
		ex_queues(x, st);
	if (st == SOCK_ST_LISTEN)
		ex_full_listeners(x);
	if (st == SOCK_ST_LISTEN || st == SOCK_ST_CLOSE) {
		ex_files(x, st, FACTS_FILE_MISSING);
		ex_files(x, st, FACTS_FILE_REPLACED);
	}
}

/* The items, as text lines or into x->j's open array. */
static void ex_run(struct ex *x)
{
	ex_scan(x);
	/* the kernel's order, a state it did not name last */
	for (unsigned i = 1; i <= SOCK_ST_COUNT; i++) {
		unsigned st = i % SOCK_ST_COUNT;

		if (x->st[st].n == 0)
			continue;
		ex_state_item(x, st);
		ex_conditions(x, st);
	}
}

void explain_json(const struct rows_view *v, struct fields_ctx *fc,
		  struct json *j)
{
	struct ex *x = xcalloc(1, sizeof(*x));

	x->v = v;
	x->fc = fc;
	x->out = j->out;
	x->json = 1;
	x->j = j;
	json_arr_begin(j);
	ex_run(x);
	json_arr_end(j);
	sbuf_free(&x->t);
	free(x);
}

int explain_write(const struct rows_view *v, struct fields_ctx *fc, int json,
		  struct obuf *out, struct sc_err *err)
{
	struct ex *x;
	struct json j;

	(void)err;
	if (json) {
		json_init(&j, out);
		json_obj_begin(&j);
		json_ku64(&j, "schema_version", EXPLAIN_SCHEMA_VERSION);
		json_key(&j, "explanations");
		explain_json(v, fc, &j);
		json_obj_end(&j);
		obuf_putc(out, '\n');
		return 0;
	}
	x = xcalloc(1, sizeof(*x));
	x->v = v;
	x->fc = fc;
	x->out = out;
	ex_run(x);
	sbuf_free(&x->t);
	free(x);
	return 0;
}
