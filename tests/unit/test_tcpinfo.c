/* test_tcpinfo.c - socket internals (-o, -m, -i): the parse of sock_diag's
 * timer, INET_DIAG_INFO/CONG/SKMEMINFO and UNIX_DIAG_MEMINFO on answers
 * recorded from a real kernel and on hand-made malformed attributes, and
 * the text and JSON that output/tcpinfo makes of them. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <linux/unix_diag.h>

#include "collect/collect.h"
#include "collect/inet_diag.h"
#include "collect/unix_diag.h"
#include "output/tcpinfo.h"
#include "util/json.h"
#include "util/obuf.h"

/* sockscope -tuxan -i -m --record, kernel 6.18 (congestion control bbr),
 * in a private netns: listeners, a keepalive connection, a zero-window
 * sender (persist), SYN-SENT and SYN-RECV, TIME-WAIT, an IPv6 pair and a
 * Unix pair with data queued. */
#define FIXTURE FIXTURE_DIR "/netlink/tcp-internals.rec"

#define TEXT_MAX TCPINFO_TEXT_MAX

/* ---- JSON capture ---------------------------------------------------------- */

typedef void (*json_fn)(struct json *j, const struct sock_rec *r);

/* What fn writes for r, as a NUL-terminated string the caller frees. */
static char *json_of(json_fn fn, const struct sock_rec *r)
{
	FILE *f = tmpfile();
	struct obuf ob;
	struct json j;
	char *s;
	long n;

	assert_non_null(f);
	obuf_init(&ob, fileno(f));
	json_init(&j, &ob);
	fn(&j, r);
	assert_int_equal(obuf_flush(&ob), 0);
	obuf_free(&ob);
	n = lseek(fileno(f), 0, SEEK_END);
	assert_true(n >= 0);
	s = calloc(1, (size_t)n + 1);
	assert_non_null(s);
	assert_int_equal(pread(fileno(f), s, (size_t)n, 0), n);
	fclose(f);
	return s;
}

/* Whether python3's json module takes text as one JSON document; -1 when
 * python3 is not there. */
static int json_valid(const char *text)
{
	char path[] = "/tmp/test_tcpinfo.XXXXXX";
	char cmd[128];
	int fd = mkstemp(path), rc;
	size_t n = strlen(text);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	close(fd);
	if (system("python3 -c '' 2>/dev/null") != 0) {
		unlink(path);
		return -1;
	}
	snprintf(cmd, sizeof(cmd), "python3 -m json.tool %s >/dev/null", path);
	rc = system(cmd);
	unlink(path);
	return rc == 0;
}

/* ---- the recorded population ---------------------------------------------- */

struct shown {
	uint8_t netid, family, state, timer;
	uint16_t sport, dport;
	uint16_t tcp_info_len;
	uint8_t cong_len, skmem_len;
	char timer_text[TEXT_MAX];
	char mem_text[TEXT_MAX];
	char info_text[TEXT_MAX];  /* ss -i */
	char info_textn[TEXT_MAX]; /* ss -ino */
	char *json; /* {"timer":..,"memory":..,"tcp_info":..} */
};

struct population {
	struct shown v[64];
	size_t n;
};

static void record_json(struct json *j, const struct sock_rec *r)
{
	json_obj_begin(j);
	json_key(j, "timer");
	tcpinfo_json_timer(j, r);
	json_key(j, "memory");
	tcpinfo_json_mem(j, r);
	json_key(j, "tcp_info");
	tcpinfo_json_info(j, r);
	json_obj_end(j);
}

/* The internals are borrowed: everything is made in the callback. */
static int pop_rec(void *ud, const struct sock_rec *r)
{
	struct population *p = ud;
	struct shown *s;

	assert_true(p->n < sizeof(p->v) / sizeof(p->v[0]));
	s = &p->v[p->n++];
	s->netid = r->netid;
	s->family = r->family;
	s->state = r->state;
	s->timer = r->timer;
	s->sport = r->sport;
	s->dport = r->dport;
	s->tcp_info_len = r->tcp_info_len;
	s->cong_len = r->cong_len;
	s->skmem_len = r->skmem_len;
	tcpinfo_timer_text(r, s->timer_text, TEXT_MAX);
	tcpinfo_mem_text(r, s->mem_text, TEXT_MAX);
	tcpinfo_info_text(r, s->info_text, TEXT_MAX);
	tcpinfo_info_text_flags(r, TCPINFO_NUMERIC | TCPINFO_OPTIONS,
				s->info_textn, TEXT_MAX);
	s->json = json_of(record_json, r);
	return 0;
}

static int pop_begin(void *ud, enum collect_dump d)
{
	(void)ud;
	(void)d;
	return 0;
}

static void load_population(struct population *p)
{
	static const struct collect_query q = {
		.netids = SOCK_NETIDS_ALL,
		.states = SOCK_STATES_ALL,
		.families = COLLECT_AF_INET | COLLECT_AF_INET6,
		.internals = COLLECT_INT_INFO | COLLECT_INT_MEM,
	};
	struct collect_opts o = { .replay_path = FIXTURE };
	struct collect_consumer c = { .ud = p,
				      .begin = pop_begin,
				      .discard = pop_begin,
				      .rec = pop_rec };
	struct collect_report rep = { 0 };
	struct sc_err err;

	memset(p, 0, sizeof(*p));
	assert_int_equal(collect_run(&q, &o, &c, &rep, &err), 0);
	assert_int_equal(rep.warnings.n, 0);
}

