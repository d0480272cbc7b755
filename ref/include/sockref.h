/* sockref.h - libsockref, a small C implementation of the socket API that
 * the seed (Python 3.2 `socket` module reference) documents.
 *
 * Conventions
 * - Every public name starts with sr_ / SR_.
 * - Functions return >= 0 on success (0, a count, a descriptor, a port) and
 *   a negative SR_* code from sockref/errors.h on failure; errno is never the
 *   only channel. sr_err_kind() tells which exception the socket module
 *   would raise; sr_last_detail() adds a message for value errors.
 * - Timeouts are double seconds: SR_TIMEOUT_NONE (no timeout, blocking),
 *   0.0 (non-blocking) or a positive finite number (timeout mode).
 * - Addresses are sr_address, the C form of the seed's tuples.
 * - Call sr_init() once before anything else (WSAStartup on Windows).
 */
#ifndef SOCKREF_H
#define SOCKREF_H

#include <stddef.h>
#include <stdint.h>

#include "sockref/platform.h"
#include "sockref/errors.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Library                                                             */
/* ------------------------------------------------------------------ */

/* Start/stop the platform socket layer. sr_init() is idempotent and must
 * be called before any other function; no-op on POSIX (it also makes
 * SIGPIPE harmless: sends use MSG_NOSIGNAL / SO_NOSIGPIPE). */
int sr_init(void);
void sr_cleanup(void);

/* Release memory that the library allocated for the caller
 * (sr_file_read/sr_file_readline results). */
void sr_free(void *p);

/* ------------------------------------------------------------------ */
/* Errors (ref/src/errors.c + platform layer)                          */
/* ------------------------------------------------------------------ */

/* "ECONNREFUSED", "EAI_NONAME", "HOST_NOT_FOUND", "ETIMEOUT_SOCK",
 * "EVALUE"... (the table's NAME; pick the agent's error type with
 * sr_err_kind, not from the name). EWOULDBLOCK is reported as "EAGAIN".
 * An ERROR-kind code not in the table (a rare errno) gives "E?<n>" with n
 * the native number. Never NULL. Thread-safe. */
const char *sr_err_name(int err);

/* The platform's text where it has one (strerror, gai_strerror,
 * hstrerror; "timed out" for SR_ETIMEOUT_SOCK), else the table's message.
 * Never NULL. */
const char *sr_strerror(int err);

/* One of enum sr_err_kind; SR_KIND_NONE for err >= 0. An unknown negative
 * value in the errno range counts as SR_KIND_ERROR. */
int sr_err_kind(int err);

/* The platform's own number: the errno (POSIX) or WSAE* value (Windows)
 * for SR_KIND_ERROR, the EAI_* value for SR_KIND_GAI, the h_errno value for
 * SR_KIND_H; 0 for the other kinds and for codes the platform lacks. */
int sr_err_native(int err);

/* SR code for a platform errno (on Windows also a WSAE* or CRT errno value).
 * EWOULDBLOCK maps to SR_EAGAIN. sr_err_from_errno(0) is 0. */
int sr_err_from_errno(int native_errno);

/* SR code for a getaddrinfo()/getnameinfo() return value. EAI_SYSTEM maps
 * to the errno-kind code of the current errno, as the socket module raises
 * socket.error then. sr_err_from_gai(0) is 0. */
int sr_err_from_gai(int native_eai);

/* SR code for an h_errno value (HOST_NOT_FOUND...). */
int sr_err_from_h(int native_h_errno);

/* The message explaining the last SR_KIND_VALUE / SR_KIND_ERROR_MSG error
 * returned on this thread ("" if none). Valid until the next call that
 * sets it on this thread. */
const char *sr_last_detail(void);

/* ------------------------------------------------------------------ */
/* Addresses (ref/src/address.c)                                       */
/* ------------------------------------------------------------------ */

#define SR_HOST_MAX 1025 /* NI_MAXHOST */
#define SR_PATH_MAX 108  /* sizeof sun_path on Linux */

