/*
 * corpus_internal.h - what the files of corpus/ share and nobody else sees.
 *
 * Reading a file happens in two stages:
 *
 *   read.c      loads the bytes (plain or through zlib), enforces the size
 *               limit, rejects binary data, fixes the encoding (UTF-8, else
 *               Windows-1252), strips a BOM and turns CRLF/CR into LF. The
 *               result is a corpus_buf of clean UTF-8 text.
 *   read_*.c    one file per format turns that text into articles.
 *
 * Adding a format (say Markdown):
 *   1. write read_md.c with `corpus_status corpus_parse_md(CORPUS_PARSE_ARGS)`
 *      and declare it below;
 *   2. add one line { ".md", corpus_parse_md } to the format table in read.c
 *      (that table is also what corpus_is_supported() consults, so the walk
 *      picks the new files up, with and without ".gz");
 *   3. list read_md.c in CMakeLists.txt.
 */
#ifndef GAZETTE_CORPUS_INTERNAL_H
#define GAZETTE_CORPUS_INTERNAL_H

#include "corpus.h"

#include <stddef.h>

/* A loaded file. `data` is malloc()ed, owned by whoever holds the struct,
 * and always NUL-terminated at data[len] (the terminator is not counted).
 * Once read.c has prepared it the text is valid UTF-8, has no BOM, no NUL
 * bytes and only LF line ends. */
typedef struct corpus_buf {
    char *data;
    size_t len;
} corpus_buf;

/* Signature of a format parser.
 *
 *   file        the file being read (its relpath is the article id base)
 *   text        the prepared text; the parser may modify text->data in
 *               place (e.g. write NULs to terminate fields) but must not
 *               free or reallocate it: read.c frees it afterwards
 *   on_article  called once per article; everything passed to it may point
 *               into `text` and only has to stay valid during the call
 *   why/whylen  where to put a one-line reason on a skip (corpus_why())
 *
 * Returns CORPUS_OK, a CORPUS_SKIP_* status (with `why` filled in),
 * CORPUS_ERR_NOMEM, or CORPUS_STOPPED when on_article returned non-zero. */
#define CORPUS_PARSE_ARGS                                                   \
    const corpus_file *file, corpus_buf *text, corpus_article_fn on_article, \
        void *ctx, char *why, size_t whylen

typedef corpus_status (*corpus_parse_fn)(CORPUS_PARSE_ARGS);

/* The formats (one read_<fmt>.c each). */
corpus_status corpus_parse_txt(CORPUS_PARSE_ARGS);

/* printf-style write of a one-line reason into why[whylen] (nothing when
 * whylen is 0), then return `status` so callers can write
 * `return corpus_why(why, whylen, CORPUS_SKIP_EMPTY, "...")`. */
corpus_status corpus_why(char *why, size_t whylen, corpus_status status,
                         const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* 1 for the bytes isspace() accepts in the C locale. Locale-independent on
 * purpose: text is UTF-8 whatever the process locale says. */
static inline int corpus_is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

#endif /* GAZETTE_CORPUS_INTERNAL_H */
