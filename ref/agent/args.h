/* Reading request arguments. Conventions, modelled on what the socket
 * module raises for the same mistakes:
 *   - a required argument left out              -> protocol error
 *   - an argument of the wrong JSON type          -> protocol error
 *     (the agent cannot turn it into the C type; an address of the right
 *     wire shape but the wrong form for the family is the
 *     implementation's TypeError -> value)
 *   - a number out of the C type's range          -> value (OverflowError)
 *   - an undecodable wire form ({"hex": "zz"})    -> protocol error
 *   - a constant name this platform does not have -> unsupported
 * Every function returns false after setting the request's error. `names`
 * lists the accepted spellings of one argument, joined by '|'. */
#ifndef SOCKREF_AGENT_ARGS_H
#define SOCKREF_AGENT_ARGS_H

#include <stdbool.h>
#include <stdint.h>

#include "agent.h"

typedef struct {
  const unsigned char *data;
  size_t len;
} byte_view;

/* The argument under any of its spellings; NULL if absent (or if two
 * spellings were both given, which is a protocol error). */
const json_value *arg_get(request *rq, const char *names);
bool arg_present(request *rq, const char *names);

bool arg_int(request *rq, const char *names, int64_t *out);
bool arg_int_or(request *rq, const char *names, int64_t dflt, int64_t *out);
/* An int64 that must fit a C int (OverflowError otherwise). */
bool fit_int(request *rq, const char *what, int64_t v, int *out);

bool arg_bool(request *rq, const char *names, bool *out);

/* A constant: its name ("AF_INET"), a plain integer, or a list of those,
 * OR-ed (["SOCK_STREAM", "SOCK_NONBLOCK"]). */
bool arg_const(request *rq, const char *names, int *out);
bool arg_const_or(request *rq, const char *names, int dflt, int *out);
/* Flags: 0, an integer, a name, or a list of names/integers (OR'ed). */
bool arg_flags(request *rq, const char *names, int *out);

/* A timeout: seconds, or null for "no timeout" (SR_TIMEOUT_NONE). */
bool arg_timeout(request *rq, const char *names, double *out);
bool value_timeout(request *rq, const char *what, const json_value *v,
                   double *out);
/* Seconds as a plain number (no null). */
bool arg_seconds(request *rq, const char *names, double *out);

/* A string without NUL bytes. The _or_null form gives NULL when the
 * argument is absent or JSON null. */
bool arg_str(request *rq, const char *names, const char **out);
bool arg_str_or_null(request *rq, const char *names, const char **out);

/* Bytes: {"hex": "..."} or {"pattern": N}. */
bool arg_bytes(request *rq, const char *names, byte_view *out);
bool value_bytes(request *rq, const char *what, const json_value *v,
                 byte_view *out);

/* An address in the form of `family` (AF_INET pair, AF_INET6 2-4 items,
 * AF_UNIX path or {"abstract": name}). family 0 infers INET/INET6 from
 * the item count and the host (a ':' means IPv6). */
bool arg_address(request *rq, const char *names, int family,
                 sr_address *out);
bool value_address(request *rq, const char *what, const json_value *v,
                   int family, sr_address *out);
void write_address(json_writer *w, const sr_address *a);

/* The "as" handle(s) of operations that create objects. A handle under
 * which an open object is stored is refused (protocol error). */
const char *as_name(request *rq);
const char *as_file_name(request *rq);
bool as_pair(request *rq, const char **first, const char **second);

/* Memory for this request (freed when the next request starts); reports a
 * value error ("cannot allocate") on failure. */
void *request_alloc(request *rq, size_t size);

#endif
