/* sockref/platform.h - the system socket headers and the few types that
 * differ between POSIX sockets and Winsock2.
 *
 * Included by sockref.h; users get AF_*, SOCK_*, SOL_*, SO_*, IPPROTO_*,
 * MSG_*, AI_*, NI_*, SHUT_* from here, exactly as the platform defines them.
 */
#ifndef SOCKREF_PLATFORM_H
#define SOCKREF_PLATFORM_H

#ifdef _WIN32
# ifndef WIN32_LEAN_AND_MEAN
#  define WIN32_LEAN_AND_MEAN
# endif
# include <winsock2.h>
# include <ws2tcpip.h>
# include <mstcpip.h>
# include <afunix.h>
# include <errno.h>

/* A Winsock socket is a handle, not a small integer. */
typedef SOCKET sr_sock_t;
# define SR_INVALID_SOCK INVALID_SOCKET

/* Winsock spells the shutdown directions differently. */
# ifndef SHUT_RD
#  define SHUT_RD SD_RECEIVE
#  define SHUT_WR SD_SEND
#  define SHUT_RDWR SD_BOTH
# endif

/* Winsock has no h_errno-style constants under their BSD names in every
 * SDK; they exist as WSA* values. */
# ifndef NO_DATA
#  define NO_DATA WSANO_DATA
# endif

#else /* POSIX */
# include <sys/types.h>
# include <sys/socket.h>
# include <sys/un.h>
# include <netinet/in.h>
# include <netinet/tcp.h>
# include <arpa/inet.h>
# include <netdb.h>
# include <errno.h>

typedef int sr_sock_t;
# define SR_INVALID_SOCK (-1)
#endif

/* Atomic creation flags (Linux >= 2.6.27). Where the OS lacks them they are
 * 0, so "type | SR_SOCK_NONBLOCK" is always valid. */
#ifdef SOCK_NONBLOCK
# define SR_SOCK_NONBLOCK SOCK_NONBLOCK
#else
# define SR_SOCK_NONBLOCK 0
#endif
#ifdef SOCK_CLOEXEC
# define SR_SOCK_CLOEXEC SOCK_CLOEXEC
#else
# define SR_SOCK_CLOEXEC 0
#endif

#endif /* SOCKREF_PLATFORM_H */
