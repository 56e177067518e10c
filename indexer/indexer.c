/* indexer.c - walk the corpus, analyze changed articles, update the index. */
#include "indexer.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analyze.h"
#include "corpus.h"
#include "entity_aliases.h"
#include "filemap.h"
#include "gazette_private.h"
#include "generation.h"
#include "path.h"
#include "pipeline.h"
#include "safety.h"
#include "schema.h"
#include "shards.h"
#include "spelling.h"
#include "synonyms.h"
#include "tries.h"
#include "xapian_shim.h"

#define DEFAULT_BATCH 1000
/* gz_id_watch.mark of an id a dry run counted as carried */
#define ID_COUNTED 2
#define LOCK_POLL_NS 150000000L   /* 150 ms between lock attempts */

/* A walked file kept for later, with its own copy of the strings: a
 * changed file that would lose articles (GZ_FILE_SHRUNK), held until the
 * removal guards decide (hold; no document of it is kept, only what it
 * takes to read it again), or one deferred until every root is walked
 * (defer_file). */
typedef struct kept_file {
    corpus_file file;            /* as walked; strings in `strings` */
    char *strings;
    gz_file_entry *entry;        /* held: what the index holds of it */
    uint64_t now;                /* held: articles it held when read */
} kept_file;

typedef struct kept_files {
    kept_file *v;
    size_t n, cap;
} kept_files;

/* Content the index holds under a walked path once the run is done (a
 * file added, updated, or found unchanged): its hash and articles. A
 * vanished file with the same content was renamed, moved, or was a copy
 * (a symlink an earlier version followed, say): nothing of it is lost,
 * and the removal guards do not count it. */
typedef struct present_file {
    uint64_t hash;
    uint64_t articles;
} present_file;

/* State of one run, shared by the walk and the pipeline's reports (all
 * on the caller's thread). */
typedef struct run_state {
    const gz_index_config *cfg;
    char *language;              /* the run's stemming language, owned:
                                    cfg->language, else the index's own
                                    (resolve_language) */
    gz_index_stats *stats;
    gz_shard_list where;         /* the shards' database paths */
    xap_writable *shards[GZ_MAX_SHARDS];   /* none in a dry run */
    xap_database *views[GZ_MAX_SHARDS];    /* what the file map came from */
    size_t nshards;
    xap_database *live;          /* --full: the index it replaces, read
                                    only (NULL: none, or it does not open) */
    gz_pipeline *pipe;
    gz_filemap known;            /* files recorded in the index */
    int held_none;               /* the index held no article when the
                                    run started (load_filemap) */
    int stopped;                 /* the stop flag was seen */
    int refused;                 /* removals withheld or --full not
                                    switched in (safety.h); err says why */
    int mounts_held;             /* an update kept the files below mount
                                    points gone (check_mounts); err says
                                    so: the run is refused all the same */
    uint64_t mount_files;        /* files the index holds below mount
                                    points gone (check_mounts) */
    char mounts_uncounted[512];  /* a --full: why the live index did not
                                    give them all ("": it did) */
    gz_root_check *checks;       /* one per corpus root */
    uint64_t walked;             /* article files handed over or found
                                    unchanged, for checks[].files */
    uint64_t article_total;      /* articles written (a dry run: read) */
    gz_id_watch watch;           /* a --full dry run: the ids of the live
                                    index's articles of no file, marked
                                    when a file gives them (pipeline.h) */
    present_file *present;       /* content indexed under walked paths,
                                    for the guards (sorted at the end) */
    size_t npresent, cappresent;
    const char *root;            /* root being walked */
    size_t root_no;              /* its place in cfg->roots */
    gz_strmap ids;               /* several roots: path term -> the root
                                    that gave it first this run, plus
                                    cfg->nroots once a --full dry run
                                    read articles from it (given; with
                                    one root, cfg->nroots: mark_given) */
    char **unreadable;           /* relpaths the walk warned about */
    size_t nunreadable, capunreadable;
    size_t unreadable_of_earlier_roots;   /* the first ones of them */
    kept_files held;             /* files that would lose articles */
    xap_status held_status;      /* XAP_ERR_NOMEM when one could not be
                                    held, or marked given (the run then
                                    fails) */
    int retrying;                /* the held files are read again */
    kept_files deferred;         /* files a JSON Lines file may shadow */
    gz_strmap many_walked;       /* JSON Lines files walked: relpath ->
                                    the root that gave it first */
    int cjk_ngrams;              /* CJK text as n-grams (schema.h,
                                    GZ_META_CJK_NGRAMS; write_metadata
                                    decides: a dry run analyses none) */
    xap_status status;           /* first failure, sticky */
    int status_of_pipeline;      /* status is the pipeline's failure (its
                                    cause: gz_pipeline_cause) */
} run_state;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The outcome of a failed shim call, refined by `cause`, the Xapian
 * message of the failure (xap_last_error() right after a call on this
 * thread; a shard writer's own, kept by the pipeline: gz_pipeline_cause).
 * An index that exists but does not open (a table deleted) is damaged; a
 * system error (permissions, out of descriptors, disk full, read-only or
 * failing) is an I/O error whatever Xapian's class for it. */
static gz_index_outcome outcome_for(xap_status s, const char *cause)
{
    if (s != XAP_OK && s != XAP_ERR_NOMEM && gz_error_is_io(cause))
        return GZ_INDEX_IO_ERROR;
    if (s != XAP_OK && gz_error_is_damage(cause))
        return GZ_INDEX_CORRUPT;
    switch (s) {
    case XAP_OK: return GZ_INDEX_OK;
    case XAP_ERR_DB_LOCKED: return GZ_INDEX_LOCKED;
    case XAP_ERR_DB_OPENING:
    case XAP_ERR_DB_CORRUPT:
    case XAP_ERR_DB_VERSION:
    case XAP_ERR_DOC_NOT_FOUND: return GZ_INDEX_CORRUPT;  /* as status.c */
    case XAP_ERR_DB:
    case XAP_ERR_RESOURCE:
    case XAP_ERR_DB_NOT_FOUND: return GZ_INDEX_IO_ERROR;
    case XAP_ERR_NOMEM: return GZ_INDEX_NO_MEMORY;
    case XAP_ERR_DB_MODIFIED: return GZ_INDEX_MODIFIED;   /* read_again */
    default: return GZ_INDEX_INTERNAL;
    }
}

/* st->status = `s`, the status of a pipeline call: a failure is the
 * pipeline's, whose Xapian message was the failing thread's (a shard
 * writer's), not this one's. Called while st->status is XAP_OK. */
static void pipeline_status(run_state *st, xap_status s)
{
    st->status = s;
    st->status_of_pipeline = s != XAP_OK;
}

static void skip(run_state *st, const char *path, const char *reason)
{
    if (st->cfg->on_skip)
        st->cfg->on_skip(path, reason, st->cfg->ctx);
}

static void ignored(run_state *st, const char *path, const char *reason)
{
    st->stats->ignored++;
    if (st->cfg->on_ignored)
        st->cfg->on_ignored(path, reason, st->cfg->ctx);
}

static void changed(run_state *st, const char *path, const char *what)
{
    if (st->cfg->on_change)
        st->cfg->on_change(path, what, st->cfg->ctx);
}

static void progress(run_state *st)
{
    if (st->cfg->on_progress)
        st->cfg->on_progress(st->stats, st->cfg->ctx);
}

static int stop_requested(run_state *st)
{
    if (st->cfg->stop && __atomic_load_n(st->cfg->stop, __ATOMIC_RELAXED))
        st->stopped = 1;
    return st->stopped;
}

/* A file found unchanged, not read again, had bad lines when it was
 * indexed (GZ_SLOT_FILE_BAD): they are still left out, so say so again,
 * naming the first, and count them all in `skipped`, as the run that read
 * them did. */
static void report_known_bad_lines(run_state *st, const gz_file_entry *e,
                                   const char *path)
{
    if (!e || !e->bad_lines)
        return;
    st->stats->skipped += e->bad_lines;
    char where[4200], reason[800];
    if (e->bad_line)
        snprintf(where, sizeof where, "%s:%llu", path,
                 (unsigned long long)e->bad_line);
    else
        snprintf(where, sizeof where, "%s", path);
    if (e->bad_lines == 1)
        snprintf(reason, sizeof reason,
                 "%s (still there: the file is unchanged since it was read)",
                 e->bad_reason);
    else
        snprintf(reason, sizeof reason,
                 "%s (the first of %lu bad lines still there: the file is "
                 "unchanged since it was read)",
                 e->bad_reason, (unsigned long)e->bad_lines);
    skip(st, where, reason);
}

/* A copy of `f` appended to `list` (its other fields zero), or NULL when
 * memory ran out. */
static kept_file *keep_file(kept_files *list, const corpus_file *f)
{
    if (list->n == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 8;
        kept_file *v = realloc(list->v, cap * sizeof *v);
        if (!v)
            return NULL;
        list->v = v;
        list->cap = cap;
    }
    kept_file *k = &list->v[list->n];
    memset(k, 0, sizeof *k);
    if (!(k->strings = corpus_file_copy(f, &k->file)))
        return NULL;
    list->n++;
    return k;
}

static void free_kept(kept_files *list)
{
    for (size_t i = 0; i < list->n; i++)
        free(list->v[i].strings);
    free(list->v);
    memset(list, 0, sizeof *list);
}

/* Remember file `f`, which would go from e->articles articles to `now`,
 * until the removal guards decide (remove_if_safe). */
static void hold(run_state *st, const corpus_file *f, gz_file_entry *e,
                 size_t now)
{
    kept_file *h = keep_file(&st->held, f);
    if (!h) {
        st->held_status = XAP_ERR_NOMEM;
        return;
    }
    h->entry = e;
    h->now = now;
}

static int remember_unreadable(run_state *st, const char *relpath);

/* Remember that content `hash` (NULL when not hashed: then it matches
 * nothing) is indexed under a walked path, in `articles` articles. Out of
 * memory, it is forgotten: the guards are then only stricter. */
static void note_present(run_state *st, const uint64_t *hash,
                         uint64_t articles)
{
    if (!hash)
        return;
    if (st->npresent == st->cappresent) {
        size_t cap = st->cappresent ? st->cappresent * 2 : 64;
        present_file *v = realloc(st->present, cap * sizeof *v);
        if (!v)
            return;
        st->present = v;
        st->cappresent = cap;
    }
    st->present[st->npresent++] =
        (present_file){.hash = *hash, .articles = articles};
}

/* Remember the hashes of a file hashed in this run (NULL: none), as
 * note_present: its content hash, and its raw one when they differ, as
 * an index written before ".gz" files were hashed by their content holds
 * the raw hash of a compressed file that has since been moved. */
static void note_hashed(run_state *st, const gz_file_hash *hash,
                        uint64_t articles)
{
    if (!hash)
        return;
    note_present(st, &hash->content, articles);
    if (hash->raw != hash->content)
        note_present(st, &hash->raw, articles);
}

static int compare_present(const void *a, const void *b)
{
    uint64_t x = ((const present_file *)a)->hash;
    uint64_t y = ((const present_file *)b)->hash;
    return (x > y) - (x < y);
}

/* 1 when the content of vanished file `e` (its recorded hash) is still
 * indexed under a walked path (st->present, sorted by hash): `e` was
 * renamed, moved or a copy, and *articles says how many of its articles
 * the index keeps in that form; else 0. */
static int still_indexed(const run_state *st, const gz_file_entry *e,
                         uint64_t *articles)
{
    if (!e->has_hash || st->npresent == 0)
        return 0;
    present_file key = {.hash = e->hash};
    const present_file *hit = bsearch(&key, st->present, st->npresent,
                                      sizeof key, compare_present);
    if (!hit)
        return 0;
    *articles = hit->articles < e->articles ? hit->articles : e->articles;
    return 1;
}

/* A --full dry run: the file of path term `term` gave articles, which
 * the real run's build then holds under that path, so it carries nothing
 * of the path from the live index, also when a later root could not read
 * it (carry_path), and does not lose the path (on_lost_path). Marked in
 * st->ids: the root plus cfg->nroots, or cfg->nroots with one root (whose
 * walk puts nothing there: id_taken). */
static void mark_given(run_state *st, const char *term)
{
    const gz_index_config *cfg = st->cfg;
    if (!cfg->full || !cfg->dry_run)
        return;
    size_t len = strlen(term);
    long root = cfg->nroots < 2 ? 0 : gz_strmap_get(&st->ids, term, len);
    if (root >= 0 && root < (long)cfg->nroots &&
        gz_strmap_put(&st->ids, term, len, root + (long)cfg->nroots) != 0)
        st->held_status = XAP_ERR_NOMEM;
}

/* 1 when a --full dry run read articles from a file of path term `term`
 * (mark_given). */
static int given(const run_state *st, const char *term)
{
    const gz_index_config *cfg = st->cfg;
    return cfg->nroots > 1 &&
           gz_strmap_get(&st->ids, term, strlen(term)) >= (long)cfg->nroots;
}

/* The pipeline's reports, on this thread: a file is done. Every count is
 * taken here, once the file's fate is known, so a run stopped with files
 * still queued counts only those it finished. A file that would lose
 * articles is counted once the removal guards have decided: as updated
 * when it is read again and written, as skipped when it is kept. */
static void on_file_done(const corpus_file *file, gz_file_outcome outcome,
                         const char *reason, size_t articles,
                         const gz_file_hash *hash, void *ctx)
{
    run_state *st = ctx;
    const char *relpath = file->relpath, *path = file->path;
    /* What the index holds under this path: removed at the end of the
     * walk (with the vanished files, under the removal guards) when the
     * file now holds no article, unless an earlier reading in this run
     * kept it (a held file read again). */
    char term[GZ_TERM_BUF];
    gz_make_term(GZ_PREFIX_PATH, relpath, term, sizeof term);
    gz_file_entry *e = gz_filemap_find(&st->known, term);
    if (e && outcome == GZ_FILE_SKIPPED_GONE)
        e->gone = 1;
    else if (e)
        e->kept = 1;   /* indexed, unreadable or held: its articles stay */
    if (e && outcome == GZ_FILE_SHRUNK && !st->retrying) {
        hold(st, file, e, articles);
        return;
    }
    char why[256];
    st->stats->scanned++;
    if (outcome != GZ_FILE_SHRUNK)
        st->article_total += articles;
    if ((outcome == GZ_FILE_ADDED || outcome == GZ_FILE_UPDATED) && articles)
        mark_given(st, term);
    switch (outcome) {
    case GZ_FILE_ADDED:
        st->stats->added++;
        note_hashed(st, hash, articles);
        changed(st, relpath, "added");
        break;
    case GZ_FILE_UPDATED:
        st->stats->updated++;
        note_hashed(st, hash, articles);
        changed(st, relpath, "updated");
        break;
    case GZ_FILE_UNCHANGED:
        st->stats->unchanged++;
        /* not read again: the index keeps what it had of it */
        note_hashed(st, hash, e ? e->articles : articles);
        report_known_bad_lines(st, e, path);
        break;
    case GZ_FILE_UNREADABLE:
        /* A --full build keeps the live index's articles of it
         * (carry_unreadable), as an update does. */
        if (st->cfg->full)
            (void)remember_unreadable(st, relpath);
        /* fall through */
    case GZ_FILE_SKIPPED:
    case GZ_FILE_SKIPPED_GONE:
        st->stats->skipped++;
        skip(st, path, reason);
        break;
    case GZ_FILE_SHRUNK:   /* read again, it had lost more meanwhile */
        st->stats->skipped++;
        snprintf(why, sizeof why, "the index holds %" PRIu64 " articles "
                 "of it, the file %zu now, fewer than when the removal "
                 "guards were asked (it changed during the run): not "
                 "rewritten, the index keeps them", e ? e->articles : 0,
                 articles);
        skip(st, path, why);
        break;
    }
    progress(st);
}

/* An article left out of a file that is otherwise read (a bad line of a
 * JSON Lines file): counted in `skipped` on top of the file's own count. */
static void on_bad_article(const char *where, const char *reason, void *ctx)
{
    run_state *st = ctx;
    st->stats->skipped++;
    skip(st, where, reason);
}

static void on_article_warning(const char *where, const char *reason,
                               void *ctx)
{
    run_state *st = ctx;
    if (st->cfg->on_warning)
        st->cfg->on_warning(where, reason, st->cfg->ctx);
}

/* 1 when the index's entry `e` (may be NULL) says `file` is as it was
 * (size and mtime), and the run's --max-file-size does not exclude it
 * now: a limit lowered since the file was indexed must skip it too (and
 * remove its articles, under the removal guards), not only once it
 * changes. For a compressed file the size is the compressed one, a
 * lower bound in practice: one over the limit is read again, and the
 * reader decides on the bytes it gives. */
static int stat_unchanged(const run_state *st, const gz_file_entry *e,
                          const corpus_file *file)
{
    uint64_t limit = st->cfg->max_file_bytes ? st->cfg->max_file_bytes
                                             : CORPUS_DEFAULT_MAX_BYTES;
    return e && !e->seen && !e->reread && e->size == file->size &&
           e->mtime_ns == file->mtime_ns && file->size <= limit;
}

/* 1 when the index holds `file` (its path term `term`), `e` being the
 * index's entry of it (NULL when none) and no earlier root of this run
 * having claimed that path; a --full run, which loads no file map, asks
 * the live index (an error there counts as held: read it, rather than
 * drop its articles in silence). */
static int held_by_index(const run_state *st, const gz_file_entry *e,
                         const char *term)
{
    if (e)
        return !e->seen;
    int held = 0;
    if (st->cfg->full && st->live &&
        xap_database_term_exists(st->live, term, &held) != XAP_OK)
        held = 1;
    return held;
}

/* 1 when `file` has no extension to go by and does not open with a mail
 * header block: it is then ignored, not scanned. A file whose stat
 * matches the index was mail when it was indexed and is not read again.
 * Nor is a file the index holds ever ignored so: it was mail, and what
 * it is now (emptied, cut short, binary, no longer a message) is the
 * reader's to say; it is skipped with that reason, and its articles go
 * under the removal guards, counted as still there but skipped, as the
 * same file named .eml would be. */
static int not_mail(run_state *st, const corpus_file *file,
                    const gz_file_entry *e, const char *term)
{
    if (corpus_name_kind_of(file->relpath, NULL) != CORPUS_NAME_MAYBE_MAIL)
        return 0;
    if (stat_unchanged(st, e, file))
        return 0;
    char why[256];
    if (corpus_probe_mail(file, why, sizeof why) != 0)
        return 0;            /* mail, or unreadable: the hash step reports it */
    if (held_by_index(st, e, term))
        return 0;
    ignored(st, file->path, why);
    return 1;
}

/* `root` as given less its trailing slashes (not the "/" of the file
 * system's root), for messages: its length. */
static int root_len(const char *root)
{
    size_t n = strlen(root);
    while (n > 1 && root[n - 1] == '/')
        n--;
    return (int)n;
}

/* The path among the first `n` the run could not read
 * (remember_unreadable) that `relpath` is, or lies below; NULL when
 * none. */
static const char *unreadable_above(const run_state *st, const char *relpath,
                                    size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(st->unreadable[i]);
        if (strncmp(relpath, st->unreadable[i], len) == 0 &&
            (relpath[len] == '\0' || relpath[len] == '/'))
            return st->unreadable[i];
    }
    return NULL;
}

/* The root given before the one being walked that could not be opened
 * at all (walk_root) and would hold `relpath`: a directory holds any
 * path, a file only its name. Its place in cfg->roots, or -1. */
static long unreadable_root_before(const run_state *st, const char *relpath)
{
    for (size_t i = 0; i < st->root_no; i++) {
        if (!st->checks[i].unreadable)
            continue;
        if (st->checks[i].is_file) {
            const char *name = strrchr(st->cfg->roots[i], '/');
            if (strcmp(name ? name + 1 : st->cfg->roots[i], relpath) != 0)
                continue;
        }
        return (long)i;
    }
    return -1;
}

/* The first of the names of `n` that `relpath` lies below, or NULL. */
static const char *name_above(const gz_names *n, const char *relpath)
{
    for (const char *p = gz_names_next(n, NULL); p; p = gz_names_next(n, p)) {
        size_t len = strlen(p);
        if (strncmp(relpath, p, len) == 0 && relpath[len] == '/')
            return p;
    }
    return NULL;
}

/* The root given before the one being walked whose disk, mounted below it
 * at the last run and not now (check_mounts: *mount gets the folder),
 * held the file `relpath` (path term `term`) whose article the index
 * keeps while a later root held that path too (gz_root_took): the id is
 * the disk's. Its place in cfg->roots, or -1: the later root's file of
 * any other path below the folder is its own, indexed as it would be
 * without the disk. */
static long disk_took(const run_state *st, const char *relpath,
                      const char *term, const char **mount)
{
    for (size_t i = 0; i < st->root_no; i++) {
        const gz_root_check *c = &st->checks[i];
        const char *m = name_above(&c->mounts_gone, relpath);
        if (m && gz_root_took(c, relpath) &&
            gz_filemap_find(&st->known, term)) {
            *mount = m;
            return (long)i;
        }
    }
    return -1;
}

/* The file `relpath` of the root being walked was skipped because root
 * `first` holds that path: when it lies below a mount point of `first`,
 * that is remembered (took_now), so that the id stays the disk's while
 * it is not mounted (disk_took). On running out of memory the run
 * fails. */
static void note_took(run_state *st, long first, const char *relpath)
{
    gz_root_check *c = &st->checks[first];
    if ((size_t)first != st->root_no &&
        name_above(&c->mounts_now, relpath) &&
        gz_names_add(&c->took_now, relpath) != 0)
        st->status = XAP_ERR_NOMEM;
}

/* Several roots may hold one relative path, which is one id: the first
 * root given keeps it and a later one's file is skipped, its reason
 * naming both, rather than each run rewriting the articles of one with
 * the other's (an article lost, the run saying nothing); also when the
 * first one's path could not be read, as that keeps the articles
 * indexed from it: a path the walk reported, one below it, or any path
 * of a root that could not be opened. 1 when `file` is such a later
 * file (skipped and counted here); on running out of memory the run
 * fails. */
static int id_taken(run_state *st, const corpus_file *file, const char *term)
{
    const gz_index_config *cfg = st->cfg;
    if (cfg->nroots < 2)
        return 0;
    size_t len = strlen(term);
    long first = gz_strmap_get(&st->ids, term, len);
    if (first >= (long)cfg->nroots)
        first -= (long)cfg->nroots;   /* given (mark_given) */
    const char *mount = NULL;
    long disk = first < 0 ? disk_took(st, file->relpath, term, &mount) : -1;
    const char *unreadable =
        first < 0 && disk < 0
            ? unreadable_above(st, file->relpath,
                               st->unreadable_of_earlier_roots)
            : NULL;
    long closed = first < 0 && disk < 0 && !unreadable
                      ? unreadable_root_before(st, file->relpath)
                      : -1;
    if (first < 0 && disk < 0 && !unreadable && closed < 0) {
        if (gz_strmap_put(&st->ids, term, len, (long)st->root_no) != 0)
            st->status = XAP_ERR_NOMEM;
        return 0;
    }
    static const char why_parent[] = "(an article's id is its path relative "
                                     "to its corpus directory: name their "
                                     "common parent instead)";
    char why[PATH_MAX + 300];
    if (disk >= 0) {
        const char *other = cfg->roots[disk];
        snprintf(why, sizeof why, "the same id as the file of the disk "
                 "mounted at %.*s/%s at the last run (not mounted now), "
                 "given before, which keeps its article %s",
                 root_len(other), other, mount, why_parent);
    } else if (unreadable) {
        snprintf(why, sizeof why, "the same id as a file of a corpus "
                 "directory given before, below %s, which could not be read "
                 "and keeps its articles %s", unreadable, why_parent);
    } else if (closed >= 0) {
        const char *other = cfg->roots[closed];
        snprintf(why, sizeof why, "the same id as %s%.*s, given first, "
                 "which could not be read and keeps its articles %s",
                 st->checks[closed].is_file ? "" : "a path of ",
                 root_len(other), other, why_parent);
    } else {
        note_took(st, first, file->relpath);
        const char *other = cfg->roots[first];
        int is_file = st->checks[first].is_file;
        snprintf(why, sizeof why, "the same id as %.*s%s%s, given first %s",
                 root_len(other), other, is_file ? "" : "/",
                 is_file ? "" : file->relpath, why_parent);
    }
    st->stats->scanned++;
    st->stats->skipped++;
    skip(st, file->path, why);
    progress(st);
    return 1;
}

