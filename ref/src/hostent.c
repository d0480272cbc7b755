/* gethostbyname_ex(), gethostbyaddr() and the sr_hostent they return.
 *
 * The seed names herror as the exception of both functions, so every
 * lookup failure is H-kind (socket.herror): gethostbyname_ex asks the
 * hosts database directly, and when gethostbyaddr has to resolve a name
 * to an address first, a getaddrinfo failure is reported as the matching
 * h_errno. (CPython resolves first and raises gaierror for names that do
 * not resolve; docs/reference-api.md records the difference.) */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "lookup.h"

void sr_hostent_free(sr_hostent *h) {
  size_t i;

  if (h == NULL)
    return;
  free(h->name);
  for (i = 0; i < h->n_aliases; i++)
    free(h->aliases[i]);
  free(h->aliases);
  for (i = 0; i < h->n_addresses; i++)
    free(h->addresses[i]);
  free(h->addresses);
  memset(h, 0, sizeof *h);
}

static size_t count_list(char **list) {
  size_t n = 0;

  while (list != NULL && list[n] != NULL)
    n++;
  return n;
}

static char *copy_string(const char *s) {
  size_t len = strlen(s) + 1;
  char *copy = malloc(len);

  if (copy != NULL)
    memcpy(copy, s, len);
  return copy;
}

/* The addresses of a hostent as numeric strings; entries of a length that
 * does not match the family are skipped rather than misread. */
static int copy_addresses(const struct hostent *h, sr_hostent *out) {
  size_t n = count_list(h->h_addr_list), i;
  char text[SR_HOST_MAX];

  out->addresses = calloc(n + 1, sizeof *out->addresses);
  if (out->addresses == NULL)
    return SR_ENOMEM;
  for (i = 0; i < n; i++) {
    int ok = (h->h_addrtype == AF_INET && h->h_length == 4) ||
             (h->h_addrtype == AF_INET6 && h->h_length == 16);
    if (!ok || inet_ntop(h->h_addrtype, h->h_addr_list[i], text,
                         sizeof text) == NULL)
      continue;
    out->addresses[out->n_addresses] = copy_string(text);
    if (out->addresses[out->n_addresses] == NULL)
      return SR_ENOMEM;
    out->n_addresses++;
  }
  return 0;
}

int sr__hostent_copy(const struct hostent *h, sr_hostent *out) {
  size_t n = count_list(h->h_aliases), i;
  int err;

  memset(out, 0, sizeof *out);
  out->name = copy_string(h->h_name != NULL ? h->h_name : "");
  out->aliases = calloc(n + 1, sizeof *out->aliases);
  if (out->name == NULL || out->aliases == NULL)
    goto nomem;
  for (i = 0; i < n; i++) {
    out->aliases[i] = copy_string(h->h_aliases[i]);
    if (out->aliases[i] == NULL)
      goto nomem;
    out->n_aliases++;
  }
  err = copy_addresses(h, out);
  if (err < 0)
    goto nomem;
  return 0;

nomem:
  sr_hostent_free(out);
  return SR_ENOMEM;
}

int sr_gethostbyname_ex(const char *name, sr_hostent *out) {
  if (name == NULL || out == NULL)
    return sr__detail(SR_EVALUE, "gethostbyname_ex() needs a name");
  memset(out, 0, sizeof *out);
  return sr__os_gethostbyname(name, out);
}

/* The h_errno-kind code for a failed getaddrinfo of gethostbyaddr's name. */
static int gai_as_h(int err) {
  switch (err) {
  case SR_EAI_AGAIN:
    return SR_TRY_AGAIN;
  case SR_EAI_FAIL:
    return SR_NO_RECOVERY;
  case SR_EAI_NODATA:
    return SR_NO_DATA;
  default:
    return sr_err_kind(err) == SR_KIND_GAI ? SR_HOST_NOT_FOUND : err;
  }
}

/* CPython's setipaddr() for AF_UNSPEC: the special IPv4 names, else the
 * first getaddrinfo() result of any family. */
static int resolve_any(const char *name, struct sockaddr_storage *ss) {
  struct addrinfo hints, *res = NULL;
  int rc;

  memset(ss, 0, sizeof *ss);
  if (name[0] == '\0' || strcmp(name, "<broadcast>") == 0) {
    struct sockaddr_in *sin = (struct sockaddr_in *)ss;
    sin->sin_family = AF_INET;
    sin->sin_addr.s_addr = htonl(name[0] == '\0' ? INADDR_ANY
                                                 : INADDR_BROADCAST);
    return 0;
  }
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  rc = getaddrinfo(name, NULL, &hints, &res);
  if (rc != 0)
    return sr_err_from_gai(rc);
  if (res->ai_addrlen > sizeof *ss) {
    freeaddrinfo(res);
    return SR_EAFNOSUPPORT;
  }
  memcpy(ss, res->ai_addr, res->ai_addrlen);
  freeaddrinfo(res);
  return 0;
}

int sr_gethostbyaddr(const char *ip_address, sr_hostent *out) {
  struct sockaddr_storage ss;
  int err;

  if (ip_address == NULL || out == NULL)
    return sr__detail(SR_EVALUE, "gethostbyaddr() needs an address");
  memset(out, 0, sizeof *out);
  err = resolve_any(ip_address, &ss);
  if (err < 0)
    return gai_as_h(err);
  if (ss.ss_family == AF_INET) {
    const struct sockaddr_in *sin = (const struct sockaddr_in *)&ss;
    return sr__os_gethostbyaddr(&sin->sin_addr, sizeof sin->sin_addr,
                                AF_INET, out);
  }
  if (ss.ss_family == AF_INET6) {
    const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&ss;
    return sr__os_gethostbyaddr(&sin6->sin6_addr, sizeof sin6->sin6_addr,
                                AF_INET6, out);
  }
  return SR_EAFNOSUPPORT;
}
