/*
 * corpus_internal.h - what the files of corpus/ share and nobody else sees.
 *
 * Reading a file happens in two stages:
 *
 *   read.c      loads the bytes (plain or through zlib), enforces the size
 *               limit, rejects binary data, fixes the encoding (UTF-8, else
 *               Windows-1252: corpus_fix_encoding), strips a BOM and turns
 *               CRLF/CR into LF. The result is a corpus_buf of clean UTF-8
 *               text, or for a "raw" format the bytes it decodes itself.
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

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* A loaded file. `data` is malloc()ed, owned by whoever holds the struct,
 * and always NUL-terminated at data[len] (the terminator is not counted).
 * Once read.c has prepared it the text is valid UTF-8, has no BOM, no NUL
 * bytes and only LF line ends; for a "raw" format it is the bytes as
 * they were, except that the BOM and CRs are gone: mail, whose parts
 * declare their own charsets; .txt, which may be mail; JSON Lines, whose
 * lines are decoded one by one (each may come from another source); HTML,
 * whose page may declare its charset. */
typedef struct corpus_buf {
    char *data;
    size_t len;
} corpus_buf;

/* The code point of the Windows-1252 byte `c` (textenc.c: 0x80..0x9F as
 * the WHATWG Encoding Standard maps them, the five undefined ones to
 * the C1 control of the same value; the others to themselves). */
unsigned corpus_cp1252_code_point(unsigned char c);

/* 1 when the open file `fd` starts with the gzip magic bytes 1f 8b, 0
 * when not, -1 when it cannot be read (errno set). */
int corpus_gzip_magic(int fd);

/* Read the C1 controls (U+0080..U+009F) of the malloc()ed UTF-8 string
 * *s (length *len) as the Windows-1252 characters of the bytes 80..9F
 * (U+0092 as U+2019 ’): what they are where they come from text labelled
 * ISO-8859-1 that is Windows-1252, as Outlook writes it (no text means a
 * C1 control). The five bytes Windows-1252 leaves undefined stay. *s is
 * replaced by a new string (the old one freed) when it holds one, else
 * left alone. Returns 0, or -1 when out of memory (*s unchanged). */
int corpus_c1_as_cp1252(char **s, size_t *len);

/* Write the code point `cp` (at most U+10FFFF, no surrogate) as UTF-8 at
 * w (room for 4 bytes); returns the byte after it (textenc.c). */
char *corpus_put_utf8(char *w, unsigned long cp);

/* Decode the character reference at p ("&amp;", "&eacute;", "&#233;",
 * "&#xE9;"; p points at the '&', eol ends the text) into *w, advanced
 * past what was written. Returns the bytes of input used, 0 when p is
 * not a reference (nothing written). Never writes more than it uses, so
 * text may be decoded in place (textenc.c). */
size_t corpus_char_ref(const char *p, const char *eol, char **w);

/* An encoding of the WHATWG Encoding Standard (textenc.c lists them and
 * their labels). */
typedef struct corpus_encoding {
    const char *name;     /* as the standard writes it: "windows-1251" */
    const char *iconv;    /* its name for iconv_open(); NULL for UTF-8 and
                           * windows-1252, which corpus_text_to_utf8 reads
                           * as it reads every text */
    int seven_bit;        /* ISO-2022-JP: its text is ASCII bytes (and so
                           * valid UTF-8) with escape sequences */
} corpus_encoding;

/* The encoding a charset label names ("latin1", " Shift_JIS ": leading
 * and trailing white space and ASCII case do not count), or NULL when
 * the label is none the standard knows. */
const corpus_encoding *corpus_encoding_for_label(const char *label, size_t n);

/* What corpus_iconv_to_utf8() did. */
enum corpus_iconv_result {
    CORPUS_ICONV_OK,
    CORPUS_ICONV_UNKNOWN,   /* iconv cannot convert from that charset */
    CORPUS_ICONV_INVALID,   /* the text holds bytes invalid in it, or ends
                             * inside a character */
    CORPUS_ICONV_TOO_BIG,   /* the UTF-8 would pass `cap` bytes */
    CORPUS_ICONV_NOMEM
};

/* Decode [s, s+len), text in the iconv(3) charset `charset`, to a new
 * NUL-terminated UTF-8 string in *out (malloc; the caller frees), its
 * length in *out_len, at most `cap` bytes; *out is NULL unless
 * CORPUS_ICONV_OK is returned. The iconv descriptor is closed before
 * returning (textenc.c). */
int corpus_iconv_to_utf8(const char *charset, const char *s, size_t len,
                         size_t cap, char **out, size_t *out_len);

/* Make b->data valid UTF-8 (corpus_text_to_utf8) when it is not; b->data
 * may be replaced, the old buffer freed. CORPUS_OK, or CORPUS_ERR_NOMEM
 * with `why` worded. For the raw formats, which decode their own text. */
