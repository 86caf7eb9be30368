#!/usr/bin/env python3
# fixture-population.py - the socket population behind the recorded netlink
# fixtures in tests/fixtures/netlink/ (see tests/tools/record-fixtures).
# Runs inside a private network namespace; prints "ready" and waits.
import os
import socket
import sys
import time

d = sys.argv[1] if len(sys.argv) > 1 else "/tmp"


def unlink(p):
    try:
        os.unlink(p)
    except FileNotFoundError:
        pass


l4 = socket.socket()
l4.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l4.bind(("127.0.0.1", 8080))
l4.listen(5)
l6 = socket.socket(socket.AF_INET6)
l6.bind(("::", 8081))
l6.listen(5)
l6only = socket.socket(socket.AF_INET6)
l6only.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
l6only.bind(("::", 8083))
l6only.listen(7)
lany = socket.socket()
lany.bind(("0.0.0.0", 8082))
lany.listen(5)
ldev = socket.socket()
ldev.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"lo")
ldev.bind(("127.0.0.1", 8084))
ldev.listen(4)
# two connections left in the accept queue of 8084
pend = [socket.create_connection(("127.0.0.1", 8084)) for _ in range(2)]
c = socket.create_connection(("127.0.0.1", 8080))
s, _ = l4.accept()
c6 = socket.create_connection(("::1", 8081))
s6, _ = l6.accept()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("127.0.0.1", 5353))
u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
u6.bind(("::", 5354))
uc = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
uc.connect(("127.0.0.1", 5353))
p = os.path.join(d, "t.sock")
unlink(p)
x = socket.socket(socket.AF_UNIX)
x.bind(p)
x.listen(3)
xc = socket.socket(socket.AF_UNIX)
xc.connect(p)
xs, _ = x.accept()
xpend = socket.socket(socket.AF_UNIX)
xpend.connect(p)  # stays pending: the listener shows 1 in Recv-Q
a = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
a.bind(b"\0abs\x1b[31mname\0x")
p1, p2 = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
w = os.path.join(d, "we ird\nx.sock")
unlink(w)
wl = socket.socket(socket.AF_UNIX)
wl.bind(w)
wl.listen(1)
c2 = socket.create_connection(("127.0.0.1", 8080))
s2, _ = l4.accept()
s2.close()  # c2: CLOSE-WAIT, s2: FIN-WAIT-2
c3 = socket.create_connection(("127.0.0.1", 8080))
s3, _ = l4.accept()
c3.close()
s3.close()  # c3: TIME-WAIT
xc.send(b"hello")  # 5 bytes queued at xs
time.sleep(0.2)
print("ready", flush=True)
time.sleep(3600)
