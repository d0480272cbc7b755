/* test_timeout.c - timeout mode: never early, not much late, one deadline
 * per call (sendall included), EINTR does not end or restart the wait.
 * ctest-timeout: 180 */
#include <signal.h>
#include <stdlib.h>

#include "net_helpers.h"
#include "sockref/testing.h"

/* Run a call that must time out after `timeout` seconds; checks the
 * result and that the elapsed time, measured around the call, is at least
 * the timeout and within LATE_BOUND of it. */
#define CHECK_TIMES_OUT(call, timeout)                                     \
  do {                                                                     \
    double t0_ = sr_monotonic(), el_;                                      \
    CHECK_ERR((call), SR_ETIMEOUT_SOCK);                                   \
    el_ = sr_monotonic() - t0_;                                            \
    if (el_ < (timeout) || el_ > (timeout) + LATE_BOUND)                   \
      fprintf(stderr, "elapsed %.6f for timeout %.6f\n", el_,             \
              (double)(timeout));                                          \
    CHECK(el_ >= (timeout));                                               \
    CHECK(el_ <= (timeout) + LATE_BOUND);                                  \
  } while (0)

static void test_recv_times_out(void) {
  sr_socket *a = NULL, *b = NULL;
  sr_address from;
  char buf[8];

  CHECK_OK(sr_socketpair(&a, &b, AF_UNIX, SOCK_STREAM, 0));
  CHECK_OK(sr_settimeout(b, 0.3));
  CHECK_TIMES_OUT(sr_recv(b, buf, sizeof(buf), 0), 0.3);
  CHECK_TIMES_OUT(sr_recv_into(b, buf, sizeof(buf), 0, 0), 0.3);
  CHECK_TIMES_OUT(sr_recvfrom(b, buf, sizeof(buf), 0, &from), 0.3);
  /* The socket is still fine afterwards. */
  CHECK_EQ(sr_send(a, "late", 4, 0), 4);
  CHECK_EQ(sr_recv(b, buf, sizeof(buf), 0), 4);
  sr_socket_free(a);
  sr_socket_free(b);
}

/* Small timeouts: the wait is rounded up, never down, to milliseconds. */
static void test_small_timeouts_are_not_early(void) {
  static const double timeouts[] = { 0.0001, 0.001, 0.0015, 0.0101, 0.05 };
  sr_socket *a = NULL, *b = NULL;
  char buf[8];
  size_t i;

  CHECK_OK(sr_socketpair(&a, &b, AF_UNIX, SOCK_STREAM, 0));
  for (i = 0; i < sizeof(timeouts) / sizeof(timeouts[0]); i++) {
    CHECK_OK(sr_settimeout(b, timeouts[i]));
    CHECK_TIMES_OUT(sr_recv(b, buf, sizeof(buf), 0), timeouts[i]);
  }
  sr_socket_free(a);
  sr_socket_free(b);
}

static void test_accept_times_out(void) {
  sr_address addr;
  sr_socket *l = tcp_listener(&addr, 1), *conn = NULL;

  CHECK_OK(sr_settimeout(l, 0.25));
  CHECK_TIMES_OUT(sr_accept(l, &conn, NULL), 0.25);
  CHECK(conn == NULL);
  sr_socket_free(l);
}

/* Connect to a listener whose accept queue is full: Linux drops the SYN,
 * so the connection neither completes nor fails within the timeout. */
static void test_connect_times_out(void) {
  sr_address addr;
  sr_socket *l = tcp_listener(&addr, 1);
  sr_socket *clients[8] = { NULL };
  int i, r = 0, filled = -1;
  double t0, elapsed = 0.0;

  for (i = 0; i < 8; i++) {
    CHECK_OK(sr_socket_new(&clients[i], AF_INET, SOCK_STREAM, 0));
    CHECK_OK(sr_settimeout(clients[i], 0.4));
    t0 = sr_monotonic();
    r = sr_connect(clients[i], &addr);
    elapsed = sr_monotonic() - t0;
    if (r == SR_ETIMEOUT_SOCK) {
      filled = i;
      break;
    }
    CHECK_OK(r);
  }
  if (filled < 0)
    CHECK_SKIP("the listener's queue never filled up");
  CHECK(elapsed >= 0.4);
  CHECK(elapsed <= 0.4 + LATE_BOUND);
  /* connect_ex reports the timeout as EWOULDBLOCK, as CPython does. */
  {
    sr_socket *c = NULL;

    CHECK_OK(sr_socket_new(&c, AF_INET, SOCK_STREAM, 0));
    CHECK_OK(sr_settimeout(c, 0.2));
    t0 = sr_monotonic();
    CHECK_EQ(sr_connect_ex(c, &addr), EWOULDBLOCK);
    CHECK(sr_monotonic() - t0 >= 0.2);
    sr_socket_free(c);
  }
  for (i = 0; i < 8; i++)
    sr_socket_free(clients[i]);
  sr_socket_free(l);
}

