#!/bin/bash
# hostile.sh - Unix socket names made of terminal escapes, newlines, control
# bytes, invalid UTF-8 and NULs: each socket is one row, escaped as the
# spec says, and no raw byte of the names reaches stdout.
. "$(dirname "$0")/lib.sh"

start_sockpop --hostile
D=$SC_SOCKDIR

# id|name as shown in the C locale|as shown in a UTF-8 locale (empty: same)
# Written with single quotes: every backslash here is a literal backslash.
HOSTILE=(
	'h_esc|'"$D"'/esc\e[31mred|'
	'h_nl|'"$D"'/nl\nx|'
	'h_bs|'"$D"'/bs\bx|'
	'h_cr|'"$D"'/cr\rx|'
	'h_tab|'"$D"'/tab\tx|'
	'h_space|'"$D"'/sp a ce|'
	'h_bad|'"$D"'/bad\xff\xfe|'
	'h_backslash|'"$D"'/back\\slash|'
	'h_del|'"$D"'/del\x7f|'
	'h_utf8|'"$D"'/caf\xc3\xa9|'"$D/caf$(printf '\303\251')"
	'h_bidi|'"$D"'/bidi\xe2\x80\xaex|'"$D"'/bidi\u{202e}x'
	'h_c1|'"$D"'/c1\xc2\x9bx|'"$D"'/c1\u{009b}x'
	'a_esc|@esc\e[31m|'
	'a_nl|@nl\nx|'
	'a_nul|@nul\0inner|'
	'a_tailnul|@tail\0|'
	'a_bad|@bad\xff\xfe|'
	'a_bscr|@bs\b\r|'
	'a_del|@del\x7f\\|'
)
count=${#HOSTILE[@]}
manifest_count=$(wc -l <"$SC_MANIFEST")
[ "$manifest_count" -eq "$count" ] ||
	die "sockpop made $manifest_count sockets, this test knows $count"

# The population really is hostile: ss prints the raw bytes.
if command -v ss >/dev/null 2>&1; then
	ss -xan >"$SC_TMP/ss.out" 2>&1
	if LC_ALL=C grep -q "$(printf '\033')" "$SC_TMP/ss.out"; then
		pass "ss -xan prints a raw ESC for this population"
	else
		fail "ss -xan prints a raw ESC for this population" \
			"a line with ESC" "$(head -n 3 "$SC_TMP/ss.out")"
	fi
fi

# check_listing LOCALE CHARSET ARGS...: one row per hostile socket, found
# by its inode, holding exactly the expected escaped name; CHARSET is
# ascii or utf8, which of the two expected names applies.
check_listing() {
	local locale=$1 charset=$2 e id c_name u_name want ino_var ino rows lines
	shift 2
	local what="LC_ALL=$locale sockscope $*"
	SC_RC=0
	LC_ALL=$locale "$SOCKSCOPE" "$@" >"$SC_TMP/out" 2>"$SC_TMP/err" ||
		SC_RC=$?
	if [ "$SC_RC" -ne 0 ] || [ -s "$SC_TMP/err" ]; then
		fail "$what exits 0 without messages" "exit 0, no stderr" \
			"exit $SC_RC, stderr: $(head -c 400 "$SC_TMP/err")"
		return 0
	fi

	# Newlines in names must not add lines: header + one per socket.
	lines=$(wc -l <"$SC_TMP/out")
	assert_eq "$what: one line per socket plus the header" \
		$((count + 1)) "$lines"
	# Every byte is printable ASCII or a newline, except in the UTF-8
	# locale the one valid printable UTF-8 character (e9 as c3 a9).
	LC_ALL=C tr -d '\n\040-\176' <"$SC_TMP/out" | od -An -tx1 |
		tr -d ' \n' >"$SC_TMP/raw"
	if [ "$charset" = utf8 ]; then
		assert_eq "$what: raw bytes beyond printable ASCII" "c3a9" \
			"$(cat "$SC_TMP/raw")"
	else
		assert_eq "$what: raw bytes beyond printable ASCII" "" \
			"$(cat "$SC_TMP/raw")"
	fi
	for c in 1b 08 0d 09 7f ff fe 00; do
		if od -An -tx1 -v "$SC_TMP/out" | tr -s ' \n' '\n' |
			grep -qx "$c"; then
			fail "$what: no raw 0x$c byte on stdout"
		fi
	done

	for e in "${HOSTILE[@]}"; do
		IFS='|' read -r id c_name u_name <<<"$e"
		want=$c_name
		if [ "$charset" = utf8 ] && [ -n "$u_name" ]; then
			want=$u_name
		fi
		ino_var=ino_$id
		ino=${!ino_var}
		# The row ends with its inode and peer, "INODE * 0".
		rows=$(squeeze <"$SC_TMP/out" | awk -v i="$ino" \
			'$(NF - 2) == i && $(NF - 1) == "*" && $NF == "0"')
		if [ -z "$rows" ]; then
			fail "$what: a row for $id (inode $ino)" \
				"u_dgr UNCONN 0 0 $want $ino * 0" "(none)"
			continue
		fi
		if [ "$(printf '%s\n' "$rows" | wc -l)" -ne 1 ]; then
			fail "$what: one row for $id (inode $ino)" "1 row" "$rows"
			continue
		fi
		assert_row "$what: $id" "u_dgr UNCONN 0 0 $want $ino * 0" "$rows"
	done
}

check_listing C ascii -xan
check_listing C ascii -xln
check_listing POSIX ascii -xa
if LC_ALL=C.UTF-8 locale charmap 2>/dev/null | grep -qi '^utf-\?8$'; then
	check_listing C.UTF-8 utf8 -xan
else
	echo "note: no C.UTF-8 locale here: the UTF-8 pass-through is not checked"
fi

# Without a header the row count is exactly the socket count.
sc_list -xanH
assert_eq "sockscope -xanH: lines" "$count" "$(wc -l <"$SC_TMP/out")"

sc_done
