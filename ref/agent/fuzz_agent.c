/* libFuzzer target: the agent's request handler, with real sockets.
 *
 * One input is a sequence of request lines (framed by lines.c, with a
 * small line limit so that the "line too long" path is reached too), served
 * in order by one agent, so sequences such as socket/bind/listen/connect
 * are explored. The agent runs in its sandbox (see sandbox.h): nothing
 * blocks, touches the file system or leaves loopback. After each input
 * every handle is closed and the default timeout reset, so inputs do not
 * influence each other. */
#include <stdint.h>
#include <string.h>

#include "agent.h"
#include "lines.h"

#define FUZZ_MAX_LINE 4096
#define FUZZ_MAX_REQUESTS 64

static const uint8_t *input;
static size_t input_left;

static long read_input(void *buf, size_t size) {
  size_t n = size < input_left ? size : input_left;
  memcpy(buf, input, n);
  input += n;
  input_left -= n;
  return (long)n;
}

/* Every response is one line holding a JSON object that the agent's own
 * strict reader accepts, with "id", "ok" and "elapsed". */
static void check_response(const char *out, size_t len) {
  static json_arena arena;
  json_error err;
  const json_value *v;

  if (len == 0 || out[len - 1] != '\n' || memchr(out, '\n', len - 1) != NULL)
    __builtin_trap();
  json_arena_reset(&arena);
  v = json_parse(&arena, out, len - 1, &err);
  if (v == NULL || v->type != JSON_OBJECT || json_object_get(v, "id") == NULL ||
      json_object_get(v, "ok") == NULL || json_object_get(v, "elapsed") == NULL)
    __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static agent ag;
  static int ready;
  line_reader reader;
  const char *line, *out;
  size_t len, out_len;
  int requests = 0;

  if (!ready) {
    sr_init();
    agent_init(&ag);
    ag.sandbox = true;
    ready = 1;
  }
  input = data;
  input_left = size;
  line_reader_init(&reader, read_input, FUZZ_MAX_LINE);
  while (requests++ < FUZZ_MAX_REQUESTS && !ag.exit_requested) {
    line_status status = line_reader_next(&reader, &line, &len);
    if (status == LINE_EOF)
      break;
    if (status == LINE_TOO_LONG)
      out = agent_line_too_long(&ag, &out_len);
    else
      out = agent_handle_line(&ag, line, len, &out_len);
    check_response(out, out_len);
  }
  line_reader_free(&reader);
  agent_close_all(&ag);
  ag.exit_requested = false;
  sr_setdefaulttimeout(SR_TIMEOUT_NONE);
  return 0;
}
