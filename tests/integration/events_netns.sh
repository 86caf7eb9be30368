#!/bin/bash
# events_netns.sh - --events with -N (by name, pid and path) and with
# --all-netns: two named namespaces and an unnamed one (unshare -n), a
# listener on one port in three of them at once, each event naming its
# namespace; a connection shorter than the interval in another namespace
# told by that namespace's destroy notifications; JSON Lines' "netns";
# an unprivileged --all-netns that says once what it skipped.
# --all-netns: this test must see its own namespaces only
SC_PRIVATE_HOST=1
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null 2>&1 || { echo "SKIP: $SC_NAME needs python3"; exit 77; }
# Valgrind (the suite's wrapper) makes every snapshot slow: generous waits.
WAIT_TENTHS=300

NS_A=sockscope-evtest-a
NS_B=sockscope-evtest-b
sc_netns_add "$NS_A" "$NS_B"

# The unnamed namespace: a process holds it.
sc_netns_holder
C_HOLD=$SC_HOLDER

NSI_A=$(stat -L -c %i "/var/run/netns/$NS_A")
NSI_B=$(stat -L -c %i "/var/run/netns/$NS_B")
NSI_C=$(stat -L -c %i "/proc/$C_HOLD/ns/net")

# stop PID: SIGTERM and wait; exit status in STOP_RC.
stop() {
	kill -TERM "$1" 2>/dev/null
	STOP_RC=0
	wait "$1" 2>/dev/null || STOP_RC=$?
}

# start NAME ARGS...: sockscope --events ARGS in the background, output in
# NAME.out / NAME.err; its pid in PID_<NAME>.
start() {
	local name=$1
	shift
	"$SOCKSCOPE" --events -t -n --continuous=0.3 "$@" \
		>"$SC_TMP/$name.out" 2>"$SC_TMP/$name.err" &
	eval "PID_$name=\$!"
	SC_PIDS="$SC_PIDS $!"
}
start byname -N "$NS_A"
start bypid -N "$C_HOLD"
start bypath -N "/proc/$C_HOLD/ns/net"
start all --all-netns
start json --all-netns --json=lines

# The driver enters the namespaces itself (setns) to make its sockets. It
# does each step, waits for the event lines it makes in every output, waits
# a little more, and saves the new lines without their times in
# NAME.step<N>; the inodes go to vars.
cat >"$SC_TMP/driver.py" <<'EOF'
import ctypes, json, os, socket, sys, time
tmp, ns_a, ns_b, c_hold = sys.argv[1:5]
names = ["byname", "bypid", "bypath", "all", "json"]
libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000
own = os.open("/proc/self/ns/net", os.O_RDONLY)
paths = {"A": f"/var/run/netns/{ns_a}", "B": f"/var/run/netns/{ns_b}",
         "C": f"/proc/{c_hold}/ns/net"}
def enter(ns):
    fd = own if ns is None else os.open(paths[ns], os.O_RDONLY)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        sys.exit(f"setns {ns}: {os.strerror(ctypes.get_errno())}")
    if fd != own:
        os.close(fd)
def listener(ns, port):
    enter(ns)
    s = socket.socket(); s.bind(("127.0.0.1", port)); s.listen()
    enter(None)
    return s
def lines(n):
    try:
        with open(f"{tmp}/{n}.out") as f:
            return f.read().splitlines()
    except FileNotFoundError:
        return []
seen = {n: 0 for n in names}
def step(k, want, settle=1.5):
    end = time.time() + 30
    while time.time() < end and any(
            sum(1 for l in lines(n)[seen[n]:] if want[n](l)) < cnt
            for n, cnt in ((n, want[n + "_n"]) for n in names)):
        time.sleep(0.05)
    time.sleep(settle)
    for n in names:
        got = lines(n)[seen[n]:]
        seen[n] += len(got)
        with open(f"{tmp}/{n}.step{k}", "w") as f:
            for l in got:
                f.write((l if n == "json" else l.split(" ", 1)[1]) + "\n")
def ino(s):
    return os.fstat(s.fileno()).st_ino
# 0: markers in A and C until every output reported one: the first
# snapshots (the baselines, never reported) are then behind us
markers = []
def all_saw():
    return all(any("LISTEN" in l for l in lines(n)) for n in names)
for port in range(4999, 4900, -1):
    markers += [listener("A", port), listener("C", port)]
    end = time.time() + 2
    while time.time() < end and not all_saw():
        time.sleep(0.05)
    if all_saw():
        break
