/* test_report.c - the doctor's report and its sinks: the exact text of a
 * hand-made report (marks, a namei chain with a link, verdict, fix, the
 * probe's line), wrapping, hostile path bytes escaped in text and kept in
 * JSON, the verdict chosen from causes; and the small parsers the checks
 * rest on (cgroup unit, well-known socket names, HOST:PORT). */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "doctor/ident.h"
#include "doctor/inetwhy.h"
#include "doctor/report.h"
#include "doctor/unixwhy.h"
#include "outkit.h"
#include "util/escape.h"

static void step(struct report_finding *f, unsigned depth, const char *mode,
		 const char *owner, const char *group, const char *name,
		 const char *target, enum report_mark mark, const char *why)
{
	struct report_step *s = report_add_step(f);

	s->depth = depth;
	snprintf(s->mode, sizeof(s->mode), "%s", mode);
	sbuf_puts(&s->owner, owner);
	sbuf_puts(&s->group, group);
	sbuf_puts(&s->name, name);
	if (target != NULL) {
		s->is_link = true;
		sbuf_puts(&s->target, target);
	}
	s->mark = mark;
	if (why != NULL)
		sbuf_puts(&s->why, why);
}

/* The docker.sock story: alice is not in group docker. */
static void docker_report(struct report *r)
{
	struct report_finding *f;
	struct report_cause *c;

	report_init(r, "unix");
	sbuf_puts(&r->target, "/var/run/docker.sock");
	sbuf_puts(&r->what, "unix stream socket");
	sbuf_puts(&r->user, "alice");
	r->uid = 1000;
	f = report_add(r, "path", REPORT_OK);
	sbuf_puts(&f->text, "every directory on the way exists and alice may "
			    "search it");
	step(f, 0, "drwxr-xr-x", "root", "root", "/", NULL, REPORT_OK, NULL);
	step(f, 0, "drwxr-xr-x", "root", "root", "var", NULL, REPORT_OK, NULL);
	step(f, 0, "lrwxrwxrwx", "root", "root", "run", "/run", REPORT_OK,
	     NULL);
	step(f, 1, "drwxr-xr-x", "root", "root", "/", NULL, REPORT_OK, NULL);
	step(f, 1, "drwxr-xr-x", "root", "root", "run", NULL, REPORT_OK, NULL);
	step(f, 0, "srw-rw----", "root", "docker", "docker.sock", NULL,
	     REPORT_FAIL, "no write for alice");
	f = report_add(r, "write", REPORT_FAIL);
	sbuf_puts(&f->text, "alice may not write to it");
	report_kv_str(f, "class", "other", 5);
	f = report_add(r, "owner", REPORT_NOTE);
	sbuf_puts(&f->text, "served by pid 812 (dockerd), user root");
	report_kv_u64(f, "pid", 812);
	c = report_cause(r, "group_missing", EACCES, 3);
	sbuf_puts(&c->text, "alice is not in group docker.");
	sbuf_puts(&c->fix, "sudo usermod -aG docker alice");
	report_decide(r);
	r->probed = true;
	r->probe_err = EACCES;
}

static char *text_of(const struct report *r, unsigned flags)
{
	struct obuf o;

	outkit_open(&o);
	report_write_text(r, &o, flags);
	return outkit_text(&o);
}

static char *json_of(const struct report *r)
{
	struct obuf o;

	outkit_open(&o);
	report_write_json(r, &o);
	return outkit_text(&o);
}

static void test_text_exact(void **state)
{
	struct report r;

	(void)state;
	docker_report(&r);
	outkit_check(text_of(&r, 0),
		     "why /var/run/docker.sock: unix stream socket, as alice "
		     "(uid 1000)\n"
		     "  [ ok ] every directory on the way exists and alice may "
		     "search it\n"
		     "           drwxr-xr-x root root   /\n"
		     "           drwxr-xr-x root root   var\n"
		     "           lrwxrwxrwx root root   run -> /run\n"
		     "             drwxr-xr-x root root   /\n"
		     "             drwxr-xr-x root root   run\n"
		     "           srw-rw---- root docker docker.sock  <- no "
		     "write for alice\n"
		     "  [FAIL] alice may not write to it\n"
		     "  [note] served by pid 812 (dockerd), user root\n"
		     "\n"
		     "Verdict: alice is not in group docker.\n"
		     "Fix: sudo usermod -aG docker alice\n"
		     "connect() as alice: EACCES (Permission denied) -- as "
		     "predicted\n");
	report_free(&r);
}

/* The text with its wrapped lines joined again ("\n" and the indent of
 * the continuation become one space). */
static char *unwrapped(char *t)
{
	char *o = t;

	for (const char *p = t; *p != '\0'; p++) {
		if (p[0] == '\n' && p[1] == ' ' && p[2] == ' ') {
			*o++ = ' ';
			while (p[1] == ' ')
				p++;
			continue;
		}
		*o++ = *p;
	}
	*o = '\0';
	return t;
}

