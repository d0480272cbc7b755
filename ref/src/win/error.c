/* win/error.c - the Windows side of error translation: where the last
 * error is (WSAGetLastError), where the text comes from, and the CRT errno
 * and EAI_* tables. The rules that use them are in errors.c. */
#include <errno.h>
#include <string.h>

#include "internal.h"

int sr__os_error(void) { return sr_err_from_errno(WSAGetLastError()); }

/* CRT errno values whose names have a Winsock twin: the SR code is the
 * Winsock one, so both spellings of an error compare equal. Winsock
 * numbers start at WSABASEERR and never meet CRT ones, so they need no
 * rows. */
static const sr__code_pair crt_pairs[] = {
  { SR_EINTR, EINTR },   { SR_EBADF, EBADF },
  { SR_EACCES, EACCES }, { SR_EFAULT, EFAULT },
  { SR_EINVAL, EINVAL }, { SR_EMFILE, EMFILE },
  { SR_EAGAIN, EAGAIN }, { SR_ENAMETOOLONG, ENAMETOOLONG },
  { SR_ENOTEMPTY, ENOTEMPTY },
#ifdef EWOULDBLOCK
  { SR_EAGAIN, EWOULDBLOCK },
#endif
#ifdef ECONNREFUSED
  { SR_ECONNREFUSED, ECONNREFUSED },
#endif
#ifdef EINPROGRESS
  { SR_EINPROGRESS, EINPROGRESS },
#endif
#ifdef ETIMEDOUT
  { SR_ETIMEDOUT, ETIMEDOUT },
#endif
};

const sr__code_table sr__os_errno_codes = { crt_pairs,
                                            SR__COUNTOF(crt_pairs) };

/* Winsock's EAI_* values are WSA numbers; several names share one. */
static const sr__code_pair gai_pairs[] = {
  { SR_EAI_AGAIN, EAI_AGAIN },       { SR_EAI_BADFLAGS, EAI_BADFLAGS },
  { SR_EAI_FAIL, EAI_FAIL },         { SR_EAI_FAMILY, EAI_FAMILY },
  { SR_EAI_MEMORY, EAI_MEMORY },     { SR_EAI_NONAME, EAI_NONAME },
  { SR_EAI_SERVICE, EAI_SERVICE },   { SR_EAI_SOCKTYPE, EAI_SOCKTYPE },
#ifdef EAI_NODATA
  { SR_EAI_NODATA, EAI_NODATA },
#endif
#ifdef EAI_IPSECPOLICY
  { SR_EAI_FAIL, EAI_IPSECPOLICY },
#endif
};

const sr__code_table sr__os_gai_codes = { gai_pairs, SR__COUNTOF(gai_pairs) };

/* Whatever getaddrinfo/getnameinfo answer is a resolver error: CPython on
 * Windows raises gaierror for every non-zero answer. The table above has
 * the EAI_* spellings; the h_errno-style twins and the remaining socket
 * errors the resolver answers are mapped here, and a value that is no
 * Winsock number at all (Wine 8.0's ws2_32 passes an unmapped host
 * EAI_* value through, e.g. glibc's EAI_ADDRFAMILY, -9) is a resolver
 * failure, never a socket error with an unrelated errno. */
int sr__os_gai_unlisted(int native_eai) {
  switch (native_eai) {
  case WSAHOST_NOT_FOUND:
    return SR_EAI_NONAME;
  case WSATRY_AGAIN:
    return SR_EAI_AGAIN;
  case WSANO_RECOVERY:
    return SR_EAI_FAIL;
  case WSANO_DATA:
    return SR_EAI_NODATA;
  case WSATYPE_NOT_FOUND:
    return SR_EAI_SERVICE;
  case WSAEINVAL:
    return SR_EAI_BADFLAGS;
  case WSAEAFNOSUPPORT:
    return SR_EAI_FAMILY;
  case WSAESOCKTNOSUPPORT:
    return SR_EAI_SOCKTYPE;
  case WSAENOBUFS:
  case WSA_NOT_ENOUGH_MEMORY:
    return SR_EAI_MEMORY;
  default:
    return sr__detail(SR_EAI_FAIL, "resolver error %d", native_eai);
  }
}

static _Thread_local char message_buf[256];

/* Winsock messages come from the system message table, CRT ones from
 * strerror(). */
static const char *system_message(int native) {
  DWORD n;

  if (native < WSABASEERR)
    return strerror(native);
  n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
                     NULL, (DWORD)native, 0, message_buf,
                     sizeof(message_buf), NULL);
  if (n == 0)
    return NULL;
  /* Drop the trailing ".\r\n" the message table adds. */
  while (n > 0 && (message_buf[n - 1] == '\n' || message_buf[n - 1] == '\r' ||
                   message_buf[n - 1] == '.'))
    message_buf[--n] = '\0';
  return message_buf;
}

const char *sr__os_strerror(int native) { return system_message(native); }

const char *sr__os_gai_strerror(int native_eai) {
  return system_message(native_eai);
}

const char *sr__os_h_strerror(int native_h) {
  return system_message(native_h);
}
