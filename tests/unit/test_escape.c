/* test_escape.c - esc_text(): every byte alone, control and UTF-8 vectors,
 * display widths, the output bound ESC_MAX() and a round trip on random
 * input. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "util/escape.h"

/* What each byte alone becomes; the same with and without ESC_UTF8, as no
 * byte alone is a complete UTF-8 sequence beyond ASCII. */
static const char *const byte_out[256] = {
	/* 0x00 */
	"\\0", "\\x01", "\\x02", "\\x03", "\\x04", "\\x05", "\\x06", "\\a",
	"\\b", "\\t", "\\n", "\\v", "\\f", "\\r", "\\x0e", "\\x0f",
	"\\x10", "\\x11", "\\x12", "\\x13", "\\x14", "\\x15", "\\x16", "\\x17",
	"\\x18", "\\x19", "\\x1a", "\\e", "\\x1c", "\\x1d", "\\x1e", "\\x1f",
	/* 0x20 */
	" ", "!", "\"", "#", "$", "%", "&", "'",
	"(", ")", "*", "+", ",", "-", ".", "/",
	"0", "1", "2", "3", "4", "5", "6", "7",
	"8", "9", ":", ";", "<", "=", ">", "?",
	/* 0x40 */
	"@", "A", "B", "C", "D", "E", "F", "G",
	"H", "I", "J", "K", "L", "M", "N", "O",
	"P", "Q", "R", "S", "T", "U", "V", "W",
	"X", "Y", "Z", "[", "\\\\", "]", "^", "_",
	/* 0x60 */
	"`", "a", "b", "c", "d", "e", "f", "g",
	"h", "i", "j", "k", "l", "m", "n", "o",
	"p", "q", "r", "s", "t", "u", "v", "w",
	"x", "y", "z", "{", "|", "}", "~", "\\x7f",
	/* 0x80 */
	"\\x80", "\\x81", "\\x82", "\\x83", "\\x84", "\\x85", "\\x86", "\\x87",
	"\\x88", "\\x89", "\\x8a", "\\x8b", "\\x8c", "\\x8d", "\\x8e", "\\x8f",
	"\\x90", "\\x91", "\\x92", "\\x93", "\\x94", "\\x95", "\\x96", "\\x97",
	"\\x98", "\\x99", "\\x9a", "\\x9b", "\\x9c", "\\x9d", "\\x9e", "\\x9f",
	/* 0xa0 */
	"\\xa0", "\\xa1", "\\xa2", "\\xa3", "\\xa4", "\\xa5", "\\xa6", "\\xa7",
	"\\xa8", "\\xa9", "\\xaa", "\\xab", "\\xac", "\\xad", "\\xae", "\\xaf",
	"\\xb0", "\\xb1", "\\xb2", "\\xb3", "\\xb4", "\\xb5", "\\xb6", "\\xb7",
	"\\xb8", "\\xb9", "\\xba", "\\xbb", "\\xbc", "\\xbd", "\\xbe", "\\xbf",
	/* 0xc0 */
	"\\xc0", "\\xc1", "\\xc2", "\\xc3", "\\xc4", "\\xc5", "\\xc6", "\\xc7",
	"\\xc8", "\\xc9", "\\xca", "\\xcb", "\\xcc", "\\xcd", "\\xce", "\\xcf",
	"\\xd0", "\\xd1", "\\xd2", "\\xd3", "\\xd4", "\\xd5", "\\xd6", "\\xd7",
	"\\xd8", "\\xd9", "\\xda", "\\xdb", "\\xdc", "\\xdd", "\\xde", "\\xdf",
	/* 0xe0 */
	"\\xe0", "\\xe1", "\\xe2", "\\xe3", "\\xe4", "\\xe5", "\\xe6", "\\xe7",
	"\\xe8", "\\xe9", "\\xea", "\\xeb", "\\xec", "\\xed", "\\xee", "\\xef",
	"\\xf0", "\\xf1", "\\xf2", "\\xf3", "\\xf4", "\\xf5", "\\xf6", "\\xf7",
	"\\xf8", "\\xf9", "\\xfa", "\\xfb", "\\xfc", "\\xfd", "\\xfe", "\\xff",
};

