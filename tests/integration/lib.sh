# lib.sh - sourced by every integration test: re-runs the test under bash in
# a private network namespace, and gives it a temp dir, assertions and sockpop.
#
# Environment (set by make check; give them by hand to run a test alone):
#   SOCKSCOPE  the binary under test      SOCKPOP      the population program
#   top_srcdir the source tree (optional) FIXTURE_DIR  recorded fixtures
# e.g. SOCKSCOPE=build/src/sockscope SOCKPOP=build/tests/integration/sockpop \
#      sh tests/integration/listing.sh
# Exit status follows automake: 0 pass, 1 fail, 77 skip, 99 hard error.

# make check runs tests with $(SHELL), which may be a plain POSIX sh: the
# tests are bash, so switch before anything bash-specific is parsed.
if [ -z "${BASH_VERSION-}" ]; then
	if command -v bash >/dev/null 2>&1; then
		exec bash "$0" "$@"
	fi
	echo "SKIP: $0 needs bash"
	exit 77
fi

# unshare(1) execs in place, so the pid survives the switch: a matching
# SC_NETNS_PID tells the re-run copy apart from a stale exported value.
#
# A test that looks at every namespace on the host (--all-netns) sets
# SC_PRIVATE_HOST=1 before sourcing this: as root it then runs in its own
# pid and mount namespaces too, with a /proc of its own and an empty
# /var/run/netns, so that it sees its own namespaces and processes only,
# not those of the tests running beside it. There it is pid 1 (unshare
# --fork), which tells the copy apart.
sc_private_copy() {
	[ -n "${SC_PRIVATE_HOST-}" ] && [ "$$" = 1 ] && [ -n "${SC_NETNS_PID-}" ]
}
if [ "${SC_NETNS_PID-}" != "$$" ] && ! sc_private_copy; then
	SC_NETNS_PID=$$
	SC_NETNS_OUTER=$(readlink /proc/self/ns/net)
	export SC_NETNS_PID SC_NETNS_OUTER
	if [ -n "${SC_PRIVATE_HOST-}" ] && [ "$(id -u)" -eq 0 ] &&
		unshare -n -m -p --fork --mount-proc true 2>/dev/null; then
		export SC_PRIVATE_HOST
		exec unshare -n -m -p --fork --mount-proc --propagation private \
			bash "$0" "$@"
	fi
	unset SC_PRIVATE_HOST
	if [ "$(id -u)" -eq 0 ] && unshare -n true 2>/dev/null; then
		exec unshare -n bash "$0" "$@"
	fi
	if unshare -rn true 2>/dev/null; then
		exec unshare -rn bash "$0" "$@"
	fi
	echo "SKIP: $0: cannot create a private network namespace (unshare -n and unshare -rn failed)"
	exit 77
fi
unset SC_NETNS_PID
if [ "$(readlink /proc/self/ns/net)" = "$SC_NETNS_OUTER" ]; then
	echo "ERROR: $0: still in the outer network namespace after unshare"
	exit 99
fi
if [ -n "${SC_PRIVATE_HOST-}" ]; then
	if ! { mkdir -p /var/run/netns &&
		mount -t tmpfs -o size=1m,mode=755 sockscope-test /var/run/netns; }; then
		echo "ERROR: $0: cannot give the test an empty /var/run/netns"
		exit 99
	fi
fi
if ! command -v ip >/dev/null 2>&1; then
	echo "SKIP: $0: ip(8) is needed to bring up lo in the test namespace"
	exit 77
fi
if ! ip link set lo up; then
	echo "ERROR: $0: cannot bring up lo in the test namespace"
	exit 99
fi
# Clients take their ports from 61000-64999 here, above every fixed port
# the tests bind: a connect() made before a listener binds cannot take the
# listener's port (the range is the namespace's own; best effort).
echo "61000 64999" >/proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true

set -u
export LC_ALL=C
unset LANG LANGUAGE COLUMNS

SC_NAME=$(basename "$0" .sh)
SC_FAILS=0
SC_PIDS=
SC_TMP=

# Print a fatal setup problem and stop (automake's "hard error").
die() {
	echo "ERROR: $SC_NAME: $*"
	exit 99
}

# Stop the processes the test started (SC_PIDS): SIGTERM, then wait for
# each. Tests with a cleanup of their own call it first.
sc_stop_pids() {
	local pid
	for pid in $SC_PIDS; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in $SC_PIDS; do
		wait "$pid" 2>/dev/null
	done
	SC_PIDS=
}

SC_NETNS_MADE=

sc_cleanup() {
	local ns
	sc_stop_pids
	for ns in $SC_NETNS_MADE; do
		ip netns del "$ns" 2>/dev/null
	done
	SC_NETNS_MADE=
	if [ -n "$SC_TMP" ]; then
		rm -rf "$SC_TMP"
	fi
}
trap sc_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Unix socket paths are limited to 108 bytes: keep the temp dir short.
sc_tmpbase=${TMPDIR:-/tmp}
if [ "${#sc_tmpbase}" -gt 40 ]; then
	sc_tmpbase=/tmp
