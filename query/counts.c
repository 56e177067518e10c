/* counts.c - exact match counts without ranking every match (counts.h). */
#include "counts.h"

#include <stdlib.h>
#include <string.h>

#include "schema.h"

xap_status gz_print_spy_new(xap_valuecount_spy **spy)
{
    xap_status s = xap_valuecount_spy_new(GZ_SLOT_SIMHASH, spy);
    if (s == XAP_OK)
        s = xap_valuecount_spy_set_distinct(*spy, GZ_SLOT_DEDUP);
    return s;
}

/* One fingerprint the spy reported, a node of the near-duplicate graph. */
typedef struct print_node {
    uint64_t print;
    uint32_t count;    /* articles that have it (near one another) */
    uint32_t parent;   /* union-find: its group, through its parent */
} print_node;

typedef struct prints {
    print_node *v;
    size_t n, cap;
    int failed;        /* out of memory */
} prints;

/* xap_valuecount_spy_each_unsorted callback: keep the fingerprint `value` that
 * `count` articles have. A value that is no fingerprint, or 0, hides
 * nothing, as in the near-duplicate filter (query/search.c). */
static int add_print(const char *value, size_t len, uint32_t count,
                     void *ctx)
{
    prints *p = ctx;
    uint64_t print = 0;
    if (!gz_simhash_parse(value, len, &print) || print == 0)
        return 0;
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 256;
        print_node *v = realloc(p->v, cap * sizeof *v);
        if (!v) {
            p->failed = 1;
            return 1;
        }
        p->v = v;
        p->cap = cap;
    }
    p->v[p->n] = (print_node){print, count, (uint32_t)p->n};
    p->n++;
    return 0;
}

static uint32_t group_of(print_node *v, uint32_t i)
{
    while (v[i].parent != i) {
        v[i].parent = v[v[i].parent].parent;
        i = v[i].parent;
    }
    return i;
}

static int near(uint64_t a, uint64_t b)
{
    return gz_simhash_distance(a, b) <= GZ_SIMHASH_DISTANCE;
}

/* Two fingerprints within GZ_SIMHASH_DISTANCE bits differ in at most that
 * many of BANDS bands of bits, so they agree on all the bits of one band
 * at least (the pigeonhole principle): grouped by each band in turn, only
 * fingerprints that agree on it need comparing. Over thousands of
 * articles that is thousands of comparisons, not the millions of every
 * pair. */
#define BANDS (GZ_SIMHASH_DISTANCE + 1)
/* A band is a few bits, so a band's value indexes a table (a counting
 * sort: qsort's calls of a comparison were most of a count of filters
 * alone, docs/performance.md "Filters alone, cheaper"). */
#define BAND_BITS_MAX ((64 + BANDS - 1) / BANDS)
_Static_assert(BAND_BITS_MAX <= 16,
               "a band of more than 16 bits needs another sort");
/* Up to this many fingerprints every pair is compared: cheaper than
 * BANDS sorts over the band's table. */
#define PAIRWISE_MAX 32

/* Sort the indexes 0 .. n-1 by `key` (each below `buckets`) into `order`;
 * end[k] (room for `buckets`) is then where the run of key k ends in
 * `order`, and the run of key 0 starts at 0. */
static void sort_by_key(const uint32_t *key, size_t n, size_t buckets,
                        uint32_t *order, uint32_t *end)
{
    memset(end, 0, buckets * sizeof *end);
    for (size_t i = 0; i < n; i++)
        end[key[i]]++;
    uint32_t sum = 0;
    for (size_t k = 0; k < buckets; k++) {   /* each run's start */
        uint32_t size = end[k];
        end[k] = sum;
        sum += size;
    }
    for (size_t i = 0; i < n; i++)           /* each start moves to its end */
        order[end[key[i]]++] = (uint32_t)i;
}

/* Join into one group each two of the `k` nodes `run` (indexes into `v`)
 * whose fingerprints are near. */
static void join_run(print_node *v, const uint32_t *run, size_t k)
{
    for (size_t x = 0; x < k; x++)
        for (size_t y = x + 1; y < k; y++)
            if (near(v[run[x]].print, v[run[y]].print)) {
                uint32_t gx = group_of(v, run[x]);
                uint32_t gy = group_of(v, run[y]);
                v[gx].parent = gy;
            }
}

/* Join into one group each two of the `n` nodes `v` whose fingerprints
 * are near; `key` and `order` are room for n entries, `end` for
 * max(n, 1 << BAND_BITS_MAX). */
