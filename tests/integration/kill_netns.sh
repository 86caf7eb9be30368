#!/bin/bash
# kill_netns.sh - -K in other network namespaces: the same two connections
# (127.0.0.1:5000 from ports 40001 and 40002) in the test's namespace, in a
# named one (ip netns add) and in an unnamed one held by a process; -N NAME
# and -N PID close exactly the matching connection of that namespace (its
# peer sees a reset, the others live on); --all-netns closes the matching
# one of every namespace, listed with its namespace; a namespace gone
# meanwhile.
# --all-netns: this test must see its own namespaces only
SC_PRIVATE_HOST=1
. "$(dirname "$0")/lib.sh"

WAIT_TENTHS=200

command -v python3 >/dev/null 2>&1 || { echo "SKIP: $SC_NAME needs python3"; exit 77; }
NS_A=sockscope-kill-a
sc_netns_add "$NS_A"

# pair.py TAG: a listener on 127.0.0.1:5000 and clients from 40001 and
# 40002; each client blocks in recv() and writes what it got to
# <TAG>-<PORT>.out; <TAG>.ready when all are connected.
cat >"$SC_TMP/pair.py" <<'EOF'
import signal, socket, sys, threading
tmp, tag = sys.argv[1], sys.argv[2]
l = socket.socket(); l.bind(("127.0.0.1", 5000)); l.listen()
keep = [l]
def client(port, conn):
    try:
        d = conn.recv(10)
        r = "data" if d else "eof"
    except OSError as e:
        r = "error " + e.__class__.__name__
    with open(f"{tmp}/{tag}-{port}.out", "w") as f:
        f.write(r + "\n")
for port in (40001, 40002):
    c = socket.create_connection(("127.0.0.1", 5000), source_address=("127.0.0.1", port))
    a, _ = l.accept()
    keep += [c, a]
    threading.Thread(target=client, args=(port, c), daemon=True).start()
open(f"{tmp}/{tag}.ready", "w").close()
signal.sigwait([signal.SIGTERM])
EOF

python3 "$SC_TMP/pair.py" "$SC_TMP" own &
SC_PIDS="$SC_PIDS $!"
ip netns exec "$NS_A" sh -c 'ip link set lo up && exec python3 "$0" "$1" named' \
	"$SC_TMP/pair.py" "$SC_TMP" &
SC_PIDS="$SC_PIDS $!"
unshare -n sh -c 'ip link set lo up && exec python3 "$0" "$1" unnamed' \
	"$SC_TMP/pair.py" "$SC_TMP" &
U_PID=$!
SC_PIDS="$SC_PIDS $U_PID"
wait_until '[ -e "$SC_TMP/own.ready" ] && [ -e "$SC_TMP/named.ready" ] && [ -e "$SC_TMP/unnamed.ready" ]' ||
	die "the connections did not start"
U_INO=$(stat -L -c %i "/proc/$U_PID/ns/net") || die "no namespace for pid $U_PID"

# conns NS...: the established sockets of each namespace, one line each
conns() {
	local ns
	for ns in "$@"; do
		if [ "$ns" = own ]; then
			"$SOCKSCOPE" -tn -H
		else
			"$SOCKSCOPE" -N "$ns" -tn -H
		fi | squeeze | sed "s/^/$ns: /" | sort
	done
}
HEAD="State Recv-Q Send-Q Local Address:Port Peer Address:Port"
ROW1="ESTAB 0 0 127.0.0.1:5000 127.0.0.1:40001"
ROW2="ESTAB 0 0 127.0.0.1:5000 127.0.0.1:40002"
conns own "$NS_A" "$U_PID" >"$SC_TMP/before"
assert_eq "four connected sockets in each of the three namespaces" 12 \
	"$(wc -l <"$SC_TMP/before")"

# ---- -N NAME: the dry run, then exactly that connection ---------------------------
F1='sport = :5000 and dport = :40001'
run_sc -K -N "$NS_A" -tn "$F1"
assert_eq "-N NAME dry run: the row" "$HEAD
$ROW1" "$(squeeze <"$SC_TMP/out")"
assert_eq "-N NAME dry run: what it would do" \
	"sockscope: 1 socket would be closed; run again with --yes" "$(cat "$SC_TMP/err")"
