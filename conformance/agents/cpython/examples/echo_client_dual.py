#!/usr/bin/env python3
# The seed's IPv4/IPv6 echo client, with the server from the command line:
#   echo_client_dual.py HOST PORT [MESSAGE]
# Tries every address getaddrinfo returns and talks over the first that connects.
import socket
import sys

if len(sys.argv) not in (3, 4):
    sys.exit("usage: echo_client_dual.py HOST PORT [MESSAGE]")
HOST = sys.argv[1]
PORT = int(sys.argv[2])
MESSAGE = sys.argv[3].encode() if len(sys.argv) == 4 else b'Hello, world'
s = None
for res in socket.getaddrinfo(HOST, PORT, socket.AF_UNSPEC, socket.SOCK_STREAM):
    af, socktype, proto, canonname, sa = res
    try:
        s = socket.socket(af, socktype, proto)
    except socket.error as msg:
        s = None
        continue
    try:
        s.connect(sa)
    except socket.error as msg:
        s.close()
        s = None
        continue
    break
if s is None:
    print('could not open socket')
    sys.exit(1)
s.send(MESSAGE)
data = s.recv(1024)
s.close()
print('Received', repr(data))
