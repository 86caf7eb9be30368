#!/bin/bash
# serve.sh - sockscope serve: the listening line names the real address
# and the socket inode sockscope's own listing shows; each accepted
# connection gets a fresh inode while the listener keeps its own; ping,
# echo and quit over tcp (v4, v6), udp and every Unix type; refusals that
# leave files untouched; mode and group; --no-accept and --max-conn queue
# in the kernel; idle and io timeouts; SIGTERM removes what it made.
. "$(dirname "$0")/lib.sh"

# Valgrind (the suite's wrapper) makes every start slow: generous waits.
WAIT_TENTHS=200

# start_serve NAME ARGS...: sockscope serve ARGS in the background, its
# stdout in $SC_TMP/NAME.out; waits for the listening line. Sets
# SERVE_PID, SERVE_LINE, SERVE_ADDR (as printed), SERVE_PORT (inet) and
# SERVE_INODE. Returns 1 (and fails) if no line came.
start_serve() {
	local name=$1 i
	shift
	SERVE_LINE=
	"$SOCKSCOPE" serve "$@" >"$SC_TMP/$name.out" 2>"$SC_TMP/$name.err" &
	SERVE_PID=$!
	SC_PIDS="$SC_PIDS $SERVE_PID"
	for ((i = 0; i < WAIT_TENTHS; i++)); do
		if { IFS= read -r SERVE_LINE <"$SC_TMP/$name.out"; } 2>/dev/null; then
			break
		fi
		SERVE_LINE=
		kill -0 "$SERVE_PID" 2>/dev/null || break
		sleep 0.1
	done
	if [ -z "$SERVE_LINE" ]; then
		fail "serve $* prints its listening line" "listening ..." \
			"nothing; stderr: $(head -c 300 "$SC_TMP/$name.err")"
		return 1
	fi
	read -r _ _ SERVE_ADDR _ SERVE_INODE <<<"$SERVE_LINE"
	SERVE_PORT=${SERVE_ADDR##*:}
	return 0
}

# stop_serve PID [SIGNAL]: signal it (TERM) and wait; the exit status is
# in STOP_RC.
stop_serve() {
	kill -"${2:-TERM}" "$1" 2>/dev/null
	STOP_RC=0
	wait "$1" 2>/dev/null || STOP_RC=$?
}

# wait_until CONDITION: evaluate it every 0.1 s until it holds (0) or the
# wait runs out (1).

# count_lines PATTERN FILE: lines matching the extended regex.
count_lines() {
	grep -cE -- "$1" "$2" 2>/dev/null
}

# rows ARGS...: the listing (sockscope ARGS -e -H) as "netid-or-state...
# fields" with the ino: value appended last, into $SC_TMP/rows.
rows() {
	"$SOCKSCOPE" "$@" -e -H >"$SC_TMP/rows.raw" 2>"$SC_TMP/rows.err"
	awk '{ ino = "-"; n = 0
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^ino:/) ino = substr($i, 5)
			else if ($i !~ /^(uid|user|sk|file|mode|owner|group|peer_name):/) f[++n] = $i
		}
		s = ""; for (i = 1; i <= n; i++) s = s f[i] " "
		print s ino }' "$SC_TMP/rows.raw" >"$SC_TMP/rows"
}

# tcp_row STATE LOCAL PEER: the number of -tan rows in that state between
# those addresses.
tcp_rows_matching() {
	"$SOCKSCOPE" -tan -H 2>/dev/null |
		awk -v s="$1" -v l="$2" -v p="$3" '$1 == s && $4 == l && $5 == p' |
		wc -l
}

