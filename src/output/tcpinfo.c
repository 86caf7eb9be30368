/* tcpinfo.c - a socket's timer, memory and tcp_info as ss 6.1 shows them
 * (-o, -m, -i) and as JSON values. */
#include "config.h"

#include "output/tcpinfo.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <linux/sock_diag.h>

#include "util/escape.h"

/* ---- the kernel's struct tcp_info ---------------------------------------- */

/*
 * A copy of the kernel's layout (include/uapi/linux/tcp.h) up to the
 * fields of 6.18, so that what a field means does not depend on the age
 * of the headers sockscope is built with. Kernels only ever append, and
 * each sends as many bytes as it has: a field is known when the bytes
 * given cover it. The bit-fields are declared as the kernel declares them
 * so the compiler lays them out as it did for the kernel. The last word
 * of 6.18 (ECN mode and AccECN state, whose layout was still changing) is
 * left out.
 */
struct tcpinfo_k {
	uint8_t state;
	uint8_t ca_state;
	uint8_t retransmits;
	uint8_t probes;
	uint8_t backoff;
	uint8_t options;
	uint8_t snd_wscale : 4, rcv_wscale : 4;
	uint8_t delivery_rate_app_limited : 1, fastopen_client_fail : 2;

	uint32_t rto; /* us */
	uint32_t ato; /* us */
	uint32_t snd_mss;
	uint32_t rcv_mss;

	uint32_t unacked;
	uint32_t sacked;
	uint32_t lost;
	uint32_t retrans;
	uint32_t fackets;

	uint32_t last_data_sent; /* ms */
	uint32_t last_ack_sent;  /* never filled in by the kernel */
	uint32_t last_data_recv; /* ms */
	uint32_t last_ack_recv;  /* ms */

	uint32_t pmtu;
	uint32_t rcv_ssthresh;
	uint32_t rtt;    /* us */
	uint32_t rttvar; /* us */
	uint32_t snd_ssthresh;
	uint32_t snd_cwnd;
	uint32_t advmss;
	uint32_t reordering;

	uint32_t rcv_rtt; /* us */
	uint32_t rcv_space;

	uint32_t total_retrans; /* the end of 2.6.10's tcp_info */

	uint64_t pacing_rate;     /* bytes/s; ~0: unlimited */
	uint64_t max_pacing_rate; /* bytes/s; ~0: unlimited */
	uint64_t bytes_acked;
	uint64_t bytes_received;
	uint32_t segs_out;
	uint32_t segs_in;

	uint32_t notsent_bytes;
	uint32_t min_rtt; /* us; ~0: none yet */
	uint32_t data_segs_in;
	uint32_t data_segs_out;

	uint64_t delivery_rate; /* bytes/s */

	uint64_t busy_time;      /* us */
	uint64_t rwnd_limited;   /* us */
	uint64_t sndbuf_limited; /* us */

	uint32_t delivered;
	uint32_t delivered_ce;

	uint64_t bytes_sent;
	uint64_t bytes_retrans;
	uint32_t dsack_dups;
	uint32_t reord_seen;

	uint32_t rcv_ooopack;

	uint32_t snd_wnd; /* the end of 6.1's tcp_info (232 bytes) */
	uint32_t rcv_wnd;

	uint32_t rehash;

	uint16_t total_rto;
	uint16_t total_rto_recoveries;
	uint32_t total_rto_time; /* ms */
	uint32_t received_ce;
	uint32_t delivered_e1_bytes;
	uint32_t delivered_e0_bytes;
	uint32_t delivered_ce_bytes;
	uint32_t received_e1_bytes;
	uint32_t received_e0_bytes;
	uint32_t received_ce_bytes;
};

_Static_assert(offsetof(struct tcpinfo_k, rto) == 8, "tcp_info layout");
_Static_assert(offsetof(struct tcpinfo_k, pacing_rate) == 104,
	       "tcp_info layout");
_Static_assert(offsetof(struct tcpinfo_k, snd_wnd) == 228,
	       "tcp_info layout");
_Static_assert(offsetof(struct tcpinfo_k, received_ce_bytes) == 272,
	       "tcp_info layout");

/* The eight bytes of single-byte fields before rto. */
#define TCPINFO_HEAD 8

#define TCPINFO_END(f)                                                         \
	(offsetof(struct tcpinfo_k, f) + sizeof(((struct tcpinfo_k *)0)->f))
/* Whether the len bytes the kernel gave cover field f. */
#define TCPINFO_HAS(len, f) (TCPINFO_END(f) <= (len))

