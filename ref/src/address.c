/* address.c - the seed's address tuples <-> struct sockaddr. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* ---- building sr_address values ---------------------------------- */

static int copy_host(sr_address *a, const char *host) {
  size_t n = host ? strlen(host) : 0;

  if (n >= sizeof(a->host))
    return sr__detail(SR_EVALUE, "host name too long (%lu bytes)",
                      (unsigned long)n);
  memcpy(a->host, host ? host : "", n + 1);
  return 0;
}

int sr_address_inet(sr_address *a, const char *host, int port) {
  memset(a, 0, sizeof(*a));
  a->family = AF_INET;
  a->port = port;
  return copy_host(a, host);
}

int sr_address_inet6(sr_address *a, const char *host, int port,
                     uint32_t flowinfo, uint32_t scope_id) {
  memset(a, 0, sizeof(*a));
  a->family = AF_INET6;
  a->port = port;
  a->flowinfo = flowinfo;
  a->scope_id = scope_id;
  return copy_host(a, host);
}

/* sun_path must keep room for the terminating NUL (paths) or the leading
 * NUL (abstract names); the socket module reports a longer one as a
 * socket.error, so the same kind is used here. */
int sr_address_unix(sr_address *a, const char *path) {
  size_t n = strlen(path);

  memset(a, 0, sizeof(*a));
  a->family = AF_UNIX;
  if (n >= sizeof(a->path))
    return sr__detail(SR_ESOCKET_MSG, "AF_UNIX path too long");
  memcpy(a->path, path, n + 1);
  a->path_len = n;
  return 0;
}

int sr_address_abstract(sr_address *a, const void *name, size_t len) {
  memset(a, 0, sizeof(*a));
  a->family = AF_UNIX;
  a->is_abstract = 1;
  if (len >= sizeof(a->path))
    return sr__detail(SR_ESOCKET_MSG, "AF_UNIX path too long");
  memcpy(a->path, name, len);
  a->path_len = len;
  return 0;
}

/* ---- formatting ---------------------------------------------------- */

/* Append a Python bytes/str literal body for data[0..len). */
static size_t format_quoted(char *out, size_t size, const char *data,
                            size_t len) {
  size_t i, used = 0;
  char tmp[8];

  for (i = 0; i < len; i++) {
    unsigned char c = (unsigned char)data[i];
    const char *piece = tmp;

    if (c == '\'' || c == '\\')
      snprintf(tmp, sizeof(tmp), "\\%c", c);
    else if (c >= 0x20 && c < 0x7f)
      snprintf(tmp, sizeof(tmp), "%c", c);
    else
      snprintf(tmp, sizeof(tmp), "\\x%02x", c);
    used += (size_t)snprintf(out + (used < size ? used : size),
                             used < size ? size - used : 0, "%s", piece);
  }
  return used;
}

int sr_address_format(const sr_address *a, char *buf, size_t size) {
  int n;
  size_t used;

  if (size == 0)
    return 0;
  switch (a->family) {
  case AF_INET:
    n = snprintf(buf, size, "('%s', %d)", a->host, a->port);
    break;
  case AF_INET6:
    n = snprintf(buf, size, "('%s', %d, %lu, %lu)", a->host, a->port,
                 (unsigned long)a->flowinfo, (unsigned long)a->scope_id);
    break;
  case AF_UNIX:
    /* Abstract names are bytes (with their leading NUL), paths str. */
    n = snprintf(buf, size, "%s", a->is_abstract ? "b'\\x00" : "'");
    used = (size_t)n;
    used += format_quoted(buf + (used < size ? used : size - 1),
                          used < size ? size - used : 1, a->path,
                          a->path_len);
    used += (size_t)snprintf(buf + (used < size ? used : size - 1),
                             used < size ? size - used : 1, "'");
    n = (int)used;
    break;
  default:
    n = snprintf(buf, size, "(family %d)", a->family);
    break;
  }
  if (n < 0)
    return 0;
  return (size_t)n >= size ? (int)size - 1 : n;
}

/* ---- sr_address -> sockaddr ----------------------------------------- */

