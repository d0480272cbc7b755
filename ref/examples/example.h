/* example.h - the little the seed's example programs share in C: argument
 * parsing, reporting a failed call the way an uncaught exception would end
 * the Python program, and Python's repr() of a bytes object. */
#ifndef SOCKREF_EXAMPLE_H
#define SOCKREF_EXAMPLE_H

#include <stddef.h>

#include "sockref.h"

/* Parse a port argument (0..65535); exits with status 2 on anything else. */
int example_port(const char *prog, const char *text);

/* Print "prog: what: NAME: message (detail)" on stderr and exit 1, as the
 * Python example would end with a traceback. Only for err < 0. */
void example_fail(const char *prog, const char *what, int err);

/* repr(bytes) as Python 3 prints it: b'...' with \\, \', \t, \n, \r and
 * \xNN escapes, or b"..." when the data hold ' but no ". Writes at most
 * size bytes (NUL included) and returns the full length, as snprintf. */
size_t example_bytes_repr(const void *data, size_t len, char *out,
                          size_t size);
/* Print it on stdout. */
void example_print_bytes_repr(const void *data, size_t len);

#endif
