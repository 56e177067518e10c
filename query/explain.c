/* explain.c - which query words a hit matched, and what each weighed. */
#include "search_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ranking.h"

/* The walk over a hit's matching terms; `nomem` says it stopped short. */
typedef struct term_walk {
    gazette_hit_t *hit;
    int nomem;
} term_walk;

/* Record a matching index `term` of the hit in ctx (a term_walk *), as
 * its own copy in the term list. Returns non-zero (stop) when out of
 * memory. */
static int append_term(const char *term, void *ctx)
{
    term_walk *walk = ctx;
    gazette_hit_t *hit = walk->hit;
    size_t n = hit->nterms;
    char **items = realloc(hit->terms, (n + 1) * sizeof *items);
    walk->nomem = 1;
    if (!items)
        return 1;
    hit->terms = items;
    if (!(items[n] = strdup(term)))
        return 1;
    hit->nterms = n + 1;
    walk->nomem = 0;
    return 0;
}

/* An index term as the public API speaks of it: "[field:]word", the
 * field named when it is not the body, the stem for stemmed terms
 * ("ZSpaus" is "title:paus"). A new string, or NULL when out of memory. */
static char *term_for_people(const char *term)
{
    const char *word = term;
    if (strncmp(word, GZ_STEM_PREFIX, strlen(GZ_STEM_PREFIX)) == 0)
        word += strlen(GZ_STEM_PREFIX);
    const gz_field *f = gz_field_of_term(term);
    if (f && !f->name)
        return strdup(term);   /* an internal term: shown as stored */
    if (f)
        word += strlen(f->prefix);
    size_t n = (f ? strlen(f->name) + 1 : 0) + strlen(word) + 1;
    char *out = malloc(n);
    if (out && f)
        snprintf(out, n, "%s:%s", f->name, word);
    else if (out)
        snprintf(out, n, "%s", word);
    return out;
}

/* Replace the hit's index terms by their public form and join them into
 * matching_terms. */
static xap_status terms_for_people(gazette_hit_t *hit)
{
    size_t total = 1;
    for (size_t t = 0; t < hit->nterms; t++) {
        char *shown = term_for_people(hit->terms[t]);
        if (!shown)
            return XAP_ERR_NOMEM;
        free(hit->terms[t]);
        hit->terms[t] = shown;
        total += strlen(shown) + 1;
    }
    if (!(hit->matching_terms = malloc(total)))
        return XAP_ERR_NOMEM;
    char *p = hit->matching_terms;
    *p = '\0';
    for (size_t t = 0; t < hit->nterms; t++)
        p += sprintf(p, "%s%s", t ? " " : "", hit->terms[t]);
    return XAP_OK;
}

/*
 * Weighing one matching term of one hit: the match of the term alone
 * (ranked as searches are: its share of the hit's weight, as BM25 adds the
 * terms' weights up; feedback terms that re-rank are not among them), kept
 * to the hit. It used to be kept to the hit by the hit's id term (Q...),
 * a B-tree key the search itself never looks up. Xapian 1.4's glass
 * tables trust the directory of a block: in a damaged one, a lookup reads
 * tens of kilobytes past the block (tests/test_faults.c), so a search
 * that answered could crash under --explain, and a damaged id key hid the
 * document and gave every term a weight of 0. So over local indexes the
 * match is kept to the documents having all the hit's matching terms
 * (each looked up by the search already), then to the hit by document
 * number (xap_enquire_weight_of_doc). Xapian refuses that over a remote
 * index, whose lookups run in its server, not here: there the id term
 * still does it.
 */
typedef struct hit_filter {
    xap_query *filter;   /* documents that include the hit */
    xap_docid docid;     /* the hit; 0: `filter` is the hit alone */
} hit_filter;

/* The filter of `hit` (document `docid`, its matching terms found) into
 * *f: all its matching terms, or over a remote index its id term. Free
 * with xap_query_free(f->filter). */
