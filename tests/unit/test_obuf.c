/* test_obuf.c - the block output buffer: exact bytes through a pipe across
 * block boundaries, padding and numbers, and the kept first write error
 * (EPIPE, ENOSPC, EBADF). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/obuf.h"

/* ---- a pipe drained by a thread, so writes of any size complete ----- */

struct drain {
	int fd;
	char *buf;
	size_t len, cap;
	int err;
};

static void *drain_run(void *arg)
{
	struct drain *d = arg;

	for (;;) {
		ssize_t n;
		if (d->cap - d->len < 65536) {
			char *nb;
			d->cap = d->cap ? d->cap * 2 : 1 << 20;
			nb = realloc(d->buf, d->cap);
			if (nb == NULL) {
				d->err = ENOMEM;
				return NULL;
			}
			d->buf = nb;
		}
		n = read(d->fd, d->buf + d->len, d->cap - d->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			d->err = errno;
			return NULL;
		}
		if (n == 0)
			return NULL;
		d->len += (size_t)n;
	}
}

struct piped {
	struct obuf o;
	int wfd;
	pthread_t thread;
	struct drain d;
};

static void piped_open(struct piped *p)
{
	int fds[2];

	memset(p, 0, sizeof(*p));
	assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
	p->d.fd = fds[0];
	p->wfd = fds[1];
	assert_int_equal(pthread_create(&p->thread, NULL, drain_run, &p->d),
			 0);
	obuf_init(&p->o, p->wfd);
}

/* Flush, close the write end and wait for everything written. */
static void piped_finish(struct piped *p)
{
	assert_int_equal(obuf_flush(&p->o), 0);
	obuf_free(&p->o);
	close(p->wfd);
	assert_int_equal(pthread_join(p->thread, NULL), 0);
	close(p->d.fd);
	assert_int_equal(p->d.err, 0);
}

static void piped_expect(struct piped *p, const char *want, size_t len)
{
	piped_finish(p);
	assert_int_equal(p->d.len, len);
	if (len > 0)
		assert_memory_equal(p->d.buf, want, len);
	free(p->d.buf);
}

/* ---- tests ------------------------------------------------------------ */

static void test_small_writes(void **state)
{
	static const char want[] = "hello, world\n42 x\n";
	struct piped p;

	(void)state;
	piped_open(&p);
	obuf_put(&p.o, "hello", 5);
	obuf_put(&p.o, "", 0);
	obuf_putc(&p.o, ',');
	obuf_pad(&p.o, 1);
	obuf_puts(&p.o, "world\n");
	obuf_u64(&p.o, 42);
	obuf_puts(&p.o, "");
	obuf_putc(&p.o, ' ');
	obuf_puts(&p.o, "x\n");
	assert_int_equal(p.o.len, sizeof(want) - 1); /* nothing written yet */
	piped_expect(&p, want, sizeof(want) - 1);
}

static void test_nothing_written(void **state)
{
	struct piped p;

	(void)state;
	piped_open(&p);
	assert_int_equal(obuf_flush(&p.o), 0);
	assert_int_equal(obuf_flush(&p.o), 0);
	piped_expect(&p, "", 0);
}

/* A flush writes what is buffered once; a second flush writes nothing. */
static void test_flush_twice(void **state)
{
	struct piped p;

	(void)state;
	piped_open(&p);
	obuf_puts(&p.o, "abc");
	assert_int_equal(obuf_flush(&p.o), 0);
	assert_int_equal(p.o.len, 0);
	assert_int_equal(obuf_flush(&p.o), 0);
	obuf_puts(&p.o, "def");
	piped_expect(&p, "abcdef", 6);
}

static char pattern_byte(size_t i)
{
	return (char)('a' + (i * 7 + i / 251) % 26);
}

/* Pieces of many sizes, below, at and above OBUF_BLOCK, and single bytes
 * across the block edges, come out in order and complete. */
