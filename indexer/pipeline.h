/*
 * pipeline.h - reading, analysing and writing files in parallel.
 *
 * The caller (indexer.c) walks the corpus on its own thread and decides
 * which files need a look; the pipeline does the rest:
 *
 *   walk --(job queue)--> N workers --(one queue per shard)--> shard writers
 *     ^                    hash, read,                          one Xapian
 *     '----- finished files (events, on the caller's thread) -- WritableDatabase
 *                          parse, analyse                       each
 *
 * Workers hash a file, read it (gzip, formats) and turn its articles into
 * Xapian documents, each worker with its own analyzer; all the documents
 * of a file go, as one unit, to the writer of the file's shard
 * (gz_shard_of of its relative path), which applies the unit in one
 * transaction, so every commit of every shard covers whole files. A
 * worker takes the first job whose shard's queue has room, so a shard
 * that commits does not hold up the others. The job queue holds a bounded
 * number of paths per worker and each shard queue a bounded number of
 * files and bytes of text, so memory does not grow with the corpus.
 *
 * With jobs == 1 there are no threads: each call does its work on the
 * caller's thread, in walk order, exactly as a single-threaded indexer.
 *
 * Every callback (gz_pipeline_hooks) runs on the caller's thread, inside
 * gz_pipeline_file, gz_pipeline_delete, gz_pipeline_settle or
 * gz_pipeline_finish.
 */
#ifndef GAZETTE_PIPELINE_H
#define GAZETTE_PIPELINE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "corpus.h"
#include "filemap.h"
#include "xapian_shim.h"

typedef enum gz_file_outcome {
    GZ_FILE_ADDED = 0,      /* new file, indexed */
    GZ_FILE_UPDATED,        /* changed file, reindexed */
    GZ_FILE_UNCHANGED,      /* touched, same bytes: stat refreshed */
    GZ_FILE_SKIPPED,        /* could not be indexed (reason given) */
    GZ_FILE_UNREADABLE,     /* skipped too: it could not be read (reason
                               given), so what the index holds of it
                               stays */
    GZ_FILE_SKIPPED_GONE,   /* skipped too, but it was indexed and reads
                               as holding no article now (emptied, binary,
                               too large...): its old articles are left in
                               place, for the caller to remove (or keep)
                               as those of a vanished file */
    GZ_FILE_SHRUNK          /* a changed file that holds fewer articles
                               than the index has of it, by more than it
                               was allowed to lose (gz_pipeline_file):
                               nothing written, its old articles and
                               recorded stat and hash stay; `articles` is
                               how many it holds now */
} gz_file_outcome;

/* gz_pipeline_file's `may_lose` when a file may lose any number of its
 * articles (no removal guard). */
#define GZ_LOSE_ANY UINT64_MAX

/* Files reported through the hooks as added, updated or removed. */
typedef struct gz_pipeline_tally {
    uint64_t added, updated, removed;
} gz_pipeline_tally;

typedef struct gz_pipeline_hooks {
    /* A file submitted with gz_pipeline_file (or gz_pipeline_retry) is
     * done (written, not yet committed: gz_pipeline_uncommitted). `file`
     * as walked (borrowed for the call); `reason` for a skip; `articles`
     * written for it (a dry run: read; GZ_FILE_SHRUNK: read, not
     * written); `hash` its hashes (the content one as recorded), NULL
     * when it was not hashed. */
    void (*file_done)(const corpus_file *file, gz_file_outcome outcome,
                      const char *reason, size_t articles,
                      const gz_file_hash *hash, void *ctx);
    /* An article left out of a file otherwise read ("file:line"). */
    void (*bad_article)(const char *where, const char *reason, void *ctx);
    /* An article read but not wholly understood or indexed. */
    void (*warning)(const char *where, const char *message, void *ctx);
    /* The articles of path term `term` were deleted (gz_pipeline_delete;
     * not yet committed); in a dry run, would have been. */
    void (*removed)(const char *term, void *ctx);
    void *ctx;
} gz_pipeline_hooks;

/* The article ids a --full dry run looks for in the files it reads:
 * those of the live index's articles of no file, which the real run
 * carries into the rebuild unless a file gives an article of the same id
 * (then the file's replaces it). Kept as the 64-bit hashes of their id
 * terms (gz_id_watch_hash: 9 bytes an article, where the terms took
 * about 80; two ids of ten million share a hash with a chance of about
 * 3 in a million, which would make the dry run count one article less
 * than the real run). Sorted, without repeats; `mark` has one byte per
 * hash, set to GZ_ID_GIVEN by the pipeline (on any of its threads) when
 * a file read whole, and so written by the real run, gives that id. */
typedef struct gz_id_watch {
    uint64_t *hashes;
    unsigned char *mark;
    size_t n;
} gz_id_watch;

#define GZ_ID_GIVEN 1

/* The hash gz_id_watch keeps of id term `term`. */
uint64_t gz_id_watch_hash(const char *term);

