/* indexer.c - walk the corpus, analyze changed articles, update the index. */
#include "indexer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analyze.h"
#include "corpus.h"
#include "filemap.h"
#include "gazette_private.h"
#include "generation.h"
#include "safety.h"
#include "schema.h"
#include "entity_aliases.h"
#include "synonyms.h"
#include "xapian_shim.h"

#define DEFAULT_BATCH 1000
#define LOCK_POLL_NS 150000000L   /* 150 ms between lock attempts */

/* State of one run, shared by the walk and article callbacks. */
typedef struct run_state {
    const gz_index_config *cfg;
    gz_index_stats *stats;
    xap_writable *db;            /* NULL in a dry run */
    xap_database *view;          /* what the file map was loaded from */
    gz_analyzer *analyzer;
    gz_filemap known;            /* files recorded in the index */
    const corpus_file *file;     /* file being read */
    const char *path_term;       /* its path term */
    gz_file_entry *entry;        /* its record, or NULL when new */
    char stat_value[64];         /* its GZ_SLOT_FILE_STAT value */
    char hash_value[17];         /* its GZ_SLOT_FILE_HASH value */
    unsigned articles;           /* articles written for it so far */
    unsigned pending;            /* articles since the last commit */
    int stopped;                 /* the stop flag was seen */
    int refused;                 /* removals withheld or --full not
                                    switched in (safety.h); err says why */
    gz_root_check *checks;       /* one per corpus root */
    uint64_t article_total;      /* articles written (a dry run: read) */
    const char *root;            /* root being walked */
    char **unreadable;           /* relpaths the walk warned about */
    size_t nunreadable, capunreadable;
    xap_status status;           /* first write failure, sticky */
    char *err;                   /* the run's one-line error (errlen) */
    size_t errlen;
} run_state;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The outcome of a failed shim call (call right after it: the shim's
 * message refines it). An index that exists but does not open (a table
 * deleted) is damaged; a system error (permissions, out of descriptors,
 * disk full) is an I/O error whatever Xapian's class for it. */
static gz_index_outcome outcome_for(xap_status s)
{
    if (s != XAP_OK && s != XAP_ERR_NOMEM && gz_shim_error_is_io())
        return GZ_INDEX_IO_ERROR;
    if (s != XAP_OK && gz_shim_error_is_damage())
        return GZ_INDEX_CORRUPT;
    switch (s) {
    case XAP_OK: return GZ_INDEX_OK;
    case XAP_ERR_DB_LOCKED: return GZ_INDEX_LOCKED;
    case XAP_ERR_DB_OPENING:
    case XAP_ERR_DB_CORRUPT:
    case XAP_ERR_DB_VERSION: return GZ_INDEX_CORRUPT;
    case XAP_ERR_DB:
    case XAP_ERR_DB_NOT_FOUND: return GZ_INDEX_IO_ERROR;
    case XAP_ERR_NOMEM: return GZ_INDEX_NO_MEMORY;
    default: return GZ_INDEX_INTERNAL;
    }
}

/* Out of descriptors or memory while opening `path`: not the file's
 * fault, so no skip; the run stops as an I/O failure (out of memory as
 * such), keeping what it committed. */
