/* unix/io.c - data transfer and options on POSIX descriptors. */
#include <errno.h>
#include <limits.h>

#include "internal.h"

#ifdef MSG_NOSIGNAL
# define SEND_FLAGS MSG_NOSIGNAL
#else
# define SEND_FLAGS 0 /* SO_NOSIGPIPE or an ignored SIGPIPE covers it */
#endif

static size_t clamp(size_t len) { return len > INT_MAX ? INT_MAX : len; }

int sr__os_send(sr_sock_t fd, const void *buf, size_t len, int flags) {
  ssize_t n = send(fd, buf, clamp(len), flags | SEND_FLAGS);

  return n < 0 ? sr__os_error() : (int)n;
}

int sr__os_sendto(sr_sock_t fd, const void *buf, size_t len, int flags,
                  const struct sockaddr *sa, socklen_t salen) {
  ssize_t n = sendto(fd, buf, clamp(len), flags | SEND_FLAGS, sa, salen);

  return n < 0 ? sr__os_error() : (int)n;
}

int sr__os_recv(sr_sock_t fd, void *buf, size_t len, int flags) {
  ssize_t n = recv(fd, buf, clamp(len), flags);

  return n < 0 ? sr__os_error() : (int)n;
}

int sr__os_recvfrom(sr_sock_t fd, void *buf, size_t len, int flags,
                    struct sockaddr *sa, socklen_t *salen) {
  ssize_t n = recvfrom(fd, buf, clamp(len), flags, sa, salen);

  return n < 0 ? sr__os_error() : (int)n;
}

int sr__os_setsockopt(sr_sock_t fd, int level, int optname,
                      const void *val, socklen_t len) {
  return setsockopt(fd, level, optname, val, len) == -1 ? sr__os_error() : 0;
}

int sr__os_getsockopt(sr_sock_t fd, int level, int optname, void *val,
                      socklen_t *len) {
  return getsockopt(fd, level, optname, val, len) == -1 ? sr__os_error() : 0;
}
