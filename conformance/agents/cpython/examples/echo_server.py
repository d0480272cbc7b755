#!/usr/bin/env python3
# The seed's IPv4 echo server, with HOST and PORT taken from the command line:
#   echo_server.py HOST PORT     (HOST "" = all interfaces, PORT 0 = any free port)
# Prints "port N" once it listens, so that a client knows where to connect.
import socket
import sys

if len(sys.argv) != 3:
    sys.exit("usage: echo_server.py HOST PORT")
HOST = sys.argv[1]
PORT = int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind((HOST, PORT))
s.listen(1)
print('port', s.getsockname()[1], flush=True)
conn, addr = s.accept()
print('Connected by', addr, flush=True)
while True:
    data = conn.recv(1024)
    if not data: break
    conn.send(data)
conn.close()