# ---- tcp over IPv4: the listening line, inodes, protocol ----------------
if start_serve v4 tcp 0; then
	case $SERVE_LINE in
	"listening tcp 127.0.0.1:"[1-9]*" inode "[1-9]*) pass "tcp listening line: $SERVE_LINE" ;;
	*) fail "tcp listening line" "listening tcp 127.0.0.1:PORT inode N" "$SERVE_LINE" ;;
	esac
	port=$SERVE_PORT
	linode=$SERVE_INODE
	rows -tan
	assert_eq "the listing shows the listener's inode" \
		"LISTEN 0 128 127.0.0.1:$port 0.0.0.0:* $linode" \
		"$(grep -F " 127.0.0.1:$port 0.0.0.0:* " "$SC_TMP/rows")"

	# Three connections at once: each accepted socket has its own inode.
	exec 5<>"/dev/tcp/127.0.0.1/$port" 6<>"/dev/tcp/127.0.0.1/$port" \
		7<>"/dev/tcp/127.0.0.1/$port"
	wait_until '[ "$(count_lines "^accepted " "$SC_TMP/v4.out")" -eq 3 ]' ||
		fail "three accepted lines" 3 "$(count_lines "^accepted " "$SC_TMP/v4.out")"
	bad=$(grep '^accepted ' "$SC_TMP/v4.out" |
		grep -cvE "^accepted tcp 127\.0\.0\.1:$port <- 127\.0\.0\.1:[0-9]+ inode [0-9]+$")
	assert_eq "accepted lines have the stated form" 0 "$bad"
	awk '/^accepted /{ print $7 }' "$SC_TMP/v4.out" | sort >"$SC_TMP/acc.ino"
	rows -tan
	awk -v l="127.0.0.1:$port" '$1 == "ESTAB" && $4 == l { print $NF }' \
		"$SC_TMP/rows" | sort >"$SC_TMP/list.ino"
	assert_same_lines "accepted inodes are the listing's server-side inodes" \
		"$SC_TMP/acc.ino" "$SC_TMP/list.ino"
	assert_eq "three distinct connection inodes" 3 "$(sort -u "$SC_TMP/acc.ino" | wc -l)"
	if grep -qx "$linode" "$SC_TMP/acc.ino"; then
		fail "no connection shares the listener's inode"
	else
		pass "no connection shares the listener's inode"
	fi
	assert_eq "the listener keeps its inode" "$linode" \
		"$(awk -v l="127.0.0.1:$port" '$1 == "LISTEN" && $4 == l { print $NF }' "$SC_TMP/rows")"

	# ping, with each terminator; echo; and quit.
	printf 'ping\n' >&5
	read -r -t 5 -u 5 got
	assert_eq "ping\\n -> pong\\n" pong "$got"
	printf 'ping\r\n' >&6
	read -r -t 5 -u 6 got
	assert_eq "ping\\r\\n -> pong\\r\\n" $'pong\r' "$got"
	printf 'ping' >&7
	got=
	read -r -t 5 -N 4 -u 7 got
	assert_eq "bare ping -> pong" pong "$got"
	printf 'hello, world\n' >&5
	read -r -t 5 -u 5 got
	assert_eq "other text is echoed" "hello, world" "$got"
	printf 'pingpong\n' >&5
	read -r -t 5 -u 5 got
	assert_eq "'pingpong' is not a ping" pingpong "$got"
	printf 'PING\n' >&5
	read -r -t 5 -u 5 got
	assert_eq "'PING' is echoed (the protocol is exact)" PING "$got"

	# quit: the server closes first, so its side ends in TIME-WAIT
	printf 'quit\n' >&6
	got=x
	read -r -t 5 -u 6 got
	rc=$?
	assert_eq "quit: the server closes (EOF, no reply)" "1 " "$rc $got"
	exec 6<&-
	wait_until '[ "$(count_lines "\(by server\)$" "$SC_TMP/v4.out")" -eq 1 ]' ||
		fail "a 'by server' closed line after quit"
	sport_line=$(grep '(by server)$' "$SC_TMP/v4.out")
	qport=$(awk '{ split($5, a, ":"); print a[2] }' <<<"$sport_line")
	case $sport_line in
	"closed tcp 127.0.0.1:$port <- 127.0.0.1:$qport inode "[0-9]*" (by server)")
		pass "closed line after quit: $sport_line" ;;
	*) fail "closed line after quit" "closed tcp 127.0.0.1:$port <- 127.0.0.1:$qport inode N (by server)" "$sport_line" ;;
	esac
	wait_until '[ "$(tcp_rows_matching TIME-WAIT 127.0.0.1:$port 127.0.0.1:$qport)" -eq 1 ]'
	assert_eq "after quit the server's side is in TIME-WAIT" 1 \
		"$(tcp_rows_matching TIME-WAIT "127.0.0.1:$port" "127.0.0.1:$qport")"
	assert_eq "and the client's side is not" 0 \
		"$(tcp_rows_matching TIME-WAIT "127.0.0.1:$qport" "127.0.0.1:$port")"

	# the peer closing is "by peer"
	exec 5<&- 7<&-
	wait_until '[ "$(count_lines "\(by peer\)$" "$SC_TMP/v4.out")" -eq 2 ]' ||
		fail "two 'by peer' closed lines" 2 "$(count_lines "\(by peer\)$" "$SC_TMP/v4.out")"
	stop_serve "$SERVE_PID"
	assert_eq "SIGTERM: exit 0" 0 "$STOP_RC"
	assert_eq "nothing on stderr" "" "$(cat "$SC_TMP/v4.err")"
	assert_eq "every accepted connection is closed once" 3 \
		"$(count_lines '^closed ' "$SC_TMP/v4.out")"
