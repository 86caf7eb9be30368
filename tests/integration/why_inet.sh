#!/bin/bash
# why_inet.sh - sockscope why HOST:PORT in the test's network namespace,
# run as nobody (setpriv): nothing listening; a server on 127.0.0.1 while
# the target is ::1; a server on a specific address (10.9.8.7 on lo); a
# full accept queue; dual-stack; UDP with a datagram probe. Each verdict
# names the cause and the fix, and the real connect() gives the errno the
# checks predicted. Listeners are `sockscope serve`.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ownpop.bash"

if ! can_setpriv; then
	echo "SKIP: $SC_NAME: needs root and setpriv to run as another user"
	exit 77
fi
if ! command -v jq >/dev/null 2>&1; then
	echo "SKIP: $SC_NAME: jq is needed"
	exit 77
fi
NOBODY=$(id -un 65534 2>/dev/null) || NOBODY=65534

# start_serve NAME ARGS...: sockscope serve ARGS in the background until its
# listening line; sets pid_NAME. Stopped at exit.
start_serve() {
	local name=$1 out=$SC_TMP/serve.$1.out line='' i
	shift
	: >"$out"
	"$SOCKSCOPE" serve "$@" >"$out" 2>"$SC_TMP/serve.$name.err" &
	SC_PIDS="$SC_PIDS $!"
	printf -v "pid_$name" '%s' "$!"
	for i in $(seq 200); do
		line=$(head -n 1 "$out")
		case $line in listening*) break ;; esac
		sleep 0.05
	done
	case $line in
	listening*) ;;
	*) die "serve $* did not start: $(cat "$SC_TMP/serve.$name.err")" ;;
	esac
}

# why_nobody ARGS...: sockscope why ARGS as nobody; output in $SC_TMP/out.
why_nobody() {
	SC_RC=0
	setpriv --reuid=65534 --regid=65534 --clear-groups "$SOCKSCOPE" why \
		"$@" >"$SC_TMP/out" 2>"$SC_TMP/err" || SC_RC=$?
}

# check_why WHAT CAUSE ERRNO FIX: as in why_unix.sh.
check_why() {
	local what=$1 cause=$2 errno=$3 fix=$4 rc=1 j=$SC_TMP/out
	[ "$errno" = ok ] && rc=0
	assert_eq "$what: exit status" "$rc" "$SC_RC"
	assert_eq "$what: no messages" "" "$(head -c 300 "$SC_TMP/err")"
	if ! jq -e . "$j" >/dev/null 2>&1; then
		fail "$what: valid JSON" "a document" "$(head -c 300 "$j")"
		return
	fi
	assert_eq "$what: schema" 1 "$(jq -r .schema_version "$j")"
	assert_eq "$what: cause" "$cause" "$(jq -r .verdict.cause "$j")"
	assert_eq "$what: fix" "$fix" "$(jq -r '.verdict.fix // "none"' "$j")"
	assert_eq "$what: the probe's errno" "$errno" \
		"$(jq -r 'if .probe.errno == 0 then "ok" else .probe.name end' "$j")"
	assert_eq "$what: as predicted" "true" "$(jq -r .agree "$j")"
}

finding_marks() {
	jq -r --arg c "$1" '[.findings[] | select(.check == $c) | .mark] |
		join(" ")' "$SC_TMP/out"
}

# ---- nothing listening ----------------------------------------------------------------------
why_nobody -J 127.0.0.1:7101
check_why "nothing listening" nothing_listening ECONNREFUSED \
	"start the server on TCP port 7101"
assert_eq "nothing listening: runs as nobody" "$NOBODY 65534" \
	"$(jq -r '"\(.user) \(.uid)"' "$SC_TMP/out")"
# :PORT is localhost; a well-known port names its service
why_nobody -J :5432
check_why "nothing on :5432" nothing_listening ECONNREFUSED \
	"sudo systemctl start postgresql"
assert_eq ":5432 is localhost" localhost \
	"$(jq -r '.what | sub(".* on "; "")' "$SC_TMP/out")"
why_nobody :7101
assert_eq "nothing listening (text): verdict" 1 \
	"$(grep -c '^Verdict: No socket listens on TCP port 7101' "$SC_TMP/out")"
assert_eq "nothing listening (text): probe line" \
	"connect() as $NOBODY: ECONNREFUSED (Connection refused) -- as predicted" \
	"$(grep '^connect() as ' "$SC_TMP/out")"

# ---- a server on 127.0.0.1, a client on ::1 ---------------------------------------------
start_serve v4 tcp 127.0.0.1:7102
why_nobody -J '[::1]:7102'
check_why "127.0.0.1 only, target ::1" wrong_address ECONNREFUSED \
	"connect to 127.0.0.1:7102"
assert_eq "127.0.0.1 only: the listener is found, the address fails" \
	"ok fail" "$(finding_marks listener) $(finding_marks address)"
why_nobody -J 127.0.0.1:7102
check_why "127.0.0.1 only, target 127.0.0.1" ok ok none
# localhost: whatever order the resolver gives, a client that tries each
# address gets through
why_nobody -J localhost:7102
check_why "127.0.0.1 only, target localhost" ok ok none

