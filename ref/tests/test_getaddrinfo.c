/* getaddrinfo: the tuple shape, the family/type/proto filters, the flags
 * the seed names (AI_NUMERICHOST, AI_PASSIVE, AI_CANONNAME), None host or
 * port, and EAI_* errors. Names come from the test's own hosts file
 * (isolate.h); everything else is numeric, so nothing asks DNS. */
#include "check.h"
#include "isolate.h"

static int list_length(const sr_addrinfo *ai) {
  int n = 0;

  for (; ai != NULL; ai = ai->next)
    n++;
  return n;
}

static void test_numeric_ipv4_tuple(void) {
  sr_addrinfo *res = NULL;

  CHECK_EQ(sr_getaddrinfo("127.0.0.1", "80", AF_INET, SOCK_STREAM, 0, 0,
                          &res), 1);
  CHECK(res != NULL && res->next == NULL);
  CHECK_EQ(res->family, AF_INET);
  CHECK_EQ(res->type, SOCK_STREAM);
  CHECK_EQ(res->proto, IPPROTO_TCP);
  CHECK_STR_EQ(res->canonname, "");
  CHECK_EQ(res->addr.family, AF_INET);
  CHECK_STR_EQ(res->addr.host, "127.0.0.1");
  CHECK_EQ(res->addr.port, 80);
  sr_freeaddrinfo(res);
}

static void test_numeric_ipv6_tuple(void) {
  sr_addrinfo *res = NULL;

  CHECK_EQ(sr_getaddrinfo("2001:db8::1", "50007", AF_INET6, SOCK_DGRAM, 0,
                          AI_NUMERICHOST, &res), 1);
  CHECK_EQ(res->family, AF_INET6);
  CHECK_EQ(res->type, SOCK_DGRAM);
  CHECK_EQ(res->proto, IPPROTO_UDP);
  CHECK_EQ(res->addr.family, AF_INET6);
  CHECK_STR_EQ(res->addr.host, "2001:db8::1");
  CHECK_EQ(res->addr.port, 50007);
  CHECK_EQ(res->addr.flowinfo, 0);
  CHECK_EQ(res->addr.scope_id, 0);
  sr_freeaddrinfo(res);
}

static void test_count_matches_list(void) {
  sr_addrinfo *res = NULL, *ai;
  int n;

  /* type 0: every socket type the platform offers for the address. */
  n = sr_getaddrinfo("127.0.0.1", "9", AF_INET, 0, 0, 0, &res);
  CHECK_OK(n);
  CHECK(n >= 2);
  CHECK_EQ(list_length(res), n);
  for (ai = res; ai != NULL; ai = ai->next) {
    CHECK(ai->type == SOCK_STREAM || ai->type == SOCK_DGRAM ||
          ai->type == SOCK_RAW);
    CHECK_STR_EQ(ai->addr.host, "127.0.0.1");
  }
  sr_freeaddrinfo(res);
}

static void test_proto_filter(void) {
  sr_addrinfo *res = NULL, *ai;
  int n;

  n = sr_getaddrinfo("127.0.0.1", "9", AF_INET, 0, IPPROTO_UDP, 0, &res);
  CHECK_OK(n);
  for (ai = res; ai != NULL; ai = ai->next) {
    CHECK_EQ(ai->proto, IPPROTO_UDP);
    CHECK_EQ(ai->type, SOCK_DGRAM);
  }
  sr_freeaddrinfo(res);
}

static void test_family_filter_mismatch(void) {
  sr_addrinfo *res = NULL;
  int err;

  err = sr_getaddrinfo("127.0.0.1", "80", AF_INET6, SOCK_STREAM, 0, 0, &res);
  CHECK(err < 0);
  CHECK_EQ(sr_err_kind(err), SR_KIND_GAI);
  CHECK(res == NULL);
  err = sr_getaddrinfo("::1", "80", AF_INET, SOCK_STREAM, 0, 0, &res);
  CHECK_EQ(sr_err_kind(err), SR_KIND_GAI);
}

static void test_numerichost_rejects_names(void) {
  sr_addrinfo *res = NULL;

  CHECK_ERR(sr_getaddrinfo("localhost", "80", AF_UNSPEC, SOCK_STREAM, 0,
                           AI_NUMERICHOST, &res), SR_EAI_NONAME);
  CHECK_STR_EQ(sr_err_name(SR_EAI_NONAME), "EAI_NONAME");
}

