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
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "docs.h"
#include "qbench.h"

typedef struct bench {
    sqlite3 *db;
    sqlite3_stmt *insert, *search;
    int hits;
} bench;

static int fail(bench *b, const char *what)
{
    fprintf(stderr, "sqlite_qbench: %s: %s\n", what, sqlite3_errmsg(b->db));
    return -1;
}

static int add_doc(const peer_doc *d, void *ctx)
{
    bench *b = ctx;
    sqlite3_reset(b->insert);
    sqlite3_bind_text(b->insert, 1, d->docno, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(b->insert, 2, d->title, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(b->insert, 3, d->body, -1, SQLITE_TRANSIENT);
    return sqlite3_step(b->insert) == SQLITE_DONE ? 0 : fail(b, "insert");
}

static int is_word_byte(unsigned char c)
{
    return isalnum(c) || c >= 0x80;
}

/* The FTS5 expression for `text`: "w1" OR "w2" ..., or "w1 w2" (a phrase)
 * when the text is in double quotes. New string; NULL when no word. */
static char *fts_expression(const char *text)
{
    size_t n = strlen(text);
    int phrase = n >= 2 && text[0] == '"' && text[n - 1] == '"';
    char *out = malloc(n * 6 + 4);
    size_t len = 0;
    if (!out)
        return NULL;
    if (phrase)
        out[len++] = '"';
    const unsigned char *s = (const unsigned char *)text;
    while (*s) {
        while (*s && !is_word_byte(*s))
            s++;
        const unsigned char *start = s;
        while (*s && is_word_byte(*s))
            s++;
        if (s == start)
            break;
        int first = len <= (size_t)phrase;
        len += (size_t)sprintf(out + len, phrase ? "%s%.*s" : "%s\"%.*s\"",
                               first ? "" : phrase ? " " : " OR ",
                               (int)(s - start), (const char *)start);
    }
    if (len <= (size_t)phrase) {
        free(out);
        return NULL;
    }
    if (phrase)
        out[len++] = '"';
    out[len] = '\0';
    return out;
}

static int run_one(const qb_query *q, FILE *out, void *ctx)
{
    bench *b = ctx;
    char *expr = fts_expression(q->text);
    int rc = SQLITE_DONE, i = 0;
    if (out)
        fprintf(out, "%s\t", q->qid);
    if (expr) {
        sqlite3_reset(b->search);
        sqlite3_bind_text(b->search, 1, expr, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(b->search, 2, b->hits);
        while ((rc = sqlite3_step(b->search)) == SQLITE_ROW) {
            const char *docno =
                (const char *)sqlite3_column_text(b->search, 0);
            if (out)
                fprintf(out, "%s%s", i ? " " : "", docno);
            i++;
        }
        free(expr);
    }
    if (out)
        fputc('\n', out);
    return rc == SQLITE_DONE ? 0 : fail(b, "search");
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
    int rc = sqlite3_open(":memory:", &b.db) == SQLITE_OK ? 0 : -1;
    if (rc == 0 &&
        sqlite3_exec(b.db,
                     "CREATE VIRTUAL TABLE d USING fts5(docno UNINDEXED, "
                     "title, body, tokenize='porter unicode61');"
                     "BEGIN;",
                     NULL, NULL, NULL) != SQLITE_OK)
        rc = fail(&b, "create");
    if (rc == 0 && sqlite3_prepare_v2(b.db,
                                      "INSERT INTO d(docno, title, body) "
                                      "VALUES (?, ?, ?)",
                                      -1, &b.insert, NULL) != SQLITE_OK)
        rc = fail(&b, "prepare insert");
    if (rc == 0)
        rc = peer_each_doc(argv[optind], add_doc, &b);
    if (rc == 0 && sqlite3_exec(b.db, "COMMIT;", NULL, NULL, NULL) != SQLITE_OK)
        rc = fail(&b, "commit");
    if (rc == 0 && sqlite3_prepare_v2(b.db,
                                      "SELECT docno FROM d WHERE d MATCH ? "
                                      "ORDER BY bm25(d) LIMIT ?",
                                      -1, &b.search, NULL) != SQLITE_OK)
        rc = fail(&b, "prepare search");
    if (rc == 0)
        rc = qb_load(argv[optind + 1], &list);
    if (rc == 0 && qb_bench(&list, rounds, "sqlite fts5", results, NULL,
                            run_one, &b) != 0)
        rc = -1;
    qb_free(&list);
    sqlite3_finalize(b.insert);
    sqlite3_finalize(b.search);
    sqlite3_close(b.db);
    return rc == 0 ? 0 : 70;
}