fi

# ---- tcp over IPv6 ------------------------------------------------------
if start_serve v6 tcp '[::1]:0'; then
	case $SERVE_LINE in
	"listening tcp [::1]:"[1-9]*" inode "[1-9]*) pass "IPv6 listening line: $SERVE_LINE" ;;
	*) fail "IPv6 listening line" "listening tcp [::1]:PORT inode N" "$SERVE_LINE" ;;
	esac
	exec 5<>"/dev/tcp/::1/$SERVE_PORT"
	printf 'ping\n' >&5
	read -r -t 5 -u 5 got
	assert_eq "IPv6: ping -> pong" pong "$got"
	printf 'v6 echo\n' >&5
	read -r -t 5 -u 5 got
	assert_eq "IPv6: echo" "v6 echo" "$got"
	exec 5<&-
	rows -tan
	assert_eq "IPv6 listener's inode in the listing" "$SERVE_INODE" \
		"$(awk -v l="[::1]:$SERVE_PORT" '$1 == "LISTEN" && $4 == l { print $NF }' "$SC_TMP/rows")"
	wait_until 'grep -q "(by peer)$" "$SC_TMP/v6.out"'
	grep -qE "^accepted tcp \[::1\]:$SERVE_PORT <- \[::1\]:[0-9]+ inode [0-9]+$" "$SC_TMP/v6.out" &&
		pass "IPv6 accepted line" || fail "IPv6 accepted line" "accepted tcp [::1]:$SERVE_PORT <- [::1]:P inode N" "$(cat "$SC_TMP/v6.out")"
	stop_serve "$SERVE_PID"
	assert_eq "IPv6 server exits 0" 0 "$STOP_RC"
fi

# ---- udp ------------------------------------------------------------------
if start_serve udp udp 127.0.0.1:0; then
	case $SERVE_LINE in
	"listening udp 127.0.0.1:"[1-9]*" inode "[1-9]*) pass "udp listening line" ;;
	*) fail "udp listening line" "listening udp 127.0.0.1:PORT inode N" "$SERVE_LINE" ;;
	esac
	# bash reads a byte at a time, which takes a whole datagram: dd
	# reads each in one go
	exec 5<>"/dev/udp/127.0.0.1/$SERVE_PORT"
	printf 'ping\n' >&5
	got=$(timeout 5 dd bs=65536 count=1 status=none <&5)
	assert_eq "udp: ping -> pong" pong "$got"
	printf 'datagram\n' >&5
	got=$(timeout 5 dd bs=65536 count=1 status=none <&5)
	assert_eq "udp: echo" datagram "$got"
	exec 5<&-
	rows -uan
	assert_eq "udp socket's inode in the listing" "$SERVE_INODE" \
		"$(awk -v l="127.0.0.1:$SERVE_PORT" '$4 == l { print $NF }' "$SC_TMP/rows")"
	stop_serve "$SERVE_PID"
	assert_eq "udp server exits 0" 0 "$STOP_RC"
	assert_eq "udp: only the listening line" 1 "$(wc -l <"$SC_TMP/udp.out")"
fi

