#!/bin/bash
# details.sh - -e appends uid, user, inode and socket cookie to every row,
# and to a Unix socket bound to a path the state of its socket file and
# the name of its peer: exact tokens for the ownpop population, checked
# against ss -e, stat and ls, with and without -p, as root and not.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ownpop.bash"

# The name of a uid or gid, or the number when it has none (as -e shows
# owner: and group:).
user_of() {
	local n
	n=$(getent passwd "$1" | cut -d: -f1)
	printf '%s\n' "${n:-$1}"
}
group_of() {
	local n
	n=$(getent group "$1" | cut -d: -f1)
	printf '%s\n' "${n:-$1}"
}

# uid_tokens UID: "uid:N user:NAME", without user: when UID has no name.
uid_tokens() {
	local n
	n=$(getent passwd "$1" | cut -d: -f1)
	if [ -n "$n" ]; then
		printf 'uid:%s user:%s\n' "$1" "$n"
	else
		printf 'uid:%s\n' "$1"
	fi
}

# srv.sock gets another group than ours, so that group: is seen to come
# from the file: gid 1 where it exists and we may chown to it.
my_uid=$(id -u)
my_gid=$(id -g)
srv_gid=$my_gid
if [ "$my_uid" -eq 0 ] && getent group 1 >/dev/null &&
	[ "$(tr -s ' \t' '  ' </proc/self/gid_map | sed 's/^ //')" = "0 0 4294967295" ]; then
	srv_gid=1
fi
start_ownpop --group "$srv_gid"

UT=$(uid_tokens "$my_uid")
UN=$(user_of "$my_uid")
GN=$(group_of "$my_gid")
SGN=$(group_of "$srv_gid")
M=$pid_main
S=$path_srv_l
A=@$name_abs_l
B=$backlog_srv_l

# ---- the population is what the checks below assume ----------------------
assert_eq "srv.sock mode (stat)" "srw-rw----" "$(stat -c %A "$S")"
assert_eq "srv.sock mode (ls -l)" "srw-rw----" \
	"$(ls -ld "$S" | cut -c1-10)"
assert_eq "srv.sock owner and group (stat)" "$UN $SGN" \
	"$(stat -c '%U %G' "$S")"
assert_eq "swap.sock is now a regular file (stat)" "-rw-r--r-- $UN $GN" \
	"$(stat -c '%A %U %G' "$path_swap_l")"
assert_eq "swap.sock mode (ls -l)" "-rw-r--r--" \
	"$(ls -ld "$path_swap_l" | cut -c1-10)"
assert_eq "priv.sock mode (stat)" "srwxr-xr-x $UN $GN" \
	"$(stat -c '%A %U %G' "$path_priv_l")"
