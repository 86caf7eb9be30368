/* bytecode.c - compiles a filter expression into the kernel's inet_diag
 * bytecode, and audits and runs such programs the way the kernel does. */
#include "config.h"

#include "filter/bytecode.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/inet_diag.h>

#include "util/xalloc.h"

/* The program is compiled in two steps: the expression becomes a small
 * tree of what the kernel can test, folded where constants appear, and
 * that tree, whose code sizes are then known, is written out in one pass
 * with every jump target already known.
 *
 * The kernel's machine: each operation tests the socket; on "yes" it
 * moves op->yes bytes on (always the operation's own length here, since
 * the audit follows the yes chain and every jump must land on it), on
 * "no" op->no bytes. Reaching the end exactly accepts the socket; a jump
 * to 4 bytes past the end rejects it. A fragment of code here "falls
 * through" its end when true and jumps to a target f when false. */

enum bc_kind {
	BC_TRUE,
	BC_FALSE,
	BC_LEAF,
	BC_AND,
	BC_OR,
	BC_NOT,
};

struct bc_node {
	enum bc_kind kind;
	uint32_t left, right; /* AND, OR: both; NOT: left */
	size_t size;          /* bytes of code */
	/* BC_LEAF */
	uint8_t code;   /* INET_DIAG_BC_{S,D}_{GE,LE,COND} */
	uint8_t family; /* COND: AF_UNSPEC (port only), AF_INET, AF_INET6 */
	uint8_t prefix; /* COND: prefix length in bits */
	int32_t port;   /* COND: port or -1 for any; GE/LE: the port */
	uint8_t addr[16];
};

struct bc_tree {
	struct bc_node *v;
	size_t n, cap;
	int family; /* of the dump */
};

/* Node 0 is "true" and node 1 "false" in every tree. */
#define BC_N_TRUE 0u
#define BC_N_FALSE 1u
/* A predicate the kernel cannot test. */
#define BC_N_UNKNOWN UINT32_MAX

#define BC_OP_LEN ((size_t)sizeof(struct inet_diag_bc_op))
#define BC_COND_LEN ((size_t)sizeof(struct inet_diag_hostcond))
/* op->no is 16 bits wide and may point 4 bytes past the end. */
#define BC_LEN_MAX ((size_t)UINT16_MAX - 4)

#define BC_PORT_MAX 65535u

static uint32_t bc_add(struct bc_tree *t, const struct bc_node *nd)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 32;
		t->v = xreallocarray(t->v, t->cap, sizeof(*t->v));
	}
	t->v[t->n] = *nd;
	return (uint32_t)t->n++;
}

static enum bc_kind bc_kind_of(const struct bc_tree *t, uint32_t i)
{
	return t->v[i].kind;
}

static uint32_t bc_not(struct bc_tree *t, uint32_t a)
{
	struct bc_node nd = { .kind = BC_NOT, .left = a };

	switch (bc_kind_of(t, a)) {
	case BC_TRUE:
		return BC_N_FALSE;
	case BC_FALSE:
		return BC_N_TRUE;
	case BC_NOT:
		return t->v[a].left;
	default:
		break;
	}
	nd.size = t->v[a].size + BC_OP_LEN;
	return bc_add(t, &nd);
}

static uint32_t bc_and(struct bc_tree *t, uint32_t a, uint32_t b)
{
	struct bc_node nd = { .kind = BC_AND, .left = a, .right = b };

	if (a == BC_N_FALSE || b == BC_N_FALSE)
		return BC_N_FALSE;
	if (a == BC_N_TRUE)
		return b;
	if (b == BC_N_TRUE)
		return a;
	nd.size = t->v[a].size + t->v[b].size;
	return bc_add(t, &nd);
}

static uint32_t bc_or(struct bc_tree *t, uint32_t a, uint32_t b)
{
	struct bc_node nd = { .kind = BC_OR, .left = a, .right = b };

	if (a == BC_N_TRUE || b == BC_N_TRUE)
		return BC_N_TRUE;
	if (a == BC_N_FALSE)
		return b;
	if (b == BC_N_FALSE)
		return a;
	/* the jump over b that a true a takes */
	nd.size = t->v[a].size + BC_OP_LEN + t->v[b].size;
	return bc_add(t, &nd);
}

/* A port comparison (S_GE, S_LE, D_GE, D_LE): the port travels in a
 * second operation's "no" field. */
