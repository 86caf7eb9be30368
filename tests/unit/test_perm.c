/* test_perm.c - the doctor's permission model against the kernel's rules:
 * mode classes, POSIX ACLs from hand-made xattr bytes (the mask, several
 * groups, a clear mask), malformed ACL blobs refused as the kernel refuses
 * them, root, the group that would grant, and the walk over a real tree
 * (search denied, missing, not a directory, links, loops, dangling). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "doctor/perm.h"

/* ---- hand-made ACL blobs ------------------------------------------------ */

struct blob {
	unsigned char b[4 + 8 * 16];
	size_t len;
};

static void blob_init(struct blob *x, uint32_t version)
{
	x->b[0] = (unsigned char)version;
	x->b[1] = (unsigned char)(version >> 8);
	x->b[2] = (unsigned char)(version >> 16);
	x->b[3] = (unsigned char)(version >> 24);
	x->len = 4;
}

static void blob_add(struct blob *x, uint16_t tag, uint16_t perm, uint32_t id)
{
	unsigned char *p = x->b + x->len;

	p[0] = (unsigned char)tag;
	p[1] = (unsigned char)(tag >> 8);
	p[2] = (unsigned char)perm;
	p[3] = (unsigned char)(perm >> 8);
	p[4] = (unsigned char)id;
	p[5] = (unsigned char)(id >> 8);
	p[6] = (unsigned char)(id >> 16);
	p[7] = (unsigned char)(id >> 24);
	x->len += 8;
}

#define NOID 0xffffffffu

/* u::rw- u:1001:rw- g::r-- g:2000:rw- g:3000:r-- m::MASK o::--- */
static void blob_typical(struct blob *x, uint16_t mask)
{
	blob_init(x, 2);
	blob_add(x, PERM_ACL_USER_OBJ, 6, NOID);
	blob_add(x, PERM_ACL_USER, 6, 1001);
	blob_add(x, PERM_ACL_GROUP_OBJ, 4, NOID);
	blob_add(x, PERM_ACL_GROUP, 6, 2000);
	blob_add(x, PERM_ACL_GROUP, 4, 3000);
	blob_add(x, PERM_ACL_MASK, mask, NOID);
	blob_add(x, PERM_ACL_OTHER, 0, NOID);
}

static void test_acl_parse_valid(void **state)
{
	struct blob x;
	struct perm_acl acl;
	struct sc_err err = { 0 };

	(void)state;
	blob_typical(&x, 6);
	assert_int_equal(perm_acl_parse(x.b, x.len, &acl, &err), 0);
	assert_int_equal(acl.n, 7);
	assert_int_equal(acl.mask, 6);
	assert_int_equal(acl.e[1].tag, PERM_ACL_USER);
	assert_int_equal(acl.e[1].id, 1001);
	assert_int_equal(acl.e[3].perm, 6);
	perm_acl_free(&acl);

	/* the minimal ACL: three entries, no mask needed */
	blob_init(&x, 2);
	blob_add(&x, PERM_ACL_USER_OBJ, 7, NOID);
	blob_add(&x, PERM_ACL_GROUP_OBJ, 5, NOID);
	blob_add(&x, PERM_ACL_OTHER, 1, NOID);
	assert_int_equal(perm_acl_parse(x.b, x.len, &acl, &err), 0);
	assert_int_equal(acl.n, 3);
	assert_int_equal(acl.mask, -1);
	perm_acl_free(&acl);

	/* a header alone is no ACL at all (posix_acl_from_xattr: NULL) */
	blob_init(&x, 2);
	assert_int_equal(perm_acl_parse(x.b, x.len, &acl, &err), 0);
	assert_int_equal(acl.n, 0);
	assert_null(acl.e);
}

struct bad_case {
	const char *what;
	int code;
	const char *msg; /* a part of the message */
};

static void check_bad(const struct blob *x, int code, const char *msg)
{
	struct perm_acl acl;
	struct sc_err err = { 0 };

	assert_int_equal(perm_acl_parse(x->b, x->len, &acl, &err), -1);
	assert_int_equal(err.code, code);
	if (strstr(err.msg, msg) == NULL)
		fail_msg("message '%s' lacks '%s'", err.msg, msg);
	assert_int_equal(acl.n, 0);
	assert_null(acl.e);
}

