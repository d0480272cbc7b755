/* test_makefile.c - makefile(): modes, buffering, read/readline/write/
 * flush/close and how the file and the socket share the descriptor. */
#include <stdlib.h>

#include "net_helpers.h"

static void read_expect(sr_file *f, long long size, const char *want) {
  char *data = NULL;
  size_t len = 0;

  CHECK_OK(sr_file_read(f, size, &data, &len));
  CHECK_EQ(len, strlen(want));
  CHECK_MEM_EQ(data, want, len);
  sr_free(data);
}

static void readline_expect(sr_file *f, long long limit, const char *want) {
  char *data = NULL;
  size_t len = 0;

  CHECK_OK(sr_file_readline(f, limit, &data, &len));
  CHECK_EQ(len, strlen(want));
  CHECK_MEM_EQ(data, want, len);
  sr_free(data);
}

static void test_mode_and_buffering_errors(void) {
  sr_socket *a = NULL, *b = NULL;
  sr_file *f = NULL;

  CHECK_OK(sr_socketpair(&a, &b, AF_UNIX, SOCK_STREAM, 0));
  CHECK_ERR(sr_makefile(a, &f, "rx", -1), SR_EVALUE);
  CHECK_ERR(sr_makefile(a, &f, "b", -1), SR_EVALUE);
  CHECK_ERR(sr_makefile(a, &f, "", -1), SR_EVALUE);
  CHECK_ERR(sr_makefile(a, &f, "r", 0), SR_EVALUE);
  CHECK_STR_EQ(sr_last_detail(), "unbuffered streams must be binary");
  CHECK_OK(sr_makefile(a, &f, "rb", 0));
  sr_file_free(f);
  CHECK_OK(sr_close(a));
  CHECK_ERR(sr_makefile(a, &f, "r", -1), SR_EBADF);
  sr_socket_free(a);
  sr_socket_free(b);
}

static void test_read_sizes_and_eof(void) {
  sr_socket *a = NULL, *b = NULL;
  sr_file *f = NULL;

  CHECK_OK(sr_socketpair(&a, &b, AF_UNIX, SOCK_STREAM, 0));
  CHECK_OK(sr_makefile(b, &f, "rb", -1));
  CHECK_OK(sr_sendall(a, "hello world, and more", 21, 0));
  read_expect(f, 5, "hello");
  read_expect(f, 7, " world,");
  CHECK_OK(sr_shutdown(a, SHUT_WR));
  /* size < 0: everything up to EOF. */
  read_expect(f, -1, " and more");
  read_expect(f, 10, "");
  read_expect(f, -1, "");
  sr_file_free(f);
  sr_socket_free(a);
  sr_socket_free(b);
}

/* A buffered read(n) waits for n bytes (or EOF), across several sends. */
static void test_buffered_read_collects_pieces(void) {
  sr_socket *a = NULL, *b = NULL;
  sr_file *f = NULL;

  CHECK_OK(sr_socketpair(&a, &b, AF_UNIX, SOCK_STREAM, 0));
  CHECK_OK(sr_makefile(b, &f, "r", 4));
  CHECK_OK(sr_sendall(a, "ab", 2, 0));
  CHECK_OK(sr_sendall(a, "cdefgh", 6, 0));
  read_expect(f, 7, "abcdefg");
  read_expect(f, 1, "h");
  sr_file_free(f);
  sr_socket_free(a);
  sr_socket_free(b);
}

/* Unbuffered: one receive per read, and readline takes no more from the
 * socket than the line. */
static void test_unbuffered_read_and_readline(void) {
  sr_socket *a = NULL, *b = NULL;
  sr_file *f = NULL;
  char buf[16];

  CHECK_OK(sr_socketpair(&a, &b, AF_UNIX, SOCK_STREAM, 0));
  CHECK_OK(sr_makefile(b, &f, "rb", 0));
  CHECK_OK(sr_sendall(a, "line one\nrest", 13, 0));
  readline_expect(f, -1, "line one\n");
  /* The rest is still in the socket, readable directly. */
  CHECK_EQ(sr_recv(b, buf, sizeof(buf), 0), 4);
  CHECK_MEM_EQ(buf, "rest", 4);
  CHECK_OK(sr_sendall(a, "xyz", 3, 0));
  read_expect(f, 100, "xyz");
  sr_file_free(f);
  sr_socket_free(a);
  sr_socket_free(b);
}

