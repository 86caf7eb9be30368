/* json.c - the streaming JSON writer: separators, nesting, and strings
 * that are valid JSON (and safe on a terminal) for any input bytes. */
#include "config.h"

#include "util/json.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

void json_init(struct json *j, struct obuf *out)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
	j->empty[0] = 1;
}

/* The separator before a value or a key at the current level. */
static void json_sep(struct json *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (!j->empty[j->depth])
		obuf_putc(j->out, ',');
	j->empty[j->depth] = 0;
	if (j->line_depth != 0 && j->depth == j->line_depth)
		obuf_putc(j->out, '\n');
}

static void json_open(struct json *j, char c)
{
	json_sep(j);
	obuf_putc(j->out, c);
	/* deeper levels are a caller's bug; stay valid by not tracking */
	if (j->depth < JSON_DEPTH_MAX)
		j->depth++;
	j->empty[j->depth] = 1;
}

static void json_close(struct json *j, char c)
{
	if (j->line_depth != 0 && j->depth == j->line_depth &&
	    !j->empty[j->depth])
		obuf_putc(j->out, '\n');
	obuf_putc(j->out, c);
	if (j->depth > 0)
		j->depth--;
}

void json_obj_begin(struct json *j)
{
	json_open(j, '{');
}

void json_obj_end(struct json *j)
{
	json_close(j, '}');
}

void json_arr_begin(struct json *j)
{
	json_open(j, '[');
}

void json_arr_end(struct json *j)
{
	json_close(j, ']');
}

void json_key(struct json *j, const char *key)
{
	json_sep(j);
	obuf_putc(j->out, '"');
	obuf_puts(j->out, key);
	obuf_put(j->out, "\":", 2);
	j->after_key = 1;
}

static char *json_u4(char *o, unsigned v)
{
	static const char hex[] = "0123456789abcdef";

	*o++ = '\\';
	*o++ = 'u';
	*o++ = hex[(v >> 12) & 15];
	*o++ = hex[(v >> 8) & 15];
	*o++ = hex[(v >> 4) & 15];
	*o++ = hex[v & 15];
	return o;
}

/* Length of the well-formed UTF-8 sequence at s (2-4), with its code
 * point in *cp; 0 if the bytes there are not one (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF). */
static size_t json_utf8(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c = s[0], v;
	size_t len;

	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		v = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		v = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && v < 0x800) || (len == 4 && v < 0x10000) ||
	    (v >= 0xd800 && v <= 0xdfff) || v > 0x10ffff)
		return 0;
	*cp = v;
	return len;
}

/* Characters kept out of the text although they are valid: C1 controls
 * and the invisible ones that reorder or hide what a terminal shows. */
static int json_hidden(unsigned cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x200e || cp == 0x200f ||
	       (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 ||
	       cp == 0x2029;
}

size_t json_escape(char *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	char *o = out;
	size_t i = 0;

	*o++ = '"';
	while (i < n) {
		unsigned c = p[i], cp;
		size_t len;

		if (c >= 0x20 && c < 0x7f) {
			if (c == '"' || c == '\\')
				*o++ = '\\';
			*o++ = (char)c;
			i++;
			continue;
		}
		if (c < 0x80) {
			switch (c) {
			case '\b': *o++ = '\\'; *o++ = 'b'; break;
			case '\t': *o++ = '\\'; *o++ = 't'; break;
			case '\n': *o++ = '\\'; *o++ = 'n'; break;
			case '\f': *o++ = '\\'; *o++ = 'f'; break;
			case '\r': *o++ = '\\'; *o++ = 'r'; break;
			default: o = json_u4(o, c); break;
			}
			i++;
			continue;
		}
		len = json_utf8(p + i, n - i, &cp);
		if (len == 0) {
			/* surrogateescape: lossless and still valid JSON */
			o = json_u4(o, 0xdc00 | c);
			i++;
			continue;
		}
		if (json_hidden(cp))
			o = json_u4(o, cp);
		else {
			memcpy(o, p + i, len);
			o += len;
		}
		i += len;
	}
	*o++ = '"';
	return (size_t)(o - out);
}

void json_str(struct json *j, const char *s, size_t n)
{
	char tmp[1024];

	char *big;

	json_sep(j);
	/* names are short: the stack serves nearly every string */
	if (JSON_STR_MAX(n) <= sizeof(tmp)) {
		obuf_put(j->out, tmp, json_escape(tmp, s, n));
		return;
	}
	big = xmalloc(JSON_STR_MAX(n));
	obuf_put(j->out, big, json_escape(big, s, n));
	free(big);
}

void json_cstr(struct json *j, const char *s)
{
	json_str(j, s, strlen(s));
}

void json_u64(struct json *j, uint64_t v)
{
	json_sep(j);
	obuf_u64(j->out, v);
}

void json_i64(struct json *j, int64_t v)
{
	json_sep(j);
	if (v < 0) {
		obuf_putc(j->out, '-');
		obuf_u64(j->out, (uint64_t)0 - (uint64_t)v);
	} else {
		obuf_u64(j->out, (uint64_t)v);
	}
}

void json_fixed(struct json *j, uint64_t scaled, unsigned decimals)
{
	static const uint64_t pow10[] = { 1, 10, 100, 1000, 10000, 100000,
					  1000000 };
	char frac[8];
	uint64_t div, rem;

	if (decimals > 6)
		decimals = 6;
	div = pow10[decimals];
	json_sep(j);
	obuf_u64(j->out, scaled / div);
	if (decimals == 0)
		return;
	rem = scaled % div;
	for (unsigned i = decimals; i > 0; i--) {
		frac[i - 1] = (char)('0' + rem % 10);
		rem /= 10;
	}
	obuf_putc(j->out, '.');
	obuf_put(j->out, frac, decimals);
}

void json_bool(struct json *j, int v)
{
	json_sep(j);
	if (v)
		obuf_put(j->out, "true", 4);
	else
		obuf_put(j->out, "false", 5);
}

void json_null(struct json *j)
{
	json_sep(j);
	obuf_put(j->out, "null", 4);
}

void json_raw(struct json *j, const char *members, size_t len)
{
	json_sep(j);
	obuf_put(j->out, members, len);
}

void json_kascii(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_sep(j);
	obuf_putc(j->out, '"');
	obuf_puts(j->out, s);
	obuf_putc(j->out, '"');
}

void json_kstr(struct json *j, const char *key, const char *s, size_t n)
{
	json_key(j, key);
	json_str(j, s, n);
}

void json_kcstr(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	if (s == NULL)
		json_null(j);
	else
		json_cstr(j, s);
}

void json_ku64(struct json *j, const char *key, uint64_t v)
{
	json_key(j, key);
	json_u64(j, v);
}

void json_kbool(struct json *j, const char *key, int v)
{
	json_key(j, key);
	json_bool(j, v);
}

void json_knull(struct json *j, const char *key)
{
	json_key(j, key);
	json_null(j);
}
