/* test_explain.c - --explain: a sentence for every state in the kernel's
 * order, TIME-WAIT timers, CLOSE-WAIT holders (one, several, unreadable,
 * none collected), full accept queues, unread and unacknowledged data,
 * Unix socket files gone or replaced (real sockets), hostile names
 * escaped, and the JSON form. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "collect/owners.h"
#include "model/facts.h"
#include "output/addr.h"
#include "output/explain.h"
#include "outkit.h"
#include "proctree.h"

#define TCP SOCK_NETID_TCP
#define UDP SOCK_NETID_UDP
#define USTR SOCK_NETID_UNIX_STREAM
#define UDGR SOCK_NETID_UNIX_DGRAM

static struct sock_rec tcp(uint8_t state, uint16_t sport, uint16_t dport)
{
	return outkit_inet(TCP, AF_INET, state, "127.0.0.1", sport,
			   "127.0.0.1", dport);
}

/* Explain rows with facts f (may be NULL); checks JSON validity. */
static char *explain(const struct sock_rec *r, size_t n, struct facts *f,
		     int json)
{
	struct addr_opts ao = { .numeric = 1 };
	struct fields_ctx fc = { .facts = f };
	struct outkit_rows k;
	struct sc_err err;
	struct obuf out;
	char *text;

	fc.addr = addr_ctx_new(&ao);
	outkit_rows(&k, r, n);
	outkit_open(&out);
	assert_int_equal(explain_write(&k.v, &fc, json, &out, &err), 0);
	text = outkit_text(&out);
	/* the view is read, not reordered */
	for (size_t i = 0; i < k.v.n; i++)
		assert_int_equal(k.v.idx[i], i);
	outkit_rows_free(&k);
	addr_ctx_free(fc.addr);
	if (json) {
		int ok = outkit_json_ok(text);

		if (ok == 0)
			print_error("invalid JSON: %s\n", text);
		assert_int_not_equal(ok, 0);
	} else {
		outkit_no_trailing_space(text);
	}
	return text;
}

/* ---- every state ------------------------------------------------------ */

static const char want_all[] =
	"ESTAB: 3 sockets (1 TCP, 1 UDP, 1 Unix). Connected: data flows both"
	" ways. Recv-Q is data that arrived and the local program has not"
	" read, Send-Q data the peer has not acknowledged (TCP) or read"
	" (Unix) yet.\n"
	"SYN-SENT: 1 socket. connect() sent a SYN and waits for the answer:"
	" the peer is down or slow, or a firewall drops the packets (a closed"
	" port would refuse at once). The kernel retries, then gives up after"
	" about 2 minutes (net.ipv4.tcp_syn_retries).\n"
	"SYN-RECV: 1 socket. Handshakes half done: a SYN came in and was"
	" answered, the final ACK has not arrived. A few come and go under"
	" load; many that stay mean a SYN flood (forged sources never answer)"
	" or a listener whose accept queue is full.\n"
	"FIN-WAIT-1: 1 socket. This side closed and sent its FIN, which the"
	" peer has not acknowledged yet; unsent data may still be queued."
	" Normally brief; many that stay mean the peer is unreachable or not"
	" reading.\n"
	"FIN-WAIT-2: 1 socket. This side closed and the peer acknowledged,"
	" but the peer has not closed its end. A socket its program has"
	" closed is dropped after net.ipv4.tcp_fin_timeout (60 s by"
	" default); one only shut down (shutdown()) waits for the peer for as"
	" long as it takes.\n"
	"TIME-WAIT: 1 socket. This side closed first; the kernel keeps each"
	" for 60 s so late packets are not mistaken for a new connection."
	" When it expires is not known (no timer data). Not a leak.\n"
	"UNCONN: 4 sockets (1 TCP, 1 UDP, 2 Unix). Not connected: a UDP or"
	" Unix datagram socket here takes datagrams from any sender, usually"
	" as a server. A Unix stream socket here is neither listening nor"
	" connected yet. A TCP socket here is closed: bound, or shut down,"
	" but neither listening nor connected.\n"
	"CLOSE-WAIT: 1 socket: the peer closed its end and the local program"
	" has not called close(). If the count keeps growing, the program"
	" leaks connections. Run with -p to see which programs hold them.\n"
	"LAST-ACK: 1 socket. The peer closed first, then the local program;"
	" the kernel waits for the peer to acknowledge its FIN, retrying for"
	" a while. Normally brief; many that stay mean the peer went away.\n"
	"LISTEN: 2 sockets (1 TCP, 1 Unix). Waiting for connections: Recv-Q"
	" counts those waiting for accept(), Send-Q the most that may wait"
	" (the backlog).\n"
	"CLOSING: 1 socket. Both sides closed at the same moment and each"
	" waits for the other's acknowledgement. Rare and brief; many that"
	" stay point to packet loss.\n"
	"UNKNOWN: 2 TCP sockets. The kernel reported a state sockscope does"
	" not know.\n";

