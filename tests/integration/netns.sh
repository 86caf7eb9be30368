#!/bin/bash
# netns.sh - -N and --all-netns: two named namespaces (ip netns add), an
# unnamed one held by a process (unshare -n), the test's own and a second
# name for one of them, each with a listener on the same port; every one
# listed once with its identity (inode, name), by name, pid and path;
# container labels from docker- and podman-shaped cgroups; the netns and
# container predicates, JSON, --backend=proc; an unprivileged run that
# lists what it can and says what it skipped; usage and runtime errors.
# --all-netns: this test must see its own namespaces only
SC_PRIVATE_HOST=1
. "$(dirname "$0")/lib.sh"

WAIT_TENTHS=200

NS_A=sockscope-test-$$-a
NS_B=sockscope-test-$$-b
NS_ALIAS=sockscope-test-$$-b-alias
sc_netns_add "$NS_A" "$NS_B"
CG_MADE=
ALIAS_MADE=

netns_cleanup() {
	local d
	# the test's processes first, so that their cgroups empty out
	sc_stop_pids
	for d in $CG_MADE; do
		rmdir "$d" 2>/dev/null
	done
	if [ -n "$ALIAS_MADE" ]; then
		umount "$ALIAS_MADE" 2>/dev/null
		rm -f "$ALIAS_MADE"
	fi
	sc_cleanup
}
trap netns_cleanup EXIT

# The unnamed namespace: a process holds it.
sc_netns_holder
C_HOLD=$SC_HOLDER

# start_serve NAME PREFIX... -- ARGS...: PREFIX (ip netns exec NS, nsenter
# ...) then sockscope serve ARGS in the background; waits for the listening
# line. Sets SERVE_PID and SERVE_INODE.
start_serve() {
	local name=$1 line='' pre=()
	shift
	while [ "$1" != -- ]; do
		pre+=("$1")
		shift
	done
	shift
	"${pre[@]}" "$SOCKSCOPE" serve "$@" >"$SC_TMP/$name.out" \
		2>"$SC_TMP/$name.err" &
	SERVE_PID=$!
	SC_PIDS="$SC_PIDS $SERVE_PID"
	for ((i = 0; i < WAIT_TENTHS; i++)); do
		if { IFS= read -r line <"$SC_TMP/$name.out"; } 2>/dev/null; then
			break
		fi
		line=
		kill -0 "$SERVE_PID" 2>/dev/null || break
		sleep 0.1
	done
	[ -n "$line" ] || die "serve $name did not start: $(head -c 300 "$SC_TMP/$name.err")"
	read -r _ _ _ _ SERVE_INODE <<<"$line"
}

P=7155
start_serve own env -- tcp "127.0.0.1:$P"
INO_OWN=$SERVE_INODE PID_OWN=$SERVE_PID
start_serve a ip netns exec "$NS_A" -- tcp "127.0.0.1:$P"
INO_A=$SERVE_INODE
start_serve b ip netns exec "$NS_B" -- tcp "127.0.0.1:$P"
INO_B=$SERVE_INODE PID_B=$SERVE_PID
start_serve bu ip netns exec "$NS_B" -- udp "127.0.0.1:$P"
INO_BU=$SERVE_INODE PID_BU=$SERVE_PID
start_serve c nsenter -t "$C_HOLD" -n -- tcp "127.0.0.1:$P"
INO_C=$SERVE_INODE PID_C=$SERVE_PID

# ip netns exec and nsenter exec in place: the pids are the servers'
for p in "$PID_B" "$PID_C"; do
	for ((i = 0; i < WAIT_TENTHS; i++)); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = sockscope ] && break
		sleep 0.1
	done
done

nsino() { stat -L -c %i "$1"; }
NSI_OWN=$(nsino /proc/self/ns/net)
NSI_A=$(nsino "/var/run/netns/$NS_A")
NSI_B=$(nsino "/var/run/netns/$NS_B")
NSI_C=$(nsino "/proc/$C_HOLD/ns/net")

# B gets a second name: still one namespace, named by the first in order.
if touch "/var/run/netns/$NS_ALIAS" &&
	mount --bind "/var/run/netns/$NS_B" "/var/run/netns/$NS_ALIAS"; then
	ALIAS_MADE=/var/run/netns/$NS_ALIAS
else
	rm -f "/var/run/netns/$NS_ALIAS"
	echo "note: cannot bind-mount a second name: aliases not checked"
fi

