/* ref/src/platform.h - the platform layer behind the portable files.
 *
 * Implemented once in src/unix/ (POSIX) and once in src/win/ (Winsock2).
 * Portable code may call bind/listen/connect/getsockname/getpeername/
 * shutdown/getaddrinfo directly (same shape on both); everything whose
 * signature, error channel or semantics differ goes through here.
 * Functions returning int give >= 0 or a negative SR_* code.
 */
#ifndef SOCKREF_SRC_PLATFORM_H
#define SOCKREF_SRC_PLATFORM_H

#include "sockref.h"

/* WSAStartup / nothing. */
int sr__os_init(void);
void sr__os_cleanup(void);

/* The SR code of the last failed socket call on this thread
 * (errno / WSAGetLastError()). */
int sr__os_error(void);

/* Error translation lives in src/errors.c; the platform supplies its
 * tables and the few rules no table can hold. */

/* One row of a translation table: an SR code and the platform's number. */
typedef struct sr__code_pair {
  int sr;
  int native;
} sr__code_pair;

typedef struct sr__code_table {
  const sr__code_pair *pairs;
  size_t len;
} sr__code_table;

#define SR__COUNTOF(a) (sizeof(a) / sizeof((a)[0]))

/* Native errno-kind numbers whose SR code is not simply -number (POSIX:
 * EWOULDBLOCK where it is a number of its own; Windows: CRT errno values
 * with a Winsock twin). Only numbers the platform has are listed. */
extern const sr__code_table sr__os_errno_codes;
/* The platform's EAI_* values. Several names may share a value: the first
 * row wins when translating from the platform. */
extern const sr__code_table sr__os_gai_codes;
/* The SR code of an EAI_* value that sr__os_gai_codes lacks. */
int sr__os_gai_unlisted(int native_eai);

/* Platform text for an errno-kind native number, or NULL. */
const char *sr__os_strerror(int native);
/* gai_strerror / hstrerror text for a native number, or NULL. */
const char *sr__os_gai_strerror(int native_eai);
const char *sr__os_h_strerror(int native_h);

/* socket(); honours SR_SOCK_CLOEXEC/SR_SOCK_NONBLOCK in type (emulated
 * with fcntl where the OS rejects the flags). Without SR_SOCK_CLOEXEC the
 * descriptor is inheritable, as the seed's Python made it. */
int sr__os_socket(int family, int type, int proto, sr_sock_t *out);
int sr__os_socketpair(int family, int type, int proto, sr_sock_t fds[2]);
/* accept() (plain: the new descriptor gets no flags); *len in/out. */
int sr__os_accept(sr_sock_t fd, struct sockaddr *sa, socklen_t *len,
                  sr_sock_t *out);
/* Whether the descriptor just accepted from a listener is non-blocking
 * (POSIX reads fcntl; Windows knows it inherits the listener's FIONBIO). */
int sr__os_accepted_nonblocking(sr_sock_t conn, int listener_nonblocking);
int sr__os_close(sr_sock_t fd);
int sr__os_dup(sr_sock_t fd, sr_sock_t *out);

int sr__os_set_nonblocking(sr_sock_t fd, int on);
/* OS-level flags; recorded_nonblocking is used where the OS cannot tell
 * (Windows). */
int sr__os_fdflags(sr_sock_t fd, int recorded_nonblocking,
                   int *nonblocking, int *cloexec);

/* Data transfer; len is clamped to INT_MAX. Return a count or an error.
 * Sends never raise SIGPIPE. */
int sr__os_send(sr_sock_t fd, const void *buf, size_t len, int flags);
int sr__os_sendto(sr_sock_t fd, const void *buf, size_t len, int flags,
                  const struct sockaddr *sa, socklen_t salen);
int sr__os_recv(sr_sock_t fd, void *buf, size_t len, int flags);
int sr__os_recvfrom(sr_sock_t fd, void *buf, size_t len, int flags,
                    struct sockaddr *sa, socklen_t *salen);

int sr__os_setsockopt(sr_sock_t fd, int level, int optname,
                      const void *val, socklen_t len);
int sr__os_getsockopt(sr_sock_t fd, int level, int optname, void *val,
                      socklen_t *len);

/* Is err the "connect has started" answer of a non-blocking connect? */
int sr__os_connect_pending(int err);

/* Wait for SR_POLLIN/SR_POLLOUT. timeout_ms < 0 waits forever. Returns
 * the ready mask (errors/hang-ups reported as every requested event), 0
 * on timeout, or an error (SR_EINTR included: the caller decides). */
int sr__os_poll(sr_sock_t fd, int events, int timeout_ms);

/* Monotonic seconds. */
double sr__os_monotonic(void);

/* WSAIoctl; SR_EUNSUPPORTED on POSIX. */
int sr__os_ioctl(sr_sock_t fd, unsigned long control, const void *option,
                 size_t option_len);

#endif /* SOCKREF_SRC_PLATFORM_H */