/* One of each state, in an order unlike the kernel's. */
static size_t all_rows(struct sock_rec *r)
{
	size_t n = 0;

	for (int st = SOCK_ST_COUNT - 1; st >= 0; st--)
		r[n++] = tcp((uint8_t)st, (uint16_t)(1000 + st), 2000);
	/* 15 is no state the kernel has: counted as unknown, with 0 */
	r[n++] = tcp(15, 1015, 2000);
	r[n++] = outkit_inet(UDP, AF_INET, SOCK_ST_ESTABLISHED, "127.0.0.1",
			     53, "127.0.0.1", 4000);
	r[n++] = outkit_inet(UDP, AF_INET6, SOCK_ST_CLOSE, "::1", 53, "::",
			     0);
	r[n++] = outkit_unix(USTR, SOCK_ST_ESTABLISHED, NULL, 0, 10);
	r[n++] = outkit_unix(USTR, SOCK_ST_LISTEN, "@srv", 4, 11);
	r[n - 1].name = "\0srv";
	r[n++] = outkit_unix(USTR, SOCK_ST_CLOSE, NULL, 0, 12);
	r[n++] = outkit_unix(UDGR, SOCK_ST_CLOSE, NULL, 0, 13);
	return n;
}

static void test_every_state(void **state)
{
	struct sock_rec r[32];
	size_t n = all_rows(r);
	(void)state;

	outkit_check(explain(r, n, NULL, 0), want_all);
	/* nothing to explain */
	outkit_check(explain(NULL, 0, NULL, 0), "");
	outkit_check(explain(NULL, 0, NULL, 1),
		     "{\"schema_version\":1,\"explanations\":[]}\n");
}

static void test_json(void **state)
{
	struct sock_rec r[2];
	(void)state;

	r[0] = tcp(SOCK_ST_CLOSE_WAIT, 80, 4000);
	r[1] = tcp(SOCK_ST_ESTABLISHED, 80, 4001);
	r[1].rq = 7;
	outkit_check(
		explain(r, 2, NULL, 1),
		"{\"schema_version\":1,\"explanations\":["
		"{\"state\":\"ESTAB\",\"kind\":\"state\",\"count\":1,"
		"\"text\":\"1 TCP socket. Connected: data flows both ways."
		" Recv-Q is data that arrived and the local program has not"
		" read, Send-Q data the peer has not acknowledged (TCP) or read"
		" (Unix) yet.\"},"
		"{\"state\":\"ESTAB\",\"kind\":\"unread\",\"count\":1,"
		"\"text\":\"1 socket holds data the local program has not read"
		" (Recv-Q: 7 bytes, on 127.0.0.1:80). A moment's backlog is"
		" normal; if it stays, the program is stuck or too slow.\"},"
		"{\"state\":\"CLOSE-WAIT\",\"kind\":\"state\",\"count\":1,"
		"\"text\":\"1 socket: the peer closed its end and the local"
		" program has not called close(). If the count keeps growing,"
		" the program leaks connections. Run with -p to see which"
		" programs hold them.\"}]}\n");
}

/* ---- TIME-WAIT -------------------------------------------------------- */

