#!/bin/bash
# tui.sh - the live TUI driven in tmux inside the private netns: the table
# shows the expected rows; a connection opened during the run appears
# highlighted (bold) and in the event log; when it closes, the server's
# end becomes a dim tomb, then goes, and the client's end changes state to
# TIME-WAIT; sort keys reorder the rows, search moves the selection; the
# tree nests the accepted connection under its listener; a Unix path with
# an escape sequence shows escaped; the layout survives a resize to 80x24;
# q exits 0 and restores the terminal; --color=never draws no colour.
# --all-netns: this test must see its own namespaces only
SC_PRIVATE_HOST=1
. "$(dirname "$0")/lib.sh"

command -v tmux >/dev/null 2>&1 || {
	echo "SKIP: $SC_NAME: tmux is needed to drive the TUI"
	exit 77
}

. "$(dirname "$0")/tmux.bash"
TM_N=0
TM="tmux -S $SC_TMP/tmux.$TM_N"
TM_SESSION=tui
ESC=$(printf '\033')
cleanup_tmux() {
	local s
	for s in "$SC_TMP"/tmux.*; do
		[ -S "$s" ] && tmux -S "$s" kill-server 2>/dev/null
	done
	sc_cleanup
}
trap cleanup_tmux EXIT

# tui_start ARGS...: run sockscope tui ARGS in a 120x30 tmux pane; its
# exit status lands in $SC_TMP/exit.
tui_start() {
	rm -f "$SC_TMP/exit"
	$TM kill-server 2>/dev/null
	# each run its own tmux server: a dying one cannot take the next
	TM_N=$((TM_N + 1))
	TM="tmux -S $SC_TMP/tmux.$TM_N"
	$TM new-session -d -s tui -x 120 -y 30 \
		"printf 'before-tui\n'; TERM=xterm-256color $SOCKSCOPE tui $*; echo EXIT=\$? >$SC_TMP/exit; sleep 600"
}

# ---- a listener, then the TUI on TCP sockets ------------------------------
"$SOCKSCOPE" serve -q tcp 127.0.0.1:7001 >"$SC_TMP/serve.out" 2>&1 &
SC_PIDS="$SC_PIDS $!"
for ((i = 0; i < 50; i++)); do
	[ -s "$SC_TMP/serve.out" ] && break
	sleep 0.1
done

tui_start -n -t -d 3 --color=always
WHAT="the table shows the listener" check \
	wait_for '^tcp +LISTEN +0 +128 +127\.0\.0\.1:7001 +0\.0\.0\.0:\* +users:\(\("[^"]+",pid=[0-9]+,fd=[0-9]+\)\)$'
WHAT="the header names the columns" check \
	wait_for '^Netid State +Recv-Q Send-Q Local Address:Port +Peer Address:Port +Process$'
WHAT="the title counts the sockets" check wait_for '^ sockscope  1 sockets  \[All\]  TCP  UDP  Unix'

# ---- a connection is born ---------------------------------------------------
# it stays until the test stops it (SIGTERM: the client closes first)
"$SOCKSCOPE" connect tcp 127.0.0.1:7001 --duration=10m --interval=10m \
	>"$SC_TMP/conn.out" 2>&1 &
conn=$!
WHAT="the new connection appears" check \
	wait_for '^tcp +ESTAB +0 +0 +127\.0\.0\.1:[0-9]+ +127\.0\.0\.1:7001 +users:'
cport=$(cap | sed -n 's/^tcp *ESTAB *0 *0 *127\.0\.0\.1:\([0-9]*\) *127\.0\.0\.1:7001 .*/\1/p' | head -1)
# born: drawn bold (and green) for a few refreshes
born=$(cape | grep -F "127.0.0.1:$cport" | grep -F '127.0.0.1:7001 ' | head -1)
if [[ $born == *"${ESC}[1m"* ]] || [[ $born == *"${ESC}[32m"* ]] ||
	[[ $born == *"${ESC}[1;"* ]]; then
	pass "the new connection is highlighted"
else
	fail "the new connection is highlighted" "bold or green" "$born"
fi
WHAT="the event log has its birth" check \
	wait_for "^[0-9]{2}:[0-9]{2}:[0-9]{2} born +tcp +ESTAB +127\.0\.0\.1:$cport 127\.0\.0\.1:7001 users:"
WHAT="the accepted end is born too" check \
	wait_for "^[0-9]{2}:[0-9]{2}:[0-9]{2} born +tcp +ESTAB +127\.0\.0\.1:7001 127\.0\.0\.1:$cport users:"

