#!/bin/bash
# docs.sh - the shipped documentation stays in step with the program: the
# man page lints clean, and it and the bash completion know every option,
# the listing's and each command's (in the command's subsection of the
# man page's COMMANDS).
#
# Environment (set by make check): SOCKSCOPE, the binary; top_srcdir.
# Exit: 0 pass, 1 fail, 77 skip (nothing could be checked), 99 hard error.

# make check runs this with $(SHELL); the checks below need bash.
if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
page=$top_srcdir/man/sockscope.8
comp=$top_srcdir/completions/sockscope
bash_completion=/usr/share/bash-completion/bash_completion

if [ -z "${SOCKSCOPE:-}" ] || [ ! -x "$SOCKSCOPE" ]; then
	echo "docs.sh: SOCKSCOPE must name the sockscope binary" >&2
	exit 99
fi
for f in "$page" "$comp"; do
	if [ ! -r "$f" ]; then
		echo "docs.sh: cannot read $f" >&2
		exit 99
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sockscope-docs.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT

failed=0
ran=0

fail()
{
	echo "FAIL: $*"
	failed=1
}

skip()
{
	echo "SKIP: $*"
}

# ---- the man page lints clean ---------------------------------------------
if command -v mandoc >/dev/null 2>&1; then
	ran=$((ran + 1))
	mandoc -Tlint -Wwarning "$page" >"$tmp/lint" 2>&1
	if [ -s "$tmp/lint" ]; then
		fail "mandoc -Tlint -Wwarning $page:"
		cat "$tmp/lint"
	else
		echo "ok: mandoc -Tlint -Wwarning"
	fi
else
	skip "mandoc is not installed: no lint of the man page"
fi

if command -v man >/dev/null 2>&1; then
	ran=$((ran + 1))
	LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
		man --warnings -E UTF-8 -l "$page" >/dev/null 2>"$tmp/man.err"
	rc=$?
	if [ "$rc" -ne 0 ] || [ -s "$tmp/man.err" ]; then
		fail "man --warnings -l $page (exit $rc):"
		cat "$tmp/man.err"
	else
		echo "ok: man --warnings"
	fi
else
	skip "man is not installed: no groff warnings check"
fi

# ---- every option in --help is documented and completed -------------------
if ! "$SOCKSCOPE" --help >"$tmp/help" 2>"$tmp/help.err"; then
	echo "docs.sh: $SOCKSCOPE --help failed:" >&2
	cat "$tmp/help.err" >&2
	exit 99
fi
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

longs=$(help_opts "$tmp/help" | grep -- '^--')
shorts=$(help_opts "$tmp/help" | grep -v -- '^--')
if [ -z "$longs" ] || [ -z "$shorts" ]; then
	fail "found no options in $SOCKSCOPE --help"
fi

# ---- --version is in the GNU format -----------------------------------------
# The GNU coding standards: the name and version, a copyright line, the
# licence, and the two standard sentences.
ran=$((ran + 1))
if ! "$SOCKSCOPE" --version >"$tmp/version" 2>&1; then
	fail "$SOCKSCOPE --version failed: $(head -n 3 "$tmp/version")"
fi
version_re=(
	'^sockscope [0-9]+\.[0-9]+\.[0-9]+$'
	'^Copyright \(C\) [0-9]{4} .+\.$'
	'^License [^ ]+: .+ <https?://[^>]+>\.$'
	'^This is free software: you are free to change and redistribute it\.$'
	'^There is NO WARRANTY, to the extent permitted by law\.$'
)
bad=0
for i in "${!version_re[@]}"; do
	line=$(sed -n "$((i + 1))p" "$tmp/version")
	if ! [[ $line =~ ${version_re[i]} ]]; then
		fail "--version line $((i + 1)) is '$line', want /${version_re[i]}/"
		bad=1
	fi
done
[ "$bad" -eq 0 ] && echo "ok: --version is in the GNU format"

