/* has_ipv6. CPython 3.2 answers from its build configuration; a C library
 * can ask the running system instead, which is what a caller deciding
 * whether to try AF_INET6 wants: IPv6 is supported if an AF_INET6 socket
 * can be created (a kernel booted with ipv6.disable=1 says no). */
#include "internal.h"

int sr_has_ipv6(void) {
  sr_sock_t fd;

  if (sr__os_socket(AF_INET6, SOCK_STREAM, 0, &fd) < 0)
    return 0;
  sr__os_close(fd);
  return 1;
}
