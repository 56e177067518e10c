/*
 * rel_eval.c - score TREC run files against a TREC qrels file: MAP, P@10
 * and nDCG@10, the same code for every engine so the table is fair.
 *
 *   rel_eval [-q] QRELS RUN...
 *
 * QRELS lines: "<qid> <ignored> <docno> <grade>"; grade > 0 is relevant
 * (the grade is the gain for nDCG). RUN lines (TREC): "<qid> Q0 <docno>
 * <rank> <score> <tag>", one query's lines in rank order; a document that
 * appears twice for one query counts once, at its first place.
 *
 * Definitions (those of trec_eval -c with -m map, P.10, ndcg_cut.10):
 *   AP(q)      = sum over relevant docs retrieved at rank i of
 *                (relevant docs in ranks 1..i) / i, divided by R(q), the
 *                number of relevant docs judged for q
 *   MAP        = mean of AP over every query with R(q) > 0, a query the run
 *                does not answer counting 0
 *   P@10(q)    = relevant docs in ranks 1..10, divided by 10
 *   nDCG@10(q) = DCG@10 / ideal DCG@10, DCG@10 = sum over ranks i <= 10 of
 *                grade(doc_i) / log2(i + 1); the ideal puts the judged
 *                grades in decreasing order. Binary qrels make every grade 1.
 * Unlike trec_eval the run's own order is kept (trec_eval re-sorts by score
 * and breaks ties by docno), so an engine's tie order is what it returned.
 *
 * Output, one line per run: "<run>\tMAP\tP@10\tnDCG@10\t<queries>"; with -q
 * also one line per query ("<run>\t<qid>\tAP\tP@10\tnDCG@10").
 * Exit status 0, 64 on bad usage, 66 when a file cannot be read, 65 on a
 * malformed line.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_MAX 64
#define CUTOFF 10

typedef struct judgment {
    char doc[KEY_MAX];
    int grade;
} judgment;

typedef struct query_judgments {
    char qid[KEY_MAX];
    judgment *j;         /* sorted by doc, for bsearch */
    size_t n, cap;
    size_t relevant;     /* judgments with grade > 0 */
    /* per-run scratch */
    double ap, p10, ndcg;
    size_t seen;         /* ranks read so far for this query in this run */
    size_t hits;         /* relevant docs among them */
    double dcg;
    char **docs;         /* docs already counted in this run */
    size_t ndocs, docs_cap;
} query_judgments;

static query_judgments *queries;
static size_t nqueries, queries_cap;

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q) {
        fprintf(stderr, "rel_eval: out of memory\n");
        exit(71);
    }
    return q;
}

/* The query with id `qid`, or NULL (linear: collections have <= 225). */
static query_judgments *find_query(const char *qid)
{
    for (size_t i = 0; i < nqueries; i++)
        if (strcmp(queries[i].qid, qid) == 0)
            return &queries[i];
    return NULL;
}

static int cmp_judgment(const void *a, const void *b)
{
    return strcmp(((const judgment *)a)->doc, ((const judgment *)b)->doc);
}

/* Read QRELS into `queries`; exits on error. */
static void load_qrels(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        exit(66);
    }
    char line[512], qid[KEY_MAX], skip[KEY_MAX], doc[KEY_MAX];
    int grade;
    unsigned long lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (sscanf(line, "%63s %63s %63s %d", qid, skip, doc, &grade) != 4) {
            fprintf(stderr, "%s:%lu: malformed qrels line\n", path, lineno);
            exit(65);
        }
        query_judgments *q = find_query(qid);
        if (!q) {
            if (nqueries == queries_cap) {
                queries_cap = queries_cap ? queries_cap * 2 : 64;
                queries = xrealloc(queries, queries_cap * sizeof *queries);
            }
            q = &queries[nqueries++];
            memset(q, 0, sizeof *q);
            snprintf(q->qid, sizeof q->qid, "%s", qid);
        }
        if (q->n == q->cap) {
            q->cap = q->cap ? q->cap * 2 : 16;
            q->j = xrealloc(q->j, q->cap * sizeof *q->j);
        }
        snprintf(q->j[q->n].doc, KEY_MAX, "%s", doc);
        q->j[q->n++].grade = grade;
        q->relevant += grade > 0;
    }
    fclose(f);
    for (size_t i = 0; i < nqueries; i++)
        qsort(queries[i].j, queries[i].n, sizeof *queries[i].j, cmp_judgment);
}