/* One socket address in the seed's tuple form.
 * AF_INET:  (host, port). host may be "" (INADDR_ANY), "<broadcast>"
 *           (INADDR_BROADCAST), a dotted quad or a host name (first
 *           getaddrinfo result of the family). Results hold a dotted quad.
 * AF_INET6: (host, port, flowinfo, scope_id). flowinfo 0..0xfffff.
 * AF_UNIX:  path[0..path_len) is a file system path (NUL-terminated too),
 *           or, with is_abstract, a Linux abstract name without its leading
 *           NUL byte (may contain NUL bytes; path_len counts them).
 *           An unbound AF_UNIX socket's address has path_len 0.
 * port is an int so that out-of-range values can be rejected (value error)
 * instead of silently wrapping. */
typedef struct sr_address {
  int family;
  char host[SR_HOST_MAX];
  int port;
  uint32_t flowinfo;
  uint32_t scope_id;
  char path[SR_PATH_MAX];
  size_t path_len;
  int is_abstract;
} sr_address;

/* Fill *a (clearing it first). They only copy; validation happens when the
 * address is used. Return 0, or SR_EVALUE if a string does not fit. */
int sr_address_inet(sr_address *a, const char *host, int port);
int sr_address_inet6(sr_address *a, const char *host, int port,
                     uint32_t flowinfo, uint32_t scope_id);
int sr_address_unix(sr_address *a, const char *path);
int sr_address_abstract(sr_address *a, const void *name, size_t len);

/* Python-style text of an address for messages and the examples:
 * "('127.0.0.1', 5000)", "('::1', 5000, 0, 0)", "'/tmp/s'", "b'\x00name'".
 * Returns the length written (truncated to size-1), never fails. */
int sr_address_format(const sr_address *a, char *buf, size_t size);

/* ------------------------------------------------------------------ */
/* Timeouts (ref/src/timeout.c)                                        */
/* ------------------------------------------------------------------ */

#define SR_TIMEOUT_NONE (-1.0)    /* no timeout: blocking mode */
#define SR_TIMEOUT_DEFAULT (-2.0) /* create_connection: use the default */

/* The default timeout for new sockets; SR_TIMEOUT_NONE at start. */
double sr_getdefaulttimeout(void);
/* SR_TIMEOUT_NONE or a finite value >= 0; other negatives and NaN give
 * SR_EVALUE, values too large for the platform's poll SR_EOVERFLOW_VALUE. */
int sr_setdefaulttimeout(double timeout);

/* ------------------------------------------------------------------ */
/* The socket object (ref/src/socket.c, io.c, options.c)               */
/* ------------------------------------------------------------------ */

typedef struct sr_socket sr_socket;

/* socket(family, type, proto). The seed's defaults are AF_INET,
 * SOCK_STREAM, 0 (C has none: pass them). SR_SOCK_NONBLOCK in type puts
 * the socket in non-blocking mode (timeout 0.0), SR_SOCK_CLOEXEC is
 * honoured; sr_socket_type() reports type without those flags. Otherwise
 * the new socket takes the default timeout. Without SR_SOCK_CLOEXEC the
 * descriptor is inheritable, as in the seed's Python. */
int sr_socket_new(sr_socket **out, int family, int type, int proto);

/* socketpair(family, type, proto): the seed's default family is AF_UNIX
 * where it exists, else AF_INET (pass it). Both sockets take the default
 * timeout (or 0.0 with SR_SOCK_NONBLOCK). Windows: SR_EUNSUPPORTED (the
 * seed: "Availability: Unix"). */
int sr_socketpair(sr_socket **a, sr_socket **b, int family, int type,
                  int proto);

/* fromfd(fd, family, type, proto): duplicates fd and wraps the duplicate.
 * The new object is in blocking mode (timeout None) unless a default
 * timeout is set, in which case it takes the default as a new socket does. */
int sr_fromfd(sr_socket **out, sr_sock_t fd, int family, int type,
              int proto);

/* Free the object: closes the descriptor if still open (as garbage
 * collection would), then releases the memory once no file object made by
 * sr_makefile still refers to it. NULL is allowed. */
void sr_socket_free(sr_socket *s);

/* The read-only attributes. type has SOCK_NONBLOCK/SOCK_CLOEXEC removed. */
int sr_socket_family(const sr_socket *s);
int sr_socket_type(const sr_socket *s);
int sr_socket_proto(const sr_socket *s);

