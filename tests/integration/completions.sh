#!/bin/bash
# completions.sh - the bash, zsh and fish completions offer what sockscope
# takes: every option in --help, the values of --json, --color and
# --backend, field names (from the program, or a built-in list equal to
# the program's), state names, the words of a filter expression, files;
# the commands at the first word, and after one only that command's
# options (every one in its --help) and arguments; after tui, whose
# options are a part of the listing's, the listing's words as well.
#
# Environment (set by make check): SOCKSCOPE, the binary; top_srcdir.
# bash is always tested; zsh and fish when installed (SKIP lines if not).
# Exit: 0 pass, 1 fail, 99 hard error.

# make check runs this with $(SHELL); the checks below need bash.
if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

# -N completes the names under /var/run/netns: as root the test makes
# its own there in a private mount namespace (on a tmpfs), which no other
# program sees. unshare(1) execs in place: the pid tells the copy apart.
if [ "${SC_COMP_MNTNS-}" != "$$" ] && [ "$(id -u)" -eq 0 ] &&
	command -v ip >/dev/null 2>&1 && unshare -m true 2>/dev/null; then
	export SC_COMP_MNTNS=$$
	exec unshare -m --propagation private bash "$0" "$@"
fi

set -u
export LC_ALL=C
unset LANG LANGUAGE

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
comp_bash=$top_srcdir/completions/sockscope
comp_zsh=$top_srcdir/completions/_sockscope
comp_fish=$top_srcdir/completions/sockscope.fish
bash_completion=/usr/share/bash-completion/bash_completion

if [ -z "${SOCKSCOPE:-}" ] || [ ! -x "$SOCKSCOPE" ]; then
	echo "completions.sh: SOCKSCOPE must name the sockscope binary" >&2
	exit 99
fi
for f in "$comp_bash" "$comp_zsh" "$comp_fish"; do
	if [ ! -r "$f" ]; then
		echo "completions.sh: cannot read $f" >&2
		exit 99
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sockscope-comp.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT

# The network namespaces -N offers: two made here, and no other.
netns_names=
if [ "${SC_COMP_MNTNS-}" = "$$" ]; then
	unset SC_COMP_MNTNS
	if mkdir -p /var/run/netns &&
		mount -t tmpfs -o size=1m,mode=755 sockscope-comp /var/run/netns &&
		ip netns add sc-comp-a && ip netns add sc-comp-b; then
		netns_names='sc-comp-a sc-comp-b'
		trap 'ip netns del sc-comp-a; ip netns del sc-comp-b; rm -rf "$tmp"' EXIT
	else
		echo "completions.sh: cannot make test network namespaces" >&2
		exit 99
	fi
fi

failed=0

fail()
{
	echo "FAIL: $*"
	failed=1
}

skip()
{
	echo "SKIP: $*"
}

