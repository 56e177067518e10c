/*
 * xapian_shim.h - a thin, general C binding of the Xapian C++ API.
 *
 * The shim knows nothing about Gazette: it exposes Xapian objects as opaque
 * handles and Xapian operations as functions returning an xap_status.
 *
 * Conventions
 *   - Every function that can fail returns an xap_status.  On failure the
 *     out-parameters are left untouched and a one-line message describing the
 *     failure can be read with xap_last_error() on the same thread.
 *   - No C++ exception ever leaves this library: every entry point catches
 *     Xapian::Error, std::bad_alloc and everything else.
 *   - Objects created by xap_*_new / xap_*_open are owned by the caller and
 *     released with the matching xap_*_free (which accepts NULL).
 *   - Strings returned through `char **` are malloc()ed and owned by the
 *     caller (free()).  Strings returned through `const char **` are borrowed
 *     and valid until the owning object is changed or freed.
 *   - Byte strings are (pointer, length) pairs where Xapian allows embedded
 *     NULs (document data, values); terms and query text are NUL-terminated.
 *   - Handles are not thread-safe: use one handle from one thread at a time.
 *     Different handles may be used from different threads concurrently.
 */
#ifndef XAPIAN_SHIM_H
#define XAPIAN_SHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- status */

typedef enum xap_status {
    XAP_OK = 0,
    XAP_ERR_NOMEM,           /* std::bad_alloc or malloc failure */
    XAP_ERR_INVALID_ARG,     /* NULL handle, bad enum, InvalidArgumentError */
    XAP_ERR_DB_NOT_FOUND,    /* DatabaseNotFoundError: no database there */
    XAP_ERR_DB_OPENING,      /* DatabaseOpeningError other than not found */
    XAP_ERR_DB_LOCKED,       /* DatabaseLockError: another writer holds it */
    XAP_ERR_DB_CORRUPT,      /* DatabaseCorruptError */
    XAP_ERR_DB_VERSION,      /* DatabaseVersionError: unsupported format */
    XAP_ERR_DB_MODIFIED,     /* DatabaseModifiedError: reopen and retry */
    XAP_ERR_DB_CLOSED,       /* DatabaseClosedError: used after close */
    XAP_ERR_DB,              /* any other DatabaseError (I/O, disk full) */
    XAP_ERR_RESOURCE,        /* any Xapian::Error of a system call that
                                failed for want of a resource: descriptors
                                (EMFILE, ENFILE), memory (ENOMEM), room
                                (ENOSPC, EDQUOT, EFBIG) */
    XAP_ERR_DOC_NOT_FOUND,   /* DocNotFoundError */
    XAP_ERR_QUERY_PARSE,     /* QueryParserError: malformed query string */
    XAP_ERR_NETWORK,         /* NetworkError, NetworkTimeoutError */
    XAP_ERR_UNIMPLEMENTED,   /* UnimplementedError (e.g. remote spelling) */
    XAP_ERR_RANGE,           /* RangeError, index out of range */
    XAP_ERR_WILDCARD,        /* WildcardError: a wildcard expands past the
                                limit (xap_queryparser_set_max_expansion) */
    XAP_ERR_QUERY_GRAMMAR,   /* XAP_QP_FLAG_STRICT: the grammar failed where
                                Xapian would have read the words alone */
    XAP_ERR_XAPIAN,          /* any other Xapian::Error */
    XAP_ERR_UNKNOWN          /* a non-Xapian exception */
} xap_status;

/* The enumerator's name without the XAP_ prefix ("ERR_DB_LOCKED");
 * "INVALID_STATUS" for a value that is not an xap_status. */
const char *xap_status_name(xap_status status);

/* The message of the last failure on the calling thread: "<ErrorClass>:
 * <message>".  Borrowed, valid until the next failing shim call on this
 * thread.  Never NULL (empty string when nothing failed). */
const char *xap_last_error(void);

/* Xapian's library version, e.g. "1.4.22". Static storage. */
const char *xap_version_string(void);

/* ---------------------------------------------------------------- handles */

typedef struct xap_database xap_database;
typedef struct xap_writable xap_writable;
typedef struct xap_document xap_document;
typedef struct xap_stem xap_stem;
typedef struct xap_stopper xap_stopper;
typedef struct xap_termgen xap_termgen;
typedef struct xap_queryparser xap_queryparser;
typedef struct xap_query xap_query;
typedef struct xap_enquire xap_enquire;
typedef struct xap_mset xap_mset;
typedef struct xap_eset xap_eset;
typedef struct xap_rset xap_rset;
typedef struct xap_valuecount_spy xap_valuecount_spy;
typedef struct xap_termcount_spy xap_termcount_spy;

typedef uint32_t xap_docid;

/* --------------------------------------------------------- read-only db */

/* Open the database (or stub database file) at `path` for reading. */
xap_status xap_database_open(const char *path, xap_database **out);

/* Open a remote database served by xapian-tcpsrv. Timeouts in ms. */
xap_status xap_database_open_remote(const char *host, unsigned port,
                                    unsigned timeout_ms,
                                    unsigned connect_timeout_ms,
                                    xap_database **out);

/* Create an empty database handle to which shards are added. */
xap_status xap_database_new_empty(xap_database **out);

/* Add the shards of `shard` to `db` so both are searched as one. `shard`
 * stays owned by the caller and may be freed afterwards. */
xap_status xap_database_add_database(xap_database *db,
                                     const xap_database *shard);

/* Number of Xapian databases (shards) searched through `db`: 1 for a
 * database directory or a remote one, the number of lines of a stub file,
 * the sum of those added with xap_database_add_database. A document of
 * the combined database numbered d comes from shard (d - 1) % count, where
 * shards are numbered in the order they were added. */
xap_status xap_database_shard_count(const xap_database *db, size_t *out);

/* Move to the latest committed revision. *changed (may be NULL) is set to
 * 1 when the revision moved, 0 when it did not (always 0 for a writable
 * database's view). */
xap_status xap_database_reopen(xap_database *db, int *changed);

void xap_database_free(xap_database *db);

xap_status xap_database_doc_count(const xap_database *db, uint32_t *out);
/* How many documents have a value in `slot` (Database::get_value_freq). */
xap_status xap_database_value_freq(const xap_database *db, unsigned slot,
                                   uint32_t *out);
/* Sum of the lengths of all documents (Database::get_total_length: the
 * within-document frequencies of their terms; 0 when no document holds a
 * term that counts, only boolean ones). */
xap_status xap_database_total_length(const xap_database *db, uint64_t *out);
xap_status xap_database_term_exists(const xap_database *db, const char *term,
                                    int *out);
xap_status xap_database_termfreq(const xap_database *db, const char *term,
                                 uint32_t *out);

/* The docid of the first document indexed by `term`; XAP_ERR_DOC_NOT_FOUND
 * when no document has it. */
xap_status xap_database_first_posting(const xap_database *db,
                                      const char *term, xap_docid *out);