corpus_status corpus_fix_encoding(corpus_buf *b, char *why, size_t whylen);

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
    /* HTML read for another format (the HTML part of a mail, whose title
     * is its Subject): all the visible text is the body, and a page
     * without <title>, og:title or <h1> gives none of it to the title;
     * the text is UTF-8 already (the other format decoded it), so the
     * charset the page declares is not looked at. */
    int html_text_only;
} corpus_reader;

/* Signature of a format parser.
 *
 *   rd          the file (its relpath is the article id base), options,
 *               callback; articles are handed on with corpus_emit(), bad
 *               articles inside a file reported with corpus_bad_article(),
 *               a skip of the whole file worded with corpus_why(rd->why,..)
 *   text        the prepared text; the parser may modify text->data in
 *               place (e.g. write NULs to terminate fields) but must not
 *               reallocate it; it may free it once nothing points into
 *               it, setting text->data to NULL (HTML: a long page's text
 *               then is not held beside its article); the caller frees
 *               text->data afterwards
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

/* ------------------------------------------------------ dates (date.c) */

/* 1 when year-month-day (a real day) is more than a year (366 days)
 * after today, UTC: too late to be when an article appeared, so no
 * article's date (corpus_parse_date and corpus_path_date refuse it). */
int corpus_date_too_late(int year, int month, int day);

/* corpus_parse_date() without its bound on the future: 1 when `text` is
 * written as a date it reads, the day then in the outputs (each may be
 * NULL), also when that day is too late (corpus_date_too_late), for a
 * message that says so. */
int corpus_date_form(const char *text, int *year, int *month, int *day);

/* Take year-month-day for today instead of the clock's day (year 0: the
 * clock again). For tests; not thread-safe. */
void corpus_date_set_today(int year, int month, int day);

/* -------------------------------------- Markdown front matter (read_md.c) */

/* What the front matter of a Markdown file gives: its title, date,
 * author, source, url, tags and lead text (read_md.c lists the keys and
 * owns the type). The reader of the block fills it in through the
 * functions below: corpus_md_read_yaml() for a "---" block,
 * corpus_md_read_toml() for a "+++" one. */
typedef struct corpus_front_matter corpus_front_matter;

/* The field of the key [key, key+n) (case-insensitive: "title",
 * "Authors", "categories" ...), or -1 when the article takes none. */
int corpus_front_field(const char *key, size_t n);

/* 1 when field k holds one line of text (a title, a date: a list or a
 * mapping given for it is left out, with corpus_front_problem), 0 when
 * it holds names or tags (a list of them, or a mapping's "name"). */
int corpus_front_is_text(int k);

/* A key of field k is met: a text or names field is given again from
 * scratch (the last key wins: "author" then "authors"), tags add up. */
void corpus_front_begin(corpus_front_matter *fm, int k);

/* One scalar value [s, e) of field k, alone (`item` 0) or as an item of
 * a list (1): a text field takes it (white space folded onto one line),
 * a names field adds it after ", ", tags are split on commas when not an
 * item. */
void corpus_front_take(corpus_front_matter *fm, int k, const char *s,
                       const char *e, int item);

/* Note a value left out, for the one warning that names them all: the
 * key [key, key+keylen) and what is wrong ("is a list"). */
void corpus_front_problem(corpus_front_matter *fm, const char *key,
                          size_t keylen, const char *what);

/* Record that an allocation failed (the file is then not indexed), and
 * whether one has. */
void corpus_front_set_nomem(corpus_front_matter *fm);
int corpus_front_nomem(const corpus_front_matter *fm);

/* Read the YAML block [s, e) (between the "---" lines) into *fm with
 * libyaml (md_yaml.c). Returns 1 when it is a valid YAML mapping (or
 * empty), 0 otherwise with a one-line reason in `err` ("line 2: mapping
 * values are not allowed in this context", lines counted from the first
 * line of the file; "over 262144 bytes" when it is too big or nested too
 * deep to give libyaml); *fm may then hold part of the block. */
int corpus_md_read_yaml(const char *s, const char *e, corpus_front_matter *fm,
                        char *err, size_t errlen);

/* Read the TOML block [s, e) (between the "+++" lines) into *fm
 * (md_toml.c): its top-level "key = value" lines. A line that is not
 * valid TOML is left out and the rest read on; returns 1 when all was
 * valid, else 0 with the first problem in `err` ("line 3: no '=' after
 * a key"). */
int corpus_md_read_toml(const char *s, const char *e, corpus_front_matter *fm,
                        char *err, size_t errlen);

