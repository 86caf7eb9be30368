#!/bin/bash
# kill.sh - sockscope -K: the dry run lists what would be closed and
# closes nothing; with --yes exactly the matching connection is closed,
# listed, and its peer sees a reset while the other connection lives on;
# TIME-WAIT closed when selected; the message without CAP_NET_ADMIN; usage
# errors.
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null 2>&1 || { echo "SKIP: kill.sh needs python3"; exit 77; }

WAIT_TENTHS=300


usage_err() {
	local what=$1 want=$2
	shift 2
	run_sc "$@"
	assert_eq "$what: exit 2" 2 "$SC_RC"
	assert_eq "$what: message" "sockscope: $want" "$(head -n 1 "$SC_TMP/err")"
}
usage_err "-K -x" "-K closes TCP and UDP sockets; Unix sockets cannot be closed from outside (drop -x)" -K -x
usage_err "-K -tx" "-K closes TCP and UDP sockets; Unix sockets cannot be closed from outside (drop -x)" -K -t -x
usage_err "--yes alone" "--yes confirms -K; use it with -K" --yes
usage_err "-K --backend=proc" "-K closes live sockets found through sock_diag; it cannot be combined with -s, --count-by, --tui, --replay or --backend=proc" -K --backend=proc
usage_err "-K -s" "-K closes live sockets found through sock_diag; it cannot be combined with -s, --count-by, --tui, --replay or --backend=proc" -K -s
usage_err "-K --events" "--events prints one line per event; it cannot be combined with -s, -e, -i, -m, -o, -K, --count-by, --output, --sort, --reverse, --explain, --tui, --record or --replay" -K --events

# Two connections to one listener, from ports 40001 and 40002; each client
# blocks in recv() and writes what it got to c<PORT>.out.
cat >"$SC_TMP/pair.py" <<'EOF'
import socket, sys, threading, time
tmp = sys.argv[1]
l = socket.socket(); l.bind(("127.0.0.1", 5000)); l.listen()
def client(port, conn):
    try:
        d = conn.recv(10)
        r = "data " + d.decode() if d else "eof"
    except OSError as e:
        r = "error " + (e.__class__.__name__)
    with open(f"{tmp}/c{port}.out", "w") as f:
        f.write(r + "\n")
cs, acc = [], []
for port in (40001, 40002):
    c = socket.create_connection(("127.0.0.1", 5000), source_address=("127.0.0.1", port))
    a, _ = l.accept()
    cs.append(c); acc.append(a)
    threading.Thread(target=client, args=(port, c), daemon=True).start()
open(f"{tmp}/ready", "w").close()
# the server side of 40002 answers once the test says so
while not __import__("os").path.exists(f"{tmp}/go"):
    time.sleep(0.05)
try:
    acc[1].send(b"x")
except OSError as e:
    print("send", e)
try:
    acc[0].send(b"y")
    open(f"{tmp}/a40001.out", "w").write("sent\n")
except OSError as e:
    open(f"{tmp}/a40001.out", "w").write("error " + e.__class__.__name__ + "\n")
time.sleep(1)
EOF
python3 "$SC_TMP/pair.py" "$SC_TMP" &
ppid=$!
SC_PIDS="$SC_PIDS $ppid"
wait_until '[ -e "$SC_TMP/ready" ]' || die "the connections did not start"

"$SOCKSCOPE" -tn -H | squeeze | sort >"$SC_TMP/before"
assert_eq "four connected sockets" 4 "$(wc -l <"$SC_TMP/before")"

# the server's side of 40001: the client blocked in recv() gets the reset
F='sport = :5000 and dport = :40001'

# ---- the dry run: listed, nothing closed --------------------------------------
run_sc -K -tn "$F"
assert_eq "dry run: exit 0" 0 "$SC_RC"
assert_eq "dry run: the matching row" \
	"State Recv-Q Send-Q Local Address:Port Peer Address:Port
ESTAB 0 0 127.0.0.1:5000 127.0.0.1:40001" "$(squeeze <"$SC_TMP/out")"
assert_eq "dry run: what it would do" \
	"sockscope: 1 socket would be closed; run again with --yes" "$(cat "$SC_TMP/err")"
"$SOCKSCOPE" -tn -H | squeeze | sort >"$SC_TMP/after-dry"
assert_same_lines "dry run: nothing closed" "$SC_TMP/before" "$SC_TMP/after-dry"
run_sc -K -tn 'sport = :5999'
assert_eq "dry run, no match: the count" \
	"sockscope: 0 sockets would be closed; run again with --yes" "$(cat "$SC_TMP/err")"

# ---- without CAP_NET_ADMIN ---------------------------------------------------------
if command -v setpriv >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
	rc=0
	setpriv --reuid 65534 --regid 65534 --clear-groups --inh-caps=-all \
		"$SOCKSCOPE" -K --yes -tn "$F" >"$SC_TMP/np.out" 2>"$SC_TMP/np.err" || rc=$?
	assert_eq "as nobody: exit 1" 1 "$rc"
	assert_eq "as nobody: nothing listed" "" "$(cat "$SC_TMP/np.out")"
	assert_eq "as nobody: the message" "sockscope: closing sockets needs CAP_NET_ADMIN" "$(cat "$SC_TMP/np.err")"
	"$SOCKSCOPE" -tn -H | squeeze | sort >"$SC_TMP/after-np"
	assert_same_lines "as nobody: nothing closed" "$SC_TMP/before" "$SC_TMP/after-np"
