#!/bin/bash
# demo_tui.sh - sockscope demo on a terminal (tmux) runs in the live view:
# the table holds only the demo's sockets, refreshed as the steps happen;
# each step's narration sits below it; the sockets a step is about are
# marked (cyan); the inodes narrated are the ones ss -e shows; accept()'s
# new socket is nested under its listener; the summary marks the TIME-WAIT
# socket; s goes on, q quits with status 0 and restores the terminal;
# --text keeps the printed timeline.
. "$(dirname "$0")/lib.sh"

command -v tmux >/dev/null 2>&1 || {
	echo "SKIP: $SC_NAME: tmux is needed to drive the TUI"
	exit 77
}
command -v ss >/dev/null 2>&1 || {
	echo "SKIP: $SC_NAME: ss(8) is needed for the comparison"
	exit 77
}

. "$(dirname "$0")/tmux.bash"
TM="tmux -S $SC_TMP/tmux"
TM_SESSION=demo
# the gutter before a row: the mark, or two spaces
G='(> |▶ |  )'
trap '$TM kill-server 2>/dev/null; sc_cleanup' EXIT

# Whether the first line matching PATTERN (a table row) has the mark in
# its gutter ("> ", or U+25B6 in a UTF-8 locale).
marked() {
	cap | grep -E -- "$1" | head -1 | grep -qE '^(> |▶ )'
}

# Whether that line is also drawn in the mark's colour (cyan: SGR 36),
# for a line that is not the selected one (reverse video).
cyan() {
	local n
	n=$(cap | grep -nE -- "$1" | head -1 | cut -d: -f1)
	[ -n "$n" ] && cape | sed -n "${n}p" | grep -q '36m'
}

$TM new-session -d -s demo -x 132 -y 50 \
	"printf 'before-demo\n'; TERM=xterm-256color $SOCKSCOPE demo --step 60s; echo EXIT=\$? >$SC_TMP/exit; sleep 600"

WHAT="the demo opens in the live view with its introduction"
check wait_for '^ The demo: a TCP connection$'
WHAT="the introduction names the two processes"
check wait_for '^The server is pid [0-9]+ \(demo-server\), the client pid [0-9]+ \(demo-client\)\.$'
read -r spid cpid < <(cap | sed -n 's/^The server is pid \([0-9]*\) (demo-server), the client pid \([0-9]*\) (demo-client)\.$/\1 \2/p')
WHAT="before listen() the table is empty"
check wait_for 'no socket matches the filter'

# ---- [1] listen ------------------------------------------------------------
$TM send-keys -t demo s
WHAT="s goes on to step 1, listen()"
check wait_for '^ \[1\] socket\(\), bind\(\), listen\(\)'
WHAT="the listener is in the table, held by demo-server"
check wait_for "^$G +tcp +LISTEN +0 +[0-9]+ 127\.0\.0\.1:[0-9]+ +0\.0\.0\.0:\* +users:\(\(\"demo-server\",pid=$spid,fd=[0-9]+\)\)$"
port=$(cap | sed -n 's/^.. *tcp *LISTEN .*127\.0\.0\.1:\([0-9]*\) .*/\1/p' | head -1)
WHAT="the table is filtered to the demo's port"
check wait_for "filter:sport = :$port or dport = :$port"
lino=$(cap | sed -n 's/^ *inode \([0-9]*\), accept queue 0 of [0-9]*$/\1/p' | head -1)
ssino=$(ss -tlnHe "sport = :$port" | sed -n 's/.* ino:\([0-9]*\) .*/\1/p' | head -1)
assert_eq "the narrated listener inode is the one ss -e shows" "$ssino" "$lino"

