/* summary.c - -s: the counters of /proc/net/sockstat, sockstat6 and snmp
 * laid out as iproute2 6.1's ss -s lays them out, and the dumped sockets
 * counted by state. */
#include "config.h"

#include "output/summary.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/sock.h"
#include "util/json.h"
#include "util/readfile.h"

/* /proc/net's counter files are a few hundred bytes; snmp grows with the
 * kernel's MIBs but stays far below this. */
#define SUMMARY_FILE_MAX (256 * 1024)

/* A decimal number, optionally negative, that fills [p, end). */
static int summary_num(const char *p, const char *end, int64_t *out)
{
	int neg = p < end && *p == '-';
	uint64_t v = 0;

	if (neg)
		p++;
	if (p == end)
		return -1;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9' || v > (uint64_t)(INT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*out = neg ? -(int64_t)v : (int64_t)v;
	return 0;
}

/* The next space-separated word of [*p, end), or 0 if none is left. */
static size_t summary_word(const char **p, const char *end,
			   const char **word)
{
	const char *s = *p;

	while (s < end && *s == ' ')
		s++;
	*word = s;
	while (s < end && *s != ' ')
		s++;
	*p = s;
	return (size_t)(s - *word);
}

/* The line of text that starts with the word id ("TCP:"), from `from`
 * on: its first byte after id, with *end at its newline. NULL if none. */
static const char *summary_line(const char *from, const char *id,
				const char **end)
{
	size_t n = strlen(id);
	const char *line = from;

	while (*line != '\0') {
		const char *eol = strchr(line, '\n');

		if (eol == NULL)
			eol = line + strlen(line);
		if ((size_t)(eol - line) > n && memcmp(line, id, n) == 0 &&
		    line[n] == ' ') {
			*end = eol;
			return line + n;
		}
		line = *eol != '\0' ? eol + 1 : eol;
	}
	return NULL;
}

/* sockstat's form: "TCP: inuse 1 orphan 0 tw 0 alloc 1 mem 2". */
static int summary_pair(const char *text, const char *path, const char *id,
			const char *key, int64_t *out, struct sc_err *err)
{
	const char *end, *p = summary_line(text, id, &end);
	const char *name, *num;
	size_t n;

	while (p != NULL && (n = summary_word(&p, end, &name)) != 0) {
		size_t nn = summary_word(&p, end, &num);

		if (n == strlen(key) && memcmp(name, key, n) == 0) {
			if (nn != 0 && summary_num(num, num + nn, out) == 0)
				return 0;
			break;
		}
	}
	return sc_err_set(err, EINVAL,
			  "unexpected contents in %s: no number for '%s %s'",
			  path, id, key);
}

/* snmp's form: a line of names, then a line of values, both "Tcp: ". */
static int summary_snmp(const char *text, const char *path, const char *id,
			const char *key, int64_t *out, struct sc_err *err)
{
	const char *nend, *vend;
	const char *names = summary_line(text, id, &nend);
	const char *vals = names != NULL ? summary_line(nend, id, &vend) : NULL;
	const char *name, *num;
	size_t n;

	while (vals != NULL && (n = summary_word(&names, nend, &name)) != 0) {
		size_t nn = summary_word(&vals, vend, &num);

		if (nn == 0)
			break;
		if (n == strlen(key) && memcmp(name, key, n) == 0 &&
		    summary_num(num, num + nn, out) == 0)
			return 0;
	}
	return sc_err_set(err, EINVAL,
			  "unexpected contents in %s: no number for '%s %s'",
			  path, id, key);
}

static int summary_load(const char *proc_root, const char *name, char *path,
			size_t cap, char **text, struct sc_err *err)
{
	size_t len;
	int n = snprintf(path, cap, "%s/net/%s", proc_root, name);

	if (n < 0 || (size_t)n >= cap)
		return sc_err_set(err, ENAMETOOLONG,
				  "cannot read %s/net/%s: %s", proc_root, name,
				  strerror(ENAMETOOLONG));
	return sc_read_file(path, SUMMARY_FILE_MAX, text, &len, err);
}

int summary_read(const char *proc_root, struct summary *s,
		 struct sc_err *err)
{
	char path[4096];
	char *t = NULL;
	struct sc_err e6;
	int ret;

	memset(s, 0, sizeof(*s));
	if (summary_load(proc_root, "sockstat", path, sizeof(path), &t, err))
		return -1;
	ret = summary_pair(t, path, "sockets:", "used", &s->sockets, err) ||
	      summary_pair(t, path, "TCP:", "inuse", &s->tcp4, err) ||
	      summary_pair(t, path, "TCP:", "orphan", &s->tcp_orphan, err) ||
	      summary_pair(t, path, "TCP:", "tw", &s->tcp_tw, err) ||
	      summary_pair(t, path, "TCP:", "alloc", &s->tcp_alloc, err) ||
	      summary_pair(t, path, "UDP:", "inuse", &s->udp4, err) ||
	      summary_pair(t, path, "RAW:", "inuse", &s->raw4, err) ||
	      summary_pair(t, path, "FRAG:", "inuse", &s->frag4, err);
	free(t);
	t = NULL;
	if (ret)
		return -1;