/* Call `fn` for each document indexed by `term` (every document when
 * `term` is ""), in docid order, until it returns non-zero. */
xap_status xap_database_each_posting(const xap_database *db, const char *term,
                                     int (*fn)(xap_docid id, void *ctx),
                                     void *ctx);

/* Call `fn` for each term starting with `prefix` (all terms when ""), in
 * byte order, with its document frequency, until it returns non-zero. */
xap_status xap_database_each_term(const xap_database *db, const char *prefix,
                                  int (*fn)(const char *term, size_t len,
                                            uint32_t termfreq, void *ctx),
                                  void *ctx);

/* Call `fn` for each document that has a value in `slot`, in docid order,
 * with the value's bytes (borrowed for the call), until it returns
 * non-zero. One pass over the value stream: no document is fetched. */
xap_status xap_database_each_value(const xap_database *db, unsigned slot,
                                   int (*fn)(xap_docid id, const char *value,
                                             size_t len, void *ctx),
                                   void *ctx);
/* The highest document id used so far (0 when none): ids run from 1 to it,
 * with holes where documents were deleted. */
xap_status xap_database_last_docid(const xap_database *db, xap_docid *out);
xap_status xap_database_get_document(const xap_database *db, xap_docid id,
                                     xap_document **out);

/* Metadata value for `key` (empty string when unset; `key` must not be
 * empty). Caller frees *value; *len (may be NULL) gets its length. A
 * database of several shards answers with its first shard's value. */
xap_status xap_database_get_metadata(const xap_database *db, const char *key,
                                     char **value, size_t *len);
/* The same for shard `shard` (0 .. xap_database_shard_count - 1) alone:
 * a local or a remote database. XAP_ERR_INVALID_ARG past the last. */
xap_status xap_database_get_shard_metadata(const xap_database *db,
                                           size_t shard, const char *key,
                                           char **value, size_t *len);

/* Spelling suggestion for one word ("" when none). Caller frees. */
xap_status xap_database_spelling_suggestion(const xap_database *db,
                                            const char *word,
                                            unsigned max_edit_distance,
                                            char **out);

/* Call `fn` for each term with synonyms whose name starts with `prefix`
 * ("" = all), in byte order, until it returns non-zero. */
xap_status xap_database_each_synonym_key(const xap_database *db,
                                         const char *prefix,
                                         int (*fn)(const char *key, void *ctx),
                                         void *ctx);
/* Call `fn` for each synonym of `term`, in byte order, until it returns
 * non-zero. */
xap_status xap_database_each_synonym(const xap_database *db, const char *term,
                                     int (*fn)(const char *synonym, void *ctx),
                                     void *ctx);
/* ---------------------------------------------------------- writable db */

typedef enum xap_db_action {
    XAP_DB_CREATE_OR_OPEN = 1,
    XAP_DB_CREATE_OR_OVERWRITE = 2,
    XAP_DB_CREATE = 3,
    XAP_DB_OPEN = 4
} xap_db_action;

/* Extra flags for xap_writable_open. */
enum {
    XAP_DB_RETRY_LOCK = 1 << 0,   /* wait for the write lock (no timeout) */
    XAP_DB_NO_SYNC = 1 << 1,      /* skip fsync (tests, scratch builds) */
    XAP_DB_DANGEROUS = 1 << 2     /* update in place (faster, unsafe) */
};

xap_status xap_writable_open(const char *path, xap_db_action action,
                             unsigned flags, xap_writable **out);

/* The writable database viewed as a read-only one (term lookups, documents).
 * Borrowed: valid until `w` is freed. */
xap_database *xap_writable_database(xap_writable *w);

/* *id (may be NULL) receives the new docid. */
xap_status xap_writable_add_document(xap_writable *w, const xap_document *doc,
                                     xap_docid *id);
/* Replace the document(s) indexed by `unique_term` with `doc`, or add it.
 * Xapian does not add `unique_term` to `doc`: the caller must.  *id (may be
 * NULL) receives the docid used. */
xap_status xap_writable_replace_document_by_term(xap_writable *w,
                                                 const char *unique_term,
                                                 const xap_document *doc,
                                                 xap_docid *id);
/* Replace document `id` with `doc` (added under that docid when absent). */
xap_status xap_writable_replace_document(xap_writable *w, xap_docid id,
                                         const xap_document *doc);
/* Delete document `id`; XAP_ERR_DOC_NOT_FOUND when there is none. */
xap_status xap_writable_delete_document(xap_writable *w, xap_docid id);
/* Delete every document indexed by `term` (none: nothing happens). */
xap_status xap_writable_delete_document_by_term(xap_writable *w,
                                                const char *term);
xap_status xap_writable_commit(xap_writable *w);
xap_status xap_writable_begin_transaction(xap_writable *w, int flushed);
xap_status xap_writable_commit_transaction(xap_writable *w);
xap_status xap_writable_cancel_transaction(xap_writable *w);
xap_status xap_writable_set_metadata(xap_writable *w, const char *key,
                                     const char *value, size_t len);
xap_status xap_writable_add_synonym(xap_writable *w, const char *term,
                                    const char *synonym);
xap_status xap_writable_clear_synonyms(xap_writable *w, const char *term);
xap_status xap_writable_add_spelling(xap_writable *w, const char *word,
                                     unsigned freqinc);
/* Commit pending changes and release the lock (Xapian's close(): an active
 * transaction is cancelled instead).  If the commit fails the lock is held
 * until xap_writable_free().  Later calls on `w` fail with
 * XAP_ERR_DB_CLOSED. */
xap_status xap_writable_close(xap_writable *w);
/* Free without committing pending changes (they are discarded, and so is
 * an open transaction).  Enquires and termgens made from `w` share its
 * database (Xapian handles are reference counted): the write lock is only
 * released when the last of them is freed too, or at once by
 * xap_writable_close(). */
void xap_writable_free(xap_writable *w);

/* Compact one or more databases into `dest` (a new directory), at
 * Xapian's FULL level (xapian-compact's default). Docids are renumbered:
 * the sources' documents follow each other in order. User metadata comes
 * from the first source that has the key. */
xap_status xap_compact(const char *const *sources, size_t nsources,
                       const char *dest);

/* ------------------------------------------------------------- document */

xap_status xap_document_new(xap_document **out);
void xap_document_free(xap_document *doc);

xap_status xap_document_set_data(xap_document *doc, const char *data,
                                 size_t len);
/* Set the data to [head, head+hlen) followed by [tail, tail+tlen), copied
 * once: for data of many megabytes, where a joined copy made first would
 * be one copy more at the peak. */
xap_status xap_document_set_data_parts(xap_document *doc, const char *head,
                                       size_t hlen, const char *tail,
                                       size_t tlen);
/* Borrowed bytes, valid until `doc` is changed or freed. */
xap_status xap_document_get_data(const xap_document *doc, const char **data,
                                 size_t *len);
