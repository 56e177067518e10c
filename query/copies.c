/*
 * copies.c - which copy of identical articles a hit shows (search_private.h,
 * gz_copies_settle).
 *
 * Xapian collapses the copies (GZ_SLOT_DEDUP) onto the best-ranked one.
 * Copies have the same text, so the same weight in one database; but a
 * weight is a sum over the query's terms, and Xapian adds them in an
 * order it chooses per shard (from the shard's own term frequencies): the
 * same copy weighs a last bit more or less in one shard than in another,
 * and which copy a hit showed depended on how the archive was split (-j,
 * several --db, remote parts). Here the copies whose weights are equal up
 * to COPY_EPSILON count as tied, and the tie goes to the smallest path,
 * as ties by relevance do under feedback (ranking.c, gz_ranking_set_ties).
 *
 * Once the match set is full, Xapian's matcher drops a match lighter than
 * its lowest hit before the collapser sees it: a copy one last bit lighter
 * than that hit is neither counted nor offered. The hits that weigh the
 * lowest weight of a full match set may so hide copies with a collapse
 * count of 0, and are settled (and their copies counted) from the ties.
 * A ranked page's match keeps a few hits more than the page (search.c,
 * ranked_keep): the lowest is past the page, the page's hits are at it
 * only when the last one ties with it, and a page whose hits hide no
 * copies needs no second match.
 */
#include "search_private.h"

#include <stdlib.h>
#include <string.h>

/* Relative difference below which two weights are the same weight: far
 * above the rounding of a sum of a few hundred terms (about 1e-14), far
 * below any difference a word of the text makes. */
#define COPY_EPSILON 1e-12

void gz_copies_free(gz_copies *c)
{
    xap_mset_free(c->ties);
    free(c->at);
    free(c->copies);
    *c = (gz_copies){NULL, NULL, NULL};
}

/* Value `slot` of the i-th document of `mset`, new in *out (*len bytes,
 * NUL-terminated; the caller frees it). */
static xap_status value_of(const xap_mset *mset, uint32_t i, unsigned slot,
                           char **out, size_t *len)
{
    xap_document *doc = NULL;
    const char *v = NULL;
    *out = NULL;
    *len = 0;
    xap_status s = xap_mset_document(mset, i, &doc);
    if (s == XAP_OK)
        s = xap_document_get_value(doc, slot, &v, len);
    if (s == XAP_OK && !(*out = malloc(*len + 1)))
        s = XAP_ERR_NOMEM;
    if (s == XAP_OK) {
        memcpy(*out, v, *len);
        (*out)[*len] = '\0';
    }
    xap_document_free(doc);
    return s;
}

/* -1, 0, 1 as byte string `a` (`na` bytes) sorts before, with, after `b`. */
static int compare_bytes(const char *a, size_t na, const char *b, size_t nb)
{
    int c = memcmp(a, b, na < nb ? na : nb);
    return c ? c : (na > nb) - (na < nb);
}

/* 1 when `w` is `of` up to COPY_EPSILON. */
static int same_weight(double w, double of)
{
    double d = w > of ? w - of : of - w;
    return d <= COPY_EPSILON * (of > 0 ? of : -of);
}

/* Only copies that weigh something are settled: gz_copies_settle cuts
 * its match off above 0, so a hit of weight 0 keeps its own copy. */
int gz_copies_tied(double w, double of)
{
    return of > 0 && same_weight(w, of);
}

/* The index in `ties` (every match weighing at least about `w`, rank
 * order, not collapsed) of the copy with key `key` of weight `w` (up to
 * COPY_EPSILON) whose path sorts first, in *best; left as is (the hit's
 * own copy, of path `path`) when none sorts before it. */
static xap_status first_tied_copy(const xap_mset *ties, double w,
                                  const char *key, size_t klen,
                                  const char *path, size_t plen,
                                  uint32_t *best)
{
    uint32_t size = xap_mset_size(ties);
    char *best_path = NULL;
    size_t best_len = plen;
    xap_status s = XAP_OK;
    for (uint32_t j = 0; s == XAP_OK && j < size; j++) {
        double wj = 0;
        s = xap_mset_weight(ties, j, &wj);
        if (s != XAP_OK || (wj > w && !same_weight(wj, w)))
            continue;
        if (!same_weight(wj, w))
            break;   /* rank order: the rest weigh less */
        char *k = NULL, *p = NULL;
        size_t kl = 0, pl = 0;
        s = value_of(ties, j, GZ_SLOT_DEDUP, &k, &kl);
        if (s == XAP_OK && compare_bytes(k, kl, key, klen) == 0)
            s = value_of(ties, j, GZ_SLOT_FILE_PATH, &p, &pl);
        if (s == XAP_OK && p &&
            compare_bytes(p, pl, best_path ? best_path : path,
                          best_path ? best_len : plen) < 0) {
            free(best_path);
            best_path = p;
            best_len = pl;
            p = NULL;
            *best = j;
        }
        free(k);
        free(p);
    }
    free(best_path);
    return s;
}

/* The weight of the lowest hit of `mset` when it is full, in *floor (0:
 * it holds every match, Xapian dropped none unseen). Bounds equal to its
 * size are what Xapian says of a match set it could not fill. */
static xap_status full_floor(const xap_mset *mset, double *floor)
{
    uint32_t size = xap_mset_size(mset), lower = 0, upper = 0;
    *floor = 0;
    xap_status s = size ? xap_mset_matches(mset, &lower, NULL, &upper)
                        : XAP_OK;
    if (s == XAP_OK && size && (lower != upper || upper != size))
        s = xap_mset_weight(mset, size - 1, floor);
    return s;
}

