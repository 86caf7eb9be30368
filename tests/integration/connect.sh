#!/bin/bash
# connect.sh - sockscope connect against sockscope serve: the exact output
# lines, inodes the listing agrees with, pings per connection and over a
# duration, which side ends in TIME-WAIT for --closer=client and
# --closer=server, failures (refused, no reply, timed out, closed by the
# server) with one clear line and exit 1, usage errors, and signals.
. "$(dirname "$0")/lib.sh"

# Valgrind (the suite's wrapper) makes every start slow: generous waits.
WAIT_TENTHS=200

# start_serve NAME ARGS...: sockscope serve ARGS in the background, its
# stdout in $SC_TMP/NAME.out; waits for the listening line. Sets
# SERVE_PID, SERVE_LINE, SERVE_ADDR, SERVE_PORT and SERVE_INODE.
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
	[ -n "$SERVE_LINE" ] || die "serve $* did not start: $(cat "$SC_TMP/$name.err")"
	read -r _ _ SERVE_ADDR _ SERVE_INODE <<<"$SERVE_LINE"
	SERVE_PORT=${SERVE_ADDR##*:}
}

# stop PID [SIGNAL]: signal it (TERM) and wait; exit status in STOP_RC.
stop() {
	kill -"${2:-TERM}" "$1" 2>/dev/null
	STOP_RC=0
	wait "$1" 2>/dev/null || STOP_RC=$?
}


count_lines() {
	grep -cE -- "$1" "$2" 2>/dev/null
}

# tw LOCAL PEER: 1 if a TIME-WAIT socket LOCAL -> PEER is listed, else 0.
tw() {
	"$SOCKSCOPE" -tan -H 2>/dev/null |
		awk -v l="$1" -v p="$2" '$1 == "TIME-WAIT" && $4 == l && $5 == p' | wc -l
}

# summary_counts FILE: the last line up to the rtt part.
summary_counts() {
	tail -n 1 "$1" | sed 's/, rtt .*//'
}

start_serve main tcp 0
P=$SERVE_PORT
S=127.0.0.1:$P

