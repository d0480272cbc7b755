#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "example.h"

int example_port(const char *prog, const char *text) {
  char *end;
  long port = strtol(text, &end, 10);

  if (text[0] == '\0' || *end != '\0' || port < 0 || port > 65535) {
    fprintf(stderr, "%s: port must be 0-65535, not '%s'\n", prog, text);
    exit(2);
  }
  return (int)port;
}

void example_fail(const char *prog, const char *what, int err) {
  const char *detail = sr_last_detail();

  fprintf(stderr, "%s: %s: %s: %s%s%s%s\n", prog, what, sr_err_name(err),
          sr_strerror(err), detail[0] ? " (" : "", detail,
          detail[0] ? ")" : "");
  exit(1);
}

/* Append text to out (bounded), counting the full length in *used. */
static void put(char *out, size_t size, size_t *used, const char *text) {
  size_t len = strlen(text);

  if (*used < size)
    snprintf(out + *used, size - *used, "%s", text);
  *used += len;
}

size_t example_bytes_repr(const void *data, size_t len, char *out,
                          size_t size) {
  const unsigned char *p = data;
  int has_single = len > 0 && memchr(p, '\'', len) != NULL;
  int has_double = len > 0 && memchr(p, '"', len) != NULL;
  char quote = has_single && !has_double ? '"' : '\'';
  char piece[8];
  size_t used = 0, i;

  if (size > 0)
    out[0] = '\0';
  snprintf(piece, sizeof piece, "b%c", quote);
  put(out, size, &used, piece);
  for (i = 0; i < len; i++) {
    unsigned char c = p[i];
    if (c == '\\' || c == (unsigned char)quote)
      snprintf(piece, sizeof piece, "\\%c", c);
    else if (c == '\t')
      snprintf(piece, sizeof piece, "\\t");
    else if (c == '\n')
      snprintf(piece, sizeof piece, "\\n");
    else if (c == '\r')
      snprintf(piece, sizeof piece, "\\r");
    else if (c < 0x20 || c >= 0x7f)
      snprintf(piece, sizeof piece, "\\x%02x", c);
    else
      snprintf(piece, sizeof piece, "%c", c);
    put(out, size, &used, piece);
  }
  snprintf(piece, sizeof piece, "%c", quote);
  put(out, size, &used, piece);
  return used;
}

void example_print_bytes_repr(const void *data, size_t len) {
  /* Every byte takes at most 4 characters, plus b, two quotes and NUL. */
  char *text = malloc(len * 4 + 4);

  if (text == NULL) {
    fprintf(stderr, "out of memory\n");
    exit(1);
  }
  example_bytes_repr(data, len, text, len * 4 + 4);
  fputs(text, stdout);
  free(text);
}
