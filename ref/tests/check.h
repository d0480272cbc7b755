/* check.h - the tiny test framework of the libsockref unit tests.
 *
 * A test file defines void functions and ends with
 *
 *   static const check_test tests[] = { CHECK_TEST(test_a),
 *                                       CHECK_TEST(test_b) };
 *   CHECK_MAIN(tests)
 *
 * A failed check prints file:line, the expression and both values, and
 * ends the current test (longjmp); the other tests still run. CHECK_SKIP
 * ends it as skipped. The binary exits 0 when every test passed (or was
 * skipped), 1 if any failed, and 77 (CTest SKIP_RETURN_CODE) when all were
 * skipped. Run one test with `test_x name`; `test_x --list` prints the
 * table's names, one a line.
 *
 * CTest runs every test function as its own entry, unit.<file>.<name>
 * (ref/cmake/CheckTests.cmake reads the CHECK_TEST entries from the source
 * at configure time, since cross and emulated builds cannot run the binary
 * then). Limits: 120 s; a line "ctest-timeout: N" in the file sets another
 * for all its tests, "ctest-timeout(test_x): N" for one test. Keep the
 * table free of #if: skip at run time with CHECK_SKIP instead, so that the
 * names in the source are the names in the binary. The entry
 * unit.<file>.table runs `test_x --expect <registered names>` and fails
 * if the two lists differ, so no test can go missing unnoticed.
 *
 * Values that can fail to be initialised before a longjmp must not be read
 * after it; tests keep their state local and clean up at the end, so a
 * failing test may leak (and valgrind may say so) - a passing one must not.
 */
#ifndef SOCKREF_CHECK_H
#define SOCKREF_CHECK_H

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockref.h"

typedef struct check_test {
  const char *name;
  void (*fn)(void);
} check_test;

#define CHECK_TEST(fn) { #fn, fn }

enum { CHECK_PASS_ = 0, CHECK_FAIL_ = 1, CHECK_SKIP_ = 2 };

/* One runner state per process (each test file is its own binary). */
static jmp_buf check_jmp_;
static const char *check_current_ = "";

static inline void check_end_(int status) { longjmp(check_jmp_, status); }

static inline void check_fail_head_(const char *file, int line,
                                    const char *what) {
  fprintf(stderr, "%s:%d: %s: check failed: %s\n", file, line,
          check_current_, what);
}

