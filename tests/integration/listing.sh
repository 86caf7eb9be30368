#!/bin/bash
# listing.sh - sockscope's exact rows, columns and headers for a known
# socket population (sockpop --base) in a private network namespace.
. "$(dirname "$0")/lib.sh"

start_sockpop --base
D=$SC_SOCKDIR

# The whole population as sockscope must show it with -n:
# netid|family (x: Unix)|state|Recv-Q|Send-Q|local|peer
POP=(
	"u_str|x|LISTEN|1|4|$D/stream.sock $ino_ustr_l|* 0"
	"u_str|x|ESTAB|0|0|* $ino_ustr_c|* $ino_ustr_a"
	"u_str|x|ESTAB|0|0|$D/stream.sock $ino_ustr_a|* $ino_ustr_c"
	"u_str|x|ESTAB|0|0|* $ino_ustr_pc|* 0"
	"u_seq|x|LISTEN|0|3|$D/seq.sock $ino_useq_l|* 0"
	"u_seq|x|ESTAB|0|0|* $ino_useq_c|* $ino_useq_a"
	"u_seq|x|ESTAB|0|0|$D/seq.sock $ino_useq_a|* $ino_useq_c"
	"u_dgr|x|UNCONN|0|0|$D/dgram.sock $ino_udgr_path|* 0"
	"u_dgr|x|ESTAB|0|0|$D/dgram-srv.sock $ino_udgr_srv|* 0"
	"u_dgr|x|ESTAB|0|0|* $ino_udgr_conn|* $ino_udgr_srv"
	"u_dgr|x|UNCONN|0|0|@sockscope-dgram $ino_udgr_abs|* 0"
	"u_str|x|ESTAB|0|0|* $ino_upair_a|* $ino_upair_b"
	"u_str|x|ESTAB|0|0|* $ino_upair_b|* $ino_upair_a"
	"udp|4|UNCONN|0|0|127.0.0.1:41200|0.0.0.0:*"
	"udp|4|UNCONN|0|0|127.0.0.1:53|0.0.0.0:*"
	"udp|4|ESTAB|0|0|127.0.0.1:41202|127.0.0.1:41200"
	"udp|6|UNCONN|0|0|[::1]:41201|[::]:*"
	"udp|6|UNCONN|0|0|*:41203|*:*"
	"udp|6|ESTAB|0|0|[::1]:41204|[::1]:41201"
	"tcp|4|LISTEN|0|16|127.0.0.1:41000|0.0.0.0:*"
	"tcp|4|LISTEN|0|16|0.0.0.0:41004|0.0.0.0:*"
	"tcp|4|LISTEN|2|7|127.0.0.1:41005|0.0.0.0:*"
	"tcp|4|LISTEN|0|16|127.0.0.1:22|0.0.0.0:*"
	"tcp|4|ESTAB|0|0|127.0.0.1:41100|127.0.0.1:41000"
	"tcp|4|ESTAB|5|0|127.0.0.1:41000|127.0.0.1:41100"
	"tcp|4|TIME-WAIT|0|0|127.0.0.1:41102|127.0.0.1:41000"
	"tcp|4|CLOSE-WAIT|1|0|127.0.0.1:41000|127.0.0.1:41103"
	"tcp|4|FIN-WAIT-2|0|0|127.0.0.1:41103|127.0.0.1:41000"
	"tcp|4|ESTAB|0|0|127.0.0.1:41104|127.0.0.1:41005"
	"tcp|4|ESTAB|0|0|127.0.0.1:41005|127.0.0.1:41104"
	"tcp|4|ESTAB|0|0|127.0.0.1:41105|127.0.0.1:41005"
	"tcp|4|ESTAB|0|0|127.0.0.1:41005|127.0.0.1:41105"
	"tcp|4|ESTAB|0|0|127.0.0.1:41106|127.0.0.1:41002"
	"tcp|6|LISTEN|0|16|[::1]:41001|[::]:*"
	"tcp|6|LISTEN|0|16|*:41002|*:*"
	"tcp|6|LISTEN|0|16|[::]:41003|[::]:*"
	"tcp|6|ESTAB|0|0|[::1]:41101|[::1]:41001"
	"tcp|6|ESTAB|0|0|[::1]:41001|[::1]:41101"
	"tcp|6|ESTAB|0|0|[::ffff:127.0.0.1]:41002|[::ffff:127.0.0.1]:41106"
)

UNIX="u_str u_dgr u_seq"
INET="udp tcp"
ALL_STATES="ESTAB SYN-SENT SYN-RECV FIN-WAIT-1 FIN-WAIT-2 TIME-WAIT UNCONN
	CLOSE-WAIT LAST-ACK LISTEN CLOSING"