static void test_time_wait(void **state)
{
	static const uint32_t ms[] = { 30000, 11500, 58000 };
	struct sock_rec r[3];
	(void)state;

	for (size_t i = 0; i < 3; i++) {
		r[i] = tcp(SOCK_ST_TIME_WAIT, (uint16_t)(40000 + i), 80);
		r[i].flags |= SOCK_F_HAS_TIMER;
		r[i].timer = SOCK_TIMER_TIMEWAIT;
		r[i].expires_ms = ms[i];
	}
	outkit_check(explain(r, 3, NULL, 0),
		     "TIME-WAIT: 3 sockets. This side closed first; the kernel"
		     " keeps each for 60 s so late packets are not mistaken"
		     " for a new connection. The next expires in 12 s, the"
		     " last in 58 s. Not a leak.\n");
	outkit_check(explain(&r[1], 1, NULL, 0),
		     "TIME-WAIT: 1 socket. This side closed first; the kernel"
		     " keeps each for 60 s so late packets are not mistaken"
		     " for a new connection. It expires in 12 s. Not a"
		     " leak.\n");
	/* only the sockets with timer data count for the times */
	r[1].flags &= (uint8_t)~SOCK_F_HAS_TIMER;
	r[0].expires_ms = 0;
	outkit_check(explain(r, 3, NULL, 0),
		     "TIME-WAIT: 3 sockets. This side closed first; the kernel"
		     " keeps each for 60 s so late packets are not mistaken"
		     " for a new connection. The next expires in 0 s, the"
		     " last in 58 s. Not a leak.\n");
	r[0].flags &= (uint8_t)~SOCK_F_HAS_TIMER;
	r[2].flags &= (uint8_t)~SOCK_F_HAS_TIMER;
	outkit_check(explain(r, 3, NULL, 0),
		     "TIME-WAIT: 3 sockets. This side closed first; the kernel"
		     " keeps each for 60 s so late packets are not mistaken"
		     " for a new connection. When they expire is not known"
		     " (no timer data). Not a leak.\n");
}

static void test_time_wait_many(void **state)
{
	enum { N = 1000 };
	struct sock_rec *r = calloc(N, sizeof(*r));
	char *got;
	(void)state;

	assert_non_null(r);
	for (size_t i = 0; i < N; i++)
		r[i] = tcp(SOCK_ST_TIME_WAIT, (uint16_t)(30000 + i), 80);
	got = explain(r, N, NULL, 0);
	free(r);
	outkit_check(got,
		     "TIME-WAIT: 1000 sockets. This side closed first; the"
		     " kernel keeps each for 60 s so late packets are not"
		     " mistaken for a new connection. When they expire is not"
		     " known (no timer data). Not a leak. So many can use up"
		     " the local ports for new connections to one peer: reuse"
		     " connections, or see net.ipv4.tcp_tw_reuse.\n");
}

/* ---- holders ---------------------------------------------------------- */

/* A fake /proc: pid 1234 (python3) holds inodes 101-105 (105 twice),
 * pid 77 (a hostile name) holds 106, pid 80-83 hold 107-110, and pid 90
 * shares 101 with 1234 (a fork). */
static struct owners *fake_owners(char *root)
{
	static const char *const l1234[] = { "3", "socket:[101]", "4",
					     "socket:[102]", "5",
					     "socket:[103]", "6",
					     "socket:[104]", "7",
					     "socket:[105]", "8",
					     "socket:[105]", NULL };
	static const char *const l77[] = { "3", "socket:[106]", NULL };
	static const char *const l80[] = { "3", "socket:[107]", NULL };
	static const char *const l81[] = { "3", "socket:[108]", NULL };
	static const char *const l82[] = { "3", "socket:[109]", NULL };
	static const char *const l83[] = { "3", "socket:[110]", NULL };
	static const char *const l90[] = { "9", "socket:[101]", NULL };
	struct owners *ow = NULL;
	struct sc_err err;

	assert_non_null(mkdtemp(root));
	assert_int_equal(chmod(root, 0755), 0);
	proctree_pid(root, "1234", "1234 (python3) S 1 1234", l1234);
	proctree_pid(root, "77", "77 (x\x1b[2Jy) S 1 77", l77);
	proctree_pid(root, "80", "80 (w80) S 1 80", l80);
	proctree_pid(root, "81", "81 (w81) S 1 81", l81);
	proctree_pid(root, "82", "82 (w82) S 1 82", l82);
	proctree_pid(root, "83", "83 (w83) S 1 83", l83);
	proctree_pid(root, "90", "90 (child) S 1 90", l90);
	assert_int_equal(owners_scan(root, 1, &ow, &err), 0);
	return ow;
}

