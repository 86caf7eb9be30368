#!/bin/bash
# events.sh - sockscope --events through a scripted TCP sequence (listen,
# connect, accept, close by each side, a connection that opens and closes
# between two snapshots, the listener closed, TIME-WAIT expiring): the
# exact events of each step, the steps in order; Unix sockets and owners in JSON Lines; -c's
# repeated listing; usage errors, signals and write errors.
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null 2>&1 || { echo "SKIP: events.sh needs python3"; exit 77; }

# Valgrind (the suite's wrapper) makes every snapshot slow: generous waits.
WAIT_TENTHS=300


# stop PID: SIGTERM and wait; exit status in STOP_RC.
stop() {
	kill -TERM "$1" 2>/dev/null
	STOP_RC=0
	wait "$1" 2>/dev/null || STOP_RC=$?
}

# ---- usage errors -----------------------------------------------------------
usage_err() {
	local what=$1 want=$2
	shift 2
	run_sc "$@"
	assert_eq "$what: exit 2" 2 "$SC_RC"
	assert_eq "$what: message" "sockscope: $want" "$(head -n 1 "$SC_TMP/err")"
}
usage_err "--events -s" "--events prints one line per event; it cannot be combined with -s, -e, -i, -m, -o, -K, --count-by, --output, --sort, --reverse, --explain, --tui, --record or --replay" --events -s
usage_err "--events --count-by" "--events prints one line per event; it cannot be combined with -s, -e, -i, -m, -o, -K, --count-by, --output, --sort, --reverse, --explain, --tui, --record or --replay" --events --count-by=state
usage_err "--events --replay" "--events prints one line per event; it cannot be combined with -s, -e, -i, -m, -o, -K, --count-by, --output, --sort, --reverse, --explain, --tui, --record or --replay" --events --replay=/dev/null
usage_err "-c --tui" "-c lists the live sockets again and again; it cannot be combined with --tui, -K, --record or --replay" -c --tui
usage_err "-c bad interval" "invalid -c/--continuous 'x' (expected a number and a unit: ns, us, ms, s, m or h)" --continuous=x
usage_err "-c too short" "-c/--continuous: the interval must be at least 10ms" -c1ms

# ---- --events: the TCP sequence -----------------------------------------------
# The driver does each step, waits for as many new event lines as the step
# makes, waits a little more (no further lines may come), and saves them
# without their times in step<N>.got; the inodes go to vars.
cat >"$SC_TMP/driver.py" <<'EOF'
import os, socket, sys, time
tmp, events = sys.argv[1], sys.argv[2]
def lines():
    try:
        with open(events) as f:
            return f.read().splitlines()
    except FileNotFoundError:
        return []
seen = 0
def step(n, want, settle=1.5):
    global seen
    end = time.time() + 30
    while len(lines()) < seen + want and time.time() < end:
        time.sleep(0.05)
    time.sleep(settle)
    got = lines()[seen:]
    seen += len(got)
    with open(f"{tmp}/step{n}.got", "w") as f:
        for l in got:
            f.write(l.split(" ", 1)[1] + "\n")
def ino(s):
    return os.fstat(s.fileno()).st_ino
# 0: markers until one is reported: the first snapshot (the baseline,
# never reported) is then behind us
markers = []
for port in range(4999, 4900, -1):
    m = socket.socket(); m.bind(("127.0.0.1", port)); m.listen()
    markers.append(m)
    end = time.time() + 1
    while time.time() < end and not any(" LISTEN " in l for l in lines()):
        time.sleep(0.05)
    if any(" LISTEN " in l for l in lines()):
        break