# ---- --all-netns: each listener once, with its namespace ------------------
F="sport = :$P"
if sc_list --all-netns -tln -H --output=netns_inode,netns,local,inode "$F"; then
	squeeze <"$SC_TMP/out" | sed 's/^ //' >"$SC_TMP/got"
	cat >"$SC_TMP/exp" <<EOF
$NSI_OWN $NSI_OWN 127.0.0.1:$P $INO_OWN
$NSI_A $NS_A 127.0.0.1:$P $INO_A
$NSI_B $NS_B 127.0.0.1:$P $INO_B
$NSI_C $NSI_C 127.0.0.1:$P $INO_C
EOF
	assert_same_set "--all-netns: each namespace's listener once, with its inode and name" \
		"$SC_TMP/exp" "$SC_TMP/got"
	first=$(head -n 1 "$SC_TMP/got")
	assert_eq "--all-netns: our own namespace comes first" \
		"$NSI_OWN $NSI_OWN 127.0.0.1:$P $INO_OWN" "$first"
fi

if sc_list --all-netns -tuln -H --output=netns,netid,local "$F"; then
	n=$(grep -c "^$NS_B " "$SC_TMP/out")
	assert_eq "--all-netns -tuln: $NS_B's tcp and udp listeners" 2 "$n"
fi

# the default table: Netns and Container first
if sc_list --all-netns -tln "$F"; then
	assert_row "--all-netns: the header starts with Netns and Container" \
		"Netns Container State Recv-Q Send-Q Local Address:Port Peer Address:Port" \
		"$(head -n 1 "$SC_TMP/out")"
	# (its Container is wherever the test runs: a unit, or none)
	assert_row "--all-netns: $NS_A's row in the default table" \
		"$NS_A LISTEN 0 128 127.0.0.1:$P 0.0.0.0:*" \
		"$(grep "^$NS_A " "$SC_TMP/out" | squeeze | cut -d' ' -f1,3-)"
fi

# ---- -N by name, pid and path --------------------------------------------
check_one() {
	local what=$1 want=$2
	shift 2
	if sc_list "$@" -tln -H --output=netns_inode,inode "$F"; then
		assert_row "$what" "$want" "$(sed 's/^ *//' "$SC_TMP/out")"
	fi
}
check_one "-N NAME" "$NSI_A $INO_A" -N "$NS_A"
check_one "-N PID (unnamed)" "$NSI_C $INO_C" -N "$C_HOLD"
check_one "-N PID (named)" "$NSI_B $INO_B" -N "$PID_B"
check_one "-N PATH (/proc)" "$NSI_C $INO_C" -N "/proc/$C_HOLD/ns/net"
check_one "-N PATH (/var/run/netns)" "$NSI_A $INO_A" -N "/var/run/netns/$NS_A"
check_one "-N our own pid" "$NSI_OWN $INO_OWN" -N "$$"
if [ -n "$ALIAS_MADE" ]; then
	check_one "-N a second name" "$NSI_B $INO_B" -N "$NS_ALIAS"
	if sc_list -N "$NS_ALIAS" -tln -H --output=netns "$F"; then
		assert_eq "-N a second name: named by the first in order" \
			"$NS_B" "$(cat "$SC_TMP/out")"
	fi
fi

# the same as ss -N
for ns in "$NS_A" "$NS_B"; do
	if sc_list -N "$ns" -tuan; then
		sc_normalize 0 <"$SC_TMP/out" >"$SC_TMP/sc.norm"
		ss -N "$ns" -tuan | sc_normalize 0 >"$SC_TMP/ss.norm"
		assert_same_lines "-N $ns -tuan lists what ss -N does" \
			"$SC_TMP/ss.norm" "$SC_TMP/sc.norm"
	fi
done

# ---- the netns predicate --------------------------------------------------
if sc_list --all-netns -tln -H --output=inode "$F and netns = $NS_A"; then
	assert_eq "netns = NAME" "$INO_A" "$(squeeze <"$SC_TMP/out" | tr -d ' ')"
fi
if sc_list --all-netns -tln -H --output=inode "$F and netns = $NSI_C"; then
	assert_eq "netns = INODE" "$INO_C" "$(squeeze <"$SC_TMP/out" | tr -d ' ')"
fi
if sc_list --all-netns -tln -H --output=inode "$F and netns = 'sockscope-test-$$-*'"; then
	assert_eq "netns = GLOB" "2" "$(wc -l <"$SC_TMP/out")"
