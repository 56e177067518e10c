/*
 * search_private.h - the search side of libgazette: the index handle, the
 * search options, result sets and hits, and the steps of a search, one
 * file each (index.c, options.c, search.c, spelling.c, facets.c,
 * results.c, explain.c). Private: not installed.
 */
#ifndef GAZETTE_SEARCH_PRIVATE_H
#define GAZETTE_SEARCH_PRIVATE_H

#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "gazette_private.h"
#include "schema.h"
#include "snippet.h"
#include "tries.h"
#include "xapian_shim.h"

/* Number of facet kinds (gazette_facet_t values 0 .. GZ_FACET_KINDS-1). */
#define GZ_FACET_KINDS 5

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

/* One index location of a handle (locations.c). */
typedef struct gz_location {
    char *name;            /* as given: a path, or tcp://HOST:PORT */
    char *host;            /* remote: HOST; NULL for a path */
    unsigned port;
    int remote;            /* served by a server, or a stub naming one */
    ino_t stub_inode;      /* inode of the stub file at a path, or 0 */
    xap_database *db;      /* this location alone; NULL: unavailable */
    size_t shards;         /* Xapian databases it holds */
    double retry_at;       /* unavailable: when to try it again */
    char *why;             /* unavailable: why */
    struct gz_location *parts;  /* a stub file opened line by line
                                   (partial opening; one that did not
                                   open whole, or names a server): its
                                   lines; db is those available */
    size_t nparts;
} gz_location;

/* The lock of a handle, shared with the result sets it made: their
 * match sets hold Xapian objects of the handle (its database), whose
 * reference counts are not atomic, so releasing them or making a snippet
 * from them must not overlap a call on the handle in another thread.
 * Freed with the last of the handle and its result sets. */
typedef struct gz_handle_lock {
    pthread_mutex_t mutex;
    unsigned refs;         /* the handle and its result sets alive; under
                              the mutex */
} gz_handle_lock;

/* A new lock, held by one (the handle); NULL when out of memory. */
gz_handle_lock *gz_handle_lock_new(void);
/* Let go of `lock` (NULL: nothing): freed once nobody holds it. */
void gz_handle_lock_release(gz_handle_lock *lock);

struct gazette_index {
    gz_handle_lock *guard; /* serialises every call on the handle */
    xap_database *db;      /* the available locations as one */
    gz_location *locations;
    size_t nlocations;
    unsigned flags;        /* GAZETTE_OPEN_* */
    size_t *shard_owner;   /* shard of index->db -> location */
    size_t nshards;
    char warning[1024];    /* locations left out ("" when none) */
    char failure[1024];    /* the last refresh's failure, naming the
                              location ("" when none) */
    gazette_status_t failure_status;
    char *language;        /* the indexes' stemming language */
    int locations_stale;   /* opening the locations afresh failed: their
                              handles (what location_available reports)
                              no longer match db, which every refresh
                              then opens afresh until it can */
    int language_stale;    /* the locations were opened afresh but their
                              language could not be taken on: every
                              refresh opens them afresh until it can */
    /* Every shard of index->db records CJK n-grams (schema.h,
     * GZ_META_CJK_NGRAMS): queries and snippets read CJK text as
     * n-grams. Read by gz_index_cjk_ngrams when stale: after the
     * locations are (re)opened and when a refresh finds a new revision
     * (the first commit of a new index records it). */
    int cjk_ngrams;
    int cjk_stale;
    /* When some shards record CJK n-grams and others do not (indexes of
     * both forms searched together): the location of the first without,
     * named in the warning of a search with CJK text; else -1. */
    long cjk_whole_at;
    xap_stem *stem;
    xap_queryparser *qp;
    gz_capitals_ctx capitals[GZ_CAPITALS_FIELDS];
    size_t ncapitals;
    /* The words of the capitals fields of the last parse, with the
     * weight their matches got from the markers (< 0: from the plain
     * word), for --explain (capitals.c); under the lock,
     * reset at each parse. */
    gz_capitals_word scales[GZ_CAPITALS_SCALES];
    size_t nscales;
    /* The first failed read of gz_capitals_field in the normalisation
     * of a query (capitals.c), which fails its parse; XAP_OK when none. */
    xap_status caps_status;
    /* The last parse left no query (only signs, '*' or punctuation): its
     * XAP_ERR_QUERY_PARSE is "nothing to search for" (search.c). */
    int parsed_nothing;
    /* The last parse had an entity: filter (aliases.c), which the
     * search's warning notes over an index without head terms. */
    int entity_asked;
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
    int feedback;
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
    size_t location;              /* results->locations[location] */
    uint32_t mset_index;          /* its place in results->mset */
    int snippet_made;             /* snippet fields filled (or failed) */
    char *data;          /* decoded in place; the fields point into it */
    gz_docdata fields;
    item_list tags, entities;
    item_list authors;   /* the names of `authors=`, else the byline */
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
    const char *value;   /* in its facet_counts' text */
    uint64_t count;
} facet_value;

