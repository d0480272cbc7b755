/* gethostname(): the machine's host name, as the OS reports it (not
 * necessarily fully qualified: see getfqdn.c). */
#include "internal.h"
#include "lookup.h"

int sr_gethostname(char *out, size_t outlen) {
  if (out == NULL || outlen == 0)
    return sr__detail(SR_EVALUE, "gethostname() needs a buffer");
  return sr__os_gethostname(out, outlen);
}