/* Escape, checking what every call must do: NUL-terminate, return the
 * length, stay inside ESC_MAX(len) and leave the byte after it alone. */
static char *escape(const char *in, size_t len, unsigned flags, size_t *ret,
		    size_t *cols)
{
	size_t max = ESC_MAX(len);
	char *out = malloc(max + 1);

	assert_non_null(out);
	memset(out, 0xa5, max + 1);
	*ret = esc_text(out, in, len, flags, cols);
	assert_true(*ret < max);
	assert_int_equal(out[*ret], '\0');
	assert_int_equal(strlen(out), *ret);
	for (size_t i = *ret + 1; i <= max; i++)
		assert_int_equal((unsigned char)out[i], 0xa5);
	return out;
}

static void test_every_byte(void **state)
{
	static const unsigned modes[] = { 0, ESC_UTF8 };

	(void)state;
	for (size_t m = 0; m < 2; m++) {
		for (unsigned b = 0; b < 256; b++) {
			char in[1] = { (char)b };
			size_t ret, cols = 12345;
			char *out = escape(in, 1, modes[m], &ret, &cols);

			assert_string_equal(out, byte_out[b]);
			assert_int_equal(ret, strlen(byte_out[b]));
			assert_int_equal(cols, ret);
			free(out);
		}
	}
}

static void test_space(void **state)
{
	static const unsigned modes[] = { 0, ESC_UTF8 };
	size_t ret, cols;
	char *out;

	(void)state;
	for (size_t m = 0; m < 2; m++) {
		out = escape(" ", 1, modes[m], &ret, &cols);
		assert_string_equal(out, " ");
		assert_int_equal(cols, 1);
		free(out);
		out = escape(" ", 1, modes[m] | ESC_SPACE, &ret, &cols);
		assert_string_equal(out, "\\x20");
		assert_int_equal(ret, 4);
		assert_int_equal(cols, 4);
		free(out);
	}
	/* ESC_DQUOTE changes '"' alone */
	for (unsigned b = 0; b < 256; b++) {
		char in[1] = { (char)b };
		out = escape(in, 1, ESC_DQUOTE, &ret, &cols);
		assert_string_equal(out, b == '"' ? "\\\"" : byte_out[b]);
		free(out);
	}
	/* ESC_SPACE leaves every other byte as it was */
	for (unsigned b = 0; b < 256; b++) {
		char in[1] = { (char)b };
		if (b == ' ')
			continue;
		out = escape(in, 1, ESC_SPACE, &ret, &cols);
		assert_string_equal(out, byte_out[b]);
		free(out);
	}
}

struct vec {
	const char *in;
	size_t len;
	unsigned flags;
	const char *out;
	size_t cols;
};

#define V(in, flags, out, cols) { in, sizeof(in) - 1, flags, out, cols }
#define U ESC_UTF8

