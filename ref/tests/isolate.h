/* isolate.h - give a unit test name databases of its own, so that name
 * lookups are answered from files we write and never reach DNS.
 *
 * On Linux, run as root (or with CAP_SYS_ADMIN), isolate_names() moves the
 * test process into a private mount namespace and bind-mounts over
 *   /etc/hosts          the test's hosts text,
 *   /etc/nsswitch.conf  "hosts: files" (glibc asks no DNS server),
 *   /etc/resolv.conf    a loopback-only resolver with a 1 s timeout, in
 *                       case a libc (musl) asks DNS anyway.
 * Only this process sees the change; it ends with the process, and the
 * scratch files are unlinked at once, so nothing is left behind. Mount
 * propagation is made private first, so the mounts cannot leak out.
 *
 * (The ignored file system type is "none" rather than NULL so that
 * valgrind does not flag the argument.)
 *
 * Elsewhere it returns -1 and tests that need it skip. Call it before the
 * first lookup in the process (glibc reads nsswitch.conf once).
 */
#ifndef SOCKREF_TEST_ISOLATE_H
#define SOCKREF_TEST_ISOLATE_H

#include <stdio.h>
#include <string.h>

#if defined(__linux__)
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

/* The hosts file every isolated test sees. */
static const char isolate_hosts_[] =
    "127.0.0.1 localhost\n"
    "127.0.0.2 alpha.sockspec.test alpha alpha-alias\n"
    "127.0.0.3 beta\n"
    "::1 dual.sockspec.test\n"
    "127.0.0.1 dual.sockspec.test\n";

static int isolate_bind_text_(const char *text, const char *target) {
  char path[] = "/tmp/sockref-isolate-XXXXXX";
  struct stat st;
  size_t len = strlen(text);
  int fd, ok;

  if (stat(target, &st) != 0)
    return 0; /* this libc does not read it: nothing to replace */
  fd = mkstemp(path);
  if (fd < 0)
    return -1;
  ok = write(fd, text, len) == (ssize_t)len;
  close(fd);
  if (ok)
    ok = mount(path, target, "none", MS_BIND, NULL) == 0;
  unlink(path);
  return ok ? 0 : -1;
}

static int isolate_state_ = 0; /* 0 not tried, 1 isolated, -1 failed */

static int isolate_names(void) {
  if (isolate_state_ != 0)
    return isolate_state_ > 0 ? 0 : -1;
  isolate_state_ = -1;
  if (unshare(CLONE_NEWNS) != 0)
    return -1;
  if (mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) != 0)
    return -1;
  if (isolate_bind_text_(isolate_hosts_, "/etc/hosts") != 0 ||
      isolate_bind_text_("hosts: files\nservices: files\n"
                         "protocols: files\n",
                         "/etc/nsswitch.conf") != 0 ||
      isolate_bind_text_("nameserver 127.0.0.1\n"
                         "options timeout:1 attempts:1\n",
                         "/etc/resolv.conf") != 0)
    return -1;
  isolate_state_ = 1;
  return 0;
}
#else
static int isolate_names(void) { return -1; }
#endif

/* In a test function: skip unless the process has its own name files. */
#define REQUIRE_ISOLATED_NAMES()                                           \
  do {                                                                     \
    if (isolate_names() != 0)                                              \
      CHECK_SKIP("needs a private mount namespace (Linux, root) so that "  \
                 "lookups stay off DNS");                                  \
  } while (0)

#endif /* SOCKREF_TEST_ISOLATE_H */