/* accept(): *conn is a new socket (free it with sr_socket_free); *addr
 * (may be NULL) receives the peer address. Timeout of *conn, as the seed's
 * "Timeouts and the accept method" says:
 * - a default timeout is set: *conn takes it;
 * - else the listener is blocking or in timeout mode: *conn is blocking
 *   (O_NONBLOCK cleared explicitly);
 * - else (non-blocking listener): not normalised. *conn reflects whatever
 *   the OS gave its descriptor: timeout None if the descriptor is blocking
 *   (Linux accept() never inherits O_NONBLOCK), 0.0 if it is non-blocking
 *   (BSD accept() inherits it; on Windows the accepted socket inherits the
 *   listener's FIONBIO, which the Windows layer records). */
int sr_accept(sr_socket *s, sr_socket **conn, sr_address *addr);

int sr_bind(sr_socket *s, const sr_address *addr);

/* close(): idempotent, returns 0 (or a close() error the first time).
 * Every later operation on the object fails with SR_EBADF. If files made
 * by sr_makefile are still open, the descriptor stays open until the last
 * of them is closed (the seed: "Closing the file object won't close the
 * socket unless there are no remaining references"). The memory stays
 * until sr_socket_free. */
int sr_close(sr_socket *s);

/* connect(): in timeout mode a non-blocking connect, a wait for
 * writability within the timeout (SR_ETIMEOUT_SOCK when it passes), then
 * SO_ERROR. In non-blocking mode returns SR_EINPROGRESS (or SR_EAGAIN for
 * AF_UNIX where the OS says so). */
int sr_connect(sr_socket *s, const sr_address *addr);

/* connect_ex(): 0, or the POSITIVE native errno of the failed connect
 * (e.g. ECONNREFUSED, EINPROGRESS) - the seed's "value of the errno
 * variable"; a timeout gives the native EAGAIN/EWOULDBLOCK as CPython does,
 * and so does a closed socket give EBADF (CPython calls connect() on the
 * dead descriptor). Problems outside connect() itself (name lookup, bad
 * address values) still return negative SR_* codes. */
int sr_connect_ex(sr_socket *s, const sr_address *addr);

/* detach(): the object goes to the closed state without closing the
 * descriptor, which is returned. SR_INVALID_SOCK if already closed. */
sr_sock_t sr_detach(sr_socket *s);

/* fileno(): the descriptor, or SR_INVALID_SOCK once closed/detached. */
sr_sock_t sr_fileno(const sr_socket *s);

int sr_getpeername(sr_socket *s, sr_address *addr);
int sr_getsockname(sr_socket *s, sr_address *addr);

/* getsockopt(level, optname): integer form. */
int sr_getsockopt(sr_socket *s, int level, int optname, int *value);
/* getsockopt(level, optname, buflen): buffer form. buflen must be
 * 1..1024 as in CPython (else SR_ESOCKET_MSG, a socket.error, with detail
 * "getsockopt buflen out of range");
 * returns the number of bytes the option produced (<= buflen). */
int sr_getsockopt_buf(sr_socket *s, int level, int optname, void *buf,
                      size_t buflen);

/* setsockopt(level, optname, value): integer and bytes forms. */
int sr_setsockopt(sr_socket *s, int level, int optname, int value);
int sr_setsockopt_buf(sr_socket *s, int level, int optname,
                      const void *buf, size_t len);

/* gettimeout(): SR_TIMEOUT_NONE, 0.0, or the timeout. Works after close
 * (it reads the object, not the descriptor). */
double sr_gettimeout(const sr_socket *s);

/* settimeout(value): SR_TIMEOUT_NONE -> blocking, 0.0 -> non-blocking,
 * > 0 -> timeout mode. Timeout and non-blocking modes set O_NONBLOCK on the
 * descriptor (visible through fileno()); blocking mode clears it.
 * Other negatives / NaN: SR_EVALUE ("Timeout value out of range"); too
 * large: SR_EOVERFLOW_VALUE. On a closed socket: SR_EBADF. */
int sr_settimeout(sr_socket *s, double timeout);

/* setblocking(flag): flag != 0 is settimeout(None), 0 is settimeout(0.0). */
int sr_setblocking(sr_socket *s, int flag);

/* listen(backlog): a backlog below 1 is raised to 1, as the seed's Python
 * did (the seed: "should be at least 1"). */
int sr_listen(sr_socket *s, int backlog);

