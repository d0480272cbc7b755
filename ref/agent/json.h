/* A small, strict JSON codec for the agent protocol (RFC 8259).
 *
 * Reader: parses one complete text from a buffer of known length into a DOM
 * allocated from an arena. It never reads outside the buffer and rejects
 * everything RFC 8259 does not allow, plus a few things it allows but that
 * would only hide mistakes in a harness:
 *   - trailing commas, leading zeros, "+1", ".5", "1.", NaN/Infinity,
 *     comments, a byte order mark, control characters inside strings;
 *   - invalid UTF-8 (overlong forms, encoded surrogates, > U+10FFFF);
 *   - \u escapes that form a lone surrogate (they have no UTF-8 form);
 *   - duplicated keys in one object (which value wins is not specified);
 *   - nesting deeper than JSON_MAX_DEPTH, more than JSON_MAX_VALUES values.
 * Integer literals (no fraction, no exponent) are int64; one that does not
 * fit is kept as a double with `big_int` set, so that callers can answer
 * "out of range" rather than "not an integer".
 *
 * Writer: appends to a growable buffer, escapes every control character,
 * quote and backslash, and replaces bytes that are not valid UTF-8 with
 * U+FFFD so that every line it produces is valid UTF-8. */
#ifndef SOCKREF_AGENT_JSON_H
#define SOCKREF_AGENT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 64
/* Values in one text: bounds the DOM's memory (about 50 bytes a value)
 * whatever the line holds; a request has a few dozen. */
#define JSON_MAX_VALUES ((size_t)1 << 20)

/* ---- arena ------------------------------------------------------------- */

typedef struct json_arena_block json_arena_block;

typedef struct {
  json_arena_block *head;
} json_arena;

void json_arena_init(json_arena *arena);
/* Releases every block but keeps the first small one for reuse. */
void json_arena_reset(json_arena *arena);
void json_arena_free(json_arena *arena);
/* NULL when memory is exhausted or size is absurd. */
void *json_arena_alloc(json_arena *arena, size_t size);

/* ---- DOM --------------------------------------------------------------- */

typedef enum {
  JSON_NULL,
  JSON_BOOL,
  JSON_INT,
  JSON_DOUBLE,
  JSON_STRING,
  JSON_ARRAY,
  JSON_OBJECT
} json_type;

typedef struct json_value json_value;
typedef struct json_member json_member;

struct json_value {
  json_type type;
  bool big_int; /* JSON_DOUBLE written as an integer too large for int64 */
  union {
    bool boolean;
    int64_t integer;
    double number;
    struct {
      const char *ptr; /* NUL-terminated copy; may also contain NUL */
      size_t len;
    } string;
    struct {
      json_value **items;
      size_t count;
    } array;
    struct {
      json_member *members; /* in input order */
      size_t count;
    } object;
  } u;
};

struct json_member {
  const char *key; /* NUL-terminated copy */
  size_t key_len;
  json_value *value;
};

typedef struct {
  size_t offset;       /* byte offset of the problem in the input */
  char message[96];
} json_error;

/* Parses exactly one JSON text (surrounded by optional whitespace).
 * Returns NULL and fills *err on failure. */
json_value *json_parse(json_arena *arena, const char *text, size_t len,
                       json_error *err);

/* Looks a key up in an object; NULL if absent or `object` is no object. */
const json_value *json_object_get(const json_value *object, const char *key);

/* True if the string has no embedded NUL (usable as a C string). */
bool json_string_is_c(const json_value *string);

/* Strict UTF-8 validity of a byte range (the rules the reader uses). */
bool json_utf8_valid(const char *text, size_t len);

/* ---- writer ------------------------------------------------------------ */

typedef struct {
  char *buf;
  size_t len;
  size_t cap;
  bool failed;        /* memory exhausted: content is incomplete */
  int depth;
  uint64_t need_comma; /* bit per nesting level */
  bool after_key;
} json_writer;

void json_writer_init(json_writer *w);
void json_writer_reset(json_writer *w);
void json_writer_free(json_writer *w);

void json_write_null(json_writer *w);
void json_write_bool(json_writer *w, bool value);
void json_write_int(json_writer *w, int64_t value);
/* Shortest form that reads back to the same double; NaN/inf become null. */
void json_write_double(json_writer *w, double value);
void json_write_string(json_writer *w, const char *text, size_t len);
void json_write_cstring(json_writer *w, const char *text);
/* {"hex": "..."} */
void json_write_hex_object(json_writer *w, const void *data, size_t len);
void json_write_begin_object(json_writer *w);
void json_write_end_object(json_writer *w);
void json_write_begin_array(json_writer *w);
void json_write_end_array(json_writer *w);
void json_write_key(json_writer *w, const char *key);
/* Inserts already-encoded JSON (one complete value) verbatim. */
void json_write_raw_value(json_writer *w, const char *json, size_t len);
/* Appends bytes outside the value grammar (e.g. the final '\n'). */
void json_write_raw(json_writer *w, const char *bytes, size_t len);

#endif
