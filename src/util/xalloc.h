/* xalloc.h - allocation that aborts on exhaustion: running out of memory is
 * not an error sockscope can recover from. */
#ifndef SOCKSCOPE_UTIL_XALLOC_H
#define SOCKSCOPE_UTIL_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* realloc for an array of nmemb elements, failing on overflow */
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);

#endif