/* recv(bufsize, flags): bytes received (0 = orderly shutdown / EOF). */
int sr_recv(sr_socket *s, void *buf, size_t bufsize, int flags);

/* recvfrom(bufsize, flags): *from (may be NULL) receives the sender. For a
 * connected stream socket the OS may report no address; *from then has
 * family AF_UNSPEC (or the socket's family with an empty host). */
int sr_recvfrom(sr_socket *s, void *buf, size_t bufsize, int flags,
                sr_address *from);

/* recv_into(buffer, nbytes, flags): nbytes 0 means buflen; negative
 * nbytes -> SR_EVALUE ("negative buffersize in recv_into"); nbytes >
 * buflen -> SR_EVALUE ("buffer too small for requested bytes"). */
int sr_recv_into(sr_socket *s, void *buf, size_t buflen, long long nbytes,
                 int flags);
int sr_recvfrom_into(sr_socket *s, void *buf, size_t buflen,
                     long long nbytes, int flags, sr_address *from);

/* send(bytes, flags): the number of bytes sent (may be fewer than len). */
int sr_send(sr_socket *s, const void *data, size_t len, int flags);

/* sendall(bytes, flags): 0 once everything is sent. In timeout mode the
 * timeout bounds the whole call (one deadline across partial sends). */
int sr_sendall(sr_socket *s, const void *data, size_t len, int flags);

int sr_sendto(sr_socket *s, const void *data, size_t len, int flags,
              const sr_address *to);

/* shutdown(how): SHUT_RD, SHUT_WR, SHUT_RDWR. */
int sr_shutdown(sr_socket *s, int how);

/* ioctl(control, option): Windows WSAIoctl for SIO_RCVALL (option: a
 * uint32_t RCVALL_* value), SIO_KEEPALIVE_VALS (option: struct
 * tcp_keepalive) and SIO_LOOPBACK_FAST_PATH (uint32_t). SR_EUNSUPPORTED on
 * other platforms and for other controls. */
int sr_ioctl(sr_socket *s, unsigned long control, const void *option,
             size_t option_len);

/* ------------------------------------------------------------------ */
/* makefile (ref/src/file.c)                                           */
/* ------------------------------------------------------------------ */

typedef struct sr_file sr_file;

/* makefile(mode, buffering). mode: any combination of 'r', 'w', 'b'
 * ("r", "w", "rw", "rb", "wb", "rwb"...; other characters -> SR_EVALUE).
 * buffering: -1 default (8192), 0 unbuffered (binary modes only, else
 * SR_EVALUE), 1 line buffered, >1 buffer size. Text and binary differ only
 * in that rule: data are bytes either way. The file keeps the socket's
 * descriptor alive (see sr_close). */
int sr_makefile(sr_socket *s, sr_file **out, const char *mode,
                int buffering);

/* read(size): size < 0 reads to EOF; else up to size bytes, fewer only at
 * EOF. *data is malloc'd (free with sr_free), *len its length; *data is
 * NUL-terminated for convenience. Returns 0 or an error. On an error,
 * data already read stays buffered in the file, nothing is lost. */
int sr_file_read(sr_file *f, long long size, char **data, size_t *len);

/* readline(limit): up to and including '\n' (limit < 0: no limit). */
int sr_file_readline(sr_file *f, long long limit, char **data,
                     size_t *len);

/* write(data): returns the number of bytes accepted (len, or fewer only
 * in unbuffered mode). Not writable: SR_EVALUE. If the write fills the
 * buffer and the flush that follows fails, the error is returned but the
 * data stay buffered (accepted): a later flush or close sends them. */
int sr_file_write(sr_file *f, const void *data, size_t len);
int sr_file_flush(sr_file *f);

/* close(): flushes, then drops the file's reference on the socket's
 * descriptor. Idempotent. Later operations give SR_EVALUE ("I/O operation
 * on closed file"). */
int sr_file_close(sr_file *f);
/* Closes if needed and frees. NULL allowed. */
void sr_file_free(sr_file *f);

/* ------------------------------------------------------------------ */
/* Module functions                                                    */
/* ------------------------------------------------------------------ */

/* create_connection((host, port), timeout, source_address): resolves with
 * getaddrinfo(host, port, AF_UNSPEC, SOCK_STREAM), tries every result in
 * order, setting the timeout (SR_TIMEOUT_DEFAULT: the default timeout)
 * before connecting and binding source_address (may be NULL) first;
 * returns the first connected socket or the last error. */
