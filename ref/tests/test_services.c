/* getservbyname/getservbyport/getprotobyname against the system's services
 * and protocols files, with CPython's errors: "not found" is socket.error
 * with a message, a port outside 0..65535 an OverflowError. */
#include "check.h"

static void test_servbyname(void) {
  CHECK_EQ(sr_getservbyname("http", "tcp"), 80);
  CHECK_EQ(sr_getservbyname("http", NULL), 80);
  CHECK_EQ(sr_getservbyname("domain", "udp"), 53);
}

static void test_servbyname_not_found(void) {
  CHECK_ERR(sr_getservbyname("no-such-service", NULL), SR_ESOCKET_MSG);
  CHECK_STR_EQ(sr_last_detail(), "service/proto not found");
  /* A known service with a protocol it is not listed for. */
  CHECK_ERR(sr_getservbyname("http", "no-such-proto"), SR_ESOCKET_MSG);
}

static void test_servbyport(void) {
  char name[64];

  CHECK_OK(sr_getservbyport(80, "tcp", name, sizeof name));
  CHECK_STR_EQ(name, "http");
  CHECK_OK(sr_getservbyport(53, NULL, name, sizeof name));
  CHECK_STR_EQ(name, "domain");
}

static void test_servbyport_not_found(void) {
  char name[64];

  CHECK_ERR(sr_getservbyport(80, "no-such-proto", name, sizeof name),
            SR_ESOCKET_MSG);
  CHECK_STR_EQ(sr_last_detail(), "port/proto not found");
}

static void test_servbyport_range(void) {
  char name[64];

  CHECK_ERR(sr_getservbyport(65536, NULL, name, sizeof name),
            SR_EOVERFLOW_VALUE);
  CHECK_STR_EQ(sr_last_detail(), "getservbyport: port must be 0-65535.");
  CHECK_ERR(sr_getservbyport(-1, "tcp", name, sizeof name),
            SR_EOVERFLOW_VALUE);
}

static void test_servbyport_small_buffer(void) {
  char name[3];

  CHECK_ERR(sr_getservbyport(80, "tcp", name, sizeof name), SR_EVALUE);
}

static void test_protobyname(void) {
  CHECK_EQ(sr_getprotobyname("tcp"), IPPROTO_TCP);
  CHECK_EQ(sr_getprotobyname("icmp"), 1);
  CHECK_EQ(sr_getprotobyname("udp"), IPPROTO_UDP);
}

static void test_protobyname_not_found(void) {
  CHECK_ERR(sr_getprotobyname("no-such-protocol"), SR_ESOCKET_MSG);
  CHECK_STR_EQ(sr_last_detail(), "protocol not found");
  CHECK_EQ(sr_err_kind(SR_ESOCKET_MSG), SR_KIND_ERROR_MSG);
}

static const check_test tests[] = {
    CHECK_TEST(test_servbyname),
    CHECK_TEST(test_servbyname_not_found),
    CHECK_TEST(test_servbyport),
    CHECK_TEST(test_servbyport_not_found),
    CHECK_TEST(test_servbyport_range),
    CHECK_TEST(test_servbyport_small_buffer),
    CHECK_TEST(test_protobyname),
    CHECK_TEST(test_protobyname_not_found),
};
CHECK_MAIN(tests)