# ---- Unix: each type, default private directory, abstract ------------------
for type in stream dgram seqpacket; do
	start_serve "u$type" unix --type="$type" || continue
	path=$SERVE_ADDR
	dir=${path%/serve.sock}
	case $path in
	"${TMPDIR:-/tmp}"/sockscope-??????/serve.sock | /tmp/sockscope-??????/serve.sock)
		pass "unix $type: a private directory ($path)" ;;
	*) fail "unix $type: a private directory" "\$TMPDIR/sockscope-XXXXXX/serve.sock" "$path" ;;
	esac
	assert_eq "unix $type: the directory is private" "700 socket" \
		"$(stat -c %a "$dir") $(stat -c %F "$path")"
	run_sc connect unix "$path" --type="$type"
	assert_eq "unix $type: connect exits 0" 0 "$SC_RC"
	assert_eq "unix $type: ping -> pong" 1 "$(count_lines "^reply from $path: pong in [0-9]+\.[0-9]{3} us$" "$SC_TMP/out")"
	rows -xan
	assert_eq "unix $type: the listing shows the socket's inode" "$SERVE_INODE" \
		"$(awk -v p="$path" '$5 == p && $8 == 0 { print $6 }' "$SC_TMP/rows")"
	stop_serve "$SERVE_PID"
	assert_eq "unix $type: SIGTERM exits 0" 0 "$STOP_RC"
	if [ -e "$path" ] || [ -e "$dir" ]; then
		fail "unix $type: socket and private directory removed at exit" "gone" "$(ls -la "$dir" 2>&1)"
	else
		pass "unix $type: socket and private directory removed at exit"
	fi
done

# Unix stream: listener inode fixed, each accepted connection its own.
if start_serve ustr unix "$SC_TMP/s.sock"; then
	assert_eq "unix listening line" "listening unix $SC_TMP/s.sock inode $SERVE_INODE" "$SERVE_LINE"
	"$SOCKSCOPE" connect unix "$SC_TMP/s.sock" -n 3 --count 0 --duration 60s -q \
		>"$SC_TMP/c3.out" 2>&1 &
	cpid=$!
	SC_PIDS="$SC_PIDS $cpid"
	wait_until '[ "$(count_lines "^accepted " "$SC_TMP/ustr.out")" -eq 3 ]' ||
		fail "unix: three accepted lines"
	awk '/^accepted /{ print $7 }' "$SC_TMP/ustr.out" | sort >"$SC_TMP/acc.ino"
	assert_eq "unix accepted lines have the stated form" 3 \
		"$(count_lines "^accepted unix $SC_TMP/s\.sock <- \* inode [0-9]+$" "$SC_TMP/ustr.out")"
	rows -xan
	awk -v p="$SC_TMP/s.sock" '$1 == "u_str" && $2 == "ESTAB" && $5 == p { print $6 }' \
		"$SC_TMP/rows" | sort >"$SC_TMP/list.ino"
	assert_same_lines "unix accepted inodes are the listing's" "$SC_TMP/acc.ino" "$SC_TMP/list.ino"
	assert_eq "unix: three distinct inodes" 3 "$(sort -u "$SC_TMP/acc.ino" | wc -l)"
	assert_eq "unix listener keeps its inode" "$SERVE_INODE" \
		"$(awk -v p="$SC_TMP/s.sock" '$2 == "LISTEN" && $5 == p { print $6 }' "$SC_TMP/rows")"
	stop_serve "$cpid"
	assert_eq "connect stopped by SIGTERM exits 0" 0 "$STOP_RC"
	assert_eq "its summary" "3 connection(s), 0 ping(s), 0 reply(ies), rtt min/avg/max = -/-/- us" \
		"$(cat "$SC_TMP/c3.out")"
	wait_until '[ "$(count_lines "\(by peer\)$" "$SC_TMP/ustr.out")" -eq 3 ]' ||
		fail "unix: three 'by peer' lines"

	# a second server on the same path is refused; the first goes on
	before=$(stat -c '%i %F' "$SC_TMP/s.sock")
	run_sc serve unix "$SC_TMP/s.sock"
	assert_eq "live socket: exit 1" 1 "$SC_RC"
	assert_eq "live socket: one line" \
		"sockscope serve: a server is already listening at $SC_TMP/s.sock" \
		"$(cat "$SC_TMP/err")"
	assert_eq "live socket: no output" "" "$(cat "$SC_TMP/out")"
	assert_eq "live socket: the file is untouched" "$before" "$(stat -c '%i %F' "$SC_TMP/s.sock")"
	run_sc connect unix "$SC_TMP/s.sock"
	assert_eq "the first server still answers" 0 "$SC_RC"

	# killed without cleanup: the socket file stays, stale
	stop_serve "$SERVE_PID" KILL
	[ -S "$SC_TMP/s.sock" ] && pass "SIGKILL leaves a stale socket" ||
		fail "SIGKILL leaves a stale socket"
	if start_serve stale unix "$SC_TMP/s.sock"; then
		assert_eq "a stale socket is replaced, with a note" \
			"sockscope serve: note: removed a stale socket at $SC_TMP/s.sock (no server was listening)" \
			"$(cat "$SC_TMP/stale.err")"
		run_sc connect unix "$SC_TMP/s.sock" -q
		assert_eq "the new server answers" \
			"1 connection(s), 1 ping(s), 1 reply(ies)" \
			"$(sed 's/, rtt.*//' "$SC_TMP/out")"
		stop_serve "$SERVE_PID"
		assert_eq "stale: exit 0" 0 "$STOP_RC"
		[ -e "$SC_TMP/s.sock" ] && fail "the socket file is removed at exit" ||
			pass "the socket file is removed at exit"
	fi