# Without -a or -l: all but LISTEN, UNCONN, TIME-WAIT and SYN-RECV.
DEFAULT_STATES="ESTAB SYN-SENT FIN-WAIT-1 FIN-WAIT-2 CLOSE-WAIT LAST-ACK
	CLOSING"

in_list() {
	local want=$1 w
	shift
	for w in "$@"; do
		[ "$w" = "$want" ] && return 0
	done
	return 1
}

# host:port with the port named as /etc/services names it.
named_addr() {
	local host=${1%:*} port=${1##*:}
	case $port in
	*[!0-9]* | '') printf '%s\n' "$1" ;;
	*) printf '%s:%s\n' "$host" "$(services_name "$port" "$2")" ;;
	esac
}

# expect_rows NETIDS FAMILIES STATES COLUMNS NAMES: the expected rows,
# squeezed. COLUMNS holds "netid" and/or "state" when those columns show;
# NAMES is "names" when ports are resolved (no -n).
expect_rows() {
	local e netid fam state rq sq laddr paddr row
	for e in "${POP[@]}"; do
		IFS='|' read -r netid fam state rq sq laddr paddr <<<"$e"
		# shellcheck disable=SC2086
		if ! in_list "$netid" $1 || ! in_list "$fam" $2 ||
			! in_list "$state" $3; then
			continue
		fi
		if [ "$5" = names ] && [ "$fam" != x ]; then
			laddr=$(named_addr "$laddr" "$netid")
			paddr=$(named_addr "$paddr" "$netid")
		fi
		row=
		case " $4 " in *" netid "*) row="$netid " ;; esac
		case " $4 " in *" state "*) row="$row$state " ;; esac
		printf '%s\n' "$row$rq $sq $laddr $paddr"
	done
}

expect_header() {
	local h=
	case " $1 " in *" netid "*) h="Netid " ;; esac
	case " $1 " in *" state "*) h="${h}State " ;; esac
	printf '%s\n' "${h}Recv-Q Send-Q Local Address:Port Peer Address:Port"
}

# Rows come grouped: Unix, udp IPv4, udp IPv6, tcp IPv4, tcp IPv6. LEAD is
# the number of columns before Recv-Q. Prints the first row out of order.
order_violation() {
	awk -v lead="$1" '
	{
		class = 0
		if (lead >= 1 && $1 ~ /^u_/) class = 0
		else if (lead >= 1 && $1 == "udp") class = 1
		else if (lead >= 1 && $1 == "tcp") class = 2
		v6 = 0
		if (NF == lead + 4 && $(lead + 3) ~ /^[[*]/) v6 = 1
		rank = class * 2 + v6
		if (NR > 1 && rank < last) { print; exit }
		last = rank
	}'
}

# The layout of an unsqueezed listing with a header: Netid, State, Recv-Q,
# Send-Q start where their titles start; addresses are right-aligned up to
# the separator (":" or, for Unix, " ") which sits under the ":" of the
# "Address:Port" title; ports start right after it. Prints each row that
# breaks this.
misaligned_rows() {
	awk '
	function tokens(line,   n, pos, rest) {
		n = 0; pos = 1; rest = line
		while (match(rest, /[^ ]+/)) {
			n++
			st[n] = pos + RSTART - 1
			tk[n] = substr(rest, RSTART, RLENGTH)
			pos += RSTART + RLENGTH - 1
			rest = substr(rest, RSTART + RLENGTH)
		}
		return n
	}
	# column of the last ":" of token i
	function colon(i,   s, k) {
		s = tk[i]; k = 0
		while (match(s, /:/)) { k += RSTART; s = substr(s, RSTART + 1) }
		return st[i] + k - 1
	}
	NR == 1 {
		n = tokens($0); lead = 0; seen = 0
		for (i = 1; i <= n; i++) {
			if (tk[i] == "Recv-Q") { rq = st[i]; lead = i - 1 }
			if (tk[i] == "Send-Q") sq = st[i]
			if (tk[i] == "State") state = st[i]
			if (tk[i] == "Address:Port") {
				seen++
				if (seen == 1) lsep = st[i] + 7
				else psep = st[i] + 7
			}
		}
		next
	}
	{
		n = tokens($0); bad = ""
		if (lead >= 1 && st[1] != 1) bad = bad " first-column"
		if (state && st[lead] != state) bad = bad " State"
		if (st[lead + 1] != rq) bad = bad " Recv-Q"
		if (st[lead + 2] != sq) bad = bad " Send-Q"
		if (n == lead + 4) {
			if (colon(lead + 3) != lsep) bad = bad " local"
			if (colon(lead + 4) != psep) bad = bad " peer"
		} else if (n == lead + 6) {
			if (st[lead + 3] + length(tk[lead + 3]) != lsep ||
			    st[lead + 4] != lsep + 1) bad = bad " local"
			if (st[lead + 5] + length(tk[lead + 5]) != psep ||
			    st[lead + 6] != psep + 1) bad = bad " peer"
		} else {
			bad = bad " field-count"
		}
		if (bad != "") print "(" substr(bad, 2) ") " $0
	}'
}

# check "ARGS" NETIDS FAMILIES STATES COLUMNS [names]
# COLUMNS: "header", "netid", "state" as the listing must show them.
check() {
	local args=$1 netids=$2 fams=$3 states=$4 cols=$5 names=${6:-}
	local what="sockscope $args" lead=0 bad
	# shellcheck disable=SC2086
	sc_list $args || return 0
	squeeze <"$SC_TMP/out" >"$SC_TMP/got"
	expect_rows "$netids" "$fams" "$states" "$cols" "$names" \
		>"$SC_TMP/exp.rows"
	case " $cols " in *" netid "*) lead=$((lead + 1)) ;; esac
	case " $cols " in *" state "*) lead=$((lead + 1)) ;; esac
	case " $cols " in
	*" header "*)
		assert_eq "$what: header" "$(expect_header "$cols")" \
			"$(head -n 1 "$SC_TMP/got")"
		tail -n +2 "$SC_TMP/got" >"$SC_TMP/got.rows"
		bad=$(misaligned_rows <"$SC_TMP/out")
		if [ -n "$bad" ]; then
			fail "$what: columns aligned under the header"
			printf '  %s\n' "$bad" | cat -v
			cat -v "$SC_TMP/out" | sed 's/^/  | /'
		fi
		;;
	*)
		cp "$SC_TMP/got" "$SC_TMP/got.rows"
		;;
	esac
	assert_same_set "$what: rows" "$SC_TMP/exp.rows" "$SC_TMP/got.rows"
	bad=$(order_violation "$lead" <"$SC_TMP/got.rows")
	if [ -n "$bad" ]; then
		fail "$what: rows ordered Unix, udp v4, udp v6, tcp v4, tcp v6" \
			"no row after a later group" "$bad"
	fi
	if grep -n '[[:space:]]$' "$SC_TMP/out" >"$SC_TMP/ws"; then
		fail "$what: no trailing whitespace" "" "$(head -n 3 "$SC_TMP/ws")"
	fi
	if grep -n "$(printf '\t')" "$SC_TMP/out" >"$SC_TMP/ws"; then
		fail "$what: no tab characters" "" "$(head -n 3 "$SC_TMP/ws")"
	fi
}

