/* Argument decoding; see args.h for the error conventions. */
#include "args.h"

#include <limits.h>
#include <string.h>

#include "constants.h"
#include "sandbox.h"

/* Python's name for the type a JSON value decodes to, for messages that
 * read like the TypeError the socket module would raise. */
static const char *py_type(const json_value *v) {
  switch (v->type) {
  case JSON_NULL: return "NoneType";
  case JSON_BOOL: return "bool";
  case JSON_INT: return "int";
  case JSON_DOUBLE: return v->big_int ? "int" : "float";
  case JSON_STRING: return "str";
  case JSON_ARRAY: return "list";
  case JSON_OBJECT: return "dict";
  }
  return "object";
}

/* The first spelling, for messages. */
static void first_name(const char *names, char *out, size_t size) {
  size_t n = strcspn(names, "|");
  if (n >= size)
    n = size - 1;
  memcpy(out, names, n);
  out[n] = '\0';
}

const json_value *arg_get(request *rq, const char *names) {
  const json_value *found = NULL;
  const char *p = names;
  char name[64];

  while (*p != '\0') {
    size_t n = strcspn(p, "|");
    const json_value *v;
    if (n < sizeof name) {
      memcpy(name, p, n);
      name[n] = '\0';
      v = json_object_get(rq->args, name);
      if (v != NULL) {
        if (found != NULL) {
          reply_protocol(rq, "argument given twice under different names (%s)",
                         names);
          return NULL;
        }
        found = v;
      }
    }
    p += n;
    if (*p == '|')
      p++;
  }
  return found;
}

bool arg_present(request *rq, const char *names) {
  return arg_get(rq, names) != NULL;
}

static const json_value *required(request *rq, const char *names) {
  const json_value *v = arg_get(rq, names);
  char name[64];
  if (v == NULL && !failed(rq)) {
    first_name(names, name, sizeof name);
    reply_protocol(rq, "missing argument '%s'", name);
  }
  return v;
}

/* ---- integers ---------------------------------------------------------- */

static bool value_int(request *rq, const char *what, const json_value *v,
                      int64_t *out) {
  if (v->type == JSON_INT) {
    *out = v->u.integer;
    return true;
  }
  if (v->type == JSON_DOUBLE && v->big_int) {
    /* An integer, only too big: the implementation's OverflowError. */
    reply_value(rq, "%s: Python int too large to convert to C long", what);
    return false;
  }
  reply_protocol(rq, "argument '%s' must be an integer, not %s", what,
                 py_type(v));
  return false;
}

bool arg_int(request *rq, const char *names, int64_t *out) {
  const json_value *v = required(rq, names);
  char name[64];
  if (v == NULL)
    return false;
  first_name(names, name, sizeof name);
  return value_int(rq, name, v, out);
}

bool arg_int_or(request *rq, const char *names, int64_t dflt, int64_t *out) {
  const json_value *v = arg_get(rq, names);
  char name[64];
  if (failed(rq))
    return false;
  if (v == NULL) {
    *out = dflt;
    return true;
  }
  first_name(names, name, sizeof name);
  return value_int(rq, name, v, out);
}

bool fit_int(request *rq, const char *what, int64_t v, int *out) {
  if (v > INT_MAX) {
    reply_value(rq, "%s: signed integer is greater than maximum", what);
    return false;
  }
  if (v < INT_MIN) {
    reply_value(rq, "%s: signed integer is less than minimum", what);
    return false;
  }
  *out = (int)v;
  return true;
}

bool arg_bool(request *rq, const char *names, bool *out) {
  const json_value *v = required(rq, names);
  if (v == NULL)
    return false;
  switch (v->type) {
  case JSON_BOOL: *out = v->u.boolean; return true;
  case JSON_INT: *out = v->u.integer != 0; return true;
  default:
    reply_protocol(rq, "argument must be a boolean, not %s", py_type(v));
    return false;
  }
}

/* ---- constants and flags ----------------------------------------------- */

static bool value_const(request *rq, const char *what, const json_value *v,
                        int *out);