static void test_acl_parse_malformed(void **state)
{
	struct blob x;

	(void)state;
	/* shorter than the header */
	blob_init(&x, 2);
	x.len = 3;
	check_bad(&x, EINVAL, "shorter than its header");
	x.len = 0;
	check_bad(&x, EINVAL, "shorter than its header");

	/* another version */
	blob_init(&x, 1);
	blob_add(&x, PERM_ACL_USER_OBJ, 6, NOID);
	check_bad(&x, EOPNOTSUPP, "not version 2");
	blob_init(&x, 0x02000000u); /* big-endian 2 */
	check_bad(&x, EOPNOTSUPP, "not version 2");

	/* a torn entry */
	blob_typical(&x, 6);
	x.len -= 3;
	check_bad(&x, EINVAL, "whole number of entries");

	/* bits beyond rwx */
	blob_init(&x, 2);
	blob_add(&x, PERM_ACL_USER_OBJ, 8, NOID);
	blob_add(&x, PERM_ACL_GROUP_OBJ, 4, NOID);
	blob_add(&x, PERM_ACL_OTHER, 0, NOID);
	check_bad(&x, EINVAL, "entry 1: permission bits beyond rwx");

	/* an unknown tag */
	blob_init(&x, 2);
	blob_add(&x, PERM_ACL_USER_OBJ, 6, NOID);
	blob_add(&x, 0x40, 4, NOID);
	check_bad(&x, EINVAL, "entry 2: unknown tag");

	/* out of order: group:: before user:: */
	blob_init(&x, 2);
	blob_add(&x, PERM_ACL_GROUP_OBJ, 4, NOID);
	blob_add(&x, PERM_ACL_USER_OBJ, 6, NOID);
	blob_add(&x, PERM_ACL_OTHER, 0, NOID);
	check_bad(&x, EINVAL, "entry 1: group:: out of place");

	/* user:: twice */
	blob_init(&x, 2);
	blob_add(&x, PERM_ACL_USER_OBJ, 6, NOID);
	blob_add(&x, PERM_ACL_USER_OBJ, 6, NOID);
	check_bad(&x, EINVAL, "entry 2: user:: out of place");

	/* a named user after group:: */
	blob_init(&x, 2);
	blob_add(&x, PERM_ACL_USER_OBJ, 6, NOID);
	blob_add(&x, PERM_ACL_GROUP_OBJ, 4, NOID);
	blob_add(&x, PERM_ACL_USER, 6, 1001);
	check_bad(&x, EINVAL, "entry 3: user: out of place");

	/* named entries need a mask */
	blob_init(&x, 2);
	blob_add(&x, PERM_ACL_USER_OBJ, 6, NOID);
	blob_add(&x, PERM_ACL_USER, 6, 1001);
	blob_add(&x, PERM_ACL_GROUP_OBJ, 4, NOID);
	blob_add(&x, PERM_ACL_OTHER, 0, NOID);
	check_bad(&x, EINVAL, "entry 4: named entries without a mask");

	/* a mask before group:: */
	blob_init(&x, 2);
	blob_add(&x, PERM_ACL_USER_OBJ, 6, NOID);
	blob_add(&x, PERM_ACL_MASK, 6, NOID);
	check_bad(&x, EINVAL, "entry 2: mask:: out of place");

	/* nothing may follow other:: */
	blob_init(&x, 2);
	blob_add(&x, PERM_ACL_USER_OBJ, 6, NOID);
	blob_add(&x, PERM_ACL_GROUP_OBJ, 4, NOID);
	blob_add(&x, PERM_ACL_OTHER, 0, NOID);
	blob_add(&x, PERM_ACL_OTHER, 0, NOID);
	check_bad(&x, EINVAL, "entry 4: entries after other::");

	/* no other:: at all */
	blob_init(&x, 2);
	blob_add(&x, PERM_ACL_USER_OBJ, 6, NOID);
	blob_add(&x, PERM_ACL_GROUP_OBJ, 4, NOID);
	check_bad(&x, EINVAL, "no user::, group:: and other::");
}

/* Every length of a valid blob cut short parses or fails cleanly. */
static void test_acl_parse_truncations(void **state)
{
	struct blob x;
	struct perm_acl acl;
	struct sc_err err;

	(void)state;
	blob_typical(&x, 6);
	for (size_t n = 0; n < x.len; n++) {
		int r = perm_acl_parse(x.b, n, &acl, &err);

		if (n == 4) {
			assert_int_equal(r, 0); /* header only: no ACL */
			assert_int_equal(acl.n, 0);
		} else {
			assert_int_equal(r, -1);
			assert_null(acl.e);
		}
	}
}

