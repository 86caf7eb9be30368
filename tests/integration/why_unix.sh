#!/bin/bash
# why_unix.sh - sockscope why on Unix sockets, one scenario per cause, run
# as an unprivileged test user (setpriv): the verdict names the cause and
# the fix, and the real connect() fails with the errno the checks
# predicted. Listeners are `sockscope serve`; a stale socket file is one
# whose server was killed with SIGKILL. Users and groups made here are
# removed at exit.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ownpop.bash"

if ! can_setpriv; then
	echo "SKIP: $SC_NAME: needs root and setpriv to run as another user"
	exit 77
fi
for tool in jq useradd userdel groupadd groupdel gpasswd; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "SKIP: $SC_NAME: $tool is needed"
		exit 77
	fi
done

# ---- the test user: scw<pid>, primary group scwu<pid>; scwg<pid> is the
# group the sockets are shared with --------------------------------------
U=scw$$
UG=scwu$$
G=scwg$$
WHY_MADE=

why_cleanup() {
	sc_cleanup
	case " $WHY_MADE " in *" user "*) userdel "$U" >/dev/null 2>&1 ;; esac
	case " $WHY_MADE " in *" g "*) groupdel "$G" >/dev/null 2>&1 ;; esac
	case " $WHY_MADE " in *" ug "*) groupdel "$UG" >/dev/null 2>&1 ;; esac
}
trap why_cleanup EXIT

# The user database is locked while another test changes it: retry.
retry() {
	local i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		"$@" >"$SC_TMP/db.err" 2>&1 && return 0
		sleep 0.3
	done
	die "$* failed: $(cat "$SC_TMP/db.err")"
}
retry groupadd "$UG" && WHY_MADE="$WHY_MADE ug"
retry groupadd "$G" && WHY_MADE="$WHY_MADE g"
retry useradd -M -N -g "$UG" -s /usr/sbin/nologin "$U" &&
	WHY_MADE="$WHY_MADE user"
UID_U=$(id -u "$U")

# The user must reach the test's files.
chmod 755 "$SC_TMP"
T=$SC_TMP/w
mkdir "$T" && chmod 755 "$T" || die "cannot create $T"

# start_serve NAME ARGS...: sockscope serve ARGS in the background until its
# listening line; sets pid_NAME and ino_NAME. Stopped at exit.
start_serve() {
	local name=$1 out=$SC_TMP/serve.$1.out line='' i
	shift
	: >"$out"
	"$SOCKSCOPE" serve "$@" >"$out" 2>"$SC_TMP/serve.$name.err" &
	SC_PIDS="$SC_PIDS $!"
	printf -v "pid_$name" '%s' "$!"
	for i in $(seq 200); do
		line=$(head -n 1 "$out")
		case $line in listening*) break ;; esac
		sleep 0.05
	done
	case $line in
	listening*) ;;
	*) die "serve $* did not start: $(cat "$SC_TMP/serve.$name.err")" ;;
	esac
	printf -v "ino_$name" '%s' "${line##* inode }"
}

# stale PATH: a socket file at PATH whose server is gone (killed, so it
# could not remove it).
stale() {
	local out=$SC_TMP/stale.out line='' i pid
	: >"$out"
	"$SOCKSCOPE" serve unix "$1" --mode 0666 >"$out" 2>&1 &
	pid=$!
	for i in $(seq 200); do
		line=$(head -n 1 "$out")
		case $line in listening*) break ;; esac
		sleep 0.05
	done
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	[ -S "$1" ] || die "no stale socket at $1: $(cat "$out")"
}

# why_as GROUPS ARGS...: sockscope why ARGS as $U, with the supplementary
# groups GROUPS ("init": those /etc/group gives, "none": none); JSON or
# text in $SC_TMP/out, stderr in $SC_TMP/err, exit status in SC_RC.
why_as() {
	local groups=$1 g
	shift
	case $groups in
	init) g=--init-groups ;;
	none) g=--clear-groups ;;
	*) g=--groups=$groups ;;
	esac
	SC_RC=0
	setpriv --reuid="$U" --regid="$UG" "$g" "$SOCKSCOPE" why "$@" \
		>"$SC_TMP/out" 2>"$SC_TMP/err" || SC_RC=$?
}

