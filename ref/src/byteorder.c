/* ntohl/htonl/ntohs/htons with the socket module's range checks: the
 * argument is a Python int, so anything that is not a 32-bit (16-bit)
 * unsigned value is rejected instead of being silently truncated. */
#include "internal.h"

static int check_range(long long x, long long max, const char *fn) {
  if (x < 0)
    return sr__detail(SR_EOVERFLOW_VALUE,
                      "%s: can't convert negative value to unsigned int", fn);
  if (x > max)
    return sr__detail(SR_EOVERFLOW_VALUE, "%s: value %lld does not fit in "
                      "%d bits", fn, x, max == 0xffff ? 16 : 32);
  return 0;
}

int sr_ntohl(long long x, uint32_t *out) {
  int err = check_range(x, 0xffffffffLL, "ntohl");

  if (err == 0)
    *out = ntohl((uint32_t)x);
  return err;
}

int sr_htonl(long long x, uint32_t *out) {
  int err = check_range(x, 0xffffffffLL, "htonl");

  if (err == 0)
    *out = htonl((uint32_t)x);
  return err;
}

int sr_ntohs(long long x, uint16_t *out) {
  int err = check_range(x, 0xffffLL, "ntohs");

  if (err == 0)
    *out = ntohs((uint16_t)x);
  return err;
}

int sr_htons(long long x, uint16_t *out) {
  int err = check_range(x, 0xffffLL, "htons");

  if (err == 0)
    *out = htons((uint16_t)x);
  return err;
}