fi

# Unix datagram and seqpacket at a given path, and an abstract name.
for type in dgram seqpacket; do
	start_serve "p$type" unix "$SC_TMP/$type.sock" --type "$type" || continue
	run_sc connect unix "$SC_TMP/$type.sock" --type "$type" --count 2 --interval 10ms
	assert_eq "unix $type at a path: 2 replies" \
		"1 connection(s), 2 ping(s), 2 reply(ies)" "$(tail -n 1 "$SC_TMP/out" | sed 's/, rtt.*//')"
	stop_serve "$SERVE_PID"
	[ -e "$SC_TMP/$type.sock" ] && fail "unix $type: file removed" || pass "unix $type: file removed"
done
abs=sockscope-serve-test-$$
if start_serve abs unix "@$abs"; then
	assert_eq "abstract listening line" "listening unix @$abs inode $SERVE_INODE" "$SERVE_LINE"
	run_sc connect unix "@$abs"
	assert_eq "abstract: ping -> pong" 1 "$(count_lines "^reply from @$abs: pong in " "$SC_TMP/out")"
	rows -xln
	assert_eq "abstract: the listing's inode" "$SERVE_INODE" \
		"$(awk -v p="@$abs" '$5 == p { print $6 }' "$SC_TMP/rows")"
	stop_serve "$SERVE_PID"
	assert_eq "abstract: exit 0" 0 "$STOP_RC"
fi

# A path with a space and an escape sequence is printed escaped.
evil="$SC_TMP/a b"$'\e'"[31m.sock"
if start_serve evil unix "$evil"; then
	assert_eq "a hostile path is escaped" \
		"listening unix $SC_TMP/a\\x20b\\e[31m.sock inode $SERVE_INODE" "$SERVE_LINE"
	stop_serve "$SERVE_PID"
	[ -e "$evil" ] && fail "hostile path removed at exit" || pass "hostile path removed at exit"
fi

# ---- refusals: one line, exit status, files untouched ------------------------
printf 'precious\n' >"$SC_TMP/regular"
mkdir "$SC_TMP/adir"
printf 'target\n' >"$SC_TMP/target"
ln -s "$SC_TMP/target" "$SC_TMP/link"
mkfifo "$SC_TMP/fifo"
for spec in "regular:a regular file" "adir:a directory" "link:a symbolic link" \
	"fifo:a named pipe"; do
	f=$SC_TMP/${spec%%:*}
	what=${spec#*:}
	before=$(stat -c '%i %F %s %Y' "$f")
	run_sc serve unix "$f"
	assert_eq "refuse $what: exit 1" 1 "$SC_RC"
	assert_eq "refuse $what: one line" \
		"sockscope serve: refusing to use $f: it is $what" "$(cat "$SC_TMP/err")"
	assert_eq "refuse $what: untouched" "$before" "$(stat -c '%i %F %s %Y' "$f")"
done
assert_eq "the regular file keeps its content" precious "$(cat "$SC_TMP/regular")"
assert_eq "the link's target keeps its content" target "$(cat "$SC_TMP/target")"
assert_eq "the link still points at it" "$SC_TMP/target" "$(readlink "$SC_TMP/link")"

for addr in 0.0.0.0:0 '[::]:0' 10.11.12.13:8080; do
	shown=$addr
	[ "$addr" = '[::]:0' ] && shown='[::]:0'
	run_sc serve tcp "$addr"
	assert_eq "refuse $addr: exit 1" 1 "$SC_RC"
	assert_eq "refuse $addr: one line" \
		"sockscope serve: refusing to listen on $shown: not a loopback address (use --allow-remote to serve other machines)" \
		"$(cat "$SC_TMP/err")"
done
run_sc serve udp 0.0.0.0:53
assert_eq "udp too is refused on a non-loopback address" \
	"sockscope serve: refusing to listen on 0.0.0.0:53: not a loopback address (use --allow-remote to serve other machines)" \
	"$(cat "$SC_TMP/err")"
# in this private namespace the wildcard is still only lo
if start_serve remote tcp 0.0.0.0:0 --allow-remote -q; then
	case $SERVE_LINE in
	"listening tcp 0.0.0.0:"[1-9]*) pass "--allow-remote serves 0.0.0.0" ;;
	*) fail "--allow-remote serves 0.0.0.0" "listening tcp 0.0.0.0:PORT ..." "$SERVE_LINE" ;;
	esac
	stop_serve "$SERVE_PID"
