/* collect.c - run the dumps a query needs, in listing order: sock_diag over
 * netlink (a receive thread overlaps the kernel's work with parsing), a
 * recording, or /proc/net where sock_diag is missing. */
#include "config.h"

#include "collect/collect.h"
#include "collect/inet_diag.h"
#include "collect/nl.h"
#include "collect/procfs.h"
#include "collect/record.h"
#include "collect/unix_diag.h"
#include "util/sbuf.h"
#include "util/xalloc.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* A dump the kernel flagged inconsistent is run again this many times. */
#define COLLECT_DUMP_TRIES 3
#define COLLECT_SLOTS 4
#define COLLECT_BUF_MAX (1024u * 1024u)

struct collect_dump_info {
	const char *name;
	int family;
	int protocol;
	enum sock_netid netid; /* for inet dumps */
};

static const struct collect_dump_info collect_dumps[COLLECT_DUMP_COUNT] = {
	[COLLECT_DUMP_UNIX] = { "unix", AF_UNIX, 0, SOCK_NETID_UNIX_STREAM },
	[COLLECT_DUMP_UDP4] = { "udp/IPv4", AF_INET, IPPROTO_UDP,
				SOCK_NETID_UDP },
	[COLLECT_DUMP_UDP6] = { "udp/IPv6", AF_INET6, IPPROTO_UDP,
				SOCK_NETID_UDP },
	[COLLECT_DUMP_TCP4] = { "tcp/IPv4", AF_INET, IPPROTO_TCP,
				SOCK_NETID_TCP },
	[COLLECT_DUMP_TCP6] = { "tcp/IPv6", AF_INET6, IPPROTO_TCP,
				SOCK_NETID_TCP },
};

const char *collect_dump_name(enum collect_dump d)
{
	if ((unsigned)d >= COLLECT_DUMP_COUNT)
		return "?";
	return collect_dumps[d].name;
}

int collect_dump_wanted(const struct collect_query *q, enum collect_dump d)
{
	const struct collect_dump_info *i = &collect_dumps[d];
	unsigned fam = i->family == AF_INET ? COLLECT_AF_INET
					     : COLLECT_AF_INET6;

	if (q->states == 0)
		return 0;
	if (i->family == AF_UNIX)
		return (q->netids & SOCK_NETIDS_UNIX) != 0;
	return (q->netids & SOCK_NETID_BIT(i->netid)) && (q->families & fam);
}

int collect_rec_matches(const struct collect_query *q,
			const struct sock_rec *r)
{
	if (r->netid >= SOCK_NETID_COUNT || r->state >= SOCK_ST_COUNT)
		return 0;
	if (!(q->netids & SOCK_NETID_BIT(r->netid)))
		return 0;
	if (!(q->states & SOCK_STATE_BIT(r->state)))
		return 0;
	if (r->family == AF_INET)
		return (q->families & COLLECT_AF_INET) != 0;
	if (r->family == AF_INET6)
		return (q->families & COLLECT_AF_INET6) != 0;
	return r->family == AF_UNIX;
}

/* ---- parsing: shared by live, threaded and replayed dumps ------------- */

struct collect_parse {
	enum collect_dump dump;
	const struct collect_query *q;
	const struct collect_consumer *c;
	unsigned long bad; /* messages that did not parse */
	/* The tcp/IPv4 dump made by one request for both families: the
	 * IPv6 messages wait here for the tcp/IPv6 dump. */
	struct sbuf *ipv6;
};