# check_why WHAT CAUSE ERRNO FIX: the JSON in $SC_TMP/out names CAUSE and
# FIX ("none": no fix), the probe gave ERRNO ("ok": it connected) as the
# checks predicted, and the exit status says so.
check_why() {
	local what=$1 cause=$2 errno=$3 fix=$4 rc=1 j=$SC_TMP/out
	[ "$errno" = ok ] && rc=0
	assert_eq "$what: exit status" "$rc" "$SC_RC"
	assert_eq "$what: no messages" "" "$(head -c 300 "$SC_TMP/err")"
	if ! jq -e . "$j" >/dev/null 2>&1; then
		fail "$what: valid JSON" "a document" "$(head -c 300 "$j")"
		return
	fi
	assert_eq "$what: schema, user" "1 $U $UID_U" \
		"$(jq -r '"\(.schema_version) \(.user) \(.uid)"' "$j")"
	assert_eq "$what: cause" "$cause" "$(jq -r .verdict.cause "$j")"
	assert_eq "$what: fix" "$fix" "$(jq -r '.verdict.fix // "none"' "$j")"
	assert_eq "$what: the probe's errno" "$errno" \
		"$(jq -r 'if .probe.errno == 0 then "ok" else .probe.name end' "$j")"
	assert_eq "$what: as predicted" "true" "$(jq -r .agree "$j")"
}

# has_finding WHAT CHECK MARK: a finding CHECK with MARK is in the JSON.
has_finding() {
	assert_eq "$1" "$3" "$(jq -r --arg c "$2" \
		'[.findings[] | select(.check == $c) | .mark] | first // "none"' \
		"$SC_TMP/out")"
}

# ---- group missing ------------------------------------------------------------
start_serve grp unix "$T/g.sock" --mode 0660 --group "$G"
why_as init -J "$T/g.sock"
check_why "group missing" group_missing EACCES "sudo usermod -aG $G $U"
has_finding "group missing: the group finding fails" group fail
has_finding "group missing: a root server behind a group-writable socket" \
	danger note
assert_eq "group missing: the verdict warns against chmod 666" 1 \
	"$(jq -r '.verdict.text | test("Do not chmod 666")' "$SC_TMP/out" |
		grep -c true)"
# the text form says the same, with marks
why_as init "$T/g.sock"
assert_eq "group missing (text): exit status" 1 "$SC_RC"
assert_eq "group missing (text): the write check fails" 1 \
	"$(grep -c "^  \[FAIL\] $U may not write to it" "$SC_TMP/out")"
assert_eq "group missing (text): fix line" "Fix: sudo usermod -aG $G $U" \
	"$(grep '^Fix: ' "$SC_TMP/out")"
assert_eq "group missing (text): probe line" \
	"connect() as $U: EACCES (Permission denied) -- as predicted" \
	"$(grep '^connect() as ' "$SC_TMP/out")"

# ---- in /etc/group, but not in this session --------------------------------
retry gpasswd -a "$U" "$G"
why_as "$UG" -J "$T/g.sock"
check_why "not in the session" group_not_in_session EACCES "newgrp $G"
# a new login (the database's groups) gets in: everything is fine
why_as init -J "$T/g.sock"
check_why "everything fine" ok ok none
has_finding "everything fine: write granted" write ok
has_finding "everything fine: through the group" group ok
why_as init "$T/g.sock"
assert_eq "everything fine (text): exit status" 0 "$SC_RC"
assert_eq "everything fine (text): no failed check" 0 \
	"$(grep -c '^  \[FAIL\]' "$SC_TMP/out")"
assert_eq "everything fine (text): probe line" \
	"connect() as $U: success -- as predicted" \
	"$(grep '^connect() as ' "$SC_TMP/out")"
retry gpasswd -d "$U" "$G"

# ---- a directory on the way without search permission ----------------------
mkdir "$T/priv" && chmod 0750 "$T/priv"
start_serve dir unix "$T/priv/p.sock" --mode 0666
why_as init -J "$T/priv/p.sock"
check_why "parent directory without x" dir_no_search EACCES \
	"sudo setfacl -m u:$U:x $T/priv"
assert_eq "parent directory without x: the chain stops at priv" \
	"priv fail" \
	"$(jq -r '.findings[] | select(.check == "path") | .chain[] |
		select(.mark == "fail") | "\(.name) \(.mark)"' "$SC_TMP/out")"

# ---- mode 0600, owned by another user -------------------------------------------
start_serve own unix "$T/o.sock" --mode 0600
why_as init -J "$T/o.sock"
check_why "mode 0600 owned by root" owner_only EACCES "sudo -u root CLIENT..."

# ---- a stale socket: its server is gone ---------------------------------------------
stale "$T/stale.sock"
why_as init -J "$T/stale.sock"
check_why "stale socket" stale ECONNREFUSED \
	"start the server (the stale file can go: rm -- $T/stale.sock)"
# a well-known name: the usual service is named
mkdir "$T/mysqld"
stale "$T/mysqld/mysqld.sock"
why_as init -J "$T/mysqld/mysqld.sock"
check_why "stale mysqld.sock" stale ECONNREFUSED "sudo systemctl start mysql"
assert_eq "stale mysqld.sock: systemctl status in the verdict" 1 \
	"$(jq -r '.verdict.text | test("systemctl status mysql")' \
		"$SC_TMP/out" | grep -c true)"

