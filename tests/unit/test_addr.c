/* test_addr.c - the address and port columns in ss's forms: IPv4, IPv6,
 * wildcards, interface suffixes, service names from a fixture services
 * file, and Unix names with their inode "ports". */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <locale.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "output/addr.h"
#include "util/escape.h"

#define SERVICES FIXTURE_DIR "/services"

/* ---- records -------------------------------------------------------- */

static struct sock_rec inet_rec(int family, const char *src, uint16_t sport,
				const char *dst, uint16_t dport)
{
	struct sock_rec r;

	memset(&r, 0, sizeof(r));
	r.family = (uint8_t)family;
	r.netid = SOCK_NETID_TCP;
	r.state = SOCK_ST_ESTABLISHED;
	assert_int_equal(inet_pton(family, src, r.src), 1);
	assert_int_equal(inet_pton(family, dst, r.dst), 1);
	r.sport = sport;
	r.dport = dport;
	return r;
}

static struct sock_rec unix_rec(const char *name, size_t len, uint64_t ino,
				uint64_t peer)
{
	struct sock_rec r;

	memset(&r, 0, sizeof(r));
	r.family = AF_UNIX;
	r.netid = SOCK_NETID_UNIX_STREAM;
	r.state = SOCK_ST_ESTABLISHED;
	r.flags = SOCK_F_HAS_PEER;
	r.name = name;
	r.name_len = (uint16_t)len;
	r.inode = ino;
	r.peer_ino = peer;
	return r;
}

static struct addr_ctx *ctx(int numeric, unsigned esc_flags)
{
	struct addr_opts o = {
		.numeric = numeric,
		.resolve = 0,
		.esc_flags = esc_flags,
		.services_path = SERVICES,
	};
	return addr_ctx_new(&o);
}

/* ---- checks: each output buffer is exactly ADDR_TEXT_MAX bytes, so the
 * sanitizers and valgrind see any write past the documented bound ----- */

enum which { LHOST, LPORT, PHOST, PPORT };

static char *text_of(struct addr_ctx *c, const struct sock_rec *r,
		     enum which w, size_t *cols)
{
	char *out = malloc(ADDR_TEXT_MAX);
	size_t n = 0;

	assert_non_null(out);
	memset(out, 0xa5, ADDR_TEXT_MAX);
	*cols = (size_t)-1;
	switch (w) {
	case LHOST: n = addr_local_host(c, r, out, cols); break;
	case LPORT: n = addr_local_port(c, r, out); break;
	case PHOST: n = addr_peer_host(c, r, out, cols); break;
	case PPORT: n = addr_peer_port(c, r, out); break;
	}
	assert_true(n < ADDR_TEXT_MAX);
	assert_int_equal(out[n], '\0');
	assert_int_equal(strlen(out), n);
	return out;
}

static void expect(struct addr_ctx *c, const struct sock_rec *r,
		   enum which w, const char *want, size_t want_cols)
{
	size_t cols;
	char *out = text_of(c, r, w, &cols);
	int same = strcmp(out, want) == 0;

	if (!same)
		print_error("want \"%s\", got \"%s\"\n", want, out);
	free(out);
	assert_true(same);
	if (w == LHOST || w == PHOST)
		assert_int_equal(cols, want_cols);
}

#define EXPECT(c, r, w, want) expect(c, r, w, want, strlen(want))

/* ---- inet ------------------------------------------------------------ */

static void test_ipv4(void **state)
{
	struct addr_ctx *c = ctx(1, 0);
	struct sock_rec r;

	(void)state;
	r = inet_rec(AF_INET, "127.0.0.1", 8080, "10.1.2.3", 443);
	EXPECT(c, &r, LHOST, "127.0.0.1");
	EXPECT(c, &r, LPORT, "8080");
	EXPECT(c, &r, PHOST, "10.1.2.3");
	EXPECT(c, &r, PPORT, "443");
	assert_int_equal(addr_separator(&r), ':');

	r = inet_rec(AF_INET, "0.0.0.0", 22, "0.0.0.0", 0);
	EXPECT(c, &r, LHOST, "0.0.0.0");
	EXPECT(c, &r, LPORT, "22");
	EXPECT(c, &r, PHOST, "0.0.0.0");
	EXPECT(c, &r, PPORT, "*");

	r = inet_rec(AF_INET, "255.255.255.255", 65535, "1.22.133.4", 1);
	EXPECT(c, &r, LHOST, "255.255.255.255");
	EXPECT(c, &r, LPORT, "65535");
	EXPECT(c, &r, PHOST, "1.22.133.4");
	EXPECT(c, &r, PPORT, "1");
	addr_ctx_free(c);
}

