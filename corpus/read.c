/*
 * read.c - corpus_read_file(): load a file, make its text clean UTF-8, and
 * hand it to the parser of its format.
 *
 * Order of checks, each a skip with a one-line reason:
 *   extension unknown (and the name
 *   not one that may be mail)       CORPUS_SKIP_UNSUPPORTED
 *   open/stat/read fails            CORPUS_SKIP_UNREADABLE
 *   (out of descriptors: CORPUS_ERR_RESOURCES, which stops the run)
 *   over max_bytes (decompressed)   CORPUS_SKIP_TOO_LARGE
 *   .gz that is not (whole) gzip    CORPUS_SKIP_BAD_GZIP
 *   NUL bytes / many control bytes  CORPUS_SKIP_BINARY
 *   nothing but whitespace          CORPUS_SKIP_EMPTY
 * then the format parser, which may add its own skips.
 */
#include "corpus.h"
#include "corpus_internal.h"
#include "schema.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <zlib.h>

/* --------------------------------------------------------------- formats */

/* The one table of formats: the extension of the (uncompressed) name and
 * its parser. corpus_is_supported() and corpus_read_file() both use it, so
 * a format added here is also found by the walk, plain and as ".gz".
 * Matching is case-sensitive: "README.TXT" next to a corpus is usually a
 * description of the corpus, not an article (and see is_corpus_note()). */
static const struct format {
    const char *ext;
    corpus_parse_fn parse;
    int raw;    /* the parser gets the bytes undecoded (see corpus_buf) */
    int many;   /* several articles a file, each id "<relpath>#<id>", one
                 * a line: a NUL byte after the first line spoils only
                 * its line (check_binary) */
} formats[] = {
    /* raw: a message saved as .txt decodes its declared charset */
    {".txt", corpus_parse_txt, 1, 0},
    {".md", corpus_parse_md, 0, 0},
    {".markdown", corpus_parse_md, 0, 0},
    /* raw: a page declares its charset (<meta charset>: read_html.c) */
    {".html", corpus_parse_html, 1, 0},
    {".htm", corpus_parse_html, 1, 0},
    /* raw: each line is decoded alone, one bad line garbles no other */
    {".jsonl", corpus_parse_jsonl, 1, 1},
    {".ndjson", corpus_parse_jsonl, 1, 1},
    /* MIME declares its own charsets, part by part: GMime decodes them */
    {".eml", corpus_parse_mail, 1, 0},
};

/* Files without an extension are read as mail when they start with a
 * header block (corpus_parse_mail checks; CORPUS_NOT_ARTICLE if not). */
static const struct format maybe_mail = {"", corpus_parse_mail, 1, 0};

#define GZ_EXT ".gz"

/* 1 when name[0..len) ends with `suffix` and has at least one byte before
 * it (".txt" alone is a hidden file's name, not an extension). */
static int has_suffix(const char *name, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    return len > n && memcmp(name + len - n, suffix, n) == 0;
}

/* Format of `relpath` by its base name, or NULL. *gz is set to 1 when the
 * name ends in ".gz" (the format is then that of the name without it). */
static const struct format *find_format(const char *relpath, int *gz)
{
    const char *slash = strrchr(relpath, '/');
    const char *base = slash ? slash + 1 : relpath;
    size_t len = strlen(base);

    *gz = has_suffix(base, len, GZ_EXT);
    if (*gz)
        len -= strlen(GZ_EXT);
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (has_suffix(base, len, formats[i].ext))
            return &formats[i];
    return NULL;
}

/* 1 when the base name of `relpath` is one of the names datasets use for
 * notes about themselves - README, SOURCE, LICENSE, LICENCE - alone or
 * followed by ".<anything>", in any case: such a file describes the corpus
 * (corpus/sample/README.md, ../shared/corpora/bbc/SOURCE.md) and is not
 * one of its articles. */
static int is_corpus_note(const char *relpath)
{
    static const char *const names[] = {"readme", "source", "license",
                                        "licence"};
    const char *slash = strrchr(relpath, '/');
    const char *base = slash ? slash + 1 : relpath;
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        size_t n = strlen(names[k]), i = 0;
        while (i < n && base[i] && (base[i] | 0x20) == names[k][i])
            i++;
        if (i == n && (base[n] == '\0' || base[n] == '.'))
            return 1;
    }
    return 0;
}

int corpus_is_supported(const char *relpath)
{
    int gz;
    return relpath && !is_corpus_note(relpath) && find_format(relpath, &gz) != NULL;
}

int corpus_holds_many(const char *relpath)
{
    int gz;
    const struct format *f = relpath && !is_corpus_note(relpath)
                                 ? find_format(relpath, &gz) : NULL;
    return f && f->many;
}

/* 1 for a base name with no extension to go by: no '.' at all (news
 * spools, MH folders), or a maildir name: digits, '.', then more with a
 * second '.' ("1700000000.M1P2.host:2,S"). */
static int name_without_extension(const char *base)
{
    if (!*base)
        return 0;
    const char *dot = strchr(base, '.');
    if (!dot)
        return 1;
    if (dot == base)
        return 0;
    for (const char *p = base; p < dot; p++)
        if (*p < '0' || *p > '9')
            return 0;
    return strchr(dot + 1, '.') != NULL;
}

