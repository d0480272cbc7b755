/* endpoint.c - bind, listen, accept, connect, names, shutdown. */
#include "internal.h"

int sr_bind(sr_socket *s, const sr_address *addr) {
  struct sockaddr_storage ss;
  socklen_t len;
  int err = sr__socket_check(s);

  if (err < 0)
    return err;
  if ((err = sr__address_to_sockaddr(addr, s->family, &ss, &len)) < 0)
    return err;
  if (bind(s->fd, (struct sockaddr *)&ss, len) != 0)
    return sr__os_error();
  return 0;
}

int sr_listen(sr_socket *s, int backlog) {
  int err = sr__socket_check(s);

  if (err < 0)
    return err;
  /* The seed's Python raised a backlog below 1 to 1 ("should be at least
   * 1"). */
  if (backlog < 1)
    backlog = 1;
  if (listen(s->fd, backlog) != 0)
    return sr__os_error();
  return 0;
}

/* ---- accept --------------------------------------------------------- */

typedef struct accept_ctx {
  struct sockaddr_storage ss;
  socklen_t len;
  sr_sock_t conn;
} accept_ctx;

static int accept_op(sr_socket *s, void *arg) {
  accept_ctx *c = arg;

  c->len = sizeof(c->ss);
  return sr__os_accept(s->fd, (struct sockaddr *)&c->ss, &c->len, &c->conn);
}

/* The accepted socket's timeout, per the seed's "Timeouts and the accept
 * method". *touch says whether the descriptor's mode must be set to match
 * (it is not when the OS decides). */
static int accepted_timeout(const sr_socket *listener, sr_sock_t conn,
                            double *timeout, int *touch) {
  int nonblocking;

  *touch = 1;
  if (sr_getdefaulttimeout() != SR_TIMEOUT_NONE) {
    *timeout = sr_getdefaulttimeout();
    return 0;
  }
  if (listener->timeout != 0.0) {
    /* Blocking or timeout-mode listener: blocking, O_NONBLOCK cleared even
     * where accept() copied it from the listener. */
    *timeout = SR_TIMEOUT_NONE;
    return 0;
  }
  /* Non-blocking listener: operating-system dependent; report the mode the
   * descriptor actually has instead of imposing one. */
  nonblocking = sr__os_accepted_nonblocking(conn, listener->os_nonblocking);
  if (nonblocking < 0)
    return nonblocking;
  *timeout = nonblocking ? 0.0 : SR_TIMEOUT_NONE;
  *touch = 0;
  return 0;
}

static int wrap_accepted(sr_socket *listener, sr_sock_t conn,
                         sr_socket **out) {
  sr_socket *s;
  double timeout;
  int touch, err;

  err = accepted_timeout(listener, conn, &timeout, &touch);
  if (err < 0)
    return err;
  s = sr__socket_alloc(conn, listener->family, listener->type,
                       listener->proto);
  if (s == NULL)
    return SR_ENOMEM;
  if (touch) {
    err = sr__socket_apply_timeout(s, timeout);
  } else {
    s->timeout = timeout;
    s->os_nonblocking = timeout == 0.0;
  }
  if (err < 0) {
    /* The caller closes conn; the object must not close it again. */
    s->fd = SR_INVALID_SOCK;
    sr_socket_free(s);
    return err;
  }
  *out = s;
  return 0;
}

int sr_accept(sr_socket *s, sr_socket **conn, sr_address *addr) {
  accept_ctx c;
  sr__deadline d;
  int err = sr__socket_check(s);

  if (err < 0)
    return err;
  sr__deadline_start(&d, s->timeout);
  err = sr__sock_call(s, SR_POLLIN, accept_op, &c, &d);
  if (err < 0)
    return err;
  err = wrap_accepted(s, c.conn, conn);
  if (err < 0) {
    sr__os_close(c.conn);
    return err;
  }
  if (addr != NULL)
    sr__address_from_sockaddr((struct sockaddr *)&c.ss, c.len, addr);
  return 0;
}

/* ---- connect -------------------------------------------------------- */

/* The result of a connect that is under way, from SO_ERROR. */
static int pending_connect_result(sr_socket *s) {
  int so_error = 0;
  socklen_t len = sizeof(so_error);
  int err = sr__os_getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &so_error, &len);

  if (err < 0)
    return err;
  return sr_err_from_errno(so_error);
}

static int connect_sockaddr(sr_socket *s, const struct sockaddr *sa,
                            socklen_t len) {
  sr__deadline d;
  int err;

  sr__deadline_start(&d, s->timeout);
  err = connect(s->fd, sa, len) == 0 ? 0 : sr__os_error();
  if (err == 0)
    return 0;
  /* A connect interrupted by a signal goes on in the background; it must
   * not be restarted (EALREADY), only waited for. So must a non-blocking
   * connect in timeout mode (the OpenBSD nc way). */
  if (err == SR_EINTR ||
      (s->timeout > 0.0 && sr__os_connect_pending(err))) {
    err = sr__sock_wait(s, SR_POLLOUT, &d);
    if (err < 0)
      return err;
    return pending_connect_result(s);
  }
  return err;
}

static int connect_address(sr_socket *s, const sr_address *addr) {
  struct sockaddr_storage ss;
  socklen_t len;
  int err = sr__address_to_sockaddr(addr, s->family, &ss, &len);

  if (err < 0)
    return err;
  return connect_sockaddr(s, (struct sockaddr *)&ss, len);
}

int sr_connect(sr_socket *s, const sr_address *addr) {
  int err = sr__socket_check(s);

  if (err < 0)
    return err;
  return connect_address(s, addr);
}

int sr_connect_ex(sr_socket *s, const sr_address *addr) {
  int err = sr__socket_check(s);

  /* CPython calls connect() on the closed descriptor and hands back
   * EBADF as a number; do the same. */
  if (err < 0)
    return sr_err_native(SR_EBADF);
  err = connect_address(s, addr);
  if (err >= 0)
    return 0;
  if (err == SR_ETIMEOUT_SOCK)
    return sr_err_native(SR_EAGAIN); /* CPython: EWOULDBLOCK */
  if (sr_err_kind(err) == SR_KIND_ERROR && sr_err_native(err) != 0)
    return sr_err_native(err);
  return err;
}

/* ---- names and shutdown ---------------------------------------------- */

static int get_name(sr_socket *s, sr_address *addr, int peer) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof(ss);
  int err = sr__socket_check(s), r;

  if (err < 0)
    return err;
  r = peer ? getpeername(s->fd, (struct sockaddr *)&ss, &len)
           : getsockname(s->fd, (struct sockaddr *)&ss, &len);
  if (r != 0)
    return sr__os_error();
  return sr__address_from_sockaddr((struct sockaddr *)&ss, len, addr);
}

int sr_getsockname(sr_socket *s, sr_address *addr) {
  return get_name(s, addr, 0);
}

int sr_getpeername(sr_socket *s, sr_address *addr) {
  return get_name(s, addr, 1);
}

int sr_shutdown(sr_socket *s, int how) {
  int err = sr__socket_check(s);

  if (err < 0)
    return err;
  if (shutdown(s->fd, how) != 0)
    return sr__os_error();
  return 0;
}
