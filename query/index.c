/* index.c - open, refresh and close an index for searching. */
#include "search_private.h"

#include "article.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query_text.h"
#include "ranking.h"

/* ------------------------------------------------------------ open/close */

/* xap_field_fn of a whole-value filter (GZ_FOLD_VALUE: tag:, source:;
 * ctx: its gz_field): the folded term (gz_value_term), OR the term an
 * index written before folding holds (gz_old_value_term) when that
 * differs, so such an index finds what it found before. `value` is as
 * typed (the normaliser leaves it so); a source is cut as the writer
 * cuts an article's (gz_source_length). */
static xap_status value_query(const char *value, void *ctx, xap_query **out)
{
    const gz_field *f = ctx;
    char term[GZ_TERM_BUF], old[GZ_TERM_BUF];
    char source[GZ_SOURCE_BYTES + 1];
    *out = NULL;
    if (strcmp(f->prefix, GZ_PREFIX_SOURCE) == 0) {
        size_t n = gz_source_length(value, strlen(value));
        memcpy(source, value, n);
        source[n] = '\0';
        value = source;
    }
    if (!gz_value_term(f->prefix, value, term, sizeof term))
        return XAP_ERR_NOMEM;
    gz_old_value_term(f->prefix, value, old, sizeof old);
    if (strcmp(term, old) == 0)
        return xap_query_new_term(term, 1, 0, out);
    xap_query *q[2] = {NULL, NULL};
    xap_status s = xap_query_new_term(term, 1, 0, &q[0]);
    if (s == XAP_OK)
        s = xap_query_new_term(old, 1, 0, &q[1]);
    if (s == XAP_OK)
        s = xap_query_new_combine(XAP_OP_OR, (const xap_query *const *)q, 2,
                                  0, out);
    xap_query_free(q[0]);
    xap_query_free(q[1]);
    return s;
}

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
        if (f->fold == GZ_FOLD_ENTITY)   /* gz_aliases_setup */
            return XAP_OK;
        if (f->fold == GZ_FOLD_VALUE)
            return xap_queryparser_add_boolean_prefix_callback(
                qp, f->name, f->exclusive, value_query, (void *)f);
        return xap_queryparser_add_boolean_prefix(qp, f->name, f->prefix,
                                                  f->exclusive);
    case GZ_KIND_DATE: {
        char marker[32];
        snprintf(marker, sizeof marker, "%s:", f->name);
        return xap_queryparser_add_date_range(qp, (unsigned)f->slot, marker);
    }
    case GZ_KIND_CAPITALS:   /* gz_capitals_setup */
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
        s = gz_capitals_setup(index);
    if (s == XAP_OK)
        s = gz_aliases_setup(index);
    if (s == XAP_OK)
        s = xap_queryparser_set_max_expansion(index->qp,
                                              MAX_WILDCARD_EXPANSION);
    if (s == XAP_OK)
        s = gz_ranking_setup_queryparser(index->qp);
    return s;
}

/* The stemming language all the opened locations share, in
 * index->language (gz_index_language: "none" for an index written with
 * the empty language of earlier versions, "english" when an index
 * records nothing). Indexes stemmed differently cannot be searched as
 * one: XAP_ERR_INVALID_ARG, with `why`. */
static xap_status read_language(gazette_index_t *index, char *why,
                                size_t whylen)
{
    xap_status s = XAP_OK;
    const char *first = NULL;
    for (size_t i = 0; s == XAP_OK && i < index->nlocations; i++) {
        const gz_location *loc = &index->locations[i];
        char *language = NULL;
        if (!loc->db)
            continue;
        s = gz_index_language(loc->db, &language);
        const char *lang = language && *language ? language : "english";
        if (s == XAP_OK && !index->language) {
            if (!(index->language = strdup(lang)))
                s = XAP_ERR_NOMEM;
            first = loc->name;
        } else if (s == XAP_OK && strcmp(lang, index->language) != 0) {
            snprintf(why, whylen, "%s is stemmed in '%s' and %s in '%s': "
                     "indexes searched together must share a language",
                     first, index->language, loc->name, lang);
            s = XAP_ERR_INVALID_ARG;
        }
        free(language);
    }
    return s;
}

/* Stem queries the way the indexes were stemmed. A language this Xapian
 * lacks means the index came from elsewhere: XAP_ERR_DB_VERSION, with the
 * language named in `why`. */
