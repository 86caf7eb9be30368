/* test_endpoint.c - serve/connect targets: good and bad specs for each
 * kind, the exact error messages, loopback detection and the address text
 * the output lines carry. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "serve/endpoint.h"

static uint16_t ep_port(const struct endpoint *ep)
{
	if (ep->addr.ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)&ep->addr)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)&ep->addr)->sin6_port);
}

/* The address text of a parsed endpoint. */
static const char *ep_text(const struct endpoint *ep, char *out)
{
	ep_addr_text((const struct sockaddr *)&ep->addr, ep->addrlen, 0, out);
	return out;
}

/* Parsing must fail with code and exactly msg. */
static void bad(const char *kind, const char *target, unsigned flags,
		int code, const char *msg)
{
	struct endpoint ep;
	struct sc_err err = { 0 };

	if (ep_parse(&ep, kind, target, flags, &err) != -1)
		fail_msg("'%s %s' was accepted", kind, target ? target : "");
	assert_int_equal(err.code, code);
	assert_string_equal(err.msg, msg);
}

static void good(const char *kind, const char *target, unsigned flags,
		 const char *text, bool explicit_addr)
{
	struct endpoint ep;
	struct sc_err err = { 0 };
	char out[EP_TEXT_MAX];

	if (ep_parse(&ep, kind, target, flags, &err) != 0)
		fail_msg("'%s %s': %s", kind, target ? target : "", err.msg);
	assert_string_equal(ep_text(&ep, out), text);
	assert_int_equal(ep.explicit_addr, explicit_addr);
}

static void test_inet_good(void **state)
{
	struct endpoint ep;
	struct sc_err err = { 0 };
	(void)state;

	good("tcp", "8080", 0, "127.0.0.1:8080", false);
	good("tcp", ":8080", 0, "127.0.0.1:8080", false);
	good("tcp", "0", 0, "127.0.0.1:0", false);
	good("tcp", "65535", 0, "127.0.0.1:65535", false);
	good("tcp", "127.0.0.2:1", 0, "127.0.0.2:1", true);
	good("udp", "0.0.0.0:53", 0, "0.0.0.0:53", true);
	good("tcp", "[::1]:80", 0, "[::1]:80", true);
	good("udp", "[::]:0", 0, "[::]:0", true);
	good("tcp", "[::ffff:127.0.0.1]:9", 0, "[::ffff:127.0.0.1]:9", true);
	good("tcp", "10.1.2.3:443", EP_FOR_CONNECT, "10.1.2.3:443", true);
	good("tcp", ":1", EP_FOR_CONNECT, "127.0.0.1:1", false);

	assert_int_equal(ep_parse(&ep, "tcp", "[::1]:80", 0, &err), 0);
	assert_int_equal(ep.kind, EP_TCP);
	assert_int_equal(ep.type, SOCK_STREAM);
	assert_int_equal(ep.addr.ss_family, AF_INET6);
	assert_int_equal(ep.addrlen, sizeof(struct sockaddr_in6));
	assert_int_equal(ep_port(&ep), 80);
	assert_int_equal(ep_parse(&ep, "udp", "127.0.0.1:53", 0, &err), 0);
	assert_int_equal(ep.kind, EP_UDP);
	assert_int_equal(ep.type, SOCK_DGRAM);
	assert_int_equal(ep.addrlen, sizeof(struct sockaddr_in));
	assert_int_equal(ep_port(&ep), 53);

	/* a host name resolves, through /etc/hosts, to loopback */
	assert_int_equal(ep_parse(&ep, "tcp", "localhost:7", 0, &err), 0);
	assert_true(ep.explicit_addr);
	assert_true(ep_is_loopback((struct sockaddr *)&ep.addr, ep.addrlen));
	assert_int_equal(ep_port(&ep), 7);
}