# ---- --help fits a terminal, and groups its options -------------------------
# check_width WHAT FILE: no line of FILE is wider than 80 columns, and it
# has no tabs (whose width depends on the terminal).
check_width()
{
	local wide
	wide=$(awk 'length($0) > 80 { print NR ": " $0 }' "$2")
	if [ -n "$wide" ]; then
		fail "$1 has lines wider than 80 columns:"
		printf '%s\n' "$wide"
	elif grep -q "$(printf '\t')" "$2"; then
		fail "$1 has tabs"
	else
		echo "ok: $1 fits in 80 columns"
	fi
}
ran=$((ran + 1))
check_width "sockscope --help" "$tmp/help"
# the listing's options come in groups: a heading ending in ':' ahead of
# each run of option lines
groups=$(grep -cE '^[A-Z][A-Za-z ]+:$' "$tmp/help")
if [ "$groups" -lt 3 ]; then
	fail "sockscope --help has $groups option group headings, want several"
else
	echo "ok: sockscope --help groups its options under $groups headings"
fi

# The man page as a reader sees it: the source spells --tcp as "Fl -tcp".
# The sed drops overstriking (bold), without needing col(1).
rendered=$tmp/page.txt
if command -v mandoc >/dev/null 2>&1; then
	mandoc -Tascii "$page" | sed 's/.\x08//g' >"$rendered"
elif command -v man >/dev/null 2>&1; then
	LC_ALL=C MANWIDTH=80 man -l "$page" 2>/dev/null |
		sed 's/.\x08//g' >"$rendered"
else
	rendered=
	skip "neither mandoc nor man is installed: options not checked in the man page"
fi

# has_opt FILE OPTION: OPTION occurs in FILE as a whole word.
has_opt()
{
	grep -qE -- "(^|[^a-zA-Z0-9-])$2([^a-zA-Z0-9-]|\$)" "$1"
}

ran=$((ran + 1))
missing=0
for opt in $longs $shorts; do
	if [ -n "$rendered" ] && ! has_opt "$rendered" "$opt"; then
		fail "$opt is in --help but not in man/sockscope.8"
		missing=1
	fi
	if ! has_opt "$comp" "$opt"; then
		fail "$opt is in --help but not in completions/sockscope"
		missing=1
	fi
done
if [ "$missing" -eq 0 ]; then
	echo "ok: every option in --help is in ${rendered:+the man page and }the completion"
fi

# ---- every option of each command is documented and completed -------------
# The commands are the "Commands" section of --help. A command's options
# are looked for in its subsection of the man page's COMMANDS (rendered as
# "   NAME" under "COMMANDS"), or in the section's opening paragraphs,
# which say what all commands take. A command whose --help fails or
# prints nothing is still being written: SKIP.
commands=$(sed -nE '/^Commands/,/^$/s/^  ([a-z][a-z0-9-]*)( .*)?$/\1/p' \
	"$tmp/help")
if [ -z "$commands" ]; then
	fail "found no commands in $SOCKSCOPE --help"
fi
written=
for cmd in $commands; do
	if ! "$SOCKSCOPE" "$cmd" --help >"$tmp/help.$cmd" 2>/dev/null ||
		[ ! -s "$tmp/help.$cmd" ]; then
		skip "sockscope $cmd --help prints nothing yet: its options are not checked"
		continue
	fi
	written="$written $cmd"
	ran=$((ran + 1))
	check_width "sockscope $cmd --help" "$tmp/help.$cmd"
	opts=$(help_opts "$tmp/help.$cmd")
	if [ -z "$opts" ]; then
		fail "found no options in $SOCKSCOPE $cmd --help"
		continue
	fi
	printf '%s\n' "$opts" >"$tmp/opts.$cmd"
	section=
	if [ -n "$rendered" ]; then
		# the COMMANDS preamble, then the lines of the subsection
		section=$tmp/page.$cmd
		if ! awk -v cmd="$cmd" '
		/^[^ ]/ { in_cmds = ($0 == "COMMANDS"); sub_ = ""; next }
		!in_cmds { next }
		/^   [^ ]/ { sub_ = $1; if (sub_ == cmd) found = 1; next }
		sub_ == "" || sub_ == cmd { print }
		END { exit !found }' "$rendered" >"$section"; then
			fail "man/sockscope.8 has no '$cmd' subsection under COMMANDS"
			section=
		fi
	fi
	missing=0
	for opt in $opts; do
		if [ -n "$section" ] && ! has_opt "$section" "$opt"; then
			fail "$opt is in 'sockscope $cmd --help' but not in the '$cmd' subsection of man/sockscope.8"
			missing=1
		fi
		if ! has_opt "$comp" "$opt"; then
			fail "$opt is in 'sockscope $cmd --help' but not in completions/sockscope"
			missing=1
		fi
	done
	if [ "$missing" -eq 0 ]; then
		echo "ok: every option of 'sockscope $cmd --help' is in ${section:+its man page subsection and }the completion"
	fi
