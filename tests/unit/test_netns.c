/* test_netns.c - container labels from cgroup paths (docker, podman,
 * Kubernetes pods, containerd, CRI-O, systemd units) and /proc/PID/cgroup
 * files (v2, v1, hostile), -N's operand check, and the netns and
 * container predicates and fields over a collection's namespaces. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "collect/netns.h"
#include "filter/expr.h"
#include "model/facts.h"
#include "output/fields.h"
#include "util/sbuf.h"

#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static const char *label(const char *path)
{
	static char out[NETNS_LABEL_MAX];
	size_t n = netns_cgroup_label(path, strlen(path), out, sizeof(out));

	assert_int_equal(n, strlen(out));
	return out;
}

static const char *file_label(const char *text)
{
	static char out[NETNS_LABEL_MAX];
	size_t n =
		netns_cgroup_file_label(text, strlen(text), out, sizeof(out));

	assert_int_equal(n, strlen(out));
	return out;
}

static void test_docker(void **state)
{
	(void)state;
	/* systemd cgroup driver */
	assert_string_equal(label("/system.slice/docker-" ID ".scope"),
			    "docker:0123456789ab");
	/* cgroupfs driver */
	assert_string_equal(label("/docker/" ID), "docker:0123456789ab");
	/* a container's own sub-cgroup still belongs to it */
	assert_string_equal(label("/system.slice/docker-" ID ".scope/init"),
			    "docker:0123456789ab");
	/* the daemon itself is a unit, not a container */
	assert_string_equal(label("/system.slice/docker.service"),
			    "docker.service");
	/* not 64 hex digits: not an id */
	assert_string_equal(label("/system.slice/docker-0123.scope"), "");
	assert_string_equal(label("/docker/" "0123456789ABCDEF0123456789abcdef"
				  "0123456789abcdef0123456789abcdef"),
			    "");
}

static void test_podman(void **state)
{
	(void)state;
	assert_string_equal(label("/machine.slice/libpod-" ID ".scope"),
			    "podman:0123456789ab");
	assert_string_equal(
		label("/user.slice/user-1000.slice/user@1000.service/"
		      "user.slice/libpod-" ID ".scope/container"),
		"podman:0123456789ab");
	assert_string_equal(label("/machine.slice/libpod-conmon-" ID
				  ".scope"),
			    "podman:0123456789ab");
}

static void test_kubernetes(void **state)
{
	(void)state;
	/* systemd driver: the pod's uid with '_' for '-' */
	assert_string_equal(
		label("/kubepods.slice/kubepods-besteffort.slice/"
		      "kubepods-besteffort-pod1b2c3d4e_0000_4111_8222_"
		      "123456789abc.slice/cri-containerd-" ID ".scope"),
		"k8s:1b2c3d4e-0000-4111-8222-123456789abc");
	/* cgroupfs driver */
	assert_string_equal(label("/kubepods/burstable/"
				  "pod1b2c3d4e-0000-4111-8222-123456789abc/"
				  ID),
			    "k8s:1b2c3d4e-0000-4111-8222-123456789abc");
	/* the pod itself (no container below it) */
	assert_string_equal(label("/kubepods.slice/kubepods-pod1b2c3d4e_0000_"
				  "4111_8222_123456789abc.slice"),
			    "k8s:1b2c3d4e-0000-4111-8222-123456789abc");
	/* containerd and CRI-O outside a pod */
	assert_string_equal(label("/system.slice/cri-containerd-" ID ".scope"),
			    "containerd:0123456789ab");
	assert_string_equal(label("/machine.slice/crio-" ID ".scope"),
			    "crio:0123456789ab");
}

static void test_units(void **state)
{
	(void)state;
	assert_string_equal(label("/system.slice/nginx.service"),
			    "nginx.service");
	/* the innermost unit */
	assert_string_equal(label("/user.slice/user-1000.slice/"
				  "user@1000.service/app.slice/foo.service"),
			    "foo.service");
	assert_string_equal(label("/user.slice/user-1000.slice/session-3.scope"),
			    "");
	assert_string_equal(label("/"), "");
	assert_string_equal(label(""), "");
	assert_string_equal(label("//.service"), "");
}

static void test_files(void **state)
{
	(void)state;
	/* v2 */
	assert_string_equal(file_label("0::/system.slice/docker-" ID
				       ".scope\n"),
			    "docker:0123456789ab");
	/* hybrid: the v2 line is the truth even when v1 lines say more */
	assert_string_equal(file_label("4:memory:/docker/" ID "\n"
				       "0::/system.slice/sshd.service\n"),
			    "sshd.service");
	/* v1 only: a container beats a unit */
	assert_string_equal(file_label("9:name=systemd:/system.slice/"
				       "docker.service\n"
				       "4:memory:/docker/" ID "\n"),
			    "docker:0123456789ab");
	/* no newline at the end; empty; malformed lines */
	assert_string_equal(file_label("0::/system.slice/a.service"),
			    "a.service");
	assert_string_equal(file_label(""), "");
	assert_string_equal(file_label("garbage\n::\n:\n"), "");
	assert_string_equal(file_label("0::/\n"), "");
}

static void test_small_buffer(void **state)
{
	char out[8];
	size_t n;
	(void)state;

	n = netns_cgroup_label("/docker/" ID, strlen("/docker/" ID), out,
			       sizeof(out));
	assert_int_equal(n, 7);
	assert_string_equal(out, "docker:");
	n = netns_cgroup_label("/x.service", 10, out, 0);
	assert_int_equal(n, 0);
}

