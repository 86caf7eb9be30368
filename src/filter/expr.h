/* expr.h - the filter expression language: ss's (sport, dport, src, dst
 * with = != < <= > >= and and/or/not/parentheses) plus predicates on
 * owners and users ss lacks (pid, comm, uid, user, path, peer_comm,
 * inode, netns, container). Parsed into a tree that the evaluator runs on each row and the
 * bytecode compiler turns into a kernel-side pre-filter. */
#ifndef SOCKSCOPE_FILTER_EXPR_H
#define SOCKSCOPE_FILTER_EXPR_H

#include <stddef.h>
#include <stdint.h>

#include "model/facts.h"
#include "model/sock.h"
#include "util/err.h"

enum expr_kind {
	EXPR_AND,
	EXPR_OR,
	EXPR_NOT,
	EXPR_PRED,
};

enum expr_field {
	EXPR_F_SPORT,     /* local port: number */
	EXPR_F_DPORT,     /* peer port: number */
	EXPR_F_SRC,       /* local address: struct expr_addr */
	EXPR_F_DST,       /* peer address: struct expr_addr */
	EXPR_F_PID,       /* any holder's pid: number */
	EXPR_F_COMM,      /* any holder's command name: glob text */
	EXPR_F_UID,       /* socket uid: number */
	EXPR_F_USER,      /* socket uid's user name (or number): text */
	EXPR_F_PATH,      /* Unix name: glob text matched with fnmatch(3),
			     flags 0, against the path up to its first NUL,
			     or "@" and the abstract name with each NUL read
			     as '@' (as ss shows them); unnamed: no match */
	EXPR_F_PEER_COMM, /* any holder of the Unix peer: glob text */
	EXPR_F_INODE,     /* socket inode: number */
	EXPR_F_NETNS,     /* network namespace: glob text matched against
			     its name under /var/run/netns; in digits, also
			     its inode */
	EXPR_F_CONTAINER, /* container label (facts_container): glob text */
	EXPR_F_COUNT
};

/* "X != Y" (ne, neq) always means exactly "not (X = Y)": a socket the
 * predicate cannot apply to (no uid, no holder, not inet, unnamed) matches
 * every != condition. The tree keeps EXPR_OP_NE; evaluate it that way. */
enum expr_op {
	EXPR_OP_EQ, /* = == eq, and no operator at all (ss: "sport :22") */
	EXPR_OP_NE, /* != ne neq */
	EXPR_OP_LT, /* < lt */
	EXPR_OP_LE, /* <= le */
	EXPR_OP_GT, /* > gt */
	EXPR_OP_GE, /* >= ge */
};

/* An address operand as ss writes it: HOST[/PREFIX][:PORT] where HOST is
 * an IPv4 address, [IPv6] (brackets optional when no port follows), or *
 * (any host); ":PORT" or "*:PORT" alone; or unix:GLOB for Unix names.
 * PORT "*" is no port. A bare IPv6 address takes no port ("::1:80" is an
 * address), as in ss. An AF_INET condition also matches IPv4-mapped IPv6
 * sockets. "src unix:GLOB" matches Unix sockets by their own name (see
 * EXPR_F_PATH); a row does not carry its peer's name, so "dst unix:GLOB"
 * matches no socket (only its negation does). */
struct expr_addr {
	uint8_t family;   /* AF_INET, AF_INET6, AF_UNIX, or 0: any host */
	uint8_t prefix;   /* prefix length in bits (32/128 when not given) */
	uint8_t has_port; /* a port was given */
	uint16_t port;
	uint8_t addr[16]; /* network order; 4 bytes used for AF_INET */
	char *glob;       /* AF_UNIX: NUL-terminated fnmatch() pattern */
};

struct expr {
	enum expr_kind kind;
	struct expr *left, *right; /* AND, OR: both; NOT: left */
	/* EXPR_PRED */
	enum expr_field field;
	enum expr_op op;
	uint64_t num;         /* SPORT, DPORT, PID, UID, INODE */
	char *text;           /* COMM, USER, PATH, PEER_COMM (NUL-terminated) */
	struct expr_addr addr; /* SRC, DST */
	size_t pos;           /* byte offset of the predicate in the text */
};

/* Limits that keep every recursive walk of a tree shallow: parentheses
 * and nots nest at most EXPR_MAX_NEST deep, and a filter has at most
 * EXPR_MAX_TERMS predicates (chains lean left: "a and b and c" is
 * AND(AND(a, b), c)), so no tree is deeper than their sum. */
#define EXPR_MAX_NEST 200
#define EXPR_MAX_TERMS 1000

/* What evaluating an expression needs beyond the kernel's record. */
enum expr_need {
	EXPR_NEED_OWNERS = 1u << 0, /* pid, comm, peer_comm: the /proc scan */
	EXPR_NEED_USERS = 1u << 1,  /* user: user names */
	EXPR_NEED_NETNS = 1u << 2,  /* netns: the namespaces identified */
	EXPR_NEED_LABELS = 1u << 3, /* container: and their labels */
};

/* Parse the words of a filter (argv after options and state words, as ss
 * takes them; the words are joined with single spaces and positions count
 * in that joined text). An empty list gives *out = NULL (match all).
 * Lexing: ( ) = == != < <= > >= ! & && | || split from the text they
 * touch, except inside [...] within a word ("[::1]", "[!a-z]*"); the
 * words and or not eq ne neq lt le gt ge are keywords; "..." and '...'
 * are operands, never keywords, in which \" (or \') and \\ stand for
 * the second byte and any other backslash stays (for fnmatch). Not binds
 * tightest, then and (also implied between two conditions), then or.
 * Returns 0, or -1 with err holding one line: the problem, the offending
 * token and its 1-based column, e.g.
 *   "filter: expected a port after 'sport =' at column 9: 'foo'".
 * Never exits. */
int expr_parse(const char *const *words, size_t nwords, struct expr **out,
	       struct sc_err *err);

/* The same, for one string (the TUI's filter prompt, the fuzzer). */
int expr_parse_text(const char *text, size_t len, struct expr **out,
		    struct sc_err *err);

void expr_free(struct expr *e);

/* EXPR_NEED_* bits for e (0 for NULL). "user" with an operand in digits
 * compares the uid itself and needs no names. */
unsigned expr_needs(const struct expr *e);

/* Does r match e? NULL matches everything. Owner predicates ask facts
 * (which must have the owner table for EXPR_NEED_OWNERS); a socket whose
 * holders are unknown or absent matches no owner predicate except
 * through "not". f may be NULL when expr_needs(e) is 0. */
int expr_match(const struct expr *e, const struct sock_rec *r,
	       struct facts *f);

/* The expression in canonical text (for tests and --explain): explicit
 * operators, ports as :N, operands quoted where needed, parentheses only
 * where the tree needs them; it parses back to the same tree. NULL gives
 * "". Returns the length written into out (at most cap-1 bytes,
 * NUL-terminated; cut short if out is too small). */
size_t expr_format(const struct expr *e, char *out, size_t cap);

#endif
