/* Socket methods: the operations with "sock". */
#include <string.h>

#include "constants.h"
#include "ops.h"
#include "sandbox.h"

/* ---- connection set-up ------------------------------------------------- */

static void op_accept(request *rq) {
  const char *as = as_name(rq);
  sr_socket *conn = NULL;
  sr_address peer;
  int rc;
  json_writer *w = result(rq);

  if (as == NULL)
    return;
  memset(&peer, 0, sizeof peer);
  if (!op_begin(rq))
    return;
  rc = sr_accept(rq->sock, &conn, &peer);
  op_end(rq);
  if (sr_failed(rq, rc) || !store_socket(rq, as, conn))
    return;
  json_write_begin_object(w);
  json_write_key(w, "address");
  write_address(w, &peer);
  json_write_end_object(w);
}

/* bind and connect: an address in the socket's family, nothing back. */
static void address_op(request *rq,
                       int (*call)(sr_socket *, const sr_address *)) {
  sr_address a;
  int rc;
  if (!arg_address(rq, "address", sr_socket_family(rq->sock), &a))
    return;
  if (!op_begin(rq))
    return;
  rc = call(rq->sock, &a);
  op_end(rq);
  if (!sr_failed(rq, rc))
    reply_null(rq);
}

static void op_bind(request *rq) { address_op(rq, sr_bind); }

static void op_listen(request *rq) {
  int64_t backlog;
  int c_backlog, rc;
  /* The seed requires backlog; later Pythons default it to
   * min(SOMAXCONN, 128), which is what a left-out backlog means here. */
  int64_t dflt = SOMAXCONN < 128 ? SOMAXCONN : 128;
  if (!arg_int_or(rq, "backlog", dflt, &backlog) ||
      !fit_int(rq, "backlog", backlog, &c_backlog))
    return;
  if (!op_begin(rq))
    return;
  rc = sr_listen(rq->sock, c_backlog);
  op_end(rq);
  if (!sr_failed(rq, rc))
    reply_null(rq);
}

static void op_connect(request *rq) { address_op(rq, sr_connect); }

static void op_connect_ex(request *rq) {
  sr_address a;
  int rc;
  if (!arg_address(rq, "address", sr_socket_family(rq->sock), &a))
    return;
  if (!op_begin(rq))
    return;
  rc = sr_connect_ex(rq->sock, &a);
  op_end(rq);
  if (!sr_failed(rq, rc))
    json_write_int(result(rq), rc); /* 0 or the positive errno */
}

static void op_shutdown(request *rq) {
  int how, rc;
  if (!arg_const(rq, "how", &how))
    return;
  if (!op_begin(rq))
    return;
  rc = sr_shutdown(rq->sock, how);
  op_end(rq);
  if (!sr_failed(rq, rc))
    reply_null(rq);
}

/* ---- descriptor lifetime ----------------------------------------------- */

static void op_close(request *rq) {
  int rc;
  if (!op_begin(rq))
    return;
  rc = sr_close(rq->sock);
  op_end(rq);
  if (!sr_failed(rq, rc))
    reply_null(rq);
}

static void write_descriptor(json_writer *w, sr_sock_t fd) {
  if (fd == SR_INVALID_SOCK)
    json_write_int(w, -1);
  else
    json_write_int(w, (int64_t)fd);
}

/* detach: the descriptor now belongs to the harness, so the handle is
 * forgotten (the object is freed without closing it). */
static void op_detach(request *rq) {
  sr_sock_t fd;
  if (!op_begin(rq))
    return;
  fd = sr_detach(rq->sock);
  op_end(rq);
  write_descriptor(result(rq), fd);
  handles_drop_socket(&rq->ag->handles, rq->sock_name);
  rq->sock = NULL;
  sandbox_release_fd(rq, fd);
}

static void op_fileno(request *rq) {
  sr_sock_t fd;
  if (!op_begin(rq))
    return;
  fd = sr_fileno(rq->sock);
  op_end(rq);
  write_descriptor(result(rq), fd);
}

