/*
 * fts5.h - the SQLite FTS5 side of the peers (sqlite_peer for relevance,
 * sqlite_qbench for latency): SQLite's usual English setup, an in-memory
 * FTS5 table (docno UNINDEXED, title, body) with tokenize='porter
 * unicode61', ranked by bm25() (k1=1.2, b=0.75, both columns weight 1).
 */
#ifndef BENCH_FTS5_H
#define BENCH_FTS5_H

#include <sqlite3.h>

typedef struct fts5_store {
    sqlite3 *db;
    sqlite3_stmt *insert, *search;
    const char *who;   /* program name for messages */
} fts5_store;

/* Load every document of DOCS_DIR (peer_each_doc) into a new in-memory
 * table and prepare the search: "SELECT docno, bm25(d) ... MATCH ?1
 * ORDER BY bm25(d) LIMIT ?2". Returns 0, or -1 with a message on stderr
 * (call fts5_close either way). */
int fts5_load(fts5_store *s, const char *who, const char *docs_dir);

void fts5_close(fts5_store *s);

/* The FTS5 expression for a query: its words (runs of ASCII letters and
 * digits and non-ASCII bytes, as unicode61 cuts this text), each quoted
 * as an FTS5 string, OR-ed ("w1" OR "w2"): the "any word, best first"
 * search the other engines run; a query in double quotes is one phrase
 * ("w1 w2"). A new string; NULL when the text has no word or on out of
 * memory. Words hold no '"', so quoting needs no escaping. */
char *fts5_expression(const char *text);

/* Report an SQLite error of `s` ("who: what: message"); returns -1. */
int fts5_fail(const fts5_store *s, const char *what);

#endif