/* A list of constants is OR-ed: "type": ["SOCK_STREAM", "SOCK_NONBLOCK"]. */
static bool value_const_list(request *rq, const char *what,
                             const json_value *v, int *out) {
  size_t i;
  int one;
  *out = 0;
  for (i = 0; i < v->u.array.count; i++) {
    if (v->u.array.items[i]->type == JSON_ARRAY) {
      reply_protocol(rq, "%s: a list of constants cannot nest", what);
      return false;
    }
    if (!value_const(rq, what, v->u.array.items[i], &one))
      return false;
    *out |= one;
  }
  return true;
}

static bool value_const(request *rq, const char *what, const json_value *v,
                        int *out) {
  int64_t value;
  if (v->type == JSON_ARRAY)
    return value_const_list(rq, what, v, out);
  if (v->type == JSON_BOOL) {
    reply_protocol(rq, "%s: a constant must be a name, not a boolean", what);
    return false;
  }
  if (v->type == JSON_STRING) {
    if (!json_string_is_c(v) || !constant_value(v->u.string.ptr, &value)) {
      /* Reading goes on: the rest of the request may be malformed, which
       * comes first. */
      defer_unsupported(rq, "constant %.64s is not defined on this platform",
                        v->u.string.ptr);
      *out = 0;
      return true;
    }
  } else if (!value_int(rq, what, v, &value)) {
    return false;
  }
  /* Some constants (INADDR_NONE, SIO_*) exceed int; they are never passed
   * where an int is wanted, so reject rather than wrap. */
  return fit_int(rq, what, value, out);
}

bool arg_const(request *rq, const char *names, int *out) {
  const json_value *v = required(rq, names);
  char name[64];
  if (v == NULL)
    return false;
  first_name(names, name, sizeof name);
  return value_const(rq, name, v, out);
}

bool arg_const_or(request *rq, const char *names, int dflt, int *out) {
  const json_value *v = arg_get(rq, names);
  char name[64];
  if (failed(rq))
    return false;
  if (v == NULL) {
    *out = dflt;
    return true;
  }
  first_name(names, name, sizeof name);
  return value_const(rq, name, v, out);
}

bool arg_flags(request *rq, const char *names, int *out) {
  return arg_const_or(rq, names, 0, out);
}

/* ---- timeouts ---------------------------------------------------------- */

bool value_timeout(request *rq, const char *what, const json_value *v,
                   double *out) {
  switch (v->type) {
  case JSON_NULL: *out = SR_TIMEOUT_NONE; return true;
  case JSON_INT: *out = (double)v->u.integer; break;
  case JSON_DOUBLE: *out = v->u.number; break;
  default:
    reply_protocol(rq, "argument '%s' must be a number of seconds or null, "
                   "not %s", what, py_type(v));
    return false;
  }
  /* Negative values are the library's to reject ("Timeout value out of
   * range"); only make sure they cannot alias its NONE/DEFAULT markers. */
  if (*out < 0)
    *out = -1e9;
  return true;
}

bool arg_timeout(request *rq, const char *names, double *out) {
  const json_value *v = required(rq, names);
  char name[64];
  if (v == NULL)
    return false;
  first_name(names, name, sizeof name);
  return value_timeout(rq, name, v, out);
}

bool arg_seconds(request *rq, const char *names, double *out) {
  const json_value *v = required(rq, names);
  if (v == NULL)
    return false;
  if (v->type == JSON_INT)
    *out = (double)v->u.integer;
  else if (v->type == JSON_DOUBLE)
    *out = v->u.number;
  else {
    reply_protocol(rq, "a number of seconds is required, not %s", py_type(v));
    return false;
  }
  return true;
}

/* ---- strings ----------------------------------------------------------- */

static bool value_str(request *rq, const char *what, const json_value *v,
                      const char **out) {
  if (v->type != JSON_STRING) {
    reply_protocol(rq, "argument '%s' must be a string, not %s", what,
                   py_type(v));
    return false;
  }
  if (!json_string_is_c(v)) {
    reply_value(rq, "%s: embedded null character", what);
    return false;
  }
  *out = v->u.string.ptr;
  return true;
}

bool arg_str(request *rq, const char *names, const char **out) {
  const json_value *v = required(rq, names);
  char name[64];
  if (v == NULL)
    return false;
  first_name(names, name, sizeof name);
  return value_str(rq, name, v, out);
}

