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

/* Winsock has no inet_aton (and inet_addr cannot tell "255.255.255.255"
 * from an error), so this is the BSD inet_aton(3) the other platforms' C
 * libraries implement: one to four parts separated by dots, each decimal,
 * octal (leading 0) or hexadecimal (0x / 0X); the last part fills the
 * remaining bytes (a.b.c.d, a.b.c with c 16 bits, a.b with b 24 bits, a
 * alone 32 bits). Every part starts with a digit; the address ends at the
 * end of the string or at a white-space character (what follows it is not
 * looked at, as in BSD and glibc). */
static int aton_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
         c == '\r';
}

static int aton_digit(char c, unsigned base) {
  unsigned d;

  if (c >= '0' && c <= '9')
    d = (unsigned)(c - '0');
  else if (c >= 'a' && c <= 'f')
    d = (unsigned)(c - 'a') + 10;
  else if (c >= 'A' && c <= 'F')
    d = (unsigned)(c - 'A') + 10;
  else
    return -1;
  return d < base ? (int)d : -1;
}

int sr__os_inet_aton(const char *s, unsigned char out[4]) {
  unsigned long long parts[4];
  unsigned long long value;
  int n = 0, d;

  for (;;) {
    unsigned base = 10;

    if (!(*s >= '0' && *s <= '9'))
      return 0;
    if (*s == '0') {
      base = 8;
      s++;
      if (*s == 'x' || *s == 'X') {
        base = 16;
        s++;
      }
    }
    value = 0;
    while ((d = aton_digit(*s, base)) >= 0) {
      value = value * base + (unsigned)d;
      if (value > 0xffffffffULL)
        return 0;
      s++;
    }
    /* a decimal digit that is not octal (08) ends nothing: invalid */
    if (base == 8 && *s >= '8' && *s <= '9')
      return 0;
    if (n == 4)
      return 0;
    parts[n++] = value;
    if (*s == '.') {
      s++;
      continue;
    }
    if (*s == '\0' || aton_space(*s))
      break;
    return 0;
  }
  {
    static const unsigned long long last_max[4] = {0xffffffffULL, 0xffffffULL,
                                                   0xffffULL, 0xffULL};
    int i;

    for (i = 0; i < n - 1; i++)
      if (parts[i] > 0xff)
        return 0;
    if (parts[n - 1] > last_max[n - 1])
      return 0;
    value = parts[n - 1];
    for (i = 0; i < n - 1; i++)
      value |= parts[i] << (24 - 8 * i);
  }
  out[0] = (unsigned char)(value >> 24);
  out[1] = (unsigned char)(value >> 16);
  out[2] = (unsigned char)(value >> 8);
  out[3] = (unsigned char)value;
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