/* Literals are split where a hex escape would swallow the next letter. */
static const struct vec vecs[] = {
	V("", 0, "", 0),
	V("", U, "", 0),
	V("plain-text_1.2:3", 0, "plain-text_1.2:3", 16),
	V("/tmp/a\x1b[31mb\nc", 0, "/tmp/a\\e[31mb\\nc", 16),
	V("/tmp/a\x1b[31mb\nc", U, "/tmp/a\\e[31mb\\nc", 16),
	V("\a\b\t\n\v\f\r", 0, "\\a\\b\\t\\n\\v\\f\\r", 14),
	V("a\0b", 0, "a\\0b", 4),
	V("\0\0", U, "\\0\\0", 4),
	V("x\x7f", 0, "x\\x7f", 5),
	V("a\\b", 0, "a\\\\b", 4),
	V("\\\\", U, "\\\\\\\\", 4),
	V("a b", 0, "a b", 3),
	V("a b", ESC_SPACE, "a\\x20b", 6),
	V("a b c", U | ESC_SPACE, "a\\x20b\\x20c", 11),
	V("\x01\x1f", 0, "\\x01\\x1f", 8),
	V("\t ", ESC_SPACE, "\\t\\x20", 6),

	/* valid UTF-8 */
	V("\xc3\xa9", U, "\xc3\xa9", 1),
	V("\xc3\xa9", 0, "\\xc3\\xa9", 8),
	V("caf\xc3\xa9", U, "caf\xc3\xa9", 4),
	V("\xc2\xa1", U, "\xc2\xa1", 1),                 /* U+00A1, first */
	V("\xe0\xa0\x80", U, "\xe0\xa0\x80", 1),         /* U+0800 */
	V("\xf0\x90\x80\x80", U, "\xf0\x90\x80\x80", 1), /* U+10000 */
	V("\xe4\xb8\xad", U, "\xe4\xb8\xad", 2),         /* CJK */
	V("\xe4\xb8\xad\xe6\x96\x87", U, "\xe4\xb8\xad\xe6\x96\x87", 4),
	V("\xe4\xb8\xad", 0, "\\xe4\\xb8\\xad", 12),
	V("\xea\xb0\x80", U, "\xea\xb0\x80", 2),         /* Hangul */
	V("\xef\xbc\xa1", U, "\xef\xbc\xa1", 2),         /* fullwidth A */
	V("e\xcc\x81", U, "e\xcc\x81", 1),               /* combining */
	V("\xcc\x81", U, "\xcc\x81", 0),
	V("e\xcc\x81", 0, "e\\xcc\\x81", 9),
	V("\xf0\x9f\x98\x80", U, "\xf0\x9f\x98\x80", 2), /* emoji */
	V("\xf0\x9f\x98\x80", 0, "\\xf0\\x9f\\x98\\x80", 16),
	V("\xc3\xa9 x", U | ESC_SPACE, "\xc3\xa9\\x20x", 6),

	/* malformed UTF-8: every byte as \xHH */
	V("\x80", U, "\\x80", 4),
	V("a\x80" "b", U, "a\\x80" "b", 6),
	V("\xbf\xbf", U, "\\xbf\\xbf", 8),
	V("\xc0\x80", U, "\\xc0\\x80", 8),
	V("\xc1\xbf", U, "\\xc1\\xbf", 8),
	V("\xe0\x80\x80", U, "\\xe0\\x80\\x80", 12),
	V("\xe0\x9f\xbf", U, "\\xe0\\x9f\\xbf", 12),
	V("\xf0\x80\x80\x80", U, "\\xf0\\x80\\x80\\x80", 16),
	V("\xf0\x8f\xbf\xbf", U, "\\xf0\\x8f\\xbf\\xbf", 16),
	V("\xed\xa0\x80", U, "\\xed\\xa0\\x80", 12),
	V("\xed\xbf\xbf", U, "\\xed\\xbf\\xbf", 12),
	V("\xed\xa0\xbd\xed\xb8\x80", U, "\\xed\\xa0\\xbd\\xed\\xb8\\x80", 24),
	V("\xf4\x90\x80\x80", U, "\\xf4\\x90\\x80\\x80", 16),
	V("\xf7\xbf\xbf\xbf", U, "\\xf7\\xbf\\xbf\\xbf", 16),
	V("\xc3", U, "\\xc3", 4),
	V("ab\xe4\xb8", U, "ab\\xe4\\xb8", 10),
	V("\xf0\x9f\x98", U, "\\xf0\\x9f\\x98", 12),
	V("\xe4\xb8" "a", U, "\\xe4\\xb8" "a", 9),
	V("\xe4\xc3\xa9", U, "\\xe4\xc3\xa9", 5),
	V("\xc3\xc3\xa9", U, "\\xc3\xc3\xa9", 5),
	V("\xf0\x9f\x98\x80\x80", U, "\xf0\x9f\x98\x80\\x80", 6),

	/* C1 controls, invisible and direction characters */
	V("\xc2\x80", U, "\\u{0080}", 8),
	V("\xc2\x9b", U, "\\u{009b}", 8),
	V("\xc2\x9f", U, "\\u{009f}", 8),
	V("\xc2\x9b", 0, "\\xc2\\x9b", 8),
	V("\xc2\xad", U, "\\u{00ad}", 8),
	V("\xe2\x80\xae", U, "\\u{202e}", 8),
	V("\xe2\x80\xae", 0, "\\xe2\\x80\\xae", 12),
	V("a\xe2\x80\xae" "b", U, "a\\u{202e}" "b", 10),
	V("\xe2\x80\xaa", U, "\\u{202a}", 8),
	V("\xe2\x80\xab", U, "\\u{202b}", 8),
	V("\xe2\x80\xac", U, "\\u{202c}", 8),
	V("\xe2\x80\xad", U, "\\u{202d}", 8),
	V("\xe2\x81\xa6", U, "\\u{2066}", 8),
	V("\xe2\x81\xa7", U, "\\u{2067}", 8),
	V("\xe2\x81\xa8", U, "\\u{2068}", 8),
	V("\xe2\x81\xa9", U, "\\u{2069}", 8),
	V("\xe2\x80\x8e", U, "\\u{200e}", 8),
	V("\xe2\x80\x8f", U, "\\u{200f}", 8),
	V("\xe2\x80\x8b", U, "\\u{200b}", 8),
	V("\xe2\x80\x8d", U, "\\u{200d}", 8),
	V("\xe2\x80\xa8", U, "\\u{2028}", 8),
	V("\xe2\x80\xa9", U, "\\u{2029}", 8),
	V("\xe2\x81\xa0", U, "\\u{2060}", 8),
	V("\xef\xbb\xbf", U, "\\u{feff}", 8),
	V("\xef\xbb\xbf", 0, "\\xef\\xbb\\xbf", 12),
	V("\xef\xbf\xb9", U, "\\u{fff9}", 8),
	V("\xf3\xa0\x80\x81", U, "\\u{e0001}", 9),
	V("\xf3\xa0\x81\xbf", U, "\\u{e007f}", 9),
	V("\xf3\xa0\x80\x81", 0, "\\xf3\\xa0\\x80\\x81", 16),
	/* ESC_DQUOTE: for text shown inside double quotes */
	V("a\"b", 0, "a\"b", 3),
	V("a\"b", ESC_DQUOTE, "a\\\"b", 4),
	V("\"\\\"", ESC_DQUOTE | U, "\\\"\\\\\\\"", 6),
	V("\" \"", ESC_DQUOTE | ESC_SPACE, "\\\"\\x20\\\"", 8),
	V("'", ESC_DQUOTE, "'", 1),

	/* U+061C ARABIC LETTER MARK: Bidi_Control like U+200E/U+200F */
	V("\xd8\x9c", U, "\\u{061c}", 8),
};

