/* test_errors.c - the error table and its generated functions. */
#include <errno.h>
#include <netdb.h>

#include "check.h"

static void test_errno_codes_are_negative_errno(void) {
  CHECK_EQ(SR_ECONNREFUSED, -ECONNREFUSED);
  CHECK_EQ(SR_EBADF, -EBADF);
  CHECK_EQ(sr_err_from_errno(ECONNREFUSED), SR_ECONNREFUSED);
  CHECK_EQ(sr_err_native(SR_ECONNREFUSED), ECONNREFUSED);
  CHECK_EQ(sr_err_from_errno(0), 0);
}

static void test_names(void) {
  CHECK_STR_EQ(sr_err_name(SR_ECONNREFUSED), "ECONNREFUSED");
  CHECK_STR_EQ(sr_err_name(SR_EADDRINUSE), "EADDRINUSE");
  CHECK_STR_EQ(sr_err_name(SR_EAI_NONAME), "EAI_NONAME");
  CHECK_STR_EQ(sr_err_name(SR_HOST_NOT_FOUND), "HOST_NOT_FOUND");
  CHECK_STR_EQ(sr_err_name(SR_NO_DATA), "NO_DATA");
  CHECK_STR_EQ(sr_err_name(SR_ETIMEOUT_SOCK), "ETIMEOUT_SOCK");
  CHECK_STR_EQ(sr_err_name(SR_EVALUE), "EVALUE");
  CHECK_STR_EQ(sr_err_name(SR_EUNSUPPORTED), "EUNSUPPORTED");
}

static void test_ewouldblock_is_reported_as_eagain(void) {
  CHECK_EQ(sr_err_from_errno(EWOULDBLOCK), SR_EAGAIN);
  CHECK_STR_EQ(sr_err_name(sr_err_from_errno(EWOULDBLOCK)), "EAGAIN");
  CHECK_STR_EQ(sr_err_name(SR_EWOULDBLOCK), "EAGAIN");
}

static void test_kinds(void) {
  CHECK_EQ(sr_err_kind(0), SR_KIND_NONE);
  CHECK_EQ(sr_err_kind(42), SR_KIND_NONE);
  CHECK_EQ(sr_err_kind(SR_ECONNRESET), SR_KIND_ERROR);
  CHECK_EQ(sr_err_kind(SR_EAI_AGAIN), SR_KIND_GAI);
  CHECK_EQ(sr_err_kind(SR_TRY_AGAIN), SR_KIND_H);
  CHECK_EQ(sr_err_kind(SR_ETIMEOUT_SOCK), SR_KIND_TIMEOUT);
  CHECK_EQ(sr_err_kind(SR_EVALUE), SR_KIND_VALUE);
  CHECK_EQ(sr_err_kind(SR_EOVERFLOW_VALUE), SR_KIND_VALUE);
  CHECK_EQ(sr_err_kind(SR_ESOCKET_MSG), SR_KIND_ERROR_MSG);
  CHECK_EQ(sr_err_kind(SR_EUNSUPPORTED), SR_KIND_UNSUPPORTED);
}

/* The socket timeout and the stack's ETIMEDOUT are different things. */
static void test_timeout_distinct_from_etimedout(void) {
  CHECK(SR_ETIMEOUT_SOCK != SR_ETIMEDOUT);
  CHECK_STR_EQ(sr_strerror(SR_ETIMEOUT_SOCK), "timed out");
  CHECK_EQ(sr_err_kind(SR_ETIMEDOUT), SR_KIND_ERROR);
}

/* An errno the table does not list still round-trips. */
static void test_unknown_errno_round_trips(void) {
  int native = 777; /* no platform uses this errno */
  int code = sr_err_from_errno(native);

  CHECK(code < 0);
  CHECK_EQ(sr_err_kind(code), SR_KIND_ERROR);
  CHECK_EQ(sr_err_native(code), native);
  CHECK_STR_EQ(sr_err_name(code), "E?777");
#ifdef ENOMEDIUM
  /* Listed or not, a real errno keeps its number. */
  CHECK_EQ(sr_err_native(sr_err_from_errno(ENOMEDIUM)), ENOMEDIUM);
#endif
}

static void test_strerror_uses_platform_text(void) {
  CHECK_STR_EQ(sr_strerror(SR_ECONNREFUSED), strerror(ECONNREFUSED));
  CHECK_STR_EQ(sr_strerror(SR_EAI_NONAME), gai_strerror(EAI_NONAME));
  CHECK(sr_strerror(SR_EVALUE)[0] != '\0');
  CHECK(sr_strerror(-3999) != NULL);
}

static void test_gai_mapping(void) {
  CHECK_EQ(sr_err_from_gai(EAI_NONAME), SR_EAI_NONAME);
  CHECK_EQ(sr_err_native(SR_EAI_NONAME), EAI_NONAME);
  CHECK_EQ(sr_err_from_gai(EAI_SERVICE), SR_EAI_SERVICE);
  CHECK_EQ(sr_err_native(SR_EAI_SERVICE), EAI_SERVICE);
  CHECK_EQ(sr_err_from_gai(0), 0);
#ifdef EAI_SYSTEM
  /* EAI_SYSTEM is socket.error(errno), as the socket module raises it. */
  errno = EMFILE;
  CHECK_EQ(sr_err_from_gai(EAI_SYSTEM), SR_EMFILE);
#endif
}

static void test_h_mapping(void) {
  CHECK_EQ(sr_err_from_h(HOST_NOT_FOUND), SR_HOST_NOT_FOUND);
  CHECK_EQ(sr_err_native(SR_HOST_NOT_FOUND), HOST_NOT_FOUND);
  CHECK_EQ(sr_err_native(SR_NO_RECOVERY), NO_RECOVERY);
  CHECK_EQ(sr_err_from_h(TRY_AGAIN), SR_TRY_AGAIN);
}

static void test_library_kinds_have_no_native_number(void) {
  CHECK_EQ(sr_err_native(SR_ETIMEOUT_SOCK), 0);
  CHECK_EQ(sr_err_native(SR_EVALUE), 0);
  CHECK_EQ(sr_err_native(SR_EUNSUPPORTED), 0);
}

static void test_detail_is_set_by_value_errors(void) {
  sr_socket *s = NULL;

  CHECK_OK(sr_socket_new(&s, AF_INET, SOCK_STREAM, 0));
  CHECK_ERR(sr_settimeout(s, -5.0), SR_EVALUE);
  CHECK_STR_EQ(sr_last_detail(), "Timeout value out of range");
  sr_socket_free(s);
}

static const check_test tests[] = {
  CHECK_TEST(test_errno_codes_are_negative_errno),
  CHECK_TEST(test_names),
  CHECK_TEST(test_ewouldblock_is_reported_as_eagain),
  CHECK_TEST(test_kinds),
  CHECK_TEST(test_timeout_distinct_from_etimedout),
  CHECK_TEST(test_unknown_errno_round_trips),
  CHECK_TEST(test_strerror_uses_platform_text),
  CHECK_TEST(test_gai_mapping),
  CHECK_TEST(test_h_mapping),
  CHECK_TEST(test_library_kinds_have_no_native_number),
  CHECK_TEST(test_detail_is_set_by_value_errors),
};

CHECK_MAIN(tests)