/* The index of `term`'s hash in w->hashes, or -1. */
long gz_id_watch_find(const gz_id_watch *w, const char *term);

typedef struct gz_pipeline_config {
    unsigned jobs;                 /* worker threads; 1: no threads */
    xap_writable *const *shards;   /* the shard writers; NULL: dry run */
    const char *const *shard_paths;  /* their directories (the entity
                                        lexicon and the last spelling
                                        flush read them); NULL: dry run */
    size_t nshards;                /* >= 1 (also in a dry run) */
    const char *language;          /* stemmer */
    int cjk_ngrams;                /* CJK text as n-grams (the index
                                      records GZ_META_CJK_NGRAMS); else as
                                      whole runs, with one warning a run
                                      (through hooks.warning) when an
                                      article has such text */
    uint64_t max_file_bytes;       /* 0: corpus default */
    unsigned batch;                /* commit a shard every `batch` articles */
    size_t batch_bytes;            /* ... or every `batch_bytes` of text */
    size_t queue_bytes;            /* text waiting for each shard writer */
    size_t large_bytes;            /* files in the workers' hands, in bytes
                                      on disk: one over its worker's share
                                      of this is read while the other such
                                      files stay within it, or alone (0: no
                                      bound) */
    const volatile sig_atomic_t *stop;   /* files not started are dropped */
    gz_id_watch *watch;            /* a dry run: ids to mark; NULL: none */
    gz_pipeline_hooks hooks;
} gz_pipeline_config;

typedef struct gz_pipeline gz_pipeline;

/* Start the pipeline (its threads when cfg->jobs > 1). `cfg` is copied;
 * what it points to must outlive the pipeline. */
xap_status gz_pipeline_new(const gz_pipeline_config *cfg, gz_pipeline **out);

/* Hand over one walked file (copied) whose stat differs from `known`
 * (what the index holds for it, NULL when new). A known file that now
 * reads as holding fewer articles than known->articles, by more than
 * `may_lose` (GZ_LOSE_ANY: no limit), is not written: it is reported as
 * GZ_FILE_SHRUNK, its documents dropped (the removal guards decide at the
 * end of the run, safety.h). May wait for room. Returns the pipeline's
 * status: not XAP_OK once anything failed. */
xap_status gz_pipeline_file(gz_pipeline *p, const corpus_file *file,
                            const gz_file_entry *known, uint64_t may_lose);

/* gz_pipeline_file for a file reported as GZ_FILE_SHRUNK earlier in the
 * run, read again now that it may lose `may_lose` articles: the bad
 * articles and warnings of this second reading are not reported (the
 * first reading's were). */
xap_status gz_pipeline_retry(gz_pipeline *p, const corpus_file *file,
                             const gz_file_entry *known, uint64_t may_lose);

/* Delete, in shard `shard`, every article of the file whose path term is
 * `term`. Returns the pipeline's status. */
xap_status gz_pipeline_delete(gz_pipeline *p, unsigned shard,
                              const char *term);

/* Wait until every file handed over so far has been reported through
 * hooks.file_done (so its outcome is known: a GZ_FILE_SKIPPED_GONE or
 * GZ_FILE_SHRUNK among them), or until the run failed or a stop was
 * requested (then some may not be). The threads keep running: deletions
 * and retries may follow. Returns the pipeline's status. */
xap_status gz_pipeline_settle(gz_pipeline *p);

/* Wait for every file and deletion handed over, deliver the last events,
 * stop the threads, and when `commit` is set and nothing failed commit
 * each shard (its spelling words too). Returns the pipeline's status;
 * on failure `err` says why. The writers stay open (the caller's). */
xap_status gz_pipeline_finish(gz_pipeline *p, int commit, char *err,
                              size_t errlen);

/* The Xapian message of the pipeline's failure, as the thread that failed
 * had it (the shim's last error is per thread: a shard writer's commit
 * fails on its own thread), to classify the failure by (permissions, a
 * read-only or failing disk: an I/O error, not a damaged index); "" when
 * the failure has none (out of memory, a file that could not be opened
 * for want of descriptors), NULL when the pipeline did not fail. Read it
 * after gz_pipeline_finish. */
const char *gz_pipeline_cause(const gz_pipeline *p);

/* Of the files reported through the hooks as added or updated
 * (file_done) or removed, those whose shard did not commit them: the
 * run failed first. Read it after gz_pipeline_finish. */
void gz_pipeline_uncommitted(gz_pipeline *p, gz_pipeline_tally *out);

/* 1 when a file handed over was left out, unread and unreported,
 * because the stop flag was set: the run did not cover every file it
 * walked. Read it after gz_pipeline_finish. */
int gz_pipeline_dropped(gz_pipeline *p);

/* Free the pipeline (after gz_pipeline_finish, or to abandon it: the
 * threads are stopped and uncommitted work dropped). */
void gz_pipeline_free(gz_pipeline *p);

#endif
