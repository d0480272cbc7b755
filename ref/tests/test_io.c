/* test_io.c - send, recv and their variants, sendall, shutdown, options. */
#include <stdlib.h>

#include "net_helpers.h"

static void test_send_recv_stream(void) {
  sr_socket *c = NULL, *s = NULL;
  char buf[64];

  tcp_pair(&c, &s);
  CHECK_EQ(sr_send(c, "hello", 5, 0), 5);
  CHECK_EQ(sr_recv(s, buf, sizeof(buf), 0), 5);
  CHECK_MEM_EQ(buf, "hello", 5);
  /* bufsize limits one recv; the rest stays queued. */
  CHECK_EQ(sr_send(c, "abcdef", 6, 0), 6);
  CHECK_EQ(sr_recv(s, buf, 2, 0), 2);
  CHECK_MEM_EQ(buf, "ab", 2);
  /* MSG_PEEK leaves data in place. */
  CHECK_EQ(sr_recv(s, buf, 2, MSG_PEEK), 2);
  CHECK_MEM_EQ(buf, "cd", 2);
  CHECK_EQ(sr_recv(s, buf, sizeof(buf), 0), 4);
  CHECK_MEM_EQ(buf, "cdef", 4);
  /* EOF is a zero-length result. */
  CHECK_OK(sr_shutdown(c, SHUT_WR));
  CHECK_EQ(sr_recv(s, buf, sizeof(buf), 0), 0);
  sr_socket_free(c);
  sr_socket_free(s);
}

static void test_recv_into_nbytes(void) {
  sr_socket *c = NULL, *s = NULL;
  char buf[8];

  tcp_pair(&c, &s);
  CHECK_EQ(sr_send(c, "0123456789", 10, 0), 10);
  /* nbytes 0: the whole buffer. */
  memset(buf, '.', sizeof(buf));
  CHECK_EQ(sr_recv_into(s, buf, sizeof(buf), 0, 0), 8);
  CHECK_MEM_EQ(buf, "01234567", 8);
  /* nbytes limits the receive. */
  memset(buf, '.', sizeof(buf));
  CHECK_EQ(sr_recv_into(s, buf, sizeof(buf), 1, 0), 1);
  CHECK_MEM_EQ(buf, "8.......", 8);
  /* Errors before any system call; the data stay queued. */
  CHECK_ERR(sr_recv_into(s, buf, sizeof(buf), 9, 0), SR_EVALUE);
  CHECK_STR_EQ(sr_last_detail(), "buffer too small for requested bytes");
  CHECK_ERR(sr_recv_into(s, buf, sizeof(buf), -1, 0), SR_EVALUE);
  CHECK_STR_EQ(sr_last_detail(), "negative buffersize in recv_into");
  CHECK_EQ(sr_recv_into(s, buf, sizeof(buf), 8, 0), 1);
  CHECK_EQ(buf[0], '9');
  sr_socket_free(c);
  sr_socket_free(s);
}

static sr_socket *udp_bound(sr_address *addr) {
  sr_socket *u = NULL;
  sr_address any;

  CHECK_OK(sr_socket_new(&u, AF_INET, SOCK_DGRAM, 0));
  CHECK_OK(sr_address_inet(&any, "127.0.0.1", 0));
  CHECK_OK(sr_bind(u, &any));
  CHECK_OK(sr_getsockname(u, addr));
  return u;
}

static void test_udp_sendto_recvfrom(void) {
  sr_address aaddr, baddr, from;
  sr_socket *a = udp_bound(&aaddr), *b = udp_bound(&baddr);
  char buf[32];

  CHECK_EQ(sr_sendto(a, "datagram", 8, 0, &baddr), 8);
  CHECK_EQ(sr_recvfrom(b, buf, sizeof(buf), 0, &from), 8);
  CHECK_MEM_EQ(buf, "datagram", 8);
  CHECK_EQ(from.family, AF_INET);
  CHECK_STR_EQ(from.host, "127.0.0.1");
  CHECK_EQ(from.port, aaddr.port);
  /* recvfrom_into with nbytes: a datagram larger than nbytes is cut. */
  CHECK_EQ(sr_sendto(b, "0123456789", 10, 0, &aaddr), 10);
  memset(buf, 0, sizeof(buf));
  CHECK_EQ(sr_recvfrom_into(a, buf, sizeof(buf), 4, 0, &from), 4);
  CHECK_MEM_EQ(buf, "0123", 4);
  CHECK_EQ(from.port, baddr.port);
  CHECK_ERR(sr_recvfrom_into(a, buf, 4, 5, 0, &from), SR_EVALUE);
  CHECK_ERR(sr_recvfrom_into(a, buf, 4, -2, 0, &from), SR_EVALUE);
  CHECK_STR_EQ(sr_last_detail(), "negative buffersize in recvfrom_into");
  /* sendto's address is checked like any other. */
  baddr.port = 65536;
  CHECK_ERR(sr_sendto(a, "x", 1, 0, &baddr), SR_EOVERFLOW_VALUE);
  sr_socket_free(a);
  sr_socket_free(b);
}