# ---- one connection, one ping: every line exactly ------------------------------
run_sc connect tcp ":$P"
assert_eq "connect exits 0" 0 "$SC_RC"
assert_eq "nothing on stderr" "" "$(cat "$SC_TMP/err")"
assert_eq "four lines" 4 "$(wc -l <"$SC_TMP/out")"
l1=$(sed -n 1p "$SC_TMP/out")
cport=$(sed -nE "1s/^connected tcp 127\.0\.0\.1:([0-9]+) -> 127\.0\.0\.1:$P inode [0-9]+$/\1/p" "$SC_TMP/out")
cino=${l1##* }
if [ -n "$cport" ]; then
	pass "connected line: $l1"
else
	fail "connected line" "connected tcp 127.0.0.1:PORT -> $S inode N" "$l1"
fi
rtt=$(sed -nE "2s/^reply from 127\.0\.0\.1:$P: pong in ([0-9]+\.[0-9]{3}) us$/\1/p" "$SC_TMP/out")
[ -n "$rtt" ] && pass "reply line" || fail "reply line" "reply from $S: pong in N.NNN us" "$(sed -n 2p "$SC_TMP/out")"
assert_eq "closed line" "closed tcp 127.0.0.1:$cport -> $S inode $cino (client first)" \
	"$(sed -n 3p "$SC_TMP/out")"
assert_eq "summary line" \
	"1 connection(s), 1 ping(s), 1 reply(ies), rtt min/avg/max = $rtt/$rtt/$rtt us" \
	"$(sed -n 4p "$SC_TMP/out")"
wait_until "grep -q '<- 127.0.0.1:$cport inode' '$SC_TMP/main.out'"
assert_eq "the server accepted that port" 1 \
	"$(count_lines "^accepted tcp $S <- 127\.0\.0\.1:$cport inode [0-9]+$" "$SC_TMP/main.out")"

# --closer=client (the default): the client's side is in TIME-WAIT
wait_until '[ "$(tw "127.0.0.1:$cport" "$S")" -eq 1 ]'
assert_eq "--closer=client: the client's side in TIME-WAIT" 1 "$(tw "127.0.0.1:$cport" "$S")"
assert_eq "--closer=client: not the server's" 0 "$(tw "$S" "127.0.0.1:$cport")"
assert_eq "the server saw the client close" 1 \
	"$(count_lines "^closed tcp $S <- 127\.0\.0\.1:$cport inode [0-9]+ \(by peer\)$" "$SC_TMP/main.out")"

# --closer=server: "quit", the server closes first, its side in TIME-WAIT
run_sc connect tcp "127.0.0.1:$P" --closer=server
assert_eq "--closer=server exits 0" 0 "$SC_RC"
cport=$(sed -nE "1s/^connected tcp 127\.0\.0\.1:([0-9]+) -> .*/\1/p" "$SC_TMP/out")
assert_eq "--closer=server: closed (server first)" 1 \
	"$(count_lines "^closed tcp 127\.0\.0\.1:$cport -> $S inode [0-9]+ \(server first\)$" "$SC_TMP/out")"
wait_until '[ "$(tw "$S" "127.0.0.1:$cport")" -eq 1 ]'
assert_eq "--closer=server: the server's side in TIME-WAIT" 1 "$(tw "$S" "127.0.0.1:$cport")"
assert_eq "--closer=server: not the client's" 0 "$(tw "127.0.0.1:$cport" "$S")"
assert_eq "the server says it closed first" 1 \
	"$(count_lines "<- 127\.0\.0\.1:$cport inode [0-9]+ \(by server\)$" "$SC_TMP/main.out")"

# ---- several connections, several pings -------------------------------------------
run_sc connect tcp ":$P" -n 3 --count 2 --interval 50ms
assert_eq "-n 3 --count 2: exit 0" 0 "$SC_RC"
assert_eq "-n 3 --count 2: counts" "3 connection(s), 6 ping(s), 6 reply(ies)" \
	"$(summary_counts "$SC_TMP/out")"
assert_eq "three connected lines" 3 "$(count_lines "^connected tcp 127\.0\.0\.1:[0-9]+ -> $S inode [0-9]+$" "$SC_TMP/out")"
assert_eq "six replies" 6 "$(count_lines "^reply from $S: pong in [0-9]+\.[0-9]{3} us$" "$SC_TMP/out")"
assert_eq "three distinct inodes" 3 "$(awk '/^connected /{ print $NF }' "$SC_TMP/out" | sort -u | wc -l)"
awk '/^connected /{ print $3, $NF }' "$SC_TMP/out" | sort >"$SC_TMP/conn"
awk '/^closed /{ print $3, $7 }' "$SC_TMP/out" | sort >"$SC_TMP/closed"
assert_same_lines "each connection is closed once, same address and inode" \
	"$SC_TMP/conn" "$SC_TMP/closed"
# the summary's numbers agree with the reply lines
awk '/^reply /{ print $(NF - 1) }' "$SC_TMP/out" | sort -n >"$SC_TMP/rtts"
want="$(head -n 1 "$SC_TMP/rtts")/$(tail -n 1 "$SC_TMP/rtts")"
got=$(tail -n 1 "$SC_TMP/out" | sed -E 's|.* = ([0-9.]+)/[0-9.]+/([0-9.]+) us$|\1/\2|')
assert_eq "rtt min and max are the replies' extremes" "$want" "$got"

# Connections held open: the listing shows their inodes.
"$SOCKSCOPE" connect tcp ":$P" -n 3 --duration 60s --interval 30s >"$SC_TMP/held.out" 2>&1 &
cpid=$!
SC_PIDS="$SC_PIDS $cpid"
wait_until '[ "$(count_lines "^reply " "$SC_TMP/held.out")" -eq 3 ]' ||
	fail "three replies while held" 3 "$(cat "$SC_TMP/held.out")"
"$SOCKSCOPE" -tane -H >"$SC_TMP/list" 2>&1
awk '/^connected /{ print $3, $NF }' "$SC_TMP/held.out" | sort >"$SC_TMP/want"
awk -v s="$S" '$1 == "ESTAB" && $5 == s {
	for (i = 6; i <= NF; i++) if ($i ~ /^ino:/) print $4, substr($i, 5) }' \
	"$SC_TMP/list" | sort >"$SC_TMP/got"
