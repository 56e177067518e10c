/* qbench.c - timing loop and report of the query benchmarks (qbench.h). */
#include "qbench.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

double qb_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

int qb_load(const char *path, qb_list *list)
{
    FILE *f = fopen(path, "r");
    *list = (qb_list){0};
    if (!f) {
        perror(path);
        return -1;
    }
    char line[8192];
    size_t cap = 0;
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = '\0';
        if (list->n == cap) {
            cap = cap ? cap * 2 : 512;
            qb_query *grown = realloc(list->q, cap * sizeof *grown);
            if (!grown) {
                rc = -1;
                break;
            }
            list->q = grown;
        }
        qb_query *q = &list->q[list->n];
        q->qid = strdup(line);
        q->text = strdup(tab + 1);
        if (!q->qid || !q->text) {
            free(q->qid);
            free(q->text);
            rc = -1;
            break;
        }
        list->n++;
    }
    fclose(f);
    if (rc != 0)
        fprintf(stderr, "%s: out of memory\n", path);
    return rc;
}

void qb_free(qb_list *list)
{
    for (size_t i = 0; i < list->n; i++) {
        free(list->q[i].qid);
        free(list->q[i].text);
    }
    free(list->q);
    *list = (qb_list){0};
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The value at percentile p (0..100) of sorted v[0..n), nearest rank. */
static double percentile(const double *v, size_t n, double p)
{
    size_t rank = (size_t)(p / 100.0 * (double)n + 0.999999);
    if (rank < 1)
        rank = 1;
    if (rank > n)
        rank = n;
    return v[rank - 1];
}

int qb_bench(const qb_list *list, unsigned rounds, const char *who,
             const char *results_path, const char *latency_path,
             qb_run_fn fn, void *ctx)
{
    size_t n = list->n;
    if (rounds == 0 || n == 0)
        return -1;
    FILE *res = results_path ? fopen(results_path, "w") : NULL;
    if (results_path && !res) {
        perror(results_path);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = fn(&list->q[i], res, ctx);
    if (res && fclose(res) != 0)
        rc = -1;
    double *times = malloc(n * rounds * sizeof *times);
    double *med = malloc(n * sizeof *med);
    if (!times || !med)
        rc = -1;
    for (unsigned r = 0; rc == 0 && r < rounds; r++)
        for (size_t i = 0; rc == 0 && i < n; i++) {
            double t0 = qb_now_us();
            rc = fn(&list->q[i], NULL, ctx);
            times[i * rounds + r] = qb_now_us() - t0;
        }
    FILE *lat = NULL;
    if (rc == 0 && latency_path && !(lat = fopen(latency_path, "w"))) {
        perror(latency_path);
        rc = -1;
    }
    double sum = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        qsort(times + i * rounds, rounds, sizeof *times, cmp_double);
        med[i] = times[i * rounds + rounds / 2];
        sum += med[i];
        if (lat)
            fprintf(lat, "%s\t%.1f\n", list->q[i].qid, med[i]);
    }
    if (lat && fclose(lat) != 0)
        rc = -1;
    if (rc == 0) {
        qsort(med, n, sizeof *med, cmp_double);
        fprintf(stderr, "%s: %zu queries, p50 %.0f us, p99 %.0f us, "
                        "mean %.0f us\n",
                who, n, percentile(med, n, 50), percentile(med, n, 99),
                sum / (double)n);
    }
    free(times);
    free(med);
    return rc;
}
