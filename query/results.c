/* results.c - result sets and hits: what a search hands out. */
#include "search_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* --------------------------------------------------------------- search */

static void free_hit(gazette_hit_t *h)
{
    free(h->data);
    free(h->tags.items);
    free(h->entities.items);
    free(h->authors.items);
    free(h->snippet);
    free(h->plain);
    free(h->highlights);
    free(h->title_highlights);
    free(h->matching_terms);
    for (size_t t = 0; t < h->nterms; t++)
        free(h->terms[t]);
    free(h->terms);
    free(h->term_weights);
}

static void free_snippet_source(snippet_source *src)
{
    xap_mset_free(src->mset);
    xap_mset_free(src->title_mset);
    gz_snippet_words_free(&src->title_words);
    free(src->language);
    xap_stem_free(src->stem);
    gz_snippet_words_free(&src->words);
    free(src->hi_start);
    free(src->hi_end);
}

void gazette_results_free(gazette_results_t *results)
{
    if (!results)
        return;
    gz_handle_lock *guard = results->guard;
    if (guard)
        pthread_mutex_lock(&guard->mutex);
    free_snippet_source(&results->snippets);
    if (guard)
        pthread_mutex_unlock(&guard->mutex);
    gz_handle_lock_release(guard);
    for (size_t i = 0; i < results->nlocations; i++)
        free(results->locations[i]);
    free(results->locations);
    free(results->warning);
    for (size_t i = 0; i < results->count; i++)
        free_hit(&results->hits[i]);
    for (size_t f = 0; f < GZ_FACET_KINDS; f++) {
        free(results->facets[f].text);
        free(results->facets[f].values);
    }
    free(results->hits);
    free(results->parsed);
    free(results->suggestion);
    free(results);
}

/* Split the `sep`-separated `field` (writable, inside hit->data) into
 * `list`. Empty items are dropped. */
static xap_status split_items(const char *field, char sep, item_list *list)
{
    char *text = (char *)field;   /* points into the hit's own copy */
    size_t n = *text ? 1 : 0;
    for (char *p = text; *p; p++)
        n += *p == sep;
    list->count = 0;
    if (n == 0)
        return XAP_OK;
    if (!(list->items = malloc(n * sizeof *list->items)))
        return XAP_ERR_NOMEM;
    for (char *item = text; item;) {
        char *comma = strchr(item, sep);
        if (comma)
            *comma = '\0';
        if (*item)
            list->items[list->count++] = item;
        item = comma ? comma + 1 : NULL;
    }
    return XAP_OK;
}

/* The hit's authors into hit->authors: the names the source listed
 * (`authors=`, written for two or more), else the byline as one name
 * (a byline of one string is one author, commas and all), else none. A
 * list whose names are all empty (another writer's) is none listed, as
 * gazette_index_get_article reads it. */
static xap_status split_authors(gazette_hit_t *hit)
{
    const char *byline = hit->fields.author;
    xap_status s = split_items(hit->fields.authors, GZ_LIST_SEP,
                               &hit->authors);
    if (s != XAP_OK || hit->authors.count || !*byline)
        return s;
    if (!hit->authors.items &&
        !(hit->authors.items = malloc(sizeof *hit->authors.items)))
        return XAP_ERR_NOMEM;
    hit->authors.items[0] = byline;
    hit->authors.count = 1;
    return XAP_OK;
}

/* Offset `at` of `plain` (made from `text` with white space runs made
 * one space and trimmed, as snippets are) as an offset of `text`. */
