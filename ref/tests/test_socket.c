/* test_socket.c - the socket object: creation, attributes, modes, close,
 * detach, fileno, socketpair, the default timeout. */
#include <math.h>

#include "net_helpers.h"
#include "sockref/testing.h"

static void test_new_socket_defaults(void) {
  sr_socket *s = NULL;

  CHECK_OK(sr_socket_new(&s, AF_INET, SOCK_STREAM, 0));
  CHECK_EQ(sr_socket_family(s), AF_INET);
  CHECK_EQ(sr_socket_type(s), SOCK_STREAM);
  CHECK_EQ(sr_socket_proto(s), 0);
  CHECK(sr_gettimeout(s) == SR_TIMEOUT_NONE);
  CHECK(sr_fileno(s) >= 0);
  CHECK_EQ(fd_nonblocking(s), 0);
  sr_socket_free(s);
}

static void test_attributes_of_other_kinds(void) {
  sr_socket *s = NULL;

  CHECK_OK(sr_socket_new(&s, AF_INET6, SOCK_DGRAM, IPPROTO_UDP));
  CHECK_EQ(sr_socket_family(s), AF_INET6);
  CHECK_EQ(sr_socket_type(s), SOCK_DGRAM);
  CHECK_EQ(sr_socket_proto(s), IPPROTO_UDP);
  sr_socket_free(s);
  CHECK_OK(sr_socket_new(&s, AF_UNIX, SOCK_STREAM, 0));
  CHECK_EQ(sr_socket_family(s), AF_UNIX);
  sr_socket_free(s);
}

static void test_creation_errors(void) {
  sr_socket *s = NULL;

  CHECK_ERR(sr_socket_new(&s, 12345, SOCK_STREAM, 0), SR_EAFNOSUPPORT);
  CHECK_ERR(sr_socket_new(&s, AF_INET, 12345, 0), SR_EINVAL);
  CHECK_ERR(sr_socket_new(&s, AF_INET, SOCK_STREAM, IPPROTO_UDP),
            SR_EPROTONOSUPPORT);
}

/* SOCK_NONBLOCK: non-blocking mode, flag stripped from the attribute. */
static void test_type_flags(void) {
  sr_socket *s = NULL;
  int nonblocking, cloexec;

  if (SR_SOCK_NONBLOCK == 0)
    CHECK_SKIP("no SOCK_NONBLOCK here");
  CHECK_OK(sr_socket_new(&s, AF_INET, SOCK_STREAM | SR_SOCK_NONBLOCK, 0));
  CHECK_EQ(sr_socket_type(s), SOCK_STREAM);
  CHECK(sr_gettimeout(s) == 0.0);
  CHECK_EQ(fd_nonblocking(s), 1);
  CHECK_OK(sr_fdflags(s, &nonblocking, &cloexec));
  CHECK_EQ(nonblocking, 1);
  CHECK_EQ(cloexec, 0);
  sr_socket_free(s);
  CHECK_OK(sr_socket_new(&s, AF_INET, SOCK_DGRAM | SR_SOCK_CLOEXEC, 0));
  CHECK_EQ(sr_socket_type(s), SOCK_DGRAM);
  CHECK(sr_gettimeout(s) == SR_TIMEOUT_NONE);
  CHECK_OK(sr_fdflags(s, &nonblocking, &cloexec));
  CHECK_EQ(nonblocking, 0);
  CHECK_EQ(cloexec, 1);
  sr_socket_free(s);
}

