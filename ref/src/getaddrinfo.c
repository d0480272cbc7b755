/* getaddrinfo(host, port, family, type, proto, flags) -> a list of
 * (family, type, proto, canonname, sockaddr). Arguments go to the C call
 * unchanged (NULL host or port is the seed's None), so which flags and
 * names are accepted, and the order of the results, are the platform's;
 * its EAI_* answer comes back as a GAI-kind code (socket.gaierror). The
 * one thing normalised is canonname (see convert_one). */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void sr_freeaddrinfo(sr_addrinfo *res) {
  while (res != NULL) {
    sr_addrinfo *next = res->next;
    free(res->canonname);
    free(res);
    res = next;
  }
}

/* One result in the seed's tuple form; NULL (and *err) on failure. */
static sr_addrinfo *convert_one(const struct addrinfo *ai, int flags,
                                int *err) {
  /* The seed: canonname is empty unless AI_CANONNAME was asked for. musl
   * fills ai_canonname on every call, so the flag decides, not the libc. */
  const char *canon = (flags & AI_CANONNAME) && ai->ai_canonname != NULL
                          ? ai->ai_canonname
                          : "";
  size_t canon_len = strlen(canon) + 1;
  sr_addrinfo *r = calloc(1, sizeof *r);

  if (r == NULL || (r->canonname = malloc(canon_len)) == NULL) {
    free(r);
    *err = SR_ENOMEM;
    return NULL;
  }
  memcpy(r->canonname, canon, canon_len);
  r->family = ai->ai_family;
  r->type = ai->ai_socktype;
  r->proto = ai->ai_protocol;
  *err = sr__address_from_sockaddr(ai->ai_addr, (socklen_t)ai->ai_addrlen,
                                   &r->addr);
  if (*err < 0) {
    sr_freeaddrinfo(r);
    return NULL;
  }
  return r;
}

int sr_getaddrinfo(const char *host, const char *port, int family, int type,
                   int proto, int flags, sr_addrinfo **res) {
  struct addrinfo hints, *list = NULL, *ai;
  sr_addrinfo *head = NULL, **tail = &head;
  int rc, err = 0, count = 0;

  if (res == NULL)
    return sr__detail(SR_EVALUE, "getaddrinfo() needs a result pointer");
  *res = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = family;
  hints.ai_socktype = type;
  hints.ai_protocol = proto;
  hints.ai_flags = flags;
  rc = getaddrinfo(host, port, &hints, &list);
  if (rc != 0)
    return sr_err_from_gai(rc);

  for (ai = list; ai != NULL; ai = ai->ai_next) {
    sr_addrinfo *r = convert_one(ai, flags, &err);
    if (r == NULL)
      break;
    *tail = r;
    tail = &r->next;
    count++;
  }
  freeaddrinfo(list);
  if (err < 0) {
    sr_freeaddrinfo(head);
    return err;
  }
  if (count == 0)
    return SR_EAI_NONAME;
  *res = head;
  return count;
}