bool arg_str_or_null(request *rq, const char *names, const char **out) {
  const json_value *v = arg_get(rq, names);
  char name[64];
  *out = NULL;
  if (failed(rq))
    return false;
  if (v == NULL || v->type == JSON_NULL)
    return true;
  first_name(names, name, sizeof name);
  return value_str(rq, name, v, out);
}

/* ---- bytes ------------------------------------------------------------- */

void *request_alloc(request *rq, size_t size) {
  void *p = json_arena_alloc(&rq->ag->arena, size);
  if (p == NULL)
    reply_value(rq, "cannot allocate %zu bytes", size);
  return p;
}

static int hex_digit(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static bool decode_hex(request *rq, const char *what, const json_value *hex,
                       byte_view *out) {
  size_t i, n;
  unsigned char *buf;

  if (hex->type != JSON_STRING) {
    reply_protocol(rq, "%s: \"hex\" must be a string", what);
    return false;
  }
  n = hex->u.string.len;
  if (n % 2 != 0) {
    reply_protocol(rq, "%s: odd number of hex digits", what);
    return false;
  }
  buf = request_alloc(rq, n / 2 + 1);
  if (buf == NULL)
    return false;
  for (i = 0; i < n; i += 2) {
    int hi = hex_digit(hex->u.string.ptr[i]);
    int lo = hex_digit(hex->u.string.ptr[i + 1]);
    if (hi < 0 || lo < 0) {
      reply_protocol(rq, "%s: invalid hex digit at offset %zu", what,
                     hi < 0 ? i : i + 1);
      return false;
    }
    buf[i / 2] = (unsigned char)(hi << 4 | lo);
  }
  out->data = buf;
  out->len = n / 2;
  return true;
}

/* {"pattern": N}: byte i is i mod 251 (a prime, so the pattern does not
 * line up with power-of-two buffer sizes and misplaced chunks show). The
 * whole payload is materialised because sendall must get it in one call
 * to keep its one-deadline semantics. */
static bool make_pattern(request *rq, const char *what, const json_value *n,
                         byte_view *out) {
  unsigned char *buf;
  int64_t size, limit = sandbox_pattern_limit(rq);
  size_t i;

  if (n->type != JSON_INT) {
    reply_protocol(rq, "%s: \"pattern\" must be an integer", what);
    return false;
  }
  size = n->u.integer;
  if (size < 0 || size > limit) {
    reply_protocol(rq, "%s: pattern length must be 0..%lld for this agent",
                   what, (long long)limit);
    return false;
  }
  buf = request_alloc(rq, (size_t)size + 1);
  if (buf == NULL)
    return false;
  for (i = 0; i < (size_t)size && i < 251; i++)
    buf[i] = (unsigned char)i;
  /* Double the filled part: it stays a whole number of periods, so the
   * copy continues the pattern (only the last copy may be partial). */
  while (i < (size_t)size) {
    size_t chunk = i < (size_t)size - i ? i : (size_t)size - i;
    memcpy(buf + i, buf, chunk);
    i += chunk;
  }
  out->data = buf;
  out->len = (size_t)size;
  return true;
}

bool value_bytes(request *rq, const char *what, const json_value *v,
                 byte_view *out) {
  if (v->type != JSON_OBJECT || v->u.object.count != 1) {
    reply_protocol(rq, "%s must be {\"hex\": ...} or {\"pattern\": N}", what);
    return false;
  }
  if (json_object_get(v, "hex") != NULL)
    return decode_hex(rq, what, json_object_get(v, "hex"), out);
  if (json_object_get(v, "pattern") != NULL)
    return make_pattern(rq, what, json_object_get(v, "pattern"), out);
  reply_protocol(rq, "%s: bytes are {\"hex\": ...} or {\"pattern\": N}", what);
  return false;
}

bool arg_bytes(request *rq, const char *names, byte_view *out) {
  const json_value *v = required(rq, names);
  char name[64];
  if (v == NULL)
    return false;
  first_name(names, name, sizeof name);
  return value_bytes(rq, name, v, out);
}

/* ---- addresses --------------------------------------------------------- */

/* Item i of an address list as a string / an int; a wrong type is the
 * implementation's TypeError (value). */
static bool item_str(request *rq, const json_value *v, const char *what,
                     const char **out) {
  if (v->type != JSON_STRING) {
    reply_value(rq, "%s must be str, not %s", what, py_type(v));
    return false;
  }
  if (!json_string_is_c(v)) {
    reply_value(rq, "%s: embedded null character", what);
    return false;
  }
  *out = v->u.string.ptr;
  return true;
}

static bool item_int(request *rq, const json_value *v, const char *what,
                     int64_t lo, int64_t hi, int64_t *out) {
  if (v->type != JSON_INT) {
    reply_value(rq, "%s must be int, not %s", what, py_type(v));
    return false;
  }
  *out = v->u.integer;
  if (*out < lo || *out > hi) {
    reply_value(rq, "%s must be %lld-%lld", what, (long long)lo, (long long)hi);
    return false;
  }
  return true;
}

static bool inet_address(request *rq, const json_value *v, int family,
                         sr_address *out) {
  size_t n = v->u.array.count;
  const char *host;
  int64_t port, flowinfo = 0, scope_id = 0;
  int rc;

  if (n < 2 || n > 4) {
    reply_value(rq, "address must have 2 (AF_INET) or 2 to 4 (AF_INET6) "
                "items, not %zu", n);
    return false;
  }
  if (!item_str(rq, v->u.array.items[0], "host", &host))
    return false;
  if (family == 0)
    family = n > 2 || strchr(host, ':') != NULL ? AF_INET6 : AF_INET;
  if (family == AF_INET && n != 2) {
    reply_value(rq, "AF_INET address must be a pair (host, port)");
    return false;
  }
  /* The port's range is the library's to check (it answers like the
   * socket module); only keep it inside an int. */
  if (!item_int(rq, v->u.array.items[1], "port", INT_MIN, INT_MAX, &port))
    return false;
  if (n > 2 && !item_int(rq, v->u.array.items[2], "flowinfo", 0, UINT32_MAX,
                         &flowinfo))
    return false;
  if (n > 3 && !item_int(rq, v->u.array.items[3], "scope_id", 0, UINT32_MAX,
                         &scope_id))
    return false;
  if (family == AF_INET)
    rc = sr_address_inet(out, host, (int)port);
  else
    rc = sr_address_inet6(out, host, (int)port, (uint32_t)flowinfo,
                          (uint32_t)scope_id);
  if (rc < 0) {
    reply_sr_error(rq, rc);
    return false;
  }
  return true;
}

#ifdef AF_UNIX
static bool unix_address(request *rq, const json_value *v, sr_address *out) {
  const json_value *name;
  int rc;

  if (v->type == JSON_STRING) {
    if (!json_string_is_c(v)) {
      reply_value(rq, "AF_UNIX path: embedded null character");
      return false;
    }
    rc = sr_address_unix(out, v->u.string.ptr);
  } else if (v->type == JSON_OBJECT) {
    name = json_object_get(v, "abstract");
    rc = sr_address_abstract(out, name->u.string.ptr, name->u.string.len);
  } else {
    reply_value(rq, "AF_UNIX address must be str, not %s", py_type(v));
    return false;
  }
  if (rc < 0) {
    reply_sr_error(rq, rc);
    return false;
  }
  return true;
}
#endif

/* The wire shapes of an address: a path string, {"abstract": name}, or a
 * non-empty list of strings and integers. Anything else is malformed. */
static bool address_shape_ok(request *rq, const char *what,
                             const json_value *v) {
  size_t i;
  if (v->type == JSON_STRING)
    return true;
  if (v->type == JSON_OBJECT) {
    const json_value *name = json_object_get(v, "abstract");
    if (v->u.object.count == 1 && name != NULL && name->type == JSON_STRING)
      return true;
    reply_protocol(rq, "%s: an object address must be {\"abstract\": name}",
                   what);
    return false;
  }
  if (v->type == JSON_ARRAY && v->u.array.count > 0) {
    for (i = 0; i < v->u.array.count; i++) {
      json_type t = v->u.array.items[i]->type;
      if (t != JSON_STRING && t != JSON_INT) {
        reply_protocol(rq, "%s: items must be strings or integers", what);
        return false;
      }
    }
    return true;
  }
  reply_protocol(rq, "%s must be [host, port, ...], a path or "
                 "{\"abstract\": name}", what);
  return false;
}

bool value_address(request *rq, const char *what, const json_value *v,
                   int family, sr_address *out) {
  memset(out, 0, sizeof *out);
  if (!address_shape_ok(rq, what, v))
    return false;
#ifdef AF_UNIX
  if (family == AF_UNIX)
    return unix_address(rq, v, out) && sandbox_address_ok(rq, out);
#endif
  if (family != AF_INET && family != AF_INET6 && family != 0) {
    reply_unsupported(rq, "%s: addresses of family %d are not supported by "
                      "the agent", what, family);
    return false;
  }
  if (v->type != JSON_ARRAY) {
    reply_value(rq, "%s: %s address must be tuple, not %s", what,
                family == AF_INET6 ? "AF_INET6" : "AF_INET",
                v->type == JSON_STRING ? "str" : "dict");
    return false;
  }
  return inet_address(rq, v, family, out) && sandbox_address_ok(rq, out);
}

bool arg_address(request *rq, const char *names, int family,
                 sr_address *out) {
  const json_value *v = required(rq, names);
  char name[64];
  if (v == NULL)
    return false;
  first_name(names, name, sizeof name);
  return value_address(rq, name, v, family, out);
}

void write_address(json_writer *w, const sr_address *a) {
  switch (a->family) {
  case AF_INET:
    json_write_begin_array(w);
    json_write_cstring(w, a->host);
    json_write_int(w, a->port);
    json_write_end_array(w);
    return;
  case AF_INET6:
    json_write_begin_array(w);
    json_write_cstring(w, a->host);
    json_write_int(w, a->port);
    json_write_int(w, a->flowinfo);
    json_write_int(w, a->scope_id);
    json_write_end_array(w);
    return;
#ifdef AF_UNIX
  case AF_UNIX:
    if (a->is_abstract) {
      json_write_begin_object(w);
      json_write_key(w, "abstract");
      json_write_string(w, a->path, a->path_len);
      json_write_end_object(w);
    } else {
      json_write_string(w, a->path, a->path_len);
    }
    return;
#endif
  default:
    json_write_null(w); /* no address (AF_UNSPEC) or one we cannot show */
    return;
  }
}

/* ---- "as" -------------------------------------------------------------- */

static bool valid_handle(const json_value *v) {
  return v != NULL && v->type == JSON_STRING && json_string_is_c(v) &&
         v->u.string.len > 0 && v->u.string.len <= HANDLE_NAME_MAX;
}

static bool handle_free(request *rq, const char *name, bool file) {
  handle_table *t = &rq->ag->handles;
  if (file ? handles_file_free(t, name) : handles_socket_free(t, name))
    return true;
  reply_protocol(rq, "handle '%s' is in use (close it first)", name);
  return false;
}

static const char *new_handle(request *rq, bool file) {
  if (rq->as == NULL) {
    reply_protocol(rq, "missing \"as\" (the handle for the new object)");
    return NULL;
  }
  if (!valid_handle(rq->as)) {
    reply_protocol(rq, "\"as\" must be a non-empty string of at most %d bytes",
                   HANDLE_NAME_MAX);
    return NULL;
  }
  if (!handle_free(rq, rq->as->u.string.ptr, file))
    return NULL;
  return rq->as->u.string.ptr;
}

const char *as_name(request *rq) { return new_handle(rq, false); }
const char *as_file_name(request *rq) { return new_handle(rq, true); }

bool as_pair(request *rq, const char **first, const char **second) {
  const json_value *v = rq->as;
  if (v == NULL) {
    reply_protocol(rq, "missing \"as\" (two handles for the new sockets)");
    return false;
  }
  if (v->type != JSON_ARRAY || v->u.array.count != 2 ||
      !valid_handle(v->u.array.items[0]) || !valid_handle(v->u.array.items[1])) {
    reply_protocol(rq, "\"as\" must be a list of two handle strings");
    return false;
  }
  *first = v->u.array.items[0]->u.string.ptr;
  *second = v->u.array.items[1]->u.string.ptr;
  if (strcmp(*first, *second) == 0) {
    reply_protocol(rq, "\"as\" names the same handle twice");
    return false;
  }
  return handle_free(rq, *first, false) && handle_free(rq, *second, false);
}
