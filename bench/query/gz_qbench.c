/*
 * gz_qbench.c - query latency through libgazette.
 *
 *   gz_qbench [-m MODE] [-r ROUNDS] [-k HITS] [-f FACET]... [-o RESULTS]
 *             [-l LATENCIES] INDEX QUERIES.tsv
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
 * Linked to the static library: "same" switches feedback off through the
 * ranking knobs that bench/relevance/gz_tune uses.
 * Exit 0, 64 usage, 66 index or queries unreadable, 70 a search failed.
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
} bench;

/* One search; its ids to `out` when given. */
static int run_one(const qb_query *q, FILE *out, void *ctx)
{
    bench *b = ctx;
    gazette_results_t *r = NULL;
    gazette_status_t s = gazette_search(b->index, q->text, b->opts, &r);
    if (out)
        fprintf(out, "%s\t", q->qid);
    if (s == GAZETTE_STATUS_QUERY_SYNTAX) {
        if (out)
            fputs("!syntax\n", out);
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
                    "[-l LATENCIES] INDEX QUERIES.tsv\n");
    return 64;
}

int main(int argc, char **argv)
{
    const char *mode = "default", *results = NULL, *latencies = NULL;
    const char *facets[8];
    size_t nfacets = 0;
    unsigned rounds = 3, hits = 10;
    int c;
    while ((c = getopt(argc, argv, "m:r:k:f:o:l:")) != -1) {
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
    if (gazette_search_options_new(&b.opts) != GAZETTE_STATUS_OK ||
        set_mode(&b, mode, hits, facets, nfacets) != 0)
        rc = usage();
    char who[64];
    snprintf(who, sizeof who, "gazette %s%s", mode, nfacets ? "+facets" : "");
    if (rc == 0 && qb_bench(&list, rounds, who, results, latencies, run_one,
                            &b) != 0)
        rc = 70;
    qb_free(&list);
    gazette_search_options_free(b.opts);
    gazette_index_close(b.index);
    return rc;
}
