/* capitals.c - searching a word the query writes in capitals ("US", "IT",
 * "WHO", "NASA"): which field to search it in, and the query of that
 * field (docs/search.md, "Acronyms and capitals").
 *
 * The index marks each word written with capitals by a term of wdf 0
 * (indexer/capitals.h): GZ_PREFIX_UPPER when written in capitals,
 * GZ_PREFIX_CAPS when capitalised elsewhere than at a sentence start. The
 * query normaliser turns such a query word into upper:WORD or caps:WORD
 * (gz_capitals_field decides which); the parser hands that field to
 * capitals_query, which matches the marker terms and weighs the matches:
 * as the word in lower case would be, or, when that is a stopword, by
 * what the marked form is worth ("IT" is far rarer than "it", and BM25
 * gives a marker of wdf 0 no weight at all). An article whose text is in
 * capitals has no markers but GZ_TERM_TEXT_IN_CAPITALS: there every word
 * is written in capitals, so the plain word matches, weighted alike.
 */
#include "search_private.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stoplist.h"

/* Articles with `prefix` + [w, w+n), in *tf (0 for a word too long to be
 * a term). A failed read is returned, never taken for no article: a
 * damaged block made an acronym a plain word, or weighed it wrong, and
 * said nothing. */
static xap_status prefixed_freq(const gazette_index_t *index,
                                const char *prefix, const char *w, size_t n,
                                uint32_t *tf)
{
    char term[GZ_TERM_BUF];
    size_t plen = strlen(prefix);
    *tf = 0;
    if (plen + n >= sizeof term)
        return XAP_OK;
    memcpy(term, prefix, plen);
    memcpy(term + plen, w, n);
    term[plen + n] = '\0';
    return xap_database_termfreq(index->db, term, tf);
}

/* A gz_caps_known_fn cannot fail: its first failed read is kept in
 * index->caps_status (which the caller clears before and reads after
 * gz_query_normalise), and no read is made after it. */
const char *gz_capitals_field(const char *w, size_t n, void *ctx)
{
    gazette_index_t *index = ctx;
    char word[64];
    uint32_t upper = 0, caps = 0;
    xap_status *s = &index->caps_status;
    if (*s == XAP_OK)
        *s = prefixed_freq(index, GZ_PREFIX_UPPER, w, n, &upper);
    /* A word in capitals whose lower case is a stopword ("US", "IT",
     * "WHO") means the acronym: only text in capitals, since "The Who"
     * or "Let It Be" are other names. */
    if (n < sizeof word) {
        memcpy(word, w, n);
        word[n] = '\0';
        if (gz_is_stopword(word))
            return upper ? "upper" : NULL;
    }
    /* Any other ("NASA", "AIDS") also finds the name capitalised, as
     * house styles write "Nasa" and "Aids" (not "hearing aids"). A word
     * the index never writes with capitals is a plain word. */
    if (*s == XAP_OK && !upper)
        *s = prefixed_freq(index, GZ_PREFIX_CAPS, w, n, &caps);
    return upper || caps ? "caps" : NULL;
}

/* BM25's inverse document frequency as Xapian's BM25Weight computes it
 * (no relevance set) for a term in `n` of `N` articles. */
static double bm25_idf(double n, double N)
{
    double tw = (N - n + 0.5) / (n + 0.5);
    if (tw <= 2.0)   /* Xapian's adjustment for very common terms */
        tw = tw * 0.5 + 1.0;
    return log(tw);
}

/* Remember the word of a capitals field, and the weight its matches got
 * from the markers (< 0 when the plain word gives it): for --explain and
 * the highlights. */
static void note_word(gazette_index_t *index, const char *word,
                      double weight)
{
    if (index->nscales >= GZ_CAPITALS_SCALES || strlen(word) >= 64)
        return;
    snprintf(index->scales[index->nscales].term,
             sizeof index->scales[index->nscales].term, "%s", word);
    index->scales[index->nscales++].factor = weight;
}

/* The articles with a marker of `word` under the prefixes of field
 * `name`, in *out; *marked gets (an upper bound of) their number. */
static xap_status markers_query(const gazette_index_t *index,
                                const char *name, const char *word,
                                xap_query **out, uint32_t *marked)
{
    xap_query *markers[4] = {NULL};
    size_t nmarkers = 0;
    xap_status s = XAP_OK;
    *marked = 0;
    for (size_t i = 0; s == XAP_OK && i < gz_nfields && nmarkers < 4; i++) {
        const gz_field *f = &gz_fields[i];
        if (f->kind != GZ_KIND_CAPITALS || strcmp(f->name, name) != 0)
            continue;
        char term[GZ_TERM_BUF];
        gz_make_term(f->prefix, word, term, sizeof term);
        uint32_t tf = 0;
        s = prefixed_freq(index, f->prefix, word, strlen(word), &tf);
        *marked += tf;
        if (s == XAP_OK)
            s = xap_query_new_term(term, 1, 0, &markers[nmarkers]);
        nmarkers += s == XAP_OK;
    }
    if (s == XAP_OK)
        s = xap_query_new_combine(XAP_OP_OR, (const xap_query *const *)markers,
                                  nmarkers, 0, out);
    for (size_t i = 0; i < nmarkers; i++)
        xap_query_free(markers[i]);
    return s;
}

