/* Module functions: socket creation, name resolution, conversions and the
 * default timeout. */
#include <stdio.h>
#include <string.h>

#include "ops.h"
#include "sandbox.h"

/* ---- creating sockets -------------------------------------------------- */

static void op_socket(request *rq) {
  const char *as = as_name(rq);
  int family, type, proto, rc;
  sr_socket *s = NULL;

  if (as == NULL || !arg_const_or(rq, "family", AF_INET, &family) ||
      !arg_const_or(rq, "type", SOCK_STREAM, &type) ||
      !arg_const_or(rq, "proto", 0, &proto) ||
      !sandbox_socket_ok(rq, family, type))
    return;
  if (!op_begin(rq))
    return;
  rc = sr_socket_new(&s, family, type, proto);
  op_end(rq);
  if (sr_failed(rq, rc) || !store_socket(rq, as, s))
    return;
  reply_null(rq);
}

/* The seed: AF_UNIX where the platform has it, else AF_INET. Windows
 * headers define AF_UNIX, but its socketpair (libsockref's loopback
 * emulation, as CPython's) is AF_INET, CPython's default there. */
static int socketpair_default_family(void) {
#if defined(AF_UNIX) && !defined(_WIN32)
  return AF_UNIX;
#else
  return AF_INET;
#endif
}

static void op_socketpair(request *rq) {
  const char *as1, *as2;
  int family, type, proto, rc;
  sr_socket *a = NULL, *b = NULL;

  if (!as_pair(rq, &as1, &as2) ||
      !arg_const_or(rq, "family", socketpair_default_family(), &family) ||
      !arg_const_or(rq, "type", SOCK_STREAM, &type) ||
      !arg_const_or(rq, "proto", 0, &proto) ||
      !sandbox_socket_ok(rq, family, type))
    return;
  if (!op_begin(rq))
    return;
  rc = sr_socketpair(&a, &b, family, type, proto);
  op_end(rq);
  if (sr_failed(rq, rc))
    return;
  if (!store_socket(rq, as1, a)) {
    sr_socket_free(b);
    return;
  }
  if (!store_socket(rq, as2, b))
    return;
  reply_null(rq);
}

/* create_connection(address[, timeout[, source_address]]). A timeout left
 * out means the default timeout; null means "no timeout". */
static void op_create_connection(request *rq) {
  const char *as = as_name(rq);
  const json_value *address, *timeout_arg, *source_arg;
  const char *host;
  double timeout = SR_TIMEOUT_DEFAULT;
  sr_address source;
  int64_t port;
  int rc;
  sr_socket *s = NULL;

  if (as == NULL)
    return;
  address = arg_get(rq, "address");
  if (address == NULL) {
    if (!failed(rq))
      reply_protocol(rq, "missing argument 'address'");
    return;
  }
  if (address->type != JSON_ARRAY || address->u.array.count != 2) {
    reply_value(rq, "create_connection address must be a pair (host, port)");
    return;
  }
  if (address->u.array.items[0]->type != JSON_STRING ||
      !json_string_is_c(address->u.array.items[0])) {
    reply_value(rq, "create_connection host must be a str");
    return;
  }
  host = address->u.array.items[0]->u.string.ptr;
  if (address->u.array.items[1]->type != JSON_INT) {
    reply_value(rq, "create_connection port must be an int");
    return;
  }
  port = address->u.array.items[1]->u.integer;
  if (port < -2147483647 - 1 || port > 2147483647) {
    reply_value(rq, "port must be 0-65535.");
    return;
  }
  timeout_arg = arg_get(rq, "timeout");
  if (timeout_arg != NULL && !value_timeout(rq, "timeout", timeout_arg, &timeout))
    return;
  source_arg = arg_get(rq, "source_address");
  if (failed(rq))
    return;
  if (source_arg != NULL && source_arg->type != JSON_NULL &&
      !value_address(rq, "source_address", source_arg, 0, &source))
    return;
  if (!op_begin(rq))
    return;
  rc = sr_create_connection(&s, host, (int)port, timeout,
                            source_arg != NULL && source_arg->type != JSON_NULL
                                ? &source
                                : NULL);
  op_end(rq);
  if (sr_failed(rq, rc) || !store_socket(rq, as, s))
    return;
  reply_null(rq);
}