/* tcpi_options bits (TCPI_OPT_*). */
enum {
	TCPINFO_OPT_TIMESTAMPS = 1,
	TCPINFO_OPT_SACK = 2,
	TCPINFO_OPT_WSCALE = 4,
	TCPINFO_OPT_ECN = 8,
	TCPINFO_OPT_ECN_SEEN = 16,
	TCPINFO_OPT_SYN_DATA = 32,
	TCPINFO_OPT_USEC_TS = 64,
	TCPINFO_OPT_TFO_CHILD = 128,
};

/* 3 s, the initial RTO of kernels before 3.1: ss takes it for "no RTT
 * sample yet" and leaves it out. */
#define TCPINFO_RTO_UNSET 3000000u
/* ss shows ssthresh only below this (TCP_INFINITE_SSTHRESH is far above). */
#define TCPINFO_SSTHRESH_SHOWN 0xFFFFu
#define TCPINFO_SSTHRESH_INFINITE 0x7fffffffu

/* Copies r's tcp_info into a zeroed k; returns the bytes the kernel gave
 * (0: none, or not a TCP socket's). */
static size_t tcpinfo_load(const struct sock_rec *r, struct tcpinfo_k *k)
{
	size_t len = r->tcp_info_len;

	memset(k, 0, sizeof(*k));
	if (r->netid != SOCK_NETID_TCP || r->tcp_info == NULL ||
	    len < TCPINFO_HEAD)
		return 0;
	memcpy(k, r->tcp_info, len < sizeof(*k) ? len : sizeof(*k));
	return len;
}

/* ---- bounded text ---------------------------------------------------------- */

struct tcpinfo_out {
	char *p;
	size_t cap, len;
	int full; /* a field did not fit: no more are added */
};

static void tcpinfo_out_init(struct tcpinfo_out *o, char *p, size_t cap)
{
	o->p = p;
	o->cap = cap;
	o->len = 0;
	o->full = cap == 0;
	if (cap > 0)
		p[0] = '\0';
}

/* One whole field, space-separated from the one before it. */
__attribute__((format(printf, 2, 3))) static void
tcpinfo_field(struct tcpinfo_out *o, const char *fmt, ...)
{
	size_t room, start = o->len;
	va_list ap;
	int n;

	if (o->full)
		return;
	if (start > 0) {
		if (o->cap - start < 2) {
			o->full = 1;
			return;
		}
		o->p[start++] = ' ';
	}
	room = o->cap - start;
	va_start(ap, fmt);
	n = vsnprintf(o->p + start, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room) {
		o->p[o->len] = '\0';
		o->full = 1;
		return;
	}
	o->len = start + (size_t)n;
}

/* printf writes the locale's decimal point in %g and %f (main() takes
 * LC_ALL from the environment); ss, and scripts reading it, have '.'.
 * s holds one finite number: digits, a sign, an exponent, and the point. */
static void tcpinfo_dot(char *s)
{
	char *p = s, *q;

	while (*p != '\0' && ((*p >= '0' && *p <= '9') || *p == '-' ||
			      *p == '+' || *p == 'e'))
		p++;
	if (*p == '\0')
		return;
	for (q = p; *q != '\0' && !(*q >= '0' && *q <= '9'); q++)
		;
	*p = '.';
	memmove(p + 1, q, strlen(q) + 1);
}

#define TCPINFO_NUM_MAX 48

static const char *tcpinfo_g(char *b, double v)
{
	snprintf(b, TCPINFO_NUM_MAX, "%g", v);
	tcpinfo_dot(b);
	return b;
}

/* A rate in bits per second as ss writes it: plain with -n, else three
 * significant digits and a k, M, G or T. */
