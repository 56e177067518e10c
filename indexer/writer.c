/*
 * writer.c - the writer API of gazette.h: add, replace and delete articles
 * given as fields, commit, close. Articles are analysed exactly as
 * gazette-index analyses files (analyze.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze.h"
#include "article.h"
#include "filemap.h"
#include "gazette_private.h"
#include "indexer.h"
#include "path.h"
#include "schema.h"
#include "shards.h"
#include "spelling.h"

/* Spelling words counted since the last commit are handed to Xapian
 * before the table holds this many bytes (spelling.h). */
#define SPELLING_FLUSH_BYTES (8u << 20)

struct gazette_writer {
    pthread_mutex_t lock;   /* serialises every call on the writer */
    xap_writable *db;
    int lock_fd;            /* the "<path>.lock" file we hold */
    gz_analyzer *analyzer;
    gz_spelling spelling;   /* words of the articles put since the commit */
    char *path;
    /* OK, or the status of the call that failed the writer for good
     * (fail_for_good), which every later call returns */
    gazette_status_t failed;
    char failure[GZ_ERROR_SIZE];   /* that call's message */
    int damaged;   /* it failed on damage: failure is the damage line */
};

/* What a writer failed for good says its caller must do. */
#define REDO_CHANGES                                                         \
    "the articles put or deleted since the last successful commit may be " \
    "partly in the index and partly lost: close the writer, open the "     \
    "index again and put (or delete) them again (a put replaces by id)"

/* What a writer failed for good by damage to the index says its caller
 * must do after the rebuild the damage line advises: reopening the same
 * damaged index would meet the damage again. */
#define REDO_AFTER_REBUILD                                                   \
    "the articles put or deleted since the last successful commit may be " \
    "partly in the index and partly lost: once it is rebuilt, put (or "    \
    "delete) them again (a put replaces by id)"

/* The calling thread's message for gazette_writer_error(): a slot of its
 * own, so that calls on indexes (gz_fail) neither overwrite nor empty
 * it. Every writer call that returns a status sets it: the reason when
 * it fails, "" when it succeeds (gazette.h). */
static _Thread_local char writer_message[GZ_ERROR_SIZE];

/* printf into the thread's writer message, made one line (gz_one_line:
 * an id may hold a newline); returns `status`, so a failing path can end
 * in `return writer_fail(STATUS, "...", ...)`. */
__attribute__((format(printf, 2, 3)))
static gazette_status_t writer_fail(gazette_status_t status, const char *fmt,
                                    ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(writer_message, sizeof writer_message, fmt, ap);
    va_end(ap);
    gz_one_line(writer_message);
    return status;
}

/* Record "<what>: <the shim's last error>"; returns the mapped status. */
static gazette_status_t writer_fail_shim(xap_status s, const char *what)
{
    return writer_fail(gz_status_from_shim(s), "%s: %s", what,
                       xap_last_error());
}

/* A call that changed, or tried to change, the index failed (shim
 * status `s`, while doing `what`): from now on every call on `w` returns
 * this status (refuse_failed). Xapian cannot be trusted with what was
 * pending: a database that fails to apply its changes (a commit, or the
 * commit Xapian makes by itself inside a change every
 * XAPIAN_FLUSH_THRESHOLD changes) or to make one change drops every
 * change since its last commit, and a sharded index commits its shards
 * one after another, so readers may already see the changes of the
 * shards committed before the failure. A retry that returned OK would
 * hide the loss. Called right after the failed shim call, with the
 * writer's lock held. */
static gazette_status_t fail_for_good(gazette_writer_t *w, xap_status s,
                                      const char *what)
{
    const char *said = xap_last_error();
    /* damage is said as a search and an update say it, with the rebuild
     * that recovers it, whatever the call met it in */
    w->damaged = gz_is_damage(s, said);
    if (!w->damaged) {
        snprintf(w->failure, sizeof w->failure, "%s: %.500s", what, said);
        w->failed = writer_fail(gz_status_from_shim(s), "%s; " REDO_CHANGES,
                                w->failure);
        return w->failed;
    }
    gz_damage_message(w->failure, sizeof w->failure, w->path, said,
                      gz_index_language_readable(w->path));
    w->failed = writer_fail(GAZETTE_STATUS_INDEX_CORRUPT,
                            "%s; " REDO_AFTER_REBUILD, w->failure);
    return w->failed;
}

