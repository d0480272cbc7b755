/* Strict JSON reader and escaping writer; see json.h for the rules. */
#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ======================================================================== */
/* Arena                                                                    */
/* ======================================================================== */

struct json_arena_block {
  json_arena_block *next;
  size_t size; /* usable bytes after the header */
  size_t used;
};

#define ARENA_BLOCK_SIZE ((size_t)64 * 1024)
#define ARENA_ALIGN ((size_t)16)

static size_t header_size(void) {
  return (sizeof(json_arena_block) + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
}

static char *block_data(json_arena_block *block) {
  return (char *)block + header_size();
}

void json_arena_init(json_arena *arena) { arena->head = NULL; }

static void free_blocks(json_arena_block *block) {
  while (block != NULL) {
    json_arena_block *next = block->next;
    free(block);
    block = next;
  }
}

void json_arena_reset(json_arena *arena) {
  json_arena_block *keep = NULL;
  json_arena_block *block = arena->head;

  /* Keep one standard block so that small requests allocate nothing. */
  while (block != NULL) {
    json_arena_block *next = block->next;
    if (keep == NULL && block->size == ARENA_BLOCK_SIZE) {
      keep = block;
      keep->next = NULL;
      keep->used = 0;
    } else {
      free(block);
    }
    block = next;
  }
  arena->head = keep;
}

void json_arena_free(json_arena *arena) {
  free_blocks(arena->head);
  arena->head = NULL;
}

void *json_arena_alloc(json_arena *arena, size_t size) {
  json_arena_block *block = arena->head;
  size_t rounded;

  if (size > SIZE_MAX / 2)
    return NULL;
  rounded = (size + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
  if (rounded == 0)
    rounded = ARENA_ALIGN;
  if (block == NULL || block->size - block->used < rounded) {
    size_t want = rounded > ARENA_BLOCK_SIZE ? rounded : ARENA_BLOCK_SIZE;
    json_arena_block *fresh = malloc(header_size() + want);
    if (fresh == NULL)
      return NULL;
    fresh->size = want;
    fresh->used = 0;
    if (block != NULL && want != ARENA_BLOCK_SIZE) {
      /* A big one-off block goes behind the current one, which keeps
       * serving small allocations. */
      fresh->next = block->next;
      block->next = fresh;
      fresh->used = rounded;
      return block_data(fresh);
    }
    fresh->next = block;
    arena->head = fresh;
    block = fresh;
  }
  block->used += rounded;
  return block_data(block) + block->used - rounded;
}

/* ======================================================================== */
/* UTF-8                                                                    */
/* ======================================================================== */

/* Length of the valid UTF-8 sequence at p (1-4), or 0 if it is invalid or
 * truncated. Follows RFC 3629 Table 3: no overlongs, no surrogates. */
static size_t utf8_sequence_length(const unsigned char *p, size_t avail) {
  unsigned char c = p[0];
  unsigned char lo = 0x80, hi = 0xBF;
  size_t n, i;

  if (c < 0x80)
    return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0)
      lo = 0xA0;
    else if (c == 0xED)
      hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0)
      lo = 0x90;
    else if (c == 0xF4)
      hi = 0x8F;
  } else {
    return 0;
  }
  if (avail < n)
    return 0;
  if (p[1] < lo || p[1] > hi)
    return 0;
  for (i = 2; i < n; i++)
    if (p[i] < 0x80 || p[i] > 0xBF)
      return 0;
  return n;
}

bool json_utf8_valid(const char *text, size_t len) {
  const unsigned char *p = (const unsigned char *)text;
  size_t i = 0;
  while (i < len) {
    size_t n = utf8_sequence_length(p + i, len - i);
    if (n == 0)
      return false;
    i += n;
  }
  return true;
}

