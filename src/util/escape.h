/* escape.h - the one function that makes untrusted bytes (socket paths,
 * abstract names, process names) safe for a terminal and for column
 * output. Every sink that shows such text calls it, once, at the sink. */
#ifndef SOCKSCOPE_UTIL_ESCAPE_H
#define SOCKSCOPE_UTIL_ESCAPE_H

#include <stddef.h>

enum esc_flags {
	/* Pass printable, well-formed UTF-8 through (the locale's charset is
	 * UTF-8). Without it, every byte >= 0x80 is escaped as \xHH. */
	ESC_UTF8 = 1u << 0,
	/* Escape the space character too (\x20), for whitespace-free fields. */
	ESC_SPACE = 1u << 1,
	/* Escape '"' as \" too, for text shown inside double quotes. */
	ESC_DQUOTE = 1u << 2,
};

/* The most bytes esc_text() writes for len input bytes. */
#define ESC_MAX(len) ((len) * 4 + 1)

/* Escape len bytes of in into out, which must hold ESC_MAX(len) bytes.
 * Printable ASCII is copied, backslash is doubled, \a \b \t \n \v \f \r,
 * ESC and NUL are written as \a \b \t \n \v \f \r \e \0, other control
 * bytes, DEL and (without ESC_UTF8, or when malformed) bytes >= 0x80 as
 * \xHH; C1 controls, invisible direction/format characters and what the
 * locale calls unprintable (wcwidth() < 0) as \u{HHHH}.
 * The result is NUL-terminated; returns its length. If cols is not NULL it
 * receives the number of terminal columns the result occupies. */
size_t esc_text(char *out, const char *in, size_t len, unsigned flags,
		size_t *cols);

/* The terminal columns of text that esc_text() produced (ASCII and
 * printable UTF-8). */
size_t esc_cols(const char *s, size_t len);

/* True if the process's locale uses UTF-8. */
int esc_locale_is_utf8(void);

#endif
