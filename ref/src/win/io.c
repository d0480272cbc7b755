/* win/io.c - data transfer and options on Winsock handles. */
#include <limits.h>

#include "internal.h"

static int clamp(size_t len) { return len > INT_MAX ? INT_MAX : (int)len; }

int sr__os_send(sr_sock_t fd, const void *buf, size_t len, int flags) {
  int n = send(fd, (const char *)buf, clamp(len), flags);

  return n == SOCKET_ERROR ? sr__os_error() : n;
}

int sr__os_sendto(sr_sock_t fd, const void *buf, size_t len, int flags,
                  const struct sockaddr *sa, socklen_t salen) {
  int n = sendto(fd, (const char *)buf, clamp(len), flags, sa, salen);

  return n == SOCKET_ERROR ? sr__os_error() : n;
}

int sr__os_recv(sr_sock_t fd, void *buf, size_t len, int flags) {
  int n = recv(fd, (char *)buf, clamp(len), flags);

  return n == SOCKET_ERROR ? sr__os_error() : n;
}

int sr__os_recvfrom(sr_sock_t fd, void *buf, size_t len, int flags,
                    struct sockaddr *sa, socklen_t *salen) {
  int n = recvfrom(fd, (char *)buf, clamp(len), flags, sa, salen);

  return n == SOCKET_ERROR ? sr__os_error() : n;
}

int sr__os_setsockopt(sr_sock_t fd, int level, int optname,
                      const void *val, socklen_t len) {
  if (setsockopt(fd, level, optname, (const char *)val, len) == SOCKET_ERROR)
    return sr__os_error();
  return 0;
}

int sr__os_getsockopt(sr_sock_t fd, int level, int optname, void *val,
                      socklen_t *len) {
  if (getsockopt(fd, level, optname, (char *)val, len) == SOCKET_ERROR)
    return sr__os_error();
  return 0;
}