static void free_population(struct population *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i].json);
}

static const struct shown *find(const struct population *p, int netid,
				int family, unsigned sport, unsigned dport)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].netid == netid && p->v[i].family == family &&
		    p->v[i].sport == sport && p->v[i].dport == dport)
			return &p->v[i];
	fail_msg("no socket %u -> %u", sport, dport);
	return NULL;
}

/* The texts below are ss 6.1's (ss -tanoim at the same moment) for the
 * same sockets, less its "bbr:(...)" (see tcpinfo.h). */
static void test_recorded_tcp(void **state)
{
	static struct population p;
	const struct shown *s;
	(void)state;

	load_population(&p);

	/* keepalive on the client of an idle connection */
	s = find(&p, SOCK_NETID_TCP, AF_INET, 42436, 7001);
	assert_int_equal(s->state, SOCK_ST_ESTABLISHED);
	assert_int_equal(s->tcp_info_len, 280);
	assert_int_equal(s->cong_len, 3);
	assert_int_equal(s->skmem_len, 36);
	assert_string_equal(s->timer_text, "timer:(keepalive,119min,0)");
	assert_string_equal(s->mem_text,
			    "skmem:(r0,rb131072,t0,tb3939840,f0,w0,o0,bl0,d0)");
	assert_string_equal(
		s->info_text,
		"bbr wscale:10,10 rto:204 rtt:0.029/0.016 ato:40 mss:35328 "
		"pmtu:65535 rcvmss:1000 advmss:65483 cwnd:11 bytes_sent:1000 "
		"bytes_acked:1001 bytes_received:1000 segs_out:4 segs_in:3 "
		"data_segs_out:1 data_segs_in:1 send 107Gbps lastsnd:1668 "
		"lastrcv:1668 lastack:1668 pacing_rate 227Gbps "
		"delivery_rate 47.1Gbps delivered:2 app_limited "
		"rcv_space:65495 rcv_ssthresh:70173 minrtt:0.006 "
		"snd_wnd:70656");
	assert_string_equal(
		s->info_textn,
		"ts sack bbr wscale:10,10 rto:204 rtt:0.029/0.016 ato:40 "
		"mss:35328 pmtu:65535 rcvmss:1000 advmss:65483 cwnd:11 "
		"bytes_sent:1000 bytes_acked:1001 bytes_received:1000 "
		"segs_out:4 segs_in:3 data_segs_out:1 data_segs_in:1 "
		"send 107202206897bps lastsnd:1668 lastrcv:1668 lastack:1668 "
		"pacing_rate 226833702760bps delivery_rate 47104000000bps "
		"delivered:2 app_limited rcv_space:65495 rcv_ssthresh:70173 "
		"minrtt:0.006 snd_wnd:70656");

	/* zero window: the sender probes; busy, retransmitted, unsent */
	s = find(&p, SOCK_NETID_TCP, AF_INET, 33028, 7003);
	assert_string_equal(s->timer_text, "timer:(persist,052ms,1)");
	assert_string_equal(
		s->mem_text,
		"skmem:(r0,rb131072,t0,tb131072,f3776,w33088,o0,bl0,d0)");
	assert_string_equal(
		s->info_textn,
		"ts sack bbr wscale:10,10 rto:208 backoff:2 rtt:4.493/8.958 "
		"mss:47616 pmtu:65535 rcvmss:536 advmss:65483 cwnd:16 "
		"bytes_sent:176128 bytes_retrans:47616 bytes_acked:128513 "
		"segs_out:10 segs_in:5 data_segs_out:6 send 1356520810bps "
		"lastsnd:1412 lastrcv:1668 lastack:1200 "
		"pacing_rate 2495171132000bps delivery_rate 8104851056bps "
		"delivered:7 busy:1668ms rwnd_limited:1668ms(100.0%) "
		"retrans:0/1 dsack_dups:1 rcv_space:65495 rcv_ssthresh:65495 "
		"notsent:32256 minrtt:0.003");
	/* ...and its peer, which does not read */
	s = find(&p, SOCK_NETID_TCP, AF_INET, 7003, 33028);
	assert_string_equal(
		s->mem_text,
		"skmem:(r131840,rb131072,t0,tb3939840,f3328,w0,o0,bl0,d3)");

	/* SYN-SENT into a full accept queue: retransmitting the SYN */
	s = find(&p, SOCK_NETID_TCP, AF_INET, 59584, 7006);
	assert_int_equal(s->state, SOCK_ST_SYN_SENT);
	assert_string_equal(s->timer_text, "timer:(on,444ms,1)");
	assert_string_equal(
		s->info_textn,
		"bbr rto:1000 mss:524 pmtu:65535 rcvmss:88 advmss:65495 "
		"cwnd:1 segs_out:2 lastsnd:6634828 lastrcv:6634828 "
		"lastack:6634828 app_limited unacked:1 retrans:1/1 lost:1 "
		"rcv_ssthresh:65495");

	/* TIME-WAIT and a request socket: a timer, no internals */
	s = find(&p, SOCK_NETID_TCP, AF_INET, 45796, 7004);
	assert_int_equal(s->state, SOCK_ST_TIME_WAIT);
	assert_string_equal(s->timer_text, "timer:(timewait,58sec,0)");
	assert_string_equal(s->mem_text, "");
	assert_string_equal(s->info_text, "");
	s = find(&p, SOCK_NETID_TCP, AF_INET, 7005, 39932);
	assert_int_equal(s->state, SOCK_ST_SYN_RECV);
	assert_string_equal(s->timer_text, "timer:(on,1.444ms,0)");
	assert_string_equal(s->info_text, "");

	/* listeners: a listener's sacked is its backlog, not shown */
	s = find(&p, SOCK_NETID_TCP, AF_INET, 7006, 0);
	assert_int_equal(s->state, SOCK_ST_LISTEN);
	assert_string_equal(s->timer_text, "");
	assert_string_equal(s->info_text, "bbr cwnd:10 unacked:1");
	assert_string_equal(s->mem_text,
			    "skmem:(r0,rb131072,t0,tb16384,f0,w0,o0,bl0,d2)");
	s = find(&p, SOCK_NETID_TCP, AF_INET6, 7002, 0);
	assert_string_equal(s->info_text, "bbr cwnd:10");

	/* an idle IPv6 connection */
	s = find(&p, SOCK_NETID_TCP, AF_INET6, 41328, 7002);
	assert_string_equal(
		s->info_text,
		"bbr wscale:10,10 rto:204 rtt:0.013/0.006 mss:32732 "
		"pmtu:65536 rcvmss:536 advmss:65464 cwnd:10 bytes_acked:1 "
		"segs_out:2 segs_in:1 send 201Gbps lastsnd:1668 lastrcv:1668 "
		"lastack:1668 pacing_rate 576Gbps delivered:1 app_limited "
		"rcv_space:65476 rcv_ssthresh:65476 minrtt:0.013 "
		"snd_wnd:65464");
	free_population(&p);
}