static xap_status hit_filter_new(const gazette_index_t *index,
                                 const gazette_hit_t *hit, xap_docid docid,
                                 hit_filter *f)
{
    *f = (hit_filter){NULL, docid};
    if (gz_index_searches_remote(index)) {
        char id_term[GZ_TERM_BUF];
        gz_make_term(GZ_PREFIX_ID, hit->fields.id, id_term, sizeof id_term);
        f->docid = 0;
        return xap_query_new_term(id_term, 1, 0, &f->filter);
    }
    xap_query **terms = calloc(hit->nterms ? hit->nterms : 1, sizeof *terms);
    xap_status s = terms ? XAP_OK : XAP_ERR_NOMEM;
    size_t n = 0;
    for (; s == XAP_OK && n < hit->nterms; n++)
        s = xap_query_new_term(hit->terms[n], 1, 0, &terms[n]);
    if (s == XAP_OK)
        s = xap_query_new_combine(XAP_OP_AND,
                                  (const xap_query *const *)terms, n, 0,
                                  &f->filter);
    for (size_t t = 0; terms && t < n; t++)
        xap_query_free(terms[t]);
    free(terms);
    return s;
}

/* The weight `term` alone gives the hit `only` keeps to, into *out (0
 * when the match misses it). */
static xap_status term_weight(gazette_index_t *index, const hit_filter *only,
                              const char *term, double *out)
{
    xap_query *t = NULL, *both = NULL;
    xap_enquire *enq = NULL;
    xap_mset *mset = NULL;
    *out = 0;
    int matched = 0;
    xap_status s = xap_query_new_term(term, 1, 1, &t);
    if (s == XAP_OK) {
        const xap_query *subs[2] = {t, only->filter};
        s = xap_query_new_combine(XAP_OP_FILTER, subs, 2, 0, &both);
    }
    if (s == XAP_OK)
        s = xap_enquire_new(index->db, &enq);
    if (s == XAP_OK)
        s = gz_ranking_set_weighting(enq);
    if (s == XAP_OK)
        s = xap_enquire_set_query(enq, both, 0);
    if (s == XAP_OK && only->docid)
        s = xap_enquire_weight_of_doc(enq, only->docid, &matched, out);
    else if (s == XAP_OK)
        s = xap_enquire_get_mset(enq, 0, 1, 0, NULL, &mset);
    if (s == XAP_OK && xap_mset_size(mset) > 0)
        s = xap_mset_weight(mset, 0, out);
    xap_mset_free(mset);
    xap_enquire_free(enq);
    xap_query_free(both);
    xap_query_free(t);
    return s;
}

/* 1 when `hit` is an article in capitals (GZ_TERM_TEXT_IN_CAPITALS among
 * its matching terms) with no marker of the plain word `word`: it matched
 * the word in capitals by that word alone (query/capitals.c). */
static int matched_in_capitals(const gazette_hit_t *hit, const char *word)
{
    int in_capitals = 0;
    for (size_t k = 0; k < hit->nterms; k++) {
        const gz_field *g = gz_field_of_term(hit->terms[k]);
        if (strcmp(hit->terms[k], GZ_TERM_TEXT_IN_CAPITALS) == 0)
            in_capitals = 1;
        else if (g && g->kind == GZ_KIND_CAPITALS &&
                 strcmp(hit->terms[k] + strlen(g->prefix), word) == 0)
            return 0;
    }
    return in_capitals;
}

/* The weight of matching term `t` of `hit` into hit->term_weights[t]: a
 * capitals marker (query/capitals.c) weighs what the search gave the word
 * (the first marker of the word to match takes it, the other 0; in an
 * article in capitals, which has none, its plain word takes it), any
 * other term what term_weight says. */
static xap_status capitals_or_term_weight(gazette_index_t *index,
                                          gazette_hit_t *hit, size_t t,
                                          const hit_filter *only)
{
    double w = gz_capitals_weight(index, hit->terms[t]);
    if (w < 0 && gz_capitals_plain_word(index, hit->terms[t])) {
        /* else only there for the highlights */
        hit->term_weights[t] =
            matched_in_capitals(hit, hit->terms[t])
                ? gz_capitals_plain_weight(index, hit->terms[t]) : 0;
        return XAP_OK;
    }
    if (w < 0)
        return term_weight(index, only, hit->terms[t],
                           &hit->term_weights[t]);
    const gz_field *f = gz_field_of_term(hit->terms[t]);
    const char *word = hit->terms[t] + strlen(f->prefix);
    for (size_t k = 0; k < t; k++) {
        const gz_field *g = gz_field_of_term(hit->terms[k]);
        if (g && g->kind == GZ_KIND_CAPITALS &&
            strcmp(hit->terms[k] + strlen(g->prefix), word) == 0)
            w = 0;   /* the word's weight went to an earlier marker */
    }
    hit->term_weights[t] = w;
    return XAP_OK;
}

