/* Framing: reads '\n'-terminated lines of any length from stdin, keeping
 * at most AGENT_MAX_LINE bytes of one line in memory. */
#ifndef SOCKREF_AGENT_LINES_H
#define SOCKREF_AGENT_LINES_H

#include <stdbool.h>
#include <stddef.h>

typedef long (*line_source)(void *buf, size_t size);

typedef struct {
  line_source read;
  size_t max_line;
  char *buf;
  size_t cap;
  size_t start;    /* first byte of the current line */
  size_t len;      /* bytes held: [start, len) */
  size_t scanned;  /* bytes after start already searched for '\n' */
  bool eof;
} line_reader;

typedef enum {
  LINE_OK,        /* the line is returned (without its newline) */
  LINE_TOO_LONG,  /* a line over max_line was skipped entirely */
  LINE_EOF,       /* end of input (or a read error) */
} line_status;

void line_reader_init(line_reader *r, line_source read, size_t max_line);
void line_reader_free(line_reader *r);
/* The line stays valid until the next call. A last line without '\n' at
 * end of input is returned as a line. */
line_status line_reader_next(line_reader *r, const char **line, size_t *len);

#endif