static int below_unreadable(const run_state *st, const char *relpath);
static int below_mount_gone(const run_state *st, const char *relpath);

/* The length of the first part of `relpath` that ends before a '#' at or
 * after `from` and names a file of several articles (corpus_holds_many),
 * copied into `prefix` (PATH_MAX bytes); 0 when there is none. A JSON
 * Lines article's id is "<its file's path>#<id>", so such a file's path
 * can be the id of one of its articles. */
static size_t many_prefix(const char *relpath, size_t from, char *prefix)
{
    size_t n = strlen(relpath);
    for (const char *h = from < n ? strchr(relpath + from, '#') : NULL; h;
         h = strchr(h + 1, '#')) {
        size_t k = (size_t)(h - relpath);
        if (k >= PATH_MAX)
            break;
        memcpy(prefix, relpath, k);
        prefix[k] = '\0';
        if (corpus_holds_many(prefix))
            return k;
    }
    return 0;
}

/* Keep `file`, whose path begins with a JSON Lines file's path and '#'
 * (many_prefix), until the walk of every root is over: shadowed_by()
 * decides then, knowing every JSON Lines file walked. On running out of
 * memory the run fails. */
static void defer_file(run_state *st, const corpus_file *file)
{
    if (!keep_file(&st->deferred, file))
        st->status = XAP_ERR_NOMEM;
}

/* 1 when the index knows the file `relpath` and keeps its articles
 * though the walk did not find it: below a path it could not read, or
 * in a root it could not open (that may hold it). */
static int kept_unseen(const run_state *st, const char *relpath)
{
    char term[GZ_TERM_BUF];
    gz_make_term(GZ_PREFIX_PATH, relpath, term, sizeof term);
    int known = gz_filemap_find(&st->known, term) != NULL;
    /* --full loads no file map: it carries such a file's articles from
     * the live index (carry_from_live) */
    if (!known && st->cfg->full && st->live &&
        xap_database_term_exists(st->live, term, &known) != XAP_OK)
        known = 1;   /* cannot tell: keep the id to the JSON Lines file */
    if (!known)
        return 0;
    if (below_unreadable(st, relpath) ||
        (!st->cfg->full && below_mount_gone(st, relpath)))
        return 1;
    for (size_t i = 0; i < st->cfg->nroots; i++) {
        if (!st->checks[i].unreadable)
            continue;
        const char *root = st->cfg->roots[i], *name = strrchr(root, '/');
        if (!st->checks[i].is_file ||
            strcmp(name ? name + 1 : root, relpath) == 0)
            return 1;
    }
    return 0;
}

/* The JSON Lines file whose article's id the deferred `file` could
 * have, as a message names it (in `where`), when there is one: a file
 * the walk read at this path under any root, or one the index keeps
 * unseen (kept_unseen). Each run wrote one of the two over the other,
 * the index flipping between them without a word; the JSON Lines file
 * keeps the id, whether or not a line holds it today, as what a run does
 * must not hang on what a line says. NULL when `file` has no such
 * neighbour: it is then indexed as any file. */
static const char *shadowed_by(const run_state *st, const corpus_file *file,
                               char *where, size_t wherelen)
{
    char prefix[PATH_MAX];
    for (size_t k = many_prefix(file->relpath, 0, prefix); k;
         k = many_prefix(file->relpath, k + 1, prefix)) {
        long root = gz_strmap_get(&st->many_walked, prefix, k);
        if (root >= 0) {
            const char *r = st->cfg->roots[root];
            if (st->checks[root].is_file)
                snprintf(where, wherelen, "%s", r);
            else
                snprintf(where, wherelen, "%.*s/%s", root_len(r), r, prefix);
            return where;
        }
        if (kept_unseen(st, prefix)) {
            snprintf(where, wherelen, "%s, indexed from a path that could "
                     "not be read", prefix);
            return where;
        }
    }
    return NULL;
}

static void visit_article_file(run_state *st, const corpus_file *file,
                               gz_file_entry *e);

/* Decide what one walked file needs: nothing (same stat), or a look by
 * the pipeline (hash: a stat refresh when the same, else a reindex); or
 * nothing at all when it is not an article after all (a file without
 * extension that is not mail). */
static void visit_file(run_state *st, const corpus_file *file)
{
    char term[GZ_TERM_BUF];
    gz_make_term(GZ_PREFIX_PATH, file->relpath, term, sizeof term);
    gz_file_entry *e = gz_filemap_find(&st->known, term);
    if (not_mail(st, file, e, term))
        return;
    st->walked++;
    if (id_taken(st, file, term))
        return;
    char prefix[PATH_MAX];
    if (corpus_holds_many(file->relpath) &&
        gz_strmap_get(&st->many_walked, file->relpath,
                      strlen(file->relpath)) < 0 &&
        gz_strmap_put(&st->many_walked, file->relpath, strlen(file->relpath),
                      (long)st->root_no) != 0)
        st->status = XAP_ERR_NOMEM;
    if (many_prefix(file->relpath, 0, prefix)) {
        defer_file(st, file);
        return;
    }
    visit_article_file(st, file, e);
}

/* What a file the walk found, and nothing stopped, needs: nothing (same
 * stat), or a look by the pipeline. `e`: what the index knows of it. */
static void visit_article_file(run_state *st, const corpus_file *file,
                               gz_file_entry *e)
{
    if (stat_unchanged(st, e, file)) {
        e->seen = 1;
        e->kept = 1;
        if (e->has_hash)
            note_present(st, &e->hash, e->articles);
        st->stats->scanned++;
        st->stats->unchanged++;
        report_known_bad_lines(st, e, file->path);
        progress(st);
        return;
    }
    /* A known file that would lose articles waits for the removal
     * guards, also under --force or --max-remove 0 (an unreadable root
     * still refuses the removals, and then it is not rewritten either); a
     * --full build knows no file (it is measured as a whole:
     * check_rebuild). */
    uint64_t may_lose = e && !e->seen ? 0 : GZ_LOSE_ANY;
    pipeline_status(st, gz_pipeline_file(st->pipe, file, e, may_lose));
    if (e)
        e->seen = 1;   /* also when unreadable: keep its articles */
}

/* Once every root is walked: each deferred file (defer_file) is skipped
 * when a JSON Lines file shadows it (shadowed_by), counted and reported,
 * its articles indexed before then going as a vanished file's;
 * otherwise it is indexed as any file. */
static void visit_deferred(run_state *st)
{
    char where[PATH_MAX + 80], why[PATH_MAX + 300], term[GZ_TERM_BUF];
    for (size_t i = 0; i < st->deferred.n && st->status == XAP_OK; i++) {
        if (stop_requested(st))
            return;
        const corpus_file *f = &st->deferred.v[i].file;
        if (!shadowed_by(st, f, where, sizeof where)) {
            gz_make_term(GZ_PREFIX_PATH, f->relpath, term, sizeof term);
            visit_article_file(st, f, gz_filemap_find(&st->known, term));
            continue;
        }
        snprintf(why, sizeof why, "its id can be that of an article of the "
                 "JSON Lines file %s (such an article's id is that file's "
                 "path, '#' and its own id): rename it", where);
        st->stats->scanned++;
        st->stats->skipped++;
        skip(st, f->path, why);
        progress(st);
    }
}

static int on_file(const corpus_file *file, void *ctx)
{
    run_state *st = ctx;
    if (stop_requested(st))
        return 1;
    visit_file(st, file);
    return st->status != XAP_OK;
}

/* The walk met something that is not part of the corpus. */
static void on_walk_ignored(const char *path, const char *reason, void *ctx)
{
    ignored(ctx, path, reason);
}

/* Remember `relpath`, a path the run could not read (a directory, a
 * file): the articles indexed from it and below it stay. 0, or -1 when
 * out of memory: then they may be removed (the index stays valid). */
static int remember_unreadable(run_state *st, const char *relpath)
{
    if (st->nunreadable == st->capunreadable) {
        size_t cap = st->capunreadable ? st->capunreadable * 2 : 16;
        char **v = realloc(st->unreadable, cap * sizeof *v);
        if (!v)
            return -1;
        st->unreadable = v;
        st->capunreadable = cap;
    }
    if (!(st->unreadable[st->nunreadable] = strdup(relpath)))
        return -1;
    st->nunreadable++;
    return 0;
}

/* The walk could not use `path` (an unreadable directory, a broken
 * symlink...): report it, and remember its relative path so that the
 * articles indexed below it are not taken for vanished. */
static void on_walk_warning(const char *path, const char *reason, void *ctx)
{
    run_state *st = ctx;
    st->stats->skipped++;   /* so the run exits 1: something needs a look */
    skip(st, path, reason);
    size_t n = (size_t)root_len(st->root);
    if (strncmp(path, st->root, n) != 0 || path[n] != '/')
        return;
    (void)remember_unreadable(st, path + n + 1);
}

/* The walk entered a mount point below the root being walked: recorded
 * with it (gz_roots_record), and so known next time (check_mounts). */
static void on_walk_mount(const char *relpath, void *ctx)
{
    run_state *st = ctx;
    if (gz_names_add(&st->checks[st->root_no].mounts_now, relpath) != 0)
        st->status = XAP_ERR_NOMEM;
}

/* A symlink the walk left out because its target is outside the corpus
 * root: reported and counted like a walk problem, but not protected from
 * removal: it is left out on purpose, so what was indexed through it
 * before goes. */
static void on_walk_excluded(const char *path, const char *reason, void *ctx)
{
    run_state *st = ctx;
    st->stats->skipped++;
    skip(st, path, reason);
    /* a mount point it led to is left out too (check_mounts) */
    size_t n = (size_t)root_len(st->root);
    if (strncmp(path, st->root, n) == 0 && path[n] == '/' &&
        gz_names_add(&st->checks[st->root_no].links_out, path + n + 1) != 0)
        st->status = XAP_ERR_NOMEM;
}

/* 1 when `relpath` is, or is below, a path the walk could not read. */
static int below_unreadable(const run_state *st, const char *relpath)
{
    return unreadable_above(st, relpath, st->nunreadable) != NULL;
}

/* 1 when a stat(2) or realpath(3) of a root failed with `e` for another
 * reason than its absence (no such file, a file where a directory is
 * needed, no memory): a directory above it cannot be searched, say. */
static int exists_unreadable(int e)
{
    return e != ENOENT && e != ENOTDIR && e != ENOMEM;
}

/* 1 when the real path `path` is `dir` or lies below it. */
static int real_within(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    if (n == 1 && dir[0] == '/')
        return 1;
    return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* 1 when root `outer` (its real path `real_outer`) is walked into
 * `real_inner`, a path inside it: not when a hidden directory or an
 * --exclude pattern keeps the walk out of it (corpus_walk_reaches). */
static int walk_reaches(const gz_index_config *cfg, const char *real_outer,
                        const char *real_inner)
{
    size_t n = strlen(real_outer);
    const char *rel = real_inner + n + (n > 1 || real_outer[0] != '/');
    corpus_walk_options wo = {.exclude = cfg->exclude,
                              .nexclude = cfg->nexclude};
    return corpus_walk_reaches(&wo, rel) != 0;
}

/* Two roots that are the same directory or file (also through a symlink),
 * or one inside the other where the outer one's walk enters it, would
 * index the files they share twice, under two ids: refuse them, naming
 * both. A root whose real path cannot be known but that exists (a
 * directory above it cannot be searched: exists_unreadable) is left out
 * of the comparison: its walk gives no file. */
static gz_index_outcome check_nested_roots(const gz_index_config *cfg,
                                           char *err, size_t errlen)
{
    char **real = calloc(cfg->nroots, sizeof *real);
    gz_index_outcome outcome = real ? GZ_INDEX_OK : GZ_INDEX_NO_MEMORY;
    for (size_t i = 0; outcome == GZ_INDEX_OK && i < cfg->nroots; i++)
        if (!(real[i] = realpath(cfg->roots[i], NULL)) &&
            !exists_unreadable(errno)) {
            outcome = errno == ENOMEM ? GZ_INDEX_NO_MEMORY : GZ_INDEX_NO_INPUT;
            snprintf(err, errlen, "corpus %s: %s", cfg->roots[i],
                     strerror(errno));
        }
    for (size_t i = 0; outcome == GZ_INDEX_OK && i < cfg->nroots; i++)
        for (size_t j = i + 1; outcome == GZ_INDEX_OK && j < cfg->nroots;
             j++) {
            const char *a = cfg->roots[i], *b = cfg->roots[j];
            if (!real[i] || !real[j])
                continue;
            if (strcmp(real[i], real[j]) == 0)
                snprintf(err, errlen,
                         "corpus %s and corpus %s are the same: its files "
                         "would be indexed twice; give it once", a, b);
            else if (real_within(real[j], real[i]) &&
                     walk_reaches(cfg, real[i], real[j]))
                snprintf(err, errlen,
                         "corpus %s is inside corpus %s: its files would be "
                         "indexed twice; give %s alone", b, a, a);
            else if (real_within(real[i], real[j]) &&
                     walk_reaches(cfg, real[j], real[i]))
                snprintf(err, errlen,
                         "corpus %s is inside corpus %s: its files would be "
                         "indexed twice; give %s alone", a, b, b);
            else
                continue;
            outcome = GZ_INDEX_BAD_ROOTS;
        }
    for (size_t i = 0; real && i < cfg->nroots; i++)
        free(real[i]);
    free(real);
    return outcome;
}

/* GZ_INDEX_NO_INPUT, said in `err`, for a root that stat(2) could not
 * follow (ELOOP): it is, or lies below, a loop of links, and so leads to
 * no file, as a missing root; it is no root that exists and cannot be
 * read (a removal guard, 69), nor an error of the disk. */
static gz_index_outcome root_loop(const char *root, char *err, size_t errlen)
{
    static const char end[] = "; nothing changed";
    char head[320], said[1200];
    snprintf(head, sizeof head, "corpus %.300s: ", root);
    (void)gz_path_loop_said(root, "a loop of links", said,
                            gz_path_room(errlen, head, end, sizeof said));
    snprintf(err, errlen, "%s%s%s", head, said, end);
    return GZ_INDEX_NO_INPUT;
}

/* That the root `root` does not exist, in `err`: "No such file or
 * directory", or, when it is a symbolic link, where the link leads (a
 * disk not mounted, most often), which the error of stat(2) does not
 * say. */
static void root_missing(const char *root, char *err, size_t errlen)
{
    int e = errno;
    char said[600];
    if (gz_path_dangling_said(root, said, sizeof said))
        snprintf(err, errlen, "corpus %.300s: %s", root, said);
    else
        snprintf(err, errlen, "corpus %s: %s", root, strerror(e));
}

/* Check every root exists (a directory or a file), and that no two
 * overlap, before touching the index. A root that stat(2) cannot look at
 * for another reason than its absence or a loop of links on its way (a
 * directory above it that cannot be searched: EACCES) exists as far as
 * anyone can tell: its walk fails as that of a root that cannot be
 * opened (walk_root), and the run says it cannot be read. */
static gz_index_outcome check_roots(const gz_index_config *cfg, char *err,
                                    size_t errlen)
{
    for (size_t i = 0; i < cfg->nroots; i++) {
        struct stat sb;
        if (stat(cfg->roots[i], &sb) != 0) {
            if (errno == ELOOP)
                return root_loop(cfg->roots[i], err, errlen);
            if (exists_unreadable(errno))
                continue;
            root_missing(cfg->roots[i], err, errlen);
            return GZ_INDEX_NO_INPUT;
        }
        if (!S_ISDIR(sb.st_mode) && !S_ISREG(sb.st_mode)) {
            snprintf(err, errlen, "corpus %s: not a directory or a file",
                     cfg->roots[i]);
            return GZ_INDEX_NO_INPUT;
        }
    }
    return check_nested_roots(cfg, err, errlen);
}

/* Set metadata `key` unless it already has `value` (a no-op run must not
 * create a new revision). */
xap_status gz_index_ensure_metadata(xap_writable *db, const char *key,
                                    const char *value)
{
    char *old = NULL;
    size_t len = 0;
    xap_status s = xap_database_get_metadata(xap_writable_database(db), key,
                                             &old, &len);
    int same = s == XAP_OK && len == strlen(value) &&
               memcmp(old, value, len) == 0;
    free(old);
    if (s == XAP_OK && !same)
        s = xap_writable_set_metadata(db, key, value, strlen(value));
    return s;
}

/* The index file `db` names, into buf[PATH_MAX]: `db` itself, or, when it
 * is a symbolic link, where its links lead (realpath(3): the stub file or
 * database directory). The check that it is an index goes by this path,
 * and so does the lock file of a link to a stub file (lock_path). Xapian
 * is still given `db` as it is, as readers give it: it reads a stub's
 * relative lines against the directory of the path it is given (the
 * link's), and what a reader opens through the link is what is written.
 * A link that leads nowhere is `db` (refuse_non_index refuses it first:
 * broken_link). */
static const char *index_file(const char *db, char *buf)
{
    struct stat sb;
    if (lstat(db, &sb) != 0 || !S_ISLNK(sb.st_mode) || !realpath(db, buf))
        return db;
    return buf;
}

/* "<db>.lock", with trailing slashes of the db path dropped; for a
 * symbolic link to a stub file, beside that file (index_file), where a
 * run on the stub's own path and a --full, which replaces it, lock. A
 * link to a database directory keeps its own lock file, as before: the
 * directory it leads to may be where its user cannot write (a mount
 * point), and Xapian's lock inside the database excludes other writers
 * anyway. */
static int lock_path(const char *db_path, char *buf, size_t size)
{
    char real[PATH_MAX];
    struct stat sb;
    const char *db = index_file(db_path, real);
    if (db != db_path && (stat(db, &sb) != 0 || !S_ISREG(sb.st_mode)))
        db = db_path;
    size_t n = strlen(db);
    while (n > 1 && db[n - 1] == '/')
        n--;
    int len = snprintf(buf, size, "%.*s.lock", (int)n, db);
    return len > 0 && (size_t)len < size ? 0 : -1;
}

/* Try once to take the lock file: 0 = taken (*fd set), 1 = held by another
 * process (*holder = its pid as the kernel reports it, or 0; *is_writer =
 * it is the gazette writer whose pid the file holds), -1 = error. */
static int try_lock_file(const char *path, int *fd, long *holder,
                         int *is_writer)
{
    int f = gz_lock_file_open(path);
    if (f < 0)
        return -1;
    if (flock(f, LOCK_EX | LOCK_NB) != 0) {
        int busy = errno == EWOULDBLOCK;
        char buf[32] = "";
        ssize_t n = busy ? pread(f, buf, sizeof buf - 1, 0) : 0;
        buf[n > 0 ? n : 0] = '\0';
        /* The pid in the file is the last writer's: it names the holder
         * only if the kernel says so (anyone who can open the file can
         * flock it). */
        *holder = busy ? gz_lock_holder(f, strtol(buf, NULL, 10), is_writer)
                       : 0;
        close(f);
        return busy ? 1 : -1;
    }
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
    if (ftruncate(f, 0) != 0 || pwrite(f, buf, (size_t)n, 0) != n) {
        close(f);
        return -1;
    }
    *fd = f;
    return 0;
}

/* Xapian's DatabaseLockError covers both a lock held by another writer
 * and a lock file it could not open or lock (permissions, too many open
 * files): only the first is worth waiting for. */
static int xapian_lock_busy(void)
{
    return strstr(xap_last_error(), "already locked") != NULL;
}

static void close_lock(int *lock_fd)
{
    if (*lock_fd >= 0)
        close(*lock_fd);
    *lock_fd = -1;
}

/* The end of the links `chain` leading from `db` (or from `on_the_way`,
 * a directory on the way to it) nowhere, `problem`, as one line in
 * `err`, whose end ("; nothing changed...") a long path and chain do not
 * cut off (gz_path_room). */
static void link_error(const char *db, const char *on_the_way,
                       gz_link_problem problem, const char *chain, char *err,
                       size_t errlen)
{
    int dangling = problem == GZ_LINK_DANGLING;
    const char *end = dangling ? "; nothing changed: no index is made "
                                 "through a link (for a new one, give the "
                                 "target's own path)"
                               : "; nothing changed";
    char head[320], said[1200];
    snprintf(head, sizeof head, "index %.300s: ", db);
    size_t room = gz_path_room(errlen, head, end, sizeof said);
    if (dangling)
        gz_path_say_dangling(said, room, on_the_way, chain);
    else
        gz_path_say_loop(said, room, on_the_way, problem, chain,
                         "a loop of links that leads to no index");
    snprintf(err, errlen, "%s%s%s", head, said, end);
}

/* GZ_INDEX_NO_INPUT, said in `err`, when a directory on the way to `db`
 * is a loop of links: no index is there, in any mode, nor can one be
 * made. Else GZ_INDEX_OK. */
static gz_index_outcome loop_on_the_way(const char *db, char *err,
                                        size_t errlen)
{
    char chain[PATH_MAX], link[PATH_MAX];
    gz_link_problem problem = gz_path_loop_on_the_way(db, link, sizeof link,
                                                      chain, sizeof chain);
    if (problem == GZ_LINK_FINE)
        return GZ_INDEX_OK;
    link_error(db, link, problem, chain, err, errlen);
    return GZ_INDEX_NO_INPUT;
}

/* GZ_INDEX_NO_INPUT, said in `err`, when `db` is a symbolic link whose
 * target does not exist (nor a directory on the way to it): most often a
 * disk that is not mounted, as gazette-query takes it (66), and as a
 * stub naming a missing database is; or a loop of links, as `db` or on
 * the way to it (loop_on_the_way), which leads to no index either. No
 * index is made at the target: below the mount point, which exists, it
 * would go to the wrong disk; a new index is made at the target's own
 * path. Else GZ_INDEX_OK (a target that cannot be looked at:
 * refuse_non_index says why). */
static gz_index_outcome broken_link(const char *db, char *err, size_t errlen)
{
    char chain[PATH_MAX];
    gz_link_problem problem = gz_path_broken_link(db, chain, sizeof chain);
    if (problem == GZ_LINK_FINE)
        return loop_on_the_way(db, err, errlen);
    link_error(db, "", problem, chain, err, errlen);
    return GZ_INDEX_NO_INPUT;
}

/* An existing --db that is not an index must not get Xapian's files
 * written into it: a file that is not a stub, or a directory holding
 * files but no Xapian database. GZ_INDEX_OK when the path may be opened,
 * GZ_INDEX_NO_INPUT for a link that leads nowhere (broken_link),
 * GZ_INDEX_REFUSED, or GZ_INDEX_IO_ERROR when it could not be looked at
 * (out of descriptors, permissions). */
static gz_index_outcome refuse_non_index(const char *given, char *err,
                                         size_t errlen)
{
    gz_index_outcome broken = broken_link(given, err, errlen);
    if (broken != GZ_INDEX_OK)
        return broken;
    /* A link is looked at where it leads: only a rebuild, which would
     * replace the link, refuses one (gz_generation_check). */
    char real[PATH_MAX];
    const char *db_path = index_file(given, real);
    int checked = gz_generation_check(db_path, NULL, 0, err, errlen);
    if (checked == 0)
        return GZ_INDEX_OK;
    /* gz_generation_check refuses any foreign file; an index beside other
     * files (made by an earlier version) is still an index. */
    char marker[4200];
    struct stat sb;
    snprintf(marker, sizeof marker, "%s/iamglass", db_path);
    if (stat(marker, &sb) == 0)
        return GZ_INDEX_OK;
    snprintf(marker, sizeof marker, "%s/" GZ_SHARD_STUB, db_path);
    if (stat(marker, &sb) == 0)
        return GZ_INDEX_OK;   /* a sharded index (shards.h) */
    if (checked < 0)
        return GZ_INDEX_IO_ERROR;   /* err says why */
    if (gz_is_single_file_db(db_path))
        snprintf(err, errlen, "refusing to write an index into %s: it is a "
                 "single-file Xapian database (as xapian-compact "
                 "--single-file makes), which Xapian cannot write; update "
                 "the index it was made from, or give a new path", given);
    else
        snprintf(err, errlen, "refusing to write an index into %s: it "
                 "exists and is not a Xapian index; give the path of an "
                 "index or a new one", given);
    return GZ_INDEX_REFUSED;
}

static void sleep_poll(void)
{
    struct timespec ts = {0, LOCK_POLL_NS};
    nanosleep(&ts, NULL);
}

/* The index at `db_path` goes in a directory that does not exist, as
 * one line in `err`. No parent directories are made: a missing directory
 * is most often a disk that is not mounted. */
static void missing_directory(const char *db_path, char *err, size_t errlen)
{
    snprintf(err, errlen, "%s: the directory it goes in does not exist "
             "(not mounted?); the index is not created there", db_path);
}

/* The directory `path` is in (dirname(3)), in `buf`. */
static void parent_of(const char *path, char *buf, size_t size)
{
    char copy[4096];
    snprintf(copy, sizeof copy, "%s", path);
    snprintf(buf, size, "%s", dirname(copy));
}

/* When the directory `db` goes in does not exist, the run is refused
 * before it opens anything (the lock file would fail there; none is
 * made: a missing directory is most often a disk not mounted), said in
 * `err`: GZ_INDEX_NO_INPUT when a directory on the way is a symbolic
 * link whose target does not exist ("dl/index", dl -> /mnt/disk), named
 * with its target as a --db link to nothing is; else GZ_INDEX_IO_ERROR
 * (missing_directory). Else GZ_INDEX_OK. */
static gz_index_outcome no_directory(const char *db, char *err,
                                     size_t errlen)
{
    char dir[4096], link[PATH_MAX], chain[PATH_MAX];
    struct stat sb;
    parent_of(db, dir, sizeof dir);
    if (stat(dir, &sb) == 0 || errno != ENOENT)
        return GZ_INDEX_OK;   /* ELOOP, ENOTDIR...: the lock file says */
    if (gz_path_dangling_on_the_way(db, link, sizeof link, chain,
                                    sizeof chain) == GZ_LINK_DANGLING) {
        link_error(db, link, GZ_LINK_DANGLING, chain, err, errlen);
        return GZ_INDEX_NO_INPUT;
    }
    missing_directory(db, err, errlen);
    return GZ_INDEX_IO_ERROR;
}

/* The owner of the lock file `path`, else of the directory it goes in,
 * when another user: the usual reason a writer may not open it (the
 * first index built by hand as root, the nightly job run as another
 * user, as docs/cron.md warns). -1 when it is ours or cannot be told. */
static long foreign_owner(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s", path);
        if (stat(dirname(dir), &sb) != 0)
            return -1;
    }
    return sb.st_uid == geteuid() ? -1 : (long)sb.st_uid;
}

