/* fromfd(): duplicate a descriptor and wrap the duplicate, so the caller's
 * descriptor stays theirs to close. Whether it really is a socket is not
 * checked here (the seed says so): later operations report ENOTSOCK. */
#include "internal.h"

int sr_fromfd(sr_socket **out, sr_sock_t fd, int family, int type,
              int proto) {
  sr_sock_t dup;
  int err;

  if (out == NULL)
    return sr__detail(SR_EVALUE, "fromfd() needs somewhere to put the socket");
  *out = NULL;
  err = sr__os_dup(fd, &dup);
  if (err < 0)
    return err;
  err = sr__socket_wrap(out, dup, family, type, proto);
  if (err < 0)
    sr__os_close(dup);
  return err;
}
