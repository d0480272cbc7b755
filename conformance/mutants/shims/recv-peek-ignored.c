/* Mutant shim recv-peek-ignored: recv() and recvfrom() drop MSG_PEEK from their flags,
 * so peeked data is consumed. Loaded with LD_PRELOAD in front of the agent. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

typedef ssize_t (*recv_fn)(int, void *, size_t, int);
typedef ssize_t (*recvfrom_fn)(int, void *, size_t, int, struct sockaddr *, socklen_t *);

ssize_t recv(int fd, void *buf, size_t len, int flags) {
  static recv_fn real_recv;
  if (real_recv == NULL) {
    real_recv = (recv_fn)dlsym(RTLD_NEXT, "recv");
  }
  return real_recv(fd, buf, len, flags & ~MSG_PEEK);
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
                 socklen_t *fromlen) {
  static recvfrom_fn real_recvfrom;
  if (real_recvfrom == NULL) {
    real_recvfrom = (recvfrom_fn)dlsym(RTLD_NEXT, "recvfrom");
  }
  return real_recvfrom(fd, buf, len, flags & ~MSG_PEEK, from, fromlen);
}
