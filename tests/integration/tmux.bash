# tmux.bash - for the tests that drive a full-screen program in tmux
# (tui.sh, demo_tui.sh): capture its pane and wait for what it shows.
# The caller sets TM (the tmux command with its socket) and TM_SESSION.

cap() { $TM capture-pane -p -t "$TM_SESSION"; }
# the same with the attributes, as escape sequences
cape() { $TM capture-pane -p -e -t "$TM_SESSION"; }

# wait_for PATTERN [TENTHS]: until the screen has a line matching the
# extended regex PATTERN (default: 10 s, valgrind's pace included).
wait_for() {
	local i
	for ((i = 0; i < ${2:-100}; i++)); do
		if cap | grep -qE -- "$1"; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# wait_gone PATTERN [TENTHS]: until no line matches.
wait_gone() {
	local i
	for ((i = 0; i < ${2:-100}; i++)); do
		if ! cap | grep -qE -- "$1"; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# check CMD...: pass or fail the check named $WHAT by CMD's status; a
# failure shows the screen.
check() {
	if "$@"; then pass "$WHAT"; else
		fail "$WHAT"
		cap | sed 's/^/  | /'
	fi
}