static void test_acl_entry_text(void **state)
{
	struct perm_acl_entry e = { PERM_ACL_USER, 6, 1001 };
	char out[64];

	(void)state;
	perm_acl_entry_text(&e, "alice", out, sizeof(out));
	assert_string_equal(out, "u:alice:rw-");
	e.tag = PERM_ACL_GROUP;
	e.perm = 5;
	perm_acl_entry_text(&e, "docker", out, sizeof(out));
	assert_string_equal(out, "g:docker:r-x");
	e.tag = PERM_ACL_MASK;
	e.perm = 4;
	perm_acl_entry_text(&e, NULL, out, sizeof(out));
	assert_string_equal(out, "m::r--");
	e.tag = PERM_ACL_OTHER;
	e.perm = 0;
	perm_acl_entry_text(&e, NULL, out, sizeof(out));
	assert_string_equal(out, "o::---");
}

/* ---- mode bits ---------------------------------------------------------- */

static void check(const struct perm_file *f, uid_t uid, const gid_t *g,
		  size_t ng, unsigned want, int granted, enum perm_class by,
		  uint32_t id)
{
	struct perm_who w = { .uid = uid, .groups = g, .ngroups = ng };
	struct perm_result r;

	perm_check(f, &w, want, &r);
	assert_int_equal(r.granted, granted);
	assert_int_equal(r.by, by);
	assert_int_equal(r.id, id);
}

static void test_mode_classes(void **state)
{
	/* srw-rw---- root:docker, as docker.sock */
	struct perm_file f = { .mode = S_IFSOCK | 0660, .uid = 0, .gid = 998 };
	const gid_t in[] = { 1000, 998 }, out[] = { 1000, 27 };

	(void)state;
	check(&f, 0, NULL, 0, PERM_W, 1, PERM_BY_OWNER, 0);
	check(&f, 1000, in, 2, PERM_W, 1, PERM_BY_GROUP, 998);
	check(&f, 1000, out, 2, PERM_W, 0, PERM_BY_OTHER, 0);

	/* the owner's bits decide for the owner, even when others have
	 * more: ---rw-rw- */
	f.mode = S_IFSOCK | 0066;
	f.uid = 1000;
	check(&f, 1000, in, 2, PERM_W, 0, PERM_BY_OWNER, 1000);
	/* a member of the group gets the group's bits, not other's:
	 * ----r--rw- */
	f.mode = S_IFSOCK | 0046;
	f.uid = 0;
	check(&f, 1000, in, 2, PERM_W, 0, PERM_BY_GROUP, 998);
	check(&f, 1000, out, 2, PERM_W, 1, PERM_BY_OTHER, 0);

	/* search on a directory: x */
	f.mode = S_IFDIR | 0750;
	check(&f, 1000, in, 2, PERM_X, 1, PERM_BY_GROUP, 998);
	check(&f, 1000, out, 2, PERM_X, 0, PERM_BY_OTHER, 0);
	/* r without x does not let one through */
	f.mode = S_IFDIR | 0744;
	check(&f, 1000, out, 2, PERM_X, 0, PERM_BY_OTHER, 0);
}

static void test_root(void **state)
{
	struct perm_file f = { .mode = S_IFSOCK | 0600,
			       .uid = 1000,
			       .gid = 1000 };
	struct perm_who w = { .uid = 0, .root = true };
	struct perm_result r;

	(void)state;
	perm_check(&f, &w, PERM_W, &r);
	assert_true(r.granted);
	assert_int_equal(r.by, PERM_BY_ROOT);
	f.mode = S_IFDIR | 0000;
	perm_check(&f, &w, PERM_X, &r);
	assert_true(r.granted);
	assert_int_equal(r.by, PERM_BY_ROOT);
	/* the owner's class comes first when it grants */
	f.uid = 0;
	f.mode = S_IFSOCK | 0600;
	perm_check(&f, &w, PERM_W, &r);
	assert_true(r.granted);
	assert_int_equal(r.by, PERM_BY_OWNER);
}

/* ---- ACLs --------------------------------------------------------------- */

static void parse_or_fail(const struct blob *x, struct perm_acl *acl)
{
	struct sc_err err = { 0 };

	if (perm_acl_parse(x->b, x->len, acl, &err) < 0)
		fail_msg("%s", err.msg);
}