corpus_name_kind corpus_name_kind_of(const char *relpath, const char **reason)
{
    const char *why = "unknown file type";
    corpus_name_kind kind = CORPUS_NAME_IGNORED;
    if (!relpath) {
        why = "no name";
    } else if (is_corpus_note(relpath)) {
        why = "a README, SOURCE or LICENSE file, about the corpus";
    } else if (corpus_is_supported(relpath)) {
        kind = CORPUS_NAME_ARTICLE;
    } else {
        /* a spool or maildir file compressed ("38951.gz") is one too */
        const char *slash = strrchr(relpath, '/');
        char base[NAME_MAX + 1];
        snprintf(base, sizeof base, "%s", slash ? slash + 1 : relpath);
        size_t len = strlen(base);
        if (has_suffix(base, len, GZ_EXT))
            base[len - strlen(GZ_EXT)] = '\0';
        if (name_without_extension(base))
            kind = CORPUS_NAME_MAYBE_MAIL;
    }
    if (reason)
        *reason = kind == CORPUS_NAME_IGNORED ? why : NULL;
    return kind;
}

/* ------------------------------------------------------------- messages */

/* Replace, in place, what must not reach a terminal in a one-line
 * message: C0 controls (tab and newline too), DEL, and the two bytes of a
 * C1 control (C2 80..C2 9F) each by a space. Reasons quote input (a JSON
 * parser's "near '...'"), and they are printed. */
static void message_safe(char *s)
{
    for (unsigned char *p = (unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7F)
            *p = ' ';
        else if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
            p[0] = p[1] = ' ';
    }
}

corpus_status corpus_why(char *why, size_t whylen, corpus_status status,
                         const char *fmt, ...)
{
    if (why && whylen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, whylen, fmt, ap);
        va_end(ap);
        message_safe(why);
    }
    return status;
}

int corpus_errno_is_exhaustion(int e)
{
    return e == EMFILE || e == ENFILE || e == ENOMEM;
}

const char *corpus_status_name(corpus_status status)
{
    switch (status) {
    case CORPUS_OK:               return "ok";
    case CORPUS_SKIP_UNREADABLE:  return "unreadable";
    case CORPUS_SKIP_TOO_LARGE:   return "too large";
    case CORPUS_SKIP_BINARY:      return "binary";
    case CORPUS_SKIP_BAD_GZIP:    return "bad gzip";
    case CORPUS_SKIP_EMPTY:       return "empty";
    case CORPUS_SKIP_UNSUPPORTED: return "unsupported";
    case CORPUS_SKIP_MALFORMED:   return "malformed";
    case CORPUS_ERR_NOMEM:        return "out of memory";
    case CORPUS_STOPPED:          return "stopped";
    case CORPUS_NOT_ARTICLE:      return "not an article";
    case CORPUS_ERR_RESOURCES:    return "out of file descriptors";
    }
    return "unknown";
}

/* ------------------------------------------------------ shared by parsers */

/* "path" or "path:line" into buf. */
static void format_where(const corpus_reader *rd, unsigned long line,
                         char *buf, size_t size)
{
    if (line)
        snprintf(buf, size, "%s:%lu", rd->file->path, line);
    else
        snprintf(buf, size, "%s", rd->file->path);
}

/* Report through `fn` with a printf-style reason (nothing when fn is
 * NULL). The location is built only when someone listens. */
static void report(const corpus_reader *rd, corpus_warn_fn fn,
                   unsigned long line, const char *fmt, va_list ap)
{
    if (!fn)
        return;
    char where[4096 + 32];
    char reason[512];
    format_where(rd, line, where, sizeof where);
    vsnprintf(reason, sizeof reason, fmt, ap);
    message_safe(reason);
    fn(where, reason, rd->opts->warn_ctx);
}

