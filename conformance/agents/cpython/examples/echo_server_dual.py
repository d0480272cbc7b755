#!/usr/bin/env python3
# The seed's IPv4/IPv6 echo server, with HOST and PORT taken from the command line:
#   echo_server_dual.py HOST PORT   (HOST "" means None, the seed's "all interfaces")
# Listens on the first address getaddrinfo offers; prints "port N" once it listens.
import socket
import sys

if len(sys.argv) != 3:
    sys.exit("usage: echo_server_dual.py HOST PORT")
HOST = sys.argv[1] or None
PORT = int(sys.argv[2])
s = None
for res in socket.getaddrinfo(HOST, PORT, socket.AF_UNSPEC,
                              socket.SOCK_STREAM, 0, socket.AI_PASSIVE):
    af, socktype, proto, canonname, sa = res
    try:
        s = socket.socket(af, socktype, proto)
    except socket.error as msg:
        s = None
        continue
    try:
        s.bind(sa)
        s.listen(1)
    except socket.error as msg:
        s.close()
        s = None
        continue
    break
if s is None:
    print('could not open socket')
    sys.exit(1)
print('port', s.getsockname()[1], flush=True)
conn, addr = s.accept()
print('Connected by', addr, flush=True)
while True:
    data = conn.recv(1024)
    if not data: break
    conn.send(data)
conn.close()
