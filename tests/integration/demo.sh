#!/bin/bash
# demo.sh - sockscope demo piped to a file: while it runs, ss polls the
# sockets of its two processes; the inodes of the timeline must be exactly
# those ss saw, held by the same processes. The timeline's facts are
# checked too: the listener keeps its inode, accept() gives a new one, the
# queued connection is the accepted one (same sk), the side that closes
# first ends in TIME-WAIT (and ss agrees), Unix sockets have none. Bad
# arguments are usage errors.
. "$(dirname "$0")/lib.sh"

command -v ss >/dev/null 2>&1 || {
	echo "SKIP: $SC_NAME: ss(8) is needed for the comparison"
	exit 77
}

# run_demo NAME SS_ARGS DEMO_ARGS...: run the demo into $SC_TMP/NAME.out
# while ss SS_ARGS runs every 50 ms into $SC_TMP/NAME.ss.
run_demo() {
	local name=$1 ssargs=$2 pid rc=0
	shift 2
	: >"$SC_TMP/$name.ss"
	"$SOCKSCOPE" demo "$@" >"$SC_TMP/$name.out" 2>"$SC_TMP/$name.err" &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		# shellcheck disable=SC2086
		ss $ssargs >>"$SC_TMP/$name.ss" 2>/dev/null
		sleep 0.05
	done
	wait "$pid" || rc=$?
	assert_eq "demo $* exits 0 with no messages" "0:" \
		"$rc:$(head -c 300 "$SC_TMP/$name.err")"
}

# The pids the timeline names for its server and client.
demo_pids() {
	sed -n 's/^The server is pid \([0-9]*\) (demo-server), the client pid \([0-9]*\) (demo-client);$/\1 \2/p' \
		"$SC_TMP/$1.out"
}

# Non-zero inodes the timeline shows ("inode N" on the socket lines).
timeline_inodes() {
	grep -o 'inode [0-9]*,' "$SC_TMP/$1.out" | tr -dc '0-9\n' |
		grep -v '^0$' | sort -u
}

# step N of the timeline, from its "[N]" header to the next blank line.
step() {
	awk -v n="[$2]" '$1 == n { on = 1 } on && /^$/ { exit } on' \
		"$SC_TMP/$1.out"
}

# The inode on the line after ROLE's line in step N.
step_inode() {
	step "$1" "$2" | awk -v role="$3" '
		found { sub(/^ *inode /, ""); sub(/,.*/, ""); print; exit }
		$1 == role { found = 1 }'
}

step_state() {
	step "$1" "$2" | awk -v role="$3" '$1 == role { sub(/:$/, "", $2); print $2; exit }'
}

step_sk() {
	step "$1" "$2" | awk -v role="$3" '
		found { sub(/.* sk /, ""); sub(/,.*/, ""); print; exit }
		$1 == role { found = 1 }'
}

# ---- TCP, client closes first --------------------------------------------
run_demo tcp "-tanpe" tcp --step=400ms
read -r spid cpid <<<"$(demo_pids tcp)"
if [ -z "${spid-}" ] || [ -z "${cpid-}" ]; then
	fail "the tcp timeline names its server and client pids"
	cat "$SC_TMP/tcp.out"
else
	# every inode ss saw held by the demo's processes, and the pid
	grep -E "pid=($spid|$cpid)," "$SC_TMP/tcp.ss" |
		grep -o 'ino:[0-9]*' | tr -dc '0-9\n' | sort -u >"$SC_TMP/ss.ino"
	timeline_inodes tcp >"$SC_TMP/tl.ino"
	assert_same_lines "tcp timeline inodes = what ss -e showed" \
		"$SC_TMP/ss.ino" "$SC_TMP/tl.ino"
	assert_eq "tcp timeline has three sockets with inodes" 3 \
		"$(wc -l <"$SC_TMP/tl.ino")"

	l1=$(step_inode tcp 1 listener)
	l3=$(step_inode tcp 3 listener)
	a3=$(step_inode tcp 3 server)
	c2=$(step_inode tcp 2 client)
	assert_eq "the listener keeps its inode across accept()" "$l1" "$l3"
	assert_eq "the queued connection has no inode before accept()" 0 \
		"$(step_inode tcp 2 server)"
	if [ -n "$a3" ] && [ "$a3" != 0 ] && [ "$a3" != "$l1" ] &&
		[ "$a3" != "$c2" ]; then
		pass "accept() made a socket with a new inode ($a3)"
	else
		fail "accept() made a socket with a new inode" \
			"not 0, $l1 or $c2" "$a3"
	fi
	assert_eq "the accepted socket is the queued one (same sk)" \
		"$(step_sk tcp 2 server)" "$(step_sk tcp 3 server)"
	# the pid that ss saw for the accepted socket is the server's (ss
	# may list it in the instant between accept() making its file and
	# installing the fd, with no holder yet: those lines say nothing)
	assert_eq "ss shows the accepted socket held by the demo server" \
		"$spid" "$(grep "ino:$a3 " "$SC_TMP/tcp.ss" | grep -m1 'pid=' |
			sed -n 's/.*pid=\([0-9]*\),.*/\1/p')"
	assert_eq "step 2: the listener's accept queue holds one" \
		"inode $l1, accept queue 1 of 8" \
		"$(step tcp 2 | grep "inode $l1," | sed 's/^ *//')"
	assert_eq "step 4: the unread ping is in the server's Recv-Q" \
		"Recv-Q 4" \
		"$(step tcp 4 | grep "inode $a3," | grep -o 'Recv-Q [0-9]*')"
	assert_eq "step 6: the client is in FIN-WAIT-2" FIN-WAIT-2 \
		"$(step_state tcp 6 client)"
	assert_eq "step 6: the server is in CLOSE-WAIT" CLOSE-WAIT \
		"$(step_state tcp 6 server)"
	assert_eq "step 7: the client, which closed first, is in TIME-WAIT" \
		TIME-WAIT "$(step_state tcp 7 client)"
	assert_eq "step 7: the server's end is gone" gone \
		"$(step_state tcp 7 server)"
	assert_eq "step 8: the listener is gone" gone \
		"$(step_state tcp 8 listener)"
	# ss agrees: the client's address pair is in TIME-WAIT now
	cport=$(step tcp 7 | awk '$1 == "client" { split($3, a, ":"); print a[2]; exit }')
	if ss -tan state time-wait | grep -q "127.0.0.1:$cport "; then
		pass "ss shows the client's port $cport in TIME-WAIT"
	else
		fail "ss shows the client's port in TIME-WAIT" "$cport" \
			"$(ss -tan state time-wait | tr '\n' '|')"
	fi
	assert_eq "the summary names the accepted inode" \
		"accepted inode $a3, a new socket made by accept()" \
		"$(grep "^ *accepted " "$SC_TMP/tcp.out" | squeeze | sed "s/^ //")"
