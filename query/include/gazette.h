/*
 * gazette.h - the Gazette search library (libgazette).
 *
 * Search an index built by gazette-index. The library never prints, never
 * exits and never aborts on bad input: every function that can fail returns
 * a gazette_status_t, and a one-line explanation of the last failure on a
 * handle is available from gazette_index_error().
 *
 * Ownership
 *   - gazette_*_open / gazette_*_new / gazette_search give the caller a new
 *     object, released with the matching gazette_*_close / gazette_*_free
 *     (all accept NULL).
 *   - `const char *` returned by accessors is borrowed from the object it
 *     came from and valid until that object is freed.
 *
 * Threads
 *   - Distinct handles may be used concurrently from distinct threads.
 *   - One handle (and the results made from it) must not be used from two
 *     threads at once; guard it with your own lock if you share it.
 *   - A gazette_results_t stays valid after its index is closed.
 */
#ifndef GAZETTE_H
#define GAZETTE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GAZETTE_VERSION_MAJOR 0
#define GAZETTE_VERSION_MINOR 1
#define GAZETTE_VERSION_PATCH 0
#define GAZETTE_VERSION_STRING "0.1.0"

/* The library's version at run time ("0.1.0"); compare with the macros. */
const char *gazette_version(void);

/* The index location used when none is given: $GAZETTE_INDEX if set, else
 * $XDG_DATA_HOME/gazette/index, else $HOME/.local/share/gazette/index, else
 * ".gazette-index". Returns a new malloc()ed string the caller frees, or NULL
 * when out of memory. */
char *gazette_default_index_path(void);

/* --------------------------------------------------------------- status */

typedef enum gazette_status {
    GAZETTE_STATUS_OK = 0,
    GAZETTE_STATUS_OUT_OF_MEMORY,      /* an allocation failed */
    GAZETTE_STATUS_INVALID_ARGUMENT,   /* NULL handle, bad option value */
    GAZETTE_STATUS_INDEX_NOT_FOUND,    /* no index at that path */
    GAZETTE_STATUS_INDEX_CORRUPT,      /* the index is damaged */
    GAZETTE_STATUS_INDEX_VERSION,      /* index format not supported */
    GAZETTE_STATUS_INDEX_LOCKED,       /* a writer holds the index */
    GAZETTE_STATUS_INDEX_MODIFIED,     /* changed under us; retry failed */
    GAZETTE_STATUS_QUERY_SYNTAX,       /* the query string is malformed */
    GAZETTE_STATUS_IO_ERROR,           /* read error, network error */
    GAZETTE_STATUS_INTERNAL_ERROR      /* anything else (a bug) */
} gazette_status_t;

/* A short lower-case description ("query syntax error"); never NULL. */
const char *gazette_status_to_string(gazette_status_t status);

/* ---------------------------------------------------------------- index */

typedef struct gazette_index gazette_index_t;

/* Open the index at `path` for searching.
 *
 * On success *out is a new handle (free with gazette_index_close).
 * On failure *out is set to NULL (when `out` is not NULL) and
 * gazette_last_open_error() explains the failure in one line.
 *
 * Returns OK, INVALID_ARGUMENT, OUT_OF_MEMORY, INDEX_NOT_FOUND (nothing at
 * `path`), INDEX_CORRUPT (something at `path` that does not open as an
 * index), INDEX_VERSION (an index of a newer Gazette, or stemmed in a
 * language this Xapian lacks), IO_ERROR. */
gazette_status_t gazette_index_open(const char *path, gazette_index_t **out);

/* One-line explanation of the last gazette_index_open failure on the
 * calling thread ("" when none). Borrowed; valid until the next open. */
const char *gazette_last_open_error(void);

/* Close and free the index. Results already obtained stay valid. */
void gazette_index_close(gazette_index_t *index);

/* One-line explanation of the last failure on `index` ("" when none).
 * Borrowed; valid until the next call on `index`. */
const char *gazette_index_error(const gazette_index_t *index);

/* Number of articles in the index (reopened at its latest revision first).
 * Returns OK, INVALID_ARGUMENT, OUT_OF_MEMORY, INDEX_NOT_FOUND,
 * INDEX_CORRUPT or IO_ERROR. */
gazette_status_t gazette_index_article_count(gazette_index_t *index,
                                             uint64_t *out);

/* -------------------------------------------------------------- options */

typedef struct gazette_search_options gazette_search_options_t;

/* New options with the defaults: offset 0, limit 10, snippets of about
 * 200 bytes with no highlight markers. Returns OK or OUT_OF_MEMORY. */
gazette_status_t gazette_search_options_new(gazette_search_options_t **out);
void gazette_search_options_free(gazette_search_options_t *opts);

/* Skip the first `offset` hits and return at most `limit` (limit 0 = only
 * count). Returns OK or INVALID_ARGUMENT (limit over GAZETTE_MAX_LIMIT). */
