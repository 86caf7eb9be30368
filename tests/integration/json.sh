#!/bin/bash
# json.sh - -J/--json and --json=lines on the ownpop population: exact
# objects for a Unix listener, its accepted connection, a TCP listener
# shared by two processes, an established pair and a TIME-WAIT socket;
# the same sockets as the table; and valid JSON (checked by Python's
# strict parser and by jq) for names made of hostile bytes, which come
# back byte for byte.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ownpop.bash"

if ! command -v python3 >/dev/null 2>&1; then
	echo "SKIP: $SC_NAME: python3 is needed to check the JSON"
	exit 77
fi

start_ownpop
M=$pid_main
U=$(id -u)
UN=$(getent passwd "$U" | cut -d: -f1)
G=$(id -g)
GN=$(getent group "$G" | cut -d: -f1)

# Hostile names: a path with an escape sequence, a newline and bytes that
# are not UTF-8; an abstract name with NULs, quotes and backslashes.
HOSTILE_DIR=$SC_TMP/h
mkdir -p "$HOSTILE_DIR"
python3 - "$HOSTILE_DIR" >"$SC_TMP/hostile.pid" <<'PY' &
import os, socket, sys, signal
d = sys.argv[1].encode()
p = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
p.bind(d + b"/\x1b[31mred\n\xff\xfe\xc0\xaf.sock")
p.listen(1)
a = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
a.bind(b"\0json\0\"q\\\x01\xed\xa0\x80")
print(os.getpid(), flush=True)
signal.pause()
PY
SC_PIDS="$SC_PIDS $!"
for _ in $(seq 50); do
	[ -s "$SC_TMP/hostile.pid" ] && break
	sleep 0.1
done
[ -s "$SC_TMP/hostile.pid" ] || die "the hostile-name server did not start"
HPID=$(head -n1 "$SC_TMP/hostile.pid")

# check.py FILE: compare the objects in FILE (a document) with what the
# population says, exactly; print one line per check.
cat >"$SC_TMP/check.py" <<'PY'
import json, os, sys
E = os.environ
doc = json.load(open(sys.argv[1]), strict=True)
socks = doc["sockets"]
fails = 0
def check(what, want, got):
    global fails
    if want == got:
        print("ok: " + what)
    else:
        fails += 1
        print("FAIL: " + what)
        print("  expected: " + json.dumps(want, sort_keys=True))
        print("  got:      " + json.dumps(got, sort_keys=True))
def by_inode(ino):
    found = [s for s in socks if s["inode"] == int(ino)]
    return found[0] if len(found) == 1 else {"count": len(found)}
def owner(pid, comm, fd):
    return {"pid": int(pid), "comm": comm, "fd": int(fd)}
base = dict(local_address=None, local_port=None, peer_address=None,
            peer_port=None, interface=None, v6only=None, path=None,
            abstract=None, peer_inode=None, peer_owners=None,
            peer_owners_status=None, peer_path=None, peer_abstract=None,
            file_status=None, file_mode=None, file_uid=None,
            file_owner=None, file_gid=None, file_group=None, timer=None,
            tcp_info=None, memory=None, netns=None, container=None)
def obj(**kw):
    o = dict(base)
    o.update(kw)
    return o
U, G = int(E["U"]), int(E["G"])
UN, GN = E["UN"] or None, E["GN"] or None
M = E["M"]
check("document: schema_version", 1, doc["schema_version"])
check("document: no unknown owners as root", 0, doc["unknown_owners"])
check("document: keys in order",
      ["schema_version", "unknown_owners", "netns", "sockets",
       "explanations"],
      list(doc.keys()))
check("document: no explanations unless asked", None, doc["explanations"])
check("srv_l: the Unix listener",
      obj(netid="u_str", family="unix", state="LISTEN", recv_q=1,
          send_q=int(E["backlog_srv_l"]), path=E["path_srv_l"],
          inode=int(E["srv_l_ino"]), cookie=E["srv_l_sk"], uid=U, user=UN,
          owners=[owner(M, "ownpop", E["srv_l_fd"])],
          owners_status="held", file_status="ok", file_mode="srw-rw----",
          file_uid=U, file_owner=UN, file_gid=G, file_group=GN),
      by_inode(E["srv_l_ino"]))
