/* The seed's third example: the echo server for IPv4 and IPv6.
 *
 *   echo-server-dual HOST PORT
 *
 * HOST "" stands for the seed's None (all interfaces). It walks
 * getaddrinfo(HOST, PORT, AF_UNSPEC, SOCK_STREAM, 0, AI_PASSIVE) and keeps
 * the first address it can create, bind and listen on; if none works it
 * prints "could not open socket" and exits 1. Then it prints "port N",
 * "Connected by <address>" (a 4-tuple for IPv6) and echoes until EOF. */
#include <stdio.h>

#include "example.h"

static const char *prog = "echo-server-dual";

/* The seed's loop: try each result, skip those that fail. */
static sr_socket *open_listener(const char *host, const char *port) {
  sr_addrinfo *res = NULL, *ai;
  sr_socket *s = NULL;

  if (sr_getaddrinfo(host, port, AF_UNSPEC, SOCK_STREAM, 0, AI_PASSIVE,
                     &res) < 0)
    return NULL;
  for (ai = res; ai != NULL; ai = ai->next) {
    if (sr_socket_new(&s, ai->family, ai->type, ai->proto) < 0) {
      s = NULL;
      continue;
    }
    if (sr_bind(s, &ai->addr) < 0 || sr_listen(s, 1) < 0) {
      sr_socket_free(s);
      s = NULL;
      continue;
    }
    break;
  }
  sr_freeaddrinfo(res);
  return s;
}

int main(int argc, char **argv) {
  sr_socket *s, *conn = NULL;
  sr_address addr;
  char text[SR_HOST_MAX + 64], data[1024];
  int n, err;

  if (argc != 3) {
    fprintf(stderr, "usage: %s HOST PORT\n", prog);
    return 2;
  }
  example_port(prog, argv[2]);
  if ((err = sr_init()) < 0)
    example_fail(prog, "init", err);

  s = open_listener(argv[1][0] != '\0' ? argv[1] : NULL, argv[2]);
  if (s == NULL) {
    printf("could not open socket\n");
    return 1;
  }
  if ((err = sr_getsockname(s, &addr)) < 0)
    example_fail(prog, "getsockname", err);
  printf("port %d\n", addr.port);
  fflush(stdout);

  if ((err = sr_accept(s, &conn, &addr)) < 0)
    example_fail(prog, "accept", err);
  sr_address_format(&addr, text, sizeof text);
  printf("Connected by %s\n", text);
  fflush(stdout);
  while ((n = sr_recv(conn, data, sizeof data, 0)) > 0)
    if ((err = sr_send(conn, data, (size_t)n, 0)) < 0)
      example_fail(prog, "send", err);
  if (n < 0)
    example_fail(prog, "recv", n);
  sr_close(conn);

  sr_socket_free(conn);
  sr_socket_free(s);
  sr_cleanup();
  return 0;
}
