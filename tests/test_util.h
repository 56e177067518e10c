/*
 * test_util.h - helpers shared by the cmocka tests: scratch directories,
 * writing files, and finding the shared corpora.
 */
#ifndef GAZETTE_TEST_UTIL_H
#define GAZETTE_TEST_UTIL_H

#include <stddef.h>
#include <sys/types.h>

/* Create a fresh scratch directory under $TMPDIR (or /tmp); returns a
 * malloc()ed path. Aborts the test program on failure. */
char *tu_mkdtemp(const char *tag);

/* dir/name in a static buffer; two buffers used in turn, so two results
 * may be used in one call. */
const char *tu_path_in(const char *dir, const char *name);

/* Remove `path` recursively (like rm -rf). Ignores errors. */
void tu_rmtree(const char *path);

/* Write `len` bytes to dir/name, creating parent directories. Aborts on
 * failure. */
void tu_write_file(const char *dir, const char *name, const void *data,
                   size_t len);

/* Write `text` gzip-compressed to dir/name. Aborts on failure. */
void tu_write_gzip(const char *dir, const char *name, const void *data,
                   size_t len);

/* Path of a file inside the source tree ($GAZETTE_SOURCE_DIR/rel), in a
 * static buffer. */
const char *tu_source_path(const char *rel);

/* Path of a built program: $GAZETTE_BINARY_DIR/bin/NAME, where NAME is
 * the last component of `rel` ("gazette-index"). Two static buffers used
 * in turn, so two results may be used in one call. */
const char *tu_binary(const char *rel);

/* Path of ../shared/corpora/<name> next to the source tree
 * ($GAZETTE_SHARED_CORPORA/<name> when that is set), or NULL when it is
 * absent. When absent and CI=true, fails the current test; otherwise the
 * caller should skip(). Only for measurements on the shared collections:
 * correctness tests generate their data (gen_corpus.h) or use
 * corpus/sample, and quality checks are best run through tu_quality_run,
 * whose skips ctest can see. */
const char *tu_shared_corpus(const char *name);

/* Exit status ctest reports as "Skipped" (SKIP_RETURN_CODE). */
#define TU_SKIP_EXIT 77

/* A quality measurement on one shared collection, run as its own ctest
 * entry ("PROGRAM NAME"): see tu_quality_run. */
typedef struct tu_quality {
    const char *name;     /* the argument selecting it */
    const char *corpus;   /* the collection it needs: "bbc", "adi", ... */
    void (*test)(void **state);
} tu_quality;

/* Run the check of `checks` (n of them) called `name` as a one-test cmocka
 * group and return the program's exit status. When its collection is
 * absent, print why and return TU_SKIP_EXIT, or 1 when CI=true (CI must
 * have the data). An unknown name returns 64. Inside the test,
 * tu_quality_corpus() is the collection's path. */
int tu_quality_run(const char *name, const tu_quality *checks, size_t n);

/* The path of the collection of the running quality check. */
const char *tu_quality_corpus(void);
/* The number of threads gazette-index is to use in the tests that honour
 * it ($GAZETTE_TEST_JOBS, e.g. "1" or "2"; ctest runs them at both), or
 * NULL for gazette-index's default (one per core). */
const char *tu_test_jobs(void);

/* 1 when the file dir/name holds `text` (any character; its first 64 KiB
 * are read), 0 when it does not or cannot be read. */
int tu_file_holds(const char *dir, const char *name, const char *text);

/* Start `program` with `argv` (NULL-terminated, argv[0] included),
 * stdout to the file `out` and stderr to `err` (both made anew); the
 * child's pid. The child exits 127 when it cannot redirect or exec. */
pid_t tu_spawn(const char *program, const char *const *argv,
               const char *out, const char *err);
/* tu_spawn with the environment `env` (NULL-terminated) instead of
 * ours. */
pid_t tu_spawn_env(const char *program, const char *const *argv,
                   char *const *env, const char *out, const char *err);

/* Run a shell command, return its exit status (or -1). */
int tu_run(const char *fmt, ...);

/* Run the shell command `cmd` with its stdout a pipe whose reader has
 * gone (as under '| head -1' once head has its line), SIGPIPE at its
 * default or ignored (`sigpipe_ignored`) as the parent leaves it: its
 * exit status, 128 + the signal that ended it, or -1 when it could not
 * be run. */
int tu_run_into_closed_pipe(const char *cmd, int sigpipe_ignored);

/* Use up every free file descriptor of the process (the soft limit is
 * first lowered to 256 so this stays cheap), so that the next open() fails
 * with EMFILE; tu_release_fds() closes them and restores the limit. Not
 * nestable. Returns how many were taken. */
int tu_exhaust_fds(void);

/* Run fn(ctx) without root's power to read anything: as root, in a child
 * process that first makes `dir` (a test's scratch directory) traversable
 * and then drops to user and group nobody (65534); otherwise directly.
 * Returns fn's result (a child that dies returns -1). fn must not use
 * cmocka assertions: it reports through its result. */
int tu_as_unprivileged(const char *dir, int (*fn)(void *ctx), void *ctx);
void tu_release_fds(void);

/* Whether `name` is one of the blank-separated test names in
 * $GAZETTE_TEST_SKIP. tests/memcheck/run.sh --suite lists there the cases
 * that cannot run under valgrind (its EXCLUDED table says why). */
int tu_skip_listed(const char *name);
/* At the top of such a test: skip it (cmocka's skip()) when listed. */
#define TU_SKIP_IF_LISTED()                                                   \
    do {                                                                      \
        if (tu_skip_listed(__func__))                                         \
            skip();                                                           \
    } while (0)

#endif