/* None host: the loopback addresses, or the wildcards with AI_PASSIVE. */
static void check_null_host(int flags, const char *v4, const char *v6) {
  sr_addrinfo *res = NULL, *ai;
  int saw_v4 = 0;

  CHECK_OK(sr_getaddrinfo(NULL, "50007", AF_UNSPEC, SOCK_STREAM, 0, flags,
                          &res));
  for (ai = res; ai != NULL; ai = ai->next) {
    CHECK_EQ(ai->addr.port, 50007);
    if (ai->family == AF_INET) {
      CHECK_STR_EQ(ai->addr.host, v4);
      saw_v4 = 1;
    } else {
      CHECK_EQ(ai->family, AF_INET6);
      CHECK_STR_EQ(ai->addr.host, v6);
    }
  }
  sr_freeaddrinfo(res);
  CHECK(saw_v4);
}

static void test_null_host_is_loopback(void) {
  check_null_host(0, "127.0.0.1", "::1");
}

static void test_null_host_passive_is_wildcard(void) {
  check_null_host(AI_PASSIVE, "0.0.0.0", "::");
}

static void test_null_port_is_zero(void) {
  sr_addrinfo *res = NULL;

  CHECK_OK(sr_getaddrinfo("127.0.0.1", NULL, AF_INET, SOCK_STREAM, 0, 0,
                          &res));
  CHECK_EQ(res->addr.port, 0);
  sr_freeaddrinfo(res);
}

static void test_null_host_and_port(void) {
  sr_addrinfo *res = NULL;

  CHECK_ERR(sr_getaddrinfo(NULL, NULL, AF_UNSPEC, 0, 0, 0, &res),
            SR_EAI_NONAME);
}

static void test_service_names(void) {
  sr_addrinfo *res = NULL;

  REQUIRE_ISOLATED_NAMES();
  CHECK_OK(sr_getaddrinfo("127.0.0.1", "http", AF_INET, SOCK_STREAM, 0, 0,
                          &res));
  CHECK_EQ(res->addr.port, 80);
  sr_freeaddrinfo(res);
  CHECK_ERR(sr_getaddrinfo("127.0.0.1", "no-such-service", AF_INET,
                           SOCK_STREAM, 0, 0, &res), SR_EAI_SERVICE);
}

static void test_bad_flags_and_family(void) {
  sr_addrinfo *res = NULL;

  CHECK_ERR(sr_getaddrinfo("127.0.0.1", "80", AF_INET, SOCK_STREAM, 0,
                           0x40000000, &res), SR_EAI_BADFLAGS);
  CHECK_ERR(sr_getaddrinfo("127.0.0.1", "80", 12345, SOCK_STREAM, 0, 0,
                           &res), SR_EAI_FAMILY);
}

static void test_hosts_file_name(void) {
  sr_addrinfo *res = NULL;

  REQUIRE_ISOLATED_NAMES();
  CHECK_EQ(sr_getaddrinfo("alpha", "7", AF_INET, SOCK_STREAM, 0, 0, &res),
           1);
  CHECK_STR_EQ(res->addr.host, "127.0.0.2");
  CHECK_STR_EQ(res->canonname, "");
  sr_freeaddrinfo(res);
}

static void test_canonname(void) {
  sr_addrinfo *res = NULL;

  REQUIRE_ISOLATED_NAMES();
  CHECK_OK(sr_getaddrinfo("alpha-alias", "7", AF_INET, SOCK_STREAM, 0,
                          AI_CANONNAME, &res));
  /* The hosts file's first name for the entry is the canonical one. */
  CHECK_STR_EQ(res->canonname, "alpha.sockspec.test");
  sr_freeaddrinfo(res);
}

static void test_unknown_name(void) {
  sr_addrinfo *res = NULL;
  int err;

  REQUIRE_ISOLATED_NAMES();
  err = sr_getaddrinfo("nowhere.sockspec.test", "80", AF_UNSPEC,
                       SOCK_STREAM, 0, 0, &res);
  CHECK_EQ(sr_err_kind(err), SR_KIND_GAI);
  CHECK(res == NULL);
}

static const check_test tests[] = {
    CHECK_TEST(test_numeric_ipv4_tuple),
    CHECK_TEST(test_numeric_ipv6_tuple),
    CHECK_TEST(test_count_matches_list),
    CHECK_TEST(test_proto_filter),
    CHECK_TEST(test_family_filter_mismatch),
    CHECK_TEST(test_numerichost_rejects_names),
    CHECK_TEST(test_null_host_is_loopback),
    CHECK_TEST(test_null_host_passive_is_wildcard),
    CHECK_TEST(test_null_port_is_zero),
    CHECK_TEST(test_null_host_and_port),
    CHECK_TEST(test_service_names),
    CHECK_TEST(test_bad_flags_and_family),
    CHECK_TEST(test_hosts_file_name),
    CHECK_TEST(test_canonname),
    CHECK_TEST(test_unknown_name),
};
CHECK_MAIN(tests)
