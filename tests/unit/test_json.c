/* test_json.c - the JSON writer: exact escapes for hostile bytes (controls,
 * quotes, backslash, invalid and overlong UTF-8, encoded surrogates, NUL),
 * separators and nesting, numbers; and every output accepted by Python's
 * strict parser, which gives the original bytes back. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/json.h"

struct esc_case {
	const char *in;
	size_t len;
	const char *want;
};

#define C(s, w) { s, sizeof(s) - 1, w }

static const struct esc_case esc_cases[] = {
	C("", "\"\""),
	C("plain /run/x.sock", "\"plain /run/x.sock\""),
	C("q\"b\\", "\"q\\\"b\\\\\""),
	C("\b\t\n\f\r", "\"\\b\\t\\n\\f\\r\""),
	C("\x01\x1b[31m\x1f\x7f", "\"\\u0001\\u001b[31m\\u001f\\u007f\""),
	/* the abstract name "\0a\0b": NULs stay, escaped */
	C("\0a\0b", "\"\\u0000a\\u0000b\""),
	/* valid UTF-8 passes through */
	C("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
	  "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\""),
	/* C1 controls (U+0085, U+009B CSI) and bidi overrides are hidden */
	C("\xc2\x85\xc2\x9b", "\"\\u0085\\u009b\""),
	C("\xe2\x80\xae" "abc\xe2\x81\xa6", "\"\\u202eabc\\u2066\""),
	C("\xe2\x80\xa8\xe2\x80\xa9", "\"\\u2028\\u2029\""),
	/* invalid: stray continuation, lone lead, truncated sequence */
	C("\x80", "\"\\udc80\""),
	C("a\xc3", "\"a\\udcc3\""),
	C("\xe2\x82", "\"\\udce2\\udc82\""),
	C("\xff\xfe", "\"\\udcff\\udcfe\""),
	/* overlong forms of '/' and NUL */
	C("\xc0\xaf", "\"\\udcc0\\udcaf\""),
	C("\xe0\x80\xaf", "\"\\udce0\\udc80\\udcaf\""),
	C("\xc1\xbf", "\"\\udcc1\\udcbf\""),
	/* an encoded surrogate, and a value above U+10FFFF */
	C("\xed\xa0\x80", "\"\\udced\\udca0\\udc80\""),
	C("\xf4\x90\x80\x80", "\"\\udcf4\\udc90\\udc80\\udc80\""),
	/* invalid then valid: resynchronises on the next byte */
	C("\xc3(\xc3\xa9", "\"\\udcc3(\xc3\xa9\""),
};

static void test_escape_vectors(void **state)
{
	char out[256];

	(void)state;
	for (size_t i = 0; i < sizeof(esc_cases) / sizeof(esc_cases[0]); i++) {
		const struct esc_case *c = &esc_cases[i];
		size_t n = json_escape(out, c->in, c->len);

		assert_true(n <= JSON_STR_MAX(c->len));
		out[n] = '\0';
		assert_string_equal(out, c->want);
	}
}

