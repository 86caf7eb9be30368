#!/bin/bash
# completions.sh - the bash, zsh and fish completions offer what sockscope
# takes: every option in --help, the values of --json, --color and
# --backend, field names (from the program, or a built-in list equal to
# the program's), state names, the words of a filter expression, files.
#
# Environment (set by make check): SOCKSCOPE, the binary; top_srcdir.
# bash is always tested; zsh and fish when installed (SKIP lines if not).
# Exit: 0 pass, 1 fail, 99 hard error.

# make check runs this with $(SHELL); the checks below need bash.
if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
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
if ! "$SOCKSCOPE" --help >"$tmp/help" 2>&1; then
	echo "completions.sh: $SOCKSCOPE --help failed" >&2
	exit 99
fi
if ! "$SOCKSCOPE" --output=help >"$tmp/fields.txt" 2>&1; then
	echo "completions.sh: $SOCKSCOPE --output=help failed" >&2
	exit 99
fi
longs=$(grep -oE -- '--[a-z][a-z0-9-]*' "$tmp/help" | sort -u)
shorts=$(grep -oE -- '(^|[ ,[(])-[a-zA-Z0-9]([^a-zA-Z0-9-]|$)' "$tmp/help" |
	grep -oE -- '-[a-zA-Z0-9]' | sort -u)
fields=$(sed -nE 's/^  ([a-z][a-z0-9_]*) .*/\1/p' "$tmp/fields.txt" | sort)
if [ -z "$longs" ] || [ -z "$shorts" ] || [ -z "$fields" ]; then
	echo "completions.sh: no options or fields found in $SOCKSCOPE's help" >&2
	exit 99
fi
states='established estab syn-sent syn-recv fin-wait-1 fin-wait-2 time-wait
closed unconnected unconn close-wait last-ack listening listen closing all
connected synchronized bucket big'
predicates='sport dport src dst pid comm uid user path peer_comm inode'

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
EOF

# ---- the checks, on one shell's answers ------------------------------------
# words FILE KEY: the completions of case KEY, one per line, sorted.
words()
{
	sed -n "s/^$2: //p" "$1" | tr ' ' '\n' | sed '/^$/d' | sort -u
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
		expect_exactly "$sh" "$f" output_comma state,comm state,cookie
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