static const char *tcpinfo_bw(char *b, double bw, unsigned flags)
{
	static const struct {
		double scale;
		const char *suffix;
	} units[] = {
		{ 1e12, "T" }, { 1e9, "G" }, { 1e6, "M" }, { 1e3, "k" },
	};
	const char *suffix = "";
	size_t i, n;

	if (flags & TCPINFO_NUMERIC) {
		snprintf(b, TCPINFO_NUM_MAX, "%.0f", bw);
		tcpinfo_dot(b);
		return b;
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (bw >= units[i].scale)
			break;
	if (i < sizeof(units) / sizeof(units[0])) {
		snprintf(b, TCPINFO_NUM_MAX, "%.3g", bw / units[i].scale);
		suffix = units[i].suffix;
	} else {
		snprintf(b, TCPINFO_NUM_MAX, "%g", bw);
	}
	tcpinfo_dot(b);
	n = strlen(b);
	snprintf(b + n, TCPINFO_NUM_MAX - n, "%s", suffix);
	return b;
}

/* ---- timer ----------------------------------------------------------------- */

static const char *const tcpinfo_timer_names[] = {
	[SOCK_TIMER_OFF] = "off",
	[SOCK_TIMER_ON] = "on",
	[SOCK_TIMER_KEEPALIVE] = "keepalive",
	[SOCK_TIMER_TIMEWAIT] = "timewait",
	[SOCK_TIMER_PROBE] = "persist",
};

static const char *tcpinfo_timer_name(unsigned t)
{
	return t < SOCK_TIMER_COUNT ? tcpinfo_timer_names[t] : "unknown";
}

static int tcpinfo_timer_running(const struct sock_rec *r)
{
	return (r->flags & SOCK_F_HAS_TIMER) && r->timer != SOCK_TIMER_OFF;
}

/* Time left as ss 6.1 writes it: "119min", "5min30sec", "59sec", "200ms",
 * and "9.501ms" for 9501 ms (its unit for seconds with a fraction); from
 * ten minutes on, the seconds go, and from ten seconds on, the ms. 0 ms
 * is the empty string. */
static void tcpinfo_ms_timer(char *b, size_t cap, uint32_t ms)
{
	unsigned secs = ms / 1000, minutes = secs / 60, msecs = ms % 1000;
	size_t n = 0;

	secs %= 60;
	b[0] = '\0';
	if (minutes != 0) {
		msecs = 0;
		n += (size_t)snprintf(b + n, cap - n, "%umin", minutes);
		if (minutes > 9)
			secs = 0;
	}
	if (secs != 0) {
		if (secs > 9)
			msecs = 0;
		n += (size_t)snprintf(b + n, cap - n, "%u%s", secs,
				      msecs != 0 ? "." : "sec");
	}
	if (msecs != 0)
		snprintf(b + n, cap - n, "%03ums", msecs);
}

size_t tcpinfo_timer_text(const struct sock_rec *r, char *out, size_t cap)
{
	struct tcpinfo_out o;
	char left[48];

	tcpinfo_out_init(&o, out, cap);
	if (!tcpinfo_timer_running(r))
		return 0;
	tcpinfo_ms_timer(left, sizeof(left), r->expires_ms);
	tcpinfo_field(&o, "timer:(%s,%s,%u)", tcpinfo_timer_name(r->timer),
		      left, (unsigned)r->retrans);
	return o.len;
}

void tcpinfo_json_timer(struct json *j, const struct sock_rec *r)
{
	if (!tcpinfo_timer_running(r)) {
		json_null(j);
		return;
	}
	json_obj_begin(j);
	json_kcstr(j, "name", tcpinfo_timer_name(r->timer));
	json_ku64(j, "expires_ms", r->expires_ms);
	json_ku64(j, "retrans", r->retrans);
	json_obj_end(j);
}

/* ---- socket memory --------------------------------------------------------- */

/* SK_MEMINFO_* in order: ss's letters and the JSON names. */
static const struct {
	const char *letter;
	const char *key;
} tcpinfo_mem[] = {
	[SK_MEMINFO_RMEM_ALLOC] = { "r", "rmem_alloc" },
	[SK_MEMINFO_RCVBUF] = { "rb", "rcvbuf" },
	[SK_MEMINFO_WMEM_ALLOC] = { "t", "wmem_alloc" },
	[SK_MEMINFO_SNDBUF] = { "tb", "sndbuf" },
	[SK_MEMINFO_FWD_ALLOC] = { "f", "fwd_alloc" },
	[SK_MEMINFO_WMEM_QUEUED] = { "w", "wmem_queued" },
	[SK_MEMINFO_OPTMEM] = { "o", "optmem" },
	[SK_MEMINFO_BACKLOG] = { "bl", "backlog" },
	[SK_MEMINFO_DROPS] = { "d", "drops" },
};

#define TCPINFO_MEM_N (sizeof(tcpinfo_mem) / sizeof(tcpinfo_mem[0]))
/* Every kernel gives r through o; bl and d came later. */
#define TCPINFO_MEM_MIN (SK_MEMINFO_OPTMEM + 1)

/* How many entries r's skmeminfo has (0 when fewer than every kernel's). */
static size_t tcpinfo_mem_count(const struct sock_rec *r)
{
	size_t n = r->skmem != NULL ? r->skmem_len / 4 : 0;

	return n < TCPINFO_MEM_MIN ? 0 : n;
}

static uint32_t tcpinfo_mem_get(const struct sock_rec *r, size_t i)
{
	uint32_t v;

	memcpy(&v, r->skmem + 4 * i, sizeof(v));
	return v;
}

size_t tcpinfo_mem_text(const struct sock_rec *r, char *out, size_t cap)
{
	size_t n = tcpinfo_mem_count(r);
	char text[TCPINFO_MEM_N * 16 + 16];
	size_t len;

	if (cap > 0)
		out[0] = '\0';
	if (n == 0)
		return 0;
	if (n > TCPINFO_MEM_N)
		n = TCPINFO_MEM_N;
	len = (size_t)snprintf(text, sizeof(text), "skmem:(");
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"%s%s%" PRIu32, i > 0 ? "," : "",
					tcpinfo_mem[i].letter,
					tcpinfo_mem_get(r, i));
	if (len + 2 > cap)
		return 0;
	memcpy(out, text, len);
	out[len++] = ')';
	out[len] = '\0';
	return len;
}

