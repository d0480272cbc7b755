/* library.c - start-up and shut-down of the library. */
#include <stdlib.h>

#include "internal.h"

static int initialised;

int sr_init(void) {
  int err;

  if (initialised)
    return 0;
  err = sr__os_init();
  if (err == 0)
    initialised = 1;
  return err;
}

void sr_cleanup(void) {
  if (!initialised)
    return;
  sr__os_cleanup();
  initialised = 0;
}

void sr_free(void *p) { free(p); }
