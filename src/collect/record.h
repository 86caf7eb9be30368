/* record.h - record and replay of the kernel's raw sock_diag answers, so a
 * user can attach exactly what their kernel said to a bug report, and tests
 * can run the real parsers on bytes recorded from a real kernel.
 *
 * File format: the 8 bytes "SSCNLREC", a u32 version (1) and a u32 of
 * zero, then chunks: u32 dump (enum collect_dump), u32 length, and that
 * many bytes as read from the socket. Integers are in host byte order:
 * netlink itself is, so a recording is only meaningful on the same
 * endianness. */
#ifndef SOCKSCOPE_COLLECT_RECORD_H
#define SOCKSCOPE_COLLECT_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "collect/collect.h"
#include "util/err.h"

#define RECORD_MAGIC "SSCNLREC"
#define RECORD_VERSION 1u
#define RECORD_MAX_FILE (1024u * 1024u * 1024u)

struct record_writer {
	int fd;
	const char *path;
};

int record_open(struct record_writer *w, const char *path,
		struct sc_err *err);
int record_chunk(struct record_writer *w, enum collect_dump dump,
		 const void *buf, size_t len, struct sc_err *err);
/* Closes the file; returns -1 with err set if data could not be written. */
int record_close(struct record_writer *w, struct sc_err *err);

struct replay {
	unsigned char *data;
	size_t len;
};

/* Read a whole recording; checks the header. */
int replay_load(struct replay *r, const char *path, struct sc_err *err);
/* Wrap bytes already in memory (tests, fuzzers); does not copy or free. */
int replay_from_memory(struct replay *r, const void *data, size_t len,
		       struct sc_err *err);
void replay_free(struct replay *r);

/* Step through the chunks: *pos starts at 0. Returns 1 with the next chunk
 * in *dump, *buf, *len; 0 at the end; -1 if the file is malformed. */
int replay_next(const struct replay *r, size_t *pos, uint32_t *dump,
		const unsigned char **buf, size_t *len);

#endif
