/* proctree.h - for the unit tests: fake /proc trees (a stat file and fd
 * links per process), and checks run as an unprivileged user. */
#ifndef SOCKSCOPE_TESTS_PROCTREE_H
#define SOCKSCOPE_TESTS_PROCTREE_H

#include <stddef.h>

/* Write text to dir/name (name may be NULL: dir is the whole path). */
void proctree_put(const char *dir, const char *name, const char *text);

/* root/pid with a stat file and fd symlinks given as pairs (fd name,
 * target), NULL-terminated. */
void proctree_pid(const char *root, const char *pid, const char *stat,
		  const char *const *links);

/* rm -rf root. */
void proctree_rm(const char *root);

/* Runs fn in a child that has become uid/gid 65534 with no supplementary
 * groups; fn fills res[1..n-1] (no cmocka asserts in fn: it runs in the
 * child). Returns 0, or 1 if the child could not drop to that user or we
 * are not root (the caller skips). */
int proctree_as_nobody(void (*fn)(void *arg, long *res, size_t n), void *arg,
		       long *res, size_t n);

#endif
