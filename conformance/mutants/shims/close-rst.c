/* Mutant shim close-rst: close() on a stream socket first sets SO_LINGER {on, 0 s}, so
 * that the kernel aborts the connection: the peer gets RST instead of an orderly FIN,
 * and unsent data is thrown away. Loaded with LD_PRELOAD in front of the agent. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

typedef int (*close_fn)(int);

int close(int fd) {
  static close_fn real_close;
  if (real_close == NULL) {
    real_close = (close_fn)dlsym(RTLD_NEXT, "close");
  }
  int saved_errno = errno; /* getsockopt on a non-socket must not leak ENOTSOCK */
  int type = 0;
  socklen_t len = sizeof type;
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_STREAM) {
    struct linger abort_now = {.l_onoff = 1, .l_linger = 0};
    (void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_now, sizeof abort_now);
  }
  errno = saved_errno;
  return real_close(fd);
}
