/* io.c - send and receive, every one through the deadline loop. */
#include "internal.h"

typedef struct io_ctx {
  void *buf;             /* receive buffer, or the data to send */
  size_t len;
  int flags;
  struct sockaddr_storage ss; /* recvfrom: the sender; sendto: the target */
  socklen_t sslen;
} io_ctx;

static int recv_op(sr_socket *s, void *arg) {
  io_ctx *c = arg;

  return sr__os_recv(s->fd, c->buf, c->len, c->flags);
}

static int recvfrom_op(sr_socket *s, void *arg) {
  io_ctx *c = arg;

  c->sslen = sizeof(c->ss);
  return sr__os_recvfrom(s->fd, c->buf, c->len, c->flags,
                         (struct sockaddr *)&c->ss, &c->sslen);
}

static int send_op(sr_socket *s, void *arg) {
  io_ctx *c = arg;

  return sr__os_send(s->fd, c->buf, c->len, c->flags);
}

static int sendto_op(sr_socket *s, void *arg) {
  io_ctx *c = arg;

  return sr__os_sendto(s->fd, c->buf, c->len, c->flags,
                       (struct sockaddr *)&c->ss, c->sslen);
}

/* Run one operation with its own deadline (every call but sendall). */
static int call_once(sr_socket *s, int events, sr__sock_op op, io_ctx *c) {
  sr__deadline d;
  int err = sr__socket_check(s);

  if (err < 0)
    return err;
  sr__deadline_start(&d, s->timeout);
  return sr__sock_call(s, events, op, c, &d);
}

static io_ctx make_ctx(const void *buf, size_t len, int flags) {
  io_ctx c;

  c.buf = (void *)buf;
  c.len = len;
  c.flags = flags;
  c.sslen = 0;
  return c;
}

/* recv_into's nbytes rules, shared with recvfrom_into. */
static int check_nbytes(size_t buflen, long long nbytes, size_t *want,
                        const char *who) {
  if (nbytes < 0)
    return sr__detail(SR_EVALUE, "negative buffersize in %s", who);
  if (nbytes == 0) {
    *want = buflen;
    return 0;
  }
  if ((unsigned long long)nbytes > buflen)
    return sr__detail(SR_EVALUE, "buffer too small for requested bytes");
  *want = (size_t)nbytes;
  return 0;
}

int sr_recv(sr_socket *s, void *buf, size_t bufsize, int flags) {
  io_ctx c = make_ctx(buf, bufsize, flags);

  return call_once(s, SR_POLLIN, recv_op, &c);
}

static int recvfrom_common(sr_socket *s, void *buf, size_t len, int flags,
                           sr_address *from) {
  io_ctx c = make_ctx(buf, len, flags);
  int n = call_once(s, SR_POLLIN, recvfrom_op, &c);

  if (n >= 0 && from != NULL)
    sr__address_from_sockaddr((struct sockaddr *)&c.ss, c.sslen, from);
  return n;
}

int sr_recvfrom(sr_socket *s, void *buf, size_t bufsize, int flags,
                sr_address *from) {
  return recvfrom_common(s, buf, bufsize, flags, from);
}

int sr_recv_into(sr_socket *s, void *buf, size_t buflen, long long nbytes,
                 int flags) {
  size_t want = 0; /* set by check_nbytes on success */
  int err = check_nbytes(buflen, nbytes, &want, "recv_into");

  if (err < 0)
    return err;
  return sr_recv(s, buf, want, flags);
}

int sr_recvfrom_into(sr_socket *s, void *buf, size_t buflen,
                     long long nbytes, int flags, sr_address *from) {
  size_t want = 0; /* set by check_nbytes on success */
  int err = check_nbytes(buflen, nbytes, &want, "recvfrom_into");

  if (err < 0)
    return err;
  return recvfrom_common(s, buf, want, flags, from);
}

int sr_send(sr_socket *s, const void *data, size_t len, int flags) {
  io_ctx c = make_ctx(data, len, flags);

  return call_once(s, SR_POLLOUT, send_op, &c);
}

int sr_sendall(sr_socket *s, const void *data, size_t len, int flags) {
  const char *p = data;
  sr__deadline d;
  int err = sr__socket_check(s);

  if (err < 0)
    return err;
  /* One deadline for the whole call: the timeout bounds sendall, not
   * each partial send. */
  sr__deadline_start(&d, s->timeout);
  do {
    io_ctx c = make_ctx(p, len, flags);
    int n = sr__sock_call(s, SR_POLLOUT, send_op, &c, &d);

    if (n < 0)
      return n;
    p += n;
    len -= (size_t)n;
    /* Partial sends that keep succeeding must not stretch the call past
     * its deadline either. */
    if (len > 0 && sr__deadline_expired(&d))
      return SR_ETIMEOUT_SOCK;
  } while (len > 0);
  return 0;
}

int sr_sendto(sr_socket *s, const void *data, size_t len, int flags,
              const sr_address *to) {
  io_ctx c = make_ctx(data, len, flags);
  int err = sr__socket_check(s);

  if (err < 0)
    return err;
  err = sr__address_to_sockaddr(to, s->family, &c.ss, &c.sslen);
  if (err < 0)
    return err;
  return call_once(s, SR_POLLOUT, sendto_op, &c);
}

/* For files made by makefile: they keep working after sr_close on the
 * socket object (the descriptor lives while they do), so they skip the
 * object's closed check and only need a descriptor. */
static int call_for_file(sr_socket *s, int events, sr__sock_op op,
                         io_ctx *c) {
  sr__deadline d;

  if (s->fd == SR_INVALID_SOCK)
    return sr__detail(SR_EBADF, "socket is closed");
  sr__deadline_start(&d, s->timeout);
  return sr__sock_call(s, events, op, c, &d);
}

int sr__file_recv(sr_socket *s, void *buf, size_t len) {
  io_ctx c = make_ctx(buf, len, 0);

  return call_for_file(s, SR_POLLIN, recv_op, &c);
}

int sr__file_send(sr_socket *s, const void *data, size_t len) {
  io_ctx c = make_ctx(data, len, 0);

  return call_for_file(s, SR_POLLOUT, send_op, &c);
}
