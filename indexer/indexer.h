/*
 * indexer.h - build or update a Gazette index from corpus trees.
 *
 * The CLI (main.c) parses options and prints; this module does the work and
 * reports through callbacks, so it can be driven by tests too.
 */
#ifndef GAZETTE_INDEXER_H
#define GAZETTE_INDEXER_H

#include <stddef.h>
#include <stdint.h>

typedef enum gz_index_outcome {
    GZ_INDEX_OK = 0,
    GZ_INDEX_NO_INPUT,     /* a corpus root does not exist */
    GZ_INDEX_LOCKED,       /* another writer holds the index */
    GZ_INDEX_CORRUPT,      /* the existing index is damaged or too new */
    GZ_INDEX_IO_ERROR,     /* cannot create/write the index (disk full...) */
    GZ_INDEX_NO_MEMORY,
    GZ_INDEX_INTERNAL
} gz_index_outcome;

typedef struct gz_index_stats {
    uint64_t scanned;     /* files seen by the walk */
    uint64_t added;       /* articles new to the index */
    uint64_t updated;     /* articles replaced */
    uint64_t removed;     /* articles deleted */
    uint64_t unchanged;   /* files left as they were */
    uint64_t skipped;     /* files that could not be indexed, plus single
                             articles left out of files that were read
                             (bad lines of a JSON Lines file) */
    double seconds;       /* wall time of the run */
} gz_index_stats;

typedef struct gz_index_config {
    const char *db_path;
    const char *const *roots;   /* corpus roots */
    size_t nroots;
    const char *language;       /* Snowball stemmer name */
    uint64_t max_file_bytes;    /* 0 = corpus default */
    unsigned batch_size;        /* articles per commit; 0 = default */
    /* Called for each skipped file or walk problem, and for each article
     * left out of a file that was read (then `path` is "file:line")
     * (may be NULL). */
    void (*on_skip)(const char *path, const char *reason, void *ctx);
    /* Called for an article that was indexed but not fully understood,
     * such as a date that could not be parsed (may be NULL). */
    void (*on_warning)(const char *path, const char *message, void *ctx);
    /* Called after each file (may be NULL): progress reporting. */
    void (*on_progress)(const gz_index_stats *so_far, void *ctx);
    void *ctx;
} gz_index_config;

/* Index every supported file below cfg->roots into cfg->db_path, creating
 * the index when missing. `stats` is filled in whatever the outcome; on
 * failure `err` (errlen bytes) holds a one-line reason. */
gz_index_outcome gz_index_run(const gz_index_config *cfg,
                              gz_index_stats *stats, char *err, size_t errlen);

#endif
