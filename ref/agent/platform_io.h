/* The little the agent itself needs from the OS, outside libsockref:
 * its standard streams, sleeping, and closing a raw descriptor. */
#ifndef SOCKREF_AGENT_PLATFORM_IO_H
#define SOCKREF_AGENT_PLATFORM_IO_H

#include <stdbool.h>
#include <stddef.h>

#include "sockref.h"

/* Binary stdio; a vanished reader of stdout must not kill the agent with
 * SIGPIPE (the write fails instead and the agent exits cleanly). */
void platform_init_stdio(void);
/* Bytes read (> 0), 0 at end of input, -1 on error. Retries EINTR. */
long platform_read_stdin(void *buf, size_t size);
/* Writes everything; false if stdout is gone. */
bool platform_write_stdout(const void *data, size_t len);
void platform_sleep(double seconds);
void platform_close_socket(sr_sock_t fd);

#endif
