/* test_parse.c - numbers, durations and sizes from the command line: the
 * accepted forms and units, the bounds, overflow, and error lines that
 * name the option and show the argument escaped and cut short. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "util/parse.h"

#define NS_S 1000000000ull

static uint64_t u64_ok(const char *s, uint64_t min, uint64_t max)
{
	struct sc_err err = { 0 };
	uint64_t v = 0;

	if (parse_u64(s, min, max, "--count", &v, &err) != 0)
		fail_msg("parse_u64(\"%s\") failed: %s", s, err.msg);
	return v;
}

/* The error for a rejected argument (and *out left alone). */
static const char *u64_bad(const char *s, uint64_t min, uint64_t max)
{
	static struct sc_err err;
	uint64_t v = 77;

	memset(&err, 0, sizeof err);
	assert_int_equal(parse_u64(s, min, max, "--count", &v, &err), -1);
	assert_int_equal(v, 77);
	assert_int_equal(err.code, EINVAL);
	return err.msg;
}

static void test_u64(void **state)
{
	(void)state;
	assert_int_equal(u64_ok("0", 0, 10), 0);
	assert_int_equal(u64_ok("10", 0, 10), 10);
	assert_int_equal(u64_ok("007", 0, 10), 7);
	assert_int_equal(u64_ok("18446744073709551615", 0, UINT64_MAX),
			 UINT64_MAX);
	assert_int_equal(u64_ok("00000000000000000000000000001", 1, 1), 1);
	/* overflow by one */
	u64_bad("18446744073709551616", 0, UINT64_MAX);
	u64_bad("99999999999999999999999", 0, UINT64_MAX);
	/* not a plain decimal */
	u64_bad("", 0, 10);
	u64_bad("-1", 0, 10);
	u64_bad("+1", 0, 10);
	u64_bad(" 1", 0, 10);
	u64_bad("1 ", 0, 10);
	u64_bad("1x", 0, 10);
	u64_bad("0x10", 0, 100);
	u64_bad("1.0", 0, 10);
	u64_bad("1e3", 0, 10000);
	/* bounds */
	u64_bad("11", 0, 10);
	u64_bad("0", 1, 10);
	assert_string_equal(u64_bad("11", 0, 10),
			    "invalid --count '11' (expected a whole number "
			    "from 0 to 10)");
	assert_string_equal(u64_bad("abc", 1, UINT64_MAX),
			    "invalid --count 'abc' (expected a whole number "
			    ">= 1)");
}

/* The argument in the message: control bytes escaped, long text cut at
 * 64 bytes with "...". */
static void test_error_text(void **state)
{
	char longarg[200];
	const char *msg;
	(void)state;

	assert_string_equal(u64_bad("1\x1b[31m\n", 0, 10),
			    "invalid --count '1\\e[31m\\n' (expected a whole "
			    "number from 0 to 10)");
	memset(longarg, '9', sizeof longarg - 1);
	longarg[sizeof longarg - 1] = '\0';
	msg = u64_bad(longarg, 0, 10);
	assert_non_null(strstr(msg, "'9999999999999999999999999999999999999999"
				    "999999999999999999999999...' ("));
	assert_true(strlen(msg) < 200);
}

static uint64_t dur_ok(const char *s, uint64_t unit, uint64_t max)
{
	struct sc_err err = { 0 };
	uint64_t v = 0;

	if (parse_duration_ns(s, unit, max, "--duration", &v, &err) != 0)
		fail_msg("parse_duration_ns(\"%s\") failed: %s", s, err.msg);
	return v;
}

static const char *dur_bad(const char *s, uint64_t unit, uint64_t max)
{
	static struct sc_err err;
	uint64_t v = 77;

	memset(&err, 0, sizeof err);
	assert_int_equal(parse_duration_ns(s, unit, max, "--duration", &v,
					   &err),
			 -1);
	assert_int_equal(v, 77);
	assert_int_equal(err.code, EINVAL);
	return err.msg;
}

static void test_duration_units(void **state)
{
	const uint64_t max = 24 * 3600 * NS_S;
	(void)state;

	assert_int_equal(dur_ok("250ms", NS_S, max), 250000000);
	assert_int_equal(dur_ok("2s", NS_S, max), 2 * NS_S);
	assert_int_equal(dur_ok("100ns", NS_S, max), 100);
	assert_int_equal(dur_ok("3us", NS_S, max), 3000);
	assert_int_equal(dur_ok("2m", NS_S, max), 120 * NS_S);
	assert_int_equal(dur_ok("1h", NS_S, max), 3600 * NS_S);
	assert_int_equal(dur_ok("0", NS_S, max), 0);
	assert_int_equal(dur_ok("0s", NS_S, max), 0);
	/* a bare number is in the caller's unit */
	assert_int_equal(dur_ok("3", NS_S, max), 3 * NS_S);
	assert_int_equal(dur_ok("3", 1000000, max), 3000000);
	assert_int_equal(dur_ok("3", 1, max), 3);
}

