/* gethostbyname(): a host name (or "", "<broadcast>", a dotted quad) to a
 * dotted quad, resolved exactly as an AF_INET socket address host is. */
#include <stdio.h>
#include <string.h>

#include "internal.h"

int sr_gethostbyname(const char *name, char *out, size_t outlen) {
  struct sockaddr_storage ss;
  const struct sockaddr_in *sin = (const struct sockaddr_in *)&ss;
  socklen_t len = sizeof ss;
  char text[INET_ADDRSTRLEN];
  sr_address a;
  int err;

  if (name == NULL || out == NULL)
    return sr__detail(SR_EVALUE, "gethostbyname() needs a name");
  err = sr_address_inet(&a, name, 0);
  if (err < 0)
    return err;
  err = sr__address_to_sockaddr(&a, AF_INET, &ss, &len);
  if (err < 0)
    return err;
  if (inet_ntop(AF_INET, &sin->sin_addr, text, sizeof text) == NULL)
    return sr__os_error();
  if (strlen(text) >= outlen)
    return sr__detail(SR_EVALUE, "address does not fit in %u bytes",
                      (unsigned)outlen);
  strcpy(out, text);
  return 0;
}
