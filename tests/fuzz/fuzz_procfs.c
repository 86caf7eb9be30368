/* fuzz_procfs.c - libFuzzer target for the /proc parsers: the input is
 * file text, optionally followed by "\0\0" and a table the probe answers
 * from. The same text is also read as /proc/PID/stat and as an fd link. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "collect/owners.h"
#include "collect/procfs.h"
#include "model/sock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_run {
	const char *text; /* exact-size copy: reading past it is caught */
	size_t len;
	const char *table; /* "<c><path>" entries separated by NULs */
	size_t table_len;
	int family; /* of the inet file being parsed, or AF_UNIX */
	unsigned long calls;
	unsigned sum; /* every byte handed over is read */
};

static _Noreturn void fuzz_fail(void)
{
	abort();
}

static int fuzz_rec(void *ud, const struct sock_rec *r)
{
	struct fuzz_run *f = ud;

	f->calls++;
	if (r->family != f->family || r->state == SOCK_ST_UNKNOWN ||
	    r->state >= SOCK_ST_COUNT || r->netid >= SOCK_NETID_COUNT ||
	    r->name_len > SOCK_UNIX_NAME_MAX)
		fuzz_fail();
	if (r->family != AF_UNIX) {
		unsigned want =
			(r->state == SOCK_ST_TIME_WAIT ? 0 : SOCK_F_HAS_UID) |
			SOCK_F_HAS_RQ |
			(r->state == SOCK_ST_LISTEN ? 0 : SOCK_F_HAS_WQ);
		/* a running timer is known from its column */
		if (r->timer != SOCK_TIMER_OFF)
			want |= SOCK_F_HAS_TIMER;
		if (r->name_len != 0 || r->flags != want)
			fuzz_fail();
		return 0;
	}
	/* Sockets without an inode are not listed. */
	if (r->inode == 0 || r->flags != 0 ||
	    (r->name_len > 0) != (r->name != NULL))
		fuzz_fail();
	for (size_t i = 0; i < r->name_len; i++)
		f->sum += (unsigned char)r->name[i];
	if (r->name_len == 0)
		return 0;
	/* A path is the file's own text; an abstract name is the text
	 * after its '@'. */
	if (r->name[0] == '\0') {
		if (r->name_len > 1 && memmem(f->text, f->len, r->name + 1,
					      r->name_len - 1) == NULL)
			fuzz_fail();
	} else if (r->name < f->text ||
		   r->name + r->name_len > f->text + f->len) {
		fuzz_fail();
	}
	return 0;
}

static int fuzz_probe(void *ud, const char *path, size_t len)
{
	struct fuzz_run *f = ud;
	size_t pos = 0;

	if (path < f->text || path + len > f->text + f->len ||
	    len > SOCK_UNIX_NAME_MAX)
		fuzz_fail();
	while (pos < f->table_len) {
		const char *e = f->table + pos;
		const char *end = memchr(e, '\0', f->table_len - pos);
		size_t n = end != NULL ? (size_t)(end - e) : f->table_len - pos;

		if (n >= 1 && n - 1 == len && memcmp(e + 1, path, len) == 0)
			return e[0] == '1' ? 1 : e[0] == '-' ? -1 : 0;
		pos += n + 1;
	}
	return 0;
}

static void fuzz_inet(struct fuzz_run *f, enum sock_netid netid, int family)
{
	struct procfs_stats st = { 0 };

	f->family = family;
	f->calls = 0;
	if (procfs_parse_inet(f->text, f->len, netid, family, fuzz_rec, f,
			      &st) != 0 ||
	    st.lines != f->calls || st.ambiguous != 0)
		fuzz_fail();
}

static void fuzz_unix(struct fuzz_run *f, int with_probe)
{
	struct procfs_stats st = { 0 };

	f->family = AF_UNIX;
	f->calls = 0;
	if (procfs_parse_unix(f->text, f->len, with_probe ? fuzz_probe : NULL,
			      f, fuzz_rec, f, &st) != 0 ||
	    st.lines != f->calls)
		fuzz_fail();
}

/* A command name lies inside the text between '(' and ')'; a link that
 * parses is exactly "socket:[N]" for the N it gave. */
static void fuzz_owner_texts(const char *text, size_t len)
{
	const char *comm;
	size_t clen;
	uint64_t ino;

	if (owners_parse_stat(text, len, &comm, &clen) == 0 &&
	    (comm <= text || comm + clen >= text + len || comm[-1] != '(' ||
	     comm[clen] != ')'))
		fuzz_fail();
	if (owners_parse_link(text, len, &ino) == 0) {
		char want[40];
		int n = snprintf(want, sizeof(want), "socket:[%llu]",
				 (unsigned long long)ino);
		if (ino == 0 || (size_t)n != len || memcmp(want, text, len) != 0)
			fuzz_fail();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	const char *sep = memmem(in, size, "\0\0", 2);
	size_t len = sep != NULL ? (size_t)(sep - in) : size;
	struct fuzz_run f = { 0 };
	char *text = malloc(len ? len : 1);

	if (text == NULL)
		return 0;
	memcpy(text, in, len);
	f.text = text;
	f.len = len;
	if (sep != NULL) {
		f.table = sep + 2;
		f.table_len = size - len - 2;
	}
	fuzz_inet(&f, SOCK_NETID_TCP, AF_INET);
	fuzz_inet(&f, SOCK_NETID_UDP, AF_INET6);
	fuzz_unix(&f, 1);
	fuzz_unix(&f, 0);
	fuzz_owner_texts(text, len);
	free(text);
	return 0;
}