#define CHECK(expr)                                                        \
  do {                                                                     \
    if (!(expr)) {                                                         \
      check_fail_head_(__FILE__, __LINE__, #expr);                         \
      check_end_(CHECK_FAIL_);                                             \
    }                                                                      \
  } while (0)

#define CHECK_EQ(a, b)                                                     \
  do {                                                                     \
    long long check_a_ = (long long)(a), check_b_ = (long long)(b);        \
    if (check_a_ != check_b_) {                                            \
      check_fail_head_(__FILE__, __LINE__, #a " == " #b);                  \
      fprintf(stderr, "    %lld != %lld\n", check_a_, check_b_);           \
      check_end_(CHECK_FAIL_);                                             \
    }                                                                      \
  } while (0)

/* Compare two doubles with an absolute tolerance. */
#define CHECK_NEAR(a, b, tol)                                              \
  do {                                                                     \
    double check_a_ = (a), check_b_ = (b);                                 \
    if (!(check_a_ - check_b_ <= (tol) && check_b_ - check_a_ <= (tol))) { \
      check_fail_head_(__FILE__, __LINE__, #a " ~= " #b);                  \
      fprintf(stderr, "    %.6f vs %.6f (tolerance %g)\n", check_a_,       \
              check_b_, (double)(tol));                                    \
      check_end_(CHECK_FAIL_);                                             \
    }                                                                      \
  } while (0)

/* A libsockref call that must succeed (>= 0); evaluates to nothing. */
#define CHECK_OK(expr)                                                     \
  do {                                                                     \
    long long check_r_ = (long long)(expr);                                \
    if (check_r_ < 0) {                                                    \
      check_fail_head_(__FILE__, __LINE__, #expr " >= 0");                 \
      fprintf(stderr, "    got %lld (%s: %s) %s\n", check_r_,            \
              sr_err_name((int)check_r_), sr_strerror((int)check_r_),     \
              sr_last_detail());                                           \
      check_end_(CHECK_FAIL_);                                             \
    }                                                                      \
  } while (0)

/* A libsockref call that must fail with exactly `code`. */
#define CHECK_ERR(expr, code)                                              \
  do {                                                                     \
    long long check_r_ = (long long)(expr);                                \
    int check_c_ = (code);                                                 \
    if (check_r_ != check_c_) {                                            \
      check_fail_head_(__FILE__, __LINE__, #expr " == " #code);            \
      fprintf(stderr, "    got %lld (%s), expected %d (%s)\n", check_r_,  \
              check_r_ < 0 ? sr_err_name((int)check_r_) : "success",      \
              check_c_, sr_err_name(check_c_));                            \
      check_end_(CHECK_FAIL_);                                             \
    }                                                                      \
  } while (0)

#define CHECK_STR_EQ(a, b)                                                 \
  do {                                                                     \
    const char *check_a_ = (a), *check_b_ = (b);                           \
    if (strcmp(check_a_, check_b_) != 0) {                                 \
      check_fail_head_(__FILE__, __LINE__, #a " == " #b);                  \
      fprintf(stderr, "    \"%s\" != \"%s\"\n", check_a_, check_b_);      \
      check_end_(CHECK_FAIL_);                                             \
    }                                                                      \
  } while (0)

#define CHECK_MEM_EQ(a, b, n)                                              \
  do {                                                                     \
    if (memcmp((a), (b), (n)) != 0) {                                      \
      check_fail_head_(__FILE__, __LINE__, "memcmp(" #a ", " #b ") == 0"); \
      check_end_(CHECK_FAIL_);                                             \
    }                                                                      \
  } while (0)

/* End the current test as skipped, with a reason. */
#define CHECK_SKIP(reason)                                                 \
  do {                                                                     \
    fprintf(stderr, "%s: skipped: %s\n", check_current_, (reason));       \
    check_end_(CHECK_SKIP_);                                               \
  } while (0)

static inline int check_find_(const check_test *tests, size_t n,
                              const char *name) {
  size_t i;

  for (i = 0; i < n; i++)
    if (strcmp(tests[i].name, name) == 0)
      return 1;
  return 0;
}

static inline int check_in_names_(const char *name, int count,
                                  char **names) {
  int k;

  for (k = 0; k < count; k++)
    if (strcmp(names[k], name) == 0)
      return 1;
  return 0;
}

static inline int check_list_(const check_test *tests, size_t n) {
  size_t i;

  for (i = 0; i < n; i++)
    printf("%s\n", tests[i].name);
  return 0;
}

/* `--expect name...`: 0 iff the names are exactly the table's. CTest's
 * list comes from scanning the source; a name the scan missed would never
 * run, and one it invented would fail as "no test named". */
static inline int check_expect_(const check_test *tests, size_t n,
                                int count, char **names) {
  size_t i;
  int k, differ = 0;

  for (i = 0; i < n; i++)
    if (!check_in_names_(tests[i].name, count, names)) {
      fprintf(stderr, "%s: in the table, but has no CTest entry\n",
              tests[i].name);
      differ = 1;
    }
  for (k = 0; k < count; k++)
    if (!check_find_(tests, n, names[k])) {
      fprintf(stderr, "%s: has a CTest entry, but is not in the table\n",
              names[k]);
      differ = 1;
    }
  return differ;
}

static inline int check_run_(const check_test *tests, size_t n, int argc,
                             char **argv) {
  /* volatile: these live across setjmp/longjmp, whose return leaves
   * non-volatile locals modified in between indeterminate. */
  volatile size_t i, ran = 0;
  volatile int failed = 0, skipped = 0;
  volatile int status;

  setvbuf(stdout, NULL, _IONBF, 0);
  for (i = 0; i < n; i++) {
    if (argc > 1 && strcmp(argv[1], tests[i].name) != 0)
      continue;
    ran++;
    check_current_ = tests[i].name;
    status = setjmp(check_jmp_);
    if (status == 0) {
      tests[i].fn();
      status = CHECK_PASS_;
    }
    if (status == CHECK_FAIL_)
      failed++;
    if (status == CHECK_SKIP_)
      skipped++;
    printf("%s %zu - %s%s\n", status == CHECK_FAIL_ ? "not ok" : "ok", ran,
           tests[i].name, status == CHECK_SKIP_ ? " # SKIP" : "");
  }
  if (ran == 0) {
    fprintf(stderr, "no test named %s\n", argc > 1 ? argv[1] : "(any)");
    return 1;
  }
  printf("1..%zu\n", ran);
  if (failed)
    return 1;
  return (size_t)skipped == ran ? 77 : 0;
}

static inline int check_main_(const check_test *tests, size_t n, int argc,
                              char **argv) {
  if (argc == 2 && strcmp(argv[1], "--list") == 0)
    return check_list_(tests, n);
  if (argc >= 2 && strcmp(argv[1], "--expect") == 0)
    return check_expect_(tests, n, argc - 2, argv + 2);
  return check_run_(tests, n, argc, argv);
}

#define CHECK_MAIN(table)                                                  \
  int main(int argc, char **argv) {                                        \
    int check_rc_;                                                         \
    if (sr_init() < 0) {                                                   \
      fprintf(stderr, "sr_init failed\n");                                 \
      return 1;                                                            \
    }                                                                      \
    check_rc_ = check_main_((table), sizeof(table) / sizeof((table)[0]),   \
                            argc, argv);                                   \
    sr_cleanup();                                                          \
    return check_rc_;                                                      \
  }

#endif /* SOCKREF_CHECK_H */
