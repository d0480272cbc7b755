/* Helper operations scenarios need around the socket API: sleep, poll,
 * fdflags, drain, echo and exit. They use the library like any program
 * would (sr_poll and sr_fdflags are libsockref's own helpers, from
 * sockref/testing.h). */
#include <string.h>

#include "ops.h"
#include "platform_io.h"
#include "sandbox.h"
#include "sha256.h"
#include "sockref/testing.h"

static void op_sleep(request *rq) {
  double seconds;
  if (!arg_seconds(rq, "seconds", &seconds))
    return;
  if (seconds < 0) {
    reply_value(rq, "sleep length must be non-negative");
    return;
  }
  if (!op_begin(rq))
    return;
  platform_sleep(sandbox_wait(rq, seconds));
  op_end(rq);
  reply_null(rq);
}

/* events: a non-empty list of "in" / "out". */
static bool poll_events(request *rq, int *events) {
  const json_value *v = arg_get(rq, "events");
  size_t i;
  *events = 0;
  if (v == NULL) {
    if (!failed(rq))
      reply_protocol(rq, "missing argument 'events'");
    return false;
  }
  for (i = 0; v->type == JSON_ARRAY && i < v->u.array.count; i++) {
    const json_value *e = v->u.array.items[i];
    if (e->type == JSON_STRING && strcmp(e->u.string.ptr, "in") == 0 &&
        e->u.string.len == 2)
      *events |= SR_POLLIN;
    else if (e->type == JSON_STRING && strcmp(e->u.string.ptr, "out") == 0 &&
             e->u.string.len == 3)
      *events |= SR_POLLOUT;
    else
      break;
  }
  if (v->type != JSON_ARRAY || v->u.array.count == 0 || i < v->u.array.count) {
    reply_protocol(rq, "events must be a non-empty list of \"in\" and \"out\"");
    return false;
  }
  return true;
}

static void op_poll(request *rq) {
  int events, ready;
  double timeout = SR_TIMEOUT_NONE;
  const json_value *t;
  json_writer *w = result(rq);

  if (!poll_events(rq, &events))
    return;
  t = arg_get(rq, "timeout");
  if (t != NULL && !value_timeout(rq, "timeout", t, &timeout))
    return;
  if (failed(rq))
    return;
  if (timeout < 0 && timeout != SR_TIMEOUT_NONE)
    timeout = 0; /* a negative wait is no wait, as poll(2) rounds it */
  timeout = sandbox_wait(rq, timeout);
  if (!op_begin(rq))
    return;
  ready = sr_poll(rq->sock, events, timeout);
  op_end(rq);
  if (sr_failed(rq, ready))
    return;
  json_write_begin_array(w);
  if (ready & SR_POLLIN)
    json_write_cstring(w, "in");
  if (ready & SR_POLLOUT)
    json_write_cstring(w, "out");
  json_write_end_array(w);
}

/* Not on Windows: it cannot read FIONBIO back (libsockref answers
 * SR_EUNSUPPORTED there), so the hello does not list fdflags. */
#ifndef _WIN32
static void op_fdflags(request *rq) {
  int nonblocking = 0, cloexec = 0, rc;
  json_writer *w = result(rq);
  if (!op_begin(rq))
    return;
  rc = sr_fdflags(rq->sock, &nonblocking, &cloexec);
  op_end(rq);
  if (sr_failed(rq, rc))
    return;
  json_write_begin_object(w);
  json_write_key(w, "nonblocking");
  json_write_bool(w, nonblocking != 0);
  json_write_key(w, "cloexec");
  json_write_bool(w, cloexec != 0);
  json_write_end_object(w);
}
#endif

/* The receive buffer of drain/echo: bufsize must be 1..16 MiB. */
static unsigned char *loop_buffer(request *rq, int64_t dflt, int64_t *size) {
  int64_t limit = sandbox_buffer_limit(rq);
  if (limit > 16 << 20)
    limit = 16 << 20;
  if (!arg_int_or(rq, "bufsize", dflt, size))
    return NULL;
  if (*size < 1 || *size > limit) {
    reply_protocol(rq, "bufsize must be 1..%lld", (long long)limit);
    return NULL;
  }
  return request_alloc(rq, (size_t)*size);
}

/* drain: receive until EOF or `limit` bytes; answer the count and the
 * SHA-256 of what came. An error ends it: the error is the reply. */
static void op_drain(request *rq) {
  int64_t bufsize, limit = -1, count = 0;
  unsigned char *buf, digest[32];
  char hex[65];
  sha256_ctx sha;
  const json_value *l;
  json_writer *w = result(rq);
  int rc = 0;

  buf = loop_buffer(rq, 65536, &bufsize);
  if (buf == NULL)
    return;
  l = arg_get(rq, "limit");
  if (l != NULL && l->type != JSON_NULL && !arg_int(rq, "limit", &limit))
    return;
  if (failed(rq))
    return;
  if (l != NULL && l->type != JSON_NULL && limit < 0) {
    reply_protocol(rq, "limit must be >= 0");
    return;
  }
  sha256_init(&sha);
  if (!op_begin(rq))
    return;
  while (limit < 0 || count < limit) {
    size_t want = (size_t)bufsize;
    if (limit >= 0 && (int64_t)want > limit - count)
      want = (size_t)(limit - count);
    rc = sr_recv(rq->sock, buf, want, 0);
    if (rc <= 0)
      break;
    sha256_update(&sha, buf, (size_t)rc);
    count += rc;
  }
  op_end(rq);
  if (sr_failed(rq, rc))
    return;
  sha256_final(&sha, digest);
  sha256_hex(digest, hex);
  json_write_begin_object(w);
  json_write_key(w, "count");
  json_write_int(w, count);
  json_write_key(w, "sha256");
  json_write_cstring(w, hex);
  json_write_end_object(w);
}

/* echo: the seed's echo server loop, literally: recv(bufsize), stop on
 * b'', send(data) (send, not sendall, as the example has it, so a short
 * send loses data as the documented program would). count is the number
 * of bytes sent back. */
static void op_echo(request *rq) {
  int64_t bufsize, count = 0;
  unsigned char *buf;
  json_writer *w = result(rq);
  int rc = 0;

  buf = loop_buffer(rq, 1024, &bufsize);
  if (buf == NULL)
    return;
  if (!op_begin(rq))
    return;
  for (;;) {
    rc = sr_recv(rq->sock, buf, (size_t)bufsize, 0);
    if (rc <= 0)
      break;
    rc = sr_send(rq->sock, buf, (size_t)rc, 0);
    if (rc < 0)
      break;
    count += rc;
  }
  op_end(rq);
  if (sr_failed(rq, rc))
    return;
  json_write_begin_object(w);
  json_write_key(w, "count");
  json_write_int(w, count);
  json_write_end_object(w);
}

static void op_exit(request *rq) {
  rq->ag->exit_requested = true;
  reply_null(rq);
}

const op_spec helper_ops[] = {
    {"sleep", OP_MODULE, op_sleep, "seconds"},
    {"poll", OP_SOCKET, op_poll, "sock events timeout"},
#ifndef _WIN32
    {"fdflags", OP_SOCKET, op_fdflags, "sock"},
#endif
    {"drain", OP_SOCKET, op_drain, "sock bufsize limit"},
    {"echo", OP_SOCKET, op_echo, "sock bufsize"},
    {"exit", OP_MODULE, op_exit, ""},
};

const size_t helper_ops_count = sizeof helper_ops / sizeof helper_ops[0];
