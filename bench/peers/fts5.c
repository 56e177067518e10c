/* fts5.c - the SQLite FTS5 peer's store and query syntax (fts5.h). */
#include "fts5.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docs.h"

int fts5_fail(const fts5_store *s, const char *what)
{
    fprintf(stderr, "%s: %s: %s\n", s->who, what, sqlite3_errmsg(s->db));
    return -1;
}

static int add_doc(const peer_doc *d, void *ctx)
{
    fts5_store *s = ctx;
    sqlite3_reset(s->insert);
    sqlite3_bind_text(s->insert, 1, d->docno, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s->insert, 2, d->title, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s->insert, 3, d->body, -1, SQLITE_TRANSIENT);
    return sqlite3_step(s->insert) == SQLITE_DONE ? 0
                                                  : fts5_fail(s, "insert");
}

int fts5_load(fts5_store *s, const char *who, const char *docs_dir)
{
    *s = (fts5_store){.who = who};
    int rc = sqlite3_open(":memory:", &s->db) == SQLITE_OK ? 0 : -1;
    if (rc == 0 &&
        sqlite3_exec(s->db,
                     "CREATE VIRTUAL TABLE d USING fts5(docno UNINDEXED, "
                     "title, body, tokenize='porter unicode61');"
                     "BEGIN;",
                     NULL, NULL, NULL) != SQLITE_OK)
        rc = fts5_fail(s, "create");
    if (rc == 0 && sqlite3_prepare_v2(s->db,
                                      "INSERT INTO d(docno, title, body) "
                                      "VALUES (?, ?, ?)",
                                      -1, &s->insert, NULL) != SQLITE_OK)
        rc = fts5_fail(s, "prepare insert");
    if (rc == 0)
        rc = peer_each_doc(docs_dir, add_doc, s);
    if (rc == 0 &&
        sqlite3_exec(s->db, "COMMIT;", NULL, NULL, NULL) != SQLITE_OK)
        rc = fts5_fail(s, "commit");
    if (rc == 0 && sqlite3_prepare_v2(s->db,
                                      "SELECT docno, bm25(d) FROM d WHERE d "
                                      "MATCH ? ORDER BY bm25(d) LIMIT ?",
                                      -1, &s->search, NULL) != SQLITE_OK)
        rc = fts5_fail(s, "prepare search");
    return rc;
}

void fts5_close(fts5_store *s)
{
    sqlite3_finalize(s->insert);
    sqlite3_finalize(s->search);
    sqlite3_close(s->db);
    *s = (fts5_store){0};
}

static int is_word_byte(unsigned char c)
{
    return isalnum(c) || c >= 0x80;
}

char *fts5_expression(const char *text)
{
    size_t n = strlen(text);
    int phrase = n >= 2 && text[0] == '"' && text[n - 1] == '"';
    size_t cap = n * 6 + 4;
    char *out = malloc(cap);
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
        len += (size_t)snprintf(out + len, cap - len,
                                phrase ? "%s%.*s" : "%s\"%.*s\"",
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