/* `a` OP `b` in *out (neither is taken). */
static xap_status combine2(xap_query_op op, const xap_query *a,
                           const xap_query *b, xap_query **out)
{
    const xap_query *both[2] = {a, b};
    return xap_query_new_combine(op, both, 2, 0, out);
}

/* In *out: `markers` OR the articles in capitals (GZ_TERM_TEXT_IN_CAPITALS)
 * that have `word_q` (NULL: any article in capitals), the mark before
 * the word, as the snippets pair markers with the term after them
 * (query/snippet.c). NULL when no article is in capitals: then the
 * query is as it was before the mark existed. */
static xap_status or_in_capitals(const gazette_index_t *index,
                                 const xap_query *markers,
                                 const xap_query *word_q, xap_query **out)
{
    xap_query *mark = NULL, *with_word = NULL;
    uint32_t in_capitals = 0;
    *out = NULL;
    xap_status s = xap_database_termfreq(index->db, GZ_TERM_TEXT_IN_CAPITALS,
                                         &in_capitals);
    if (s != XAP_OK || in_capitals == 0)
        return s;
    s = xap_query_new_term(GZ_TERM_TEXT_IN_CAPITALS, 1, 0, &mark);
    if (s == XAP_OK && word_q)
        s = combine2(XAP_OP_AND, mark, word_q, &with_word);
    if (s == XAP_OK)
        s = combine2(XAP_OP_OR, markers, with_word ? with_word : mark, out);
    xap_query_free(mark);
    xap_query_free(with_word);
    return s;
}

/* How many articles a stopword's query matches at most, added to
 * *marked (those with a marker): those in capitals that have the plain
 * word. */
static xap_status stopword_matches(const gazette_index_t *index,
                                   const char *word, uint32_t *marked)
{
    uint32_t in_capitals = 0, plain = 0;
    xap_status s = xap_database_termfreq(index->db, GZ_TERM_TEXT_IN_CAPITALS,
                                         &in_capitals);
    if (s == XAP_OK && in_capitals)
        s = xap_database_termfreq(index->db, word, &plain);
    *marked += in_capitals < plain ? in_capitals : plain;
    return s;
}

/* The weight of a word in capitals whose plain word weighs nothing ("IT"
 * is not "it", in every article): each article with a marker, or in
 * capitals with the plain word, gets the BM25 weight of one occurrence
 * of a term as rare as those articles (BM25 gives a marker of wdf 0 no
 * weight by itself). The plain word is in the query with no weight:
 * snippets highlight it. */
static xap_status stopword_query(gazette_index_t *index, const char *word,
                                 xap_query *markers, uint32_t marked,
                                 xap_query **out)
{
    xap_query *fixed = NULL, *weighted = NULL, *plain = NULL,
              *unweighted = NULL, *either = NULL;
    uint32_t all = 0;
    xap_status s = xap_database_doc_count(index->db, &all);
    if (s == XAP_OK)
        s = stopword_matches(index, word, &marked);
    double weight = marked && all ? bm25_idf(marked, all) : 0;
    if (s == XAP_OK)
        s = xap_query_new_fixed_weight(weight, &fixed);
    if (s == XAP_OK)
        s = xap_query_new_term(word, 1, 0, &plain);
    if (s == XAP_OK)
        s = xap_query_new_scaled(plain, 0, &unweighted);
    if (s == XAP_OK)
        s = or_in_capitals(index, markers, unweighted, &either);
    /* With articles in capitals the plain word is in `either` already: a
     * second one, after no marker, would be taken for a word wanted in
     * any case (query/snippet.c). */
    if (s == XAP_OK && either) {
        s = combine2(XAP_OP_AND, either, fixed, out);
    } else if (s == XAP_OK) {
        s = combine2(XAP_OP_AND, markers, fixed, &weighted);
        if (s == XAP_OK)
            s = combine2(XAP_OP_AND_MAYBE, weighted, unweighted, out);
    }
    if (s == XAP_OK)
        note_word(index, word, weight);
    xap_query_free(fixed);
    xap_query_free(weighted);
    xap_query_free(plain);
    xap_query_free(unweighted);
    xap_query_free(either);
    return s;
}

/* Any other word in capitals ("NASA", "MEDLARS"): the articles with a
 * marker, or in capitals, weighted by the word's stem as the word in
 * lower case would be, so how often an article uses it still counts. */
static xap_status word_query(gazette_index_t *index, const char *word,
                             xap_query *markers, xap_query **out)
{
    char *stem = NULL;
    char term[GZ_TERM_BUF];
    xap_query *plain = NULL, *either = NULL;
    xap_status s = or_in_capitals(index, markers, NULL, &either);
    if (s == XAP_OK && either)
        markers = either;
    if (s == XAP_OK)
        s = xap_stem_word(index->stem, word, &stem);
    if (s == XAP_OK && strlen(stem) + 2 <= sizeof term) {
        snprintf(term, sizeof term, "%s%s", GZ_STEM_PREFIX, stem);
        s = xap_query_new_term(term, 1, 0, &plain);
    } else if (s == XAP_OK) {
        s = xap_query_new_term(word, 1, 0, &plain);
    }
    if (s == XAP_OK)
        s = combine2(XAP_OP_AND, markers, plain, out);
    if (s == XAP_OK)
        note_word(index, word, -1);
    xap_query_free(plain);
    xap_query_free(either);
    free(stem);
    return s;
}

