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

/* The source facet's bucket for articles without a source (a file at the
 * corpus root, an article written with none): "", the source their hits
 * show. No source can be empty, so it names no real source; no word
 * would be safe, as a source is any folder name. */
#define NO_SOURCE ""

/* 1 when `field` is counted by value, one per article. */
static int counted_by_value(const gz_field *field)
{
    return field->exclusive && field->slot >= 0;
}

static void entity_keys_free(struct entity_keys *k);

void gz_facets_free(facet_spies *sp)
{
    for (size_t f = 0; f < GZ_FACET_KINDS; f++) {
        xap_valuecount_spy_free(sp->values[f]);
        xap_termcount_spy_free(sp->terms[f]);
    }
    entity_keys_free(sp->entity_keys);
    sp->entity_keys = NULL;
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

/*
 * The entity facet counts what entity: finds (query/aliases.c): the
 * names of the slot by their entity term (gz_entity_term: case, accents
 * and spacing aside), and the names of one line of the index's aliases
 * file as one, each article once. The aliases are the index's synonyms
 * whose keys are entity terms: each key and its synonyms are one entity,
 * counted under the smallest of their terms (`rep`).
 */
typedef struct entity_alias {
    char *term;   /* an entity term that has aliases */
    char *rep;    /* the smallest of it and its aliases */
} entity_alias;

struct entity_keys {
    entity_alias *items;   /* in byte order of their terms */
    size_t count, cap;
    xap_status status;     /* of the reading (callbacks) */
    const xap_database *db;
};

static void entity_keys_free(struct entity_keys *k)
{
    for (size_t i = 0; k && i < k->count; i++) {
        free(k->items[i].term);
        free(k->items[i].rep);
    }
    if (k)
        free(k->items);
    free(k);
}

/* xap_database_each_synonym callback: keep the smallest term in the
 * last alias of ctx. */
static int smaller_alias(const char *synonym, void *ctx)
{
    struct entity_keys *k = ctx;
    entity_alias *a = &k->items[k->count - 1];
    if (strcmp(synonym, a->rep) < 0) {
        char *copy = strdup(synonym);
        if (!copy) {
            k->status = XAP_ERR_NOMEM;
            return 1;
        }
        free(a->rep);
        a->rep = copy;
    }
    return 0;
}

/* xap_database_each_synonym_key callback: one entity term with aliases. */
static int add_entity_alias(const char *key, void *ctx)
{
    struct entity_keys *k = ctx;
    if (k->count == k->cap) {
        size_t cap = k->cap ? 2 * k->cap : 16;
        entity_alias *grown = realloc(k->items, cap * sizeof *grown);
        if (!grown) {
            k->status = XAP_ERR_NOMEM;
            return 1;
        }
        k->items = grown;
        k->cap = cap;
    }
    entity_alias *a = &k->items[k->count];
    a->term = strdup(key);
    a->rep = strdup(key);
    if (!a->term || !a->rep) {
        free(a->term);
        free(a->rep);
        k->status = XAP_ERR_NOMEM;
        return 1;
    }
    k->count++;
    xap_status s = xap_database_each_synonym(k->db, key, smaller_alias, k);
    if (k->status == XAP_OK)
        k->status = s;
    return k->status != XAP_OK;
}

/* The entity aliases of `db` into a new *out. Synonym keys come in byte
 * order, so the list is sorted. */
static xap_status entity_keys_read(const xap_database *db,
                                   struct entity_keys **out)
{
    struct entity_keys *k = calloc(1, sizeof *k);
    if (!k)
        return XAP_ERR_NOMEM;
    k->db = db;
    xap_status s = xap_database_each_synonym_key(db, GZ_PREFIX_ENTITY,
                                                 add_entity_alias, k);
    if (s == XAP_OK)
        s = k->status;
    if (s != XAP_OK) {
        entity_keys_free(k);
        k = NULL;
    }
    *out = k;
    return s;
}

static int cmp_alias(const void *key, const void *item)
{
    return strcmp(key, ((const entity_alias *)item)->term);
}

/* The entity term of the name [name, name+len) that is plain ASCII, one
 * space between words and short: "XE" and the name in lower case, as
 * gz_entity_term makes it at a fraction of the cost, into term (at least
 * GZ_TERM_BUF bytes, NUL-terminated); 0 for any other. This runs once
 * per distinct name a search's matches hold (tens of thousands): one
 * compare and one branch a byte where it can. */
static size_t ascii_entity_term(const char *name, size_t len, char *term)
{
    if (len == 0 || len + 2 > GZ_MAX_TERM_BYTES || name[0] == ' ' ||
        name[len - 1] == ' ')
        return 0;
    unsigned char before = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        /* Below 0x20 (control) or from 0x80 (UTF-8) wraps past 0x5F. */
        if ((unsigned char)(c - 0x20) > 0x5F || (c == ' ' && before == ' '))
            return 0;
        term[2 + i] = (char)gz_ascii_tolower(c);
        before = c;
    }
    memcpy(term, GZ_PREFIX_ENTITY, 2);
    term[len + 2] = '\0';
    return len + 2;
}

