/* facets.c - counts of field values over the whole match set. */
#include "search_private.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "buf.h"

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

/* 1 when `field` is counted by value, one per article. */
static int counted_by_value(const gz_field *field)
{
    return field->exclusive && field->slot >= 0;
}

void gz_facets_free(facet_spies *sp)
{
    for (size_t f = 0; f < GZ_FACET_KINDS; f++) {
        xap_valuecount_spy_free(sp->values[f]);
        xap_termcount_spy_free(sp->terms[f]);
    }
}

/* With facets, count the matches exactly: a spy sees every match, and
 * the number of matches after collapsing, which Xapian's matcher only
 * bounds, is the number of articles a distinct spy counts (it skips the
 * duplicates of one it counted). Every facet's spy is one when
 * duplicates are collapsed: a value facet's if any, else a term facet's. */
static void choose_counter(facet_spies *sp)
{
    for (size_t f = 0; f < GZ_FACET_KINDS; f++)
        if (sp->values[f]) {
            sp->value_counter = sp->values[f];
            return;
        }
    for (size_t f = 0; f < GZ_FACET_KINDS; f++)
        if (sp->terms[f]) {
            sp->term_counter = sp->terms[f];
            return;
        }
}

/* 1 when `field` is counted from a facet list (schema.h) in an index
 * that has them, else from each match's terms. */
static int has_facet_list(const gz_field *field)
{
    return field->slot >= 0 && !counted_by_value(field) &&
           field->fold != GZ_FOLD_ENTITY;
}

/* 1 when a facet of `o` is counted from a facet list when the index has
 * them. */
static int wants_lists(const gazette_search_options_t *o)
{
    for (size_t f = 0; f < GZ_FACET_KINDS; f++)
        if (o->facets[f] && has_facet_list(facet_field((int)f)))
            return 1;
    return 0;
}

/* 1 in *complete when every shard of every location `index` searches
 * has GZ_META_LIST_SLOTS, so that each of its articles has its facet
 * lists; else *lacking is the first location with a shard without. Each
 * shard is asked: a stub file may list the shards of several indexes,
 * old and new. A remote shard whose metadata cannot be read counts as
 * without; one that does not answer fails (XAP_ERR_NETWORK), as its
 * search would. */
static xap_status lists_complete(const gazette_index_t *index, int *complete,
                                 const gz_location **lacking)
{
    xap_status s = XAP_OK;
    *complete = 1;
    for (size_t i = 0; s == XAP_OK && *complete && i < index->nlocations;
         i++) {
        const gz_location *loc = &index->locations[i];
        for (size_t k = 0; s == XAP_OK && *complete && loc->db &&
                           k < loc->shards;
             k++) {
            char *value = NULL;
            size_t len = 0;
            s = xap_database_get_shard_metadata(loc->db, k,
                                                GZ_META_LIST_SLOTS, &value,
                                                &len);
            *complete = s == XAP_OK && len == 1 && value[0] == '1';
            if (!*complete)
                *lacking = loc;
            if (loc->remote && s != XAP_ERR_NETWORK)
                s = XAP_OK;
            free(value);
        }
    }
    return s;
}

/* 1 when facet `field` is counted from the pieces of its slot: the entity
 * names, and the facet lists of an index that has them (`lists`); else
 * (counted_by_value aside) from the terms of its prefix in each match's
 * term list, which only a local index can do. The entity slot holds
 * display names without the surname aliases that the XE terms add, so
 * each person counts once, as written. */
static int counted_by_pieces(const gz_field *field, int lists)
{
    return field->fold == GZ_FOLD_ENTITY || (lists && has_facet_list(field));
}

/* Attach to `enq` a value spy for facet `field`: of each whole value, or
 * of its pieces (`pieces`); a spy xapian-tcpsrv can run. */
static xap_status attach_value_spy(xap_enquire *enq, const gz_field *field,
                                   int pieces, int collapse,
                                   xap_valuecount_spy **spy)
{
    xap_status s =
        pieces ? xap_valuecount_spy_new_split((unsigned)field->slot,
                                              GZ_LIST_SEP, spy)
               : xap_valuecount_spy_new((unsigned)field->slot, spy);
    if (s == XAP_OK && collapse)
        s = xap_valuecount_spy_set_distinct(*spy, GZ_SLOT_DEDUP);
    if (s == XAP_OK)
        s = xap_enquire_add_valuecount_spy(enq, *spy);
    return s;
}

