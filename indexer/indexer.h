/*
 * indexer.h - build or update a Gazette index from corpus trees.
 *
 * The CLI (main.c) parses options and prints; this module does the work and
 * reports through callbacks, so it can be driven by tests too.
 */
#ifndef GAZETTE_INDEXER_H
#define GAZETTE_INDEXER_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "gazette.h"
#include "xapian_shim.h"

typedef enum gz_index_outcome {
    GZ_INDEX_OK = 0,
    GZ_INDEX_NO_INPUT,     /* a corpus root does not exist (or is neither
                              a directory nor a file), or the db path is
                              a symbolic link that leads nowhere */
    GZ_INDEX_LOCKED,       /* another writer holds the index */
    GZ_INDEX_CORRUPT,      /* the existing index is damaged or too new */
    GZ_INDEX_IO_ERROR,     /* cannot create/write the index (disk full...) */
    GZ_INDEX_NO_MEMORY,
    GZ_INDEX_INTERRUPTED,  /* *cfg->stop was set: stopped after committing */
    GZ_INDEX_WRONG_LANGUAGE, /* the index was stemmed in another language */
    GZ_INDEX_REFUSED,      /* --full would replace what is not an index */
    GZ_INDEX_INTERNAL,
    GZ_INDEX_OLD_FORMAT,   /* the index has articles in another format */
    GZ_INDEX_UNSAFE,       /* removals withheld (or a --full not switched
                              in): a corpus root looked empty, unreadable
                              or moved, or over the removal limit */
    GZ_INDEX_BAD_ROOTS,    /* two corpus roots are the same, or one is
                              inside the other: nothing touched */
    GZ_INDEX_NO_LANGUAGE,  /* --full given no language, and the index it
                              replaces does not open to say its own */
    GZ_INDEX_MODIFIED      /* a writer's commits overtook every reading of
                              the index: a dry run's (it holds no lock),
                              which did nothing, or a real run's of its
                              shards, by its own writers (what it had
                              committed is kept); try again */
} gz_index_outcome;

/* Every count is of FILES, not articles: each scanned file is counted in
 * exactly one of added, updated, unchanged, skipped; removed counts files
 * indexed before and not found by this run; ignored counts what the walk
 * saw that is not an article file, outside scanned. The one exception: a
 * bad line of a JSON Lines file whose other lines were indexed adds 1 to
 * skipped, and so does each path the walk could not use (unreadable
 * directory, broken symlink, loop). */
typedef struct gz_index_stats {
    uint64_t scanned;     /* article files seen by the walk */
    uint64_t added;       /* files new to the index, indexed */
    uint64_t updated;     /* files whose content changed, reindexed */
    uint64_t removed;     /* files gone since the last run: articles deleted */
    uint64_t unchanged;   /* files left as they were (stat or hash equal) */
    uint64_t skipped;     /* files that could not be indexed (or that
                             would lose articles and were kept under the
                             removal guards), plus single articles left
                             out of files that were read (bad lines of a
                             JSON Lines file), or that were left out when
                             an unchanged file was read last
                             (GZ_SLOT_FILE_BAD) */
    uint64_t ignored;     /* entries below a root that are not articles:
                             unknown file types, files describing the
                             corpus (README...), files without extension
                             that are not mail, hidden files and
                             directories, what --include/--exclude
                             leave out (an excluded or hidden directory
                             counts once), and symlinks within a root */
    double seconds;       /* wall time of the run */
    double lock_wait;     /* seconds the run waited for another writer's
                             lock (wait_lock_seconds), until it got it,
                             gave up or was stopped; 0 when it got it at
                             once or took none (a dry run) */
    uint64_t known;       /* files the index held at the start (not in the
                           * summary: a hint of the total, for an ETA) */
    int unstarted;        /* stopped before it started, or while it
                             waited for the lock: nothing made or
                             written (GZ_INDEX_INTERRUPTED), no run to
                             report */
} gz_index_stats;

/* Default memory budget of a run (gz_index_config.memory_bytes), and the
 * bytes of memory one byte of article text is assumed to cost from
 * analysis to commit (an in-memory Xapian document keeps every term as a
 * string with its positions, then Xapian's buffered changes keep them
 * again: several times the text; an estimate on the safe side, not a
 * measured constant), which turns the budget into bytes of text per queue
 * and per batch. */
#define GZ_DEFAULT_MEMORY ((size_t)256 << 20)
#define GZ_MEMORY_PER_TEXT_BYTE 8

