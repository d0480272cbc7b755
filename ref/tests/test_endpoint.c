/* test_endpoint.c - bind, listen, accept, connect, connect_ex, names and
 * the address forms of every family, with their error cases. */
#include <stdlib.h>
#include <sys/stat.h>

#include "net_helpers.h"
#include "sockref/testing.h"

static void test_ipv4_bind_listen_connect_accept(void) {
  sr_socket *l = NULL, *c = NULL, *conn = NULL;
  sr_address laddr, caddr, peer, from, name;

  l = tcp_listener(&laddr, 5);
  CHECK_EQ(laddr.family, AF_INET);
  CHECK_STR_EQ(laddr.host, "127.0.0.1");
  CHECK(laddr.port > 0);
  CHECK_OK(sr_socket_new(&c, AF_INET, SOCK_STREAM, 0));
  CHECK_OK(sr_connect(c, &laddr));
  CHECK_OK(sr_accept(l, &conn, &from));
  CHECK_OK(sr_getsockname(c, &caddr));
  CHECK_OK(sr_getpeername(c, &peer));
  CHECK_STR_EQ(peer.host, "127.0.0.1");
  CHECK_EQ(peer.port, laddr.port);
  /* accept()'s address is the client's own name. */
  CHECK_EQ(from.family, AF_INET);
  CHECK_STR_EQ(from.host, caddr.host);
  CHECK_EQ(from.port, caddr.port);
  CHECK_OK(sr_getpeername(conn, &name));
  CHECK_EQ(name.port, caddr.port);
  CHECK_EQ(sr_socket_family(conn), AF_INET);
  CHECK_EQ(sr_socket_type(conn), SOCK_STREAM);
  sr_socket_free(conn);
  sr_socket_free(c);
  sr_socket_free(l);
}

static void test_ipv6_four_tuples(void) {
  sr_socket *l = NULL, *c = NULL, *conn = NULL;
  sr_address a, laddr, from;

  if (sr_socket_new(&l, AF_INET6, SOCK_STREAM, 0) < 0)
    CHECK_SKIP("no IPv6");
  CHECK_OK(sr_address_inet6(&a, "::1", 0, 0, 0));
  if (sr_bind(l, &a) == SR_EADDRNOTAVAIL) {
    sr_socket_free(l);
    CHECK_SKIP("no ::1");
  }
  CHECK_OK(sr_listen(l, 1));
  CHECK_OK(sr_getsockname(l, &laddr));
  CHECK_EQ(laddr.family, AF_INET6);
  CHECK_STR_EQ(laddr.host, "::1");
  CHECK(laddr.port > 0);
  CHECK_EQ(laddr.flowinfo, 0);
  CHECK_EQ(laddr.scope_id, 0);
  CHECK_OK(sr_socket_new(&c, AF_INET6, SOCK_STREAM, 0));
  /* The (host, port) pair form is accepted for AF_INET6 too. */
  CHECK_OK(sr_address_inet(&a, "::1", laddr.port));
  CHECK_OK(sr_connect(c, &a));
  CHECK_OK(sr_accept(l, &conn, &from));
  CHECK_EQ(from.family, AF_INET6);
  CHECK_STR_EQ(from.host, "::1");
  sr_socket_free(conn);
  sr_socket_free(c);
  /* flowinfo must fit 20 bits. */
  CHECK_OK(sr_socket_new(&c, AF_INET6, SOCK_STREAM, 0));
  CHECK_OK(sr_address_inet6(&a, "::1", laddr.port, 0x100000, 0));
  CHECK_ERR(sr_connect(c, &a), SR_EOVERFLOW_VALUE);
  sr_socket_free(c);
  sr_socket_free(l);
}

