/* bytecode.h - the kernel-side pre-filter: what the kernel can test of a
 * filter expression, as an inet_diag bytecode program
 * (INET_DIAG_REQ_BYTECODE). */
#ifndef SOCKSCOPE_FILTER_BYTECODE_H
#define SOCKSCOPE_FILTER_BYTECODE_H

#include <stddef.h>

#include "filter/expr.h"
#include "model/sock.h"

/* Compile what the kernel can test of e (sport, dport, src, dst; and, or,
 * not) into an inet_diag bytecode program for dumps of one address family
 * (AF_INET or AF_INET6). The program accepts a superset of the sockets e
 * matches (expr_match()): a predicate the kernel cannot test (pid, comm,
 * uid, user, inode) stands for "true" where that widens the result and
 * for "false" under an odd number of nots, so "not (pid 1 and sport =
 * :22)" is pushed as "true" and "not (pid 1 or sport = :22)" as "sport !=
 * :22"; the Unix-only ones (path, peer_comm, unix: addresses) are false
 * for every TCP and UDP socket. *len = 0 when nothing useful can be
 * pushed (e is NULL, or the approximation is "true"). Returns 0, or -1 if
 * the program would exceed cap or e nests deeper than BC_DEPTH_MAX (the
 * caller then sends none). Every program it returns passes bc_audit(). */
int bc_compile(const struct expr *e, int family, unsigned char *out,
	       size_t cap, size_t *len);

/* Expressions nested deeper than this are not compiled; the parser makes
 * none deeper. */
#define BC_DEPTH_MAX (EXPR_MAX_NEST + EXPR_MAX_TERMS)

/* Check a program the way the kernel's inet_diag_bc_audit() does before
 * it runs a dump. Returns 0 if the kernel would take it, -1 if it would
 * refuse the request with EINVAL. Only the operations bc_run() can run
 * pass (NOP, JMP, the S_ and D_ GE, LE, EQ and COND, and DEV_COND): one
 * that needs what a record lacks (AUTO, MARK_COND, CGROUP_COND) or that
 * is unknown fails, though a kernel might take it. */
int bc_audit(const unsigned char *prog, size_t len);

/* Run a program on a TCP or UDP socket record the way the kernel does
 * (for tests and the fuzzer). Returns 1 if accepted, 0 if not, and -1 if
 * bc_audit() refuses the program. An empty program (len 0) accepts
 * everything: it is never sent. */
int bc_run(const unsigned char *prog, size_t len, const struct sock_rec *r);

#endif