/* The synonyms of `word` (gazette-index --synonyms) in *out, looked up
 * as Xapian's parser looks up those of a plain word: the word, else its
 * stemmed term; NULL when it has none. */
static xap_status word_synonyms(const gazette_index_t *index,
                                const char *word, xap_query **out)
{
    char *stem = NULL;
    char term[GZ_TERM_BUF];
    xap_status s = gz_synonyms_of(index, word, out);
    if (s == XAP_OK && !*out)
        s = xap_stem_word(index->stem, word, &stem);
    if (s == XAP_OK && stem &&
        strlen(GZ_STEM_PREFIX) + strlen(stem) < sizeof term) {
        snprintf(term, sizeof term, "%s%s", GZ_STEM_PREFIX, stem);
        s = gz_synonyms_of(index, term, out);
    }
    free(stem);
    return s;
}

/* xap_field_fn of the capitals fields (ctx: a gz_capitals_ctx): `word`
 * (lower case, from the parser) where the text writes it with capitals,
 * or one of its synonyms: the parser expands a field's word no more, and
 * a synonyms file ignores case ("US = washington" is for "US" too). */
static xap_status capitals_query(const char *word, void *ctx, xap_query **out)
{
    const gz_capitals_ctx *c = ctx;
    xap_query *markers = NULL, *marked_q = NULL, *synonyms = NULL;
    uint32_t marked = 0;
    *out = NULL;
    xap_status s = markers_query(c->index, c->name, word, &markers, &marked);
    if (s == XAP_OK && gz_is_stopword(word))
        s = stopword_query(c->index, word, markers, marked, &marked_q);
    else if (s == XAP_OK)
        s = word_query(c->index, word, markers, &marked_q);
    if (s == XAP_OK)
        s = word_synonyms(c->index, word, &synonyms);
    if (s == XAP_OK && synonyms) {
        const xap_query *both[2] = {marked_q, synonyms};
        s = xap_query_new_combine(XAP_OP_OR, both, 2, 0, out);
    } else if (s == XAP_OK) {
        *out = marked_q;
        marked_q = NULL;
    }
    xap_query_free(markers);
    xap_query_free(marked_q);
    xap_query_free(synonyms);
    return s;
}

xap_status gz_capitals_setup(gazette_index_t *index)
{
    xap_status s = XAP_OK;
    index->ncapitals = 0;
    for (size_t i = 0; s == XAP_OK && i < gz_nfields; i++) {
        const gz_field *f = &gz_fields[i];
        if (f->kind != GZ_KIND_CAPITALS)
            continue;
        size_t k = 0;
        while (k < index->ncapitals &&
               strcmp(index->capitals[k].name, f->name) != 0)
            k++;
        if (k < index->ncapitals || k == GZ_CAPITALS_FIELDS)
            continue;   /* one callback a name */
        index->capitals[k] = (gz_capitals_ctx){index, f->name};
        index->ncapitals++;
        s = xap_queryparser_add_prefix_callback(index->qp, f->name,
                                                capitals_query,
                                                &index->capitals[k]);
    }
    return s;
}

double gz_capitals_weight(const gazette_index_t *index, const char *term)
{
    for (size_t i = 0; i < gz_nfields; i++) {
        const char *prefix = gz_fields[i].prefix;
        size_t n = strlen(prefix);
        if (gz_fields[i].kind != GZ_KIND_CAPITALS ||
            strncmp(term, prefix, n) != 0)
            continue;
        for (size_t k = 0; k < index->nscales; k++)
            if (strcmp(index->scales[k].term, term + n) == 0)
                return index->scales[k].factor < 0
                           ? 0 : index->scales[k].factor;
        return 0;
    }
    return -1;
}

/* The entry of `word` in the `n` entries of a parse's table, or NULL. */
static const gz_capitals_word *find_in(const gz_capitals_word *scales,
                                       size_t n, const char *word)
{
    for (size_t k = 0; k < n; k++)
        if (strcmp(scales[k].term, word) == 0)
            return &scales[k];
    return NULL;
}

/* The entry of `word` in the last parse's table, or NULL. */
static const gz_capitals_word *find_word(const gazette_index_t *index,
                                         const char *word)
{
    return find_in(index->scales, index->nscales, word);
}

int gz_capitals_plain_word(const gazette_index_t *index, const char *term)
{
    const gz_capitals_word *w = find_word(index, term);
    return w && w->factor >= 0;
}

double gz_capitals_plain_weight(const gazette_index_t *index,
                                const char *term)
{
    const gz_capitals_word *w = find_word(index, term);
    return w && w->factor >= 0 ? w->factor : 0;
}
