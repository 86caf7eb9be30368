/* diff.c - births, state changes and deaths between two snapshots, by
 * socket identity (inode, cookie, or addresses). */
#include "config.h"

#include "model/diff.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* Socket inodes come from a 32-bit counter: the netid fits above them. */
static uint64_t diff_ino_key(uint8_t netid, uint64_t inode)
{
	return ((uint64_t)netid << 56) ^ (inode & ((1ull << 56) - 1));
}

/* The inode of namespace idx of ns; 0 without namespaces. */
static uint64_t diff_ns_ino(const struct netns_set *ns, unsigned idx)
{
	return ns != NULL && idx < ns->n ? ns->v[idx].ino : 0;
}

static uint64_t diff_tuple_key(const struct sock_rec *r, uint64_t ns_ino)
{
	uint64_t h = 0xcbf29ce484222325ull;
	unsigned char b[6 + 32 + 8];

	b[0] = r->netid;
	b[1] = r->family;
	memcpy(b + 2, &r->sport, 2);
	memcpy(b + 4, &r->dport, 2);
	memcpy(b + 6, r->src, 16);
	memcpy(b + 22, r->dst, 16);
	memcpy(b + 38, &ns_ino, 8);
	for (size_t i = 0; i < sizeof(b); i++) {
		h ^= b[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

/* a is a row of ix; b is of the namespace with inode b_ino. */
static int diff_same_tuple(const struct diff_index *ix,
			   const struct sock_rec *a, const struct sock_rec *b,
			   uint64_t b_ino)
{
	return diff_ns_ino(ix->netns, a->netns) == b_ino &&
	       a->netid == b->netid && a->family == b->family &&
	       a->sport == b->sport && a->dport == b->dport &&
	       memcmp(a->src, b->src, 16) == 0 &&
	       memcmp(a->dst, b->dst, 16) == 0;
}

static void diff_put(struct u64map *m, uint64_t key, size_t row)
{
	int added;
	uint32_t *v = u64map_put(m, key, &added);

	if (added)
		*v = (uint32_t)row;
}

void diff_index_build(struct diff_index *ix, const struct rows *rs)
{
	diff_index_build_ns(ix, rs, NULL);
}

void diff_index_build_ns(struct diff_index *ix, const struct rows *rs,
			 const struct netns_set *ns)
{
	size_t n = rows_count(rs);

	memset(ix, 0, sizeof(*ix));
	ix->rows = rs;
	ix->netns = ns;
	for (size_t i = 0; i < n; i++) {
		struct sock_rec r;

		rows_get(rs, i, &r);
		if (r.inode != 0)
			diff_put(&ix->ino, diff_ino_key(r.netid, r.inode), i);
		if (r.cookie != 0)
			diff_put(&ix->cookie, r.cookie, i);
		if (r.inode == 0)
			diff_put(&ix->tuple,
				 diff_tuple_key(&r, diff_ns_ino(ns, r.netns)),
				 i);
	}
}

void diff_index_free(struct diff_index *ix)
{
	u64map_free(&ix->ino);
	u64map_free(&ix->cookie);
	u64map_free(&ix->tuple);
	memset(ix, 0, sizeof(*ix));
}

size_t diff_index_find_cookie(const struct diff_index *ix, uint64_t cookie)
{
	const uint32_t *v;

	if (cookie == 0)
		return DIFF_NONE;
	v = u64map_get(&ix->cookie, cookie);
	return v != NULL ? *v : DIFF_NONE;
}

/* r of the namespace with inode ns_ino. */
static size_t diff_find(const struct diff_index *ix, const struct sock_rec *r,
			uint64_t ns_ino)
{
	const uint32_t *v;
	struct sock_rec o;

	if (r->inode != 0) {
		v = u64map_get(&ix->ino, diff_ino_key(r->netid, r->inode));
		if (v != NULL) {
			rows_get(ix->rows, *v, &o);
			if (o.cookie == 0 || r->cookie == 0 ||
			    o.cookie == r->cookie)
				return *v;
		}
	}
	if (r->cookie != 0) {
		size_t i = diff_index_find_cookie(ix, r->cookie);

		if (i != DIFF_NONE) {
			rows_get(ix->rows, i, &o);
			if (o.netid == r->netid)
				return i;
		}
		return DIFF_NONE;
	}
	if (r->inode != 0)
		return DIFF_NONE;
	return diff_index_find_minisock_ns(ix, r, ns_ino);
}

size_t diff_index_find(const struct diff_index *ix, const struct sock_rec *r)
{
	return diff_find(ix, r, diff_ns_ino(ix->netns, r->netns));
}

size_t diff_index_find_minisock_ns(const struct diff_index *ix,
				   const struct sock_rec *r, uint64_t ns_ino)
{
	const uint32_t *v = u64map_get(&ix->tuple, diff_tuple_key(r, ns_ino));
	struct sock_rec o;

	if (v == NULL)
		return DIFF_NONE;
	rows_get(ix->rows, *v, &o);
	return diff_same_tuple(ix, &o, r, ns_ino) ? *v : DIFF_NONE;
}

size_t diff_index_find_minisock(const struct diff_index *ix,
				const struct sock_rec *r)
{
	return diff_index_find_minisock_ns(ix, r,
					   diff_ns_ino(ix->netns, r->netns));
}

int diff_rows(const struct diff_index *prev, const struct diff_index *cur,
	      diff_cb cb, void *ud)
{
	size_t np, nc = rows_count(cur->rows);
	unsigned char *claimed;
	int r = 0;

	if (prev == NULL)
		return 0;
	np = rows_count(prev->rows);
	claimed = xcalloc(np > 0 ? np : 1, 1);
	for (size_t i = 0; i < nc && r == 0; i++) {
		struct sock_rec c, p;
		size_t k;

		rows_get(cur->rows, i, &c);
		/* c's namespace by inode: the indexes are per snapshot */
		k = diff_find(prev, &c, diff_ns_ino(cur->netns, c.netns));
		/* a second row with one identity is another socket */
		if (k != DIFF_NONE && claimed[k])
			k = DIFF_NONE;
		if (k == DIFF_NONE) {
			r = cb(ud, DIFF_BORN, DIFF_NONE, i);
			continue;
		}
		claimed[k] = 1;
		rows_get(prev->rows, k, &p);
		if (p.state != c.state)
			r = cb(ud, DIFF_STATE, k, i);
	}
	for (size_t k = 0; k < np && r == 0; k++)
		if (!claimed[k])
			r = cb(ud, DIFF_DIED, k, DIFF_NONE);
	free(claimed);
	return r;
}
