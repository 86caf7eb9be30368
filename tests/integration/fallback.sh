#!/bin/bash
# fallback.sh - where sock_diag is missing, sockscope lists from /proc/net
# on its own and says so once; --backend=netlink refuses instead. The
# missing sock_diag is made real with strace's fault injection: every
# socket() call fails with EPROTONOSUPPORT, as on a kernel without it.
. "$(dirname "$0")/lib.sh"

if ! command -v strace >/dev/null 2>&1; then
	echo "SKIP: $SC_NAME: strace is not installed"
	exit 77
fi
# LeakSanitizer cannot work under ptrace: in an ASan build, leaks are
# checked by the other tests, and here only memory errors are.
nosock() {
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	strace -qq -f -o /dev/null -e trace=socket \
		-e inject=socket:error=EPROTONOSUPPORT "$@"
}
if ! nosock true; then
	echo "SKIP: $SC_NAME: strace cannot inject faults here"
	exit 77
fi

start_sockpop --base

"$SOCKSCOPE" --backend=proc -tuxan -H >"$SC_TMP/proc.out" 2>"$SC_TMP/proc.err"
assert_eq "--backend=proc: no warnings" "" "$(cat "$SC_TMP/proc.err")"

SC_RC=0
nosock "$SOCKSCOPE" -tuxan -H >"$SC_TMP/out" 2>"$SC_TMP/err" || SC_RC=$?
assert_eq "auto fallback exits 0" 0 "$SC_RC"
assert_eq "auto fallback says so once" \
	"sockscope: warning: sock_diag is not available (Protocol not supported); listing from /proc/net" \
	"$(cat "$SC_TMP/err")"
assert_same_lines "auto fallback lists what --backend=proc lists" \
	"$SC_TMP/proc.out" "$SC_TMP/out"
n=$(wc -l <"$SC_TMP/out")
[ "$n" -ge 20 ] && pass "fallback lists the population ($n rows)" ||
	fail "fallback lists the population" ">= 20 rows" "$n"

SC_RC=0
nosock "$SOCKSCOPE" --backend=netlink -tan >"$SC_TMP/out" 2>"$SC_TMP/err" || SC_RC=$?
assert_eq "--backend=netlink without sock_diag: exit 1" 1 "$SC_RC"
assert_eq "--backend=netlink without sock_diag: message" \
	"sockscope: cannot open sock_diag netlink socket: Protocol not supported" \
	"$(cat "$SC_TMP/err")"
assert_eq "--backend=netlink without sock_diag: no output" "" "$(cat "$SC_TMP/out")"

sc_done
