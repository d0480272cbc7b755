/* win/poll.c - readiness waits and the monotonic clock on Windows.
 *
 * select() rather than WSAPoll(): WSAPoll did not report a failed
 * non-blocking connect on older Windows versions, select() reports it
 * in the exception set. */
#include "internal.h"

int sr__os_poll(sr_sock_t fd, int events, int timeout_ms) {
  fd_set rd, wr, ex;
  struct timeval tv, *tvp = NULL;
  int r, ready = 0;

  FD_ZERO(&rd);
  FD_ZERO(&wr);
  FD_ZERO(&ex);
  if (events & SR_POLLIN)
    FD_SET(fd, &rd);
  if (events & SR_POLLOUT)
    FD_SET(fd, &wr);
  FD_SET(fd, &ex);
  if (timeout_ms >= 0) {
    tv.tv_sec = timeout_ms / 1000;
    tv.tv_usec = (timeout_ms % 1000) * 1000;
    tvp = &tv;
  }
  r = select(0, &rd, &wr, &ex, tvp);
  if (r == SOCKET_ERROR)
    return sr__os_error();
  if (r == 0)
    return 0;
  if (FD_ISSET(fd, &rd))
    ready |= SR_POLLIN;
  if (FD_ISSET(fd, &wr))
    ready |= SR_POLLOUT;
  if (FD_ISSET(fd, &ex))
    ready |= events & (SR_POLLIN | SR_POLLOUT);
  return ready;
}

double sr__os_monotonic(void) {
  static LARGE_INTEGER frequency;
  LARGE_INTEGER now;

  if (frequency.QuadPart == 0)
    QueryPerformanceFrequency(&frequency);
  QueryPerformanceCounter(&now);
  return (double)now.QuadPart / (double)frequency.QuadPart;
}
