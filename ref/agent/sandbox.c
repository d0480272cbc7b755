/* Restrictions for fuzzing; see sandbox.h. */
#include "sandbox.h"

#include <string.h>

#include "platform_io.h"

#define SANDBOX_SIZE_LIMIT ((int64_t)1 << 20)

static const char *const denied_ops[] = {
    "getaddrinfo",   "getnameinfo",   "gethostbyname", "gethostbyname_ex",
    "gethostbyaddr", "getfqdn",       "create_connection", "fromfd",
};

bool sandbox_allows(request *rq, const op_spec *op) {
  size_t i;
  if (!rq->ag->sandbox)
    return true;
  for (i = 0; i < sizeof denied_ops / sizeof denied_ops[0]; i++) {
    if (strcmp(op->name, denied_ops[i]) == 0) {
      reply_unsupported(rq, "%s is not available in the fuzzing sandbox",
                        op->name);
      return false;
    }
  }
  return true;
}

/* Numeric loopback or wildcard: nothing sent there leaves the host. */
static bool local_host(int family, const char *host) {
  unsigned char raw[16];
  static const unsigned char any6[16] = {0};
  static const unsigned char loop6[16] = {0, 0, 0, 0, 0, 0, 0, 0,
                                          0, 0, 0, 0, 0, 0, 0, 1};
  static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0,
                                           0, 0, 0, 0, 0xff, 0xff};
  if (host[0] == '\0')
    return true;
  if (family == AF_INET) {
    if (inet_pton(AF_INET, host, raw) != 1)
      return false;
    return raw[0] == 127 || memcmp(raw, any6, 4) == 0;
  }
  if (inet_pton(AF_INET6, host, raw) != 1)
    return false;
  return memcmp(raw, any6, 16) == 0 || memcmp(raw, loop6, 16) == 0 ||
         (memcmp(raw, mapped, 12) == 0 && raw[12] == 127);
}

bool sandbox_address_ok(request *rq, const sr_address *a) {
  bool ok;
  if (!rq->ag->sandbox)
    return true;
#ifdef AF_UNIX
  if (a->family == AF_UNIX)
    ok = a->is_abstract != 0;
  else
#endif
    ok = local_host(a->family, a->host);
  if (!ok)
    reply_unsupported(rq, "the fuzzing sandbox only allows loopback and "
                      "abstract addresses");
  return ok;
}

bool sandbox_socket_ok(request *rq, int family, int type) {
  int base = type & ~(SR_SOCK_NONBLOCK | SR_SOCK_CLOEXEC);
  bool ok;
  if (!rq->ag->sandbox)
    return true;
  ok = (family == AF_INET || family == AF_INET6
#ifdef AF_UNIX
        || family == AF_UNIX
#endif
        ) &&
       (base == SOCK_STREAM || base == SOCK_DGRAM
#ifdef SOCK_SEQPACKET
        || base == SOCK_SEQPACKET
#endif
       );
  if (!ok)
    reply_unsupported(rq, "the fuzzing sandbox only allows INET, INET6 and "
                      "UNIX stream/datagram sockets");
  return ok;
}

/* Options the sandbox refuses: SO_LINGER makes close wait; the others
 * tie a socket to an interface, and loopback traffic must stay on lo. */
static bool refused_option(int level, int optname) {
  if (level == SOL_SOCKET && optname == SO_LINGER)
    return true;
#ifdef SO_BINDTODEVICE
  if (level == SOL_SOCKET && optname == SO_BINDTODEVICE)
    return true;
#endif
#ifdef SO_BINDTOIFINDEX
  if (level == SOL_SOCKET && optname == SO_BINDTOIFINDEX)
    return true;
#endif
#ifdef IP_UNICAST_IF
  if (level == IPPROTO_IP && optname == IP_UNICAST_IF)
    return true;
#endif
#ifdef IPV6_UNICAST_IF
  if (level == IPPROTO_IPV6 && optname == IPV6_UNICAST_IF)
    return true;
#endif
  return false;
}

bool sandbox_sockopt_ok(request *rq, int level, int optname) {
  if (!rq->ag->sandbox || !refused_option(level, optname))
    return true;
  reply_unsupported(rq, "this option is not available in the fuzzing sandbox");
  return false;
}

int64_t sandbox_pattern_limit(const request *rq) {
  return rq->ag->sandbox ? SANDBOX_SIZE_LIMIT : AGENT_MAX_PATTERN;
}

int64_t sandbox_buffer_limit(const request *rq) {
  return rq->ag->sandbox ? SANDBOX_SIZE_LIMIT : INT64_MAX;
}

double sandbox_wait(const request *rq, double seconds) {
  return rq->ag->sandbox ? 0.0 : seconds;
}

void sandbox_tame(request *rq, sr_socket *s) {
  if (rq->ag->sandbox && s != NULL)
    (void)sr_settimeout(s, 0.0);
}

void sandbox_release_fd(request *rq, sr_sock_t fd) {
  if (rq->ag->sandbox && fd != SR_INVALID_SOCK)
    platform_close_socket(fd);
}