# ---- the socket file replaced while its server runs ----------------------------------
start_serve repl unix "$T/r.sock" --mode 0666
stale "$T/other.sock"
mv -f "$T/other.sock" "$T/r.sock"
why_as init -J "$T/r.sock"
check_why "replaced socket file" replaced ECONNREFUSED \
	"restart the server (socket inode $ino_repl)"
# as root for the user: the server's process is named
run_sc why -J --user "$U" "$T/r.sock"
check_why "replaced socket file (--user)" replaced ECONNREFUSED \
	"restart the server (pid $pid_repl, $(cat "/proc/$pid_repl/comm"))"
assert_eq "replaced (--user): the owner finding names the pid" "$pid_repl" \
	"$(jq -r '.findings[] | select(.check == "owner") | .pid' "$SC_TMP/out")"
# replaced by a regular file
start_serve repl2 unix "$T/r2.sock" --mode 0666
rm -f "$T/r2.sock" && echo x >"$T/r2.sock" && chmod 666 "$T/r2.sock"
why_as init -J "$T/r2.sock"
check_why "replaced by a regular file" replaced ECONNREFUSED \
	"restart the server (socket inode $ino_repl2)"
# removed: the server runs, nothing is at the path
start_serve gone unix "$T/gone.sock" --mode 0666
rm -f "$T/gone.sock"
why_as init -J "$T/gone.sock"
check_why "unlinked socket file" unlinked ENOENT \
	"restart the server (socket inode $ino_gone)"

# ---- a regular file at the path ---------------------------------------------------------
echo data >"$T/reg.sock" && chmod 666 "$T/reg.sock"
why_as init -J "$T/reg.sock"
check_why "regular file" not_a_socket ECONNREFUSED \
	"sudo mv -- $T/reg.sock $T/reg.sock.bak"
has_finding "regular file: the file check fails" file fail
# not writable either: EACCES comes first, the verdict stays
chmod 644 "$T/reg.sock"
why_as init -J "$T/reg.sock"
check_why "read-only regular file" not_a_socket EACCES \
	"sudo mv -- $T/reg.sock $T/reg.sock.bak"

# ---- a missing path ----------------------------------------------------------------------------
why_as init -J "$T/nothing.sock"
check_why "missing path" missing ENOENT "start the server that should create $T/nothing.sock"
# the server listens under the same name elsewhere
mkdir -p "$T/run/mysql" "$T/tmp"
start_serve mysql unix "$T/run/mysql/mysql.sock" --mode 0666
why_as init -J "$T/tmp/mysql.sock"
check_why "missing path, same name elsewhere" missing ENOENT \
	"ln -s $T/run/mysql/mysql.sock $T/tmp/mysql.sock"
assert_eq "missing path: the other listener is named" \
	"$T/run/mysql/mysql.sock" \
	"$(jq -r '.findings[] | select(.check == "elsewhere") | .path' \
		"$SC_TMP/out")"
# a dangling symbolic link
ln -s "$T/nowhere.sock" "$T/dangle.sock"
why_as init -J "$T/dangle.sock"
check_why "dangling symlink" dangling_symlink ENOENT \
	"start the server that creates $T/nowhere.sock, or fix the link: ls -l $T/dangle.sock"

# ---- a datagram server, a stream client ------------------------------------------------
start_serve dg unix "$T/d.sock" --type dgram --mode 0666
why_as init -J "$T/d.sock"
check_why "dgram server, stream client" type_mismatch EPROTOTYPE \
	"socat - UNIX-SENDTO:$T/d.sock"
why_as init -J --type=dgram "$T/d.sock"
check_why "dgram server, dgram client" ok ok none

# ---- a path too long for sun_path --------------------------------------------------------
long=$T/$(printf 'l%.0s' $(seq 1 120)).sock
why_as init -J "$long"
check_why "path too long" path_too_long EINVAL \
	"cd $T and connect to ./${long##*/} (a relative path), or move the socket to a shorter path"

# ---- abstract names --------------------------------------------------------------------------
start_serve abs unix "@scw-why-$$"
why_as init -J "@scw-why-$$"
check_why "abstract name" ok ok none
why_as init -J "@scw-why-none-$$"
check_why "abstract name nobody binds" no_listener ECONNREFUSED \
	"start the server that binds @scw-why-none-$$"

# ---- a full listen queue ---------------------------------------------------------------------
start_serve q unix "$T/q.sock" --mode 0666 --no-accept --backlog 1
# the probe's own connections stay queued (never accepted): two fill a
# backlog of 1, the third is refused
why_as init -J "$T/q.sock"
why_as init -J "$T/q.sock"
why_as init -J "$T/q.sock"
check_why "full listen queue" queue_full EAGAIN \
	"restart the server (socket inode $ino_q)"