static void join_near(print_node *v, size_t n, uint32_t *key,
                      uint32_t *order, uint32_t *end)
{
    if (n <= PAIRWISE_MAX) {
        for (size_t i = 0; i < n; i++)
            order[i] = (uint32_t)i;
        join_run(v, order, n);
        return;
    }
    for (unsigned band = 0; band < BANDS; band++) {
        unsigned lo = band * 64 / BANDS, hi = (band + 1) * 64 / BANDS;
        size_t buckets = (size_t)1 << (hi - lo);
        for (size_t i = 0; i < n; i++)
            key[i] = (uint32_t)((v[i].print >> lo) & (buckets - 1));
        sort_by_key(key, n, buckets, order, end);
        for (size_t b = 0, at = 0; b < buckets; at = end[b++])
            if (end[b] - at > 1)
                join_run(v, order + at, end[b] - at);
    }
}

/* The largest group whose every pair is compared (a long chain of edits
 * is rare; comparing it would cost its square). */
#define CLIQUE_MAX 256

/* The articles the filter leaves out of one group, the `k` nodes `group`
 * (indexes into `v`), into *hidden: all but one when every two of them
 * are near (whatever comes first hides the rest), else unknown (*known 0:
 * it depends on the order). */
static void group_hidden(const print_node *v, const uint32_t *group,
                         size_t k, uint64_t *hidden, int *known)
{
    uint64_t articles = 0;
    for (size_t x = 0; x < k; x++)
        articles += v[group[x]].count;
    if (k > CLIQUE_MAX) {
        *known = 0;
        return;
    }
    for (size_t x = 0; x < k && *known; x++)
        for (size_t y = x + 1; y < k && *known; y++)
            *known = near(v[group[x]].print, v[group[y]].print);
    *hidden += articles - 1;
}

/* The articles the filter leaves out of the `n` nodes `v`, joined into
 * groups (join_near), into *hidden, *known as gz_prints_hidden says;
 * `key`, `order` and `end` are room for n entries. */
static void groups_hidden(print_node *v, size_t n, uint32_t *key,
                          uint32_t *order, uint32_t *end, uint64_t *hidden,
                          int *known)
{
    for (size_t i = 0; i < n; i++)
        key[i] = group_of(v, (uint32_t)i);
    sort_by_key(key, n, n, order, end);
    *known = 1;
    for (size_t g = 0, at = 0; g < n && *known; at = end[g++])
        if (end[g] > at)
            group_hidden(v, order + at, end[g] - at, hidden, known);
}

xap_status gz_prints_hidden(const xap_valuecount_spy *spy, uint32_t *hidden,
                            int *known)
{
    prints p = {NULL, 0, 0, 0};
    uint32_t *room = NULL;
    uint64_t left_out = 0;
    *hidden = 0;
    *known = 0;
    xap_status s = xap_valuecount_spy_each_unsorted(spy, add_print, &p);
    size_t table = p.n > (1u << BAND_BITS_MAX) ? p.n : 1u << BAND_BITS_MAX;
    if (s == XAP_OK && !p.failed && p.n &&
        !(room = malloc((2 * p.n + table) * sizeof *room)))
        p.failed = 1;
    if (s == XAP_OK && p.failed)
        s = XAP_ERR_NOMEM;
    if (s == XAP_OK && p.n == 0)
        *known = 1;   /* no fingerprint: nothing hidden */
    else if (s == XAP_OK) {
        uint32_t *key = room, *order = room + p.n, *end = room + 2 * p.n;
        join_near(p.v, p.n, key, order, end);
        groups_hidden(p.v, p.n, key, order, end, &left_out, known);
        *hidden = left_out > UINT32_MAX ? UINT32_MAX : (uint32_t)left_out;
    }
    free(room);
    free(p.v);
    return s;
}

xap_status gz_count_matches(const xap_database *db, const xap_query *q,
                            xap_valuecount_spy *spy, uint32_t *n)
{
    xap_enquire *counter = NULL;
    xap_mset *mset = NULL;
    uint32_t all = 0;
    *n = 0;
    xap_status s = xap_database_doc_count(db, &all);
    if (s == XAP_OK)
        s = xap_enquire_new(db, &counter);
    if (s == XAP_OK)
        s = xap_enquire_set_query(counter, q, 0);
    if (s == XAP_OK)
        s = xap_enquire_set_weighting_bool(counter);
    if (s == XAP_OK && spy)
        s = xap_enquire_add_valuecount_spy(counter, spy);
    /* no hit kept, every match looked at (check_at_least: all documents):
     * the bounds are then equal, and the spy saw each match */
    if (s == XAP_OK)
        s = xap_enquire_get_mset(counter, 0, 0, all, NULL, &mset);
    if (s == XAP_OK)
        s = spy ? xap_valuecount_spy_documents(spy, n)
                : xap_mset_matches(mset, n, NULL, NULL);
    xap_mset_free(mset);
    xap_enquire_free(counter);
    return s;
}