static void op_fromfd(request *rq) {
  const char *as = as_name(rq);
  int64_t fd;
  int family, type, proto, rc;
  sr_socket *s = NULL;

  if (as == NULL || !arg_int(rq, "fd", &fd) ||
      !arg_const(rq, "family", &family) || !arg_const(rq, "type", &type) ||
      !arg_const_or(rq, "proto", 0, &proto))
    return;
  /* A bad descriptor is the library's to report (EBADF from dup); only
   * values the descriptor type cannot hold are refused here. */
#ifndef _WIN32
  if (fd < -2147483647 - 1 || fd > 2147483647) {
    reply_value(rq, "fd: signed integer is out of range");
    return;
  }
#endif
  if (!op_begin(rq))
    return;
  rc = sr_fromfd(&s, (sr_sock_t)fd, family, type, proto);
  op_end(rq);
  if (sr_failed(rq, rc) || !store_socket(rq, as, s))
    return;
  reply_null(rq);
}

/* ---- resolution -------------------------------------------------------- */

/* port: null, an integer or a service name (string). */
static bool getaddrinfo_port(request *rq, char *buf, size_t size,
                             const char **out) {
  const json_value *v = arg_get(rq, "port");
  *out = NULL;
  if (v == NULL) {
    if (!failed(rq))
      reply_protocol(rq, "missing argument 'port'");
    return false;
  }
  switch (v->type) {
  case JSON_NULL:
    return true;
  case JSON_INT:
    snprintf(buf, size, "%lld", (long long)v->u.integer);
    *out = buf;
    return true;
  case JSON_STRING:
    if (!json_string_is_c(v)) {
      reply_value(rq, "port: embedded null character");
      return false;
    }
    *out = v->u.string.ptr;
    return true;
  default:
    reply_protocol(rq, "argument 'port' must be an integer, a string or null");
    return false;
  }
}

static void op_getaddrinfo(request *rq) {
  const char *host, *port;
  char port_buf[32];
  int family, type, proto, flags, rc;
  sr_addrinfo *res = NULL, *ai;
  json_writer *w = result(rq);

  if (!arg_present(rq, "host")) {
    if (!failed(rq))
      reply_protocol(rq, "missing argument 'host'");
    return;
  }
  if (!arg_str_or_null(rq, "host", &host) ||
      !getaddrinfo_port(rq, port_buf, sizeof port_buf, &port) ||
      !arg_const_or(rq, "family", 0, &family) ||
      !arg_const_or(rq, "type", 0, &type) ||
      !arg_const_or(rq, "proto", 0, &proto) || !arg_flags(rq, "flags", &flags))
    return;
  if (!op_begin(rq))
    return;
  rc = sr_getaddrinfo(host, port, family, type, proto, flags, &res);
  op_end(rq);
  if (sr_failed(rq, rc))
    return;
  json_write_begin_array(w);
  for (ai = res; ai != NULL; ai = ai->next) {
    json_write_begin_array(w);
    write_constant(w, "AF_", ai->family);
    write_constant(w, "SOCK_", ai->type);
    json_write_int(w, ai->proto);
    json_write_cstring(w, ai->canonname != NULL ? ai->canonname : "");
    write_address(w, &ai->addr);
    json_write_end_array(w);
  }
  json_write_end_array(w);
  sr_freeaddrinfo(res);
}

static void op_getnameinfo(request *rq) {
  sr_address addr;
  int flags, rc;
  char host[SR_HOST_MAX], port[64];
  json_writer *w = result(rq);

  if (!arg_address(rq, "sockaddr|address", 0, &addr))
    return;
  if (!arg_present(rq, "flags")) {
    if (!failed(rq))
      reply_protocol(rq, "missing argument 'flags'");
    return;
  }
  if (!arg_flags(rq, "flags", &flags))
    return;
  if (!op_begin(rq))
    return;
  rc = sr_getnameinfo(&addr, flags, host, sizeof host, port, sizeof port);
  op_end(rq);
  if (sr_failed(rq, rc))
    return;
  json_write_begin_array(w);
  json_write_cstring(w, host);
  json_write_cstring(w, port);
  json_write_end_array(w);
}

static void op_gethostname(request *rq) {
  char name[SR_HOST_MAX];
  int rc;
  if (!op_begin(rq))
    return;
  rc = sr_gethostname(name, sizeof name);
  op_end(rq);
  if (!sr_failed(rq, rc))
    json_write_cstring(result(rq), name);
}

static void op_gethostbyname(request *rq) {
  const char *host;
  char out[64];
  int rc;
  if (!arg_str(rq, "host|hostname|name", &host))
    return;
  if (!op_begin(rq))
    return;
  rc = sr_gethostbyname(host, out, sizeof out);
  op_end(rq);
  if (!sr_failed(rq, rc))
    json_write_cstring(result(rq), out);
}