# ---- a server on one specific address -----------------------------------------------------
if ip addr add 10.9.8.7/32 dev lo 2>"$SC_TMP/ip.err"; then
	start_serve spec tcp 10.9.8.7:7103 --allow-remote
	why_nobody -J 127.0.0.1:7103
	check_why "a specific address" wrong_address ECONNREFUSED \
		"connect to 10.9.8.7:7103"
	assert_eq "a specific address: the listener's address is shown" \
		"10.9.8.7" \
		"$(jq -r '.findings[] | select(.check == "listener") | .address' \
			"$SC_TMP/out")"
	why_nobody -J 10.9.8.7:7103
	check_why "the specific address itself" ok ok none
else
	fail "ip addr add 10.9.8.7/32 dev lo" "added" "$(cat "$SC_TMP/ip.err")"
fi

# ---- dual-stack: [::] takes IPv4 too, unless IPV6_V6ONLY -------------------------------------
start_serve dual tcp '[::]:7104' --allow-remote
why_nobody -J 127.0.0.1:7104
check_why "dual-stack listener, IPv4 target" ok ok none
assert_eq "dual-stack: said so" 1 \
	"$(jq -r '.findings[] | select(.check == "address") | .text' \
		"$SC_TMP/out" | grep -c 'IPv4 too')"

# ---- a full accept queue ----------------------------------------------------------------------
start_serve full tcp 127.0.0.1:7105 --no-accept --backlog 1
# two connections complete into the queue of backlog 1: it is full
exec 7<>/dev/tcp/127.0.0.1/7105 8<>/dev/tcp/127.0.0.1/7105 ||
	die "cannot fill the accept queue"
why_nobody -J --timeout=1s 127.0.0.1:7105
check_why "full accept queue" queue_full ETIMEDOUT \
	"check the server: it does not call accept()"
assert_eq "full accept queue: pending and backlog" "2 1" \
	"$(jq -r '.findings[] | select(.check == "queue") |
		"\(.pending) \(.backlog)"' "$SC_TMP/out")"
# as root for nobody: the server is named
SC_RC=0
"$SOCKSCOPE" why -J --timeout=1s --user 65534 127.0.0.1:7105 \
	>"$SC_TMP/out" 2>"$SC_TMP/err" || SC_RC=$?
check_why "full accept queue (--user)" queue_full ETIMEDOUT \
	"check the server (pid $pid_full, $(cat "/proc/$pid_full/comm")): it does not call accept()"
exec 7<&- 8<&-

# ---- UDP ---------------------------------------------------------------------------------------
start_serve udp udp 127.0.0.1:7106
why_nobody -J --udp 127.0.0.1:7106
check_why "UDP, a server answers" ok ok none
assert_eq "UDP: the datagram was answered" answered \
	"$(jq -r .probe_note "$SC_TMP/out")"
why_nobody -J --udp 127.0.0.1:7107
check_why "UDP, nothing bound" nothing_listening ECONNREFUSED \
	"start the server on UDP port 7107"
why_nobody --udp 127.0.0.1:7107
assert_eq "UDP (text): probe line" \
	"datagram as $NOBODY: ECONNREFUSED (Connection refused) -- as predicted" \
	"$(grep '^datagram as ' "$SC_TMP/out")"

# ---- usage ----------------------------------------------------------------------------------------
for bad in host:0 host:65536 tcp://host: '::1:80' '[::1]80'; do
	run_sc why "$bad"
	assert_eq "why $bad: usage error" 2 "$SC_RC"
done
run_sc why --type=dgram 127.0.0.1:80
assert_eq "--type with HOST:PORT: usage error" 2 "$SC_RC"
why_nobody --user root 127.0.0.1:80
assert_eq "--user as nobody: usage error" 2 "$SC_RC"
why_nobody -J no-such-host.invalid:80
assert_eq "unresolvable: exit 1" 1 "$SC_RC"
assert_eq "unresolvable: the cause" unresolved \
	"$(jq -r .verdict.cause "$SC_TMP/out")"
assert_eq "unresolvable: no probe" "null" "$(jq -r .probe "$SC_TMP/out")"

# ---- valgrind ----------------------------------------------------------------------------------------
# Only for a plain binary: the suite runs this whole test under valgrind
# through a wrapper script, and an ASan build cannot run under it.
if command -v valgrind >/dev/null 2>&1 &&
	[ "$(head -c 4 "$SOCKSCOPE" | od -An -c | tr -d ' ')" = '177ELF' ] &&
	! grep -q __asan_init "$SOCKSCOPE"; then
	for args in "[::1]:7102" "--udp 127.0.0.1:7106"; do
		SC_RC=0
		# shellcheck disable=SC2086
		valgrind -q --leak-check=full --error-exitcode=99 \
			"$SOCKSCOPE" why -J $args \
			>"$SC_TMP/vg.out" 2>"$SC_TMP/vg.err" || SC_RC=$?
		case $args in --udp*) want=0 ;; *) want=1 ;; esac
		assert_eq "valgrind why $args: clean" "$want:" \
			"$SC_RC:$(head -c 600 "$SC_TMP/vg.err")"
	done
fi

sc_done