static uint32_t bc_cmp(struct bc_tree *t, uint8_t code, unsigned port)
{
	struct bc_node nd = { .kind = BC_LEAF, .code = code };

	nd.port = (int32_t)port;
	nd.size = 2 * BC_OP_LEN;
	return bc_add(t, &nd);
}

static uint32_t bc_cond(struct bc_tree *t, uint8_t code, uint8_t family,
			uint8_t prefix, int32_t port, const uint8_t *addr)
{
	struct bc_node nd = { .kind = BC_LEAF, .code = code };
	size_t alen = family == AF_INET6 ? 16 : family == AF_INET ? 4 : 0;

	nd.family = family;
	nd.prefix = prefix;
	nd.port = port;
	if (alen > 0)
		memcpy(nd.addr, addr, alen);
	nd.size = BC_OP_LEN + BC_COND_LEN + alen;
	return bc_add(t, &nd);
}

/* sport/dport OP n. Equality is a host condition on any family with the
 * port alone, as ss sends it: every kernel knows it, where S_EQ and D_EQ
 * came only in 4.16. The others are GE/LE with the bound moved by one. */
static uint32_t bc_port_pred(struct bc_tree *t, int local, enum expr_op op,
			     uint64_t n)
{
	uint8_t ge = local ? INET_DIAG_BC_S_GE : INET_DIAG_BC_D_GE;
	uint8_t le = local ? INET_DIAG_BC_S_LE : INET_DIAG_BC_D_LE;
	uint8_t cond = local ? INET_DIAG_BC_S_COND : INET_DIAG_BC_D_COND;

	switch (op) {
	case EXPR_OP_EQ:
		if (n > BC_PORT_MAX)
			return BC_N_FALSE;
		return bc_cond(t, cond, AF_UNSPEC, 0, (int32_t)n, NULL);
	case EXPR_OP_NE:
		return bc_not(t, bc_port_pred(t, local, EXPR_OP_EQ, n));
	case EXPR_OP_LT:
		if (n == 0)
			return BC_N_FALSE;
		if (n > BC_PORT_MAX)
			return BC_N_TRUE;
		return bc_cmp(t, le, (unsigned)(n - 1));
	case EXPR_OP_LE:
		if (n >= BC_PORT_MAX)
			return BC_N_TRUE;
		return bc_cmp(t, le, (unsigned)n);
	case EXPR_OP_GT:
		if (n >= BC_PORT_MAX)
			return BC_N_FALSE;
		return bc_cmp(t, ge, (unsigned)(n + 1));
	case EXPR_OP_GE:
		if (n == 0)
			return BC_N_TRUE;
		if (n > BC_PORT_MAX)
			return BC_N_FALSE;
		return bc_cmp(t, ge, (unsigned)n);
	}
	return BC_N_UNKNOWN;
}

/* src/dst = ADDR or != ADDR. An IPv4 condition is sent as it is to
 * AF_INET6 dumps too: the kernel matches it against IPv4-mapped
 * addresses (::ffff:a.b.c.d) there, as expr_match() does. An AF_INET
 * socket never has an IPv6 address, so IPv6 conditions are false in
 * AF_INET dumps. The parser allows no other operator on addresses; were
 * one to come, it is left to the evaluator. */
static uint32_t bc_addr_pred(struct bc_tree *t, int local, enum expr_op op,
			     const struct expr_addr *a)
{
	uint8_t code = local ? INET_DIAG_BC_S_COND : INET_DIAG_BC_D_COND;
	int32_t port = a->has_port ? (int32_t)a->port : -1;
	uint32_t eq;

	if (op == EXPR_OP_NE) {
		eq = bc_addr_pred(t, local, EXPR_OP_EQ, a);
		return eq == BC_N_UNKNOWN ? BC_N_UNKNOWN : bc_not(t, eq);
	}
	if (op != EXPR_OP_EQ)
		return BC_N_UNKNOWN;
	switch (a->family) {
	case 0:
		if (!a->has_port)
			return BC_N_TRUE;
		return bc_cond(t, code, AF_UNSPEC, 0, port, NULL);
	case AF_INET:
		if (a->prefix > 32)
			return BC_N_UNKNOWN;
		return bc_cond(t, code, AF_INET, a->prefix, port, a->addr);
	case AF_INET6:
		if (a->prefix > 128)
			return BC_N_UNKNOWN;
		if (t->family != AF_INET6)
			return BC_N_FALSE;
		return bc_cond(t, code, AF_INET6, a->prefix, port, a->addr);
	case AF_UNIX:
		return BC_N_FALSE; /* a Unix name: never a TCP or UDP socket's */
	default:
		return BC_N_UNKNOWN;
	}
}

