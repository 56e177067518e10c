/*
 * gazette.c - libgazette: open an index, run a query, hand out hits.
 *
 * Everything Xapian-specific goes through the shim; this file holds the
 * Gazette policy: how queries are parsed, how hits are ranked and what a
 * hit carries. It never prints and never exits.
 */
#include "gazette.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "schema.h"
#include "snippet.h"
#include "xapian_shim.h"

#define MAX_LIMIT 100000u
#define MODIFIED_RETRIES 3

struct gazette_index {
    xap_database *db;
    char *path;            /* as opened, to reopen after a --full switch */
    ino_t stub_inode;      /* inode of the stub file at path, or 0 */
    xap_stem *stem;
    xap_queryparser *qp;
    char error[1024];
};

struct gazette_search_options {
    uint32_t offset;
    uint32_t limit;
    size_t snippet_length;
    char *hi_start;
    char *hi_end;
};

struct gazette_hit {
    char *data;          /* decoded in place; the fields point into it */
    gz_docdata fields;
    char *snippet;
    uint32_t rank;
    double weight;
    int percent;
};

struct gazette_results {
    gazette_hit_t *hits;
    size_t count;
    uint64_t lower, estimate, upper;
};

static _Thread_local char open_error[1024];

const char *gazette_version(void)
{
    return GAZETTE_VERSION_STRING;
}

char *gazette_default_index_path(void)
{
    const char *env = getenv("GAZETTE_INDEX");
    if (env && *env)
        return strdup(env);
    const char *base = getenv("XDG_DATA_HOME");
    const char *tail = "/gazette/index";
    if (!base || !*base) {
        base = getenv("HOME");
        tail = "/.local/share/gazette/index";
    }
    if (!base || !*base)
        return strdup(".gazette-index");
    size_t n = strlen(base) + strlen(tail) + 1;
    char *path = malloc(n);
    if (path)
        snprintf(path, n, "%s%s", base, tail);
    return path;
}

const char *gazette_status_to_string(gazette_status_t status)
{
    switch (status) {
    case GAZETTE_STATUS_OK: return "success";
    case GAZETTE_STATUS_OUT_OF_MEMORY: return "out of memory";
    case GAZETTE_STATUS_INVALID_ARGUMENT: return "invalid argument";
    case GAZETTE_STATUS_INDEX_NOT_FOUND: return "index not found";
    case GAZETTE_STATUS_INDEX_CORRUPT: return "index corrupt";
    case GAZETTE_STATUS_INDEX_VERSION: return "index format not supported";
    case GAZETTE_STATUS_INDEX_LOCKED: return "index locked by a writer";
    case GAZETTE_STATUS_INDEX_MODIFIED: return "index modified during search";
    case GAZETTE_STATUS_QUERY_SYNTAX: return "query syntax error";
    case GAZETTE_STATUS_IO_ERROR: return "I/O error";
    case GAZETTE_STATUS_INTERNAL_ERROR: return "internal error";
    }
    return "unknown status";
}

/* Map a shim status to the public status type. */
static gazette_status_t from_shim(xap_status s)
{
    switch (s) {
    case XAP_OK: return GAZETTE_STATUS_OK;
    case XAP_ERR_NOMEM: return GAZETTE_STATUS_OUT_OF_MEMORY;
    case XAP_ERR_INVALID_ARG: return GAZETTE_STATUS_INVALID_ARGUMENT;
    case XAP_ERR_DB_NOT_FOUND:
    case XAP_ERR_DB_OPENING: return GAZETTE_STATUS_INDEX_NOT_FOUND;
    case XAP_ERR_DB_CORRUPT: return GAZETTE_STATUS_INDEX_CORRUPT;
    case XAP_ERR_DB_VERSION: return GAZETTE_STATUS_INDEX_VERSION;
    case XAP_ERR_DB_LOCKED: return GAZETTE_STATUS_INDEX_LOCKED;
    case XAP_ERR_DB_MODIFIED: return GAZETTE_STATUS_INDEX_MODIFIED;
    case XAP_ERR_QUERY_PARSE: return GAZETTE_STATUS_QUERY_SYNTAX;
    case XAP_ERR_DB:
    case XAP_ERR_DB_CLOSED:
    case XAP_ERR_NETWORK: return GAZETTE_STATUS_IO_ERROR;
    default: return GAZETTE_STATUS_INTERNAL_ERROR;
    }
}

static void set_error(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, size, fmt, ap);
    va_end(ap);
}

