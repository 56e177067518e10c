/*
 * corpus.h - finding article files and reading articles out of them.
 *
 * A corpus is one or more directory trees. corpus_walk() visits the regular
 * files below a root in a stable order (byte order of names, depth first);
 * corpus_read_file() turns one file into zero or more articles.
 *
 * Ownership: everything handed to a callback is borrowed and valid only for
 * the duration of the call. Copy what you keep.
 */
#ifndef GAZETTE_CORPUS_H
#define GAZETTE_CORPUS_H

#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------ walk */

typedef struct corpus_file {
    const char *root;     /* the root as given to corpus_walk */
    const char *path;     /* path usable with open(): root + "/" + relpath */
    const char *relpath;  /* relative to root, '/'-separated, no "./" */
    uint64_t size;        /* bytes, from stat */
    int64_t mtime_ns;     /* modification time, nanoseconds since epoch */
} corpus_file;

/* A copy of `f` into *out whose strings live in one block, returned:
 * the caller frees it when done with *out. NULL when out of memory. */
char *corpus_file_copy(const corpus_file *f, corpus_file *out);

/* Called for each regular file that may hold articles: one with an
 * article extension, one whose name says nothing (see corpus_name_kind;
 * whether it is mail is only known by reading it), and a root that is a
 * file, whatever its name. Return 0 to go on, non-zero to stop the walk
 * (corpus_walk then returns that value). */
typedef int (*corpus_file_fn)(const corpus_file *file, void *ctx);

/* Called for each entry the walk cannot use (unreadable directory, symlink
 * loop, broken symlink, special file such as a FIFO): `path` (root-based,
 * like corpus_file.path) and a short human reason. The walk goes on. Also
 * the type of corpus_walk_options.on_ignored. */
typedef void (*corpus_warn_fn)(const char *path, const char *reason,
                               void *ctx);

/* Which files below a root make up the corpus. Zero-initialised: every
 * article file, nothing reported as ignored. */
typedef struct corpus_walk_options {
    /* fnmatch(3) patterns (no flags: '*' also matches '/') on the path
     * relative to the root. A pattern with a '/' is matched against the
     * whole relative path, one without also against the file's or a
     * directory's own name. With includes, a file is part of the corpus
     * only when a pattern matches it or a directory above it ("world",
     * "*.eml", "2023/[0-9]*"). A file matching an exclude is not, and a
     * directory matching one is not entered; excludes win. The strings
     * are borrowed for the walk. */
    const char *const *include;
    size_t ninclude;
    const char *const *exclude;
    size_t nexclude;
    /* Called (with the walk's ctx) for each entry below the root that is
     * not part of the corpus, with the reason: an unknown file type, a
     * file describing the corpus (README...), a hidden file or directory
     * (name starting with '.'; a directory is reported once and not
     * entered), the include and exclude patterns, or a symlink whose
     * target lies inside the root (not followed). May be NULL. */
    corpus_warn_fn on_ignored;
    /* Follow symlinks whose target is outside the root as well (the
     * gazette-index option --follow-symlinks). Links to a target inside
     * the root are judged as below, also those found out there. */
    int follow_outside_symlinks;
    /* Called instead of `warn` for a symlink left out because it leaves
     * the root (a choice, not a problem: a caller may want to drop what
     * it indexed there before). NULL: `warn` is called. */
    corpus_warn_fn on_excluded;
    /* When not NULL, counts the entries the include and exclude patterns
     * left out (a directory once), which on_ignored reports too: a root
     * with files, none of them chosen, is not an empty one. */
    uint64_t *left_out;
    /* Called (with the walk's ctx) for each directory the walk enters
     * that is on another file system (st_dev) than the directory it is
     * listed in: a mount point (or one a followed symlink leads to), with
     * its path relative to the root, before anything below it is visited.
     * A disk unmounted from it leaves an empty directory on the parent's
     * file system, or none, which nothing else tells from a folder
     * emptied on purpose. May be NULL. */
    void (*on_mount)(const char *relpath, void *ctx);
} corpus_walk_options;