static uint32_t bc_pred(struct bc_tree *t, const struct expr *e)
{
	switch (e->field) {
	case EXPR_F_SPORT:
		return bc_port_pred(t, 1, e->op, e->num);
	case EXPR_F_DPORT:
		return bc_port_pred(t, 0, e->op, e->num);
	case EXPR_F_SRC:
		return bc_addr_pred(t, 1, e->op, &e->addr);
	case EXPR_F_DST:
		return bc_addr_pred(t, 0, e->op, &e->addr);
	case EXPR_F_PATH:
	case EXPR_F_PEER_COMM:
		/* Unix sockets only: false for every socket in these dumps
		 * (expr_match() agrees), "not path ..." true */
		return BC_N_FALSE;
	default:
		return BC_N_UNKNOWN;
	}
}

/* The kernel-testable approximation of e: from above (a superset of what
 * e matches) when upper, from below (a subset) otherwise. A not turns one
 * into the other, so an unknown predicate is "true" or "false" by the
 * number of nots above it. Returns 0, or -1 if e nests too deeply. */
static int bc_approx(struct bc_tree *t, const struct expr *e, int upper,
		     unsigned depth, uint32_t *out)
{
	uint32_t a, b;

	if (depth > BC_DEPTH_MAX)
		return -1;
	switch (e->kind) {
	case EXPR_AND:
	case EXPR_OR:
		if (bc_approx(t, e->left, upper, depth + 1, &a) < 0 ||
		    bc_approx(t, e->right, upper, depth + 1, &b) < 0)
			return -1;
		*out = e->kind == EXPR_AND ? bc_and(t, a, b) : bc_or(t, a, b);
		return 0;
	case EXPR_NOT:
		if (bc_approx(t, e->left, !upper, depth + 1, &a) < 0)
			return -1;
		*out = bc_not(t, a);
		return 0;
	case EXPR_PRED:
		a = bc_pred(t, e);
		if (a == BC_N_UNKNOWN)
			a = upper ? BC_N_TRUE : BC_N_FALSE;
		*out = a;
		return 0;
	}
	return -1;
}

static void bc_put_op(unsigned char *p, uint8_t code, size_t yes, size_t no)
{
	struct inet_diag_bc_op op = {
		.code = code,
		.yes = (unsigned char)yes,
		.no = (unsigned short)no,
	};

	memcpy(p, &op, sizeof(op));
}

/* Write node i at out + pos: falls through its end when true, jumps to f
 * (an offset from the start of the program) when false. Folding left no
 * constants below the root, and f is always past the node's end. */
static void bc_emit(const struct bc_tree *t, uint32_t i, unsigned char *out,
		    size_t pos, size_t f)
{
	const struct bc_node *nd = &t->v[i];
	size_t ls;

	switch (nd->kind) {
	case BC_LEAF:
		bc_put_op(out + pos, nd->code, nd->size, f - pos);
		if (nd->code != INET_DIAG_BC_S_COND &&
		    nd->code != INET_DIAG_BC_D_COND) {
			bc_put_op(out + pos + BC_OP_LEN, 0, 0,
				  (size_t)nd->port);
		} else {
			struct inet_diag_hostcond hc;

			memset(&hc, 0, sizeof(hc));
			hc.family = nd->family;
			hc.prefix_len = nd->prefix;
			hc.port = nd->port;
			memcpy(out + pos + BC_OP_LEN, &hc, sizeof(hc));
			memcpy(out + pos + BC_OP_LEN + BC_COND_LEN, nd->addr,
			       nd->size - BC_OP_LEN - BC_COND_LEN);
		}
		return;
	case BC_AND:
		ls = t->v[nd->left].size;
		bc_emit(t, nd->left, out, pos, f);
		bc_emit(t, nd->right, out, pos + ls, f);
		return;
	case BC_OR:
		/* a false left goes on to the right; a true one jumps over
		 * it to the end, where the whole is true */
		ls = t->v[nd->left].size;
		bc_emit(t, nd->left, out, pos, pos + ls + BC_OP_LEN);
		bc_put_op(out + pos + ls, INET_DIAG_BC_JMP, BC_OP_LEN,
			  nd->size - ls);
		bc_emit(t, nd->right, out, pos + ls + BC_OP_LEN, f);
		return;
	case BC_NOT:
		/* a false operand lands on the end: the not is true; a true
		 * one reaches the jump to f */
		ls = t->v[nd->left].size;
		bc_emit(t, nd->left, out, pos, pos + nd->size);
		bc_put_op(out + pos + ls, INET_DIAG_BC_JMP, BC_OP_LEN,
			  f - (pos + ls));
		return;
	case BC_TRUE:
	case BC_FALSE:
		return;
	}
}

