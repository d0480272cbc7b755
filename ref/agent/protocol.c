/* The request/response cycle: parse a line, check the envelope, find the
 * operation and its handle, run it, and write the response line. */
#include "agent.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "capabilities.h"
#include "runtime.h"
#include "sandbox.h"
#include "sockref/testing.h"

/* ======================================================================== */
/* Replies                                                                  */
/* ======================================================================== */

json_writer *result(request *rq) { return &rq->ag->result; }

void reply_null(request *rq) { json_write_null(result(rq)); }

bool failed(const request *rq) { return rq->error != ERR_NONE; }

static void set_error(request *rq, error_type type, const char *fmt,
                      va_list ap) {
  if (rq->error != ERR_NONE)
    return; /* the first problem is the one to report */
  rq->error = type;
  vsnprintf(rq->message, sizeof rq->message, fmt, ap);
}

void reply_value(request *rq, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  set_error(rq, ERR_VALUE, fmt, ap);
  va_end(ap);
}

void reply_unsupported(request *rq, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  set_error(rq, ERR_UNSUPPORTED, fmt, ap);
  va_end(ap);
}

void reply_protocol(request *rq, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  set_error(rq, ERR_PROTOCOL, fmt, ap);
  va_end(ap);
}

static void set_error_plain(request *rq, error_type type, const char *text) {
  if (rq->error != ERR_NONE)
    return;
  rq->error = type;
  snprintf(rq->message, sizeof rq->message, "%s", text);
}

/* Library error -> the contract's error object. */
void reply_sr_error(request *rq, int err) {
  const char *detail = sr_last_detail();
  const char *text = detail != NULL && detail[0] != '\0' ? detail
                                                         : sr_strerror(err);
  if (rq->error != ERR_NONE)
    return;
  switch (sr_err_kind(err)) {
  case SR_KIND_TIMEOUT:
    set_error_plain(rq, ERR_TIMEOUT, "timed out");
    return;
  case SR_KIND_VALUE:
    set_error_plain(rq, ERR_VALUE, text);
    return;
  case SR_KIND_UNSUPPORTED:
    /* The detail may be stale here: only value-kind errors set it. */
    set_error_plain(rq, ERR_UNSUPPORTED, sr_strerror(err));
    return;
  case SR_KIND_ERROR_MSG:
    /* socket.error with a message but no errno (inet_aton & co.). */
    set_error_plain(rq, ERR_ERROR, text);
    return;
  case SR_KIND_GAI:
    set_error_plain(rq, ERR_GAIERROR, sr_strerror(err));
    break;
  case SR_KIND_H:
    set_error_plain(rq, ERR_HERROR, sr_strerror(err));
    break;
  default:
    set_error_plain(rq, ERR_ERROR, sr_strerror(err));
    break;
  }
  rq->err_name = sr_err_name(err);
  rq->has_code = true;
  rq->code = sr_err_native(err);
}

void defer_unsupported(request *rq, const char *fmt, ...) {
  va_list ap;
  if (rq->unsupported[0] != '\0')
    return;
  va_start(ap, fmt);
  vsnprintf(rq->unsupported, sizeof rq->unsupported, fmt, ap);
  va_end(ap);
}

bool op_begin(request *rq) {
  if (rq->error != ERR_NONE)
    return false;
  if (rq->unsupported[0] != '\0') {
    set_error_plain(rq, ERR_UNSUPPORTED, rq->unsupported);
    return false;
  }
  rq->timed = true;
  rq->t_begin = sr_monotonic();
  rq->t_end = rq->t_begin;
  return true;
}

void op_end(request *rq) { rq->t_end = sr_monotonic(); }

/* ======================================================================== */
/* Agent lifetime                                                           */
/* ======================================================================== */

void agent_init(agent *ag) {
  memset(ag, 0, sizeof *ag);
  handles_init(&ag->handles);
  json_arena_init(&ag->arena);
  json_writer_init(&ag->result);
  json_writer_init(&ag->response);
}

void agent_close_all(agent *ag) { handles_clear(&ag->handles); }

void agent_free(agent *ag) {
  agent_close_all(ag);
  json_arena_free(&ag->arena);
  json_writer_free(&ag->result);
  json_writer_free(&ag->response);
}

