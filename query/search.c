/* search.c - gazette_search: parse the query, run it, build the page. */
#include "search_private.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ascii.h"
#include "counts.h"
#include "query_limits.h"
#include "query_text.h"
#include "ranking.h"

/* Parse `filters` (filter tokens only) as one boolean query. */
static xap_status parse_filters(gazette_index_t *index, const char *filters,
                                xap_query **out)
{
    return xap_queryparser_parse(index->qp, filters,
                                 XAP_QP_FLAG_BOOLEAN | XAP_QP_FLAG_PHRASE |
                                     XAP_QP_FLAG_STRICT,
                                 NULL, out);
}

/* *q AND_NOT each line of `excluded` (one filter token a line). *q may be
 * NULL: then everything but the excluded. Replaces *q. */
static xap_status exclude_filters(gazette_index_t *index, char *excluded,
                                  xap_query **q)
{
    xap_status s = *q ? XAP_OK : xap_query_new_match_all(q);
    for (char *line = excluded; s == XAP_OK && line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        xap_query *x = NULL, *without = NULL;
        s = parse_filters(index, line, &x);
        if (s == XAP_OK) {
            const xap_query *both[2] = {*q, x};
            s = xap_query_new_combine(XAP_OP_AND_NOT, both, 2, 0, &without);
        }
        if (s == XAP_OK) {
            xap_query_free(*q);
            *q = without;
        }
        xap_query_free(x);
        line = nl ? nl + 1 : NULL;
    }
    return s;
}

/* Parse the normalised query `text` (made from `query`) with the options'
 * operator and flags; keep the parsed description and any spelling
 * suggestion in `r`. Filters standing alone at the top level are parsed
 * apart and apply to the whole query (gz_query_split_filters). */
static xap_status parse_normalised(gazette_index_t *index, const char *query,
                                   const char *text,
                                   const gazette_search_options_t *o,
                                   gazette_results_t *r, xap_query **q)
{
    unsigned flags = XAP_QP_FLAG_BOOLEAN | XAP_QP_FLAG_PHRASE |
                     XAP_QP_FLAG_LOVEHATE | XAP_QP_FLAG_WILDCARD |
                     XAP_QP_FLAG_PURE_NOT | XAP_QP_FLAG_AUTO_SYNONYMS |
                     XAP_QP_FLAG_AUTO_MULTIWORD_SYNONYMS | XAP_QP_FLAG_STRICT;
    /* CJK text as the indexes hold it: n-grams, or whole runs */
    if (index->cjk_ngrams)
        flags |= XAP_QP_FLAG_CJK_NGRAM;
    char *rest = NULL, *filters = NULL, *excluded = NULL;
    xap_query *main_q = NULL, *filter_q = NULL;
    xap_status s = gz_query_split_filters(text, &rest, &filters, &excluded) == 0
                       ? XAP_OK : XAP_ERR_NOMEM;
    int split = s == XAP_OK && (filters || excluded);
    char *negated = NULL;
    int only_excluded = s == XAP_OK ? gz_query_only_excluded(rest, &negated)
                                    : 0;
    if (only_excluded == -2)
        s = XAP_ERR_NOMEM;
    if (only_excluded == 1) {
        free(rest);
        rest = negated;
    }
    if (s == XAP_OK)
        s = xap_queryparser_set_default_op(
            index->qp, o->match_all ? XAP_OP_AND : XAP_OP_OR);
    if (s == XAP_OK && *rest)
        s = xap_queryparser_parse(index->qp, rest, flags, NULL, &main_q);
    if (s == XAP_OK && main_q)
        s = gz_hyphen_forms(index, rest, &main_q);
    /* What is left beside the filters may parse to nothing (a stray
     * parenthesis or sign): then the filters alone are the query. */
    if (s == XAP_OK && main_q && split && xap_query_is_empty(main_q)) {
        xap_query_free(main_q);
        main_q = NULL;
    }
    if (s == XAP_OK && o->spelling && *rest)
        s = gz_suggest(index, query, r);
    if (s == XAP_OK && filters)
        s = parse_filters(index, filters, &filter_q);
    if (s == XAP_OK && main_q && filter_q) {
        const xap_query *both[2] = {main_q, filter_q};
        s = xap_query_new_combine(XAP_OP_FILTER, both, 2, 0, q);
    } else if (s == XAP_OK) {
        *q = main_q ? main_q : filter_q;
        main_q = filter_q = NULL;
    }
    if (s == XAP_OK && excluded)
        s = exclude_filters(index, excluded, q);
    /* Signs, a bare '*' or punctuation alone parse to no query at all:
     * refused like an empty text (gazette_search says so). */
    if (s == XAP_OK && xap_query_is_empty(*q)) {
        index->parsed_nothing = 1;
        s = XAP_ERR_QUERY_PARSE;
    }
    if (s == XAP_OK)
        s = xap_query_description(*q, &r->parsed);
    xap_query_free(main_q);
    xap_query_free(filter_q);
    free(rest);
    free(filters);
    free(excluded);
    return s;
}

/* `query` normalised as prepare_text did, now with the index at hand:
 * a word in capitals the index never writes with capitals is searched
 * as a plain word (gz_query_normalise). New strings in *text and *kept
 * (both NULL on failure); a read of the index that failed while asking
 * which words it writes in capitals is the parse's failure. */
static xap_status normalise_with_index(gazette_index_t *index,
                                       const char *query, char **text,
                                       char **kept)
{
    char *folded = NULL;
    char err[GZ_ERROR_SIZE];
    *text = *kept = NULL;
    index->caps_status = XAP_OK;
    if (gz_ranking_query_text(query, &folded) == XAP_OK) {
        *text = gz_query_normalise(folded, gz_capitals_field, index, err,
                                   sizeof err);
        *kept = gz_query_kept_words(folded);
    }
    free(folded);
    xap_status s = index->caps_status;
    if (s == XAP_OK && (!*text || !*kept))
        s = XAP_ERR_NOMEM;
    if (s != XAP_OK) {
        free(*text);
        free(*kept);
        *text = *kept = NULL;
    }
    return s;
}

/* `a` and `b`, lists of lines, as one list (a new string; NULL when out
 * of memory). */
static char *join_lines(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    char *out = malloc(na + nb + 2);
    if (!out)
        return NULL;
    memcpy(out, a, na);
    size_t at = na;
    if (na && nb)
        out[at++] = '\n';
    memcpy(out + at, b, nb + 1);
    return out;
}

/* Parse the normalised query `text` (made from `query`) with the options'
 * operator and flags; keep the parsed description and any spelling
 * suggestion in `r`. Filters standing alone at the top level are parsed
 * apart and apply to the whole query (gz_query_split_filters). Words the
 * query writes in capitals are not stopwords ("US" is not "us"), nor are
 * the words of a text field ("title:who outbreak" keeps title:who). */
static xap_status parse_query(gazette_index_t *index, const char *query,
                              const char *text,
                              const gazette_search_options_t *o,
                              gazette_results_t *r, xap_query **q)
{
    char *kept = NULL, *indexed = NULL;
    xap_status s = normalise_with_index(index, query, &indexed, &kept);
    char *caps = s == XAP_OK ? gz_query_capitals_words(indexed) : NULL;
    char *capitals = caps ? join_lines(caps, kept) : NULL;
    free(caps);
    free(kept);
    if (s == XAP_OK && !capitals)
        s = XAP_ERR_NOMEM;
    if (s != XAP_OK) {
        free(indexed);
        free(capitals);
        return s;
    }
    text = indexed;
    index->nscales = 0;
    index->parsed_nothing = 0;
    if (*capitals)
        s = gz_ranking_set_stoplist(index->qp, capitals);
    if (s == XAP_OK)
        s = parse_normalised(index, query, text, o, r, q);
    if (*capitals) {
        xap_status restored = gz_ranking_set_stoplist(index->qp, NULL);
        if (s == XAP_OK)
            s = restored;
    }
    free(capitals);
    free(indexed);
    return s;
}

/* The wildcards of a query checked against the words of every index
 * searched at once (check_wildcards). */
typedef struct wildcard_check {
    const xap_database *db;
    xap_status status;
    int over;              /* a wildcard stands for too many words */
} wildcard_check;

/* xap_database_each_term callback: count a word, stop past the limit. */
static int count_word(const char *term, size_t len, uint32_t freq, void *ctx)
{
    (void)term;
    (void)len;
    (void)freq;
    uint32_t *n = ctx;
    return ++*n > MAX_WILDCARD_EXPANSION;
}

/* xap_query_each_wildcard callback: count the distinct words starting
 * with `pattern` (a term prefix and letters) up to the limit plus one. */