/* The entity term of any name [name, name+len) into term (at least
 * GZ_TERM_BUF bytes) by gz_entity_term, which wants a C string: a copy
 * on the stack when short. Its length (0 for a blank name), or SIZE_MAX
 * when memory ran out. */
static size_t any_entity_term(const char *name, size_t len, char *term)
{
    char small[256];
    char *copy = len < sizeof small ? small : malloc(len + 1);
    if (!copy)
        return SIZE_MAX;
    memcpy(copy, name, len);
    copy[len] = '\0';
    size_t n = gz_entity_term(copy, term, GZ_TERM_BUF);
    int blank = strspn(copy, " \t\n\r\f\v") == len;
    if (copy != small)
        free(copy);
    return n || blank ? n : SIZE_MAX;
}

/* xap_value_key_fn of the entity facet (ctx: struct entity_keys): the
 * entity term of the name, or of the entity it is an alias of. */
static xap_status entity_key(const char *name, size_t len, char *buf,
                             size_t size, size_t *out, void *ctx)
{
    const struct entity_keys *k = ctx;
    char term[GZ_TERM_BUF];
    size_t n = ascii_entity_term(name, len, term);
    if (!n && (n = any_entity_term(name, len, term)) == SIZE_MAX)
        return XAP_ERR_NOMEM;
    const entity_alias *a =
        k->count ? bsearch(term, k->items, k->count, sizeof *k->items,
                           cmp_alias)
                 : NULL;
    const char *key = a ? a->rep : term;
    *out = a ? strlen(key) : n;
    if (*out <= size)
        memcpy(buf, key, *out);
    return XAP_OK;
}

/* Attach to `enq` a value spy for facet `field`: of each whole value, or
 * of its pieces (`pieces`); a spy xapian-tcpsrv can run. The entity
 * facet's counts names by their entity (entity_key, with the aliases of
 * `index` read into sp->entity_keys). */
