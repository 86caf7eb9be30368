#!/bin/bash
# columns.sh - --output (chosen columns, exact rows, --output=help), the
# keys that are not keys, and --color: auto on a terminal, NO_COLOR, the
# explicit choices, never in JSON.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ownpop.bash"

start_ownpop
M=$pid_main
S=$path_srv_l

# ---- --output ---------------------------------------------------------------
if sc_list -xap --output=netid,state,recv_q,send_q,path,inode,peer_inode,comm,pid,peer_comm,file \
	"inode = $srv_a_ino or inode = $srv_l_ino"; then
	assert_eq "--output: the header" \
		"Netid State Recv-Q Send-Q Path Inode Peer Inode Command PID Peer Command File" \
		"$(head -n1 "$SC_TMP/out" | squeeze)"
	assert_eq "--output: the listener" \
		"u_str LISTEN 1 $backlog_srv_l $S $srv_l_ino - ownpop $M - ok" \
		"$(grep LISTEN "$SC_TMP/out" | squeeze)"
	assert_eq "--output: the accepted connection" \
		"u_str ESTAB 0 0 $S $srv_a_ino $srv_c_ino ownpop $M udsclient ok" \
		"$(grep ESTAB "$SC_TMP/out" | squeeze)"
	if grep -q ' $' "$SC_TMP/out"; then
		fail "--output: no trailing blanks"
	else
		pass "--output: no trailing blanks"
	fi
fi
# numbers are right-aligned under their header
if sc_list -ta --output=recv_q,state "inode = $tcp_l_ino"; then
	assert_eq "--output: a number right-aligned" "     0 LISTEN" \
		"$(sed -n 2p "$SC_TMP/out")"
fi
# a hostile name stays escaped in a cell
if sc_list -ap --output=comm,inode "inode = $evil_a_ino"; then
	assert_eq "--output: a hostile command escaped" \
		'evil)\e[35mname' "$(sed -n 2p "$SC_TMP/out" | cut -d' ' -f1)"
fi
# --output=help: every field, once
if sc_list --output=help; then
	for f in netid state recv_q send_q local peer src sport dst dport process \
		pid comm uid user inode cookie path file mode owner group \
		peer_process peer_pid peer_comm peer_name peer_inode timer family; do
		if grep -q "^  $f " "$SC_TMP/out"; then
			pass "--output=help lists $f"
		else
			fail "--output=help lists $f"
		fi
	done
fi
run_sc --output=state,bogus
assert_eq "--output: unknown field: exit 2" 2 "$SC_RC"
assert_eq "--output: unknown field: message" \
	"sockscope: --output: unknown field 'bogus' (--output=help lists them)" \
	"$(head -n1 "$SC_TMP/err")"
run_sc --output=state,
assert_eq "--output: empty entry: exit 2" 2 "$SC_RC"
run_sc --count-by=process
assert_eq "--count-by=process is not a key" \
	"sockscope: --count-by: 'process' lists every holder and is not a key; use comm or pid" \
	"$(head -n1 "$SC_TMP/err")"

# ---- --color ------------------------------------------------------------------
has_sgr() { LC_ALL=C grep -q $'\e\\[' "$1"; }
if sc_list -ta --color=always; then
	if has_sgr "$SC_TMP/out"; then pass "--color=always colours a pipe"; else
		fail "--color=always colours a pipe"; fi
	if grep -q $'\e\\[32mESTAB\e\\[0m' "$SC_TMP/out"; then
		pass "ESTAB in green"
	else
		fail "ESTAB in green" "ESC[32mESTAB ESC[0m" "$(grep ESTAB "$SC_TMP/out" | head -n1)"
	fi
	# the colour codes do not move the columns
	sed 's/\x1b\[[0-9;]*m//g' "$SC_TMP/out" >"$SC_TMP/plain"
	if sc_list -ta; then
		assert_same_lines "colour changes no column" "$SC_TMP/out" "$SC_TMP/plain"
	fi
fi
if sc_list -ta; then
	if has_sgr "$SC_TMP/out"; then fail "auto: no colour into a pipe"; else
		pass "auto: no colour into a pipe"; fi
fi
if NO_COLOR=1 sc_list -ta --color=always; then
	if has_sgr "$SC_TMP/out"; then pass "--color=always wins over NO_COLOR"; else
		fail "--color=always wins over NO_COLOR"; fi
fi
if sc_list -ta --color=always --json; then
	if has_sgr "$SC_TMP/out"; then fail "never colour in JSON"; else
		pass "never colour in JSON"; fi
fi
# on a terminal (script(1) gives one): colour, unless NO_COLOR is set
if command -v script >/dev/null 2>&1; then
	script -qec "$SOCKSCOPE -ta" /dev/null >"$SC_TMP/tty" 2>&1
	if has_sgr "$SC_TMP/tty"; then pass "auto: colour on a terminal"; else
		fail "auto: colour on a terminal"; fi
	NO_COLOR=1 script -qec "$SOCKSCOPE -ta" /dev/null >"$SC_TMP/tty" 2>&1
	if has_sgr "$SC_TMP/tty"; then fail "auto: NO_COLOR on a terminal"; else
		pass "auto: NO_COLOR on a terminal"; fi
	script -qec "$SOCKSCOPE -ta --color=never" /dev/null >"$SC_TMP/tty" 2>&1
	if has_sgr "$SC_TMP/tty"; then fail "--color=never on a terminal"; else
		pass "--color=never on a terminal"; fi
fi

sc_done
