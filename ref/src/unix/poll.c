/* unix/poll.c - readiness waits and the monotonic clock on POSIX. */
#include <errno.h>
#include <poll.h>
#include <time.h>

#include "internal.h"

int sr__os_poll(sr_sock_t fd, int events, int timeout_ms) {
  struct pollfd p;
  int r, ready = 0;

  p.fd = fd;
  p.events = 0;
  p.revents = 0;
  if (events & SR_POLLIN)
    p.events |= POLLIN;
  if (events & SR_POLLOUT)
    p.events |= POLLOUT;
  r = poll(&p, 1, timeout_ms);
  if (r < 0)
    return sr__os_error();
  if (r == 0)
    return 0;
  if (p.revents & POLLIN)
    ready |= SR_POLLIN;
  if (p.revents & POLLOUT)
    ready |= SR_POLLOUT;
  /* An error or hang-up makes the next call return at once, which is what
   * "ready" means to the caller (select() reports it the same way). */
  if (p.revents & (POLLERR | POLLHUP | POLLNVAL))
    ready |= events & (SR_POLLIN | SR_POLLOUT);
  return ready;
}

double sr__os_monotonic(void) {
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