check("srv_a: accepted, with its client as peer",
      obj(netid="u_str", family="unix", state="ESTAB", recv_q=0, send_q=0,
          path=E["path_srv_l"], inode=int(E["srv_a_ino"]),
          peer_inode=int(E["srv_c_ino"]), cookie=E["srv_a_sk"], uid=U,
          user=UN, owners=[owner(M, "ownpop", E["srv_a_fd"])],
          owners_status="held",
          peer_owners=[owner(E["pid_udsclient"], "udsclient",
                             E["srv_c_fd"])],
          peer_owners_status="held", file_status="ok",
          file_mode="srw-rw----", file_uid=U, file_owner=UN, file_gid=G,
          file_group=GN),
      by_inode(E["srv_a_ino"]))
check("srv_c: the client, the listener's name as peer_path",
      obj(netid="u_str", family="unix", state="ESTAB", recv_q=0, send_q=0,
          inode=int(E["srv_c_ino"]), peer_inode=int(E["srv_a_ino"]),
          cookie=E["srv_c_sk"], uid=U, user=UN,
          owners=[owner(E["pid_udsclient"], "udsclient", E["srv_c_fd"])],
          owners_status="held",
          peer_owners=[owner(M, "ownpop", E["srv_a_fd"])],
          peer_owners_status="held", peer_path=E["path_srv_l"]),
      by_inode(E["srv_c_ino"]))
tcp = dict(netid="tcp", family="inet", uid=U, user=UN, v6only=None)
check("tcp_l: a listener held by two processes",
      obj(state="LISTEN", recv_q=0, send_q=5, local_address="127.0.0.1",
          local_port=int(E["port_tcp_l"]), peer_address="0.0.0.0",
          peer_port=0, inode=int(E["tcp_l_ino"]), cookie=E["tcp_l_sk"],
          owners=[owner(M, "ownpop", E["tcp_l_fd"]),
                  owner(E["pid_share"], "ownpop-share",
                        E["tcp_l_share_fd"])],
          owners_status="held", **tcp),
      by_inode(E["tcp_l_ino"]))
got = by_inode(E["tcp_c_ino"])
timer = got.get("timer")
got["timer"] = None
check("tcp_c: the client end",
      obj(state="ESTAB", recv_q=0, send_q=0, local_address="127.0.0.1",
          local_port=int(E["port_tcp_c"]), peer_address="127.0.0.1",
          peer_port=int(E["port_tcp_l"]), inode=int(E["tcp_c_ino"]),
          cookie=E["tcp_c_sk"], owners=[owner(M, "ownpop", E["tcp_c_fd"])],
          owners_status="held", **tcp),
      got)
check("tcp_c: no timer running on an idle connection", None, timer)
tw = [s for s in socks if s["state"] == "TIME-WAIT"]
check("one TIME-WAIT socket", 1, len(tw))
if tw:
    t = dict(tw[0])
    timer = t.pop("timer")
    check("tcp_tw: no uid, nobody holds it, inode 0",
          {k: v for k, v in obj(netid="tcp", family="inet",
                                state="TIME-WAIT", recv_q=0, send_q=0,
                                local_address="127.0.0.1",
                                local_port=int(E["port_tcp_tw"]),
                                peer_address="127.0.0.1",
                                peer_port=int(E["port_tcp_l"]), inode=0,
                                cookie=E["tcp_tw_sk"], uid=None, user=None,
                                owners=[], owners_status="nobody").items()
           if k != "timer"},
          t)
    ok = (isinstance(timer, dict) and timer.get("name") == "timewait" and
          0 < timer.get("expires_ms", -1) <= 60000)
    check("tcp_tw: the TIME-WAIT timer, under 60 s", True, ok)
hostile_path = (E["HOSTILE_DIR"].encode() +
                b"/\x1b[31mred\n\xff\xfe\xc0\xaf.sock")
names = [s["path"].encode("utf-8", "surrogateescape") for s in socks
         if s["path"] is not None]
check("a hostile path comes back byte for byte", True,
      hostile_path in names)
abstracts = [s["abstract"].encode("utf-8", "surrogateescape") for s in socks
             if s["abstract"] is not None]
check("a hostile abstract name comes back byte for byte", True,
      b"json\0\"q\\\x01\xed\xa0\x80" in abstracts)
sys.exit(1 if fails else 0)
PY

export U UN G GN M HOSTILE_DIR
for v in $(compgen -v | grep -E '^(srv|tcp|abs|port|path|backlog|pid)_'); do
	export "${v?}"
done