static void test_recorded_unix(void **state)
{
	static struct population p;
	size_t n = 0;
	(void)state;

	load_population(&p);
	for (size_t i = 0; i < p.n; i++) {
		const struct shown *s = &p.v[i];
		if (s->family != AF_UNIX)
			continue;
		n++;
		assert_int_equal(s->skmem_len, 36);
		assert_string_equal(s->timer_text, "");
		assert_string_equal(s->info_text, "");
		assert_true(strcmp(s->mem_text, "skmem:(r0,rb212992,t1280,"
						"tb212992,f0,w0,o0,bl0,d0)") ==
				    0 ||
			    strcmp(s->mem_text, "skmem:(r0,rb212992,t0,"
						"tb212992,f0,w0,o0,bl0,d0)") ==
				    0);
	}
	assert_int_equal(n, 2);
	free_population(&p);
}

static void test_recorded_json(void **state)
{
	static struct population p;
	const struct shown *s;
	size_t total = 2;
	char *all, *end;
	(void)state;

	load_population(&p);
	s = find(&p, SOCK_NETID_TCP, AF_INET, 45796, 7004);
	assert_string_equal(s->json, "{\"timer\":{\"name\":\"timewait\","
				     "\"expires_ms\":58432,\"retrans\":0},"
				     "\"memory\":null,\"tcp_info\":null}");
	s = find(&p, SOCK_NETID_TCP, AF_INET, 33028, 7003);
	assert_non_null(strstr(
		s->json,
		"{\"timer\":{\"name\":\"persist\",\"expires_ms\":52,"
		"\"retrans\":1},\"memory\":{\"rmem_alloc\":0,\"rcvbuf\":131072,"
		"\"wmem_alloc\":0,\"sndbuf\":131072,\"fwd_alloc\":3776,"
		"\"wmem_queued\":33088,\"optmem\":0,\"backlog\":0,"
		"\"drops\":0},\"tcp_info\":{\"congestion\":\"bbr\","
		"\"state\":1,\"ca_state\":0,\"retransmits\":0,\"probes\":1,"
		"\"backoff\":2,\"options\":{\"timestamps\":true,\"sack\":true,"
		"\"wscale\":true,\"ecn\":false,\"ecn_seen\":false,"
		"\"syn_data\":false,\"usec_ts\":false,\"tfo_child\":false},"
		"\"wscale\":{\"snd\":10,\"rcv\":10},"
		"\"delivery_rate_app_limited\":false,"
		"\"fastopen_client_fail\":0,\"rto_ms\":208.000,"
		"\"ato_ms\":0.000,\"mss\":47616,"));
	assert_non_null(strstr(s->json, "\"rtt_ms\":4.493,\"rttvar_ms\":8.958,"
					"\"snd_ssthresh\":null,"));
	assert_non_null(strstr(s->json, "\"pacing_rate_bps\":2495171132000,"
					"\"max_pacing_rate_bps\":null,"));
	assert_non_null(strstr(s->json, "\"min_rtt_ms\":0.003,"));
	assert_non_null(strstr(s->json, "\"busy_time_us\":1668000,"
					"\"rwnd_limited_us\":1668000,"));
	/* fields of kernels after 6.1 */
	assert_non_null(strstr(s->json, "\"rcv_wnd\":65536,"));
	assert_non_null(strstr(s->json, "\"received_ce_bytes\":0,"
					"\"send_bps\":1356520810}}"));

	/* every socket's value is JSON (one array of them) */
	for (size_t i = 0; i < p.n; i++)
		total += strlen(p.v[i].json) + 1;
	all = malloc(total + 1);
	assert_non_null(all);
	end = all;
	*end++ = '[';
	for (size_t i = 0; i < p.n; i++) {
		if (i > 0)
			*end++ = ',';
		memcpy(end, p.v[i].json, strlen(p.v[i].json));
		end += strlen(p.v[i].json);
	}
	*end++ = ']';
	*end = '\0';
	if (json_valid(all) < 0)
		print_message("python3 not found: JSON syntax not checked\n");
	else
		assert_int_equal(json_valid(all), 1);
	free(all);
	free_population(&p);
}

