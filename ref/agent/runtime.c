/* The runtime description of the hello line. The C library is told apart
 * at compile time (glibc announces itself; musl deliberately does not, so a
 * Linux libc that is not glibc, uClibc or Bionic is musl). musl has no
 * version call either: the build asks its loader (CMakeLists.txt) and
 * passes the answer as SOCKREF_MUSL_VERSION. */
#include "runtime.h"

#include <stdio.h>
#include <string.h>

#if defined(__GLIBC__)
# include <gnu/libc-version.h>
#endif
#if defined(_WIN32)
# include <windows.h>
#endif
#if !defined(_WIN32)
# include <sys/utsname.h>
#endif

/* Set by the build from the project version (libsockref has no version
 * call of its own). */
#ifndef SOCKREF_IMPL_VERSION
# define SOCKREF_IMPL_VERSION "0.0.0"
#endif

static void describe_os(agent_runtime *rt) {
#if defined(_WIN32)
  snprintf(rt->os, sizeof rt->os, "windows");
#elif defined(__linux__)
  snprintf(rt->os, sizeof rt->os, "linux");
#elif defined(__APPLE__)
  snprintf(rt->os, sizeof rt->os, "darwin");
#elif defined(__FreeBSD__)
  snprintf(rt->os, sizeof rt->os, "freebsd");
#elif defined(__OpenBSD__)
  snprintf(rt->os, sizeof rt->os, "openbsd");
#elif defined(__NetBSD__)
  snprintf(rt->os, sizeof rt->os, "netbsd");
#else
  snprintf(rt->os, sizeof rt->os, "unknown");
#endif
}

static void describe_libc(agent_runtime *rt) {
#if defined(__GLIBC__)
  snprintf(rt->libc, sizeof rt->libc, "glibc %s", gnu_get_libc_version());
#elif defined(__UCLIBC__)
  snprintf(rt->libc, sizeof rt->libc, "uclibc");
#elif defined(__BIONIC__)
  snprintf(rt->libc, sizeof rt->libc, "bionic");
#elif defined(__linux__) && defined(SOCKREF_MUSL_VERSION)
  snprintf(rt->libc, sizeof rt->libc, "musl %s", SOCKREF_MUSL_VERSION);
#elif defined(__linux__)
  snprintf(rt->libc, sizeof rt->libc, "musl");
#elif defined(_UCRT)
  snprintf(rt->libc, sizeof rt->libc, "ucrt");
#elif defined(_WIN32)
  snprintf(rt->libc, sizeof rt->libc, "msvcrt");
#elif defined(__APPLE__)
  snprintf(rt->libc, sizeof rt->libc, "libSystem");
#else
  snprintf(rt->libc, sizeof rt->libc, "libc");
#endif
}

static void describe_arch(agent_runtime *rt) {
#if defined(_WIN32)
# if defined(_M_ARM64) || defined(__aarch64__)
  snprintf(rt->arch, sizeof rt->arch, "aarch64");
# elif defined(_M_X64) || defined(__x86_64__)
  snprintf(rt->arch, sizeof rt->arch, "x86_64");
# else
  snprintf(rt->arch, sizeof rt->arch, "x86");
# endif
#else
  struct utsname u;
  if (uname(&u) == 0)
    snprintf(rt->arch, sizeof rt->arch, "%s", u.machine);
  else
    snprintf(rt->arch, sizeof rt->arch, "unknown");
#endif
}

#if defined(_WIN32)
static void add_layer(agent_runtime *rt, const char *name, const char *version) {
  agent_layer *layer;
  if (rt->layer_count >= AGENT_MAX_LAYERS)
    return;
  layer = &rt->layers[rt->layer_count++];
  snprintf(layer->name, sizeof layer->name, "%s", name);
  snprintf(layer->version, sizeof layer->version, "%s", version);
}
#endif

/* Layers the agent can see from inside. Wine exports its version from its
 * ntdll, which Windows' ntdll lacks. Others (gVisor, say) cannot be told
 * apart reliably from inside; whoever launches the agent declares them. */
static void describe_layers(agent_runtime *rt) {
#if defined(_WIN32)
  typedef const char *(__cdecl * wine_version_fn)(void);
  HMODULE ntdll = GetModuleHandleA("ntdll.dll");
  FARPROC found = ntdll != NULL ? GetProcAddress(ntdll, "wine_get_version")
                                : NULL;
  if (found != NULL) {
    /* Through void (*)(void), the cast GCC accepts between unrelated
     * function pointer types. */
    wine_version_fn wine_get_version =
        (wine_version_fn)(void (*)(void))found;
    const char *version = wine_get_version();
    add_layer(rt, "wine", version != NULL ? version : "");
  }
#else
  (void)rt;
#endif
}

void runtime_describe(agent_runtime *rt) {
  memset(rt, 0, sizeof *rt);
  snprintf(rt->impl_version, sizeof rt->impl_version, "%s",
           SOCKREF_IMPL_VERSION);
  describe_os(rt);
  describe_libc(rt);
  describe_arch(rt);
  describe_layers(rt);
}