step(0, 0)
# 1: listen
l = socket.socket(); l.bind(("127.0.0.1", 5000)); l.listen()
step(1, 1)
# 2: connect and accept
c = socket.create_connection(("127.0.0.1", 5000), source_address=("127.0.0.1", 40001))
a, _ = l.accept()
vars = dict(L=ino(l), C=ino(c), A=ino(a))
step(2, 2)
# 3: the client closes: FIN-WAIT-2 (orphaned: no inode) and CLOSE-WAIT
c.close()
step(3, 2)
# 4: the server closes: its socket goes (the destroy notification says
# so); the client's becomes TIME-WAIT
a.close()
tw_start = time.time()
step(4, 2)
# 5: a connection that lives less than one interval
c = socket.create_connection(("127.0.0.1", 5000), source_address=("127.0.0.1", 40002))
a, _ = l.accept()
c.close(); a.close()
step(5, 3)
# 6: the listener closes
l.close()
step(6, 1)
vars["TW_START"] = int(tw_start)
vars["SEEN"] = seen
with open(f"{tmp}/vars", "w") as f:
    for k, v in vars.items():
        f.write(f"{k}={v}\n")
EOF

"$SOCKSCOPE" --events -t -n --continuous=0.3 >"$SC_TMP/events.txt" 2>"$SC_TMP/events.err" &
epid=$!
SC_PIDS="$SC_PIDS $epid"
# the same with state words: only what touches ESTABLISHED
"$SOCKSCOPE" --events -t -n --continuous=0.3 state established >"$SC_TMP/estab.txt" 2>"$SC_TMP/estab.err" &
spid=$!
SC_PIDS="$SC_PIDS $spid"
python3 "$SC_TMP/driver.py" "$SC_TMP" "$SC_TMP/events.txt" ||
	die "the driver failed"
. "$SC_TMP/vars"

S=127.0.0.1:5000
printf '%s\n' "born tcp LISTEN $S 0.0.0.0:* ino:$L" >"$SC_TMP/step1.exp"
printf '%s\n' "born tcp ESTAB $S 127.0.0.1:40001 ino:$A" \
	"born tcp ESTAB 127.0.0.1:40001 $S ino:$C" >"$SC_TMP/step2.exp"
printf '%s\n' "state tcp ESTAB->FIN-WAIT-2 127.0.0.1:40001 $S ino:0" \
	"state tcp ESTAB->CLOSE-WAIT $S 127.0.0.1:40001 ino:$A" >"$SC_TMP/step3.exp"
printf '%s\n' "died tcp CLOSE-WAIT $S 127.0.0.1:40001 ino:$A seen:destroy" \
	"state tcp FIN-WAIT-2->TIME-WAIT 127.0.0.1:40001 $S ino:0" >"$SC_TMP/step4.exp"
printf '%s\n' "born tcp - $S 127.0.0.1:40002 ino:0 seen:destroy" \
	"died tcp - $S 127.0.0.1:40002 ino:0 seen:destroy" \
	"born tcp TIME-WAIT 127.0.0.1:40002 $S ino:0" >"$SC_TMP/step5.exp"
printf '%s\n' "died tcp LISTEN $S 0.0.0.0:* ino:$L seen:destroy" >"$SC_TMP/step6.exp"

grep -v ' LISTEN 127\.0\.0\.1:49[0-9][0-9] 0\.0\.0\.0:\* ' "$SC_TMP/step0.got" >"$SC_TMP/step0.rest"
assert_eq "step 0: only the markers' births" "" "$(cat "$SC_TMP/step0.rest")"
assert_same_set "step 1: listen" "$SC_TMP/step1.exp" "$SC_TMP/step1.got"
assert_same_set "step 2: connect, accept" "$SC_TMP/step2.exp" "$SC_TMP/step2.got"
assert_same_set "step 3: the client closes" "$SC_TMP/step3.exp" "$SC_TMP/step3.got"
assert_same_set "step 4: the server closes" "$SC_TMP/step4.exp" "$SC_TMP/step4.got"
# A snapshot may catch the short connection alive (a window of about a
# millisecond in 300): then its birth is the snapshot's. Its death is the
# notification's either way.
if grep -q "^born tcp ESTAB $S 127.0.0.1:40002 ino:[1-9][0-9]*\$" "$SC_TMP/step5.got"; then
	echo "note: a snapshot caught the short-lived connection alive"
	sed -i "1s/.*/$(grep "^born tcp ESTAB $S 127.0.0.1:40002 " "$SC_TMP/step5.got")/" "$SC_TMP/step5.exp"
	sed -i "2s/ino:0/$(grep "^born tcp ESTAB $S 127.0.0.1:40002 " "$SC_TMP/step5.got" | sed 's/.* //')/; 2s/died tcp -/died tcp ESTAB/" "$SC_TMP/step5.exp"
