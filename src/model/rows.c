/* rows.c - the listing's sockets as compact records in one arena, with an
 * offset per row; views are arrays of row numbers. */
#include "config.h"

#include "model/rows.h"

#include "util/msort.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* Record layout (unaligned; read with memcpy):
 *   u8 netid, u8 family, u8 state, u8 flags (SOCK_F_*), u8 extra (RX_*)
 *   u32 rq, u32 wq
 *   [u32 uid, u64 cookie                      unless ROWS_DROP_IDS]
 *   [u64 inode           for Unix sockets (their "port"), or unless
 *                        ROWS_DROP_IDS]
 *   [u8 timer, u8 retrans, u32 expires_ms    if SOCK_F_HAS_TIMER,
 *                                             unless ROWS_DROP_TIMER]
 *   inet: u16 sport, u16 dport, src, dst (4 or 16 bytes each),
 *         [u32 ifindex                        if RX_IFINDEX]
 *   unix: u64 peer_ino, u8 name_len, name,
 *         [u64 vfs_ino, u32 vfs_dev           if SOCK_F_HAS_VFS]
 *   [u16 len, tcp_info                        if RX_INFO]
 *   [u8 len, cong                             if RX_CONG]
 *   [u8 len, skmem                            if RX_SKMEM]
 *   [u16 netns                                if RX_NETNS] */
enum rows_extra {
	RX_IFINDEX = 1u << 0,
	RX_INFO = 1u << 1,
	RX_CONG = 1u << 2,
	RX_SKMEM = 1u << 3,
	RX_NETNS = 1u << 4, /* another namespace than the first */
};

#define ROWS_FIXED_MAX                                                        \
	(5 + 12 + 16 + 6 + 4 + 32 + 4 + 8 + 1 + SOCK_UNIX_NAME_MAX + 12 + 2 + \
	 1 + 1 + 2)

struct rows {
	unsigned drop;
	unsigned char *arena;
	size_t len, cap;
	uint32_t *off; /* the arena stays below 4 GiB (see rows_add) */
	size_t n, ncap;
};

struct rows *rows_new(unsigned drop)
{
	struct rows *rs = xcalloc(1, sizeof(struct rows));

	rs->drop = drop;
	return rs;
}

void rows_free(struct rows *rs)
{
	if (rs == NULL)
		return;
	free(rs->arena);
	free(rs->off);
	free(rs);
}

static unsigned char *rows_put(unsigned char *p, const void *v, size_t n)
{
	memcpy(p, v, n);
	return p + n;
}

void rows_add(struct rows *rs, const struct sock_rec *r)
{
	size_t need = ROWS_FIXED_MAX + r->tcp_info_len + r->cong_len +
		      r->skmem_len;
	unsigned char *p;
	uint8_t extra = 0;

	if (rs->len + need > rs->cap) {
		do
			rs->cap = rs->cap ? rs->cap * 2 : 64 * 1024;
		while (rs->len + need > rs->cap);
		/* some 80 million sockets: far beyond any kernel's limits */
		if (rs->cap > UINT32_MAX)
			abort();
		rs->arena = xrealloc(rs->arena, rs->cap);
	}
	if (rs->n == rs->ncap) {
		rs->ncap = rs->ncap ? rs->ncap * 2 : 1024;
		rs->off = xrealloc(rs->off, rs->ncap * sizeof(*rs->off));
	}
	rs->off[rs->n++] = (uint32_t)rs->len;

	if (r->family != AF_UNIX && r->ifindex != 0)
		extra |= RX_IFINDEX;
	if (r->tcp_info_len > 0)
		extra |= RX_INFO;
	if (r->cong_len > 0)
		extra |= RX_CONG;
	if (r->skmem_len > 0)
		extra |= RX_SKMEM;
	if (r->netns != 0)
		extra |= RX_NETNS;
	p = rs->arena + rs->len;
	*p++ = r->netid;
	*p++ = r->family;
	*p++ = r->state;
	*p++ = r->flags & ~((rs->drop & ROWS_DROP_IDS ? SOCK_F_HAS_UID : 0) |
			    (rs->drop & ROWS_DROP_TIMER ? SOCK_F_HAS_TIMER : 0));
	*p++ = extra;
	p = rows_put(p, &r->rq, 4);
	p = rows_put(p, &r->wq, 4);
	if (!(rs->drop & ROWS_DROP_IDS)) {
		p = rows_put(p, &r->uid, 4);
		p = rows_put(p, &r->cookie, 8);
	}
	if (!(rs->drop & ROWS_DROP_IDS) || r->family == AF_UNIX)
		p = rows_put(p, &r->inode, 8);
	if ((r->flags & SOCK_F_HAS_TIMER) && !(rs->drop & ROWS_DROP_TIMER)) {
		*p++ = r->timer;
		*p++ = r->retrans;
		p = rows_put(p, &r->expires_ms, 4);
	}
	if (r->family == AF_UNIX) {
		uint8_t n = r->name != NULL ? (uint8_t)r->name_len : 0;

		p = rows_put(p, &r->peer_ino, 8);
		*p++ = n;
		if (n > 0)
			p = rows_put(p, r->name, n);
		if (r->flags & SOCK_F_HAS_VFS) {
			p = rows_put(p, &r->vfs_ino, 8);
			p = rows_put(p, &r->vfs_dev, 4);
		}
	} else {
		size_t alen = r->family == AF_INET ? 4 : 16;

		p = rows_put(p, &r->sport, 2);
		p = rows_put(p, &r->dport, 2);
		p = rows_put(p, r->src, alen);
		p = rows_put(p, r->dst, alen);
		if (extra & RX_IFINDEX)
			p = rows_put(p, &r->ifindex, 4);
	}
	if (extra & RX_INFO) {
		p = rows_put(p, &r->tcp_info_len, 2);
		p = rows_put(p, r->tcp_info, r->tcp_info_len);
	}
	if (extra & RX_CONG) {
		*p++ = r->cong_len;
		p = rows_put(p, r->cong, r->cong_len);
	}
	if (extra & RX_SKMEM) {
		*p++ = r->skmem_len;
		p = rows_put(p, r->skmem, r->skmem_len);
	}
	if (extra & RX_NETNS)
		p = rows_put(p, &r->netns, 2);
	rs->len = (size_t)(p - rs->arena);
}