# ---- what the program takes ----------------------------------------------
# help_opts FILE: the options of a --help text, one per line, sorted: the
# words that start each option line (indented by at most six spaces), up
# to its description: "-t, --tcp  -u, --udp" and "--delay=TENTHS" give
# -t --tcp -u --udp --delay. An option named in a description or in the
# prose ("The same as sockscope --tui.") is none.
help_opts()
{
	awk '{
		if (!match($0, /^ +-/) || RLENGTH > 7)
			next
		for (i = 1; i <= NF; i++) {
			w = $i
			sub(/,$/, "", w)
			if (w ~ /^-[a-zA-Z0-9]$/)
				print w
			else if (w ~ /^--[a-z][a-z0-9-]*(\[?=.*)?$/) {
				sub(/[[=].*/, "", w)
				print w
			} else
				break
		}
	}' "$1" | sort -u
}

if ! "$SOCKSCOPE" --help >"$tmp/help" 2>&1; then
	echo "completions.sh: $SOCKSCOPE --help failed" >&2
	exit 99
fi
if ! "$SOCKSCOPE" --output=help >"$tmp/fields.txt" 2>&1; then
	echo "completions.sh: $SOCKSCOPE --output=help failed" >&2
	exit 99
fi
longs=$(help_opts "$tmp/help" | grep -- '^--')
shorts=$(help_opts "$tmp/help" | grep -v -- '^--')
fields=$(sed -nE 's/^  ([a-z][a-z0-9_]*) .*/\1/p' "$tmp/fields.txt" | sort)
if [ -z "$longs" ] || [ -z "$shorts" ] || [ -z "$fields" ]; then
	echo "completions.sh: no options or fields found in $SOCKSCOPE's help" >&2
	exit 99
fi
# The commands, from the "Commands" section of --help, and the options of
# each: cmd_opts_NAME, from "sockscope NAME --help". A command whose
# --help fails or prints nothing is still being written: its options are
# not compared (a SKIP line says so).
commands=$(sed -nE '/^Commands/,/^$/s/^  ([a-z][a-z0-9-]*)( .*)?$/\1/p' \
	"$tmp/help")
if [ -z "$commands" ]; then
	echo "completions.sh: no commands found in $SOCKSCOPE --help" >&2
	exit 99
fi
unwritten=
for cmd in $commands; do
	if "$SOCKSCOPE" "$cmd" --help >"$tmp/help.$cmd" 2>/dev/null &&
		[ -s "$tmp/help.$cmd" ]; then
		declare "cmd_opts_$cmd=$(help_opts "$tmp/help.$cmd")"
	else
		unwritten="$unwritten $cmd"
		skip "sockscope $cmd --help prints nothing yet: its options are not compared"
	fi
done

# The state names and the predicates of a filter expression: the parsers'
# own tables, so that a new name must be completed too.
states=$(sed -nE 's/^[[:space:]]*\{ "([a-z0-9-]+)", .*/\1/p' \
	"$top_srcdir/src/filter/state.c" 2>/dev/null)
predicates=$(sed -nE 's/^[[:space:]]*\[EXPR_F_[A-Z_]+\] = \{ "([a-z_]+)",.*/\1/p' \
	"$top_srcdir/src/filter/expr.c" 2>/dev/null)
if [ -z "$states" ] || [ -z "$predicates" ]; then
	echo "completions.sh: no state names in $top_srcdir/src/filter/state.c or no predicates in src/filter/expr.c" >&2
	exit 99
fi
# one line each
# shellcheck disable=SC2116,SC2086
states=$(echo $states) predicates=$(echo $predicates)

# The program as "sockscope" on PATH, whatever SOCKSCOPE's file is called.
mkdir "$tmp/bin" "$tmp/home" "$tmp/files" || exit 99
ln -s "$(cd "$(dirname "$SOCKSCOPE")" && pwd)/$(basename "$SOCKSCOPE")" \
	"$tmp/bin/sockscope" || exit 99
: >"$tmp/files/rec.nl"
nowhere=$tmp/nowhere/sockscope # a program that cannot be run

# The cases: KEY, a tab, the command line up to the cursor. Every shell
# completes each; the checks below read "KEY: WORD..." lines.
cat >"$tmp/cases" <<EOF
dash	sockscope -
dashdash	sockscope --
col	sockscope --col
json	sockscope --json=
color	sockscope --color=
colour	sockscope --colour=
backend	sockscope --backend=
backend_sep	sockscope --backend 
record	sockscope --record=re
output	sockscope --output=
output_comma	sockscope --output=state,co
sort	sockscope --sort=
sort_sep	sockscope --sort 
count_by	sockscope -t --count-by=state,
fallback	$nowhere --sort=
first	sockscope -t 
state	sockscope state 
state_more	sockscope -t state listening 
exclude	sockscope exclude 
after_state	sockscope -tn state time-wait -
pred_op	sockscope -t dport 
next_cond	sockscope -t dport = :22 
user	sockscope user = ro
tu	sockscope --tu
delay_sep	sockscope -d 
delay_short	sockscope -nd 
delay_long	sockscope --delay 
delay_next	sockscope -nd 5 
delay_opts	sockscope -d 5 --tc
delay_attached	sockscope -d5 state 
cmd_first	sockscope 
cmd_prefix	sockscope de
cmd_prefix_tui	sockscope tu
tui_first	sockscope tui 
tui_dashdash	sockscope tui --
tui_state	sockscope tui state 
tui_exclude	sockscope tui -l exclude 
tui_state_more	sockscope tui -t state listening 
tui_sort	sockscope tui --sort=
tui_sort_sep	sockscope tui --sort 
tui_output	sockscope tui -t --output=
tui_output_comma	sockscope tui --output=state,co
tui_color	sockscope tui --color=
tui_backend	sockscope tui --backend=
tui_delay	sockscope tui -d 
tui_delay_long	sockscope tui -x --delay=
tui_delay_next	sockscope tui --delay 5 
tui_delay_state	sockscope tui -ad 5 state 
tui_pred_op	sockscope tui -t dport 
tui_next_cond	sockscope tui sport = :22 
tui_user	sockscope tui user = ro
tui_after_state	sockscope tui state time-wait -
tui_not_first	sockscope tui -- 
not_first	sockscope -- 
demo_c	sockscope demo --c
demo_closer	sockscope demo --closer=
demo_closer_sep	sockscope demo tcp --closer 
demo_kind	sockscope demo 
demo_kind_opts	sockscope demo -6 --port 8080 
demo_no_target	sockscope demo unix 
serve_kind	sockscope serve 
serve_unix	sockscope serve unix /tm
serve_unix_rel	sockscope serve --mode 0660 unix re
serve_abstract	sockscope serve unix @
serve_tcp	sockscope serve tcp 
serve_type	sockscope serve --type=
serve_group	sockscope serve --group=ro
connect_kind	sockscope connect -n 3 
connect_unix	sockscope connect -qn 3 unix re
connect_closer	sockscope connect --closer=
connect_type	sockscope connect unix --type 
bench_transports	sockscope bench --transports=
bench_transports_comma	sockscope bench --transports=unix,
bench_args	sockscope bench 
why_u	sockscope why --u
why_type	sockscope why --type=
why_type_sep	sockscope why -J --type 
why_user	sockscope why --user=ro
why_target	sockscope why /tm
why_target_rel	sockscope why -uJ --timeout 2s re
why_abstract	sockscope why @
why_more	sockscope why rec.nl 
netns_long	sockscope --netns=sc-comp-
netns_sep	sockscope -x --netns 
netns_short	sockscope -N 
netns_cluster	sockscope -tN sc-comp-a
netns_path	sockscope -N ./re
netns_next	sockscope -tN sc-comp-a 
netns_operand	sockscope -t netns = sc-comp-
EOF
for cmd in $commands; do
	printf 'cmd_dash_%s\tsockscope %s -\n' "$cmd" "$cmd" >>"$tmp/cases"
done

# ---- the checks, on one shell's answers ------------------------------------
# words FILE KEY: the completions of case KEY, one per line, sorted; an
# option offered as "--name=" as "--name", a directory as "name" (shells
# differ in both).
words()
{
	sed -n "s/^$2: //p" "$1" | tr ' ' '\n' |
		sed -E '/^$/d; s/^(--[a-z0-9-]+)=$/\1/; s#(.)/$#\1#' | sort -u
}

# check_shell NAME FILE: the answers of shell NAME in FILE.
check_shell()
{
	local sh=$1 f=$2 opt w got want bad

	# every option of --help, after "-" (an option that takes an argument
	# may be offered as "--name=")
	bad=0
	for opt in $longs $shorts; do
		if ! words "$f" dash | grep -qxE -- "$opt=?"; then
			fail "$sh: '-' does not offer $opt"
			bad=1
		fi
	done
	for opt in $longs; do
		if ! words "$f" dashdash | grep -qxE -- "$opt=?"; then
			fail "$sh: '--' does not offer $opt"
			bad=1
		fi
	done
	[ "$bad" -eq 0 ] && echo "ok: $sh offers every option in --help"

	expect_has "$sh" "$f" col --color --colour
	expect_exactly "$sh" "$f" json document lines
	expect_exactly "$sh" "$f" color auto always never
	expect_exactly "$sh" "$f" colour auto always never
	expect_exactly "$sh" "$f" backend auto netlink proc
	expect_exactly "$sh" "$f" backend_sep auto netlink proc
	expect_exactly "$sh" "$f" record rec.nl
	# shellcheck disable=SC2046,SC2086 # lists of words
	{
		expect_exactly "$sh" "$f" output $fields help
		# the fields that start with "co" (comm, cookie, ...)
		expect_exactly "$sh" "$f" output_comma \
			$(printf 'state,%s\n' $fields | grep '^state,co')
		expect_exactly "$sh" "$f" sort $fields
		expect_exactly "$sh" "$f" sort_sep $fields
		# a field already in the list is not offered again
		expect_exactly "$sh" "$f" count_by \
			$(printf 'state,%s\n' $fields | grep -vx state,state)
		# the list built into the completion, for a program that cannot
		# be run, is the program's own
		expect_exactly "$sh" "$f" fallback $fields
		expect_exactly "$sh" "$f" first state exclude not $predicates
		expect_exactly "$sh" "$f" state $states
		expect_exactly "$sh" "$f" exclude $states
		expect_has "$sh" "$f" state_more $states state exclude not \
			$predicates
		expect_has "$sh" "$f" pred_op = != lt ge
		expect_exactly "$sh" "$f" next_cond and or not $predicates
	}
	expect_has "$sh" "$f" user root
	# options end at the first other word: -o here starts the filter
	got=$(words "$f" after_state | grep -- '^-')
	if [ -n "$got" ]; then
		fail "$sh: options offered after the state words: ${got//$'\n'/ }"
	else
		echo "ok: $sh: no options after the state words"
	fi
	check_live "$sh" "$f"
	check_commands "$sh" "$f"
}

# check_live NAME FILE: --tui and -d/--delay of the listing, and the
# command tui, in shell NAME's answers in FILE. tui completes as the
# listing does, with its options alone (the loop in check_commands holds
# them equal to those of tui --help).
check_live()
{
	local sh=$1 f=$2 key got
	expect_exactly "$sh" "$f" tu --tui
	# -d takes a value: nothing to offer for it, and the word after it is
	# no state word or filter
	for key in delay_sep delay_short delay_long tui_delay tui_delay_long; do
		expect_exactly "$sh" "$f" "$key"
	done
	expect_exactly "$sh" "$f" delay_opts --tcp
	expect_exactly "$sh" "$f" cmd_prefix_tui tui
	# shellcheck disable=SC2046,SC2086 # lists of words
	{
		expect_exactly "$sh" "$f" delay_next state exclude not $predicates
		expect_exactly "$sh" "$f" delay_attached $states
		expect_exactly "$sh" "$f" tui_first state exclude not $predicates
		expect_exactly "$sh" "$f" tui_not_first state exclude not \
			$predicates
		expect_exactly "$sh" "$f" tui_delay_next state exclude not \
			$predicates
		expect_exactly "$sh" "$f" tui_state $states
		expect_exactly "$sh" "$f" tui_exclude $states
		expect_exactly "$sh" "$f" tui_delay_state $states
		expect_has "$sh" "$f" tui_state_more $states state exclude not \
			$predicates
		expect_exactly "$sh" "$f" tui_sort $fields
		expect_exactly "$sh" "$f" tui_sort_sep $fields
		expect_exactly "$sh" "$f" tui_output $fields help
		expect_exactly "$sh" "$f" tui_next_cond and or not $predicates
		if [ -n "${cmd_opts_tui:-}" ]; then
			expect_exactly "$sh" "$f" tui_dashdash \
				$(printf '%s\n' $cmd_opts_tui | grep -- '^--')
		fi
	}
	# shellcheck disable=SC2046,SC2086 # lists of words
	expect_exactly "$sh" "$f" tui_output_comma \
		$(printf 'state,%s\n' $fields | grep '^state,co')
	expect_exactly "$sh" "$f" tui_color auto always never
	expect_exactly "$sh" "$f" tui_backend auto netlink proc
	expect_has "$sh" "$f" tui_pred_op = != lt ge
	expect_has "$sh" "$f" tui_user root
	got=$(words "$f" tui_after_state | grep -- '^-')
	if [ -n "$got" ]; then
		fail "$sh: options offered after tui's state words: ${got//$'\n'/ }"
	else
		echo "ok: $sh: no options after tui's state words"
	fi
}

# check_commands NAME FILE: the commands in shell NAME's answers in FILE.
check_commands()
{
	local sh=$1 f=$2 cmd var got want
	# shellcheck disable=SC2086 # lists of words
	{
		expect_exactly "$sh" "$f" cmd_first $commands state exclude not \
			$predicates
		expect_exactly "$sh" "$f" not_first state exclude not $predicates
	}
	expect_exactly "$sh" "$f" cmd_prefix demo
	# demo's long options that start with --c
	expect_exactly "$sh" "$f" demo_c --closer --color
	expect_exactly "$sh" "$f" demo_closer client server
	expect_exactly "$sh" "$f" demo_closer_sep client server
	expect_exactly "$sh" "$f" demo_kind tcp unix
	expect_exactly "$sh" "$f" demo_kind_opts tcp unix
	# nothing but options where no argument is left (zsh then offers
	# the options, without a "-" typed)
	expect_no_args "$sh" "$f" demo_no_target
	expect_exactly "$sh" "$f" serve_kind tcp udp unix
	expect_has "$sh" "$f" serve_unix /tmp
	expect_exactly "$sh" "$f" serve_unix_rel rec.nl
	expect_exactly "$sh" "$f" serve_abstract
	expect_exactly "$sh" "$f" serve_tcp
	expect_exactly "$sh" "$f" serve_type stream dgram seqpacket
	expect_has "$sh" "$f" serve_group root
	expect_exactly "$sh" "$f" connect_kind tcp udp unix
	expect_exactly "$sh" "$f" connect_unix rec.nl
	expect_exactly "$sh" "$f" connect_closer client server
	expect_exactly "$sh" "$f" connect_type stream dgram seqpacket
	expect_exactly "$sh" "$f" bench_transports unix unix-dgram \
		unix-seqpacket tcp4 tcp6 udp4 udp6 all
	expect_exactly "$sh" "$f" bench_transports_comma unix,unix-dgram \
		unix,unix-seqpacket unix,tcp4 unix,tcp6 unix,udp4 unix,udp6
	expect_no_args "$sh" "$f" bench_args
	expect_exactly "$sh" "$f" why_u --udp --user
	expect_exactly "$sh" "$f" why_type stream dgram seqpacket
	expect_exactly "$sh" "$f" why_type_sep stream dgram seqpacket
	expect_has "$sh" "$f" why_user root
	# the TARGET: PATH (files), @NAME or HOST:PORT (nothing to offer)
	expect_has "$sh" "$f" why_target /tmp
	expect_exactly "$sh" "$f" why_target_rel rec.nl
	expect_exactly "$sh" "$f" why_abstract
	expect_no_args "$sh" "$f" why_more
	check_netns "$sh" "$f"

	# after "sockscope CMD -": exactly the options of CMD --help, so
	# none of the listing's
	for cmd in $commands; do
		got=$(words "$f" "cmd_dash_$cmd" | grep -xE -- "$(listing_only "$cmd")")
		if [ -n "$got" ]; then
			fail "$sh: 'sockscope $cmd -' offers the listing's ${got//$'\n'/ }"
		else
			echo "ok: $sh: 'sockscope $cmd -' offers none of the listing's options"
		fi
		case " $unwritten " in
		*" $cmd "*) continue ;;
		esac
		var=cmd_opts_$cmd
		# shellcheck disable=SC2086 # a list of words
		expect_exactly "$sh" "$f" "cmd_dash_$cmd" ${!var}
	done
}

