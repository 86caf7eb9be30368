/* err.h - errors that library code hands back to main, which alone prints
 * and exits. A message names the thing that failed. */
#ifndef SOCKSCOPE_UTIL_ERR_H
#define SOCKSCOPE_UTIL_ERR_H

#include <stddef.h>

#define SC_ERR_MSG_MAX 512

struct sc_err {
	int code; /* errno value, or 0 */
	char msg[SC_ERR_MSG_MAX];
};

/* Always returns -1 so callers can write `return sc_err_set(...)`. */
int sc_err_set(struct sc_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Warnings are not fatal; main prints them once each on stderr. */
#define SC_WARN_MAX 16

struct sc_warnings {
	unsigned n;
	unsigned dropped;
	char msg[SC_WARN_MAX][SC_ERR_MSG_MAX];
};

void sc_warn_add(struct sc_warnings *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