/* The status of a writer failed for good, with why; called with the
 * writer's lock held. */
static gazette_status_t refuse_failed(const gazette_writer_t *w)
{
    if (w->damaged)
        return writer_fail(w->failed, "an earlier call on this writer "
                           "found that %.700s; " REDO_AFTER_REBUILD,
                           w->failure);
    return writer_fail(w->failed, "an earlier call on this writer failed "
                       "(%.600s), so " REDO_CHANGES, w->failure);
}

/* 1 when a put or delete that failed with shim status `s` fails the
 * writer for good (fail_for_good): it failed inside a call that changes
 * the index (`wrote`), or reading or writing the index failed
 * (IO_ERROR, INDEX_CORRUPT). An article refused or not analysed (out of
 * memory before the index was touched) leaves the writer as it was.
 * Called right after the failed shim call. */
static int breaks_writer(xap_status s, int wrote)
{
    gazette_status_t status = gz_status_from_shim(s);
    return wrote || status == GAZETTE_STATUS_IO_ERROR ||
           status == GAZETTE_STATUS_INDEX_CORRUPT ||
           gz_is_damage(s, xap_last_error());
}

/* A writer call succeeded: the thread's writer message is emptied. */
static gazette_status_t writer_ok(void)
{
    writer_message[0] = '\0';
    return GAZETTE_STATUS_OK;
}

/* The language an existing index was built with ("" when none yet;
 * gz_index_language). */
static xap_status stored_language(xap_writable *db, char *buf, size_t size)
{
    char *value = NULL;
    xap_status s = gz_index_language(xap_writable_database(db), &value);
    snprintf(buf, size, "%s", value ? value : "");
    free(value);
    return s;
}

/* GAZETTE_STATUS_OK when the index's articles are in this code's index
 * format (or it has none), else INDEX_VERSION with the open error set.
 * *empty: 1 when the index has no article. */
static gazette_status_t check_format(gazette_writer_t *w, int *empty)
{
    xap_database *view = xap_writable_database(w->db);
    char *format = NULL;
    size_t len = 0;
    uint32_t docs = 0;
    xap_status s = xap_database_get_metadata(view, GZ_META_FORMAT, &format,
                                             &len);
    if (s == XAP_OK)
        s = xap_database_doc_count(view, &docs);
    gazette_status_t status = gz_status_from_shim(s);
    *empty = s == XAP_OK && docs == 0;
    if (s != XAP_OK) {
        snprintf(gz_open_error(), GZ_ERROR_SIZE, "%s: %s", w->path,
                 xap_last_error());
    } else if (gz_index_is_foreign(docs, len)) {
        gz_foreign_index_error(w->path, docs, gz_open_error(), GZ_ERROR_SIZE);
        status = GAZETTE_STATUS_NOT_AN_INDEX;
    } else if (docs && !gz_format_supported(format, len)) {
        snprintf(gz_open_error(), GZ_ERROR_SIZE,
                 "index %s has Gazette index format %.*s; this library "
                 "writes format %s (rebuild it with gazette_update_set_full)",
                 w->path, (int)len, format, GZ_FORMAT_VERSION);
        status = GAZETTE_STATUS_INDEX_VERSION;
    }
    free(format);
    return status;
}

/* After the locks are taken: agree on the language and the format,
 * record the format (and, in an index with no article yet, that every
 * article has its facet lists and CJK text as n-grams: schema.h), make
 * the analyzer, which writes CJK text as the index holds it. Returns the
 * status; the open error says why. */