else
	echo "note: not root or no setpriv: the CAP_NET_ADMIN message is not tested"
fi

# ---- --yes: exactly that one ------------------------------------------------------------
run_sc -K --yes -tn "$F"
assert_eq "--yes: exit 0" 0 "$SC_RC"
assert_eq "--yes: the closed row is listed" \
	"State Recv-Q Send-Q Local Address:Port Peer Address:Port
ESTAB 0 0 127.0.0.1:5000 127.0.0.1:40001" "$(squeeze <"$SC_TMP/out")"
assert_eq "--yes: nothing on stderr" "" "$(cat "$SC_TMP/err")"
wait_until '[ -s "$SC_TMP/c40001.out" ]'
assert_eq "the peer sees a reset" "error ConnectionResetError" "$(cat "$SC_TMP/c40001.out" 2>/dev/null)"
"$SOCKSCOPE" -tn -H | squeeze | sort >"$SC_TMP/after"
# both sides of 40001 go: the reset closed the client's too
grep -v ':40001\( \|$\)' "$SC_TMP/before" >"$SC_TMP/want-after"
assert_eq "the other connection: two sockets" 2 "$(wc -l <"$SC_TMP/want-after")"
assert_same_lines "the other connection remains" "$SC_TMP/want-after" "$SC_TMP/after"
: >"$SC_TMP/go"
wait_until '[ -s "$SC_TMP/c40002.out" ] && [ -s "$SC_TMP/a40001.out" ]'
assert_eq "the other connection still carries data" "data x" "$(cat "$SC_TMP/c40002.out" 2>/dev/null)"
assert_eq "the closed socket's owner gets an error" "error ConnectionAbortedError" "$(cat "$SC_TMP/a40001.out" 2>/dev/null)"
run_sc -K --yes -tn "$F"
assert_eq "--yes again: nothing left to close" "State Recv-Q Send-Q Local Address:Port Peer Address:Port" "$(squeeze <"$SC_TMP/out")"
wait "$ppid" 2>/dev/null

# ---- TIME-WAIT: selected as in ss (-a or the state word), and closed ---------
python3 - <<'EOF2' || die "no TIME-WAIT socket"
import socket, time
l = socket.socket(); l.bind(("127.0.0.1", 5001)); l.listen()
c = socket.create_connection(("127.0.0.1", 5001), source_address=("127.0.0.1", 40003))
a, _ = l.accept()
c.close(); time.sleep(0.2); a.close(); l.close()
EOF2
# (the earlier connections left TIME-WAIT sockets too: this one by port)
T='dport = :5001'
TW="0 0 127.0.0.1:40003 127.0.0.1:5001"
sc_list -tan -H state time-wait "$T"
assert_eq "TIME-WAIT: the client's side, which closed first" "$TW" "$(squeeze <"$SC_TMP/out")"
run_sc -K -tn "$T"
assert_eq "TIME-WAIT: not among the connected sockets -K selects by default" \
	"State Recv-Q Send-Q Local Address:Port Peer Address:Port" "$(squeeze <"$SC_TMP/out")"
run_sc -K -tan "$T"
assert_eq "-K -a: TIME-WAIT selected (dry run)" \
	"State Recv-Q Send-Q Local Address:Port Peer Address:Port
TIME-WAIT $TW" "$(squeeze <"$SC_TMP/out")"
run_sc -K --yes -tn state time-wait "$T"
assert_eq "-K --yes state time-wait: exit 0" 0 "$SC_RC"
assert_eq "-K --yes state time-wait: the closed row" \
	"Recv-Q Send-Q Local Address:Port Peer Address:Port
$TW" "$(squeeze <"$SC_TMP/out")"
assert_eq "-K --yes state time-wait: nothing on stderr" "" "$(cat "$SC_TMP/err")"
sc_list -tan -H state time-wait "$T"
assert_eq "TIME-WAIT: gone at once" "" "$(cat "$SC_TMP/out")"
if command -v ss >/dev/null 2>&1; then
	assert_eq "TIME-WAIT: ss agrees" "" "$(ss -tanH state time-wait "$T")"
fi

# ---- UDP: a connected socket is closed too --------------------------------------
python3 - "$SC_TMP" <<'EOF' &
import socket, sys
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("127.0.0.1", 5353)); u.connect(("127.0.0.1", 9))
open(sys.argv[1] + "/udp-ready", "w").close()
try:
    u.recv(10); r = "data"
except OSError as e:
    r = "error " + e.__class__.__name__
open(sys.argv[1] + "/udp.out", "w").write(r + "\n")
EOF
upid=$!
SC_PIDS="$SC_PIDS $upid"
wait_until '[ -e "$SC_TMP/udp-ready" ]' || die "the UDP socket did not start"
run_sc -K --yes -un 'sport = :5353'
assert_eq "UDP: the closed socket is listed" \
	"State Recv-Q Send-Q Local Address:Port Peer Address:Port
ESTAB 0 0 127.0.0.1:5353 127.0.0.1:9" "$(squeeze <"$SC_TMP/out")"
wait_until '[ -s "$SC_TMP/udp.out" ]'
assert_eq "UDP: its holder's recv() fails" "error ConnectionAbortedError" "$(cat "$SC_TMP/udp.out" 2>/dev/null)"
wait "$upid" 2>/dev/null

sc_done
