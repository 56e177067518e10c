/* fuzz_util.c - see fuzz_util.h. */
#include "fuzz_util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "corpus_internal.h"

void fuzz_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s:%d: check failed: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

int fuzz_has_unsafe(const char *s, size_t len, const char *allowed)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len; i++) {
        if ((p[i] < 0x20 && !strchr(allowed, p[i])) || p[i] == 0x7F)
            return 1;
        if (p[i] == 0xC2 && i + 1 < len && p[i + 1] >= 0x80 &&
            p[i + 1] <= 0x9F)
            return 1;
    }
    return 0;
}

/* A one-line field: NULL allowed when `optional`; else valid UTF-8 with
 * nothing that drives a terminal, not even a tab or newline. */
static void check_field(const char *name, const char *s, int optional)
{
    if (!s) {
        if (!optional)
            fuzz_fail(__FILE__, __LINE__, "%s is NULL", name);
        return;
    }
    size_t n = strlen(s);
    if (!corpus_utf8_valid(s, n))
        fuzz_fail(__FILE__, __LINE__, "%s is not UTF-8", name);
    if (fuzz_has_unsafe(s, n, ""))
        fuzz_fail(__FILE__, __LINE__, "%s holds a control character: %s",
                  name, s);
}

/*
 * The article invariants (corpus.h): an id; a title and body that are
 * never NULL; every field valid UTF-8 without terminal controls (tab and
 * newline allowed in the body only); no NUL inside the body; tags never
 * NULL when counted.
 */
int fuzz_check_article(const corpus_article *a, void *ctx)
{
    FUZZ_CHECK(a->id && *a->id);
    check_field("title", a->title, 0);
    FUZZ_CHECK(a->body != NULL);
    FUZZ_CHECK(memchr(a->body, 0, a->body_len) == NULL);
    FUZZ_CHECK(corpus_utf8_valid(a->body, a->body_len));
    if (fuzz_has_unsafe(a->body, a->body_len, "\n\t"))
        fuzz_fail(__FILE__, __LINE__, "body holds a control character");
    check_field("date", a->date, 1);
    check_field("author", a->author, 1);
    check_field("source", a->source, 1);
    check_field("url", a->url, 1);
    FUZZ_CHECK(a->ntags == 0 || a->tags != NULL);
    for (size_t i = 0; i < a->ntags; i++)
        check_field("tag", a->tags[i], 0);
    if (ctx)
        (*(size_t *)ctx)++;
    return 0;
}

void fuzz_check_reason(const char *where, const char *reason, void *ctx)
{
    (void)ctx;
    FUZZ_CHECK(where && *where);
    FUZZ_CHECK(reason && *reason);
    FUZZ_CHECK(!fuzz_has_unsafe(reason, strlen(reason), ""));
}

void fuzz_check_status(corpus_status s, const char *why, size_t narticles)
{
    FUZZ_CHECK(strcmp(corpus_status_name(s), "unknown") != 0);
    FUZZ_CHECK(s != CORPUS_STOPPED);
    if (s == CORPUS_OK) {
        FUZZ_CHECK(why[0] == '\0');
        FUZZ_CHECK(narticles > 0);
    } else {
        FUZZ_CHECK(why[0] != '\0');
    }
    FUZZ_CHECK(!fuzz_has_unsafe(why, strlen(why), ""));
}

corpus_status fuzz_read_text(const char *relpath, const uint8_t *data,
                             size_t size, size_t *articles, char *why,
                             size_t whylen)
{
    corpus_file f = {.root = "fuzz", .path = "fuzz/input",
                     .relpath = relpath, .size = size};
    corpus_options o = {.on_bad_article = fuzz_check_reason,
                        .on_warning = fuzz_check_reason};
    *articles = 0;
    corpus_status s = corpus_read_memory(&f, &o, (const char *)data, size,
                                         fuzz_check_article, articles, why,
                                         whylen);
    fuzz_check_status(s, why, *articles);
    return s;
}

static char scratch[64];

static void remove_scratch(void)
{
    char cmd[128];
    if (scratch[0]) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", scratch);
    }
}

const char *fuzz_scratch_dir(void)
{
    if (!scratch[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(scratch, sizeof scratch, "%s/gazette-fuzz-XXXXXX",
                 tmp && *tmp && strlen(tmp) < 32 ? tmp : "/tmp");
        if (!mkdtemp(scratch)) {
            perror("mkdtemp");
            abort();
        }
        atexit(remove_scratch);
    }
    return scratch;
}