size_t rows_mark(const struct rows *rs)
{
	return rs->n;
}

void rows_rollback(struct rows *rs, size_t mark)
{
	if (mark < rs->n) {
		rs->len = rs->off[mark];
		rs->n = mark;
	}
}

size_t rows_count(const struct rows *rs)
{
	return rs->n;
}

void rows_get(const struct rows *rs, size_t i, struct sock_rec *r)
{
	const unsigned char *p = rs->arena + rs->off[i];
	uint8_t extra;

	memset(r, 0, sizeof(*r));
	r->netid = *p++;
	r->family = *p++;
	r->state = *p++;
	r->flags = *p++;
	extra = *p++;
	memcpy(&r->rq, p, 4);
	memcpy(&r->wq, p + 4, 4);
	p += 8;
	if (!(rs->drop & ROWS_DROP_IDS)) {
		memcpy(&r->uid, p, 4);
		memcpy(&r->cookie, p + 4, 8);
		p += 12;
	}
	if (!(rs->drop & ROWS_DROP_IDS) || r->family == AF_UNIX) {
		memcpy(&r->inode, p, 8);
		p += 8;
	}
	if (r->flags & SOCK_F_HAS_TIMER) {
		r->timer = p[0];
		r->retrans = p[1];
		memcpy(&r->expires_ms, p + 2, 4);
		p += 6;
	}
	if (r->family == AF_UNIX) {
		memcpy(&r->peer_ino, p, 8);
		p += 8;
		r->name_len = *p++;
		r->name = r->name_len ? (const char *)p : NULL;
		p += r->name_len;
		if (r->flags & SOCK_F_HAS_VFS) {
			memcpy(&r->vfs_ino, p, 8);
			memcpy(&r->vfs_dev, p + 8, 4);
			p += 12;
		}
	} else {
		size_t alen = r->family == AF_INET ? 4 : 16;

		memcpy(&r->sport, p, 2);
		memcpy(&r->dport, p + 2, 2);
		p += 4;
		memcpy(r->src, p, alen);
		memcpy(r->dst, p + alen, alen);
		p += 2 * alen;
		if (extra & RX_IFINDEX) {
			memcpy(&r->ifindex, p, 4);
			p += 4;
		}
	}
	if (extra & RX_INFO) {
		memcpy(&r->tcp_info_len, p, 2);
		r->tcp_info = p + 2;
		p += 2 + r->tcp_info_len;
	}
	if (extra & RX_CONG) {
		r->cong_len = *p;
		r->cong = (const char *)p + 1;
		p += 1 + r->cong_len;
	}
	if (extra & RX_SKMEM) {
		r->skmem_len = *p;
		r->skmem = p + 1;
		p += 1 + r->skmem_len;
	}
	if (extra & RX_NETNS)
		memcpy(&r->netns, p, 2);
}

void rows_view_all(const struct rows *rs, struct rows_view *v)
{
	v->rows = rs;
	v->n = rs->n;
	v->idx = xmalloc((rs->n ? rs->n : 1) * sizeof(*v->idx));
	for (size_t i = 0; i < rs->n; i++)
		v->idx[i] = (uint32_t)i;
}

void rows_view_free(struct rows_view *v)
{
	free(v->idx);
	v->idx = NULL;
	v->n = 0;
}

void rows_view_get(const struct rows_view *v, size_t k, struct sock_rec *out)
{
	rows_get(v->rows, v->idx[k], out);
}

void rows_view_filter(struct rows_view *v,
		      int (*keep)(void *ud, const struct sock_rec *r),
		      void *ud)
{
	size_t w = 0;

	for (size_t k = 0; k < v->n; k++) {
		struct sock_rec r;

		rows_get(v->rows, v->idx[k], &r);
		if (keep(ud, &r))
			v->idx[w++] = v->idx[k];
	}
	v->n = w;
}

struct rows_sorter {
	const struct rows *rows;
	int (*cmp)(void *ud, const struct sock_rec *a,
		   const struct sock_rec *b);
	void *ud;
};

static int rows_cmp_idx(void *ud, uint32_t a, uint32_t b)
{
	const struct rows_sorter *s = ud;
	struct sock_rec ra, rb;

	rows_get(s->rows, a, &ra);
	rows_get(s->rows, b, &rb);
	return s->cmp(s->ud, &ra, &rb);
}

void rows_view_sort(struct rows_view *v,
		    int (*cmp)(void *ud, const struct sock_rec *a,
			       const struct sock_rec *b),
		    void *ud)
{
	struct rows_sorter s = { v->rows, cmp, ud };
	uint32_t *tmp;

	if (v->n < 2)
		return;
	tmp = xmalloc((v->n / 2 + 1) * sizeof(*tmp));
	/* stable, so equal keys keep the kernel's order */
	msort_u32(v->idx, tmp, v->n, rows_cmp_idx, &s);
	free(tmp);
}

void rows_view_reverse(struct rows_view *v)
{
	for (size_t i = 0, j = v->n; i + 1 < j; i++, j--) {
		uint32_t t = v->idx[i];

		v->idx[i] = v->idx[j - 1];
		v->idx[j - 1] = t;
	}
}
