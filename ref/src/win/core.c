/* win/core.c - Winsock handles: creation, flags, close.
 *
 * Windows cannot report whether a socket is in non-blocking (FIONBIO)
 * mode. The portable layer records what it set (os_nonblocking) for the
 * places that need a belief (accepted sockets), but sr_fdflags, which
 * reports the OS's state, answers SR_EUNSUPPORTED here: a recorded value is
 * not the OS's state. */
#include <string.h>

#include "internal.h"

int sr__os_init(void) {
  WSADATA data;
  int r = WSAStartup(MAKEWORD(2, 2), &data);

  return r == 0 ? 0 : sr_err_from_errno(r);
}

void sr__os_cleanup(void) { WSACleanup(); }

int sr__os_set_nonblocking(sr_sock_t fd, int on) {
  u_long mode = on ? 1 : 0;

  if (ioctlsocket(fd, FIONBIO, &mode) == SOCKET_ERROR)
    return sr__os_error();
  return 0;
}

int sr__os_socket(int family, int type, int proto, sr_sock_t *out) {
  /* Winsock has no creation flags (SR_SOCK_* are 0 here). */
  sr_sock_t fd = socket(family, type, proto);

  if (fd == INVALID_SOCKET)
    return sr__os_error();
  *out = fd;
  return 0;
}

/* Winsock has no socketpair(). Like CPython's emulation on Windows
 * (socket.socketpair, 3.5+): a listener on the family's loopback address,
 * a connect to it, the accepted end checked to be the connecting socket
 * (another local process could have connected first), the listener closed.
 * Only SOCK_STREAM and protocol 0, as there. fds[0] is the accepted end. */
static void loopback_address(int family, struct sockaddr_storage *ss,
                             int *len) {
  memset(ss, 0, sizeof *ss);
  if (family == AF_INET6) {
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

    a6->sin6_family = AF_INET6;
    a6->sin6_addr = in6addr_loopback;
    *len = (int)sizeof *a6;
  } else {
    struct sockaddr_in *a4 = (struct sockaddr_in *)ss;

    a4->sin_family = AF_INET;
    a4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    *len = (int)sizeof *a4;
  }
}

static int same_endpoint(const struct sockaddr_storage *a,
                         const struct sockaddr_storage *b) {
  if (a->ss_family != b->ss_family)
    return 0;
  if (a->ss_family == AF_INET6) {
    const struct sockaddr_in6 *x = (const struct sockaddr_in6 *)a;
    const struct sockaddr_in6 *y = (const struct sockaddr_in6 *)b;

    return x->sin6_port == y->sin6_port &&
           memcmp(&x->sin6_addr, &y->sin6_addr, sizeof x->sin6_addr) == 0;
  } else {
    const struct sockaddr_in *x = (const struct sockaddr_in *)a;
    const struct sockaddr_in *y = (const struct sockaddr_in *)b;

    return x->sin_port == y->sin_port &&
           x->sin_addr.s_addr == y->sin_addr.s_addr;
  }
}

