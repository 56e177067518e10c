/*
 * gz_qbench.c - query latency through libgazette.
 *
 *   gz_qbench [-m MODE] [-r ROUNDS] [-k HITS] [-f FACET]... [-o RESULTS]
 *             [-d DUMP] [-l LATENCIES] INDEX QUERIES.tsv
 *
 * MODE:
 *   default     the library's defaults: feedback re-ranking, spelling
 *               suggestions, duplicate collapsing, 200-byte snippets
 *   nosnippets  the defaults without snippets
 *   same        the ranking raw Xapian runs in xapian_qbench: BM25 with
 *               Gazette's parameters, no feedback, no spelling, no
 *               collapsing, no snippets
 *   nofeedback  the defaults without feedback re-ranking
 * -f NAME adds a facet (source, year, tag, entity, author) to the mode.
 * HITS (default 10) hits are asked for and each one's stored fields read.
 * Timing: qbench.h. RESULTS gets each query's hit ids (warm-up round).
 * DUMP (-d) gets, for the warm-up round, everything a change to the search
 * must leave as it was: each query's match counts, its hits (id, rank,
 * snippet) and every facet value with its count, one per line.
 * Linked to the static library: "same" switches feedback off through the
 * ranking knobs that bench/relevance/gz_tune uses.
 * Exit 0, 64 usage, 66 index or queries unreadable, 70 a search failed,
 * 73 or 74 DUMP cannot be written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gazette.h"
#include "qbench.h"
#include "ranking.h"

typedef struct bench {
    gazette_index_t *index;
    gazette_search_options_t *opts;
    size_t touched;   /* bytes of the fields read, so none is skipped */
    FILE *dump;       /* -d: the warm-up round's results in full, or NULL */
    size_t nqueries;  /* queries in a round */
    size_t runs;      /* searches run so far (the first round warms up) */
} bench;

/* Write the whole of `r` (query `qid`) to `dump`: counts, hits with their
 * snippets, facets. */
static void dump_results(FILE *dump, const char *qid,
                         const gazette_results_t *r)
{
    uint64_t lower = 0, estimate = 0, upper = 0;
    gazette_results_estimate(r, &lower, &estimate, &upper);
    fprintf(dump, "%s\tmatches %llu %llu %llu\n", qid,
            (unsigned long long)lower, (unsigned long long)estimate,
            (unsigned long long)upper);
    for (size_t i = 0; i < gazette_results_count(r); i++) {
        const gazette_hit_t *h = gazette_results_hit(r, i);
        fprintf(dump, "%s\thit %zu %s\t%s\n", qid, i + 1, gazette_hit_id(h),
                gazette_hit_snippet(h));
    }
    for (int f = 0; gazette_facet_name((gazette_facet_t)f); f++)
        for (size_t i = 0;
             i < gazette_results_facet_count(r, (gazette_facet_t)f); i++) {
            const char *value = NULL;
            uint64_t count = 0;
            gazette_results_facet_value(r, (gazette_facet_t)f, i, &value,
                                        &count);
            fprintf(dump, "%s\tfacet %s %s\t%llu\n", qid,
                    gazette_facet_name((gazette_facet_t)f), value,
                    (unsigned long long)count);
        }
}

/* One search; its ids to `out` when given. */
static int run_one(const qb_query *q, FILE *out, void *ctx)
{
    bench *b = ctx;
    gazette_results_t *r = NULL;
    gazette_status_t s = gazette_search(b->index, q->text, b->opts, &r);
    FILE *dump = b->runs++ < b->nqueries ? b->dump : NULL;
    if (out)
        fprintf(out, "%s\t", q->qid);
    if (s == GAZETTE_STATUS_QUERY_SYNTAX) {
        if (out)
            fputs("!syntax\n", out);
        if (dump)
            fprintf(dump, "%s\t!syntax\n", q->qid);
        return 0;
    }
    if (s != GAZETTE_STATUS_OK) {
        fprintf(stderr, "gz_qbench: query %s: %s\n", q->qid,
                gazette_index_error(b->index));
        return -1;
    }
    for (size_t i = 0; i < gazette_results_count(r); i++) {
        const gazette_hit_t *h = gazette_results_hit(r, i);
        b->touched += strlen(gazette_hit_title(h)) +
                      strlen(gazette_hit_snippet(h));
        if (out)
            fprintf(out, "%s%s", i ? " " : "", gazette_hit_id(h));
    }
    if (out)
        fputc('\n', out);
    if (dump)
        dump_results(dump, q->qid, r);
    gazette_results_free(r);
    return 0;
}

