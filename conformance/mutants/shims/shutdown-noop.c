/* Mutant shim shutdown-noop: shutdown() reports success and does nothing (no FIN, no
 * error for an unconnected socket). Loaded with LD_PRELOAD in front of the agent. */
#include <sys/socket.h>

int shutdown(int fd, int how) {
  (void)fd;
  (void)how;
  return 0;
}
