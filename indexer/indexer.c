/* indexer.c - walk the corpus, analyze articles, write the index. */
#include "indexer.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "analyze.h"
#include "corpus.h"
#include "schema.h"
#include "xapian_shim.h"

#define DEFAULT_BATCH 1000

/* State of one run, shared by the walk and article callbacks. */
typedef struct run_state {
    const gz_index_config *cfg;
    gz_index_stats *stats;
    xap_writable *db;
    gz_analyzer *analyzer;
    const corpus_file *file;     /* file being read */
    unsigned pending;            /* articles since the last commit */
    xap_status status;           /* first write failure, sticky */
} run_state;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static gz_index_outcome outcome_for(xap_status s)
{
    switch (s) {
    case XAP_OK: return GZ_INDEX_OK;
    case XAP_ERR_DB_LOCKED: return GZ_INDEX_LOCKED;
    case XAP_ERR_DB_CORRUPT:
    case XAP_ERR_DB_VERSION: return GZ_INDEX_CORRUPT;
    case XAP_ERR_DB:
    case XAP_ERR_DB_OPENING:
    case XAP_ERR_DB_NOT_FOUND: return GZ_INDEX_IO_ERROR;
    case XAP_ERR_NOMEM: return GZ_INDEX_NO_MEMORY;
    default: return GZ_INDEX_INTERNAL;
    }
}

static void skip(run_state *st, const char *path, const char *reason)
{
    if (st->cfg->on_skip)
        st->cfg->on_skip(path, reason, st->cfg->ctx);
}

/* "<size>:<mtime_ns>" of the file, stored so a rerun can tell it changed. */
static xap_status add_file_stat(xap_document *doc, const corpus_file *f)
{
    char buf[64];
    int n = snprintf(buf, sizeof buf, "%llu:%lld", (unsigned long long)f->size,
                     (long long)f->mtime_ns);
    return xap_document_add_value(doc, GZ_SLOT_FILE_STAT, buf, (size_t)n);
}

/* Write one article; commits every batch_size articles. */
static int on_article(const corpus_article *art, void *ctx)
{
    run_state *st = ctx;
    xap_document *doc = NULL;
    char id_term[GZ_TERM_BUF];
    int exists = 0;
    xap_status s = gz_analyze_article(st->analyzer, st->file, art, &doc,
                                      id_term);
    if (s == XAP_OK)
        s = add_file_stat(doc, st->file);
    if (s == XAP_OK)
        s = xap_database_term_exists(xap_writable_database(st->db), id_term,
                                     &exists);
    if (s == XAP_OK)
        s = xap_writable_replace_document_by_term(st->db, id_term, doc, NULL);
    xap_document_free(doc);
    if (s == XAP_OK) {
        exists ? st->stats->updated++ : st->stats->added++;
        unsigned batch = st->cfg->batch_size ? st->cfg->batch_size
                                             : DEFAULT_BATCH;
        if (++st->pending >= batch) {
            s = xap_writable_commit(st->db);
            st->pending = 0;
        }
    }
    st->status = s;
    return s != XAP_OK;
}

/* An article left out of a file that is otherwise read. */
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

static int on_file(const corpus_file *file, void *ctx)
{
    run_state *st = ctx;
    char why[512];
    corpus_options opts = {.max_bytes = st->cfg->max_file_bytes,
                           .on_bad_article = on_bad_article,
                           .on_warning = on_article_warning,
                           .warn_ctx = st};
    st->stats->scanned++;
    st->file = file;
    corpus_status cs = corpus_read_file(file, &opts, on_article, st, why,
                                        sizeof why);
    if (cs == CORPUS_STOPPED || cs == CORPUS_ERR_NOMEM) {
        if (cs == CORPUS_ERR_NOMEM)
            st->status = XAP_ERR_NOMEM;
        return 1;
    }
    if (cs != CORPUS_OK) {
        st->stats->skipped++;
        skip(st, file->path, why);
    }
    if (st->cfg->on_progress)
        st->cfg->on_progress(st->stats, st->cfg->ctx);
    return 0;
}

static void on_walk_warning(const char *path, const char *reason, void *ctx)
{
    skip(ctx, path, reason);
}

/* Check every root exists before touching the index. */
static int check_roots(const gz_index_config *cfg, char *err, size_t errlen)
{
    for (size_t i = 0; i < cfg->nroots; i++) {
        struct stat sb;
        if (stat(cfg->roots[i], &sb) != 0) {
            snprintf(err, errlen, "corpus %s: %s", cfg->roots[i],
                     strerror(errno));
            return -1;
        }
    }
    return 0;
}

/* Open (or create) the index and record how it was built. */
static xap_status open_index(const gz_index_config *cfg, xap_writable **db)
{
    xap_status s = xap_writable_open(cfg->db_path, XAP_DB_CREATE_OR_OPEN, 0,
                                     db);
    if (s == XAP_OK)
        s = xap_writable_set_metadata(*db, GZ_META_FORMAT, GZ_FORMAT_VERSION,
                                      strlen(GZ_FORMAT_VERSION));
    if (s == XAP_OK)
        s = xap_writable_set_metadata(*db, GZ_META_LANGUAGE, cfg->language,
                                      strlen(cfg->language));
    return s;
}

/* Walk every root, writing articles, then commit. */
static xap_status index_roots(run_state *st, char *err, size_t errlen)
{
    const gz_index_config *cfg = st->cfg;
    for (size_t i = 0; i < cfg->nroots && st->status == XAP_OK; i++) {
        int rc = corpus_walk(cfg->roots[i], on_file, on_walk_warning, st);
        if (rc == -1) {
            snprintf(err, errlen, "corpus %s: %s", cfg->roots[i],
                     strerror(errno));
            return XAP_ERR_DB;
        }
    }
    if (st->status == XAP_OK)
        st->status = xap_writable_commit(st->db);
    return st->status;
}

gz_index_outcome gz_index_run(const gz_index_config *cfg,
                              gz_index_stats *stats, char *err, size_t errlen)
{
    double start = now_seconds();
    memset(stats, 0, sizeof *stats);
    err[0] = '\0';
    if (check_roots(cfg, err, errlen) != 0)
        return GZ_INDEX_NO_INPUT;
    run_state st = {.cfg = cfg, .stats = stats, .status = XAP_OK};
    xap_status s = gz_analyzer_new(cfg->language, &st.analyzer);
    if (s == XAP_OK)
        s = open_index(cfg, &st.db);
    if (s == XAP_OK)   /* spelling data for "did you mean" */
        s = gz_analyzer_enable_spelling(st.analyzer, st.db);
    if (s == XAP_OK)
        s = index_roots(&st, err, errlen);
    if (s == XAP_OK)
        s = xap_writable_close(st.db);
    if (s != XAP_OK && !err[0])
        snprintf(err, errlen, "%s: %s", cfg->db_path, xap_last_error());
    xap_writable_free(st.db);
    gz_analyzer_free(st.analyzer);
    stats->seconds = now_seconds() - start;
    return outcome_for(s);
}
