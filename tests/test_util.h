/*
 * test_util.h - helpers shared by the cmocka tests: scratch directories,
 * writing files, and finding the shared corpora.
 */
#ifndef GAZETTE_TEST_UTIL_H
#define GAZETTE_TEST_UTIL_H

#include <stddef.h>

/* Create a fresh scratch directory under $TMPDIR (or /tmp); returns a
 * malloc()ed path. Aborts the test program on failure. */
char *tu_mkdtemp(const char *tag);

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

/* Path of ../shared/corpora/<name> next to the source tree, or NULL when it
 * is absent. When absent and CI=true, fails the current test; otherwise the
 * caller should skip() visibly. */
const char *tu_shared_corpus(const char *name);

/* The number of threads gazette-index is to use in the tests that honour
 * it ($GAZETTE_TEST_JOBS, e.g. "1" or "2"; ctest runs them at both), or
 * NULL for gazette-index's default (one per core). */
const char *tu_test_jobs(void);

/* Run a shell command, return its exit status (or -1). */
int tu_run(const char *fmt, ...);

#endif