/* Record the shim's last error on `index` and return the mapped status. */
static gazette_status_t fail_shim(gazette_index_t *index, xap_status s,
                                  const char *what)
{
    set_error(index->error, sizeof index->error, "%s: %s", what,
              xap_last_error());
    return from_shim(s);
}

/* ------------------------------------------------------------ open/close */

/* Configure the query parser once per index: the Gazette query language. */
static xap_status setup_queryparser(gazette_index_t *index)
{
    xap_status s = xap_queryparser_new(&index->qp);
    if (s == XAP_OK)
        s = xap_queryparser_set_stemmer(index->qp, index->stem);
    if (s == XAP_OK)
        s = xap_queryparser_set_stemming_strategy(index->qp, XAP_STEM_SOME);
    if (s == XAP_OK)
        s = xap_queryparser_set_database(index->qp, index->db);
    if (s == XAP_OK)
        s = xap_queryparser_add_prefix(index->qp, "title", GZ_PREFIX_TITLE);
    if (s == XAP_OK)
        s = xap_queryparser_add_prefix(index->qp, "author", GZ_PREFIX_AUTHOR);
    if (s == XAP_OK)
        s = xap_queryparser_add_boolean_prefix(index->qp, "source",
                                               GZ_PREFIX_SOURCE, 1);
    if (s == XAP_OK)
        s = xap_queryparser_add_boolean_prefix(index->qp, "tag",
                                               GZ_PREFIX_TAG, 0);
    return s;
}

/* Stem queries the way the index was stemmed (english when unrecorded). */
static xap_status open_stemmer(gazette_index_t *index)
{
    char *language = NULL;
    size_t len = 0;
    xap_status s = xap_database_get_metadata(index->db, GZ_META_LANGUAGE,
                                             &language, &len);
    if (s == XAP_OK)
        s = xap_stem_new(len ? language : "english", &index->stem);
    free(language);
    return s;
}

/* Inode of `path` when it is a regular file (a stub database), else 0. */
static ino_t stub_inode(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode) ? sb.st_ino : 0;
}

/* Move index->db to the latest committed index. Xapian's reopen() follows
 * commits, but not `gazette-index --full`, which renames a new stub file
 * over the path and deletes the database the old stub named: when the
 * stub was replaced, or the reopen finds the database gone, open the path
 * afresh. */
static xap_status refresh_db(gazette_index_t *index)
{
    ino_t inode = stub_inode(index->path);
    xap_status s = inode != index->stub_inode
                       ? XAP_ERR_DB_NOT_FOUND
                       : xap_database_reopen(index->db, NULL);
    if (s != XAP_ERR_DB_NOT_FOUND && s != XAP_ERR_DB_OPENING)
        return s;
    xap_database *fresh = NULL;
    s = xap_database_open(index->path, &fresh);
    if (s == XAP_OK)
        s = xap_queryparser_set_database(index->qp, fresh);
    if (s != XAP_OK) {
        xap_database_free(fresh);
        return s;
    }
    xap_database_free(index->db);
    index->db = fresh;
    index->stub_inode = inode;
    return XAP_OK;
}

gazette_status_t gazette_index_open(const char *path, gazette_index_t **out)
{
    open_error[0] = '\0';
    if (!path || !out) {
        set_error(open_error, sizeof open_error, "no index path given");
        return GAZETTE_STATUS_INVALID_ARGUMENT;
    }
    gazette_index_t *index = calloc(1, sizeof *index);
    if (!index) {
        set_error(open_error, sizeof open_error, "out of memory");
        return GAZETTE_STATUS_OUT_OF_MEMORY;
    }
    index->stub_inode = stub_inode(path);
    xap_status s = (index->path = strdup(path)) ? XAP_OK : XAP_ERR_NOMEM;
    if (s == XAP_OK)
        s = xap_database_open(path, &index->db);
    if (s == XAP_OK)
        s = open_stemmer(index);
    if (s == XAP_OK)
        s = setup_queryparser(index);
    if (s != XAP_OK) {
        set_error(open_error, sizeof open_error, "cannot open index %s: %s",
                  path, xap_last_error());
        gazette_index_close(index);
        *out = NULL;
        return from_shim(s);
    }
    *out = index;
    return GAZETTE_STATUS_OK;
}

const char *gazette_last_open_error(void)
{
    return open_error;
}

void gazette_index_close(gazette_index_t *index)
{
    if (!index)
        return;
    xap_queryparser_free(index->qp);
    xap_stem_free(index->stem);
    xap_database_free(index->db);
    free(index->path);
    free(index);
}

