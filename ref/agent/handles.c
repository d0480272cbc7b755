/* The handle table: small linear lists, as a scenario holds a few dozen
 * objects at most. */
#include "handles.h"

#include <stdlib.h>
#include <string.h>

void handles_init(handle_table *t) { memset(t, 0, sizeof *t); }

static handle_entry *find(const handle_list *list, const char *name) {
  size_t i;
  for (i = 0; i < list->count; i++)
    if (strcmp(list->entries[i].name, name) == 0)
      return &list->entries[i];
  return NULL;
}

sr_socket *handles_socket(const handle_table *t, const char *name) {
  handle_entry *e = find(&t->sockets, name);
  return e ? e->object : NULL;
}

handle_entry *handles_file_entry(const handle_table *t, const char *name) {
  return find(&t->files, name);
}

bool handles_socket_free(const handle_table *t, const char *name) {
  handle_entry *e = find(&t->sockets, name);
  return e == NULL || sr_fileno(e->object) == SR_INVALID_SOCK;
}

bool handles_file_free(const handle_table *t, const char *name) {
  handle_entry *e = find(&t->files, name);
  return e == NULL || e->closed;
}

typedef void (*free_fn)(void *object);

static void free_socket(void *object) { sr_socket_free(object); }
static void free_file(void *object) { sr_file_free(object); }

static handle_entry *put(handle_list *list, const char *name, void *object,
                         free_fn free_object) {
  handle_entry *e = find(list, name);
  char *copy;

  if (e != NULL) {
    free_object(e->object);
    e->object = object;
    e->text = e->closed = false;
    return e;
  }
  if (list->count == list->cap) {
    size_t cap = list->cap ? list->cap * 2 : 16;
    handle_entry *grown = realloc(list->entries, cap * sizeof *grown);
    if (grown == NULL)
      return NULL;
    list->entries = grown;
    list->cap = cap;
  }
  copy = malloc(strlen(name) + 1);
  if (copy == NULL)
    return NULL;
  strcpy(copy, name);
  e = &list->entries[list->count++];
  e->name = copy;
  e->object = object;
  e->text = e->closed = false;
  return e;
}

bool handles_put_socket(handle_table *t, const char *name, sr_socket *s) {
  return put(&t->sockets, name, s, free_socket) != NULL;
}

handle_entry *handles_put_file(handle_table *t, const char *name, sr_file *f) {
  return put(&t->files, name, f, free_file);
}

void handles_drop_socket(handle_table *t, const char *name) {
  handle_entry *e = find(&t->sockets, name);
  if (e == NULL)
    return;
  sr_socket_free(e->object);
  free(e->name);
  *e = t->sockets.entries[--t->sockets.count];
}

static void clear(handle_list *list, free_fn free_object) {
  size_t i;
  for (i = 0; i < list->count; i++) {
    free_object(list->entries[i].object);
    free(list->entries[i].name);
  }
  free(list->entries);
  memset(list, 0, sizeof *list);
}

void handles_clear(handle_table *t) {
  clear(&t->files, free_file);
  clear(&t->sockets, free_socket);
}