# Single tables: no Netid column; more than one state selected: State.
check "-tln" tcp "4 6" "LISTEN UNCONN" "header state"
check "-tan" tcp "4 6" "$ALL_STATES" "header state"
check "-uan" udp "4 6" "$ALL_STATES" "header state"
check "-uln" udp "4 6" "LISTEN UNCONN" "header state"
check "-4 -tan" tcp 4 "$ALL_STATES" "header state"
check "-6 -tan" tcp 6 "$ALL_STATES" "header state"
check "-H -tan" tcp "4 6" "$ALL_STATES" "state"
check "-tanH" tcp "4 6" "$ALL_STATES" "state"

# Unix is three tables (u_str, u_dgr, u_seq): Netid shows with -x alone.
check "-xan" "$UNIX" x "$ALL_STATES" "header netid state"
check "-xln" "$UNIX" x "LISTEN UNCONN" "header netid state"
check "-xan state listening" "$UNIX" x "LISTEN" "header netid"
check "-x -n" "$UNIX" x "$DEFAULT_STATES" "header netid state"

# State words: one state selected hides the State column.
check "-tan state established" tcp "4 6" ESTAB "header"
check "-tan state Established" tcp "4 6" ESTAB "header"
check "-tan state time-wait" tcp "4 6" TIME-WAIT "header"
check "-tan state close-wait" tcp "4 6" CLOSE-WAIT "header"
check "-tan state fin-wait-2" tcp "4 6" FIN-WAIT-2 "header"
check "-tan state syn-sent" tcp "4 6" SYN-SENT "header"
check "-uan state unconnected" udp "4 6" UNCONN "header"
check "-tan exclude established" tcp "4 6" \
	"LISTEN TIME-WAIT CLOSE-WAIT FIN-WAIT-2 SYN-SENT SYN-RECV FIN-WAIT-1
	 LAST-ACK CLOSING UNCONN" "header state"
check "-tan state established state time-wait" tcp "4 6" \
	"ESTAB TIME-WAIT" "header state"
check "-tan state established time-wait" tcp "4 6" \
	"ESTAB TIME-WAIT" "header state"