/* 1 when a hit of weight `w` may hide copies Xapian dropped unseen, in a
 * match set whose full_floor is `floor`. */
static int at_floor(double w, double floor)
{
    return floor > 0 && same_weight(w, floor);
}

/* Whether the hit at `at` of `mset` may hide copies (*may) and its weight
 * (*w), in a match set whose full_floor is `floor`. */
static xap_status may_hide(const xap_mset *mset, uint32_t at, double floor,
                           int *may, double *w)
{
    uint32_t hidden = 0;
    xap_status s = xap_mset_collapse_count(mset, at, &hidden);
    if (s == XAP_OK)
        s = xap_mset_weight(mset, at, w);
    *may = s == XAP_OK && (hidden || at_floor(*w, floor));
    return s;
}

/* The smallest weight, less COPY_EPSILON, of the `n` hits at `at` in
 * `mset` that may hide copies, in *least (0: none may). */
static xap_status least_with_copies(const xap_mset *mset, const uint32_t *at,
                                    size_t n, double floor, double *least)
{
    xap_status s = XAP_OK;
    *least = 0;
    for (size_t i = 0; s == XAP_OK && i < n; i++) {
        int may = 0;
        double w = 0;
        s = may_hide(mset, at[i], floor, &may, &w);
        w -= w * COPY_EPSILON;
        if (s == XAP_OK && may && w > 0 && (*least == 0 || w < *least))
            *least = w;
    }
    return s;
}

/* The matches in `ties` other than one with key `key`, in *n: the copies
 * a hit hides, the ones Xapian dropped unseen too. */
static xap_status count_copies(const xap_mset *ties, const char *key,
                               size_t klen, uint32_t *n)
{
    uint32_t size = xap_mset_size(ties), same = 0;
    xap_status s = XAP_OK;
    for (uint32_t j = 0; s == XAP_OK && j < size; j++) {
        char *k = NULL;
        size_t kl = 0;
        s = value_of(ties, j, GZ_SLOT_DEDUP, &k, &kl);
        same += s == XAP_OK && compare_bytes(k, kl, key, klen) == 0;
        free(k);
    }
    *n = same ? same - 1 : 0;
    return s;
}

/* Every match of the query on `enq` weighing at least `least`, not
 * collapsed, in *ties; the enquire collapses again afterwards. Asks for
 * more until the match set is not full: copies ranked on earlier pages
 * come before the page's. */
static xap_status match_ties(xap_enquire *enq, double least, uint32_t fetch,
                             xap_mset **ties)
{
    xap_status s = xap_enquire_set_collapse_key(enq, XAP_NO_SLOT, 1);
    if (s == XAP_OK)
        s = xap_enquire_set_weight_cutoff(enq, least);
    while (s == XAP_OK) {
        s = xap_enquire_get_mset(enq, 0, fetch, 0, NULL, ties);
        if (s != XAP_OK || xap_mset_size(*ties) < fetch ||
            fetch == UINT32_MAX)
            break;
        xap_mset_free(*ties);
        *ties = NULL;
        fetch = fetch > UINT32_MAX / 2 ? UINT32_MAX : 2 * fetch;
    }
    xap_status r = xap_enquire_set_weight_cutoff(enq, 0);
    if (r == XAP_OK)
        r = xap_enquire_set_collapse_key(enq, GZ_SLOT_DEDUP, 1);
    return s == XAP_OK ? r : s;
}

/* For the hit at `at` of `mset`, the copy it shows instead (*best) and,
 * at a full match set's floor, how many copies it hides (*copies). */
static xap_status settle_one(const xap_mset *mset, uint32_t at, double floor,
                             const gz_copies *c, uint32_t *best,
                             uint32_t *copies)
{
    int may = 0;
    double w = 0;
    char *key = NULL, *path = NULL;
    size_t klen = 0, plen = 0;
    xap_status s = may_hide(mset, at, floor, &may, &w);
    if (s != XAP_OK || !may)
        return s;
    s = value_of(mset, at, GZ_SLOT_DEDUP, &key, &klen);
    if (s == XAP_OK)
        s = value_of(mset, at, GZ_SLOT_FILE_PATH, &path, &plen);
    if (s == XAP_OK && klen)
        s = first_tied_copy(c->ties, w, key, klen, path, plen, best);
    if (s == XAP_OK && klen && at_floor(w, floor))
        s = count_copies(c->ties, key, klen, copies);
    free(key);
    free(path);
    return s;
}

xap_status gz_copies_settle(xap_enquire *enq, const xap_mset *mset,
                            const uint32_t *at, size_t n, gz_copies *c)
{
    *c = (gz_copies){NULL, NULL, NULL};
    double floor = 0, least = 0;
    xap_status s = full_floor(mset, &floor);
    if (s == XAP_OK)
        s = least_with_copies(mset, at, n, floor, &least);
    if (s != XAP_OK || least <= 0)
        return s;
    uint32_t fetch = 16;
    for (size_t i = 0; i < n; i++)
        fetch = at[i] + 16 > fetch ? at[i] + 16 : fetch;
    s = match_ties(enq, least, fetch, &c->ties);
    if (s == XAP_OK && (!(c->at = malloc(n * sizeof *c->at)) ||
                        !(c->copies = malloc(n * sizeof *c->copies))))
        s = XAP_ERR_NOMEM;
    for (size_t i = 0; s == XAP_OK && i < n; i++) {
        c->at[i] = c->copies[i] = GZ_COPY_OWN;
        s = settle_one(mset, at[i], floor, c, &c->at[i], &c->copies[i]);
    }
    if (s != XAP_OK)
        gz_copies_free(c);
    return s;
}