/* Walk `root` (a directory, or a single file whose relpath is then its base
 * name). Entries of each directory are visited in strcmp order of their
 * names, depth first (so "sub/a.txt" comes before "sub.txt"). A file in
 * the root is visited once, at its real path below it: a symlink whose
 * target (resolved with realpath(), like the root) lies inside the root
 * is not followed when the walk reads that target at its own path (and a
 * file's name is of the link name's kind): it is reported through
 * opts->on_ignored. One whose target the walk would not read there
 * (hidden, left out by the patterns, a name of another kind) is
 * followed, its files visited under the link's path. A symlink within
 * the root to a directory the walk is in (`self -> .`, `a/b/up -> ..`) is
 * not followed and reported through opts->on_ignored: that directory is
 * being walked. A directory met again below itself all the same (a bind
 * mount; with follow_outside_symlinks, a link out of the root to a
 * directory that holds it; a link followed to a hidden directory that
 * holds it) is a loop, reported through `warn` and not
 * entered. A symlink whose target lies
 * outside the root is not followed either: it is reported, with the
 * reason "symlink leaves the corpus root", and skipped (corpus_walk_with()
 * can allow it: followed then, to files, and to directories once). A root
 * that is itself a symlink is walked as the place it leads to, with paths
 * built from the root as given. Hidden entries (leading '.') below
 * the root are ignored. The patterns of `opts` (may be NULL) are applied
 * first: an entry they leave out is only reported as ignored, even a
 * symlink leaving the root, a broken symlink or a special file. They do
 * not apply to a root that is a file. Trailing slashes of `root` are dropped when paths
 * are joined.
 * Returns 0 when the walk completed, -1 when `root` cannot be opened (errno
 * set; EINVAL when it is neither a file nor a directory) or the walk ran
 * out of memory or descriptors anywhere (errno ENOMEM, EMFILE or ENFILE:
 * corpus_errno_is_exhaustion), or the callback's non-zero value. `warn` may be
 * NULL. */
int corpus_walk_with(const char *root, const corpus_walk_options *opts,
                     corpus_file_fn on_file, corpus_warn_fn warn, void *ctx);

/* 1 when a walk of a root with `opts` (may be NULL) would enter or visit
 * `relpath`, a path below that root without "." or ".." components (a
 * real path's tail): no component of it is hidden (leading '.') and no exclude pattern matches it or a directory above
 * it; include patterns are not looked at (a walk enters every directory
 * they may hold files of). 0 when it would not; -1 when out of memory. */
int corpus_walk_reaches(const corpus_walk_options *opts, const char *relpath);

/* 1 when a walk of a root with `opts` (may be NULL) would read the file
 * at `relpath` (as corpus_walk_reaches), which an include pattern must
 * also match when `opts` has some: its path or a directory above it. 0
 * when it would not; -1 when out of memory. */
int corpus_walk_keeps_file(const corpus_walk_options *opts,
                           const char *relpath);

/* corpus_walk_with() with default options. */
int corpus_walk(const char *root, corpus_file_fn on_file, corpus_warn_fn warn,
                void *ctx);

/* What a file's name says about it. */
typedef enum corpus_name_kind {
    CORPUS_NAME_IGNORED = 0,   /* not an article file */
    CORPUS_NAME_ARTICLE,       /* an article extension (corpus_is_supported) */
    CORPUS_NAME_MAYBE_MAIL     /* no extension: mail if it starts with a
                                  mail header block (corpus_probe_mail) */
} corpus_name_kind;

/* Classify `relpath` by its base name. CORPUS_NAME_MAYBE_MAIL for a name
 * without a '.' ("38951" in a news spool, "17" in an MH folder) and for a
 * maildir name (digits, '.', and a second '.': "1700000000.M1P2.host:2,S"),
 * each also followed by ".gz" (read through zlib).
 * CORPUS_NAME_IGNORED, with a short reason in *reason (static storage;
 * `reason` may be NULL), for other unknown types and for the files that
 * describe a corpus (README, SOURCE, LICENSE, LICENCE, alone or with any
 * extension, any case). */