int bc_compile(const struct expr *e, int family, unsigned char *out,
	       size_t cap, size_t *len)
{
	static const struct bc_node konst[2] = { { .kind = BC_TRUE },
						 { .kind = BC_FALSE } };
	struct bc_tree t = { .family = family };
	uint32_t root;
	size_t size;
	int rc = -1;

	*len = 0;
	if (family != AF_INET && family != AF_INET6)
		return -1;
	if (e == NULL)
		return 0;
	bc_add(&t, &konst[0]);
	bc_add(&t, &konst[1]);
	if (bc_approx(&t, e, 1, 0, &root) < 0)
		goto out;
	if (root == BC_N_TRUE) {
		rc = 0;
		goto out;
	}
	/* "false": one jump past the end rejects every socket */
	size = root == BC_N_FALSE ? BC_OP_LEN : t.v[root].size;
	if (size > cap || size > BC_LEN_MAX)
		goto out;
	if (root == BC_N_FALSE)
		bc_put_op(out, INET_DIAG_BC_JMP, BC_OP_LEN, 2 * BC_OP_LEN);
	else
		bc_emit(&t, root, out, 0, size + BC_OP_LEN);
	/* A program the kernel refused would fail the whole dump (EINVAL,
	 * which reads as "no sock_diag"): never hand one out. */
	if (bc_audit(out, size) != 0)
		goto out;
	*len = size;
	rc = 0;
out:
	free(t.v);
	return rc;
}

/* ---- the kernel's side ------------------------------------------------ */

static struct inet_diag_bc_op bc_op_at(const unsigned char *prog, size_t off)
{
	struct inet_diag_bc_op op;

	memcpy(&op, prog + off, sizeof(op));
	return op;
}

/* Is cc bytes before the end a place the yes chain reaches? */
static int bc_valid_cc(const unsigned char *prog, long len, long cc)
{
	size_t off = 0;

	while (len >= 0) {
		struct inet_diag_bc_op op;

		if (cc > len)
			return 0;
		if (cc == len)
			return 1;
		op = bc_op_at(prog, off);
		if (op.yes < 4 || (op.yes & 3))
			return 0;
		len -= op.yes;
		off += op.yes;
	}
	return 0;
}

/* How long the operation at off must be, or 0 if the kernel refuses it. */
static long bc_op_min_len(const unsigned char *prog, size_t off, long len)
{
	struct inet_diag_bc_op op = bc_op_at(prog, off);
	struct inet_diag_hostcond hc;
	long min_len = (long)BC_OP_LEN;
	long alen;

	switch (op.code) {
	case INET_DIAG_BC_NOP:
	case INET_DIAG_BC_JMP:
		return min_len;
	case INET_DIAG_BC_S_GE:
	case INET_DIAG_BC_S_LE:
	case INET_DIAG_BC_D_GE:
	case INET_DIAG_BC_D_LE:
	case INET_DIAG_BC_S_EQ:
	case INET_DIAG_BC_D_EQ:
		min_len += (long)BC_OP_LEN;
		return len < min_len ? 0 : min_len;
	case INET_DIAG_BC_DEV_COND:
		min_len += (long)sizeof(uint32_t);
		return len < min_len ? 0 : min_len;
	case INET_DIAG_BC_S_COND:
	case INET_DIAG_BC_D_COND:
		min_len += (long)BC_COND_LEN;
		if (len < min_len)
			return 0;
		memcpy(&hc, prog + off + BC_OP_LEN, sizeof(hc));
		if (hc.family == AF_UNSPEC)
			alen = 0;
		else if (hc.family == AF_INET)
			alen = 4;
		else if (hc.family == AF_INET6)
			alen = 16;
		else
			return 0;
		min_len += alen;
		if (len < min_len || hc.prefix_len > 8 * alen)
			return 0;
		return min_len;
	default:
		return 0;
	}
}