fi

# ---- TCP over ::1, server closes first -------------------------------------
run_demo tcp6 "-tanpe" tcp -6 --closer=server --step=0
assert_eq "closer=server: the server is in FIN-WAIT-2 at step 6" \
	FIN-WAIT-2 "$(step_state tcp6 6 server)"
assert_eq "closer=server: the server's end is in TIME-WAIT at step 7" \
	TIME-WAIT "$(step_state tcp6 7 server)"
assert_eq "closer=server: the client's end is gone at step 7" gone \
	"$(step_state tcp6 7 client)"
if grep -q '^    listener  LISTEN      \[::1\]:[0-9]*$' "$SC_TMP/tcp6.out"; then
	pass "the -6 demo listens on [::1]"
else
	fail "the -6 demo listens on [::1]"
fi

# ---- Unix stream -----------------------------------------------------------
run_demo unix "-xap" unix --step=400ms
read -r spid cpid <<<"$(demo_pids unix)"
if [ -z "${spid-}" ]; then
	fail "the unix timeline names its server and client pids"
	cat "$SC_TMP/unix.out"
else
	# ss -x prints the inode in the local "port" column
	grep -E "pid=($spid|$cpid)," "$SC_TMP/unix.ss" |
		awk '{ print $6 }' | sort -u >"$SC_TMP/ss.ino"
	timeline_inodes unix >"$SC_TMP/tl.ino"
	assert_same_lines "unix timeline inodes = what ss -x showed" \
		"$SC_TMP/ss.ino" "$SC_TMP/tl.ino"
	l1=$(step_inode unix 1 listener)
	a3=$(step_inode unix 3 server)
	c2=$(step_inode unix 2 client)
	assert_eq "unix: the listener keeps its inode" "$l1" \
		"$(step_inode unix 3 listener)"
	assert_eq "unix: the client has no peer before accept()" \
		"ESTAB (unnamed), no peer" \
		"$(step unix 2 | awk '$1 == "client" { $1 = ""; sub(/^ /, ""); print }' | squeeze)"
	assert_eq "unix: after accept() the client's peer is the new socket" \
		"ESTAB (unnamed), peer inode $a3" \
		"$(step unix 3 | awk '$1 == "client" { $1 = ""; sub(/^ /, ""); print }' | squeeze)"
	assert_eq "unix: the accepted socket's peer is the client" \
		"peer inode $c2" \
		"$(step unix 3 | awk '$1 == "server"' | grep -o 'peer inode [0-9]*')"
	assert_eq "unix: the client is gone at once after close()" gone \
		"$(step_state unix 6 client)"
	assert_eq "unix: the server's end has no peer after the client left" \
		"no peer" \
		"$(step unix 6 | awk '$1 == "server"' | grep -o 'no peer')"
	path=$(step unix 1 | awk '$1 == "listener" { print $3 }')
	if [ -n "$path" ] && [ ! -e "$path" ] && [ ! -e "$(dirname "$path")" ]; then
		pass "unix: the socket file and its directory are gone"
	else
		fail "unix: the socket file and its directory are gone" \
			"no $path" "$(ls -la "$(dirname "$path")" 2>&1)"
	fi
fi

# ---- usage errors ------------------------------------------------------------
check_usage() {
	local want=$1
	shift
	run_sc demo "$@"
	assert_eq "demo $*: exit 2 and one line" "2:$want" \
		"$SC_RC:$(head -1 "$SC_TMP/err")"
}
check_usage "sockscope demo: unknown demo 'udp' (expected tcp or unix)" udp
check_usage "sockscope demo: --ipv6 and --port apply to the tcp demo only" \
	unix --port=5000
check_usage "sockscope demo: invalid --closer 'both' (expected client or server)" \
	--closer=both
check_usage "sockscope demo: invalid --step 'soon' (expected a number and a unit: ns, us, ms, s, m or h)" \
	--step=soon
check_usage "sockscope demo: invalid --port '70000' (expected a whole number from 1 to 65535)" \
	--port=70000
check_usage "sockscope demo: unrecognized option '--bogus'" --bogus
check_usage "sockscope demo: too many arguments" tcp unix
run_sc demo --help
assert_eq "demo --help exits 0" "0" "$SC_RC"
if grep -q '^Usage: sockscope demo ' "$SC_TMP/out"; then
	pass "demo --help prints the usage"
else
	fail "demo --help prints the usage"
fi

sc_done
