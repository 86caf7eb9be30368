#!/bin/bash
# compare_ss.sh - sockscope and ss(8) list the same sockets, in the same
# states, with the same addresses, for the same selections (the base
# population; ss prints hostile names raw, so those are left out).
. "$(dirname "$0")/lib.sh"

if ! command -v ss >/dev/null 2>&1; then
	echo "SKIP: $SC_NAME: ss(8) is not installed"
	exit 77
fi

start_sockpop --base

# compare QUEUES ARGS...: both tools with the same arguments.
compare() {
	local queues=$1 what
	shift
	what="$* (sockscope vs ss$([ "$queues" = 1 ] && echo ', with queues'))"
	if ! ss "$@" >"$SC_TMP/ss.out" 2>"$SC_TMP/ss.err"; then
		die "ss $* failed: $(cat "$SC_TMP/ss.err")"
	fi
	sc_list "$@" || return 0
	sc_normalize "$queues" <"$SC_TMP/ss.out" >"$SC_TMP/ss.norm"
	sc_normalize "$queues" <"$SC_TMP/out" >"$SC_TMP/sc.norm"
	if [ "$(wc -l <"$SC_TMP/ss.norm")" -lt 2 ]; then
		fail "$what: ss lists at least one socket (the population is there)"
		return 0
	fi
	assert_same_lines "$what" "$SC_TMP/ss.norm" "$SC_TMP/sc.norm"
}

compare 0 -tuxan
compare 0 -tuxn
compare 0 -tln
compare 1 -tln
compare 0 -xl
compare 1 -xl
compare 0 -ua
compare 0 -4ta
compare 0 -6ta
compare 0 -4ua
compare 0 -6ua
compare 0 -tuxan state connected
compare 0 -tuxan state synchronized
compare 0 -tuxan state big
compare 0 -tuxan state bucket
compare 0 -tuxan state listening
compare 0 -tuxan state established
compare 0 -tuxan state established state close-wait
compare 0 -tuxan exclude listening
compare 0 -tuxn exclude established
compare 0 -tan state fin-wait-2
compare 0 -tan state time-wait
compare 0 -xan state unconnected

sc_done
