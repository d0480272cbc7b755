/* sockcall.c - the one loop every blocking socket call goes through. */
#include "internal.h"

/* Wait until the descriptor is ready for `events` or the deadline passes.
 * Returns 0 when ready (or possibly ready), SR_ETIMEOUT_SOCK, or an error. */
static int wait_ready(sr_socket *s, int events, const sr__deadline *d) {
  for (;;) {
    int ms = sr__deadline_remaining_ms(d);
    int r;

    if (ms == 0)
      return SR_ETIMEOUT_SOCK;
    r = sr__os_poll(s->fd, events, ms);
    if (r == SR_EINTR)
      continue; /* the remaining time is recomputed on the next round */
    if (r < 0)
      return r;
    if (r > 0)
      return 0;
    /* poll timed out: the loop re-checks the deadline with our clock, so
     * a poll that returns a little early only means another round. */
  }
}

int sr__sock_call(sr_socket *s, int events, sr__sock_op op, void *ctx,
                  const sr__deadline *deadline) {
  int timeout_mode = s->timeout > 0.0;

  for (;;) {
    int r = op(s, ctx);

    if (r == SR_EINTR)
      continue;
    if (r != SR_EAGAIN || !timeout_mode)
      return r;
    /* In timeout mode the descriptor is non-blocking: EAGAIN means "not
     * yet", including the false positive of a readiness report that
     * another reader consumed. */
    r = wait_ready(s, events, deadline);
    if (r < 0)
      return r;
  }
}

int sr__sock_wait(sr_socket *s, int events, const sr__deadline *deadline) {
  return wait_ready(s, events, deadline);
}