/* Attach to `enq` a spy counting the terms of `field`'s prefix in each
 * match's term list (local indexes only). */
static xap_status attach_term_spy(xap_enquire *enq, const gz_field *field,
                                  int collapse, xap_termcount_spy **spy)
{
    xap_status s = xap_termcount_spy_new(field->prefix, spy);
    if (s == XAP_OK && collapse)
        s = xap_termcount_spy_set_distinct(*spy, GZ_SLOT_DEDUP);
    if (s == XAP_OK)
        s = xap_enquire_add_termcount_spy(enq, *spy);
    return s;
}

/* A facet counted from each match's term list (`field`, for want of
 * facet lists in `lacking`) cannot be counted by xapian-tcpsrv: over a
 * remote index, XAP_ERR_UNIMPLEMENTED, and index->failure says why. */
static xap_status refuse_over_remote(gazette_index_t *index,
                                     const gz_field *field,
                                     const gz_location *lacking)
{
    const gz_location *remote = NULL;
    for (size_t i = 0; !remote && i < index->nlocations; i++)
        if (index->locations[i].remote && index->locations[i].db)
            remote = &index->locations[i];
    if (!remote)
        return XAP_OK;
    index->failure_status = GAZETTE_STATUS_INVALID_ARGUMENT;
    snprintf(index->failure, sizeof index->failure,
             "the %s facet cannot be counted over the remote index %s: %s "
             "has no facet lists (written before them; a run with "
             "gazette_update_set_full adds them)",
             gazette_facet_name((gazette_facet_t)field->facet),
             remote->name, lacking ? lacking->name : "an index searched");
    return XAP_ERR_UNIMPLEMENTED;
}

xap_status gz_facets_attach(gazette_index_t *index, xap_enquire *enq,
                            const gazette_search_options_t *o,
                            facet_spies *sp)
{
    int lists = 0;
    const gz_location *lacking = NULL;
    xap_status s = wants_lists(o) ? lists_complete(index, &lists, &lacking)
                                  : XAP_OK;
    for (size_t f = 0; s == XAP_OK && f < GZ_FACET_KINDS; f++) {
        if (!o->facets[f])
            continue;
        /* Spies see every match, collapsed duplicates too: count each
         * normalised text once, like the hits. */
        const gz_field *field = facet_field((int)f);
        int pieces = counted_by_pieces(field, lists);
        if (pieces || counted_by_value(field))
            s = attach_value_spy(enq, field, pieces, o->collapse,
                                 &sp->values[f]);
        else if ((s = refuse_over_remote(index, field, lacking)) == XAP_OK)
            s = attach_term_spy(enq, field, o->collapse, &sp->terms[f]);
    }
    if (s == XAP_OK && o->collapse)
        choose_counter(sp);
    return s;
}

/* A facet's values as a spy reports them, with room for more. Their text
 * goes into one buffer (an entity facet has thousands of values: one
 * allocation each cost more than counting them); the values point into it
 * once all are in (finish_values). */
typedef struct collected {
    facet_counts *fc;
    size_t cap;     /* facet_value slots allocated in fc->values */
    size_t *at;     /* offset of each value's text in `text` */
    gz_buf text;    /* the values, each NUL-terminated; text.failed:
                       memory ran out (the spy then stops) */
} collected;

/* Room in `c` for one more value: 0, or 1 when out of memory (then
 * text.failed is set too). Arrays grow by half again. */
static int make_room(collected *c)
{
    facet_counts *fc = c->fc;
    if (fc->count < c->cap)
        return 0;
    size_t cap = c->cap < 16 ? 16 : c->cap + c->cap / 2;
    facet_value *grown = realloc(fc->values, cap * sizeof *grown);
    if (grown)
        fc->values = grown;
    size_t *at = grown ? realloc(c->at, cap * sizeof *at) : NULL;
    if (!at)
        return c->text.failed = 1;
    c->at = at;
    c->cap = cap;
    return 0;
}

