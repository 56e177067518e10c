/*
 * ranking.c - libgazette's ranking policy (ranking.h).
 *
 * Measured on six judged collections with bench/relevance/run.sh; the
 * numbers behind every default are in docs/relevance.md.
 */
#include "ranking.h"
#include "query_text.h"
#include "ascii.h"

#include "schema.h"
#include "stoplist.h"
#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* The defaults, chosen on the judged collections (docs/relevance.md has
 * the measurements): BM25 with a stronger term-frequency saturation point
 * and length normalisation than Xapian's k1=1, b=0.5; the stoplist and
 * capitals folding on; a light feedback step (5 documents, 5 terms found
 * in at least 2 of them, weight 0.2). k3 has no effect (the parser gives every query word its own
 * subquery) and BM25+ lost everywhere, so both stay neutral. */
#define RANKING_DEFAULTS                                                   \
    {                                                                      \
        .k1 = 2.0, .b = 0.75, .min_normlen = 0.5, .k3 = 1, .delta = 0,     \
        .stopwords = 1, .fold_capitals = 1,                                \
        .prf_docs = 5, .prf_terms = 5, .prf_weight = 0.2,                  \
        .prf_min_docs = 2,                                                 \
    }

const gz_ranking_params gz_ranking_defaults = RANKING_DEFAULTS;

/* What searches use: the defaults unless a benchmark replaced them. */
static gz_ranking_params params = RANKING_DEFAULTS;

void gz_ranking_set_params(const gz_ranking_params *p)
{
    params = p ? *p : gz_ranking_defaults;
}


/* 1 when `word` is one of the lines of `keep` (NULL: none). */
static int kept(const char *word, const char *keep)
{
    size_t n = strlen(word);
    for (const char *p = keep; p && *p;) {
        size_t len = strcspn(p, "\n");
        if (len == n && memcmp(p, word, n) == 0)
            return 1;
        p += len + (p[len] == '\n');
    }
    return 0;
}

xap_status gz_ranking_set_stoplist(xap_queryparser *qp, const char *keep)
{
    if (!params.stopwords)
        return XAP_OK;
    const char *list[GZ_STOPWORDS_MAX];
    size_t n = 0;
    for (size_t i = 0; i < gz_nstopwords && n < GZ_STOPWORDS_MAX; i++)
        if (!kept(gz_stopwords[i], keep))
            list[n++] = gz_stopwords[i];
    xap_stopper *stopper = NULL;
    xap_status s = xap_stopper_new(list, n, &stopper);
    /* The query parser keeps its own reference to the stopper. */
    if (s == XAP_OK)
        s = xap_queryparser_set_stopper(qp, stopper);
    xap_stopper_free(stopper);
    return s;
}

xap_status gz_ranking_setup_queryparser(xap_queryparser *qp)
{
    return gz_ranking_set_stoplist(qp, NULL);
}

/* 1 when the letters [w, w+n) spell one of Xapian's boolean operators. */
static int is_operator_word(const char *w, size_t n)
{
    static const char *const ops[] = {"AND", "OR", "NOT", "XOR", "NEAR",
                                      "ADJ"};
    for (size_t i = 0; i < sizeof ops / sizeof *ops; i++)
        if (n == strlen(ops[i]) && strncmp(w, ops[i], n) == 0)
            return 1;
    return 0;
}

/* The code point of the fullwidth Latin letter that starts `p` ("Ｎ",
 * "ｉ": folded to ASCII on both sides of the index, fold.h), its length
 * in *len; 0 when `p` starts none. */
static uint32_t fullwidth_letter(const char *p, size_t *len)
{
    const unsigned char *u = (const unsigned char *)p;
    uint32_t cp = 0;
    if (u[0] != 0xEF)
        return 0;
    *len = gz_utf8_next(u, u + strnlen(p, 4), &cp);
    return (cp >= 0xFF21 && cp <= 0xFF3A) || (cp >= 0xFF41 && cp <= 0xFF5A)
               ? cp : 0;
}

