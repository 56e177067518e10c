/* index.c - open, refresh and close an index for searching. */
#include "search_private.h"

#include "article.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "query_text.h"
#include "ranking.h"

/* ------------------------------------------------------------ open/close */

/* Teach the parser one field of the schema. date: values are rewritten to
 * YYYYMMDD..YYYYMMDD by gz_query_normalise before parsing, so one date
 * range covers every form. */
static xap_status add_field(xap_queryparser *qp, const gz_field *f)
{
    if (!f->name)
        return XAP_OK;
    switch (f->kind) {
    case GZ_KIND_TEXT:
        return xap_queryparser_add_prefix(qp, f->name, f->prefix);
    case GZ_KIND_FILTER:
        return xap_queryparser_add_boolean_prefix(qp, f->name, f->prefix,
                                                  f->exclusive);
    case GZ_KIND_DATE: {
        char marker[32];
        snprintf(marker, sizeof marker, "%s:", f->name);
        return xap_queryparser_add_date_range(qp, (unsigned)f->slot, marker);
    }
    case GZ_KIND_INTERNAL:
        break;
    }
    return XAP_OK;
}

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
    for (size_t i = 0; s == XAP_OK && i < gz_nfields; i++)
        s = add_field(index->qp, &gz_fields[i]);
    if (s == XAP_OK)
        s = xap_queryparser_set_max_expansion(index->qp,
                                              MAX_WILDCARD_EXPANSION);
    if (s == XAP_OK)
        s = gz_ranking_setup_queryparser(index->qp);
    return s;
}

/* Stem queries the way the index was stemmed (english when unrecorded).
 * A language this Xapian lacks means the index came from elsewhere:
 * XAP_ERR_DB_VERSION, with the language named in `why`. */
static xap_status open_stemmer(gazette_index_t *index, char *why,
                               size_t whylen)
{
    char *language = NULL;
    size_t len = 0;
    xap_status s = xap_database_get_metadata(index->db, GZ_META_LANGUAGE,
                                             &language, &len);
    if (s == XAP_OK &&
        xap_stem_new(len ? language : "english", &index->stem) != XAP_OK) {
        snprintf(why, whylen, "it is stemmed in '%s', which this Xapian "
                 "does not know", language);
        s = XAP_ERR_DB_VERSION;
    }
    if (s == XAP_OK &&
        !(index->language = strdup(len ? language : "english")))
        s = XAP_ERR_NOMEM;
    free(language);
    return s;
}

/* A stub file naming no database opens as an "uninitialised" database
 * that every search then refuses: report it as a damaged index at open. */
static xap_status check_searchable(gazette_index_t *index, char *why,
                                   size_t whylen)
{
    xap_enquire *enq = NULL;
    xap_status s = xap_enquire_new(index->db, &enq);
    xap_enquire_free(enq);
    if (s == XAP_ERR_INVALID_ARG) {
        snprintf(why, whylen, "it names no database (an empty stub file?)");
        s = XAP_ERR_DB_CORRUPT;
    }
    return s;
}

