/*
 * schema.h - the layout of a Gazette index, shared by the writer
 * (indexer/) and the reader (query/) inside libgazette. Private: not
 * installed.
 *
 * Term prefixes follow Xapian Omega's conventions so that quest,
 * xapian-delve and Omega can read a Gazette index.
 */
#ifndef GAZETTE_SCHEMA_H
#define GAZETTE_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#include "hash.h"
#include "xapian_shim.h"

/* Boolean and free-text term prefixes. */
#define GZ_PREFIX_ID      "Q"      /* unique id: article id (hashed if long) */
#define GZ_PREFIX_TITLE   "S"      /* title words (free text) */
#define GZ_PREFIX_AUTHOR  "A"      /* author words (free text) */
#define GZ_PREFIX_DATE    "D"      /* D20231105 */
#define GZ_PREFIX_MONTH   "M"      /* M202311 */
#define GZ_PREFIX_YEAR    "Y"      /* Y2023 */
#define GZ_PREFIX_TAG     "K"      /* K + folded tag (gz_value_term) */
#define GZ_PREFIX_URL     "U"      /* U + url (hashed if long) */
#define GZ_PREFIX_PATH    "P"      /* P + relative path of the file */
#define GZ_PREFIX_SOURCE  "XSOURCE"  /* XSOURCE + folded source
                                        (gz_value_term) */
#define GZ_PREFIX_ENTITY  "XE"     /* XE + lower-cased entity name */
#define GZ_PREFIX_ENTITY_HEAD "XH" /* XH + the key of the first words of
                                      a longer entity name that an
                                      acronym opens (below) */
#define GZ_PREFIX_AUTHOR_NAME "XAUTHOR" /* XAUTHOR + folded author
                                           (gz_value_term): one a name
                                           the source listed (corpus.h,
                                           corpus_article), else one of
                                           the byline; indexes written
                                           before 2026-12-04 have one of
                                           the joined names */
#define GZ_PREFIX_UPPER   "XU"     /* XU + a word written in capitals */
#define GZ_PREFIX_CAPS    "XC"     /* XC + a word capitalised elsewhere than
                                      at a sentence start (both:
                                      indexer/capitals.h) */
/* On an article whose text is mostly in capitals, which gets no XU or XC
 * term (indexer/capitals.h): every word of it is written in capitals, so a
 * query word in capitals matches its plain word there (query/capitals.c).
 * Under GZ_PREFIX_UPPER, so that what reads the capitals markers of a
 * query (snippets, --explain) takes it for one; no word makes it, as the
 * words of XU terms are in lower case. Indexes written before 2026-12-03
 * lack it until gazette-index --full. */
#define GZ_TERM_TEXT_IN_CAPITALS GZ_PREFIX_UPPER ":TEXT"

/* Value slots. */
enum {
    GZ_SLOT_DATE = 0,      /* "YYYYMMDD", sortable and range-searchable */
    GZ_SLOT_SOURCE = 1,    /* source as written, for facets */
    GZ_SLOT_FILE_STAT = 2, /* "<size>:<mtime_ns>" of the file (incremental) */
    GZ_SLOT_FILE_HASH = 3, /* content hash of the file (incremental) */
    GZ_SLOT_YEAR = 4,      /* "YYYY", for facets */
    GZ_SLOT_DEDUP = 5,     /* hash of the normalised body: duplicates */
    GZ_SLOT_ENTITIES = 6,  /* entity display names, GZ_ENTITY_SEP between */
    GZ_SLOT_FILE_PATH = 7, /* relative path of the file (incremental) */
    GZ_SLOT_AUTHORS = 8,   /* the author facet's value (below) */
    GZ_SLOT_TAGS = 9,      /* the tag facet's values (below) */
    GZ_SLOT_FILE_BAD = 10, /* the file's bad lines (incremental, below) */
    GZ_SLOT_SIMHASH = 11   /* near-duplicate fingerprint of the body
                              (gz_simhash, below) */
};

/*
 * GZ_SLOT_FILE_BAD: on the first article (the lowest docid, which the
 * file map reads) of a file some of whose articles were left out when it
 * was read (bad lines of a JSON Lines file),
 * "<count> <line> <reason>": how many, the line of the first and its
 * one-line reason (gz_format_bad_lines). A run that finds the file
 * unchanged reports them again from there, without reading the file, so
 * nothing stays skipped in silence; a rewrite without bad lines writes
 * articles without the value. Indexes written before the slot existed
 * lack it, and code older than it ignores it.
 */