/* ---- hand-made messages ---------------------------------------------------- */

struct msgbuf {
	_Alignas(8) unsigned char b[4096];
	size_t len;
};

static struct nlmsghdr *put_msg(struct msgbuf *m, const void *payload,
				size_t plen)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)m->b;

	memset(m->b, 0, sizeof(m->b));
	nlh->nlmsg_len = (uint32_t)(NLMSG_HDRLEN + plen);
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	memcpy(m->b + NLMSG_HDRLEN, payload, plen);
	m->len = NLMSG_ALIGN(nlh->nlmsg_len);
	return nlh;
}

static void add_attr(struct msgbuf *m, uint16_t type, const void *data,
		     uint16_t len)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)m->b;
	struct nlattr *a = (struct nlattr *)(m->b + NLMSG_ALIGN(nlh->nlmsg_len));

	assert_true(NLMSG_ALIGN(nlh->nlmsg_len) + NLA_HDRLEN + len <=
		    sizeof(m->b));
	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	memcpy((unsigned char *)a + NLA_HDRLEN, data, len);
	nlh->nlmsg_len = NLMSG_ALIGN(nlh->nlmsg_len) + NLA_ALIGN(a->nla_len);
	m->len = nlh->nlmsg_len;
}

static struct nlmsghdr *tcp_msg(struct msgbuf *m, uint8_t state,
				uint8_t timer, uint8_t retrans,
				uint32_t expires)
{
	struct inet_diag_msg d;

	memset(&d, 0, sizeof(d));
	d.idiag_family = AF_INET;
	d.idiag_state = state;
	d.idiag_timer = timer;
	d.idiag_retrans = retrans;
	d.idiag_expires = expires;
	d.id.idiag_sport = htons(80);
	d.id.idiag_dport = htons(4242);
	return put_msg(m, &d, sizeof(d));
}

static int parse_tcp(struct msgbuf *m, struct sock_rec *r)
{
	return inet_diag_parse((struct nlmsghdr *)m->b, SOCK_NETID_TCP, r);
}

static void test_msg_timer(void **state)
{
	struct msgbuf m;
	struct sock_rec r;
	char t[TEXT_MAX];
	(void)state;

	/* TIME-WAIT: the time left, no extensions at all */
	tcp_msg(&m, SOCK_ST_TIME_WAIT, SOCK_TIMER_TIMEWAIT, 0, 59000);
	assert_int_equal(parse_tcp(&m, &r), 0);
	assert_true(r.flags & SOCK_F_HAS_TIMER);
	assert_int_equal(r.timer, SOCK_TIMER_TIMEWAIT);
	assert_int_equal(r.expires_ms, 59000);
	assert_null(r.tcp_info);
	assert_null(r.cong);
	assert_null(r.skmem);
	assert_int_equal(tcpinfo_timer_text(&r, t, sizeof(t)), 24);
	assert_string_equal(t, "timer:(timewait,59sec,0)");
	/* a request socket (TCP_NEW_SYN_RECV) re-sending its SYN-ACK */
	tcp_msg(&m, 12, SOCK_TIMER_ON, 2, 2500);
	assert_int_equal(parse_tcp(&m, &r), 0);
	assert_int_equal(r.state, SOCK_ST_SYN_RECV);
	tcpinfo_timer_text(&r, t, sizeof(t));
	assert_string_equal(t, "timer:(on,2.500ms,2)");
	/* no timer running */
	tcp_msg(&m, SOCK_ST_ESTABLISHED, SOCK_TIMER_OFF, 0, 0);
	assert_int_equal(parse_tcp(&m, &r), 0);
	assert_true(r.flags & SOCK_F_HAS_TIMER);
	assert_int_equal(tcpinfo_timer_text(&r, t, sizeof(t)), 0);
	assert_string_equal(t, "");
}

/* A tcp_info as the 6.1 headers have it (232 bytes). */
static struct tcp_info known_info(void)
{
	struct tcp_info i;