static void warn(const corpus_reader *rd, unsigned long line,
                 const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void warn(const corpus_reader *rd, unsigned long line,
                 const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(rd, rd->opts->on_warning, line, fmt, ap);
    va_end(ap);
}

void corpus_warning(corpus_reader *rd, unsigned long line, const char *fmt,
                    ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(rd, rd->opts->on_warning, line, fmt, ap);
    va_end(ap);
}

void corpus_bad_article(corpus_reader *rd, unsigned long line,
                        const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(rd, rd->opts->on_bad_article, line, fmt, ap);
    va_end(ap);
}

/* ---------------------------------------------------- terminal safety */

/*
 * Characters that must not reach a terminal or a log line through a
 * title, tag or snippet: the C0 controls (ESC starts the escape sequences
 * that recolour, retitle or clear a terminal; BEL, BS, CR rewrite what is
 * shown), DEL, and the C1 controls U+0080..U+009F (CSI, OSC, DCS... the
 * one-character forms of the same sequences; in UTF-8 C2 80..C2 9F). They
 * reach the fields through the raw text of a .txt or .md file, character
 * references (&#27; in HTML, &#155; in Markdown), JSON escapes
 * ("\u001b") and the five undefined Windows-1252 bytes. A tab stays in
 * the body, and so does a line feed; in one-line fields (title, author,
 * tags...) both become spaces as well, so a title cannot forge a second
 * line of output.
 */

/*
 * The same pass takes out U+00AD SOFT HYPHEN (C2 AD), a hyphenation hint
 * that is never shown unless a line breaks there: "Bundes&shy;regierung"
 * is the word Bundesregierung, but Xapian's TermGenerator ends a word at
 * U+00AD (as it does not at U+200B..U+200D, U+2060 or U+FEFF, which it
 * skips inside a word: those are kept as written). Removed before
 * anything is indexed or stored, the word is found whole and its snippet
 * highlighted whole.
 */

/* Length of the unsafe character at p (1 or 2 bytes), or 0; *drop is set
 * when it is removed rather than replaced by a space. */
static size_t unsafe_char(const unsigned char *p, const unsigned char *end,
                          int multiline, int *drop)
{
    *drop = 0;
    if (*p < 0x20 || *p == 0x7F)
        return multiline && (*p == '\n' || *p == '\t') ? 0 : 1;
    if (*p == 0xC2 && p + 1 < end && p[1] >= 0x80 && p[1] <= 0x9F)
        return 2;
    if (*p == 0xC2 && p + 1 < end && p[1] == 0xAD) {
        *drop = 1;
        return 2;
    }
    return 0;
}

/* corpus_safe_copy - see corpus.h. */
int corpus_safe_copy(const char *s, size_t len, int multiline, char **out,
                     size_t *out_len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    int drop;
    *out = NULL;
    while (p < end && !unsafe_char(p, end, multiline, &drop))
        p++;
    /* safe, and a one-line field without a space to trim at either end:
     * as it is */
    if (p == end && (multiline || len == 0 || (s[0] != ' ' &&
                                               s[len - 1] != ' ')))
        return 0;
    char *copy = malloc(len + 1), *w = copy;
    if (!copy)
        return -1;
    memcpy(w, s, (size_t)((const char *)p - s));
    w += (const char *)p - s;
    while (p < end) {
        size_t n = unsafe_char(p, end, multiline, &drop);
        if (n) {
            if (!drop)
                *w++ = ' ';
            p += n;
        } else {
            *w++ = (char)*p++;
        }
    }
    *w = '\0';
    char *start = copy;
    if (!multiline) {
        while (w > copy && w[-1] == ' ')
            *--w = '\0';
        while (*start == ' ')
            start++;
        memmove(copy, start, (size_t)(w - start) + 1);
        w -= start - copy;
    }
    *out = copy;
    *out_len = (size_t)(w - copy);
    return 0;
}

/* The copies made for one article; all freed by free_safe(). */
typedef struct safe_article {
    corpus_article a;
    char *copies[8];
    size_t ncopies;
    int nomem;
} safe_article;

/* Replace *field by its safe copy when it needs one. */
static void make_safe(safe_article *sa, const char **field, size_t *len,
                      int multiline)
{
    if (!*field || sa->nomem)
        return;
    size_t n = len ? *len : strlen(*field), out_len;
    char *copy;
    if (corpus_safe_copy(*field, n, multiline, &copy, &out_len) != 0) {
        sa->nomem = 1;
        return;
    }
    if (!copy)
        return;
    if (sa->ncopies == sizeof sa->copies / sizeof sa->copies[0]) {
        free(copy);          /* not reached: eight fields at most */
        sa->nomem = 1;
        return;
    }
    sa->copies[sa->ncopies++] = copy;
    *field = copy;
    if (len)
        *len = out_len;
}

static void free_safe(safe_article *sa)
{
    for (size_t i = 0; i < sa->ncopies; i++)
        free(sa->copies[i]);
}

/* A list of one-line values (tags, authors' names) made safe: `items`
 * the kept values, those of the reader or cleaned copies (`copies`, to
 * free); a value left empty by the cleaning (" ") is none. */
typedef struct safe_list {
    const char **items;
    size_t count;
    char **copies;
    size_t ncopies;
} safe_list;

/* Fill `l` from the `n` values `in`. Returns 0, or -1 when out of
 * memory (free_safe_list frees what was made). */
static int make_safe_list(safe_list *l, const char *const *in, size_t n)
{
    if (!n)
        return 0;
    l->items = malloc(n * sizeof *l->items);
    l->copies = malloc(n * sizeof *l->copies);
    if (!l->items || !l->copies)
        return -1;
    for (size_t i = 0; i < n; i++) {
        char *copy;
        size_t len;
        if (corpus_safe_copy(in[i], strlen(in[i]), 0, &copy, &len) != 0)
            return -1;
        if (copy)
            l->copies[l->ncopies++] = copy;
        const char *value = copy ? copy : in[i];
        if (*value)
            l->items[l->count++] = value;
    }
    return 0;
}

/* corpus_name_key - see corpus.h. */
char *corpus_name_key(const char *name)
{
    return gz_value_fold(name, strlen(name), NULL);
}

/* The longest list corpus_emit keeps, of names or of tags. */
#define MAX_KEPT (CORPUS_MAX_AUTHORS > CORPUS_MAX_TAGS ? CORPUS_MAX_AUTHORS \
                                                       : CORPUS_MAX_TAGS)

/* Leave out of `l` each item that is one kept before it, and each new
 * one past the first `max` (at most MAX_KEPT), counted in *cut: repeats
 * must not use up the places of the items after them. Authors' names
 * (`fold`) are one when their corpus_name_key is (a front matter list
 * and a JSON Lines array keep what the file repeats, and a name
 * differing only in case is one author to the facet), each folded once;
 * tags when they are equal, as written. Returns 0, or -1 when out of
 * memory. */
static int keep_distinct(safe_list *l, size_t max, int fold, size_t *cut)
{
    const char *keys[MAX_KEPT];
    size_t kept = 0;
    int rc = 0;
    *cut = 0;
    for (size_t i = 0; i < l->count && rc == 0; i++) {
        const char *key = fold ? corpus_name_key(l->items[i]) : l->items[i];
        int seen = 0;
        for (size_t k = 0; key && k < kept && !seen; k++)
            seen = strcmp(keys[k], key) == 0;
        if (!key) {
            rc = -1;
        } else if (seen || kept == max) {
            *cut += !seen;
            if (fold)
                free((char *)key);
        } else {
            keys[kept] = key;
            l->items[kept++] = l->items[i];
        }
    }
    for (size_t k = 0; fold && k < kept; k++)
        free((char *)keys[k]);
    l->count = kept;
    return rc;
}