static xap_status attach_value_spy(gazette_index_t *index, xap_enquire *enq,
                                   const gz_field *field, int pieces,
                                   int collapse, facet_spies *sp,
                                   xap_valuecount_spy **spy)
{
    xap_status s =
        pieces ? xap_valuecount_spy_new_split((unsigned)field->slot,
                                              GZ_LIST_SEP, spy)
               : xap_valuecount_spy_new((unsigned)field->slot, spy);
    if (s == XAP_OK && collapse)
        s = xap_valuecount_spy_set_distinct(*spy, GZ_SLOT_DEDUP);
    if (s == XAP_OK && field->fold == GZ_FOLD_ENTITY && !sp->entity_keys)
        s = entity_keys_read(index->db, &sp->entity_keys);
    if (s == XAP_OK && field->fold == GZ_FOLD_ENTITY)
        s = xap_valuecount_spy_set_key(*spy, entity_key, sp->entity_keys);
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
            s = attach_value_spy(index, enq, field, pieces, o->collapse, sp,
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

/* Count in `c` the articles facet `facet`'s value spy `spy` (NULL: none)
 * saw without a value, which Xapian's spy leaves out, under the facet's
 * bucket for them: undated articles under UNDATED, those without a source
 * under NO_SOURCE, so that the counts cover every match. The spy's
 * document count is summed over remote shards as its values are, so the
 * bucket is the same over tcp://. Other facets have none: an article may
 * have no tag, author or entity. Returns XAP_OK or an error. */
static xap_status add_missing_bucket(const xap_valuecount_spy *spy,
                                     gazette_facet_t facet, collected *c)
{
    const char *bucket = facet == GAZETTE_FACET_YEAR     ? UNDATED
                         : facet == GAZETTE_FACET_SOURCE ? NO_SOURCE
                                                         : NULL;
    uint64_t missing = 0;
    xap_status s = bucket && spy ? without_value(spy, c->fc, &missing)
                                 : XAP_OK;
    if (s == XAP_OK && missing)
        s = insert_value(c, bucket, missing);
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
        if (s == XAP_OK)
            s = add_missing_bucket(sp->values[f], (gazette_facet_t)f, &c);
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

/*
 * Copies. With duplicates collapsed, the spies count an article with
 * copies once: the first copy their match sees (document order, no
 * weights), while the hits show the best-ranked one. Copies share their
 * text, not always their source, date or title entities: the counts
 * could name the source of a copy no hit shows. So after the page's
 * match, the copies the spies saw are matched alone (their ids, an
 * xap_query_new_ids filter: a lookup of each, no term list read) on the
 * page's enquire, with its query, order and ties, not collapsed: the
 * first copy of each group there is the one the hits show, unless, by
 * relevance, copies tie with it (copies.c): then the hits show the one
 * whose path sorts first, and so is it counted. Where the copy shown is
 * not the one counted, the spies count it instead.
 */
typedef struct copy_group {
    char *key;          /* the duplicate key (GZ_SLOT_DEDUP) */
    size_t len;
    xap_docid first;    /* the id in its shard of the copy counted */
    xap_docid shown, counted;   /* in index->db; 0: not seen yet */
    double weight;      /* of the group's first copy in the match */
    char *path;         /* the shown copy's path once a copy ties with
                           it, else NULL */
    size_t path_len;
} copy_group;

typedef struct copies {
    copy_group *groups;
    size_t count, cap;
    xap_docid *ids;     /* every copy's id in its shard */
    size_t nids, idcap;
    xap_status status;
} copies;

static void copies_free(copies *c)
{
    for (size_t i = 0; i < c->count; i++) {
        free(c->groups[i].key);
        free(c->groups[i].path);
    }
    free(c->groups);
    free(c->ids);
}

/* Spy callback (each_copies): one group, ids in their own shards. */
static int add_group(const char *key, size_t len, const xap_docid *ids,
                     size_t n, void *ctx)
{
    copies *c = ctx;
    if (c->count == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 16;
        copy_group *grown = realloc(c->groups, cap * sizeof *grown);
        if (!grown)
            return (c->status = XAP_ERR_NOMEM) != XAP_OK;
        c->groups = grown;
        c->cap = cap;
    }
    if (c->nids + n > c->idcap) {
        size_t cap = 2 * (c->nids + n);
        xap_docid *grown = realloc(c->ids, cap * sizeof *grown);
        if (!grown)
            return (c->status = XAP_ERR_NOMEM) != XAP_OK;
        c->ids = grown;
        c->idcap = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy)
        return (c->status = XAP_ERR_NOMEM) != XAP_OK;
    memcpy(copy, key, len);
    copy[len] = '\0';
    c->groups[c->count++] = (copy_group){copy, len, ids[0], 0, 0, 0,
                                         NULL, 0};
    memcpy(c->ids + c->nids, ids, n * sizeof *ids);
    c->nids += n;
    return 0;
}

/* By key: the callback gives the groups in no order. */
static int by_key(const void *a, const void *b)
{
    const copy_group *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->key, y->key, n);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* Match the copies of `c` alone with `ranked` on `enq`, not collapsed:
 * *mset in the page's order (with other articles that have the id of a
 * copy in another shard). */
static xap_status match_copies(const gazette_index_t *index, const copies *c,
                               xap_enquire *enq, const xap_query *ranked,
                               xap_mset **mset)
{
    xap_query *ids = NULL, *both = NULL;
    xap_status s = xap_query_new_ids(c->ids, c->nids, &ids);
    const xap_query *sides[2] = {ranked, ids};
    if (s == XAP_OK)
        s = xap_query_new_combine(XAP_OP_FILTER, sides, 2, 0, &both);
    if (s == XAP_OK)
        s = xap_enquire_set_query(enq, both, 0);
    if (s == XAP_OK)
        s = xap_enquire_set_collapse_key(enq, XAP_NO_SLOT, 1);
    size_t shards = index->nshards ? index->nshards : 1;
    uint64_t most = (uint64_t)c->nids * shards;
    if (s == XAP_OK)
        s = xap_enquire_get_mset(enq, 0,
                                 most > UINT32_MAX ? UINT32_MAX
                                                   : (uint32_t)most,
                                 0, NULL, mset);
    xap_query_free(ids);
    xap_query_free(both);
    return s;
}

/* Each spy of `sp` counts `instead` in place of `counted`. */
static xap_status recount(const gazette_index_t *index, const facet_spies *sp,
                          xap_docid counted, xap_docid instead)
{
    xap_document *was = NULL, *now = NULL;
    xap_status s = xap_database_get_document(index->db, counted, &was);
    if (s == XAP_OK)
        s = xap_database_get_document(index->db, instead, &now);
    for (size_t f = 0; s == XAP_OK && f < GZ_FACET_KINDS; f++) {
        if (sp->values[f])
            s = xap_valuecount_spy_recount(sp->values[f], was, now);
        else if (sp->terms[f])
            s = xap_termcount_spy_recount(sp->terms[f], was, now);
    }
    xap_document_free(was);
    xap_document_free(now);
    return s;
}

/* The path of document `id` of `index` into a new g->path. */
static xap_status read_shown_path(const gazette_index_t *index,
                                  xap_docid id, copy_group *g)
{
    xap_document *doc = NULL;
    const char *v = NULL;
    size_t len = 0;
    xap_status s = xap_database_get_document(index->db, id, &doc);
    if (s == XAP_OK)
        s = xap_document_get_value(doc, GZ_SLOT_FILE_PATH, &v, &len);
    if (s == XAP_OK && !(g->path = malloc(len ? len : 1)))
        s = XAP_ERR_NOMEM;
    if (s == XAP_OK) {
        memcpy(g->path, v, len);
        g->path_len = len;
    }
    xap_document_free(doc);
    return s;
}

/* The copy `id` (document `doc`, of weight `w`), seen after the first of
 * its group `g`, becomes g->shown when it ties with the first and its
 * path sorts before the shown one's, as the hits choose (copies.c).
 * Paths are read only for tied copies; with `path_ties` the match put
 * copies of exactly the first's weight after it by path already, so
 * only those a last bit lighter (another shard's) are read. */
static xap_status settle_tie(const gazette_index_t *index, copy_group *g,
                             xap_docid id, const xap_document *doc, double w,
                             int path_ties)
{
    if (!gz_copies_tied(w, g->weight) || (path_ties && w == g->weight))
        return XAP_OK;
    const char *v = NULL;
    size_t len = 0;
    xap_status s = g->path ? XAP_OK : read_shown_path(index, g->shown, g);
    if (s == XAP_OK)
        s = xap_document_get_value(doc, GZ_SLOT_FILE_PATH, &v, &len);
    size_t n = len < g->path_len ? len : g->path_len;
    int c = s == XAP_OK ? memcmp(v, g->path, n) : 0;
    if (s != XAP_OK || c > 0 || (c == 0 && len >= g->path_len))
        return s;
    char *copy = malloc(len ? len : 1);
    if (!copy)
        return XAP_ERR_NOMEM;
    memcpy(copy, v, len);
    free(g->path);
    g->path = copy;
    g->path_len = len;
    g->shown = id;
    return XAP_OK;
}

/* Note the matched document `id` (its rank order: `mset`'s, of weight
 * `w`) in its group of `c`, if it is a copy: the first seen is the one
 * shown, unless (`by_path`: hits by relevance) a copy that ties with it
 * has a path that sorts first (settle_tie, `path_ties`); the one counted
 * has the id in its shard the spies counted, in the first shard that has
 * it (the spies see the shards one after another). */
static xap_status note_copy(const gazette_index_t *index, copies *c,
                            xap_docid id, double w, int by_path,
                            int path_ties)
{
    xap_document *doc = NULL;
    const char *v = NULL;
    size_t len = 0;
    xap_status s = xap_database_get_document(index->db, id, &doc);
    if (s == XAP_OK)
        s = xap_document_get_value(doc, GZ_SLOT_DEDUP, &v, &len);
    copy_group key = {(char *)v, len, 0, 0, 0, 0, NULL, 0};
    copy_group *g = s == XAP_OK && len ? bsearch(&key, c->groups, c->count,
                                                 sizeof *c->groups, by_key)
                                       : NULL;
    size_t shards = index->nshards ? index->nshards : 1;
    if (g && !g->shown) {
        g->shown = id;
        g->weight = w;
    }
    else if (g && by_path)
        s = settle_tie(index, g, id, doc, w, path_ties);
    if (g && (id - 1) / shards + 1 == g->first &&
        (!g->counted || (id - 1) % shards < (g->counted - 1) % shards))
        g->counted = id;
    xap_document_free(doc);
    return s;
}

xap_status gz_facets_count_shown(gazette_index_t *index, xap_enquire *enq,
                                 const xap_query *ranked,
                                 const xap_query *restore,
                                 const gazette_search_options_t *o,
                                 int path_ties, facet_spies *sp)
{
    if (!o->collapse || gz_index_searches_remote(index) ||
        (!sp->value_counter && !sp->term_counter))
        return XAP_OK;
    copies c = {0};
    xap_status s =
        sp->value_counter
            ? xap_valuecount_spy_each_copies(sp->value_counter, add_group, &c)
            : xap_termcount_spy_each_copies(sp->term_counter, add_group, &c);
    if (s == XAP_OK)
        s = c.status;
    xap_mset *mset = NULL;
    if (s == XAP_OK && c.count) {
        qsort(c.groups, c.count, sizeof *c.groups, by_key);
        s = match_copies(index, &c, enq, ranked, &mset);
        int by_path = o->sort == GAZETTE_SORT_RELEVANCE;
        for (uint32_t i = 0; s == XAP_OK && i < xap_mset_size(mset); i++) {
            xap_docid id = 0;
            double w = 0;
            s = xap_mset_docid(mset, i, &id);
            if (s == XAP_OK && by_path)
                s = xap_mset_weight(mset, i, &w);
            if (s == XAP_OK)
                s = note_copy(index, &c, id, w, by_path, path_ties);
        }
        for (size_t g = 0; s == XAP_OK && g < c.count; g++)
            if (c.groups[g].shown && c.groups[g].counted &&
                c.groups[g].shown != c.groups[g].counted)
                s = recount(index, sp, c.groups[g].counted,
                            c.groups[g].shown);
        xap_status r = xap_enquire_set_collapse_key(enq, GZ_SLOT_DEDUP, 1);
        if (r == XAP_OK)
            r = xap_enquire_set_query(enq, restore, 0);
        if (s == XAP_OK)
            s = r;
    }
    xap_mset_free(mset);
    copies_free(&c);
    return s;
}
