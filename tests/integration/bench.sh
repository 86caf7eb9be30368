#!/bin/bash
# bench.sh - sockscope bench: the JSON document over every transport at
# two sizes (percentiles in order, ratios and rates consistent with the
# figures they come from), the table, skipped sizes with their reason,
# bulk mode, --count, pinning, usage errors, a write error, and that the
# echo process dies with the measuring one and leaves nothing behind.
. "$(dirname "$0")/lib.sh"

if ! command -v jq >/dev/null 2>&1; then
	echo "SKIP: $SC_NAME: jq is needed to check the JSON"
	exit 77
fi

# Bench's own temp files, if it made any, would land here.
export TMPDIR=$SC_TMP/tmp
mkdir -p "$TMPDIR"

# Is ::1 usable in this namespace? Without it tcp6/udp6 are skipped.
have_ipv6=0
if [ -e /proc/net/if_inet6 ] && ip -6 addr show dev lo 2>/dev/null | grep -q '::1/'; then
	have_ipv6=1
fi

all='unix unix-dgram unix-seqpacket tcp4 tcp6 udp4 udp6'

# ---- JSON: every transport at 4 bytes and 1 KiB ------------------------------
if sc_list bench --json --duration=200ms --transports=all --size=4,1K; then
	cp "$SC_TMP/out" "$SC_TMP/all.json"
	assert_eq "the document is JSON with schema_version 1" 1 \
		"$(jq '.schema_version' "$SC_TMP/all.json" 2>&1)"
	assert_eq "conditions: mode, sizes, duration, warm-up, pinning" \
		'"pingpong" [4,1024] 200000000 1000 null null' \
		"$(jq -r '.conditions | [.mode, .sizes, .duration_ns, .warmup, .pin, .count] | map(tojson) | join(" ")' "$SC_TMP/all.json")"
	assert_eq "conditions: kernel and CPUs as this machine has them" \
		"$(uname -r) $(getconf _NPROCESSORS_ONLN)" \
		"$(jq -r '.conditions | "\(.kernel.release) \(.cpus_online)"' "$SC_TMP/all.json")"

	# each transport and size once, measured or (IPv6 only) skipped
	for t in $all; do
		for s in 4 1024; do
			n=$(jq --arg t "$t" --argjson s "$s" \
				'[.results[] | select(.transport == $t and .size == $s)] | length' \
				"$SC_TMP/all.json")
			k=$(jq --arg t "$t" --argjson s "$s" \
				'[.skipped[] | select(.transport == $t and .size == $s and (.reason | length) > 0)] | length' \
				"$SC_TMP/all.json")
			case $t in
			tcp6|udp6) [ "$have_ipv6" -eq 1 ] && want='1 0' || want='0 1' ;;
			*) want='1 0' ;;
			esac
			assert_eq "$t at $s bytes: measured (or skipped without ::1)" \
				"$want" "$n $k"
		done
	done

	# the figures of each result agree with one another
	bad=$(jq -r '
		. as $d
		| .results[]
		| . as $r
		| ($d.results[] | select(.transport == "unix" and .size == $r.size)) as $u
		| .latency_ns as $l
		| [
			(if .mode != "pingpong" then "mode" else empty end),
			(if .round_trips > 0 and .seconds > 0 and .round_trips_per_sec > 0
			    and .throughput_bytes_per_sec > 0 then empty else "not positive" end),
			(if 0 < $l.min and $l.min <= $l.p50 and $l.p50 <= $l.p90 and
			    $l.p90 <= $l.p99 and $l.p99 <= $l.max then empty
			 else "percentiles out of order" end),
			(if $l.min <= $l.mean and $l.mean <= $l.max then empty else "mean outside min..max" end),
			(if (.round_trips_per_sec - .round_trips / .seconds | fabs)
			    <= 0.001 * .round_trips_per_sec then empty else "rt/s != round_trips/seconds" end),
			(if ($l.mean - .seconds * 1e9 / .round_trips | fabs) <= 0.001 * $l.mean
			    then empty else "mean != seconds/round_trips" end),
			(if (.throughput_bytes_per_sec - .round_trips_per_sec * .size | fabs)
			    <= 0.001 * .throughput_bytes_per_sec then empty else "throughput != rt/s * size" end),
			(if (.ratio_to_unix - $l.p50 / $u.latency_ns.p50 | fabs) <= 0.0001
			    then empty else "ratio_to_unix != p50 / unix p50" end),
			(if (.ratio_to_unix_mean - $l.mean / $u.latency_ns.mean | fabs) <= 0.001
			    then empty else "ratio_to_unix_mean != mean / unix mean" end),
			(if .seconds >= 0.2 and .seconds < 1 then empty else "not about --duration long" end)
		  ]
		| select(length > 0)
		| "\($r.transport) \($r.size): \(join(", "))"' "$SC_TMP/all.json" 2>&1)
	assert_eq "every result consistent (positive, ordered percentiles, rates, ratios)" "" "$bad"
	assert_eq "unix's ratio is 1 at each size" "1 1" \
		"$(jq -r '[.results[] | select(.transport == "unix") | .ratio_to_unix] | join(" ")' "$SC_TMP/all.json")"
	assert_eq "unix is measured first at each size" "unix unix" \
		"$(jq -r '[.results | group_by(.size)[] | .[0].transport] | join(" ")' "$SC_TMP/all.json")"
fi

# ---- the table prints every transport ----------------------------------------
if sc_list bench --duration=30ms --warmup=100 --transports=all; then
	head -n 1 "$SC_TMP/out" >"$SC_TMP/first"
	assert_eq "the table starts with what it measures" \
		"sockscope bench: ping-pong round trips between two processes" \
		"$(cat "$SC_TMP/first")"
	for what in '^kernel: *Linux ' '^cpus: *[0-9]+ online' '^pinning: *none' \
		'^clock: *CLOCK_MONOTONIC' '^run: *30 ms per transport and size, after 100 untimed'; do
		if grep -Eq "$what" "$SC_TMP/out"; then
			pass "table conditions: $what"
		else
			fail "table conditions: $what" "a line matching $what" "$(head -n 12 "$SC_TMP/out")"
		fi
	done
	assert_eq "table header" \
		"transport size rt/s p50 p90 p99 max MiB/s ratio" \
		"$(grep '^transport ' "$SC_TMP/out" | squeeze)"
	for t in $all; do
		row=$(grep -E "^$t +4B " "$SC_TMP/out" | squeeze)
		# rt/s, p50, p90, p99, max, MiB/s, ratio
		row_re="^$t 4B [0-9]+( [0-9]+\.[0-9]{2}){5} [0-9]+\.[0-9]{2}x\$"
		case $t in
		tcp6|udp6)
			if [ "$have_ipv6" -eq 0 ]; then
				row_re="^$t 4B skipped: IPv6 loopback"
			fi ;;
		esac
		if [[ $row =~ $row_re ]]; then
			pass "table row for $t"
		else
			fail "table row for $t" "$row_re" "$row"
		fi
	done
	assert_eq "unix's ratio in the table" "1.00x" \
		"$(awk '$1 == "unix" { print $NF }' "$SC_TMP/out")"
