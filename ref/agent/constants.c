/* The constant table: names as the seed spells them, values from the
 * platform headers (through sockref.h, which includes them all). */
#include "constants.h"

#include <stddef.h>
#include <string.h>

#include "sockref.h"

#ifndef _WIN32
# include <netinet/udp.h>
#endif

typedef struct {
  const char *name;
  int64_t value;
} named_constant;

static const named_constant constants[] = {
#define CONSTANT(name) {#name, (int64_t)(name)},
#include "constants_table.inc"
#undef CONSTANT
};

#define CONSTANT_COUNT (sizeof constants / sizeof constants[0])

bool constant_value(const char *name, int64_t *value) {
  size_t i;
  for (i = 0; i < CONSTANT_COUNT; i++) {
    if (strcmp(constants[i].name, name) == 0) {
      *value = constants[i].value;
      return true;
    }
  }
  return false;
}

const char *constant_name(const char *prefix, int64_t value) {
  size_t i, n = strlen(prefix);
  for (i = 0; i < CONSTANT_COUNT; i++)
    if (constants[i].value == value && strncmp(constants[i].name, prefix, n) == 0)
      return constants[i].name;
  return NULL;
}

size_t constant_count(void) { return CONSTANT_COUNT; }

const char *constant_name_at(size_t index) {
  return index < CONSTANT_COUNT ? constants[index].name : NULL;
}
