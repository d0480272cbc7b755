/* file.c - makefile(): a buffered file object on top of a socket.
 *
 * Read data accumulate in one growable buffer and are handed out only
 * when a call succeeds, so a timeout or error in the middle of read() or
 * readline() loses nothing: the next call sees the same bytes. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define DEFAULT_BUFFER_SIZE 8192

struct sr_file {
  sr_socket *sock;
  int readable;
  int writable;
  int closed;
  int line_buffered;
  size_t bufsize;   /* 0: unbuffered */
  char *rbuf;       /* unread data: rbuf[rpos..rlen) */
  size_t rpos, rlen, rcap;
  int eof;          /* the peer shut down its side */
  char *wbuf;       /* data written but not yet sent */
  size_t wlen, wcap;
};

static int parse_mode(const char *mode, int *readable, int *writable,
                      int *binary) {
  const char *p;

  *readable = *writable = *binary = 0;
  for (p = mode; *p; p++) {
    if (*p == 'r')
      *readable = 1;
    else if (*p == 'w')
      *writable = 1;
    else if (*p == 'b')
      *binary = 1;
    else
      return sr__detail(SR_EVALUE, "invalid mode '%s' (only r, w, b allowed)",
                        mode);
  }
  if (!*readable && !*writable)
    return sr__detail(SR_EVALUE, "invalid mode: '%s'", mode);
  return 0;
}

int sr_makefile(sr_socket *s, sr_file **out, const char *mode,
                int buffering) {
  int readable, writable, binary;
  int err = sr__socket_check(s);
  sr_file *f;

  if (err < 0)
    return err;
  if ((err = parse_mode(mode ? mode : "r", &readable, &writable, &binary)) <
      0)
    return err;
  if (buffering == 0 && !binary)
    return sr__detail(SR_EVALUE, "unbuffered streams must be binary");
  f = calloc(1, sizeof(*f));
  if (f == NULL)
    return SR_ENOMEM;
  f->sock = s;
  f->readable = readable;
  f->writable = writable;
  f->line_buffered = buffering == 1;
  if (buffering < 0 || buffering == 1)
    f->bufsize = DEFAULT_BUFFER_SIZE;
  else
    f->bufsize = (size_t)buffering;
  sr__socket_io_ref(s);
  *out = f;
  return 0;
}

static int check_open(const sr_file *f) {
  if (f == NULL || f->closed)
    return sr__detail(SR_EVALUE, "I/O operation on closed file");
  return 0;
}

static int reserve(char **buf, size_t *cap, size_t need) {
  size_t cap2 = *cap ? *cap : 64;
  char *p;

  if (need <= *cap)
    return 0;
  while (cap2 < need)
    cap2 *= 2;
  p = realloc(*buf, cap2);
  if (p == NULL)
    return SR_ENOMEM;
  *buf = p;
  *cap = cap2;
  return 0;
}

static size_t unread(const sr_file *f) { return f->rlen - f->rpos; }

/* Receive more data into the read buffer: up to `want` bytes unbuffered
 * (never consuming more than the caller asked for), at least a buffer's
 * worth otherwise. Returns the count (0 at EOF) or an error. */
static int fill(sr_file *f, size_t want) {
  size_t chunk = f->bufsize == 0 ? want : (want > f->bufsize ? want
                                                             : f->bufsize);
  int n, err;

  if (f->rpos > 0 && f->rpos == f->rlen)
    f->rpos = f->rlen = 0;
  if ((err = reserve(&f->rbuf, &f->rcap, f->rlen + chunk)) < 0)
    return err;
  n = sr__file_recv(f->sock, f->rbuf + f->rlen, chunk);
  if (n < 0)
    return n;
  if (n == 0)
    f->eof = 1;
  f->rlen += (size_t)n;
  return n;
}

/* Hand out count bytes from the read buffer as a new string. */
static int take(sr_file *f, size_t count, char **data, size_t *len) {
  char *p = malloc(count + 1);

  if (p == NULL)
    return SR_ENOMEM;
  if (count > 0) /* rbuf may still be NULL when count is 0 */
    memcpy(p, f->rbuf + f->rpos, count);
  p[count] = '\0';
  f->rpos += count;
  *data = p;
  *len = count;
  return 0;
}