void tcpinfo_json_mem(struct json *j, const struct sock_rec *r)
{
	size_t n = tcpinfo_mem_count(r);

	if (n == 0) {
		json_null(j);
		return;
	}
	json_obj_begin(j);
	for (size_t i = 0; i < TCPINFO_MEM_N; i++) {
		if (i < n)
			json_ku64(j, tcpinfo_mem[i].key, tcpinfo_mem_get(r, i));
		else
			json_knull(j, tcpinfo_mem[i].key);
	}
	json_obj_end(j);
}

/* ---- tcp_info as text ------------------------------------------------------ */

/* A u32 field, shown when covered and not zero (ss's rule for most). */
#define TCPINFO_U32(o, len, k, f, name)                                        \
	do {                                                                   \
		if (TCPINFO_HAS(len, f) && (k)->f != 0)                        \
			tcpinfo_field(o, name ":%" PRIu32, (k)->f);            \
	} while (0)
#define TCPINFO_U64(o, len, k, f, name)                                        \
	do {                                                                   \
		if (TCPINFO_HAS(len, f) && (k)->f != 0)                        \
			tcpinfo_field(o, name ":%" PRIu64, (k)->f);            \
	} while (0)

/* The TCP options and the congestion control, which lead the line. */
static void tcpinfo_text_head(struct tcpinfo_out *o, const struct sock_rec *r,
			      const struct tcpinfo_k *k, unsigned flags)
{
	static const struct {
		unsigned bit;
		const char *name;
	} opts[] = {
		{ TCPINFO_OPT_TIMESTAMPS, "ts" },
		{ TCPINFO_OPT_SACK, "sack" },
		{ TCPINFO_OPT_ECN, "ecn" },
		{ TCPINFO_OPT_ECN_SEEN, "ecnseen" },
		{ TCPINFO_OPT_SYN_DATA, "fastopen" },
	};

	if (flags & TCPINFO_OPTIONS)
		for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
			if (k->options & opts[i].bit)
				tcpinfo_field(o, "%s", opts[i].name);
	if (r->cong != NULL && r->cong_len > 0) {
		/* a module's name: the kernel's, but text all the same */
		char esc[ESC_MAX(UINT8_MAX)];
		esc_text(esc, r->cong, r->cong_len, ESC_SPACE, NULL);
		tcpinfo_field(o, "%s", esc);
	}
	if (k->options & TCPINFO_OPT_WSCALE)
		tcpinfo_field(o, "wscale:%u,%u", (unsigned)k->snd_wscale,
			      (unsigned)k->rcv_wscale);
}

/* rto through data_segs_in: timing, segment sizes and windows, volumes. */
static void tcpinfo_text_path(struct tcpinfo_out *o, size_t len,
			      const struct tcpinfo_k *k)
{
	char a[TCPINFO_NUM_MAX], b[TCPINFO_NUM_MAX];

	if (TCPINFO_HAS(len, rto) && k->rto != 0 &&
	    k->rto != TCPINFO_RTO_UNSET)
		tcpinfo_field(o, "rto:%s", tcpinfo_g(a, (double)k->rto / 1000));
	if (k->backoff != 0)
		tcpinfo_field(o, "backoff:%u", (unsigned)k->backoff);
	if (TCPINFO_HAS(len, rttvar) && k->rtt != 0)
		tcpinfo_field(o, "rtt:%s/%s",
			      tcpinfo_g(a, (double)k->rtt / 1000),
			      tcpinfo_g(b, (double)k->rttvar / 1000));
	if (TCPINFO_HAS(len, ato) && k->ato != 0)
		tcpinfo_field(o, "ato:%s", tcpinfo_g(a, (double)k->ato / 1000));
	TCPINFO_U32(o, len, k, snd_mss, "mss");
	TCPINFO_U32(o, len, k, pmtu, "pmtu");
	TCPINFO_U32(o, len, k, rcv_mss, "rcvmss");
	TCPINFO_U32(o, len, k, advmss, "advmss");
	TCPINFO_U32(o, len, k, snd_cwnd, "cwnd");
	if (TCPINFO_HAS(len, snd_ssthresh) &&
	    k->snd_ssthresh < TCPINFO_SSTHRESH_SHOWN)
		TCPINFO_U32(o, len, k, snd_ssthresh, "ssthresh");
	TCPINFO_U64(o, len, k, bytes_sent, "bytes_sent");
	TCPINFO_U64(o, len, k, bytes_retrans, "bytes_retrans");
	TCPINFO_U64(o, len, k, bytes_acked, "bytes_acked");
	TCPINFO_U64(o, len, k, bytes_received, "bytes_received");
	TCPINFO_U32(o, len, k, segs_out, "segs_out");
	TCPINFO_U32(o, len, k, segs_in, "segs_in");
	TCPINFO_U32(o, len, k, data_segs_out, "data_segs_out");
	TCPINFO_U32(o, len, k, data_segs_in, "data_segs_in");
}