fi
if sc_list --all-netns -tln -H --output=inode --sort=inode \
	"$F and not netns = $NS_A and not netns = $NS_B"; then
	printf '%s\n' "$INO_OWN" "$INO_C" | sort -n >"$SC_TMP/exp"
	tr -d ' ' <"$SC_TMP/out" >"$SC_TMP/got"
	assert_same_lines "not netns = NAME" "$SC_TMP/exp" "$SC_TMP/got"
fi
if sc_list --all-netns -tln --count-by=netns -H "$F and netns = 'sockscope-test-$$-*'"; then
	assert_eq "--count-by=netns" \
		"$(printf '%s 1\n%s 1' "$NS_A" "$NS_B")" \
		"$(squeeze <"$SC_TMP/out" | sed 's/^ //' | awk '{print $1, $2}' | sort)"
fi

# ---- --backend=proc reads each namespace's /proc/thread-self/net ----------
if sc_list --all-netns --backend=proc -tln -H --output=netns_inode,inode "$F"; then
	squeeze <"$SC_TMP/out" | sed 's/^ //' >"$SC_TMP/got"
	printf '%s\n' "$NSI_OWN $INO_OWN" "$NSI_A $INO_A" "$NSI_B $INO_B" \
		"$NSI_C $INO_C" >"$SC_TMP/exp"
	assert_same_set "--all-netns --backend=proc: the same listeners" \
		"$SC_TMP/exp" "$SC_TMP/got"
fi
check_one "-N NAME --backend=proc" "$NSI_B $INO_B" -N "$NS_B" --backend=proc

# ---- Unix socket files in other namespaces --------------------------------
# C shares our mount namespace: its file is seen and is its own. D has a
# mount namespace of its own, where a tmpfs hides the file from us: not
# "missing" (it is there, in the container's view), but unknown.
mkdir -p "$SC_TMP/d" || die "cannot create $SC_TMP/d"
start_serve cu nsenter -t "$C_HOLD" -n -- unix "$SC_TMP/c.sock"
INO_CU=$SERVE_INODE
start_serve du unshare -n -m sh -c 'mount -t tmpfs sockscope-test "$0" &&
	exec "$@"' "$SC_TMP/d" -- unix "$SC_TMP/d/d.sock"
INO_DU=$SERVE_INODE
if sc_list --all-netns -xl -H --output=inode,file "inode = $INO_CU or inode = $INO_DU"; then
	squeeze <"$SC_TMP/out" | sed 's/^ //' >"$SC_TMP/got"
	printf '%s\n' "$INO_CU ok" "$INO_DU unknown" >"$SC_TMP/exp"
	assert_same_set "--all-netns: a Unix socket file of another namespace is ok when seen, unknown when not" \
		"$SC_TMP/exp" "$SC_TMP/got"
fi

# ---- JSON -------------------------------------------------------------------
if sc_list --all-netns -tln -J "$F"; then
	python3 - "$SC_TMP/out" <<EOF >"$SC_TMP/py" 2>&1
import json, sys
doc = json.load(open(sys.argv[1]))
got = sorted((s["inode"], s["netns"]["inode"], s["netns"]["name"])
             for s in doc["sockets"])
want = sorted([($INO_OWN, $NSI_OWN, None), ($INO_A, $NSI_A, "$NS_A"),
               ($INO_B, $NSI_B, "$NS_B"), ($INO_C, $NSI_C, None)])
assert got == want, (got, want)
assert doc["netns"]["skipped"] == 0, doc["netns"]
assert doc["netns"]["skipped_reason"] is None, doc["netns"]
assert doc["netns"]["namespaces"] >= 4, doc["netns"]
assert list(doc.keys()) == ["schema_version", "unknown_owners", "netns",
                            "sockets", "explanations"], list(doc.keys())
print("fine")
EOF
	assert_eq "--all-netns -J: netns {inode, name} per socket, the report" \
		fine "$(cat "$SC_TMP/py")"
fi
if sc_list -tln -J "$F"; then
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
s = d["sockets"][0]
print(d["netns"], s["netns"], s["container"])' "$SC_TMP/out" >"$SC_TMP/py" 2>&1
	assert_eq "-J without -N or --all-netns: netns and container null" \
		"None None None" "$(cat "$SC_TMP/py")"
fi