corpus_name_kind corpus_name_kind_of(const char *relpath, const char **reason);

/* 1 when `relpath`'s extension is one corpus_read_file understands: .txt,
 * .md, .markdown, .html, .htm, .jsonl, .ndjson, .eml, each optionally
 * followed by .gz. Case-sensitive: "README.TXT" is not an article. The
 * base name must have something before the extension (".txt" is not). A
 * file whose base name is README, SOURCE, LICENSE or LICENCE, alone or
 * followed by ".<ext>" (any case), is never an article: it describes the
 * corpus (corpus/sample/README.md, a dataset's SOURCE.md). */
int corpus_is_supported(const char *relpath);

/* 1 when errno value `e` (EMFILE, ENFILE, ENOMEM) says the process or the
 * system is out of descriptors or memory. Such a failure says nothing
 * about the file being opened: a run that took it for an unreadable file
 * would report it skipped (or, for a directory, its articles kept as
 * unreadable) when the honest outcome is an I/O failure of the run. */
int corpus_errno_is_exhaustion(int e);

/* 1 when `relpath` names a file of several articles, whose ids are
 * "<relpath>#<id>" (JSON Lines: .jsonl, .ndjson, also followed by .gz). */
int corpus_holds_many(const char *relpath);

/* For a CORPUS_NAME_MAYBE_MAIL file: 1 when its first bytes (up to 64 KiB,
 * uncompressed for a name ending in ".gz") are a mail header block (see corpus_read_file), 0 when not (a one-line
 * reason in `why`), -1 when it cannot be read (reason in `why`, errno kept). Cheaper
 * than corpus_read_file: it reads only the head of the file. */
int corpus_probe_mail(const corpus_file *file, char *why, size_t whylen);

/* --------------------------------------------------------------- article */

typedef struct corpus_article {
    const char *id;       /* relpath, or relpath "#" id inside a multi-file */
    const char *title;    /* never NULL; may be "" */
    const char *body;     /* never NULL; UTF-8 */
    size_t body_len;
    const char *date;     /* as written in the source, or NULL */
    const char *author;   /* or NULL: the byline as shown and stored */
    /* The names of `author` when the source listed its authors as
     * separate values (a JSON Lines "author" array, a front matter list,
     * several <meta name="author">, a JSON-LD author array, rel="author"
     * links): `nauthors` names, `author` being them joined with ", ".
     * Each is one author to the author facet and its exact-name terms,
     * which a joined byline cannot be: "Smith, John" may be one person,
     * so one string is never split. 0 names when the source gave one
     * string, or none: `author` is then the one name. */
    const char *const *authors;
    size_t nauthors;
    const char *source;   /* or NULL: caller then uses the top folder */
    const char *url;      /* or NULL */
    const char *const *tags;  /* `ntags` tags */
    size_t ntags;
} corpus_article;

typedef int (*corpus_article_fn)(const corpus_article *article, void *ctx);

typedef enum corpus_status {
    CORPUS_OK = 0,
    CORPUS_SKIP_UNREADABLE,   /* open/read failed (errno in message) */
    CORPUS_SKIP_TOO_LARGE,    /* over corpus_options.max_bytes */
    CORPUS_SKIP_BINARY,       /* NUL bytes or other signs of binary data */
    CORPUS_SKIP_BAD_GZIP,     /* truncated or corrupt gzip stream */
    CORPUS_SKIP_EMPTY,        /* no title and no body */
    CORPUS_SKIP_UNSUPPORTED,  /* extension not understood */
    CORPUS_SKIP_MALFORMED,    /* format-level error (e.g. bad JSON line) */
    CORPUS_ERR_NOMEM,         /* out of memory: stop the run */
    CORPUS_STOPPED,           /* the article callback returned non-zero */
    CORPUS_NOT_ARTICLE,       /* a name without extension, and the file
                                 does not start with a mail header block */
    CORPUS_ERR_RESOURCES      /* the process or system ran out of file
                                 descriptors or kernel memory while opening
                                 the file (corpus_errno_is_exhaustion), or
                                 the GMime library that reads mail cannot
                                 be loaded: not the file's fault, stop
                                 the run */
} corpus_status;

