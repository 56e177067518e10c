/*
 * fuzz_util.h - what the libFuzzer targets of tests/fuzz share: a check
 * that aborts with a message (a crash to libFuzzer, a failure to the
 * replay driver), the invariants every article and every reason must
 * hold, and a scratch directory for targets that need files.
 */
#ifndef GAZETTE_FUZZ_UTIL_H
#define GAZETTE_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "corpus.h"

/* The entry points libFuzzer (or replay_main.c) calls. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Print "file:line: check failed: ..." and abort(). */
void fuzz_fail(const char *file, int line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4), noreturn))
#endif
    ;

#define FUZZ_CHECK(cond)                                                     \
    do {                                                                     \
        if (!(cond))                                                         \
            fuzz_fail(__FILE__, __LINE__, "%s", #cond);                      \
    } while (0)

/* A corpus_article_fn that checks the article's invariants (see
 * fuzz_util.c) and counts it in *(size_t *)ctx. */
int fuzz_check_article(const corpus_article *a, void *ctx);

/* A corpus_warn_fn that checks a place and reason: one line each. */
void fuzz_check_reason(const char *where, const char *reason, void *ctx);

/* Checks on what corpus_read_file() returned: a known status, and a
 * one-line reason exactly when it is not CORPUS_OK. */
void fuzz_check_status(corpus_status s, const char *why, size_t narticles);

/* 1 when [s, s+len) holds a character that drives a terminal: a C0
 * control other than those in `allowed`, DEL, or a C1 control. */
int fuzz_has_unsafe(const char *s, size_t len, const char *allowed);

/* A directory of our own for the run (created on first use, removed at
 * exit). */
const char *fuzz_scratch_dir(void);

/* Read one of the text formats from memory through the whole reader
 * (everything but opening the file), with every check above. `relpath`
 * chooses the format. The reader's status; *articles gets the number of
 * articles read, `why` (whylen bytes) the reason of a status not ok. */
corpus_status fuzz_read_text(const char *relpath, const uint8_t *data,
                             size_t size, size_t *articles, char *why,
                             size_t whylen);

#endif