/* The rate a full window per RTT gives, in bits per second (ss's "send");
 * 0 when unknown. */
static double tcpinfo_send_bps(size_t len, const struct tcpinfo_k *k)
{
	if (!TCPINFO_HAS(len, snd_cwnd) || k->rtt == 0 || k->snd_mss == 0 ||
	    k->snd_cwnd == 0)
		return 0;
	return (double)k->snd_cwnd * (double)k->snd_mss * 8000000. /
	       (double)k->rtt;
}

/* A busy-time share: "rwnd_limited:12ms(3.4%)". */
static void tcpinfo_limited(struct tcpinfo_out *o, const char *name,
			    uint64_t us, uint64_t busy)
{
	char pct[TCPINFO_NUM_MAX];

	snprintf(pct, sizeof(pct), "%.1f", 100.0 * (double)us / (double)busy);
	tcpinfo_dot(pct);
	tcpinfo_field(o, "%s:%" PRIu64 "ms(%s%%)", name, us / 1000, pct);
}

/* send through app_limited and busy: rates and recent activity. */
static void tcpinfo_text_rates(struct tcpinfo_out *o, size_t len,
			       const struct tcpinfo_k *k, unsigned flags)
{
	char a[TCPINFO_NUM_MAX], b[TCPINFO_NUM_MAX];
	double send = tcpinfo_send_bps(len, k);

	if (send > 0)
		tcpinfo_field(o, "send %sbps", tcpinfo_bw(a, send, flags));
	TCPINFO_U32(o, len, k, last_data_sent, "lastsnd");
	TCPINFO_U32(o, len, k, last_data_recv, "lastrcv");
	TCPINFO_U32(o, len, k, last_ack_recv, "lastack");
	if (TCPINFO_HAS(len, max_pacing_rate) && k->pacing_rate != 0 &&
	    k->pacing_rate != UINT64_MAX) {
		tcpinfo_bw(a, (double)k->pacing_rate * 8., flags);
		if (k->max_pacing_rate != 0 && k->max_pacing_rate != UINT64_MAX)
			tcpinfo_field(o, "pacing_rate %sbps/%sbps", a,
				      tcpinfo_bw(b,
						 (double)k->max_pacing_rate *
							 8.,
						 flags));
		else
			tcpinfo_field(o, "pacing_rate %sbps", a);
	}
	if (TCPINFO_HAS(len, delivery_rate) && k->delivery_rate != 0)
		tcpinfo_field(o, "delivery_rate %sbps",
			      tcpinfo_bw(a, (double)k->delivery_rate * 8.,
					 flags));
	TCPINFO_U32(o, len, k, delivered, "delivered");
	TCPINFO_U32(o, len, k, delivered_ce, "delivered_ce");
	if (k->delivery_rate_app_limited)
		tcpinfo_field(o, "app_limited");
	if (TCPINFO_HAS(len, busy_time) && k->busy_time != 0) {
		tcpinfo_field(o, "busy:%" PRIu64 "ms", k->busy_time / 1000);
		if (TCPINFO_HAS(len, rwnd_limited) && k->rwnd_limited != 0)
			tcpinfo_limited(o, "rwnd_limited", k->rwnd_limited,
					k->busy_time);
		if (TCPINFO_HAS(len, sndbuf_limited) && k->sndbuf_limited != 0)
			tcpinfo_limited(o, "sndbuf_limited", k->sndbuf_limited,
					k->busy_time);
	}
}

