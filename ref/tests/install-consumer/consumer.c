/* A program outside sockspec built against an installed libsockref: it
 * must compile with only the installed headers and link with only what
 * the package (CMake config or sockref.pc) says. */
#include <stdio.h>

#include <sockref.h>

int main(void) {
  unsigned char packed[16];
  char text[64];
  uint16_t port;

  if (sr_init() < 0)
    return 1;
  if (sr_inet_pton(AF_INET6, "2001:db8::1", packed) != 16 ||
      sr_inet_ntop(AF_INET6, packed, 16, text, sizeof text) < 0 ||
      sr_htons(50007, &port) < 0)
    return 1;
  printf("installed libsockref works: %s %s\n", text,
         sr_err_name(SR_ECONNREFUSED));
  sr_cleanup();
  return 0;
}
