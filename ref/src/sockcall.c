/* sockcall.c - the one loop every blocking socket call goes through, and
 * the one readiness wait under it (sr_poll waits with it too). */
#include "internal.h"

int sr__wait(sr_socket *s, int events, const sr__deadline *d) {
  for (;;) {
    int ms = sr__deadline_remaining_ms(d);
    int r;

    if (ms == 0 && !d->look_only)
      return 0;
    r = sr__os_poll(s->fd, events, ms);
    if (r == SR_EINTR)
      continue; /* the remaining time is recomputed on the next round */
    if (r != 0 || d->look_only)
      return r;
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
    r = sr__sock_wait(s, events, deadline);
    if (r < 0)
      return r;
  }
}

int sr__sock_wait(sr_socket *s, int events, const sr__deadline *deadline) {
  int r = sr__wait(s, events, deadline);

  if (r == 0)
    return SR_ETIMEOUT_SOCK;
  return r < 0 ? r : 0;
}
