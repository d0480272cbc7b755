/* The fuzzing sandbox (agent.sandbox, set only by fuzz_agent.c).
 *
 * The fuzz target drives the real request handler with real sockets, but
 * nothing it does may block, touch the file system or send a packet
 * anywhere but loopback. Outside the sandbox every function here lets
 * everything through unchanged. In the sandbox:
 *   - name resolution and the operations built on it (getaddrinfo,
 *     getnameinfo, gethostby*, getfqdn, create_connection) and fromfd
 *     answer `unsupported`;
 *   - sockets are AF_INET/AF_INET6/AF_UNIX of type stream, datagram or
 *     seqpacket only, and always non-blocking (timeout 0, re-applied after
 *     settimeout/setblocking), so no call waits;
 *   - addresses must be numeric loopback/wildcard ones, or abstract
 *     AF_UNIX names;
 *   - sleep and poll do not wait; SO_LINGER (close would wait) and the
 *     options that tie a socket to an interface cannot be set; payloads
 *     and receive buffers are capped at 1 MiB;
 *   - detach closes the descriptor it returns, so none leak. */
#ifndef SOCKREF_AGENT_SANDBOX_H
#define SOCKREF_AGENT_SANDBOX_H

#include <stdbool.h>
#include <stdint.h>

#include "agent.h"

bool sandbox_allows(request *rq, const op_spec *op);
bool sandbox_address_ok(request *rq, const sr_address *a);
bool sandbox_socket_ok(request *rq, int family, int type);
bool sandbox_sockopt_ok(request *rq, int level, int optname);
/* Largest payload / buffer the request may ask for. */
int64_t sandbox_pattern_limit(const request *rq);
int64_t sandbox_buffer_limit(const request *rq);
/* How long a wait may last (seconds or SR_TIMEOUT_NONE). */
double sandbox_wait(const request *rq, double seconds);
/* Make a socket non-blocking when sandboxed. */
void sandbox_tame(request *rq, sr_socket *s);
/* A descriptor handed out by detach: closed when sandboxed. */
void sandbox_release_fd(request *rq, sr_sock_t fd);

#endif