/* 1 when `text` has Latin letters, ASCII or fullwidth, none of them lower
 * case, and a word that is not an operator: a query typed with caps
 * lock, or copied from an all-capitals source ("ＮＨＫ" is "NHK"). A
 * query of operators alone ("AND AND") is left as
 * typed so that it is refused, with gz_query_operators_alone's message
 * (query_limits.h); with digits besides ("2024 OR 2023") its operators
 * stay operators. A query with Chinese, Japanese or Korean text
 * (gz_is_cjk), which has no case, is not one either: its words in
 * capitals ("WHO 事務局長") are written so, as beside lower-case words. */
static int all_capitals(const char *text)
{
    int plain_word = 0;
    for (const char *p = text; *p;) {
        size_t k = 0;
        uint32_t wide = fullwidth_letter(p, &k);
        if (gz_ascii_islower((unsigned char)*p) || wide >= 0xFF41 ||
            gz_cjk_at(p, strnlen(p, 4)))
            return 0;
        if (wide) {   /* never an operator: Xapian sees no such word */
            plain_word = 1;
            p += k;
            continue;
        }
        size_t n = 0;
        while (gz_ascii_isupper((unsigned char)p[n]))
            n++;
        if (n == 0) {
            p++;
            continue;
        }
        plain_word |= !is_operator_word(p, n);
        p += n;
    }
    return plain_word;
}

/* `query`, all in capitals, lower-cased into `out` (as long): its dotted
 * acronyms lose their dots ("U.S." is "us"), since once lower-cased they
 * would be letters ("u.s.", as "e.g." is) to the phrases and fields of
 * gz_query_normalise, which the index does not hold for "U.S.". */
static void lower_shouted(const char *query, char *out)
{
    size_t n = strlen(query);
    for (size_t i = 0; i < n;) {
        size_t k = gz_query_acronym_length(query, i, n);
        for (size_t j = i; j < i + (k ? k : 1); j++)
            if (!k || query[j] != '.')
                *out++ = (char)gz_ascii_tolower((unsigned char)query[j]);
        i += k ? k : 1;
    }
    *out = '\0';
}

/* `text` with its fullwidth capitals made lower case in place ("Ｎ"
 * U+FF2E to "ｎ" U+FF4E, of the same length): lower_shouted's for the
 * letters that fold to ASCII (fold.h). */
static void lower_fullwidth(char *text)
{
    for (char *p = text; *p;) {
        size_t k = 0;
        uint32_t wide = fullwidth_letter(p, &k);
        if (!wide) {
            p++;
            continue;
        }
        if (wide <= 0xFF3A)
            utf8proc_encode_char((utf8proc_int32_t)(wide + 0x20),
                                 (utf8proc_uint8_t *)p);
        p += k;
    }
}

xap_status gz_ranking_query_text(const char *query, char **out)
{
    char *text = strdup(query);
    if (!text)
        return XAP_ERR_NOMEM;
    if (params.fold_capitals && all_capitals(text)) {
        lower_shouted(query, text);
        lower_fullwidth(text);
    }
    *out = text;
    return XAP_OK;
}

/* 1 when a term can be a feedback term: a plain stemmed word ("Zword"):
 * no field prefix (title, author, boolean filters and the capitals terms
 * of indexer/capitals.h all start with capitals), no number, no stopword.
 * Raw (unstemmed) terms are left out so a word is not added twice. */
static int expansion_term_ok(const char *term)
{
    if (term[0] != 'Z' || !gz_ascii_islower((unsigned char)term[1]))
        return 0;
    return !gz_is_stopword(term + 1);
}

/* Why the last expansion refused a document (per thread). */
static _Thread_local char damage[160];

const char *gz_ranking_damage(void)
{
    return damage;
}

/* The glass backend's longest term. */
#define MAX_TERM_BYTES 245

/* Walking one term list, checking it is what Xapian wrote. */
typedef struct termlist_check {
    char prev[MAX_TERM_BYTES];
    size_t prev_len;
    size_t count;
    int bad;
} termlist_check;