typedef struct gz_index_config {
    const char *db_path;
    const char *const *roots;   /* corpus roots */
    size_t nroots;
    const char *language;       /* Snowball stemmer name; NULL: the
                                   index's own, english for a new one */
    /* Which files below the roots are the corpus: fnmatch patterns on
     * paths relative to a root (corpus_walk_options). Files left out are
     * not indexed (their old articles are removed) and count as ignored. */
    const char *const *include;
    size_t ninclude;
    const char *const *exclude;
    size_t nexclude;
    uint64_t max_file_bytes;    /* 0 = corpus default */
    unsigned batch_size;        /* articles per commit of each shard;
                                   0 = default */
    unsigned jobs;              /* worker threads, and shards of a new
                                   index; 0 = one per core */
    size_t memory_bytes;        /* budget for text in flight and batches
                                   waiting for their commit; 0 = default */
    int dry_run;                /* open read-only, write nothing, count */
    int full;                   /* rebuild into a new generation, switch */
    /* Follow symlinks whose target lies outside their corpus root too. By
     * default such a link is skipped and reported ("symlink leaves the
     * corpus root", counted in skipped), and what was indexed through it
     * before is removed. Links whose target lies inside the root are
     * not followed (counted in ignored) when the walk reads that target
     * at its own path or is in it: each file is indexed once, under its
     * real path (corpus_walk_with). */
    int follow_symlinks;
    double wait_lock_seconds;   /* wait this long for another writer */
    /* Removal guards (safety.h): a run that would remove more than this
     * percentage of the index's files or articles (those of files removed
     * and those changed files would lose) removes none, nor rewrites a
     * file that would lose articles (0 = no limit; --full: not switched
     * in when it lost more than this share of the articles). no_delete:
     * never remove vanished files (files that lose articles are still
     * rewritten within the limit). force: remove and rewrite (or switch)
     * even when a root looks empty or moved or over the limit. */
    unsigned max_remove_percent;
    int no_delete;
    int force;
    /* Refuse (GZ_INDEX_NO_INPUT, nothing made) to run when no index is at
     * db_path (nothing there, or an empty directory, also through a
     * link): a nightly run on a disk not mounted, whose mount point is an
     * empty directory, must not build a new index there. */
    int no_create;
    /* When non-NULL and set (by a signal handler), the run stops after the
     * current file, commits and returns GZ_INDEX_INTERRUPTED. */
    const volatile sig_atomic_t *stop;
    /* Called for each file added, updated or removed (may be NULL); `what`
     * is "added", "updated" or "removed", `path` the file's relative path
     * (for removed files the path term without its prefix). */
    void (*on_change)(const char *path, const char *what, void *ctx);
    /* Called for each skipped file or walk problem, for each article
     * left out of a file that was read (then `path` is "file:line"), and
     * once for a file found unchanged whose articles were left out when
     * it was read (the first of them, "file:line", and their count in the
     * reason) (may be NULL). */
    void (*on_skip)(const char *path, const char *reason, void *ctx);
    /* Called for each entry counted in `ignored`, with the reason (may be
     * NULL). `path` is root-based, like the paths of on_skip. */
    void (*on_ignored)(const char *path, const char *reason, void *ctx);
    /* Called for an article that was indexed but not fully understood,
     * such as a date that could not be parsed (may be NULL). */
    void (*on_warning)(const char *path, const char *message, void *ctx);
    /* Called for what the run did that is worth saying though nothing is
     * wrong, such as an earlier run's unfinished build deleted (may be
     * NULL). */
    void (*on_note)(const char *path, const char *message, void *ctx);
    /* Called after each file (may be NULL): progress reporting. */
    void (*on_progress)(const gz_index_stats *so_far, void *ctx);
    void *ctx;
    /* When non-NULL, replaces the index's synonyms, under the same lock
     * and commit as the articles (not in a dry run). */
    const struct gz_synonyms *synonyms;
    /* When non-NULL, replaces the index's entity aliases, likewise. */
    const struct gz_entity_aliases *entity_aliases;
} gz_index_config;

/* Bring cfg->db_path up to date with every article file below
 * cfg->roots (chosen by cfg->include and cfg->exclude), creating the index when missing. Incremental: a file whose
 * size and mtime match the index is not read (a file read within
 * GZ_RACY_NS of its mtime is recorded without it); one whose content hash
 * matches is not reindexed; articles of files not found below any root
 * are deleted (so every run must name all the roots of the index).
 * Writers exclude each other through a lock file "<db>.lock" (flock) and
 * Xapian's own lock. Commits happen between files, every
 * cfg->batch_size articles, so an interrupted or killed run leaves each
 * file wholly old or wholly new; but a file too large for its shard's
 * share of memory, written in pieces, may be left part new, and is read
 * again by the next run. `stats` is filled in whatever the
 * outcome; on failure `err` (errlen bytes) holds a one-line reason. */
gz_index_outcome gz_index_run(const gz_index_config *cfg,
                              gz_index_stats *stats, char *err, size_t errlen);

/* Take the lock file "<db_path>.lock" and open `target` (db_path itself,
 * or a --full generation) for writing with `action`, waiting up to
 * `wait_lock_seconds` while another writer holds either lock, or until
 * *stop is set (stop may be NULL). On success *lock_fd holds the lock file
 * (closing it releases the lock) and *db the database. On failure `err`
 * says why. */
gz_index_outcome gz_index_open_locked(const char *db_path,
                                      const char *target,
                                      xap_db_action action,
                                      double wait_lock_seconds,
                                      const volatile sig_atomic_t *stop,
                                      xap_writable **db, int *lock_fd,
                                      char *err, size_t errlen);

/* The public status for an outcome (update.c). */
gazette_status_t gz_status_from_outcome(gz_index_outcome outcome);

/* Set metadata `key` of `db` unless it already has `value` (a no-op run
 * must not create a new revision). */
xap_status gz_index_ensure_metadata(xap_writable *db, const char *key,
                                    const char *value);

#endif
