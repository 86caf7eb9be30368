#!/bin/bash
# owners.sh - -p names the processes that hold each socket: the same
# owners as ss -p and as /proc/PID/fd itself; a socket shared after fork
# lists both holders; a command name with ')' and an escape sequence is
# shown escaped; an unprivileged run says how many owners it cannot see.
. "$(dirname "$0")/lib.sh"

start_sockpop --base
pop_pid=${SC_PIDS##* }

# Expected holders of every socket of sockpop, straight from /proc.
for l in /proc/"$pop_pid"/fd/*; do
	t=$(readlink "$l") || continue
	case $t in socket:\[*\]) ;; *) continue ;; esac
	ino=${t#socket:[}
	ino=${ino%]}
	printf '%s %s\n' "$ino" "(\"sockpop\",pid=$pop_pid,fd=${l##*/})"
done | sort >"$SC_TMP/proc_owners"
[ -s "$SC_TMP/proc_owners" ] || die "sockpop holds no sockets?"

# sockscope's Unix rows carry the inode in the local "port" column.
if sc_list -xanp -H; then
	awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^users:/) {
		u = $i; sub(/^users:\(/, "", u); sub(/\)$/, "", u)
		print $(i - 3), u } }' "$SC_TMP/out" | sort >"$SC_TMP/sc_owners"
	# every Unix socket sockscope lists has exactly the /proc holder
	join "$SC_TMP/sc_owners" "$SC_TMP/proc_owners" |
		awk '$2 != $3' >"$SC_TMP/mismatch"
	assert_eq "Unix owners equal /proc/$pop_pid/fd" "" "$(cat "$SC_TMP/mismatch")"
	n=$(wc -l <"$SC_TMP/sc_owners")
	[ "$n" -ge 8 ] && pass "owners shown for $n Unix sockets" ||
		fail "owners shown for Unix sockets" ">= 8" "$n"
fi

# The same rows as ss -p for every table (ss prints Process after Port).
if command -v ss >/dev/null 2>&1; then
	for sel in -tanp -uanp -xanp -tlnp; do
		sc_list "$sel" -H || continue
		# ss has no peer: token; the rest must be equal
		sed -E 's/ peer:(\(\(.*\)\)|unknown)$//' "$SC_TMP/out" | squeeze | sed 's/ $//' | sort >"$SC_TMP/a"
		ss "$sel" -H | squeeze | sed 's/ $//' | sort >"$SC_TMP/b"
		assert_same_lines "sockscope $sel equals ss $sel" "$SC_TMP/b" "$SC_TMP/a"
	done
fi

# A socket shared after fork: bash opens a TCP connection on fd 5, and a
# child inherits it; both are listed, in pid order.
exec 5<>/dev/tcp/127.0.0.1/41000
sleep 30 &
child=$!
SC_PIDS="$SC_PIDS $child"
# until the child has exec'd, its name is still bash
for _ in $(seq 50); do
	[ "$(cat "/proc/$child/comm" 2>/dev/null)" = sleep ] && break
	sleep 0.05
done
# sockscope must not inherit the socket: list from a subshell without it
(exec 5<&-; exec "$SOCKSCOPE" -tnp -H) >"$SC_TMP/out" 2>"$SC_TMP/err"
# columns: State Recv-Q Send-Q Local Peer Process; our end is the one
# whose peer is the listener
row=$(awk '$5 == "127.0.0.1:41000" && $6 ~ /,fd=5\)\)$/' "$SC_TMP/out" | squeeze)
port=$(printf '%s\n' "$row" | awk '{ split($4, a, ":"); print a[2] }')
first=$$ second=$child
if [ "$first" -gt "$second" ]; then first=$child second=$$; fi
c1=bash c2=sleep
[ "$first" = "$$" ] || { c1=sleep c2=bash; }
assert_row "a forked socket lists both holders" \
	"ESTAB 0 0 127.0.0.1:$port 127.0.0.1:41000 users:((\"$c1\",pid=$first,fd=5),(\"$c2\",pid=$second,fd=5))" \
	"$row"
kill "$child" 2>/dev/null
wait "$child" 2>/dev/null
exec 5<&-

# A command name with ')' and an escape sequence.
evil="$SC_TMP/a)b"$'\e'"[35mc"
cp /bin/bash "$evil" || die "cannot copy bash"
"$evil" -c 'exec 5<>/dev/tcp/127.0.0.1/41004; read -r -t 30 -u 5 x' &
epid=$!
SC_PIDS="$SC_PIDS $epid"
for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	[ -e "/proc/$epid/fd/5" ] && break
	sleep 0.1
done
sc_list -tnp -H
row=$(grep -F '127.0.0.1:41004 ' "$SC_TMP/out" | grep -F "pid=$epid," | squeeze)
case $row in
*"users:((\"a)b\\e[35mc\",pid=$epid,fd=5))") pass "hostile command name escaped" ;;
*) fail "hostile command name escaped" "users:((\"a)b\\e[35mc\",pid=$epid,fd=5))" "$row" ;;
esac
if LC_ALL=C grep -q $'\e' "$SC_TMP/out"; then
	fail "no raw ESC reaches stdout with -p"
else
	pass "no raw ESC reaches stdout with -p"
fi
kill "$epid" 2>/dev/null

# Unprivileged: other users' /proc/PID/fd is unreadable.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1 &&
	setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
	nl=$(LC_ALL=C "$SOCKSCOPE" -tln -H | wc -l)
	SC_RC=0
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$SOCKSCOPE" -tlnp -H >"$SC_TMP/out" 2>"$SC_TMP/err" || SC_RC=$?
	assert_eq "unprivileged -p exits 0" 0 "$SC_RC"
	unk=$(awk '$NF == "unknown"' "$SC_TMP/out" | wc -l)
	assert_eq "every listener's owner is 'unknown'" "$nl" "$unk"
	msg=$(cat "$SC_TMP/err")
	case $msg in
	"sockscope: $nl socket(s) have unknown owners: "*"run as root, or with CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH, to see them")
		pass "the notice counts $nl unknown owners" ;;
	*) fail "the notice counts unknown owners" "sockscope: $nl socket(s) have unknown owners: ..." "$msg" ;;
	esac
	assert_eq "the notice is one line" 1 "$(wc -l <"$SC_TMP/err")"
	# TIME-WAIT sockets have no owner by nature: no notice for them
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$SOCKSCOPE" -tanp state time-wait >"$SC_TMP/out" 2>"$SC_TMP/err"
	assert_eq "TIME-WAIT is not counted as unknown" "" "$(cat "$SC_TMP/err")"
	tw=$(awk 'NR > 1 && $NF == "unknown"' "$SC_TMP/out" | wc -l)
	assert_eq "TIME-WAIT rows have an empty Process column" 0 "$tw"
else
	echo "note: not root or no setpriv: unprivileged checks skipped"
fi

sc_done