# ---- [2] connect, [3] accept -----------------------------------------------
$TM send-keys -t demo s
WHAT="step 2, connect()"
check wait_for '^ \[2\] connect\(\)'
WHAT="the queued connection is in the table, held by no process yet"
check wait_for "tcp +ESTAB +[0-9]+ +[0-9]+ 127\.0\.0\.1:$port +127\.0\.0\.1:[0-9]+ +-$"
$TM send-keys -t demo s
WHAT="step 3, accept()"
check wait_for '^ \[3\] accept\(\)'
WHAT="the accepted socket is nested under its listener"
check wait_for "^$G(└─|\`-) tcp +ESTAB +[0-9]+ +[0-9]+ 127\.0\.0\.1:$port +127\.0\.0\.1:[0-9]+ +users:\(\(\"demo-server\",pid=$spid,fd=[0-9]+\)\)$"
WHAT="the client's socket is listed, held by demo-client"
check wait_for "^$G +tcp +ESTAB +[0-9]+ +[0-9]+ 127\.0\.0\.1:[0-9]+ +127\.0\.0\.1:$port +users:\(\(\"demo-client\",pid=$cpid,fd=[0-9]+\)\)$"
aino=$(cap | sed -n 's/^ *=> the accepted socket is inode \([0-9]*\);.*/\1/p')
cport=$(cap | sed -n "s/^.. *tcp *ESTAB .*127\.0\.0\.1:\([0-9]*\) *127\.0\.0\.1:$port .*/\1/p" | head -1)
ssaino=$(ss -tnHe "sport = :$port and dport = :$cport" | sed -n 's/.* ino:\([0-9]*\) .*/\1/p')
assert_eq "the narrated accepted inode is the one ss -e shows" "$ssaino" "$aino"
WHAT="the listener's row is marked"
check marked "LISTEN +0 +[0-9]+ 127\.0\.0\.1:$port "
WHAT="the accepted socket's row is marked"
check marked "127\.0\.0\.1:$port +127\.0\.0\.1:$cport"
WHAT="the client's row is marked"
check marked "127\.0\.0\.1:$cport +127\.0\.0\.1:$port"
# the selection (reverse video) hides the colour: move it down to the
# client's line and look at the accepted socket's
$TM send-keys -t demo j j
sleep 0.5
WHAT="the accepted socket's row is drawn in the mark's colour"
check cyan "127\.0\.0\.1:$port +127\.0\.0\.1:$cport"
WHAT="the event log has the accepted socket's birth, in the queue (no holder)"
check wait_for "^[0-9:]{8} born +tcp +ESTAB +127\.0\.0\.1:$port 127\.0\.0\.1:$cport$"

# ---- on to the summary -----------------------------------------------------
# each s shows the next step, until the summary
step=3
while ((step < 12)) && ! cap | grep -q '^ Summary'; do
	$TM send-keys -t demo s
	next=$((step + 1))
	wait_for "^ \[$next\] |^ Summary"
	cap | grep -qE "^ \[$next\] " && step=$next
done
assert_eq "the TCP demo tells 8 steps" 8 "$step"
WHAT="the summary follows the last step"
check wait_for '^ Summary, as the kernel showed it \(q quits\)$'
WHAT="the client's TIME-WAIT socket stays in the table"
check wait_for "^$G +tcp +TIME-WAIT +0 +0 127\.0\.0\.1:$cport +127\.0\.0\.1:$port +-$"
WHAT="and is marked"
check marked 'TIME-WAIT'
# (a refresh may catch it in FIN-WAIT-1 or FIN-WAIT-2 on the way)
WHAT="the event log shows the client's change to TIME-WAIT"
check wait_for "^[0-9:]{8} state tcp +(ESTAB|FIN-WAIT-1|FIN-WAIT-2)(→|->)TIME-WAIT +127\.0\.0\.1:$cport 127\.0\.0\.1:$port"
WHAT="s at the summary does not end the demo"
$TM send-keys -t demo s
sleep 0.5
check wait_for '^ Summary, as the kernel showed it'

$TM send-keys -t demo q
for ((i = 0; i < 100; i++)); do
	[ -s "$SC_TMP/exit" ] && break
	sleep 0.1
done
assert_eq "q ends the demo with status 0" "EXIT=0" "$(cat "$SC_TMP/exit" 2>/dev/null)"
WHAT="the terminal is restored (the text before the demo is back)"
check wait_for '^before-demo$'
WHAT="the demo's processes are gone"
check test -z "$(ps -o pid= -p "$spid,$cpid" 2>/dev/null)"

# ---- --text on a terminal -------------------------------------------------
# a tmux server of its own: the dying one could take the new session down
$TM kill-server 2>/dev/null
TM="tmux -S $SC_TMP/tmux2"
rm -f "$SC_TMP/exit"
$TM new-session -d -s demo -x 132 -y 50 \
	"TERM=xterm-256color $SOCKSCOPE demo unix --text --step 1s; echo EXIT=\$? >$SC_TMP/exit; sleep 600"
for ((i = 0; i < 600; i++)); do
	[ -s "$SC_TMP/exit" ] && break
	sleep 0.1
done
assert_eq "demo --text on a terminal exits 0" "EXIT=0" "$(cat "$SC_TMP/exit" 2>/dev/null)"
WHAT="demo --text prints the timeline rather than the live view"
check wait_for '^Summary, as the kernel showed it:$'

out=$("$SOCKSCOPE" demo --color=bogus 2>&1 >/dev/null)
rc=$?
assert_eq "--color=bogus is a usage error" \
	"2:sockscope demo: invalid --color 'bogus' (expected auto, always or never)" \
	"$rc:$(head -1 <<<"$out")"

sc_done
