/* Helpers shared by the operations. */
#include "ops.h"

#include "constants.h"
#include "sandbox.h"

bool store_socket(request *rq, const char *name, sr_socket *s) {
  sandbox_tame(rq, s);
  if (!handles_put_socket(&rq->ag->handles, name, s)) {
    sr_socket_free(s);
    reply_value(rq, "out of memory storing handle '%s'", name);
    return false;
  }
  return true;
}

void write_timeout(json_writer *w, double timeout) {
  if (timeout < 0)
    json_write_null(w);
  else
    json_write_double(w, timeout);
}

void write_constant(json_writer *w, const char *prefix, int value) {
  const char *name = constant_name(prefix, value);
  if (name != NULL)
    json_write_cstring(w, name);
  else
    json_write_int(w, value);
}

bool sr_failed(request *rq, int rc) {
  if (rc >= 0)
    return false;
  reply_sr_error(rq, rc);
  return true;
}