/* CPython's fast path: a dotted quad with four parts is taken as is
 * without asking the resolver. */
static int parse_dotted_quad(const char *host, struct in_addr *out) {
  unsigned int p[4];
  char tail;

  if (sscanf(host, "%u.%u.%u.%u%c", &p[0], &p[1], &p[2], &p[3], &tail) != 4)
    return 0;
  if (p[0] > 255 || p[1] > 255 || p[2] > 255 || p[3] > 255)
    return 0;
  out->s_addr = htonl((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
                      (uint32_t)p[2] << 8 | (uint32_t)p[3]);
  return 1;
}

/* Resolve a host the way setipaddr() in CPython does: "" is the wildcard,
 * "<broadcast>" the IPv4 broadcast, otherwise the first getaddrinfo
 * answer of the family. Fills the address part of *ss only. */
static int resolve_host(const char *host, int family,
                        struct sockaddr_storage *ss) {
  struct addrinfo hints, *res = NULL;
  int rc;

  if (host[0] == '\0') {
    /* The wildcard of either family is all zero bytes. */
    return 0;
  }
  if (strcmp(host, "<broadcast>") == 0 ||
      strcmp(host, "255.255.255.255") == 0) {
    if (family != AF_INET)
      return sr__detail(SR_ESOCKET_MSG, "address family mismatched");
    ((struct sockaddr_in *)ss)->sin_addr.s_addr = htonl(INADDR_BROADCAST);
    return 0;
  }
  if (family == AF_INET &&
      parse_dotted_quad(host, &((struct sockaddr_in *)ss)->sin_addr))
    return 0;
  memset(&hints, 0, sizeof(hints));
  hints.ai_family = family;
  errno = 0;
  rc = getaddrinfo(host, NULL, &hints, &res);
  if (rc != 0)
    return sr_err_from_gai(rc);
  if (family == AF_INET)
    ((struct sockaddr_in *)ss)->sin_addr =
        ((struct sockaddr_in *)res->ai_addr)->sin_addr;
  else
    ((struct sockaddr_in6 *)ss)->sin6_addr =
        ((struct sockaddr_in6 *)res->ai_addr)->sin6_addr;
  freeaddrinfo(res);
  return 0;
}

static int check_port(int port) {
  if (port < 0 || port > 65535)
    return sr__detail(SR_EOVERFLOW_VALUE,
                      "getsockaddrarg: port must be 0-65535.");
  return 0;
}

static int inet_to_sockaddr(const sr_address *a,
                            struct sockaddr_storage *ss, socklen_t *len) {
  struct sockaddr_in *sin = (struct sockaddr_in *)ss;
  int err;

  if (a->family != AF_INET)
    return sr__detail(SR_EVALUE,
                      "AF_INET address must be a pair (host, port)");
  if ((err = check_port(a->port)) < 0)
    return err;
  if ((err = resolve_host(a->host, AF_INET, ss)) < 0)
    return err;
  sin->sin_family = AF_INET;
  sin->sin_port = htons((uint16_t)a->port);
  *len = sizeof(*sin);
  return 0;
}

static int inet6_to_sockaddr(const sr_address *a,
                             struct sockaddr_storage *ss, socklen_t *len) {
  struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
  int err;

  /* A pair (host, port) is accepted too: flowinfo and scope_id "can be
   * omitted just for backward compatibility" - an AF_INET-form address
   * carries zeros for both. */
  if (a->family != AF_INET6 && a->family != AF_INET)
    return sr__detail(SR_EVALUE, "AF_INET6 address must be a tuple "
                                 "(host, port[, flowinfo[, scopeid]])");
  if ((err = check_port(a->port)) < 0)
    return err;
  if (a->family == AF_INET6 && a->flowinfo > 0xfffff)
    return sr__detail(SR_EOVERFLOW_VALUE,
                      "getsockaddrarg: flowinfo must be 0-1048575.");
  if ((err = resolve_host(a->host, AF_INET6, ss)) < 0)
    return err;
  sin6->sin6_family = AF_INET6;
  sin6->sin6_port = htons((uint16_t)a->port);
  if (a->family == AF_INET6) {
    sin6->sin6_flowinfo = htonl(a->flowinfo);
    sin6->sin6_scope_id = a->scope_id;
  }
  *len = sizeof(*sin6);
  return 0;
}

static int unix_to_sockaddr(const sr_address *a,
                            struct sockaddr_storage *ss, socklen_t *len) {
  struct sockaddr_un *un = (struct sockaddr_un *)ss;
  size_t room = sizeof(un->sun_path);

  if (a->family != AF_UNIX)
    return sr__detail(SR_EVALUE, "AF_UNIX address must be a path");
  if (a->path_len + (a->is_abstract ? 1 : 0) > room ||
      a->path_len >= sizeof(a->path))
    return sr__detail(SR_ESOCKET_MSG, "AF_UNIX path too long");
  un->sun_family = AF_UNIX;
  if (a->is_abstract) {
    un->sun_path[0] = '\0';
    memcpy(un->sun_path + 1, a->path, a->path_len);
    *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
                       a->path_len);
  } else {
    memcpy(un->sun_path, a->path, a->path_len);
    *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + a->path_len);
  }
  return 0;
}