#define GAZETTE_MAX_LIMIT 100000u
gazette_status_t gazette_search_options_set_range(
    gazette_search_options_t *opts, uint32_t offset, uint32_t limit);

/* Markers put around matched words in snippets (NULL = none). The strings
 * are copied. `length` is the snippet size to aim for in bytes (0 = no
 * snippets at all). Returns OK, INVALID_ARGUMENT or OUT_OF_MEMORY. */
gazette_status_t gazette_search_options_set_snippet(
    gazette_search_options_t *opts, size_t length, const char *hi_start,
    const char *hi_end);

/* Result order. */
typedef enum gazette_sort {
    GAZETTE_SORT_RELEVANCE = 0,   /* best match first (default) */
    GAZETTE_SORT_DATE,            /* newest first, ties by relevance */
    GAZETTE_SORT_DATE_ASC         /* oldest first, ties by relevance */
} gazette_sort_t;

/* Returns OK or INVALID_ARGUMENT (unknown sort). */
gazette_status_t gazette_search_options_set_sort(
    gazette_search_options_t *opts, gazette_sort_t sort);

/* match_all non-zero: free-text words must all occur (default operator
 * AND); zero (default): best match, any word may match (OR). */
gazette_status_t gazette_search_options_set_match_all(
    gazette_search_options_t *opts, int match_all);

/* collapse non-zero (default): articles with the same normalised text
 * (lower-cased, punctuation and white space folded) are shown once, the
 * best-ranked copy; gazette_hit_duplicates() tells how many were hidden.
 * Zero shows every copy. */
gazette_status_t gazette_search_options_set_collapse_duplicates(
    gazette_search_options_t *opts, int collapse);

/* spelling non-zero (default): when a query word is absent from the index
 * and a close word is in it, gazette_results_suggestion() gives the
 * corrected query. The search itself always runs the query as typed. */
gazette_status_t gazette_search_options_set_spelling(
    gazette_search_options_t *opts, int spelling);

/* Facets: counts of field values over the whole match set (not only the
 * returned page). When duplicates are collapsed, each normalised text
 * counts once, like the hits. */
typedef enum gazette_facet {
    GAZETTE_FACET_SOURCE = 0,
    GAZETTE_FACET_YEAR,
    GAZETTE_FACET_TAG,       /* lower-cased tags */
    GAZETTE_FACET_ENTITY,    /* lower-cased entity names */
    GAZETTE_FACET_AUTHOR,    /* lower-cased author names */
    GAZETTE_FACET_COUNT_     /* number of facet kinds, not a facet */
} gazette_facet_t;

/* The name used on the command line and in JSON ("source", "year", "tag",
 * "entity", "author"), or NULL for an invalid value. */
const char *gazette_facet_name(gazette_facet_t facet);

/* Ask for `facet` to be counted (adding one twice counts it once).
 * Returns OK or INVALID_ARGUMENT. */
gazette_status_t gazette_search_options_add_facet(
    gazette_search_options_t *opts, gazette_facet_t facet);

/* explain non-zero: record for each hit the query terms it matched
 * (gazette_hit_matching_terms). Default zero. */
gazette_status_t gazette_search_options_set_explain(
    gazette_search_options_t *opts, int explain);

/* --------------------------------------------------------------- search */

typedef struct gazette_results gazette_results_t;
typedef struct gazette_hit gazette_hit_t;

/* Run `query` against `index`. Gazette query syntax: free text;
 * "phrases"; a NEAR b, a NEAR/n b, a ADJ b, a ADJ/n b (within n words,
 * ADJ in order); AND, OR, NOT, XOR (operators in capitals); +word, -word;
 * parentheses; trailing-* wildcards (word*, bounded expansion); fields
 * title:, author: (free text), source:, tag:, entity:, url:, id:, year:
 * (exact filters); date:START..END with dates YYYY-MM-DD, YYYY-MM or YYYY
 * and either end open. Words are matched whatever their case (all-capitals
 * words are stemmed like lower-case ones).
 *
 * Malformed queries: an unclosed quote is ignored and unbalanced
 * parentheses are read leniently; a dangling operator ("foo AND"), a bad
 * date, a wildcard matching too many words or a query with nothing to
 * search for ("", "title:") give QUERY_SYNTAX with a one-line reason.
 *
 * `opts` may be NULL for the defaults. On success *out is a new result set
 * (free with gazette_results_free), possibly with zero hits. If the index
 * was modified by a writer during the search, the search is reopened and
 * retried before giving up with INDEX_MODIFIED.
 *
 * Returns OK, INVALID_ARGUMENT, OUT_OF_MEMORY, QUERY_SYNTAX,
 * INDEX_MODIFIED, INDEX_CORRUPT, IO_ERROR; the message is in
 * gazette_index_error(index). */
