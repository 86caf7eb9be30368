#!/bin/bash
# internals.sh - -o (timers), -m (socket memory) and -i (tcp_info) beside
# ss on the same sockets: a keepalive connection, a zero-window sender
# (persist), TIME-WAIT, a request socket (SYN-RECV), a SYN-SENT socket
# retransmitting its SYN, an idle IPv6 pair and a Unix pair; the timer
# names, the fields and their order, the values that stay still on an idle
# loopback connection, the /proc fallback's timers, and --json.
. "$(dirname "$0")/lib.sh"

if ! command -v ss >/dev/null 2>&1; then
	echo "SKIP: $SC_NAME: ss(8) is needed for the comparison"
	exit 77
fi
if ! command -v python3 >/dev/null 2>&1; then
	echo "SKIP: $SC_NAME: python3 is needed for the population and the JSON"
	exit 77
fi

# ---- the population ----------------------------------------------------------
# The manifest says which connection is which: "NAME LOCAL PEER" with the
# addresses as ss and sockscope -n show them.
cat >"$SC_TMP/pop.py" <<'PY'
#!/usr/bin/env python3
import signal, socket, sys, time

args = dict(zip(sys.argv[1::2], sys.argv[2::2]))
man = open(args["--manifest"], "w")
keep = []

def shown(addr):
    host, port = addr[0], addr[1]
    return ("[%s]:%d" if ":" in host else "%s:%d") % (host, port)

def note(name, s):
    man.write("%s %s %s\n" % (name, shown(s.getsockname()),
                              shown(s.getpeername())))

def listener(host, port, backlog=5):
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((host, port))
    s.listen(backlog)
    keep.append(s)
    return s

# Every listener is bound before any client connects: a client's ephemeral
# port is drawn from a range that holds these ports, and would take one.
l = listener("127.0.0.1", 42001)
l6 = listener("::1", 42002)
lz = listener("127.0.0.1", 42003)
lt = listener("127.0.0.1", 42004)
ld = listener("127.0.0.1", 42005)
ld.setsockopt(socket.IPPROTO_TCP, socket.TCP_DEFER_ACCEPT, 30)
lf = listener("127.0.0.1", 42006, backlog=0)

# keepalive on the client; 1000 bytes each way, then idle
c = socket.create_connection(("127.0.0.1", 42001))
a, _ = l.accept()
c.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
c.sendall(b"x" * 1000); a.recv(4096); a.sendall(b"y" * 1000); c.recv(4096)
keep += [c, a]; note("ka_c", c); note("ka_s", a)
# idle IPv6 connection
c6 = socket.create_connection(("::1", 42002))
a6, _ = l6.accept()
keep += [c6, a6]; note("v6_c", c6); note("v6_s", a6)
# zero window: the receiver does not read, the sender probes (persist)
cz = socket.socket()
cz.connect(("127.0.0.1", 42003))
az, _ = lz.accept()
cz.setblocking(False)
try:
    while True:
        cz.send(b"z" * 65536)
except BlockingIOError:
    pass
keep += [cz, az]; note("zw_c", cz); note("zw_s", az)
# TIME-WAIT on the client, which closes first
ct = socket.create_connection(("127.0.0.1", 42004))
at, _ = lt.accept()
note("tw_c", ct)
ct.close(); time.sleep(0.1); at.close()
# SYN-RECV: with TCP_DEFER_ACCEPT the listener keeps the request socket
# until data comes and re-sends its SYN-ACK
cd = socket.create_connection(("127.0.0.1", 42005))
keep.append(cd); note("sr_c", cd)
# SYN-SENT: a full accept queue drops the SYN, which is retransmitted
cf = socket.create_connection(("127.0.0.1", 42006))
cs = socket.socket()
cs.setblocking(False)
try:
    cs.connect(("127.0.0.1", 42006))
except BlockingIOError:
    pass
