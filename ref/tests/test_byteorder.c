/* ntohl/htonl/ntohs/htons: round trips, known byte images, range errors. */
#include "check.h"

static void test_htonl_bytes_are_big_endian(void) {
  uint32_t n;
  unsigned char b[4];

  CHECK_OK(sr_htonl(0x01020304LL, &n));
  memcpy(b, &n, 4);
  CHECK_EQ(b[0], 1);
  CHECK_EQ(b[1], 2);
  CHECK_EQ(b[2], 3);
  CHECK_EQ(b[3], 4);
}

static void test_htons_bytes_are_big_endian(void) {
  uint16_t n;
  unsigned char b[2];

  CHECK_OK(sr_htons(0x0102, &n));
  memcpy(b, &n, 2);
  CHECK_EQ(b[0], 1);
  CHECK_EQ(b[1], 2);
}

static void test_round_trips(void) {
  static const long long values32[] = {0, 1, 0x7f000001LL, 0xffffffffLL};
  static const long long values16[] = {0, 1, 80, 0xffff};
  size_t i;
  uint32_t l, back_l;
  uint16_t s, back_s;

  for (i = 0; i < sizeof values32 / sizeof values32[0]; i++) {
    CHECK_OK(sr_htonl(values32[i], &l));
    CHECK_OK(sr_ntohl(l, &back_l));
    CHECK_EQ(back_l, values32[i]);
  }
  for (i = 0; i < sizeof values16 / sizeof values16[0]; i++) {
    CHECK_OK(sr_htons(values16[i], &s));
    CHECK_OK(sr_ntohs(s, &back_s));
    CHECK_EQ(back_s, values16[i]);
  }
}

static void test_ntoh_matches_hton(void) {
  uint32_t a, b;
  uint16_t c, d;

  CHECK_OK(sr_ntohl(0x12345678LL, &a));
  CHECK_OK(sr_htonl(0x12345678LL, &b));
  CHECK_EQ(a, b);
  CHECK_OK(sr_ntohs(0x1234, &c));
  CHECK_OK(sr_htons(0x1234, &d));
  CHECK_EQ(c, d);
}

static void test_range_errors(void) {
  uint32_t l = 7;
  uint16_t s = 7;

  CHECK_ERR(sr_htonl(-1, &l), SR_EOVERFLOW_VALUE);
  CHECK_EQ(sr_err_kind(SR_EOVERFLOW_VALUE), SR_KIND_VALUE);
  CHECK(strstr(sr_last_detail(), "negative") != NULL);
  CHECK_ERR(sr_ntohl(0x100000000LL, &l), SR_EOVERFLOW_VALUE);
  CHECK(strstr(sr_last_detail(), "32 bits") != NULL);
  CHECK_ERR(sr_htons(0x10000, &s), SR_EOVERFLOW_VALUE);
  CHECK(strstr(sr_last_detail(), "16 bits") != NULL);
  CHECK_ERR(sr_ntohs(-5, &s), SR_EOVERFLOW_VALUE);
  /* A rejected value leaves the output untouched. */
  CHECK_EQ(l, 7);
  CHECK_EQ(s, 7);
}

static const check_test tests[] = {
    CHECK_TEST(test_htonl_bytes_are_big_endian),
    CHECK_TEST(test_htons_bytes_are_big_endian),
    CHECK_TEST(test_round_trips),
    CHECK_TEST(test_ntoh_matches_hton),
    CHECK_TEST(test_range_errors),
};
CHECK_MAIN(tests)