	memset(&i, 0, sizeof(i));
	i.tcpi_state = SOCK_ST_ESTABLISHED;
	i.tcpi_options = TCPI_OPT_TIMESTAMPS | TCPI_OPT_SACK |
			 TCPI_OPT_WSCALE | TCPI_OPT_ECN | TCPI_OPT_ECN_SEEN |
			 TCPI_OPT_SYN_DATA;
	i.tcpi_snd_wscale = 7;
	i.tcpi_rcv_wscale = 9;
	i.tcpi_rto = 204000;
	i.tcpi_ato = 40000;
	i.tcpi_snd_mss = 32768;
	i.tcpi_rcv_mss = 536;
	i.tcpi_pmtu = 65535;
	i.tcpi_advmss = 65483;
	i.tcpi_rtt = 41;
	i.tcpi_rttvar = 20;
	i.tcpi_snd_cwnd = 10;
	i.tcpi_snd_ssthresh = 20;
	i.tcpi_reordering = 3;
	i.tcpi_rcv_space = 65483;
	i.tcpi_rcv_ssthresh = 65483;
	i.tcpi_pacing_rate = 1600000000; /* bytes/s: 12.8 Gbit/s */
	i.tcpi_max_pacing_rate = ~0ULL;
	i.tcpi_bytes_acked = 1001;
	i.tcpi_bytes_sent = 1000;
	i.tcpi_segs_out = 4;
	i.tcpi_segs_in = 3;
	i.tcpi_min_rtt = 12;
	i.tcpi_delivery_rate = 125; /* 1000 bit/s */
	i.tcpi_busy_time = 4000;
	i.tcpi_sndbuf_limited = 1000;
	i.tcpi_last_data_sent = 5;
	i.tcpi_snd_wnd = 65536;
	return i;
}

static struct sock_rec info_rec(const void *info, uint16_t len)
{
	struct sock_rec r;

	memset(&r, 0, sizeof(r));
	r.netid = SOCK_NETID_TCP;
	r.family = AF_INET;
	r.state = SOCK_ST_ESTABLISHED;
	r.tcp_info = info;
	r.tcp_info_len = len;
	r.cong = "cubic";
	r.cong_len = 5;
	return r;
}

static void test_info_text(void **state)
{
	struct tcp_info i = known_info();
	struct sock_rec r = info_rec(&i, sizeof(i));
	char t[TEXT_MAX];
	(void)state;

	assert_true(tcpinfo_info_text(&r, t, sizeof(t)) > 0);
	assert_string_equal(
		t, "cubic wscale:7,9 rto:204 rtt:0.041/0.02 ato:40 mss:32768 "
		   "pmtu:65535 rcvmss:536 advmss:65483 cwnd:10 ssthresh:20 "
		   "bytes_sent:1000 bytes_acked:1001 segs_out:4 segs_in:3 "
		   "send 63.9Gbps lastsnd:5 pacing_rate 12.8Gbps "
		   "delivery_rate 1kbps busy:4ms sndbuf_limited:1ms(25.0%) "
		   "rcv_space:65483 rcv_ssthresh:65483 minrtt:0.012 "
		   "snd_wnd:65536");
	tcpinfo_info_text_flags(&r, TCPINFO_NUMERIC | TCPINFO_OPTIONS, t,
				sizeof(t));
	assert_int_equal(strncmp(t,
				 "ts sack ecn ecnseen fastopen cubic "
				 "wscale:7,9 rto:204 ",
				 54),
			 0);
	assert_non_null(strstr(t, " send 63937560976bps "));
	assert_non_null(strstr(t, " pacing_rate 12800000000bps "));
	assert_non_null(strstr(t, " delivery_rate 1000bps "));

	/* ss's rules for leaving out: the initial rto, an infinite
	 * ssthresh, reordering other than 3, no min_rtt yet, a max pacing
	 * rate, retransmits counted */
	i.tcpi_rto = 3000000;
	i.tcpi_snd_ssthresh = 0x7fffffff;
	i.tcpi_reordering = 5;
	i.tcpi_min_rtt = ~0U;
	i.tcpi_max_pacing_rate = 2000;
	i.tcpi_delivery_rate = 100; /* 800 bit/s */
	i.tcpi_total_retrans = 2;
	i.tcpi_sacked = 4;
	tcpinfo_info_text(&r, t, sizeof(t));
	assert_null(strstr(t, "rto:"));
	assert_null(strstr(t, "ssthresh:2"));
	assert_null(strstr(t, "minrtt"));
	assert_non_null(strstr(t, " pacing_rate 12.8Gbps/16kbps "));
	assert_non_null(strstr(t, " delivery_rate 800bps "));
	assert_non_null(strstr(t, " retrans:0/2 sacked:4 reordering:5 "));
	r.state = SOCK_ST_LISTEN;
	tcpinfo_info_text(&r, t, sizeof(t));
	assert_null(strstr(t, "sacked"));

	/* not TCP, or no tcp_info: nothing */
	r.netid = SOCK_NETID_UDP;
	assert_int_equal(tcpinfo_info_text(&r, t, sizeof(t)), 0);
	r = info_rec(NULL, 0);
	assert_int_equal(tcpinfo_info_text(&r, t, sizeof(t)), 0);
	assert_string_equal(t, "");
}