static int collect_parse_msg(const struct nlmsghdr *nlh, void *ud)
{
	struct collect_parse *p = ud;
	struct sock_rec rec;
	int r;

	if (p->ipv6 != NULL &&
	    nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(struct inet_diag_msg)) &&
	    ((const struct inet_diag_msg *)mnl_nlmsg_get_payload(nlh))
			    ->idiag_family == AF_INET6) {
		size_t len = nlh->nlmsg_len, padded = NLMSG_ALIGN(len);
		char *to = sbuf_room(p->ipv6, padded);

		memcpy(to, nlh, len);
		memset(to + len, 0, padded - len);
		p->ipv6->len += padded;
		return 0;
	}
	if (p->dump == COLLECT_DUMP_UNIX)
		r = unix_diag_parse(nlh, &rec);
	else
		r = inet_diag_parse(nlh, collect_dumps[p->dump].netid, &rec);
	if (r < 0) {
		p->bad++;
		return 0;
	}
	if (!collect_rec_matches(p->q, &rec))
		return 0;
	return p->c->rec(p->c->ud, &rec);
}

/* ---- the receive side --------------------------------------------------- */

enum collect_slot_kind { SLOT_DATA, SLOT_END, SLOT_FAIL };

struct collect_slot {
	enum collect_slot_kind kind;
	size_t len;
	unsigned char *buf;
	struct sc_err err;
};

struct collect_pipe {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct collect_slot slot[COLLECT_SLOTS];
	unsigned head, count;
	int stop; /* the consumer has given up: the reader must end */
	size_t bufsize;
	/* the reader's job */
	struct nl_sock *nl;
	enum collect_dump dump;
	struct record_writer *rec;
};

/* Reads one dump until the kernel says it is done, handing each datagram
 * to the consumer through the slots. Used as a thread body, or called
 * slot by slot when running in one thread. */
static void collect_reader_step(struct collect_pipe *p,
				struct collect_slot *s, int *finished)
{
	struct nl_walk w = { 0 };
	ssize_t n;

	s->kind = SLOT_DATA;
	s->len = 0;
	n = nl_recv(p->nl, s->buf, p->bufsize, &s->err);
	if (n < 0) {
		s->kind = SLOT_FAIL;
		*finished = 1;
		return;
	}
	s->len = (size_t)n;
	if (p->rec != NULL &&
	    record_chunk(p->rec, p->dump, s->buf, s->len, &s->err) < 0) {
		s->kind = SLOT_FAIL;
		*finished = 1;
		return;
	}
	w.seq = p->nl->seq;
	w.portid = p->nl->portid;
	/* Only the end of the dump matters here; the consumer parses. */
	*finished = nl_walk_chunk(s->buf, s->len, &w, NULL, NULL) !=
		    NL_WALK_MORE;
}

static void *collect_reader_thread(void *arg)
{
	struct collect_pipe *p = arg;
	int finished = 0;

	while (!finished) {
		struct collect_slot *s;

		pthread_mutex_lock(&p->mu);
		while (p->count == COLLECT_SLOTS && !p->stop)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->stop) {
			pthread_mutex_unlock(&p->mu);
			return NULL;
		}
		s = &p->slot[(p->head + p->count) % COLLECT_SLOTS];
		pthread_mutex_unlock(&p->mu);

		collect_reader_step(p, s, &finished);

		pthread_mutex_lock(&p->mu);
		p->count++;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
	return NULL;
}

static void collect_pipe_init(struct collect_pipe *p, size_t bufsize)
{
	memset(p, 0, sizeof(*p));
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	p->bufsize = bufsize;
	for (unsigned i = 0; i < COLLECT_SLOTS; i++)
		p->slot[i].buf = xmalloc(bufsize);
}

static void collect_pipe_free(struct collect_pipe *p)
{
	for (unsigned i = 0; i < COLLECT_SLOTS; i++)
		free(p->slot[i].buf);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
}

/* ---- one dump ------------------------------------------------------------ */

enum collect_outcome {
	OUT_OK,
	OUT_INTERRUPTED, /* done, but NLM_F_DUMP_INTR was seen */
	OUT_KERNEL_ERROR, /* the kernel refused: err holds why */
	OUT_TOO_BIG,     /* MSG_TRUNC: retry with a larger buffer */
	OUT_FAILED,      /* err set */
	OUT_STOPPED,     /* the consumer stopped; *cb_ret holds its value */
};