static int count_wildcard(const char *pattern, size_t len, void *ctx)
{
    (void)len;
    wildcard_check *c = ctx;
    uint32_t n = 0;
    c->status = xap_database_each_term(c->db, pattern, count_word, &n);
    c->over = n > MAX_WILDCARD_EXPANSION;
    return c->status != XAP_OK || c->over;
}

/* XAP_ERR_WILDCARD when a wildcard of `q` stands for more than
 * MAX_WILDCARD_EXPANSION distinct words over index->db. Xapian applies
 * its own limit (xap_queryparser_set_max_expansion) to each shard and
 * each index apart, so that 1800 words over two shards of 900 would be
 * searched; the words of the combined database are each counted once. */
static xap_status check_wildcards(gazette_index_t *index, const xap_query *q)
{
    wildcard_check c = {index->db, XAP_OK, 0};
    xap_status s = xap_query_each_wildcard(q, count_wildcard, &c);
    if (s == XAP_OK)
        s = c.status;
    return s == XAP_OK && c.over ? XAP_ERR_WILDCARD : s;
}

/*
 * Order and duplicate collapsing for one enquire (facet spies:
 * count_facets); `weightless`: the query gives no article a weight.
 * Xapian lists hits of equal weight in document order, the order the
 * articles happened to be written in, which a -j run leaves to chance:
 * hits that all weigh nothing and share a date go by path (then by place
 * in the file, the order its articles were written); with feedback, so do
 * hits of equal weight by relevance (gz_ranking_set_ties). Undated
 * articles (no date value) come last in either order. Xapian's remote
 * protocol cannot take a sort key maker: over a tcp:// index the date alone, ties
 * by relevance, and the undated sort first oldest first.
 */
static xap_status configure_enquire(const gazette_index_t *index,
                                    xap_enquire *enq,
                                    const gazette_search_options_t *o,
                                    int weightless)
{
    xap_status s = XAP_OK;
    int newest = o->sort != GAZETTE_SORT_DATE_ASC;
    xap_sort_value keys[2] = {{GZ_SLOT_DATE, newest, newest ? "" : "\xff"},
                              {GZ_SLOT_FILE_PATH, 0, ""}};
    if (o->sort != GAZETTE_SORT_RELEVANCE)
        s = gz_index_searches_remote(index)
                ? xap_enquire_set_sort_by_value(enq, GZ_SLOT_DATE, newest)
                : xap_enquire_set_sort_by_values(enq, keys,
                                                 weightless ? 2 : 1);
    if (s == XAP_OK && o->collapse)
        s = xap_enquire_set_collapse_key(enq, GZ_SLOT_DEDUP, 1);
    return s;
}

/* 1 when `o` asks for at least one facet. */
static int wants_facets(const gazette_search_options_t *o)
{
    for (size_t f = 0; f < GZ_FACET_KINDS; f++)
        if (o->facets[f])
            return 1;
    return 0;
}

/* A search's number of matches: Xapian's bounds and estimate, or the
 * exact number in all three; `exact` once the count is final, the hits
 * that near-duplicates leave out counted too (near_counts keeps it). */
typedef struct match_counts {
    uint32_t lower, estimate, upper;
    int exact;
} match_counts;

/* The first `want` hits of the query on `enq` in *mset (new, the caller
 * frees it), the match counts of that match in *counts; Xapian looks at
 * `check` matches at least before it skips any, and `spy` (may be NULL)
 * sees the matches of this match only. Xapian skips
 * what can no longer reach the page, which is most of the work of a
 * query; under feedback the query is built so that it skips no hit
 * (gz_ranking_query), so the page is the first `want` of the one
 * ranking. */
static xap_status match_page(xap_enquire *enq, uint32_t want,
                             uint32_t check, xap_valuecount_spy *spy,
                             match_counts *counts, xap_mset **mset)
{
    xap_status s = spy ? xap_enquire_add_valuecount_spy(enq, spy) : XAP_OK;
    if (s == XAP_OK)
        s = xap_enquire_get_mset(enq, 0, want, check, NULL, mset);
    if (spy) {
        xap_status cleared = xap_enquire_clear_spies(enq);
        if (s == XAP_OK)
            s = cleared;
    }
    counts->exact = 0;
    if (s == XAP_OK)
        s = xap_mset_matches(*mset, &counts->lower, &counts->estimate,
                             &counts->upper);
    return s;
}

/*
 * Near-duplicates. After Xapian's exact collapse (GZ_SLOT_DEDUP), a hit
 * whose fingerprint (GZ_SLOT_SIMHASH) is within GZ_SIMHASH_DISTANCE bits
 * of a better-ranked shown hit's is left out and counted among that
 * hit's duplicates. The filter runs over the ranks from the first, the
 * same for every page, so consecutive pages neither repeat nor skip a
 * hit: a page of `limit` from `offset` needs offset + limit shown hits,
 * fetched from Xapian until there are that many or the matches end. Only
 * the first NEAR_HORIZON ranks are compared (hits past it are all
 * shown, for every page alike), which bounds the work of a deep page.
 * Hits without a fingerprint (short bodies, indexes written before the
 * slot) are never left out and hide nothing.
 */
#define NEAR_HORIZON 10000

typedef struct near_shown {
    uint32_t at;        /* its mset index */
    uint32_t hidden;    /* near-duplicates counted into it */
    uint64_t print;     /* its fingerprint (0: none) */
} near_shown;

typedef struct near_pick {
    near_shown *shown;  /* the shown hits, rank order */
    uint32_t nshown, cap;
    uint32_t dropped;   /* hits left out */
    uint32_t seen;      /* mset entries looked at */
} near_pick;

static void near_pick_free(near_pick *p)
{
    free(p->shown);
    *p = (near_pick){0};
}

/* The fingerprint of the i-th hit of `mset` in *print (0: none). */
static xap_status hit_print(const xap_mset *mset, uint32_t i, uint64_t *print)
{
    xap_document *doc = NULL;
    const char *v = NULL;
    size_t len = 0;
    *print = 0;
    xap_status s = xap_mset_document(mset, i, &doc);
    if (s == XAP_OK)
        s = xap_document_get_value(doc, GZ_SLOT_SIMHASH, &v, &len);
    if (s == XAP_OK && !gz_simhash_parse(v, len, print))
        *print = 0;
    xap_document_free(doc);
    return s;
}

/* Pick the shown hits of `mset` from entry p->seen on, until `want` are
 * shown or the mset ends; a hit is kept or counted into the first shown
 * hit it is a near-duplicate of (its own exact duplicates with it). */
static xap_status near_pick_more(const xap_mset *mset, uint32_t want,
                                 near_pick *p)
{
    uint32_t size = xap_mset_size(mset);
    /* The hits needed at least, asked for in one go (gz_hit_fill then
     * reads the shown ones from there too); only those: a page keeps
     * hits past it that it reads only on a near-duplicate. */
    uint32_t need = want - p->nshown;
    xap_status s = p->seen < NEAR_HORIZON
                       ? xap_mset_fetch(mset, p->seen, need)
                       : XAP_OK;
    for (; s == XAP_OK && p->seen < size && p->nshown < want; p->seen++) {
        uint32_t i = p->seen;
        uint64_t print = 0;
        if (i < NEAR_HORIZON)
            s = hit_print(mset, i, &print);
        long near = -1;
        for (uint32_t k = 0; s == XAP_OK && print && k < p->nshown; k++)
            if (p->shown[k].print &&
                gz_simhash_distance(print, p->shown[k].print) <=
                    GZ_SIMHASH_DISTANCE) {
                near = k;
                break;
            }
        if (s != XAP_OK)
            break;
        if (near >= 0) {
            uint32_t collapsed = 0;
            s = xap_mset_collapse_count(mset, i, &collapsed);
            p->shown[near].hidden += 1 + collapsed;
            p->dropped++;
            continue;
        }
        if (p->nshown == p->cap) {
            uint32_t cap = p->cap ? 2 * p->cap : 64;
            near_shown *shown = realloc(p->shown, cap * sizeof *shown);
            if (!shown) {
                s = XAP_ERR_NOMEM;
                break;
            }
            p->shown = shown;
            p->cap = cap;
        }
        p->shown[p->nshown++] = (near_shown){i, 0, print};
    }
    return s;
}

/* The match counts with near-duplicates left out. Final when exact_count
 * made them so. Exact when the filter
 * looked at every match: the hits it kept. Else the matches it did not
 * look at may be near-duplicates of hits shown, as long as the index
 * holds fingerprints at all: then at least the hits kept, at most the
 * count before less those left out, about the estimate less those left
 * out. An index without fingerprints (written before them, or of short
 * articles only) keeps Xapian's counts. */