static void test_send_times_out_when_peer_does_not_read(void) {
  sr_socket *a = NULL, *b = NULL;
  static char chunk[65536];
  int n, rounds = 0;

  CHECK_OK(sr_socketpair(&a, &b, AF_UNIX, SOCK_STREAM, 0));
  CHECK_OK(sr_settimeout(a, 0.2));
  /* Fill the buffers; the send that finds them full times out. */
  do {
    double t0 = sr_monotonic();

    n = sr_send(a, chunk, sizeof(chunk), 0);
    if (n == SR_ETIMEOUT_SOCK)
      CHECK(sr_monotonic() - t0 >= 0.2);
    rounds++;
  } while (n > 0 && rounds < 10000);
  CHECK_ERR(n, SR_ETIMEOUT_SOCK);
  CHECK_TIMES_OUT(sr_sendall(a, chunk, sizeof(chunk), 0), 0.2);
  sr_socket_free(a);
  sr_socket_free(b);
}

/* A reader that keeps taking a little data at a steady pace: every
 * partial send makes progress well within the timeout, so only one
 * deadline for the whole sendall can end it. */
typedef struct slow_reader {
  sr_socket *sock;
  volatile int stop;
  size_t total;
} slow_reader;

static void *slow_reader_thread(void *arg) {
  slow_reader *r = arg;
  char buf[16384];

  while (!r->stop) {
    int n = sr_recv(r->sock, buf, sizeof(buf), 0);

    if (n <= 0)
      break;
    r->total += (size_t)n;
    sleep_ms(20);
  }
  return NULL;
}

static void test_sendall_has_one_deadline(void) {
  sr_socket *a = NULL, *b = NULL;
  const size_t size = 64u << 20; /* far more than 1 s of slow reading */
  char *data = calloc(1, size);
  slow_reader r;
  pthread_t t;

  CHECK(data != NULL);
  CHECK_OK(sr_socketpair(&a, &b, AF_UNIX, SOCK_STREAM, 0));
  CHECK_OK(sr_settimeout(a, 1.0));
  CHECK_OK(sr_settimeout(b, 5.0));
  r.sock = b;
  r.stop = 0;
  r.total = 0;
  CHECK_EQ(pthread_create(&t, NULL, slow_reader_thread, &r), 0);
  CHECK_TIMES_OUT(sr_sendall(a, data, size, 0), 1.0);
  r.stop = 1;
  sr_socket_free(a); /* the reader sees EOF */
  CHECK_EQ(pthread_join(t, NULL), 0);
  /* The reader did take data: partial sends progressed. */
  CHECK(r.total > 0);
  sr_socket_free(b);
  free(data);
}

/* Data arriving within the timeout is returned, not a timeout. */
typedef struct delayed_send {
  sr_socket *sock;
  int delay_ms;
} delayed_send;

static void *delayed_send_thread(void *arg) {
  delayed_send *d = arg;

  sleep_ms(d->delay_ms);
  sr_send(d->sock, "ok", 2, 0);
  return NULL;
}

static void test_data_within_timeout(void) {
  sr_socket *a = NULL, *b = NULL;
  delayed_send d;
  pthread_t t;
  char buf[4];

  CHECK_OK(sr_socketpair(&a, &b, AF_UNIX, SOCK_STREAM, 0));
  CHECK_OK(sr_settimeout(b, 10.0));
  d.sock = a;
  d.delay_ms = 100;
  CHECK_EQ(pthread_create(&t, NULL, delayed_send_thread, &d), 0);
  CHECK_EQ(sr_recv(b, buf, sizeof(buf), 0), 2);
  CHECK_EQ(pthread_join(t, NULL), 0);
  sr_socket_free(a);
  sr_socket_free(b);
}

