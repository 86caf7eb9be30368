/* stopfd.c - stop signals read from a signalfd. */
#include "config.h"

#include "util/stopfd.h"

#include <errno.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

int stopfd_open(struct stopfd *s, const int *sigs, struct sc_err *err)
{
	sigset_t set;

	sigemptyset(&set);
	for (; *sigs != 0; sigs++)
		sigaddset(&set, *sigs);
	s->fd = -1;
	if (sigprocmask(SIG_BLOCK, &set, &s->old) < 0)
		return sc_err_set(err, errno, "cannot block signals: %s",
				  strerror(errno));
	s->fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (s->fd < 0) {
		int e = errno;

		sigprocmask(SIG_SETMASK, &s->old, NULL);
		return sc_err_set(err, e, "cannot create a signalfd: %s",
				  strerror(e));
	}
	return 0;
}

void stopfd_close(struct stopfd *s)
{
	struct signalfd_siginfo si;

	if (s->fd < 0)
		return;
	while (read(s->fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		;
	close(s->fd);
	s->fd = -1;
	sigprocmask(SIG_SETMASK, &s->old, NULL);
}
