/* gethostname, gethostbyname, gethostbyname_ex, gethostbyaddr, getfqdn.
 * Names come from the test's own hosts file (isolate.h): without it those
 * tests skip, since any unknown name or address would be asked of DNS. */
#include "check.h"
#include "isolate.h"

static int has_string(char **list, size_t n, const char *s) {
  size_t i;

  for (i = 0; i < n; i++)
    if (strcmp(list[i], s) == 0)
      return 1;
  return 0;
}

/* An unknown name: glibc (hosts: files) says HOST_NOT_FOUND; musl also
 * asks DNS, finds no server on loopback and says TRY_AGAIN. */
static void check_unknown_is_herror(int err) {
  CHECK_EQ(sr_err_kind(err), SR_KIND_H);
#ifdef __GLIBC__
  CHECK_ERR(err, SR_HOST_NOT_FOUND);
#endif
}

static void test_gethostname(void) {
  char name[SR_HOST_MAX], tiny[1];

  CHECK_OK(sr_gethostname(name, sizeof name));
  CHECK(name[0] != '\0');
  CHECK_ERR(sr_gethostname(tiny, sizeof tiny), SR_EVALUE);
}

static void test_gethostbyname_numeric_unchanged(void) {
  char out[16];

  CHECK_OK(sr_gethostbyname("192.0.2.77", out, sizeof out));
  CHECK_STR_EQ(out, "192.0.2.77");
  CHECK_OK(sr_gethostbyname("127.0.0.1", out, sizeof out));
  CHECK_STR_EQ(out, "127.0.0.1");
}

static void test_gethostbyname_special_names(void) {
  char out[16];

  CHECK_OK(sr_gethostbyname("", out, sizeof out));
  CHECK_STR_EQ(out, "0.0.0.0");
  CHECK_OK(sr_gethostbyname("<broadcast>", out, sizeof out));
  CHECK_STR_EQ(out, "255.255.255.255");
}

static void test_gethostbyname_names(void) {
  char out[16];

  REQUIRE_ISOLATED_NAMES();
  CHECK_OK(sr_gethostbyname("localhost", out, sizeof out));
  CHECK_STR_EQ(out, "127.0.0.1");
  CHECK_OK(sr_gethostbyname("alpha", out, sizeof out));
  CHECK_STR_EQ(out, "127.0.0.2");
  /* IPv4 only: a name with an IPv6 and an IPv4 address gives the IPv4. */
  CHECK_OK(sr_gethostbyname("dual.sockspec.test", out, sizeof out));
  CHECK_STR_EQ(out, "127.0.0.1");
}

static void test_gethostbyname_unknown_is_gaierror(void) {
  char out[16];
  int err;

  REQUIRE_ISOLATED_NAMES();
  err = sr_gethostbyname("nowhere.sockspec.test", out, sizeof out);
  CHECK_EQ(sr_err_kind(err), SR_KIND_GAI);
}

static void test_gethostbyname_ex(void) {
  sr_hostent h;
  size_t i;

  REQUIRE_ISOLATED_NAMES();
  CHECK_OK(sr_gethostbyname_ex("alpha", &h));
  CHECK_STR_EQ(h.name, "alpha.sockspec.test");
  /* The seed allows any (possibly empty) alias list. glibc lists every
   * other name of the hosts line; musl only the name that was asked for. */
  for (i = 0; i < h.n_aliases; i++)
    CHECK(strcmp(h.aliases[i], "alpha") == 0 ||
          strcmp(h.aliases[i], "alpha-alias") == 0 ||
          strcmp(h.aliases[i], "alpha.sockspec.test") == 0);
#ifdef __GLIBC__
  CHECK_EQ(h.n_aliases, 2);
  CHECK(has_string(h.aliases, h.n_aliases, "alpha"));
  CHECK(has_string(h.aliases, h.n_aliases, "alpha-alias"));
#endif
  CHECK_EQ(h.n_addresses, 1);
  CHECK_STR_EQ(h.addresses[0], "127.0.0.2");
  sr_hostent_free(&h);
  CHECK(h.name == NULL && h.n_aliases == 0);

  CHECK_OK(sr_gethostbyname_ex("localhost", &h));
  CHECK_STR_EQ(h.name, "localhost");
  CHECK(has_string(h.addresses, h.n_addresses, "127.0.0.1"));
  sr_hostent_free(&h);
}

static void test_gethostbyname_ex_unknown_is_herror(void) {
  sr_hostent h;

  REQUIRE_ISOLATED_NAMES();
  /* The seed names herror for gethostbyname_ex (CPython: gaierror). */
  check_unknown_is_herror(sr_gethostbyname_ex("nowhere.sockspec.test", &h));
  CHECK(h.name == NULL);
}