static xap_status near_counts(const xap_database *db, const xap_mset *mset,
                              const near_pick *pick, match_counts *counts)
{
    uint32_t size = xap_mset_size(mset);
    if (counts->exact)
        return XAP_OK;
    if (pick->seen == size && counts->lower == counts->upper &&
        counts->upper == size) {
        *counts = (match_counts){pick->nshown, pick->nshown, pick->nshown, 1};
        return XAP_OK;
    }
    uint32_t prints = 0;
    xap_status s = xap_database_value_freq(db, GZ_SLOT_SIMHASH, &prints);
    if (s != XAP_OK || (prints == 0 && pick->dropped == 0))
        return s;
    uint32_t d = pick->dropped;
    counts->estimate = counts->estimate > d ? counts->estimate - d : 0;
    counts->upper = counts->upper > d ? counts->upper - d : 0;
    counts->lower = pick->nshown;
    if (counts->estimate < counts->lower)
        counts->estimate = counts->lower;
    if (counts->upper < counts->estimate)
        counts->upper = counts->estimate;
    return XAP_OK;
}

/* The match for a page that needs `want` shown hits with near-duplicates
 * left out (o->collapse): match_page for `keep` hits (at least `want`),
 * then for more while near-duplicates left the page short and more
 * matches may follow, each time from the first hit again (`spy` sees the
 * first match only: a spy counts every match it sees). */
static xap_status match_near_page(xap_enquire *enq, uint32_t want,
                                  uint32_t keep, uint32_t check,
                                  xap_valuecount_spy *spy,
                                  match_counts *counts, xap_mset **mset,
                                  near_pick *pick)
{
    uint32_t fetch = keep;
    for (;; spy = NULL) {
        xap_status s = match_page(enq, fetch, check, spy, counts, mset);
        if (s == XAP_OK)
            s = near_pick_more(*mset, want, pick);
        if (s != XAP_OK || pick->nshown >= want ||
            xap_mset_size(*mset) < fetch || fetch == UINT32_MAX)
            return s;
        /* Short by the hits left out: ask for as many again as are
         * missing, and at least twice as many as were left out. */
        uint32_t missing = want - pick->nshown;
        uint64_t more = (uint64_t)fetch + missing +
                        2 * (uint64_t)pick->dropped + 16;
        fetch = more > UINT32_MAX ? UINT32_MAX : (uint32_t)more;
        near_pick_free(pick);
        xap_mset_free(*mset);
        *mset = NULL;
    }
}

/* The page's `want` hits in *mset, of `keep` (at least `want`) kept
 * (and with duplicates collapsed, those shown in *pick), their match
 * counts in *counts; `check` and `spy` as for match_page. */
static xap_status match_hits(xap_enquire *enq,
                             const gazette_search_options_t *o,
                             uint32_t want, uint32_t keep, uint32_t check,
                             xap_valuecount_spy *spy, match_counts *counts,
                             xap_mset **mset, near_pick *pick)
{
    if (o->collapse)
        return match_near_page(enq, want, keep, check, spy, counts, mset,
                               pick);
    return match_page(enq, keep, check, spy, counts, mset);
}

/*
 * Exact counts. Xapian skips the matches that can no longer reach the
 * page and estimates how many there are; with duplicates collapsed it
 * cannot know how many collapse until it looks at them, and the
 * near-duplicate filter looks only at the hits a page needs: a filter
 * of 93 articles was said to have "about 30", a query of 399 matches
 * "about 300 (100 to 399)". So:
 *   - a search sorted by date, or of filters alone (sorted so), looks at
 *     every match anyway (Xapian has no weight to skip by): it is told to
 *     collapse every one (check_at_least: all the documents), which makes
 *     its count before near-duplicates exact whatever its size, and a
 *     spy of fingerprints (counts.h) tells whether any hit can be left
 *     out as a near-duplicate (match_planned);
 *   - a ranked search whose upper bound allows at most EXACT_COUNT
 *     matches counts them in a match of its own with boolean weighting
 *     and the same spy (exact_count); above it Xapian's estimate stands,
 *     between honest bounds, as counting every match of a common word
 *     costs a search as much again;
 *   - a page of no hits (the count only) is matched as a page of
 *     EXACT_COUNT + 1, and counted as a ranked one.
 * Only near-duplicates that form a chain make the count depend on the
 * order of the hits (gz_prints_hidden): for a count only, up to
 * EXACT_COUNT matches are then ranked and filtered as pages are (exact
 * again, at the cost of a search); otherwise the count is a range.
 * Costs in docs/performance.md, "Exact counts".
 */
#define EXACT_COUNT 300

typedef struct match_plan {
    uint32_t want;    /* hits the page needs (shown ones when collapsing) */
    uint32_t keep;    /* hits the match keeps, at least `want` */
    uint32_t check;   /* matches it looks at before it skips any */
    int every;        /* 1: it looks at every match (check covers all) */
} match_plan;

/* Hits a match that looks at every match keeps beyond the page's: room
 * for a few near-duplicates among the first hits without a second match
 * (match_near_page). Keeping EXACT_COUNT + 1, so that a chain of up to
 * EXACT_COUNT matches needed no second match in rank_all, cost every such
 * search a heap of 301 sort keys and a fetch of 301 documents, 1.5 M
 * instructions (docs/performance.md, "Filters alone, cheaper"). */
#define NEAR_SPARE 16

/* Hits a ranked page's match keeps past the page with duplicates
 * collapsed. One would tell whether the page's last hit may hide copies
 * Xapian dropped unseen (copies.c), but 42 of the benchmark's 350 pages
 * of 10 tie with the hit after them, and a near-duplicate left out of
 * the page uses one up: each time a second match. More hits kept cost
 * the page's match more (Xapian skips less): 2 was the cheapest of 1, 2
 * and 4 (docs/performance.md, 2026-12-04). */
#define KEEP_PAST 2

/* The hits a ranked page's match keeps for `want` shown: with duplicates
 * collapsed, KEEP_PAST more, the lowest of which tells whether a hit of
 * the page may hide copies Xapian dropped unseen (copies.c): only then
 * is there a second match to run. */
static uint32_t ranked_keep(const gazette_search_options_t *order,
                            uint32_t want)
{
    return order->collapse && order->limit && want <= UINT32_MAX - KEEP_PAST
               ? want + KEEP_PAST
               : want;
}

/* The plan of the page's match in `order` for `want` hits on `index`:
 * a ranked one keeps ranked_keep hits; one sorted by date looks at every
 * match anyway, and is told to collapse
 * each (not over a remote index, which would send them all, and whose
 * spies count every copy). */
static xap_status plan_match(const gazette_index_t *index,
                             const gazette_search_options_t *order,
                             uint32_t want, match_plan *plan)
{
    *plan = (match_plan){want, want, 0, 0};
    if (order->sort == GAZETTE_SORT_RELEVANCE) {
        plan->keep = ranked_keep(order, want);
        return XAP_OK;
    }
    if (gz_index_searches_remote(index))
        return XAP_OK;
    uint32_t all = 0;
    xap_status s = xap_database_doc_count(index->db, &all);
    if (s == XAP_OK)
        plan->keep = want > UINT32_MAX - NEAR_SPARE ? UINT32_MAX
                                                    : want + NEAR_SPARE;
    /* with fewer articles than it keeps, it must still look at all of
     * them: the page need not hold every match */
    if (s == XAP_OK && all >= plan->want) {
        plan->check = all;
        plan->every = 1;
    }
    return s;
}

/* 1 when the near-duplicate filter leaves out `hidden` of `n` articles
 * as the fingerprints say (gz_prints_hidden, known): past NEAR_HORIZON
 * ranks it compares none, and shows hits the fingerprints would hide. */
static int settled(uint32_t n, uint32_t hidden)
{
    return hidden <= n && (hidden == 0 || n <= NEAR_HORIZON);
}

/* The page's match as `plan` says (match_hits). When it looked at every
 * match, Xapian's lower bound is the count of articles (its collapser
 * saw each match: an article with its identical copies once), final
 * unless near-duplicates are among them (the spy tells). */
static xap_status match_planned(xap_enquire *enq,
                                const gazette_search_options_t *o,
                                const match_plan *plan, match_counts *counts,
                                xap_mset **mset, near_pick *pick)
{
    xap_valuecount_spy *spy = NULL;
    uint32_t hidden = 0;
    int known = !o->collapse;
    xap_status s = plan->every && o->collapse ? gz_print_spy_new(&spy)
                                              : XAP_OK;
    if (s == XAP_OK)
        s = match_hits(enq, o, plan->want, plan->keep, plan->check, spy,
                       counts, mset, pick);
    if (s == XAP_OK && spy)
        s = gz_prints_hidden(spy, &hidden, &known);
    if (s == XAP_OK && plan->every) {
        uint32_t n = counts->lower;
        known = known && settled(n, hidden);
        if (known)
            n -= hidden;
        *counts = (match_counts){n, n, n, known};
    }
    xap_valuecount_spy_free(spy);
    return s;
}

