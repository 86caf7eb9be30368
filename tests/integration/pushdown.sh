#!/bin/bash
# pushdown.sh - filters the kernel can test go into the sock_diag request
# (INET_DIAG_REQ_BYTECODE), and sockscope still lists what ss(8) lists for
# them, on TCP and UDP sockets on several ports and IPv4, IPv6 and
# IPv4-mapped addresses.
. "$(dirname "$0")/lib.sh"

if ! command -v ss >/dev/null 2>&1; then
	echo "SKIP: $SC_NAME: ss(8) is not installed"
	exit 77
fi

start_sockpop --base

# More connections, held by this shell: to the IPv4 listener on 22, to the
# IPv6 one on 41001, and an IPv4 client of the dual-stack listener on
# 41002 (its accepted end is IPv6 with IPv4-mapped addresses).
exec {c22}<>/dev/tcp/127.0.0.1/22 || die "cannot connect to 127.0.0.1:22"
exec {c6}<>/dev/tcp/::1/41001 || die "cannot connect to [::1]:41001"
exec {cmap}<>/dev/tcp/127.0.0.1/41002 ||
	die "cannot connect to 127.0.0.1:41002"

# compare OPTIONS FILTER [MIN]: both tools list the same sockets for the
# filter; ss must list at least MIN of them (default 1), so that a filter
# which matched nothing by mistake cannot pass.
compare() {
	local opts=$1 filter=$2 min=${3-1} what rows
	what="$opts '$filter' (sockscope vs ss)"
	if ! ss "$opts" "$filter" >"$SC_TMP/ss.out" 2>"$SC_TMP/ss.err"; then
		die "ss $opts '$filter' failed: $(cat "$SC_TMP/ss.err")"
	fi
	sc_list "$opts" "$filter" || return 0
	sc_normalize 0 <"$SC_TMP/ss.out" >"$SC_TMP/ss.norm"
	sc_normalize 0 <"$SC_TMP/out" >"$SC_TMP/sc.norm"
	rows=$(($(wc -l <"$SC_TMP/ss.norm") - 1))
	if [ "$rows" -lt "$min" ]; then
		fail "$what: ss lists at least $min socket(s)" "$min" "$rows"
		return 0
	fi
	assert_same_lines "$what" "$SC_TMP/ss.norm" "$SC_TMP/sc.norm"
}

compare -tan 'sport = :22' 2
compare -tan 'dport = :22' 1
compare -tan 'sport = :41000' 3
compare -tan 'dport = :41000' 3
compare -tan 'dport = :443' 0
compare -tan 'sport != :41000'
compare -tan 'sport < :41002'
compare -tan 'sport <= :41002'
compare -tan 'sport > :41002'
compare -tan 'sport >= :41002'
compare -tan 'dport > :1024 and dport < :41002'
compare -tan 'dport ge :41001 and dport le :41005'
compare -tan 'sport = :22 or dport = :22' 3
compare -tan 'not ( sport = :22 or dport = :22 )'
compare -tan 'src 127.0.0.1'
compare -tan 'src 127.0.0.0/8'
compare -tan 'dst 127.0.0.1:41000' 3
compare -tan 'not src 127.0.0.1'
compare -tan 'src [::1]'
compare -tan 'src [::1]:41001' 2
compare -tan 'dst [::1]'
compare -tan 'src 127.0.0.1:41002' 2
compare -tan 'src [::ffff:127.0.0.1]' 2
compare -tan 'dst [::ffff:127.0.0.1]:41106' 1
compare -tan 'src *:41002' 3
compare -tan 'dst 0.0.0.0/0'
compare -tan '( sport >= :41000 and sport <= :41003 ) or dst [::1]'
compare -tan 'dst 127.0.0.1 and not ( dport = :41000 or dport = :41005 )'
compare -4tan 'sport >= :41000'
compare -6tan 'sport >= :41000'
compare -tln 'sport < :41003'
compare -tn 'dst 127.0.0.1 or dst [::1]'
compare -uan 'sport = :53' 1
compare -uan 'src [::1] or dport = :41200' 2
compare -uan 'not sport = :41200'

# The request carries the program: strace shows what is sent to the kernel.
# trace_req ARGS...: the sendmsg/sendto calls of one run, in $SC_TMP/trace
trace_req() {
	strace -f -e trace=sendmsg,sendto -s 300 -xx -o "$SC_TMP/trace" \
		"$SOCKSCOPE" "$@" >/dev/null 2>&1
}
# How many requests carry a bytecode attribute (as strace decodes it).
bytecode_reqs() {
	grep -c 'INET_DIAG_REQ_BYTECODE' "$SC_TMP/trace"
}
if ! command -v strace >/dev/null 2>&1 || ! trace_req -tan ||
	! grep -q 'sdiag_family=AF_INET' "$SC_TMP/trace"; then
	echo "skip: no strace here that runs and decodes sock_diag requests"
else
	trace_req -tan 'dport = :443'
	assert_eq "-tan 'dport = :443' sends a program in both TCP dumps" 2 \
		"$(bytecode_reqs)"
	# one operation: peer port 443 on any address, else reject
	op='{code=INET_DIAG_BC_D_COND, yes=12, no=16}'
	op="$op, {family=AF_UNSPEC, prefix_len=0, port=443}]"
	assert_eq "the program tests dport 443 on any address" 2 \
		"$(grep -cF "$op" "$SC_TMP/trace")"
	trace_req -tan
	assert_eq "-tan with no filter sends no program" 0 "$(bytecode_reqs)"
	trace_req -tan 'pid 1'
	assert_eq "a filter the kernel cannot test sends no program" 0 \
		"$(bytecode_reqs)"
	trace_req -tan 'pid 1 and sport = :22'
	assert_eq "its kernel part is sent" 2 "$(bytecode_reqs)"
	trace_req -tuan 'sport = :22'
	assert_eq "-tuan: every TCP and UDP dump gets the program" 4 \
		"$(bytecode_reqs)"
fi

exec {c22}>&- {c6}>&- {cmap}>&-
sc_done
