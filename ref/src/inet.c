/* inet_aton/inet_ntoa/inet_pton/inet_ntop with the seed's (CPython 3.2's)
 * error choices:
 *   inet_aton: invalid string -> socket.error with a message;
 *   inet_ntoa: not 4 bytes    -> socket.error with a message;
 *   inet_pton: invalid string -> socket.error with a message,
 *              other family   -> socket.error EAFNOSUPPORT (from libc);
 *   inet_ntop: wrong length   -> ValueError,
 *              other family   -> ValueError ("unknown address family"). */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "lookup.h"

int sr_inet_aton(const char *ip_string, unsigned char out[4]) {
  if (ip_string == NULL || !sr__os_inet_aton(ip_string, out))
    return sr__detail(SR_ESOCKET_MSG,
                      "illegal IP address string passed to inet_aton");
  return 0;
}

int sr_inet_ntoa(const void *packed, size_t len, char *out, size_t outlen) {
  const unsigned char *b = packed;
  char text[INET_ADDRSTRLEN];

  if (packed == NULL || len != 4)
    return sr__detail(SR_ESOCKET_MSG, "packed IP wrong length for inet_ntoa");
  /* Formatted here: the C inet_ntoa() returns a shared static buffer. */
  snprintf(text, sizeof text, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
  if (strlen(text) >= outlen)
    return sr__detail(SR_EVALUE, "address does not fit in %u bytes",
                      (unsigned)outlen);
  strcpy(out, text);
  return 0;
}

int sr_inet_pton(int family, const char *ip_string, unsigned char *out) {
  unsigned char buf[16];

  if (family != AF_INET && family != AF_INET6)
    return SR_EAFNOSUPPORT;
  if (ip_string == NULL || inet_pton(family, ip_string, buf) != 1)
    return sr__detail(SR_ESOCKET_MSG,
                      "illegal IP address string passed to inet_pton");
  if (family == AF_INET) {
    memcpy(out, buf, 4);
    return 4;
  }
  memcpy(out, buf, 16);
  return 16;
}

int sr_inet_ntop(int family, const void *packed, size_t len, char *out,
                 size_t outlen) {
  char text[INET6_ADDRSTRLEN];
  size_t want;

  if (family == AF_INET)
    want = 4;
  else if (family == AF_INET6)
    want = 16;
  else
    return sr__detail(SR_EVALUE, "unknown address family %d", family);
  if (packed == NULL || len != want)
    return sr__detail(SR_EVALUE, "invalid length of packed IP address string");
  if (inet_ntop(family, packed, text, sizeof text) == NULL)
    return sr__os_error();
  if (strlen(text) >= outlen)
    return sr__detail(SR_EVALUE, "address does not fit in %u bytes",
                      (unsigned)outlen);
  strcpy(out, text);
  return 0;
}
