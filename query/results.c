/* results.c - result sets and hits: what a search hands out. */
#include "search_private.h"

#include <stdlib.h>
#include <string.h>

#include "snippet.h"

/* --------------------------------------------------------------- search */

static void free_hit(gazette_hit_t *h)
{
    free(h->data);
    free(h->tags.items);
    free(h->entities.items);
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

void gazette_results_free(gazette_results_t *results)
{
    if (!results)
        return;
    for (size_t i = 0; i < results->count; i++)
        free_hit(&results->hits[i]);
    for (size_t f = 0; f < GZ_FACET_KINDS; f++) {
        for (size_t i = 0; i < results->facets[f].count; i++)
            free(results->facets[f].values[i].value);
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

/* The title's matched words: [start, end) byte offsets into the title
 * (hit->title_highlights, 2 * hit->ntitle_highlights), found as body
 * snippets are, on the whole title. */
static xap_status highlight_title(gazette_index_t *index,
                                  const xap_mset *mset, gazette_hit_t *hit)
{
    const char *title = hit->fields.title;
    size_t len = strlen(title);
    char *plain = NULL;
    if (len == 0)
        return XAP_OK;
    xap_status s = gz_snippet_make(mset, index->stem, title, len, len + 64,
                                   &plain, &hit->title_highlights,
                                   &hit->ntitle_highlights);
    if (s != XAP_OK)
        return s;
    hit->ntitle_highlights = gz_capitals_filter_highlights(
        index, plain, hit->title_highlights, hit->ntitle_highlights);
    for (size_t i = 0; i < 2 * hit->ntitle_highlights; i++)
        hit->title_highlights[i] =
            offset_in_text(title, plain, hit->title_highlights[i]);
    free(plain);
    return XAP_OK;
}

/* Snippet of the hit's body: plain text, highlight offsets and the
 * marked-up copy with the caller's markers. When no word of the body
 * matched (the title did), the start of the body. */
static xap_status make_snippet(gazette_index_t *index, const xap_mset *mset,
                               const gazette_search_options_t *o,
                               gazette_hit_t *hit)
{
    xap_status s = gz_snippet_make(mset, index->stem, hit->fields.body,
                                   hit->fields.body_len, o->snippet_length,
                                   &hit->plain, &hit->highlights,
                                   &hit->nhighlights);
    if (s == XAP_OK)   /* "IT" searched: not the "it"s */
        hit->nhighlights = gz_capitals_filter_highlights(
            index, hit->plain, hit->highlights, hit->nhighlights);
    if (s == XAP_OK && hit->nhighlights == 0) {
        free(hit->plain);
        hit->plain = gz_snippet_lead(hit->fields.body, hit->fields.body_len,
                                     o->snippet_length);
        if (!hit->plain)
            s = XAP_ERR_NOMEM;
    }
    if (s == XAP_OK)
        s = highlight_title(index, mset, hit);
    if (s == XAP_OK &&
        !(hit->snippet = gz_snippet_mark(hit->plain, hit->highlights,
                                         hit->nhighlights, o->hi_start,
                                         o->hi_end)))
        s = XAP_ERR_NOMEM;
    return s;
}

/* Fill `hit` from the i-th document of `mset`: stored fields, snippet,
 * duplicates hidden behind it and (explain) its matching terms. */
xap_status gz_hit_fill(gazette_index_t *index, const xap_enquire *enq,
                       const xap_mset *mset, uint32_t i,
                       const gazette_search_options_t *o, gazette_hit_t *hit)
{
    xap_document *doc = NULL;
    xap_status s = xap_mset_document(mset, i, &doc);
    const char *data = NULL;
    size_t len = 0;
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
        s = split_items(hit->fields.entities, GZ_ENTITY_SEP, &hit->entities);
    if (s == XAP_OK)
        s = xap_mset_weight(mset, i, &hit->weight);
    if (s == XAP_OK)
        s = xap_mset_percent(mset, i, &hit->percent);
    if (s == XAP_OK)
        s = xap_mset_collapse_count(mset, i, &hit->duplicates);
    if (s == XAP_OK && o->snippet_length > 0)
        s = make_snippet(index, mset, o, hit);
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
    return hit && hit->snippet ? hit->snippet : "";
}

const char *gazette_hit_plain_snippet(const gazette_hit_t *hit)
{
    return hit && hit->plain ? hit->plain : "";
}

size_t gazette_hit_highlight_count(const gazette_hit_t *hit)
{
    return hit ? hit->nhighlights : 0;
}

void gazette_hit_highlight(const gazette_hit_t *hit, size_t i, size_t *start,
                           size_t *end)
{
    int ok = hit && i < hit->nhighlights;
    if (start)
        *start = ok ? hit->highlights[2 * i] : 0;
    if (end)
        *end = ok ? hit->highlights[2 * i + 1] : 0;
}

size_t gazette_hit_title_highlight_count(const gazette_hit_t *hit)
{
    return hit ? hit->ntitle_highlights : 0;
}

void gazette_hit_title_highlight(const gazette_hit_t *hit, size_t i,
                                 size_t *start, size_t *end)
{
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