static int check_term(const char *term, size_t len, unsigned wdf, void *ctx)
{
    (void)wdf;
    termlist_check *c = ctx;
    int order = 0;
    if (c->count) {
        size_t common = len < c->prev_len ? len : c->prev_len;
        order = memcmp(c->prev, term, common);
        if (order == 0)
            order = c->prev_len < len ? -1 : c->prev_len > len ? 1 : 0;
    }
    if (len == 0 || len > MAX_TERM_BYTES || (c->count && order >= 0)) {
        c->bad = 1;
        return 1;
    }
    memcpy(c->prev, term, len);
    c->prev_len = len;
    c->count++;
    return 0;
}

/*
 * Feedback candidates. Xapian weighs every term of the feedback documents
 * for the expansion, each weighing a term-frequency lookup in the index
 * (a B-tree search, often a read): a thousand lookups for five short
 * articles, ten times the cost of the query. Only terms found in at least
 * params.prf_min_docs of the documents are offered to Xapian: a third as
 * many, and a word that one document alone has says little about what
 * the query is about (mean MAP on the six judged collections rose from
 * 0.4434 to 0.4455, docs/relevance.md). And only terms that can become
 * feedback terms (expansion_term_ok): raw words, field, entity and
 * capitals terms were weighed, then dropped, each for a lookup; leaving
 * them out quartered the lookups (a fifth of a default search's
 * instructions) and left mean MAP as it was (docs/performance.md).
 */
typedef struct candidates {
    char **terms;   /* sorted, each once */
    size_t n;
} candidates;

/* One feedback document's terms, in byte order (as Xapian lists them). */
typedef struct term_list {
    char *text;     /* the terms, NUL-separated */
    size_t len, cap;
    size_t *at;     /* offset of each term in text */
    size_t n, cap_at, next;
} term_list;

static int keep_term(const char *term, size_t len, unsigned wdf, void *ctx)
{
    (void)wdf;
    term_list *l = ctx;
    if (l->len + len + 1 > l->cap) {
        size_t cap = (l->cap + len + 1) * 2;
        char *grown = realloc(l->text, cap);
        if (!grown)
            return 1;
        l->text = grown;
        l->cap = cap;
    }
    if (l->n == l->cap_at) {
        size_t cap = l->cap_at ? 2 * l->cap_at : 256;
        size_t *grown = realloc(l->at, cap * sizeof *grown);
        if (!grown)
            return 1;
        l->at = grown;
        l->cap_at = cap;
    }
    memcpy(l->text + l->len, term, len + 1);
    l->at[l->n++] = l->len;
    l->len += len + 1;
    return 0;
}

static const char *head_of(const term_list *l)
{
    return l->next < l->n ? l->text + l->at[l->next] : NULL;
}

/* Merge the sorted lists; keep in *c the terms found in at least `need`
 * of them. */
static xap_status merge_common(term_list *lists, size_t nlists, size_t need,
                               candidates *c)
{
    size_t cap = 0;
    for (;;) {
        const char *least = NULL;
        for (size_t i = 0; i < nlists; i++) {
            const char *t = head_of(&lists[i]);
            if (t && (!least || strcmp(t, least) < 0))
                least = t;
        }
        if (!least)
            return XAP_OK;
        size_t found = 0;
        const char *first = least;
        for (size_t i = 0; i < nlists; i++) {
            const char *t = head_of(&lists[i]);
            if (t && strcmp(t, first) == 0) {
                found++;
                if (t != first)
                    lists[i].next++;
            }
        }
        char *keep = NULL;
        if (found >= need && !(keep = strdup(first)))
            return XAP_ERR_NOMEM;
        for (size_t i = 0; i < nlists; i++)   /* the list `first` was in */
            if (head_of(&lists[i]) == first)
                lists[i].next++;
        if (!keep)
            continue;
        if (c->n == cap) {
            cap = cap ? 2 * cap : 64;
            char **grown = realloc(c->terms, cap * sizeof *grown);
            if (!grown) {
                free(keep);
                return XAP_ERR_NOMEM;
            }
            c->terms = grown;
        }
        c->terms[c->n++] = keep;
    }
}

static void free_candidates(candidates *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->terms[i]);
    free(c->terms);
    *c = (candidates){NULL, 0};
}