has_finding "full listen queue: the queue check fails" queue fail

# ---- a POSIX ACL grants the user (set as raw xattr bytes) ----------------------------------
if command -v python3 >/dev/null 2>&1; then
	start_serve acl unix "$T/acl.sock" --mode 0660
	# u::rw- u:$U:rw- g::rw- m::MASK o::---
	setacl() {
		python3 - "$T/acl.sock" "$UID_U" "$1" <<'EOF'
import os, struct, sys
path, uid, mask = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
b = struct.pack('<I', 2)
for tag, perm, i in ((1, 6, 0xffffffff), (2, 6, uid), (4, 6, 0xffffffff),
                     (0x10, mask, 0xffffffff), (0x20, 0, 0xffffffff)):
    b += struct.pack('<HHI', tag, perm, i)
os.setxattr(path, 'system.posix_acl_access', b)
EOF
	}
	if setacl 6 2>"$SC_TMP/acl.err"; then
		why_as init -J "$T/acl.sock"
		check_why "ACL entry grants" ok ok none
		assert_eq "ACL entry grants: by the ACL user entry" \
			"ACL user entry" \
			"$(jq -r '.findings[] | select(.check == "write") |
				.class' "$SC_TMP/out")"
		setacl 4
		why_as init -J "$T/acl.sock"
		check_why "ACL mask takes write away" acl_mask EACCES \
			"sudo setfacl -m m::rw $T/acl.sock"
	else
		echo "note: no POSIX ACLs on this file system: $(cat "$SC_TMP/acl.err")"
	fi
fi

# ---- hostile bytes in the path are escaped ---------------------------------------------------
h=$T/h$'\e[31m'x$'\n'y.sock
start_serve hostile unix "$h" --mode 0666
why_as init "$h"
assert_eq "hostile path: exit status" 0 "$SC_RC"
if grep -q $'\e' "$SC_TMP/out"; then
	fail "hostile path: no raw escape byte in the text" "none" "found"
else
	pass "hostile path: no raw escape byte in the text"
fi
assert_eq "hostile path: escaped in the header" 1 \
	"$(grep -c '^why .*/h\\e\[31mx\\ny\.sock: unix stream socket' "$SC_TMP/out")"
why_as init -J "$h"
assert_eq "hostile path: JSON keeps the bytes" "$h" \
	"$(jq -j .target "$SC_TMP/out")"

# ---- usage ------------------------------------------------------------------------------------
why_as init --user root "$T/g.sock"
assert_eq "--user as a user: usage error" 2 "$SC_RC"
assert_eq "--user as a user: says why" 1 "$(grep -c -- '--user needs root' "$SC_TMP/err")"
run_sc why
assert_eq "no target: usage error" 2 "$SC_RC"
run_sc why --udp "$T/g.sock"
assert_eq "--udp with a path: usage error" 2 "$SC_RC"
run_sc why --type=raw "$T/g.sock"
assert_eq "--type=raw: usage error" 2 "$SC_RC"
run_sc why --user no-such-user-$$ "$T/g.sock"
assert_eq "--user unknown: usage error" 2 "$SC_RC"
run_sc why --help
assert_eq "--help: exit 0" 0 "$SC_RC"
assert_eq "--help documents the exit status" 1 \
	"$(grep -c '^  1  it fails' "$SC_TMP/out")"

# ---- valgrind: no leak, no error, the child included ----------------------------------------
# Only for a plain binary: the suite runs this whole test under valgrind
# through a wrapper script, and an ASan build cannot run under it.
if command -v valgrind >/dev/null 2>&1 &&
	[ "$(head -c 4 "$SOCKSCOPE" | od -An -c | tr -d ' ')" = '177ELF' ] &&
	! grep -q __asan_init "$SOCKSCOPE"; then
	SC_RC=0
	valgrind -q --leak-check=full --error-exitcode=99 \
		"$SOCKSCOPE" why --user "$U" "$T/priv/p.sock" \
		>"$SC_TMP/vg.out" 2>"$SC_TMP/vg.err" || SC_RC=$?
	assert_eq "valgrind: a diagnosis, clean" "1:" \
		"$SC_RC:$(head -c 600 "$SC_TMP/vg.err")"
	SC_RC=0
	valgrind -q --leak-check=full --error-exitcode=99 \
		"$SOCKSCOPE" why -J --user "$U" "$T/mysqld/mysqld.sock" \
		>"$SC_TMP/vg.out" 2>"$SC_TMP/vg.err" || SC_RC=$?
	assert_eq "valgrind: JSON, clean" "1:" \
		"$SC_RC:$(head -c 600 "$SC_TMP/vg.err")"
fi

sc_done