/* Grade of `doc` for `q` (0 when unjudged). */
static int grade_of(const query_judgments *q, const char *doc)
{
    judgment key;
    snprintf(key.doc, sizeof key.doc, "%s", doc);
    const judgment *j = bsearch(&key, q->j, q->n, sizeof *q->j, cmp_judgment);
    return j ? j->grade : 0;
}

/* 1 when `doc` was already counted for `q` in this run; else remember it. */
static int already_seen(query_judgments *q, const char *doc)
{
    for (size_t i = 0; i < q->ndocs; i++)
        if (strcmp(q->docs[i], doc) == 0)
            return 1;
    if (q->ndocs == q->docs_cap) {
        q->docs_cap = q->docs_cap ? q->docs_cap * 2 : 128;
        q->docs = xrealloc(q->docs, q->docs_cap * sizeof *q->docs);
    }
    q->docs[q->ndocs] = xrealloc(NULL, strlen(doc) + 1);
    strcpy(q->docs[q->ndocs++], doc);
    return 0;
}

static int cmp_grade_desc(const void *a, const void *b)
{
    return ((const judgment *)b)->grade - ((const judgment *)a)->grade;
}

/* Ideal DCG@10 of `q`: its judged grades in decreasing order. */
static double ideal_dcg(const query_judgments *q)
{
    judgment *sorted = xrealloc(NULL, (q->n ? q->n : 1) * sizeof *sorted);
    memcpy(sorted, q->j, q->n * sizeof *sorted);
    qsort(sorted, q->n, sizeof *sorted, cmp_grade_desc);
    double dcg = 0;
    for (size_t i = 0; i < q->n && i < CUTOFF && sorted[i].grade > 0; i++)
        dcg += sorted[i].grade / log2((double)i + 2);
    free(sorted);
    return dcg;
}

static void reset_run(void)
{
    for (size_t i = 0; i < nqueries; i++) {
        query_judgments *q = &queries[i];
        for (size_t k = 0; k < q->ndocs; k++)
            free(q->docs[k]);
        q->ndocs = 0;
        q->ap = q->p10 = q->ndcg = q->dcg = 0;
        q->seen = q->hits = 0;
    }
}

/* Score one run file; prints its line(s). Returns 0 or an exit status. */
static int score_run(const char *path, int per_query)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return 66;
    }
    reset_run();
    char line[512], qid[KEY_MAX], q0[KEY_MAX], doc[KEY_MAX];
    unsigned long lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (sscanf(line, "%63s %63s %63s", qid, q0, doc) != 3) {
            fprintf(stderr, "%s:%lu: malformed run line\n", path, lineno);
            fclose(f);
            return 65;
        }
        query_judgments *q = find_query(qid);
        if (!q || q->relevant == 0 || already_seen(q, doc))
            continue;
        size_t rank = ++q->seen;
        int g = grade_of(q, doc);
        if (g > 0) {
            q->hits++;
            q->ap += (double)q->hits / (double)rank;
            if (rank <= CUTOFF) {
                q->p10 += 1.0 / CUTOFF;
                q->dcg += g / log2((double)rank + 1);
            }
        }
    }
    fclose(f);

    double map = 0, p10 = 0, ndcg = 0;
    size_t n = 0;
    for (size_t i = 0; i < nqueries; i++) {
        query_judgments *q = &queries[i];
        if (q->relevant == 0)
            continue;
        q->ap /= (double)q->relevant;
        double ideal = ideal_dcg(q);
        q->ndcg = ideal > 0 ? q->dcg / ideal : 0;
        map += q->ap;
        p10 += q->p10;
        ndcg += q->ndcg;
        n++;
        if (per_query)
            printf("%s\t%s\t%.4f\t%.4f\t%.4f\n", path, q->qid, q->ap, q->p10,
                   q->ndcg);
    }
    if (n)
        printf("%s\t%.4f\t%.4f\t%.4f\t%zu\n", path, map / n, p10 / n,
               ndcg / n, n);
    else
        printf("%s\t0\t0\t0\t0\n", path);
    return 0;
}

int main(int argc, char **argv)
{
    int per_query = 0, argi = 1;
    if (argi < argc && strcmp(argv[argi], "-q") == 0) {
        per_query = 1;
        argi++;
    }
    if (argc - argi < 2) {
        fprintf(stderr, "usage: rel_eval [-q] QRELS RUN...\n");
        return 64;
    }
    load_qrels(argv[argi++]);
    int status = 0;
    for (; argi < argc; argi++) {
        int s = score_run(argv[argi], per_query);
        if (s)
            status = s;
    }
    reset_run();
    for (size_t i = 0; i < nqueries; i++) {
        free(queries[i].j);
        free(queries[i].docs);
    }
    free(queries);
    return status;
}
