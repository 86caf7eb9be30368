#!/bin/bash
# peers.sh - -p shows, for a connected Unix socket, the holders of its peer
# too: exact rows for the ownpop population (pairs split between processes,
# a socket in flight, a hostile command name, a listener shared after
# fork), the same holders as ss -xap and lsof -U +E, and peer:unknown
# where an unprivileged run cannot see the other end.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ownpop.bash"

# The shell escape of the hostile name (ownpop's OWN_EVIL_COMM), as a
# literal backslash-e: this is what -p must print.
EVIL='evil)\e[35mname'

if can_setpriv; then
	start_ownpop --drop-uid 65534
	have_nb=1
else
	start_ownpop
	have_nb=0
	echo "note: not root or no setpriv: no holder of another user"
fi
M=$pid_main
S=$path_srv_l
A=@$name_abs_l
B=$backlog_srv_l

# ---- -xap: both ends of every connected pair ------------------------------
# Words 1-8 are Netid State Recv-Q Send-Q Local Port Peer Port; 6 is the
# socket's inode.
if sc_list -xap -H; then
	p=-xap
	check_row "$p: accepted connection: server, then its client as peer" \
		"u_str ESTAB 0 0 $S $srv_a_ino * $srv_c_ino users:($(u ownpop "$M" "$srv_a_fd")) peer:($(u udsclient "$pid_udsclient" "$srv_c_fd"))" \
		6 "$srv_a_ino"
	check_row "$p: client: itself, then the server as peer" \
		"u_str ESTAB 0 0 * $srv_c_ino * $srv_a_ino users:($(u udsclient "$pid_udsclient" "$srv_c_fd")) peer:($(u ownpop "$M" "$srv_a_fd"))" \
		6 "$srv_c_ino"
	check_row "$p: pending client: no peer inode, no peer:" \
		"u_str ESTAB 0 0 * $srv_p_ino * 0 users:($(u udsclient "$pid_udsclient" "$srv_p_fd"))" \
		6 "$srv_p_ino"
	check_row "$p: listener: no peer:" \
		"u_str LISTEN 1 $B $S $srv_l_ino * 0 users:($(u ownpop "$M" "$srv_l_fd"))" \
		6 "$srv_l_ino"
	check_row "$p: abstract accepted end (abssrv)" \
		"u_str ESTAB 0 0 $A $abs_a_ino * $abs_c_ino users:($(u abssrv "$pid_abssrv" "$abs_a_fd")) peer:($(u ownpop "$M" "$abs_c_fd"))" \
		6 "$abs_a_ino"
	check_row "$p: abstract client" \
		"u_str ESTAB 0 0 * $abs_c_ino * $abs_a_ino users:($(u ownpop "$M" "$abs_c_fd")) peer:($(u abssrv "$pid_abssrv" "$abs_a_fd"))" \
		6 "$abs_c_ino"
	check_row "$p: abstract listener" \
		"u_str LISTEN 0 $B $A $abs_l_ino * 0 users:($(u ownpop "$M" "$abs_l_fd"))" \
		6 "$abs_l_ino"
	check_row "$p: hostile holder, escaped" \
		"u_str ESTAB 0 0 * $evil_a_ino * $evil_b_ino users:($(u "$EVIL" "$pid_evil" "$evil_a_fd")) peer:($(u ownpop "$M" "$evil_b_fd"))" \
		6 "$evil_a_ino"
	check_row "$p: hostile peer, escaped" \
		"u_str ESTAB 0 0 * $evil_b_ino * $evil_a_ino users:($(u ownpop "$M" "$evil_b_fd")) peer:($(u "$EVIL" "$pid_evil" "$evil_a_fd"))" \
		6 "$evil_b_ino"
	# fl_p is in flight (sent with SCM_RIGHTS, not received): no holder
	check_row "$p: peer in flight: no peer:" \
		"u_str ESTAB 0 0 * $fl_q_ino * $fl_p_ino users:($(u ownpop "$M" "$fl_q_fd"))" \
		6 "$fl_q_ino"
	check_row "$p: socket in flight: only peer:" \
		"u_str ESTAB 0 0 * $fl_p_ino * $fl_q_ino peer:($(u ownpop "$M" "$fl_q_fd"))" \
		6 "$fl_p_ino"
	# both ends in one process; the queues hold the message in flight
	check_tail "$p: carrier, both ends held by ownpop" 9 \
		"users:($(u ownpop "$M" "$car_a_fd")) peer:($(u ownpop "$M" "$car_b_fd"))" \
		6 "$car_a_ino"
	check_tail "$p: carrier, other end" 9 \
		"users:($(u ownpop "$M" "$car_b_fd")) peer:($(u ownpop "$M" "$car_a_fd"))" \
		6 "$car_b_ino"
	for id in gone_l swap_l priv_l rel_l; do
		ino_var=${id}_ino fd_var=${id}_fd
		check_tail "$p: $id listener" 9 \
			"users:($(u ownpop "$M" "${!fd_var}"))" 6 "${!ino_var}"
	done
	if [ "$have_nb" -eq 1 ]; then
		check_tail "$p: holder of another user" 9 \
			"users:($(u nobodyend "$pid_nobodyend" "$nb_a_fd")) peer:($(u ownpop "$M" "$nb_b_fd"))" \
			6 "$nb_a_ino"
		check_tail "$p: peer of another user" 9 \
			"users:($(u ownpop "$M" "$nb_b_fd")) peer:($(u nobodyend "$pid_nobodyend" "$nb_a_fd"))" \
			6 "$nb_b_ino"
	fi
	if LC_ALL=C grep -q $'\e' "$SC_TMP/out"; then
		fail "$p: no raw ESC reaches stdout" "" \
			"$(LC_ALL=C grep $'\e' "$SC_TMP/out" | head -n 3)"
	else
		pass "$p: no raw ESC reaches stdout"
	fi
	# peer: is the Unix process column's business only
	n=$(find_rows 2 LISTEN | grep -c ' peer:')
	assert_eq "$p: no listener has a peer: token" 0 "$n"
	cp "$SC_TMP/out" "$SC_TMP/xap"
