/* getfqdn(): the seed's algorithm. Look the name up with gethostbyaddr()
 * (the local host when the name is omitted or empty), take the first of
 * its primary name and then its aliases that contains a period; when there
 * is none, the seed says gethostname()'s answer is returned.
 *
 * CPython differs in two places, recorded in docs/reference-api.md: with
 * no dotted name it returns gethostbyaddr()'s primary name, and when the
 * lookup itself fails it returns the name it was given. We follow the
 * seed for the first and CPython for the second (the seed is silent). */
#include <string.h>

#include "internal.h"
#include "lookup.h"

static int copy_out(const char *name, char *out, size_t outlen) {
  if (strlen(name) >= outlen)
    return sr__detail(SR_EVALUE, "name does not fit in %u bytes",
                      (unsigned)outlen);
  strcpy(out, name);
  return 0;
}

/* The first name of the hostent with a period in it, or NULL. */
static const char *first_dotted(const sr_hostent *h) {
  size_t i;

  if (strchr(h->name, '.') != NULL)
    return h->name;
  for (i = 0; i < h->n_aliases; i++)
    if (strchr(h->aliases[i], '.') != NULL)
      return h->aliases[i];
  return NULL;
}

int sr_getfqdn(const char *name, char *out, size_t outlen) {
  char local[SR_HOST_MAX];
  const char *lookup = name, *found;
  sr_hostent h;
  int err;

  if (out == NULL)
    return sr__detail(SR_EVALUE, "getfqdn() needs a buffer");
  /* CPython also treats "0.0.0.0" as "this host". */
  if (name == NULL || name[0] == '\0' || strcmp(name, "0.0.0.0") == 0) {
    err = sr_gethostname(local, sizeof local);
    if (err < 0)
      return err;
    lookup = local;
  }
  if (sr_gethostbyaddr(lookup, &h) < 0)
    return copy_out(lookup, out, outlen);
  found = first_dotted(&h);
  if (found != NULL)
    err = copy_out(found, out, outlen);
  else if (lookup == local)
    err = copy_out(local, out, outlen);
  else
    err = sr_gethostname(out, outlen);
  sr_hostent_free(&h);
  return err;
}
