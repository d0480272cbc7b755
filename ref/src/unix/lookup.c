/* POSIX side of lookup.h: the reentrant *_r database calls, so that two
 * threads resolving at once cannot overwrite each other's static result. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "lookup.h"

#ifndef __GLIBC__
# include <pthread.h>
#endif

/* The *_r calls report "buffer too small" with ERANGE; start with a page and
 * grow up to a bound no sane hosts/services entry comes near. */
#define LOOKUP_BUF_START 4096
#define LOOKUP_BUF_MAX (1024 * 1024)

typedef int (*hostent_call)(const void *key, struct hostent *h, char *buf,
                            size_t buflen, struct hostent **res,
                            int *herr);

struct addr_key {
  const void *addr;
  socklen_t len;
  int family;
};

static int by_name(const void *key, struct hostent *h, char *buf,
                   size_t buflen, struct hostent **res, int *herr) {
  return gethostbyname_r(key, h, buf, buflen, res, herr);
}

static int by_addr(const void *key, struct hostent *h, char *buf,
                   size_t buflen, struct hostent **res, int *herr) {
  const struct addr_key *k = key;
  return gethostbyaddr_r(k->addr, k->len, k->family, h, buf, buflen, res,
                         herr);
}

/* Run one hostent lookup with a growing buffer and copy the result. */
static int hostent_lookup(hostent_call call, const void *key,
                          sr_hostent *out) {
  struct hostent h, *res = NULL;
  size_t size = LOOKUP_BUF_START;
  char *buf = NULL;
  int herr = 0, rc, err;

  for (;;) {
    char *bigger = realloc(buf, size);
    if (bigger == NULL) {
      free(buf);
      return SR_ENOMEM;
    }
    buf = bigger;
    rc = call(key, &h, buf, size, &res, &herr);
    if (rc == ERANGE && size < LOOKUP_BUF_MAX) {
      size *= 2;
      continue;
    }
    break;
  }
  if (res != NULL)
    err = sr__hostent_copy(res, out);
  else if (rc == ERANGE)
    err = SR_ENOMEM;
  else
    /* glibc leaves herr 0 and returns an errno for some local failures
     * (an unreadable /etc/hosts); the socket module still raises herror,
     * so report the generic "not found" rather than inventing a code. */
    err = herr > 0 ? sr_err_from_h(herr) : SR_HOST_NOT_FOUND;
  free(buf);
  return err;
}

int sr__os_gethostbyname(const char *name, sr_hostent *out) {
  return hostent_lookup(by_name, name, out);
}

int sr__os_gethostbyaddr(const void *addr, socklen_t len, int family,
                         sr_hostent *out) {
  struct addr_key key;

  key.addr = addr;
  key.len = len;
  key.family = family;
  return hostent_lookup(by_addr, &key, out);
}

int sr__os_getservbyname(const char *name, const char *proto, int *port) {
  struct servent s, *res = NULL;
  char buf[LOOKUP_BUF_START];

  if (getservbyname_r(name, proto, &s, buf, sizeof buf, &res) != 0 ||
      res == NULL)
    return 0;
  *port = ntohs((uint16_t)res->s_port);
  return 1;
}

int sr__os_getservbyport(int port, const char *proto, char *out,
                         size_t outlen) {
  struct servent s, *res = NULL;
  char buf[LOOKUP_BUF_START];

  if (getservbyport_r(htons((uint16_t)port), proto, &s, buf, sizeof buf,
                      &res) != 0 ||
      res == NULL)
    return 0;
  if (strlen(res->s_name) >= outlen)
    return sr__detail(SR_EVALUE, "service name does not fit in %zu bytes",
                      outlen);
  strcpy(out, res->s_name);
  return 1;
}

#ifdef __GLIBC__
int sr__os_getprotobyname(const char *name, int *proto) {
  struct protoent p, *res = NULL;
  char buf[LOOKUP_BUF_START];

  if (getprotobyname_r(name, &p, buf, sizeof buf, &res) != 0 || res == NULL)
    return 0;
  *proto = res->p_proto;
  return 1;
}
#else
/* musl has no getprotobyname_r; its getprotobyname walks a static table
 * with a static cursor, so callers are serialised here. */
static pthread_mutex_t proto_lock = PTHREAD_MUTEX_INITIALIZER;

int sr__os_getprotobyname(const char *name, int *proto) {
  struct protoent *res;
  int found = 0;

  pthread_mutex_lock(&proto_lock);
  res = getprotobyname(name);
  if (res != NULL) {
    *proto = res->p_proto;
    found = 1;
  }
  pthread_mutex_unlock(&proto_lock);
  return found;
}
#endif

int sr__os_inet_aton(const char *s, unsigned char out[4]) {
  struct in_addr a;

  if (inet_aton(s, &a) == 0)
    return 0;
  memcpy(out, &a, 4);
  return 1;
}

int sr__os_gethostname(char *out, size_t outlen) {
  char name[SR_HOST_MAX];

  if (gethostname(name, sizeof name) != 0)
    return sr_err_from_errno(errno);
  name[sizeof name - 1] = '\0';
  if (strlen(name) >= outlen)
    return sr__detail(SR_EVALUE, "host name does not fit in %zu bytes",
                      outlen);
  strcpy(out, name);
  return 0;
}
