/* sockref-agent internals: the request being served, how operations reply,
 * and the operation table. See ../../docs/agent-protocol.md (and the wire
 * contract it extends) for what goes over the wire. */
#ifndef SOCKREF_AGENT_AGENT_H
#define SOCKREF_AGENT_AGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "handles.h"
#include "json.h"
#include "sockref.h"

/* printf-style checking; MinGW builds use its C99 printf (see
 * CMakeLists.txt), which the gnu_printf archetype describes. */
#if defined(__MINGW32__)
# define AGENT_PRINTF(fmt, args) __attribute__((format(gnu_printf, fmt, args)))
#elif defined(__GNUC__)
# define AGENT_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
# define AGENT_PRINTF(fmt, args)
#endif

#define AGENT_VERSION "0.1.0"
#define AGENT_PROTOCOL_VERSION 1

/* Lines longer than this are skipped unread and answered with a
 * `protocol` error: 64 MiB holds a 32 MiB payload in hex, more than any
 * scenario sends in one request (big payloads use {"pattern": N}). */
#define AGENT_MAX_LINE ((size_t)64 * 1024 * 1024)

/* Largest {"pattern": N} the agent materialises for one send. */
#define AGENT_MAX_PATTERN ((int64_t)256 * 1024 * 1024)

/* The agent's state across requests. */
typedef struct agent {
  handle_table handles;
  json_arena arena;       /* the current request's DOM */
  json_writer result;     /* the current result value */
  json_writer response;   /* the response line */
  bool exit_requested;    /* `exit` was answered: stop reading */
  /* Fuzzing: only operations that cannot block, touch the file system or
   * send anywhere but loopback are carried out (see sandbox.c). */
  bool sandbox;
} agent;

/* Error types of the contract. */
typedef enum {
  ERR_NONE,
  ERR_ERROR,
  ERR_TIMEOUT,
  ERR_GAIERROR,
  ERR_HERROR,
  ERR_VALUE,
  ERR_UNSUPPORTED,
  ERR_PROTOCOL
} error_type;

/* One request while it is served. */
typedef struct request {
  agent *ag;
  bool has_id;
  int64_t id;
  const char *op;
  const json_value *args;   /* an object; never NULL once dispatched */
  const json_value *as;     /* "as" member, or NULL */
  sr_socket *sock;          /* resolved "sock" for socket methods */
  const char *sock_name;
  sr_file *file;            /* resolved "file" for file.* */
  handle_entry *file_entry;
  const char *file_name;

  /* Outcome: either a result in ag->result or an error. */
  error_type error;
  const char *err_name;     /* errno / EAI_* / h_errno name, or NULL */
  bool has_code;
  int64_t code;
  char message[512];
  /* An unknown constant is reported only once the whole request proved
   * well-formed (a malformed request is `protocol` first). */
  char unsupported[160];

  /* Elapsed time of the operation proper (op_begin/op_end). */
  bool timed;
  double t_begin;
  double t_end;
} request;

/* ---- replying (protocol.c) --------------------------------------------- */

/* The result writer of the request; write exactly one value into it. */
json_writer *result(request *rq);
void reply_null(request *rq);

/* Errors. The message formats are printf-like. */
void reply_sr_error(request *rq, int sr_err);
void reply_value(request *rq, const char *fmt, ...) AGENT_PRINTF(2, 3);
void reply_unsupported(request *rq, const char *fmt, ...) AGENT_PRINTF(2, 3);
void reply_protocol(request *rq, const char *fmt, ...) AGENT_PRINTF(2, 3);
bool failed(const request *rq);

/* Bracket the library call(s) whose duration `elapsed` reports. op_begin
 * is the point of no return: false (with the request's error set) when an
 * unsupported constant was met while reading the arguments. */
bool op_begin(request *rq);
void op_end(request *rq);
/* Note an unsupported constant; the first one is reported by op_begin. */
void defer_unsupported(request *rq, const char *fmt, ...) AGENT_PRINTF(2, 3);

/* ---- the agent (protocol.c) -------------------------------------------- */

void agent_init(agent *ag);
/* Closes every socket and file. */
void agent_close_all(agent *ag);
void agent_free(agent *ag);
/* The hello line (with '\n'); valid until the next agent call. */
const char *agent_hello(agent *ag, size_t *len);
/* Serves one request line (without its '\n') and returns the response
 * line (with '\n'), valid until the next call. Never fails: every problem
 * becomes an error response. */
const char *agent_handle_line(agent *ag, const char *line, size_t len,
                              size_t *out_len);
/* The response for a line that was too long to read. */
const char *agent_line_too_long(agent *ag, size_t *out_len);

/* ---- operations (ops_*.c) ---------------------------------------------- */

typedef void (*op_handler)(request *rq);

typedef enum {
  OP_MODULE,  /* no handle */
  OP_SOCKET,  /* "sock" names a socket */
  OP_FILE     /* "file" names a file object */
} op_target;

typedef struct {
  const char *name;
  op_target target;
  op_handler handler;
  /* Argument names this operation accepts, space separated; a '|' joins
   * spellings of one argument ("host|hostname"). Anything else in "args"
   * is a protocol error, so a harness typo does not pass as a default. */
  const char *args;
} op_spec;

extern const op_spec module_ops[];
extern const size_t module_ops_count;
extern const op_spec socket_ops[];
extern const size_t socket_ops_count;
extern const op_spec file_ops[];
extern const size_t file_ops_count;
extern const op_spec helper_ops[];
extern const size_t helper_ops_count;

#endif