typedef struct facet_counts {
    facet_value *values;
    size_t count;
    char *text;          /* every value's text, each NUL-terminated */
} facet_counts;

/* What a hit's snippet is made from, when it is first asked for
 * (results.c): the match set (which keeps Xapian's query and statistics
 * alive, and reads no index to make a snippet), a stemmer of the index's
 * language of its own, the words to look for, the options' markers, and a
 * copy of the parse's capitals words (the handle's table belongs to its
 * next search by then). */
typedef struct snippet_source {
    xap_mset *mset;
    char *language;
    unsigned flags;           /* XAP_SNIPPET_CJK_NGRAM for an index of
                                 CJK n-grams, else 0 */
    xap_stem *stem;           /* made at the first snippet */
    gz_snippet_words words;
    /* When the query searched the title (title:): a match set of its
     * title words as body words, and their words (results.c); NULL and
     * empty otherwise, when titles are highlighted as bodies are. */
    xap_mset *title_mset;
    gz_snippet_words title_words;
    size_t length;            /* 0: no snippets */
    char *hi_start, *hi_end;
} snippet_source;

struct gazette_results {
    gazette_hit_t *hits;
    size_t count;
    snippet_source snippets;
    gz_handle_lock *guard; /* the handle's, while snippets holds its
                              match sets (NULL: none) */
    char **locations;      /* the handle's locations, copied */
    size_t nlocations;
    char *warning;         /* locations left out ("" when none) */
    uint64_t lower, estimate, upper;
    char *parsed;
    char *suggestion;
    double milliseconds;
    facet_counts facets[GZ_FACET_KINDS];
};


/* locations.c: the handle's index locations (see there). */
/* Copy and parse `names`; -1 with `why` when one is malformed. */
int gz_locations_init(gazette_index_t *index, const char *const *names,
                      size_t n, unsigned flags, char *why, size_t whylen);
/* Open every location (leaving out unavailable ones when the flags allow)
 * and combine them into index->db. On failure *failed is the location
 * and `why` says why. */
xap_status gz_locations_open(gazette_index_t *index, size_t *failed,
                             char *why, size_t whylen);
void gz_locations_free(gazette_index_t *index);
/* 0 when no local database is reached twice through the locations (by
 * their paths and the stubs on the way, whatever the spelling), and no
 * server is given or listed twice (tcp://HOST:PORT or a stub's "remote
 * HOST:PORT", HOST as written, without IPv6 brackets); else `why`
 * names it: 1 when one location's stubs reach it twice (*failed is that
 * location), 2 when two locations reach it. */
int gz_locations_reach_twice(const gazette_index_t *index, size_t *failed,
                             char *why, size_t whylen);
/* The public status for a failure to open `loc`. */
gazette_status_t gz_location_status(xap_status s, const gz_location *loc);
/* After every location was opened afresh (a rebuild replaced a stub,
 * and may have changed the language: `gazette-index --full -l french`),
 * read the language again and give the query parser its stemmer; on
 * failure the handle keeps the one it had and `why` says why
 * (XAP_ERR_DB_VERSION: a language this Xapian lacks; XAP_ERR_INVALID_ARG:
 * indexes searched together no longer share one). */
xap_status gz_index_stem_again(gazette_index_t *index, char *why,
                               size_t whylen);
/* Move index->db to the latest committed revision of every location. On
 * failure index->failure names the location that failed. */
xap_status gz_index_refresh(gazette_index_t *index);
/* index->cjk_ngrams and index->cjk_whole_at, read again from every
 * shard when stale: 1 when each records GZ_META_CJK_NGRAMS (a remote
 * shard whose metadata cannot be read counts as without).
 * XAP_ERR_NETWORK when a remote shard does not answer, as its search
 * would; another failure of a local one. */
xap_status gz_index_cjk_ngrams(gazette_index_t *index);
/* A search failed with a network error: open the locations again, leaving
 * out (when allowed) the one that stopped answering. XAP_OK means search
 * again; otherwise index->failure says which location failed. */
