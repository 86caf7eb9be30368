/* stopfd.h - the stop signals (SIGINT, SIGTERM, ...) of a long-running
 * command, blocked and read from a signalfd in its poll loop, so that no
 * handler runs and a stop is never lost between two checks. */
#ifndef SOCKSCOPE_UTIL_STOPFD_H
#define SOCKSCOPE_UTIL_STOPFD_H

#include "util/err.h"

#include <signal.h>

struct stopfd {
	int fd;       /* readable once a stop signal is pending */
	sigset_t old; /* the mask to restore */
};

/* Block the signals of sigs (a list ended by 0) and open a signalfd for
 * them. Returns 0, or -1 with err set and the mask as it was. */
int stopfd_open(struct stopfd *s, const int *sigs, struct sc_err *err);

/* Take the pending stop signals (so that unblocking does not deliver
 * them again), close the fd and restore the mask. */
void stopfd_close(struct stopfd *s);

#endif