xap_status xap_document_add_value(xap_document *doc, unsigned slot,
                                  const char *value, size_t len);
/* Borrowed bytes (empty when unset), valid until `doc` is changed or freed. */
xap_status xap_document_get_value(const xap_document *doc, unsigned slot,
                                  const char **value, size_t *len);
xap_status xap_document_add_term(xap_document *doc, const char *term,
                                 unsigned wdf_inc);
xap_status xap_document_add_boolean_term(xap_document *doc, const char *term);
/* Add `term` at word position `pos`, its within-document frequency raised
 * by `wdf_inc` (0: a position that adds nothing to the document's length,
 * hence to no term's weight but its own). */
xap_status xap_document_add_posting(xap_document *doc, const char *term,
                                    unsigned pos, unsigned wdf_inc);
/* Call `fn` for each position of `term` in the document, in increasing
 * order, until it returns non-zero; never when the document lacks the term
 * or has it without positions. */
xap_status xap_document_each_position(const xap_document *doc,
                                      const char *term,
                                      int (*fn)(unsigned pos, void *ctx),
                                      void *ctx);
/* The number of distinct terms of the document, into *out (cheap: no
 * walk over the terms). */
xap_status xap_document_term_count(const xap_document *doc, size_t *out);
/* Call `fn` for each term of the document starting with `prefix`, in byte
 * order, until it returns non-zero. */
xap_status xap_document_each_term(const xap_document *doc, const char *prefix,
                                  int (*fn)(const char *term, size_t len,
                                            unsigned wdf, void *ctx),
                                  void *ctx);
/* One term of a walk over a document's terms (xap_document_each_term_at),
 * valid only during the call of `fn` it is handed to. */
typedef struct xap_doc_term xap_doc_term;
/* As xap_document_each_term, `fn` also handed the walk's place `at`, where
 * xap_doc_term_each_position reads that term's positions. Reading the
 * positions of many terms so costs one walk: xap_document_each_position
 * finds its term by walking the terms before it (Xapian 1.4's term list
 * of a document skips linearly). `fn` must not change the document. */
xap_status xap_document_each_term_at(const xap_document *doc,
                                     const char *prefix,
                                     int (*fn)(const xap_doc_term *at,
                                               const char *term, size_t len,
                                               unsigned wdf, void *ctx),
                                     void *ctx);
/* As xap_document_each_term_at, over the document's terms from the first
 * not before `from` (NULL or "": the first) on, whatever they start with.
 * `fn` may call xap_doc_term_skip_to(at, ...) to have the walk go on from
 * a later term than the next: Xapian passes the terms between without
 * copying each out, several times cheaper than handing them to `fn` (its
 * skip over a document's terms is still linear in 1.4). */
xap_status xap_document_each_term_from(const xap_document *doc,
                                       const char *from,
                                       int (*fn)(xap_doc_term *at,
                                                 const char *term, size_t len,
                                                 unsigned wdf, void *ctx),
                                       void *ctx);
/* Only during the call of xap_document_each_term_from's `fn` at `at` that
 * then returns 0: the walk goes on from the first term not before `term`
 * (byte order), or from the next term when `term` is not after the one
 * at `at`. A later call replaces an earlier one. */
xap_status xap_doc_term_skip_to(xap_doc_term *at, const char *term);
/* Call `fn` for each position of the term at `at`, in increasing order,
 * until it returns non-zero; never when the term has no positions. */
xap_status xap_doc_term_each_position(const xap_doc_term *at,
                                      int (*fn)(unsigned pos, void *ctx),
                                      void *ctx);

/* ---------------------------------------------------------------- unicode */

/* Xapian::Unicode's character properties and simple case mappings, so that
 * C code classifies and folds characters exactly as the TermGenerator and
 * QueryParser do.  `ch` is a Unicode code point; values above U+10FFFF are
 * treated as unassigned.  These cannot fail. */

/* 1 for an upper-case or title-case letter (categories Lu, Lt), else 0. */
int xap_unicode_is_upper(uint32_t ch);
/* 1 for a lower-case letter (category Ll), else 0. */
int xap_unicode_is_lower(uint32_t ch);
/* 1 for a character Xapian treats as part of a word (letters, marks,
 * digits, connector punctuation such as '_'), else 0. */
int xap_unicode_is_wordchar(uint32_t ch);
/* 1 for a character that the CJK n-gram flags (XAP_TG_FLAG_CJK_NGRAM,
 * XAP_QP_FLAG_CJK_NGRAM, XAP_SNIPPET_CJK_NGRAM) split into n-grams: a word
 * character of Xapian 1.4's CJK blocks (CJK ideographs, radicals and
 * symbols, Hiragana, Katakana, Bopomofo, Hangul syllables and jamo,
 * fullwidth forms; Xapian's CJK::codepoint_is_cjk, which it does not
 * export), else 0. Where such a character meets another word character,
 * a word ends, and a run of them is read as its single characters and
 * their pairs. */
int xap_unicode_is_cjk(uint32_t ch);
/* The simple lower-case / upper-case mapping of `ch` (`ch` itself when it
 * has none). */
uint32_t xap_unicode_tolower(uint32_t ch);
uint32_t xap_unicode_toupper(uint32_t ch);

/* Lower-case UTF-8 text character by character (Xapian::Unicode::tolower;
 * invalid bytes are read as Latin-1, as Xapian's Utf8Iterator does).  The
 * result may differ in length from the input.  Caller frees *out; *out_len
 * (may be NULL) gets its length. */
xap_status xap_unicode_tolower_utf8(const char *text, size_t len, char **out,
                                    size_t *out_len);

/* ---------------------------------------------------- stemmer, stopper */

/* `language` is a Snowball name ("english", "french", ...) or "none". */
xap_status xap_stem_new(const char *language, xap_stem **out);
void xap_stem_free(xap_stem *stem);
/* A stemmer whose work is done by C (Xapian's StemImplementation): for
 * each word Xapian calls fn(word, len, &stem_len, ctx), which returns the
 * stem (`word` itself, or bytes that stay valid until its next call) and
 * its length in *stem_len, or NULL when it failed (the Xapian call using
 * the stemmer then fails with XAP_ERR_XAPIAN). Xapian shares a stemmer
 * with what it is given to (a query parser, a match set's snippets):
 * release(ctx), unless NULL, runs when the last of them lets go of it,
 * which may be after xap_stem_free. On failure release(ctx) has run. */
typedef const char *(*xap_stem_fn)(const char *word, size_t len,
                                   size_t *stem_len, void *ctx);
xap_status xap_stem_new_custom(xap_stem_fn fn, void *ctx,
                               void (*release)(void *ctx), xap_stem **out);
/* Stem one word. Caller frees *out. */
xap_status xap_stem_word(const xap_stem *stem, const char *word, char **out);
/* Space-separated list of the available languages. Static storage. */
const char *xap_stem_languages(void);
/* The name of the stemmer `language` selects, as xap_stem_languages()
 * lists it, in *out (a new string the caller frees): Xapian takes ISO 639
 * codes as other names of its stemmers ("en" is "english", "nb" and "no"
 * "norwegian"); "none" is "none". XAP_ERR_INVALID_ARG for a language
 * Xapian lacks. */