keep += [cf, cs]
man.write("ss_c %s 127.0.0.1:42006\n" % shown(cs.getsockname()))
# a Unix pair with 300 bytes queued
u1, u2 = socket.socketpair()
u1.sendall(b"u" * 300)
keep += [u1, u2]
man.close()
time.sleep(1.5)  # past the handshakes' delayed ACKs: idle from here on
print("ready", flush=True)
signal.sigwait([signal.SIGTERM, signal.SIGINT])
PY
chmod +x "$SC_TMP/pop.py"
sc_start_pop pop "$SC_TMP/pop.py" "$SC_TMP/pd" "$SC_TMP/pop.manifest"
while read -r name local peer; do
	printf -v "L_$name" '%s' "$local"
	printf -v "P_$name" '%s' "$peer"
done <"$SC_TMP/pop.manifest"

# ---- both tools, one right after the other -----------------------------------
take() { # NAME ARGS...: sockscope ARGS into $SC_TMP/NAME.sc, ss into .ss
	local name=$1
	shift
	sc_list "$@" && cp "$SC_TMP/out" "$SC_TMP/$name.sc"
	ss "$@" >"$SC_TMP/$name.ss" 2>&1
}
take o -tano
take i -tani
take io -tanoi
take m -tanm
take x -xm
take ni -tni
run_sc --backend=proc -tano
cp "$SC_TMP/out" "$SC_TMP/proc.sc"
run_sc --json -i -m -o -ta
cp "$SC_TMP/out" "$SC_TMP/json.sc"
ss -tanim >"$SC_TMP/json.ss"

# cmp.py: reads the listings and prints one "ok:"/"FAIL:" line per check.
cat >"$SC_TMP/cmp.py" <<'PY'
import json, os, re, sys
T = os.environ["SC_TMP"]
E = os.environ
fails = 0

def check(what, want, got):
    global fails
    if want == got:
        print("ok: " + what)
    else:
        fails += 1
        print("FAIL: " + what)
        print("  expected: %r" % (want,))
        print("  got:      %r" % (got,))

def listing(path, unix=False):
    """{key: (row fields after the addresses, continuation text)}; inet
    rows are keyed by "LOCAL PEER", Unix rows by their inode."""
    socks, last = {}, None
    for line in open(path):
        line = line.rstrip("\n")
        if line.startswith("\t"):
            if last is not None:
                socks[last] = (socks[last][0], line.strip())
            continue
        f = line.split()
        if not f or f[0] in ("State", "Netid"):
            continue
        if unix:
            key, rest = f[5], f[8:]
        else:
            key, rest = f[3] + " " + f[4], f[5:]
        socks[key] = (rest, "")
        last = key
    return socks

def fields(cont):
    """[(name, value)] of a continuation line, ss's bbr:(...) and
    dctcp:(...) left out (sock_diag's congestion-control details, which
    sockscope does not ask for)."""
    toks, out, i = cont.split(), [], 0
    while i < len(toks):
        t = toks[i]
        if t.startswith(("bbr:(", "dctcp:")):
            i += 1
        elif t in ("send", "pacing_rate", "delivery_rate") and i + 1 < len(toks):
            out.append((t, toks[i + 1]))
            i += 2
        else:
            n, _, v = t.partition(":")
            out.append((n, v if ":" in t else None))
            i += 1
    return out

def timer(rest):
    for t in rest:
        m = re.fullmatch(r"timer:\(([a-z]+),([^,]*),([0-9]+)\)", t)
        if m:
            return m.groups()
    return None

def key(name):
    return E["L_" + name] + " " + E["P_" + name]

# -o: the timer of each socket (time left and counts move on between the
# two runs: names here, and the units of the steady ones)
ss, sc = listing(T + "/o.ss"), listing(T + "/o.sc")
check("-o: the same sockets as ss", sorted(ss), sorted(sc))
for k in sorted(ss):
    if k in sc:
        t_ss, t_sc = timer(ss[k][0]), timer(sc[k][0])
        check("-o: timer of " + k, t_ss and t_ss[0], t_sc and t_sc[0])
expect = {"ka_c": ("keepalive", r"119min", "0"), "zw_c": ("persist", None, None),
          "tw_c": ("timewait", r"[0-9]+sec", "0"), "ss_c": ("on", None, None),
          "ka_s": None, "v6_c": None}