static void test_ipv4_special_hosts(void) {
  sr_socket *s = NULL;
  sr_address a, name;

  /* "" is INADDR_ANY. */
  CHECK_OK(sr_socket_new(&s, AF_INET, SOCK_DGRAM, 0));
  CHECK_OK(sr_address_inet(&a, "", 0));
  CHECK_OK(sr_bind(s, &a));
  CHECK_OK(sr_getsockname(s, &name));
  CHECK_STR_EQ(name.host, "0.0.0.0");
  sr_socket_free(s);
  /* "<broadcast>" is INADDR_BROADCAST: a sendto needs SO_BROADCAST, so
   * without it the OS refuses (EACCES) - which proves the translation
   * without sending anything. */
  CHECK_OK(sr_socket_new(&s, AF_INET, SOCK_DGRAM, 0));
  CHECK_OK(sr_address_inet(&a, "<broadcast>", 9));
  CHECK_ERR(sr_sendto(s, "x", 1, 0, &a), SR_EACCES);
  sr_socket_free(s);
  /* ... and exists only for IPv4. */
  if (sr_socket_new(&s, AF_INET6, SOCK_DGRAM, 0) >= 0) {
    CHECK_OK(sr_address_inet6(&a, "<broadcast>", 9, 0, 0));
    CHECK_ERR(sr_bind(s, &a), SR_ESOCKET_MSG);
    sr_socket_free(s);
  }
}

static void test_hostname_is_resolved(void) {
  sr_socket *s = NULL;
  sr_address a, name;

  CHECK_OK(sr_socket_new(&s, AF_INET, SOCK_STREAM, 0));
  CHECK_OK(sr_address_inet(&a, "localhost", 0));
  CHECK_OK(sr_bind(s, &a));
  CHECK_OK(sr_getsockname(s, &name));
  CHECK_EQ(strncmp(name.host, "127.", 4), 0);
  sr_socket_free(s);
  CHECK_OK(sr_socket_new(&s, AF_INET, SOCK_STREAM, 0));
  CHECK_OK(sr_address_inet(&a, "no-such-host.invalid", 0));
  CHECK_EQ(sr_err_kind(sr_bind(s, &a)), SR_KIND_GAI);
  sr_socket_free(s);
}

static void test_address_value_errors(void) {
  sr_socket *s = NULL;
  sr_address a;

  CHECK_OK(sr_socket_new(&s, AF_INET, SOCK_STREAM, 0));
  CHECK_OK(sr_address_inet(&a, "127.0.0.1", 65536));
  CHECK_ERR(sr_bind(s, &a), SR_EOVERFLOW_VALUE);
  CHECK_OK(sr_address_inet(&a, "127.0.0.1", -1));
  CHECK_ERR(sr_connect(s, &a), SR_EOVERFLOW_VALUE);
  CHECK(strstr(sr_last_detail(), "0-65535") != NULL);
  /* An AF_INET socket wants a pair, not a 4-tuple or a path. */
  CHECK_OK(sr_address_inet6(&a, "127.0.0.1", 80, 0, 0));
  CHECK_ERR(sr_bind(s, &a), SR_EVALUE);
  CHECK_OK(sr_address_unix(&a, "/tmp/x"));
  CHECK_ERR(sr_bind(s, &a), SR_EVALUE);
  CHECK_ERR(sr_bind(s, NULL), SR_EVALUE);
  sr_socket_free(s);
}

static void test_bind_errors(void) {
  sr_socket *a = NULL, *b = NULL;
  sr_address addr;

  a = tcp_listener(&addr, 1);
  CHECK_OK(sr_socket_new(&b, AF_INET, SOCK_STREAM, 0));
  CHECK_ERR(sr_bind(b, &addr), SR_EADDRINUSE);
  sr_socket_free(b);
  /* Already bound. */
  CHECK_OK(sr_address_inet(&addr, "127.0.0.1", 0));
  CHECK_ERR(sr_bind(a, &addr), SR_EINVAL);
  sr_socket_free(a);
  /* An address this host does not own (documentation range, no packet is
   * sent by bind). */
  CHECK_OK(sr_socket_new(&b, AF_INET, SOCK_STREAM, 0));
  CHECK_OK(sr_address_inet(&addr, "192.0.2.1", 0));
  CHECK_ERR(sr_bind(b, &addr), SR_EADDRNOTAVAIL);
  sr_socket_free(b);
}

