/* cmd_bench.c - sockscope bench: its options, and the report of what
 * serve/bench measured (conditions, then a row per transport and size) as
 * a table or one JSON document. */
#include "config.h"

#include "cmd.h"

#include "cli.h"
#include "serve/bench.h"
#include "util/escape.h"
#include "util/json.h"
#include "util/obuf.h"
#include "util/parse.h"
#include "util/xalloc.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BENCH_DEFAULT_DURATION_NS 1000000000ull
#define BENCH_DEFAULT_WARMUP 1000
#define BENCH_DURATION_MAX_NS (3600ull * 1000000000)
#define BENCH_COUNT_MAX 1000000000000ull
#define BENCH_WARMUP_MAX 1000000000ull

static const enum bench_transport cmd_bench_default_transports[] = {
	BENCH_UNIX, BENCH_TCP4, BENCH_TCP6, BENCH_UDP4, BENCH_UNIX_DGRAM,
};

enum cmd_bench_opt {
	CMD_BENCH_TRANSPORTS = 256,
	CMD_BENCH_SIZE,
	CMD_BENCH_COUNT,
	CMD_BENCH_DURATION,
	CMD_BENCH_WARMUP,
	CMD_BENCH_BULK,
	CMD_BENCH_PIN,
	CMD_BENCH_JSON,
};