/* A connected UDP socket refuses datagrams to a closed port. */
static void test_udp_connected_refused(void) {
  sr_address addr, gone;
  sr_socket *a = udp_bound(&addr), *b = udp_bound(&gone);
  char buf[4];

  sr_socket_free(b);
  CHECK_OK(sr_connect(a, &gone));
  CHECK_EQ(sr_send(a, "x", 1, 0), 1);
  CHECK_OK(sr_settimeout(a, 5.0));
  CHECK_ERR(sr_recv(a, buf, sizeof(buf), 0), SR_ECONNREFUSED);
  sr_socket_free(a);
}

static void test_recvfrom_on_stream(void) {
  sr_socket *c = NULL, *s = NULL;
  sr_address from;
  char buf[8];

  tcp_pair(&c, &s);
  CHECK_EQ(sr_send(c, "xy", 2, 0), 2);
  CHECK_EQ(sr_recvfrom(s, buf, sizeof(buf), 0, &from), 2);
  /* A connected stream socket may or may not report the peer. */
  CHECK(from.family == AF_UNSPEC || from.family == AF_INET);
  sr_socket_free(c);
  sr_socket_free(s);
}

typedef struct drain_job {
  sr_socket *sock;
  size_t total;
  unsigned long sum;
  int err;
} drain_job;

static void *drain_thread(void *arg) {
  drain_job *job = arg;
  char buf[65536];

  for (;;) {
    int n = sr_recv(job->sock, buf, sizeof(buf), 0);
    int i;

    if (n <= 0) {
      job->err = n;
      return NULL;
    }
    for (i = 0; i < n; i++)
      job->sum += (unsigned char)buf[i];
    job->total += (size_t)n;
  }
}

static void sendall_and_drain(double timeout) {
  sr_socket *c = NULL, *s = NULL;
  const size_t size = 8u << 20;
  unsigned char *data = malloc(size);
  unsigned long sum = 0;
  drain_job job;
  pthread_t t;
  size_t i;

  CHECK(data != NULL);
  for (i = 0; i < size; i++) {
    data[i] = (unsigned char)(i % 251);
    sum += data[i];
  }
  tcp_pair(&c, &s);
  CHECK_OK(sr_settimeout(c, timeout));
  memset(&job, 0, sizeof(job));
  job.sock = s;
  CHECK_EQ(pthread_create(&t, NULL, drain_thread, &job), 0);
  CHECK_OK(sr_sendall(c, data, size, 0));
  CHECK_OK(sr_shutdown(c, SHUT_WR));
  CHECK_EQ(pthread_join(t, NULL), 0);
  CHECK_EQ(job.err, 0);
  CHECK_EQ(job.total, size);
  CHECK_EQ(job.sum, sum);
  free(data);
  sr_socket_free(c);
  sr_socket_free(s);
}

static void test_sendall_several_mib_blocking(void) {
  sendall_and_drain(SR_TIMEOUT_NONE);
}

static void test_sendall_several_mib_timeout_mode(void) {
  sendall_and_drain(30.0);
}

static void test_nonblocking_recv_eagain(void) {
  sr_socket *a = NULL, *b = NULL;
  char buf[4];

  CHECK_OK(sr_socketpair(&a, &b, AF_UNIX, SOCK_STREAM, 0));
  CHECK_OK(sr_setblocking(b, 0));
  CHECK_ERR(sr_recv(b, buf, sizeof(buf), 0), SR_EAGAIN);
  CHECK_ERR(sr_recv_into(b, buf, sizeof(buf), 0, 0), SR_EAGAIN);
  sr_socket_free(a);
  sr_socket_free(b);
}

/* Non-blocking send into a full buffer: EAGAIN; send returns a partial
 * count first. */
static void test_nonblocking_send_fills_up(void) {
  sr_socket *a = NULL, *b = NULL;
  static char chunk[65536];
  int n, rounds = 0;

  CHECK_OK(sr_socketpair(&a, &b, AF_UNIX, SOCK_STREAM, 0));
  CHECK_OK(sr_setblocking(a, 0));
  do {
    n = sr_send(a, chunk, sizeof(chunk), 0);
    rounds++;
  } while (n > 0 && rounds < 10000);
  CHECK_ERR(n, SR_EAGAIN);
  CHECK_ERR(sr_sendall(a, chunk, sizeof(chunk), 0), SR_EAGAIN);
  sr_socket_free(a);
  sr_socket_free(b);
}