fi

# ---- a size UDP cannot carry is skipped, with the reason ----------------------
if sc_list bench --json --count=200 --warmup=10 --transports=udp4,unix --size=64K; then
	assert_eq "udp4 at 64 KiB is skipped with its reason" \
		"udp4 65536 larger than the largest UDP payload over IPv4 (65507 bytes)" \
		"$(jq -r '.skipped[] | "\(.transport) \(.size) \(.reason)"' "$SC_TMP/out")"
	assert_eq "unix at 64 KiB is measured, --count round trips exactly" \
		"unix 65536 200" \
		"$(jq -r '.results[] | "\(.transport) \(.size) \(.round_trips)"' "$SC_TMP/out")"
fi
if sc_list bench --count=200 --warmup=10 --transports=udp4 --size=64K; then
	assert_row "the table says why udp4 at 64 KiB is missing" \
		"udp4 64KiB skipped: larger than the largest UDP payload over IPv4 (65507 bytes)" \
		"$(grep '^udp4 ' "$SC_TMP/out")"
fi

# ---- bulk: what was sent arrives (all of it, but over UDP) --------------------
if sc_list bench --bulk --json --count=3000 --warmup=10 \
	--transports=unix,unix-seqpacket,unix-dgram,tcp4,udp4 --size=1K; then
	assert_eq "bulk: every reliable transport delivers every byte" \
		"unix 3000 3072000 3072000 true