static const struct option cmd_bench_long_opts[] = {
	{ "transports", required_argument, NULL, CMD_BENCH_TRANSPORTS },
	{ "size", required_argument, NULL, CMD_BENCH_SIZE },
	{ "count", required_argument, NULL, CMD_BENCH_COUNT },
	{ "duration", required_argument, NULL, CMD_BENCH_DURATION },
	{ "warmup", required_argument, NULL, CMD_BENCH_WARMUP },
	{ "bulk", no_argument, NULL, CMD_BENCH_BULK },
	{ "pin", required_argument, NULL, CMD_BENCH_PIN },
	{ "json", no_argument, NULL, CMD_BENCH_JSON },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const char cmd_bench_usage[] =
"Usage: sockscope bench [OPTION]...\n"
"Round trips between this process and a forked echo process over Unix\n"
"sockets and loopback TCP and UDP: round trips per second, latency\n"
"(p50, p90, p99, max), throughput, and each transport's ratio to Unix\n"
"stream sockets, with the conditions they were measured under.\n"
"\n"
"  --transports=LIST  unix, unix-dgram, unix-seqpacket, tcp4, tcp6, udp4,\n"
"                     udp6, or all (default unix,tcp4,tcp6,udp4,unix-dgram)\n"
"  --size=LIST        message sizes in bytes, with K, M (KiB, MiB) if you\n"
"                     like, e.g. 4,1K,64K (default 4: \"ping\"); at most 16M\n"
"  --count=N          timed round trips (messages with --bulk) per transport\n"
"                     and size\n"
"  --duration=DUR     time per transport and size, e.g. 500ms, 2s (default 1s;\n"
"                     with --count, whichever ends first; --count alone: no\n"
"                     time limit)\n"
"  --warmup=N         untimed round trips before each (default 1000)\n"
"  --bulk             throughput: stream messages one way instead of ping-pong\n"
"  --pin=CPU,CPU      run the measuring end on the first CPU and the echo end\n"
"                     on the second\n"
"  --json             one JSON document instead of the table\n"
"  -h, --help         show this help and exit\n"
"\n"
"Both ends block in send and recv; the measuring end reads CLOCK_MONOTONIC\n"
"once per round trip, and a round trip's latency is the time between two\n"
"reads. TCP runs with TCP_NODELAY; Unix sockets use kernel-chosen abstract\n"
"names; UDP and Unix datagram sockets are connected. Latency percentiles\n"
"come from a histogram: exact below 256 ns, within 0.4% above; min, max and\n"
"mean are exact. Throughput is payload bytes one way. Ratio: the p50\n"
"latency over Unix stream's p50 at the same size (with --bulk: Unix\n"
"stream's throughput over this one's), so 2.00x takes twice as long.\n"
"Unix stream runs first at each size. A size a transport cannot carry\n"
"(UDP above 65507 bytes over IPv4) is skipped and the reason printed.\n"
"--bulk sends for the count or duration, then waits until the echo end\n"
"says how much it received; over UDP that may be less than was sent (the\n"
"kernel drops what the receiver cannot queue): throughput counts what\n"
"arrived, and 'delivered' is the share of what was sent that did.\n";

struct cmd_bench_ctx {
	struct bench_opts o;
	int json;
	struct bench_conditions cond;
	struct bench_result *res; /* nsizes x ntransports, in run order */
	size_t nres;
	struct obuf out;
};

/* ---- options -------------------------------------------------------------- */

/* An argument as the user typed it, safe for an error line. */
static void cmd_bench_esc(char *out, const char *s)
{
	size_t n = strnlen(s, 64);

	esc_text(out, s, n, 0, NULL);
	if (s[n] != '\0')
		strcat(out, "...");
}

static void cmd_bench_add_transport(struct bench_opts *o,
				    enum bench_transport t)
{
	for (unsigned i = 0; i < o->ntransports; i++)
		if (o->transports[i] == t)
			return; /* named twice: measured once */
	o->transports[o->ntransports++] = t;
}

/* A comma-separated list; each item is NUL-terminated in turn in a copy. */
static int cmd_bench_transports(struct bench_opts *o, const char *arg)
{
	char *copy = xstrdup(arg), *p = copy;
	char esc[ESC_MAX(64) + 3];

	o->ntransports = 0;
	for (;;) {
		char *comma = strchr(p, ',');
		int t;

		if (comma != NULL)
			*comma = '\0';
		if (strcmp(p, "all") == 0) {
			for (t = 0; t < BENCH_TRANSPORTS; t++)
				cmd_bench_add_transport(o,
							(enum bench_transport)t);
		} else {
			t = bench_transport_find(p, strlen(p));
			if (t < 0) {
				cmd_bench_esc(esc, p);
				free(copy);
				return cmd_usage_error(
					&cmd_bench_entry,
					"invalid --transports '%s' (expected "
					"unix, unix-dgram, unix-seqpacket, "
					"tcp4, tcp6, udp4, udp6 or all)",
					esc);
			}
			cmd_bench_add_transport(o, (enum bench_transport)t);
		}
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	free(copy);
	return 0;
}

static int cmd_bench_sizes(struct bench_opts *o, const char *arg)
{
	char *copy = xstrdup(arg), *p = copy;
	struct sc_err err;

	o->nsizes = 0;
	for (;;) {
		char *comma = strchr(p, ',');
		uint64_t v;
		unsigned i;

		if (comma != NULL)
			*comma = '\0';
		if (parse_size(p, 1, BENCH_SIZE_MAX, "--size", &v, &err) < 0) {
			free(copy);
			return cmd_usage_error(&cmd_bench_entry, "%s", err.msg);
		}
		for (i = 0; i < o->nsizes; i++)
			if (o->sizes[i] == v)
				break;
		if (i == o->nsizes) {
			if (o->nsizes == BENCH_SIZES_MAX) {
				free(copy);
				return cmd_usage_error(&cmd_bench_entry,
						       "--size: at most %d "
						       "sizes",
						       BENCH_SIZES_MAX);
			}
			o->sizes[o->nsizes++] = v;
		}
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	free(copy);
	return 0;
}

static int cmd_bench_pin(struct bench_opts *o, const char *arg)
{
	char esc[ESC_MAX(64) + 3];
	const char *comma = strchr(arg, ',');
	char first[32];
	uint64_t cpu[2];
	struct sc_err err;

	cmd_bench_esc(esc, arg);
	if (comma != NULL && (size_t)(comma - arg) < sizeof first) {
		memcpy(first, arg, (size_t)(comma - arg));
		first[comma - arg] = '\0';
	}
	if (comma == NULL || (size_t)(comma - arg) >= sizeof first ||
	    parse_u64(first, 0, 1u << 20, "--pin", &cpu[0], &err) < 0 ||
	    parse_u64(comma + 1, 0, 1u << 20, "--pin", &cpu[1], &err) < 0)
		return cmd_usage_error(&cmd_bench_entry,
				       "invalid --pin '%s' (expected two CPU "
				       "numbers, the measuring end's and the "
				       "echo end's, e.g. 0,1)",
				       esc);
	for (int i = 0; i < 2; i++) {
		if (bench_cpu_check((unsigned)cpu[i], &err) < 0)
			return cmd_usage_error(&cmd_bench_entry,
					       "invalid --pin '%s': %s", esc,
					       err.msg);
		o->pin_cpu[i] = (unsigned)cpu[i];
	}
	o->pin = 1;
	return 0;
}

/* SC_EXIT_OK to go on, or the status to return (help, usage error). */
static int cmd_bench_parse(int argc, char **argv, struct cmd_bench_ctx *c,
			   int *help)
{
	struct bench_opts *o = &c->o;
	struct sc_err err;
	int have_duration = 0, rc;

	o->warmup = BENCH_DEFAULT_WARMUP;
	optind = 0;
	opterr = 0;
	for (;;) {
		int prev = optind > 0 ? optind : 1;
		int opt = getopt_long(argc, argv, ":h", cmd_bench_long_opts,
				      NULL);

		if (opt == -1)
			break;
		rc = SC_EXIT_OK;
		switch (opt) {
		case CMD_BENCH_TRANSPORTS:
			rc = cmd_bench_transports(o, optarg);
			break;
		case CMD_BENCH_SIZE:
			rc = cmd_bench_sizes(o, optarg);
			break;
		case CMD_BENCH_COUNT:
			if (parse_u64(optarg, 1, BENCH_COUNT_MAX, "--count",
				      &o->count, &err) < 0)
				rc = cmd_usage_error(&cmd_bench_entry, "%s",
						     err.msg);
			break;
		case CMD_BENCH_DURATION:
			if (parse_duration_ns(optarg, 1000000000,
					      BENCH_DURATION_MAX_NS,
					      "--duration", &o->duration_ns,
					      &err) < 0) {
				rc = cmd_usage_error(&cmd_bench_entry, "%s",
						     err.msg);
			} else if (o->duration_ns == 0) {
				char esc[ESC_MAX(64) + 3];

				cmd_bench_esc(esc, optarg);
				rc = cmd_usage_error(&cmd_bench_entry,
						     "invalid --duration '%s' "
						     "(must be more than 0)",
						     esc);
			}
			have_duration = 1;
			break;
		case CMD_BENCH_WARMUP:
			if (parse_u64(optarg, 0, BENCH_WARMUP_MAX, "--warmup",
				      &o->warmup, &err) < 0)
				rc = cmd_usage_error(&cmd_bench_entry, "%s",
						     err.msg);
			break;
		case CMD_BENCH_BULK:
			o->bulk = 1;
			break;
		case CMD_BENCH_PIN:
			rc = cmd_bench_pin(o, optarg);
			break;
		case CMD_BENCH_JSON:
			c->json = 1;
			break;
		case 'h':
			*help = 1;
			return SC_EXIT_OK;
		default:
			return cmd_getopt_error(&cmd_bench_entry, argc, argv,
						opt, prev);
		}
		if (rc != SC_EXIT_OK)
			return rc;
	}
	if (optind < argc) {
		char esc[ESC_MAX(64) + 3];

		cmd_bench_esc(esc, argv[optind]);
		return cmd_usage_error(&cmd_bench_entry,
				       "unexpected argument '%s'", esc);
	}
	if (o->ntransports == 0)
		for (size_t i = 0; i < sizeof cmd_bench_default_transports /
					       sizeof cmd_bench_default_transports[0];
		     i++)
			cmd_bench_add_transport(o,
						cmd_bench_default_transports[i]);
	if (o->nsizes == 0)
		o->sizes[o->nsizes++] = 4;
	if (!have_duration && o->count == 0)
		o->duration_ns = BENCH_DEFAULT_DURATION_NS;
	return SC_EXIT_OK;
}

/* ---- formatting ------------------------------------------------------------ */

/* "4B", "1KiB", "64KiB", "1MiB", "1500B" */
static void cmd_bench_size_text(char *out, size_t n, uint64_t v)
{
	if (v >= 1048576 && v % 1048576 == 0)
		snprintf(out, n, "%lluMiB", (unsigned long long)(v / 1048576));
	else if (v >= 1024 && v % 1024 == 0)
		snprintf(out, n, "%lluKiB", (unsigned long long)(v / 1024));
	else
		snprintf(out, n, "%lluB", (unsigned long long)v);
}

/* "1 s", "250 ms", "1500 us": the largest unit that keeps it whole */
static void cmd_bench_duration_text(char *out, size_t n, uint64_t ns)
{
	if (ns % 1000000000 == 0)
		snprintf(out, n, "%llu s", (unsigned long long)(ns / 1000000000));
	else if (ns % 1000000 == 0)
		snprintf(out, n, "%llu ms", (unsigned long long)(ns / 1000000));
	else if (ns % 1000 == 0)
		snprintf(out, n, "%llu us", (unsigned long long)(ns / 1000));
	else
		snprintf(out, n, "%llu ns", (unsigned long long)ns);
}

static void cmd_bench_printf(struct obuf *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void cmd_bench_printf(struct obuf *out, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	obuf_put(out, line, (size_t)n < sizeof line ? (size_t)n :
						      sizeof line - 1);
}

/* The reference row for a result: Unix stream at the same size, measured. */
static const struct bench_result *
cmd_bench_unix_ref(const struct cmd_bench_ctx *c, const struct bench_result *r)
{
	for (size_t i = 0; i < c->nres; i++) {
		const struct bench_result *u = &c->res[i];

		if (u->transport == BENCH_UNIX && u->size == r->size &&
		    !u->skipped)
			return u;
	}
	return NULL;
}

static double cmd_bench_secs(const struct bench_result *r)
{
	return (double)r->elapsed_ns / 1e9;
}

/* Bytes per second: one way, the payload: size per round trip in
 * ping-pong, what the echo end received in bulk. */
static double cmd_bench_throughput(const struct bench_result *r)
{
	if (r->elapsed_ns == 0)
		return 0;
	if (r->bulk)
		return (double)r->delivered_bytes / cmd_bench_secs(r);
	return (double)r->round_trips * (double)r->size / cmd_bench_secs(r);
}

static double cmd_bench_msg_rate(const struct bench_result *r)
{
	uint64_t msgs;

	if (r->elapsed_ns == 0)
		return 0;
	if (!r->bulk)
		msgs = r->round_trips;
	else if (bench_transport_is_stream(r->transport))
		msgs = r->sent_msgs;
	else
		msgs = r->delivered_msgs;
	return (double)msgs / cmd_bench_secs(r);
}

/* The ratio to Unix stream, or -1 when there is none to compare with:
 * p50 over Unix's p50 in ping-pong, Unix's throughput over this one's in
 * bulk, so that above 1 always means slower. */
static double cmd_bench_ratio(const struct cmd_bench_ctx *c,
			      const struct bench_result *r, int mean)
{
	const struct bench_result *u = cmd_bench_unix_ref(c, r);

	if (u == NULL)
		return -1;
	if (r->bulk) {
		double tr = cmd_bench_throughput(r);

		return tr > 0 ? cmd_bench_throughput(u) / tr : -1;
	}
	if (mean)
		return u->mean_ns > 0 ? r->mean_ns / u->mean_ns : -1;
	return u->p50_ns > 0 ? (double)r->p50_ns / (double)u->p50_ns : -1;
}

/* ---- the table -------------------------------------------------------------- */

static void cmd_bench_table_head(struct cmd_bench_ctx *c)
{
	const struct bench_opts *o = &c->o;
	const struct bench_conditions *k = &c->cond;
	struct obuf *out = &c->out;
	char e0[ESC_MAX(sizeof k->uts.sysname)],
		e1[ESC_MAX(sizeof k->uts.release)],
		e2[ESC_MAX(sizeof k->uts.version)],
		e3[ESC_MAX(sizeof k->uts.machine)],
		e4[ESC_MAX(sizeof k->clocksource)], dur[32];

	esc_text(e0, k->uts.sysname, strnlen(k->uts.sysname,
					     sizeof k->uts.sysname), 0, NULL);
	esc_text(e1, k->uts.release, strnlen(k->uts.release,
					     sizeof k->uts.release), 0, NULL);
	esc_text(e2, k->uts.version, strnlen(k->uts.version,
					     sizeof k->uts.version), 0, NULL);
	esc_text(e3, k->uts.machine, strnlen(k->uts.machine,
					     sizeof k->uts.machine), 0, NULL);
	esc_text(e4, k->clocksource, strlen(k->clocksource), 0, NULL);

	cmd_bench_printf(out, "sockscope bench: %s between two processes\n",
			 o->bulk ? "bulk transfer, one way," :
				   "ping-pong round trips");
	cmd_bench_printf(out, "kernel:   %s %s %s %s\n", e0, e1, e2, e3);
	cmd_bench_printf(out, "cpus:     %ld online, %d usable (%s)\n",
			 k->cpus_online, k->cpus_allowed, k->allowed_list);
	if (o->pin)
		cmd_bench_printf(out,
				 "pinning:  measuring end on CPU %u, echo end "
				 "on CPU %u\n",
				 o->pin_cpu[0], o->pin_cpu[1]);
	else
		cmd_bench_printf(out, "pinning:  none (the scheduler places "
				      "both ends)\n");
	cmd_bench_printf(out,
			 "clock:    CLOCK_MONOTONIC, clocksource %s, %.0f ns "
			 "a read\n",
			 e4, k->clock_read_ns);
	obuf_puts(out, "run:      ");
	if (o->count != 0)
		cmd_bench_printf(out, "%llu %s", (unsigned long long)o->count,
				 o->bulk ? "messages" : "round trips");
	if (o->duration_ns != 0) {
		cmd_bench_duration_text(dur, sizeof dur, o->duration_ns);
		cmd_bench_printf(out, "%s%s", o->count != 0 ? " or " : "", dur);
		if (o->count != 0)
			obuf_puts(out, ", whichever ends first,");
	}
	cmd_bench_printf(out,
			 " per transport and size, after %llu untimed round "
			 "trips\n",
			 (unsigned long long)o->warmup);
	obuf_puts(out, "sizes:    ");
	for (unsigned i = 0; i < o->nsizes; i++) {
		char sz[32];

		cmd_bench_size_text(sz, sizeof sz, o->sizes[i]);
		cmd_bench_printf(out, "%s%s", i ? ", " : "", sz);
	}
	obuf_putc(out, '\n');
	if (o->bulk) {
		obuf_puts(out,
			  "columns:  msgs/s and MiB/s (payload): what the echo "
			  "end received;\n"
			  "          delivered: how much of what was sent; "
			  "ratio: Unix stream's\n"
			  "          MiB/s over this one's at the same size\n\n");
		cmd_bench_printf(out, "%-14s %8s %12s %10s %9s %7s\n",
				 "transport", "size", "msgs/s", "MiB/s",
				 "delivered", "ratio");
	} else {
		obuf_puts(out,
			  "columns:  latency of one round trip in us; MiB/s: "
			  "payload one way;\n"
			  "          ratio: p50 over Unix stream's p50 at the "
			  "same size\n\n");
		cmd_bench_printf(out,
				 "%-14s %8s %9s %8s %8s %8s %9s %9s %7s\n",
				 "transport", "size", "rt/s", "p50", "p90",
				 "p99", "max", "MiB/s", "ratio");
	}
}

static void cmd_bench_table_row(struct cmd_bench_ctx *c,
				const struct bench_result *r)
{
	struct obuf *out = &c->out;
	char sz[32], ratio[32];
	double q;

	cmd_bench_size_text(sz, sizeof sz, r->size);
	if (r->skipped) {
		cmd_bench_printf(out, "%-14s %8s skipped: %s\n",
				 bench_transport_name(r->transport), sz,
				 r->reason);
		return;
	}
	q = cmd_bench_ratio(c, r, 0);
	if (q < 0)
		snprintf(ratio, sizeof ratio, "-");
	else
		snprintf(ratio, sizeof ratio, "%.2fx", q);
	if (r->bulk) {
		double pct = r->sent_bytes != 0 ? 100.0 *
							  (double)r->delivered_bytes /
							  (double)r->sent_bytes :
						  0;

		cmd_bench_printf(out, "%-14s %8s %12.0f %10.2f %8.1f%% %7s\n",
				 bench_transport_name(r->transport), sz,
				 cmd_bench_msg_rate(r),
				 cmd_bench_throughput(r) / 1048576.0, pct,
				 ratio);
		return;
	}
	cmd_bench_printf(out,
			 "%-14s %8s %9.0f %8.2f %8.2f %8.2f %9.2f %9.2f %7s\n",
			 bench_transport_name(r->transport), sz,
			 cmd_bench_msg_rate(r), (double)r->p50_ns / 1000.0,
			 (double)r->p90_ns / 1000.0, (double)r->p99_ns / 1000.0,
			 (double)r->max_ns / 1000.0,
			 cmd_bench_throughput(r) / 1048576.0, ratio);
}

/* ---- JSON ------------------------------------------------------------------- */

/* A non-negative number with a fixed number of decimals (0-6). */
static void cmd_bench_jnum(struct json *j, const char *key, double v,
			   unsigned decimals)
{
	static const double scale[] = { 1, 10, 100, 1000, 10000, 100000,
					1000000 };

	json_key(j, key);
	if (v < 0)
		v = 0;
	json_fixed(j, (uint64_t)(v * scale[decimals] + 0.5), decimals);
}

static void cmd_bench_jratio(struct json *j, const char *key, double q)
{
	if (q < 0)
		json_knull(j, key);
	else
		cmd_bench_jnum(j, key, q, 4);
}

static void cmd_bench_json_conditions(struct cmd_bench_ctx *c, struct json *j)
{
	const struct bench_opts *o = &c->o;
	const struct bench_conditions *k = &c->cond;

	json_key(j, "conditions");
	json_obj_begin(j);
	json_key(j, "kernel");
	json_obj_begin(j);
	json_kcstr(j, "sysname", k->uts.sysname);
	json_kcstr(j, "release", k->uts.release);
	json_kcstr(j, "version", k->uts.version);
	json_kcstr(j, "machine", k->uts.machine);
	json_obj_end(j);
	json_ku64(j, "cpus_online",
		  k->cpus_online > 0 ? (uint64_t)k->cpus_online : 0);
	json_ku64(j, "cpus_allowed", (uint64_t)k->cpus_allowed);
	json_kcstr(j, "cpus_allowed_list", k->allowed_list);
	if (o->pin) {
		json_key(j, "pin");
		json_obj_begin(j);
		json_ku64(j, "measure", o->pin_cpu[0]);
		json_ku64(j, "echo", o->pin_cpu[1]);
		json_obj_end(j);
	} else {
		json_knull(j, "pin");
	}
	json_kascii(j, "clock", "CLOCK_MONOTONIC");
	json_kcstr(j, "clocksource", k->clocksource);
	cmd_bench_jnum(j, "clock_read_ns", k->clock_read_ns, 1);
	json_kascii(j, "mode", o->bulk ? "bulk" : "pingpong");
	json_key(j, "transports");
	json_arr_begin(j);
	for (unsigned i = 0; i < o->ntransports; i++)
		json_cstr(j, bench_transport_name(o->transports[i]));
	json_arr_end(j);
	json_key(j, "sizes");
	json_arr_begin(j);
	for (unsigned i = 0; i < o->nsizes; i++)
		json_u64(j, o->sizes[i]);
	json_arr_end(j);
	if (o->count != 0)
		json_ku64(j, "count", o->count);
	else
		json_knull(j, "count");
	if (o->duration_ns != 0)
		json_ku64(j, "duration_ns", o->duration_ns);
	else
		json_knull(j, "duration_ns");
	json_ku64(j, "warmup", o->warmup);
	json_kascii(j, "ratio", o->bulk ? "unix_throughput_over_this" :
					  "p50_over_unix_p50");
	json_obj_end(j);
}

static void cmd_bench_json_result(struct cmd_bench_ctx *c, struct json *j,
				  const struct bench_result *r)
{
	json_obj_begin(j);
	json_kascii(j, "transport", bench_transport_name(r->transport));
	json_ku64(j, "size", r->size);
	json_kascii(j, "mode", r->bulk ? "bulk" : "pingpong");
	if (r->bulk) {
		json_knull(j, "round_trips");
		cmd_bench_jnum(j, "seconds", cmd_bench_secs(r), 6);
		json_knull(j, "round_trips_per_sec");
		json_knull(j, "latency_ns");
		json_ku64(j, "messages", r->sent_msgs);
		json_ku64(j, "bytes", r->sent_bytes);
		if (bench_transport_is_stream(r->transport))
			json_knull(j, "delivered_messages");
		else
			json_ku64(j, "delivered_messages", r->delivered_msgs);
		json_ku64(j, "delivered_bytes", r->delivered_bytes);
		cmd_bench_jnum(j, "messages_per_sec", cmd_bench_msg_rate(r), 1);
		cmd_bench_jnum(j, "throughput_bytes_per_sec",
			       cmd_bench_throughput(r), 1);
		cmd_bench_jratio(j, "ratio_to_unix", cmd_bench_ratio(c, r, 0));
		json_obj_end(j);
		return;
	}
	json_ku64(j, "round_trips", r->round_trips);
	cmd_bench_jnum(j, "seconds", cmd_bench_secs(r), 6);
	cmd_bench_jnum(j, "round_trips_per_sec", cmd_bench_msg_rate(r), 1);
	json_key(j, "latency_ns");
	json_obj_begin(j);
	json_ku64(j, "min", r->min_ns);
	cmd_bench_jnum(j, "mean", r->mean_ns, 1);
	json_ku64(j, "p50", r->p50_ns);
	json_ku64(j, "p90", r->p90_ns);
	json_ku64(j, "p99", r->p99_ns);
	json_ku64(j, "max", r->max_ns);
	json_obj_end(j);
	cmd_bench_jnum(j, "throughput_bytes_per_sec", cmd_bench_throughput(r),
		       1);
	cmd_bench_jratio(j, "ratio_to_unix", cmd_bench_ratio(c, r, 0));
	cmd_bench_jratio(j, "ratio_to_unix_mean", cmd_bench_ratio(c, r, 1));
	json_obj_end(j);
}

static void cmd_bench_json(struct cmd_bench_ctx *c)
{
	struct json j;

	json_init(&j, &c->out);
	json_obj_begin(&j);
	json_ku64(&j, "schema_version", 1);
	cmd_bench_json_conditions(c, &j);
	json_key(&j, "results");
	json_arr_begin(&j);
	for (size_t i = 0; i < c->nres; i++)
		if (!c->res[i].skipped)
			cmd_bench_json_result(c, &j, &c->res[i]);
	json_arr_end(&j);
	json_key(&j, "skipped");
	json_arr_begin(&j);
	for (size_t i = 0; i < c->nres; i++) {
		const struct bench_result *r = &c->res[i];

		if (!r->skipped)
			continue;
		json_obj_begin(&j);
		json_kascii(&j, "transport", bench_transport_name(r->transport));
		json_ku64(&j, "size", r->size);
		json_kcstr(&j, "reason", r->reason);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	obuf_putc(&c->out, '\n');
}

/* ---- the command -------------------------------------------------------------- */

/* Unix stream first at each size: the other rows' ratios refer to it. */
static void cmd_bench_order(const struct bench_opts *o,
			    enum bench_transport *order)
{
	unsigned n = 0;

	for (unsigned i = 0; i < o->ntransports; i++)
		if (o->transports[i] == BENCH_UNIX)
			order[n++] = BENCH_UNIX;
	for (unsigned i = 0; i < o->ntransports; i++)
		if (o->transports[i] != BENCH_UNIX)
			order[n++] = o->transports[i];
}

static int cmd_bench_flush(struct cmd_bench_ctx *c)
{
	int e = obuf_flush(&c->out);

	if (e != 0)
		return cmd_fail(&cmd_bench_entry, "write error: %s",
				strerror(e));
	return SC_EXIT_OK;
}

static int cmd_bench_measure(struct cmd_bench_ctx *c)
{
	enum bench_transport order[BENCH_TRANSPORTS];
	struct bench_session s;
	struct sc_err err;
	int status = SC_EXIT_OK;

	cmd_bench_order(&c->o, order);
	if (bench_begin(&s, &c->o, &err) < 0)
		return cmd_fail(&cmd_bench_entry, "%s", err.msg);
	for (unsigned si = 0; si < c->o.nsizes && status == SC_EXIT_OK; si++) {
		for (unsigned ti = 0; ti < c->o.ntransports; ti++) {
			struct bench_result *r = &c->res[c->nres];

			if (bench_run(&s, order[ti], c->o.sizes[si], r, &err) <
			    0) {
				status = cmd_fail(&cmd_bench_entry, "%s",
						  err.msg);
				break;
			}
			c->nres++;
			if (!c->json) {
				/* a row as soon as it is measured, printed
				 * between runs, never during one */
				cmd_bench_table_row(c, r);
				status = cmd_bench_flush(c);
				if (status != SC_EXIT_OK)
					break;
			}
		}
	}
	bench_end(&s);
	return status;
}

static int cmd_bench_run(int argc, char **argv)
{
	struct cmd_bench_ctx c;
	int help = 0, status;

	memset(&c, 0, sizeof c);
	status = cmd_bench_parse(argc, argv, &c, &help);
	if (status != SC_EXIT_OK)
		return status;
	obuf_init(&c.out, STDOUT_FILENO);
	if (help) {
		obuf_puts(&c.out, cmd_bench_usage);
		status = cmd_bench_flush(&c);
		obuf_free(&c.out);
		return status;
	}
	bench_conditions_get(&c.cond);
	c.res = xcalloc((size_t)c.o.nsizes * c.o.ntransports, sizeof *c.res);
	if (!c.json) {
		cmd_bench_table_head(&c);
		status = cmd_bench_flush(&c);
	}
	if (status == SC_EXIT_OK)
		status = cmd_bench_measure(&c);
	if (status == SC_EXIT_OK && c.json) {
		cmd_bench_json(&c);
		status = cmd_bench_flush(&c);
	}
	free(c.res);
	obuf_free(&c.out);
	return status;
}

const struct cmd_entry cmd_bench_entry = {
	.name = "bench",
	.synopsis = "[OPTION]...",
	.summary = "time Unix vs loopback TCP/UDP round trips",
	.run = cmd_bench_run,
};