static const char *collect_errstr(int e)
{
	return e == 0 ? "unknown error" : strerror(e);
}

/* Consume one slot. Returns 1 when the dump is over (outcome set). */
static int collect_consume(struct collect_slot *s, struct nl_walk *w,
			   struct collect_parse *parse,
			   enum collect_outcome *out, struct sc_err *err,
			   int *cb_ret)
{
	enum nl_walk_status st;

	if (s->kind == SLOT_FAIL) {
		if (s->err.code == EMSGSIZE) {
			*out = OUT_TOO_BIG;
			return 1;
		}
		*err = s->err;
		*out = OUT_FAILED;
		return 1;
	}
	st = nl_walk_chunk(s->buf, s->len, w, collect_parse_msg, parse);
	switch (st) {
	case NL_WALK_MORE:
		return 0;
	case NL_WALK_DONE:
		*out = w->interrupted ? OUT_INTERRUPTED : OUT_OK;
		return 1;
	case NL_WALK_STOP:
		*cb_ret = w->cb_ret;
		*out = OUT_STOPPED;
		return 1;
	case NL_WALK_ERROR:
	default:
		sc_err_set(err, w->kernel_errno, "sock_diag dump of %s failed: %s%s%s",
			   collect_dump_name(parse->dump),
			   collect_errstr(w->kernel_errno),
			   w->extack[0] ? ": " : "", w->extack);
		*out = OUT_KERNEL_ERROR;
		return 1;
	}
}

static enum collect_outcome
collect_live_dump(struct nl_sock *nl, struct nlmsghdr *req,
		  struct collect_parse *parse, struct record_writer *rec,
		  size_t bufsize, int sequential, struct nl_walk *w,
		  struct sc_err *err, int *cb_ret)
{
	struct collect_pipe p;
	enum collect_outcome out = OUT_FAILED;
	pthread_t tid;
	int done = 0;

	if (nl_send(nl, req, err) < 0)
		return OUT_FAILED;
	w->seq = nl->seq;
	w->portid = nl->portid;
	collect_pipe_init(&p, bufsize);
	p.nl = nl;
	p.dump = parse->dump;
	p.rec = rec;

	if (sequential || pthread_create(&tid, NULL, collect_reader_thread,
					 &p) != 0) {
		int finished = 0;
		while (!done && !finished) {
			collect_reader_step(&p, &p.slot[0], &finished);
			done = collect_consume(&p.slot[0], w, parse, &out, err,
					       cb_ret);
		}
		if (!done) {
			sc_err_set(err, EPROTO,
				   "sock_diag dump of %s ended early",
				   collect_dump_name(parse->dump));
			out = OUT_FAILED;
		}
		collect_pipe_free(&p);
		return out;
	}

	while (!done) {
		struct collect_slot *s;

		pthread_mutex_lock(&p.mu);
		while (p.count == 0)
			pthread_cond_wait(&p.cv, &p.mu);
		s = &p.slot[p.head];
		pthread_mutex_unlock(&p.mu);

		done = collect_consume(s, w, parse, &out, err, cb_ret);

		pthread_mutex_lock(&p.mu);
		p.head = (p.head + 1) % COLLECT_SLOTS;
		p.count--;
		if (done)
			p.stop = 1;
		pthread_cond_broadcast(&p.cv);
		pthread_mutex_unlock(&p.mu);
	}
	pthread_join(tid, NULL);
	collect_pipe_free(&p);
	/* If the consumer gave up mid-dump the socket still holds the rest
	 * of the answer; collect_run() then stops using it altogether. */
	return out;
}

static enum collect_outcome
collect_replay_dump(const struct replay *rp, struct collect_parse *parse,
		    struct nl_walk *w, struct sc_err *err, int *cb_ret)
{
	size_t pos = 0;
	const unsigned char *buf;
	size_t len;
	uint32_t dump;
	int r;
	enum collect_outcome out = OUT_OK;
	int seen = 0;
	unsigned char *copy = NULL;
	size_t copy_cap = 0;

