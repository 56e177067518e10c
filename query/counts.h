/*
 * counts.h - exact match counts without ranking every match (private to
 * the library).
 *
 * Xapian skips the matches that cannot reach the page, so the count of a
 * ranked page is an estimate; with duplicates collapsed it cannot even
 * know how many collapse until it looks at them, and near-duplicates
 * (query/search.c) are only looked for among the hits a page needs. Two
 * cheap facts make a count exact without ranking every match:
 *   - a match with boolean weighting (Xapian computes no weights) and a
 *     spy of the fingerprints of each article (identical copies once)
 *     counts the articles exactly;
 *   - the near-duplicate filter leaves out all but one of a group of
 *     articles whose fingerprints are each within GZ_SIMHASH_DISTANCE
 *     bits of each other, whatever their order, so that count less those
 *     is the number of hits a full list would show (only a chain of
 *     near fingerprints needs the order).
 * search.c decides when to pay for them (docs/search.md, "Counts").
 */
#ifndef GAZETTE_COUNTS_H
#define GAZETTE_COUNTS_H

#include <stdint.h>

#include "xapian_shim.h"

/* A new spy (the caller frees it) of the fingerprints of the articles a
 * match sees, each article once with its identical copies
 * (GZ_SLOT_DEDUP). Over a remote index xapian-tcpsrv counts every copy:
 * local indexes only. */
xap_status gz_print_spy_new(xap_valuecount_spy **spy);

/* The articles that `spy` (gz_print_spy_new) counted and that the
 * near-duplicate filter leaves out, into *hidden, with *known 1 when that
 * does not depend on the order of the hits: the articles form groups of
 * near fingerprints (within GZ_SIMHASH_DISTANCE bits), and when every two
 * of a group are near, whichever comes first hides the others. *known 0
 * when a group is a chain (A near B, B near C, A and C apart: the order
 * decides whether C is shown). An article without a fingerprint hides
 * nothing. */
xap_status gz_prints_hidden(const xap_valuecount_spy *spy, uint32_t *hidden,
                            int *known);

/* The number of matches of `q` on `db` into *n, counted in a match of its
 * own with boolean weighting that looks at every match. With `spy` (a
 * print spy, filled by the match) the articles, identical copies once;
 * without, every document. */
xap_status gz_count_matches(const xap_database *db, const xap_query *q,
                            xap_valuecount_spy *spy, uint32_t *n);

#endif /* GAZETTE_COUNTS_H */