static void test_ipv6(void **state)
{
	struct addr_ctx *c = ctx(1, 0);
	struct sock_rec r;

	(void)state;
	r = inet_rec(AF_INET6, "::1", 8081, "::1", 40000);
	EXPECT(c, &r, LHOST, "[::1]");
	EXPECT(c, &r, LPORT, "8081");
	EXPECT(c, &r, PHOST, "[::1]");
	EXPECT(c, &r, PPORT, "40000");
	assert_int_equal(addr_separator(&r), ':');

	/* the wildcard: "*" when dual-stack, "[::]" with IPV6_V6ONLY */
	r = inet_rec(AF_INET6, "::", 80, "::", 0);
	EXPECT(c, &r, LHOST, "*");
	EXPECT(c, &r, PHOST, "*");
	EXPECT(c, &r, PPORT, "*");
	r.flags = SOCK_F_V6ONLY;
	EXPECT(c, &r, LHOST, "[::]");
	EXPECT(c, &r, PHOST, "[::]");

	r = inet_rec(AF_INET6, "::ffff:127.0.0.1", 80, "::ffff:10.0.0.1", 9);
	EXPECT(c, &r, LHOST, "[::ffff:127.0.0.1]");
	EXPECT(c, &r, PHOST, "[::ffff:10.0.0.1]");

	r = inet_rec(AF_INET6, "2001:db8::1:0:0:1", 1, "fe80::1", 2);
	EXPECT(c, &r, LHOST, "[2001:db8::1:0:0:1]");
	EXPECT(c, &r, PHOST, "[fe80::1]");

	r = inet_rec(AF_INET6,
		     "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1, "::", 0);
	EXPECT(c, &r, LHOST, "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]");
	addr_ctx_free(c);
}

/* "%ifname" follows the local address of a socket bound to a device; the
 * peer never has one. lo is index 1 in every network namespace. */
static void test_ifindex(void **state)
{
	struct addr_ctx *c = ctx(1, 0);
	struct sock_rec r;

	(void)state;
	r = inet_rec(AF_INET, "127.0.0.1", 53, "127.0.0.2", 5353);
	r.ifindex = 1;
	if (if_nametoindex("lo") == 1) {
		EXPECT(c, &r, LHOST, "127.0.0.1%lo");
		EXPECT(c, &r, LHOST, "127.0.0.1%lo"); /* from the cache */
		EXPECT(c, &r, PHOST, "127.0.0.2");
		r = inet_rec(AF_INET6, "fe80::1", 53, "fe80::2", 1);
		r.ifindex = 1;
		EXPECT(c, &r, LHOST, "[fe80::1]%lo");
		EXPECT(c, &r, PHOST, "[fe80::2]");
		r = inet_rec(AF_INET6, "::", 53, "::", 0);
		r.ifindex = 1;
		EXPECT(c, &r, LHOST, "*%lo");
	}
	/* an index with no interface is shown as a number */
	r = inet_rec(AF_INET, "0.0.0.0", 53, "0.0.0.0", 0);
	r.ifindex = 999999;
	if (if_indextoname(999999, (char[IF_NAMESIZE]){ 0 }) == NULL)
		EXPECT(c, &r, LHOST, "0.0.0.0%999999");
	r.ifindex = 4000000000u;
	if (if_indextoname(4000000000u, (char[IF_NAMESIZE]){ 0 }) == NULL)
		EXPECT(c, &r, LHOST, "0.0.0.0%4000000000");
	addr_ctx_free(c);
}

/* An interface name is escaped like any outside text, and its columns,
 * not its bytes, count in a UTF-8 locale. Checked in a child that renames
 * lo in a private network namespace (root only; skipped otherwise). */
static void test_ifname_utf8_cols(void **state)
{
	int fds[2];
	pid_t pid;
	int status;
	char buf[ADDR_TEXT_MAX + 64];
	ssize_t n;
	size_t got = 0;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct ifreq ifr;
		struct addr_opts o = { .numeric = 1, .esc_flags = ESC_UTF8 };
		struct addr_ctx *c;
		struct sock_rec r;
		char out[ADDR_TEXT_MAX], line[ADDR_TEXT_MAX + 32];
		size_t cols, len;
		int sk;

		close(fds[0]);
		if (unshare(CLONE_NEWNET) != 0)
			_exit(77);
		sk = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		memset(&ifr, 0, sizeof(ifr));
		strcpy(ifr.ifr_name, "lo");
		strcpy(ifr.ifr_newname, "caf\xc3\xa9");
		if (sk < 0 || ioctl(sk, SIOCSIFNAME, &ifr) != 0)
			_exit(77);
		close(sk);
		c = addr_ctx_new(&o);
		r = inet_rec(AF_INET, "127.0.0.1", 1, "0.0.0.0", 0);
		r.ifindex = 1;
		len = addr_local_host(c, &r, out, &cols);
		snprintf(line, sizeof(line), "%zu %zu %s", len, cols, out);
		if (write(fds[1], line, strlen(line)) < 0)
			_exit(1);
		addr_ctx_free(c);
		_exit(0);
	}
	close(fds[1]);
	while ((n = read(fds[0], buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77) {
		skip();
		return;
	}
	assert_int_equal(WEXITSTATUS(status), 0);
	/* 15 bytes, 14 columns */
	assert_string_equal(buf, "15 14 127.0.0.1%caf\xc3\xa9");
}

static void test_fmt_ipv4(void **state)
{
	static const struct {
		uint8_t a[4];
		const char *s;
	} v[] = {
		{ { 0, 0, 0, 0 }, "0.0.0.0" },
		{ { 255, 255, 255, 255 }, "255.255.255.255" },
		{ { 10, 0, 0, 1 }, "10.0.0.1" },
		{ { 1, 22, 133, 4 }, "1.22.133.4" },
		{ { 100, 99, 10, 9 }, "100.99.10.9" },
		{ { 200, 201, 250, 110 }, "200.201.250.110" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char out[20];
		memset(out, '#', sizeof(out));
		assert_int_equal(addr_fmt_ipv4(out, v[i].a), strlen(v[i].s));
		assert_string_equal(out, v[i].s);
		assert_int_equal(out[16], '#');
	}
}

/* ---- ports and services --------------------------------------------- */

static void test_ports_numeric(void **state)
{
	struct addr_ctx *c = ctx(1, 0);
	struct sock_rec r = inet_rec(AF_INET, "127.0.0.1", 80, "0.0.0.0", 0);

	(void)state;
	EXPECT(c, &r, LPORT, "80");
	EXPECT(c, &r, PPORT, "*");
	r.sport = 8080;
	EXPECT(c, &r, LPORT, "8080");
	r.sport = 0;
	EXPECT(c, &r, LPORT, "*");
	addr_ctx_free(c);
}

static void port_is(struct addr_ctx *c, uint8_t netid, uint16_t port,
		    const char *want)
{
	struct sock_rec r = inet_rec(AF_INET, "127.0.0.1", port, "0.0.0.0",
				     port);
	r.netid = netid;
	EXPECT(c, &r, LPORT, want);
	EXPECT(c, &r, PPORT, want);
}

static void test_services(void **state)
{
	struct addr_ctx *c = ctx(0, 0);
	const uint8_t tcp = SOCK_NETID_TCP, udp = SOCK_NETID_UDP;

	(void)state;
	port_is(c, tcp, 0, "*");
	port_is(c, tcp, 80, "http");  /* first of two entries */
	port_is(c, udp, 80, "80");    /* tcp only */
	port_is(c, tcp, 53, "domain");
	port_is(c, udp, 53, "dns");   /* first of the udp entries */
	port_is(c, tcp, 8080, "webcache");
	port_is(c, tcp, 9000, "tcp-only");
	port_is(c, udp, 9000, "9000");
	port_is(c, tcp, 9001, "9001");
	port_is(c, udp, 9001, "udp-only");
	port_is(c, tcp, 7000, "indented");
	port_is(c, tcp, 7001, "7001"); /* commented out */
	port_is(c, tcp, 7002, "7002"); /* no protocol */
	port_is(c, tcp, 7003, "7003"); /* sctp */
	port_is(c, udp, 7003, "7003");
	port_is(c, tcp, 70, "70");     /* "70x4" is not a number */
	port_is(c, tcp, 7004, "7004");
	port_is(c, tcp, 7005, "7005"); /* negative */
	port_is(c, tcp, 7006, "7006"); /* no name */
	port_is(c, tcp, 7013, "7013"); /* empty protocol */
	port_is(c, udp, 65535, "max");
	port_is(c, tcp, 65535, "65535");
	port_is(c, tcp, 7011, "esc\\ename"); /* escaped */
	port_is(c, tcp, 7010, "caf\\xc3\\xa9");
	port_is(c, tcp, 7012, "final"); /* last line, no newline */
	port_is(c, tcp, 7009,
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	port_is(c, tcp, 81, "81");
	port_is(c, tcp, 1, "1");
	addr_ctx_free(c);

	c = ctx(0, ESC_UTF8);
	port_is(c, tcp, 7010, "caf\xc3\xa9");
	addr_ctx_free(c);

	/* -n wins over the file */
	c = ctx(1, 0);
	port_is(c, tcp, 80, "80");
	port_is(c, udp, 65535, "65535");
	addr_ctx_free(c);
}

/* Unix "ports" are inodes and never names, even when a service matches. */
static void test_unix_ports_not_services(void **state)
{
	struct addr_ctx *c = ctx(0, 0);
	struct sock_rec r = unix_rec("/x", 3, 80, 53);

	(void)state;
	EXPECT(c, &r, LPORT, "80");
	EXPECT(c, &r, PPORT, "53");
	addr_ctx_free(c);
}

static struct addr_ctx *ctx_with_services(const char *path)
{
	struct addr_opts o = { .services_path = path };
	return addr_ctx_new(&o);
}

/* Without a usable services file every port stays a number. */
static void test_services_missing_or_empty(void **state)
{
	static const char *const contents[] = {
		"", "# only a comment\n", "\n\n\n", "http\n", "80/tcp\n",
	};
	struct sock_rec r = inet_rec(AF_INET, "127.0.0.1", 80, "0.0.0.0", 0);
	struct addr_ctx *c;

	(void)state;
	c = ctx_with_services(FIXTURE_DIR "/no-such-services-file");
	EXPECT(c, &r, LPORT, "80");
	addr_ctx_free(c);
	for (size_t i = 0; i < sizeof(contents) / sizeof(contents[0]); i++) {
		char path[] = "/tmp/sockscope-test-services-XXXXXX";
		int fd = mkstemp(path);
		size_t n = strlen(contents[i]);

		assert_true(fd >= 0);
		assert_int_equal(write(fd, contents[i], n), (ssize_t)n);
		close(fd);
		c = ctx_with_services(path);
		EXPECT(c, &r, LPORT, "80");
		addr_ctx_free(c);
		unlink(path);
	}
}

/* A services file larger than the first read buffer. */
static void test_services_large(void **state)
{
	char path[] = "/tmp/sockscope-test-services-XXXXXX";
	int fd = mkstemp(path);
	FILE *f;
	struct addr_ctx *c;

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	for (unsigned p = 1; p <= 20000; p++)
		fprintf(f, "svc-%u\t%u/tcp\t\t# padding padding padding\n", p,
			p);
	fprintf(f, "udp-last\t20000/udp\n");
	assert_int_equal(fclose(f), 0);
	c = ctx_with_services(path);
	port_is(c, SOCK_NETID_TCP, 1, "svc-1");
	port_is(c, SOCK_NETID_TCP, 12345, "svc-12345");
	port_is(c, SOCK_NETID_TCP, 20000, "svc-20000");
	port_is(c, SOCK_NETID_TCP, 20001, "20001");
	port_is(c, SOCK_NETID_UDP, 20000, "udp-last");
	port_is(c, SOCK_NETID_UDP, 19999, "19999");
	addr_ctx_free(c);
	unlink(path);
}

/* ---- unix ----------------------------------------------------------- */

static void test_unix_names(void **state)
{
	struct addr_ctx *c = ctx(0, 0);
	struct sock_rec r;

	(void)state;
	/* a path, with the kernel's terminating NUL counted in */
	r = unix_rec("/run/x.sock", sizeof("/run/x.sock"), 12345, 0);
	EXPECT(c, &r, LHOST, "/run/x.sock");
	EXPECT(c, &r, LPORT, "12345");
	EXPECT(c, &r, PHOST, "*");
	EXPECT(c, &r, PPORT, "0");
	assert_int_equal(addr_separator(&r), ' ');

	/* ... which stops at the first NUL */
	r = unix_rec("/tmp/a\0junk", 11, 1, 2);
	EXPECT(c, &r, LHOST, "/tmp/a");
	EXPECT(c, &r, PPORT, "2");
	/* ... or at name_len when there is none */
	r = unix_rec("/tmp/abcdef", 6, 1, 2);
	EXPECT(c, &r, LHOST, "/tmp/a");

	r = unix_rec("/tmp/a\x1b[31mb\nc", sizeof("/tmp/a\x1b[31mb\nc"), 7,
		     8);
	EXPECT(c, &r, LHOST, "/tmp/a\\e[31mb\\nc");
	r = unix_rec("/tmp/a b\\c", sizeof("/tmp/a b\\c"), 7, 8);
	EXPECT(c, &r, LHOST, "/tmp/a b\\\\c");

	/* abstract: "@", interior NULs as \0 */
	r = unix_rec("\0name", 5, 99, 100);
	EXPECT(c, &r, LHOST, "@name");
	EXPECT(c, &r, LPORT, "99");
	EXPECT(c, &r, PPORT, "100");
	r = unix_rec("\0a\0b\x1b", 5, 1, 0);
	EXPECT(c, &r, LHOST, "@a\\0b\\e");
	r = unix_rec("\0", 1, 1, 0);
	EXPECT(c, &r, LHOST, "@");
	r = unix_rec("\0trailing\0", 10, 1, 0);
	EXPECT(c, &r, LHOST, "@trailing\\0");

	/* unnamed */
	r = unix_rec(NULL, 0, 5, 6);
	EXPECT(c, &r, LHOST, "*");
	EXPECT(c, &r, LPORT, "5");
	EXPECT(c, &r, PHOST, "*");
	EXPECT(c, &r, PPORT, "6");
	r = unix_rec("ignored", 0, 5, 6);
	EXPECT(c, &r, LHOST, "*");

	r = unix_rec("/x", 3, UINT64_MAX, UINT64_MAX - 1);
	EXPECT(c, &r, LPORT, "18446744073709551615");
	EXPECT(c, &r, PPORT, "18446744073709551614");

	/* /proc/net/unix does not give the peer */
	r = unix_rec("/x", 3, 5, 0);
	r.flags &= (uint8_t)~SOCK_F_HAS_PEER;
	EXPECT(c, &r, PPORT, "?");
	EXPECT(c, &r, PHOST, "*");
	EXPECT(c, &r, LPORT, "5");
	addr_ctx_free(c);
}

/* Names in a UTF-8 locale: bytes and columns differ. */
static void test_unix_utf8(void **state)
{
	struct addr_ctx *c = ctx(0, ESC_UTF8);
	struct addr_ctx *plain = ctx(0, 0);
	struct sock_rec r;

	(void)state;
	r = unix_rec("\0caf\xc3\xa9", 6, 1, 0);
	expect(c, &r, LHOST, "@caf\xc3\xa9", 5);
	expect(plain, &r, LHOST, "@caf\\xc3\\xa9", 12);
	r = unix_rec("/tmp/\xe4\xb8\xad", 9, 1, 0);
	expect(c, &r, LHOST, "/tmp/\xe4\xb8\xad", 7);
	r = unix_rec("/tmp/\xe2\x80\xae" "gpj.exe", 16, 1, 0);
	expect(c, &r, LHOST, "/tmp/\\u{202e}gpj.exe", 20);
	addr_ctx_free(c);
	addr_ctx_free(plain);
}

/* The longest names fit in ADDR_TEXT_MAX (text_of's buffer is exact). */
static void test_unix_longest(void **state)
{
	struct addr_ctx *c = ctx(0, ESC_UTF8);
	char name[SOCK_UNIX_NAME_MAX];
	char want[1 + 4 * SOCK_UNIX_NAME_MAX + 1];
	struct sock_rec r;
	size_t cols;
	char *out;

	(void)state;
	memset(name, 0x01, sizeof(name));
	name[0] = '\0';
	want[0] = '@';
	for (size_t i = 1; i < SOCK_UNIX_NAME_MAX; i++)
		memcpy(want + 1 + 4 * (i - 1), "\\x01", 4);
	want[1 + 4 * (SOCK_UNIX_NAME_MAX - 1)] = '\0';
	r = unix_rec(name, sizeof(name), 1, 0);
	expect(c, &r, LHOST, want, strlen(want));

	/* a path filling sun_path, with no terminator */
	memset(name, 0x7f, sizeof(name));
	name[0] = '/';
	r = unix_rec(name, sizeof(name), 1, 0);
	out = text_of(c, &r, LHOST, &cols);
	assert_int_equal(strlen(out), 1 + 4 * (SOCK_UNIX_NAME_MAX - 1));
	assert_int_equal(cols, strlen(out));
	free(out);

	/* invalid UTF-8 in every byte of an abstract name */
	memset(name, 0xff, sizeof(name));
	name[0] = '\0';
	r = unix_rec(name, sizeof(name), 1, 0);
	out = text_of(c, &r, LHOST, &cols);
	assert_int_equal(strlen(out), 1 + 4 * (SOCK_UNIX_NAME_MAX - 1));
	free(out);
	addr_ctx_free(c);
}

/* ---- host names (-r) ------------------------------------------------ */

static void assert_printable_ascii(const char *s)
{
	assert_true(s[0] != '\0');
	for (; *s != '\0'; s++)
		assert_true(*s > 0x20 && *s < 0x7f);
}

/* Only 127.0.0.1, which /etc/hosts names: other addresses could make the
 * resolver ask a DNS server outside the machine. */
static void test_resolve(void **state)
{
	struct addr_opts o = {
		.numeric = 1, .resolve = 1, .services_path = SERVICES,
	};
	struct addr_ctx *c = addr_ctx_new(&o);
	struct sock_rec r;
	size_t cols;
	char *a, *b;

	(void)state;
	r = inet_rec(AF_INET, "127.0.0.1", 80, "0.0.0.0", 0);
	a = text_of(c, &r, LHOST, &cols);
	assert_printable_ascii(a);
	assert_int_equal(cols, strlen(a));
	b = text_of(c, &r, LHOST, &cols); /* cached: the same text */
	assert_string_equal(a, b);
	free(a);
	free(b);
	/* wildcards are never looked up */
	EXPECT(c, &r, PHOST, "0.0.0.0");
	r = inet_rec(AF_INET6, "::", 80, "::", 0);
	EXPECT(c, &r, LHOST, "*");
	r.flags = SOCK_F_V6ONLY;
	EXPECT(c, &r, LHOST, "[::]");
	addr_ctx_free(c);
}

static void test_free_null(void **state)
{
	(void)state;
	addr_ctx_free(NULL);
}

int main(void)
{
	/* ESC_UTF8 is only ever used in a UTF-8 locale (see main.c) */
	setlocale(LC_CTYPE, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_ifindex),
		cmocka_unit_test(test_ifname_utf8_cols),
		cmocka_unit_test(test_fmt_ipv4),
		cmocka_unit_test(test_ports_numeric),
		cmocka_unit_test(test_services),
		cmocka_unit_test(test_unix_ports_not_services),
		cmocka_unit_test(test_services_large),
		cmocka_unit_test(test_unix_names),
		cmocka_unit_test(test_unix_utf8),
		cmocka_unit_test(test_unix_longest),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_free_null),
		/* last: under UBSan an empty services file stops the run */
		cmocka_unit_test(test_services_missing_or_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