/* Why the lock file `path` of the index at `db_path` could not be taken
 * (`errnum`), as one line in `err`, naming the lock file as such (a bare
 * "DB.lock: Permission denied" left the operator to guess what it is). */
static void lock_error(const char *db_path, const char *path, int errnum,
                       char *err, size_t errlen)
{
    if (errnum == ENOENT) {
        missing_directory(db_path, err, errlen);
        return;
    }
    char why[160] = "";
    long owner = errnum == EACCES || errnum == EPERM ? foreign_owner(path)
                                                     : -1;
    if (errnum == ELOOP)
        snprintf(why, sizeof why, " (a symbolic link: refusing to open a "
                 "lock file through one)");
    else if (owner >= 0)
        snprintf(why, sizeof why, " (it belongs to uid %ld, and this run "
                 "is uid %ld: run as the user that owns the index)", owner,
                 (long)geteuid());
    snprintf(err, errlen, "%s: cannot open the index's lock file: %s%s",
             path, strerror(errnum), why);
}

/* Take the lock file of `db_path`, then call `open` (which opens the
 * databases to write, returning XAP_ERR_DB_LOCKED when another writer
 * holds Xapian's lock on one of them, having closed what it opened),
 * waiting up to `wait_lock_seconds` while another writer holds either
 * lock. On success *lock_fd holds the lock file (closing it releases it).
 * The databases are opened under the lock file, so what they are (a new
 * index's layout, say) is decided by one writer at a time. With
 * `existing_only`, an existing `db_path` that is not an index is refused
 * first (refuse_non_index). How long it waited for another writer
 * goes in *waited (may be NULL): 0 when the first try settled it. */
static gz_index_outcome open_locked_with(const char *db_path,
                                         int existing_only,
                                         xap_status (*open)(void *ctx,
                                                            char *err,
                                                            size_t errlen),
                                         void *ctx, double wait_lock_seconds,
                                         const volatile sig_atomic_t *stop,
                                         int *lock_fd, double *waited,
                                         char *err, size_t errlen)
{
    double unused;
    if (!waited)
        waited = &unused;
    *waited = 0;
    char path[4096];
    if (lock_path(db_path, path, sizeof path) != 0) {
        snprintf(err, errlen, "%s: path too long", db_path);
        return GZ_INDEX_IO_ERROR;
    }
    if (existing_only) {
        gz_index_outcome refused = refuse_non_index(db_path, err, errlen);
        if (refused != GZ_INDEX_OK)
            return refused;
    }
    double start = now_seconds(), deadline = start + wait_lock_seconds;
    for (int tries = 0;; tries++) {
        if (tries)
            *waited = now_seconds() - start;
        long holder = 0;
        int is_writer = 0;
        int r = try_lock_file(path, lock_fd, &holder, &is_writer);
        if (r < 0) {
            int e = errno;
            /* its directory missing (a writer's path): as a run says it */
            gz_index_outcome missing =
                e == ENOENT ? no_directory(db_path, err, errlen) : GZ_INDEX_OK;
            if (missing != GZ_INDEX_OK)
                return missing;
            lock_error(db_path, path, e, err, errlen);
            return GZ_INDEX_IO_ERROR;
        }
        if (r == 0) {
            /* open() leaves Xapian's message of a failure last. */
            xap_status s = open(ctx, err, errlen);
            if (s != XAP_ERR_DB_LOCKED || !xapian_lock_busy()) {
                if (s != XAP_OK)
                    close_lock(lock_fd);
                return s == XAP_ERR_DB_LOCKED
                           ? GZ_INDEX_IO_ERROR
                           : outcome_for(s, xap_last_error());
            }
            close_lock(lock_fd);
            snprintf(err, errlen, "Xapian lock held");
        } else if (holder == (long)getpid()) {
            /* A flock belongs to the open file, which fork() shares: a
             * child that neither exited nor exec'd keeps it held. */
            snprintf(err, errlen, "lock %s held by this process (a writer "
                     "it has open, or a child it forked that still has "
                     "the lock file open)", path);
        } else if (holder > 0) {
            snprintf(err, errlen, "lock %s held by process %ld%s", path,
                     holder, is_writer ? "" : ", not a gazette writer");
        } else {
            snprintf(err, errlen, "lock %s held", path);
        }
        double now = now_seconds();
        if (tries)
            *waited = now - start;
        if (stop && __atomic_load_n(stop, __ATOMIC_RELAXED))
            return GZ_INDEX_INTERRUPTED;
        if (now >= deadline)
            return GZ_INDEX_LOCKED;
        sleep_poll();
    }
}

/* One database to open for gz_index_open_locked. */
typedef struct open_one {
    const char *target;
    xap_db_action action;
    xap_writable **db;
} open_one;

static xap_status open_one_db(void *ctx, char *err, size_t errlen)
{
    open_one *o = ctx;
    if (o->action != XAP_DB_OPEN && gz_clear_cut_creation(o->target) != 0) {
        snprintf(err, errlen, "%s: %s", o->target, strerror(errno));
        return XAP_ERR_DB;
    }
    /* Never write into a database that lost a table (schema.h). */
    xap_status s = o->action == XAP_DB_CREATE
                       ? XAP_OK
                       : gz_check_index_tables(o->target, err, errlen);
    if (s != XAP_OK)
        return s;
    s = xap_writable_open(o->target, o->action, 0, o->db);
    if (s != XAP_OK)
        snprintf(err, errlen, "%s: %s", o->target, xap_last_error());
    return s;
}

gz_index_outcome gz_index_open_locked(const char *db_path,
                                      const char *target,
                                      xap_db_action action,
                                      double wait_lock_seconds,
                                      const volatile sig_atomic_t *stop,
                                      xap_writable **db, int *lock_fd,
                                      char *err, size_t errlen)
{
    open_one o = {.target = target, .action = action, .db = db};
    return open_locked_with(db_path,
                            strcmp(db_path, target) == 0 &&
                                action != XAP_DB_CREATE,
                            open_one_db, &o, wait_lock_seconds, stop,
                            lock_fd, NULL, err, errlen);
}

/* 1 when the relative path `path` (`len` bytes) lies below folder `dir`
 * (relative to the same root), or is `dir` when `or_self`. When `path`
 * is only the head of a longer path (`head`: what a hashed path term
 * keeps of it, gz_make_term), 1 as well when the whole path could lie
 * below `dir` (its head is a head of `dir`): on the safe side. */
static int lies_below(const char *path, size_t len, int head,
                      const char *dir, int or_self)
{
    size_t n = strlen(dir);
    if (len > n)
        return strncmp(path, dir, n) == 0 && path[n] == '/';
    if (head)
        return strncmp(path, dir, len) == 0;
    return or_self && len == n && memcmp(path, dir, n) == 0;
}

/* 1 when recorded file `e` lies below folder `dir` (or is `dir`, when
 * `or_self`). Matched by its whole path: a long one's term keeps only a
 * head, which sibling folders of long names may share; the file map has
 * the whole path then (gz_file_entry.path), unless the index did not
 * record it (lies_below matches the head). */
static int entry_below(const gz_file_entry *e, const char *dir, int or_self)
{
    if (e->path)
        return lies_below(e->path, strlen(e->path), 0, dir, or_self);
    const char *path = e->term + strlen(GZ_PREFIX_PATH);
    int head = gz_term_is_hashed(e->term);
    size_t len = strlen(path) - (head ? 17 : 0);   /* '#' + 16 digits */
    return lies_below(path, len, head, dir, or_self);
}

/* 1 when recorded file `e` is, or lies below, a path the walk could not
 * read (below_unreadable). */
static int entry_unreadable(const run_state *st, const gz_file_entry *e)
{
    for (size_t i = 0; i < st->nunreadable; i++)
        if (entry_below(e, st->unreadable[i], 1))
            return 1;
    return 0;
}

/* 1 when recorded file `e` was not seen by the walk, or was seen but
 * holds no article now (skipped: emptied, binary, too large...). */
static int left_empty(const gz_file_entry *e)
{
    return e->term && !(e->seen && (!e->gone || e->kept));
}

static int entry_below_mount_gone(const run_state *st,
                                  const gz_file_entry *e);

/* 1 when recorded file `e` is left empty (left_empty) and is not below a
 * path the walk could not read in any corpus directory, nor, in an
 * update, below a mount point gone (check_mounts: kept as such a path's;
 * a --full is not switched in then): its articles are to go, under the
 * removal guards. */
static int vanished(const run_state *st, const gz_file_entry *e)
{
    return left_empty(e) && !entry_unreadable(st, e) &&
           (st->cfg->full || !entry_below_mount_gone(st, e));
}

/* 1 when `relpath` lies below a mount point gone of any root
 * (check_mounts). */
static int below_mount_gone(const run_state *st, const char *relpath)
{
    for (size_t i = 0; i < st->cfg->nroots; i++)
        if (name_above(&st->checks[i].mounts_gone, relpath))
            return 1;
    return 0;
}

/* 1 when recorded file `e` lies below a mount point gone of any root
 * (check_mounts). */
static int entry_below_mount_gone(const run_state *st,
                                  const gz_file_entry *e)
{
    for (size_t i = 0; i < st->cfg->nroots; i++) {
        const gz_names *gone = &st->checks[i].mounts_gone;
        for (const char *g = gz_names_next(gone, NULL); g;
             g = gz_names_next(gone, g))
            if (entry_below(e, g, 0))
                return 1;
    }
    return 0;
}

/* How many mount points are gone below every root (check_mounts); the
 * first one, for a message, in *rel, and its root in *root (both NULL
 * when none is). */
static size_t mounts_gone(const run_state *st, const char **root,
                          const char **rel)
{
    size_t gone = 0;
    *root = *rel = NULL;
    for (size_t i = 0; i < st->cfg->nroots; i++) {
        const gz_names *g = &st->checks[i].mounts_gone;
        for (const char *p = gz_names_next(g, NULL); p;
             p = gz_names_next(g, p), gone++)
            if (!*rel) {
                *rel = p;
                *root = st->cfg->roots[i];
            }
    }
    return gone;
}

/* An update's files below mount points gone that are left empty (would
 * go but for check_mounts), unless nothing goes anyway (no_delete): when
 * there are any, st->mounts_held is set and `line` says what was kept,
 * naming the first such folder; else it is left as it is. */
static void say_mounts_kept(run_state *st, char *line, size_t linelen)
{
    const char *root, *first;
    size_t gone = mounts_gone(st, &root, &first);
    if (!gone || st->cfg->no_delete)
        return;
    uint64_t files = 0, articles = 0;
    for (size_t i = 0; i < st->known.count; i++) {
        const gz_file_entry *e = &st->known.entries[i];
        if (!left_empty(e) || !entry_below_mount_gone(st, e))
            continue;
        files++;
        articles += e->articles;
    }
    if (!files)
        return;
    st->mounts_held = 1;
    gz_mounts_gone_said(root, first, gone, files, articles, 0, line,
                        linelen);
}

/* `first` (when not "") before what `err` says, "; " between them (out
 * of memory: `first` alone). */
static void say_first(const char *first, char *err, size_t errlen)
{
    if (!first[0])
        return;
    char *rest = strdup(err);
    snprintf(err, errlen, "%s%s%s", first, rest && *rest ? "; " : "",
             rest ? rest : "");
    free(rest);
}

/* Delete the articles of every recorded file that the walk did not see
 * (in the shard that holds them). */
static void remove_vanished(run_state *st)
{
    for (size_t i = 0; i < st->known.count && st->status == XAP_OK; i++) {
        gz_file_entry *e = &st->known.entries[i];
        if (!vanished(st, e))
            continue;
        if (stop_requested(st))
            return;
        pipeline_status(st, gz_pipeline_delete(st->pipe, e->shard, e->term));
    }
}

/* The pipeline's report, on this thread: a vanished file's articles are
 * deleted (remove_vanished); counted once done, as a file is. */
static void on_removed(const char *term, void *ctx)
{
    run_state *st = ctx;
    st->stats->removed++;
    changed(st, term + strlen(GZ_PREFIX_PATH), "removed");
}

/* The removal guards said no: every held file keeps its articles (and
 * its recorded stat, so the next run reads it again), counted as
 * skipped. */
static void keep_held(run_state *st)
{
    for (size_t i = 0; i < st->held.n; i++) {
        const kept_file *h = &st->held.v[i];
        char why[256];
        snprintf(why, sizeof why, "the index holds %" PRIu64 " articles "
                 "of it, the file %" PRIu64 " now: not rewritten (removal "
                 "guard), the index keeps them", h->entry->articles, h->now);
        st->stats->scanned++;
        st->stats->skipped++;
        skip(st, h->file.path, why);
        progress(st);
    }
}

/* The removal guards said yes: read every held file again, allowed to
 * lose what it lost when first read (one that lost more by now is kept:
 * on_file_done), and wait until each is done. */
static void rewrite_held(run_state *st)
{
    st->retrying = 1;
    for (size_t i = 0; i < st->held.n && st->status == XAP_OK; i++) {
        const kept_file *h = &st->held.v[i];
        if (stop_requested(st))
            return;
        pipeline_status(st, gz_pipeline_retry(st->pipe, &h->file, h->entry,
                                              h->entry->articles - h->now));
    }
    if (st->status == XAP_OK && !stop_requested(st))
        pipeline_status(st, gz_pipeline_settle(st->pipe));
}

/* How the run's patterns leave out recorded file `e` (or a folder above
 * it): GZ_LEFT_OUT_BY_EXCLUDE when an exclude pattern matches it,
 * GZ_LEFT_OUT_BY_INCLUDE when no include pattern does, else 0 (the walk
 * would have looked for it: not found, it is gone). A hidden path, which
 * no walk enters, is no exclusion; nor is a long path whose term keeps
 * only its head and whose document records no whole path (its name is
 * not known). */
static int left_out_now(const run_state *st, const gz_file_entry *e)
{
    const gz_index_config *cfg = st->cfg;
    const char *rel = e->path ? e->path : e->term + strlen(GZ_PREFIX_PATH);
    if ((!cfg->nexclude && !cfg->ninclude) ||
        (!e->path && gz_term_is_hashed(e->term)) ||
        corpus_walk_reaches(NULL, rel) != 1)
        return 0;
    corpus_walk_options wo = {.exclude = cfg->exclude,
                              .nexclude = cfg->nexclude};
    if (corpus_walk_reaches(&wo, rel) == 0)
        return GZ_LEFT_OUT_BY_EXCLUDE;
    wo.include = cfg->include;
    wo.ninclude = cfg->ninclude;
    return corpus_walk_keeps_file(&wo, rel) == 0 ? GZ_LEFT_OUT_BY_INCLUDE : 0;
}

/* Remove what vanished (and what files now skipped held), and rewrite
 * the files that would lose articles (held), unless that looks like an
 * accident (safety.h): then remove nothing, rewrite none of them, and set
 * st->refused with the reason in err. The file map covers every shard,
 * so the limits are over the whole index. A --full build starts empty:
 * there is nothing to remove. */
static void remove_if_safe(run_state *st, char *err, size_t errlen)
{
    const gz_index_config *cfg = st->cfg;
    if (cfg->full)
        return;
    gz_removal r = {.known = st->known.count,
                    .known_articles = st->known.articles,
                    .held_none = st->held_none};
    if (st->npresent)
        qsort(st->present, st->npresent, sizeof *st->present,
              compare_present);
    for (size_t i = 0; i < st->known.count; i++) {
        const gz_file_entry *e = &st->known.entries[i];
        if (!vanished(st, e))
            continue;
        r.vanished++;
        r.skipped += e->seen;
        r.vanished_articles += e->articles;
        int left_out = e->seen ? 0 : left_out_now(st, e);
        r.excluded += left_out != 0;
        r.left_out_by |= left_out;
        uint64_t back = 0;
        if (!e->seen && still_indexed(st, e, &back)) {
            r.renamed++;
            r.renamed_articles += back;
        }
    }
    if (cfg->no_delete)
        r.vanished = r.vanished_articles = r.renamed = r.renamed_articles =
            r.excluded = 0;
    for (size_t i = 0; i < st->held.n; i++) {
        const kept_file *h = &st->held.v[i];
        uint64_t lost = h->entry->articles - h->now;
        if (!r.example || lost > r.example_old - r.example_now) {
            r.example = h->file.path;
            r.example_old = h->entry->articles;
            r.example_now = h->now;
        }
        r.shrinking++;
        r.shrink_articles += lost;
    }
    char mounts[1024] = "";
    say_mounts_kept(st, mounts, sizeof mounts);
    if (!gz_removal_allowed(st->checks, cfg->nroots, &r,
                            cfg->max_remove_percent, cfg->force, err,
                            errlen)) {
        st->refused = 1;
        say_first(mounts, err, errlen);
        keep_held(st);
        return;
    }
    if (mounts[0])
        snprintf(err, errlen, "%s", mounts);
    rewrite_held(st);
    if (st->status == XAP_OK && !cfg->no_delete)
        remove_vanished(st);
}

static const xap_database *live_index(run_state *st);

/* The relative path that the first document holding path term `term`
 * of `db` records (GZ_SLOT_FILE_PATH), malloc()ed; NULL when it records
 * none or it cannot be read (or memory ran out). */
static char *recorded_path(const xap_database *db, const char *term)
{
    xap_docid id = 0;
    xap_document *doc = NULL;
    const char *v = NULL;
    size_t len = 0;
    char *path = NULL;
    if (xap_database_first_posting(db, term, &id) == XAP_OK &&
        xap_database_get_document(db, id, &doc) == XAP_OK &&
        xap_document_get_value(doc, GZ_SLOT_FILE_PATH, &v, &len) == XAP_OK &&
        len)
        path = strndup(v, len);
    xap_document_free(doc);
    return path;
}

/* What files_below counts in the live index: below folder `rel`. */
typedef struct below_count {
    const xap_database *live;
    const char *rel;
    uint64_t files;
} below_count;

/* Count path term `term` of the live index (xap_database_each_term) when
 * its file lies below c->rel: a hashed term by the whole path its
 * document records, else (none recorded) by its head, on the safe side
 * (lies_below). */
static int count_below(const char *term, size_t len, uint32_t freq,
                       void *ctx)
{
    (void)freq;
    below_count *c = ctx;
    size_t plen = strlen(GZ_PREFIX_PATH);
    int head = gz_term_is_hashed(term);
    char *whole = head ? recorded_path(c->live, term) : NULL;
    if (whole)
        c->files += lies_below(whole, strlen(whole), 0, c->rel, 0);
    else
        c->files += lies_below(term + plen, len - plen - (head ? 17 : 0),
                               head, c->rel, 0);
    free(whole);
    return 0;
}

/* files_below's answer when the live index of a --full failed (status
 * `s`) to give the files below a mount point gone: damaged, at least one
 * (`counted` so far, or 1), the reason kept for the refusal
 * (rebuild_mounts_allowed); counting none switched the rebuild in
 * without the disk's articles. A dry run's walk overtaken by a writer's
 * commits (it holds no lock) is at least one too, on the safe side,
 * unsaid: not damage. Any other failure is the run's. */