static xap_status open_stemmer(gazette_index_t *index, char *why,
                               size_t whylen)
{
    xap_status s = read_language(index, why, whylen);
    if (s == XAP_OK && xap_stem_new(index->language, &index->stem) != XAP_OK) {
        snprintf(why, whylen, "it is stemmed in '%s', which this Xapian "
                 "does not know", index->language);
        s = XAP_ERR_DB_VERSION;
    }
    return s;
}

/* gz_index_stem_again - see search_private.h. */
xap_status gz_index_stem_again(gazette_index_t *index, char *why,
                               size_t whylen)
{
    char *was = index->language;
    xap_stem *was_stem = index->stem;
    index->language = NULL;
    index->stem = NULL;
    xap_status s = open_stemmer(index, why, whylen);
    int same = s == XAP_OK && strcmp(index->language, was) == 0;
    if (s == XAP_OK && !same)
        s = xap_queryparser_set_stemmer(index->qp, index->stem);
    if (s != XAP_OK || same) {   /* keep the stemmer the parser has */
        xap_stem_free(index->stem);
        free(index->language);
        index->language = was;
        index->stem = was_stem;
        return s;
    }
    xap_stem_free(was_stem);
    free(was);
    return XAP_OK;
}

/* Open the locations into `index` (SIGPIPE blocked by the caller);
 * on failure gazette_last_open_error() says why. */
static gazette_status_t open_locked(gazette_index_t *index,
                                    const char *const *locations, size_t n,
                                    unsigned flags)
{
    char why[512] = "";
    size_t failed = 0;
    if (gz_locations_init(index, locations, n, flags, why, sizeof why) != 0) {
        /* the location that failed has no name when it was empty */
        const char *name = index->nlocations
                               ? index->locations[index->nlocations - 1].name
                               : NULL;
        snprintf(gz_open_error(), GZ_ERROR_SIZE, "cannot open index%s%s: %s",
                 name ? " " : "", name ? name : "", why);
        return GAZETTE_STATUS_INVALID_ARGUMENT;
    }
    int twice = gz_locations_reach_twice(index, &failed, why, sizeof why);
    if (twice) {
        const char *name = index->locations[failed].name;
        snprintf(gz_open_error(), GZ_ERROR_SIZE, "cannot open index%s%s: %s",
                 twice == 1 ? " " : "es", twice == 1 ? name : "", why);
        return twice == 1 ? GAZETTE_STATUS_INDEX_CORRUPT
                          : GAZETTE_STATUS_INVALID_ARGUMENT;
    }
    xap_status s = gz_locations_open(index, &failed, why, sizeof why);
    const char *named = index->locations[failed].name;
    if (s == XAP_OK) {
        named = n == 1 ? index->locations[0].name : "";
        s = open_stemmer(index, why, sizeof why);
    }
    if (s == XAP_OK)
        s = setup_queryparser(index);
    if (s != XAP_OK) {
        const char *said = why[0] ? why : xap_last_error();
        gazette_status_t status =
            s == XAP_ERR_INVALID_ARG
                ? GAZETTE_STATUS_INVALID_ARGUMENT
                : gz_location_status(s, &index->locations[failed]);
        /* Xapian may open what Gazette refuses (a table missing): its
         * language may then still read, and a rebuild needs no other */
        const gz_location *loc = &index->locations[failed];
        if (status == GAZETTE_STATUS_INDEX_CORRUPT && gz_is_damage(s, said))
            gz_damage_message(gz_open_error(), GZ_ERROR_SIZE, loc->name, said,
                              !loc->host &&
                                  gz_index_language_readable(loc->name));
        else
            snprintf(gz_open_error(), GZ_ERROR_SIZE,
                     "cannot open index%s%s: %s", *named ? " " : "es",
                     named, said);
        return status;
    }
    return GAZETTE_STATUS_OK;
}

/* A handle with nothing opened yet; NULL when out of memory. */
static gazette_index_t *index_new(void)
{
    gazette_index_t *index = calloc(1, sizeof *index);
    if (index && !(index->guard = gz_handle_lock_new())) {
        free(index);
        index = NULL;
    }
    return index;
}

/* Why the arguments of an open cannot be used (a phrase for its
 * message), or NULL when they can. Each location is checked as it is
 * opened (gz_locations_init). */
static const char *bad_open_argument(const char *const *locations, size_t n,
                                     unsigned flags, gazette_index_t **out)
{
    if (!out)
        return "NULL out";
    if (!locations || n == 0)
        return "no index path given";
    if (flags & ~(unsigned)GAZETTE_OPEN_SKIP_UNAVAILABLE)
        return "unknown flags";
    return NULL;
}

/* gazette_index_open_multi, but for making its message one line: the
 * same arguments, *out and status; on failure the open error says why,
 * a bad argument in the name of `caller`, the function the program
 * called. */