	/* without IPv6 the kernel has no sockstat6; ss shows zeros then */
	if (summary_load(proc_root, "sockstat6", path, sizeof(path), &t,
			 &e6) == 0) {
		ret = summary_pair(t, path, "TCP6:", "inuse", &s->tcp6, err) ||
		      summary_pair(t, path, "UDP6:", "inuse", &s->udp6, err) ||
		      summary_pair(t, path, "RAW6:", "inuse", &s->raw6, err) ||
		      summary_pair(t, path, "FRAG6:", "inuse", &s->frag6, err);
		free(t);
		t = NULL;
		if (ret)
			return -1;
	} else if (e6.code != ENOENT) {
		if (err != NULL)
			*err = e6;
		return -1;
	}

	if (summary_load(proc_root, "snmp", path, sizeof(path), &t, err))
		return -1;
	ret = summary_snmp(t, path, "Tcp:", "CurrEstab", &s->tcp_estab, err);
	free(t);
	return ret;
}

/* ---- output --------------------------------------------------------- */

enum summary_proto { SUMMARY_TCP, SUMMARY_UDP, SUMMARY_UNIX, SUMMARY_NPROTO };

static const char *const summary_proto_text[SUMMARY_NPROTO] = {
	[SUMMARY_TCP] = "TCP", [SUMMARY_UDP] = "UDP", [SUMMARY_UNIX] = "Unix"
};
static const char *const summary_proto_key[SUMMARY_NPROTO] = {
	[SUMMARY_TCP] = "tcp", [SUMMARY_UDP] = "udp", [SUMMARY_UNIX] = "unix"
};

/* JSON names of the states; state 0 (unknown) is listed only if seen. */
static const char *const summary_state_key[SOCK_ST_COUNT] = {
	[SOCK_ST_UNKNOWN] = "unknown",
	[SOCK_ST_ESTABLISHED] = "estab",
	[SOCK_ST_SYN_SENT] = "syn_sent",
	[SOCK_ST_SYN_RECV] = "syn_recv",
	[SOCK_ST_FIN_WAIT1] = "fin_wait_1",
	[SOCK_ST_FIN_WAIT2] = "fin_wait_2",
	[SOCK_ST_TIME_WAIT] = "time_wait",
	[SOCK_ST_CLOSE] = "unconn",
	[SOCK_ST_CLOSE_WAIT] = "close_wait",
	[SOCK_ST_LAST_ACK] = "last_ack",
	[SOCK_ST_LISTEN] = "listen",
	[SOCK_ST_CLOSING] = "closing",
};

struct summary_states {
	uint64_t n[SUMMARY_NPROTO][SOCK_ST_COUNT];
	uint64_t total[SUMMARY_NPROTO];
};

static void summary_count(const struct rows_view *v, struct summary_states *c)
{
	struct sock_rec r;

	memset(c, 0, sizeof(*c));
	for (size_t k = 0; k < v->n; k++) {
		enum summary_proto p;
		unsigned st;

		rows_view_get(v, k, &r);
		if (r.netid == SOCK_NETID_TCP)
			p = SUMMARY_TCP;
		else if (r.netid == SOCK_NETID_UDP)
			p = SUMMARY_UDP;
		else
			p = SUMMARY_UNIX;
		st = r.state < SOCK_ST_COUNT ? r.state : SOCK_ST_UNKNOWN;
		c->n[p][st]++;
		c->total[p]++;
	}
}

/* Unix is left out when the dump did not ask for it (ss -s has none). */
static int summary_shown(const struct summary_states *c, enum summary_proto p)
{
	return p != SUMMARY_UNIX || c->total[p] != 0;
}

static void summary_states_text(const struct summary_states *c,
				struct obuf *out)
{
	for (int p = 0; p < SUMMARY_NPROTO; p++) {
		int first = 1;

		if (!summary_shown(c, (enum summary_proto)p))
			continue;
		obuf_puts(out, summary_proto_text[p]);
		obuf_puts(out, " states:");
		/* in the kernel's order, the unknown state last */
		for (unsigned i = 1; i <= SOCK_ST_COUNT; i++) {
			unsigned st = i % SOCK_ST_COUNT;

			if (c->n[p][st] == 0)
				continue;
			obuf_puts(out, first ? " " : ", ");
			obuf_puts(out, sock_state_name((enum sock_state)st));
			obuf_putc(out, ' ');
			obuf_u64(out, c->n[p][st]);
			first = 0;
		}
		if (first)
			obuf_puts(out, " none");
		obuf_putc(out, '\n');
	}
	obuf_putc(out, '\n');
}

/* ss's arithmetic, kept so that the numbers agree with ss's. alloc (and
 * orphan) count the whole host's sockets, inuse and tw the namespace's:
 * in a container "closed" takes in the host's other sockets too. */