static void test_large_writes(void **state)
{
	static const size_t sizes[] = {
		1, 7, 4095, OBUF_BLOCK - 1, 1, OBUF_BLOCK, OBUF_BLOCK + 1,
		3, 3 * OBUF_BLOCK, 65536, OBUF_BLOCK - 2, 0, 2,
	};
	size_t total = 0, pos = 0;
	char *want;
	struct piped p;

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		total += sizes[i];
	total += 3 * OBUF_BLOCK + 10; /* the putc run below */
	want = malloc(total);
	assert_non_null(want);
	for (size_t i = 0; i < total; i++)
		want[i] = pattern_byte(i);

	piped_open(&p);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		obuf_put(&p.o, want + pos, sizes[i]);
		pos += sizes[i];
		assert_true(p.o.len <= OBUF_BLOCK);
	}
	while (pos < total) {
		obuf_putc(&p.o, want[pos++]);
		assert_true(p.o.len <= OBUF_BLOCK);
	}
	assert_int_equal(p.o.error, 0);
	piped_expect(&p, want, total);
	free(want);
}

static void test_pad(void **state)
{
	static const size_t ns[] = { 0, 1, 63, 64, 65, 1000, 129 };

	(void)state;
	for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		size_t n = ns[i];
		char *want = malloc(n + 2);
		struct piped p;

		assert_non_null(want);
		want[0] = '<';
		memset(want + 1, ' ', n);
		want[n + 1] = '>';
		piped_open(&p);
		obuf_putc(&p.o, '<');
		obuf_pad(&p.o, n);
		obuf_putc(&p.o, '>');
		piped_expect(&p, want, n + 2);
		free(want);
	}
}

/* Padding that crosses a block edge. */
static void test_pad_across_block(void **state)
{
	size_t total = OBUF_BLOCK + 100;
	char *want = malloc(total);
	struct piped p;

	(void)state;
	assert_non_null(want);
	memset(want, 'x', OBUF_BLOCK - 10);
	memset(want + OBUF_BLOCK - 10, ' ', 100);
	memset(want + OBUF_BLOCK + 90, 'y', 10);
	piped_open(&p);
	obuf_put(&p.o, want, OBUF_BLOCK - 10);
	obuf_pad(&p.o, 100);
	obuf_put(&p.o, want + OBUF_BLOCK + 90, 10);
	piped_expect(&p, want, total);
	free(want);
}

static void test_u64(void **state)
{
	static const char want[] =
		"0|9|10|99|100|4294967295|4294967296|18446744073709551615|";
	static const uint64_t vs[] = {
		0, 9, 10, 99, 100, UINT32_MAX, (uint64_t)UINT32_MAX + 1,
		UINT64_MAX,
	};
	struct piped p;

	(void)state;
	piped_open(&p);
	for (size_t i = 0; i < sizeof(vs) / sizeof(vs[0]); i++) {
		obuf_u64(&p.o, vs[i]);
		obuf_putc(&p.o, '|');
	}
	piped_expect(&p, want, sizeof(want) - 1);
}