fi
assert_same_set "step 5: a connection shorter than the interval" \
	"$SC_TMP/step5.exp" "$SC_TMP/step5.got"
assert_same_set "step 6: the listener closes" "$SC_TMP/step6.exp" "$SC_TMP/step6.got"
# times: HH:MM:SS.mmm, never going back
if awk '{ if ($1 !~ /^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9][0-9][0-9]$/ || $1 < last) bad = 1; last = $1 } END { exit bad }' "$SC_TMP/events.txt"; then
	pass "times are HH:MM:SS.mmm, in order"
else
	fail "times are HH:MM:SS.mmm, in order" "" "$(cut -d' ' -f1 "$SC_TMP/events.txt" | tr '\n' ' ')"
fi
stop "$spid"
assert_eq "state established: SIGTERM: exit 0" 0 "$STOP_RC"
cat "$SC_TMP/step2.exp" "$SC_TMP/step3.exp" >"$SC_TMP/estab.exp"
cut -d' ' -f2- "$SC_TMP/estab.txt" | grep -v ':40002 ' >"$SC_TMP/estab.got"
assert_same_set "state established: births in it and changes out of it" \
	"$SC_TMP/estab.exp" "$SC_TMP/estab.got"
if cut -d' ' -f2- "$SC_TMP/estab.txt" | grep -q "^died tcp [-A-Z]* $S 127\.0\.0\.1:40002 ino:[0-9]* seen:destroy\$"; then
	pass "state established: a socket only the notification saw is shown"
else
	fail "state established: a socket only the notification saw is shown" \
		"died tcp - $S 127.0.0.1:40002 ino:0 seen:destroy" "$(grep 40002 "$SC_TMP/estab.txt")"
fi

# ---- JSON Lines, Unix sockets, owners -------------------------------------------
cat >"$SC_TMP/unix.py" <<'EOF'
import json, os, socket, sys, time
tmp, events = sys.argv[1], sys.argv[2]
def lines():
    try:
        with open(events) as f:
            return f.read().splitlines()
    except FileNotFoundError:
        return []
def wait_for(pred):
    end = time.time() + 30
    while time.time() < end:
        for l in lines():
            if pred(json.loads(l)):
                return
        time.sleep(0.05)
    sys.exit(f"timed out; got {lines()}")
path = f"{tmp}/u.sock"
# the baseline: a marker until it is reported
markers = []
for i in range(100):
    m = socket.socket(socket.AF_UNIX); m.bind(f"{tmp}/m{i}.sock"); m.listen()
    markers.append(m)
    end = time.time() + 1
    while time.time() < end and not lines():
        time.sleep(0.05)
    if lines():
        break
time.sleep(1)
skip = len(lines())
u = socket.socket(socket.AF_UNIX); u.bind(path); u.listen()
FD = u.fileno()
wait_for(lambda e: e["event"] == "born" and e["local"] == path)
ino = os.fstat(u.fileno()).st_ino
u.close()
wait_for(lambda e: e["event"] == "died" and e["local"] == path)
time.sleep(1)
got = lines()[skip:]
with open(f"{tmp}/unix.got", "w") as f:
    for l in got:
        e = json.loads(l)
        t = e.pop("time")
        ok = len(t) == 24 and t[4] == "-" and t[10] == "T" and t[19] == "." and t.endswith("Z")
        e["time_ok"] = ok
        e.pop("cookie")
        f.write(json.dumps(e, sort_keys=True) + "\n")