/* unacked through snd_wnd: losses, reordering, the receive side. */
static void tcpinfo_text_tail(struct tcpinfo_out *o, const struct sock_rec *r,
			      size_t len, const struct tcpinfo_k *k)
{
	char a[TCPINFO_NUM_MAX];

	TCPINFO_U32(o, len, k, unacked, "unacked");
	if (TCPINFO_HAS(len, total_retrans) &&
	    (k->retrans != 0 || k->total_retrans != 0))
		tcpinfo_field(o, "retrans:%" PRIu32 "/%" PRIu32, k->retrans,
			      k->total_retrans);
	TCPINFO_U32(o, len, k, lost, "lost");
	/* a listener's sacked is its backlog, not SACKed segments */
	if (r->state != SOCK_ST_LISTEN)
		TCPINFO_U32(o, len, k, sacked, "sacked");
	TCPINFO_U32(o, len, k, dsack_dups, "dsack_dups");
	TCPINFO_U32(o, len, k, fackets, "fackets");
	if (TCPINFO_HAS(len, reordering) && k->reordering != 3)
		tcpinfo_field(o, "reordering:%" PRIu32, k->reordering);
	TCPINFO_U32(o, len, k, reord_seen, "reord_seen");
	if (TCPINFO_HAS(len, rcv_rtt) && k->rcv_rtt != 0)
		tcpinfo_field(o, "rcv_rtt:%s",
			      tcpinfo_g(a, (double)k->rcv_rtt / 1000));
	TCPINFO_U32(o, len, k, rcv_space, "rcv_space");
	TCPINFO_U32(o, len, k, rcv_ssthresh, "rcv_ssthresh");
	TCPINFO_U32(o, len, k, notsent_bytes, "notsent");
	if (TCPINFO_HAS(len, min_rtt) && k->min_rtt != 0 &&
	    k->min_rtt != UINT32_MAX)
		tcpinfo_field(o, "minrtt:%s",
			      tcpinfo_g(a, (double)k->min_rtt / 1000));
	TCPINFO_U32(o, len, k, rcv_ooopack, "rcv_ooopack");
	TCPINFO_U32(o, len, k, snd_wnd, "snd_wnd");
}

size_t tcpinfo_info_text_flags(const struct sock_rec *r, unsigned flags,
			       char *out, size_t cap)
{
	struct tcpinfo_k k;
	struct tcpinfo_out o;
	size_t len = tcpinfo_load(r, &k);

	tcpinfo_out_init(&o, out, cap);
	if (len == 0)
		return 0;
	tcpinfo_text_head(&o, r, &k, flags);
	tcpinfo_text_path(&o, len, &k);
	tcpinfo_text_rates(&o, len, &k, flags);
	tcpinfo_text_tail(&o, r, len, &k);
	return o.len;
}

size_t tcpinfo_info_text(const struct sock_rec *r, char *out, size_t cap)
{
	return tcpinfo_info_text_flags(r, 0, out, cap);
}

/* ---- tcp_info as JSON ------------------------------------------------------ */

enum tcpinfo_kind {
	TCPINFO_NUM,       /* as is */
	TCPINFO_US_MS,     /* microseconds, written as ms with 3 decimals */
	TCPINFO_RATE,      /* bytes/s, written as bits/s; ~0 (none): null */
	TCPINFO_SSTHRESH,  /* TCP_INFINITE_SSTHRESH: null */
	TCPINFO_US_MS_SET, /* as TCPINFO_US_MS; ~0 (no sample yet): null */
};

struct tcpinfo_jfield {
	const char *key;
	unsigned short off;
	unsigned char size;
	unsigned char kind;
};

#define TCPINFO_J(k, f, kind)                                                  \
	{ k, offsetof(struct tcpinfo_k, f),                                    \
	  sizeof(((struct tcpinfo_k *)0)->f), kind }

/* The single-byte fields that come before the bit-fields. */
static const struct tcpinfo_jfield tcpinfo_jhead[] = {
	TCPINFO_J("state", state, TCPINFO_NUM),
	TCPINFO_J("ca_state", ca_state, TCPINFO_NUM),
	TCPINFO_J("retransmits", retransmits, TCPINFO_NUM),
	TCPINFO_J("probes", probes, TCPINFO_NUM),
	TCPINFO_J("backoff", backoff, TCPINFO_NUM),
};

/* Everything after them, in the kernel's order. last_ack_sent is left
 * out: no kernel has ever filled it in. */
