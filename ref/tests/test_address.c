/* test_address.c - building and formatting sr_address values. */
#include "check.h"

static void test_builders(void) {
  sr_address a;
  char big[SR_HOST_MAX + 10];

  CHECK_OK(sr_address_inet(&a, "192.0.2.1", 80));
  CHECK_EQ(a.family, AF_INET);
  CHECK_STR_EQ(a.host, "192.0.2.1");
  CHECK_EQ(a.port, 80);
  CHECK_OK(sr_address_inet(&a, NULL, 0));
  CHECK_STR_EQ(a.host, "");
  CHECK_OK(sr_address_inet6(&a, "2001:db8::1", 443, 5, 2));
  CHECK_EQ(a.family, AF_INET6);
  CHECK_EQ(a.flowinfo, 5);
  CHECK_EQ(a.scope_id, 2);
  CHECK_OK(sr_address_unix(&a, "/run/x"));
  CHECK_EQ(a.family, AF_UNIX);
  CHECK_EQ(a.path_len, 6);
  CHECK_EQ(a.is_abstract, 0);
  CHECK_OK(sr_address_abstract(&a, "a\0b", 3));
  CHECK_EQ(a.is_abstract, 1);
  CHECK_EQ(a.path_len, 3);
  memset(big, 'h', sizeof(big) - 1);
  big[sizeof(big) - 1] = '\0';
  CHECK_ERR(sr_address_inet(&a, big, 1), SR_EVALUE);
}

static void format_expect(const sr_address *a, const char *want) {
  char buf[256];
  int n = sr_address_format(a, buf, sizeof(buf));

  CHECK_STR_EQ(buf, want);
  CHECK_EQ(n, strlen(want));
}

static void test_format(void) {
  sr_address a;
  char small[8];

  CHECK_OK(sr_address_inet(&a, "127.0.0.1", 5000));
  format_expect(&a, "('127.0.0.1', 5000)");
  CHECK_OK(sr_address_inet6(&a, "::1", 5000, 0, 3));
  format_expect(&a, "('::1', 5000, 0, 3)");
  CHECK_OK(sr_address_unix(&a, "/tmp/it's"));
  format_expect(&a, "'/tmp/it\\'s'");
  CHECK_OK(sr_address_abstract(&a, "n\001m", 3));
  format_expect(&a, "b'\\x00n\\x01m'");
  /* Truncation keeps a terminated string. */
  CHECK_OK(sr_address_inet(&a, "127.0.0.1", 5000));
  CHECK_EQ(sr_address_format(&a, small, sizeof(small)), 7);
  CHECK_STR_EQ(small, "('127.0");
  CHECK_OK(sr_address_unix(&a, "/a/long/path"));
  CHECK_EQ(sr_address_format(&a, small, sizeof(small)), 7);
  CHECK_EQ(strlen(small), 7);
}

static const check_test tests[] = {
  CHECK_TEST(test_builders),
  CHECK_TEST(test_format),
};

CHECK_MAIN(tests)
