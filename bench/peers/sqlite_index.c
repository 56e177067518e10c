/*
 * sqlite_index.c - SQLite FTS5 indexing, for bench/index-bench.sh.
 *
 *   sqlite_index CORPUS_DIR DB_FILE
 *
 * Every "*.txt" file below CORPUS_DIR (title = first line, body = the
 * rest) becomes a row of an FTS5 table (path UNINDEXED, title, body) with
 * tokenize='porter unicode61', all in one transaction, in a database file
 * (replaced). Exit 0, 64 usage, 70 on error.
 */
#include <stdio.h>
#include <unistd.h>

#include <sqlite3.h>

#include "docs.h"

static int add_doc(const peer_doc *d, void *ctx)
{
    sqlite3_stmt *insert = ctx;
    sqlite3_reset(insert);
    sqlite3_bind_text(insert, 1, d->docno, -1, SQLITE_STATIC);
    sqlite3_bind_text(insert, 2, d->title, -1, SQLITE_STATIC);
    sqlite3_bind_text(insert, 3, d->body, -1, SQLITE_STATIC);
    return sqlite3_step(insert) == SQLITE_DONE ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: sqlite_index CORPUS_DIR DB_FILE\n");
        return 64;
    }
    unlink(argv[2]);
    sqlite3 *db = NULL;
    sqlite3_stmt *insert = NULL;
    int ok = sqlite3_open(argv[2], &db) == SQLITE_OK &&
             sqlite3_exec(db, "CREATE VIRTUAL TABLE docs USING fts5(path "
                          "UNINDEXED, title, body, tokenize='porter "
                          "unicode61'); BEGIN", NULL, NULL, NULL) ==
                 SQLITE_OK &&
             sqlite3_prepare_v2(db, "INSERT INTO docs VALUES (?, ?, ?)", -1,
                                &insert, NULL) == SQLITE_OK;
    ok = ok && peer_each_file(argv[1], add_doc, insert) == 0;
    sqlite3_finalize(insert);
    ok = ok && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
    if (!ok)
        fprintf(stderr, "sqlite_index: %s\n", sqlite3_errmsg(db));
    sqlite3_close(db);
    return ok ? 0 : 70;
}