static const struct tcpinfo_jfield tcpinfo_jbody[] = {
	TCPINFO_J("rto_ms", rto, TCPINFO_US_MS),
	TCPINFO_J("ato_ms", ato, TCPINFO_US_MS),
	TCPINFO_J("mss", snd_mss, TCPINFO_NUM),
	TCPINFO_J("rcv_mss", rcv_mss, TCPINFO_NUM),
	TCPINFO_J("unacked", unacked, TCPINFO_NUM),
	TCPINFO_J("sacked", sacked, TCPINFO_NUM),
	TCPINFO_J("lost", lost, TCPINFO_NUM),
	TCPINFO_J("retrans", retrans, TCPINFO_NUM),
	TCPINFO_J("fackets", fackets, TCPINFO_NUM),
	TCPINFO_J("last_send_ms", last_data_sent, TCPINFO_NUM),
	TCPINFO_J("last_recv_ms", last_data_recv, TCPINFO_NUM),
	TCPINFO_J("last_ack_ms", last_ack_recv, TCPINFO_NUM),
	TCPINFO_J("pmtu", pmtu, TCPINFO_NUM),
	TCPINFO_J("rcv_ssthresh", rcv_ssthresh, TCPINFO_NUM),
	TCPINFO_J("rtt_ms", rtt, TCPINFO_US_MS),
	TCPINFO_J("rttvar_ms", rttvar, TCPINFO_US_MS),
	TCPINFO_J("snd_ssthresh", snd_ssthresh, TCPINFO_SSTHRESH),
	TCPINFO_J("snd_cwnd", snd_cwnd, TCPINFO_NUM),
	TCPINFO_J("advmss", advmss, TCPINFO_NUM),
	TCPINFO_J("reordering", reordering, TCPINFO_NUM),
	TCPINFO_J("rcv_rtt_ms", rcv_rtt, TCPINFO_US_MS),
	TCPINFO_J("rcv_space", rcv_space, TCPINFO_NUM),
	TCPINFO_J("total_retrans", total_retrans, TCPINFO_NUM),
	TCPINFO_J("pacing_rate_bps", pacing_rate, TCPINFO_RATE),
	TCPINFO_J("max_pacing_rate_bps", max_pacing_rate, TCPINFO_RATE),
	TCPINFO_J("bytes_acked", bytes_acked, TCPINFO_NUM),
	TCPINFO_J("bytes_received", bytes_received, TCPINFO_NUM),
	TCPINFO_J("segs_out", segs_out, TCPINFO_NUM),
	TCPINFO_J("segs_in", segs_in, TCPINFO_NUM),
	TCPINFO_J("notsent_bytes", notsent_bytes, TCPINFO_NUM),
	TCPINFO_J("min_rtt_ms", min_rtt, TCPINFO_US_MS_SET),
	TCPINFO_J("data_segs_in", data_segs_in, TCPINFO_NUM),
	TCPINFO_J("data_segs_out", data_segs_out, TCPINFO_NUM),
	TCPINFO_J("delivery_rate_bps", delivery_rate, TCPINFO_RATE),
	TCPINFO_J("busy_time_us", busy_time, TCPINFO_NUM),
	TCPINFO_J("rwnd_limited_us", rwnd_limited, TCPINFO_NUM),
	TCPINFO_J("sndbuf_limited_us", sndbuf_limited, TCPINFO_NUM),
	TCPINFO_J("delivered", delivered, TCPINFO_NUM),
	TCPINFO_J("delivered_ce", delivered_ce, TCPINFO_NUM),
	TCPINFO_J("bytes_sent", bytes_sent, TCPINFO_NUM),
	TCPINFO_J("bytes_retrans", bytes_retrans, TCPINFO_NUM),
	TCPINFO_J("dsack_dups", dsack_dups, TCPINFO_NUM),
	TCPINFO_J("reord_seen", reord_seen, TCPINFO_NUM),
	TCPINFO_J("rcv_ooopack", rcv_ooopack, TCPINFO_NUM),
	TCPINFO_J("snd_wnd", snd_wnd, TCPINFO_NUM),
	TCPINFO_J("rcv_wnd", rcv_wnd, TCPINFO_NUM),
	TCPINFO_J("rehash", rehash, TCPINFO_NUM),
	TCPINFO_J("total_rto", total_rto, TCPINFO_NUM),
	TCPINFO_J("total_rto_recoveries", total_rto_recoveries, TCPINFO_NUM),
	TCPINFO_J("total_rto_time_ms", total_rto_time, TCPINFO_NUM),
	TCPINFO_J("received_ce", received_ce, TCPINFO_NUM),
	TCPINFO_J("delivered_e1_bytes", delivered_e1_bytes, TCPINFO_NUM),
	TCPINFO_J("delivered_e0_bytes", delivered_e0_bytes, TCPINFO_NUM),
	TCPINFO_J("delivered_ce_bytes", delivered_ce_bytes, TCPINFO_NUM),
	TCPINFO_J("received_e1_bytes", received_e1_bytes, TCPINFO_NUM),
	TCPINFO_J("received_e0_bytes", received_e0_bytes, TCPINFO_NUM),
	TCPINFO_J("received_ce_bytes", received_ce_bytes, TCPINFO_NUM),
};