xap_status xap_stem_canonical(const char *language, char **out);
xap_status xap_stopper_new(const char *const *words, size_t nwords,
                           xap_stopper **out);
void xap_stopper_free(xap_stopper *stopper);

/* --------------------------------------------------------- termgenerator */

typedef enum xap_stem_strategy {
    XAP_STEM_NONE = 0,
    XAP_STEM_SOME = 1,        /* Xapian's default: Z-prefixed stems too.
                               * The QueryParser does not stem words that
                               * start with a capital; the TermGenerator
                               * lowercases first and stems them all. */
    XAP_STEM_ALL = 2,
    XAP_STEM_ALL_Z = 3,
    XAP_STEM_SOME_FULL_POS = 4
} xap_stem_strategy;

enum {
    XAP_TG_FLAG_SPELLING = 1 << 0,  /* feed words to the spelling table */
    /* Chinese, Japanese and Korean text (xap_unicode_is_cjk) as n-grams:
     * each character of a run is a term with a position (a unigram) and
     * each pair of neighbours one without (a bigram), so that a word
     * inside a run without spaces ("北京" in "北京市政府") is found by a
     * query parsed with XAP_QP_FLAG_CJK_NGRAM. Other text is split into
     * words as before, but a word ends where a CJK character starts
     * ("WHO事務局長" gives "who" and the n-grams of the rest). Without it
     * a run of CJK characters is one term. (Xapian's FLAG_CJK_NGRAM; the
     * environment variable XAPIAN_CJK_NGRAM, if set and not empty, turns
     * it on in Xapian for every term generator, query parser and snippet
     * of the process.) */
    XAP_TG_FLAG_CJK_NGRAM = 1 << 1
};

xap_status xap_termgen_new(xap_termgen **out);
void xap_termgen_free(xap_termgen *tg);
/* The stemmer is copied; the caller keeps ownership of `stem`. */
xap_status xap_termgen_set_stemmer(xap_termgen *tg, const xap_stem *stem);
xap_status xap_termgen_set_stemming_strategy(xap_termgen *tg,
                                             xap_stem_strategy strategy);
/* Replace the flags (XAP_TG_FLAG_*; 0: none) by `flags`;
 * XAP_ERR_INVALID_ARG for another bit. */
xap_status xap_termgen_set_flags(xap_termgen *tg, unsigned flags);
/* Database used for spelling data; borrowed, must outlive its use. */
xap_status xap_termgen_set_database(xap_termgen *tg, xap_writable *w);
/* Terms go to `doc`, which must outlive the termgen's use of it. */
xap_status xap_termgen_set_document(xap_termgen *tg, xap_document *doc);
/* Index UTF-8 text with positions, each term prefixed by `prefix` (may be
 * NULL or ""). */
xap_status xap_termgen_index_text(xap_termgen *tg, const char *text,
                                  size_t len, unsigned wdf_inc,
                                  const char *prefix);
xap_status xap_termgen_increase_termpos(xap_termgen *tg, unsigned delta);
xap_status xap_termgen_set_termpos(xap_termgen *tg, unsigned pos);

/* ------------------------------------------------------------------ query */

typedef enum xap_query_op {
    XAP_OP_AND = 0,
    XAP_OP_OR = 1,
    XAP_OP_AND_NOT = 2,
    XAP_OP_XOR = 3,
    XAP_OP_AND_MAYBE = 4,
    XAP_OP_FILTER = 5,
    XAP_OP_NEAR = 6,
    XAP_OP_PHRASE = 7,
    XAP_OP_SCALE_WEIGHT = 9,
    XAP_OP_ELITE_SET = 10,
    XAP_OP_SYNONYM = 13,
    XAP_OP_MAX = 14
} xap_query_op;

/* A query matching one term (wdf-weighted, query position `pos`). */
xap_status xap_query_new_term(const char *term, unsigned wqf, unsigned pos,
                              xap_query **out);
/* Combine `n` subqueries with `op`; `window` is used by NEAR and PHRASE
 * (0 = number of subqueries). The subqueries stay owned by the caller. */
xap_status xap_query_new_combine(xap_query_op op, const xap_query *const *subs,
                                 size_t n, unsigned window, xap_query **out);
/* `sub` scaled by `factor` (OP_SCALE_WEIGHT). */
xap_status xap_query_new_scaled(const xap_query *sub, double factor,
                                xap_query **out);
/* Matches the documents `ids` (n of them), no weight: in a database of
 * several shards, those with these ids in their own shard, in each shard
 * (the ids a match spy gives, xap_valuecount_spy_each_copies). Local
 * databases only: xapian-tcpsrv cannot run it. */
xap_status xap_query_new_ids(const xap_docid *ids, size_t n, xap_query **out);
/* Matches every document. */
xap_status xap_query_new_match_all(xap_query **out);
/* Matches every document with the same `weight` (>= 0) for each (a
 * FixedWeightPostingSource): combined with AND, it gives the documents
 * matching the other side that weight. */
xap_status xap_query_new_fixed_weight(double weight, xap_query **out);
void xap_query_free(xap_query *q);
int xap_query_is_empty(const xap_query *q);
/* Xapian's description of the query. Caller frees. */
xap_status xap_query_description(const xap_query *q, char **out);
/* Call `fn` for each distinct term of the query, in query order, until it
 * returns non-zero. */
xap_status xap_query_each_term(const xap_query *q,
                               int (*fn)(const char *term, void *ctx),
                               void *ctx);
/* Call `fn` for each term of `q` as Xapian's snippets read it (check_query
 * in its termgenerator_internal.cc), in query order, until it returns
 * non-zero: a tight phrase of terms (an OP_PHRASE of terms whose window
 * is their number) with its `n` terms in order and `phrase` 1 (its terms
 * are highlighted only where they stand side by side, in order); any
 * other term alone, `n` 1 and `phrase` 0 (a term of a NEAR or of a wider
 * phrase too: snippets highlight it wherever it stands). Wildcards are
 * left out. */
xap_status xap_query_each_snippet_term(const xap_query *q,
                                       int (*fn)(const char *const *terms,
                                                 size_t n, int phrase,
                                                 void *ctx),
                                       void *ctx);
/* Call `fn` for each trailing-* wildcard of the query with its pattern
 * (the term prefix and the letters before the '*': "Sgaz" for title:gaz*),
 * in query order, until it returns non-zero. Xapian expands a wildcard
 * at match time and applies xap_queryparser_set_max_expansion to each
 * database of a combined one apart: to bound the words over all of
 * them, count the terms starting with the pattern (xap_database_each_term
 * on the combined database gives each term once). */
xap_status xap_query_each_wildcard(const xap_query *q,
                                   int (*fn)(const char *pattern, size_t len,
                                             void *ctx),
                                   void *ctx);

