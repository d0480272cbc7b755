/* The seed's last example: a minimal sniffer on a raw socket.
 *
 *   sniffer [HOST]
 *
 * HOST defaults to gethostbyname(gethostname()), "the public network
 * interface" of the seed. Receives one packet with recvfrom(65565) and
 * prints "from <source> proto <IP protocol> len <bytes>", then the packet
 * (IP header included) as one line of hex. Needs root (CAP_NET_RAW) on
 * Linux and administrator rights on Windows. The readiness note goes to
 * stderr, so stdout carries only the result. */
#include <stdio.h>
#include <stdlib.h>

#include "example.h"
#include "sniffer.h"

static const char *prog = "sniffer";

/* The IP protocol field of an IPv4 header, or -1 if there is no header. */
static int ip_protocol(const unsigned char *packet, int len) {
  if (len < 20 || (packet[0] >> 4) != 4)
    return -1;
  return packet[9];
}

static void print_packet(const sr_address *from, const unsigned char *p,
                         int len) {
  int i;

  printf("from %s proto %d len %d\n", from->host, ip_protocol(p, len), len);
  for (i = 0; i < len; i++)
    printf("%02x", p[i]);
  printf("\n");
  fflush(stdout);
}

int main(int argc, char **argv) {
  char host[SR_HOST_MAX], name[SR_HOST_MAX];
  const char *what = "";
  unsigned char *packet;
  sr_socket *s = NULL;
  sr_address from;
  int n, err;

  if (argc > 2) {
    fprintf(stderr, "usage: %s [HOST]\n", prog);
    return 2;
  }
  if ((err = sr_init()) < 0)
    example_fail(prog, "init", err);
  if (argc == 2) {
    snprintf(host, sizeof host, "%s", argv[1]);
  } else {
    if ((err = sr_gethostname(name, sizeof name)) < 0)
      example_fail(prog, "gethostname", err);
    if ((err = sr_gethostbyname(name, host, sizeof host)) < 0)
      example_fail(prog, "gethostbyname", err);
  }

  if ((err = sniffer_open(host, &s, &what)) < 0)
    example_fail(prog, what, err);
  fprintf(stderr, "%s: listening on %s\n", prog, host);

  packet = malloc(65565);
  if (packet == NULL)
    example_fail(prog, "malloc", SR_ENOMEM);
  n = sr_recvfrom(s, packet, 65565, 0, &from);
  if (n < 0)
    example_fail(prog, "recvfrom", n);
  print_packet(&from, packet, n);

  err = sniffer_finish(s);
  free(packet);
  sr_socket_free(s);
  sr_cleanup();
  if (err < 0)
    example_fail(prog, "finish", err);
  return 0;
}
