/* json.h - a streaming JSON writer into an obuf: objects, arrays, and
 * strings that stay valid JSON for any bytes. Commas and nesting are
 * tracked here so callers only say what comes next. */
#ifndef SOCKSCOPE_UTIL_JSON_H
#define SOCKSCOPE_UTIL_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "util/obuf.h"

#define JSON_DEPTH_MAX 16

struct json {
	struct obuf *out;
	unsigned depth;
	/* per level: nothing written yet at this level */
	unsigned char empty[JSON_DEPTH_MAX + 1];
	/* a key was just written: the next value follows it */
	unsigned char after_key;
	/* values at this depth start on a line of their own (0: never) */
	unsigned char line_depth;
};

void json_init(struct json *j, struct obuf *out);

void json_obj_begin(struct json *j);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j);
void json_arr_end(struct json *j);

/* A member name (trusted, plain ASCII snake_case). */
void json_key(struct json *j, const char *key);

/* Values. json_str writes any bytes as a valid JSON string:
 *  - well-formed UTF-8 is kept, except that '"' and '\' are escaped, the
 *    controls U+0000-U+001F, U+007F-U+009F and the invisible direction
 *    marks (U+200E, U+200F, U+202A-U+202E, U+2066-U+2069) and U+2028,
 *    U+2029 are written as \uHHHH (\b \t \n \f \r for those five), so
 *    the text is safe on a terminal too;
 *  - every byte that is not part of well-formed UTF-8 (a stray
 *    continuation byte, a truncated or overlong sequence, an encoded
 *    surrogate, a value above U+10FFFF) is written as \uDCHH, HH being
 *    the byte: the "surrogateescape" convention, lossless (Python's
 *    s.encode("utf-8", "surrogateescape") gives the bytes back). */
void json_str(struct json *j, const char *s, size_t n);
void json_cstr(struct json *j, const char *s); /* NUL-terminated */
void json_u64(struct json *j, uint64_t v);
void json_i64(struct json *j, int64_t v);
/* A decimal with exactly `decimals` digits after the point (0-6). */
void json_fixed(struct json *j, uint64_t scaled, unsigned decimals);
void json_bool(struct json *j, int v);
void json_null(struct json *j);

/* Members already formatted by the caller, `"k":v,"k2":v2` (trusted,
 * constant text): a run of nulls costs one write. */
void json_raw(struct json *j, const char *members, size_t len);
#define JSON_RAW(j, lit) json_raw((j), (lit), sizeof(lit) - 1)

/* key and value together */
/* a trusted ASCII value that needs no escaping (names from tables) */
void json_kascii(struct json *j, const char *key, const char *s);
void json_kstr(struct json *j, const char *key, const char *s, size_t n);
void json_kcstr(struct json *j, const char *key, const char *s);
void json_ku64(struct json *j, const char *key, uint64_t v);
void json_kbool(struct json *j, const char *key, int v);
void json_knull(struct json *j, const char *key);

/* The escaped form of s as json_str writes it (quotes included) into out,
 * which must hold JSON_STR_MAX(n) bytes; returns the length. */
#define JSON_STR_MAX(n) ((n) * 6 + 2)
size_t json_escape(char *out, const char *s, size_t n);

#endif