fi

long=/$(printf 'x%.0s' $(seq 119))
run_sc serve unix "$long"
assert_eq "too long a path: exit 2" 2 "$SC_RC"
assert_eq "too long a path: the length and the limit" \
	"sockscope serve: socket path is 120 bytes long; the limit is 107
Try 'sockscope serve --help' for more information." "$(cat "$SC_TMP/err")"

# ---- mode and group -----------------------------------------------------------
grp=
for g in nogroup nobody daemon; do
	if getent group "$g" >/dev/null 2>&1; then
		grp=$g
		break
	fi
done
touch "$SC_TMP/chgrp-probe"
if [ -n "$grp" ] && chgrp "$grp" "$SC_TMP/chgrp-probe" 2>/dev/null; then
	if start_serve mode unix "$SC_TMP/m.sock" --mode 0660 --group "$grp"; then
		assert_eq "--mode 0660 --group $grp" "660 $grp socket" \
			"$(stat -c '%a %G %F' "$SC_TMP/m.sock")"
		rows -xln
		case $(grep -F "$SC_TMP/m.sock" "$SC_TMP/rows.raw") in
		*" mode:srw-rw---- "*" group:$grp"*) pass "the listing agrees on mode and group" ;;
		*) fail "the listing agrees on mode and group" "mode:srw-rw---- ... group:$grp" "$(cat "$SC_TMP/rows.raw")" ;;
		esac
		stop_serve "$SERVE_PID"
	fi
	gid=$(getent group "$grp" | cut -d: -f3)
	if start_serve mode2 unix "$SC_TMP/m2.sock" --mode=600 --group="$gid" --type=dgram; then
		assert_eq "--mode=600 --group=$gid" "600 $gid" "$(stat -c '%a %g' "$SC_TMP/m2.sock")"
		stop_serve "$SERVE_PID"
	fi
else
	echo "note: cannot give files another group here: group checks skipped"
fi
run_sc serve unix "$SC_TMP/m3.sock" --group no-such-group-here
assert_eq "unknown group: exit 2" 2 "$SC_RC"
assert_eq "unknown group: message" "sockscope serve: unknown group 'no-such-group-here'" \
	"$(head -n 1 "$SC_TMP/err")"
[ -e "$SC_TMP/m3.sock" ] && fail "no file for a refused group" || pass "no file for a refused group"