static int check_readable(const sr_file *f) {
  int err = check_open(f);

  if (err < 0)
    return err;
  if (!f->readable)
    return sr__detail(SR_EVALUE, "File not open for reading");
  return 0;
}

int sr_file_read(sr_file *f, long long size, char **data, size_t *len) {
  int err = check_readable(f);

  if (err < 0)
    return err;
  if (size < 0) {
    while (!f->eof)
      if ((err = fill(f, f->bufsize ? f->bufsize : DEFAULT_BUFFER_SIZE)) < 0)
        return err;
    return take(f, unread(f), data, len);
  }
  /* Unbuffered: one receive, like the raw SocketIO; buffered: until size
   * bytes or EOF, like BufferedReader. */
  if (f->bufsize == 0) {
    if (unread(f) == 0 && size > 0 && !f->eof &&
        (err = fill(f, (size_t)size)) < 0)
      return err;
  } else {
    while (unread(f) < (size_t)size && !f->eof)
      if ((err = fill(f, (size_t)size - unread(f))) < 0)
        return err;
  }
  return take(f, unread(f) < (size_t)size ? unread(f) : (size_t)size, data,
              len);
}

int sr_file_readline(sr_file *f, long long limit, char **data,
                     size_t *len) {
  size_t scanned = 0;
  int err = check_readable(f);

  if (err < 0)
    return err;
  for (;;) {
    /* rbuf is NULL until the first fill (unbuffered files). */
    const char *start = f->rbuf != NULL ? f->rbuf + f->rpos : NULL;
    const char *nl;
    size_t avail = unread(f);

    if (limit >= 0 && avail >= (size_t)limit)
      avail = (size_t)limit;
    nl = avail > scanned ? memchr(start + scanned, '\n', avail - scanned)
                         : NULL;
    if (nl != NULL)
      return take(f, (size_t)(nl - start) + 1, data, len);
    if ((limit >= 0 && avail == (size_t)limit) || f->eof)
      return take(f, avail, data, len);
    scanned = avail;
    /* Unbuffered files read byte by byte so that nothing after the line
     * is taken from the socket. */
    if ((err = fill(f, f->bufsize == 0 ? 1 : f->bufsize)) < 0)
      return err;
  }
}

/* Send the whole write buffer; on error the unsent rest stays buffered. */
static int flush_buffer(sr_file *f) {
  size_t sent = 0;
  int n = 0;

  while (sent < f->wlen) {
    n = sr__file_send(f->sock, f->wbuf + sent, f->wlen - sent);
    if (n < 0)
      break;
    sent += (size_t)n;
  }
  if (f->wlen > sent) /* wbuf may be NULL when nothing was written */
    memmove(f->wbuf, f->wbuf + sent, f->wlen - sent);
  f->wlen -= sent;
  return n < 0 ? n : 0;
}

int sr_file_write(sr_file *f, const void *data, size_t len) {
  int err = check_open(f);

  if (err < 0)
    return err;
  if (!f->writable)
    return sr__detail(SR_EVALUE, "File not open for writing");
  if (f->bufsize == 0)
    return sr__file_send(f->sock, data, len);
  if ((err = reserve(&f->wbuf, &f->wcap, f->wlen + len)) < 0)
    return err;
  memcpy(f->wbuf + f->wlen, data, len);
  f->wlen += len;
  if (f->wlen >= f->bufsize ||
      (f->line_buffered && memchr(data, '\n', len) != NULL))
    if ((err = flush_buffer(f)) < 0)
      return err;
  return len > 0x7fffffff ? 0x7fffffff : (int)len;
}

int sr_file_flush(sr_file *f) {
  int err = check_open(f);

  if (err < 0)
    return err;
  return f->writable ? flush_buffer(f) : 0;
}

int sr_file_close(sr_file *f) {
  int err = 0, err2;

  if (f == NULL || f->closed)
    return 0;
  if (f->writable && f->wlen > 0)
    err = flush_buffer(f);
  f->closed = 1;
  free(f->rbuf);
  free(f->wbuf);
  f->rbuf = f->wbuf = NULL;
  f->rpos = f->rlen = f->rcap = f->wlen = f->wcap = 0;
  err2 = sr__socket_io_unref(f->sock);
  return err < 0 ? err : err2;
}

void sr_file_free(sr_file *f) {
  if (f == NULL)
    return;
  sr_file_close(f);
  sr__socket_mem_unref(f->sock);
  free(f);
}