static void test_connect_refused(void) {
  sr_socket *l = NULL, *c = NULL;
  sr_address addr;

  /* A port that was just free: bind, read it back, close. */
  l = tcp_listener(&addr, 1);
  sr_socket_free(l);
  CHECK_OK(sr_socket_new(&c, AF_INET, SOCK_STREAM, 0));
  CHECK_ERR(sr_connect(c, &addr), SR_ECONNREFUSED);
  sr_socket_free(c);
  CHECK_OK(sr_socket_new(&c, AF_INET, SOCK_STREAM, 0));
  CHECK_EQ(sr_connect_ex(c, &addr), ECONNREFUSED);
  sr_socket_free(c);
  /* With a timeout the refusal is still ECONNREFUSED, not a timeout. */
  CHECK_OK(sr_socket_new(&c, AF_INET, SOCK_STREAM, 0));
  CHECK_OK(sr_settimeout(c, 5.0));
  CHECK_ERR(sr_connect(c, &addr), SR_ECONNREFUSED);
  sr_socket_free(c);
}

static void test_connect_ex_forms(void) {
  sr_socket *l = NULL, *c = NULL;
  sr_address addr;

  l = tcp_listener(&addr, 1);
  CHECK_OK(sr_socket_new(&c, AF_INET, SOCK_STREAM, 0));
  CHECK_EQ(sr_connect_ex(c, &addr), 0);
  /* Connecting again: the errno, as a positive number. */
  CHECK_EQ(sr_connect_ex(c, &addr), EISCONN);
  sr_socket_free(c);
  /* Problems other than connect() itself are still errors. */
  CHECK_OK(sr_socket_new(&c, AF_INET, SOCK_STREAM, 0));
  addr.port = 70000;
  CHECK_ERR(sr_connect_ex(c, &addr), SR_EOVERFLOW_VALUE);
  sr_socket_free(c);
  sr_socket_free(l);
}

/* A non-blocking connect starts and reports EINPROGRESS. */
static void test_nonblocking_connect(void) {
  sr_socket *l = NULL, *c = NULL, *conn = NULL;
  sr_address addr;
  int so_error = -1;

  l = tcp_listener(&addr, 1);
  CHECK_OK(sr_socket_new(&c, AF_INET, SOCK_STREAM, 0));
  CHECK_OK(sr_setblocking(c, 0));
  {
    int r = sr_connect(c, &addr);

    /* Loopback may complete at once; otherwise it is in progress. */
    CHECK(r == 0 || r == SR_EINPROGRESS);
    if (r == SR_EINPROGRESS)
      CHECK_EQ(sr_poll(c, SR_POLLOUT, 5.0), SR_POLLOUT);
  }
  CHECK_OK(sr_getsockopt(c, SOL_SOCKET, SO_ERROR, &so_error));
  CHECK_EQ(so_error, 0);
  CHECK_OK(sr_accept(l, &conn, NULL));
  sr_socket_free(conn);
  sr_socket_free(c);
  sr_socket_free(l);
}

static void test_unconnected_errors(void) {
  sr_socket *s = NULL, *conn = NULL;
  sr_address a;
  char buf[4];

  CHECK_OK(sr_socket_new(&s, AF_INET, SOCK_STREAM, 0));
  CHECK_ERR(sr_getpeername(s, &a), SR_ENOTCONN);
  CHECK_ERR(sr_recv(s, buf, sizeof(buf), 0), SR_ENOTCONN);
  CHECK_ERR(sr_send(s, "x", 1, 0), SR_EPIPE);
  CHECK_ERR(sr_shutdown(s, SHUT_RDWR), SR_ENOTCONN);
  /* accept on a socket that does not listen. */
  CHECK_ERR(sr_accept(s, &conn, NULL), SR_EINVAL);
  sr_socket_free(s);
  /* A UDP socket cannot listen. */
  CHECK_OK(sr_socket_new(&s, AF_INET, SOCK_DGRAM, 0));
  CHECK_ERR(sr_listen(s, 1), SR_EOPNOTSUPP);
  sr_socket_free(s);
}

