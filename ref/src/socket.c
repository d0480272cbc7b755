/* socket.c - the socket object: life cycle, modes, attributes. */
#include <stdlib.h>

#include "internal.h"

/* ---- life cycle ----------------------------------------------------- */

int sr__socket_apply_timeout(sr_socket *s, double timeout) {
  int want_nonblocking = timeout != SR_TIMEOUT_NONE;
  int err = sr__os_set_nonblocking(s->fd, want_nonblocking);

  if (err < 0)
    return err;
  s->os_nonblocking = want_nonblocking;
  s->timeout = timeout;
  return 0;
}

sr_socket *sr__socket_alloc(sr_sock_t fd, int family, int type,
                               int proto) {
  sr_socket *s = calloc(1, sizeof(*s));

  if (s == NULL)
    return NULL;
  s->fd = fd;
  s->family = family;
  /* The attribute reports the type without creation flags. */
  s->type = type & ~(SR_SOCK_NONBLOCK | SR_SOCK_CLOEXEC);
  s->proto = proto;
  s->timeout = SR_TIMEOUT_NONE;
  s->mem_refs = 1;
  return s;
}

/* Wrap fd with the given timeout; the descriptor's mode is set to match. */
static int wrap_with_timeout(sr_socket **out, sr_sock_t fd, int family,
                             int type, int proto, double timeout) {
  sr_socket *s = sr__socket_alloc(fd, family, type, proto);
  int err;

  if (s == NULL)
    return SR_ENOMEM;
  err = sr__socket_apply_timeout(s, timeout);
  if (err < 0) {
    free(s);
    return err;
  }
  *out = s;
  return 0;
}

/* A new socket's mode: SOCK_NONBLOCK asks for non-blocking, otherwise the
 * default timeout applies. */
static double initial_timeout(int type) {
  if (SR_SOCK_NONBLOCK != 0 && (type & SR_SOCK_NONBLOCK))
    return 0.0;
  return sr_getdefaulttimeout();
}

int sr__socket_wrap(sr_socket **out, sr_sock_t fd, int family, int type,
                    int proto) {
  return wrap_with_timeout(out, fd, family, type, proto,
                           sr_getdefaulttimeout());
}

int sr_socket_new(sr_socket **out, int family, int type, int proto) {
  sr_sock_t fd;
  int err = sr__os_socket(family, type, proto, &fd);

  if (err < 0)
    return err;
  err = wrap_with_timeout(out, fd, family, type, proto,
                          initial_timeout(type));
  if (err < 0)
    sr__os_close(fd);
  return err;
}

int sr_socketpair(sr_socket **a, sr_socket **b, int family, int type,
                  int proto) {
  sr_sock_t fds[2];
  double timeout = initial_timeout(type);
  int err = sr__os_socketpair(family, type, proto, fds);

  if (err < 0)
    return err;
  err = wrap_with_timeout(a, fds[0], family, type, proto, timeout);
  if (err < 0) {
    sr__os_close(fds[0]);
    sr__os_close(fds[1]);
    return err;
  }
  err = wrap_with_timeout(b, fds[1], family, type, proto, timeout);
  if (err < 0) {
    sr_socket_free(*a);
    *a = NULL;
    sr__os_close(fds[1]);
  }
  return err;
}

/* The descriptor goes when the object is closed and no file uses it. */
static int release_fd_if_unused(sr_socket *s) {
  sr_sock_t fd = s->fd;

  if (!s->closed || s->io_refs > 0 || fd == SR_INVALID_SOCK)
    return 0;
  s->fd = SR_INVALID_SOCK;
  return sr__os_close(fd);
}

int sr_close(sr_socket *s) {
  if (s == NULL || s->closed)
    return 0;
  s->closed = 1;
  return release_fd_if_unused(s);
}

sr_sock_t sr_detach(sr_socket *s) {
  sr_sock_t fd;

  if (s == NULL || s->closed)
    return SR_INVALID_SOCK;
  fd = s->fd;
  s->closed = 1;
  /* Files made earlier lose the descriptor too: it is the caller's now. */
  s->fd = SR_INVALID_SOCK;
  return fd;
}

void sr__socket_io_ref(sr_socket *s) {
  s->io_refs++;
  s->mem_refs++;
}

int sr__socket_io_unref(sr_socket *s) {
  s->io_refs--;
  return release_fd_if_unused(s);
}

void sr__socket_mem_unref(sr_socket *s) {
  if (--s->mem_refs == 0)
    free(s);
}

void sr_socket_free(sr_socket *s) {
  if (s == NULL)
    return;
  sr_close(s);
  sr__socket_mem_unref(s);
}

int sr__socket_check(const sr_socket *s) {
  if (s == NULL || s->closed || s->fd == SR_INVALID_SOCK)
    return sr__detail(SR_EBADF, "socket is closed");
  return 0;
}

/* ---- attributes and modes ------------------------------------------- */

sr_sock_t sr_fileno(const sr_socket *s) {
  return (s == NULL || s->closed) ? SR_INVALID_SOCK : s->fd;
}

int sr_socket_family(const sr_socket *s) { return s->family; }
int sr_socket_type(const sr_socket *s) { return s->type; }
int sr_socket_proto(const sr_socket *s) { return s->proto; }

double sr_gettimeout(const sr_socket *s) { return s->timeout; }

int sr_settimeout(sr_socket *s, double timeout) {
  int err = sr__timeout_check(timeout);

  if (err < 0)
    return err;
  if ((err = sr__socket_check(s)) < 0)
    return err;
  return sr__socket_apply_timeout(s, timeout);
}

int sr_setblocking(sr_socket *s, int flag) {
  return sr_settimeout(s, flag ? SR_TIMEOUT_NONE : 0.0);
}

int sr_fdflags(sr_socket *s, int *nonblocking, int *cloexec) {
  int err = sr__socket_check(s);

  if (err < 0)
    return err;
  return sr__os_fdflags(s->fd, s->os_nonblocking, nonblocking, cloexec);
}

int sr_poll(sr_socket *s, int events, double timeout) {
  sr__deadline d;
  int err = sr__timeout_check(timeout);

  if (err < 0)
    return err;
  if ((err = sr__socket_check(s)) < 0)
    return err;
  if (timeout == 0.0)
    sr__deadline_look(&d);
  else
    sr__deadline_start(&d, timeout);
  return sr__wait(s, events, &d);
}

int sr_ioctl(sr_socket *s, unsigned long control, const void *option,
             size_t option_len) {
  int err = sr__socket_check(s);

  if (err < 0)
    return err;
  return sr__os_ioctl(s->fd, control, option, option_len);
}
