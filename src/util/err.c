/* err.c - filling error and warning records. */
#include "config.h"

#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int sc_err_set(struct sc_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

void sc_warn_add(struct sc_warnings *w, const char *fmt, ...)
{
	va_list ap;
	char tmp[SC_ERR_MSG_MAX];

	if (w == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	for (unsigned i = 0; i < w->n; i++)
		if (strcmp(w->msg[i], tmp) == 0)
			return;
	if (w->n >= SC_WARN_MAX) {
		w->dropped++;
		return;
	}
	memcpy(w->msg[w->n++], tmp, sizeof(tmp));
}