any_line = lambda l: True
step(0, dict({n: any_line for n in names}, **{n + "_n": 0 for n in names}))
# 1: one port in A, B and C at once, then closed
ls = {ns: listener(ns, 5000) for ns in "ABC"}
vars = {f"I{ns}": ino(s) for ns, s in ls.items()}
has = lambda *inos: lambda l: any(f"ino:{i} " in l or f'"inode":{i},' in l for i in inos)
w = {"byname": has(vars["IA"]), "bypid": has(vars["IC"]),
     "bypath": has(vars["IC"]), "all": has(*vars.values()),
     "json": has(*vars.values())}
step(1, dict(w, byname_n=1, bypid_n=1, bypath_n=1, all_n=3, json_n=3))
for s in ls.values():
    s.close()
step(2, dict(w, byname_n=1, bypid_n=1, bypath_n=1, all_n=3, json_n=3))
# 3: a listener in B, then a connection that lives less than one interval
l = listener("B", 5001)
vars["IL"] = ino(l)
w = dict(w, all=has(vars["IL"]), json=has(vars["IL"]))
step(3, dict(w, byname_n=0, bypid_n=0, bypath_n=0, all_n=1, json_n=1))
enter("B")
c = socket.socket(); c.bind(("127.0.0.1", 40011)); c.connect(("127.0.0.1", 5001))
a, _ = l.accept()
c.close(); a.close()
enter(None)
w = dict(w, all=lambda l: ":40011 " in l)
step(4, dict(w, byname_n=0, bypid_n=0, bypath_n=0, all_n=3, json_n=0))
with open(f"{tmp}/vars", "w") as f:
    for k, v in vars.items():
        f.write(f"{k}={v}\n")
EOF

python3 "$SC_TMP/driver.py" "$SC_TMP" "$NS_A" "$NS_B" "$C_HOLD" ||
	die "the driver failed"
. "$SC_TMP/vars"

S=127.0.0.1:5000
ROW="tcp LISTEN $S 0.0.0.0:*"
# only the test's sockets: --all-netns sees the whole host
mine() {
	grep -E " ino:($IA|$IB|$IC|$IL) " "$1" || true
}
printf '%s\n' "born $ROW ino:$IA netns:$NS_A" >"$SC_TMP/byname.exp1"
printf '%s\n' "died $ROW ino:$IA netns:$NS_A seen:destroy" >"$SC_TMP/byname.exp2"
printf '%s\n' "born $ROW ino:$IC netns:net:[$NSI_C]" >"$SC_TMP/bypid.exp1"
printf '%s\n' "died $ROW ino:$IC netns:net:[$NSI_C] seen:destroy" >"$SC_TMP/bypid.exp2"
printf '%s\n' "born $ROW ino:$IA netns:$NS_A" "born $ROW ino:$IB netns:$NS_B" \
	"born $ROW ino:$IC netns:net:[$NSI_C]" >"$SC_TMP/all.exp1"
printf '%s\n' "died $ROW ino:$IA netns:$NS_A seen:destroy" \
	"died $ROW ino:$IB netns:$NS_B seen:destroy" \
	"died $ROW ino:$IC netns:net:[$NSI_C] seen:destroy" >"$SC_TMP/all.exp2"
for k in 1 2; do
	assert_same_lines "-N NAME: step $k" "$SC_TMP/byname.exp$k" "$SC_TMP/byname.step$k"
	assert_same_lines "-N PID: step $k" "$SC_TMP/bypid.exp$k" "$SC_TMP/bypid.step$k"
	assert_same_lines "-N PATH: step $k" "$SC_TMP/bypid.exp$k" "$SC_TMP/bypath.step$k"
	mine "$SC_TMP/all.step$k" >"$SC_TMP/all.got$k"
	assert_same_set "--all-netns: one port in three namespaces: step $k" \
		"$SC_TMP/all.exp$k" "$SC_TMP/all.got$k"
done
for n in byname bypid bypath; do
	assert_eq "-N ($n): nothing after the listeners" "" \
		"$(cat "$SC_TMP/$n.step3" "$SC_TMP/$n.step4")"
done

# the short-lived connection, told by B's destroy notifications
L5001="127.0.0.1:5001"
printf '%s\n' "born tcp LISTEN $L5001 0.0.0.0:* ino:$IL netns:$NS_B" >"$SC_TMP/all.exp3"
mine "$SC_TMP/all.step3" >"$SC_TMP/all.got3"
assert_same_lines "--all-netns: a listener in $NS_B" "$SC_TMP/all.exp3" "$SC_TMP/all.got3"
printf '%s\n' "born tcp - $L5001 127.0.0.1:40011 ino:0 netns:$NS_B seen:destroy" \
	"died tcp - $L5001 127.0.0.1:40011 ino:0 netns:$NS_B seen:destroy" \
	"born tcp TIME-WAIT 127.0.0.1:40011 $L5001 ino:0 netns:$NS_B" >"$SC_TMP/all.exp4"
