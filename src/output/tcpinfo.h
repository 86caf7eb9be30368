/* tcpinfo.h - a socket's internals as text (ss -o, -m, -i) and as JSON:
 * the timer, socket memory (skmeminfo) and TCP's tcp_info, shared by the
 * table and JSON sinks. */
#ifndef SOCKSCOPE_OUTPUT_TCPINFO_H
#define SOCKSCOPE_OUTPUT_TCPINFO_H

#include <stddef.h>

#include "model/sock.h"
#include "util/json.h"

/* Room for any of the texts below (the longest, -i, is under 1 KiB). */
#define TCPINFO_TEXT_MAX 2048

/* The text functions write whole fields only (a field that does not fit
 * in cap is left out, with those after it), NUL-terminate out, and return
 * the length; 0 when there is nothing to show. */

/* ss -o: "timer:(keepalive,119min,0)", "timer:(timewait,59sec,0)",
 * "timer:(on,200ms,0)", "timer:(persist,1.500ms,2)" (sic: ss 6.1 writes
 * seconds with milliseconds so). 0 when no timer runs or none is known. */
size_t tcpinfo_timer_text(const struct sock_rec *r, char *out, size_t cap);

/* ss -m: "skmem:(r0,rb131072,t0,tb2626560,f0,w0,o0,bl0,d0)" (bl and d
 * when the kernel gives them). 0 when not known. */
size_t tcpinfo_mem_text(const struct sock_rec *r, char *out, size_t cap);

enum tcpinfo_flags {
	/* ss -n: rates as plain bits per second ("send 6390243902bps")
	 * rather than "send 6.39Gbps". */
	TCPINFO_NUMERIC = 1u << 0,
	/* ss -o with -i: the TCP options first ("ts sack ecn ecnseen
	 * fastopen"). */
	TCPINFO_OPTIONS = 1u << 1,
};

/* ss -i: what ss puts on the continuation line for a TCP socket, "cubic
 * wscale:7,7 rto:204 rtt:0.041/0.02 ato:40 mss:32768 ... snd_wnd:65536",
 * with ss 6.1's field names, units, order and rules for leaving a field
 * out, for the fields the kernel's tcp_info covers. 0 when the socket has
 * no tcp_info (not TCP, TIME-WAIT, not asked). tcpinfo_info_text() is
 * tcpinfo_info_text_flags() with flags 0. */
size_t tcpinfo_info_text(const struct sock_rec *r, char *out, size_t cap);
size_t tcpinfo_info_text_flags(const struct sock_rec *r, unsigned flags,
			       char *out, size_t cap);

/* JSON: each writes one value after the caller's json_key().
 * timer: {"name":"keepalive","expires_ms":N,"retrans":N}, or null when no
 * timer runs (or none is known).
 * mem: {"rmem_alloc":N,"rcvbuf":N,"wmem_alloc":N,"sndbuf":N,
 * "fwd_alloc":N,"wmem_queued":N,"optmem":N,"backlog":N,"drops":N}
 * (backlog and drops null from kernels without them), or null.
 * info: every field of the kernel's tcp_info under a snake_case name,
 * times in ms with 3 decimals where the kernel has microseconds, rates in
 * bits per second; fields beyond what the kernel gave are null; or null
 * when there is no tcp_info. */
void tcpinfo_json_timer(struct json *j, const struct sock_rec *r);
void tcpinfo_json_mem(struct json *j, const struct sock_rec *r);
void tcpinfo_json_info(struct json *j, const struct sock_rec *r);

#endif
