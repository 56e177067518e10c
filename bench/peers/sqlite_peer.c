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
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "docs.h"

#define DEPTH 1000

typedef struct peer {
    sqlite3 *db;
    sqlite3_stmt *insert, *search;
    peer_latencies lat;
} peer;

static int fail(peer *p, const char *what)
{
    fprintf(stderr, "sqlite_peer: %s: %s\n", what, sqlite3_errmsg(p->db));
    return -1;
}

static int add_doc(const peer_doc *d, void *ctx)
{
    peer *p = ctx;
    sqlite3_reset(p->insert);
    sqlite3_bind_text(p->insert, 1, d->docno, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(p->insert, 2, d->title, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(p->insert, 3, d->body, -1, SQLITE_TRANSIENT);
    return sqlite3_step(p->insert) == SQLITE_DONE ? 0 : fail(p, "insert");
}

static int is_word_byte(unsigned char c)
{
    return isalnum(c) || c >= 0x80;
}

/* The FTS5 expression for `text`: "w1" OR "w2" ... in a new string (NULL
 * when the text has no word or on out of memory). Words hold no '"', so
 * quoting needs no escaping. */
static char *fts_expression(const char *text)
{
    size_t cap = strlen(text) * 6 + 1;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    size_t len = 0;
    const unsigned char *s = (const unsigned char *)text;
    while (*s) {
        while (*s && !is_word_byte(*s))
            s++;
        const unsigned char *start = s;
        while (*s && is_word_byte(*s))
            s++;
        if (s == start)
            break;
        len += (size_t)snprintf(out + len, cap - len, "%s\"%.*s\"",
                                len ? " OR " : "", (int)(s - start),
                                (const char *)start);
    }
    if (len == 0) {
        free(out);
        return NULL;
    }
    return out;
}

static int run_query(const char *qid, const char *text, void *ctx)
{
    peer *p = ctx;
    double t0 = peer_now_us();
    char *expr = fts_expression(text);
    int rc = SQLITE_DONE;
    if (expr) {
        sqlite3_reset(p->search);
        sqlite3_bind_text(p->search, 1, expr, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(p->search, 2, DEPTH);
        unsigned rank = 0;
        while ((rc = sqlite3_step(p->search)) == SQLITE_ROW)
            printf("%s Q0 %s %u %.6f sqlite\n", qid,
                   (const char *)sqlite3_column_text(p->search, 0), ++rank,
                   -sqlite3_column_double(p->search, 1));
        free(expr);
    }
    if (peer_latency_add(&p->lat, peer_now_us() - t0) != 0)
        return -1;
    return rc == SQLITE_DONE ? 0 : fail(p, "search");
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: sqlite_peer DOCS_DIR QUERIES.tsv\n");
        return 64;
    }
    peer p = {0};
    int rc = sqlite3_open(":memory:", &p.db) == SQLITE_OK ? 0 : -1;
    if (rc == 0 &&
        sqlite3_exec(p.db,
                     "CREATE VIRTUAL TABLE d USING fts5(docno UNINDEXED, "
                     "title, body, tokenize='porter unicode61');"
                     "BEGIN;",
                     NULL, NULL, NULL) != SQLITE_OK)
        rc = fail(&p, "create");
    if (rc == 0 && sqlite3_prepare_v2(p.db,
                                      "INSERT INTO d(docno, title, body) "
                                      "VALUES (?, ?, ?)",
                                      -1, &p.insert, NULL) != SQLITE_OK)
        rc = fail(&p, "prepare insert");
    if (rc == 0)
        rc = peer_each_doc(argv[1], add_doc, &p);
    if (rc == 0 && sqlite3_exec(p.db, "COMMIT;", NULL, NULL, NULL) != SQLITE_OK)
        rc = fail(&p, "commit");
    if (rc == 0 && sqlite3_prepare_v2(p.db,
                                      "SELECT docno, bm25(d) FROM d WHERE d "
                                      "MATCH ? ORDER BY bm25(d) LIMIT ?",
                                      -1, &p.search, NULL) != SQLITE_OK)
        rc = fail(&p, "prepare search");
    if (rc == 0)
        rc = peer_each_query(argv[2], run_query, &p);
    peer_latency_report(&p.lat, "sqlite_peer");
    sqlite3_finalize(p.insert);
    sqlite3_finalize(p.search);
    sqlite3_close(p.db);
    return rc == 0 ? 0 : 70;
}