static void write_op_names(json_writer *w, const op_spec *ops, size_t n) {
  size_t i;
  for (i = 0; i < n; i++)
    json_write_cstring(w, ops[i].name);
}

static void write_layers(json_writer *w, const agent_runtime *rt) {
  int i;
  json_write_begin_array(w);
  for (i = 0; i < rt->layer_count; i++) {
    json_write_begin_object(w);
    json_write_key(w, "name");
    json_write_cstring(w, rt->layers[i].name);
    json_write_key(w, "version");
    json_write_cstring(w, rt->layers[i].version);
    json_write_end_object(w);
  }
  json_write_end_array(w);
}

const char *agent_hello(agent *ag, size_t *len) {
  json_writer *w = &ag->response;
  agent_runtime rt;

  runtime_describe(&rt);
  json_writer_reset(w);
  json_write_begin_object(w);
  json_write_key(w, "hello");
  json_write_int(w, AGENT_PROTOCOL_VERSION);
  json_write_key(w, "impl");
  json_write_cstring(w, "ref");
  json_write_key(w, "impl_version");
  json_write_cstring(w, rt.impl_version);
  json_write_key(w, "agent_version");
  json_write_cstring(w, AGENT_VERSION);
  json_write_key(w, "runtime");
  json_write_begin_object(w);
  json_write_key(w, "os");
  json_write_cstring(w, rt.os);
  json_write_key(w, "libc");
  json_write_cstring(w, rt.libc);
  json_write_key(w, "arch");
  json_write_cstring(w, rt.arch);
  json_write_key(w, "layers");
  write_layers(w, &rt);
  json_write_end_object(w);
  json_write_key(w, "ops");
  json_write_begin_array(w);
  write_op_names(w, module_ops, module_ops_count);
  write_op_names(w, socket_ops, socket_ops_count);
  write_op_names(w, file_ops, file_ops_count);
  write_op_names(w, helper_ops, helper_ops_count);
  json_write_end_array(w);
  json_write_key(w, "capabilities");
  capabilities_write(w);
  json_write_end_object(w);
  json_write_raw(w, "\n", 1);
  *len = w->len;
  return w->buf;
}

/* ======================================================================== */
/* Responses                                                                */
/* ======================================================================== */

static const char *error_type_name(error_type type) {
  switch (type) {
  case ERR_ERROR: return "error";
  case ERR_TIMEOUT: return "timeout";
  case ERR_GAIERROR: return "gaierror";
  case ERR_HERROR: return "herror";
  case ERR_VALUE: return "value";
  case ERR_UNSUPPORTED: return "unsupported";
  case ERR_PROTOCOL: return "protocol";
  case ERR_NONE: break;
  }
  return "protocol";
}

static void write_error_object(json_writer *w, const request *rq) {
  json_write_begin_object(w);
  json_write_key(w, "type");
  json_write_cstring(w, error_type_name(rq->error));
  if (rq->error == ERR_ERROR || rq->error == ERR_GAIERROR ||
      rq->error == ERR_HERROR) {
    /* A socket.error that carries only a message has errno/code null. */
    json_write_key(w, "errno");
    if (rq->err_name != NULL)
      json_write_cstring(w, rq->err_name);
    else
      json_write_null(w);
    json_write_key(w, "code");
    if (rq->has_code)
      json_write_int(w, rq->code);
    else
      json_write_null(w);
  }
  json_write_key(w, "message");
  json_write_cstring(w, rq->message);
  json_write_end_object(w);
}