# ---- usage errors -------------------------------------------------------------
check_usage() {
	local want=$1
	shift
	run_sc serve "$@"
	assert_eq "serve $*: exit 2" 2 "$SC_RC"
	assert_eq "serve $*: message" "sockscope serve: $want
Try 'sockscope serve --help' for more information." "$(cat "$SC_TMP/err")"
}
check_usage "missing socket kind (tcp, udp or unix)"
check_usage "unknown socket kind 'sctp' (expected tcp, udp or unix)" sctp 80
check_usage "tcp needs [ADDR:]PORT" tcp
check_usage "invalid port '70000' (expected a whole number from 0 to 65535)" tcp 70000
check_usage "--mode applies to a unix socket file only" tcp 0 --mode 0660
check_usage "--group applies to a unix socket file only" unix @x --group 0
check_usage "--type applies to unix sockets only" udp 0 --type dgram
check_usage "invalid --type 'raw' (expected stream, dgram or seqpacket)" unix --type raw
check_usage "invalid --mode '999' (expected an octal mode from 0 to 0777, e.g. 0660)" unix --mode 999
check_usage "unrecognized option '--bogus'" --bogus tcp 0
check_usage "option '--backlog' requires an argument" tcp 0 --backlog
check_usage "invalid --max-conn '0' (expected a whole number from 1 to 100000)" tcp 0 --max-conn 0
check_usage "unexpected argument 'extra'" tcp 0 extra

run_sc serve --help
assert_eq "--help exits 0" 0 "$SC_RC"
for opt in --type --mode --group --allow-remote --max-conn --backlog --no-accept \
	--idle-timeout --io-timeout --quiet --help; do
	grep -q -- "$opt" "$SC_TMP/out" && pass "--help mentions $opt" || fail "--help mentions $opt"
done
assert_eq "--help fits 80 columns" "" "$(awk 'length > 80' "$SC_TMP/out")"

# ---- --no-accept: connections wait in the accept queue ---------------------------
if start_serve noacc tcp 0 --no-accept --backlog 16; then
	"$SOCKSCOPE" connect tcp ":$SERVE_PORT" -n 5 --count 0 --duration 60s \
		>"$SC_TMP/na.out" 2>&1 &
	cpid=$!
	SC_PIDS="$SC_PIDS $cpid"
	queue() {
		"$SOCKSCOPE" -tln -H 2>/dev/null | awk -v l="127.0.0.1:$SERVE_PORT" '$4 == l { print $2, $3 }'
	}
	wait_until '[ "$(queue)" = "5 16" ]'
	assert_eq "--no-accept: Recv-Q 5 waiting, Send-Q the backlog" "5 16" "$(queue)"
	assert_eq "--no-accept: five connected lines" 5 "$(count_lines '^connected tcp ' "$SC_TMP/na.out")"
	assert_eq "--no-accept: nothing accepted" 1 "$(wc -l <"$SC_TMP/noacc.out")"
	stop_serve "$cpid"
	stop_serve "$SERVE_PID"
	assert_eq "--no-accept server exits 0" 0 "$STOP_RC"
fi
if start_serve noaccu unix "$SC_TMP/na.sock" --no-accept; then
	"$SOCKSCOPE" connect unix "$SC_TMP/na.sock" -n 4 --count 0 --duration 60s \
		>"$SC_TMP/na.out" 2>&1 &
	cpid=$!
	SC_PIDS="$SC_PIDS $cpid"
	uqueue() {
		"$SOCKSCOPE" -xln -H 2>/dev/null | awk -v p="$SC_TMP/na.sock" '$5 == p { print $3, $4 }'
	}
	wait_until '[ "$(uqueue)" = "4 128" ]'
	assert_eq "unix --no-accept: Recv-Q 4, Send-Q 128" "4 128" "$(uqueue)"
	stop_serve "$cpid"
	stop_serve "$SERVE_PID"
fi

# ---- --max-conn: the rest waits in the kernel ------------------------------------
if start_serve maxc tcp 0 --max-conn=2; then
	"$SOCKSCOPE" connect tcp ":$SERVE_PORT" -n 4 --count 0 --duration 60s \
		>"$SC_TMP/mc.out" 2>&1 &
	cpid=$!
	SC_PIDS="$SC_PIDS $cpid"
	wait_until '[ "$(count_lines "^connected " "$SC_TMP/mc.out")" -eq 4 ]'
	wait_until '[ "$(count_lines "^accepted " "$SC_TMP/maxc.out")" -eq 2 ]'
	sleep 0.3
	assert_eq "--max-conn=2: two accepted" 2 "$(count_lines '^accepted ' "$SC_TMP/maxc.out")"
	assert_eq "--max-conn=2: two in the queue" 2 \
		"$("$SOCKSCOPE" -tln -H | awk -v l="127.0.0.1:$SERVE_PORT" '$4 == l { print $2 }')"
	stop_serve "$cpid"
	# as the first two go, the queued two are accepted (and found closed)
	wait_until '[ "$(count_lines "\(by peer\)$" "$SC_TMP/maxc.out")" -eq 4 ]'
	assert_eq "--max-conn=2: all four served in the end" 4 "$(count_lines '^accepted ' "$SC_TMP/maxc.out")"
	stop_serve "$SERVE_PID"
