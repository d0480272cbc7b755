/* Handles: the strings the harness names sockets and file objects by
 * ("s1", "c1", "f1"), mapped to library objects. Sockets and files live in
 * separate name spaces, as "sock" and "file" are separate request fields. */
#ifndef SOCKREF_AGENT_HANDLES_H
#define SOCKREF_AGENT_HANDLES_H

#include <stdbool.h>
#include <stddef.h>

#include "sockref.h"

#define HANDLE_NAME_MAX 256

typedef struct {
  char *name;
  void *object;
  bool text;    /* files: opened in text mode (reads answer strings) */
  bool closed;  /* files: file.close was called */
} handle_entry;

typedef struct {
  handle_entry *entries;
  size_t count;
  size_t cap;
} handle_list;

typedef struct {
  handle_list sockets;
  handle_list files;
} handle_table;

void handles_init(handle_table *t);

sr_socket *handles_socket(const handle_table *t, const char *name);
handle_entry *handles_file_entry(const handle_table *t, const char *name);

/* Whether a new object may be stored under name: nothing is stored there,
 * or what is stored is closed (a handle is reused, never overwritten while
 * the object under it is open). */
bool handles_socket_free(const handle_table *t, const char *name);
bool handles_file_free(const handle_table *t, const char *name);

/* Store an object under name. An object already stored under that name is
 * released first (as rebinding a Python name drops the old object).
 * Returns false only when memory is exhausted (the object is then NOT
 * stored and stays the caller's). */
bool handles_put_socket(handle_table *t, const char *name, sr_socket *s);
handle_entry *handles_put_file(handle_table *t, const char *name, sr_file *f);

/* Forget a socket (after detach) and free the object. */
void handles_drop_socket(handle_table *t, const char *name);

/* Close and free everything (files first: they hold their socket). */
void handles_clear(handle_table *t);

#endif