static void test_duration_fractions(void **state)
{
	const uint64_t max = 24 * 3600 * NS_S;
	(void)state;

	assert_int_equal(dur_ok("1.5", NS_S, max), 1500000000);
	assert_int_equal(dur_ok("1.5ms", NS_S, max), 1500000);
	assert_int_equal(dur_ok(".5s", NS_S, max), 500000000);
	assert_int_equal(dur_ok("0.25", NS_S, max), 250000000);
	assert_int_equal(dur_ok("1.5m", NS_S, max), 90 * NS_S);
	assert_int_equal(dur_ok("1.5h", NS_S, max), 5400 * NS_S);
	assert_int_equal(dur_ok("0.1us", NS_S, max), 100);
	assert_int_equal(dur_ok("0.000000001s", NS_S, max), 1);
	assert_int_equal(dur_ok("0.123456789s", NS_S, max), 123456789);
	/* below a nanosecond is dropped, not rounded */
	assert_int_equal(dur_ok("0.1234567899s", NS_S, max), 123456789);
	assert_int_equal(dur_ok("1.9ns", NS_S, max), 1);
	assert_int_equal(dur_ok("1.0001us", NS_S, max), 1000);
	assert_int_equal(dur_ok("2.000000000000000000000001s", NS_S, max),
			 2 * NS_S);
	/* the longest fraction of the longest unit does not overflow */
	assert_int_equal(dur_ok("1.999999999h", NS_S, max),
			 3600 * NS_S + 3599999996400ull);
	assert_int_equal(dur_ok("1.5", 1000000, max), 1500000);
}

static void test_duration_bad(void **state)
{
	const uint64_t max = 3600 * NS_S;
	(void)state;

	dur_bad("", NS_S, max);
	dur_bad(".", NS_S, max);
	dur_bad("5.", NS_S, max);
	dur_bad("s", NS_S, max);
	dur_bad(".s", NS_S, max);
	dur_bad("-1s", NS_S, max);
	dur_bad("+1s", NS_S, max);
	dur_bad("1 s", NS_S, max);
	dur_bad(" 1s", NS_S, max);
	dur_bad("1S", NS_S, max);
	dur_bad("1sec", NS_S, max);
	dur_bad("1ms5", NS_S, max);
	dur_bad("1e3", NS_S, max);
	dur_bad("1,5s", NS_S, max);
	dur_bad("99999999999999999999999s", NS_S, UINT64_MAX);
	assert_string_equal(dur_bad("1x", NS_S, max),
			    "invalid --duration '1x' (expected a number and "
			    "a unit: ns, us, ms, s, m or h)");
	/* the bound: exactly max passes, anything above is too long */
	assert_int_equal(dur_ok("1h", NS_S, max), max);
	assert_int_equal(dur_ok("3600s", NS_S, max), max);
	assert_string_equal(dur_bad("61m", NS_S, max),
			    "invalid --duration '61m' (too long)");
	dur_bad("3600.000000001s", NS_S, max);
	dur_bad("1.0000001h", NS_S, max);
	dur_bad("2h", NS_S, max);
	/* whole * unit would wrap around 2^64 */
	dur_bad("5124096h", NS_S, UINT64_MAX);
	assert_int_equal(dur_ok("5124095h", NS_S, UINT64_MAX),
			 5124095ull * 3600 * NS_S);
}

static uint64_t size_ok(const char *s, uint64_t min, uint64_t max)
{
	struct sc_err err = { 0 };
	uint64_t v = 0;

	if (parse_size(s, min, max, "--size", &v, &err) != 0)
		fail_msg("parse_size(\"%s\") failed: %s", s, err.msg);
	return v;
}

static const char *size_bad(const char *s, uint64_t min, uint64_t max)
{
	static struct sc_err err;
	uint64_t v = 77;

	memset(&err, 0, sizeof err);
	assert_int_equal(parse_size(s, min, max, "--size", &v, &err), -1);
	assert_int_equal(v, 77);
	assert_int_equal(err.code, EINVAL);
	return err.msg;
}

static void test_size(void **state)
{
	(void)state;
	assert_int_equal(size_ok("4", 1, UINT64_MAX), 4);
	assert_int_equal(size_ok("10B", 1, UINT64_MAX), 10);
	assert_int_equal(size_ok("1K", 1, UINT64_MAX), 1024);
	assert_int_equal(size_ok("64KiB", 1, UINT64_MAX), 65536);
	assert_int_equal(size_ok("1M", 1, UINT64_MAX), 1048576);
	assert_int_equal(size_ok("3MiB", 1, UINT64_MAX), 3145728);
	assert_int_equal(size_ok("1G", 1, UINT64_MAX), 1073741824);
	assert_int_equal(size_ok("2GiB", 1, UINT64_MAX), 2147483648ull);
	assert_int_equal(size_ok("0", 0, 10), 0);
	assert_int_equal(size_ok("16M", 1, 16u << 20), 16u << 20);
	assert_int_equal(size_ok("17179869183G", 1, UINT64_MAX),
			 17179869183ull << 30);
	/* overflow of the value, and of the value times its unit */
	size_bad("18446744073709551616", 0, UINT64_MAX);
	size_bad("17179869184G", 1, UINT64_MAX);
	/* not a size */
	size_bad("", 1, 100);
	size_bad("K", 1, 100);
	size_bad("1.5K", 1, UINT64_MAX);
	size_bad("-4", 1, 100);
	size_bad(" 4", 1, 100);
	size_bad("4 K", 1, UINT64_MAX);
	size_bad("4T", 1, UINT64_MAX);
	size_bad("4KB", 1, UINT64_MAX);
	size_bad("4k", 1, UINT64_MAX);
	size_bad("4kib", 1, UINT64_MAX);
	/* bounds, after the unit */
	size_bad("0", 1, 100);
	size_bad("1K", 1, 1023);
	assert_int_equal(size_ok("1K", 1024, 1024), 1024);
	assert_string_equal(size_bad("0", 1, 16777216),
			    "invalid --size '0' (expected bytes from 1 to "
			    "16777216, optionally with K, M or G)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64),
		cmocka_unit_test(test_error_text),
		cmocka_unit_test(test_duration_units),
		cmocka_unit_test(test_duration_fractions),
		cmocka_unit_test(test_duration_bad),
		cmocka_unit_test(test_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
