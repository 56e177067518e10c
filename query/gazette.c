/*
 * gazette.c - libgazette: open an index, run a query, hand out hits.
 *
 * Everything Xapian-specific goes through the shim; this file holds the
 * Gazette policy: how queries are parsed, how hits are ranked and what a
 * hit carries. It never prints and never exits.
 */
#include "gazette.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "query_text.h"
#include "ranking.h"
#include "schema.h"
#include "snippet.h"
#include "xapian_shim.h"

#define MODIFIED_RETRIES 3
/* A trailing-* wildcard may stand for at most this many words; broader
 * ones are refused with a message asking for a longer stem. */
#define MAX_WILDCARD_EXPANSION 1000u

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
    gazette_sort_t sort;
    int match_all;
    int collapse;
    int spelling;
    int explain;
    int facets[GAZETTE_FACET_COUNT_];   /* non-zero: count this facet */
};

/* A comma-separated docdata field split into its items (in place). */
typedef struct item_list {
    const char **items;
    size_t count;
} item_list;

struct gazette_hit {
    char *data;          /* decoded in place; the fields point into it */
    gz_docdata fields;
    item_list tags, entities;
    char *snippet;       /* with the caller's markers */
    char *plain;         /* without markers */
    size_t *highlights;  /* 2 * nhighlights offsets into plain */
    size_t nhighlights;
    char *matching_terms;
    char **terms;        /* the same terms one by one (explain) */
    size_t nterms;
    double *term_weights;
    uint32_t rank;
    uint32_t duplicates;
    double weight;
    int percent;
};

typedef struct facet_value {
    char *value;
    uint64_t count;
} facet_value;

typedef struct facet_counts {
    facet_value *values;
    size_t count;
} facet_counts;

