/* Linux/POSIX sniffer: a raw ICMP socket sees every ICMP packet for the
 * bound address, IP header included. (There is no portable "receive all"
 * switch; SIO_RCVALL is Windows-only.) */
#include "sniffer.h"

int sniffer_open(const char *host, sr_socket **out, const char **what) {
  sr_address addr;
  int err;

  *what = "socket";
  err = sr_socket_new(out, AF_INET, SOCK_RAW, IPPROTO_ICMP);
  if (err < 0)
    return err;
  *what = "bind";
  err = sr_address_inet(&addr, host, 0);
  if (err >= 0)
    err = sr_bind(*out, &addr);
  if (err >= 0) {
    *what = "setsockopt IP_HDRINCL";
    err = sr_setsockopt(*out, IPPROTO_IP, IP_HDRINCL, 1);
  }
  if (err < 0) {
    sr_socket_free(*out);
    *out = NULL;
  }
  return err;
}

int sniffer_finish(sr_socket *s) {
  (void)s;
  return 0;
}