/* Say through `rd` that `cut` of an article's `what` were left out. */
static void warn_cut(corpus_reader *rd, unsigned long line, size_t cut,
                     const char *what, size_t max)
{
    if (cut)
        warn(rd, line, "%zu more %s left out: an article keeps its first "
             "%zu", cut, what, max);
}

static void free_safe_list(safe_list *l)
{
    for (size_t i = 0; i < l->ncopies; i++)
        free(l->copies[i]);
    free(l->copies);
    free((void *)l->items);
}

/* corpus_join_names - see corpus.h. */
char *corpus_join_names(const char *const *names, size_t n, const char *sep)
{
    size_t len = 1, sep_len = strlen(sep);
    for (size_t i = 0; i < n; i++)
        len += strlen(names[i]) + sep_len;
    char *joined = malloc(len), *w = joined;
    if (!joined)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        size_t k = strlen(names[i]);
        if (i) {
            memcpy(w, sep, sep_len);
            w += sep_len;
        }
        memcpy(w, names[i], k);
        w += k;
    }
    *w = '\0';
    return joined;
}

/* Warn through `rd` when the date of `a` is one no parser understands. */
static void check_date(corpus_reader *rd, const corpus_article *a,
                       unsigned long line)
{
    if (a->date && *a->date && !corpus_parse_date(a->date, NULL, NULL, NULL))
        warn(rd, line, "date \"%.100s\" %s; the article is dated by its "
             "path, or left undated", a->date,
             corpus_date_form(a->date, NULL, NULL, NULL)
                 ? "is more than a year from now"
                 : "not understood");
}

/*
 * corpus_emit - see corpus_internal.h. Every article of every format
 * passes here, so this is where unsafe characters (and soft hyphens) are
 * taken out of its fields (see above; the id is left alone: it names the file, and printing
 * file names safely is the printer's job). The date check lives here too,
 * once for every format, so that a date no parser understands is never
 * dropped silently: the indexer then dates the article by its path, or
 * not at all.
 */
corpus_status corpus_emit(corpus_reader *rd, const corpus_article *article,
                          unsigned long line)
{
    safe_article sa = {.a = *article};
    make_safe(&sa, &sa.a.title, NULL, 0);
    make_safe(&sa, &sa.a.body, &sa.a.body_len, 1);
    make_safe(&sa, &sa.a.date, NULL, 0);
    make_safe(&sa, &sa.a.source, NULL, 0);
    make_safe(&sa, &sa.a.url, NULL, 0);
    safe_list tags = {0}, authors = {0};
    char *byline = NULL;
    size_t authors_cut = 0, tags_cut = 0;
    if (article->nauthors) {
        int failed =
            make_safe_list(&authors, article->authors, article->nauthors) !=
                0 ||
            keep_distinct(&authors, CORPUS_MAX_AUTHORS, 1, &authors_cut) !=
                0;
        if (failed || !(byline = corpus_join_names(authors.items,
                                                   authors.count, ", ")))
            sa.nomem = 1;
        sa.a.author = byline && *byline ? byline : NULL;
        sa.a.authors = authors.items;
        sa.a.nauthors = authors.count;
    } else {
        make_safe(&sa, &sa.a.author, NULL, 0);
    }
    if (make_safe_list(&tags, article->tags, article->ntags) != 0 ||
        keep_distinct(&tags, CORPUS_MAX_TAGS, 0, &tags_cut) != 0)
        sa.nomem = 1;
    sa.a.tags = tags.items;
    sa.a.ntags = tags.count;
    corpus_status s = CORPUS_OK;
    if (sa.nomem) {
        s = corpus_why(rd->why, rd->whylen, CORPUS_ERR_NOMEM,
                       "out of memory cleaning an article's text");
    } else {
        check_date(rd, &sa.a, line);
        warn_cut(rd, line, authors_cut, "authors", CORPUS_MAX_AUTHORS);
        warn_cut(rd, line, tags_cut, "tags", CORPUS_MAX_TAGS);
        if (rd->on_article && rd->on_article(&sa.a, rd->ctx) != 0)
            s = CORPUS_STOPPED;
    }
    free_safe_list(&tags);
    free_safe_list(&authors);
    free(byline);
    free_safe(&sa);
    return s;
}

/* corpus_trim - see corpus_internal.h. */
void corpus_trim(char **s, char **e)
{
    while (*s < *e && corpus_is_space((unsigned char)**s))
        (*s)++;
    while (*e > *s && corpus_is_space((unsigned char)(*e)[-1]))
        (*e)--;
}

/* corpus_trim_const - see corpus_internal.h. */
void corpus_trim_const(const char **s, const char **e)
{
    while (*s < *e && corpus_is_space((unsigned char)**s))
        (*s)++;
    while (*e > *s && corpus_is_space((unsigned char)(*e)[-1]))
        (*e)--;
}

/* corpus_trim_in_place - see corpus_internal.h. */
char *corpus_trim_in_place(char *s, char *e)
{
    corpus_trim(&s, &e);
    *e = '\0';
    return s;
}

/* corpus_split_list - see corpus_internal.h. */
int corpus_split_list(char *list, const char ***items, size_t *n)
{
    size_t add = 1;
    for (const char *c = list; *c; c++)
        add += *c == ',';
    const char **out = realloc((void *)*items, (*n + add) * sizeof *out);
    if (!out)
        return -1;
    *items = out;

    char *p = list;
    for (;;) {
        char *comma = strchr(p, ',');
        char *e = comma ? comma : p + strlen(p);
        char *item = corpus_trim_in_place(p, e);
        if (*item)
            out[(*n)++] = item;
        if (!comma)
            break;
        p = comma + 1;
    }
    return 0;
}