# ---- sort and search (while both ends are there) ----------------------------
# > steps the sort column: netid, state, recv_q, send_q, local
$TM send-keys -t tui '>' '>' '>' '>' '>'
WHAT="the header marks the sort column" check wait_for '^Netid State +Recv-Q Send-Q Local Address:Port\+'
rows=$(cap | sed -n '3,5p' | awk '{ print $5 }' | tr '\n' ' ')
assert_eq "sorted by local address: 7001 twice, then the client's port" \
	"127.0.0.1:7001 127.0.0.1:7001 127.0.0.1:$cport " "$rows"
$TM send-keys -t tui I
WHAT="I inverts the order" check wait_for '^ sockscope .*sort:local \(inverted\)'
rows=$(cap | sed -n '3,5p' | awk '{ print $5 }' | tr '\n' ' ')
assert_eq "inverted: the client's port first" \
	"127.0.0.1:$cport 127.0.0.1:7001 127.0.0.1:7001 " "$rows"
$TM send-keys -t tui '/' "$cport" Enter
# (under valgrind the redraw takes a while)
sel_on_cport() {
	sel=$(cape | grep -F "${ESC}[7m" | head -1)
	[[ $sel == *"127.0.0.1:$cport"*"127.0.0.1:7001"* ]]
}
if WAIT_TENTHS=100 wait_until sel_on_cport; then
	pass "search selects the row holding the text"
else
	fail "search selects the row holding the text" "reverse video on :$cport" "$sel"
fi

# ---- the tree ------------------------------------------------------------------
$TM send-keys -t tui '<' '<' '<' '<' '<' I t
WHAT="the tree nests the accepted connection under its listener" check \
	wait_for "^(└─|\`-) tcp +ESTAB +0 +0 +127\.0\.0\.1:7001 +127\.0\.0\.1:$cport "
listener_line=$(cap | grep -nE '^   tcp +LISTEN .*127\.0\.0\.1:7001 ' | cut -d: -f1)
child_line=$(cap | grep -nE "^(└─|\`-) tcp +ESTAB .*127\.0\.0\.1:7001 +127\.0\.0\.1:$cport " | cut -d: -f1)
assert_eq "the child comes right after its listener" "$((listener_line + 1))" "${child_line:-none}"
$TM send-keys -t tui t

# ---- the connection closes: a tomb, a state change, then gone ------------------
kill -TERM "$conn"
wait "$conn"
# (with its holders when the last refresh still saw them: the server can
# close its end between the kernel's dump and the read of /proc)
WHAT="the server's end dies (event)" check \
	wait_for "^[0-9:]{8} died +tcp +[A-Z-]+ +127\.0\.0\.1:7001 127\.0\.0\.1:$cport( |$)"
# (a slow refresh may catch it in FIN-WAIT-1 on the way: two changes)
WHAT="the client's end changes to TIME-WAIT (event)" check \
	wait_for "^[0-9:]{8} state +tcp +(ESTAB|FIN-WAIT-1)(→|->)(FIN-WAIT-2|TIME-WAIT) +127\.0\.0\.1:$cport 127\.0\.0\.1:7001"
WHAT="the client's end shows TIME-WAIT" check \
	wait_for "^tcp +TIME-WAIT +0 +0 +127\.0\.0\.1:$cport +127\.0\.0\.1:7001"
WHAT="the server's end is gone from the table after its tomb" check \
	wait_gone "^tcp +[A-Z-]+ +[0-9]+ +[0-9]+ +127\.0\.0\.1:7001 +127\.0\.0\.1:$cport "

# ---- resize to 80x24 -----------------------------------------------------------
$TM resize-window -t tui -x 80 -y 24 2>/dev/null ||
	$TM resize-pane -t tui -x 80 -y 24
sleep 1
lines=$(cap | wc -l)
assert_eq "80x24: 24 lines" 24 "$lines"
assert_eq "80x24: the title is on the first line" " sockscope" \
	"$(cap | head -1 | cut -c1-10)"
WHAT="80x24: the header is on the second line" check \
	test "$(cap | sed -n 2p | cut -c1-12)" = "Netid State "
assert_eq "80x24: the footer is on the last line" "F1 Help" \
	"$(cap | tail -1 | cut -c1-7)"
long=$(cap | awk 'length($0) > 80' | wc -l)
assert_eq "80x24: no line is wider than 80 columns" 0 "$long"

# ---- q quits with 0 and restores the screen ------------------------------------
$TM send-keys -t tui q
for ((i = 0; i < 50; i++)); do
	[ -s "$SC_TMP/exit" ] && break
	sleep 0.1
done
assert_eq "q exits with status 0" "EXIT=0" "$(cat "$SC_TMP/exit" 2>/dev/null)"
screen=$(cap)
if [[ $screen == *before-tui* ]] && [[ $screen != *" sockscope  "* ]]; then
	pass "the terminal is restored (the TUI's screen is gone)"