	while ((r = replay_next(rp, &pos, &dump, &buf, &len)) == 1) {
		struct collect_slot s = { .kind = SLOT_DATA, .len = len };

		if (dump != (uint32_t)parse->dump)
			continue;
		seen = 1;
		/* Copy so that netlink headers are suitably aligned. */
		if (len > copy_cap) {
			copy_cap = len;
			copy = xrealloc(copy, copy_cap);
		}
		memcpy(copy, buf, len);
		s.buf = copy;
		if (collect_consume(&s, w, parse, &out, err, cb_ret)) {
			free(copy);
			return out;
		}
	}
	free(copy);
	if (r < 0) {
		sc_err_set(err, EINVAL, "the recording is malformed");
		return OUT_FAILED;
	}
	if (!seen)
		sc_err_set(err, ENOENT, "the recording has no %s dump",
			   collect_dump_name(parse->dump));
	else
		sc_err_set(err, EPROTO, "the recording of %s ends early",
			   collect_dump_name(parse->dump));
	return OUT_FAILED;
}

/* The request for dump d; both: the TCP sockets of both families at once
 * (collect_tcp_together), which share q's first filter. */
static int collect_build_req(enum collect_dump d, const struct collect_query *q,
			     int both, unsigned char *buf, size_t cap,
			     struct nlmsghdr **req)
{
	const struct collect_dump_info *i = &collect_dumps[d];

	if (both) {
		struct inet_diag_want w = {
			.states = q->states,
			.internals = q->internals,
			.bytecode = q->bytecode[0],
			.bytecode_len = q->bytecode_len[0],
		};
		*req = inet_diag_build_tcp_req(buf, cap, &w);
	} else if (i->family == AF_UNIX) {
		*req = unix_diag_build_req(buf, cap, q->states, q->internals);
	} else {
		int k = i->family == AF_INET6;
		struct inet_diag_want w = {
			.states = q->states,
			.internals = q->internals,
			.bytecode = q->bytecode[k],
			.bytecode_len = q->bytecode_len[k],
		};
		*req = inet_diag_build_req(buf, cap, i->family, i->protocol,
					   &w);
	}
	return *req == NULL ? -1 : 0;
}

/* Kernel errors that mean "this kind of dump is not available here". */
static int collect_errno_unsupported(int e)
{
	return e == ENOENT || e == EOPNOTSUPP || e == EPROTONOSUPPORT ||
	       e == EAFNOSUPPORT || e == EINVAL;
}

static const char *const collect_proc_files[COLLECT_DUMP_COUNT] = {
	[COLLECT_DUMP_UNIX] = "unix", [COLLECT_DUMP_UDP4] = "udp",
	[COLLECT_DUMP_UDP6] = "udp6", [COLLECT_DUMP_TCP4] = "tcp",
	[COLLECT_DUMP_TCP6] = "tcp6",
};

/* List one dump from /proc/net instead. why is set when the kernel refused
 * this dump alone; when no sock_diag socket could be opened at all, the
 * caller says so once for every dump. */
static int collect_fallback(enum collect_dump d, const struct collect_query *q,
			    const struct collect_opts *o,
			    const struct collect_consumer *c,
			    struct collect_report *rep, const char *why,
			    struct sc_err *err)
{
	const char *root = o->proc_root ? o->proc_root : "/proc";

	if (why != NULL)
		sc_warn_add(&rep->warnings,
			    "sock_diag does not list %s here (%s); listing "
			    "it from %s/net/%s",
			    collect_dump_name(d), why, root,
			    collect_proc_files[d]);
	return procfs_collect_dump(root, d, q, c, rep, err);
}