static gazette_status_t prepare(gazette_writer_t *w, const char *language)
{
    char stored[64];
    int empty = 0;
    gazette_status_t format = check_format(w, &empty);
    if (format != GAZETTE_STATUS_OK)
        return format;
    xap_status s = stored_language(w->db, stored, sizeof stored);
    if (s == XAP_OK && *stored && !gazette_language_known(stored)) {
        snprintf(gz_open_error(), GZ_ERROR_SIZE,
                 "index %s is stemmed in '%s', which this Xapian does not "
                 "know: rebuild it with gazette_update_set_full in a "
                 "language this Xapian has", w->path, stored);
        return GAZETTE_STATUS_INDEX_VERSION;
    }
    if (s == XAP_OK && language && *stored && strcmp(stored, language) != 0) {
        snprintf(gz_open_error(), GZ_ERROR_SIZE,
                 "index %s is stemmed in '%s', not '%s'", w->path, stored,
                 language);
        return GAZETTE_STATUS_LANGUAGE_MISMATCH;
    }
    const char *use = s == XAP_OK && *stored ? stored
                      : language                ? language
                                                : "english";
    if (s == XAP_OK)
        s = gz_index_ensure_metadata(w->db, GZ_META_FORMAT,
                                     GZ_FORMAT_VERSION);
    if (s == XAP_OK)
        s = gz_index_ensure_metadata(w->db, GZ_META_LANGUAGE, use);
    if (s == XAP_OK && empty)
        s = gz_index_ensure_metadata(w->db, GZ_META_LIST_SLOTS, "1");
    if (s == XAP_OK && empty)
        s = gz_index_ensure_metadata(w->db, GZ_META_ENTITY_HEADS, "1");
    if (s == XAP_OK && empty)
        s = gz_index_ensure_metadata(w->db, GZ_META_CJK_NGRAMS,
                                     GZ_CJK_NGRAMS_ON);
    const xap_database *view = xap_writable_database(w->db);
    int cjk_ngrams = s == XAP_OK &&
                     (empty || gz_database_records_cjk_ngrams(view, &s));
    if (s == XAP_OK)
        s = gz_analyzer_new(use, cjk_ngrams, &w->analyzer);
    if (s == XAP_OK)
        gz_analyzer_use_lexicon_of(w->analyzer, w->db);
    if (s != XAP_OK)
        snprintf(gz_open_error(), GZ_ERROR_SIZE, "%s: %s", w->path,
                 xap_last_error());
    return gz_status_from_shim(s);
}

/* GAZETTE_STATUS_OK when this process (its effective ids) may write in
 * the directory of every database of the index: a commit creates files
 * there (glass writes its new revision file and renames it over
 * iamglass), so a directory it cannot write (permissions, a read-only
 * file system) would lose every put at the first commit. Else IO_ERROR
 * (OUT_OF_MEMORY) with the open error set. Nothing is written. */
static gazette_status_t check_writable(const gazette_writer_t *w)
{
    gz_shard_list shards = {0};
    char why[GZ_ERROR_SIZE];
    /* Databases it cannot list (a stub naming a remote one, written
     * through a writable xapian-tcpsrv) are left to their commit. */
    if (gz_shards_locate(w->path, &shards, why, sizeof why) != 0)
        return GAZETTE_STATUS_OK;
    gazette_status_t status = GAZETTE_STATUS_OK;
    for (size_t i = 0; status == GAZETTE_STATUS_OK && i < shards.n; i++) {
        if (faccessat(AT_FDCWD, shards.paths[i], W_OK | X_OK, AT_EACCESS) ==
            0)
            continue;
        int e = errno;
        snprintf(gz_open_error(), GZ_ERROR_SIZE,
                 "index %s: cannot write in %s (%s), where a commit makes "
                 "its files", w->path, shards.paths[i], strerror(e));
        status = e == ENOMEM ? GAZETTE_STATUS_OUT_OF_MEMORY
                             : GAZETTE_STATUS_IO_ERROR;
    }
    gz_shards_free(&shards);
    return status;
}

static void free_writer(gazette_writer_t *w)
{
    gz_analyzer_free(w->analyzer);
    gz_spelling_free(&w->spelling);
    xap_writable_free(w->db);
    if (w->lock_fd >= 0)
        close(w->lock_fd);
    free(w->path);
    pthread_mutex_destroy(&w->lock);
    free(w);
}

/* Why the arguments of gazette_writer_open cannot be used (a phrase for
 * its message), or NULL when they can. An empty path would reach Xapian
 * as "create a database in ''": refused here, like a NULL one. */
static const char *bad_open_argument(const char *path, const char *language,
                                     double wait_lock_seconds,
                                     gazette_writer_t **out)
{
    if (!path || !out)
        return "NULL argument";
    if (!*path)
        return "an empty index path";
    if (language && !gazette_language_known(language))
        return "unknown language";
    if (isnan(wait_lock_seconds))
        return "the wait for the lock is not a number";
    if (wait_lock_seconds < 0)
        return "negative wait for the lock";
    if (wait_lock_seconds > GAZETTE_MAX_WAIT_LOCK)
        return "the wait for the lock is over 1e7 seconds";
    return NULL;
}