# check_netns NAME FILE: -N and --netns offer the network namespaces, by
# name, or a path; the word after one is no option value. Only where -N
# exists, and as root (this test made the namespaces).
check_netns()
{
	local sh=$1 f=$2 key
	printf '%s\n' "$shorts" | grep -qx -- -N || return
	if [ -z "$netns_names" ]; then
		skip "$sh: not root: no network namespaces made to complete for -N"
		return
	fi
	for key in netns_long netns_sep netns_short netns_operand; do
		# shellcheck disable=SC2086 # a list of words
		expect_exactly "$sh" "$f" "$key" $netns_names
	done
	expect_exactly "$sh" "$f" netns_cluster sc-comp-a
	expect_exactly "$sh" "$f" netns_path ./rec.nl
	# shellcheck disable=SC2086 # a list of words
	expect_exactly "$sh" "$f" netns_next state exclude not $predicates
}

# listing_only CMD: a regular expression matching the listing's options
# that command CMD does not take (while CMD --help is empty, some that no
# command takes).
listing_only()
{
	local var=cmd_opts_$1 opt re='' opts
	opts=$longs$'\n'$shorts
	[ -n "${!var:-}" ] || opts='-t --tcp -l --listening --output --backend'
	for opt in $opts; do
		if ! printf '%s\n' "${!var:-}" | grep -qxF -- "$opt"; then
			re="$re|$opt"
		fi
	done
	printf '(%s)\n' "${re#|}"
}

