/* The seed's fourth example: the echo client for IPv4 and IPv6.
 *
 *   echo-client-dual HOST PORT [MESSAGE]
 *
 * Tries every getaddrinfo(HOST, PORT, AF_UNSPEC, SOCK_STREAM) result in
 * order and uses the first that connects; if none does it prints "could
 * not open socket" and exits 1. Then as echo-client: send, one
 * recv(1024), "Received b'Hello, world'". */
#include <stdio.h>
#include <string.h>

#include "example.h"

static const char *prog = "echo-client-dual";

static sr_socket *connect_any(const char *host, const char *port) {
  sr_addrinfo *res = NULL, *ai;
  sr_socket *s = NULL;

  if (sr_getaddrinfo(host, port, AF_UNSPEC, SOCK_STREAM, 0, 0, &res) < 0)
    return NULL;
  for (ai = res; ai != NULL; ai = ai->next) {
    if (sr_socket_new(&s, ai->family, ai->type, ai->proto) < 0) {
      s = NULL;
      continue;
    }
    if (sr_connect(s, &ai->addr) < 0) {
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
  const char *message = argc > 3 ? argv[3] : "Hello, world";
  sr_socket *s;
  char data[1024];
  int n, err;

  if (argc != 3 && argc != 4) {
    fprintf(stderr, "usage: %s HOST PORT [MESSAGE]\n", prog);
    return 2;
  }
  example_port(prog, argv[2]);
  if ((err = sr_init()) < 0)
    example_fail(prog, "init", err);

  s = connect_any(argv[1], argv[2]);
  if (s == NULL) {
    printf("could not open socket\n");
    return 1;
  }
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
