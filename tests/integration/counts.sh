#!/bin/bash
# counts.sh - --count-by and -s on sockpop's known population: exact
# grouped counts (table, -H and JSON), --count-by=state and =dport equal
# to what ss -tan gives through awk | sort | uniq -c for the same
# sockets, -s equal to ss -s on every line that does not move between two
# runs, the dumped states beside the kernel's counters, and --explain's
# lines for the population's notable sockets.
. "$(dirname "$0")/lib.sh"

start_sockpop --base
pop_pid=${SC_PIDS##* }

# The population by state, from its manifest (id netid state ...).
cut -f3 "$SC_MANIFEST" | sort | uniq -c | awk '{ print $2, $1 }' |
	sort >"$SC_TMP/manifest_states"

# ---- --count-by=state: exact ---------------------------------------------
if sc_list -a --count-by=state; then
	cat >"$SC_TMP/want" <<'EOF'
State      Count
ESTAB         21
LISTEN         9
UNCONN         6
FIN-WAIT-2     1
TIME-WAIT      1
CLOSE-WAIT     1
Total         39
EOF
	assert_same_lines "--count-by=state on the population" \
		"$SC_TMP/want" "$SC_TMP/out"
fi

# the same numbers as the manifest says, without header or Total (-H)
if sc_list -a -H --count-by=state; then
	awk '{ print $1, $2 }' "$SC_TMP/out" | sort >"$SC_TMP/got"
	assert_same_lines "--count-by=state -H equals the manifest" \
		"$SC_TMP/manifest_states" "$SC_TMP/got"
fi

# two keys, ties in key order: netids in ss's table order (u_str, u_dgr,
# u_seq, udp, tcp), then states in the kernel's
if sc_list -a --count-by=netid,state; then
	cat >"$SC_TMP/want" <<'EOF'
Netid State      Count
tcp   ESTAB         10
tcp   LISTEN         7
u_str ESTAB          5
udp   UNCONN         4
u_dgr ESTAB          2
u_dgr UNCONN         2
u_seq ESTAB          2
udp   ESTAB          2
u_str LISTEN         1
u_seq LISTEN         1
tcp   FIN-WAIT-2     1
tcp   TIME-WAIT      1
tcp   CLOSE-WAIT     1
Total               39
EOF
	assert_same_lines "--count-by=netid,state" "$SC_TMP/want" "$SC_TMP/out"
fi

# JSON: the same groups, numbers for ports, strings for states
if command -v python3 >/dev/null 2>&1; then
	if sc_list -a -J --count-by=state; then
		got=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]), strict=True)
assert d["schema_version"] == 1 and d["count_by"] == ["state"]
assert d["total"] == sum(g["count"] for g in d["groups"])
print(" ".join("%s=%d" % (g["state"], g["count"]) for g in d["groups"]),
      d["total"])' "$SC_TMP/out" 2>&1)
		assert_eq "--count-by=state -J" \
			"ESTAB=21 LISTEN=9 UNCONN=6 FIN-WAIT-2=1 TIME-WAIT=1 CLOSE-WAIT=1 39" \
			"$got"
	fi
	if sc_list -tan -J --count-by=dport; then
		got=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]), strict=True)
print(" ".join("%s=%d" % (g["dport"], g["count"]) for g in d["groups"]))' \
			"$SC_TMP/out" 2>&1)
		assert_eq "--count-by=dport -J: ports are numbers" \
			"0=7 41000=3 41005=2 41001=1 41002=1 41100=1 41101=1 41103=1 41104=1 41105=1 41106=1" \
			"$got"
	fi
else
	echo "note: no python3: JSON checks skipped"
fi

# ---- the same counts as ss | awk | sort | uniq -c ------------------------
if command -v ss >/dev/null 2>&1; then
	# ss -tan: State Recv-Q Send-Q Local:Port Peer:Port
	ss -tan | awk 'NR > 1 { print $1 }' | sort | uniq -c |
		awk '{ print $2, $1 }' | sort >"$SC_TMP/ss_state"
	if sc_list -tan -H --count-by=state; then
		awk '{ print $1, $2 }' "$SC_TMP/out" | sort >"$SC_TMP/got"
		assert_same_lines "--count-by=state equals ss -tan | uniq -c" \
			"$SC_TMP/ss_state" "$SC_TMP/got"
	fi
	# the peer port is what follows the last ':' of the fifth column
	ss -tan | awk 'NR > 1 { n = split($5, a, ":"); print a[n] }' |
		sort | uniq -c | awk '{ print $2, $1 }' | sort >"$SC_TMP/ss_dport"
	if sc_list -tan -H --count-by=dport; then
		awk '{ print $1, $2 }' "$SC_TMP/out" | sort >"$SC_TMP/got"
		assert_same_lines "--count-by=dport equals ss -tan | uniq -c" \
			"$SC_TMP/ss_dport" "$SC_TMP/got"
	fi
	# Unix too: ss -xa's State column
	ss -xa | awk 'NR > 1 { print $2 }' | sort | uniq -c |
		awk '{ print $2, $1 }' | sort >"$SC_TMP/ss_xstate"
	if sc_list -xa -H --count-by=state; then
		awk '{ print $1, $2 }' "$SC_TMP/out" | sort >"$SC_TMP/got"
		assert_same_lines "-x --count-by=state equals ss -xa | uniq -c" \
			"$SC_TMP/ss_xstate" "$SC_TMP/got"
	fi