/* What the index at `path` must not be before it is locked or opened,
 * said in `err` (GZ_ERROR_SIZE) with its status; nothing is written:
 * a stub naming a database that is missing or an empty directory (Xapian
 * would create it empty: a shard's disk not mounted), one database
 * listed twice (Xapian would open it twice, the second open finding the
 * first's lock), a directory of shards that lost its stub, a stub with
 * a line Xapian cannot read, another program's database (without the
 * tables a Gazette index has, the table check would call it damaged). */
static gazette_status_t check_before_open(const char *path, char *err)
{
    char part[4096], twice[8192];
    int missing = gz_stub_missing_part(path, part, sizeof part);
    if (missing) {
        snprintf(err, GZ_ERROR_SIZE, "index %.400s: the stub file names "
                 "%.400s, %s (nothing written)", path, part,
                 gz_stub_part_problem(missing));
        return GAZETTE_STATUS_INPUT_NOT_FOUND;
    }
    if (gz_shards_listed_twice(path, twice, sizeof twice)) {
        snprintf(err, GZ_ERROR_SIZE, "index %.150s: %.800s (nothing "
                 "written)", path, twice);
        return GAZETTE_STATUS_INDEX_CORRUPT;
    }
    if (gz_shards_stub_lost_said(path, err, GZ_ERROR_SIZE))
        return GAZETTE_STATUS_INDEX_CORRUPT;
    /* as a search's open and an update say it (it was "not a Xapian
     * index", NOT_AN_INDEX, for a stub file with a misspelt type) */
    if (gz_stub_bad_line(path, twice, sizeof twice)) {
        snprintf(err, GZ_ERROR_SIZE, "index %.200s: %.700s (nothing "
                 "written)", path, twice);
        return GAZETTE_STATUS_INDEX_CORRUPT;
    }
    if (gz_shards_foreign(path, err, GZ_ERROR_SIZE))
        return GAZETTE_STATUS_NOT_AN_INDEX;
    return GAZETTE_STATUS_OK;
}

/* gazette_writer_open, but for making its message one line: the same
 * arguments, *out and status; on failure the open error says why. */
static gazette_status_t open_writer(const char *path, const char *language,
                                    double wait_lock_seconds,
                                    gazette_writer_t **out)
{
    char *err = gz_open_error();
    err[0] = '\0';
    if (out)
        *out = NULL;
    const char *bad = bad_open_argument(path, language, wait_lock_seconds,
                                        out);
    if (bad) {
        snprintf(err, GZ_ERROR_SIZE, "gazette_writer_open: %s", bad);
        return GAZETTE_STATUS_INVALID_ARGUMENT;
    }
    /* The language under the name gazette_languages() lists ("en" is
     * "english"): an index records and compares that name. */
    char *name = NULL;
    if (language && xap_stem_canonical(language, &name) != XAP_OK) {
        snprintf(err, GZ_ERROR_SIZE, "out of memory");
        return GAZETTE_STATUS_OUT_OF_MEMORY;
    }
    gazette_writer_t *w = calloc(1, sizeof *w);
    if (w && pthread_mutex_init(&w->lock, NULL) != 0) {
        free(w);
        w = NULL;
    }
    if (!w || !(w->path = strndup(path, gz_path_trimmed_length(path)))) {
        if (w)
            free_writer(w);
        free(name);
        snprintf(err, GZ_ERROR_SIZE, "out of memory");
        return GAZETTE_STATUS_OUT_OF_MEMORY;
    }
    w->lock_fd = -1;
    gazette_status_t status = check_before_open(w->path, err);
    if (status == GAZETTE_STATUS_OK)
        status = gz_status_from_outcome(gz_index_open_locked(
            w->path, w->path, XAP_DB_CREATE_OR_OPEN, wait_lock_seconds, NULL,
            &w->db, &w->lock_fd, err, GZ_ERROR_SIZE));
    if (status == GAZETTE_STATUS_OK)
        status = check_writable(w);
    if (status == GAZETTE_STATUS_OK)
        status = prepare(w, name);
    free(name);
    /* what the open met of a damaged index, said as a search says it */
    if (status == GAZETTE_STATUS_INDEX_CORRUPT)
        gz_say_damaged(err, GZ_ERROR_SIZE, w->path);
    if (status != GAZETTE_STATUS_OK) {
        free_writer(w);
        return status;
    }
    *out = w;
    return GAZETTE_STATUS_OK;
}

