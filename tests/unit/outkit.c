/* outkit.c - rows, captured output and a second JSON parser for the
 * output modules' unit tests. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "outkit.h"

struct sock_rec outkit_inet(uint8_t netid, int family, uint8_t state,
			    const char *src, uint16_t sport, const char *dst,
			    uint16_t dport)
{
	struct sock_rec r;

	memset(&r, 0, sizeof(r));
	r.netid = netid;
	r.family = (uint8_t)family;
	r.state = state;
	r.flags = SOCK_F_HAS_RQ | SOCK_F_HAS_WQ;
	assert_int_equal(inet_pton(family, src, r.src), 1);
	assert_int_equal(inet_pton(family, dst, r.dst), 1);
	r.sport = sport;
	r.dport = dport;
	return r;
}

struct sock_rec outkit_unix(uint8_t netid, uint8_t state, const char *name,
			    size_t len, uint64_t inode)
{
	struct sock_rec r;

	memset(&r, 0, sizeof(r));
	r.netid = netid;
	r.family = AF_UNIX;
	r.state = state;
	r.flags = SOCK_F_HAS_RQ | SOCK_F_HAS_WQ | SOCK_F_HAS_PEER;
	r.name = name;
	r.name_len = (uint16_t)len;
	r.inode = inode;
	return r;
}

void outkit_rows(struct outkit_rows *k, const struct sock_rec *r, size_t n)
{
	k->rows = rows_new(0);
	for (size_t i = 0; i < n; i++)
		rows_add(k->rows, &r[i]);
	rows_view_all(k->rows, &k->v);
}

void outkit_rows_free(struct outkit_rows *k)
{
	rows_view_free(&k->v);
	rows_free(k->rows);
}

void outkit_open(struct obuf *o)
{
	FILE *f = tmpfile();

	assert_non_null(f);
	/* the descriptor outlives the stream */
	obuf_init(o, dup(fileno(f)));
	fclose(f);
	assert_true(o->fd >= 0);
}

char *outkit_text(struct obuf *o)
{
	off_t end;
	char *s;

	assert_int_equal(obuf_flush(o), 0);
	end = lseek(o->fd, 0, SEEK_END);
	assert_true(end >= 0);
	s = malloc((size_t)end + 1);
	assert_non_null(s);
	assert_int_equal(pread(o->fd, s, (size_t)end, 0), end);
	s[end] = '\0';
	close(o->fd);
	obuf_free(o);
	return s;
}

void outkit_check(char *got, const char *want)
{
	int same = strcmp(got, want) == 0;

	if (!same)
		print_error("want:\n%s\ngot:\n%s\n", want, got);
	free(got);
	assert_true(same);
}

int outkit_json_ok(const char *text)
{
	FILE *p;
	int st;

	if (system("python3 -c '' >/dev/null 2>&1") != 0)
		return -1;
	p = popen("python3 -c 'import json,sys; json.load(sys.stdin)'"
		  " 2>/dev/null",
		  "w");
	assert_non_null(p);
	fputs(text, p);
	st = pclose(p);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

void outkit_no_trailing_space(const char *text)
{
	for (const char *p = text; *p != '\0'; p++)
		if (*p == '\n' && p > text && p[-1] == ' ')
			fail_msg("a line ends in a space: ...%.40s",
				 p - (p - text < 40 ? p - text : 40));
}
