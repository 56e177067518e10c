/*
 * sqlite_peer.c - the SQLite FTS5 peer: its usual English setup on the
 * converted documents.
 *
 *   sqlite_peer DOCS_DIR QUERIES.tsv > RUN
 *
 * An in-memory FTS5 table (docno UNINDEXED, title, body) with
 * tokenize='porter unicode61', ranked by bm25() (k1=1.2, b=0.75, both
 * columns weight 1). FTS5's MATCH syntax has its own operators, so a query
 * is cut into words (runs of ASCII letters/digits and non-ASCII bytes, as
 * unicode61 does for this text), each word is quoted as an FTS5 string and
 * the words are OR-ed: the "any word, best first" search the other engines
 * run. Writes a TREC run (top 1000) to stdout and the median latency to
 * stderr. Exit 0, 64 usage, 70 on error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docs.h"
#include "fts5.h"

#define DEPTH 1000

typedef struct peer {
    fts5_store fts;
    peer_latencies lat;
} peer;

static int run_query(const char *qid, const char *text, void *ctx)
{
    peer *p = ctx;
    double t0 = peer_now_us();
    char *expr = fts5_expression(text);
    int rc = SQLITE_DONE;
    if (expr) {
        sqlite3_reset(p->fts.search);
        sqlite3_bind_text(p->fts.search, 1, expr, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(p->fts.search, 2, DEPTH);
        unsigned rank = 0;
        while ((rc = sqlite3_step(p->fts.search)) == SQLITE_ROW)
            printf("%s Q0 %s %u %.6f sqlite\n", qid,
                   (const char *)sqlite3_column_text(p->fts.search, 0), ++rank,
                   -sqlite3_column_double(p->fts.search, 1));
        free(expr);
    }
    if (peer_latency_add(&p->lat, peer_now_us() - t0) != 0)
        return -1;
    return rc == SQLITE_DONE ? 0 : fts5_fail(&p->fts, "search");
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: sqlite_peer DOCS_DIR QUERIES.tsv\n");
        return 64;
    }
    peer p = {0};
    int rc = fts5_load(&p.fts, "sqlite_peer", argv[1]);
    if (rc == 0)
        rc = peer_each_query(argv[2], run_query, &p);
    peer_latency_report(&p.lat, "sqlite_peer");
    fts5_close(&p.fts);
    return rc == 0 ? 0 : 70;
}