with open(f"{tmp}/unix.exp", "w") as f:
    for ev, st, old in (("born", "LISTEN", None), ("died", None, "LISTEN")):
        f.write(json.dumps({"event": ev, "inode": ino, "local": path,
            "netid": "u_str", "old_state": old, "owners": [{"comm": "python3",
            "fd": FD, "pid": os.getpid()}], "peer": None,
            "schema_version": 1, "source": "snapshot", "state": st,
            "time_ok": True}, sort_keys=True) + "\n")
EOF
"$SOCKSCOPE" --events -x -p --json=lines --continuous=0.3 >"$SC_TMP/events.json" 2>"$SC_TMP/events.jerr" &
jpid=$!
SC_PIDS="$SC_PIDS $jpid"
if python3 "$SC_TMP/unix.py" "$SC_TMP" "$SC_TMP/events.json" 2>"$SC_TMP/unix.err"; then
	assert_same_lines "JSON: a Unix listener born and died, owners from the last snapshot" \
		"$SC_TMP/unix.exp" "$SC_TMP/unix.got"
else
	fail "JSON: the Unix sequence" "born and died events" "$(cat "$SC_TMP/unix.err")"
fi
stop "$jpid"
assert_eq "JSON: SIGTERM: exit 0" 0 "$STOP_RC"
assert_eq "JSON: nothing on stderr" "" "$(cat "$SC_TMP/events.jerr")"

# ---- a filter applies to the events ------------------------------------------
"$SOCKSCOPE" --events -t -n --continuous=0.2 'sport >= :6000 and sport < :6100' >"$SC_TMP/filt.txt" 2>&1 &
fpid=$!
SC_PIDS="$SC_PIDS $fpid"
python3 - "$SC_TMP/filt.txt" <<'EOF'
import socket, sys, time
out = sys.argv[1]
def n():
    return len(open(out).read().splitlines())
ls = []
for i in range(100):
    m = socket.socket(); m.bind(("127.0.0.1", 6001 + i)); m.listen()
    ls.append(m)
    end = time.time() + 1
    while time.time() < end and n() == 0:
        time.sleep(0.05)
    if n() > 0:
        break
o = socket.socket(); o.bind(("127.0.0.1", 7001)); o.listen()
time.sleep(1)
for s in ls + [o]:
    s.close()
time.sleep(1)
EOF
stop "$fpid"
assert_eq "a filter: no event of the socket it leaves out" 0 "$(grep -c ':7001 ' "$SC_TMP/filt.txt")"
assert_eq "a filter: the births and deaths of those it takes" 0 \
	"$(grep -cv '^[0-9:.]* \(born\|died\) tcp LISTEN 127\.0\.0\.1:60[0-9][0-9] 0\.0\.0\.0:\* ino:' "$SC_TMP/filt.txt")"
# (a marker in the baseline dies without a birth)
awk '$2 == "born" { print $5 }' "$SC_TMP/filt.txt" | sort >"$SC_TMP/filt.born"
awk '$2 == "died" { print $5 }' "$SC_TMP/filt.txt" | sort | join - "$SC_TMP/filt.born" >"$SC_TMP/filt.both"
assert_same_lines "a filter: each birth has its death" "$SC_TMP/filt.born" "$SC_TMP/filt.both"
assert_eq "a filter: some births" 1 "$([ -s "$SC_TMP/filt.born" ] && echo 1 || echo 0)"

# ---- -c: the listing again, a blank line between ---------------------------------
python3 -c 'import socket, time; s = socket.socket(); s.bind(("127.0.0.1", 7000)); s.listen(); time.sleep(30)' &
lpid=$!
SC_PIDS="$SC_PIDS $lpid"
wait_until '"$SOCKSCOPE" -tln -H | grep -q ":7000 "' || die "the listener did not start"
"$SOCKSCOPE" -tln --continuous=0.2 'sport = :7000' >"$SC_TMP/cont.txt" 2>"$SC_TMP/cont.err" &
cpid=$!
SC_PIDS="$SC_PIDS $cpid"
wait_until '[ "$(cat "$SC_TMP/cont.txt" 2>/dev/null | grep -c "^State ")" -ge 3 ]'
stop "$cpid"
assert_eq "-c: SIGTERM: exit 0" 0 "$STOP_RC"
assert_eq "-c: nothing on stderr" "" "$(cat "$SC_TMP/cont.err")"
# whole listings: header, row, blank line, header, row, ...
if awk 'NR % 3 == 1 && !/^State / { bad = 1 } NR % 3 == 2 && !/^LISTEN .*127\.0\.0\.1:7000 / { bad = 1 } NR % 3 == 0 && $0 != "" { bad = 1 } END { exit bad || NR < 5 }' "$SC_TMP/cont.txt"; then
	pass "-c: listings separated by a blank line"