fi

# ---- TCP: a listener shared after fork lists both holders in pid order ----
L=127.0.0.1:$port_tcp_l
C=127.0.0.1:$port_tcp_c
if [ "$tcp_l_pid" -lt "$tcp_l_share_pid" ]; then
	shared="$(u ownpop "$tcp_l_pid" "$tcp_l_fd"),$(u ownpop-share "$tcp_l_share_pid" "$tcp_l_share_fd")"
else
	shared="$(u ownpop-share "$tcp_l_share_pid" "$tcp_l_share_fd"),$(u ownpop "$tcp_l_pid" "$tcp_l_fd")"
fi
assert_eq "the listener is one fd number in both holders" \
	"$tcp_l_fd $tcp_l_ino" "$tcp_l_share_fd $tcp_l_share_ino"
if sc_list -tlnp -H; then
	check_row "-tlnp: shared listener, holders in pid order" \
		"LISTEN 0 5 $L 0.0.0.0:* users:($shared)" 4 "$L"
fi
if sc_list -tnp -H; then
	check_row "-tnp: TCP has no peer: token (client)" \
		"ESTAB 0 0 $C $L users:($(u ownpop "$M" "$tcp_c_fd"))" 4 "$C" 5 "$L"
	check_row "-tnp: TCP has no peer: token (accepted)" \
		"ESTAB 0 0 $L $C users:($(u ownpop "$M" "$tcp_a_fd"))" 4 "$L" 5 "$C"
fi