/* --------------------------------------------------------------- loading */

/* A byte source for slurp(): fills dst with up to n bytes, returns how
 * many (0 at end of data) or -1 on error (details stay with the source). */
typedef long (*read_fn)(void *src, char *dst, size_t n);

/* One read() from the fd at *src, retried on EINTR. */
static long read_plain(void *src, char *dst, size_t n)
{
    int fd = *(int *)src;
    if (n > (size_t)1 << 30)
        n = (size_t)1 << 30;       /* keep the count well inside ssize_t */
    for (;;) {
        ssize_t got = read(fd, dst, n);
        if (got >= 0 || errno != EINTR)
            return (long)got;
    }
}

/* One gzread() from the gzFile at src. */
static long read_gz(void *src, char *dst, size_t n)
{
    if (n > (size_t)1 << 30)
        n = (size_t)1 << 30;       /* gzread takes an unsigned, returns int */
    return gzread((gzFile)src, dst, (unsigned)n);
}

/*
 * slurp - read everything `rd` yields into a new buffer, but never more
 * than limit + 1 bytes: one byte over is enough to know the data is too
 * large, and stopping there is what keeps a gzip bomb from being inflated.
 *
 *   hint   expected size (the first allocation; it grows by doubling)
 *   out    on CORPUS_OK gets a malloc()ed, NUL-terminated buffer (caller
 *          frees); untouched otherwise
 *
 * Returns CORPUS_OK, CORPUS_SKIP_TOO_LARGE, CORPUS_ERR_NOMEM, or
 * CORPUS_SKIP_UNREADABLE when rd failed (the caller words the reason,
 * since only it knows the source). `why` is not written here.
 */
static corpus_status slurp(read_fn rd, void *src, size_t limit, size_t hint,
                           corpus_buf *out)
{
    /* Room for limit + 1 data bytes and the NUL. */
    size_t max_cap = limit + 2;
    size_t cap = hint < max_cap - 2 ? hint + 2 : max_cap;
    size_t len = 0;
    char *buf = malloc(cap);
    if (!buf)
        return CORPUS_ERR_NOMEM;

    for (;;) {
        if (len > limit) {
            free(buf);
            return CORPUS_SKIP_TOO_LARGE;
        }
        if (len + 1 == cap) {      /* full (one byte kept for the NUL) */
            size_t ncap = cap <= max_cap / 2 ? cap * 2 : max_cap;
            char *nbuf = realloc(buf, ncap);
            if (!nbuf) {
                free(buf);
                return CORPUS_ERR_NOMEM;
            }
            buf = nbuf;
            cap = ncap;
        }
        long got = rd(src, buf + len, cap - 1 - len);
        if (got < 0) {
            int saved = errno;     /* for the caller's message */
            free(buf);
            errno = saved;
            return CORPUS_SKIP_UNREADABLE;
        }
        if (got == 0)
            break;
        len += (size_t)got;
    }
    buf[len] = '\0';
    out->data = buf;
    out->len = len;
    return CORPUS_OK;
}

/* Message for a file found over the limit. */
static corpus_status too_large(char *why, size_t whylen, const char *what,
                               uint64_t size, uint64_t limit)
{
    if (size)
        return corpus_why(why, whylen, CORPUS_SKIP_TOO_LARGE,
                          "%s is %llu bytes, over the %llu-byte limit", what,
                          (unsigned long long)size, (unsigned long long)limit);
    return corpus_why(why, whylen, CORPUS_SKIP_TOO_LARGE,
                      "%s is over the %llu-byte limit", what,
                      (unsigned long long)limit);
}

/*
 * open_regular - open `path` read-only and check it is a regular file.
 * Returns the fd (caller closes) and fills *st, or -1 with `why` written
 * and *failure set: CORPUS_SKIP_UNREADABLE, or CORPUS_ERR_RESOURCES when
 * the process (or system) is out of descriptors, which says nothing about
 * the file and must not be taken for a skip.
 * O_NONBLOCK: a FIFO or device put where the walk saw a file must not
 * block the open (a FIFO without a writer would, forever); the fstat of
 * the opened descriptor then refuses it. On a regular file O_NONBLOCK
 * changes nothing.
 */
static int open_regular(const char *path, struct stat *st,
                        corpus_status *failure, char *why, size_t whylen)
{
    *failure = CORPUS_SKIP_UNREADABLE;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        int e = errno;
        if (corpus_errno_is_exhaustion(e))
            *failure = CORPUS_ERR_RESOURCES;
        corpus_why(why, whylen, *failure, "open: %s", strerror(e));
        return -1;
    }
    if (fstat(fd, st) != 0) {
        corpus_why(why, whylen, CORPUS_SKIP_UNREADABLE, "stat: %s", strerror(errno));
        close(fd);
        return -1;
    }
    if (!S_ISREG(st->st_mode)) {
        corpus_why(why, whylen, CORPUS_SKIP_UNREADABLE, "not a regular file");
        close(fd);
        return -1;
    }
    return fd;
}

/* Load a plain file: size checked from fstat before reading a byte, and
 * again while reading (the file may grow meanwhile). */