gazette_status_t gazette_writer_open(const char *path, const char *language,
                                     double wait_lock_seconds,
                                     gazette_writer_t **out)
{
    gazette_status_t status = open_writer(path, language, wait_lock_seconds,
                                          out);
    /* The message quotes the path, Xapian's text, ...: made one line in
     * one place rather than at each of its writers. */
    gz_one_line(gz_open_error());
    return status;
}

/* The article as the analyzer takes it. `tags` has room for its tags. */
static corpus_article as_corpus_article(const gazette_article_t *a,
                                        const char **tags)
{
    const char *const *f = (const char *const *)a->fields;
#define FIELD(x) (f[x] ? f[x] : "")
#define OPTIONAL(x) (f[x] && *f[x] ? f[x] : NULL)
    for (size_t i = 0; i < a->tags.count; i++)
        tags[i] = a->tags.items[i];
    return (corpus_article){
        .id = FIELD(GAZETTE_FIELD_ID), .title = FIELD(GAZETTE_FIELD_TITLE),
        .body = FIELD(GAZETTE_FIELD_BODY),
        .body_len = strlen(FIELD(GAZETTE_FIELD_BODY)),
        .date = OPTIONAL(GAZETTE_FIELD_DATE),
        .author = OPTIONAL(GAZETTE_FIELD_AUTHOR),
        .authors = (const char *const *)a->authors.items,
        .nauthors = a->authors.count,
        .source = OPTIONAL(GAZETTE_FIELD_SOURCE),
        .url = OPTIONAL(GAZETTE_FIELD_URL), .tags = tags,
        .ntags = a->tags.count};
#undef FIELD
#undef OPTIONAL
}

/* xap_document_each_term's fn: copy the first term (a path term) into
 * `ctx`, GZ_TERM_BUF bytes, and stop. */
static int keep_first_term(const char *term, size_t len, unsigned wdf,
                           void *ctx)
{
    (void)wdf;
    char *out = ctx;
    if (len < GZ_TERM_BUF) {
        memcpy(out, term, len);
        out[len] = '\0';
    }
    return 1;
}

/* A search of the first document of a posting list, `except` left out
 * (0: none). */
typedef struct first_posting {
    xap_docid except;
    xap_docid found;   /* 0: none */
} first_posting;

/* xap_database_each_posting's fn: keep the first docid but `except` in
 * the first_posting `ctx` and stop. (xap_database_first_posting says
 * "none" by a failure, which costs a C++ exception in the shim at every
 * put of a new id.) */
static int keep_first_docid(xap_docid id, void *ctx)
{
    first_posting *fp = ctx;
    if (id == fp->except)
        return 0;
    fp->found = id;
    return 1;
}

/* The first document indexed by `term` other than `except` (0: none)
 * into *id, 0 when there is none. */
static xap_status first_doc(const xap_database *view, const char *term,
                            xap_docid except, xap_docid *id)
{
    first_posting fp = {.except = except, .found = 0};
    xap_status s = xap_database_each_posting(view, term, keep_first_docid,
                                             &fp);
    *id = fp.found;
    return s;
}

/* The document of the article indexed by `id_term` (*id, 0 when there
 * is none) and the path term of the corpus file it was read from, into
 * `path_term` (GZ_TERM_BUF bytes): "" when there is no such article or
 * no file gave it (the writer's own). Reads only. */
static xap_status file_of_article(const gazette_writer_t *w,
                                  const char *id_term, xap_docid *id,
                                  char *path_term)
{
    const xap_database *view = xap_writable_database(w->db);
    xap_document *doc = NULL;
    path_term[0] = '\0';
    xap_status s = first_doc(view, id_term, 0, id);
    if (s != XAP_OK || *id == 0)
        return s;
    s = xap_database_get_document(view, *id, &doc);
    if (s == XAP_OK)
        s = xap_document_each_term(doc, GZ_PREFIX_PATH, keep_first_term,
                                   path_term);
    xap_document_free(doc);
    return s;
}