static void test_readline_forms(void) {
  sr_socket *a = NULL, *b = NULL;
  sr_file *f = NULL;

  CHECK_OK(sr_socketpair(&a, &b, AF_UNIX, SOCK_STREAM, 0));
  CHECK_OK(sr_makefile(b, &f, "r", -1));
  CHECK_OK(sr_sendall(a, "first\nsecond line\n\nlast", 23, 0));
  readline_expect(f, -1, "first\n");
  readline_expect(f, 6, "second");
  readline_expect(f, -1, " line\n");
  readline_expect(f, -1, "\n");
  CHECK_OK(sr_shutdown(a, SHUT_WR));
  readline_expect(f, -1, "last");
  readline_expect(f, -1, "");
  sr_file_free(f);
  sr_socket_free(a);
  sr_socket_free(b);
}

static void test_write_buffering_and_flush(void) {
  sr_socket *a = NULL, *b = NULL;
  sr_file *f = NULL;
  char buf[64];

  CHECK_OK(sr_socketpair(&a, &b, AF_UNIX, SOCK_STREAM, 0));
  CHECK_OK(sr_setblocking(b, 0));
  CHECK_OK(sr_makefile(a, &f, "wb", -1));
  CHECK_EQ(sr_file_write(f, "buffered", 8), 8);
  /* Nothing sent before flush. */
  CHECK_ERR(sr_recv(b, buf, sizeof(buf), 0), SR_EAGAIN);
  CHECK_OK(sr_file_flush(f));
  CHECK_EQ(sr_recv(b, buf, sizeof(buf), 0), 8);
  CHECK_MEM_EQ(buf, "buffered", 8);
  /* close flushes. */
  CHECK_EQ(sr_file_write(f, "tail", 4), 4);
  CHECK_OK(sr_file_close(f));
  CHECK_EQ(sr_recv(b, buf, sizeof(buf), 0), 4);
  CHECK_MEM_EQ(buf, "tail", 4);
  sr_file_free(f);
  sr_socket_free(a);
  sr_socket_free(b);
}

static void test_line_buffering(void) {
  sr_socket *a = NULL, *b = NULL;
  sr_file *f = NULL;
  char buf[64];

  CHECK_OK(sr_socketpair(&a, &b, AF_UNIX, SOCK_STREAM, 0));
  CHECK_OK(sr_setblocking(b, 0));
  CHECK_OK(sr_makefile(a, &f, "w", 1));
  CHECK_EQ(sr_file_write(f, "no newline", 10), 10);
  CHECK_ERR(sr_recv(b, buf, sizeof(buf), 0), SR_EAGAIN);
  CHECK_EQ(sr_file_write(f, " yet\n", 5), 5);
  CHECK_EQ(sr_recv(b, buf, sizeof(buf), 0), 15);
  CHECK_MEM_EQ(buf, "no newline yet\n", 15);
  sr_file_free(f);
  sr_socket_free(a);
  sr_socket_free(b);
}

static void test_small_buffer_flushes_when_full(void) {
  sr_socket *a = NULL, *b = NULL;
  sr_file *f = NULL;
  char buf[64];

  CHECK_OK(sr_socketpair(&a, &b, AF_UNIX, SOCK_STREAM, 0));
  CHECK_OK(sr_setblocking(b, 0));
  CHECK_OK(sr_makefile(a, &f, "wb", 4));
  CHECK_EQ(sr_file_write(f, "ab", 2), 2);
  CHECK_ERR(sr_recv(b, buf, sizeof(buf), 0), SR_EAGAIN);
  CHECK_EQ(sr_file_write(f, "cdef", 4), 4);
  CHECK_EQ(sr_recv(b, buf, sizeof(buf), 0), 6);
  sr_file_free(f);
  sr_socket_free(a);
  sr_socket_free(b);
}

static void test_direction_and_closed_errors(void) {
  sr_socket *a = NULL, *b = NULL;
  sr_file *r = NULL, *w = NULL;
  char *data = NULL;
  size_t len;

  CHECK_OK(sr_socketpair(&a, &b, AF_UNIX, SOCK_STREAM, 0));
  CHECK_OK(sr_makefile(a, &r, "r", -1));
  CHECK_OK(sr_makefile(a, &w, "w", -1));
  CHECK_ERR(sr_file_write(r, "x", 1), SR_EVALUE);
  CHECK_ERR(sr_file_read(w, 1, &data, &len), SR_EVALUE);
  CHECK_OK(sr_file_close(r));
  CHECK_OK(sr_file_close(r));
  CHECK_ERR(sr_file_read(r, 1, &data, &len), SR_EVALUE);
  CHECK_STR_EQ(sr_last_detail(), "I/O operation on closed file");
  CHECK_ERR(sr_file_readline(r, -1, &data, &len), SR_EVALUE);
  CHECK_ERR(sr_file_flush(r), SR_EVALUE);
  sr_file_free(r);
  sr_file_free(w);
  sr_socket_free(a);
  sr_socket_free(b);
}