/* Timeout and non-blocking modes set O_NONBLOCK; blocking clears it. */
static void test_modes_are_visible_on_the_descriptor(void) {
  sr_socket *s = NULL;

  CHECK_OK(sr_socket_new(&s, AF_INET, SOCK_STREAM, 0));
  CHECK_OK(sr_settimeout(s, 2.5));
  CHECK(sr_gettimeout(s) == 2.5);
  CHECK_EQ(fd_nonblocking(s), 1);
  CHECK_OK(sr_settimeout(s, 0.0));
  CHECK(sr_gettimeout(s) == 0.0);
  CHECK_EQ(fd_nonblocking(s), 1);
  CHECK_OK(sr_settimeout(s, SR_TIMEOUT_NONE));
  CHECK(sr_gettimeout(s) == SR_TIMEOUT_NONE);
  CHECK_EQ(fd_nonblocking(s), 0);
  sr_socket_free(s);
}

static void test_setblocking_equivalences(void) {
  sr_socket *s = NULL;

  CHECK_OK(sr_socket_new(&s, AF_INET, SOCK_STREAM, 0));
  CHECK_OK(sr_settimeout(s, 1.0));
  CHECK_OK(sr_setblocking(s, 0));
  CHECK(sr_gettimeout(s) == 0.0);
  CHECK_EQ(fd_nonblocking(s), 1);
  CHECK_OK(sr_setblocking(s, 1));
  CHECK(sr_gettimeout(s) == SR_TIMEOUT_NONE);
  CHECK_EQ(fd_nonblocking(s), 0);
  sr_socket_free(s);
}

static void test_settimeout_value_errors(void) {
  sr_socket *s = NULL;

  CHECK_OK(sr_socket_new(&s, AF_INET, SOCK_STREAM, 0));
  CHECK_OK(sr_settimeout(s, 3.0));
  CHECK_ERR(sr_settimeout(s, -0.5), SR_EVALUE);
  CHECK_ERR(sr_settimeout(s, -2.0), SR_EVALUE);
  CHECK_ERR(sr_settimeout(s, NAN), SR_EVALUE);
  CHECK_ERR(sr_settimeout(s, INFINITY), SR_EOVERFLOW_VALUE);
  CHECK_ERR(sr_settimeout(s, 1e300), SR_EOVERFLOW_VALUE);
  /* A rejected value changes nothing. */
  CHECK(sr_gettimeout(s) == 3.0);
  CHECK_EQ(fd_nonblocking(s), 1);
  sr_socket_free(s);
}

static void test_default_timeout(void) {
  sr_socket *s = NULL, *a = NULL, *b = NULL;

  CHECK(sr_getdefaulttimeout() == SR_TIMEOUT_NONE);
  CHECK_ERR(sr_setdefaulttimeout(-3.0), SR_EVALUE);
  CHECK(sr_getdefaulttimeout() == SR_TIMEOUT_NONE);
  CHECK_OK(sr_setdefaulttimeout(4.5));
  CHECK(sr_getdefaulttimeout() == 4.5);
  CHECK_OK(sr_socket_new(&s, AF_INET, SOCK_STREAM, 0));
  CHECK(sr_gettimeout(s) == 4.5);
  CHECK_EQ(fd_nonblocking(s), 1);
  CHECK_OK(sr_socketpair(&a, &b, AF_UNIX, SOCK_STREAM, 0));
  CHECK(sr_gettimeout(a) == 4.5);
  CHECK(sr_gettimeout(b) == 4.5);
  CHECK_OK(sr_setdefaulttimeout(SR_TIMEOUT_NONE));
  /* Existing sockets keep their timeout. */
  CHECK(sr_gettimeout(s) == 4.5);
  sr_socket_free(s);
  sr_socket_free(a);
  sr_socket_free(b);
  CHECK_OK(sr_socket_new(&s, AF_INET, SOCK_STREAM, 0));
  CHECK(sr_gettimeout(s) == SR_TIMEOUT_NONE);
  sr_socket_free(s);
}