int sr__os_socketpair(int family, int type, int proto, sr_sock_t fds[2]) {
  struct sockaddr_storage where, peer, local;
  int where_len, peer_len = (int)sizeof peer, local_len = (int)sizeof local;
  sr_sock_t listener, client = INVALID_SOCKET, server = INVALID_SOCKET;
  int err = 0;

  if (family != AF_INET && family != AF_INET6)
    return sr__detail(SR_EVALUE, "Only AF_INET and AF_INET6 socket address "
                                 "families are supported");
  if (type != SOCK_STREAM)
    return sr__detail(SR_EVALUE, "Only SOCK_STREAM socket type is supported");
  if (proto != 0)
    return sr__detail(SR_EVALUE, "Only protocol zero is supported");
  loopback_address(family, &where, &where_len);
  listener = socket(family, SOCK_STREAM, 0);
  if (listener == INVALID_SOCKET)
    return sr__os_error();
  if (bind(listener, (struct sockaddr *)&where, where_len) == SOCKET_ERROR ||
      listen(listener, 1) == SOCKET_ERROR ||
      getsockname(listener, (struct sockaddr *)&where, &where_len) ==
          SOCKET_ERROR ||
      (client = socket(family, SOCK_STREAM, 0)) == INVALID_SOCKET ||
      connect(client, (struct sockaddr *)&where, where_len) == SOCKET_ERROR ||
      (server = accept(listener, (struct sockaddr *)&peer, &peer_len)) ==
          INVALID_SOCKET ||
      getsockname(client, (struct sockaddr *)&local, &local_len) ==
          SOCKET_ERROR)
    err = sr__os_error();
  else if (!same_endpoint(&peer, &local))
    err = sr__detail(SR_ECONNABORTED, "socketpair: the accepted connection "
                                      "is not the one made");
  closesocket(listener);
  if (err < 0) {
    if (client != INVALID_SOCKET)
      closesocket(client);
    if (server != INVALID_SOCKET)
      closesocket(server);
    return err;
  }
  fds[0] = server;
  fds[1] = client;
  return 0;
}

int sr__os_accept(sr_sock_t fd, struct sockaddr *sa, socklen_t *len,
                  sr_sock_t *out) {
  sr_sock_t conn = accept(fd, sa, len);

  if (conn == INVALID_SOCKET)
    return sr__os_error();
  *out = conn;
  return 0;
}

int sr__os_accepted_nonblocking(sr_sock_t conn, int listener_nonblocking) {
  (void)conn;
  /* An accepted socket has the listening socket's properties, FIONBIO
   * included. */
  return listener_nonblocking;
}

int sr__os_close(sr_sock_t fd) {
  return closesocket(fd) == SOCKET_ERROR ? sr__os_error() : 0;
}

int sr__os_dup(sr_sock_t fd, sr_sock_t *out) {
  WSAPROTOCOL_INFOW info;
  sr_sock_t copy;

  if (WSADuplicateSocketW(fd, GetCurrentProcessId(), &info) != 0)
    return sr__os_error();
  copy = WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO,
                    FROM_PROTOCOL_INFO, &info, 0, WSA_FLAG_OVERLAPPED);
  if (copy == INVALID_SOCKET)
    return sr__os_error();
  *out = copy;
  return 0;
}

int sr__os_fdflags(sr_sock_t fd, int recorded_nonblocking, int *nonblocking,
                   int *cloexec) {
  (void)fd;
  (void)recorded_nonblocking;
  (void)nonblocking;
  (void)cloexec;
  /* FIONBIO can be set but not read back (ioctlsocket has no getter), and
   * the inheritance flag alone is not the answer asked for. */
  return sr__detail(SR_EUNSUPPORTED, "Windows cannot read a socket's "
                                     "non-blocking mode back");
}

int sr__os_connect_pending(int err) {
  /* Winsock answers a non-blocking connect with WSAEWOULDBLOCK. */
  return err == SR_EAGAIN || err == SR_EINPROGRESS;
}

int sr__os_ioctl(sr_sock_t fd, unsigned long control, const void *option,
                 size_t option_len) {
  DWORD returned = 0;

  switch (control) {
  case SIO_RCVALL:
#ifdef SIO_LOOPBACK_FAST_PATH
  case SIO_LOOPBACK_FAST_PATH:
#endif
    if (option_len != sizeof(DWORD))
      return sr__detail(SR_EVALUE, "ioctl option must be a 32-bit integer");
    break;
  case SIO_KEEPALIVE_VALS:
    if (option_len != sizeof(struct tcp_keepalive))
      return sr__detail(SR_EVALUE,
                        "ioctl option must be (onoff, time, interval)");
    break;
  default:
    return sr__detail(SR_EUNSUPPORTED, "ioctl control %lu not supported",
                      control);
  }
  if (WSAIoctl(fd, (DWORD)control, (void *)option, (DWORD)option_len, NULL,
               0, &returned, NULL, NULL) == SOCKET_ERROR)
    return sr__os_error();
  return 0;
}
