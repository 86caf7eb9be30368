# ownpop.bash - sourced by the tests that use ownpop (details.sh, peers.sh)
# after lib.sh: starting it, reading its manifest, and finding rows.

# start_ownpop ARGS...: build the owner population (ownpop ARGS) and wait
# for its "ready" line. Sets OP_DIR (its files) and OP_MANIFEST, and from
# the manifest pid_KEY for each process, ID_pid, ID_fd, ID_ino and ID_sk
# for each socket, and path_ID, name_ID, port_ID and backlog_ID.
start_ownpop() {
	local key id rest pid fd ino sk
	if [ -z "${OWNPOP-}" ] && [ -n "${top_builddir-}" ]; then
		OWNPOP=$top_builddir/tests/integration/ownpop
	fi
	OP_DIR=$SC_TMP/o
	OP_MANIFEST=$SC_TMP/ownpop.manifest
	sc_start_pop ownpop "${OWNPOP-}" "$OP_DIR" "$OP_MANIFEST" "$@"
	while read -r key id rest; do
		case $key in
		sock)
			read -r pid fd ino sk <<<"$rest"
			printf -v "${id}_pid" '%s' "$pid"
			printf -v "${id}_fd" '%s' "$fd"
			printf -v "${id}_ino" '%s' "$ino"
			printf -v "${id}_sk" '%s' "$sk"
			;;
		pid) printf -v "pid_$id" '%s' "$rest" ;;
		path | name | port | backlog) printf -v "${key}_$id" '%s' "$rest" ;;
		*) die "unknown ownpop manifest line: $key $id $rest" ;;
		esac
	done <"$OP_MANIFEST"
}

# find_rows FIELD VALUE [FIELD VALUE]...: the rows of $SC_TMP/out (runs
# of spaces squeezed) whose words FIELD are VALUE.
find_rows() {
	squeeze <"$SC_TMP/out" | awk -v c="$*" '
		BEGIN { n = split(c, w, " ") }
		{ for (i = 1; i < n; i += 2) if ($(w[i]) != w[i + 1]) next; print }'
}

# check_tail WHAT FROM EXPECTED FIELD VALUE...: in the one row found by
# FIELD VALUE..., the words from word FROM on are EXPECTED.
check_tail() {
	local what=$1 from=$2 want=$3 rows
	shift 3
	rows=$(find_rows "$@")
	if [ -z "$rows" ]; then
		fail "$what" "$want" "(no row with fields $*)"
	elif [ "$(printf '%s\n' "$rows" | wc -l)" -ne 1 ]; then
		fail "$what: one row" "$want" "$rows"
	else
		assert_eq "$what" "$want" "$(printf '%s\n' "$rows" |
			cut -d' ' -f"$from"-)"
	fi
}

# check_row WHAT EXPECTED FIELD VALUE...: the one row found is EXPECTED.
check_row() {
	local what=$1 want=$2
	shift 2
	check_tail "$what" 1 "$want" "$@"
}

# Can we become another user? Only as real root (not in a user namespace
# of our own, where other uids are not mapped) and with setpriv.
can_setpriv() {
	[ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1 &&
		setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null
}

# u NAME PID FD: one holder, as -p shows it.
u() {
	printf '("%s",pid=%s,fd=%s)' "$1" "$2" "$3"
}