fi
SC_TMP=$(mktemp -d "$sc_tmpbase/sockscope-$SC_NAME.XXXXXX") ||
	die "cannot create a temp dir in $sc_tmpbase"
unset sc_tmpbase

if [ -z "${SOCKSCOPE-}" ] && [ -n "${top_builddir-}" ]; then
	SOCKSCOPE=$top_builddir/src/sockscope
fi
if [ -z "${SOCKPOP-}" ] && [ -n "${top_builddir-}" ]; then
	SOCKPOP=$top_builddir/tests/integration/sockpop
fi
[ -n "${SOCKSCOPE-}" ] || die "set SOCKSCOPE to the sockscope binary"
[ -x "$SOCKSCOPE" ] || die "SOCKSCOPE=$SOCKSCOPE is not an executable"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${FIXTURE_DIR:=$top_srcdir/tests/fixtures}"

# Show text with control and non-ASCII bytes made visible (^[ for ESC,
# M-... for high bytes), so a failure report cannot garble the log.
sc_visible() {
	printf '%s\n' "$1" | cat -v
}

# fail WHAT EXPECTED GOT: report a failed check and go on; sc_done turns
# any failure into the exit status.
fail() {
	SC_FAILS=$((SC_FAILS + 1))
	echo "FAIL: $1"
	if [ $# -ge 3 ]; then
		echo "  expected: $(sc_visible "$2")"
		echo "  got:      $(sc_visible "$3")"
	fi
}

# wait_until COMMAND: eval COMMAND every 0.1 s until it succeeds, for at
# most WAIT_TENTHS tenths of a second (default 200; valgrind is slow).
# Returns 1 if it never did.
wait_until() {
	local i
	for ((i = 0; i < ${WAIT_TENTHS:-200}; i++)); do
		eval "$1" && return 0
		sleep 0.1
	done
	return 1
}

# sc_netns_add NAME...: named network namespaces (ip netns add) with lo
# up, deleted at exit. Without root, or where the first cannot be made, the
# test is skipped.
sc_netns_add() {
	local ns
	if [ "$(id -u)" -ne 0 ]; then
		echo "SKIP: $SC_NAME: needs root to create network namespaces"
		exit 77
	fi
	for ns in "$@"; do
		if ! ip netns add "$ns" 2>"$SC_TMP/ipns.err"; then
			if [ -z "$SC_NETNS_MADE" ]; then
				echo "SKIP: $SC_NAME: ip netns add failed: $(cat "$SC_TMP/ipns.err")"
				exit 77
			fi
			die "cannot add network namespace $ns: $(cat "$SC_TMP/ipns.err")"
		fi
		SC_NETNS_MADE="$SC_NETNS_MADE $ns"
		ip -n "$ns" link set lo up || die "cannot bring up lo in $ns"
	done
}

# sc_netns_holder: a process (sleep) holding a network namespace of its
# own with lo up, stopped at exit; its pid in SC_HOLDER.
sc_netns_holder() {
	unshare -n sh -c 'ip link set lo up && exec sleep 1000' &
	SC_HOLDER=$!
	SC_PIDS="$SC_PIDS $SC_HOLDER"
	wait_until '[ "$(readlink "/proc/$SC_HOLDER/ns/net" 2>/dev/null)" != \
		"$(readlink /proc/self/ns/net)" ] &&
		[ "$(cat "/proc/$SC_HOLDER/comm" 2>/dev/null)" = sleep ]' ||
		die "the unshare -n holder did not start"
}

pass() {
	echo "ok: $1"
}

# Runs of spaces become one (column padding is not part of a row's value).
squeeze() {
	tr -s ' '
}

# assert_eq WHAT EXPECTED GOT: exact comparison.
assert_eq() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1" "$2" "$3"
	fi
}

# assert_row WHAT EXPECTED GOT: one output row, compared after squeezing
# runs of spaces in GOT (EXPECTED is written with single spaces).
assert_row() {
	local got
	got=$(printf '%s' "$3" | squeeze)
	if [ "$2" = "$got" ]; then
		pass "$1"
	else
		fail "$1" "$2" "$got"
	fi
}

# assert_same_lines WHAT EXPECTED_FILE GOT_FILE: the same lines in the same
# order; prints a diff on failure.
assert_same_lines() {
	if diff -u "$2" "$3" >"$SC_TMP/diff" 2>&1; then
		pass "$1"
	else
		fail "$1"
		echo "  --- expected  +++ got"
		cat -v "$SC_TMP/diff" | sed 's/^/  /'
	fi
}

