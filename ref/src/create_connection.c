/* create_connection((host, port), timeout, source_address): resolve with
 * getaddrinfo(host, port, AF_UNSPEC, SOCK_STREAM) and try every result in
 * order - new socket, timeout, bind to source_address, connect - until one
 * connects. When all fail, the error of the last attempt is returned (what
 * CPython raises), so a caller sees why the final address failed. */
#include <stdio.h>

#include "internal.h"

/* source_address is the seed's (host, port) pair: it is read in the family
 * of the socket being tried, as CPython's bind() would read a 2-tuple on an
 * AF_INET6 socket. */
static int bind_source(sr_socket *s, const sr_address *source, int family) {
  sr_address a = *source;

  if (family == AF_INET || family == AF_INET6)
    a.family = family;
  return sr_bind(s, &a);
}

/* One attempt; on success *out owns the connected socket. */
static int try_one(const sr_addrinfo *ai, double timeout,
                   const sr_address *source, sr_socket **out) {
  sr_socket *s = NULL;
  int err;

  err = sr_socket_new(&s, ai->family, ai->type, ai->proto);
  if (err < 0)
    return err;
  if (timeout != SR_TIMEOUT_DEFAULT)
    err = sr_settimeout(s, timeout);
  if (err >= 0 && source != NULL)
    err = bind_source(s, source, ai->family);
  if (err >= 0)
    err = sr_connect(s, &ai->addr);
  if (err < 0) {
    sr_socket_free(s);
    return err;
  }
  *out = s;
  return 0;
}

int sr_create_connection(sr_socket **out, const char *host, int port,
                         double timeout, const sr_address *source_address) {
  sr_addrinfo *list = NULL, *ai;
  char service[8];
  int err;

  if (out == NULL)
    return sr__detail(SR_EVALUE, "create_connection() needs somewhere to put "
                      "the socket");
  *out = NULL;
  if (port < 0 || port > 65535)
    return sr__detail(SR_EOVERFLOW_VALUE, "port must be 0-65535.");
  if (timeout != SR_TIMEOUT_DEFAULT) {
    err = sr__timeout_check(timeout);
    if (err < 0)
      return err;
  }

  snprintf(service, sizeof service, "%d", port);
  err = sr_getaddrinfo(host, service, AF_UNSPEC, SOCK_STREAM, 0, 0, &list);
  if (err < 0)
    return err;

  if (list == NULL)
    return sr__detail(SR_ESOCKET_MSG, "getaddrinfo returns an empty list");
  for (ai = list; ai != NULL; ai = ai->next) {
    err = try_one(ai, timeout, source_address, out);
    if (err == 0)
      break;
  }
  sr_freeaddrinfo(list);
  return err;
}
