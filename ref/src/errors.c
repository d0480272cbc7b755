/* errors.c - names, kinds and messages of the SR_* codes, all generated
 * from SR_ERRNO_MAP; translation between SR codes and the platform's
 * numbers, over the tables src/unix/error.c or src/win/error.c supply; the
 * per-thread detail message. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "internal.h"

typedef struct err_row {
  int code;
  int kind;
  const char *name;
  const char *message;
} err_row;

/* A table rather than a switch: several names share a number on some
 * platforms (EWOULDBLOCK == EAGAIN, ENOTSUP == EOPNOTSUPP on Linux), and the
 * first row wins, which is how EWOULDBLOCK is reported as EAGAIN. */
static const err_row err_rows[] = {
#define SR_ERR_ROW_GEN(name, kind, msg) { SR_##name, kind, #name, msg },
  SR_ERRNO_MAP(SR_ERR_ROW_GEN)
#undef SR_ERR_ROW_GEN
};

/* Codes reserved for the kinds that have no platform number, and the
 * private values of errno names a platform lacks. */
#define SR_LIB_RANGE_HIGH (-3000)
#define SR_LIB_RANGE_LOW (-3999)
#define SR_PRIVATE_ERRNO_HIGH (-4000)
#define SR_PRIVATE_ERRNO_LOW (-4099)

static _Thread_local char detail_buf[256];
static _Thread_local char unknown_name_buf[32];

static const err_row *find_row(int err) {
  size_t i;

  for (i = 0; i < sizeof(err_rows) / sizeof(err_rows[0]); i++)
    if (err_rows[i].code == err)
      return &err_rows[i];
  return NULL;
}

const char *sr_err_name(int err) {
  const err_row *row = find_row(err);

  if (row != NULL)
    return row->name;
  snprintf(unknown_name_buf, sizeof(unknown_name_buf), "E?%d",
           err < 0 ? -err : err);
  return unknown_name_buf;
}

int sr_err_kind(int err) {
  const err_row *row;

  if (err >= 0)
    return SR_KIND_NONE;
  row = find_row(err);
  if (row != NULL)
    return row->kind;
  /* Everything outside the library's own range is a platform errno. */
  if (err <= SR_LIB_RANGE_HIGH && err >= SR_LIB_RANGE_LOW)
    return SR_KIND_NONE;
  return SR_KIND_ERROR;
}

/* ---- translation from and to the platform's numbers ------------------ */

/* h_errno values are spelled alike everywhere (Winsock has them as WSA*
 * numbers under the BSD names), so one table serves every platform. */
static const sr__code_pair h_pairs[] = {
  { SR_HOST_NOT_FOUND, HOST_NOT_FOUND },
  { SR_TRY_AGAIN, TRY_AGAIN },
  { SR_NO_RECOVERY, NO_RECOVERY },
  { SR_NO_DATA, NO_DATA },
};

static const sr__code_table h_codes = { h_pairs, SR__COUNTOF(h_pairs) };

/* The platform's number of an SR code; 0 if the table lacks it. */
static int code_to_native(const sr__code_table *t, int sr) {
  size_t i;

  for (i = 0; i < t->len; i++)
    if (t->pairs[i].sr == sr)
      return t->pairs[i].native;
  return 0;
}

/* The SR code of a platform number (first row wins); 0 if absent. */
static int code_from_native(const sr__code_table *t, int native) {
  size_t i;

  for (i = 0; i < t->len; i++)
    if (t->pairs[i].native == native)
      return t->pairs[i].sr;
  return 0;
}

int sr_err_from_errno(int native_errno) {
  int sr;

  if (native_errno <= 0)
    return native_errno;
  sr = code_from_native(&sr__os_errno_codes, native_errno);
  return sr != 0 ? sr : -native_errno;
}

int sr_err_from_gai(int native_eai) {
  int sr;

  if (native_eai == 0)
    return 0;
  sr = code_from_native(&sr__os_gai_codes, native_eai);
  /* The socket module raises socket.error(errno) for EAI_SYSTEM. */
  if (sr == SR_EAI_SYSTEM && errno != 0)
    return sr_err_from_errno(errno);
  return sr != 0 ? sr : sr__os_gai_unlisted(native_eai);
}

int sr_err_from_h(int native_h_errno) {
  int sr;

  if (native_h_errno == 0)
    return 0;
  sr = code_from_native(&h_codes, native_h_errno);
  return sr != 0 ? sr : SR_NO_RECOVERY;
}

int sr_err_native(int err) {
  switch (sr_err_kind(err)) {
  case SR_KIND_ERROR:
    if (err <= SR_PRIVATE_ERRNO_HIGH && err >= SR_PRIVATE_ERRNO_LOW)
      return 0;
    return -err;
  case SR_KIND_GAI:
    return code_to_native(&sr__os_gai_codes, err);
  case SR_KIND_H:
    return code_to_native(&h_codes, err);
  default:
    return 0;
  }
}

const char *sr_strerror(int err) {
  const err_row *row = find_row(err);
  const char *text = NULL;
  int native = sr_err_native(err);

  switch (sr_err_kind(err)) {
  case SR_KIND_ERROR:
    if (native != 0)
      text = sr__os_strerror(native);
    break;
  case SR_KIND_GAI:
    if (native != 0)
      text = sr__os_gai_strerror(native);
    break;
  case SR_KIND_H:
    if (native != 0)
      text = sr__os_h_strerror(native);
    break;
  default:
    break;
  }
  if (text != NULL && text[0] != '\0')
    return text;
  if (row != NULL)
    return row->message;
  return err >= 0 ? "success" : "unknown error";
}

const char *sr_last_detail(void) { return detail_buf; }

int sr__detail(int err, const char *fmt, ...) {
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(detail_buf, sizeof(detail_buf), fmt, ap);
  va_end(ap);
  return err;
}