static void op_info(request *rq) {
  json_writer *w = result(rq);
  json_write_begin_object(w);
  json_write_key(w, "family");
  write_constant(w, "AF_", sr_socket_family(rq->sock));
  json_write_key(w, "type");
  write_constant(w, "SOCK_", sr_socket_type(rq->sock));
  json_write_key(w, "proto");
  json_write_int(w, sr_socket_proto(rq->sock));
  json_write_end_object(w);
}

static void name_op(request *rq, int (*fn)(sr_socket *, sr_address *)) {
  sr_address a;
  int rc;
  memset(&a, 0, sizeof a);
  if (!op_begin(rq))
    return;
  rc = fn(rq->sock, &a);
  op_end(rq);
  if (!sr_failed(rq, rc))
    write_address(result(rq), &a);
}

static void op_getpeername(request *rq) { name_op(rq, sr_getpeername); }
static void op_getsockname(request *rq) { name_op(rq, sr_getsockname); }

/* ---- options and modes ------------------------------------------------- */

static void op_getsockopt(request *rq) {
  int level, optname, value = 0, rc;
  int64_t buflen;
  unsigned char buf[1024];

  if (!arg_const(rq, "level", &level) || !arg_const(rq, "optname", &optname))
    return;
  if (!arg_present(rq, "buflen")) {
    if (failed(rq))
      return;
    if (!op_begin(rq))
      return;
    rc = sr_getsockopt(rq->sock, level, optname, &value);
    op_end(rq);
    if (!sr_failed(rq, rc))
      json_write_int(result(rq), value);
    return;
  }
  if (!arg_int(rq, "buflen", &buflen))
    return;
  if (buflen <= 0 || buflen > (int64_t)sizeof buf) {
    /* Checked here too: the buffer must exist before the library can look
     * at the length. Same limits and words as the library and CPython. */
    reply_value(rq, "getsockopt buflen out of range");
    return;
  }
  if (!op_begin(rq))
    return;
  rc = sr_getsockopt_buf(rq->sock, level, optname, buf, (size_t)buflen);
  op_end(rq);
  if (!sr_failed(rq, rc))
    json_write_hex_object(result(rq), buf, (size_t)rc);
}

static void op_setsockopt(request *rq) {
  int level, optname, ivalue, rc;
  const json_value *v;
  byte_view bytes;

  if (!arg_const(rq, "level", &level) || !arg_const(rq, "optname", &optname) ||
      !sandbox_sockopt_ok(rq, level, optname))
    return;
  v = arg_get(rq, "value");
  if (v == NULL) {
    if (!failed(rq))
      reply_protocol(rq, "missing argument 'value'");
    return;
  }
  if (v->type == JSON_OBJECT) {
    if (!value_bytes(rq, "value", v, &bytes))
      return;
    if (!op_begin(rq))
      return;
    rc = sr_setsockopt_buf(rq->sock, level, optname, bytes.data, bytes.len);
    op_end(rq);
  } else {
    if (!arg_const(rq, "value", &ivalue))
      return;
    if (!op_begin(rq))
      return;
    rc = sr_setsockopt(rq->sock, level, optname, ivalue);
    op_end(rq);
  }
  if (!sr_failed(rq, rc))
    reply_null(rq);
}

static void op_gettimeout(request *rq) {
  double t;
  if (!op_begin(rq))
    return;
  t = sr_gettimeout(rq->sock);
  op_end(rq);
  write_timeout(result(rq), t);
}

static void op_settimeout(request *rq) {
  double t;
  int rc;
  if (!arg_timeout(rq, "value|timeout", &t))
    return;
  if (!op_begin(rq))
    return;
  rc = sr_settimeout(rq->sock, t);
  op_end(rq);
  sandbox_tame(rq, rq->sock);
  if (!sr_failed(rq, rc))
    reply_null(rq);
}

