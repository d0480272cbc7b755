/* Helpers shared by the ops_*.c files. */
#ifndef SOCKREF_AGENT_OPS_H
#define SOCKREF_AGENT_OPS_H

#include "agent.h"
#include "args.h"

/* Store a new socket under a handle (sandbox: made non-blocking first).
 * On failure the socket is freed and the request has an error. */
bool store_socket(request *rq, const char *name, sr_socket *s);

/* A timeout as the socket module returns it: null or seconds. */
void write_timeout(json_writer *w, double timeout);

/* A constant as a name of the group (prefix "AF_"/"SOCK_"), or the bare
 * number when this platform has no name for it. */
void write_constant(json_writer *w, const char *prefix, int value);

/* Whether a library call failed; if so the error is the reply. */
bool sr_failed(request *rq, int rc);

#endif