# ---- containers: cgroups shaped like docker's and podman's ----------------
cg2=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
HEX_D=$(printf '%s' "docker-$$" | sha256sum | cut -c1-64)
HEX_P=$(printf '%s' "podman-$$" | sha256sum | cut -c1-64)
HEX_E=$(printf '%s' "docker-own-$$" | sha256sum | cut -c1-64)
cg_ok=0
if [ -n "$cg2" ] && [ -d "$cg2" ]; then
	CG_TOP=$cg2/sockscope-test-$$.slice
	CG_D=$CG_TOP/docker-$HEX_D.scope
	CG_P=$CG_TOP/libpod-$HEX_P.scope
	CG_E=$CG_TOP/docker-$HEX_E.scope
	if mkdir "$CG_TOP" 2>/dev/null; then
		CG_MADE="$CG_TOP"
		mkdir "$CG_D" "$CG_P" "$CG_E" &&
			CG_MADE="$CG_D $CG_P $CG_E $CG_TOP" &&
			echo "$PID_OWN" >"$CG_E/cgroup.procs" &&
			echo "$C_HOLD" >"$CG_D/cgroup.procs" &&
			echo "$PID_C" >"$CG_D/cgroup.procs" &&
			echo "$PID_B" >"$CG_P/cgroup.procs" &&
			echo "$PID_BU" >"$CG_P/cgroup.procs" && cg_ok=1
	fi
fi
if [ "$cg_ok" -eq 1 ]; then
	for p in "" -p; do
		if sc_list --all-netns -tln -H $p --output=inode,container "$F"; then
			# the others are wherever the test runs (a unit, or none)
			squeeze <"$SC_TMP/out" | sed 's/^ //' |
				grep -E "^($INO_B|$INO_C) " >"$SC_TMP/got"
			cat >"$SC_TMP/exp" <<EOF
$INO_B podman:${HEX_P:0:12}
$INO_C docker:${HEX_D:0:12}
EOF
			assert_same_set "container labels${p:+ (with -p, from the holders)}" \
				"$SC_TMP/exp" "$SC_TMP/got"
		fi
	done
	if sc_list -N "$NS_B" -tln -H --output=inode,container "$F"; then
		assert_row "-N NAME: the namespace's container" \
			"$INO_B podman:${HEX_P:0:12}" "$(sed 's/^ *//' "$SC_TMP/out")"
	fi
	# a process of our (host-like) namespace in a container's cgroup, as
	# with docker run --network=host: its holder says so
	if sc_list -tln -H --output=inode,container "$F"; then
		assert_row "container in our own namespace: from the holder" \
			"$INO_OWN docker:${HEX_E:0:12}" "$(sed 's/^ *//' "$SC_TMP/out")"
	fi
	if sc_list --all-netns -p -tln -H --output=inode,container "inode = $INO_OWN"; then
		assert_row "--all-netns -p: the holder's container" \
			"$INO_OWN docker:${HEX_E:0:12}" "$(sed 's/^ *//' "$SC_TMP/out")"
	fi
	if sc_list --all-netns -tln -H --output=inode "$F and container = 'docker:*'"; then
		assert_eq "container = GLOB" "$INO_C" "$(tr -d ' ' <"$SC_TMP/out")"
	fi
	if sc_list --all-netns -tln "$F and netns = $NSI_C"; then
		assert_row "--all-netns: the Container column" \
			"$NSI_C docker:${HEX_D:0:12} LISTEN 0 128 127.0.0.1:$P 0.0.0.0:*" \
			"$(sed -n 2p "$SC_TMP/out")"
	fi
	if sc_list --all-netns -tln -J "$F and netns = $NS_B"; then
		python3 -c '
import json, sys
print(json.load(open(sys.argv[1]))["sockets"][0]["container"])' \
			"$SC_TMP/out" >"$SC_TMP/py" 2>&1
		assert_eq "-J: container" "podman:${HEX_P:0:12}" "$(cat "$SC_TMP/py")"
	fi
else
	echo "note: no writable cgroup v2 hierarchy: container labels not checked"
fi

