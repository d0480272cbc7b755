/* Unit tests of the agent's own parts that do not need sockets: the JSON
 * codec, line framing, SHA-256 and the constant table. CTest entry
 * agent.core (label `agent`). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "constants.h"
#include "json.h"
#include "lines.h"
#include "sha256.h"
#include "sockref.h"

static int failures;

#define CHECK(cond)                                                         \
  do {                                                                      \
    if (!(cond)) {                                                          \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__,     \
              #cond);                                                       \
      failures++;                                                           \
    }                                                                       \
  } while (0)

static json_arena arena;

static const json_value *parse(const char *text) {
  json_error err;
  json_arena_reset(&arena);
  return json_parse(&arena, text, strlen(text), &err);
}

static const json_value *parse_n(const char *text, size_t len) {
  json_error err;
  json_arena_reset(&arena);
  return json_parse(&arena, text, len, &err);
}

/* ---- reader ------------------------------------------------------------ */

static void test_accepts(void) {
  static const char *const good[] = {
      "{}", "[]", " {\"a\" : [1, -2, 3.5e3, true, false, null]} \r",
      "\"\\u00e9\\ud83d\\ude00\\n\\/\"", "0", "-0", "0.0", "1e5", "1E+5",
      "-1.5e-7", "\"caf\xc3\xa9\"", "\"\xf0\x9f\x98\x80\"", "[[[[]]]]",
      "{\"a\":{\"a\":1}}", "\"\\u0000\""};
  size_t i;
  for (i = 0; i < sizeof good / sizeof good[0]; i++) {
    if (parse(good[i]) == NULL) {
      fprintf(stderr, "rejected valid JSON: %s\n", good[i]);
      failures++;
    }
  }
}

static void test_rejects(void) {
  static const char *const bad[] = {
      "", " ", "{", "}", "[1,]", "{\"a\":1,}", "[,1]", "01", "-01", "1.",
      ".5", "+1", "1e", "1e+", "-", "NaN", "Infinity", "-Infinity", "nul",
      "truex", "[1 2]", "{\"a\" 1}", "{1:2}", "{\"a\":1 \"b\":2}",
      "\"\\x\"", "\"\\u12\"", "\"\\u12g4\"", "\"\\ud800\"", "\"\\udc00\"",
      "\"\\ud800\\u0041\"", "\"tab\there\"", "\"\\", "\"abc", "'a'",
      "{\"a\":1,\"a\":2}", "[1] [2]", "\xef\xbb\xbf{}", "/* c */ {}",
      "\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xff\"",
      "\"\xe2\x82\"", "\"\xc3\""};
  size_t i;
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    if (parse(bad[i]) != NULL) {
      fprintf(stderr, "accepted invalid JSON: %s\n", bad[i]);
      failures++;
    }
  }
  /* An embedded NUL byte outside a string is not JSON either. */
  CHECK(parse_n("{}\0", 3) == NULL);
}

static void test_numbers(void) {
  const json_value *v;
  v = parse("9223372036854775807");
  CHECK(v && v->type == JSON_INT && v->u.integer == INT64_MAX);
  v = parse("-9223372036854775808");
  CHECK(v && v->type == JSON_INT && v->u.integer == INT64_MIN);
  v = parse("9223372036854775808");
  CHECK(v && v->type == JSON_DOUBLE && v->big_int);
  v = parse("-9223372036854775809");
  CHECK(v && v->type == JSON_DOUBLE && v->big_int);
  v = parse("1.5");
  CHECK(v && v->type == JSON_DOUBLE && !v->big_int && v->u.number == 1.5);
  v = parse("1e2");
  CHECK(v && v->type == JSON_DOUBLE && !v->big_int && v->u.number == 100.0);
}

static bool nested_ok(int depth) {
  char text[2 * (JSON_MAX_DEPTH + 1)];
  int i;
  for (i = 0; i < depth; i++) {
    text[i] = '[';
    text[depth + i] = ']';
  }
  return parse_n(text, (size_t)(2 * depth)) != NULL;
}

static void test_depth(void) {
  CHECK(nested_ok(1));
  CHECK(nested_ok(JSON_MAX_DEPTH));
  CHECK(!nested_ok(JSON_MAX_DEPTH + 1));
}