/* Drop the page's match, to match again. */
static void drop_match(xap_mset **mset, near_pick *pick)
{
    near_pick_free(pick);
    xap_mset_free(*mset);
    *mset = NULL;
}

/* Every match of `enq` (`n` at most, EXACT_COUNT at most) ranked into
 * *mset and, with duplicates collapsed, filtered for near-duplicates into
 * *pick, the page's hits first as in any page: near_counts then counts
 * the hits kept. */
static xap_status rank_all(xap_enquire *enq,
                           const gazette_search_options_t *o, uint32_t n,
                           match_counts *counts, xap_mset **mset,
                           near_pick *pick)
{
    xap_status s = XAP_OK;
    if (xap_mset_size(*mset) < n) {
        drop_match(mset, pick);
        /* one more than there can be: Xapian's bounds are then equal */
        s = match_page(enq, n + 1, 0, NULL, counts, mset);
    } else {   /* as many hits as there can be matches: all of them */
        uint32_t size = xap_mset_size(*mset);
        *counts = (match_counts){size, size, size, 0};
    }
    if (s == XAP_OK && o->collapse)
        s = near_pick_more(*mset, UINT32_MAX, pick);
    counts->exact = s == XAP_OK && !o->collapse;
    return s;
}

/* Make the count of the ranked page's match exact (counts->exact) when
 * it is at most EXACT_COUNT (its upper bound, or `most`: one known apart,
 * the facets' count), or when the page has no hits (`count_only`): the
 * matches of `q` (the page's, whose ranking only reorders them) counted
 * in a match of their own, each article once, and, with duplicates
 * collapsed, the articles near-duplicates hide (gz_prints_hidden); when
 * that depends on their order, for a count only up to EXACT_COUNT
 * matches are ranked and filtered (rank_all), else the count is a range.
 * A remote index ranks them (its spies would count each copy).
 * `plan` is the page's match's. */
static xap_status exact_count(gazette_index_t *index, xap_enquire *enq,
                              const xap_query *q,
                              const gazette_search_options_t *o,
                              const match_plan *plan, uint32_t most,
                              int count_only, match_counts *counts,
                              xap_mset **mset, near_pick *pick)
{
    uint32_t upper = counts->upper < most ? counts->upper : most;
    if (counts->exact || (counts->lower == counts->upper && !o->collapse)) {
        counts->exact = 1;
        return XAP_OK;
    }
    if (upper > EXACT_COUNT && !count_only)
        return XAP_OK;
    /* all in hand, or the spy of a match that looked at every match
     * (match_planned) saw near-duplicates: no match of its own to count */
    if (xap_mset_size(*mset) >= upper || plan->every ||
        gz_index_searches_remote(index))
        return upper <= EXACT_COUNT
                   ? rank_all(enq, o, upper, counts, mset, pick)
                   : XAP_OK;
    xap_valuecount_spy *spy = NULL;
    uint32_t n = 0, hidden = 0;
    int known = !o->collapse;
    xap_status s = o->collapse ? gz_print_spy_new(&spy) : XAP_OK;
    if (s == XAP_OK)
        s = gz_count_matches(index->db, q, spy, &n);
    if (s == XAP_OK && spy)
        s = gz_prints_hidden(spy, &hidden, &known);
    xap_valuecount_spy_free(spy);
    if (s == XAP_OK && known && settled(n, hidden)) {
        n -= hidden;
        *counts = (match_counts){n, n, n, 1};
    }
    else if (s == XAP_OK && count_only && n <= EXACT_COUNT)
        s = rank_all(enq, o, n, counts, mset, pick);
    else if (s == XAP_OK) {
        /* a chain of near fingerprints, which only ranking every match
         * would settle (as much again as a search: for a count only), or
         * more than EXACT_COUNT articles: at most those less the hits left
         * out so far (near_counts) */
        counts->upper = n;
        counts->estimate = counts->estimate < n ? counts->estimate : n;
        counts->lower = counts->lower < n ? counts->lower : n;
    }
    return s;
}

/* The copy each hit of the page [skip, want) of `pick` (hits of `mset`)
 * shows, into *c (copies.c). */
static xap_status settle_copies(xap_enquire *enq, const xap_mset *mset,
                                const near_pick *pick, uint32_t skip,
                                uint32_t want, gz_copies *c)
{
    uint32_t got = pick->nshown < want ? pick->nshown : want;
    if (got <= skip)
        return XAP_OK;
    uint32_t *at = malloc((got - skip) * sizeof *at);
    if (!at)
        return XAP_ERR_NOMEM;
    for (uint32_t i = skip; i < got; i++)
        at[i - skip] = pick->shown[i].at;
    xap_status s = gz_copies_settle(enq, mset, at, got - skip, c);
    free(at);
    return s;
}

/* 1 when the hits in `mset` all weigh nothing: a query of filters alone
 * (`source:world`, `year:2023 -gaza`). */
static int weighs_nothing(const xap_mset *mset)
{
    double most = 0;
    return xap_mset_size(mset) > 0 &&
           xap_mset_max_possible(mset, &most) == XAP_OK && most <= 0;
}

/* Set `enq` up for a query that weighs nothing, sorted as `order` says
 * (by relevance: hits that all weigh nothing have no ranking, and come
 * newest first, as with GAZETTE_SORT_DATE, which *order then says). */
static xap_status order_weightless(const gazette_index_t *index,
                                   xap_enquire *enq,
                                   gazette_search_options_t *order)
{
    if (order->sort == GAZETTE_SORT_RELEVANCE)
        order->sort = GAZETTE_SORT_DATE;
    return configure_enquire(index, enq, order, 1);
}

/*
 * Facets: spies count every match of `q` in a match of their own, with
 * boolean weighting (Xapian then computes no weights: about half of what
 * looking at every match costs with BM25) and no hits asked for. The
 * ranked passes (feedback's, the page's) then skip what cannot reach the
 * page, as without facets; the matches are the query's own (feedback
 * terms only reorder them), so the counts are those of the page's query.
 * *matches gets the exact number of matches (0 without facets).
 */
static xap_status count_facets(gazette_index_t *index, const xap_query *q,
                               const gazette_search_options_t *o,
                               facet_spies *spies, uint32_t *matches)
{
    *matches = 0;
    if (!wants_facets(o))
        return XAP_OK;
    xap_enquire *counter = NULL;
    xap_mset *mset = NULL;
    uint32_t all = 0;
    xap_status s = xap_database_doc_count(index->db, &all);
    if (s == XAP_OK)
        s = xap_enquire_new(index->db, &counter);
    if (s == XAP_OK)
        s = xap_enquire_set_query(counter, q, 0);
    if (s == XAP_OK)
        s = xap_enquire_set_weighting_bool(counter);
    if (s == XAP_OK)
        s = gz_facets_attach(index, counter, o, spies);
    if (s == XAP_OK)
        s = xap_enquire_get_mset(counter, 0, 0, all, NULL, &mset);
    if (s == XAP_OK)
        s = xap_mset_matches(mset, matches, NULL, NULL);
    xap_mset_free(mset);
    xap_enquire_free(counter);
    return s;
}

/* Add `note` to r->warning ("; " between notes). */
static xap_status add_warning(gazette_results_t *r, const char *note)
{
    size_t had = strlen(r->warning);
    char *both = realloc(r->warning, had + 2 + strlen(note) + 1);
    if (!both)
        return XAP_ERR_NOMEM;
    snprintf(both + had, 2 + strlen(note) + 1, "%s%s", had ? "; " : "",
             note);
    r->warning = both;
    return XAP_OK;
}

/* When indexes of both forms of CJK text are searched together and
 * `query` has such text, r->warning says that it was searched as whole
 * runs, which the indexes of n-grams do not hold (schema.h). */
static xap_status warn_whole_runs(const gazette_index_t *index,
                                  const char *query, gazette_results_t *r)
{
    if (index->cjk_ngrams || index->cjk_whole_at < 0 ||
        !gz_cjk_count(query, strlen(query), 1))
        return XAP_OK;
    const char *name = index->locations[index->cjk_whole_at].name;
    char note[1024];
    snprintf(note, sizeof note, "%.400s holds Chinese, Japanese and "
             "Korean text as whole runs (written before n-grams), so such "
             "words were searched as whole runs everywhere, and only "
             "indexes like it can match them (rebuild it with "
             "gazette_update_set_full)", name);
    return add_warning(r, note);
}

