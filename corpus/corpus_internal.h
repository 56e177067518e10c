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
 * Adding a format (say RSS):
 *   1. write read_rss.c with `corpus_status corpus_parse_rss(CORPUS_PARSE_ARGS)`
 *      and declare it below;
 *   2. add one line { ".rss", corpus_parse_rss } to the format table in read.c
 *      (that table is also what corpus_is_supported() consults, so the walk
 *      picks the new files up, with and without ".gz");
 *   3. list read_rss.c in CMakeLists.txt.
 */
#ifndef GAZETTE_CORPUS_INTERNAL_H
#define GAZETTE_CORPUS_INTERNAL_H

#include "corpus.h"

#include <stddef.h>
#include <stdint.h>

/* A loaded file. `data` is malloc()ed, owned by whoever holds the struct,
 * and always NUL-terminated at data[len] (the terminator is not counted).
 * Once read.c has prepared it the text is valid UTF-8, has no BOM, no NUL
 * bytes and only LF line ends; for a "raw" format (mail, whose parts
 * declare their own charsets) it is the bytes as they were, except that
 * the BOM and CRs are gone. */
typedef struct corpus_buf {
    char *data;
    size_t len;
} corpus_buf;

/* What a format parser works with: the file, the options (never NULL:
 * read.c fills in defaults), the caller's article callback and where a
 * skip reason goes. Owned by read.c, valid during the parse. */
typedef struct corpus_reader {
    const corpus_file *file;
    const corpus_options *opts;
    corpus_article_fn on_article;
    void *ctx;
    char *why;
    size_t whylen;
} corpus_reader;

/* Signature of a format parser.
 *
 *   rd          the file (its relpath is the article id base), options,
 *               callback; articles are handed on with corpus_emit(), bad
 *               articles inside a file reported with corpus_bad_article(),
 *               a skip of the whole file worded with corpus_why(rd->why,..)
 *   text        the prepared text; the parser may modify text->data in
 *               place (e.g. write NULs to terminate fields) but must not
 *               free or reallocate it: read.c frees it afterwards
 *
 * Everything an article points to may point into `text` and only has to
 * stay valid during corpus_emit(). Returns CORPUS_OK, a CORPUS_SKIP_*
 * status (with rd->why filled in), CORPUS_ERR_NOMEM, or CORPUS_STOPPED when
 * the article callback returned non-zero. */
#define CORPUS_PARSE_ARGS corpus_reader *rd, corpus_buf *text

typedef corpus_status (*corpus_parse_fn)(CORPUS_PARSE_ARGS);

/* The formats (one read_<fmt>.c each). */
corpus_status corpus_parse_txt(CORPUS_PARSE_ARGS);
corpus_status corpus_parse_md(CORPUS_PARSE_ARGS);
corpus_status corpus_parse_html(CORPUS_PARSE_ARGS);
corpus_status corpus_parse_jsonl(CORPUS_PARSE_ARGS);
corpus_status corpus_parse_mail(CORPUS_PARSE_ARGS);

/* Length of the mail header block that opens [text, text+len): the bytes
 * up to and including the blank line that ends it (or all of `len` when
 * the header runs to the end). 0 when the text does not open with one:
 * an optional mbox "From " line, then "Name: value" lines (RFC 5322 field
 * names) and their indented continuation lines (a few indented lines
 * before the first field are allowed: the tail of a header cut off above
 * them), at least two fields, one
 * of them From, Subject, Newsgroups or Message-ID. Used to recognise mail
 * among files without an extension. */
size_t corpus_mail_header_len(const char *text, size_t len);

/* Hand one article to the caller. `line` is its line number inside a
 * multi-article file, 0 otherwise (used in warnings). A date that
 * corpus_parse_date() does not understand is reported through
 * rd->opts->on_warning first; the article is passed on unchanged.
 * Returns CORPUS_OK, or CORPUS_STOPPED when the callback said stop. */
corpus_status corpus_emit(corpus_reader *rd, const corpus_article *article,
                          unsigned long line);