/* Append the text of a value [value, value+len) to `c`: its offset, or
 * SIZE_MAX when out of memory. */
static size_t put_text(collected *c, const char *value, size_t len)
{
    size_t at = c->text.len;
    gz_buf_put(&c->text, value, len);
    gz_buf_put(&c->text, "", 1);   /* its NUL */
    return c->text.failed ? SIZE_MAX : at;
}

/* Spy callback: append one value to the collected in ctx. */
static int collect_facet(const char *value, size_t len, uint32_t count,
                         void *ctx)
{
    collected *c = ctx;
    size_t at = make_room(c) ? SIZE_MAX : put_text(c, value, len);
    if (at == SIZE_MAX)
        return 1;
    c->at[c->fc->count] = at;
    c->fc->values[c->fc->count++] = (facet_value){NULL, count};
    return 0;
}

/* Insert {value, count} into `c`, kept most frequent first, ties in
 * byte order. Returns XAP_OK or XAP_ERR_NOMEM. */
static xap_status insert_value(collected *c, const char *value,
                               uint64_t count)
{
    size_t text = make_room(c) ? SIZE_MAX
                               : put_text(c, value, strlen(value));
    if (text == SIZE_MAX)
        return XAP_ERR_NOMEM;
    facet_value *v = c->fc->values;
    size_t at = 0, n = c->fc->count;
    while (at < n && (v[at].count > count ||
                      (v[at].count == count &&
                       strcmp(c->text.data + c->at[at], value) < 0)))
        at++;
    memmove(v + at + 1, v + at, (n - at) * sizeof *v);
    memmove(c->at + at + 1, c->at + at, (n - at) * sizeof *c->at);
    c->at[at] = text;
    v[at] = (facet_value){NULL, count};
    c->fc->count++;
    return XAP_OK;
}

/* Point the values of `c` into their text, which the facet_counts then
 * owns (whether or not collecting succeeded). */
static void finish_values(collected *c)
{
    facet_counts *fc = c->fc;
    for (size_t i = 0; i < fc->count; i++)
        fc->values[i].value = c->text.data + c->at[i];
    fc->text = c->text.data;
    free(c->at);
}

/* Articles the value spy saw that have no value in its slot: those it
 * saw less those its values count (`fc` holds every value it counted). */
static xap_status without_value(const xap_valuecount_spy *spy,
                                const facet_counts *fc, uint64_t *out)
{
    uint64_t counted = 0;
    for (size_t i = 0; i < fc->count; i++)
        counted += fc->values[i].count;
    uint32_t seen = 0;
    xap_status s = xap_valuecount_spy_documents(spy, &seen);
    *out = s == XAP_OK && seen > counted ? seen - counted : 0;
    return s;
}

/* One value of a facet being merged (merge_folded): its fold, text and
 * count. */
typedef struct folded_value {
    char *key;
    const char *value;
    uint64_t count;
} folded_value;

/* By fold, then most frequent first, ties in byte order. */
static int by_fold(const void *a, const void *b)
{
    const folded_value *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c == 0 && x->count != y->count)
        c = x->count > y->count ? -1 : 1;
    return c ? c : strcmp(x->value, y->value);
}

/* Most frequent first, ties in byte order, as the spies report them. */
static int by_count(const void *a, const void *b)
{
    const facet_value *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->value, y->value);
}

/* 1 when `v` may fold to something else: a capital or a non-ASCII byte. */
static int may_fold(const char *v)
{
    for (; *v; v++)
        if ((unsigned char)*v >= 0x80 || gz_ascii_isupper((unsigned char)*v))
            return 1;
    return 0;
}

