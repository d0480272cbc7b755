/* icmp-poke: send ONE ICMP echo request to an address (a loopback address
 * in the tests), so the sniffer example has a packet to see. Exits 0 once
 * sent, 77 if raw sockets are not permitted (the test then skips). */
#include <stdio.h>
#include <string.h>

#include "sockref.h"

/* The Internet checksum (RFC 1071) of an even-length buffer. */
static uint16_t checksum(const unsigned char *p, size_t len) {
  uint32_t sum = 0;
  size_t i;

  for (i = 0; i + 1 < len; i += 2)
    sum += (uint32_t)(p[i] << 8 | p[i + 1]);
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)~sum;
}

int main(int argc, char **argv) {
  /* type 8 (echo request), code 0, checksum, id 0x5353, sequence 1. */
  unsigned char echo[16] = {8, 0, 0, 0, 0x53, 0x53, 0, 1,
                            's', 'o', 'c', 'k', 's', 'p', 'e', 'c'};
  uint16_t sum;
  sr_socket *s = NULL;
  sr_address to;
  int err;

  if (argc != 2) {
    fprintf(stderr, "usage: icmp-poke ADDRESS\n");
    return 2;
  }
  sum = checksum(echo, sizeof echo);
  echo[2] = (unsigned char)(sum >> 8);
  echo[3] = (unsigned char)(sum & 0xff);

  if (sr_init() < 0)
    return 1;
  err = sr_socket_new(&s, AF_INET, SOCK_RAW, IPPROTO_ICMP);
  if (err == SR_EPERM || err == SR_EACCES) {
    fprintf(stderr, "icmp-poke: raw sockets not permitted\n");
    return 77;
  }
  if (err >= 0)
    err = sr_address_inet(&to, argv[1], 0);
  if (err >= 0)
    err = sr_sendto(s, echo, sizeof echo, 0, &to);
  if (err < 0) {
    fprintf(stderr, "icmp-poke: %s: %s\n", sr_err_name(err),
            sr_strerror(err));
    sr_socket_free(s);
    return 1;
  }
  sr_socket_free(s);
  sr_cleanup();
  return 0;
}
