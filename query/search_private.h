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
#include "xapian_shim.h"

/* Number of facet kinds (gazette_facet_t values 0 .. GZ_FACET_KINDS-1). */
#define GZ_FACET_KINDS 5

/* A search that a writer's commits overtake (DatabaseModifiedError) is run
 * again from a fresh revision, up to this many times: a slow search on a
 * loaded machine during a reindex that commits every batch needs more
 * than two or three. */
#define MODIFIED_RETRIES 10
/* A trailing-* wildcard may stand for at most this many words; broader
 * ones are refused with a message asking for a longer stem. */
#define MAX_WILDCARD_EXPANSION 1000u

/* The context of one capitals field's query callback (capitals.c). */
typedef struct gz_capitals_ctx {
    gazette_index_t *index;
    const char *name;      /* the field, from gz_fields[] */
} gz_capitals_ctx;
#define GZ_CAPITALS_FIELDS 4
#define GZ_CAPITALS_SCALES 16
typedef struct gz_capitals_word {
    char term[64];
    double factor;
} gz_capitals_word;

struct gazette_index {
    pthread_mutex_t lock;  /* serialises every call on the handle */
    xap_database *db;
    char *path;            /* as opened, to reopen after a --full switch */
    ino_t stub_inode;      /* inode of the stub file at path, or 0 */
    xap_stem *stem;
    xap_queryparser *qp;
    gz_capitals_ctx capitals[GZ_CAPITALS_FIELDS];
    size_t ncapitals;
    /* The words of the capitals fields of the last parse, with the
     * weight their matches got from the markers (< 0: from the plain
     * word), for --explain and highlights (capitals.c); under the lock,
     * reset at each parse. */
    gz_capitals_word scales[GZ_CAPITALS_SCALES];
    size_t nscales;
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
    char *data;          /* decoded in place; the fields point into it */
    gz_docdata fields;
    item_list tags, entities;
    char *snippet;       /* with the caller's markers */
    char *plain;         /* without markers */
    size_t *highlights;  /* 2 * nhighlights offsets into plain */
    size_t nhighlights;
    size_t *title_highlights;   /* 2 * n offsets into fields.title */
    size_t ntitle_highlights;
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

struct gazette_results {
    gazette_hit_t *hits;
    size_t count;
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

/* spelling.c: the "did you mean" suggestion for `query` as typed
 * (r->suggestion; left NULL when no word needs correcting). */
xap_status gz_suggest(gazette_index_t *index, const char *query,
                      gazette_results_t *r);

/* capitals.c: how to search a query word in capitals (a
 * gz_caps_known_fn with the index as ctx); register the capitals fields'
 * callbacks on index->qp; the weight the last parse gave a match of the
 * capitals marker `term` (-1 when `term` is no such marker). */
const char *gz_capitals_field(const char *w, size_t n, void *ctx);
xap_status gz_capitals_setup(gazette_index_t *index);
double gz_capitals_weight(const gazette_index_t *index, const char *term);
/* 1 when `term` is the plain word of a capitals field of the last parse
 * that weighs nothing there (it is in the query for the highlights). */
int gz_capitals_plain_word(const gazette_index_t *index, const char *term);
/* Drop from the `n` highlight pairs `hl` of `plain` those of a word of a
 * capitals field written in lower case ("it" for the query "IT"): returns
 * how many are left (moved to the front). */
size_t gz_capitals_filter_highlights(const gazette_index_t *index,
                                     const char *plain, size_t *hl, size_t n);

/* aliases.c: entity: filters that also find the entity's aliases (the
 * index's entity aliases file); registered on index->qp. */
xap_status gz_aliases_setup(gazette_index_t *index);

/* facets.c: the match spies that count facets over a whole match set. */
typedef struct facet_spies {
    xap_valuecount_spy *values[GZ_FACET_KINDS];
    xap_termcount_spy *terms[GZ_FACET_KINDS];
    xap_valuecount_spy *dedup;   /* the duplicate keys: an exact count */
} facet_spies;
xap_status gz_facets_attach(xap_enquire *enq,
                            const gazette_search_options_t *o,
                            facet_spies *sp);
/* The counts, and the exact number of matches (r->lower, r->estimate and
 * r->upper) when any facet was counted: Xapian only bounds it when
 * duplicates are collapsed. */
xap_status gz_facets_read(const facet_spies *sp, gazette_results_t *r);
void gz_facets_free(facet_spies *sp);

/* results.c: fill `hit` from document `i` of `mset`. */
xap_status gz_hit_fill(gazette_index_t *index, const xap_enquire *enq,
                       const xap_mset *mset, uint32_t i,
                       const gazette_search_options_t *o, gazette_hit_t *hit);

/* explain.c: the matching words of hit `i` and each one's weight. */
xap_status gz_hit_explain(gazette_index_t *index, const xap_enquire *enq,
                          const xap_mset *mset, uint32_t i,
                          gazette_hit_t *hit);

#endif