static uint64_t tcpinfo_jget(const struct tcpinfo_k *k,
			     const struct tcpinfo_jfield *f)
{
	const unsigned char *p = (const unsigned char *)k + f->off;
	uint64_t v64;
	uint32_t v32;
	uint16_t v16;

	switch (f->size) {
	case 8:
		memcpy(&v64, p, sizeof(v64));
		return v64;
	case 4:
		memcpy(&v32, p, sizeof(v32));
		return v32;
	case 2:
		memcpy(&v16, p, sizeof(v16));
		return v16;
	default:
		return *p;
	}
}

static void tcpinfo_jfields(struct json *j, const struct tcpinfo_k *k,
			    size_t len, const struct tcpinfo_jfield *f,
			    size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t v = tcpinfo_jget(k, &f[i]);

		json_key(j, f[i].key);
		if ((size_t)f[i].off + f[i].size > len) {
			json_null(j); /* an older kernel's tcp_info */
			continue;
		}
		switch (f[i].kind) {
		case TCPINFO_US_MS_SET:
			if (v == UINT32_MAX) {
				json_null(j);
				break;
			}
			json_fixed(j, v, 3);
			break;
		case TCPINFO_US_MS:
			json_fixed(j, v, 3);
			break;
		case TCPINFO_RATE:
			if (v == UINT64_MAX)
				json_null(j);
			else
				json_u64(j, v > UINT64_MAX / 8 ? UINT64_MAX
							       : v * 8);
			break;
		case TCPINFO_SSTHRESH:
			if (v >= TCPINFO_SSTHRESH_INFINITE)
				json_null(j);
			else
				json_u64(j, v);
			break;
		default:
			json_u64(j, v);
			break;
		}
	}
}

static void tcpinfo_json_options(struct json *j, const struct tcpinfo_k *k)
{
	static const struct {
		unsigned bit;
		const char *key;
	} opts[] = {
		{ TCPINFO_OPT_TIMESTAMPS, "timestamps" },
		{ TCPINFO_OPT_SACK, "sack" },
		{ TCPINFO_OPT_WSCALE, "wscale" },
		{ TCPINFO_OPT_ECN, "ecn" },
		{ TCPINFO_OPT_ECN_SEEN, "ecn_seen" },
		{ TCPINFO_OPT_SYN_DATA, "syn_data" },
		{ TCPINFO_OPT_USEC_TS, "usec_ts" },
		{ TCPINFO_OPT_TFO_CHILD, "tfo_child" },
	};

	json_key(j, "options");
	json_obj_begin(j);
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		json_kbool(j, opts[i].key, (k->options & opts[i].bit) != 0);
	json_obj_end(j);
	json_key(j, "wscale");
	if (k->options & TCPINFO_OPT_WSCALE) {
		json_obj_begin(j);
		json_ku64(j, "snd", k->snd_wscale);
		json_ku64(j, "rcv", k->rcv_wscale);
		json_obj_end(j);
	} else {
		json_null(j);
	}
	json_kbool(j, "delivery_rate_app_limited",
		   k->delivery_rate_app_limited);
	json_ku64(j, "fastopen_client_fail", k->fastopen_client_fail);
}

void tcpinfo_json_info(struct json *j, const struct sock_rec *r)
{
	struct tcpinfo_k k;
	size_t len = tcpinfo_load(r, &k);
	double send;

	if (len == 0) {
		json_null(j);
		return;
	}
	json_obj_begin(j);
	if (r->cong != NULL && r->cong_len > 0)
		json_kstr(j, "congestion", r->cong, r->cong_len);
	else
		json_knull(j, "congestion");
	tcpinfo_jfields(j, &k, len, tcpinfo_jhead,
			sizeof(tcpinfo_jhead) / sizeof(tcpinfo_jhead[0]));
	tcpinfo_json_options(j, &k);
	tcpinfo_jfields(j, &k, len, tcpinfo_jbody,
			sizeof(tcpinfo_jbody) / sizeof(tcpinfo_jbody[0]));
	/* derived, as ss's "send": a full window per RTT */
	send = tcpinfo_send_bps(len, &k);
	json_key(j, "send_bps");
	if (send > 0)
		json_u64(j, send >= 18446744073709551616.0 ? UINT64_MAX
							   : (uint64_t)send);
	else
		json_null(j);
	json_obj_end(j);
}
