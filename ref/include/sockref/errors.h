/* sockref/errors.h - every error code libsockref can return, in one table.
 *
 * Functions return >= 0 on success and a negative SR_* code on failure.
 * SR_ERRNO_MAP(XX) lists each code once as XX(NAME, kind, "message"); the
 * enum below and sr_err_name()/sr_strerror()/sr_err_kind() are generated
 * from it, so a code can never exist in one place and be missing in another.
 *
 * Kinds (what the socket module would raise):
 *   SR_KIND_ERROR       socket.error with an errno. On POSIX the code is
 *                       -errno (so any errno round-trips, listed or not); on
 *                       Windows it is -WSAE* (or -errno for CRT errors).
 *                       -3000..-3999 is the library's own range (no errno
 *                       gets that large) and -4000..-4099 holds private
 *                       values for errno names a platform lacks.
 *   SR_KIND_GAI         socket.gaierror, SR_EAI_* in -3000..-3099.
 *   SR_KIND_H           socket.herror, SR_HOST_NOT_FOUND..SR_NO_DATA.
 *   SR_KIND_TIMEOUT     socket.timeout ("timed out"), the socket's own timeout;
 *                       distinct from ETIMEDOUT, which the stack reports.
 *   SR_KIND_VALUE       ValueError/OverflowError/TypeError: an argument was
 *                       rejected before any system call; sr_last_detail()
 *                       says which and why.
 *   SR_KIND_ERROR_MSG   socket.error that carries only a message and no errno
 *                       (the seed's inet_aton/inet_ntoa/inet_pton failures,
 *                       "AF_UNIX path too long"); sr_last_detail() has it.
 *   SR_KIND_UNSUPPORTED the operation or option does not exist here
 *                       (ioctl on POSIX).
 */
#ifndef SOCKREF_ERRORS_H
#define SOCKREF_ERRORS_H

#include "platform.h"

enum sr_err_kind {
  SR_KIND_NONE = 0, /* not an error (a value >= 0) */
  SR_KIND_ERROR = 1,
  SR_KIND_GAI = 2,
  SR_KIND_H = 3,
  SR_KIND_TIMEOUT = 4,
  SR_KIND_VALUE = 5,
  SR_KIND_ERROR_MSG = 6,
  SR_KIND_UNSUPPORTED = 7
};

/* Generated once from a name list, then maintained by hand. Each errno-kind
 * name gets its number from the platform when the platform defines it, so
 * an unknown errno still round-trips as -errno (POSIX) or -WSAE* (Winsock);
 * names the platform lacks get a private value in -4000..-4099. */