else
	fail "the terminal is restored" "before-tui, no TUI title" "$screen"
fi

# ---- a hostile Unix path, monochrome -------------------------------------------
hostile="$SC_TMP/h${ESC}[31mred
x.sock"
"$SOCKSCOPE" serve -q unix "$hostile" >"$SC_TMP/userve.out" 2>&1 &
SC_PIDS="$SC_PIDS $!"
for ((i = 0; i < 50; i++)); do
	[ -s "$SC_TMP/userve.out" ] && break
	sleep 0.1
done
tui_start -x -l -d 3 --color=never
WHAT="the escape sequence in the path shows escaped" check \
	wait_for 'h\\e\[31mred\\nx\.sock'
raw=$(cape)
if [[ $raw == *"${ESC}[31m"* ]]; then
	fail "no raw escape sequence (and no colour) reaches the screen" \
		"no ESC[31m" "$(printf '%s' "$raw" | grep -F "${ESC}[31m" | head -1 | cat -v)"
else
	pass "no raw escape sequence (and no colour) reaches the screen"
fi
if printf '%s' "$raw" | grep -qE "${ESC}\[(3[0-7]|9[0-7]|38;)"; then
	fail "--color=never: a monochrome screen" "no colour SGR" \
		"$(printf '%s' "$raw" | grep -E "${ESC}\[(3[0-7]|38;)" | head -1 | cat -v)"
else
	pass "--color=never: a monochrome screen"
fi
$TM send-keys -t tui q
for ((i = 0; i < 50; i++)); do
	[ -s "$SC_TMP/exit" ] && break
	sleep 0.1
done
assert_eq "q exits with status 0 (second run)" "EXIT=0" "$(cat "$SC_TMP/exit" 2>/dev/null)"

# ---- --all-netns: the namespace and container columns, the netns filter --------
NS=sockscope-tui-$$
if ip netns add "$NS" 2>/dev/null; then
	ip netns exec "$NS" ip link set lo up
	ip netns exec "$NS" "$SOCKSCOPE" serve -q tcp 127.0.0.1:7002 \
		>"$SC_TMP/ns-serve.out" 2>&1 &
	nspid=$!
	for ((i = 0; i < 50; i++)); do
		[ -s "$SC_TMP/ns-serve.out" ] && break
		sleep 0.1
	done
	tui_start --all-netns -tln
	WHAT="--all-netns: Netns and Container come first" check \
		wait_for '^Netns +Container +Netid +State'
	# (the 120 columns cut the holder: under valgrind its name is longer)
	WHAT="--all-netns: the other namespace's listener, under its name" check \
		wait_for "^$NS +- +tcp +LISTEN +0 +128 127\.0\.0\.1:7002 +0\.0\.0\.0:\* +users:\(\(\""
	WHAT="--all-netns: the test's own listener, under its namespace's inode" check \
		wait_for "^[0-9]+ +- +tcp +LISTEN +0 +128 127\.0\.0\.1:7001 "
	$TM send-keys -t tui '\' "netns = $NS" Enter
	WHAT="the netns filter keeps that namespace's sockets only" check \
		wait_gone '127\.0\.0\.1:7001 '
	WHAT="the netns filter shows in the title" check \
		wait_for "filter:netns = $NS"
	$TM send-keys -t tui q
	kill "$nspid" 2>/dev/null
	wait "$nspid" 2>/dev/null
	ip netns del "$NS"
else
	echo "note: ip netns add is not permitted here: the --all-netns part is skipped"
fi

# ---- usage errors ------------------------------------------------------------------
run_sc tui -s
assert_eq "tui -s is a usage error" \
	"2:sockscope: the TUI shows the live sockets; it cannot be combined with -s, --count-by, --json, --explain, --record or --replay" \
	"$SC_RC:$(head -1 "$SC_TMP/err")"
run_sc -d 5
assert_eq "-d without the TUI is a usage error" \
	"2:sockscope: -d sets the TUI's refresh interval; use it with --tui or 'sockscope tui'" \
	"$SC_RC:$(head -1 "$SC_TMP/err")"
run_sc tui -d 0
assert_eq "tui -d 0 is a usage error" \
	"2:sockscope: invalid -d/--delay '0' (expected a whole number from 1 to 36000)" \
	"$SC_RC:$(head -1 "$SC_TMP/err")"
run_sc tui </dev/null
assert_eq "tui without a terminal fails with one line" \
	"1:sockscope: the TUI needs a terminal on standard input and output" \
	"$SC_RC:$(head -1 "$SC_TMP/err")"

sc_done
