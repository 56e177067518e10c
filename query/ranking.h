/*
 * ranking.h - how libgazette ranks hits (private to the library).
 *
 * The query parser (gazette.c) turns text into a xap_query; this module
 * owns everything that decides the order of the hits:
 *   - query text normalisation: a query typed in capitals is searched as
 *     if it were lower case (else Xapian leaves Capitalised words unstemmed
 *     and reads AND/OR/NOT as operators);
 *   - a query-time English stoplist (the index keeps every word, so a
 *     quoted phrase can still use "the");
 *   - the weighting scheme (BM25 with Gazette's parameters);
 *   - pseudo-relevance feedback: the best terms of the top documents of a
 *     first pass re-rank the query's matches with a lower weight (they
 *     never add hits).
 * The defaults were chosen on six judged collections (docs/relevance.md,
 * bench/relevance/). Nothing here prints.
 */
#ifndef GAZETTE_RANKING_H
#define GAZETTE_RANKING_H

#include "xapian_shim.h"

/* Every knob of the ranking. The library uses gz_ranking_defaults; the
 * tuning benchmark (bench/relevance) overrides them through
 * gz_ranking_set_params() when linked to the static library. */
typedef struct gz_ranking_params {
    double k1, b;            /* BM25 term-frequency saturation, length norm */
    double min_normlen;      /* BM25 floor on the length normalisation */
    double k3;               /* BM25 saturation of repeated query words */
    double delta;            /* BM25+ lower bound per matching term (0 = BM25) */
    int stopwords;           /* 1: drop English stopwords from queries */
    int fold_capitals;       /* 1: lower-case queries written in capitals */
    unsigned prf_docs;       /* feedback documents (0 = no feedback) */
    unsigned prf_terms;      /* expansion terms added */
    double prf_weight;       /* weight of the expansion relative to query */
    unsigned prf_min_docs;   /* an expansion term is in at least this many
                                of the feedback documents (at most all) */
} gz_ranking_params;

extern const gz_ranking_params gz_ranking_defaults;

/* Replace the parameters every later search uses (NULL = the defaults).
 * For benchmarks only: not thread-safe, not exported from libgazette.so. */
void gz_ranking_set_params(const gz_ranking_params *params);

/* Configure a query parser for ranking (the stoplist). Call once after
 * creating it. Returns XAP_OK or the shim's status. */
xap_status gz_ranking_setup_queryparser(xap_queryparser *qp);

/* Give `qp` the stoplist without the words listed in `keep` (one per
 * line; NULL or "" for the whole list): a word the query wrote in
 * capitals ("US", "IT", "WHO") is not the stopword. Call again with NULL
 * to restore the stoplist. Returns XAP_OK or the shim's status. */
xap_status gz_ranking_set_stoplist(xap_queryparser *qp, const char *keep);

/* The text to parse for the user's `query`: a new malloc()ed string in
 * *out (caller frees). Queries with letters but none in lower case are
 * lower-cased; others are copied unchanged. Returns XAP_OK or
 * XAP_ERR_NOMEM. */
xap_status gz_ranking_query_text(const char *query, char **out);

/* Set only the weighting scheme on `enq` (what gz_ranking_apply does
 * before the query). Returns XAP_OK or the shim's status. */
xap_status gz_ranking_set_weighting(xap_enquire *enq);

/* What feedback added to a search (gz_ranking_apply). */
typedef struct gz_feedback {
    xap_query *expansion;   /* the feedback terms; NULL: no feedback */
    double qmax;            /* the most weight the query alone can give
                               (0: it weighs nothing, filters alone; -1:
                               not known, no feedback was asked for) */
} gz_feedback;

/* Set the weighting scheme and the query to run on `enq`: the parsed query
 * `q`, AND_MAYBE its feedback terms when `feedback` is non-zero and the
 * ranking has feedback. Feedback first asks Xapian what weight `q` can
 * give (fb->qmax; a query that weighs nothing gets no feedback), then
 * runs a first match of `q` for the top params.prf_docs hits, skipping
 * what cannot reach them. `q`
 * stays owned by the caller and must outlive the search; free *fb with
 * gz_feedback_free. Returns XAP_OK or the shim's status;
 * XAP_ERR_DB_CORRUPT with gz_ranking_damage() set when a feedback
 * document's term list is damaged (Xapian's expansion would read past
 * it). */
xap_status gz_ranking_apply(xap_enquire *enq, const xap_query *q,
                            int feedback, gz_feedback *fb);

/* Sort by relevance on `enq`, hits of equal weight by file path (then in
 * document order, which is a file's order of articles). Returns XAP_OK or
 * the shim's status. */
xap_status gz_ranking_set_ties(xap_enquire *enq);
/* 1 when gz_ranking_apply, which set up `fb`, also set ties by path
 * (gz_ranking_set_ties) on its enquire. */
int gz_ranking_ties_by_path(const gz_feedback *fb);
/* The most weight the query set on `enq` can give a document into *qmax
 * (0: it weighs nothing, a query of filters alone). Costs the setting up
 * of a match. Returns XAP_OK or the shim's status. */
xap_status gz_ranking_max_weight(xap_enquire *enq, double *qmax);
/* Set on `enq` the query a search with feedback `fb` runs: q AND_MAYBE
 * the feedback terms, or q alone when feedback added none (what
 * gz_ranking_apply sets). */
xap_status gz_ranking_set_query(xap_enquire *enq, const xap_query *q,
                                const gz_feedback *fb);
/* The query gz_ranking_set_query sets, new in *out (q alone, as a
 * combination of one, when feedback added no terms; else q AND_MAYBE
 * the feedback terms OR every document at weight 0, which keeps Xapian
 * from skipping a hit: ranking.c). */
xap_status gz_ranking_query(const xap_query *q, const gz_feedback *fb,
                            xap_query **out);

void gz_feedback_free(gz_feedback *fb);

/* Why the calling thread's last gz_ranking_apply refused a damaged term
 * list ("" when it did not). */
const char *gz_ranking_damage(void);

/* After the match: put the user's query `q` back on `enq`, so matching
 * terms show the words that were typed, not the feedback terms (snippets
 * read what gz_results_keep_snippets sets on `enq` after: the words of
 * `q` it does not exclude). The hits already fetched keep their order
 * and weights. */
xap_status gz_ranking_finish(xap_enquire *enq, const xap_query *q);

#endif /* GAZETTE_RANKING_H */
