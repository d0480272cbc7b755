/* unix/core.c - descriptors on POSIX: creation, flags, close. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "internal.h"

int sr__os_init(void) {
#if !defined(MSG_NOSIGNAL) && !defined(SO_NOSIGPIPE)
  /* No per-call way to avoid SIGPIPE: do what the Python interpreter
   * does at start-up and ignore it, so a send to a closed peer is EPIPE. */
  signal(SIGPIPE, SIG_IGN);
#endif
  return 0;
}

void sr__os_cleanup(void) {}

static int fcntl_retry(int fd, int cmd, int arg) {
  int r;

  do
    r = fcntl(fd, cmd, arg);
  while (r == -1 && errno == EINTR);
  return r;
}

static int set_fd_flag(int fd, int get, int set, int flag, int on) {
  int flags = fcntl_retry(fd, get, 0);

  if (flags == -1)
    return sr__os_error();
  if (!!(flags & flag) == !!on)
    return 0;
  flags = on ? flags | flag : flags & ~flag;
  if (fcntl_retry(fd, set, flags) == -1)
    return sr__os_error();
  return 0;
}

int sr__os_set_nonblocking(sr_sock_t fd, int on) {
  return set_fd_flag(fd, F_GETFL, F_SETFL, O_NONBLOCK, on);
}

static void no_sigpipe(int fd) {
#ifdef SO_NOSIGPIPE
  int on = 1;
  (void)setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof(on));
#else
  (void)fd;
#endif
}

/* Apply creation flags by hand, for kernels that reject them in type. */
static int apply_type_flags(int fd, int type) {
  int err = 0;

  if (SR_SOCK_CLOEXEC != 0 && (type & SR_SOCK_CLOEXEC))
    err = set_fd_flag(fd, F_GETFD, F_SETFD, FD_CLOEXEC, 1);
  if (err == 0 && SR_SOCK_NONBLOCK != 0 && (type & SR_SOCK_NONBLOCK))
    err = sr__os_set_nonblocking(fd, 1);
  return err;
}

int sr__os_socket(int family, int type, int proto, sr_sock_t *out) {
  int flags = type & (SR_SOCK_CLOEXEC | SR_SOCK_NONBLOCK);
  int fd = socket(family, type, proto);
  int err;

  if (fd == -1 && errno == EINVAL && flags != 0) {
    /* An old kernel that knows the type but not the flags. */
    fd = socket(family, type & ~flags, proto);
    if (fd == -1)
      return sr__os_error();
    err = apply_type_flags(fd, type);
    if (err < 0) {
      close(fd);
      return err;
    }
  }
  if (fd == -1)
    return sr__os_error();
  no_sigpipe(fd);
  *out = fd;
  return 0;
}

int sr__os_socketpair(int family, int type, int proto, sr_sock_t fds[2]) {
  int pair[2];

  if (socketpair(family, type, proto, pair) == -1)
    return sr__os_error();
  no_sigpipe(pair[0]);
  no_sigpipe(pair[1]);
  fds[0] = pair[0];
  fds[1] = pair[1];
  return 0;
}

int sr__os_accept(sr_sock_t fd, struct sockaddr *sa, socklen_t *len,
                  sr_sock_t *out) {
  int conn = accept(fd, sa, len);

  if (conn == -1)
    return sr__os_error();
  no_sigpipe(conn);
  *out = conn;
  return 0;
}

int sr__os_accepted_nonblocking(sr_sock_t conn, int listener_nonblocking) {
  int flags = fcntl_retry(conn, F_GETFL, 0);

  (void)listener_nonblocking; /* POSIX can read the truth */
  if (flags == -1)
    return sr__os_error();
  return (flags & O_NONBLOCK) != 0;
}

int sr__os_close(sr_sock_t fd) {
  /* On Linux the descriptor is released even when close() reports EINTR;
   * retrying could close a descriptor another thread just opened. */
  if (close(fd) == -1 && errno != EINTR)
    return sr__os_error();
  return 0;
}

int sr__os_dup(sr_sock_t fd, sr_sock_t *out) {
  int copy = dup(fd);

  if (copy == -1)
    return sr__os_error();
  *out = copy;
  return 0;
}

int sr__os_fdflags(sr_sock_t fd, int recorded_nonblocking, int *nonblocking,
                   int *cloexec) {
  int fl = fcntl_retry(fd, F_GETFL, 0);
  int fd_flags = fcntl_retry(fd, F_GETFD, 0);

  (void)recorded_nonblocking;
  if (fl == -1 || fd_flags == -1)
    return sr__os_error();
  *nonblocking = (fl & O_NONBLOCK) != 0;
  *cloexec = (fd_flags & FD_CLOEXEC) != 0;
  return 0;
}

int sr__os_connect_pending(int err) { return err == SR_EINPROGRESS; }

int sr__os_ioctl(sr_sock_t fd, unsigned long control, const void *option,
                 size_t option_len) {
  (void)fd;
  (void)control;
  (void)option;
  (void)option_len;
  return sr__detail(SR_EUNSUPPORTED,
                    "socket.ioctl exists only on Windows");
}