static void test_strings_and_objects(void) {
  const json_value *v = parse("{\"k\":\"a\\u0000b\",\"\\u00e9\":[1,2]}");
  const json_value *k;
  CHECK(v && v->type == JSON_OBJECT && v->u.object.count == 2);
  k = json_object_get(v, "k");
  CHECK(k && k->type == JSON_STRING && k->u.string.len == 3 &&
        memcmp(k->u.string.ptr, "a\0b", 3) == 0 && !json_string_is_c(k));
  k = json_object_get(v, "\xc3\xa9");
  CHECK(k && k->type == JSON_ARRAY && k->u.array.count == 2 &&
        k->u.array.items[1]->u.integer == 2);
  CHECK(json_object_get(v, "missing") == NULL);
}

/* Duplicates are found in big objects too (the sorted path). */
static void test_many_keys(void) {
  char *text = malloc(64 * 1024);
  size_t n = 0;
  int i;
  n += (size_t)sprintf(text + n, "{");
  for (i = 0; i < 2000; i++)
    n += (size_t)sprintf(text + n, "%s\"k%d\":%d", i ? "," : "", i, i);
  strcpy(text + n, "}");
  CHECK(parse(text) != NULL);
  sprintf(text + n, ",\"k1234\":0}");
  CHECK(parse(text) == NULL);
  free(text);
}

/* An array of `items` zeros: items + 1 values. */
static bool zeros_ok(size_t items) {
  size_t i, len = 0;
  char *text = malloc(2 * items + 2);
  bool ok;
  text[len++] = '[';
  for (i = 0; i < items; i++) {
    text[len++] = '0';
    text[len++] = ',';
  }
  text[len - 1] = ']';
  ok = parse_n(text, len) != NULL;
  free(text);
  return ok;
}

/* A line of a million tiny values is refused rather than turned into a
 * huge DOM. */
static void test_value_limit(void) {
  CHECK(zeros_ok(JSON_MAX_VALUES - 1));
  CHECK(!zeros_ok(JSON_MAX_VALUES));
}

/* ---- writer ------------------------------------------------------------ */

static void test_writer(void) {
  json_writer w;
  const json_value *v;
  static const char raw[] = "q\"b\\c\x01\n\xff\xc3\xa9";

  json_writer_init(&w);
  json_write_begin_object(&w);
  json_write_key(&w, "s");
  json_write_string(&w, raw, sizeof raw - 1);
  json_write_key(&w, "n");
  json_write_begin_array(&w);
  json_write_int(&w, -5);
  json_write_double(&w, 2.0);
  json_write_double(&w, 0.1);
  json_write_double(&w, 1e300 * 1e300);
  json_write_null(&w);
  json_write_bool(&w, true);
  json_write_end_array(&w);
  json_write_key(&w, "h");
  json_write_hex_object(&w, "\x00\xab", 2);
  json_write_end_object(&w);
  CHECK(!w.failed);

  /* The writer's output is valid, strict JSON with the expected values. */
  v = parse_n(w.buf, w.len);
  CHECK(v != NULL);
  if (v != NULL) {
    const json_value *s = json_object_get(v, "s");
    const json_value *n = json_object_get(v, "n");
    const json_value *h = json_object_get(json_object_get(v, "h"), "hex");
    /* 0xff is not UTF-8: it became U+FFFD; everything else round-trips. */
    CHECK(s && s->u.string.len == 12 &&
          memcmp(s->u.string.ptr, "q\"b\\c\x01\n\xef\xbf\xbd\xc3\xa9", 12) == 0);
    CHECK(n && n->u.array.count == 6);
    CHECK(n && n->u.array.items[1]->type == JSON_DOUBLE &&
          n->u.array.items[1]->u.number == 2.0);
    CHECK(n && n->u.array.items[2]->u.number == 0.1);
    CHECK(n && n->u.array.items[3]->type == JSON_NULL);
    CHECK(h && h->type == JSON_STRING && strcmp(h->u.string.ptr, "00ab") == 0);
  }
  CHECK(strstr(w.buf, "0.1,") != NULL);    /* shortest form */
  CHECK(strstr(w.buf, "2.0,") != NULL);    /* stays a float */
  json_writer_free(&w);
}

