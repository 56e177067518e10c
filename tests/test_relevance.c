/*
 * test_relevance.c - ranking quality must not regress.
 *
 * 1. rel_eval (bench/relevance/rel_eval.c) against measures worked out by
 *    hand on a tiny qrels/run pair, so the scorer itself is checked.
 * 2. A quality measurement, its own ctest entry (quality_relevance_adi,
 *    "test_relevance adi", label quality): the ADI collection
 *    (../shared/corpora/adi, read in place) converted with
 *    bench/relevance/convert.sh into a scratch directory, indexed with the
 *    real gazette-index, every judged query run through libgazette with
 *    the default settings, the run scored by rel_eval; MAP must stay above
 *    a floor a little under today's value (the full table is a benchmark:
 *    bench/relevance/run.sh, docs/relevance.md). Without the collection it
 *    exits 77 and ctest shows it skipped.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "gazette.h"
#include "test_util.h"

/* ADI MAP with the default ranking was 0.4224 when this floor was set
 * (docs/relevance.md); a change that costs more than ~0.02 fails. */
#define ADI_MAP_FLOOR 0.40
/* The untuned Xapian defaults score 0.3765: the floor must be above. */
#define ADI_MAP_UNTUNED 0.3765

/* Run rel_eval on qrels/run in `dir` and read its summary line. */
static void score(const char *dir, double *map, double *p10, double *ndcg,
                  int *nq)
{
    assert_int_equal(tu_run("'%s' '%s/qrels' '%s/run' > '%s/score'",
                            tu_binary("bench/rel_eval"), dir, dir, dir),
                     0);
    char path[4096];
    snprintf(path, sizeof path, "%s/score", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char name[4096];
    assert_int_equal(fscanf(f, "%4095s %lf %lf %lf %d", name, map, p10, ndcg,
                            nq),
                     5);
    fclose(f);
}

/* Two queries judged by hand:
 *   q1: relevant d1 (grade 2), d3 (grade 1); run d1 d2 d3 d1(dup)
 *       AP = (1/1 + 2/3) / 2 = 0.8333, P@10 = 0.2,
 *       DCG = 2/log2(2) + 1/log2(4) = 2.5, ideal = 2 + 1/log2(3) = 2.6309,
 *       nDCG = 0.9502
 *   q2: relevant d9, not retrieved (the run has no q2 line): all 0
 *   q3: only a non-relevant judgment: not counted
 * MAP = 0.4167, P@10 = 0.1, nDCG@10 = 0.4751 over 2 queries. */
static void test_rel_eval_by_hand(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp("rel_eval");
    const char *qrels = "q1 0 d1 2\nq1 0 d3 1\nq1 0 d2 0\n"
                        "q2 0 d9 1\nq3 0 d1 0\n";
    const char *run = "q1 Q0 d1 1 3.0 t\nq1 Q0 d2 2 2.0 t\n"
                      "q1 Q0 d3 3 1.0 t\nq1 Q0 d1 4 0.5 t\n"
                      "q3 Q0 d1 1 1.0 t\n";
    tu_write_file(dir, "qrels", qrels, strlen(qrels));
    tu_write_file(dir, "run", run, strlen(run));
    double map, p10, ndcg;
    int nq;
    score(dir, &map, &p10, &ndcg, &nq);
    assert_int_equal(nq, 2);
    assert_true(fabs(map - (1.0 + 2.0 / 3.0) / 4.0) < 1e-4);
    assert_true(fabs(p10 - 0.1) < 1e-4);
    assert_true(fabs(ndcg - 2.5 / (2.0 + 1.0 / log2(3.0)) / 2.0) < 1e-4);
    tu_rmtree(dir);
    free(dir);
}

/* Search every "<qid>\t<text>" line of dir/queries.tsv through libgazette
 * and write the TREC run dir/run; returns the number of queries. */
static int write_run(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/index", dir);
    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open(path, &index), GAZETTE_STATUS_OK);
    gazette_search_options_t *opts = NULL;
    assert_int_equal(gazette_search_options_new(&opts), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_set_range(opts, 0, 1000),
                     GAZETTE_STATUS_OK);
    snprintf(path, sizeof path, "%s/queries.tsv", dir);
    FILE *qf = fopen(path, "r");
    assert_non_null(qf);
    snprintf(path, sizeof path, "%s/run", dir);
    FILE *rf = fopen(path, "w");
    assert_non_null(rf);
    char line[8192];
    int nq = 0;
    while (fgets(line, sizeof line, qf)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *tab = strchr(line, '\t');
        assert_non_null(tab);
        *tab = '\0';
        gazette_results_t *res = NULL;
        assert_int_equal(gazette_search(index, tab + 1, opts, &res),
                         GAZETTE_STATUS_OK);
        for (size_t i = 0; i < gazette_results_count(res); i++) {
            const gazette_hit_t *hit = gazette_results_hit(res, i);
            const char *id = gazette_hit_id(hit);   /* "<docno>.txt" */
            fprintf(rf, "%s Q0 %.*s %zu %f gazette\n", line,
                    (int)strcspn(id, "."), id, i + 1, gazette_hit_weight(hit));
        }
        gazette_results_free(res);
        nq++;
    }
    fclose(rf);
    fclose(qf);
    gazette_search_options_free(opts);
    gazette_index_close(index);
    return nq;
}

static void test_adi_map_floor(void **state)
{
    (void)state;
    const char *adi = tu_quality_corpus();
    char *dir = tu_mkdtemp("relevance_adi");
    assert_int_equal(tu_run("'%s' adi '%s' '%s'",
                            tu_source_path("bench/relevance/convert.sh"), adi,
                            dir),
                     0);
    assert_int_equal(tu_run("'%s' --quiet --db '%s/index' '%s/docs'",
                            tu_binary("indexer/gazette-index"), dir, dir),
                     0);
    assert_int_equal(write_run(dir), 35);     /* ADI: 35 judged queries */
    double map, p10, ndcg;
    int nq;
    score(dir, &map, &p10, &ndcg, &nq);
    print_message("ADI: MAP %.4f P@10 %.4f nDCG@10 %.4f over %d queries\n",
                  map, p10, ndcg, nq);
    assert_int_equal(nq, 35);
    assert_true(map >= ADI_MAP_FLOOR);
    assert_true(map > ADI_MAP_UNTUNED);
    assert_true(ndcg > map / 2);
    tu_rmtree(dir);
    free(dir);
}

int main(int argc, char **argv)
{
    static const tu_quality quality[] = {
        {"adi", "adi", test_adi_map_floor},
    };
    if (argc > 1)
        return tu_quality_run(argv[1], quality,
                              sizeof quality / sizeof *quality);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rel_eval_by_hand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
