/*
 * docs.h - what the C peers share: walking the converted documents of one
 * collection (bench/relevance/convert.sh output) and reading the query
 * file, so every peer sees exactly the text Gazette indexes.
 */
#ifndef BENCH_PEER_DOCS_H
#define BENCH_PEER_DOCS_H

#include <stddef.h>

/* One converted document: docno (file name without ".txt"), the value of
 * its "Title:" header ("" when none) and the rest of the file. */
typedef struct peer_doc {
    const char *docno;
    const char *title;
    const char *body;
} peer_doc;

/* Call fn for every "*.txt" file in `dir`, in directory order. Strings are
 * borrowed for the call only. Returns 0, or -1 (message on stderr) when the
 * directory or a file cannot be read or fn returns nonzero. */
int peer_each_doc(const char *dir, int (*fn)(const peer_doc *d, void *ctx),
                  void *ctx);

/* Call fn(qid, text, ctx) for every "<qid>\t<text>" line of `path`.
 * Returns 0, or -1 when the file cannot be read or fn returns nonzero. */
int peer_each_query(const char *path,
                    int (*fn)(const char *qid, const char *text, void *ctx),
                    void *ctx);

/* A monotonic clock in microseconds, for query latencies. */
double peer_now_us(void);

#endif