/* One feedback document's term list, checked (check_term) and kept
 * (keep_term) in one walk. */
typedef struct doc_walk {
    termlist_check check;
    term_list *list;
    int nomem;
} doc_walk;

static int check_and_keep(const char *term, size_t len, unsigned wdf,
                          void *ctx)
{
    doc_walk *w = ctx;
    if (check_term(term, len, wdf, &w->check))
        return 1;
    if (expansion_term_ok(term) && keep_term(term, len, wdf, w->list)) {
        w->nomem = 1;
        return 1;
    }
    return 0;
}

/*
 * The candidates of the first `ndocs` documents of `mset`, their term
 * lists checked on the way. Xapian's expansion (ESet) merges the term
 * lists of the feedback documents assuming each is in strictly ascending
 * order, and its glass term list decoder trusts the stored lengths; a
 * damaged list that xapian-check accepts (a byte changed inside a term)
 * makes it read past the data. The walk stops at the first term that is
 * empty, too long or out of order (so it reads at most one term past a
 * bad length): then the expansion is not run and the search fails with
 * XAP_ERR_DB_CORRUPT (damage says which document).
 */
static xap_status find_candidates(const xap_mset *mset, uint32_t ndocs,
                                  candidates *c)
{
    term_list *lists = calloc(ndocs, sizeof *lists);
    xap_status s = lists ? XAP_OK : XAP_ERR_NOMEM;
    for (uint32_t i = 0; s == XAP_OK && i < ndocs; i++) {
        xap_document *doc = NULL;
        doc_walk walk = {.check = {.count = 0}, .list = &lists[i]};
        s = xap_mset_document(mset, i, &doc);
        if (s == XAP_OK)
            s = xap_document_each_term(doc, "", check_and_keep, &walk);
        xap_docid id = 0;
        if (s == XAP_OK && walk.check.bad &&
            xap_mset_docid(mset, i, &id) == XAP_OK) {
            snprintf(damage, sizeof damage,
                     "the term list of document %u is out of order or "
                     "truncated (term %zu)", (unsigned)id,
                     walk.check.count + 1);
            s = XAP_ERR_DB_CORRUPT;
        }
        if (s == XAP_OK && walk.nomem)
            s = XAP_ERR_NOMEM;
        xap_document_free(doc);
    }
    size_t need = params.prf_min_docs < ndocs ? params.prf_min_docs : ndocs;
    if (s == XAP_OK)
        s = merge_common(lists, ndocs, need ? need : 1, c);
    for (uint32_t i = 0; lists && i < ndocs; i++) {
        free(lists[i].text);
        free(lists[i].at);
    }
    free(lists);
    return s;
}

static int cmp_term(const void *key, const void *item)
{
    return strcmp((const char *)key, *(char *const *)item);
}

/* ExpandDecider: `term` is a candidate. */
static int is_candidate(const char *term, void *ctx)
{
    const candidates *c = ctx;
    /* no candidate: terms is NULL, which bsearch may not be given */
    return c->n > 0 &&
           bsearch(term, c->terms, c->n, sizeof *c->terms, cmp_term) != NULL;
}

/*
 * expansion_query - pseudo-relevance feedback. Takes the top
 * params.prf_docs hits of the query already set on `enq` as relevant, asks
 * Xapian for the best expansion terms (its ESet, Robertson's selection
 * value) among the candidates (find_candidates) and builds
 * OR(term_i scaled by prf_weight * w_i / w_best) over the best
 * params.prf_terms of them, in fb->expansion (NULL when the first pass
 * found nothing to expand with).
 */
