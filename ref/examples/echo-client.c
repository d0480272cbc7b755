/* The seed's second example: an IPv4 echo client.
 *
 *   echo-client HOST PORT [MESSAGE]
 *
 * Connects, sends MESSAGE (default "Hello, world"), reads one recv(1024)
 * and prints "Received b'Hello, world'" as Python's print(repr(data)). */
#include <stdio.h>
#include <string.h>

#include "example.h"

static const char *prog = "echo-client";

int main(int argc, char **argv) {
  const char *message = argc > 3 ? argv[3] : "Hello, world";
  sr_socket *s = NULL;
  sr_address addr;
  char data[1024];
  int n, err;

  if (argc != 3 && argc != 4) {
    fprintf(stderr, "usage: %s HOST PORT [MESSAGE]\n", prog);
    return 2;
  }
  if ((err = sr_init()) < 0)
    example_fail(prog, "init", err);

  if ((err = sr_socket_new(&s, AF_INET, SOCK_STREAM, 0)) < 0)
    example_fail(prog, "socket", err);
  if ((err = sr_address_inet(&addr, argv[1], example_port(prog, argv[2]))) < 0)
    example_fail(prog, "address", err);
  if ((err = sr_connect(s, &addr)) < 0)
    example_fail(prog, "connect", err);
  if ((err = sr_send(s, message, strlen(message), 0)) < 0)
    example_fail(prog, "send", err);
  if ((n = sr_recv(s, data, sizeof data, 0)) < 0)
    example_fail(prog, "recv", n);
  sr_close(s);

  printf("Received ");
  example_print_bytes_repr(data, (size_t)n);
  printf("\n");
  sr_socket_free(s);
  sr_cleanup();
  return 0;
}