static gazette_status_t open_multi(const char *caller,
                                   const char *const *locations, size_t n,
                                   unsigned flags, gazette_index_t **out)
{
    gz_open_error()[0] = '\0';
    if (out)
        *out = NULL;
    const char *bad = bad_open_argument(locations, n, flags, out);
    if (bad) {
        snprintf(gz_open_error(), GZ_ERROR_SIZE, "%s: %s", caller, bad);
        return GAZETTE_STATUS_INVALID_ARGUMENT;
    }
    gazette_index_t *index = NULL;
    gazette_status_t status = GAZETTE_STATUS_INDEX_MODIFIED;   /* to try */
    gz_sigpipe sp;
    gz_sigpipe_block(locations, n, &sp);
    /* Two commits by a writer while the index is opened and its settings
     * read (language, capitals, aliases) discard the revision being read:
     * Xapian says DatabaseModifiedError, or, when it meets a block already
     * reused, DatabaseCorruptError ("Expected block 0 to be level 1");
     * the index is opened afresh. A really damaged index fails each time:
     * the open costs a few more tries. */
    gz_tries tries;
    gz_tries_start(&tries);
    while ((status == GAZETTE_STATUS_INDEX_MODIFIED ||
            status == GAZETTE_STATUS_INDEX_CORRUPT) &&
           gz_tries_more(&tries, status == GAZETTE_STATUS_INDEX_MODIFIED)) {
        gazette_index_close(index);
        if (!(index = index_new())) {
            snprintf(gz_open_error(), GZ_ERROR_SIZE, "out of memory");
            status = GAZETTE_STATUS_OUT_OF_MEMORY;
            break;
        }
        status = open_locked(index, locations, n, flags);
    }
    gz_sigpipe_restore(&sp);
    if (status != GAZETTE_STATUS_OK) {
        gazette_index_close(index);
        return status;
    }
    *out = index;
    return GAZETTE_STATUS_OK;
}

/* open_multi, its message made one line: it quotes locations and
 * Xapian's text, made one line in one place rather than at each of its
 * writers. */
static gazette_status_t open_one_line(const char *caller,
                                      const char *const *locations,
                                      size_t n, unsigned flags,
                                      gazette_index_t **out)
{
    gazette_status_t status = open_multi(caller, locations, n, flags, out);
    gz_one_line(gz_open_error());
    return status;
}

gazette_status_t gazette_index_open_multi(const char *const *locations,
                                          size_t n, unsigned flags,
                                          gazette_index_t **out)
{
    return open_one_line("gazette_index_open_multi", locations, n, flags,
                         out);
}

gazette_status_t gazette_index_open(const char *path, gazette_index_t **out)
{
    return open_one_line("gazette_index_open", path ? &path : NULL,
                         path ? 1 : 0, 0, out);
}

size_t gazette_index_location_count(const gazette_index_t *index)
{
    return index ? index->nlocations : 0;
}

const char *gazette_index_location(const gazette_index_t *index, size_t i)
{
    return index && i < index->nlocations ? index->locations[i].name : NULL;
}

int gazette_index_location_available(gazette_index_t *index, size_t i)
{
    if (!index || i >= index->nlocations)
        return 0;
    pthread_mutex_lock(&index->guard->mutex);
    int up = index->locations[i].db != NULL;
    pthread_mutex_unlock(&index->guard->mutex);
    return up;
}

void gazette_index_close(gazette_index_t *index)
{
    if (!index)
        return;
    gz_sigpipe sp;
    gz_index_sigpipe_block(index, &sp);
    xap_queryparser_free(index->qp);
    xap_stem_free(index->stem);
    free(index->language);
    /* under the lock: result sets may be releasing what they share */
    pthread_mutex_lock(&index->guard->mutex);
    gz_locations_free(index);
    pthread_mutex_unlock(&index->guard->mutex);
    gz_sigpipe_restore(&sp);
    gz_handle_lock_release(index->guard);
    free(index);
}

gz_handle_lock *gz_handle_lock_new(void)
{
    gz_handle_lock *lock = calloc(1, sizeof *lock);
    if (lock && pthread_mutex_init(&lock->mutex, NULL) != 0) {
        free(lock);
        return NULL;
    }
    if (lock)
        lock->refs = 1;
    return lock;
}

