/* getprotobyname(): the protocols database ("icmp" -> 1). Not found is
 * CPython's message-only socket.error "protocol not found". */
#include "internal.h"
#include "lookup.h"

int sr_getprotobyname(const char *name) {
  int proto = 0;

  if (name == NULL)
    return sr__detail(SR_EVALUE, "getprotobyname() needs a name");
  if (!sr__os_getprotobyname(name, &proto))
    return sr__detail(SR_ESOCKET_MSG, "protocol not found");
  return proto;
}
