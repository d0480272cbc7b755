/* win/core.c - Winsock handles: creation, flags, close.
 *
 * Windows cannot report whether a socket is in non-blocking (FIONBIO)
 * mode, so the portable layer records what it set (os_nonblocking) and
 * this layer trusts that record. */
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

int sr__os_socketpair(int family, int type, int proto, sr_sock_t fds[2]) {
  (void)family;
  (void)type;
  (void)proto;
  (void)fds;
  /* The seed: socketpair() is available on Unix only. */
  return sr__detail(SR_EUNSUPPORTED, "socketpair is available on Unix only");
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
  DWORD flags = 0;

  if (!GetHandleInformation((HANDLE)fd, &flags))
    return sr_err_from_errno((int)GetLastError());
  *nonblocking = recorded_nonblocking;
  *cloexec = (flags & HANDLE_FLAG_INHERIT) == 0;
  return 0;
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