static void test_gethostbyaddr(void) {
  sr_hostent h;

  REQUIRE_ISOLATED_NAMES();
  CHECK_OK(sr_gethostbyaddr("127.0.0.1", &h));
  CHECK_STR_EQ(h.name, "localhost");
  CHECK_EQ(h.n_addresses, 1);
  CHECK_STR_EQ(h.addresses[0], "127.0.0.1");
  sr_hostent_free(&h);

  CHECK_OK(sr_gethostbyaddr("::1", &h));
  CHECK_STR_EQ(h.name, "dual.sockspec.test");
  CHECK_STR_EQ(h.addresses[0], "::1");
  sr_hostent_free(&h);

  /* A name is resolved to its address first. */
  CHECK_OK(sr_gethostbyaddr("alpha", &h));
  CHECK_STR_EQ(h.name, "alpha.sockspec.test");
  sr_hostent_free(&h);
}

static void test_gethostbyaddr_unknown_is_herror(void) {
  sr_hostent h;

  int err;

  REQUIRE_ISOLATED_NAMES();
  err = sr_gethostbyaddr("127.0.0.9", &h);
#ifndef __GLIBC__
  /* musl's gethostbyaddr_r falls back to the numeric form instead of
   * failing (a platform difference the catalog records). */
  if (err == 0) {
    CHECK_STR_EQ(h.name, "127.0.0.9");
    sr_hostent_free(&h);
    return;
  }
#endif
  CHECK_ERR(err, SR_HOST_NOT_FOUND);
  CHECK_EQ(sr_err_kind(SR_HOST_NOT_FOUND), SR_KIND_H);
  CHECK_STR_EQ(sr_err_name(SR_HOST_NOT_FOUND), "HOST_NOT_FOUND");
  CHECK(h.name == NULL);
}

static void test_gethostbyaddr_unknown_name_is_herror(void) {
  sr_hostent h;

  REQUIRE_ISOLATED_NAMES();
  /* A name that does not resolve to an address: still herror. */
  check_unknown_is_herror(sr_gethostbyaddr("nowhere.sockspec.test", &h));
}

static void test_getfqdn_picks_dotted_name(void) {
  char out[SR_HOST_MAX];

  REQUIRE_ISOLATED_NAMES();
  /* "alpha" resolves to 127.0.0.2, whose primary name has a period. */
  CHECK_OK(sr_getfqdn("alpha", out, sizeof out));
  CHECK_STR_EQ(out, "alpha.sockspec.test");
}

static void test_getfqdn_no_dotted_name(void) {
  char out[SR_HOST_MAX], host[SR_HOST_MAX];

  REQUIRE_ISOLATED_NAMES();
  /* 127.0.0.3 is only "beta": the seed says gethostname()'s answer. */
  CHECK_OK(sr_gethostname(host, sizeof host));
  CHECK_OK(sr_getfqdn("127.0.0.3", out, sizeof out));
  CHECK_STR_EQ(out, host);
}

static void test_getfqdn_lookup_fails(void) {
  char out[SR_HOST_MAX];

  REQUIRE_ISOLATED_NAMES();
  CHECK_OK(sr_getfqdn("127.0.0.9", out, sizeof out));
  CHECK_STR_EQ(out, "127.0.0.9");
}

static void test_getfqdn_local_host(void) {
  char out[SR_HOST_MAX], again[SR_HOST_MAX], host[SR_HOST_MAX];

  REQUIRE_ISOLATED_NAMES();
  CHECK_OK(sr_gethostname(host, sizeof host));
  CHECK_OK(sr_getfqdn(NULL, out, sizeof out));
  CHECK_OK(sr_getfqdn("", again, sizeof again));
  CHECK_STR_EQ(out, again);
  /* The machine's name is not in the test's hosts file (unless it is one
   * of its undotted names), so there is no dotted name to find. */
  if (strchr(host, '.') == NULL && strcmp(host, "alpha") != 0 &&
      strcmp(host, "alpha-alias") != 0)
    CHECK_STR_EQ(out, host);
}

static const check_test tests[] = {
    CHECK_TEST(test_gethostname),
    CHECK_TEST(test_gethostbyname_numeric_unchanged),
    CHECK_TEST(test_gethostbyname_special_names),
    CHECK_TEST(test_gethostbyname_names),
    CHECK_TEST(test_gethostbyname_unknown_is_gaierror),
    CHECK_TEST(test_gethostbyname_ex),
    CHECK_TEST(test_gethostbyname_ex_unknown_is_herror),
    CHECK_TEST(test_gethostbyaddr_unknown_name_is_herror),
    CHECK_TEST(test_gethostbyaddr),
    CHECK_TEST(test_gethostbyaddr_unknown_is_herror),
    CHECK_TEST(test_getfqdn_picks_dotted_name),
    CHECK_TEST(test_getfqdn_no_dotted_name),
    CHECK_TEST(test_getfqdn_local_host),
    CHECK_TEST(test_getfqdn_lookup_fails),
};
CHECK_MAIN(tests)