/* The location of the first shard of `index` that does not record entity
 * head terms (GZ_META_ENTITY_HEADS), in *at; -1 when all do. A remote
 * shard that cannot say counts as without; one that does not answer, or
 * a revision discarded meanwhile, fails as the search would. */
static xap_status first_without_heads(const gazette_index_t *index,
                                      long *at)
{
    xap_status s = XAP_OK;
    *at = -1;
    for (size_t k = 0; s == XAP_OK && *at < 0 && k < index->nshards; k++) {
        char *value = NULL;
        size_t len = 0;
        size_t owner = index->shard_owner[k];
        s = xap_database_get_shard_metadata(index->db, k,
                                            GZ_META_ENTITY_HEADS, &value,
                                            &len);
        if (s != XAP_OK || len != 1 || value[0] != '1')
            *at = (long)owner;
        if (index->locations[owner].remote && s != XAP_ERR_NETWORK &&
            s != XAP_ERR_DB_MODIFIED)
            s = XAP_OK;
        free(value);
    }
    return s;
}

/* When the query has an entity: filter and an index searched was written
 * before entity head terms (schema.h), r->warning says that there
 * entity:BBC may miss the articles that write only "BBC News": nothing
 * else tells an older index from one whose articles name no such thing. */
static xap_status warn_no_entity_heads(const gazette_index_t *index,
                                       gazette_results_t *r)
{
    long at = -1;
    if (!index->entity_asked)
        return XAP_OK;
    xap_status s = first_without_heads(index, &at);
    if (s != XAP_OK || at < 0)
        return s;
    char note[1024];
    snprintf(note, sizeof note, "%.400s was written before entity head "
             "terms, so entity: may miss there the articles that write an "
             "acronym only inside a longer name (entity:BBC, \"BBC News\") "
             "until it is rebuilt with gazette_update_set_full",
             index->locations[at].name);
    return add_warning(r, note);
}

/* 1 when the field name [w, w + len) is one of query's before `before`
 * (in any case: one mistyped name, however written). */
static int named_before(const char *query, const char *before, const char *w,
                        size_t len)
{
    const char *name;
    size_t n;
    for (const char *q = query;
         (n = gz_query_unknown_field(q, &name)) && name < before;
         q = name + n)
        if (n == len) {
            size_t i = 0;
            while (i < len && gz_ascii_tolower((unsigned char)name[i]) ==
                                  gz_ascii_tolower((unsigned char)w[i]))
                i++;
            if (i == len)
                return 1;
        }
    return 0;
}

/* The unknown fields a warning names; the others are counted. */
#define UNKNOWN_FIELDS_NAMED 3

/* The words of `query` written as fields that name none ("titel:x"):
 * r->warning says so, in one note naming each (the first
 * UNKNOWN_FIELDS_NAMED, then "and N more") and the fields, as Xapian
 * searches each as a word, a phrase of it and what follows ("titel:x" is
 * the phrase "titel x"; gz_query_unknown_field). */
static xap_status warn_unknown_field(const char *query, gazette_results_t *r)
{
    const char *names[UNKNOWN_FIELDS_NAMED], *name;
    size_t lens[UNKNOWN_FIELDS_NAMED], len, distinct = 0;
    for (const char *q = query; (len = gz_query_unknown_field(q, &name));
         q = name + len) {
        if (named_before(query, name, name, len))
            continue;
        if (distinct < UNKNOWN_FIELDS_NAMED) {
            names[distinct] = name;
            lens[distinct] = len;
        }
        distinct++;
    }
    if (!distinct)
        return XAP_OK;
    size_t named = distinct < UNKNOWN_FIELDS_NAMED ? distinct
                                                   : UNKNOWN_FIELDS_NAMED;
    char note[768];
    int n = 0;
    for (size_t i = 0; i < named && n >= 0 && (size_t)n < sizeof note; i++)
        n += snprintf(note + n, sizeof note - (size_t)n, "%s'%.*s:'",
                      i == 0                                 ? ""
                      : i + 1 == named && named == distinct ? " and "
                                                             : ", ",
                      (int)(lens[i] > 64 ? 64 : lens[i]), names[i]);
    if (n >= 0 && (size_t)n < sizeof note && distinct > named)
        n += snprintf(note + n, sizeof note - (size_t)n, " and %zu more",
                      distinct - named);
    if (n >= 0 && (size_t)n < sizeof note)
        n += snprintf(note + n, sizeof note - (size_t)n, "%s (fields:",
                      distinct == 1
                          ? " is not a field, so it was searched as a word "
                            "in a phrase with what follows it"
                          : " are not fields, so each was searched as a "
                            "word in a phrase with what follows it");
    for (size_t i = 0; i < gz_nfields && n >= 0 && (size_t)n < sizeof note;
         i++) {
        const gz_field *f = &gz_fields[i];
        /* upper: and caps: are what a word in capitals is searched as
         * (--explain shows them), not fields offered to type */
        if (f->name && f->kind != GZ_KIND_CAPITALS &&
            gz_field_by_name(f->name, strlen(f->name)) == f)
            n += snprintf(note + n, sizeof note - (size_t)n, " %s:", f->name);
    }
    if (n >= 0 && (size_t)n < sizeof note)
        snprintf(note + n, sizeof note - (size_t)n, ")");
    return add_warning(r, note);
}

/* The '*'s of the normalised query `text` that are no wildcards: inside
 * a word ("ab*cd", read "ab cd"), or dropped by the parser (in a phrase,
 * "\"ab* cd\"", or a joined word, "zebrafoo-ab*"). r->warning says so,
 * naming the words as typed in `query` (gz_query_wildcard_notes), rather
 * than search them otherwise in silence. */
static xap_status warn_not_wildcards(const char *query, const char *text,
                                     gazette_results_t *r)
{
    char *notes = NULL;
    if (gz_query_wildcard_notes(query, text, &notes) != 0)
        return XAP_ERR_NOMEM;
    xap_status s = notes ? add_warning(r, notes) : XAP_OK;
    free(notes);
    return s;
}

/* One attempt at running `query`, normalised as `text`;
 * XAP_ERR_DB_MODIFIED means retry. */
static gazette_status_t prepare_text(const char *query, char **clean,
                                     char **text);

/* The articles the query `suggestion` finds, counted exactly up to
 * `enough`, into *found: 0 as well when it cannot be searched (the
 * suggestion is then dropped too). The options' operator, filters and
 * fields as for the query typed; no spelling, feedback or collapsing. A
 * failure of the index (modified meanwhile, say) is returned. */
static xap_status count_suggestion(gazette_index_t *index,
                                   const char *suggestion,
                                   const gazette_search_options_t *o,
                                   uint32_t enough, uint32_t *found)
{
    char *clean = NULL, *text = NULL;
    *found = 0;
    gazette_status_t prepared = prepare_text(suggestion, &clean, &text);
    if (prepared != GAZETTE_STATUS_OK)
        return prepared == GAZETTE_STATUS_OUT_OF_MEMORY ? XAP_ERR_NOMEM
                                                        : XAP_OK;
    gazette_search_options_t plain = *o;
    plain.spelling = 0;
    gazette_results_t *scratch = calloc(1, sizeof *scratch);
    xap_query *q = NULL;
    xap_enquire *enq = NULL;
    xap_mset *mset = NULL;
    xap_status s = scratch ? parse_query(index, clean, text, &plain, scratch,
                                         &q)
                           : XAP_ERR_NOMEM;
    if (s == XAP_OK)
        s = xap_enquire_new(index->db, &enq);
    if (s == XAP_OK)
        s = xap_enquire_set_query(enq, q, 0);
    if (s == XAP_OK)
        s = xap_enquire_get_mset(enq, 0, 0, enough, NULL, &mset);
    if (s == XAP_OK)
        s = xap_mset_matches(mset, found, NULL, NULL);
    /* a suggestion the parser refuses, or whose wildcard stands for too
     * many words, finds nothing: dropped, not the search's failure */
    if (s == XAP_ERR_QUERY_PARSE || s == XAP_ERR_WILDCARD) {
        index->parsed_nothing = 0;
        *found = 0;
        s = XAP_OK;
    }
    xap_mset_free(mset);
    xap_enquire_free(enq);
    xap_query_free(q);
    gazette_results_free(scratch);
    free(text);
    free(clean);
    return s;
}

/* Drop r->suggestion when it would find fewer articles than the query as
 * typed found (`found`, > 0): a word in one article one slip from a far
 * commoner word is offered it, but inside a phrase or an AND the
 * correction may match nothing where the typed words matched their
 * article ("at least part", a phrase of one sample article, was offered
 * "at last part", which finds none). */