assert_same_lines "the connected lines' inodes are the listing's" "$SC_TMP/want" "$SC_TMP/got"
stop "$cpid" INT
assert_eq "SIGINT: exit 0" 0 "$STOP_RC"
assert_eq "SIGINT: closed, summary" "3 3 connection(s), 3 ping(s), 3 reply(ies)" \
	"$(count_lines '\(client first\)$' "$SC_TMP/held.out") $(summary_counts "$SC_TMP/held.out")"

# --duration without --count pings every interval until it ends: at 0,
# 200, 400, 600 and 800 ms
t0=$(date +%s%N)
run_sc connect tcp ":$P" --duration=1s --interval=200ms
t1=$(date +%s%N)
assert_eq "--duration 1s --interval 200ms: exit 0" 0 "$SC_RC"
assert_eq "--duration 1s --interval 200ms: five pings" \
	"1 connection(s), 5 ping(s), 5 reply(ies)" "$(summary_counts "$SC_TMP/out")"
[ $(((t1 - t0) / 1000000)) -ge 1000 ] && pass "--duration: open for 1 s" ||
	fail "--duration: open for 1 s" ">= 1000 ms" "$(((t1 - t0) / 1000000)) ms"
# --count and --duration: the pings, then open until the end
t0=$(date +%s%N)
run_sc connect tcp ":$P" --duration=700ms --count=2 --interval=100ms -q
t1=$(date +%s%N)
assert_eq "--count 2 --duration: two pings, quiet" \
	"1 connection(s), 2 ping(s), 2 reply(ies)" "$(summary_counts "$SC_TMP/out")"
assert_eq "-q: the summary line only" 1 "$(wc -l <"$SC_TMP/out")"
[ $(((t1 - t0) / 1000000)) -ge 700 ] && pass "--count with --duration: held to the end" ||
	fail "--count with --duration: held to the end" ">= 700 ms" "$(((t1 - t0) / 1000000)) ms"
# --count=0: connect and close
run_sc connect tcp ":$P" --count=0
assert_eq "--count=0" "1 connection(s), 0 ping(s), 0 reply(ies), rtt min/avg/max = -/-/- us" \
	"$(tail -n 1 "$SC_TMP/out")"

# ---- IPv6, udp, and Unix kinds ------------------------------------------------------
start_serve v6 tcp '[::1]:0'
run_sc connect tcp "[::1]:$SERVE_PORT" --closer=server
assert_eq "IPv6: exit 0" 0 "$SC_RC"
assert_eq "IPv6: the lines" "1 1 1" \
	"$(count_lines "^connected tcp \[::1\]:[0-9]+ -> \[::1\]:$SERVE_PORT inode [0-9]+$" "$SC_TMP/out") $(count_lines "^reply from \[::1\]:$SERVE_PORT: pong in " "$SC_TMP/out") $(count_lines '\(server first\)$' "$SC_TMP/out")"
c6=$(sed -nE '1s/^connected tcp \[::1\]:([0-9]+) .*/\1/p' "$SC_TMP/out")
wait_until '[ "$(tw "[::1]:$SERVE_PORT" "[::1]:$c6")" -eq 1 ]'
assert_eq "IPv6 --closer=server: the server's side in TIME-WAIT" 1 "$(tw "[::1]:$SERVE_PORT" "[::1]:$c6")"
stop "$SERVE_PID"