static xap_status expansion_query(xap_enquire *enq, gz_feedback *fb)
{
    xap_mset *mset = NULL;
    xap_rset *rset = NULL;
    xap_eset *eset = NULL;
    xap_query **subs = NULL;
    size_t nsubs = 0;
    uint32_t ndocs = 0, nterms = 0;
    xap_status s = xap_enquire_get_mset(enq, 0, params.prf_docs, 0, NULL,
                                        &mset);
    if (s == XAP_OK)
        ndocs = xap_mset_size(mset);
    /* The candidates first: their walk checks the term lists before
     * Xapian's expansion reads them. */
    candidates cands = {NULL, 0};
    if (s == XAP_OK && ndocs > 0)
        s = find_candidates(mset, ndocs, &cands);
    if (s == XAP_OK && ndocs > 0)
        s = xap_rset_new(&rset);
    for (uint32_t i = 0; s == XAP_OK && rset && i < ndocs; i++) {
        xap_docid id = 0;
        s = xap_mset_docid(mset, i, &id);
        if (s == XAP_OK)
            s = xap_rset_add(rset, id);
    }
    /* Exact frequencies: several indexes searched as one rank as the
     * single index holding them all would. No candidate (an unstemmed
     * index has no plain stemmed words): nothing for Xapian to weigh. */
    if (s == XAP_OK && rset && cands.n > 0)
        s = xap_enquire_get_eset_filtered(enq, params.prf_terms, rset,
                                          XAP_ESET_EXACT_TERMFREQ,
                                          is_candidate, &cands, &eset);
    free_candidates(&cands);
    if (s == XAP_OK && eset)
        s = xap_eset_size(eset, &nterms);
    if (s == XAP_OK && nterms > 0 && !(subs = calloc(nterms, sizeof *subs)))
        s = XAP_ERR_NOMEM;
    double top = 0;
    for (uint32_t i = 0; s == XAP_OK && i < nterms; i++) {
        const char *term = NULL;
        double w = 0;
        s = xap_eset_term(eset, i, &term, &w);
        if (s != XAP_OK || w <= 0)
            continue;
        if (top == 0)
            top = w;
        xap_query *t = NULL;
        s = xap_query_new_term(term, 1, 0, &t);
        if (s == XAP_OK)
            s = xap_query_new_scaled(t, params.prf_weight * w / top,
                                     &subs[nsubs]);
        if (s == XAP_OK)
            nsubs++;
        xap_query_free(t);
    }
    if (s == XAP_OK && nsubs > 0)
        s = xap_query_new_combine(XAP_OP_OR, (const xap_query *const *)subs,
                                  nsubs, 0, &fb->expansion);
    for (size_t i = 0; i < nsubs; i++)
        xap_query_free(subs[i]);
    free(subs);
    xap_eset_free(eset);
    xap_rset_free(rset);
    xap_mset_free(mset);
    return s;
}

xap_status gz_ranking_set_weighting(xap_enquire *enq)
{
    return params.delta > 0
               ? xap_enquire_set_weighting_bm25plus(enq, params.k1, 0,
                                                    params.k3, params.b,
                                                    params.min_normlen,
                                                    params.delta)
               : xap_enquire_set_weighting_bm25(enq, params.k1, 0, params.k3,
                                                params.b, params.min_normlen);
}

/* Feedback learns from the top documents, so which of several of equal
 * weight make the top decides the whole ranking: in document order, two
 * builds of one corpus (-j), or one index and the same articles split
 * over several, ranked differently. Xapian reads the path value of every
 * document that could reach the page: 3% more instructions for a default
 * search, 9% for one without feedback, which so keeps document order
 * (docs/performance.md). */
xap_status gz_ranking_set_ties(xap_enquire *enq)
{
    return xap_enquire_set_sort_by_relevance_then_value(enq,
                                                        GZ_SLOT_FILE_PATH, 0);
}

/* gz_ranking_apply sets the ties on every query that weighs something
 * when feedback was asked for, before it knows whether feedback adds
 * any term. */
int gz_ranking_ties_by_path(const gz_feedback *fb)
{
    return fb->qmax > 0;
}

/* A match that asks for no hit: Xapian sets up the query's posting lists
 * and stops. */
xap_status gz_ranking_max_weight(xap_enquire *enq, double *qmax)
{
    xap_mset *mset = NULL;
    xap_status s = xap_enquire_get_mset(enq, 0, 0, 0, NULL, &mset);
    if (s == XAP_OK)
        s = xap_mset_max_possible(mset, qmax);
    xap_mset_free(mset);
    return s;
}