static void test_inet_bad(void **state)
{
	(void)state;

	bad("tcp", NULL, 0, EINVAL, "tcp needs [ADDR:]PORT");
	bad("udp", NULL, EP_FOR_CONNECT, EINVAL, "udp needs [ADDR:]PORT");
	bad("tcp", "65536", 0, EINVAL,
	    "invalid port '65536' (expected a whole number from 0 to 65535)");
	bad("tcp", "127.0.0.1:99999999999999999999999", 0, EINVAL,
	    "invalid port '99999999999999999999999' (expected a whole number "
	    "from 0 to 65535)");
	bad("tcp", "127.0.0.1:-1", 0, EINVAL,
	    "invalid port '-1' (expected a whole number from 0 to 65535)");
	bad("tcp", "127.0.0.1:http", 0, EINVAL,
	    "invalid port 'http' (expected a whole number from 0 to 65535)");
	bad("tcp", "0", EP_FOR_CONNECT, EINVAL,
	    "invalid port '0' (expected a whole number from 1 to 65535)");
	bad("tcp", "127.0.0.1:", 0, EINVAL,
	    "missing port in '127.0.0.1:' (expected [ADDR:]PORT)");
	bad("tcp", "127.0.0.1", 0, EINVAL,
	    "missing port in '127.0.0.1' (expected [ADDR:]PORT)");
	bad("tcp", "", 0, EINVAL,
	    "missing port in '' (expected [ADDR:]PORT)");
	bad("tcp", "[::1]:", 0, EINVAL,
	    "missing port in '[::1]:' (expected [ADDR:]PORT)");
	bad("tcp", "[::1:80", 0, EINVAL,
	    "invalid address '[::1:80' (missing ']')");
	bad("tcp", "[::1]80", 0, EINVAL,
	    "invalid address '[::1]80' (expected [IPV6]:PORT)");
	bad("tcp", "[::1]", 0, EINVAL,
	    "invalid address '[::1]' (expected [IPV6]:PORT)");
	bad("tcp", "[]:80", 0, EINVAL,
	    "invalid address '[]:80' (empty IPv6 address)");
	bad("tcp", "::1:80", 0, EINVAL,
	    "invalid address '::1:80' (write an IPv6 address in brackets: "
	    "[::1]:PORT)");
	bad("tcp", "[zz::1]:80", 0, EINVAL,
	    "invalid IPv6 address 'zz::1' in '[zz::1]:80'");
	/* an IPv4 literal in brackets is not an IPv6 address */
	bad("tcp", "[127.0.0.1]:80", 0, EINVAL,
	    "invalid IPv6 address '127.0.0.1' in '[127.0.0.1]:80'");
	/* untrusted text is escaped in messages */
	bad("tcp", "\033[31m", 0, EINVAL,
	    "missing port in '\\e[31m' (expected [ADDR:]PORT)");
	bad("sctp", "80", 0, EINVAL,
	    "unknown socket kind 'sctp' (expected tcp, udp or unix)");
}

static void test_unresolvable(void **state)
{
	struct endpoint ep;
	struct sc_err err = { 0 };
	(void)state;

	/* .invalid never resolves (RFC 6761); a resolver failure is not a
	 * usage error */
	assert_int_equal(ep_parse(&ep, "tcp", "no-such-host.invalid:80", 0,
				  &err),
			 -1);
	assert_int_equal(err.code, ENOENT);
	assert_int_equal(strncmp(err.msg,
				 "cannot resolve 'no-such-host.invalid': ",
				 strlen("cannot resolve 'no-such-host.invalid': ")),
			 0);
}

static void test_unix(void **state)
{
	char long_path[200];
	struct endpoint ep;
	struct sc_err err = { 0 };
	const struct sockaddr_un *sun = (const struct sockaddr_un *)&ep.addr;
	size_t off = offsetof(struct sockaddr_un, sun_path);
	(void)state;

	assert_int_equal(EP_UNIX_NAME_MAX, 107);

	assert_int_equal(ep_parse(&ep, "unix", "/tmp/x.sock", 0, &err), 0);
	assert_int_equal(ep.kind, EP_UNIX);
	assert_int_equal(ep.type, SOCK_STREAM);
	assert_true(ep.explicit_addr);
	assert_false(ep.abstract);
	assert_false(ep.no_path);
	assert_string_equal(sun->sun_path, "/tmp/x.sock");
	assert_int_equal(ep.addrlen, off + strlen("/tmp/x.sock") + 1);

	assert_int_equal(ep_parse(&ep, "unix", "@a b", 0, &err), 0);
	assert_true(ep.abstract);
	assert_int_equal(ep.addrlen, off + 4);
	assert_memory_equal(sun->sun_path, "\0a b", 4);

	/* serve's default: no path, a private directory later */
	assert_int_equal(ep_parse(&ep, "unix", NULL, 0, &err), 0);
	assert_true(ep.no_path);
	assert_false(ep.explicit_addr);

	/* the longest path that fits, and one byte more */
	memset(long_path, 'p', sizeof(long_path));
	long_path[0] = '/';
	long_path[107] = '\0';
	assert_int_equal(ep_parse(&ep, "unix", long_path, 0, &err), 0);
	assert_int_equal(ep.addrlen, off + 108);
	long_path[107] = 'p';
	long_path[108] = '\0';
	bad("unix", long_path, 0, EINVAL,
	    "socket path is 108 bytes long; the limit is 107");
	long_path[150] = '\0';
	long_path[108] = 'p';
	bad("unix", long_path, 0, EINVAL,
	    "socket path is 150 bytes long; the limit is 107");

	/* abstract: 107 bytes after the @ fit, 108 do not */
	memset(long_path, 'a', sizeof(long_path));
	long_path[0] = '@';
	long_path[108] = '\0';
	assert_int_equal(ep_parse(&ep, "unix", long_path, 0, &err), 0);
	assert_int_equal(ep.addrlen, off + 108);
	long_path[109] = '\0';
	long_path[108] = 'a';
	bad("unix", long_path, 0, EINVAL,
	    "abstract socket name is 108 bytes long; the limit is 107");

	bad("unix", "@", 0, EINVAL, "empty abstract socket name '@'");
	bad("unix", "", 0, EINVAL, "empty socket path");
	bad("unix", NULL, EP_FOR_CONNECT, EINVAL,
	    "unix needs a socket path or @NAME to connect to");
}