/* The size limit when corpus_options.max_bytes is 0. */
#define CORPUS_DEFAULT_MAX_BYTES ((uint64_t)64 << 20)

/* Problems inside a file that is otherwise read. Both callbacks take a
 * `where` naming the place: the file's path (corpus_file.path), followed by
 * ":<line>" when the problem is on one line of a multi-article file (JSON
 * Lines), and a one-line `reason` (no trailing newline). Borrowed strings,
 * valid during the call. */
typedef struct corpus_options {
    uint64_t max_bytes;       /* largest (decompressed) file read; 0 =
                               * CORPUS_DEFAULT_MAX_BYTES (64 MiB) */
    /* One article was left out, the rest of the file is read: a bad line
     * of a JSON Lines file. May be NULL. */
    corpus_warn_fn on_bad_article;
    /* An article was read, but part of it was not understood: a date that
     * corpus_parse_date() does not accept (the article is still passed on
     * with .date as written), or the file holds more than is read (an
     * mbox of several messages, read as its first), or a message whose
     * parts hold something gave no text (an image alone: indexed without
     * a body). May be NULL. */
    corpus_warn_fn on_warning;
    void *warn_ctx;           /* passed to both */
} corpus_options;

/* The bytes of text reading `file` is expected to hold in memory, to
 * schedule its reading (never to refuse it): its size, and for a ".gz"
 * name the larger of that and the size its gzip trailer records (ISIZE,
 * one read of 4 bytes). A trailer is that of the last member only, and
 * holds the size modulo 4 GiB: for a file of several members or one
 * inflating past 4 GiB this is a lower bound. A trailer claiming more
 * than deflate can inflate from the file's bytes (1032 to 1) is damage
 * and ignored, as is a file that cannot be read or is under 18 bytes.
 * The caller asks only whether the text may be over `above` bytes: a
 * file too small to inflate past that is not opened (its size is
 * returned), so that a small ".gz" is opened no more than before. */
uint64_t corpus_text_size_hint(const corpus_file *file, uint64_t above);

