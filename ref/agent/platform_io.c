/* POSIX and Windows versions of platform_io.h. */
#include "platform_io.h"

#include <errno.h>
#include <math.h>

#ifdef _WIN32
# include <fcntl.h>
# include <io.h>
# include <windows.h>
#else
# include <poll.h>
# include <signal.h>
# include <time.h>
# include <unistd.h>
#endif

void platform_init_stdio(void) {
#ifdef _WIN32
  _setmode(0, _O_BINARY);
  _setmode(1, _O_BINARY);
#else
  signal(SIGPIPE, SIG_IGN);
#endif
}

long platform_read_stdin(void *buf, size_t size) {
  for (;;) {
#ifdef _WIN32
    int n = _read(0, buf, size > 1u << 30 ? 1u << 30 : (unsigned)size);
#else
    ssize_t n = read(0, buf, size);
#endif
    if (n >= 0)
      return (long)n;
    if (errno != EINTR)
      return -1;
  }
}

bool platform_write_stdout(const void *data, size_t len) {
  const char *p = data;
  while (len > 0) {
#ifdef _WIN32
    int n = _write(1, p, len > 1u << 30 ? 1u << 30 : (unsigned)len);
#else
    ssize_t n = write(1, p, len);
#endif
    if (n < 0) {
      if (errno == EINTR)
        continue;
#ifndef _WIN32
      /* Whoever made the pipe may have made it non-blocking (the flag is
         shared with the reader's side of the family): a full pipe then
         answers EAGAIN, and the rest of the line waits for the reader. */
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        struct pollfd out = {1, POLLOUT, 0};
        if (poll(&out, 1, -1) < 0 && errno != EINTR)
          return false;
        continue;
      }
#endif
      return false;
    }
    p += n;
    len -= (size_t)n;
  }
  return true;
}

void platform_sleep(double seconds) {
  if (!(seconds > 0))
    return;
#ifdef _WIN32
  Sleep(seconds > 4e6 ? 4000000000u : (DWORD)ceil(seconds * 1000));
#else
  {
    struct timespec want, left;
    /* Clamp absurd values instead of overflowing time_t. */
    if (seconds > 1e9)
      seconds = 1e9;
    want.tv_sec = (time_t)seconds;
    want.tv_nsec = (long)((seconds - (double)want.tv_sec) * 1e9);
    while (nanosleep(&want, &left) != 0 && errno == EINTR)
      want = left;
  }
#endif
}

void platform_close_socket(sr_sock_t fd) {
#ifdef _WIN32
  closesocket(fd);
#else
  close(fd);
#endif
}
