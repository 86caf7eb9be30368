#!/bin/bash
# replay.sh - --replay runs the real parsers and table on answers recorded
# from a real kernel (tests/fixtures/netlink) and prints exactly the table
# recorded with them; --record then --replay reproduces a live listing;
# bad recordings fail with one clear line.
. "$(dirname "$0")/lib.sh"

rec=$FIXTURE_DIR/netlink/population.rec

# the golden table, byte for byte (C locale: hostile names escaped as \xHH)
run_sc -tuxan --replay "$rec"
assert_eq "replay exits 0" 0 "$SC_RC"
assert_same_lines "replay prints the recorded table" \
	"$FIXTURE_DIR/netlink/population.txt" "$SC_TMP/out"
assert_eq "replay prints nothing on stderr" "" "$(cat "$SC_TMP/err")"

# selections apply to a replay as to a live dump
run_sc -tln --replay "$rec" -H
assert_eq "replay -tln rows" 5 "$(wc -l <"$SC_TMP/out")"
assert_row "replay: the v6-only listener" "LISTEN 0 7 [::]:8083 [::]:*" \
	"$(grep -F ':8083' "$SC_TMP/out")"
assert_row "replay: the device-bound listener" \
	"LISTEN 2 4 127.0.0.1%lo:8084 0.0.0.0:*" "$(grep -F ':8084' "$SC_TMP/out")"

# -e on a recording: the recorded uid, inode and cookie; the files on this
# machine say nothing about recorded sockets
run_sc -xle --replay "$rec" -H
assert_eq "replay -e exits 0" 0 "$SC_RC"
n=$(grep -c ' file:' "$SC_TMP/out")
[ "$n" -ge 1 ] && pass "replay -e: $n socket files" ||
	fail "replay -e: socket files" ">= 1" "$n"
assert_eq "replay -e: every file is unknown" "$n" \
	"$(grep -c ' file:unknown$' "$SC_TMP/out")"
assert_eq "replay -e: every row has ino: and sk:" "$(wc -l <"$SC_TMP/out")" \
	"$(grep -c ' ino:[0-9]* sk:[0-9a-f]*' "$SC_TMP/out")"
# -p would name this machine's processes for recorded sockets
run_sc -tp --replay "$rec"
assert_eq "replay -p: exit 2" 2 "$SC_RC"
assert_eq "replay -p: message" \
	"sockscope: --replay shows recorded sockets; -p reads this machine's processes and cannot be combined with it" \
	"$(head -n 1 "$SC_TMP/err")"

# record a live listing, then replay it: the same table
start_sockpop --base
run_sc -tuxan --record "$SC_TMP/live.rec"
cp "$SC_TMP/out" "$SC_TMP/live.txt"
assert_eq "record exits 0" 0 "$SC_RC"
run_sc -tuxan --replay "$SC_TMP/live.rec"
assert_same_lines "replay of a fresh recording equals the live table" \
	"$SC_TMP/live.txt" "$SC_TMP/out"

# failures: one line naming the problem, exit 1
run_sc -t --replay "$SC_TMP/missing.rec"
assert_eq "missing recording: exit 1" 1 "$SC_RC"
assert_eq "missing recording: message" \
	"sockscope: cannot open $SC_TMP/missing.rec: No such file or directory" \
	"$(cat "$SC_TMP/err")"
printf 'not a recording at all' >"$SC_TMP/junk.rec"
run_sc -t --replay "$SC_TMP/junk.rec"
assert_eq "junk recording: exit 1" 1 "$SC_RC"
assert_eq "junk recording: message" \
	"sockscope: $SC_TMP/junk.rec is not a sockscope recording" \
	"$(cat "$SC_TMP/err")"
assert_eq "junk recording: nothing on stdout" "" "$(cat "$SC_TMP/out")"
# a recording cut in the middle of a chunk
head -c 100 "$rec" >"$SC_TMP/cut.rec"
run_sc -x --replay "$SC_TMP/cut.rec"
assert_eq "truncated recording: exit 1" 1 "$SC_RC"
assert_eq "truncated recording: message" \
	"sockscope: the recording is malformed" "$(cat "$SC_TMP/err")"
# a recording without the dump that is asked for
run_sc -t --replay "$SC_TMP/live.rec" # has every dump: fine
assert_eq "complete recording: exit 0" 0 "$SC_RC"
"$SOCKSCOPE" -t -a --record "$SC_TMP/tcp.rec" >/dev/null
run_sc -x --replay "$SC_TMP/tcp.rec"
assert_eq "recording lacks unix: exit 1" 1 "$SC_RC"
assert_eq "recording lacks unix: message" \
	"sockscope: the recording has no unix dump" "$(cat "$SC_TMP/err")"
# --record to a place that cannot be written
run_sc -t --record /nonexistent-dir/x.rec
assert_eq "unwritable --record: exit 1" 1 "$SC_RC"
assert_eq "unwritable --record: message" \
	"sockscope: cannot create /nonexistent-dir/x.rec: No such file or directory" \
	"$(cat "$SC_TMP/err")"

sc_done