# expect_exactly SHELL FILE KEY WORD...: the completions are exactly WORD...
expect_exactly()
{
	local sh=$1 f=$2 key=$3 got want
	shift 3
	got=$(words "$f" "$key")
	want=$(printf '%s\n' "$@" | sort -u)
	if [ "$got" != "$want" ]; then
		fail "$sh: completion '$key': got [${got//$'\n'/ }], want [$*]"
	else
		echo "ok: $sh: completion '$key'"
	fi
}

# expect_has SHELL FILE KEY WORD...: the completions include every WORD.
expect_has()
{
	local sh=$1 f=$2 key=$3 w bad=0
	shift 3
	for w in "$@"; do
		if ! words "$f" "$key" | grep -qxF -- "$w"; then
			fail "$sh: completion '$key' lacks $w (got: $(words "$f" "$key" | tr '\n' ' '))"
			bad=1
		fi
	done
	[ "$bad" -eq 0 ] && echo "ok: $sh: completion '$key'"
}

# expect_no_args SHELL FILE KEY: the completions are options, if any.
expect_no_args()
{
	local sh=$1 f=$2 key=$3 got
	got=$(words "$f" "$key" | grep -v -- '^-')
	if [ -n "$got" ]; then
		fail "$sh: completion '$key': got [${got//$'\n'/ }], want no argument"
	else
		echo "ok: $sh: completion '$key'"
	fi
}