static void test_unix_path_addresses(void) {
  sr_socket *l = NULL, *c = NULL, *conn = NULL;
  sr_address a, name, peer, from;
  char dir[] = "/tmp/sockref-test-XXXXXX";
  char path[128];

  CHECK(mkdtemp(dir) != NULL);
  snprintf(path, sizeof(path), "%s/s", dir);
  CHECK_OK(sr_socket_new(&l, AF_UNIX, SOCK_STREAM, 0));
  CHECK_OK(sr_address_unix(&a, path));
  CHECK_OK(sr_bind(l, &a));
  CHECK_OK(sr_listen(l, 1));
  CHECK_OK(sr_getsockname(l, &name));
  CHECK_EQ(name.family, AF_UNIX);
  CHECK_EQ(name.is_abstract, 0);
  CHECK_STR_EQ(name.path, path);
  CHECK_EQ(name.path_len, strlen(path));
  CHECK_OK(sr_socket_new(&c, AF_UNIX, SOCK_STREAM, 0));
  CHECK_OK(sr_connect(c, &a));
  CHECK_OK(sr_getpeername(c, &peer));
  CHECK_STR_EQ(peer.path, path);
  CHECK_OK(sr_accept(l, &conn, &from));
  /* The client is unbound: an empty name. */
  CHECK_EQ(from.family, AF_UNIX);
  CHECK_EQ(from.path_len, 0);
  sr_socket_free(conn);
  sr_socket_free(c);
  /* Binding the path again: the file exists. */
  CHECK_OK(sr_socket_new(&c, AF_UNIX, SOCK_STREAM, 0));
  CHECK_ERR(sr_bind(c, &a), SR_EADDRINUSE);
  sr_socket_free(c);
  sr_socket_free(l);
  unlink(path);
  rmdir(dir);
  /* Connecting to a path nobody listens on. */
  CHECK_OK(sr_socket_new(&c, AF_UNIX, SOCK_STREAM, 0));
  CHECK_ERR(sr_connect(c, &a), SR_ENOENT);
  sr_socket_free(c);
}

static void test_unix_path_too_long(void) {
  sr_address a;
  char longpath[200];

  memset(longpath, 'x', sizeof(longpath) - 1);
  longpath[sizeof(longpath) - 1] = '\0';
  CHECK_ERR(sr_address_unix(&a, longpath), SR_ESOCKET_MSG);
  CHECK_STR_EQ(sr_last_detail(), "AF_UNIX path too long");
}

static void test_unix_abstract_addresses(void) {
  sr_socket *l = NULL, *c = NULL, *conn = NULL;
  sr_address a, name;
  char label[64];
  int n;

#ifndef __linux__
  CHECK_SKIP("the abstract namespace is Linux only");
#endif
  n = snprintf(label, sizeof(label), "sockref-test-%ld", (long)getpid());
  CHECK_OK(sr_socket_new(&l, AF_UNIX, SOCK_STREAM, 0));
  CHECK_OK(sr_address_abstract(&a, label, (size_t)n));
  CHECK_OK(sr_bind(l, &a));
  CHECK_OK(sr_listen(l, 1));
  CHECK_OK(sr_getsockname(l, &name));
  CHECK_EQ(name.is_abstract, 1);
  CHECK_EQ(name.path_len, (size_t)n);
  CHECK_MEM_EQ(name.path, label, (size_t)n);
  CHECK_OK(sr_socket_new(&c, AF_UNIX, SOCK_STREAM, 0));
  CHECK_OK(sr_connect(c, &a));
  CHECK_OK(sr_accept(l, &conn, NULL));
  sr_socket_free(conn);
  sr_socket_free(c);
  sr_socket_free(l);
}

/* ---- accept inheritance (the seed's "Timeouts and the accept method") */

typedef struct accepted_mode {
  double timeout;
  int nonblocking;
} accepted_mode;