static uint64_t files_uncounted(run_state *st, xap_status s,
                                uint64_t counted)
{
    int damaged = gz_is_damage(s, xap_last_error());
    if (!damaged && s != XAP_ERR_DB_MODIFIED) {
        st->status = s;
        return counted;
    }
    if (damaged && !st->mounts_uncounted[0])
        snprintf(st->mounts_uncounted, sizeof st->mounts_uncounted, "%s",
                 xap_last_error());
    return counted ? counted : 1;
}

/* How many files the index holds below folder `rel` (relative to a
 * root): of the file map in an update, those the walk did not see (a
 * disk's files copied into a plain folder where it was mounted are no
 * loss); of the live index's path terms for a --full (none when it does
 * not open; what a damaged one does not give is left out, as count_lost
 * leaves it). A long path's term keeps only its head (gz_make_term),
 * which the files of a sibling folder of a long name may share: they are
 * told apart by the whole path the index records (entry_below,
 * count_below). */
static uint64_t files_below(run_state *st, const char *rel)
{
    if (!st->cfg->full) {
        uint64_t files = 0;
        for (size_t i = 0; i < st->known.count; i++) {
            const gz_file_entry *e = &st->known.entries[i];
            files += e->term && !e->seen && entry_below(e, rel, 0);
        }
        return files;
    }
    /* the terms of the paths below it start with this much of it */
    size_t plen = strlen(GZ_PREFIX_PATH), n = strlen(rel);
    size_t room = GZ_MAX_TERM_BYTES - plen - 17 - 3;
    char prefix[GZ_TERM_BUF + 1];
    if (n + 1 <= room) {
        snprintf(prefix, sizeof prefix, "%s%s/", GZ_PREFIX_PATH, rel);
    } else {
        while (room > 0 && ((unsigned char)rel[room] & 0xC0) == 0x80)
            room--;
        snprintf(prefix, sizeof prefix, "%s%.*s", GZ_PREFIX_PATH, (int)room,
                 rel);
    }
    below_count c = {.live = live_index(st), .rel = rel};
    xap_status s = c.live ? xap_database_each_term(c.live, prefix,
                                                   count_below, &c)
                          : XAP_OK;
    return s == XAP_OK ? c.files : files_uncounted(st, s, c.files);
}

/* 1 when `rel` is, or lies below, a symlink leaving root `c` that its
 * walk left out (on_walk_excluded). */
static int below_link_out(const gz_root_check *c, const char *rel)
{
    for (const char *l = gz_names_next(&c->links_out, NULL); l;
         l = gz_names_next(&c->links_out, l)) {
        size_t n = strlen(l);
        if (strncmp(rel, l, n) == 0 && (rel[n] == '\0' || rel[n] == '/'))
            return 1;
    }
    return 0;
}

/* After the walk of root `i`: each mount point recorded below it that
 * the walk did not enter as one, though it would enter it (not hidden
 * nor excluded now, nor a symlink leaving the root that it left out: a
 * folder left out on purpose takes its files with it), is unmounted or
 * gone, while the index holds files below it.
 * Unless the run is forced, they keep their articles: an update takes
 * the folder for one it could not read (vanished; said by
 * say_mounts_kept), a --full is not switched in (check_rebuild); either
 * way it is recorded again (mounts_gone). One below a path the walk
 * could not read may still be mounted, and one below a mount point gone
 * goes with it (recorded in order, a folder first: gz_roots_inspect):
 * recorded again, nothing said. */
static void check_mounts(run_state *st, size_t i)
{
    gz_root_check *c = &st->checks[i];
    corpus_walk_options wo = {.exclude = st->cfg->exclude,
                              .nexclude = st->cfg->nexclude};
    const gz_names *was = &c->mounts_was;
    for (const char *rel = gz_names_next(was, NULL);
         rel && st->status == XAP_OK; rel = gz_names_next(was, rel)) {
        if (gz_names_has(&c->mounts_now, rel) ||
            corpus_walk_reaches(&wo, rel) == 0 || below_link_out(c, rel))
            continue;
        if (below_unreadable(st, rel) || below_mount_gone(st, rel)) {
            if (gz_names_add(&c->mounts_now, rel) != 0)
                st->status = XAP_ERR_NOMEM;
            continue;
        }
        uint64_t files = st->cfg->force ? 0 : files_below(st, rel);
        if (!files)
            continue;   /* forced, or nothing to keep: forgotten */
        st->mount_files += files;
        if (gz_names_add(&c->mounts_gone, rel) != 0)
            st->status = XAP_ERR_NOMEM;
    }
}

/* Walk root `i`: count its files; a root that cannot be opened is
 * recorded as unreadable (nothing of it is removed), except when out of
 * memory or descriptors, which stop the run as an I/O failure. */
static void walk_root(run_state *st, size_t i, char *err, size_t errlen)
{
    gz_root_check *c = &st->checks[i];
    uint64_t before = st->walked;
    const gz_index_config *cfg = st->cfg;
    st->root = cfg->roots[i];
    st->root_no = i;
    st->unreadable_of_earlier_roots = st->nunreadable;
    corpus_walk_options wo = {
        .include = cfg->include, .ninclude = cfg->ninclude,
        .exclude = cfg->exclude, .nexclude = cfg->nexclude,
        .on_ignored = on_walk_ignored,
        .follow_outside_symlinks = cfg->follow_symlinks,
        .on_excluded = on_walk_excluded, .left_out = &c->left_out,
        .on_mount = on_walk_mount};
    int rc = corpus_walk_with(st->root, &wo, on_file, on_walk_warning, st);
    c->files = st->walked - before;
    if (rc == 0 && st->status == XAP_OK)
        check_mounts(st, i);
    if (rc != -1)
        return;
    int e = errno;
    if (e == ENOMEM || e == EMFILE || e == ENFILE) {
        snprintf(err, errlen, "corpus %s: %s", st->root, strerror(e));
        st->status = e == ENOMEM ? XAP_ERR_NOMEM : XAP_ERR_DB;
        return;
    }
    c->unreadable = 1;
    c->walk_errno = e;
}

/* The paths recorded below a root's mount points that a later root holds
 * too (took_was) and that this run could not meet (below a mount point
 * gone, or a path it could not read) are recorded again (took_now): the
 * ids stay the disk's until it is back. On running out of memory the run
 * fails. */
static void keep_took(run_state *st)
{
    for (size_t i = 0; i < st->cfg->nroots && st->status == XAP_OK; i++) {
        gz_root_check *c = &st->checks[i];
        for (const char *p = gz_names_next(&c->took_was, NULL);
             p && st->status == XAP_OK; p = gz_names_next(&c->took_was, p))
            if ((name_above(&c->mounts_gone, p) || below_unreadable(st, p)) &&
                gz_names_add(&c->took_now, p) != 0)
                st->status = XAP_ERR_NOMEM;
    }
}

/* What goes into the first shard (where Xapian reads metadata and finds
 * synonyms for all of them) once the articles are committed: the roots'
 * devices, synonyms, entity aliases; then its commit. */
static xap_status write_index_extras(run_state *st)
{
    const gz_index_config *cfg = st->cfg;
    xap_writable *db = st->nshards && !cfg->dry_run ? st->shards[0] : NULL;
    if (!db || st->stopped)
        return XAP_OK;
    keep_took(st);
    xap_status s = st->status;
    if (s == XAP_OK)
        s = gz_roots_record(db, st->checks, cfg->nroots, !st->refused);
    if (s == XAP_OK && cfg->synonyms)
        s = gz_synonyms_write(db, cfg->synonyms, st->language);
    if (s == XAP_OK && cfg->entity_aliases)
        s = gz_entity_aliases_write(db, cfg->entity_aliases);
    if (s == XAP_OK)
        s = xap_writable_commit(db);
    return s;
}

/* 1 when a shard of the build holds an article under `term`; *status
 * (XAP_OK on entry) gets a failure to ask. */
static int build_holds(const run_state *st, const char *term,
                       xap_status *status)
{
    uint32_t here = 0;
    for (size_t i = 0; *status == XAP_OK && i < st->nshards && !here; i++)
        *status = xap_database_termfreq(st->views[i], term, &here);
    return here != 0;
}

/* 1 when path term `term` of the live index `live` is that of a path the
 * walk could not read, or of a path below one. The term of a long path
 * keeps only its head (gz_make_term), which the files of a sibling folder
 * of a long name may share: such a file is matched by the whole path its
 * document records (GZ_SLOT_FILE_PATH); by its head, on the safe side,
 * in an index that records none (lies_below). */
static int term_unreadable(const run_state *st, const xap_database *live,
                           const char *term)
{
    const char *rel = term + strlen(GZ_PREFIX_PATH);
    if (!st->nunreadable || !gz_term_is_hashed(term))
        return below_unreadable(st, rel);
    char *whole = recorded_path(live, term);
    int found = 0;
    for (size_t i = 0; i < st->nunreadable && !found; i++)
        found = whole ? lies_below(whole, strlen(whole), 0,
                                   st->unreadable[i], 1)
                      : lies_below(rel, strlen(rel) - 17, 1,
                                   st->unreadable[i], 1);
    free(whole);
    return found;
}

/* Whether the live index `live` was written as the build is: the same
 * format and language, every article with its facet lists. Its documents
 * can then be copied into the build as they are; else they would hold
 * another language's stems or lack what the format now stores. One
 * written before CJK n-grams is alike: its copied articles keep any CJK
 * text as whole runs until their file is read again, which is better
 * than losing every article of a file the rebuild could not read (an
 * English index would have lost them at its first --full).
 * 0 when alike; else 1, and why[size] says what was found, as a phrase
 * following "the index it replaces": a record that differs, one it lacks
 * (written by a version before the record; Xapian reads a missing key as
 * ""), or one that could not be read (damage, or an I/O error: not told
 * apart here). */
static int live_unlike(const xap_database *live, const char *language,
                       char *why, size_t size)
{
    static const char *const keys[] = {GZ_META_FORMAT, GZ_META_LIST_SLOTS};
    static const char *const records[] = {"index format",
                                          "record of its facet lists"};
    const char *want[] = {GZ_FORMAT_VERSION, "1"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        char *value = NULL;
        xap_status s = xap_database_get_metadata(live, keys[i], &value, NULL);
        int differs = s == XAP_OK && strcmp(value, want[i]) != 0;
        if (s != XAP_OK)
            snprintf(why, size, "could not be read (its %s: %s)", records[i],
                     xap_last_error());
        else if (differs && !value[0])   /* written before the record */
            snprintf(why, size, "has no %s, which this rebuild writes "
                     "('%s')", records[i], want[i]);
        else if (differs)
            snprintf(why, size, "has %s '%.40s', where this rebuild writes "
                     "'%s'", records[i], value, want[i]);
        free(value);
        if (s != XAP_OK || differs)
            return 1;
    }
    /* The language by its name ("en" recorded is "english"). */
    char *stored = NULL;
    xap_status s = gz_index_language(live, &stored);
    int differs = s == XAP_OK && strcmp(stored, language) != 0;
    if (s != XAP_OK)
        snprintf(why, size, "could not be read (its language: %s)",
                 xap_last_error());
    else if (differs)
        snprintf(why, size, "was written in the language '%.40s', where "
                 "this rebuild writes '%s'", stored, language);
    free(stored);
    return s != XAP_OK || differs;
}

/* 1 when the live index `live` was written as the build is (live_unlike). */
static int live_written_alike(const xap_database *live, const char *language)
{
    char why[1024];
    return !live_unlike(live, language, why, sizeof why);
}

/* Context of carry_path and carry_api_document: the build, the live
 * index. */
typedef struct carry_ctx {
    run_state *st;
    const xap_database *live;
    xap_writable *to;          /* the build's shard it goes in */
    gz_spelling words;         /* the spelling words of what was copied */
    unsigned char *on_file;    /* bit per live docid: a file's article */
    xap_docid last;            /* the live index's last docid */
    gz_analyzer *analyzer;     /* analyses articles of no file again */
    char tag_sep;              /* between stored tags (format 1: ',') */
    uint64_t on_files;         /* live documents with a path term */
    /* what is done with each live article of no file */
    int (*on_api)(struct carry_ctx *c, xap_docid id);
    size_t watch_cap;          /* room in st->watch.hashes */
    int writing;               /* a failure now is the build's, not the
                                  live index's (live_read_failed) */
    uint64_t kept_files;       /* unreadable files whose articles were */
    uint64_t kept_articles;    /*   copied (carry_path), and how many */
    xap_status status;
} carry_ctx;

/* Copy document `id` of the live index into c->to (1, stopping the
 * copy, when a stop was requested), counting its spelling
 * words (its unprefixed terms, as the shard writers count an article's:
 * spelling.h). */
static int carry_document(xap_docid id, void *ctx)
{
    carry_ctx *c = ctx;
    if (stop_requested(c->st))   /* a file of a million articles */
        return 1;
    xap_document *doc = NULL;
    c->status = xap_database_get_document(c->live, id, &doc);
    c->writing = c->status == XAP_OK;
    if (c->status == XAP_OK)
        c->status = xap_writable_add_document(c->to, doc, NULL);
    if (c->status == XAP_OK)
        c->status = gz_spelling_add_document(&c->words, doc);
    c->writing = c->status != XAP_OK;
    xap_document_free(doc);
    return c->status != XAP_OK;
}

/* A path term of the live index: when the path is one the build could
 * not read (a file, or below a directory) and the build holds nothing of
 * it, its documents are copied into the build as they are (their
 * recorded stat and hash too, as an update keeps them); a dry run counts
 * them, unless it read articles of the path from another root (one
 * root's directory unreadable, another's file of a path below it read:
 * the build holds it). A stop request ends the copying before the next
 * path (1). */
static int carry_path(const char *term, size_t len, uint32_t freq, void *ctx)
{
    (void)len;
    carry_ctx *c = ctx;
    run_state *st = c->st;
    const char *relpath = term + strlen(GZ_PREFIX_PATH);
    if (stop_requested(st))
        return 1;
    if (!term_unreadable(st, c->live, term))
        return 0;
    if (st->cfg->dry_run) {
        if (!given(st, term)) {
            st->article_total += freq;
            c->kept_files++;
            c->kept_articles += freq;
        }
        return 0;
    }
    if (build_holds(st, term, &c->status) || c->status != XAP_OK)
        return c->status != XAP_OK;
    c->to = st->shards[gz_shard_of(relpath, st->nshards)];
    xap_status s = xap_database_each_posting(c->live, term, carry_document,
                                             c);
    if (c->status == XAP_OK)
        c->status = s;
    if (c->status == XAP_OK) {
        c->kept_files++;
        c->kept_articles += freq;
    }
    return c->status != XAP_OK;
}

/* Commit every shard of the build, which now holds the copied articles,
 * then add their spelling words (`words`) to the first shard's spelling
 * table, committed with it by write_index_extras: a word counted once goes
 * in when another article of the build has it too, as the shard writers
 * decide (gz_spelling_flush_last, asking the other shards as committed). */
static xap_status commit_carried(run_state *st, const gz_spelling *words)
{
    xap_status s = XAP_OK;
    for (size_t i = 0; s == XAP_OK && i < st->nshards; i++)
        s = xap_writable_commit(st->shards[i]);
    if (s == XAP_OK && st->nshards)
        s = gz_spelling_flush_last(words, st->shards[0], NULL, 0,
                                   (const char *const *)st->where.paths + 1,
                                   st->nshards - 1);
    return s;
}

/* Mark live document `id` as a file's (c->on_file). */
static int mark_file_document(xap_docid id, void *ctx)
{
    carry_ctx *c = ctx;
    if (id <= c->last)
        c->on_file[id / 8] |= (unsigned char)(1u << (id % 8));
    return 0;
}

/* Mark the live documents of the path term `term` as a file's. */
static int mark_file_documents(const char *term, size_t len, uint32_t freq,
                               void *ctx)
{
    (void)len;
    (void)freq;
    carry_ctx *c = ctx;
    c->status = xap_database_each_posting(c->live, term, mark_file_document,
                                          c);
    return c->status != XAP_OK;
}

/* The items of the stored list `list` (tags=a<US>b, a field of our copy
 * of document data), cut in place at each `sep`, in a new array (*n of
 * them; NULL when out of memory). An empty item (another writer's) is
 * none, as a hit reads the list: a list of empty names stood for the
 * byline's name and lost its author facet term. */
static const char **cut_list(char *list, char sep, size_t *n)
{
    size_t most = 1;
    for (const char *t = list; *t; t++)
        most += *t == sep;
    const char **items = malloc(most * sizeof *items);
    *n = 0;
    for (char *t = list; items && t;) {
        char *end = strchr(t, sep);
        if (end)
            *end = '\0';
        if (*t)
            items[(*n)++] = t;
        t = end ? end + 1 : NULL;
    }
    return items;
}

/* The article of no file stored in `doc` (`data`, a writable copy of its
 * data, holds the strings) analysed into *out as gazette_writer_put
 * analysed it, with the build's language and format; `id_term` gets its
 * id term. */
static xap_status analyse_api_article(carry_ctx *c, char *data, size_t len,
                                      xap_document **out, char *id_term)
{
    gz_docdata d;
    gz_docdata_decode(data, len, &d);
    size_t ntags = 0, nauthors = 0;
    const char **tags = cut_list((char *)d.tags, c->tag_sep, &ntags);
    const char **authors = cut_list((char *)d.authors, GZ_LIST_SEP,
                                    &nauthors);
    xap_status s = tags && authors ? XAP_OK : XAP_ERR_NOMEM;
    corpus_article art = {
        .id = d.id, .title = d.title, .body = d.body,
        .body_len = d.body_len,
        /* as given: a date that did not parse is kept as written, and
         * the path's date taken again */
        .date = *d.date_text ? d.date_text : *d.date ? d.date : NULL,
        .author = *d.author ? d.author : NULL, .authors = authors,
        .nauthors = nauthors, .source = *d.source ? d.source : NULL,
        .url = *d.url ? d.url : NULL, .tags = tags, .ntags = ntags};
    corpus_file file = {.root = NULL, .path = d.id, .relpath = d.id};
    if (s == XAP_OK)
        s = gz_analyze_article(c->analyzer, &file, &art, out, id_term);
    free(tags);
    free(authors);
    return s;
}

/* The id term of the live index's article of no file `id`, into
 * `id_term` (GZ_TERM_BUF bytes), as analyse_api_article makes it. */
static xap_status api_id_term(carry_ctx *c, xap_docid id, char *id_term)
{
    xap_document *doc = NULL;
    const char *data = NULL;
    size_t len = 0;
    char *copy = NULL;
    xap_status s = xap_database_get_document(c->live, id, &doc);
    if (s == XAP_OK)
        s = xap_document_get_data(doc, &data, &len);
    if (s == XAP_OK && !(copy = malloc(len + 1)))
        s = XAP_ERR_NOMEM;
    if (s == XAP_OK) {
        memcpy(copy, data, len);
        copy[len] = '\0';
        gz_docdata d;
        gz_docdata_decode(copy, len, &d);
        gz_make_term(GZ_PREFIX_ID, d.id, id_term, GZ_TERM_BUF);
    }
    free(copy);
    xap_document_free(doc);
    return s;
}

/* A --full dry run's live article of no file `id`: counted as the real
 * run carries it (carry_api_document), unless a file the run read gives
 * its id (the file's article replaces it: st->watch, marked by the
 * pipeline) or an article of its id was counted already. One written
 * since the run started (not watched) is counted. */
static int count_api_document(carry_ctx *c, xap_docid id)
{
    run_state *st = c->st;
    char id_term[GZ_TERM_BUF];
    c->status = api_id_term(c, id, id_term);
    if (c->status != XAP_OK)
        return 1;
    long at = gz_id_watch_find(&st->watch, id_term);
    if (at >= 0 && st->watch.mark[at])
        return 0;
    if (at >= 0)
        st->watch.mark[at] = ID_COUNTED;
    st->article_total++;
    return 0;
}

/* A --full dry run, before its walk: the hash of the id term of the live
 * article of no file `id` goes into st->watch (sorted later:
 * watch_api_articles). */
static int watch_api_document(carry_ctx *c, xap_docid id)
{
    gz_id_watch *w = &c->st->watch;
    char id_term[GZ_TERM_BUF];
    c->status = api_id_term(c, id, id_term);
    if (c->status == XAP_OK && w->n == c->watch_cap) {
        size_t cap = c->watch_cap ? c->watch_cap * 2 : 16;
        uint64_t *hashes = realloc(w->hashes, cap * sizeof *hashes);
        if (hashes) {
            w->hashes = hashes;
            c->watch_cap = cap;
        } else {
            c->status = XAP_ERR_NOMEM;
        }
    }
    if (c->status == XAP_OK)
        w->hashes[w->n++] = gz_id_watch_hash(id_term);
    return c->status != XAP_OK;
}

/* A document of the live index: an article of no file goes to
 * c->on_api, not one of a file. A stop request ends the walk (1). */
static int api_document(xap_docid id, void *ctx)
{
    carry_ctx *c = ctx;
    if (id <= c->last && (c->on_file[id / 8] >> (id % 8) & 1))
        return 0;
    if (stop_requested(c->st))
        return 1;
    return c->on_api(c, id);
}

/* An article of no file of the live index (written through
 * gazette_writer_put: no path term, so no rebuild from the corpus can
 * make it again) is analysed again from its stored fields into the
 * build's shard of its id, as the writer would write it there, unless
 * the build holds an article with its id (a file's, which wins, as a
 * later update would write it over). A dry run counts it the same way
 * (count_api_document). */
static int carry_api_document(carry_ctx *c, xap_docid id)
{
    run_state *st = c->st;
    xap_document *old = NULL, *doc = NULL;
    const char *data = NULL;
    size_t len = 0;
    char *copy = NULL, id_term[GZ_TERM_BUF];
    c->status = xap_database_get_document(c->live, id, &old);
    if (c->status == XAP_OK)
        c->status = xap_document_get_data(old, &data, &len);
    if (c->status == XAP_OK && !(copy = malloc(len + 1)))
        c->status = XAP_ERR_NOMEM;
    if (c->status == XAP_OK) {
        memcpy(copy, data, len);
        copy[len] = '\0';
        c->status = analyse_api_article(c, copy, len, &doc, id_term);
    }
    c->writing = c->status == XAP_OK;
    if (c->status == XAP_OK && !build_holds(st, id_term, &c->status) &&
        c->status == XAP_OK) {
        const char *art_id = id_term + strlen(GZ_PREFIX_ID);
        c->to = st->shards[gz_shard_of(art_id, st->nshards)];
        c->status = xap_writable_add_document(c->to, doc, NULL);
        if (c->status == XAP_OK)
            c->status = gz_spelling_add_document(&c->words, doc);
    }
    c->writing = c->writing && c->status != XAP_OK;
    xap_document_free(doc);
    xap_document_free(old);
    free(copy);
    return c->status != XAP_OK;
}

/* Count the live documents of the path term (each has one). */
static int count_file_documents(const char *term, size_t len, uint32_t freq,
                                void *ctx)
{
    (void)term;
    (void)len;
    ((carry_ctx *)ctx)->on_files += freq;
    return 0;
}

/* 1 when every document of the live index is a file's (nothing to keep
 * here, and no need to look at each), else 0; *s on failure. */
static int only_files(carry_ctx *c, xap_status *s)
{
    uint32_t docs = 0;
    c->on_files = 0;
    *s = xap_database_doc_count(c->live, &docs);
    if (*s == XAP_OK)
        *s = xap_database_each_term(c->live, GZ_PREFIX_PATH,
                                    count_file_documents, c);
    return *s == XAP_OK && c->on_files >= docs;
}