/* Apply MODE and facets to b->opts. Returns 0, or -1 for a bad value. */
static int set_mode(bench *b, const char *mode, unsigned hits,
                    const char *const *facets, size_t nfacets)
{
    gazette_search_options_t *o = b->opts;
    if (gazette_search_options_set_range(o, 0, hits) != GAZETTE_STATUS_OK)
        return -1;
    if (strcmp(mode, "nosnippets") == 0 || strcmp(mode, "same") == 0)
        gazette_search_options_set_snippet(o, 0, NULL, NULL);
    if (strcmp(mode, "same") == 0) {
        gz_ranking_params p = gz_ranking_defaults;
        p.prf_docs = 0;
        gz_ranking_set_params(&p);
        gazette_search_options_set_spelling(o, 0);
        gazette_search_options_set_collapse_duplicates(o, 0);
    } else if (strcmp(mode, "nofeedback") == 0) {
        gz_ranking_params p = gz_ranking_defaults;
        p.prf_docs = 0;
        gz_ranking_set_params(&p);
    } else if (strcmp(mode, "default") != 0 &&
               strcmp(mode, "nosnippets") != 0) {
        return -1;
    }
    for (size_t i = 0; i < nfacets; i++) {
        int found = 0;
        for (int f = 0; gazette_facet_name((gazette_facet_t)f); f++)
            if (strcmp(facets[i], gazette_facet_name((gazette_facet_t)f)) ==
                0) {
                gazette_search_options_add_facet(o, (gazette_facet_t)f);
                found = 1;
            }
        if (!found)
            return -1;
    }
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: gz_qbench [-m default|nosnippets|nofeedback|same] "
                    "[-r ROUNDS] [-k HITS] [-f FACET]... [-o RESULTS] "
                    "[-d DUMP] [-l LATENCIES] INDEX QUERIES.tsv\n");
    return 64;
}

int main(int argc, char **argv)
{
    const char *mode = "default", *results = NULL, *latencies = NULL;
    const char *dump = NULL;
    const char *facets[8];
    size_t nfacets = 0;
    unsigned rounds = 3, hits = 10;
    int c;
    while ((c = getopt(argc, argv, "m:r:k:f:o:d:l:")) != -1) {
        switch (c) {
        case 'm': mode = optarg; break;
        case 'r': rounds = (unsigned)strtoul(optarg, NULL, 10); break;
        case 'k': hits = (unsigned)strtoul(optarg, NULL, 10); break;
        case 'f':
            if (nfacets == sizeof facets / sizeof *facets)
                return usage();
            facets[nfacets++] = optarg;
            break;
        case 'o': results = optarg; break;
        case 'd': dump = optarg; break;
        case 'l': latencies = optarg; break;
        default: return usage();
        }
    }
    if (argc - optind != 2 || rounds == 0)
        return usage();
    bench b = {0};
    qb_list list;
    if (gazette_index_open(argv[optind], &b.index) != GAZETTE_STATUS_OK) {
        fprintf(stderr, "gz_qbench: %s\n", gazette_last_open_error());
        return 66;
    }
    if (qb_load(argv[optind + 1], &list) != 0) {
        gazette_index_close(b.index);
        return 66;
    }
    int rc = 0;
    b.nqueries = list.n;
    if (dump && !(b.dump = fopen(dump, "w"))) {
        perror(dump);
        rc = 73;
    }
    if (rc == 0 &&
        (gazette_search_options_new(&b.opts) != GAZETTE_STATUS_OK ||
         set_mode(&b, mode, hits, facets, nfacets) != 0))
        rc = usage();
    char who[64];
    snprintf(who, sizeof who, "gazette %s%s", mode, nfacets ? "+facets" : "");
    if (rc == 0 && qb_bench(&list, rounds, who, results, latencies, run_one,
                            &b) != 0)
        rc = 70;
    if (b.dump && fclose(b.dump) != 0 && rc == 0) {
        perror(dump);
        rc = 74;
    }
    qb_free(&list);
    gazette_search_options_free(b.opts);
    gazette_index_close(b.index);
    return rc;
}