/* ---- lines ------------------------------------------------------------- */

static const char *source;
static size_t source_left;

/* Hands out input in small uneven pieces, as a pipe might. */
static long read_source(void *buf, size_t size) {
  size_t n = source_left < 7 ? source_left : 7;
  if (n > size)
    n = size;
  memcpy(buf, source, n);
  source += n;
  source_left -= n;
  return (long)n;
}

static void test_lines(void) {
  line_reader r;
  const char *line;
  size_t len;
  static char input[300];

  memset(input, 'x', sizeof input);
  memcpy(input, "a\n\nbc\n", 6);       /* "a", "", "bc" */
  input[6 + 120] = '\n';                /* 120 x: too long for 100 */
  memcpy(input + 127, "ok\n", 3);
  input[130 + 150] = '\n';              /* 150 x: too long */
  memcpy(input + 281, "tail", 4);       /* last line without '\n' */
  source = input;
  source_left = 285;

  line_reader_init(&r, read_source, 100);
  CHECK(line_reader_next(&r, &line, &len) == LINE_OK && len == 1 && line[0] == 'a');
  CHECK(line_reader_next(&r, &line, &len) == LINE_OK && len == 0);
  CHECK(line_reader_next(&r, &line, &len) == LINE_OK && len == 2 &&
        memcmp(line, "bc", 2) == 0);
  CHECK(line_reader_next(&r, &line, &len) == LINE_TOO_LONG);
  CHECK(line_reader_next(&r, &line, &len) == LINE_OK && len == 2 &&
        memcmp(line, "ok", 2) == 0);
  CHECK(line_reader_next(&r, &line, &len) == LINE_TOO_LONG);
  CHECK(line_reader_next(&r, &line, &len) == LINE_OK && len == 4 &&
        memcmp(line, "tail", 4) == 0);
  CHECK(line_reader_next(&r, &line, &len) == LINE_EOF);
  line_reader_free(&r);
}

/* ---- sha256, constants ------------------------------------------------- */

static void test_sha256(void) {
  sha256_ctx c;
  unsigned char d[32];
  char hex[65];
  static const char abc_hash[] =
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  static const char two_block[] =
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
  static const char msg[] =
      "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

  sha256_init(&c);
  sha256_update(&c, "abc", 3);
  sha256_final(&c, d);
  sha256_hex(d, hex);
  CHECK(strcmp(hex, abc_hash) == 0);

  sha256_init(&c);
  sha256_update(&c, msg, 10);
  sha256_update(&c, msg + 10, sizeof msg - 11);
  sha256_final(&c, d);
  sha256_hex(d, hex);
  CHECK(strcmp(hex, two_block) == 0);
}

static void test_constants(void) {
  int64_t v;
  CHECK(constant_value("AF_INET", &v) && v == AF_INET);
  CHECK(constant_value("SOCK_DGRAM", &v) && v == SOCK_DGRAM);
  CHECK(constant_value("SO_REUSEADDR", &v) && v == SO_REUSEADDR);
  CHECK(constant_value("IPPROTO_TCP", &v) && v == IPPROTO_TCP);
  CHECK(!constant_value("AF_NOPE", &v));
  CHECK(!constant_value("af_inet", &v));
  CHECK(strcmp(constant_name("AF_", AF_INET6), "AF_INET6") == 0);
  CHECK(strcmp(constant_name("SOCK_", SOCK_STREAM), "SOCK_STREAM") == 0);
#ifdef AF_UNIX
  CHECK(strcmp(constant_name("AF_", AF_UNIX), "AF_UNIX") == 0);
#endif
  CHECK(constant_name("AF_", -12345) == NULL);
  CHECK(constant_count() > 100);
}

int main(void) {
  json_arena_init(&arena);
  test_accepts();
  test_rejects();
  test_numbers();
  test_depth();
  test_strings_and_objects();
  test_many_keys();
  test_value_limit();
  test_writer();
  test_lines();
  test_sha256();
  test_constants();
  json_arena_free(&arena);
  if (failures > 0) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("agent core: all checks passed\n");
  return 0;
}
