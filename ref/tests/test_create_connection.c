/* create_connection: the timeout argument (a value, None, or "use the
 * default"), source_address bound before connecting, every getaddrinfo
 * result tried in order, and the last error returned when all fail.
 *
 * "Every result" needs a name with two addresses where the first refuses.
 * The test's hosts file (isolate.h) maps dual.sockspec.test to ::1 and
 * 127.0.0.1; the test asks getaddrinfo for the order, listens on the
 * second address and only binds (no listen) the same port on the first, so
 * a connection to the first is refused and the second must be tried. */
#include "check.h"
#include "isolate.h"
#include "sockref/testing.h"

#ifndef _WIN32
#include <unistd.h>
#endif

#define DUAL_NAME "dual.sockspec.test"

static void set_address(sr_address *a, int family, const char *host,
                        int port) {
  if (family == AF_INET6)
    CHECK_OK(sr_address_inet6(a, host, port, 0, 0));
  else
    CHECK_OK(sr_address_inet(a, host, port));
}

/* A TCP socket bound to host:port, listening if `listening`; returns it
 * and, through *port_out, the port it got. NULL if bind failed with
 * EADDRINUSE (the caller picks another port). */
static sr_socket *bound_socket(int family, const char *host, int port,
                               int listening, int *port_out) {
  sr_socket *s = NULL;
  sr_address a;
  int err;

  CHECK_OK(sr_socket_new(&s, family, SOCK_STREAM, 0));
  set_address(&a, family, host, port);
  err = sr_bind(s, &a);
  if (err == SR_EADDRINUSE) {
    sr_socket_free(s);
    return NULL;
  }
  CHECK_OK(err);
  if (listening)
    CHECK_OK(sr_listen(s, 4));
  CHECK_OK(sr_getsockname(s, &a));
  if (port_out != NULL)
    *port_out = a.port;
  return s;
}

static void test_connects_with_timeout(void) {
  sr_socket *listener, *c = NULL, *conn = NULL;
  sr_address peer, mine;
  int port;

  listener = bound_socket(AF_INET, "127.0.0.1", 0, 1, &port);
  CHECK_OK(sr_create_connection(&c, "127.0.0.1", port, 2.5, NULL));
  CHECK(c != NULL);
  CHECK_NEAR(sr_gettimeout(c), 2.5, 1e-9);
  CHECK_EQ(sr_socket_family(c), AF_INET);
  CHECK_EQ(sr_socket_type(c), SOCK_STREAM);
  CHECK_OK(sr_getpeername(c, &peer));
  CHECK_STR_EQ(peer.host, "127.0.0.1");
  CHECK_EQ(peer.port, port);
  CHECK_OK(sr_accept(listener, &conn, &peer));
  CHECK_OK(sr_getsockname(c, &mine));
  CHECK_EQ(peer.port, mine.port);
  sr_socket_free(conn);
  sr_socket_free(c);
  sr_socket_free(listener);
}

static void test_default_timeout_sentinel(void) {
  sr_socket *listener, *c = NULL, *d = NULL;
  int port;

  listener = bound_socket(AF_INET, "127.0.0.1", 0, 1, &port);
  CHECK_OK(sr_setdefaulttimeout(1.25));
  /* SR_TIMEOUT_DEFAULT: the socket keeps the default timeout... */
  CHECK_OK(sr_create_connection(&c, "127.0.0.1", port, SR_TIMEOUT_DEFAULT,
                                NULL));
  /* ...while an explicit None overrides it with blocking mode. */
  CHECK_OK(sr_create_connection(&d, "127.0.0.1", port, SR_TIMEOUT_NONE,
                                NULL));
  CHECK_OK(sr_setdefaulttimeout(SR_TIMEOUT_NONE));
  CHECK_NEAR(sr_gettimeout(c), 1.25, 1e-9);
  CHECK_NEAR(sr_gettimeout(d), SR_TIMEOUT_NONE, 0);
  sr_socket_free(c);
  sr_socket_free(d);
  CHECK_OK(sr_create_connection(&c, "127.0.0.1", port, SR_TIMEOUT_DEFAULT,
                                NULL));
  CHECK_NEAR(sr_gettimeout(c), SR_TIMEOUT_NONE, 0);
  sr_socket_free(c);
  sr_socket_free(listener);
}

/* A listener whose accept queue is full: Linux then drops new SYNs, so a
 * connect neither completes nor fails until its timeout. Fills the queue
 * with create_connection itself; returns how many clients it made
 * (clients[] must be freed), or -1 if the queue never filled. */