/* Closing the file leaves the socket open. */
static void test_file_close_keeps_socket(void) {
  sr_socket *a = NULL, *b = NULL;
  sr_file *f = NULL;
  char buf[8];

  CHECK_OK(sr_socketpair(&a, &b, AF_UNIX, SOCK_STREAM, 0));
  CHECK_OK(sr_makefile(a, &f, "rw", -1));
  CHECK_OK(sr_file_close(f));
  sr_file_free(f);
  CHECK_EQ(sr_send(a, "still", 5, 0), 5);
  CHECK_EQ(sr_recv(b, buf, sizeof(buf), 0), 5);
  sr_socket_free(a);
  sr_socket_free(b);
}

/* Closing the socket while a file is open keeps the descriptor for the
 * file; it goes when the file closes too. */
static void test_descriptor_lives_until_last_reference(void) {
  sr_socket *a = NULL, *b = NULL;
  sr_file *f = NULL;
  sr_sock_t fd;
  char buf[8];

  CHECK_OK(sr_socketpair(&a, &b, AF_UNIX, SOCK_STREAM, 0));
  fd = sr_fileno(a);
  CHECK_OK(sr_makefile(a, &f, "rwb", -1));
  CHECK_OK(sr_close(a));
  /* The object refuses work ... */
  CHECK_ERR(sr_send(a, "x", 1, 0), SR_EBADF);
  /* ... the file still works through the descriptor ... */
  CHECK_EQ(sr_file_write(f, "via file", 8), 8);
  CHECK_OK(sr_file_flush(f));
  CHECK_EQ(sr_recv(b, buf, sizeof(buf), 0), 8);
  CHECK_OK(sr_sendall(b, "back", 4, 0));
  read_expect(f, 4, "back");
  CHECK(fcntl(fd, F_GETFD) != -1);
  /* ... and closing the file releases it: the peer sees EOF. */
  CHECK_OK(sr_file_close(f));
  CHECK(fcntl(fd, F_GETFD) == -1);
  CHECK_EQ(sr_recv(b, buf, sizeof(buf), 0), 0);
  sr_file_free(f);
  sr_socket_free(a);
  sr_socket_free(b);
}

/* Freeing the socket object first is allowed; the file keeps it alive. */
static void test_socket_freed_before_file(void) {
  sr_socket *a = NULL, *b = NULL;
  sr_file *f = NULL;

  CHECK_OK(sr_socketpair(&a, &b, AF_UNIX, SOCK_STREAM, 0));
  CHECK_OK(sr_makefile(a, &f, "r", -1));
  sr_socket_free(a);
  CHECK_OK(sr_sendall(b, "kept", 4, 0));
  read_expect(f, 4, "kept");
  sr_file_free(f);
  sr_socket_free(b);
}

/* A timeout in the middle of a read loses nothing. */
static void test_timeout_keeps_partial_data(void) {
  sr_socket *a = NULL, *b = NULL;
  sr_file *f = NULL;
  char *data = NULL;
  size_t len;

  CHECK_OK(sr_socketpair(&a, &b, AF_UNIX, SOCK_STREAM, 0));
  CHECK_OK(sr_settimeout(b, 0.1));
  CHECK_OK(sr_makefile(b, &f, "rb", -1));
  CHECK_OK(sr_sendall(a, "part", 4, 0));
  CHECK_ERR(sr_file_read(f, 10, &data, &len), SR_ETIMEOUT_SOCK);
  CHECK_ERR(sr_file_readline(f, -1, &data, &len), SR_ETIMEOUT_SOCK);
  CHECK_OK(sr_sendall(a, "ial\n", 4, 0));
  readline_expect(f, -1, "partial\n");
  sr_file_free(f);
  sr_socket_free(a);
  sr_socket_free(b);
}

static const check_test tests[] = {
  CHECK_TEST(test_mode_and_buffering_errors),
  CHECK_TEST(test_read_sizes_and_eof),
  CHECK_TEST(test_buffered_read_collects_pieces),
  CHECK_TEST(test_unbuffered_read_and_readline),
  CHECK_TEST(test_readline_forms),
  CHECK_TEST(test_write_buffering_and_flush),
  CHECK_TEST(test_line_buffering),
  CHECK_TEST(test_small_buffer_flushes_when_full),
  CHECK_TEST(test_direction_and_closed_errors),
  CHECK_TEST(test_file_close_keeps_socket),
  CHECK_TEST(test_descriptor_lives_until_last_reference),
  CHECK_TEST(test_socket_freed_before_file),
  CHECK_TEST(test_timeout_keeps_partial_data),
};

CHECK_MAIN(tests)
