/* win/error.c - WSA*, CRT errno, EAI_* and h_errno translation. */
#include <errno.h>
#include <string.h>

#include "internal.h"

int sr__os_error(void) { return sr_err_from_errno(WSAGetLastError()); }

typedef struct code_pair {
  int sr;
  int native;
} code_pair;

#define PAIRS_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* CRT errno values whose names have a Winsock twin: the SR code is the
 * Winsock one, so both spellings of an error compare equal. */
static const code_pair crt_pairs[] = {
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

static int to_native(const code_pair *pairs, size_t n, int sr) {
  size_t i;

  for (i = 0; i < n; i++)
    if (pairs[i].sr == sr)
      return pairs[i].native;
  return 0;
}

static int from_native(const code_pair *pairs, size_t n, int native) {
  size_t i;

  for (i = 0; i < n; i++)
    if (pairs[i].native == native)
      return pairs[i].sr;
  return 0;
}

int sr_err_from_errno(int native_errno) {
  int sr;

  if (native_errno == 0)
    return 0;
  if (native_errno < 0)
    return native_errno;
  /* Winsock numbers start at WSABASEERR and never meet CRT ones. */
  if (native_errno >= WSABASEERR)
    return -native_errno;
  sr = from_native(crt_pairs, PAIRS_LEN(crt_pairs), native_errno);
  return sr != 0 ? sr : -native_errno;
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

/* Winsock's EAI_* and h_errno values are WSA numbers; several names share
 * one, and the first row wins when translating back. */
static const code_pair gai_pairs[] = {
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

static const code_pair h_pairs[] = {
  { SR_HOST_NOT_FOUND, HOST_NOT_FOUND },
  { SR_TRY_AGAIN, TRY_AGAIN },
  { SR_NO_RECOVERY, NO_RECOVERY },
  { SR_NO_DATA, NO_DATA },
};

int sr_err_from_gai(int native_eai) {
  int sr;

  if (native_eai == 0)
    return 0;
  sr = from_native(gai_pairs, PAIRS_LEN(gai_pairs), native_eai);
  if (sr != 0)
    return sr;
  /* Other WSA errors from the resolver are plain socket errors. */
  return sr_err_from_errno(native_eai);
}

int sr_err_from_h(int native_h_errno) {
  int sr = from_native(h_pairs, PAIRS_LEN(h_pairs), native_h_errno);

  if (native_h_errno == 0)
    return 0;
  return sr != 0 ? sr : SR_NO_RECOVERY;
}

int sr__os_gai_native(int err) {
  return to_native(gai_pairs, PAIRS_LEN(gai_pairs), err);
}

int sr__os_h_native(int err) {
  return to_native(h_pairs, PAIRS_LEN(h_pairs), err);
}

const char *sr__os_gai_strerror(int native_eai) {
  return system_message(native_eai);
}

const char *sr__os_h_strerror(int native_h) {
  return system_message(native_h);
}