static size_t utf8_encode(uint32_t cp, char *out) {
  if (cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | (cp >> 18));
  out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  out[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

/* ======================================================================== */
/* Reader                                                                   */
/* ======================================================================== */

/* Numbers longer than this are refused: no real request needs them and
 * strtod on megabytes of digits is needlessly slow. */
#define MAX_NUMBER_CHARS 512

typedef struct {
  json_arena *arena;
  const char *start;
  const char *p;
  const char *end;
  json_error *err;
  bool failed;
  int depth;
  size_t value_count;
  /* Scratch stacks shared by all nesting levels: a container's children
   * are pushed while it is open and copied to the arena when it closes. */
  json_value **values;
  size_t values_len, values_cap;
  json_member *members;
  size_t members_len, members_cap;
} parser;

static void fail_at(parser *ps, const char *where, const char *message) {
  if (ps->failed)
    return;
  ps->failed = true;
  ps->err->offset = (size_t)(where - ps->start);
  snprintf(ps->err->message, sizeof ps->err->message, "%s", message);
}

static void fail(parser *ps, const char *message) {
  fail_at(ps, ps->p, message);
}

static void *arena_or_fail(parser *ps, size_t size) {
  void *mem = json_arena_alloc(ps->arena, size);
  if (mem == NULL)
    fail(ps, "out of memory");
  return mem;
}

static void skip_whitespace(parser *ps) {
  while (ps->p < ps->end &&
         (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
    ps->p++;
}

static bool at(parser *ps, char c) { return ps->p < ps->end && *ps->p == c; }

static bool is_digit(const parser *ps, const char *q) {
  return q < ps->end && *q >= '0' && *q <= '9';
}

static json_value *new_value(parser *ps, json_type type) {
  json_value *v;
  if (++ps->value_count > JSON_MAX_VALUES) {
    fail(ps, "too many values");
    return NULL;
  }
  v = arena_or_fail(ps, sizeof *v);
  if (v != NULL) {
    memset(v, 0, sizeof *v);
    v->type = type;
  }
  return v;
}

static bool match_literal(parser *ps, const char *word) {
  size_t n = strlen(word);
  if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
    return false;
  ps->p += n;
  return true;
}

/* Integer literal to int64; false on overflow. */
static bool digits_to_int64(const char *s, const char *e, bool negative,
                            int64_t *out) {
  uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
  uint64_t acc = 0;
  for (; s < e; s++) {
    unsigned d = (unsigned)(*s - '0');
    if (acc > (limit - d) / 10)
      return false;
    acc = acc * 10 + d;
  }
  if (negative)
    *out = acc == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)acc;
  else
    *out = (int64_t)acc;
  return true;
}

static json_value *parse_number(parser *ps) {
  const char *begin = ps->p;
  const char *q = ps->p;
  const char *int_begin;
  bool negative = false, integral = true;
  json_value *v;
  char *copy;

  if (*q == '-') {
    negative = true;
    q++;
  }
  int_begin = q;
  if (!is_digit(ps, q)) {
    fail_at(ps, q, "invalid number");
    return NULL;
  }
  if (*q == '0') {
    q++;
    if (is_digit(ps, q)) {
      fail_at(ps, q, "leading zero in number");
      return NULL;
    }
  } else {
    while (is_digit(ps, q))
      q++;
  }
  const char *int_end = q;
  if (q < ps->end && *q == '.') {
    integral = false;
    q++;
    if (!is_digit(ps, q)) {
      fail_at(ps, q, "digit expected after decimal point");
      return NULL;
    }
    while (is_digit(ps, q))
      q++;
  }
  if (q < ps->end && (*q == 'e' || *q == 'E')) {
    integral = false;
    q++;
    if (q < ps->end && (*q == '+' || *q == '-'))
      q++;
    if (!is_digit(ps, q)) {
      fail_at(ps, q, "digit expected in exponent");
      return NULL;
    }
    while (is_digit(ps, q))
      q++;
  }
  if (q - begin > MAX_NUMBER_CHARS) {
    fail_at(ps, begin, "number too long");
    return NULL;
  }
  ps->p = q;

  if (integral) {
    int64_t i;
    if (digits_to_int64(int_begin, int_end, negative, &i)) {
      v = new_value(ps, JSON_INT);
      if (v != NULL)
        v->u.integer = i;
      return v;
    }
  }
  copy = arena_or_fail(ps, (size_t)(q - begin) + 1);
  v = new_value(ps, JSON_DOUBLE);
  if (copy == NULL || v == NULL)
    return NULL;
  memcpy(copy, begin, (size_t)(q - begin));
  copy[q - begin] = '\0';
  v->u.number = strtod(copy, NULL); /* grammar already checked */
  v->big_int = integral;
  return v;
}

static int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Reads the 4 hex digits after "\u" at q. */
static bool read_hex4(parser *ps, const char *q, uint32_t *out) {
  uint32_t v = 0;
  int i;
  if (ps->end - q < 4) {
    fail_at(ps, q, "truncated \\u escape");
    return false;
  }
  for (i = 0; i < 4; i++) {
    int h = hex_value(q[i]);
    if (h < 0) {
      fail_at(ps, q + i, "invalid hex digit in \\u escape");
      return false;
    }
    v = v * 16 + (uint32_t)h;
  }
  *out = v;
  return true;
}

/* Decodes one escape starting at the backslash *q; advances *q and appends
 * to out. */
static bool decode_escape(parser *ps, const char **q, char *out, size_t *n) {
  const char *s = *q + 1;
  uint32_t cp, low;

  if (s >= ps->end) {
    fail_at(ps, *q, "unterminated string");
    return false;
  }
  switch (*s) {
  case '"': out[(*n)++] = '"'; break;
  case '\\': out[(*n)++] = '\\'; break;
  case '/': out[(*n)++] = '/'; break;
  case 'b': out[(*n)++] = '\b'; break;
  case 'f': out[(*n)++] = '\f'; break;
  case 'n': out[(*n)++] = '\n'; break;
  case 'r': out[(*n)++] = '\r'; break;
  case 't': out[(*n)++] = '\t'; break;
  case 'u':
    if (!read_hex4(ps, s + 1, &cp))
      return false;
    s += 4;
    if (cp >= 0xDC00 && cp <= 0xDFFF) {
      fail_at(ps, *q, "lone low surrogate in \\u escape");
      return false;
    }
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (ps->end - s < 3 || s[1] != '\\' || s[2] != 'u') {
        fail_at(ps, *q, "lone high surrogate in \\u escape");
        return false;
      }
      if (!read_hex4(ps, s + 3, &low))
        return false;
      if (low < 0xDC00 || low > 0xDFFF) {
        fail_at(ps, *q, "lone high surrogate in \\u escape");
        return false;
      }
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      s += 6;
    }
    *n += utf8_encode(cp, out + *n);
    break;
  default:
    fail_at(ps, s, "invalid escape in string");
    return false;
  }
  *q = s + 1;
  return true;
}

/* Parses a string at the opening quote into a NUL-terminated arena copy. */
static bool parse_string_raw(parser *ps, const char **out, size_t *out_len) {
  const char *q = ps->p + 1;
  const char *close = q;
  char *buf;
  size_t n = 0;

  /* First find the closing quote, so that the copy can be sized: decoding
   * never makes a string longer than its escaped form. */
  while (close < ps->end && *close != '"') {
    if (*close == '\\' && ps->end - close < 2)
      break; /* a backslash as the last byte: unterminated */
    close += *close == '\\' ? 2 : 1;
  }
  if (close >= ps->end || *close != '"') {
    fail(ps, "unterminated string");
    return false;
  }
  buf = arena_or_fail(ps, (size_t)(close - q) + 1);
  if (buf == NULL)
    return false;
  while (q < close) {
    unsigned char c = (unsigned char)*q;
    if (c == '\\') {
      if (!decode_escape(ps, &q, buf, &n))
        return false;
    } else if (c < 0x20) {
      fail_at(ps, q, "control character in string");
      return false;
    } else {
      size_t len = utf8_sequence_length((const unsigned char *)q,
                                        (size_t)(close - q));
      if (len == 0) {
        fail_at(ps, q, "invalid UTF-8 in string");
        return false;
      }
      memcpy(buf + n, q, len);
      n += len;
      q += len;
    }
  }
  buf[n] = '\0';
  ps->p = close + 1;
  *out = buf;
  *out_len = n;
  return true;
}

static json_value *parse_string(parser *ps) {
  json_value *v = new_value(ps, JSON_STRING);
  if (v == NULL)
    return NULL;
  if (!parse_string_raw(ps, &v->u.string.ptr, &v->u.string.len))
    return NULL;
  return v;
}

static bool push_value(parser *ps, json_value *v) {
  if (ps->values_len == ps->values_cap) {
    size_t cap = ps->values_cap ? ps->values_cap * 2 : 16;
    json_value **grown = realloc(ps->values, cap * sizeof *grown);
    if (grown == NULL) {
      fail(ps, "out of memory");
      return false;
    }
    ps->values = grown;
    ps->values_cap = cap;
  }
  ps->values[ps->values_len++] = v;
  return true;
}

static bool push_member(parser *ps, const json_member *m) {
  if (ps->members_len == ps->members_cap) {
    size_t cap = ps->members_cap ? ps->members_cap * 2 : 16;
    json_member *grown = realloc(ps->members, cap * sizeof *grown);
    if (grown == NULL) {
      fail(ps, "out of memory");
      return false;
    }
    ps->members = grown;
    ps->members_cap = cap;
  }
  ps->members[ps->members_len++] = *m;
  return true;
}

static json_value *parse_value(parser *ps);

static json_value *parse_array(parser *ps) {
  size_t base = ps->values_len;
  json_value *v;

  ps->p++; /* '[' */
  skip_whitespace(ps);
  if (at(ps, ']')) {
    ps->p++;
  } else {
    for (;;) {
      json_value *item = parse_value(ps);
      if (item == NULL || !push_value(ps, item))
        return NULL;
      skip_whitespace(ps);
      if (at(ps, ',')) {
        ps->p++;
        continue;
      }
      if (at(ps, ']')) {
        ps->p++;
        break;
      }
      fail(ps, "expected ',' or ']' in array");
      return NULL;
    }
  }
  v = new_value(ps, JSON_ARRAY);
  if (v == NULL)
    return NULL;
  v->u.array.count = ps->values_len - base;
  if (v->u.array.count > 0) {
    size_t bytes = v->u.array.count * sizeof(json_value *);
    v->u.array.items = arena_or_fail(ps, bytes);
    if (v->u.array.items == NULL)
      return NULL;
    memcpy(v->u.array.items, ps->values + base, bytes);
  }
  ps->values_len = base;
  return v;
}

static int compare_keys(const json_member *a, const json_member *b) {
  size_t n = a->key_len < b->key_len ? a->key_len : b->key_len;
  int c = memcmp(a->key, b->key, n);
  if (c != 0)
    return c;
  return (a->key_len > b->key_len) - (a->key_len < b->key_len);
}

static int compare_members(const void *a, const void *b) {
  return compare_keys(a, b);
}

/* Whether two of the n members share a key: quadratic for the small objects
 * requests consist of, sorting a scratch copy for big ones. */
static bool has_duplicate_key(parser *ps, const json_member *m, size_t n) {
  json_member *sorted;
  size_t i, j;
  bool found = false;

  if (n <= 16) {
    for (i = 0; i < n; i++)
      for (j = i + 1; j < n; j++)
        if (compare_keys(&m[i], &m[j]) == 0)
          return true;
    return false;
  }
  sorted = malloc(n * sizeof *sorted);
  if (sorted == NULL) {
    fail(ps, "out of memory");
    return true;
  }
  memcpy(sorted, m, n * sizeof *sorted);
  qsort(sorted, n, sizeof *sorted, compare_members);
  for (i = 1; i < n && !found; i++)
    found = compare_keys(&sorted[i - 1], &sorted[i]) == 0;
  free(sorted);
  return found;
}

static json_value *parse_object(parser *ps) {
  size_t base = ps->members_len;
  const char *open = ps->p;
  json_value *v;

  ps->p++; /* '{' */
  skip_whitespace(ps);
  if (at(ps, '}')) {
    ps->p++;
  } else {
    for (;;) {
      json_member m;
      if (!at(ps, '"')) {
        fail(ps, "expected string key in object");
        return NULL;
      }
      if (!parse_string_raw(ps, &m.key, &m.key_len))
        return NULL;
      skip_whitespace(ps);
      if (!at(ps, ':')) {
        fail(ps, "expected ':' after object key");
        return NULL;
      }
      ps->p++;
      m.value = parse_value(ps);
      if (m.value == NULL || !push_member(ps, &m))
        return NULL;
      skip_whitespace(ps);
      if (at(ps, ',')) {
        ps->p++;
        skip_whitespace(ps);
        continue;
      }
      if (at(ps, '}')) {
        ps->p++;
        break;
      }
      fail(ps, "expected ',' or '}' in object");
      return NULL;
    }
  }
  v = new_value(ps, JSON_OBJECT);
  if (v == NULL)
    return NULL;
  v->u.object.count = ps->members_len - base;
  if (v->u.object.count > 0) {
    size_t bytes = v->u.object.count * sizeof(json_member);
    if (has_duplicate_key(ps, ps->members + base, v->u.object.count)) {
      fail_at(ps, open, "duplicated key in object");
      return NULL;
    }
    v->u.object.members = arena_or_fail(ps, bytes);
    if (v->u.object.members == NULL)
      return NULL;
    memcpy(v->u.object.members, ps->members + base, bytes);
  }
  ps->members_len = base;
  return v;
}

static json_value *parse_value(parser *ps) {
  json_value *v = NULL;

  skip_whitespace(ps);
  if (ps->p >= ps->end) {
    fail(ps, "unexpected end of input");
    return NULL;
  }
  switch (*ps->p) {
  case '{':
  case '[':
    if (ps->depth >= JSON_MAX_DEPTH) {
      fail(ps, "nesting too deep");
      return NULL;
    }
    ps->depth++;
    v = *ps->p == '{' ? parse_object(ps) : parse_array(ps);
    ps->depth--;
    return v;
  case '"':
    return parse_string(ps);
  case 't':
  case 'f':
  case 'n':
    if (match_literal(ps, "true")) {
      v = new_value(ps, JSON_BOOL);
      if (v != NULL)
        v->u.boolean = true;
    } else if (match_literal(ps, "false")) {
      v = new_value(ps, JSON_BOOL);
    } else if (match_literal(ps, "null")) {
      v = new_value(ps, JSON_NULL);
    } else {
      fail(ps, "invalid literal");
    }
    return v;
  default:
    if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9'))
      return parse_number(ps);
    fail(ps, "unexpected character");
    return NULL;
  }
}

json_value *json_parse(json_arena *arena, const char *text, size_t len,
                       json_error *err) {
  parser ps;
  json_value *root;

  memset(&ps, 0, sizeof ps);
  ps.arena = arena;
  ps.start = text;
  ps.p = text;
  ps.end = text + len;
  ps.err = err;
  err->offset = 0;
  err->message[0] = '\0';

  root = parse_value(&ps);
  if (root != NULL) {
    skip_whitespace(&ps);
    if (ps.p != ps.end) {
      fail(&ps, "trailing characters after JSON value");
      root = NULL;
    }
  }
  if (ps.failed)
    root = NULL;
  free(ps.values);
  free(ps.members);
  return root;
}

const json_value *json_object_get(const json_value *object, const char *key) {
  size_t i, n;
  if (object == NULL || object->type != JSON_OBJECT)
    return NULL;
  n = strlen(key);
  for (i = 0; i < object->u.object.count; i++) {
    const json_member *m = &object->u.object.members[i];
    if (m->key_len == n && memcmp(m->key, key, n) == 0)
      return m->value;
  }
  return NULL;
}

bool json_string_is_c(const json_value *string) {
  return string->type == JSON_STRING &&
         memchr(string->u.string.ptr, '\0', string->u.string.len) == NULL;
}

/* ======================================================================== */
/* Writer                                                                   */
/* ======================================================================== */

void json_writer_init(json_writer *w) { memset(w, 0, sizeof *w); }

void json_writer_reset(json_writer *w) {
  w->len = 0;
  w->failed = false;
  w->depth = 0;
  w->need_comma = 0;
  w->after_key = false;
}

void json_writer_free(json_writer *w) {
  free(w->buf);
  json_writer_init(w);
}

static bool reserve(json_writer *w, size_t extra) {
  size_t cap;
  char *grown;
  if (w->failed)
    return false;
  if (w->cap - w->len >= extra)
    return true;
  if (extra > SIZE_MAX / 4 - w->len) {
    w->failed = true;
    return false;
  }
  cap = w->cap ? w->cap : 256;
  while (cap - w->len < extra)
    cap *= 2;
  grown = realloc(w->buf, cap);
  if (grown == NULL) {
    w->failed = true;
    return false;
  }
  w->buf = grown;
  w->cap = cap;
  return true;
}

static void put(json_writer *w, const char *bytes, size_t len) {
  if (!reserve(w, len))
    return;
  memcpy(w->buf + w->len, bytes, len);
  w->len += len;
}

static void put_char(json_writer *w, char c) { put(w, &c, 1); }

void json_write_raw(json_writer *w, const char *bytes, size_t len) {
  put(w, bytes, len);
}

/* Separator before a value: nothing after a key, ',' between siblings. */
static void begin_value(json_writer *w) {
  uint64_t bit;
  if (w->after_key) {
    w->after_key = false;
    return;
  }
  if (w->depth == 0)
    return;
  bit = (uint64_t)1 << (w->depth - 1);
  if (w->need_comma & bit)
    put_char(w, ',');
  w->need_comma |= bit;
}

void json_write_null(json_writer *w) {
  begin_value(w);
  put(w, "null", 4);
}

void json_write_bool(json_writer *w, bool value) {
  begin_value(w);
  if (value)
    put(w, "true", 4);
  else
    put(w, "false", 5);
}

void json_write_int(json_writer *w, int64_t value) {
  char text[32];
  int n = snprintf(text, sizeof text, "%lld", (long long)value);
  begin_value(w);
  put(w, text, (size_t)n);
}

void json_write_double(json_writer *w, double value) {
  char text[40];
  int precision, n = 0;

  if (value != value || value > 1.7976931348623157e308 ||
      value < -1.7976931348623157e308) {
    json_write_null(w);
    return;
  }
  for (precision = 15; precision <= 17; precision++) {
    n = snprintf(text, sizeof text, "%.*g", precision, value);
    if (strtod(text, NULL) == value)
      break;
  }
  /* Keep it recognisably a float ("2.0", not "2"), as a harness written in
   * a dynamic language would print it. */
  if (strpbrk(text, ".eE") == NULL && n + 2 < (int)sizeof text) {
    text[n++] = '.';
    text[n++] = '0';
    text[n] = '\0';
  }
  begin_value(w);
  put(w, text, (size_t)n);
}

static void put_escaped(json_writer *w, const char *text, size_t len) {
  static const char hex[] = "0123456789abcdef";
  const unsigned char *p = (const unsigned char *)text;
  size_t i = 0;

  put_char(w, '"');
  while (i < len && !w->failed) {
    unsigned char c = p[i];
    size_t run = i;
    /* Copy runs of bytes that need no escaping in one go. */
    while (run < len && p[run] >= 0x20 && p[run] < 0x80 && p[run] != '"' &&
           p[run] != '\\')
      run++;
    if (run > i) {
      put(w, text + i, run - i);
      i = run;
      continue;
    }
    if (c == '"' || c == '\\') {
      char esc[2] = {'\\', (char)c};
      put(w, esc, 2);
      i++;
    } else if (c < 0x20) {
      char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
      switch (c) {
      case '\n': put(w, "\\n", 2); break;
      case '\r': put(w, "\\r", 2); break;
      case '\t': put(w, "\\t", 2); break;
      case '\b': put(w, "\\b", 2); break;
      case '\f': put(w, "\\f", 2); break;
      default: put(w, esc, 6); break;
      }
      i++;
    } else {
      size_t n = utf8_sequence_length(p + i, len - i);
      if (n == 0) {
        put(w, "\\ufffd", 6); /* not UTF-8: replacement character */
        i++;
      } else {
        put(w, text + i, n);
        i += n;
      }
    }
  }
  put_char(w, '"');
}

void json_write_string(json_writer *w, const char *text, size_t len) {
  begin_value(w);
  put_escaped(w, text, len);
}

void json_write_cstring(json_writer *w, const char *text) {
  json_write_string(w, text, strlen(text));
}

void json_write_hex_object(json_writer *w, const void *data, size_t len) {
  static const char hex[] = "0123456789abcdef";
  const unsigned char *p = data;
  size_t i;
  char *out;

  json_write_begin_object(w);
  json_write_key(w, "hex");
  begin_value(w);
  if (len > SIZE_MAX / 2 - 2 || !reserve(w, len * 2 + 2)) {
    w->failed = true;
    return;
  }
  out = w->buf + w->len;
  *out++ = '"';
  for (i = 0; i < len; i++) {
    *out++ = hex[p[i] >> 4];
    *out++ = hex[p[i] & 15];
  }
  *out++ = '"';
  w->len += len * 2 + 2;
  json_write_end_object(w);
}

static void open_container(json_writer *w, char c) {
  begin_value(w);
  put_char(w, c);
  if (w->depth >= 63) {
    w->failed = true;
    return;
  }
  w->depth++;
  w->need_comma &= ~((uint64_t)1 << (w->depth - 1));
}

static void close_container(json_writer *w, char c) {
  if (w->depth > 0)
    w->depth--;
  put_char(w, c);
}

void json_write_begin_object(json_writer *w) { open_container(w, '{'); }
void json_write_end_object(json_writer *w) { close_container(w, '}'); }
void json_write_begin_array(json_writer *w) { open_container(w, '['); }
void json_write_end_array(json_writer *w) { close_container(w, ']'); }

void json_write_key(json_writer *w, const char *key) {
  begin_value(w);
  put_escaped(w, key, strlen(key));
  put_char(w, ':');
  w->after_key = true;
}

void json_write_raw_value(json_writer *w, const char *json, size_t len) {
  begin_value(w);
  put(w, json, len);
}