struct gazette_results {
    gazette_hit_t *hits;
    size_t count;
    uint64_t lower, estimate, upper;
    char *parsed;
    char *suggestion;
    double milliseconds;
    facet_counts facets[GAZETTE_FACET_COUNT_];
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
    if (s == XAP_OK)
        s = xap_queryparser_add_boolean_prefix(index->qp, "entity",
                                               GZ_PREFIX_ENTITY, 0);
    if (s == XAP_OK)
        s = xap_queryparser_add_boolean_prefix(index->qp, "url",
                                               GZ_PREFIX_URL, 1);
    if (s == XAP_OK)
        s = xap_queryparser_add_boolean_prefix(index->qp, "id",
                                               GZ_PREFIX_ID, 1);
    if (s == XAP_OK)
        s = xap_queryparser_add_boolean_prefix(index->qp, "year",
                                               GZ_PREFIX_YEAR, 1);
    /* date: values are rewritten to YYYYMMDD..YYYYMMDD by gz_query_
     * normalise before parsing, so one date range covers every form. */
    if (s == XAP_OK)
        s = xap_queryparser_add_date_range(index->qp, GZ_SLOT_DATE, "date:");
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

/* Status for a failed open of `path`: a path that exists but does not
 * open as a database is a damaged index, not a missing one. */
static gazette_status_t open_status(xap_status s, const char *path)
{
    struct stat sb;
    if ((s == XAP_ERR_DB_OPENING || s == XAP_ERR_DB_NOT_FOUND) &&
        stat(path, &sb) == 0)
        return GAZETTE_STATUS_INDEX_CORRUPT;
    return from_shim(s);
}

gazette_status_t gazette_index_open(const char *path, gazette_index_t **out)
{
    open_error[0] = '\0';
    if (out)
        *out = NULL;
    if (!path || !out) {
        set_error(open_error, sizeof open_error, "no index path given");
        return GAZETTE_STATUS_INVALID_ARGUMENT;
    }
    gazette_index_t *index = calloc(1, sizeof *index);
    if (!index) {
        set_error(open_error, sizeof open_error, "out of memory");
        return GAZETTE_STATUS_OUT_OF_MEMORY;
    }
    char why[512] = "";
    index->stub_inode = stub_inode(path);
    xap_status s = (index->path = strdup(path)) ? XAP_OK : XAP_ERR_NOMEM;
    if (s == XAP_OK)
        s = xap_database_open(path, &index->db);
    if (s == XAP_OK)
        s = check_searchable(index, why, sizeof why);
    if (s == XAP_OK)
        s = check_format(index, why, sizeof why);
    if (s == XAP_OK)
        s = open_stemmer(index, why, sizeof why);
    if (s == XAP_OK)
        s = setup_queryparser(index);
    if (s != XAP_OK) {
        set_error(open_error, sizeof open_error, "cannot open index %s: %s",
                  path, why[0] ? why : xap_last_error());
        gazette_index_close(index);
        return open_status(s, path);
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
    o->collapse = 1;
    o->spelling = 1;
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
    if (!opts || limit > GAZETTE_MAX_LIMIT)
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

gazette_status_t gazette_search_options_set_sort(
    gazette_search_options_t *opts, gazette_sort_t sort)
{
    if (!opts || (sort != GAZETTE_SORT_RELEVANCE && sort != GAZETTE_SORT_DATE &&
                  sort != GAZETTE_SORT_DATE_ASC))
        return GAZETTE_STATUS_INVALID_ARGUMENT;
    opts->sort = sort;
    return GAZETTE_STATUS_OK;
}

#define FLAG_SETTER(name, field)                                          \
    gazette_status_t gazette_search_options_set_##name(                  \
        gazette_search_options_t *opts, int value)                       \
    {                                                                     \
        if (!opts)                                                        \
            return GAZETTE_STATUS_INVALID_ARGUMENT;                       \
        opts->field = value != 0;                                         \
        return GAZETTE_STATUS_OK;                                         \
    }
FLAG_SETTER(match_all, match_all)
FLAG_SETTER(collapse_duplicates, collapse)
FLAG_SETTER(spelling, spelling)
FLAG_SETTER(explain, explain)
#undef FLAG_SETTER

static const char *const facet_names[GAZETTE_FACET_COUNT_] = {
    "source", "year", "tag", "entity", "author"};

const char *gazette_facet_name(gazette_facet_t facet)
{
    return (unsigned)facet < GAZETTE_FACET_COUNT_ ? facet_names[facet] : NULL;
}

gazette_status_t gazette_search_options_add_facet(
    gazette_search_options_t *opts, gazette_facet_t facet)
{
    if (!opts || (unsigned)facet >= GAZETTE_FACET_COUNT_)
        return GAZETTE_STATUS_INVALID_ARGUMENT;
    opts->facets[facet] = 1;
    return GAZETTE_STATUS_OK;
}

/* --------------------------------------------------------------- search */

static const gazette_search_options_t default_options = {
    .offset = 0, .limit = 10, .snippet_length = 200,
    .hi_start = NULL, .hi_end = NULL, .sort = GAZETTE_SORT_RELEVANCE,
    .match_all = 0, .collapse = 1, .spelling = 1, .explain = 0,
    .facets = {0}
};

static void free_hit(gazette_hit_t *h)
{
    free(h->data);
    free(h->tags.items);
    free(h->entities.items);
    free(h->snippet);
    free(h->plain);
    free(h->highlights);
    free(h->matching_terms);
    for (size_t t = 0; t < h->nterms; t++)
        free(h->terms[t]);
    free(h->terms);
    free(h->term_weights);
}

void gazette_results_free(gazette_results_t *results)
{
    if (!results)
        return;
    for (size_t i = 0; i < results->count; i++)
        free_hit(&results->hits[i]);
    for (size_t f = 0; f < GAZETTE_FACET_COUNT_; f++) {
        for (size_t i = 0; i < results->facets[f].count; i++)
            free(results->facets[f].values[i].value);
        free(results->facets[f].values);
    }
    free(results->hits);
    free(results->parsed);
    free(results->suggestion);
    free(results);
}

/* Split the `sep`-separated `field` (writable, inside hit->data) into
 * `list`. Empty items are dropped. */
static xap_status split_items(const char *field, char sep, item_list *list)
{
    char *text = (char *)field;   /* points into the hit's own copy */
    size_t n = *text ? 1 : 0;
    for (char *p = text; *p; p++)
        n += *p == sep;
    list->count = 0;
    if (n == 0)
        return XAP_OK;
    if (!(list->items = malloc(n * sizeof *list->items)))
        return XAP_ERR_NOMEM;
    for (char *item = text; item;) {
        char *comma = strchr(item, sep);
        if (comma)
            *comma = '\0';
        if (*item)
            list->items[list->count++] = item;
        item = comma ? comma + 1 : NULL;
    }
    return XAP_OK;
}

/* The walk over a hit's matching terms; `nomem` says it stopped short. */
typedef struct term_walk {
    gazette_hit_t *hit;
    int nomem;
} term_walk;

/* Record a matching `term` of the hit in ctx (a term_walk *): in the
 * space-separated string and, as its own copy, in the term list. Returns
 * non-zero (stop) when out of memory. */
static int append_term(const char *term, void *ctx)
{
    term_walk *walk = ctx;
    gazette_hit_t *hit = walk->hit;
    char **acc = &hit->matching_terms;
    size_t old = *acc ? strlen(*acc) : 0;
    char *grown = realloc(*acc, old + strlen(term) + 2);
    walk->nomem = 1;
    if (!grown)
        return 1;
    if (old)
        grown[old++] = ' ';
    strcpy(grown + old, term);
    *acc = grown;
    size_t n = hit->nterms;
    char **items = realloc(hit->terms, (n + 1) * sizeof *items);
    if (!items)
        return 1;
    hit->terms = items;
    if (!(items[n] = strdup(term)))
        return 1;
    hit->nterms = n + 1;
    walk->nomem = 0;
    return 0;
}

/* The weight `term` alone gives the document with unique term `id_term`,
 * ranked as searches are: its share of the hit's weight (BM25 adds the
 * terms' weights up; feedback terms that re-rank are not among them). */
static xap_status term_weight(gazette_index_t *index, const char *id_term,
                              const char *term, double *out)
{
    xap_query *t = NULL, *id = NULL, *both = NULL;
    xap_enquire *enq = NULL;
    xap_mset *mset = NULL;
    *out = 0;
    xap_status s = xap_query_new_term(term, 1, 1, &t);
    if (s == XAP_OK)
        s = xap_query_new_term(id_term, 1, 2, &id);
    if (s == XAP_OK) {
        const xap_query *subs[2] = {t, id};
        s = xap_query_new_combine(XAP_OP_FILTER, subs, 2, 0, &both);
    }
    if (s == XAP_OK)
        s = xap_enquire_new(index->db, &enq);
    if (s == XAP_OK)
        s = gz_ranking_set_weighting(enq);
    if (s == XAP_OK)
        s = xap_enquire_set_query(enq, both, 0);
    if (s == XAP_OK)
        s = xap_enquire_get_mset(enq, 0, 1, 0, NULL, &mset);
    if (s == XAP_OK && xap_mset_size(mset) > 0)
        s = xap_mset_weight(mset, 0, out);
    xap_mset_free(mset);
    xap_enquire_free(enq);
    xap_query_free(both);
    xap_query_free(id);
    xap_query_free(t);
    return s;
}

/* Explain hit `i` of `mset`: its matching terms and each one's weight. */
static xap_status explain_hit(gazette_index_t *index, const xap_enquire *enq,
                              const xap_mset *mset, uint32_t i,
                              gazette_hit_t *hit)
{
    xap_docid id = 0;
    char id_term[GZ_TERM_BUF];
    term_walk walk = {hit, 0};
    xap_status s = xap_mset_docid(mset, i, &id);
    if (s == XAP_OK)
        s = xap_enquire_each_matching_term(enq, id, append_term, &walk);
    if (s == XAP_OK && walk.nomem)
        s = XAP_ERR_NOMEM;
    if (s == XAP_OK && hit->nterms &&
        !(hit->term_weights = calloc(hit->nterms, sizeof(double))))
        s = XAP_ERR_NOMEM;
    gz_make_term(GZ_PREFIX_ID, hit->fields.id, id_term, sizeof id_term);
    for (size_t t = 0; s == XAP_OK && t < hit->nterms; t++)
        s = term_weight(index, id_term, hit->terms[t], &hit->term_weights[t]);
    return s;
}

/* Snippet of the hit's body: plain text, highlight offsets and the
 * marked-up copy with the caller's markers. */
static xap_status make_snippet(gazette_index_t *index, const xap_mset *mset,
                               const gazette_search_options_t *o,
                               gazette_hit_t *hit)
{
    xap_status s = gz_snippet_make(mset, index->stem, hit->fields.body,
                                   hit->fields.body_len, o->snippet_length,
                                   &hit->plain, &hit->highlights,
                                   &hit->nhighlights);
    if (s == XAP_OK &&
        !(hit->snippet = gz_snippet_mark(hit->plain, hit->highlights,
                                         hit->nhighlights, o->hi_start,
                                         o->hi_end)))
        s = XAP_ERR_NOMEM;
    return s;
}

/* Fill `hit` from the i-th document of `mset`: stored fields, snippet,
 * duplicates hidden behind it and (explain) its matching terms. */
static xap_status fill_hit(gazette_index_t *index, const xap_enquire *enq,
                           const xap_mset *mset, uint32_t i,
                           const gazette_search_options_t *o,
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
        s = split_items(hit->fields.tags, ',', &hit->tags);
    }
    if (s == XAP_OK)
        s = split_items(hit->fields.entities, GZ_ENTITY_SEP, &hit->entities);
    if (s == XAP_OK)
        s = xap_mset_weight(mset, i, &hit->weight);
    if (s == XAP_OK)
        s = xap_mset_percent(mset, i, &hit->percent);
    if (s == XAP_OK)
        s = xap_mset_collapse_count(mset, i, &hit->duplicates);
    if (s == XAP_OK && o->snippet_length > 0)
        s = make_snippet(index, mset, o, hit);
    if (s == XAP_OK && o->explain)
        s = explain_hit(index, enq, mset, i, hit);
    xap_document_free(doc);
    return s;
}

/* The facet spies of one search: a value spy for single-valued fields, a
 * term spy for multi-valued ones. */
typedef struct facet_spies {
    xap_valuecount_spy *values[GAZETTE_FACET_COUNT_];
    xap_termcount_spy *terms[GAZETTE_FACET_COUNT_];
} facet_spies;

static void free_spies(facet_spies *sp)
{
    for (size_t f = 0; f < GAZETTE_FACET_COUNT_; f++) {
        xap_valuecount_spy_free(sp->values[f]);
        xap_termcount_spy_free(sp->terms[f]);
    }
}

/* Attach a spy to `enq` for each facet asked for in `o`. */
static xap_status attach_spies(xap_enquire *enq,
                               const gazette_search_options_t *o,
                               facet_spies *sp)
{
    static const struct {
        int slot;              /* single-valued slot, or -1 */
        const char *prefix;    /* else terms with this prefix, */
        int split_slot;        /* else this slot split at GZ_ENTITY_SEP */
    } how[GAZETTE_FACET_COUNT_] = {
        [GAZETTE_FACET_SOURCE] = {GZ_SLOT_SOURCE, NULL, -1},
        [GAZETTE_FACET_YEAR] = {GZ_SLOT_YEAR, NULL, -1},
        [GAZETTE_FACET_TAG] = {-1, GZ_PREFIX_TAG, -1},
        /* The slot holds display names without the surname aliases that
         * the XE terms add, so each person counts once, as written. */
        [GAZETTE_FACET_ENTITY] = {-1, NULL, GZ_SLOT_ENTITIES},
        [GAZETTE_FACET_AUTHOR] = {-1, GZ_PREFIX_AUTHOR_NAME, -1},
    };
    xap_status s = XAP_OK;
    for (size_t f = 0; s == XAP_OK && f < GAZETTE_FACET_COUNT_; f++) {
        if (!o->facets[f])
            continue;
        /* Spies see every match, collapsed duplicates too: count each
         * normalised text once, like the hits. */
        if (how[f].slot >= 0) {
            s = xap_valuecount_spy_new((unsigned)how[f].slot, &sp->values[f]);
            if (s == XAP_OK && o->collapse)
                s = xap_valuecount_spy_set_distinct(sp->values[f],
                                                    GZ_SLOT_DEDUP);
            if (s == XAP_OK)
                s = xap_enquire_add_valuecount_spy(enq, sp->values[f]);
        } else {
            s = how[f].prefix
                    ? xap_termcount_spy_new(how[f].prefix, &sp->terms[f])
                    : xap_termcount_spy_new_split((unsigned)how[f].split_slot,
                                                  GZ_ENTITY_SEP,
                                                  &sp->terms[f]);
            if (s == XAP_OK && o->collapse)
                s = xap_termcount_spy_set_distinct(sp->terms[f],
                                                   GZ_SLOT_DEDUP);
            if (s == XAP_OK)
                s = xap_enquire_add_termcount_spy(enq, sp->terms[f]);
        }
    }
    return s;
}

/* Spy callback: append one value to the facet_counts in ctx. */
static int collect_facet(const char *value, size_t len, uint32_t count,
                         void *ctx)
{
    facet_counts *fc = ctx;
    facet_value *grown = realloc(fc->values, (fc->count + 1) * sizeof *grown);
    if (!grown)
        return 1;
    fc->values = grown;
    if (!(grown[fc->count].value = malloc(len + 1)))
        return 1;
    memcpy(grown[fc->count].value, value, len);
    grown[fc->count].value[len] = '\0';
    grown[fc->count++].count = count;
    return 0;
}

static xap_status read_spies(const facet_spies *sp, gazette_results_t *r)
{
    xap_status s = XAP_OK;
    for (size_t f = 0; s == XAP_OK && f < GAZETTE_FACET_COUNT_; f++) {
        if (sp->values[f])
            s = xap_valuecount_spy_each_top(sp->values[f], 0, collect_facet,
                                            &r->facets[f]);
        else if (sp->terms[f])
            s = xap_termcount_spy_each_top(sp->terms[f], 0, collect_facet,
                                           &r->facets[f]);
    }
    return s;
}

/* The spelling suggestion in the words the person typed (see
 * gz_query_restore_corrections); "" when Xapian corrected nothing. */
/* A word of a query is "rare" next to its correction when the correction
 * is in this many times more articles: "did you mean" is for words the
 * index hardly has, not for "aid" when "said" is more common. */
#define RARE_RATIO 10

/* The next white-space separated word of *p, trimmed of punctuation that
 * the parser does not index ("(word", "word\")"): [*start, *start+*len).
 * Advances *p; returns 0 at the end. */
static int next_word(const char **p, const char **start, size_t *len)
{
    while (**p && isspace((unsigned char)**p))
        (*p)++;
    if (!**p)
        return 0;
    const char *w = *p;
    while (**p && !isspace((unsigned char)**p))
        (*p)++;
    const char *e = *p;
    while (w < e && ispunct((unsigned char)*w))
        w++;
    while (e > w && ispunct((unsigned char)e[-1]))
        e--;
    *start = w;
    *len = (size_t)(e - w);
    return 1;
}

/* Articles holding the unprefixed term [w, w+n) (0 when unknown). */
static uint32_t word_freq(gazette_index_t *index, const char *w, size_t n)
{
    char term[GZ_TERM_BUF];
    uint32_t tf = 0;
    if (n == 0 || n >= sizeof term)
        return 0;
    memcpy(term, w, n);
    term[n] = '\0';
    if (xap_database_termfreq(index->db, term, &tf) != XAP_OK)
        return 0;
    return tf;
}

/* 1 when each word Xapian corrected in `text` is rare next to its
 * correction in `corrected` (word for word; texts of different lengths
 * cannot be compared and are trusted). */
static int corrections_worth_it(gazette_index_t *index, const char *text,
                                const char *corrected)
{
    const char *p = text, *q = corrected, *a, *b;
    size_t an, bn;
    for (;;) {
        int more_a = next_word(&p, &a, &an), more_b = next_word(&q, &b, &bn);
        if (!more_a || !more_b)
            return 1;
        if (an == bn && memcmp(a, b, an) == 0)
            continue;
        uint64_t had = word_freq(index, a, an), alt = word_freq(index, b, bn);
        if (had * RARE_RATIO >= alt)
            return 0;
    }
}

static xap_status make_suggestion(gazette_index_t *index, const char *query,
                                  const char *text, gazette_results_t *r)
{
    char *corrected = NULL;
    xap_status s = xap_queryparser_corrected_query(index->qp, &corrected);
    if (s == XAP_OK && *corrected &&
        corrections_worth_it(index, text, corrected)) {
        r->suggestion = gz_query_restore_corrections(query, text, corrected);
        if (!r->suggestion)
            s = XAP_ERR_NOMEM;
    }
    free(corrected);
    return s;
}

/* The spelling suggestion for the whole of `text` (the query was parsed in
 * pieces): one more parse, kept only for its correction, so that the
 * suggestion keeps the typed fields and dates in place. A text Xapian
 * cannot parse whole gets no suggestion. */
static xap_status suggest_whole(gazette_index_t *index, const char *query,
                                const char *text, unsigned flags,
                                gazette_results_t *r)
{
    xap_query *whole = NULL;
    xap_status s = xap_queryparser_parse(index->qp, text, flags, NULL, &whole);
    xap_query_free(whole);
    if (s == XAP_ERR_QUERY_PARSE)
        return XAP_OK;
    return s == XAP_OK ? make_suggestion(index, query, text, r) : s;
}

/* Parse `filters` (filter tokens only) as one boolean query. */
static xap_status parse_filters(gazette_index_t *index, const char *filters,
                                xap_query **out)
{
    return xap_queryparser_parse(index->qp, filters,
                                 XAP_QP_FLAG_BOOLEAN | XAP_QP_FLAG_PHRASE,
                                 NULL, out);
}

/* *q AND_NOT each line of `excluded` (one filter token a line). *q may be
 * NULL: then everything but the excluded. Replaces *q. */
static xap_status exclude_filters(gazette_index_t *index, char *excluded,
                                  xap_query **q)
{
    xap_status s = *q ? XAP_OK : xap_query_new_match_all(q);
    for (char *line = excluded; s == XAP_OK && line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        xap_query *x = NULL, *without = NULL;
        s = parse_filters(index, line, &x);
        if (s == XAP_OK) {
            const xap_query *both[2] = {*q, x};
            s = xap_query_new_combine(XAP_OP_AND_NOT, both, 2, 0, &without);
        }
        if (s == XAP_OK) {
            xap_query_free(*q);
            *q = without;
        }
        xap_query_free(x);
        line = nl ? nl + 1 : NULL;
    }
    return s;
}

/* Parse the normalised query `text` (made from `query`) with the options'
 * operator and flags; keep the parsed description and any spelling
 * suggestion in `r`. Filters standing alone at the top level are parsed
 * apart and apply to the whole query (gz_query_split_filters). */
static xap_status parse_query(gazette_index_t *index, const char *query,
                              const char *text,
                              const gazette_search_options_t *o,
                              gazette_results_t *r, xap_query **q)
{
    unsigned flags = XAP_QP_FLAG_BOOLEAN | XAP_QP_FLAG_PHRASE |
                     XAP_QP_FLAG_LOVEHATE | XAP_QP_FLAG_WILDCARD |
                     XAP_QP_FLAG_PURE_NOT | XAP_QP_FLAG_AUTO_SYNONYMS |
                     XAP_QP_FLAG_AUTO_MULTIWORD_SYNONYMS;
    if (o->spelling)
        flags |= XAP_QP_FLAG_SPELLING_CORRECTION;
    char *rest = NULL, *filters = NULL, *excluded = NULL;
    xap_query *main_q = NULL, *filter_q = NULL;
    xap_status s = gz_query_split_filters(text, &rest, &filters, &excluded) == 0
                       ? XAP_OK : XAP_ERR_NOMEM;
    int split = s == XAP_OK && (filters || excluded);
    if (s == XAP_OK)
        s = xap_queryparser_set_default_op(
            index->qp, o->match_all ? XAP_OP_AND : XAP_OP_OR);
    if (s == XAP_OK && *rest)
        s = xap_queryparser_parse(index->qp, rest, flags, NULL, &main_q);
    /* What is left beside the filters may parse to nothing (a stray
     * parenthesis or sign): then the filters alone are the query. */
    if (s == XAP_OK && main_q && split && xap_query_is_empty(main_q)) {
        xap_query_free(main_q);
        main_q = NULL;
    }
    if (s == XAP_OK && o->spelling && split)
        s = suggest_whole(index, query, text, flags, r);
    else if (s == XAP_OK && o->spelling && *rest)
        s = make_suggestion(index, query, text, r);
    if (s == XAP_OK && filters)
        s = parse_filters(index, filters, &filter_q);
    if (s == XAP_OK && main_q && filter_q) {
        const xap_query *both[2] = {main_q, filter_q};
        s = xap_query_new_combine(XAP_OP_FILTER, both, 2, 0, q);
    } else if (s == XAP_OK) {
        *q = main_q ? main_q : filter_q;
        main_q = filter_q = NULL;
    }
    if (s == XAP_OK && excluded)
        s = exclude_filters(index, excluded, q);
    if (s == XAP_OK)
        s = xap_query_description(*q, &r->parsed);
    xap_query_free(main_q);
    xap_query_free(filter_q);
    free(rest);
    free(filters);
    free(excluded);
    return s;
}

/* Order, duplicate collapsing and facet spies for one enquire. */
static xap_status configure_enquire(xap_enquire *enq,
                                    const gazette_search_options_t *o,
                                    facet_spies *spies)
{
    xap_status s = XAP_OK;
    if (o->sort != GAZETTE_SORT_RELEVANCE)
        s = xap_enquire_set_sort_by_value(enq, GZ_SLOT_DATE,
                                          o->sort == GAZETTE_SORT_DATE);
    if (s == XAP_OK && o->collapse)
        s = xap_enquire_set_collapse_key(enq, GZ_SLOT_DEDUP, 1);
    if (s == XAP_OK)
        s = attach_spies(enq, o, spies);
    return s;
}

/* One attempt at running `query`, normalised as `text`;
 * XAP_ERR_DB_MODIFIED means retry. */
static xap_status run_search(gazette_index_t *index, const char *query,
                             const char *text,
                             const gazette_search_options_t *o,
                             gazette_results_t *r)
{
    xap_query *q = NULL;
    xap_enquire *enq = NULL;
    xap_mset *mset = NULL;
    facet_spies spies = {{0}, {0}};
    uint32_t all = 0;
    xap_status s = parse_query(index, query, text, o, r, &q);
    if (s == XAP_OK)
        s = xap_enquire_new(index->db, &enq);
    if (s == XAP_OK)
        s = gz_ranking_apply(enq, q);
    if (s == XAP_OK)
        s = configure_enquire(enq, o, &spies);
    /* Look at every matching document: facets count the whole match set,
     * and with feedback re-ranking Xapian's early termination was seen to
     * drop a hit that belonged in the page (the first 25 hits of "the"
     * lacked one of the first 30). Exact pages cost a full match. */
    if (s == XAP_OK)
        s = xap_database_doc_count(index->db, &all);
    /* Every page is cut from a match that starts at the first hit: asked
     * to start later, Xapian's matcher pruned differently under feedback
     * re-ranking and consecutive pages overlapped. A deep page costs more;
     * pages that add up to the full list matter more. */
    uint32_t skip = o->offset;
    uint32_t want = o->limit > UINT32_MAX - skip ? UINT32_MAX
                                                 : skip + o->limit;
    if (s == XAP_OK)
        s = xap_enquire_get_mset(enq, 0, want, all, NULL, &mset);
    if (s == XAP_OK)
        s = gz_ranking_finish(enq, q);
    if (s == XAP_OK) {
        uint32_t lo = 0, est = 0, hi = 0;
        s = xap_mset_matches(mset, &lo, &est, &hi);
        r->lower = lo;
        r->estimate = est;
        r->upper = hi;
    }
    if (s == XAP_OK)
        s = read_spies(&spies, r);
    uint32_t got = s == XAP_OK ? xap_mset_size(mset) : 0;
    uint32_t n = got > skip ? got - skip : 0;
    if (n && !(r->hits = calloc(n, sizeof *r->hits)))
        s = XAP_ERR_NOMEM;
    for (uint32_t i = 0; s == XAP_OK && i < n; i++) {
        r->hits[i].rank = skip + i + 1;
        r->count = i + 1;
        s = fill_hit(index, enq, mset, skip + i, o, &r->hits[i]);
    }
    xap_mset_free(mset);
    xap_enquire_free(enq);
    free_spies(&spies);
    xap_query_free(q);
    return s;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Record a failed search on `index` in words a person can act on. */
static gazette_status_t search_failed(gazette_index_t *index, xap_status s)
{
    const char *msg = xap_last_error();
    if (s == XAP_ERR_XAPIAN && strstr(msg, "WildcardError")) {
        set_error(index->error, sizeof index->error,
                  "a wildcard in the query matches more than %u words; "
                  "make the part before '*' longer",
                  MAX_WILDCARD_EXPANSION);
        return GAZETTE_STATUS_QUERY_SYNTAX;
    }
    if (s == XAP_ERR_QUERY_PARSE) {
        const char *why = strchr(msg, ':');
        set_error(index->error, sizeof index->error,
                  "cannot understand the query:%s (an operator such as "
                  "AND, OR, NOT needs a word on each side)",
                  why ? why + 1 : " syntax error");
        return GAZETTE_STATUS_QUERY_SYNTAX;
    }
    return fail_shim(index, s, "search failed");
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
    double start = now_ms();
    index->error[0] = '\0';
    const gazette_search_options_t *o = opts ? opts : &default_options;
    /* A query typed all in capitals is read as plain lower-case words
     * (ranking.h), before the normaliser decides what is an operator. */
    char *folded = NULL;
    char *text = NULL;
    if (gz_ranking_query_text(query, &folded) == XAP_OK)
        text = gz_query_normalise(folded, index->error, sizeof index->error);
    free(folded);
    if (!text) {
        if (index->error[0])
            return GAZETTE_STATUS_QUERY_SYNTAX;
        set_error(index->error, sizeof index->error, "out of memory");
        return GAZETTE_STATUS_OUT_OF_MEMORY;
    }
    if (text[strspn(text, " \t\r\n\"()")] == '\0') {
        /* Nothing to look for: say so rather than return no hits. */
        free(text);
        set_error(index->error, sizeof index->error,
                  "the query has nothing to search for%s",
                  *query ? " (a field such as title: needs a word after it)"
                         : "");
        return GAZETTE_STATUS_QUERY_SYNTAX;
    }
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
        if (!(r = calloc(1, sizeof *r))) {
            free(text);
            return GAZETTE_STATUS_OUT_OF_MEMORY;
        }
        s = refresh_db(index);
        if (s == XAP_OK)
            s = run_search(index, query, text, o, r);
    }
    free(text);
    if (s != XAP_OK) {
        gazette_results_free(r);
        return search_failed(index, s);
    }
    r->milliseconds = now_ms() - start;
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

const char *gazette_results_parsed_query(const gazette_results_t *results)
{
    return results && results->parsed ? results->parsed : "";
}

const char *gazette_results_suggestion(const gazette_results_t *results)
{
    return results && results->suggestion ? results->suggestion : "";
}

double gazette_results_milliseconds(const gazette_results_t *results)
{
    return results ? results->milliseconds : 0.0;
}

size_t gazette_results_facet_count(const gazette_results_t *results,
                                   gazette_facet_t facet)
{
    if (!results || (unsigned)facet >= GAZETTE_FACET_COUNT_)
        return 0;
    return results->facets[facet].count;
}

gazette_status_t gazette_results_facet_value(const gazette_results_t *results,
                                             gazette_facet_t facet, size_t i,
                                             const char **value,
                                             uint64_t *count)
{
    if (!results || (unsigned)facet >= GAZETTE_FACET_COUNT_ ||
        i >= results->facets[facet].count)
        return GAZETTE_STATUS_INVALID_ARGUMENT;
    if (value)
        *value = results->facets[facet].values[i].value;
    if (count)
        *count = results->facets[facet].values[i].count;
    return GAZETTE_STATUS_OK;
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

const char *gazette_hit_plain_snippet(const gazette_hit_t *hit)
{
    return hit && hit->plain ? hit->plain : "";
}

size_t gazette_hit_highlight_count(const gazette_hit_t *hit)
{
    return hit ? hit->nhighlights : 0;
}

void gazette_hit_highlight(const gazette_hit_t *hit, size_t i, size_t *start,
                           size_t *end)
{
    int ok = hit && i < hit->nhighlights;
    if (start)
        *start = ok ? hit->highlights[2 * i] : 0;
    if (end)
        *end = ok ? hit->highlights[2 * i + 1] : 0;
}

size_t gazette_hit_tag_count(const gazette_hit_t *hit)
{
    return hit ? hit->tags.count : 0;
}

const char *gazette_hit_tag(const gazette_hit_t *hit, size_t i)
{
    return hit && i < hit->tags.count ? hit->tags.items[i] : NULL;
}

size_t gazette_hit_entity_count(const gazette_hit_t *hit)
{
    return hit ? hit->entities.count : 0;
}

const char *gazette_hit_entity(const gazette_hit_t *hit, size_t i)
{
    return hit && i < hit->entities.count ? hit->entities.items[i] : NULL;
}

uint32_t gazette_hit_duplicates(const gazette_hit_t *hit)
{
    return hit ? hit->duplicates : 0;
}

size_t gazette_hit_term_count(const gazette_hit_t *hit)
{
    return hit ? hit->nterms : 0;
}

const char *gazette_hit_term(const gazette_hit_t *hit, size_t i,
                             double *weight)
{
    if (!hit || i >= hit->nterms)
        return NULL;
    if (weight)
        *weight = hit->term_weights ? hit->term_weights[i] : 0.0;
    return hit->terms[i];
}

const char *gazette_hit_matching_terms(const gazette_hit_t *hit)
{
    return hit && hit->matching_terms ? hit->matching_terms : "";
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