/*
 * Facet lists: GZ_SLOT_AUTHORS and GZ_SLOT_TAGS hold an article's author
 * and tag facet values, each distinct value once, joined by GZ_LIST_SEP
 * (no leading or trailing separator; no value at all when the article has
 * no author or no tag). A value is exactly its boolean term without the
 * prefix (GZ_PREFIX_AUTHOR_NAME, GZ_PREFIX_TAG: folded by gz_value_term,
 * hashed by gz_make_term when over the term limit), so the
 * facet reads one value a match instead of the match's whole term list
 * and shows the same values and counts. An empty tag ("K" alone) has no
 * place in the list. A value holding GZ_LIST_SEP (none since the writer
 * API, like the corpus readers, makes control characters spaces; an
 * index written before may hold one) counts as its pieces, as the hit's
 * own tag list shows it.
 * Indexes written before these slots existed lack them, and an update by
 * this code adds them to some articles only: the searcher reads the slots
 * only when every shard of every index searched has GZ_META_LIST_SLOTS
 * (a stub file may list several indexes), which a writer
 * sets when it starts on an index (every shard of it) that has no article
 * yet, and else counts the terms of each match as before.
 */

/*
 * The fields of the index, each once: its query name, term prefix, value
 * slot, kind and folding. The query parser's prefixes, the filter and
 * field tokens the query normaliser knows, facets and --explain's field
 * names all come from gz_fields[]; the writer uses the same prefixes.
 */
typedef enum gz_field_kind {
    GZ_KIND_TEXT = 0,   /* free text: stemmed words with positions */
    GZ_KIND_FILTER,     /* boolean terms: exact filters, weigh nothing */
    GZ_KIND_DATE,       /* a value range over a sortable slot */
    GZ_KIND_CAPITALS,   /* a word as written with capitals: marker terms
                           (indexer/capitals.h) whose query the searcher
                           builds (query/capitals.c); a name given to
                           several rows searches all their prefixes */
    GZ_KIND_INTERNAL    /* written and read by Gazette, not queryable */
} gz_field_kind;

typedef enum gz_fold {
    GZ_FOLD_TEXT = 0,   /* accents folded, Unicode lower case, as Xapian
                           folds words */
    GZ_FOLD_ASCII,      /* ASCII letters lower-cased, the rest as written */
    GZ_FOLD_VALUE,      /* the whole value one term, accents folded and
                           Unicode lower case (gz_value_term); indexes
                           written before that lower-cased ASCII letters
                           only, so a query searches that term too */
    GZ_FOLD_ENTITY,     /* gz_entity_term's key (spaces, apostrophes, case) */
    GZ_FOLD_EXACT,      /* as written; hashed when over the term limit */
    GZ_FOLD_CAPITALS    /* accents folded, upper case: the parser then
                           keeps the word unstemmed (caps:) */
} gz_fold;

typedef struct gz_field {
    const char *name;     /* query field ("title"); NULL: not queryable */
    const char *prefix;   /* term prefix ("S") */
    int slot;             /* value slot, or -1 */
    gz_field_kind kind;
    gz_fold fold;
    int exclusive;        /* filter: one value per article, so several
                             values of it OR together */
    int facet;            /* gazette_facet_t it is counted as, or -1 */
} gz_field;

extern const gz_field gz_fields[];
extern const size_t gz_nfields;

/* The queryable field named [name, name+len) (case-insensitive), or NULL. */
const gz_field *gz_field_by_name(const char *name, size_t len);

/* The field whose prefix begins `term` (the longest such prefix), or
 * NULL for an unprefixed term. Stemmed terms ("Z" + prefix + stem) are
 * looked up after the "Z". */
const gz_field *gz_field_of_term(const char *term);

/* The prefix of stemmed forms: "Z" + field prefix + stem. */
#define GZ_STEM_PREFIX "Z"

/*
 * Named entities (indexer/entities.c extracts them from title and body).
 *
 * Each distinct entity of an article is stored three ways:
 *   - a boolean term GZ_PREFIX_ENTITY + key, built by gz_entity_term():
 *     the key is the name with surrounding white space trimmed, each run of
 *     white space made one ' ', U+2019 (right single quote) made '\'',
 *     accents folded (fold.h: "Zürich" is "zurich") and every character
 *     lower-cased by Xapian::Unicode::tolower (so the query's folding
 *     matches the indexer's).  "Antony  Blinken" and
 *     "antony blinken" give "XEantony blinken".  To search `entity:"Antony
 *     Blinken"`, pass the text between the quotes to gz_entity_term() and
 *     filter on the term it builds (a Xapian boolean filter; do not run the
 *     name through the QueryParser, which would split it into words).
 *   - in value slot GZ_SLOT_ENTITIES: the display names (capitalisation as
 *     first seen in the article), in order of first appearance, joined by
 *     GZ_ENTITY_SEP (no leading or trailing separator; empty when none).
 *     A facet counts each name of the slot once per matching document.
 *   - in the document data as `entities=` with the same joined display
 *     names.
 * A lone surname linked to the article's full name ("Blinken" beside
 * "Antony Blinken") has its term, so `entity:Blinken` finds the article,
 * but is left out of the slot and the data, so a facet counts the person
 * once. docs/entities.md describes the extraction.
 * GZ_ENTITY_SEP is the ASCII unit separator, which the extractor never
 * puts into a name (names hold letters, digits, spaces, '-', '\'', '.').
 */
