#!/bin/bash
# output_errors.sh - a failing stdout is an error the user hears about once:
# /dev/full gives "write error: No space left on device" and exit 1, a
# closed pipe "Broken pipe" and a non-zero exit, never a silent SIGPIPE death.
. "$(dirname "$0")/lib.sh"

# 3000 Unix pairs are some 400 KB of listing, more than any pipe buffer or
# stdio buffer, so writes also fail in the middle of the output.
start_sockpop --base --pairs 3000

ENOSPC="sockscope: write error: No space left on device"

# SIGPIPE as a plain program inherits it: the default action, whatever
# this shell got from its parent (a shell cannot un-ignore a signal).
if env --default-signal=PIPE true 2>/dev/null; then
	DEFAULT_PIPE=(env --default-signal=PIPE)
else
	DEFAULT_PIPE=()
	echo "note: env cannot reset SIGPIPE; it is as this shell got it"
fi

# full ARGS...: sockscope ARGS >/dev/full: exit 1, exactly one line.
full() {
	local what="sockscope $* >/dev/full"
	SC_RC=0
	"$SOCKSCOPE" "$@" >/dev/full 2>"$SC_TMP/err" || SC_RC=$?
	assert_eq "$what: exit status" 1 "$SC_RC"
	assert_eq "$what: stderr" "$ENOSPC" "$(cat "$SC_TMP/err")"
}

full -xa
full -xan
full -tan
full -tanH
full -xan state listening
full --help
full --version

# A pipe whose reader is gone before the first write.
mkfifo "$SC_TMP/fifo"
exec 7<>"$SC_TMP/fifo"
exec 8>"$SC_TMP/fifo"
exec 7<&-
for args in "-xa" "-tan" "-tln"; do
	what="sockscope $args >(pipe without a reader)"
	SC_RC=0
	# shellcheck disable=SC2086
	"${DEFAULT_PIPE[@]}" "$SOCKSCOPE" $args >&8 2>"$SC_TMP/err" || SC_RC=$?
	if [ "$SC_RC" -gt 128 ]; then
		fail "$what: not killed by a signal" "exit 1" \
			"exit $SC_RC (signal $((SC_RC - 128)))"
	else
		assert_eq "$what: exit status" 1 "$SC_RC"
	fi
	err=$(cat "$SC_TMP/err")
	case $err in
	"sockscope: "*": Broken pipe")
		assert_eq "$what: one line on stderr" 1 \
			"$(wc -l <"$SC_TMP/err")"
		;;
	*)
		fail "$what: stderr" "sockscope: ...: Broken pipe" "$err"
		;;
	esac
done
exec 8>&-

# A reader that leaves after the first bytes, in the middle of the output.
what="sockscope -xa | head -c 100"
set -o pipefail
SC_RC=0
"${DEFAULT_PIPE[@]}" "$SOCKSCOPE" -xa 2>"$SC_TMP/err" | head -c 100 \
	>"$SC_TMP/head" || SC_RC=$?
set +o pipefail
assert_eq "$what: the reader got its 100 bytes" 100 "$(wc -c <"$SC_TMP/head")"
if [ "$SC_RC" -gt 128 ]; then
	fail "$what: not killed by a signal" "exit 1" \
		"exit $SC_RC (signal $((SC_RC - 128)))"
else
	assert_eq "$what: exit status" 1 "$SC_RC"
fi
err=$(cat "$SC_TMP/err")
case $err in
"sockscope: "*": Broken pipe")
	assert_eq "$what: one line on stderr" 1 "$(wc -l <"$SC_TMP/err")"
	;;
*)
	fail "$what: stderr" "sockscope: ...: Broken pipe" "$err"
	;;
esac

# And when all goes well the big listing is complete: header + every row.
sc_list -xan
rows=$(($(wc -l <"$SC_TMP/out") - 1))
want=$(awk -F'\t' '$2 ~ /^u_/' "$SC_MANIFEST" | wc -l)
assert_eq "sockscope -xan >file: every Unix socket listed" "$want" "$rows"

sc_done