/* CLOSE-WAIT rows for inodes first..last. */
static size_t close_wait_rows(struct sock_rec *r, uint64_t first,
			      uint64_t last)
{
	size_t n = 0;

	for (uint64_t ino = first; ino <= last; ino++) {
		r[n] = tcp(SOCK_ST_CLOSE_WAIT, 80, (uint16_t)(40000 + ino));
		r[n++].inode = ino;
	}
	return n;
}

#define CW_TAIL                                                            \
	": the peer closed its end and the local program has not called"   \
	" close(). If the count keeps growing, the program leaks"          \
	" connections."

static void test_close_wait_holders(void **state)
{
	char root[] = "/tmp/sockscope-explain-proc-XXXXXX";
	struct facts_opts fo = { .owners = 1 };
	struct owners *ow = fake_owners(root);
	struct facts *f = facts_new(&fo);
	struct sock_rec r[16];
	size_t n;
	(void)state;

	proctree_rm(root);
	facts_set_owners(f, ow);

	/* one holder, on two descriptors for one socket: counted once */
	n = close_wait_rows(r, 102, 105);
	outkit_check(explain(r, n, f, 0),
		     "CLOSE-WAIT: 4 sockets, held by python3 (pid 1234)"
		     CW_TAIL "\n");

	/* several: the most first, with their counts; a shared socket
	 * counts for each of its holders */
	n = close_wait_rows(r, 101, 106);
	outkit_check(explain(r, n, f, 0),
		     "CLOSE-WAIT: 6 sockets, held by python3 (pid 1234, 5"
		     " sockets), x\\e[2Jy (pid 77, 1 socket) and child (pid"
		     " 90, 1 socket)" CW_TAIL "\n");

	/* more than three: the rest counted; and one nobody holds */
	n = close_wait_rows(r, 106, 111);
	outkit_check(explain(r, n, f, 0),
		     "CLOSE-WAIT: 6 sockets, held by x\\e[2Jy (pid 77, 1"
		     " socket), w80 (pid 80, 1 socket), w81 (pid 81, 1 socket)"
		     " and 2 other processes; 1 is held by no process"
		     CW_TAIL "\n");
	facts_free(f);
	owners_free(ow);
}

/* As uid 65534 a process's descriptors cannot be read: holders unknown.
 * Runs in a child; returns its output, or NULL if it could not drop. */
static char *explain_as_nobody(const char *root, const struct sock_rec *r,
			       size_t n)
{
	int fds[2], status;
	char *buf;
	ssize_t got, len = 0;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct facts_opts fo = { .owners = 1 };
		struct addr_opts ao = { .numeric = 1 };
		struct fields_ctx fc = { 0 };
		struct outkit_rows k;
		struct owners *ow = NULL;
		struct sc_err err;
		struct obuf out;

		close(fds[0]);
		if (geteuid() == 0 &&
		    (setgroups(0, NULL) != 0 ||
		     setresgid(65534, 65534, 65534) != 0 ||
		     setresuid(65534, 65534, 65534) != 0))
			_exit(77);
		if (owners_scan(root, 1, &ow, &err) != 0)
			_exit(1);
		fc.facts = facts_new(&fo);
		fc.addr = addr_ctx_new(&ao);
		facts_set_owners(fc.facts, ow);
		outkit_rows(&k, r, n);
		obuf_init(&out, fds[1]);
		explain_write(&k.v, &fc, 0, &out, &err);
		status = obuf_flush(&out) != 0;
		/* everything freed: valgrind checks the child's exit too */
		obuf_free(&out);
		outkit_rows_free(&k);
		facts_free(fc.facts);
		addr_ctx_free(fc.addr);
		owners_free(ow);
		_exit(status);
	}
	/* allocated after the fork: the child never holds it */
	buf = calloc(1, 8192);
	assert_non_null(buf);
	close(fds[1]);
	while ((got = read(fds[0], buf + len, 8191 - (size_t)len)) > 0)
		len += got;
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
		free(buf);
		return NULL;
	}
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return buf;
}