#define GZ_ENTITY_SEP     '\x1f'
#define GZ_ENTITY_SEP_STR "\x1f"
/* The separator of every list in the document data (tags, entities). */
#define GZ_LIST_SEP       GZ_ENTITY_SEP
#define GZ_LIST_SEP_STR   GZ_ENTITY_SEP_STR

/* Build the entity term for `name` (see above) into `buf` (`size` bytes,
 * at least GZ_TERM_BUF). Over-long names are hashed as gz_make_term does.
 * Returns the term length, or 0 when the name is empty after trimming or
 * memory ran out (buf is then ""). */
size_t gz_entity_term(const char *name, char *buf, size_t size);

/*
 * Acronym heads. An entity of several words whose first word is an
 * acronym ("BBC News", "UN Security Council") also gives its article the
 * term GZ_PREFIX_ENTITY_HEAD + the key (as gz_entity_term keys it) of
 * each of its word prefixes short of the whole name: "XHbbc" for "BBC
 * News"; "XHbbc", "XHbbc radio", "XHbbc radio five" for "BBC Radio Five
 * Live" (since 2026-12-04: before, the acronym's only). The indexer picks
 * the words (gz_entity_head_len, indexer/entities.h; add_entity_heads,
 * indexer/analyze.c). entity:BBC (entity:"BBC Radio") then also finds the
 * article, when "BBC" ("BBC Radio") is an entity of some article of the
 * index searched (query/aliases.c):
 * an acronym that is never a name alone ("JP" of "JP Morgan") finds
 * nothing by it. It is no entity of the slot or the data: the facet does
 * not count it. Indexes written before 2026-12-04 lack these terms until
 * gazette-index --full (the format is unchanged: older code ignores them).
 * A writer records GZ_META_ENTITY_HEADS "1" in every shard when it starts
 * on an index with no article yet (as GZ_META_CJK_NGRAMS, below), and a
 * --full takes it out again when it copies articles of files it could
 * not read from an index without it (indexer.c unrecord_entity_heads): a
 * search with entity: over a shard without it says that the shard's
 * articles may lack them (query/search.c).
 */
size_t gz_entity_head_term(const char *head, char *buf, size_t size);

/*
 * Whole-value filter terms (tag:, source:, and the author facet's
 * names, GZ_FOLD_VALUE): gz_value_term builds `prefix` + value with
 * accents folded (fold.h) and every character lower-cased by
 * Xapian::Unicode::tolower, as words and entity names are, so
 * "Zürich", "ZÜRICH" and "zurich" give "Kzurich". The value is
 * otherwise as written (spaces too). Over-long values are hashed as
 * gz_make_term does. Returns the term length, or 0 when memory ran out
 * (buf is then "").
 *
 * Indexes written before this code made these terms with ASCII letters
 * lower-cased only ("KÉire", "XSOURCEzürich"); the format did not
 * change, so they are read as they are: gz_old_value_term builds that
 * older term, and a query searches both when they differ (only values
 * with non-ASCII letters), so such an index finds what it found before
 * (`gazette-index --full` folds it whole).
 */
size_t gz_value_term(const char *prefix, const char *value, char *buf,
                     size_t size);
/* [value, value+len) folded so (accents, then Unicode lower case), in a
 * new malloc()ed string (length in *out_len when not NULL), or NULL when
 * out of memory. gz_value_term and gz_entity_term fold with it. */
char *gz_value_fold(const char *value, size_t len, size_t *out_len);
size_t gz_old_value_term(const char *prefix, const char *value, char *buf,
                         size_t size);

/* An article's source as the index records it (its term, GZ_SLOT_SOURCE
 * and the document data): the first GZ_SOURCE_BYTES bytes at most, then
 * a last character cut short (or not whole) dropped, so the value stays
 * UTF-8. Returns how many bytes of [value, value+len) are kept. The
 * writer cuts an article's source so, and source: the value searched
 * (value_query, query/index.c), so a longer source is found as written,
 * in indexes already written too. */
#define GZ_SOURCE_BYTES 255
size_t gz_source_length(const char *value, size_t len);

/* Metadata keys. */
#define GZ_META_FORMAT    "gazette.format"   /* GZ_FORMAT_VERSION */
#define GZ_META_LANGUAGE  "gazette.language" /* stemmer used at index time */
#define GZ_META_SHARD     "gazette.shard"    /* no longer written, and
                                                cleared: earlier versions
                                                wrote "<i>/<n>" in shard i
                                                of n, a value per shard
                                                that xapian-compact warns
                                                about when merging them */