static void test_acl_user_and_mask(void **state)
{
	struct blob x;
	struct perm_acl acl;
	/* with an ACL the mode's group bits are the mask */
	struct perm_file f = { .mode = S_IFSOCK | 0660, .uid = 0, .gid = 50 };
	const gid_t none[] = { 100 };
	struct perm_who w = { .uid = 1001, .groups = none, .ngroups = 1 };
	struct perm_result r;

	(void)state;
	blob_typical(&x, 6);
	parse_or_fail(&x, &acl);
	f.acl = &acl;
	perm_check(&f, &w, PERM_W, &r);
	assert_true(r.granted);
	assert_int_equal(r.by, PERM_BY_ACL_USER);
	assert_int_equal(r.id, 1001);
	assert_int_equal(r.have, 6);
	perm_acl_free(&acl);

	/* the mask r-- takes the w of u:1001:rw- away */
	blob_typical(&x, 4);
	parse_or_fail(&x, &acl);
	f.mode = S_IFSOCK | 0640;
	f.acl = &acl;
	perm_check(&f, &w, PERM_W, &r);
	assert_false(r.granted);
	assert_int_equal(r.by, PERM_BY_ACL_USER);
	assert_int_equal(r.entry, 6);
	assert_int_equal(r.have, 4);
	assert_true(r.masked);

	/* a clear mask (group bits ---): the kernel skips the ACL and the
	 * named user falls to other's bits */
	f.mode = S_IFSOCK | 0606;
	perm_check(&f, &w, PERM_W, &r);
	assert_true(r.granted);
	assert_int_equal(r.by, PERM_BY_OTHER);
	perm_acl_free(&acl);
}

static void test_acl_groups(void **state)
{
	struct blob x;
	struct perm_acl acl;
	struct perm_file f = { .mode = S_IFSOCK | 0660, .uid = 0, .gid = 50 };
	const gid_t g3000[] = { 3000 }, g2000[] = { 2000 },
		    both[] = { 3000, 2000 }, g50[] = { 50 },
		    g50and2000[] = { 50, 2000 };
	struct perm_who w = { .uid = 1002 };
	struct perm_result r;

	(void)state;
	blob_typical(&x, 6);
	parse_or_fail(&x, &acl);
	f.acl = &acl;

	/* g:3000:r-- matches but does not grant, and other:: is never
	 * reached once a group matched */
	w.groups = g3000;
	w.ngroups = 1;
	perm_check(&f, &w, PERM_W, &r);
	assert_false(r.granted);
	assert_int_equal(r.by, PERM_BY_ACL_GROUP);
	assert_int_equal(r.id, 3000);
	/* reading is fine */
	perm_check(&f, &w, PERM_R, &r);
	assert_true(r.granted);

	w.groups = g2000;
	perm_check(&f, &w, PERM_W, &r);
	assert_true(r.granted);
	assert_int_equal(r.by, PERM_BY_ACL_GROUP);
	assert_int_equal(r.id, 2000);

	/* any of the user's groups that grants will do */
	w.groups = both;
	w.ngroups = 2;
	perm_check(&f, &w, PERM_W, &r);
	assert_true(r.granted);
	assert_int_equal(r.id, 2000);

	/* the owning group's entry g::r-- */
	w.groups = g50;
	w.ngroups = 1;
	perm_check(&f, &w, PERM_W, &r);
	assert_false(r.granted);
	assert_int_equal(r.by, PERM_BY_GROUP);
	assert_int_equal(r.id, 50);
	w.groups = g50and2000;
	w.ngroups = 2;
	perm_check(&f, &w, PERM_W, &r);
	assert_true(r.granted);
	assert_int_equal(r.id, 2000);

	/* the owner ignores the ACL */
	w.uid = 0;
	w.groups = NULL;
	w.ngroups = 0;
	perm_check(&f, &w, PERM_W, &r);
	assert_true(r.granted);
	assert_int_equal(r.by, PERM_BY_OWNER);
	perm_acl_free(&acl);
}