/* c->on_api for every article of no file of the live index (every
 * document without a path term). */
static xap_status each_api_document(carry_ctx *c)
{
    xap_status s = xap_database_last_docid(c->live, &c->last);
    if (s == XAP_OK && !(c->on_file = calloc(c->last / 8 + 1, 1)))
        s = XAP_ERR_NOMEM;
    if (s == XAP_OK)
        s = xap_database_each_term(c->live, GZ_PREFIX_PATH,
                                   mark_file_documents, c);
    if (s == XAP_OK && c->status == XAP_OK)
        s = xap_database_each_posting(c->live, "", api_document, c);
    free(c->on_file);
    c->on_file = NULL;
    return s == XAP_OK ? c->status : s;
}

/* A --full build keeps the articles of the live index that no file holds
 * (carry_api_document); a dry run counts them (count_api_document). Tags
 * were joined by commas in format 1. */
static xap_status carry_api_articles(carry_ctx *c)
{
    run_state *st = c->st;
    xap_status s = XAP_OK;
    if (only_files(c, &s) || s != XAP_OK)
        return s;
    c->on_api = st->cfg->dry_run ? count_api_document : carry_api_document;
    char *format = NULL;
    s = xap_database_get_metadata(c->live, GZ_META_FORMAT, &format, NULL);
    c->tag_sep = s == XAP_OK && strcmp(format, "1") == 0 ? ',' : GZ_LIST_SEP;
    free(format);
    if (s == XAP_OK && !st->cfg->dry_run)
        s = gz_analyzer_new(st->language, st->cjk_ngrams, &c->analyzer);
    if (s == XAP_OK && c->analyzer)
        gz_analyzer_use_lexicon_of(c->analyzer, st->shards[0]);
    if (s == XAP_OK)
        s = each_api_document(c);
    gz_analyzer_free(c->analyzer);
    c->analyzer = NULL;
    return s;
}