/* Signals interrupt poll(); the loop must keep waiting with the time that
 * is left (neither EINTR nor an early or restarted timeout). */
static void on_signal(int sig) { (void)sig; }

typedef struct signaller {
  pthread_t target;
  int count;
} signaller;

static void *signaller_thread(void *arg) {
  signaller *s = arg;
  int i;

  for (i = 0; i < s->count; i++) {
    sleep_ms(50);
    pthread_kill(s->target, SIGUSR1);
  }
  return NULL;
}

static void test_eintr_keeps_the_deadline(void) {
  struct sigaction sa, old;
  sr_socket *a = NULL, *b = NULL;
  signaller sig;
  pthread_t t;
  char buf[4];
  double t0, elapsed;

  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_signal; /* no SA_RESTART: poll() sees EINTR */
  CHECK_EQ(sigaction(SIGUSR1, &sa, &old), 0);
  CHECK_OK(sr_socketpair(&a, &b, AF_UNIX, SOCK_STREAM, 0));
  CHECK_OK(sr_settimeout(b, 0.5));
  sig.target = pthread_self();
  /* Signals every 50 ms for 2.5 s: a wait that restarted its timeout on
   * each EINTR could not end before about 3 s. */
  sig.count = 50;
  CHECK_EQ(pthread_create(&t, NULL, signaller_thread, &sig), 0);
  t0 = sr_monotonic();
  CHECK_ERR(sr_recv(b, buf, sizeof(buf), 0), SR_ETIMEOUT_SOCK);
  elapsed = sr_monotonic() - t0;
  CHECK_EQ(pthread_join(t, NULL), 0);
  CHECK(elapsed >= 0.5);
  CHECK(elapsed <= 0.5 + 2.0);
  sigaction(SIGUSR1, &old, NULL);
  sr_socket_free(a);
  sr_socket_free(b);
}

/* Blocking mode: a signal does not end a recv either. */
static void test_eintr_in_blocking_mode(void) {
  struct sigaction sa, old;
  sr_socket *a = NULL, *b = NULL;
  signaller sig;
  delayed_send d;
  pthread_t t1, t2;
  char buf[4];

  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_signal;
  CHECK_EQ(sigaction(SIGUSR1, &sa, &old), 0);
  CHECK_OK(sr_socketpair(&a, &b, AF_UNIX, SOCK_STREAM, 0));
  sig.target = pthread_self();
  sig.count = 3;
  d.sock = a;
  d.delay_ms = 300; /* after the signals */
  CHECK_EQ(pthread_create(&t1, NULL, signaller_thread, &sig), 0);
  CHECK_EQ(pthread_create(&t2, NULL, delayed_send_thread, &d), 0);
  CHECK_EQ(sr_recv(b, buf, sizeof(buf), 0), 2);
  CHECK_EQ(pthread_join(t1, NULL), 0);
  CHECK_EQ(pthread_join(t2, NULL), 0);
  sigaction(SIGUSR1, &old, NULL);
  sr_socket_free(a);
  sr_socket_free(b);
}

static void test_poll_timeout_not_early(void) {
  sr_socket *a = NULL, *b = NULL;
  double t0;

  CHECK_OK(sr_socketpair(&a, &b, AF_UNIX, SOCK_STREAM, 0));
  t0 = sr_monotonic();
  CHECK_EQ(sr_poll(b, SR_POLLIN, 0.2), 0);
  CHECK(sr_monotonic() - t0 >= 0.2);
  sr_socket_free(a);
  sr_socket_free(b);
}

static const check_test tests[] = {
  CHECK_TEST(test_recv_times_out),
  CHECK_TEST(test_small_timeouts_are_not_early),
  CHECK_TEST(test_accept_times_out),
  CHECK_TEST(test_connect_times_out),
  CHECK_TEST(test_send_times_out_when_peer_does_not_read),
  CHECK_TEST(test_sendall_has_one_deadline),
  CHECK_TEST(test_data_within_timeout),
  CHECK_TEST(test_eintr_keeps_the_deadline),
  CHECK_TEST(test_eintr_in_blocking_mode),
  CHECK_TEST(test_poll_timeout_not_early),
};

CHECK_MAIN(tests)
