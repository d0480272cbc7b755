/* unix/error.c - errno, EAI_* and h_errno translation for POSIX. */
#include <errno.h>
#include <netdb.h>
#include <string.h>

#include "internal.h"

int sr__os_error(void) { return sr_err_from_errno(errno); }

int sr_err_from_errno(int native_errno) {
  if (native_errno == 0)
    return 0;
#if defined(EWOULDBLOCK) && EWOULDBLOCK != EAGAIN
  if (native_errno == EWOULDBLOCK)
    return SR_EAGAIN;
#endif
  /* Every errno is representable: the code is -errno, listed or not. */
  return native_errno > 0 ? -native_errno : native_errno;
}

const char *sr__os_strerror(int native) {
  /* strerror() returns static text for known numbers on glibc and musl;
   * the buffer-filling variants differ between them (GNU vs XSI). */
  return strerror(native);
}

/* Pairs of (our code, the platform's EAI_* value). Only values the
 * platform defines are listed, so the table is the mapping both ways. */
typedef struct code_pair {
  int sr;
  int native;
} code_pair;

static const code_pair gai_pairs[] = {
#ifdef EAI_ADDRFAMILY
  { SR_EAI_ADDRFAMILY, EAI_ADDRFAMILY },
#endif
  { SR_EAI_AGAIN, EAI_AGAIN },
  { SR_EAI_BADFLAGS, EAI_BADFLAGS },
  { SR_EAI_FAIL, EAI_FAIL },
  { SR_EAI_FAMILY, EAI_FAMILY },
  { SR_EAI_MEMORY, EAI_MEMORY },
#ifdef EAI_NODATA
  { SR_EAI_NODATA, EAI_NODATA },
#endif
  { SR_EAI_NONAME, EAI_NONAME },
#ifdef EAI_OVERFLOW
  { SR_EAI_OVERFLOW, EAI_OVERFLOW },
#endif
  { SR_EAI_SERVICE, EAI_SERVICE },
  { SR_EAI_SOCKTYPE, EAI_SOCKTYPE },
#ifdef EAI_SYSTEM
  { SR_EAI_SYSTEM, EAI_SYSTEM },
#endif
#ifdef EAI_BADHINTS
  { SR_EAI_BADHINTS, EAI_BADHINTS },
#endif
#ifdef EAI_PROTOCOL
  { SR_EAI_PROTOCOL, EAI_PROTOCOL },
#endif
};

static const code_pair h_pairs[] = {
  { SR_HOST_NOT_FOUND, HOST_NOT_FOUND },
  { SR_TRY_AGAIN, TRY_AGAIN },
  { SR_NO_RECOVERY, NO_RECOVERY },
  { SR_NO_DATA, NO_DATA },
};

#define PAIRS_LEN(a) (sizeof(a) / sizeof((a)[0]))

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

int sr_err_from_gai(int native_eai) {
  int sr;

  if (native_eai == 0)
    return 0;
#ifdef EAI_SYSTEM
  /* The socket module raises socket.error(errno) for EAI_SYSTEM. */
  if (native_eai == EAI_SYSTEM && errno != 0)
    return sr_err_from_errno(errno);
#endif
  sr = from_native(gai_pairs, PAIRS_LEN(gai_pairs), native_eai);
  /* An EAI value this table does not know: the closest generic failure. */
  return sr != 0 ? sr : SR_EAI_FAIL;
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
  return gai_strerror(native_eai);
}

const char *sr__os_h_strerror(int native_h) { return hstrerror(native_h); }
