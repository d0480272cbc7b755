/* The hello line's `capabilities`: derived from the constant table as this
 * build compiled it, so the hello can never promise a name the agent would
 * then answer `unsupported` for. */
#include "capabilities.h"

#include <stdio.h>
#include <string.h>

#include "constants.h"
#include "sockref.h"

#if !defined(_WIN32)
# include <unistd.h>
#endif

/* Option prefixes and their levels; the first matching prefix decides. */
static const struct {
  const char *prefix;
  const char *level;
} option_levels[] = {
    {"SO_", "SOL_SOCKET"},    {"TCP_", "IPPROTO_TCP"},
    {"IPV6_", "IPPROTO_IPV6"}, {"IP_", "IPPROTO_IP"},
    {"UDP_", "IPPROTO_UDP"},
};

/* Prefixes of names that look like options but are values or limits (the
 * arguments of IP_MTU_DISCOVER, header sizes, TCP_REPAIR's states). The
 * Python agent keeps the same list. */
static const char *const not_options[] = {
    "IP_DEFAULT_MULTICAST_", "IP_MAX_MEMBERSHIPS", "IP_PMTUDISC_",
    "IPV6_PMTUDISC_", "IPV6_RTHDR_LOOSE", "IPV6_RTHDR_STRICT",
    "IPV6_RTHDR_TYPE_", "TCP_COOKIE_IN_ALWAYS", "TCP_COOKIE_MAX",
    "TCP_COOKIE_MIN", "TCP_COOKIE_OUT_NEVER", "TCP_COOKIE_PAIR_SIZE",
    "TCP_MAXWIN", "TCP_MAX_WINSHIFT", "TCP_MD5SIG_FLAG_",
    "TCP_MD5SIG_MAXKEYLEN", "TCP_MSS", "TCP_REPAIR_OFF", "TCP_REPAIR_ON",
    "TCP_S_DATA_", "UDP_ENCAP_",
};

/* MSG_* names that are limits rather than flags. */
static const char *const not_flags[] = {"MSG_MAXIOVLEN"};

/* The families whose addresses the protocol carries (args.c converts no
 * others), and the socket types that go with them. */
static const char *const families[] = {"AF_INET", "AF_INET6", "AF_UNIX"};
static const char *const types[] = {"SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW",
                                    "SOCK_SEQPACKET"};

#define COUNT(array) (sizeof array / sizeof array[0])

static bool starts_with(const char *name, const char *prefix) {
  return strncmp(name, prefix, strlen(prefix)) == 0;
}

static bool starts_with_any(const char *name, const char *const *prefixes,
                            size_t n) {
  size_t i;
  for (i = 0; i < n; i++)
    if (starts_with(name, prefixes[i]))
      return true;
  return false;
}

static bool known(const char *name) {
  int64_t value;
  return constant_value(name, &value);
}

/* The level of an option name, or NULL when the name is no option (or its
 * level has no name in this build). */
static const char *option_level(const char *name) {
  size_t i;
  for (i = 0; i < COUNT(option_levels); i++) {
    if (!starts_with(name, option_levels[i].prefix))
      continue;
    if (starts_with_any(name, not_options, COUNT(not_options)) ||
        !known(option_levels[i].level))
      return NULL;
    return option_levels[i].level;
  }
  return NULL;
}

static void write_constants(json_writer *w) {
  size_t i, n = constant_count();
  json_write_begin_array(w);
  for (i = 0; i < n; i++)
    json_write_cstring(w, constant_name_at(i));
  json_write_end_array(w);
}

static void write_options(json_writer *w) {
  size_t i, n = constant_count();
  json_write_begin_array(w);
  for (i = 0; i < n; i++) {
    const char *name = constant_name_at(i);
    const char *level = option_level(name);
    if (level == NULL)
      continue;
    json_write_begin_array(w);
    json_write_cstring(w, level);
    json_write_cstring(w, name);
    json_write_end_array(w);
  }
  json_write_end_array(w);
}

static void write_flags(json_writer *w) {
  size_t i, n = constant_count();
  json_write_begin_array(w);
  for (i = 0; i < n; i++) {
    const char *name = constant_name_at(i);
    if (starts_with(name, "MSG_") &&
        !starts_with_any(name, not_flags, COUNT(not_flags)))
      json_write_cstring(w, name);
  }
  json_write_end_array(w);
}

static void write_known(json_writer *w, const char *const *names, size_t n) {
  size_t i;
  json_write_begin_array(w);
  for (i = 0; i < n; i++)
    if (known(names[i]))
      json_write_cstring(w, names[i]);
  json_write_end_array(w);
}

#if defined(__linux__)
/* Linux capability bits that raw sockets and network configuration need. */
# define CAP_BIT_NET_ADMIN 12
# define CAP_BIT_NET_RAW 13

/* Root in a container may lack the capabilities, and a non-root process may
 * hold them: the effective set decides. -1 when it cannot be read. */
static int privileged(void) {
  char line[256];
  int answer = -1;
  FILE *status = fopen("/proc/self/status", "r");
  if (status == NULL)
    return -1;
  while (fgets(line, sizeof line, status) != NULL) {
    unsigned long long caps;
    const unsigned long long need =
        (1ull << CAP_BIT_NET_ADMIN) | (1ull << CAP_BIT_NET_RAW);
    if (sscanf(line, "CapEff: %llx", &caps) == 1) {
      answer = (caps & need) == need;
      break;
    }
  }
  fclose(status);
  return answer;
}
#elif !defined(_WIN32)
static int privileged(void) { return geteuid() == 0; }
#else
/* An administrator token is not what the harness asks about (it probes
 * raw sockets through the agent): say nothing. */
static int privileged(void) { return -1; }
#endif

/* Only what this build can state for sure. kernel_settings is never said:
 * a user-space stack under libsockref would look the same from here, so
 * its launcher declares it. Windows may or may not have AF_UNIX (it came
 * with Windows 10 1803; Wine differs), so af_unix is left out there. */
static void write_platform(json_writer *w) {
  int priv = privileged();
  json_write_begin_object(w);
#if !defined(_WIN32)
  json_write_key(w, "af_unix");
  json_write_bool(w, known("AF_UNIX"));
  json_write_key(w, "abstract_unix");
# if defined(__linux__)
  json_write_bool(w, known("AF_UNIX"));
# else
  json_write_bool(w, false);
# endif
#endif
  json_write_key(w, "raw_sockets");
  json_write_bool(w, known("SOCK_RAW"));
  if (priv >= 0) {
    json_write_key(w, "privileged");
    json_write_bool(w, priv == 1);
  }
  json_write_end_object(w);
}

void capabilities_write(json_writer *w) {
  json_write_begin_object(w);
  json_write_key(w, "constants");
  write_constants(w);
  json_write_key(w, "options");
  write_options(w);
  json_write_key(w, "flags");
  write_flags(w);
  json_write_key(w, "families");
  write_known(w, families, COUNT(families));
  json_write_key(w, "types");
  write_known(w, types, COUNT(types));
  json_write_key(w, "platform");
  write_platform(w);
  json_write_end_object(w);
}