static void test_close_wait_unknown(void **state)
{
	char root[] = "/tmp/sockscope-explain-proc-XXXXXX";
	char fd[96];
	struct owners *ow = fake_owners(root);
	struct sock_rec r[16];
	size_t n = close_wait_rows(r, 105, 107);
	char *got, *only;
	(void)state;

	owners_free(ow);
	/* pid 80's descriptors are shut: 107 may be anyone's */
	snprintf(fd, sizeof(fd), "%s/80/fd", root);
	assert_int_equal(chmod(fd, 0), 0);
	got = explain_as_nobody(root, r, n);
	/* only unreadable holders */
	only = got != NULL ? explain_as_nobody(root, &r[2], 1) : NULL;
	proctree_rm(root);
	if (got == NULL)
		skip();
	assert_non_null(only);
	outkit_check(only, "CLOSE-WAIT: 1 socket, which may be held by"
			   " processes that could not be read (run as root to"
			   " see them)" CW_TAIL "\n");
	outkit_check(got, "CLOSE-WAIT: 3 sockets, held by x\\e[2Jy (pid 77, 1"
			  " socket) and python3 (pid 1234, 1 socket); 1 may be"
			  " held by processes that could not be read (run as"
			  " root to see them)" CW_TAIL "\n");
}

/* ---- listeners -------------------------------------------------------- */

static void test_full_accept_queue(void **state)
{
	char root[] = "/tmp/sockscope-explain-proc-XXXXXX";
	struct facts_opts fo = { .owners = 1 };
	struct owners *ow = fake_owners(root);
	struct facts *f = facts_new(&fo);
	struct sock_rec r[6];
	(void)state;

	proctree_rm(root);
	facts_set_owners(f, ow);
	/* backlog 0 with nothing waiting is not full; 1 below is not */
	r[0] = tcp(SOCK_ST_LISTEN, 80, 0);
	r[0].wq = 0;
	r[1] = tcp(SOCK_ST_LISTEN, 81, 0);
	r[1].rq = 3;
	r[1].wq = 4;
	r[2] = tcp(SOCK_ST_LISTEN, 82, 0);
	r[2].rq = 5;
	r[2].wq = 4;
	r[2].inode = 101;
	outkit_check(explain(r, 3, NULL, 0),
		     "LISTEN: 3 TCP sockets. Waiting for connections: Recv-Q"
		     " counts those waiting for accept(), Send-Q the most that"
		     " may wait (the backlog).\n"
		     "LISTEN: the accept queue of 127.0.0.1:82 is full (5"
		     " waiting, backlog 4): the program is not calling"
		     " accept() fast enough; new connections wait or are"
		     " dropped. Run with -p to see which program holds it.\n");
	outkit_check(explain(&r[2], 1, f, 0),
		     "LISTEN: 1 TCP socket. Waiting for connections: Recv-Q"
		     " counts those waiting for accept(), Send-Q the most that"
		     " may wait (the backlog).\n"
		     "LISTEN: the accept queue of 127.0.0.1:82 is full (5"
		     " waiting, backlog 4), held by child (pid 90) and"
		     " python3 (pid 1234): the program is not calling accept()"
		     " fast enough; new connections wait or are dropped.\n");
	/* four full: three named, Unix ones too */
	r[0] = r[2];
	r[0].sport = 83;
	r[0].inode = 106;
	r[1] = r[2];
	r[1].sport = 84;
	r[1].inode = 0;
	r[3] = outkit_unix(USTR, SOCK_ST_LISTEN, "/run/s", 6, 107);
	r[3].rq = 2;
	r[3].wq = 2;
	outkit_check(explain(r, 4, f, 0),
		     "LISTEN: 4 sockets (3 TCP, 1 Unix). Waiting for"
		     " connections: Recv-Q counts those waiting for accept(),"
		     " Send-Q the most that may wait (the backlog).\n"
		     "LISTEN: 4 listeners have a full accept queue:"
		     " 127.0.0.1:83 (5 waiting, backlog 4, held by x\\e[2Jy"
		     " (pid 77)), 127.0.0.1:84 (5 waiting, backlog 4, held by"
		     " no process), 127.0.0.1:82 (5 waiting, backlog 4, held by"
		     " child (pid 90) and python3 (pid 1234)) and 1 more: their"
		     " programs are not calling accept() fast enough; new"
		     " connections wait or are dropped.\n");
	facts_free(f);
	owners_free(ow);
}

/* ---- queues ----------------------------------------------------------- */