static void test_close_is_idempotent_and_later_use_is_ebadf(void) {
  sr_socket *s = NULL;
  sr_address a;
  char buf[4];
  int v;

  CHECK_OK(sr_socket_new(&s, AF_INET, SOCK_STREAM, 0));
  CHECK_OK(sr_close(s));
  CHECK_OK(sr_close(s));
  CHECK(sr_fileno(s) == SR_INVALID_SOCK);
  CHECK_OK(sr_address_inet(&a, "127.0.0.1", 0));
  CHECK_ERR(sr_bind(s, &a), SR_EBADF);
  CHECK_ERR(sr_listen(s, 1), SR_EBADF);
  CHECK_ERR(sr_connect(s, &a), SR_EBADF);
  CHECK_EQ(sr_connect_ex(s, &a), EBADF);
  CHECK_ERR(sr_getsockname(s, &a), SR_EBADF);
  CHECK_ERR(sr_getpeername(s, &a), SR_EBADF);
  CHECK_ERR(sr_recv(s, buf, sizeof(buf), 0), SR_EBADF);
  CHECK_ERR(sr_send(s, "x", 1, 0), SR_EBADF);
  CHECK_ERR(sr_sendall(s, "x", 1, 0), SR_EBADF);
  CHECK_ERR(sr_sendto(s, "x", 1, 0, &a), SR_EBADF);
  CHECK_ERR(sr_getsockopt(s, SOL_SOCKET, SO_TYPE, &v), SR_EBADF);
  CHECK_ERR(sr_setsockopt(s, SOL_SOCKET, SO_REUSEADDR, 1), SR_EBADF);
  CHECK_ERR(sr_shutdown(s, SHUT_RDWR), SR_EBADF);
  CHECK_ERR(sr_settimeout(s, 1.0), SR_EBADF);
  CHECK_ERR(sr_setblocking(s, 0), SR_EBADF);
  CHECK_ERR(sr_poll(s, SR_POLLIN, 0.0), SR_EBADF);
  CHECK(sr_detach(s) == SR_INVALID_SOCK);
  /* The attributes stay readable. */
  CHECK_EQ(sr_socket_family(s), AF_INET);
  CHECK(sr_gettimeout(s) == SR_TIMEOUT_NONE);
  sr_socket_free(s);
}

/* close() really releases the descriptor. */
static void test_close_releases_descriptor(void) {
  sr_socket *s = NULL;
  sr_sock_t fd;

  CHECK_OK(sr_socket_new(&s, AF_INET, SOCK_STREAM, 0));
  fd = sr_fileno(s);
  CHECK_OK(sr_close(s));
  CHECK(fcntl(fd, F_GETFD) == -1);
  CHECK_EQ(errno, EBADF);
  sr_socket_free(s);
}

static void test_detach_keeps_descriptor_open(void) {
  sr_socket *s = NULL, *again = NULL;
  sr_sock_t fd, fd2;
  int type;

  CHECK_OK(sr_socket_new(&s, AF_INET, SOCK_DGRAM, 0));
  fd = sr_fileno(s);
  fd2 = sr_detach(s);
  CHECK_EQ(fd2, fd);
  CHECK(sr_fileno(s) == SR_INVALID_SOCK);
  CHECK_ERR(sr_getsockopt(s, SOL_SOCKET, SO_TYPE, &type), SR_EBADF);
  sr_socket_free(s); /* must not close fd */
  CHECK(fcntl(fd, F_GETFD) != -1);
  /* The descriptor is usable by someone else. */
  CHECK_OK(sr_fromfd(&again, fd, AF_INET, SOCK_DGRAM, 0));
  CHECK_OK(sr_getsockopt(again, SOL_SOCKET, SO_TYPE, &type));
  CHECK_EQ(type, SOCK_DGRAM);
  sr_socket_free(again);
  close(fd);
}