static void op_setblocking(request *rq) {
  bool flag;
  int rc;
  if (!arg_bool(rq, "flag", &flag))
    return;
  if (!op_begin(rq))
    return;
  rc = sr_setblocking(rq->sock, flag ? 1 : 0);
  op_end(rq);
  sandbox_tame(rq, rq->sock);
  if (!sr_failed(rq, rc))
    reply_null(rq);
}

/* ---- data -------------------------------------------------------------- */

/* A receive size: negative is the socket module's ValueError; the library
 * returns int counts, so more than INT_MAX cannot be asked for. */
static bool receive_size(request *rq, const char *names, const char *op,
                         int64_t *out) {
  if (!arg_int(rq, names, out))
    return false;
  if (*out < 0 && strcmp(names, "size") == 0) {
    /* The length of the agent's own buffer, not an API argument. */
    reply_protocol(rq, "size must be >= 0");
    return false;
  }
  if (*out < 0) {
    reply_value(rq, "negative buffersize in %s", op);
    return false;
  }
  if (*out > 2147483647 || *out > sandbox_buffer_limit(rq)) {
    reply_value(rq, "buffer size %lld is larger than this agent supports",
                (long long)*out);
    return false;
  }
  return true;
}

static void op_recv(request *rq) {
  int64_t bufsize;
  int flags, rc;
  unsigned char *buf;
  if (!receive_size(rq, "bufsize", "recv", &bufsize) ||
      !arg_flags(rq, "flags", &flags))
    return;
  buf = request_alloc(rq, (size_t)bufsize + 1);
  if (buf == NULL)
    return;
  if (!op_begin(rq))
    return;
  rc = sr_recv(rq->sock, buf, (size_t)bufsize, flags);
  op_end(rq);
  if (!sr_failed(rq, rc))
    json_write_hex_object(result(rq), buf, (size_t)rc);
}

static void op_recvfrom(request *rq) {
  int64_t bufsize;
  int flags, rc;
  unsigned char *buf;
  sr_address from;
  json_writer *w = result(rq);

  if (!receive_size(rq, "bufsize", "recvfrom", &bufsize) ||
      !arg_flags(rq, "flags", &flags))
    return;
  buf = request_alloc(rq, (size_t)bufsize + 1);
  if (buf == NULL)
    return;
  memset(&from, 0, sizeof from);
  if (!op_begin(rq))
    return;
  rc = sr_recvfrom(rq->sock, buf, (size_t)bufsize, flags, &from);
  op_end(rq);
  if (sr_failed(rq, rc))
    return;
  json_write_begin_object(w);
  json_write_key(w, "data");
  json_write_hex_object(w, buf, (size_t)rc);
  json_write_key(w, "address");
  write_address(w, &from);
  json_write_end_object(w);
}

/* recv_into / recvfrom_into: the buffer is given by its length ("size");
 * the result shows its first count bytes. */
static void receive_into(request *rq, bool with_address) {
  int64_t size, nbytes;
  int flags, rc;
  unsigned char *buf;
  sr_address from;
  json_writer *w = result(rq);

  if (!receive_size(rq, "size", with_address ? "recvfrom_into" : "recv_into",
                    &size) ||
      !arg_int_or(rq, "nbytes", 0, &nbytes) || !arg_flags(rq, "flags", &flags))
    return;
  buf = request_alloc(rq, (size_t)size + 1);
  if (buf == NULL)
    return;
  memset(buf, 0, (size_t)size);
  memset(&from, 0, sizeof from);
  if (!op_begin(rq))
    return;
  if (with_address)
    rc = sr_recvfrom_into(rq->sock, buf, (size_t)size, nbytes, flags, &from);
  else
    rc = sr_recv_into(rq->sock, buf, (size_t)size, nbytes, flags);
  op_end(rq);
  if (sr_failed(rq, rc))
    return;
  json_write_begin_object(w);
  json_write_key(w, "count");
  json_write_int(w, rc);
  json_write_key(w, "data");
  json_write_hex_object(w, buf, (size_t)rc);
  if (with_address) {
    json_write_key(w, "address");
    write_address(w, &from);
  }
  json_write_end_object(w);
}