static int compare_hashes(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static void free_watch(gz_id_watch *w)
{
    free(w->hashes);
    free(w->mark);
    memset(w, 0, sizeof *w);
}

/* 1 when `s`, the failure of a read of the live index, says it is
 * damaged (what a --full is run to mend). */
static int says_damage(xap_status s)
{
    return s == XAP_ERR_DB_CORRUPT || s == XAP_ERR_DB ||
           s == XAP_ERR_DOC_NOT_FOUND;
}

/* One walk of watch_api_articles: the ids into st->watch, sorted, each
 * once. */
static xap_status watch_once(run_state *st)
{
    gz_id_watch *w = &st->watch;
    carry_ctx c = {.st = st, .live = st->live, .status = XAP_OK,
                   .on_api = watch_api_document};
    xap_status s = XAP_OK;
    if (!only_files(&c, &s) && s == XAP_OK)
        s = each_api_document(&c);
    if (s != XAP_OK || !w->n)
        return s;
    qsort(w->hashes, w->n, sizeof *w->hashes, compare_hashes);
    size_t kept = 1;
    for (size_t i = 1; i < w->n; i++)
        if (w->hashes[i] != w->hashes[kept - 1])
            w->hashes[kept++] = w->hashes[i];
    w->n = kept;
    return (w->mark = calloc(w->n, 1)) ? XAP_OK : XAP_ERR_NOMEM;
}

/* A --full dry run, before it reads the corpus: the ids of the live
 * index's articles of no file, for the pipeline to mark those a file
 * gives (st->watch), so that the dry run counts carried (and the removal
 * guards weigh) only the articles the real run carries. Walked again
 * from the latest revision when a writer's commits overtook the walk (no
 * lock is held). A damaged live index leaves the watch empty: the dry
 * run goes on as the real run does, whose carry (carry_from_live, the
 * dry run's too) warns that the articles not read are not kept. */
static xap_status watch_api_articles(run_state *st, char *err, size_t errlen)
{
    xap_status s = XAP_OK;
    if (!st->cfg->dry_run || !st->cfg->full || !st->live)
        return s;
    gz_tries walks;
    gz_tries_start_made(&walks);
    for (;;) {
        free_watch(&st->watch);
        if ((s = watch_once(st)) != XAP_ERR_DB_MODIFIED ||
            !gz_tries_more(&walks, 1))
            break;
        (void)xap_database_reopen(st->live, NULL);
    }
    if (says_damage(s)) {
        free_watch(&st->watch);
        return XAP_OK;
    }
    if (s != XAP_OK) {
        free_watch(&st->watch);
        snprintf(err, errlen, "%s: reading the articles written through "
                 "the writer API: %s", st->cfg->db_path, xap_last_error());
    }
    return s;
}

/* The live index of a --full run (st->live, NULL when it did not open)
 * at its latest revision: a dry run holds no lock, so another writer may
 * have committed since the run opened it (under a real run's locks
 * nothing has: a no-op). */
static const xap_database *live_index(run_state *st)
{
    if (st->live)
        (void)xap_database_reopen(st->live, NULL);
    return st->live;
}

/* Say how many articles of files it could not read the build copied
 * from the live index (carry_path counted them): the summary counts only
 * what was read, and without this line an index holding more articles
 * than the run added looked like a miscount. */
static void say_kept_unreadable(const carry_ctx *c)
{
    const gz_index_config *cfg = c->st->cfg;
    if (!c->kept_files || !cfg->on_warning)
        return;
    char what[256];
    snprintf(what, sizeof what, "%s the %" PRIu64 " article%s of %" PRIu64
             " file%s this rebuild could not read, as the index it "
             "replaces holds them", cfg->dry_run ? "would keep" : "kept",
             c->kept_articles, c->kept_articles == 1 ? "" : "s",
             c->kept_files, c->kept_files == 1 ? "" : "s");
    cfg->on_warning(cfg->db_path, what, cfg->ctx);
}

/* After carry_path copied articles (as they were) from a live index that
 * does not record entity head terms (GZ_META_ENTITY_HEADS, schema.h):
 * the build, which write_metadata marked as having them, no longer has
 * them in every article, and loses the mark in every shard, so that
 * entity: over it still warns as over the index it replaces (it said
 * nothing, and entity:BBC missed the copied articles that write only
 * "BBC News"). */
static xap_status unrecord_entity_heads(carry_ctx *c)
{
    run_state *st = c->st;
    if (st->cfg->dry_run || !c->kept_articles)
        return XAP_OK;
    char *value = NULL;
    size_t len = 0;
    /* a live index that cannot say counts as without */
    int has = xap_database_get_metadata(c->live, GZ_META_ENTITY_HEADS,
                                        &value, &len) == XAP_OK &&
              len == 1 && value[0] == '1';
    free(value);
    xap_status s = XAP_OK;
    for (size_t i = 0; s == XAP_OK && !has && i < st->nshards; i++)
        s = xap_writable_set_metadata(st->shards[i], GZ_META_ENTITY_HEADS,
                                      "", 0);
    c->writing = s != XAP_OK;   /* the build's failure (live_read_failed) */
    return s;
}

/* What the live index holds of the files a --full build could not read
 * (and of the paths below directories it could not read), copied as they
 * are, as an update keeps them; not when the live index was written
 * otherwise (a warning says so). */
static xap_status carry_unreadable(carry_ctx *c)
{
    const gz_index_config *cfg = c->st->cfg;
    if (!c->st->nunreadable)
        return XAP_OK;
    char unlike[1024], why[1200];
    if (live_unlike(c->live, c->st->language, unlike, sizeof unlike)) {
        snprintf(why, sizeof why, "the articles of the files this rebuild "
                 "could not read are not kept: they are copied only from an "
                 "index written as the rebuild is, and the index it replaces "
                 "%s", unlike);
        if (cfg->on_warning)
            cfg->on_warning(cfg->db_path, why, cfg->ctx);
        return XAP_OK;
    }
    xap_status s = xap_database_each_term(c->live, GZ_PREFIX_PATH,
                                          carry_path, c);
    if (s == XAP_OK && c->status == XAP_OK)
        s = unrecord_entity_heads(c);
    return c->status != XAP_OK ? c->status : s;
}

/* 1 when `s`, the failure of a carry step `c`, came from reading the
 * live index and says it is damaged (not from writing the build: a full
 * disk stays a failure). A rebuild is how a damaged index is mended, so
 * that must not stop it. */
static int live_read_failed(const carry_ctx *c, xap_status s)
{
    return !c->writing && says_damage(s);
}

/* Say that `what` (the live index's articles no file gives again) could
 * not all be read from the damaged live index, so that those not read
 * are not kept; returns XAP_OK, c->status reset: the rebuild goes on
 * with what it read, and the next carry step is tried. Before, the
 * --full that a damaged index's 65 advises failed on it. */
static xap_status warn_live_damaged(carry_ctx *c, const char *what)
{
    const gz_index_config *cfg = c->st->cfg;
    char why[1024];
    snprintf(why, sizeof why, "the index being replaced is damaged (%s): "
             "%s could not all be read from it, and those not read are "
             "not kept", xap_last_error(), what);
    if (cfg->on_warning)
        cfg->on_warning(cfg->db_path, why, cfg->ctx);
    c->status = XAP_OK;
    return XAP_OK;
}

/* A --full build keeps what the live index holds that no reading of the
 * corpus can give again: the articles of files it could not read
 * (carry_unreadable) and the articles of no file (carry_api_articles),
 * then commits. A live index that does not open has nothing to give. A
 * stop requested before the commit stops the run (st->stopped): nothing
 * is committed, the build is not switched in. */
static xap_status carry_from_live(run_state *st, char *err, size_t errlen)
{
    const gz_index_config *cfg = st->cfg;
    const xap_database *live = NULL;
    if (!cfg->full || (!cfg->dry_run && !st->nshards) ||
        !(live = live_index(st)))
        return XAP_OK;
    uint64_t read = st->article_total;
    carry_ctx c;
    const char *what;
    xap_status s;
    gz_tries walks;
    gz_tries_start_made(&walks);
    for (;;) {
        c = (carry_ctx){.st = st, .live = live, .status = XAP_OK};
        what = "the articles of the files it could not read";
        s = carry_unreadable(&c);
        if (live_read_failed(&c, s))
            s = warn_live_damaged(&c, what);
        if (s == XAP_OK && !stop_requested(st)) {
            what = "the articles written through the writer API";
            s = carry_api_articles(&c);
            if (live_read_failed(&c, s))
                s = warn_live_damaged(&c, what);
        }
        /* A dry run holds no lock: a writer's commits may overtake its
         * walk, counted again from the latest revision (a real run's
         * locks keep its live index as it is). */
        if (s != XAP_ERR_DB_MODIFIED || !cfg->dry_run ||
            !gz_tries_more(&walks, 1))
            break;
        st->article_total = read;
        for (size_t i = 0; i < st->watch.n; i++)
            if (st->watch.mark[i] == ID_COUNTED)
                st->watch.mark[i] = 0;
        live = live_index(st);
    }
    /* Stopped: the build is not switched in, so nothing more is written. */
    if (s == XAP_OK && !cfg->dry_run && !stop_requested(st))
        s = commit_carried(st, &c.words);
    /* once: not again for each walk of a dry run, nor before the copy
     * is committed */
    if (s == XAP_OK && !stop_requested(st))
        say_kept_unreadable(&c);
    gz_spelling_free(&c.words);
    if (s != XAP_OK)
        snprintf(err, errlen, "%s: keeping %s: %s", cfg->db_path, what,
                 xap_last_error());
    return s;
}

/* The counts say what was committed: the files of a last batch that a
 * failure (a full disk) kept from its commit were reported as added,
 * updated or removed, but are not in the index; they are taken out of
 * the counts again (the next run does them). */
static void uncount_uncommitted(run_state *st)
{
    gz_pipeline_tally lost;
    gz_pipeline_uncommitted(st->pipe, &lost);
    gz_index_stats *s = st->stats;
    s->added -= lost.added;
    s->updated -= lost.updated;
    s->scanned -= lost.added + lost.updated;
    s->removed -= lost.removed;
}

/* Walk every root, then remove what vanished and rewrite the files that
 * would lose articles (when safe), and let the pipeline finish and commit
 * every shard. Vanished files are only looked for after a complete walk,
 * and once every file handed over is done (a file now skipped may have
 * articles to go, a changed one may have been held for losing some:
 * gz_pipeline_settle). A stop requested at any moment up to the last
 * commit stops the run (st->stopped): the files still queued when it
 * came were dropped by the pipeline, so a walk that had ended is no
 * complete run (a --full build must not be switched in, nor measured
 * against --max-remove; held files are left as they were). */
static xap_status index_roots(run_state *st, char *err, size_t errlen)
{
    const gz_index_config *cfg = st->cfg;
    for (size_t i = 0; i < cfg->nroots && st->status == XAP_OK; i++) {
        walk_root(st, i, err, errlen);
        if (st->stopped)
            break;
    }
    if (st->status == XAP_OK && !st->stopped)
        visit_deferred(st);
    if (st->status == XAP_OK && !stop_requested(st))
        pipeline_status(st, gz_pipeline_settle(st->pipe));
    if (st->status == XAP_OK && st->held_status != XAP_OK) {
        snprintf(err, errlen, "out of memory");
        st->status = st->held_status;
    }
    if (st->status == XAP_OK && !stop_requested(st))
        remove_if_safe(st, err, errlen);
    /* Commit what was done, also when stopped; not after a failure. */
    char why[512] = "";
    xap_status s = gz_pipeline_finish(st->pipe, st->status == XAP_OK, why,
                                      sizeof why);
    if (s != XAP_OK && (st->status == XAP_OK || !err[0]))
        snprintf(err, errlen, "%s", why);
    if (st->status == XAP_OK)
        pipeline_status(st, s);
    uncount_uncommitted(st);
    if (gz_pipeline_dropped(st->pipe) || stop_requested(st))
        st->stopped = 1;
    if (st->status == XAP_OK && !st->stopped)
        st->status = carry_from_live(st, err, errlen);
    if (st->status == XAP_OK)
        st->status = write_index_extras(st);
    return st->status;
}

/* gz_shards_locate, and the status of its failure in *s: an I/O error
 * when a system call failed for want of resources or rights (the run
 * exits as such, not as a damaged index), else XAP_ERR_DB_OPENING. */
static int locate_shards(const char *db, gz_shard_list *where, char *err,
                         size_t errlen, xap_status *s)
{
    errno = 0;
    if (gz_shards_locate(db, where, err, errlen) == 0)
        return 0;
    int e = errno;
    *s = corpus_errno_is_exhaustion(e) || e == EACCES || e == EPERM ||
                 e == EIO
             ? XAP_ERR_DB
             : XAP_ERR_DB_OPENING;
    return -1;
}

/* 1 when a dry run, which holds no lock, is to read the index again
 * after a reading that ended with `s`: a writer's commits overtook it
 * (XAP_ERR_DB_MODIFIED), and `readings` (started with the first made:
 * gz_tries_start_made) allow one more, as a search is run again
 * (gz_tries_more: ten, and at least two seconds while a writer keeps
 * overtaking them). The views (and --full's live index) are then
 * reopened at the latest revision. Past the bound the run gives up with
 * GZ_INDEX_MODIFIED (outcome_for). A real run's lock keeps the index as
 * it is. */
static int read_again(run_state *st, xap_status s, gz_tries *readings)
{
    if (s != XAP_ERR_DB_MODIFIED || !st->cfg->dry_run ||
        !gz_tries_more(readings, 1))
        return 0;
    for (size_t i = 0; i < st->nshards; i++)
        (void)xap_database_reopen(st->views[i], NULL);
    if (st->live)   /* --full's reading of the index it replaces */
        (void)xap_database_reopen(st->live, NULL);
    return 1;
}

/* Open the shards listed in st->where read-only (a dry run), if any. */
static xap_status open_views(run_state *st)
{
    xap_status s = XAP_OK;
    for (size_t i = 0; s == XAP_OK && i < st->where.n; i++) {
        s = xap_database_open(st->where.paths[i], &st->views[i]);
        st->nshards += s == XAP_OK;
    }
    return s;
}

/* Dry run: read the index as it is, if there is one. */
static xap_status open_dry(const gz_index_config *cfg, run_state *st,
                           char *err, size_t errlen)
{
    xap_status failed = XAP_OK;
    if (locate_shards(cfg->db_path, &st->where, err, errlen, &failed) != 0)
        return failed;
    for (size_t i = 0; i < st->where.n; i++)
        if ((failed = gz_check_tables(st->where.paths[i], err, errlen)) !=
            XAP_OK)
            return failed;   /* the real run would refuse it too */
    if (st->where.n == 0 &&
        (failed = gz_check_tables(cfg->db_path, err, errlen)) != XAP_OK)
        return failed;       /* tables without their revision file */
    xap_status s = open_views(st);
    if (s == XAP_ERR_DB_NOT_FOUND || s == XAP_ERR_DB_OPENING) {
        struct stat sb;
        if (stat(cfg->db_path, &sb) != 0 && errno == ENOENT)
            return XAP_OK;   /* no index yet: everything is new */
    }
    if (s != XAP_OK)
        snprintf(err, errlen, "%s: %s", cfg->db_path, xap_last_error());
    return s;
}

/* Delete the generation at `gen_path` (DB.d/<name>) of cfg->db_path
 * without following a symlinked DB.d (gz_generation_remove). */
static void remove_generation(const gz_index_config *cfg, const char *gen_path)
{
    const char *name = strrchr(gen_path, '/');
    gz_generation_remove(cfg->db_path, name ? name + 1 : gen_path);
}

/* What a run holds besides run_state: the lock file, and for --full the
 * generation being built and Xapian's lock on each database of the live
 * index (lock_live), all kept until the switch is done. */
typedef struct run_hold {
    int lock_fd;             /* -1 when no lock is held */
    int made_gen;            /* gen_path was created by this run */
    int made_gens_dir;       /* --full: so was DB.d (gz_generation_dir_make) */
    char gen_path[4096];     /* --full: new generation directory */
    char gen_rel[4096];      /* the same, relative to the stub */
    size_t nlive;            /* --full: live databases held */
    xap_writable *live[GZ_MAX_SHARDS];   /* open for their lock only */
} run_hold;

/* Release Xapian's locks on the live index (lock_live): nothing was
 * written through them, nothing is committed. */
static void release_live(run_hold *h)
{
    for (size_t i = 0; i < h->nlive; i++) {
        xap_writable_free(h->live[i]);
        h->live[i] = NULL;
    }
    h->nlive = 0;
}

/* --full, under the lock file: open each database of the live index at
 * `db_path` for writing, writing nothing, and keep it in h->live until
 * the switch is done. Another program's writer on one (a program
 * embedding Xapian, xapian-compact...) would commit into the generation
 * the switch retires, and lose it: XAP_ERR_DB_LOCKED (Xapian's message
 * last, nothing left open) when one holds Xapian's lock, as an update
 * meets it (open_locked_with waits or refuses). No writer can start once
 * they are held. A live index that is not there or does not open to
 * write (damaged: what a --full replaces) has no lock to take: passed
 * over. */
static xap_status lock_live(run_hold *h, const char *db_path)
{
    gz_shard_list live;
    char why[512];
    if (gz_shards_locate(db_path, &live, why, sizeof why) != 0)
        return XAP_OK;   /* a stub naming remote databases: replaced */
    xap_status s = XAP_OK;
    for (size_t i = 0; s == XAP_OK && i < live.n; i++) {
        xap_writable *w = NULL;
        s = xap_writable_open(live.paths[i], XAP_DB_OPEN, 0, &w);
        if (s == XAP_OK)
            h->live[h->nlive++] = w;
        else if (s != XAP_ERR_DB_LOCKED || !xapian_lock_busy())
            s = XAP_OK;
    }
    gz_shards_free(&live);
    if (s != XAP_OK)
        release_live(h);
    return s;
}

/* gz_generation_switch's `release`: the live index's locks (`ctx`, a
 * run_hold) go once DB names the new generation, before the old one is
 * deleted; for a database directory at DB, just before DB becomes a file
 * (a Xapian 1.4 writer whose directory path is a file by then throws from
 * its destructor when XAPIAN_MAX_CHANGESETS is set, aborting the
 * program). */
static void on_switching(void *ctx)
{
    release_live(ctx);
}

/* End of a --full build (the new generation h->gen_path is closed, the
 * lock file and the live index's locks still held): switch the stub to
 * it when the build completed and DB is still safe to replace (checked
 * again: it may have changed during the build), else delete it and leave
 * the live index as it was. Once switched, the new generation is in use
 * and is never deleted: failing to delete old ones is only a warning
 * (cfg->on_warning). */
static gz_index_outcome finish_generation(const gz_index_config *cfg,
                                          gz_index_outcome outcome,
                                          run_hold *h, char *err,
                                          size_t errlen)
{
    int switched = -1;
    if (outcome == GZ_INDEX_OK &&
        gz_generation_check(cfg->db_path, cfg->roots, cfg->nroots, err,
                            errlen) == 0)
        switched = gz_generation_switch(cfg->db_path, h->gen_rel,
                                        on_switching, h, err, errlen);
    if (switched == 1 && cfg->on_warning)
        cfg->on_warning(cfg->db_path, err, cfg->ctx);
    if (switched >= 0) {
        err[0] = '\0';
        return GZ_INDEX_OK;
    }
    remove_generation(cfg, h->gen_path);
    return outcome == GZ_INDEX_OK ? GZ_INDEX_IO_ERROR : outcome;
}

/* --full: compact what was built (its shards, or its one database) into
 * one database, a new generation beside it, and delete the build: fewer
 * and fuller blocks, one posting list per term (docs/performance.md has
 * the measurements). On success gen_path/gen_rel (4096 bytes each) name
 * the compacted generation; on failure (a warning in `err`) they still
 * name the build, which is complete and usable. 0 or -1. */
static int compact_generation(const gz_index_config *cfg,
                              const gz_shard_list *parts, char *gen_path,
                              char *gen_rel, char *err, size_t errlen)
{
    char path[4096], rel[4096];
    if (gz_generation_new(cfg->db_path, path, sizeof path, rel,
                          sizeof rel) != 0 ||
        gz_generation_mark_building(cfg->db_path, path) != 0) {
        snprintf(err, errlen, "%s: %s (kept the new index as built)",
                 cfg->db_path, strerror(errno));
        return -1;
    }
    /* The shards of the build hold the same metadata (write_metadata), so
     * the merged database holds it once. */
    xap_status s = xap_compact((const char *const *)parts->paths, parts->n,
                               path);
    if (s != XAP_OK) {
        snprintf(err, errlen, "compacting the new index: %s (kept it as "
                 "built)", xap_last_error());
        remove_generation(cfg, path);
        return -1;
    }
    remove_generation(cfg, gen_path);
    memcpy(gen_path, path, sizeof path);
    memcpy(gen_rel, rel, sizeof rel);
    return 0;
}

/* An index stemmed in one language and updated in another would mix
 * terms that no query can match together: refuse, naming the language the
 * index has. An index stemmed in a language this Xapian does not know
 * (made with another Xapian, or its metadata edited) cannot be updated in
 * it, nor searched (gazette_index_open says INDEX_VERSION): refused as of
 * an unsupported format, and only a full rebuild in a language this
 * Xapian has remedies it. Returns GZ_INDEX_OK when the index has no
 * language yet or the same one as `language`, the run's. */
static gz_index_outcome check_language(const gz_index_config *cfg,
                                       const char *language,
                                       const xap_database *view,
                                       xap_status *s, char *err,
                                       size_t errlen)
{
    char *stored = NULL;
    size_t len = 0;
    gz_index_outcome outcome = GZ_INDEX_OK;
    *s = gz_index_language(view, &stored);   /* "none": see schema.h */
    len = stored ? strlen(stored) : 0;
    if (*s == XAP_OK && len && !gazette_language_known(stored)) {
        snprintf(err, errlen,
                 "index %s is stemmed in '%s', which this Xapian does not "
                 "know: rebuild it with gazette_update_set_full in a "
                 "language this Xapian has (gazette_update_set_language; "
                 "english by default)", cfg->db_path, stored);
        outcome = GZ_INDEX_OLD_FORMAT;
    } else if (*s == XAP_OK && len &&
               (len != strlen(language) ||
                memcmp(stored, language, len) != 0)) {
        /* Only a language set for the run differs (unset, the run
         * takes the index's own: resolve_language), so the remedy is to
         * leave it unset, or to rebuild in it. */
        snprintf(err, errlen,
                 "index %s is stemmed in '%.*s', not '%s': a run without "
                 "gazette_update_set_language updates it in '%.*s'; to "
                 "change its language, rebuild it with "
                 "gazette_update_set_full and gazette_update_set_language "
                 "%s",
                 cfg->db_path, (int)len, stored, language, (int)len, stored,
                 language);
        outcome = GZ_INDEX_WRONG_LANGUAGE;
    }
    free(stored);
    return outcome;
}

/* An index whose articles were written in another index format
 * (schema.h) cannot be updated: their terms would not meet the new ones.
 * An empty one takes the new format; one with documents but no format
 * is another program's, and is refused. */
static gz_index_outcome check_format(const gz_index_config *cfg,
                                     xap_database *const *views, size_t n,
                                     xap_status *s, char *err, size_t errlen)
{
    char *stored = NULL;
    size_t len = 0;
    uint64_t docs = 0;
    gz_index_outcome outcome = GZ_INDEX_OK;
    *s = XAP_OK;
    /* The index's format is the first one a shard records (a shard
     * whose first commit was lost, to a full disk say, records none);
     * the articles are counted over all shards. */
    for (size_t i = 0; *s == XAP_OK && i < n; i++) {
        uint32_t here = 0;
        *s = xap_database_doc_count(views[i], &here);
        docs += here;
        if (*s == XAP_OK && len == 0) {
            free(stored);
            stored = NULL;
            *s = xap_database_get_metadata(views[i], GZ_META_FORMAT, &stored,
                                           &len);
        }
    }
    if (*s == XAP_OK && gz_index_is_foreign(docs, len)) {
        gz_foreign_index_error(cfg->db_path, docs, err, errlen);
        outcome = GZ_INDEX_REFUSED;
    } else if (*s == XAP_OK && docs && !gz_format_supported(stored, len)) {
        snprintf(err, errlen,
                 "index %s has Gazette index format %.*s, this library "
                 "writes format %s: rebuild it with gazette_update_set_full",
                 cfg->db_path, (int)len, stored, GZ_FORMAT_VERSION);
        outcome = GZ_INDEX_OLD_FORMAT;
    }
    free(stored);
    return outcome;
}

/* Copying synonyms from the live index into a --full generation. */
typedef struct synonym_copy {
    const xap_database *from;
    xap_writable *to;
    const char *key;
    int entities_only;   /* the rules are not copied as they are */
    size_t left;         /* rules' keys not copied */
    xap_status status;
} synonym_copy;

/* Each key and value folded as --synonyms now writes them (an older
 * index kept "zürich", "Zcafé", which no query met). */
static int copy_one_synonym(const char *synonym, void *ctx)
{
    synonym_copy *c = ctx;
    char *folded = NULL;
    c->status = gz_synonyms_fold_term(synonym, &folded);
    if (c->status == XAP_OK)
        c->status = xap_writable_add_synonym(c->to, c->key, folded);
    free(folded);
    return c->status != XAP_OK;
}

static int copy_synonym_key(const char *key, void *ctx)
{
    synonym_copy *c = ctx;
    char *folded = NULL;
    if (c->entities_only &&
        strncmp(key, GZ_PREFIX_ENTITY, strlen(GZ_PREFIX_ENTITY)) != 0) {
        c->left++;
        return 0;
    }
    c->status = gz_synonyms_fold_term(key, &folded);
    c->key = folded;
    xap_status s = c->status != XAP_OK ? XAP_OK
                   : xap_database_each_synonym(c->from, key,
                                               copy_one_synonym, c);
    if (c->status == XAP_OK)
        c->status = s;
    free(folded);
    c->key = NULL;
    return c->status != XAP_OK;
}

static xap_status own_language(const xap_database *db, char **out);

/* The synonym rules the index `db` recorded (GZ_META_SYNONYMS) into *out
 * (a new rule set; NULL when it recorded none, or they do not read). */
static xap_status recorded_synonyms(const xap_database *db,
                                    gz_synonyms **out)
{
    char *text = NULL;
    *out = NULL;
    xap_status s = xap_database_get_metadata(db, GZ_META_SYNONYMS, &text,
                                             NULL);
    if (s == XAP_OK && *text && gz_synonyms_parse(text, out) == -2)
        s = XAP_ERR_NOMEM;
    free(text);
    return s;
}

/* A --full rebuild starts a new database: carry the synonyms of st->live
 * (set by an earlier --synonyms, and entity aliases) over to the first
 * shard, so that only a new --synonyms FILE changes them. Its values are
 * stems of the live index's language, which --language may change: the
 * rules it recorded are written anew in the run's language (they were
 * carried as stems of the old one, and found nothing). An index that
 * recorded none (written before it did) has its stems carried when the
 * language stays; else they are left behind, said in a warning, as no
 * stem can be read back into its word. No live index: nothing to carry. */
static xap_status carry_synonyms(run_state *st)
{
    if (!st->live)
        return XAP_OK;
    xap_writable *to = st->shards[0];
    gz_synonyms *rules = NULL;
    char *was = NULL;
    /* A live index whose metadata does not read (damaged: its postlist
     * table holds them) has its synonyms carried as they are, as before:
     * the --full that rebuilds it must not fail for them. */
    xap_status s = recorded_synonyms(st->live, &rules);
    xap_status known = s == XAP_OK ? own_language(st->live, &was) : s;
    if (known == XAP_ERR_NOMEM)
        s = known;
    else if (known != XAP_OK)
        s = XAP_OK;
    int moved = known == XAP_OK && strcmp(was, st->language) != 0;
    synonym_copy c = {.from = st->live, .to = to, .status = XAP_OK,
                      .entities_only = rules || moved};
    if (s == XAP_OK)
        s = xap_database_each_synonym_key(st->live, "", copy_synonym_key,
                                          &c);
    if (s == XAP_OK)
        s = c.status;
    if (s == XAP_OK && rules)
        s = gz_synonyms_write(to, rules, st->language);
    const gz_index_config *cfg = st->cfg;
    if (s == XAP_OK && !rules && c.left && !cfg->synonyms &&
        cfg->on_warning) {
        char why[600];
        snprintf(why, sizeof why, "its synonyms are stemmed in '%.60s' and "
                 "recorded no rules to stem anew in '%.60s' (an index "
                 "written before they were recorded): they are not carried "
                 "over; give the rules again with "
                 "gazette_update_set_synonyms_file", was, st->language);
        cfg->on_warning(cfg->db_path, why, cfg->ctx);
    }
    gz_synonyms_free(rules);
    free(was);
    return s;
}

/* Worker threads of the run: cfg->jobs, or one per online core. */
static unsigned run_jobs(const gz_index_config *cfg)
{
    if (cfg->jobs)
        return cfg->jobs;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 256 ? 256 : (unsigned)n;
}

/* Shards of an index this run creates: one per job, within bounds. */
static size_t new_shard_count(const gz_index_config *cfg)
{
    unsigned n = run_jobs(cfg);
    return n > GZ_MAX_SHARDS ? GZ_MAX_SHARDS : n;
}

/* How the writable databases are found, under the lock (open_shards). */
typedef struct shard_opening {
    run_state *st;
    run_hold *hold;           /* --full: takes the live index's locks */
    const char *new_dir;      /* where a new index goes (db or generation) */
    xap_db_action action;
    int planned;              /* st->where is a new layout to publish */
} shard_opening;

static void close_shards(run_state *st)
{
    for (size_t i = 0; i < st->nshards; i++) {
        xap_writable_free(st->shards[i]);
        st->shards[i] = NULL;
    }
    st->nshards = 0;
    gz_shards_free(&st->where);
}

/* 1 when `dir` is a directory with something in it. */
static int non_empty_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    while (!n && (e = readdir(d)) != NULL)
        n = strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

/* Make a new, empty index of `n` shards at `db` (shards.h): built beside
 * it in "<db>.gazette-new" and renamed into place, so that a run killed
 * half-way leaves no index rather than a partial layout; in place only
 * when `db` is a directory that already holds other files. 0, or -1 with
 * `err`. */
static int create_layout(const char *db, size_t n, char *err, size_t errlen)
{
    char tmp[4200];
    int in_place = non_empty_dir(db);
    snprintf(tmp, sizeof tmp, "%s%s", db, in_place ? "" : ".gazette-new");
    if (!in_place && access(tmp, F_OK) == 0) {   /* left by a killed run */
        if (!gz_is_xapian_dir(tmp) || gz_remove_tree(tmp) != 0) {
            snprintf(err, errlen, "%s is in the way and is not a leftover of "
                     "this library: move it away", tmp);
            return -1;
        }
    }
    gz_shard_list plan;
    if (gz_shards_plan(tmp, n, &plan, err, errlen) != 0)
        return -1;
    xap_status s = XAP_OK;
    for (size_t i = 0; s == XAP_OK && i < plan.n; i++) {
        xap_writable *w = NULL;
        s = xap_writable_open(plan.paths[i], XAP_DB_CREATE_OR_OPEN, 0, &w);
        if (s == XAP_OK)
            s = xap_writable_close(w);
        xap_writable_free(w);
        if (s != XAP_OK)
            snprintf(err, errlen, "%s: %s", plan.paths[i], xap_last_error());
    }
    gz_shards_free(&plan);
    if (s != XAP_OK || gz_shards_publish(tmp, n, err, errlen) != 0)
        return -1;
    if (!in_place && rename(tmp, db) != 0) {
        snprintf(err, errlen, "%s: %s", db, strerror(errno));
        return -1;
    }
    return 0;
}

/* Say, as a note (cfg->on_note), that the cleanup deleted the unfinished
 * builds `swept` counts: else a rebuild that died (killed, out of memory,
 * its machine stopped) went unnoticed, the next run deleting its
 * generation in silence. A note, not a warning: nothing of the index or
 * the articles is wrong, the leftovers of a run that died are gone. */
static void say_swept(const gz_index_config *cfg, const gz_swept *swept)
{
    if (!swept->builds || !cfg->on_note)
        return;
    /* the index's path, however long, and the sentence around it */
    size_t size = strlen(cfg->db_path) + sizeof swept->first + 256;
    char *what = malloc(size);
    if (!what)   /* out of memory: the note is left out, the run goes on */
        return;
    if (swept->builds == 1)
        snprintf(what, size, "deleted %s.d/%s, the unfinished build "
                 "of a run with gazette_update_set_full, which stopped before "
                 "its switch (killed?)", cfg->db_path, swept->first);
    else
        snprintf(what, size, "deleted %u unfinished builds (%s.d/%s "
                 "and others) of runs with gazette_update_set_full that "
                 "stopped before their switch (killed?)", swept->builds,
                 cfg->db_path, swept->first);
    cfg->on_note(cfg->db_path, what, cfg->ctx);
    free(what);
}

/* The run got the lock only after waiting stats->lock_wait seconds for
 * another writer: said now, as it starts (its seconds will count the
 * wait, and a log should tell a slow night from a night kept waiting),
 * as a note (nothing is wrong), and through the progress callback, which
 * reads stats->lock_wait. */
static void say_lock_wait(const gz_index_config *cfg,
                          const gz_index_stats *stats)
{
    char what[400];   /* room for any double */
    snprintf(what, sizeof what, "waited %.1f s for another writer to release "
             "the index's lock; starting now", stats->lock_wait);
    if (cfg->on_note)
        cfg->on_note(cfg->db_path, what, cfg->ctx);
    if (cfg->on_progress)
        cfg->on_progress(stats, cfg->ctx);
}

/* A --full killed mid-build left its generation, as big as the index, in
 * DB.d (marked as Gazette's: gz_generation_clear_unused deletes nothing
 * else): an update frees it rather than leaving it to the next --full,
 * which a nightly job may never run, and says so (say_swept). Failing to
 * is a warning: the update itself is sound. */
static void clear_unused_generations(const gz_index_config *cfg)
{
    /* Not through a symbolic link: it may be pointed elsewhere during the
     * run (ln -sfn), and the DB.d it then leads to is not under this
     * run's lock; a run on the index's own path frees them. */
    struct stat sb;
    char why[4600];
    if (lstat(cfg->db_path, &sb) == 0 && S_ISLNK(sb.st_mode))
        return;
    gz_swept swept = {0};
    if (gz_generation_clear_unused(cfg->db_path, &swept, why, sizeof why) !=
            0 &&
        cfg->on_warning)
        cfg->on_warning(cfg->db_path, why, cfg->ctx);
    say_swept(cfg, &swept);
}

/* Why DB.d/<generation> of the index at `db_path` could not be made
 * (gz_generation_dir_check, gz_generation_dir_make or gz_generation_new
 * failed with errno `e`), as one line in `err`; the
 * outcome: refused when DB.d is not a real directory, else an I/O
 * error. */
static gz_index_outcome generation_error(const char *db_path, int e,
                                         char *err, size_t errlen)
{
    int not_dir = e == ELOOP || e == ENOTDIR;
    snprintf(err, errlen, "%s%s: %s", db_path, not_dir ? ".d" : "",
             strerror(e));
    if (e == ENOENT)
        missing_directory(db_path, err, errlen);
    if (not_dir)
        snprintf(err + strlen(err), errlen - strlen(err),
                 " (refusing to keep generations in anything but a real "
                 "directory)");
    return not_dir ? GZ_INDEX_REFUSED : GZ_INDEX_IO_ERROR;
}

/* --full, the lock taken: make DB.d, unless it is there, and pick the
 * new generation (hold->gen_path, o->new_dir). Only now: a run that never
 * gets the lock (75, a signal while it waits) must leave no DB.d where
 * there was none, and could not remove one without the lock, under which
 * the holder's --full may be about to build in it. 0, or -1 said in
 * `err`. */
static int make_generation(shard_opening *o, char *err, size_t errlen)
{
    const char *db = o->st->cfg->db_path;
    run_hold *h = o->hold;
    int made = 0;
    if (gz_generation_dir_make(db, &made) != 0) {
        generation_error(db, errno, err, errlen);
        return -1;
    }
    h->made_gens_dir |= made;   /* or an earlier try did (open_locked_with) */
    if (gz_generation_new(db, h->gen_path, sizeof h->gen_path, h->gen_rel,
                          sizeof h->gen_rel) != 0) {
        generation_error(db, errno, err, errlen);
        return -1;
    }
    o->new_dir = h->gen_path;
    return 0;
}

/* gz_generation_clear_leftovers before a --full build, saying what builds
 * it deleted (say_swept). */
static int clear_leftovers(const gz_index_config *cfg, char *err,
                           size_t errlen)
{
    gz_swept swept = {0};
    int rc = gz_generation_clear_leftovers(cfg->db_path, &swept, err, errlen);
    say_swept(cfg, &swept);
    return rc;
}

/* Find the shards to write (an existing index's, whatever -j says, or a
 * new layout of new_shard_count() shards) and open each for writing.
 * XAP_ERR_DB_LOCKED (nothing left open) when another writer holds one. */
static xap_status open_written(shard_opening *o, char *err, size_t errlen)
{
    run_state *st = o->st;
    const gz_index_config *cfg = st->cfg;
    size_t n = new_shard_count(cfg);
    xap_status s = XAP_OK;
    o->planned = 0;
    if (!cfg->full) {
        if (locate_shards(cfg->db_path, &st->where, err, errlen, &s) != 0)
            return s;
        clear_unused_generations(cfg);
        if (st->where.n == 0 && gz_clear_cut_creation(cfg->db_path) != 0) {
            snprintf(err, errlen, "%s: %s", cfg->db_path, strerror(errno));
            return XAP_ERR_DB;
        }
        /* No database found, but tables there: a damaged one (its
         * revision file gone), not room for a new index beside them. */
        if (st->where.n == 0 &&
            (s = gz_check_tables(cfg->db_path, err, errlen)) != XAP_OK)
            return s;
        if (st->where.n == 0 && n > 1 &&
            (create_layout(cfg->db_path, n, err, errlen) != 0 ||
             gz_shards_locate(cfg->db_path, &st->where, err, errlen) != 0))
            return XAP_ERR_DB;
    } else if (make_generation(o, err, errlen) != 0 ||
               clear_leftovers(cfg, err, errlen) != 0) {
        return XAP_ERR_DB;
    } else if (gz_generation_mark_building(cfg->db_path, o->new_dir) != 0) {
        snprintf(err, errlen, "%s: %s", o->new_dir, strerror(errno));
        return XAP_ERR_DB;
    } else if (n > 1) {
        if (gz_shards_plan(o->new_dir, n, &st->where, err, errlen) != 0)
            return XAP_ERR_DB;
        o->planned = 1;
    }
    if (st->where.n == 0) {
        st->where.paths[0] = strdup(o->new_dir);
        if (!st->where.paths[0])
            return XAP_ERR_NOMEM;
        st->where.n = 1;
    }
    /* Never write into a database that lost a table (schema.h): every
     * shard is checked before one is opened. */
    for (size_t i = 0; s == XAP_OK && !cfg->full && i < st->where.n; i++)
        s = gz_check_tables(st->where.paths[i], err, errlen);
    for (size_t i = 0; s == XAP_OK && i < st->where.n; i++) {
        s = xap_writable_open(st->where.paths[i], o->action, 0,
                              &st->shards[i]);
        if (s == XAP_OK)
            st->nshards++;
        else
            snprintf(err, errlen, "%s: %s", st->where.paths[i],
                     xap_last_error());
    }
    if (s != XAP_OK)
        close_shards(st);
    return s;
}

/* open_locked_with's `open`: for --full, first Xapian's locks on the
 * live index (lock_live), then the databases to write (open_written).
 * XAP_ERR_DB_LOCKED (nothing left open) when another writer holds one. */
static xap_status open_shards(void *ctx, char *err, size_t errlen)
{
    shard_opening *o = ctx;
    const gz_index_config *cfg = o->st->cfg;
    xap_status s = cfg->full ? lock_live(o->hold, cfg->db_path) : XAP_OK;
    if (s == XAP_OK && (s = open_written(o, err, errlen)) != XAP_OK)
        release_live(o->hold);
    return s;
}

/* 1 in *empty when no shard of the run holds an article. */
static xap_status shards_empty(const run_state *st, int *empty)
{
    xap_status s = XAP_OK;
    *empty = 1;
    for (size_t i = 0; s == XAP_OK && *empty && i < st->nshards; i++) {
        uint32_t docs = 0;
        s = xap_database_doc_count(st->views[i], &docs);
        *empty = docs == 0;
    }
    return s;
}

/* Record the format and language in every shard, and clear the shard
 * place an earlier version wrote (schema.h): every shard then holds the
 * same metadata, as xapian-compact wants; and, when the index has no
 * article yet, that every article will have its facet lists and CJK
 * text as n-grams (schema.h: an index that already has articles keeps
 * whatever it says, in every shard alike). st->cjk_ngrams says which
 * form of CJK text the run writes. */
static xap_status write_metadata(run_state *st)
{
    int empty = 0;
    xap_status s = shards_empty(st, &empty);
    /* every shard records the same: the first says */
    if (s == XAP_OK)
        st->cjk_ngrams =
            empty || gz_database_records_cjk_ngrams(st->views[0], &s);
    for (size_t i = 0; s == XAP_OK && i < st->nshards; i++) {
        s = gz_index_ensure_metadata(st->shards[i], GZ_META_FORMAT,
                                     GZ_FORMAT_VERSION);
        if (s == XAP_OK)
            s = gz_index_ensure_metadata(st->shards[i], GZ_META_LANGUAGE,
                                         st->language);
        if (s == XAP_OK)
            s = gz_index_ensure_metadata(st->shards[i], GZ_META_SHARD, "");
        if (s == XAP_OK && empty)
            s = gz_index_ensure_metadata(st->shards[i], GZ_META_LIST_SLOTS,
                                         "1");
        if (s == XAP_OK && empty)
            s = gz_index_ensure_metadata(st->shards[i], GZ_META_ENTITY_HEADS,
                                         "1");
        if (s == XAP_OK && empty)
            s = gz_index_ensure_metadata(st->shards[i], GZ_META_CJK_NGRAMS,
                                         GZ_CJK_NGRAMS_ON);
    }
    return s;
}

/* A new sharded layout becomes an index once every shard exists: commit
 * them, then write the XAPIANDB stub naming them. */
static xap_status publish_layout(run_state *st, const char *dir, char *err,
                                 size_t errlen)
{
    xap_status s = XAP_OK;
    for (size_t i = 0; s == XAP_OK && i < st->nshards; i++)
        s = xap_writable_commit(st->shards[i]);
    if (s == XAP_OK && gz_shards_publish(dir, st->nshards, err, errlen) != 0)
        s = XAP_ERR_DB;
    return s;
}

/* 0 when this process (its effective ids) may write `path`: a directory
 * to make and delete entries in, or a file to read and write; else -1
 * with errno (EACCES, EROFS, ENOENT...). Nothing is opened. */
static int may_write(const char *path, int is_dir)
{
    return faccessat(AT_FDCWD, path, is_dir ? W_OK | X_OK : R_OK | W_OK,
                     AT_EACCESS);
}

/* Dry run: would the real run's lock file open (try_lock_file)? An
 * existing one is opened for writing, not locked, and closed; a missing
 * one is not created: the directory it goes in must take it. 0, or -1
 * with errno. */
static int dry_open_lock(const char *path)
{
    int fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd >= 0) {
        struct stat sb;
        int regular = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode);
        close(fd);
        errno = EINVAL;
        return regular ? 0 : -1;
    }
    if (errno != ENOENT)
        return -1;
    char dir[4096];
    parent_of(path, dir, sizeof dir);
    return may_write(dir, 1);
}

/* Dry run, --full: DB.d as gz_generation_new would find it: missing (then
 * made beside DB: dry_check_paths checks that directory), or a real
 * directory the run may write in. */
static gz_index_outcome dry_check_generations(const char *db_path,
                                              char *err, size_t errlen)
{
    char dir[4200];
    size_t n = strlen(db_path);
    while (n > 1 && db_path[n - 1] == '/')
        n--;
    snprintf(dir, sizeof dir, "%.*s.d", (int)n, db_path);
    struct stat sb;
    if (lstat(dir, &sb) != 0)
        return errno == ENOENT ? GZ_INDEX_OK
                               : generation_error(db_path, errno, err,
                                                  errlen);
    if (!S_ISDIR(sb.st_mode))
        return generation_error(db_path,
                                S_ISLNK(sb.st_mode) ? ELOOP : ENOTDIR, err,
                                errlen);
    if (may_write(dir, 1) == 0)
        return GZ_INDEX_OK;
    snprintf(err, errlen, "%s: %s", dir, strerror(errno));
    return GZ_INDEX_IO_ERROR;
}