/* Whole fields only when out is short; cap 0 writes nothing. */
static void test_text_cap(void **state)
{
	struct tcp_info i = known_info();
	struct sock_rec r = info_rec(&i, sizeof(i));
	char t[32];
	(void)state;

	assert_int_equal(tcpinfo_info_text(&r, t, 25), 24);
	assert_string_equal(t, "cubic wscale:7,9 rto:204");
	assert_int_equal(tcpinfo_info_text(&r, t, 24), 16);
	assert_string_equal(t, "cubic wscale:7,9");
	assert_int_equal(tcpinfo_info_text(&r, t, 1), 0);
	assert_string_equal(t, "");
	t[0] = 'x';
	assert_int_equal(tcpinfo_info_text(&r, t, 0), 0);
	assert_int_equal(t[0], 'x');
	r.skmem = (const unsigned char *)"\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
					 "\0\0\0\0\0\0\0\0\0\0\0\0";
	r.skmem_len = 28;
	assert_int_equal(tcpinfo_mem_text(&r, t, sizeof(t)), 30);
	assert_string_equal(t, "skmem:(r0,rb0,t0,tb0,f0,w0,o0)");
	assert_int_equal(tcpinfo_mem_text(&r, t, 30), 0);
	assert_int_equal(tcpinfo_mem_text(&r, t, 31), 30);
	r.flags = SOCK_F_HAS_TIMER;
	r.timer = SOCK_TIMER_KEEPALIVE;
	r.expires_ms = 7199000;
	assert_int_equal(tcpinfo_timer_text(&r, t, 26), 0);
	assert_int_equal(tcpinfo_timer_text(&r, t, 27), 26);
}

static void test_timer_text(void **state)
{
	static const struct {
		uint8_t timer;
		uint8_t retrans;
		uint32_t ms;
		const char *text;
	} cases[] = {
		{ SOCK_TIMER_ON, 0, 200, "timer:(on,200ms,0)" },
		{ SOCK_TIMER_ON, 3, 0, "timer:(on,,3)" },
		{ SOCK_TIMER_ON, 0, 65, "timer:(on,065ms,0)" },
		{ SOCK_TIMER_PROBE, 2, 1500, "timer:(persist,1.500ms,2)" },
		{ SOCK_TIMER_TIMEWAIT, 0, 10500, "timer:(timewait,10sec,0)" },
		{ SOCK_TIMER_TIMEWAIT, 0, 9000, "timer:(timewait,9sec,0)" },
		{ SOCK_TIMER_KEEPALIVE, 0, 61500,
		  "timer:(keepalive,1min1sec,0)" },
		{ SOCK_TIMER_KEEPALIVE, 1, 60000, "timer:(keepalive,1min,1)" },
		{ SOCK_TIMER_KEEPALIVE, 0, 600000, "timer:(keepalive,10min,0)" },
		{ SOCK_TIMER_KEEPALIVE, 9, 7199999,
		  "timer:(keepalive,119min,9)" },
		{ SOCK_TIMER_KEEPALIVE, 255, UINT32_MAX,
		  "timer:(keepalive,71582min,255)" },
		{ 9, 0, 1000, "timer:(unknown,1sec,0)" },
	};
	struct sock_rec r;
	char t[TEXT_MAX];
	(void)state;

	memset(&r, 0, sizeof(r));
	r.netid = SOCK_NETID_TCP;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		r.flags = SOCK_F_HAS_TIMER;
		r.timer = cases[k].timer;
		r.retrans = cases[k].retrans;
		r.expires_ms = cases[k].ms;
		assert_int_equal(tcpinfo_timer_text(&r, t, sizeof(t)),
				 strlen(cases[k].text));
		assert_string_equal(t, cases[k].text);
	}
	/* not known: nothing, in text and in JSON */
	r.flags = 0;
	assert_int_equal(tcpinfo_timer_text(&r, t, sizeof(t)), 0);
	{
		char *j = json_of(tcpinfo_json_timer, &r);
		assert_string_equal(j, "null");
		free(j);
	}
	r.flags = SOCK_F_HAS_TIMER;
	r.timer = SOCK_TIMER_OFF;
	{
		char *j = json_of(tcpinfo_json_timer, &r);
		assert_string_equal(j, "null");
		free(j);
	}
	r.timer = SOCK_TIMER_PROBE;
	r.expires_ms = 1500;
	r.retrans = 2;
	{
		char *j = json_of(tcpinfo_json_timer, &r);
		assert_string_equal(j, "{\"name\":\"persist\",\"expires_ms\":"
				       "1500,\"retrans\":2}");
		free(j);
	}
}

