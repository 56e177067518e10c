/*
 * sqlite_qbench.c - query latency of SQLite FTS5, timed like gz_qbench.
 *
 *   sqlite_qbench [-r ROUNDS] [-k HITS] [-o RESULTS] DOCS_DIR QUERIES.tsv
 *
 * The same set-up as the relevance peer (bench/peers/sqlite_peer.c): an
 * in-memory FTS5 table (docno UNINDEXED, title, body) with
 * tokenize='porter unicode61', ranked by bm25(). A query's words are
 * OR-ed; a query written in double quotes is an FTS5 phrase. The top HITS
 * (default 10) and their docno are read. Timing: qbench.h.
 * Exit 0, 64 usage, 70 on error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "docs.h"
#include "fts5.h"
#include "qbench.h"

typedef struct bench {
    fts5_store fts;
    int hits;
} bench;

static int run_one(const qb_query *q, FILE *out, void *ctx)
{
    bench *b = ctx;
    char *expr = fts5_expression(q->text);
    int rc = SQLITE_DONE, i = 0;
    if (out)
        fprintf(out, "%s\t", q->qid);
    if (expr) {
        sqlite3_reset(b->fts.search);
        sqlite3_bind_text(b->fts.search, 1, expr, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(b->fts.search, 2, b->hits);
        while ((rc = sqlite3_step(b->fts.search)) == SQLITE_ROW) {
            const char *docno =
                (const char *)sqlite3_column_text(b->fts.search, 0);
            if (out)
                fprintf(out, "%s%s", i ? " " : "", docno);
            i++;
        }
        free(expr);
    }
    if (out)
        fputc('\n', out);
    return rc == SQLITE_DONE ? 0 : fts5_fail(&b->fts, "search");
}

int main(int argc, char **argv)
{
    unsigned rounds = 3;
    const char *results = NULL;
    bench b = {.hits = 10};
    int c;
    while ((c = getopt(argc, argv, "r:k:o:")) != -1) {
        switch (c) {
        case 'r': rounds = (unsigned)strtoul(optarg, NULL, 10); break;
        case 'k': b.hits = atoi(optarg); break;
        case 'o': results = optarg; break;
        default: goto usage;
        }
    }
    if (argc - optind != 2 || rounds == 0) {
usage:
        fprintf(stderr, "usage: sqlite_qbench [-r ROUNDS] [-k HITS] "
                        "[-o RESULTS] DOCS_DIR QUERIES.tsv\n");
        return 64;
    }
    qb_list list = {0};
    int rc = fts5_load(&b.fts, "sqlite_qbench", argv[optind]);
    if (rc == 0)
        rc = qb_load(argv[optind + 1], &list);
    if (rc == 0 && qb_bench(&list, rounds, "sqlite fts5", results, NULL,
                            run_one, &b) != 0)
        rc = -1;
    qb_free(&list);
    fts5_close(&b.fts);
    return rc == 0 ? 0 : 70;
}