/* Document `article` of the file of `path_term` ("": none) is about to
 * be put over or deleted. The file's other articles must then no longer
 * pass for the file as it was read: the next update would find the file
 * unchanged by its stat and keep the writer's change, where it gives
 * back the article of a file of one article (its path term goes with
 * it, so the file looks new) and a full rebuild gives back every article
 * a file holds. So the lowest other document of the file, the one the
 * file map will read (filemap.h), gets GZ_STAT_PARTIAL, which matches no
 * stat: the next update reads the file again (that file, once) and
 * writes all its articles back. A no-op update reads nothing more.
 * Marked before the change, so that a commit Xapian makes by itself in
 * between cannot leave the change without the mark. Nothing to do when
 * the file has no other article or it is marked already. */
static xap_status mark_file_changed(gazette_writer_t *w,
                                    const char *path_term,
                                    xap_docid article)
{
    const xap_database *view = xap_writable_database(w->db);
    xap_docid id = 0;
    xap_document *doc = NULL;
    const char *stat = NULL;
    size_t len = 0;
    if (!*path_term)
        return XAP_OK;
    xap_status s = first_doc(view, path_term, article, &id);
    if (s != XAP_OK || id == 0)
        return s;
    s = xap_database_get_document(view, id, &doc);
    if (s == XAP_OK)
        s = xap_document_get_value(doc, GZ_SLOT_FILE_STAT, &stat, &len);
    if (s == XAP_OK && !(len == strlen(GZ_STAT_PARTIAL) &&
                         memcmp(stat, GZ_STAT_PARTIAL, len) == 0)) {
        s = xap_document_add_value(doc, GZ_SLOT_FILE_STAT, GZ_STAT_PARTIAL,
                                   strlen(GZ_STAT_PARTIAL));
        if (s == XAP_OK)
            s = xap_writable_replace_document(w->db, id, doc);
    }
    xap_document_free(doc);
    return s;
}

/* Analyse and write `a`; *wrote is 1 when a failure came from a call
 * that changes the index (breaks_writer). */
static xap_status put_locked(gazette_writer_t *w, const gazette_article_t *a,
                             int *wrote)
{
    const char **tags = calloc(a->tags.count + 1, sizeof *tags);
    if (!tags)
        return XAP_ERR_NOMEM;
    corpus_article art = as_corpus_article(a, tags);
    corpus_file file = {.root = NULL, .path = art.id, .relpath = art.id};
    xap_document *doc = NULL;
    char id_term[GZ_TERM_BUF], path_term[GZ_TERM_BUF];
    xap_docid old = 0;
    xap_status s = gz_analyze_article(w->analyzer, &file, &art, &doc,
                                      id_term);
    if (s == XAP_OK)
        s = file_of_article(w, id_term, &old, path_term);
    if (s == XAP_OK) {
        *wrote = 1;
        s = mark_file_changed(w, path_term, old);
    }
    if (s == XAP_OK)
        s = xap_writable_replace_document_by_term(w->db, id_term, doc, NULL);
    if (s == XAP_OK) {
        *wrote = 0;   /* counting the words touches no database */
        s = gz_spelling_add_document(&w->spelling, doc);
    }
    if (s == XAP_OK && gz_spelling_bytes(&w->spelling) > SPELLING_FLUSH_BYTES) {
        *wrote = 1;
        s = gz_spelling_flush(&w->spelling, w->db, NULL, 0);
    }
    xap_document_free(doc);
    free(tags);
    return s;
}

/* gazette_writer_put, with the writer's lock held. */
static gazette_status_t put_under_lock(gazette_writer_t *w,
                                       const gazette_article_t *a)
{
    if (w->failed != GAZETTE_STATUS_OK)
        return refuse_failed(w);
    int wrote = 0;
    xap_status s = put_locked(w, a, &wrote);
    if (s == XAP_OK)
        return writer_ok();
    if (breaks_writer(s, wrote))
        return fail_for_good(w, s, "cannot add the article");
    return writer_fail_shim(s, "cannot add the article");
}