#ifdef _WIN32
# if defined(WSAE2BIG)
#  define SR__E2BIG (-(WSAE2BIG))
# elif defined(E2BIG)
#  define SR__E2BIG (-(E2BIG))
# else
#  define SR__E2BIG (-4000)
# endif
# if defined(WSAEACCES)
#  define SR__EACCES (-(WSAEACCES))
# elif defined(EACCES)
#  define SR__EACCES (-(EACCES))
# else
#  define SR__EACCES (-4001)
# endif
# if defined(WSAEADDRINUSE)
#  define SR__EADDRINUSE (-(WSAEADDRINUSE))
# elif defined(EADDRINUSE)
#  define SR__EADDRINUSE (-(EADDRINUSE))
# else
#  define SR__EADDRINUSE (-4002)
# endif
# if defined(WSAEADDRNOTAVAIL)
#  define SR__EADDRNOTAVAIL (-(WSAEADDRNOTAVAIL))
# elif defined(EADDRNOTAVAIL)
#  define SR__EADDRNOTAVAIL (-(EADDRNOTAVAIL))
# else
#  define SR__EADDRNOTAVAIL (-4003)
# endif
# if defined(WSAEAFNOSUPPORT)
#  define SR__EAFNOSUPPORT (-(WSAEAFNOSUPPORT))
# elif defined(EAFNOSUPPORT)
#  define SR__EAFNOSUPPORT (-(EAFNOSUPPORT))
# else
#  define SR__EAFNOSUPPORT (-4004)
# endif
# define SR__EAGAIN (-(WSAEWOULDBLOCK))
# if defined(WSAEALREADY)
#  define SR__EALREADY (-(WSAEALREADY))
# elif defined(EALREADY)
#  define SR__EALREADY (-(EALREADY))
# else
#  define SR__EALREADY (-4006)
# endif
# if defined(WSAEBADF)
#  define SR__EBADF (-(WSAEBADF))
# elif defined(EBADF)
#  define SR__EBADF (-(EBADF))
# else
#  define SR__EBADF (-4007)
# endif
# if defined(WSAEBADMSG)
#  define SR__EBADMSG (-(WSAEBADMSG))
# elif defined(EBADMSG)
#  define SR__EBADMSG (-(EBADMSG))
# else
#  define SR__EBADMSG (-4008)
# endif
# if defined(WSAEBUSY)
#  define SR__EBUSY (-(WSAEBUSY))
# elif defined(EBUSY)
#  define SR__EBUSY (-(EBUSY))
# else
#  define SR__EBUSY (-4009)
# endif
# if defined(WSAECANCELED)
#  define SR__ECANCELED (-(WSAECANCELED))
# elif defined(ECANCELED)
#  define SR__ECANCELED (-(ECANCELED))
# else
#  define SR__ECANCELED (-4010)
# endif
# if defined(WSAECHILD)
#  define SR__ECHILD (-(WSAECHILD))
# elif defined(ECHILD)
#  define SR__ECHILD (-(ECHILD))
# else
#  define SR__ECHILD (-4011)
# endif
# if defined(WSAECONNABORTED)
#  define SR__ECONNABORTED (-(WSAECONNABORTED))
# elif defined(ECONNABORTED)
#  define SR__ECONNABORTED (-(ECONNABORTED))
# else
#  define SR__ECONNABORTED (-4012)
# endif
# if defined(WSAECONNREFUSED)
#  define SR__ECONNREFUSED (-(WSAECONNREFUSED))
# elif defined(ECONNREFUSED)
#  define SR__ECONNREFUSED (-(ECONNREFUSED))
# else
#  define SR__ECONNREFUSED (-4013)
# endif
# if defined(WSAECONNRESET)
#  define SR__ECONNRESET (-(WSAECONNRESET))
# elif defined(ECONNRESET)
#  define SR__ECONNRESET (-(ECONNRESET))
# else
#  define SR__ECONNRESET (-4014)
# endif
# if defined(WSAEDEADLK)
#  define SR__EDEADLK (-(WSAEDEADLK))
# elif defined(EDEADLK)
#  define SR__EDEADLK (-(EDEADLK))
# else
#  define SR__EDEADLK (-4015)
# endif
# if defined(WSAEDESTADDRREQ)
#  define SR__EDESTADDRREQ (-(WSAEDESTADDRREQ))
# elif defined(EDESTADDRREQ)
#  define SR__EDESTADDRREQ (-(EDESTADDRREQ))
# else
#  define SR__EDESTADDRREQ (-4016)
# endif
# if defined(WSAEDOM)
#  define SR__EDOM (-(WSAEDOM))
# elif defined(EDOM)
#  define SR__EDOM (-(EDOM))
# else
#  define SR__EDOM (-4017)
# endif
# if defined(WSAEDQUOT)
#  define SR__EDQUOT (-(WSAEDQUOT))
# elif defined(EDQUOT)
#  define SR__EDQUOT (-(EDQUOT))
# else
#  define SR__EDQUOT (-4018)
# endif
# if defined(WSAEEXIST)
#  define SR__EEXIST (-(WSAEEXIST))
# elif defined(EEXIST)
#  define SR__EEXIST (-(EEXIST))
# else
#  define SR__EEXIST (-4019)
# endif
# if defined(WSAEFAULT)
#  define SR__EFAULT (-(WSAEFAULT))
# elif defined(EFAULT)
#  define SR__EFAULT (-(EFAULT))
# else
#  define SR__EFAULT (-4020)
# endif
# if defined(WSAEFBIG)
#  define SR__EFBIG (-(WSAEFBIG))
# elif defined(EFBIG)
#  define SR__EFBIG (-(EFBIG))
# else
#  define SR__EFBIG (-4021)
# endif
# if defined(WSAEHOSTDOWN)
#  define SR__EHOSTDOWN (-(WSAEHOSTDOWN))
# elif defined(EHOSTDOWN)
#  define SR__EHOSTDOWN (-(EHOSTDOWN))
# else
#  define SR__EHOSTDOWN (-4022)
# endif
# if defined(WSAEHOSTUNREACH)
#  define SR__EHOSTUNREACH (-(WSAEHOSTUNREACH))
# elif defined(EHOSTUNREACH)
#  define SR__EHOSTUNREACH (-(EHOSTUNREACH))
# else
#  define SR__EHOSTUNREACH (-4023)
# endif
# if defined(WSAEIDRM)
#  define SR__EIDRM (-(WSAEIDRM))
# elif defined(EIDRM)
#  define SR__EIDRM (-(EIDRM))
# else
#  define SR__EIDRM (-4024)
# endif
# if defined(WSAEILSEQ)
#  define SR__EILSEQ (-(WSAEILSEQ))
# elif defined(EILSEQ)
#  define SR__EILSEQ (-(EILSEQ))
# else
#  define SR__EILSEQ (-4025)
# endif
# if defined(WSAEINPROGRESS)
#  define SR__EINPROGRESS (-(WSAEINPROGRESS))
# elif defined(EINPROGRESS)
#  define SR__EINPROGRESS (-(EINPROGRESS))
# else
#  define SR__EINPROGRESS (-4026)
# endif
# if defined(WSAEINTR)
#  define SR__EINTR (-(WSAEINTR))
# elif defined(EINTR)
#  define SR__EINTR (-(EINTR))
# else
#  define SR__EINTR (-4027)
# endif
# if defined(WSAEINVAL)
#  define SR__EINVAL (-(WSAEINVAL))
# elif defined(EINVAL)
#  define SR__EINVAL (-(EINVAL))
# else
#  define SR__EINVAL (-4028)
# endif
# if defined(WSAEIO)
#  define SR__EIO (-(WSAEIO))
# elif defined(EIO)
#  define SR__EIO (-(EIO))
# else
#  define SR__EIO (-4029)
# endif
# if defined(WSAEISCONN)
#  define SR__EISCONN (-(WSAEISCONN))
# elif defined(EISCONN)
#  define SR__EISCONN (-(EISCONN))
# else
#  define SR__EISCONN (-4030)
# endif
# if defined(WSAEISDIR)
#  define SR__EISDIR (-(WSAEISDIR))
# elif defined(EISDIR)
#  define SR__EISDIR (-(EISDIR))
# else
#  define SR__EISDIR (-4031)
# endif
# if defined(WSAELOOP)
#  define SR__ELOOP (-(WSAELOOP))
# elif defined(ELOOP)
#  define SR__ELOOP (-(ELOOP))
# else
#  define SR__ELOOP (-4032)
# endif
# if defined(WSAEMFILE)
#  define SR__EMFILE (-(WSAEMFILE))
# elif defined(EMFILE)
#  define SR__EMFILE (-(EMFILE))
# else
#  define SR__EMFILE (-4033)
# endif
# if defined(WSAEMLINK)
#  define SR__EMLINK (-(WSAEMLINK))
# elif defined(EMLINK)
#  define SR__EMLINK (-(EMLINK))
# else
#  define SR__EMLINK (-4034)
# endif
# if defined(WSAEMSGSIZE)
#  define SR__EMSGSIZE (-(WSAEMSGSIZE))
# elif defined(EMSGSIZE)
#  define SR__EMSGSIZE (-(EMSGSIZE))
# else
#  define SR__EMSGSIZE (-4035)
# endif
# if defined(WSAENAMETOOLONG)
#  define SR__ENAMETOOLONG (-(WSAENAMETOOLONG))
# elif defined(ENAMETOOLONG)
#  define SR__ENAMETOOLONG (-(ENAMETOOLONG))
# else
#  define SR__ENAMETOOLONG (-4036)
# endif
# if defined(WSAENETDOWN)
#  define SR__ENETDOWN (-(WSAENETDOWN))
# elif defined(ENETDOWN)
#  define SR__ENETDOWN (-(ENETDOWN))
# else
#  define SR__ENETDOWN (-4037)
# endif
# if defined(WSAENETRESET)
#  define SR__ENETRESET (-(WSAENETRESET))
# elif defined(ENETRESET)
#  define SR__ENETRESET (-(ENETRESET))
# else
#  define SR__ENETRESET (-4038)
# endif
# if defined(WSAENETUNREACH)
#  define SR__ENETUNREACH (-(WSAENETUNREACH))
# elif defined(ENETUNREACH)
#  define SR__ENETUNREACH (-(ENETUNREACH))
# else
#  define SR__ENETUNREACH (-4039)
# endif
# if defined(WSAENFILE)
#  define SR__ENFILE (-(WSAENFILE))
# elif defined(ENFILE)
#  define SR__ENFILE (-(ENFILE))
# else
#  define SR__ENFILE (-4040)
# endif
# if defined(WSAENOBUFS)
#  define SR__ENOBUFS (-(WSAENOBUFS))
# elif defined(ENOBUFS)
#  define SR__ENOBUFS (-(ENOBUFS))
# else
#  define SR__ENOBUFS (-4041)
# endif
# if defined(WSAENODEV)
#  define SR__ENODEV (-(WSAENODEV))
# elif defined(ENODEV)
#  define SR__ENODEV (-(ENODEV))
# else
#  define SR__ENODEV (-4042)
# endif
# if defined(WSAENOENT)
#  define SR__ENOENT (-(WSAENOENT))
# elif defined(ENOENT)
#  define SR__ENOENT (-(ENOENT))
# else
#  define SR__ENOENT (-4043)
# endif
# if defined(WSAENOEXEC)
#  define SR__ENOEXEC (-(WSAENOEXEC))
# elif defined(ENOEXEC)
#  define SR__ENOEXEC (-(ENOEXEC))
# else
#  define SR__ENOEXEC (-4044)
# endif
# if defined(WSAENOLCK)
#  define SR__ENOLCK (-(WSAENOLCK))
# elif defined(ENOLCK)
#  define SR__ENOLCK (-(ENOLCK))
# else
#  define SR__ENOLCK (-4045)
# endif
# if defined(WSAENOMEM)
#  define SR__ENOMEM (-(WSAENOMEM))
# elif defined(ENOMEM)
#  define SR__ENOMEM (-(ENOMEM))
# else
#  define SR__ENOMEM (-4046)
# endif
# if defined(WSAENOMSG)
#  define SR__ENOMSG (-(WSAENOMSG))
# elif defined(ENOMSG)
#  define SR__ENOMSG (-(ENOMSG))
# else
#  define SR__ENOMSG (-4047)
# endif
# if defined(WSAENOPROTOOPT)
#  define SR__ENOPROTOOPT (-(WSAENOPROTOOPT))
# elif defined(ENOPROTOOPT)
#  define SR__ENOPROTOOPT (-(ENOPROTOOPT))
# else
#  define SR__ENOPROTOOPT (-4048)
# endif
# if defined(WSAENOSPC)
#  define SR__ENOSPC (-(WSAENOSPC))
# elif defined(ENOSPC)
#  define SR__ENOSPC (-(ENOSPC))
# else
#  define SR__ENOSPC (-4049)
# endif
# if defined(WSAENOSYS)
#  define SR__ENOSYS (-(WSAENOSYS))
# elif defined(ENOSYS)
#  define SR__ENOSYS (-(ENOSYS))
# else
#  define SR__ENOSYS (-4050)
# endif
# if defined(WSAENOTCONN)
#  define SR__ENOTCONN (-(WSAENOTCONN))
# elif defined(ENOTCONN)
#  define SR__ENOTCONN (-(ENOTCONN))
# else
#  define SR__ENOTCONN (-4051)
# endif
# if defined(WSAENOTDIR)
#  define SR__ENOTDIR (-(WSAENOTDIR))
# elif defined(ENOTDIR)
#  define SR__ENOTDIR (-(ENOTDIR))
# else
#  define SR__ENOTDIR (-4052)
# endif
# if defined(WSAENOTEMPTY)
#  define SR__ENOTEMPTY (-(WSAENOTEMPTY))
# elif defined(ENOTEMPTY)
#  define SR__ENOTEMPTY (-(ENOTEMPTY))
# else
#  define SR__ENOTEMPTY (-4053)
# endif
# if defined(WSAENOTSOCK)
#  define SR__ENOTSOCK (-(WSAENOTSOCK))
# elif defined(ENOTSOCK)
#  define SR__ENOTSOCK (-(ENOTSOCK))
# else
#  define SR__ENOTSOCK (-4054)
# endif
# if defined(WSAENOTTY)
#  define SR__ENOTTY (-(WSAENOTTY))
# elif defined(ENOTTY)
#  define SR__ENOTTY (-(ENOTTY))
# else
#  define SR__ENOTTY (-4055)
# endif
# if defined(WSAENXIO)
#  define SR__ENXIO (-(WSAENXIO))
# elif defined(ENXIO)
#  define SR__ENXIO (-(ENXIO))
# else
#  define SR__ENXIO (-4056)
# endif
# if defined(WSAEOPNOTSUPP)
#  define SR__EOPNOTSUPP (-(WSAEOPNOTSUPP))
# elif defined(EOPNOTSUPP)
#  define SR__EOPNOTSUPP (-(EOPNOTSUPP))
# else
#  define SR__EOPNOTSUPP (-4057)
# endif
# if defined(WSAEOVERFLOW)
#  define SR__EOVERFLOW (-(WSAEOVERFLOW))
# elif defined(EOVERFLOW)
#  define SR__EOVERFLOW (-(EOVERFLOW))
# else
#  define SR__EOVERFLOW (-4058)
# endif
# if defined(WSAEPERM)
#  define SR__EPERM (-(WSAEPERM))
# elif defined(EPERM)
#  define SR__EPERM (-(EPERM))
# else
#  define SR__EPERM (-4059)
# endif
# if defined(WSAEPFNOSUPPORT)
#  define SR__EPFNOSUPPORT (-(WSAEPFNOSUPPORT))
# elif defined(EPFNOSUPPORT)
#  define SR__EPFNOSUPPORT (-(EPFNOSUPPORT))
# else
#  define SR__EPFNOSUPPORT (-4060)
# endif
# if defined(WSAEPIPE)
#  define SR__EPIPE (-(WSAEPIPE))
# elif defined(EPIPE)
#  define SR__EPIPE (-(EPIPE))
# else
#  define SR__EPIPE (-4061)
# endif
# if defined(WSAEPROTO)
#  define SR__EPROTO (-(WSAEPROTO))
# elif defined(EPROTO)
#  define SR__EPROTO (-(EPROTO))
# else
#  define SR__EPROTO (-4062)
# endif
# if defined(WSAEPROTONOSUPPORT)
#  define SR__EPROTONOSUPPORT (-(WSAEPROTONOSUPPORT))
# elif defined(EPROTONOSUPPORT)
#  define SR__EPROTONOSUPPORT (-(EPROTONOSUPPORT))
# else
#  define SR__EPROTONOSUPPORT (-4063)
# endif
# if defined(WSAEPROTOTYPE)
#  define SR__EPROTOTYPE (-(WSAEPROTOTYPE))
# elif defined(EPROTOTYPE)
#  define SR__EPROTOTYPE (-(EPROTOTYPE))
# else
#  define SR__EPROTOTYPE (-4064)
# endif
# if defined(WSAERANGE)
#  define SR__ERANGE (-(WSAERANGE))
# elif defined(ERANGE)
#  define SR__ERANGE (-(ERANGE))
# else
#  define SR__ERANGE (-4065)
# endif
# if defined(WSAEROFS)
#  define SR__EROFS (-(WSAEROFS))
# elif defined(EROFS)
#  define SR__EROFS (-(EROFS))
# else
#  define SR__EROFS (-4066)
# endif
# if defined(WSAESHUTDOWN)
#  define SR__ESHUTDOWN (-(WSAESHUTDOWN))
# elif defined(ESHUTDOWN)
#  define SR__ESHUTDOWN (-(ESHUTDOWN))
# else
#  define SR__ESHUTDOWN (-4067)
# endif
# if defined(WSAESOCKTNOSUPPORT)
#  define SR__ESOCKTNOSUPPORT (-(WSAESOCKTNOSUPPORT))
# elif defined(ESOCKTNOSUPPORT)
#  define SR__ESOCKTNOSUPPORT (-(ESOCKTNOSUPPORT))
# else
#  define SR__ESOCKTNOSUPPORT (-4068)
# endif
# if defined(WSAESPIPE)
#  define SR__ESPIPE (-(WSAESPIPE))
# elif defined(ESPIPE)
#  define SR__ESPIPE (-(ESPIPE))
# else
#  define SR__ESPIPE (-4069)
# endif
# if defined(WSAESRCH)
#  define SR__ESRCH (-(WSAESRCH))
# elif defined(ESRCH)
#  define SR__ESRCH (-(ESRCH))
# else
#  define SR__ESRCH (-4070)
# endif
# if defined(WSAESTALE)
#  define SR__ESTALE (-(WSAESTALE))
# elif defined(ESTALE)
#  define SR__ESTALE (-(ESTALE))
# else
#  define SR__ESTALE (-4071)
# endif
# if defined(WSAETIMEDOUT)
#  define SR__ETIMEDOUT (-(WSAETIMEDOUT))
# elif defined(ETIMEDOUT)
#  define SR__ETIMEDOUT (-(ETIMEDOUT))
# else
#  define SR__ETIMEDOUT (-4072)
# endif
# if defined(WSAETOOMANYREFS)
#  define SR__ETOOMANYREFS (-(WSAETOOMANYREFS))
# elif defined(ETOOMANYREFS)
#  define SR__ETOOMANYREFS (-(ETOOMANYREFS))
# else
#  define SR__ETOOMANYREFS (-4073)
# endif
# if defined(WSAETXTBSY)
#  define SR__ETXTBSY (-(WSAETXTBSY))
# elif defined(ETXTBSY)
#  define SR__ETXTBSY (-(ETXTBSY))
# else
#  define SR__ETXTBSY (-4074)
# endif
# if defined(WSAEUSERS)
#  define SR__EUSERS (-(WSAEUSERS))
# elif defined(EUSERS)
#  define SR__EUSERS (-(EUSERS))
# else
#  define SR__EUSERS (-4075)
# endif
# if defined(WSAEXDEV)
#  define SR__EXDEV (-(WSAEXDEV))
# elif defined(EXDEV)
#  define SR__EXDEV (-(EXDEV))
# else
#  define SR__EXDEV (-4076)
# endif
# if defined(WSAENOTSUP)
#  define SR__ENOTSUP (-(WSAENOTSUP))
# elif defined(ENOTSUP)
#  define SR__ENOTSUP (-(ENOTSUP))
# else
#  define SR__ENOTSUP (-4077)
# endif
# if defined(WSAEWOULDBLOCK)
#  define SR__EWOULDBLOCK (-(WSAEWOULDBLOCK))
# elif defined(EWOULDBLOCK)
#  define SR__EWOULDBLOCK (-(EWOULDBLOCK))
# else
#  define SR__EWOULDBLOCK (-4078)
# endif
#else
# if defined(E2BIG)
#  define SR__E2BIG (-(E2BIG))
# else
#  define SR__E2BIG (-4000)
# endif
# if defined(EACCES)
#  define SR__EACCES (-(EACCES))
# else
#  define SR__EACCES (-4001)
# endif
# if defined(EADDRINUSE)
#  define SR__EADDRINUSE (-(EADDRINUSE))
# else
#  define SR__EADDRINUSE (-4002)
# endif
# if defined(EADDRNOTAVAIL)
#  define SR__EADDRNOTAVAIL (-(EADDRNOTAVAIL))
# else
#  define SR__EADDRNOTAVAIL (-4003)
# endif
# if defined(EAFNOSUPPORT)
#  define SR__EAFNOSUPPORT (-(EAFNOSUPPORT))
# else
#  define SR__EAFNOSUPPORT (-4004)
# endif
# if defined(EAGAIN)
#  define SR__EAGAIN (-(EAGAIN))
# else
#  define SR__EAGAIN (-4005)
# endif
# if defined(EALREADY)
#  define SR__EALREADY (-(EALREADY))
# else
#  define SR__EALREADY (-4006)
# endif
# if defined(EBADF)
#  define SR__EBADF (-(EBADF))
# else
#  define SR__EBADF (-4007)
# endif
# if defined(EBADMSG)
#  define SR__EBADMSG (-(EBADMSG))
# else
#  define SR__EBADMSG (-4008)
# endif
# if defined(EBUSY)
#  define SR__EBUSY (-(EBUSY))
# else
#  define SR__EBUSY (-4009)
# endif
# if defined(ECANCELED)
#  define SR__ECANCELED (-(ECANCELED))
# else
#  define SR__ECANCELED (-4010)
# endif
# if defined(ECHILD)
#  define SR__ECHILD (-(ECHILD))
# else
#  define SR__ECHILD (-4011)
# endif
# if defined(ECONNABORTED)
#  define SR__ECONNABORTED (-(ECONNABORTED))
# else
#  define SR__ECONNABORTED (-4012)
# endif
# if defined(ECONNREFUSED)
#  define SR__ECONNREFUSED (-(ECONNREFUSED))
# else
#  define SR__ECONNREFUSED (-4013)
# endif
# if defined(ECONNRESET)
#  define SR__ECONNRESET (-(ECONNRESET))
# else
#  define SR__ECONNRESET (-4014)
# endif
# if defined(EDEADLK)
#  define SR__EDEADLK (-(EDEADLK))
# else
#  define SR__EDEADLK (-4015)
# endif
# if defined(EDESTADDRREQ)
#  define SR__EDESTADDRREQ (-(EDESTADDRREQ))
# else
#  define SR__EDESTADDRREQ (-4016)
# endif
# if defined(EDOM)
#  define SR__EDOM (-(EDOM))
# else
#  define SR__EDOM (-4017)
# endif
# if defined(EDQUOT)
#  define SR__EDQUOT (-(EDQUOT))
# else
#  define SR__EDQUOT (-4018)
# endif
# if defined(EEXIST)
#  define SR__EEXIST (-(EEXIST))
# else
#  define SR__EEXIST (-4019)
# endif
# if defined(EFAULT)
#  define SR__EFAULT (-(EFAULT))
# else
#  define SR__EFAULT (-4020)
# endif
# if defined(EFBIG)
#  define SR__EFBIG (-(EFBIG))
# else
#  define SR__EFBIG (-4021)
# endif
# if defined(EHOSTDOWN)
#  define SR__EHOSTDOWN (-(EHOSTDOWN))
# else
#  define SR__EHOSTDOWN (-4022)
# endif
# if defined(EHOSTUNREACH)
#  define SR__EHOSTUNREACH (-(EHOSTUNREACH))
# else
#  define SR__EHOSTUNREACH (-4023)
# endif
# if defined(EIDRM)
#  define SR__EIDRM (-(EIDRM))
# else
#  define SR__EIDRM (-4024)
# endif
# if defined(EILSEQ)
#  define SR__EILSEQ (-(EILSEQ))
# else
#  define SR__EILSEQ (-4025)
# endif
# if defined(EINPROGRESS)
#  define SR__EINPROGRESS (-(EINPROGRESS))
# else
#  define SR__EINPROGRESS (-4026)
# endif
# if defined(EINTR)
#  define SR__EINTR (-(EINTR))
# else
#  define SR__EINTR (-4027)
# endif
# if defined(EINVAL)
#  define SR__EINVAL (-(EINVAL))
# else
#  define SR__EINVAL (-4028)
# endif
# if defined(EIO)
#  define SR__EIO (-(EIO))
# else
#  define SR__EIO (-4029)
# endif
# if defined(EISCONN)
#  define SR__EISCONN (-(EISCONN))
# else
#  define SR__EISCONN (-4030)
# endif
# if defined(EISDIR)
#  define SR__EISDIR (-(EISDIR))
# else
#  define SR__EISDIR (-4031)
# endif
# if defined(ELOOP)
#  define SR__ELOOP (-(ELOOP))
# else
#  define SR__ELOOP (-4032)
# endif
# if defined(EMFILE)
#  define SR__EMFILE (-(EMFILE))
# else
#  define SR__EMFILE (-4033)
# endif
# if defined(EMLINK)
#  define SR__EMLINK (-(EMLINK))
# else
#  define SR__EMLINK (-4034)
# endif
# if defined(EMSGSIZE)
#  define SR__EMSGSIZE (-(EMSGSIZE))
# else
#  define SR__EMSGSIZE (-4035)
# endif
# if defined(ENAMETOOLONG)
#  define SR__ENAMETOOLONG (-(ENAMETOOLONG))
# else
#  define SR__ENAMETOOLONG (-4036)
# endif
# if defined(ENETDOWN)
#  define SR__ENETDOWN (-(ENETDOWN))
# else
#  define SR__ENETDOWN (-4037)
# endif
# if defined(ENETRESET)
#  define SR__ENETRESET (-(ENETRESET))
# else
#  define SR__ENETRESET (-4038)
# endif
# if defined(ENETUNREACH)
#  define SR__ENETUNREACH (-(ENETUNREACH))
# else
#  define SR__ENETUNREACH (-4039)
# endif
# if defined(ENFILE)
#  define SR__ENFILE (-(ENFILE))
# else
#  define SR__ENFILE (-4040)
# endif
# if defined(ENOBUFS)
#  define SR__ENOBUFS (-(ENOBUFS))
# else
#  define SR__ENOBUFS (-4041)
# endif
# if defined(ENODEV)
#  define SR__ENODEV (-(ENODEV))
# else
#  define SR__ENODEV (-4042)
# endif
# if defined(ENOENT)
#  define SR__ENOENT (-(ENOENT))
# else
#  define SR__ENOENT (-4043)
# endif
# if defined(ENOEXEC)
#  define SR__ENOEXEC (-(ENOEXEC))
# else
#  define SR__ENOEXEC (-4044)
# endif
# if defined(ENOLCK)
#  define SR__ENOLCK (-(ENOLCK))
# else
#  define SR__ENOLCK (-4045)
# endif
# if defined(ENOMEM)
#  define SR__ENOMEM (-(ENOMEM))
# else
#  define SR__ENOMEM (-4046)
# endif
# if defined(ENOMSG)
#  define SR__ENOMSG (-(ENOMSG))
# else
#  define SR__ENOMSG (-4047)
# endif
# if defined(ENOPROTOOPT)
#  define SR__ENOPROTOOPT (-(ENOPROTOOPT))
# else
#  define SR__ENOPROTOOPT (-4048)
# endif
# if defined(ENOSPC)
#  define SR__ENOSPC (-(ENOSPC))
# else
#  define SR__ENOSPC (-4049)
# endif
# if defined(ENOSYS)
#  define SR__ENOSYS (-(ENOSYS))
# else
#  define SR__ENOSYS (-4050)
# endif
# if defined(ENOTCONN)
#  define SR__ENOTCONN (-(ENOTCONN))
# else
#  define SR__ENOTCONN (-4051)
# endif
# if defined(ENOTDIR)
#  define SR__ENOTDIR (-(ENOTDIR))
# else
#  define SR__ENOTDIR (-4052)
# endif
# if defined(ENOTEMPTY)
#  define SR__ENOTEMPTY (-(ENOTEMPTY))
# else
#  define SR__ENOTEMPTY (-4053)
# endif
# if defined(ENOTSOCK)
#  define SR__ENOTSOCK (-(ENOTSOCK))
# else
#  define SR__ENOTSOCK (-4054)
# endif
# if defined(ENOTTY)
#  define SR__ENOTTY (-(ENOTTY))
# else
#  define SR__ENOTTY (-4055)
# endif
# if defined(ENXIO)
#  define SR__ENXIO (-(ENXIO))
# else
#  define SR__ENXIO (-4056)
# endif
# if defined(EOPNOTSUPP)
#  define SR__EOPNOTSUPP (-(EOPNOTSUPP))
# else
#  define SR__EOPNOTSUPP (-4057)
# endif
# if defined(EOVERFLOW)
#  define SR__EOVERFLOW (-(EOVERFLOW))
# else
#  define SR__EOVERFLOW (-4058)
# endif
# if defined(EPERM)
#  define SR__EPERM (-(EPERM))
# else
#  define SR__EPERM (-4059)
# endif
# if defined(EPFNOSUPPORT)
#  define SR__EPFNOSUPPORT (-(EPFNOSUPPORT))
# else
#  define SR__EPFNOSUPPORT (-4060)
# endif
# if defined(EPIPE)
#  define SR__EPIPE (-(EPIPE))
# else
#  define SR__EPIPE (-4061)
# endif
# if defined(EPROTO)
#  define SR__EPROTO (-(EPROTO))
# else
#  define SR__EPROTO (-4062)
# endif
# if defined(EPROTONOSUPPORT)
#  define SR__EPROTONOSUPPORT (-(EPROTONOSUPPORT))
# else
#  define SR__EPROTONOSUPPORT (-4063)
# endif
# if defined(EPROTOTYPE)
#  define SR__EPROTOTYPE (-(EPROTOTYPE))
# else
#  define SR__EPROTOTYPE (-4064)
# endif
# if defined(ERANGE)
#  define SR__ERANGE (-(ERANGE))
# else
#  define SR__ERANGE (-4065)
# endif
# if defined(EROFS)
#  define SR__EROFS (-(EROFS))
# else
#  define SR__EROFS (-4066)
# endif
# if defined(ESHUTDOWN)
#  define SR__ESHUTDOWN (-(ESHUTDOWN))
# else
#  define SR__ESHUTDOWN (-4067)
# endif
# if defined(ESOCKTNOSUPPORT)
#  define SR__ESOCKTNOSUPPORT (-(ESOCKTNOSUPPORT))
# else
#  define SR__ESOCKTNOSUPPORT (-4068)
# endif
# if defined(ESPIPE)
#  define SR__ESPIPE (-(ESPIPE))
# else
#  define SR__ESPIPE (-4069)
# endif
# if defined(ESRCH)
#  define SR__ESRCH (-(ESRCH))
# else
#  define SR__ESRCH (-4070)
# endif
# if defined(ESTALE)
#  define SR__ESTALE (-(ESTALE))
# else
#  define SR__ESTALE (-4071)
# endif
# if defined(ETIMEDOUT)
#  define SR__ETIMEDOUT (-(ETIMEDOUT))
# else
#  define SR__ETIMEDOUT (-4072)
# endif
# if defined(ETOOMANYREFS)
#  define SR__ETOOMANYREFS (-(ETOOMANYREFS))
# else
#  define SR__ETOOMANYREFS (-4073)
# endif
# if defined(ETXTBSY)
#  define SR__ETXTBSY (-(ETXTBSY))
# else
#  define SR__ETXTBSY (-4074)
# endif
# if defined(EUSERS)
#  define SR__EUSERS (-(EUSERS))
# else
#  define SR__EUSERS (-4075)
# endif
# if defined(EXDEV)
#  define SR__EXDEV (-(EXDEV))
# else
#  define SR__EXDEV (-4076)
# endif
# if defined(ENOTSUP)
#  define SR__ENOTSUP (-(ENOTSUP))
# else
#  define SR__ENOTSUP (-4077)
# endif
# if defined(EWOULDBLOCK)
#  define SR__EWOULDBLOCK (-(EWOULDBLOCK))
# else
#  define SR__EWOULDBLOCK (-4078)
# endif
#endif