#define GZ_META_LIST_SLOTS "gazette.list_slots" /* "1": every article has
                                                its facet lists (above) */
#define GZ_META_CJK_NGRAMS "gazette.cjk_ngrams" /* "1": CJK text as
                                                n-grams (below) */
#define GZ_META_ENTITY_HEADS "gazette.entity_heads" /* "1": every article
                                                has its entity head terms
                                                (acronym heads, above) */
#define GZ_META_SYNONYMS  "gazette.synonyms" /* the --synonyms rules as
                                                read, unstemmed, one
                                                "key = a, b" a line:
                                                indexer/synonyms.h */
/* 2: undated articles have no date; tags are separated by GZ_LIST_SEP;
 * accents folded (fold.h), capitals terms (indexer/capitals.h), folded
 * entity keys. An index of another format is read by no library and
 * updated by no writer: it is rebuilt with gazette-index --full. */
#define GZ_FORMAT_VERSION "2"

/*
 * CJK n-grams (GZ_META_CJK_NGRAMS). An index that records "1" has the
 * Chinese, Japanese and Korean text of its articles (the characters of
 * xap_unicode_is_cjk) indexed as n-grams (XAP_TG_FLAG_CJK_NGRAM): each
 * character of a run is a term with its position, each pair of
 * neighbours a term too, and a word of other letters ends where such a
 * character starts; its near-duplicate fingerprints read each such
 * character as a word (gz_simhash). Without it (an index written before
 * this line existed) each run of such text between spaces or
 * punctuation is one term, so that a query finds only a whole run.
 *
 * A writer records it, in every shard, when it starts on an index that
 * has no article yet: a new index, and the new generation of every
 * gazette-index --full. It writes n-grams into an index that records it
 * and whole runs into one that does not (it has articles written so):
 * an index never holds both forms, and an older one keeps its own until
 * --full rebuilds it (gazette-index warns once a run that it indexed
 * such text as whole runs). The format is unchanged: code older than
 * this line searches such an index as one of whole runs, which finds
 * none of its CJK text (a query's run is searched as its stemmed Z term,
 * and n-grams have none), and would write whole runs into it.
 *
 * The searcher parses queries with XAP_QP_FLAG_CJK_NGRAM and makes
 * snippets with XAP_SNIPPET_CJK_NGRAM only when every shard of every
 * index searched records it (a remote shard whose metadata cannot be
 * read counts as without); else as before. So indexes of both forms
 * searched together read such text as whole runs, which only the older
 * ones can match: the results' warning names one of them
 * (query/locations.c, query/search.c).
 */
#define GZ_CJK_NGRAMS_ON "1"

/* 1 when [value, value+len), an index's GZ_META_CJK_NGRAMS, says that
 * it holds CJK n-grams. */
int gz_cjk_ngrams_recorded(const char *value, size_t len);

/* 1 when database `db` records CJK n-grams (its GZ_META_CJK_NGRAMS); 0
 * when it does not, or cannot be read: the shim's status in *s. */
int gz_database_records_cjk_ngrams(const xap_database *db, xap_status *s);

/* 1 for a Latin letter or digit of the Fullwidth Forms ("ＮＨＫ",
 * "２０２４"): Xapian counts it as CJK, but folding (fold.h) makes it its
 * ASCII letter on both sides of the index before Xapian sees it. */
static inline int gz_is_fullwidth_alnum(uint32_t cp)
{
    return (cp >= 0xFF10 && cp <= 0xFF19) || (cp >= 0xFF21 && cp <= 0xFF3A) ||
           (cp >= 0xFF41 && cp <= 0xFF5A);
}

/* 1 for a character that an index of CJK n-grams splits into n-grams
 * (xap_unicode_is_cjk) once folded: not a fullwidth Latin letter or
 * digit, which becomes ASCII (gz_is_fullwidth_alnum). All from U+2E80:
 * its UTF-8 leads with a byte from 0xE2 on, so scans skip every byte
 * below. */
static inline int gz_is_cjk(uint32_t cp)
{
    return cp >= 0x2E80 && !gz_is_fullwidth_alnum(cp) &&
           xap_unicode_is_cjk(cp);
}

/* 1 when a CJK character (gz_is_cjk) starts [p, p+len). */
int gz_cjk_at(const char *p, size_t len);

/* The CJK characters (gz_is_cjk) of [s, s+len), counted up to `max`
 * (1: whether it has one). Bytes that are not UTF-8 are no character. */
size_t gz_cjk_count(const char *s, size_t len, size_t max);

/* 1 when an index whose GZ_META_FORMAT is [format, format+len) can be
 * searched and updated by this code (len 0: not recorded, a new index). */
int gz_format_supported(const char *format, size_t len);

