/* Windows sniffer, as the seed's program: a raw IPPROTO_IP socket on the
 * interface's address, IP_HDRINCL, then SIO_RCVALL on for the capture and
 * off again afterwards. */
#include "sniffer.h"

int sniffer_open(const char *host, sr_socket **out, const char **what) {
  const uint32_t on = RCVALL_ON;
  sr_address addr;
  int err;

  *what = "socket";
  err = sr_socket_new(out, AF_INET, SOCK_RAW, IPPROTO_IP);
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
  if (err >= 0) {
    *what = "ioctl SIO_RCVALL on";
    err = sr_ioctl(*out, SIO_RCVALL, &on, sizeof on);
  }
  if (err < 0) {
    sr_socket_free(*out);
    *out = NULL;
  }
  return err;
}

int sniffer_finish(sr_socket *s) {
  const uint32_t off = RCVALL_OFF;

  return sr_ioctl(s, SIO_RCVALL, &off, sizeof off);
}