grep ':40011 ' "$SC_TMP/all.step4" >"$SC_TMP/all.got4"
# A snapshot may catch the short connection alive (a window of about a
# millisecond in 300): then its birth is the snapshot's. Its death is the
# notification's either way.
alive=$(grep "^born tcp ESTAB $L5001 127.0.0.1:40011 ino:[1-9][0-9]* " "$SC_TMP/all.got4")
if [ -n "$alive" ]; then
	echo "note: a snapshot caught the short-lived connection alive"
	ci=$(sed 's/.* ino:\([0-9]*\) .*/\1/' <<<"$alive")
	printf '%s\n' "$alive" \
		"died tcp ESTAB $L5001 127.0.0.1:40011 ino:$ci netns:$NS_B seen:destroy" \
		"born tcp TIME-WAIT 127.0.0.1:40011 $L5001 ino:0 netns:$NS_B" >"$SC_TMP/all.exp4"
fi
assert_same_set "--all-netns: a connection shorter than the interval in $NS_B" \
	"$SC_TMP/all.exp4" "$SC_TMP/all.got4"

# JSON Lines: the listing's "netns" member
python3 - "$SC_TMP" "$IA" "$IB" "$IC" >"$SC_TMP/json.got" <<'EOF'
import json, sys
tmp, inos = sys.argv[1], [int(i) for i in sys.argv[2:]]
for k in (1, 2):
    for l in open(f"{tmp}/json.step{k}"):
        e = json.loads(l)
        if e["inode"] in inos:
            print(e["event"], e["inode"], json.dumps(e["netns"], sort_keys=True),
                  e["container"], e["source"])
EOF
{
	for k in 1 2; do
		for x in "A $NSI_A \"$NS_A\"" "B $NSI_B \"$NS_B\"" "C $NSI_C null"; do
			read -r ns nsi name <<<"$x"
			eval "i=\$I$ns"
			if [ $k = 1 ]; then ev="born" src=snapshot; else ev="died" src=destroy; fi
			echo "$ev $i {\"inode\": $nsi, \"name\": $name} None $src"
		done
	done
} >"$SC_TMP/json.exp"
assert_same_set "--all-netns --json=lines: netns and container" \
	"$SC_TMP/json.exp" "$SC_TMP/json.got"

for n in byname bypid bypath all json; do
	eval "p=\$PID_$n"
	stop "$p"
	assert_eq "$n: SIGTERM: exit 0" 0 "$STOP_RC"
	assert_eq "$n: nothing on stderr" "" "$(cat "$SC_TMP/$n.err")"
done

# ---- unprivileged: the namespaces it cannot enter, said once ---------------------
can_setpriv() {
	command -v setpriv >/dev/null 2>&1 &&
		setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null
}
if can_setpriv; then
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$SOCKSCOPE" --events --all-netns -t -n --continuous=0.2 \
		>"$SC_TMP/np.out" 2>"$SC_TMP/np.err" &
	np=$!
	SC_PIDS="$SC_PIDS $np"
	# several intervals: the note must not repeat
	for ((i = 0; i < WAIT_TENTHS; i++)); do
		[ -s "$SC_TMP/np.err" ] && break
		sleep 0.1
	done
	sleep 1.5
	stop "$np"
	assert_eq "unprivileged --all-netns --events: SIGTERM: exit 0" 0 "$STOP_RC"
	if grep -Eq '^sockscope: [0-9]+ network namespaces skipped \(entering needs CAP_SYS_ADMIN; run as root\)$' \
		"$SC_TMP/np.err"; then
		pass "unprivileged --all-netns --events: the note says what was skipped and why"
	else
		fail "unprivileged --all-netns --events: the note says what was skipped and why" \
			"sockscope: N network namespaces skipped (entering needs CAP_SYS_ADMIN; run as root)" \
			"$(cat "$SC_TMP/np.err")"
	fi
	assert_eq "unprivileged --all-netns --events: said once, nothing else" 1 \
		"$(wc -l <"$SC_TMP/np.err")"
else
	echo "note: no setpriv: the unprivileged run is not checked"
fi

sc_done