enum {
    /* Leave out what an AND_NOT excludes: its subqueries after the first,
     * whatever they hold ("a OR (b AND_NOT c)" gives a and b). A term
     * that the query also wants elsewhere is kept from there. XOR keeps
     * its parts (each is wanted where the others are not). */
    XAP_SNIPPET_PARTS_NO_EXCLUDED = 1,
    /* Also each word of a phrase or NEAR as a possessive ("'s", as the
     * TermGenerator writes "Blair's" and "Blair’s"), for an index that
     * puts the bare word at a possessive's position too: a tight phrase
     * also as the phrases with one of its terms so written (snippets
     * compare a phrase with the words as written), a term of a NEAR or a
     * wider phrase also as that wildcard pattern (snippets weigh a loose
     * term by its statistics, which the match has for its own terms
     * only, and a pattern by none). For snippets only: such a query
     * must not make hits nor have its matching terms read. */
    XAP_SNIPPET_PARTS_POSSESSIVES = 2
};

/* The most tight phrases xap_query_snippet_parts makes of one phrase of
 * xap_query_phrase_forms (each form of each term with each of the
 * others'), in order of its forms: the phrase as written first. */
#define XAP_SNIPPET_PARTS_MAX_FORMS 64

/* The parts of `q` that Xapian's snippets highlight (MSet::snippet reads
 * its terms, its tight phrases of terms and its wildcards, excluded ones
 * too; a phrase of xap_query_phrase_forms as the tight phrases of its
 * forms, the first XAP_SNIPPET_PARTS_MAX_FORMS of them, its weighing AND
 * left out) into a new query *out, OR'ed together (empty when none is left),
 * each term and wildcard pattern renamed by `rename`: it returns the new
 * name (read before its next call), `term` itself to keep it, or NULL to
 * leave the part out (a phrase goes with any of its terms). `flags`:
 * XAP_SNIPPET_PARTS_* (0: none; another bit is XAP_ERR_INVALID_ARG). A
 * wildcard of *out expands to one term at most (snippets read only its
 * pattern). A match set of *out lets snippets highlight words that `q`
 * searched under another prefix; so does setting *out on the enquire of
 * a match set of `q` after the match (the match set's snippets read the
 * enquire's query as it is then, with the match's statistics), which
 * costs no match. */
xap_status xap_query_snippet_parts(const xap_query *q, unsigned flags,
                                   const char *(*rename)(const char *term,
                                                         void *ctx),
                                   void *ctx, xap_query **out);

/* The other forms a term of a tight phrase may take (xap_query_phrase_forms):
 * called with the phrase's `n` terms, in order, for each term `at` of it
 * (at 0, 1, ... n-1 in turn), it puts up to `max` terms into `forms` (its
 * own pointers, read before its next call) and their number in *nforms
 * (0: the term alone). Another status than XAP_OK ends the rewrite with
 * that status. */
typedef xap_status (*xap_phrase_forms_fn)(const char *const *terms,
                                          size_t n, size_t at,
                                          const char **forms, size_t max,
                                          size_t *nforms, void *ctx);

/* A copy of `q` in *out in which each term of each tight phrase (an
 * OP_PHRASE of terms whose window is their number) may also be matched
 * as the other forms `fn` gives for it (at most `max_forms` a term): the
 * phrase matches where any of them stands at the term's place, and
 * weighs as the phrase did, the term and its forms weighed as one term
 * (OP_SYNONYM). Xapian 1.4 takes only terms and ORs of terms in a
 * phrase (OP_SYNONYM there is XAP_ERR_UNIMPLEMENTED), so the phrase "e
 * mail" with the form "mails" becomes the AND of the terms, which
 * weighs, filtered by the phrase of the forms, which matches:
 * ((e AND (mail SYNONYM mails)) FILTER (e PHRASE 2 (mail OR mails))).
 * xap_query_snippet_parts reads that as the tight phrases of the forms.
 * A phrase below an OP_SCALE_WEIGHT, OP_ELITE_SET, OP_NEAR or another
 * phrase is left as it is (Xapian 1.4 cannot say their parameters to
 * rebuild them); so is a phrase for which `fn` gives no form. */
xap_status xap_query_phrase_forms(const xap_query *q, xap_phrase_forms_fn fn,
                                  size_t max_forms, void *ctx,
                                  xap_query **out);

/* ------------------------------------------------------------ queryparser */

enum {
    XAP_QP_FLAG_BOOLEAN = 1,
    XAP_QP_FLAG_PHRASE = 2,
    XAP_QP_FLAG_LOVEHATE = 4,
    XAP_QP_FLAG_BOOLEAN_ANY_CASE = 8,
    XAP_QP_FLAG_WILDCARD = 16,
    XAP_QP_FLAG_PURE_NOT = 32,
    XAP_QP_FLAG_PARTIAL = 64,
    XAP_QP_FLAG_SPELLING_CORRECTION = 128,
    XAP_QP_FLAG_SYNONYM = 256,
    XAP_QP_FLAG_AUTO_SYNONYMS = 512,
    XAP_QP_FLAG_AUTO_MULTIWORD_SYNONYMS = 1024,
    /* A run of CJK characters (xap_unicode_is_cjk) as the terms
     * XAP_TG_FLAG_CJK_NGRAM indexes: unquoted, every character and every
     * pair of neighbours of the run, joined by AND ("北京": 北 AND 北京
     * AND 京, in any order); in a phrase, its characters one after the
     * other. A CJK run is no single word for NEAR, ADJ or a trailing
     * wildcard (the '*' is dropped). Other words are parsed as before,
     * a word ending where a CJK character starts. */
    XAP_QP_FLAG_CJK_NGRAM = 2048,
    /* The shim's own (never passed to Xapian): a syntax error is an error,
     * see xap_queryparser_parse. */
    XAP_QP_FLAG_STRICT = 0x40000000,
    XAP_QP_FLAG_DEFAULT = 7   /* BOOLEAN | PHRASE | LOVEHATE */
};

xap_status xap_queryparser_new(xap_queryparser **out);
void xap_queryparser_free(xap_queryparser *qp);
xap_status xap_queryparser_set_stemmer(xap_queryparser *qp,
                                       const xap_stem *stem);
xap_status xap_queryparser_set_stemming_strategy(xap_queryparser *qp,
                                                 xap_stem_strategy strategy);
/* The stopper is shared (reference counted): `stopper` may be freed after.
 * NULL removes it. */
xap_status xap_queryparser_set_stopper(xap_queryparser *qp,
                                       const xap_stopper *stopper);
/* XAP_OP_OR (default), XAP_OP_AND, XAP_OP_NEAR, XAP_OP_PHRASE, ... */
xap_status xap_queryparser_set_default_op(xap_queryparser *qp, xap_query_op op);
/* Database for wildcards, spelling and synonyms. Borrowed: must outlive
 * every parse that uses it. */