/* Whether the TCP dumps of both families can be one request: both are
 * wanted, live and unrecorded (a recording keeps one dump per family), and
 * one kernel-side filter suits both. Each dump of a family walks the
 * kernel's whole TCP hash table, which every namespace shares unless given
 * its own (net.ipv4.tcp_child_ehash_entries): one walk instead of two
 * halves the work, most of all for --all-netns. */
static int collect_tcp_together(const struct collect_query *q,
				const struct collect_opts *o)
{
	if (o->replay_path != NULL || o->record_path != NULL ||
	    !collect_dump_wanted(q, COLLECT_DUMP_TCP4) ||
	    !collect_dump_wanted(q, COLLECT_DUMP_TCP6))
		return 0;
	if ((q->bytecode[0] == NULL) != (q->bytecode[1] == NULL))
		return 0;
	return q->bytecode[0] == NULL ||
	       (q->bytecode_len[0] == q->bytecode_len[1] &&
		memcmp(q->bytecode[0], q->bytecode[1], q->bytecode_len[0]) ==
			0);
}

/* The tcp/IPv6 dump from the messages the tcp/IPv4 one set aside. */
static int collect_set_aside(const struct sbuf *ipv6,
			     struct collect_parse *parse)
{
	size_t off = 0;

	while (off < ipv6->len) {
		const struct nlmsghdr *nlh =
			(const struct nlmsghdr *)(const void *)(ipv6->p + off);
		int r = collect_parse_msg(nlh, parse);

		if (r < 0)
			return r;
		off += NLMSG_ALIGN(nlh->nlmsg_len);
	}
	return 0;
}

int collect_run(const struct collect_query *q, const struct collect_opts *o,
		const struct collect_consumer *c, struct collect_report *rep,
		struct sc_err *err)
{
	/* together: TCP of both families by one request (while the kernel
	 * takes it); set_aside: that request was answered */
	int together = collect_tcp_together(q, o), set_aside = 0;
	struct sbuf ipv6 = { 0 };
	struct nl_sock nl = { 0 };
	struct record_writer recw = { .fd = -1 };
	struct replay rp = { 0 };
	int have_nl = 0, ret = 0;
	const char *no_nl = NULL;
	char no_nl_buf[128];
	const char *proc_root = o->proc_root ? o->proc_root : "/proc";

	memset(rep, 0, sizeof(*rep));
	if (o->replay_path != NULL && replay_load(&rp, o->replay_path, err) < 0)
		return -1;
	if (o->record_path != NULL &&
	    record_open(&recw, o->record_path, err) < 0) {
		replay_free(&rp);
		return -1;
	}