check "-tan state connected" tcp "4 6" \
	"ESTAB SYN-SENT SYN-RECV FIN-WAIT-1 FIN-WAIT-2 TIME-WAIT CLOSE-WAIT
	 LAST-ACK CLOSING" "header state"
# exclude without a state word before it starts from all states, -a or not.
check "-tn exclude established" tcp "4 6" \
	"LISTEN TIME-WAIT CLOSE-WAIT FIN-WAIT-2 SYN-SENT SYN-RECV FIN-WAIT-1
	 LAST-ACK CLOSING UNCONN" "header state"
check "-tun state established" "$INET" "4 6" ESTAB "header netid"

# Without -a or -l: connected sockets only (no LISTEN, UNCONN, TIME-WAIT).
check "-tn" tcp "4 6" "$DEFAULT_STATES" "header state"
check "-n" "$UNIX $INET" "x 4 6" "$DEFAULT_STATES" "header netid state"
check "-an" "$UNIX $INET" "x 4 6" "$ALL_STATES" "header netid state"

# -4 / -6 without -t/-u/-x: TCP and UDP, no Unix.
check "-4 -an" "$INET" 4 "$ALL_STATES" "header netid state"
check "-6 -ln" "$INET" 6 "LISTEN UNCONN" "header netid state"

# Service names without -n, as /etc/services gives them (22/tcp is ssh
# on most systems, 53/udp domain; 41xxx have none).
check "-ta state bucket" tcp "4 6" "SYN-RECV TIME-WAIT" "header state" names
check "-tl" tcp "4 6" "LISTEN UNCONN" "header state" names
check "-ul" udp "4 6" "LISTEN UNCONN" "header state" names
check "-xl" "$UNIX" x "LISTEN UNCONN" "header netid state" names

# The inode columns of Unix rows are the sockets' own inodes (fstat).
sc_list -xanH
for id in ustr_l ustr_c ustr_a upair_a upair_b udgr_path udgr_abs; do
	ino_var=ino_$id
	peer_var=peer_$id
	n=$(squeeze <"$SC_TMP/out" |
		awk -v i="${!ino_var}" -v p="${!peer_var}" \
			'$6 == i && $8 == p' | wc -l)
	assert_eq "-xanH: one row with inode ${!ino_var} and peer ${!peer_var} ($id)" \
		1 "$n"
done


# TCP of both families is one request (TCPDIAG_GETSOCK: one walk of the
# kernel's table) when one kernel-side filter suits both; the rows are
# exactly those of the two one-family dumps, IPv4 first. --record keeps
# one dump per family.
if command -v strace >/dev/null 2>&1; then
	tcp_requests() { # ARGS...: the sock_diag requests sockscope ARGS sends
		strace -f -qq -e trace=sendto -e signal=none \
			-o "$SC_TMP/strace" "$SOCKSCOPE" "$@" >"$SC_TMP/out" \
			2>"$SC_TMP/err"
		grep -o 'nlmsg_type=[A-Z_]*' "$SC_TMP/strace" |
			sed 's/nlmsg_type=//' | tr '\n' ' ' | sed 's/ $//'
	}
	for f in "" "sport = :41000 or dport = :41001" "src 127.0.0.1"; do
		assert_eq "-tanH $f: one request for both families" \
			TCPDIAG_GETSOCK "$(tcp_requests -tanH $f)"
		squeeze <"$SC_TMP/out" >"$SC_TMP/both"
		sc_list -4 -tanH $f && squeeze <"$SC_TMP/out" >"$SC_TMP/split"
		sc_list -6 -tanH $f && squeeze <"$SC_TMP/out" >>"$SC_TMP/split"
		assert_same_lines "-tanH $f: the rows of -4 then -6" \
			"$SC_TMP/split" "$SC_TMP/both"
	done
	assert_eq "-4 -tan: one request of one family" SOCK_DIAG_BY_FAMILY \
		"$(tcp_requests -4 -tan)"
	assert_eq "-tan --record: one dump per family" \
		"SOCK_DIAG_BY_FAMILY SOCK_DIAG_BY_FAMILY" \
		"$(tcp_requests -tanH --record="$SC_TMP/rec")"
	sc_list -tanH && squeeze <"$SC_TMP/out" >"$SC_TMP/both"
	assert_eq "-tanH: every TCP row of the population" 20 \
		"$(grep -c . "$SC_TMP/both")"
	sc_list -tanH --replay="$SC_TMP/rec"
	squeeze <"$SC_TMP/out" >"$SC_TMP/replayed"
	assert_same_lines "-tan --replay: the same rows" "$SC_TMP/both" \
		"$SC_TMP/replayed"
else
	echo "strace is not installed: the request checks are skipped"
fi

sc_done