else
	fail "-c: listings separated by a blank line" "State/LISTEN/blank..." "$(head -c 400 "$SC_TMP/cont.txt")"
fi
"$SOCKSCOPE" -tln --continuous=0.1 >/dev/full 2>"$SC_TMP/full.err"
assert_eq "-c to /dev/full: exit 1" 1 "$?"
assert_eq "-c to /dev/full: the write error" "sockscope: write error: No space left on device" "$(cat "$SC_TMP/full.err")"
rc=0
"$SOCKSCOPE" -tln --continuous=0.1 2>"$SC_TMP/pipe.err" | head -n 1 >/dev/null || rc=$?
assert_eq "-c into a closed pipe: the write error" "sockscope: write error: Broken pipe" "$(cat "$SC_TMP/pipe.err")"

# ---- the TIME-WAIT sockets of steps 4 and 5 expire ---------------------------------
# No sysctl shortens TIME-WAIT (TCP_TIMEWAIT_LEN, 60 s; tcp_fin_timeout is
# FIN-WAIT-2's): the first --events process, still running, waits for the
# real expiry while the sections above ran.
wait_tw() {
	[ "$(tail -n +$((SEEN + 1)) "$SC_TMP/events.txt" | grep -c '^[0-9:.]* died tcp TIME-WAIT 127\.0\.0\.1:4000[12] ')" -ge 2 ]
}
while ! wait_tw && [ $(($(date +%s) - TW_START)) -lt 100 ]; do
	sleep 0.5
done
tail -n +$((SEEN + 1)) "$SC_TMP/events.txt" | grep ' 127\.0\.0\.1:4000[12] ' >"$SC_TMP/tw.lines"
cut -d' ' -f2- "$SC_TMP/tw.lines" | sort >"$SC_TMP/tw.got"
printf '%s\n' "died tcp TIME-WAIT 127.0.0.1:40001 $S ino:0" \
	"died tcp TIME-WAIT 127.0.0.1:40002 $S ino:0" >"$SC_TMP/tw.exp"
assert_same_lines "TIME-WAIT expiry: each TIME-WAIT socket dies, and nothing else of theirs" \
	"$SC_TMP/tw.exp" "$SC_TMP/tw.got"
# when: TCP_TIMEWAIT_LEN after the change into TIME-WAIT (the timer wheel
# rounds a 60 s timeout up by at most 4 s; a snapshot every 0.3 s)
tw_in=$(grep ' FIN-WAIT-2->TIME-WAIT 127\.0\.0\.1:40001 ' "$SC_TMP/events.txt" | cut -d' ' -f1)
tw_out=$(grep ' died tcp TIME-WAIT 127\.0\.0\.1:40001 ' "$SC_TMP/events.txt" | cut -d' ' -f1)
lived=$(awk -v a="$tw_in" -v b="$tw_out" 'BEGIN {
	split(a, x, ":"); split(b, y, ":")
	d = (y[1] * 3600 + y[2] * 60 + y[3]) - (x[1] * 3600 + x[2] * 60 + x[3])
	if (d < 0) d += 86400
	print (d >= 59 && d <= 70) ? "between 59 and 70 s" : d " s" }')
assert_eq "TIME-WAIT expiry: after the kernel's 60 s" "between 59 and 70 s" "$lived"
stop "$epid"
assert_eq "SIGTERM: exit 0" 0 "$STOP_RC"
assert_eq "nothing on stderr" "" "$(cat "$SC_TMP/events.err")"

sc_done