static void test_fmt_u64(void **state)
{
	static const struct {
		uint64_t v;
		const char *s;
	} vs[] = {
		{ 0, "0" },
		{ 9, "9" },
		{ 10, "10" },
		{ 1000000, "1000000" },
		{ 10000000000000000000ull, "10000000000000000000" },
		{ UINT64_MAX, "18446744073709551615" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(vs) / sizeof(vs[0]); i++) {
		char out[24];
		size_t n;

		memset(out, '#', sizeof(out));
		n = fmt_u64(out, vs[i].v);
		assert_int_equal(n, strlen(vs[i].s));
		assert_memory_equal(out, vs[i].s, n);
		/* digits only: no terminator, nothing past them */
		for (size_t k = n; k < sizeof(out); k++)
			assert_int_equal(out[k], '#');
	}
}

static void test_fmt_x64(void **state)
{
	static const struct {
		uint64_t v;
		const char *s;
	} vs[] = {
		{ 0, "0" },
		{ 9, "9" },
		{ 10, "a" },
		{ 0x564e7e, "564e7e" },
		{ 0xdeadbeefcafeull, "deadbeefcafe" },
		{ UINT64_MAX, "ffffffffffffffff" },
	};
	char out[20];

	(void)state;
	for (size_t i = 0; i < sizeof(vs) / sizeof(vs[0]); i++) {
		size_t n;

		memset(out, '#', sizeof(out));
		n = fmt_x64(out, vs[i].v);
		assert_int_equal(n, strlen(vs[i].s));
		assert_memory_equal(out, vs[i].s, n);
		assert_int_equal(out[n], '#');
	}
}

/* A pipe nobody reads: EPIPE, kept through later writes and flushes. */
static void test_epipe(void **state)
{
	struct obuf o;
	int fds[2];
	char *big = calloc(1, OBUF_BLOCK + 1);

	(void)state;
	assert_non_null(big);
	assert_true(signal(SIGPIPE, SIG_IGN) != SIG_ERR);
	assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
	close(fds[0]);
	obuf_init(&o, fds[1]);
	obuf_puts(&o, "lost\n");
	assert_int_equal(o.error, 0); /* nothing written until a flush */
	assert_int_equal(obuf_flush(&o), EPIPE);
	assert_int_equal(o.error, EPIPE);
	obuf_puts(&o, "more\n");
	obuf_putc(&o, 'x');
	obuf_put(&o, big, OBUF_BLOCK + 1); /* the direct path */
	assert_int_equal(o.error, EPIPE);
	assert_int_equal(obuf_flush(&o), EPIPE);
	assert_int_equal(obuf_flush(&o), EPIPE);
	obuf_free(&o);
	close(fds[1]);
	free(big);
}

/* A write larger than the block goes out at once and reports its error. */
static void test_direct_write_error(void **state)
{
	struct obuf o;
	int fd = open("/dev/full", O_WRONLY | O_CLOEXEC);
	char *big = calloc(1, 2 * OBUF_BLOCK);

	(void)state;
	if (fd < 0) {
		free(big);
		skip();
		return;
	}
	assert_non_null(big);
	obuf_init(&o, fd);
	obuf_put(&o, big, 2 * OBUF_BLOCK);
	assert_int_equal(o.error, ENOSPC);
	assert_int_equal(obuf_flush(&o), ENOSPC);
	obuf_free(&o);
	close(fd);
	free(big);
}

static void test_enospc_first_error_kept(void **state)
{
	struct obuf o;
	int fd = open("/dev/full", O_WRONLY | O_CLOEXEC);
	int fds[2];

	(void)state;
	if (fd < 0) {
		skip();
		return;
	}
	obuf_init(&o, fd);
	obuf_puts(&o, "full\n");
	assert_int_equal(obuf_flush(&o), ENOSPC);
	obuf_puts(&o, "again\n");
	assert_int_equal(obuf_flush(&o), ENOSPC);

	/* A later, different failure does not replace the first. */
	assert_true(signal(SIGPIPE, SIG_IGN) != SIG_ERR);
	assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
	close(fds[0]);
	o.fd = fds[1];
	obuf_puts(&o, "x");
	assert_int_equal(obuf_flush(&o), ENOSPC);
	obuf_free(&o);
	close(fds[1]);
	close(fd);
}

static void test_ebadf(void **state)
{
	struct obuf o;

	(void)state;
	obuf_init(&o, -1);
	obuf_puts(&o, "x");
	assert_int_equal(obuf_flush(&o), EBADF);
	obuf_free(&o);
	obuf_free(&o); /* safe twice: the buffer pointer is cleared */
	assert_null(o.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_writes),
		cmocka_unit_test(test_nothing_written),
		cmocka_unit_test(test_flush_twice),
		cmocka_unit_test(test_large_writes),
		cmocka_unit_test(test_pad),
		cmocka_unit_test(test_pad_across_block),
		cmocka_unit_test(test_u64),
		cmocka_unit_test(test_fmt_u64),
		cmocka_unit_test(test_fmt_x64),
		cmocka_unit_test(test_epipe),
		cmocka_unit_test(test_direct_write_error),
		cmocka_unit_test(test_enospc_first_error_kept),
		cmocka_unit_test(test_ebadf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