if sc_list -ape --json; then
	cp "$SC_TMP/out" "$SC_TMP/doc.json"
	if python3 "$SC_TMP/check.py" "$SC_TMP/doc.json" >"$SC_TMP/check.out"; then
		cat "$SC_TMP/check.out"
	else
		cat "$SC_TMP/check.out"
		fail "the JSON objects are exact"
	fi
	if python3 -m json.tool "$SC_TMP/doc.json" >/dev/null 2>"$SC_TMP/jt"; then
		pass "python3 -m json.tool accepts the document"
	else
		fail "python3 -m json.tool accepts the document" "" "$(cat "$SC_TMP/jt")"
	fi
	if command -v jq >/dev/null 2>&1; then
		if jq -e '.sockets | length > 0' "$SC_TMP/doc.json" >/dev/null; then
			pass "jq accepts the document"
		else
			fail "jq accepts the document"
		fi
	fi
	# nothing raw reaches a terminal: no ESC and no raw newline inside
	if LC_ALL=C grep -q $'\x1b' "$SC_TMP/doc.json"; then
		fail "no raw ESC byte in the JSON"
	else
		pass "no raw ESC byte in the JSON"
	fi
fi

# The same sockets as the table, in the same order.
if sc_list -ape -H && cp "$SC_TMP/out" "$SC_TMP/table" &&
	sc_list -ape --json; then
	awk '{print $NF}' /dev/null >/dev/null
	python3 - "$SC_TMP/out" >"$SC_TMP/json.inodes" <<'PY'
import json, sys
for s in json.load(open(sys.argv[1]))["sockets"]:
    print(s["netid"], s["state"], s["inode"])
PY
	# the table's inode is word 6 for Unix rows; inet rows carry it in -e
	squeeze <"$SC_TMP/table" |
		awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^ino:/) { sub(/^ino:/, "", $i); ino = $i }
		       print $1, $2, ino }' >"$SC_TMP/table.inodes"
	assert_same_lines "--json lists the table's sockets in its order" \
		"$SC_TMP/table.inodes" "$SC_TMP/json.inodes"
fi

# JSON Lines: one object per line, each with the schema version, equal to
# the document's objects.
if sc_list -ape --json=lines; then
	cp "$SC_TMP/out" "$SC_TMP/lines.json"
	if python3 - "$SC_TMP/doc.json" "$SC_TMP/lines.json" <<'PY'; then
import json, sys
doc = json.load(open(sys.argv[1]))["sockets"]
lines = [json.loads(l) for l in open(sys.argv[2]).read().split("\n") if l]
assert all(l.pop("schema_version") == 1 for l in lines)
strip = lambda o: {k: v for k, v in o.items() if k not in ("timer", "recv_q", "send_q")}
assert [strip(o) for o in doc] == [strip(o) for o in lines], "objects differ"
PY
		pass "--json=lines: one object per line, as the document's"
	else
		fail "--json=lines: one object per line, as the document's"
	fi
fi

# --explain: in the document, and as a last line of JSON Lines.
if sc_list -ta --json --explain; then
	if python3 - "$SC_TMP/out" <<'PY'; then
import json, sys
d = json.load(open(sys.argv[1]))
ex = d["explanations"]
states = [e["state"] for e in ex if e["kind"] == "state"]
assert "LISTEN" in states and "ESTAB" in states and "TIME-WAIT" in states, states
assert all(set(e) == {"state", "kind", "count", "text"} for e in ex)
PY
		pass "--json --explain: explanations in the document"
	else
		fail "--json --explain: explanations in the document"
	fi
fi
if sc_list -ta --json=lines --explain; then
	if tail -n1 "$SC_TMP/out" | python3 -c '
import json, sys
o = json.loads(sys.stdin.read())
assert o["schema_version"] == 1 and len(o["explanations"]) >= 3' &&
		[ "$(python3 -c 'import json,sys
print(sum(1 for l in open(sys.argv[1]) if "netid" in json.loads(l)))' "$SC_TMP/out")" -eq \
			"$(($(wc -l <"$SC_TMP/out") - 1))" ]; then
		pass "--json=lines --explain: one more line, the explanations"
	else
		fail "--json=lines --explain: one more line, the explanations"
	fi
fi

# -J is --json; a bad value is a usage error.
if sc_list -xJ; then
	python3 -m json.tool "$SC_TMP/out" >/dev/null 2>&1 &&
		pass "-J gives a document" || fail "-J gives a document"
fi
run_sc --json=bogus
assert_eq "--json=bogus: usage error" "2" "$SC_RC"
assert_eq "--json=bogus: message" \
	"sockscope: invalid --json 'bogus' (expected lines or document)" \
	"$(head -n1 "$SC_TMP/err")"
run_sc --json --output=netid
assert_eq "--json with --output: usage error" "2" "$SC_RC"

kill "$HPID" 2>/dev/null
sc_done