static size_t offset_in_text(const char *text, const char *plain, size_t at)
{
    const char *t = text;
    while (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r')
        t++;
    for (size_t i = 0; i < at && plain[i] && *t; i++) {
        if (plain[i] == ' ')
            while (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r')
                t++;
        else
            t++;
    }
    return (size_t)(t - text);
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Where in `text` its snippet `plain` (white space folded as
 * offset_in_text says) starts: Xapian's snippet leaves out what precedes
 * the first word ("-- ", "...", "$ "), and the offsets of `plain` read
 * from the start of `text` marked the wrong word ("-- oil" marked "-- "
 * for "oil"). 0 when `plain` is not found there. */
static size_t plain_start(const char *text, const char *plain)
{
    size_t plen = strlen(plain);
    for (const char *t = text; *t; t++) {
        const char *p = plain, *q = t;
        while (*p && *q) {
            if (*p == ' ' && is_space(*q)) {
                while (is_space(*q))
                    q++;
                p++;
            } else if (*p == *q) {
                p++;
                q++;
            } else {
                break;
            }
        }
        if ((size_t)(p - plain) == plen)
            return (size_t)(t - text);
    }
    return 0;
}

static char *dup_or_null(const char *s, int *nomem)
{
    char *d = s ? strdup(s) : NULL;
    if (s && !d)
        *nomem = 1;
    return d;
}

/*
 * Title highlights of title: words. Xapian's snippets highlight a word
 * when the query has it unprefixed ("pauses", or its stem "Zpaus"), so
 * a title searched as title:pauses ("ZSpaus") had nothing marked. For the
 * title, the query's title terms are read as the body terms of the same
 * words (title_as_body), the body terms as they are (a free-text word is
 * marked in the title too), and that query matched once for the
 * statistics snippets weigh words by.
 */

/* The name xap_query_snippet_parts gets: "Sword" -> "word", "ZSstem" ->
 * "Zstem", a body term unchanged, any other (another field, a filter, a
 * capitals marker) NULL. `ctx` is a title_names: the name is made in its
 * buffer; `titles` counts the title terms met. */
typedef struct title_names {
    char name[GZ_TERM_BUF];
    size_t titles;
} title_names;

static const char *title_as_body(const char *term, void *ctx)
{
    title_names *t = ctx;
    const gz_field *f = gz_field_of_term(term);
    if (!f)
        return term;
    if (strcmp(f->prefix, GZ_PREFIX_TITLE) != 0)
        return NULL;
    size_t stem = strlen(GZ_STEM_PREFIX);
    int stemmed = strncmp(term, GZ_STEM_PREFIX, stem) == 0;
    const char *word = term + (stemmed ? stem : 0) + strlen(f->prefix);
    int n = snprintf(t->name, sizeof t->name, "%s%s",
                     stemmed ? GZ_STEM_PREFIX : "", word);
    if (n < 0 || (size_t)n >= sizeof t->name)
        return NULL;
    t->titles++;
    return t->name;
}

/* Mark in `words` the words of `q` (renamed by `rename` as they were)
 * that it has only as the plain term of a word in capitals
 * (gz_capitals_terms_of): the text must write them as that asks. */
static xap_status with_capitals_forms(const xap_query *q,
                                      const char *(*rename)(const char *,
                                                            void *),
                                      void *ctx, gz_snippet_words *words)
{
    gz_capitals_terms caps;
    xap_status s = gz_capitals_terms_of(q, rename, ctx, &caps);
    if (s == XAP_OK)
        s = gz_snippet_words_forms(words, &caps);
    gz_capitals_terms_free(&caps);
    return s;
}

/* src->title_mset and src->title_words for the query `q` (whose text had
 * a wildcard when `wildcard`) when it has title terms it does not only
 * exclude; else left NULL and empty. */
static xap_status title_match(const gazette_index_t *index,
                              const xap_query *q, int wildcard,
                              snippet_source *src)
{
    title_names names = {.titles = 0}, again = {.titles = 0};
    xap_query *parts = NULL, *shown = NULL;
    xap_enquire *enq = NULL;
    xap_status s = xap_query_snippet_parts(q, XAP_SNIPPET_PARTS_NO_EXCLUDED,
                                           title_as_body, &names, &parts);
    if (s == XAP_OK && names.titles)
        s = xap_enquire_new(index->db, &enq);
    /* matched for the statistics only, so possessives too (see below) */
    if (s == XAP_OK && enq)
        s = xap_query_snippet_parts(q, XAP_SNIPPET_PARTS_NO_EXCLUDED |
                                           XAP_SNIPPET_PARTS_POSSESSIVES,
                                    title_as_body, &again, &shown);
    if (s == XAP_OK && enq)
        s = xap_enquire_set_query(enq, shown, 0);
    if (s == XAP_OK && enq)   /* no hit needed: the statistics */
        s = xap_enquire_get_mset(enq, 0, 0, 0, NULL, &src->title_mset);
    if (s == XAP_OK && enq)
        s = gz_snippet_words_of(parts, wildcard, &src->title_words);
    if (s == XAP_OK && enq)
        s = with_capitals_forms(q, title_as_body, &again, &src->title_words);
    xap_enquire_free(enq);
    xap_query_free(parts);
    xap_query_free(shown);
    return s;
}

/* The name xap_query_snippet_parts gets for the body: the term itself. */
static const char *as_is(const char *term, void *ctx)
{
    (void)ctx;
    return term;
}

/*
 * Excluded words. Xapian's snippets highlight every term of the query on
 * the match set's enquire, and its matching terms list them, the words
 * of "truce OR (hezbollah NOT gaza)" that a hit must not have (in that
 * branch) as the words it was found by; the region the snippet is cut
 * from was chosen by them too, and --explain listed "gaza" with a weight
 * the hit never got. So the enquire gets, after the match, the parts of
 * the query that are not excluded (an AND_NOT's right-hand side: NOT,
 * AND NOT, -word, -tag:), which the match set's snippets and the
 * matching terms then read (with the match's statistics, which hold
 * every word kept: no second match), and the snippet words are theirs. A
 * word also wanted elsewhere in the query stays (docs/search.md,
 * "Excluded words").
 */

/* The parts of the user's query `q` that snippets highlight, less what
 * `q` excludes, into *parts (free with xap_query_free). */
static xap_status wanted_parts(const xap_query *q, xap_query **parts)
{
    return xap_query_snippet_parts(q, XAP_SNIPPET_PARTS_NO_EXCLUDED, as_is,
                                   NULL, parts);
}

xap_status gz_enquire_show_wanted(xap_enquire *enq, const xap_query *q)
{
    xap_query *parts = NULL;
    xap_status s = wanted_parts(q, &parts);
    if (s == XAP_OK)
        s = xap_enquire_set_query(enq, parts, 0);
    xap_query_free(parts);
    return s;
}

/*
 * Possessives. The index puts the bare word of a possessive at its
 * position too (indexer/analyze.c), so the phrase "Tony Blair" and tony
 * NEAR blair find "Tony Blair's"; but Xapian's snippets compare a
 * phrase's terms, and a NEAR's, with the words as written ("blair's"),
 * and marked nothing of "Tony Blair's" for the phrase, "Tony" alone for
 * the NEAR. The snippets' query has those words as possessives too
 * (XAP_SNIPPET_PARTS_POSSESSIVES); it is set once the matching terms,
 * which must not list words never matched, are read.
 */
xap_status gz_enquire_show_for_snippets(xap_enquire *enq, const xap_query *q)
{
    xap_query *parts = NULL;
    xap_status s = xap_query_snippet_parts(q, XAP_SNIPPET_PARTS_NO_EXCLUDED |
                                                  XAP_SNIPPET_PARTS_POSSESSIVES,
                                           as_is, NULL, &parts);
    if (s == XAP_OK)
        s = xap_enquire_set_query(enq, parts, 0);
    xap_query_free(parts);
    return s;
}

/* The words snippets highlight for `q` (wanted_parts; `wildcard`: the
 * query text had one) into `words`, freed by the caller. */
static xap_status highlight_wanted_only(const xap_query *q, int wildcard,
                                        gz_snippet_words *words)
{
    xap_query *parts = NULL;
    xap_status s = wanted_parts(q, &parts);
    if (s == XAP_OK)
        s = gz_snippet_words_of(parts, wildcard, words);
    if (s == XAP_OK)
        s = with_capitals_forms(q, as_is, NULL, words);
    xap_query_free(parts);
    return s;
}

xap_status gz_results_keep_snippets(gazette_results_t *r,
                                    const gazette_index_t *index,
                                    xap_mset *mset, const xap_query *q,
                                    int wildcard,
                                    const gazette_search_options_t *o)
{
    snippet_source *src = &r->snippets;
    src->mset = mset;
    src->length = o->snippet_length;
    if (o->snippet_length == 0)
        return XAP_OK;
    int nomem = 0;
    src->language = dup_or_null(index->language, &nomem);
    src->flags = index->cjk_ngrams ? XAP_SNIPPET_CJK_NGRAM : 0;
    src->hi_start = dup_or_null(o->hi_start, &nomem);
    src->hi_end = dup_or_null(o->hi_end, &nomem);
    xap_status s = nomem ? XAP_ERR_NOMEM : XAP_OK;
    if (s == XAP_OK)
        s = highlight_wanted_only(q, wildcard, &src->words);
    if (s == XAP_OK)
        s = title_match(index, q, wildcard, src);
    return s;
}

/* The title's matched words: [start, end) byte offsets into the title
 * (hit->title_highlights, 2 * hit->ntitle_highlights), found as body
 * snippets are, on the whole title, with title: words too (title_match). */
static xap_status highlight_title(snippet_source *src, gazette_hit_t *hit)
{
    const char *title = hit->fields.title;
    size_t len = strlen(title);
    char *plain = NULL;
    if (len == 0)
        return XAP_OK;
    int own = src->title_mset != NULL;
    xap_status s = gz_snippet_make(own ? src->title_mset : src->mset,
                                   src->stem,
                                   own ? &src->title_words : &src->words,
                                   src->flags, title, len, len + 64, &plain,
                                   &hit->title_highlights,
                                   &hit->ntitle_highlights);
    if (s != XAP_OK)
        return s;
    size_t from = plain_start(title, plain);
    for (size_t i = 0; i < 2 * hit->ntitle_highlights; i++)
        hit->title_highlights[i] =
            from + offset_in_text(title + from, plain,
                                  hit->title_highlights[i]);
    free(plain);
    return XAP_OK;
}

/* The body snippet and the title highlights of `hit` from `src`. When no
 * word of the body matched (the title did), the snippet is the start of
 * the body. */
static xap_status snippet_and_title(snippet_source *src, gazette_hit_t *hit)
{
    xap_status s = gz_snippet_make(src->mset, src->stem, &src->words,
                                   src->flags, hit->fields.body,
                                   hit->fields.body_len,
                                   src->length, &hit->plain,
                                   &hit->highlights, &hit->nhighlights);
    if (s == XAP_OK && hit->nhighlights == 0) {
        free(hit->plain);
        hit->plain = gz_snippet_lead(hit->fields.body, hit->fields.body_len,
                                     src->length);
        if (!hit->plain)
            s = XAP_ERR_NOMEM;
    }
    if (s == XAP_OK)
        s = highlight_title(src, hit);
    if (s == XAP_OK &&
        !(hit->snippet = gz_snippet_mark(hit->plain, hit->highlights,
                                         hit->nhighlights, src->hi_start,
                                         src->hi_end)))
        s = XAP_ERR_NOMEM;
    return s;
}

/* Snippet of the hit's body (plain text, highlight offsets and the
 * marked-up copy with the caller's markers) and its title highlights.
 * Made at the first call of a snippet or title highlight accessor: most
 * callers show a few hits' snippets, or none, and a snippet costs more
 * than the match. Only the first GAZETTE_MAX_SNIPPETS hits of a page get
 * one. A failure leaves the snippet empty (the accessors cannot report
 * it). */
static void make_snippet_locked(gazette_hit_t *hit);

/* make_snippet_locked under the handle's lock, which the match sets the
 * snippet comes from share with it. */
static void make_snippet(gazette_hit_t *hit)
{
    if (hit->snippet_made)
        return;
    hit->snippet_made = 1;
    gz_handle_lock *guard = hit->results->guard;
    if (guard)
        pthread_mutex_lock(&guard->mutex);
    make_snippet_locked(hit);
    if (guard)
        pthread_mutex_unlock(&guard->mutex);
}

static void make_snippet_locked(gazette_hit_t *hit)
{
    snippet_source *src = &hit->results->snippets;
    if (src->length == 0 || !src->mset ||
        (size_t)(hit - hit->results->hits) >= GAZETTE_MAX_SNIPPETS)
        return;
    /* The title's words include the body's: one stemmer for both. */
    if (!src->stem &&
        gz_snippet_stemmer_new(src->language ? src->language : "english",
                               src->title_mset ? &src->title_words
                                               : &src->words,
                               &src->stem) != XAP_OK)
        return;
    if (snippet_and_title(src, hit) != XAP_OK) {
        free(hit->plain);
        free(hit->highlights);
        free(hit->title_highlights);
        free(hit->snippet);
        hit->plain = hit->snippet = NULL;
        hit->highlights = hit->title_highlights = NULL;
        hit->nhighlights = hit->ntitle_highlights = 0;
    }
}

/* The hit of a const accessor, its snippet made. The hit belongs to a
 * result set that is used from one thread at a time (gazette.h), so
 * filling it in on first use is safe. */
static gazette_hit_t *with_snippet(const gazette_hit_t *hit)
{
    gazette_hit_t *h = (gazette_hit_t *)hit;
    if (h)
        make_snippet(h);
    return h;
}

/* Fill `hit` from the i-th document of `mset`: stored fields, duplicates
 * hidden behind it and (explain) its matching terms. */
xap_status gz_hit_fill(gazette_index_t *index, const xap_enquire *enq,
                       const xap_mset *mset, uint32_t i,
                       const gazette_search_options_t *o, gazette_hit_t *hit)
{
    xap_document *doc = NULL;
    xap_status s = xap_mset_document(mset, i, &doc);
    const char *data = NULL;
    size_t len = 0;
    hit->mset_index = i;
    if (s == XAP_OK)
        s = xap_document_get_data(doc, &data, &len);
    if (s == XAP_OK && !(hit->data = malloc(len + 1)))
        s = XAP_ERR_NOMEM;
    if (s == XAP_OK) {
        memcpy(hit->data, data, len);
        hit->data[len] = '\0';
        gz_docdata_decode(hit->data, len, &hit->fields);
        s = split_items(hit->fields.tags, GZ_LIST_SEP, &hit->tags);
    }
    if (s == XAP_OK)
        s = split_authors(hit);
    if (s == XAP_OK)
        s = split_items(hit->fields.entities, GZ_ENTITY_SEP, &hit->entities);
    if (s == XAP_OK)
        s = xap_mset_weight(mset, i, &hit->weight);
    if (s == XAP_OK)
        s = xap_mset_percent(mset, i, &hit->percent);
    if (s == XAP_OK)
        s = xap_mset_collapse_count(mset, i, &hit->duplicates);
    if (s == XAP_OK && o->explain)
        s = gz_hit_explain(index, enq, mset, i, hit);
    xap_document_free(doc);
    return s;
}

size_t gazette_results_count(const gazette_results_t *results)
{
    return results ? results->count : 0;
}

void gazette_results_estimate(const gazette_results_t *results,
                              uint64_t *lower, uint64_t *estimate,
                              uint64_t *upper)
{
    if (lower)
        *lower = results ? results->lower : 0;
    if (estimate)
        *estimate = results ? results->estimate : 0;
    if (upper)
        *upper = results ? results->upper : 0;
}

const char *gazette_results_parsed_query(const gazette_results_t *results)
{
    return results && results->parsed ? results->parsed : "";
}

const char *gazette_results_warning(const gazette_results_t *results)
{
    return results && results->warning ? results->warning : "";
}

const char *gazette_hit_index(const gazette_hit_t *hit)
{
    if (!hit || !hit->results || hit->location >= hit->results->nlocations)
        return "";
    return hit->results->locations[hit->location];
}

const char *gazette_results_suggestion(const gazette_results_t *results)
{
    return results && results->suggestion ? results->suggestion : "";
}

double gazette_results_milliseconds(const gazette_results_t *results)
{
    return results ? results->milliseconds : 0.0;
}

size_t gazette_results_facet_count(const gazette_results_t *results,
                                   gazette_facet_t facet)
{
    if (!results || (unsigned)facet >= GZ_FACET_KINDS)
        return 0;
    return results->facets[facet].count;
}

gazette_status_t gazette_results_facet_value(const gazette_results_t *results,
                                             gazette_facet_t facet, size_t i,
                                             const char **value,
                                             uint64_t *count)
{
    if (!results || (unsigned)facet >= GZ_FACET_KINDS ||
        i >= results->facets[facet].count)
        return GAZETTE_STATUS_INVALID_ARGUMENT;
    if (value)
        *value = results->facets[facet].values[i].value;
    if (count)
        *count = results->facets[facet].values[i].count;
    return GAZETTE_STATUS_OK;
}

const gazette_hit_t *gazette_results_hit(const gazette_results_t *results,
                                         size_t i)
{
    return results && i < results->count ? &results->hits[i] : NULL;
}

#define FIELD_ACCESSOR(name)                                  \
    const char *gazette_hit_##name(const gazette_hit_t *hit)  \
    {                                                         \
        return hit ? hit->fields.name : "";                   \
    }
FIELD_ACCESSOR(id)
FIELD_ACCESSOR(path)
FIELD_ACCESSOR(title)
FIELD_ACCESSOR(date)
FIELD_ACCESSOR(source)
FIELD_ACCESSOR(author)
FIELD_ACCESSOR(url)
#undef FIELD_ACCESSOR

const char *gazette_hit_snippet(const gazette_hit_t *hit)
{
    hit = with_snippet(hit);
    return hit && hit->snippet ? hit->snippet : "";
}

const char *gazette_hit_plain_snippet(const gazette_hit_t *hit)
{
    hit = with_snippet(hit);
    return hit && hit->plain ? hit->plain : "";
}

size_t gazette_hit_highlight_count(const gazette_hit_t *hit)
{
    hit = with_snippet(hit);
    return hit ? hit->nhighlights : 0;
}

void gazette_hit_highlight(const gazette_hit_t *hit, size_t i, size_t *start,
                           size_t *end)
{
    hit = with_snippet(hit);
    int ok = hit && i < hit->nhighlights;
    if (start)
        *start = ok ? hit->highlights[2 * i] : 0;
    if (end)
        *end = ok ? hit->highlights[2 * i + 1] : 0;
}

size_t gazette_hit_title_highlight_count(const gazette_hit_t *hit)
{
    hit = with_snippet(hit);
    return hit ? hit->ntitle_highlights : 0;
}

void gazette_hit_title_highlight(const gazette_hit_t *hit, size_t i,
                                 size_t *start, size_t *end)
{
    hit = with_snippet(hit);
    int ok = hit && i < hit->ntitle_highlights;
    if (start)
        *start = ok ? hit->title_highlights[2 * i] : 0;
    if (end)
        *end = ok ? hit->title_highlights[2 * i + 1] : 0;
}

size_t gazette_hit_tag_count(const gazette_hit_t *hit)
{
    return hit ? hit->tags.count : 0;
}

const char *gazette_hit_tag(const gazette_hit_t *hit, size_t i)
{
    return hit && i < hit->tags.count ? hit->tags.items[i] : NULL;
}

size_t gazette_hit_entity_count(const gazette_hit_t *hit)
{
    return hit ? hit->entities.count : 0;
}

const char *gazette_hit_entity(const gazette_hit_t *hit, size_t i)
{
    return hit && i < hit->entities.count ? hit->entities.items[i] : NULL;
}

size_t gazette_hit_author_count(const gazette_hit_t *hit)
{
    return hit ? hit->authors.count : 0;
}

const char *gazette_hit_author_name(const gazette_hit_t *hit, size_t i)
{
    return hit && i < hit->authors.count ? hit->authors.items[i] : NULL;
}

uint32_t gazette_hit_duplicates(const gazette_hit_t *hit)
{
    return hit ? hit->duplicates : 0;
}

size_t gazette_hit_term_count(const gazette_hit_t *hit)
{
    return hit ? hit->nterms : 0;
}

const char *gazette_hit_term(const gazette_hit_t *hit, size_t i,
                             double *weight)
{
    if (!hit || i >= hit->nterms)
        return NULL;
    if (weight)
        *weight = hit->term_weights ? hit->term_weights[i] : 0.0;
    return hit->terms[i];
}

const char *gazette_hit_matching_terms(const gazette_hit_t *hit)
{
    return hit && hit->matching_terms ? hit->matching_terms : "";
}

uint32_t gazette_hit_rank(const gazette_hit_t *hit)
{
    return hit ? hit->rank : 0;
}

double gazette_hit_weight(const gazette_hit_t *hit)
{
    return hit ? hit->weight : 0.0;
}

int gazette_hit_percent(const gazette_hit_t *hit)
{
    return hit ? hit->percent : 0;
}