xap_status gz_locations_lost_one(gazette_index_t *index);
/* The location a hit with `docid` (of index->db) came from, its number in
 * *which. */
const char *gz_location_of(const gazette_index_t *index, xap_docid docid,
                           size_t *which);
/* SIGPIPE blocked on the calling thread while it talks to remote
 * indexes (locations.c explains why). */
typedef struct gz_sigpipe {
    int blocked;
    sigset_t old_mask, pending_before;
} gz_sigpipe;
/* Block when one of `locations` is remote. */
void gz_sigpipe_block(const char *const *locations, size_t n,
                      gz_sigpipe *state);
/* 1 when a location of index->db (one available) is served by a
 * server. */
int gz_index_searches_remote(const gazette_index_t *index);
/* Block when one of the handle's locations is remote. */
void gz_index_sigpipe_block(const gazette_index_t *index, gz_sigpipe *state);
void gz_sigpipe_restore(gz_sigpipe *state);
/* Record the damaged-index message (gz_damage_message) of the index's
 * locations, Xapian having said `said`; returns INDEX_CORRUPT. */
gazette_status_t gz_index_damaged(gazette_index_t *index, const char *said);

/* Report failure `s` of `what` on the thread's message: index->failure
 * when it names the failed location, else the shim's message. */
gazette_status_t gz_index_fail(gazette_index_t *index, xap_status s,
                               const char *what);

/* options.c: the options used when a search is given none. */
extern const gazette_search_options_t gz_default_search_options;

/* spelling.c: the "did you mean" suggestion for `query` as typed
 * (r->suggestion; left NULL when no word needs correcting or writing as
 * a field). */
xap_status gz_suggest(gazette_index_t *index, const char *query,
                      gazette_results_t *r);
/* spelling.c: the author's word nearest the misspelt `word` (lower
 * case, accents folded), a slip or two away and in the most articles,
 * from the first `visited_at_most` authors' words with its first letter
 * (gz_suggest's bound; a test lowers it): a new string in *out, or NULL
 * (always over a remote index). */
xap_status gz_nearest_author_word(gazette_index_t *index, const char *word,
                                  size_t visited_at_most, char **out);

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
/* The weight the last parse gave that word's match (0 when `term` is no
 * such word): what an article in capitals, which matched it by the plain
 * word, got for it. */
double gz_capitals_plain_weight(const gazette_index_t *index,
                                const char *term);

/* hyphens.c: a word of a phrase that the query writes as a joined word
 * ("e-mail", "title:anti-terror"; not quoted) is also searched as the
 * other words of the index with its stem that start as it does, at most
 * GZ_MAX_WORD_FORMS forms in all (the word as written and the first
 * others in byte order), weighed as one word (xap_query_phrase_forms).
 * Replaces *q (made by parsing `text`) when it has such a word; a failed
 * read of the index's words is the parse's failure. */
#define GZ_MAX_WORD_FORMS 16
xap_status gz_hyphen_forms(gazette_index_t *index, const char *text,
                           xap_query **q);

/* aliases.c: entity: filters that also find the entity's aliases (the
 * index's entity aliases file); registered on index->qp. */
xap_status gz_aliases_setup(gazette_index_t *index);
/* The synonyms the index stores for `key` (a word, or "Z" + its stem),
 * joined by OP_SYNONYM, in *out; NULL when it has none. */
xap_status gz_synonyms_of(const gazette_index_t *index, const char *key,
                          xap_query **out);

/* facets.c: the match spies that count facets over a whole match set. */
typedef struct facet_spies {
    xap_valuecount_spy *values[GZ_FACET_KINDS];
    xap_termcount_spy *terms[GZ_FACET_KINDS];
    /* what gives the exact count when duplicates are collapsed: one of
     * the facets' spies (each counts an article once), NULL otherwise */
    const xap_valuecount_spy *value_counter;
    const xap_termcount_spy *term_counter;
    /* the entity aliases of the index searched (facets.c), which the
     * entity facet's key function reads: NULL without the facet */
    struct entity_keys *entity_keys;
} facet_spies;
/* Attach to `enq` a spy for each facet of `o`: the source, year and
 * entity facets read a value slot; the tag and author facets read their
 * facet lists (schema.h) when every shard of every location of `index`
 * has them, else
 * each match's terms, which xapian-tcpsrv cannot count: then over a
 * remote index XAP_ERR_UNIMPLEMENTED, with index->failure saying why. */
