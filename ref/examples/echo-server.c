/* The seed's first example: an IPv4 echo server for one client.
 *
 *   echo-server HOST PORT
 *
 * HOST "" means all interfaces (INADDR_ANY), PORT 0 an ephemeral port.
 * Once listening it prints "port N" (the port it got), then, as the
 * Python program does, "Connected by ('192.0.2.1', 43210)", and echoes
 * with recv(1024)/send until the client closes. */
#include <stdio.h>

#include "example.h"

static const char *prog = "echo-server";

static void print_port(sr_socket *s) {
  sr_address bound;
  int err = sr_getsockname(s, &bound);

  if (err < 0)
    example_fail(prog, "getsockname", err);
  printf("port %d\n", bound.port);
  fflush(stdout);
}

static void echo(sr_socket *conn) {
  char data[1024];
  int n, err;

  for (;;) {
    n = sr_recv(conn, data, sizeof data, 0);
    if (n < 0)
      example_fail(prog, "recv", n);
    if (n == 0)
      break;
    err = sr_send(conn, data, (size_t)n, 0);
    if (err < 0)
      example_fail(prog, "send", err);
  }
}

int main(int argc, char **argv) {
  sr_socket *s = NULL, *conn = NULL;
  sr_address addr;
  char text[SR_HOST_MAX + 64];
  int err;

  if (argc != 3) {
    fprintf(stderr, "usage: %s HOST PORT\n", prog);
    return 2;
  }
  if ((err = sr_init()) < 0)
    example_fail(prog, "init", err);

  if ((err = sr_socket_new(&s, AF_INET, SOCK_STREAM, 0)) < 0)
    example_fail(prog, "socket", err);
  if ((err = sr_address_inet(&addr, argv[1], example_port(prog, argv[2]))) < 0)
    example_fail(prog, "address", err);
  if ((err = sr_bind(s, &addr)) < 0)
    example_fail(prog, "bind", err);
  if ((err = sr_listen(s, 1)) < 0)
    example_fail(prog, "listen", err);
  print_port(s);

  if ((err = sr_accept(s, &conn, &addr)) < 0)
    example_fail(prog, "accept", err);
  sr_address_format(&addr, text, sizeof text);
  printf("Connected by %s\n", text);
  fflush(stdout);
  echo(conn);
  sr_close(conn);

  sr_socket_free(conn);
  sr_socket_free(s);
  sr_cleanup();
  return 0;
}