static int64_t summary_closed(const struct summary *s)
{
	return s->tcp_alloc - (s->tcp4 + s->tcp6 - s->tcp_tw);
}

static void summary_text(const struct summary *s, struct obuf *out)
{
	const struct {
		const char *name;
		int64_t v4, v6;
	} rows[] = {
		{ "RAW", s->raw4, s->raw6 },
		{ "UDP", s->udp4, s->udp6 },
		{ "TCP", s->tcp4, s->tcp6 },
		{ "INET", s->raw4 + s->udp4 + s->tcp4,
		  s->raw6 + s->udp6 + s->tcp6 },
		{ "FRAG", s->frag4, s->frag6 },
	};
	char line[256];
	int n;

	n = snprintf(line, sizeof(line),
		     "Total: %" PRId64 "\n"
		     "TCP:   %" PRId64 " (estab %" PRId64 ", closed %" PRId64
		     ", orphaned %" PRId64 ", timewait %" PRId64 ")\n\n"
		     "Transport Total     IP        IPv6\n",
		     s->sockets, s->tcp_alloc + s->tcp_tw, s->tcp_estab,
		     summary_closed(s),
		     s->tcp_orphan, s->tcp_tw);
	obuf_put(out, line, (size_t)n);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		n = snprintf(line, sizeof(line),
			     "%s\t  %-9" PRId64 " %-9" PRId64 " %-9" PRId64
			     "\n",
			     rows[i].name, rows[i].v4 + rows[i].v6, rows[i].v4,
			     rows[i].v6);
		obuf_put(out, line, (size_t)n);
	}
	obuf_putc(out, '\n');
}

static void summary_json_row(struct json *j, const char *key, int64_t v4,
			     int64_t v6)
{
	json_key(j, key);
	json_obj_begin(j);
	json_key(j, "total");
	json_i64(j, v4 + v6);
	json_key(j, "ipv4");
	json_i64(j, v4);
	json_key(j, "ipv6");
	json_i64(j, v6);
	json_obj_end(j);
}

static void summary_json_num(struct json *j, const char *key, int64_t v)
{
	json_key(j, key);
	json_i64(j, v);
}

static void summary_json(const struct summary *s,
			 const struct summary_states *c, struct obuf *out)
{
	struct json j;

	json_init(&j, out);
	json_obj_begin(&j);
	json_ku64(&j, "schema_version", SUMMARY_SCHEMA_VERSION);
	summary_json_num(&j, "total", s->sockets);
	json_key(&j, "tcp");
	json_obj_begin(&j);
	summary_json_num(&j, "total", s->tcp_alloc + s->tcp_tw);
	summary_json_num(&j, "estab", s->tcp_estab);
	summary_json_num(&j, "closed", summary_closed(s));
	summary_json_num(&j, "orphaned", s->tcp_orphan);
	summary_json_num(&j, "timewait", s->tcp_tw);
	json_obj_end(&j);
	json_key(&j, "transport");
	json_obj_begin(&j);
	summary_json_row(&j, "raw", s->raw4, s->raw6);
	summary_json_row(&j, "udp", s->udp4, s->udp6);
	summary_json_row(&j, "tcp", s->tcp4, s->tcp6);
	summary_json_row(&j, "inet", s->raw4 + s->udp4 + s->tcp4,
			 s->raw6 + s->udp6 + s->tcp6);
	summary_json_row(&j, "frag", s->frag4, s->frag6);
	json_obj_end(&j);
	if (c != NULL) {
		json_key(&j, "states");
		json_obj_begin(&j);
		for (int p = 0; p < SUMMARY_NPROTO; p++) {
			if (!summary_shown(c, (enum summary_proto)p))
				continue;
			json_key(&j, summary_proto_key[p]);
			json_obj_begin(&j);
			for (unsigned i = 1; i <= SOCK_ST_COUNT; i++) {
				unsigned st = i % SOCK_ST_COUNT;

				if (st == SOCK_ST_UNKNOWN && c->n[p][st] == 0)
					continue;
				json_ku64(&j, summary_state_key[st],
					  c->n[p][st]);
			}
			json_obj_end(&j);
		}
		json_obj_end(&j);
	}
	json_obj_end(&j);
	obuf_putc(out, '\n');
}

void summary_print(const struct summary *s, const struct rows_view *v,
		   int json, struct obuf *out)
{
	struct summary_states c;

	if (v != NULL)
		summary_count(v, &c);
	if (json) {
		summary_json(s, v != NULL ? &c : NULL, out);
		return;
	}
	summary_text(s, out);
	if (v != NULL)
		summary_states_text(&c, out);
}

int summary_write(const char *proc_root, const struct rows_view *v, int json,
		  struct obuf *out, struct sc_err *err)
{
	struct summary s;

	if (summary_read(proc_root, &s, err) < 0)
		return -1;
	summary_print(&s, v, json, out);
	return 0;
}