fi

# ---- timeouts ---------------------------------------------------------------------
if start_serve idle tcp 0 --idle-timeout=300ms; then
	exec 5<>"/dev/tcp/127.0.0.1/$SERVE_PORT"
	wait_until 'grep -q "(idle timeout)$" "$SC_TMP/idle.out"' ||
		fail "an idle connection is closed" "closed ... (idle timeout)" "$(cat "$SC_TMP/idle.out")"
	got=x
	read -r -t 5 -u 5 got
	assert_eq "the idle client sees EOF" "" "$got"
	exec 5<&-
	grep -qE "^closed tcp 127\.0\.0\.1:$SERVE_PORT <- 127\.0\.0\.1:[0-9]+ inode [0-9]+ \(idle timeout\)$" \
		"$SC_TMP/idle.out" && pass "idle timeout line" || fail "idle timeout line"
	stop_serve "$SERVE_PID"
fi
# A client that sends without reading: the server stops reading when its
# buffer is full, and gives up after --io-timeout.
if start_serve iot tcp 0 --io-timeout=500ms; then
	exec 5<>"/dev/tcp/127.0.0.1/$SERVE_PORT"
	(head -c 400000000 /dev/zero >&5) 2>/dev/null &
	wpid=$!
	SC_PIDS="$SC_PIDS $wpid"
	exec 5<&-
	wait_until 'grep -q "(io timeout)$" "$SC_TMP/iot.out"' ||
		fail "a connection whose peer does not read is closed" "closed ... (io timeout)" "$(cat "$SC_TMP/iot.out")"
	kill "$wpid" 2>/dev/null
	wait "$wpid" 2>/dev/null
	assert_eq "one io timeout, no idle timeout" "1 0" \
		"$(count_lines "\(io timeout\)$" "$SC_TMP/iot.out") $(count_lines "idle timeout" "$SC_TMP/iot.out")"
	stop_serve "$SERVE_PID"
fi

# ---- -q: the listening line alone -------------------------------------------------
if start_serve quiet tcp 0 -q; then
	exec 5<>"/dev/tcp/127.0.0.1/$SERVE_PORT"
	printf 'ping\n' >&5
	read -r -t 5 -u 5 got
	exec 5<&-
	assert_eq "-q: ping answered" pong "$got"
	sleep 0.3
	stop_serve "$SERVE_PID"
	assert_eq "-q prints only the listening line" 1 "$(wc -l <"$SC_TMP/quiet.out")"
fi

# ---- SIGINT, and a file replaced while serving ------------------------------------
if start_serve int unix; then
	stop_serve "$SERVE_PID" INT
	assert_eq "SIGINT: exit 0" 0 "$STOP_RC"
	[ -e "${SERVE_ADDR%/serve.sock}" ] && fail "SIGINT: private directory removed" ||
		pass "SIGINT: private directory removed"
fi
if start_serve repl unix "$SC_TMP/r.sock"; then
	rm -f "$SC_TMP/r.sock"
	printf 'not yours\n' >"$SC_TMP/r.sock"
	stop_serve "$SERVE_PID"
	assert_eq "replaced: exit 0" 0 "$STOP_RC"
	assert_eq "replaced: a note" \
		"sockscope serve: note: $SC_TMP/r.sock was replaced by another file: left it alone" \
		"$(cat "$SC_TMP/repl.err")"
	assert_eq "replaced: the new file is left alone" "not yours" "$(cat "$SC_TMP/r.sock")"
fi
# connections open at SIGTERM are closed by the server, and said so
if start_serve term tcp 0; then
	exec 5<>"/dev/tcp/127.0.0.1/$SERVE_PORT"
	wait_until 'grep -q "^accepted " "$SC_TMP/term.out"'
	stop_serve "$SERVE_PID"
	exec 5<&-
	assert_eq "SIGTERM closes open connections" 1 "$(count_lines '\(by server\)$' "$SC_TMP/term.out")"
fi

sc_done
