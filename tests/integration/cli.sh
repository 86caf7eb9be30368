#!/bin/bash
# cli.sh - the command line contract: --help, --version and the usage
# errors (one message line, the hint line, nothing on stdout, exit 2).
. "$(dirname "$0")/lib.sh"

HINT="Try 'sockscope --help' for more information."

# --help and -h: exit 0, the usage on stdout, every option, 80 columns.
for opt in --help -h; do
	run_sc "$opt"
	assert_eq "sockscope $opt: exit status" 0 "$SC_RC"
	assert_eq "sockscope $opt: stderr" "" "$(cat "$SC_TMP/err")"
	assert_eq "sockscope $opt: first line" \
		"Usage: sockscope [OPTION]... [state STATE...]... [exclude STATE...]..." \
		"$(head -n 1 "$SC_TMP/out")"
	for o in -t,--tcp -u,--udp -x,--unix -4,--ipv4 -6,--ipv6 \
		-l,--listening -a,--all -n,--numeric -r,--resolve \
		-H,--no-header -h,--help -V,--version; do
		short=${o%,*}
		long=${o#*,}
		if grep -qE -- "^ +$short, $long( |\$)" "$SC_TMP/out"; then
			pass "sockscope $opt lists $short, $long"
		else
			fail "sockscope $opt lists $short, $long" \
				"a line '  $short, $long ...'" "(none)"
		fi
	done
	for long in --backend=KIND --record=FILE --replay=FILE; do
		if grep -qE -- "^ +$long( |\$)" "$SC_TMP/out"; then
			pass "sockscope $opt lists $long"
		else
			fail "sockscope $opt lists $long" "a line '  $long ...'" \
				"(none)"
		fi
	done
	# The --backend entry: its line and the deeper-indented ones after it.
	entry=$(awk '/^ +--backend=KIND/ { on = 1; print; next }
		on && /^         *[^ -]/ { print; next }
		{ on = 0 }' "$SC_TMP/out")
	for word in auto netlink proc; do
		case " $(printf '%s' "$entry" | tr -s ' \n,()' '     ') " in
		*" $word "*)
			pass "sockscope $opt: --backend mentions $word"
			;;
		*)
			fail "sockscope $opt: --backend mentions $word" \
				"'$word' in the --backend entry" "$entry"
			;;
		esac
	done
	wide=$(awk 'length($0) > 80 { print NR ": " $0 }' "$SC_TMP/out")
	assert_eq "sockscope $opt: no line wider than 80 columns" "" "$wide"
	if grep -q "$(printf '\t')" "$SC_TMP/out"; then
		fail "sockscope $opt: no tabs (their width depends on the terminal)"
	fi
	cp "$SC_TMP/out" "$SC_TMP/help$opt"
done
assert_eq "sockscope -h prints what --help prints" \
	"$(cat "$SC_TMP/help--help")" "$(cat "$SC_TMP/help-h")"

# --version and -V: GNU format.
for opt in --version -V; do
	run_sc "$opt"
	assert_eq "sockscope $opt: exit status" 0 "$SC_RC"
	assert_eq "sockscope $opt: stderr" "" "$(cat "$SC_TMP/err")"
	assert_eq "sockscope $opt: first line" "sockscope 0.1.0" \
		"$(head -n 1 "$SC_TMP/out")"
	line2=$(sed -n 2p "$SC_TMP/out")
	case $line2 in
	Copyright* | *[Ll]icen[cs]e*)
		pass "sockscope $opt: a copyright or licence line follows"
		;;
	*)
		fail "sockscope $opt: a copyright or licence line follows" \
			"Copyright ... or ...License..." "$line2"
		;;
	esac
done

# usage_error MESSAGE ARGS...: exit 2, nothing on stdout, and stderr is
# exactly "sockscope: MESSAGE" and the hint. Where the spec leaves the
# wording to getopt, MESSAGE is "~GLOB": the message must match GLOB
# (name the option) and be printable ASCII.
usage_error() {
	local msg=$1 what got first
	shift
	what="sockscope $*"
	run_sc "$@"
	assert_eq "$what: exit status" 2 "$SC_RC"
	assert_eq "$what: stdout" "" "$(cat "$SC_TMP/out")"
	got=$(cat "$SC_TMP/err")
	if [ "${msg#\~}" != "$msg" ]; then
		first=$(head -n 1 "$SC_TMP/err")
		# shellcheck disable=SC2053
		if [[ $first == "sockscope: "${msg#\~} ]] &&
			! LC_ALL=C grep -q '[^ -~]' "$SC_TMP/err"; then
			assert_eq "$what: stderr" "$first
$HINT" "$got"
		else
			fail "$what: stderr" "sockscope: ${msg#\~} (printable)
$HINT" "$got"
		fi
	else
		assert_eq "$what: stderr" "sockscope: $msg
$HINT" "$got"
	fi
}

usage_error "unrecognized option '--bogus'" --bogus
usage_error "unrecognized option '--bogus'" -t --bogus
usage_error "invalid option -- 'Z'" -Z
usage_error "invalid option -- 'Z'" -tZ
usage_error "unknown state 'bogus'" state bogus
usage_error "filter: unknown predicate at column 1: 'bogus'" -t state established bogus
usage_error "unknown state 'bogus'" exclude bogus
usage_error "'state' needs a state name" state
usage_error "'state' needs a state name" -ta state
usage_error "'exclude' needs a state name" exclude
usage_error "invalid --backend 'x' (expected auto, netlink or proc)" \
	--backend=x
usage_error "invalid --backend 'x' (expected auto, netlink or proc)" \
	--backend x
usage_error "invalid --backend '' (expected auto, netlink or proc)" \
	--backend=
usage_error "~*'--backend'*" --backend
usage_error "~*'--record'*" --record
usage_error "~*'--replay'*" --replay
usage_error "~*'--help'*" --help=x
usage_error "~*'--version'*" --version=x
usage_error "~*'--numeric'*" --numeric=1
usage_error "~*'bogus'*" bogus

sc_done
