/* escape.c - make untrusted bytes safe for terminals and columns. */
#include "config.h"

#include "util/escape.h"

#include <langinfo.h>
#include <wchar.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

static const char esc_hex[] = "0123456789abcdef";

/* Decode one well-formed UTF-8 sequence (shortest form, no surrogates,
 * at most U+10FFFF). Returns its length, or 0 if malformed. */
static size_t esc_utf8_decode(const unsigned char *s, size_t len,
			      uint32_t *cp)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t v, min;

	if (c < 0xc2)
		return 0; /* ASCII is handled elsewhere; 0x80-0xc1 are bad */
	if (c < 0xe0) {
		n = 2;
		v = c & 0x1f;
		min = 0x80;
	} else if (c < 0xf0) {
		n = 3;
		v = c & 0x0f;
		min = 0x800;
	} else if (c < 0xf5) {
		n = 4;
		v = c & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

/* Code points that are invisible or reorder text: shown as \u{...}. */
static int esc_cp_is_hidden(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0xad || cp == 0x61c ||
	       (cp >= 0x200b && cp <= 0x200f) ||
	       (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2060 && cp <= 0x2069) || cp == 0xfeff ||
	       (cp >= 0xfff9 && cp <= 0xfffb) ||
	       (cp >= 0xe0000 && cp <= 0xe007f);
}

/* Columns of a code point in the locale's terms; -1 if not printable. */
static int esc_cp_width(uint32_t cp)
{
	return wcwidth((wchar_t)cp);
}

size_t esc_text(char *out, const char *in, size_t len, unsigned flags,
		size_t *cols)
{
	const unsigned char *s = (const unsigned char *)in;
	char *o = out;
	size_t width = 0;
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		char *start = o;

		if (c >= 0x21 && c <= 0x7e && c != '\\' &&
		    !(c == '"' && (flags & ESC_DQUOTE))) {
			*o++ = (char)c;
			i++;
			width++;
			continue;
		}
		if (c == ' ' && !(flags & ESC_SPACE)) {
			*o++ = ' ';
			i++;
			width++;
			continue;
		}
		if (c >= 0x80 && (flags & ESC_UTF8)) {
			uint32_t cp = 0;
			size_t n = esc_utf8_decode(s + i, len - i, &cp);
			int w = n > 0 ? esc_cp_width(cp) : -1;
			if (n > 0 && w >= 0 && !esc_cp_is_hidden(cp)) {
				memcpy(o, s + i, n);
				o += n;
				i += n;
				width += (size_t)w;
				continue;
			}
			if (n > 0) {
				/* \u{HHHH}: at most 10 bytes for n >= 2 input
				 * bytes, within the 4-per-byte bound. */
				char hex[8];
				int k = 0;
				*o++ = '\\';
				*o++ = 'u';
				*o++ = '{';
				do {
					hex[k++] = esc_hex[cp & 0xf];
					cp >>= 4;
				} while (cp != 0 && k < 8);
				while (k < 4)
					hex[k++] = '0';
				while (k > 0)
					*o++ = hex[--k];
				*o++ = '}';
				i += n;
				width += (size_t)(o - start);
				continue;
			}
		}
		*o++ = '\\';
		switch (c) {
		case '\\': *o++ = '\\'; break;
		case '"': *o++ = '"'; break;
		case '\a': *o++ = 'a'; break;
		case '\b': *o++ = 'b'; break;
		case '\t': *o++ = 't'; break;
		case '\n': *o++ = 'n'; break;
		case '\v': *o++ = 'v'; break;
		case '\f': *o++ = 'f'; break;
		case '\r': *o++ = 'r'; break;
		case 0x1b: *o++ = 'e'; break;
		case 0: *o++ = '0'; break;
		default:
			*o++ = 'x';
			*o++ = esc_hex[c >> 4];
			*o++ = esc_hex[c & 0xf];
			break;
		}
		i++;
		width += (size_t)(o - start);
	}
	*o = '\0';
	if (cols != NULL)
		*cols = width;
	return (size_t)(o - out);
}

size_t esc_cols(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t cols = 0;

	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n;
		int w;

		if (p[i] < 0x80) {
			cols++;
			i++;
			continue;
		}
		n = esc_utf8_decode(p + i, len - i, &cp);
		if (n == 0) {
			cols++;
			i++;
			continue;
		}
		w = esc_cp_width(cp);
		cols += w < 0 ? 1 : (size_t)w;
		i += n;
	}
	return cols;
}

int esc_locale_is_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);
	return cs != NULL && (strcasecmp(cs, "UTF-8") == 0 ||
			      strcasecmp(cs, "utf8") == 0);
}
