#!/usr/bin/env python3
# The seed's IPv4 echo client, with the server from the command line:
#   echo_client.py HOST PORT [MESSAGE]     (MESSAGE defaults to the seed's greeting)
import socket
import sys

if len(sys.argv) not in (3, 4):
    sys.exit("usage: echo_client.py HOST PORT [MESSAGE]")
HOST = sys.argv[1]
PORT = int(sys.argv[2])
MESSAGE = sys.argv[3].encode() if len(sys.argv) == 4 else b'Hello, world'
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.connect((HOST, PORT))
s.send(MESSAGE)
data = s.recv(1024)
s.close()
print('Received', repr(data))
