#!/bin/bash
# filters.sh - the predicates ss lacks (pid, comm, uid, user, path,
# peer_comm, inode) and their combinations, on the ownpop population:
# the exact set of sockets each one selects (by inode); --sort and
# --reverse; and filter errors that point at the token.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ownpop.bash"

start_ownpop
M=$pid_main
U=$(id -u)
UN=$(getent passwd "$U" | cut -d: -f1)

# sel WHAT EXPECTED_INODES... -- FILTER...: the inodes -a lists for the
# filter (any order) are exactly the expected ones.
sel() {
	local what=$1 want=()
	shift
	while [ "$1" != -- ]; do
		want+=("$1")
		shift
	done
	shift
	if sc_list -a -H --output=inode "$@"; then
		printf '%s\n' "${want[@]}" | sed '/^$/d' | sort -n >"$SC_TMP/want"
		sort -n "$SC_TMP/out" >"$SC_TMP/got"
		assert_same_lines "$what" "$SC_TMP/want" "$SC_TMP/got"
	fi
}

sel "comm: the pending and connected client" "$srv_c_ino" "$srv_p_ino" -- \
	'comm = udsclient'
sel "pid: the same process by number" "$srv_c_ino" "$srv_p_ino" -- \
	pid = "$pid_udsclient"
sel "comm glob: any holder counts (the shared listener)" "$tcp_l_ino" -- \
	'comm = ownpop-*'
sel "peer_comm: the accepted end whose client is udsclient" "$srv_a_ino" -- \
	peer_comm = udsclient
sel "path glob: the listener and its accepted connection" \
	"$srv_l_ino" "$srv_a_ino" -- path = '*/srv.sock'
sel "src unix:GLOB is the same as path" "$srv_l_ino" "$srv_a_ino" -- \
	src unix:'*/srv.sock'
sel "path of an abstract name starts with @, held by another process" \
	"$abs_a_ino" -- "path = @* and not comm = ownpop"
sel "inode" "$srv_l_ino" -- inode = "$srv_l_ino"
sel "inode comparisons, and" "$srv_l_ino" -- \
	"inode >= $srv_l_ino and inode <= $srv_l_ino"
sel "a hostile command name, by glob" "$evil_a_ino" -- 'comm = evil*'
sel "or, parentheses, not" "$srv_l_ino" "$srv_c_ino" "$srv_p_ino" -- \
	"( comm = udsclient or inode = $srv_l_ino ) and not inode = 0"
sel "!= is not (=)" "$srv_c_ino" "$srv_p_ino" -- \
	"pid = $pid_udsclient and comm != ownpop"
sel "TCP and owners: dport and comm" "$tcp_c_ino" -- \
	"dport = :$port_tcp_l and comm = ownpop"
sel "user by name matches nothing else as root" -- "user != $UN and uid = $U"
sel "uid of another user: nothing" -- "uid = 4242"

# every socket with a uid matches its own user, and nothing has none but
# TIME-WAIT (whose uid the kernel does not give)
if sc_list -a -H --output=state "user = $UN or uid = $U"; then
	if grep -q TIME-WAIT "$SC_TMP/out"; then
		fail "TIME-WAIT has no uid: user/uid never match it"
	else
		pass "TIME-WAIT has no uid: user/uid never match it"
	fi
fi

# Without the right to read other users' descriptors, owner predicates
# cannot be tested on their sockets: said on stderr, never hidden.
if can_setpriv; then
	SC_RC=0
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$SOCKSCOPE" -a -H --output=inode 'comm = ownpop' \
		>"$SC_TMP/out" 2>"$SC_TMP/err" || SC_RC=$?
	assert_eq "unprivileged owner filter: exit 0" 0 "$SC_RC"
	assert_eq "unprivileged owner filter: nothing matches" "" "$(cat "$SC_TMP/out")"
	case $(cat "$SC_TMP/err") in
	"sockscope: the filter's process predicates could not be tested on "[1-9]*" socket(s) whose owners are unknown (they count as not matching); run as root, or with CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH, to test them")
		pass "unprivileged owner filter: the untested sockets are counted" ;;
	*) fail "unprivileged owner filter: the untested sockets are counted" \
		"sockscope: the filter's process predicates could not be tested on N socket(s)..." \
		"$(cat "$SC_TMP/err")" ;;
	esac
fi

# ---- sort and reverse -------------------------------------------------------
if sc_list -xa -H --output=inode --sort=inode; then
	sort -n "$SC_TMP/out" >"$SC_TMP/sorted"
	assert_same_lines "--sort=inode orders by number" "$SC_TMP/sorted" "$SC_TMP/out"
fi
if sc_list -xa -H --output=inode --sort=inode --reverse; then
	sort -rn "$SC_TMP/out" >"$SC_TMP/sorted"
	assert_same_lines "--reverse turns it round" "$SC_TMP/sorted" "$SC_TMP/out"
fi
if sc_list -ap -H --output=comm,pid,inode --sort=comm,pid,inode 'comm = udsclient or comm = abssrv'; then
	assert_eq "--sort=comm,pid,inode: three keys" \
		"abssrv $pid_abssrv $abs_a_ino|udsclient $pid_udsclient $(printf '%s\n' "$srv_c_ino" "$srv_p_ino" | sort -n | head -n1)" \
		"$(squeeze <"$SC_TMP/out" | head -n2 | sed 's/^ //' | paste -sd'|')"
fi

# ---- errors -----------------------------------------------------------------
err_case() {
	local want=$1
	shift
	run_sc -t "$@"
	assert_eq "error for '$*': exit 2" 2 "$SC_RC"
	assert_eq "error for '$*': message" "sockscope: $want" "$(head -n1 "$SC_TMP/err")"
}
err_case "filter: unknown predicate at column 1: 'bogus'" bogus = 1
err_case "filter: expected a port after 'sport =' at the end" sport =
run_sc -t --sort=x
assert_eq "--sort=x: usage error" 2 "$SC_RC"
assert_eq "--sort=x: message" \
	"sockscope: --sort: unknown field 'x' (--output=help lists them)" \
	"$(head -n1 "$SC_TMP/err")"
run_sc -t 'comm = a' ')'
assert_eq "an unbalanced ')': exit 2" 2 "$SC_RC"
case $(head -n1 "$SC_TMP/err") in
"sockscope: filter: "*"at column 10: ')'") pass "an unbalanced ')': its column" ;;
*) fail "an unbalanced ')': its column" "...at column 10: ')'" "$(head -n1 "$SC_TMP/err")" ;;
esac
# a hostile token is escaped in the message
run_sc -t $'\e[31mx'
assert_eq "a hostile token: escaped" \
	"sockscope: filter: unknown predicate at column 1: '\\e[31mx'" \
	"$(head -n1 "$SC_TMP/err")"

sc_done