/* Bytes as a C literal, so a failure message is itself safe to print. */
static const char *literal(const char *s, char *buf, size_t size)
{
	size_t n = 0;

	for (; *s != '\0' && n + 5 < size; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c < 0x7f && c != '\\')
			buf[n++] = (char)c;
		else
			n += (size_t)snprintf(buf + n, size - n, "\\x%02x", c);
	}
	buf[n] = '\0';
	return buf;
}

static int vec_check(const struct vec *v, size_t idx)
{
	size_t ret, cols = 12345;
	char *out = escape(v->in, v->len, v->flags, &ret, &cols);
	int ok = strcmp(out, v->out) == 0 && ret == strlen(v->out) &&
		 cols == v->cols;
	char a[256], b[256];

	if (!ok)
		print_error("vector %zu (flags %u): want \"%s\" cols %zu, "
			    "got \"%s\" cols %zu\n",
			    idx, v->flags, literal(v->out, a, sizeof(a)),
			    v->cols, literal(out, b, sizeof(b)), cols);
	free(out);
	return ok;
}

static void test_vectors(void **state)
{
	size_t bad = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++)
		bad += !vec_check(&vecs[i], i);
	assert_int_equal(bad, 0);
}

/* Lead bytes that never start a UTF-8 sequence, with continuations. */
static void test_bad_lead_bytes(void **state)
{
	(void)state;
	for (unsigned b = 0xf5; b <= 0xff; b++) {
		char in[4] = { (char)b, (char)0x80, (char)0x80, (char)0x80 };
		char want[17];
		size_t ret, cols;
		char *out = escape(in, 4, ESC_UTF8, &ret, &cols);

		snprintf(want, sizeof(want), "\\x%02x\\x80\\x80\\x80", b);
		assert_string_equal(out, want);
		assert_int_equal(cols, 16);
		free(out);
	}
}

