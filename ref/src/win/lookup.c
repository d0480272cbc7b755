/* Winsock side of lookup.h. Winsock's gethostbyname & co. return a
 * per-thread buffer, so they are already safe to call from several threads;
 * failures are read from WSAGetLastError(), whose WSAHOST_NOT_FOUND...
 * values winsock2.h also names HOST_NOT_FOUND... */
#include <string.h>

#include "internal.h"
#include "lookup.h"

static int host_error(void) {
  int native = WSAGetLastError();

  switch (native) {
  case WSAHOST_NOT_FOUND:
  case WSATRY_AGAIN:
  case WSANO_RECOVERY:
  case WSANO_DATA:
    return sr_err_from_h(native);
  default:
    return native != 0 ? sr_err_from_errno(native) : SR_HOST_NOT_FOUND;
  }
}

int sr__os_gethostbyname(const char *name, sr_hostent *out) {
  struct hostent *h = gethostbyname(name);

  if (h == NULL)
    return host_error();
  return sr__hostent_copy(h, out);
}

int sr__os_gethostbyaddr(const void *addr, socklen_t len, int family,
                         sr_hostent *out) {
  struct hostent *h = gethostbyaddr(addr, (int)len, family);

  if (h == NULL)
    return host_error();
  return sr__hostent_copy(h, out);
}

int sr__os_getservbyname(const char *name, const char *proto, int *port) {
  struct servent *s = getservbyname(name, proto);

  if (s == NULL)
    return 0;
  *port = ntohs((u_short)s->s_port);
  return 1;
}

int sr__os_getservbyport(int port, const char *proto, char *out,
                         size_t outlen) {
  struct servent *s = getservbyport(htons((u_short)port), proto);

  if (s == NULL)
    return 0;
  if (strlen(s->s_name) >= outlen)
    return sr__detail(SR_EVALUE, "service name does not fit in %u bytes",
                      (unsigned)outlen);
  strcpy(out, s->s_name);
  return 1;
}

int sr__os_getprotobyname(const char *name, int *proto) {
  struct protoent *p = getprotobyname(name);

  if (p == NULL)
    return 0;
  *proto = p->p_proto;
  return 1;
}

/* Winsock has no inet_aton. inet_addr accepts the same BSD short forms but
 * answers INADDR_NONE both for errors and for "255.255.255.255", so that
 * one valid spelling is recognised separately (CPython 3.2 did the same). */
int sr__os_inet_aton(const char *s, unsigned char out[4]) {
  unsigned long a;

  if (strcmp(s, "255.255.255.255") == 0) {
    memset(out, 0xff, 4);
    return 1;
  }
  a = inet_addr(s);
  if (a == INADDR_NONE)
    return 0;
  memcpy(out, &a, 4);
  return 1;
}

int sr__os_gethostname(char *out, size_t outlen) {
  char name[256];

  if (gethostname(name, (int)sizeof name) != 0)
    return sr__os_error();
  name[sizeof name - 1] = '\0';
  if (strlen(name) >= outlen)
    return sr__detail(SR_EVALUE, "host name does not fit in %u bytes",
                      (unsigned)outlen);
  strcpy(out, name);
  return 0;
}
