/* getnameinfo(sockaddr, flags) -> (host, port), as CPython does it: the
 * host must be a numeric address (it is parsed with AI_NUMERICHOST, so
 * ('localhost', 80) is EAI_NONAME), an IPv4 address must not come with the
 * IPv6 fields, and flowinfo must fit its 20 bits. */
#include <stdio.h>
#include <string.h>

#include "internal.h"

static int parse_numeric(const sr_address *a, struct sockaddr_storage *ss,
                         socklen_t *len) {
  struct addrinfo hints, *res = NULL;
  char port[8];
  int rc;

  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM; /* one result per address */
  hints.ai_flags = AI_NUMERICHOST;
  snprintf(port, sizeof port, "%d", a->port);
  rc = getaddrinfo(a->host, port, &hints, &res);
  if (rc != 0)
    return sr_err_from_gai(rc);
  if (res->ai_next != NULL) {
    freeaddrinfo(res);
    return sr__detail(SR_ESOCKET_MSG,
                      "sockaddr resolved to multiple addresses");
  }
  if (res->ai_addrlen > sizeof *ss) {
    freeaddrinfo(res);
    return SR_EAFNOSUPPORT;
  }
  memcpy(ss, res->ai_addr, res->ai_addrlen);
  *len = (socklen_t)res->ai_addrlen;
  freeaddrinfo(res);
  return 0;
}

static int copy_out(const char *s, char *out, size_t outlen) {
  if (out == NULL)
    return 0; /* the caller did not want this half */
  if (strlen(s) >= outlen)
    return sr__detail(SR_EVALUE, "getnameinfo() result does not fit in %u "
                      "bytes", (unsigned)outlen);
  strcpy(out, s);
  return 0;
}

int sr_getnameinfo(const sr_address *addr, int flags, char *host,
                   size_t hostlen, char *port, size_t portlen) {
  struct sockaddr_storage ss;
  socklen_t len = 0;
  char hbuf[SR_HOST_MAX], pbuf[32];
  int rc, err;

  if (addr == NULL || (addr->family != AF_INET && addr->family != AF_INET6))
    return sr__detail(SR_EVALUE,
                      "getnameinfo() argument 1 must be an IPv4/IPv6 address");
  if (addr->port < 0 || addr->port > 65535)
    return sr__detail(SR_EOVERFLOW_VALUE, "getnameinfo(): port must be "
                      "0-65535.");
  if (addr->flowinfo > 0xfffff)
    return sr__detail(SR_EOVERFLOW_VALUE, "getnameinfo(): flowinfo must be "
                      "0-1048575.");
  memset(&ss, 0, sizeof ss);
  err = parse_numeric(addr, &ss, &len);
  if (err < 0)
    return err;

  if (ss.ss_family == AF_INET && addr->family == AF_INET6)
    return sr__detail(SR_ESOCKET_MSG, "IPv4 sockaddr must be 2 tuple");
  if (ss.ss_family == AF_INET6) {
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
    sin6->sin6_flowinfo = htonl(addr->flowinfo);
    sin6->sin6_scope_id = addr->scope_id;
  }

  rc = getnameinfo((struct sockaddr *)&ss, len, hbuf, sizeof hbuf, pbuf,
                   sizeof pbuf, flags);
  if (rc != 0)
    return sr_err_from_gai(rc);
  err = copy_out(hbuf, host, hostlen);
  if (err == 0)
    err = copy_out(pbuf, port, portlen);
  return err;
}
