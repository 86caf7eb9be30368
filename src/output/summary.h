/* summary.h - -s/--summary: ss -s's socket totals, read from the kernel's
 * counters in /proc/net (sockstat, sockstat6, snmp), and the dumped
 * sockets counted by state. */
#ifndef SOCKSCOPE_OUTPUT_SUMMARY_H
#define SOCKSCOPE_OUTPUT_SUMMARY_H

#include <stdint.h>

#include "model/rows.h"
#include "util/err.h"
#include "util/obuf.h"

#define SUMMARY_SCHEMA_VERSION 1

/* The kernel's counters for the reader's network namespace. Signed: ss
 * computes "closed" by subtraction and a racing counter can make it
 * negative, which is shown as it is. */
struct summary {
	int64_t sockets;      /* sockstat "sockets: used" */
	int64_t tcp_alloc;    /* "TCP: alloc": every TCP socket, closed too */
	int64_t tcp_orphan;   /* "TCP: orphan": closed by their program */
	int64_t tcp_tw;       /* "TCP: tw": TIME-WAIT */
	int64_t tcp_estab;    /* snmp Tcp CurrEstab: ESTAB and CLOSE-WAIT */
	int64_t tcp4, tcp6;   /* "TCP: inuse", "TCP6: inuse": hashed */
	int64_t udp4, udp6;   /* "UDP: inuse", "UDP6: inuse" */
	int64_t raw4, raw6;   /* "RAW: inuse", "RAW6: inuse" */
	int64_t frag4, frag6; /* "FRAG: inuse", "FRAG6: inuse" */
};

/* Read the counters under proc_root ("/proc"): net/sockstat and
 * net/snmp must be there; a missing net/sockstat6 (a kernel without IPv6)
 * counts as zeros, as in ss. Returns 0, or -1 with err naming the file. */
int summary_read(const char *proc_root, struct summary *s,
		 struct sc_err *err);

/* Write s. Text: exactly ss -s's block of iproute2 6.1 (its tabs, its
 * padding, its closing blank line), so scripts written for ss read it;
 * then, when v is not NULL, one line per protocol with the dumped
 * sockets counted by state ("TCP states: ESTAB 3, LISTEN 2"; TCP and UDP
 * always, Unix when v holds Unix sockets) and a blank line. JSON: one
 * object with schema_version, total, tcp, transport and (with v) states.
 * v is read, not reordered. */
void summary_print(const struct summary *s, const struct rows_view *v,
		   int json, struct obuf *out);

/* summary_read, then summary_print. */
int summary_write(const char *proc_root, const struct rows_view *v, int json,
		  struct obuf *out, struct sc_err *err);

#endif