void gz_handle_lock_release(gz_handle_lock *lock)
{
    if (!lock)
        return;
    pthread_mutex_lock(&lock->mutex);
    int last = --lock->refs == 0;
    pthread_mutex_unlock(&lock->mutex);
    if (last) {
        pthread_mutex_destroy(&lock->mutex);
        free(lock);
    }
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
        return gz_fail(GAZETTE_STATUS_INVALID_ARGUMENT,
                       "gazette_index_article_count: NULL argument");
    uint32_t n = 0;
    gz_sigpipe sp;
    pthread_mutex_lock(&index->guard->mutex);
    gz_index_sigpipe_block(index, &sp);
    xap_status s = gz_index_refresh(index);
    if (s == XAP_OK)
        s = xap_database_doc_count(index->db, &n);
    /* in words under the lock, as gazette_search does */
    gazette_status_t failed =
        s != XAP_OK ? gz_index_fail(index, s, "cannot count articles")
                    : GAZETTE_STATUS_OK;
    gz_sigpipe_restore(&sp);
    pthread_mutex_unlock(&index->guard->mutex);
    if (s != XAP_OK)
        return failed;
    *out = n;
    gz_thread_error()[0] = '\0';   /* succeeded: no message (gazette.h) */
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
    if (s == XAP_OK && (gz_string_list_split(&a->authors, d.authors,
                                             GZ_LIST_SEP) != 0 ||
                        gz_string_list_split(&a->tags, d.tags, GZ_LIST_SEP) != 0 ||
                        gz_string_list_split(&a->entities, d.entities,
                                             GZ_ENTITY_SEP) != 0))
        s = XAP_ERR_NOMEM;
    free(copy);
    return s;
}

/* The copy of an id that gazette_index_get_article reads when indexes
 * searched together each hold one: that of the first location given.
 * The lowest docid of index->db, which interleaves its databases' docids,
 * was the copy of whichever database numbered it lower, so a program
 * reading a hit's article (gazette_hit_index naming the first index) got
 * another index's. */
typedef struct first_copy {
    const gazette_index_t *index;
    xap_docid docid;       /* 0 until a posting is met */
    size_t location;
} first_copy;

static int keep_first_location(xap_docid docid, void *ctx)
{
    first_copy *c = ctx;
    size_t which = 0;
    gz_location_of(c->index, docid, &which);
    if (c->docid == 0 || which < c->location) {
        c->docid = docid;
        c->location = which;
    }
    return which == 0;   /* none comes before the first location */
}

/* The docid of the article with unique term `id_term` in index->db
 * (first_copy); XAP_ERR_DOC_NOT_FOUND when none has it. */
static xap_status find_article(const gazette_index_t *index,
                               const char *id_term, xap_docid *docid)
{
    first_copy c = {.index = index, .docid = 0, .location = 0};
    xap_status s = xap_database_each_posting(index->db, id_term,
                                             keep_first_location, &c);
    if (s == XAP_OK && c.docid == 0)
        s = XAP_ERR_DOC_NOT_FOUND;
    *docid = c.docid;
    return s;
}

/* Look the article with unique term `id_term` up in index->db. *posted
 * is 1 once the term's posting names a document: a DocNotFoundError
 * after that is no absent article but the index contradicting itself
 * (its document lengths damaged), which must be said as damage. */
static xap_status read_article(gazette_index_t *index, const char *id_term,
                               gazette_article_t *a, int *posted)
{
    xap_docid docid = 0;
    xap_document *doc = NULL;
    const char *data = NULL;
    size_t len = 0;
    *posted = 0;
    xap_status s = gz_index_refresh(index);
    if (s == XAP_OK)
        s = find_article(index, id_term, &docid);
    *posted = s == XAP_OK;
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
    int posted = 0;
    gz_sigpipe sp;
    pthread_mutex_lock(&index->guard->mutex);
    gz_index_sigpipe_block(index, &sp);
    gz_tries tries;
    gz_tries_start(&tries);
    while (s == XAP_ERR_DB_MODIFIED && gz_tries_more(&tries, 1))
        s = read_article(index, id_term, a, &posted);
    /* in words under the lock, as gazette_search does */
    gazette_status_t failed =
        s == XAP_ERR_DOC_NOT_FOUND && !posted
            ? gz_fail(GAZETTE_STATUS_ARTICLE_NOT_FOUND,
                      "no article with id '%s' in the index", id)
        : s != XAP_OK ? gz_index_fail(index, s, "cannot read the article")
                      : GAZETTE_STATUS_OK;
    gz_sigpipe_restore(&sp);
    pthread_mutex_unlock(&index->guard->mutex);
    if (s != XAP_OK) {
        gazette_article_free(a);
        return failed;
    }
    *out = a;
    gz_thread_error()[0] = '\0';   /* succeeded: no message (gazette.h) */
    return GAZETTE_STATUS_OK;
}
