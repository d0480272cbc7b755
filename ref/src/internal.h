/* ref/src/internal.h - declarations shared by the portable files of
 * libsockref (not installed, not for library users). Names: sr__*.
 */
#ifndef SOCKREF_SRC_INTERNAL_H
#define SOCKREF_SRC_INTERNAL_H

#include "sockref.h"
#include "sockref/testing.h"
#include "platform.h"

/* The socket object. */
struct sr_socket {
  sr_sock_t fd;     /* SR_INVALID_SOCK once the descriptor is gone */
  int family;
  int type;         /* without SOCK_NONBLOCK / SOCK_CLOEXEC */
  int proto;
  double timeout;   /* SR_TIMEOUT_NONE, 0.0 or > 0 */
  int closed;       /* sr_close/sr_detach called: the object refuses work */
  int os_nonblocking; /* what we last set on the descriptor (Windows can't
                         read it back) */
  int io_refs;      /* open sr_file objects sharing the descriptor */
  int mem_refs;     /* the caller's reference + one per unfreed sr_file */
};

/* A new object around fd, blocking-mode fields, the descriptor untouched;
 * NULL when out of memory. */
sr_socket *sr__socket_alloc(sr_sock_t fd, int family, int type, int proto);

/* Wrap an existing descriptor (no dup): the object takes ownership and
 * applies the default timeout (blocking if none). On failure the
 * descriptor is NOT closed. */
int sr__socket_wrap(sr_socket **out, sr_sock_t fd, int family, int type,
                    int proto);

/* The object's descriptor for an operation, or SR_EBADF once closed. */
int sr__socket_check(const sr_socket *s);

/* Put the descriptor in the state the mode needs (timeout != NONE ->
 * O_NONBLOCK) and record timeout. */
int sr__socket_apply_timeout(sr_socket *s, double timeout);

/* Descriptor reference counting for makefile. */
void sr__socket_io_ref(sr_socket *s);
int sr__socket_io_unref(sr_socket *s);
void sr__socket_mem_unref(sr_socket *s);

/* recv/send for makefile's files: like sr_recv/sr_send without flags,
 * but they work while the object is closed and a file still holds the
 * descriptor. */
int sr__file_recv(sr_socket *s, void *buf, size_t len);
int sr__file_send(sr_socket *s, const void *data, size_t len);

/* Set the thread's detail message and return err, e.g.
 *   return sr__detail(SR_EVALUE, "port must be 0-65535, not %d", port); */
int sr__detail(int err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Validate a timeout as settimeout() does; 0 or SR_EVALUE /
 * SR_EOVERFLOW_VALUE with detail. */
int sr__timeout_check(double timeout);

/* One deadline, fixed at the start of a blocking call. */
typedef struct sr__deadline {
  int active;      /* 0: no timeout (wait forever) */
  int look_only;   /* a zero timeout: due at once, yet the descriptor is
                      still asked once (sr__deadline_look) */
  double at;       /* monotonic seconds */
} sr__deadline;

/* timeout > 0: due that many seconds from now; otherwise no deadline. */
void sr__deadline_start(sr__deadline *d, double timeout);
/* Due now, but a wait still polls once without blocking: what a zero
 * timeout means to sr_poll (a look at the descriptor's state). */
void sr__deadline_look(sr__deadline *d);
/* Milliseconds left, rounded up so a wait never ends early; 0 once the
 * deadline has passed; -1 if no deadline. */
int sr__deadline_remaining_ms(const sr__deadline *d);
int sr__deadline_expired(const sr__deadline *d);

/* The one loop under every blocking call (CPython's sock_call_ex model):
 * call op(s, ctx); in timeout mode, when it would block, wait for
 * `events` (SR_POLLIN/SR_POLLOUT) within the deadline and retry; EINTR is
 * retried with the remaining time; the deadline passing gives
 * SR_ETIMEOUT_SOCK. In blocking mode op is retried on EINTR; in
 * non-blocking mode op runs once. op returns >= 0 or an SR code. */
typedef int (*sr__sock_op)(sr_socket *s, void *ctx);
int sr__sock_call(sr_socket *s, int events, sr__sock_op op, void *ctx,
                  const sr__deadline *deadline);
/* The waiting half alone: 0 once ready, SR_ETIMEOUT_SOCK, or an error
 * (used by connect, which must not repeat its system call). */
int sr__sock_wait(sr_socket *s, int events, const sr__deadline *deadline);
/* The one readiness wait under both (and sr_poll): poll for `events`
 * until the deadline, retrying EINTR with the time left. Returns the ready
 * subset of events, 0 once the deadline has passed, or an error. */
int sr__wait(sr_socket *s, int events, const sr__deadline *deadline);

/* Address conversion. to_sockaddr resolves names (getaddrinfo, first
 * result of the family) and so may return GAI-kind errors; it validates
 * ranges (port 0..65535, flowinfo 0..0xfffff) with SR_EOVERFLOW_VALUE and
 * the family with SR_EAFNOSUPPORT / SR_EVALUE. */
int sr__address_to_sockaddr(const sr_address *a, int family,
                            struct sockaddr_storage *ss, socklen_t *len);
int sr__address_from_sockaddr(const struct sockaddr *sa, socklen_t len,
                              sr_address *a);

#endif /* SOCKREF_SRC_INTERNAL_H */