static void op_recv_into(request *rq) { receive_into(rq, false); }
static void op_recvfrom_into(request *rq) { receive_into(rq, true); }

static void op_send(request *rq) {
  byte_view data;
  int flags, rc;
  if (!arg_bytes(rq, "data", &data) || !arg_flags(rq, "flags", &flags))
    return;
  if (!op_begin(rq))
    return;
  rc = sr_send(rq->sock, data.data, data.len, flags);
  op_end(rq);
  if (!sr_failed(rq, rc))
    json_write_int(result(rq), rc);
}

static void op_sendall(request *rq) {
  byte_view data;
  int flags, rc;
  if (!arg_bytes(rq, "data", &data) || !arg_flags(rq, "flags", &flags))
    return;
  if (!op_begin(rq))
    return;
  rc = sr_sendall(rq->sock, data.data, data.len, flags);
  op_end(rq);
  if (!sr_failed(rq, rc))
    reply_null(rq);
}

static void op_sendto(request *rq) {
  byte_view data;
  sr_address to;
  int flags, rc;
  if (!arg_bytes(rq, "data", &data) || !arg_flags(rq, "flags", &flags) ||
      !arg_address(rq, "address", sr_socket_family(rq->sock), &to))
    return;
  if (!op_begin(rq))
    return;
  rc = sr_sendto(rq->sock, data.data, data.len, flags, &to);
  op_end(rq);
  if (!sr_failed(rq, rc))
    json_write_int(result(rq), rc);
}

/* ---- ioctl ------------------------------------------------------------- */

/* control: a SIO_* name or a number (SIO_* values exceed int). */
static bool ioctl_control(request *rq, unsigned long *out) {
  const json_value *v = arg_get(rq, "control");
  int64_t value;
  if (v == NULL) {
    if (!failed(rq))
      reply_protocol(rq, "missing argument 'control'");
    return false;
  }
  if (v->type == JSON_STRING) {
    if (!json_string_is_c(v) || !constant_value(v->u.string.ptr, &value)) {
      defer_unsupported(rq, "constant %.64s is not defined on this platform",
                        v->u.string.ptr);
      value = 0;
    }
  } else if (v->type == JSON_INT) {
    value = v->u.integer;
  } else {
    reply_value(rq, "control: an integer is required");
    return false;
  }
  if (value < 0 || (uint64_t)value > (uint64_t)(unsigned long)-1) {
    reply_value(rq, "control out of range");
    return false;
  }
  *out = (unsigned long)value;
  return true;
}

/* option: an integer or constant (SIO_RCVALL, SIO_LOOPBACK_FAST_PATH: a
 * 32-bit value) or, for SIO_KEEPALIVE_VALS, [onoff, time_ms, interval_ms]. */
static void op_ioctl(request *rq) {
  unsigned long control;
  const json_value *v;
  uint32_t words[3];
  size_t count = 0, i;
  int64_t item;
  int rc;

  if (!ioctl_control(rq, &control))
    return;
  v = arg_get(rq, "option");
  if (v == NULL) {
    if (!failed(rq))
      reply_protocol(rq, "missing argument 'option'");
    return;
  }
  if (v->type == JSON_ARRAY) {
    if (v->u.array.count != 3) {
      reply_value(rq, "option: a list of 3 integers is required");
      return;
    }
    for (i = 0; i < 3; i++) {
      if (v->u.array.items[i]->type != JSON_INT ||
          v->u.array.items[i]->u.integer < 0 ||
          v->u.array.items[i]->u.integer > UINT32_MAX) {
        reply_value(rq, "option: items must be integers 0..4294967295");
        return;
      }
      words[i] = (uint32_t)v->u.array.items[i]->u.integer;
    }
    count = 3;
  } else {
    int c;
    if (v->type == JSON_BOOL) {
      item = v->u.boolean;
    } else {
      if (!arg_const(rq, "option", &c))
        return;
      item = c;
    }
    words[0] = (uint32_t)item;
    count = 1;
  }
  if (!op_begin(rq))
    return;
  rc = sr_ioctl(rq->sock, control, words, count * sizeof words[0]);
  op_end(rq);
  if (!sr_failed(rq, rc))
    reply_null(rq);
}

