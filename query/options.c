/* options.c - search options: paging, snippets, order, facets. */
#include "search_private.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* -------------------------------------------------------------- options */

const gazette_search_options_t gz_default_search_options = {
    .offset = 0, .limit = 10, .snippet_length = 200,
    .hi_start = NULL, .hi_end = NULL, .sort = GAZETTE_SORT_RELEVANCE,
    .match_all = 0, .collapse = 1, .spelling = 1, .feedback = 1, .explain = 0,
    .facets = {0}
};

gazette_status_t gazette_search_options_new(gazette_search_options_t **out)
{
    if (!out)
        return GAZETTE_STATUS_INVALID_ARGUMENT;
    gazette_search_options_t *o = malloc(sizeof *o);
    if (!o)
        return GAZETTE_STATUS_OUT_OF_MEMORY;
    *o = gz_default_search_options;
    *out = o;
    return GAZETTE_STATUS_OK;
}

void gazette_search_options_free(gazette_search_options_t *opts)
{
    if (!opts)
        return;
    free(opts->hi_start);
    free(opts->hi_end);
    free(opts);
}

gazette_status_t gazette_search_options_set_range(
    gazette_search_options_t *opts, uint32_t offset, uint32_t limit)
{
    if (!opts || limit > GAZETTE_MAX_LIMIT)
        return GAZETTE_STATUS_INVALID_ARGUMENT;
    opts->offset = offset;
    opts->limit = limit;
    return GAZETTE_STATUS_OK;
}

/* Snippet lengths are kept at most this: more than any text can be, so
 * "the whole text" as any larger length is, and far enough from SIZE_MAX
 * that the sums made of a length do not wrap (snippet.c adds half of it,
 * Xapian's snipper one: SIZE_MAX became a snippet window of 0 bytes,
 * without highlights). */
#define MAX_SNIPPET_LENGTH (SIZE_MAX / 4)

gazette_status_t gazette_search_options_set_snippet(
    gazette_search_options_t *opts, size_t length, const char *hi_start,
    const char *hi_end)
{
    if (!opts)
        return GAZETTE_STATUS_INVALID_ARGUMENT;
    char *start = strdup(hi_start ? hi_start : "");
    char *end = strdup(hi_end ? hi_end : "");
    if (!start || !end) {
        free(start);
        free(end);
        return GAZETTE_STATUS_OUT_OF_MEMORY;
    }
    free(opts->hi_start);
    free(opts->hi_end);
    opts->hi_start = start;
    opts->hi_end = end;
    opts->snippet_length =
        length < MAX_SNIPPET_LENGTH ? length : MAX_SNIPPET_LENGTH;
    return GAZETTE_STATUS_OK;
}

gazette_status_t gazette_search_options_set_sort(
    gazette_search_options_t *opts, gazette_sort_t sort)
{
    if (!opts || (sort != GAZETTE_SORT_RELEVANCE && sort != GAZETTE_SORT_DATE &&
                  sort != GAZETTE_SORT_DATE_ASC))
        return GAZETTE_STATUS_INVALID_ARGUMENT;
    opts->sort = sort;
    return GAZETTE_STATUS_OK;
}

#define FLAG_SETTER(name, field)                                          \
    gazette_status_t gazette_search_options_set_##name(                  \
        gazette_search_options_t *opts, int value)                       \
    {                                                                     \
        if (!opts)                                                        \
            return GAZETTE_STATUS_INVALID_ARGUMENT;                       \
        opts->field = value != 0;                                         \
        return GAZETTE_STATUS_OK;                                         \
    }
FLAG_SETTER(match_all, match_all)
FLAG_SETTER(collapse_duplicates, collapse)
FLAG_SETTER(spelling, spelling)
FLAG_SETTER(feedback, feedback)
FLAG_SETTER(explain, explain)
#undef FLAG_SETTER

static const char *const facet_names[GZ_FACET_KINDS] = {
    "source", "year", "tag", "entity", "author"};

const char *gazette_facet_name(gazette_facet_t facet)
{
    return (unsigned)facet < GZ_FACET_KINDS ? facet_names[facet] : NULL;
}

gazette_status_t gazette_search_options_add_facet(
    gazette_search_options_t *opts, gazette_facet_t facet)
{
    if (!opts || (unsigned)facet >= GZ_FACET_KINDS)
        return GAZETTE_STATUS_INVALID_ARGUMENT;
    opts->facets[facet] = 1;
    return GAZETTE_STATUS_OK;
}
