#!/usr/bin/env python3
# The seed's raw-socket sniffer:
#   sniffer.py [HOST]      (HOST defaults to gethostbyname(gethostname()), as in the seed)
# Receives one packet with recvfrom(65565) and prints two lines:
#   from <source address> proto <IP protocol number> len <packet length>
#   <the packet, hex>
# On Windows it follows the seed exactly (IPPROTO_IP, IP_HDRINCL, SIO_RCVALL on/off).
# On Linux a raw socket must name its protocol and SIO_RCVALL does not exist, so it
# receives ICMP (IPPROTO_ICMP); the kernel hands over the IP header included.
# Needs root (or CAP_NET_RAW / administrator rights).
import socket
import sys

HOST = sys.argv[1] if len(sys.argv) > 1 else socket.gethostbyname(socket.gethostname())
WINDOWS = hasattr(socket, 'SIO_RCVALL')

if WINDOWS:
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_IP)
else:
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
s.bind((HOST, 0))

if WINDOWS:
    # Include IP headers, receive all packets
    s.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    s.ioctl(socket.SIO_RCVALL, socket.RCVALL_ON)

packet, address = s.recvfrom(65565)
proto = packet[9] if len(packet) >= 20 else -1   # the IPv4 header's protocol field
print('from', address[0], 'proto', proto, 'len', len(packet))
print(packet.hex(), flush=True)

if WINDOWS:
    # disable promiscuous mode
    s.ioctl(socket.SIO_RCVALL, socket.RCVALL_OFF)
s.close()
