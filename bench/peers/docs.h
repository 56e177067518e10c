/*
 * docs.h - what the C peers (and gz_eval) share: walking the converted
 * documents of one collection (bench/relevance/convert.sh output) and
 * reading the query file, so every peer sees exactly the text Gazette
 * indexes; timing the queries the same way.
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

/* Call fn for every regular file named "*.txt" below `root` (any depth,
 * sorted walk not guaranteed), with `docno` its path relative to root,
 * `title` its first non-empty line and `body` the rest: how gazette-index
 * reads a plain .txt without a header block. Strings are borrowed for the
 * call (the file is read whole). Returns 0, or -1 (message on stderr) when
 * the tree or a file cannot be read or fn returns nonzero. For the
 * indexing benchmarks (bench/index-bench.sh). */
int peer_each_file(const char *root,
                   int (*fn)(const peer_doc *d, void *ctx), void *ctx);

/* Call fn(qid, text, ctx) for every "<qid>\t<text>" line of `path`.
 * Returns 0, or -1 when the file cannot be read or fn returns nonzero. */
int peer_each_query(const char *path,
                    int (*fn)(const char *qid, const char *text, void *ctx),
                    void *ctx);

/* A monotonic clock in microseconds, for query latencies. */
double peer_now_us(void);

/* Query latencies of one run, in microseconds. Zero-initialise. */
typedef struct peer_latencies {
    double *us;
    size_t n, cap;
} peer_latencies;

/* Record one latency. Returns 0, or -1 when out of memory. */
int peer_latency_add(peer_latencies *l, double us);

/* Sort the latencies and print "<who>: N queries, p50 X us" to stderr
 * (nothing when there are none), then free them. */
void peer_latency_report(peer_latencies *l, const char *who);

#endif