const char *gazette_index_error(const gazette_index_t *index)
{
    return index ? index->error : "no index handle";
}

gazette_status_t gazette_index_article_count(gazette_index_t *index,
                                             uint64_t *out)
{
    if (!index || !out)
        return GAZETTE_STATUS_INVALID_ARGUMENT;
    uint32_t n = 0;
    xap_status s = refresh_db(index);
    if (s == XAP_OK)
        s = xap_database_doc_count(index->db, &n);
    if (s != XAP_OK)
        return fail_shim(index, s, "cannot count articles");
    *out = n;
    return GAZETTE_STATUS_OK;
}

/* -------------------------------------------------------------- options */

gazette_status_t gazette_search_options_new(gazette_search_options_t **out)
{
    if (!out)
        return GAZETTE_STATUS_INVALID_ARGUMENT;
    gazette_search_options_t *o = calloc(1, sizeof *o);
    if (!o)
        return GAZETTE_STATUS_OUT_OF_MEMORY;
    o->limit = 10;
    o->snippet_length = 200;
    *out = o;
    return GAZETTE_STATUS_OK;
}

void gazette_search_options_free(gazette_search_options_t *opts)
{
    if (!opts)
        return;
    free(opts->hi_start);
    free(opts->hi_end);
    free(opts);
}

gazette_status_t gazette_search_options_set_range(
    gazette_search_options_t *opts, uint32_t offset, uint32_t limit)
{
    if (!opts || limit > MAX_LIMIT)
        return GAZETTE_STATUS_INVALID_ARGUMENT;
    opts->offset = offset;
    opts->limit = limit;
    return GAZETTE_STATUS_OK;
}

gazette_status_t gazette_search_options_set_snippet(
    gazette_search_options_t *opts, size_t length, const char *hi_start,
    const char *hi_end)
{
    if (!opts)
        return GAZETTE_STATUS_INVALID_ARGUMENT;
    char *start = strdup(hi_start ? hi_start : "");
    char *end = strdup(hi_end ? hi_end : "");
    if (!start || !end) {
        free(start);
        free(end);
        return GAZETTE_STATUS_OUT_OF_MEMORY;
    }
    free(opts->hi_start);
    free(opts->hi_end);
    opts->hi_start = start;
    opts->hi_end = end;
    opts->snippet_length = length;
    return GAZETTE_STATUS_OK;
}

/* --------------------------------------------------------------- search */

static const gazette_search_options_t default_options = {
    .offset = 0, .limit = 10, .snippet_length = 200,
    .hi_start = NULL, .hi_end = NULL
};

void gazette_results_free(gazette_results_t *results)
{
    if (!results)
        return;
    for (size_t i = 0; i < results->count; i++) {
        free(results->hits[i].data);
        free(results->hits[i].snippet);
    }
    free(results->hits);
    free(results);
}

/* Fill `hit` from the i-th document of `mset`: stored fields, snippet. */
static xap_status fill_hit(gazette_index_t *index, const xap_mset *mset,
                           uint32_t i, const gazette_search_options_t *o,
                           gazette_hit_t *hit)
{
    xap_document *doc = NULL;
    xap_status s = xap_mset_document(mset, i, &doc);
    const char *data = NULL;
    size_t len = 0;
    if (s == XAP_OK)
        s = xap_document_get_data(doc, &data, &len);
    if (s == XAP_OK && !(hit->data = malloc(len + 1)))
        s = XAP_ERR_NOMEM;
    if (s == XAP_OK) {
        memcpy(hit->data, data, len);
        hit->data[len] = '\0';
        gz_docdata_decode(hit->data, len, &hit->fields);
        s = xap_mset_weight(mset, i, &hit->weight);
    }
    if (s == XAP_OK)
        s = xap_mset_percent(mset, i, &hit->percent);
    if (s == XAP_OK && o->snippet_length > 0)
        s = gz_snippet_make(mset, index->stem, hit->fields.body,
                            hit->fields.body_len, o->snippet_length,
                            o->hi_start, o->hi_end, &hit->snippet);
    xap_document_free(doc);
    return s;
}