/* An index written by a newer Gazette: XAP_ERR_DB_VERSION, said in `why`. */
static xap_status check_format(gazette_index_t *index, char *why,
                               size_t whylen)
{
    char *format = NULL;
    size_t len = 0;
    xap_status s = xap_database_get_metadata(index->db, GZ_META_FORMAT,
                                             &format, &len);
    if (s == XAP_OK && len && strcmp(format, GZ_FORMAT_VERSION) != 0) {
        snprintf(why, whylen, "it has Gazette index format %s; this library "
                 "reads format %s", format, GZ_FORMAT_VERSION);
        s = XAP_ERR_DB_VERSION;
    }
    free(format);
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
xap_status gz_index_refresh(gazette_index_t *index)
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

/* Status for a failed open of `path`: a path that exists but does not
 * open as a database is a damaged index, not a missing one. */
static gazette_status_t open_status(xap_status s, const char *path)
{
    struct stat sb;
    if ((s == XAP_ERR_DB_OPENING || s == XAP_ERR_DB_NOT_FOUND) &&
        stat(path, &sb) == 0)
        return GAZETTE_STATUS_INDEX_CORRUPT;
    return gz_status_from_shim(s);
}

/* Open index->path. A `gazette-index --full` may switch the stub file to
 * a new generation and delete the old one between our reading the stub
 * and opening what it names: a database that vanished while the path
 * itself is still there is tried again. */
static xap_status open_database(gazette_index_t *index)
{
    xap_status s = XAP_ERR_DB_NOT_FOUND;
    struct stat sb;
    for (int attempt = 0; attempt < MODIFIED_RETRIES; attempt++) {
        index->stub_inode = stub_inode(index->path);
        s = xap_database_open(index->path, &index->db);
        if ((s != XAP_ERR_DB_NOT_FOUND && s != XAP_ERR_DB_OPENING) ||
            stat(index->path, &sb) != 0)
            break;
    }
    return s;
}

gazette_status_t gazette_index_open(const char *path, gazette_index_t **out)
{
    gz_open_error()[0] = '\0';
    if (out)
        *out = NULL;
    if (!path || !out) {
        snprintf(gz_open_error(), GZ_ERROR_SIZE, "no index path given");
        return GAZETTE_STATUS_INVALID_ARGUMENT;
    }
    gazette_index_t *index = calloc(1, sizeof *index);
    if (index && pthread_mutex_init(&index->lock, NULL) != 0) {
        free(index);
        index = NULL;
    }
    if (!index) {
        snprintf(gz_open_error(), GZ_ERROR_SIZE, "out of memory");
        return GAZETTE_STATUS_OUT_OF_MEMORY;
    }
    char why[512] = "";
    xap_status s = (index->path = strdup(path)) ? XAP_OK : XAP_ERR_NOMEM;
    if (s == XAP_OK)
        s = open_database(index);
    if (s == XAP_OK)
        s = check_searchable(index, why, sizeof why);
    if (s == XAP_OK)
        s = check_format(index, why, sizeof why);
    if (s == XAP_OK)
        s = open_stemmer(index, why, sizeof why);
    if (s == XAP_OK)
        s = setup_queryparser(index);
    if (s != XAP_OK) {
        snprintf(gz_open_error(), GZ_ERROR_SIZE, "cannot open index %s: %s",
                  path, why[0] ? why : xap_last_error());
        gazette_index_close(index);
        return open_status(s, path);
    }
    *out = index;
    return GAZETTE_STATUS_OK;
}

void gazette_index_close(gazette_index_t *index)
{
    if (!index)
        return;
    xap_queryparser_free(index->qp);
    xap_stem_free(index->stem);
    free(index->language);
    xap_database_free(index->db);
    free(index->path);
    pthread_mutex_destroy(&index->lock);
    free(index);
}

const char *gazette_index_error(const gazette_index_t *index)
{
    (void)index;   /* messages are kept per thread: see gazette.h */
    return gz_thread_error();
}

gazette_status_t gazette_index_article_count(gazette_index_t *index,
                                             uint64_t *out)
{
    if (!index || !out)
        return GAZETTE_STATUS_INVALID_ARGUMENT;
    uint32_t n = 0;
    pthread_mutex_lock(&index->lock);
    xap_status s = gz_index_refresh(index);
    if (s == XAP_OK)
        s = xap_database_doc_count(index->db, &n);
    pthread_mutex_unlock(&index->lock);
    if (s != XAP_OK)
        return gz_fail_shim(s, "cannot count articles");
    *out = n;
    return GAZETTE_STATUS_OK;
}

/* Fill `a` from the stored document data of an article (schema.h). */
static xap_status article_from_data(const char *data, size_t len,
                                    gazette_article_t *a)
{
    char *copy = malloc(len + 1);
    if (!copy)
        return XAP_ERR_NOMEM;
    memcpy(copy, data, len);
    copy[len] = '\0';
    gz_docdata d;
    gz_docdata_decode(copy, len, &d);
    const char *values[GZ_ARTICLE_FIELDS] = {
        [GAZETTE_FIELD_ID] = d.id, [GAZETTE_FIELD_TITLE] = d.title,
        [GAZETTE_FIELD_BODY] = d.body, [GAZETTE_FIELD_DATE] = d.date,
        [GAZETTE_FIELD_AUTHOR] = d.author, [GAZETTE_FIELD_SOURCE] = d.source,
        [GAZETTE_FIELD_URL] = d.url, [GAZETTE_FIELD_PATH] = d.path};
    xap_status s = XAP_OK;
    for (size_t f = 0; s == XAP_OK && f < GZ_ARTICLE_FIELDS; f++)
        if (values[f] && *values[f] &&
            !(a->fields[f] = strdup(values[f])))
            s = XAP_ERR_NOMEM;
    if (s == XAP_OK && (gz_string_list_split(&a->tags, d.tags, ',') != 0 ||
                        gz_string_list_split(&a->entities, d.entities,
                                             GZ_ENTITY_SEP) != 0))
        s = XAP_ERR_NOMEM;
    free(copy);
    return s;
}

/* Look the article with unique term `id_term` up in index->db. */
static xap_status read_article(gazette_index_t *index, const char *id_term,
                               gazette_article_t *a)
{
    xap_docid docid = 0;
    xap_document *doc = NULL;
    const char *data = NULL;
    size_t len = 0;
    xap_status s = gz_index_refresh(index);
    if (s == XAP_OK)
        s = xap_database_first_posting(index->db, id_term, &docid);
    if (s == XAP_OK)
        s = xap_database_get_document(index->db, docid, &doc);
    if (s == XAP_OK)
        s = xap_document_get_data(doc, &data, &len);
    if (s == XAP_OK)
        s = article_from_data(data, len, a);
    xap_document_free(doc);
    return s;
}

gazette_status_t gazette_index_get_article(gazette_index_t *index,
                                           const char *id,
                                           gazette_article_t **out)
{
    if (out)
        *out = NULL;
    if (!index || !id || !out)
        return gz_fail(GAZETTE_STATUS_INVALID_ARGUMENT,
                       "gazette_index_get_article: NULL argument");
    gazette_article_t *a = NULL;
    gazette_status_t status = gazette_article_new(&a);
    if (status != GAZETTE_STATUS_OK)
        return gz_fail(status, "out of memory");
    char id_term[GZ_TERM_BUF];
    gz_make_term(GZ_PREFIX_ID, id, id_term, sizeof id_term);
    xap_status s = XAP_ERR_DB_MODIFIED;
    pthread_mutex_lock(&index->lock);
    for (int attempt = 0; s == XAP_ERR_DB_MODIFIED &&
                          attempt < MODIFIED_RETRIES; attempt++)
        s = read_article(index, id_term, a);
    pthread_mutex_unlock(&index->lock);
    if (s == XAP_ERR_DOC_NOT_FOUND) {
        gazette_article_free(a);
        return gz_fail(GAZETTE_STATUS_ARTICLE_NOT_FOUND,
                       "no article with id '%s' in the index", id);
    }
    if (s != XAP_OK) {
        gazette_article_free(a);
        return gz_fail_shim(s, "cannot read the article");
    }
    *out = a;
    return GAZETTE_STATUS_OK;
}
