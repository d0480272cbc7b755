/* unix/error.c - the POSIX side of error translation: where the last error
 * is (errno), where the text comes from, and the EAI_* table. The rules
 * that use them are in errors.c. */
#include <errno.h>
#include <netdb.h>
#include <string.h>

#include "internal.h"

int sr__os_error(void) { return sr_err_from_errno(errno); }

/* Every other errno is representable as -errno, listed or not. EAGAIN's
 * own row changes nothing; it is here so that the table is never empty. */
static const sr__code_pair errno_pairs[] = {
  { SR_EAGAIN, EAGAIN },
#if defined(EWOULDBLOCK) && EWOULDBLOCK != EAGAIN
  { SR_EAGAIN, EWOULDBLOCK },
#endif
};

const sr__code_table sr__os_errno_codes = { errno_pairs,
                                            SR__COUNTOF(errno_pairs) };

/* Only values the platform defines are listed, so the table is the
 * mapping both ways. */
static const sr__code_pair gai_pairs[] = {
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

const sr__code_table sr__os_gai_codes = { gai_pairs, SR__COUNTOF(gai_pairs) };

/* An EAI value this libc added after the table: the closest generic
 * failure. */
int sr__os_gai_unlisted(int native_eai) {
  (void)native_eai;
  return SR_EAI_FAIL;
}

const char *sr__os_strerror(int native) {
  /* strerror() returns static text for known numbers on glibc and musl;
   * the buffer-filling variants differ between them (GNU vs XSI). */
  return strerror(native);
}

const char *sr__os_gai_strerror(int native_eai) {
  return gai_strerror(native_eai);
}

const char *sr__os_h_strerror(int native_h) { return hstrerror(native_h); }