static void stop_exhausted(run_state *st, const char *path, int e)
{
    snprintf(st->err, st->errlen, "%s: %s", path, strerror(e));
    st->status = e == ENOMEM ? XAP_ERR_NOMEM : XAP_ERR_DB;
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

static int stop_requested(run_state *st)
{
    if (st->cfg->stop && *st->cfg->stop)
        st->stopped = 1;
    return st->stopped;
}

/* Commit when a batch is full. Called between files only, so a commit
 * never holds half of a file's articles. */
static void maybe_commit(run_state *st)
{
    unsigned batch = st->cfg->batch_size ? st->cfg->batch_size
                                         : DEFAULT_BATCH;
    if (st->db && st->status == XAP_OK && st->pending >= batch) {
        st->status = xap_writable_commit(st->db);
        st->pending = 0;
    }
}

/* Write one article of the current file. The first one first deletes
 * what the index holds for the file, so articles gone from it go too. */
static int on_article(const corpus_article *art, void *ctx)
{
    run_state *st = ctx;
    xap_status s = XAP_OK;
    if (st->articles == 0 && st->entry)
        s = xap_writable_delete_document_by_term(st->db, st->path_term);
    xap_document *doc = NULL;
    char id_term[GZ_TERM_BUF];
    if (s == XAP_OK)
        s = gz_analyze_article(st->analyzer, st->file, art, &doc, id_term);
    if (s == XAP_OK)
        s = xap_document_add_value(doc, GZ_SLOT_FILE_STAT, st->stat_value,
                                   strlen(st->stat_value));
    if (s == XAP_OK)
        s = xap_document_add_value(doc, GZ_SLOT_FILE_HASH, st->hash_value,
                                   strlen(st->hash_value));
    if (s == XAP_OK)
        s = xap_document_add_value(doc, GZ_SLOT_FILE_PATH,
                                   st->file->relpath,
                                   strlen(st->file->relpath));
    /* By id term, not add: two roots may hold the same relative path. */
    if (s == XAP_OK)
        s = xap_writable_replace_document_by_term(st->db, id_term, doc, NULL);
    xap_document_free(doc);
    if (s == XAP_OK) {
        st->articles++;
        st->pending++;
        st->article_total++;
    }
    st->status = s;
    return s != XAP_OK;
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

/* A dry run only counts what corpus_read_file finds. */
static int on_article_dry(const corpus_article *art, void *ctx)
{
    (void)art;
    ((run_state *)ctx)->articles++;
    ((run_state *)ctx)->article_total++;
    return 0;
}

typedef struct docid_buf {
    xap_docid *next, *end;
} docid_buf;

static int collect_docid(xap_docid id, void *ctx)
{
    docid_buf *b = ctx;
    if (b->next == b->end)
        return 1;
    *b->next++ = id;
    return 0;
}

/* The file was touched but its bytes are the same: record the new stat on
 * its documents so the next run needs a stat only. Docids are kept. */
static xap_status refresh_stat(run_state *st, const gz_file_entry *e)
{
    uint32_t n = 0;
    xap_status s = xap_database_termfreq(st->view, e->term, &n);
    xap_docid *ids = s == XAP_OK ? calloc(n ? n : 1, sizeof *ids) : NULL;
    if (s == XAP_OK && !ids)
        s = XAP_ERR_NOMEM;
    docid_buf buf = {ids, ids ? ids + n : NULL};
    if (s == XAP_OK)
        s = xap_database_each_posting(st->view, e->term, collect_docid,
                                      &buf);
    for (xap_docid *p = ids; s == XAP_OK && p < buf.next; p++) {
        xap_document *doc = NULL;
        s = xap_database_get_document(st->view, *p, &doc);
        if (s == XAP_OK)
            s = xap_document_add_value(doc, GZ_SLOT_FILE_STAT, st->stat_value,
                                       strlen(st->stat_value));
        /* Documents written before the path slot existed get it now. */
        if (s == XAP_OK)
            s = xap_document_add_value(doc, GZ_SLOT_FILE_PATH,
                                       st->file->relpath,
                                       strlen(st->file->relpath));
        if (s == XAP_OK)
            s = xap_writable_replace_document(st->db, *p, doc);
        xap_document_free(doc);
        st->pending++;
    }
    free(ids);
    return s;
}

/* Read and (re)index a file whose content is new or changed. */
/* Close the file's transaction: kept when all went well, else undone. */
static void end_file_transaction(run_state *st)
{
    if (!st->db)
        return;
    if (st->status == XAP_OK)
        st->status = xap_writable_commit_transaction(st->db);
    else
        xap_writable_cancel_transaction(st->db);
}

static void reindex_file(run_state *st, const corpus_file *file)
{
    char why[512];
    corpus_options opts = {.max_bytes = st->cfg->max_file_bytes,
                           .on_bad_article = on_bad_article,
                           .on_warning = on_article_warning,
                           .warn_ctx = st};
    /* One transaction a file: Xapian's own automatic commit (every
     * XAPIAN_FLUSH_THRESHOLD changes) must not land inside a file, or a
     * run killed then would leave part of the file under its new stat,
     * which later runs take for unchanged. */
    if (st->db && (st->status = xap_writable_begin_transaction(st->db, 0)) !=
                      XAP_OK)
        return;
    corpus_status cs = corpus_read_file(
        file, &opts, st->db ? on_article : on_article_dry, st, why,
        sizeof why);
    if (cs == CORPUS_STOPPED || cs == CORPUS_ERR_NOMEM ||
        cs == CORPUS_ERR_RESOURCES) {
        if (cs == CORPUS_ERR_NOMEM)
            st->status = XAP_ERR_NOMEM;
        if (cs == CORPUS_ERR_RESOURCES) {
            snprintf(st->err, st->errlen, "%s: %s", file->path, why);
            st->status = XAP_ERR_DB;
        }
        end_file_transaction(st);
        return;
    }
    if (cs != CORPUS_OK) {
        /* A file that cannot be read keeps its old articles (it may be
         * back tomorrow). One that reads but holds no article any more
         * (emptied, binary, too large, malformed) loses them. Failing
         * half-way (multi-article formats): drop what was written, so the
         * index never holds part of a file under the new stat. */
        int drop_old = cs != CORPUS_SKIP_UNREADABLE && st->entry;
        if (st->db && (st->articles > 0 || drop_old))
            st->status = xap_writable_delete_document_by_term(st->db,
                                                              st->path_term);
        st->stats->skipped++;
        skip(st, file->path, why);
        end_file_transaction(st);
        return;
    }
    if (st->db && st->articles == 0 && st->entry)
        st->status = xap_writable_delete_document_by_term(st->db,
                                                          st->path_term);
    end_file_transaction(st);
    st->entry ? st->stats->updated++ : st->stats->added++;
    changed(st, file->relpath, st->entry ? "updated" : "added");
}

/* 1 when `file` has no extension to go by and does not open with a mail
 * header block: it is then ignored, not scanned, and (not being marked
 * seen) its old articles, if any, are removed. A file whose stat matches
 * the index was mail when it was indexed and is not read again. */
static int not_mail(run_state *st, const corpus_file *file,
                    const gz_file_entry *e)
{
    if (corpus_name_kind_of(file->relpath, NULL) != CORPUS_NAME_MAYBE_MAIL)
        return 0;
    if (e && !e->seen && e->size == file->size &&
        e->mtime_ns == file->mtime_ns)
        return 0;
    char why[256];
    if (corpus_probe_mail(file, why, sizeof why) != 0)
        return 0;            /* mail, or unreadable: the hash step reports it */
    ignored(st, file->path, why);
    return 1;
}

/* Decide what one walked file needs: nothing (same stat), a stat refresh
 * (same hash) or a reindex; or nothing at all when it is not an article
 * after all (a file without extension that is not mail). */
static void visit_file(run_state *st, const corpus_file *file)
{
    char term[GZ_TERM_BUF];
    gz_make_term(GZ_PREFIX_PATH, file->relpath, term, sizeof term);
    gz_file_entry *e = gz_filemap_find(&st->known, term);
    if (not_mail(st, file, e))
        return;
    st->stats->scanned++;
    if (e && !e->seen && e->size == file->size &&
        e->mtime_ns == file->mtime_ns) {
        e->seen = 1;
        st->stats->unchanged++;
        return;
    }
    /* Not hashed (1): over the size limit or no longer a regular file;
     * the reader says which, and no hash is recorded. */
    uint64_t hash;
    int hashed = gz_hash_file(file->path, st->cfg->max_file_bytes, &hash);
    if (hashed < 0 && corpus_errno_is_exhaustion(errno)) {
        stop_exhausted(st, file->path, errno);
        return;
    }
    if (hashed < 0) {
        if (e)
            e->seen = 1;   /* there, but unreadable: keep its articles */
        st->stats->skipped++;
        skip(st, file->path, strerror(errno));
        return;
    }
    st->file = file;
    st->path_term = term;
    st->entry = e;
    st->articles = 0;
    gz_format_stat(st->stat_value, sizeof st->stat_value, file->size,
                   file->mtime_ns);
    if (hashed == 0)
        gz_format_hash(st->hash_value, hash);
    else
        st->hash_value[0] = '\0';
    int same = hashed == 0 && e && !e->seen && e->has_hash && e->hash == hash;
    if (e)
        e->seen = 1;
    if (same) {
        st->stats->unchanged++;
        if (st->db)
            st->status = refresh_stat(st, e);
        return;
    }
    reindex_file(st, file);
}

static int on_file(const corpus_file *file, void *ctx)
{
    run_state *st = ctx;
    if (stop_requested(st))
        return 1;
    visit_file(st, file);
    if (st->status != XAP_OK)
        return 1;
    maybe_commit(st);
    if (st->cfg->on_progress)
        st->cfg->on_progress(st->stats, st->cfg->ctx);
    return st->status != XAP_OK;
}

/* The walk met something that is not part of the corpus. */
static void on_walk_ignored(const char *path, const char *reason, void *ctx)
{
    ignored(ctx, path, reason);
}

/* The walk could not use `path` (an unreadable directory, a broken
 * symlink...): report it, and remember its relative path so that the
 * articles indexed below it are not taken for vanished. */
static void on_walk_warning(const char *path, const char *reason, void *ctx)
{
    run_state *st = ctx;
    st->stats->skipped++;   /* so the run exits 1: something needs a look */
    skip(st, path, reason);
    size_t n = strlen(st->root);
    while (n > 1 && st->root[n - 1] == '/')
        n--;
    if (strncmp(path, st->root, n) != 0 || path[n] != '/')
        return;
    if (st->nunreadable == st->capunreadable) {
        size_t cap = st->capunreadable ? st->capunreadable * 2 : 16;
        char **v = realloc(st->unreadable, cap * sizeof *v);
        if (!v)
            return;   /* then it may be removed: the index stays valid */
        st->unreadable = v;
        st->capunreadable = cap;
    }
    if ((st->unreadable[st->nunreadable] = strdup(path + n + 1)))
        st->nunreadable++;
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
}

/* 1 when `relpath` is, or is below, a path the walk could not read. */
static int below_unreadable(const run_state *st, const char *relpath)
{
    for (size_t i = 0; i < st->nunreadable; i++) {
        size_t n = strlen(st->unreadable[i]);
        if (strncmp(relpath, st->unreadable[i], n) == 0 &&
            (relpath[n] == '\0' || relpath[n] == '/'))
            return 1;
    }
    return 0;
}

/* Check every root exists (a directory or a file) before touching the
 * index. */
static int check_roots(const gz_index_config *cfg, char *err, size_t errlen)
{
    for (size_t i = 0; i < cfg->nroots; i++) {
        struct stat sb;
        if (stat(cfg->roots[i], &sb) != 0) {
            snprintf(err, errlen, "corpus %s: %s", cfg->roots[i],
                     strerror(errno));
            return -1;
        }
        if (!S_ISDIR(sb.st_mode) && !S_ISREG(sb.st_mode)) {
            snprintf(err, errlen, "corpus %s: not a directory or a file",
                     cfg->roots[i]);
            return -1;
        }
    }
    return 0;
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

/* "<db>.lock", with trailing slashes of the db path dropped. */
static int lock_path(const char *db, char *buf, size_t size)
{
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

/* An existing --db that is not an index must not get Xapian's files
 * written into it: a file that is not a stub, or a directory holding
 * files but no Xapian database. 0 when the path may be opened. */
static int refuse_non_index(const char *db_path, char *err, size_t errlen)
{
    if (gz_generation_check(db_path, NULL, 0, err, errlen) == 0)
        return 0;
    /* gz_generation_check refuses any foreign file; an index beside other
     * files (made by an earlier version) is still an index. */
    char marker[4200];
    snprintf(marker, sizeof marker, "%s/iamglass", db_path);
    struct stat sb;
    if (stat(marker, &sb) == 0)
        return 0;
    snprintf(err, errlen, "refusing to write an index into %s: it exists "
             "and is not a Xapian index; give the path of an index or a "
             "new one", db_path);
    return -1;
}

static void sleep_poll(void)
{
    struct timespec ts = {0, LOCK_POLL_NS};
    nanosleep(&ts, NULL);
}

/* Take the lock file of cfg->db_path and open `target` for writing with
 * `action`, waiting up to cfg->wait_lock_seconds while another writer
 * holds either lock. On success *lock_fd holds the lock file (closing it
 * releases it). */
gz_index_outcome gz_index_open_locked(const char *db_path,
                                      const char *target,
                                      xap_db_action action,
                                      double wait_lock_seconds,
                                      const volatile sig_atomic_t *stop,
                                      xap_writable **db, int *lock_fd,
                                      char *err, size_t errlen)
{
    char path[4096];
    if (lock_path(db_path, path, sizeof path) != 0) {
        snprintf(err, errlen, "%s: path too long", db_path);
        return GZ_INDEX_IO_ERROR;
    }
    if (strcmp(db_path, target) == 0 && action != XAP_DB_CREATE &&
        refuse_non_index(db_path, err, errlen) != 0)
        return GZ_INDEX_REFUSED;
    double deadline = now_seconds() + wait_lock_seconds;
    for (;;) {
        long holder = 0;
        int is_writer = 0;
        int r = try_lock_file(path, lock_fd, &holder, &is_writer);
        if (r < 0) {
            snprintf(err, errlen, "%s: %s%s", path, strerror(errno),
                     errno == ELOOP ? " (a symbolic link: refusing to "
                                      "open a lock file through one)"
                                    : "");
            return GZ_INDEX_IO_ERROR;
        }
        if (r == 0) {
            xap_status s = xap_writable_open(target, action, 0, db);
            if (s != XAP_ERR_DB_LOCKED || !xapian_lock_busy()) {
                if (s != XAP_OK)
                    snprintf(err, errlen, "%s: %s", target,
                             xap_last_error());
                if (s != XAP_OK)
                    close_lock(lock_fd);
                return s == XAP_ERR_DB_LOCKED ? GZ_INDEX_IO_ERROR
                                              : outcome_for(s);
            }
            close_lock(lock_fd);
            snprintf(err, errlen, "Xapian lock held");
        } else if (holder > 0) {
            snprintf(err, errlen, "lock %s held by process %ld%s", path,
                     holder, is_writer ? "" : ", not a gazette writer");
        } else {
            snprintf(err, errlen, "lock %s held", path);
        }
        if (stop && *stop)
            return GZ_INDEX_INTERRUPTED;
        if (now_seconds() >= deadline)
            return GZ_INDEX_LOCKED;
        sleep_poll();
    }
}

/* 1 when recorded file `e` was not seen by the walk and its articles
 * are to go (not below a path the walk could not read). */
static int vanished(const run_state *st, const gz_file_entry *e)
{
    return e->term && !e->seen &&
           !below_unreadable(st, e->term + strlen(GZ_PREFIX_PATH));
}

/* Delete the articles of every recorded file that the walk did not see. */
static void remove_vanished(run_state *st)
{
    for (size_t i = 0; i < st->known.cap && st->status == XAP_OK; i++) {
        gz_file_entry *e = &st->known.slots[i];
        if (!vanished(st, e))
            continue;
        if (stop_requested(st))
            return;
        if (st->db) {
            uint32_t n = 0;
            st->status = xap_database_termfreq(st->view, e->term, &n);
            if (st->status == XAP_OK)
                st->status = xap_writable_delete_document_by_term(st->db,
                                                                  e->term);
            st->pending += n;
        }
        st->stats->removed++;
        changed(st, e->term + strlen(GZ_PREFIX_PATH), "removed");
        maybe_commit(st);
    }
}

/* Remove what vanished, unless that looks like an accident (safety.h):
 * then remove nothing and set st->refused with the reason in err. A
 * --full build starts empty: there is nothing to remove. */
static void remove_if_safe(run_state *st, char *err, size_t errlen)
{
    const gz_index_config *cfg = st->cfg;
    if (cfg->full)
        return;
    uint64_t gone = 0;
    for (size_t i = 0; i < st->known.cap; i++)
        gone += vanished(st, &st->known.slots[i]);
    if (!gz_removal_allowed(st->checks, cfg->nroots,
                            cfg->no_delete ? 0 : gone, st->known.count,
                            cfg->max_remove_percent, cfg->force, err,
                            errlen))
        st->refused = 1;
    else if (!cfg->no_delete)
        remove_vanished(st);
}

/* Walk root `i`: count its files; a root that cannot be opened is
 * recorded as unreadable (nothing of it is removed), except when out of
 * memory or descriptors, which stop the run as an I/O failure. */
static void walk_root(run_state *st, size_t i, char *err, size_t errlen)
{
    gz_root_check *c = &st->checks[i];
    uint64_t before = st->stats->scanned;
    const gz_index_config *cfg = st->cfg;
    st->root = cfg->roots[i];
    corpus_walk_options wo = {
        .include = cfg->include, .ninclude = cfg->ninclude,
        .exclude = cfg->exclude, .nexclude = cfg->nexclude,
        .on_ignored = on_walk_ignored,
        .follow_outside_symlinks = cfg->follow_symlinks,
        .on_excluded = on_walk_excluded};
    int rc = corpus_walk_with(st->root, &wo, on_file, on_walk_warning, st);
    c->files = st->stats->scanned - before;
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

/* Walk every root, then remove what vanished and commit. Vanished files
 * are only looked for after a complete walk. */
static xap_status index_roots(run_state *st, char *err, size_t errlen)
{
    const gz_index_config *cfg = st->cfg;
    for (size_t i = 0; i < cfg->nroots && st->status == XAP_OK; i++) {
        walk_root(st, i, err, errlen);
        if (st->stopped)
            break;
    }
    if (st->status == XAP_OK && !st->stopped)
        remove_if_safe(st, err, errlen);
    if (st->status == XAP_OK && st->db && !st->stopped)
        st->status = gz_roots_record(st->db, st->checks, cfg->nroots,
                                     !st->refused);
    if (st->status == XAP_OK && st->db && cfg->synonyms && !st->stopped)
        st->status = gz_synonyms_write(st->db, cfg->synonyms, cfg->language);
    if (st->status == XAP_OK && st->db && cfg->entity_aliases && !st->stopped)
        st->status = gz_entity_aliases_write(st->db, cfg->entity_aliases);
    if (st->status == XAP_OK && st->db)
        st->status = xap_writable_commit(st->db);
    return st->status;
}

/* Dry run: read the index as it is, if there is one. */
static xap_status open_dry(const gz_index_config *cfg, run_state *st)
{
    xap_status s = xap_database_open(cfg->db_path, &st->view);
    if (s == XAP_ERR_DB_NOT_FOUND || s == XAP_ERR_DB_OPENING) {
        struct stat sb;
        if (stat(cfg->db_path, &sb) != 0 && errno == ENOENT)
            return XAP_OK;   /* no index yet: everything is new */
    }
    return s;
}

/* End of a --full build (the new generation is closed, the lock still
 * held): switch the stub to it when the build completed and DB is still
 * safe to replace (checked again: it may have changed during the build),
 * else delete it and leave the live index as it was. Once switched, the
 * new generation is in use and is never deleted: failing to delete old
 * ones is only a warning (cfg->on_warning). */
static gz_index_outcome finish_generation(const gz_index_config *cfg,
                                          gz_index_outcome outcome,
                                          const char *gen_path,
                                          const char *gen_rel, char *err,
                                          size_t errlen)
{
    int switched = -1;
    if (outcome == GZ_INDEX_OK &&
        gz_generation_check(cfg->db_path, cfg->roots, cfg->nroots, err,
                            errlen) == 0)
        switched = gz_generation_switch(cfg->db_path, gen_rel, err, errlen);
    if (switched == 1 && cfg->on_warning)
        cfg->on_warning(cfg->db_path, err, cfg->ctx);
    if (switched >= 0) {
        err[0] = '\0';
        return GZ_INDEX_OK;
    }
    const char *name = strrchr(gen_path, '/');
    gz_generation_remove(cfg->db_path, name ? name + 1 : gen_path);
    return outcome == GZ_INDEX_OK ? GZ_INDEX_IO_ERROR : outcome;
}

/* An index stemmed in one language and updated in another would mix
 * terms that no query can match together: refuse, naming the language the
 * index has. Returns GZ_INDEX_OK when the index has no language yet or the
 * same one. */
static gz_index_outcome check_language(const gz_index_config *cfg,
                                       const xap_database *view,
                                       xap_status *s, char *err,
                                       size_t errlen)
{
    char *stored = NULL;
    size_t len = 0;
    gz_index_outcome outcome = GZ_INDEX_OK;
    *s = xap_database_get_metadata(view, GZ_META_LANGUAGE, &stored, &len);
    if (*s == XAP_OK && len &&
        (len != strlen(cfg->language) ||
         memcmp(stored, cfg->language, len) != 0)) {
        snprintf(err, errlen,
                 "index %s is stemmed in '%.*s', not '%s': rerun with "
                 "--language %.*s, or rebuild it with --full",
                 cfg->db_path, (int)len, stored, cfg->language, (int)len,
                 stored);
        outcome = GZ_INDEX_WRONG_LANGUAGE;
    }
    free(stored);
    return outcome;
}

/* An index whose articles were written in another index format
 * (schema.h) cannot be updated: their terms would not meet the new ones.
 * An empty one takes the new format. */
static gz_index_outcome check_format(const gz_index_config *cfg,
                                     const xap_database *view, xap_status *s,
                                     char *err, size_t errlen)
{
    char *stored = NULL;
    size_t len = 0;
    uint32_t docs = 0;
    gz_index_outcome outcome = GZ_INDEX_OK;
    *s = xap_database_get_metadata(view, GZ_META_FORMAT, &stored, &len);
    if (*s == XAP_OK)
        *s = xap_database_doc_count(view, &docs);
    if (*s == XAP_OK && docs && !gz_format_supported(stored, len)) {
        snprintf(err, errlen,
                 "index %s has Gazette index format %.*s, this gazette-index "
                 "writes format %s: rebuild it with --full",
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
    xap_status status;
} synonym_copy;

static int copy_one_synonym(const char *synonym, void *ctx)
{
    synonym_copy *c = ctx;
    c->status = xap_writable_add_synonym(c->to, c->key, synonym);
    return c->status != XAP_OK;
}

static int copy_synonym_key(const char *key, void *ctx)
{
    synonym_copy *c = ctx;
    c->key = key;
    xap_status s = xap_database_each_synonym(c->from, key, copy_one_synonym, c);
    if (c->status == XAP_OK)
        c->status = s;
    return c->status != XAP_OK;
}

/* A --full rebuild starts a new database: carry the live index's synonyms
 * (set by an earlier --synonyms) over to it, so that only a new
 * --synonyms FILE changes them. No live index: nothing to carry. */
static xap_status carry_synonyms(const char *live_path, xap_writable *to)
{
    xap_database *from = NULL;
    if (xap_database_open(live_path, &from) != XAP_OK)
        return XAP_OK;
    synonym_copy c = {.from = from, .to = to, .status = XAP_OK};
    xap_status s = xap_database_each_synonym_key(from, "", copy_synonym_key,
                                                 &c);
    xap_database_free(from);
    return s == XAP_OK ? c.status : s;
}

/* What a run holds besides run_state: the lock file, and for --full the
 * generation being built. */
typedef struct run_hold {
    int lock_fd;             /* -1 when no lock is held */
    int made_gen;            /* gen_path was created by this run */
    char gen_path[4096];     /* --full: new generation directory */
    char gen_rel[4096];      /* the same, relative to the stub */
} run_hold;

/* Open what the run reads and writes: nothing but the index read-only for
 * a dry run, a new generation for --full, else the index itself; record
 * the index format. Sets *s on a shim failure; returns the outcome of
 * locking (GZ_INDEX_OK when the run may go on). */
static gz_index_outcome open_run(run_state *st, run_hold *h, xap_status *s,
                                 char *err, size_t errlen)
{
    const gz_index_config *cfg = st->cfg;
    gz_index_outcome outcome = GZ_INDEX_OK;
    if (cfg->dry_run) {
        *s = cfg->full ? XAP_OK : open_dry(cfg, st);
        if (*s == XAP_OK && st->view) {
            outcome = check_language(cfg, st->view, s, err, errlen);
            if (outcome == GZ_INDEX_OK && *s == XAP_OK)
                outcome = check_format(cfg, st->view, s, err, errlen);
            return outcome;
        }
        return GZ_INDEX_OK;
    }
    if (cfg->full) {
        if (gz_generation_new(cfg->db_path, h->gen_path, sizeof h->gen_path,
                              h->gen_rel, sizeof h->gen_rel) != 0) {
            int e = errno;
            snprintf(err, errlen, "%s%s: %s", cfg->db_path,
                     e == ELOOP || e == ENOTDIR ? ".d" : "", strerror(e));
            if (e == ELOOP || e == ENOTDIR)
                snprintf(err + strlen(err), errlen - strlen(err),
                         " (refusing to keep generations in anything but "
                         "a real directory)");
            return e == ELOOP || e == ENOTDIR ? GZ_INDEX_REFUSED
                                              : GZ_INDEX_IO_ERROR;
        }
        outcome = gz_index_open_locked(cfg->db_path, h->gen_path,
                                       XAP_DB_CREATE, cfg->wait_lock_seconds,
                                       cfg->stop, &st->db, &h->lock_fd, err,
                                       errlen);
        h->made_gen = outcome == GZ_INDEX_OK;
    } else {
        outcome = gz_index_open_locked(cfg->db_path, cfg->db_path,
                                       XAP_DB_CREATE_OR_OPEN,
                                       cfg->wait_lock_seconds, cfg->stop,
                                       &st->db, &h->lock_fd, err, errlen);
    }
    if (outcome != GZ_INDEX_OK)
        return outcome;
    st->view = xap_writable_database(st->db);
    if (!cfg->full &&
        (outcome = check_language(cfg, st->view, s, err, errlen)) !=
            GZ_INDEX_OK)
        return outcome;
    if (!cfg->full && *s == XAP_OK &&
        (outcome = check_format(cfg, st->view, s, err, errlen)) !=
            GZ_INDEX_OK)
        return outcome;
    if (*s != XAP_OK)
        return GZ_INDEX_OK;
    if (cfg->full)
        *s = carry_synonyms(cfg->db_path, st->db);
    if (*s == XAP_OK)
        *s = gz_index_ensure_metadata(st->db, GZ_META_FORMAT, GZ_FORMAT_VERSION);
    if (*s == XAP_OK)
        *s = gz_index_ensure_metadata(st->db, GZ_META_LANGUAGE, cfg->language);
    return GZ_INDEX_OK;
}

/* Release everything open_run and the walk acquired. */
static void close_run(run_state *st, run_hold *h)
{
    if (st->db)
        xap_writable_free(st->db);
    else
        xap_database_free(st->view);
    st->db = NULL;
    st->view = NULL;
    if (h->lock_fd >= 0)
        close(h->lock_fd);
    h->lock_fd = -1;
    gz_filemap_free(&st->known);
    free(st->checks);
    st->checks = NULL;
    for (size_t i = 0; i < st->nunreadable; i++)
        free(st->unreadable[i]);
    free(st->unreadable);
    gz_analyzer_free(st->analyzer);
}

/* Articles in the live index at `db_path` (0 when it does not open: a
 * --full may always replace a missing or unreadable index). */
static uint64_t live_articles(const char *db_path)
{
    xap_database *live = NULL;
    uint32_t n = 0;
    if (xap_database_open(db_path, &live) == XAP_OK)
        (void)xap_database_doc_count(live, &n);
    xap_database_free(live);
    return n;
}

/* End of a --full walk: keep the build only when it did not lose too many
 * articles (safety.h); else set st->refused with the reason in err. */
static xap_status check_rebuild(run_state *st, char *err, size_t errlen)
{
    const gz_index_config *cfg = st->cfg;
    uint32_t built = 0;
    xap_status s = st->db ? xap_database_doc_count(st->view, &built)
                          : XAP_OK;
    uint64_t now = st->db ? built : st->article_total;
    if (s == XAP_OK &&
        !gz_rebuild_allowed(st->checks, cfg->nroots,
                            live_articles(cfg->db_path), now,
                            cfg->max_remove_percent, cfg->force, err,
                            errlen))
        st->refused = 1;
    return s;
}

gz_index_outcome gz_index_run(const gz_index_config *cfg,
                              gz_index_stats *stats, char *err, size_t errlen)
{
    double start = now_seconds();
    memset(stats, 0, sizeof *stats);
    err[0] = '\0';
    if (check_roots(cfg, err, errlen) != 0)
        return GZ_INDEX_NO_INPUT;
    /* --full replaces DB: refuse before building if that would delete
     * something that is not an index (finish_generation checks again);
     * a dry run says so too, as the real run would. */
    if (cfg->full &&
        gz_generation_check(cfg->db_path, cfg->roots, cfg->nroots, err,
                            errlen) != 0)
        return GZ_INDEX_REFUSED;
    run_state st = {.cfg = cfg, .stats = stats, .status = XAP_OK,
                    .err = err, .errlen = errlen};
    run_hold h = {.lock_fd = -1};
    gz_index_outcome outcome = GZ_INDEX_OK;
    xap_status s = gz_analyzer_new(cfg->language, &st.analyzer);
    if (s == XAP_OK && !(st.checks = calloc(cfg->nroots, sizeof *st.checks)))
        s = XAP_ERR_NOMEM;
    if (s == XAP_OK)
        outcome = open_run(&st, &h, &s, err, errlen);
    if (outcome == GZ_INDEX_OK && s == XAP_OK)
        s = gz_roots_inspect(st.view, cfg->roots, cfg->nroots, st.checks);
    /* spelling data for "did you mean" (not in a dry run: nothing written) */
    if (outcome == GZ_INDEX_OK && s == XAP_OK && st.db)
        s = gz_analyzer_enable_spelling(st.analyzer, st.db);
    if (outcome == GZ_INDEX_OK && s == XAP_OK && st.view && !cfg->full)
        s = gz_filemap_load(st.view, &st.known);
    stats->known = st.known.count;
    if (outcome == GZ_INDEX_OK && s == XAP_OK)
        s = index_roots(&st, err, errlen);
    if (outcome == GZ_INDEX_OK && s == XAP_OK && cfg->full && !st.stopped)
        s = check_rebuild(&st, err, errlen);
    if (outcome == GZ_INDEX_OK && s == XAP_OK && st.db)
        s = xap_writable_close(st.db);
    if (outcome == GZ_INDEX_OK) {
        if (s != XAP_OK && !err[0])
            snprintf(err, errlen, "%s: %s", cfg->db_path, xap_last_error());
        outcome = s != XAP_OK ? outcome_for(s)
                  : st.stopped ? GZ_INDEX_INTERRUPTED
                  : st.refused ? GZ_INDEX_UNSAFE : GZ_INDEX_OK;
    }
    /* The generation is switched in with the lock still held. */
    int lock_fd = h.lock_fd;
    h.lock_fd = -1;
    close_run(&st, &h);
    if (h.made_gen)
        outcome = finish_generation(cfg, outcome, h.gen_path, h.gen_rel, err,
                                    errlen);
    if (lock_fd >= 0)
        close(lock_fd);
    stats->seconds = now_seconds() - start;
    return outcome;
}