/* Length of the mail header block that opens [text, text+len): the bytes
 * up to and including the blank line that ends it (or all of `len` when
 * the header runs to the end). 0 when the text does not open with one:
 * an optional mbox "From " line, then "Name: value" lines (RFC 5322 field
 * names) and their indented continuation lines (a few indented lines
 * before the first field are allowed: the tail of a header cut off above
 * them), at least two fields, one
 * of them From, Subject, Newsgroups or Message-ID. Used to recognise mail
 * among files without an extension and .txt files; an .eml, whose name
 * says it is mail, needs only one field of any name (read_mail.c). */
size_t corpus_mail_header_len(const char *text, size_t len);

/* Hand one article to the caller. `line` is its line number inside a
 * multi-article file, 0 otherwise (used in warnings). A date that
 * corpus_parse_date() does not understand is reported through
 * rd->opts->on_warning first; the article is passed on unchanged. A
 * reader that saw a list of authors gives their names (`authors`,
 * `nauthors`) and no `author`: the byline is made here, the names
 * joined with ", " once each is cleaned (a name left empty is none, and
 * so is one that is a name before it, corpus_name_key); a tag equal to
 * one before it is left out too. Names past the first CORPUS_MAX_AUTHORS
 * and tags past the first CORPUS_MAX_TAGS (repeats not counted) are left
 * out, with a warning through rd->opts->on_warning.
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

/* corpus_trim for read-only text. */
void corpus_trim_const(const char **s, const char **e);

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
 * the limit). Returns 0 with *cost filled in, or -1 when out of memory
 * or gumbo (whose tag names it asks) cannot be loaded. */
int corpus_html_scan(const char *text, size_t len, size_t depth_limit,
                     uint64_t work_limit, corpus_html_cost *cost);

/* The encoding an HTML page declares in its first 1024 bytes (HTML's
 * prescan, html_scan.c: <meta charset>, <meta http-equiv="Content-Type"
 * content="...; charset=...">, else an XML declaration's encoding), or
 * NULL when it declares none the Encoding Standard knows. The label that
 * named it is copied into label[size] (cut to fit, bytes other than
 * printable ASCII as '?'), or when there is none the first label it does
 * not know; "" when it has neither. */
const corpus_encoding *corpus_html_prescan(const char *text, size_t len,
                                           char *label, size_t size);

/* CPU time gumbo may spend on one page before it is abandoned: `base`
 * seconds plus `per_mib` per MiB of text (defaults 5 and 1; read_html.c).
 * For tests; not thread-safe. */
void corpus_html_set_time_budget(double base, double per_mib);

/* Stack gumbo may use before a parse is abandoned (default 1 MiB). For
 * tests; not thread-safe. */
void corpus_html_set_stack_budget(size_t bytes);

/* ------------------------------------- libraries loaded on first use */

/* One symbol a reader calls in a library it loads (loadlib.c): its name
 * and the pointer its address goes to (a function or object pointer of
 * the reader's, typed from the library's own header). */
typedef struct corpus_lib_symbol {
    const char *name;
    void *slot;
    size_t size;          /* sizeof the pointer at `slot` */
} corpus_lib_symbol;

/* The entry for the member `name` of the pointer table `table`, typed
 * `__typeof__(&name) name;` (so each call is checked against the
 * library's header). */
#define CORPUS_LIB_SYMBOL(table, name)                                       \
    {#name, &(table).name, sizeof(table).name}

/* A library a reader loads (dlopen) when it first needs it, instead of
 * linking it: a program that never reads that format never loads it. A
 * static object per library, all but `state` and `failure` set by its
 * reader; `soname` may be changed by tests before the first use. */
typedef struct corpus_lib {
    const char *soname;       /* what dlopen() is given */
    const char *purpose;      /* for messages: "GMime to read mail" */
    const corpus_lib_symbol *symbols;
    size_t nsymbols;
    void (*init)(void);       /* run once when bound, or NULL */
    atomic_int state;         /* 0 not tried yet, 1 ready, -1 failed */
    char failure[256];        /* why not, when state is -1 */
} corpus_lib;

/* Load `lib` and look up its symbols on the first call (once per process,
 * thread-safe); later calls cost an atomic load. Returns 0 when every
 * symbol's pointer is set, else -1 (now and on every later call) with
 * lib->failure saying why in one line that names the library. */
int corpus_lib_use(corpus_lib *lib);

/* 1 when `lib` is loaded in this process (by us or anyone), else 0. */
int corpus_lib_loaded(const corpus_lib *lib);

/* Read HTML with the gumbo library named `soname` (a name for dlopen())
 * instead of the one the build found. Only before the first page is
 * parsed: gumbo is loaded once. For tests; not thread-safe. */
void corpus_html_set_library(const char *soname);

/* 1 when the gumbo library that reading HTML uses is loaded in this
 * process (it is loaded when the first page is parsed), else 0. */
int corpus_html_library_loaded(void);

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