static void test_socketpair_is_connected(void) {
  sr_socket *a = NULL, *b = NULL;
  char buf[16];

  CHECK_OK(sr_socketpair(&a, &b, AF_UNIX, SOCK_STREAM, 0));
  CHECK_EQ(sr_socket_family(a), AF_UNIX);
  CHECK_EQ(sr_socket_type(b), SOCK_STREAM);
  CHECK_EQ(sr_send(a, "ping", 4, 0), 4);
  CHECK_EQ(sr_recv(b, buf, sizeof(buf), 0), 4);
  CHECK_MEM_EQ(buf, "ping", 4);
  CHECK_EQ(sr_send(b, "pong!", 5, 0), 5);
  CHECK_EQ(sr_recv(a, buf, sizeof(buf), 0), 5);
  CHECK_MEM_EQ(buf, "pong!", 5);
  sr_socket_free(a);
  sr_socket_free(b);
  CHECK_OK(sr_socketpair(&a, &b, AF_UNIX, SOCK_DGRAM, 0));
  CHECK_EQ(sr_socket_type(a), SOCK_DGRAM);
  sr_socket_free(a);
  sr_socket_free(b);
  CHECK_ERR(sr_socketpair(&a, &b, AF_INET, SOCK_STREAM, 0), SR_EOPNOTSUPP);
}

/* fileno() is the descriptor the OS knows: using it directly works. */
static void test_fileno_is_the_descriptor(void) {
  sr_socket *a = NULL, *b = NULL;
  char buf[8];

  CHECK_OK(sr_socketpair(&a, &b, AF_UNIX, SOCK_STREAM, 0));
  CHECK_EQ(write(sr_fileno(a), "abc", 3), 3);
  CHECK_EQ(sr_recv(b, buf, sizeof(buf), 0), 3);
  CHECK_MEM_EQ(buf, "abc", 3);
  sr_socket_free(a);
  sr_socket_free(b);
}

static void test_poll_reports_readiness(void) {
  sr_socket *a = NULL, *b = NULL;

  CHECK_OK(sr_socketpair(&a, &b, AF_UNIX, SOCK_STREAM, 0));
  CHECK_EQ(sr_poll(b, SR_POLLIN, 0.0), 0);
  CHECK_EQ(sr_poll(b, SR_POLLOUT, 0.0), SR_POLLOUT);
  CHECK_EQ(sr_send(a, "x", 1, 0), 1);
  CHECK_EQ(sr_poll(b, SR_POLLIN | SR_POLLOUT, 1.0), SR_POLLIN | SR_POLLOUT);
  CHECK_ERR(sr_poll(b, SR_POLLIN, -4.0), SR_EVALUE);
  sr_socket_free(a);
  sr_socket_free(b);
}

static void test_ioctl_is_unsupported_on_posix(void) {
  sr_socket *s = NULL;
  unsigned int on = 1;

  CHECK_OK(sr_socket_new(&s, AF_INET, SOCK_STREAM, 0));
  CHECK_ERR(sr_ioctl(s, 0x98000001UL, &on, sizeof(on)), SR_EUNSUPPORTED);
  sr_socket_free(s);
}

static void test_free_null_is_harmless(void) {
  sr_socket_free(NULL);
  CHECK_OK(sr_close(NULL));
}

static const check_test tests[] = {
  CHECK_TEST(test_new_socket_defaults),
  CHECK_TEST(test_attributes_of_other_kinds),
  CHECK_TEST(test_creation_errors),
  CHECK_TEST(test_type_flags),
  CHECK_TEST(test_modes_are_visible_on_the_descriptor),
  CHECK_TEST(test_setblocking_equivalences),
  CHECK_TEST(test_settimeout_value_errors),
  CHECK_TEST(test_default_timeout),
  CHECK_TEST(test_close_is_idempotent_and_later_use_is_ebadf),
  CHECK_TEST(test_close_releases_descriptor),
  CHECK_TEST(test_detach_keeps_descriptor_open),
  CHECK_TEST(test_socketpair_is_connected),
  CHECK_TEST(test_fileno_is_the_descriptor),
  CHECK_TEST(test_poll_reports_readiness),
  CHECK_TEST(test_ioctl_is_unsupported_on_posix),
  CHECK_TEST(test_free_null_is_harmless),
};

CHECK_MAIN(tests)