static void test_type(void **state)
{
	struct sc_err err = { 0 };
	int type = -1;
	(void)state;

	assert_int_equal(ep_parse_type("stream", &type, &err), 0);
	assert_int_equal(type, SOCK_STREAM);
	assert_int_equal(ep_parse_type("dgram", &type, &err), 0);
	assert_int_equal(type, SOCK_DGRAM);
	assert_int_equal(ep_parse_type("seqpacket", &type, &err), 0);
	assert_int_equal(type, SOCK_SEQPACKET);
	assert_int_equal(ep_parse_type("raw", &type, &err), -1);
	assert_string_equal(err.msg, "invalid --type 'raw' (expected stream, "
				     "dgram or seqpacket)");
	assert_int_equal(ep_parse_type("", &type, &err), -1);
	assert_string_equal(ep_kind_name(EP_TCP), "tcp");
	assert_string_equal(ep_kind_name(EP_UDP), "udp");
	assert_string_equal(ep_kind_name(EP_UNIX), "unix");
}

static bool loopback4(const char *a)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	assert_int_equal(inet_pton(AF_INET, a, &sin.sin_addr), 1);
	return ep_is_loopback((struct sockaddr *)&sin, sizeof(sin));
}

static bool loopback6(const char *a)
{
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6 };

	assert_int_equal(inet_pton(AF_INET6, a, &s6.sin6_addr), 1);
	return ep_is_loopback((struct sockaddr *)&s6, sizeof(s6));
}

static void test_loopback(void **state)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	(void)state;

	assert_true(loopback4("127.0.0.1"));
	assert_true(loopback4("127.0.0.0"));
	assert_true(loopback4("127.255.255.255"));
	assert_true(loopback4("127.1.2.3"));
	assert_false(loopback4("128.0.0.1"));
	assert_false(loopback4("126.255.255.255"));
	assert_false(loopback4("0.0.0.0"));
	assert_false(loopback4("10.0.0.1"));
	assert_false(loopback4("255.255.255.255"));
	assert_true(loopback6("::1"));
	assert_true(loopback6("::ffff:127.0.0.1"));
	assert_true(loopback6("::ffff:127.9.8.7"));
	assert_false(loopback6("::"));
	assert_false(loopback6("::2"));
	assert_false(loopback6("::ffff:10.0.0.1"));
	assert_false(loopback6("::ffff:128.0.0.1"));
	/* IPv4-compatible (deprecated) ::127.0.0.1 is not ::ffff: */
	assert_false(loopback6("::127.0.0.1"));
	assert_false(loopback6("fe80::1"));
	assert_false(loopback6("2001:db8::1"));
	assert_false(ep_is_loopback((struct sockaddr *)&sun, sizeof(sun)));
	/* a short length is not read past */
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_false(ep_is_loopback((struct sockaddr *)&sin, 4));
}

static void test_addr_text(void **state)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	size_t off = offsetof(struct sockaddr_un, sun_path);
	char out[EP_TEXT_MAX];
	(void)state;

	/* unnamed */
	assert_int_equal(ep_addr_text((struct sockaddr *)&sun, off, 0, out), 1);
	assert_string_equal(out, "*");
	/* a hostile path: control bytes and spaces are escaped */
	memcpy(sun.sun_path, "/tmp/a b\033[31m\n", 15);
	ep_addr_text((struct sockaddr *)&sun, (socklen_t)(off + 15), 0, out);
	assert_string_equal(out, "/tmp/a\\x20b\\e[31m\\n");
	/* abstract, with an interior NUL */
	memcpy(sun.sun_path, "\0x\0y", 4);
	ep_addr_text((struct sockaddr *)&sun, (socklen_t)(off + 4), 0, out);
	assert_string_equal(out, "@x\\0y");
	/* high bytes: \xHH without ESC_UTF8 */
	memcpy(sun.sun_path, "/\xc3\xa9", 4);
	ep_addr_text((struct sockaddr *)&sun, (socklen_t)(off + 4), 0, out);
	assert_string_equal(out, "/\\xc3\\xa9");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inet_good),
		cmocka_unit_test(test_inet_bad),
		cmocka_unit_test(test_unresolvable),
		cmocka_unit_test(test_unix),
		cmocka_unit_test(test_type),
		cmocka_unit_test(test_loopback),
		cmocka_unit_test(test_addr_text),
	};

	/* Before any lookup: a configured but unreachable name server must
	 * not hold the unresolvable-name test for long. */
	setenv("RES_OPTIONS", "timeout:1 attempts:1", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
