/* fromfd (a duplicate, the original stays usable) and has_ipv6. */
#include "check.h"

static void test_fromfd_duplicates(void) {
  sr_socket *a = NULL, *b = NULL, *copy = NULL;
  char buf[8];

  CHECK_OK(sr_socketpair(&a, &b, AF_UNIX, SOCK_STREAM, 0));
  CHECK_OK(sr_fromfd(&copy, sr_fileno(a), AF_UNIX, SOCK_STREAM, 0));
  CHECK(sr_fileno(copy) != sr_fileno(a));
  CHECK_EQ(sr_socket_family(copy), AF_UNIX);
  CHECK_EQ(sr_socket_type(copy), SOCK_STREAM);
  /* The seed: the new object is in blocking mode (no default set). */
  CHECK_NEAR(sr_gettimeout(copy), SR_TIMEOUT_NONE, 0);
  /* Both refer to the same endpoint... */
  CHECK_EQ(sr_send(copy, "dup", 3, 0), 3);
  CHECK_EQ(sr_recv(b, buf, sizeof buf, 0), 3);
  CHECK_MEM_EQ(buf, "dup", 3);
  /* ...and closing the copy leaves the original open. */
  CHECK_OK(sr_close(copy));
  CHECK_EQ(sr_send(a, "org", 3, 0), 3);
  CHECK_EQ(sr_recv(b, buf, sizeof buf, 0), 3);
  CHECK_MEM_EQ(buf, "org", 3);
  sr_socket_free(copy);
  sr_socket_free(a);
  sr_socket_free(b);
}

static void test_fromfd_takes_default_timeout(void) {
  sr_socket *a = NULL, *b = NULL, *copy = NULL;

  CHECK_OK(sr_socketpair(&a, &b, AF_UNIX, SOCK_STREAM, 0));
  CHECK_OK(sr_setdefaulttimeout(3.0));
  CHECK_OK(sr_fromfd(&copy, sr_fileno(a), AF_UNIX, SOCK_STREAM, 0));
  CHECK_OK(sr_setdefaulttimeout(SR_TIMEOUT_NONE));
  CHECK_NEAR(sr_gettimeout(copy), 3.0, 1e-9);
  sr_socket_free(copy);
  sr_socket_free(a);
  sr_socket_free(b);
}

static void test_fromfd_bad_descriptor(void) {
  sr_socket *copy = NULL;

  CHECK_ERR(sr_fromfd(&copy, SR_INVALID_SOCK, AF_INET, SOCK_STREAM, 0),
            SR_EBADF);
  CHECK(copy == NULL);
}

static void test_has_ipv6_matches_socket(void) {
  sr_socket *s = NULL;
  int err = sr_socket_new(&s, AF_INET6, SOCK_STREAM, 0);

  CHECK_EQ(sr_has_ipv6(), err >= 0);
  sr_socket_free(s);
}

static const check_test tests[] = {
    CHECK_TEST(test_fromfd_duplicates),
    CHECK_TEST(test_fromfd_takes_default_timeout),
    CHECK_TEST(test_fromfd_bad_descriptor),
    CHECK_TEST(test_has_ipv6_matches_socket),
};
CHECK_MAIN(tests)