static void write_string_list(json_writer *w, char **items, size_t n) {
  size_t i;
  json_write_begin_array(w);
  for (i = 0; i < n; i++)
    json_write_cstring(w, items[i]);
  json_write_end_array(w);
}

static void write_hostent(request *rq, const sr_hostent *h) {
  json_writer *w = result(rq);
  json_write_begin_array(w);
  json_write_cstring(w, h->name != NULL ? h->name : "");
  write_string_list(w, h->aliases, h->n_aliases);
  write_string_list(w, h->addresses, h->n_addresses);
  json_write_end_array(w);
}

/* gethostbyname_ex and gethostbyaddr: one string in, a hostent triple out. */
static void hostent_op(request *rq, const char *names,
                       int (*call)(const char *, sr_hostent *)) {
  const char *query;
  sr_hostent h;
  int rc;
  if (!arg_str(rq, names, &query))
    return;
  memset(&h, 0, sizeof h);
  if (!op_begin(rq))
    return;
  rc = call(query, &h);
  op_end(rq);
  if (sr_failed(rq, rc))
    return;
  write_hostent(rq, &h);
  sr_hostent_free(&h);
}

static void op_gethostbyname_ex(request *rq) {
  hostent_op(rq, "host|hostname|name", sr_gethostbyname_ex);
}

static void op_gethostbyaddr(request *rq) {
  hostent_op(rq, "ip_address|name|host|address", sr_gethostbyaddr);
}

static void op_getfqdn(request *rq) {
  const char *name;
  char out[SR_HOST_MAX];
  int rc;
  if (!arg_str_or_null(rq, "name", &name))
    return;
  if (!op_begin(rq))
    return;
  rc = sr_getfqdn(name, out, sizeof out);
  op_end(rq);
  if (!sr_failed(rq, rc))
    json_write_cstring(result(rq), out);
}

static void op_getprotobyname(request *rq) {
  const char *name;
  int rc;
  if (!arg_str(rq, "name|protocolname", &name))
    return;
  if (!op_begin(rq))
    return;
  rc = sr_getprotobyname(name);
  op_end(rq);
  if (!sr_failed(rq, rc))
    json_write_int(result(rq), rc);
}

static void op_getservbyname(request *rq) {
  const char *name, *proto;
  int rc;
  if (!arg_str(rq, "name|servicename", &name) ||
      !arg_str_or_null(rq, "proto|protocolname", &proto))
    return;
  if (!op_begin(rq))
    return;
  rc = sr_getservbyname(name, proto);
  op_end(rq);
  if (!sr_failed(rq, rc))
    json_write_int(result(rq), rc);
}

static void op_getservbyport(request *rq) {
  const char *proto;
  int64_t port;
  char out[256];
  int rc;
  if (!arg_int(rq, "port", &port) ||
      !arg_str_or_null(rq, "proto|protocolname", &proto))
    return;
  if (!op_begin(rq))
    return;
  rc = sr_getservbyport(port, proto, out, sizeof out);
  op_end(rq);
  if (!sr_failed(rq, rc))
    json_write_cstring(result(rq), out);
}

/* ---- byte order -------------------------------------------------------- */

static void byte_order_32(request *rq, int (*fn)(long long, uint32_t *)) {
  int64_t x;
  uint32_t out = 0;
  int rc;
  if (!arg_int(rq, "x", &x))
    return;
  if (!op_begin(rq))
    return;
  rc = fn(x, &out);
  op_end(rq);
  if (!sr_failed(rq, rc))
    json_write_int(result(rq), out);
}

static void byte_order_16(request *rq, int (*fn)(long long, uint16_t *)) {
  int64_t x;
  uint16_t out = 0;
  int rc;
  if (!arg_int(rq, "x", &x))
    return;
  if (!op_begin(rq))
    return;
  rc = fn(x, &out);
  op_end(rq);
  if (!sr_failed(rq, rc))
    json_write_int(result(rq), out);
}

static void op_ntohl(request *rq) { byte_order_32(rq, sr_ntohl); }
static void op_htonl(request *rq) { byte_order_32(rq, sr_htonl); }
static void op_ntohs(request *rq) { byte_order_16(rq, sr_ntohs); }
static void op_htons(request *rq) { byte_order_16(rq, sr_htons); }

/* ---- address conversion ------------------------------------------------ */

static void op_inet_aton(request *rq) {
  const char *text;
  unsigned char packed[4];
  int rc;
  if (!arg_str(rq, "ip_string|string", &text))
    return;
  if (!op_begin(rq))
    return;
  rc = sr_inet_aton(text, packed);
  op_end(rq);
  if (!sr_failed(rq, rc))
    json_write_hex_object(result(rq), packed, sizeof packed);
}

