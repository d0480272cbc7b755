/* sockref/testing.h - libsockref's helpers that are not socket API.
 *
 * The reference agent and the unit tests use them to look at a socket from
 * outside (is it ready? what flags does its descriptor carry?) and to time
 * calls. They live apart from sockref.h so that the public header is the
 * socket API and nothing else, and this header is not installed: a program
 * built on the installed library sees only sockref.h. The functions are in
 * the library all the same (the agent links the same archive).
 */
#ifndef SOCKREF_TESTING_H
#define SOCKREF_TESTING_H

#include "../sockref.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Seconds from a monotonic clock (for measuring elapsed time). */
double sr_monotonic(void);

#define SR_POLLIN 1
#define SR_POLLOUT 2

/* Wait up to timeout seconds (SR_TIMEOUT_NONE: forever; 0.0: only look)
 * for any of the events; returns the ready subset (0 when the time
 * passed). Errors and hang-ups count as ready for both directions, as
 * select() reports them. Same wait as the blocking calls' timeouts. */
int sr_poll(sr_socket *s, int events, double timeout);

/* The OS-level O_NONBLOCK and FD_CLOEXEC state (Windows: the recorded
 * FIONBIO state; cloexec is the handle's inherit flag, inverted). */
int sr_fdflags(sr_socket *s, int *nonblocking, int *cloexec);

#ifdef __cplusplus
}
#endif

#endif /* SOCKREF_TESTING_H */