/* An older kernel's shorter tcp_info: only what it covers is shown. */
static void test_short_info(void **state)
{
	struct tcp_info i = known_info();
	struct msgbuf m;
	struct sock_rec r;
	char t[TEXT_MAX], *j;
	(void)state;

	i.tcpi_total_retrans = 1;
	/* 104 bytes, the first kernels' (up to tcpi_total_retrans) */
	tcp_msg(&m, SOCK_ST_ESTABLISHED, 0, 0, 0);
	add_attr(&m, INET_DIAG_INFO, &i, 104);
	assert_int_equal(parse_tcp(&m, &r), 0);
	assert_int_equal(r.tcp_info_len, 104);
	tcpinfo_info_text(&r, t, sizeof(t));
	assert_string_equal(t, "wscale:7,9 rto:204 rtt:0.041/0.02 ato:40 "
			       "mss:32768 pmtu:65535 rcvmss:536 advmss:65483 "
			       "cwnd:10 ssthresh:20 send 63.9Gbps lastsnd:5 "
			       "retrans:0/1 rcv_space:65483 "
			       "rcv_ssthresh:65483");
	j = json_of(tcpinfo_json_info, &r);
	assert_non_null(strstr(j, "{\"congestion\":null,\"state\":1,"));
	assert_non_null(strstr(j, "\"total_retrans\":1,"
				  "\"pacing_rate_bps\":null,"));
	assert_non_null(strstr(j, "\"received_ce_bytes\":null,"
				  "\"send_bps\":63937560975}"));
	assert_int_equal(json_valid(j) != 0, 1);
	free(j);

	/* less than any kernel's: the message is malformed */
	tcp_msg(&m, SOCK_ST_ESTABLISHED, 0, 0, 0);
	add_attr(&m, INET_DIAG_INFO, &i, 103);
	assert_int_equal(parse_tcp(&m, &r), -1);
	tcp_msg(&m, SOCK_ST_ESTABLISHED, 0, 0, 0);
	add_attr(&m, INET_DIAG_INFO, &i, 0);
	assert_int_equal(parse_tcp(&m, &r), -1);

	/* the formatter alone, on a length no parse lets through */
	r = info_rec(&i, 7);
	assert_int_equal(tcpinfo_info_text(&r, t, sizeof(t)), 0);
	r = info_rec(&i, 12);
	tcpinfo_info_text(&r, t, sizeof(t));
	assert_string_equal(t, "cubic wscale:7,9 rto:204");
}

static void test_cong_attr(void **state)
{
	struct msgbuf m;
	struct sock_rec r;
	char t[TEXT_MAX], name[300];
	struct tcp_info i = known_info();
	(void)state;

	tcp_msg(&m, SOCK_ST_ESTABLISHED, 0, 0, 0);
	add_attr(&m, INET_DIAG_INFO, &i, sizeof(i));
	add_attr(&m, INET_DIAG_CONG, "cubic", 6);
	assert_int_equal(parse_tcp(&m, &r), 0);
	assert_int_equal(r.cong_len, 5);
	assert_memory_equal(r.cong, "cubic", 5);
	/* not terminated */
	tcp_msg(&m, SOCK_ST_ESTABLISHED, 0, 0, 0);
	add_attr(&m, INET_DIAG_CONG, "cubic", 5);
	assert_int_equal(parse_tcp(&m, &r), -1);
	tcp_msg(&m, SOCK_ST_ESTABLISHED, 0, 0, 0);
	add_attr(&m, INET_DIAG_CONG, "", 0);
	assert_int_equal(parse_tcp(&m, &r), -1);
	/* empty: no name */
	tcp_msg(&m, SOCK_ST_ESTABLISHED, 0, 0, 0);
	add_attr(&m, INET_DIAG_CONG, "", 1);
	assert_int_equal(parse_tcp(&m, &r), 0);
	assert_null(r.cong);
	assert_int_equal(r.cong_len, 0);
	/* NUL inside: the name ends there */
	tcp_msg(&m, SOCK_ST_ESTABLISHED, 0, 0, 0);
	add_attr(&m, INET_DIAG_CONG, "bbr\0xx", 7);
	assert_int_equal(parse_tcp(&m, &r), 0);
	assert_int_equal(r.cong_len, 3);
	/* longer than a record keeps */
	memset(name, 'a', sizeof(name));
	name[sizeof(name) - 1] = '\0';
	tcp_msg(&m, SOCK_ST_ESTABLISHED, 0, 0, 0);
	add_attr(&m, INET_DIAG_CONG, name, sizeof(name));
	assert_int_equal(parse_tcp(&m, &r), -1);
	name[255] = '\0';
	tcp_msg(&m, SOCK_ST_ESTABLISHED, 0, 0, 0);
	add_attr(&m, INET_DIAG_CONG, name, 256);
	assert_int_equal(parse_tcp(&m, &r), 0);
	assert_int_equal(r.cong_len, 255);

	/* a name is text: escaped in the line, kept in JSON */
	r = info_rec(&i, sizeof(i));
	r.cong = "cu bic\x1b";
	r.cong_len = 7;
	tcpinfo_info_text(&r, t, sizeof(t));
	assert_int_equal(strncmp(t, "cu\\x20bic\\e wscale:7,9 ", 23), 0);
	{
		char *j = json_of(tcpinfo_json_info, &r);
		assert_non_null(strstr(j, "{\"congestion\":\"cu bic\\u001b\","));
		free(j);
	}
}