static void test_granting_group(void **state)
{
	struct blob x;
	struct perm_acl acl;
	struct perm_file f = { .mode = S_IFSOCK | 0660, .uid = 0, .gid = 998 };
	gid_t g = 0;

	(void)state;
	assert_true(perm_granting_group(&f, PERM_W, &g));
	assert_int_equal(g, 998);
	f.mode = S_IFSOCK | 0640;
	assert_false(perm_granting_group(&f, PERM_W, &g));

	/* g::r-- then g:2000:rw-: 2000 grants */
	blob_typical(&x, 6);
	parse_or_fail(&x, &acl);
	f.mode = S_IFSOCK | 0660;
	f.acl = &acl;
	assert_true(perm_granting_group(&f, PERM_W, &g));
	assert_int_equal(g, 2000);
	/* with mask r-- none does */
	acl.mask = 4;
	f.mode = S_IFSOCK | 0640;
	assert_false(perm_granting_group(&f, PERM_W, &g));
	perm_acl_free(&acl);
}

static void test_names(void **state)
{
	char b[4];

	(void)state;
	assert_string_equal(perm_class_name(PERM_BY_ACL_USER), "ACL user "
							       "entry");
	assert_string_equal(perm_class_name(PERM_BY_OTHER), "other");
	perm_bits_text(5, b);
	assert_string_equal(b, "r-x");
	perm_bits_text(0, b);
	assert_string_equal(b, "---");
}

/* ---- the walk over a real tree ------------------------------------------ */

struct tree {
	char root[64];
};

static void mk(const char *path, mode_t mode)
{
	assert_int_equal(mkdir(path, mode), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static int tree_setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));
	char p[256];
	FILE *fp;

	snprintf(t->root, sizeof(t->root), "/tmp/test_perm.XXXXXX");
	if (mkdtemp(t->root) == NULL)
		return -1;
	chmod(t->root, 0755);
	snprintf(p, sizeof(p), "%s/open", t->root);
	mk(p, 0755);
	snprintf(p, sizeof(p), "%s/shut", t->root);
	mk(p, 0700);
	snprintf(p, sizeof(p), "%s/shut/in.sock", t->root);
	fp = fopen(p, "w");
	fclose(fp);
	snprintf(p, sizeof(p), "%s/open/file", t->root);
	fp = fopen(p, "w");
	fclose(fp);
	snprintf(p, sizeof(p), "%s/lnk", t->root);
	assert_int_equal(symlink("open", p), 0);
	snprintf(p, sizeof(p), "%s/abs", t->root);
	{
		char target[128];

		snprintf(target, sizeof(target), "%s/open/file", t->root);
		assert_int_equal(symlink(target, p), 0);
	}
	snprintf(p, sizeof(p), "%s/dangle", t->root);
	assert_int_equal(symlink("open/nothing", p), 0);
	snprintf(p, sizeof(p), "%s/loop1", t->root);
	assert_int_equal(symlink("loop2", p), 0);
	snprintf(p, sizeof(p), "%s/loop2", t->root);
	assert_int_equal(symlink("loop1", p), 0);
	*state = t;
	return 0;
}

static int tree_teardown(void **state)
{
	struct tree *t = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->root);
	if (system(cmd) != 0)
		return -1;
	free(t);
	return 0;
}

/* a user who is not the owner of anything here */
static const gid_t stranger_groups[] = { 54321 };
static const struct perm_who stranger = {
	.uid = 54321,
	.groups = stranger_groups,
	.ngroups = 1,
};

static void walk(const struct tree *t, const char *rel, struct perm_walk *w)
{
	char p[256];
	struct sc_err err = { 0 };

	snprintf(p, sizeof(p), "%s%s", t->root, rel);
	assert_int_equal(perm_walk(p, &stranger, &stranger, w, &err), 0);
}

static void test_walk_ok_and_links(void **state)
{
	struct tree *t = *state;
	struct perm_walk w;

	walk(t, "/open/file", &w);
	assert_int_equal(w.end, PERM_WALK_OK);
	assert_true(w.found);
	assert_string_equal(w.c[0].name, "/");
	assert_string_equal(w.c[w.file].name, "file");
	assert_true(S_ISREG(w.c[w.file].st.st_mode));
	assert_true(w.c[w.file - 1].searched);
	assert_true(w.c[w.file - 1].search.granted);
	assert_int_equal(w.final_link, SIZE_MAX);
	perm_walk_free(&w);

	/* a relative link in the middle, shown and followed */
	walk(t, "/lnk/file", &w);
	assert_int_equal(w.end, PERM_WALK_OK);
	assert_true(w.found);
	assert_string_equal(w.c[w.file - 2].name, "lnk");
	assert_string_equal(w.c[w.file - 2].link, "open");
	assert_string_equal(w.c[w.file - 1].name, "open");
	assert_int_equal(w.c[w.file - 1].depth, 1);
	perm_walk_free(&w);

	/* an absolute link at the end starts again from "/" */
	walk(t, "/abs", &w);
	assert_int_equal(w.end, PERM_WALK_OK);
	assert_true(w.found);
	assert_true(S_ISREG(w.c[w.file].st.st_mode));
	assert_int_not_equal(w.final_link, SIZE_MAX);
	assert_string_equal(w.c[w.final_link].name, "abs");
	assert_string_equal(w.c[w.final_link + 1].name, "/");
	perm_walk_free(&w);

	/* "." and doubled slashes are no components */
	walk(t, "/./open//./file", &w);
	assert_int_equal(w.end, PERM_WALK_OK);
	assert_string_equal(w.c[w.file].name, "file");
	perm_walk_free(&w);
}