static void test_text_probe_lines(void **state)
{
	struct report r;
	char *t;

	(void)state;
	docker_report(&r);
	/* UTF-8 terminals get the dash */
	t = text_of(&r, ESC_UTF8);
	assert_non_null(strstr(t, "(Permission denied) \xe2\x80\x94 as "
				  "predicted\n"));
	free(t);

	/* the probe disagrees: say so, and what was expected */
	r.probe_err = ECONNREFUSED;
	t = unwrapped(text_of(&r, 0));
	assert_non_null(strstr(t, "connect() as alice: ECONNREFUSED "
				  "(Connection refused) -- differs from the "
				  "prediction: EACCES (Permission denied) was "
				  "expected;"));
	outkit_no_trailing_space(t);
	free(t);

	/* success; no prediction; not made */
	r.probe_err = 0;
	r.has_prediction = false;
	t = text_of(&r, 0);
	assert_non_null(strstr(t, "connect() as alice: success -- no "
				  "prediction was possible\n"));
	free(t);
	r.probed = false;
	t = text_of(&r, 0);
	assert_non_null(strstr(t, "connect() as alice: not made\n"));
	free(t);

	/* no fix */
	r.fix.len = 0;
	t = text_of(&r, 0);
	assert_non_null(strstr(t, "\nFix: none needed\n"));
	free(t);
	report_free(&r);
}

/* Every line within 100 columns, the verdict within 78 when its words
 * allow, continuation lines indented under the text. */