int sr__address_to_sockaddr(const sr_address *a, int family,
                            struct sockaddr_storage *ss, socklen_t *len) {
  if (a == NULL)
    return sr__detail(SR_EVALUE, "address is required");
  memset(ss, 0, sizeof(*ss));
  if (family == AF_UNSPEC)
    family = a->family;
  switch (family) {
  case AF_INET:
    return inet_to_sockaddr(a, ss, len);
  case AF_INET6:
    return inet6_to_sockaddr(a, ss, len);
  case AF_UNIX:
    return unix_to_sockaddr(a, ss, len);
  default:
    return sr__detail(SR_ESOCKET_MSG, "getsockaddrarg: bad family");
  }
}

/* ---- sockaddr -> sr_address ---------------------------------------- */

static void unix_from_sockaddr(const struct sockaddr_un *un, socklen_t len,
                               sr_address *a) {
  size_t base = offsetof(struct sockaddr_un, sun_path);
  size_t n = (size_t)len > base ? (size_t)len - base : 0;

  if (n > sizeof(un->sun_path))
    n = sizeof(un->sun_path);
  if (n > 0 && un->sun_path[0] == '\0') {
    /* Linux abstract namespace: the name is every byte after the NUL. */
    a->is_abstract = 1;
    n -= 1;
    if (n >= sizeof(a->path))
      n = sizeof(a->path) - 1;
    memcpy(a->path, un->sun_path + 1, n);
  } else {
    /* A path: up to its NUL (some systems count the NUL in len). */
    size_t i = 0;

    while (i < n && i < sizeof(a->path) - 1 && un->sun_path[i] != '\0')
      i++;
    n = i;
    memcpy(a->path, un->sun_path, n);
  }
  a->path[n] = '\0';
  a->path_len = n;
}

int sr__address_from_sockaddr(const struct sockaddr *sa, socklen_t len,
                              sr_address *a) {
  memset(a, 0, sizeof(*a));
  if (len == 0) {
    /* Nothing reported (e.g. recvfrom on a connected stream socket). */
    a->family = AF_UNSPEC;
    return 0;
  }
  a->family = sa->sa_family;
  switch (sa->sa_family) {
  case AF_INET: {
    const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;

    inet_ntop(AF_INET, &sin->sin_addr, a->host, sizeof(a->host));
    a->port = ntohs(sin->sin_port);
    return 0;
  }
  case AF_INET6: {
    const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;

    inet_ntop(AF_INET6, &sin6->sin6_addr, a->host, sizeof(a->host));
    a->port = ntohs(sin6->sin6_port);
    a->flowinfo = ntohl(sin6->sin6_flowinfo);
    a->scope_id = sin6->sin6_scope_id;
    return 0;
  }
  case AF_UNIX:
    unix_from_sockaddr((const struct sockaddr_un *)sa, len, a);
    return 0;
  default:
    return 0;
  }
}
