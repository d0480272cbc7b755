/* inet_aton/inet_ntoa/inet_pton/inet_ntop: valid forms, the short forms
 * inet_aton accepts, invalid strings, wrong lengths and families, and which
 * kind of error each failure is (the seed's socket.error vs ValueError). */
#include "check.h"

static void check_aton(const char *text, unsigned a, unsigned b, unsigned c,
                       unsigned d) {
  unsigned char out[4];
  const unsigned char want[4] = {(unsigned char)a, (unsigned char)b,
                                 (unsigned char)c, (unsigned char)d};

  CHECK_OK(sr_inet_aton(text, out));
  CHECK_MEM_EQ(out, want, 4);
}

static void test_aton_dotted_quad(void) {
  check_aton("123.45.67.89", 123, 45, 67, 89);
  check_aton("0.0.0.0", 0, 0, 0, 0);
  check_aton("255.255.255.255", 255, 255, 255, 255);
}

static void test_aton_short_forms(void) {
  /* inet(3): a.b.c (c is 16 bits), a.b (b is 24 bits), a (32 bits). */
  check_aton("127.1", 127, 0, 0, 1);
  check_aton("1.2.3", 1, 2, 0, 3);
  check_aton("1", 0, 0, 0, 1);
  check_aton("0x7f.1", 127, 0, 0, 1);
}

static void test_aton_invalid(void) {
  unsigned char out[4];

  CHECK_ERR(sr_inet_aton("", out), SR_ESOCKET_MSG);
  CHECK_EQ(sr_err_kind(SR_ESOCKET_MSG), SR_KIND_ERROR_MSG);
  CHECK_STR_EQ(sr_last_detail(),
               "illegal IP address string passed to inet_aton");
  CHECK_ERR(sr_inet_aton("1.2.3.256", out), SR_ESOCKET_MSG);
  CHECK_ERR(sr_inet_aton("1.2.3.4.", out), SR_ESOCKET_MSG);
  CHECK_ERR(sr_inet_aton("banana", out), SR_ESOCKET_MSG);
  CHECK_ERR(sr_inet_aton(NULL, out), SR_ESOCKET_MSG);
}

static void test_ntoa(void) {
  const unsigned char packed[4] = {192, 0, 2, 1};
  char out[16];

  CHECK_OK(sr_inet_ntoa(packed, 4, out, sizeof out));
  CHECK_STR_EQ(out, "192.0.2.1");
}

static void test_ntoa_wrong_length(void) {
  const unsigned char packed[5] = {1, 2, 3, 4, 5};
  char out[16];

  CHECK_ERR(sr_inet_ntoa(packed, 3, out, sizeof out), SR_ESOCKET_MSG);
  CHECK_STR_EQ(sr_last_detail(), "packed IP wrong length for inet_ntoa");
  CHECK_ERR(sr_inet_ntoa(packed, 5, out, sizeof out), SR_ESOCKET_MSG);
  CHECK_ERR(sr_inet_ntoa(packed, 0, out, sizeof out), SR_ESOCKET_MSG);
}

static void test_pton_ipv4(void) {
  unsigned char out[16];
  const unsigned char want[4] = {7, 10, 0, 5};

  CHECK_EQ(sr_inet_pton(AF_INET, "7.10.0.5", out), 4);
  CHECK_MEM_EQ(out, want, 4);
}

static void test_pton_ipv6(void) {
  unsigned char out[16];
  const unsigned char want[16] = {0x5a, 0xef, 0x00, 0x2b, 0, 0, 0, 0,
                                  0,    0,    0,    0,    0, 0, 0, 8};

  CHECK_EQ(sr_inet_pton(AF_INET6, "5aef:2b::8", out), 16);
  CHECK_MEM_EQ(out, want, 16);
}

static void test_pton_invalid(void) {
  unsigned char out[16];

  /* inet_pton is strict where inet_aton is not. */
  CHECK_ERR(sr_inet_pton(AF_INET, "127.1", out), SR_ESOCKET_MSG);
  CHECK_STR_EQ(sr_last_detail(),
               "illegal IP address string passed to inet_pton");
  CHECK_ERR(sr_inet_pton(AF_INET, "1.2.3.4 ", out), SR_ESOCKET_MSG);
  CHECK_ERR(sr_inet_pton(AF_INET6, "1:::2", out), SR_ESOCKET_MSG);
  CHECK_ERR(sr_inet_pton(AF_INET6, "192.0.2.1", out), SR_ESOCKET_MSG);
}