static corpus_status load_plain(const char *path, uint64_t max, size_t limit,
                                corpus_buf *out, char *why, size_t whylen)
{
    struct stat st;
    corpus_status failure;
    int fd = open_regular(path, &st, &failure, why, whylen);
    if (fd < 0)
        return failure;
    if ((uint64_t)st.st_size > max) {
        close(fd);
        return too_large(why, whylen, "file", (uint64_t)st.st_size, max);
    }

    corpus_status s = slurp(read_plain, &fd, limit, (size_t)st.st_size, out);
    int saved = errno;
    close(fd);
    switch (s) {
    case CORPUS_OK:
        return s;
    case CORPUS_SKIP_TOO_LARGE:
        return too_large(why, whylen, "file", 0, max);
    case CORPUS_SKIP_UNREADABLE:
        return corpus_why(why, whylen, s, "read: %s", strerror(saved));
    default:
        return corpus_why(why, whylen, s, "out of memory reading the file");
    }
}

/* corpus_gzip_magic - see corpus_internal.h. Checked because gzread()
 * passes anything else through unchanged, which would let a mislabelled
 * file through as text. pread() leaves the offset at 0 for gzdopen(). */
int corpus_gzip_magic(int fd)
{
    unsigned char m[2];
    ssize_t got;
    do
        got = pread(fd, m, 2, 0);
    while (got < 0 && errno == EINTR);
    if (got < 0)
        return -1;
    return got == 2 && m[0] == 0x1f && m[1] == 0x8b;
}

/* A gzip member is at least its 10-byte header and 8-byte trailer, and
 * deflate inflates at most 1032 bytes from one (zlib's technical notes):
 * a trailer saying more is not the file's. */
#define GZ_MIN_FILE_BYTES 18
#define GZ_MAX_RATIO 1032

/* corpus_text_size_hint - see corpus.h. The fstat of the opened file
 * sizes the read, not the walk's: the file may have changed since. */
uint64_t corpus_text_size_hint(const corpus_file *file, uint64_t above)
{
    int gz;
    (void)find_format(file->relpath, &gz);
    if (!gz || file->size < GZ_MIN_FILE_BYTES ||
        file->size <= above / GZ_MAX_RATIO)
        return file->size;
    struct stat st;
    corpus_status failure;
    int fd = open_regular(file->path, &st, &failure, NULL, 0);
    if (fd < 0)
        return file->size;
    unsigned char b[4];
    ssize_t got = -1;
    if (st.st_size >= GZ_MIN_FILE_BYTES)
        do
            got = pread(fd, b, sizeof b, st.st_size - (off_t)sizeof b);
        while (got < 0 && errno == EINTR);
    close(fd);
    uint64_t size = (uint64_t)st.st_size;
    if (got != (ssize_t)sizeof b)
        return size;
    uint64_t isize = (uint64_t)b[0] | (uint64_t)b[1] << 8 |
                     (uint64_t)b[2] << 16 | (uint64_t)b[3] << 24;
    if (isize / GZ_MAX_RATIO > size)
        return size;
    return isize > size ? isize : size;
}

/* Turn a failed or cut-short gzread stream into a status and reason.
 * `errnum` is what gzerror() reported, `saved_errno` errno at the time. */
static corpus_status gz_failure(int errnum, const char *msg, int saved_errno,
                                char *why, size_t whylen)
{
    switch (errnum) {
    case Z_ERRNO:
        return corpus_why(why, whylen, CORPUS_SKIP_UNREADABLE, "read: %s",
                          strerror(saved_errno));
    case Z_MEM_ERROR:
        return corpus_why(why, whylen, CORPUS_ERR_NOMEM,
                          "out of memory decompressing the file");
    case Z_BUF_ERROR:
        return corpus_why(why, whylen, CORPUS_SKIP_BAD_GZIP,
                          "truncated gzip data (unexpected end of file)");
    default:
        /* gzerror() prefixes the "path", which for gzdopen is "<fd:N>". */
        if (msg && strstr(msg, ": "))
            msg = strstr(msg, ": ") + 2;
        return corpus_why(why, whylen, CORPUS_SKIP_BAD_GZIP,
                          "corrupt gzip data (%s)", msg && *msg ? msg : "?");
    }
}

/*
 * load_gzip - decompress a gzip file through zlib into *out, streaming, and
 * stop as soon as more than `limit` bytes have come out. Multi-member files
 * (cat a.gz b.gz) are read whole, as gzip -d does.
 */
static corpus_status load_gzip(const char *path, uint64_t max, size_t limit,
                               corpus_buf *out, char *why, size_t whylen)
{
    struct stat st;
    corpus_status failure;
    int fd = open_regular(path, &st, &failure, why, whylen);
    if (fd < 0)
        return failure;
    if (corpus_gzip_magic(fd) != 1) {
        close(fd);
        return corpus_why(why, whylen, CORPUS_SKIP_BAD_GZIP,
                          "not gzip data (bad magic)");
    }
    gzFile gz = gzdopen(fd, "rb");
    if (!gz) {          /* zlib's own allocation failed; the fd is ours */
        close(fd);
        return corpus_why(why, whylen, CORPUS_ERR_NOMEM,
                          "out of memory opening the gzip stream");
    }
    (void)gzbuffer(gz, 128 * 1024);

    /* Text compresses about 3-4x: start there, within the limit. */
    uint64_t guess = (uint64_t)st.st_size * 4;
    size_t hint = guess < limit ? (size_t)guess : limit;
    if (hint < 64 * 1024 && limit > 64 * 1024)
        hint = 64 * 1024;

    corpus_status s = slurp(read_gz, gz, limit, hint, out);
    int saved = errno;
    int errnum = Z_OK;
    /* Copied: the message belongs to the gzFile, which gzclose_r frees. */
    char msg[128];
    snprintf(msg, sizeof msg, "%s", gzerror(gz, &errnum));
    /* Z_BUF_ERROR from gzclose_r: the data ended inside a gzip member. */
    int close_rc = gzclose_r(gz);

    if (s == CORPUS_OK && (errnum == Z_BUF_ERROR || close_rc == Z_BUF_ERROR)) {
        free(out->data);
        out->data = NULL;
        return gz_failure(Z_BUF_ERROR, NULL, 0, why, whylen);
    }
    switch (s) {
    case CORPUS_OK:
        return s;
    case CORPUS_SKIP_TOO_LARGE:
        return too_large(why, whylen, "decompressed data", 0, max);
    case CORPUS_SKIP_UNREADABLE:
        return gz_failure(errnum, msg, saved, why, whylen);
    default:
        return corpus_why(why, whylen, s, "out of memory reading the file");
    }
}