/* One attempt at running `query`; XAP_ERR_DB_MODIFIED means retry. */
static xap_status run_search(gazette_index_t *index, const char *query,
                             const gazette_search_options_t *o,
                             gazette_results_t *r)
{
    xap_query *q = NULL;
    xap_enquire *enq = NULL;
    xap_mset *mset = NULL;
    xap_status s = xap_queryparser_parse(index->qp, query,
                                         XAP_QP_FLAG_DEFAULT, NULL, &q);
    if (s == XAP_OK)
        s = xap_enquire_new(index->db, &enq);
    if (s == XAP_OK)
        s = xap_enquire_set_query(enq, q, 0);
    if (s == XAP_OK)
        s = xap_enquire_get_mset(enq, o->offset, o->limit, 0, NULL, &mset);
    if (s == XAP_OK) {
        uint32_t lo = 0, est = 0, hi = 0;
        s = xap_mset_matches(mset, &lo, &est, &hi);
        r->lower = lo;
        r->estimate = est;
        r->upper = hi;
    }
    uint32_t n = s == XAP_OK ? xap_mset_size(mset) : 0;
    if (n && !(r->hits = calloc(n, sizeof *r->hits)))
        s = XAP_ERR_NOMEM;
    for (uint32_t i = 0; s == XAP_OK && i < n; i++) {
        r->hits[i].rank = o->offset + i + 1;
        r->count = i + 1;
        s = fill_hit(index, mset, i, o, &r->hits[i]);
    }
    xap_mset_free(mset);
    xap_enquire_free(enq);
    xap_query_free(q);
    return s;
}

gazette_status_t gazette_search(gazette_index_t *index, const char *query,
                                const gazette_search_options_t *opts,
                                gazette_results_t **out)
{
    if (!index || !query || !out) {
        if (index)
            set_error(index->error, sizeof index->error,
                      "gazette_search: NULL argument");
        return GAZETTE_STATUS_INVALID_ARGUMENT;
    }
    index->error[0] = '\0';
    const gazette_search_options_t *o = opts ? opts : &default_options;
    xap_status s = XAP_ERR_DB_MODIFIED;
    gazette_results_t *r = NULL;
    /* A writer may commit between our reopen and the read; Xapian then
     * says DatabaseModified and the whole search must be run again. */
    /* A --full switch may delete the database under a running search:
     * that is retried too (refresh_db then opens the new one). */
    for (int attempt = 0;
         (s == XAP_ERR_DB_MODIFIED || (attempt > 0 &&
                                       (s == XAP_ERR_DB_NOT_FOUND ||
                                        s == XAP_ERR_DB_OPENING))) &&
         attempt < MODIFIED_RETRIES;
         attempt++) {
        gazette_results_free(r);
        if (!(r = calloc(1, sizeof *r)))
            return GAZETTE_STATUS_OUT_OF_MEMORY;
        s = refresh_db(index);
        if (s == XAP_OK)
            s = run_search(index, query, o, r);
    }
    if (s != XAP_OK) {
        gazette_results_free(r);
        return fail_shim(index, s, s == XAP_ERR_QUERY_PARSE
                                       ? "cannot parse query"
                                       : "search failed");
    }
    *out = r;
    return GAZETTE_STATUS_OK;
}

size_t gazette_results_count(const gazette_results_t *results)
{
    return results ? results->count : 0;
}

void gazette_results_estimate(const gazette_results_t *results,
                              uint64_t *lower, uint64_t *estimate,
                              uint64_t *upper)
{
    if (lower)
        *lower = results ? results->lower : 0;
    if (estimate)
        *estimate = results ? results->estimate : 0;
    if (upper)
        *upper = results ? results->upper : 0;
}

const gazette_hit_t *gazette_results_hit(const gazette_results_t *results,
                                         size_t i)
{
    return results && i < results->count ? &results->hits[i] : NULL;
}

#define FIELD_ACCESSOR(name)                                  \
    const char *gazette_hit_##name(const gazette_hit_t *hit)  \
    {                                                         \
        return hit ? hit->fields.name : "";                   \
    }
FIELD_ACCESSOR(id)
FIELD_ACCESSOR(path)
FIELD_ACCESSOR(title)
FIELD_ACCESSOR(date)
FIELD_ACCESSOR(source)
FIELD_ACCESSOR(author)
FIELD_ACCESSOR(url)
#undef FIELD_ACCESSOR

const char *gazette_hit_snippet(const gazette_hit_t *hit)
{
    return hit && hit->snippet ? hit->snippet : "";
}

uint32_t gazette_hit_rank(const gazette_hit_t *hit)
{
    return hit ? hit->rank : 0;
}

double gazette_hit_weight(const gazette_hit_t *hit)
{
    return hit ? hit->weight : 0.0;
}

int gazette_hit_percent(const gazette_hit_t *hit)
{
    return hit ? hit->percent : 0;
}
