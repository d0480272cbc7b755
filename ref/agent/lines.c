/* Line framing over a read function; see lines.h. */
#include "lines.h"

#include <stdlib.h>
#include <string.h>

#define READ_CHUNK ((size_t)64 * 1024)

void line_reader_init(line_reader *r, line_source read, size_t max_line) {
  memset(r, 0, sizeof *r);
  r->read = read;
  r->max_line = max_line;
}

void line_reader_free(line_reader *r) {
  free(r->buf);
  r->buf = NULL;
  r->cap = r->len = r->start = r->scanned = 0;
}

/* Room for one more chunk after the held bytes: first by moving the held
 * bytes to the front, then by growing. */
static bool make_room(line_reader *r) {
  size_t held = r->len - r->start;
  if (r->start > 0) {
    memmove(r->buf, r->buf + r->start, held);
    r->start = 0;
    r->len = held;
  }
  if (r->cap - r->len < READ_CHUNK) {
    size_t cap = r->cap ? r->cap : READ_CHUNK;
    char *grown;
    while (cap - r->len < READ_CHUNK)
      cap *= 2;
    grown = realloc(r->buf, cap);
    if (grown == NULL)
      return false;
    r->buf = grown;
    r->cap = cap;
  }
  return true;
}

/* Reads more input; false at end of input. */
static bool fill(line_reader *r) {
  long n;
  if (r->eof || !make_room(r))
    return false;
  n = r->read(r->buf + r->len, r->cap - r->len);
  if (n <= 0) {
    r->eof = true;
    return false;
  }
  r->len += (size_t)n;
  return true;
}

/* Drops input up to and including the next '\n' (or to end of input). */
static void skip_rest_of_line(line_reader *r) {
  for (;;) {
    char *nl = memchr(r->buf + r->start, '\n', r->len - r->start);
    if (nl != NULL) {
      r->start = (size_t)(nl - r->buf) + 1;
      r->scanned = 0;
      return;
    }
    r->start = r->len = r->scanned = 0;
    if (!fill(r))
      return;
  }
}

line_status line_reader_next(line_reader *r, const char **line, size_t *len) {
  for (;;) {
    size_t held = r->len - r->start;
    char *nl = held > r->scanned
                   ? memchr(r->buf + r->start + r->scanned, '\n',
                            held - r->scanned)
                   : NULL;
    if (nl != NULL) {
      size_t n = (size_t)(nl - (r->buf + r->start));
      *line = r->buf + r->start;
      *len = n;
      r->start += n + 1;
      r->scanned = 0;
      if (n > r->max_line)
        return LINE_TOO_LONG;
      return LINE_OK;
    }
    r->scanned = held;
    if (held > r->max_line) {
      skip_rest_of_line(r);
      return LINE_TOO_LONG;
    }
    if (!fill(r)) {
      if (held == 0)
        return LINE_EOF;
      /* A last line without its '\n'. */
      *line = r->buf + r->start;
      *len = held;
      r->start = r->len;
      r->scanned = 0;
      return LINE_OK;
    }
  }
}