/* The output is NUL-terminated even when the input has no terminator and
 * the buffer held garbage; cols may be NULL. */
static void test_terminated_and_null_cols(void **state)
{
	char in[3] = { 'a', 'b', 'c' };
	char out[ESC_MAX(3)];

	(void)state;
	memset(out, 'Z', sizeof(out));
	assert_int_equal(esc_text(out, in, 2, 0, NULL), 2);
	assert_string_equal(out, "ab");
	memset(out, 'Z', sizeof(out));
	assert_int_equal(esc_text(out, in, 0, ESC_UTF8, NULL), 0);
	assert_int_equal(out[0], '\0');
}

/* ---- widths -------------------------------------------------------- */

static size_t utf8_encode(uint32_t cp, char *b)
{
	if (cp < 0x80) {
		b[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		b[0] = (char)(0xc0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		b[0] = (char)(0xe0 | cp >> 12);
		b[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	b[0] = (char)(0xf0 | cp >> 18);
	b[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	b[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	b[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Columns of single characters as terminals draw them (Unicode's
 * East_Asian_Width W/F is 2; Mn, Me and variation selectors are 0). */
static const struct {
	uint32_t cp;
	size_t cols;
} widths[] = {
	{ 0x00e9, 1 },  { 0x4e2d, 2 },  { 0x0301, 0 },  { 0x1f600, 2 },
	{ 0xac00, 2 },  { 0xff21, 2 },  { 0x3000, 2 },  { 0x20000, 2 },
	{ 0x1f680, 2 }, /* ROCKET */
	{ 0x231a, 2 },  /* WATCH */
	{ 0x2614, 2 },  /* UMBRELLA WITH RAIN DROPS */
	{ 0x1f004, 2 }, /* MAHJONG TILE RED DRAGON */
	{ 0x1fa90, 2 }, /* RINGED PLANET */
	{ 0x05b4, 0 },  /* HEBREW POINT HIRIQ */
	{ 0x093c, 0 },  /* DEVANAGARI SIGN NUKTA */
	{ 0x0e31, 0 },  /* THAI CHARACTER MAI HAN-AKAT */
	{ 0xfe0f, 0 },  /* VARIATION SELECTOR-16 */
	{ 0x302a, 0 },  /* IDEOGRAPHIC LEVEL TONE MARK */
	{ 0x3099, 0 },  /* COMBINING KATAKANA-HIRAGANA VOICED SOUND MARK */
	{ 0x303f, 1 },  /* IDEOGRAPHIC HALF FILL SPACE */
};

static void test_widths(void **state)
{
	size_t bad = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
		char in[4];
		size_t n = utf8_encode(widths[i].cp, in);
		size_t ret, cols;
		char *out = escape(in, n, ESC_UTF8, &ret, &cols);

		assert_memory_equal(out, in, n); /* passed through */
		if (cols != widths[i].cols) {
			print_error("U+%04X: want %zu columns, got %zu\n",
				    (unsigned)widths[i].cp, widths[i].cols,
				    cols);
			bad++;
		}
		free(out);
	}
	assert_int_equal(bad, 0);
}

/* Every character esc_text passes through takes the columns the C
 * library's wcwidth() gives it in a UTF-8 locale. */
static void test_widths_match_wcwidth(void **state)
{
	size_t bad = 0, shown = 0;
	uint32_t run = 0, prev = 0;
	int run_w = 0;
	size_t run_c = 0;

	(void)state;
	if (!esc_locale_is_utf8()) {
		skip(); /* no C.UTF-8 locale (see main) */
		return;
	}
	for (uint32_t cp = 0xa0; cp <= 0x10ffff; cp++) {
		char in[4], out[ESC_MAX(4)];
		size_t n, cols;
		int w;

		if (cp >= 0xd800 && cp <= 0xdfff)
			continue;
		n = utf8_encode(cp, in);
		esc_text(out, in, n, ESC_UTF8, &cols);
		if (out[0] == '\\')
			continue; /* escaped: its width is its length */
		w = wcwidth((wchar_t)cp);
		if (w < 0 || (size_t)w == cols)
			continue;
		bad++;
		if (bad > 1 && cp == prev + 1 && w == run_w && cols == run_c) {
			prev = cp;
			continue;
		}
		if (bad > 1 && shown < 40) {
			print_error("U+%04X..U+%04X: wcwidth %d, esc_text %zu\n",
				    (unsigned)run, (unsigned)prev, run_w,
				    run_c);
			shown++;
		}
		run = prev = cp;
		run_w = w;
		run_c = cols;
	}
	if (bad > 0 && shown < 40)
		print_error("U+%04X..U+%04X: wcwidth %d, esc_text %zu\n",
			    (unsigned)run, (unsigned)prev, run_w, run_c);
	if (bad > 0)
		print_error("%zu code points differ\n", bad);
	assert_int_equal(bad, 0);
}

static void test_locale_is_utf8(void **state)
{
	(void)state;
	assert_non_null(setlocale(LC_CTYPE, "C"));
	assert_int_equal(esc_locale_is_utf8(), 0);
	assert_non_null(setlocale(LC_CTYPE, "POSIX"));
	assert_int_equal(esc_locale_is_utf8(), 0);
	if (setlocale(LC_CTYPE, "C.UTF-8") != NULL)
		assert_int_equal(esc_locale_is_utf8(), 1);
}

/* ---- random input --------------------------------------------------- */

static uint64_t rng_next(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dull;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The inverse of esc_text: shows that no two inputs share an output. */
static size_t unescape(const char *s, char *out)
{
	size_t n = 0;

	while (*s != '\0') {
		if (*s != '\\') {
			out[n++] = *s++;
			continue;
		}
		s++;
		switch (*s) {
		case '\\': out[n++] = '\\'; s++; break;
		case '"': out[n++] = '"'; s++; break;
		case 'a': out[n++] = '\a'; s++; break;
		case 'b': out[n++] = '\b'; s++; break;
		case 't': out[n++] = '\t'; s++; break;
		case 'n': out[n++] = '\n'; s++; break;
		case 'v': out[n++] = '\v'; s++; break;
		case 'f': out[n++] = '\f'; s++; break;
		case 'r': out[n++] = '\r'; s++; break;
		case 'e': out[n++] = 0x1b; s++; break;
		case '0': out[n++] = '\0'; s++; break;
		case 'x':
			assert_true(hexval(s[1]) >= 0 && hexval(s[2]) >= 0);
			out[n++] = (char)(hexval(s[1]) << 4 | hexval(s[2]));
			s += 3;
			break;
		case 'u': {
			uint32_t cp = 0;
			int digits = 0;
			assert_int_equal(s[1], '{');
			s += 2;
			while (hexval(*s) >= 0) {
				cp = cp << 4 | (uint32_t)hexval(*s++);
				digits++;
			}
			assert_int_equal(*s, '}');
			assert_true(digits >= 4 && digits <= 6);
			s++;
			n += utf8_encode(cp, out + n);
			break;
		}
		default:
			fail_msg("stray escape \\%c", *s);
		}
	}
	return n;
}

static size_t random_input(uint64_t *rng, char *in)
{
	size_t len = (size_t)(rng_next(rng) % 301);
	size_t n = 0;

	while (n < len) {
		uint64_t r = rng_next(rng);
		switch (r % 4) {
		case 0: /* any byte */
			in[n++] = (char)(r >> 8);
			break;
		case 1: /* printable ASCII, space, backslash */
			in[n++] = (char)(0x20 + (r >> 8) % 0x5f);
			break;
		default: { /* a UTF-8 character, sometimes cut short */
			char b[4];
			uint32_t cp = (uint32_t)((r >> 8) % 0x110000);
			size_t k;
			if (cp >= 0xd800 && cp <= 0xdfff)
				cp = 0x202e;
			if ((r >> 40) % 4 == 0)
				cp = 0x80 + (uint32_t)((r >> 42) % 0x40);
			k = utf8_encode(cp, b);
			if ((r >> 48) % 8 == 0 && k > 1)
				k--;
			for (size_t i = 0; i < k && n < len; i++)
				in[n++] = b[i];
			break;
		}
		}
	}
	return n;
}

static void test_random_bound_and_round_trip(void **state)
{
	uint64_t rng = 0x5eed5c0fe5u;
	char in[300], back[300 * 4 + 1];

	(void)state;
	for (int iter = 0; iter < 100000; iter++) {
		size_t len = random_input(&rng, in);
		unsigned flags = (unsigned)(rng_next(&rng) % 8);
		size_t max = ESC_MAX(len);
		char *out = malloc(max + 1);
		size_t ret, cols;

		assert_non_null(out);
		out[max] = (char)0x5a; /* the canary */
		ret = esc_text(out, len ? in : NULL, len, flags, &cols);
		assert_int_equal((unsigned char)out[max], 0x5a);
		assert_true(ret < max);
		assert_int_equal(out[ret], '\0');
		assert_int_equal(strlen(out), ret);
		for (size_t i = 0; i < ret; i++) {
			unsigned char c = (unsigned char)out[i];
			if (c >= 0x80) {
				assert_true(flags & ESC_UTF8);
				continue;
			}
			assert_true(c >= 0x20 && c < 0x7f);
			if (flags & ESC_SPACE)
				assert_int_not_equal(c, ' ');
			if ((flags & ESC_DQUOTE) && c == '"')
				assert_true(i > 0 && out[i - 1] == '\\');
		}
		if (!(flags & ESC_UTF8))
			assert_int_equal(cols, ret);
		else
			assert_true(cols <= ret);
		assert_int_equal(unescape(out, back), len);
		assert_memory_equal(back, in, len);
		free(out);
	}
}

int main(void)
{
	/* ESC_UTF8 is only ever used in a UTF-8 locale (see main.c): run in
	 * one, where the system has it. */
	setlocale(LC_CTYPE, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_byte),
		cmocka_unit_test(test_space),
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_bad_lead_bytes),
		cmocka_unit_test(test_terminated_and_null_cols),
		cmocka_unit_test(test_widths),
		cmocka_unit_test(test_widths_match_wcwidth),
		cmocka_unit_test(test_random_bound_and_round_trip),
		cmocka_unit_test(test_locale_is_utf8),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
