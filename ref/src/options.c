/* options.c - getsockopt/setsockopt in their integer and buffer forms. */
#include "internal.h"

/* CPython's bounds for the buffer form of getsockopt. */
#define GETSOCKOPT_BUFLEN_MAX 1024

int sr_getsockopt(sr_socket *s, int level, int optname, int *value) {
  socklen_t len = sizeof(*value);
  int err = sr__socket_check(s);

  if (err < 0)
    return err;
  *value = 0;
  return sr__os_getsockopt(s->fd, level, optname, value, &len);
}

int sr_getsockopt_buf(sr_socket *s, int level, int optname, void *buf,
                      size_t buflen) {
  socklen_t len = (socklen_t)buflen;
  int err = sr__socket_check(s);

  if (err < 0)
    return err;
  if (buflen == 0 || buflen > GETSOCKOPT_BUFLEN_MAX)
    return sr__detail(SR_ESOCKET_MSG, "getsockopt buflen out of range");
  err = sr__os_getsockopt(s->fd, level, optname, buf, &len);
  return err < 0 ? err : (int)len;
}

int sr_setsockopt(sr_socket *s, int level, int optname, int value) {
  int err = sr__socket_check(s);

  if (err < 0)
    return err;
  return sr__os_setsockopt(s->fd, level, optname, &value, sizeof(value));
}

int sr_setsockopt_buf(sr_socket *s, int level, int optname,
                      const void *buf, size_t len) {
  int err = sr__socket_check(s);

  if (err < 0)
    return err;
  return sr__os_setsockopt(s->fd, level, optname, buf, (socklen_t)len);
}