/* 1 when a database of `docs` documents whose GZ_META_FORMAT is `len`
 * bytes long was written by another program (documents, but no format
 * recorded: omindex's, Recoll's, a --db typed wrong; in a sharded index,
 * `len` is that of the first shard recording a format). Gazette neither
 * writes into it nor replaces it (`gz_foreign_index_error` says so in one
 * line), nor searches it (query/locations.c check_format). */
int gz_index_is_foreign(uint64_t docs, size_t len);
void gz_foreign_index_error(const char *path, uint64_t docs, char *err,
                            size_t errlen);

/*
 * Stub files. Xapian (1.4, read_stub_file in backends/databasehelpers.h)
 * reads a stub file line by line, each line ending at '\n' only (a '\r'
 * before it stays in the line), and splits a line at its first space
 * into TYPE and REST (no space: REST is empty). gz_stub_lex reads one
 * line so, whatever Gazette then does with it:
 *
 * - an empty line, or one starting with '#': GZ_STUB_SKIP;
 * - "auto", "glass" or "chert" REST: GZ_STUB_LOCAL, the database (or
 *   another stub) at REST, relative to the stub file's directory unless
 *   it starts with '/' (an empty REST names that directory itself);
 * - "inmemory" with an empty REST: GZ_STUB_INMEMORY, nothing on disk;
 * - "remote :PROGRAM ARGS" (any REST starting with ':', "::1:7000"
 *   too): GZ_STUB_REMOTE_PROGRAM;
 * - "remote HOST:PORT" (split at the last ':'; "[IPv6]:PORT" too; PORT is
 *   not checked, Xapian takes atoi of it): GZ_STUB_REMOTE_TCP;
 * - anything else (another TYPE such as "honey" or "flint", a leading
 *   space, "remote" without a ':' or with "[IPv6]" alone): GZ_STUB_UNKNOWN,
 *   a line that makes Xapian refuse the whole stub.
 */
typedef enum gz_stub_kind {
    GZ_STUB_SKIP,
    GZ_STUB_LOCAL,
    GZ_STUB_INMEMORY,
    GZ_STUB_REMOTE_PROGRAM,
    GZ_STUB_REMOTE_TCP,
    GZ_STUB_UNKNOWN
} gz_stub_kind;

typedef struct gz_stub_line {
    gz_stub_kind kind;
    /* GZ_STUB_LOCAL: TYPE, "auto", "glass" or "chert" (static), else NULL */
    const char *type;
    /* GZ_STUB_LOCAL: the path Xapian opens (REST resolved), else NULL */
    char *path;
    /* GZ_STUB_REMOTE_*: REST as written ("HOST:PORT", ":PROGRAM ARGS"),
     * else NULL */
    char *remote;
    /* GZ_STUB_REMOTE_TCP: HOST, without the brackets of "[IPv6]", else
     * NULL */
    char *host;
} gz_stub_line;

/* The line [line, line+len) of the stub file `stub` (its path as it is
 * opened: relative paths are resolved against its directory), with or
 * without its '\n' (as getline leaves it), read as Xapian reads it into
 * `out` (above). The strings of `out` are new and the caller's, freed by
 * gz_stub_line_free; they end at a NUL byte of the line, as Xapian's
 * file names do. `line` is only read. 0, or -1 (ENOMEM, `out` then
 * holds no string). */
int gz_stub_lex(const char *stub, const char *line, size_t len,
                gz_stub_line *out);
/* Free the strings of `line` (not `line`), which are then NULL. */
void gz_stub_line_free(gz_stub_line *line);

/* Each line of the stub file `stub` (a regular file of at most 1 MiB,
 * read whole first) that is not GZ_STUB_SKIP, lexed (gz_stub_lex) and
 * given to fn(line, text, len, ctx), `text` being the line as written
 * ([text, text+len), its '\n' included when it has one: for messages),
 * until fn returns non-zero. fn returns 0 to go on, or a positive value,
 * which is returned; it may take the strings of `line` (setting them to
 * NULL), the others are freed after it. 0 when every call returned 0;
 * -1 with errno when `stub` cannot be opened or read, is no regular file
 * (EINVAL) or is bigger than 1 MiB (EFBIG), or memory ran out. One
 * reading of a stub's lines for every reader: the walks below, the
 * writer's shards (indexer/shards.c), a stub opened line by line and
 * whether a stub names a server (query/locations.c), whether --full may
 * replace a file (is_stub_file, indexer/generation.c). */
typedef int (*gz_stub_line_fn)(gz_stub_line *line, const char *text,
                               size_t len, void *ctx);
int gz_stub_each_line(const char *stub, gz_stub_line_fn fn, void *ctx);