#define SR_ERRNO_MAP(XX) \
  XX(E2BIG, SR_KIND_ERROR, "argument list too long") \
  XX(EACCES, SR_KIND_ERROR, "permission denied") \
  XX(EADDRINUSE, SR_KIND_ERROR, "address already in use") \
  XX(EADDRNOTAVAIL, SR_KIND_ERROR, "address not available") \
  XX(EAFNOSUPPORT, SR_KIND_ERROR, "address family not supported") \
  XX(EAGAIN, SR_KIND_ERROR, "resource temporarily unavailable") \
  XX(EALREADY, SR_KIND_ERROR, "connection already in progress") \
  XX(EBADF, SR_KIND_ERROR, "bad file descriptor") \
  XX(EBADMSG, SR_KIND_ERROR, "bad message") \
  XX(EBUSY, SR_KIND_ERROR, "resource busy or locked") \
  XX(ECANCELED, SR_KIND_ERROR, "operation canceled") \
  XX(ECHILD, SR_KIND_ERROR, "no child processes") \
  XX(ECONNABORTED, SR_KIND_ERROR, "software caused connection abort") \
  XX(ECONNREFUSED, SR_KIND_ERROR, "connection refused") \
  XX(ECONNRESET, SR_KIND_ERROR, "connection reset by peer") \
  XX(EDEADLK, SR_KIND_ERROR, "resource deadlock avoided") \
  XX(EDESTADDRREQ, SR_KIND_ERROR, "destination address required") \
  XX(EDOM, SR_KIND_ERROR, "numerical argument out of domain") \
  XX(EDQUOT, SR_KIND_ERROR, "disk quota exceeded") \
  XX(EEXIST, SR_KIND_ERROR, "file already exists") \
  XX(EFAULT, SR_KIND_ERROR, "bad address in system call argument") \
  XX(EFBIG, SR_KIND_ERROR, "file too large") \
  XX(EHOSTDOWN, SR_KIND_ERROR, "host is down") \
  XX(EHOSTUNREACH, SR_KIND_ERROR, "host is unreachable") \
  XX(EIDRM, SR_KIND_ERROR, "identifier removed") \
  XX(EILSEQ, SR_KIND_ERROR, "illegal byte sequence") \
  XX(EINPROGRESS, SR_KIND_ERROR, "operation in progress") \
  XX(EINTR, SR_KIND_ERROR, "interrupted system call") \
  XX(EINVAL, SR_KIND_ERROR, "invalid argument") \
  XX(EIO, SR_KIND_ERROR, "i/o error") \
  XX(EISCONN, SR_KIND_ERROR, "socket is already connected") \
  XX(EISDIR, SR_KIND_ERROR, "illegal operation on a directory") \
  XX(ELOOP, SR_KIND_ERROR, "too many symbolic links encountered") \
  XX(EMFILE, SR_KIND_ERROR, "too many open files") \
  XX(EMLINK, SR_KIND_ERROR, "too many links") \
  XX(EMSGSIZE, SR_KIND_ERROR, "message too long") \
  XX(ENAMETOOLONG, SR_KIND_ERROR, "name too long") \
  XX(ENETDOWN, SR_KIND_ERROR, "network is down") \
  XX(ENETRESET, SR_KIND_ERROR, "connection reset by network") \
  XX(ENETUNREACH, SR_KIND_ERROR, "network is unreachable") \
  XX(ENFILE, SR_KIND_ERROR, "file table overflow") \
  XX(ENOBUFS, SR_KIND_ERROR, "no buffer space available") \
  XX(ENODEV, SR_KIND_ERROR, "no such device") \
  XX(ENOENT, SR_KIND_ERROR, "no such file or directory") \
  XX(ENOEXEC, SR_KIND_ERROR, "exec format error") \
  XX(ENOLCK, SR_KIND_ERROR, "no locks available") \
  XX(ENOMEM, SR_KIND_ERROR, "not enough memory") \
  XX(ENOMSG, SR_KIND_ERROR, "no message of desired type") \
  XX(ENOPROTOOPT, SR_KIND_ERROR, "protocol not available") \
  XX(ENOSPC, SR_KIND_ERROR, "no space left on device") \
  XX(ENOSYS, SR_KIND_ERROR, "function not implemented") \
  XX(ENOTCONN, SR_KIND_ERROR, "socket is not connected") \
  XX(ENOTDIR, SR_KIND_ERROR, "not a directory") \
  XX(ENOTEMPTY, SR_KIND_ERROR, "directory not empty") \
  XX(ENOTSOCK, SR_KIND_ERROR, "socket operation on non-socket") \
  XX(ENOTTY, SR_KIND_ERROR, "inappropriate ioctl for device") \
  XX(ENXIO, SR_KIND_ERROR, "no such device or address") \
  XX(EOPNOTSUPP, SR_KIND_ERROR, "operation not supported on socket") \
  XX(EOVERFLOW, SR_KIND_ERROR, "value too large for defined data type") \
  XX(EPERM, SR_KIND_ERROR, "operation not permitted") \
  XX(EPFNOSUPPORT, SR_KIND_ERROR, "protocol family not supported") \
  XX(EPIPE, SR_KIND_ERROR, "broken pipe") \
  XX(EPROTO, SR_KIND_ERROR, "protocol error") \
  XX(EPROTONOSUPPORT, SR_KIND_ERROR, "protocol not supported") \
  XX(EPROTOTYPE, SR_KIND_ERROR, "protocol wrong type for socket") \
  XX(ERANGE, SR_KIND_ERROR, "result too large") \
  XX(EROFS, SR_KIND_ERROR, "read-only file system") \
  XX(ESHUTDOWN, SR_KIND_ERROR, "cannot send after transport endpoint shutdown") \
  XX(ESOCKTNOSUPPORT, SR_KIND_ERROR, "socket type not supported") \
  XX(ESPIPE, SR_KIND_ERROR, "invalid seek") \
  XX(ESRCH, SR_KIND_ERROR, "no such process") \
  XX(ESTALE, SR_KIND_ERROR, "stale file handle") \
  XX(ETIMEDOUT, SR_KIND_ERROR, "connection timed out") \
  XX(ETOOMANYREFS, SR_KIND_ERROR, "too many references") \
  XX(ETXTBSY, SR_KIND_ERROR, "text file is busy") \
  XX(EUSERS, SR_KIND_ERROR, "too many users") \
  XX(EXDEV, SR_KIND_ERROR, "cross-device link not permitted") \
  XX(ENOTSUP, SR_KIND_ERROR, "operation not supported") \
  XX(EWOULDBLOCK, SR_KIND_ERROR, "operation would block") \
  XX(EAI_ADDRFAMILY, SR_KIND_GAI, "address family for hostname not supported") \
  XX(EAI_AGAIN, SR_KIND_GAI, "temporary failure in name resolution") \
  XX(EAI_BADFLAGS, SR_KIND_GAI, "bad ai_flags value") \
  XX(EAI_FAIL, SR_KIND_GAI, "non-recoverable failure in name resolution") \
  XX(EAI_FAMILY, SR_KIND_GAI, "ai_family not supported") \
  XX(EAI_MEMORY, SR_KIND_GAI, "memory allocation failure") \
  XX(EAI_NODATA, SR_KIND_GAI, "no address associated with hostname") \
  XX(EAI_NONAME, SR_KIND_GAI, "name or service not known") \
  XX(EAI_OVERFLOW, SR_KIND_GAI, "argument buffer overflow") \
  XX(EAI_SERVICE, SR_KIND_GAI, "servname not supported for ai_socktype") \
  XX(EAI_SOCKTYPE, SR_KIND_GAI, "ai_socktype not supported") \
  XX(EAI_SYSTEM, SR_KIND_GAI, "system error") \
  XX(EAI_BADHINTS, SR_KIND_GAI, "invalid value for hints") \
  XX(EAI_PROTOCOL, SR_KIND_GAI, "resolved protocol is unknown") \
  XX(HOST_NOT_FOUND, SR_KIND_H, "unknown host") \
  XX(TRY_AGAIN, SR_KIND_H, "host name lookup failure") \
  XX(NO_RECOVERY, SR_KIND_H, "unknown server error") \
  XX(NO_DATA, SR_KIND_H, "no address associated with name") \
  XX(ETIMEOUT_SOCK, SR_KIND_TIMEOUT, "timed out") \
  XX(EVALUE, SR_KIND_VALUE, "invalid argument value") \
  XX(EOVERFLOW_VALUE, SR_KIND_VALUE, "argument out of range") \
  XX(ESOCKET_MSG, SR_KIND_ERROR_MSG, "socket error") \
  XX(EUNSUPPORTED, SR_KIND_UNSUPPORTED, "operation not supported by this implementation")