/* Read `file` and call `on_article` for each article in it. The format is
 * chosen by file->relpath's extension; file->path is opened. On a skip, a
 * one-line reason (no trailing newline, without the file name) is written
 * to `why` (`whylen` bytes, may be 0; "" on CORPUS_OK). `opts` may be NULL
 * for defaults.
 *
 * Text handling before the format sees it: the file is opened without
 * blocking and must be a regular file (a FIFO is CORPUS_SKIP_UNREADABLE);
 * ".gz" is inflated (streamed; stops as soon as more than max_bytes came
 * out); a NUL byte, or control
 * bytes making up over a tenth of the data, mean binary; a UTF-8 BOM is
 * dropped; text that is not valid UTF-8 is decoded by
 * corpus_text_to_utf8 (Windows-1252, all of it or only its stray bytes),
 * a .txt file once it is known not to be mail, a JSON Lines file line by
 * line, an HTML page unless it declares a charset (then decoded from it:
 * read_html.c); CRLF and lone CR become LF; blank text is
 * CORPUS_SKIP_EMPTY.
 *
 * .txt: an optional header block at the very top (Title, Date, Author or
 * Authors, Source, URL, Tags; keys case-insensitive; several Tags: lines
 * add up, of another key given twice the last counts; it counts only when
 * every line before the first blank line, or the end of the file, is such
 * a header), then, unless Title: was given, the first non-empty line is
 * the title; the rest is the body with surrounding blank lines trimmed.
 * Tags are comma-separated, trimmed, empty ones dropped. The id is the
 * relpath. A .txt file that opens with a mail header block (see .eml
 * below) is read as mail, unless that block is a header block of ours
 * with a key no mail has (all but Date).
 *
 * .md/.markdown: optional "---" front matter (title, date, author, source,
 * url, tags); the body without Markdown syntax; title from the front
 * matter, else the first level-1 heading, else the first line (read_md.c).
 *
 * .html/.htm: gumbo; title from <title>, og:title, the JSON-LD headline or
 * the first <h1>; the visible text; metadata from <meta>, schema.org
 * JSON-LD and <link rel=canonical>, a date also from <time datetime>,
 * authors also from <a rel=author> (see read_html.c). A page
 * nested deeper than 4096 elements, or that would cost gumbo too much
 * work (many tags deep down, thousands of attributes), is
 * CORPUS_SKIP_MALFORMED before it is parsed (read_html.c, html_scan.c).
 *
 * .jsonl/.ndjson: one article per line, id relpath "#" id (or line
 * number); a body that is HTML is read for its visible text; a bad line
 * (also one repeating an earlier line's id) goes to
 * opts->on_bad_article as "path:line" and the rest is read; a file with
 * no good line is CORPUS_SKIP_MALFORMED (read_jsonl.c).
 *
 * .eml, and a name without extension (corpus_name_kind_of): one mail or
 * news message parsed with GMime: Subject the title, From display name
 * (else address) the author, Date as "YYYY-MM-DD" (the day written
 * there), Newsgroups the tags, the text of every text part that is not
 * an attachment and has no file name, in order: text/plain, text/html
 * (all its visible text), another text subtype but data ones such as
 * text/calendar (read as text/plain, RFC 2046), a part whose
 * Content-Type is no valid type/subtype (text/plain, RFC 2045 5.2); one
 * version of a multipart/alternative (the plain one if it has text, else
 * the HTML one, else one of another text subtype),
 * format=flowed text joined (RFC 3676), the body; headers are not body text. Its
 * bytes are not decoded as a whole first: GMime applies the declared
 * charsets but UTF-8 and ASCII, and what is not UTF-8 then is read as
 * Windows-1252; text labelled ISO-8859-1 is read as Windows-1252, as
 * browsers read it. A name
 * without extension whose file does not open with a mail header block
 * (corpus_probe_mail) is CORPUS_NOT_ARTICLE; an .eml needs one header
 * field of any name at the start, without one it is CORPUS_SKIP_MALFORMED
 * (read_mail.c). An mbox of several messages is read as its first one,
 * reported through opts->on_warning; so is a message whose parts hold
 * something but no text (an image, a PDF), indexed without a body.
 *
 * Any article whose date corpus_parse_date() does not understand is
 * reported through opts->on_warning before it is handed on.
 *
 * Every field but the id reaches `on_article` without characters that
 * drive a terminal: C0 controls (except tab and, in the body, line feed),
 * DEL and C1 controls (U+0080..U+009F) are replaced by spaces, and in the
 * one-line fields (title, date, author, source, url, tags) tab and line
 * feed too, and the spaces at both ends of those are trimmed; a tag left
 * empty is dropped. U+00AD SOFT HYPHEN is removed from them
 * ("Bundes\u00ADregierung" is one word, Bundesregierung). The id keeps the
 * file's name, and a JSON Lines id, as it is (the index stores it whole:
 * schema.h). */
corpus_status corpus_read_file(const corpus_file *file,
                               const corpus_options *opts,
                               corpus_article_fn on_article, void *ctx,
                               char *why, size_t whylen);