static void test_queues(void **state)
{
	struct sock_rec r[6];
	(void)state;

	r[0] = tcp(SOCK_ST_ESTABLISHED, 80, 4000);
	r[0].rq = 10;
	r[1] = tcp(SOCK_ST_ESTABLISHED, 81, 4001);
	r[1].rq = 4096;
	r[1].wq = 9;
	r[2] = outkit_unix(USTR, SOCK_ST_ESTABLISHED, "/run/a\nb", 8, 55);
	r[2].wq = 100000;
	/* datagram send queues are only in flight; queues not known are
	 * not counted */
	r[3] = outkit_inet(UDP, AF_INET, SOCK_ST_ESTABLISHED, "127.0.0.1",
			   53, "127.0.0.1", 99);
	r[3].wq = 512;
	r[4] = tcp(SOCK_ST_ESTABLISHED, 82, 4002);
	r[4].rq = 1;
	r[4].wq = 1;
	r[4].flags = 0;
	/* another state's queues are not this condition */
	r[5] = tcp(SOCK_ST_CLOSE_WAIT, 83, 4003);
	r[5].rq = 1;
	outkit_check(explain(r, 5, NULL, 0),
		     "ESTAB: 5 sockets (3 TCP, 1 UDP, 1 Unix). Connected: data"
		     " flows both ways. Recv-Q is data that arrived and the"
		     " local program has not read, Send-Q data the peer has not"
		     " acknowledged (TCP) or read (Unix) yet.\n"
		     "ESTAB: 2 sockets hold data the local program has not"
		     " read (Recv-Q; the most, 4096 bytes, on 127.0.0.1:81). A"
		     " moment's backlog is normal; if it stays, the program is"
		     " stuck or too slow.\n"
		     "ESTAB: 2 sockets hold sent data the peer has not taken"
		     " yet (Send-Q; the most, 100000 bytes, on /run/a\\nb 55):"
		     " the peer reads too slowly, or the network is slow or"
		     " losing packets.\n");
	outkit_check(explain(&r[5], 1, NULL, 0),
		     "CLOSE-WAIT: 1 socket" CW_TAIL
		     " Run with -p to see which programs hold them.\n");
}

/* ---- the most common peer -------------------------------------------- */

static void test_top(void **state)
{
	struct sock_rec r[5];
	(void)state;

	for (size_t i = 0; i < 5; i++)
		r[i] = tcp(SOCK_ST_SYN_SENT, (uint16_t)(5000 + i),
			   i < 3 ? 443 : (uint16_t)(8000 + i));
	outkit_check(explain(r, 5, NULL, 0),
		     "SYN-SENT: 5 sockets. connect() sent a SYN and waits for"
		     " the answer: the peer is down or slow, or a firewall"
		     " drops the packets (a closed port would refuse at once)."
		     " The kernel retries, then gives up after about 2 minutes"
		     " (net.ipv4.tcp_syn_retries). The most, 3, are to"
		     " 127.0.0.1:443.\n");
	for (size_t i = 0; i < 2; i++)
		r[i] = tcp(SOCK_ST_SYN_RECV, 80, (uint16_t)(6000 + i));
	outkit_check(explain(r, 2, NULL, 0),
		     "SYN-RECV: 2 sockets. Handshakes half done: a SYN came in"
		     " and was answered, the final ACK has not arrived. A few"
		     " come and go under load; many that stay mean a SYN flood"
		     " (forged sources never answer) or a listener whose accept"
		     " queue is full. All are for 127.0.0.1:80.\n");
}

/* ---- Unix socket files ------------------------------------------------ */

/* A Unix socket bound at path, as unix_diag reports it: the name with
 * its NUL, the file's inode and device. */
static struct sock_rec bound(const char *path, uint8_t netid, uint8_t st,
			     uint64_t inode, int *fd)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct sock_rec r;
	struct stat sb;

	*fd = socket(AF_UNIX,
		     (netid == UDGR ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC,
		     0);
	assert_true(*fd >= 0);
	strcpy(a.sun_path, path);
	assert_int_equal(bind(*fd, (const struct sockaddr *)&a, sizeof(a)),
			 0);
	assert_int_equal(stat(path, &sb), 0);
	r = outkit_unix(netid, st, path, strlen(path) + 1, inode);
	r.flags |= SOCK_F_HAS_VFS;
	r.vfs_ino = sb.st_ino;
	r.vfs_dev = (uint32_t)(major(sb.st_dev) << 20 | minor(sb.st_dev));
	return r;
}

