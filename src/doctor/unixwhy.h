/* unixwhy.h - why a connect() to a Unix socket fails: the checks the
 * kernel makes, in its order (the path, write permission, a live
 * listener, the socket type, the queue), then a real attempt. */
#ifndef SOCKSCOPE_DOCTOR_UNIXWHY_H
#define SOCKSCOPE_DOCTOR_UNIXWHY_H

#include "doctor/ident.h"
#include "doctor/report.h"
#include "util/err.h"

#include <stdbool.h>
#include <stddef.h>

struct unixwhy_opts {
	const struct ident *id; /* whom to judge for */
	int type;               /* the client's type: SOCK_STREAM, ... */
	/* the probe switches to id (root diagnosing --user) */
	bool switch_user;
	const char *proc_root; /* "/proc" */
};

/* Diagnose target: a path, or "@NAME" for an abstract name (the bytes
 * after '@'). Fills r (initialised by the caller with report_init): the
 * findings, the verdict and fix, the prediction and the probe. Returns 0,
 * or -1 with err set when the checks could not be made (the kernel's
 * socket list, the process table). */
int unixwhy_run(const char *target, size_t len, const struct unixwhy_opts *o,
		struct report *r, struct sc_err *err);

/* The usual service behind a socket file's name ("docker.sock" ->
 * "docker"), from a table of well-known paths: the unit into unit (cap
 * bytes) and whether write access to it is root access. Returns 0, or
 * -1 if the name is not known. */
int unixwhy_known_unit(const char *path, size_t len, char *unit, size_t cap,
		       bool *root_equiv);

#endif