gazette_status_t gazette_search(gazette_index_t *index, const char *query,
                                const gazette_search_options_t *opts,
                                gazette_results_t **out);

void gazette_results_free(gazette_results_t *results);

/* Xapian's description of the query as parsed ("Query((zgaza@1 OR ...))").
 * Borrowed, never NULL. */
const char *gazette_results_parsed_query(const gazette_results_t *results);

/* The spelling-corrected query ("" when none or spelling is off): the
 * query as typed with the misspelt words replaced (in lower case). */
const char *gazette_results_suggestion(const gazette_results_t *results);

/* Wall time spent in gazette_search, in milliseconds. */
double gazette_results_milliseconds(const gazette_results_t *results);

/* Number of distinct values counted for `facet` (0 when not requested). */
size_t gazette_results_facet_count(const gazette_results_t *results,
                                   gazette_facet_t facet);

/* Value `i` of `facet`, most frequent first (ties in byte order): *value
 * (borrowed) and *count (articles). Returns OK or INVALID_ARGUMENT when `i`
 * is out of range. */
gazette_status_t gazette_results_facet_value(const gazette_results_t *results,
                                             gazette_facet_t facet, size_t i,
                                             const char **value,
                                             uint64_t *count);

/* Number of hits in this page of results (at most the limit). */
size_t gazette_results_count(const gazette_results_t *results);

/* Xapian's estimate of all matches, with its lower and upper bounds (any of
 * the pointers may be NULL). */
void gazette_results_estimate(const gazette_results_t *results,
                              uint64_t *lower, uint64_t *estimate,
                              uint64_t *upper);

/* Hit `i` (0-based, below gazette_results_count), or NULL when out of
 * range. Borrowed from `results`. */
const gazette_hit_t *gazette_results_hit(const gazette_results_t *results,
                                         size_t i);

/* Accessors. Strings are borrowed from the result set, never NULL ("" when
 * the article has no such field). */
const char *gazette_hit_id(const gazette_hit_t *hit);     /* path[#id] */
const char *gazette_hit_path(const gazette_hit_t *hit);   /* file, rel. */
const char *gazette_hit_title(const gazette_hit_t *hit);
const char *gazette_hit_date(const gazette_hit_t *hit);   /* YYYY-MM-DD */
const char *gazette_hit_source(const gazette_hit_t *hit);
const char *gazette_hit_author(const gazette_hit_t *hit);
const char *gazette_hit_url(const gazette_hit_t *hit);
/* Plain-text snippet with the option's markers around matches. */
const char *gazette_hit_snippet(const gazette_hit_t *hit);
uint32_t gazette_hit_rank(const gazette_hit_t *hit);      /* 1-based */
double gazette_hit_weight(const gazette_hit_t *hit);
int gazette_hit_percent(const gazette_hit_t *hit);

/* Tags and entities as stored: count, and the i-th (borrowed, NULL when out
 * of range). Entities come from the `entities` field of an index that
 * records them (none otherwise). */
size_t gazette_hit_tag_count(const gazette_hit_t *hit);
const char *gazette_hit_tag(const gazette_hit_t *hit, size_t i);
size_t gazette_hit_entity_count(const gazette_hit_t *hit);
const char *gazette_hit_entity(const gazette_hit_t *hit, size_t i);

/* The snippet without markers, and the matched words in it: pair i is
 * [start, end) byte offsets into gazette_hit_plain_snippet(). */
const char *gazette_hit_plain_snippet(const gazette_hit_t *hit);
size_t gazette_hit_highlight_count(const gazette_hit_t *hit);
void gazette_hit_highlight(const gazette_hit_t *hit, size_t i, size_t *start,
                           size_t *end);

/* Number of near-identical articles hidden behind this hit (0 unless
 * duplicates are collapsed). */
uint32_t gazette_hit_duplicates(const gazette_hit_t *hit);

/* With explain on: the query terms this article matched, space-separated
 * in query order, as index terms (Z prefix = stem, S = title, ...); ""
 * otherwise. */
const char *gazette_hit_matching_terms(const gazette_hit_t *hit);

/* With explain on: the number of query terms this article matched (0
 * otherwise). */
size_t gazette_hit_term_count(const gazette_hit_t *hit);

/* With explain on: matched term `i` (index form, as in
 * gazette_hit_matching_terms) and, in *weight (may be NULL), the weight
 * that term alone gives this article under the same ranking. The hit's
 * weight is their sum plus what pseudo-relevance feedback added; boolean
 * filters (source:, tag:, ...) weigh 0. Returns NULL when `i` is out of
 * range. Borrowed from the result set. */
const char *gazette_hit_term(const gazette_hit_t *hit, size_t i,
                             double *weight);

#ifdef __cplusplus
}
#endif

#endif /* GAZETTE_H */
