/* probe.h - the real thing: a connect() made in a forked child, as the user
 * being diagnosed, with its errno sent back over a pipe. */
#ifndef SOCKSCOPE_DOCTOR_PROBE_H
#define SOCKSCOPE_DOCTOR_PROBE_H

#include "util/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

/* The identity the child takes before connecting (switch false: it keeps
 * the caller's). Switching needs root. */
struct probe_as {
	bool switch_user;
	uid_t uid;
	gid_t gid;
	const gid_t *groups;
	size_t ngroups;
};

enum probe_outcome {
	PROBE_CONNECTED = 0, /* connect() succeeded (UDP: see below) */
	PROBE_FAILED,        /* connect() failed with err */
	PROBE_TIMEOUT,       /* no answer within the timeout (err ETIMEDOUT) */
	/* UDP: a datagram was sent and answered */
	PROBE_UDP_ANSWERED,
	/* UDP: a datagram was sent; neither an answer nor a refusal came */
	PROBE_UDP_SILENT,
	/* UDP: the port was unreachable (err ECONNREFUSED) */
	PROBE_UDP_REFUSED,
};

struct probe_result {
	enum probe_outcome outcome;
	int err; /* errno of the failure, 0 when it worked */
};

/* Connect to addr (len bytes; len may exceed sizeof(struct sockaddr_un)
 * for a path too long, which the kernel then refuses) with a socket of
 * family addr->sa_family and type (SOCK_STREAM, SOCK_DGRAM,
 * SOCK_SEQPACKET), in a child that first becomes as. Unix sockets are
 * connected without blocking, so a full queue answers EAGAIN at once;
 * TCP waits up to timeout_ns. With udp_probe (SOCK_DGRAM inet) a datagram
 * is sent after connect() and an answer or an ICMP refusal is awaited for
 * timeout_ns. Returns 0 with r filled, or -1 with err set when the probe
 * itself could not be made (fork, pipe, or the switch of user). */
int probe_connect(const struct sockaddr *addr, socklen_t len, int type,
		  bool udp_probe, const struct probe_as *as,
		  uint64_t timeout_ns, struct probe_result *r,
		  struct sc_err *err);

/* The symbolic name of an errno ("EACCES"), or NULL when unknown. */
const char *probe_errno_name(int e);

#endif