/* -------------------------------------------------------- making it text */

/*
 * check_binary - reject data that is not text: any NUL byte (that catches
 * images, archives, PDFs with binary streams, UTF-16), or, failing that,
 * control bytes other than tab/LF/VT/FF/CR making up over a tenth of it.
 * The minimum count keeps a short text ending in a DOS ^Z from counting.
 * With `by_line` (a file of one article a line), only a NUL of the first
 * line makes the file binary: binary formats show theirs at the start,
 * and a later one spoils only its line, which the parser reports, not
 * the file's other articles.
 */
static corpus_status check_binary(const corpus_buf *b, int by_line,
                                  char *why, size_t whylen)
{
    const unsigned char *p = (const unsigned char *)b->data;
    const unsigned char *eol = by_line ? memchr(p, '\n', b->len) : NULL;
    const unsigned char *nul = memchr(p, 0, eol ? (size_t)(eol - p) : b->len);
    if (nul) {
        if (b->len >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) ||
                             (p[0] == 0xFE && p[1] == 0xFF)))
            return corpus_why(why, whylen, CORPUS_SKIP_BINARY,
                              "UTF-16 text (not supported; convert to UTF-8)");
        return corpus_why(why, whylen, CORPUS_SKIP_BINARY,
                          "binary data (NUL byte at offset %zu)",
                          (size_t)(nul - p));
    }

    size_t ctrl = 0;
    for (size_t i = 0; i < b->len; i++)
        if ((p[i] < 0x20 && !corpus_is_space(p[i])) || p[i] == 0x7F)
            ctrl++;
    if (ctrl >= 8 && ctrl > b->len / 10)
        return corpus_why(why, whylen, CORPUS_SKIP_BINARY,
                          "binary data (%zu of %zu bytes are control codes)",
                          ctrl, b->len);
    return CORPUS_OK;
}

/* Drop a leading UTF-8 byte order mark (EF BB BF). */
static void strip_bom(corpus_buf *b)
{
    if (b->len >= 3 && memcmp(b->data, "\xEF\xBB\xBF", 3) == 0) {
        memmove(b->data, b->data + 3, b->len - 3 + 1);   /* with the NUL */
        b->len -= 3;
    }
}

/* corpus_fix_encoding - see corpus_internal.h. */
corpus_status corpus_fix_encoding(corpus_buf *b, char *why, size_t whylen)
{
    if (corpus_utf8_valid(b->data, b->len))
        return CORPUS_OK;
    size_t n;
    char *u = corpus_text_to_utf8(b->data, b->len, &n);
    if (!u)
        return corpus_why(why, whylen, CORPUS_ERR_NOMEM,
                          "out of memory decoding Windows-1252 text");
    free(b->data);
    b->data = u;
    b->len = n;
    return CORPUS_OK;
}

