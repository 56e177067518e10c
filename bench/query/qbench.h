/*
 * qbench.h - what the query-latency programs of bench/query share: the
 * query list, the timing loop and the report, so that every engine is
 * timed the same way.
 *
 * Each program loads "<qid>\t<text>" lines, runs every query once
 * untimed (warm-up: page cache, JIT-free code paths, lazy set-up), then
 * ROUNDS timed rounds over the whole list; a query's latency is its median
 * over the rounds, and the report gives the 50th and 99th percentiles of
 * those medians over the queries.
 */
#ifndef BENCH_QBENCH_H
#define BENCH_QBENCH_H

#include <stddef.h>
#include <stdio.h>

typedef struct qb_query {
    char *qid;
    char *text;
} qb_query;

typedef struct qb_list {
    qb_query *q;
    size_t n;
} qb_list;

/* Read QUERIES.tsv into `list`. Returns 0, or -1 (message on stderr). */
int qb_load(const char *path, qb_list *list);
void qb_free(qb_list *list);

/* Run query i: return 0, or -1 to stop the benchmark (message printed).
 * `out` is the results file of the warm-up round (NULL in timed rounds):
 * write "<qid>\t<id> <id> ...\n" there, ids in rank order. */
typedef int (*qb_run_fn)(const qb_query *q, FILE *out, void *ctx);

/* Warm up once (writing results to `results_path` unless NULL), time
 * `rounds` rounds, print "<who>: N queries, p50 X us, p99 Y us, mean Z us"
 * to stderr, and, unless `latency_path` is NULL, each query's median
 * "<qid>\t<us>" to that file. Returns 0 or -1. */
int qb_bench(const qb_list *list, unsigned rounds, const char *who,
             const char *results_path, const char *latency_path,
             qb_run_fn fn, void *ctx);

/* Monotonic clock, microseconds. */
double qb_now_us(void);

#endif