/* The name xap_query_snippet_parts gets: the term itself. */
static const char *same_term(const char *term, void *ctx)
{
    (void)ctx;
    return term;
}

/* 1 when `caps` pairs the hit's term `t` with none of its terms: the
 * plain term of a word in capitals whose markers the hit does not have. */
static int unmarked(const gz_capitals_terms *caps, const gazette_hit_t *hit,
                    size_t t)
{
    if (gz_capitals_form(caps, hit->terms[t]) == GZ_FORM_ANY)
        return 0;
    for (size_t k = 0; k < hit->nterms; k++)
        if (gz_capitals_marker_of(caps, hit->terms[t], hit->terms[k]))
            return 0;
    return 1;
}

/* Leave out of the hit's matching terms the plain term of a word in
 * capitals (gz_capitals_terms_of) when none of its markers matched:
 * Xapian lists each term of the query that the article has, so "It
 * rained", found by "department", listed `it` for "IT department", and
 * "hearing aids" `aid`, with a weight, for "AIDS research". The enquire
 * runs the query's wanted parts (gz_enquire_show_wanted), markers kept. */
static xap_status drop_unmarked_capitals(const xap_enquire *enq,
                                         gazette_hit_t *hit)
{
    xap_query *q = NULL;
    gz_capitals_terms caps;
    xap_status s = xap_enquire_get_query(enq, &q);
    if (s == XAP_OK)
        s = gz_capitals_terms_of(q, same_term, NULL, &caps);
    xap_query_free(q);
    if (s != XAP_OK)
        return s;
    size_t kept = 0;
    char **drop = calloc(hit->nterms ? hit->nterms : 1, sizeof *drop);
    if (!drop) {
        gz_capitals_terms_free(&caps);
        return XAP_ERR_NOMEM;
    }
    for (size_t t = 0; t < hit->nterms; t++)   /* decided before moving */
        drop[t] = unmarked(&caps, hit, t) ? hit->terms[t] : NULL;
    for (size_t t = 0; t < hit->nterms; t++)
        if (drop[t])
            free(drop[t]);
        else
            hit->terms[kept++] = hit->terms[t];
    hit->nterms = kept;
    free(drop);
    gz_capitals_terms_free(&caps);
    return XAP_OK;
}

/* Leave GZ_TERM_TEXT_IN_CAPITALS out of the hit's matching terms and
 * their weights (0), once these are weighed: it is no word of the query,
 * and in an article in capitals its plain words say what matched. */
static void drop_text_in_capitals(gazette_hit_t *hit)
{
    size_t kept = 0;
    for (size_t t = 0; t < hit->nterms; t++) {
        if (strcmp(hit->terms[t], GZ_TERM_TEXT_IN_CAPITALS) == 0) {
            free(hit->terms[t]);
            continue;
        }
        hit->term_weights[kept] = hit->term_weights[t];
        hit->terms[kept++] = hit->terms[t];
    }
    hit->nterms = kept;
}

/* Explain hit `i` of `mset`: its matching terms and each one's weight. */
xap_status gz_hit_explain(gazette_index_t *index, const xap_enquire *enq,
                          const xap_mset *mset, uint32_t i,
                          gazette_hit_t *hit)
{
    xap_docid id = 0;
    hit_filter only = {NULL, 0};
    term_walk walk = {hit, 0};
    xap_status s = xap_mset_docid(mset, i, &id);
    if (s == XAP_OK)
        s = xap_enquire_each_matching_term(enq, id, append_term, &walk);
    if (s == XAP_OK && walk.nomem)
        s = XAP_ERR_NOMEM;
    if (s == XAP_OK)
        s = drop_unmarked_capitals(enq, hit);
    if (s == XAP_OK && hit->nterms &&
        !(hit->term_weights = calloc(hit->nterms, sizeof(double))))
        s = XAP_ERR_NOMEM;
    if (s == XAP_OK && hit->nterms)
        s = hit_filter_new(index, hit, id, &only);
    for (size_t t = 0; s == XAP_OK && t < hit->nterms; t++)
        s = capitals_or_term_weight(index, hit, t, &only);
    xap_query_free(only.filter);
    if (s == XAP_OK && hit->nterms)
        drop_text_in_capitals(hit);
    if (s == XAP_OK)
        s = terms_for_people(hit);
    return s;
}