/* CRLF -> LF, and a lone CR (classic Mac OS) -> LF, in place. */
static void normalise_newlines(corpus_buf *b)
{
    char *r = memchr(b->data, '\r', b->len);
    if (!r)
        return;
    char *w = r, *end = b->data + b->len;
    while (r < end) {
        if (*r == '\r') {
            *w++ = '\n';
            r += (r + 1 < end && r[1] == '\n') ? 2 : 1;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
    b->len = (size_t)(w - b->data);
}

static int all_space(const corpus_buf *b)
{
    for (size_t i = 0; i < b->len; i++)
        if (!corpus_is_space((unsigned char)b->data[i]))
            return 0;
    return 1;
}

/*
 * prepare_text - turn loaded bytes into what parsers of `fmt` expect (see
 * corpus_buf): not binary, no BOM, UTF-8 (left as it is when fmt->raw),
 * LF line ends, not blank.
 * b->data may be replaced (the old buffer is then freed); b stays owned by
 * the caller whatever the result.
 */
static corpus_status prepare_text(corpus_buf *b, const struct format *fmt,
                                  char *why, size_t whylen)
{
    corpus_status s = check_binary(b, fmt->many, why, whylen);
    if (s != CORPUS_OK)
        return s;
    strip_bom(b);
    s = fmt->raw ? CORPUS_OK : corpus_fix_encoding(b, why, whylen);
    if (s != CORPUS_OK)
        return s;
    normalise_newlines(b);
    if (all_space(b))
        return corpus_why(why, whylen, CORPUS_SKIP_EMPTY,
                          b->len ? "no text (only whitespace)"
                                 : "empty file");
    return CORPUS_OK;
}

/* ------------------------------------------------------------ the entry */

/* Prepare the loaded `text` (owned here: freed before returning) and hand
 * it to the format's parser; the common tail of corpus_read_file() and
 * corpus_read_memory(). `s` is the loading status. */
static corpus_status parse_loaded(corpus_status s, const struct format *fmt,
                                  corpus_reader *rd, corpus_buf *text)
{
    if (s == CORPUS_OK)
        s = prepare_text(text, fmt, rd->why, rd->whylen);
    if (s == CORPUS_OK)
        s = fmt->parse(rd, text);
    free(text->data);
    text->data = NULL;

    if (s == CORPUS_STOPPED && rd->why && rd->whylen > 0 && !rd->why[0])
        corpus_why(rd->why, rd->whylen, s, "stopped by the article callback");
    if (s == CORPUS_ERR_NOMEM && rd->why && rd->whylen > 0 && !rd->why[0])
        corpus_why(rd->why, rd->whylen, s, "out of memory");
    return s;
}

/* The format corpus_read_file() reads `file` as (a name without
 * extension, also before ".gz", may be mail), or NULL; *gz as
 * find_format() sets it. */
static const struct format *format_of(const corpus_file *file, int *gz)
{
    const struct format *fmt = find_format(file->relpath, gz);
    if (!fmt && corpus_name_kind_of(file->relpath, NULL) ==
                    CORPUS_NAME_MAYBE_MAIL)
        fmt = &maybe_mail;
    return fmt;
}

static uint64_t max_bytes_of(const corpus_options *opts)
{
    return opts && opts->max_bytes ? opts->max_bytes
                                   : CORPUS_DEFAULT_MAX_BYTES;
}

/*
 * corpus_read_file - see corpus.h. Ownership: the loaded text lives from
 * here to the end of this function; articles passed to on_article point
 * into it. `why` always holds a NUL-terminated string afterwards ("" on
 * CORPUS_OK).
 */
corpus_status corpus_read_file(const corpus_file *file,
                               const corpus_options *opts,
                               corpus_article_fn on_article, void *ctx,
                               char *why, size_t whylen)
{
    if (why && whylen > 0)
        why[0] = '\0';

    int gz;
    const struct format *fmt = format_of(file, &gz);
    if (!fmt)
        return corpus_why(why, whylen, CORPUS_SKIP_UNSUPPORTED,
                          "unsupported file type");

    uint64_t max = max_bytes_of(opts);
    /* In-memory cap: max, but leaving room for the +2 of slurp(). */
    size_t limit = max < (uint64_t)SIZE_MAX - 2 ? (size_t)max : SIZE_MAX - 2;

    corpus_options defaults = {0};
    corpus_reader rd = {.file = file, .opts = opts ? opts : &defaults,
                        .on_article = on_article, .ctx = ctx,
                        .why = why, .whylen = whylen};
    corpus_buf text = {NULL, 0};
    corpus_status s = gz ? load_gzip(file->path, max, limit, &text, why, whylen)
                         : load_plain(file->path, max, limit, &text, why,
                                      whylen);
    return parse_loaded(s, fmt, &rd, &text);
}

/*
 * corpus_read_inflated - see corpus.h: what corpus_read_file() does once
 * load_gzip() has inflated the file whole, on the caller's inflating.
 * `text` is ours from the start, and freed on every path.
 */
corpus_status corpus_read_inflated(const corpus_file *file,
                                   const corpus_options *opts, char *text,
                                   size_t len, corpus_article_fn on_article,
                                   void *ctx, char *why, size_t whylen)
{
    if (why && whylen > 0)
        why[0] = '\0';
    int gz;
    const struct format *fmt = format_of(file, &gz);
    corpus_status s = CORPUS_OK;
    if (!fmt || !gz)
        s = corpus_why(why, whylen, CORPUS_SKIP_UNSUPPORTED,
                       "unsupported file type");
    else if (len > max_bytes_of(opts))
        s = too_large(why, whylen, "decompressed data", 0,
                      max_bytes_of(opts));
    if (s != CORPUS_OK) {
        free(text);
        return s;
    }
    corpus_options defaults = {0};
    corpus_reader rd = {.file = file, .opts = opts ? opts : &defaults,
                        .on_article = on_article, .ctx = ctx,
                        .why = why, .whylen = whylen};
    corpus_buf buf = {text, len};
    return parse_loaded(CORPUS_OK, fmt, &rd, &buf);
}

/*
 * corpus_read_memory - see corpus_internal.h: corpus_read_file() on bytes
 * already in memory (copied first: the parsers write into their text).
 */
corpus_status corpus_read_memory(const corpus_file *file,
                                 const corpus_options *opts,
                                 const char *data, size_t len,
                                 corpus_article_fn on_article, void *ctx,
                                 char *why, size_t whylen)
{
    if (why && whylen > 0)
        why[0] = '\0';
    int gz;
    const struct format *fmt = find_format(file->relpath, &gz);
    if (!fmt || gz)
        return corpus_why(why, whylen, CORPUS_SKIP_UNSUPPORTED,
                          "unsupported file type");
    uint64_t max = max_bytes_of(opts);
    if (len > max)
        return too_large(why, whylen, "file", len, max);
    corpus_options defaults = {0};
    corpus_reader rd = {.file = file, .opts = opts ? opts : &defaults,
                        .on_article = on_article, .ctx = ctx,
                        .why = why, .whylen = whylen};
    corpus_buf text = {malloc(len + 1), len};
    if (!text.data)
        return corpus_why(why, whylen, CORPUS_ERR_NOMEM,
                          "out of memory reading the file");
    memcpy(text.data, data, len);
    text.data[len] = '\0';
    return parse_loaded(CORPUS_OK, fmt, &rd, &text);
}
