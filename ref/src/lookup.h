/* ref/src/lookup.h - the system databases behind the module functions
 * (hosts, services, protocols, the host name, inet_aton), implemented once
 * in src/unix/lookup.c and once in src/win/lookup.c. Names: sr__os_*.
 *
 * The portable files (hostent.c, services.c, ...) do argument checks and
 * error selection; these functions only hide the calls whose form differs
 * between platforms (the thread-safe *_r variants on POSIX, the
 * thread-local results and WSAGetLastError() on Windows).
 */
#ifndef SOCKREF_SRC_LOOKUP_H
#define SOCKREF_SRC_LOOKUP_H

#include "sockref.h"

/* gethostbyname(name) / gethostbyaddr(addr, len, family) into *out (a deep
 * copy). 0, an H-kind code (SR_HOST_NOT_FOUND...), or SR_ENOMEM. */
int sr__os_gethostbyname(const char *name, sr_hostent *out);
int sr__os_gethostbyaddr(const void *addr, socklen_t len, int family,
                         sr_hostent *out);

/* getservbyname(name, proto): 1 and *port (host order) if found, 0 if not,
 * or a negative SR code. proto may be NULL (any protocol). */
int sr__os_getservbyname(const char *name, const char *proto, int *port);
/* getservbyport(port (host order), proto): 1 and the name in out if found
 * (SR_EVALUE if it does not fit), 0 if not, or a negative SR code. */
int sr__os_getservbyport(int port, const char *proto, char *out,
                         size_t outlen);
/* getprotobyname(name): 1 and *proto if found, 0 if not. */
int sr__os_getprotobyname(const char *name, int *proto);

/* The platform's inet_aton (with its accepted short forms): 1 if valid. */
int sr__os_inet_aton(const char *s, unsigned char out[4]);

/* gethostname() into out: 0, SR_EVALUE if it does not fit, or an error. */
int sr__os_gethostname(char *out, size_t outlen);

/* Deep copy of a struct hostent (portable: the layout is the same on
 * POSIX and Winsock). 0 or SR_ENOMEM; *out is left empty on failure. */
int sr__hostent_copy(const struct hostent *h, sr_hostent *out);

#endif /* SOCKREF_SRC_LOOKUP_H */