gazette_status_t gazette_writer_put(gazette_writer_t *writer,
                                    const gazette_article_t *article)
{
    if (!writer || !article)
        return writer_fail(GAZETTE_STATUS_INVALID_ARGUMENT,
                           "gazette_writer_put: NULL argument");
    const char *id = gazette_article_get(article, GAZETTE_FIELD_ID);
    if (!*id)
        return writer_fail(GAZETTE_STATUS_INVALID_ARGUMENT,
                           "an article needs an id");
    /* The analyzer drops a date it cannot read (a corpus file's gets a
     * warning): refused, so that the caller learns it. */
    const char *date = gazette_article_get(article, GAZETTE_FIELD_DATE);
    if (*date && !corpus_parse_date(date, NULL, NULL, NULL))
        return writer_fail(GAZETTE_STATUS_INVALID_ARGUMENT,
                           "the date '%.200s' of article '%.300s' is not a "
                           "day gazette-index reads (such as 2024-03-02, "
                           "20240302 or 2 March 2024): nothing put",
                           date, id);
    pthread_mutex_lock(&writer->lock);
    gazette_status_t status = put_under_lock(writer, article);
    pthread_mutex_unlock(&writer->lock);
    return status;
}

/* *wrote as for put_locked. The rest of the file the article came from,
 * if any, is marked for the next update (mark_file_changed). */
static xap_status delete_locked(gazette_writer_t *w, const char *id_term,
                                int *found, int *wrote)
{
    char path_term[GZ_TERM_BUF];
    xap_docid id = 0;
    xap_status s = file_of_article(w, id_term, &id, path_term);
    *found = id != 0;
    if (s == XAP_OK && *found) {
        *wrote = 1;
        s = mark_file_changed(w, path_term, id);
    }
    if (s == XAP_OK && *found)
        s = xap_writable_delete_document_by_term(w->db, id_term);
    return s;
}

/* gazette_writer_delete, with the writer's lock held. */
static gazette_status_t delete_under_lock(gazette_writer_t *w, const char *id)
{
    if (w->failed != GAZETTE_STATUS_OK)
        return refuse_failed(w);
    char id_term[GZ_TERM_BUF];
    gz_make_term(GZ_PREFIX_ID, id, id_term, sizeof id_term);
    int found = 0, wrote = 0;
    xap_status s = delete_locked(w, id_term, &found, &wrote);
    if (s != XAP_OK && breaks_writer(s, wrote))
        return fail_for_good(w, s, "cannot delete the article");
    if (s != XAP_OK)
        return writer_fail_shim(s, "cannot delete the article");
    if (!found)
        return writer_fail(GAZETTE_STATUS_ARTICLE_NOT_FOUND,
                           "no article with id '%s' in the index", id);
    return writer_ok();
}

gazette_status_t gazette_writer_delete(gazette_writer_t *writer,
                                       const char *id)
{
    if (!writer || !id)
        return writer_fail(GAZETTE_STATUS_INVALID_ARGUMENT,
                           "gazette_writer_delete: NULL argument");
    pthread_mutex_lock(&writer->lock);
    gazette_status_t status = delete_under_lock(writer, id);
    pthread_mutex_unlock(&writer->lock);
    return status;
}

/* Hand Xapian the words counted and commit, or close (`closing`);
 * gazette_writer_commit's status. A failure fails the writer for good. */
static gazette_status_t commit_locked(gazette_writer_t *w, int closing)
{
    if (w->failed != GAZETTE_STATUS_OK)
        return refuse_failed(w);
    xap_status s = gz_spelling_flush(&w->spelling, w->db, NULL, 0);
    if (s == XAP_OK)
        s = closing ? xap_writable_close(w->db) : xap_writable_commit(w->db);
    return s == XAP_OK ? writer_ok()
                       : fail_for_good(w, s, "cannot commit the index");
}

gazette_status_t gazette_writer_commit(gazette_writer_t *writer)
{
    if (!writer)
        return writer_fail(GAZETTE_STATUS_INVALID_ARGUMENT,
                           "gazette_writer_commit: NULL argument");
    pthread_mutex_lock(&writer->lock);
    gazette_status_t status = commit_locked(writer, 0);
    pthread_mutex_unlock(&writer->lock);
    return status;
}

/* A writer failed for good commits nothing more: freeing it drops what
 * Xapian still holds (xap_writable_free). */
gazette_status_t gazette_writer_close(gazette_writer_t *writer)
{
    if (!writer)
        return writer_ok();
    pthread_mutex_lock(&writer->lock);
    gazette_status_t status = commit_locked(writer, 1);
    pthread_mutex_unlock(&writer->lock);
    free_writer(writer);
    return status;
}

const char *gazette_writer_error(const gazette_writer_t *writer)
{
    (void)writer;   /* messages are kept per thread: see gazette.h */
    return writer_message;
}
