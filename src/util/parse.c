/* parse.c - numbers, durations and sizes from the command line. */
#include "config.h"

#include "util/parse.h"

#include "util/escape.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The argument as the user typed it, made safe for the error line. */
static int parse_bad(struct sc_err *err, const char *what, const char *s,
		     const char *expect)
{
	char esc[ESC_MAX(64)];
	size_t n = strnlen(s, 64);

	esc_text(esc, s, n, 0, NULL);
	return sc_err_set(err, EINVAL, "invalid %s '%s%s' (%s)", what, esc,
			  s[n] != '\0' ? "..." : "", expect);
}

/* Leading decimal digits into *v; returns how many were read, or -1 on
 * overflow. */
static int parse_digits(const char *s, uint64_t *v, size_t *used)
{
	uint64_t x = 0;
	size_t i = 0;

	while (s[i] >= '0' && s[i] <= '9') {
		unsigned d = (unsigned)(s[i] - '0');

		if (x > (UINT64_MAX - d) / 10)
			return -1;
		x = x * 10 + d;
		i++;
	}
	*v = x;
	*used = i;
	return 0;
}

int parse_u64(const char *s, uint64_t min, uint64_t max, const char *what,
	      uint64_t *out, struct sc_err *err)
{
	uint64_t v;
	size_t n;

	if (parse_digits(s, &v, &n) < 0 || n == 0 || s[n] != '\0' ||
	    v < min || v > max) {
		char expect[80];

		if (max == UINT64_MAX)
			snprintf(expect, sizeof expect,
				 "expected a whole number >= %llu",
				 (unsigned long long)min);
		else
			snprintf(expect, sizeof expect,
				 "expected a whole number from %llu to %llu",
				 (unsigned long long)min,
				 (unsigned long long)max);
		return parse_bad(err, what, s, expect);
	}
	*out = v;
	return 0;
}

struct parse_unit {
	const char *name;
	uint64_t mult;
};

static const struct parse_unit parse_time_units[] = {
	{ "ns", 1 },
	{ "us", 1000 },
	{ "ms", 1000000 },
	{ "s", 1000000000 },
	{ "m", 60ull * 1000000000 },
	{ "h", 3600ull * 1000000000 },
};

static const struct parse_unit parse_size_units[] = {
	{ "B", 1 },
	{ "K", 1024 },
	{ "KiB", 1024 },
	{ "M", 1024 * 1024 },
	{ "MiB", 1024 * 1024 },
	{ "G", 1024ull * 1024 * 1024 },
	{ "GiB", 1024ull * 1024 * 1024 },
};

int parse_duration_ns(const char *s, uint64_t default_unit_ns,
		      uint64_t max_ns, const char *what, uint64_t *out,
		      struct sc_err *err)
{
	static const char expect[] =
		"expected a number and a unit: ns, us, ms, s, m or h";
	uint64_t whole, frac = 0, scale = 1, unit = default_unit_ns;
	size_t n, fn = 0;
	const char *p = s;

	if (parse_digits(p, &whole, &n) < 0)
		return parse_bad(err, what, s, expect);
	p += n;
	if (*p == '.') {
		p++;
		/* nine fractional digits are below a nanosecond of a second */
		while (*p >= '0' && *p <= '9') {
			if (fn < 9) {
				frac = frac * 10 + (uint64_t)(*p - '0');
				scale *= 10;
			}
			fn++;
			p++;
		}
		if (fn == 0)
			return parse_bad(err, what, s, expect);
	}
	if (n == 0 && fn == 0)
		return parse_bad(err, what, s, expect);
	if (*p != '\0') {
		size_t i;

		for (i = 0; i < sizeof parse_time_units /
					sizeof parse_time_units[0]; i++)
			if (strcmp(p, parse_time_units[i].name) == 0)
				break;
		if (i == sizeof parse_time_units / sizeof parse_time_units[0])
			return parse_bad(err, what, s, expect);
		unit = parse_time_units[i].mult;
	}
	if (whole > max_ns / unit)
		return parse_bad(err, what, s, "too long");
	whole *= unit;
	/* frac/scale of a unit; unit <= 3.6e12 and frac < 1e9 fit after
	 * dividing unit by the scale's factors first where they divide */
	{
		uint64_t part = (unit % scale == 0) ?
					frac * (unit / scale) :
					(uint64_t)((double)frac * (double)unit /
						   (double)scale);

		if (part > max_ns - whole)
			return parse_bad(err, what, s, "too long");
		*out = whole + part;
	}
	return 0;
}

int parse_size(const char *s, uint64_t min, uint64_t max, const char *what,
	       uint64_t *out, struct sc_err *err)
{
	uint64_t v, mult = 1;
	size_t n;
	char expect[96];

	snprintf(expect, sizeof expect,
		 "expected bytes from %llu to %llu, optionally with K, M or G",
		 (unsigned long long)min, (unsigned long long)max);
	if (parse_digits(s, &v, &n) < 0 || n == 0)
		return parse_bad(err, what, s, expect);
	if (s[n] != '\0') {
		size_t i;

		for (i = 0; i < sizeof parse_size_units /
					sizeof parse_size_units[0]; i++)
			if (strcmp(s + n, parse_size_units[i].name) == 0)
				break;
		if (i == sizeof parse_size_units / sizeof parse_size_units[0])
			return parse_bad(err, what, s, expect);
		mult = parse_size_units[i].mult;
	}
	if (v > UINT64_MAX / mult || v * mult < min || v * mult > max)
		return parse_bad(err, what, s, expect);
	*out = v * mult;
	return 0;
}