static void op_inet_ntoa(request *rq) {
  byte_view packed;
  char out[64];
  int rc;
  if (!arg_bytes(rq, "packed_ip|packed|data", &packed))
    return;
  if (!op_begin(rq))
    return;
  rc = sr_inet_ntoa(packed.data, packed.len, out, sizeof out);
  op_end(rq);
  if (!sr_failed(rq, rc))
    json_write_cstring(result(rq), out);
}

static void op_inet_pton(request *rq) {
  const char *text;
  unsigned char packed[16];
  int family, rc;
  if (!arg_const(rq, "address_family|family", &family) ||
      !arg_str(rq, "ip_string|string", &text))
    return;
  if (!op_begin(rq))
    return;
  rc = sr_inet_pton(family, text, packed);
  op_end(rq);
  if (!sr_failed(rq, rc))
    json_write_hex_object(result(rq), packed, (size_t)rc);
}

static void op_inet_ntop(request *rq) {
  byte_view packed;
  char out[64];
  int family, rc;
  if (!arg_const(rq, "address_family|family", &family) ||
      !arg_bytes(rq, "packed_ip|packed|data", &packed))
    return;
  if (!op_begin(rq))
    return;
  rc = sr_inet_ntop(family, packed.data, packed.len, out, sizeof out);
  op_end(rq);
  if (!sr_failed(rq, rc))
    json_write_cstring(result(rq), out);
}

/* ---- defaults and capabilities ----------------------------------------- */

static void op_getdefaulttimeout(request *rq) {
  double t;
  if (!op_begin(rq))
    return;
  t = sr_getdefaulttimeout();
  op_end(rq);
  write_timeout(result(rq), t);
}

static void op_setdefaulttimeout(request *rq) {
  double t;
  int rc;
  if (!arg_timeout(rq, "timeout", &t))
    return;
  if (!op_begin(rq))
    return;
  rc = sr_setdefaulttimeout(t);
  op_end(rq);
  if (!sr_failed(rq, rc))
    reply_null(rq);
}

static void op_has_ipv6(request *rq) {
  int rc;
  if (!op_begin(rq))
    return;
  rc = sr_has_ipv6();
  op_end(rq);
  json_write_bool(result(rq), rc > 0);
}

const op_spec module_ops[] = {
    {"socket", OP_MODULE, op_socket, "family type proto"},
    {"socketpair", OP_MODULE, op_socketpair, "family type proto"},
    {"create_connection", OP_MODULE, op_create_connection,
     "address timeout source_address"},
    {"fromfd", OP_MODULE, op_fromfd, "fd family type proto"},
    {"getaddrinfo", OP_MODULE, op_getaddrinfo,
     "host port family type proto flags"},
    {"getnameinfo", OP_MODULE, op_getnameinfo, "sockaddr|address flags"},
    {"gethostname", OP_MODULE, op_gethostname, ""},
    {"gethostbyname", OP_MODULE, op_gethostbyname, "host|hostname|name"},
    {"gethostbyname_ex", OP_MODULE, op_gethostbyname_ex, "host|hostname|name"},
    {"gethostbyaddr", OP_MODULE, op_gethostbyaddr, "ip_address|name|host|address"},
    {"getfqdn", OP_MODULE, op_getfqdn, "name"},
    {"getprotobyname", OP_MODULE, op_getprotobyname, "name|protocolname"},
    {"getservbyname", OP_MODULE, op_getservbyname,
     "name|servicename proto|protocolname"},
    {"getservbyport", OP_MODULE, op_getservbyport, "port proto|protocolname"},
    {"ntohl", OP_MODULE, op_ntohl, "x"},
    {"ntohs", OP_MODULE, op_ntohs, "x"},
    {"htonl", OP_MODULE, op_htonl, "x"},
    {"htons", OP_MODULE, op_htons, "x"},
    {"inet_aton", OP_MODULE, op_inet_aton, "ip_string|string"},
    {"inet_ntoa", OP_MODULE, op_inet_ntoa, "packed_ip|packed|data"},
    {"inet_pton", OP_MODULE, op_inet_pton,
     "address_family|family ip_string|string"},
    {"inet_ntop", OP_MODULE, op_inet_ntop,
     "address_family|family packed_ip|packed|data"},
    {"getdefaulttimeout", OP_MODULE, op_getdefaulttimeout, ""},
    {"setdefaulttimeout", OP_MODULE, op_setdefaulttimeout, "timeout"},
    {"has_ipv6", OP_MODULE, op_has_ipv6, ""},
};

const size_t module_ops_count = sizeof module_ops / sizeof module_ops[0];