/* The local databases the Xapian stub file `stub` (gz_stub_each_line:
 * a regular file of at most 1 MiB) names: the paths of its
 * GZ_STUB_LOCAL lines (other lines are skipped). A part that is a stub
 * file, or a directory holding a regular file XAPIANDB (whatever else
 * it holds: gazette-index's writer follows that stub, indexer/shards.c),
 * is followed, 8 stubs deep at most; every other part, existing or not,
 * is given to `fn` until it returns non-zero, which is returned. 0 when
 * `stub` is no stub file (a directory, nothing there, unreadable, too
 * big) or every call returned 0. For checks that must not fail where
 * opening the index will say what is wrong (schema/stub.c).
 * A stub the walk meets again at the same depth, named from the same
 * directory, is not read again: fn was given its parts the first time
 * (stubs naming the same stubs are read once each, not once for each
 * way down to them); met at another depth, it is read again, so that
 * the limit of 8 stops each way down where it did. */
typedef int (*gz_stub_part_fn)(const char *path, void *ctx);
int gz_stub_each_part(const char *stub, gz_stub_part_fn fn, void *ctx);

/* 1 when `name` is the name of a shard directory of a sharded index,
 * "shard<n>" (indexer/shards.c makes them so), else 0. */
int gz_is_shard_dir_name(const char *name);

/* The same walk, strict, for what must not guess (which generations an
 * index uses: indexer/stub_refs.c): `path` itself (a database, a stub
 * file, a directory holding XAPIANDB, or nothing) and every path a
 * GZ_STUB_LOCAL line of a stub on the way names are each given to `fn`
 * before they are followed, until it returns non-zero, which is
 * returned. A directory's XAPIANDB is read whenever it is there, even
 * beside a database, which Xapian opens instead (gazette-index's writer
 * reads that stub first); remote and inmemory lines name nothing. 0, or
 * -1 with errno when what `path` goes through cannot be known: a stub
 * that cannot be read, is no regular file or is over 1 MiB (EFBIG), a
 * line Xapian refuses (EINVAL), stubs nested more than 8 deep (ELOOP), a
 * path, or the XAPIANDB of a directory on the way, that cannot be looked
 * at (EACCES, EIO...; missing is fine), no memory. A stub met again
 * is read again only as gz_stub_each_part reads it: the paths it names
 * were given to fn the first time, and the depth limit is the same. */
int gz_stub_each_path(const char *path, gz_stub_part_fn fn, void *ctx);

/* When `path` is a stub file, or a directory holding one as XAPIANDB (a
 * sharded index), the first local database it names (gz_stub_each_part)
 * that does not exist (GZ_PART_ABSENT), is a loop of symbolic links
 * (GZ_PART_LOOP) or is an empty directory, as the
 * mount point of a disk not mounted is (GZ_PART_EMPTY), written into
 * `part` (`partlen` bytes; may be NULL). 0 when every part named is
 * there, or `path` is no stub file, or when a second look finds every
 * part (a full rebuild switched the stub meanwhile). Such an index is
 * missing, not damaged: gazette-query says "no index at that path", and
 * gazette-index and gazette_writer_open create no part (exit 66,
 * INPUT_NOT_FOUND). gz_stub_part_problem(r) says which in words ("which
 * does not exist"). */
#define GZ_PART_ABSENT 1
#define GZ_PART_EMPTY 2
#define GZ_PART_LOOP 3    /* a loop of symbolic links (ELOOP) */
int gz_stub_missing_part(const char *path, char *part, size_t partlen);
const char *gz_stub_part_problem(int missing);

/* 1 when `path` is a single-file Xapian database (one glass file, as
 * xapian-compact --single-file makes, which Xapian opens for reading
 * only), known by its first bytes; else 0, also when it cannot be read.
 * Such a file is a database, not a stub file: the walks above give it to
 * their `fn` as a part and read no lines from it. */
int gz_is_single_file_db(const char *path);

/* 1 when the stub file `path` (or the XAPIANDB of the directory `path`),
 * or a stub file it names, has a line Xapian cannot read
 * (GZ_STUB_UNKNOWN: "Bad line"), said in `why`: the stub file, the
 * line's number and text, and what is wrong with it ("'atuo' is no
 * database type (did you mean 'auto'?)"). A file given as `path` is taken
 * for a stub only when a line of it reads as one, or its first line
 * Xapian cannot read starts with a type misspelt ("atuo", "Auto",
 * "glas"): else it is no stub file at all (a document given as an
 * index), and 0. 0 too when nothing is wrong, or it cannot be read. A
 * line Xapian reads but cannot open, "glass" or "chert" naming a
 * single-file database (only "auto" opens one), is said so too: 1. */
int gz_stub_bad_line(const char *path, char *why, size_t whylen);

/* The stemming language the index `db` was written in, in *out (a new
 * string the caller frees; NULL on failure): its GZ_META_LANGUAGE, under
 * the name gazette_languages() lists (an ISO code earlier versions
 * recorded, "en", reads as "english"; a language this Xapian lacks as
 * recorded); "none"
 * when it records a format but no language, which is what earlier
 * versions left when given the empty language (Xapian keeps no empty
 * metadata) while writing unstemmed terms, as "none" does; "" when it
 * records neither (a new index, or one Gazette did not write: the
 * caller decides). */