# ---- unprivileged: what it can reach, and a note for the rest ------------
can_setpriv() {
	command -v setpriv >/dev/null 2>&1 &&
		setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null
}
if can_setpriv; then
	SC_RC=0
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$SOCKSCOPE" --all-netns -tln -H --output=netns_inode,inode "$F" \
		>"$SC_TMP/out" 2>"$SC_TMP/err" || SC_RC=$?
	assert_eq "unprivileged --all-netns exits 0" 0 "$SC_RC"
	assert_eq "unprivileged --all-netns: our own namespace's listener" \
		"$NSI_OWN $INO_OWN" "$(squeeze <"$SC_TMP/out" | sed 's/^ //')"
	if grep -Eq '^sockscope: [0-9]+ network namespaces skipped \(entering needs CAP_SYS_ADMIN; run as root\)$' \
		"$SC_TMP/err"; then
		pass "unprivileged --all-netns: one note says what was skipped and why"
	else
		fail "unprivileged --all-netns: one note says what was skipped and why" \
			"sockscope: N network namespaces skipped (entering needs CAP_SYS_ADMIN; run as root)" \
			"$(cat "$SC_TMP/err")"
	fi
	assert_eq "unprivileged --all-netns: nothing else on stderr" 1 \
		"$(wc -l <"$SC_TMP/err")"
	SC_RC=0
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$SOCKSCOPE" --all-netns -tln -J "$F" >"$SC_TMP/out" \
		2>"$SC_TMP/err" || SC_RC=$?
	python3 -c '
import json, sys
n = json.load(open(sys.argv[1]))["netns"]
print(n["skipped"] >= 2, n["skipped_reason"])' "$SC_TMP/out" >"$SC_TMP/py" 2>&1
	assert_eq "unprivileged --all-netns -J: the report says the same" \
		"True network namespaces skipped (entering needs CAP_SYS_ADMIN; run as root)" \
		"$(sed 's/^True [0-9]* /True /' "$SC_TMP/py")"
	SC_RC=0
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$SOCKSCOPE" -N "$NS_A" -tln >"$SC_TMP/out" 2>"$SC_TMP/err" ||
		SC_RC=$?
	assert_eq "unprivileged -N NAME: exit 1 and why" \
		"1 sockscope: cannot enter network namespace '$NS_A': Operation not permitted (entering needs CAP_SYS_ADMIN; run as root)" \
		"$SC_RC $(cat "$SC_TMP/err")"
	SC_RC=0
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$SOCKSCOPE" -N /proc/self/ns/net -tln -H --output=inode "$F" \
		>"$SC_TMP/out" \
		2>"$SC_TMP/err" || SC_RC=$?
	assert_eq "unprivileged -N of its own namespace: listed" \
		"0 $INO_OWN" "$SC_RC $(tr -d ' ' <"$SC_TMP/out")$(cat "$SC_TMP/err")"
else
	echo "note: no setpriv: the unprivileged run is not checked"
fi

# ---- errors -----------------------------------------------------------------
check_err() {
	local what=$1 rc=$2 msg=$3
	shift 3
	run_sc "$@"
	assert_eq "$what" "$rc $msg" "$SC_RC $(head -n 1 "$SC_TMP/err")"
}
check_err "-N with no such name" 1 \
	"sockscope: no network namespace 'sockscope-test-$$-none' (no /var/run/netns/sockscope-test-$$-none)" \
	-N "sockscope-test-$$-none"
check_err "-N '..'" 2 "sockscope: invalid network namespace name '..'" -N ..
check_err "-N ''" 2 "sockscope: -N needs a namespace name, pid or path" -N ''
check_err "-N a regular file" 1 \
	"sockscope: '$SC_TMP/out' is not a namespace file (nsfs)" -N "$SC_TMP/out"
check_err "-N another kind of namespace" 1 \
	"sockscope: '/proc/self/ns/uts' is not a network namespace" \
	-N /proc/self/ns/uts
check_err "-N no such pid" 1 "sockscope: no process 4000000000" -N 4000000000
check_err "-N and --all-netns" 2 \
	"sockscope: -N lists one network namespace, --all-netns every one: choose one" \
	-N "$NS_A" --all-netns
check_err "--all-netns --replay" 2 \
	"sockscope: --replay shows recorded sockets; it cannot be combined with --all-netns" \
	--all-netns --replay "$SC_TMP/none"
check_err "--all-netns --record" 2 \
	"sockscope: --record saves one namespace's answers; use -N NS to record another namespace" \
	--all-netns --record "$SC_TMP/rec"
run_sc -N "$NS_A" -tln --record "$SC_TMP/rec" -H --output=inode "$F"
assert_eq "-N --record: records that namespace" "0 $INO_A" \
	"$SC_RC $(tr -d ' ' <"$SC_TMP/out")"
run_sc --replay "$SC_TMP/rec" -tln -H --output=inode "$F"
assert_eq "... and the recording replays it" "0 $INO_A" \
	"$SC_RC $(tr -d ' ' <"$SC_TMP/out")"

sc_done