/* Write through an obuf into a temporary file; return the text. */
static char *capture(void (*fn)(struct json *j, void *ud), void *ud)
{
	char path[] = "/tmp/test_json.XXXXXX";
	int fd = mkstemp(path);
	struct obuf o;
	struct json j;
	char *buf;
	long len;
	FILE *f;

	assert_true(fd >= 0);
	unlink(path);
	obuf_init(&o, fd);
	json_init(&j, &o);
	fn(&j, ud);
	assert_int_equal(obuf_flush(&o), 0);
	obuf_free(&o);
	f = fdopen(fd, "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	buf = malloc((size_t)len + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

static void write_nested(struct json *j, void *ud)
{
	(void)ud;
	json_obj_begin(j);
	json_ku64(j, "a", 1);
	json_key(j, "b");
	json_arr_begin(j);
	json_u64(j, 2);
	json_null(j);
	json_bool(j, 1);
	json_bool(j, 0);
	json_i64(j, -5);
	json_i64(j, INT64_MIN);
	json_obj_begin(j);
	json_obj_end(j);
	json_arr_begin(j);
	json_arr_end(j);
	json_arr_end(j);
	json_kcstr(j, "c", NULL);
	json_kcstr(j, "d", "x");
	json_key(j, "e");
	json_fixed(j, 1234, 3);
	json_key(j, "f");
	json_fixed(j, 5, 3);
	json_key(j, "g");
	json_fixed(j, 7, 0);
	json_kbool(j, "h", 0);
	json_knull(j, "i");
	json_ku64(j, "j", UINT64_MAX);
	json_obj_end(j);
}

static void test_nesting(void **state)
{
	char *got;

	(void)state;
	got = capture(write_nested, NULL);
	assert_string_equal(
		got, "{\"a\":1,\"b\":[2,null,true,false,-5,"
		     "-9223372036854775808,{},[]],\"c\":null,\"d\":\"x\","
		     "\"e\":1.234,\"f\":0.005,\"g\":7,\"h\":false,\"i\":null,"
		     "\"j\":18446744073709551615}");
	free(got);
}

static void write_lines(struct json *j, void *ud)
{
	(void)ud;
	j->line_depth = 1;
	json_arr_begin(j);
	json_obj_begin(j);
	json_ku64(j, "n", 1);
	json_obj_end(j);
	json_obj_begin(j);
	json_ku64(j, "n", 2);
	json_obj_end(j);
	json_arr_end(j);
}

static void write_empty_lines(struct json *j, void *ud)
{
	(void)ud;
	j->line_depth = 1;
	json_arr_begin(j);
	json_arr_end(j);
}

static void test_line_depth(void **state)
{
	char *got;

	(void)state;
	got = capture(write_lines, NULL);
	assert_string_equal(got, "[\n{\"n\":1},\n{\"n\":2}\n]");
	free(got);
	got = capture(write_empty_lines, NULL);
	assert_string_equal(got, "[]");
	free(got);
}

/* A string longer than the writer's stack buffer. */
static void write_long(struct json *j, void *ud)
{
	const char *s = ud;

	json_str(j, s, strlen(s));
}

static void test_long_string(void **state)
{
	size_t n = 5000, newlines = 0;
	char *s = malloc(n + 1);
	char *got;

	(void)state;
	assert_non_null(s);
	for (size_t i = 0; i < n; i++) {
		s[i] = (char)(i % 3 == 0 ? '\n' : 'a');
		newlines += s[i] == '\n';
	}
	s[n] = '\0';
	got = capture(write_long, s);
	/* quotes, each newline as two bytes */
	assert_int_equal(strlen(got), 2 + n + newlines);
	assert_int_equal(got[0], '"');
	assert_memory_equal(got + 1, "\\naa\\n", 6);
	free(got);
	free(s);
}

/* Every byte sequence gives JSON that Python's parser accepts, and
 * surrogateescape gives the bytes back. */
static void write_all_bytes(struct json *j, void *ud)
{
	unsigned char buf[4];
	(void)ud;

	json_arr_begin(j);
	for (unsigned a = 0; a < 256; a++) {
		buf[0] = (unsigned char)a;
		json_str(j, (const char *)buf, 1);
		for (unsigned b = 0x80; b < 0xc0; b += 0x11) {
			buf[1] = (unsigned char)b;
			buf[2] = 0x80;
			buf[3] = 'z';
			json_str(j, (const char *)buf, 4);
		}
	}
	json_arr_end(j);
}

static void test_python_roundtrip(void **state)
{
	char path[] = "/tmp/test_json_py.XXXXXX";
	char cmd[512];
	char *got;
	FILE *f;
	int fd, rc;

	(void)state;
	if (system("python3 -c '' >/dev/null 2>&1") != 0)
		skip();
	got = capture(write_all_bytes, NULL);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(got, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd),
		 "python3 -c 'import json,sys\n"
		 "d=json.load(open(sys.argv[1]))\n"
		 "bs=[s.encode(\"utf-8\",\"surrogateescape\") for s in d]\n"
		 "exp=[]\n"
		 "for a in range(256):\n"
		 "  exp.append(bytes([a]))\n"
		 "  for b in range(0x80,0xc0,0x11): "
		 "exp.append(bytes([a,b,0x80,0x7a]))\n"
		 "sys.exit(0 if bs==exp else 1)' %s",
		 path);
	rc = system(cmd);
	unlink(path);
	free(got);
	assert_int_equal(rc, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_vectors),
		cmocka_unit_test(test_nesting),
		cmocka_unit_test(test_line_depth),
		cmocka_unit_test(test_long_string),
		cmocka_unit_test(test_python_roundtrip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