/* corpus_read_file() on the decompressed bytes of `file`, whose name ends
 * in ".gz", inflated whole by the caller (every member, as gzip -d reads
 * them) instead of the file at file->path, which is not opened: a caller
 * that inflated the file already (to hash its text) need not inflate it
 * twice. `text` holds `len` bytes and a NUL after them, malloc()ed, and
 * is taken over: freed before this returns, whatever the result. Over
 * opts->max_bytes it is CORPUS_SKIP_TOO_LARGE; a name without ".gz" is
 * CORPUS_SKIP_UNSUPPORTED. */
corpus_status corpus_read_inflated(const corpus_file *file,
                                   const corpus_options *opts, char *text,
                                   size_t len, corpus_article_fn on_article,
                                   void *ctx, char *why, size_t whylen);

/* Short name of a status ("binary", "too large", ...). Static storage. */
const char *corpus_status_name(corpus_status status);

/* ------------------------------------------------------------ text utils */

/* The readers' replacement of the characters that drive a terminal (see
 * corpus_read_file), for any text: a copy of [s, s+len) with each C0
 * control (but tab and line feed when `multiline`), DEL and C1 control
 * (U+0080..U+009F) replaced by a space, each U+00AD SOFT HYPHEN removed
 * (a hint, not a break: read.c) and, for a one-line field (`multiline`
 * 0), the spaces at both ends then trimmed (also when no character was
 * replaced), in *out (malloc()ed, NUL-terminated, its length in
 * *out_len). *out is NULL when the text needs none of this (it is as it
 * should be). Returns 0, or -1 when out of memory. */
int corpus_safe_copy(const char *s, size_t len, int multiline, char **out,
                     size_t *out_len);

/* A name that is one of the first CORPUS_NAMES_DEDUP of an article's
 * authors' names, as the author facet folds them (corpus_name_key: "ann
 * lee" is "Ann Lee"), is the same author listed twice, and left out (by
 * corpus_emit and gazette_article_add_author; the first spelling stays):
 * else the byline shows it twice while the facet counts one. The bound
 * keeps a list of many thousand names linear. */
#define CORPUS_NAMES_DEDUP 64

/* The most authors' names and tags an article keeps: corpus_emit, which
 * every reader's articles pass, keeps the first of a longer list (after
 * its repeats are left out) and warns, naming the file
 * and how many it left out. Each is a term and a facet value, and each
 * hit shows them all: a JSON Lines line or front matter listing 50 000
 * would be indexed whole and print a byline of megabytes. Every kept
 * name is compared with those before it (CORPUS_NAMES_DEDUP). */
#define CORPUS_MAX_AUTHORS CORPUS_NAMES_DEDUP
#define CORPUS_MAX_TAGS 64

/* The key by which two names are one author: `name` folded as the author
 * facet folds its values (gz_value_fold, schema.h: accents, then Unicode
 * lower case), in a new string (caller frees), NULL when out of memory. */
char *corpus_name_key(const char *name);

/* The `n` names joined with `sep` (", " as an article's byline joins its
 * authors' names, corpus_article; GZ_LIST_SEP in stored lists), in a new
 * string (NULL when out of memory); "" when there are none. */
char *corpus_join_names(const char *const *names, size_t n, const char *sep);

/* 1 when [s, s+len) is valid UTF-8 (no overlongs, no surrogates). */
int corpus_utf8_valid(const char *s, size_t len);

/* Decode Windows-1252 bytes to a new NUL-terminated UTF-8 string (malloc;
 * caller frees). *out_len gets its length (`out_len` may be NULL). NULL on
 * out of memory. The five bytes Windows-1252 leaves undefined (81 8D 8F 90
 * 9D) become the C1 controls of the same value, as in the WHATWG Encoding
 * Standard, so every input decodes. */
char *corpus_cp1252_to_utf8(const char *s, size_t len, size_t *out_len);

