/* getnameinfo: NI_NUMERICHOST/NI_NUMERICSERV, names from the test's hosts
 * file, NI_NAMEREQD, and CPython's argument rules (numeric hosts only,
 * IPv4 with IPv6 fields, flowinfo and port ranges). */
#include "check.h"
#include "isolate.h"

static void test_numeric(void) {
  sr_address a;
  char host[SR_HOST_MAX], port[32];

  CHECK_OK(sr_address_inet(&a, "127.0.0.1", 80));
  CHECK_OK(sr_getnameinfo(&a, NI_NUMERICHOST | NI_NUMERICSERV, host,
                          sizeof host, port, sizeof port));
  CHECK_STR_EQ(host, "127.0.0.1");
  CHECK_STR_EQ(port, "80");
}

static void test_numeric_ipv6(void) {
  sr_address a;
  char host[SR_HOST_MAX], port[32];

  CHECK_OK(sr_address_inet6(&a, "2001:db8::5", 50007, 0, 0));
  CHECK_OK(sr_getnameinfo(&a, NI_NUMERICHOST | NI_NUMERICSERV, host,
                          sizeof host, port, sizeof port));
  CHECK_STR_EQ(host, "2001:db8::5");
  CHECK_STR_EQ(port, "50007");
}

static void test_ipv6_host_in_a_pair(void) {
  sr_address a;
  char host[SR_HOST_MAX], port[32];

  /* CPython accepts a 2-tuple for an IPv6 address (no flowinfo/scope). */
  CHECK_OK(sr_address_inet(&a, "::1", 9));
  CHECK_OK(sr_getnameinfo(&a, NI_NUMERICHOST | NI_NUMERICSERV, host,
                          sizeof host, port, sizeof port));
  CHECK_STR_EQ(host, "::1");
  CHECK_STR_EQ(port, "9");
}

static void test_names_from_files(void) {
  sr_address a;
  char host[SR_HOST_MAX], port[32];

  REQUIRE_ISOLATED_NAMES();
  CHECK_OK(sr_address_inet(&a, "127.0.0.2", 80));
  CHECK_OK(sr_getnameinfo(&a, 0, host, sizeof host, port, sizeof port));
  CHECK_STR_EQ(host, "alpha.sockspec.test");
  CHECK_STR_EQ(port, "http");
  CHECK_OK(sr_getnameinfo(&a, NI_NUMERICSERV, host, sizeof host, port,
                          sizeof port));
  CHECK_STR_EQ(port, "80");
  CHECK_OK(sr_getnameinfo(&a, NI_NUMERICHOST, host, sizeof host, port,
                          sizeof port));
  CHECK_STR_EQ(host, "127.0.0.2");
  CHECK_STR_EQ(port, "http");
}

static void test_namereqd(void) {
  sr_address a;
  char host[SR_HOST_MAX], port[32];

  REQUIRE_ISOLATED_NAMES();
  /* 127.0.0.9 has no name in the test's hosts file. */
  CHECK_OK(sr_address_inet(&a, "127.0.0.9", 80));
  CHECK_OK(sr_getnameinfo(&a, NI_NUMERICSERV, host, sizeof host, port,
                          sizeof port));
  CHECK_STR_EQ(host, "127.0.0.9");
  CHECK_ERR(sr_getnameinfo(&a, NI_NAMEREQD, host, sizeof host, port,
                           sizeof port), SR_EAI_NONAME);
}

static void test_host_must_be_numeric(void) {
  sr_address a;
  char host[SR_HOST_MAX], port[32];

  CHECK_OK(sr_address_inet(&a, "localhost", 80));
  CHECK_ERR(sr_getnameinfo(&a, NI_NUMERICHOST, host, sizeof host, port,
                           sizeof port), SR_EAI_NONAME);
}

static void test_ipv4_with_ipv6_fields(void) {
  sr_address a;
  char host[SR_HOST_MAX], port[32];

  CHECK_OK(sr_address_inet6(&a, "127.0.0.1", 80, 0, 0));
  CHECK_ERR(sr_getnameinfo(&a, NI_NUMERICHOST, host, sizeof host, port,
                           sizeof port), SR_ESOCKET_MSG);
  CHECK_STR_EQ(sr_last_detail(), "IPv4 sockaddr must be 2 tuple");
}

static void test_ranges(void) {
  sr_address a;
  char host[SR_HOST_MAX], port[32];

  CHECK_OK(sr_address_inet6(&a, "::1", 80, 0x100000, 0));
  CHECK_ERR(sr_getnameinfo(&a, NI_NUMERICHOST, host, sizeof host, port,
                           sizeof port), SR_EOVERFLOW_VALUE);
  CHECK_OK(sr_address_inet6(&a, "::1", 80, 0xfffff, 0));
  CHECK_OK(sr_getnameinfo(&a, NI_NUMERICHOST, host, sizeof host, port,
                          sizeof port));
  CHECK_OK(sr_address_inet(&a, "127.0.0.1", 65536));
  CHECK_ERR(sr_getnameinfo(&a, NI_NUMERICHOST, host, sizeof host, port,
                           sizeof port), SR_EOVERFLOW_VALUE);
}

static void test_not_an_inet_address(void) {
  sr_address a;
  char host[SR_HOST_MAX], port[32];

  CHECK_OK(sr_address_unix(&a, "/tmp/x"));
  CHECK_ERR(sr_getnameinfo(&a, 0, host, sizeof host, port, sizeof port),
            SR_EVALUE);
}

static void test_small_buffer(void) {
  sr_address a;
  char host[4], port[32];

  CHECK_OK(sr_address_inet(&a, "127.0.0.1", 80));
  CHECK_ERR(sr_getnameinfo(&a, NI_NUMERICHOST, host, sizeof host, port,
                           sizeof port), SR_EVALUE);
}

static const check_test tests[] = {
    CHECK_TEST(test_numeric),
    CHECK_TEST(test_numeric_ipv6),
    CHECK_TEST(test_ipv6_host_in_a_pair),
    CHECK_TEST(test_names_from_files),
    CHECK_TEST(test_namereqd),
    CHECK_TEST(test_host_must_be_numeric),
    CHECK_TEST(test_ipv4_with_ipv6_fields),
    CHECK_TEST(test_ranges),
    CHECK_TEST(test_not_an_inet_address),
    CHECK_TEST(test_small_buffer),
};
CHECK_MAIN(tests)