for name, want in expect.items():
    t = timer(sc.get(key(name), ([], ""))[0])
    if want is None:
        check("-o: no timer on " + name, None, t)
        continue
    check("-o: %s's timer is %s" % (name, want[0]), want[0], t and t[0])
    if t and want[1]:
        check("-o: %s's time left looks like ss's" % name, True,
              re.fullmatch(want[1], t[1]) is not None)
    if t and want[2]:
        check("-o: %s's count" % name, want[2], t[2])
sr = [k for k in sc if k.endswith(" " + E["L_sr_c"])]
check("-o: one SYN-RECV request socket", 1, len(sr))
if sr:
    t = timer(sc[sr[0]][0])
    check("-o: the request socket's timer is on", "on", t and t[0])

# the /proc fallback reads the same timers
pr = listing(T + "/proc.sc")
for k in sorted(ss):
    if k in pr:
        t_ss, t_pr = timer(ss[k][0]), timer(pr[k][0])
        check("--backend=proc -o: timer of " + k, t_ss and t_ss[0],
              t_pr and t_pr[0])

# -i: the same fields in the same order; on idle connections and
# listeners the same values for what does not move
stable = {"wscale", "mss", "pmtu", "rcvmss", "advmss", "cwnd", "ssthresh",
          "bytes_sent", "bytes_acked", "bytes_received", "segs_out",
          "segs_in", "data_segs_out", "data_segs_in", "rcv_space",
          "rcv_ssthresh", "snd_wnd", "unacked", "retrans"}
ss_i, sc_i = listing(T + "/i.ss"), listing(T + "/i.sc")
idle = [key(n) for n in ("ka_c", "ka_s", "v6_c", "v6_s")]
idle += sorted(k for k in ss_i if k.endswith(":*"))  # the listeners
for k in idle:
    f_ss = fields(ss_i.get(k, ([], ""))[1])
    f_sc = fields(sc_i.get(k, ([], ""))[1])
    check("-i: field names of " + k, [n for n, _ in f_ss], [n for n, _ in f_sc])
    check("-i: steady values of " + k,
          [(n, v) for n, v in f_ss if n in stable],
          [(n, v) for n, v in f_sc if n in stable])
for name in ("zw_c", "zw_s"):
    got = [n for n, _ in fields(sc_i.get(key(name), ([], ""))[1])]
    want = [n for n, _ in fields(ss_i.get(key(name), ([], ""))[1])]
    # a zero-window sender's counters move; its first fields do not
    check("-i: leading field names of " + name, want[:8], got[:8])
for name, want in (("zw_c", ["busy", "rwnd_limited", "notsent"]),
                   ("ss_c", ["unacked", "retrans", "lost"])):
    got = [n for n, _ in fields(sc_i.get(key(name), ([], ""))[1])]
    for n in want:
        check("-i: %s has %s" % (name, n), True, n in got)
tw = sc_i.get(key("tw_c"), None)
check("-i: nothing for TIME-WAIT", "", tw and tw[1])

# -o with -i: ss leads with the TCP options
ss_io, sc_io = listing(T + "/io.ss"), listing(T + "/io.sc")
k = key("ka_c")
check("-io: the TCP options first, as ss",
      [n for n, _ in fields(ss_io[k][1])][:3],
      [n for n, _ in fields(sc_io.get(k, ([], ""))[1])][:3])
# -n: exact rates, as ss
ss_n, sc_n = listing(T + "/ni.ss"), listing(T + "/ni.sc")
rate = lambda s, k: dict(fields(s.get(k, ([], ""))[1])).get("send", "")
check("-n -i: ss shows an exact rate", True,
      re.fullmatch(r"[0-9]+bps", rate(ss_n, k)) is not None)
check("-n -i: so does sockscope", True,
      re.fullmatch(r"[0-9]+bps", rate(sc_n, k)) is not None)

# -m: skmem of every TCP socket but the zero-window pair, and Unix
ss_m, sc_m = listing(T + "/m.ss"), listing(T + "/m.sc")
moving = {key("zw_c"), key("zw_s"), key("ss_c")}
for k in sorted(ss_m):
    if k not in moving:
        check("-m: skmem of " + k, ss_m[k][1], sc_m.get(k, ([], ""))[1])
