/* counts.c - exact match counts without ranking every match (counts.h). */
#include "counts.h"

#include <stdlib.h>

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

/* xap_valuecount_spy_each callback: keep the fingerprint `value` that
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
 * at least (the pigeonhole principle): sorted by each band in turn, only
 * fingerprints that agree on it need comparing. Over thousands of
 * articles that is thousands of comparisons, not the millions of every
 * pair. */
#define BANDS (GZ_SIMHASH_DISTANCE + 1)

typedef struct banded {
    uint64_t key;      /* the fingerprint's bits of the band */
    uint32_t node;
} banded;

static int by_key(const void *a, const void *b)
{
    uint64_t x = ((const banded *)a)->key, y = ((const banded *)b)->key;
    return x < y ? -1 : x > y;
}

/* Join into one group each two of the `n` nodes `v` whose fingerprints
 * are near; `b` is room for n entries. */
static void join_near(print_node *v, size_t n, banded *b)
{
    for (unsigned band = 0; band < BANDS; band++) {
        unsigned lo = band * 64 / BANDS, hi = (band + 1) * 64 / BANDS;
        uint64_t mask = (~0ULL >> (64 - (hi - lo))) << lo;
        for (size_t i = 0; i < n; i++)
            b[i] = (banded){v[i].print & mask, (uint32_t)i};
        qsort(b, n, sizeof *b, by_key);
        for (size_t i = 0, j; i < n; i = j) {
            for (j = i + 1; j < n && b[j].key == b[i].key; j++)
                ;
            for (size_t x = i; x < j; x++)
                for (size_t y = x + 1; y < j; y++)
                    if (near(v[b[x].node].print, v[b[y].node].print)) {
                        uint32_t gx = group_of(v, b[x].node);
                        uint32_t gy = group_of(v, b[y].node);
                        v[gx].parent = gy;
                    }
        }
    }
}

/* The largest group whose every pair is compared (a long chain of edits
 * is rare; comparing it would cost its square). */
#define CLIQUE_MAX 256

/* The articles the filter leaves out of one group, nodes [at, at + k) of
 * `order` (node indexes, one group), into *hidden: all but one when every
 * two of them are near (whatever comes first hides the rest), else
 * unknown (*known 0: it depends on the order). */
static void group_hidden(const print_node *v, const banded *order,
                         size_t at, size_t k, uint64_t *hidden, int *known)
{
    uint64_t articles = 0;
    for (size_t x = at; x < at + k; x++)
        articles += v[order[x].node].count;
    if (k > CLIQUE_MAX) {
        *known = 0;
        return;
    }
    for (size_t x = at; x < at + k && *known; x++)
        for (size_t y = x + 1; y < at + k && *known; y++)
            *known = near(v[order[x].node].print, v[order[y].node].print);
    *hidden += articles - 1;
}

xap_status gz_prints_hidden(const xap_valuecount_spy *spy, uint32_t *hidden,
                            int *known)
{
    prints p = {NULL, 0, 0, 0};
    banded *b = NULL;
    uint64_t left_out = 0;
    *hidden = 0;
    *known = 0;
    xap_status s = xap_valuecount_spy_each(spy, add_print, &p);
    if (s == XAP_OK && !p.failed && p.n && !(b = malloc(p.n * sizeof *b)))
        p.failed = 1;
    if (s == XAP_OK && p.failed)
        s = XAP_ERR_NOMEM;
    if (s == XAP_OK && p.n == 0)
        *known = 1;   /* no fingerprint: nothing hidden */
    else if (s == XAP_OK) {
        join_near(p.v, p.n, b);
        /* the nodes by group, each group's in a run */
        for (size_t i = 0; i < p.n; i++)
            b[i] = (banded){group_of(p.v, (uint32_t)i), (uint32_t)i};
        qsort(b, p.n, sizeof *b, by_key);
        *known = 1;
        for (size_t i = 0, j; i < p.n && *known; i = j) {
            for (j = i + 1; j < p.n && b[j].key == b[i].key; j++)
                ;
            group_hidden(p.v, b, i, j - i, &left_out, known);
        }
        *hidden = left_out > UINT32_MAX ? UINT32_MAX : (uint32_t)left_out;
    }
    free(b);
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
