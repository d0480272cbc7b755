/* net_helpers.h - loopback fixtures shared by the socket unit tests.
 * Everything binds port 0 on 127.0.0.1 / ::1 and reads the port back. */
#ifndef SOCKREF_NET_HELPERS_H
#define SOCKREF_NET_HELPERS_H

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

/* A TCP listener on 127.0.0.1:0; *addr receives its address. */
static inline sr_socket *tcp_listener(sr_address *addr, int backlog) {
  sr_socket *s = NULL;
  sr_address any;

  CHECK_OK(sr_socket_new(&s, AF_INET, SOCK_STREAM, 0));
  CHECK_OK(sr_address_inet(&any, "127.0.0.1", 0));
  CHECK_OK(sr_bind(s, &any));
  CHECK_OK(sr_listen(s, backlog));
  CHECK_OK(sr_getsockname(s, addr));
  return s;
}

/* A connected TCP pair over loopback: *client and *server. */
static inline void tcp_pair(sr_socket **client, sr_socket **server) {
  sr_address addr;
  sr_socket *l = tcp_listener(&addr, 1);

  CHECK_OK(sr_socket_new(client, AF_INET, SOCK_STREAM, 0));
  CHECK_OK(sr_connect(*client, &addr));
  CHECK_OK(sr_accept(l, server, NULL));
  sr_socket_free(l);
}

/* O_NONBLOCK of the descriptor as the OS sees it. */
static inline int fd_nonblocking(sr_socket *s) {
  int flags = fcntl(sr_fileno(s), F_GETFL);

  CHECK(flags != -1);
  return (flags & O_NONBLOCK) != 0;
}

static inline void sleep_ms(int ms) {
  struct timespec ts;

  ts.tv_sec = ms / 1000;
  ts.tv_nsec = (long)(ms % 1000) * 1000000L;
  while (nanosleep(&ts, &ts) != 0)
    ;
}

/* A generous upper bound for "the call returned soon after its timeout":
 * loaded CI machines and valgrind are slow, the point is only that the
 * call does not hang. */
#define LATE_BOUND 3.0

#endif /* SOCKREF_NET_HELPERS_H */