#define QUEUE_FILLERS 8
static int fill_accept_queue(int port, sr_socket *clients[QUEUE_FILLERS]) {
  int i, err;

  for (i = 0; i < QUEUE_FILLERS; i++) {
    err = sr_create_connection(&clients[i], "127.0.0.1", port, 0.3, NULL);
    if (err == SR_ETIMEOUT_SOCK)
      return i;
    CHECK_OK(err);
  }
  return -1;
}

static void free_all(sr_socket *clients[QUEUE_FILLERS]) {
  int i;

  for (i = 0; i < QUEUE_FILLERS; i++)
    sr_socket_free(clients[i]);
}

/* The timeout is set before connecting, so it bounds the connect itself;
 * the same holds for the default timeout taken through
 * SR_TIMEOUT_DEFAULT. Checked against the library's own clock: never
 * earlier than the timeout. */
static void test_timeout_bounds_the_connect(void) {
  sr_socket *listener, *clients[QUEUE_FILLERS] = {NULL}, *c = NULL;
  double t0, elapsed;
  int port, err;

  listener = bound_socket(AF_INET, "127.0.0.1", 0, 0, &port);
  CHECK_OK(sr_listen(listener, 0));
  if (fill_accept_queue(port, clients) < 0) {
    free_all(clients);
    sr_socket_free(listener);
    CHECK_SKIP("the listener's accept queue never filled up");
  }
  t0 = sr_monotonic();
  err = sr_create_connection(&c, "127.0.0.1", port, 0.25, NULL);
  elapsed = sr_monotonic() - t0;
  CHECK_ERR(err, SR_ETIMEOUT_SOCK);
  CHECK(elapsed >= 0.25);

  CHECK_OK(sr_setdefaulttimeout(0.2));
  t0 = sr_monotonic();
  err = sr_create_connection(&c, "127.0.0.1", port, SR_TIMEOUT_DEFAULT,
                             NULL);
  elapsed = sr_monotonic() - t0;
  CHECK_OK(sr_setdefaulttimeout(SR_TIMEOUT_NONE));
  CHECK_ERR(err, SR_ETIMEOUT_SOCK);
  CHECK(elapsed >= 0.2);
  CHECK(c == NULL);
  free_all(clients);
  sr_socket_free(listener);
}

static void test_bad_arguments(void) {
  sr_socket *c = NULL;

  CHECK_ERR(sr_create_connection(&c, "127.0.0.1", 80, -5.0, NULL),
            SR_EVALUE);
  CHECK_ERR(sr_create_connection(&c, "127.0.0.1", 65536, SR_TIMEOUT_NONE,
                                 NULL), SR_EOVERFLOW_VALUE);
  CHECK_ERR(sr_create_connection(&c, "127.0.0.1", -1, SR_TIMEOUT_NONE,
                                 NULL), SR_EOVERFLOW_VALUE);
  CHECK(c == NULL);
}

static void test_source_address(void) {
  sr_socket *listener, *c = NULL, *conn = NULL;
  sr_address source, peer, mine;
  int port;

  listener = bound_socket(AF_INET, "127.0.0.1", 0, 1, &port);
  CHECK_OK(sr_address_inet(&source, "127.0.0.2", 0));
  CHECK_OK(sr_create_connection(&c, "127.0.0.1", port, SR_TIMEOUT_NONE,
                                &source));
  CHECK_OK(sr_getsockname(c, &mine));
  CHECK_STR_EQ(mine.host, "127.0.0.2");
  CHECK(mine.port != 0);
  /* The server sees the chosen source as the peer. */
  CHECK_OK(sr_accept(listener, &conn, NULL));
  CHECK_OK(sr_getpeername(conn, &peer));
  CHECK_STR_EQ(peer.host, "127.0.0.2");
  CHECK_EQ(peer.port, mine.port);
  sr_socket_free(conn);
  sr_socket_free(c);
  sr_socket_free(listener);
}

static int open_descriptors_probe(void) {
#ifndef _WIN32
  /* The lowest free descriptor: equal before and after means nothing
   * leaked in between. */
  int fd = dup(0), probe = fd;
  if (fd >= 0)
    close(fd);
  return probe;
#else
  return 0;
#endif
}

static void test_refused_returns_error_and_leaks_nothing(void) {
  sr_socket *reserved, *c = NULL;
  int port, before;

  /* Bound but not listening: connections to it are refused. */
  reserved = bound_socket(AF_INET, "127.0.0.1", 0, 0, &port);
  before = open_descriptors_probe();
  CHECK_ERR(sr_create_connection(&c, "127.0.0.1", port, SR_TIMEOUT_NONE,
                                 NULL), SR_ECONNREFUSED);
  CHECK(c == NULL);
  CHECK_EQ(open_descriptors_probe(), before);
  sr_socket_free(reserved);
}