start_serve udp udp 0
run_sc connect udp ":$SERVE_PORT" -n 2 --count 3 --interval 10ms
assert_eq "udp: exit 0" 0 "$SC_RC"
assert_eq "udp: counts" "2 connection(s), 6 ping(s), 6 reply(ies)" "$(summary_counts "$SC_TMP/out")"
assert_eq "udp: connected lines" 2 \
	"$(count_lines "^connected udp 127\.0\.0\.1:[0-9]+ -> 127\.0\.0\.1:$SERVE_PORT inode [0-9]+$" "$SC_TMP/out")"
udp_port=$SERVE_PORT
stop "$SERVE_PID"

for type in stream dgram seqpacket; do
	start_serve "u$type" unix "$SC_TMP/$type.sock" --type=$type
	run_sc connect unix "$SC_TMP/$type.sock" --type=$type --count 2 --interval 10ms
	assert_eq "unix $type: exit 0" 0 "$SC_RC"
	assert_eq "unix $type: counts" "1 connection(s), 2 ping(s), 2 reply(ies)" \
		"$(summary_counts "$SC_TMP/out")"
	if [ "$type" = dgram ]; then
		# an autobound name, so the server can answer
		local_re='@[0-9a-f]{5}'
	else
		local_re='\*'
	fi
	assert_eq "unix $type: connected line" 1 \
		"$(count_lines "^connected unix $local_re -> $SC_TMP/$type\.sock inode [0-9]+$" "$SC_TMP/out")"
	if [ "$type" != dgram ]; then
		run_sc connect unix "$SC_TMP/$type.sock" --type=$type --closer=server
		assert_eq "unix $type --closer=server" 1 "$(count_lines '\(server first\)$' "$SC_TMP/out")"
	fi
	stop "$SERVE_PID"
done
start_serve abs unix "@sockscope-connect-$$"
run_sc connect unix "@sockscope-connect-$$"
assert_eq "abstract: reply" 1 "$(count_lines "^reply from @sockscope-connect-$$: pong in " "$SC_TMP/out")"
stop "$SERVE_PID"

# ---- failures: one clear line, exit 1 ---------------------------------------------
start_serve gone tcp 0
gone=$SERVE_PORT
stop "$SERVE_PID"
run_sc connect tcp ":$gone"
assert_eq "refused: exit 1" 1 "$SC_RC"
assert_eq "refused: the line" "sockscope connect: cannot connect to 127.0.0.1:$gone: Connection refused" \
	"$(cat "$SC_TMP/err")"
assert_eq "refused: nothing on stdout" "" "$(cat "$SC_TMP/out")"
run_sc connect unix "$SC_TMP/none.sock"
assert_eq "no such socket: exit 1 and the line" \
	"1 sockscope connect: cannot connect to $SC_TMP/none.sock: No such file or directory" \
	"$SC_RC $(cat "$SC_TMP/err")"
run_sc connect unix "$SC_TMP/dgram.sock.missing" --type=dgram
assert_eq "no such datagram socket: exit 1" 1 "$SC_RC"

start_serve wrongtype unix "$SC_TMP/wt.sock" --type=dgram
run_sc connect unix "$SC_TMP/wt.sock"
assert_eq "wrong type: exit 1 and the line" \
	"1 sockscope connect: cannot connect to $SC_TMP/wt.sock: Protocol wrong type for socket" \
	"$SC_RC $(cat "$SC_TMP/err")"
stop "$SERVE_PID"

# a server that never accepts: TCP connects, but no reply comes
start_serve noacc tcp 0 --no-accept
run_sc connect tcp ":$SERVE_PORT" --timeout=300ms
assert_eq "no reply: exit 1" 1 "$SC_RC"
assert_eq "no reply: the line" "sockscope connect: no reply from 127.0.0.1:$SERVE_PORT within 300ms" \
	"$(cat "$SC_TMP/err")"
assert_eq "no reply: summary" "1 connection(s), 1 ping(s), 0 reply(ies), rtt min/avg/max = -/-/- us" \
	"$(tail -n 1 "$SC_TMP/out")"
assert_eq "no reply: still closed" 1 "$(count_lines '\(client first\)$' "$SC_TMP/out")"
stop "$SERVE_PID"