xap_status xap_queryparser_set_database(xap_queryparser *qp,
                                        const xap_database *db);
xap_status xap_queryparser_set_max_expansion(xap_queryparser *qp,
                                             unsigned max);
/* `field:` maps to free-text terms with `prefix` ("" = unprefixed). */
xap_status xap_queryparser_add_prefix(xap_queryparser *qp, const char *field,
                                      const char *prefix);
/* Builds the query of a field from its text (a Xapian FieldProcessor):
 * `text` is the word after "field:" as the parser read it (lower-cased;
 * the text between the quotes for a quoted value). Return XAP_OK with a
 * new query in *out (the parser takes it; NULL: match nothing), or a
 * failure status, which ends the parse with that status. */
typedef xap_status (*xap_field_fn)(const char *text, void *ctx,
                                   xap_query **out);
/* `field:` is a free-text field whose query `fn` builds (called with
 * `ctx`, which must outlive the parser's use). The query it returns is
 * weighted as it is, and stopwords are checked on the word before it is
 * called. */
xap_status xap_queryparser_add_prefix_callback(xap_queryparser *qp,
                                               const char *field,
                                               xap_field_fn fn, void *ctx);
/* `field:` is a boolean filter whose query `fn` builds from the value as
 * written (not lower-cased); `exclusive` as for
 * xap_queryparser_add_boolean_prefix. */
xap_status xap_queryparser_add_boolean_prefix_callback(xap_queryparser *qp,
                                                       const char *field,
                                                       int exclusive,
                                                       xap_field_fn fn,
                                                       void *ctx);
/* `field:` maps to a boolean filter term with `prefix`. `exclusive`: several
 * filters on the same field combine with OR (else AND). */
xap_status xap_queryparser_add_boolean_prefix(xap_queryparser *qp,
                                              const char *field,
                                              const char *prefix,
                                              int exclusive);
/* `field:START..END` (or `START..END` when field is NULL/"") over values in
 * `slot` holding YYYYMMDD date strings.  `field` is "date" or "date:";
 * `date:START..date:END` and open ends (`date:START..`) work too.  Dates may
 * be written YYYYMMDD, YYYY-MM-DD or D/M/YYYY.  Note: once any range is
 * registered, an `A..B` that no range accepts makes the parse fail with
 * XAP_ERR_QUERY_PARSE ("Unknown range operation"); without ranges it is
 * parsed as a phrase.  Ranges are tried in the order they were added. */
xap_status xap_queryparser_add_date_range(xap_queryparser *qp, unsigned slot,
                                          const char *field);
/* Parse `text` with XAP_QP_FLAG_* `flags`; terms without a field get
 * `default_prefix` (NULL = none).  An unclosed quote or bracket is closed
 * at the end.  Xapian is lenient: on a syntax error its grammar calls a
 * "parse error" ("-(a OR b)", "a NEAR (b OR c)", "\"a b\" NEAR c") it
 * silently reparses the text without the syntax flags, as plain words
 * (the operators, brackets and signs ignored or searched as words).
 * With XAP_QP_FLAG_STRICT such a text fails instead, with
 * XAP_ERR_QUERY_GRAMMAR (message "...: parse error"), unless that plain
 * reading is empty ("*", "+"): then it is the empty query.  The check
 * costs a second parse (skipped for a text of ASCII letters, digits and
 * spaces without a boolean operator word), and the first strict parse
 * (or the first of a text holding a field of
 * xap_queryparser_add_prefix_callback, strict or not) adds a range
 * processor to `qp`: from then on an `A..B` that no range
 * accepts fails as described at xap_queryparser_add_date_range.
 * XAP_ERR_QUERY_PARSE comes from a dangling boolean operator with
 * XAP_QP_FLAG_BOOLEAN ("foo AND", "NOT", "a OR OR b"; "Syntax: ..."
 * messages) and from unknown ranges (see xap_queryparser_add_date_range).
 * It also comes, before Xapian reads the text, from what Xapian 1.4 would
 * build no query for and then dereference: a group or a value of a field
 * of xap_queryparser_add_prefix_callback that is not plain words, and
 * words of such fields joined by NEAR, ADJ or a phrase ("f:a NEAR f:b"),
 * and a wildcard of such a field ("f:ab*", which Xapian expands to
 * nothing), and with XAP_QP_FLAG_CJK_NGRAM a word of such a field holding
 * CJK text ("f:北京", made n-grams under the field's prefixes, of which
 * it has none); found by a second parse, its fields given a prefix, done
 * when the text holds "f:". A text whose grammar fails and that holds
 * such a field is read as plain words at once: without
 * XAP_QP_FLAG_STRICT that reading is the result, as Xapian's own
 * fallback would give it; with it, the failure above. */
xap_status xap_queryparser_parse(xap_queryparser *qp, const char *text,
                                 unsigned flags, const char *default_prefix,
                                 xap_query **out);
/* The spelling-corrected query string from the last parse ("" = none).
 * Caller frees. */
xap_status xap_queryparser_corrected_query(const xap_queryparser *qp,
                                           char **out);

/* ---------------------------------------------------------------- enquire */

xap_status xap_enquire_new(const xap_database *db, xap_enquire **out);
void xap_enquire_free(xap_enquire *enq);
/* The query is copied; `qlen` is the query length for BM25 (0 = auto).
 * An OP_XOR in it runs as OR and AND_NOT (a Xapian 1.4 bug: enquire.cc). */
xap_status xap_enquire_set_query(xap_enquire *enq, const xap_query *q,
                                 unsigned qlen);
/* The query `enq` runs, as set (an OP_XOR as it runs), into a new *out
 * (free with xap_query_free). */
xap_status xap_enquire_get_query(const xap_enquire *enq, xap_query **out);
xap_status xap_enquire_set_weighting_bm25(xap_enquire *enq, double k1,
                                          double k2, double k3, double b,
                                          double min_normlen);
xap_status xap_enquire_set_weighting_bm25plus(xap_enquire *enq, double k1,
                                              double k2, double k3, double b,
                                              double min_normlen,
                                              double delta);
/* Boolean weighting (Xapian's BoolWeight): every match weighs 0, so the
 * matcher computes no weights; for a match that only counts, through
 * spies, with every match looked at. */
xap_status xap_enquire_set_weighting_bool(xap_enquire *enq);
/* Sort by the value in `slot` (string order), ties by relevance. */
xap_status xap_enquire_set_sort_by_value(xap_enquire *enq, unsigned slot,
                                         int reverse);
/* Sort by relevance, ties by the value in `slot` (string order;
 * `reverse`: descending). Xapian reads the value of every document that
 * could reach the page. */
xap_status xap_enquire_set_sort_by_relevance_then_value(xap_enquire *enq,
                                                      unsigned slot,
                                                      int reverse);
/* One key of xap_enquire_set_sort_by_values: the value in `slot` (string
 * order; `reverse`: descending), a document without a value sorting as if
 * its value were `missing` (so "" sorts them first ascending and last
 * descending, and a string above every value, such as "\xff", last
 * ascending). */