	for (int d = 0; d < COLLECT_DUMP_COUNT && ret == 0; d++) {
		struct collect_parse parse = { .dump = d, .q = q, .c = c };
		size_t bufsize = NL_RECV_BUF;
		int tries = 0;

		if (!collect_dump_wanted(q, d))
			continue;
		if (o->replay_path == NULL &&
		    o->backend == COLLECT_BACKEND_PROC) {
			ret = procfs_collect_dump(proc_root, d, q, c, rep,
						  err);
			continue;
		}
		if (o->replay_path == NULL && !have_nl && no_nl == NULL) {
			if (nl_open(&nl, err) == 0) {
				have_nl = 1;
			} else if (o->backend == COLLECT_BACKEND_AUTO &&
				   collect_errno_unsupported(err->code)) {
				snprintf(no_nl_buf, sizeof(no_nl_buf), "%s",
					 strerror(err->code));
				no_nl = no_nl_buf;
				sc_warn_add(&rep->warnings,
					    "sock_diag is not available (%s); "
					    "listing from %s/net",
					    no_nl, proc_root);
			} else {
				ret = -1;
				break;
			}
		}
		if (no_nl != NULL) {
			ret = collect_fallback(d, q, o, c, rep, NULL, err);
			continue;
		}
		if (d == COLLECT_DUMP_TCP6 && set_aside) {
			if (c->begin == NULL || (ret = c->begin(c->ud, d)) == 0)
				ret = collect_set_aside(&ipv6, &parse);
			continue;
		}

		for (;;) {
			unsigned char reqbuf[INET_DIAG_REQ_BUF];
			struct nlmsghdr *req;
			struct nl_walk w = { 0 };
			enum collect_outcome out;
			int cb_ret = 0;

			if (c->begin != NULL &&
			    (ret = c->begin(c->ud, d)) < 0)
				break;
			parse.bad = 0;
			ipv6.len = 0;
			parse.ipv6 = d == COLLECT_DUMP_TCP4 && together
					     ? &ipv6
					     : NULL;
			if (o->replay_path != NULL) {
				out = collect_replay_dump(&rp, &parse, &w, err,
							  &cb_ret);
			} else {
				if (collect_build_req(d, q, parse.ipv6 != NULL,
						      reqbuf, sizeof(reqbuf),
						      &req) < 0) {
					ret = sc_err_set(err, EINVAL,
							 "cannot build request");
					break;
				}
				out = collect_live_dump(&nl, req, &parse,
							o->record_path
								? &recw
								: NULL,
							bufsize, o->sequential,
							&w, err, &cb_ret);
			}
			rep->messages += w.messages;
			if (parse.bad + w.malformed > 0)
				sc_warn_add(&rep->warnings,
					    "%lu malformed sock_diag message(s) "
					    "in the %s dump were skipped",
					    parse.bad + w.malformed,
					    collect_dump_name(d));
			tries++;
			if (out == OUT_OK) {
				set_aside = parse.ipv6 != NULL;
				break;
			}
			if (out == OUT_KERNEL_ERROR && parse.ipv6 != NULL) {
				/* a kernel without the original interface:
				 * one dump per family */
				together = 0;
				tries = 0;
				if (c->discard != NULL &&
				    (ret = c->discard(c->ud, d)) < 0)
					break;
				continue;
			}
			if (out == OUT_STOPPED) {
				ret = cb_ret;
				break;
			}
			if (out == OUT_INTERRUPTED) {
				if (tries < COLLECT_DUMP_TRIES &&
				    o->replay_path == NULL) {
					if (c->discard != NULL &&
					    (ret = c->discard(c->ud, d)) < 0)
						break;
					continue;
				}
				rep->interrupted |= 1u << d;
				sc_warn_add(&rep->warnings,
					    "the %s dump was inconsistent "
					    "(sockets changed while it ran) "
					    "%d time(s); the listing of it "
					    "may be incomplete",
					    collect_dump_name(d), tries);
				break;
			}
			if (out == OUT_TOO_BIG && bufsize < COLLECT_BUF_MAX &&
			    o->replay_path == NULL) {
				/* The datagram was lost: start over with a
				 * buffer that fits, on a fresh socket. */
				bufsize *= 2;
				nl_close(&nl);
				have_nl = 0;
				if (nl_open(&nl, err) < 0) {
					ret = -1;
					break;
				}
				have_nl = 1;
				if (c->discard != NULL &&
				    (ret = c->discard(c->ud, d)) < 0)
					break;
				continue;
			}
			if (out == OUT_KERNEL_ERROR &&
			    o->backend == COLLECT_BACKEND_AUTO &&
			    o->replay_path == NULL &&
			    collect_errno_unsupported(err->code)) {
				if (c->discard != NULL &&
				    (ret = c->discard(c->ud, d)) < 0)
					break;
				ret = collect_fallback(d, q, o, c, rep,
						       strerror(err->code),
						       err);
				break;
			}
			ret = -1;
			break;
		}
	}
	if (have_nl)
		nl_close(&nl);
	sbuf_free(&ipv6);
	if (o->record_path != NULL) {
		struct sc_err cerr;
		if (record_close(&recw, &cerr) < 0 && ret == 0) {
			*err = cerr;
			ret = -1;
		}
	}
	replay_free(&rp);
	return ret;
}