# strip_values: "--opt=value" as "value" (bash answers with the value
# alone; zsh and fish give the whole word).
strip_values()
{
	sed -E 's/(^| )--[a-z-]+=/\1/g'
}

# ---- bash ------------------------------------------------------------------
# Runs in a child bash: bash_completion changes shell options and defines
# hundreds of functions. Without bash-completion, minimal stand-ins for
# the two helpers the completion uses.
bash_answers()
{
	if [ -r "$bash_completion" ]; then
		# shellcheck disable=SC1090
		source "$bash_completion" >/dev/null 2>&1 || return 1
	else
		# shellcheck disable=SC2034,SC2207,SC2317 # for the completion
		_init_completion()
		{
			local line=${COMP_LINE:0:COMP_POINT}
			read -ra words <<<"$line"
			[[ $line == *' ' ]] && words+=('')
			cword=$((${#words[@]} - 1))
			cur=${words[cword]}
			prev=${words[cword - 1]}
			split=false
			if [[ $1 == -s && $cur == --?*=* ]]; then
				prev=${cur%%=*}
				cur=${cur#*=}
				split=true
			fi
		}
		# shellcheck disable=SC2207,SC2317
		_filedir()
		{
			COMPREPLY=($(compgen -f -- "$cur"))
		}
	fi
	# shellcheck disable=SC1090
	source "$comp_bash" || return 1
	# compopt only works while bash itself is completing.
	# shellcheck disable=SC2317
	compopt() { :; }

	local key line w
	while IFS=$'\t' read -r key line; do
		# the words as readline splits them: at blanks, and at runs of
		# the characters of COMP_WORDBREAKS, which become words
		COMP_WORDS=()
		for w in $line; do
			while [[ $w =~ ^([^=:\(\<\>\;\|\&]*)([=:\(\<\>\;\|\&]+)(.*)$ ]]; do
				[[ ${BASH_REMATCH[1]} ]] && COMP_WORDS+=("${BASH_REMATCH[1]}")
				COMP_WORDS+=("${BASH_REMATCH[2]}")
				w=${BASH_REMATCH[3]}
			done
			[[ $w ]] && COMP_WORDS+=("$w")
		done
		[[ $line == *' ' ]] && COMP_WORDS+=('')
		COMP_LINE=$line
		COMP_POINT=${#line}
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMPREPLY=()
		_sockscope "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" \
			"${COMP_WORDS[COMP_CWORD - 1]}"
		echo "$key: ${COMPREPLY[*]}"
	done <"$tmp/cases"
}

if [ ! -r "$bash_completion" ]; then
	echo "note: bash-completion is not installed: its helpers are stood in for"
fi
(cd "$tmp/files" && PATH=$tmp/bin:$PATH bash_answers) \
	>"$tmp/bash.out" 2>"$tmp/bash.err"
rc=$?
if [ "$rc" -ne 0 ] || [ -s "$tmp/bash.err" ]; then
	fail "bash: completing failed (exit $rc):"
	cat "$tmp/bash.err"
fi
check_shell bash "$tmp/bash.out"

# ---- zsh -------------------------------------------------------------------
# An interactive zsh -f in a pseudo-terminal (zsh/zpty) with compinit and
# the completion on fpath; TAB runs a widget that completes without
# inserting or listing, and a compadd wrapper writes every match to a file.
cat >"$tmp/zsh-setup.zsh" <<'EOF'
PS1='' PROMPT='' RPROMPT=''
exec 2>>$SC_OUT.err
fpath=($SC_COMPDIR $fpath)
autoload -Uz compinit
compinit -u -D
zmodload zsh/zutil
compadd() {
  # calls that only collect or test matches are not the final ones
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
    builtin compadd "$@"
    return
  fi
  local -a __sc_hits
  local -A __sc_p
  zparseopts -E -A __sc_p P: p:
  builtin compadd -A __sc_hits "$@"
  local h
  for h in $__sc_hits; do
    print -r -- "$IPREFIX${__sc_p[-P]}${__sc_p[-p]}$h" >> $SC_OUT
  done
  builtin compadd "$@"
}
__sc_quiet() {
  compstate[insert]=''
  compstate[list]=''
}
__sc_tab() {
  comppostfuncs=(__sc_quiet)
  zle __sc_complete
  print -r -- '<<done>>' >> $SC_OUT
  BUFFER=''
}
zle -C __sc_complete complete-word _main_complete
zle -N __sc_tab
bindkey '^I' __sc_tab
print -r -- '<<ready>>' >> $SC_OUT
EOF
cat >"$tmp/zsh-drive.zsh" <<'EOF'
# zsh -f zsh-drive.zsh SETUP CASES OUT
zmodload zsh/zpty || exit 77
export SC_OUT=$3
: >| $SC_OUT
integer i n=0
wait_for() {
  local -a lines hits
  for (( i = 0; i < 200; i++ )); do
    lines=("${(@f)$(<$SC_OUT)}")
    hits=(${(M)lines:#$1})
    (( $#hits >= $2 )) && return 0
    sleep 0.05
  done
  print -r -- "zsh-drive: timed out waiting for $1" >&2
  exit 1
}
zpty sc zsh -f -i
zpty -w sc "source ${(q)1}"
wait_for '<<ready>>' 1
local key line
while IFS=$'\t' read -r key line; do
  print -r -- "<<case $key>>" >> $SC_OUT
  zpty -w -n sc "$line"$'\t'
  wait_for '<<done>>' $(( ++n ))
done < $2
zpty -d sc
EOF

# zsh_answers RAW: the "KEY: WORD..." lines of the raw capture.
zsh_answers()
{
	awk '
	/^<<case / { key = substr($2, 1, length($2) - 2); words = ""; next }
	/^<<done>>$/ { print key ":" words; next }
	/^<</ { next }
	{ words = words " " $0 }' "$1"
}

if ! command -v zsh >/dev/null 2>&1; then
	skip "zsh is not installed: the zsh completion is not exercised"
elif ! zsh -fc 'zmodload zsh/zpty' 2>/dev/null; then
	skip "zsh has no zsh/zpty module: the zsh completion is not exercised"
else
	(cd "$tmp/files" &&
		HOME=$tmp/home PATH=$tmp/bin:$PATH \
		SC_COMPDIR=$(dirname "$comp_zsh") \
		zsh -f "$tmp/zsh-drive.zsh" "$tmp/zsh-setup.zsh" "$tmp/cases" \
			"$tmp/zsh.raw") >"$tmp/zsh.drive.err" 2>&1
	rc=$?
	if [ "$rc" -ne 0 ] || [ -s "$tmp/zsh.drive.err" ] ||
		[ -s "$tmp/zsh.raw.err" ]; then
		fail "zsh: completing failed (exit $rc):"
		cat "$tmp/zsh.drive.err" "$tmp/zsh.raw.err" 2>/dev/null
	fi
	zsh_answers "$tmp/zsh.raw" | strip_values >"$tmp/zsh.out"
	check_shell zsh "$tmp/zsh.out"
fi

# ---- fish ------------------------------------------------------------------
if ! command -v fish >/dev/null 2>&1; then
	skip "fish is not installed: the fish completion is not exercised"
else
	# shellcheck disable=SC2016 # fish code
	(cd "$tmp/files" &&
		HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home XDG_DATA_HOME=$tmp/home \
		PATH=$tmp/bin:$PATH \
		fish -N -c 'source $argv[1]
			while read -l -d \t key line
				echo "$key:" (complete -C "$line" | string replace -r "\t.*" "")
			end < $argv[2]' "$comp_fish" "$tmp/cases") \
		>"$tmp/fish.raw" 2>"$tmp/fish.err"
	rc=$?
	if [ "$rc" -ne 0 ] || [ -s "$tmp/fish.err" ]; then
		fail "fish: completing failed (exit $rc):"
		cat "$tmp/fish.err"
	fi
	strip_values <"$tmp/fish.raw" >"$tmp/fish.out"
	check_shell fish "$tmp/fish.out"
fi

if [ "$failed" -ne 0 ]; then
	exit 1
fi
exit 0