# assert_same_set WHAT EXPECTED_FILE GOT_FILE: the same lines in any order.
assert_same_set() {
	LC_ALL=C sort "$2" >"$SC_TMP/set.exp"
	LC_ALL=C sort "$3" >"$SC_TMP/set.got"
	assert_same_lines "$1" "$SC_TMP/set.exp" "$SC_TMP/set.got"
}

# run_sc ARGS...: run sockscope; stdout in $SC_TMP/out, stderr in
# $SC_TMP/err, exit status in SC_RC.
run_sc() {
	SC_RC=0
	"$SOCKSCOPE" "$@" >"$SC_TMP/out" 2>"$SC_TMP/err" || SC_RC=$?
}

# sc_list ARGS...: run_sc, and fail unless it exited 0 with stderr empty.
# Returns non-zero if it did not.
sc_list() {
	run_sc "$@"
	if [ "$SC_RC" -ne 0 ] || [ -s "$SC_TMP/err" ]; then
		fail "sockscope $* exits 0 without messages" "exit 0, no stderr" \
			"exit $SC_RC, stderr: $(head -c 400 "$SC_TMP/err")"
		return 1
	fi
	return 0
}

# sc_start_pop NAME PROGRAM DIR MANIFEST ARGS...: run a population
# program (sockpop, ownpop) with --manifest MANIFEST --dir DIR ARGS, in the
# background, and wait for its "ready" line; it is stopped at exit.
sc_start_pop() {
	local name=$1 prog=$2 dir=$3 manifest=$4 fifo=$SC_TMP/$1.fifo line=''
	shift 4
	[ -n "$prog" ] || die "set ${name^^} to the $name program"
	[ -x "$prog" ] || die "${name^^}=$prog is not an executable"
	mkdir -p "$dir" || die "cannot create $dir"
	mkfifo "$fifo" || die "cannot create $fifo"
	"$prog" --manifest "$manifest" --dir "$dir" "$@" \
		>"$fifo" 2>"$SC_TMP/$name.err" &
	SC_PIDS="$SC_PIDS $!"
	exec 9<"$fifo"
	read -r -t 20 -u 9 line || true
	exec 9<&-
	if [ "$line" != ready ]; then
		die "$name $* did not get ready: $(cat "$SC_TMP/$name.err")"
	fi
}

# start_sockpop ARGS...: build a population (sockpop ARGS) and wait for its
# "ready" line. Sets SC_SOCKDIR (where its Unix sockets live) and
# SC_MANIFEST, and defines ino_<id> and peer_<id> (ids with '-' as '_')
# from the manifest.
start_sockpop() {
	local id ino pino
	SC_SOCKDIR=$SC_TMP/s
	SC_MANIFEST=$SC_TMP/manifest
	sc_start_pop sockpop "${SOCKPOP-}" "$SC_SOCKDIR" "$SC_MANIFEST" "$@"
	while IFS=$'\t' read -r id _ _ _ _ ino pino; do
		id=${id//-/_}
		printf -v "ino_$id" '%s' "$ino"
		printf -v "peer_$id" '%s' "$pino"
	done <"$SC_MANIFEST"
}

# services_name PORT PROTO: the first name /etc/services gives the port,
# or the port itself; sockscope resolves ports this way unless -n.
services_name() {
	local name=
	if [ -r /etc/services ]; then
		name=$(awk -v want="$1/$2" '
			{ sub(/#.*/, "") }
			$2 == want { print $1; exit }' /etc/services)
	fi
	printf '%s\n' "${name:-$1}"
}

# sc_normalize QUEUES < listing: a listing of ss or of sockscope in a form
# the other's can be compared with: the header's column names (without
# ss's Process) on the first line, then one line per row: netid, state,
# local and peer as far as the listing shows them, and with QUEUES=1 also
# Recv-Q and Send-Q (which the two tools read at different moments).
# Rows are sorted: the order within a table is the kernel's hash order,
# which the two tools need not share.
sc_normalize() {
	awk -v queues="$1" '
	NR == 1 {
		lead = 0
		for (i = 1; i <= NF; i++) if ($i == "Recv-Q") lead = i - 1
		h = ""
		for (i = 1; i <= NF; i++) {
			t = $i
			sub(/Process$/, "", t)
			if (t != "") h = h (h == "" ? "" : " ") t
		}
		print h
		next
	}
	{
		r = ""
		for (i = 1; i <= NF; i++) {
			if (!queues && (i == lead + 1 || i == lead + 2)) continue
			r = r (r == "" ? "" : " ") $i
		}
		print r | "LC_ALL=C sort"
	}'
}

# sc_done: the exit status of the test.
sc_done() {
	if [ "$SC_FAILS" -ne 0 ]; then
		echo "$SC_NAME: $SC_FAILS check(s) failed"
		exit 1
	fi
	echo "$SC_NAME: all checks passed"
	exit 0
}