else
	echo "note: no ss: comparisons with ss skipped"
fi

# ---- -s --------------------------------------------------------------------
if sc_list -s; then
	cp "$SC_TMP/out" "$SC_TMP/sc_s"
	# the dumped sockets by state, after ss's block
	printf '%s\n' \
		"TCP states: ESTAB 10, FIN-WAIT-2 1, TIME-WAIT 1, CLOSE-WAIT 1, LISTEN 7" \
		"UDP states: ESTAB 2, UNCONN 4" "" >"$SC_TMP/want"
	tail -n 3 "$SC_TMP/sc_s" >"$SC_TMP/got"
	assert_same_lines "-s: the dumped sockets by state" \
		"$SC_TMP/want" "$SC_TMP/got"
	# the kernel's estab (CurrEstab) is ESTAB and CLOSE-WAIT
	estab=$(sed -n 's/^TCP: .*(estab \([0-9]*\),.*/\1/p' "$SC_TMP/sc_s")
	assert_eq "-s: estab is ESTAB + CLOSE-WAIT" 11 "$estab"
	tw=$(sed -n 's/^TCP: .*timewait \([0-9]*\))$/\1/p' "$SC_TMP/sc_s")
	assert_eq "-s: timewait" 1 "$tw"
	if command -v ss >/dev/null 2>&1; then
		ss -s >"$SC_TMP/ss_s"
		# The transport table counts this namespace's sockets and
		# stays put; "TCP: N", "closed" and "orphaned" come from
		# host-wide counters, and "Total" counts sockscope's own
		# netlink sockets: only estab and timewait are compared there.
		sed -n '3,10p' "$SC_TMP/ss_s" >"$SC_TMP/want"
		sed -n '3,10p' "$SC_TMP/sc_s" >"$SC_TMP/got"
		assert_same_lines "-s: the Transport table equals ss -s" \
			"$SC_TMP/want" "$SC_TMP/got"
		sed -n 's/^TCP: .*(estab \([0-9]*\),.*timewait \([0-9]*\))$/\1 \2/p' \
			"$SC_TMP/ss_s" >"$SC_TMP/want"
		sed -n 's/^TCP: .*(estab \([0-9]*\),.*timewait \([0-9]*\))$/\1 \2/p' \
			"$SC_TMP/sc_s" >"$SC_TMP/got"
		assert_same_lines "-s: estab and timewait equal ss -s" \
			"$SC_TMP/want" "$SC_TMP/got"
		# the layout: the same lines, numbers aside
		sed -n '1,10p' "$SC_TMP/ss_s" | sed 's/[0-9][0-9]*/N/g' >"$SC_TMP/want"
		sed -n '1,10p' "$SC_TMP/sc_s" | sed 's/[0-9][0-9]*/N/g' >"$SC_TMP/got"
		assert_same_lines "-s: the layout of ss -s" \
			"$SC_TMP/want" "$SC_TMP/got"
	fi
fi
if command -v python3 >/dev/null 2>&1 && sc_list -s -J; then
	got=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]), strict=True)
assert d["schema_version"] == 1
t = d["states"]["tcp"]; u = d["states"]["udp"]
print(d["tcp"]["estab"], d["tcp"]["timewait"], t["estab"], t["listen"],
      t["close_wait"], u["unconn"], u["estab"],
      d["transport"]["udp"]["ipv4"], d["transport"]["udp"]["ipv6"])' \
		"$SC_TMP/out" 2>&1)
	assert_eq "-s -J" "11 1 10 7 1 4 2 3 3" "$got"
fi
# a /proc without the counters: exit 1, the file named
SC_RC=0
SOCKSCOPE_PROC_ROOT=$SC_TMP/noproc "$SOCKSCOPE" -s >"$SC_TMP/out" \
	2>"$SC_TMP/err" || SC_RC=$?
assert_eq "-s without sockstat exits 1" 1 "$SC_RC"
assert_eq "-s without sockstat names the file" \
	"sockscope: cannot read $SC_TMP/noproc/net/sockstat: No such file or directory" \
	"$(cat "$SC_TMP/err")"

# ---- --explain --------------------------------------------------------------
if sc_list -tanp --explain; then
	got=$(grep '^CLOSE-WAIT: ' "$SC_TMP/out")
	assert_eq "--explain: CLOSE-WAIT names its holder" \
		"CLOSE-WAIT: 1 socket, held by sockpop (pid $pop_pid): the peer closed its end and the local program has not called close(). If the count keeps growing, the program leaks connections." \
		"$got"
	got=$(grep '^ESTAB: [0-9]* sockets\{0,1\} holds\{0,1\} data' "$SC_TMP/out")
	assert_eq "--explain: unread data" \
		"ESTAB: 1 socket holds data the local program has not read (Recv-Q: 5 bytes, on 127.0.0.1:41000). A moment's backlog is normal; if it stays, the program is stuck or too slow." \
		"$got"
	got=$(grep -c '^TIME-WAIT: 1 socket\. .* Not a leak\.$' "$SC_TMP/out")
	assert_eq "--explain: TIME-WAIT" 1 "$got"
	# one line per state after the table and a blank line
	n=$(awk 'p { print $1 } /^$/ { p = 1 }' "$SC_TMP/out" | tr '\n' ' ')
	assert_eq "--explain: states in the kernel's order" \
		"ESTAB: ESTAB: FIN-WAIT-2: TIME-WAIT: CLOSE-WAIT: LISTEN: " "$n"
fi

sc_done
