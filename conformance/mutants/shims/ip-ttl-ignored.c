/* Mutant shim ip-ttl-ignored: setsockopt(IPPROTO_IP, IP_TTL) reports success without
 * passing the value on, so packets keep the default TTL and getsockopt reads it back.
 * Loaded with LD_PRELOAD in front of the agent. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>
#include <netinet/in.h>
#include <sys/socket.h>

typedef int (*setsockopt_fn)(int, int, int, const void *, socklen_t);

int setsockopt(int fd, int level, int name, const void *value, socklen_t len) {
  static setsockopt_fn real_setsockopt;
  if (real_setsockopt == NULL) {
    real_setsockopt = (setsockopt_fn)dlsym(RTLD_NEXT, "setsockopt");
  }
  if (level == IPPROTO_IP && name == IP_TTL) {
    return 0;
  }
  return real_setsockopt(fd, level, name, value, len);
}