/* Text that is not valid UTF-8, as a new NUL-terminated UTF-8 string
 * (malloc; caller frees; *out_len its length, `out_len` may be NULL):
 * when its well-formed multibyte UTF-8 sequences outnumber its bytes that
 * are not UTF-8 and are Windows-1252 letters (é, ü, ß; stray punctuation
 * such as curly quotes does not count; nor do sequences real text does not
 * hold there, a C1 control or a lone letter of U+0700..U+07FF such as the
 * NKo one "ß“" makes: they count as letters), it is UTF-8 with stray bytes, and
 * only those are read as Windows-1252; otherwise all of it is (a legacy
 * file). Valid UTF-8 comes back unchanged. NULL on out of memory. */
char *corpus_text_to_utf8(const char *s, size_t len, size_t *out_len);

/* Parse a date into *year, *month, *day. Returns 1 when understood (the
 * outputs, any of which may be NULL, are written only then). Accepts:
 *   ISO 8601 / RFC 3339  "2023-11-05", optionally followed by 'T' or
 *                        blanks and "hh:mm[:ss[.fff]]" and a zone ("Z",
 *                        "+01:00", "-0500"), also after blanks as YAML
 *                        and Jekyll write it ("2023-11-05 10:00:00 +0100",
 *                        "... -5", "... Z", "... UTC")
 *   RFC 2822             "Sun, 05 Nov 2023 10:00:00 +0000" (weekday, time
 *                        and zone optional; zone also GMT, UT, EST ...;
 *                        then an optional comment, "(CET)"); the year
 *                        may have two digits ("5 Nov 93": 00-49 are
 *                        20xx, 50-99 19xx) or three (+1900), as RFC 5322
 *                        reads them; also RFC 850/1036 "Sunday,
 *                        05-Nov-93 10:00:00 GMT"
 *   written forms        "5 November 2023", "5th Nov 2023",
 *                        "November 5, 2023", "Nov. 5 2023", each with an
 *                        optional weekday ("Sunday, ...")
 *   year first slashed   "2023/11/05"
 *   ISO 8601 basic       "20231105": exactly eight digits, a year from
 *                        1900 to 2199 (as in corpus_path_date); also
 *                        with the time's digits, hhmm or hhmmss, after
 *                        them ("202311051015", "20231105101500", as
 *                        GDELT writes DATEADDED)
 *   ISO 8601 week dates  "2023-W44-7", "2023W447" (weeks 1-52, 53 in a
 *                        long year; days 1-7 from Monday; the day may
 *                        fall in the year before or after)
 *   ISO 8601 ordinal     "2023-309" (days 1-365, 366 in a leap year; not
 *                        the seven digits "2023309")
 * (and the others of date.c's table: ctime's, JavaScript's, "5.11.2023").
 * A date names a day: a year, a month ("2023-11", "Nov 2023") or a week
 * ("2023-W44") is refused, not read as its first day (date.c).
 * Month names are English, full or abbreviated (3+ letters), any case.
 * Ranges are checked (Feb 29 only in leap years). The day is the calendar
 * day as written; a zone is checked but not applied. Surrounding
 * whitespace is ignored. Day-first or month-first numeric forms
 * ("05/11/2023") are refused: they are ambiguous. So is a day more than
 * a year (366 days) after today, UTC ("2611-02-06"): a typo or a number
 * misread, not when an article appeared. */
int corpus_parse_date(const char *text, int *year, int *month, int *day);

/* The date written in a file's path, for articles that give none of their
 * own. Returns 1 and writes *year, *month, *day (each may be NULL) when
 * `relpath` holds "YYYY-MM-DD" (also with '_' or '.' between the fields),
 * "YYYYMMDD", or three directories "YYYY/MM/DD/" (month and day may have
 * one digit there), with no digit right before or after and a year from
 * 1900 to 2199, not more than a year after today (as corpus_parse_date):
 * "2023-11-03-blinken-tel-aviv.txt", "archive/2023/11/03/story.html",
 * "20231103-memo.txt". When there are several, the one nearest the end
 * of the path wins. 0 otherwise. */
int corpus_path_date(const char *relpath, int *year, int *month, int *day);

#endif /* GAZETTE_CORPUS_H */