static xap_status drop_losing_suggestion(gazette_index_t *index,
                                         const gazette_search_options_t *o,
                                         uint32_t found, gazette_results_t *r)
{
    uint32_t would = 0;
    if (!r->suggestion || found == 0)
        return XAP_OK;
    xap_status s = count_suggestion(index, r->suggestion, o, found, &would);
    if (s == XAP_OK && would < found) {
        free(r->suggestion);
        r->suggestion = NULL;
    }
    return s;
}

static xap_status run_search(gazette_index_t *index, const char *query,
                             const char *text,
                             const gazette_search_options_t *o,
                             gazette_results_t *r)
{
    xap_query *q = NULL;
    xap_enquire *enq = NULL;
    xap_mset *mset = NULL;
    facet_spies spies = {{0}, {0}, NULL, NULL, NULL};
    gz_feedback fb = {NULL, 0};
    uint32_t matches = 0;
    match_counts counts = {0, 0, 0, 0};
    xap_status s = gz_index_cjk_ngrams(index);
    if (s == XAP_OK)
        s = warn_whole_runs(index, query, r);
    if (s == XAP_OK)
        s = warn_unknown_field(query, r);
    if (s == XAP_OK)
        s = warn_not_wildcards(query, text, r);
    index->entity_asked = 0;
    if (s == XAP_OK)
        s = parse_query(index, query, text, o, r, &q);
    if (s == XAP_OK)
        s = warn_no_entity_heads(index, r);
    if (s == XAP_OK)
        s = check_wildcards(index, q);
    if (s == XAP_OK)
        s = count_facets(index, q, o, &spies, &matches);
    int counted = s == XAP_OK && wants_facets(o);
    if (s == XAP_OK)
        s = xap_enquire_new(index->db, &enq);
    /* Feedback only re-ranks: sorted by date it would be a second match
     * for nothing. */
    if (s == XAP_OK)
        s = gz_ranking_apply(enq, q,
                             o->feedback && o->sort == GAZETTE_SORT_RELEVANCE,
                             &fb);
    /* Sorted by date, whether the query weighs anything decides the
     * order of ties: asked before the match. */
    double qmax = fb.qmax;
    gazette_search_options_t order = *o;
    if (s == XAP_OK && qmax < 0 && o->sort != GAZETTE_SORT_RELEVANCE)
        s = gz_ranking_max_weight(enq, &qmax);
    if (s == XAP_OK)
        s = qmax == 0 ? order_weightless(index, enq, &order)
                      : configure_enquire(index, enq, &order, 0);
    /* Every page is cut from a match that starts at the first hit, so
     * consecutive pages come from the same ranking. */
    uint32_t skip = o->offset;
    uint32_t want = o->limit > UINT32_MAX - skip ? UINT32_MAX
                                                 : skip + o->limit;
    /* A page of no hits asks for the count: matched as a page of
     * EXACT_COUNT + 1 would be (Xapian's estimate from a match that kept
     * no hit said 0 of matches and 3 of none), none of them returned, so
     * that a count up to EXACT_COUNT is exact in one match. */
    uint32_t fetch = o->limit == 0 && want <= EXACT_COUNT ? EXACT_COUNT + 1
                                                         : want;
    near_pick pick = {0};
    match_plan plan;
    if (s == XAP_OK)
        s = plan_match(index, &order, fetch, &plan);
    if (s == XAP_OK)
        s = match_planned(enq, &order, &plan, &counts, &mset, &pick);
    /* By relevance without feedback the page's match tells, at no cost to
     * a query that weighs something (asking first would cost every search
     * the setting up of a match); one that weighs nothing is matched
     * again in its order. */
    if (s == XAP_OK && qmax < 0 && weighs_nothing(mset)) {
        near_pick_free(&pick);
        xap_mset_free(mset);
        mset = NULL;
        s = order_weightless(index, enq, &order);
        if (s == XAP_OK)
            s = plan_match(index, &order, fetch, &plan);
        if (s == XAP_OK)
            s = match_planned(enq, &order, &plan, &counts, &mset, &pick);
    }
    if (s == XAP_OK)
        s = exact_count(index, enq, q, &order, &plan,
                        counted ? matches : UINT32_MAX, o->limit == 0,
                        &counts, &mset, &pick);
    /* Which copy of identical articles a hit shows, by relevance: the
     * same however the archive is split. */
    gz_copies copies = {NULL, NULL, NULL};
    if (s == XAP_OK && o->collapse && o->sort == GAZETTE_SORT_RELEVANCE)
        s = settle_copies(enq, mset, &pick, skip, want, &copies);
    /* Facets count the copy of an article the hits show. */
    xap_query *ranked = NULL;
    if (s == XAP_OK && counted && o->collapse)
        s = gz_ranking_query(q, &fb, &ranked);
    if (s == XAP_OK && ranked)
        s = gz_facets_count_shown(index, enq, ranked, q, o,
                                  gz_ranking_ties_by_path(&fb), &spies);
    xap_query_free(ranked);
    if (s == XAP_OK)
        s = gz_ranking_finish(enq, q);
    if (s == XAP_OK)
        s = gz_enquire_show_wanted(enq, q);
    if (s == XAP_OK)
        s = gz_facets_read(&spies, r, &matches);
    /* With facets the count is exact: the counting match's, or with
     * duplicates collapsed the articles a spy counted; without, Xapian's
     * bounds from the page's match, unless exact_count made it final. */
    if (counted && !counts.exact)
        counts = (match_counts){matches, matches, matches, 0};
    if (s == XAP_OK && o->collapse)
        s = near_counts(index->db, mset, &pick, &counts);
    r->lower = counts.lower;
    r->estimate = counts.estimate;
    r->upper = counts.upper;
    uint32_t got = s != XAP_OK ? 0
                   : o->collapse ? pick.nshown : xap_mset_size(mset);
    got = got < want ? got : want;
    uint32_t n = got > skip ? got - skip : 0;
    if (n && !(r->hits = calloc(n, sizeof *r->hits)))
        s = XAP_ERR_NOMEM;
    for (uint32_t i = 0; s == XAP_OK && i < n; i++) {
        xap_docid docid = 0;
        r->hits[i].results = r;
        r->hits[i].rank = skip + i + 1;
        r->count = i + 1;
        uint32_t at = o->collapse ? pick.shown[skip + i].at : skip + i;
        int other = copies.at && copies.at[i] != GZ_COPY_OWN;
        const xap_mset *from = other ? copies.ties : mset;
        uint32_t from_at = other ? copies.at[i] : at;
        s = gz_hit_fill(index, enq, from, from_at, o, &r->hits[i]);
        if (s == XAP_OK && other)   /* its group's, not the copy's own 0 */
            s = xap_mset_collapse_count(mset, at, &r->hits[i].duplicates);
        /* the copies' match sees only copies as heavy as the page's
         * lightest hit; Xapian may have counted a lighter one */
        if (copies.copies && copies.copies[i] != GZ_COPY_OWN &&
            copies.copies[i] > r->hits[i].duplicates)
            r->hits[i].duplicates = copies.copies[i];
        if (s == XAP_OK && o->collapse)
            r->hits[i].duplicates += pick.shown[skip + i].hidden;
        if (s == XAP_OK)
            s = xap_mset_docid(from, from_at, &docid);
        if (s == XAP_OK)
            gz_location_of(index, docid, &r->hits[i].location);
    }
    /* the hits' matching terms are read: the snippets' query now */
    if (s == XAP_OK && o->snippet_length)
        s = gz_enquire_show_for_snippets(enq, q);
    xap_mset *stats = NULL;
    if (s == XAP_OK && o->snippet_length)
        s = gz_snippet_stats(enq, &stats);
    if (stats) {
        xap_mset_free(mset);
        mset = stats;
    }
    if (s == XAP_OK) {
        /* The result set keeps the match set for its snippets. */
        s = gz_results_keep_snippets(r, index, mset, q,
                                     strchr(text, '*') != NULL, o);
        mset = NULL;
    }
    /* last: it parses again, which the snippets' copy of the query's
     * scales no longer depends on */
    if (s == XAP_OK)
        s = drop_losing_suggestion(index, o, counts.lower, r);
    near_pick_free(&pick);
    gz_copies_free(&copies);
    xap_mset_free(mset);
    xap_enquire_free(enq);
    gz_facets_free(&spies);
    gz_feedback_free(&fb);
    xap_query_free(q);
    return s;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* 1 when `query` has a proximity operator (NEAR, ADJ, NEAR/n...). */
static int has_proximity(const char *query)
{
    int near = 0;
    for (const char *p = query; *p && !near; p++)
        if ((p == query || p[-1] == ' ' || p[-1] == '(') &&
            (strncmp(p, "NEAR", 4) == 0 || strncmp(p, "ADJ", 3) == 0))
            near = gz_query_is_proximity(p, strcspn(p, " ()"));
    return near;
}

/* 1 when `query` has a CJK character and a proximity operator, which
 * Xapian's parser of CJK n-grams reads as no single word. */
static int cjk_proximity(const char *query)
{
    return has_proximity(query) && gz_cjk_count(query, strlen(query), 1);
}

/* 1 when a word of `query` starts with '-' (an exclusion). */
static int has_exclusion(const char *query)
{
    for (const char *p = query; *p; p++)
        if (*p == '-' && (p == query || p[-1] == ' ' || p[-1] == '('))
            return 1;
    return 0;
}

/* The first field of `query` whose value, not quoted, has a bracket in
 * it ('url:https://en.wikipedia.org/wiki/Gaza_(city)'): [*at, *at+*n),
 * the field's name up to its ':' in *name_n; 0 when none. Xapian reads
 * the bracket as the start of a group. */
static int bracket_in_value(const char *query, const char **at, size_t *n,
                            size_t *name_n)
{
    /* white space and every control character end a word, as they do
     * for Xapian's parser, and are never echoed in the hint */
    static const char blank[] = " \t\n\v\f\r\x01\x02\x03\x04\x05\x06\x07"
                                "\x08\x0e\x0f\x10\x11\x12\x13\x14\x15\x16"
                                "\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f";
    for (const char *p = query + strspn(query, blank); *p;
         p += strspn(p, blank)) {
        size_t len = strcspn(p, blank);
        const char *w = p;   /* the word less its signs and brackets */
        size_t wl = len;
        while (wl && (*w == '(' || *w == '+' || *w == '-')) {
            w++;
            wl--;
        }
        size_t name = strcspn(w, ": \t");
        if (name > 0 && name + 1 < wl && w[name + 1] != '"' &&
            w[name + 1] != '(' && memchr(w + name + 1, '(', wl - name - 1) &&
            gz_field_by_name(w, name)) {
            *at = w;
            *n = wl;
            *name_n = name;
            return 1;
        }
        p += len;
    }
    return 0;
}

/* The hints of grammar_failed. */
static const char near_hint[] = "NEAR and ADJ go between single words, not "
                                "phrases, groups or wildcards";
static const char not_hint[] = "to exclude a group or a phrase, write NOT: "
                               "'gaza NOT (hamas OR israel)', 'NOT \"gaza "
                               "truce\"'";

/* When the first word of `query` (brackets aside) is NEAR or ADJ (with
 * or without /n), or the last one is NEAR or ADJ without /n, that word in
 * [*at, *at + *n) and 1 when it lacks a word before it (first) or 2
 * after it (last); else 0. A last NEAR/n is no error to Xapian (it reads
 * "snow NEAR/3" as the words snow and "near 3"): what it refused is
 * elsewhere. */
static int proximity_at_edge(const char *query, const char **at, size_t *n)
{
    const char *p = query, *end = query + strlen(query);
    while (p < end && gz_query_ends_token(*p))
        p++;
    const char *q = p;
    while (q < end && !gz_query_ends_token(*q))
        q++;
    if (gz_query_is_proximity(p, (size_t)(q - p))) {
        *at = p;
        *n = (size_t)(q - p);
        return 1;
    }
    for (q = end; q > query && gz_query_ends_token(q[-1]); q--)
        ;
    for (p = q; p > query && !gz_query_ends_token(p[-1]); p--)
        ;
    if (!gz_query_is_proximity(p, (size_t)(q - p)) ||
        memchr(p, '/', (size_t)(q - p)))
        return 0;
    *at = p;
    *n = (size_t)(q - p);
    return 2;
}

/* The first sign ('+' or '-', or a run of them) of `query` that starts a
 * word but has no word after it: at the end of the query, or just before
 * a ')' ("gaza +", "(gaza -) truce"), outside quotes; NULL when none.
 * Xapian's lexer skips a sign before a space ("gaza - truce" is gaza
 * truce) but its grammar fails on one before a ')', and the strict
 * check, which parses the query in brackets, meets one at the end so. */
static const char *sign_without_word(const char *query)
{
    int quoted = 0;
    for (const char *p = query; *p; p++) {
        if (*p == '"')
            quoted = !quoted;
        if (quoted || (*p != '+' && *p != '-') ||
            (p > query && !gz_query_ends_token(p[-1])))
            continue;
        const char *q = p + strspn(p, "+-");
        const char *after = q + strspn(q, " \t\n\r\v\f");
        if (*q == ')' || *after == '\0')
            return p;
        p = q - 1;
    }
    return NULL;
}

/* QUERY_SYNTAX for `query`, which Xapian's grammar cannot read where it
 * would have searched the words alone, operators and signs ignored
 * (XAP_QP_FLAG_STRICT), with a hint at what in it is the likely cause. */
static gazette_status_t grammar_failed(const char *query)
{
    const char *at;
    size_t n, name;
    const char *sign = sign_without_word(query);
    if (sign)   /* "gaza +": no NEAR, group or phrase to blame */
        return gz_fail(GAZETTE_STATUS_QUERY_SYNTAX,
                       "cannot understand the query: '%c' has no word after "
                       "it (write a sign against its word, '+truce' to "
                       "require truce or '-truce' to exclude it, or leave "
                       "it out)",
                       *sign);
    int edge = proximity_at_edge(query, &at, &n);
    if (edge)   /* "snow NEAR": not a matter of phrases or groups */
        return gz_fail(GAZETTE_STATUS_QUERY_SYNTAX,
                       "cannot understand the query: '%.*s' needs a word "
                       "%s it (NEAR and ADJ go between two words: 'truce "
                       "NEAR/5 talks'; for the word, write it in lower case)",
                       (int)(n > 16 ? 16 : n), at,
                       edge == 1 ? "before" : "after");
    if (bracket_in_value(query, &at, &n, &name))
        return gz_fail(GAZETTE_STATUS_QUERY_SYNTAX,
                       "cannot understand the query: a field's value with "
                       "a bracket in it goes in quotes (%.*s\"%.*s\")",
                       (int)name + 1, at, (int)(n - name - 1),
                       at + name + 1);
    /* both hints when the query has both, or neither */
    int near = has_proximity(query), minus = has_exclusion(query);
    int both = near == minus;
    return gz_fail(GAZETTE_STATUS_QUERY_SYNTAX,
                   "cannot understand the query: its operators do not fit "
                   "together (%s%s%s)", near || both ? near_hint : "",
                   both ? "; " : "", minus || both ? not_hint : "");
}

/* QUERY_SYNTAX for `query`, which Xapian's grammar refused with `msg`
 * ("Syntax: <expression> NOT <expression>", its grammar rule for the
 * operator that lacks a word), in Gazette's words: the operator and the
 * side that lacks its word, as gz_query_check says it, or at least the
 * operator Xapian names; never Xapian's grammar text. */
static gazette_status_t grammar_refused(const char *query, const char *msg)
{
    char missing[GZ_ERROR_SIZE];
    if (gz_query_operator_without_word(query, missing, sizeof missing))
        return gz_fail(GAZETTE_STATUS_QUERY_SYNTAX, "%s", missing);
    static const char rule[] = "Syntax: <expression> ";
    const char *op = strstr(msg, rule);
    const char *end = op ? strstr(op + strlen(rule), " <expression>") : NULL;
    if (end)
        return gz_fail(GAZETTE_STATUS_QUERY_SYNTAX,
                       "cannot understand the query: '%.*s' lacks a word on "
                       "one side (an operator such as AND, OR, NOT needs a "
                       "word on each side)",
                       (int)(end - op - strlen(rule)), op + strlen(rule));
    return gz_fail(GAZETTE_STATUS_QUERY_SYNTAX,
                   "cannot understand the query: an operator such as AND, "
                   "OR, NOT needs a word on each side");
}

/* A failed search of `query` in words a person can act on (the thread's
 * message). */
static gazette_status_t search_failed(gazette_index_t *index,
                                      const char *query, xap_status s)
{
    const char *msg = xap_last_error();
    if (index->failure[0])
        return gz_index_fail(index, s, "search failed");
    char alone[GZ_ERROR_SIZE];
    if ((s == XAP_ERR_QUERY_GRAMMAR || s == XAP_ERR_QUERY_PARSE) &&
        gz_query_operators_alone(query, alone, sizeof alone))
        return gz_fail(GAZETTE_STATUS_QUERY_SYNTAX, "%s", alone);
    if (s == XAP_ERR_QUERY_GRAMMAR && index->cjk_ngrams &&
        cjk_proximity(query))
        return gz_fail(GAZETTE_STATUS_QUERY_SYNTAX,
                       "cannot understand the query: NEAR and ADJ go "
                       "between single words, and Chinese, Japanese or "
                       "Korean text is none to them (it is searched as "
                       "its characters): search those words without NEAR "
                       "or ADJ, or as a phrase");
    if (s == XAP_ERR_WILDCARD)
        return gz_fail(GAZETTE_STATUS_QUERY_SYNTAX,
                       "a wildcard in the query matches more than %u words; "
                       "make the part before '*' longer",
                       MAX_WILDCARD_EXPANSION);
    if (s == XAP_ERR_QUERY_GRAMMAR)
        return grammar_failed(query);
    /* Xapian parses "caps:x16- NEAR/7 t" (a field's word made a group)
     * and refuses it only when matching: the query's fault, not ours */
    if (s == XAP_ERR_UNIMPLEMENTED &&
        (has_proximity(query) || strstr(msg, "OP_NEAR and OP_PHRASE")))
        return gz_fail(GAZETTE_STATUS_QUERY_SYNTAX,
                       "cannot understand the query: its operators do not "
                       "fit together (%s)", near_hint);
    /* Xapian's grammar errors read "Syntax: <expression> AND
     * <expression>"; other refusals (the shim's XOR limit) carry their
     * own reason. */
    if (s == XAP_ERR_QUERY_PARSE &&
        (strstr(msg, "Syntax:") || !strchr(msg, ':')))
        return grammar_refused(query, msg);
    if (s == XAP_ERR_QUERY_PARSE)
        return gz_fail(GAZETTE_STATUS_QUERY_SYNTAX,
                       "cannot understand the query:%s",
                       strchr(msg, ':') + 1);
    if (s == XAP_ERR_DB_CORRUPT && *gz_ranking_damage())
        return gz_index_damaged(index, gz_ranking_damage());
    return gz_index_fail(index, s, "search failed");
}

/* QUERY_SYNTAX with the thread's message saying that `query` has nothing
 * to search for, with a hint at the likely slip. */
static gazette_status_t nothing_to_search(const char *query)
{
    const char *hint = strchr(query, '*') ? " (a wildcard needs letters "
                                            "before '*')"
                       : strchr(query, ':') ? " (a field such as title: "
                                              "needs a word after it)"
                       : *query ? " (it has no word)"
                                : "";
    return gz_fail(GAZETTE_STATUS_QUERY_SYNTAX,
                   "the query has nothing to search for%s", hint);
}

/* The query as the parser will see it (capitals folded, dates and
 * operators normalised): a new string in *text, and `query` made safe
 * to parse (gz_query_clean) in *clean, which the search goes on with; or
 * a status with the thread's message set (and both NULL). */
static gazette_status_t prepare_text(const char *query, char **clean,
                                     char **text)
{
    char *err = gz_thread_error();
    char *folded = NULL;
    err[0] = '\0';
    *text = *clean = NULL;
    size_t bytes = strnlen(query, GAZETTE_MAX_QUERY_BYTES + 1);
    if (bytes > GAZETTE_MAX_QUERY_BYTES)
        return gz_fail(GAZETTE_STATUS_QUERY_SYNTAX,
                       "the query is longer than %u bytes",
                       GAZETTE_MAX_QUERY_BYTES);
    int cleaned = gz_query_clean(query, clean, err, GZ_ERROR_SIZE);
    if (cleaned != 0)
        return cleaned == -1 ? GAZETTE_STATUS_QUERY_SYNTAX
                             : gz_fail(GAZETTE_STATUS_OUT_OF_MEMORY,
                                       "out of memory");
    if (gz_ranking_query_text(*clean, &folded) == XAP_OK)
        *text = gz_query_normalise(folded, NULL, NULL, err, GZ_ERROR_SIZE);
    free(folded);
    gazette_status_t status = GAZETTE_STATUS_OK;
    if (!*text)
        status = err[0] ? GAZETTE_STATUS_QUERY_SYNTAX
                        : gz_fail(GAZETTE_STATUS_OUT_OF_MEMORY,
                                  "out of memory");
    /* Nothing to look for: say so rather than return no hits. */
    else if ((*text)[strspn(*text, " \t\r\n\"()")] == '\0')
        status = nothing_to_search(query);
    else if (gz_query_check(*text, err, GZ_ERROR_SIZE) != 0)
        status = GAZETTE_STATUS_QUERY_SYNTAX;
    if (status != GAZETTE_STATUS_OK) {
        /* the checks quote the query, whose id: values keep their
         * control characters (gz_query_clean) */
        gz_one_line(err);
        free(*text);
        free(*clean);
        *text = *clean = NULL;
    }
    return status;
}

/* The handle's locations and warning, copied into `r` (it outlives the
 * handle). */
static xap_status copy_locations(const gazette_index_t *index,
                                 gazette_results_t *r)
{
    if (!(r->locations = calloc(index->nlocations, sizeof *r->locations)))
        return XAP_ERR_NOMEM;
    r->nlocations = index->nlocations;
    for (size_t i = 0; i < index->nlocations; i++)
        if (!(r->locations[i] = strdup(index->locations[i].name)))
            return XAP_ERR_NOMEM;
    return (r->warning = strdup(index->warning)) ? XAP_OK : XAP_ERR_NOMEM;
}

/* Run `text` (made from `query`) with the handle locked. A writer may
 * commit between our reopen and the read; Xapian then says
 * DatabaseModified and the whole search must be run again, by the rule
 * the open follows (gz_tries_more: ten tries, and while commits keep
 * overtaking it, two seconds). A --full switch may delete the database
 * under a running search: that is retried too (gz_index_refresh then
 * opens the new one), ten tries in all. A remote index that stops
 * answering during the search is left out and the search run again when
 * the handle allows it (GAZETTE_OPEN_SKIP_UNAVAILABLE); otherwise the
 * search fails naming it. */
static xap_status search_locked(gazette_index_t *index, const char *query,
                                const char *text,
                                const gazette_search_options_t *o,
                                gazette_results_t **out)
{
    xap_status s = XAP_ERR_DB_MODIFIED;
    gazette_results_t *r = NULL;
    gz_tries tries;
    gz_tries_start(&tries);
    while (gz_tries_more(&tries, s == XAP_ERR_DB_MODIFIED)) {
        gazette_results_free(r);
        if (!(r = calloc(1, sizeof *r)))
            return XAP_ERR_NOMEM;
        s = gz_index_refresh(index);
        if (s == XAP_OK)
            s = copy_locations(index, r);
        if (s == XAP_OK)
            s = run_search(index, query, text, o, r);
        if (s == XAP_ERR_NETWORK && !index->failure[0]) {
            s = gz_locations_lost_one(index);
            if (s != XAP_OK)
                break;
            s = XAP_ERR_NETWORK;
            continue;
        }
        if (s != XAP_ERR_DB_MODIFIED && s != XAP_ERR_DB_NOT_FOUND &&
            s != XAP_ERR_DB_OPENING)
            break;
    }
    if (s != XAP_OK) {
        gazette_results_free(r);
        r = NULL;
    }
    *out = r;
    return s;
}

gazette_status_t gazette_search(gazette_index_t *index, const char *query,
                                const gazette_search_options_t *opts,
                                gazette_results_t **out)
{
    if (out)
        *out = NULL;
    if (!index || !query || !out)
        return gz_fail(GAZETTE_STATUS_INVALID_ARGUMENT,
                       "gazette_search: NULL argument");
    double start = now_ms();
    const gazette_search_options_t *o = opts ? opts : &gz_default_search_options;
    char *text = NULL, *clean = NULL;
    gazette_status_t status = prepare_text(query, &clean, &text);
    if (status != GAZETTE_STATUS_OK)
        return status;
    const char *typed = query;   /* for the hint of nothing_to_search */
    query = clean;
    gazette_results_t *r = NULL;
    gz_sigpipe sp;
    pthread_mutex_lock(&index->guard->mutex);
    gz_index_sigpipe_block(index, &sp);
    xap_status s = search_locked(index, query, text, o, &r);
    /* In words while the lock is held: the failure a location left in
     * the handle is another thread's to clear once it is released. */
    gazette_status_t failed = s == XAP_OK ? GAZETTE_STATUS_OK
                              : index->parsed_nothing
                                  ? nothing_to_search(typed)
                                  : search_failed(index, query, s);
    if (s == XAP_OK) {   /* its match sets are the handle's: see guard */
        r->guard = index->guard;
        index->guard->refs++;
    }
    gz_sigpipe_restore(&sp);
    pthread_mutex_unlock(&index->guard->mutex);
    free(text);
    free(clean);
    if (s != XAP_OK)
        return failed;
    r->milliseconds = now_ms() - start;
    *out = r;
    gz_thread_error()[0] = '\0';
    return GAZETTE_STATUS_OK;
}