static void test_walk_stops(void **state)
{
	struct tree *t = *state;
	struct perm_walk w;

	/* a 0700 directory: the walk stops there, but (as root) goes on to
	 * report what is behind */
	walk(t, "/shut/in.sock", &w);
	assert_int_equal(w.end, PERM_WALK_NOSEARCH);
	assert_int_equal(w.end_errno, EACCES);
	assert_string_equal(w.c[w.stop].name, "shut");
	assert_false(w.c[w.stop].search.granted);
	assert_int_equal(w.c[w.stop].search.by, PERM_BY_OTHER);
	if (geteuid() == 0) {
		assert_true(w.found);
		assert_string_equal(w.c[w.file].name, "in.sock");
	}
	perm_walk_free(&w);

	walk(t, "/open/nothing.sock", &w);
	assert_int_equal(w.end, PERM_WALK_MISSING);
	assert_int_equal(w.end_errno, ENOENT);
	assert_false(w.found);
	assert_string_equal(w.c[w.stop].name, "nothing.sock");
	assert_int_equal(w.stop, w.n - 1);
	perm_walk_free(&w);

	/* a missing directory stops it before the file */
	walk(t, "/gone/x.sock", &w);
	assert_int_equal(w.end, PERM_WALK_MISSING);
	assert_string_equal(w.c[w.stop].name, "gone");
	perm_walk_free(&w);

	walk(t, "/open/file/x.sock", &w);
	assert_int_equal(w.end, PERM_WALK_NOTDIR);
	assert_int_equal(w.end_errno, ENOTDIR);
	assert_string_equal(w.c[w.stop].name, "file");
	perm_walk_free(&w);

	walk(t, "/loop1", &w);
	assert_int_equal(w.end, PERM_WALK_LOOP);
	assert_int_equal(w.end_errno, ELOOP);
	assert_false(w.found);
	perm_walk_free(&w);

	/* a dangling link at the end: missing, past the final link */
	walk(t, "/dangle", &w);
	assert_int_equal(w.end, PERM_WALK_MISSING);
	assert_int_not_equal(w.final_link, SIZE_MAX);
	assert_true(w.stop > w.final_link);
	assert_string_equal(w.c[w.stop].name, "nothing");
	perm_walk_free(&w);
}

static void test_walk_relative(void **state)
{
	struct tree *t = *state;
	struct perm_walk w;
	struct sc_err err = { 0 };
	char *cwd = getcwd(NULL, 0);

	assert_int_equal(chdir(t->root), 0);
	assert_int_equal(perm_walk("open/file", &stranger, &stranger, &w, &err),
			 0);
	assert_int_equal(chdir(cwd), 0);
	free(cwd);
	assert_int_equal(w.end, PERM_WALK_OK);
	assert_string_equal(w.c[0].name, "/");
	assert_string_equal(w.c[w.file].name, "file");
	assert_int_equal(strncmp(w.c[w.file].path, t->root, strlen(t->root)),
			 0);
	perm_walk_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_acl_parse_valid),
		cmocka_unit_test(test_acl_parse_malformed),
		cmocka_unit_test(test_acl_parse_truncations),
		cmocka_unit_test(test_acl_entry_text),
		cmocka_unit_test(test_mode_classes),
		cmocka_unit_test(test_root),
		cmocka_unit_test(test_acl_user_and_mask),
		cmocka_unit_test(test_acl_groups),
		cmocka_unit_test(test_granting_group),
		cmocka_unit_test(test_names),
		cmocka_unit_test_setup_teardown(test_walk_ok_and_links,
						tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_walk_stops, tree_setup,
						tree_teardown),
		cmocka_unit_test_setup_teardown(test_walk_relative, tree_setup,
						tree_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