int bc_audit(const unsigned char *prog, size_t plen)
{
	long len = (long)plen;
	size_t off = 0;

	/* The attribute's length is 16 bits; a length that is not a multiple
	 * of 4 can never end the yes chain exactly. */
	if (plen < BC_OP_LEN || plen > BC_LEN_MAX || (plen & 3))
		return -1;
	while (len > 0) {
		struct inet_diag_bc_op op = bc_op_at(prog, off);
		long min_len = bc_op_min_len(prog, off, len);

		if (min_len == 0)
			return -1;
		if (op.code != INET_DIAG_BC_NOP) {
			if (op.no < min_len || op.no > len + 4 || (op.no & 3))
				return -1;
			if (op.no < len &&
			    !bc_valid_cc(prog, (long)plen, len - op.no))
				return -1;
		}
		if (op.yes < min_len || op.yes > len + 4 || (op.yes & 3))
			return -1;
		off += op.yes;
		len -= op.yes;
	}
	return len == 0 ? 0 : -1;
}

/* Do the first bits of a and b agree? (Addresses in network order.) */
static int bc_bits_match(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned bytes = bits / 8, rest = bits % 8;
	uint8_t mask;

	if (bytes > 0 && memcmp(a, b, bytes) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (uint8_t)(0xffu << (8 - rest));
	return ((a[bytes] ^ b[bytes]) & mask) == 0;
}

static int bc_cond_match(const unsigned char *prog, size_t off, int local,
			 const struct sock_rec *r)
{
	static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0,
					      0, 0, 0, 0, 0xff, 0xff };
	const uint8_t *want = prog + off + BC_OP_LEN + BC_COND_LEN;
	const uint8_t *addr = local ? r->src : r->dst;
	unsigned port = local ? r->sport : r->dport;
	struct inet_diag_hostcond hc;

	memcpy(&hc, prog + off + BC_OP_LEN, sizeof(hc));
	if (hc.port != -1 && hc.port != (int)port)
		return 0;
	if (hc.family != AF_UNSPEC && hc.family != r->family) {
		if (r->family == AF_INET6 && hc.family == AF_INET)
			return memcmp(addr, v4mapped, sizeof(v4mapped)) == 0 &&
			       bc_bits_match(addr + 12, want, hc.prefix_len);
		return 0;
	}
	if (hc.prefix_len == 0)
		return 1;
	return bc_bits_match(addr, want, hc.prefix_len);
}

int bc_run(const unsigned char *prog, size_t plen, const struct sock_rec *r)
{
	long len = (long)plen;
	size_t off = 0;

	if (plen == 0)
		return 1;
	if (bc_audit(prog, plen) != 0)
		return -1;
	/* The audit put every reachable operation on the yes chain, with
	 * its operands inside the program. */
	while (len > 0) {
		struct inet_diag_bc_op op = bc_op_at(prog, off);
		unsigned arg = 0;
		uint32_t ifindex;
		int yes = 1;

		switch (op.code) {
		case INET_DIAG_BC_S_GE:
		case INET_DIAG_BC_S_LE:
		case INET_DIAG_BC_S_EQ:
		case INET_DIAG_BC_D_GE:
		case INET_DIAG_BC_D_LE:
		case INET_DIAG_BC_D_EQ:
			arg = bc_op_at(prog, off + BC_OP_LEN).no;
			break;
		default:
			break;
		}
		switch (op.code) {
		case INET_DIAG_BC_JMP:
			yes = 0;
			break;
		case INET_DIAG_BC_S_GE:
			yes = r->sport >= arg;
			break;
		case INET_DIAG_BC_S_LE:
			yes = r->sport <= arg;
			break;
		case INET_DIAG_BC_S_EQ:
			yes = r->sport == arg;
			break;
		case INET_DIAG_BC_D_GE:
			yes = r->dport >= arg;
			break;
		case INET_DIAG_BC_D_LE:
			yes = r->dport <= arg;
			break;
		case INET_DIAG_BC_D_EQ:
			yes = r->dport == arg;
			break;
		case INET_DIAG_BC_S_COND:
		case INET_DIAG_BC_D_COND:
			yes = bc_cond_match(prog, off,
					    op.code == INET_DIAG_BC_S_COND, r);
			break;
		case INET_DIAG_BC_DEV_COND:
			memcpy(&ifindex, prog + off + BC_OP_LEN,
			       sizeof(ifindex));
			yes = ifindex == r->ifindex;
			break;
		default:
			break;
		}
		if (yes) {
			len -= op.yes;
			off += op.yes;
		} else {
			len -= op.no;
			off += op.no;
		}
	}
	return len == 0;
}