unix-seqpacket 3000 3072000 3072000 true
unix-dgram 3000 3072000 3072000 true
tcp4 3000 3072000 3072000 true" \
		"$(jq -r '.results[] | select(.transport != "udp4")
			| "\(.transport) \(.messages) \(.bytes) \(.delivered_bytes) \(.throughput_bytes_per_sec > 0 and .latency_ns == null)"' "$SC_TMP/out")"
	assert_eq "bulk: udp4 delivers at most what was sent, in whole datagrams" \
		"true" \
		"$(jq -r '.results[] | select(.transport == "udp4")
			| .delivered_bytes <= .bytes and .delivered_bytes == .delivered_messages * 1024 and .delivered_messages > 0' "$SC_TMP/out")"
	assert_eq "bulk: ratio is unix throughput over this one's" "" \
		"$(jq -r '. as $d | .results[] | . as $r
			| ($d.results[] | select(.transport == "unix")) as $u
			| select((.ratio_to_unix - $u.throughput_bytes_per_sec / .throughput_bytes_per_sec | fabs) > 0.001)
			| .transport' "$SC_TMP/out")"
fi

# ---- pinning: both ends on the first CPU this process may use -----------------
cpu=$(jq -r '.conditions.cpus_allowed_list' "$SC_TMP/all.json" 2>/dev/null | sed 's/[-,].*//')
if [ -n "$cpu" ] && sc_list bench --json --count=500 --transports=unix --pin="$cpu,$cpu"; then
	assert_eq "--pin is stated in the conditions" "$cpu $cpu" \
		"$(jq -r '.conditions.pin | "\(.measure) \(.echo)"' "$SC_TMP/out")"
fi

# ---- usage errors: one line, the help hint, exit 2 ------------------------------
check_usage() {
	local want=$1 shown
	shift
	shown=$(sc_visible "$*")
	run_sc bench "$@"
	assert_eq "bench $shown: exit 2, nothing on stdout" "2 0" "$SC_RC $(wc -c <"$SC_TMP/out")"
	assert_eq "bench $shown: the error line" "$want" "$(head -n 1 "$SC_TMP/err")"
	assert_eq "bench $shown: then the help hint" \
		"Try 'sockscope bench --help' for more information." \
		"$(sed -n '2,$p' "$SC_TMP/err")"
}
check_usage "sockscope bench: invalid --size '0' (expected bytes from 1 to 16777216, optionally with K, M or G)" \
	--size=0
check_usage "sockscope bench: invalid --transports 'bogus' (expected unix, unix-dgram, unix-seqpacket, tcp4, tcp6, udp4, udp6 or all)" \
	--transports=unix,bogus
allowed=$(jq -r '.conditions.cpus_allowed_list' "$SC_TMP/all.json" 2>/dev/null)
check_usage "sockscope bench: invalid --pin '9999,0': CPU 9999 is not available (this process may use CPUs $allowed)" \
	--pin=9999,0
check_usage "sockscope bench: invalid --pin '0' (expected two CPU numbers, the measuring end's and the echo end's, e.g. 0,1)" \
	--pin=0
check_usage "sockscope bench: invalid --duration '0' (must be more than 0)" --duration=0
check_usage "sockscope bench: invalid --count '1x' (expected a whole number from 1 to 1000000000000)" --count=1x
check_usage "sockscope bench: unrecognized option '--bogus'" --bogus
check_usage "sockscope bench: unexpected argument 'extra'" extra
check_usage "sockscope bench: invalid --size '\\e[31m' (expected bytes from 1 to 16777216, optionally with K, M or G)" \
	"--size=$(printf '\033[31m')"

run_sc bench --help
assert_eq "bench --help: exit 0, usage on stdout" "0 Usage: sockscope bench [OPTION]..." \
	"$SC_RC $(head -n 1 "$SC_TMP/out")"

# ---- a write error is reported, exit 1 --------------------------------------------
if [ -w /dev/full ]; then
	SC_RC=0
	"$SOCKSCOPE" bench --count=100 --transports=unix >/dev/full 2>"$SC_TMP/err" || SC_RC=$?
	assert_eq "bench >/dev/full" "1 sockscope bench: write error: No space left on device" \
		"$SC_RC $(cat "$SC_TMP/err")"
fi

# ---- the echo process dies with the measuring one; nothing is left behind -------
"$SOCKSCOPE" bench --duration=30s --warmup=4242 --transports=unix-dgram >/dev/null 2>&1 &
bench_pid=$!
SC_PIDS="$SC_PIDS $bench_pid"
child=''
for _ in $(seq 100); do
	child=$(ps -o pid= --ppid "$bench_pid" | tr -d ' ')
	[ -n "$child" ] && break
	sleep 0.05
done
if [ -z "$child" ]; then
	fail "bench started an echo process"
else
	pass "bench started an echo process"
	kill -KILL "$bench_pid"
	wait "$bench_pid" 2>/dev/null
	gone=no
	for _ in $(seq 100); do
		if ! kill -0 "$child" 2>/dev/null; then
			gone=yes
			break
		fi
		sleep 0.05
	done
	assert_eq "the echo process dies with the measuring process" yes "$gone"
fi
assert_eq "no bench process is left" "" \
	"$(ps -eo args | grep -e '--warmup=4242' | grep -v grep)"
assert_eq "nothing left in TMPDIR" "" "$(ls -A "$TMPDIR")"

sc_done