/* ---- makefile ---------------------------------------------------------- */

/* makefile(mode='r', buffering=None, encoding, errors, newline). The
 * library's files carry bytes in every mode, so encoding, errors and
 * newline are accepted and have no effect. */
static void op_makefile(request *rq) {
  const char *as = as_file_name(rq);
  const char *mode = "r", *ignored;
  handle_entry *entry;
  const json_value *b;
  int64_t buffering = -1;
  int c_buffering, rc;
  sr_file *f = NULL;

  if (as == NULL)
    return;
  if (arg_present(rq, "mode") && !arg_str(rq, "mode", &mode))
    return;
  b = arg_get(rq, "buffering");
  if (b != NULL && b->type != JSON_NULL && !arg_int(rq, "buffering", &buffering))
    return;
  if (failed(rq) || !fit_int(rq, "buffering", buffering, &c_buffering) ||
      !arg_str_or_null(rq, "encoding", &ignored) ||
      !arg_str_or_null(rq, "errors", &ignored) ||
      !arg_str_or_null(rq, "newline", &ignored))
    return;
  if (!op_begin(rq))
    return;
  rc = sr_makefile(rq->sock, &f, mode, c_buffering);
  op_end(rq);
  if (sr_failed(rq, rc))
    return;
  entry = handles_put_file(&rq->ag->handles, as, f);
  if (entry == NULL) {
    sr_file_free(f);
    reply_value(rq, "out of memory storing handle '%s'", as);
    return;
  }
  /* Text mode reads answer strings, as the socket module's do. */
  entry->text = strchr(mode, 'b') == NULL;
  reply_null(rq);
}

const op_spec socket_ops[] = {
    {"accept", OP_SOCKET, op_accept, ""},
    {"bind", OP_SOCKET, op_bind, "address"},
    {"close", OP_SOCKET, op_close, ""},
    {"connect", OP_SOCKET, op_connect, "address"},
    {"connect_ex", OP_SOCKET, op_connect_ex, "address"},
    {"detach", OP_SOCKET, op_detach, ""},
    {"fileno", OP_SOCKET, op_fileno, ""},
    {"getpeername", OP_SOCKET, op_getpeername, ""},
    {"getsockname", OP_SOCKET, op_getsockname, ""},
    {"getsockopt", OP_SOCKET, op_getsockopt, "level optname buflen"},
    {"gettimeout", OP_SOCKET, op_gettimeout, ""},
    {"listen", OP_SOCKET, op_listen, "backlog"},
    {"recv", OP_SOCKET, op_recv, "bufsize flags"},
    {"recvfrom", OP_SOCKET, op_recvfrom, "bufsize flags"},
    {"recv_into", OP_SOCKET, op_recv_into, "size nbytes flags"},
    {"recvfrom_into", OP_SOCKET, op_recvfrom_into, "size nbytes flags"},
    {"send", OP_SOCKET, op_send, "data flags"},
    {"sendall", OP_SOCKET, op_sendall, "data flags"},
    {"sendto", OP_SOCKET, op_sendto, "data flags address"},
    {"setblocking", OP_SOCKET, op_setblocking, "flag"},
    {"settimeout", OP_SOCKET, op_settimeout, "value|timeout"},
    {"setsockopt", OP_SOCKET, op_setsockopt, "level optname value"},
    {"shutdown", OP_SOCKET, op_shutdown, "how"},
    {"info", OP_SOCKET, op_info, ""},
    {"ioctl", OP_SOCKET, op_ioctl, "control option"},
    {"makefile", OP_SOCKET, op_makefile,
     "mode buffering encoding errors newline"},
};

const size_t socket_ops_count = sizeof socket_ops / sizeof socket_ops[0];