xap_status gz_facets_attach(gazette_index_t *index, xap_enquire *enq,
                            const gazette_search_options_t *o,
                            facet_spies *sp);
/* The counts into r->facets; when duplicates are collapsed, *matches
 * becomes the exact number of matches (articles a spy counted once per
 * duplicate group), which Xapian only bounds; else it is left as is. */
xap_status gz_facets_read(const facet_spies *sp, gazette_results_t *r,
                          uint32_t *matches);
/* After the page's match on `enq` (the query `ranked` with feedback,
 * sorted and collapsed as the hits are; `path_ties`: hits of equal
 * weight by path, gz_ranking_ties_by_path): where the spies counted one
 * copy of an article with duplicates and the hits show another that
 * counts differently, count the one shown instead. `enq` then has
 * `restore` as its query, collapsing as before. Local indexes only (a
 * remote server counts every copy). */
xap_status gz_facets_count_shown(gazette_index_t *index, xap_enquire *enq,
                                 const xap_query *ranked,
                                 const xap_query *restore,
                                 const gazette_search_options_t *o,
                                 int path_ties, facet_spies *sp);
void gz_facets_free(facet_spies *sp);

/* copies.c: the copy each hit of a page shows. The copies of an article
 * whose weights are equal up to a last-bit difference (Xapian adds the
 * terms' weights in an order of its own per shard) are tied, and the
 * tie goes to the smallest path, however the archive is split. */
#define GZ_COPY_OWN UINT32_MAX
typedef struct gz_copies {
    xap_mset *ties;   /* the matches holding the copies (NULL: none) */
    uint32_t *at;     /* per hit, its copy's index in ties, or GZ_COPY_OWN */
    uint32_t *copies; /* per hit, the copies it hides, found in ties (some
                       * Xapian dropped unseen), or GZ_COPY_OWN: its
                       * collapse count's */
} gz_copies;
/* After the page's match on `enq` (collapsed on GZ_SLOT_DEDUP, by
 * relevance): for the `n` hits at indexes at[] of `mset`, in rank order,
 * the copy each shows into *c (c->at NULL when every hit keeps its own)
 * and, when Xapian dropped some unseen, how many copies it hides;
 * `enq` collapses as before. Free with gz_copies_free. */
xap_status gz_copies_settle(xap_enquire *enq, const xap_mset *mset,
                            const uint32_t *at, size_t n, gz_copies *c);
void gz_copies_free(gz_copies *c);
/* 1 when a copy of weight `w` ties with the best-ranked copy of its
 * article, of weight `of`, as gz_copies_settle decides: then the one
 * whose path sorts first is shown. */
int gz_copies_tied(double w, double of);

/* results.c: fill `hit` from document `i` of `mset` (its snippet is made
 * when first asked for, from r->snippets). */
xap_status gz_hit_fill(gazette_index_t *index, const xap_enquire *enq,
                       const xap_mset *mset, uint32_t i,
                       const gazette_search_options_t *o, gazette_hit_t *hit);

/* results.c: keep what snippets are made from in r->snippets: `mset`
 * (taken over by `r`), the words of the user's query `q` (whose text had
 * a wildcard when `wildcard`) less those it excludes, the options'
 * length and markers. `q` stays the caller's. */
xap_status gz_results_keep_snippets(gazette_results_t *r,
                                    const gazette_index_t *index,
                                    xap_mset *mset, const xap_query *q,
                                    int wildcard,
                                    const gazette_search_options_t *o);

/* results.c: after the match, set on `enq` (the enquire the page's match
 * set came from) the parts of the user's query `q` it does not exclude,
 * which the match set's snippets and the hits' matching terms then read
 * (results.c, "Excluded words"). `q` stays the caller's. */
xap_status gz_enquire_show_wanted(xap_enquire *enq, const xap_query *q);

/* results.c: once the hits' matching terms are read, set on `enq` what
 * gz_enquire_show_wanted sets and, for the snippets alone, the phrase and
 * NEAR words of `q` as possessives ("Tony Blair's" for "Tony Blair", which
 * the index matches: indexer/analyze.c). `q` stays the caller's. */
xap_status gz_enquire_show_for_snippets(xap_enquire *enq, const xap_query *q);

/* explain.c: the matching words of hit `i` and each one's weight. */
xap_status gz_hit_explain(gazette_index_t *index, const xap_enquire *enq,
                          const xap_mset *mset, uint32_t i,
                          gazette_hit_t *hit);

#endif