static void test_pton_unknown_family(void) {
  unsigned char out[16];

  CHECK_ERR(sr_inet_pton(AF_UNIX, "1.2.3.4", out), SR_EAFNOSUPPORT);
  CHECK_EQ(sr_err_kind(SR_EAFNOSUPPORT), SR_KIND_ERROR);
}

static void test_ntop(void) {
  const unsigned char v4[4] = {7, 10, 0, 5};
  const unsigned char v6[16] = {0x5a, 0xef, 0x00, 0x2b, 0, 0, 0, 0,
                                0,    0,    0,    0,    0, 0, 0, 8};
  char out[64];

  CHECK_OK(sr_inet_ntop(AF_INET, v4, 4, out, sizeof out));
  CHECK_STR_EQ(out, "7.10.0.5");
  CHECK_OK(sr_inet_ntop(AF_INET6, v6, 16, out, sizeof out));
  CHECK_STR_EQ(out, "5aef:2b::8");
}

static void test_ntop_pton_round_trip(void) {
  static const char *texts[] = {"::", "::1", "2001:db8::1", "fe80::1:2",
                                "2001:db8:1:2:3:4:5:6"};
  unsigned char packed[16];
  char out[64];
  size_t i;

  for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
    CHECK_EQ(sr_inet_pton(AF_INET6, texts[i], packed), 16);
    CHECK_OK(sr_inet_ntop(AF_INET6, packed, 16, out, sizeof out));
    CHECK_STR_EQ(out, texts[i]);
  }
}

static void test_ntop_wrong_length_is_value_error(void) {
  const unsigned char bytes[17] = {0};
  char out[64];

  CHECK_ERR(sr_inet_ntop(AF_INET, bytes, 5, out, sizeof out), SR_EVALUE);
  CHECK_EQ(sr_err_kind(SR_EVALUE), SR_KIND_VALUE);
  CHECK_STR_EQ(sr_last_detail(), "invalid length of packed IP address string");
  CHECK_ERR(sr_inet_ntop(AF_INET, bytes, 3, out, sizeof out), SR_EVALUE);
  CHECK_ERR(sr_inet_ntop(AF_INET6, bytes, 4, out, sizeof out), SR_EVALUE);
  CHECK_ERR(sr_inet_ntop(AF_INET6, bytes, 17, out, sizeof out), SR_EVALUE);
}

static void test_ntop_unknown_family(void) {
  const unsigned char bytes[4] = {1, 2, 3, 4};
  char out[64];

  CHECK_ERR(sr_inet_ntop(AF_UNIX, bytes, 4, out, sizeof out), SR_EVALUE);
  CHECK(strstr(sr_last_detail(), "unknown address family") != NULL);
}

static void test_output_too_small(void) {
  const unsigned char v4[4] = {192, 0, 2, 1};
  char out[8];

  CHECK_ERR(sr_inet_ntoa(v4, 4, out, sizeof out), SR_EVALUE);
  CHECK_ERR(sr_inet_ntop(AF_INET, v4, 4, out, sizeof out), SR_EVALUE);
}

static const check_test tests[] = {
    CHECK_TEST(test_aton_dotted_quad),
    CHECK_TEST(test_aton_short_forms),
    CHECK_TEST(test_aton_invalid),
    CHECK_TEST(test_ntoa),
    CHECK_TEST(test_ntoa_wrong_length),
    CHECK_TEST(test_pton_ipv4),
    CHECK_TEST(test_pton_ipv6),
    CHECK_TEST(test_pton_invalid),
    CHECK_TEST(test_pton_unknown_family),
    CHECK_TEST(test_ntop),
    CHECK_TEST(test_ntop_pton_round_trip),
    CHECK_TEST(test_ntop_wrong_length_is_value_error),
    CHECK_TEST(test_ntop_unknown_family),
    CHECK_TEST(test_output_too_small),
};
CHECK_MAIN(tests)