# ---- the same holders as ss -xap ------------------------------------------
# ss has no peer: token, and it cuts a command name at its first ')' (it
# reads /proc/PID/stat): so "evil)\e[35mname" is "evil" there.
if command -v ss >/dev/null 2>&1 && [ -s "$SC_TMP/xap" ]; then
	sed -e 's/ peer:.*$//' -e 's/"evil)\\e\[35mname"/"evil"/g' "$SC_TMP/xap" |
		squeeze >"$SC_TMP/sc.rows"
	ss -xap -H | squeeze | sed 's/ $//' >"$SC_TMP/ss.rows"
	assert_same_set "-xap holders equal ss -xap (peer: left out)" \
		"$SC_TMP/ss.rows" "$SC_TMP/sc.rows"
	# and the sockets ss shows with peers are the ones this test knows
	assert_eq "ss lists every socket of the population" \
		"$(wc -l <"$SC_TMP/ss.rows")" "$(wc -l <"$SC_TMP/sc.rows")"
else
	echo "note: no ss: the ss -xap comparison skipped"
fi

# ---- the same holders and peers as lsof -U +E ------------------------------
# lsof -F prints p<pid>, c<command>, then per file f<fd>, i<inode>,
# n<name>; with +E a connected socket's name ends in "->INO=<peer inode>"
# and one "<pid>,<command>,<fd><mode>" per holder of the peer. lsof too
# cuts a command at its first ')'. A listener's "->INO=" is a pending
# connection, not a peer: listeners are left out of the peer check.
# (+c 15: with +c 0, lsof 4.95 prints the peer's command as empty.)
if command -v lsof >/dev/null 2>&1 && [ -s "$SC_TMP/xap" ]; then
	pids=$M,$pid_share,$pid_udsclient,$pid_abssrv,$pid_evil
	[ "$have_nb" -eq 1 ] && pids=$pids,$pid_nobodyend
	lsof -w -n +c 15 -U +E -F pcfin -a -p "$pids" >"$SC_TMP/lsof.raw" 2>/dev/null
	awk -v H="$SC_TMP/lsof.holders" -v P="$SC_TMP/lsof.peers" '
		/^p/ { pid = substr($0, 2) }
		/^c/ { cmd = substr($0, 2) }
		/^f/ { fd = substr($0, 2) }
		/^i/ { ino = substr($0, 2) }
		/^n/ {
			print ino, pid, fd, cmd > H
			n = split(substr($0, 2), w, " ")
			for (k = 1; k <= n && w[k] !~ /^->INO=/; k++) ;
			for (k++; k <= n; k++) {
				m = split(w[k], e, ",")
				if (m < 3) continue
				pfd = e[m]; sub(/[^0-9]+$/, "", pfd)
				pcmd = e[2]; for (j = 3; j < m; j++) pcmd = pcmd "," e[j]
				print ino, e[1], pfd, pcmd > P
			}
		}' "$SC_TMP/lsof.raw"
	touch "$SC_TMP/lsof.holders" "$SC_TMP/lsof.peers"
	# the same, from sockscope: "inode pid fd command" per holder of
	# the inodes lsof saw, and per holder of their peers
	sed 's/"evil)\\e\[35mname"/"evil"/g' "$SC_TMP/xap" | awk \
		-v H="$SC_TMP/sc.holders" -v P="$SC_TMP/sc.peers" -v L="$SC_TMP/sc.listen" '
		function owners(s, ino, out,   n, i, a, name, pid, fd) {
			n = split(s, a, /\),\(/)
			for (i = 1; i <= n; i++) {
				name = a[i]; sub(/^\(*"/, "", name); sub(/",pid=.*$/, "", name)
				pid = a[i]; sub(/^.*,pid=/, "", pid); sub(/,fd=.*$/, "", pid)
				fd = a[i]; sub(/^.*,fd=/, "", fd); sub(/\).*$/, "", fd)
				print ino, pid, fd, name > out
			}
		}
		{
			if ($2 == "LISTEN") print $6 > L
			for (f = 9; f <= NF; f++) {
				if ($f ~ /^users:/) owners(substr($f, 8), $6, H)
				if ($f ~ /^peer:\(/) owners(substr($f, 6), $6, P)
			}
		}' 
	touch "$SC_TMP/sc.holders" "$SC_TMP/sc.peers" "$SC_TMP/sc.listen"
	# only the inodes lsof saw (other processes may hold other sockets)
	cut -d' ' -f1 "$SC_TMP/lsof.holders" | sort -u >"$SC_TMP/lsof.inos"
	awk 'NR == FNR { want[$1]; next } $1 in want' "$SC_TMP/lsof.inos" \
		"$SC_TMP/sc.holders" >"$SC_TMP/sc.h"
	assert_same_set "-xap holders equal lsof -U +E" \
		"$SC_TMP/lsof.holders" "$SC_TMP/sc.h"
	awk 'NR == FNR { skip[$1]; next } !($1 in skip)' "$SC_TMP/sc.listen" \
		"$SC_TMP/lsof.peers" >"$SC_TMP/lsof.p"
	awk 'NR == FNR { want[$1]; next } $1 in want' "$SC_TMP/lsof.inos" \
		"$SC_TMP/sc.peers" >"$SC_TMP/sc.p"
	assert_same_set "-xap peer: equals lsof -U +E endpoints" \
		"$SC_TMP/lsof.p" "$SC_TMP/sc.p"
	n=$(wc -l <"$SC_TMP/lsof.p")
	[ "$n" -ge 8 ] && pass "lsof shows $n peer holders" ||
		fail "lsof shows the peer holders" ">= 8" "$n"
else
	echo "note: no lsof: the lsof -U +E comparison skipped"
fi

# ---- unprivileged: peers of other users are unknown ------------------------
if [ "$have_nb" -eq 1 ]; then
	chmod 0755 "$SC_TMP" || die "cannot chmod $SC_TMP"
	SC_RC=0
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$SOCKSCOPE" -xap -H >"$SC_TMP/out" 2>"$SC_TMP/err" || SC_RC=$?
	p="unprivileged -xap"
	assert_eq "$p exits 0" 0 "$SC_RC"
	check_tail "$p: own socket, peer of another user" 9 \
		"users:($(u nobodyend "$pid_nobodyend" "$nb_a_fd")) peer:unknown" \
		6 "$nb_a_ino"
	check_tail "$p: socket of another user, own peer" 9 \
		"unknown peer:($(u nobodyend "$pid_nobodyend" "$nb_a_fd"))" \
		6 "$nb_b_ino"
	check_tail "$p: both ends of other users" 9 "unknown peer:unknown" \
		6 "$srv_c_ino"
	check_tail "$p: no peer inode: no peer:" 9 "unknown" 6 "$srv_p_ino"
	check_tail "$p: listener: no peer:" 9 "unknown" 6 "$srv_l_ino"
	# nobody cannot tell a socket in flight from one root holds
	check_tail "$p: socket in flight" 9 "unknown peer:unknown" \
		6 "$fl_p_ino"
	check_tail "$p: peer in flight" 9 "unknown peer:unknown" \
		6 "$fl_q_ino"
	nunk=$(squeeze <"$SC_TMP/out" | awk '$9 == "unknown"' | wc -l)
	msg=$(cat "$SC_TMP/err")
	case $msg in
	"sockscope: $nunk socket(s) have unknown owners: the descriptors of "[1-9]*" process(es) of other users cannot be read; run as root, or with CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH, to see them")
		pass "$p: the notice counts $nunk sockets" ;;
	*) fail "$p: the notice counts the sockets" \
		"sockscope: $nunk socket(s) have unknown owners: ..." "$msg" ;;
	esac
	assert_eq "$p: the notice is one line" 1 "$(wc -l <"$SC_TMP/err")"
	if LC_ALL=C grep -q $'\e' "$SC_TMP/out"; then
		fail "$p: no raw ESC reaches stdout"
	else
		pass "$p: no raw ESC reaches stdout"
	fi
fi

sc_done
