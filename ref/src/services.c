/* getservbyname() / getservbyport(): the services database. "Not found" is
 * CPython's socket.error with a message and no errno ("service/proto not
 * found", "port/proto not found"): SR_ESOCKET_MSG with that detail. */
#include "internal.h"
#include "lookup.h"

int sr_getservbyname(const char *name, const char *proto) {
  int port = 0, found;

  if (name == NULL)
    return sr__detail(SR_EVALUE, "getservbyname() needs a service name");
  found = sr__os_getservbyname(name, proto, &port);
  if (found < 0)
    return found;
  if (!found)
    return sr__detail(SR_ESOCKET_MSG, "service/proto not found");
  return port;
}

int sr_getservbyport(long long port, const char *proto, char *out,
                     size_t outlen) {
  int found;

  if (port < 0 || port > 65535)
    return sr__detail(SR_EOVERFLOW_VALUE,
                      "getservbyport: port must be 0-65535.");
  if (out == NULL || outlen == 0)
    return sr__detail(SR_EVALUE, "getservbyport() needs a buffer");
  found = sr__os_getservbyport((int)port, proto, out, outlen);
  if (found < 0)
    return found;
  if (!found)
    return sr__detail(SR_ESOCKET_MSG, "port/proto not found");
  return 0;
}
