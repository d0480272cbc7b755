/* The examples print received data as Python's repr(bytes) does; these
 * are the rules of that repr (quote choice and escapes). */
#include "check.h"
#include "example.h"

static void check_repr(const void *data, size_t len, const char *want) {
  char out[256];

  CHECK_EQ(example_bytes_repr(data, len, out, sizeof out), strlen(want));
  CHECK_STR_EQ(out, want);
}

static void test_printable(void) {
  check_repr("Hello, world", 12, "b'Hello, world'");
  check_repr("", 0, "b''");
}

static void test_quote_choice(void) {
  check_repr("it's", 4, "b\"it's\"");
  check_repr("say \"hi\"", 8, "b'say \"hi\"'");
  check_repr("'\"", 2, "b'\\'\"'");
}

static void test_escapes(void) {
  check_repr("a\\b", 3, "b'a\\\\b'");
  check_repr("\t\n\r", 3, "b'\\t\\n\\r'");
  check_repr("\x00\x1f\x7f\xff", 4, "b'\\x00\\x1f\\x7f\\xff'");
}

static void test_truncation_reports_full_length(void) {
  char out[4];

  CHECK_EQ(example_bytes_repr("abcdef", 6, out, sizeof out), 9);
  CHECK_STR_EQ(out, "b'a");
}

static const check_test tests[] = {
    CHECK_TEST(test_printable),
    CHECK_TEST(test_quote_choice),
    CHECK_TEST(test_escapes),
    CHECK_TEST(test_truncation_reports_full_length),
};
CHECK_MAIN(tests)
