/* facets.c - counts of field values over the whole match set. */
#include "search_private.h"

#include <stdlib.h>
#include <string.h>

/* The schema field counted as `facet`: single-valued fields with a slot
 * are counted by value, the others by their terms. */
static const gz_field *facet_field(int facet)
{
    for (size_t i = 0; i < gz_nfields; i++)
        if (gz_fields[i].facet == facet)
            return &gz_fields[i];
    return NULL;
}

/* The year facet's bucket for articles without a date. */
#define UNDATED "undated"

/* 1 when facet `f` is counted by value (a spy xapian-tcpsrv can run). */
static int counted_by_value(const gz_field *field)
{
    return field->exclusive && field->slot >= 0;
}

const char *gz_facet_needing_local(const gazette_search_options_t *o)
{
    for (size_t f = 0; f < GZ_FACET_KINDS; f++)
        if (o->facets[f] && !counted_by_value(facet_field((int)f)))
            return gazette_facet_name((gazette_facet_t)f);
    return NULL;
}

void gz_facets_free(facet_spies *sp)
{
    for (size_t f = 0; f < GZ_FACET_KINDS; f++) {
        xap_valuecount_spy_free(sp->values[f]);
        xap_termcount_spy_free(sp->terms[f]);
    }
    xap_valuecount_spy_free(sp->dedup);
}

/* With facets, count the matches exactly: a spy sees every match, and
 * the number of matches after collapsing, which Xapian's matcher only
 * bounds, is the number of articles a distinct spy counts (it skips the
 * duplicates of one it counted). A value facet's spy is one: its document
 * count is that number. Without one, a distinct spy of the duplicate
 * keys is added. */
static xap_status attach_counter(xap_enquire *enq, facet_spies *sp)
{
    for (size_t f = 0; f < GZ_FACET_KINDS; f++)
        if (sp->values[f]) {
            sp->counter = sp->values[f];
            return XAP_OK;
        }
    xap_status s = xap_valuecount_spy_new(GZ_SLOT_DEDUP, &sp->dedup);
    if (s == XAP_OK)
        s = xap_valuecount_spy_set_distinct(sp->dedup, GZ_SLOT_DEDUP);
    if (s == XAP_OK)
        s = xap_enquire_add_valuecount_spy(enq, sp->dedup);
    sp->counter = sp->dedup;
    return s;
}

/* Attach a spy to `enq` for each facet asked for in `o`. */
xap_status gz_facets_attach(xap_enquire *enq,
                            const gazette_search_options_t *o,
                            facet_spies *sp)
{
    xap_status s = XAP_OK;
    int any = 0;
    for (size_t f = 0; f < GZ_FACET_KINDS; f++)
        any |= o->facets[f];
    for (size_t f = 0; s == XAP_OK && f < GZ_FACET_KINDS; f++) {
        if (!o->facets[f])
            continue;
        /* Spies see every match, collapsed duplicates too: count each
         * normalised text once, like the hits. */
        const gz_field *field = facet_field((int)f);
        if (counted_by_value(field)) {
            s = xap_valuecount_spy_new((unsigned)field->slot, &sp->values[f]);
            if (s == XAP_OK && o->collapse)
                s = xap_valuecount_spy_set_distinct(sp->values[f],
                                                    GZ_SLOT_DEDUP);
            if (s == XAP_OK)
                s = xap_enquire_add_valuecount_spy(enq, sp->values[f]);
        } else {
            /* The entity slot holds display names without the surname
             * aliases that the XE terms add, so each person counts once,
             * as written. */
            s = field->fold == GZ_FOLD_ENTITY
                    ? xap_termcount_spy_new_split((unsigned)field->slot,
                                                  GZ_ENTITY_SEP,
                                                  &sp->terms[f])
                    : xap_termcount_spy_new(field->prefix, &sp->terms[f]);
            if (s == XAP_OK && o->collapse)
                s = xap_termcount_spy_set_distinct(sp->terms[f],
                                                   GZ_SLOT_DEDUP);
            if (s == XAP_OK)
                s = xap_enquire_add_termcount_spy(enq, sp->terms[f]);
        }
    }
    if (s == XAP_OK && any && o->collapse)
        s = attach_counter(enq, sp);
    return s;
}

/* Spy callback: append one value to the facet_counts in ctx. */
static int collect_facet(const char *value, size_t len, uint32_t count,
                         void *ctx)
{
    facet_counts *fc = ctx;
    facet_value *grown = realloc(fc->values, (fc->count + 1) * sizeof *grown);
    if (!grown)
        return 1;
    fc->values = grown;
    if (!(grown[fc->count].value = malloc(len + 1)))
        return 1;
    memcpy(grown[fc->count].value, value, len);
    grown[fc->count].value[len] = '\0';
    grown[fc->count++].count = count;
    return 0;
}

/* Spy callback: count the values and add up their counts (ctx: two
 * uint64_t). */
static int count_values(const char *value, size_t len, uint32_t count,
                        void *ctx)
{
    (void)value;
    (void)len;
    uint64_t *sums = ctx;
    sums[0]++;
    sums[1] += count;
    return 0;
}

/* Insert {value, count} into `fc`, kept most frequent first, ties in
 * byte order. Returns XAP_OK or XAP_ERR_NOMEM. */
static xap_status insert_value(facet_counts *fc, const char *value,
                               uint64_t count)
{
    facet_value *grown = realloc(fc->values, (fc->count + 1) * sizeof *grown);
    if (!grown)
        return XAP_ERR_NOMEM;
    fc->values = grown;
    char *copy = strdup(value);
    if (!copy)
        return XAP_ERR_NOMEM;
    size_t at = 0;
    while (at < fc->count &&
           (grown[at].count > count ||
            (grown[at].count == count && strcmp(grown[at].value, value) < 0)))
        at++;
    memmove(grown + at + 1, grown + at, (fc->count - at) * sizeof *grown);
    grown[at] = (facet_value){copy, count};
    fc->count++;
    return XAP_OK;
}

/* Articles the value spy saw that have no value in its slot. */
static xap_status without_value(const xap_valuecount_spy *spy,
                                uint64_t *out)
{
    uint64_t sums[2] = {0, 0};
    uint32_t seen = 0;
    xap_status s = xap_valuecount_spy_documents(spy, &seen);
    if (s == XAP_OK)
        s = xap_valuecount_spy_each(spy, count_values, sums);
    *out = s == XAP_OK && seen > sums[1] ? seen - sums[1] : 0;
    return s;
}

xap_status gz_facets_read(const facet_spies *sp, gazette_results_t *r)
{
    xap_status s = XAP_OK;
    for (size_t f = 0; s == XAP_OK && f < GZ_FACET_KINDS; f++) {
        if (sp->values[f])
            s = xap_valuecount_spy_each_top(sp->values[f], 0, collect_facet,
                                            &r->facets[f]);
        else if (sp->terms[f])
            s = xap_termcount_spy_each_top(sp->terms[f], 0, collect_facet,
                                           &r->facets[f]);
    }
    /* Undated articles have no year: a bucket of their own. */
    uint64_t undated = 0;
    if (s == XAP_OK && sp->values[GAZETTE_FACET_YEAR])
        s = without_value(sp->values[GAZETTE_FACET_YEAR], &undated);
    if (s == XAP_OK && undated)
        s = insert_value(&r->facets[GAZETTE_FACET_YEAR], UNDATED, undated);
    if (s == XAP_OK && sp->counter) {
        uint32_t articles = 0;
        s = xap_valuecount_spy_documents(sp->counter, &articles);
        r->lower = r->estimate = r->upper = articles;
    }
    return s;
}
