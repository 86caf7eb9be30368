/* parse.h - numbers, durations and sizes from the command line, with the
 * bounds checked and the bad text named in the error. */
#ifndef SOCKSCOPE_UTIL_PARSE_H
#define SOCKSCOPE_UTIL_PARSE_H

#include "util/err.h"

#include <stdint.h>

/* A decimal integer in [min, max]. what names the option in the error,
 * e.g. "--count". Returns 0, or -1 with err set. */
int parse_u64(const char *s, uint64_t min, uint64_t max, const char *what,
	      uint64_t *out, struct sc_err *err);

/* A duration: a decimal number (fractions allowed) followed by ns, us, ms,
 * s, m or h; a bare number is in default_unit_ns (e.g. 1000000000 for
 * seconds). At most max_ns. */
int parse_duration_ns(const char *s, uint64_t default_unit_ns,
		      uint64_t max_ns, const char *what, uint64_t *out,
		      struct sc_err *err);

/* A size in bytes: a decimal integer, optionally followed by K, KiB, M,
 * MiB, G or GiB (powers of 1024) or B. In [min, max]. */
int parse_size(const char *s, uint64_t min, uint64_t max, const char *what,
	       uint64_t *out, struct sc_err *err);

#endif
