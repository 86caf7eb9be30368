/* inetwhy.h - why a connection to a TCP (or UDP) port fails: is anything
 * listening, on which addresses compared with what the name resolves to,
 * who serves it, is its queue full; then a real attempt. */
#ifndef SOCKSCOPE_DOCTOR_INETWHY_H
#define SOCKSCOPE_DOCTOR_INETWHY_H

#include "doctor/ident.h"
#include "doctor/report.h"
#include "util/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct inetwhy_opts {
	const struct ident *id;
	bool udp;         /* a UDP port: probed with a datagram */
	bool switch_user; /* the probe becomes id (root diagnosing --user) */
	const char *proc_root;
	uint64_t timeout_ns; /* for the probe of each address */
};

/* Split "HOST:PORT", "[V6]:PORT" or ":PORT" (host "localhost") into host
 * (cap bytes) and a port from 1 to 65535. Returns 0, or -1 with err set
 * (EINVAL), its message escaped. */
int inetwhy_split(const char *target, char *host, size_t cap, uint16_t *port,
		  struct sc_err *err);

/* Diagnose target (HOST:PORT). Fills r as unixwhy_run() does. Returns 0,
 * or -1 with err set: EINVAL for a malformed target, otherwise the checks
 * could not be made. */
int inetwhy_run(const char *target, const struct inetwhy_opts *o,
		struct report *r, struct sc_err *err);

#endif