/* The feedback terms only reorder the matches of the user's query
 * (q AND_MAYBE feedback): every hit still matches what was typed, phrases
 * and filters keep their meaning, and the match count is the query's own.
 * Letting the terms add hits (OR) scored 0.4% more mean MAP, not worth
 * hits that contain none of the query's words (docs/relevance.md). */
xap_status gz_ranking_apply(xap_enquire *enq, const xap_query *q,
                            int feedback, gz_feedback *fb)
{
    damage[0] = '\0';
    *fb = (gz_feedback){NULL, -1};
    xap_status s = gz_ranking_set_weighting(enq);
    if (s == XAP_OK)
        s = xap_enquire_set_query(enq, q, 0);
    if (s != XAP_OK || !feedback || params.prf_docs == 0 ||
        params.prf_terms == 0)
        return s;
    /* A query that weighs nothing (filters alone) has no top documents,
     * only the first ones written: nothing to learn from them. */
    s = gz_ranking_max_weight(enq, &fb->qmax);
    if (s == XAP_OK && fb->qmax > 0)
        s = gz_ranking_set_ties(enq);
    if (s != XAP_OK || fb->qmax <= 0)
        return s;
    s = expansion_query(enq, fb);
    if (s == XAP_OK && fb->expansion)
        s = gz_ranking_set_query(enq, q, fb);
    return s;
}

/*
 * The right side of q AND_MAYBE feedback: fb->expansion (not NULL) OR
 * every document at weight 0, new in *out (the caller frees it).
 *
 * Xapian 1.4's matcher turns q AND_MAYBE feedback into q AND feedback once
 * the page's lowest weight is above what q can still give: q's greatest
 * weight, or less once the posting lists of some of its words have ended
 * (then only the rest count). It starts that AND one past the later of
 * the two sides' documents, and so skips the document the feedback side
 * stood on, ahead of q's, which may be the best hit (test_query's
 * test_pages_of_one_ranking; docs/performance.md, 2026-12-03). A right
 * side that matches every document stands on q's document whenever
 * Xapian looks at it, so nothing is skipped. It adds no weight and no
 * match (the hits are q's), and feedback's terms still let the matcher
 * skip what cannot reach the page.
 */
static xap_status anchored_feedback(const gz_feedback *fb, xap_query **out)
{
    xap_query *all = NULL, *nothing = NULL;
    xap_status s = xap_query_new_match_all(&all);
    if (s == XAP_OK)
        s = xap_query_new_scaled(all, 0, &nothing);
    const xap_query *either[2] = {fb->expansion, nothing};
    if (s == XAP_OK)
        s = xap_query_new_combine(XAP_OP_OR, either, 2, 0, out);
    xap_query_free(nothing);
    xap_query_free(all);
    return s;
}

xap_status gz_ranking_query(const xap_query *q, const gz_feedback *fb,
                            xap_query **out)
{
    if (!fb->expansion)
        return xap_query_new_combine(XAP_OP_AND_MAYBE, &q, 1, 0, out);
    xap_query *feedback = NULL;
    xap_status s = anchored_feedback(fb, &feedback);
    const xap_query *both[2] = {q, feedback};
    if (s == XAP_OK)
        s = xap_query_new_combine(XAP_OP_AND_MAYBE, both, 2, 0, out);
    xap_query_free(feedback);
    return s;
}

xap_status gz_ranking_set_query(xap_enquire *enq, const xap_query *q,
                                const gz_feedback *fb)
{
    if (!fb->expansion)
        return xap_enquire_set_query(enq, q, 0);
    xap_query *expanded = NULL;
    xap_status s = gz_ranking_query(q, fb, &expanded);
    if (s == XAP_OK)
        s = xap_enquire_set_query(enq, expanded, 0);
    xap_query_free(expanded);
    return s;
}

void gz_feedback_free(gz_feedback *fb)
{
    xap_query_free(fb->expansion);
    fb->expansion = NULL;
}

xap_status gz_ranking_finish(xap_enquire *enq, const xap_query *q)
{
    /* Without feedback the query on `enq` is already `q`. */
    if (params.prf_docs == 0 || params.prf_terms == 0)
        return XAP_OK;
    return xap_enquire_set_query(enq, q, 0);
}