typedef struct xap_sort_value {
    unsigned slot;
    int reverse;
    const char *missing;   /* copied */
} xap_sort_value;
/* Sort by values[0], its ties by values[1], and so on for the `n` (at
 * least 1) keys, the remaining ties by relevance. `values` stays the
 * caller's. */
xap_status xap_enquire_set_sort_by_values(xap_enquire *enq,
                                          const xap_sort_value *values,
                                          size_t n);
/* Keep only the best `max` (normally 1) documents per value of `slot`;
 * XAP_NO_SLOT: keep every document (no collapsing). */
#define XAP_NO_SLOT 0xFFFFFFFFu
xap_status xap_enquire_set_collapse_key(xap_enquire *enq, unsigned slot,
                                        unsigned max);

/* Leave out of later matches the documents weighing less than `cutoff`
 * (0: none left out; Xapian's set_cutoff with no percentage). */
xap_status xap_enquire_set_weight_cutoff(xap_enquire *enq, double cutoff);

/* Count the values of `slot` over the whole match set during get_mset. The
 * spy is owned by the caller and must outlive the enquire's use of it.
 * Counts accumulate over every get_mset run while the spy is attached. */
xap_status xap_enquire_add_valuecount_spy(xap_enquire *enq,
                                          xap_valuecount_spy *spy);
/* Like xap_enquire_add_valuecount_spy, for a term-counting spy. */
xap_status xap_enquire_add_termcount_spy(xap_enquire *enq,
                                         xap_termcount_spy *spy);
/* Detach every spy from `enq` (their counts so far stay in them). */
xap_status xap_enquire_clear_spies(xap_enquire *enq);
/* `checkatleast`: examine at least this many matches (exact counts). `rset`
 * (may be NULL) marks documents known relevant.  Wildcard expansion past the
 * limit (xap_queryparser_set_max_expansion) fails here with
 * XAP_ERR_WILDCARD. */
xap_status xap_enquire_get_mset(xap_enquire *enq, uint32_t first,
                                uint32_t maxitems, uint32_t checkatleast,
                                const xap_rset *rset, xap_mset **out);
/* The weight the query set on `enq` gives document `id`, into *weight,
 * and *matched 1; *matched 0 (and *weight 0) when the query does not
 * match it. A match kept to the document by a match decider: no lookup
 * beyond the query's own, but every document the query matches is
 * weighed on the way, so the query should match few. Local databases
 * only: with a remote one among them Xapian refuses
 * (XAP_ERR_UNIMPLEMENTED). */
xap_status xap_enquire_weight_of_doc(xap_enquire *enq, xap_docid id,
                                     int *matched, double *weight);
/* Flags of xap_enquire_get_eset. */
enum {
    /* Over several databases, weigh terms with their exact frequency in
     * all of them (Xapian otherwise estimates it from the databases that
     * hold the relevant documents). No effect on a single database. */
    XAP_ESET_EXACT_TERMFREQ = 1 << 0
};

/* Expand set: the `maxitems` best terms to add to the query given the
 * relevant documents in `rset` (not NULL).  Terms of the query are left
 * out. `flags`: XAP_ESET_*. */
xap_status xap_enquire_get_eset(xap_enquire *enq, uint32_t maxitems,
                                const xap_rset *rset, unsigned flags,
                                xap_eset **out);
/* As xap_enquire_get_eset, weighing only the candidate terms `accept`
 * returns non-zero for (an ExpandDecider: it is asked before a term's
 * statistics are looked up, so a refused term costs no lookup). */
xap_status xap_enquire_get_eset_filtered(xap_enquire *enq, uint32_t maxitems,
                                         const xap_rset *rset, unsigned flags,
                                         int (*accept)(const char *term,
                                                       void *ctx),
                                         void *ctx, xap_eset **out);
/* Matching terms of document `id` for the current query, in query order. */
xap_status xap_enquire_each_matching_term(const xap_enquire *enq,
                                          xap_docid id,
                                          int (*fn)(const char *term,
                                                    void *ctx),
                                          void *ctx);

xap_status xap_rset_new(xap_rset **out);
void xap_rset_free(xap_rset *rset);
xap_status xap_rset_add(xap_rset *rset, xap_docid id);

xap_status xap_eset_size(const xap_eset *eset, uint32_t *out);
/* Borrowed term, valid until `eset` is freed; *weight may be NULL.
 * XAP_ERR_RANGE when `i` >= size (likewise for the xap_mset_* getters). */
xap_status xap_eset_term(const xap_eset *eset, uint32_t i, const char **term,
                         double *weight);
void xap_eset_free(xap_eset *eset);

/* ------------------------------------------------------------------- mset */

void xap_mset_free(xap_mset *mset);
uint32_t xap_mset_size(const xap_mset *mset);
/* Bounds and estimate of the number of matches; any out may be NULL. */
xap_status xap_mset_matches(const xap_mset *mset, uint32_t *lower,
                            uint32_t *estimated, uint32_t *upper);
/* The most weight any document could get from the query (Xapian's
 * MSet::get_max_possible). */
xap_status xap_mset_max_possible(const xap_mset *mset, double *out);
xap_status xap_mset_docid(const xap_mset *mset, uint32_t i, xap_docid *out);
xap_status xap_mset_weight(const xap_mset *mset, uint32_t i, double *out);
xap_status xap_mset_percent(const xap_mset *mset, uint32_t i, int *out);
/* Number of other documents collapsed into hit `i`. */
xap_status xap_mset_collapse_count(const xap_mset *mset, uint32_t i,
                                   uint32_t *out);
xap_status xap_mset_document(const xap_mset *mset, uint32_t i,
                             xap_document **out);
/* A hint that hits [first, first+count) will be read (MSet::fetch):
 * Xapian 1.4's glass asks the system to read their blocks ahead, and
 * keeps their documents (its remote backend takes no such hint: each
 * document is still a round trip). Indexes past the end are ignored. Only that range is asked
 * for (Xapian 1.4's own range fetch does nothing: the shim passes the
 * indexes its fetch takes); of an MSet that starts at hit k of the
 * match (k > 0: xap_enquire_get_mset's `first`), the last k hits cannot
 * be (Xapian 1.4 clamps the range short) and are read one by one. */
xap_status xap_mset_fetch(const xap_mset *mset, uint32_t first,
                          uint32_t count);

enum {
    XAP_SNIPPET_BACKGROUND_MODEL = 1,
    XAP_SNIPPET_EXHAUSTIVE = 2,
    XAP_SNIPPET_EMPTY_WITHOUT_MATCH = 4,
    /* Read CJK text as XAP_TG_FLAG_CJK_NGRAM indexes it, so that the
     * matches of a query parsed with XAP_QP_FLAG_CJK_NGRAM are
     * highlighted inside a run without spaces (each matched character
     * marked alone, "[北][京]市", a phrase's as one: "[地铁线路]"), and a
     * word touching such a run is a word of its own. */
    XAP_SNIPPET_CJK_NGRAM = 2048
};