static void test_skmem_attr(void **state)
{
	uint32_t mem[100];
	struct msgbuf m;
	struct sock_rec r;
	struct unix_diag_msg u;
	char t[TEXT_MAX], *j;
	(void)state;

	for (unsigned k = 0; k < 100; k++)
		mem[k] = k * 10;
	/* 9 entries, as 6.x has */
	tcp_msg(&m, SOCK_ST_ESTABLISHED, 0, 0, 0);
	add_attr(&m, INET_DIAG_SKMEMINFO, mem, 36);
	assert_int_equal(parse_tcp(&m, &r), 0);
	tcpinfo_mem_text(&r, t, sizeof(t));
	assert_string_equal(t, "skmem:(r0,rb10,t20,tb30,f40,w50,o60,bl70,d80)");
	/* 7: an old kernel's, without backlog and drops */
	tcp_msg(&m, SOCK_ST_ESTABLISHED, 0, 0, 0);
	add_attr(&m, INET_DIAG_SKMEMINFO, mem, 28);
	assert_int_equal(parse_tcp(&m, &r), 0);
	tcpinfo_mem_text(&r, t, sizeof(t));
	assert_string_equal(t, "skmem:(r0,rb10,t20,tb30,f40,w50,o60)");
	j = json_of(tcpinfo_json_mem, &r);
	assert_string_equal(j, "{\"rmem_alloc\":0,\"rcvbuf\":10,"
			       "\"wmem_alloc\":20,\"sndbuf\":30,"
			       "\"fwd_alloc\":40,\"wmem_queued\":50,"
			       "\"optmem\":60,\"backlog\":null,\"drops\":null}");
	free(j);
	/* a later kernel's longer array: what is known is shown */
	tcp_msg(&m, SOCK_ST_ESTABLISHED, 0, 0, 0);
	add_attr(&m, INET_DIAG_SKMEMINFO, mem, 400);
	assert_int_equal(parse_tcp(&m, &r), 0);
	assert_int_equal(r.skmem_len, 252);
	tcpinfo_mem_text(&r, t, sizeof(t));
	assert_string_equal(t, "skmem:(r0,rb10,t20,tb30,f40,w50,o60,bl70,d80)");
	/* odd lengths and too short: malformed */
	tcp_msg(&m, SOCK_ST_ESTABLISHED, 0, 0, 0);
	add_attr(&m, INET_DIAG_SKMEMINFO, mem, 30);
	assert_int_equal(parse_tcp(&m, &r), -1);
	tcp_msg(&m, SOCK_ST_ESTABLISHED, 0, 0, 0);
	add_attr(&m, INET_DIAG_SKMEMINFO, mem, 24);
	assert_int_equal(parse_tcp(&m, &r), -1);
	/* nothing known */
	memset(&r, 0, sizeof(r));
	assert_int_equal(tcpinfo_mem_text(&r, t, sizeof(t)), 0);
	j = json_of(tcpinfo_json_mem, &r);
	assert_string_equal(j, "null");
	free(j);

	/* Unix: UNIX_DIAG_MEMINFO, the same array */
	memset(&u, 0, sizeof(u));
	u.udiag_family = AF_UNIX;
	u.udiag_type = SOCK_STREAM;
	u.udiag_state = SOCK_ST_ESTABLISHED;
	u.udiag_ino = 99;
	put_msg(&m, &u, sizeof(u));
	add_attr(&m, UNIX_DIAG_MEMINFO, mem, 36);
	assert_int_equal(unix_diag_parse((struct nlmsghdr *)m.b, &r), 0);
	tcpinfo_mem_text(&r, t, sizeof(t));
	assert_string_equal(t, "skmem:(r0,rb10,t20,tb30,f40,w50,o60,bl70,d80)");
	assert_int_equal(tcpinfo_info_text(&r, t, sizeof(t)), 0);
	put_msg(&m, &u, sizeof(u));
	add_attr(&m, UNIX_DIAG_MEMINFO, mem, 37);
	assert_int_equal(unix_diag_parse((struct nlmsghdr *)m.b, &r), -1);
	put_msg(&m, &u, sizeof(u));
	add_attr(&m, UNIX_DIAG_MEMINFO, mem, 20);
	assert_int_equal(unix_diag_parse((struct nlmsghdr *)m.b, &r), -1);
}

/* main() takes LC_ALL from the environment; a decimal comma must not
 * reach the text. Skipped where no such locale is installed. */
static void test_decimal_point(void **state)
{
	static const char *const locales[] = { "de_DE.UTF-8", "de_DE.utf8",
					       "fr_FR.UTF-8", "fr_FR.utf8",
					       "ru_RU.UTF-8", "nl_NL.UTF-8" };
	struct tcp_info i = known_info();
	struct sock_rec r = info_rec(&i, sizeof(i));
	char t[TEXT_MAX];
	const char *set = NULL;
	(void)state;

	for (size_t k = 0; k < sizeof(locales) / sizeof(locales[0]); k++) {
		set = setlocale(LC_NUMERIC, locales[k]);
		if (set != NULL)
			break;
	}
	if (set == NULL)
		skip();
	i.tcpi_busy_time = 3000;
	tcpinfo_info_text(&r, t, sizeof(t));
	setlocale(LC_NUMERIC, "C");
	assert_non_null(strstr(t, " rtt:0.041/0.02 "));
	assert_non_null(strstr(t, " send 63.9Gbps "));
	assert_non_null(strstr(t, " sndbuf_limited:1ms(33.3%) "));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recorded_tcp),
		cmocka_unit_test(test_recorded_unix),
		cmocka_unit_test(test_recorded_json),
		cmocka_unit_test(test_msg_timer),
		cmocka_unit_test(test_info_text),
		cmocka_unit_test(test_text_cap),
		cmocka_unit_test(test_timer_text),
		cmocka_unit_test(test_short_info),
		cmocka_unit_test(test_cong_attr),
		cmocka_unit_test(test_skmem_attr),
		cmocka_unit_test(test_decimal_point),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