static const char *finish_response(agent *ag, request *rq, double elapsed,
                                   size_t *out_len) {
  json_writer *w = &ag->response;

  if (rq->error == ERR_NONE && ag->result.failed)
    set_error_plain(rq, ERR_VALUE, "result too large to encode (out of memory)");
  if (rq->error == ERR_NONE && ag->result.len == 0)
    json_write_null(&ag->result); /* a handler that forgot: answer null */

  json_writer_reset(w);
  json_write_begin_object(w);
  json_write_key(w, "id");
  if (rq->has_id)
    json_write_int(w, rq->id);
  else
    json_write_null(w);
  json_write_key(w, "ok");
  json_write_bool(w, rq->error == ERR_NONE);
  if (rq->error == ERR_NONE) {
    json_write_key(w, "result");
    json_write_raw_value(w, ag->result.buf, ag->result.len);
  } else {
    json_write_key(w, "error");
    write_error_object(w, rq);
  }
  json_write_key(w, "elapsed");
  json_write_double(w, elapsed > 0 ? elapsed : 0.0);
  json_write_end_object(w);
  json_write_raw(w, "\n", 1);

  if (w->failed) {
    /* Not even the response fits in memory: say so in a minimal line. */
    static const char oom[] =
        "{\"id\":null,\"ok\":false,\"error\":{\"type\":\"value\",\"message\":"
        "\"response too large (out of memory)\"},\"elapsed\":0.0}\n";
    *out_len = sizeof oom - 1;
    return oom;
  }
  *out_len = w->len;
  return w->buf;
}

/* ======================================================================== */
/* Dispatch                                                                 */
/* ======================================================================== */

static const op_spec *find_in(const op_spec *ops, size_t n, const char *name) {
  size_t i;
  for (i = 0; i < n; i++)
    if (strcmp(ops[i].name, name) == 0)
      return &ops[i];
  return NULL;
}

static const op_spec *find_op(const char *name) {
  const op_spec *op = find_in(module_ops, module_ops_count, name);
  if (op == NULL)
    op = find_in(socket_ops, socket_ops_count, name);
  if (op == NULL)
    op = find_in(file_ops, file_ops_count, name);
  if (op == NULL)
    op = find_in(helper_ops, helper_ops_count, name);
  return op;
}

/* Whether `name` is one of the spellings in an op_spec args list. */
static bool arg_declared(const char *spec, const char *name, size_t len) {
  const char *p = spec;
  while (*p != '\0') {
    size_t n = strcspn(p, " |");
    if (n == len && memcmp(p, name, n) == 0)
      return true;
    p += n;
    if (*p != '\0')
      p++;
  }
  return false;
}

static bool check_arg_names(request *rq, const op_spec *op) {
  size_t i;
  for (i = 0; i < rq->args->u.object.count; i++) {
    const json_member *m = &rq->args->u.object.members[i];
    if (!arg_declared(op->args, m->key, m->key_len)) {
      reply_protocol(rq, "unknown argument '%.64s' for %s", m->key, op->name);
      return false;
    }
  }
  return true;
}

/* A handle field: a non-empty string of sane length. */
static const char *handle_field(request *rq, const json_value *v,
                                const char *field) {
  if (v == NULL) {
    reply_protocol(rq, "missing \"%s\"", field);
    return NULL;
  }
  if (v->type != JSON_STRING || !json_string_is_c(v) || v->u.string.len == 0 ||
      v->u.string.len > HANDLE_NAME_MAX) {
    reply_protocol(rq, "\"%s\" must be a non-empty string of at most %d bytes",
                   field, HANDLE_NAME_MAX);
    return NULL;
  }
  return v->u.string.ptr;
}

static bool resolve_target(request *rq, const op_spec *op,
                           const json_value *root) {
  handle_table *t = &rq->ag->handles;
  const json_value *sock;

  if (op->target == OP_SOCKET) {
    /* Helpers (poll, drain, ...) may name the socket inside "args". */
    sock = json_object_get(root, "sock");
    if (sock == NULL)
      sock = json_object_get(rq->args, "sock");
    rq->sock_name = handle_field(rq, sock, "sock");
    if (rq->sock_name == NULL)
      return false;
    rq->sock = handles_socket(t, rq->sock_name);
    if (rq->sock == NULL) {
      reply_protocol(rq, "unknown socket handle '%s'", rq->sock_name);
      return false;
    }
  } else if (op->target == OP_FILE) {
    rq->file_name = handle_field(rq, json_object_get(root, "file"), "file");
    if (rq->file_name == NULL)
      return false;
    rq->file_entry = handles_file_entry(t, rq->file_name);
    if (rq->file_entry == NULL) {
      reply_protocol(rq, "unknown file handle '%s'", rq->file_name);
      return false;
    }
    rq->file = rq->file_entry->object;
  }
  return true;
}