/* Report one article (at `line`, 0 = none) that is left out while the rest
 * of the file is read, through rd->opts->on_bad_article; printf-style
 * reason. */
void corpus_bad_article(corpus_reader *rd, unsigned long line,
                        const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Report a problem inside an article that is still handed on (at `line`,
 * 0 = none) through rd->opts->on_warning; printf-style reason. */
void corpus_warning(corpus_reader *rd, unsigned long line, const char *fmt,
                    ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Move the bounds of [*s, *e) inward past white space (corpus_is_space). */
void corpus_trim(char **s, char **e);

/* corpus_trim of [s, e), then NUL-terminate at the new end (e must be
 * writable: a line's '\n' or the buffer's NUL); returns the new start. */
char *corpus_trim_in_place(char *s, char *e);

/* Split a comma-separated list in place into a new array of trimmed,
 * non-empty strings appended to *items (a malloc()ed array the caller
 * frees; the strings point into `list`, which must be writable and
 * NUL-terminated). *n counts the items. Returns 0, or -1 when out of
 * memory (the array so far is kept). */
int corpus_split_list(char *list, const char ***items, size_t *n);

/* printf-style write of a one-line reason into why[whylen] (nothing when
 * whylen is 0), then return `status` so callers can write
 * `return corpus_why(why, whylen, CORPUS_SKIP_EMPTY, "...")`. */
corpus_status corpus_why(char *why, size_t whylen, corpus_status status,
                         const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* corpus_read_file() on `len` bytes in memory instead of the file at
 * file->path (file->relpath still chooses the format; ".gz" names are
 * CORPUS_SKIP_UNSUPPORTED). Everything after loading is the same: size
 * limit, binary check, encoding, the parser, the field clean-up. For the
 * fuzz targets. */
corpus_status corpus_read_memory(const corpus_file *file,
                                 const corpus_options *opts,
                                 const char *data, size_t len,
                                 corpus_article_fn on_article, void *ctx,
                                 char *why, size_t whylen);

/* What parsing an HTML page with gumbo would cost, estimated by one linear
 * scan of its text (html_scan.c describes the model). */
typedef struct corpus_html_cost {
    size_t depth;     /* depth of gumbo's tree (html and body included),
                       * erring high */
    uint64_t work;    /* tags x their nesting depth + attributes squared */
    const char *crash;  /* NULL, or (a static string) what the page holds
                         * that gumbo 0.10 aborts the process on: such a
                         * page must not be parsed */
} corpus_html_cost;

/* Scan [text, text+len). Counting stops soon after the depth passes
 * `depth_limit` or the work `work_limit` (the figures are then just over
 * the limit). Returns 0 with *cost filled in, or -1 when out of memory. */
int corpus_html_scan(const char *text, size_t len, size_t depth_limit,
                     uint64_t work_limit, corpus_html_cost *cost);

/* CPU time gumbo may spend on one page before it is abandoned: `base`
 * seconds plus `per_mib` per MiB of text (defaults 5 and 1; read_html.c).
 * For tests; not thread-safe. */
void corpus_html_set_time_budget(double base, double per_mib);

/* Stack gumbo may use before a parse is abandoned (default 1 MiB). For
 * tests; not thread-safe. */
void corpus_html_set_stack_budget(size_t bytes);

/* Read mail with the GMime library named `soname` (a name for dlopen())
 * instead of the one the build found. Only before the first message is
 * parsed: GMime is loaded once. For tests; not thread-safe. */
void corpus_mail_set_library(const char *soname);

/* 1 when the GMime library that reading mail uses is loaded in this
 * process (it is loaded when the first message is parsed), else 0. */
int corpus_mail_library_loaded(void);

/* 1 for the bytes isspace() accepts in the C locale. Locale-independent on
 * purpose: text is UTF-8 whatever the process locale says. */
static inline int corpus_is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

#endif /* GAZETTE_CORPUS_INTERNAL_H */