/* Fixed values of the kinds that have no platform errno. */
#define SR__EAI_ADDRFAMILY (-3000)
#define SR__EAI_AGAIN (-3001)
#define SR__EAI_BADFLAGS (-3002)
#define SR__EAI_FAIL (-3003)
#define SR__EAI_FAMILY (-3004)
#define SR__EAI_MEMORY (-3005)
#define SR__EAI_NODATA (-3006)
#define SR__EAI_NONAME (-3007)
#define SR__EAI_OVERFLOW (-3008)
#define SR__EAI_SERVICE (-3009)
#define SR__EAI_SOCKTYPE (-3010)
#define SR__EAI_SYSTEM (-3011)
#define SR__EAI_BADHINTS (-3012)
#define SR__EAI_PROTOCOL (-3013)
#define SR__HOST_NOT_FOUND (-3101)
#define SR__TRY_AGAIN (-3102)
#define SR__NO_RECOVERY (-3103)
#define SR__NO_DATA (-3104)
#define SR__ETIMEOUT_SOCK (-3200)
#define SR__EVALUE (-3201)
#define SR__EOVERFLOW_VALUE (-3202)
#define SR__ESOCKET_MSG (-3203)
#define SR__EUNSUPPORTED (-3204)

typedef enum sr_errno {
#define SR_ERRNO_ENUM_GEN(name, kind, msg) SR_##name = SR__##name,
  SR_ERRNO_MAP(SR_ERRNO_ENUM_GEN)
#undef SR_ERRNO_ENUM_GEN
  SR_ERRNO_MAX_ = -5000 /* below every code; keeps the trailing comma legal */
} sr_errno_t;

#endif /* SOCKREF_ERRORS_H */