conns own "$NS_A" "$U_PID" >"$SC_TMP/after-dry"
assert_same_lines "-N NAME dry run: nothing closed" "$SC_TMP/before" "$SC_TMP/after-dry"

run_sc -K --yes -N "$NS_A" -tn "$F1"
assert_eq "-N NAME --yes: exit 0" 0 "$SC_RC"
assert_eq "-N NAME --yes: the closed row" "$HEAD
$ROW1" "$(squeeze <"$SC_TMP/out")"
assert_eq "-N NAME --yes: nothing on stderr" "" "$(cat "$SC_TMP/err")"
wait_until '[ -s "$SC_TMP/named-40001.out" ]'
assert_eq "-N NAME: its peer in that namespace sees a reset" \
	"error ConnectionResetError" "$(cat "$SC_TMP/named-40001.out" 2>/dev/null)"
conns own "$NS_A" "$U_PID" >"$SC_TMP/after-a"
grep -v "^$NS_A: .*:40001\( \|\$\)" "$SC_TMP/before" >"$SC_TMP/want-a"
assert_same_lines "-N NAME: the same connection elsewhere lives on" \
	"$SC_TMP/want-a" "$SC_TMP/after-a"

# ---- -N PID: the unnamed namespace -----------------------------------------------
run_sc -K --yes -N "$U_PID" -tn "$F1"
assert_eq "-N PID --yes: the closed row" "$HEAD
$ROW1" "$(squeeze <"$SC_TMP/out")"
wait_until '[ -s "$SC_TMP/unnamed-40001.out" ]'
assert_eq "-N PID: its peer sees a reset" \
	"error ConnectionResetError" "$(cat "$SC_TMP/unnamed-40001.out" 2>/dev/null)"
conns own "$NS_A" "$U_PID" >"$SC_TMP/after-u"
grep -v "^$U_PID: .*:40001\( \|\$\)" "$SC_TMP/want-a" >"$SC_TMP/want-u"
assert_same_lines "-N PID: the others live on" "$SC_TMP/want-u" "$SC_TMP/after-u"
assert_eq "the test's own namespace: untouched" "" "$(cat "$SC_TMP/own-40001.out" 2>/dev/null)"

# ---- --all-netns: the matching connection of every namespace ------------------------
F2='sport = :5000 and dport = :40002'
run_sc -K --yes --all-netns -tn --output=netns,state,local,peer --sort=netns "$F2"
assert_eq "--all-netns --yes: exit 0" 0 "$SC_RC"
OWN_INO=$(stat -L -c %i /proc/self/ns/net)
{
	echo "Netns State Local Address:Port Peer Address:Port"
	printf '%s\n' "$NS_A ESTAB 127.0.0.1:5000 127.0.0.1:40002" \
		"$U_INO ESTAB 127.0.0.1:5000 127.0.0.1:40002" \
		"$OWN_INO ESTAB 127.0.0.1:5000 127.0.0.1:40002" | sort
} >"$SC_TMP/all.exp"
{
	squeeze <"$SC_TMP/out" | head -n 1
	squeeze <"$SC_TMP/out" | tail -n +2 | sort
} >"$SC_TMP/all.got"
assert_same_lines "--all-netns --yes: one closed row per namespace, with its namespace" \
	"$SC_TMP/all.exp" "$SC_TMP/all.got"
assert_eq "--all-netns --yes: nothing on stderr" "" "$(cat "$SC_TMP/err")"
wait_until '[ -s "$SC_TMP/own-40002.out" ] && [ -s "$SC_TMP/named-40002.out" ] && [ -s "$SC_TMP/unnamed-40002.out" ]'
for tag in own named unnamed; do
	assert_eq "--all-netns: the peer in the $tag namespace sees a reset" \
		"error ConnectionResetError" "$(cat "$SC_TMP/$tag-40002.out" 2>/dev/null)"
done
conns own "$NS_A" "$U_PID" >"$SC_TMP/after-all"
printf '%s\n' "own: $ROW1" "own: ESTAB 0 0 127.0.0.1:40001 127.0.0.1:5000" |
	sort >"$SC_TMP/want-all"
assert_same_lines "--all-netns: only the untouched connection is left" \
	"$SC_TMP/want-all" "$SC_TMP/after-all"
assert_eq "the test's own 40001 client: still waiting" "" \
	"$(cat "$SC_TMP/own-40001.out" 2>/dev/null)"

sc_done