done

# ---- every field and JSON member is documented ------------------------------
# section NAME: the lines of the rendered man page's section NAME.
section()
{
	awk -v s="$1" '/^[^ ]/ { in_s = ($0 == s); next } in_s' "$rendered"
}
# has_word FILE WORD: WORD occurs in FILE, not as a part of a longer name.
has_word()
{
	grep -qE -- "(^|[^a-z0-9_])$2([^a-z0-9_]|\$)" "$1"
}
if [ -n "$rendered" ]; then
	ran=$((ran + 1))
	section FIELDS >"$tmp/page.fields"
	if ! "$SOCKSCOPE" --output=help >"$tmp/fields" 2>&1; then
		fail "$SOCKSCOPE --output=help failed: $(head -n 3 "$tmp/fields")"
	fi
	check_width "sockscope --output=help" "$tmp/fields"
	bad=0
	for field in $(sed -nE 's/^  ([a-z][a-z0-9_]*) .*/\1/p' "$tmp/fields"); do
		if ! has_word "$tmp/page.fields" "$field"; then
			fail "field $field (--output=help) is not in the man page's FIELDS"
			bad=1
		fi
	done
	[ "$bad" -eq 0 ] && echo "ok: every field of --output=help is in FIELDS"
fi
# The state names and the predicates of a filter expression, from the
# parsers' tables, in the sections that describe the two languages.
if [ -n "$rendered" ]; then
	ran=$((ran + 1))
	states=$(sed -nE 's/^[[:space:]]*\{ "([a-z0-9-]+)", .*/\1/p' \
		"$top_srcdir/src/filter/state.c")
	preds=$(sed -nE 's/^[[:space:]]*\[EXPR_F_[A-Z_]+\] = \{ "([a-z_]+)",.*/\1/p' \
		"$top_srcdir/src/filter/expr.c")
	if [ -z "$states" ] || [ -z "$preds" ]; then
		fail "no state names in src/filter/state.c or no predicates in src/filter/expr.c"
	fi
	section 'STATE FILTER' >"$tmp/page.states"
	section 'FILTER EXPRESSION' >"$tmp/page.expr"
	bad=0
	for w in $states; do
		if ! grep -qE -- "(^|[^a-z0-9-])$w([^a-z0-9-]|\$)" "$tmp/page.states"; then
			fail "state name $w (src/filter/state.c) is not in STATE FILTER"
			bad=1
		fi
	done
	for w in $preds; do
		if ! has_word "$tmp/page.expr" "$w"; then
			fail "predicate $w (src/filter/expr.c) is not in FILTER EXPRESSION"
			bad=1
		fi
	done
	[ "$bad" -eq 0 ] && echo "ok: every state name and predicate is in the man page"