# nobody on the udp port any more: the kernel's refusal is the reason
run_sc connect udp ":$udp_port"
assert_eq "udp refused: exit 1 and the line" \
	"1 sockscope connect: no reply from 127.0.0.1:$udp_port: Connection refused" \
	"$SC_RC $(cat "$SC_TMP/err")"

# a Unix listener with a full backlog: connect() times out
start_serve full unix "$SC_TMP/full.sock" --no-accept --backlog=0
run_sc connect unix "$SC_TMP/full.sock" -n 3 --count 0 --timeout 300ms
assert_eq "full backlog: exit 1" 1 "$SC_RC"
assert_eq "full backlog: the line" \
	"sockscope connect: cannot connect to $SC_TMP/full.sock: timed out after 300ms" \
	"$(cat "$SC_TMP/err")"
assert_eq "full backlog: what was made is closed" \
	"$(count_lines '^connected ' "$SC_TMP/out")" "$(count_lines '^closed ' "$SC_TMP/out")"
stop "$SERVE_PID"

# the server closes an idle connection between two pings
start_serve idle tcp 0 --idle-timeout=200ms
run_sc connect tcp ":$SERVE_PORT" --count 2 --interval 3s
assert_eq "closed by the server: exit 1" 1 "$SC_RC"
assert_eq "closed by the server: the line" \
	"sockscope connect: 127.0.0.1:$SERVE_PORT closed the connection" "$(cat "$SC_TMP/err")"
assert_eq "closed by the server: server first, one ping" \
	"1 1 connection(s), 1 ping(s), 1 reply(ies)" \
	"$(count_lines '\(server first\)$' "$SC_TMP/out") $(summary_counts "$SC_TMP/out")"
stop "$SERVE_PID"

# ---- usage errors ---------------------------------------------------------------------
check_usage() {
	local want=$1
	shift
	run_sc connect "$@"
	assert_eq "connect $*: exit 2" 2 "$SC_RC"
	assert_eq "connect $*: message" "sockscope connect: $want
Try 'sockscope connect --help' for more information." "$(cat "$SC_TMP/err")"
}
check_usage "missing socket kind (tcp, udp or unix)"
check_usage "tcp needs [ADDR:]PORT" tcp
check_usage "invalid port '0' (expected a whole number from 1 to 65535)" tcp 0
check_usage "unix needs a socket path or @NAME to connect to" unix
check_usage "--closer=server needs a connection (tcp, or unix stream or seqpacket)" \
	udp ":$P" --closer=server
check_usage "--closer=server needs a connection (tcp, or unix stream or seqpacket)" \
	unix "$SC_TMP/x" --type=dgram --closer=server
check_usage "invalid --closer 'both' (expected client or server)" tcp ":$P" --closer=both
check_usage "invalid --connections '0' (expected a whole number from 1 to 1000)" tcp ":$P" -n 0
check_usage "invalid --connections '1001' (expected a whole number from 1 to 1000)" tcp ":$P" -n 1001
check_usage "--type applies to unix sockets only" tcp ":$P" --type=dgram
check_usage "--timeout must be at least 1ms" tcp ":$P" --timeout=0
check_usage "unrecognized option '--bogus'" --bogus tcp ":$P"
check_usage "invalid option -- 'z'" -z tcp ":$P"
check_usage "option requires an argument -- 'n'" tcp ":$P" -n

run_sc connect --help
assert_eq "--help exits 0" 0 "$SC_RC"
for opt in --connections --count --interval --duration --closer --type --timeout --quiet --help; do
	grep -q -- "$opt" "$SC_TMP/out" && pass "--help mentions $opt" || fail "--help mentions $opt"
done
assert_eq "--help fits 80 columns" "" "$(awk 'length > 80' "$SC_TMP/out")"

stop "$(printf '%s\n' $SC_PIDS | head -n 1)"
assert_eq "the main server exits 0" 0 "$STOP_RC"

sc_done