/* The request fields of the contract; anything else is a mistake. */
static bool check_fields(request *rq, const json_value *root) {
  static const char *const known[] = {"id", "op", "sock", "file", "as", "args"};
  size_t i, k;
  for (i = 0; i < root->u.object.count; i++) {
    const json_member *m = &root->u.object.members[i];
    bool ok = false;
    for (k = 0; k < sizeof known / sizeof known[0] && !ok; k++)
      ok = strlen(known[k]) == m->key_len && strcmp(known[k], m->key) == 0;
    if (!ok) {
      reply_protocol(rq, "unknown request field '%.64s'", m->key);
      return false;
    }
  }
  return true;
}

static void read_id(request *rq, const json_value *root) {
  const json_value *id = json_object_get(root, "id");
  if (id != NULL && id->type == JSON_INT) {
    rq->has_id = true;
    rq->id = id->u.integer;
  }
}

static const json_value empty_object = {JSON_OBJECT, false, {0}};

/* Checks the envelope and runs the operation. */
static void serve(request *rq, const json_value *root) {
  const json_value *id = json_object_get(root, "id");
  const json_value *opv = json_object_get(root, "op");
  const json_value *args = json_object_get(root, "args");
  const op_spec *op;

  if (id == NULL) {
    reply_protocol(rq, "missing \"id\"");
    return;
  }
  if (!rq->has_id) {
    reply_protocol(rq, "\"id\" must be an integer");
    return;
  }
  if (opv == NULL) {
    reply_protocol(rq, "missing \"op\"");
    return;
  }
  if (opv->type != JSON_STRING || !json_string_is_c(opv)) {
    reply_protocol(rq, "\"op\" must be a string");
    return;
  }
  rq->op = opv->u.string.ptr;
  if (args != NULL && args->type != JSON_OBJECT && args->type != JSON_NULL) {
    reply_protocol(rq, "\"args\" must be an object");
    return;
  }
  /* "args": null is the same as no arguments. */
  rq->args = args != NULL && args->type == JSON_OBJECT ? args : &empty_object;
  rq->as = json_object_get(root, "as");
  if (!check_fields(rq, root))
    return;

  op = find_op(rq->op);
  if (op == NULL) {
    reply_unsupported(rq, "no such operation: %.64s", rq->op);
    return;
  }
  if (!check_arg_names(rq, op) || !resolve_target(rq, op, root))
    return;
  if (rq->ag->sandbox && !sandbox_allows(rq, op))
    return;
  op->handler(rq);
  if (rq->error == ERR_NONE && rq->unsupported[0] != '\0')
    set_error_plain(rq, ERR_UNSUPPORTED, rq->unsupported);
}

static void request_init(request *rq, agent *ag) {
  memset(rq, 0, sizeof *rq);
  rq->ag = ag;
}

const char *agent_handle_line(agent *ag, const char *line, size_t len,
                              size_t *out_len) {
  request rq;
  json_error jerr;
  const json_value *root;
  double started, elapsed;

  request_init(&rq, ag);
  json_arena_reset(&ag->arena);
  json_writer_reset(&ag->result);
  started = sr_monotonic();

  root = json_parse(&ag->arena, line, len, &jerr);
  if (root == NULL) {
    reply_protocol(&rq, "invalid JSON at byte %zu: %s", jerr.offset,
                   jerr.message);
  } else if (root->type != JSON_OBJECT) {
    reply_protocol(&rq, "a request must be a JSON object");
  } else {
    read_id(&rq, root);
    serve(&rq, root);
  }

  if (rq.error != ERR_NONE)
    json_writer_reset(&ag->result); /* a half-written result is dropped */
  /* elapsed covers the operation proper when the handler marked it, and
   * the whole handling otherwise (validation errors: microseconds). */
  elapsed = rq.timed ? rq.t_end - rq.t_begin : sr_monotonic() - started;
  if (rq.error == ERR_PROTOCOL && !rq.timed)
    elapsed = 0.0;
  return finish_response(ag, &rq, elapsed, out_len);
}

const char *agent_line_too_long(agent *ag, size_t *out_len) {
  request rq;
  request_init(&rq, ag);
  json_writer_reset(&ag->result);
  reply_protocol(&rq, "request line longer than %zu bytes; skipped",
                 (size_t)AGENT_MAX_LINE);
  return finish_response(ag, &rq, 0.0, out_len);
}
