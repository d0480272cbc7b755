/* timeout.c - timeout values, the default timeout and deadlines. */
#include <math.h>

#include "internal.h"

/* A timeout must fit a 64-bit count of nanoseconds (CPython's limit too);
 * waits longer than one poll() can express are done in several polls. */
#define SR_MAX_TIMEOUT 9223372036.0

static double default_timeout = SR_TIMEOUT_NONE;

int sr__timeout_check(double timeout) {
  if (timeout == SR_TIMEOUT_NONE)
    return 0;
  if (isnan(timeout) || timeout < 0.0)
    return sr__detail(SR_EVALUE, "Timeout value out of range");
  if (timeout > SR_MAX_TIMEOUT)
    return sr__detail(SR_EOVERFLOW_VALUE, "timeout value is too large");
  return 0;
}

double sr_getdefaulttimeout(void) { return default_timeout; }

int sr_setdefaulttimeout(double timeout) {
  int err = sr__timeout_check(timeout);

  if (err < 0)
    return err;
  default_timeout = timeout;
  return 0;
}

double sr_monotonic(void) { return sr__os_monotonic(); }

void sr__deadline_start(sr__deadline *d, double timeout) {
  d->active = timeout > 0.0;
  d->look_only = 0;
  d->at = d->active ? sr__os_monotonic() + timeout : 0.0;
}

void sr__deadline_look(sr__deadline *d) {
  d->active = 1;
  d->look_only = 1;
  d->at = sr__os_monotonic();
}

int sr__deadline_remaining_ms(const sr__deadline *d) {
  double left_ms;
  int ms;

  if (!d->active)
    return -1;
  if (d->look_only)
    return 0;
  left_ms = (d->at - sr__os_monotonic()) * 1000.0;
  if (left_ms <= 0.0)
    return 0;
  /* Round up: a wait that ends before the deadline would make the caller
   * report a timeout early. */
  if (left_ms >= 2147483647.0)
    return 2147483647;
  ms = (int)left_ms;
  return (double)ms < left_ms ? ms + 1 : ms;
}

int sr__deadline_expired(const sr__deadline *d) {
  return d->active && sr__os_monotonic() >= d->at;
}