static void test_text_wrap(void **state)
{
	struct report r;
	struct report_finding *f;
	char *t, *line, *save = NULL;
	int in_verdict = 0;

	(void)state;
	docker_report(&r);
	f = report_add(&r, "danger", REPORT_NOTE);
	for (int i = 0; i < 12; i++)
		sbuf_puts(&f->text, "write access to this socket is root "
				    "access; ");
	for (int i = 0; i < 10; i++)
		sbuf_puts(&r.verdict, " Never chmod 666 the socket.");
	t = text_of(&r, 0);
	for (line = strtok_r(t, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		size_t n = strlen(line);

		if (n > 100)
			fail_msg("line of %zu columns: %s", n, line);
		if (strncmp(line, "Verdict: ", 9) == 0)
			in_verdict = 1;
		else if (strncmp(line, "Fix: ", 5) == 0)
			in_verdict = 0;
		if (in_verdict && n > 78)
			fail_msg("verdict line of %zu columns: %s", n, line);
		if (strncmp(line, "write", 5) == 0)
			fail_msg("a continuation lost its indent: %s", line);
	}
	free(t);
	report_free(&r);
}

/* A hostile path: escapes in the text, bytes kept in JSON. */
static void test_hostile_bytes(void **state)
{
	static const char evil[] = "/tmp/a\x1b[31mb\nc\xff\xe2\x80\xae.sock";
	struct report r;
	struct report_finding *f;
	char *t;

	(void)state;
	report_init(&r, "unix");
	sbuf_put(&r.target, evil, sizeof(evil) - 1);
	sbuf_puts(&r.what, "unix stream socket");
	sbuf_puts(&r.user, "ev\til");
	f = report_add(&r, "file", REPORT_FAIL);
	sbuf_put(&f->text, evil, sizeof(evil) - 1);
	sbuf_puts(&f->text, " is a regular file");
	step(f, 0, "-rw-r--r--", "o\x1bwn", "g", "b\nc", "x\x07y", REPORT_FAIL,
	     NULL);
	report_kv_str(f, "path", evil, sizeof(evil) - 1);
	sbuf_puts(&r.verdict, "Remove ");
	sbuf_put(&r.verdict, evil, sizeof(evil) - 1);
	sbuf_puts(&r.fix, "sudo mv -- '");
	sbuf_put(&r.fix, evil, sizeof(evil) - 1);
	sbuf_puts(&r.fix, "' x");
	r.cause = "not_a_socket";
	r.has_prediction = r.probed = true;
	r.predicted = r.probe_err = ECONNREFUSED;

	t = text_of(&r, 0);
	assert_null(strchr(t, '\x1b'));
	assert_null(strchr(t, '\x07'));
	assert_null(strchr(t, '\t'));
	assert_null(strstr(t, "\xe2\x80\xae"));
	for (const char *p = t; *p != '\0'; p++)
		if ((unsigned char)*p >= 0x80)
			fail_msg("raw byte 0x%02x in C-locale text",
				 (unsigned char)*p);
	assert_non_null(strstr(t, "why /tmp/a\\e[31mb\\nc\\xff\\xe2\\x80\\xae"
				  ".sock: unix stream socket, as ev\\til"));
	assert_non_null(strstr(t, "  [FAIL] /tmp/a\\e[31mb\\nc"));
	assert_non_null(strstr(t, "-rw-r--r-- o\\ewn g b\\nc -> x\\ay\n"));
	assert_non_null(strstr(t, "Fix: sudo mv -- '/tmp/a\\e[31mb\\nc"));
	free(t);

	/* in a UTF-8 locale the bidi override is still hidden */
	t = text_of(&r, ESC_UTF8);
	assert_null(strstr(t, "\xe2\x80\xae"));
	assert_non_null(strstr(t, "\\u{202e}"));
	free(t);

	t = json_of(&r);
	assert_null(strchr(t, '\x1b'));
	assert_null(strstr(t, "b\nc"));
	assert_non_null(strstr(t, "\"target\":\"/tmp/a\\u001b[31mb\\nc\\udcff"
				  "\\u202e.sock\""));
	assert_non_null(strstr(t, "\"user\":\"ev\\til\""));
	assert_non_null(strstr(t, "\"owner\":\"o\\u001bwn\""));
	assert_non_null(strstr(t, "\"target\":\"x\\u0007y\""));
	if (outkit_json_ok(t) == 0)
		fail_msg("python rejects: %s", t);
	free(t);
	report_free(&r);
}

static void test_json_document(void **state)
{
	struct report r;
	char *t;

	(void)state;
	docker_report(&r);
	t = json_of(&r);
	assert_int_equal(strncmp(t,
				 "{\"schema_version\":1,\"target\":\"/var/"
				 "run/docker.sock\",\"kind\":\"unix\",\"what\""
				 ":\"unix stream socket\",\"user\":\"alice\","
				 "\"uid\":1000,\"findings\":[\n",
				 strlen("{\"schema_version\":1,\"target\":\"/"
					"var/run/"
					"docker.sock\",\"kind\":\"unix\""
					",\"what\":\"unix stream socket\","
					"\"user\":\"alice\",\"uid\":1000,"
					"\"findings\":[\n")),
			 0);
	assert_non_null(strstr(t, "{\"check\":\"write\",\"mark\":\"fail\","
				  "\"text\":\"alice may not write to it\","
				  "\"class\":\"other\"}"));
	assert_non_null(strstr(t, "\"pid\":812"));
	assert_non_null(strstr(t, "{\"name\":\"run\",\"mode\":\"lrwxrwxrwx\","
				  "\"owner\":\"root\",\"group\":\"root\","
				  "\"depth\":0,\"target\":\"/run\",\"mark\":"
				  "\"ok\",\"why\":null}"));
	assert_non_null(strstr(t, "\"verdict\":{\"cause\":\"group_missing\","
				  "\"causes\":[\"group_missing\"],\"text\":"
				  "\"alice is not in group docker.\",\"fix\":"
				  "\"sudo usermod -aG docker alice\"},"
				  "\"prediction\":{\"errno\":13,\"name\":"
				  "\"EACCES\"},\"probe\":{\"errno\":13,"
				  "\"name\":\"EACCES\"},\"probe_note\":null,"
				  "\"agree\":true}\n"));
	if (outkit_json_ok(t) == 0)
		fail_msg("python rejects: %s", t);
	free(t);

	/* success and no prediction: errno 0 without a name, agree null */
	r.probe_err = 0;
	r.has_prediction = false;
	r.fix.len = 0;
	t = json_of(&r);
	assert_non_null(strstr(t, "\"fix\":null},\"prediction\":null,\"probe\":"
				  "{\"errno\":0,\"name\":null},\"probe_note\":"
				  "null,\"agree\":null}\n"));
	free(t);
	report_free(&r);
}

/* The verdict names the lowest rank; the prediction follows the order. */
static void test_decide(void **state)
{
	struct report r;
	struct report_cause *c;

	(void)state;
	report_init(&r, "unix");
	report_decide(&r);
	assert_string_equal(r.cause, "ok");
	assert_true(r.has_prediction);
	assert_int_equal(r.predicted, 0);
	report_free(&r);

	report_init(&r, "unix");
	c = report_cause(&r, "not_writable", EACCES, 3);
	sbuf_puts(&c->text, "Not writable.");
	c = report_cause(&r, "stale", ECONNREFUSED, 2);
	sbuf_puts(&c->text, "Stale.");
	sbuf_puts(&c->fix, "start it");
	report_decide(&r);
	assert_string_equal(r.cause, "stale");
	assert_int_equal(r.predicted, EACCES);
	assert_int_equal(r.verdict.len, strlen("Stale. Also: Not writable."));
	assert_memory_equal(r.verdict.p, "Stale. Also: Not writable.",
			    r.verdict.len);
	assert_memory_equal(r.fix.p, "start it", r.fix.len);
	report_free(&r);

	/* more causes than room: the last is reused, nothing leaks */
	report_init(&r, "tcp");
	for (int i = 0; i < REPORT_CAUSES_MAX + 3; i++) {
		c = report_cause(&r, "x", EINVAL, 5);
		sbuf_puts(&c->text, "x");
	}
	assert_int_equal(r.ncauses, REPORT_CAUSES_MAX);
	report_free(&r);
}

/* ---- the parsers the checks rest on ------------------------------------- */

static void unit_is(const char *cg, const char *want, bool user)
{
	char unit[64];
	bool u = !user;

	if (want == NULL) {
		assert_int_equal(ident_cgroup_unit(cg, strlen(cg), unit,
						   sizeof(unit), &u),
				 -1);
		return;
	}
	assert_int_equal(
		ident_cgroup_unit(cg, strlen(cg), unit, sizeof(unit), &u), 0);
	assert_string_equal(unit, want);
	assert_int_equal(u, user);
}

static void test_cgroup_unit(void **state)
{
	(void)state;
	unit_is("0::/system.slice/docker.service\n", "docker.service", false);
	unit_is("0::/system.slice/php8.2-fpm.service", "php8.2-fpm.service",
		false);
	unit_is("0::/user.slice/user-1000.slice/user@1000.service/app.slice/"
		"pipewire.service\n",
		"pipewire.service", true);
	unit_is("0::/user.slice/user-1000.slice/user@1000.service/init.scope\n",
		"user@1000.service", false);
	unit_is("0::/user.slice/user-1000.slice/session-3.scope\n", NULL,
		false);
	unit_is("0::/\n", NULL, false);
	unit_is("", NULL, false);
	/* cgroup v1: the name=systemd hierarchy */
	unit_is("12:cpu:/\n1:name=systemd:/system.slice/mysql.service\n",
		"mysql.service", false);
	/* a name too long for the buffer is no unit */
	unit_is("0::/system.slice/"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aa"
		".service\n",
		NULL, false);
}

static void known_is(const char *path, const char *unit, bool root)
{
	char got[64];
	bool r = !root;

	if (unit == NULL) {
		assert_int_equal(unixwhy_known_unit(path, strlen(path), got,
						    sizeof(got), &r),
				 -1);
		return;
	}
	assert_int_equal(
		unixwhy_known_unit(path, strlen(path), got, sizeof(got), &r),
		0);
	assert_string_equal(got, unit);
	assert_int_equal(r, root);
}

static void test_known_units(void **state)
{
	(void)state;
	known_is("/var/run/docker.sock", "docker", true);
	known_is("/run/containerd/containerd.sock", "containerd", true);
	known_is("/run/mysqld/mysqld.sock", "mysql (or mariadb)", false);
	known_is("/var/run/postgresql/.s.PGSQL.5432", "postgresql", false);
	known_is("/run/php/php8.2-fpm.sock", "php8.2-fpm", false);
	known_is("/tmp/x.sock", NULL, false);
	known_is("/run/", NULL, false);
}

static void split_is(const char *t, const char *host, unsigned port)
{
	char h[64];
	uint16_t p = 0;
	struct sc_err err = { 0 };

	if (host == NULL) {
		assert_int_equal(inetwhy_split(t, h, sizeof(h), &p, &err), -1);
		assert_int_equal(err.code, EINVAL);
		assert_null(strchr(err.msg, '\x1b'));
		return;
	}
	if (inetwhy_split(t, h, sizeof(h), &p, &err) < 0)
		fail_msg("%s: %s", t, err.msg);
	assert_string_equal(h, host);
	assert_int_equal(p, port);
}

static void test_split(void **state)
{
	(void)state;
	split_is(":5432", "localhost", 5432);
	split_is("localhost:3306", "localhost", 3306);
	split_is("127.0.0.1:80", "127.0.0.1", 80);
	split_is("[::1]:80", "::1", 80);
	split_is("[fe80::1%lo]:22", "fe80::1%lo", 22);
	split_is("db.example:65535", "db.example", 65535);
	split_is("host", NULL, 0);
	split_is("host:0", NULL, 0);
	split_is("host:65536", NULL, 0);
	split_is("host:80x", NULL, 0);
	split_is("host:", NULL, 0);
	split_is("::1:80", NULL, 0);
	split_is("[::1]80", NULL, 0);
	split_is("[::1:80", NULL, 0);
	split_is("\x1b[31m:x", NULL, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_exact),
		cmocka_unit_test(test_text_probe_lines),
		cmocka_unit_test(test_text_wrap),
		cmocka_unit_test(test_hostile_bytes),
		cmocka_unit_test(test_json_document),
		cmocka_unit_test(test_decide),
		cmocka_unit_test(test_cgroup_unit),
		cmocka_unit_test(test_known_units),
		cmocka_unit_test(test_split),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