/* A facet of a whole-value filter (GZ_FOLD_VALUE: source, tag, author)
 * counts as one the values its filter does not tell apart, those that
 * fold alike (gz_value_fold): the sources "Économie" and "economie", and
 * the tags of an index written before folding ("Éire") with those of
 * the articles added since ("eire"). The source facet (values as
 * written) shows a merged value as its most frequent spelling. The tag
 * and author facets (`show_fold`: values are terms, folded in an index
 * written since) show its fold, unless an article written before folding
 * has it: then the most frequent of those older values ("Éire"), which
 * tag: searches with the fold (value_query, query/index.c), so the value
 * finds every article counted. Two values of one article that fold alike,
 * or two older spellings of one value ("Éire", "éire"), which only an
 * index written before folding has, are not found so: it is rebuilt with
 * gazette-index --full. */
static xap_status merge_folded(facet_counts *fc, int show_fold)
{
    size_t n = fc->count, m = 0;
    int need = 0;
    for (size_t i = 0; i < n && !need; i++)
        need = may_fold(fc->values[i].value);
    if (!need)
        return XAP_OK;
    folded_value *e = calloc(n, sizeof *e);
    facet_value *out = malloc(n * sizeof *out);
    size_t *at = malloc(n * sizeof *at);
    gz_buf text = {0};
    xap_status s = e && out && at ? XAP_OK : XAP_ERR_NOMEM;
    for (size_t i = 0; s == XAP_OK && i < n; i++) {
        e[i].value = fc->values[i].value;
        e[i].count = fc->values[i].count;
        if (!(e[i].key = gz_value_fold(e[i].value, strlen(e[i].value), NULL)))
            s = XAP_ERR_NOMEM;
    }
    if (s == XAP_OK)
        qsort(e, n, sizeof *e, by_fold);
    for (size_t i = 0; s == XAP_OK && i < n; m++) {
        const char *shown = show_fold ? e[i].key : e[i].value;
        uint64_t count = 0;
        size_t g = i;
        for (; i < n && strcmp(e[i].key, e[g].key) == 0; i++) {
            count += e[i].count;
            if (show_fold && shown == e[g].key &&
                strcmp(e[i].value, e[i].key) != 0)
                shown = e[i].value;
        }
        at[m] = text.len;
        gz_buf_put(&text, shown, strlen(shown) + 1);
        out[m].count = count;
        if (text.failed)
            s = XAP_ERR_NOMEM;
    }
    if (s == XAP_OK) {
        for (size_t k = 0; k < m; k++)
            out[k].value = text.data + at[k];
        qsort(out, m, sizeof *out, by_count);
        free(fc->values);
        free(fc->text);
        fc->values = out;
        fc->count = m;
        fc->text = text.data;
        out = NULL;
        text.data = NULL;
    }
    for (size_t i = 0; e && i < n; i++)
        free(e[i].key);
    free(e);
    free(out);
    free(at);
    free(text.data);
    return s;
}

xap_status gz_facets_read(const facet_spies *sp, gazette_results_t *r,
                          uint32_t *matches)
{
    xap_status s = XAP_OK;
    for (size_t f = 0; f < GZ_FACET_KINDS; f++) {
        collected c = {.fc = &r->facets[f]};
        if (s == XAP_OK && sp->values[f])
            s = xap_valuecount_spy_each_top(sp->values[f], 0, collect_facet,
                                            &c);
        else if (s == XAP_OK && sp->terms[f])
            s = xap_termcount_spy_each_top(sp->terms[f], 0, collect_facet,
                                           &c);
        if (s == XAP_OK && c.text.failed)
            s = XAP_ERR_NOMEM;
        /* Undated articles have no year: a bucket of their own. */
        uint64_t undated = 0;
        if (s == XAP_OK && f == GAZETTE_FACET_YEAR && sp->values[f])
            s = without_value(sp->values[f], c.fc, &undated);
        if (s == XAP_OK && undated)
            s = insert_value(&c, UNDATED, undated);
        finish_values(&c);
        const gz_field *field = facet_field((int)f);
        if (s == XAP_OK && field && field->fold == GZ_FOLD_VALUE)
            s = merge_folded(c.fc, !counted_by_value(field));
    }
    if (s == XAP_OK && sp->value_counter)
        s = xap_valuecount_spy_documents(sp->value_counter, matches);
    else if (s == XAP_OK && sp->term_counter)
        s = xap_termcount_spy_documents(sp->term_counter, matches);
    return s;
}
