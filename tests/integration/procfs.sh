#!/bin/bash
# procfs.sh - the /proc/net backend lists what sock_diag lists, and a Unix
# socket name holding '\n' and text that reads as /proc/net/unix entries
# does not make it list sockets that do not exist.
. "$(dirname "$0")/lib.sh"

if ! command -v perl >/dev/null 2>&1; then
	echo "SKIP: $SC_NAME: perl is needed to bind a socket at a name with newlines"
	exit 77
fi

start_sockpop --base

# A stream listener whose name is "f", '\n', a line shaped as the kernel's
# with a made-up inode, '\n', and a short entry with another one. The name
# is relative (bound and listed from $SC_TMP) so that it fits in 108 bytes
# whatever the temp dir is.
FAKE1='0000000000000000: 00000002 00000000 00010000 0001 01 4242424242 @evil'
FAKE2='0: 2 0 0 1 1 4343434343'
cd "$SC_TMP" || die "cannot enter $SC_TMP"
perl -e '
	use strict;
	use Socket;
	my $name = "f\n$ARGV[0]\n$ARGV[1]";
	socket(my $s, AF_UNIX, SOCK_STREAM, 0) or die "socket: $!\n";
	bind($s, pack_sockaddr_un($name)) or die "bind: $!\n";
	listen($s, 1) or die "listen: $!\n";
	open(my $o, ">", "fake.ino.tmp") or die "fake.ino.tmp: $!\n";
	print $o ((stat($s))[1], "\n");
	close($o) or die "fake.ino.tmp: $!\n";
	rename("fake.ino.tmp", "fake.ino") or die "rename: $!\n";
	$SIG{TERM} = sub { unlink($name); exit 0 };
	sleep 1 while 1;
' "$FAKE1" "$FAKE2" 2>"$SC_TMP/perl.err" &
SC_PIDS="$SC_PIDS $!"
for _ in $(seq 100); do
	[ -s "$SC_TMP/fake.ino" ] && break
	sleep 0.1
done
[ -s "$SC_TMP/fake.ino" ] ||
	die "the socket with the fake lines was not created: $(cat "$SC_TMP/perl.err")"
fake_ino=$(cat "$SC_TMP/fake.ino")

# rows < listing: "netid state local" per row (local of a Unix socket is
# its name and inode), runs of spaces squeezed, no header. /proc/net does
# not tell IPV6_V6ONLY, so a v6 wildcard is '*' there: '[::]' is written
# '*' for both backends.
rows() {
	awk 'NR > 1 {
		if ($1 ~ /^u_/) {
			l = $5
			for (i = 6; i <= NF - 2; i++) l = l " " $i
		} else {
			l = $5
			sub(/^\[::\]:/, "*:", l)
		}
		print $1 " " $2 " " l
	}' | LC_ALL=C sort
}

# The last word of a row is the inode of a Unix socket.
row_ino() {
	printf '%s\n' "${1##* }"
}

# Every Unix row that --backend=proc lists, with every state, for telling
# where a socket that it does not list went.
run_sc --backend=proc -xan
rows <"$SC_TMP/out" >"$SC_TMP/proc.all"

# check_same ARGS...: sockscope ARGS with each backend; the sets of rows
# are the same, except where /proc/net/unix was ambiguous (a warning says
# how many lines). Such a line is taken as the end of the name before it,
# so at most that many sockets get a longer name and at most that many
# are not listed: each difference must be of that kind.
check_same() {
	local what="$*" amb=0 line x ino base found m gone=0
	sc_list --backend=netlink "$@" || return 0
	rows <"$SC_TMP/out" >"$SC_TMP/nl.rows"
	run_sc --backend=proc "$@"
	if [ "$SC_RC" -ne 0 ]; then
		fail "$what --backend=proc exits 0" "0" "$SC_RC: $(head -c 400 "$SC_TMP/err")"
		return 0
	fi
	rows <"$SC_TMP/out" >"$SC_TMP/proc.rows"
	while IFS= read -r line; do
		case $line in
		"sockscope: warning: "[0-9]*" line(s) of /proc/net/unix could be socket-name text and were not listed (socket names with newlines); sock_diag would show them exactly")
			line=${line#sockscope: warning: }
			amb=$((amb + ${line%% *}))
			;;
		*)
			fail "$what --backend=proc: no other message" "" "$line"
			;;
		esac
	done <"$SC_TMP/err"
	if [ "$amb" -eq 0 ]; then
		assert_same_lines "$what: /proc/net and sock_diag list the same sockets" \
			"$SC_TMP/nl.rows" "$SC_TMP/proc.rows"
		return 0
	fi
	echo "note: $what: $amb ambiguous line(s) in /proc/net/unix"
	comm -23 "$SC_TMP/nl.rows" "$SC_TMP/proc.rows" >"$SC_TMP/missing"
	comm -13 "$SC_TMP/nl.rows" "$SC_TMP/proc.rows" >"$SC_TMP/extra"
	if [ "$(wc -l <"$SC_TMP/extra")" -gt "$amb" ]; then
		fail "$what: at most $amb longer name(s)" "" "$(cat "$SC_TMP/extra")"
	fi
	# Each longer name is a listed socket's name, '\n', and more.
	while IFS= read -r x; do
		ino=$(row_ino "$x")
		found=
		while IFS= read -r line; do
			[ "$(row_ino "$line")" = "$ino" ] || continue
			base=${line% *}
			case ${x% *} in
			"$base\\n"*) found=1 ;;
			esac
		done <"$SC_TMP/nl.rows"
		if [ -n "$found" ]; then
			pass "$what: the longer name of $ino is its name and more lines"
		else
			fail "$what: a longer name is a socket's name and more lines" \
				"a sock_diag row for $ino that starts it" "$x"
		fi
	done <"$SC_TMP/extra"
	# Each socket not listed (other than under its longer name) is in the
	# name of another.
	while IFS= read -r m; do
		ino=$(row_ino "$m")
		if awk -v ino="$ino" '$NF == ino { f = 1 } END { exit !f }' \
			"$SC_TMP/extra"; then
			continue
		fi
		gone=$((gone + 1))
		if [ "${m#u_}" != "$m" ] &&
			grep -q -E " $ino( |\\\\n|\$)" "$SC_TMP/proc.all"; then
			pass "$what: $ino is text in a longer name"
		else
			fail "$what: a socket not listed is text in a longer name" "" "$m"
		fi
	done <"$SC_TMP/missing"
	if [ "$gone" -gt "$amb" ]; then
		fail "$what: at most $amb socket(s) not listed" "" "$gone"
	fi
}

check_same -tuxan
check_same -tuxn
check_same -xln
check_same -tln
check_same -4uan
check_same -6tan
check_same -tux state listening established

# The socket with the fake lines is listed under its whole name, and
# neither made-up inode is listed.
want="f\\n$FAKE1\\n$FAKE2 $fake_ino"
for backend in netlink proc; do
	run_sc --backend=$backend -xan
	got=$(rows <"$SC_TMP/out" | awk -v ino="$fake_ino" '$NF == ino' |
		cut -d' ' -f3-)
	assert_eq "--backend=$backend: the name with fake lines is one name" \
		"$want" "$got"
	bad=$(rows <"$SC_TMP/out" |
		awk '$NF == "4242424242" || $NF == "4343434343"')
	assert_eq "--backend=$backend: no socket for a made-up inode" "" "$bad"
done
if grep -q '4242424242\|4343434343' "$SC_TMP/err"; then
	fail "no warning names a made-up inode" "" "$(cat "$SC_TMP/err")"
fi

sc_done