/* The first two results for DUAL_NAME, which must differ in family. */
static void dual_order(sr_address *first, sr_address *second) {
  sr_addrinfo *res = NULL;
  int n;

  n = sr_getaddrinfo(DUAL_NAME, NULL, AF_UNSPEC, SOCK_STREAM, 0, 0, &res);
  CHECK_OK(n);
  if (n < 2 || res->family == res->next->family || !sr_has_ipv6()) {
    sr_freeaddrinfo(res);
    CHECK_SKIP("no IPv6 loopback: " DUAL_NAME " has one address");
  }
  *first = res->addr;
  *second = res->next->addr;
  sr_freeaddrinfo(res);
}

/* Sockets on the same port on both addresses: `second` listening iff
 * second_listens, `first` bound only. Retries when the port is taken. */
static int occupy_both(const sr_address *first, const sr_address *second,
                       int second_listens, sr_socket **a, sr_socket **b) {
  int attempt, port;

  for (attempt = 0; attempt < 20; attempt++) {
    *b = bound_socket(second->family, second->host, 0, second_listens,
                      &port);
    *a = bound_socket(first->family, first->host, port, 0, NULL);
    if (*a != NULL)
      return port;
    sr_socket_free(*b);
  }
  CHECK_SKIP("no port free on both loopback addresses");
  return -1;
}

static void test_tries_every_address(void) {
  sr_address first, second, peer;
  sr_socket *refusing, *listener, *c = NULL, *conn = NULL;
  int port;

  REQUIRE_ISOLATED_NAMES();
  dual_order(&first, &second);
  port = occupy_both(&first, &second, 1, &refusing, &listener);
  CHECK_OK(sr_create_connection(&c, DUAL_NAME, port, 5.0, NULL));
  CHECK_EQ(sr_socket_family(c), second.family);
  CHECK_OK(sr_getpeername(c, &peer));
  CHECK_STR_EQ(peer.host, second.host);
  CHECK_OK(sr_accept(listener, &conn, NULL));
  sr_socket_free(conn);
  sr_socket_free(c);
  sr_socket_free(listener);
  sr_socket_free(refusing);
}

static void test_all_fail_gives_last_error(void) {
  sr_address first, second, source;
  sr_socket *a, *b, *c = NULL;
  int port, err;

  REQUIRE_ISOLATED_NAMES();
  dual_order(&first, &second);
  port = occupy_both(&first, &second, 0, &a, &b);
  /* An IPv4 source address cannot be bound on the IPv6 attempt, so the
   * two attempts fail differently: the IPv6 one before connecting, the
   * IPv4 one with ECONNREFUSED. The error returned tells which ran last. */
  CHECK_OK(sr_address_inet(&source, "127.0.0.2", 0));
  err = sr_create_connection(&c, DUAL_NAME, port, SR_TIMEOUT_NONE, &source);
  CHECK(c == NULL);
  CHECK(err < 0);
  if (second.family == AF_INET)
    CHECK_ERR(err, SR_ECONNREFUSED);
  else
    CHECK(err != SR_ECONNREFUSED);
  /* Without the source address both are refused. */
  CHECK_ERR(sr_create_connection(&c, DUAL_NAME, port, SR_TIMEOUT_NONE, NULL),
            SR_ECONNREFUSED);
  sr_socket_free(a);
  sr_socket_free(b);
}

static void test_unknown_name(void) {
  sr_socket *c = NULL;
  int err;

  REQUIRE_ISOLATED_NAMES();
  err = sr_create_connection(&c, "nowhere.sockspec.test", 80,
                             SR_TIMEOUT_NONE, NULL);
  CHECK_EQ(sr_err_kind(err), SR_KIND_GAI);
  CHECK(c == NULL);
}

static const check_test tests[] = {
    CHECK_TEST(test_connects_with_timeout),
    CHECK_TEST(test_default_timeout_sentinel),
    CHECK_TEST(test_timeout_bounds_the_connect),
    CHECK_TEST(test_bad_arguments),
    CHECK_TEST(test_source_address),
    CHECK_TEST(test_refused_returns_error_and_leaks_nothing),
    CHECK_TEST(test_tries_every_address),
    CHECK_TEST(test_all_fail_gives_last_error),
    CHECK_TEST(test_unknown_name),
};
CHECK_MAIN(tests)