/* Dry run: fail as the real run would on the paths it writes, without
 * writing, creating or locking anything: DB.d (--full), a --db that is
 * not an index (64, as open_locked_with refuses it), the lock file DB.lock
 * and, when the run would make DB or switch it (--full), the directory DB
 * is in (74, with the real run's message). A lock held by another writer
 * is not looked for (75 for the real run only: documented). */
static gz_index_outcome dry_check_paths(const gz_index_config *cfg,
                                        char *err, size_t errlen)
{
    gz_index_outcome outcome =
        cfg->full ? dry_check_generations(cfg->db_path, err, errlen)
                  : GZ_INDEX_OK;
    char path[4096], dir[4096];
    if (outcome != GZ_INDEX_OK)
        return outcome;
    if (lock_path(cfg->db_path, path, sizeof path) != 0) {
        snprintf(err, errlen, "%s: path too long", cfg->db_path);
        return GZ_INDEX_IO_ERROR;
    }
    if (!cfg->full)
        outcome = refuse_non_index(cfg->db_path, err, errlen);
    if (outcome != GZ_INDEX_OK)
        return outcome;
    if (dry_open_lock(path) != 0) {
        lock_error(cfg->db_path, path, errno, err, errlen);
        return GZ_INDEX_IO_ERROR;
    }
    struct stat sb;
    parent_of(path, dir, sizeof dir);
    if ((cfg->full || stat(cfg->db_path, &sb) != 0) && may_write(dir, 1) != 0) {
        lock_error(cfg->db_path, dir, errno, err, errlen);
        return GZ_INDEX_IO_ERROR;
    }
    return GZ_INDEX_OK;
}

/* 0 when the database directory `dir` takes writes: the directory and
 * every file in it (Xapian writes its tables in place and makes its lock
 * file there); else -1 with errno. */
static int database_writable(const char *dir)
{
    if (may_write(dir, 1) != 0)
        return -1;
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        char file[4400];
        struct stat sb;
        snprintf(file, sizeof file, "%s/%s", dir, e->d_name);
        if (lstat(file, &sb) == 0 && S_ISREG(sb.st_mode))
            rc = may_write(file, 0);
    }
    int saved = errno;
    closedir(d);
    errno = saved;
    return rc;
}

/* Dry run, not --full, after open_dry: every database the real run would
 * open for writing takes writes: the index's shards, or the existing
 * directory a new one-database index would be made in (a new sharded
 * one is made beside it and renamed: dry_check_paths checked there). */
static gz_index_outcome dry_check_databases(const run_state *st, char *err,
                                            size_t errlen)
{
    const char *db = st->cfg->db_path;
    struct stat sb;
    for (size_t i = 0; i < st->where.n; i++)
        if (database_writable(st->where.paths[i]) != 0) {
            snprintf(err, errlen, "%s: %s", st->where.paths[i],
                     strerror(errno));
            return GZ_INDEX_IO_ERROR;
        }
    if (st->where.n == 0 && new_shard_count(st->cfg) == 1 &&
        stat(db, &sb) == 0 && S_ISDIR(sb.st_mode) && may_write(db, 1) != 0) {
        snprintf(err, errlen, "%s: %s", db, strerror(errno));
        return GZ_INDEX_IO_ERROR;
    }
    return GZ_INDEX_OK;
}

/* Add the local database `path` named by the live index's stub to the
 * database `ctx` when it opens; one that does not is left out. */
static int add_live_part(const char *path, void *ctx)
{
    xap_database *part = NULL;
    if (xap_database_open(path, &part) == XAP_OK)
        (void)xap_database_add_database(ctx, part);
    xap_database_free(part);
    return 0;
}

/* st->live as the parts of the index that open, when the index does not
 * open whole (a shard missing, its disk not mounted, is why a --full is
 * run): what they hold that no reading of the corpus gives again is kept
 * (carry_from_live), and the guards count what they hold. NULL when no
 * part opens. */
static void open_live_parts(run_state *st)
{
    char stub[4200];
    struct stat sb;
    const char *db = st->cfg->db_path;
    snprintf(stub, sizeof stub, "%s/XAPIANDB", db);
    xap_database *all = NULL;
    uint32_t docs = 0;
    if (xap_database_new_empty(&all) == XAP_OK)
        gz_stub_each_part(stat(stub, &sb) == 0 ? stub : db, add_live_part,
                          all);
    size_t shards = 0;
    if (all && xap_database_shard_count(all, &shards) == XAP_OK &&
        shards > 0 && xap_database_doc_count(all, &docs) == XAP_OK) {
        st->live = all;
        return;
    }
    xap_database_free(all);
}

/* --full: open the index it replaces (cfg->db_path) read only into
 * st->live, once for all the run reads of it (its synonyms, its records of
 * the roots, the articles carried over, its count for the guards); in a
 * real run under the locks of the lock file and of its databases, so it
 * does not change meanwhile. One that does not open is none: a --full
 * replaces it. */
static void open_live(run_state *st)
{
    if (xap_database_open(st->cfg->db_path, &st->live) != XAP_OK) {
        xap_database_free(st->live);
        st->live = NULL;
        open_live_parts(st);
    }
}

static int no_index_yet(const char *db_path);

/* In *out (a new string the caller frees; NULL on failure) the language
 * of the index `db` for a run not given one: the one it records; english
 * when it records none (a new index, NULL: none opened) or one this
 * Xapian lacks, which check_language refuses to update and which a --full
 * rebuilds in english, as that refusal advises. */
static xap_status own_language(const xap_database *db, char **out)
{
    char *stored = NULL;
    xap_status s = db ? gz_index_language(db, &stored) : XAP_OK;
    *out = NULL;
    if (s == XAP_OK && stored && gazette_language_known(stored)) {
        *out = stored;
        return XAP_OK;
    }
    free(stored);
    if (s == XAP_OK && !(*out = strdup("english")))
        s = XAP_ERR_NOMEM;
    return s;
}

/* In *out (new, the caller frees) the language recorded by the first
 * shard of the sharded index at `db_path` that lost its stub file
 * (gz_shards_stub_lost): the shards are intact, and a --full is what its
 * refusal advises. 0 when it is no such index or the shard does not
 * tell (then *out is NULL). */
static int lost_stub_language(const char *db_path, char **out)
{
    char shard[4200];
    xap_database *db = NULL;
    *out = NULL;
    if (!gz_shards_stub_lost_first(db_path, shard, sizeof shard))
        return 0;
    if (xap_database_open(shard, &db) == XAP_OK &&
        gz_index_language(db, out) == XAP_OK && *out &&
        !gazette_language_known(*out)) {
        free(*out);
        *out = NULL;
    }
    xap_database_free(db);
    return *out != NULL;
}

/* Set st->language, the run's: cfg->language when given, else the
 * language of `db`, the index the run updates or, with --full, replaces
 * (own_language; NULL: none opened), or of the shards of one that lost
 * its stub (lost_stub_language). A --full of an index that is there
 * but does not open, or whose language does not read (damaged), is
 * refused, GZ_INDEX_NO_LANGUAGE with the reason in `err`: rebuilt in
 * english it could silently change language. Any other failure is *s. */
static gz_index_outcome resolve_language(run_state *st,
                                         const xap_database *db,
                                         xap_status *s, char *err,
                                         size_t errlen)
{
    const gz_index_config *cfg = st->cfg;
    if (cfg->language) {
        st->language = strdup(cfg->language);
        *s = st->language ? XAP_OK : XAP_ERR_NOMEM;
        return GZ_INDEX_OK;
    }
    int unreadable = cfg->full && !db && !no_index_yet(cfg->db_path);
    if (unreadable && lost_stub_language(cfg->db_path, &st->language))
        return GZ_INDEX_OK;
    if (!unreadable)
        *s = own_language(db, &st->language);
    /* overtaken by a writer's commits (a dry run holds no lock): no
     * sign of damage, read again (dry_check_index) */
    if (unreadable || (cfg->full && *s != XAP_OK && *s != XAP_ERR_NOMEM &&
                       *s != XAP_ERR_DB_MODIFIED)) {
        *s = XAP_OK;
        snprintf(err, errlen, "index %s does not open (damaged, or a "
                 "database its stub names is gone), so the language it was "
                 "stemmed in cannot be read: nothing was changed; rebuild "
                 "it with gazette_update_set_full and "
                 "gazette_update_set_language naming that language "
                 "(english, unless it was built with another)",
                 cfg->db_path);
        return GZ_INDEX_NO_LANGUAGE;
    }
    return GZ_INDEX_OK;
}

/* A run that failed on a damaged index (GZ_INDEX_CORRUPT, `err` quoting
 * Xapian's message or our missing table's) says so as the searcher
 * does (gz_say_damaged). Other refusals of that outcome (a stub lost, an
 * index too new) keep theirs; so does --full, which is the rebuild the
 * message advises. */
static void say_damaged(const gz_index_config *cfg, char *err, size_t errlen)
{
    if (!cfg->full)
        gz_say_damaged(err, errlen, cfg->db_path);
}

/* A dry run's reading of the index's language and format: what
 * open_run's checks of a real run read (resolve_language, check_language,
 * check_format), with *s set on a shim failure. */
static gz_index_outcome dry_check_index_once(run_state *st, xap_status *s,
                                             char *err, size_t errlen)
{
    const gz_index_config *cfg = st->cfg;
    gz_index_outcome outcome = resolve_language(
        st, cfg->full ? st->live : st->nshards ? st->views[0] : NULL, s, err,
        errlen);
    if (outcome != GZ_INDEX_OK || *s != XAP_OK || !st->nshards)
        return outcome;
    outcome = check_language(cfg, st->language, st->views[0], s, err, errlen);
    if (outcome == GZ_INDEX_OK && *s == XAP_OK)
        outcome = check_format(cfg, st->views, st->nshards, s, err, errlen);
    return outcome;
}

/* dry_check_index_once, read again from the latest revision when a
 * writer's commits overtook it (read_again): the first reading after the
 * views were opened is where two commits meanwhile are met. */
static gz_index_outcome dry_check_index(run_state *st, xap_status *s,
                                        char *err, size_t errlen)
{
    gz_index_outcome outcome;
    gz_tries readings;
    gz_tries_start_made(&readings);
    do {
        free(st->language);
        st->language = NULL;
        outcome = dry_check_index_once(st, s, err, errlen);
    } while (outcome == GZ_INDEX_OK && read_again(st, *s, &readings));
    return outcome;
}

/* Open what the run reads and writes: nothing but the index read-only for
 * a dry run, a new generation for --full, else the index itself; record
 * the index format. Sets *s on a shim failure; returns the outcome of
 * locking (GZ_INDEX_OK when the run may go on). */
static gz_index_outcome open_run(run_state *st, run_hold *h, xap_status *s,
                                 char *err, size_t errlen)
{
    const gz_index_config *cfg = st->cfg;
    if (cfg->dry_run) {
        gz_index_outcome outcome = dry_check_paths(cfg, err, errlen);
        if (outcome != GZ_INDEX_OK)
            return outcome;
        if (cfg->full &&
            gz_generation_check_leftovers(cfg->db_path, err, errlen) != 0) {
            *s = XAP_ERR_DB;   /* the real run's refusal (open_written) */
            return GZ_INDEX_OK;
        }
        if (cfg->full)
            open_live(st);
        *s = cfg->full ? XAP_OK : open_dry(cfg, st, err, errlen);
        if (*s == XAP_OK && !cfg->full &&
            (outcome = dry_check_databases(st, err, errlen)) != GZ_INDEX_OK)
            return outcome;
        return *s == XAP_OK ? dry_check_index(st, s, err, errlen)
                            : GZ_INDEX_OK;
    }
    shard_opening o = {.st = st, .hold = h, .new_dir = cfg->db_path,
                       .action = XAP_DB_CREATE_OR_OPEN};
    if (cfg->full) {
        /* A DB.d that is no real directory is refused before any wait;
         * DB.d and the generation are made under the lock
         * (make_generation). */
        if (gz_generation_dir_check(cfg->db_path) != 0)
            return generation_error(cfg->db_path, errno, err, errlen);
        o.action = XAP_DB_CREATE;
    }
    gz_index_outcome outcome = open_locked_with(
        cfg->db_path, !cfg->full, open_shards, &o, cfg->wait_lock_seconds,
        cfg->stop, &h->lock_fd, &st->stats->lock_wait, err, errlen);
    h->made_gen = cfg->full && (outcome == GZ_INDEX_OK || o.planned);
    if (outcome != GZ_INDEX_OK)
        return outcome;
    if (cfg->full)
        open_live(st);
    for (size_t i = 0; i < st->nshards; i++)
        st->views[i] = xap_writable_database(st->shards[i]);
    /* an update's first shard records the language, as every shard */
    outcome = resolve_language(st, cfg->full ? st->live : st->views[0], s,
                               err, errlen);
    if (outcome != GZ_INDEX_OK || *s != XAP_OK)
        return outcome;
    if (!cfg->full &&
        (outcome = check_language(cfg, st->language, st->views[0], s, err,
                                  errlen)) != GZ_INDEX_OK)
        return outcome;
    if (!cfg->full && *s == XAP_OK &&
        (outcome = check_format(cfg, st->views, st->nshards, s, err,
                                   errlen)) !=
            GZ_INDEX_OK)
        return outcome;
    if (*s != XAP_OK)
        return GZ_INDEX_OK;
    if (cfg->full)
        *s = carry_synonyms(st);
    if (*s == XAP_OK)
        *s = write_metadata(st);
    if (*s == XAP_OK && o.planned)
        *s = publish_layout(st, o.new_dir, err, errlen);
    return GZ_INDEX_OK;
}

/* Read what the index knows of each file, shard by shard, and whether
 * it holds any article at all (the writer API's have no file), before
 * the run writes one: the removal guards' message tells a new index
 * from one that keeps articles. A count that cannot be read counts as
 * some. */
static xap_status load_filemap_once(run_state *st)
{
    xap_status s = XAP_OK;
    st->held_none = 1;
    for (size_t i = 0; s == XAP_OK && i < st->nshards; i++) {
        s = gz_filemap_load(st->views[i], (unsigned)i, &st->known);
        uint32_t docs = 0;
        if (xap_database_doc_count(st->views[i], &docs) != XAP_OK || docs)
            st->held_none = 0;
    }
    if (s != XAP_OK)
        gz_filemap_free(&st->known);   /* the shards read before too */
    return s;
}

/* load_filemap_once; a dry run, which holds no lock, reads it again from
 * the latest revision when a writer's commits overtook it (read_again),
 * as a --full dry run walks the live index again (watch_api_articles). */
static xap_status load_filemap(run_state *st)
{
    xap_status s;
    gz_tries readings;
    gz_tries_start_made(&readings);
    do
        s = load_filemap_once(st);
    while (read_again(st, s, &readings));
    return s;
}

/* 1 when an article of id `relpath` is indexed (a file of one article
 * has its path as its id; a JSON Lines file's are longer). A lookup that
 * fails sets *s (XAP_OK on entry) and answers 0: the run stops on it, as
 * on any failed read of the index it writes (a damaged block was taken
 * for an id held, and the run went on to write into the damaged index
 * with exit 0). */
static int holds_own_id(const run_state *st, const char *relpath,
                        xap_status *s)
{
    char term[GZ_TERM_BUF];
    gz_make_term(GZ_PREFIX_ID, relpath, term, sizeof term);
    for (size_t i = 0; *s == XAP_OK && i < st->nshards; i++) {
        int exists = 0;
        *s = xap_database_term_exists(st->views[i], term, &exists);
        if (*s == XAP_OK && exists)
            return 1;
    }
    return 0;
}

/* holds_own_id; a dry run, which holds no lock, asks again from the
 * latest revision when a writer's commits overtook the lookup
 * (read_again), as it reads the file map again (load_filemap): it gave
 * up at once, saying each of 10 readings had been overtaken. */
static int holds_own_id_latest(run_state *st, const char *relpath,
                               xap_status *s)
{
    int held;
    gz_tries readings;
    gz_tries_start_made(&readings);
    do {
        *s = XAP_OK;
        held = holds_own_id(st, relpath, s);
    } while (read_again(st, *s, &readings));
    return held;
}

/* Before the walk: a JSON Lines file whose path and '#' begin the path of
 * another indexed file, which has an article of its own path as id
 * (holds_own_id), is read again, whatever its stat says. That file
 * may hold the id of one of its articles (written so before such files
 * were deferred: visit_deferred), and goes now or is skipped; the
 * article is written back from the JSON Lines file, by id, before the
 * vanished files' articles are removed by path. Returns the first
 * lookup that failed (the run's failure). */
static xap_status reread_shadowed_files(run_state *st)
{
    gz_filemap *map = &st->known;
    char prefix[PATH_MAX], term[GZ_TERM_BUF];
    size_t skip_prefix = strlen(GZ_PREFIX_PATH);
    xap_status s = XAP_OK;
    for (size_t i = 0; s == XAP_OK && i < map->count; i++) {
        const char *path = map->entries[i].term + skip_prefix;
        if (!strchr(path, '#'))
            continue;   /* nearly every file: no copy, no lookup */
        /* a long path's term: its start, then '#' and a hash */
        char rel[GZ_TERM_BUF];
        snprintf(rel, sizeof rel, "%s", path);
        if (gz_term_is_hashed(map->entries[i].term))
            rel[strlen(rel) - 17] = '\0';
        size_t k = many_prefix(rel, 0, prefix);
        if (!k || !holds_own_id_latest(st, path, &s))
            continue;
        for (; k; k = many_prefix(rel, k + 1, prefix)) {
            gz_make_term(GZ_PREFIX_PATH, prefix, term, sizeof term);
            gz_file_entry *e = gz_filemap_find(map, term);
            if (e)
                e->reread = 1;
        }
    }
    return s;
}

/* Start the workers and shard writers over the opened shards. */
static xap_status start_pipeline(run_state *st)
{
    const gz_index_config *cfg = st->cfg;
    int dry = cfg->dry_run;
    size_t batch = cfg->batch_size ? cfg->batch_size : DEFAULT_BATCH;
    size_t budget = cfg->memory_bytes ? cfg->memory_bytes : GZ_DEFAULT_MEMORY;
    size_t nshards = st->nshards ? st->nshards : 1;
    gz_pipeline_config pc = {
        .jobs = run_jobs(cfg),
        .shards = dry ? NULL : st->shards,
        .shard_paths = dry ? NULL : (const char *const *)st->where.paths,
        .nshards = nshards,
        .language = st->language,
        .cjk_ngrams = st->cjk_ngrams,
        .max_file_bytes = cfg->max_file_bytes,
        /* Each shard commits every `batch` articles: a writer's batch of
         * about a thousand is where Xapian works fastest, and splitting
         * it among the shards made -j2 a fifth slower (docs/performance.md,
         * "One batch a shard"). What waits in memory stays bounded by
         * batch_bytes, each shard's share of the budget. */
        .batch = (unsigned)batch,
        /* Half the budget for the batches waiting in Xapian's buffers,
         * a quarter for the queues (the rest: documents being built and
         * the walk's file map). */
        .batch_bytes = budget / 2 / nshards / GZ_MEMORY_PER_TEXT_BYTE,
        .queue_bytes = budget / 4 / nshards / GZ_MEMORY_PER_TEXT_BYTE,
        /* and the last quarter for the files being read, analysed and
         * written: several workers each holding a large file held several
         * times a file's memory (docs/performance.md, "One huge line") */
        .large_bytes = budget / 4 / GZ_MEMORY_PER_TEXT_BYTE,
        .stop = cfg->stop,
        .watch = dry && cfg->full ? &st->watch : NULL,
        .hooks = {.file_done = on_file_done, .bad_article = on_bad_article,
                  .warning = on_article_warning, .removed = on_removed,
                  .ctx = st}};
    return gz_pipeline_new(&pc, &st->pipe);
}

/* Release everything open_run and the walk acquired. */
static void close_run(run_state *st, run_hold *h)
{
    gz_pipeline_free(st->pipe);
    st->pipe = NULL;
    if (st->cfg->dry_run)
        for (size_t i = 0; i < st->nshards; i++)
            xap_database_free(st->views[i]);
    xap_database_free(st->live);
    st->live = NULL;
    free_watch(&st->watch);
    close_shards(st);
    if (h->lock_fd >= 0)
        close(h->lock_fd);
    h->lock_fd = -1;
    gz_filemap_free(&st->known);
    gz_strmap_free(&st->ids);
    gz_roots_release(st->checks, st->cfg->nroots);
    free(st->checks);
    st->checks = NULL;
    for (size_t i = 0; i < st->nunreadable; i++)
        free(st->unreadable[i]);
    free(st->unreadable);
    free_kept(&st->held);
    free_kept(&st->deferred);
    gz_strmap_free(&st->many_walked);
    free(st->present);
    free(st->language);
    st->language = NULL;
}

/* Commit and close every shard (releasing Xapian's locks). */
static xap_status close_shards_committed(run_state *st, char *err,
                                         size_t errlen)
{
    xap_status s = XAP_OK;
    for (size_t i = 0; s == XAP_OK && i < st->nshards; i++)
        if (st->shards[i] && (s = xap_writable_close(st->shards[i])) != XAP_OK)
            snprintf(err, errlen, "%s: %s", st->where.paths[i],
                     xap_last_error());
    return s;
}

/* Articles in the live index at `db_path` (0 when it does not open: a
 * --full may always replace a missing or unreadable index); with
 * `foreign`, *foreign is set to whether another program wrote it
 * (gz_index_is_foreign). Asked before anything is locked or made, so
 * that refusing it touches nothing; the run reads the index again under
 * its locks (open_live). */
static uint64_t live_articles(const char *db_path, int *foreign)
{
    xap_database *live = NULL;
    uint32_t n = 0;
    char *format = NULL;
    size_t len = 0;
    if (xap_database_open(db_path, &live) == XAP_OK &&
        xap_database_doc_count(live, &n) == XAP_OK && foreign &&
        xap_database_get_metadata(live, GZ_META_FORMAT, &format, &len) ==
            XAP_OK)
        *foreign = gz_index_is_foreign(n, len);
    free(format);
    xap_database_free(live);
    return n;
}

/* The roots as they are and as the index recorded them (devices), into
 * st->checks (gz_roots_inspect): an update's records are in its first
 * shard, a --full build's in the index it replaces (its own shards have
 * none yet), so that a root now on another file system is caught as in
 * an update. A damaged live index is what a --full is for, so records
 * that cannot be read of it do not fail the run; but they were taken for
 * none, and a root moved or a disk unmounted below it went uncaught: the
 * build lost their articles, switched in. Each root is now marked
 * records_unread, which the rebuild's guard takes as a root that may be
 * absent: nothing indexed may be lost. A dry run (no lock) reads them
 * again when a writer's commit overtook it. */
static xap_status inspect_roots(run_state *st)
{
    const gz_index_config *cfg = st->cfg;
    if (!cfg->full)
        return gz_roots_inspect(st->nshards ? st->views[0] : NULL,
                                cfg->roots, cfg->nroots, st->checks);
    xap_status s = gz_roots_inspect(st->live, cfg->roots, cfg->nroots,
                                    st->checks);
    gz_tries walks;
    gz_tries_start_made(&walks);
    while (s == XAP_ERR_DB_MODIFIED && gz_tries_more(&walks, 1))
        s = gz_roots_inspect(live_index(st), cfg->roots, cfg->nroots,
                             st->checks);
    if (s == XAP_OK || s == XAP_ERR_NOMEM)
        return s;
    s = gz_roots_inspect(NULL, cfg->roots, cfg->nroots, st->checks);
    for (size_t i = 0; i < cfg->nroots; i++)
        st->checks[i].records_unread = 1;
    return s;
}

