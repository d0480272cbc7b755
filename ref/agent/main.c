/* sockref-agent: the reference agent. Exposes libsockref to the sockspec
 * harness over stdin/stdout, one JSON request and response per line. */
#include <stdio.h>
#include <stdlib.h>

#include "agent.h"
#include "lines.h"
#include "platform_io.h"

static agent the_agent;

static bool send_line(const char *line, size_t len) {
  if (platform_write_stdout(line, len))
    return true;
  fprintf(stderr, "sockref-agent: stdout is gone, exiting\n");
  return false;
}

int main(void) {
  line_reader reader;
  const char *line, *out;
  size_t len, out_len;
  line_status status;
  int rc;

  platform_init_stdio();
  rc = sr_init();
  if (rc < 0) {
    fprintf(stderr, "sockref-agent: sr_init failed: %s\n", sr_strerror(rc));
    return 1;
  }
  agent_init(&the_agent);
  line_reader_init(&reader, platform_read_stdin, AGENT_MAX_LINE);

  out = agent_hello(&the_agent, &out_len);
  if (!send_line(out, out_len))
    goto done;
  while (!the_agent.exit_requested) {
    status = line_reader_next(&reader, &line, &len);
    if (status == LINE_EOF)
      break;
    if (status == LINE_TOO_LONG)
      out = agent_line_too_long(&the_agent, &out_len);
    else
      out = agent_handle_line(&the_agent, line, len, &out_len);
    if (!send_line(out, out_len))
      break;
  }

done:
  /* End of input (or exit): close every socket and file, exit 0. */
  agent_free(&the_agent);
  line_reader_free(&reader);
  sr_cleanup();
  return 0;
}