static void test_shutdown_directions(void) {
  sr_socket *c = NULL, *s = NULL;
  char buf[8];

  tcp_pair(&c, &s);
  CHECK_OK(sr_shutdown(c, SHUT_WR));
  CHECK_ERR(sr_send(c, "x", 1, 0), SR_EPIPE);
  /* The other direction still works. */
  CHECK_EQ(sr_send(s, "back", 4, 0), 4);
  CHECK_EQ(sr_recv(c, buf, sizeof(buf), 0), 4);
  CHECK_EQ(sr_recv(s, buf, sizeof(buf), 0), 0);
  CHECK_ERR(sr_shutdown(c, 99), SR_EINVAL);
  sr_socket_free(c);
  sr_socket_free(s);
}

static void test_peer_reset(void) {
  sr_socket *c = NULL, *s = NULL;
  struct linger lg;
  char buf[8];

  tcp_pair(&c, &s);
  lg.l_onoff = 1;
  lg.l_linger = 0;
  /* SO_LINGER 0 makes close() send RST. */
  CHECK_OK(sr_setsockopt_buf(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
  CHECK_OK(sr_close(s));
  CHECK_OK(sr_settimeout(c, 5.0));
  CHECK_ERR(sr_recv(c, buf, sizeof(buf), 0), SR_ECONNRESET);
  sr_socket_free(c);
  sr_socket_free(s);
}

static void test_sockopt_int_form(void) {
  sr_socket *s = NULL;
  int v = -1;

  CHECK_OK(sr_socket_new(&s, AF_INET, SOCK_STREAM, 0));
  CHECK_OK(sr_getsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v));
  CHECK_EQ(v, 0);
  CHECK_OK(sr_setsockopt(s, SOL_SOCKET, SO_REUSEADDR, 1));
  CHECK_OK(sr_getsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v));
  CHECK(v != 0);
  CHECK_OK(sr_getsockopt(s, SOL_SOCKET, SO_TYPE, &v));
  CHECK_EQ(v, SOCK_STREAM);
  CHECK_OK(sr_setsockopt(s, IPPROTO_TCP, TCP_NODELAY, 1));
  CHECK_OK(sr_getsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v));
  CHECK(v != 0);
  CHECK_ERR(sr_getsockopt(s, SOL_SOCKET, 9999, &v), SR_ENOPROTOOPT);
  CHECK_ERR(sr_setsockopt(s, 9999, 1, 1), SR_ENOPROTOOPT);
  sr_socket_free(s);
}

static void test_sockopt_buffer_form(void) {
  sr_socket *s = NULL;
  struct linger in, out;
  unsigned char buf[1025];
  int n;

  CHECK_OK(sr_socket_new(&s, AF_INET, SOCK_STREAM, 0));
  in.l_onoff = 1;
  in.l_linger = 7;
  CHECK_OK(sr_setsockopt_buf(s, SOL_SOCKET, SO_LINGER, &in, sizeof(in)));
  n = sr_getsockopt_buf(s, SOL_SOCKET, SO_LINGER, &out, sizeof(out));
  CHECK_EQ(n, sizeof(out));
  CHECK(out.l_onoff != 0);
  CHECK_EQ(out.l_linger, 7);
  /* A larger buffer gets only the option's size. */
  n = sr_getsockopt_buf(s, SOL_SOCKET, SO_REUSEADDR, buf, 64);
  CHECK_EQ(n, sizeof(int));
  /* buflen bounds, as the seed's implementation checks them. */
  CHECK_ERR(sr_getsockopt_buf(s, SOL_SOCKET, SO_LINGER, buf, 0),
            SR_ESOCKET_MSG);
  CHECK_ERR(sr_getsockopt_buf(s, SOL_SOCKET, SO_LINGER, buf, 1025),
            SR_ESOCKET_MSG);
  CHECK_OK(sr_getsockopt_buf(s, SOL_SOCKET, SO_LINGER, buf, 1024));
  /* A buffer too short for the option: EINVAL from the OS. */
  CHECK_ERR(sr_setsockopt_buf(s, SOL_SOCKET, SO_LINGER, &in, 1), SR_EINVAL);
  sr_socket_free(s);
}

static const check_test tests[] = {
  CHECK_TEST(test_send_recv_stream),
  CHECK_TEST(test_recv_into_nbytes),
  CHECK_TEST(test_udp_sendto_recvfrom),
  CHECK_TEST(test_udp_connected_refused),
  CHECK_TEST(test_recvfrom_on_stream),
  CHECK_TEST(test_sendall_several_mib_blocking),
  CHECK_TEST(test_sendall_several_mib_timeout_mode),
  CHECK_TEST(test_nonblocking_recv_eagain),
  CHECK_TEST(test_nonblocking_send_fills_up),
  CHECK_TEST(test_shutdown_directions),
  CHECK_TEST(test_peer_reset),
  CHECK_TEST(test_sockopt_int_form),
  CHECK_TEST(test_sockopt_buffer_form),
};

CHECK_MAIN(tests)