xap_status gz_index_language(const xap_database *db, char **out);

/* 1 when the index at `path` opens and its language reads
 * (gz_index_language, not ""): what a rebuild without a language given
 * needs; 0 when it cannot be read (a damaged index that does not open),
 * and a rebuild must be told the language. */
int gz_index_language_readable(const char *path);

/*
 * Tables: Xapian opens the tables of a glass database lazily and takes
 * one that is missing for an empty one, so an index whose docdata.glass,
 * termlist.glass or position.glass was deleted would be searched (hits
 * without titles, phrases matching as plain words) and written into.
 * gz_check_tables checks the glass database directory `dir`: it must
 * have postlist.glass, and once it holds articles termlist.glass and
 * docdata.glass, and once an article has a word of text position.glass.
 * XAP_OK (also when `dir` is not a glass database: opening it says what
 * it is), XAP_ERR_DB_CORRUPT with `why` naming the missing file, or the
 * failure of opening it to count its articles (`why` says it). A few
 * stat calls when every table is there.
 *
 * gz_check_index_tables does the same for each local database of the
 * index at `location` (a database directory, a directory with a XAPIANDB
 * stub file, or a stub file: the databases they name, remote ones
 * skipped). A full rebuild that switches the index meanwhile is not
 * damage (XAP_OK). The searcher checks every local index it opens; the
 * indexer and the writer API every database they write.
 */
xap_status gz_check_tables(const char *dir, char *why, size_t whylen);
xap_status gz_check_index_tables(const char *location, char *why,
                                 size_t whylen);

/* A glass database is created by making its tables, empty, then writing
 * its revision file iamglass: a writer killed in between (SIGKILL, power
 * lost) leaves empty tables without iamglass, which gz_check_tables takes
 * for an index that lost it and Xapian cannot open, so every later run
 * failed until a --full. gz_clear_cut_creation deletes such leftovers of
 * the database directory `dir` (only when it holds nothing else: no
 * iamglass, every table empty; its lock kept) so that the writer creates
 * the database anew; a writer calls it holding the index's lock. Returns
 * 0 (also when there was nothing to clear), or -1 with errno. */
int gz_clear_cut_creation(const char *dir);

/* Xapian's glass backend refuses terms over 245 bytes. Longer ids are
 * replaced by a prefix of the id and a hash of the whole. */
#define GZ_MAX_TERM_BYTES 240

/*
 * Document data: Omega-style "key=value" lines (values have no newline),
 * then one empty line, then the article body verbatim.
 *
 *   id=politics/001.txt
 *   path=politics/001.txt
 *   title=...
 *   date=2023-11-05
 *   source=politics
 *   author=...
 *   authors=Ann Lee<US>Bo Chen   (<US> = GZ_LIST_SEP; only when the
 *                                source listed several authors, whose
 *                                names joined with ", " are author=)
 *   url=...
 *   tags=a<US>b            (<US> = GZ_LIST_SEP: a tag may hold commas)
 *   entities=Antony Blinken<US>Gaza   (<US> = GZ_ENTITY_SEP, see above)
 *   date_text=Spring 2024     (only when the written date did not parse)
 *
 *   body text...
 *
 * A value holding a newline or a CR (only an id or a path can: a file
 * name or a JSON Lines id may hold any byte; the other fields have their
 * control characters replaced, gazette.h) is written twice: flattened,
 * each newline and CR a space, as "id=a b.txt" (what code from before
 * this line existed reads and shows), then whole, as
 * "id" GZ_DOCDATA_ESCAPED "=a\nb.txt" with newline, CR and backslash
 * escaped as \n, \r and \\. The decoder returns the escaped line's value
 * unescaped: "s/a\nb.txt", "s/a\rb.txt" and "s/a b.txt" stay three ids.
 * Old indexes lack the line and read as before, old code ignores it (an
 * unknown key): the index format is unchanged.
 */
#define GZ_DOCDATA_ESCAPED "_escaped"
typedef struct gz_docdata {
    const char *id, *path, *title, *date, *source, *author, *authors, *url,
        *tags;
    const char *entities;
    const char *date_text;   /* the date as written, when it did not parse
                                (the article is then undated) */
    const char *body;
    size_t body_len;
} gz_docdata;

/* Encode `d` into a new malloc()ed buffer (*out, *out_len). NULL fields are
 * left out; a field with a newline or CR also gets its escaped line
 * (above). Returns 0, or -1 on out of memory. */
int gz_docdata_encode(const gz_docdata *d, char **out, size_t *out_len);

/* Decode `data` into `d`. Decoding is destructive and zero-copy: `data`
 * must be a writable, NUL-terminated copy that outlives `d`; every field
 * points into it (missing fields point to ""); a field's escaped line,
 * when there is one, wins over its flattened one. Returns 0. */