assert_eq "the directory of priv.sock is 0700" "drwx------" \
	"$(stat -c %A "${path_priv_l%/*}")"
[ ! -e "$path_gone_l" ] && pass "gone.sock is gone" ||
	fail "gone.sock is gone" "no file" "$(ls -ld "$path_gone_l")"
# ss -xe prints the socket file's VFS inode: srv.sock is that file, the
# file at swap.sock is not.
if command -v ss >/dev/null 2>&1; then
	ss -xane >"$SC_TMP/ss.x"
	vfs() {
		awk -v i="$1" '$6 == i { for (f = 9; f <= NF; f++)
			if ($f ~ /^ino:/) { sub(/^ino:/, "", $f); print $f } }' \
			"$SC_TMP/ss.x"
	}
	assert_eq "srv.sock is the listener's own file (ss -xe ino:)" \
		"$(stat -c %i "$S")" "$(vfs "$srv_l_ino")"
	if [ "$(vfs "$swap_l_ino")" != "$(stat -c %i "$path_swap_l")" ]; then
		pass "swap.sock is not the listener's file"
	else
		fail "swap.sock is not the listener's file" \
			"another inode than $(vfs "$swap_l_ino")" \
			"$(stat -c %i "$path_swap_l")"
	fi
fi

# ---- Unix sockets, -e without -p -------------------------------------------
# The row: Netid State Recv-Q Send-Q Local Port Peer Port, then the tokens.
unix_rows() {
	local p=$1
	check_row "$p: srv.sock listener (Recv-Q pending, Send-Q backlog)" \
		"u_str LISTEN 1 $B $S $srv_l_ino * 0 $2$UT ino:$srv_l_ino sk:$srv_l_sk file:ok mode:srw-rw---- owner:$UN group:$SGN" \
		6 "$srv_l_ino"
	check_row "$p: accepted connection of srv.sock" \
		"u_str ESTAB 0 0 $S $srv_a_ino * $srv_c_ino $3$UT ino:$srv_a_ino sk:$srv_a_sk file:ok mode:srw-rw---- owner:$UN group:$SGN" \
		6 "$srv_a_ino"
	check_row "$p: client of srv.sock (peer_name)" \
		"u_str ESTAB 0 0 * $srv_c_ino * $srv_a_ino $4$UT ino:$srv_c_ino sk:$srv_c_sk peer_name:$S" \
		6 "$srv_c_ino"
	check_row "$p: pending client of srv.sock (no peer inode, no peer_name)" \
		"u_str ESTAB 0 0 * $srv_p_ino * 0 $5$UT ino:$srv_p_ino sk:$srv_p_sk" \
		6 "$srv_p_ino"
	check_row "$p: abstract listener (no file:)" \
		"u_str LISTEN 0 $B $A $abs_l_ino * 0 $6$UT ino:$abs_l_ino sk:$abs_l_sk" \
		6 "$abs_l_ino"
	check_row "$p: accepted abstract connection" \
		"u_str ESTAB 0 0 $A $abs_a_ino * $abs_c_ino $7$UT ino:$abs_a_ino sk:$abs_a_sk" \
		6 "$abs_a_ino"
	check_row "$p: abstract client (peer_name:@)" \
		"u_str ESTAB 0 0 * $abs_c_ino * $abs_a_ino $8$UT ino:$abs_c_ino sk:$abs_c_sk peer_name:$A" \
		6 "$abs_c_ino"
	check_row "$p: unlinked socket file" \
		"u_str LISTEN 0 $B $path_gone_l $gone_l_ino * 0 $9$UT ino:$gone_l_ino sk:$gone_l_sk file:missing" \
		6 "$gone_l_ino"
	check_row "$p: socket file replaced by a regular file" \
		"u_str LISTEN 0 $B $path_swap_l $swap_l_ino * 0 ${10}$UT ino:$swap_l_ino sk:$swap_l_sk file:replaced mode:-rw-r--r-- owner:$UN group:$GN" \
		6 "$swap_l_ino"
	check_row "$p: socket file under a 0700 directory" \
		"u_str LISTEN 0 $B $path_priv_l $priv_l_ino * 0 ${11}$UT ino:$priv_l_ino sk:$priv_l_sk file:ok mode:srwxr-xr-x owner:$UN group:$GN" \
		6 "$priv_l_ino"
	check_row "$p: socket bound by a relative path" \
		"u_str LISTEN 0 $B $path_rel_l $rel_l_ino * 0 ${12}$UT ino:$rel_l_ino sk:$rel_l_sk file:unknown" \
		6 "$rel_l_ino"
}

if sc_list -xae -H; then
	unix_rows "-xae" "" "" "" "" "" "" "" "" "" "" ""
	if LC_ALL=C grep -q '[[:space:]]$' "$SC_TMP/out"; then
		fail "-xae: no trailing whitespace" "" \
			"$(grep -n '[[:space:]]$' "$SC_TMP/out" | head -n 3)"
	else
		pass "-xae: no trailing whitespace"
	fi
fi
cp "$SC_TMP/out" "$SC_TMP/short.out"
if sc_list -xa --extended -H; then
	assert_same_lines "--extended is -e" "$SC_TMP/short.out" "$SC_TMP/out"
fi

if sc_list -xaep -H; then
	unix_rows "-xaep" \
		"users:($(u ownpop "$M" "$srv_l_fd")) " \
		"users:($(u ownpop "$M" "$srv_a_fd")) peer:($(u udsclient "$srv_c_pid" "$srv_c_fd")) " \
		"users:($(u udsclient "$srv_c_pid" "$srv_c_fd")) peer:($(u ownpop "$M" "$srv_a_fd")) " \
		"users:($(u udsclient "$srv_p_pid" "$srv_p_fd")) " \
		"users:($(u ownpop "$M" "$abs_l_fd")) " \
		"users:($(u abssrv "$abs_a_pid" "$abs_a_fd")) peer:($(u ownpop "$M" "$abs_c_fd")) " \
		"users:($(u ownpop "$M" "$abs_c_fd")) peer:($(u abssrv "$abs_a_pid" "$abs_a_fd")) " \
		"users:($(u ownpop "$M" "$gone_l_fd")) " \
		"users:($(u ownpop "$M" "$swap_l_fd")) " \
		"users:($(u ownpop "$M" "$priv_l_fd")) " \
		"users:($(u ownpop "$M" "$rel_l_fd")) "
fi
# The same, with the options apart and in another order.
if sc_list -p -x -e -a -H; then
	cp "$SC_TMP/out" "$SC_TMP/b.out"
	sc_list -xaep -H && assert_same_lines "-p -x -e -a is -xaep" \
		"$SC_TMP/out" "$SC_TMP/b.out"
fi

# ---- TCP -------------------------------------------------------------------
L=127.0.0.1:$port_tcp_l
C=127.0.0.1:$port_tcp_c
T=127.0.0.1:$port_tcp_tw
# The fork child comes second in pid order unless pids wrapped.
if [ "$tcp_l_pid" -lt "$tcp_l_share_pid" ]; then
	shared="$(u ownpop "$tcp_l_pid" "$tcp_l_fd"),$(u ownpop-share "$tcp_l_share_pid" "$tcp_l_share_fd")"
else
	shared="$(u ownpop-share "$tcp_l_share_pid" "$tcp_l_share_fd"),$(u ownpop "$tcp_l_pid" "$tcp_l_fd")"
fi
tcp_rows() {
	check_row "$1: listener" \
		"LISTEN 0 5 $L 0.0.0.0:* $2$UT ino:$tcp_l_ino sk:$tcp_l_sk" \
		4 "$L" 5 0.0.0.0:*
	check_row "$1: client" \
		"ESTAB 0 0 $C $L $3$UT ino:$tcp_c_ino sk:$tcp_c_sk" 4 "$C" 5 "$L"
	check_row "$1: accepted" \
		"ESTAB 0 0 $L $C $4$UT ino:$tcp_a_ino sk:$tcp_a_sk" 4 "$L" 5 "$C"
	# no uid from the kernel for TIME-WAIT, and no inode; the cookie is
	# the socket's from before it closed
	check_row "$1: TIME-WAIT (no uid:, ino:0)" \
		"TIME-WAIT 0 0 $T $L ino:0 sk:$tcp_tw_sk" 4 "$T" 5 "$L"
}
sc_list -tane -H && tcp_rows "-tane" "" "" "" ""
sc_list -tanep -H && tcp_rows "-tanep" "users:($shared) " \
	"users:($(u ownpop "$M" "$tcp_c_fd")) " \
	"users:($(u ownpop "$M" "$tcp_a_fd")) "
if sc_list -tlne -H; then
	check_row "-tlne: listener (Recv-Q accept queue, Send-Q backlog)" \
		"LISTEN 0 5 $L 0.0.0.0:* $UT ino:$tcp_l_ino sk:$tcp_l_sk" 4 "$L"
fi

# ino: and sk: are ss -e's for every TCP socket (ss omits uid 0).
if command -v ss >/dev/null 2>&1; then
	# "local peer ino sk" for each row
	ino_sk() {
		awk '{ i = s = "-"
			for (f = 1; f <= NF; f++) {
				if ($f ~ /^ino:/) i = $f
				if ($f ~ /^sk:/) s = $f
			}
			print $4, $5, i, s }' | LC_ALL=C sort
	}
	ss -tane -H | ino_sk >"$SC_TMP/ss.tcp"
	if sc_list -tane -H; then
		ino_sk <"$SC_TMP/out" >"$SC_TMP/sc.tcp"
		assert_same_lines "-tane ino: and sk: equal ss -tane" \
			"$SC_TMP/ss.tcp" "$SC_TMP/sc.tcp"
		assert_eq "ss and sockscope list 4 TCP sockets" 4 \
			"$(wc -l <"$SC_TMP/sc.tcp")"
	fi
fi

# ---- uid: and user: of other users' sockets -------------------------------
# A shell of another uid connects to the listener; its socket is that
# uid's. One uid with a passwd entry (nobody), one without.
if can_setpriv; then
	nouser=54321
	while getent passwd "$nouser" >/dev/null; do
		nouser=$((nouser + 1))
	done
	for uid in 65534 "$nouser"; do
		setpriv --reuid="$uid" --regid="$uid" --clear-groups \
			bash -c "exec 5<>/dev/tcp/127.0.0.1/$port_tcp_l; exec sleep 60" &
		cpid=$!
		SC_PIDS="$SC_PIDS $cpid"
		ino=
		for _ in $(seq 100); do
			if [ "$(cat "/proc/$cpid/comm" 2>/dev/null)" = sleep ]; then
				ino=$(readlink "/proc/$cpid/fd/5" 2>/dev/null) && break
			fi
			sleep 0.05
		done
		ino=${ino#socket:[}
		ino=${ino%]}
		[ -n "$ino" ] || die "the shell of uid $uid did not connect"
		# ss tells the port and the cookie, and its own uid:
		ssrow=$(ss -tane -H | squeeze | grep -F " ino:$ino ")
		port=$(printf '%s\n' "$ssrow" | awk '{ print $4 }')
		sk=$(printf '%s\n' "$ssrow" | grep -o ' sk:[0-9a-f]*' | cut -c2-)
		case $ssrow in
		*" uid:$uid "*) pass "ss -e: the socket of uid $uid" ;;
		*) fail "ss -e: the socket of uid $uid" "uid:$uid" "$ssrow" ;;
		esac
		if sc_list -tne -H; then
			check_row "-tne: a socket of uid $uid ($(user_of "$uid"))" \
				"ESTAB 0 0 $port $L $(uid_tokens "$uid") ino:$ino $sk" \
				4 "$port" 5 "$L"
		fi
		kill "$cpid" 2>/dev/null
		wait "$cpid" 2>/dev/null
	done
else
	echo "note: not root or no setpriv: uid:/user: of other users not checked"
fi

# ---- -e from /proc/net: no cookie, no uid for Unix, no file identity -----
if sc_list -tane --backend=proc -H; then
	check_tail "--backend=proc -tane: listener" 6 "$UT ino:$tcp_l_ino" \
		4 "$L" 5 0.0.0.0:*
	check_tail "--backend=proc -tane: client" 6 "$UT ino:$tcp_c_ino" \
		4 "$C" 5 "$L"
	check_tail "--backend=proc -tane: TIME-WAIT" 6 "ino:0" 4 "$T" 5 "$L"
fi
# /proc/net/unix may leave a socket out (its line could be name text of
# the one before, see procfs.sh): check the rows it has, and that it has
# most of them.
run_sc -xae --backend=proc -H
if [ "$SC_RC" -eq 0 ]; then
	n=0
	for id in srv_l srv_a srv_c srv_p abs_l abs_a abs_c gone_l swap_l \
		priv_l rel_l evil_b fl_q car_a car_b; do
		ino_var=${id}_ino
		ino=${!ino_var}
		row=$(find_rows 6 "$ino")
		[ -n "$row" ] || continue
		n=$((n + 1))
		case $(printf '%s\n' "$row" | cut -d' ' -f5) in
		/* | rel.sock) want="ino:$ino file:unknown" ;;
		*) want="ino:$ino" ;;
		esac
		assert_eq "--backend=proc -xae: $id" "$want" \
			"$(printf '%s\n' "$row" | cut -d' ' -f9-)"
	done
	if [ "$n" -ge 8 ]; then
		pass "--backend=proc -xae lists $n of 15 sockets"
	else
		fail "--backend=proc -xae lists most sockets" ">= 8 of 15" "$n"
	fi
else
	fail "--backend=proc -xae exits 0" 0 "$SC_RC: $(cat "$SC_TMP/err")"
fi

# ---- unprivileged: what another user can tell of the socket files --------
if can_setpriv; then
	# nobody may pass through the temp dirs, but not into priv/
	chmod 0755 "$SC_TMP" "$OP_DIR" || die "cannot chmod $SC_TMP"
	SC_RC=0
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$SOCKSCOPE" -xae -H >"$SC_TMP/out" 2>"$SC_TMP/err" || SC_RC=$?
	assert_eq "unprivileged -xae exits 0 without messages" "0 " \
		"$SC_RC $(cat "$SC_TMP/err")"
	p="unprivileged -xae"
	check_row "$p: srv.sock is still ok" \
		"u_str LISTEN 1 $B $S $srv_l_ino * 0 $UT ino:$srv_l_ino sk:$srv_l_sk file:ok mode:srw-rw---- owner:$UN group:$SGN" \
		6 "$srv_l_ino"
	check_row "$p: under a 0700 directory: unknown" \
		"u_str LISTEN 0 $B $path_priv_l $priv_l_ino * 0 $UT ino:$priv_l_ino sk:$priv_l_sk file:unknown" \
		6 "$priv_l_ino"
	check_row "$p: unlinked: missing" \
		"u_str LISTEN 0 $B $path_gone_l $gone_l_ino * 0 $UT ino:$gone_l_ino sk:$gone_l_sk file:missing" \
		6 "$gone_l_ino"
	check_row "$p: replaced" \
		"u_str LISTEN 0 $B $path_swap_l $swap_l_ino * 0 $UT ino:$swap_l_ino sk:$swap_l_sk file:replaced mode:-rw-r--r-- owner:$UN group:$GN" \
		6 "$swap_l_ino"
	# stat(1) as nobody agrees that priv.sock cannot be looked at
	if setpriv --reuid=65534 --regid=65534 --clear-groups \
		stat "$path_priv_l" >/dev/null 2>&1; then
		fail "nobody cannot stat priv.sock" "Permission denied" "stat worked"
	else
		pass "nobody cannot stat priv.sock"
	fi
else
	echo "note: not root or no setpriv: the unprivileged -e checks skipped"
fi

# ---- owner: and group: without names are numbers ---------------------------
if can_setpriv; then
	noid=54321
	while getent passwd "$noid" >/dev/null || getent group "$noid" >/dev/null; do
		noid=$((noid + 1))
	done
	chown "$noid:$noid" "$S" || die "cannot chown $S"
	if sc_list -xae -H; then
		check_row "-xae: owner and group without a name" \
			"u_str LISTEN 1 $B $S $srv_l_ino * 0 $UT ino:$srv_l_ino sk:$srv_l_sk file:ok mode:srw-rw---- owner:$noid group:$noid" \
			6 "$srv_l_ino"
	fi
else
	echo "note: not root or no setpriv: owner:/group: numbers not checked"
fi

sc_done