fi
# The members of the JSON the program writes for the recorded fixtures,
# with every detail option (nested members too: tcp_info's, the
# explanations'), in JSON OUTPUT or EXPLANATIONS.
fixtures=$(ls "$top_srcdir"/tests/fixtures/netlink/*.rec 2>/dev/null)
if [ -z "$rendered" ]; then
	:
elif ! command -v jq >/dev/null 2>&1; then
	skip "jq is not installed: JSON members not checked in the man page"
elif [ -z "$fixtures" ]; then
	fail "no recorded fixtures in $top_srcdir/tests/fixtures/netlink"
else
	ran=$((ran + 1))
	{ section 'JSON OUTPUT'; section EXPLANATIONS; } >"$tmp/page.json"
	: >"$tmp/json"
	for f in $fixtures; do
		for mode in --json --json=lines; do
			if ! "$SOCKSCOPE" --replay="$f" -a -eimo --explain "$mode" \
				>>"$tmp/json" 2>"$tmp/json.err"; then
				fail "sockscope --replay=$f -a -eimo --explain $mode failed: $(head -n 3 "$tmp/json.err")"
			fi
		done
	done
	members=$(jq -r 'paths | map(select(type == "string")) | last // empty' \
		"$tmp/json" | sort -u)
	if [ -z "$members" ]; then
		fail "no JSON members found in the output for the fixtures"
	fi
	bad=0
	for m in $members; do
		if ! has_word "$tmp/page.json" "$m"; then
			fail "JSON member $m is in neither JSON OUTPUT nor EXPLANATIONS of the man page"
			bad=1
		fi
	done
	[ "$bad" -eq 0 ] && echo "ok: every JSON member is documented ($(echo "$members" | wc -l) checked)"
fi

# ---- the completion completes ----------------------------------------------
# Runs in a child bash: bash_completion changes shell options and defines
# hundreds of functions. Each case gives the command line as typed and the
# words bash would split it into (COMP_WORDBREAKS makes "=" a word).
complete_cases()
{
	# shellcheck disable=SC1090
	source "$bash_completion" >/dev/null 2>&1 || return 1
	# shellcheck disable=SC1090
	source "$comp" || return 1
	# compopt only works while bash itself is completing.
	# shellcheck disable=SC2317
	compopt() { :; }

	comp()
	{
		local line=$1
		shift
		COMP_LINE=$line
		COMP_POINT=${#line}
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMPREPLY=()
		_sockscope sockscope "${COMP_WORDS[COMP_CWORD]}" \
			"${COMP_WORDS[COMP_CWORD - 1]}"
		echo "${COMPREPLY[*]}"
	}

	echo "ba: $(comp 'sockscope --ba' sockscope --ba)"
	echo "backend: $(comp 'sockscope --backend=' sockscope --backend =)"
	echo "state: $(comp 'sockscope state ' sockscope state '')"
	echo "dash: $(comp 'sockscope -' sockscope -)"
	local cmd
	for cmd in $written; do
		echo "dash_$cmd: $(comp "sockscope $cmd -" sockscope "$cmd" -)"
	done
}

if [ ! -r "$bash_completion" ]; then
	skip "bash-completion is not installed: completion not exercised"
else
	ran=$((ran + 1))
	(complete_cases) >"$tmp/comp" 2>"$tmp/comp.err"
	rc=$?
	if [ "$rc" -ne 0 ] || [ -s "$tmp/comp.err" ]; then
		fail "sourcing the completion failed (exit $rc):"
		cat "$tmp/comp.err"
	fi

	# words KEY: the completions recorded for case KEY, one per line.
	words()
	{
		sed -n "s/^$1: //p" "$tmp/comp" | tr ' ' '\n' | sed '/^$/d' | sort
	}
	# expect_exactly KEY WORD...: the completions are exactly WORD...
	expect_exactly()
	{
		local key=$1 got want
		shift
		got=$(words "$key")
		want=$(printf '%s\n' "$@" | sort)
		if [ "$got" != "$want" ]; then
			fail "completion '$key': got [${got//$'\n'/ }], want [$*]"
		else
			echo "ok: completion '$key'"
		fi
	}
	# expect_has KEY WORD...: the completions include every WORD.
	expect_has()
	{
		local key=$1 w bad=0
		shift
		for w in "$@"; do
			if ! words "$key" | grep -qxF -- "$w"; then
				fail "completion '$key' lacks $w (got: $(words "$key" | tr '\n' ' '))"
				bad=1
			fi
		done
		[ "$bad" -eq 0 ] && echo "ok: completion '$key'"
	}

	expect_exactly ba --backend=
	expect_exactly backend auto netlink proc
	expect_has state established time-wait connected bucket
	expect_has dash -t -u -x -l -a -n -r -4 -6 -H
	# Every option in --help is offered after "-" ("--backend=" for
	# --backend, whose argument is required).
	for opt in $longs $shorts; do
		if ! words dash | grep -qxE -- "$opt=?"; then
			fail "completion 'dash' does not offer $opt"
		fi
	done
	# and every option of each command after "sockscope CMD -"
	for cmd in $written; do
		bad=0
		while read -r opt; do
			if ! words "dash_$cmd" | grep -qxE -- "$opt=?"; then
				fail "completion 'sockscope $cmd -' does not offer $opt"
				bad=1
			fi
		done <"$tmp/opts.$cmd"
		[ "$bad" -eq 0 ] && echo "ok: completion 'sockscope $cmd -'"
	done
fi

if [ "$failed" -ne 0 ]; then
	exit 1
fi
if [ "$ran" -eq 0 ]; then
	exit 77
fi
exit 0