int gz_docdata_decode(char *data, size_t len, gz_docdata *d);

/* Build the boolean term `prefix` + `value` into `buf` (at least
 * GZ_TERM_BUF bytes). A term that would exceed GZ_MAX_TERM_BYTES keeps a
 * head of `value` (cut on a UTF-8 boundary) and ends in '#' and a 64-bit
 * hash of the whole value, so it stays unique. Returns the term length. */
#define GZ_TERM_BUF (GZ_MAX_TERM_BYTES + 1)
size_t gz_make_term(const char *prefix, const char *value, char *buf,
                    size_t bufsize);

/* 1 when `term` has the shape of one gz_make_term hashed: within three
 * bytes of GZ_MAX_TERM_BYTES (a cut never splits a character), ending
 * in '#' and 16 lower-case hex digits. Its '#' is then no part of the
 * value (a real value of that length and ending is not told apart). */
int gz_term_is_hashed(const char *term);

/* gz_fnv1a64 and GZ_FNV_BASIS: util/hash.h (included above). */

/* Hash of `text` normalised for duplicate detection: ASCII letters
 * lower-cased, every run of other non-alphanumeric ASCII bytes folded to
 * nothing, so re-wrapped or re-punctuated copies agree. Written to `buf`
 * as 16 hex digits + NUL (17 bytes). */
void gz_dedup_key(const char *text, size_t len, char buf[17]);

/*
 * Near-duplicate fingerprint (GZ_SLOT_SIMHASH): a 64-bit SimHash
 * (Charikar) of the body, written as 16 lower-case hex digits, over its
 * 3-word shingles. Words are the runs of word characters
 * (xap_unicode_is_wordchar) of the body folded as gz_value_fold folds
 * (accents, Unicode lower case), and with `cjk_chars` (an index of CJK
 * n-grams, above) each CJK character (xap_unicode_is_cjk) is a word of
 * its own, as a run of Chinese or Japanese text without spaces is no
 * word (it would make a whole clause one word, and too few words for a
 * fingerprint); each word is hashed (FNV-1a), each
 * shingle is the hash of its three words' hashes, mixed, and each shingle
 * votes +1 or -1 on each bit. Only a body of at least GZ_SIMHASH_MIN_WORDS
 * words gets one: on shorter texts a few changed words move too many
 * bits to tell an edit from another text. It is only a fingerprint: the
 * terms Xapian ranks by come from its TermGenerator, never from these
 * words. The searcher (query/search.c) drops a hit whose fingerprint is
 * within GZ_SIMHASH_DISTANCE bits of a better-ranked shown hit's and
 * counts it among that hit's duplicates; GZ_SLOT_DEDUP keeps the exact
 * key Xapian collapses on. Indexes written before the slot existed lack
 * it (code from then ignores it): their articles are collapsed only when
 * identical, until re-indexed.
 */
#define GZ_SIMHASH_MIN_WORDS 30
#define GZ_SIMHASH_DISTANCE 6
/* Only the first GZ_SIMHASH_MAX_BYTES of a body are read (cut back to a
 * whole character): its memory (the folded copy, a hash a word and a
 * set of the distinct ones: a few times the text, at most about twenty
 * times for words of one letter, some 5 MB) stays small whatever the
 * article's size, and tens of thousands of words tell a copy as well as
 * the whole would. */
#define GZ_SIMHASH_MAX_BYTES (256u * 1024u)

/* The fingerprint of [text, text+len) (its first GZ_SIMHASH_MAX_BYTES) in
 * *out, CJK characters words of their own when `cjk_chars`; returns the
 * number of words read, and leaves *out 0 when under
 * GZ_SIMHASH_MIN_WORDS (or out of memory: then 0 words). */
size_t gz_simhash(const char *text, size_t len, int cjk_chars,
                  uint64_t *out);

/* The fingerprint stored in a GZ_SLOT_SIMHASH value (16 hex digits) in
 * *out; 0 when the value is not one (empty: an older index). */
int gz_simhash_parse(const char *value, size_t len, uint64_t *out);
/* The GZ_SLOT_SIMHASH value of fingerprint `h`: 16 lower-case hex digits
 * and a NUL into buf. */
void gz_simhash_format(uint64_t h, char buf[17]);

/* The number of bits that differ between two fingerprints. Inline and
 * counted in parallel (SWAR): __builtin_popcountll without -mpopcnt is a
 * libgcc call, and a 1000-hit page compares ~500000 pairs. */
static inline int gz_simhash_distance(uint64_t a, uint64_t b)
{
    uint64_t x = a ^ b;
    x -= (x >> 1) & 0x5555555555555555ULL;
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
    return (int)((x * 0x0101010101010101ULL) >> 56);
}

#endif /* GAZETTE_SCHEMA_H */