int sr_create_connection(sr_socket **out, const char *host, int port,
                         double timeout, const sr_address *source_address);

typedef struct sr_addrinfo {
  int family;
  int type;
  int proto;
  char *canonname; /* "" unless AI_CANONNAME gave one; never NULL */
  sr_address addr;
  struct sr_addrinfo *next;
} sr_addrinfo;

/* getaddrinfo(host, port, family, type, proto, flags): host and port may be
 * NULL (the seed's None). Returns the number of results (>= 1) and the
 * list in *res (free with sr_freeaddrinfo), or a GAI-kind error. */
int sr_getaddrinfo(const char *host, const char *port, int family, int type,
                   int proto, int flags, sr_addrinfo **res);
void sr_freeaddrinfo(sr_addrinfo *res);

/* getnameinfo(sockaddr, flags) -> (host, port) as strings. */
int sr_getnameinfo(const sr_address *addr, int flags, char *host,
                   size_t hostlen, char *port, size_t portlen);

int sr_gethostname(char *out, size_t outlen);

/* gethostbyname(name) -> dotted quad. */
int sr_gethostbyname(const char *name, char *out, size_t outlen);

typedef struct sr_hostent {
  char *name;
  char **aliases; /* n_aliases strings */
  size_t n_aliases;
  char **addresses; /* n_addresses numeric strings */
  size_t n_addresses;
} sr_hostent;

/* gethostbyname_ex(name), gethostbyaddr(ip_address): H-kind errors
 * (SR_HOST_NOT_FOUND...) as socket.herror. Free with sr_hostent_free. */
int sr_gethostbyname_ex(const char *name, sr_hostent *out);
int sr_gethostbyaddr(const char *ip_address, sr_hostent *out);
void sr_hostent_free(sr_hostent *h);

/* getfqdn(name): name NULL or "" means the local host. */
int sr_getfqdn(const char *name, char *out, size_t outlen);

/* getprotobyname(name) -> protocol number (>= 0). */
int sr_getprotobyname(const char *name);
/* getservbyname(name, proto or NULL) -> port (>= 0). */
int sr_getservbyname(const char *name, const char *proto);
/* getservbyport(port, proto or NULL) -> service name. port outside
 * 0..65535: SR_EOVERFLOW_VALUE. */
int sr_getservbyport(long long port, const char *proto, char *out,
                     size_t outlen);

/* Byte order: x outside 0..0xffffffff (l) or 0..0xffff (s) gives
 * SR_EOVERFLOW_VALUE; negative x gives SR_EOVERFLOW_VALUE too. */
int sr_ntohl(long long x, uint32_t *out);
int sr_htonl(long long x, uint32_t *out);
int sr_ntohs(long long x, uint16_t *out);
int sr_htons(long long x, uint16_t *out);

/* inet_aton(ip_string) -> 4 bytes. Invalid string: SR_ESOCKET_MSG
 * ("illegal IP address string passed to inet_aton"). */
int sr_inet_aton(const char *ip_string, unsigned char out[4]);
/* inet_ntoa(packed_ip): len != 4 is SR_ESOCKET_MSG (the seed's
 * socket.error, "packed IP wrong length for inet_ntoa"). out >= 16 bytes. */
int sr_inet_ntoa(const void *packed, size_t len, char *out, size_t outlen);
/* inet_pton(family, ip_string) -> packed; returns its length (4 or 16).
 * out must hold 16 bytes. Invalid string: SR_ESOCKET_MSG; unknown family:
 * SR_EAFNOSUPPORT. */
int sr_inet_pton(int family, const char *ip_string, unsigned char *out);
/* inet_ntop(family, packed_ip): wrong length for the family is SR_EVALUE
 * (the seed's ValueError); an unknown family is SR_EVALUE too ("unknown
 * address family N", as CPython raises ValueError), unlike inet_pton. */
int sr_inet_ntop(int family, const void *packed, size_t len, char *out,
                 size_t outlen);

/* has_ipv6: 1 if the platform supports IPv6 sockets. */
int sr_has_ipv6(void);

#ifdef __cplusplus
}
#endif

#endif /* SOCKREF_H */