ss_x, sc_x = listing(T + "/x.ss", unix=True), listing(T + "/x.sc", unix=True)
check("-xm: the same Unix sockets", sorted(ss_x), sorted(sc_x))
for k in sorted(ss_x):
    check("-xm: skmem of Unix " + k, [t for t in ss_x[k][0] if t.startswith("skmem:")],
          [t for t in sc_x.get(k, ([], ""))[0] if t.startswith("skmem:")])

# --json -i -m -o
doc = json.load(open(T + "/json.sc"), strict=True)
def jsock(name):
    l, p = E["L_" + name], E["P_" + name]
    for s in doc["sockets"]:
        la = s["local_address"]
        la = "[%s]" % la if ":" in la else la
        pa = s["peer_address"]
        pa = "[%s]" % pa if ":" in pa else pa
        if "%s:%d" % (la, s["local_port"]) == l and "%s:%d" % (pa, s["peer_port"]) == p:
            return s
    return None
ss_j = listing(T + "/json.ss")
for name in ("ka_c", "v6_s"):
    s, k = jsock(name), key(name)
    check("--json: %s is there" % name, True, s is not None)
    if s is None:
        continue
    f = dict(fields(ss_j[k][1]))
    mem = re.fullmatch(r"skmem:\(r(\d+),rb(\d+),t(\d+),tb(\d+),.*\)", ss_j[k][1].split()[0])
    ti, m = s["tcp_info"], s["memory"]
    snd, rcv = f["wscale"].split(",")
    check("--json: %s tcp_info against ss -i" % name,
          dict(mss=int(f["mss"]), snd_cwnd=int(f["cwnd"]), pmtu=int(f["pmtu"]),
               advmss=int(f["advmss"]), wscale=dict(snd=int(snd), rcv=int(rcv)),
               congestion=fields(ss_j[k][1])[1][0]),
          ti and dict(mss=ti["mss"], snd_cwnd=ti["snd_cwnd"], pmtu=ti["pmtu"],
                      advmss=ti["advmss"], wscale=ti["wscale"],
                      congestion=ti["congestion"]))
    check("--json: %s memory against ss -m" % name,
          mem and dict(rcvbuf=int(mem.group(2)), sndbuf=int(mem.group(4))),
          m and dict(rcvbuf=m["rcvbuf"], sndbuf=m["sndbuf"]))
    check("--json: %s rtt in ms is a number" % name, True,
          ti is not None and isinstance(ti["rtt_ms"], float))
s = jsock("ka_c")
t = s and s["timer"]
check("--json: the keepalive timer", ("keepalive", 0, True),
      t and (t["name"], t["retrans"], 7000000 < t["expires_ms"] <= 7200000))
check("--json: no timer on the idle server end", None, jsock("ka_s")["timer"])
tw = [s for s in doc["sockets"] if s["state"] == "TIME-WAIT"]
check("--json: one TIME-WAIT socket", 1, len(tw))
if tw:
    check("--json: TIME-WAIT has a timer and no internals",
          ("timewait", None, None),
          (tw[0]["timer"] and tw[0]["timer"]["name"], tw[0]["tcp_info"],
           tw[0]["memory"]))
lk = [k for k in ss_j if k.startswith("127.0.0.1:42006 ") and k.endswith(":*")]
lst = [s for s in doc["sockets"]
       if s["state"] == "LISTEN" and s["local_port"] == 42006]
check("--json: a listener's tcp_info (its pending connection as unacked)",
      [(1, fields(ss_j[k][1])[1][0]) for k in lk],
      [(s["tcp_info"] and s["tcp_info"]["unacked"],
        s["tcp_info"] and s["tcp_info"]["congestion"]) for s in lst])
sys.exit(1 if fails else 0)
PY
export SC_TMP
for v in $(compgen -v | grep -E '^(L|P)_'); do export "${v?}"; done
python3 "$SC_TMP/cmp.py" >"$SC_TMP/cmp.out" 2>&1
cmp_rc=$?
while IFS= read -r line; do
	case $line in
	ok:*) pass "${line#ok: }" ;;
	FAIL:*) fail "${line#FAIL: }" ;;
	*) echo "$line" ;;
	esac
done <"$SC_TMP/cmp.out"
if [ "$cmp_rc" -ne 0 ] && ! grep -q '^FAIL:' "$SC_TMP/cmp.out"; then
	fail "the comparison script ran to its end"
fi
sc_done