/* Context of a walk of the live index's path terms against the build:
 * its shards, or what a dry run's walk read (`alike`: the real run would
 * carry the files it could not read); `report`: each path lacked is a
 * file the switch removes, counted and said as an update does. */
typedef struct lacked_ctx {
    run_state *st;
    const xap_database *live;
    int alike;
    int report;
    uint64_t n;
    xap_status status;
} lacked_ctx;

/* A path term of the live index: lacked when the build holds no article
 * under it; in a dry run, when no file of the walk gave articles under it
 * (mark_given) and it is not a path the real run would carry, as one it
 * could not read (carry_path). */
static int on_live_path(const char *term, size_t len, uint32_t freq,
                        void *ctx)
{
    (void)freq;
    lacked_ctx *l = ctx;
    run_state *st = l->st;
    const gz_index_config *cfg = st->cfg;
    int held = cfg->dry_run
                   ? gz_strmap_get(&st->ids, term, len) >= (long)cfg->nroots ||
                         (l->alike && term_unreadable(st, l->live, term))
                   : build_holds(st, term, &l->status);
    if (held || l->status != XAP_OK)
        return l->status != XAP_OK;
    l->n++;
    if (l->report) {
        st->stats->removed++;
        changed(st, term + strlen(GZ_PREFIX_PATH), "removed");
    }
    return 0;
}

/* The files of the live index that the build does not hold (gone from
 * the corpus, or now skipped): what switching it in removes, counted in
 * `removed` as an update counts them. Articles given through the writer
 * API have no path and are not counted. On a damaged live index the count
 * stops where its term list could not be read. Not for a dry run. */
static xap_status count_removed(run_state *st, const xap_database *live)
{
    lacked_ctx l = {.st = st, .live = live, .report = 1, .status = XAP_OK};
    xap_status s = xap_database_each_term(live, GZ_PREFIX_PATH, on_live_path,
                                          &l);
    return s == XAP_OK ? l.status : s;
}

/* Say, as count_lost's walk of the damaged live index failed, that the
 * files the rebuild lacks could not all be counted: the refusal's count
 * is then a floor. */
static void warn_lost_uncounted(const run_state *st)
{
    const gz_index_config *cfg = st->cfg;
    char why[1024];
    if (!cfg->on_warning)
        return;
    snprintf(why, sizeof why, "the index being replaced is damaged (%s): "
             "the indexed files the rebuild lacks could not all be counted, "
             "and a corpus directory is empty or moved, so it is not "
             "switched in", xap_last_error());
    cfg->on_warning(cfg->db_path, why, cfg->ctx);
}

/* How many files of the live index a --full build lacks (what switching
 * it in removes), for the guard of an absent root: counted only while a
 * root is empty or moved and the run is not forced. A dry run counts them
 * from what its walk read, as the real run would hold. A build that
 * cannot be asked, or a live index whose paths cannot all be read
 * (damaged: said in a warning), counts as lacking a file at least: a
 * walk that failed before the first lacked path counted none, and a
 * rebuild whose new articles made up the count was switched in while a
 * root was absent. */
static uint64_t count_lost(run_state *st, const xap_database *live)
{
    const gz_index_config *cfg = st->cfg;
    if (!live || cfg->force || !gz_roots_any_absent(st->checks, cfg->nroots))
        return 0;
    lacked_ctx l = {.st = st, .live = live, .status = XAP_OK,
                    .alike = st->nunreadable &&
                             live_written_alike(live, st->language)};
    xap_status s = xap_database_each_term(live, GZ_PREFIX_PATH, on_live_path,
                                          &l);
    /* Root records unread alone (records_unread) do not count paths
     * unread as lacked: every block of a postlist flipped hides both,
     * and the --full that mends it would need --force; its count of
     * articles still weighs it (gz_rebuild_allowed). The partial count
     * (0 when the walk failed at once) lets through only a rebuild
     * whose new articles make up for a root really absent that the
     * damage hid: the records and every path unread, as a live index
     * that does not open at all hides them, which a --full replaces
     * unguarded (check_rebuild: nothing of it to weigh). Both unread
     * while the index opens takes damage over the whole table or above
     * its leaves, or a leaf holding both in a small index (the records
     * sort first, the paths after every author, date and tag term:
     * test_faults test_full_root_record_damage meets the records' leaf
     * alone); such an index is as unreadable as one that does not open,
     * and is mended the same way. */
    if (s != XAP_OK && l.status == XAP_OK &&
        !gz_roots_known_absent(st->checks, cfg->nroots))
        return l.n;
    if (s != XAP_OK && l.status == XAP_OK &&
        gz_is_damage(s, xap_last_error()))
        warn_lost_uncounted(st);
    return (l.status != XAP_OK || s != XAP_OK) && l.n == 0 ? 1 : l.n;
}

/* 1 when a run that is not a dry run would make the index at `db_path`:
 * nothing is there, or an empty directory. */
static int no_index_yet(const char *db_path)
{
    struct stat sb;
    if (lstat(db_path, &sb) != 0)
        return errno == ENOENT;
    return S_ISDIR(sb.st_mode) && !non_empty_dir(db_path);
}

/* rebuild_mounts_allowed's refusal when the damaged live index did not
 * give the files it holds below folder `rel` of `root`, a mount point
 * gone (files_uncounted), into `err`: a count would be untrue. 0. */
static int mounts_uncounted_said(const run_state *st, const char *root,
                                 const char *rel, char *err, size_t errlen)
{
    int rlen = root_len(root);
    snprintf(err, errlen, "%.*s%s%s was a mount point at the last run and "
             "is not one now (not mounted?): the index being replaced is "
             "damaged (%s), and the files it holds below it could not be "
             "counted: the rebuild was not switched in, the index is as it "
             "was; if they are really gone, rerun with "
             "gazette_update_set_force", rlen, root,
             rlen == 1 && root[0] == '/' ? "" : "/", rel,
             st->mounts_uncounted);
    return 0;
}

/* A --full build may not replace an index holding files below mount
 * points gone (check_mounts, which a forced run leaves none of;
 * st->mount_files of them): 0 with the reason in `err`. 1 when there
 * are none. */
static int rebuild_mounts_allowed(const run_state *st, char *err,
                                  size_t errlen)
{
    const char *root, *first;
    size_t gone = mounts_gone(st, &root, &first);
    if (!gone)
        return 1;
    if (st->mounts_uncounted[0])
        return mounts_uncounted_said(st, root, first, err, errlen);
    gz_mounts_gone_said(root, first, gone, st->mount_files, 0, 1, err,
                        errlen);
    return 0;
}

/* End of a --full walk, every shard committed: keep the build only when
 * it did not lose too many articles, nor any article or indexed file
 * while a root is empty or moved (safety.h), counted over all its
 * shards; else set st->refused with the reason in err. A build that may
 * be switched in counts the files it removes. */
static xap_status check_rebuild(run_state *st, char *err, size_t errlen)
{
    const gz_index_config *cfg = st->cfg;
    uint64_t now = 0;
    xap_status s = XAP_OK;
    for (size_t i = 0; s == XAP_OK && !cfg->dry_run && i < st->nshards;
         i++) {
        uint32_t built = 0;
        s = xap_database_doc_count(st->views[i], &built);
        now += built;
    }
    if (cfg->dry_run)
        now = st->article_total;
    /* No live index (or one that does not open): nothing to lose. A
     * damaged one is what a --full is for: what cannot be read of it (its
     * count, its paths) is left out, not a failure. */
    const xap_database *live = live_index(st);
    uint32_t old = 0;
    if (s == XAP_OK && live && xap_database_doc_count(live, &old) != XAP_OK)
        old = 0;
    if (s == XAP_OK && !rebuild_mounts_allowed(st, err, errlen))
        st->refused = 1;
    else if (s == XAP_OK &&
             !gz_rebuild_allowed(st->checks, cfg->nroots, old, now,
                                 count_lost(st, live),
                                 cfg->max_remove_percent, cfg->force,
                                 no_index_yet(cfg->db_path), err, errlen))
        st->refused = 1;
    if (s == XAP_OK && live && !st->refused && !cfg->dry_run)
        (void)count_removed(st, live);
    return s;
}

/* GZ_INDEX_NO_INPUT, said in `err`, when the run may not make an index
 * (cfg->no_create) and none is at cfg->db_path to open: nothing there
 * (nor the directory it goes in), or an empty directory (a mount point
 * with nothing mounted), also where a link leads. A link to nothing, as
 * the path or on the way to it, is left to the checks that name it and
 * its target (broken_link, no_directory). Else GZ_INDEX_OK. */
static gz_index_outcome refuse_to_create(const gz_index_config *cfg,
                                         char *err, size_t errlen)
{
    const char *db = cfg->db_path;
    struct stat sb;
    if (!cfg->no_create)
        return GZ_INDEX_OK;
    if (stat(db, &sb) == 0) {
        if (!S_ISDIR(sb.st_mode) || non_empty_dir(db))
            return GZ_INDEX_OK;
    } else {
        char link[PATH_MAX], chain[PATH_MAX];
        if (errno != ENOENT ||
            (lstat(db, &sb) == 0 && S_ISLNK(sb.st_mode)) ||
            gz_path_dangling_on_the_way(db, link, sizeof link, chain,
                                        sizeof chain) != GZ_LINK_FINE)
            return GZ_INDEX_OK;
    }
    snprintf(err, errlen, "no index at %s, and "
             "gazette_update_set_no_create forbids making one (a disk not "
             "mounted?): nothing was made; build the first index without "
             "gazette_update_set_no_create", db);
    return GZ_INDEX_NO_INPUT;
}

/* The reason of a run stopped by *cfg->stop (GZ_INDEX_INTERRUPTED), put
 * in `err` (errlen bytes), saying what holds after it: a run stopped
 * while it waited for the lock (`waiting`; `err` then names the holder)
 * wrote nothing; a dry run writes nothing; a --full build is deleted
 * unswitched (finish_generation), the index as it was, or, where none
 * is left after that, none was there: nothing was made; an update
 * committed what it did before the stop (index_roots), of a file written
 * in pieces maybe only some pieces (the file is read again next time:
 * gz_index_run's note), and left the rest, removals and the synonyms and
 * aliases files included (write_index_extras), to the next run.
 * gazette-index reads the holder back out of the waiting sentence (its
 * lock_holder_waited_for): it ends "(<holder>); nothing was written". */
static void say_interrupted(const gz_index_config *cfg, int waiting,
                            char *err, size_t errlen)
{
    static const char stopped[] = "interrupted: the stop flag "
                                  "(gazette_update_set_stop_flag) was set";
    char held[512];
    snprintf(held, sizeof held, "%s", err);
    if (waiting)
        snprintf(err, errlen, "%s while the run waited for the index's "
                 "lock (%s); nothing was written", stopped, held);
    else if (cfg->dry_run)
        snprintf(err, errlen, "%s; a dry run writes nothing", stopped);
    else if (cfg->full && no_index_yet(cfg->db_path))
        snprintf(err, errlen, "%s; the unfinished rebuild was deleted, and "
                 "no index was made (there was none before)", stopped);
    else if (cfg->full)
        snprintf(err, errlen, "%s; the unfinished rebuild was deleted, the "
                 "index is as it was", stopped);
    else
        snprintf(err, errlen, "%s; what the run did before it is committed "
                 "(of a file written in pieces, maybe only some pieces: the "
                 "next run reads it again); what remained (files not yet "
                 "read, removals not yet made, the synonyms and entity "
                 "aliases files) is left to the next run", stopped);
}

/* GZ_INDEX_INTERRUPTED, said in `err`, when the run is asked to stop
 * before it starts: it then opens nothing and writes nothing (no index,
 * lock file or generation), where opening the index to commit nothing
 * would leave an empty index behind where none was, and a report of a
 * run (its counts, "what the run did is committed") where none began.
 * What is at `db_path` and is no index (a directory of other files, a
 * link to nothing, a loop of links) is refused first, as a run not
 * stopped refuses it (refuse_non_index; --full refused it already): of
 * it "the index is as it was" would not be true. A dry run writes
 * nothing anyway and is not stopped here. A stop that comes later
 * commits what was done. Else GZ_INDEX_OK. */
static gz_index_outcome stopped_before_start(const gz_index_config *cfg,
                                             char *err, size_t errlen)
{
    if (cfg->dry_run || !cfg->stop ||
        !__atomic_load_n(cfg->stop, __ATOMIC_RELAXED))
        return GZ_INDEX_OK;
    if (no_index_yet(cfg->db_path)) {
        snprintf(err, errlen, "interrupted: the stop flag "
                 "(gazette_update_set_stop_flag) was set before the run "
                 "started, and no index is at %s yet: nothing was made",
                 cfg->db_path);
        return GZ_INDEX_INTERRUPTED;
    }
    gz_index_outcome refused =
        cfg->full ? GZ_INDEX_OK : refuse_non_index(cfg->db_path, err, errlen);
    if (refused != GZ_INDEX_OK)
        return refused;
    snprintf(err, errlen, "interrupted: the stop flag "
             "(gazette_update_set_stop_flag) was set before the run "
             "started: nothing was written, the index at %s is as it was",
             cfg->db_path);
    return GZ_INDEX_INTERRUPTED;
}

/* The line, into `err`, of a run that gave up reading the index: a
 * writer's commits overtook each of its readings (XAP_ERR_DB_MODIFIED
 * past gz_tries_more). A dry run (no lock: another writer's commits) did
 * nothing. A real run's readings so overtaken are of its shards, by their
 * own writer threads' commits (gz_shard_read_again), after batches were
 * committed: an update keeps those (its summary counts them, as after
 * any failure mid-run), a --full's build is deleted (finish_generation).
 * It said "nothing was done" of them all. */
static void say_kept_changing(const gz_index_config *cfg, char *err,
                              size_t errlen)
{
    const char *after =
        cfg->dry_run ? "nothing was done: try again"
        : cfg->full && no_index_yet(cfg->db_path)
            ? "the unfinished rebuild was deleted, and no index was made "
              "(there was none before): try again"
        : cfg->full ? "the unfinished rebuild was deleted, the index is as "
                      "it was: try again"
                    : "the index keeps what the run committed before (the "
                      "summary counts it): a rerun does the rest";
    snprintf(err, errlen, "%s: the index kept changing while it was read (a "
             "writer's commits overtook each of its readings, at least %d "
             "over at least %g s); %s", cfg->db_path, MODIFIED_RETRIES,
             MODIFIED_RETRY_SECONDS, after);
}

/* A `db` that names a server (tcp://HOST:PORT, as gazette-query takes
 * it) cannot be written: refused as a stub naming a server is
 * (shards.c), GZ_INDEX_CORRUPT with `err` saying so, rather than taken
 * for a path whose directory "tcp:" does not exist. Else GZ_INDEX_OK. */
static gz_index_outcome remote_db(const char *db, char *err, size_t errlen)
{
    if (strncmp(db, "tcp://", 6) != 0)
        return GZ_INDEX_OK;
    snprintf(err, errlen, "%s: a remote index is not a local database "
             "this library can write (update it where it is served)", db);
    return GZ_INDEX_CORRUPT;
}

gz_index_outcome gz_index_run(const gz_index_config *cfg,
                              gz_index_stats *stats, char *err, size_t errlen)
{
    double start = now_seconds();
    memset(stats, 0, sizeof *stats);
    err[0] = '\0';
    gz_index_outcome checked = remote_db(cfg->db_path, err, errlen);
    if (checked != GZ_INDEX_OK) {   /* nothing opened, nothing made */
        stats->unstarted = 1;
        return checked;
    }
    checked = check_roots(cfg, err, errlen);
    if (checked != GZ_INDEX_OK)
        return checked;
    /* --full replaces DB: refuse before building if that would delete
     * something that is not an index (finish_generation checks again);
     * a dry run says so too, as the real run would. A loop of links on
     * the way is no index and takes none (the other runs find it in
     * refuse_non_index, where a link given as --db is followed). */
    if (cfg->full &&
        (checked = loop_on_the_way(cfg->db_path, err, errlen)) !=
            GZ_INDEX_OK)
        return checked;
    if (cfg->full) {
        int checked = gz_generation_check(cfg->db_path, cfg->roots,
                                          cfg->nroots, err, errlen);
        if (checked != 0)   /* a system call failed: not a refusal */
            return checked > 0 ? GZ_INDEX_REFUSED : GZ_INDEX_IO_ERROR;
    }
    int foreign = 0;
    uint64_t live = cfg->full ? live_articles(cfg->db_path, &foreign) : 0;
    if (foreign) {
        gz_foreign_index_error(cfg->db_path, live, err, errlen);
        return GZ_INDEX_REFUSED;
    }
    if (!cfg->full && gz_shards_foreign(cfg->db_path, err, errlen))
        return GZ_INDEX_REFUSED;
    /* A sharded index that lost its stub: Xapian would make a new
     * database beside the shards (-j1), or a stub of as many shards as
     * jobs, which sends files to other shards than their old copies.
     * --full rebuilds it from the corpus. */
    if (!cfg->full && gz_shards_stub_lost_said(cfg->db_path, err, errlen)) {
        size_t n = strlen(err);
        snprintf(err + n, errlen - n, "; or rebuild it with "
                 "gazette_update_set_full");
        stats->unstarted = 1;   /* nothing opened, nothing written */
        return GZ_INDEX_CORRUPT;
    }
    checked = stopped_before_start(cfg, err, errlen);
    if (checked == GZ_INDEX_OK)
        checked = refuse_to_create(cfg, err, errlen);
    if (checked == GZ_INDEX_OK)
        checked = no_directory(cfg->db_path, err, errlen);
    if (checked != GZ_INDEX_OK) {   /* nothing opened, nothing made */
        stats->unstarted = 1;
        stats->seconds = now_seconds() - start;
        return checked;
    }
    run_state st = {.cfg = cfg, .stats = stats, .status = XAP_OK};
    run_hold h = {.lock_fd = -1};
    xap_status s = XAP_OK;
    gz_index_outcome outcome = GZ_INDEX_OK;
    if (!(st.checks = calloc(cfg->nroots ? cfg->nroots : 1,
                             sizeof *st.checks)))
        s = XAP_ERR_NOMEM;
    if (s == XAP_OK)
        outcome = open_run(&st, &h, &s, err, errlen);
    if (outcome == GZ_INDEX_OK && stats->lock_wait > 0)
        say_lock_wait(cfg, stats);
    /* stopped before it could write: the lock was held all the while */
    int waiting = outcome == GZ_INDEX_INTERRUPTED;
    /* another writer kept the lock (at once, or to the end of the wait):
     * nothing was written, as when stopped while waiting */
    int locked_out = outcome == GZ_INDEX_LOCKED;
    /* Root devices are remembered in the first shard (write_index_extras) */
    if (outcome == GZ_INDEX_OK && s == XAP_OK)
        s = inspect_roots(&st);
    if (outcome == GZ_INDEX_OK && s == XAP_OK && !cfg->full)
        s = load_filemap(&st);
    if (outcome == GZ_INDEX_OK && s == XAP_OK)
        s = reread_shadowed_files(&st);
    if (outcome == GZ_INDEX_OK && s == XAP_OK)
        s = watch_api_articles(&st, err, errlen);
    stats->known = st.known.count;
    if (outcome == GZ_INDEX_OK && s == XAP_OK)
        s = start_pipeline(&st);
    if (outcome == GZ_INDEX_OK && s == XAP_OK)
        s = index_roots(&st, err, errlen);
    /* every shard finished and committed: may the build replace DB? */
    if (outcome == GZ_INDEX_OK && s == XAP_OK && cfg->full && !st.stopped)
        s = check_rebuild(&st, err, errlen);
    if (outcome == GZ_INDEX_OK && s == XAP_OK && !cfg->dry_run)
        s = close_shards_committed(&st, err, errlen);
    if (outcome == GZ_INDEX_OK) {
        /* XAP_ERR_NOMEM may be C code's own, with no shim message: the
         * shim's last one is then an older, expected error's. Xapian's
         * text of an overtaken read (a shard writer's, kept by the
         * pipeline) tells its caller to reopen and retry, which the run
         * did: said in the run's words, whatever was kept. */
        if (s == XAP_ERR_DB_MODIFIED)
            say_kept_changing(cfg, err, errlen);
        else if (s != XAP_OK && !err[0])
            snprintf(err, errlen, "%s: %s", cfg->db_path,
                     s == XAP_ERR_NOMEM ? "out of memory" : xap_last_error());
        /* The pipeline's failure (st.status, what index_roots returned)
         * by the message of the thread that failed. */
        const char *cause = st.status_of_pipeline
                                ? gz_pipeline_cause(st.pipe)
                                : xap_last_error();
        outcome = s != XAP_OK ? outcome_for(s, cause ? cause : "")
                  : st.stopped ? GZ_INDEX_INTERRUPTED
                  : st.refused || st.mounts_held ? GZ_INDEX_UNSAFE
                                                 : GZ_INDEX_OK;
    }
    /* The generation is compacted and switched in with the lock still
     * held. */
    int lock_fd = h.lock_fd;
    h.lock_fd = -1;
    gz_shard_list parts = st.where;   /* taken before close_run frees it */
    memset(&st.where, 0, sizeof st.where);
    close_run(&st, &h);
    if (h.made_gen && outcome == GZ_INDEX_OK && parts.n &&
        compact_generation(cfg, &parts, h.gen_path, h.gen_rel, err,
                           errlen) != 0 && cfg->on_warning)
        cfg->on_warning(cfg->db_path, err, cfg->ctx);
    gz_shards_free(&parts);
    if (h.made_gen)
        outcome = finish_generation(cfg, outcome, &h, err, errlen);
    /* A --full that switched nothing in leaves no trace in a DB.d it
     * made: after a new index's failed first rebuild there is none. */
    if (h.made_gens_dir && outcome != GZ_INDEX_OK && lock_fd >= 0)
        gz_generation_dir_drop(cfg->db_path);
    /* A --full build not switched in (failed, stopped, refused by a
     * removal guard; a dry run's too) changed nothing: no count of it is
     * true of the index, so none is given. */
    if (cfg->full && outcome != GZ_INDEX_OK) {
        double waited = stats->lock_wait;   /* a fact of the run, kept */
        memset(stats, 0, sizeof *stats);
        stats->lock_wait = waited;
    }
    if (outcome == GZ_INDEX_INTERRUPTED)
        say_interrupted(cfg, waiting, err, errlen);
    if (outcome == GZ_INDEX_CORRUPT)
        say_damaged(cfg, err, errlen);
    /* Stopped before it got the lock, or refused it by another writer,
     * the run wrote nothing, as one stopped before it started: no run to
     * report (its counts are 0). */
    if (waiting || (locked_out && outcome == GZ_INDEX_LOCKED))
        stats->unstarted = 1;
    /* A dry run that gave up reading the index reported nothing true of
     * it either: as one kept from the lock, no summary (75 both). A real
     * run's counts say what it committed, as after any failure mid-run. */
    if (outcome == GZ_INDEX_MODIFIED && cfg->dry_run)
        stats->unstarted = 1;
    release_live(&h);
    if (lock_fd >= 0)
        close(lock_fd);
    stats->seconds = now_seconds() - start;
    return outcome;
}