/* Xapian's MSet::snippet: about `length` bytes of `text` around the query
 * matches, with &, < and > HTML-escaped (quotes are not), matches wrapped in
 * hi_start/hi_end, `omit` where text was left out.  Pass the stemmer used
 * for the query, or stemmed query terms won't be highlighted (`stem` NULL =
 * none).  NULL hi_start, hi_end, omit mean "<b>", "</b>", "...".  Caller
 * frees *out. */
xap_status xap_mset_snippet(const xap_mset *mset, const char *text,
                            size_t len, size_t length, const xap_stem *stem,
                            unsigned flags, const char *hi_start,
                            const char *hi_end, const char *omit, char **out);

/* ---------------------------------------------------------- match spies */

/* A match spy counting, over the matching documents it sees, the values
 * of `slot`: each non-empty value once per document. It runs on remote
 * databases too, where xapian-tcpsrv counts with Xapian's
 * ValueCountMatchSpy (every document, whatever set_distinct says). */
xap_status xap_valuecount_spy_new(unsigned slot, xap_valuecount_spy **out);
/* The same over a multi-valued field kept in one value: the value in
 * `slot` is split at each `separator` byte and every non-empty piece
 * counts once for the document; a remote server's whole values are split
 * the same way when read. */
xap_status xap_valuecount_spy_new_split(unsigned slot, char separator,
                                        xap_valuecount_spy **out);
void xap_valuecount_spy_free(xap_valuecount_spy *spy);
/* From now on count a document only when no document with the same
 * non-empty value in `slot` was counted before (documents with no value
 * there always count): counts that agree with xap_enquire_set_collapse_key
 * on `slot` with max 1 when duplicates share the counted field. */
xap_status xap_valuecount_spy_set_distinct(xap_valuecount_spy *spy,
                                           unsigned slot);
/* The documents a distinct spy (set_distinct) saw sharing a value of its
 * distinct slot, more than one: `fn` is called for each such value with
 * their ids, the document counted first, the others in the order seen,
 * until it returns non-zero. The ids are as Xapian gives them to a spy:
 * in a database of several shards, each document's id in its own shard
 * (the combined id is (id - 1) * shards + shard + 1), and the shards'
 * documents one shard after another. Local databases only. */
xap_status xap_valuecount_spy_each_copies(const xap_valuecount_spy *spy,
                                          int (*fn)(const char *value,
                                                    size_t len,
                                                    const xap_docid *ids,
                                                    size_t n, void *ctx),
                                          void *ctx);
/* Count document `instead` in place of `counted`, which the spy counted
 * (of a local database): the values of `counted` count one less, those
 * of `instead` one more; the number of documents stays. */
xap_status xap_valuecount_spy_recount(xap_valuecount_spy *spy,
                                      const xap_document *counted,
                                      const xap_document *instead);
/* A key function (xap_valuecount_spy_set_key): the key of the value
 * [value, value+len) into buf (`size` bytes) and its length into *len;
 * a length of 0 counts the value under no key; one above `size` asks to
 * be called again with that much room. Any status but XAP_OK stops the
 * count, which returns it. */
typedef xap_status (*xap_value_key_fn)(const char *value, size_t len,
                                       char *buf, size_t size, size_t *len_out,
                                       void *ctx);
/* From now on count each document once under each distinct key of its
 * values (or pieces), `fn` making the key of each distinct value (once
 * for each, `ctx` passed on): values that the key makes one, counted
 * together, and a document that has two of them once. each_top and each
 * then report each key as its most frequent value (ties: the first in
 * byte order) with the documents counted under the key. `ctx` must
 * outlive the spy's reports. */
xap_status xap_valuecount_spy_set_key(xap_valuecount_spy *spy,
                                      xap_value_key_fn fn, void *ctx);
/* Number of documents the spy has counted (with set_distinct: once per
 * distinct value; a remote server's documents all count), with a value
 * in the slot or not. */
xap_status xap_valuecount_spy_documents(const xap_valuecount_spy *spy,
                                        uint32_t *out);
/* Call `fn` for the most frequent values (at most `max`, 0 = all), most
 * frequent first. */
xap_status xap_valuecount_spy_each_top(const xap_valuecount_spy *spy,
                                       unsigned max,
                                       int (*fn)(const char *value, size_t len,
                                                 uint32_t count, void *ctx),
                                       void *ctx);
/* Call `fn` for every value counted, in byte order of the values: unlike
 * each_top, no sorting by frequency (cheap over many distinct values). */
xap_status xap_valuecount_spy_each(const xap_valuecount_spy *spy,
                                   int (*fn)(const char *value, size_t len,
                                             uint32_t count, void *ctx),
                                   void *ctx);

/* As xap_valuecount_spy_each, in no particular order: for a caller that
 * needs every value but not their order (a sort by bytes is most of the
 * cost over thousands of distinct values). */
xap_status xap_valuecount_spy_each_unsorted(
    const xap_valuecount_spy *spy,
    int (*fn)(const char *value, size_t len, uint32_t count, void *ctx),
    void *ctx);

/* A match spy counting, over the matching documents it sees, the terms
 * that start with `prefix` (a multi-valued field: each document counts once
 * for each of its terms with the prefix).  Values are reported without the
 * prefix. Local databases only: xapian-tcpsrv cannot run it, and a search
 * of a remote database with it fails. */
xap_status xap_termcount_spy_new(const char *prefix, xap_termcount_spy **out);
void xap_termcount_spy_free(xap_termcount_spy *spy);
/* As xap_valuecount_spy_set_distinct. */
xap_status xap_termcount_spy_set_distinct(xap_termcount_spy *spy,
                                          unsigned slot);
/* As xap_valuecount_spy_each_copies and xap_valuecount_spy_recount. */
xap_status xap_termcount_spy_each_copies(const xap_termcount_spy *spy,
                                         int (*fn)(const char *value,
                                                   size_t len,
                                                   const xap_docid *ids,
                                                   size_t n, void *ctx),
                                         void *ctx);
xap_status xap_termcount_spy_recount(xap_termcount_spy *spy,
                                     const xap_document *counted,
                                     const xap_document *instead);
/* As xap_valuecount_spy_documents: the documents counted (with
 * set_distinct: once per distinct value), with terms or not. */
xap_status xap_termcount_spy_documents(const xap_termcount_spy *spy,
                                       uint32_t *out);
/* Call `fn` for the most frequent values (at most `max`, 0 = all), most
 * frequent first, ties in byte order, until it returns non-zero. */
xap_status xap_termcount_spy_each_top(const xap_termcount_spy *spy,
                                      unsigned max,
                                      int (*fn)(const char *value, size_t len,
                                                uint32_t count, void *ctx),
                                      void *ctx);

#ifdef __cplusplus
}
#endif

#endif /* XAPIAN_SHIM_H */