static accepted_mode accept_with_listener_timeout(double listener_timeout) {
  sr_socket *l = NULL, *c = NULL, *conn = NULL;
  sr_address addr;
  accepted_mode m;

  l = tcp_listener(&addr, 1);
  CHECK_OK(sr_settimeout(l, listener_timeout));
  CHECK_OK(sr_socket_new(&c, AF_INET, SOCK_STREAM, 0));
  CHECK_OK(sr_settimeout(c, SR_TIMEOUT_NONE));
  CHECK_OK(sr_connect(c, &addr));
  /* The connection is queued; poll so that a non-blocking accept finds
   * it. */
  CHECK_EQ(sr_poll(l, SR_POLLIN, 5.0), SR_POLLIN);
  CHECK_OK(sr_accept(l, &conn, NULL));
  m.timeout = sr_gettimeout(conn);
  m.nonblocking = fd_nonblocking(conn);
  sr_socket_free(conn);
  sr_socket_free(c);
  sr_socket_free(l);
  return m;
}

static void test_accept_from_blocking_listener_is_blocking(void) {
  accepted_mode m = accept_with_listener_timeout(SR_TIMEOUT_NONE);

  CHECK(m.timeout == SR_TIMEOUT_NONE);
  CHECK_EQ(m.nonblocking, 0);
}

static void test_accept_from_timeout_listener_is_blocking(void) {
  accepted_mode m = accept_with_listener_timeout(5.0);

  CHECK(m.timeout == SR_TIMEOUT_NONE);
  CHECK_EQ(m.nonblocking, 0);
}

/* Non-blocking listener: OS-dependent; the object must agree with the
 * descriptor (Linux: blocking). */
static void test_accept_from_nonblocking_listener_follows_os(void) {
  accepted_mode m = accept_with_listener_timeout(0.0);

  CHECK(m.timeout == (m.nonblocking ? 0.0 : SR_TIMEOUT_NONE));
#ifdef __linux__
  CHECK_EQ(m.nonblocking, 0);
#endif
}

static void test_accept_takes_default_timeout(void) {
  accepted_mode m;

  CHECK_OK(sr_setdefaulttimeout(7.0));
  m = accept_with_listener_timeout(0.0);
  CHECK_OK(sr_setdefaulttimeout(SR_TIMEOUT_NONE));
  CHECK(m.timeout == 7.0);
  CHECK_EQ(m.nonblocking, 1);
}

static void test_nonblocking_accept_without_client(void) {
  sr_socket *l = NULL, *conn = NULL;
  sr_address addr;

  l = tcp_listener(&addr, 1);
  CHECK_OK(sr_setblocking(l, 0));
  CHECK_ERR(sr_accept(l, &conn, NULL), SR_EAGAIN);
  sr_socket_free(l);
}

static void test_listen_backlog_below_one(void) {
  sr_socket *l = NULL, *c = NULL, *conn = NULL;
  sr_address addr;

  /* Accepted and treated as 1: one connection can still queue. */
  l = tcp_listener(&addr, -5);
  CHECK_OK(sr_socket_new(&c, AF_INET, SOCK_STREAM, 0));
  CHECK_OK(sr_connect(c, &addr));
  CHECK_OK(sr_accept(l, &conn, NULL));
  sr_socket_free(conn);
  sr_socket_free(c);
  sr_socket_free(l);
}

static const check_test tests[] = {
  CHECK_TEST(test_ipv4_bind_listen_connect_accept),
  CHECK_TEST(test_ipv6_four_tuples),
  CHECK_TEST(test_ipv4_special_hosts),
  CHECK_TEST(test_hostname_is_resolved),
  CHECK_TEST(test_address_value_errors),
  CHECK_TEST(test_bind_errors),
  CHECK_TEST(test_connect_refused),
  CHECK_TEST(test_connect_ex_forms),
  CHECK_TEST(test_nonblocking_connect),
  CHECK_TEST(test_unconnected_errors),
  CHECK_TEST(test_unix_path_addresses),
  CHECK_TEST(test_unix_path_too_long),
  CHECK_TEST(test_unix_abstract_addresses),
  CHECK_TEST(test_accept_from_blocking_listener_is_blocking),
  CHECK_TEST(test_accept_from_timeout_listener_is_blocking),
  CHECK_TEST(test_accept_from_nonblocking_listener_follows_os),
  CHECK_TEST(test_accept_takes_default_timeout),
  CHECK_TEST(test_nonblocking_accept_without_client),
  CHECK_TEST(test_listen_backlog_below_one),
};

CHECK_MAIN(tests)