static void test_unix_files(void **state)
{
	char dir[] = "/tmp/sockscope-explain-XXXXXX";
	char p[6][128];
	struct facts_opts fo = { 0 };
	struct facts *f = facts_new(&fo);
	struct sock_rec r[7];
	int fd[6];
	char *got;
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(p[0], sizeof(p[0]), "%s/gone.sock", dir);
	snprintf(p[1], sizeof(p[1]), "%s/ok.sock", dir);
	snprintf(p[2], sizeof(p[2]), "%s/re\x1b[1mplaced", dir);
	snprintf(p[3], sizeof(p[3]), "%s/dg-gone", dir);
	snprintf(p[4], sizeof(p[4]), "%s/conn-gone", dir);
	snprintf(p[5], sizeof(p[5]), "%s/gone2.sock", dir);
	r[0] = bound(p[0], USTR, SOCK_ST_LISTEN, 1, &fd[0]);
	r[1] = bound(p[1], USTR, SOCK_ST_LISTEN, 2, &fd[1]);
	r[2] = bound(p[2], USTR, SOCK_ST_LISTEN, 3, &fd[2]);
	r[3] = bound(p[3], UDGR, SOCK_ST_CLOSE, 4, &fd[3]);
	/* a connected socket no longer needs its file: not reported */
	r[4] = bound(p[4], USTR, SOCK_ST_ESTABLISHED, 5, &fd[4]);
	r[5] = bound(p[5], USTR, SOCK_ST_LISTEN, 6, &fd[5]);
	/* abstract names have no file */
	r[6] = outkit_unix(USTR, SOCK_ST_LISTEN, "\0abs", 4, 7);
	assert_int_equal(unlink(p[0]), 0);
	assert_int_equal(unlink(p[2]), 0);
	assert_int_equal(close(open(p[2], O_CREAT | O_WRONLY, 0600)), 0);
	assert_int_equal(unlink(p[3]), 0);
	assert_int_equal(unlink(p[4]), 0);
	assert_int_equal(unlink(p[5]), 0);

	got = explain(r, 7, f, 0);
	for (size_t i = 0; i < 6; i++) {
		close(fd[i]);
		unlink(p[i]);
	}
	rmdir(dir);
	facts_free(f);
	{
		char want[2048];

		snprintf(want, sizeof(want),
			 "ESTAB: 1 Unix socket. Connected: data flows both"
			 " ways. Recv-Q is data that arrived and the local"
			 " program has not read, Send-Q data the peer has not"
			 " acknowledged (TCP) or read (Unix) yet.\n"
			 "UNCONN: 1 Unix socket. Not connected: a UDP or Unix"
			 " datagram socket here takes datagrams from any"
			 " sender, usually as a server.\n"
			 "UNCONN: the file of %s/dg-gone is gone (deleted, or"
			 " in another mount namespace): clients cannot reach"
			 " the socket by its path, though its program still has"
			 " it open. Restart the program or have it bind"
			 " again.\n"
			 "LISTEN: 5 Unix sockets. Waiting for connections:"
			 " Recv-Q counts those waiting for accept(), Send-Q the"
			 " most that may wait (the backlog).\n"
			 "LISTEN: the files of %s/gone.sock and %s/gone2.sock"
			 " are gone (deleted, or in another mount namespace):"
			 " clients cannot reach these sockets by their paths,"
			 " though their programs still have them open. Restart"
			 " the program or have it bind again.\n"
			 "LISTEN: another file now sits at %s/re\\e[1mplaced:"
			 " clients that connect by the path reach that file,"
			 " not this socket (another instance bound the path"
			 " again, or the file was replaced).\n",
			 dir, dir, dir, dir);
		outkit_check(got, want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_state),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_time_wait),
		cmocka_unit_test(test_time_wait_many),
		cmocka_unit_test(test_close_wait_holders),
		cmocka_unit_test(test_close_wait_unknown),
		cmocka_unit_test(test_full_accept_queue),
		cmocka_unit_test(test_queues),
		cmocka_unit_test(test_top),
		cmocka_unit_test(test_unix_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
