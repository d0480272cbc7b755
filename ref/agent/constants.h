/* Constant names <-> the platform's values (AF_*, SOCK_*, SO_*, ...).
 * Requests name constants ("AF_INET6"); results name families and types. */
#ifndef SOCKREF_AGENT_CONSTANTS_H
#define SOCKREF_AGENT_CONSTANTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Value of a constant by its exact name; false if this platform has no
 * such constant. */
bool constant_value(const char *name, int64_t *value);

/* Preferred name of `value` among the constants whose names start with
 * `prefix` ("AF_", "SOCK_"); NULL if none has that value. */
const char *constant_name(const char *prefix, int64_t value);

/* Number of known constants, and the i-th name (for diagnostics). */
size_t constant_count(void);
const char *constant_name_at(size_t index);

#endif