static void test_spec(void **state)
{
	struct sc_err err = { 0 };
	(void)state;

	assert_int_equal(netns_spec_check("blue", &err), 0);
	assert_int_equal(netns_spec_check("1234", &err), 0);
	assert_int_equal(netns_spec_check("/run/netns/blue", &err), 0);
	assert_int_equal(netns_spec_check("", &err), -1);
	assert_int_equal(netns_spec_check("..", &err), -1);
	assert_string_equal(err.msg, "invalid network namespace name '..'");
	assert_int_equal(netns_spec_check(".", &err), -1);
}

/* Two namespaces as a collection finds them: ours (unnamed, no label)
 * and a container's (named, labelled). */
struct two_ns {
	struct netns_info v[2];
	struct netns_set set;
	struct facts *f;
};

static char two_ns_name[] = "blue";
static char two_ns_label[] = "docker:0123456789ab";
static char two_ns_root[] = "/nonexistent";

static void two_ns_init(struct two_ns *t)
{
	struct facts_opts fo = { 0 };

	memset(t, 0, sizeof(*t));
	t->v[0].ino = 4026531840u;
	t->v[0].own = 1;
	t->v[1].ino = 4026532001u;
	t->v[1].name = two_ns_name;
	t->v[1].label = two_ns_label;
	t->set.v = t->v;
	t->set.n = 2;
	t->set.proc_root = two_ns_root;
	t->f = facts_new(&fo);
	facts_set_netns(t->f, &t->set);
}

static int matches(struct two_ns *t, const char *text, unsigned ns)
{
	struct sock_rec r = { .netid = SOCK_NETID_TCP, .family = 2,
			      .state = SOCK_ST_LISTEN, .netns = (uint16_t)ns };
	struct sc_err err = { 0 };
	struct expr *e = NULL;
	int m;

	assert_int_equal(expr_parse_text(text, strlen(text), &e, &err), 0);
	m = expr_match(e, &r, t->f);
	expr_free(e);
	return m;
}

static void test_predicates(void **state)
{
	struct two_ns t;
	(void)state;

	two_ns_init(&t);
	assert_true(matches(&t, "netns = blue", 1));
	assert_false(matches(&t, "netns = blue", 0));
	assert_true(matches(&t, "netns = 'bl*'", 1));
	assert_true(matches(&t, "netns = 4026532001", 1));
	assert_true(matches(&t, "netns = 4026531840", 0));
	assert_false(matches(&t, "netns = 4026531840", 1));
	assert_true(matches(&t, "not netns = blue", 0));
	assert_true(matches(&t, "netns != blue", 0));
	assert_true(matches(&t, "container = 'docker:*'", 1));
	assert_false(matches(&t, "container = 'docker:*'", 0));
	assert_true(matches(&t, "container != 'podman:*'", 0));
	/* an index beyond the table: no namespace, no match */
	assert_false(matches(&t, "netns = blue", 7));
	facts_free(t.f);
}

static void test_predicates_parse(void **state)
{
	static const char text[] = "netns = blue and container = 'k8s:*'";
	struct sc_err err = { 0 };
	struct expr *e = NULL;
	char out[128];
	(void)state;

	assert_int_equal(expr_parse_text(text, strlen(text), &e, &err), 0);
	expr_format(e, out, sizeof(out));
	assert_string_equal(out, "netns = blue and container = k8s:*");
	assert_int_equal(expr_needs(e), EXPR_NEED_NETNS | EXPR_NEED_LABELS);
	expr_free(e);
	assert_int_equal(expr_parse_text("netns > 3", 9, &e, &err), -1);
	assert_string_equal(err.msg,
			    "filter: 'netns' takes only = or != at column 7: "
			    "'>'");
}

static void test_fields(void **state)
{
	struct two_ns t;
	struct fields_ctx fc = { 0 };
	struct sbuf b = { 0 };
	struct sock_rec r = { .netid = SOCK_NETID_TCP, .family = 2 };
	enum field_id id;
	(void)state;

	two_ns_init(&t);
	fc.facts = t.f;
	fields_display(&fc, FIELD_NETNS, &r, &b);
	fields_display(&fc, FIELD_CONTAINER, &r, &b);
	r.netns = 1;
	sbuf_putc(&b, ' ');
	fields_display(&fc, FIELD_NETNS, &r, &b);
	sbuf_putc(&b, ' ');
	fields_display(&fc, FIELD_NETNS_INODE, &r, &b);
	sbuf_putc(&b, ' ');
	fields_display(&fc, FIELD_CONTAINER, &r, &b);
	sbuf_putc(&b, '\0');
	assert_string_equal(b.p, "4026531840- blue 4026532001 "
				 "docker:0123456789ab");
	assert_int_equal(fields_lookup("netns", &id), 0);
	assert_int_equal(id, FIELD_NETNS);
	assert_int_equal(fields_lookup("container", &id), 0);
	assert_true(fields_needs(FIELD_CONTAINER) & FIELD_NEED_LABELS);
	/* without the namespaces identified: no value */
	fc.facts = NULL;
	b.len = 0;
	fields_display(&fc, FIELD_NETNS, &r, &b);
	sbuf_putc(&b, '\0');
	assert_string_equal(b.p, "-");
	sbuf_free(&b);
	facts_free(t.f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docker),
		cmocka_unit_test(test_podman),
		cmocka_unit_test(test_kubernetes),
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_small_buffer),
		cmocka_unit_test(test_spec),
		cmocka_unit_test(test_predicates),
		cmocka_unit_test(test_predicates_parse),
		cmocka_unit_test(test_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
