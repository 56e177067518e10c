/*
 * search_private.h - the search side of libgazette: the index handle, the
 * search options, result sets and hits, and the steps of a search, one
 * file each (index.c, options.c, search.c, spelling.c, facets.c,
 * results.c, explain.c). Private: not installed.
 */
#ifndef GAZETTE_SEARCH_PRIVATE_H
#define GAZETTE_SEARCH_PRIVATE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "gazette_private.h"
#include "schema.h"
#include "snippet.h"
#include "xapian_shim.h"

/* Number of facet kinds (gazette_facet_t values 0 .. GZ_FACET_KINDS-1). */
#define GZ_FACET_KINDS 5

#define MODIFIED_RETRIES 3
/* A trailing-* wildcard may stand for at most this many words; broader
 * ones are refused with a message asking for a longer stem. */
#define MAX_WILDCARD_EXPANSION 1000u

struct gazette_index {
    pthread_mutex_t lock;  /* serialises every call on the handle */
    xap_database *db;
    char *path;            /* as opened, to reopen after a --full switch */
    ino_t stub_inode;      /* inode of the stub file at path, or 0 */
    char *language;        /* the index's stemming language */
    xap_stem *stem;
    xap_queryparser *qp;
};

struct gazette_search_options {
    uint32_t offset;
    uint32_t limit;
    size_t snippet_length;
    char *hi_start;
    char *hi_end;
    gazette_sort_t sort;
    int match_all;
    int collapse;
    int spelling;
    int explain;
    int facets[GZ_FACET_KINDS];   /* non-zero: count this facet */
};

/* A comma-separated docdata field split into its items (in place). */
typedef struct item_list {
    const char **items;
    size_t count;
} item_list;

struct gazette_hit {
    gazette_results_t *results;   /* the result set it belongs to */
    uint32_t mset_index;          /* its place in results->mset */
    int snippet_made;             /* snippet fields filled (or failed) */
    char *data;          /* decoded in place; the fields point into it */
    gz_docdata fields;
    item_list tags, entities;
    char *snippet;       /* with the caller's markers */
    char *plain;         /* without markers */
    size_t *highlights;  /* 2 * nhighlights offsets into plain */
    size_t nhighlights;
    char *matching_terms;
    char **terms;        /* the same terms one by one (explain) */
    size_t nterms;
    double *term_weights;
    uint32_t rank;
    uint32_t duplicates;
    double weight;
    int percent;
};

typedef struct facet_value {
    char *value;
    uint64_t count;
} facet_value;

typedef struct facet_counts {
    facet_value *values;
    size_t count;
} facet_counts;

/* What a hit's snippet is made from, when it is first asked for
 * (results.c): the match set (which keeps Xapian's query and statistics
 * alive, and reads no index to make a snippet), a stemmer of the index's
 * language of its own, the words to look for, the options' markers. */
typedef struct snippet_source {
    xap_mset *mset;
    char *language;
    xap_stem *stem;           /* made at the first snippet */
    gz_snippet_words words;
    size_t length;            /* 0: no snippets */
    char *hi_start, *hi_end;
} snippet_source;

struct gazette_results {
    gazette_hit_t *hits;
    size_t count;
    snippet_source snippets;
    uint64_t lower, estimate, upper;
    char *parsed;
    char *suggestion;
    double milliseconds;
    facet_counts facets[GZ_FACET_KINDS];
};


/* index.c: move index->db to the latest committed index (see there). */
xap_status gz_index_refresh(gazette_index_t *index);

/* options.c: the options used when a search is given none. */
extern const gazette_search_options_t gz_default_search_options;

/* spelling.c: the "did you mean" suggestion for `query`, normalised as
 * `text` and just parsed with index->qp (r->suggestion; NULL when none). */
xap_status gz_suggest(gazette_index_t *index, const char *query,
                      const char *text, gazette_results_t *r);
/* The same for a query that was parsed in pieces: parse `text` whole with
 * `flags` first. */
xap_status gz_suggest_whole(gazette_index_t *index, const char *query,
                            const char *text, unsigned flags,
                            gazette_results_t *r);

/* facets.c: the match spies that count facets over a whole match set. */
typedef struct facet_spies {
    xap_valuecount_spy *values[GZ_FACET_KINDS];
    xap_termcount_spy *terms[GZ_FACET_KINDS];
} facet_spies;
xap_status gz_facets_attach(xap_enquire *enq,
                            const gazette_search_options_t *o,
                            facet_spies *sp);
xap_status gz_facets_read(const facet_spies *sp, gazette_results_t *r);
void gz_facets_free(facet_spies *sp);

/* results.c: fill `hit` from document `i` of `mset` (its snippet is made
 * when first asked for, from r->snippets). */
xap_status gz_hit_fill(gazette_index_t *index, const xap_enquire *enq,
                       const xap_mset *mset, uint32_t i,
                       const gazette_search_options_t *o, gazette_hit_t *hit);

/* results.c: keep what snippets are made from in r->snippets: `mset`
 * (taken over by `r`), the words of the user's query `q` (whose text had
 * a wildcard when `wildcard`), the options' length and markers. */
xap_status gz_results_keep_snippets(gazette_results_t *r,
                                    const gazette_index_t *index,
                                    xap_mset *mset, const xap_query *q,
                                    int wildcard,
                                    const gazette_search_options_t *o);

/* explain.c: the matching words of hit `i` and each one's weight. */
xap_status gz_hit_explain(gazette_index_t *index, const xap_enquire *enq,
                          const xap_mset *mset, uint32_t i,
                          gazette_hit_t *hit);

#endif
